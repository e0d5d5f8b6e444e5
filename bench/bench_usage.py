"""Usage benchmark: record 100,000 events, the longest the calling (GUI) thread is held, and the
time to build the report over them.

Run: .venv/bin/python bench/bench_usage.py
Baseline, measured in the same run: a bare `sqlite3` executemany of the same rows into the same
schema, in one transaction (no queue, no thread, nothing else). Goals: ≤ 50 µs per event
amortised, the caller never held more than 5 ms, the report in under 1 s.
"""

from __future__ import annotations

import gc
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.engine import Abort, Aborted, Effect, Engine, Event, Finished, Next, RunState, ShowStep, Start
from app.format.model import Wizard
from app.usage import LrsConfig, Recorder, UsageConfig
from app.usage.formats import html, table
from app.usage.report import build
from app.usage.store import DB_NAME, INSERT_EVENT, MIGRATIONS

EVENTS = 100_000
PACED = 5_000
"""Events recorded at a (still very brisk) human pace: a transition every 2 ms."""
WIZARDS = [Wizard.model_validate(yaml.safe_load(f"""
wayguide: 1
id: bench.task-{n}
title: Benchmark task {n}
modes: [glass, black]
steps:
  - {{id: open, title: Open the form, why: It keeps the record.}}
  - {{id: fill, title: Fill it in}}
  - {{id: check, title: Check the totals}}
  - {{id: send, title: Send it}}
""")) for n in range(8)]


class _Run:
    """Stands for the composition root's run object (the recorder holds it weakly)."""


def transitions(wizard: Wizard, rng: random.Random, t0: float) -> list[tuple[RunState, RunState,
                                                                              list[Effect]]]:
    """One run's engine transitions, as the composition root would see them."""
    engine = Engine(wizard)
    state = engine.initial()
    out = []
    events: list[Event] = [Start(mode=rng.choice(("glass", "glass", "black")), at=t0)]
    at = t0
    stop = rng.random() < 0.2
    for _ in range(rng.randint(2, 4) if stop else 4):
        at += rng.uniform(2, 40)
        events.append(Next(at=at))
    if stop:
        events.append(Abort(reason="Stopped by you", at=at + 1))
    for event in events:
        old = state
        state, effects = engine.handle(old, event)
        out.append((old, state, effects))
    return out


def expected(steps: list[tuple[RunState, RunState, list[Effect]]]) -> int:
    """How many events the recorder makes of these transitions (started, shown, done, end, help)."""
    count = 2
    for old, new, effects in steps:
        count += sum(isinstance(e, ShowStep | Finished | Aborted) for e in effects)
        count += max(0, len(new.history) - len(old.history))
    return count


def record(db: Path, lrs: LrsConfig | None, pace: float = 0.0) -> tuple[float, float, list[float], int]:
    """(seconds until all written, of which on the calling thread, per-call times, events)."""
    rng = random.Random(7)
    recorder = Recorder()
    recorder.open(db, UsageConfig(lrs=lrs), post=lambda *a: (503, {}, b""))
    assert recorder.store is not None and recorder.store.wait_ready()
    if recorder.sender is not None:
        recorder.sender.stop()  # the sender is not measured here: the LRS is elsewhere
    t0 = time.time() - 90 * 86400
    runs = []
    made = 0
    while made < (EVENTS if not pace else PACED):  # engine work first: only the recorder is timed
        wizard = rng.choice(WIZARDS)
        steps = transitions(wizard, rng, t0)
        runs.append((wizard, steps))
        made += expected(steps)
        t0 += rng.uniform(60, 3600)
    gc.collect()
    gc.freeze()  # the benchmark's own ~100,000 prepared states are not the app's garbage to scan
    calls: list[float] = []
    start = time.perf_counter()
    for wizard, steps in runs:
        key = _Run()
        before = time.perf_counter()
        recorder.begin(key, wizard, "panel")
        calls.append(time.perf_counter() - before)
        for i, (old, new, effects) in enumerate(steps):
            before = time.perf_counter()
            recorder.observe(key, old, new, effects)
            if i == 0:
                recorder.help_opened(key, "open")
            calls.append(time.perf_counter() - before)
            if pace:
                time.sleep(pace)
    caller = time.perf_counter() - start
    assert recorder.store.flush(120)
    total = time.perf_counter() - start
    recorder.close()
    gc.unfreeze()
    conn = sqlite3.connect(db)
    count = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    conn.close()
    return total, caller, calls, int(count)


