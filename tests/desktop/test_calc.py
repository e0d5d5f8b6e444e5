"""Typing into LibreOffice Calc (its X11 backend): cells filled through Tab and Return arrive exactly,
repeated characters included ("ll", "00", "1000"), which Calc used to take for auto-repeat and drop."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.platform.x11_input import X11Injector
from tests.desktop.calc import ROWS, START_TIMEOUT_S, cells, make_ods, start_calc, stop_calc, typed_text
from tests.desktop.xdesktop import Desktop

pytestmark = pytest.mark.calc


@pytest.fixture
def injector(desktop: Desktop) -> Iterator[X11Injector]:
    typist = X11Injector(desktop.display)
    yield typist
    typist.close()


Cells = tuple[tuple[str, ...], ...]


def saved_cells(path: Path, expected: Cells, timeout: float) -> Cells:
    """The cells of `path` once they equal `expected`, or once the saved file stops changing short of it."""
    deadline, last, settled = time.monotonic() + timeout, (), 0.0
    while True:
        now, found = time.monotonic(), cells(path)
        if found == expected or now > deadline or (found and found == last and now - settled > 2):
            return found
        if found != last:
            last, settled = found, now
        time.sleep(0.05)


@pytest.mark.parametrize("guarded", [False, True], ids=["raw", "black-box guards"])
def test_cells_typed_into_calc_through_tab_and_return_arrive_exactly(
        desktop: Desktop, injector: X11Injector, tmp_path: Path, guarded: bool) -> None:
    sheet = make_ods(tmp_path / "sheet.ods")
    calc, window = start_calc(desktop, sheet, tmp_path / "profile")
    try:
        text = typed_text()
        assert injector.type_text(text, window if guarded else 0, (lambda: True) if guarded else None) \
            == len(text)
        saved = sheet.stat().st_mtime_ns
        assert injector.press_keys("ctrl+s", window if guarded else 0)
        # was: 'a b 1 l s 0 … 10', 'Müler', 'Straße 1' in the first row
        assert saved_cells(sheet, ROWS, START_TIMEOUT_S) == ROWS
        assert sheet.stat().st_mtime_ns != saved
    finally:
        stop_calc(calc)
