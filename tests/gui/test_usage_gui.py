"""Usage data from the running app (offscreen): what the panel's clicks record, that nothing typed
is kept anywhere on disk, and the tray's Insights report."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.ports import FakeOpener
from app.runtime.tray_app import TrayApp
from app.runtime.usage_data import usage_db
from tests.gui.conftest import started

SECRETIVE = """\
wayguide: 1
id: private.task
title: A task with inputs
inputs:
  - {name: customer, label: Customer}
  - {name: pin, label: PIN, type: secret}
steps:
  - {id: first, title: "Greet {{ inputs.customer }}", why: "So that {{ inputs.customer }} feels welcome."}
  - {id: second, title: Enter the PIN, explain: "Type {{ inputs.pin }}"}
"""
VALUE, SECRET, QUERY = "Xylophant-1d8e3f", "pin-7c2a9b41", "zqvx-wombat"


@pytest.fixture
def opener() -> FakeOpener:
    return FakeOpener()


@pytest.fixture
def app(qtbot: QtBot, qapp: Any, home: Path, monkeypatch: pytest.MonkeyPatch,
        opener: FakeOpener) -> Iterator[TrayApp]:
    # an LRS that is never there: every statement stays in the outbox, on disk
    for name, value in {"WAYGUIDE_LRS_ENDPOINT": "http://127.0.0.1:9/xAPI/", "WAYGUIDE_LRS_USERNAME": "u",
                        "WAYGUIDE_LRS_PASSWORD": "p"}.items():
        monkeypatch.setenv(name, value)
    (home / "mine" / "private.yaml").write_text(SECRETIVE)
    yield from started(qapp, opener=opener)


def kinds(app: TrayApp) -> list[tuple[str, str | None]]:
    assert app.usage.store is not None and app.usage.store.flush()
    conn = sqlite3.connect(usage_db(app.paths))
    try:
        return list(conn.execute("SELECT kind, step FROM events ORDER BY seq"))
    finally:
        conn.close()


def test_nothing_typed_is_kept_in_any_file(qtbot: QtBot, app: TrayApp, tmp_path: Path) -> None:
    assert app.start("private.task", "glass", {"customer": VALUE, "pin": SECRET}, source="tray") is None
    panel = app.panel
    assert panel is not None
    panel.step.why_toggle.click()
    panel.step.next.click()
    panel.step.next.click()
    assert app.run is not None and app.run.state.status == "finished"
    app.runs.home()
    panel.home.search.setFocus()
    with qtbot.waitSignal(panel.searched, timeout=5000) as searched:
        QTest.keyClicks(panel.home.search, QUERY)
    assert searched.args == [QUERY, 0]
    assert kinds(app) == [("started", None), ("step-shown", "first"), ("help", "first"),
                          ("step-done", "first"), ("step-shown", "second"), ("step-done", "second"),
                          ("completed", None), ("search", None)]
    conn = sqlite3.connect(usage_db(app.paths))
    assert conn.execute("SELECT source FROM events WHERE kind = 'started'").fetchone() == ("tray",)
    assert conn.execute("SELECT count(*) FROM outbox").fetchone() == (8,)  # the statements, waiting
    conn.close()
    files = [p for d in ("data", "config", "cache") for p in (tmp_path / d).rglob("*") if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)
    for path in files:
        data = path.read_bytes()
        for typed in (VALUE, SECRET, QUERY):
            assert typed.encode() not in data, f"{typed} found in {path}"


def test_insights_in_the_tray_writes_the_report_and_opens_it(
        qtbot: QtBot, app: TrayApp, opener: FakeOpener, monkeypatch: pytest.MonkeyPatch) -> None:
    app.start("private.task", "glass", {"customer": "A"})
    assert app.panel is not None
    app.panel.step.next.click()
    artifacts = Path(__file__).resolve().parents[2] / "artifacts"
    artifacts.mkdir(exist_ok=True)
    app.tray.menu.adjustSize()
    assert app.tray.menu.grab().save(str(artifacts / "tray-menu-insights.png"))
    assert [a.text() for a in app.tray.menu.actions()].index("Insights") > 0
    app.tray.insights.trigger()
    target = app.paths.cache_dir / "insights.html"
    assert opener.opened == [str(target)]
    page = target.read_text(encoding="utf-8")
    assert "A task with inputs" in page and "<svg" in page
    said: list[str] = []
    opener.works = False  # no browser here
    monkeypatch.setattr(app.tray.icon, "showMessage", lambda title, text, *_: said.append(text))
    app.tray.insights.trigger()
    assert said == [f"The insights report is in {target}"]
