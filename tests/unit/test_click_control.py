"""Black box presses controls by locator: through the control's own action where it has one, else at the
centre of where it is drawn; a control that never appears means the guide is out of date, in one sentence."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.automation import controls
from app.automation.performer import Performed, Performer
from app.format import model
from app.format.elements import FakeElements
from app.ports import Control, FakeInjector, FakeWindowProbe, Locator, WindowInfo

PAD = WindowInfo(app="mousepad", klass="Mousepad", title="Untitled - Mousepad", handle=1, pid=40,
                 geometry=(100, 50, 801, 601))
DIALOG = WindowInfo(app="mousepad", klass="Mousepad", title="Save As", handle=3, pid=40,
                    geometry=(200, 100, 600, 400))
TERM = WindowInfo(app="xterm", klass="XTerm", title="xterm", handle=2, pid=41, geometry=(0, 0, 400, 300))
SAVE_AS = Control("menu item", "Save As...      ", 1, ref=("pad", "/save-as"))
CANCEL = Control("push button", "Cancel", 0, ref=("pad", "/cancel"))


def click(element: dict[str, object], elements: FakeElements | None, probe: FakeWindowProbe,
          injector: FakeInjector | None = None) -> Performed:
    step = model.Step.model_validate({"id": "s", "title": "S", "do": [{"click": {"element": element}}]})
    assert step.do is not None
    outcome, _ = Performer(injector or FakeInjector(), probe, elements=elements).run(
        step.do, PAD, threading.Event())
    return outcome


def test_a_control_with_an_action_is_pressed_through_it_even_off_screen() -> None:
    elements = FakeElements({1: [Control("frame", "Untitled - Mousepad"), SAVE_AS]}, actions={SAVE_AS.ref})
    injector = FakeInjector()
    save_as = {"role": "menu item", "name": "Save As*"}
    outcome = click(save_as, elements, FakeWindowProbe(window=PAD), injector)
    assert outcome.completed and elements.activated == [SAVE_AS] and injector.sent == []


def test_a_control_without_an_action_is_clicked_at_its_centre_in_a_dialog_of_the_same_application() -> None:
    elements = FakeElements({3: [Control("dialog", "Save As"), CANCEL]}, {CANCEL.ref: (500, 400, 80, 30)})
    injector = FakeInjector()
    outcome = click({"role": "push button", "name": "Cancel"}, elements, FakeWindowProbe(window=DIALOG),
                    injector)
    assert outcome.completed and injector.sent == [("click", "540,415,left")]


def test_a_control_in_a_window_that_is_not_in_front_is_not_clicked() -> None:
    elements = FakeElements({1: [CANCEL]}, {CANCEL.ref: (500, 400, 80, 30)})
    injector = FakeInjector()
    probe = FakeWindowProbe(window=PAD)
    cancel = [model.ClickAction.model_validate({"click": {"element": {"name": "Cancel"}}})]
    outcome, _ = Performer(injector, probe, elements=elements).run(cancel, PAD, threading.Event())
    assert outcome.completed
    probe.window = TERM
    outcome, _ = Performer(injector, probe, elements=elements).run(cancel, PAD, threading.Event())
    assert outcome.paused_at == (0, 0) and "wrong window" in outcome.message
    assert injector.sent == [("click", "540,415,left")]


def test_a_control_that_never_appears_says_the_guide_may_be_out_of_date(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(controls, "ELEMENT_TIMEOUT_S", 0.1)
    save_as = {"role": "menu item", "name": "Save As*"}
    outcome = click(save_as, FakeElements({1: []}), FakeWindowProbe(window=PAD))
    assert outcome.failed_at == 0
    assert outcome.message == "Save As (menu item) was not found in Mousepad: this guide may be out of date."


def test_without_an_accessibility_bus_clicking_a_control_is_refused_in_one_sentence() -> None:
    outcome = click({"role": "menu item", "name": "Save As*"}, None, FakeWindowProbe(window=PAD))
    assert outcome.failed_at == 0
    assert outcome.message == "Wayguide cannot do 'click on a control' actions for you here."


@pytest.mark.parametrize(("spec", "problem"), [
    ({"element": {"role": "pushbutton", "name": "OK"}},
     "unknown role 'pushbutton' (did you mean 'push button'?)"),
    ({"element": {"index": 2}}, "give at least one of 'role' or 'name'"),
    ({"element": {"name": "OK"}, "at": [1, 1]}, "give either 'at' (a point) or 'element' (a control)"),
    ({"button": "left"}, "give either 'at' (a point) or 'element' (a control)"),
    ({"element": {"name": "re:(a+)+$"}}, "exponential time"),
])
def test_a_bad_locator_is_one_clear_error(spec: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError) as caught:
        model.ClickAction.model_validate({"click": spec})
    assert problem in str(caught.value)


def test_a_wizard_file_with_locators_loads_and_a_bad_one_points_at_the_line(tmp_path: Path) -> None:
    """A locator holds a locator (`within`): the loader's walk over the format ended in a RecursionError."""
    from app.format.loader import load_file

    good = tmp_path / "good.yaml"
    good.write_text("wayguide: 1\nid: save\ntitle: Save\nsteps:\n  - id: s\n    title: S\n    do:\n"
                    "      - click: {element: {role: push button, name: Save,\n"
                    "                          within: {role: dialog, name: Save As, within: {name: x}}}}\n")
    loaded = load_file(good)
    assert loaded.wizard is not None, loaded.diagnostics
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text().replace("role: dialog", "role: dialogue"))
    result = load_file(bad)
    assert result.wizard is None
    assert str(result.diagnostics[0]).startswith(f"{bad}:9:")
    assert "unknown role 'dialogue' (did you mean 'dialog'?)" in str(result.diagnostics[0])


