"""Knowledge checks in the panel: the quiz view on its own (keyboard and mouse), and a quiz step of a run
driven through the real engine, with the answer recorded (offscreen). Screenshots:
artifacts/panel-quiz-<theme>.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QRadioButton
from pytestqt.qtbot import QtBot

from app.engine import Answered, Check, Choose, Engine, Next, Start
from app.format.loader import load_file
from app.format.model import QuizSpec, Wizard
from overlays import theme
from overlays.panel import PANEL_WIDTH, Panel
from overlays.quiz_view import QuizView
from tests.gui.conftest import shown_panel

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ROOT = Path(__file__).resolve().parents[2]

ONE = QuizSpec.model_validate({
    "question": "Which cost centre goes on a **customer visit**?",
    "options": [{"text": "Your own team's", "feedback": "Only for internal trips."},
                {"text": "Sales (SLS-100)", "correct": True,
                 "feedback": "Right: customer visits are sales work."},
                {"text": "The customer's project"}],
    "explanation": "Customer visits are charged to **Sales**, whoever makes them."})
SEVERAL = QuizSpec.model_validate({
    "question": "Which claims need the receipt?",
    "options": [{"text": "Taxi 31 EUR", "correct": True}, {"text": "Train 19 EUR"},
                {"text": "Meal 80 EUR", "correct": True}]})


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[QuizView]:
    widget = QuizView()
    qtbot.addWidget(widget)
    widget.resize(PANEL_WIDTH, 500)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    yield widget


def test_one_right_answer_offers_round_buttons_and_several_offer_tick_boxes(view: QuizView) -> None:
    view.set_quiz(ONE)
    assert [type(b) for b in view.buttons] == [QRadioButton] * 3
    assert view.how.text() == "Pick one answer (keys 1–3)."
    assert view.buttons[1].accessibleName() == "2. Sales (SLS-100)"
    assert not view.check.isEnabled() and view.result.isHidden()
    view.set_quiz(SEVERAL)
    assert [type(b) for b in view.buttons] == [QCheckBox] * 3
    assert view.how.text() == "Tick all that apply (keys 1–3)." and view.chosen() == []


def asked(view: QuizView, quiz: QuizSpec) -> list[list[int]]:
    """`quiz` shown, the keyboard on its first option; the answers checked, as they come."""
    view.set_quiz(quiz)
    answers: list[list[int]] = []
    view.answered.connect(answers.append)
    view.buttons[0].setFocus()
    return answers


def test_keyboard_only_a_wrong_answer_shows_its_feedback_and_a_second_try_is_right(
        view: QuizView, qtbot: QtBot) -> None:
    answers = asked(view, ONE)
    qtbot.keyClick(view.buttons[0], Qt.Key.Key_1)
    assert view.chosen() == [0] and view.check.isEnabled()
    qtbot.keyClick(view.buttons[0], Qt.Key.Key_Return)
    assert answers == [[0]]
    assert view.feedback[0].isVisibleTo(view) and view.feedback[0].text() == "✗  Only for internal trips."
    assert view.result.heading.text() == "Not quite"
    assert "Try another answer, or go on" in view.result.text.text()
    assert view.explanation.plain_text() == "Customer visits are charged to Sales, whoever makes them."
    assert not view.check.isEnabled()  # the same answer again checks nothing new
    qtbot.keyClick(view.buttons[0], Qt.Key.Key_Down)  # arrow keys move to the next round button, and pick it
    assert view.chosen() == [1]
    qtbot.keyClick(view.buttons[1], Qt.Key.Key_Enter)
    assert answers == [[0], [1]]
    assert view.result.heading.text() == "Right" and view.feedback[0].isHidden()
    assert view.feedback[1].text() == "✓  Right: customer visits are sales work."
    assert view.is_answered() and not view.can_check()


def test_keyboard_only_several_answers_are_ticked_with_number_keys_and_space(
        view: QuizView, qtbot: QtBot) -> None:
    answers = asked(view, SEVERAL)
    qtbot.keyClick(view.buttons[0], Qt.Key.Key_3)
    qtbot.keyClick(view.buttons[2], Qt.Key.Key_Return)
    assert answers == [[2]] and view.result.heading.text() == "Not quite"
    assert "You found 1 of 2 right answers." in view.result.text.text()
    qtbot.keyClick(view.buttons[2], Qt.Key.Key_Up)  # focus moves, nothing is ticked by it
    assert view.chosen() == [2]
    focused = QApplication.focusWidget()
    assert focused is view.buttons[1]
    qtbot.keyClick(view.buttons[1], Qt.Key.Key_Up)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert view.chosen() == [0, 2]
    qtbot.keyClick(view.buttons[0], Qt.Key.Key_Return)
    assert answers == [[2], [0, 2]] and view.result.heading.text() == "Right"


def test_the_mouse_picks_by_the_option_text_too(view: QuizView, qtbot: QtBot) -> None:
    answers = asked(view, ONE)
    qtbot.mouseClick(view.texts[2], Qt.MouseButton.LeftButton)
    assert view.chosen() == [2]
    qtbot.mouseClick(view.check, Qt.MouseButton.LeftButton)
    assert answers == [[2]]
    assert view.feedback[2].text() == "✗  Not this one."


def test_a_link_in_the_explanation_is_asked_for_like_any_link_of_a_step(view: QuizView, qtbot: QtBot) -> None:
    linked = ONE.model_copy(update={"explanation": "See [the cost centres](https://intranet.example/cc)."})
    view.set_quiz(linked)
    with qtbot.waitSignal(view.linkRequested) as asked:
        view.explanation.linkActivated.emit("https://intranet.example/cc")
    assert asked.args == ["https://intranet.example/cc"]


# ---------------------------------------------------------------- in a run


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def claim() -> Wizard:
    """The bundled expense claim, with its cost-centre check."""
    wizard = load_file(ROOT / "wizards" / "expenses.submit-claim.yaml").wizard
    assert wizard is not None
    return wizard


VALUES = {"amount": "31", "purpose": "Customer visit Hanse Logistik", "spent_on": "14.05.2024"}


class Run:
    def __init__(self, panel: Panel, wiz: Wizard, clock: Clock) -> None:
        self.panel, self.engine, self.clock = panel, Engine(wiz), clock
        self.state = self.engine.initial()
        self.effects: list[object] = []
        panel.engineEvent.connect(self.handle)
        panel.show_run(wiz, "glass")

    def handle(self, event: Any) -> None:
        self.state, effects = self.engine.handle(self.state, event)
        self.effects.extend(effects)
        self.panel.apply(effects)


def to_quiz(run: Run) -> None:
    run.handle(Start(mode="glass", values=VALUES, at=run.clock()))
    while run.state.step_id != "check-cost-centre":
        step = run.engine.wizard.step(run.state.step_id or "")
        if step.choice:
            run.handle(Choose(index=0, at=run.clock()))
            continue
        if step.checklist:
            for i in range(len(step.checklist)):
                run.handle(Check(index=i, checked=True, at=run.clock()))
        run.handle(Next(at=run.clock()))


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[Panel]:
    widget: Panel = shown_panel(qtbot, Clock(), 760)
    yield widget
    widget.hide()


def test_a_quiz_step_is_answered_from_the_keyboard_in_the_panel_and_next_goes_on(
        panel: Panel, qtbot: QtBot) -> None:
    run = Run(panel, claim(), Clock())
    to_quiz(run)
    step = panel.step
    assert step.quiz.isVisibleTo(panel) and step.quiz.buttons and step.choice_buttons == []
    panel.focus_search()  # the hotkey: the panel takes the keyboard, on the first option
    qtbot.waitUntil(lambda: step.quiz.buttons[0].hasFocus())
    qtbot.keyClick(step.quiz.buttons[0], Qt.Key.Key_Return)  # nothing picked: nothing checked, no step done
    assert run.state.step_id == "check-cost-centre"
    assert panel.focusWidget() is not None
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_1)
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Return)
    assert [e for e in run.effects if isinstance(e, Answered)] == [
        Answered("check-cost-centre", (0,), False, 1)]
    assert step.quiz.result.heading.text() == "Not quite" and step.quiz.feedback[0].isVisibleTo(panel)
    step.next.setFocus()
    qtbot.keyClick(step.next, Qt.Key.Key_2)  # number keys work wherever the keyboard is in the step
    assert step.quiz.chosen() == [1] and step.default_button() is step.quiz.check
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Return)
    assert run.state.answers == (False, True) and step.quiz.result.heading.text() == "Right"
    assert step.default_button() is step.next
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Return)  # Enter now goes on
    assert run.state.step_id == "final-check"
    assert run.state.history[-1].outcome == "answered" and run.state.history[-1].correct is False
    assert not step.quiz.isVisibleTo(panel)


def test_next_before_an_answer_says_so_calmly(panel: Panel, qtbot: QtBot) -> None:
    run = Run(panel, claim(), Clock())
    to_quiz(run)
    qtbot.mouseClick(panel.step.next, Qt.MouseButton.LeftButton)
    assert run.state.step_id == "check-cost-centre"
    assert panel.step.notice.message() == "Answer the question first (or skip it)."
    qtbot.mouseClick(panel.step.quiz.texts[1], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.step.quiz.check, Qt.MouseButton.LeftButton)
    assert run.effects[-1] == Answered("check-cost-centre", (1,), True, 1) and run.state.answers == (True,)


def test_screenshot_of_a_quiz_with_its_feedback(themed: QApplication, qtbot: QtBot) -> None:
    """Saved to artifacts/panel-quiz-<theme>.png for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        theme.apply_theme(themed, scheme)
        panel: Panel = shown_panel(qtbot, Clock(), 760)
        run = Run(panel, claim(), Clock())
        to_quiz(run)
        qtbot.mouseClick(panel.step.quiz.texts[0], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(panel.step.quiz.check, Qt.MouseButton.LeftButton)
        path = ARTIFACTS / f"panel-quiz-{scheme}.png"
        assert panel.grab().save(str(path))
        assert path.stat().st_size > 1000
        panel.hide()


# ---------------------------------------------------------------- the running app

QUIZ_TASK = """\
wayguide: 1
id: test.quiz
title: A task with a check
steps:
  - id: centre
    title: "Check yourself: the cost centre"
    quiz:
      question: Which cost centre goes on a customer visit?
      options: [{text: Own team}, {text: Sales, correct: true}]
  - {id: save, title: Save the claim}
"""


def test_the_running_app_records_each_answer_and_its_xapi_statement_waits_in_the_outbox(
        qtbot: QtBot, qapp: Any, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from app.runtime.usage_data import usage_db
    from app.usage import LrsConfig, UsageEvent
    from app.usage.store import INSERT_EVENT
    from app.usage.xapi import statement
    from tests.gui.conftest import started

    for name, value in {"WAYGUIDE_LRS_ENDPOINT": "http://127.0.0.1:9/xAPI/", "WAYGUIDE_LRS_USERNAME": "u",
                        "WAYGUIDE_LRS_PASSWORD": "p"}.items():
        monkeypatch.setenv(name, value)
    (home / "mine" / "quiz.yaml").write_text(QUIZ_TASK)
    running = started(qapp)
    app = next(running)
    try:
        assert app.start("test.quiz", "glass", {}) is None and app.panel is not None
        quiz = app.panel.step.quiz
        for option in (0, 1):
            qtbot.mouseClick(quiz.texts[option], Qt.MouseButton.LeftButton)
            qtbot.mouseClick(quiz.check, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(app.panel.step.next, Qt.MouseButton.LeftButton)
        assert app.run is not None and app.run.state.step_id == "save"
        assert app.usage.store is not None and app.usage.store.flush()
        columns = INSERT_EVENT.split("(")[1].split(")")[0]
        conn = sqlite3.connect(usage_db(app.paths))
        try:
            rows = conn.execute(f"SELECT {columns} FROM events WHERE kind = 'answered' "
                                "ORDER BY seq").fetchall()
            waiting = conn.execute("SELECT count(*) FROM outbox o JOIN events e ON e.seq = o.event "
                                   "WHERE e.kind = 'answered'").fetchone()[0]
        finally:
            conn.close()
    finally:
        next(running, None)
    answers = [UsageEvent(*row) for row in rows]
    assert [(a.step, a.success, a.response) for a in answers] == [("centre", 0, "1"), ("centre", 1, "2")]
    assert waiting == 2
    made = statement(answers[1], "person", LrsConfig("https://lrs.example.com/xAPI/", "u", "p"))
    assert made["result"] == {"success": True, "response": "2"}
    assert made["object"]["definition"]["interactionType"] == "choice"
