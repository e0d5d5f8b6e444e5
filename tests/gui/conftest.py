"""Qt tests run offscreen: no display needed."""

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.logs import configure
from app.paths import Paths
from app.ports import FakeHotkeys
from app.runtime.tray_app import TrayApp


@pytest.fixture(scope="session", autouse=True)
def logs_on_stderr() -> None:
    """The app's warnings go to stderr, as `main` has them (some tests read them there)."""
    configure()


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
    monkeypatch.setenv("LANGUAGE", "en")  # the texts as written, whatever this machine's locale
    (tmp_path / "mine").mkdir()
    monkeypatch.setattr("app.paths._system_dir", lambda: tmp_path / "system")
    yield tmp_path
    shutil.rmtree(runtime, ignore_errors=True)


def started(qapp: Any, **parts: Any) -> Iterator[TrayApp]:
    """The composition root, started (without a hotkey listener unless `parts` say otherwise, with the
    collaborators in `parts`), and closed down afterwards."""
    app = TrayApp(qapp, Paths.from_env(), **{"start_hotkey": False, **parts})
    assert app.finish_startup()
    yield app
    shut_down(app)


def started_then_english(qapp: Any) -> Iterator[TrayApp]:
    """`started`, and afterwards its language set back to English (the qapp's translators outlive it, and
    the next tests read the texts as written)."""
    for made in started(qapp):
        try:
            yield made
        finally:
            assert made.settings is not None
            made.preferences.apply(made.settings.replace(language="en"))


def shut_down(app: TrayApp) -> None:
    """Close what a started composition root holds open: watchers, usage data, the panel, the socket."""
    app.runs.close()
    app.nudges.close()
    app.library_watcher.close()
    app.usage.close()
    if app.panel is not None:
        app.panel.hide()
    if app.ipc is not None:
        app.ipc.close()


@pytest.fixture
def wayguide(qtbot: QtBot, qapp: Any, home: Path) -> Iterator[TrayApp]:
    yield from started(qapp)


@pytest.fixture
def make_app(qtbot: QtBot, qapp: Any, home: Path) -> Iterator[Callable[..., TrayApp]]:
    """Makes started composition roots with the collaborators given (fakes), all closed down afterwards."""
    made: list[Iterator[TrayApp]] = []

    def make(**parts: Any) -> TrayApp:
        made.append(started(qapp, **parts))
        return next(made[-1])

    yield make
    for app in made:
        next(app, None)


class Hotkeys:
    """A HotkeysFactory making FakeHotkeys; `press` plays the person on the latest."""

    def __init__(self) -> None:
        self.made: list[FakeHotkeys] = []

    def __call__(self, combos: Sequence[str], on_hotkey: Callable[[str], None],
                 on_died: Callable[[], None]) -> FakeHotkeys:
        self.made.append(FakeHotkeys(list(combos), on_hotkey, on_died))
        return self.made[-1]

    def press(self, combo: str) -> None:
        self.made[-1].press(combo)


def shown_panel(qtbot: QtBot, clock: Callable[[], float], height: int = 720) -> Any:
    """A panel (overlays.panel.Panel) at the left edge of the screen, shown and exposed."""
    from overlays.panel import PANEL_WIDTH, Panel
    from overlays.placement import Rect

    widget = Panel(clock=clock)
    qtbot.addWidget(widget)
    widget.place(Rect(0, 0, PANEL_WIDTH, height))
    widget.show()
    qtbot.waitExposed(widget)
    return widget
