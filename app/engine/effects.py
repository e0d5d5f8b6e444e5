"""What the engine asks the runtime to do: show, ask, watch, perform, pause, end."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

from app.engine.state import FAILURE_OPTIONS, Mode, Pace, RunState
from app.format.model import (
    Action,
    Condition,
    ElementCond,
    Input,
    QuizSpec,
    Target,
)

# ---------------------------------------------------------------- effects


@dataclass(frozen=True)
class AskInputs:
    """Show the inputs form; `values` pre-fill it (defaults and values given before, no secrets)."""

    inputs: tuple[Input, ...]
    values: Mapping[str, str]


@dataclass(frozen=True)
class InputsInvalid:
    """Per-field messages; the run stays at the inputs form."""

    errors: Mapping[str, str]


@dataclass(frozen=True)
class ShowStep:
    """Everything the panel shows for a step, already rendered (Markdown strings)."""

    step_id: str
    index: int
    total: int
    title: str
    explain: str | None
    why: str | None
    mode: Mode
    can_back: bool
    has_do: bool
    choices: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()
    checked: tuple[bool, ...] = ()
    until: str | None = None
    quiz: QuizSpec | None = None
    """A knowledge check (its texts are Markdown as written): answered with Answer, then Next."""


@dataclass(frozen=True)
class Highlight:
    step_id: str
    target: Target


@dataclass(frozen=True)
class ClearHighlight:
    pass


@dataclass(frozen=True)
class Watch:
    """What to observe for the current step; it replaces any earlier Watch, and an empty one
    (condition None) means nothing. Report the window in front and the files' state right away,
    then on every change; send Tick about once a second while `timer` is set. File paths are
    rendered but not expanded (the runtime expands ~ and reports the path exactly as given)."""

    step_id: str
    condition: Condition | None = None
    windows: bool = False
    keys: tuple[str, ...] = ()
    clipboard: bool = False
    files: tuple[str, ...] = ()
    elements: tuple[tuple[str, ElementCond], ...] = ()
    """The `element` conditions, each with its path: report ElementObserved right away, then whenever it
    changes."""
    timer: bool = False


@dataclass(frozen=True)
class Perform:
    """Run these actions (templates already filled in) from `start` (action index, characters of it
    already typed), then report ActionsDone, ActionFailed or ActionsPaused."""

    step_id: str
    actions: tuple[Action, ...]
    pace: Pace
    start: tuple[int, int] = (0, 0)
    shown: tuple[Action, ...] = ()
    """The same actions as the person may see them (the panel, a dry run): filled in with every secret
    input masked, so that no form of a secret (upper-cased, quoted, reversed…) is shown; () when the run
    has no secret."""
    words: tuple[str, ...] = ()
    """Each of `display` in words, in the person's language ("Druk op Ctrl+S."); () when not made."""

    @property
    def display(self) -> tuple[Action, ...]:
        """What to show of the actions: `shown`, else the actions themselves."""
        return self.shown or self.actions


@dataclass(frozen=True)
class Paused:
    """The run waits for the person; `can_continue`: performing stopped part-way and Continue resumes it."""

    step_id: str
    reason: str
    can_continue: bool = False


@dataclass(frozen=True)
class Failed:
    step_id: str
    action_index: int | None
    message: str
    options: tuple[str, ...] = FAILURE_OPTIONS


@dataclass(frozen=True)
class Answered:
    """The person checked an answer to the current step's quiz: which options (from 0), whether that is
    right, and which attempt it was (from 1). The panel shows the feedback; Next goes on."""

    step_id: str
    chosen: tuple[int, ...]
    correct: bool
    attempt: int


@dataclass(frozen=True)
class Notice:
    message: str


@dataclass(frozen=True)
class Refused:
    reason: str


@dataclass(frozen=True)
class Summary:
    """`steps` counts the steps shown and ended (skipped ones too); `by_person` includes choices."""

    steps: int
    automated: int
    by_person: int
    skipped: int
    duration: float


@dataclass(frozen=True)
class Finished:
    summary: Summary


@dataclass(frozen=True)
class Aborted:
    reason: str
    step_id: str | None
    summary: Summary


Effect: TypeAlias = (
    AskInputs | InputsInvalid | ShowStep | Highlight | ClearHighlight | Watch | Perform | Paused
    | Failed | Answered | Notice | Refused | Finished | Aborted
)
Result: TypeAlias = tuple[RunState, list[Effect]]

