"""The person's progress in the task list (offscreen): said quietly, detailed in the tooltip, frequent and
recent tasks first; and from the running app, a run done shows at once and after a restart."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from overlays.panel import Panel
from overlays.progress_text import ago
from tests.gui.conftest import started
from tests.gui.test_panel import ARTIFACTS, JAM, LETTER, LIBRARY, PDF, RELEVANT, Clock, shown_panel, wizard

DAY = 86_400.0
NOW = 1_780_000_000.0


@dataclass(frozen=True)
class Done:
    done: int
    unaided: int
    last: float
    weight: float
    trend_is: str = ""

    def trend(self) -> str:
        return self.trend_is


CLAIM = wizard().id
PROGRESS = {CLAIM: Done(5, 4, NOW - 21 * DAY, 9.0, "faster"), PDF.id: Done(1, 0, NOW - 60, 4.0)}


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[Panel]:
    """The panel of tests/gui/test_panel.py, with the person's progress."""
    yield from shown_panel(qtbot, Clock(), progress=PROGRESS, now=NOW)


def _item(panel: Panel, wizard_id: str) -> Any:
    rows = panel.home.list.task_rows()
    return next(panel.home.list.item(r) for r in rows if panel.home.shown_ids()[rows.index(r)] == wizard_id)


def test_each_task_done_says_how_often_and_when_quietly(panel: Panel) -> None:
    assert panel.home.progress_lines() == {CLAIM: "done 5×, last 3 weeks ago", PDF.id: "done 1×, today"}
    tip = _item(panel, CLAIM).toolTip()
    assert "Done 5× so far; last time: 3 weeks ago." in tip and "4× with the guide alone" in tip
    assert "faster than before" in tip
    from PySide6.QtCore import Qt

    assert "done 5×" in _item(panel, CLAIM).data(Qt.ItemDataRole.AccessibleDescriptionRole)


def test_tasks_done_often_and_lately_come_first_and_search_keeps_its_order(panel: Panel) -> None:
    relevant = [LETTER.id, PDF.id]  # their order is the caller's (by how well they fit, then by use)
    assert panel.home.shown_ids()[:2] == relevant
    assert panel.home.shown_ids()[2:] == [CLAIM, JAM.id]  # done 5×: before the jam, first by its title
    panel.home.set_progress({}, NOW)
    panel.show_home(LIBRARY, RELEVANT, "Mousepad", "ctrl+alt+space")
    assert panel.home.shown_ids()[2:] == [JAM.id, CLAIM] and panel.home.progress_lines() == {}
    panel.home.set_progress(PROGRESS, NOW)
    panel.home.search.setText("a")
    found = panel.home.shown_ids()
    panel.home.set_progress({}, NOW)
    panel.home.search.setText("")
    panel.home.search.setText("a")
    assert panel.home.shown_ids() == found


@pytest.mark.parametrize(("days", "said"), [(0, "today"), (1, "yesterday"), (3, "3 days ago"),
                                            (15, "2 weeks ago"), (100, "3 months ago"),
                                            (400, "over a year ago")])
def test_when_is_said_in_calendar_days(days: int, said: str) -> None:
    assert ago(NOW - days * DAY, NOW) == said


def test_a_screenshot_of_the_list_with_progress(panel: Panel) -> None:
    """Saved to artifacts/panel-progress.png for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(ARTIFACTS / "panel-progress.png"))


TASK = "wayguide: 1\nid: mine.task\ntitle: My task\nsteps:\n  - {id: one, title: One}\n" \
       "  - {id: two, title: Two}\n"


def test_a_run_done_in_the_app_shows_in_the_list_at_once_and_after_a_restart(
        qtbot: QtBot, qapp: Any, home: Path) -> None:
    (home / "mine" / "task.yaml").write_text(TASK)
    for app in started(qapp):
        assert app.start("mine.task", "glass", source="panel") is None
        assert app.panel is not None
        app.panel.step.next.click()
        app.panel.step.next.click()
        assert app.run is not None and app.run.state.status == "finished"
        app.runs.home()
        app.panels.show_home()
        assert app.panel.home.progress_lines() == {"mine.task": "done 1×, today"}
        assert app.usage.store is not None and app.usage.store.flush()
    for app in started(qapp):
        qtbot.waitUntil(lambda app=app: "mine.task" in app.usage.progress.all(), timeout=5000)
        app.panels.summon()
        assert app.panel is not None and app.panel.home.progress_lines() == {"mine.task": "done 1×, today"}


def test_a_long_list_shows_its_first_screen_at_once_and_the_rest_follows(qtbot: QtBot, panel: Panel) -> None:
    many = [wizard(id=f"bulk.task-{n:03d}", title=f"Bulk task {n:03d}") for n in range(250)]
    panel.show_home(many, [], None, "ctrl+alt+space")
    assert not panel.home.filled() and 0 < len(panel.home.shown_ids()) < len(many)
    assert panel.home.list.selected_id() == "bulk.task-000"  # Enter works at once
    panel.home.search.setText("Bulk task 137")  # typed meanwhile: its rows, not the old rest
    qtbot.waitUntil(panel.home.filled, timeout=5000)
    assert panel.home.shown_ids() == ["bulk.task-137"] and "bulk.task-200" not in panel.home.shown_ids()
    panel.home.search.setText("")
    qtbot.waitUntil(panel.home.filled, timeout=5000)
    assert panel.home.shown_ids() == [w.id for w in many] and panel.home.list.selected_id() == "bulk.task-000"
