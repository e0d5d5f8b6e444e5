"""The last good copy of a wizard source (an HTTPS URL, a network share) in the cache dir.

A store is one folder: `state.json` (which copy is current, when the source was last reached, the last
error) and the copies `copy-*`. A new copy is filled in a `staging-*` folder and becomes current only when it
is complete and valid: the folder is renamed, then `state.json` is replaced (both atomic), so a reader sees
the old copy or the new one, never half of one. The copy before the current one is kept a while (a library
reload that began on it can finish); older ones are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.i18n import N_, Phrase

__all__ = ["SKIPPED_DIRS", "SourceStatus", "Store", "link_or_copy", "store_key", "walk_files"]

STATE = "state.json"
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn"})
"""Folders never copied or listed (a wizard folder kept in version control)."""


@dataclass(frozen=True)
class SourceStatus:
    """What the app knows of one source: for the panel and `doctor`."""

    source: str
    """The URL or the share's folder, as configured."""
    folder: Path | None
    """The last good copy the library reads (None: never fetched)."""
    reached_at: float | None
    """When the source last answered (epoch seconds): a fetch, or an answer that nothing changed."""
    changed_at: float | None
    """When the copy last changed."""
    error: str | None
    """Why the last attempt failed (None: it succeeded)."""
    offline_since: float | None = None
    """When the attempts began to fail (the first failure after the last success)."""

    @property
    def offline(self) -> bool:
        return self.error is not None

    @property
    def since(self) -> float | None:
        """Since when the source cannot be reached (its last answer where the first failure is unknown)."""
        return self.offline_since or self.reached_at

    @property
    def label(self) -> str:
        """A short name for the person: the URL without its scheme and final slash, or the folder."""
        return self.source.split("://", 1)[-1].rstrip("/") if "://" in self.source else self.source

    def describe(self) -> Phrase:
        """One sentence: "https://…: up to date (checked 2024-05-02 10:02)", "…: offline since
        2024-05-02 09:14 (connection refused); working from the copy of 2024-05-01 17:03", "…: not fetched
        yet"."""
        if self.error is None:
            if self.reached_at is None:
                return Phrase(N_("{source}: not fetched yet (the app fetches it when it runs)"),
                              source=self.source)
            return Phrase(N_("{source}: up to date (checked {when})"), source=self.source,
                          when=_when(self.reached_at))
        if self.folder is None:
            return Phrase(N_("{source}: not fetched yet ({problem})"), source=self.source, problem=self.error)
        return Phrase(N_("{source}: offline since {since} ({problem}); working from the copy of {copy}"),
                      source=self.source, problem=self.error,
                      since=_when(self.since) if self.since else Phrase(N_("an unknown time")),
                      copy=_when(self.changed_at) if self.changed_at else Phrase(N_("an unknown date")))


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M")


def store_key(source: str) -> str:
    """A folder name for a source: readable (host or folder name) and unique (a hash of the whole)."""
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    words = "".join(c if c.isalnum() or c in ".-" else "-" for c in source.split("://")[-1])
    return f"{words.strip('-.')[:40] or 'source'}-{digest}"


def walk_files(folder: Path, limit: int) -> Iterator[tuple[str, os.stat_result]]:
    """The regular files under `folder` (relative POSIX paths in a stable order, their stat), without
    following symbolic links to folders and skipping version-control folders. Raises OSError when the
    folder cannot be read, ValueError past `limit` files."""
    count = 0
    pending = [""]
    while pending:
        relative = pending.pop()
        with os.scandir(folder / relative if relative else folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            name = f"{relative}/{entry.name}" if relative else entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_DIRS:
                    pending.append(name)
            elif entry.is_file(follow_symlinks=True):
                count += 1
                if count > limit:
                    raise ValueError(f"more than {limit} files")
                yield name, entry.stat(follow_symlinks=True)


class Store:
    """The copies of one source under `root` (created on first use)."""

    def __init__(self, root: Path, source: str) -> None:
        self.root = root
        self.source = source

    # ------------------------------------------------------------- reading

    def state(self) -> dict[str, object]:
        try:
            data = json.loads((self.root / STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def current(self) -> Path | None:
        """The folder of the last good copy, or None."""
        name = self.state().get("current")
        if isinstance(name, str) and name.startswith("copy-") and "/" not in name:
            folder = self.root / name
            if folder.is_dir():
                return folder
        return None

    def status(self) -> SourceStatus:
        state = self.state()
        return SourceStatus(self.source, self.current(), _number(state.get("reached_at")),
                            _number(state.get("changed_at")), _text(state.get("error")),
                            _number(state.get("offline_since")))

    # ------------------------------------------------------------- writing

    def staging(self) -> Path:
        """A new empty folder to fill; leftovers of an interrupted fill are removed first."""
        self.root.mkdir(parents=True, exist_ok=True)
        for old in self.root.glob("staging-*"):
            shutil.rmtree(old, ignore_errors=True)
        return Path(tempfile.mkdtemp(prefix="staging-", dir=self.root))

    def commit(self, staging: Path, **extra: object) -> Path:
        """Make the filled `staging` folder the current copy; `extra` goes into the state (validators)."""
        final = self.root / ("copy-" + staging.name.removeprefix("staging-"))
        os.replace(staging, final)
        previous = self.state().get("current")
        now = time.time()
        self._write({**self.state(), **extra, "current": final.name, "previous": previous,
                     "reached_at": now, "changed_at": now, "error": None, "offline_since": None})
        for old in self.root.glob("copy-*"):
            if old.name not in (final.name, previous):
                shutil.rmtree(old, ignore_errors=True)
        return final

    def reached(self, **extra: object) -> None:
        """The source answered and nothing changed."""
        self._write({**self.state(), **extra, "reached_at": time.time(), "error": None,
                     "offline_since": None})

    def failed(self, error: str) -> None:
        """The source could not be reached or gave something unusable: the copy stays."""
        state, now = self.state(), time.time()
        since = state.get("offline_since") if state.get("error") is not None else None
        self._write({**state, "error": error, "failed_at": now, "offline_since": since or now})

    def discard(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def _write(self, state: dict[str, object]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".state-", dir=self.root)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(state, out)
            os.replace(tmp, self.root / STATE)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def link_or_copy(source: Path, target: Path) -> None:
    """`target` holds the bytes of `source` (a hard link when the file system allows)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
