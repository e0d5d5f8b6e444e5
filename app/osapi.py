"""The small protocols behind which Wayguide reaches the operating system, and the values they pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["ProbeUnavailable", "WindowInfo", "WindowProbe"]


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


@dataclass
class FakeWindowProbe:
    """In-memory probe for tests."""

    window: WindowInfo | None = None
    activated: list[int] = field(default_factory=list)

    def active_window(self) -> WindowInfo | None:
        return self.window

    def activate(self, handle: int) -> None:
        self.activated.append(handle)
