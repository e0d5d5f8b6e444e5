"""Finding a control by locator over AT-SPI, beside a naive walk measured in the same run.

Run: .venv/bin/python bench/bench_elements.py [--runs 20]
On a test desktop with a session bus and the accessibility bus, mousepad: finds a menu item and a tool
bar button by role and name in its main window, and a button in its Save As dialog, `--runs` times each
(the adapter's connection kept, as in the running app); the baseline walks the same window the naive way,
one call at a time for each node's children, role and name (the issue's throwaway walk: 1.0-1.7 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.platform.atspi import AtspiElements, _Bus  # noqa: E402
from app.platform.x11 import X11WindowProbe  # noqa: E402
from app.ports import Locator, WindowInfo  # noqa: E402
from tests.desktop.xdesktop import start_desktop, wait_for  # noqa: E402

T = TypeVar("T")


def naive_walk(bus: _Bus, root: tuple[str, str]) -> int:
    """Every node under `root`, asking each for its children, role and name one call at a time."""
    count, todo = 0, [root]
    while todo:
        ref = todo.pop()
        count += 1
        bus.call(ref, "org.a11y.atspi.Accessible", "GetRole")
        bus.call(ref, "org.freedesktop.DBus.Properties", "Get", "ss", "org.a11y.atspi.Accessible", "Name")
        answer = bus.call(ref, "org.a11y.atspi.Accessible", "GetChildren")
        todo += [tuple(child) for child in (answer[0] if answer else [])]
    return count


def timed(what: Callable[[], T], runs: int) -> tuple[float, T]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = what()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    desktop = start_desktop(accessibility=True)
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = desktop.bus
    try:
        desktop.spawn(["mousepad", "--disable-server"])
        handle = desktop.wait_window(name="Mousepad$")
        probe = X11WindowProbe(desktop.display)
        main_window = probe.describe(handle)
        assert main_window is not None
        elements = AtspiElements()
        wait_for(lambda: elements.find(Locator("menu item", "Save As*"), main_window), 10, "Save As…")
        cases: list[tuple[str, WindowInfo, Locator]] = [
            ("main window: menu item “Save As*”", main_window, Locator("menu item", "Save As*")),
            ("main window: push button “Save”", main_window, Locator("push button", "Save")),
        ]
        desktop.activate(handle)
        desktop.key("ctrl+shift+s")
        dialog_handle = desktop.wait_window(name="^Save As$")
        dialog = probe.describe(dialog_handle)
        assert dialog is not None
        wait_for(lambda: elements.find(Locator("push button", "Cancel"), dialog), 10, "the dialog's buttons")
        cases.append(("Save As dialog: push button “Cancel”", dialog, Locator("push button", "Cancel")))
        print(f"find by role and name, median of {args.runs} (baseline: a naive walk of the same window, "
              "median of 3)")
        bus = elements._connected()
        for label, window, locator in cases:
            took, found = timed(partial(elements.find, locator, window), args.runs)
            root = elements._window_root(window)
            assert root is not None
            walk, nodes = timed(partial(naive_walk, bus, root), 3)
            count = len(elements.controls(window))
            print(f"  {label:<40} {took * 1000:6.1f} ms  found {len(found)}   naive walk of {nodes} "
                  f"nodes {walk * 1000:7.1f} ms   {took / walk:5.3f}x   (controls listed: {count})")
        took, controls = timed(lambda: elements.controls(main_window), 5)
        print(f"  all controls of the main window (inspect)  {took * 1000:6.1f} ms  ({len(controls)})")
        elements.close()
        probe.close()
    finally:
        desktop.stop()


if __name__ == "__main__":
    main()
