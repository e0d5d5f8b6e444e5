"""When Wayguide may nudge: pure rules over the times the runtime hands in (an injected clock, no
timers, no Qt). Each decision is data: show or not, why not, and the next moment asking again could
give another answer (`retry_at`), so the runtime arms one single-shot timer (`wake_at`) instead of
polling. A rule that waits for an event rather than a time (a run ending, the full-screen window or
the application going) answers `retry_at=None`: the runtime asks again on that event.

Two kinds of nudge:
- a **review** is due (app.learning.cards): a quiet tray notification opening a short review; never
  during a run or while a full-screen window is in front, not in the first minutes after login, at
  most one a day (a calendar day, local time), not while snoozed, not for a wizard the person said
  "not this one" to, never when the policy switched reviews off (`learning.reviews`);
- a wizard's **nudge in context** (`nudge: {every: 7d}` in the wizard): its application is in front
  and the person has not done the task within that interval (or never): a badge on the tray icon and
  the wizard first in the list, never a window over the work; shown at most once per interval.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, tzinfo
from typing import Final, Literal

from app.format.interval import HOUR, WEEK, parse_every
from app.learning.schedule import ReviewCard

__all__ = ["HOUR", "QUIET_AFTER_LOGIN", "WEEK", "Badge", "ContextNudge", "Moment", "Nudge",
           "ReviewNudgeState", "ReviewRules", "context_badge", "next_day", "parse_every", "review_nudge",
           "shown", "snooze", "wake_at"]

QUIET_AFTER_LOGIN: Final = 15 * 60.0
"""No review nudge in the first minutes of a session: the person is finding their feet."""

ReviewWhyNot = Literal["due", "off", "nothing", "muted", "not-yet", "snoozed", "after-login", "shown-today",
                       "running", "fullscreen"]
BadgeWhyNot = Literal["show", "muted", "running", "not-in-front", "done-recently", "shown-recently"]


@dataclass(frozen=True)
class Moment:
    """What the runtime knows at the moment it asks."""

    now: float
    session_start: float
    """When the person logged in (or Wayguide started with the session)."""
    running: bool = False
    """A run is under way (glass or black box)."""
    fullscreen: bool = False
    """A full-screen window is in front (a presentation, a video call, a film)."""


@dataclass(frozen=True)
class ReviewRules:
    enabled: bool = True
    """The policy's `learning.reviews`."""
    quiet_after_login: float = QUIET_AFTER_LOGIN
    tz: tzinfo | None = None
    """Where "a day" is counted; None: the computer's local time."""


@dataclass(frozen=True)
class ReviewNudgeState:
    """What the review nudges remember between starts (kept in app.learning.cards.CardStore)."""

    last_shown: float | None = None
    snoozed_until: float | None = None


@dataclass(frozen=True)
class Nudge:
    show: bool
    why: ReviewWhyNot
    """`due` when shown; otherwise the rule that said no."""
    card: ReviewCard | None = None
    """The card due first (also when not shown)."""
    retry_at: float | None = None
    """The earliest time asking again may say yes; None: ask again on an event (or never)."""


def review_nudge(rules: ReviewRules, moment: Moment, state: ReviewNudgeState, card: ReviewCard | None,
                 muted: frozenset[str] = frozenset()) -> Nudge:
    """May Wayguide nudge now for the review of `card` (the first due among the wizards not muted)?"""
    if not rules.enabled:
        return Nudge(False, "off")
    if card is None:
        return Nudge(False, "nothing")
    if card.key.wizard in muted:
        return Nudge(False, "muted", card)
    waits: list[tuple[float, ReviewWhyNot]] = [
        (card.due, "not-yet"), (state.snoozed_until or 0.0, "snoozed"),
        (moment.session_start + rules.quiet_after_login, "after-login")]
    if state.last_shown is not None:
        waits.append((next_day(state.last_shown, rules.tz), "shown-today"))
    ready, why = max(waits, key=lambda w: w[0])
    if moment.now < ready:
        return Nudge(False, why, card, ready)
    if moment.running:
        return Nudge(False, "running", card)
    if moment.fullscreen:
        return Nudge(False, "fullscreen", card)
    return Nudge(True, "due", card)


def shown(state: ReviewNudgeState, now: float) -> ReviewNudgeState:
    """The state after a review nudge was shown at `now` (a snooze that ran out is forgotten)."""
    return ReviewNudgeState(last_shown=now, snoozed_until=None)


def snooze(state: ReviewNudgeState, now: float, until: Literal["hour", "tomorrow"],
           tz: tzinfo | None = None) -> ReviewNudgeState:
    """Snoozed for an hour, or until the next day begins (local midnight)."""
    end = now + HOUR if until == "hour" else next_day(now, tz)
    return replace(state, snoozed_until=end)


def next_day(at: float, tz: tzinfo | None = None) -> float:
    """The start of the calendar day after the one `at` falls on (midnight where `tz` says)."""
    day = datetime.fromtimestamp(at, tz).date() + timedelta(days=1)
    return datetime.combine(day, time(0), tz).timestamp()


# ------------------------------------------------------------------ nudges in context


@dataclass(frozen=True)
class ContextNudge:
    """A wizard's `nudge:`: shown when its application is in front and the task was not done lately."""

    wizard: str
    every: float = WEEK
    """At most one nudge per interval; and "lately" means within it."""


@dataclass(frozen=True)
class Badge:
    show: bool
    wizard: str
    why: BadgeWhyNot
    retry_at: float | None = None


def context_badge(nudge: ContextNudge, now: float, in_front: bool, last_completed: float | None,
                  last_shown: float | None, running: bool = False,
                  muted: frozenset[str] = frozenset()) -> Badge:
    """Whether the tray icon shows a badge (and the wizard goes first in the list) for this nudge.
    `in_front`: the wizard's application or window is in front; `last_completed`: the person's last
    completed run of the wizard; `last_shown`: when this nudge last showed."""
    if nudge.wizard in muted:
        return Badge(False, nudge.wizard, "muted")
    waits: list[tuple[float, BadgeWhyNot]] = []
    if last_completed is not None:
        waits.append((last_completed + nudge.every, "done-recently"))
    if last_shown is not None:
        waits.append((last_shown + nudge.every, "shown-recently"))
    if waits:
        ready, why = max(waits, key=lambda w: w[0])
        if now < ready:
            return Badge(False, nudge.wizard, why, ready)
    if running:
        return Badge(False, nudge.wizard, "running")
    if not in_front:
        return Badge(False, nudge.wizard, "not-in-front")
    return Badge(True, nudge.wizard, "show")


def wake_at(decisions: Iterable[Nudge | Badge]) -> float | None:
    """The next moment a decision could change by the clock alone: when to fire the single-shot timer
    (None: no timer; only events can change them)."""
    return min((d.retry_at for d in decisions if d.retry_at is not None), default=None)
