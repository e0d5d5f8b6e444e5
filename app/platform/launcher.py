"""Opens URLs and files with the desktop's default application, and starts programs, never through a shell."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

__all__ = ["SubprocessLauncher"]


class SubprocessLauncher:
    """Each program starts in its own session with no terminal input or output, and is not waited for."""

    def open(self, target: str) -> None:
        if sys.platform == "win32":
            os.startfile(target)  # type: ignore[attr-defined,unused-ignore]
            return
        self.run(["open" if sys.platform == "darwin" else "xdg-open", target])

    def run(self, argv: Sequence[str]) -> None:
        subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
