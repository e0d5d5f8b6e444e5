"""Accessibility events from the AT-SPI bus, on a connection and a thread of their own (see
AtspiElements.subscribe): what lets a glass-box step move on without polling."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Collection
from typing import Any

from app.ports import ProbeUnavailable

__all__ = ["EVENT_BURST_S", "AtspiEvents"]

_EVENT_SIGNALS = (
    ("org.a11y.atspi.Event.Object", "StateChanged"), ("org.a11y.atspi.Event.Object", "PropertyChange"),
    ("org.a11y.atspi.Event.Object", "ChildrenChanged"), ("org.a11y.atspi.Event.Object", "TextChanged"),
    ("org.a11y.atspi.Event.Window", None), ("org.a11y.atspi.Event.Focus", None),
)
_EVENT_NAMES = ("object:state-changed", "object:property-change:accessible-name", "object:children-changed",
                "object:text-changed", "window:", "focus:")

_MEMBER = 3
"""The D-Bus header field of a message's member name (jeepney's HeaderFields.member)."""

EVENT_BURST_S = 0.01
"""Events that come within this of the first are told together (a dialog opening sends dozens)."""


class AtspiEvents:
    """Accessibility events, on a connection and a thread of their own: the applications are asked to send
    them (the registry tells them someone listens), each burst is told once through `on_change`."""

    def __init__(self, address: str, on_change: Callable[[], None], texts: bool = True,
                 states: Collection[str] | None = None, timeout: float = 2.0) -> None:
        from jeepney import DBusAddress, MatchRule, new_method_call
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self._on_change = on_change
        self._states = frozenset(states) if states is not None else None
        self._stopped = threading.Event()
        try:
            self._conn: Any = open_dbus_connection(bus=address)
            for interface, member in _EVENT_SIGNALS:
                if member == "TextChanged" and not texts:
                    continue
                rule = MatchRule(type="signal", interface=interface, member=member)
                self._conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=timeout)
            registry = DBusAddress("/org/a11y/atspi/registry", bus_name="org.a11y.atspi.Registry",
                                   interface="org.a11y.atspi.Registry")
            for event in _EVENT_NAMES:  # newer registries take (event, properties, application)
                if event == "object:text-changed" and not texts:
                    continue
                asked = new_method_call(registry, "RegisterEvent", "sass", (event, [], ""))
                reply = self._conn.send_and_get_reply(asked, timeout=timeout)
                if reply.header.message_type.name == "error":
                    self._conn.send_and_get_reply(new_method_call(registry, "RegisterEvent", "s", (event,)),
                                                  timeout=timeout)
        except (OSError, KeyError, ValueError, TypeError, TimeoutError) as exc:
            raise ProbeUnavailable(f"accessibility events cannot be had ({exc})") from None
        threading.Thread(target=self._run, name="wayguide-a11y-events", daemon=True).start()

    def stop(self) -> None:
        """Stop telling (the registry forgets the events once the connection closes)."""
        if not self._stopped.is_set():
            self._stopped.set()
            with contextlib.suppress(OSError):
                self._conn.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread's blocking read

    def _matters(self, message: Any) -> bool:
        """Whether an event is one the subscriber asked for: a change of a state it did not name is not
        (typing in mousepad turns its Undo button's "enabled" and "sensitive" on and off at every key)."""
        if self._states is None or message.header.fields.get(_MEMBER) != "StateChanged":
            return True
        body = message.body
        name = body[0] if isinstance(body, tuple) and body and isinstance(body[0], str) else ""
        return name.replace("-", " ") in self._states

    def _run(self) -> None:
        try:
            while not self._stopped.is_set():
                told = self._matters(self._conn.receive())  # blocks, costing nothing, until something happens
                burst_end = time.monotonic() + EVENT_BURST_S
                with contextlib.suppress(TimeoutError):  # what came with it is told at once
                    while (left := burst_end - time.monotonic()) > 0:
                        told = self._matters(self._conn.receive(timeout=left)) or told
                if told and not self._stopped.is_set():
                    self._on_change()
        except (OSError, ValueError, EOFError):  # stopped, or the bus went away, or sent what is not D-Bus
            pass
        finally:
            with contextlib.suppress(OSError):
                self._conn.close()
