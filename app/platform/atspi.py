"""The controls inside applications on Linux, through the AT-SPI accessibility bus (jeepney, pure Python).

jeepney speaks D-Bus with no GObject typelibs, so the bundle needs nothing from the system beyond the bus
itself (pyatspi needs PyGObject and the system's typelibs, and is not on PyPI).

Asking a control at a time is slow: one call per node for children, role and name took 1.0-1.7 s for
mousepad's 322 nodes. So the server does the walking: `Collection.GetMatches` returns every control of a
role (or all of them) in reading order in one call, and what is asked of each of those (name, role,
parent) goes out at once and the answers are read as they come (`_Bus.calls`). Applications are other
programs: every answer is checked for its type, names are cut at MAX_NAME characters, a window at
MAX_CONTROLS controls, and every call has a deadline."""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Collection, Sequence
from typing import Any

from app.format.elements import ROLE_NAMES, fits, normal_role
from app.ports import Control, Locator, ProbeUnavailable, WindowInfo

__all__ = ["CALL_TIMEOUT_S", "EXPOSING_HINT", "MAX_CONTROLS", "AtspiElements", "accessibility_bus_address",
           "accessibility_check"]

EXPOSING_HINT = ("Qt applications show theirs with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1, Java ones with the "
                 "ATK bridge, Chromium and Electron with --force-renderer-accessibility")
"""What an application needs before its controls can be found, when it shows none."""

CALL_TIMEOUT_S = 2.0
"""The longest wait for an application's answers to one batch of calls (a hung application)."""

MAX_CONTROLS = 20_000
"""A window with more controls than this is read up to here (a hostile or broken application)."""

MAX_DEPTH = 100
"""Ancestors are followed this far up at most (a parent loop in a broken application)."""

MAX_NAME = 1_000
"""Accessible names longer than this are cut (names are set by other programs)."""

_ACCESSIBLE = "org.a11y.atspi.Accessible"
_ACTION = "org.a11y.atspi.Action"
_COLLECTION = "org.a11y.atspi.Collection"
_COMPONENT = "org.a11y.atspi.Component"
_TEXT = "org.a11y.atspi.Text"
_EDITABLE_TEXT = "org.a11y.atspi.EditableText"
_STATES = (
    "invalid", "active", "armed", "busy", "checked", "collapsed", "defunct", "editable", "enabled",
    "expandable", "expanded", "focusable", "focused", "has tooltip", "horizontal", "iconified", "modal",
    "multi line", "multiselectable", "opaque", "pressed", "resizable", "selectable", "selected", "sensitive",
    "showing", "single line", "stale", "transient", "vertical", "visible", "manages descendants",
    "indeterminate", "required", "truncated", "animated", "invalid entry", "supports autocompletion",
    "selectable text", "is default", "visited", "checkable", "has popup", "read only",
)
"""AT-SPI's states by their number (AtspiStateType), named as its tools name them."""
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

MAX_TEXT = 1 << 20
"""A control's text is read up to here (compared in memory, never kept)."""
_PROPERTIES = "org.freedesktop.DBus.Properties"
_REGISTRY = ("org.a11y.atspi.Registry", "/org/a11y/atspi/accessible/root")
_MATCH_ALL, _MATCH_ANY = 1, 2
_SORT_CANONICAL = 1
_NOWHERE = -(2**31)
"""GTK places a control that is not shown (a menu item of a closed menu) here, 1x1."""
_WINDOW_ROLES = {"frame", "dialog", "file chooser", "window", "alert", "font chooser", "color chooser"}

_SERIAL = struct.Struct("<I")
_SERIAL_AT = 8
"""Where a D-Bus message's serial is: after the endianness, type, flags, version and body length."""
_MADE_MAX = 50_000

Ref = tuple[str, str]
"""An accessible object: the bus name of its application and its object path."""


