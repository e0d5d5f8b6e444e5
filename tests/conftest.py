"""Shared by every test folder: each folder's marker (applied here, one way, by where a test lives)
and the fixtures more than one folder uses."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

import pytest

from app.runtime.collector import collect_due

FOLDER_MARKERS = {"gui": ("gui",), "desktop": ("desktop",), "packaging": ("packaging", "desktop"),
                  "lrs": ("lrs",)}
"""tests/<folder>/ gets these markers (see pyproject.toml); `calc` marks single slow tests."""

ROOT = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        try:
            folder = item.path.resolve().relative_to(ROOT).parts[0]
        except ValueError:
            continue
        for name in FOLDER_MARKERS.get(folder, ()):
            item.add_marker(getattr(pytest.mark, name))


def pytest_sessionstart(session: pytest.Session) -> None:
    """As in the app (app/runtime/collector.py): cyclic garbage is collected on the main thread
    only, between tests, never by a worker thread that a test started (a Qt object of an earlier
    test deleted there makes Qt spin or crash)."""
    gc.disable()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    collect_due()


Finishes = Callable[..., None]
"""finishes(fn, fifo=None, timeout=20.0): see the fixture."""


def _finishes(fn: object, fifo: Path | None = None, timeout: float = 20.0) -> None:
    """Call fn on a thread; fail (after unblocking a reader stuck on `fifo`) when it does not return."""
    import threading

    assert callable(fn)
    done = threading.Event()
    failure: list[BaseException] = []

    def work() -> None:
        try:
            fn()
        except BaseException as exc:  # reported in the test's thread
            failure.append(exc)
        done.set()

    threading.Thread(target=work, daemon=True).start()
    if not done.wait(timeout):
        if fifo is not None:  # let the blocked reader go, or the process never ends
            with open(fifo, "wb"):
                pass
        pytest.fail(f"still running after {timeout} s")
    if failure:
        raise failure[0]


@pytest.fixture
def finishes() -> Finishes:
    """Calls a function on a thread and fails the test when it does not return in time (after
    unblocking a reader stuck on the given FIFO): for what must never hang."""
    return _finishes
