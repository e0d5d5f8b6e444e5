"""The recording bar on a real X desktop: its buttons work without taking the keyboard from the
application being recorded; only the note field takes it, and gives it back."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.desktop.test_paste_watched import Lines
from tests.desktop.xdesktop import Desktop, wait_for

pytestmark = pytest.mark.desktop


@pytest.fixture
def xterm(desktop: Desktop) -> Iterator[int]:
    process = desktop.spawn(["xterm", "-title", "recorded-app", "-geometry", "100x30+200+200"])
    window = desktop.wait_window(name="^recorded-app$")
    desktop.activate(window)
    wait_for(lambda: desktop.active_window() == window, 10, "xterm to be active")
    yield window
    process.terminate()
    process.wait(5)


def focused(desktop: Desktop) -> str:
    return desktop.run(["xdotool", "getwindowfocus"]).stdout.strip()


def test_the_bar_keeps_the_keyboard_with_the_application_except_for_a_note(desktop: Desktop,
                                                                           xterm: int) -> None:
    bar = Lines(desktop, "tests.desktop.bar_probe", stdin=subprocess.PIPE)
    try:
        centres: dict[str, tuple[str, str]] = {}
        while (line := bar.line(30)) != "ready":
            _, name, x, y = line.split()
            centres[name] = (x, y)
        desktop.wait_window(name="^Wayguide recording$")

        def click(name: str) -> None:
            desktop.run(["xdotool", "mousemove", *centres[name], "click", "1"])

        for name, said in (("break", "break"), ("pause", "pause True"), ("pause", "pause False")):
            click(name)
            assert bar.line() == said
            assert desktop.active_window() == xterm and focused(desktop) == str(xterm)
        click("note")  # the note field takes the keyboard...
        wait_for(lambda: focused(desktop) != str(xterm), 10, "the note field to take the keyboard")
        desktop.run(["xdotool", "type", "--delay", "20", "Check the date"])
        desktop.run(["xdotool", "key", "Return"])
        said = [bar.line(), bar.line()]
        assert sorted(said) == ["note Check the date", "released"]  # ...and gives it back
        click("stop")
        assert bar.line() == "stop"
    finally:
        bar.close()
