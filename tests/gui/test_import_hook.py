"""PySide6's import hook keeps no module's source in the tray app's process, and still tells the modules
that use PySide6 from those that do not. Checked in fresh interpreters: the test process has imported
everything long ago."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, linecache, sys
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "lightly":
    from app.runtime.import_hook import import_pyside_keeping_no_sources
    assert import_pyside_keeping_no_sources()
else:
    import PySide6.QtCore
import uses_qt, plain
feature = sys.modules["shibokensupport.feature"]
print(json.dumps({
    "kept": sorted(name for name in linecache.cache if name.startswith(sys.argv[1])),
    "flags": [feature.pyside_feature_dict.get(name) for name in ("uses_qt", "plain")],
}))
"""


def probe(tmp_path: Path, how: str) -> dict[str, list[object]]:
    (tmp_path / "uses_qt.py").write_text("from PySide6.QtCore import QObject\n" * 200)
    (tmp_path / "plain.py").write_text("VALUE = 1\n" * 200)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path), how], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    result: dict[str, list[object]] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("how", ["as PySide6 does", "lightly"])
def test_modules_that_use_pyside_are_told_apart_either_way(tmp_path: Path, how: str) -> None:
    assert probe(tmp_path, how)["flags"] == [0, -1]  # 0: may switch features; -1: ignored


def test_the_source_of_modules_imported_after_pyside_is_not_kept(tmp_path: Path) -> None:
    assert probe(tmp_path, "as PySide6 does")["kept"]  # what this guards against (~5 MiB in the tray app)
    assert probe(tmp_path, "lightly")["kept"] == []
