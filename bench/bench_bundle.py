"""Bundle benchmark: size of the onedir bundle and the .deb, and the frozen app's start to tray ready,
each beside a baseline measured in the same run.

Run: .venv/bin/python bench/bench_bundle.py [--runs 10]
Sizes: Wayguide's bundle (build.spec) beside a bare PySide6 tray app bundled by the same spec (same
Qt trimming); the .deb beside both bundles compressed the same way (tar | xz -6).
Start: process start to tray ready (WAYGUIDE_READY_FILE, as bench/bench_app.py) of the frozen app
beside the unfrozen one (python -m app), interleaved on one virtual desktop.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_app import BARE, Subject, interleaved  # noqa: E402
from tests.desktop.xdesktop import start_desktop  # noqa: E402

OUT = ROOT / "bench" / "out" / "bundle"
MB = 1_000_000


def build(name: str, extra_env: dict[str, str]) -> Path:
    dist, work = OUT / "dist", OUT / f"work-{name}"
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR",
                    "--distpath", str(dist), "--workpath", str(work), str(ROOT / "build.spec")],
                   check=True, env={**os.environ, **extra_env}, stdout=subprocess.DEVNULL)
    return dist / name


def size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*"))


def xz_size(path: Path) -> int:
    tar = subprocess.Popen(["tar", "-C", str(path.parent), "-cf", "-", path.name], stdout=subprocess.PIPE)
    packed = subprocess.run(["xz", "-6", "-T2", "-c"], stdin=tar.stdout, capture_output=True, check=True)
    tar.wait()
    return len(packed.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    bare_script = OUT / "bare_tray.py"
    bare_script.write_text(BARE)
    bare = build("bare-tray", {"WAYGUIDE_BARE_SCRIPT": str(bare_script)})
    wayguide = build("wayguide", {})
    done = subprocess.run([str(ROOT / "packaging" / "build-deb"), "--bundle", str(wayguide), "--work",
                           str(OUT / "deb-work"), "--out", str(OUT)], check=True, capture_output=True,
                          text=True)
    deb = Path(done.stdout.strip().splitlines()[-1])

    base = size(bare)
    print("onedir bundle (apparent size of every file)")
    rows = (("bare PySide6 tray app", base, ""), ("wayguide", size(wayguide), "goal ≤ 110 MB"))
    for name, value, goal in rows:
        print(f"  {name:<26} {value / MB:7.1f} MB  {value / base:5.2f}×   {goal}")
    bare_xz = xz_size(bare)
    print("compressed (tar | xz -6) and the .deb (dpkg-deb -Zxz)")
    print(f"  {'bare PySide6 tray app':<26} {bare_xz / MB:7.1f} MB  {1:5.2f}×")
    packed = xz_size(wayguide)
    print(f"  {'wayguide':<26} {packed / MB:7.1f} MB  {packed / bare_xz:5.2f}×")
    print(f"  {deb.name:<26} {deb.stat().st_size / MB:7.1f} MB  {deb.stat().st_size / bare_xz:5.2f}×"
          "   goal ≤ 45 MB")

    desktop = start_desktop()
    try:
        cache = Path(tempfile.mkdtemp(prefix="wg-bench-cache-"))
        subjects = [
            Subject("wayguide (python -m app)", [sys.executable, "-m", "app"], desktop,
                    {"WAYGUIDE_CACHE_DIR": str(cache / "source")}),
            Subject("wayguide (frozen)", [str(wayguide / "wayguide")], desktop,
                    {"WAYGUIDE_CACHE_DIR": str(cache / "frozen")}),
            Subject("bare (python)", [sys.executable, "-c", BARE], desktop, {}),
            Subject("bare (frozen)", [str(bare / "bare-tray")], desktop, {}),
        ]
        for subject in subjects[:2]:  # fills each library cache once, as a second login would find it
            process, _, home = subject.start()
            Subject.stop(process, home)
        starts, fulls = interleaved(subjects, args.runs)
        print(f"start to tray ready (median of {args.runs}; warm file cache)")
        for pair in ((subjects[0], subjects[1]), (subjects[2], subjects[3])):
            base_start = statistics.median(starts[pair[0].name])
            for subject in pair:
                m = statistics.median(starts[subject.name])
                goal = "   goal ≤ 1.10×" if subject is subjects[1] else ""
                print(f"  {subject.name:<26} {m * 1000:7.1f} ms  {m / base_start:5.2f}×{goal}")
        print("  then fully loaded (instance check, settings, policy, library, hotkey listener)")
        base_full = statistics.median(fulls[subjects[0].name])
        for subject in subjects[:2]:
            m = statistics.median(fulls[subject.name])
            print(f"  {subject.name:<26} {m * 1000:7.1f} ms  {m / base_full:5.2f}×")
    finally:
        desktop.stop()


if __name__ == "__main__":
    main()
