"""The About box: version, what Wayguide is, and its licence (the MIT licence, in full under
"Show Details…")."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.paths import bundled_dir

__all__ = ["about_box", "licence_text"]

LICENCE = "MIT License"


def licence_text() -> str | None:
    """The LICENSE file shipped with the program (source tree or bundle), or None when missing."""
    try:
        return bundled_dir("LICENSE").read_text(encoding="utf-8")
    except OSError:
        return None


def _tr(text: str) -> str:
    return QCoreApplication.translate("About", text)


def about_box(version: str, licence: str | None, parent: QWidget | None = None) -> QMessageBox:
    """A box to show (`open()` or `exec()`); `licence` is the licence's full text, if found."""
    box = QMessageBox(parent)
    box.setWindowTitle(_tr("About Wayguide"))
    box.setIconPixmap(box.windowIcon().pixmap(64, 64))
    copyright_line = next((line for line in (licence or "").splitlines() if line.startswith("Copyright")),
                          "")
    box.setText(f"<b>Wayguide {version}</b>")
    box.setInformativeText(
        "<p>" + _tr("Task help beside your work: glass box or black box.") + "</p>"
        f"<p>{copyright_line}<br>"
        + _tr("Free software under the {licence}: use, copy, change and share it; it comes with no "
              "warranty.").format(licence=LICENCE) + "</p>")
    if licence:
        box.setDetailedText(licence)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    return box
