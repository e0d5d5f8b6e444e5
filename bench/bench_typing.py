"""Typing benchmark: Wayguide's XTEST injector (raw, and with the black-box guards) and `xdotool type`, into
xterm, mousepad and LibreOffice Calc.

Run: .venv/bin/python bench/bench_typing.py [--runs 20] [--xdotool-runs 3] [--chars 2000] [--calc-runs 20]
    [--only xterm,mousepad,calc]
Each run opens a fresh window, types the same text and times until it has fully arrived: into xterm and
mousepad a mixed text (ASCII, accented Latin, €, —, CJK, newlines; xterm runs `cat > FILE`, mousepad saves
FILE on ctrl+s; FILE is polled until it equals the text), into Calc (X11 backend, a fresh spreadsheet) a
table typed cell by cell through Tab and Return, with doubled letters and digits, non-ASCII and numbers,
saved with ctrl+s and read back until the cells equal the table. A run whose output stops changing without
matching counts as not exact. The typists take turns run by run, so a machine getting busier slows them
alike; the guarded rows end with their speed as a fraction of the raw injector's in the same run.
Every keymap change makes each X client reload its keymap: the window manager's CPU time from typing until
it is idle again is reported too, and each run starts with it idle.
"""

from __future__ import annotations

import argparse
import itertools
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

from app.platform.x11_input import X11Injector  # noqa: E402
from app.platform.x11_keys import keysym_for  # noqa: E402
from tests.desktop.calc import ROWS, cells, make_ods, start_calc, stop_calc, typed_text  # noqa: E402
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
CALC_QUIET_S = 10.0
"""The same for Calc, whose file changes only once saved, after it has worked through every key."""
XDOTOOL_DEFAULT_DELAY_MS = 12

Typist = Callable[[str, bool], None]
"""Types the text, then presses ctrl+s when asked to save."""
Opener = Callable[[Desktop, Path], Callable[[], None]]
"""Opens a fresh window on FILE and puts it in front; returns how to close it."""


@dataclass(frozen=True)
class Target:
    name: str
    opener: Opener
    text: str
    expected: object
    """What `read(FILE)` gives once the text has fully arrived."""
    read: Callable[[Path], object]
    save: bool
    quiet: float = QUIET_S


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


def ending(process: subprocess.Popen[bytes]) -> Callable[[], None]:
    def end() -> None:
        process.terminate()
        process.wait(10)
    return end


def open_xterm(desktop: Desktop, path: Path) -> Callable[[], None]:
    title = f"bench-{path.stem}"
    process = desktop.spawn(["xterm", "-title", title, "-e", "sh", "-c", 'cat > "$0"', str(path)],
                            env={**desktop.env, "LC_ALL": "C.UTF-8"})
    focus(desktop, desktop.wait_window(name=f"^{title}$", timeout=20))
    return ending(process)


def open_mousepad(desktop: Desktop, path: Path) -> Callable[[], None]:
    process = desktop.spawn(["mousepad", "--disable-server", str(path)])
    focus(desktop, desktop.wait_window(name=f"/{path.name} - Mousepad$", timeout=20))
    return ending(process)


def open_calc(desktop: Desktop, path: Path) -> Callable[[], None]:
    """Calc on a new, empty spreadsheet FILE (one profile for the whole run, made by a warm-up start)."""
    process, _ = start_calc(desktop, make_ods(path), path.parent / "calc-profile")
    return lambda: stop_calc(process)


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


