"""Knowledge checks: quiz steps and review questions, from the file to the engine, the job aid, the dry run,
usage data and xAPI (no Qt)."""

from __future__ import annotations

import json
import sqlite3
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from app.cli.jobaid import job_aid
from app.engine import (
    Answer,
    Answered,
    Back,
    Engine,
    Event,
    Finished,
    Next,
    Notice,
    RunState,
    ShowStep,
    Skip,
    Start,
    SwitchMode,
)
from app.format.loader import load_file
from app.format.model import MAX_OPTIONS, Wizard
from app.usage import LrsConfig, Recorder, UsageConfig, UsageEvent
from app.usage.report import build
from app.usage.store import DB_NAME, MIGRATIONS, connect
from app.usage.xapi import ACTIVITY_TYPES, statement
from tests.unit.cli_support import isolate, run

T0 = 1_700_000_000.0
ROOT = Path(__file__).resolve().parents[2]

QUIZ = """\
wayguide: 1
id: test.quiz
title: Claim
version: "2"
modes: [glass, black]
steps:
  - id: open
    title: Open the form
    do: [{keys: ctrl+n}]
  - id: centre
    title: "Check: the cost centre"
    quiz:
      question: Which cost centre goes on a customer visit?
      options:
        - {text: Your own team's, feedback: Only for internal trips.}
        - {text: Sales (SLS-100), correct: true, feedback: Right.}
        - {text: The customer's project}
      explanation: Customer visits are sales work.
  - id: save
    title: Save
    do: [{keys: ctrl+s}]
review:
  - id: centre
    question: Which cost centre for a customer visit?
    options: [{text: Own team}, {text: Sales, correct: true}]
  - id: receipts
    question: Which claims need a receipt?
    options:
      - {text: Taxi 31 EUR, correct: true}
      - {text: Train 19 EUR}
      - {text: Meal 80 EUR, correct: true}
    explanation: Everything over 25 EUR.
"""


def wizard(text: str = QUIZ) -> Wizard:
    return Wizard.model_validate(yaml.safe_load(text))


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "w.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return [str(d).removeprefix(f"{path}:") for d in load_file(path).diagnostics]


# ------------------------------------------------------------------ the format

STEP = "wayguide: 1\nid: t\ntitle: T\nsteps:\n  - id: q\n    title: Q\n    quiz:\n      question: Which?\n"


@pytest.mark.parametrize(("options", "expected"), [
    pytest.param("      options: [{text: A, correct: true}]\n",
                 ["9:16: error: 'options': at least 2 items, got 1"], id="one-option"),
    pytest.param("      options: [{text: A}, {text: B}]\n",
                 ["9:16: error: no option is marked 'correct: true' (a question needs at least one right "
                  "answer)"], id="none-correct"),
    pytest.param("      options: [{text: A, correct: true}, {text: \" a \"}]\n",
                 ["9:16: error: option ' a ' is offered twice (each option needs its own text)"],
                 id="duplicate-texts"),
    pytest.param("      options: [{text: A, correct: true}, {text: B, right: true}]\n",
                 ["9:53: error: unknown key 'right' (allowed: text, correct, feedback)"], id="unknown-key"),
])
def test_a_bad_quiz_is_one_clear_positioned_line(tmp_path: Path, options: str, expected: list[str]) -> None:
    assert problems(tmp_path, STEP + options) == expected


def test_a_quiz_step_does_nothing_else_and_review_ids_are_required_and_unique(tmp_path: Path) -> None:
    both = STEP + "      options: [{text: A, correct: true}, {text: B}]\n    do: [{keys: ctrl+s}]\n"
    assert problems(tmp_path, both) == [
        "5:5: error: a quiz step cannot also have 'do' (answering it is the step)"]
    review = ("wayguide: 1\nid: t\ntitle: T\nsteps: [{id: a, title: A}]\nreview:\n"
              "  - {id: one, question: Q, options: [{text: A, correct: true}, {text: B}]}\n"
              "  - {id: one, question: R, options: [{text: A, correct: true}, {text: B}]}\n")
    assert problems(tmp_path, review) == [
        "7:10: error: duplicate review question id 'one' (first used at line 6)"]
    assert problems(tmp_path, review.replace("{id: one, question: R", "{question: R")) == [
        "7:5: error: missing required key 'id'"]
    braces = review.replace("question: R", "question: '{{ inputs.x }}'").replace("- {id: one, question: '",
                                                                                  "- {id: two, question: '")
    assert problems(tmp_path, braces) == [
        "7:25: error: '{{' in 'question' is shown as written, never filled in (a quiz's texts are taken as "
        "written: write the words themselves)"]


