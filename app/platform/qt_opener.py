"""Opening links and documents with the desktop's default application, through Qt (app.ports.Opener)."""

from __future__ import annotations

import os

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

__all__ = ["QtOpener"]


class QtOpener:
    """QDesktopServices: the browser for web and mail links, the desktop's viewer for files. Call it
    from the GUI thread."""

    def open_url(self, url: str) -> bool:
        target = QUrl.fromLocalFile(url) if os.path.isabs(url) else QUrl(url)
        return bool(QDesktopServices.openUrl(target))
