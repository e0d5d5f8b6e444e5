"""HTTPS wizard sources with an offline copy (policy `library.urls`).

A source is a folder served by any static web server or object store, holding `index.json` (written by
`write_index`) beside the files it lists:

    {"wayguide": "index/1",
     "files": [{"path": "billing/refund.yaml", "size": 1234, "sha256": "9f86d0…"}, …]}

`RemoteSource.refresh` asks for the index with If-None-Match / If-Modified-Since (an unchanged source costs
one request and an answer "304 Not Modified"), then fetches only the files whose SHA-256 is not already in
the last good copy, checks every size and hash, lets a validator (the signature check) look at the complete
folder, and only then swaps it in as the copy the library reads (`app.library.copies`). Anything else —
no network, a timeout, a 5xx, a redirect off HTTPS or to another host, a body larger than announced or than
the caps, a path in the index that leaves the folder — keeps the last good copy and records why, with the
time the source was last reached ("offline since …").

Core code: the standard library only (http.client + ssl), no Qt; the runtime calls it on a worker thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urljoin, urlsplit

from app.library.copies import SourceStatus, Store, link_or_copy, store_key, walk_files

__all__ = ["INDEX", "Limits", "RemoteError", "RemoteSource", "Validator", "index_for", "parse_index",
           "url_store", "write_index"]

INDEX = "index.json"
INDEX_FORMAT = "index/1"
USER_AGENT = "Wayguide"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_REDIRECTS = (301, 302, 303, 307, 308)

Validator = Callable[[Path], str | None]
"""Looks at a complete new copy before it is swapped in: None if good, else why not (a bad signature)."""


@dataclass(frozen=True)
class Limits:
    """Bounds against a hostile or broken server."""

    connect_timeout: float = 10.0
    """Seconds for any one network operation (connect, one read)."""
    request_deadline: float = 30.0
    """Seconds for one whole request and its answer: a server dripping bytes is cut off here."""
    index_bytes: int = 4 << 20
    file_bytes: int = 4 << 20
    total_bytes: int = 64 << 20
    files: int = 5000
    redirects: int = 3


class RemoteError(Exception):
    """Why a refresh failed (one line, for the status and the log)."""


@dataclass(frozen=True)
class IndexEntry:
    path: str
    size: int
    sha256: str


# ------------------------------------------------------------------ the index


def index_for(folder: Path, limits: Limits = Limits()) -> bytes:
    """The index of every file under `folder` (wizard files, manifest and signature alike), except the
    index itself and version-control folders."""
    files = []
    for name, _stat in sorted(walk_files(folder, limits.files)):
        if name == INDEX:
            continue
        data = (folder / name).read_bytes()
        files.append({"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return (json.dumps({"wayguide": INDEX_FORMAT, "files": files}, indent=1) + "\n").encode()


def write_index(folder: Path) -> Path:
    """Write `index.json` into `folder` (after signing it, so the manifest and signature are listed), in one
    step (a server never serves half of it), readable by all (a static web server serves it). OSError when
    a file cannot be read or the index written, ValueError past the limit of files."""
    from app.format.files import write_atomic

    path = folder / INDEX
    write_atomic(path, index_for(folder))
    os.chmod(path, 0o644)
    return path


def parse_index(data: bytes, limits: Limits = Limits()) -> list[IndexEntry]:
    """The entries of an index; RemoteError names the first thing wrong with it."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RemoteError(f"{INDEX} is not JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("wayguide") != INDEX_FORMAT or not isinstance(
            doc.get("files"), list):
        raise RemoteError(f"{INDEX} is not a Wayguide index (expected {{\"wayguide\": \"{INDEX_FORMAT}\", "
                          "\"files\": [...]}})")
    files: list[object] = doc["files"]
    if len(files) > limits.files:
        raise RemoteError(f"{INDEX} lists {len(files)} files (at most {limits.files})")
    entries: list[IndexEntry] = []
    seen: set[str] = set()
    total = 0
    for number, item in enumerate(files, 1):
        if not isinstance(item, dict):
            raise RemoteError(f"{INDEX}: file {number} is not an object")
        path, size, digest = item.get("path"), item.get("size"), item.get("sha256")
        if not isinstance(path, str) or not _safe_path(path):
            raise RemoteError(f"{INDEX}: file {number} has an unsafe path {path!r} (relative, no '..')")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= limits.file_bytes:
            raise RemoteError(f"{INDEX}: {path}: size {size!r} (at most {limits.file_bytes} bytes)")
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise RemoteError(f"{INDEX}: {path}: sha256 is not 64 lowercase hex digits")
        if path.casefold() in seen:
            raise RemoteError(f"{INDEX}: {path} is listed twice")
        seen.add(path.casefold())
        total += size
        if total > limits.total_bytes:
            raise RemoteError(f"{INDEX}: the files add up to more than {limits.total_bytes} bytes")
        entries.append(IndexEntry(path, size, digest))
    return entries


