"""The X11 typist's ping wait ends when typing is told to stop (no X server: a silent fake display)."""

from __future__ import annotations

import socket
import threading

from app.platform.x11_signs import PING_TIMEOUT_S, ServerSigns


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
    display = _SilentDisplay()
    signs = ServerSigns(display, root=None)  # only what the wait uses: no X server here
    stop = threading.Event()
    signs.proceed = lambda: not stop.is_set()
    outcome: list[bool] = []
    waiter = threading.Thread(target=lambda: outcome.append(signs.wait_for_pong(1)))
    waiter.start()
    stop.set()
    waiter.join(PING_TIMEOUT_S / 2)  # ended by the stop, long before the answer's timeout
    assert outcome == [False]
    display.ours.close()
    display.theirs.close()
