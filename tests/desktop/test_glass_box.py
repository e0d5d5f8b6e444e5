"""Glass box on a real X desktop: the watcher, the highlight over a real xterm, and a wizard walked
by xdotool playing the person that moves on by itself at every step."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.platform.x11_watch import X11InputWatcher
from app.ports import WindowInfo
from overlays.highlight import GAP, HIGHLIGHT_TITLE, RING
from overlays.placement import Rect, target_rect
from overlays.theme import colors
from tests.desktop.test_tray_app import WAYGUIDE, click, start_app, stop_app
from tests.desktop.xdesktop import Desktop, start_desktop, wait_for

UTF8 = {"LC_ALL": "C.UTF-8"}
MOVED = "moved"
"""What the watcher's on_moved leaves in `seen`."""


def client_rect(desktop: Desktop, window: int) -> Rect:
    """Where a window's content is on the desktop (what the window probe reports)."""
    d = desktop.xlib()
    w = d.create_resource_object("window", window)
    geometry = w.get_geometry()
    origin = w.translate_coords(d.screen().root, 0, 0)
    return Rect(-origin.x, -origin.y, geometry.width, geometry.height)


def highlighted(desktop: Desktop) -> Rect | None:
    """The region the highlight outlines (inside its ring), or None when none is shown."""
    found = desktop.windows(name=f"^{HIGHLIGHT_TITLE}$")
    if not found:
        return None
    outer = client_rect(desktop, found[0])
    pad = GAP + RING
    return Rect(outer.x + pad, outer.y + pad, outer.w - 2 * pad, outer.h - 2 * pad)


@pytest.fixture
def watched(desktop: Desktop,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[X11InputWatcher, list[object]]]:
    monkeypatch.setenv("DISPLAY", desktop.display)  # pynput's listener opens $DISPLAY
    seen: list[object] = []
    watcher = X11InputWatcher(seen.append, seen.append, desktop.display, on_moved=lambda: seen.append(MOVED))
    yield watcher, seen
    watcher.close()


def pixel(desktop: Desktop, x: int, y: int) -> str:
    """The colour on screen at a desktop point, as "#rrggbb"."""
    from Xlib import X

    root = desktop.xlib().screen().root
    b, g, r = root.get_image(x, y, 1, 1, X.ZPixmap, 0xFFFFFFFF).data[:3]
    return f"#{r:02x}{g:02x}{b:02x}"


def outline_drawn(desktop: Desktop, region: Rect, colour: str) -> bool:
    """Whether the ring around `region` shows on screen, in `colour`, on all four sides."""
    out = GAP + RING - 1  # the ring's second pixel from outside: the plain accent
    cx, cy = region.x + region.w // 2, region.y + region.h // 2
    points = [(cx, region.y - out), (cx, region.bottom + out - 1), (region.x - out, cy),
              (region.right + out - 1, cy)]
    return all(pixel(desktop, x, y) == colour for x, y in points)


def _windows(seen: list[object]) -> list[WindowInfo]:
    return [s for s in seen if isinstance(s, WindowInfo)]


