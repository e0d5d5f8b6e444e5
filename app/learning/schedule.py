"""When to ask a review question again: FSRS (the `fsrs` package), one card per question.

Why FSRS and not a Leitner scheme: FSRS is the established, published scheduler (Anki's default
since 23.10) with a model of memory fitted on hundreds of millions of reviews; its Python package is
pure Python (no dependency beyond typing-extensions: its optimizer, which would need torch, is loaded
only when asked for and never is here), and one step of it costs microseconds. A Leitner scheme
would need intervals we invent; FSRS gives intervals that grow after right answers (stability
grows) and shrink after wrong ones, aimed at 90 % recall.

How Wayguide uses it:
- answers are right or wrong: right is `Rating.Good`, wrong is `Rating.Again` (a person is not asked
  to grade themselves);
- no learning steps of minutes: a nudge comes at most once a day, so every interval is whole days
  (`learning_steps` and `relearning_steps` empty); the first review is the day after the run;
- no fuzz: the package draws fuzz from the process-wide `random`, and the same answers should give
  the same schedule (tests with a fake clock, and a person comparing two days);
- at most a year between reviews (a task done once a quarter is still asked about yearly).

Times are seconds since the epoch (the injected clock's), converted to UTC datetimes for fsrs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Final, NamedTuple

if TYPE_CHECKING:
    from fsrs import Scheduler

__all__ = ["DAY", "FIRST_REVIEW_AFTER", "MAX_INTERVAL_DAYS", "CardKey", "ReviewCard", "answer", "new_card"]

DAY: Final = 86400.0
FIRST_REVIEW_AFTER: Final = DAY
"""After a glass-box run, its review questions are first asked the next day."""
MAX_INTERVAL_DAYS: Final = 365
DESIRED_RETENTION: Final = 0.9
LEARNING: Final = 1
"""fsrs.State.Learning: a card not yet answered (fsrs itself is imported only to answer one: start-up and
an idle app never load it)."""


class CardKey(NamedTuple):
    """A review question: the wizard's id and the question's stable id in its `review:` list."""

    wizard: str
    question: str


@dataclass(frozen=True)
class ReviewCard:
    key: CardKey
    due: float
    """When it is next asked (seconds since the epoch)."""
    created: float
    last_review: float | None = None
    stability: float | None = None
    """FSRS: days until recall falls to 90 %; None until first answered."""
    difficulty: float | None = None
    state: int = LEARNING
    step: int | None = 0
    reps: int = 0
    """Answers given."""
    lapses: int = 0
    """Wrong answers given."""

    @property
    def interval(self) -> float:
        """Seconds from the last answer (or the run that made the card) to the next review."""
        return self.due - (self.last_review if self.last_review is not None else self.created)


def new_card(key: CardKey, at: float) -> ReviewCard:
    """The card made for a review question after a glass-box run at `at`."""
    return ReviewCard(key, at + FIRST_REVIEW_AFTER, at)


@cache
def _scheduler() -> Scheduler:
    """Immutable settings (fsrs keeps no state in it between calls)."""
    from fsrs import Scheduler

    return Scheduler(desired_retention=DESIRED_RETENTION, learning_steps=(), relearning_steps=(),
                     maximum_interval=MAX_INTERVAL_DAYS, enable_fuzzing=False)


def answer(card: ReviewCard, correct: bool, at: float, card_id: int = 0) -> ReviewCard:
    """The card after the question was answered at `at`: its next due time from FSRS."""
    from fsrs import Card, Rating, State

    fsrs_card = Card(card_id=card_id, state=State(card.state), step=card.step, stability=card.stability,
                     difficulty=card.difficulty, due=_datetime(card.due),
                     last_review=None if card.last_review is None else _datetime(card.last_review))
    when = _datetime(max(at, card.last_review or at))  # a clock set back never makes time run backwards
    done, _log = _scheduler().review_card(fsrs_card, Rating.Good if correct else Rating.Again, when)
    return replace(card, due=done.due.timestamp(), last_review=when.timestamp(), stability=done.stability,
                   difficulty=done.difficulty, state=int(done.state), step=done.step, reps=card.reps + 1,
                   lapses=card.lapses + (not correct))


def _datetime(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
