"""Upgrades while running: when Wayguide's own installation is replaced under it (IT upgrades the
package: dpkg renames the new files over /opt/wayguide), the running app notices and starts itself
again from the new files at the first quiet moment, so that its old code does not go on loading parts
of the new bundle.

What is watched: in a frozen bundle, its executable (dpkg replaces it by a rename: a new inode, size
and time); from a source checkout, nothing, unless WAYGUIDE_WATCH_INSTALL names a file (for tests).
The folder holding it is watched (a rename shows there) with the file itself (changed in place).
Once the file differs from what it was at start and has stopped changing for a while (a package
manager replaces many files), the app restarts when nothing is under way: no run, recording, review or
preview, no window of Wayguide's open (the panel, a dialog, the tray's menu). The restart closes what
`quit` closes and runs the same command line again (os.execve, same process): the tray comes back,
the settings are the files they always are. Nothing is shown to the person; the log says it."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from app.runtime.tray_app import TrayApp

__all__ = ["WATCH_ENV", "UpgradeWatch", "command_line", "fingerprint", "installed_file", "relaunch",
           "watch_install"]

log = logging.getLogger(__name__)

WATCH_ENV = "WAYGUIDE_WATCH_INSTALL"
"""A file to watch as the installation (tests; a source checkout watches nothing without it)."""
SETTLE_MS = 5000
"""How long the installation must stay unchanged before the app restarts into it."""
POLL_MS = 2000
"""How often, once an upgrade waits, the app looks whether it is quiet now."""

Fingerprint = tuple[int, int, int, int]
"""(device, inode, size, modification time in ns) of the watched file."""


def installed_file(env: Mapping[str, str] | None = None) -> Path | None:
    """The file whose replacement means the installation changed: WAYGUIDE_WATCH_INSTALL, else the
    executable of a frozen bundle (not on Windows, whose installer closes the running app itself),
    else None (a source checkout: nothing is watched)."""
    env = os.environ if env is None else env
    if env.get(WATCH_ENV):
        return Path(os.path.abspath(env[WATCH_ENV]))
    if getattr(sys, "frozen", False) and sys.platform != "win32":
        return Path(os.path.realpath(sys.executable))
    return None


def fingerprint(path: Path) -> Fingerprint | None:
    """What tells one installed file from its replacement; None while there is none."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def command_line() -> tuple[str, list[str], dict[str, str]]:
    """The program, the arguments (argv[0] first) and the environment that start this process again: the
    bundle's executable (told to start as a new instance, not as a part of this one: PyInstaller's
    PYINSTALLER_RESET_ENVIRONMENT), or the Python interpreter with its own options and the script."""
    env = dict(os.environ)
    if getattr(sys, "frozen", False):
        return sys.executable, list(sys.argv), {**env, "PYINSTALLER_RESET_ENVIRONMENT": "1"}
    return sys.executable, [sys.executable, *sys.orig_argv[1:]], env


