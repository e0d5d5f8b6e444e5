"""The author's preview of a wizard file: a "Preview" badge and the file's name, the problems of the latest
save with their lines, and the steps (start at any one), each with what its controls' locators found."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from overlays.views import Banner, View, button, label

if TYPE_CHECKING:
    from app.engine.preview import Finding
    from app.format.model import Wizard

__all__ = ["MAX_PROBLEMS", "PreviewView"]

MAX_PROBLEMS = 8
"""Problems listed at most (the rest: `wayguide validate FILE`)."""
STEP_ID = Qt.ItemDataRole.UserRole + 1
_STEPS_STYLE = ("QListWidget#PreviewSteps::item { padding: 7px 6px; border-radius: 4px; }"
                " QListWidget#PreviewSteps::item:selected { background: palette(alternate-base);"
                " color: palette(text); border-left: 3px solid palette(highlight); }")


class PreviewView(View):
    """What the panel shows while an author previews a file. Signals: `startRequested(step_id, mode)` (mode
    "" = the wizard's default), `closeRequested()` (back to the tasks), `checkRequested()` (look up the
    controls again, e.g. after bringing another window to the front)."""

    startRequested = Signal(str, str)
    closeRequested = Signal()
    checkRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, scrolling=False)
        self._wizard: Wizard | None = None
        self._findings: dict[str, list[Finding]] = {}
        self._checking = False
        top = QHBoxLayout()
        top.setSpacing(8)
        self.badge = label(self.tr("Preview"), role="badge", wrap=False)
        self.badge.setAccessibleName(self.tr("Preview of a wizard file"))
        self.file_name = label(role="muted", wrap=False)
        top.addWidget(self.badge)
        top.addWidget(self.file_name, 1)
        self.status = label(role="muted")
        self.problems = Banner("problem")
        self.steps_title = label(self.tr("Steps — start at any one"), role="section")
        self.check_again = button(self.tr("Check controls again"), role="link")
        self.check_again.setToolTip(self.tr("Look up the controls again in the window in front"))
        self.check_again.clicked.connect(self.checkRequested)
        steps_row = QHBoxLayout()
        steps_row.addWidget(self.steps_title, 1)
        steps_row.addWidget(self.check_again)
        self.looked_in = label(role="muted")
        self.looked_in.hide()
        self.steps = QListWidget()
        self.steps.setObjectName("PreviewSteps")
        self.steps.setStyleSheet(_STEPS_STYLE)
        self.steps.setAccessibleName(self.tr("Steps"))
        self.steps.setWordWrap(True)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.steps.setSpacing(2)
        self.steps.itemDoubleClicked.connect(lambda _item: self._start(False))
        self.steps.installEventFilter(self)  # Enter / Ctrl+Enter start, once (not also as "activated")
        self.content.addLayout(top)
        self.content.addWidget(self.status)
        self.content.addWidget(self.problems)
        self.content.addLayout(steps_row)
        self.content.addWidget(self.looked_in)
        self.content.addWidget(self.steps, 1)
        self.close_button = button(self.tr("Close"), accessible=self.tr("Close preview"))
        self.close_button.setToolTip(self.tr("Close the preview and show the tasks"))
        self.other = button("")
        self.start = button(self.tr("&Start here ▸"), role="primary", accessible=self.tr("Start here"))
        self.close_button.clicked.connect(self.closeRequested)
        self.other.clicked.connect(lambda: self._start(True))
        self.start.clicked.connect(lambda: self._start(False))
        self.buttons.addWidget(self.close_button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.other)
        self.buttons.addWidget(self.start)
        self.setFocusProxy(self.steps)

    # ---------------------------------------------------------------- content

    def show_file(self, name: str, path: str, wizard: Wizard | None, problems: Sequence[str], current: bool,
                  saves: int) -> None:
        """The file `name` (full `path` as tooltip) as last loaded: `wizard` is the last version without
        errors (None: none yet), `current` whether that is the file as saved now, `problems` its lines
        ("3:1: message (hint)"), `saves` how many versions were loaded (1: the first)."""
        self.file_name.setText(name)
        self.file_name.setToolTip(path)
        self.file_name.setAccessibleName(self.tr("File %1").replace("%1", path))
        when = time.strftime("%H:%M:%S")
        errors = [p for p in problems if ": warning: " not in p]
        if current:
            status = self.tr("no errors")
        elif wizard is not None:
            status = self.tr("errors: the last good version stays usable")
        else:
            status = self.tr("errors: fix them and save")
        loaded = self.tr("Loaded at %1") if saves <= 1 else self.tr("Saved at %1")
        self.status.setText(f"{loaded.replace('%1', when)} — {status}")
        self._show_problems(problems, bool(errors))
        old_step = self.selected_step()
        if wizard is not self._wizard:
            self._wizard = wizard
            self._findings = {}
        self._fill_steps(old_step)
        alt = self._other_mode()
        self.other.setText(self.tr("Do it for me") if alt == "black" else self.tr("Guide me"))
        self.other.setAccessibleName(self.other.text())
        self.other.setVisible(bool(alt))
        self.start.setEnabled(wizard is not None)
        self.other.setEnabled(wizard is not None)

    def _show_problems(self, problems: Sequence[str], errors: bool) -> None:
        if not problems:
            self.problems.hide()
            return
        shown = list(problems[:MAX_PROBLEMS])
        if len(problems) > len(shown):
            more = str(len(problems) - len(shown))
            shown.append(self.tr("…and %1 more (wayguide validate FILE)").replace("%1", more))
        heading = self.tr("Problems") if errors else self.tr("Warnings")
        self.problems.show_message("\n".join(shown), "problem" if errors else "info", heading)

    def checking(self) -> None:
        """The controls are being looked up (results follow in `show_findings`)."""
        self._checking = True
        self.check_again.setEnabled(False)

    def show_findings(self, findings: Sequence[Finding]) -> None:
        """What each control's locator found (the windows looked in are named above the steps)."""
        self._checking = False
        self.check_again.setEnabled(True)
        self._findings = {}
        for item in findings:
            self._findings.setdefault(item.named.step_id, []).append(item)
        windows = list(dict.fromkeys(f"“{f.window}”" for f in findings if f.window))
        looked_in = self.tr("Looked up in %1").replace("%1", ", ".join(windows))
        self.looked_in.setText(looked_in if windows else "")
        self.looked_in.setVisible(bool(windows))
        self._fill_steps(self.selected_step())

    def _fill_steps(self, keep: str | None) -> None:
        self.steps.clear()
        wizard = self._wizard
        self.check_again.setVisible(bool(self._findings) or self._checking)
        if wizard is None:
            return
        for number, step in enumerate(wizard.steps, 1):
            lines = [f"{number}. {step.title}"]
            for finding in self._findings.get(step.id, []):
                mark = "✓" if finding.matched else "✗"
                lines.append(f"    {mark} {finding.named.where}: {finding.line}")
            item = QListWidgetItem("\n".join(lines))
            item.setData(STEP_ID, step.id)
            found = self._findings.get(step.id, [])
            item.setToolTip("\n".join(f"{f.named.where}: {f.named.text}" for f in found) or step.id)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, " ".join(lines))
            self.steps.addItem(item)
        if not self.select_step(keep or ""):
            self.steps.setCurrentRow(0)

    # ----------------------------------------------------------------- acting

    def select_step(self, step_id: str) -> bool:
        """Select the step `step_id` (the one Start starts); whether the wizard has it."""
        for row in range(self.steps.count()):
            if self.steps.item(row).data(STEP_ID) == step_id:
                self.steps.setCurrentRow(row)
                self.steps.scrollToItem(self.steps.item(row))
                return True
        return False

    def selected_step(self) -> str | None:
        item = self.steps.currentItem()
        return None if item is None else str(item.data(STEP_ID))

    def step_texts(self) -> list[str]:
        """The rows as shown, top to bottom (for tests and accessibility checks)."""
        return [self.steps.item(row).text() for row in range(self.steps.count())]

    def _other_mode(self) -> str:
        wizard = self._wizard
        if wizard is None:
            return ""
        others = [m for m in wizard.allowed_modes if m != wizard.allowed_modes[0]]
        return others[0] if others else ""

    def _start(self, other_mode: bool) -> None:
        step = self.selected_step()
        if step is None or self._wizard is None:
            return
        self.startRequested.emit(step, self._other_mode() if other_mode else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.steps and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and self._enter(event):
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._enter(event):
            super().keyPressEvent(event)

    def _enter(self, event: QKeyEvent) -> bool:
        """Enter starts the selected step, Ctrl+Enter in the other mode; whether it did."""
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or self.selected_step() is None:
            return False
        self._start(bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))
        event.accept()
        return True

    # --------------------------------------------------------------- View API

    def title(self) -> str:
        return self._wizard.title if self._wizard is not None else self.tr("Preview")

    def default_button(self) -> QPushButton | None:
        return self.start

    def first_focus(self) -> QWidget | None:
        return self.steps
