"""Support that fades: when the short version is offered, the person's choice and the way back, steps shown
condensed, and the file that keeps the choice (hostile or broken, it never hangs or breaks a run)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from app.engine import Next, Start
from app.usage import Recorder, UsageConfig
from app.usage.progress import Progress
from app.usage.recorder import SUPPORT_FILE
from app.usage.store import DB_NAME
from app.usage.support import MAX_FILE_BYTES, Support, SupportChoices, support_for
from tests.unit.test_usage import Driven, wizard

NOW = 1_780_000_000.0


def known(unaided: int, steps: dict[str, tuple[int, int]] | None = None) -> Progress:
    return Progress(unaided + 1, unaided, NOW, 1.0, steps=steps or {})


def test_the_short_version_is_offered_after_enough_runs_with_the_guide_alone() -> None:
    assert support_for(None, None, 0) == Support()
    assert not support_for(known(2), None, 0).offer
    assert support_for(known(3), None, 0).offer and not support_for(known(3), None, 0).short
    assert support_for(known(3), None, 0, fade_after=5) == Support()
    assert support_for(known(50), None, 0, fade_after=0) == Support()  # the policy turned it off


def test_the_choice_wins_and_after_going_back_it_is_offered_again_only_after_as_many_more() -> None:
    assert support_for(known(3), "short", 3) == Support(short=True)
    assert support_for(known(5), "full", 3) == Support()
    assert support_for(known(6), "full", 3).offer
    assert support_for(None, "short", 3).short  # progress not read yet: the choice still holds


def test_steps_always_done_without_why_are_condensed() -> None:
    progress = known(3, {"open": (3, 0), "write": (5, 1), "save": (2, 0)})
    assert support_for(progress, None, 0).condensed == {"open"}


def test_fading_follows_real_runs_and_the_way_back_is_kept(tmp_path: Path) -> None:
    db = tmp_path / DB_NAME

    def runs(recorder: Recorder, count: int, at: float) -> None:
        for n in range(count):
            run = Driven(recorder, wizard())
            run.send(Start(mode="glass", values={"customer": "C"}, at=at + n * 100))
            for step in range(3):
                run.send(Next(at=at + n * 100 + step + 1))

    recorder = Recorder(clock=lambda: NOW)
    recorder.open(db, UsageConfig())
    runs(recorder, 2, NOW)
    assert not recorder.support("test.letter").offer
    runs(recorder, 1, NOW + 1000)
    support = recorder.support("test.letter")
    assert support.offer and support.condensed == {"open", "write", "save"}
    recorder.choose_support("test.letter", "short")
    assert recorder.support("test.letter").short
    recorder.choose_support("test.letter", "full")  # the way back
    runs(recorder, 2, NOW + 2000)
    assert recorder.support("test.letter") == Support(condensed=support.condensed)
    recorder.close()
    recorder.open(db, UsageConfig())  # the choice is kept, the progress read again
    assert recorder.store is not None and recorder.store.wait_ready()
    runs(recorder, 1, NOW + 3000)
    assert recorder.support("test.letter").offer  # three more with the guide alone since going back
    recorder.close()
    kept = json.loads((tmp_path / SUPPORT_FILE).read_text())
    assert kept["test.letter"] == {"choice": "full", "unaided": 3}


def test_with_usage_data_off_nothing_fades_and_nothing_is_kept(tmp_path: Path) -> None:
    recorder = Recorder(clock=lambda: NOW)
    recorder.open(tmp_path / DB_NAME, UsageConfig(enabled=False))
    recorder.choose_support("test.letter", "short")
    assert recorder.support("test.letter") == Support() and not (tmp_path / SUPPORT_FILE).exists()


@pytest.mark.parametrize("hostile", ["fifo", "huge", "deep", "types", "directory", "binary"])
def test_a_hostile_choices_file_is_said_once_and_read_as_empty(tmp_path: Path, hostile: str,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / SUPPORT_FILE
    if hostile == "fifo":
        os.mkfifo(path)  # opening it for reading must not wait for a writer
    elif hostile == "huge":
        path.write_text(json.dumps({"w": {"choice": "short", "pad": "x" * MAX_FILE_BYTES}}))
    elif hostile == "deep":
        path.write_text("[" * 100_000 + "]" * 100_000)
    elif hostile == "types":
        path.write_text(json.dumps({"a": {"choice": "always"}, "b": "short", "c": {"choice": "short",
                                                                                   "unaided": "x"}}))
    elif hostile == "directory":
        path.mkdir()
    else:
        path.write_bytes(b"\xff\xfe\x00garbage")
    choices = SupportChoices(path)
    with caplog.at_level(logging.WARNING):
        assert choices.get("a") == (None, 0) and choices.get("w") == (None, 0)
    assert len(caplog.records) == (0 if hostile == "types" else 1)
    if hostile in ("huge", "deep", "types", "binary"):
        choices.choose("a", "short", 4)  # replaced at the next choice
        assert SupportChoices(path).get("a") == ("short", 4)
