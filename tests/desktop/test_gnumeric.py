"""Controls inside a second, larger GTK application (gnumeric: ~575 in its main window) over the AT-SPI bus:
what arrives is checked, not only that something did. A control found by role and name in the main window
is drawn inside that window; a dialog opened through a menu item found by its locator is found as a dialog,
and its buttons by locator where they are drawn (a real click at the centre the bus gives closes it);
`wayguide inspect --json` on a dialog lists locators that `wayguide inspect --check` finds again."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.platform.atspi import AtspiElements
from app.platform.x11 import X11WindowProbe
from app.ports import Control, Locator, WindowInfo
from tests.desktop.xdesktop import Desktop, start_desktop, wait_for

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("gnumeric") is None,
                                reason="gnumeric is not installed (scripts/setup installs it)")


@pytest.fixture(scope="module")
def a11y_desktop() -> Iterator[Desktop]:
    desktop = start_desktop(accessibility=True)
    yield desktop
    desktop.stop()


@pytest.fixture(scope="module")
def probe(a11y_desktop: Desktop) -> Iterator[X11WindowProbe]:
    found = X11WindowProbe(a11y_desktop.display)
    yield found
    found.close()


@pytest.fixture
def elements(a11y_desktop: Desktop, monkeypatch: pytest.MonkeyPatch) -> Iterator[AtspiElements]:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", a11y_desktop.bus)
    found = AtspiElements()
    yield found
    found.close()


@pytest.fixture(scope="module")
def gnumeric(a11y_desktop: Desktop, probe: X11WindowProbe,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[WindowInfo]:
    """gnumeric's main window with a fresh home (GSETTINGS_BACKEND=memory from the desktop: nothing kept),
    once its controls are on the bus; a window of its own it shows first (a first-run or recovery dialog,
    when a version has one) is dismissed."""
    home = tmp_path_factory.mktemp("gnumeric-home")
    process = a11y_desktop.spawn(["gnumeric", "--no-splash"], env={**a11y_desktop.env, "HOME": str(home)})
    handle = a11y_desktop.wait_window(name="Gnumeric$", timeout=30)
    window = probe.describe(handle)
    assert window is not None and window.pid == process.pid and window.geometry is not None
    _dismiss_other_windows(a11y_desktop, probe, window)
    found = AtspiElements(_bus_address(a11y_desktop))
    try:
        wait_for(lambda: found.find(Locator("menu item", "Preferences..."), window), 15, "gnumeric's menus")
    finally:
        found.close()
    yield window
    if process.poll() is None:
        process.terminate()
        process.wait(10)


def test_a_control_found_by_role_and_name_in_the_big_main_window_is_drawn_inside_it(
        gnumeric: WindowInfo, elements: AtspiElements) -> None:
    controls = elements.controls(gnumeric)
    assert len(controls) > 300, len(controls)
    assert controls[0].role == "frame" and controls[0].label == gnumeric.title
    for locator in (Locator("push button", "Sort Ascending"), Locator("toggle button", "Bold"),
                    Locator("menu", "Edit"), Locator("page tab", "Sheet1")):
        found = elements.find(locator, gnumeric)
        assert _labels(found) == [(locator.role, locator.name)]
        box = elements.extents(found[0])
        assert box is not None, locator
        assert _inside(box, gnumeric), (locator, box, gnumeric.geometry)
    save_as = elements.find(Locator("menu item", "Save As"), gnumeric)
    assert _labels(save_as) == [("menu item", "Save As")]
    assert elements.extents(save_as[0]) is None  # in the closed File menu: not on the screen
    within = elements.find(Locator("menu item", "Save As", Locator("menu", "File")), gnumeric)
    assert within == save_as and elements.find(Locator("menu item", "Save As", Locator("menu", "Edit")),
                                               gnumeric) == []


def test_a_dialog_opened_through_a_menu_item_found_by_locator_is_found_with_its_buttons(
        a11y_desktop: Desktop, probe: X11WindowProbe, gnumeric: WindowInfo, elements: AtspiElements,
        artifacts: Path) -> None:
    dialog = _open_dialog(a11y_desktop, probe, gnumeric, elements, "Go to Cell...", "^Go To")
    try:
        itself = elements.find(Locator("dialog"), dialog)
        assert _labels(itself) == [("dialog", dialog.title)]
        assert elements.find(Locator("dialog"), gnumeric) == []  # not the main window's
        close = elements.find(Locator("push button", "Close"), dialog)
        assert _labels(close) == [("push button", "Close")]
        assert elements.find(Locator("push button", "Close", Locator("dialog")), dialog) == close
        box = elements.extents(close[0])
        assert box is not None and _inside(box, dialog), (box, dialog.geometry)
        a11y_desktop.screenshot(artifacts / "desktop-gnumeric-go-to.png")
        # a real click where the bus says the button is: the dialog closes
        a11y_desktop.run(["xdotool", "mousemove", "--sync", str(box[0] + box[2] // 2),
                          str(box[1] + box[3] // 2), "click", "1"], check=True)
        wait_for(lambda: not a11y_desktop.windows(name="^Go To"), 10, "the Go To dialog to close")
    finally:
        _close(a11y_desktop, "^Go To")


def test_inspect_on_a_dialog_lists_locators_that_inspect_check_finds(
        a11y_desktop: Desktop, probe: X11WindowProbe, gnumeric: WindowInfo, elements: AtspiElements,
        tmp_path: Path) -> None:
    dialog = _open_dialog(a11y_desktop, probe, gnumeric, elements, "Preferences...", "^Gnumeric Preferences$")
    try:
        env = {**a11y_desktop.env, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-m", "app", "inspect", "--title", dialog.title, "--json"],
                              env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        listed = json.loads(done.stdout)
        assert listed[0]["role"] == "dialog" and listed[0]["name"] == dialog.title
        assert len(listed) > 100
        # the buttons (some names twice: "Add", "Remove"), the check boxes, and a sample of the rest
        chosen = [row for row in listed if row["role"] in ("push button", "check box")] + listed[::17]
        assert any("within" in row["locator"] or "index" in row["locator"] for row in chosen)
        for row in chosen:  # each picks out one control, the one listed
            found = elements.find(_locator(row["locator"]), dialog)
            assert _labels(found) == [(row["role"], row["name"])], row
        wizard = tmp_path / "preferences.json"
        clicks = [{"click": {"element": row["locator"]}} for row in chosen]
        steps = [{"id": "all", "title": "All", "do": clicks}]
        wizard.write_text(json.dumps({"wayguide": 1, "id": "gn.check", "title": "Check", "steps": steps}),
                          encoding="utf-8")
        checked = subprocess.run([sys.executable, "-m", "app", "inspect", "--check", str(wizard), "--title",
                                  dialog.title], env=env, capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        lines = checked.stdout.splitlines()
        assert len(lines) == len(chosen) and all(line.startswith("✓ step “all”, action ") for line in lines)
        assert all(f"found in “{dialog.title}”" in line for line in lines)
    finally:
        _close(a11y_desktop, "^Gnumeric Preferences$")


def _open_dialog(desktop: Desktop, probe: X11WindowProbe, gnumeric: WindowInfo, elements: AtspiElements,
                 item: str, title: str) -> WindowInfo:
    """Open a dialog through the menu item named `item`, found by its locator and pressed through its own
    action (its menu is closed: no place to click); the dialog's window once its controls are on the bus."""
    found = elements.find(Locator("menu item", item), gnumeric)
    assert _labels(found) == [("menu item", item)]
    assert elements.activate(found[0])
    dialog = probe.describe(desktop.wait_window(name=title, timeout=15))
    assert dialog is not None and dialog.pid == gnumeric.pid
    wait_for(lambda: elements.find(Locator("push button"), dialog), 10, f"the buttons of {dialog.title}")
    return dialog


