"""Typing benchmark: Wayguide's XTEST injector and `xdotool type`, into xterm and mousepad.

Run: .venv/bin/python bench/bench_typing.py [--runs 20] [--xdotool-runs 3] [--chars 2000]
Each run opens a fresh window, types the same mixed text (ASCII, accented Latin, €, —, CJK, newlines) and
times until the text has fully arrived: xterm runs `cat > FILE`, mousepad saves FILE on ctrl+s; FILE is
polled until it equals the text. A run whose output stops changing without matching counts as not exact.
Every keymap change makes each X client reload its keymap: the window manager's CPU time from typing until
it is idle again is reported too, and each run starts with it idle.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.platform.x11_input import X11Injector, keysym_for  # noqa: E402
from tests.desktop.xdesktop import Desktop, start_desktop, wait_for  # noqa: E402

WORDS = {
    "ascii": "invoice customer total amount due order ref (net) #42 x=1; Hello, pay-as-you-go 2024-05-01 "
             "OK! [draft] {id} 'quoted' \"double\" a/b 50% user@example.com".split(),
    "latin": "Grüße Straße café naïve Ärger Öl Übersicht señor façade crème déjà Ålesund Øre".split(),
    "money": ["€12,50", "€ 99", "1.234,56 €", "—"],
    "cjk": ["日本", "東京", "会社", "請求書", "金額", "大阪"],
}
WEIGHTS = {"ascii": 0.6, "latin": 0.2, "money": 0.1, "cjk": 0.1}
QUIET_S = 2.0
"""A run's output that has not changed for this long, without matching, is taken as final."""
XDOTOOL_DEFAULT_DELAY_MS = 12

Typist = Callable[[str, bool], None]
"""Types the text, then presses ctrl+s when asked to save."""
Opener = Callable[[Desktop, Path], subprocess.Popen[bytes]]


@dataclass(frozen=True)
class Run:
    exact: bool
    seconds: float
    """Until the output equalled the text, or (not exact) until it last changed."""
    sent: float
    """Until the typist returned."""
    wm_cpu: float
    """CPU seconds the window manager spent from typing until it was idle again."""


