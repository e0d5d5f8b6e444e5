"""Qt tests run offscreen: no display needed."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.paths import Paths
from app.runtime.app import Wayguide


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    """For tests that apply a Wayguide theme: leaves the application's look as it found it."""
    from overlays import theme

    yield qapp
    theme.apply_theme(qapp, "light")  # stops following the system
    qapp.setStyleSheet("")
    qapp.setPalette(qapp.style().standardPalette())
    qapp.setProperty("wayguideScheme", None)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A person's folders for the composition root, with no display (so: no window probe)."""
    runtime = Path(tempfile.mkdtemp(prefix="wg-"))  # socket paths stay short
    env = {"WAYGUIDE_CONFIG_DIR": tmp_path / "config", "WAYGUIDE_DATA_DIR": tmp_path / "data",
           "WAYGUIDE_CACHE_DIR": tmp_path / "cache", "WAYGUIDE_RUNTIME_DIR": runtime,
           "WAYGUIDE_WIZARDS": tmp_path / "mine", "WAYGUIDE_POLICY": tmp_path / "policy.yaml"}
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("DISPLAY", raising=False)
    (tmp_path / "mine").mkdir()
    monkeypatch.setattr("app.paths._system_dir", lambda: tmp_path / "system")
    yield tmp_path
    shutil.rmtree(runtime, ignore_errors=True)


def started(qapp: Any) -> Iterator[Wayguide]:
    """The composition root, started without a hotkey listener, and closed down afterwards."""
    app = Wayguide(qapp, Paths.from_env(), start_hotkey=False)
    assert app.finish_startup()
    yield app
    shut_down(app)


def shut_down(app: Wayguide) -> None:
    """Close what a started composition root holds open: watchers, usage data, the panel, the socket."""
    app.observer.close()
    app.usage.close()
    if app.panel is not None:
        app.panel.hide()
    if app.ipc is not None:
        app.ipc.close()


@pytest.fixture
def wayguide(qtbot: QtBot, qapp: Any, home: Path) -> Iterator[Wayguide]:
    yield from started(qapp)
