"""The tray app on a real X desktop: tray icon, toggle, hotkey, focus kept, one instance per person."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
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
    command: Sequence[str] = field(default_factory=lambda: WAYGUIDE)

    def cli(self, desktop: Desktop, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        return desktop.run([*self.command, *args], env=self.env, timeout=timeout)


def app_env(desktop: Desktop, home: Path, theme: str = "light",
            runtime: Path | None = None, language: str = "system") -> dict[str, str]:
    runtime = runtime or Path(tempfile.mkdtemp(prefix="wg-rt-"))  # socket paths must stay short
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "settings.json").write_text(json.dumps({"theme": theme, "language": language}))
    return {**desktop.env, "WAYGUIDE_CONFIG_DIR": str(home / "config"),
            "WAYGUIDE_DATA_DIR": str(home / "data"), "WAYGUIDE_CACHE_DIR": str(home / "cache"),
            "WAYGUIDE_RUNTIME_DIR": str(runtime), "WAYGUIDE_READY_FILE": str(home / "ready"),
            "WAYGUIDE_POLICY": str(home / "no-policy.yaml")}


def start_app(desktop: Desktop, home: Path, theme: str = "light",
              runtime: Path | None = None, command: Sequence[str] = WAYGUIDE,
              language: str = "system") -> RunningApp:
    """The tray app (`command`: another build of it, e.g. the frozen one), ready to be driven, speaking
    `language` (its setting: "system" follows the environment)."""
    home.mkdir(parents=True, exist_ok=True)
    env = app_env(desktop, home, theme, runtime, language)
    log = open(home / "app.log", "wb")  # noqa: SIM115 - kept open for the app's lifetime
    process = desktop.spawn(list(command), env=env, stderr=log, stdout=log)
    app = RunningApp(process, env, home, log, command)
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
    desktop.key("ctrl+alt+shift+super+space")  # a superset of both combos does nothing
    assert panel_windows(desktop) and desktop.active_window() == xterm
    desktop.key("ctrl+alt+space")
    wait_for(lambda: not panel_windows(desktop), 10, "the panel to hide after the hotkey")


def test_keyboard_hotkey_puts_the_keyboard_in_the_panel_and_gives_it_back(
        desktop: Desktop, wayguide: RunningApp, xterm: int, artifacts: Path) -> None:
    desktop.key("ctrl+alt+shift+space")
    panel = wait_for(lambda: panel_windows(desktop), 10, "the panel after the keyboard hotkey")[0]
    wait_for(lambda: desktop.active_window() == panel, 5, "the panel to take the keyboard")
    desktop.run(["xdotool", "type", "--delay", "20", "paper jam"], check=True)
    desktop.screenshot(artifacts / "desktop-keyboard-search-light.png")
    desktop.key("Return")
    wait_for(lambda: desktop.active_window() == xterm, 5, "the keyboard back with xterm")


def test_click_on_a_panel_button_leaves_the_keyboard_with_xterm(
        desktop: Desktop, wayguide: RunningApp, xterm: int) -> None:
    wayguide.cli(desktop, "toggle")
    panel = wait_for(lambda: panel_windows(desktop), 10, "the panel")[0]
    geometry = desktop.run(["xdotool", "getwindowgeometry", "--shell", str(panel)]).stdout
    values = dict(line.split("=") for line in geometry.split())
    # a wizard row near the top of the list
    x, y = int(values["X"]) + int(values["WIDTH"]) // 2, int(values["Y"]) + 160
    click(desktop, x, y)
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


def panel_geometry(desktop: Desktop, panel: int) -> dict[str, int]:
    shell = desktop.run(["xdotool", "getwindowgeometry", "--shell", str(panel)]).stdout
    return {k: int(v) for k, v in (line.split("=") for line in shell.split())}


def click(desktop: Desktop, x: int, y: int) -> None:
    """Click at a desktop point (`mousemove --sync` to where the pointer already is waits ~15 s)."""
    where = desktop.run(["xdotool", "getmouselocation", "--shell"]).stdout
    at = dict(line.split("=") for line in where.split())
    if (int(at["X"]), int(at["Y"])) != (x, y):
        desktop.run(["xdotool", "mousemove", "--sync", str(x), str(y)], check=True)
    desktop.run(["xdotool", "click", "1"], check=True)


def test_search_field_takes_typing_when_clicked_then_gives_the_keyboard_back(
        desktop: Desktop, wayguide: RunningApp, xterm: int, artifacts: Path) -> None:
    wayguide.cli(desktop, "toggle")
    panel = wait_for(lambda: panel_windows(desktop), 10, "the panel")[0]
    g = panel_geometry(desktop, panel)
    click(desktop, g["X"] + g["WIDTH"] // 2, g["Y"] + 82)  # the search field
    wait_for(lambda: desktop.active_window() == panel, 5, "the panel to take the keyboard")
    desktop.run(["xdotool", "type", "--delay", "20", "paper jam"], check=True)
    desktop.screenshot(artifacts / "desktop-panel-search-light.png")
    desktop.key("Return")  # starts the one match
    wait_for(lambda: desktop.active_window() == xterm, 5, "the keyboard back with xterm")
    desktop.screenshot(artifacts / "desktop-panel-step-light.png")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_views_on_the_desktop(desktop: Desktop, xterm: int, tmp_path: Path, artifacts: Path,
                              theme: str) -> None:
    app = start_app(desktop, tmp_path / "home", theme)
    try:
        app.cli(desktop, "toggle")
        panel = wait_for(lambda: panel_windows(desktop), 10, "the panel")[0]
        desktop.screenshot(artifacts / f"desktop-home-{theme}.png")
        assert app.cli(desktop, "run", "expenses.submit-claim").returncode == 0
        desktop.screenshot(artifacts / f"desktop-inputs-{theme}.png")
        done = app.cli(desktop, "run", "it.printer-paper-jam")
        assert done.returncode == 0, done.stderr
        desktop.screenshot(artifacts / f"desktop-step-{theme}.png")
        one = tmp_path / "one.yaml"
        one.write_text("wayguide: 1\nid: one\ntitle: A one-step task\nsteps:\n"
                       "  - {id: only, title: Press Next when ready}\n")
        waiting = subprocess.Popen([*WAYGUIDE, "run", str(one), "--wait"], env=app.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_for(lambda: desktop.active_window() == xterm, 5, "xterm still in front")
            g = panel_geometry(desktop, panel)
            desktop.screenshot(artifacts / f"desktop-one-step-{theme}.png")

            def press_next() -> bool:  # until the step is laid out and takes the click
                click(desktop, g["X"] + g["WIDTH"] - 50, g["Y"] + g["HEIGHT"] - 30)  # Next ▸
                try:
                    waiting.wait(0.5)
                except subprocess.TimeoutExpired:
                    return False
                return True

            wait_for(press_next, 15, "the run to complete")
            out, _ = waiting.communicate(timeout=5)
        finally:
            waiting.kill()
            waiting.wait()
        assert waiting.returncode == 0, out
        assert out.startswith("completed: ")
        desktop.screenshot(artifacts / f"desktop-done-{theme}.png")
        assert desktop.active_window() == xterm
    finally:
        stop_app(app)


def test_sigterm_quits_cleanly(desktop: Desktop, tmp_path: Path) -> None:
    app = start_app(desktop, tmp_path)
    socket = Path(app.env["WAYGUIDE_RUNTIME_DIR"]) / "ipc.sock"
    assert socket.exists()
    app.process.terminate()  # what a logout sends
    assert app.process.wait(10) == 0
    assert not socket.exists()
    stop_app(app)


def terminal_writing_to(desktop: Desktop, title: str, out: Path) -> subprocess.Popen[bytes]:
    """An xterm titled `title` whose typed input goes to the file `out` until ctrl+d."""
    term = desktop.spawn(["xterm", "-title", title, "-e", "sh", "-c", f"cat > {out}"],
                         env={**desktop.env, "LC_ALL": "C.UTF-8"})
    desktop.wait_window(name=f"^{title}$")
    return term


def run_black_box(app: RunningApp, desktop: Desktop, wizard: Path, *args: str) -> str:
    """`wayguide run WIZARD --mode black --wait`; its output, once it completed."""
    done = app.cli(desktop, "run", str(wizard), "--mode", "black", *args, "--wait")
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_black_box_run_types_exactly_into_xterm(desktop: Desktop, wayguide: RunningApp,
                                                tmp_path: Path) -> None:
    out = tmp_path / "typed.txt"
    term = terminal_writing_to(desktop, "black-box-target", out)
    wizard = tmp_path / "black.yaml"
    wizard.write_text(
        "wayguide: 1\nid: black.greeting\ntitle: Type a greeting\nsteps:\n"
        "  - id: go\n    title: Go to the terminal\n"
        "    do: [{focus: {app: xterm, title: black-box-target}}]\n"
        "  - id: type\n    title: Type the greeting\n"
        "    do: [{type: \"Grüße, Ä ß € ñ — 日本\\nzweite Zeile\\n\"}, {keys: ctrl+d}]\n",
        encoding="utf-8")
    assert run_black_box(wayguide, desktop, wizard).startswith("completed: ")
    term.wait(10)  # ctrl+d ended cat, and with it the terminal
    assert out.read_bytes() == "Grüße, Ä ß € ñ — 日本\nzweite Zeile\n".encode()
