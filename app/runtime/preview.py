"""The live preview for authors: a wizard file shown in the panel, loaded again on every save (the file and
its folder are watched: editors save by writing a new file and renaming it over the old one, which ends a
watch on the file alone), its problems listed with their lines, any step started, and for each control it
names what the locator found in the application (looked up on a thread of its own)."""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal

if TYPE_CHECKING:
    from app.engine.preview import Finding
    from app.format.model import Wizard
    from app.format.results import LoadResult
    from app.platform.ipc import PreviewRequest
    from app.platform.ipc_server import Reply
    from app.ports import Elements, WindowProbe
    from app.runtime.panel_host import PanelHost
    from app.runtime.runs import RunController
    from overlays.preview_view import PreviewView

__all__ = ["SETTLE_MS", "LocatorChecker", "PreviewController", "PreviewFile"]

log = logging.getLogger(__name__)

SETTLE_MS = 20
"""After the first change notice, how long to wait for the rest of one save (a rename brings several)."""


def _signature(path: Path) -> tuple[int, ...] | None:
    """What changes when the file is saved (None when it cannot be looked at)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode


class PreviewFile(QObject):
    """One wizard file under preview: its latest load (`result`), the last version without errors
    (`wizard`, kept while a later save is broken), and `changed` each time a save was loaded."""

    changed = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.result: LoadResult | None = None
        self.wizard: Wizard | None = None
        self.saves = 0
        """Versions loaded since the preview opened."""
        self.loaded_at = 0.0
        """time.monotonic() of the latest load (for the benchmark)."""
        self._seen: tuple[int, ...] | None = None
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._reload)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._noticed)
        self._watcher.directoryChanged.connect(self._noticed)

    @property
    def current(self) -> bool:
        """Whether the wizard shown is the file as it is now (False: the last save has errors)."""
        return self.result is not None and self.result.wizard is not None

    def load(self) -> LoadResult:
        """Load the file now and watch it; never raises for what the file is or holds."""
        from app.format.loader import load_file

        self._seen = _signature(self.path)
        self.result = load_file(self.path)
        self.loaded_at = time.monotonic()
        self.saves += 1
        if self.result.wizard is not None:
            self.wizard = self.result.wizard
        self._watch()
        return self.result

    def close(self) -> None:
        self._settle.stop()
        watched = self._watcher.files() + self._watcher.directories()
        if watched:
            self._watcher.removePaths(watched)

    def _watch(self) -> None:
        """Watch the folder, and the file itself when it is there (a rename over it ends its watch)."""
        wanted = [str(self.path.parent)] + ([str(self.path)] if os.path.isfile(self.path) else [])
        missing = [p for p in wanted if p not in self._watcher.files() + self._watcher.directories()]
        if missing:
            self._watcher.addPaths(missing)

    def _noticed(self, _path: str) -> None:
        if not self._settle.isActive():
            self._settle.start()

    def _reload(self) -> None:
        if _signature(self.path) == self._seen:  # another file of the folder changed
            self._watch()
            return
        self.load()
        self.changed.emit()


class LocatorChecker(QObject):
    """Looks up the controls a wizard names on a thread of its own (accessibility calls block), with its own
    window probe and connection to the bus made there; `checked(generation, findings, window)` hands each
    result to the GUI thread. Only the latest request is worked on."""

    checked = Signal(int, object)
    """(generation, list[Finding])"""

    def __init__(self, probes: Callable[[], WindowProbe], elements: Callable[[], Elements | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._probes = probes
        self._elements = elements
        self._requests: queue.SimpleQueue[tuple[int, Wizard] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._own_pid = os.getpid()

    def check(self, generation: int, wizard: Wizard) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="wayguide-preview-check", daemon=True)
            self._thread.start()
        self._requests.put((generation, wizard))

    def close(self) -> None:
        if self._thread is not None:
            self._requests.put(None)
            self._thread = None

    def _work(self) -> None:
        probe: WindowProbe | None = None
        elements: Elements | None = None
        while True:
            request = self._requests.get()
            while not self._requests.empty():  # only the latest counts
                request = self._requests.get()
            if request is None:
                return
            generation, wizard = request
            try:
                probe = probe or self._probes()
                elements = elements or self._elements()
                findings = self._findings(wizard, probe, elements)
            except Exception as exc:  # one line in the panel, never a dead thread
                from app.engine.preview import Finding, named_locators

                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                findings = [Finding(n, False, f"cannot look: {reason}") for n in named_locators(wizard)]
                probe = elements = None  # made again next time
            self.checked.emit(generation, findings)

    def _findings(self, wizard: Wizard, probe: WindowProbe,
                  elements: Elements | None) -> list[Finding]:
        from app.engine.preview import Finding, finding, named_locators, window_for

        named = named_locators(wizard)
        if not named:
            return []
        front = probe.active_window()
        if front is not None and front.pid == self._own_pid:
            front = None
        windows = [w for w in probe.windows() if w.pid != self._own_pid]
        found = []
        for item in named:
            if elements is None:
                found.append(Finding(item, False, "this desktop shows no controls inside applications"))
                continue
            window = window_for(item.element, wizard, front, windows)
            matches = elements.find(item.element.locator(), window) if window is not None else []
            controls = elements.controls(window) if window is not None and not matches else None
            found.append(finding(item, window, matches, controls))
        return found


class PreviewController(QObject):
    """The preview session: at most one file at a time, shown in the panel's preview view while open.

    `panels` shows it, `runs` starts its steps; `checker` (None: no controls to look up) finds its
    controls. While the preview is open, the panel shows it where it would show the tasks."""

    opened = Signal()
    shown = Signal()
    """The preview view shows the latest version (after a save: the benchmark waits for it)."""

    def __init__(self, ready: Callable[[], bool], panels: PanelHost, runs: RunController,
                 checker: LocatorChecker | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ready = ready
        self._panels = panels
        self._runs = runs
        self._checker = checker
        self._view: PreviewView | None = None
        self.file: PreviewFile | None = None
        self._generation = 0
        if checker is not None:
            checker.checked.connect(self._checked, Qt.ConnectionType.QueuedConnection)

    @property
    def is_open(self) -> bool:
        return self.file is not None

    @property
    def under_way(self) -> bool:
        """An author's preview that a restart would cut short (while it is open)."""
        return self.is_open

    def requested(self, request: PreviewRequest, reply: Reply) -> None:
        """`wayguide preview FILE` over IPC: the path comes from a client, and is checked again here."""
        error = self.open(Path(request.path), request.step)
        reply.send({"ok": False, "error": error} if error else
                   {"ok": True, "message": f"previewing {request.path}"})
        reply.close()

    def open(self, path: Path, step: str | None = None) -> str | None:
        """Preview the wizard file at `path` (at `step`: that step selected); the error, one line, when it
        cannot be read at all (a file that loads with errors opens, its problems listed)."""
        from app.format.diagnostics import one_line
        from app.format.files import regular_file_problem
        from app.format.source import MAX_BYTES

        if not self._ready():
            return "Wayguide is running in another instance"
        problem = "not an absolute path" if not os.path.isabs(path) else regular_file_problem(path, MAX_BYTES)
        if problem is not None:
            return f"{one_line(str(path))}: error: {problem} (a wizard is a YAML file)"
        self.close()
        self.file = PreviewFile(path, self)
        self.file.load()
        self.file.changed.connect(self._file_changed)
        self._panels.instead_of_home = self._show_instead
        self._runs.abort("A preview was opened")
        self._runs.home()  # the run is let go; where the tasks show, the preview shows
        self._panels.summon()
        if step is not None and self._view is not None:
            self._view.select_step(step)
        self.opened.emit()
        return None

    def close(self) -> None:
        """End the preview: the panel shows the tasks again."""
        if self.file is None:
            return
        self.file.close()
        self.file.deleteLater()
        self.file = None
        self._panels.instead_of_home = None
        if self._panels.shown() and self._runs.run is None:
            self._panels.show_home()

    def _show_instead(self) -> bool:
        """Show the preview where the tasks would show: whether there is one to show."""
        if self.file is None:
            return False
        self._render()
        self._panels.get().show_preview()
        return True

    def _view_for(self) -> PreviewView:
        panel = self._panels.get()
        view = panel.preview
        if view is not self._view:
            self._view = view
            view.startRequested.connect(self._start)
            view.closeRequested.connect(self.close)
            view.checkRequested.connect(self._check)
        return view

    def _render(self) -> None:
        from app.engine.preview import problem_lines

        file = self.file
        if file is None or file.result is None:
            return
        view = self._view_for()
        view.show_file(file.path.name, str(file.path), file.wizard, problem_lines(file.result.diagnostics),
                       file.current, file.saves)
        self._check()

    def _file_changed(self) -> None:
        if self.file is None:
            return
        panel = self._panels.panel
        if panel is not None and panel.view_name() == "preview":
            self._render()
            panel.show_preview()  # the header follows a new title
        else:  # a run is shown: the preview is brought up to date when it shows again
            self._view_for()
        self.shown.emit()

    def _check(self) -> None:
        """Look up the controls of the version shown (only while the panel shows the preview)."""
        file, view = self.file, self._view
        if self._checker is None or file is None or file.wizard is None or view is None:
            return
        self._generation += 1
        view.checking()
        self._checker.check(self._generation, file.wizard)

    def _checked(self, generation: int, findings: list[Finding]) -> None:
        if generation == self._generation and self._view is not None and self.file is not None:
            self._view.show_findings(findings)

    def _start(self, step_id: str, mode: str) -> None:
        file = self.file
        if file is None or file.wizard is None:
            return
        error = self._runs.start_wizard(file.wizard, mode or None, source="preview", path=file.path,
                                        step=step_id)
        if error and self._view is not None:
            self._view.show_notice(error, "problem")

