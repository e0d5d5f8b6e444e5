"""Every view in Dutch (offscreen): screenshots (artifacts/panel-<view>-nl.png); fails where a button or
a one-line label does not hold its Dutch text (the pseudo-language's check, on the real catalogue)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.i18n import load
from overlays import theme
from overlays.translator import install
from tests.gui.test_pseudo_locale import every_view_cut_off


@pytest.fixture
def dutch(themed: QApplication) -> Iterator[QApplication]:
    theme.apply_theme(themed, "light")
    installed: list[QTranslator] = install(themed, load(languages=["nl"]), "nl", [])
    yield themed
    for translator in installed:
        themed.removeTranslator(translator)


def test_every_view_in_dutch(qtbot: QtBot, dutch: QApplication) -> None:
    panel, problems = every_view_cut_off(qtbot, "nl")
    assert panel.step.next.text() == "&Volgende ▸"  # the texts are the Dutch catalogue's
    assert problems == {}
