"""The small protocols behind which Wayguide reaches the operating system, and the values they pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["Injector", "ProbeUnavailable", "WindowInfo", "WindowProbe"]


@dataclass(frozen=True)
class WindowInfo:
    """A top-level window as the OS reports it."""

    app: str = ""
    """Window class (WM_CLASS instance name; the class name is matched too)."""
    title: str = ""
    exe: str = ""
    """Executable name (basename)."""
    pid: int = 0
    handle: int = 0
    klass: str = ""
    """WM_CLASS class name (e.g. 'Mousepad' where app is 'mousepad')."""
    geometry: tuple[int, int, int, int] | None = None
    """x, y, width, height on the desktop, in device pixels."""


class ProbeUnavailable(Exception):
    """The window system cannot be asked (no display, no permission); the message says why."""


class WindowProbe(Protocol):
    def active_window(self) -> WindowInfo | None:
        """The window in front, or None when there is none."""
        ...

    def activate(self, handle: int) -> None:
        """Bring a window to the front and give it the keyboard focus."""
        ...

    def windows(self) -> list[WindowInfo]:
        """The top-level windows the window manager lists, oldest first."""
        ...


@dataclass
class FakeWindowProbe:
    """In-memory probe for tests."""

    window: WindowInfo | None = None
    activated: list[int] = field(default_factory=list)
    others: list[WindowInfo] = field(default_factory=list)
    """Windows besides the active one; activating one makes it the active one."""

    def active_window(self) -> WindowInfo | None:
        return self.window

    def activate(self, handle: int) -> None:
        self.activated.append(handle)
        self.window = next((w for w in self.windows() if w.handle == handle), self.window)

    def windows(self) -> list[WindowInfo]:
        return [*self.others, *([self.window] if self.window is not None else [])]


class Injector(Protocol):
    """Keyboard input as if the person typed it. It goes to whichever window has the keyboard focus: the
    caller makes sure that is the intended window (and that the person is not holding keys) first."""

    def type_text(self, text: str) -> None:
        """Type `text` exactly ("\\n" as Enter, "\\t" as Tab); returns once the keys are sent."""
        ...

    def press_keys(self, combo: str) -> None:
        """Press a combo once, as app.model.validate_combo writes it ("ctrl+shift+s")."""
        ...


@dataclass
class FakeInjector:
    """In-memory injector for tests: records what was asked, in order."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    """("type", text) and ("keys", combo) pairs."""

    def type_text(self, text: str) -> None:
        self.sent.append(("type", text))

    def press_keys(self, combo: str) -> None:
        self.sent.append(("keys", combo))
