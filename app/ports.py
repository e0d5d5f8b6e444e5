"""The small protocols behind which Wayguide reaches the operating system, and the values they pass."""

from __future__ import annotations

import gettext
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeAlias

from app.phrase import Phrase

__all__ = [
    "Activity", "ActivityMonitor", "Automation", "Autostart", "Clipboard", "ClipboardOffer", "Control",
    "Elements", "FakeActivityMonitor", "FakeAutomation", "FakeAutostart", "FakeClipboard", "FakeHotkeys",
    "FakeInjector", "FakeInputWatcher", "FakeLauncher", "FakeOpener", "FakeWindowProbe", "Hotkeys",
    "HotkeysFactory", "Injector", "InputWatcher", "Launcher", "Locator", "Opener", "ProbeUnavailable",
    "WatcherFactory", "WindowInfo", "WindowProbe",
]


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


@dataclass(frozen=True)
class Locator:
    """Which control inside a window: `role` ("push button") and accessible `name` (a glob, or "re:" and a
    regular expression; None: any), `within` an ancestor that must match, and the `index`th of the matches
    in reading order (None: all of them)."""

    role: str | None = None
    name: str | None = None
    within: Locator | None = None
    index: int | None = None


@dataclass(frozen=True)
class Control:
    """One control of a window, as the accessibility API shows it. In a list of controls (reading order,
    depth first) `parent` is the position of its parent (-1: none in the list); `ref` is the adapter's own
    handle (on AT-SPI its bus name and object path)."""

    role: str
    name: str
    parent: int = -1
    states: frozenset[str] = field(default_factory=frozenset)
    ref: tuple[str, str] = ("", "")

    @property
    def label(self) -> str:
        """The name as shown and matched: applications pad some ("Save As...      ")."""
        return self.name.strip()


class Elements(Protocol):
    """The controls inside applications' windows (AT-SPI on Linux)."""

    def controls(self, window: WindowInfo) -> list[Control]:
        """Every control of `window`, in reading order; [] when its application shows none."""
        ...

    def find(self, locator: Locator, window: WindowInfo) -> list[Control]:
        """The controls of `window` that `locator` picks, in reading order (see Locator)."""
        ...

    def extents(self, control: Control) -> tuple[int, int, int, int] | None:
        """Where `control` is on the desktop (x, y, width, height); None when it is not shown."""
        ...

    def activate(self, control: Control) -> bool:
        """Press `control` through its own action (a button's "click", a menu item's "activate"), which
        works also where it is not on the screen; False when it has none (click it instead). The
        application may carry out the action while answering (GTK does): a modal dialog it opens then
        keeps it from answering any other call until the dialog closes, so click where you can."""
        ...

    def ancestors(self, control: Control) -> list[Control]:
        """The controls `control` is inside, nearest first, up to its window."""
        ...

    def states(self, control: Control) -> frozenset[str]:
        """Its states as they are now, by their AT-SPI names ("focused", "checked", "enabled", "showing"...);
        empty when it is gone."""
        ...

    def text(self, control: Control) -> str | None:
        """What a text control holds now (None: it shows no text). For comparing in memory: never kept."""
        ...

    def set_text(self, control: Control, text: str) -> bool:
        """Replace a text control's content through the API; False where the application does not allow it
        (then focus it and type)."""
        ...

    def focused(self, window: WindowInfo) -> Control | None:
        """The control of `window` holding the keyboard focus, or None."""
        ...

    def at_point(self, window: WindowInfo, x: int, y: int) -> Control | None:
        """The innermost control of `window` at the desktop point (x, y), or None."""
        ...

    def subscribe(self, on_change: Callable[[], None], texts: bool = True,
                  states: Collection[str] | None = None) -> Callable[[], None]:
        """Call `on_change()` (on a thread of the adapter's own) soon after any control of any application
        takes or loses the focus, changes name or a state (of `states`, when given), or text (with `texts`:
        every key typed), or gains or loses children, or a window opens, closes or comes in front; several
        at once may be told once. Returns the call that stops it. Raises
        ProbeUnavailable where there is no bus."""
        ...


