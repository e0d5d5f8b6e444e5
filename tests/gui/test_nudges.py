"""Nudges in context through the running app (offscreen, a fake window in front, a fake clock): the
tray's quiet badge when the task's window comes in front, at most once per interval (also across a
restart), never during a run, and the suggested task first in the list, tagged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ports import FakeInputWatcher, FakeWindowProbe, WindowInfo
from app.runtime.nudges import last_shown_key
from app.runtime.tray_app import TrayApp
from overlays import theme
from overlays.placement import Rect
from tests.gui.conftest import started
from tests.gui.test_panel import ARTIFACTS

DAY = 86_400.0
T0 = 1_780_000_000.0
CLAIM = "expenses.submit-claim"
"""Bundled, with `nudge: {every: 30d}` and `when: [{title: "*Expense*"}]`."""
CLAIM_TITLE = "Submit an expense claim"
PORTAL = WindowInfo(app="firefox", klass="Firefox", title="Expense claims — Mozilla Firefox", pid=4242,
                    handle=0x1200007, geometry=(0, 0, 1200, 800))
MAIL = WindowInfo(app="thunderbird", klass="Thunderbird", title="Inbox — Thunderbird", pid=4343,
                  handle=0x1400003)
RECEIPTS = """\
wayguide: 1
id: expenses.scan-receipts
title: Scan receipts into the portal
summary: Photographs become attachments of the claim they belong to.
when: [{app: firefox, title: "*Expense*"}]
steps: [{id: a, title: Open the receipts tab}]
"""
ROOM = """\
wayguide: 1
id: rooms.book
title: Book a meeting room
summary: Finds a free room for the people invited and books it.
when: [{app: firefox}]
steps: [{id: a, title: Open the room planner}]
"""


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Watchers:
    """A WatcherFactory making FakeInputWatchers; `front` is the one watching the window in front for the
    nudges (made at start-up, before any run)."""

    def __init__(self) -> None:
        self.made: list[FakeInputWatcher] = []

    def __call__(self, on_window: Callable[[WindowInfo], None], on_combo: Callable[[str], None],
                 on_moved: Callable[[], None]) -> FakeInputWatcher:
        self.made.append(FakeInputWatcher(on_window, on_combo, on_moved, window=MAIL))
        return self.made[-1]

    @property
    def front(self) -> FakeInputWatcher:
        return self.made[0]


class Desk:
    """The person's desk: the running app, the window in front and the clock."""

    def __init__(self, app: TrayApp, watchers: Watchers, probe: FakeWindowProbe, clock: Clock) -> None:
        self.app, self.watchers, self.probe, self.clock = app, watchers, probe, clock

    def bring(self, qtbot: QtBot, window: WindowInfo) -> None:
        """`window` comes in front (reported from the watcher, as X11 would); waits until it is decided."""
        self.probe.window = window
        self.watchers.front.activate(window)
        qtbot.waitUntil(lambda: self.app.nudges.front == window, timeout=3000)


def _desk(qapp: Any, home: Path, clock: Clock) -> Iterator[Desk]:
    (home / "mine" / "receipts.yaml").write_text(RECEIPTS, encoding="utf-8")
    (home / "mine" / "room.yaml").write_text(ROOM, encoding="utf-8")
    watchers, probe = Watchers(), FakeWindowProbe(window=MAIL)
    for app in started(qapp, watchers=watchers, probes=lambda: probe):
        app.nudges.clock = clock
        yield Desk(app, watchers, probe, clock)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(qtbot: QtBot, qapp: Any, home: Path, clock: Clock) -> Iterator[Desk]:
    yield from _desk(qapp, home, clock)


def _kept(home: Path) -> float | None:
    from app.learning.cards import CardStore

    store = CardStore(home / "data" / "learning.sqlite3")
    try:
        return store.get(last_shown_key(CLAIM))
    finally:
        store.close()


def test_the_badge_shows_when_the_tasks_window_comes_in_front(qtbot: QtBot, desk: Desk, home: Path) -> None:
    tray, nudges = desk.app.tray, desk.app.nudges
    assert desk.watchers.front.windows and nudges.front == MAIL  # watched from start-up: a nudge is visible
    assert tray.suggested is None and nudges.wake is None  # no timer while no such window is in front
    desk.bring(qtbot, PORTAL)
    assert tray.suggested == CLAIM_TITLE and nudges.suggested == CLAIM
    assert tray.icon.toolTip().endswith("\nSuggested: " + CLAIM_TITLE)
    assert tray.icon.icon().cacheKey() != desk.app.tray.plain_icon.cacheKey()  # the dot
    assert _kept(home) == desk.clock.now  # at most once per interval, across restarts too
    desk.bring(qtbot, MAIL)  # the window went: so did the suggestion and its badge
    assert tray.suggested is None and nudges.suggested is None
    assert "Suggested" not in tray.icon.toolTip()


def test_opening_the_panel_shows_the_task_first_and_tagged_and_ends_the_badge(
        qtbot: QtBot, desk: Desk, themed: QApplication) -> None:
    desk.bring(qtbot, PORTAL)
    desk.app.tray.openRequested.emit()  # a click on the tray icon: the panel opens as always
    panel = desk.app.panel
    assert panel is not None and panel.isVisible()
    shown = panel.home.shown_ids()
    assert shown[:3] == [CLAIM, "expenses.scan-receipts", "rooms.book"]  # the others still by how they fit
    assert panel.home.tags()[CLAIM] == "Suggested" and panel.home.headers()[0] == "For Firefox"
    assert desk.app.tray.suggested is None  # seen: the badge has done its work
    desk.app.hide_panel()
    desk.app.summon()  # still in front: still first
    assert panel.home.shown_ids()[0] == CLAIM and panel.home.tags()[CLAIM] == "Suggested"
    desk.bring(qtbot, MAIL)
    desk.bring(qtbot, PORTAL)  # back within the interval: no badge, the list in its usual order
    desk.app.summon()
    assert desk.app.tray.suggested is None and panel.home.shown_ids()[0] == "expenses.scan-receipts"
    assert panel.home.tags()[CLAIM] == "Example"  # as it is when nothing suggests it
    desk.app.hide_panel()


