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
import select
import socket
import struct
import time
from collections.abc import Callable, Collection, Sequence
from typing import Any

from app.format.elements import ROLE_NAMES, fits, normal_role, smallest_at
from app.format.matching import text_matches
from app.i18n import N_
from app.platform.dbus_wire import METHOD_RETURN, message_size, read_reply, socket_path
from app.ports import Control, Locator, ProbeUnavailable, WindowInfo

__all__ = ["CALL_TIMEOUT_S", "EXPOSING_HINT", "MAX_CONTROLS", "AtspiElements", "accessibility_bus_address"]

EXPOSING_HINT = N_("Qt applications show theirs with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1, Java ones with the "
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
_CHUNK = 1 << 16
"""Bytes read from the bus at a time (answers to a batch come in together)."""
DIRECT_MIN = 16
"""A batch of at least this many calls to one application goes over a connection straight to it."""
_MAX_DIRECT = 32
"""Applications with a direct connection kept open at most (more: the oldest are closed)."""
_APP_ROOT = "/org/a11y/atspi/accessible/root"
_DBUS = ("org.freedesktop.DBus", "/org/freedesktop/DBus")
_PEER = struct.Struct("iII")
"""struct ucred: the process id, user id and group id at the other end of a Unix socket."""

Ref = tuple[str, str]
"""An accessible object: the bus name of its application and its object path."""


class _Bus:
    """One connection to the accessibility bus, with calls sent together and their answers matched."""

    def __init__(self, address: str | None, conn: Any = None) -> None:
        """`conn`: a connection already open straight to one application (see _direct)."""
        try:
            from jeepney import DBusAddress, new_method_call
            from jeepney.io.blocking import open_dbus_connection
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ProbeUnavailable(N_("the D-Bus library is missing ({problem})"), problem=exc) from None
        self._address_type, self._method_call = DBusAddress, new_method_call
        self._made: dict[object, bytes] = {}
        """Requests already turned into bytes (see _message)."""
        self.broken = False
        """Whether the connection failed: the next use opens a new one."""
        self._directs: dict[str, _Bus | None] | None = None if conn is not None else {}
        """The connection straight to each application asked a batch (None: it has none); None on such a
        connection itself."""
        if conn is not None:
            self._conn: Any = conn
            self._start_reading()
            return
        try:
            self.address = accessibility_bus_address(address)
            self._conn = open_dbus_connection(bus=self.address)
            self._start_reading()
        except ProbeUnavailable:
            raise
        except (OSError, KeyError, ValueError, TypeError, TimeoutError) as exc:
            raise ProbeUnavailable(N_("the accessibility bus cannot be reached ({problem})"),
                                   problem=exc) from None

    def close(self) -> None:
        for direct in (self._directs or {}).values():
            if direct is not None:
                with contextlib.suppress(OSError):
                    direct.close()
        self._conn.close()

    def call(self, ref: Ref, interface: str, method: str, signature: str | None = None,
             *args: Any) -> tuple[Any, ...] | None:
        return self.calls([(ref, interface, method, signature, args)])[0]

    def calls(self, requests: Sequence[tuple[Ref, str, str, str | None, tuple[Any, ...]]]
              ) -> list[tuple[Any, ...] | None]:
        """Send every request, then read the answers as they come; an error answer, a missing one (the
        deadline passed), one that cannot be read or a malformed request gives None in its place. Many
        requests to one application go straight to it when it allows (see _direct)."""
        direct = self._direct(requests)
        if direct is not None:
            try:
                return direct.calls(requests)
            except ProbeUnavailable:  # it closed the connection (it ended?): the bus says what became of it
                with contextlib.suppress(OSError):
                    direct.close()
                assert self._directs is not None
                self._directs[requests[0][0][0]] = None
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
                message = self._receive(deadline)
                if message is None:
                    break
                kind, answered, body = read_reply(message)
                position_of = serials.pop(answered, None)
                if position_of is not None and kind == METHOD_RETURN:
                    answers[position_of] = body
        except (OSError, ValueError) as exc:  # the bus went away, or sent what is not D-Bus
            self.broken = True
            raise ProbeUnavailable(N_("the accessibility bus stopped answering ({problem})"),
                                   problem=exc) from None
        return answers

    def _direct(self, requests: Sequence[tuple[Ref, str, str, str | None, tuple[Any, ...]]]) -> _Bus | None:
        """The connection straight to the one application `requests` go to: opened for a batch of many.

        Through the bus each call costs its daemon more than the application (reading 229 names: ~20 us a
        call in dbus-daemon, ~14 in the application). GTK's bridge listens on a socket of its own for
        this (`Application.GetApplicationBusAddress`, which libatspi asks every application for; it also
        makes the bridge send its events while this connection lasts). The address is the application's
        word: only a socket path is taken, and only when the process listening there is the application
        (its process id, as the bus knows it) run by this user. Otherwise, or when it ends, the bus."""
        if self._directs is None or not requests:
            return None
        name = requests[0][0][0]
        if any(request[0][0] != name for request in requests):
            return None
        if name not in self._directs:
            if len(requests) < DIRECT_MIN:  # a few calls: not worth a connection (once open, it is used)
                return None
            if len(self._directs) >= _MAX_DIRECT:
                oldest = next(iter(self._directs))
                gone = self._directs.pop(oldest)
                if gone is not None:
                    with contextlib.suppress(OSError):
                        gone.close()
            self._directs[name] = self._open_direct(name)
        return self._directs[name]

    def _open_direct(self, name: str) -> _Bus | None:
        from jeepney.io.blocking import DBusConnectionBase, prep_socket

        answers = self.calls([(_DBUS, "org.freedesktop.DBus", "GetConnectionUnixProcessID", "s", (name,)),
                              ((name, _APP_ROOT), "org.a11y.atspi.Application", "GetApplicationBusAddress",
                               None, ())])
        pid = answers[0][0] if answers[0] else None
        path = socket_path(_first_str(answers[1] or ()))
        if not isinstance(pid, int) or pid <= 0 or path is None:
            return None
        try:
            sock = prep_socket(path, timeout=CALL_TIMEOUT_S)
        except (OSError, ValueError):  # refused, gone, or no D-Bus there (TimeoutError is an OSError)
            return None
        try:
            peer_pid, peer_uid, _ = _PEER.unpack(sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                                 _PEER.size))
            if peer_pid != pid or peer_uid != os.getuid():
                raise OSError("another process listens there")
            return _Bus(None, conn=DBusConnectionBase(sock))  # no greeting: there is no bus in between
        except (OSError, struct.error, ProbeUnavailable):
            sock.close()
            return None

    def _start_reading(self) -> None:
        """Messages are read here, not by jeepney: its reading took two thirds of the time of a find
        (app.platform.dbus_wire). What jeepney read past the answer to its greeting comes first."""
        self._inbox = bytearray()
        self._read_at = 0
        parser = getattr(self._conn, "parser", None)
        left = getattr(parser, "buf", None)
        buffered = getattr(left, "bytes_buffered", 0)
        if isinstance(buffered, int) and buffered > 0 and left is not None:
            self._inbox += left.read(buffered)
        self._poll = select.poll()
        self._poll.register(self._conn.sock, select.POLLIN)

    def _receive(self, deadline: float) -> bytes | None:
        """The next message from the bus as it came, or None when none is complete by `deadline`."""
        while True:
            inbox, at = self._inbox, self._read_at
            if len(inbox) - at >= 16:
                size = message_size(inbox, at)
                if len(inbox) - at >= size:
                    self._read_at = at + size
                    return bytes(inbox[at:at + size])
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._poll.poll(remaining * 1000):
                return None
            chunk = self._conn.sock.recv(_CHUNK)
            if not chunk:
                raise ConnectionResetError("the bus closed the connection")
            if at:  # what was read is dropped once per read, not once per message
                del inbox[:at]
                self._read_at = 0
            inbox += chunk

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

    def inside_at(self, scope: Control, x: int, y: int) -> Control | None:
        """The innermost control under `scope` (e.g. an open menu, whose items are drawn in a window of their
        own, outside its window's tree of rectangles) at the desktop point (x, y), or None."""
        found = self._innermost(scope.ref, x, y)
        if found == scope.ref:
            return None
        control = self._describe([found])[0]
        return Control(control.role, control.name, states=self.states(control), ref=found)

    def placed_within(self, scope: Control) -> list[tuple[Ref, tuple[int, int, int, int]]]:
        """The controls under `scope` that are drawn, each with where (desktop coordinates)."""
        return self._placed(scope.ref)

    def _placed(self, scope: Ref) -> list[tuple[Ref, tuple[int, int, int, int]]]:
        refs = self._matches(scope, None)
        boxes = self._connected().calls([(ref, _COMPONENT, "GetExtents", "u", (0,)) for ref in refs])
        placed = []
        for ref, answer in zip(refs, boxes, strict=True):
            box = answer[0] if answer else None
            if isinstance(box, tuple) and len(box) == 4 and all(isinstance(v, int) for v in box) \
                    and box[2] > 1 and box[3] > 1 and _NOWHERE not in box[:2]:
                placed.append((ref, (box[0], box[1], box[2], box[3])))
        return placed

    def _innermost(self, scope: Ref, x: int, y: int) -> Ref:
        """The smallest control under `scope` whose rectangle holds (x, y): some containers (GTK's page tab
        list) answer GetAccessibleAtPoint with themselves."""
        return smallest_at(self._placed(scope), x, y) or scope

    def subscribe(self, on_change: Callable[[], None], texts: bool = True,
                  states: Collection[str] | None = None) -> Callable[[], None]:
        from app.platform.atspi_events import AtspiEvents

        address = accessibility_bus_address(self._address)
        events = AtspiEvents(address, on_change, texts, states, CALL_TIMEOUT_S)
        return events.stop

    def control(self, ref: Ref) -> Control:
        """The control an accessibility event named (bus name and object path): its role, name and states."""
        found = self._describe([ref])[0]
        return Control(found.role, found.name, states=self.states(found), ref=ref)

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
        if locator.within is not None:  # `scopes` here are always the window's: `within` nests inwards
            outer = self._find(locator.within, scopes)
            if locator.within.within is None:  # the window is one of its controls, the first in reading order
                names, roles, _ = self._ask(scopes, parents=False)
                outer = [control for ref, name, role in zip(scopes, names, roles, strict=True)
                         if fits(locator.within, control := Control(role, name, ref=ref))] + outer
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
            if locator.role is not None:  # each has the role already: only names are compared (as `fits`)
                role, names = normal_role(locator.role), self._names(refs)
                found += [Control(role, name, ref=ref) for ref, name in zip(refs, names, strict=True)
                          if locator.name is None or text_matches(locator.name, name.strip(), False)]
                continue
            names, roles, _ = self._ask(refs, parents=False)
            found += [control for ref, name, role_name in zip(refs, names, roles, strict=True)
                      if fits(locator, control := Control(role_name, name, ref=ref))]
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
        names, roles, parents = self._ask(refs, parents=True)
        position = {ref: i for i, ref in enumerate(refs)}
        controls = []
        for ref, name, role, parent in zip(refs, names, roles, parents, strict=True):
            parent_ref = _variant_ref(parent)
            controls.append(Control(role, name, position.get(parent_ref, -1) if parent_ref else -1, ref=ref))
        return controls

    def _ask(self, refs: list[Ref], parents: bool
             ) -> tuple[list[str], list[str], list[tuple[Any, ...] | None]]:
        """The names, roles and (with `parents`) parent answers of `refs`, asked in one batch: one wait
        for the application instead of one for each."""
        count = len(refs)
        questions: list[tuple[Ref, str, str, str | None, tuple[Any, ...]]] = [
            (ref, _PROPERTIES, "Get", "ss", (_ACCESSIBLE, "Name")) for ref in refs]
        questions += [(ref, _ACCESSIBLE, "GetRole", None, ()) for ref in refs]
        if parents:
            questions += [(ref, _PROPERTIES, "Get", "ss", (_ACCESSIBLE, "Parent")) for ref in refs]
        answers = self._connected().calls(questions)
        return (_name_texts(answers[:count]), _role_names(answers[count:2 * count]),
                answers[2 * count:] if parents else [])

    def _names(self, refs: list[Ref]) -> list[str]:
        return _name_texts(self._connected().calls([(ref, _PROPERTIES, "Get", "ss", (_ACCESSIBLE, "Name"))
                                                    for ref in refs]))

    def _roles(self, refs: list[Ref]) -> list[str]:
        return _role_names(self._connected().calls([(ref, _ACCESSIBLE, "GetRole", None, ()) for ref in refs]))

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


