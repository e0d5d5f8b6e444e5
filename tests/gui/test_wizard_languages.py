"""Wizards in the person's language (offscreen, the real nl and de catalogues): the task list, search and a
run show a wizard's texts in their language where it has them, the step view says where it falls back,
and a switch of language needs no restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.runtime.tray_app import TrayApp
from overlays.task_list import WIZARD_ID
from tests.gui.conftest import started_then_english

MULTILINGUAL = """\
wayguide: 1
id: letter.save
title: {en: Save the letter, nl: De brief opslaan, de: Den Brief speichern}
tags: {en: [correspondence], nl: [brief, postvakje], de: [brief, ablegen]}
steps:
  - id: save
    title: {en: Press Ctrl+S, nl: Druk op Ctrl+S, de: Drücken Sie Strg+S}
    explain: {en: It saves the file., nl: Zo sla je het bestand op., de: So speichern Sie die Datei.}
"""

ENGLISH_ONLY = """\
wayguide: 1
id: printer.jam
title: Clear a paper jam
steps:
  - {id: open, title: Open the front cover}
"""


@pytest.fixture
def app(qapp: Any, home: Path) -> Iterator[TrayApp]:
    (home / "mine" / "letter.save.yaml").write_text(MULTILINGUAL, encoding="utf-8")
    (home / "mine" / "printer.jam.yaml").write_text(ENGLISH_ONLY, encoding="utf-8")
    (home / "policy.yaml").write_text("settings:\n  language: nl\n")  # the administrator's default
    yield from started_then_english(qapp)


def listed(app: TrayApp) -> dict[str, str]:
    """The task list's rows: wizard id → the title shown."""
    assert app.panel is not None
    rows = app.panel.home.list
    return {str(rows.item(r).data(WIZARD_ID)): rows.item(r).text() for r in rows.task_rows()}


def menu(app: TrayApp) -> list[str]:
    """The titles in the tray menu's list of wizards."""
    return [action.text() for action in app.tray.wizards.actions()]


def test_the_task_list_and_search_speak_the_persons_language(qtbot: QtBot, app: TrayApp) -> None:
    app.panels.summon()
    shown = listed(app)
    assert (shown["letter.save"], shown["printer.jam"]) == ("De brief opslaan", "Clear a paper jam")
    assert app.panel is not None
    app.panel.home.search.setText("postvakje")  # a Dutch tag
    qtbot.waitUntil(lambda: list(listed(app)) == ["letter.save"])
    app.panel.home.search.setText("correspondence")  # the English words are not the person's
    qtbot.waitUntil(lambda: "letter.save" not in listed(app))
    assert "De brief opslaan" in menu(app)


def test_a_run_shows_the_persons_language_and_says_where_it_falls_back(qtbot: QtBot, app: TrayApp) -> None:
    library = app.library
    assert library is not None
    letter, jam = library.get("letter.save"), library.get("printer.jam")
    assert letter is not None and jam is not None
    assert app.runs.start_wizard(letter.wizard, "glass") is None
    assert app.panel is not None
    step = app.panel.step
    qtbot.waitUntil(lambda: step.heading.plain_text() == "Druk op Ctrl+S")
    assert step.explain.plain_text() == "Zo sla je het bestand op."
    assert step.language.isHidden()  # all of it in Dutch: nothing to say
    assert app.runs.start_wizard(jam.wizard, "glass") is None
    qtbot.waitUntil(lambda: step.heading.plain_text() == "Open the front cover")
    assert not step.language.isHidden()
    assert "Nederlands" in step.language.text() and "Engels" in step.language.text()  # named in Dutch
    assert letter.wizard.title == "Save the letter"  # the library's wizard is left as written


def test_switching_language_renames_the_tasks_without_a_restart(qtbot: QtBot, app: TrayApp) -> None:
    assert app.settings is not None
    app.preferences.apply(app.settings.replace(language="de"))
    app.panels.summon()
    assert listed(app)["letter.save"] == "Den Brief speichern"
    assert "Den Brief speichern" in menu(app)
    app.panels.hide()
    app.preferences.apply(app.settings.replace(language="en"))
    app.panels.summon()
    assert listed(app)["letter.save"] == "Save the letter"
