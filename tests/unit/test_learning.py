"""Spaced review and nudges (app.learning) with a fake clock: the schedule over weeks of simulated
use, the card file, and the rules for when Wayguide may nudge."""

from __future__ import annotations

import itertools
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.learning import CardKey, CardStore, CardStoreError, ContextNudge, Moment, ReviewRules, Reviews
from app.learning.cards import SCHEMA_VERSION
from app.learning.nudge import (
    HOUR,
    QUIET_AFTER_LOGIN,
    WEEK,
    ReviewNudgeState,
    context_badge,
    next_day,
    parse_every,
    review_nudge,
    shown,
    snooze,
    wake_at,
)
from app.learning.schedule import DAY, FIRST_REVIEW_AFTER, MAX_INTERVAL_DAYS, ReviewCard, answer, new_card

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp()  # a Monday, 09:00 UTC
KEY = CardKey("gnumeric.expense-report", "cost-centre")


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> CardStore:
    s = CardStore(tmp_path / "learning.sqlite3")
    yield s  # type: ignore[misc]
    s.close()


# ------------------------------------------------------------------ the schedule


def test_intervals_grow_while_the_answers_are_right() -> None:
    card = new_card(KEY, T0)
    assert card.due == T0 + FIRST_REVIEW_AFTER
    intervals = []
    for _ in range(6):
        card = answer(card, True, card.due)
        intervals.append(card.interval)
    growing = [i for i in intervals if i < MAX_INTERVAL_DAYS * DAY]
    assert all(b > a for a, b in itertools.pairwise(growing)) and len(growing) >= 4, intervals
    assert intervals[0] >= DAY and intervals[-1] == MAX_INTERVAL_DAYS * DAY
    assert card.reps == 6 and card.lapses == 0


def test_a_wrong_answer_shortens_the_interval_and_right_ones_grow_it_again() -> None:
    card = new_card(KEY, T0)
    for _ in range(4):
        card = answer(card, True, card.due)
    before = card.interval
    card = answer(card, False, card.due)
    assert card.interval < before / 4 and card.lapses == 1
    after_lapse = card.interval
    card = answer(card, True, card.due)
    assert card.interval > after_lapse


def test_every_interval_is_whole_days_between_a_day_and_a_year() -> None:
    card = new_card(KEY, T0)
    for right in [False, False, True] + [True] * 12:
        card = answer(card, right, card.due)
        days = card.interval / DAY
        assert days == round(days) and 1 <= days <= MAX_INTERVAL_DAYS


def test_the_same_answers_give_the_same_schedule() -> None:
    def run() -> list[float]:
        card, dues = new_card(KEY, T0), []
        for right in (True, True, False, True, True):
            card = answer(card, right, card.due + 3 * HOUR)
            dues.append(card.due)
        return dues

    assert run() == run()


def test_a_late_answer_still_counts_from_when_it_was_given() -> None:
    card = answer(new_card(KEY, T0), True, T0 + DAY)
    late = answer(card, True, card.due + 20 * DAY)
    assert late.last_review == card.due + 20 * DAY and late.due > late.last_review


# ------------------------------------------------------------------ the card file


def test_a_glass_box_run_schedules_the_review_questions_for_the_next_day(store: CardStore) -> None:
    clock = Clock()
    reviews = Reviews(store, clock=clock)
    cards = reviews.after_run(KEY.wizard, ["cost-centre", "receipt", "cost-centre"], "glass")
    assert [c.key.question for c in cards] == ["cost-centre", "receipt"]
    assert {c.due for c in cards} == {T0 + DAY}
    assert reviews.due() == []
    clock.now = T0 + DAY
    assert [c.key.question for c in reviews.due()] == ["cost-centre", "receipt"]


def test_black_box_unfinished_runs_and_reviews_off_schedule_nothing(store: CardStore) -> None:
    reviews = Reviews(store, clock=Clock())
    assert reviews.after_run(KEY.wizard, ["q"], "black") == []
    assert reviews.after_run(KEY.wizard, ["q"], "glass", completed=False) == []
    assert Reviews(store, ReviewRules(enabled=False), Clock()).after_run(KEY.wizard, ["q"], "glass") == []
    assert store.cards() == []
    assert reviews.after_run(KEY.wizard, ["q"], "condensed") != []


