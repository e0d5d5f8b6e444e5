"""The side panel, driven by real effects of the run engine (offscreen)."""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QTextDocument
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from app.engine import (
    Abort,
    ActionFailed,
    ActionsDone,
    ActionsPaused,
    Check,
    Choose,
    Continue,
    DoItMyself,
    Engine,
    Failed,
    Finished,
    Next,
    Perform,
    Retry,
    SkipStep,
    Start,
    SubmitInputs,
    SwitchMode,
)
from app.format.model import Wizard
from app.library.relevance import Match
from overlays import theme
from overlays.done_view import duration_text, figures
from overlays.panel import PANEL_WIDTH, Panel
from overlays.placement import Rect
from overlays.step_view import action_line
from overlays.views import RichText

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

CLAIM: dict[str, Any] = {
    "wayguide": 1, "id": "expenses.claim", "title": "Submit an expense claim",
    "summary": "Files a claim in the expenses portal so it is approved first time.",
    "tags": ["expenses", "travel"], "modes": ["glass", "black"],
    "inputs": [
        {"name": "amount", "label": "Amount (EUR)", "type": "number", "required": True,
         "help": "The total on the receipt, including VAT."},
        {"name": "kind", "label": "Kind", "type": "choice", "choices": ["travel", "meals"],
         "default": "travel"},
        {"name": "project", "label": "Project", "type": "choice",
         "choices": ["alpha", "beta", "gamma", "delta", "epsilon"]},
        {"name": "note", "label": "Note", "type": "multiline", "default": "<i>as agreed</i>"},
        {"name": "pin", "label": "Portal PIN", "type": "secret"},
    ],
    "steps": [
        {"id": "prepare", "title": "Have everything at hand", "explain": "Make sure you have:",
         "checklist": ["The receipt", "Your **cost centre**"]},
        {"id": "amount", "title": "Enter the amount",
         "explain": "Type **{{ inputs.amount }}** in the *Amount* field.",
         "why": "Claims filed within 30 days are paid with the next run.",
         "until": {"keys": "ctrl+s"},
         "do": [{"type": "{{ inputs.amount }}\n"}, {"keys": "ctrl+s"}]},
        {"id": "kind", "title": "Is the total over 25 EUR?",
         "choice": [{"label": "Yes, over 25 EUR", "goto": "receipt"},
                    {"label": "No, 25 EUR or less", "goto": "save"}]},
        {"id": "receipt", "title": "Attach the receipt", "explain": "Click **Add receipt**."},
        {"id": "save", "title": "Save the claim", "do": [{"keys": "ctrl+s"}]},
    ],
}


def wizard(data: Mapping[str, Any] | None = None, **changes: Any) -> Wizard:
    return Wizard.model_validate({**(data or CLAIM), **changes})


def simple(wizard_id: str, title: str, summary: str, automated: bool = False, **extra: Any) -> Wizard:
    step: dict[str, Any] = {"id": "a", "title": "A"}
    if automated:
        step["do"] = [{"keys": "ctrl+s"}]
    return Wizard.model_validate({"wayguide": 1, "id": wizard_id, "title": title, "summary": summary,
                                  "steps": [step], **extra})


LETTER = simple("pad.letter", "Start a customer letter", "Writes the standard letter opening into Mousepad.",
                automated=True, tags=["letters"])
PDF = simple("pad.pdf", "Save as PDF", "Exports the open document as a PDF next to it.")
JAM = simple("it.jam", "Clear a paper jam", "Step by step, with pictures of the printer's doors.")
LIBRARY = [wizard(), LETTER, PDF, JAM]
RELEVANT = [Match(LETTER, "matches app 'mousepad'"), Match(PDF, "matches app 'mousepad' and title '*.txt'")]


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Run:
    """What the composition root does: engine events from the panel in, effects back to it."""

    def __init__(self, panel: Panel, wiz: Wizard, clock: Clock,
                 translations: gettext.NullTranslations | None = None) -> None:
        self.panel, self.wizard, self.clock = panel, wiz, clock
        self.engine = Engine(wiz, translations)
        self.state = self.engine.initial()
        self.events: list[object] = []
        self.effects: list[object] = []
        panel.engineEvent.connect(self.handle)

    def start(self, mode: str | None = None, values: dict[str, str] | None = None) -> None:
        self.panel.show_run(self.wizard, mode or "")
        self.handle(Start(mode=mode, values=values, at=self.clock()))

    def handle(self, event: Any) -> None:
        self.events.append(event)
        self.state, effects = self.engine.handle(self.state, event)
        self.effects.extend(effects)
        self.panel.apply(effects)

    def last(self, kind: type) -> Any:
        return next(e for e in reversed(self.effects) if isinstance(e, kind))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def panel(qtbot: QtBot, clock: Clock) -> Iterator[Panel]:
    yield from shown_panel(qtbot, clock)


