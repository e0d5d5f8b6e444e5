"""Every view in the pseudo-language (offscreen): each text accented and a good third longer, as a long
language would be. Screenshots (artifacts/panel-<view>-pseudo.png) show where text is cut off; the test
fails where a button or a one-line label no longer holds its text, and where a text was not translated."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QTranslator
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from app.i18n import PSEUDO, load
from overlays import theme
from overlays.panel import PANEL_WIDTH, Panel
from overlays.placement import Rect
from overlays.translator import install
from tests.gui.test_panel import ARTIFACTS, Clock, every_view


@pytest.fixture
def pseudo(themed: QApplication) -> Iterator[QApplication]:
    theme.apply_theme(themed, "light")
    installed: list[QTranslator] = install(themed, load(languages=[PSEUDO]), "en", [])
    yield themed
    for translator in installed:
        themed.removeTranslator(translator)


def _cut_off(panel: Panel) -> list[str]:
    """The visible buttons and one-line labels narrower than their text, or reaching outside the panel."""
    out = []
    for widget in panel.findChildren(QPushButton) + panel.findChildren(QLabel):
        if not widget.isVisible() or (isinstance(widget, QLabel) and widget.wordWrap()) or not widget.text():
            continue
        if type(widget).__name__ == "ElidedLabel":
            continue  # shortens its text with "…" on purpose, the whole of it in its tooltip
        name = f"{type(widget).__name__} {widget.text()!r}"
        if widget.sizeHint().width() > widget.width() + 1:
            out.append(f"{name}: {widget.width()} px for {widget.sizeHint().width()}")
        right = widget.mapTo(panel, QPoint(widget.width(), widget.height()))
        if right.x() > panel.width() or right.y() > panel.height():
            out.append(f"{name}: ends at {right.x()},{right.y()}, outside the panel")
    return out


def every_view_cut_off(qtbot: QtBot, suffix: str, language: str = "en") -> tuple[Panel, dict[str, list[str]]]:
    """A panel taken through every view (artifacts/panel-<view>-<suffix>.png) and what is cut off, by view."""
    ARTIFACTS.mkdir(exist_ok=True)
    panel = Panel(clock=Clock())
    qtbot.addWidget(panel)
    panel.place(Rect(0, 0, PANEL_WIDTH, 720))
    panel.show()
    qtbot.waitExposed(panel)
    problems: dict[str, list[str]] = {}

    def shot(view: str) -> None:
        assert panel.grab().save(str(ARTIFACTS / f"panel-{view}-{suffix}.png"))
        cut = _cut_off(panel)
        if cut:
            problems[view] = cut

    every_view(panel, Clock(), shot, language)
    return panel, problems


def test_every_view_in_the_pseudo_language(qtbot: QtBot, pseudo: QApplication) -> None:
    panel, problems = every_view_cut_off(qtbot, "pseudo")
    assert panel.step.next.text().startswith("[")  # the texts are the pseudo-language's
    assert problems == {}
