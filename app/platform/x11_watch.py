"""The X11 input watcher: the window in front and its title (EWMH PropertyNotify), and key combos."""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
from collections.abc import Callable, Collection
from typing import Any

from app.i18n import N_
from app.platform.hotkey_listener import HotkeyListener, x11_modifier_state
from app.platform.hotkeys import Combo
from app.ports import ProbeUnavailable, WindowInfo

__all__ = ["X11InputWatcher"]

log = logging.getLogger(__name__)

_TITLES = ("_NET_WM_NAME", "WM_NAME")
_STATES = ("_NET_WM_STATE", "WM_STATE")
"""Properties of a followed window that say it was minimised or shown again."""
JOIN_TIMEOUT = 2.0


LISTENER_READY_S = 0.5
"""How long a step's combo watch may hold the GUI thread while its listener starts (tens of ms on this
desktop): the step is shown after it, so a combo pressed at once is not missed."""


class X11InputWatcher:
    """InputWatcher for X11. Windows: a thread with its own X connection waits (no polling) for
    PropertyNotify of `_NET_ACTIVE_WINDOW` on the root window and of the title on the window in
    front, then describes that window with the window probe. A followed window: the same thread waits
    for StructureNotify (ConfigureNotify, map, unmap, destroy) of it and of its window manager frame,
    for its state (minimised) and for the window in front and the window list changing. Combos: a
    HotkeyListener (the exact matcher of the global hotkey) for just the combos asked for; other keys
    never leave it. Each exists only while something is watched. Wayguide's own windows are not
    reported."""

    def __init__(self, on_window: Callable[[WindowInfo], None], on_combo: Callable[[str], None],
                 display: str | None = None, on_moved: Callable[[], None] | None = None) -> None:
        self._on_window = on_window
        self._on_combo = on_combo
        self._on_moved = on_moved or (lambda: None)
        self._display = display
        self._combos: frozenset[str] = frozenset()
        self._keys: HotkeyListener | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._report = threading.Event()
        self._refollow = threading.Event()
        self._windows = False
        self._followed: int | None = None
        self._wake: tuple[int, int] | None = None
        self._modifiers: Any = None
        """The X connection the combo listener reads the held modifiers with."""

    def watch(self, windows: bool, combos: Collection[str]) -> None:
        """Raises what stopped one part (ProbeUnavailable, pynput's error), after trying both."""
        problem: Exception | None = None
        try:
            self._watch_windows(windows)
        except Exception as exc:
            problem = exc
        try:
            self._watch_combos(frozenset(combos))
        except Exception as exc:
            problem = problem or exc
        if problem is not None:
            raise problem

    def follow(self, handle: int | None) -> None:
        """Raises ProbeUnavailable when the X display cannot be opened."""
        self._followed = handle
        self._refollow.set()
        self._update_thread()

    def running(self) -> bool:
        """Whether the thread for windows runs (only while windows are watched or one is followed)."""
        return self._thread is not None

    def _watch_windows(self, windows: bool) -> None:
        self._windows = windows
        if windows:
            self._report.set()
        self._update_thread()

    def _update_thread(self) -> None:
        if not (self._windows or self._followed is not None):
            self._stop_thread()
            return
        if self._thread is not None and not self._thread.is_alive():
            self._stop_thread()  # it ended on an X error: start afresh
        if self._thread is None:
            self._refollow.set()
            self._start_thread()
        else:
            self._poke()

    def close(self) -> None:
        self._followed = None
        self.watch(False, ())
        if self._modifiers is not None:
            self._modifiers.close()
            self._modifiers = None

    # ----------------------------------------------------------------- combos

    def _watch_combos(self, combos: frozenset[str]) -> None:
        if combos == self._combos and (self._keys is None or self._keys.is_alive()):
            return
        if combos and self._keys is not None and self._keys.is_alive():
            # the next step's keys: the listener goes on (a new one would miss what is pressed as it starts)
            self._keys.listen_for([Combo.parse(c) for c in combos])
            self._combos = combos
            return
        if self._keys is not None:
            self._keys.stop()
            self._keys = None
        self._combos = frozenset()
        if combos:
            listener = HotkeyListener([Combo.parse(c) for c in combos],
                                      lambda combo: self._on_combo(str(combo)), self._modifier_state)
            listener.start()
            listener.ready(LISTENER_READY_S)  # a step's combo is heard from the moment the step shows
            self._keys, self._combos = listener, combos

    def _modifier_state(self) -> frozenset[str] | None:
        """The modifiers held now (on the listener's thread); None when X cannot say."""
        try:
            if self._modifiers is None:
                from Xlib import display as xdisplay

                self._modifiers = xdisplay.Display(self._display)
            return x11_modifier_state(self._modifiers)
        except Exception:
            return None

    # ---------------------------------------------------------------- windows

    def _start_thread(self) -> None:
        from Xlib import display as xdisplay
        from Xlib import error

        from app.platform.x11 import X11WindowProbe

        try:
            connection = xdisplay.Display(self._display)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
            raise ProbeUnavailable(N_("cannot open the X display: {problem}"), problem=exc) from None
        probe = X11WindowProbe(self._display)
        self._stop.clear()
        self._wake = os.pipe()
        self._thread = threading.Thread(target=self._run, args=(connection, probe, self._wake[0]),
                                        name="wayguide-window-watch", daemon=True)
        self._thread.start()

    def _poke(self) -> None:
        if self._wake is not None:
            with contextlib.suppress(OSError):  # the thread has ended
                os.write(self._wake[1], b"x")

    def _stop_thread(self) -> None:
        thread, wake = self._thread, self._wake
        if thread is None or wake is None:
            return
        self._stop.set()
        self._poke()
        thread.join(JOIN_TIMEOUT)
        os.close(wake[1])
        self._thread = self._wake = None

    def _run(self, connection: Any, probe: Any, wake: int) -> None:
        from Xlib import X

        try:
            connection.set_error_handler(lambda *_: None)  # a window that vanished is no news
            root = connection.screen().root
            active_atom = connection.intern_atom("_NET_ACTIVE_WINDOW")
            clients_atom = connection.intern_atom("_NET_CLIENT_LIST")
            title_atoms = {connection.intern_atom(name) for name in _TITLES}
            state_atoms = {connection.intern_atom(name) for name in _STATES}
            structure = (X.ConfigureNotify, X.MapNotify, X.UnmapNotify, X.DestroyNotify, X.ReparentNotify)
            root.change_attributes(event_mask=X.PropertyChangeMask)
            connection.flush()
            masks = _Masks(connection)
            front = followed = frame = 0
            own = os.getpid()
            while not self._stop.is_set():
                report = self._report.is_set()
                self._report.clear()
                refollow = self._refollow.is_set()
                self._refollow.clear()
                switched = titled = moved = False
                while connection.pending_events():
                    event = connection.next_event()
                    if event.type == X.PropertyNotify:
                        if event.window.id == root.id:
                            switched |= event.atom == active_atom
                            moved |= event.atom == clients_atom
                        elif event.window.id == front and event.atom in title_atoms:
                            titled = True
                        moved |= event.window.id == followed and event.atom in state_atoms
                    elif event.type in structure:
                        moved = True
                        refollow |= event.type == X.ReparentNotify
                if switched or report or titled or refollow:
                    if switched or report or refollow:
                        front = _active_handle(root, active_atom)
                    if refollow:
                        followed = self._followed or 0
                        frame = _frame(connection, root, followed) if followed else 0
                    following = self._followed is not None
                    masks.select({front: X.PropertyChangeMask | (X.StructureNotifyMask if following else 0)},
                                 {followed: X.StructureNotifyMask | X.PropertyChangeMask},
                                 {frame: X.StructureNotifyMask})
                    connection.flush()
                    if self._windows and (switched or report or titled):
                        window = probe.describe(front) if front else None
                        if window is not None and window.pid != own:
                            self._on_window(window)
                    moved |= switched or refollow
                if moved and self._followed is not None:
                    self._on_moved()
                if switched or report or titled or refollow or moved:
                    continue  # events may have come in meanwhile
                ready, _, _ = select.select([connection.fileno(), wake], [], [])
                if wake in ready:
                    os.read(wake, 64)
        except Exception as exc:  # the X server went away: nothing more to watch
            log.warning("window watching stopped: %s", type(exc).__name__)
        finally:
            os.close(wake)
            probe.close()
            connection.close()