class _Bus:
    """One connection to the accessibility bus, with calls sent together and their answers matched."""

    def __init__(self, address: str | None) -> None:
        try:
            from jeepney import DBusAddress, new_method_call
            from jeepney.io.blocking import open_dbus_connection
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ProbeUnavailable(f"the D-Bus library is missing ({exc})") from None
        self._address_type, self._method_call = DBusAddress, new_method_call
        try:
            self.address = accessibility_bus_address(address)
            self._conn: Any = open_dbus_connection(bus=self.address)
            self._made: dict[object, bytes] = {}
            """Requests already turned into bytes (see _message)."""
            self.broken = False
            """Whether the connection failed: the next use opens a new one."""
        except ProbeUnavailable:
            raise
        except (OSError, KeyError, ValueError, TypeError, TimeoutError) as exc:
            raise ProbeUnavailable(f"the accessibility bus cannot be reached ({exc})") from None

    def close(self) -> None:
        self._conn.close()

    def call(self, ref: Ref, interface: str, method: str, signature: str | None = None,
             *args: Any) -> tuple[Any, ...] | None:
        return self.calls([(ref, interface, method, signature, args)])[0]

    def calls(self, requests: Sequence[tuple[Ref, str, str, str | None, tuple[Any, ...]]]
              ) -> list[tuple[Any, ...] | None]:
        """Send every request, then read the answers as they come; an error answer, a missing one (the
        deadline passed) or a malformed request gives None in its place."""
        from jeepney import HeaderFields, MessageType

        serials: dict[int, int] = {}
        answers: list[tuple[Any, ...] | None] = [None] * len(requests)
        outgoing = bytearray()
        for position, request in enumerate(requests):
            data = self._message(request)
            if data is None:  # a path or name the application gave that D-Bus refuses
                continue
            serial = next(self._conn.outgoing_serial)
            serials[serial] = position
            start = len(outgoing)
            outgoing += data
            _SERIAL.pack_into(outgoing, start + _SERIAL_AT, serial)
        deadline = time.monotonic() + CALL_TIMEOUT_S
        try:
            if outgoing:
                self._conn.sock.sendall(outgoing)
            while serials:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    message = self._conn.receive(timeout=remaining)
                except TimeoutError:
                    break
                position_of = serials.pop(message.header.fields.get(HeaderFields.reply_serial, -1), None)
                if position_of is not None and message.header.message_type == MessageType.method_return:
                    answers[position_of] = tuple(message.body)
        except (OSError, ValueError) as exc:  # the bus went away, or sent what is not D-Bus
            self.broken = True
            raise ProbeUnavailable(f"the accessibility bus stopped answering ({exc})") from None
        return answers

    def _message(self, request: tuple[Ref, str, str, str | None, tuple[Any, ...]]) -> bytes | None:
        """The request as bytes on the wire, its serial to be filled in. The same few requests go to the
        same controls again and again (names, roles): made once, they are copied (serialising each anew
        took half of the time of a find)."""
        key = request if _hashable(request[4]) else None
        data = self._made.get(key) if key is not None else None
        if data is None:
            (bus_name, path), interface, method, signature, args = request
            try:
                address = self._address_type(path, bus_name=bus_name, interface=interface)
                data = self._method_call(address, method, signature, args).serialise(serial=1)
            except (TypeError, ValueError, struct.error):
                return None
            if data[:1] != b"l":  # the serial is patched as little-endian
                return None
            if key is not None:
                if len(self._made) >= _MADE_MAX:
                    self._made.clear()
                self._made[key] = data
        return data


