"""Quiz steps in a run: a knowledge check the person answers in glass box, and black box goes by.

The person may check an answer as often as they like (each time an Answered effect: the panel shows the
feedback and the explanation); Next then ends the step as `answered`, keeping whether the first answer was
right. A black-box run never waits on a quiz: it notes the step as `unasked` and goes on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from app.engine.effects import Answered, Result
from app.engine.state import HistoryEntry, RunState
from app.format.model import Step

__all__ = ["answer", "go_by"]


def answer(state: RunState, step: Step, chosen: tuple[int, ...]) -> Result:
    """The person checked `chosen` (option indexes from 0) on `step`'s quiz; nonsense (no option, an index
    out of range, several picked where one answer is right) is ignored."""
    quiz = step.quiz
    picked = tuple(sorted(set(chosen)))
    if quiz is None or not picked or not all(0 <= i < len(quiz.options) for i in picked) or (
            len(picked) > 1 and not quiz.multiple):
        return state, []
    correct = quiz.is_right(picked)
    state = replace(state, answers=(*state.answers, correct))
    return state, [Answered(step.id, picked, correct, len(state.answers))]


def go_by(state: RunState, step: Step, at: float, index: Mapping[str, int],
          count: int) -> tuple[RunState, int]:
    """A quiz a black-box run goes by: noted as `unasked`, and the index of the step after it (`count`
    for `next: end`)."""
    entry = HistoryEntry(step.id, "unasked", "black", at, at)
    following = index[step.id] + 1 if step.next is None else index.get(step.next, count)
    return replace(state, history=(*state.history, entry)), following
