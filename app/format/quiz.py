"""Knowledge checks: a quiz step's question and a wizard's review questions (its texts taken as written)."""

from __future__ import annotations

from pydantic import Field, field_validator

from app.format.diagnostics import quote
from app.format.fields import LocalText, StepId, Strict

__all__ = ["MAX_OPTIONS", "QuizOption", "QuizSpec", "ReviewQuestion"]

MAX_OPTIONS = 9
"""Options of one quiz question: number keys 1-9 pick them, and more is no longer a quick check."""


class QuizOption(Strict):
    """One answer offered by a quiz question."""

    text: LocalText = Field(min_length=1, max_length=200, description="The answer as offered (Markdown).",
                      examples=["Sales (SLS-100)"])
    correct: bool = Field(False, description="A right answer; a question may have several.",
                          examples=[True])
    feedback: LocalText | None = Field(None, max_length=1000,
                                 description="Markdown shown after Check when the person picked this option.",
                                 examples=["Yes: customer visits are charged to Sales."])


class QuizSpec(Strict):
    """A knowledge check: a question, options (one or more of them correct), feedback and an explanation.
    Its texts are Markdown taken as written (no `{{ … }}`): a review question is asked outside any run."""

    question: LocalText = Field(min_length=1, max_length=1000, description="The question (Markdown).",
                          examples=["Which cost centre goes on a customer visit?"])
    options: list[QuizOption] = Field(
        min_length=2, max_length=MAX_OPTIONS,
        description="The answers offered, in order (numbered from 1); at least one `correct`. With one "
                    "correct answer the person picks one, with several they tick all that apply.",
        examples=[[{"text": "Your own team's", "feedback": "Only for internal trips."},
                   {"text": "Sales (SLS-100)", "correct": True}]])
    explanation: LocalText | None = Field(
        None, max_length=2000,
        description="Markdown shown after Check, right or wrong: what the question teaches.",
        examples=["Customer visits are sales work, whoever makes them."])

    @field_validator("options")
    @classmethod
    def _options(cls, value: list[QuizOption]) -> list[QuizOption]:
        if not any(option.correct for option in value):
            raise ValueError("no option is marked 'correct: true' (a question needs at least one right "
                             "answer)")
        seen: set[str] = set()
        for option in value:
            key = " ".join(option.text.split()).casefold()
            if key in seen:
                raise ValueError(f"option {quote(option.text)} is offered twice (each option needs its own "
                                 "text)")
            seen.add(key)
        return value

    @property
    def correct(self) -> tuple[int, ...]:
        """The indexes (from 0) of the right answers."""
        return tuple(i for i, option in enumerate(self.options) if option.correct)

    @property
    def multiple(self) -> bool:
        """Several answers are right: the person ticks all that apply."""
        return len(self.correct) > 1

    def is_right(self, chosen: tuple[int, ...] | list[int]) -> bool:
        """Whether `chosen` (indexes from 0) are exactly the right answers."""
        return tuple(sorted(set(chosen))) == self.correct


class ReviewQuestion(QuizSpec):
    """A question asked again later, away from the run, to keep what the wizard teaches. Its `id` names it
    for good: answers and review dates are kept by wizard id and question id, so change the id when the
    question asks something else, and keep it when you only reword it."""

    id: StepId = Field(description="Unique among the wizard's review questions: lowercase letters, digits, "
                                   "'.', '_' and '-'.", examples=["cost-centre"])
