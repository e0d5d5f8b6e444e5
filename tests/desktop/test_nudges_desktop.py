"""Nudges in context on a real X desktop: the window in front is reported by the X11 input watcher
(PropertyNotify of _NET_ACTIVE_WINDOW, no polling) and the tray's badge follows it."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.desktop.xdesktop import Desktop

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # Qt itself draws nowhere; X is read by the watcher

WEEK = 7 * 86_400.0


def test_the_badge_follows_the_real_window_in_front(desktop: Desktop, qtbot: QtBot, qapp: Any,
                                                    monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DISPLAY", desktop.env["DISPLAY"])  # the watcher's X connection; Qt stays offscreen
    from app.format.cards import Card, WindowPattern
    from app.runtime.nudges import ContextNudges
    from overlays.tray import Tray, app_icon

    tray = Tray(app_icon())
    card = Card("hours.timesheet", "Fill in the timesheet", None, (), None,
                (WindowPattern(None, "Timesheet*"),), ("glass",), WEEK)
    nudges = ContextNudges(tray, lambda: [SimpleNamespace(card=card)],  # type: ignore[list-item]
                           dict, lambda: False, tmp_path / "learning.sqlite3")
    terms = []
    try:
        nudges.start()
        assert nudges.watcher is not None and not nudges.problem
        terms.append(desktop.spawn(["xterm", "-title", "other-term"]))
        other = desktop.wait_window(name="other-term")
        desktop.activate(other)
        qtbot.waitUntil(lambda: nudges.front is not None and nudges.front.title == "other-term",
                        timeout=10_000)
        assert tray.suggested is None
        terms.append(desktop.spawn(["xterm", "-title", "Timesheet week 49"]))
        timesheet = desktop.wait_window(name="Timesheet week 49")
        desktop.activate(timesheet)
        qtbot.waitUntil(lambda: tray.suggested == "Fill in the timesheet", timeout=10_000)
        assert nudges.front is not None and nudges.front.pid != os.getpid()
        desktop.activate(other)
        qtbot.waitUntil(lambda: tray.suggested is None, timeout=10_000)
        desktop.activate(timesheet)  # shown this week already: no badge again
        qtbot.waitUntil(lambda: nudges.front is not None and nudges.front.title.startswith("Timesheet"),
                        timeout=10_000)
        assert tray.suggested is None and nudges.wake is not None and nudges.wake > 0
    finally:
        nudges.close()
        for term in terms:
            term.terminate()
            term.wait(5)