def _safe_path(path: str) -> bool:
    """A relative path inside the folder: no '..', no absolute path, no backslash or drive, no control
    characters, not the index or a hidden state file."""
    if not path or path.startswith("/") or "\\" in path or any(ord(c) < 32 for c in path):
        return False
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts) or ":" in parts[0]:
        return False
    return path != INDEX and PurePosixPath(path).parts[0] not in (".git",)


# ------------------------------------------------------------------ the source


def url_store(url: str, cache_dir: Path) -> Store:
    """Where the copy of the source at `url` is kept under `cache_dir` (read by `doctor` without fetching)."""
    return Store(cache_dir / store_key(_folder_url(url)), url)


def _folder_url(url: str) -> str:
    """The URL of the source's folder (the index's, when it names one)."""
    return url if url.endswith(("/", ".json")) else url + "/"


class RemoteSource:
    """One URL of `library.urls` and its last good copy under `cache_dir`."""

    def __init__(self, url: str, cache_dir: Path, *, context: ssl.SSLContext | None = None,
                 validator: Validator | None = None, limits: Limits = Limits()) -> None:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise RemoteError(f"{url}: not an https:// URL (wizards are fetched over HTTPS only)")
        self.url = _folder_url(url)
        self.index_url = self.url if self.url.endswith(".json") else urljoin(self.url, INDEX)
        self._netloc = parts.netloc.lower()
        self._context = context or ssl.create_default_context()
        self._validator = validator
        self._limits = limits
        self.store = url_store(url, cache_dir)
        self._lock = threading.Lock()
        self.requests = 0
        """Requests made so far (for tests and the bench)."""

    def folder(self) -> Path | None:
        """The last good copy (a plain folder), or None if the source was never fetched."""
        return self.store.current()

    def status(self) -> SourceStatus:
        return self.store.status()

    def refresh(self) -> bool:
        """Bring the copy up to date; True if it changed. Never raises for network or server trouble:
        the copy stays and `status()` says why and since when."""
        with self._lock:
            try:
                return self._refresh()
            except RemoteError as exc:
                self.store.failed(str(exc))
            except (OSError, http.client.HTTPException, ValueError) as exc:
                self.store.failed(_reason(exc))
            return False

    def _refresh(self) -> bool:
        state = self.store.state()
        current = self.store.current()
        headers = {}
        if current is not None:
            if isinstance(etag := state.get("etag"), str):
                headers["If-None-Match"] = etag
            if isinstance(modified := state.get("last_modified"), str):
                headers["If-Modified-Since"] = modified
        with _Connection(self._netloc, self._context, self._limits, self) as conn:
            status, answer, body = conn.get(self.index_url, headers, self._limits.index_bytes, None)
            base = conn.last_url  # files are relative to where the index was found (after redirects)
            if status == 304 and current is not None:
                self.store.reached()
                return False
            entries = parse_index(body, self._limits)
            validators = {"etag": answer.get("ETag"),
                          "last_modified": answer.get("Last-Modified") or formatdate(usegmt=True)}
            have = _hashes(current, state)
            staging = self.store.staging()
            try:
                hashes = {}
                for entry in entries:
                    target = staging / entry.path
                    if current is not None and have.get(entry.path) == entry.sha256:
                        link_or_copy(current / entry.path, target)
                    else:
                        _, _, data = conn.get(urljoin(base, quote(entry.path)), {}, entry.size,
                                              entry.size)
                        if hashlib.sha256(data).hexdigest() != entry.sha256:
                            raise RemoteError(f"{entry.path}: the file does not match its sha256 in {INDEX}")
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(data)
                    hashes[entry.path] = entry.sha256
                if current is not None and hashes == have:
                    self.store.discard(staging)
                    self.store.reached(**validators)
                    return False
                if self._validator is not None and (why := self._validator(staging)) is not None:
                    raise RemoteError(why)
            except BaseException:
                self.store.discard(staging)
                raise
            self.store.commit(staging, hashes=hashes, **validators)
            return True


