"""Logging for the tray app, configured once: warnings on stderr as one line each, and everything from
INFO up in a rotating log file in the data dir (`wayguide doctor` names it). Never keystrokes or input
values: messages name what happened, not what was typed."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import TextIO

__all__ = ["LOG_NAME", "configure", "log_file"]

LOG_NAME = "wayguide.log"
MAX_BYTES = 1 << 20
BACKUPS = 3
FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_file(data_dir: Path) -> Path:
    """Where the tray app writes its log."""
    return data_dir / "logs" / LOG_NAME


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is when a message comes (tests capture it), as the messages were
    printed before: the message alone."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))
        self.setLevel(logging.WARNING)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


def configure(data_dir: Path | None = None) -> Path | None:
    """Send the app's messages to stderr and, with `data_dir`, to the rotating log file there (its path
    returned; None when it cannot be written: stderr then goes on alone). Idempotent: a second call
    replaces what the first set up."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "wayguide", False)]:
        root.removeHandler(handler)
        handler.close()
    handlers: list[logging.Handler] = [_Stderr()]
    path: Path | None = None
    if data_dir is not None:
        path = log_file(data_dir)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            file = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                        encoding="utf-8", delay=True)
        except OSError:
            path = None
        else:
            file.setFormatter(logging.Formatter(FILE_FORMAT))
            file.setLevel(logging.INFO)
            handlers.append(file)
    for handler in handlers:
        handler.wayguide = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    return path
