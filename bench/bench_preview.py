"""Preview benchmark: from a wizard file being saved (as editors do: a new file renamed over it) to the panel
showing the new version, over N saves (target: ≤ 200 ms).

Run: .venv/bin/python bench/bench_preview.py [N]
The figure is printed beside a baseline measured in the same run, for the same saves: the bare
QFileSystemWatcher notification (the folder watched), i.e. what the OS and Qt take before Wayguide starts.
"The panel showing it" is the panel's header carrying the new title, the steps listed and the panel painted
(a synchronous repaint), offscreen.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QFileSystemWatcher, QTimer
from PySide6.QtWidgets import QApplication

from app.runtime.preview import SETTLE_MS

STEP = """\
  - id: step-{n}
    title: Step {n} of the claim
    explain: |
      Type the amount into **Amount** and check the receipt date ({{{{ inputs.amount }}}}).
    why: Claims filed within 30 days are paid with the next run.
    target: {{element: {{role: push button, name: "Save"}}}}
    do:
      - focus: {{app: mousepad}}
      - keys: ctrl+s
      - wait: {{title: "Save As*", timeout: 5}}
    until: {{active: {{title: "*Mousepad"}}}}
"""


def wizard(title: str, steps: int) -> str:
    return ("wayguide: 1\nid: bench.preview\ntitle: " + title
            + "\nwhen: [{app: mousepad}]\nmodes: [glass, black]\n"
            "inputs:\n  - {name: amount, label: Amount, type: number}\nsteps:\n"
            + "".join(STEP.format(n=n) for n in range(steps)))


def save_by_rename(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def measure(app: object, folder: Path, steps: int, saves: int) -> tuple[list[float], list[float]]:
    from app.runtime.tray_app import TrayApp

    assert isinstance(app, TrayApp)
    path = folder / f"draft-{steps}.yaml"
    path.write_text(wizard("Version 0", steps))
    assert app.preview.open(path) is None
    panel = app.panel
    assert panel is not None
    bare = QFileSystemWatcher([str(folder)])
    shown: list[float] = []
    noticed: list[float] = []
    written: list[float] = []
    loop = QEventLoop()

    def on_notice(_path: str) -> None:
        if len(noticed) < len(written):
            noticed.append(time.perf_counter())

    def on_shown() -> None:
        expected = f"Version {len(written)}"
        listed = len(panel.preview.step_texts()) == steps
        if panel.title() == expected and listed and len(shown) < len(written):
            panel.repaint()
            shown.append(time.perf_counter())
            if len(written) < saves:
                QTimer.singleShot(100, write)  # well apart: every save is one save
            else:
                loop.quit()

    def write() -> None:
        written.append(time.perf_counter())
        save_by_rename(path, wizard(f"Version {len(written)}", steps))

    bare.directoryChanged.connect(on_notice)
    app.preview.shown.connect(on_shown)
    QTimer.singleShot(100, write)
    QTimer.singleShot(max(30_000, saves * 2_000), loop.quit)
    loop.exec()
    app.preview.shown.disconnect(on_shown)
    app.preview.close()
    n = min(len(shown), len(noticed))
    return ([(shown[i] - written[i]) * 1000 for i in range(n)],
            [(noticed[i] - written[i]) * 1000 for i in range(n)])


def _figures(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms   max {ordered[-1]:6.1f} ms"


def main() -> int:
    saves = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    home = Path(tempfile.mkdtemp(prefix="wg-bench-preview-"))
    env = {"WAYGUIDE_CONFIG_DIR": home / "config", "WAYGUIDE_DATA_DIR": home / "data",
           "WAYGUIDE_CACHE_DIR": home / "cache", "WAYGUIDE_RUNTIME_DIR": home / "run",
           "WAYGUIDE_WIZARDS": home / "mine", "WAYGUIDE_POLICY": home / "policy.yaml"}
    for name, value in env.items():
        os.environ[name] = str(value)
    os.environ.pop("DISPLAY", None)
    (home / "mine").mkdir()
    (home / "drafts").mkdir()
    qapp = QApplication([])
    from app.paths import Paths
    from app.ports import FakeAutomation, FakeWindowProbe
    from app.runtime.tray_app import TrayApp

    app = TrayApp(qapp, Paths.from_env(), start_hotkey=False, probes=lambda: FakeWindowProbe(),
                  automation=FakeAutomation())
    try:
        assert app.finish_startup()
        print(f"Preview: a save (new file renamed over the old) until the panel shows it; {saves} saves each")
        for steps in (10, 100):
            size = len(wizard("Version 0", steps).encode())
            shown, noticed = measure(app, home / "drafts", steps, saves)
            print(f"  {steps:3d}-step wizard ({size // 1024:3d} KiB), n={len(shown)}")
            print(f"    panel shows the save     {_figures(shown)}")
            print(f"    baseline: bare notice    {_figures(noticed)}")
            own = statistics.median(shown) - statistics.median(noticed)
            print(f"    Wayguide's own share     median {own:6.1f} ms "
                  f"(of which the settle wait for the rest of the save: {SETTLE_MS} ms)")
        print("  target: ≤ 200 ms")
    finally:
        app.quit()
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