def _close(desktop: Desktop, title: str) -> None:
    """Close the dialog titled `title` if it is still open (Escape; gnumeric's dialogs take it)."""
    for handle in desktop.windows(name=title):
        desktop.activate(handle)
        desktop.key("Escape")
    wait_for(lambda: not desktop.windows(name=title), 10, f"{title} to close")


def _dismiss_other_windows(desktop: Desktop, probe: X11WindowProbe, main: WindowInfo) -> None:
    for window in probe.windows():
        if window.pid == main.pid and window.handle != main.handle:
            desktop.activate(window.handle)
            desktop.key("Escape")
            _wait_gone(desktop, window)


def _wait_gone(desktop: Desktop, window: WindowInfo) -> None:
    wait_for(lambda: window.handle not in desktop.windows(), 10, f"gnumeric's “{window.title}” to close")


def _locator(spec: dict[str, object]) -> Locator:
    within = spec.get("within")
    index = spec.get("index")
    return Locator(_text(spec.get("role")), _text(spec.get("name")),
                   _locator(within) if isinstance(within, dict) else None,
                   index if isinstance(index, int) else None)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _bus_address(desktop: Desktop) -> str:
    """The accessibility bus of `desktop` (AtspiElements asks the session bus of the environment)."""
    done = desktop.run(["dbus-send", "--session", "--print-reply=literal", "--dest=org.a11y.Bus",
                        "/org/a11y/bus", "org.a11y.Bus.GetAddress"], check=True)
    return done.stdout.strip()


