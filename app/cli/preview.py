"""`wayguide preview FILE`: hands a wizard file to the running app's panel, which re-validates it on each
save."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from app.format.diagnostics import one_line
from app.format.files import regular_file_problem
from app.format.source import MAX_BYTES

__all__ = ["preview"]

EXIT_OK, EXIT_FAIL = 0, 1


def preview(path: Path, step: str | None, out: TextIO, err: TextIO) -> int:
    """Ask the running app (started when absent) to preview the wizard file at `path`; it is checked here
    first (a regular file, not too large: nothing is opened) and again by the app."""
    from app.platform import ipc

    problem = regular_file_problem(path, MAX_BYTES)
    if problem is not None:
        err.write(f"{one_line(str(path))}: error: {problem} (a wizard is a YAML file)\n")
        return EXIT_FAIL
    request = ipc.PreviewRequest(os.path.abspath(path), step)
    try:
        for message in ipc.send(request.message(), start_if_absent=True, timeout=20.0):
            if message.get("ok"):
                out.write(f"{one_line(str(message.get('message') or 'previewing ' + str(path)))}\n")
    except ipc.IpcError as exc:
        err.write(f"wayguide: error: {one_line(str(exc))}\n")
        return EXIT_FAIL
    return EXIT_OK
