"""Support that fades, in the step view: the offer of the short version once the person knows a task, and
in the short version the steps so far as a one-line checklist, with the way back to full guidance."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from overlays.views import Banner, button, label

__all__ = ["ShortVersion"]


class ShortVersion(QWidget):
    """Above the step: the offer ("You know this one: show the short version"), or in the short version a
    checklist of the steps done, the current one and how many follow, and "Full guidance"."""

    chosen = Signal(str)
    """"short" or "full": the person's choice for this wizard (kept for its next runs)."""
    automateRequested = Signal()
    """"Do it for me" in the offer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._short = False
        self._titles: dict[int, str] = {}
        self._index, self._total = 0, 0
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        self.offer = Banner("info")
        self.take = button(self.tr("&Short version"), role="primary",
                           accessible=self.tr("Show the short version"))
        self.take.setToolTip(self.tr("The steps as a short checklist; each explanation stays a click away."))
        self.take.clicked.connect(lambda: self._choose("short"))
        self.automate = button(self.tr("Do it for me"))
        self.automate.clicked.connect(self._automate)
        self.not_now = button(self.tr("Not now"), role="link")
        self.not_now.clicked.connect(self.offer.hide)
        for widget in (self.take, self.automate, self.not_now):
            self.offer.buttons.addWidget(widget)
        self.offer.buttons.addStretch(1)
        box.addWidget(self.offer)
        row = QHBoxLayout()
        self.outline = label(role="muted")
        self.outline.setAccessibleName(self.tr("Steps"))
        self.full = button(self.tr("&Full guidance"), role="link",
                           accessible=self.tr("Back to full guidance"))
        self.full.setToolTip(self.tr("Every step explained again, as the first time."))
        self.full.clicked.connect(lambda: self._choose("full"))
        row.addWidget(self.outline, 1)
        row.addWidget(self.full, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(row)
        self.set_support(short=False, offer=False, can_automate=False)

    def set_support(self, short: bool, offer: bool, can_automate: bool) -> None:
        """A new run: presented short, or with the offer of the short version (and of "Do it for me" where
        this wizard may automate), or neither."""
        self._short = short
        self._titles.clear()
        self.offer.show_message(self.tr("You have done it several times with the guide alone. The short "
                                        "version lists the steps; each explanation stays a click away."),
                                heading=self.tr("You know this one"))
        self.offer.setVisible(offer and not short)
        self.automate.setVisible(can_automate)
        self._render()

    def is_short(self) -> bool:
        return self._short

    def show_step(self, index: int, total: int, title: str) -> None:
        """The step `index` of `total` is shown, titled `title` (rendered: never the template)."""
        self._index, self._total = index, total
        self._titles = {i: t for i, t in self._titles.items() if i < index}  # Back: what follows is undone
        self._titles[index] = title
        self._render()

    def outline_lines(self) -> list[str]:
        """The checklist as shown, a line each (empty outside the short version)."""
        return self.outline.text().splitlines() if self._short else []

    def _render(self) -> None:
        lines = [("✓ " if i < self._index else "▸ ") + " ".join(t.split()) for i, t in
                 sorted(self._titles.items())]
        more = self._total - self._index
        if more > 0:
            lines.append(self.tr("then %n more steps", "", more) if more > 1 else self.tr("then 1 more step"))
        self.outline.setText("\n".join(lines))
        for widget in (self.outline, self.full):
            widget.setVisible(self._short)
        self.setVisible(self._short or self.offer.isVisibleTo(self))

    def _choose(self, choice: str) -> None:
        self._short = choice == "short"
        self.offer.hide()
        self._render()
        self.chosen.emit(choice)

    def _automate(self) -> None:
        self.offer.hide()
        self._render()
        self.automateRequested.emit()
