"""Spaced review as the runtime uses it: the card store, the nudge rules and an injected clock in one
object. The runtime tells it what happened (a glass-box run ended, a review question was answered, a
nudge was shown, snoozed or refused) and asks it whether to nudge now and when to ask again.

The runtime connects it at merge: `after_run` from the run controller when a glass-box run of a
wizard with `review:` questions completes (their stable ids), `answered` from the panel's review
(or from the usage recorder's `answered` events of review questions), `decide` and `wake_at` from a
single-shot timer and on the events that end a "no" (a run ending, the front window changing).

Nothing here may stop the app: a card file that cannot be written (disk full, removed, locked for
long) is said once, as one line, through `on_error`; reviews then answer "nothing due" and keep no
schedule until the next start.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

from app.learning.cards import CardStore
from app.learning.nudge import Moment, Nudge, ReviewNudgeState, ReviewRules, review_nudge, shown, snooze
from app.learning.schedule import CardKey, ReviewCard

__all__ = ["LAST_SHOWN", "SNOOZED_UNTIL", "ReviewQuestionRef", "Reviews"]

ReviewQuestionRef = CardKey
"""A review question: (wizard id, question id), as the quiz model and the `answered` event name it."""
LAST_SHOWN = "review.last_shown"
SNOOZED_UNTIL = "review.snoozed_until"
_T = TypeVar("_T")


class Reviews:
    def __init__(self, store: CardStore, rules: ReviewRules | None = None,
                 clock: Callable[[], float] = time.time,
                 on_error: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.rules = rules or ReviewRules()
        self._clock = clock
        self._on_error = on_error
        self.error = ""
        """The one line saying why the card file failed ("" while it works)."""

    def after_run(self, wizard: str, questions: Sequence[str], mode: str, completed: bool = True
                  ) -> list[ReviewCard]:
        """A run ended: a completed glass-box (or condensed) run schedules the wizard's review
        questions (a wizard that lost them loses its cards); black box teaches nothing to review, and
        with reviews off nothing is kept."""
        if not (self.rules.enabled and completed and mode in ("glass", "condensed")):
            return []
        return self._safe(lambda: self.store.schedule_after_run(wizard, questions, self._clock()), [])

    def answered(self, question: ReviewQuestionRef, correct: bool) -> ReviewCard | None:
        return self._safe(lambda: self.store.answer(question, correct, self._clock()), None)

    def due(self, limit: int = 5) -> list[ReviewCard]:
        """The questions for a short review now (about two minutes: a handful)."""
        if not self.rules.enabled:
            return []
        return self._safe(lambda: self.store.due(self._clock(), limit), [])

    def state(self) -> ReviewNudgeState:
        return self._safe(lambda: ReviewNudgeState(self.store.get(LAST_SHOWN), self.store.get(SNOOZED_UNTIL)),
                          ReviewNudgeState())

    def decide(self, session_start: float, running: bool = False, fullscreen: bool = False) -> Nudge:
        """May the tray nudge for a review now?"""
        moment = Moment(self._clock(), session_start, running, fullscreen)
        if not self.rules.enabled:
            return review_nudge(self.rules, moment, ReviewNudgeState(), None)
        nothing: tuple[ReviewCard | None, frozenset[str]] = (None, frozenset())
        card, muted = self._safe(lambda: (self.store.next_due(), self.store.muted()), nothing)
        return review_nudge(self.rules, moment, self.state(), card, muted)

    def wake_at(self, session_start: float) -> float | None:
        """When a single-shot timer should ask `decide` again (None: only an event can change it)."""
        return self.decide(session_start).retry_at

    def shown(self) -> None:
        self._save(shown(self.state(), self._clock()))

    def snooze(self, until: Literal["hour", "tomorrow"]) -> None:
        self._save(snooze(self.state(), self._clock(), until, self.rules.tz))

    def not_this_one(self, wizard: str) -> None:
        """No more reviews of this wizard (until `again`)."""
        self._safe(lambda: self.store.mute(wizard, self._clock()), None)

    def again(self, wizard: str) -> None:
        self._safe(lambda: self.store.unmute(wizard), None)

    def _save(self, state: ReviewNudgeState) -> None:
        def save() -> None:
            self.store.set(LAST_SHOWN, state.last_shown)
            self.store.set(SNOOZED_UNTIL, state.snoozed_until)

        self._safe(save, None)

    def _safe(self, call: Callable[[], _T], fallback: _T) -> _T:
        try:
            return call()
        except sqlite3.Error as exc:
            message = f"{self.store.path}: error: review cards not read or written ({exc}); no reviews"
            if message != self.error:
                self.error = message
                if self._on_error is not None:
                    self._on_error(message)
            return fallback