def test_the_watcher_reports_the_window_in_front_its_title_and_only_the_combos_asked_for(
        desktop: Desktop, watched: tuple[X11InputWatcher, list[object]]) -> None:
    watcher, seen = watched
    first = desktop.spawn(["xterm", "-title", "watch-one"])
    second = desktop.spawn(["xterm", "-title", "watch-two"])
    try:
        one, two = desktop.wait_window(name="^watch-one$"), desktop.wait_window(name="^watch-two$")
        desktop.activate(one)
        watcher.watch(True, ())
        wait_for(lambda: any(w.handle == one for w in _windows(seen)), 5, "the window in front at once")
        desktop.activate(two)
        wait_for(lambda: _windows(seen)[-1].title == "watch-two", 5, "the switch to watch-two")
        assert _windows(seen)[-1].app == "xterm" and _windows(seen)[-1].exe == "xterm"
        desktop.run(["xdotool", "set_window", "--name", "watch-two renamed", str(two)], check=True)
        wait_for(lambda: _windows(seen)[-1].title == "watch-two renamed", 5, "the new title")
        watcher.watch(False, ["ctrl+shift+k"])
        assert not watcher.running()  # no window watching unless asked

        def listening() -> bool:  # pynput's listener starts on its own thread: until it records, keys pass
            desktop.key("ctrl+shift+k")
            return "ctrl+shift+k" in seen

        wait_for(listening, 10, "the combo listener", interval=0.25)
        seen.clear()
        desktop.key("ctrl+k")
        desktop.key("ctrl+shift+k")
        wait_for(lambda: "ctrl+shift+k" in seen, 5, "the combo")
        watcher.watch(False, ["ctrl+shift+j"])  # the next step's combo: heard at once, no listener to start
        desktop.key("ctrl+shift+j")
        wait_for(lambda: "ctrl+shift+j" in seen, 5, "the next combo, pressed as it was asked for")
        seen.remove("ctrl+shift+j")
        watcher.watch(False, ["ctrl+shift+k"])
        desktop.activate(one)
        desktop.key("ctrl+shift+super+k")  # a superset is not the combo
        watcher.watch(False, [])
        desktop.key("ctrl+shift+k")
        assert seen == ["ctrl+shift+k"]
    finally:
        for process in (first, second):
            process.terminate()
            process.wait(5)


def test_the_watcher_tells_when_a_followed_window_moves_or_hides_and_nothing_else(
        desktop: Desktop, watched: tuple[X11InputWatcher, list[object]]) -> None:
    watcher, seen = watched
    process = desktop.spawn(["xterm", "-title", "follow-me", "-geometry", "80x24+100+120"])
    other = desktop.spawn(["xterm", "-title", "bystander", "-geometry", "40x10+1200+600"])
    try:
        window = desktop.wait_window(name="^follow-me$")
        bystander = desktop.wait_window(name="^bystander$")
        desktop.activate(window)
        watcher.follow(window)
        assert watcher.running()
        wait_for(lambda: MOVED in seen, 5, "the first report as it starts following")
        seen.clear()
        desktop.run(["xdotool", "windowmove", "--sync", str(bystander), "1100", "500"], check=True)
        desktop.run(["xdotool", "windowmove", "--sync", str(window), "300", "200"], check=True)
        wait_for(lambda: MOVED in seen, 5, "the move of the followed window")
        seen.clear()
        desktop.run(["xdotool", "windowminimize", "--sync", str(window)], check=True)
        wait_for(lambda: MOVED in seen, 5, "the followed window hidden")
        assert not [s for s in seen if isinstance(s, WindowInfo)]  # the window in front: only when watched
        watcher.follow(None)
        assert not watcher.running()
        seen.clear()
        desktop.activate(window)
        desktop.run(["xdotool", "windowmove", "--sync", str(window), "100", "120"], check=True)
        assert seen == []
    finally:
        for each in (process, other):
            each.terminate()
            each.wait(5)


