"""The accessibility events a recording needs, with what they say (app.platform.x11_capture): the control that
got the keyboard focus, and text inserted into or deleted from a control. A connection and a thread of their
own; the thread blocks on the bus and costs nothing while nothing happens.

Text inserted into a control the feed knows to be a password field is never passed on: `secret(ref)` is
asked on the feed's thread before the text leaves the message it came in."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.i18n import N_
from app.ports import ProbeUnavailable

__all__ = ["AtspiFeed", "FocusChanged", "TextChanged"]

Ref = tuple[str, str]

_OBJECT = "org.a11y.atspi.Event.Object"
_SENDER, _PATH, _MEMBER = 7, 1, 3
"""D-Bus header fields (jeepney's HeaderFields): sender, path, member."""
_ASKED = ("object:state-changed:focused", "object:text-changed", "focus:")
MAX_INSERT = 10_000
"""Text inserted at once beyond this is not typing (a file loaded, a paste): it is passed on as unknown."""


@dataclass(frozen=True)
class FocusChanged:
    ref: Ref


@dataclass(frozen=True)
class TextChanged:
    ref: Ref
    inserted: bool
    """True: inserted; False: deleted."""
    length: int
    text: str | None
    """What was inserted; None when it was deleted, too long, or went into a password field."""


FeedEvent = FocusChanged | TextChanged


class AtspiFeed:
    """Focus and text events from every application on the accessibility bus at `address`, told in the
    order they came through `on_event` on the feed's thread."""

    def __init__(self, address: str, on_event: Callable[[FeedEvent], None],
                 secret: Callable[[Ref], bool], timeout: float = 2.0) -> None:
        from jeepney import DBusAddress, MatchRule, new_method_call
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self._on_event = on_event
        self._secret = secret
        self._stopped = threading.Event()
        try:
            self._conn: Any = open_dbus_connection(bus=address)
            for member, first in (("StateChanged", "focused"), ("TextChanged", None)):
                rule = MatchRule(type="signal", interface=_OBJECT, member=member)
                if first is not None:
                    rule.add_arg_condition(0, first)
                self._conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=timeout)
            self._conn.send_and_get_reply(message_bus.AddMatch(
                MatchRule(type="signal", interface="org.a11y.atspi.Event.Focus")), timeout=timeout)
            registry = DBusAddress("/org/a11y/atspi/registry", bus_name="org.a11y.atspi.Registry",
                                   interface="org.a11y.atspi.Registry")
            for event in _ASKED:  # newer registries take (event, properties, application)
                asked = new_method_call(registry, "RegisterEvent", "sass", (event, [], ""))
                reply = self._conn.send_and_get_reply(asked, timeout=timeout)
                if reply.header.message_type.name == "error":
                    self._conn.send_and_get_reply(new_method_call(registry, "RegisterEvent", "s", (event,)),
                                                  timeout=timeout)
        except (OSError, KeyError, ValueError, TypeError, TimeoutError) as exc:
            raise ProbeUnavailable(N_("accessibility events cannot be had ({problem})"),
                                   problem=exc) from None
        self._thread = threading.Thread(target=self._run, name="wayguide-capture-a11y", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for the thread (the registry forgets the events once the connection closes)."""
        if not self._stopped.is_set():
            self._stopped.set()
            with contextlib.suppress(OSError):
                self._conn.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread's blocking read
        if self._thread is not threading.current_thread():
            self._thread.join(5)

    def _run(self) -> None:
        try:
            while not self._stopped.is_set():
                event = self._read(self._conn.receive())  # blocks, costing nothing, until something happens
                if event is not None and not self._stopped.is_set():
                    self._on_event(event)
        except (OSError, ValueError, EOFError):  # stopped, or the bus went away, or sent what is not D-Bus
            pass
        finally:
            with contextlib.suppress(OSError):
                self._conn.close()

    def _read(self, message: Any) -> FeedEvent | None:
        fields = message.header.fields
        sender, path, member = fields.get(_SENDER), fields.get(_PATH), fields.get(_MEMBER)
        if not isinstance(sender, str) or not isinstance(path, str):
            return None
        ref = (sender, str(path))
        body = message.body
        if not isinstance(body, tuple) or len(body) < 4:
            return None
        detail, one, two = body[0], body[1], body[2]
        if member == "Focus":
            return FocusChanged(ref)
        if member == "StateChanged":
            return FocusChanged(ref) if detail == "focused" and one == 1 else None
        if member != "TextChanged" or not isinstance(detail, str) or not isinstance(two, int):
            return None
        inserted = detail.startswith("insert")
        if not inserted and not detail.startswith("delete"):
            return None
        if not inserted or two > MAX_INSERT or self._secret(ref):
            return TextChanged(ref, inserted, max(two, 0), None)
        value = body[3][1] if isinstance(body[3], tuple) and len(body[3]) == 2 else None
        return TextChanged(ref, True, two, value if isinstance(value, str) else None)
