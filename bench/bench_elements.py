"""Finding a control by locator over AT-SPI, beside a naive walk measured in the same run.

Run: .venv/bin/python bench/bench_elements.py [--runs 20] [--apps mousepad,gnumeric]
On a test desktop with a session bus and the accessibility bus, in mousepad (~320 controls) and gnumeric
(~575): finds a menu item and a tool bar button by role and name in the main window, and a button in a
dialog (mousepad's Save As, gnumeric's Preferences), `--runs` times each (the adapter's connection kept,
as in the running app); the baseline walks the same window the naive way, one call at a time for each
node's children, role and name (the issue's throwaway walk: 1.0-1.7 s). Goal: a median of at most 20 ms
and at most 0.05 of the naive walk.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
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
from tests.desktop.xdesktop import Desktop, start_desktop, wait_for  # noqa: E402

T = TypeVar("T")
Case = tuple[str, WindowInfo, Locator]


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


def interleaved(find: Callable[[], T], walks: list[Callable[[], int]], runs: int, rounds: int = 5
                ) -> tuple[float, T, list[float], int]:
    """Medians of `find` (`runs` times) and of each walk (`rounds` times), taken in turns so that both see
    the same load on the machine (other work on it moves a walk by 2-3x from one minute to the next)."""
    finds: list[float] = []
    walked: list[list[float]] = [[] for _ in walks]
    found: T | None = None
    nodes = 0
    for number in range(rounds):
        for samples, walk in zip(walked, walks, strict=True):
            took, nodes = timed(walk, 1)
            samples.append(took)
        took, found = timed(find, len(range(number, runs, rounds)))
        finds.append(took)
    assert found is not None
    return statistics.median(finds), found, [statistics.median(samples) for samples in walked], nodes


def timed(what: Callable[[], T], runs: int) -> tuple[float, T]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = what()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def mousepad_cases(desktop: Desktop, probe: X11WindowProbe, elements: AtspiElements) -> list[Case]:
    desktop.spawn(["mousepad", "--disable-server"], env={**desktop.env, "HOME": home(desktop)})
    handle = desktop.wait_window(name="Mousepad$")
    main_window = probe.describe(handle)
    assert main_window is not None
    wait_for(lambda: elements.find(Locator("menu item", "Save As*"), main_window), 10, "Save As…")
    cases = [
        ("mousepad main window: menu item “Save As*”", main_window, Locator("menu item", "Save As*")),
        ("mousepad main window: push button “Save”", main_window, Locator("push button", "Save")),
    ]
    desktop.activate(handle)
    desktop.key("ctrl+shift+s")
    dialog = probe.describe(desktop.wait_window(name="^Save As$"))
    assert dialog is not None
    wait_for(lambda: elements.find(Locator("push button", "Cancel"), dialog), 10, "the dialog's buttons")
    cases.append(("mousepad Save As dialog: push button “Cancel”", dialog, Locator("push button", "Cancel")))
    return cases


def gnumeric_cases(desktop: Desktop, probe: X11WindowProbe, elements: AtspiElements) -> list[Case]:
    desktop.spawn(["gnumeric", "--no-splash"], env={**desktop.env, "HOME": home(desktop)})
    main_window = probe.describe(desktop.wait_window(name="Gnumeric$", timeout=30))
    assert main_window is not None
    item = wait_for(lambda: elements.find(Locator("menu item", "Preferences..."), main_window), 10,
                    "Preferences…")
    cases = [
        ("gnumeric main window: menu item “Save As*”", main_window, Locator("menu item", "Save As*")),
        ("gnumeric main window: push button “Sort Ascending”", main_window,
         Locator("push button", "Sort Ascending")),
    ]
    assert elements.activate(item[0])
    dialog = probe.describe(desktop.wait_window(name="^Gnumeric Preferences$"))
    assert dialog is not None
    wait_for(lambda: elements.find(Locator("push button", "Close"), dialog), 10, "the dialog's buttons")
    cases.append(("gnumeric Preferences dialog: push button “Close”", dialog,
                  Locator("push button", "Close")))
    return cases


def home(desktop: Desktop) -> str:
    """A home of its own for an application (its settings and recent files stay out of the real one)."""
    folder = Path(tempfile.mkdtemp(prefix="wg-bench-home-"))
    desktop.scratch.append(folder)
    return str(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--apps", default="mousepad,gnumeric", help="which applications, comma-separated")
    args = parser.parse_args()
    desktop = start_desktop(accessibility=True)
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = desktop.bus
    try:
        probe = X11WindowProbe(desktop.display)
        elements = AtspiElements()
        cases: list[Case] = []
        for app in args.apps.split(","):
            if shutil.which(app) is None:
                print(f"({app} is not installed: scripts/setup installs it)")
                continue
            cases += {"mousepad": mousepad_cases, "gnumeric": gnumeric_cases}[app](desktop, probe, elements)
        print(f"find by role and name, median of {args.runs}; baseline: a naive walk of the same window "
              "(one call at a time for each node's children, role and name), median of 5, in turns with "
              "the finds")
        print("  naive: through the bus daemon as a plain client; direct: on the adapter's own connections, "
              "straight to the application")
        print(f"  {'case':<52} {'nodes':>5} {'find ms':>8} {'naive ms':>9} {'ratio':>6} {'direct ms':>9} "
              f"{'ratio':>6}")
        bus = elements._connected()
        plain = _Bus(None)
        plain._directs = None  # never straight to the application
        for label, window, locator in cases:
            root = elements._window_root(window)
            assert root is not None
            took, found, (walk, direct), nodes = interleaved(
                partial(elements.find, locator, window),
                [partial(naive_walk, plain, root), partial(naive_walk, bus, root)], args.runs)
            assert len(found) >= 1, label
            print(f"  {label:<52} {nodes:>5} {took * 1000:8.1f} {walk * 1000:9.1f} {took / walk:6.3f} "
                  f"{direct * 1000:9.1f} {took / direct:6.3f}")
        plain.close()
        for label, window, _ in cases[::3]:
            took, controls = timed(partial(elements.controls, window), 5)
            where = label.split(":")[0]
            print(f"  all {len(controls)} controls of the {where} (inspect): {took * 1000:.1f} ms")
        elements.close()
        probe.close()
    finally:
        desktop.stop()


if __name__ == "__main__":
    main()
