"""The small protocols behind which Wayguide reaches the operating system, and the values they pass."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["FakeInputWatcher", "Injector", "InputWatcher", "ProbeUnavailable", "WatcherFactory",
           "WindowInfo", "WindowProbe"]


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
    shown: bool = True
    """On screen: mapped, not minimised."""


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

    def describe(self, handle: int) -> WindowInfo | None:
        """One window as it is now; None when it is gone."""
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

    def describe(self, handle: int) -> WindowInfo | None:
        return next((w for w in self.windows() if w.handle == handle), None)


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


class InputWatcher(Protocol):
    """Tells what the person does, never what they type: the window in front (and its title)
    changing, and the key combos asked for. It reports through the callbacks it was made with
    (see WatcherFactory), on a thread of its own: the caller hops to its GUI thread."""

    def watch(self, windows: bool, combos: Collection[str]) -> None:
        """Observe exactly this from now on, replacing what was observed before; nothing at all (no
        thread, no listener) when `windows` is False and `combos` empty. With `windows`, the window
        in front is reported right away, then on every change of it or of its title."""
        ...

    def close(self) -> None:
        """Stop observing for good."""
        ...


WatcherFactory = Callable[[Callable[[WindowInfo], None], Callable[[str], None]], InputWatcher]
"""Makes an InputWatcher from `on_window(window)` and `on_combo(combo)`; combos as
app.model.validate_combo writes them ("ctrl+s")."""


@dataclass
class FakeInputWatcher:
    """In-memory watcher for tests: `activate` and `press` play the person."""

    on_window: Callable[[WindowInfo], None]
    on_combo: Callable[[str], None]
    window: WindowInfo | None = None
    windows: bool = False
    combos: frozenset[str] = frozenset()
    calls: list[tuple[bool, frozenset[str]]] = field(default_factory=list)
    closed: bool = False

    def watch(self, windows: bool, combos: Collection[str]) -> None:
        self.windows, self.combos = windows, frozenset(combos)
        self.calls.append((self.windows, self.combos))
        if windows and self.window is not None:
            self.on_window(self.window)

    def close(self) -> None:
        self.watch(False, ())
        self.closed = True

    def activate(self, window: WindowInfo) -> None:
        """The person brings `window` forward (or its title changes)."""
        self.window = window
        if self.windows:
            self.on_window(window)

    def press(self, combo: str) -> None:
        """The person presses a combo; only combos being watched are reported."""
        if combo in self.combos:
            self.on_combo(combo)