def test_another_run_keeps_the_schedule_and_drops_questions_the_wizard_lost(store: CardStore) -> None:
    clock = Clock()
    reviews = Reviews(store, clock=clock)
    reviews.after_run(KEY.wizard, ["a", "b"], "glass")
    clock.now = T0 + DAY
    answered = reviews.answered(CardKey(KEY.wizard, "a"), True)
    assert answered is not None
    clock.now = T0 + 2 * DAY
    cards = reviews.after_run(KEY.wizard, ["a", "c"], "glass")
    assert [(c.key.question, c.due) for c in cards] == [("a", answered.due), ("c", T0 + 3 * DAY)]
    assert {c.key.question for c in store.cards(KEY.wizard)} == {"a", "c"}


def test_answers_are_kept_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "learning.sqlite3"
    first = CardStore(path)
    Reviews(first, clock=Clock()).after_run(KEY.wizard, [KEY.question], "glass")
    card = first.answer(KEY, True, T0 + DAY)
    first.mute("other", T0)
    first.close()
    again = CardStore(path)
    assert again.card(KEY) == card and again.muted() == {"other"}
    assert again.answer(CardKey("gone", "q"), True, T0) is None
    again.close()


def test_weeks_of_use_with_a_fake_clock(store: CardStore) -> None:
    """Eight weeks: two wizards, reviewed whenever due (once a day at most); one question is always
    missed. Its card comes back daily, the others less and less often."""
    clock = Clock()
    reviews = Reviews(store, clock=clock)
    reviews.after_run("w.one", ["easy", "hard"], "glass")
    reviews.after_run("w.two", ["x"], "glass")
    asked: dict[str, list[float]] = {"easy": [], "hard": [], "x": []}
    for day in range(1, 57):
        clock.now = T0 + day * DAY + 2 * HOUR
        for card in reviews.due(limit=10):
            asked[card.key.question].append(clock.now)
            reviews.answered(card.key, card.key.question != "hard")
    gaps = {q: [b - a for a, b in itertools.pairwise(t)] for q, t in asked.items()}
    assert len(asked["hard"]) == 56 and set(gaps["hard"]) == {DAY}
    assert len(asked["easy"]) <= 5 and gaps["easy"] == sorted(gaps["easy"]) and gaps["easy"][-1] >= 10 * DAY
    assert asked["easy"] == asked["x"]


def test_the_next_due_card_skips_muted_wizards(store: CardStore) -> None:
    store.schedule_after_run("a", ["q"], T0)
    store.schedule_after_run("b", ["q"], T0 + HOUR)
    assert store.next_due() is not None and store.next_due().key.wizard == "a"  # type: ignore[union-attr]
    store.mute("a", T0)
    assert store.next_due().key.wizard == "b"  # type: ignore[union-attr]
    assert [c.key.wizard for c in store.due(T0 + 2 * DAY)] == ["b"]
    store.unmute("a")
    assert [c.key.wizard for c in store.due(T0 + 2 * DAY)] == ["a", "b"]
    assert store.forget(["a", "b"]) == 2 and store.next_due() is None


def test_the_next_due_card_is_found_through_the_index(store: CardStore, tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "learning.sqlite3")
    plan = " ".join(str(r) for r in conn.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM cards INDEXED BY cards_due WHERE wizard NOT IN "
        "(SELECT wizard FROM muted) ORDER BY due LIMIT 1"))
    conn.close()
    assert "cards_due" in plan and "TEMP B-TREE" not in plan


