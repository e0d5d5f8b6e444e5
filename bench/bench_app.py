"""Tray app benchmark on a real X desktop, beside a bare PySide6 tray app measured in the same run.

Run: .venv/bin/python bench/bench_app.py [--runs 10] [--idle 60] [--against DIR]
Reports: process start to tray ready; hotkey press to panel mapped (in English and, with --languages,
in other languages: Dutch by default); idle CPU with the hotkey
listener running (and the window in front watched for the expenses claim's nudge in context, beside the
same app with no nudge to watch); idle RSS with the bundled library loaded. With --against, the Wayguide of
another checkout (e.g. `git worktree add /tmp/before REV`) is measured too, in the same run and taking turns
with this one, so that a change's effect stands apart from the machine's drift.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.desktop.xdesktop import Desktop, start_desktop, wait_for  # noqa: E402

BARE = textwrap.dedent("""
    import os, sys, json, time
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon, QPixmap, QColor
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    pixmap = QPixmap(22, 22); pixmap.fill(QColor("#2f6f8f"))
    tray = QSystemTrayIcon(QIcon(pixmap)); tray.show()
    panel = QWidget(); panel.setWindowTitle("Bare panel"); panel.resize(360, 1000)
    if os.environ.get("BARE_HOTKEY"):
        from pynput import keyboard
        from PySide6.QtCore import QObject, Signal
        class Bridge(QObject):
            pressed = Signal()
        bridge = Bridge()
        bridge.pressed.connect(lambda: panel.setVisible(not panel.isVisible()))
        keyboard.GlobalHotKeys({"<ctrl>+<alt>+<space>": bridge.pressed.emit}).start()
    def ready():
        now = time.time()
        open(os.environ["WAYGUIDE_READY_FILE"], "w").write(json.dumps({"tray": now, "ready": now}))
    QTimer.singleShot(0, lambda: QTimer.singleShot(0, ready))
    sys.exit(app.exec())
""")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Subject:
    def __init__(self, name: str, argv: list[str], desktop: Desktop, extra: dict[str, str],
                 tree: Path = ROOT, seed: Callable[[Path], None] | None = None) -> None:
        self.name, self.argv, self.desktop, self.extra, self.tree = name, argv, desktop, extra, tree
        self.seed = seed
        """Fills the data dir before the start (e.g. review cards)."""

    def start(self) -> tuple[subprocess.Popen[bytes], float, Path]:
        home = Path(tempfile.mkdtemp(prefix="wg-bench-"))
        ready = home / "ready"
        env = {**self.desktop.env, "WAYGUIDE_READY_FILE": str(ready),
               "WAYGUIDE_CONFIG_DIR": str(home / "c"), "WAYGUIDE_DATA_DIR": str(home / "d"),
               "WAYGUIDE_CACHE_DIR": str(ROOT / "bench" / "out" / f"cache-{self.tree.name}"),
               "WAYGUIDE_RUNTIME_DIR": str(home / "r"), **self.extra}
        if self.seed is not None:
            self.seed(home / "d")
        started = time.perf_counter()
        process = subprocess.Popen(self.argv, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, cwd=self.tree)
        wait_for(lambda: ready.exists() or process.poll() is not None, 30, f"{self.name} tray",
                 interval=0.001)
        took = time.perf_counter() - started
        wait_for(lambda: '"ready"' in ready.read_text() or process.poll() is not None, 30,
                 f"{self.name} ready", interval=0.001)
        self.full = time.perf_counter() - started
        if process.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {process.returncode}")
        return process, took, home

    @staticmethod
    def stop(process: subprocess.Popen[bytes], home: Path) -> None:
        process.terminate()
        process.wait(10)
        shutil.rmtree(home, ignore_errors=True)


def interleaved(subjects: list[Subject], runs: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Start to tray ready and to fully loaded of each subject, `runs` times, taking turns so that
    drift hits all alike."""
    starts: dict[str, list[float]] = {s.name: [] for s in subjects}
    fulls: dict[str, list[float]] = {s.name: [] for s in subjects}
    for _ in range(runs):
        for subject in subjects:
            process, took, home = subject.start()
            starts[subject.name].append(took)
            fulls[subject.name].append(subject.full)
            Subject.stop(process, home)
    return starts, fulls


