"""A run's state: immutable values the engine passes from one event to the next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

Mode: TypeAlias = Literal["glass", "black"]
Status: TypeAlias = Literal[
    "ready", "inputs", "running", "performing", "paused", "failed", "finished", "aborted"
]
Outcome: TypeAlias = Literal[
    "person", "detected", "automated", "skipped", "skipped-when", "chosen", "answered", "unasked"
]
"""How a step ended; `answered`: a quiz the person answered (right or wrong), `unasked`: a quiz a black-box
run passed by (like `skipped-when`, not counted as a step of the run)."""
Pace: TypeAlias = Literal["visible", "fast"]

MODES: dict[str, Mode] = {"glass": "glass", "black": "black"}
WAITING = ("running", "paused")
ENDED = ("finished", "aborted")
FAILURE_OPTIONS = ("retry", "skip", "myself")

# ------------------------------------------------------------------ state


@dataclass(frozen=True)
class InputValue:
    """A value given for one of the wizard's inputs, as entered."""

    name: str
    value: str
    secret: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    """How one step ended. Never holds input values."""

    step_id: str
    outcome: Outcome
    mode: Mode
    started_at: float
    ended_at: float
    choice: int | None = None
    correct: bool | None = None
    """A quiz step: whether the person's first answer was right."""


@dataclass(frozen=True)
class Visit:
    """A step shown earlier in this run; Back returns to it and to the history as it was then."""

    step_id: str
    history_len: int
    checked: tuple[bool, ...] = ()


@dataclass(frozen=True)
class Failure:
    """Why performing the current step failed; `action_index` is None when it was interrupted."""

    action_index: int | None
    message: str


@dataclass(frozen=True)
class SeenWindow:
    """The latest window the runtime saw in front."""

    app: str
    title: str
    exe: str = ""
    klass: str = ""


@dataclass(frozen=True)
class RunState:
    """One run of one wizard. Immutable.

    `treatment` is how the current step is run: the run's mode, or "glass" for a step the person
    took over (DoItMyself) or went Back to in a black-box run. `latched` and `holding` are the paths
    ("0", "0.1", ...) of the `until` conditions seen (keys, clipboard) or holding (files) during the
    current step; `files` maps file-condition paths to their rendered file paths.
    `resume_at` is set while performing is paused part-way (another window came in front, the person
    took over): Continue goes on from there, so nothing is typed twice and nothing is lost.
    """

    wizard_id: str
    mode: Mode
    status: Status = "ready"
    started_at: float = 0.0
    ended_at: float | None = None
    step_id: str | None = None
    step_started_at: float = 0.0
    treatment: Mode = "glass"
    checked: tuple[bool, ...] = ()
    trail: tuple[Visit, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    inputs: tuple[InputValue, ...] = ()
    asked: bool = False
    failure: Failure | None = None
    latched: tuple[str, ...] = ()
    holding: tuple[str, ...] = ()
    files: tuple[tuple[str, str], ...] = ()
    window: SeenWindow | None = None
    resume_at: tuple[int, int] | None = None
    answers: tuple[bool, ...] = ()
    """The current step's quiz: whether each answer checked so far was right."""
    first: int = 0
    """The index of the step the run starts at (0, or where Start asked)."""
    """Where performing the current step paused: (action index, characters of it already typed)."""

