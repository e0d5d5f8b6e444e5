"""The recording bar: a small always-on-top bar shown while a demonstration is recorded.

It never takes the keyboard from the application being recorded (the author is typing there), except
while its note field is open; then it gives the keyboard back (`focusReleased`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QHideEvent, QKeyEvent, QPainter, QPaintEvent, QPen, QShowEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from overlays.placement import Rect, bar_rect
from overlays.theme import colors, current_scheme
from overlays.views import button, combo_words, label, scaled_font

__all__ = ["BAR_FLAGS", "BAR_TITLE", "RecordingBar", "clock_text"]

BAR_TITLE = "Wayguide recording"
BAR_FLAGS = (Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
             | Qt.WindowType.WindowDoesNotAcceptFocus)
"""As the panel's: on top, and clicking a button leaves the keyboard with the application."""
NOTE_MAX = 500


def clock_text(seconds: float) -> str:
    """Elapsed time as mm:ss (minutes go on past 59: 75:03)."""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    return f"{minutes:02d}:{secs:02d}"


class _Dot(QWidget):
    """The recording mark: a filled red dot while recording, a grey ring while paused (the shape
    differs, not only the colour)."""

    SIZE = 12

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paused = False
        self.setFixedSize(QSize(self.SIZE + 4, self.SIZE + 4))
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_paused(self, paused: bool) -> None:
        if paused != self.paused:
            self.paused = paused
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        app = QApplication.instance()
        scheme = colors(current_scheme(app) if isinstance(app, QApplication) else "light")
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(2, 2, self.SIZE, self.SIZE)
        if self.paused:
            painter.setPen(QPen(QColor(scheme.muted), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(box.adjusted(1, 1, -1, -1))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(scheme.error))
            painter.drawEllipse(box)
        painter.end()


class RecordingBar(QWidget):
    """Recording / Paused, the elapsed time, the steps so far; Step break, Add note, Pause, Stop.

    Signals: `stopRequested()`, `pauseToggled(paused)`, `stepBreakRequested()` (what follows is a
    new step), `noteAdded(text)`, `noteEditing(open)` (the note field has the keyboard: keys typed
    meanwhile are the note, not the demonstration), `focusReleased()` (the bar gave the keyboard
    back: the application being recorded should have it again)."""

    stopRequested = Signal()
    pauseToggled = Signal(bool)
    stepBreakRequested = Signal()
    noteAdded = Signal(str)
    noteEditing = Signal(bool)
    focusReleased = Signal()

    def __init__(self, parent: QWidget | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent, BAR_FLAGS)
        self.setObjectName("RecordingBar")
        self.setWindowTitle(BAR_TITLE)
        self.setAccessibleName(self.tr("Wayguide recording"))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_AlwaysShowToolTips)  # the bar is never the active window
        self._clock = clock
        self._paused = False
        self._running_since: float | None = None
        self._elapsed_before = 0.0
        self._steps = 0
        self._stop_hint = ""
        self._accepting = False
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._refresh_status)
        self._build()
        self._connect()
        self.start_recording()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 8, 8, 8)
        column.setSpacing(8)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.dot = _Dot()
        self.state = label(wrap=False)
        self.state.setFont(scaled_font(self.font(), 1.0, QFont.Weight.DemiBold))
        self.time = label(wrap=False)
        self.time.setFont(scaled_font(self.font(), 1.0, QFont.Weight.DemiBold))
        self.time.setMinimumWidth(self.time.fontMetrics().horizontalAdvance("000:00"))
        self.steps = label(wrap=False, role="muted")
        self.steps.setMinimumWidth(self.steps.fontMetrics().horizontalAdvance(self._steps_text(88)))
        row.addWidget(self.dot)
        row.addWidget(self.state)
        row.addSpacing(4)
        row.addWidget(self.time)
        row.addWidget(self.steps)
        row.addSpacing(8)
        divider = QFrame()
        divider.setObjectName("BarDivider")
        divider.setFrameShape(QFrame.Shape.VLine)
        row.addWidget(divider)
        self.step_break = self._button(self.tr("Step break"))
        self.add_note = self._button(self.tr("Add note"))
        self.pause = self._button(self.tr("Pause"))
        self.stop = self._button(self.tr("■  Stop"), role="primary", accessible=self.tr("Stop"))
        for widget in (self.step_break, self.add_note, self.pause, self.stop):
            row.addWidget(widget)
        column.addLayout(row)
        self.note_row = QWidget()
        note = QHBoxLayout(self.note_row)
        note.setContentsMargins(0, 0, 0, 0)
        note.setSpacing(8)
        self.note = QLineEdit()
        self.note.setMaxLength(NOTE_MAX)
        self.note.setPlaceholderText(self.tr("A note for this step…"))
        self.note.setAccessibleName(self.tr("Note for this step"))
        self.note.setAccessibleDescription(self.tr("Enter adds the note, Escape cancels"))
        self.note.installEventFilter(self)
        self.note_hint = label(self.tr("Enter adds · Esc cancels"), role="muted", wrap=False)
        note.addWidget(self.note, 1)
        note.addWidget(self.note_hint)
        self.note_row.hide()
        column.addWidget(self.note_row)
        self._set_tooltips()

    def _button(self, text: str, role: str | None = None, accessible: str | None = None) -> QPushButton:
        widget = button(text, role=role, accessible=accessible)
        widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click never moves the keyboard here
        return widget

    def _connect(self) -> None:
        self.stop.clicked.connect(self._stop_clicked)
        self.pause.clicked.connect(self._pause_clicked)
        self.step_break.clicked.connect(self.stepBreakRequested)
        self.add_note.clicked.connect(self.open_note)

    def _set_tooltips(self) -> None:
        hint = f" ({self._stop_hint})" if self._stop_hint else ""
        self.stop.setToolTip(self.tr("Stop recording and review the draft") + hint)
        self.stop.setAccessibleDescription(self.stop.toolTip())
        self.pause.setToolTip(self.tr("Go on recording") if self._paused
                              else self.tr("Pause: what you do meanwhile is not recorded"))
        self.step_break.setToolTip(self.tr("What you do next starts a new step"))
        self.add_note.setToolTip(self.tr("Add a note to the current step"))
        for widget in (self.pause, self.step_break, self.add_note):
            widget.setAccessibleDescription(widget.toolTip())
        stop_line = self.tr("Stop with %1").replace("%1", self._stop_hint) if self._stop_hint else ""
        self.setToolTip(stop_line)

    # ------------------------------------------------------------ public API

    def start_recording(self) -> None:
        """A new recording: 00:00, no steps, recording (not paused)."""
        self._elapsed_before = 0.0
        self._running_since = self._clock()
        self._paused = False
        self._steps = 0
        self._show_state()

    def set_paused(self, paused: bool) -> None:
        """Show the recording paused or running (e.g. paused from elsewhere); emits nothing."""
        if paused == self._paused:
            return
        now = self._clock()
        if paused and self._running_since is not None:
            self._elapsed_before += now - self._running_since
            self._running_since = None
        elif not paused:
            self._running_since = now
        self._paused = paused
        self._show_state()

    def is_paused(self) -> bool:
        return self._paused

    def elapsed(self) -> float:
        """Seconds recorded so far (paused time not counted)."""
        running = self._clock() - self._running_since if self._running_since is not None else 0.0
        return self._elapsed_before + running

    def set_steps(self, count: int) -> None:
        """The number of steps recorded so far."""
        self._steps = max(0, count)
        self._refresh_status()

    def set_stop_hint(self, combo: str) -> None:
        """The stop hotkey ("ctrl+alt+space" or "Ctrl+Alt+Space"), named in the tooltips."""
        self._stop_hint = combo_words(combo) if combo else ""
        self._set_tooltips()

    def place(self, rect: QRect | Rect) -> None:
        if isinstance(rect, Rect):
            rect = QRect(rect.x, rect.y, rect.w, rect.h)
        self.setGeometry(rect)

    def place_on(self, work_areas: Sequence[Rect], foreground: Rect | None) -> None:
        """Put the bar at the top centre of the screen of the window in front."""
        hint = self.sizeHint()
        self.place(bar_rect(work_areas, foreground, hint.width(), hint.height()))

    # ------------------------------------------------------------------ note

    def note_open(self) -> bool:
        return not self.note_row.isHidden()

    def open_note(self) -> None:
        """Open the note field and take the keyboard for it (only until the note is added or
        cancelled)."""
        if not self.note_open():
            top = self.geometry().top()
            self.note.clear()
            self.note_row.show()
            self._resize_keeping(top)
            self.noteEditing.emit(True)
        self._set_accepts_focus(True)
        self.note.setFocus(Qt.FocusReason.OtherFocusReason)

    def _commit_note(self) -> None:
        text = self.note.text().strip()
        self.close_note()
        if text:
            self.noteAdded.emit(text)

    def close_note(self) -> None:
        """Close the note field (what was typed is dropped) and give the keyboard back."""
        if not self.note_open():
            return
        top = self.geometry().top()
        self.note.clear()
        self.note_row.hide()
        self._resize_keeping(top)
        self.noteEditing.emit(False)
        self._release_focus()

    def _resize_keeping(self, top: int) -> None:
        """Fit the bar to what it shows now (the note row came or went), keeping its top and centre."""
        layout = self.layout()
        if layout is not None:
            layout.invalidate()
            layout.activate()
        if self.isWindow() and self.isVisible():
            old, hint = self.geometry(), self.sizeHint()
            self.setMinimumSize(0, 0)
            self.setGeometry(old.x() + (old.width() - hint.width()) // 2, top, hint.width(), hint.height())

    # ---------------------------------------------------------------- focus

    def accepts_focus(self) -> bool:
        return self._accepting

    def _set_accepts_focus(self, accept: bool) -> None:
        self._accepting = accept
        handle = self.windowHandle()
        if handle is not None:
            handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, not accept)
        if accept and self.isVisible():
            self.activateWindow()

    def _release_focus(self) -> None:
        if not self._accepting:
            return
        focused = self.focusWidget()
        if focused is not None:
            focused.clearFocus()
        self._set_accepts_focus(False)
        self.focusReleased.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note and event.type() == QEvent.Type.MouseButtonPress and not self._accepting:
            self._set_accepts_focus(True)  # clicked back into a note left open
            self.note.setFocus(Qt.FocusReason.MouseFocusReason)
        return super().eventFilter(watched, event)

    # ---------------------------------------------------------------- state

    def _stop_clicked(self) -> None:
        self.close_note()
        self.stopRequested.emit()

    def _pause_clicked(self) -> None:
        self.set_paused(not self._paused)
        self.pauseToggled.emit(self._paused)

    def _show_state(self) -> None:
        self.dot.set_paused(self._paused)
        self.state.setText(self.tr("Paused") if self._paused else self.tr("Recording"))
        self.pause.setText(self.tr("Resume") if self._paused else self.tr("Pause"))
        self.pause.setAccessibleName(self.pause.text())
        self._set_tooltips()
        self._refresh_status()
        self._run_timer()

    def _steps_text(self, count: int) -> str:
        return (self.tr("· 1 step") if count == 1 else self.tr("· %n steps", "", count))

    def _refresh_status(self) -> None:
        shown = clock_text(self.elapsed())
        self.time.setText(shown)
        self.steps.setText(self._steps_text(self._steps))
        status = f"{self.state.text()}, {shown}, {self.steps.text().lstrip('· ')}"
        self.state.setAccessibleName(status)
        self.time.setAccessibleName(self.tr("Elapsed time %1").replace("%1", shown))
        self.steps.setAccessibleName(self.steps.text().lstrip("· "))

    def _run_timer(self) -> None:
        """Tick once a second only while recording and on screen: paused or hidden, nothing runs."""
        wanted = not self._paused and self.isVisible()
        if wanted and not self.timer.isActive():
            self.timer.start()
        elif not wanted and self.timer.isActive():
            self.timer.stop()

    # ---------------------------------------------------------------- events

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.note_open() and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._commit_note()
        elif self.note_open() and key == Qt.Key.Key_Escape:
            self.close_note()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        handle = self.windowHandle()
        if handle is not None:
            handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, not self._accepting)
        self._refresh_status()
        self._run_timer()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        if self.note_open():
            self.note.clear()
            self.note_row.hide()
            self.noteEditing.emit(False)
        self._accepting = False
        handle = self.windowHandle()
        if handle is not None:
            handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, True)
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self._accepting and not self.isActiveWindow():
            self._accepting = False  # the author clicked back into the application; the note stays
            handle = self.windowHandle()
            if handle is not None:
                handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, True)
        super().changeEvent(event)
