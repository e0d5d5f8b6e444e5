"""The port a capture adapter implements (app.platform.x11_capture on Linux), and a fake for tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from app.recording.events import Event

__all__ = ["Capture", "FakeCapture"]


class Capture(Protocol):
    """Watches what the author does on the desktop while recording: windows, keys, clicks, typed text.

    Events of Wayguide's own windows (the recording bar, the panel) are not reported. Nothing is
    written anywhere: events go to `on_event` only, and text typed into a password field is reported
    as SecretTyped, without the text."""

    def start(self, on_event: Callable[[Event], None]) -> None:
        """Begin watching; `on_event` is called on the adapter's own thread, in order."""
        ...

    def pause(self, paused: bool) -> None:
        """While paused nothing is reported (typed text pending is reported first)."""
        ...

    def stop(self) -> None:
        """Stop watching: report what is still pending (text being typed), then nothing more.
        Returns once the adapter's thread has ended; safe to call twice."""
        ...


class FakeCapture:
    """Reports what a test hands it through emit()."""

    def __init__(self) -> None:
        self.on_event: Callable[[Event], None] | None = None
        self.paused = False
        self.stopped = False

    def start(self, on_event: Callable[[Event], None]) -> None:
        self.on_event, self.stopped = on_event, False

    def pause(self, paused: bool) -> None:
        self.paused = paused

    def stop(self) -> None:
        self.stopped = True

    def emit(self, event: Event) -> None:
        if self.on_event is not None and not self.paused and not self.stopped:
            self.on_event(event)
