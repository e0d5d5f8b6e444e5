"""Tests drive the runtime through its seams (constructor collaborators, public parts), never through
its private attributes: a rename inside a part must not break a test that means something else."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = re.compile(r"\b(wayguide|app|tray_app|application)\.(\w+\.)*_[a-z]\w*")
"""A runtime object (as the tests name it) and a private attribute on it or on one of its parts."""


def test_no_test_reads_or_assigns_a_private_attribute_of_the_runtime() -> None:
    found = []
    for path in (ROOT / "tests").rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in RUNTIME.finditer(line):
                if not match.group(0).startswith("app.paths."):  # a module's function, monkeypatched by name
                    found.append(f"{path.relative_to(ROOT)}:{n}: {match.group(0)}")
    assert found == []
