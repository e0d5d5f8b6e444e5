"""Desktop tests run on a real X server that these fixtures start and stop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.xdesktop import Desktop, start_desktop

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture(scope="session")
def desktop() -> Iterator[Desktop]:
    desk = start_desktop()
    yield desk
    desk.stop()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
