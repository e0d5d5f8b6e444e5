"""The recorder's capture on X11 with AT-SPI (app.recording.capture.Capture): what the author does, as events.

Three threads, each blocked until something happens (no polling): the X source (raw keys and buttons of every
device, the window in front and the list of windows: app.platform.x11_capture_source), the accessibility feed
(focus and inserted text: app.platform.atspi_feed) and the resolver here, which takes both in the order they
came, asks the applications what was clicked and which field has the focus, and reports events in order.

Typed text: the keys give where text starts and ends (a combo, a click, another window) and its characters as
the keyboard mapping gives them; where the application tells what it inserted (GTK, Qt with accessibility),
that exact text is taken instead, once it accounts for every key (xdotool types a character missing from the
keymap on a keycode remapped for a moment: the mapping read here may already be back). Text typed into a
password field is never held: its keys carry no character and its inserted text is dropped on the feed's
thread (the field is looked up as the focus moves to it), and it is reported as SecretTyped."""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from app.format.elements import shortest_locator
from app.platform.atspi_feed import FeedEvent, FocusChanged, Ref, TextChanged
from app.platform.capture_keys import TypedText, fractions
from app.platform.capture_notes import Notes
from app.platform.x11_capture_source import (
    ActiveChanged,
    ButtonPressed,
    KeyPressed,
    SourceEvent,
    WindowsChanged,
    X11Source,
)
from app.ports import Control, ProbeUnavailable, WindowInfo
from app.recording.events import (
    Click,
    Combo,
    DialogClosed,
    DialogOpened,
    Event,
    Field,
    Focus,
    SecretTyped,
    Typed,
)

__all__ = ["INSERT_WAIT_S", "X11Capture"]

log = logging.getLogger(__name__)

INSERT_WAIT_S = 0.5
"""At the end of typed text, the longest wait for the application to tell the text its keys inserted."""

STOP_WAIT_S = 15.0
"""At the stop, the longest wait for the capture to report what came before it: under load, a click into a
busy application (gnumeric saving) took several bus calls of up to 2 s each plus the focus wait, and the
click pressed last was left out of the draft after the earlier 5.5 s."""

MENU_WAIT_S = 2.0
"""A click while a menu is open, not on a menu item as far as the application says now: the longest wait for
the focus event of the item under the pointer (the menu closes on the click, the item's event lags: more
than 1 s under CI's load). Also the wait for the focus a click gave in a window it closed."""

_TEXT_ROLES = {"text", "entry", "password text", "paragraph", "document text", "terminal", "spin button",
               "combo box", "editbar"}
_WINDOW_ROLES = {"frame", "dialog", "file chooser", "window", "alert", "font chooser", "color chooser",
                 "application", "filler", "panel", "scroll pane", "viewport", "layered pane", "root pane"}
_MENU_ITEMS = {"menu item", "check menu item", "radio menu item", "tear off menu item", "menu"}
_SKIPPED_AFTER = {"enter": "\n", "tab": "\t"}
"""What a combo key inserts into a text field itself, dropped from the text typed after it."""


@dataclass(frozen=True)
class _Focus:
    """The accessibility focus moved (told on the feed's thread, with the field looked up there)."""

    ref: Ref
    control: Control | None
    secret: bool


@dataclass(frozen=True)
class _Pause:
    paused: bool


@dataclass(frozen=True)
class _Stop:
    pass


_Item = SourceEvent | TextChanged | _Focus | _Pause | _Stop


@dataclass
class _Pending:
    """Text being typed into one place."""

    t: float
    window: WindowInfo | None
    ref: Ref | None
    secret: bool
    tells: bool
    """Whether the focused control is a text field that tells what it inserts (worth waiting for)."""
    text: TypedText = field(default_factory=TypedText)
    skip: str = ""