def test_a_file_from_a_newer_wayguide_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "learning.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(CardStoreError, match=r"learning.sqlite3: error: .*newer Wayguide .*\(update Wa"):
        CardStore(path)


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "learning.sqlite3"
    path.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(CardStoreError, match=r"learning.sqlite3: error: review cards cannot be read"):
        CardStore(path)


# ------------------------------------------------------------------ review nudges


def _due_card() -> ReviewCard:
    return new_card(KEY, T0 - 2 * DAY)


SESSION = T0 - 2 * HOUR
RULES = ReviewRules(tz=UTC)


def test_a_due_review_nudges_at_a_good_moment() -> None:
    nudge = review_nudge(RULES, Moment(T0, SESSION), ReviewNudgeState(), _due_card())
    assert nudge.show and nudge.why == "due" and nudge.card is not None


@pytest.mark.parametrize(("moment", "why", "retry"), [
    (Moment(T0, SESSION, running=True), "running", None),
    (Moment(T0, SESSION, fullscreen=True), "fullscreen", None),
    (Moment(T0, T0 - 60), "after-login", T0 - 60 + QUIET_AFTER_LOGIN),
])
def test_never_during_a_run_a_full_screen_window_or_just_after_login(moment: Moment, why: str,
                                                                      retry: float | None) -> None:
    nudge = review_nudge(RULES, moment, ReviewNudgeState(), _due_card())
    assert (nudge.show, nudge.why, nudge.retry_at) == (False, why, retry)


def test_a_card_not_yet_due_says_when() -> None:
    card = new_card(KEY, T0)
    nudge = review_nudge(RULES, Moment(T0, SESSION), ReviewNudgeState(), card)
    assert (nudge.show, nudge.why, nudge.retry_at) == (False, "not-yet", T0 + DAY)
    assert review_nudge(RULES, Moment(T0 + DAY, SESSION), ReviewNudgeState(), card).show


def test_at_most_one_a_day_counted_in_calendar_days() -> None:
    card = _due_card()
    state = shown(ReviewNudgeState(), T0)
    later = review_nudge(RULES, Moment(T0 + 10 * HOUR, SESSION), state, card)
    midnight = datetime(2026, 3, 3, tzinfo=UTC).timestamp()
    assert (later.show, later.why, later.retry_at) == (False, "shown-today", midnight)
    assert review_nudge(RULES, Moment(midnight + 9 * HOUR, midnight + 8 * HOUR), state, card).show


def test_snooze_for_an_hour_or_until_tomorrow() -> None:
    card = _due_card()
    hour = snooze(ReviewNudgeState(), T0, "hour")
    assert review_nudge(RULES, Moment(T0 + HOUR - 1, SESSION), hour, card).why == "snoozed"
    assert review_nudge(RULES, Moment(T0 + HOUR, SESSION), hour, card).show
    tomorrow = snooze(ReviewNudgeState(), T0, "tomorrow", UTC)
    assert tomorrow.snoozed_until == next_day(T0, UTC) == datetime(2026, 3, 3, tzinfo=UTC).timestamp()
    late = review_nudge(RULES, Moment(T0 + 12 * HOUR, SESSION), tomorrow, card)
    assert (late.why, late.retry_at) == ("snoozed", tomorrow.snoozed_until)


def test_not_this_one_and_the_policy_switch() -> None:
    card = _due_card()
    muted = review_nudge(RULES, Moment(T0, SESSION), ReviewNudgeState(), card, frozenset({KEY.wizard}))
    assert (muted.show, muted.why) == (False, "muted")
    off = review_nudge(ReviewRules(enabled=False), Moment(T0, SESSION), ReviewNudgeState(), card)
    assert (off.show, off.why, off.retry_at) == (False, "off", None)
    assert review_nudge(RULES, Moment(T0, SESSION), ReviewNudgeState(), None).why == "nothing"


def test_the_reviews_object_over_a_fortnight(store: CardStore) -> None:
    """Nudged once a day at most, snoozed, refused for one wizard, and a single timer each time."""
    clock = Clock()
    reviews = Reviews(store, RULES, clock)
    reviews.after_run("w.one", ["q"], "glass")
    reviews.after_run("w.two", ["q"], "glass")
    session = T0
    assert reviews.decide(session).why == "not-yet"
    assert reviews.wake_at(session) == T0 + DAY
    clock.now = T0 + DAY
    assert reviews.decide(session, running=True).why == "running"
    nudge = reviews.decide(session)
    assert nudge.show and nudge.card is not None
    reviews.shown()
    assert reviews.decide(session).why == "shown-today"
    reviews.snooze("hour")  # from the notification: the hour ends before the day does
    assert reviews.wake_at(session) == next_day(clock.now, UTC)
    reviews.not_this_one("w.one")
    clock.now = next_day(clock.now, UTC) + 8 * HOUR
    session = clock.now - HOUR
    nudge = reviews.decide(session)
    assert nudge.show and nudge.card is not None and nudge.card.key.wizard == "w.two"
    reviews.answered(nudge.card.key, True)
    reviews.shown()
    assert reviews.decide(session).why == "not-yet"  # w.two's next review is days away
    assert [c.key.wizard for c in reviews.due()] == []
    reviews.again("w.one")
    assert [c.key.wizard for c in reviews.due()] == ["w.one"]
    assert Reviews(store, ReviewRules(enabled=False, tz=UTC), clock).decide(session).why == "off"


# ------------------------------------------------------------------ nudges in context


def test_a_context_nudge_shows_when_its_application_is_in_front_and_the_task_is_not_done() -> None:
    nudge = ContextNudge("w")
    assert context_badge(nudge, T0, True, None, None).show
    assert context_badge(nudge, T0, False, None, None).why == "not-in-front"
    assert context_badge(nudge, T0, True, None, None, running=True).why == "running"
    assert context_badge(nudge, T0, True, None, None, muted=frozenset({"w"})).why == "muted"


def test_a_context_nudge_waits_for_its_interval_after_the_task_or_the_last_showing() -> None:
    nudge = ContextNudge("w", every=parse_every("7d"))
    done = context_badge(nudge, T0, True, T0 - DAY, None)
    assert (done.show, done.why, done.retry_at) == (False, "done-recently", T0 + 6 * DAY)
    seen = context_badge(nudge, T0, True, T0 - 30 * DAY, T0 - 2 * DAY)
    assert (seen.show, seen.why, seen.retry_at) == (False, "shown-recently", T0 + 5 * DAY)
    assert context_badge(nudge, T0 + 5 * DAY, True, T0 - 30 * DAY, T0 - 2 * DAY).show
    assert wake_at([done, seen, context_badge(nudge, T0, False, None, None)]) == T0 + 5 * DAY
    assert wake_at([]) is None


def test_nudge_intervals_as_authors_write_them() -> None:
    assert parse_every("7d") == WEEK and parse_every("2w") == 2 * WEEK and parse_every("90m") == 90 * 60
    assert parse_every(" 12h ") == 12 * HOUR
    for bad, reason in (("7", "not an interval"), ("soon", "not an interval"),
                        ("10m", "shorter than an hour"), ("0.5h", "shorter than an hour")):
        with pytest.raises(ValueError, match=reason):
            parse_every(bad)


def test_a_wizard_that_lost_its_review_questions_loses_its_cards(store: CardStore) -> None:
    reviews = Reviews(store, clock=Clock())
    reviews.after_run(KEY.wizard, ["a", "b"], "glass")
    assert reviews.after_run(KEY.wizard, [], "glass") == [] and store.cards() == []


def test_a_card_file_that_fails_is_one_line_once_and_no_nudge(tmp_path: Path) -> None:
    store = CardStore(tmp_path / "learning.sqlite3")
    said: list[str] = []
    reviews = Reviews(store, RULES, Clock(), on_error=said.append)
    reviews.after_run(KEY.wizard, ["q"], "glass")
    store.close()  # as if the file went away under it
    assert reviews.after_run(KEY.wizard, ["q"], "glass") == [] and reviews.answered(KEY, True) is None
    reviews.shown()
    reviews.not_this_one(KEY.wizard)
    nudge = reviews.decide(T0 - HOUR)
    assert (nudge.show, nudge.why, reviews.due()) == (False, "nothing", [])
    assert len(said) == 1 and said[0].startswith(f"{tmp_path / 'learning.sqlite3'}: error: review cards")
    assert "\n" not in said[0] and reviews.error == said[0]


def test_a_context_nudge_over_four_weeks_of_daily_work() -> None:
    """The application is in front every working hour for four weeks; the task is done once, in the
    second week. The badge shows on the first day, a week later, not within a week of the task,
    then a week after that: never twice within the interval; the timer is armed for each next moment."""
    nudge = ContextNudge("w", every=WEEK)
    shown_at: list[float] = []
    completed: float | None = None
    wakes = []
    for hour in range(28 * 24):
        now = T0 + hour * HOUR
        if hour == 10 * 24 + 3:
            completed = now
        working = datetime.fromtimestamp(now, UTC).hour in range(8, 17)
        badge = context_badge(nudge, now, in_front=working, last_completed=completed,
                              last_shown=shown_at[-1] if shown_at else None)
        if badge.show:
            shown_at.append(now)
        elif badge.retry_at is not None:
            wakes.append(badge.retry_at)
    days = [(t - T0) / DAY for t in shown_at]
    assert days == [0, 7, 17 + 3 / 24, 24 + 3 / 24]
    assert all(b - a >= WEEK for a, b in itertools.pairwise(shown_at))
    assert set(wakes) >= {T0 + WEEK, T0 + 17 * DAY + 3 * HOUR}


def test_a_day_ends_at_local_midnight_across_a_clock_change() -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    saturday = datetime(2026, 3, 28, 22, 30, tzinfo=berlin).timestamp()  # clocks go forward that night
    sunday = next_day(saturday, berlin)
    assert datetime.fromtimestamp(sunday, berlin) == datetime(2026, 3, 29, 0, 0, tzinfo=berlin)
    monday = next_day(sunday, berlin)
    assert monday - sunday == 23 * HOUR  # a 23-hour day: still one nudge on each of them


def test_the_format_and_the_nudge_rules_read_one_interval_grammar() -> None:
    from app.format.interval import parse_every as checked_at_load
    from app.learning.cards import DB_NAME

    assert parse_every is checked_at_load  # what the validator accepts is what the runtime counts
    assert DB_NAME == "learning.sqlite3"  # app/runtime/nudges.py names the file without importing it