def mixed_text(chars: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    parts: list[str] = []
    while sum(map(len, parts)) < chars:
        parts.append(rng.choice(WORDS[rng.choices(kinds, weights)[0]]))
        parts.append("\n" if rng.random() < 0.1 else " ")
    return "".join(parts)[:chars - 1].rstrip(" ") + "\n"


def focus(desktop: Desktop, window: int) -> None:
    desktop.activate(window)
    wait_for(lambda: desktop.active_window() == window, 10, "the window to be active")


def open_xterm(desktop: Desktop, path: Path) -> subprocess.Popen[bytes]:
    title = f"bench-{path.stem}"
    process = desktop.spawn(["xterm", "-title", title, "-e", "sh", "-c", 'cat > "$0"', str(path)],
                            env={**desktop.env, "LC_ALL": "C.UTF-8"})
    focus(desktop, desktop.wait_window(name=f"^{title}$", timeout=20))
    return process


def open_mousepad(desktop: Desktop, path: Path) -> subprocess.Popen[bytes]:
    process = desktop.spawn(["mousepad", "--disable-server", str(path)])
    focus(desktop, desktop.wait_window(name=f"/{path.name} - Mousepad$", timeout=20))
    return process


def wayguide(injector: X11Injector) -> Typist:
    def type_text(text: str, save: bool) -> None:
        injector.type_text(text)
        if save:
            injector.press_keys("ctrl+s")
    return type_text


def guarded(desktop: Desktop, injector: X11Injector) -> Typist:
    """As a black-box run types: only while the window in front keeps the focus (one check per character),
    with a stop check per character, and a ping every BARRIER_CHARS into windows that answer pings."""
    def type_text(text: str, save: bool) -> None:
        window = desktop.active_window()
        injector.type_text(text, window, lambda: True)
        if save:
            injector.press_keys("ctrl+s", window)
    return type_text


def xdotool(desktop: Desktop, delay_ms: int) -> Typist:
    def type_text(text: str, save: bool) -> None:
        desktop.run(["xdotool", "type", "--delay", str(delay_ms), "--file", "-"], input=text, check=True,
                    timeout=300)
        if save:
            desktop.run(["xdotool", "key", "ctrl+s"], check=True)
    return type_text


def arrival(path: Path, expected: bytes) -> tuple[bool, float]:
    """(True, when) once `path` holds `expected`; (False, last change) once it stops changing short of it."""
    last, changed = b"", time.perf_counter()
    while True:
        now = time.perf_counter()
        content = path.read_bytes() if path.exists() else b""
        if content == expected:
            return True, now
        if content != last:
            last, changed = content, now
        elif now - changed > QUIET_S:
            return False, changed
        time.sleep(0.001)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(pid: int, quiet: float = 0.3) -> float:
    """The process's CPU seconds, once they have stopped growing for `quiet` seconds."""
    last = cpu_seconds(pid)
    while True:
        time.sleep(quiet)
        now = cpu_seconds(pid)
        if now == last:
            return now
        last = now


def openbox_pid(desktop: Desktop) -> int:
    return next(p.pid for p in desktop.processes if p.poll() is None
                and Path(f"/proc/{p.pid}/comm").read_text().strip() == "openbox")


def measure(desktop: Desktop, wm: int, opener: Opener, typist: Typist, text: str, path: Path) -> Run:
    process = opener(desktop, path)
    try:
        wm_before = idle_cpu(wm)
        started = time.perf_counter()
        typist(text, opener is open_mousepad)
        sent = time.perf_counter() - started
        exact, arrived = arrival(path, text.encode())
        return Run(exact, arrived - started, sent, idle_cpu(wm) - wm_before)
    finally:
        process.terminate()
        process.wait(10)


def row(target: str, typist: str, runs: list[Run], chars: int) -> str:
    exact = [r for r in runs if r.exact]
    sent = statistics.median(r.sent for r in runs) * 1000
    wm_cpu = statistics.median(r.wm_cpu for r in runs)
    if exact:
        rates = [chars / r.seconds for r in exact]
        speed = f"{statistics.median(rates):>8,.0f}  ({min(rates):,.0f}–{max(rates):,.0f})"
    else:
        settled = statistics.median(chars / r.seconds for r in runs)
        speed = f"       —  (output settled at ~{settled:,.0f}/s, wrong)"
    return (f"{target:<9} {typist:<28} {len(exact):>2}/{len(runs):<3} {speed:<42} {sent:>8,.0f} ms "
            f"{wm_cpu:>8.2f} s")


def not_on_keymap(injector: X11Injector, text: str) -> int:
    on_keymap = {keysym for row in injector.keymap_snapshot() for keysym in row[:2]}
    return len({keysym_for(char) for char in text} - on_keymap)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--xdotool-runs", type=int, default=3,
                        help="runs of each `xdotool type` row (~20 s each, openbox busy ~15 s after each)")
    parser.add_argument("--chars", type=int, default=2000)
    args = parser.parse_args()
    text = mixed_text(args.chars)
    began = time.perf_counter()
    desktop = start_desktop()
    injector = X11Injector(desktop.display)
    work = Path(tempfile.mkdtemp(prefix="wg-typing-"))
    try:
        keymap, wm = injector.keymap_snapshot(), openbox_pid(desktop)
        print(f"{len(text):,} characters, {text.count(chr(10))} lines, "
              f"{not_on_keymap(injector, text)} distinct characters not on the keymap; Xvfb + openbox")
        typists = [
            ("wayguide X11Injector", wayguide(injector), args.runs),
            ("wayguide, black-box guards", guarded(desktop, injector), args.runs),
            (f"xdotool type (default {XDOTOOL_DEFAULT_DELAY_MS} ms)",
             xdotool(desktop, XDOTOOL_DEFAULT_DELAY_MS), args.xdotool_runs),
            ("xdotool type --delay 0", xdotool(desktop, 0), args.xdotool_runs),
        ]
        print(f"{'target':<9} {'typist':<28} {'exact':<6} {'chars/s until fully arrived (min–max)':<42} "
              "returned   openbox CPU  keymap kept")
        for target, opener in (("xterm", open_xterm), ("mousepad", open_mousepad)):
            for index, (name, typist, runs) in enumerate(typists):
                if not runs:
                    continue
                results = [measure(desktop, wm, opener, typist, text, work / f"{target}-{index}-{n}.txt")
                           for n in range(runs)]
                kept = injector.keymap_snapshot() == keymap
                print(f"{row(target, name, results, len(text))}  {'yes' if kept else 'NO'}", flush=True)
        print(f"medians; 'returned': until the typist returned; 'openbox CPU': per run, until idle again. "
              f"xdotool ran {args.xdotool_runs} times per row instead of {args.runs} (slow; it keeps openbox "
              f"busy ~15 s a run); total {time.perf_counter() - began:.0f} s")
    finally:
        injector.close()
        desktop.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
