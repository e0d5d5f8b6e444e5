"""Keeps the copies of the HTTPS sources (policy `library.urls`) and the network shares up to date, off the
GUI thread, and tells the library watcher when one changed.

    refresher = SourceRefresher(paths.source_copies, validator=…, share_validator=…)
    folders = refresher.sources(policy.library.urls)          # the copies to read, as plain folders
    folders += refresher.shares(policy_folders)               # a network folder -> its copy
    refresher.changed.connect(lambda: watcher.load(…))         # a copy changed: read again
    refresher.statusChanged.connect(…)                         # a source went offline or came back

A new copy is taken only when its validator accepts the complete folder (`validator` for URLs,
`share_validator` for shares: the library watcher has a URL signed by a trusted publisher, and a share
that carries a signature signed so, when the policy names publishers).

URL sources are refreshed at once (a first fetch, or an answer that nothing changed), then every
`url_interval_ms` and whenever the network comes back or changes (Qt's network information when a backend
loads, else the links in /sys/class/net looked at with the share poll). Shares are polled every
`share_interval_ms`. Each refresh runs on its own worker thread; the result comes back to the GUI thread
through a queued signal (threads never touch widgets, nor the library).
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from app.library.copies import SourceStatus
from app.library.remote import RemoteError, RemoteSource, Validator
from app.library.share import ShareSource, is_network, network_digest

__all__ = ["NETWORK_SETTLE_MS", "SHARE_INTERVAL_MS", "URL_INTERVAL_MS", "SourceRefresher"]

log = logging.getLogger(__name__)

URL_INTERVAL_MS = 15 * 60_000
SHARE_INTERVAL_MS = 60_000
NETWORK_SETTLE_MS = 2_000
"""After the network changes, wait this long (links settle, DHCP, VPN) before asking the servers."""


class SourceRefresher(QObject):
    """The URL sources and network shares in use, and their copies under `cache_dir`."""

    changed = Signal()
    """A copy changed (or appeared): the library should read its folders again."""
    statusChanged = Signal()
    """A source went offline or came back (what the panel and `doctor` say of it changed)."""
    _finished = Signal(object, bool)  # (source key, changed), emitted on a worker thread

    def __init__(self, cache_dir: Path, parent: QObject | None = None, *,
                 validator: Validator | None = None, share_validator: Validator | None = None,
                 context: ssl.SSLContext | None = None,
                 url_interval_ms: int = URL_INTERVAL_MS, share_interval_ms: int = SHARE_INTERVAL_MS,
                 network: Callable[[Path], bool] = is_network, watch_network: bool = True) -> None:
        super().__init__(parent)
        self._cache_dir = cache_dir
        self._validator = validator
        self._share_validator = share_validator
        self._context = context
        self._is_network = network
        self._remotes: dict[str, RemoteSource] = {}
        self._shares: dict[str, ShareSource] = {}
        self._busy: set[str] = set()
        self._offline: set[str] = set()
        self._threads: list[threading.Thread] = []
        self._finished.connect(self._done)
        self._url_timer = QTimer(self, interval=url_interval_ms)
        self._url_timer.timeout.connect(self.refresh_urls)
        self._share_timer = QTimer(self, interval=share_interval_ms)
        self._share_timer.timeout.connect(self._tick)
        self._settle = QTimer(self, singleShot=True, interval=NETWORK_SETTLE_MS)
        self._settle.timeout.connect(self.refresh_all)
        self._links = ""
        self._qt_network = watch_network and self._watch_network()
        if watch_network and not self._qt_network:
            self._links = network_digest()

    # ------------------------------------------------------------- what the library watcher calls

    def sources(self, urls: Sequence[str]) -> list[Path]:
        """Use these URLs (others are forgotten); the copies to read now, for those fetched before. A URL
        new here is fetched at once on a worker thread: `changed` fires when its copy is ready."""
        wanted: dict[str, RemoteSource] = {}
        new: list[str] = []
        for url in urls:
            if url in self._remotes:
                wanted[url] = self._remotes[url]
                continue
            try:
                wanted[url] = RemoteSource(url, self._cache_dir, context=self._context,
                                           validator=self._validator)
            except RemoteError as exc:
                log.warning("%s", exc)
                continue
            new.append(url)
        self._remotes = wanted
        self._offline &= set(wanted) | set(self._shares)
        if wanted and not self._url_timer.isActive():
            self._url_timer.start()
        elif not wanted:
            self._url_timer.stop()
        self._arm_share_timer()
        read = [folder for source in wanted.values() if (folder := source.folder()) is not None]
        for url in new:  # after reading: the answer is what was there, never half a worker's copy
            self._start(url, wanted[url].refresh)
        return read

    def shares(self, folders: Sequence[Path]) -> list[Path]:
        """The folders to read in place of these: a folder on a network file system is read from its last
        good copy (the live folder until a first copy exists), others as they are. Network folders are
        polled from now on; a first copy is made at once on a worker thread (`changed` then)."""
        wanted: dict[str, ShareSource] = {}
        read: list[Path] = []
        for folder in folders:
            key = str(folder)
            if not self._is_network(folder):
                read.append(folder)
                continue
            share = self._shares.get(key) or ShareSource(folder, self._cache_dir,
                                                            validator=self._share_validator)
            wanted[key] = share
            read.append(share.folder() or folder)
        new = [key for key in wanted if key not in self._shares]
        self._shares = wanted
        self._offline &= set(wanted) | set(self._remotes)
        self._arm_share_timer()
        for key in new:  # after reading, as in `sources`: a fast first copy cannot change this answer
            self._start(key, wanted[key].poll)
        return read

    def statuses(self) -> list[SourceStatus]:
        """Each source's state, for the panel and `doctor` ("offline since …")."""
        return [s.status() for s in self._remotes.values()] + [s.status() for s in self._shares.values()]

    # ------------------------------------------------------------- refreshing

    def refresh_urls(self) -> None:
        for url, source in self._remotes.items():
            self._start(url, source.refresh)

    def poll_shares(self) -> None:
        for key, share in self._shares.items():
            self._start(key, share.poll)

    def refresh_all(self) -> None:
        self.refresh_urls()
        self.poll_shares()

    def busy(self) -> bool:
        """Whether a refresh is running."""
        return bool(self._busy)

    def stop(self, timeout: float = 5.0) -> None:
        """No more refreshes; wait a little for the running ones (they end at their own deadlines)."""
        for timer in (self._url_timer, self._share_timer, self._settle):
            timer.stop()
        for thread in self._threads:
            thread.join(timeout)

    def _start(self, key: str, work: Callable[[], bool]) -> None:
        if key in self._busy:  # one refresh per source at a time (a hung share blocks only itself)
            return
        self._busy.add(key)
        self._threads = [t for t in self._threads if t.is_alive()]

        def run() -> None:
            changed = False
            try:
                changed = work()
            except Exception:  # a bug, not the network: keep the app and the copy
                log.exception("refreshing %s failed", key)
            self._finished.emit(key, changed)

        thread = threading.Thread(target=run, name="wayguide-sources", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _done(self, key: str, changed: bool) -> None:
        self._busy.discard(key)
        source: RemoteSource | ShareSource | None = self._remotes.get(key) or self._shares.get(key)
        if source is None:
            return
        status = source.status()
        if status.error:
            log.info("%s", status.describe())
        if status.offline != (key in self._offline):
            if status.offline:
                self._offline.add(key)
            else:
                self._offline.discard(key)
            self.statusChanged.emit()
        if changed:
            self.changed.emit()

    # ------------------------------------------------------------- the network

    def _arm_share_timer(self) -> None:
        needed = bool(self._shares) or (bool(self._remotes) and not self._qt_network)
        if needed and not self._share_timer.isActive():
            self._share_timer.start()
        elif not needed:
            self._share_timer.stop()

    def _tick(self) -> None:
        self.poll_shares()
        if self._remotes and not self._qt_network:
            links = network_digest()
            if links != self._links:
                self._links = links
                self._settle.start()

    def _watch_network(self) -> bool:
        """Follow Qt's reachability reports; False where no backend loads (/sys/class/net is read then)."""
        try:
            from PySide6.QtNetwork import QNetworkInformation
        except ImportError:
            return False
        try:
            if QNetworkInformation.instance() is None and not QNetworkInformation.loadDefaultBackend():
                return False
            info = QNetworkInformation.instance()
        except RuntimeError:
            return False
        if info is None or not info.supports(QNetworkInformation.Feature.Reachability):
            return False
        info.reachabilityChanged.connect(self._reachability)
        return True

    def _reachability(self, reachability: object) -> None:
        log.info("network reachability: %s", reachability)
        self._settle.start()  # back online, or on another network (a VPN): ask again once it settles
