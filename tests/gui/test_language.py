"""The language follows the person (offscreen): the setting (or the policy's default) picks the catalogue,
Qt's tr() answers from it, plurals follow its rule, and switching needs no restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from pytestqt.qtbot import QtBot

from app.runtime.tray_app import TrayApp
from tests.gui.conftest import started_then_english

WORDS = {"Open panel": "Paneel openen", "Search tasks…": "Taken zoeken…", "Quit": "Afsluiten"}


@pytest.fixture
def catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A catalogue for the made-up language "xx", where the app looks for catalogues."""
    catalog = Catalog(locale="nl", domain="wayguide")
    for source, text in WORDS.items():
        catalog.add(source, text)
    catalog.add(("%n days ago", "%n days ago"), ("%n dag geleden", "%n dagen geleden"))
    folder = tmp_path / "locale" / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "wayguide.mo").open("wb") as out:
        write_mo(out, catalog)
    monkeypatch.setattr("app.i18n.locale_dir", lambda: tmp_path / "locale")
    return tmp_path / "locale"


@pytest.fixture
def app(qapp: Any, home: Path, catalogues: Path) -> Iterator[TrayApp]:
    (home / "policy.yaml").write_text("settings:\n  language: xx\n")  # the administrator's default
    yield from started_then_english(qapp)


def test_the_policy_s_language_words_the_tray_and_the_panel(qtbot: QtBot, app: TrayApp) -> None:
    assert app.tray.menu.actions()[0].text().startswith("Paneel openen")
    app.panels.summon()
    assert app.panel is not None and app.panel.home.search.placeholderText() == "Taken zoeken…"
    from overlays.progress_text import ago

    assert ago(0, 3 * 86_400) == "3 dagen geleden"
    assert app.tray.menu.actions()[-1].text() == "Afsluiten"


def test_switching_the_language_needs_no_restart(qtbot: QtBot, app: TrayApp) -> None:
    app.panels.summon()
    app.panels.hide()
    assert app.settings is not None
    app.preferences.apply(app.settings.replace(language="en"))
    assert app.tray.menu.actions()[0].text().startswith("Open panel")
    app.panels.summon()
    assert app.panel is not None and app.panel.home.search.placeholderText() == "Search tasks…"
    app.panels.hide()
    app.preferences.apply(app.settings.replace(language="xx"))
    app.panels.summon()
    assert app.panel.home.search.placeholderText() == "Taken zoeken…"
