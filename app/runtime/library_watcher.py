"""The library watcher: loads the wizard library and reloads the files that change, telling the rest of
the app through `changed` (no polling: the OS reports the changes)."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from app.paths import Paths

if TYPE_CHECKING:
    from app.library.layers import Entry, Library, Sources
    from app.policy.admin import Policy
    from app.policy.settings import Settings

__all__ = ["RELOAD_DELAY_MS", "LibraryWatcher", "visible_entries"]

log = logging.getLogger(__name__)

RELOAD_DELAY_MS = 150
AUTHOR_LAYERS = ("user", "WAYGUIDE_WIZARDS")
"""The library's layers a person writes wizards in (the others are the company's)."""


class LibraryWatcher(QObject):
    """Holds the library (None until loaded); a run in progress keeps the wizard it started with."""

    changed = Signal()
    """Files were reloaded and the library's wizards changed."""

    def __init__(self, paths: Paths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._paths = paths
        self.library: Library | None = None
        self._pending: set[Path] = set()
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self._reload)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._changed)
        self._watcher.directoryChanged.connect(self._changed)

    def load(self, sources: Sources, keys: Sequence[bytes] = ()) -> None:
        """Load every layer as the policy's library section says (its folders among them), a folder
        signed by one of the publishers' `keys` trusted; problems other than notes go to the log."""
        from app.library.layers import Library
        from app.library.signing import verifier_for

        self.library = Library.for_policy(self._paths, sources, verifier_for(keys))
        for problem in self.library.diagnostics():
            if problem.severity != "note":
                log.warning("%s", problem)

    def broken(self) -> list[str]:
        """The errors of wizard files this person owns (their own folder, a draft named with
        WAYGUIDE_WIZARDS), and their wizards not used because the company's of that id wins (a locked
        library): shown to them, as an author, where a file that does not load would otherwise
        just be missing. Files of others (the company's library) go to the log only."""
        if self.library is None:
            return []
        from app.library.layers import LOCKED_OUT

        own = os.getuid() if hasattr(os, "getuid") else None
        home = os.path.expanduser("~").rstrip(os.sep) + os.sep
        found = []
        for problem in self.library.diagnostics():
            shown = problem.is_error or problem.message.endswith(LOCKED_OUT)
            if shown and own is not None and _owner(problem.path) == own:
                text = str(problem)
                if home != os.sep and text.startswith(home):
                    text = "~" + os.sep + text[len(home):]
                found.append(text)
        return found

    def own_files(self) -> tuple[dict[str, Path], list[Path]]:
        """The wizard files this person writes (for "Open in preview"): the library's wizards (by id) in their
        own folder or one named with WAYGUIDE_WIZARDS, in a file they own; and, as `broken` decides, their
        files that did not load."""
        if self.library is None or not hasattr(os, "getuid"):
            return {}, []
        own = os.getuid()
        wizards = {entry.id: entry.path for entry in self.library
                   if entry.layer in AUTHOR_LAYERS and _owner(str(entry.path)) == own}
        broken = {Path(d.path) for d in self.library.diagnostics() if d.is_error and _owner(d.path) == own}
        return wizards, sorted(broken)

    def load_nothing(self) -> None:
        """The stand-in where the library could not be loaded: no wizards."""
        from app.library.layers import Library

        self.library = Library([])

    def watch(self) -> None:
        """Watch the library's files and folders (and the parents of folders not yet there)."""
        assert self.library is not None
        wanted = {str(p) for p in self.library.watched_paths()}
        for layer in self.library.layers:  # a folder created later is picked up by its parent
            if not os.path.exists(layer.path) and os.path.exists(layer.path.parent):  # never raise
                wanted.add(str(layer.path.parent))
        current = set(self._watcher.files()) | set(self._watcher.directories())
        if current - wanted:
            self._watcher.removePaths(sorted(current - wanted))
        if wanted - current:
            self._watcher.addPaths(sorted(wanted - current))

    def _changed(self, path: str) -> None:
        self._pending.add(Path(path))
        self._reload_timer.start()

    def _reload(self) -> None:
        assert self.library is not None
        pending, self._pending = self._pending, set()
        changed = self.library.reload(sorted(pending))
        for problem in self.library.diagnostics():
            if problem.is_error and Path(problem.path) in changed:
                log.warning("%s", problem)
        self.watch()
        if changed:
            self.changed.emit()


def _owner(path: str) -> int | None:
    try:
        return os.stat(path).st_uid
    except (OSError, ValueError):
        return None


def visible_entries(library: Library, settings: Settings, policy: Policy) -> list[Entry]:
    """The wizards for the person's roles, in the modes the policy allows (glass box only for those it
    does not let automate: app.policy.admin.Policy.may_automate)."""
    from app.library.relevance import for_roles

    visible = []
    for entry in library:
        modes = policy.modes_for(entry.card.allowed_modes, entry.trust)
        if modes and for_roles(entry.card, settings.roles):
            if modes != entry.card.allowed_modes:
                card = dataclasses.replace(entry.card, allowed_modes=modes)
                entry = dataclasses.replace(entry, card=card)
            visible.append(entry)
    return visible