TARGET = """\
wayguide: 1
id: glass.target
title: Look at the terminal
modes: [glass]
steps:
  - id: look
    title: Find the prompt
    explain: The outline shows where; **click into it**.
    why: Commands go to the window that has the keyboard.
    target: {window: {app: xterm, title: hl-term}, region: [0.25, 0.25, 0.5, 0.5]}
"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_highlight_surrounds_the_region_and_clicks_pass_through_to_xterm(
        desktop: Desktop, tmp_path: Path, artifacts: Path, theme: str) -> None:
    clicks = tmp_path / "clicks"
    # xterm reports mouse clicks (X10 mouse mode) to cat, which writes them down
    term = desktop.spawn(["xterm", "-title", "hl-term", "-geometry", "80x24+100+120", "-e", "sh", "-c",
                          'stty raw -echo; printf "\\033[?1000h"; exec cat > "$0"', str(clicks)],
                         env={**desktop.env, **UTF8})
    app = start_app(desktop, tmp_path / "home", theme)
    try:
        window = desktop.wait_window(name="^hl-term$")
        desktop.activate(window)
        wizard = tmp_path / "target.yaml"
        wizard.write_text(TARGET)
        assert app.cli(desktop, "run", str(wizard)).returncode == 0
        expected = target_rect(client_rect(desktop, window), (0.25, 0.25, 0.5, 0.5))
        wait_for(lambda: highlighted(desktop) == expected, 10, f"the highlight around {expected}")
        accent = colors(theme).accent.lower()
        wait_for(lambda: outline_drawn(desktop, expected, accent), 10, f"the outline drawn in {accent}")
        assert desktop.active_window() == window
        terminal = client_rect(desktop, window)
        beside = (terminal.x + 10, terminal.y + terminal.h - 10)  # away from the outline
        on_ring = (expected.x + expected.w // 2, expected.y - GAP - RING // 2)
        inside = (expected.x + expected.w // 2, expected.y + expected.h // 2)
        for n, (x, y) in enumerate((beside, on_ring, inside), 1):
            click(desktop, x, y)
            wait_for(lambda n=n: clicks.read_bytes().count(b"\x1b[M") == 2 * n, 5,  # press, release
                     f"click {n} to reach xterm")
        assert desktop.active_window() == window
        desktop.screenshot(artifacts / f"desktop-highlight-{theme}.png")
        desktop.run(["xdotool", "windowmove", "--sync", str(window), "400", "300"], check=True)
        moved = target_rect(client_rect(desktop, window), (0.25, 0.25, 0.5, 0.5))
        assert moved != expected
        wait_for(lambda: highlighted(desktop) == moved, 10, "the highlight to follow the window")
        desktop.run(["xdotool", "windowminimize", "--sync", str(window)], check=True)
        wait_for(lambda: highlighted(desktop) is None, 10, "the highlight to hide with its window")
    finally:
        stop_app(app)
        term.terminate()
        term.wait(5)


WALK = """\
wayguide: 1
id: glass.walk
title: File the reference
modes: [glass]
steps:
  - id: editor
    title: Bring Mousepad forward
    target: {{window: {{app: mousepad}}, region: [0, 0, 1, 0.2]}}
    until: {{active: {{app: mousepad}}}}
  - id: copy
    title: Type the reference and copy it
    target: {{window: {{app: mousepad}}, region: [0.1, 0.3, 0.5, 0.3]}}
    until: {{clipboard: "re:^REF-[0-9]+$"}}
  - id: save
    title: Save with Ctrl+S
    target: {{window: {{app: mousepad}}, region: [0.5, 0, 0.5, 0.5]}}
    until: {{keys: ctrl+s}}
  - id: terminal
    title: Switch to the terminal
    target: {{window: {{app: xterm}}, region: [0, 0, 1, 0.3]}}
    until: {{active: {{app: xterm, title: glass-term}}}}
  - id: report
    title: Write the report
    explain: "Type: `echo done > {report}`"
    target: {{window: {{app: xterm}}, region: [0, 0.5, 1, 0.5]}}
    until: {{file: {{path: "{report}", contains: done}}}}
  - id: settle
    title: Take a breath
    target: {{window: {{app: xterm}}, region: [0.5, 0.1, 0.4, 0.3]}}
    until: {{after: 1}}
