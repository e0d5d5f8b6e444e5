"""Glass-box `until: {element…}` conditions decided from AT-SPI events (ElementWatch): how soon a change
is noticed, and what waiting costs (issue 13).

Run: .venv/bin/python bench/bench_conditions.py [--runs 20] [--seconds 10] [--no-poll]
On a test desktop with a session bus and the accessibility bus, mousepad, and an ElementWatch built as the
app builds it (AtspiElements, X11WindowProbe, on its own thread); nothing is saved.

1. Noticed latency, `--runs` times each: ctrl+shift+s opens mousepad's Save As dialog, Escape closes it.
   The reference is the X server: a thread of the bench listens to the root window and stamps the moment
   the dialog's frame is mapped ("appeared") and unmapped ("gone"). Printed, median and max:
   - key → appeared: from just before `xdotool key` starts to the map, how long mousepad takes to show the
     dialog (for scale, not Wayguide's).
   - watch: from appeared (gone) to ElementWatch's report holds=True (holds=False) for
     `{element: {role: file chooser, name: Save As}}`; goal: median ≤ 100 ms.
   - poll: the baseline, measured in the same runs: the bench's main thread polls `xdotool search
     --onlyvisible --name '^Save As$'` back to back and stamps the first answer that shows the dialog
     (that goes), also from appeared (gone). A negative figure: seen before the frame was mapped. Each
     search starts a process and walks the X server's windows: it loads the two cores of a small machine
     while the watch works; `--no-poll` leaves it out, for the watch's figures alone.
   - looks, finds: per open or close, how many times the watch looked (the window in front, the client
     list, then a find in the windows of the application until the control is found) and how many finds
     those made (one in a window that lacks the control's role walks the window asking every control its
     role: AtspiElements._by_role).
   A second set of runs watches a state instead, `{element: {role: text, index: 0, window: {title:
   "*Mousepad"}}, state: focused}`: the main window's text area loses the focus when the dialog appears
   (holds=False) and has it again once it is gone (holds=True).
2. Idle CPU, this process's CPU time (all threads, time.process_time) over `--seconds` of wall time, as %
   of one core:
   - no watch (baseline): the watch exists but watches nothing, as between steps.
   - watching: the dialog condition above, which stays false while nothing happens; goal < 0.5 %.
   - typing, no watch / typing, watching: the same while `xdotool type` types into mousepad's text area,
     whose text-changed events wake the watch (what events cost; no goal). Beside them the bursts of
     events the watch was told of, and its looks.
"""

from __future__ import annotations

import argparse
import math
import os
import select
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.automation.element_watch import ElementWatch  # noqa: E402
from app.format.model import ElementCond  # noqa: E402
from app.platform.atspi import AtspiElements  # noqa: E402
from app.platform.x11 import X11WindowProbe  # noqa: E402
from app.ports import Control, Locator, WindowInfo  # noqa: E402
from tests.desktop.xdesktop import Desktop, start_desktop, wait_for  # noqa: E402

DIALOG = "Save As"
DIALOG_COND = ElementCond.model_validate({"element": {"role": "file chooser", "name": DIALOG}})
FOCUS_COND = ElementCond.model_validate({"element": {"role": "text", "index": 0,
                                                     "window": {"title": "*Mousepad"}},
                                         "state": "focused"})
SETTLE_S = 0.4
"""After the dialog appears or goes, this long before the next key (its folder loads, focus settles)."""
REPORT_TIMEOUT_S = 5.0
TYPED = "The quick brown fox jumps over the lazy dog. " * 40
"""More than `--seconds` of typing at xdotool's default 12 ms a key."""


