"""`wayguide doctor` verdicts for the desktops it meets."""

from __future__ import annotations

import pytest

from app.cli.doctor import report
from app.platform.desktop_facts import DesktopFacts, automation_problem

X11 = {"DISPLAY": ":0"}
FULL = frozenset({"RECORD", "XTEST", "XInputExtension"})


@pytest.mark.parametrize(("facts", "expected", "code"), [
    (DesktopFacts("linux", "x11", X11, None, FULL, "Openbox", True),
     ["✓ display         X11",
      "✓ global hotkey   X11 with the RECORD extension",
      "✓ automation      XTEST: types and presses keys in X11 applications",
      "✓ window manager  Openbox",
      "✓ system tray     present"], 0),
    (DesktopFacts("linux", "x11", X11, None, frozenset({"RECORD"}), None, False),
     ["✓ display         X11",
      "✓ global hotkey   X11 with the RECORD extension",
      "! automation      the X server lacks the XTEST extension; wizards run as glass box: you do "
      "the steps, Wayguide explains them",
      "! window manager  none with EWMH: the panel cannot be placed beside the window in front, and the "
      "window in front cannot be known",
      "! system tray     none: use the hotkey or `wayguide toggle`"], 0),
    (DesktopFacts("linux", "wayland", {"WAYLAND_DISPLAY": "wayland-0"}, "DISPLAY is not set"),
     ["✗ display        DISPLAY is not set",
      "! global hotkey  Wayland does not allow global hotkeys: bind `wayguide toggle` to a desktop "
      "shortcut (GNOME: Settings ▸ Keyboard ▸ Custom Shortcuts; KDE: System Settings ▸ Shortcuts)",
      "! automation     Wayland does not let one application type into another; wizards run as glass "
      "box: you do the steps, Wayguide explains them"], 1),
    (DesktopFacts("darwin", "darwin", {}),
     ["✓ display        darwin",
      "✓ global hotkey  needs permission: System Settings ▸ Privacy & Security ▸ Accessibility and "
      "▸ Input Monitoring, allow Wayguide (or the terminal that starts it)",
      "! automation     needs permission: System Settings ▸ Privacy & Security ▸ Accessibility, "
      "allow Wayguide"], 0),
])
def test_report(facts: DesktopFacts, expected: list[str], code: int) -> None:
    text, exit_code = report(facts)
    assert text.splitlines() == expected
    assert exit_code == code


@pytest.mark.parametrize(("facts", "problem"), [
    (DesktopFacts("linux", "x11", X11, None, FULL), None),
    (DesktopFacts("linux", "x11", X11, None, frozenset({"RECORD"})),
     "the X server lacks the XTEST extension"),
    (DesktopFacts("linux", "wayland", {"WAYLAND_DISPLAY": "w"}, "DISPLAY is not set"),
     "Wayland does not let one application type into another"),
    (DesktopFacts("linux", "none", {}, "DISPLAY is not set"), "there is no X display to type into"),
    (DesktopFacts("win32", "win32", {}), None),
])
def test_automation_problem_is_the_reason_the_panel_gives(facts: DesktopFacts, problem: str | None) -> None:
    assert automation_problem(facts) == problem