def test_hostile_quizzes_are_bounded(tmp_path: Path) -> None:
    many = ", ".join(f"{{text: o{i}, correct: true}}" for i in range(MAX_OPTIONS + 1))
    assert problems(tmp_path, STEP + f"      options: [{many}]\n") == [
        f"9:16: error: 'options': at least {MAX_OPTIONS} items, got {MAX_OPTIONS + 1}".replace(
            "at least", "at most")]
    huge = "x" * 5000
    options = f"      options: [{{text: {huge}, correct: true}}, {{text: B}}]\n"
    found = problems(tmp_path, STEP.replace("Which?", huge) + options)
    assert len(found) == 2 and all("at most" in line and len(line) < 200 for line in found)
    lots = "".join(f"  - {{id: q{i}, question: Q, options: [{{text: A, correct: true}}, {{text: B}}]}}\n"
                   for i in range(51))
    found = problems(tmp_path, "wayguide: 1\nid: t\ntitle: T\nsteps: [{id: a, title: A}]\nreview:\n" + lots)
    assert found == ["6:3: error: 'review': at most 50 items, got 51"]


def test_the_bundled_expense_claim_checks_the_cost_centre_and_has_two_review_questions() -> None:
    result = load_file(ROOT / "wizards" / "expenses.submit-claim.yaml")
    assert result.wizard is not None and not result.diagnostics
    quizzes = [s for s in result.wizard.steps if s.quiz is not None]
    assert len(quizzes) == 1 and "cost centre" in quizzes[0].quiz.question  # type: ignore[union-attr]
    assert [q.id for q in result.wizard.review] == ["cost-centre", "receipt-threshold"]
    assert result.wizard.review[1].multiple and not result.wizard.review[0].multiple


# ------------------------------------------------------------------ the engine


class Driven:
    def __init__(self, wiz: Wizard) -> None:
        self.engine = Engine(wiz)
        self.state: RunState = self.engine.initial()
        self.now = T0

    def send(self, event: Event) -> list[object]:
        self.state, effects = self.engine.handle(self.state, event)
        return list(effects)


def test_in_glass_box_the_quiz_waits_for_an_answer_and_a_wrong_one_may_be_tried_again() -> None:
    run = Driven(wizard())
    run.send(Start(mode="glass", at=T0))
    shown = run.send(Next(at=T0 + 1))
    step = next(e for e in shown if isinstance(e, ShowStep))
    assert step.step_id == "centre" and step.quiz is not None and step.quiz.correct == (1,)
    assert run.send(Next(at=T0 + 2)) == [Notice("Answer the question first (or skip it).")]
    assert run.send(Answer(chosen=(0, 1), at=T0 + 3)) == []  # one answer is right: one option only
    assert run.send(Answer(chosen=(7,), at=T0 + 3)) == []
    assert run.send(Answer(chosen=(0,), at=T0 + 4)) == [Answered("centre", (0,), False, 1)]
    assert run.state.step_id == "centre" and run.state.status == "running"  # feedback stays to be read
    assert run.send(Answer(chosen=(1,), at=T0 + 5)) == [Answered("centre", (1,), True, 2)]
    moved = run.send(Next(at=T0 + 9))
    assert any(isinstance(e, ShowStep) and e.step_id == "save" for e in moved)
    entry = run.state.history[-1]
    assert (entry.step_id, entry.outcome, entry.correct, entry.ended_at - entry.started_at) == (
        "centre", "answered", False, 8.0)
    ended = run.send(Next(at=T0 + 10))
    finished = next(e for e in ended if isinstance(e, Finished))
    assert (finished.summary.steps, finished.summary.by_person) == (3, 3)


def test_back_to_a_quiz_asks_it_afresh_and_skip_goes_on_without_an_answer() -> None:
    run = Driven(wizard())
    run.send(Start(mode="glass", at=T0))
    run.send(Next(at=T0 + 1))
    run.send(Answer(chosen=(1,), at=T0 + 2))
    run.send(Next(at=T0 + 3))
    run.send(Back(at=T0 + 4))
    assert run.state.step_id == "centre" and run.state.answers == ()
    run.send(Skip(at=T0 + 5))
    assert run.state.step_id == "save" and run.state.history[-1].outcome == "skipped"