class ProbeUnavailable(Exception):
    """The window system cannot be asked (no display, no permission); the message says why. It is made
    from a template (marked with N_ where it is written) and named values: `str()` is the English text,
    `said(tr)` the text in the language of `tr` (app.phrase.Phrase)."""

    def __init__(self, template: str, **values: object) -> None:
        self.phrase = Phrase(template, **values)
        super().__init__(str(self.phrase))

    def said(self, translations: gettext.NullTranslations) -> str:
        """The message in the language of `translations` (English where it has none)."""
        return self.phrase.said(translations) if self.phrase.template else str(self)


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
    """Keyboard and pointer input as if the person typed or clicked. It goes to whichever window has the
    keyboard focus: the caller names the window it means (`into`, a handle; 0: any) and the injector
    stops before the first key that would go elsewhere."""

    def type_text(self, text: str, into: int = 0, proceed: Callable[[], bool] | None = None) -> int:
        """Type `text` exactly ("\\n" as Enter, "\\t" as Tab), character by character, while `into`
        (when given) holds the keyboard focus and `proceed()` (when given) returns True; returns how many
        characters were typed (len(text) when all)."""
        ...

    def press_keys(self, combo: str, into: int = 0) -> bool:
        """Press a combo once, as app.format.model.validate_combo writes it ("ctrl+shift+s"); False, with
        nothing pressed, when `into` (when given) does not hold the keyboard focus."""
        ...

    def click(self, x: int, y: int, button: str = "left") -> None:
        """Click at a desktop point (device pixels), then put the pointer back where it was."""
        ...


@dataclass
class FakeInjector:
    """In-memory injector for tests: records what was asked, in order.

    `focus` is the handle holding the keyboard focus (0: whatever `into` asks for); `steal_after`
    moves the focus to handle -1 once that many characters have been typed, as another window would."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    """("type", text), ("keys", combo) and ("click", "x,y,button") entries."""
    focus: int = 0
    steal_after: int | None = None
    typed: int = 0

    def _focused(self, into: int) -> bool:
        return not into or self.focus in (0, into)

    def type_text(self, text: str, into: int = 0, proceed: Callable[[], bool] | None = None) -> int:
        done = 0
        for _ in text:
            if self.steal_after is not None and self.typed >= self.steal_after:
                self.focus, self.steal_after = -1, None
            if not self._focused(into) or (proceed is not None and not proceed()):
                break
            done += 1
            self.typed += 1
        if done:
            self.sent.append(("type", text[:done]))
        return done

    def press_keys(self, combo: str, into: int = 0) -> bool:
        if not self._focused(into):
            return False
        self.sent.append(("keys", combo))
        return True

    def click(self, x: int, y: int, button: str = "left") -> None:
        self.sent.append(("click", f"{x},{y},{button}"))


Activity: TypeAlias = Literal["key", "escape", "pointer"]
"""What the person did: pressed a key (not Escape), pressed Escape, moved or clicked the mouse."""


class ActivityMonitor(Protocol):
    """Tells, while Wayguide performs, that the person acted themselves. Never says which key."""

    def start(self, on_activity: Callable[[Activity], None]) -> None:
        """Begin watching; returns once input from now on is seen. `on_activity` is called on the
        monitor's own thread, once per kind of activity until `stop`."""
        ...

    def stop(self) -> None:
        """Stop watching (no cost afterwards); safe to call twice or without start."""
        ...


@dataclass
class FakeActivityMonitor:
    """In-memory monitor: `act` plays the person."""

    callback: Callable[[Activity], None] | None = None
    starts: int = 0

    def start(self, on_activity: Callable[[Activity], None]) -> None:
        self.callback = on_activity
        self.starts += 1

    def stop(self) -> None:
        self.callback = None

    def act(self, kind: Activity) -> None:
        if self.callback is not None:
            self.callback(kind)

    @property
    def watching(self) -> bool:
        return self.callback is not None


@dataclass
class ClipboardOffer:
    """Text offered on the clipboard for one paste. Clipboard managers read every new clipboard at once, so a
    read counts only once the offer is armed (right before the paste keys): `fetched` is set by the first
    read after `arm` by the client of the window armed for where the platform tells who reads (X11), by any
    reader elsewhere."""

    fetched: threading.Event = field(default_factory=threading.Event)
    window: int | None = None
    """Where the paste keys go (a top-level window handle; 0: whichever is in front); None: not armed."""

    def arm(self, window: int = 0) -> None:
        """The paste keys go to `window` now: from here on a read by its client counts as the fetch."""
        self.window = window

    def settle(self, stop: threading.Event) -> None:
        """After `fetched`: until the application has taken the text in, so that the clipboard can be given
        back (a round trip to it where the platform has one); returns at once when `stop` is set."""


