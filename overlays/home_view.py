"""The panel's home: search, the tasks for the application in front, then all tasks."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import partial

from PySide6.QtCore import (
    QDateTime,
    QLocale,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QKeyEvent,
)
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.format.cards import Listed
from app.library.copies import SourceStatus
from app.library.relevance import Match, SearchIndex
from overlays.progress_text import TaskProgress, progress_line, progress_tip
from overlays.task_list import (
    ALT_LABEL,
    ALT_MODE,
    KIND,
    PAD_X,
    PROGRESS,
    SUMMARY,
    TAG,
    TAG_ACCENT,
    WIZARD_ID,
    TaskList,
)
from overlays.views import View, button, combo_words, discard, label, mnemonic_safe, scaled_font

__all__ = ["TAG", "HomeView", "TaskList"]

MAX_BROKEN = 5
"""How many problems of the person's own wizard files are listed under the tasks (more: validate)."""
FIRST_ROWS, MORE_ROWS = 40, 100
"""The rows added at once (more than a screenful), then per turn of the event loop."""


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
        self._suggested: str | None = None
        self._progress: Mapping[str, TaskProgress] = {}
        self._now = 0.0
        self._pending: list[Callable[[], None]] = []
        self._more = QTimer(self, singleShot=True, interval=0)
        self._more.timeout.connect(self._add_more)
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
        self.empty.setContentsMargins(PAD_X - 4, 8, PAD_X - 4, 0)
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
                    examples: Collection[str] = (), suggested: str | None = None) -> None:
        """Show these tasks; the search starts empty unless `keep_query` (the person is typing). The
        wizards whose ids are in `examples` (those that come with Wayguide) are tagged "Example"; the one
        a nudge in context suggests (`suggested`, first among `relevant`) is tagged "Suggested"."""
        self._examples = frozenset(examples)
        self._suggested = suggested
        self._wizards = list(wizards)
        self._by_id = {w.id: w for w in self._wizards}
        known = self._by_id
        self._relevant = [m for m in relevant if m.wizard.id in known] if known else list(relevant)
        for match in self._relevant:
            self._by_id.setdefault(match.wizard.id, match.wizard)
        self._context = context_label
        if len(self._index) != len(wizards) or any(a is not b for a, b in zip(self._index.wizards, wizards,
                                                                              strict=True)):
            self._index = SearchIndex(self._wizards)  # made again only when the library changed
        keys = combo_words(hotkey) if hotkey else ""
        hint = self.tr("%1 hides").replace("%1", keys) if keys else ""
        if keyboard_hotkey:
            hint += "\n" + self.tr("%1: keyboard here").replace("%1", combo_words(keyboard_hotkey))
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        if not keep_query and self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self._refill()

    def set_progress(self, progress: Mapping[str, TaskProgress], now: float) -> None:
        """The person's progress by wizard id, as of `now`: each task says it quietly ("done 5×, last 3 weeks
        ago"), and in "All tasks" the frequent and recent ones come first (search keeps its own order).
        Shown from the next `set_library`."""
        self._progress, self._now = progress, now

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
        self._pending.clear()
        self._more.stop()
        add = self._pending.append
        query = self.search.text().strip()
        reasons = {m.wizard.id: m.reason for m in self._relevant}
        if query:
            found = self._index.search(query)
            self._found = len(found)
            for wizard in found:
                add(partial(self._add_task, wizard, reasons.get(wizard.id)))
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
                add(partial(self._add_header, self.tr("For %1").replace("%1", self._context)))
                if not self._relevant:
                    nothing = self.tr("Nothing here is made for %1 yet — all tasks are below.")
                    add(partial(self._add_info, nothing.replace("%1", self._context)))
            elif self._relevant:
                add(partial(self._add_header, self.tr("For this window")))
            for match in self._relevant:
                add(partial(self._add_task, match.wizard, match.reason))
                shown.add(match.wizard.id)
            rest = sorted((w for w in self._index.search("", limit=None) if w.id not in shown),
                          key=self._weight)  # stable: the index's order among equals
            if rest:
                all_tasks = self.tr("All tasks") if shown or self._context else self.tr("Tasks")
                add(partial(self._add_header, all_tasks))
                for wizard in rest:
                    add(partial(self._add_task, wizard, None))
            for line in self._offline:
                add(partial(self._add_info, line))
        self._add_more(FIRST_ROWS)
        self.list.select_first()

    def _add_more(self, rows: int = MORE_ROWS) -> None:
        """Add the next `rows` rows of the list; the rest follow in later turns of the event loop (a list
        of a thousand tasks shows its first screen at once and stays responsive to typing)."""
        batch, self._pending[:rows] = self._pending[:rows], []
        for make in batch:
            make()
        if self._pending:
            self._more.start()

    def filled(self) -> bool:
        """Whether every row of the list has been added."""
        return not self._pending

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
        suggested = wizard.id == self._suggested
        item.setData(TAG, self.tr("Suggested") if suggested else self.tr("Example") if example else "")
        item.setData(TAG_ACCENT, suggested)
        progress = self._progress.get(wizard.id)
        done = progress_line(progress, self._now) if progress is not None and progress.done else ""
        item.setData(PROGRESS, done)
        described = [self.tr("Suggested: not done lately.") if suggested else "",
                     self.tr("Example that comes with Wayguide.") if example else "", wizard.summary or "",
                     done]
        item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, " ".join(d for d in described if d))
        alt = self.other_mode(wizard)
        item.setData(ALT_MODE, alt)
        item.setData(ALT_LABEL, self._mode_label(alt) if alt else "")
        tip = [self.tr("Suggested: you have not done this lately") if suggested else "",
               reason.capitalize() if reason else "", " ".join((wizard.summary or "").split()),
               self.tr("Example that comes with Wayguide, not one of your organisation's tasks.")
               if example else ""]
        if done and progress is not None:
            tip.append(progress_tip(progress, self._now))
        if alt:
            tip.append(self.tr("Ctrl+Enter: %1").replace("%1", self._mode_label(alt)))
        item.setToolTip("\n".join(t for t in tip if t))
        self.list.addItem(item)

    def _weight(self, wizard: Listed) -> float:
        progress = self._progress.get(wizard.id)
        return -progress.weight if progress is not None else 0.0

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

    def progress_lines(self) -> dict[str, str]:
        """The progress said on the task rows shown, by wizard id (only rows that say one)."""
        items = [self.list.item(r) for r in self.list.task_rows()]
        return {str(i.data(WIZARD_ID)): str(i.data(PROGRESS)) for i in items if i.data(PROGRESS)}

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