def test_at_most_once_per_interval_then_again_by_the_timer(qtbot: QtBot, desk: Desk) -> None:
    nudges = desk.app.nudges
    desk.bring(qtbot, PORTAL)
    assert desk.app.tray.suggested == CLAIM_TITLE
    desk.bring(qtbot, MAIL)
    desk.clock.now += 29 * DAY
    desk.bring(qtbot, PORTAL)
    assert desk.app.tray.suggested is None and nudges.wake == T0 + 30 * DAY  # one single-shot timer
    desk.clock.now = T0 + 30 * DAY
    nudges.decide()  # what the timer does when it fires
    assert desk.app.tray.suggested == CLAIM_TITLE and nudges.wake is None


def test_never_during_a_run(qtbot: QtBot, desk: Desk) -> None:
    assert desk.app.start("rooms.book", "glass") is None
    desk.bring(qtbot, PORTAL)
    assert desk.app.runs.in_progress and desk.app.tray.suggested is None and desk.app.nudges.wake is None
    desk.app.runs.abort("the person stopped it")  # the run's end is the event that asks again
    assert not desk.app.runs.in_progress and desk.app.tray.suggested == CLAIM_TITLE


def test_a_run_of_the_suggested_task_ends_the_suggestion(qtbot: QtBot, desk: Desk) -> None:
    desk.bring(qtbot, PORTAL)
    assert desk.app.start(CLAIM, "glass") is None  # from the tray's Wizards menu: the panel opens
    assert desk.app.tray.suggested is None and desk.app.nudges.current() is None


def test_shown_once_is_remembered_across_a_restart(qtbot: QtBot, qapp: Any, home: Path, clock: Clock) -> None:
    first = _desk(qapp, home, clock)
    desk = next(first)
    desk.bring(qtbot, PORTAL)
    assert desk.app.tray.suggested == CLAIM_TITLE
    next(first, None)
    clock.now += DAY
    again = _desk(qapp, home, clock)
    desk = next(again)
    desk.bring(qtbot, PORTAL)
    assert desk.app.tray.suggested is None and desk.app.nudges.wake == T0 + 30 * DAY
    next(again, None)


def test_not_a_nudge_the_person_turned_off(qtbot: QtBot, desk: Desk, home: Path) -> None:
    from app.learning.cards import CardStore

    store = CardStore(home / "data" / "learning.sqlite3")
    store.mute(CLAIM, T0)  # "not this one" in a review
    store.close()
    desk.bring(qtbot, PORTAL)
    assert desk.app.tray.suggested is None


def test_screenshot_of_the_list_with_the_suggested_task(qtbot: QtBot, desk: Desk,
                                                        themed: QApplication) -> None:
    """Saved to artifacts/panel-nudge.png for people to look at."""
    theme.apply_theme(themed, "light")
    desk.bring(qtbot, PORTAL)
    desk.app.summon()
    panel = desk.app.panel
    assert panel is not None
    panel.place(Rect(0, 0, 360, 560))
    panel.home.notice.hide()  # the offscreen test desktop's "no system tray" line
    qtbot.waitExposed(panel)
    qtbot.waitUntil(panel.home.filled)
    ARTIFACTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(ARTIFACTS / "panel-nudge.png"))
    from overlays.tray import badged

    icon = badged(desk.app.tray.plain_icon).pixmap(64, 64)
    assert icon.save(str(ARTIFACTS / "tray-nudge.png"))
    desk.app.hide_panel()


TIMESHEET = """\
wayguide: 1
id: hours.timesheet
title: Fill in the week's timesheet
when: [{app: kimai}]
nudge: {every: 7d}
steps: [{id: a, title: Enter the hours}]
"""
KIMAI = WindowInfo(app="kimai", klass="Kimai", title="Timesheet — Kimai", pid=4444, handle=0x1600001)


def test_the_task_done_ends_its_suggestion_and_needs_no_nudge(qtbot: QtBot, qapp: Any, home: Path) -> None:
    import time

    (home / "mine" / "timesheet.yaml").write_text(TIMESHEET, encoding="utf-8")
    for desk in _desk(qapp, home, Clock(time.time())):  # the usage data's own clock
        desk.bring(qtbot, KIMAI)
        assert desk.app.nudges.suggested == "hours.timesheet"
        assert desk.app.start("hours.timesheet", "glass") is None
        assert desk.app.tray.suggested is None  # a run started: the badge has done its work
        assert desk.app.panel is not None
        desk.app.panel.step.next.click()
        assert desk.app.run is not None and desk.app.run.state.status == "finished"
        desk.app.runs.home()
        assert desk.app.nudges.suggested is None and "hours.timesheet" not in desk.app.panel.home.tags()
        desk.bring(qtbot, MAIL)
        desk.clock.now += 8 * 86_400.0  # past the last nudge's week; the task was done a week ago
        desk.bring(qtbot, KIMAI)
        assert desk.app.tray.suggested == "Fill in the week's timesheet"