class Clipboard(Protocol):
    """The desktop clipboard (CLIPBOARD and, on X11, PRIMARY). Callable from any thread."""

    def set_text(self, text: str, secret: bool = False) -> None:
        """Put `text` on the clipboard (and PRIMARY), to stay there; `secret`: marked with the hints clipboard
        managers honour to keep it out of their history."""
        ...

    def offer(self, text: str, secret: bool = False, primary: bool = True) -> ClipboardOffer:
        """Put `text` on the clipboard (and PRIMARY unless `primary` is False: taking it deselects the text
        selected in a GTK application, so that its paste no longer replaces it) for one paste, keeping what
        was there before; `secret`: marked with the hints clipboard managers honour to keep it out of their
        history."""
        ...

    def restore(self) -> None:
        """Put back what the clipboard and PRIMARY held before the last `offer`."""
        ...


@dataclass
class FakeClipboard:
    """In-memory clipboard: an offer counts as fetched as soon as it is armed, unless `fetch` is False."""

    text: str = ""
    fetch: bool = True
    saved: list[str] = field(default_factory=list)
    offers: list[tuple[str, bool]] = field(default_factory=list)
    """(text, secret) of every offer."""
    copies: list[tuple[str, bool]] = field(default_factory=list)
    """(text, secret) of every text put on the clipboard to stay."""
    armed: list[int] = field(default_factory=list)
    """The windows offers were armed for, in order."""

    def set_text(self, text: str, secret: bool = False) -> None:
        self.text = text
        self.copies.append((text, secret))

    def offer(self, text: str, secret: bool = False, primary: bool = True) -> ClipboardOffer:
        self.saved.append(self.text)
        self.text = text
        self.offers.append((text, secret))
        clipboard = self

        class Offer(ClipboardOffer):
            def arm(self, window: int = 0) -> None:
                super().arm(window)
                clipboard.armed.append(window)
                if clipboard.fetch:
                    self.fetched.set()

        return Offer()

    def restore(self) -> None:
        if self.saved:
            self.text = self.saved.pop()


class Launcher(Protocol):
    """Opens documents and starts programs, never through a shell."""

    def open(self, target: str) -> None:
        """Open a URL or path with the desktop's default application; raises OSError when it cannot."""
        ...

    def run(self, argv: Sequence[str]) -> None:
        """Start a program with these arguments (not waiting for it); raises OSError when it cannot."""
        ...


@dataclass
class FakeLauncher:
    opened: list[str] = field(default_factory=list)
    ran: list[list[str]] = field(default_factory=list)

    def open(self, target: str) -> None:
        self.opened.append(target)

    def run(self, argv: Sequence[str]) -> None:
        self.ran.append(list(argv))


class InputWatcher(Protocol):
    """Tells what the person does, never what they type: the window in front (and its title)
    changing, the key combos asked for, and where a followed window is. It reports through the
    callbacks it was made with (see WatcherFactory), on a thread of its own: the caller hops to its
    GUI thread."""

    def watch(self, windows: bool, combos: Collection[str]) -> None:
        """Observe exactly this from now on, replacing what was observed before; nothing at all (no
        thread, no listener) when `windows` is False and `combos` empty (and nothing is followed). With
        `windows`, the window in front is reported right away, then on every change of it or of its
        title."""
        ...

    def follow(self, handle: int | None) -> None:
        """Call `on_moved()` whenever window `handle` moves, is resized, shown, hidden or closed, another
        window comes in front, or windows open or close (handle 0: no window yet, only the latter two);
        None: stop following. Replaces what was followed before; costs nothing while None."""
        ...

    def close(self) -> None:
        """Stop observing for good."""
        ...


WatcherFactory = Callable[[Callable[[WindowInfo], None], Callable[[str], None], Callable[[], None]],
                          InputWatcher]
"""Makes an InputWatcher from `on_window(window)`, `on_combo(combo)` and `on_moved()`; combos as
app.format.model.validate_combo writes them ("ctrl+s")."""


def _nothing() -> None:
    """A callback that does nothing."""


