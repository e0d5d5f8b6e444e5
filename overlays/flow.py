"""A row of widgets that wraps onto the next line when the panel is too narrow for it (a longer language, a
larger font), as Qt's own flow-layout example does; the last widget can keep to the right edge."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget

__all__ = ["FlowLayout"]


class FlowLayout(QLayout):
    """Left to right, wrapping; with `last_right`, the last item sits at the right end of its line."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6, last_right: bool = False) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._last_right = last_right
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        return size

    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if (w := i.widget()) is None or not w.isHidden()]

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the items out in lines (each item centred in its line's height); the height used."""
        lines: list[list[tuple[QLayoutItem, int]]] = [[]]
        x = rect.x()
        items = self._visible()
        for n, item in enumerate(items):
            width = item.sizeHint().width()
            if lines[-1] and x + width > rect.right() + 1:
                lines.append([])
                x = rect.x()
            left = x
            if self._last_right and n == len(items) - 1:
                left = max(x, rect.right() + 1 - width)
            lines[-1].append((item, left))
            x = left + width + self._spacing
        y = rect.y()
        for line in lines:
            height = max((item.sizeHint().height() for item, _ in line), default=0)
            if move:
                for item, left in line:
                    hint = item.sizeHint()
                    item.setGeometry(QRect(QPoint(left, y + (height - hint.height()) // 2), hint))
            y += height + self._spacing
        return max(0, y - self._spacing - rect.y())
