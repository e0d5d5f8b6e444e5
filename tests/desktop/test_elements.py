"""Controls inside a real application (mousepad) over the AT-SPI bus: found by locator, placed where
they are drawn, and listed by `wayguide inspect` as locators that find them again. xterm, which shows no
controls, gets one clear line."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.format.elements import normal_role
from app.platform.atspi import AtspiElements
from app.platform.x11 import X11WindowProbe
from app.ports import Locator, WindowInfo
from tests.desktop.xdesktop import Desktop, start_desktop, wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def a11y_desktop() -> Iterator[Desktop]:
    desktop = start_desktop(accessibility=True)
    yield desktop
    desktop.stop()


@pytest.fixture(scope="module")
def mousepad(a11y_desktop: Desktop, tmp_path_factory: pytest.TempPathFactory) -> WindowInfo:
    home = tmp_path_factory.mktemp("home")
    a11y_desktop.spawn(["mousepad", "--disable-server"], env={**a11y_desktop.env, "HOME": str(home)})
    handle = a11y_desktop.wait_window(name="Mousepad$")
    probe = X11WindowProbe(a11y_desktop.display)
    window = probe.describe(handle)
    probe.close()
    assert window is not None and window.pid > 0
    return window


@pytest.fixture
def elements(a11y_desktop: Desktop, monkeypatch: pytest.MonkeyPatch) -> Iterator[AtspiElements]:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", a11y_desktop.bus)
    found = AtspiElements()
    yield found
    found.close()


def test_a_menu_item_is_found_by_role_and_name_before_its_menu_is_open(
        mousepad: WindowInfo, elements: AtspiElements) -> None:
    found = wait_for(lambda: elements.find(Locator("menu item", "Save As*"), mousepad), 10, "Save As…")
    assert [c.label for c in found] == ["Save As..."]
    assert elements.extents(found[0]) is None  # its menu is closed: not on the screen
    assert elements.find(Locator("menu item", "Save As*", Locator("menu", "Edit")), mousepad) == []
    assert [c.label for c in elements.find(Locator("menu item", "Save*"), mousepad)] == \
        ["Save", "Save As...", "Save All"]
    assert [c.label for c in elements.find(Locator("menu item", "Save*", index=2), mousepad)] == ["Save All"]


def test_a_control_is_where_it_is_drawn_inside_its_window(
        mousepad: WindowInfo, elements: AtspiElements) -> None:
    assert mousepad.geometry is not None
    x, y, width, height = mousepad.geometry
    menu = wait_for(lambda: elements.find(Locator("menu", "File"), mousepad), 10, "the File menu")[0]
    box = elements.extents(menu)
    assert box is not None
    assert x <= box[0] and y <= box[1] and box[0] + box[2] <= x + width and box[1] + box[3] <= y + height


def test_inspect_lists_locators_that_find_their_control_again(
        a11y_desktop: Desktop, mousepad: WindowInfo, elements: AtspiElements) -> None:
    env = {**a11y_desktop.env, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "app", "inspect", "--title", "*Mousepad", "--json"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert len(listed) > 100
    save_as = [row for row in listed if row["name"] == "Save As..." and row["role"] == "menu item"]
    assert save_as and save_as[0]["locator"] == {"role": "menu item", "name": "Save As..."}
    for row in listed[::15] + save_as:  # a sample: each locator picks out one control, the one listed
        spec = row["locator"]
        within = spec.get("within")
        outer = Locator(within.get("role"), within.get("name")) if within else None
        locator = Locator(spec.get("role"), spec.get("name"), outer, spec.get("index"))
        found = elements.find(locator, mousepad)
        assert len(found) == 1 and (found[0].role, found[0].label) == (row["role"], row["name"]), row
    text = subprocess.run([sys.executable, "-m", "app", "inspect", "--title", "*Mousepad"], env=env,
                          capture_output=True, text=True, timeout=60).stdout
    assert 'menu item “Save As...”    {role: menu item, name: "Save As..."}' in text


def test_inspect_pointer_names_the_control_under_the_mouse_with_a_locator_that_finds_it(
        a11y_desktop: Desktop, mousepad: WindowInfo, elements: AtspiElements) -> None:
    a11y_desktop.activate(mousepad.handle)
    menu = wait_for(lambda: elements.find(Locator("menu", "Help"), mousepad), 10, "the Help menu")[0]
    box = elements.extents(menu)
    assert box is not None
    x, y, width, height = box
    point(a11y_desktop, x + width // 2, y + height // 2)
    env = {**a11y_desktop.env, "PYTHONPATH": str(ROOT)}
    pointer = [sys.executable, "-m", "app", "inspect", "--pointer"]
    done = subprocess.run([*pointer, "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert (found["role"], found["name"], found["extents"]) == ("menu", "Help", list(box))
    assert found["locator"] == {"role": "menu", "name": "Help"} and "enabled" in found["states"]
    text = subprocess.run(pointer, env=env, capture_output=True, text=True, timeout=60).stdout
    assert text.splitlines()[-1] == '{role: menu, name: "Help"}'
    editor = elements.find(Locator("text", index=0), mousepad)[0]
    ex, ey, ew, eh = elements.extents(editor) or (0, 0, 0, 0)
    point(a11y_desktop, ex + ew // 2, ey + eh // 2)
    inner = json.loads(subprocess.run([*pointer, "--json"], env=env, capture_output=True, text=True,
                                      timeout=60).stdout)
    assert inner["role"] == "text"  # the innermost control, not the tab list around it


def point(desktop: Desktop, x: int, y: int) -> None:
    desktop.run(["xdotool", "mousemove", "--sync", str(x), str(y)], check=True)


def test_a_window_that_shows_no_controls_gets_one_clear_line(a11y_desktop: Desktop) -> None:
    a11y_desktop.spawn(["xterm", "-title", "no-controls-here"])
    a11y_desktop.wait_window(name="^no-controls-here$")
    env = {**a11y_desktop.env, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "app", "inspect", "--title", "no-controls-here"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "shows no controls" in done.stderr


def test_black_box_opens_save_as_through_the_menu_item_by_locator_fills_the_name_and_saves(
        a11y_desktop: Desktop, tmp_path: Path, artifacts: Path) -> None:
    """The menu item, found by its locator while its menu is closed, is clicked open; the name field is
    filled through the bus and checked; the bytes are compared."""
    from tests.desktop.test_black_box import Waiting, end, wizard_file
    from tests.desktop.test_tray_app import start_app, stop_app

    saved = tmp_path / "saved by locator.txt"
    text = "Pressed through the accessibility bus: Grüße, 日本.\n"
    pad = a11y_desktop.spawn(["mousepad", "--disable-server"],
                             env={**a11y_desktop.env, "HOME": str(tmp_path / "pad-home")})
    app = start_app(a11y_desktop, tmp_path / "home")
    try:
        a11y_desktop.wait_window(name="Mousepad$", pid=pad.pid)
        wizard = wizard_file(tmp_path / "save.yaml", [
            {"id": "go", "title": "Go to Mousepad", "do": [{"focus": {"app": "mousepad"}}]},
            {"id": "write", "title": "Write", "do": [{"type": text}]},
            {"id": "save", "title": "Save it", "do": [
                {"click": {"element": {"role": "menu item", "name": "Save As*"}}},
                {"wait": {"title": "Save As*", "timeout": 15}},
                {"fill": {"element": {"role": "text", "index": 0}, "text": str(saved)}},
                {"wait": {"element": {"role": "push button", "name": "Save"}, "state": "enabled"}},
                {"keys": "enter"},
                {"wait": {"element": {"role": "file chooser", "name": "Save As"}, "gone": True,
                          "timeout": 15}},
            ]},
        ])
        waiting = Waiting(app, str(wizard), "--mode", "black")
        try:
            wait_for(lambda: a11y_desktop.windows(name="^Save As"), 30, "the Save As dialog")
            a11y_desktop.screenshot(artifacts / "desktop-elements-save-as.png")
            assert waiting.exit_code() == 0
            assert waiting.line().startswith("completed: ")
        finally:
            waiting.close()
        wait_for(lambda: saved.exists() and saved.read_bytes() == text.encode(), 15, "the saved file")
    finally:
        stop_app(app)
        end(pad)
    assert saved.read_bytes() == text.encode()


def test_a_locator_that_matches_nothing_stops_black_box_with_one_sentence(
        a11y_desktop: Desktop, mousepad: WindowInfo, tmp_path: Path, artifacts: Path) -> None:
    from tests.desktop.test_black_box import Waiting, wizard_file
    from tests.desktop.test_tray_app import start_app, stop_app

    app = start_app(a11y_desktop, tmp_path / "home")
    try:
        wizard = wizard_file(tmp_path / "gone.yaml", [
            {"id": "go", "title": "Go to Mousepad", "do": [{"focus": {"app": "mousepad"}}]},
            {"id": "export", "title": "Export", "do": [
                {"click": {"element": {"role": "menu item", "name": "Export as PDF*"}}}]},
        ])
        waiting = Waiting(app, str(wizard), "--mode", "black")
        try:
            assert waiting.line() == ("failed: step “export”, action 1: Export as PDF (menu item) was not "
                                      "found in Mousepad: this guide may be out of date.")
            wait_for(lambda: a11y_desktop.windows(name="^Wayguide$"), 10, "the panel")
            a11y_desktop.screenshot(artifacts / "desktop-elements-not-found.png")
            assert waiting.process.poll() is None  # the run waits: Retry, Skip step, or I'll do it myself
        finally:
            waiting.close()
        # the authors learn of it from the data: a row per wizard, version and step
        def missed() -> list[dict[str, object]]:
            return list(json.loads(app.cli(a11y_desktop, "report", "--format", "json").stdout)["missed"])

        report = wait_for(missed, 10, "the miss in the report")
        assert [(m["wizard"], m["step"], m["control"], m["times"]) for m in report] == [
            ("black.desk", "export", '{role: menu item, name: "Export as PDF*"}', 1)]
        assert "step export: {role: menu item" in app.cli(a11y_desktop, "report").stdout
    finally:
        stop_app(app)


def test_inspect_check_says_which_locators_of_a_wizard_are_found_and_the_nearest_names(
        a11y_desktop: Desktop, mousepad: WindowInfo, tmp_path: Path) -> None:
    wizard = tmp_path / "check.yaml"
    wizard.write_text("wayguide: 1\nid: check\ntitle: Check\nsteps:\n  - id: save\n    title: Save\n    do:\n"
                      '      - click: {element: {role: menu item, name: "Save As*"}}\n'
                      '      - click: {element: {role: menu item, name: "Sav As*"}}\n')
    env = {**a11y_desktop.env, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "app", "inspect", "--check", str(wizard), "--title", "*Mousepad"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        '✓ step “save”, action 1: {role: menu item, name: "Save As*"}: found in “Untitled 1 - Mousepad” '
        "(Save As...)",
        '✗ step “save”, action 2: {role: menu item, name: "Sav As*"}: not found in “Untitled 1 - Mousepad”; '
        "nearest: “Save As...”, “Save All”, “Save”",
    ]


INTERACTIVE = {"push button", "toggle button", "check box", "radio button", "menu item", "check menu item",
               "radio menu item", "text", "entry", "password text", "combo box", "list item", "link",
               "spin button", "slider", "page tab", "tree item", "table cell"}
"""Roles a person acts on: each needs a name a screen reader can say."""


def test_the_panel_names_every_control_a_person_can_act_on(
        a11y_desktop: Desktop, tmp_path: Path, elements: AtspiElements,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Read over AT-SPI, as a screen reader would: the task list, and a step of a run."""
    from tests.desktop.test_black_box import wizard_file
    from tests.desktop.test_tray_app import start_app, stop_app

    monkeypatch.setenv("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "1")  # what a screen reader's presence does
    app = start_app(a11y_desktop, tmp_path / "home")
    probe = X11WindowProbe(a11y_desktop.display)
    try:
        subprocess.run([sys.executable, "-m", "app", "toggle"], env=app.env, timeout=30, check=True)
        handle = a11y_desktop.wait_window(name="^Wayguide$")
        panel = probe.describe(handle)
        assert panel is not None
        home = wait_for(lambda: [c for c in elements.controls(panel) if c.role == "list item"] and
                        elements.controls(panel), 10, "the task list on the bus")
        wizard = wizard_file(tmp_path / "steps.yaml", [
            {"id": "read", "title": "Read the letter", "explain": "Read it **once**.", "why": "To know it."},
            {"id": "choose", "title": "Choose", "choice": [{"label": "Reply", "goto": "read"},
                                                           {"label": "File it", "goto": "read"}]},
        ])
        with Announcements() as said:
            subprocess.run([sys.executable, "-m", "app", "run", str(wizard)], env=app.env, timeout=30,
                           check=True)
            step = wait_for(lambda: [c for c in elements.controls(panel) if c.label == "Next"] and
                            elements.controls(panel), 10, "the step view on the bus")
            assert said.wait_for("Step 1 of 2: Read the letter")  # what a screen reader says
        for view in (home, step):
            unnamed = [c.role for c in view if normal_role(c.role) in INTERACTIVE and not c.label]
            assert unnamed == [], [(c.role, c.label) for c in view]
    finally:
        probe.close()
        stop_app(app)


class Announcements:
    """What applications announce to screen readers (AT-SPI's object:announcement), as one would hear it."""

    def __enter__(self) -> Announcements:
        from jeepney import DBusAddress, MatchRule, new_method_call
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        from app.platform.atspi import accessibility_bus_address

        self.conn = open_dbus_connection(bus=accessibility_bus_address(None))
        rule = MatchRule(type="signal", interface="org.a11y.atspi.Event.Object", member="Announcement")
        self.conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=5)
        registry = DBusAddress("/org/a11y/atspi/registry", bus_name="org.a11y.atspi.Registry",
                               interface="org.a11y.atspi.Registry")
        self.conn.send_and_get_reply(new_method_call(registry, "RegisterEvent", "sass",
                                                     ("object:announcement", [], "")), timeout=5)
        return self

    def wait_for(self, text: str, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self.conn.receive(timeout=left)
            except TimeoutError:
                return False
            if text in repr(message.body):
                return True
        return False

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def test_glass_box_outlines_a_control_exactly_where_the_bus_says_it_is(
        a11y_desktop: Desktop, mousepad: WindowInfo, elements: AtspiElements, tmp_path: Path,
        artifacts: Path) -> None:
    from tests.desktop.test_black_box import wizard_file
    from tests.desktop.test_glass_box import highlighted
    from tests.desktop.test_tray_app import start_app, stop_app

    a11y_desktop.activate(mousepad.handle)
    menu = wait_for(lambda: elements.find(Locator("menu", "Edit"), mousepad), 10, "the Edit menu")[0]
    box = elements.extents(menu)
    assert box is not None
    app = start_app(a11y_desktop, tmp_path / "home")
    try:
        wizard = wizard_file(tmp_path / "look.yaml", [
            {"id": "look", "title": "The Edit menu", "explain": "Undo and redo are here.",
             "target": {"element": {"role": "menu", "name": "Edit"}}},
        ])
        subprocess.run([sys.executable, "-m", "app", "run", str(wizard)], env=app.env, timeout=30, check=True)
        wait_for(lambda: highlighted(a11y_desktop) is not None, 10, "the highlight")
        a11y_desktop.screenshot(artifacts / "desktop-elements-highlight.png")
        shown = highlighted(a11y_desktop)
        assert shown is not None and (shown.x, shown.y, shown.w, shown.h) == box
    finally:
        stop_app(app)


def test_glass_box_moves_on_by_itself_as_the_dialog_opens_the_name_is_typed_and_it_closes(
        a11y_desktop: Desktop, elements: AtspiElements, tmp_path: Path, artifacts: Path) -> None:
    """Every step ends on an element condition, decided from the bus's events while xdotool plays the
    person: the dialog is there, its name field holds a .txt name, the dialog is gone, the editor has the
    focus again."""
    from tests.desktop.test_black_box import end
    from tests.desktop.test_glass_box import highlighted
    from tests.desktop.test_tray_app import WAYGUIDE, start_app, stop_app

    home = tmp_path / "pad-home"
    home.mkdir()
    pad = a11y_desktop.spawn(["mousepad", "--disable-server"], env={**a11y_desktop.env, "HOME": str(home)})
    app = start_app(a11y_desktop, tmp_path / "home")
    dialog = {"role": "file chooser", "name": "Save As"}
    waiting: subprocess.Popen[str] | None = None
    try:
        editor = a11y_desktop.wait_window(name="Mousepad$", pid=pad.pid)
        a11y_desktop.activate(editor)
        wizard = tmp_path / "walk.yaml"
        wizard.write_text(json.dumps({"wayguide": 1, "id": "glass.controls", "title": "Save a copy",
                                      "modes": ["glass"], "steps": [
            {"id": "open", "title": "Open Save As", "explain": "Press Ctrl+Shift+S.",
             "target": {"element": {"role": "menu", "name": "File"}}, "until": {"element": dialog}},
            {"id": "name", "title": "Name the file", "explain": "End the name with .txt.",
             "until": {"element": {"role": "text", "index": 0, "window": {"title": "Save As*"}},
                       "state": "focused", "text": "*.txt"}},
            {"id": "save", "title": "Save", "explain": "Press Enter.",
             "until": {"element": dialog, "gone": True}},
            {"id": "back", "title": "Back in the editor",
             "until": {"element": {"role": "text", "index": 0}, "state": "focused"}},
        ]}), encoding="utf-8")
        waiting = subprocess.Popen([*WAYGUIDE, "run", str(wizard), "--wait"], env=app.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        wait_for(lambda: highlighted(a11y_desktop) is not None, 15, "the first step (its highlight)")
        a11y_desktop.activate(editor)
        a11y_desktop.key("ctrl+shift+s")
        save_as = wait_for(lambda: a11y_desktop.windows(name="^Save As"), 15, "the Save As dialog")[0]
        a11y_desktop.activate(save_as)
        a11y_desktop.run(["xdotool", "key", "--delay", "20", "ctrl+a"], check=True)
        a11y_desktop.run(["xdotool", "type", "--delay", "20", str(home / "walked.txt")], check=True)
        a11y_desktop.screenshot(artifacts / "desktop-elements-glass-name.png")
        probe = X11WindowProbe(a11y_desktop.display)
        dialog_window = probe.describe(save_as)
        probe.close()
        assert dialog_window is not None
        save = wait_for(lambda: elements.find(Locator("push button", "Save"), dialog_window), 10, "Save")[0]
        wait_for(lambda: "enabled" in elements.states(save), 10, "the Save button to be enabled")
        a11y_desktop.key("Return")
        wait_for(lambda: (home / "walked.txt").exists(), 15, "mousepad to save")
        out, _ = waiting.communicate(timeout=30)
        assert waiting.returncode == 0, out
        assert out.startswith("completed: ") and "4 steps: 4 noticed" in out, out
    finally:
        if waiting is not None:
            if waiting.poll() is None:
                waiting.kill()
            waiting.communicate()
        stop_app(app)
        end(pad)


# A Dutch desktop: Mousepad and GTK speak Dutch (LANGUAGE works with LANG=C.UTF-8), Wayguide too.
PDF_WORDS = {
    "en": {"step": "step {n} of 6", "dialog": "^Print$", "printer": "Print to File"},
    "nl": {"step": "stap {n} van 6", "dialog": "^Afdrukken$", "printer": "Afdrukken naar bestand"},
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_bundled_pdf_guide_points_at_the_print_dialog_s_controls_and_moves_on_as_they_change(
        a11y_desktop: Desktop, elements: AtspiElements, tmp_path: Path, artifacts: Path,
        monkeypatch: pytest.MonkeyPatch, language: str) -> None:
    """The bundled wizard as shipped: its targets are the dialog's controls where the bus puts them, and
    choosing the printer is noticed from the bus (the cell becomes selected). The panel's step counter is
    read over the bus too, as a screen reader would. On a Dutch desktop the same wizard finds the Dutch
    dialog and its controls, and the panel speaks Dutch."""
    from tests.desktop.test_black_box import end
    from tests.desktop.test_glass_box import client_rect, highlighted
    from tests.desktop.test_tray_app import WAYGUIDE, click, start_app, stop_app

    monkeypatch.setenv("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "1")
    home = tmp_path / "pad-home"
    (home / "Documents").mkdir(parents=True)
    words = PDF_WORDS[language]
    pad = a11y_desktop.spawn(["mousepad", "--disable-server"], env={
        **a11y_desktop.env, "HOME": str(home), "LANG": "C.UTF-8", "LANGUAGE": language})
    app = start_app(a11y_desktop, tmp_path / "home", language=language)
    waiting: subprocess.Popen[str] | None = None
    probe = X11WindowProbe(a11y_desktop.display)
    try:
        editor = a11y_desktop.wait_window(name="Mousepad$", pid=pad.pid)
        # at the right of the screen: the panel goes at its left, where the Print dialog opens
        a11y_desktop.run(["xdotool", "windowsize", "--sync", str(editor), "640", "600"], check=True)
        a11y_desktop.run(["xdotool", "windowmove", "--sync", str(editor), "1280", "200"], check=True)
        a11y_desktop.activate(editor)
        waiting = subprocess.Popen([*WAYGUIDE, "run", str(ROOT / "wizards" / "mousepad.save-as-pdf.yaml"),
                                    "--set", "file=report", "--wait"], env=app.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        panel = probe.describe(a11y_desktop.wait_window(name="^Wayguide$"))
        assert panel is not None

        def at(step: int) -> None:
            counter = Locator(name=words["step"].format(n=step))
            try:
                wait_for(lambda: elements.find(counter, panel), 15, f"step {step}")
            except TimeoutError:
                a11y_desktop.screenshot(artifacts / f"desktop-elements-pdf-stuck-{language}.png")
                raise

        a11y_desktop.activate(editor)  # step 1 ends once Mousepad is in front (it may be already)
        at(2)
        a11y_desktop.key("ctrl+p")
        dialog = probe.describe(a11y_desktop.wait_window(name=words["dialog"]))
        assert dialog is not None
        at(3)

        def outlined(locator: Locator) -> bool:
            found = elements.find(locator, dialog)
            box = elements.extents(found[0]) if found else None
            shown = highlighted(a11y_desktop)
            return box is not None and shown is not None and (shown.x, shown.y, shown.w, shown.h) == box

        printer = Locator("table cell", words["printer"])
        wait_for(lambda: outlined(printer), 15, "the highlight on “Print to File”")
        a11y_desktop.screenshot(artifacts / f"desktop-elements-pdf-printer-{language}.png")
        x, y, width, height = elements.extents(elements.find(printer, dialog)[0]) or (0, 0, 0, 0)
        click(a11y_desktop, x + width // 2, y + height // 2)
        at(4)
        wait_for(lambda: outlined(Locator("radio button", "PDF")), 15, "the highlight on the PDF choice")
        # the person drags the dialog under the panel: the outline follows, the panel makes room
        panel_handle = a11y_desktop.wait_window(name="^Wayguide$")
        before = client_rect(a11y_desktop, panel_handle)
        a11y_desktop.run(["xdotool", "windowmove", "--sync", str(dialog.handle), str(before.x - 300), "150"],
                         check=True)
        wait_for(lambda: outlined(Locator("radio button", "PDF")) and client_rect(
            a11y_desktop, panel_handle).overlap(highlighted(a11y_desktop) or before) == 0, 10,
            "the panel to move off the control it points at")
        a11y_desktop.screenshot(artifacts / f"desktop-elements-pdf-format-{language}.png")
        assert waiting.poll() is None
    finally:
        if waiting is not None:
            if waiting.poll() is None:
                waiting.kill()
            waiting.communicate()
        probe.close()
        stop_app(app)
        end(pad)


def test_a_fill_the_application_changes_stops_the_step_instead_of_reporting_success(
        a11y_desktop: Desktop, elements: AtspiElements, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Mousepad's line number field drops letters: the text read back differs, and black box says so
    instead of going on over wrong data; digits alone arrive and pass."""
    import threading

    from app.automation.performer import Performer
    from app.format import model
    from app.platform.x11_input import X11Injector
    from tests.desktop.test_black_box import end

    monkeypatch.setenv("DISPLAY", a11y_desktop.display)
    env = {**a11y_desktop.env, "HOME": str(tmp_path)}
    pad = a11y_desktop.spawn(["mousepad", "--disable-server"], env=env)
    probe = X11WindowProbe(a11y_desktop.display)
    injector = X11Injector()
    try:
        a11y_desktop.activate(a11y_desktop.wait_window(name="Mousepad$", pid=pad.pid))
        a11y_desktop.key("ctrl+l")
        dialog = probe.describe(a11y_desktop.wait_window(name="^Go To$"))
        assert dialog is not None
        performer = Performer(injector, probe, elements=elements)

        def fill(text: str) -> tuple[int | None, str]:
            action = model.FillAction.model_validate({"fill": {"element": {"role": "spin button", "index": 0},
                                                                "text": text}})
            outcome, _ = performer.run([action], dialog, threading.Event())
            return outcome.failed_at, outcome.message

        failed, message = fill("12ab")
        assert failed == 0 and message.startswith("The text in the spin button is not what was meant")
        assert fill("12") == (None, "")
    finally:
        injector.close()
        probe.close()
        end(pad)