class AtspiElements:
    """Elements (app.ports) on the AT-SPI bus. The connection opens on first use; ProbeUnavailable says
    why when there is no bus. Use from one thread at a time."""

    def __init__(self, address: str | None = None) -> None:
        self._address = address
        self._bus: _Bus | None = None
        self._apps: dict[int, Ref] = {}
        """The application of each process id seen (asking the registry takes a call per application)."""
        self._none_of: dict[tuple[Ref, str], int] = {}
        """(scope, role) asked control by control and not found, with how many controls the scope had."""

    def close(self) -> None:
        if self._bus is not None:
            bus, self._bus = self._bus, None
            with contextlib.suppress(OSError):
                bus.close()

    def applications(self) -> tuple[list[str], int]:
        """The names of the applications that show their controls on the bus, and how many more did not
        answer in time (hung); raises ProbeUnavailable when there is no bus."""
        bus = self._connected()
        answer = bus.call(_REGISTRY, _ACCESSIBLE, "GetChildren")
        apps = _refs(answer[0] if answer else None)
        answers = bus.calls([(ref, _PROPERTIES, "Get", "ss", (_ACCESSIBLE, "Name")) for ref in apps])
        names = sorted({name for name in map(_variant_str, answers) if name})
        return names, sum(1 for found in answers if found is None)

    # ------------------------------------------------------------------ the port

    def controls(self, window: WindowInfo) -> list[Control]:
        root = self._window_root(window)
        if root is None:
            return []
        refs = [root, *self._matches(root, None)]
        return self._describe(refs[:MAX_CONTROLS])

    def find(self, locator: Locator, window: WindowInfo) -> list[Control]:
        root = self._window_root(window)
        if root is None:
            return []
        found = self._find(locator, [root])
        if locator.within is None:  # the window itself is one of its controls, the first in reading order
            itself = Control(self._roles([root])[0], self._names([root])[0], ref=root)
            found = [itself, *found] if fits(locator, itself) else found
        if locator.index is not None:
            return found[locator.index:locator.index + 1] if 0 <= locator.index < len(found) else []
        return found

    def extents(self, control: Control) -> tuple[int, int, int, int] | None:
        answer = self._connected().call(control.ref, _COMPONENT, "GetExtents", "u", 0)  # 0: screen
        box = answer[0] if answer else None
        if isinstance(box, tuple) and len(box) == 4 and all(isinstance(v, int) for v in box):
            x, y, width, height = box
            hidden = x == _NOWHERE or y == _NOWHERE or width <= 1 or height <= 1
            return None if hidden else (x, y, width, height)
        return None

    def activate(self, control: Control) -> bool:
        done = self._connected().call(control.ref, _ACTION, "DoAction", "i", 0)  # the first: click, activate
        return bool(done and done[0] is True)  # an error answer: no such interface, or no action 0

    def states(self, control: Control) -> frozenset[str]:
        answer = self._connected().call(control.ref, _ACCESSIBLE, "GetState")
        return _state_names(answer[0] if answer else None)

    def text(self, control: Control) -> str | None:
        answer = self._connected().call(control.ref, _TEXT, "GetText", "ii", 0, -1)
        text = answer[0] if answer else None
        return text[:MAX_TEXT] if isinstance(text, str) else None

    def set_text(self, control: Control, text: str) -> bool:
        done = self._connected().call(control.ref, _EDITABLE_TEXT, "SetTextContents", "s", text)
        return bool(done and done[0] is True)

    def focused(self, window: WindowInfo) -> Control | None:
        root = self._window_root(window)
        if root is None:
            return None
        states = [0] * 2
        states[_STATES.index("focused") // 32] |= 1 << (_STATES.index("focused") % 32)
        rule: tuple[Any, ...] = (states, _MATCH_ALL, {}, _MATCH_ALL, [0] * ((len(ROLE_NAMES) + 31) // 32),
                                 _MATCH_ALL, [], _MATCH_ALL, False)
        answer = self._connected().call(root, _COLLECTION, "GetMatches", "(aiia{ss}iaiiasib)uib", rule,
                                        _SORT_CANONICAL, 1, True)
        refs = _refs(answer[0] if answer else None)
        return self._describe(refs[:1])[0] if refs else None

    def at_point(self, window: WindowInfo, x: int, y: int) -> Control | None:
        ref = self._window_root(window)
        found: Ref | None = None
        bus = self._connected()
        for _ in range(MAX_DEPTH):
            if ref is None:
                break
            answer = bus.call(ref, _COMPONENT, "GetAccessibleAtPoint", "iiu", x, y, 0)  # 0: screen
            inner = _refs([answer[0]] if answer else None)
            if not inner or inner[0] == ref:
                break
            found = ref = inner[0]
        if found is None:
            return None
        found = self._innermost(found, x, y)
        control = self._describe([found])[0]
        return Control(control.role, control.name, states=self.states(control), ref=found)

    def _innermost(self, scope: Ref, x: int, y: int) -> Ref:
        """The smallest control under `scope` whose rectangle holds (x, y): some containers (GTK's page tab
        list) answer GetAccessibleAtPoint with themselves."""
        refs = self._matches(scope, None)
        boxes = self._connected().calls([(ref, _COMPONENT, "GetExtents", "u", (0,)) for ref in refs])
        best, best_area = scope, None
        for ref, answer in zip(refs, boxes, strict=True):
            box = answer[0] if answer else None
            if not (isinstance(box, tuple) and len(box) == 4 and all(isinstance(v, int) for v in box)):
                continue
            left, top, width, height = box
            if left <= x < left + width and top <= y < top + height and width > 1 and height > 1 \
                    and (best_area is None or width * height <= best_area):
                best, best_area = ref, width * height
        return best

    def subscribe(self, on_change: Callable[[], None], texts: bool = True,
                  states: Collection[str] | None = None) -> Callable[[], None]:
        events = _Events(accessibility_bus_address(self._address), on_change, texts, states)
        return events.stop

    def ancestors(self, control: Control) -> list[Control]:
        found: list[Control] = []
        ref: Ref | None = control.ref
        bus = self._connected()
        while ref is not None and len(found) < MAX_DEPTH:
            answer = bus.call(ref, _PROPERTIES, "Get", "ss", _ACCESSIBLE, "Parent")
            ref = _variant_ref(answer)
            if ref is None or ref[1] == _REGISTRY[1]:  # the application itself: past the window
                break
            found.append(Control(self._roles([ref])[0], self._names([ref])[0], ref=ref))
            if found[-1].role in _WINDOW_ROLES:
                break
        return found

    # ------------------------------------------------------------------ finding

    def _find(self, locator: Locator, scopes: list[Ref]) -> list[Control]:
        if locator.within is not None:
            outer = self._find(locator.within, scopes)
            if locator.within.index is not None:
                outer = outer[locator.within.index:locator.within.index + 1]
            scopes = [control.ref for control in outer]
        found: list[Control] = []
        seen: set[Ref] = set()
        for scope in scopes:
            refs = self._matches(scope, locator.role)
            if not refs and locator.role is not None and normal_role(locator.role) not in _WINDOW_ROLES:
                refs = self._by_role(scope, locator.role)  # (a window is a top level, never inside one)
            refs = [ref for ref in refs if ref not in seen]
            seen.update(refs)
            names = self._names(refs)
            role = normal_role(locator.role) if locator.role is not None else None
            roles = [role] * len(refs) if role is not None else self._roles(refs)
            found += [control for ref, name, role_name in zip(refs, names, roles, strict=True)
                      if fits(locator, control := Control(role_name or "", name, ref=ref))]
        return found

    def _matches(self, scope: Ref, role: str | None) -> list[Ref]:
        """The descendants of `scope` (of `role`, when given) in reading order, found by the application."""
        roles = [0] * ((len(ROLE_NAMES) + 31) // 32)
        if role is not None:
            wanted = normal_role(role)
            numbers = [n for n, name in enumerate(ROLE_NAMES) if name == wanted]
            if not numbers:
                return []
            for number in numbers:
                roles[number // 32] |= 1 << (number % 32)
        role_match = _MATCH_ANY if role else _MATCH_ALL
        rule: tuple[Any, ...] = ([0, 0], _MATCH_ALL, {}, _MATCH_ALL, roles, role_match, [], _MATCH_ALL, False)
        answer = self._connected().call(scope, _COLLECTION, "GetMatches", "(aiia{ss}iaiiasib)uib", rule,
                                        _SORT_CANONICAL, MAX_CONTROLS, True)
        return _refs(answer[0] if answer else None)[:MAX_CONTROLS]

    def _by_role(self, scope: Ref, role: str) -> list[Ref]:
        """The descendants of `scope` with `role`, asking each control its role. GTK gives a control its
        role only once asked for it: a freshly started mousepad answered a search by role with nothing
        (all 229 menu items were missing) until its controls had been asked; once asked, the search by
        role finds them, so this slower way is taken only when that one finds nothing."""
        refs = self._matches(scope, None)
        wanted = normal_role(role)
        if self._none_of.get((scope, wanted)) == len(refs):
            return []  # asked already, and nothing came or went since: a look while waiting stays cheap
        found = [ref for ref, name in zip(refs, self._roles(refs), strict=True) if name == wanted]
        if not found:
            if len(self._none_of) >= _MADE_MAX:
                self._none_of.clear()
            self._none_of[(scope, wanted)] = len(refs)
        return found

    def _describe(self, refs: list[Ref]) -> list[Control]:
        """Name, role and parent of each of `refs` (parents as positions in the list)."""
        names, roles = self._names(refs), self._roles(refs)
        parents = self._connected().calls([(ref, _PROPERTIES, "Get", "ss", (_ACCESSIBLE, "Parent"))
                                           for ref in refs])
        position = {ref: i for i, ref in enumerate(refs)}
        controls = []
        for ref, name, role, parent in zip(refs, names, roles, parents, strict=True):
            parent_ref = _variant_ref(parent)
            controls.append(Control(role or "", name, position.get(parent_ref, -1) if parent_ref else -1,
                                    ref=ref))
        return controls

    def _names(self, refs: list[Ref]) -> list[str]:
        answers = self._connected().calls([(ref, _PROPERTIES, "Get", "ss", (_ACCESSIBLE, "Name"))
                                           for ref in refs])
        return [_variant_str(answer)[:MAX_NAME] for answer in answers]

    def _roles(self, refs: list[Ref]) -> list[str]:
        answers = self._connected().calls([(ref, _ACCESSIBLE, "GetRole", None, ()) for ref in refs])
        names = []
        for answer in answers:
            number = answer[0] if answer else None
            names.append(ROLE_NAMES[number] if isinstance(number, int) and 0 <= number < len(ROLE_NAMES)
                         else "unknown")
        return names

    # ------------------------------------------------------------------ windows

    def _window_root(self, window: WindowInfo) -> Ref | None:
        """The accessible object of `window`: among the top levels of the application with the window's
        process id, the one named as the window is titled (the only one, when one)."""
        app = self._apps.get(window.pid)
        answer = self._connected().call(app, _ACCESSIBLE, "GetChildren") if app is not None else None
        if answer is None:  # not seen yet, or gone since (a new process with the same id)
            app = self._application(window.pid)
            if app is None:
                return None
            self._apps[window.pid] = app
            answer = self._connected().call(app, _ACCESSIBLE, "GetChildren")
        tops = _refs(answer[0] if answer else None)
        named = list(zip(tops, self._names(tops), self._roles(tops), strict=True))
        windows = [(ref, name) for ref, name, role in named if role in _WINDOW_ROLES] or \
            [(ref, name) for ref, name, _ in named]
        title = window.title.strip()
        exact = [ref for ref, name in windows if name.strip() == title]
        if exact:
            return exact[0]
        return windows[0][0] if len(windows) == 1 else None

    def _application(self, pid: int) -> Ref | None:
        if pid <= 0:
            return None
        bus = self._connected()
        answer = bus.call(_REGISTRY, _ACCESSIBLE, "GetChildren")
        apps = _refs(answer[0] if answer else None)
        pids = bus.calls([(("org.freedesktop.DBus", "/org/freedesktop/DBus"), "org.freedesktop.DBus",
                           "GetConnectionUnixProcessID", "s", (name,)) for name, _ in apps])
        for app, found in zip(apps, pids, strict=True):
            if found and found[0] == pid:
                return app
        return None

    def _connected(self) -> _Bus:
        if self._bus is not None and self._bus.broken:
            self.close()
        if self._bus is None:
            self._bus = _Bus(self._address)
        return self._bus


class _Events:
    """Accessibility events, on a connection and a thread of their own: the applications are asked to send
    them (the registry tells them someone listens), each burst is told once through `on_change`."""

    def __init__(self, address: str, on_change: Callable[[], None], texts: bool = True,
                 states: Collection[str] | None = None) -> None:
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
                self._conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT_S)
            registry = DBusAddress("/org/a11y/atspi/registry", bus_name="org.a11y.atspi.Registry",
                                   interface="org.a11y.atspi.Registry")
            for event in _EVENT_NAMES:  # newer registries take (event, properties, application)
                if event == "object:text-changed" and not texts:
                    continue
                asked = new_method_call(registry, "RegisterEvent", "sass", (event, [], ""))
                reply = self._conn.send_and_get_reply(asked, timeout=CALL_TIMEOUT_S)
                if reply.header.message_type.name == "error":
                    self._conn.send_and_get_reply(new_method_call(registry, "RegisterEvent", "s", (event,)),
                                                  timeout=CALL_TIMEOUT_S)
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


def accessibility_bus_address(address: str | None) -> str:
    """The accessibility bus's address: `address`, or as the session bus tells it."""
    if address is not None:
        return address
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        raise ProbeUnavailable("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
    try:
        with open_dbus_connection(bus="SESSION") as session:
            bus = DBusAddress("/org/a11y/bus", bus_name="org.a11y.Bus", interface="org.a11y.Bus")
            reply = session.send_and_get_reply(new_method_call(bus, "GetAddress"), timeout=CALL_TIMEOUT_S)
            found = _first_str(reply.body)
    except (OSError, KeyError, ValueError, TypeError, TimeoutError) as exc:
        raise ProbeUnavailable(f"the accessibility bus cannot be reached ({exc})") from None
    if not found:
        raise ProbeUnavailable("the session bus has no accessibility bus "
                               "(at-spi-bus-launcher is not running)")
    return found


def _state_names(value: Any) -> frozenset[str]:
    """AT-SPI's state set (two 32-bit words) as names."""
    if not isinstance(value, list) or len(value) > 2 or not all(isinstance(v, int) for v in value):
        return frozenset()
    return frozenset(name for bit, name in enumerate(_STATES)
                     if bit // 32 < len(value) and value[bit // 32] >> (bit % 32) & 1)


def _first_str(body: Sequence[Any]) -> str:
    return body[0] if body and isinstance(body[0], str) else ""


def _refs(value: Any) -> list[Ref]:
    if not isinstance(value, list):
        return []
    return [(item[0], item[1]) for item in value
            if isinstance(item, tuple) and len(item) == 2 and all(isinstance(v, str) for v in item)
            and item[1] != "/org/a11y/atspi/null"]


def _variant_str(answer: tuple[Any, ...] | None) -> str:
    """A string from a Properties.Get answer (a variant: signature and value)."""
    value = answer[0] if answer else None
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], str):
        return value[1]
    return ""


def _variant_ref(answer: tuple[Any, ...] | None) -> Ref | None:
    value = answer[0] if answer else None
    if isinstance(value, tuple) and len(value) == 2:
        refs = _refs([value[1]])
        return refs[0] if refs else None
    return None



def accessibility_check() -> tuple[bool, str]:
    """For `wayguide doctor`: whether controls inside applications can be found here, and in words which
    applications show them or what is missing."""
    elements = AtspiElements()
    try:
        names, silent = elements.applications()
    except ProbeUnavailable as exc:
        return False, (f"{exc}: steps find windows but not the controls inside them (a desktop session "
                       "starts the bus; scripts/start does where none runs)")
    finally:
        elements.close()
    shown = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
    hung = f" ({silent} more did not answer within {CALL_TIMEOUT_S:g} s)" if silent else ""
    return True, (f"AT-SPI; controls shown by {shown or 'no application yet'}{hung}. Others: {EXPOSING_HINT}")


def _hashable(args: tuple[Any, ...]) -> bool:
    try:
        hash(args)
    except TypeError:  # a match rule holds lists and a dict
        return False
    return True
