"""Support that fades, in the panel (offscreen): the offer of the short version, the short version itself
(a checklist of the steps, each explanation a click away), the way back, and in the running app the offer
after three runs with the guide alone, kept for the next run and after a restart."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.runtime.usage_data import usage_db
from overlays import theme
from overlays.panel import Panel
from tests.gui.conftest import shown_panel, started
from tests.gui.test_panel import ARTIFACTS, Clock, Run, wizard


@pytest.fixture
def panel(qtbot: QtBot, themed: QApplication) -> Iterator[Panel]:
    theme.apply_theme(themed, "light")  # the screenshots show the real look
    widget: Panel = shown_panel(qtbot, Clock())
    yield widget
    widget.hide()


def _run(panel: Panel, short: bool = False, offer: bool = False,
         condensed: frozenset[str] = frozenset()) -> Run:
    run = Run(panel, wizard(), Clock())
    panel.step.set_support(short, offer, condensed, can_automate=True)
    run.start("glass", {"amount": "12", "project": "alpha"})
    return run


def test_the_offer_takes_the_short_version_by_keyboard(qtbot: QtBot, panel: Panel) -> None:
    run = _run(panel, offer=True)
    step = panel.step
    assert step.short.offer.isVisible() and step.explain.isVisible() and not step.explain_toggle.isVisible()
    ARTIFACTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(ARTIFACTS / "panel-short-offer.png"))
    chosen: list[str] = []
    panel.supportChosen.connect(chosen.append)
    step.short.take.setFocus()
    QTest.keyClick(step.short.take, Qt.Key.Key_Space)
    assert chosen == ["short"] and not step.short.offer.isVisible()
    assert step.explain_toggle.isVisible() and not step.explain.isVisible()
    run.handle(_next(run))
    assert step.short.outline_lines() == ["✓ Have everything at hand", "▸ Enter the amount",
                                          "then 3 more steps"]


def _next(run: Run) -> Any:
    """Next; on the first step, its checklist ticked first (the engine waits for it)."""
    from app.engine import Check, Next

    if run.state.step_id == "prepare":
        for index in range(2):
            run.handle(Check(index=index, checked=True, at=run.clock()))
    return Next(at=run.clock())


def test_in_the_short_version_the_explanation_is_a_click_away_and_counts_as_help(panel: Panel) -> None:
    run = _run(panel, short=True)
    run.handle(_next(run))
    step = panel.step
    assert not step.short.offer.isVisible() and step.short.full.isVisible()
    assert not step.explain.isVisible() and not step.why_toggle.isVisible()
    assert panel.grab().save(str(ARTIFACTS / "panel-short-version.png"))
    opened: list[str] = []
    panel.whyOpened.connect(opened.append)
    step.explain_toggle.click()
    assert opened == ["amount"] and step.explain.isVisible() and step.why_toggle.isVisible()
    assert "Type" in step.explain.plain_text() and not step.explain_toggle.isVisible()


def test_full_guidance_is_always_one_click_back(panel: Panel) -> None:
    run = _run(panel, short=True)
    run.handle(_next(run))
    chosen: list[str] = []
    panel.supportChosen.connect(chosen.append)
    panel.step.short.full.click()
    assert chosen == ["full"] and panel.step.explain.isVisible() and not panel.step.short.outline.isVisible()
    run.handle(_next(run))  # and it stays full for the rest of the run
    assert not panel.step.short.is_short() and not panel.step.explain_toggle.isVisible()


def test_a_step_always_done_without_why_is_condensed_in_full_guidance(panel: Panel) -> None:
    run = _run(panel, condensed=frozenset({"amount"}))
    assert panel.step.explain.isVisible()  # "prepare" is not condensed
    run.handle(_next(run))
    assert panel.step.explain_toggle.isVisible() and not panel.step.explain.isVisible()
    assert not panel.step.short.isVisible()


def test_back_unticks_the_steps_that_follow(panel: Panel) -> None:
    from app.engine import Back

    run = _run(panel, short=True)
    run.handle(_next(run))
    run.handle(Back(at=run.clock()))
    assert panel.step.short.outline_lines() == ["▸ Have everything at hand", "then 4 more steps"]


TASK = ("wayguide: 1\nid: mine.task\ntitle: My task\nsteps:\n"
        "  - {id: one, title: Open the form, explain: Click **New**.}\n"
        "  - {id: two, title: Save it, explain: Press Ctrl+S.}\n")


def test_the_app_offers_the_short_version_after_three_runs_alone_and_keeps_the_choice(
        qtbot: QtBot, qapp: Any, home: Path) -> None:
    (home / "mine" / "task.yaml").write_text(TASK)
    for app in started(qapp):
        for _ in range(3):
            assert app.start("mine.task", "glass", source="panel") is None
            assert app.panel is not None and not app.panel.step.short.offer.isVisibleTo(app.panel.step)
            app.panel.step.next.click()
            app.panel.step.next.click()
        assert app.start("mine.task", "glass", source="panel") is None
        assert app.panel is not None and app.panel.step.short.offer.isVisibleTo(app.panel.step)
        app.panel.step.short.take.click()
        assert app.panel.step.short.is_short()
        assert app.start("mine.task", "glass", source="panel") is None  # the next run starts short
        assert app.panel.step.short.is_short() and not app.panel.step.short.offer.isVisibleTo(app.panel.step)
        assert app.usage.store is not None and app.usage.store.flush()
        with closing(sqlite3.connect(usage_db(app.paths))) as conn:  # the business sees support fade
            modes = [m for (m,) in conn.execute("SELECT mode FROM events WHERE kind = 'started'")]
        assert modes == ["glass"] * 4 + ["condensed"]
    for app in started(qapp):
        assert app.start("mine.task", "glass", source="panel") is None
        assert app.panel is not None and app.panel.step.short.is_short()
