"""Reading files other people can put in place: regular files only, never blocking on a FIFO or a
device, never reading more than asked. Writing Wayguide's own files atomically: a crash or a full
disk leaves the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["NotRegularFile", "kind_of", "read_regular", "regular_file_problem", "walk_named", "write_atomic"]

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


def walk_named(folder: Path | str,
               suffixes: tuple[str, ...]) -> Iterator[tuple[str, str, os.stat_result | OSError]]:
    """The paths under `folder` whose names end in `suffixes` (the wizard files, as the library and the
    signatures find them): (relative POSIX path, path, its status, symlinks followed, or the error that
    status gave, e.g. a symlink loop). Hidden names are skipped; symlinks to folders are followed, each
    folder (device, inode) visited once, so loops end; folders that cannot be read are passed over.
    Opens nothing; nothing for a path that is no folder."""
    try:
        top = os.stat(folder)
    except (OSError, ValueError):  # ValueError: a NUL character in the path
        return
    if not stat.S_ISDIR(top.st_mode):
        return
    visited = {(top.st_dev, top.st_ino)}
    stack: list[tuple[str, str]] = [(str(folder), "")]
    while stack:
        here, relative = stack.pop()
        try:
            with os.scandir(here) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for item in items:
            if item.name.startswith("."):
                continue
            named = item.name.endswith(suffixes)
            try:
                st = item.stat()  # follows symlinks; a loop raises ELOOP
            except FileNotFoundError:  # gone, or a dangling symlink
                continue
            except OSError as exc:
                if named:
                    yield relative + item.name, item.path, exc
                continue
            if stat.S_ISDIR(st.st_mode):
                if (st.st_dev, st.st_ino) not in visited:
                    visited.add((st.st_dev, st.st_ino))
                    stack.append((item.path, f"{relative}{item.name}/"))
            elif named:
                yield relative + item.name, item.path, st