def _hashes(current: Path | None, state: dict[str, object]) -> dict[str, str]:
    hashes = state.get("hashes")
    if current is None or not isinstance(hashes, dict):
        return {}
    return {k: v for k, v in hashes.items() if isinstance(k, str) and isinstance(v, str)}


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "the server did not answer in time"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the server's certificate is not trusted ({exc.verify_message})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "the server's name does not resolve"
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


class _Connection:
    """One keep-alive HTTPS connection to the source's host; every request ends by `request_deadline`
    (a timer shuts the socket down under a server that drips bytes)."""

    def __init__(self, netloc: str, context: ssl.SSLContext, limits: Limits, counter: RemoteSource) -> None:
        parts = urlsplit("https://" + netloc)
        self._netloc = netloc
        self._limits = limits
        self._counter = counter
        self.last_url = ""
        """The URL the last answer came from (after redirects)."""
        self._conn = http.client.HTTPSConnection(parts.hostname or "", parts.port, context=context,
                                                 timeout=limits.connect_timeout)

    def __enter__(self) -> _Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.close()

    def get(self, url: str, headers: dict[str, str], cap: int,
            exact: int | None) -> tuple[int, http.client.HTTPMessage, bytes]:
        """GET `url` (following redirects on HTTPS to the same host): the status, headers and body (at
        most `cap` bytes; `exact` if given). 304 comes back as is; other non-200 answers raise."""
        for _ in range(self._limits.redirects + 1):
            status, answer, body = self._once(url, headers, cap, exact)
            if status not in _REDIRECTS:
                self.last_url = url
                return status, answer, body
            target = urljoin(url, answer.get("Location") or "")
            parts = urlsplit(target)
            if parts.scheme != "https" or parts.netloc.lower() != self._netloc:
                raise RemoteError(f"{url}: redirected to {target}, refused (only HTTPS on the same host)")
            url = target
        raise RemoteError(f"{url}: more than {self._limits.redirects} redirects")

    def _once(self, url: str, headers: dict[str, str], cap: int,
              exact: int | None) -> tuple[int, http.client.HTTPMessage, bytes]:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn = self._conn
        if conn.sock is None:
            conn.connect()
        timer = threading.Timer(self._limits.request_deadline, _cut, args=(conn.sock,))
        timer.daemon = True
        timer.start()
        started = time.monotonic()
        try:
            self._counter.requests += 1
            conn.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity",
                                                 **headers})
            response = conn.getresponse()
            status = response.status
            if status == 304 or status in _REDIRECTS:
                response.read(64 << 10)
                if not response.isclosed():
                    conn.close()
                return status, response.headers, b""
            if status != 200:
                conn.close()
                raise RemoteError(f"{url}: HTTP {status} {response.reason}".rstrip())
            length = response.getheader("Content-Length")
            if length is not None and length.isdigit() and int(length) > cap:
                conn.close()
                raise RemoteError(f"{url}: {length} bytes, more than the {cap} allowed")
            data = response.read(cap + 1)
            if time.monotonic() - started >= self._limits.request_deadline:
                raise _late(url, self._limits)
            if len(data) > cap:
                conn.close()
                raise RemoteError(f"{url}: more than the {cap} bytes allowed")
            if exact is not None and len(data) != exact:
                raise RemoteError(f"{url}: {len(data)} bytes where the index says {exact}")
            if not response.isclosed():  # unread rest (a short Content-Length): start afresh next time
                conn.close()
            return status, response.headers, data
        except (OSError, http.client.HTTPException):
            conn.close()
            if time.monotonic() - started >= self._limits.request_deadline:
                raise _late(url, self._limits) from None
            raise
        finally:
            timer.cancel()


def _late(url: str, limits: Limits) -> RemoteError:
    return RemoteError(f"{url}: no complete answer within {limits.request_deadline:g} s")


def _cut(sock: socket.socket | None) -> None:
    """Shut the socket down from the timer thread: the blocked read ends (the SSL object stays: the
    reading thread owns it)."""
    if sock is not None:
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