@dataclass
class FakeInputWatcher:
    """In-memory watcher for tests: `activate`, `press` and `move` play the person."""

    on_window: Callable[[WindowInfo], None]
    on_combo: Callable[[str], None]
    on_moved: Callable[[], None] = _nothing
    window: WindowInfo | None = None
    windows: bool = False
    combos: frozenset[str] = frozenset()
    calls: list[tuple[bool, frozenset[str]]] = field(default_factory=list)
    followed: int | None = None
    closed: bool = False

    def watch(self, windows: bool, combos: Collection[str]) -> None:
        self.windows, self.combos = windows, frozenset(combos)
        self.calls.append((self.windows, self.combos))
        if windows and self.window is not None:
            self.on_window(self.window)

    def follow(self, handle: int | None) -> None:
        self.followed = handle

    def close(self) -> None:
        self.watch(False, ())
        self.follow(None)
        self.closed = True

    def activate(self, window: WindowInfo) -> None:
        """The person brings `window` forward (or its title changes)."""
        self.window = window
        if self.windows:
            self.on_window(window)
        self.move()

    def press(self, combo: str) -> None:
        """The person presses a combo; only combos being watched are reported."""
        if combo in self.combos:
            self.on_combo(combo)

    def move(self) -> None:
        """A window moved, was shown or hidden: reported while something is followed."""
        if self.followed is not None:
            self.on_moved()


class Opener(Protocol):
    """Opens a link or a document with the desktop's default application (the browser, a viewer)."""

    def open_url(self, url: str) -> bool:
        """Open a URL, or a local file given as an absolute path; False when nothing could open it."""
        ...


@dataclass
class FakeOpener:
    opened: list[str] = field(default_factory=list)
    works: bool = True
    """False: like a desktop with no browser."""

    def open_url(self, url: str) -> bool:
        self.opened.append(url)
        return self.works


class Autostart(Protocol):
    """Whether Wayguide starts when this person logs in (app/platform/autostart.py for each OS)."""

    def enabled(self) -> bool:
        """What the login really does (an installed entry, the person's override); raises OSError."""
        ...

    def set_enabled(self, on: bool) -> None:
        """Switch it for this person; raises OSError when it cannot."""
        ...


@dataclass
class FakeAutostart:
    on: bool = True

    def enabled(self) -> bool:
        return self.on

    def set_enabled(self, on: bool) -> None:
        self.on = on


class Hotkeys(Protocol):
    """The global hotkey listener: calls `on_hotkey(combo)` on a thread of its own when one of its combos
    is pressed (the keys themselves never leave it), and `on_died()` there when it ended by itself."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def is_alive(self) -> bool: ...

    def ensure_running(self) -> bool:
        """Start it again after it ended by itself; True when it had to."""
        ...


HotkeysFactory = Callable[[Sequence[str], Callable[[str], None], Callable[[], None]], Hotkeys]
"""(combos, on_hotkey(combo), on_died()) -> a Hotkeys not yet started; raises when there can be none."""


@dataclass
class FakeHotkeys:
    """In-memory hotkey listener: `press` and `die` play the person and the desktop (on the caller's
    thread)."""

    combos: Sequence[str]
    on_hotkey: Callable[[str], None]
    on_died: Callable[[], None] = _nothing
    alive: bool = False
    starts: int = 0

    def start(self) -> None:
        self.alive, self.starts = True, self.starts + 1

    def stop(self) -> None:
        self.alive = False

    def is_alive(self) -> bool:
        return self.alive

    def ensure_running(self) -> bool:
        if self.alive:
            return False
        self.start()
        return True

    def press(self, combo: str) -> None:
        if self.alive and combo in self.combos:
            self.on_hotkey(combo)

    def die(self) -> None:
        self.alive = False
        self.on_died()


class Automation(Protocol):
    """Typing and clicking into other applications, where the desktop allows it."""

    def problem(self) -> str | None:
        """Why it cannot work here, a clause in English that is its own msgid ("there is no X display to
        type into": said with `gettext` where it is shown); None when it can. Cheap: holds nothing open."""
        ...

    def connect(self) -> tuple[Injector, ActivityMonitor | None]:
        """The injector and the monitor that tells the person's own input from it (None where the desktop
        cannot tell); raises ProbeUnavailable saying why there are none."""
        ...

    def elements(self) -> Elements | None:
        """The controls inside applications, where this desktop shows them (None: it does not)."""
        ...


@dataclass
class FakeAutomation:
    injector: Injector = field(default_factory=FakeInjector)
    monitor: ActivityMonitor | None = None
    unavailable: str | None = None
    """The problem, when automation is to be unavailable."""
    controls: Elements | None = None

    def problem(self) -> str | None:
        return self.unavailable

    def elements(self) -> Elements | None:
        return self.controls

    def connect(self) -> tuple[Injector, ActivityMonitor | None]:
        if self.unavailable:
            raise ProbeUnavailable(self.unavailable)
        return self.injector, self.monitor
