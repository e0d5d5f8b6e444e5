"""A process that records usage and sends it to an LRS, for the tests that kill it with SIGKILL.

python -m tests.lrs.usage_worker DB ENDPOINT MODE, where MODE is
  open-run   record the start and first steps of a run, print "recorded", then wait to be killed
  hang-send  record a whole run; the first POST reaches the LRS, then "posted" is printed and the
             process hangs before it can note the answer, waiting to be killed
  drain      start again (unfinished runs become abandoned), send everything, print "drained"
Each line is printed once what it says is committed."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import yaml

from app.engine import Engine, Event, Next, RunState, Start
from app.format.model import Wizard
from app.usage import LrsConfig, Recorder, UsageConfig
from app.usage.xapi import outbox_status, urllib_post
from tests.lrs.conftest import PASSWORD, USER

WIZARD = Wizard.model_validate(yaml.safe_load("""
wayguide: 1
id: test.killed
title: A run that gets killed
steps:
  - {id: one, title: One}
  - {id: two, title: Two}
  - {id: three, title: Three}
  - {id: four, title: Four}
"""))


class Run:
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.engine = Engine(WIZARD)
        self.state: RunState = self.engine.initial()
        recorder.begin(self, WIZARD, "cli")

    def send(self, event: Event) -> None:
        old = self.state
        self.state, effects = self.engine.handle(old, event)
        self.recorder.observe(self, old, self.state, effects)


def say(line: str) -> None:
    print(line, flush=True)


def hanging_post(url: str, body: bytes, headers: Mapping[str, str],
                 timeout: float) -> tuple[int, Mapping[str, str], bytes]:
    answer = urllib_post(url, body, headers, timeout)
    say(f"posted {answer[0]}")
    threading.Event().wait()  # killed here: the LRS has the batch, the outbox still holds it
    return answer


def main(db: Path, endpoint: str, mode: str) -> None:
    lrs = LrsConfig(endpoint, USER, PASSWORD, retry_first=0.05, retry_max=0.5)
    recorder = Recorder()
    recorder.open(db, UsageConfig(lrs=lrs), post=hanging_post if mode == "hang-send" else None)
    assert recorder.store is not None
    if mode == "drain":
        while True:
            status = outbox_status(db)
            if status is not None and status.pending == 0:
                break
            time.sleep(0.05)
        recorder.close()
        say("drained")
        return
    run = Run(recorder)
    now = time.time()
    run.send(Start(mode="glass", at=now))
    run.send(Next(at=now + 1))
    run.send(Next(at=now + 2))
    if mode == "hang-send":
        run.send(Next(at=now + 3))
        run.send(Next(at=now + 4))
    assert recorder.store.flush()
    say("recorded")
    threading.Event().wait()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], sys.argv[3])
