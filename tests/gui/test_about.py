"""About shows the version and the MIT licence that pyproject.toml names, in full on request."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pytestqt.qtbot import QtBot

from app import __version__
from overlays.about import about_box, licence_text

ROOT = Path(__file__).resolve().parents[2]


def test_about_names_the_licence_and_holds_its_text(qtbot: QtBot) -> None:
    licence = licence_text()
    assert licence is not None and licence == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == "MIT"
    assert licence.startswith("MIT License")
    box = about_box(__version__, licence)
    qtbot.addWidget(box)
    assert f"Wayguide {__version__}" in box.text()
    assert "MIT License" in box.informativeText() and "Copyright (c) 2026 The Wayguide authors" in (
        box.informativeText())
    assert box.detailedText() == licence


def test_about_without_the_licence_file_still_names_it(qtbot: QtBot) -> None:
    box = about_box("9.9", None)
    qtbot.addWidget(box)
    assert "MIT License" in box.informativeText() and box.detailedText() == ""
