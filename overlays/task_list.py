"""The panel's list of tasks: section headers, hint rows and task rows, painted calmly, navigated by
keyboard (Up/Down skip the headers) and by mouse (a click on the pill picks the other mode)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QFont, QFontMetrics, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from overlays.views import scaled_font

__all__ = ["ALT_LABEL", "ALT_MODE", "KIND", "PAD_X", "PROGRESS", "SUMMARY", "TAG", "TAG_ACCENT", "WIZARD_ID",
           "TaskList"]

KIND = Qt.ItemDataRole.UserRole + 1
WIZARD_ID = Qt.ItemDataRole.UserRole + 2
SUMMARY = Qt.ItemDataRole.UserRole + 3
ALT_MODE = Qt.ItemDataRole.UserRole + 4
ALT_LABEL = Qt.ItemDataRole.UserRole + 5
TAG = Qt.ItemDataRole.UserRole + 6
"""A quiet tag after a task's title ("Example" for the examples that come with Wayguide), or ""."""
PROGRESS = Qt.ItemDataRole.UserRole + 7
"""The person's progress with the task, said quietly on a line under its summary, or ""."""
TAG_ACCENT = Qt.ItemDataRole.UserRole + 8
"""The tag is drawn in the accent colour (a task suggested now), not muted."""

PAD_X, _PAD_Y, _GAP, _TAG_GAP = 12, 9, 2, 8
_Index = QModelIndex | QPersistentModelIndex


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    """`a` moved `amount` (0..1) of the way towards `b`."""
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * amount,
                           a.greenF() + (b.greenF() - a.greenF()) * amount,
                           a.blueF() + (b.blueF() - a.blueF()) * amount)