"""


def test_a_glass_box_wizard_walked_by_the_person_moves_on_by_itself(
        desktop: Desktop, tmp_path: Path, artifacts: Path) -> None:
    report, notes = tmp_path / "report.txt", tmp_path / "notes.txt"
    wizard = tmp_path / "walk.yaml"
    wizard.write_text(WALK.format(report=report))
    editor_process = desktop.spawn(["mousepad", "--disable-server", str(notes)])
    term_process = desktop.spawn(["xterm", "-title", "glass-term", "-geometry", "70x24+1350+120"],
                                 env={**desktop.env, **UTF8})
    app = start_app(desktop, tmp_path / "home")
    waiting: subprocess.Popen[str] | None = None
    try:
        editor = desktop.wait_window(name="notes.txt - Mousepad$")
        term = desktop.wait_window(name="^glass-term$")
        desktop.run(["xdotool", "windowsize", "--sync", str(editor), "760", "600"], check=True)
        desktop.run(["xdotool", "windowmove", "--sync", str(editor), "20", "120"], check=True)
        desktop.activate(term)
        waiting = subprocess.Popen([*WAYGUIDE, "run", str(wizard), "--wait"], env=app.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

        def at(window: int, region: tuple[float, float, float, float], step: str) -> None:
            want = target_rect(client_rect(desktop, window), region)
            wait_for(lambda: highlighted(desktop) == want, 10, f"step {step!r} (its highlight)")

        at(editor, (0, 0, 1, 0.2), "editor")
        desktop.screenshot(artifacts / "desktop-glass-editor-light.png")
        desktop.activate(editor)  # the person brings Mousepad forward
        at(editor, (0.1, 0.3, 0.5, 0.3), "copy")
        desktop.run(["xdotool", "type", "--delay", "20", "REF-42"], check=True)
        desktop.key("ctrl+a")
        desktop.key("ctrl+c")
        at(editor, (0.5, 0, 0.5, 0.5), "save")
        desktop.screenshot(artifacts / "desktop-glass-save-light.png")
        desktop.key("ctrl+s")
        wait_for(lambda: notes.exists() and notes.read_text() == "REF-42", 10, "mousepad to save")
        at(term, (0, 0, 1, 0.3), "terminal")
        desktop.activate(term)
        at(term, (0, 0.5, 1, 0.5), "report")
        desktop.screenshot(artifacts / "desktop-glass-report-light.png")
        desktop.run(["xdotool", "type", "--delay", "10", f"echo done > {report}\n"], check=True)
        out, _ = waiting.communicate(timeout=30)
        assert waiting.returncode == 0, out
        assert out.startswith("completed: ")
        assert "6 steps: 6 noticed" in out
        assert highlighted(desktop) is None
        desktop.screenshot(artifacts / "desktop-glass-done-light.png")
    finally:
        if waiting is not None and waiting.poll() is None:
            waiting.kill()
            waiting.wait()
        stop_app(app)
        for process in (editor_process, term_process):
            process.terminate()
            process.wait(5)


NO_XTEST = """\
wayguide: 1
id: glass.no-xtest
title: Write the greeting
modes: [black, glass]
steps:
  - id: greet
    title: Write the greeting file
    target: {{window: {{title: no-xtest-term}}}}
    do: [{{type: "echo hello > {done}\\n"}}]
    until: {{file: {{path: "{done}"}}}}
"""


def test_without_xtest_a_black_box_run_is_a_glass_box_run_that_says_why(tmp_path: Path,
                                                                         artifacts: Path) -> None:
    desk = start_desktop(without=["XTEST"])
    try:
        term = desk.spawn(["xterm", "-title", "no-xtest-term", "-geometry", "80x24+100+120"])
        desk.wait_window(name="^no-xtest-term$")
        app = start_app(desk, tmp_path / "home")
        done, wizard = tmp_path / "done", tmp_path / "greet.yaml"
        wizard.write_text(NO_XTEST.format(done=done))
        waiting = subprocess.Popen([*WAYGUIDE, "run", str(wizard), "--mode", "black", "--wait"],
                                   env=app.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            region = wait_for(lambda: highlighted(desk), 15, "the step to be shown")
            wait_for(lambda: outline_drawn(desk, region, colors("light").accent.lower()), 10, "the outline")
            desk.screenshot(artifacts / "desktop-no-xtest-light.png")
            assert not done.exists()  # nothing was typed for the person
            done.write_text("hello\n")  # the person does it
            out, _ = waiting.communicate(timeout=30)
        finally:
            if waiting.poll() is None:
                waiting.kill()
                waiting.wait()
            stop_app(app)
            term.terminate()
            term.wait(5)
        assert waiting.returncode == 0, out
        assert "1 step: 1 noticed" in out
    finally:
        desk.stop()