def hotkey_latencies(desktop: Desktop, title: str, runs: int) -> list[float]:
    """XTEST ctrl+alt+space from here, then poll until the panel window is viewable."""
    from Xlib import XK, X
    from Xlib.ext import xtest

    d = desktop.xlib()
    codes = [d.keysym_to_keycode(XK.string_to_keysym(k)) for k in ("Control_L", "Alt_L", "space")]

    def press() -> None:
        for code in codes:
            xtest.fake_input(d, X.KeyPress, code)
        for code in reversed(codes):
            xtest.fake_input(d, X.KeyRelease, code)
        d.sync()

    def viewable(window: object) -> bool:
        return bool(window.get_attributes().map_state == X.IsViewable)  # type: ignore[attr-defined]

    def first_show() -> list[int]:  # the listener thread may still be starting: press until seen
        press()
        try:
            return wait_for(lambda: desktop.windows(name=f"^{title}$"), 1, title)
        except TimeoutError:
            return []

    handle = wait_for(first_show, 20, title)[0]
    window = d.create_resource_object("window", handle)
    press()
    wait_for(lambda: not viewable(window), 5, "hidden")
    samples = []
    for _ in range(runs):
        time.sleep(0.2)  # let the app go idle, as a person's pauses would
        started = time.perf_counter()
        press()
        while not viewable(window):
            pass
        samples.append(time.perf_counter() - started)
        press()
        wait_for(lambda: not viewable(window), 5, "hidden")
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--idle", type=float, default=60.0)
    parser.add_argument("--against", type=Path, help="another checkout's Wayguide to measure beside this one")
    parser.add_argument("--languages", nargs="*", default=["nl"], metavar="L",
                        help="also measure Wayguide speaking these languages (beside it in English)")
    args = parser.parse_args()
    trees = [ROOT] + ([args.against.resolve()] if args.against else [])
    for tree in trees:
        for package in ("app", "overlays"):  # measured as installed: pip and the bundle ship bytecode
            compileall.compile_dir(tree / package, quiet=1)
    desktop = start_desktop()
    try:
        subjects = [
            Subject("bare PySide6 tray app", [sys.executable, "-c", BARE], desktop, {}),
            Subject("wayguide", [sys.executable, "-m", "app"], desktop, {"LANGUAGE": "en"}),
            *(Subject(f"wayguide in {language}", [sys.executable, "-m", "app"], desktop,
                      {"LANGUAGE": language}) for language in args.languages),
        ]
        if args.against:
            subjects.append(Subject(f"wayguide at {args.against}", [sys.executable, "-m", "app"], desktop, {},
                                    args.against.resolve()))
        for subject in subjects[1:]:
            Subject.stop(*_pair(subject.start()))  # fills the library cache once
        starts, fulls = interleaved(subjects, args.runs)
        base = statistics.median(starts[subjects[0].name])
        print(f"start to tray ready (median of {args.runs})")
        for name, values in starts.items():
            m = statistics.median(values)
            print(f"  {name:<26} {m * 1000:7.1f} ms  {m / base:5.2f}×   goal ≤ 1.25×")
        print("  then fully loaded (instance check, settings, library, hotkey listener; the panel is made"
              " on first show)")
        for name, values in fulls.items():
            m = statistics.median(values)
            print(f"  {name:<26} {m * 1000:7.1f} ms  {m / base:5.2f}×")

        print(f"hotkey press to panel mapped ({args.runs * 3} presses)")
        bare = Subject("bare", [sys.executable, "-c", BARE], desktop, {"BARE_HOTKEY": "1"})
        for subject, title in ((bare, "Bare panel"), *((s, "Wayguide") for s in subjects[1:])):
            process, _, home = subject.start()
            try:
                samples = hotkey_latencies(desktop, title, args.runs * 3)
            finally:
                Subject.stop(process, home)
            print(f"  {subject.name:<26} median {statistics.median(samples) * 1000:6.1f} ms   "
                  f"max {max(samples) * 1000:6.1f} ms   goal: median ≤ 16 ms")

        print(f"idle over {args.idle:g} s with the hotkey listener running")
        results = {}
        scheduled = Subject("wayguide, 10,000 reviews", [sys.executable, "-m", "app"], desktop, {},
                            seed=review_cards)
        quiet = Path(tempfile.mkdtemp(prefix="wg-bench-")) / "policy.yaml"
        quiet.write_text("library: {examples: false}\n")  # the expenses claim's nudge goes with them
        unnudged = Subject("wayguide, no nudge watched", [sys.executable, "-m", "app"], desktop,
                           {"WAYGUIDE_POLICY": str(quiet)})
        for subject in (bare, *subjects[1:], scheduled, unnudged):
            process, _, home = subject.start()
            try:
                time.sleep(2)
                before = cpu_seconds(process.pid)
                time.sleep(args.idle)
                cpu = (cpu_seconds(process.pid) - before) / args.idle
                results[subject.name] = (cpu, rss_kib(process.pid))
            finally:
                Subject.stop(process, home)
        base_rss = results["bare"][1]
        for name, (cpu, rss) in results.items():
            print(f"  {name:<26} CPU {cpu * 100:5.2f} % of a core (goal < 0.2 %)   "
                  f"RSS {rss / 1024:6.1f} MiB  {rss / base_rss:4.2f}× (goal ≤ 1.4×)")
    finally:
        desktop.stop()


def review_cards(data_dir: Path) -> None:
    """10,000 review cards (1,000 wizards, 10 questions each), scheduled: the app arms its review timer."""
    from app.learning.cards import DB_NAME, CardStore

    store = CardStore(data_dir / DB_NAME)
    for n in range(1_000):
        store.schedule_after_run(f"bench.task-{n}", [f"q{k}" for k in range(10)], time.time())


def _pair(started: tuple[subprocess.Popen[bytes], float, Path]) -> tuple[subprocess.Popen[bytes], Path]:
    return started[0], started[2]


if __name__ == "__main__":
    main()
