"""The step observer: carries out the engine's Watch effects (windows, keys, clipboard, files, time)."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from app.format.files import read_regular

if TYPE_CHECKING:
    from app.engine import Watch
    from app.format.model import ElementCond
    from app.ports import InputWatcher, WatcherFactory, WindowInfo

__all__ = ["FILE_POLL_MS", "TICK_MS", "ElementWatchFactory", "ElementWatcher", "StepObserver"]

log = logging.getLogger(__name__)

TICK_MS = 1000
FILE_POLL_MS = 500
FILE_READ_LIMIT = 1 << 20


class StepObserver(QObject):
    """Carries out the engine's Watch effects: observes what the current step asks, only while it
    asks, and reports engine events through `observed`, always in the GUI thread and never from
    inside `watch` (the current state follows on the next turn of the event loop).

    The window in front and key combos come from an InputWatcher (made on first need by `factory`,
    default app.platform.input_watcher), the clipboard from Qt, files by a cheap poll of their
    size and time while watched, Tick from a timer. What the person types is never seen: only the
    combos asked for, and the clipboard's text, which goes to the engine and nowhere else."""

    observed = Signal(object)
    _window = Signal(object)
    _combo = Signal(str)
    _control = Signal(int, str, bool)

    def __init__(self, parent: QObject | None = None, factory: WatcherFactory | None = None,
                 elements: ElementWatchFactory | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._element_factory = elements
        self._elements: ElementWatcher | None = None
        self._element_generation = -1
        self._watcher: InputWatcher | None = None
        self.problem = ""
        """Why the current Watch's windows or keys cannot be seen, a clause ("" when they can); a Phrase
        where the desktop said why (ProbeUnavailable), so that it is said in the person's language."""
        self._warned = False
        self.current: Watch | None = None
        self._files: dict[str, object] = {}
        self._copying = False
        self._ticks = QTimer(self, interval=TICK_MS)
        self._ticks.timeout.connect(self._tick)
        self._polls = QTimer(self, interval=FILE_POLL_MS)
        self._polls.timeout.connect(self._poll_files)
        self._connected = False

    def watch(self, watch: Watch) -> None:
        """Observe exactly what `watch` asks, replacing what was observed before."""
        if not self._connected:  # on first use: Qt's enums take ~25 ms to make, the tray shows first
            from PySide6.QtCore import Qt

            queued = Qt.ConnectionType.QueuedConnection
            self._window.connect(self._window_seen, queued)
            self._combo.connect(self._combo_pressed, queued)
            self._control.connect(self._control_seen, queued)
            self._connected = True
        self.current = watch
        self._input(watch.windows, watch.keys)
        self._controls(watch)
        if watch.clipboard != self._copying:
            clipboard = QGuiApplication.clipboard()
            if watch.clipboard:
                clipboard.dataChanged.connect(self._clipboard_changed)
            else:
                clipboard.dataChanged.disconnect(self._clipboard_changed)
            self._copying = watch.clipboard
        self._files = {path: None for path in watch.files}
        if watch.files:
            QTimer.singleShot(0, self._report_files)
            self._polls.start()
        else:
            self._polls.stop()
        if watch.timer:
            if not self._ticks.isActive():
                self._ticks.start()
        else:
            self._ticks.stop()

    def stop(self) -> None:
        from app.engine import Watch

        if self.current is not None:
            self.watch(Watch(""))
            self.current = None

    def close(self) -> None:
        self.stop()
        if self._elements is not None:
            self._elements.close()
            self._elements = None
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None

    def watching(self) -> bool:
        """Whether anything is being observed (nothing runs at idle)."""
        return bool(self._copying or self._polls.isActive() or self._ticks.isActive()
                    or (self.current is not None and (self.current.windows or self.current.keys
                                                      or self.current.elements)))

    def _controls(self, watch: Watch) -> None:
        """Element conditions go to the element watcher (made on first need), decided there from
        accessibility events."""
        if self._elements is None and not watch.elements:
            return
        if self._elements is None:
            factory = self._element_factory or _element_watch
            self._elements = factory(self._control.emit)
        self._element_generation = self._elements.watch(watch.elements)

    def _control_seen(self, generation: int, path: str, holds: bool) -> None:
        from app.engine import ElementObserved

        if generation == self._element_generation and self.current is not None:
            self.observed.emit(ElementObserved(path=path, holds=holds, at=time.time()))


    def _input(self, windows: bool, combos: tuple[str, ...]) -> None:
        self.problem = ""
        if self._watcher is None and not (windows or combos):
            return
        try:
            if self._watcher is None:
                if self._factory is None:
                    from app.platform import input_watcher

                    self._factory = input_watcher
                self._watcher = self._factory(self._window.emit, self._combo.emit, _nothing)
            self._watcher.watch(windows, combos)
        except Exception as exc:  # ProbeUnavailable, no keyboard to listen to: press Next instead
            if windows or combos:
                self.problem = _clause(exc)
            if not self._warned:
                self._warned = True
                log.warning("wayguide: warning: cannot notice windows and keys here (%s); "
                            "steps move on with Next", exc)

    def _window_seen(self, window: WindowInfo) -> None:
        from app.engine import WindowActivated

        if self._elements is not None:
            self._elements.poke()
        if self.current is not None and self.current.windows:
            self.observed.emit(WindowActivated(app=window.app, title=window.title, exe=window.exe,
                                               klass=window.klass,
                                               at=time.time()))

    def _combo_pressed(self, combo: str) -> None:
        from app.engine import KeysPressed

        if self.current is not None and combo in self.current.keys:
            self.observed.emit(KeysPressed(combo=combo, at=time.time()))

    def _clipboard_changed(self) -> None:
        from PySide6.QtGui import QClipboard

        from app.engine import ClipboardChanged

        text = QGuiApplication.clipboard().text(QClipboard.Mode.Clipboard)
        self.observed.emit(ClipboardChanged(text=text, at=time.time()))

    def _tick(self) -> None:
        from app.engine import Tick

        self.observed.emit(Tick(at=time.time()))

    def _report_files(self) -> None:
        self._poll_files(force=True)

    def _poll_files(self, force: bool = False) -> None:
        from app.engine import FileObserved

        for path, seen in list(self._files.items()):
            full = os.path.expanduser(path)
            stamp = _stamp(full)
            if force or stamp != seen:  # read only when it changed
                self._files[path] = stamp
                self.observed.emit(FileObserved(path=path, content=_text(full) if stamp else None,
                                                at=time.time()))


class ElementWatcher(Protocol):
    """What the observer asks of app.automation.element_watch.ElementWatch."""

    def watch(self, conditions: Sequence[tuple[str, ElementCond]]) -> int: ...

    def poke(self) -> None: ...

    def close(self) -> None: ...


ElementWatchFactory = Callable[[Callable[[int, str, bool], None]], ElementWatcher]
"""Makes the element watcher from its report(generation, path, holds), called on its own thread."""


def _element_watch(report: Callable[[int, str, bool], None]) -> ElementWatcher:
    from app.automation.element_watch import ElementWatch
    from app.platform import elements, window_probe

    return ElementWatch(elements, window_probe, report, own_pid=os.getpid())


def _nothing() -> None:
    """Window moves: the step observer follows no window (the highlight does)."""


def _stamp(path: str) -> tuple[int, int, int] | None:
    """Changes whenever the file does; None when it does not exist."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def _text(path: str) -> str | None:
    try:  # never a FIFO or device (it would block the GUI thread)
        raw = read_regular(path, FILE_READ_LIMIT * 4)
        return raw.decode("utf-8", errors="replace")[:FILE_READ_LIMIT]
    except OSError:
        return None


def _clause(exc: Exception) -> str:
    """Why watching failed, a clause: a Phrase where the desktop said why (its template and values)."""
    from app.ports import ProbeUnavailable

    if isinstance(exc, ProbeUnavailable) and exc.phrase.template:
        return exc.phrase
    return str(exc) or type(exc).__name__