def test_a_menu_item_without_an_action_is_clicked_as_a_person_would_its_menu_opened_first() -> None:
    menu = Control("menu", "File", 1, ref=("pad", "/file"))
    item = Control("menu item", "Save As...      ", 2, ref=("pad", "/save-as"))
    window = [Control("frame", "Untitled - Mousepad"), Control("menu bar", "", 0), menu, item]
    elements = FakeElements({1: window}, {menu.ref: (100, 70, 40, 20)})

    class Opens(FakeInjector):
        def click(self, x: int, y: int, button: str = "left") -> None:
            super().click(x, y, button)
            elements.places[item.ref] = (100, 120, 160, 24)  # the menu is open: its items are drawn

    injector = Opens()
    save_as = {"role": "menu item", "name": "Save As*"}
    outcome = click(save_as, elements, FakeWindowProbe(window=PAD), injector)
    assert outcome.completed
    assert injector.sent == [("click", "120,80,left"), ("click", "180,132,left")]
    assert elements.activated == []


def test_a_menu_item_is_clicked_where_it_settles_not_where_it_was_told_while_its_menu_was_laid_out() -> None:
    """gnumeric told a menu item's place while laying its menu out, one item too high, then where it is."""
    item = Control("menu item", "Save As", 0, ref=("pad", "/save-as"))

    class LaidOut(FakeElements):
        reads = 0

        def extents(self, control: Control) -> tuple[int, int, int, int] | None:
            self.reads += 1
            return (60, 243, 300, 25) if self.reads <= 2 else (60, 268, 303, 25)

    elements = LaidOut({1: [Control("frame", "Untitled - Mousepad"), item]})
    injector = FakeInjector()
    outcome = click({"role": "menu item", "name": "Save As"}, elements, FakeWindowProbe(window=PAD), injector)
    assert outcome.completed and injector.sent == [("click", "211,280,left")]


def test_a_wait_for_a_control_ends_when_it_appears_or_goes_and_says_when_it_never_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(controls, "POLL_S", 0.01)
    dialog_button = Control("push button", "Replace", 0, ref=("pad", "/replace"))
    elements = FakeElements({1: [Control("frame", "Untitled - Mousepad")]})
    probe = FakeWindowProbe(window=PAD)
    clock = [0.0]
    perf = Performer(FakeInjector(), probe, clock=lambda: clock[0], elements=elements)

    def wait(spec: dict[str, object]) -> Performed:
        action = model.WaitAction.model_validate({"wait": spec})
        outcome, _ = perf.run([action], PAD, threading.Event())
        return outcome

    def appears() -> None:
        clock[0] += 1.0
        if clock[0] >= 3:
            elements.windows[1].append(dialog_button)

    elements_find = elements.find

    def find(locator: Locator, window: WindowInfo) -> list[Control]:
        appears()
        return elements_find(locator, window)

    monkeypatch.setattr(elements, "find", find)
    assert wait({"element": {"role": "push button", "name": "Replace"}, "timeout": 10}).completed
    stays = wait({"element": {"role": "push button", "name": "Replace"}, "gone": True, "timeout": 2})
    assert stays.message == "Replace (push button) did not go away within 2 s."
    missing = wait({"element": {"role": "push button", "name": "Overwrite"}, "timeout": 2})
    assert missing.message == ("Overwrite (push button) did not appear within 2 s in Mousepad: this guide "
                               "may be out of date.")


def test_a_wait_names_a_window_or_a_control_not_both() -> None:
    with pytest.raises(ValueError, match="not both"):
        model.WaitAction.model_validate({"wait": {"title": "Save As", "element": {"name": "Save"}}})


def test_a_wait_for_a_control_to_go_with_no_window_to_look_in_does_not_count_it_gone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(controls, "POLL_S", 0.01)
    clock = [0.0]

    def tick() -> float:
        clock[0] += 0.5
        return clock[0]

    perf = Performer(FakeInjector(), FakeWindowProbe(), clock=tick, elements=FakeElements({}))
    spec = {"element": {"role": "dialog"}, "gone": True, "timeout": 2}
    action = model.WaitAction.model_validate({"wait": spec})
    outcome, _ = perf.run([action], None, threading.Event())
    assert outcome.message == "The dialog did not go away within 2 s."
