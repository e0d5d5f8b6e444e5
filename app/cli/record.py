"""`wayguide record [--out FILE]`: the running app records while the author does the task once; this
command waits, and says where the draft went. Ctrl+C here ends the recording and writes the draft,
as the recording bar's Stop does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from app.platform import ipc

__all__ = ["record"]

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

Send = Callable[..., Iterator[dict[str, Any]]]


def record(target: Path | None, out: TextIO, err: TextIO, send: Send = ipc.send) -> int:
    """Start a recording in the running app (starting the app if needed) and wait for its draft."""
    if target is not None:
        target = target.expanduser().absolute()
        if target.exists() or target.is_symlink():
            err.write(f"wayguide: error: {target} exists already (choose another --out; nothing is "
                      "overwritten)\n")
            return EXIT_USAGE
        if not target.parent.is_dir():
            err.write(f"wayguide: error: {target.parent} is not a folder (for --out)\n")
            return EXIT_USAGE
    request = ipc.RecordRequest(str(target) if target is not None else None)
    try:
        replies = send(request.message(), start_if_absent=True, timeout=20.0)
        next(replies)
        out.write("Recording: do the task once. Stop with the bar's Stop button, Wayguide's hotkey, "
                  "or Ctrl+C here.\n")
        out.flush()
        for message in replies:
            if message.get("event") == "finished":
                return _said(message, out)
    except KeyboardInterrupt:
        return _stop(out, err, send)
    except ipc.IpcError as exc:
        err.write(f"wayguide: error: {exc}\n")
        return EXIT_FAIL
    err.write("wayguide: error: the recording ended without a draft\n")
    return EXIT_FAIL


def _stop(out: TextIO, err: TextIO, send: Send) -> int:
    """Ctrl+C: the app is told to stop (leaving alone would stop it too, but then nobody hears where
    the draft went), and answers with what became of the recording."""
    try:
        for message in send(ipc.RecordRequest(stop=True).message(), timeout=10.0):
            if message.get("event") == "finished":
                return _said(message, out)
    except ipc.IpcError as exc:
        err.write(f"wayguide: error: {exc}\n")
    return EXIT_FAIL


def _said(message: dict[str, Any], out: TextIO) -> int:
    out.write(f"{message.get('outcome')}: {message.get('message', '')}\n")
    return EXIT_OK if message.get("outcome") == "completed" else EXIT_FAIL