class X11Capture:
    """Capture (app.recording.capture) on X11: see the module's text. `ignore`: combos never reported (the
    stop hotkey); `own_pid`: windows of this process are Wayguide's own and not reported."""

    def __init__(self, display: str | None = None, ignore: Collection[str] = (), own_pid: int | None = None,
                 bus_address: str | None = None) -> None:
        self._display = display
        self._ignore = frozenset(ignore)
        self._own = os.getpid() if own_pid is None else own_pid
        self._bus_address = bus_address
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._source: X11Source | None = None
        self._feed: Any = None
        self._thread: threading.Thread | None = None
        self._secret_focus = False
        """Whether the accessibility focus is in a password field now (read by the X source's thread)."""
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ the port

    def start(self, on_event: Callable[[Event], None]) -> None:
        """Raises ProbeUnavailable when the X display cannot be had. Without an accessibility bus, clicks
        are points and typed text comes from the keys only."""
        self.stop()
        self._queue = queue.SimpleQueue()
        resolver = _Resolver(self._display, self._bus_address, self._ignore, self._own, on_event, self._queue)
        self._source = X11Source(self._display, self._queue.put, lambda: self._secret_focus)
        self._feed = self._open_feed()
        if self._feed is not None:
            self._queue.put(self._focus_now())  # before any key: the field may be a password field already
        self._thread = threading.Thread(target=resolver.run, name="wayguide-capture", daemon=True)
        self._thread.start()
        self._source.start()

    def pause(self, paused: bool) -> None:
        self._queue.put(_Pause(paused))

    def stop(self) -> None:
        with self._lock:
            source, feed, thread = self._source, self._feed, self._thread
            self._source = self._feed = self._thread = None
        if source is not None:
            source.stop()  # no more keys or clicks; text pending waits for what the feed still tells
        if thread is not None:
            self._queue.put(_Stop())
            thread.join(STOP_WAIT_S)
            if thread.is_alive():
                log.warning("recording: the capture was still working out what was done %g s after the stop; "
                            "what it finds now is left out", STOP_WAIT_S)
        if feed is not None:
            feed.stop()
        self._secret_focus = False

    # ------------------------------------------------------------- the feed

    def _focus_now(self) -> _Focus:
        """Where the keyboard focus is as recording starts (no event tells it)."""
        from app.platform.atspi import AtspiElements
        from app.platform.x11 import X11WindowProbe

        probe, elements = X11WindowProbe(self._display), AtspiElements(self._bus_address)
        try:
            window = probe.active_window()
            control = elements.focused(window) if window is not None else None
            if control is not None:
                control = elements.control(control.ref)
        except ProbeUnavailable:
            control = None
        finally:
            elements.close()
            probe.close()
        self._secret_focus = hidden = control is not None and control.role == "password text"
        return _Focus(control.ref if control else ("", ""), control, hidden)

    def _open_feed(self) -> Any:
        from app.platform.atspi import AtspiElements, accessibility_bus_address
        from app.platform.atspi_feed import AtspiFeed

        try:
            address = accessibility_bus_address(self._bus_address)
        except ProbeUnavailable as exc:
            log.info("recording without the accessibility bus: %s", exc)
            return None
        lookup = AtspiElements(address)
        fields: dict[Ref, Control | None] = {}

        def field_of(ref: Ref) -> Control | None:
            if ref not in fields:
                try:
                    fields[ref] = lookup.control(ref)
                except ProbeUnavailable:
                    fields[ref] = None
                if len(fields) > 10_000:
                    fields.clear()
            return fields.get(ref)

        def secret(ref: Ref) -> bool:
            control = field_of(ref)
            return control is not None and control.role == "password text"

        def told(event: FeedEvent) -> None:
            if isinstance(event, FocusChanged):
                control = field_of(event.ref)
                self._secret_focus = hidden = control is not None and control.role == "password text"
                self._queue.put(_Focus(event.ref, control, hidden))
            else:
                self._queue.put(event)

        try:
            feed = AtspiFeed(address, told, secret)
        except ProbeUnavailable as exc:
            lookup.close()
            log.info("recording without accessibility events: %s", exc)
            return None
        return _Closing(feed, lookup)


class _Closing:
    """The feed and the lookup its thread uses, stopped together."""

    def __init__(self, feed: Any, lookup: Any) -> None:
        self._feed, self._lookup = feed, lookup

    def stop(self) -> None:
        self._feed.stop()
        self._lookup.close()


