"""A person's own progress per wizard, on this computer only: how often they did it, how often in glass
box without help, when last, and whether they are getting faster. Read from the usage store with one
grouped query at start, then kept up to date from the runs that end in this session.

Nothing here leaves the computer: it feeds the panel's quiet "done 5×, last 3 weeks ago" and the order of
the task list (frequent and recent tasks rise)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from app.usage.events import UsageEvent

__all__ = ["RECENT_WEIGHTS", "Progress", "ProgressBook", "read_progress"]

DAY = 86_400.0
RECENT_WEIGHTS: tuple[tuple[float, float], ...] = ((7 * DAY, 4.0), (30 * DAY, 2.0), (91 * DAY, 1.0))
"""How much a completion counts towards the order of the list, by its age (older ones count 0.25)."""
OLD_WEIGHT = 0.25
RECENT_RUNS = 3
"""The trend compares the mean of the last RECENT_RUNS durations with the mean of the EARLIER_RUNS before."""
EARLIER_RUNS = 5
TREND_MARGIN = 0.15
"""A change of duration smaller than this share of the earlier mean is "steady"."""


@dataclass(frozen=True)
class Progress:
    done: int
    """Runs completed."""
    unaided: int
    """Runs completed in glass box without "Why?", Back or "Show me"."""
    last: float
    """When the last run was completed (seconds since the epoch)."""
    weight: float
    """Completions weighted by how recent they are: the order of the task list."""
    recent_mean: float | None = None
    """Mean duration of the last RECENT_RUNS completed runs (seconds)."""
    earlier_mean: float | None = None
    """Mean duration of the EARLIER_RUNS runs before those."""
    steps: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """By step id: how often the person finished the step, and how often they opened its "Why?"."""

    def trend(self) -> str:
        """"faster", "slower" or "steady" against the earlier runs; "" until there are runs to compare."""
        if self.recent_mean is None or not self.earlier_mean:
            return ""
        change = (self.recent_mean - self.earlier_mean) / self.earlier_mean
        if change <= -TREND_MARGIN:
            return "faster"
        return "slower" if change >= TREND_MARGIN else "steady"

    def with_step(self, event: UsageEvent) -> Progress:
        """This progress after a step done by the person, or a "Why?" opened on it."""
        if event.step is None:
            return self
        done, helped = self.steps.get(event.step, (0, 0))
        if event.kind == "help":
            helped += 1
        elif event.outcome in ("person", "detected"):
            done += 1
        return replace(self, steps={**self.steps, event.step: (done, helped)})

    def with_run(self, at: float, unaided: bool) -> Progress:
        """This progress after one more completed run (its duration joins the trend at the next read)."""
        return replace(self, done=self.done + 1, unaided=self.unaided + int(unaided), last=max(self.last, at),
                       weight=self.weight + RECENT_WEIGHTS[0][1])


_QUERY = f"""
WITH done AS (
    SELECT wizard, at, duration, mode, outcome,
           ROW_NUMBER() OVER (PARTITION BY wizard ORDER BY at DESC) AS nth
    FROM events WHERE kind = 'completed' AND wizard IS NOT NULL
)
SELECT wizard, COUNT(*), SUM(mode = 'glass' AND outcome = 'unaided'), MAX(at),
       SUM(CASE WHEN at >= :week THEN {RECENT_WEIGHTS[0][1]} WHEN at >= :month THEN {RECENT_WEIGHTS[1][1]}
                WHEN at >= :quarter THEN {RECENT_WEIGHTS[2][1]} ELSE {OLD_WEIGHT} END),
       AVG(CASE WHEN nth <= {RECENT_RUNS} THEN duration END),
       AVG(CASE WHEN nth > {RECENT_RUNS} AND nth <= {RECENT_RUNS + EARLIER_RUNS} THEN duration END)
FROM done GROUP BY wizard
"""
_STEPS = """
SELECT wizard, step, SUM(kind = 'step-done' AND outcome IN ('person', 'detected')), SUM(kind = 'help')
FROM events WHERE kind IN ('step-done', 'help') AND wizard IS NOT NULL AND step IS NOT NULL
GROUP BY wizard, step
"""


def read_progress(conn: sqlite3.Connection, now: float) -> dict[str, Progress]:
    """Every wizard's progress in the store, by wizard id: one grouped query over the completed runs."""
    ages = {name: now - age for name, (age, _) in zip(("week", "month", "quarter"), RECENT_WEIGHTS,
                                                         strict=True)}
    steps: dict[str, dict[str, tuple[int, int]]] = {}
    for wizard, step, done, helped in conn.execute(_STEPS):
        steps.setdefault(str(wizard), {})[str(step)] = (int(done or 0), int(helped or 0))
    return {str(wizard): Progress(int(done), int(unaided or 0), float(last), float(weight), recent, earlier,
                                  steps.get(str(wizard), {}))
            for wizard, done, unaided, last, weight, recent, earlier in conn.execute(_QUERY, ages)}


class ProgressBook:
    """The progress the panel shows: what the store held at start (`load`, on the store's thread) plus the
    runs completed since (`note`, on the GUI thread). Safe to read from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[str, Progress] = {}
        self._noted: list[UsageEvent] = []
        self._merged: dict[str, Progress] | None = {}

    def load(self, conn: sqlite3.Connection, now: float) -> None:
        read = read_progress(conn, now)
        with self._lock:
            self._loaded, self._merged = read, None

    def note(self, event: UsageEvent) -> None:
        """A usage event as it is recorded: a completed run, a step done, a "Why?" opened count (its row is
        not in what was loaded, which was read before the writer took any event of this session)."""
        if event.kind not in ("completed", "step-done", "help") or event.wizard is None:
            return
        with self._lock:
            self._noted.append(event)
            self._merged = None

    def all(self) -> Mapping[str, Progress]:
        with self._lock:
            if self._merged is None:
                merged = dict(self._loaded)
                for event in self._noted:
                    assert event.wizard is not None
                    before = merged.get(event.wizard) or Progress(0, 0, 0.0, 0.0)
                    merged[event.wizard] = before.with_run(
                        event.at, event.mode == "glass" and event.outcome == "unaided") \
                        if event.kind == "completed" else before.with_step(event)
                self._merged = merged
            return self._merged