class CountingElements(AtspiElements):
    """The adapter, counting the watch's looks (finds) and the bursts of events it is told of."""

    def __init__(self) -> None:
        super().__init__()
        self.finds = 0
        self.bursts = 0

    def find(self, locator: Locator, window: WindowInfo) -> list[Control]:
        self.finds += 1
        return super().find(locator, window)

    def subscribe(self, on_change: Callable[[], None], texts: bool = True,
                  states: Collection[str] | None = None) -> Callable[[], None]:
        def told() -> None:
            self.bursts += 1
            on_change()

        return super().subscribe(told, texts, states)


class CountingProbe(X11WindowProbe):
    """The window probe, counting the watch's looks (each starts by asking for the window in front)."""

    looks = 0

    def active_window(self) -> WindowInfo | None:
        CountingProbe.looks += 1
        return super().active_window()


class MapStamps:
    """When a top-level window titled `title` is mapped and unmapped, as the X server tells its clients:
    SubstructureNotify on the root window, on a connection and a thread of their own."""

    def __init__(self, display: str, title: str) -> None:
        from Xlib import X
        from Xlib import display as xdisplay

        self._X = X
        self._title = title
        self._conn: Any = xdisplay.Display(display)
        self._conn.screen().root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self._conn.sync()
        self._frames: set[int] = set()
        self.mapped: list[float] = []
        self.unmapped: list[float] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-map-stamps", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.is_set():
            select.select([self._conn], [], [], 0.05)
            while self._conn.pending_events():
                event = self._conn.next_event()
                at = time.perf_counter()
                if event.type == self._X.MapNotify and self._titled(event.window, 3):
                    self._frames.add(event.window.id)
                    self.mapped.append(at)
                elif event.type in (self._X.UnmapNotify, self._X.DestroyNotify) \
                        and event.window.id in self._frames:
                    self._frames.discard(event.window.id)
                    self.unmapped.append(at)

    def _titled(self, window: Any, depth: int) -> bool:
        """Whether `window` or a window inside it (the client in the window manager's frame) has the title."""
        from Xlib import error

        try:
            if window.get_wm_name() == self._title:
                return True
            children = window.query_tree().children if depth > 0 else []
        except error.XError:  # gone already
            return False
        return any(self._titled(child, depth - 1) for child in children)

    def close(self) -> None:
        self._done.set()
        self._thread.join(5)
        self._conn.close()


