"""Qt tests run offscreen: no display needed."""

import os
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    """For tests that apply a Wayguide theme: leaves the application's look as it found it."""
    from overlays import theme

    yield qapp
    theme.apply_theme(qapp, "light")  # stops following the system
    qapp.setStyleSheet("")
    qapp.setPalette(qapp.style().standardPalette())
    qapp.setProperty("wayguideScheme", None)
