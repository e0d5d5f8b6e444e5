"""Wizard folders on network shares: found from the mount table, polled, and kept as a last good copy.

inotify (QFileSystemWatcher) sees only the changes made through this machine's kernel: a file changed on an
NFS/SMB server, or by another client, goes unseen. A folder on a network file system (`is_network`) is
therefore polled (`ShareSource.poll`, cheap: one stat per file, compared as a digest of names, sizes and
mtimes) and, while it is readable, copied into the cache like a URL source (`app.library.copies`): the
library reads the copy, so a share that goes away (or hangs, with a hard NFS mount) leaves the wizards as
they were, and the status says since when.

Core code (no Qt); the runtime calls `poll` on a worker thread.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.library.copies import SourceStatus, Store, link_or_copy, store_key, walk_files

if TYPE_CHECKING:  # the HTTP client is not imported to tell whether a folder is on a share
    from app.library.remote import Limits, Validator

__all__ = ["NETWORK_FILESYSTEMS", "Mount", "ShareSource", "folder_digest", "is_network", "mount_of",
           "network_digest"]

MOUNTINFO = Path("/proc/self/mountinfo")
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "virtiofs", "ceph", "glusterfs", "lustre", "gpfs",
    "beegfs", "afs", "ncpfs", "coda", "vboxsf", "vmhgfs", "davfs", "fuse.sshfs", "fuse.rclone", "fuse.s3fs",
    "fuse.gcsfuse", "fuse.davfs2", "fuse.glusterfs", "fuse.ceph", "fuse.cephfs", "fuse.vmhgfs-fuse",
    "fuse.smbnetfs", "fuse.goofys", "fuse.juicefs", "fuse.lizardfs", "fuse.moosefs",
})
"""File systems whose files can change without this machine's kernel knowing (so without inotify)."""


@dataclass(frozen=True)
class Mount:
    point: str
    fstype: str
    source: str


def _unescape(field: str) -> str:
    """Mount points in mountinfo escape space, tab, newline and backslash as octal (\\040)."""
    if "\\" not in field:
        return field
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 4 <= len(field) and field[i + 1:i + 4].isdigit():
            out.append(chr(int(field[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def mounts(mountinfo: str) -> list[Mount]:
    """The mounts of a /proc/self/mountinfo text, in its order (later ones hide earlier ones)."""
    found = []
    for line in mountinfo.splitlines():
        fields = line.split(" ")
        if " - " not in line or len(fields) < 10:
            continue
        tail = line.split(" - ", 1)[1].split(" ")
        if len(tail) < 2:
            continue
        found.append(Mount(_unescape(fields[4]), tail[0], _unescape(tail[1])))
    return found


def mount_of(path: Path, mountinfo: str) -> Mount | None:
    """The mount holding `path` (made absolute without touching the file system: a dead share can hang)."""
    target = os.path.abspath(path)
    best: Mount | None = None
    for mount in mounts(mountinfo):
        point = mount.point.rstrip("/") or "/"
        inside = target == point or target.startswith(point if point == "/" else point + "/")
        if inside and (best is None or len(point) >= len(best.point.rstrip("/") or "/")):
            best = mount
    return best


def is_network(path: Path, mountinfo: str | None = None) -> bool:
    """Whether `path` lies on a network file system (Linux: the mount table; Windows: a UNC path).
    `mountinfo` is the table's text (read from /proc/self/mountinfo when None)."""
    if str(path).startswith(("\\\\", "//")) and sys.platform == "win32":
        return True
    if mountinfo is None:
        try:
            mountinfo = MOUNTINFO.read_text(encoding="utf-8", errors="surrogateescape")
        except OSError:
            return False
    mount = mount_of(path, mountinfo)
    return mount is not None and mount.fstype in NETWORK_FILESYSTEMS


def folder_digest(folder: Path, limit: int = 5000) -> str:
    """A digest of the names, sizes and modification times of the files under `folder`: changes when a
    file is added, removed or written. Raises OSError when the folder cannot be read."""
    digest = hashlib.sha256()
    for name, stat in walk_files(folder, limit):
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def network_digest(root: Path = Path("/sys/class/net")) -> str:
    """The interfaces and their state (Linux sysfs): changes when a link goes up or down, an interface
    comes or goes. The fallback where Qt has no network-information backend; "" elsewhere."""
    parts = []
    try:
        with os.scandir(root) as it:
            for entry in sorted(it, key=lambda e: e.name):
                try:
                    state = (Path(entry.path) / "operstate").read_text(encoding="ascii").strip()
                except (OSError, UnicodeDecodeError):
                    state = "?"
                parts.append(f"{entry.name}={state}")
    except OSError:
        return ""
    return ",".join(parts)


class ShareSource:
    """One folder on a share and its last good copy under `cache_dir`."""

    def __init__(self, folder: Path, cache_dir: Path, *, validator: Validator | None = None,
                 limits: Limits | None = None) -> None:
        self.path = folder
        self._validator = validator
        if limits is None:
            from app.library.remote import Limits

            limits = Limits()
        self._limits = limits
        self.store = Store(cache_dir / store_key(str(folder)), str(folder))

    def folder(self) -> Path | None:
        """The last good copy, or None if the share was never read."""
        return self.store.current()

    def status(self) -> SourceStatus:
        return self.store.status()

    def poll(self) -> bool:
        """Copy the share if it changed since the last look; True if the copy changed. An unreadable share
        keeps the copy (the status says why and since when); never raises for file system trouble."""
        try:
            return self._poll()
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.store.failed(f"{self.path}: {reason}")
            return False

    def _poll(self) -> bool:
        state = self.store.state()
        current = self.store.current()
        if not self.path.is_dir():
            raise NotADirectoryError(2, "the folder cannot be reached")
        digest = folder_digest(self.path, self._limits.files)
        if current is not None and state.get("digest") == digest:
            self.store.reached()
            return False
        known = state.get("files") if current is not None else None
        before = known if isinstance(known, dict) else {}
        staging = self.store.staging()
        try:
            files: dict[str, list[int]] = {}
            total = 0
            for name, stat in walk_files(self.path, self._limits.files):
                if stat.st_size > self._limits.file_bytes:
                    raise ValueError(f"{name}: larger than {self._limits.file_bytes} bytes")
                total += stat.st_size
                if total > self._limits.total_bytes:
                    raise ValueError(f"the files add up to more than {self._limits.total_bytes} bytes")
                mark = [stat.st_size, stat.st_mtime_ns]
                target = staging / name
                if current is not None and before.get(name) == mark:
                    link_or_copy(current / name, target)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(self.path / name, target)
                files[name] = mark
            if current is not None and files == before:
                self.store.discard(staging)
                self.store.reached(digest=digest)
                return False
            if self._validator is not None and (why := self._validator(staging)) is not None:
                raise ValueError(why)
        except BaseException:
            self.store.discard(staging)
            raise
        self.store.commit(staging, digest=digest, files=files)
        return True
