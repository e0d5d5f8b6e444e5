"""Spaced review in the running app (offscreen): a glass-box run schedules its wizard's review questions,
the tray says when a review is due (once, quietly), the review is answered by keyboard in the panel, and
"Later", "Not for this task" and the policy's switch are kept."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.learning.cards import DB_NAME as CARDS
from app.runtime.tray_app import TrayApp
from app.runtime.usage_data import usage_db
from overlays import theme
from tests.gui.conftest import started
from tests.gui.test_panel import ARTIFACTS

TASK = """\
wayguide: 1
id: mine.claim
title: File a claim
steps:
  - {id: one, title: Open the portal}
  - {id: two, title: Send it}
review:
  - id: cost-centre
    question: Which cost centre goes on a customer visit?
    options:
      - {text: Your own team's, feedback: Only for internal trips.}
      - {text: Sales (SLS-100), correct: true}
    explanation: Customer visits are sales work, whoever makes them.
  - id: receipt
    question: From which amount is the receipt needed?
    options:
      - {text: Always}
      - {text: Over 25 EUR, correct: true}
"""


@pytest.fixture
def app(qapp: Any, home: Path) -> Iterator[TrayApp]:
    (home / "mine" / "claim.yaml").write_text(TASK)
    yield from started(qapp)


def _done_once(app: TrayApp) -> None:
    assert app.start("mine.claim", "glass", source="panel") is None
    assert app.panel is not None
    app.panel.step.next.click()
    app.panel.step.next.click()
    assert app.run is not None and app.run.state.status == "finished"


def _cards(app: TrayApp) -> list[tuple[str, float, int]]:
    with closing(sqlite3.connect(app.paths.data_dir / CARDS)) as conn:
        return list(conn.execute("SELECT question, due, reps FROM cards ORDER BY question"))


def _due_now(app: TrayApp) -> None:
    """A day has passed (as far as the cards know), and the person logged in an hour ago."""
    with closing(sqlite3.connect(app.paths.data_dir / CARDS)) as conn:
        conn.execute("UPDATE cards SET due = ?", (time.time() - 60,))
        conn.commit()
    app.reviews.session_start = time.time() - 3600


def test_a_glass_run_schedules_its_questions_for_a_later_day_and_no_timer_polls(app: TrayApp) -> None:
    assert app.reviews.wakes_at is None  # nothing to review: no timer at all
    _done_once(app)
    cards = _cards(app)
    assert [q for q, _, _ in cards] == ["cost-centre", "receipt"]
    assert all(due > time.time() + 12 * 3600 for _, due, _ in cards)  # not today: tomorrow at the soonest
    assert app.reviews.wakes_at is not None and app.reviews.wakes_at >= min(due for _, due, _ in cards)


def test_the_tray_says_once_that_a_review_is_due_and_it_is_answered_by_keyboard(
        qtbot: QtBot, app: TrayApp, themed: QApplication) -> None:
    _done_once(app)
    app.runs.home()
    _due_now(app)
    app.reviews.wake()
    assert app.tray.review.isVisible()
    assert app.reviews.reviews is not None
    assert app.reviews.reviews.decide(app.reviews.session_start).why == "shown-today"  # said once a day
    app.reviews.wake()  # the entry stays
    assert app.tray.review.isVisible()
    app.tray.review.trigger()
    panel = app.panel
    assert panel is not None
    recall = panel.recall
    qtbot.waitUntil(lambda: panel.current_view() is recall, timeout=5000)
    theme.apply_theme(themed, "light")
    ARTIFACTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(ARTIFACTS / "panel-review-light.png"))
    QTest.keyClick(recall, Qt.Key.Key_2)
    QTest.keyClick(recall.quiz.check, Qt.Key.Key_Return)
    assert recall.right_so_far() == [True]
    recall.next.click()
    QTest.keyClick(recall, Qt.Key.Key_1)
    recall.quiz.check.click()  # wrong: comes back sooner
    assert recall.right_so_far() == [True, False] and recall.done.isVisible()
    recall.done.click()
    cards = {q: (due, reps) for q, due, reps in _cards(app)}
    assert cards["cost-centre"][1] == 1 and cards["receipt"][1] == 1
    assert cards["receipt"][0] < cards["cost-centre"][0]
    assert not app.tray.review.isVisible() and not panel.isVisible()
    assert app.usage.store is not None and app.usage.store.flush()
    with closing(sqlite3.connect(usage_db(app.paths))) as conn:
        answers = list(conn.execute("SELECT step, success, run FROM events WHERE kind = 'answered'"))
    assert answers == [("cost-centre", 1, None), ("receipt", 0, None)]


def test_later_puts_the_nudge_off_and_not_for_this_task_ends_its_reviews(app: TrayApp) -> None:
    _done_once(app)
    app.runs.home()
    _due_now(app)
    app.reviews.start()
    assert app.panel is not None
    app.panel.recall.later.click()
    assert app.reviews.reviews is not None
    assert app.reviews.reviews.decide(app.reviews.session_start).why == "snoozed"
    app.reviews.start()
    app.panel.recall.not_task.click()
    assert app.reviews.reviews.due() == [] and not app.tray.review.isVisible()


def test_no_review_is_offered_while_a_run_is_under_way(app: TrayApp) -> None:
    _done_once(app)
    _due_now(app)
    assert app.start("mine.claim", "glass", source="panel") is None
    app.reviews.start()
    assert app.panel is not None and app.panel.current_view() is app.panel.step
    assert app.reviews.reviews is not None
    assert app.reviews.reviews.decide(app.reviews.session_start, running=True).why == "running"


def test_the_policy_switches_reviews_off(qapp: Any, home: Path) -> None:
    (home / "mine" / "claim.yaml").write_text(TASK)
    (home / "policy.yaml").write_text("learning:\n  reviews: false\n")
    for app in started(qapp):
        _done_once(app)
        assert _cards(app) == [] and app.reviews.wakes_at is None
