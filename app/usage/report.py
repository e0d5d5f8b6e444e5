"""What `wayguide report` tells, built from the usage store: per wizard (runs, completion, durations,
where unfinished runs stop, glass vs black, time per step) and per person on this machine (runs until
competent). app.usage.formats writes it as a table, CSV, JSON or HTML (app.usage.charts)."""

from __future__ import annotations

import gettext
import json
import math
import sqlite3
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.usage.events import RUN_ENDS
from app.usage.learning import FadePeriod, QuestionStats, RetentionBucket, Settling, learning_sections
from app.usage.store import SCHEMA_VERSION, StoreError

if TYPE_CHECKING:
    from babel import Locale

__all__ = ["PersonStats", "Report", "RunPoint", "StepStats", "WizardStats", "build", "duration_text"]


@dataclass(frozen=True)
class StepStats:
    step: str
    title: str
    reached: int
    """Runs that showed this step."""
    stopped_here: int
    """Unfinished runs (exited, failed, abandoned) that ended on this step."""
    median_seconds: float | None
    """Median time on the step when it was done."""
    automated_share: float


@dataclass(frozen=True)
class RunPoint:
    at: float
    seconds: float
    outcome: str
    mode: str


@dataclass(frozen=True)
class WizardStats:
    wizard: str
    title: str
    runs: int
    completed: int
    completion_rate: float
    median_seconds: float | None
    p90_seconds: float | None
    outcomes: dict[str, int]
    stops: list[tuple[str, int]]
    """Where unfinished runs stopped: (step, runs), most first."""
    glass_share: float
    black_share: float
    steps: list[StepStats]
    runs_over_time: list[RunPoint] = field(default_factory=list)


@dataclass(frozen=True)
class PersonStats:
    person: str
    """Pseudonymous: the first characters of this machine's random id for the person."""
    wizard: str
    runs: int
    runs_to_competency: int | None
    """Runs until the first glass-box completion without help within the wizard's median time."""


@dataclass(frozen=True)
class MissStats:
    """A control a step names that was not found: the guide may no longer fit the application."""

    wizard: str
    version: str
    step: str
    control: str
    """Its locator as the author wrote it."""
    times: int
    runs: int
    glass: int
    """Of `times`, how many in glass box (the panel could not point at it); the rest stopped black box."""
    last_at: float


@dataclass(frozen=True)
class Report:
    generated_at: float
    wizards: list[WizardStats]
    people: list[PersonStats]
    searches: int
    help_opened: int
    missed: list[MissStats] = field(default_factory=list)
    """Controls not found, per wizard, version and step; most often first."""
    settling: list[Settling] = field(default_factory=list)
    """Per person and wizard: runs and days until the durations settled (app.usage.learning)."""
    fading: list[FadePeriod] = field(default_factory=list)
    """Per wizard and month: full guidance, the short version, black box."""
    questions: list[QuestionStats] = field(default_factory=list)
    """Quiz and review answers per question, the most missed first."""
    retention: list[RetentionBucket] = field(default_factory=list)
    """Review answers right, by the time since the question was last met."""


def build(db: Path, now: float | None = None, language: str | None = None) -> Report:
    """The report over the store at `db` (an empty report when there is none yet); titles in `language`
    ("nl", "de-AT") where the wizard has them in it, else as its author wrote them."""
    now = time.time() if now is None else now
    if not db.exists():
        return Report(now, [], [], 0, 0)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5.0)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(f"{db}: error: usage data written by a newer Wayguide (update Wayguide)")
        if version == 0:
            return Report(now, [], [], 0, 0)
        report = _build(conn, now)
        return _in_language(conn, report, language) if language and version >= 5 else report
    finally:
        conn.close()


