"""Builds the bundle and the .deb once per run, unpacked into a throwaway root."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.desktop.conftest import artifacts, desktop  # noqa: F401 - the same fixtures

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Installed:
    deb: Path
    root: Path
    """Where the .deb was unpacked (dpkg-deb -x): root/opt/wayguide, root/etc/wayguide..."""

    @property
    def program(self) -> Path:
        return self.root / "opt" / "wayguide" / "wayguide"


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    if shutil.which("dpkg-deb") is None:
        pytest.fail("dpkg-deb is missing: run scripts/setup")
    work = tmp_path_factory.mktemp("build")
    done = subprocess.run([str(ROOT / "packaging" / "build-deb"), "--work", str(work), "--out",
                           str(work / "dist")], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    deb = Path(done.stdout.strip().splitlines()[-1])
    root = work / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True, timeout=300)
    yield Installed(deb, root)
    shutil.rmtree(work, ignore_errors=True)
