"""What happens to a run: the person's choices, the performer's reports and what is observed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

# ----------------------------------------------------------------- events
# `at` is the wall-clock time of the event in seconds since the epoch (time.time()).


@dataclass(frozen=True, kw_only=True)
class _Timed:
    at: float


@dataclass(frozen=True)
class Start(_Timed):
    """Begin a run. `values` (e.g. from `--set`) skip the inputs form when they are complete."""

    mode: str | None = None
    values: Mapping[str, str] | None = None
    step: str | None = None
    """Start at this step instead of the first (an author trying a step; unknown ids: the first)."""


@dataclass(frozen=True)
class SubmitInputs(_Timed):
    values: Mapping[str, str]


@dataclass(frozen=True)
class Next(_Timed):
    pass


@dataclass(frozen=True)
class Back(_Timed):
    pass


@dataclass(frozen=True)
class Skip(_Timed):
    pass


@dataclass(frozen=True)
class Choose(_Timed):
    index: int


@dataclass(frozen=True)
class Check(_Timed):
    index: int
    checked: bool


@dataclass(frozen=True)
class Answer(_Timed):
    """The person checked their answer to the current step's quiz: the options they picked (from 0)."""

    chosen: tuple[int, ...]


@dataclass(frozen=True)
class ShowMe(_Timed):
    pass


@dataclass(frozen=True)
class SwitchMode(_Timed):
    mode: str


@dataclass(frozen=True)
class Abort(_Timed):
    reason: str = ""


@dataclass(frozen=True)
class ActionsDone(_Timed):
    step_id: str


@dataclass(frozen=True)
class ActionFailed(_Timed):
    step_id: str
    action_index: int
    message: str


@dataclass(frozen=True)
class ActionsPaused(_Timed):
    """Performing stopped without harm at action `action_index`, `offset` characters into it."""

    step_id: str
    action_index: int
    offset: int
    reason: str


@dataclass(frozen=True)
class Continue(_Timed):
    """Go on performing from where it paused."""


@dataclass(frozen=True)
class Retry(_Timed):
    pass


@dataclass(frozen=True)
class SkipStep(_Timed):
    pass


@dataclass(frozen=True)
class DoItMyself(_Timed):
    pass


@dataclass(frozen=True)
class WindowActivated(_Timed):
    app: str
    title: str
    exe: str = ""
    klass: str = ""


@dataclass(frozen=True)
class KeysPressed(_Timed):
    combo: str


@dataclass(frozen=True)
class ClipboardChanged(_Timed):
    """The text is matched against the step's conditions and then forgotten."""

    text: str


@dataclass(frozen=True)
class FileObserved(_Timed):
    """A watched file as the runtime read it; `content` None means it does not exist."""

    path: str
    content: str | None


@dataclass(frozen=True)
class ElementObserved(_Timed):
    """Whether the `element` condition at `path` ("0", "0.1", ...) of the step holds, as the runtime found
    it on the accessibility bus (a text it matched stays there)."""

    path: str
    holds: bool


@dataclass(frozen=True)
class Tick(_Timed):
    pass


Observation: TypeAlias = (
    WindowActivated | KeysPressed | ClipboardChanged | FileObserved | ElementObserved | Tick
)
"""What the runtime saw while a step waits: the window in front, keys, the clipboard, a file, a control,
time."""

Event: TypeAlias = (
    Start | SubmitInputs | Next | Back | Skip | Choose | Check | Answer | ShowMe | SwitchMode | Abort
    | ActionsDone | ActionFailed | ActionsPaused | Continue | Retry | SkipStep | DoItMyself
    | WindowActivated | KeysPressed | ClipboardChanged | FileObserved | ElementObserved | Tick
)