class UpgradeWatch(QObject):
    """Watches `watched` from now on; once it was replaced and has settled, calls `restart` the first
    time `quiet` says nothing is under way (asked again every `poll_ms` until it is). `restart` returns
    False when it cannot restart now (tried again after the next change of the installation); after it
    returned True, nothing more is done."""

    def __init__(self, watched: Path, quiet: Callable[[], bool], restart: Callable[[], bool], *,
                 settle_ms: int = SETTLE_MS, poll_ms: int = POLL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.watched = watched
        self._quiet = quiet
        self._restart = restart
        self._known = fingerprint(watched)
        self.pending = False
        """The installation changed: the app restarts at the next quiet moment."""
        self.done = False
        self.looked = 0
        """How often the file was looked at after a change settled (tests wait on it, not on time)."""
        self.asked = 0
        """How often `quiet` was asked while an upgrade waited (tests wait on it, not on time)."""
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._noticed)
        self._watcher.fileChanged.connect(self._noticed)
        self._settle = QTimer(self, singleShot=True, interval=settle_ms)
        self._settle.timeout.connect(self._settled)
        self._wait = QTimer(self, interval=poll_ms)
        self._wait.timeout.connect(self._try)
        self._follow()
        log.info("wayguide: watching %s: an upgrade restarts Wayguide when nothing is under way", watched)

    def watching(self) -> bool:
        """Whether anything can still come of a change (False once it restarted, or was closed)."""
        return bool(self._watcher.files() or self._watcher.directories()) or self._settle.isActive() \
            or self._wait.isActive()

    def close(self) -> None:
        self._settle.stop()
        self._wait.stop()
        watched = self._watcher.files() + self._watcher.directories()
        if watched:
            self._watcher.removePaths(watched)

    def _follow(self) -> None:
        """Watch the folder and the file as they are now (a file replaced by a rename is a new one)."""
        wanted = [str(p) for p in (self.watched.parent, self.watched) if p.exists()]
        have = set(self._watcher.files() + self._watcher.directories())
        missing = [p for p in wanted if p not in have]
        if missing:
            self._watcher.addPaths(missing)

    def _noticed(self, _path: str) -> None:
        if self.done:
            return
        self._follow()
        self._settle.start()  # again: until the files stop changing

    def _settled(self) -> None:
        self.looked += 1
        self._follow()
        now = fingerprint(self.watched)
        if self.pending or now is None or now == self._known:  # gone: being replaced, or removed
            if self.pending:
                self._try()
            return
        self.pending = True
        log.info("wayguide: the installation changed (%s): restarting when nothing is under way",
                 self.watched)
        self._try()

    def _try(self) -> None:
        if not self.pending or self.done or self._settle.isActive():
            return
        self.asked += 1
        if not (self._quiet() and _no_window_open()):
            if not self._wait.isActive():
                self._wait.start()
            return
        self._wait.stop()
        if self._restart():
            self.done = True
            self.close()


def _no_window_open() -> bool:
    """No dialog (Settings, About) or menu (the tray's) open: the person may be using it. The panel and the
    recording bar are the app's to tell (TrayApp.quiet)."""
    return QApplication.activeModalWidget() is None and QApplication.activePopupWidget() is None


Exec = Callable[[str, list[str], dict[str, str]], object]
"""os.execve: replaces the process (tests pass a stand-in)."""


def relaunch(app: TrayApp, execve: Exec = os.execve) -> bool:
    """Start this process again from its installation: close what `app.quit` closes (a recording is
    kept, the socket and the tray let go), then replace the process with the same command line. False,
    with nothing closed, while the program cannot be run (its new file is not in place yet)."""
    program, argv, env = command_line()
    if not os.access(program, os.X_OK):
        log.warning("wayguide: warning: %s cannot be run: the restart waits for the next change", program)
        return False
    log.info("wayguide: restarting into the upgraded installation")
    app.quit()  # the event loop would end on its next turn: the process is replaced before that
    for handler in logging.getLogger().handlers:
        handler.flush()
    try:
        execve(program, argv, env)
    except OSError as exc:
        log.error("wayguide: error: cannot restart after the upgrade (%s): Wayguide quits; start it again",
                  exc.strerror or exc)
    return True


def watch_install(app: TrayApp, restart: Callable[[], bool] | None = None,
                  env: Mapping[str, str] | None = None, settle_ms: int = SETTLE_MS,
                  poll_ms: int = POLL_MS) -> UpgradeWatch | None:
    """Watch this installation for upgrades (see the module), restarting `app` when it is quiet; None
    where nothing is watched (a source checkout without WAYGUIDE_WATCH_INSTALL). `restart` replaces the
    real one (tests)."""
    watched = installed_file(env)
    if watched is None:
        return None

    def quiet() -> bool:
        worker = app.performing.worker  # a step's actions still being performed
        return app.quiet() and (worker is None or not worker.is_alive())

    return UpgradeWatch(watched, quiet, restart or (lambda: relaunch(app)), settle_ms=settle_ms,
                        poll_ms=poll_ms, parent=app)
