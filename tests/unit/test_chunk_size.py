"""Chunks into a window that does not answer pings are sized by how fast the server delivers them."""

from __future__ import annotations

import pytest

from app.platform.x11_input import CHUNK_SERVER_S, UNPACED_CHUNK_CHARS, fitting_chunk

SMALLEST, LARGEST = UNPACED_CHUNK_CHARS


def test_a_busy_server_gets_smaller_chunks_so_that_stopping_stays_quick() -> None:
    """256 characters that took the server 36 ms (a loaded machine) would keep an Escape waiting that long."""
    size = fitting_chunk(256, 0.036, 256)
    assert size < 256
    assert size * 0.036 / 256 <= CHUNK_SERVER_S


def test_a_quick_server_gets_larger_chunks_but_at_most_twice_the_last() -> None:
    assert fitting_chunk(64, 0.001, 64) == 128
    assert fitting_chunk(200, 0.001, 200) == LARGEST


@pytest.mark.parametrize("took", [0.0, 1e-9, 10.0, float("inf")])
def test_the_size_stays_within_bounds_whatever_the_clock_says(took: float) -> None:
    assert SMALLEST <= fitting_chunk(100, took, 100) <= LARGEST
