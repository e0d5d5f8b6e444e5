"""The global hotkey: its listener (app.ports.Hotkeys), started, restarted when it dies by itself, and
stopped; presses reach the GUI thread through a signal."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from app.ports import Hotkeys, HotkeysFactory

__all__ = ["MAX_LISTENER_RESTARTS", "GlobalHotkey"]

log = logging.getLogger(__name__)

MAX_LISTENER_RESTARTS = 3


class GlobalHotkey(QObject):
    """`hotkeys` makes the listener (default: app.platform.global_hotkeys, for this desktop)."""

    pressed = Signal(str)
    """The combo pressed; emitted on the listener thread, Qt queues it to the GUI thread."""
    died = Signal()
    """The listener's thread ended by itself; emitted on that thread (no polling: idle is idle)."""

    def __init__(self, hotkeys: HotkeysFactory | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._factory = hotkeys
        self.listener: Hotkeys | None = None
        """The listener running (None: no global hotkey here)."""
        self._restarts = 0
        self.died.connect(self._died)

    def start(self, combos: Sequence[str]) -> None:
        """Listen for `combos` (replacing what was listened for); where that fails, say how to do
        without."""
        if self.listener is not None:
            self.listener.stop()
        try:
            if self._factory is None:
                from app.platform import global_hotkeys

                self._factory = global_hotkeys
            self.listener = self._factory(combos, self.pressed.emit, self.died.emit)
            self.listener.start()
        except Exception as exc:  # no global hotkey here: the panel stays reachable otherwise
            self.listener = None
            log.warning("wayguide: warning: no global hotkey (%s); bind `wayguide toggle` to a desktop "
                        "shortcut", exc)

    def restart(self, combos: Sequence[str]) -> None:
        """New combos: listen for them, where a listener runs."""
        if self.listener is not None:
            self.start(combos)

    def stop(self) -> None:
        if self.listener is not None:
            try:
                self.listener.stop()
            except Exception as exc:  # e.g. its X connection is gone: that must not keep the app alive
                log.warning("wayguide: warning: the hotkey listener did not stop cleanly: %s", exc)

    def _died(self) -> None:
        """Restart a listener that ended by itself, a few times; then say how to do without."""
        if self.listener is None or self.listener.is_alive():
            return
        self._restarts += 1
        try:
            if self._restarts <= MAX_LISTENER_RESTARTS and self.listener.ensure_running():
                log.warning("wayguide: warning: the hotkey listener had stopped and was restarted")
                return
        except Exception:  # pynput cannot listen any more (the X server went away): give up below
            pass
        self.listener.stop()
        self.listener = None
        log.warning("wayguide: warning: the hotkey listener keeps stopping; giving up (see `wayguide "
                    "doctor`; bind `wayguide toggle` to a desktop shortcut)")
