"""Review scheduler benchmark: 10,000 review cards (1,000 wizards × 10 questions, weeks of simulated
answers), the time to find the next due review, and what an answer and a nudge decision cost.

Run: .venv/bin/python bench/bench_reviews.py
Baselines, measured in the same run: a bare `SELECT 1` on a connection to the same file (the floor
of any query), min() over a Python list of the 10,000 due times (no database at all), and the same
query forced past the index (NOT INDEXED: a full scan). Goal: the next due review in ≤ 1 ms.

Then the report's learning sections (app/usage/learning.py) over a year of one person's usage with
quiz and review answers, beside one GROUP BY scan of the same events (same run).
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.learning import CardKey, CardStore, ReviewRules, Reviews
from app.learning.schedule import DAY
from app.usage.events import UsageEvent
from app.usage.learning import learning_sections
from app.usage.report import build
from app.usage.store import connect, person_id

WIZARDS = 1_000
QUESTIONS = 10
CALLS = 2_000
T0 = 1_772_442_000.0  # a Monday morning, 2026


def timed(call: Callable[[], object], calls: int = CALLS) -> tuple[float, float]:
    """(median, 99th percentile) seconds per call."""
    times = []
    for _ in range(calls):
        before = time.perf_counter()
        call()
        times.append(time.perf_counter() - before)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99)]


def fmt(label: str, figures: tuple[float, float]) -> str:
    median, p99 = figures
    return f"  {label:<50} median {median * 1e6:8.1f} µs   99th {p99 * 1e6:8.1f} µs"


def fill(store: CardStore, rng: random.Random) -> float:
    """Schedule every wizard's questions after a run, then answer the due ones day after day for
    eight weeks (80 % right). The simulated now at the end."""
    clock = [T0]
    reviews = Reviews(store, ReviewRules(), lambda: clock[0])
    for n in range(WIZARDS):
        clock[0] = T0 + rng.uniform(0, 14 * DAY)
        reviews.after_run(f"bench.task-{n}", [f"q{i}" for i in range(QUESTIONS)], "glass")
    for day in range(15, 57):
        clock[0] = T0 + day * DAY
        for card in store.due(clock[0], limit=400):
            reviews.answered(card.key, rng.random() < 0.8)
    for n in rng.sample(range(WIZARDS), 20):
        store.mute(f"bench.task-{n}", clock[0])
    return clock[0]


def usage_year(db: Path, rng: random.Random) -> int:
    """A year of one person's runs of 200 wizards (about 20 a working day), each with two quiz
    answers, and review answers on most days. The events written."""
    conn = connect(db)
    conn.execute("ALTER TABLE events ADD COLUMN success INTEGER")  # as the quiz branch records answers
    person = person_id(conn)
    columns = [c[1] for c in conn.execute("PRAGMA table_info(events)")][1:-1]  # no seq, no success
    rows: list[tuple[object, ...]] = []

    def add(event: UsageEvent, success: bool | None = None) -> None:
        rows.append((*(getattr(event, c) for c in columns), success))

    for day in range(365):
        for n in range(20 if day % 7 < 5 else 0):
            at = T0 + day * DAY + 8 * 3600 + n * 1200
            run, wizard = f"r{day}-{n}", f"bench.task-{rng.randrange(200)}"
            mode = rng.choice(("glass", "glass", "condensed", "black"))
            seconds = rng.uniform(60, 300)
            add(UsageEvent("started", at, run=run, wizard=wizard, mode=mode, person=person))
            for q in ("q0", "q1"):
                add(UsageEvent("answered", at + 10, run=run, wizard=wizard, step=q),  # type: ignore[arg-type]
                    rng.random() < 0.7)
            add(UsageEvent("completed", at + seconds, run=run, wizard=wizard, mode=mode, duration=seconds))
        for k in range(5):
            wizard = f"bench.task-{rng.randrange(200)}"
            add(UsageEvent("answered", T0 + day * DAY + 7 * 3600 + k, wizard=wizard,  # type: ignore[arg-type]
                           step=f"q{k % 2}"), rng.random() < 0.8)
    marks = ", ".join("?" * (len(columns) + 1))
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO events ({', '.join(columns)}, success) VALUES ({marks})", rows)
    conn.execute("COMMIT")
    conn.close()
    return len(rows)


def report_figures(root: Path, rng: random.Random) -> None:
    db = root / "usage.sqlite3"
    count = usage_year(db, rng)
    report = build(db)
    whole = min(timed(lambda: build(db), 3))
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    started = conn.execute("SELECT run, wizard, title, mode, person, at FROM events WHERE kind = 'started' "
                           "ORDER BY at").fetchall()
    ended = {r[0]: r[1:] for r in conn.execute(
        "SELECT run, kind, at, duration, step FROM events WHERE kind = 'completed'")}
    sections = min(timed(lambda: learning_sections(conn, started, ended), 3))
    scan = min(timed(lambda: conn.execute("SELECT kind, count(*), avg(duration) FROM events GROUP BY kind"
                                          ).fetchall(), 3))
    conn.close()
    print(f"report over a year ({count:,} events, {len(started):,} runs, "
          f"{sum(q.answers for q in report.questions):,} answers): build {whole * 1e3:.0f} ms, of which "
          f"the learning sections {sections * 1e3:.0f} ms (median of 3); baseline: one GROUP BY scan of "
          f"the events {scan * 1e3:.0f} ms")


def main() -> None:
    rng = random.Random(16)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "learning.sqlite3"
        store = CardStore(path)
        start = time.perf_counter()
        now = fill(store, rng)
        fill_time = time.perf_counter() - start
        cards = store.cards()
        answered = sum(c.reps for c in cards)
        print(f"{len(cards):,} cards ({WIZARDS:,} wizards × {QUESTIONS}), {answered:,} answers over 8 weeks "
              f"simulated in {fill_time:.1f} s; file {path.stat().st_size / 1024:.0f} KiB")
        raw = sqlite3.connect(path)
        dues = [c.due for c in cards]
        next_due = timed(store.next_due)
        print(fmt("next due review (index on due)", next_due))
        print(fmt("baseline: SELECT 1, same file", timed(lambda: raw.execute("SELECT 1").fetchone())))
        print(fmt("baseline: min() over a list of the due times", timed(lambda: min(dues), 200)))
        print(fmt("baseline: the same query NOT INDEXED (full scan)", timed(lambda: raw.execute(
            "SELECT * FROM cards NOT INDEXED WHERE wizard NOT IN (SELECT wizard FROM muted) "
            "ORDER BY due LIMIT 1").fetchone(), 200)))
        print(fmt("the cards due now (a review of 5)", timed(lambda: store.due(now, 5))))
        reviews = Reviews(store, ReviewRules(), lambda: now)
        print(fmt("a nudge decision (next due, muted, state)", timed(lambda: reviews.decide(now - 3600))))
        keys = [CardKey(f"bench.task-{rng.randrange(WIZARDS)}", f"q{rng.randrange(QUESTIONS)}")
                for _ in range(500)]
        it = iter(keys)
        answering = timed(lambda: reviews.answered(next(it), True), len(keys))
        print(fmt("an answer recorded (FSRS + one transaction)", answering))
        verdict = "met" if next_due[1] <= 1e-3 else "NOT met"
        print(f"goal ≤ 1 ms for the next due review: {verdict} (99th percentile {next_due[1] * 1e3:.3f} ms)")
        raw.close()
        store.close()
        report_figures(Path(tmp), rng)


if __name__ == "__main__":
    main()
