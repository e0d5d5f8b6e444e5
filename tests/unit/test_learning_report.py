"""The report's learning sections (app.usage.learning) over generated usage data: weeks of simulated
use on a fake clock, written as the store writes events (the `answered` events as the quiz branch is
to record them: the question in `step`, right or wrong in `success`, or else in `outcome`)."""

from __future__ import annotations

import csv
import io
import json
import random
import sqlite3
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.usage.events import UsageEvent
from app.usage.formats import csv_text, html, json_text, table
from app.usage.learning import BUCKETS, settled_at
from app.usage.report import build
from app.usage.store import DB_NAME, INSERT_EVENT, connect, person_id

DAY = 86400.0
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp()
COLUMNS = tuple(f.name for f in fields(UsageEvent))


class Usage:
    """Writes events into a usage store as the store's writer does (one person: this data dir's)."""

    def __init__(self, db: Path, success_column: bool = True) -> None:
        self.conn = connect(db)
        self.person = person_id(self.conn)
        self.success = success_column
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(events)")}
        if success_column and "success" not in columns:  # the store has it since the quiz's migration
            self.conn.execute("ALTER TABLE events ADD COLUMN success INTEGER")
        self.runs = 0

    def add(self, event: UsageEvent, success: bool | None = None) -> None:
        self.conn.execute(INSERT_EVENT, tuple(getattr(event, c) for c in COLUMNS))
        if success is not None and self.success:
            self.conn.execute("UPDATE events SET success = ? WHERE id = ?", (int(success), event.id))

    def run(self, wizard: str, at: float, mode: str, seconds: float, outcome: str = "completed",
            quiz: dict[str, bool] | None = None) -> None:
        self.runs += 1
        run = f"run-{self.runs}"
        self.add(UsageEvent("started", at, run=run, wizard=wizard, mode=mode, person=self.person,
                            title=wizard))
        for question, right in (quiz or {}).items():
            self.answer(wizard, question, right, at + seconds / 2, run)
        self.add(UsageEvent(outcome, at + seconds, run=run, wizard=wizard, mode=mode,  # type: ignore[arg-type]
                            duration=seconds))

    def answer(self, wizard: str, question: str, right: bool, at: float, run: str | None = None) -> None:
        self.add(UsageEvent("answered", at, run=run, wizard=wizard, step=question,  # type: ignore[arg-type]
                            outcome=None if self.success else ("correct" if right else "wrong")), right)

    def close(self) -> None:
        self.conn.close()


def test_settling_is_three_runs_within_a_fifth_of_their_median() -> None:
    assert settled_at([300, 240, 200, 150, 120, 118, 121]) == 6
    assert settled_at([100, 100]) is None
    assert settled_at([100, 120, 80]) == 2           # 20 % each side of 100: still settled
    assert settled_at([100, 121, 80, 200]) is None   # 121 is more than 20 % over 100
    assert settled_at([0, 0, 0]) is None


