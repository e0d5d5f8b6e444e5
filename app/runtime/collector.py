"""Python's cyclic garbage collector runs on whichever thread crosses its allocation threshold: in
Wayguide that is often a worker (the hotkey listener, the element watch, the usage writer). A Qt
object caught in a reference cycle is then deleted on that thread, which Qt does not allow: it warns
("Socket notifiers cannot be enabled or disabled from another thread"), spins on a dead descriptor
or crashes. So the app turns automatic collection off and collects on the GUI thread, from a timer,
the generations the automatic collector would have collected (the pattern of calibre, novelWriter,
nexpy). Reference counting still frees everything outside cycles at once, on any thread."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

__all__ = ["INTERVAL_MS", "MainThreadCollector", "collect_due"]

INTERVAL_MS = 2000
"""How often the GUI thread looks whether a collection is due: a look costs a microsecond, and two
seconds of cyclic garbage is little memory."""


def collect_due() -> int | None:
    """Collect the oldest generation whose allocation count reached its threshold (and so the
    younger ones), as the automatic collector would; the generation collected, or None."""
    due = None
    for generation, (count, threshold) in enumerate(zip(gc.get_count(), gc.get_threshold(), strict=True)):
        if threshold <= 0 or count < threshold:
            break
        due = generation
    if due is not None:
        gc.collect(due)
    return due


class MainThreadCollector:
    """While started, the cyclic collector runs only here, on the thread that made this (the GUI
    thread). stop() gives collection back to the interpreter as it was."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        from PySide6.QtCore import QTimer

        self._timer = QTimer(parent)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(collect_due)
        self._was_enabled = gc.isenabled()

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
