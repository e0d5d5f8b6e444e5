"""Accessibility events from the AT-SPI bus, on a connection and a thread of their own (see
AtspiElements.subscribe): what lets a glass-box step move on without polling."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Collection
from typing import Any

from app.i18n import N_
from app.ports import ProbeUnavailable

__all__ = ["EVENT_BURST_S", "AtspiEvents"]

_OBJECT = "org.a11y.atspi.Event.Object"
_EVENT_NAMES = ("object:property-change:accessible-name", "object:children-changed", "window:", "focus:")
"""Asked for always; state and text changes only as the subscriber needs them (see _asked)."""

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
            for interface, member, first in _signals(texts, states):
                rule = MatchRule(type="signal", interface=interface, member=member)
                if first is not None:  # the bus daemon drops the rest: a state not named costs nothing
                    rule.add_arg_condition(0, first)
                self._conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=timeout)
            registry = DBusAddress("/org/a11y/atspi/registry", bus_name="org.a11y.atspi.Registry",
                                   interface="org.a11y.atspi.Registry")
            for event in _asked(texts, states):  # newer registries take (event, properties, application)
                asked = new_method_call(registry, "RegisterEvent", "sass", (event, [], ""))
                reply = self._conn.send_and_get_reply(asked, timeout=timeout)
                if reply.header.message_type.name == "error":
                    self._conn.send_and_get_reply(new_method_call(registry, "RegisterEvent", "s", (event,)),
                                                  timeout=timeout)
        except (OSError, KeyError, ValueError, TypeError, TimeoutError) as exc:
            raise ProbeUnavailable(N_("accessibility events cannot be had ({problem})"),
                                   problem=exc) from None
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


def _asked(texts: bool, states: Collection[str] | None) -> list[str]:
    """The events applications are asked to send. Each is sent to every listener of it, and to each
    connection straight to the application too, so only what a condition needs is asked for: typing in
    mousepad turns the "enabled" state of its Undo button on and off at every key."""
    asked = list(_EVENT_NAMES)
    if texts:
        asked.append("object:text-changed")
    if states is None:
        asked.append("object:state-changed")
    else:
        asked += [f"object:state-changed:{state.replace(' ', '-')}" for state in sorted(states)]
    return asked


def _signals(texts: bool, states: Collection[str] | None) -> list[tuple[str, str | None, str | None]]:
    """(interface, member, first argument) of the signals listened to. Applications send some whatever
    was asked (GTK sends every state change once anyone listens to one): the bus daemon filters them."""
    found: list[tuple[str, str | None, str | None]] = [
        (_OBJECT, "PropertyChange", "accessible-name"), (_OBJECT, "ChildrenChanged", None),
        ("org.a11y.atspi.Event.Window", None, None), ("org.a11y.atspi.Event.Focus", None, None)]
    if texts:
        found.append((_OBJECT, "TextChanged", None))
    if states is None:
        found.append((_OBJECT, "StateChanged", None))
    else:
        found += [(_OBJECT, "StateChanged", state.replace(" ", "-")) for state in sorted(states)]
    return found
