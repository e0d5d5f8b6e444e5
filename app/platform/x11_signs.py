"""What the X server tells Wayguide's typist while it types: a window answering a ping (it has read the keys
sent before), and window switches asked for or made (python-xlib)."""

from __future__ import annotations

import itertools
import select
import time
from collections.abc import Callable
from typing import Any

from Xlib import X, error, protocol

__all__ = ["PING_POLL_S", "PING_TIMEOUT_S", "SWITCH_SETTLE_S", "SWITCH_WAIT_S", "ServerSigns"]

PING_TIMEOUT_S = 5.0
"""Longest wait for the answer to a _NET_WM_PING. A GTK window (mousepad) answers only after reading the keys
sent before: a precise barrier instead of RESTORE_SETTLE_S, which was measured too short for mousepad while
the window manager was busy (1 of 10 runs garbled). A window that does not answer in time is hung; the typing
then goes on as after a settle."""

PING_POLL_S = 0.05
"""While typing waits for a ping's answer, how often it asks `proceed` whether to stop (the wait before the
keymap is restored does not: the keys already sent must arrive as the characters they are)."""

SWITCH_SETTLE_S = 0.05
"""After the focus or the active window changed while typing, how long nothing more must happen before the
focus is judged (the server left free meanwhile)."""

SWITCH_WAIT_S = 0.5
"""After a new top-level window was shown while typing (the window manager may give it the focus), the longest
the server is left free for the window manager to do so. It may be behind: after 2,500 characters typed into
mousepad, openbox took ~0.35 s of a free server to carry out a switch (4-14 ms without grabs)."""


