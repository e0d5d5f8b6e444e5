"""`wayguide` with no command: the tray app's process. Logging, the Qt application, quitting on
SIGTERM/SIGINT, and the ready marker tests and benchmarks wait for."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.runtime.import_hook import import_pyside_keeping_no_sources

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QGuiApplication

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Start the tray app, or hand over to the one already running.

    The tray comes first; the check for a running instance follows on the first turn of the event
    loop (finish_startup), and a second instance then hands over and quits at once."""
    import_pyside_keeping_no_sources()  # first: PySide6's hook checks every module imported after it
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from app import __version__
    from app.paths import Paths
    from app.runtime.collector import MainThreadCollector
    from app.runtime.tray_app import TrayApp

    paths = Paths.from_env()
    QGuiApplication.setDesktopFileName("wayguide")
    app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName("wayguide")
    app.setApplicationDisplayName("Wayguide")
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)
    MainThreadCollector(app).start()  # before any worker thread starts
    tray_app = TrayApp(app, paths)

    signal_ends = _quit_on_signals(tray_app, tray_app.quit)  # noqa: F841 (kept open while the app lives)
    ready = os.environ.get("WAYGUIDE_READY_FILE")

    def finish() -> None:
        from app.logs import configure  # logging.handlers costs ~15 ms: not before the tray shows

        configure(paths.data_dir)  # until now, logging's last resort put warnings on stderr alike
        _spare_from_grabs(app)  # before anything can type (the tray shows first: it costs ~1 ms)
        if not tray_app.finish_startup():
            app.quit()
            return
        from app.runtime.upgrade import watch_install

        tray_app.stages.run("watching for upgrades", lambda: watch_install(tray_app),
                            "an upgrade of Wayguide takes effect at the next start")
        if ready:
            _ready_marker(ready, "ready")

    if ready:  # the tray shows on the first turn of the event loop
        QTimer.singleShot(0, lambda: _ready_marker(ready, "tray"))
    QTimer.singleShot(0, finish)
    return int(app.exec())


def _spare_from_grabs(app: QGuiApplication) -> None:
    """On X11, the GUI's connection is served while the typist holds the server (see spare_from_grabs)."""
    if app.platformName() != "xcb":
        return
    from PySide6.QtGui import QNativeInterface

    from app.platform.x11_hold import spare_from_grabs

    native = app.nativeInterface()
    pointer = native.display() if isinstance(native, QNativeInterface.QX11Application) else None
    if not pointer or not spare_from_grabs(int(pointer)):
        import logging

        logging.getLogger(__name__).warning("libXtst is missing: the panel may stall while Wayguide types")


def _ready_marker(path: str, stage: str) -> None:
    """Tests and benchmarks learn how far start-up got through WAYGUIDE_READY_FILE:
    {"tray": time} once the tray shows, then {"tray": …, "ready": time} once everything runs."""
    from app.format.files import write_atomic

    target = Path(path)
    try:
        stages = json.loads(target.read_text())
    except (OSError, ValueError):
        stages = {"pid": os.getpid()}
    stages[stage] = time.time()
    write_atomic(target, json.dumps(stages), durable=False)


def _quit_on_signals(owner: QObject, quit_: Callable[[], None]) -> tuple[object, ...]:
    """SIGTERM (logout, `kill`) and SIGINT quit cleanly. Python runs signal handlers only when it
    gets control, so the signal also wakes Qt's event loop through a pipe (a socket on Windows,
    where set_wakeup_fd takes only those) that it watches. Returns the pipe's ends, to be kept open
    as long as the app lives."""
    import signal

    from PySide6.QtCore import QSocketNotifier

    ends: tuple[object, ...]
    if sys.platform == "win32":
        import socket

        receiver, sender = socket.socketpair()
        for end in (receiver, sender):
            end.setblocking(False)
        read_end, write_end = receiver.fileno(), sender.fileno()
        drain: Callable[[], object] = lambda: receiver.recv(64)  # noqa: E731
        ends = (receiver, sender)
    else:
        read_end, write_end = os.pipe()
        for fd in (read_end, write_end):
            os.set_blocking(fd, False)
        drain = lambda: os.read(read_end, 64)  # noqa: E731
        ends = (read_end, write_end)
    signal.set_wakeup_fd(write_end)
    notifier = QSocketNotifier(read_end, QSocketNotifier.Type.Read, owner)
    notifier.activated.connect(drain)
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: quit_())
    return ends
