"""Real implementations of the OS protocols in app.ports, one module per window system (and per bus:
atspi for the controls inside applications)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from app.i18n import N_
from app.ports import (
    ActivityMonitor,
    Elements,
    Hotkeys,
    Injector,
    InputWatcher,
    Launcher,
    Opener,
    ProbeUnavailable,
    WindowInfo,
    WindowProbe,
)

__all__ = ["automation", "elements", "global_hotkeys", "input_watcher", "opener", "program_launcher",
           "window_probe"]
# no function here is named like a module of this package: importing the module would replace it


def _x11(wayland_reason: str) -> bool:
    """True on Linux with an X display; on Wayland alone raises ProbeUnavailable(wayland_reason)."""
    if not sys.platform.startswith("linux"):
        return False
    if os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"):
        raise ProbeUnavailable(wayland_reason)
    return True


def window_probe() -> WindowProbe:
    """The probe for this desktop; raises ProbeUnavailable with the reason when there is none."""
    if _x11(N_("Wayland does not tell applications which window is in front")):
        from app.platform.x11 import X11WindowProbe

        return X11WindowProbe()
    raise ProbeUnavailable(N_("no window probe for {platform} yet"), platform=sys.platform)


def automation() -> tuple[Injector, ActivityMonitor | None]:
    """Typing and clicking, and the monitor that tells the person's own input from it (None, automation
    still possible, where the desktop cannot tell); raises ProbeUnavailable saying why there is none."""
    if _x11(N_("Wayland does not let one application type into another")):
        from app.platform.x11_activity import OwnInput, X11ActivityMonitor
        from app.platform.x11_input import X11Injector

        own = OwnInput()
        return X11Injector(own=own), X11ActivityMonitor(own)
    raise ProbeUnavailable(N_("no automation for {platform} yet"), platform=sys.platform)


def elements() -> Elements:
    """The controls inside applications (the accessibility bus); its calls raise ProbeUnavailable saying
    why when there is none. It connects on first use."""
    if sys.platform.startswith("linux"):
        from app.platform.atspi import AtspiElements

        return AtspiElements()
    raise ProbeUnavailable(N_("no accessibility adapter for {platform} yet"), platform=sys.platform)


def program_launcher() -> Launcher:
    from app.platform.launcher import SubprocessLauncher

    return SubprocessLauncher()


def opener() -> Opener:
    """Opens links and documents with the desktop's default application (through Qt)."""
    from app.platform.qt_opener import QtOpener

    return QtOpener()


def global_hotkeys(combos: Sequence[str], on_hotkey: Callable[[str], None],
                   on_died: Callable[[], None]) -> Hotkeys:
    """The global hotkey listener for this desktop (an app.ports.HotkeysFactory), not yet started; raises
    ValueError for a combo it cannot read."""
    from app.platform.hotkey_listener import HotkeyListener, x11_modifier_reader
    from app.platform.hotkeys import Combo

    parsed = [Combo.parse(combo) for combo in combos]
    reader = x11_modifier_reader() if sys.platform.startswith("linux") else None
    return HotkeyListener(parsed, lambda combo: on_hotkey(str(combo)), reader, on_died=on_died)


def input_watcher(on_window: Callable[[WindowInfo], None], on_combo: Callable[[str], None],
                  on_moved: Callable[[], None]) -> InputWatcher:
    """The input watcher for this desktop (an app.ports.WatcherFactory); raises ProbeUnavailable
    saying why there is none. It opens nothing until asked to watch."""
    if _x11(N_("Wayland does not tell applications which window is in front")):
        from app.platform.x11_watch import X11InputWatcher

        return X11InputWatcher(on_window, on_combo, on_moved=on_moved)
    raise ProbeUnavailable(N_("no input watcher for {platform} yet"), platform=sys.platform)
