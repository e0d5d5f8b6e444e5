"""The performer with fake OS access: what is typed where, and when it refuses."""

from __future__ import annotations

import threading

from app import model
from app.osapi import FakeInjector, FakeWindowProbe, WindowInfo
from app.performer import Performer

TERM = WindowInfo(app="xterm", title="bash", handle=2)


def actions(*items: dict[str, object]) -> list[model.Action]:
    step = model.Step.model_validate({"id": "s", "title": "S", "do": list(items)})
    assert step.do is not None
    return step.do


class Broken(FakeInjector):
    def type_text(self, text: str) -> None:
        raise ValueError(f"cannot type {text!r}")


def test_an_injector_error_fails_the_action_without_repeating_the_text() -> None:
    performer = Performer(Broken(), FakeWindowProbe(window=TERM))
    outcome, _ = performer.run(actions({"type": "secret-42"}), TERM, threading.Event())
    assert outcome.failed_at == 0
    assert outcome.message == "The action failed (ValueError)."


def test_unsupported_actions_say_so() -> None:
    performer = Performer(FakeInjector(), FakeWindowProbe(window=TERM))
    outcome, _ = performer.run(actions({"keys": "ctrl+a"}, {"open": "https://example.org"}), TERM,
                               threading.Event())
    assert (outcome.failed_at, outcome.message) == (1, "Wayguide cannot do 'open' actions for you yet.")


def test_a_missing_window_and_a_stop() -> None:
    performer = Performer(FakeInjector(), FakeWindowProbe(window=TERM))
    outcome, _ = performer.run(actions({"focus": {"app": "mousepad"}}), None, threading.Event())
    assert outcome.message == "No window of mousepad is open."
    stop = threading.Event()
    stop.set()
    outcome, _ = performer.run(actions({"wait": 5}), None, stop)
    assert (outcome.failed_at, outcome.message) == (0, "Stopped.")


def test_wait_for_a_window_times_out_with_a_clear_message() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 1.0
        return now[0]

    performer = Performer(FakeInjector(), FakeWindowProbe(window=TERM), clock=clock)
    outcome, _ = performer.run(actions({"wait": {"title": "Save As*", "timeout": 2}}), TERM,
                               threading.Event())
    assert outcome.message == "“Save As*” did not appear within 2 s."
