"""The recording bar (offscreen): its signals, pause and the timer, notes, the step count."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from overlays.placement import Rect
from overlays.recording_bar import RecordingBar, clock_text


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bar(qtbot: QtBot, clock: Clock) -> Iterator[RecordingBar]:
    widget = RecordingBar(clock=clock)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.hide()


def key(widget: QWidget, code: Qt.Key) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, code, Qt.KeyboardModifier.NoModifier))


def test_clock_text_is_minutes_and_seconds() -> None:
    assert [clock_text(s) for s in (0, 9.9, 61, 600, 4503)] == ["00:00", "00:09", "01:01", "10:00", "75:03"]


def test_every_button_emits_its_signal(bar: RecordingBar, qtbot: QtBot) -> None:
    with qtbot.waitSignal(bar.stopRequested):
        qtbot.mouseClick(bar.stop, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(bar.stepBreakRequested):
        qtbot.mouseClick(bar.step_break, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(bar.pauseToggled) as paused:
        qtbot.mouseClick(bar.pause, Qt.MouseButton.LeftButton)
    assert paused.args == [True]
    with qtbot.waitSignal(bar.pauseToggled) as resumed:
        qtbot.mouseClick(bar.pause, Qt.MouseButton.LeftButton)
    assert resumed.args == [False]


def test_pause_and_resume_change_the_words_and_stop_the_timer(bar: RecordingBar, qtbot: QtBot,
                                                             clock: Clock) -> None:
    assert (bar.state.text(), bar.pause.text(), bar.time.text()) == ("Recording", "Pause", "00:00")
    assert bar.timer.isActive()
    clock.now += 65
    qtbot.waitUntil(lambda: bar.time.text() == "01:05", timeout=3000)  # the 1 s timer shows it
    qtbot.mouseClick(bar.pause, Qt.MouseButton.LeftButton)
    assert (bar.state.text(), bar.pause.text(), bar.pause.accessibleName()) == ("Paused", "Resume", "Resume")
    assert bar.dot.paused
    assert not bar.timer.isActive()  # nothing ticks while paused
    clock.now += 300  # paused time is not counted
    assert bar.elapsed() == 65
    qtbot.mouseClick(bar.pause, Qt.MouseButton.LeftButton)
    assert (bar.state.text(), bar.pause.text()) == ("Recording", "Pause")
    assert bar.timer.isActive() and not bar.dot.paused
    clock.now += 10
    qtbot.waitUntil(lambda: bar.time.text() == "01:15", timeout=3000)


def test_set_paused_from_elsewhere_emits_nothing(bar: RecordingBar, qtbot: QtBot) -> None:
    with qtbot.assertNotEmitted(bar.pauseToggled):
        bar.set_paused(True)
    assert bar.is_paused() and bar.state.text() == "Paused" and not bar.timer.isActive()


def test_no_timer_runs_while_the_bar_is_hidden(bar: RecordingBar) -> None:
    bar.hide()
    assert not bar.timer.isActive()
    bar.show()
    assert bar.timer.isActive()
    bar.set_paused(True)
    bar.hide()
    bar.show()
    assert not bar.timer.isActive()


def test_the_step_count_is_shown(bar: RecordingBar) -> None:
    assert bar.steps.text() == "· 0 steps"
    bar.set_steps(1)
    assert bar.steps.text() == "· 1 step" and bar.steps.accessibleName() == "1 step"
    bar.set_steps(12)
    assert bar.steps.text() == "· 12 steps"
    assert "12 steps" in bar.state.accessibleName()


def test_start_recording_begins_again(bar: RecordingBar, clock: Clock) -> None:
    bar.set_steps(4)
    clock.now += 30
    bar.set_paused(True)
    bar.start_recording()
    assert (bar.elapsed(), bar.steps.text(), bar.is_paused()) == (0, "· 0 steps", False)


def test_the_bar_never_takes_the_keyboard_except_for_a_note(bar: RecordingBar, qtbot: QtBot) -> None:
    handle = bar.windowHandle()
    assert handle is not None
    flags = bar.windowFlags()
    for flag in (Qt.WindowType.WindowStaysOnTopHint, Qt.WindowType.WindowDoesNotAcceptFocus,
                 Qt.WindowType.FramelessWindowHint, Qt.WindowType.Tool):
        assert flags & flag
    assert handle.flags() & Qt.WindowType.WindowDoesNotAcceptFocus
    for widget in (bar.stop, bar.pause, bar.step_break, bar.add_note):
        assert not widget.focusPolicy() & Qt.FocusPolicy.ClickFocus  # a click leaves the focus where it is
    with qtbot.waitSignal(bar.noteEditing) as editing:
        qtbot.mouseClick(bar.add_note, Qt.MouseButton.LeftButton)
    assert editing.args == [True]
    assert bar.note_open() and bar.accepts_focus()
    assert not handle.flags() & Qt.WindowType.WindowDoesNotAcceptFocus
    with qtbot.waitSignal(bar.focusReleased):
        key(bar.note, Qt.Key.Key_Escape)
    assert not bar.accepts_focus() and handle.flags() & Qt.WindowType.WindowDoesNotAcceptFocus


def test_a_note_is_added_with_enter(bar: RecordingBar, qtbot: QtBot) -> None:
    bar.open_note()
    qtbot.waitUntil(bar.note.hasFocus)
    qtbot.keyClicks(bar.note, "  Check the date first ")
    with qtbot.waitSignal(bar.focusReleased), qtbot.waitSignal(bar.noteAdded) as added:
        key(bar.note, Qt.Key.Key_Return)
    assert added.args == ["Check the date first"]
    assert not bar.note_open() and bar.note.text() == ""


def test_escape_cancels_a_note_and_an_empty_note_adds_nothing(bar: RecordingBar, qtbot: QtBot) -> None:
    with qtbot.assertNotEmitted(bar.noteAdded):
        bar.open_note()
        qtbot.keyClicks(bar.note, "never mind")
        key(bar.note, Qt.Key.Key_Escape)
        assert not bar.note_open()
        bar.open_note()
        assert bar.note.text() == ""  # what was cancelled does not come back
        key(bar.note, Qt.Key.Key_Enter)
    assert not bar.note_open()


def test_stop_closes_an_open_note(bar: RecordingBar, qtbot: QtBot) -> None:
    bar.open_note()
    with qtbot.waitSignals([bar.noteEditing, bar.stopRequested]):
        qtbot.mouseClick(bar.stop, Qt.MouseButton.LeftButton)
    assert not bar.note_open() and not bar.accepts_focus()


def test_every_control_is_named_and_says_what_it_does(bar: RecordingBar) -> None:
    bar.set_stop_hint("ctrl+alt+space")
    for widget in bar.findChildren(QPushButton):
        assert widget.accessibleName() and widget.toolTip()
    assert bar.stop.accessibleName() == "Stop"
    assert "Ctrl+Alt+Space" in bar.stop.toolTip() and "Ctrl+Alt+Space" in bar.stop.accessibleDescription()
    assert bar.note.accessibleName()
    assert bar.state.accessibleName().startswith("Recording, 00:00")


def test_the_bar_sits_at_the_top_centre(bar: RecordingBar) -> None:
    bar.place_on([Rect(0, 0, 1920, 1080)], None)
    geometry = bar.geometry()
    assert geometry.top() == 8 and abs(geometry.center().x() - 960) <= 1
    assert geometry.width() >= bar.sizeHint().width()


def test_the_note_row_grows_the_bar_downwards_and_it_shrinks_back(bar: RecordingBar) -> None:
    bar.place_on([Rect(0, 0, 1920, 1080)], None)
    before = bar.geometry()
    bar.open_note()
    opened = bar.geometry()
    assert opened.top() == before.top() and opened.height() > before.height()
    bar.close_note()
    assert bar.geometry() == before
