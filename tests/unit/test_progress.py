"""A person's progress per wizard: read from the store in one query, kept up to date from the runs of this
session, and what counts as a run done without help."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine import Back, Next, ShowMe, Start
from app.usage import Recorder, UsageConfig, UsageEvent
from app.usage.progress import DAY, Progress, ProgressBook, read_progress
from app.usage.store import DB_NAME, Store, connect
from tests.unit.test_usage import THREE_STEPS, Driven, wizard

NOW = 1_780_000_000.0


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / DB_NAME


def _completed(wizard_id: str, at: float, seconds: float = 60.0, mode: str = "glass",
               outcome: str | None = "unaided") -> UsageEvent:
    return UsageEvent("completed", at, run=f"r{at}", wizard=wizard_id, mode=mode, duration=seconds,
                      outcome=outcome)


def _store(db: Path, events: list[UsageEvent], book: ProgressBook | None = None) -> Store:
    store = Store(db, clock=lambda: NOW, retention_days=10_000, progress=book)
    for event in events:
        store.put(event)
    assert store.flush()
    return store


def test_progress_counts_runs_unaided_glass_runs_the_last_one_and_the_trend(db: Path) -> None:
    slow = [_completed("a", NOW - (40 - i) * DAY, seconds=100.0) for i in range(5)]
    fast = [_completed("a", NOW - (3 - i) * DAY, seconds=60.0) for i in range(3)]
    others = [_completed("a", NOW - 50 * DAY, mode="black", outcome=None),
              _completed("a", NOW - 45 * DAY, outcome="aided"),
              UsageEvent("exited", NOW - DAY, run="x", wizard="a", mode="glass", duration=5.0)]
    _store(db, [*others, *slow, *fast]).close()
    with connect(db) as conn:
        progress = read_progress(conn, NOW)
    a = progress["a"]
    assert (a.done, a.unaided, a.last) == (10, 8, NOW - DAY)
    assert a.recent_mean == 60.0 and a.earlier_mean == 100.0 and a.trend() == "faster"
    assert set(progress) == {"a"}  # an exited run is not progress


def test_recent_and_frequent_tasks_weigh_more_than_old_ones(db: Path) -> None:
    old_often = [_completed("old", NOW - 200 * DAY + i) for i in range(6)]
    recent = [_completed("recent", NOW - DAY)]
    _store(db, [*old_often, *recent]).close()
    with connect(db) as conn:
        progress = read_progress(conn, NOW)
    assert progress["recent"].weight > progress["old"].weight > 0
    assert progress["recent"].trend() == ""  # one run: nothing to compare


def test_the_trend_is_steady_within_the_margin_and_slower_beyond_it() -> None:
    assert Progress(8, 8, NOW, 1.0, recent_mean=105.0, earlier_mean=100.0).trend() == "steady"
    assert Progress(8, 8, NOW, 1.0, recent_mean=130.0, earlier_mean=100.0).trend() == "slower"


def test_runs_of_this_session_add_to_what_was_read_and_none_counts_twice(db: Path) -> None:
    _store(db, [_completed("a", NOW - DAY)]).close()
    book = ProgressBook()
    store = _store(db, [], book)
    event = _completed("a", NOW)  # put at once: the writer reads progress before it writes this
    store.put(event)
    book.note(event)
    book.note(UsageEvent("started", NOW, run="s", wizard="a", mode="glass"))
    assert store.flush()
    store.close()
    assert book.all()["a"].done == 2 and book.all()["a"].last == NOW
    again = ProgressBook()
    _store(db, [], again).close()
    assert again.all()["a"].done == 2


def test_nothing_is_kept_as_progress_while_usage_data_is_off(db: Path) -> None:
    recorder = Recorder(clock=lambda: NOW)
    recorder.open(db, UsageConfig(enabled=False))
    run = Driven(recorder, wizard())
    run.send(Start(mode="glass", values={"customer": "C"}, at=NOW))
    for step in range(3):
        run.send(Next(at=NOW + step + 1))
    assert dict(recorder.progress.all()) == {} and not db.exists()


@pytest.mark.parametrize("helped", ["none", "why", "back", "show me"])
def test_a_glass_run_is_unaided_only_without_why_back_or_show_me(db: Path, helped: str) -> None:
    recorder = Recorder(clock=lambda: NOW)
    recorder.open(db, UsageConfig())
    try:
        run = Driven(recorder, wizard(THREE_STEPS))
        run.send(Start(mode="glass", values={"customer": "C"}, at=NOW))
        if helped == "why":
            recorder.help_opened(run, "open")
        run.send(Next(at=NOW + 1))
        if helped == "back":
            run.send(Back(at=NOW + 2))
            run.send(Next(at=NOW + 3))
        if helped == "show me":
            run.send(ShowMe(at=NOW + 4))  # the step that types: Wayguide shows how
            from app.engine import ActionsDone

            run.send(ActionsDone(step_id="write", at=NOW + 5))
        else:
            run.send(Next(at=NOW + 5))
        run.send(Next(at=NOW + 6))
        assert run.state.status == "finished"
        [progress] = recorder.progress.all().values()
        assert (progress.done, progress.unaided) == (1, 1 if helped == "none" else 0)
    finally:
        recorder.close()
