"""The panel's home: search, the tasks for the application in front, then all tasks."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence

from PySide6.QtCore import (
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.format.cards import Listed
from app.format.combo import pretty_combo
from app.library.copies import SourceStatus
from app.library.relevance import Match, SearchIndex
from overlays.views import View, button, discard, label, mnemonic_safe, scaled_font

__all__ = ["HomeView", "TaskList"]

KIND = Qt.ItemDataRole.UserRole + 1
WIZARD_ID = Qt.ItemDataRole.UserRole + 2
SUMMARY = Qt.ItemDataRole.UserRole + 3
ALT_MODE = Qt.ItemDataRole.UserRole + 4
ALT_LABEL = Qt.ItemDataRole.UserRole + 5
TAG = Qt.ItemDataRole.UserRole + 6
"""A quiet tag after a task's title ("Example" for the examples that come with Wayguide), or ""."""

_PAD_X, _PAD_Y, _GAP, _TAG_GAP = 12, 9, 2, 8
MAX_BROKEN = 5
"""How many problems of the person's own wizard files are listed under the tasks (more: validate)."""
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

    def _fonts(self) -> tuple[QFont, QFont, QFont, QFont]:
        base = self._view.font()
        return (scaled_font(base, 1.0, QFont.Weight.DemiBold), scaled_font(base, 0.95),
                scaled_font(base, 0.9, QFont.Weight.DemiBold), scaled_font(base, 0.88, QFont.Weight.DemiBold))

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        title, summary, section, _ = self._fonts()
        width = max(100, self._view.viewport().width())
        kind = index.data(KIND)
        if kind == "header":
            return QSize(width, QFontMetrics(section).height() + 18)
        if kind == "info":
            box = QRect(0, 0, width - 2 * _PAD_X, 10_000)
            text = QFontMetrics(summary).boundingRect(box, Qt.TextFlag.TextWordWrap, str(index.data()))
            return QSize(width, text.height() + 2 * _PAD_Y)
        height = QFontMetrics(title).height() + 2 * _PAD_Y
        if index.data(SUMMARY):
            height += _GAP + QFontMetrics(summary).height()
        return QSize(width, height)

    def _tag_font(self) -> QFont:
        return scaled_font(self._view.font(), 0.8)

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
        left = row.left() + _PAD_X + max(0, min(wanted, title_w - w - _TAG_GAP)) + _TAG_GAP
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
        return QRect(row.right() - _PAD_X - w + 1, row.top() + _PAD_Y + (title_h - h) // 2, w, h)

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
            painter.drawText(rect.adjusted(_PAD_X, 0, -_PAD_X, -4),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, str(index.data()))
        elif kind == "info":
            painter.setFont(summary_font)
            painter.setPen(muted)
            painter.drawText(rect.adjusted(_PAD_X, _PAD_Y, -_PAD_X, -_PAD_Y),
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
        inner = rect.adjusted(_PAD_X, _PAD_Y, -_PAD_X, -_PAD_Y)
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
            painter.setPen(QPen(_mix(base, muted, 0.55), 1.0))
            painter.setBrush(_mix(base, muted, 0.1))
            painter.drawRoundedRect(QRectF(tag).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
            painter.setPen(muted)
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, str(index.data(TAG)))
        painter.setFont(title_font)
        painter.setPen(text)
        title = QFontMetrics(title_font).elidedText(str(index.data()), Qt.TextElideMode.ElideRight, title_w)
        painter.drawText(QRect(inner.left(), inner.top(), title_w, title_h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        summary = index.data(SUMMARY)
        if summary:
            painter.setFont(summary_font)
            painter.setPen(muted)
            metrics = QFontMetrics(summary_font)
            line = metrics.elidedText(" ".join(str(summary).split()), Qt.TextElideMode.ElideRight,
                                      inner.width())
            line_rect = QRect(inner.left(), inner.top() + title_h + _GAP, inner.width(), metrics.height())
            painter.drawText(line_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)


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
            else self.viewport().mapToGlobal(rect.bottomLeft() + QPoint(_PAD_X, 0))
        self.menuRequested.emit(str(item.data(WIZARD_ID)), at)


def _moment(epoch: float, with_date: bool) -> str:
    """A time of today as the locale writes it ("09:12"); an earlier one with its day ("3 Dec", with
    `with_date` alone, else "3 Dec 09:12")."""
    when = QDateTime.fromSecsSinceEpoch(int(epoch))
    locale = QLocale()
    time = locale.toString(when.time(), QLocale.FormatType.ShortFormat)
    if when.date() == QDateTime.currentDateTime().date():
        return time
    day = locale.toString(when.date(), "d MMM")
    return day if with_date else f"{day} {time}"


class HomeView(View):
    """Search box, "For <App>" (relevant tasks first, with the reason as tooltip), "All tasks"."""

    startRequested = Signal(str, str)
    searched = Signal(str, int)
    """(query, tasks found) once the person stops typing a search (or picks a task from it)."""
    previewRequested = Signal(str)
    """"Open in preview" on a wizard file of the person's own (its path)."""
    SEARCH_SETTLED_MS = 1200

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, scrolling=False)
        self._found = 0
        self._settled = QTimer(self, singleShot=True, interval=self.SEARCH_SETTLED_MS)
        self._settled.timeout.connect(self._search_settled)
        self._wizards: list[Listed] = []
        self._by_id: dict[str, Listed] = {}
        self._relevant: list[Match] = []
        self._context: str | None = None
        self._index = SearchIndex(())
        self._authored: dict[str, str] = {}
        self._offline: list[str] = []
        self._examples: frozenset[str] = frozenset()
        self.search = QLineEdit()
        self.search.setObjectName("SearchBox")
        self.search.setPlaceholderText(self.tr("Search tasks…"))
        self.search.setAccessibleName(self.tr("Search tasks"))
        self.search.setClearButtonEnabled(True)
        for clear in self.search.findChildren(QToolButton):  # Qt makes it without a name
            clear.setAccessibleName(self.tr("Clear search"))
        self.search.textChanged.connect(self._refill)
        self.search.textEdited.connect(lambda _: self._settled.start())
        self.list = TaskList()
        self.list.setAccessibleName(self.tr("Tasks"))
        self.list.rowPicked.connect(self._picked)
        self.list.menuRequested.connect(self._menu)
        self.empty = label(role="muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.empty.setContentsMargins(_PAD_X - 4, 8, _PAD_X - 4, 0)
        self.empty.hide()
        self.content.setContentsMargins(12, 14, 12, 4)
        self.content.setSpacing(8)
        self.content.addWidget(self.search)
        self.content.addWidget(self.empty)
        self.content.addWidget(self.list, 1)
        self.broken = label(role="muted")
        self.broken.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.broken.hide()
        self.content.addWidget(self.broken)
        self.broken_previews = QWidget()
        self._preview_buttons = QVBoxLayout(self.broken_previews)
        self._preview_buttons.setContentsMargins(0, 0, 0, 0)
        self._preview_buttons.setSpacing(4)
        self.broken_previews.hide()
        self.content.addWidget(self.broken_previews)
        self.hint = label(role="footer", wrap=False)
        self.hint.setFont(scaled_font(self.font(), 0.9))
        self.buttons.addWidget(self.hint)
        self.buttons.addStretch(1)
        self.bar.setObjectName("Footer")
        self.setFocusProxy(self.search)

    # ----------------------------------------------------------- content

    def set_library(self, wizards: Sequence[Listed], relevant: Sequence[Match], context_label: str | None,
                    hotkey: str, keep_query: bool = False, keyboard_hotkey: str = "",
                    examples: Collection[str] = ()) -> None:
        """Show these tasks; the search starts empty unless `keep_query` (the person is typing). The
        wizards whose ids are in `examples` (those that come with Wayguide) are tagged "Example"."""
        self._examples = frozenset(examples)
        self._wizards = list(wizards)
        self._by_id = {w.id: w for w in self._wizards}
        known = self._by_id
        self._relevant = [m for m in relevant if m.wizard.id in known] if known else list(relevant)
        for match in self._relevant:
            self._by_id.setdefault(match.wizard.id, match.wizard)
        self._context = context_label
        self._index = SearchIndex(self._wizards)
        keys = pretty_combo(hotkey) if hotkey else ""
        hint = self.tr("%1 hides").replace("%1", keys) if keys else ""
        if keyboard_hotkey:
            hint += "\n" + self.tr("%1: keyboard here").replace("%1", pretty_combo(keyboard_hotkey))
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        if not keep_query and self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self._refill()

    def set_offline(self, sources: Sequence[SourceStatus]) -> None:
        """The sources that cannot be reached, each said in a quiet line under the tasks ("intranet.example/
        wizards: offline since 09:12, using the copy from 3 Dec"); shown from the next `set_library`."""
        self._offline = [self.offline_line(status) for status in sources if status.offline]

    def offline_line(self, status: SourceStatus) -> str:
        if status.folder is None:
            return self.tr("%1: cannot be reached, no copy of its wizards yet").replace("%1", status.label)
        since = _moment(status.since, with_date=False) if status.since else "?"
        copy = _moment(status.changed_at, with_date=True) if status.changed_at else "?"
        return self.tr("%1: offline since %2, using the copy from %3").replace("%1", status.label) \
            .replace("%2", since).replace("%3", copy)

    def offline_lines(self) -> list[str]:
        """The offline sources' lines in the task list, as shown."""
        return [self.list.item(r).text() for r in range(self.list.count())
                if self.list.item(r).data(KIND) == "info" and self.list.item(r).text() in self._offline]

    def set_broken(self, problems: Sequence[str]) -> None:
        """Errors of the person's own wizard files, for them as the author: the file, where, and what to do
        (the file reloads by itself once saved)."""
        shown = list(problems[:MAX_BROKEN])
        more = len(problems) - len(shown)
        text = self.tr("Your wizard files that did not load (save a fix and they reload):") + "\n" + \
            "\n".join(shown) + (("\n" + self.tr("…and %1 more (wayguide validate)").replace("%1", str(more)))
                                if more else "")
        self.broken.setText(text if problems else "")
        self.broken.setAccessibleName(text if problems else "")
        self.broken.setVisible(bool(problems))

    def set_authoring(self, wizards: Mapping[str, str], broken: Sequence[str]) -> None:
        """The person's own wizard files: `wizards` by id (their menu offers "Open in preview") and the
        `broken` ones that did not load (each with an "Open in preview" button, where its problems show)."""
        self._authored = dict(wizards)
        while self._preview_buttons.count():
            item = self._preview_buttons.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                discard(widget)
        for path in broken[:MAX_BROKEN]:
            name = os.path.basename(path)
            open_it = button(self.tr("Open %1 in preview").replace("%1", mnemonic_safe(name)), role="link",
                             accessible=self.tr("Open %1 in preview").replace("%1", name))
            open_it.setToolTip(path)
            open_it.clicked.connect(lambda _=False, p=path: self.previewRequested.emit(p))
            self._preview_buttons.addWidget(open_it, 0, Qt.AlignmentFlag.AlignLeft)
        self.broken_previews.setVisible(bool(broken))

    def _refill(self) -> None:
        self.list.clear()
        query = self.search.text().strip()
        reasons = {m.wizard.id: m.reason for m in self._relevant}
        if query:
            found = self._index.search(query)
            self._found = len(found)
            for wizard in found:
                self._add_task(wizard, reasons.get(wizard.id))
            self._set_empty(self.tr("Nothing matches “%1”. Try another word, or fewer words.")
                            .replace("%1", query) if not found else "")
        elif not self._by_id:
            none = self.tr("No tasks are available to you yet. They appear here as soon as "
                           "your team adds wizards to Wayguide.")
            self._set_empty("\n\n".join([none, *self._offline]))
        else:
            self._set_empty("")
            shown = set()
            if self._context:
                self._add_header(self.tr("For %1").replace("%1", self._context))
                if not self._relevant:
                    self._add_info(self.tr("Nothing here is made for %1 yet — all tasks are below.")
                                   .replace("%1", self._context))
            elif self._relevant:
                self._add_header(self.tr("For this window"))
            for match in self._relevant:
                self._add_task(match.wizard, match.reason)
                shown.add(match.wizard.id)
            rest = [w for w in self._index.search("", limit=None) if w.id not in shown]
            if rest:
                self._add_header(self.tr("All tasks") if shown or self._context else self.tr("Tasks"))
                for wizard in rest:
                    self._add_task(wizard, None)
            for line in self._offline:
                self._add_info(line)
        self.list.select_first()

    def _set_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.empty.setVisible(bool(text))
        self.list.setVisible(not text)

    def _add_header(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setData(KIND, "header")
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.list.addItem(item)

    def _add_info(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setData(KIND, "info")
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.list.addItem(item)

    def _add_task(self, wizard: Listed, reason: str | None) -> None:
        item = QListWidgetItem(wizard.title)
        item.setData(KIND, "wizard")
        item.setData(WIZARD_ID, wizard.id)
        item.setData(SUMMARY, wizard.summary or "")
        example = wizard.id in self._examples
        item.setData(TAG, self.tr("Example") if example else "")
        described = [self.tr("Example that comes with Wayguide.") if example else "", wizard.summary or ""]
        item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, " ".join(d for d in described if d))
        alt = self.other_mode(wizard)
        item.setData(ALT_MODE, alt)
        item.setData(ALT_LABEL, self._mode_label(alt) if alt else "")
        tip = [reason.capitalize() if reason else "", " ".join((wizard.summary or "").split()),
               self.tr("Example that comes with Wayguide, not one of your organisation's tasks.")
               if example else ""]
        if alt:
            tip.append(self.tr("Ctrl+Enter: %1").replace("%1", self._mode_label(alt)))
        item.setToolTip("\n".join(t for t in tip if t))
        self.list.addItem(item)

    @staticmethod
    def other_mode(wizard: Listed) -> str:
        """The mode a task row offers besides the wizard's default ("" when it has only one)."""
        others = [m for m in wizard.allowed_modes if m != wizard.default_mode]
        return others[0] if others else ""

    def _mode_label(self, mode: str) -> str:
        return self.tr("Do it for me") if mode == "black" else self.tr("Guide me")

    # ------------------------------------------------------------ acting

    def shown_ids(self) -> list[str]:
        """The ids of the task rows, top to bottom."""
        return [str(self.list.item(r).data(WIZARD_ID)) for r in self.list.task_rows()]

    def tags(self) -> dict[str, str]:
        """The tags of the task rows shown, by wizard id (only rows that have one)."""
        items = [self.list.item(r) for r in self.list.task_rows()]
        return {str(i.data(WIZARD_ID)): str(i.data(TAG)) for i in items if i.data(TAG)}

    def headers(self) -> list[str]:
        return [self.list.item(r).text() for r in range(self.list.count())
                if self.list.item(r).data(KIND) == "header"]

    def start_selected(self, other_mode: bool = False) -> bool:
        wizard_id = self.list.selected_id()
        if wizard_id is None:
            return False
        self._start(wizard_id, other_mode)
        return True

    def _search_settled(self) -> None:
        query = self.search.text().strip()
        if query:
            self.searched.emit(query, self._found)

    def _start(self, wizard_id: str, other_mode: bool) -> None:
        if self._settled.isActive():
            self._settled.stop()
            self._search_settled()
        wizard = self._by_id.get(wizard_id)
        mode = self.other_mode(wizard) if wizard is not None and other_mode else ""
        self.startRequested.emit(wizard_id, mode)

    def _picked(self, wizard_id: str, other_mode: bool) -> None:
        self._start(wizard_id, other_mode)

    def _menu(self, wizard_id: str, at: QPoint) -> None:
        wizard = self._by_id.get(wizard_id)
        if wizard is None:
            return
        menu = QMenu(self)
        menu.setAccessibleName(self.tr("Task actions"))
        menu.setDefaultAction(menu.addAction(self._mode_label(wizard.default_mode),
                                             lambda: self._start(wizard_id, False)))
        alt = self.other_mode(wizard)
        if alt:
            menu.addAction(self._mode_label(alt), lambda: self._start(wizard_id, True))
        path = self._authored.get(wizard_id)
        if path is not None:
            menu.addSeparator()
            menu.addAction(self.tr("Open in preview"), lambda: self.previewRequested.emit(path))
        menu.popup(at)

    def authored(self) -> dict[str, str]:
        """The wizards (by id) whose menu offers "Open in preview", with their files."""
        return dict(self._authored)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        moves = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}
        if key in moves:
            self.list.move_selection(moves[Qt.Key(key)])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.list.selected_id() is not None:
            self.start_selected(bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # ---------------------------------------------------------- View API

    def default_button(self) -> QPushButton | None:
        return None

    def first_focus(self) -> QWidget | None:
        return self.search

    def text_fields(self) -> list[QWidget]:
        return [self.search]
