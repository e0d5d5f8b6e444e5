"""Carries out a step's actions in the business application: the black box's hands (no Qt)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app import model
from app.engine import window_matches
from app.osapi import Injector, WindowInfo, WindowProbe

__all__ = ["Performed", "Performer"]

POLL_S = 0.05
FOCUS_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class Performed:
    """How performing ended: `failed_at` is the action's index when it did not work."""

    failed_at: int | None = None
    message: str = ""


class Performer:
    """Runs actions one by one on a worker thread. Before every key it checks that the window the
    run works in is still in front, and stops at once when `stop` is set."""

    def __init__(self, injector: Injector, probe: WindowProbe,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.injector = injector
        self.probe = probe
        self.clock = clock

    def run(self, actions: Sequence[model.Action], target: WindowInfo | None,
            stop: threading.Event) -> tuple[Performed, WindowInfo | None]:
        """Perform `actions` with keys going to `target` (None: any window the wizard fits);
        returns how it ended and the window the next step should work in."""
        for index, action in enumerate(actions):
            if stop.is_set():
                return Performed(index, "Stopped."), target
            try:
                target = self._one(action, target, stop)
            except _Refused as refused:
                return Performed(index, str(refused)), target
            except Exception as exc:  # never leaves a run hanging; the text typed is not repeated
                return Performed(index, f"The action failed ({type(exc).__name__})."), target
        return Performed(), target

    def _one(self, action: model.Action, target: WindowInfo | None,
             stop: threading.Event) -> WindowInfo | None:
        match action:
            case model.FocusAction(focus=match):
                return self._focus(match, stop)
            case model.TypeAction(type=text):
                self._check_front(target)
                self.injector.type_text(text.replace("\r\n", "\n"))
            case model.KeysAction(keys=combo):
                self._check_front(target)
                self.injector.press_keys(combo)
            case model.WaitAction(wait=float() | int() as seconds):
                if stop.wait(seconds):
                    raise _Refused("Stopped.")
            case model.WaitAction(wait=model.WaitSpec() as spec):
                self._wait_window(spec, stop)
            case _:
                kind = model.action_kind(action) or "this"
                raise _Refused(f"Wayguide cannot do '{kind}' actions for you yet.")
        return target

    def _focus(self, match: model.WindowMatch, stop: threading.Event) -> WindowInfo:
        front = self.probe.active_window()
        if front is not None and _fits(match, front):
            return front
        candidates = [w for w in self.probe.windows() if _fits(match, w)]
        if not candidates:
            raise _Refused(f"No window of {_name(match)} is open.")
        wanted = candidates[-1]
        self.probe.activate(wanted.handle)
        deadline = self.clock() + FOCUS_TIMEOUT_S
        while not stop.wait(POLL_S):
            front = self.probe.active_window()
            if front is not None and front.handle == wanted.handle:
                return front
            if self.clock() > deadline:
                raise _Refused(f"{_name(match)} did not come to the front.")
        raise _Refused("Stopped.")

    def _check_front(self, target: WindowInfo | None) -> None:
        front = self.probe.active_window()
        if target is not None and (front is None or front.handle != target.handle):
            shown = f"“{front.title}”" if front is not None and front.title else "another window"
            raise _Refused(f"{shown} is in front, not “{target.title}”: Wayguide paused so that "
                           "nothing is typed into the wrong window.")

    def _wait_window(self, spec: model.WaitSpec, stop: threading.Event) -> None:
        match = model.WindowMatch(app=spec.app, title=spec.title) if spec.app or spec.title else None
        deadline = self.clock() + spec.timeout
        while True:
            front = self.probe.active_window()
            there = front is not None and (match is None or _fits(match, front))
            if there != spec.gone:
                return
            if self.clock() > deadline:
                what = _name(match) if match is not None else "a window"
                raise _Refused(f"{what} did not {'close' if spec.gone else 'appear'} within "
                               f"{spec.timeout:g} s.")
            if stop.wait(POLL_S):
                raise _Refused("Stopped.")


class _Refused(Exception):
    """An action that cannot go on; the message is one sentence for the person."""


def _fits(match: model.WindowMatch, window: WindowInfo) -> bool:
    return window_matches(match, window.app, window.title, window.exe) or bool(
        window.klass and window_matches(match, window.klass, window.title))


def _name(match: model.WindowMatch) -> str:
    if match.app and match.title:
        return f"{match.app} (“{match.title}”)"
    return match.app or f"“{match.title}”"
