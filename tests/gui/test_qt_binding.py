"""The Qt binding itself: a tray app runs all day, so calls must not leak or over-release objects."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot


def test_void_calls_keep_none_alive(qtbot: QtBot, qapp: QApplication) -> None:
    """PySide6 6.12.0 drops a reference to None on calls like these; after a few thousand the
    interpreter aborts ("none_dealloc"). pyproject.toml keeps that version out."""
    first, second = QWidget(), QWidget()
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    calls = [lambda: first.resize(10, 10), first.setFocus, lambda: QWidget.setTabOrder(first, second),
             lambda: first.setToolTip("x"), lambda: QEventLoop().processEvents()]
    before = sys.getrefcount(None)
    for call in calls:
        for _ in range(200):
            call()
    assert sys.getrefcount(None) >= before