def _labels(controls: list[Control]) -> list[tuple[str, str]]:
    return [(c.role, c.label) for c in controls]


def _inside(box: tuple[int, int, int, int], window: WindowInfo) -> bool:
    assert window.geometry is not None
    x, y, width, height = window.geometry
    return x <= box[0] and y <= box[1] and box[0] + box[2] <= x + width and box[1] + box[3] <= y + height


def _wizard(path: Path, mode: str, steps: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"wayguide": 1, "id": f"gnumeric.{mode}", "title": "In gnumeric",
                                "modes": [mode], "when": [{"app": "gnumeric"}], "steps": steps}),
                    encoding="utf-8")
    return path


NAME_BOX = {"role": "text", "index": 1}
"""The box that names the selected cell (found with `wayguide inspect`); index 2 is the formula entry."""


def test_black_box_fills_gnumeric_s_fields_by_locator_and_reads_each_back(
        a11y_desktop: Desktop, gnumeric: WindowInfo, elements: AtspiElements, tmp_path: Path) -> None:
    """fill, tried on an application it was not built against: the cell box and the formula entry are
    typed into and read back; what arrived in the sheet is read over the bus."""
    from tests.desktop.test_black_box import Waiting
    from tests.desktop.test_tray_app import start_app, stop_app

    app = start_app(a11y_desktop, tmp_path / "home")
    try:
        wizard = _wizard(tmp_path / "fill.yaml", "black", [
            {"id": "go", "title": "Go to gnumeric", "do": [{"focus": {"app": "gnumeric"}}]},
            {"id": "cell", "title": "Go to C7", "do": [{"fill": {"element": NAME_BOX, "text": "C7"}},
                                                        {"keys": "enter"}]},
            {"id": "formula", "title": "Write the formula", "do": [
                {"fill": {"element": {"role": "text", "index": 2}, "text": "=6*7"}}, {"keys": "enter"}]},
        ])
        waiting = Waiting(app, str(wizard), "--mode", "black")
        try:
            assert waiting.exit_code() == 0, waiting.line()
            assert waiting.line().startswith("completed: ")
        finally:
            waiting.close()
    finally:
        stop_app(app)
    box = elements.find(Locator("text", index=1), gnumeric)[0]
    formula = elements.find(Locator("text", index=2), gnumeric)[0]
    wait_for(lambda: elements.text(box) == "C8", 10, "Enter to move down to C8")
    a11y_desktop.activate(gnumeric.handle)
    x, y, width, height = elements.extents(box) or (0, 0, 0, 0)
    a11y_desktop.run(["xdotool", "mousemove", "--sync", str(x + width // 2), str(y + height // 2),
                      "click", "1"], check=True)
    a11y_desktop.key("ctrl+a")
    a11y_desktop.run(["xdotool", "type", "C7"], check=True)
    a11y_desktop.key("Return")
    wait_for(lambda: elements.text(formula) == "=6*7", 10, "C7 to hold the formula")


def test_glass_box_in_gnumeric_moves_on_when_the_cell_box_names_the_cell_asked_for(
        a11y_desktop: Desktop, gnumeric: WindowInfo, elements: AtspiElements, tmp_path: Path) -> None:
    from tests.desktop.test_tray_app import WAYGUIDE, start_app, stop_app

    app = start_app(a11y_desktop, tmp_path / "home")
    waiting: subprocess.Popen[str] | None = None
    try:
        wizard = _wizard(tmp_path / "walk.yaml", "glass", [
            {"id": "cell", "title": "Select cell D4", "explain": "Click D4, or type D4 in the cell box.",
             "target": {"element": NAME_BOX}, "until": {"element": NAME_BOX, "text": "D4"}},
        ])
        a11y_desktop.activate(gnumeric.handle)
        waiting = subprocess.Popen([*WAYGUIDE, "run", str(wizard), "--wait"], env=app.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        box = elements.find(Locator("text", index=1), gnumeric)[0]
        wait_for(lambda: a11y_desktop.windows(name="^Wayguide$"), 15, "the panel")
        a11y_desktop.activate(gnumeric.handle)
        x, y, width, height = elements.extents(box) or (0, 0, 0, 0)
        a11y_desktop.run(["xdotool", "mousemove", "--sync", str(x + width // 2), str(y + height // 2),
                          "click", "1"], check=True)
        a11y_desktop.key("ctrl+a")
        a11y_desktop.run(["xdotool", "type", "D4"], check=True)  # noticed as it shows, before Enter
        out, _ = waiting.communicate(timeout=30)
        assert waiting.returncode == 0, out
        assert "1 step: 1 noticed" in out, out
    finally:
        if waiting is not None:
            if waiting.poll() is None:
                waiting.kill()
            waiting.communicate()
        stop_app(app)