def held(calls: list[float]) -> str:
    calls = sorted(calls)
    over = sum(c > 0.005 for c in calls)
    tail = calls[int(len(calls) * 0.999)]
    return (f"median {statistics.median(calls) * 1e6:.1f} µs, 99.9th {tail * 1e3:.2f} ms, "
            f"max {calls[-1] * 1e3:.2f} ms, {over} of {len(calls):,} calls over 5 ms")


def idle_calls(count: int) -> list[float]:
    """The machine's own noise (scheduling, other processes) on the same kind of loop."""
    def nothing(*_: object) -> None:
        return None

    calls = []
    for _ in range(count):
        before = time.perf_counter()
        nothing(1, 2, 3)
        calls.append(time.perf_counter() - before)
    return calls


def baseline(source: Path, target: Path) -> float:
    conn = sqlite3.connect(source)
    rows = conn.execute("SELECT * FROM events ORDER BY seq").fetchall()
    conn.close()
    rows = [r[1:] for r in rows]  # without seq
    out = sqlite3.connect(target, isolation_level=None)
    out.execute("PRAGMA journal_mode=WAL")
    out.execute("PRAGMA synchronous=NORMAL")
    for script in MIGRATIONS:
        out.executescript(script)
    start = time.perf_counter()
    out.execute("BEGIN")
    out.executemany(INSERT_EVENT, rows)
    out.execute("COMMIT")
    seconds = time.perf_counter() - start
    out.close()
    return seconds / len(rows)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"recording ~{EVENTS:,} events (real engine transitions, 8 wizards, ~20 % stopped runs)")
        lrs = LrsConfig("http://127.0.0.1:9/xAPI/", "u", "p")
        for label, config, name in (("store only", None, "a"), ("store + xAPI outbox", lrs, "b")):
            db = root / name / DB_NAME
            total, caller, calls, count = record(db, config)
            calls.sort()
            print(f"  {label:<20} {total / count * 1e6:6.1f} µs/event amortised ({count:,} events in "
                  f"{total:.2f} s; caller {caller / count * 1e6:.1f} µs/event), calling thread held: "
                  f"{held(calls)}")
        _, _, paced, count = record(root / "c" / DB_NAME, lrs, pace=0.002)
        print(f"  {'paced, with outbox':<20} {count:,} events, a transition every 2 ms: calling thread "
              f"held: {held(paced)}")
        noise = idle_calls(len(calls))
        print(f"  {'baseline (held)':<20} the same loop calling a function that does nothing, no writer "
              f"thread: {held(noise)}")
        per_row = baseline(root / "a" / DB_NAME, root / "baseline.sqlite3")
        print(f"  {'baseline':<20} {per_row * 1e6:6.1f} µs/event: bare sqlite3 executemany of the same "
              "rows, one transaction")
        db = root / "b" / DB_NAME
        times = []
        for _ in range(3):
            start = time.perf_counter()
            report = build(db)
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        page = html(report)
        page_time = time.perf_counter() - start
        runs = sum(w.runs for w in report.wizards)
        conn = sqlite3.connect(db)
        scan = time.perf_counter()
        conn.execute("SELECT kind, count(*), avg(duration) FROM events GROUP BY kind").fetchall()
        scan = time.perf_counter() - scan
        conn.close()
        print(f"report over {runs:,} runs: build {min(times) * 1e3:.0f} ms (best of 3), HTML "
              f"{page_time * 1e3:.0f} ms ({len(page) / 1024:.0f} KiB); baseline: one GROUP BY scan of "
              f"the events {scan * 1e3:.0f} ms")
        print(table(report).splitlines()[1])


if __name__ == "__main__":
    main()