def _in_language(conn: sqlite3.Connection, report: Report, language: str) -> Report:
    """`report` with the titles of wizards and steps in `language` (or its base language: "de" for "de-AT")
    where the events kept a translation into it (UsageEvent.translations), the latest one winning."""
    wanted = [language.replace("-", "_"), language.replace("-", "_").split("_")[0]]
    titles: dict[tuple[str, str | None], str] = {}
    for wizard, step, texts in conn.execute(
            "SELECT wizard, step, translations FROM events WHERE kind IN ('started', 'step-shown') "
            "AND translations IS NOT NULL ORDER BY seq"):
        title = _translated_title(texts, wanted)
        if title is not None:
            titles[(wizard, step)] = title
    if not titles:
        return report
    wizards = [replace(w, title=titles.get((w.wizard, None), w.title), steps=[
        replace(s, title=titles.get((w.wizard, s.step), s.title)) for s in w.steps]) for w in report.wizards]
    return replace(report, wizards=wizards)


def _translated_title(texts: str, wanted: Sequence[str]) -> str | None:
    try:
        found = json.loads(texts)
    except ValueError:  # a row no Wayguide wrote
        return None
    for language in wanted:
        entry = found.get(language) if isinstance(found, dict) else None
        title = entry.get("title") if isinstance(entry, dict) else None
        if isinstance(title, str) and title:
            return title
    return None


def _build(conn: sqlite3.Connection, now: float) -> Report:
    ends = ", ".join(f"'{k}'" for k in RUN_ENDS)
    started = conn.execute("SELECT run, wizard, title, mode, person, at FROM events "
                           "WHERE kind = 'started' ORDER BY at").fetchall()
    ended = {run: (kind, at, duration, step) for run, kind, at, duration, step in conn.execute(
        f"SELECT run, kind, at, duration, step FROM events WHERE kind IN ({ends}) ORDER BY seq")}
    helped = {r[0] for r in conn.execute("SELECT DISTINCT run FROM events WHERE kind = 'help'")}
    automated = {r[0] for r in conn.execute(
        "SELECT DISTINCT run FROM events WHERE kind = 'step-done' AND outcome = 'automated'")}
    shown: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    order: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    titles: dict[tuple[str, str], str] = {}
    for seq, run, wizard, step, index, title in conn.execute(
            "SELECT seq, run, wizard, step, step_index, title FROM events WHERE kind = 'step-shown'"):
        shown[wizard][step].add(run)
        key = (index if index is not None else 1 << 30, seq)
        if step not in order[wizard] or key < order[wizard][step]:
            order[wizard][step] = key
        if title:
            titles[(wizard, step)] = title
    done: dict[tuple[str, str], list[float]] = defaultdict(list)
    done_auto: Counter[tuple[str, str]] = Counter()
    for wizard, step, outcome, duration in conn.execute(
            "SELECT wizard, step, outcome, duration FROM events WHERE kind = 'step-done'"):
        done[(wizard, step)].append(duration or 0.0)
        if outcome == "automated":
            done_auto[(wizard, step)] += 1
    searches = conn.execute("SELECT count(*) FROM events WHERE kind = 'search'").fetchone()[0]

    by_wizard: dict[str, list[tuple[str, str, str, str, float]]] = defaultdict(list)
    wizard_titles: dict[str, str] = {}
    for run, wizard, title, mode, person, at in started:
        by_wizard[wizard].append((run, mode or "", person or "", title or "", at))
        if title:
            wizard_titles[wizard] = title
    wizards: list[WizardStats] = []
    people: list[PersonStats] = []
    for wizard in sorted(by_wizard):
        runs = by_wizard[wizard]
        outcomes: Counter[str] = Counter()
        durations: list[float] = []
        stops: Counter[str] = Counter()
        points: list[RunPoint] = []
        for run, mode, _person, _title, at in runs:
            end = ended.get(run)
            outcome = end[0] if end else "running"
            outcomes[outcome] += 1
            seconds = end[2] if end and end[2] is not None else None
            if outcome == "completed" and seconds is not None:
                durations.append(seconds)
            elif end is not None and end[3]:
                stops[end[3]] += 1
            if seconds is not None:
                points.append(RunPoint(at, seconds, outcome, mode))
        median = statistics.median(durations) if durations else None
        steps = []
        for step in sorted(order[wizard], key=lambda s: order[wizard][s]):
            times = done.get((wizard, step), [])
            steps.append(StepStats(
                step, titles.get((wizard, step), step), len(shown[wizard][step]), stops.get(step, 0),
                statistics.median(times) if times else None,
                done_auto[(wizard, step)] / len(times) if times else 0.0))
        glass = sum(1 for r in runs if r[1] == "glass")
        total = len(runs)
        wizards.append(WizardStats(
            wizard, wizard_titles.get(wizard, wizard), total, outcomes["completed"],
            outcomes["completed"] / total, median, _percentile(durations, 0.9), dict(outcomes),
            stops.most_common(), glass / total, (total - glass) / total, steps, points))
        people.extend(_competency(wizard, runs, ended, helped, automated, median))
    helps = conn.execute("SELECT count(*) FROM events WHERE kind = 'help'").fetchone()[0]
    learning = learning_sections(conn, started, ended)
    return Report(now, wizards, people, int(searches), int(helps), _missed(conn), learning.settling,
                  learning.fading, learning.questions, learning.retention)


