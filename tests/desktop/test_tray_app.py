"""The tray app on a real X desktop: tray icon, toggle, hotkey, focus kept, one instance per person."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pytest

from tests.desktop.xdesktop import Desktop, wait_for

WAYGUIDE = [sys.executable, "-m", "app"]


@dataclass
class RunningApp:
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    home: Path
    log: BinaryIO

    def cli(self, desktop: Desktop, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        return desktop.run([*WAYGUIDE, *args], env=self.env, timeout=timeout)


def app_env(desktop: Desktop, home: Path, theme: str = "light",
            runtime: Path | None = None) -> dict[str, str]:
    runtime = runtime or Path(tempfile.mkdtemp(prefix="wg-rt-"))  # socket paths must stay short
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "settings.json").write_text(json.dumps({"theme": theme}))
    return {**desktop.env, "WAYGUIDE_CONFIG_DIR": str(home / "config"),
            "WAYGUIDE_DATA_DIR": str(home / "data"), "WAYGUIDE_CACHE_DIR": str(home / "cache"),
            "WAYGUIDE_RUNTIME_DIR": str(runtime), "WAYGUIDE_READY_FILE": str(home / "ready"),
            "WAYGUIDE_POLICY": str(home / "no-policy.yaml")}


def start_app(desktop: Desktop, home: Path, theme: str = "light",
              runtime: Path | None = None) -> RunningApp:
    home.mkdir(parents=True, exist_ok=True)
    env = app_env(desktop, home, theme, runtime)
    log = open(home / "app.log", "wb")  # noqa: SIM115 - kept open for the app's lifetime
    process = desktop.spawn(WAYGUIDE, env=env, stderr=log, stdout=log)
    app = RunningApp(process, env, home, log)
    wait_for(lambda: "ready" in _stages(home) or process.poll() is not None, 30, "the app to start")
    if process.poll() is not None:
        stop_app(app)
        raise AssertionError((home / "app.log").read_text())
    return app


def _stages(home: Path) -> dict[str, float]:
    try:
        return dict(json.loads((home / "ready").read_text()))
    except (OSError, ValueError):
        return {}


def stop_app(app: RunningApp) -> None:
    app.process.terminate()
    try:
        app.process.wait(10)
    except subprocess.TimeoutExpired:
        app.process.kill()
        app.process.wait(5)
    app.log.close()
    shutil.rmtree(app.env["WAYGUIDE_RUNTIME_DIR"], ignore_errors=True)


@pytest.fixture
def wayguide(desktop: Desktop, tmp_path: Path) -> Iterator[RunningApp]:
    app = start_app(desktop, tmp_path)
    yield app
    stop_app(app)


@pytest.fixture
def xterm(desktop: Desktop) -> Iterator[int]:
    process = desktop.spawn(["xterm", "-title", "business-app", "-geometry", "100x30+200+150"])
    window = desktop.wait_window(name="^business-app$")
    desktop.activate(window)
    yield window
    process.terminate()
    process.wait(5)


def panel_windows(desktop: Desktop) -> list[int]:
    return desktop.windows(name="^Wayguide$")


def tray_icons(desktop: Desktop) -> list[int]:
    """Wayguide's windows docked inside trayer (some ancestor has the class 'trayer')."""
    d = desktop.xlib()
    root = d.screen().root.id
    docked = []
    for window in desktop.windows(klass="wayguide", visible=False):
        current = d.create_resource_object("window", window)
        while True:
            parent = current.query_tree().parent
            if parent.id in (0, root):
                break
            current = parent
            if "trayer" in (current.get_wm_class() or ()):
                docked.append(window)
                break
    return docked


def test_tray_icon_is_in_the_tray(desktop: Desktop, wayguide: RunningApp) -> None:
    wait_for(lambda: tray_icons(desktop), 10, "the Wayguide icon inside the tray")


def test_toggle_shows_and_hides_the_panel_keeping_xterm_focused(
        desktop: Desktop, wayguide: RunningApp, xterm: int, artifacts: Path) -> None:
    assert panel_windows(desktop) == []
    assert wayguide.cli(desktop, "toggle").returncode == 0
    panel = wait_for(lambda: panel_windows(desktop), 10, "the panel to appear")[0]
    assert desktop.active_window() == xterm
    assert desktop.run(["xdotool", "getwindowfocus"]).stdout.strip() == str(xterm)
    desktop.screenshot(artifacts / "desktop-panel-home-light.png")
    assert wayguide.cli(desktop, "toggle").returncode == 0
    wait_for(lambda: not panel_windows(desktop), 10, "the panel to hide")
    assert panel != 0


def test_hotkey_shows_and_hides_the_panel(desktop: Desktop, wayguide: RunningApp, xterm: int) -> None:
    desktop.key("ctrl+alt+space")
    wait_for(lambda: panel_windows(desktop), 10, "the panel after the hotkey")
    assert desktop.active_window() == xterm
    desktop.key("ctrl+alt+shift+space")  # a superset of the combo does nothing
    desktop.key("ctrl+alt+space")
    wait_for(lambda: not panel_windows(desktop), 10, "the panel to hide after the hotkey")


def test_click_on_a_panel_button_leaves_the_keyboard_with_xterm(
        desktop: Desktop, wayguide: RunningApp, xterm: int) -> None:
    wayguide.cli(desktop, "toggle")
    panel = wait_for(lambda: panel_windows(desktop), 10, "the panel")[0]
    geometry = desktop.run(["xdotool", "getwindowgeometry", "--shell", str(panel)]).stdout
    values = dict(line.split("=") for line in geometry.split())
    # a wizard row near the top of the list
    x, y = int(values["X"]) + int(values["WIDTH"]) // 2, int(values["Y"]) + 160
    desktop.run(["xdotool", "mousemove", "--sync", str(x), str(y), "click", "1"], check=True)
    desktop.run(["xdotool", "type", "--delay", "5", "echo kept"], check=True)
    assert desktop.active_window() == xterm
    assert desktop.run(["xdotool", "getwindowfocus"]).stdout.strip() == str(xterm)


def test_second_instance_hands_over(desktop: Desktop, wayguide: RunningApp) -> None:
    second = desktop.run(WAYGUIDE, env=wayguide.env, timeout=30)
    assert second.returncode == 0, second.stderr
    wait_for(lambda: panel_windows(desktop), 10, "the first instance's panel")
    assert wayguide.process.poll() is None


def test_stale_socket_from_a_crash_is_recovered(desktop: Desktop, tmp_path: Path) -> None:
    first = start_app(desktop, tmp_path / "a")
    runtime = Path(first.env["WAYGUIDE_RUNTIME_DIR"])
    first.process.kill()  # leaves its socket behind
    first.process.wait(5)
    first.log.close()
    assert (runtime / "ipc.sock").exists()
    again = start_app(desktop, tmp_path / "b", runtime=runtime)
    try:
        assert again.cli(desktop, "toggle").returncode == 0
        wait_for(lambda: panel_windows(desktop), 10, "the panel of the new instance")
    finally:
        stop_app(again)
