"""The end of a run: what was done, how long it took, who did it; run again or back to the tasks."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from app.engine import Summary
from overlays.views import View, button, label, scaled_font

__all__ = ["DoneView", "duration_text", "figures"]


def _tr(text: str, n: int = -1) -> str:
    """The panel's translation of `text` (with `n`: the plural form for n, Qt's numerus form)."""
    return QCoreApplication.translate("Panel", text, None, n)


def duration_text(seconds: float) -> str:
    """42 s · 1 min 12 s · 1 h 5 min."""
    total = max(0, round(seconds))
    if total < 60:
        return _tr("%1 s").replace("%1", str(total))
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        if secs == 0:
            return _tr("%1 min").replace("%1", str(minutes))
        return _tr("%1 min %2 s").replace("%1", str(minutes)).replace("%2", str(secs))
    hours, minutes = divmod(minutes, 60)
    return _tr("%1 h %2 min").replace("%1", str(hours)).replace("%2", str(minutes))


def figures(summary: Summary) -> tuple[str, str]:
    """("7 steps · 1 min 12 s", "2 done for you, 5 by you")."""
    n = summary.steps
    steps = _tr("1 step") if n == 1 else _tr("%n steps", n).replace("%n", str(n))
    first = f"{steps} · {duration_text(summary.duration)}"
    if not summary.steps:
        return first, ""
    parts = []
    if summary.automated and summary.by_person:
        parts.append(_tr("%1 done for you, %2 by you"))
    elif summary.automated:
        parts.append(_tr("%1 done for you"))
    elif summary.by_person:
        parts.append(_tr("%2 by you"))
    if summary.skipped:
        parts.append(_tr("%3 skipped"))
    second = ", ".join(parts)
    for key, value in (("%1", summary.automated), ("%2", summary.by_person), ("%3", summary.skipped)):
        second = second.replace(key, str(value))
    return first, second


class DoneView(View):
    """"✓ <title>" (or "Stopped" and the reason), the figures, [Run again] [Back to tasks]."""

    runAgainRequested = Signal()
    homeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._header = ""
        row = QHBoxLayout()
        row.setSpacing(10)
        self.mark = label(wrap=False, role="done-mark")
        self.mark.setFont(scaled_font(self.font(), 1.6, QFont.Weight.Bold))
        self.mark.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.heading = label()
        self.heading.setFont(scaled_font(self.font(), 1.3, QFont.Weight.Bold))
        row.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.heading, 1)
        self.content.addSpacing(8)
        self.content.addLayout(row)
        self.reason = label(role="muted")
        self.steps = label()
        self.split = label(role="muted")
        for widget in (self.reason, self.steps, self.split):
            self.content.addWidget(widget)
        self.content.addStretch(1)
        self.again = button(self.tr("&Run again"))
        self.again.clicked.connect(self.runAgainRequested)
        self.home = button(self.tr("Back to &tasks"), role="primary")
        self.home.clicked.connect(self.homeRequested)
        self.buttons.addWidget(self.again)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.home)
        self.wrap_when_narrow(self.again)

    def finished(self, title: str, summary: Summary) -> None:
        self._header = self.tr("Done")
        self.mark.setText("✓")
        self.mark.show()
        self.heading.setText(title)
        self.reason.hide()
        self._figures(summary)

    def aborted(self, title: str, reason: str, summary: Summary) -> None:
        self._header = self.tr("Stopped")
        self.mark.hide()
        self.heading.setText(self.tr("Stopped"))
        self.reason.setText(" — ".join(t for t in (title, reason) if t))
        self.reason.setVisible(bool(self.reason.text()))
        self._figures(summary)

    def _figures(self, summary: Summary) -> None:
        first, second = figures(summary)
        self.steps.setText(first)
        self.split.setText(second)
        self.split.setVisible(bool(second))
        self.setAccessibleDescription(f"{self.heading.text()}. {first}. {second}")

    def title(self) -> str:
        return self._header or self.tr("Done")

    def default_button(self) -> QPushButton | None:
        return self.home