def _missed(conn: sqlite3.Connection) -> list[MissStats]:
    if "control" not in {row[1] for row in conn.execute("PRAGMA table_info(events)")}:
        return []  # written before controls were recorded
    rows = conn.execute(
        "SELECT wizard, coalesce(version, ''), step, control, count(*), count(DISTINCT run), "
        "sum(mode = 'glass'), max(at) FROM events WHERE kind = 'control-missed' "
        "GROUP BY wizard, version, step, control ORDER BY count(*) DESC, wizard, step").fetchall()
    return [MissStats(str(w), str(v), str(s or ""), str(c or ""), int(n), int(r), int(g or 0), float(at))
            for w, v, s, c, n, r, g, at in rows]


def _competency(wizard: str, runs: Sequence[tuple[str, str, str, str, float]],
                ended: dict[str, tuple[str, float, float | None, str | None]], helped: set[str],
                automated: set[str], median: float | None) -> list[PersonStats]:
    per_person: dict[str, list[str]] = defaultdict(list)
    modes = {}
    for run, mode, person, _title, _at in runs:  # already in order of start
        per_person[person].append(run)
        modes[run] = mode
    out = []
    for person, person_runs in sorted(per_person.items()):
        reached = None
        for number, run in enumerate(person_runs, 1):
            end = ended.get(run)
            if (end is not None and end[0] == "completed" and modes[run] == "glass"
                    and run not in helped and run not in automated and median is not None
                    and end[2] is not None and end[2] <= median):
                reached = number
                break
        out.append(PersonStats(person[:8] or "unknown", wizard, len(person_runs), reached))
    return out


def _percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


_ENGLISH = gettext.NullTranslations()


def _number_locale(t: gettext.NullTranslations) -> Locale:
    """Babel's locale for the catalogue's language (English where Babel does not know it)."""
    from babel import Locale, UnknownLocaleError

    from app.i18n import language

    try:
        return Locale.parse(language(t).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale("en")


def decimal_text(value: float, t: gettext.NullTranslations = _ENGLISH) -> str:
    """One decimal, as the catalogue's language writes it: "12.5" in English, "12,5" in Dutch and German."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, format="0.0", locale=_number_locale(t)))


def percent_text(value: float, t: gettext.NullTranslations = _ENGLISH) -> str:
    """A share as the catalogue's language writes it: "57%" in English, "57 %" in German."""
    from babel.numbers import format_percent

    return str(format_percent(value, locale=_number_locale(t)))


def duration_text(value: float | None, t: gettext.NullTranslations = _ENGLISH) -> str:
    """A duration for people: "12.5 s", "1 min 23 s" (translated through `t`)."""
    if value is None:
        return "–"
    if value < 60:
        return t.gettext("%(seconds)s s") % {"seconds": decimal_text(value, t)}
    minutes, seconds = divmod(round(value), 60)
    return t.gettext("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": seconds}
