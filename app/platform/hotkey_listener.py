"""Global hotkeys through pynput's keyboard listener; the keys themselves never leave the matcher."""

from __future__ import annotations

import enum
import logging
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from app.platform.hotkeys import Combo, HotkeyMatcher

__all__ = ["HotkeyListener", "key_name", "x11_modifier_reader", "x11_modifier_state"]

log = logging.getLogger(__name__)

ModifierState = Callable[[], frozenset[str] | None]

_RENAMED = {"cmd": "super", "cmd_l": "super_l", "cmd_r": "super_r", "alt_gr": "altgr", "esc": "escape",
            "page_up": "pageup", "page_down": "pagedown", "print_screen": "printscreen"}
_X11_MASKS = ((1, "shift"), (4, "ctrl"), (8, "alt"), (64, "super"))


def key_name(key: object, platform: str = sys.platform) -> str:
    """The matcher's name for a pynput Key or KeyCode (duck-typed: `.name` of a Key, `.char`, `.vk`)."""
    if isinstance(key, enum.Enum):
        return _RENAMED.get(key.name, key.name)
    char = getattr(key, "char", None)
    if isinstance(char, str) and char.isprintable() and char:
        return char.lower()
    vk = getattr(key, "vk", None)
    if not isinstance(vk, int):
        return "unknown"
    if platform == "win32" and (0x30 <= vk <= 0x39 or 0x41 <= vk <= 0x5A):
        return chr(vk).lower()  # Windows reports ctrl+letter as a control character; its vk is the letter
    return f"vk:{vk}"


class _Listener(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def is_alive(self) -> bool: ...


def _pynput_listener(on_press: Callable[[object], None], on_release: Callable[[object], None],
                     on_end: Callable[[], None]) -> _Listener:
    """pynput's listener thread, calling `on_end` on that thread as it ends, however it ends."""
    from pynput import keyboard

    class Listener(keyboard.Listener):  # type: ignore[misc]
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.heard = threading.Event()
            """Set once keys reach it (or it ended): see HotkeyListener.ready."""

        def _mark_ready(self) -> None:  # pynput: called on its thread once it receives events
            super()._mark_ready()
            self.heard.set()

        def run(self) -> None:
            try:
                super().run()
            finally:
                self.heard.set()
                on_end()

    listener: _Listener = Listener(on_press=on_press, on_release=on_release)
    return listener


ListenerFactory = Callable[[Callable[[object], None], Callable[[object], None], Callable[[], None]],
                           _Listener]
"""(on_press, on_release, on_end) -> a listener not yet started; on_end is called as it ends."""


class HotkeyListener:
    """Watches the keyboard on pynput's thread and calls `on_hotkey(combo)` THERE, not on the GUI thread.

    The GUI must hop to its own thread, e.g. `on_hotkey=bridge.hotkey.emit` with a Qt signal. Keys are
    never logged, stored or sent anywhere; only the matcher sees them. `modifier_state` (optional, e.g.
    `x11_modifier_reader()`) reads the real modifiers from the OS on the press of a combo's key, so a
    missed release (around Alt+Tab, a lock screen) cannot leave a modifier stuck.

    `on_died` (optional) is called, on the listener's thread, when listening ends by itself (the X
    connection broke, pynput failed), never after `stop()`: the app restarts it then, instead of
    polling its health, so an idle app never wakes.
    """

    def __init__(self, combos: Iterable[Combo], on_hotkey: Callable[[Combo], None],
                 modifier_state: ModifierState | None = None,
                 listener_factory: ListenerFactory = _pynput_listener,
                 on_died: Callable[[], None] | None = None) -> None:
        self._matcher = HotkeyMatcher(combos)
        self._on_hotkey = on_hotkey
        self._modifier_state = modifier_state
        self._factory = listener_factory
        self._on_died = on_died
        self._listener: _Listener | None = None
        self._ended_by_itself = False

    def start(self) -> None:
        """Start listening (again); raises what pynput raises when there is no keyboard to listen to."""
        self.stop()
        self._matcher.reset()
        self._ended_by_itself = False
        self._listener = listener = self._factory(self._on_press, self._on_release,
                                                  lambda: self._ended(listener))
        listener.start()

    def ready(self, timeout: float) -> bool:
        """Wait (at most `timeout` s) until keys reach the listener: it starts on a thread of its own,
        and a combo pressed before that passes unseen. Whether it listens now."""
        listener = self._listener
        if listener is None:
            return False
        heard = getattr(listener, "heard", None)
        if isinstance(heard, threading.Event) and not heard.wait(timeout):
            return False
        return listener.is_alive() and not self._ended_by_itself

    def _ended(self, listener: _Listener) -> None:
        if listener is not self._listener:
            return  # stopped on purpose, or replaced
        self._ended_by_itself = True  # its thread is still finishing: its is_alive() still says True
        if self._on_died is not None:
            self._on_died()

    def stop(self) -> None:
        listener, self._listener = self._listener, None  # forgotten first: its end is then no death
        if listener is not None and not self._ended_by_itself:
            # pynput's stop() of a listener whose thread failed while starting (no RECORD extension)
            # waits forever for it to become ready: one that ended by itself has nothing to stop
            listener.stop()

    def listen_for(self, combos: Iterable[Combo]) -> None:
        """Fire for these combos from now on, without a restart: no gap in which a press passes unheard."""
        self._matcher.listen_for(combos)

    def is_alive(self) -> bool:
        return self._listener is not None and self._listener.is_alive() and not self._ended_by_itself

    def ensure_running(self) -> bool:
        """Restart a listener that ended by itself; True when it had to."""
        if self._listener is None or self.is_alive():
            return False
        self.start()
        return True

    def _on_press(self, key: object) -> None:
        # pynput stops the listener and logs the exception, key included, when a callback raises.
        try:
            name = key_name(key)
            modifiers = None
            if self._modifier_state is not None and self._matcher.is_trigger(name):
                modifiers = self._modifier_state()
            combo = self._matcher.press(name, modifiers)
            if combo is not None:
                self._on_hotkey(combo)
        except Exception as exc:
            log.error("hotkey handling failed: %s", type(exc).__name__)

    def _on_release(self, key: object) -> None:
        try:
            self._matcher.release(key_name(key))
        except Exception as exc:
            log.error("hotkey handling failed: %s", type(exc).__name__)


def x11_modifier_state(display: Any) -> frozenset[str]:
    """The modifiers held right now on an Xlib display (core protocol: Shift, Control, Mod1, Mod4)."""
    mask = display.screen().root.query_pointer().mask
    return frozenset(name for bit, name in _X11_MASKS if mask & bit)


def x11_modifier_reader(display_name: str | None = None) -> ModifierState | None:
    """A `modifier_state` for HotkeyListener with its own X connection; None when X cannot be opened."""
    try:
        from Xlib import display as xdisplay

        display = xdisplay.Display(display_name)
    except Exception:
        return None

    def read() -> frozenset[str] | None:
        try:
            return x11_modifier_state(display)
        except Exception:
            return None

    return read