class _Resolver:
    """Turns what the source and the feed tell into the port's events, in order, on the capture's thread."""

    def __init__(self, display: str | None, bus_address: str | None, ignore: frozenset[str], own: int,
                 on_event: Callable[[Event], None], items: queue.SimpleQueue[_Item]) -> None:
        self._display_name = display
        self._bus_address = bus_address
        self._ignore = ignore
        self._own = own
        self._on_event = on_event
        self._items = items
        self._held: deque[_Item] = deque()
        self._paused = False
        self._probe: Any = None
        self._elements: Any = None
        self._front: WindowInfo | None = None
        self._main: int = 0
        """The last window in front that is not a dialog."""
        self._windows: dict[int, WindowInfo | None] = {}
        """The windows listed, each described when it was a dialog of another process (None: not one)."""
        self._focus: _Focus | None = None
        self._pending: _Pending | None = None
        self._skip: tuple[Ref | None, str] = (None, "")
        self._open_menu: Control | None = None
        """The menu the last click opened (its items are looked for where the next click is)."""
        self._clicked_focus = False
        """Whether the focus a click gave is being waited for (see _focus_from_click)."""
        self._notes = Notes()

    def run(self) -> None:
        from app.platform.x11 import X11WindowProbe

        try:
            self._probe = X11WindowProbe(self._display_name)
        except ProbeUnavailable as exc:
            log.warning("recording stopped: %s", exc)
            return
        try:
            while True:
                item = self._held.popleft() if self._held else self._items.get()
                if isinstance(item, _Stop):
                    self._flush()
                    return
                try:
                    self._handle(item)
                except ProbeUnavailable as exc:  # the accessibility bus went away: points and keys go on
                    log.info("recording: %s", exc)
                    self._close_elements()
        except Exception as exc:  # the display went away, or a bug: recording ends, the app goes on
            # where it failed, never the exception's text: it may hold what was typed
            log.error("recording stopped: %s at\n%s", type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
        finally:
            self._close_elements()
            self._probe.close()

    # ------------------------------------------------------------------ events

    def _handle(self, item: _Item) -> None:
        if isinstance(item, KeyPressed):
            self._key(item)
        elif isinstance(item, ButtonPressed):
            self._flush()
            self._click(item)
        elif isinstance(item, ActiveChanged):
            self._active(item)
        elif isinstance(item, WindowsChanged):
            self._listed(item)
        elif isinstance(item, _Focus):
            self._focused(item)
        elif isinstance(item, TextChanged):
            self._text_changed(item)
        elif isinstance(item, _Pause):
            self._flush()
            self._paused = item.paused

    def _tell(self, event: Event) -> None:
        if not self._paused and event.window.pid != self._own:
            self._on_event(event)

    def _key(self, item: KeyPressed) -> None:
        front = self._front
        if self._paused or (front is not None and front.pid == self._own):
            return
        kind, value = item.meaning.kind, item.meaning.value
        if kind == "text":
            pending = self._pending or self._begin(item.t)
            pending.text.key(value)
            return
        if kind == "backspace":
            if self._pending is not None and self._pending.text.backspace():
                return
            kind, value = "combo", "backspace"
        if kind != "combo":
            return
        self._flush()
        self._open_menu = None  # Escape closed it, or Enter chose an item: the next click is not in it
        if value in self._ignore:
            return
        focus = self._focus
        self._skip = (focus.ref if focus else None, _SKIPPED_AFTER.get(value, ""))
        self._tell(Combo(item.t, front or WindowInfo(), value))

    def _begin(self, t: float) -> _Pending:
        front = self._front
        if front is not None and front.pid != self._own and not self._notes.has_buttons(front) \
                and self._probe.dialog(front.handle):  # a main window's buttons seldom close it
            with contextlib.suppress(ProbeUnavailable):
                self._notes.note_buttons(front, self._atspi())
        focus = self._focus
        control = focus.control if focus else None
        tells = control is not None and (control.role in _TEXT_ROLES or "editable" in control.states)
        ref, skip = self._skip
        self._pending = _Pending(t, self._front, focus.ref if focus else None, bool(focus and focus.secret),
                                 tells, skip=skip if focus is not None and ref == focus.ref else "")
        self._skip = (None, "")
        return self._pending

    def _focused(self, item: _Focus) -> None:
        self._focus = item
        pending = self._pending
        if pending is None or pending.ref == item.ref:
            return
        control = item.control
        tells = control is not None and (control.role in _TEXT_ROLES or "editable" in control.states)
        if not pending.text.told:  # the focus came late (the feed lags the keys): the keys went here
            pending.ref, pending.secret, pending.tells = item.ref, pending.secret or item.secret, tells
            return
        # the focus moved while typing: what the keys typed beyond the text told goes on in the new place
        # (the feed tells a control's text before the focus leaves it: what it told is all it got)
        told = len(pending.text.inserted)
        surplus = pending.text.keys[told:]
        del pending.text.keys[told:]
        self._flush(wait=False)
        if surplus:
            rest = self._begin(pending.t)
            for char in surplus:
                rest.text.key(char)

    def _text_changed(self, item: TextChanged) -> None:
        pending = self._pending
        if pending is None or item.ref != pending.ref:
            self._skip = (None, "") if self._skip[0] == item.ref else self._skip
            return  # not typing (a paste, a program's own change), or another control
        if pending.secret or (item.inserted and item.text is None):
            pending.text.told = True
            pending.text.inserted.extend("\0" * item.length)  # counted, never kept (the text is not here)
            return
        if not item.inserted:
            pending.text.delete(item.length)
            return
        text = item.text or ""
        if pending.skip and text.startswith(pending.skip):
            text, pending.skip = text[len(pending.skip):], ""
        elif text:
            pending.skip = ""
        pending.text.insert(text)

    def _flush(self, wait: bool = True) -> None:
        """Report the text pending, once the application has told what it inserted (or can be waited for no
        longer); what came meanwhile from the keys and windows is held and handled next, in order."""
        pending = self._pending
        if pending is None:
            return
        if wait and pending.tells and not pending.secret:
            told = pending.text
            self._await_feed(lambda: (told.told and told.complete) or self._pending is not pending,
                             INSERT_WAIT_S, focus=False)
            if self._pending is not pending:  # the focus moved meanwhile: reported already; the rest now
                self._flush(wait)
                return
        self._pending = None
        window = self._fresh(pending.window) if pending.window is not None else WindowInfo()
        if self._paused or window.pid == self._own:
            return
        if not pending.secret and not pending.text.told and self._password_focused(window):
            pending.secret = True  # no event said where the focus is: a password field is never guessed at
        if pending.secret:
            if pending.text.keys or pending.text.told:
                self._tell(SecretTyped(pending.t, window, self._field(pending.ref, window)))
            return
        text = pending.text.text()
        if text:
            self._tell(Typed(pending.t, window, text, self._field(pending.ref, window)))

    def _await_feed(self, done: Callable[[], bool], seconds: float, focus: bool = True) -> None:
        """Take what the accessibility feed tells (it lags the X server) until `done` or `seconds` passed;
        what came from the X server meanwhile is held and handled next, in order. Without `focus`, the focus
        moving is held too: text is flushed by a key or click that ended it, and the focus the feed tells
        meanwhile is that key's doing (Enter in gnumeric's cell box moves it to the sheet), not a place the
        text's last keys went to."""
        deadline = time.monotonic() + seconds
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                item = self._items.get(timeout=remaining)
            except queue.Empty:
                return
            if (self._held and not self._current(item)) or (not focus and isinstance(item, _Focus)):
                # told after keys held here: it belongs after them (the resolver can lag behind in gnumeric:
                # the text of the next field was once taken, and dropped, before the keys that typed it)
                self._held.append(item)
            elif isinstance(item, TextChanged | _Focus):
                self._handle(item)
            else:
                self._held.append(item)

    def _current(self, item: _Item) -> bool:
        """Whether a feed item tells of what is being waited for now though keys after it are held: the text
        pending, the focus of the menu item just clicked, or the focus a click gave (_focus_from_click)."""
        if isinstance(item, _Focus):
            return item.control is not None and (item.control.role in _MENU_ITEMS or self._clicked_focus)
        pending = self._pending
        return isinstance(item, TextChanged) and pending is not None and item.ref == pending.ref

    # ------------------------------------------------------------------ clicks

    def _click(self, item: ButtonPressed) -> None:
        if self._paused:
            return
        window = self._window_at(item.x, item.y)
        window = self._fresh(window) if window is not None else None
        if window is None or window.pid == self._own:
            return
        control: Control | None = None
        found: Field | None = None
        path: tuple[str, ...] = ()
        with contextlib.suppress(ProbeUnavailable):
            elements = self._atspi()
            if elements is not None:
                control = elements.at_point(window, item.x, item.y)
                menu = self._open_menu
                if (control is None or control.role not in _MENU_ITEMS) and menu is not None:
                    # an open menu's items are drawn in a window of their own, over the one asked (and when
                    # the click closed it already, where they were drawn while it was open)
                    control = elements.inside_at(menu, item.x, item.y) \
                        or self._notes.item(menu, item.x, item.y, elements) or control
                in_menu = menu is not None or self._in_menu()
                if (control is None or control.role not in _MENU_ITEMS) and in_menu:
                    # the item's focus may be on its way (the feed lags; the popup may be gone already: the
                    # item is taken on release, the capture asks after the press)
                    self._await_feed(self._on_menu_item, MENU_WAIT_S)
                focus = self._focus.control if self._focus else None
                if (control is None or control.role not in _MENU_ITEMS) and focus is not None \
                        and focus.role in _MENU_ITEMS and focus.role != "menu":
                    control = focus  # an open menu's item under the pointer has the focus (it may be gone)
                if in_menu and control is not None and control.role not in _MENU_ITEMS:
                    control = None  # beneath the menu: an open menu takes the click (a point, to be checked)
                if control is None and not in_menu and self._gone(window):
                    control = self._focus_from_click() or self._notes.button(window, item.x, item.y)
                if control is not None and control.role not in _WINDOW_ROLES:
                    found = _locate(elements, control, window)
                    noted = self._notes.locator(window, control) if found is None else None
                    if noted is not None and self._gone(window):
                        found = Field(noted, control.label)  # the press closed the dialog it was noted in
                    if found is not None and control.role in _MENU_ITEMS:
                        path = _menu_path(control, elements.ancestors(control))
        self._open_menu = control if found is not None and control is not None and control.role == "menu" \
            else None
        if self._open_menu is not None:
            with contextlib.suppress(ProbeUnavailable):
                self._notes.note_menu(self._open_menu, self._atspi())
        if found is None:
            geometry = window.geometry
            at = fractions((item.x, item.y), geometry) if geometry else None
            self._tell(Click(item.t, window, item.button, at=at))
            return
        self._tell(Click(item.t, window, item.button, element=found, menu_path=path))

    def _gone(self, window: WindowInfo) -> bool:
        now = self._probe.describe(window.handle)
        return now is None or not now.shown

    def _focus_from_click(self) -> Control | None:
        """The control a click gave the focus to, when the application no longer tells what was under the
        pointer: the click closed the window (a dialog's Save button acts on release, before the capture
        asks after the press); the control's focus event lags behind. None when no control in a window took
        the focus within MENU_WAIT_S."""
        before = self._focus

        def moved() -> bool:
            focus = self._focus
            return focus is not before and focus is not None and focus.control is not None \
                and focus.control.role not in _WINDOW_ROLES

        held = next((item for item in self._held if isinstance(item, _Focus)), None)
        if held is not None:  # told while the text typed before the click was waited for
            self._held.remove(held)
            self._focused(held)
            if moved():
                return held.control
        self._clicked_focus = True  # taken even behind what is held (the window closing, told meanwhile)
        try:
            self._await_feed(moved, MENU_WAIT_S)
        finally:
            self._clicked_focus = False
        focus = self._focus
        return focus.control if moved() and focus is not None else None


    def _in_menu(self) -> bool:
        control = self._focus.control if self._focus else None
        return control is not None and control.role in _MENU_ITEMS

    def _on_menu_item(self) -> bool:
        control = self._focus.control if self._focus else None
        return control is not None and control.role in _MENU_ITEMS and control.role != "menu"

    def _fresh(self, window: WindowInfo) -> WindowInfo:
        """The window as it is now (its title changes as one types: the accessibility bus knows it by it)."""
        return self._probe.describe(window.handle) or window

    def _window_at(self, x: int, y: int) -> WindowInfo | None:
        """The window under the point: the one in front when it holds it (menus stay with it), else the
        top-most listed window that does, else the one in front."""
        front = self._front
        if front is not None and _holds(front, x, y):
            return front
        for window in reversed(self._probe.windows()):
            if window.shown and _holds(window, x, y):
                return window  # type: ignore[no-any-return]
        return front

    # ----------------------------------------------------------------- windows

    def _active(self, item: ActiveChanged) -> None:
        if self._front is not None and item.handle == self._front.handle:
            self._front = self._probe.describe(item.handle) or self._front  # a new title, perhaps
            return
        self._flush()
        window = self._probe.describe(item.handle) if item.handle else None
        self._front = window
        if window is None or window.pid == self._own or self._probe.dialog(item.handle):
            return
        if item.handle != self._main:
            self._main = item.handle
            self._tell(Focus(item.t, window))

    def _listed(self, item: WindowsChanged) -> None:
        known = self._windows
        first = not known
        now = set(item.handles)
        for handle in item.handles:
            if handle in known:
                continue
            window = self._probe.describe(handle)
            dialog = window is not None and window.pid != self._own and self._probe.dialog(handle)
            known[handle] = window if dialog else None
            if dialog and not first and window is not None:
                self._flush()
                self._tell(DialogOpened(item.t, window))
        for handle in [h for h in known if h not in now]:
            gone = known.pop(handle)
            if gone is not None:
                self._flush()
                self._tell(DialogClosed(item.t, gone))

    # ------------------------------------------------------------------ fields

    def _field(self, ref: Ref | None, window: WindowInfo) -> Field | None:
        if ref is None:
            return None
        with contextlib.suppress(ProbeUnavailable):
            elements = self._atspi()
            if elements is not None:
                return _locate(elements, elements.control(ref), window)
        return None

    def _password_focused(self, window: WindowInfo) -> bool:
        with contextlib.suppress(ProbeUnavailable):
            elements = self._atspi()
            control = elements.focused(window) if elements is not None and window.handle else None
            return control is not None and control.role == "password text"
        return False

    def _atspi(self) -> Any:
        if self._elements is None:
            from app.platform.atspi import AtspiElements

            self._elements = AtspiElements(self._bus_address)
        return self._elements

    def _close_elements(self) -> None:
        if self._elements is not None:
            self._elements.close()
            self._elements = None



def _holds(window: WindowInfo, x: int, y: int) -> bool:
    box = window.geometry
    return box is not None and box[0] <= x < box[0] + box[2] and box[1] <= y < box[1] + box[3]


def _menu_path(control: Control, ancestors: list[Control]) -> tuple[str, ...]:
    """The labels from the menu bar down to `control` ("File", "Save As...")."""
    menus = [a.label for a in reversed(ancestors) if a.role == "menu" and a.label]
    return (*menus, control.label) if control.label else tuple(menus)


def _locate(elements: Any, control: Control, window: WindowInfo) -> Field | None:
    """The shortest locator that finds `control` again: its role and name when they pick it alone (asked
    of the application by role: cheap), else as `wayguide inspect` makes it from all the controls."""
    plain = shortest_locator([control], 0)
    found = elements.find(plain, window)
    if len(found) == 1 and found[0].ref == control.ref:
        return Field(plain, control.label)
    if not found and control.label and not elements.controls(window):
        return Field(plain, control.label)  # the window closed: its role and name are what is known
    controls: list[Control] = elements.controls(window)
    index = _index(controls, control.ref)
    return Field(shortest_locator(controls, index), controls[index].label) if index is not None else None


def _index(controls: list[Control], ref: Ref) -> int | None:
    return next((i for i, c in enumerate(controls) if c.ref == ref), None)
