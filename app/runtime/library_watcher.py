"""The library watcher: loads the wizard library and reloads the files that change, telling the rest of
the app through `changed` (no polling where the OS reports the changes: local folders). The policy's HTTPS
sources and its folders on network shares, whose changes no local event reports, are read from their last
good copies, which the source refresher keeps up to date (app.runtime.remote_refresh)."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from app.paths import Paths

if TYPE_CHECKING:
    from app.library.copies import SourceStatus
    from app.library.layers import Entry, Library
    from app.policy.admin import Policy, Sources
    from app.policy.settings import Settings
    from app.runtime.remote_refresh import SourceRefresher

__all__ = ["RELOAD_DELAY_MS", "LibraryWatcher", "visible_entries"]

log = logging.getLogger(__name__)

RELOAD_DELAY_MS = 150
AUTHOR_LAYERS = ("user", "WAYGUIDE_WIZARDS")
"""The library's layers a person writes wizards in (the others are the company's)."""


FOLDER_POLL_MS = 60_000
"""How often the policy's local folders are looked at besides what the file system tells (poll_folders)."""


class LibraryWatcher(QObject):
    """Holds the library (None until loaded); a run in progress keeps the wizard it started with."""

    changed = Signal()
    """Files were reloaded and the library's wizards changed."""
    sourcesChanged = Signal()
    """An HTTPS source or a share went offline or came back (`source_states` says how they are)."""

    def __init__(self, paths: Paths, parent: QObject | None = None, *,
                 network: Callable[[Path], bool] | None = None, share_interval_ms: int | None = None) -> None:
        """`network` tells whether a folder lies on a network share (default: the mount table says so);
        `share_interval_ms` how often shares are polled (default: SHARE_INTERVAL_MS)."""
        super().__init__(parent)
        self._paths = paths
        self._network = network
        self._share_interval_ms = share_interval_ms
        self.library: Library | None = None
        self._sources: Sources | None = None
        self._keys: tuple[bytes, ...] = ()
        self._refresher: SourceRefresher | None = None
        self._pending: set[Path] = set()
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self._reload)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._changed)
        self._watcher.directoryChanged.connect(self._changed)
        self._digests: dict[Path, str] = {}
        self._poll_timer = QTimer(self, interval=share_interval_ms or FOLDER_POLL_MS)
        self._poll_timer.timeout.connect(self.poll_folders)

    def load(self, sources: Sources, keys: Sequence[bytes] = ()) -> None:
        """Load every layer as the policy's library section says (its folders among them — those on a
        network share from their last good copies — and the last good copies of its HTTPS sources, read
        as the policy's own), a folder signed by one of the publishers' `keys` trusted; problems other
        than notes go to the log."""
        from app.library.layers import Library
        from app.library.signing import verifier_for

        self._sources, self._keys = sources, tuple(keys)
        if self._refresher is not None or sources.urls or any(map(self._is_network, sources.folders)):
            refresher = self._refresher_for(self._keys)
            copies = refresher.sources(sources.urls)
            folders = refresher.shares(sources.folders)
            sources = dataclasses.replace(sources, folders=(*folders, *copies))
        self.library = Library.for_policy(self._paths, sources, verifier_for(self._keys))
        for problem in self.library.diagnostics():
            if problem.severity != "note":
                log.warning("%s", problem)
        self._digests = {}
        self.poll_folders()
        if self._digests and not self._poll_timer.isActive():
            self._poll_timer.start()
        elif not self._digests:
            self._poll_timer.stop()

    def poll_folders(self) -> None:
        """Look at the policy's local folders (the timer does so every share interval): a change that no
        file-system event told (a file system where inotify reports nothing) is read like one it told."""
        sources = self._sources
        from app.library.share import folder_digest

        for folder in sources.folders if sources is not None else ():
            if self._is_network(folder):
                continue  # read from its copy, polled by the refresher
            try:
                digest = folder_digest(folder, limit=2000)
            except OSError:
                digest = ""
            if self._digests.get(folder, digest) != digest:
                self._changed(str(folder))
            self._digests[folder] = digest

    def source_statuses(self) -> list[str]:
        """One line per HTTPS source and share: up to date, or offline since when (for the log)."""
        return [status.describe() for status in self.source_states()]

    def source_states(self) -> list[SourceStatus]:
        """How each HTTPS source and share is (for the panel: "offline since …")."""
        return self._refresher.statuses() if self._refresher is not None else []

    def refresh_sources(self) -> None:
        """Ask the HTTPS sources again now (the timer and network changes do so by themselves)."""
        if self._refresher is not None:
            self._refresher.refresh_urls()

    def poll_shares(self) -> None:
        """Look at the shares now (the timer does so by itself)."""
        if self._refresher is not None:
            self._refresher.poll_shares()

    def refreshing(self) -> bool:
        return self._refresher is not None and self._refresher.busy()

    def close(self) -> None:
        if self._refresher is not None:
            self._refresher.stop()

    def _is_network(self, folder: Path) -> bool:
        if self._network is not None:
            return self._network(folder)
        from app.library.share import is_network

        return is_network(folder)

    def _refresher_for(self, keys: tuple[bytes, ...]) -> SourceRefresher:
        """Made on first use: a new copy of a URL source is swapped in only when its signature verifies
        with one of `keys`, a new copy of a share only when it is unsigned or so signed (with no keys,
        as they come)."""
        if self._refresher is None:
            from app.runtime.remote_refresh import SHARE_INTERVAL_MS, SourceRefresher

            self._refresher = SourceRefresher(
                self._paths.source_copies, self, validator=_signed_by(keys) if keys else None,
                share_validator=_signed_by(keys, unsigned=True) if keys else None, network=self._is_network,
                share_interval_ms=self._share_interval_ms or SHARE_INTERVAL_MS)
            self._refresher.changed.connect(self._sources_changed)
            self._refresher.statusChanged.connect(self.sourcesChanged)
        return self._refresher

    def _sources_changed(self) -> None:
        """A source's copy changed (or a first one arrived): read the library again."""
        if self._sources is None:
            return
        self.load(self._sources, self._keys)
        self.watch()
        self.changed.emit()

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


def _signed_by(keys: tuple[bytes, ...], unsigned: bool = False) -> Callable[[Path], str | None]:
    """A new copy of an HTTPS source is taken only when a trusted publisher signed it unchanged (of a share,
    with `unsigned`, also when it carries no signature at all: the company's folder, as read in place)."""
    def check(folder: Path) -> str | None:
        from app.library.signing import verify

        verdict = verify(folder, keys)
        return None if verdict.trusted or (unsigned and not verdict.signed) else verdict.summary()

    return check


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
