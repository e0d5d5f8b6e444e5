"""Element conditions decided from accessibility events (fakes, no bus, no Qt): what holds, where it is
looked for, that nothing is looked at until something changes; `fill` and the check after typing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from pydantic import ValidationError

from app.automation.element_watch import ElementWatch
from app.automation.performer import Performer
from app.format import model
from app.format.elements import FakeElements, control_holds, places
from app.ports import Control, FakeInjector, FakeWindowProbe, Locator, WindowInfo

PAD = WindowInfo(app="mousepad", klass="Mousepad", title="Untitled - Mousepad", pid=10, handle=1,
                 geometry=(0, 0, 800, 600))
DIALOG = WindowInfo(app="mousepad", klass="Mousepad", title="Save As", pid=10, handle=2,
                    geometry=(100, 100, 400, 300))
TERM = WindowInfo(app="xterm", title="xterm", pid=20, handle=3)

MAIN = [Control("frame", "Untitled - Mousepad", ref=("a", "1")),
        Control("text", "", 0, frozenset({"focused", "editable", "multi line"}), ref=("a", "2")),
        Control("check box", "Bold", 0, frozenset({"enabled"}), ref=("a", "3"))]
SAVE_AS = [Control("file chooser", "Save As", ref=("a", "20")),
           Control("text", "Name", 0, frozenset({"editable"}), ref=("a", "21")),
           Control("push button", "Save", 0, ref=("a", "22"))]


def holds(elements: FakeElements, locator: Locator, where: list[WindowInfo], **kwargs: object) -> bool:
    return control_holds(elements, locator, where, **kwargs)  # type: ignore[arg-type]


def test_a_control_holds_by_presence_state_text_or_absence() -> None:
    texts = {("a", "2"): "Dear Ann,\nthanks", ("a", "21"): "ann.txt"}
    elements = FakeElements({1: MAIN, 2: SAVE_AS}, texts=texts)
    bold, body, name = Locator("check box", "Bold"), Locator("text", index=0), Locator("text", "Name")
    assert holds(elements, bold, [PAD])
    assert holds(elements, bold, [PAD], state="enabled")
    assert not holds(elements, bold, [PAD], state="checked")
    assert holds(elements, body, [PAD], state="focused")
    assert holds(elements, body, [PAD], text="Dear*")
    assert holds(elements, body, [PAD], text="re:^thanks$") is False  # searched anywhere, ^ is the start
    assert holds(elements, body, [PAD], text="re:thanks$")
    assert holds(elements, name, [PAD, DIALOG], text="*.txt")
    assert holds(elements, Locator("push button", "Save"), [PAD], gone=True)
    assert not holds(elements, Locator("push button", "Save"), [PAD, DIALOG], gone=True)
    assert holds(elements, bold, [], gone=True) and not holds(elements, bold, [])
    # no text interface: the name is matched instead
    assert holds(elements, Locator("check box"), [PAD], text="Bold")


def test_controls_are_looked_for_in_front_and_in_the_other_windows_of_its_application() -> None:
    windows = [PAD, DIALOG, TERM]
    assert places(None, DIALOG, windows) == [DIALOG, PAD]
    assert places(None, TERM, windows) == [TERM]
    assert places(None, None, windows) == []
    assert places(model.WindowMatch(app="mousepad"), DIALOG, windows) == [DIALOG, PAD]
    assert places(model.WindowMatch(app="mousepad"), TERM, windows) == [PAD, DIALOG]
    assert places(model.WindowMatch(title="Save*"), PAD, windows) == [DIALOG]


def cond(text: str) -> model.ElementCond:
    import yaml

    return model.ElementCond.model_validate(yaml.safe_load(text))


@pytest.mark.parametrize(("text", "problem"), [
    ("{element: {role: dialog}, state: open}", "Input should be 'focused', 'checked'"),
    ("{element: {role: dialog}, gone: true, state: focused}", "give 'gone' alone"),
    ("{element: {role: dialog}, text: 're:('}", "regular expression"),
    ("{element: {role: dialgo}}", "did you mean"),
])
def test_a_wrong_element_condition_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem.replace("(", r"\(")):
        cond(text)


@dataclass
class Reports:
    seen: list[tuple[int, str, bool]] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def __call__(self, generation: int, path: str, holds: bool) -> None:
        with self.arrived:
            self.seen.append((generation, path, holds))
            self.arrived.notify_all()

    def wait(self, count: int, timeout: float = 5.0) -> list[tuple[int, str, bool]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.seen) >= count, timeout), self.seen
            return list(self.seen)


@dataclass
class CountingElements(FakeElements):
    finds: int = 0

    def find(self, locator: Locator, window: WindowInfo) -> list[Control]:
        self.finds += 1
        return super().find(locator, window)


def test_a_condition_is_reported_at_once_then_on_each_change_the_bus_tells_and_never_in_between() -> None:
    elements = CountingElements({1: MAIN})
    probe = FakeWindowProbe(window=PAD)
    reports = Reports()
    watch = ElementWatch(lambda: elements, lambda: probe, reports)
    dialog_open = cond("{element: {role: file chooser, name: 'Save As'}}")
    generation = watch.watch([("0", dialog_open)])
    assert reports.wait(1) == [(generation, "0", False)]
    assert len(elements.listeners) == 1
    looks = elements.finds
    time.sleep(0.2)  # nothing changed: nothing is looked at
    assert elements.finds == looks and len(reports.seen) == 1
    elements.change(2, SAVE_AS)  # the dialog opens (and comes in front)
    probe.others, probe.window = [PAD], DIALOG
    elements.change(2, SAVE_AS)
    assert reports.wait(2)[-1] == (generation, "0", True)
    newer = watch.watch([("0.1", cond("{element: {role: file chooser}, gone: true}"))])
    assert reports.wait(3)[-1] == (newer, "0.1", False)
    watch.watch([])  # idle: the bus is no longer listened to
    deadline = time.monotonic() + 5
    while elements.listeners and time.monotonic() < deadline:
        time.sleep(0.01)
    assert elements.listeners == []
    watch.close()


def test_wayguide_s_own_panel_in_front_keeps_the_window_the_person_worked_in() -> None:
    import os

    own = WindowInfo(app="wayguide", title="Wayguide", pid=os.getpid(), handle=9)
    elements = FakeElements({1: MAIN, 9: [Control("frame", "Wayguide", ref=("w", "1"))]})
    probe = FakeWindowProbe(window=PAD)
    reports = Reports()
    watch = ElementWatch(lambda: elements, lambda: probe, reports, own_pid=os.getpid())
    watch.watch([("0", cond("{element: {role: check box, name: Bold}}"))])
    assert reports.wait(1)[-1][2] is True
    probe.window = own
    elements.change(1, MAIN[:2])  # the box goes while the panel is in front: still seen in the editor
    assert reports.wait(2)[-1][2] is False
    watch.close()


# ------------------------------------------------------------------ fill, and typing checked


@dataclass
class Typist(FakeInjector):
    """Types into a field of FakeElements, dropping every `drop`th character as a busy application may."""

    elements: FakeElements = field(default_factory=FakeElements)
    into: tuple[str, str] = ("a", "2")
    drop: int = 0
    selected: bool = False

    def type_text(self, text: str, into: int = 0, proceed: Callable[[], bool] | None = None) -> int:
        done = super().type_text(text, into, proceed)
        arrived = "".join(c for i, c in enumerate(text[:done], 1) if not self.drop or i % self.drop)
        before = "" if self.selected else self.elements.texts.get(self.into, "")
        self.elements.texts[self.into] = before + arrived
        self.selected = False
        return done

    def press_keys(self, combo: str, into: int = 0) -> bool:
        self.selected = combo == "ctrl+a"
        return super().press_keys(combo, into)


def fill(elements: FakeElements, injector: Typist, probe: FakeWindowProbe, text: str = "report.txt"
         ) -> tuple[str, int | None, str]:
    name = {"role": "text", "name": "Name"}
    action = model.FillAction.model_validate({"fill": {"element": name, "text": text}})
    outcome, _ = Performer(injector, probe, elements=elements).run([action], DIALOG, threading.Event())
    return elements.texts.get(("a", "21"), ""), outcome.failed_at, outcome.message


def test_fill_sets_a_field_keys_cannot_reach_through_the_api_where_the_application_allows_it() -> None:
    elements = FakeElements({2: SAVE_AS}, texts={("a", "21"): "Untitled"}, editable={("a", "21")})
    injector = Typist(elements=elements, into=("a", "21"))
    assert fill(elements, injector, FakeWindowProbe(window=DIALOG)) == ("report.txt", None, "")
    assert injector.sent == []  # not a key: the field is not on the screen
    elements.places[("a", "21")] = (150, 150, 200, 30)
    assert fill(elements, injector, FakeWindowProbe(window=TERM), "behind.txt") == ("behind.txt", None, "")
    assert injector.sent == []  # not a key: another application is in front
    elements.editable.clear()
    text, failed, message = fill(elements, injector, FakeWindowProbe(window=TERM), "never.txt")
    assert (text, failed) == ("behind.txt", None) and "wrong window" in message and injector.sent == []


def test_fill_clicks_into_the_field_selects_all_and_types_then_checks_it() -> None:
    elements = FakeElements({2: SAVE_AS}, places={("a", "21"): (150, 150, 200, 30)},
                            texts={("a", "21"): "Untitled"}, editable={("a", "21")})
    injector = Typist(elements=elements, into=("a", "21"))
    assert fill(elements, injector, FakeWindowProbe(window=DIALOG)) == ("report.txt", None, "")
    assert injector.sent == [("click", "250,165,left"), ("keys", "ctrl+a"), ("type", "report.txt")]


def test_a_fill_that_arrives_changed_stops_the_step_saying_so_but_not_what(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from app.automation import controls

    monkeypatch.setattr(controls, "VERIFY_TIMEOUT_S", 0.1)
    elements = FakeElements({2: SAVE_AS}, places={("a", "21"): (150, 150, 200, 30)},
                            texts={("a", "21"): ""})
    injector = Typist(elements=elements, into=("a", "21"), drop=3)
    text, failed, message = fill(elements, injector, FakeWindowProbe(window=DIALOG), "secret-s3cr3t")
    assert failed == 0 and text != "secret-s3cr3t"
    assert message.startswith("The text in “Name” (text field) is not what was meant")
    assert "s3cr3t" not in message and text not in message


def type_into_editor(drop: int, text: str = "Dear Ann, thanks.", field_role: str = "text"
                     ) -> tuple[int | None, str]:
    editor = [MAIN[0], Control(field_role, "", 0, frozenset({"focused", "editable"}), ref=("a", "2"))]
    elements = FakeElements({1: editor}, texts={("a", "2"): "Hello. "})
    injector = Typist(elements=elements, drop=drop)
    action = model.TypeAction.model_validate({"type": text})
    outcome, _ = Performer(injector, FakeWindowProbe(window=PAD), elements=elements).run(
        [action], PAD, threading.Event())
    return outcome.failed_at, outcome.message


def test_typing_is_checked_in_the_focused_field_where_it_shows_its_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from app.automation import controls

    monkeypatch.setattr(controls, "VERIFY_TIMEOUT_S", 0.1)
    assert type_into_editor(drop=0) == (None, "")
    failed, message = type_into_editor(drop=4)
    assert failed == 0 and "is not what was meant" in message and "Ann" not in message
    # a password field shows dots; Enter in a one-line field may leave it: not checked
    assert type_into_editor(drop=4, field_role="password text") == (None, "")
    assert type_into_editor(drop=4, text="line one\nline two") == (None, "")


def test_a_desktop_going_away_under_the_watch_is_one_warning_and_the_next_watch_tries_again() -> None:
    class Gone(FakeWindowProbe):
        broken = True

        def active_window(self) -> WindowInfo | None:
            if self.broken:
                raise ConnectionResetError("the display went away")
            return super().active_window()

    elements = FakeElements({1: MAIN})
    probe = Gone(window=PAD)
    reports = Reports()
    watch = ElementWatch(lambda: elements, lambda: probe, reports)
    watch.watch([("0", cond("{element: {role: check box, name: Bold}}"))])
    deadline = time.monotonic() + 5
    while not watch.problem and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "display went away" in watch.problem and reports.seen == []
    assert elements.listeners == []  # nothing left listening
    probe.broken = False
    generation = watch.watch([("0", cond("{element: {role: check box, name: Bold}}"))])
    assert reports.wait(1) == [(generation, "0", True)] and watch.problem == ""
    watch.close()


def test_with_no_window_to_look_in_nothing_is_said_not_even_that_a_dialog_is_gone() -> None:
    elements = FakeElements({1: MAIN})
    probe = FakeWindowProbe()  # no window in front, none open
    reports = Reports()
    watch = ElementWatch(lambda: elements, lambda: probe, reports)
    watch.watch([("0", cond("{element: {role: file chooser, name: Save As}, gone: true}"))])
    time.sleep(0.2)  # it looked (and listens): nothing to report
    assert reports.seen == [] and len(elements.listeners) == 1
    probe.window = PAD
    elements.change(1, MAIN)
    assert reports.wait(1)[-1][1:] == ("0", True)
    watch.close()
