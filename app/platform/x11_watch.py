"""The X11 input watcher: the window in front and its title (EWMH PropertyNotify), and key combos."""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
from collections.abc import Callable, Collection
from typing import Any

from app.platform.hotkey_listener import HotkeyListener, x11_modifier_state
from app.platform.hotkeys import Combo
from app.ports import ProbeUnavailable, WindowInfo

__all__ = ["X11InputWatcher"]

log = logging.getLogger(__name__)

_TITLES = ("_NET_WM_NAME", "WM_NAME")
JOIN_TIMEOUT = 2.0


class X11InputWatcher:
    """InputWatcher for X11. Windows: a thread with its own X connection waits (no polling) for
    PropertyNotify of `_NET_ACTIVE_WINDOW` on the root window and of the title on the window in
    front, then describes that window with the window probe. Combos: a HotkeyListener (the exact
    matcher of the global hotkey) for just the combos asked for; other keys never leave it.
    Both exist only while something is watched. Wayguide's own windows are not reported."""

    def __init__(self, on_window: Callable[[WindowInfo], None], on_combo: Callable[[str], None],
                 display: str | None = None) -> None:
        self._on_window = on_window
        self._on_combo = on_combo
        self._display = display
        self._combos: frozenset[str] = frozenset()
        self._keys: HotkeyListener | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._report = threading.Event()
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

    def _watch_windows(self, windows: bool) -> None:
        if not windows:
            self._stop_thread()
            return
        self._report.set()
        if self._thread is not None and not self._thread.is_alive():
            self._stop_thread()  # it ended on an X error: start afresh
        if self._thread is None:
            self._start_thread()
        else:
            self._poke()

    def close(self) -> None:
        self.watch(False, ())
        if self._modifiers is not None:
            self._modifiers.close()
            self._modifiers = None

    # ----------------------------------------------------------------- combos

    def _watch_combos(self, combos: frozenset[str]) -> None:
        if combos == self._combos and (self._keys is None or self._keys.is_alive()):
            return
        if self._keys is not None:
            self._keys.stop()
            self._keys = None
        self._combos = frozenset()
        if combos:
            listener = HotkeyListener([Combo.parse(c) for c in combos],
                                      lambda combo: self._on_combo(str(combo)), self._modifier_state)
            listener.start()
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
            raise ProbeUnavailable(f"cannot open the X display: {exc}") from None
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
            title_atoms = {connection.intern_atom(name) for name in _TITLES}
            root.change_attributes(event_mask=X.PropertyChangeMask)
            connection.flush()
            front: Any = None
            own = os.getpid()
            while not self._stop.is_set():
                changed = self._report.is_set()
                self._report.clear()
                while connection.pending_events():
                    event = connection.next_event()
                    if event.type != X.PropertyNotify:
                        continue
                    if event.window.id == root.id and event.atom == active_atom:
                        changed = True
                    elif front is not None and event.window.id == front.id and event.atom in title_atoms:
                        changed = True
                if changed:
                    handle = _active_handle(root, active_atom)
                    if front is not None and front.id != handle:
                        front.change_attributes(event_mask=X.NoEventMask)
                        front = None
                    if handle and front is None:
                        front = connection.create_resource_object("window", handle)
                        front.change_attributes(event_mask=X.PropertyChangeMask)
                    connection.flush()
                    window = probe.describe(handle) if handle else None
                    if window is not None and window.pid != own:
                        self._on_window(window)
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


def _active_handle(root: Any, atom: int) -> int:
    from Xlib import X

    prop = root.get_full_property(atom, X.AnyPropertyType)
    if prop is None or not len(prop.value):
        return 0
    return int(prop.value[0])