class _RowDelegate(QStyledItemDelegate):
    """Paints section headers, hint rows and task rows (title with its quiet tag, if any, one muted
    summary line, and on the selected or hovered row a "Do it for me" pill)."""

    def __init__(self, view: TaskList) -> None:
        super().__init__(view)
        self._view = view
        self._made_for = ""
        self._made: tuple[QFont, QFont, QFont, QFont, QFont] = (QFont(),) * 5
        self._heights: tuple[int, int, int, int] = (0, 0, 0, 0)

    def _all_fonts(self) -> tuple[QFont, QFont, QFont, QFont, QFont]:
        """Title, summary, section, pill and tag fonts, made again only when the view's font changes (a
        list of a thousand tasks asks for them thousands of times)."""
        base = self._view.font()
        if base.key() != self._made_for:
            self._made_for = base.key()
            self._made = (scaled_font(base, 1.0, QFont.Weight.DemiBold), scaled_font(base, 0.95),
                          scaled_font(base, 0.9, QFont.Weight.DemiBold),
                          scaled_font(base, 0.88, QFont.Weight.DemiBold), scaled_font(base, 0.8))
            heights = tuple(QFontMetrics(font).height() for font in self._made)
            self._heights = (heights[0], heights[1], heights[2], heights[4])
        return self._made

    def _fonts(self) -> tuple[QFont, QFont, QFont, QFont]:
        return self._all_fonts()[:4]

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        summary = self._all_fonts()[1]
        title_h, summary_h, section_h, tag_h = self._heights
        width = max(100, self._view.viewport().width())
        kind = index.data(KIND)
        if kind == "header":
            return QSize(width, section_h + 18)
        if kind == "info":
            box = QRect(0, 0, width - 2 * PAD_X, 10_000)
            text = QFontMetrics(summary).boundingRect(box, Qt.TextFlag.TextWordWrap, str(index.data()))
            return QSize(width, text.height() + 2 * _PAD_Y)
        height = title_h + 2 * _PAD_Y
        if index.data(SUMMARY):
            height += _GAP + summary_h
        if index.data(PROGRESS):
            height += _GAP + tag_h
        return QSize(width, height)

    def _tag_font(self) -> QFont:
        return self._all_fonts()[4]

    def tag_rect(self, row: QRect, index: _Index, title_w: int) -> QRect:
        """Where a task's tag is drawn: just after its title (elided to leave room), within `title_w`;
        empty if it has none."""
        text = index.data(TAG)
        if not text:
            return QRect()
        tag = QFontMetrics(self._tag_font())
        w, h = tag.horizontalAdvance(str(text)) + 10, tag.height() + 2
        metrics = QFontMetrics(self._fonts()[0])
        title_h = metrics.height()
        title = str(index.data())  # its ink may reach past its advance: room for both, or it is elided
        wanted = max(metrics.horizontalAdvance(title), metrics.boundingRect(title).right() + 1) + 1
        left = row.left() + PAD_X + max(0, min(wanted, title_w - w - _TAG_GAP)) + _TAG_GAP
        return QRect(left, row.top() + _PAD_Y + (title_h - h) // 2, w, h)

    def pill_rect(self, row: QRect, index: _Index) -> QRect:
        """Where the secondary action ("Do it for me") is drawn on a row; empty if it has none."""
        text = index.data(ALT_LABEL)
        if not text:
            return QRect()
        _, _, _, pill = self._fonts()
        metrics = QFontMetrics(pill)
        w, h = metrics.horizontalAdvance(str(text)) + 16, metrics.height() + 6
        title_h = QFontMetrics(self._fonts()[0]).height()
        return QRect(row.right() - PAD_X - w + 1, row.top() + _PAD_Y + (title_h - h) // 2, w, h)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = QApplication.palette(self._view)  # the style sheet makes the view's own one transparent
        rect: QRect = option.rect
        state = option.state
        title_font, summary_font, section_font, pill_font = self._fonts()
        text = pal.color(pal.ColorRole.Text)
        muted = pal.color(pal.ColorRole.PlaceholderText)
        accent = pal.color(pal.ColorRole.Highlight)
        kind = index.data(KIND)
        if kind == "header":
            painter.setFont(section_font)
            painter.setPen(muted)
            painter.drawText(rect.adjusted(PAD_X, 0, -PAD_X, -4),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, str(index.data()))
        elif kind == "info":
            painter.setFont(summary_font)
            painter.setPen(muted)
            painter.drawText(rect.adjusted(PAD_X, _PAD_Y, -PAD_X, -_PAD_Y),
                             int(Qt.TextFlag.TextWordWrap), str(index.data()))
        else:
            self._paint_task(painter, index, rect, state, (text, muted, accent),
                             (title_font, summary_font, pill_font))
        painter.restore()

    def _paint_task(self, painter: QPainter, index: _Index, rect: QRect,
                    state: QStyle.StateFlag, colours: tuple[QColor, QColor, QColor],
                    fonts: tuple[QFont, QFont, QFont]) -> None:
        text, muted, accent = colours
        title_font, summary_font, pill_font = fonts
        pal = QApplication.palette(self._view)
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hover = bool(state & QStyle.StateFlag.State_MouseOver)
        focused = bool(state & QStyle.StateFlag.State_HasFocus) and self._view.hasFocus()
        box = rect.adjusted(4, 1, -4, -1)
        base = pal.color(pal.ColorRole.Window)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_mix(base, accent, 0.14))
            painter.drawRoundedRect(box, 6, 6)
            painter.setBrush(accent)
            painter.drawRoundedRect(QRect(box.left(), box.top() + 6, 3, box.height() - 12), 1.5, 1.5)
        elif hover:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_mix(base, text, 0.06))
            painter.drawRoundedRect(box, 6, 6)
        if focused:
            painter.setPen(QPen(accent, 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box.adjusted(1, 1, -1, -1), 6, 6)
        inner = rect.adjusted(PAD_X, _PAD_Y, -PAD_X, -_PAD_Y)
        title_h = QFontMetrics(title_font).height()
        title_w = inner.width()
        pill = self.pill_rect(rect, index) if (selected or hover) else QRect()
        if not pill.isNull():
            title_w = pill.left() - inner.left() - 8
            painter.setFont(pill_font)
            painter.setPen(QPen(accent, 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(pill.adjusted(0, 0, -1, -1), pill.height() / 2, pill.height() / 2)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, str(index.data(ALT_LABEL)))
        tag = self.tag_rect(rect, index, title_w)
        if not tag.isNull():
            title_w = tag.left() - _TAG_GAP - inner.left()
            painter.setFont(self._tag_font())
            ink = accent if index.data(TAG_ACCENT) else muted
            painter.setPen(QPen(_mix(base, ink, 0.55), 1.0))
            painter.setBrush(_mix(base, ink, 0.1))
            painter.drawRoundedRect(QRectF(tag).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
            painter.setPen(ink)
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, str(index.data(TAG)))
        painter.setFont(title_font)
        painter.setPen(text)
        title = QFontMetrics(title_font).elidedText(str(index.data()), Qt.TextElideMode.ElideRight, title_w)
        painter.drawText(QRect(inner.left(), inner.top(), title_w, title_h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        summary, progress = index.data(SUMMARY), index.data(PROGRESS)
        metrics = QFontMetrics(summary_font)
        top = inner.top() + title_h + _GAP
        if summary:
            painter.setFont(summary_font)
            painter.setPen(muted)
            line = metrics.elidedText(" ".join(str(summary).split()), Qt.TextElideMode.ElideRight,
                                      inner.width())
            painter.drawText(QRect(inner.left(), top, inner.width(), metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)
            top += metrics.height() + _GAP
        if progress:  # a line of its own, quieter than the summary
            small = self._tag_font()
            painter.setFont(small)
            painter.setPen(muted)
            painter.drawText(QRect(inner.left(), top, inner.width(), QFontMetrics(small).height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             QFontMetrics(small).elidedText(str(progress), Qt.TextElideMode.ElideRight,
                                                            inner.width()))


class TaskList(QListWidget):
    """The list of tasks: Up/Down skip section headers, a click on the pill picks the other mode."""

    rowPicked = Signal(str, bool)
    """(wizard id, other mode) when a task row is clicked."""
    menuRequested = Signal(str, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._delegate = _RowDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.setFrameShape(QListWidget.Shape.NoFrame)
        self.setTabKeyNavigation(False)

    def task_rows(self) -> list[int]:
        return [r for r in range(self.count()) if self.item(r).data(KIND) == "wizard"]

    def move_selection(self, delta: int) -> None:
        """Select the task `delta` rows up (negative) or down, skipping headers; clamps at the ends."""
        rows = self.task_rows()
        if not rows:
            return
        current = self.currentRow()
        if current not in rows:
            target = rows[0] if delta > 0 else rows[-1]
        else:
            pos = rows.index(current) + delta
            target = rows[max(0, min(len(rows) - 1, pos))]
        self.setCurrentRow(target)
        self.scrollToItem(self.item(target))

    def select_first(self) -> None:
        rows = self.task_rows()
        if rows:
            self.setCurrentRow(rows[0])
            self.scrollToTop()

    def selected_id(self) -> str | None:
        item = self.currentItem()
        if item is None or item.data(KIND) != "wizard":
            return None
        return str(item.data(WIZARD_ID))

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        rows = self.task_rows()
        cursor = QAbstractItemView.CursorAction
        moves = {cursor.MoveUp: -1, cursor.MoveDown: 1, cursor.MovePageUp: -5, cursor.MovePageDown: 5}
        if rows and action in moves:
            current = self.currentRow()
            pos = rows.index(current) + moves[action] if current in rows else 0
            return self.model().index(rows[max(0, min(len(rows) - 1, pos))], 0)
        if rows and action == cursor.MoveHome:
            return self.model().index(rows[0], 0)
        if rows and action == cursor.MoveEnd:
            return self.model().index(rows[-1], 0)
        return super().moveCursor(action, modifiers)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position().toPoint()
        item = self.itemAt(pos)
        if item is None or item.data(KIND) != "wizard":
            return
        index = self.indexFromItem(item)
        pill = self._delegate.pill_rect(self.visualRect(index), index)
        self.rowPicked.emit(str(item.data(WIZARD_ID)), pill.contains(pos))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            item = self.itemAt(event.pos())
            if item is not None and item.data(KIND) == "wizard":
                self.setCurrentItem(item)
        else:
            item = self.currentItem()
        if item is None or item.data(KIND) != "wizard":
            return
        rect = self.visualItemRect(item)
        at = event.globalPos() if event.reason() == QContextMenuEvent.Reason.Mouse \
            else self.viewport().mapToGlobal(rect.bottomLeft() + QPoint(PAD_X, 0))
        self.menuRequested.emit(str(item.data(WIZARD_ID)), at)