def file_bytes(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def arrival(target: Target, path: Path) -> tuple[bool, float]:
    """(True, when) once `path` holds what is expected; (False, last change) once it stops changing short
    of it."""
    last, changed = target.read(path), time.perf_counter()
    while True:
        now = time.perf_counter()
        content = target.read(path)
        if content == target.expected:
            return True, now
        if content != last:
            last, changed = content, now
        elif now - changed > target.quiet:
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


def measure(desktop: Desktop, wm: int, target: Target, typist: Typist, path: Path) -> Run:
    close = target.opener(desktop, path)
    try:
        wm_before = idle_cpu(wm)
        started = time.perf_counter()
        typist(target.text, target.save)
        sent = time.perf_counter() - started
        exact, arrived = arrival(target, path)
        return Run(exact, arrived - started, sent, idle_cpu(wm) - wm_before)
    finally:
        close()


def median_rate(runs: list[Run], chars: int) -> float:
    """Median chars/s until fully arrived, over the exact runs (0 when none was)."""
    exact = [chars / r.seconds for r in runs if r.exact]
    return statistics.median(exact) if exact else 0.0


def row(target: str, typist: str, runs: list[Run], chars: int, raw: list[Run] | None = None) -> str:
    exact = [r for r in runs if r.exact]
    sent = statistics.median(r.sent for r in runs) * 1000
    wm_cpu = statistics.median(r.wm_cpu for r in runs)
    if exact:
        rates = [chars / r.seconds for r in exact]
        speed = f"{statistics.median(rates):>8,.0f}  ({min(rates):,.0f}–{max(rates):,.0f})"
    else:
        settled = statistics.median(chars / r.seconds for r in runs)
        speed = f"       —  (output settled at ~{settled:,.0f}/s, wrong)"
    ratio = ""
    if raw is not None and median_rate(raw, chars):
        ratio = f"  {median_rate(runs, chars) / median_rate(raw, chars):.2f}x raw"
    return (f"{target:<9} {typist:<28} {len(exact):>2}/{len(runs):<3} {speed:<42} {sent:>8,.0f} ms "
            f"{wm_cpu:>8.2f} s{ratio}")


def not_on_keymap(injector: X11Injector, text: str) -> int:
    on_keymap = {keysym for row in injector.keymap_snapshot() for keysym in row[:2]}
    return len({keysym_for(char) for char in text} - on_keymap)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--xdotool-runs", type=int, default=3,
                        help="runs of each `xdotool type` row into xterm and mousepad (~20 s each, openbox "
                             "busy ~15 s after each), and of `xdotool type --delay 0` into Calc")
    parser.add_argument("--chars", type=int, default=2000)
    parser.add_argument("--calc-runs", type=int, default=20,
                        help="runs of each Calc row but `xdotool type --delay 0` (seconds each: Calc starts)")
    parser.add_argument("--only", default="xterm,mousepad,calc", help="the targets, comma-separated")
    args = parser.parse_args()
    text = mixed_text(args.chars)
    began = time.perf_counter()
    desktop = start_desktop()
    injector = X11Injector(desktop.display)
    work = Path(tempfile.mkdtemp(prefix="wg-typing-"))
    try:
        keymap, wm = injector.keymap_snapshot(), openbox_pid(desktop)
        table = typed_text()
        print(f"xterm, mousepad: {len(text):,} characters, {text.count(chr(10))} lines, "
              f"{not_on_keymap(injector, text)} distinct characters not on the keymap; Calc: {len(ROWS)}x"
              f"{len(ROWS[0])} cells, {len(table)} characters typed, {doubled(table)} doubled; "
              "Xvfb + openbox")
        targets = [
            Target("xterm", open_xterm, text, text.encode(), file_bytes, False),
            Target("mousepad", open_mousepad, text, text.encode(), file_bytes, True),
            Target("calc", open_calc, table, ROWS, cells, True, CALC_QUIET_S),
        ]
        chosen = args.only.split(",")
        print(f"{'target':<9} {'typist':<28} {'exact':<6} {'chars/s until fully arrived (min–max)':<42} "
              "returned   openbox CPU  keymap kept")
        for target in (t for t in targets if t.name in chosen):
            calc = target.name == "calc"
            if calc:
                open_calc(desktop, work / "warm-up.ods")()  # makes the profile: a first start is slower
            runs = args.calc_runs if calc else args.runs
            typists = [
                ("wayguide X11Injector", wayguide(injector), runs),
                ("wayguide, black-box guards", guarded(desktop, injector), runs),
                (f"xdotool type (default {XDOTOOL_DEFAULT_DELAY_MS} ms)",
                 xdotool(desktop, XDOTOOL_DEFAULT_DELAY_MS), args.calc_runs if calc else args.xdotool_runs),
                ("xdotool type --delay 0", xdotool(desktop, 0), args.xdotool_runs),
            ]
            results: list[list[Run]] = [[] for _ in typists]
            for n in range(max(count for _, _, count in typists)):  # in turns: load slows all alike
                for index, (_, typist, count) in enumerate(typists):
                    if n < count:
                        results[index].append(measure(desktop, wm, target, typist,
                                                      work / f"{target.name}-{index}-{n}{suffix(target)}"))
            kept = injector.keymap_snapshot() == keymap
            for index, (name, _, count) in enumerate(typists):
                if count:
                    raw = results[0] if index == 1 and typists[0][2] else None
                    print(f"{row(target.name, name, results[index], len(target.text), raw)}  "
                          f"{'yes' if kept else 'NO'}", flush=True)
        print(f"medians; 'returned': until the typist returned; 'openbox CPU': per run, until idle again; "
              f"'x raw': the guarded row's median speed over the raw row's, runs taken in turns. Rows of "
              f"xdotool into xterm and mousepad ran {args.xdotool_runs} times (slow; it keeps openbox busy "
              f"~15 s a run); total {time.perf_counter() - began:.0f} s")
    finally:
        injector.close()
        desktop.stop()
        shutil.rmtree(work, ignore_errors=True)


def suffix(target: Target) -> str:
    return ".ods" if target.name == "calc" else ".txt"


def doubled(text: str) -> int:
    """How many characters repeat the one before (each a key pressed right after its own release)."""
    return sum(1 for before, after in itertools.pairwise(text) if before == after)


if __name__ == "__main__":
    main()