def test_several_right_answers_need_them_all() -> None:
    several = QUIZ.replace("{text: The customer's project}", "{text: The customer's project, correct: true}")
    run = Driven(wizard(several))
    run.send(Start(mode="glass", at=T0))
    run.send(Next(at=T0 + 1))
    assert run.send(Answer(chosen=(1,), at=T0 + 2)) == [Answered("centre", (1,), False, 1)]
    assert run.send(Answer(chosen=(2, 1, 2), at=T0 + 3)) == [Answered("centre", (1, 2), True, 2)]


def test_black_box_never_waits_on_a_quiz() -> None:
    run = Driven(wizard())
    run.send(Start(mode="black", at=T0))
    assert run.state.status == "performing" and run.state.step_id == "open"
    from app.engine import ActionsDone

    effects = run.send(ActionsDone(step_id="open", at=T0 + 1))
    assert run.state.step_id == "save" and run.state.status == "performing"
    assert not any(isinstance(e, ShowStep) and e.step_id == "centre" for e in effects)
    assert [(h.step_id, h.outcome) for h in run.state.history] == [
        ("open", "automated"), ("centre", "unasked")]
    ended = run.send(ActionsDone(step_id="save", at=T0 + 2))
    finished = next(e for e in ended if isinstance(e, Finished))
    assert (finished.summary.steps, finished.summary.automated) == (2, 2)  # the quiz is no step of this run


def test_switching_to_black_box_on_a_quiz_goes_past_it_and_quizzes_in_a_loop_end_the_run() -> None:
    run = Driven(wizard())
    run.send(Start(mode="glass", at=T0))
    run.send(Next(at=T0 + 1))
    assert run.state.step_id == "centre"
    run.send(SwitchMode(mode="black", at=T0 + 2))
    assert run.state.step_id == "save" and run.state.status == "performing"
    looping = wizard("""\
        wayguide: 1
        id: t.loop
        title: Loop
        modes: [black]
        steps:
          - {id: a, title: A, next: b, quiz: {question: Q, options: [{text: X, correct: true}, {text: Y}]}}
          - {id: b, title: B, next: a, quiz: {question: Q, options: [{text: X, correct: true}, {text: Y}]}}
        """.replace("        ", ""))
    lone = Driven(looping)
    effects = lone.send(Start(mode="black", at=T0))
    assert lone.state.status == "finished" and any(isinstance(e, Finished) for e in effects)
    finished = next(e for e in effects if isinstance(e, Finished))
    assert finished.summary.steps == 0


# ------------------------------------------------------------------ show and dry run


def test_the_job_aid_asks_the_questions_and_answers_them_at_the_end() -> None:
    text = job_aid(wizard())
    check = text.index("**Check yourself:** Which cost centre goes on a customer visit?")
    assert "1. Your own team's\n2. Sales (SLS-100)\n3. The customer's project" in text[check:]
    questions = text.index("## Check yourself")
    assert "**Q2.** Which claims need a receipt?\n\n*Tick all that apply.*" in text
    answers = text.index("## Answers")
    assert check < questions < answers
    assert text[answers:] == (
        "## Answers\n\n"
        "- **Step 2:** 2. Sales (SLS-100)\n  Customer visits are sales work.\n"
        "- **Q1:** 2. Sales\n"
        "- **Q2:** 1. Taxi 31 EUR; 3. Meal 80 EUR\n  Everything over 25 EUR.\n")
    assert "Sales (SLS-100)" not in text[:check] and "correct" not in text


def test_the_dry_run_shows_the_check_in_glass_box_and_says_black_box_goes_past_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)
    path = tmp_path / "quiz.yaml"
    path.write_text(QUIZ)
    code, out, _ = run("run", str(path), "--dry-run", "--mode", "glass")
    assert code == 0
    assert ("2. Check: the cost centre\n   - check: Which cost centre goes on a customer visit?\n"
            "      1. Your own team's\n      2. Sales (SLS-100) (right)\n      3. The customer's project\n"
            "   - you answer: 2\n3. Save\n") in out
    assert out.endswith("Review: after a glass-box run, 2 questions come back later: centre, receipts\n")
    code, out, _ = run("run", str(path), "--dry-run", "--mode", "black")
    assert code == 0 and "check:" not in out
    assert "   (step 'centre', a knowledge check, is asked in glass box only)\n2. Save\n" in out


