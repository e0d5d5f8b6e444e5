"""Cyclic garbage holding Qt objects is collected on the GUI thread, never on a worker thread that
happens to allocate (app/runtime/collector.py)."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app.runtime.collector import MainThreadCollector, collect_due


@pytest.fixture
def automatic_gc() -> Iterator[None]:
    """The interpreter as it starts: automatic collection on (the test session turns it off)."""
    gc.enable()
    yield
    gc.disable()


def _drop_a_cycle_holding_a_qobject() -> list[int]:
    """A QObject kept only by a reference cycle; the thread that finalizes it is written down."""
    gc.collect()  # counts from zero: the main thread's few allocations below trigger nothing
    finalized_on: list[int] = []
    holder: list[object] = [QObject()]
    holder.append(holder)
    weakref.finalize(holder[0], lambda: finalized_on.append(threading.get_ident()))
    del holder
    return finalized_on


def _allocate_cycles_on_a_worker() -> None:
    def churn() -> None:
        for _ in range(50_000):  # far beyond every generation's threshold
            cycle: list[object] = []
            cycle.append(cycle)

    worker = threading.Thread(target=churn)
    worker.start()
    worker.join()


def test_without_it_a_worker_thread_collects_gui_objects(automatic_gc: None) -> None:
    """The hazard, shown: the worker's allocations make the worker collect the QObject."""
    finalized_on = _drop_a_cycle_holding_a_qobject()
    _allocate_cycles_on_a_worker()
    assert finalized_on and finalized_on[0] != threading.get_ident()


def test_with_it_only_the_gui_thread_collects(qtbot: QtBot, automatic_gc: None) -> None:
    owner = QObject()
    collector = MainThreadCollector(owner, interval_ms=10)
    collector.start()
    try:
        assert not gc.isenabled()
        finalized_on = _drop_a_cycle_holding_a_qobject()
        _allocate_cycles_on_a_worker()
        assert finalized_on == []  # the worker did not collect
        qtbot.waitUntil(lambda: bool(finalized_on), timeout=5000)  # the timer did, here
        assert finalized_on == [threading.get_ident()]
    finally:
        collector.stop()
    assert gc.isenabled()  # given back as it was


def test_nothing_is_collected_until_a_threshold_is_reached() -> None:
    gc.collect()
    assert collect_due() is None
    for _ in range(gc.get_threshold()[0] + 1):
        cycle: list[object] = []
        cycle.append(cycle)
    assert collect_due() == 0