@pytest.mark.parametrize("success_column", [True, False])
def test_weeks_of_simulated_use(tmp_path: Path, success_column: bool) -> None:
    """Three months of one person's use of an expense report: durations settle, support fades from
    full guidance to the short version and black box, a quiz question is mostly missed, reviews
    after a long gap are missed more often than the next day's."""
    rng = random.Random(16)
    usage = Usage(tmp_path / DB_NAME, success_column)
    w = "gnumeric.expense-report"
    durations = [300, 240, 200, 150, 120, 118, 121, 119, 117, 122]
    at = T0
    for n, seconds in enumerate(durations):  # March: glass box, a run every 2-3 days
        if n == 2:
            usage.run(w, at, "glass", 30, outcome="exited")  # a stopped run still counts as practice
            at += DAY
        usage.run(w, at, "glass", seconds, quiz={"cost-centre": n % 4 == 3, "receipt": n != 0})
        at += rng.choice((2, 3)) * DAY
    april = datetime(2026, 4, 1, 9, tzinfo=UTC).timestamp()
    for n in range(10):  # April: mostly the short version
        usage.run(w, april + n * 2 * DAY, "condensed" if n % 5 else "glass", 100)
    may = datetime(2026, 5, 1, 9, tzinfo=UTC).timestamp()
    for n in range(4):  # May: done for the person
        usage.run(w, may + n * 5 * DAY, "black", 20)
    last_run = april + 18 * DAY + 100  # the end of the last run the person did (condensed): black box
    reviews = [(1.5, True), (2, True), (10, False), (12, True), (40, False), (45, False)]  # is not met
    for k, (days, right) in enumerate(reviews):
        usage.answer(w, "receipt" if k % 2 else "cost-centre", right, last_run + days * DAY)
    usage.close()

    report = build(tmp_path / DB_NAME, now=may + 30 * DAY)
    (settled,) = report.settling
    assert (settled.wizard, settled.runs) == (w, 25)
    assert settled.settled_after_runs == 8  # the 7th glass completion, after one exited run
    assert settled.settled_seconds == 120
    assert 15 <= (settled.settled_after_days or 0) <= 22  # 6 gaps of 2 or 3 days, and the exited run's day

    fading = {f.period: (f.runs, f.full, f.condensed, f.black) for f in report.fading}
    assert fading == {"2026-03": (11, 1.0, 0.0, 0.0), "2026-04": (10, 0.2, 0.8, 0.0),
                      "2026-05": (4, 0.0, 0.0, 1.0)}

    first, second = report.questions
    assert (first.question, first.answers, first.correct, first.review_answers) == ("cost-centre", 13, 3, 3)
    assert (second.question, second.answers, second.correct, second.review_answers) == ("receipt", 13, 11, 3)

    buckets = {b.bucket: (b.answers, b.correct) for b in report.retention}
    assert [b.bucket for b in report.retention] == [label for label, _low, _high in BUCKETS]
    # since last met: 1.5 and 2 days after the run; 8.5 and 10 days after the answer before (1-4 weeks);
    # 30 and 33 days after those (over 4 weeks)
    assert buckets == {"under 1 day": (0, 0), "1–3 days": (2, 2), "3–7 days": (0, 0), "1–4 weeks": (2, 1),
                       "over 4 weeks": (2, 0)}


def test_the_sections_in_each_format(tmp_path: Path) -> None:
    usage = Usage(tmp_path / DB_NAME)
    for n, seconds in enumerate([200, 100, 102, 98]):
        usage.run("w.task", T0 + n * DAY, "glass", seconds, quiz={"q1": n > 0})
    usage.answer("w.task", "q1", True, T0 + 12 * DAY)
    usage.close()
    report = build(tmp_path / DB_NAME)
    text = table(report)
    assert "Durations settled" in text and ": after 4 runs, 3 days, at 1 min 40 s (of 4 runs)" in text
    assert "w.task 2026-03: 4 runs  full 100% / short 0% / black 0%" in text
    assert "w.task q1: 80% right of 5 (1 in reviews)" in text
    assert "1–4 weeks      100% of 1" in text
    rows = list(csv.DictReader(io.StringIO(csv_text(report))))
    sections = {r["section"] for r in rows}
    assert {"settled", "fading", "question", "retention"} <= sections
    [question] = [r for r in rows if r["section"] == "question"]
    assert (question["question"], question["correct_share"]) == ("q1", "0.8000")
    data = json.loads(json_text(report))
    assert data["settling"][0]["settled_after_runs"] == 4 and data["retention"][-1]["to_days"] is None
    page = html(report)
    assert "When durations settled" in page and "Quiz results per question" in page
    assert "Review retention" in page and "How support faded" in page


def test_no_answers_and_an_older_store_leave_the_sections_empty(tmp_path: Path) -> None:
    db = tmp_path / DB_NAME
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 1")  # the events table as the first schema wrote it
    conn.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, at REAL NOT NULL,
            run TEXT, wizard TEXT, version TEXT, mode TEXT, source TEXT, person TEXT, title TEXT, step TEXT,
            step_index INTEGER, outcome TEXT, duration REAL, query TEXT, results INTEGER);
        INSERT INTO events (id, kind, at, run, wizard, mode, person)
            VALUES ('a', 'started', 1, 'r', 'w', 'glass', 'p');
    """)
    conn.close()
    report = build(db)
    assert report.questions == [] and all(b.answers == 0 for b in report.retention)
    assert [(s.runs, s.settled_after_runs) for s in report.settling] == [(1, None)]
    assert "Review retention" not in table(report) and "Quiz results" not in table(report)