class _Masks:
    """The events this connection asked for on windows other than the root (one mask per window and
    client in X: the wishes for one window are joined)."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self._selected: dict[int, int] = {}

    def select(self, *wishes: dict[int, int]) -> None:
        from Xlib import X

        wanted: dict[int, int] = {}
        for wish in wishes:
            for window, mask in wish.items():
                if window:
                    wanted[window] = wanted.get(window, 0) | mask
        for window in set(wanted) | set(self._selected):
            mask = wanted.get(window, X.NoEventMask)
            if mask != self._selected.get(window, X.NoEventMask):
                self._connection.create_resource_object("window", window).change_attributes(event_mask=mask)
        self._selected = wanted


def _frame(connection: Any, root: Any, handle: int) -> int:
    """The window manager's frame around a top-level window (its ancestor just below the root); the
    window itself where it has none; 0 when it is gone."""
    window = connection.create_resource_object("window", handle)
    try:
        while True:
            parent = window.query_tree().parent
            if not parent or parent.id == root.id:
                return int(window.id)
            window = parent
    except Exception:  # BadWindow: it went away meanwhile
        return 0


def _active_handle(root: Any, atom: int) -> int:
    from Xlib import X

    prop = root.get_full_property(atom, X.AnyPropertyType)
    if prop is None or not len(prop.value):
        return 0
    return int(prop.value[0])
