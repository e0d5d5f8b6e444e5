"""The learning loop's core: spaced review of a wizard's `review:` questions (FSRS, `schedule`), the
cards on this computer (`cards`), when Wayguide may nudge (`nudge`), and the three together with a
clock (`reviews`). Pure: no Qt, no input or X11 library; every time comes from an injected clock."""

from app.learning.cards import CardStore, CardStoreError
from app.learning.nudge import (
    Badge,
    ContextNudge,
    Moment,
    Nudge,
    ReviewRules,
    context_badge,
    review_nudge,
    wake_at,
)
from app.learning.reviews import ReviewQuestionRef, Reviews
from app.learning.schedule import CardKey, ReviewCard

__all__ = ["Badge", "CardKey", "CardStore", "CardStoreError", "ContextNudge", "Moment", "Nudge", "ReviewCard",
           "ReviewQuestionRef", "ReviewRules", "Reviews", "context_badge", "review_nudge", "wake_at"]