def accessibility_bus_address(address: str | None) -> str:
    """The accessibility bus's address: `address`, or as the session bus tells it."""
    if address is not None:
        return address
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        raise ProbeUnavailable(N_("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"))
    try:
        with open_dbus_connection(bus="SESSION") as session:
            bus = DBusAddress("/org/a11y/bus", bus_name="org.a11y.Bus", interface="org.a11y.Bus")
            reply = session.send_and_get_reply(new_method_call(bus, "GetAddress"), timeout=CALL_TIMEOUT_S)
            found = _first_str(reply.body)
    except (OSError, KeyError, ValueError, TypeError, TimeoutError) as exc:
        raise ProbeUnavailable(N_("the accessibility bus cannot be reached ({problem})"),
                               problem=exc) from None
    if not found:
        raise ProbeUnavailable(N_("the session bus has no accessibility bus "
                                  "(at-spi-bus-launcher is not running)"))
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


def _name_texts(answers: Sequence[tuple[Any, ...] | None]) -> list[str]:
    return [_variant_str(answer)[:MAX_NAME] for answer in answers]


def _role_names(answers: Sequence[tuple[Any, ...] | None]) -> list[str]:
    names = []
    for answer in answers:
        number = answer[0] if answer else None
        names.append(ROLE_NAMES[number] if isinstance(number, int) and 0 <= number < len(ROLE_NAMES)
                     else "unknown")
    return names


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


def _hashable(args: tuple[Any, ...]) -> bool:
    try:
        hash(args)
    except TypeError:  # a match rule holds lists and a dict
        return False
    return True