def shown_panel(qtbot: QtBot, clock: Clock, progress: Mapping[str, Any] | None = None,
                now: float = 0.0) -> Iterator[Panel]:
    """A panel showing LIBRARY for Mousepad (with the person's `progress` as of `now`, if any)."""
    widget = Panel(clock=clock)
    qtbot.addWidget(widget)
    widget.place(Rect(0, 0, PANEL_WIDTH, 720))
    if progress is not None:
        widget.home.set_progress(progress, now)
    widget.show_home(LIBRARY, RELEVANT, "Mousepad", "ctrl+alt+space")
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.hide()


def type_text(widget: QWidget, text: str) -> None:
    """Key events carrying text (qtbot.keyClicks aborts on non-ASCII)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def plain(html: str) -> str:
    doc = QTextDocument()
    doc.setHtml(html)
    return doc.toPlainText()


def fill_inputs(panel: Panel, qtbot: QtBot, amount: str = "42") -> None:
    field = panel.inputs.field("amount").editor
    assert isinstance(field, QLineEdit)
    field.clear()
    qtbot.keyClicks(field, amount)


# ----------------------------------------------------------------- window


def test_window_is_a_focusless_tool_window_titled_wayguide(panel: Panel) -> None:
    assert panel.windowTitle() == "Wayguide"
    flags = panel.windowFlags()
    for flag in (Qt.WindowType.Tool, Qt.WindowType.FramelessWindowHint, Qt.WindowType.WindowStaysOnTopHint,
                 Qt.WindowType.WindowDoesNotAcceptFocus):
        assert flags & flag == flag
    handle = panel.windowHandle()
    assert handle is not None
    assert handle.flags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert panel.width() == PANEL_WIDTH
    assert not panel.windowIcon().isNull()


def test_accepting_focus_toggles_the_window_flag_without_recreating_the_window(panel: Panel) -> None:
    handle, win_id = panel.windowHandle(), panel.winId()
    panel.set_accepts_focus(True)
    assert panel.accepts_focus()
    assert not handle.flags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert panel.isVisible() and panel.windowHandle() is handle and panel.winId() == win_id
    panel.set_accepts_focus(False)
    assert handle.flags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert panel.isVisible()


def test_clicking_into_the_search_box_lets_the_panel_take_the_keyboard(panel: Panel, qtbot: QtBot) -> None:
    assert not panel.accepts_focus()
    qtbot.mouseClick(panel.home.search, Qt.MouseButton.LeftButton)
    assert panel.accepts_focus()
    qtbot.waitUntil(lambda: panel.home.search.hasFocus())


def test_place_takes_a_qrect_or_a_placement_rect(panel: Panel) -> None:
    panel.place(Rect(100, 20, 340, 600))
    assert (panel.x(), panel.y(), panel.width(), panel.height()) == (100, 20, 340, 600)


# ------------------------------------------------------------------- home


def test_home_lists_the_relevant_tasks_first_with_their_reason(panel: Panel) -> None:
    home = panel.home
    assert panel.view_name() == "home" and panel.title() == "Wayguide"
    assert home.headers() == ["For Mousepad", "All tasks"]
    assert home.shown_ids() == ["pad.letter", "pad.pdf", "it.jam", "expenses.claim"]
    first = home.list.item(1)
    assert "Matches app 'mousepad'" in first.toolTip()
    assert first.data(Qt.ItemDataRole.AccessibleDescriptionRole) == LETTER.summary
    assert home.list.selected_id() == "pad.letter"
    assert home.hint.text() == "Ctrl+Alt+Space hides"


def test_search_filters_as_you_type_and_enter_starts_the_selected_task(panel: Panel, qtbot: QtBot) -> None:
    qtbot.mouseClick(panel.home.search, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.home.search, "expens")
    assert panel.home.shown_ids() == ["expenses.claim"]
    assert panel.home.headers() == []
    seen: list[object] = []
    panel.focusReleased.connect(lambda: seen.append("focusReleased"))
    panel.startRequested.connect(lambda wizard_id, mode: seen.append((wizard_id, mode)))
    qtbot.keyClick(panel.home.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen == ["focusReleased", ("expenses.claim", "")]
    assert not panel.accepts_focus()


def test_search_is_typo_tolerant_and_says_when_nothing_matches(panel: Panel, qtbot: QtBot) -> None:
    type_text(panel.home.search, "papr jam")
    assert panel.home.shown_ids() == ["it.jam"]
    panel.home.search.clear()
    type_text(panel.home.search, "Überweisung")
    assert panel.home.shown_ids() == []
    assert panel.home.empty.isVisible() and not panel.home.list.isVisible()
    assert "Nothing matches “Überweisung”" in panel.home.empty.text()
    panel.home.search.clear()
    assert panel.home.list.isVisible() and not panel.home.empty.isVisible()


def test_show_home_empties_the_search_unless_the_person_is_typing(panel: Panel, qtbot: QtBot) -> None:
    panel.home.search.setText("pdf")
    panel.show_home(LIBRARY, RELEVANT, "Mousepad", "ctrl+alt+space")
    assert panel.home.search.text() == "" and len(panel.home.shown_ids()) == 4
    qtbot.mouseClick(panel.home.search, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.home.search.hasFocus)
    qtbot.keyClicks(panel.home.search, "pdf")
    panel.show_home(LIBRARY, RELEVANT, "Mousepad", "ctrl+alt+space")  # e.g. a wizard file changed
    assert panel.home.search.text() == "pdf" and panel.home.shown_ids() == ["pad.pdf"]


def test_empty_library_and_nothing_relevant_say_so(panel: Panel) -> None:
    panel.show_home([], [], None, "ctrl+alt+space")
    assert "No tasks are available to you yet" in panel.home.empty.text()
    panel.show_home([JAM], [], "Gnumeric", "ctrl+alt+g")
    assert panel.home.headers() == ["For Gnumeric", "All tasks"]
    infos = [panel.home.list.item(r).text() for r in range(panel.home.list.count())]
    assert any("Nothing here is made for Gnumeric yet" in text for text in infos)
    assert panel.home.hint.text() == "Ctrl+Alt+G hides"


def test_keyboard_up_down_skip_headers_and_ctrl_enter_picks_the_other_mode(panel: Panel,
                                                                          qtbot: QtBot) -> None:
    panel.focus_search()
    assert panel.accepts_focus()
    search = panel.home.search
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert panel.home.list.selected_id() == "pad.pdf"
    qtbot.keyClick(search, Qt.Key.Key_Down)  # over the "All tasks" header
    assert panel.home.list.selected_id() == "it.jam"
    qtbot.keyClick(search, Qt.Key.Key_Up)
    qtbot.keyClick(search, Qt.Key.Key_Up)
    qtbot.keyClick(search, Qt.Key.Key_Up)  # stays on the first task
    assert panel.home.list.selected_id() == "pad.letter"
    with qtbot.waitSignal(panel.startRequested) as blocker:
        qtbot.keyClick(search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == ["pad.letter", "black"]


def test_tab_reaches_the_list_and_the_header_buttons(panel: Panel, qtbot: QtBot) -> None:
    panel.focus_search()
    qtbot.waitUntil(panel.home.search.hasFocus)
    seen: list[QWidget] = []
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert panel.home.list in seen
    assert panel.header.settings in seen and panel.header.close_button in seen
    assert seen.index(panel.home.list) < seen.index(panel.header.settings)
    for widget in (panel.header.settings, panel.header.close_button):
        assert widget.accessibleName()
    qtbot.keyClick(panel.home.list, Qt.Key.Key_Down)
    assert panel.home.list.selected_id() == "pad.pdf"
    with qtbot.waitSignal(panel.startRequested) as blocker:
        qtbot.keyClick(panel.home.list, Qt.Key.Key_Return)
    assert blocker.args == ["pad.pdf", ""]


def test_escape_first_ends_typing_then_hides(panel: Panel, qtbot: QtBot) -> None:
    panel.focus_search()
    qtbot.waitUntil(panel.home.search.hasFocus)
    qtbot.keyClicks(panel.home.search, "pdf")
    with qtbot.waitSignal(panel.focusReleased):
        qtbot.keyClick(panel.home.search, Qt.Key.Key_Escape)
    assert not panel.accepts_focus()
    assert panel.home.search.text() == "pdf"
    panel.set_accepts_focus(True)
    panel.home.list.setFocus()
    with qtbot.waitSignal(panel.hideRequested):
        qtbot.keyClick(panel.home.list, Qt.Key.Key_Escape)


def test_clicking_a_row_starts_it_and_its_pill_picks_do_it_for_me(panel: Panel, qtbot: QtBot) -> None:
    tasks = panel.home.list
    index = tasks.model().index(1, 0)
    rect = tasks.visualRect(index)
    with qtbot.waitSignal(panel.startRequested) as blocker:
        qtbot.mouseClick(tasks.viewport(), Qt.MouseButton.LeftButton, pos=rect.center() - QPoint(80, 0))
    assert blocker.args == ["pad.letter", ""]
    pill = tasks.itemDelegate().pill_rect(rect, index)  # type: ignore[attr-defined]
    assert not pill.isNull()
    with qtbot.waitSignal(panel.startRequested) as blocker:
        qtbot.mouseClick(tasks.viewport(), Qt.MouseButton.LeftButton, pos=pill.center())
    assert blocker.args == ["pad.letter", "black"]
    assert "Ctrl+Enter: Do it for me" in tasks.item(1).toolTip()
    assert tasks.item(2).data(Qt.ItemDataRole.UserRole + 5) == ""  # PDF: glass box only


def test_header_buttons_ask_for_settings_and_hiding(panel: Panel, qtbot: QtBot) -> None:
    with qtbot.waitSignal(panel.settingsRequested):
        panel.header.settings.click()
    with qtbot.waitSignal(panel.hideRequested):
        panel.header.close_button.click()
    assert "Ctrl+Alt+Space" in panel.header.close_button.toolTip()


# ----------------------------------------------------------------- inputs


def test_inputs_form_has_one_field_per_input_by_type(panel: Panel, clock: Clock) -> None:
    run = Run(panel, wizard(), clock)
    run.start("black")
    assert panel.view_name() == "inputs"
    assert panel.title() == "Submit an expense claim"
    form = panel.inputs
    assert form.heading.text() == "Do it for me"
    amount, kind, project, note, pin = (form.field(n) for n in ("amount", "kind", "project", "note", "pin"))
    assert isinstance(amount.editor, QLineEdit) and amount.editor.validator() is not None
    assert "*" in amount.caption.text() and amount.editor.accessibleName() == "Amount (EUR) (required)"
    assert amount.help.text() == "The total on the receipt, including VAT." and amount.help.isVisible()
    radios = amount.editor.parentWidget().findChildren(QRadioButton)
    assert radios == [] and [r.text() for r in kind.editor.findChildren(QRadioButton)] == ["travel", "meals"]
    assert kind.value() == "travel"  # the default is pre-selected
    assert isinstance(project.editor, QComboBox) and project.editor.count() == 6  # 5 options and none
    assert isinstance(note.editor, QPlainTextEdit) and note.value() == "<i>as agreed</i>"
    assert isinstance(pin.editor, QLineEdit) and pin.editor.echoMode() == QLineEdit.EchoMode.Password
    assert form.intro.text().endswith("Fields marked * are required.")


def test_invalid_inputs_show_the_message_beside_the_field_and_focus_it(
        panel: Panel, clock: Clock, qtbot: QtBot) -> None:
    run = Run(panel, wizard(), clock)
    run.start("black")
    amount = panel.inputs.field("amount")
    qtbot.mouseClick(amount.editor, Qt.MouseButton.LeftButton)
    assert panel.accepts_focus()
    qtbot.keyClick(amount.editor, Qt.Key.Key_Return)  # Enter submits the form
    assert isinstance(run.events[-1], SubmitInputs)
    assert amount.error.isVisible() and amount.error.text() == "Required."
    assert amount.error.parentWidget() is amount
    assert amount.editor.accessibleDescription() == "Required."
    assert amount.editor.property("invalid") is True
    assert panel.focusWidget() is amount.editor
    assert panel.view_name() == "inputs"
    qtbot.keyClicks(amount.editor, "4x2")  # the validator keeps letters out
    assert amount.editor.text() == "42"
    assert not amount.error.isVisible()
    with qtbot.waitSignal(panel.focusReleased):
        panel.inputs.start.click()
    assert panel.view_name() == "step" and not panel.accepts_focus()
    assert run.state.inputs[0].value == "42"


def test_cancel_aborts_the_run(panel: Panel, clock: Clock) -> None:
    run = Run(panel, wizard(), clock)
    run.start("black")
    panel.inputs.cancel.click()
    assert run.events[-1] == Abort(reason="Cancelled", at=clock())
    assert panel.view_name() == "done" and panel.title() == "Stopped"
    assert "Cancelled" in panel.done.reason.text()


# ------------------------------------------------------------------- step


def test_step_view_renders_checklist_why_and_until(panel: Panel, clock: Clock, qtbot: QtBot) -> None:
    run = Run(panel, wizard(), clock)
    run.start(values={"amount": "42"})
    step = panel.step
    assert panel.view_name() == "step" and panel.title() == "Submit an expense claim"
    assert step.heading.plain_text() == "Have everything at hand"
    assert step.counter.text() == "step 1 of 5"  # the first option's way is counted
    assert step.mode_label.text() == "Glass box" and step.switch.isVisible()
    assert [b.text_shown() for b in step.check_boxes] == ["The receipt", "Your cost centre"]
    assert "<strong>cost centre</strong>" in step.check_boxes[1]._label.text()
    assert not step.back.isEnabled() and not step.show_me.isVisible()
    # Next before ticking: the engine's notice appears inline
    step.next.click()
    assert step.notice.message() == "Tick every item on the checklist first."
    qtbot.mouseClick(step.check_boxes[0]._label, Qt.MouseButton.LeftButton)  # the label toggles too
    step.check_boxes[1].box.click()
    assert run.events[-2:] == [Check(index=0, checked=True, at=clock()),
                               Check(index=1, checked=True, at=clock())]
    step.next.click()
    assert step.heading.plain_text() == "Enter the amount"
    assert step.explain.plain_text() == "Type 42 in the Amount field."
    assert step.until.text() == "◌  moves on when it sees: Ctrl+S pressed"
    assert step.back.isEnabled() and step.show_me.isVisible() and step.next.isVisible()
    # Why? is a keyboard-operable expander
    assert not step.why_box.isVisible()
    step.why_toggle.setFocus()
    qtbot.keyClick(step.why_toggle, Qt.Key.Key_Space)
    assert step.why_box.isVisible()
    assert step.why.plain_text() == "Claims filed within 30 days are paid with the next run."
    qtbot.keyClick(step.why_toggle, Qt.Key.Key_Space)
    assert not step.why_box.isVisible()


def test_checklist_by_keyboard_and_enter_is_next(panel: Panel, clock: Clock, qtbot: QtBot) -> None:
    run = Run(panel, wizard(), clock)
    run.start(values={"amount": "42"})
    panel.focus_search()  # keyboard user: the panel takes the keyboard
    boxes = panel.step.check_boxes
    boxes[0].setFocus()
    qtbot.keyClick(boxes[0].box, Qt.Key.Key_Space)
    qtbot.keyClick(boxes[0].box, Qt.Key.Key_Tab)
    assert panel.focusWidget() is boxes[1].box
    qtbot.keyClick(boxes[1].box, Qt.Key.Key_Space)
    assert run.state.checked == (True, True)
    qtbot.keyClick(boxes[1].box, Qt.Key.Key_Return)  # focus on a check box: Enter = the default, Next
    assert isinstance(run.events[-1], Next)
    assert panel.step.heading.plain_text() == "Enter the amount"


def test_choices_are_buttons(panel: Panel, clock: Clock, qtbot: QtBot) -> None:
    run = Run(panel, wizard(), clock)
    run.start(values={"amount": "42"})
    run.handle(Check(index=0, checked=True, at=clock()))
    run.handle(Check(index=1, checked=True, at=clock()))
    run.handle(Next(at=clock()))
    run.handle(Next(at=clock()))
    step = panel.step
    assert [b.text_shown() for b in step.choice_buttons] == ["Yes, over 25 EUR", "No, 25 EUR or less"]
    assert all(b.isVisible() for b in step.choice_buttons)
    assert not step.next.isVisible() and not step.skip.isVisible()
    qtbot.mouseClick(step.choice_buttons[1], Qt.MouseButton.LeftButton)  # replaced while clicked
    assert run.events[-1] == Choose(index=1, at=clock())
    assert step.heading.plain_text() == "Save the claim"


def test_switching_mode_emits_switch_mode(panel: Panel, clock: Clock) -> None:
    run = Run(panel, wizard(), clock)
    run.start(values={"amount": "42"})
    panel.step.switch.click()
    assert run.events[-1] == SwitchMode(mode="black", at=clock())
    assert panel.step.mode_label.text() == "Black box"
    assert panel.step.paused.isVisible()
    assert panel.step.paused.message() == "Tick the checklist, then press Next."


def test_mode_line_is_hidden_when_the_wizard_has_one_mode(panel: Panel, clock: Clock) -> None:
    run = Run(panel, wizard(modes=["glass"]), clock)
    run.start(values={"amount": "42"})
    assert not panel.step.switch.isVisible() and not panel.step.mode_label.isVisible()


def _black_run_to_amount(panel: Panel, clock: Clock) -> Run:
    run = Run(panel, wizard(), clock)
    run.start("black", values={"amount": "42"})
    for index in (0, 1):
        run.handle(Check(index=index, checked=True, at=clock()))
    run.handle(Next(at=clock()))
    return run


def test_performing_shows_each_action_and_stop(panel: Panel, clock: Clock, qtbot: QtBot) -> None:
    run = _black_run_to_amount(panel, clock)
    assert isinstance(run.effects[-1], Perform)
    step = panel.step
    assert step.performing.isVisible() and step.is_performing()
    assert [line.text() for line in step.performing.lines] == ["▸  Typing “42⏎”…", "·  Pressing Ctrl+S…"]
    panel.set_action_progress(1)
    assert step.performing.lines[0].text() == "✓  Typing “42⏎”"
    assert step.performing.escape_hint.text() == "Press Escape to stop"
    assert not step.bar.isVisible()
    assert step.performing.stop.isVisible()
    step.performing.stop.click()
    assert run.events[-1] == Abort(reason="Stopped by you", at=clock())
    assert panel.view_name() == "done"
    assert "Stopped by you" in panel.done.reason.text()


def test_escape_while_performing_stops(panel: Panel, clock: Clock, qtbot: QtBot) -> None:
    run = _black_run_to_amount(panel, clock)
    panel.focus_search()  # keyboard user: focus goes to Stop
    assert panel.focusWidget() is panel.step.performing.stop
    qtbot.keyClick(panel.step.performing.stop, Qt.Key.Key_Escape)
    assert run.events[-1] == Abort(reason="Stopped by you", at=clock())


def test_a_pause_part_way_offers_continue_and_goes_on_from_there(panel: Panel, clock: Clock) -> None:
    run = _black_run_to_amount(panel, clock)
    reason = "“xterm” came in front of “Expenses”; Wayguide paused so nothing is typed into the wrong window."
    run.handle(ActionsPaused(step_id="amount", action_index=1, offset=0, reason=reason, at=clock()))
    step = panel.step
    assert step.paused.isVisible() and step.paused.message() == reason
    assert step.paused.heading.text() == "Paused"
    assert step.continue_.isVisible() and step.default_button() is step.continue_
    assert not step.performing.isVisible() and step.next.isVisible()  # or the person finishes it
    step.continue_.click()
    assert isinstance(run.events[-1], Continue)
    perform = run.effects[-1]
    assert isinstance(perform, Perform) and perform.start == (1, 0)
    assert step.performing.heading.text() == "Doing this for you" and not step.continue_.isVisible()
    assert [line.text() for line in step.performing.lines] == ["✓  Typing “42⏎”", "▸  Pressing Ctrl+S…"]


@pytest.mark.parametrize(("option", "event", "expect"), [
    ("retry", Retry, "performing"),
    ("skip_step", SkipStep, "Is the total over 25 EUR?"),
    ("myself", DoItMyself, "Glass box"),
])
def test_failed_step_offers_three_ways_on(panel: Panel, clock: Clock, option: str, event: type,
                                          expect: str) -> None:
    run = _black_run_to_amount(panel, clock)
    run.handle(ActionFailed(step_id="amount", action_index=1, message="Ctrl+S did nothing.", at=clock()))
    step = panel.step
    assert isinstance(run.effects[-1], Failed)
    assert step.failed.isVisible()
    assert step.failed.message() == "Ctrl+S did nothing.\nAt action 2 of 2: Pressing Ctrl+S"  # which, why
    assert step.failed.heading.text() == "This step did not work"
    assert [b.isVisible() for b in (step.retry, step.skip_step, step.myself)] == [True, True, True]
    assert not step.performing.isVisible() and not step.next.isVisible()
    assert step.default_button() is step.retry
    getattr(step, option).click()
    assert isinstance(run.events[-1], event)
    if expect == "performing":
        assert step.is_performing() and not step.failed.isVisible()
    elif expect == "Glass box":
        assert step.mode_label.text() == "Glass box" and step.next.isVisible()
    else:
        assert step.heading.plain_text() == expect


def test_refused_and_notices_show_inline(panel: Panel, clock: Clock) -> None:
    run = Run(panel, wizard(modes=["glass"]), clock)
    run.start("black")
    assert panel.view_name() == "home"
    assert "cannot run in mode 'black'" in panel.home.notice.message()


# ------------------------------------------------------------------- done


def test_done_view_shows_the_figures_and_offers_run_again(panel: Panel, clock: Clock, qtbot: QtBot) -> None:
    run = _black_run_to_amount(panel, clock)
    run.handle(ActionsDone(step_id="amount", at=clock()))
    run.handle(Choose(index=0, at=clock()))
    run.handle(Next(at=clock()))
    clock.now += 72
    run.handle(ActionsDone(step_id="save", at=clock()))
    assert isinstance(run.effects[-1], Finished)
    done = panel.done
    assert panel.view_name() == "done" and panel.title() == "Done"
    assert done.mark.text() == "✓" and done.heading.text() == "Submit an expense claim"
    assert done.steps.text() == "5 steps · 1 min 12 s"
    assert done.split.text() == "2 done for you, 3 by you"
    with qtbot.waitSignal(panel.runAgainRequested):
        done.again.click()
    with qtbot.waitSignal(panel.homeRequested):
        qtbot.keyClick(done.again, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # Back to &tasks
    assert panel.view_name() == "home"


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (42.4, "42 s"), (60, "1 min"), (72, "1 min 12 s"), (3900, "1 h 5 min"),
])
def test_duration_text(seconds: float, text: str) -> None:
    assert duration_text(seconds) == text


def test_figures_wording() -> None:
    from app.engine import Summary

    assert figures(Summary(1, 0, 1, 0, 5)) == ("1 step · 5 s", "1 by you")
    assert figures(Summary(3, 3, 0, 0, 5)) == ("3 steps · 5 s", "3 done for you")
    assert figures(Summary(4, 1, 2, 1, 5)) == ("4 steps · 5 s", "1 done for you, 2 by you, 1 skipped")
    assert figures(Summary(0, 0, 0, 0, 1)) == ("0 steps · 1 s", "")


# ------------------------------------------------------------ literal text


def test_markup_in_input_values_is_shown_literally(panel: Panel, clock: Clock, qtbot: QtBot) -> None:
    letter = Wizard.model_validate({
        "wayguide": 1, "id": "pad.letter", "title": "Start a <letter> & more", "modes": ["glass", "black"],
        "inputs": [{"name": "customer", "label": "Customer <name> & co", "type": "text", "required": True}],
        "steps": [{"id": "opening", "title": "Greet {{ inputs.customer }}",
                   "explain": "Type: *Dear {{ inputs.customer }},*",
                   "do": [{"type": "Dear {{ inputs.customer }},\n"}]}],
    })
    value = "<b>Anna</b> *x* & _y_ [l](http://evil.example) Ärger"
    run = Run(panel, letter, clock)
    run.start("black")
    field = panel.inputs.field("customer")
    assert "Customer &lt;name&gt; &amp; co" in field.caption.text()
    assert panel.title() == "Start a <letter> & more"
    type_text(field.editor, value)
    assert field.value() == value
    panel.inputs.start.click()
    step = panel.step
    assert step.heading.plain_text() == f"Greet {value}"
    assert plain(step.heading.text()) == f"Greet {value}"
    assert plain(step.explain.text()).strip() == f"Type: Dear {value},"
    assert "<b>Anna" not in step.explain.text() and "href" not in step.explain.text()
    assert step.performing.lines[0].text() == f"▸  Typing “Dear {value},⏎”…"


def test_action_lines_clip_long_text_and_keep_it_literal() -> None:
    from app.format.model import TypeAction

    line = action_line(TypeAction(type="<i>" + "x" * 200))
    assert line.startswith("Typing “<i>xxx") and line.endswith("…”…") and len(line) < 80


def test_only_web_links_open(qtbot: QtBot) -> None:
    opened: list[str] = []
    label = RichText()
    qtbot.addWidget(label)
    label.linkRequested.connect(opened.append)  # the runtime opens them (app.ports.Opener)
    label.set_markdown("no links here")
    assert label.focusPolicy() == Qt.FocusPolicy.NoFocus
    label.set_markdown("[a](https://example.org) [b](file:///etc/passwd)")
    assert label.focusPolicy() == Qt.FocusPolicy.StrongFocus  # links are reachable by keyboard
    for link in ("https://example.org", "file:///etc/passwd", "javascript:alert(1)", "HTTP://x.example"):
        label.linkActivated.emit(link)
    assert opened == ["https://example.org", "http://x.example"]


# ----------------------------------------------------------------- themes


def test_themes_apply_palette_and_style_sheet(themed: QApplication) -> None:
    assert theme.apply_theme(themed, "dark") == "dark"
    assert theme.current_scheme(themed) == "dark"
    assert themed.palette().color(themed.palette().ColorRole.Window).name().upper() == theme.DARK.window
    assert "#4FB8CC" in themed.styleSheet() and "@ICONS@" not in themed.styleSheet()
    assert theme.apply_theme(themed, "light") == "light"
    assert themed.palette().color(themed.palette().ColorRole.Highlight).name().upper() == theme.LIGHT.accent


def test_system_theme_follows_the_system(themed: QApplication) -> None:
    hints = QGuiApplication.styleHints()
    theme.apply_theme(themed, "system")
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.current_scheme(themed) == "dark"
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert theme.current_scheme(themed) == "light"
    theme.apply_theme(themed, "dark")  # a fixed theme stops following
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert theme.current_scheme(themed) == "dark"


@pytest.mark.parametrize(("setting", "system", "expected"), [
    ("light", Qt.ColorScheme.Dark, "light"), ("dark", Qt.ColorScheme.Light, "dark"),
    ("system", Qt.ColorScheme.Dark, "dark"), ("system", Qt.ColorScheme.Unknown, "light"),
])
def test_resolve(setting: str, system: Qt.ColorScheme, expected: str) -> None:
    assert theme.resolve(setting, system) == expected


def _contrast(a: str, b: str) -> float:
    def lum(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    high, low = sorted((lum(a), lum(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("colours", [theme.LIGHT, theme.DARK])
def test_text_colours_meet_wcag_aa(colours: theme.Colors) -> None:
    for fg, bg in ((colours.text, colours.window), (colours.text, colours.base),
                   (colours.muted, colours.window), (colours.muted, colours.base),
                   (colours.accent, colours.window),
                   (colours.on_accent, colours.accent), (colours.error, colours.window),
                   (colours.text, colours.accent_soft), (colours.text, colours.error_soft)):
        assert _contrast(fg, bg) >= 4.5, (fg, bg)
    assert _contrast(colours.field_border, colours.base) >= 3.0


# ------------------------------------------------------------ screenshots


def _save(panel: Panel, name: str) -> None:
    assert panel.grab().save(str(ARTIFACTS / f"panel-{name}.png"))


def every_view(panel: Panel, clock: Clock, shot: Callable[[str], None], language: str = "en") -> None:
    """Take the panel through each of its views (home, inputs, step, performing, failed, choice, done),
    calling `shot(view)` at each; `language`: the panel's (it names languages in it)."""
    panel.show_home(LIBRARY, [Match(LETTER, "matches app 'mousepad'"), *RELEVANT[1:]], "Mousepad",
                    "ctrl+alt+space")
    shot("home")
    run = Run(panel, wizard(), clock)
    run.start("black")
    panel.inputs.field("amount").editor.setFocus()
    run.handle(SubmitInputs(values={"kind": "travel"}, at=clock()))
    shot("inputs")
    run.handle(SubmitInputs(values={"amount": "42", "kind": "travel"}, at=clock()))
    run.handle(SwitchMode(mode="glass", at=clock()))
    run.handle(Check(index=0, checked=True, at=clock()))
    run.handle(Check(index=1, checked=True, at=clock()))
    run.handle(Next(at=clock()))
    panel.step.why_toggle.setChecked(True)
    panel.set_language("en", "nl_BE", False, language)  # the task is not in the person's language
    shot("step")
    panel.set_language("en", "en", complete=True)
    run.handle(SwitchMode(mode="black", at=clock()))
    shot("performing")
    run.handle(ActionFailed(step_id="amount", action_index=1, message="The Expenses window did not "
                            "appear within 5 s.", at=clock()))
    shot("failed")
    run.handle(SkipStep(at=clock()))
    shot("choice")
    run.handle(Choose(index=1, at=clock()))
    clock.now += 72
    run.handle(ActionsDone(step_id="save", at=clock()))
    shot("done")


def test_screenshots_of_every_view(themed: QApplication, qtbot: QtBot, clock: Clock) -> None:
    """Saved to artifacts/panel-<view>-<theme>.png for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        theme.apply_theme(themed, scheme)
        panel = Panel(clock=clock)
        qtbot.addWidget(panel)
        panel.place(Rect(0, 0, PANEL_WIDTH, 720))
        panel.show()
        qtbot.waitExposed(panel)

        every_view(panel, clock, lambda view, panel=panel, scheme=scheme: _save(panel, f"{view}-{scheme}"))
        panel.hide()
    for view in ("home", "inputs", "step", "performing", "failed", "choice", "done"):
        for scheme in ("light", "dark"):
            assert (ARTIFACTS / f"panel-{view}-{scheme}.png").stat().st_size > 1000