@dataclass
class Reports:
    """What the watch reported, stamped as it came (on the watch's thread)."""

    generation: int = 0
    seen: list[tuple[float, bool]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def report(self, generation: int, path: str, holds: bool) -> None:
        at = time.perf_counter()
        with self.changed:
            if generation == self.generation:
                self.seen.append((at, holds))
                self.changed.notify_all()

    def wait(self, holds: bool, since: float) -> float:
        """When the watch reported `holds` after `since`."""
        def found() -> float | None:
            return next((at for at, said in self.seen if said == holds and at >= since), None)

        with self.changed:
            if not self.changed.wait_for(lambda: found() is not None, REPORT_TIMEOUT_S):
                raise TimeoutError(f"no report holds={holds} within {REPORT_TIMEOUT_S:g} s")
            at = found()
            assert at is not None
            return at


@dataclass
class Samples:
    """One kind of change (the dialog appeared, or went), all runs, in seconds."""

    key_to_x: list[float] = field(default_factory=list)
    watch: list[float] = field(default_factory=list)
    poll: list[float] = field(default_factory=list)
    polls: list[int] = field(default_factory=list)
    poll_s: list[float] = field(default_factory=list)
    looks: list[int] = field(default_factory=list)
    finds: list[int] = field(default_factory=list)


def poll_until(desktop: Desktop, shown: bool) -> tuple[float, int]:
    """Poll `xdotool search` back to back until the dialog is shown (or not); when, and how many polls."""
    count = 0
    deadline = time.monotonic() + REPORT_TIMEOUT_S
    while time.monotonic() < deadline:
        count += 1
        if bool(desktop.windows(name=f"^{DIALOG}$")) == shown:
            return time.perf_counter(), count
        # no sleep: the best a poll can do, paid for in CPU
    raise TimeoutError(f"the dialog was not {'shown' if shown else 'gone'} within {REPORT_TIMEOUT_S:g} s")


def stamp_after(stamps: list[float], since: float) -> float:
    wait_for(lambda: any(at >= since for at in stamps), REPORT_TIMEOUT_S, "the X server's map event",
             interval=0.005)
    return next(at for at in stamps if at >= since)


def cycle(desktop: Desktop, xs: MapStamps, reports: Reports, elements: CountingElements,
          key: str, opening: bool, holds: bool, out: Samples, poll: bool) -> None:
    """Press `key` (the dialog appears when `opening`, else goes) and wait for the watch to report
    `holds`; the figures go into `out`. Without `poll`, no baseline (nothing else runs meanwhile)."""
    looks, finds = CountingProbe.looks, elements.finds
    pressed = time.perf_counter()
    desktop.key(key)
    polled, polls = poll_until(desktop, opening) if poll else (math.nan, 1)
    reported = reports.wait(holds, pressed)
    x_at = stamp_after(xs.mapped if opening else xs.unmapped, pressed)
    time.sleep(SETTLE_S)
    out.key_to_x.append(x_at - pressed)
    out.watch.append(reported - x_at)
    out.poll.append(polled - x_at)
    out.polls.append(polls)
    out.poll_s.append((polled - pressed) / polls)
    out.looks.append(CountingProbe.looks - looks)
    out.finds.append(elements.finds - finds)


def latency(desktop: Desktop, watch: ElementWatch, reports: Reports, elements: CountingElements,
            xs: MapStamps, cond: ElementCond, runs: int, holds_open: bool,
            poll: bool) -> tuple[Samples, Samples]:
    with reports.changed:
        reports.seen.clear()
    reports.generation = watch.watch([("until", cond)])
    reports.wait(not holds_open, 0.0)  # the first report: as things are, the dialog closed
    opened, closed = Samples(), Samples()
    for _ in range(runs):
        cycle(desktop, xs, reports, elements, "ctrl+shift+s", True, holds_open, opened, poll)
        cycle(desktop, xs, reports, elements, "Escape", False, not holds_open, closed, poll)
    watch.watch(())
    return opened, closed


def cpu_percent(seconds: float, during: Callable[[], Callable[[], None]] | None = None) -> float:
    """This process's CPU time over `seconds` of wall time, in % of one core; `during` starts something
    and returns how to stop it."""
    stop = during() if during is not None else None
    cpu, wall = time.process_time(), time.perf_counter()
    time.sleep(seconds)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if stop is not None:
        stop()
    return 100 * cpu / wall


def typing(desktop: Desktop, main_window: int) -> Callable[[], None]:
    """Start `xdotool type` into mousepad's text area; returns how to stop it (and empty the text)."""
    desktop.activate(main_window)
    process = subprocess.Popen(["xdotool", "type", TYPED], env=desktop.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop() -> None:
        process.terminate()
        process.wait(5)
        desktop.key("ctrl+a", "Delete")

    return stop


def ms(values: Sequence[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f} {max(values) * 1000:7.1f}"


def print_latency(label: str, opened: Samples, closed: Samples) -> None:
    for what, samples in ((f"{label}, appeared", opened), (f"{label}, gone", closed)):
        print(f"  {what:<36} {ms(samples.key_to_x)}   {ms(samples.watch)}   {ms(samples.poll)}"
              f"   {statistics.median(samples.looks):5.0f} {max(samples.looks):4d}"
              f"   {statistics.median(samples.finds):5.0f} {max(samples.finds):4d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="wall time of each CPU measurement")
    parser.add_argument("--no-poll", dest="poll", action="store_false",
                        help="no poll baseline: the watch alone, nothing polling the X server meanwhile")
    args = parser.parse_args()
    desktop = start_desktop(accessibility=True)
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = desktop.bus
    watch: ElementWatch | None = None
    try:
        desktop.spawn(["mousepad", "--disable-server"])
        handle = desktop.wait_window(name="Mousepad$")
        probe = X11WindowProbe(desktop.display)
        main_window = probe.describe(handle)
        assert main_window is not None
        warm = AtspiElements()  # GTK names a control's role only once asked (see AtspiElements._by_role)
        wait_for(lambda: warm.find(Locator("menu item", "Save As*"), main_window), 10, "mousepad's controls")
        warm.controls(main_window)
        warm.close()
        probe.close()
        desktop.activate(handle)

        made: list[CountingElements] = []

        def elements() -> CountingElements:
            made.append(CountingElements())
            return made[-1]

        reports = Reports()
        watch = ElementWatch(elements, lambda: CountingProbe(desktop.display), reports.report)
        xs = MapStamps(desktop.display, DIALOG)
        try:
            watch.watch([("until", DIALOG_COND)])
            wait_for(lambda: made, 5, "the watch's elements")
            counting = made[0]
            opened, closed = latency(desktop, watch, reports, counting, xs, DIALOG_COND, args.runs, True,
                                     args.poll)
            focus_open, focus_closed = latency(desktop, watch, reports, counting, xs, FOCUS_COND, args.runs,
                                               False, args.poll)
        finally:
            xs.close()

        print(f"noticed, ms from the X server mapping (unmapping) the Save As dialog; median and max of "
              f"{args.runs}")
        print(f"  {'':<36} {'key → appeared':>15}   {'watch':>15}   {'poll (baseline)':>15}   "
              f"{'looks':>10}   {'finds':>10}")
        print_latency("dialog (file chooser)", opened, closed)
        print_latency("main text area focused", focus_open, focus_closed)
        polls = [n for s in (opened, closed, focus_open, focus_closed) for n in s.polls]
        poll_s = [t for s in (opened, closed, focus_open, focus_closed) for t in s.poll_s]
        if args.poll:
            print(f"  (the poll: {statistics.median(polls):.0f} xdotool searches per change, "
                  f"{statistics.median(poll_s) * 1000:.0f} ms each, medians)")
        print(f"ElementWatch noticed the dialog {statistics.median(opened.watch) * 1000:.0f} ms after the "
              f"window appeared and {statistics.median(closed.watch) * 1000:.0f} ms after it went (median of "
              f"{args.runs}; goal ≤ 100 ms)")

        base = cpu_percent(args.seconds)
        reports.generation = watch.watch([("until", DIALOG_COND)])
        time.sleep(1)  # the first look, and what it sets off, over
        before = CountingProbe.looks, counting.bursts
        idle = cpu_percent(args.seconds)
        idle_looks = CountingProbe.looks - before[0], counting.bursts - before[1]
        watch.watch(())
        time.sleep(1)
        typed_base = cpu_percent(args.seconds, lambda: typing(desktop, handle))
        reports.generation = watch.watch([("until", DIALOG_COND)])
        time.sleep(1)
        before = CountingProbe.looks, counting.bursts
        typed = cpu_percent(args.seconds, lambda: typing(desktop, handle))
        typed_looks = CountingProbe.looks - before[0], counting.bursts - before[1]
        watch.watch(())
        print(f"CPU of this process over {args.seconds:g} s, % of one core (all threads)")
        print(f"  idle, no watch (baseline)           {base:6.3f} %")
        print(f"  idle, watching (goal < 0.5 %)       {idle:6.3f} %   {idle_looks[1]} bursts of events, "
              f"{idle_looks[0]} looks")
        print(f"  typing into mousepad, no watch      {typed_base:6.3f} %")
        print(f"  typing into mousepad, watching      {typed:6.3f} %   {typed_looks[1]} bursts of events, "
              f"{typed_looks[0]} looks ({typed_looks[0] / args.seconds:.1f}/s)")
    finally:
        if watch is not None:
            watch.close()
        desktop.stop()


if __name__ == "__main__":
    main()
