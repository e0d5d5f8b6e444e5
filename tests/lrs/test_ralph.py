"""Wayguide's statements delivered to a real LRS (Ralph on 127.0.0.1) and read back through its API."""

from __future__ import annotations

import os
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.cli.doctor import usage_checks
from app.engine import Next, Start
from app.usage import LrsConfig, Recorder, UsageConfig
from app.usage.store import DB_NAME
from app.usage.xapi import outbox_status
from tests.lrs.conftest import PASSWORD, ROOT, USER, Ralph
from tests.lrs.usage_worker import WIZARD, Run


def wait_for(condition: Callable[[], object], timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.05)


def recorder(db: Path, ralph: Ralph) -> Recorder:
    rec = Recorder()
    rec.open(db, UsageConfig(lrs=LrsConfig(ralph.endpoint, USER, PASSWORD, retry_first=0.05,
                                           retry_max=0.5)))
    return rec


def record_run(rec: Recorder, steps: int = 4) -> None:
    run = Run(rec)
    now = time.time()
    run.send(Start(mode="glass", at=now))
    for i in range(steps):
        run.send(Next(at=now + i + 1))
    assert rec.store is not None and rec.store.flush()


def recorded_ids(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM events ORDER BY seq")]
    finally:
        conn.close()


def sent(db: Path) -> bool:
    status = outbox_status(db)
    return status is not None and status.pending == 0


def test_a_whole_run_arrives_as_statements_of_one_registration(tmp_path: Path, ralph: Ralph) -> None:
    ralph.start("append")
    db = tmp_path / DB_NAME
    rec = recorder(db, ralph)
    record_run(rec)
    wait_for(lambda: sent(db), what="the outbox to empty")
    rec.close()
    stored = ralph.statements()
    assert sorted(s["id"] for s in stored) == sorted(recorded_ids(db))
    verbs = Counter(s["verb"]["id"].rsplit("/", 1)[1] for s in stored)
    assert verbs == {"launched": 1, "experienced": 4, "progressed": 4, "completed": 1}
    assert {s["context"]["registration"] for s in stored} == {stored[0]["context"]["registration"]}
    procedure = f"http://127.0.0.1:{ralph.port}/wayguide/wizards/test.killed"
    for s in stored:
        assert s["actor"]["account"]["homePage"] == f"http://127.0.0.1:{ralph.port}"
        if s["verb"]["id"].endswith(("experienced", "progressed")):
            assert s["context"]["contextActivities"]["parent"][0]["id"] == procedure
        else:
            assert s["object"]["id"] == procedure


def test_stock_ralph_refuses_the_second_write_which_is_retried_until_it_can(
        tmp_path: Path, ralph: Ralph) -> None:
    """Ralph 5.1.0's fs backend answers 500 to every write after the first: kept and retried."""
    db = tmp_path / DB_NAME
    rec = recorder(db, ralph)
    record_run(rec, steps=1)  # queued while the LRS is down: later posted as one batch
    wait_for(lambda: "cannot reach the LRS" in outbox_status(db).last_error,  # type: ignore[union-attr]
             what="a failed send")
    ralph.start("stock")
    wait_for(lambda: sent(db), what="the first write")
    record_run(rec, steps=1)
    wait_for(lambda: "the LRS answered 500" in outbox_status(db).last_error,  # type: ignore[union-attr]
             what="a 500 from Ralph")
    assert outbox_status(db).pending > 0  # type: ignore[union-attr]
    assert "statements waiting to be sent" in usage_checks(tmp_path)[0].detail
    assert len(ralph.statements()) == 4  # the first run only
    ralph.stop()
    ralph.start("append")
    wait_for(lambda: sent(db), what="the retries to get through")
    rec.close()
    ids = [s["id"] for s in ralph.statements()]
    assert sorted(ids) == sorted(recorded_ids(db)) and len(ids) == 8


def test_lrs_stopped_then_restarted_gets_everything_exactly_once(tmp_path: Path, ralph: Ralph) -> None:
    ralph.start("append")
    db = tmp_path / DB_NAME
    rec = recorder(db, ralph)
    record_run(rec, steps=1)
    wait_for(lambda: sent(db))
    ralph.stop()
    record_run(rec)
    wait_for(lambda: "cannot reach the LRS" in outbox_status(db).last_error,  # type: ignore[union-attr]
             what="a failed send")
    ralph.start("append")
    wait_for(lambda: sent(db), what="delivery after the restart")
    rec.close()
    ids = [s["id"] for s in ralph.statements()]
    assert len(ids) == len(set(ids)) == len(recorded_ids(db)) == 4 + 10
    assert set(ids) == set(recorded_ids(db))


class Worker:
    """tests/lrs/usage_worker.py in a process of its own."""

    def __init__(self, db: Path, ralph: Ralph, mode: str, started: list[Worker]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.lrs.usage_worker", str(db), ralph.endpoint, mode], cwd=ROOT,
            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        started.append(self)

    def wait_line(self, prefix: str, timeout: float = 30.0) -> str:
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if selector.select(0.1):
                    line = self.process.stdout.readline()
                    if not line:
                        break
                    if line.startswith(prefix):
                        return line.strip()
        raise AssertionError(f"the worker never said {prefix!r} (exit {self.process.poll()})")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.close()

    def close(self) -> int:
        code = self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return code


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()
        else:
            worker.close()


@pytest.mark.parametrize("mode", ["open-run", "hang-send"])
def test_killed_during_a_run_or_a_send_loses_and_repeats_nothing(
        tmp_path: Path, ralph: Ralph, mode: str, workers: list[Worker]) -> None:
    ralph.start("append")
    db = tmp_path / DB_NAME
    worker = Worker(db, ralph, mode, workers)
    worker.wait_line("posted 200" if mode == "hang-send" else "recorded")
    if mode == "hang-send":
        assert ralph.statements()  # the LRS has the batch; the outbox still holds it
        assert outbox_status(db).pending > 0  # type: ignore[union-attr]
    worker.kill()
    again = Worker(db, ralph, "drain", workers)
    again.wait_line("drained")
    assert again.close() == 0
    ids = [s["id"] for s in ralph.statements()]
    recorded = recorded_ids(db)
    assert len(ids) == len(set(ids)), "a statement arrived twice"
    assert set(ids) == set(recorded), "a recorded event was not delivered"
    kinds = Counter(s["verb"]["id"].rsplit("/", 1)[1] for s in ralph.statements())
    if mode == "open-run":
        assert kinds["abandoned"] == 1
    assert WIZARD.id in ralph.statements()[0]["object"]["id"]
