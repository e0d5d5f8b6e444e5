"""The report's learning sections (issue 16), from the usage store: time to competency as durations
that settle, how support faded, quiz results per question, and review retention.

Definitions:
- **Settled**: a person's durations of a task have settled at their k-th run that they did
  themselves (a completed glass-box or condensed run; black box measures the machine) when that
  run and the two before it each lie within 20 % of the median of the three. Reported: the runs of
  the task the person had started by then (every mode, finished or not: each one is practice), the
  days from their first run to that one, and the settled duration (that median).
- **Support faded**: per task and calendar month (UTC) of the runs' start, the share of runs with
  full guidance (`glass`), the short version (`condensed`) and done for the person (`black`).
- **Quiz results**: per task and question, the share of `answered` events that were right, the
  most missed first: where an author should look at a question or the step that teaches it.
- **Review retention**: review answers only, the share right by the time since the person last met
  the question (their previous answer to it, or their last completed glass-box or condensed run of
  the task, whichever came later), in buckets: under a day, 1–3 days, 3–7 days, 1–4 weeks, longer.

How an `answered` event is read (the quiz branch defines the event; these are the only assumptions):
the question's id is in `step`; right or wrong is the `success` column where the store has one
(1/0), else `outcome` ("correct"/"right"/"success"/"passed" is right); it is a review answer when it
has no run (asked outside one) or its `source` is "review". People stay pseudonymous: the first
characters of the random id, as in the rest of the report.
"""

from __future__ import annotations

import bisect
import datetime as dt
import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.i18n import N_

__all__ = ["BUCKETS", "SETTLE_RUNS", "SETTLE_SPREAD", "FadePeriod", "LearningSections", "QuestionStats",
           "RetentionBucket", "Settling", "learning_sections", "settled_at"]

SETTLE_RUNS = 3
SETTLE_SPREAD = 0.2
DAY = 86400.0
BUCKETS: tuple[tuple[str, float, float], ...] = (
    (N_("under 1 day"), 0.0, 1.0), (N_("1–3 days"), 1.0, 3.0), (N_("3–7 days"), 3.0, 7.0),
    (N_("1–4 weeks"), 7.0, 28.0), (N_("over 4 weeks"), 28.0, float("inf")))
"""(label, from days, to days): the review-retention buckets."""
PERSON_MODES = ("glass", "condensed")
"""Runs the person does themselves."""


@dataclass(frozen=True)
class Settling:
    person: str
    wizard: str
    runs: int
    """The person's runs of the task."""
    settled_after_runs: int | None
    """Runs started until the durations settled (None: not yet)."""
    settled_after_days: float | None
    settled_seconds: float | None


@dataclass(frozen=True)
class FadePeriod:
    wizard: str
    period: str
    """The calendar month, YYYY-MM (UTC)."""
    runs: int
    full: float
    condensed: float
    black: float


@dataclass(frozen=True)
class QuestionStats:
    wizard: str
    question: str
    answers: int
    correct: int
    correct_share: float
    review_answers: int
    """Of `answers`, how many came in a review (the rest inside runs)."""


@dataclass(frozen=True)
class RetentionBucket:
    bucket: str
    from_days: float
    to_days: float | None
    """None: no upper end."""
    answers: int
    correct: int
    correct_share: float | None


@dataclass(frozen=True)
class LearningSections:
    settling: list[Settling]
    fading: list[FadePeriod]
    questions: list[QuestionStats]
    retention: list[RetentionBucket]


@dataclass(frozen=True)
class _Answer:
    at: float
    person: str
    wizard: str
    question: str
    correct: bool
    review: bool


Started = Sequence[tuple[str, str, str, str, str, float]]
"""(run, wizard, title, mode, person, at) of the started events, in order of start."""
Ended = Mapping[str, tuple[str, float, float | None, str | None]]
"""run → (kind, at, duration, step) of its end."""


def learning_sections(conn: sqlite3.Connection, started: Started, ended: Ended) -> LearningSections:
    answers = _answers(conn, {r[0]: (r[4] or "") for r in started})
    return LearningSections(_settling(started, ended), _fading(started), _questions(answers),
                            _retention(answers, started, ended))


def settled_at(durations: Sequence[float], runs: int = SETTLE_RUNS,
               spread: float = SETTLE_SPREAD) -> int | None:
    """The index (0-based) of the first duration at which the last `runs` durations all lie within
    `spread` of their median; None when they never do."""
    for end in range(runs, len(durations) + 1):
        window = durations[end - runs:end]
        median = statistics.median(window)
        if median > 0 and all(abs(d - median) <= spread * median for d in window):
            return end - 1
    return None


