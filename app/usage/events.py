"""One usage event: a row of the store and, when an LRS is configured, one xAPI statement."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = ["KINDS", "RUN_ENDS", "Kind", "UsageEvent", "new_id"]

Kind: TypeAlias = Literal[
    "started", "step-shown", "step-done", "help", "search", "control-missed",
    "completed", "exited", "failed", "abandoned", "answered",
]
KINDS: tuple[Kind, ...] = ("started", "step-shown", "step-done", "help", "search", "control-missed",
                           "completed", "exited", "failed", "abandoned", "answered")
RUN_ENDS: tuple[Kind, ...] = ("completed", "exited", "failed", "abandoned")
"""The kinds that end a run; a run with none of them after a restart was abandoned."""


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class UsageEvent:
    """What happened, when, in which run. Its `id` becomes the xAPI statement id and `at` (seconds
    since the epoch) its timestamp: both are fixed when the event happens, not when it is sent.

    Holds ids, counts, modes and durations only: never keys, input values or secrets. `query` is
    the search text, kept only where the admin policy allows it (the recorder drops it otherwise).
    """

    kind: Kind
    at: float
    id: str = ""
    run: str | None = None
    """The run's registration UUID; None for a search outside a run."""
    wizard: str | None = None
    version: str | None = None
    mode: str | None = None
    """glass or black: the run's mode (started, ends) or how the step was treated (steps)."""
    source: str | None = None
    """Where the run was started: panel, tray, hotkey or cli."""
    person: str | None = None
    """The pseudonymous id of the person on this machine (started events)."""
    title: str | None = None
    """The wizard's title (started) or the step's title as written by its author, never rendered
    (a rendered title could hold an input value)."""
    step: str | None = None
    step_index: int | None = None
    outcome: str | None = None
    """step-done: person, detected, automated or skipped; completed (glass box): unaided, or aided when the
    person opened "Why?", went Back or had a step shown to them."""
    duration: float | None = None
    """step-done: seconds on the step; run ends: seconds since the run started."""
    query: str | None = None
    results: int | None = None
    control: str | None = None
    """control-missed: the locator of the control the step names that was not found, as the wizard's
    author wrote it (never anything the person typed)."""
    success: bool | None = None
    """answered: whether the options picked were exactly the right ones."""
    response: str | None = None
    """answered: the ids of the options picked (their numbers from 1), joined by "[,]" as xAPI writes a
    choice; never free text."""
    choices: str | None = None
    """answered: the question's options as its author wrote them, JSON {"choices": [TEXT, ...], "correct":
    [ID, ...]}, so that the xAPI statement can list them. With `answered`, `title` is the question as
    written, `step` the quiz step's id (or the review question's id, with `source` "review")."""
    language: str | None = None
    """The language `title` and `choices` are written in: the wizard's own (its `language`, e.g. "nl");
    None where it was not recorded (English, the language wizards were written in before they said)."""
    translations: str | None = None
    """The same texts in the wizard's other languages, as its translators wrote them: JSON {LANGUAGE:
    {"title": TEXT, "choices": [TEXT or null, ...]}}, so that xAPI can name the activity in each; None
    when the wizard has none for them."""

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", new_id())