class ServerSigns:
    """Pings and window switches, on the typist's own display connection (whose events are read here only).

    While typing, `watch` asks the server for the events that announce a switch and `settle` says whether
    typing may go on; `pace` keeps a window that answers pings from having more than two chunks of keys
    queued; `ping` waits until the window has read every key sent. Waits end as soon as `proceed` (when set)
    says stop. Use from the typist's thread only."""

    def __init__(self, display: Any, root: Any) -> None:
        self._display = display
        self._root = root
        self._tokens = itertools.count(1)
        self.proceed: Callable[[], bool] | None = None
        """While typing, `type_text`'s `proceed`: a wait ends as soon as it says stop."""
        self.pending = 0
        """The token of the pace ping not answered yet (0: none)."""
        self._answered = 0
        """The latest ping token answered (tokens only grow)."""
        self._switching = 0.0
        """Until when (time.monotonic) the server is left free for a window switch under way (0: none)."""
        self._called_away = False
        """Whether another window than the one typed into was asked to come in front while typing."""
        self._watched = 0
        """The window whose focus changes this connection is told about while typing into it (0: none)."""

    def watch(self, into: int, pongs: bool) -> None:
        """Be told of what the server does that matters while typing: pongs and window-switch requests (both
        ClientMessages to the root window), the active window changing, new top-level windows, and the focus
        leaving `into`."""
        self._switching, self._called_away = 0.0, False
        mask = X.SubstructureNotifyMask if pongs or into else 0
        if into:
            mask |= X.PropertyChangeMask
            try:
                self._display.create_resource_object("window", into).change_attributes(
                    event_mask=X.FocusChangeMask)
                self._display.sync()
                self._watched = into
            except error.XError:  # gone: the focus check finds it so
                self._watched = 0
        self._root.change_attributes(event_mask=mask)

    def unwatch(self) -> None:
        self._switching, self._called_away = 0.0, False
        self._root.change_attributes(event_mask=0)
        if self._watched:
            try:
                self._display.create_resource_object("window", self._watched).change_attributes(event_mask=0)
                self._display.sync()
            except error.XError:
                pass
            self._watched = 0

    def settle(self) -> bool:
        """Whether typing may go on as far as window switches go (see _switch_sign): not once another window
        was asked to come in front; while the window manager is switching windows, the server is left free
        until the switch is done (at most SWITCH_WAIT_S, and no longer than `proceed` allows), after which
        the focus is judged where it went."""
        self.drain()
        deadline = time.monotonic() + SWITCH_WAIT_S
        while self._switching and not self._called_away:
            now = time.monotonic()
            until = min(self._switching, deadline)
            if now >= until or (self.proceed is not None and not self.proceed()):
                break
            select.select([self._display], [], [], until - now)
            self.drain()
        self._switching = 0.0
        return not self._called_away

    def ping_target(self) -> Any:
        """The top-level window holding the keyboard focus if it answers _NET_WM_PING, else None."""
        window = self._display.get_input_focus().focus
        ping = self._display.get_atom("_NET_WM_PING")
        try:
            while hasattr(window, "query_tree") and window != self._root:
                protocols = window.get_wm_protocols()
                if len(protocols):
                    return window if ping in protocols else None
                window = window.query_tree().parent
        except error.XError:
            pass
        return None

    def pace(self, window: Any) -> None:
        """Wait for the answer to the previous pace ping, then ping again: the window has at most two
        chunks of BARRIER_CHARS queued, and always one to read while the next is sent."""
        if self.pending:
            self.wait_for_pong(self.pending)
        self.pending = next(self._tokens)
        self._send_ping(window, self.pending)

    def _send_ping(self, window: Any, token: int) -> None:
        window.send_event(protocol.event.ClientMessage(
            window=window, client_type=self._display.get_atom("WM_PROTOCOLS"),
            data=(32, [self._display.get_atom("_NET_WM_PING"), token, window.id, 0, 0])))
        self._display.flush()

    def wait_for_client(self, otherwise_s: float) -> None:
        """Until the focused client has read the keys sent so far: a _NET_WM_PING round trip where it answers
        pings, else `otherwise_s` (RESTORE_SETTLE_S)."""
        self._display.sync()
        window = self.ping_target()
        if window is None or not self.ping(window):
            time.sleep(otherwise_s)

    def ping(self, window: Any) -> bool:
        """Send _NET_WM_PING to `window` and wait for its answer (sent to the root window)."""
        token = next(self._tokens)
        self._root.change_attributes(event_mask=X.SubstructureNotifyMask)
        try:
            self._send_ping(window, token)
            return self.wait_for_pong(token)
        finally:
            self._root.change_attributes(event_mask=X.SubstructureNotifyMask if self.pending else 0)
            self._display.sync()
            self.drain()

    def wait_for_pong(self, token: int) -> bool:
        """Until the ping `token` (or a later one: a window answers in order) was answered; False when it
        was not within PING_TIMEOUT_S, or typing was told to stop meanwhile (looked at every PING_POLL_S)."""
        deadline = time.monotonic() + PING_TIMEOUT_S
        while True:
            if self._answered >= token:
                return True
            while self._display.pending_events():
                self._note(self._display.next_event())
                if self._answered >= token:
                    return True
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (self.proceed is not None and not self.proceed()):
                return False
            select.select([self._display], [], [], min(remaining, PING_POLL_S))

    def drain(self) -> None:
        """Drop the events this connection was sent (MappingNotify goes to every client), so none pile up."""
        while self._display.pending_events():
            self._note(self._display.next_event())

    def _note(self, event: Any) -> None:
        """Note a ping answered, or a sign that the window manager is switching windows (see _switch_sign)."""
        atom = self._display.get_atom
        if event.type == X.ClientMessage and event.client_type == atom("WM_PROTOCOLS") \
                and event.data[1][0] == atom("_NET_WM_PING"):
            self._answered = max(self._answered, int(event.data[1][1]))
            return
        sign = self._switch_sign(event)
        if sign == "asked" and event.type == X.ClientMessage and int(event.window.id) != self._watched:
            self._called_away = True
        if sign == "asked":
            self._switching = max(self._switching, time.monotonic() + SWITCH_WAIT_S)
        elif sign == "done":
            self._switching = time.monotonic() + SWITCH_SETTLE_S

    def _switch_sign(self, event: Any) -> str:
        """What `event` says of a window switch: "asked" for a switch asked for (a _NET_ACTIVE_WINDOW message
        to the root window, as taskbars, pagers and xdotool send it) or a new top-level window shown (the
        window manager may give it the focus); "done" for the active window changed or the focus left the
        window typed into; "" for anything else."""
        active = self._display.get_atom("_NET_ACTIVE_WINDOW")
        if (event.type == X.ClientMessage and event.client_type == active) \
                or (event.type == X.MapNotify and not event.override):
            return "asked"
        if (event.type == X.PropertyNotify and event.atom == active) or (
                event.type == X.FocusOut and event.detail != X.NotifyInferior and event.mode != X.NotifyGrab):
            return "done"
        return ""
