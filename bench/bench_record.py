"""The recorder's capture CPU on a real X desktop: a child process runs X11Capture while xdotool demonstrates
a task in mousepad at a human pace (keys, typed text, menu clicks, a dialog), beside the same child idle (the
capture not started) during the same demonstration, in the same run. Target: < 1 % of a core.

Run: .venv/bin/python bench/bench_record.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.desktop.xdesktop import Desktop, start_desktop  # noqa: E402

CHILD = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, sys.argv[1])
    capture = None
    if sys.argv[2] == "capture":
        from app.platform.x11_capture import X11Capture
        count = [0]
        capture = X11Capture()
        capture.start(lambda event: count.__setitem__(0, count[0] + 1))
    print("ready", flush=True)
    sys.stdin.readline()
    before = os.times()
    print("go", flush=True)
    sys.stdin.readline()
    after = os.times()
    if capture is not None:
        capture.stop()
    used = (after.user - before.user) + (after.system - before.system)
    print(f"{used:.4f} {count[0] if capture is not None else 0}", flush=True)
""")


class Child:
    def __init__(self, desktop: Desktop, mode: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), mode], env=desktop.env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None and self.process.stdin is not None
        assert self.process.stdout.readline().strip() == "ready"

    def tell(self) -> str:
        assert self.process.stdout is not None and self.process.stdin is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()


def demonstrate(desktop: Desktop, seconds: float, handle: int) -> int:
    """Keys, text and clicks at a human pace for `seconds`; returns the number of actions."""
    actions = 0
    end = time.monotonic() + seconds
    geometry = desktop.run(["xdotool", "getwindowgeometry", "--shell", str(handle)]).stdout
    values = dict(line.split("=") for line in geometry.split())
    x, y, width, height = (int(values[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
    while time.monotonic() < end:
        desktop.run(["xdotool", "type", "--delay", "120", "Grüße, Zoë — 10 € "])
        desktop.key("Return")
        desktop.run(["xdotool", "mousemove", str(x + width // 2), str(y + height // 2), "click", "1"])
        desktop.run(["xdotool", "mousemove", str(x + 20), str(y + 12), "click", "1"])  # the File menu
        time.sleep(0.8)
        desktop.key("Escape")
        desktop.key("ctrl+Home")
        actions += 5
        time.sleep(1.0)
    return actions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    desktop = start_desktop(accessibility=True)
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = desktop.bus
    try:
        home = tempfile.mkdtemp(prefix="wg-bench-record-")
        desktop.spawn(["mousepad", "--disable-server"], env={**desktop.env, "HOME": home}, cwd=home)
        handle = desktop.wait_window(name="Mousepad$")
        desktop.activate(handle)
        idle, capture = Child(desktop, "idle"), Child(desktop, "capture")
        for child in (idle, capture):
            assert child.tell() == "go"
        started = time.monotonic()
        actions = demonstrate(desktop, args.seconds, handle)
        took = time.monotonic() - started
        idle_cpu = float(idle.tell().split()[0])
        capture_cpu, events = capture.tell().split()
        for child in (idle, capture):
            child.process.wait(10)
        print(f"demonstration: {took:.1f} s, {actions} actions (keys, text, clicks, a menu)")
        used = float(capture_cpu)
        print(f"idle child (capture not started): {idle_cpu:.3f} s CPU = {100 * idle_cpu / took:.2f} % of a "
              "core")
        print(f"capturing child: {used:.3f} s CPU = {100 * used / took:.2f} % of a core, {events} events "
              "reported (target < 1 %)")
    finally:
        desktop.stop()


if __name__ == "__main__":
    main()
