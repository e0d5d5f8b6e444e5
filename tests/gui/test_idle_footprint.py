"""The tray app waiting for its hotkey holds neither the wizard model nor pydantic: the library is
kept as cards, and the full model is made when a run starts. Checked in fresh interpreters.

This is what keeps idle memory near a bare PySide6 tray app (bench/bench_app.py: pydantic and the
model classes alone are ~25 MiB). Whatever start-up reads (settings, the admin policy, the library)
must be usable without them once it has been checked: keep a checked result by content digest, as
app/format/cache.py does for wizard files, and validate with pydantic only when the file changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

IDLE = """
import sys
from PySide6.QtWidgets import QApplication
from app.library.layers import Library
from app.paths import Paths
from app.library.relevance import relevant
from app.ports import WindowInfo
from app.policy.settings import load_settings
app = QApplication([])
settings, _ = load_settings(Paths.from_env().config_dir)
library = Library.from_paths(Paths.from_env())
cards = [entry.card for entry in library]
from overlays.panel import Panel
panel = Panel()
panel.show_home(cards, relevant(cards, WindowInfo(app="mousepad", title="Untitled")), "Mousepad",
                settings.hotkey)
panel.show()
app.processEvents()
heavy = sorted(m for m in ("pydantic", "app.format.model", "app.engine", "app.format.loader", "yaml",
                           "jinja2") if m in sys.modules)
print(len(cards), len(panel.home.list.task_rows()), heavy)
if sys.argv[1:] == ["run"]:
    wizard = library.get("mousepad.customer-letter").wizard
    print(wizard.steps[0].id, "pydantic" in sys.modules)
"""


def _run(tmp_path: Path, *args: str) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WAYGUIDE_CACHE_DIR": str(tmp_path / "cache"),
           "WAYGUIDE_CONFIG_DIR": str(tmp_path / "config"), "WAYGUIDE_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-c", IDLE, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_panel_shows_the_library_without_the_model(tmp_path: Path) -> None:
    first = _run(tmp_path)  # the first start checks every file: the loader is needed then
    assert "pydantic" in first
    count, rows, heavy = _run(tmp_path).split(" ", 2)
    assert int(count) >= 9 and int(rows) >= int(count)
    assert heavy.strip() == "[]"


def test_a_run_gets_the_full_model_from_the_cache(tmp_path: Path) -> None:
    _run(tmp_path)
    lines = _run(tmp_path, "run").splitlines()
    assert lines[0].endswith("[]") and lines[1] == "focus True"


STARTUP = """
import sys
from PySide6.QtWidgets import QApplication
from app.runtime.tray_app import TrayApp
from app.paths import Paths
app = QApplication([])
wayguide = TrayApp(app, Paths.from_env(), start_hotkey=False)
assert wayguide.finish_startup()
idle = sorted(m for m in HEAVY if m in sys.modules)
wayguide.panels.show_home()  # what the first hotkey press shows, before the warm-up thread
shown = sorted(m for m in HEAVY if m in sys.modules)
print(len(list(wayguide.library)), idle, shown)
wayguide.quit()
""".replace("HEAVY", repr(("pydantic", "app.format.model", "app.engine", "app.format.loader", "jinja2",
                            "fsrs")))  # spaced review loads its scheduler only to answer a question

POLICY = """\
settings: {hotkey: ctrl+alt+g, theme: dark}
locked: [hotkey]
modes: [glass]
usage: {enabled: true}
"""


@pytest.mark.parametrize("policy", [None, POLICY], ids=["no policy", "a policy"])
def test_the_started_app_waits_without_them(tmp_path: Path, policy: str | None) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WAYGUIDE_CACHE_DIR": str(tmp_path / "cache"),
           "WAYGUIDE_CONFIG_DIR": str(tmp_path / "config"), "WAYGUIDE_DATA_DIR": str(tmp_path / "data"),
           "WAYGUIDE_RUNTIME_DIR": str(tmp_path / "run"), "WAYGUIDE_POLICY": str(tmp_path / "policy.yaml")}
    env.pop("DISPLAY", None)
    if policy is not None:
        (tmp_path / "policy.yaml").write_text(policy)
    outputs = []
    for _ in range(2):  # the first start checks every file; the second finds them checked
        done = subprocess.run([sys.executable, "-c", STARTUP], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout.strip())
    count, rest = outputs[1].split(" ", 1)
    assert int(count) >= 9 and rest == "[] []", outputs