def _settling(started: Started, ended: Ended) -> list[Settling]:
    runs: dict[tuple[str, str], list[tuple[str, str, float]]] = defaultdict(list)
    for run, wizard, _title, mode, person, at in started:
        runs[(person or "", wizard)].append((run, mode or "", at))
    out = []
    for (person, wizard), mine in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        done = []  # (number of the run among all the person's runs, start, seconds)
        for number, (run, mode, at) in enumerate(mine, 1):
            end = ended.get(run)
            if mode in PERSON_MODES and end is not None and end[0] == "completed" and end[2] is not None:
                done.append((number, at, end[2]))
        index = settled_at([d[2] for d in done])
        if index is None:
            out.append(Settling(person[:8] or "unknown", wizard, len(mine), None, None, None))
            continue
        number, at, _seconds = done[index]
        window = [d[2] for d in done[index - SETTLE_RUNS + 1:index + 1]]
        out.append(Settling(person[:8] or "unknown", wizard, len(mine), number, (at - mine[0][2]) / DAY,
                            statistics.median(window)))
    return out


def _fading(started: Started) -> list[FadePeriod]:
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for _run, wizard, _title, mode, _person, at in started:
        month = dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y-%m")
        counts[(wizard, month)][mode or "glass"] += 1
    out = []
    for (wizard, month), modes in sorted(counts.items()):
        total = sum(modes.values())
        out.append(FadePeriod(wizard, month, total, modes["glass"] / total, modes["condensed"] / total,
                              modes["black"] / total))
    return out


def _answers(conn: sqlite3.Connection, persons: Mapping[str, str]) -> list[_Answer]:
    row = conn.execute("SELECT value FROM meta WHERE key = 'person'").fetchone()
    here = str(row[0]) if row else ""
    out: list[_Answer] = []
    if "success" not in {row[1] for row in conn.execute("PRAGMA table_info(events)")}:
        return out  # a store from before quizzes (the report reads it as it is): no answers
    for at, run, wizard, question, right in conn.execute(
            "SELECT at, run, wizard, step, success FROM events WHERE kind = 'answered' "
            "AND wizard IS NOT NULL AND step IS NOT NULL ORDER BY at, seq"):
        out.append(_Answer(float(at), persons.get(run, here) if run else here, str(wizard), str(question),
                           bool(right), run is None))  # a review question is answered away from any run
    return out


def _questions(answers: Sequence[_Answer]) -> list[QuestionStats]:
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for a in answers:
        counts = tally[(a.wizard, a.question)]
        counts[0] += 1
        counts[1] += a.correct
        counts[2] += a.review
    stats = [QuestionStats(w, q, n, right, right / n, review) for (w, q), (n, right, review) in tally.items()]
    return sorted(stats, key=lambda s: (s.correct_share, -s.answers, s.wizard, s.question))


def _retention(answers: Sequence[_Answer], started: Started, ended: Ended) -> list[RetentionBucket]:
    met: dict[tuple[str, str], list[float]] = defaultdict(list)  # (person, wizard) → runs done, when
    for run, wizard, _title, mode, person, _at in started:
        end = ended.get(run)
        if mode in PERSON_MODES and end is not None and end[0] == "completed":
            met[(person or "", wizard)].append(end[1])
    for ends in met.values():
        ends.sort()
    last_answer: dict[tuple[str, str, str], float] = {}
    tally = [[0, 0] for _ in BUCKETS]
    for a in answers:  # in order of time
        key = (a.person, a.wizard, a.question)
        ends = met.get((a.person, a.wizard), [])
        index = bisect.bisect_right(ends, a.at)
        seen = max(ends[index - 1] if index else -1.0, last_answer.get(key, -1.0))
        last_answer[key] = a.at
        if seen < 0:
            continue
        if not a.review:
            continue
        days = (a.at - seen) / DAY
        for i, (_label, low, high) in enumerate(BUCKETS):
            if low <= days < high:
                tally[i][0] += 1
                tally[i][1] += a.correct
    return [RetentionBucket(label, low, None if high == float("inf") else high, n, right,
                            right / n if n else None)
            for (label, low, high), (n, right) in zip(BUCKETS, tally, strict=True)]