# ------------------------------------------------------------------ usage and xAPI


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[tuple[Recorder, Path]]:
    db = tmp_path / "data" / DB_NAME
    rec = Recorder(clock=lambda: T0 + 100)
    rec.open(db, UsageConfig())
    yield rec, db
    rec.close()


def rows(db: Path, kind: str) -> list[dict[str, object]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM events WHERE kind = ? ORDER BY seq", (kind,))]
    finally:
        conn.close()


def test_each_answer_is_recorded_with_the_options_picked_and_never_free_text(
        recorder: tuple[Recorder, Path]) -> None:
    rec, db = recorder
    wiz = wizard()
    engine = Engine(wiz)
    state = engine.initial()
    holder = object.__new__(type("RunHolder", (), {}))
    rec.begin(holder, wiz, "panel")
    for event in (Start(mode="glass", at=T0), Next(at=T0 + 1), Answer(chosen=(0,), at=T0 + 2),
                  Answer(chosen=(1,), at=T0 + 3), Next(at=T0 + 4)):
        old = state
        state, effects = engine.handle(old, event)
        rec.observe(holder, old, state, effects)
    rec.review_answered(wiz, wiz.review[1], [2, 0])
    assert rec.store is not None and rec.store.flush()
    answered = rows(db, "answered")
    picked = [(r["wizard"], r["step"], r["success"], r["response"], r["source"], r["version"])
              for r in answered]
    assert picked == [("test.quiz", "centre", 0, "1", None, "2"), ("test.quiz", "centre", 1, "2", None, "2"),
                      ("test.quiz", "receipts", 1, "1[,]3", "review", "2")]
    assert answered[0]["title"] == "Which cost centre goes on a customer visit?"
    assert json.loads(str(answered[0]["choices"])) == {
        "choices": ["Your own team's", "Sales (SLS-100)", "The customer's project"], "correct": ["2"]}
    assert answered[0]["run"] == answered[1]["run"] and answered[2]["run"] is None
    done = [r for r in rows(db, "step-done") if r["step"] == "centre"]
    assert [r["outcome"] for r in done] == ["person"]
    questions = {(q.wizard, q.question): (q.answers, q.correct, q.review_answers)
                 for q in build(db).questions}
    assert questions == {("test.quiz", "centre"): (2, 1, 0), ("test.quiz", "receipts"): (1, 1, 1)}


def test_a_store_from_before_quizzes_gains_the_columns(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(old)
    conn.executescript(";".join(MIGRATIONS[:3]) + "; PRAGMA user_version = 3;")
    conn.close()
    migrated = connect(old)
    columns = {r[1] for r in migrated.execute("PRAGMA table_info(events)")}
    migrated.close()
    assert {"success", "response", "choices"} <= columns


LRS = LrsConfig("https://lrs.example.com/xAPI/", "key", "secret")
CHOICES = json.dumps({"choices": ["Own team", "Sales", "Project"], "correct": ["2"]})


def test_an_answer_is_an_xapi_choice_interaction_with_success_and_the_option_ids() -> None:
    event = UsageEvent("answered", T0, run="r-1", wizard="test.quiz", step="centre", mode="glass",
                       title="Which cost centre?", success=False, response="1", choices=CHOICES)
    made = statement(event, "person", LRS)
    wizard_iri = "https://lrs.example.com/wayguide/wizards/test.quiz"
    assert made["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
    assert made["object"] == {
        "id": wizard_iri + "/steps/centre/quiz", "objectType": "Activity",
        "definition": {"type": ACTIVITY_TYPES["question"], "interactionType": "choice",
                       "name": {"en-US": "Which cost centre?"}, "correctResponsesPattern": ["2"],
                       "choices": [{"id": "1", "description": {"en-US": "Own team"}},
                                   {"id": "2", "description": {"en-US": "Sales"}},
                                   {"id": "3", "description": {"en-US": "Project"}}]}}
    assert made["result"] == {"success": False, "response": "1"}
    assert made["context"]["registration"] == "r-1"
    assert made["context"]["contextActivities"]["parent"] == [{"id": wizard_iri, "objectType": "Activity"}]
    review = statement(UsageEvent("answered", T0, wizard="test.quiz", step="receipts", source="review",
                                  success=True, response="1[,]3", choices="not json"), "person", LRS)
    assert review["object"]["id"] == wizard_iri + "/review/receipts"
    assert "choices" not in review["object"]["definition"] and "registration" not in review["context"]
    assert review["result"]["success"] is True and review["result"]["response"] == "1[,]3"
