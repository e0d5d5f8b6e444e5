"""What the recorder captured while an author did a task once: the values a capture adapter
(app.ports.Capture) reports, in order, and the draft writer reads (app.recording.draft).

Everything here stays in memory until the draft is written. Typed text is held only to be shown in
the review form and written where the author marks it "always this text"; text typed into a
password field is never captured at all (SecretTyped has no text)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.ports import Locator, WindowInfo

__all__ = [
    "Click", "Combo", "DialogClosed", "DialogOpened", "Event", "Field", "Focus", "Note", "SecretTyped",
    "StepBreak", "Typed",
]


@dataclass(frozen=True)
class Field:
    """A control as captured: the locator that finds it again, and what it is called on screen."""

    locator: Locator
    """As `wayguide inspect` would write it (role, name, within, index): found again on replay."""
    label: str = ""
    """Its accessible name or label text, for the explanation and a suggested input name."""


@dataclass(frozen=True)
class Event:
    t: float
    """Seconds (time.monotonic) when it happened."""
    window: WindowInfo
    """The window it happened in (for a dialog event: the dialog)."""


@dataclass(frozen=True)
class Focus(Event):
    """The author brought another window to the front."""


@dataclass(frozen=True)
class Combo(Event):
    """A key combo, in the format's notation ("ctrl+s", "enter", "alt+f4"). Plain keys that type
    text are Typed, not Combo; Enter and Tab are Combo."""

    combo: str


@dataclass(frozen=True)
class Typed(Event):
    """Text typed (consecutive keys into one field are one event)."""

    text: str
    field: Field | None = None
    """The focused text field, where the application exposes it; None: the window itself."""


@dataclass(frozen=True)
class SecretTyped(Event):
    """Something was typed into a password field. What was typed is never captured."""

    field: Field | None = None


@dataclass(frozen=True)
class Click(Event):
    """A click. Resolved to a control where the application exposes one; else a point."""

    button: str = "left"
    element: Field | None = None
    menu_path: tuple[str, ...] = ()
    """For a menu item: the labels from the menu bar down, e.g. ("File", "Save As…")."""
    at: tuple[float, float] | None = None
    """Without an element: the point as fractions of the window (marked as such in the draft)."""


@dataclass(frozen=True)
class DialogOpened(Event):
    """A dialog (a transient window, or a control of role dialog) came up; `window` is the dialog."""


@dataclass(frozen=True)
class DialogClosed(Event):
    """The dialog in `window` went away."""


@dataclass(frozen=True)
class StepBreak(Event):
    """The author pressed "step break" on the recording bar: what follows is a new step."""


@dataclass(frozen=True)
class Note(Event):
    """A note the author added from the recording bar; it becomes the step's `why`."""

    text: str = field(default="")
