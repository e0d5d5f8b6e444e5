"""The X11 injector's ping wait ends when typing is told to stop (no X server: a silent fake display)."""

from __future__ import annotations

import socket
import threading

from app.platform import x11_input
from app.platform.x11_input import X11Injector


class _SilentDisplay:
    """A display connection on which no answer ever comes (a hung window)."""

    def __init__(self) -> None:
        self.ours, self.theirs = socket.socketpair()

    def fileno(self) -> int:
        return self.ours.fileno()

    def pending_events(self) -> int:
        return 0


def test_a_ping_wait_ends_as_soon_as_typing_is_told_to_stop() -> None:
    """Issue 11.3: the wait for a window's answer took up to PING_TIMEOUT_S whatever the stop said."""
    injector = object.__new__(X11Injector)  # only what the wait uses: no X server here
    display = _SilentDisplay()
    injector._display, injector._answered = display, 0
    stop = threading.Event()
    injector._proceed = lambda: not stop.is_set()
    outcome: list[bool] = []
    waiter = threading.Thread(target=lambda: outcome.append(injector._wait_for_pong(1)))
    waiter.start()
    stop.set()
    waiter.join(x11_input.PING_TIMEOUT_S / 2)  # ended by the stop, long before the answer's timeout
    assert outcome == [False]
    display.ours.close()
    display.theirs.close()
