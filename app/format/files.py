"""Reading files other people can put in place: regular files only, never blocking on a FIFO or a
device, never reading more than asked. Writing Wayguide's own files atomically: a crash or a full
disk leaves the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["NotRegularFile", "kind_of", "read_regular", "regular_file_problem", "write_atomic"]

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


class NotRegularFile(OSError):
    """The path names something other than a regular file; `strerror` says what."""


def kind_of(mode: int) -> str:
    """What a file of this mode is, in words ("a FIFO")."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def regular_file_problem(path: Path | str, limit: int | None = None) -> str | None:
    """Why `path` is not a regular file of at most `limit` bytes, as a clause ("cannot read: Too many levels
    of symbolic links", "a FIFO, not a regular file"); None when it is one. Nothing is opened."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    except ValueError:  # a NUL in the name
        return "not a file name"
    if not stat.S_ISREG(st.st_mode):
        return f"{kind_of(st.st_mode)}, not a regular file"
    if limit is not None and st.st_size > limit:
        return f"too large ({st.st_size // 1024} KiB; the limit is {limit // 1024} KiB)"
    return None


def read_regular(path: Path | str, limit: int) -> bytes:
    """At most `limit` + 1 bytes of a regular file (one more than `limit` says it is larger).

    Anything else raises NotRegularFile without being opened (a FIFO would block the reader until
    some writer came), and a file swapped for one between the check and the open is caught by
    opening without blocking and checking what was opened."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(errno.EINVAL, f"not a regular file ({kind_of(mode)})", str(path))
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
                 | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, f"not a regular file ({kind_of(mode)})", str(path))
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes | str, durable: bool = True) -> None:
    """Replace `path` with `data` (text is written as UTF-8) in one step: written to a new file
    beside it (readable by the owner only), flushed to disk unless not `durable` (a cache), then
    renamed over it. Makes the folder when missing; raises OSError, leaving no temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
