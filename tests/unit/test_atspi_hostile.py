"""The AT-SPI adapter treats every answer as hostile: other applications give the names, paths and
shapes, and may never answer. No bus here: the answers are made up, the connection is a fake."""

from __future__ import annotations

import contextlib
import socket
import struct
import time
from typing import Any

import pytest

from app.platform import atspi, dbus_wire
from app.platform.atspi import AtspiElements, _Bus, _refs, _variant_ref, _variant_str
from app.ports import Control, Locator, ProbeUnavailable, WindowInfo


@pytest.mark.parametrize("value", [None, "x", 3, [("a",)], [("a", 1)], [(1, 2)], [["a", "b"]], {"a": "b"}])
def test_odd_lists_of_objects_give_nothing_and_raise_nothing(value: Any) -> None:
    assert _refs(value) == []


def test_the_null_object_is_no_object() -> None:
    assert _refs([(":1.1", "/org/a11y/atspi/null"), (":1.1", "/a")]) == [(":1.1", "/a")]


@pytest.mark.parametrize("answer", [None, (), ("s",), (("s", 3),), (("s", b"x"),), ((1, 2, 3),)])
def test_odd_property_answers_read_as_empty(answer: Any) -> None:
    assert _variant_str(answer) == ""
    assert _variant_ref(answer) is None


class _Silent:
    """A bus connection on which the application never answers: a socket whose other end stays quiet."""

    def __init__(self) -> None:
        self.sent = 0
        self.outgoing_serial = iter(range(1, 10**6))
        self._ours, self.theirs = socket.socketpair()
        self.sock = self

    def fileno(self) -> int:
        return self._ours.fileno()

    def sendall(self, data: bytes) -> None:
        self.sent += 1

    def recv(self, size: int) -> bytes:
        return self._ours.recv(size)

    def close(self) -> None:
        self._ours.close()
        self.theirs.close()


def _silent_bus(conn: _Silent | None = None) -> _Bus:
    from jeepney import DBusAddress, new_method_call

    bus = object.__new__(_Bus)
    bus._address_type, bus._method_call = DBusAddress, new_method_call
    bus._conn, bus._made, bus.broken, bus._directs = conn or _Silent(), {}, False, None
    bus._start_reading()
    return bus


def test_a_hung_application_costs_one_deadline_per_batch_not_one_per_call(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atspi, "CALL_TIMEOUT_S", 0.2)
    bus = _silent_bus()
    started = time.monotonic()
    answers = bus.calls([((":1.9", f"/o/{i}"), atspi._PROPERTIES, "Get", "ss", (atspi._ACCESSIBLE, "Name"))
                         for i in range(500)])
    assert answers == [None] * 500 and time.monotonic() - started < 1.0
    assert bus._conn.sent == 1  # the 500 requests went out together
    bus.close()


def test_a_path_the_bus_refuses_is_skipped_not_sent() -> None:
    bus = _silent_bus()
    assert bus._message(((":1.9", "not a path"), atspi._ACCESSIBLE, "GetRole", None, ())) is None
    assert bus._message(((":1.9", "/ok"), atspi._ACCESSIBLE, "GetRole", None, ())) is not None
    bus.close()


def test_names_longer_than_the_bound_are_cut() -> None:
    elements = AtspiElements()

    class Long:
        broken = False

        def calls(self, requests: list[Any]) -> list[Any]:
            return [(("s", "x" * 100_000),) for _ in requests]

    elements._bus = Long()  # type: ignore[assignment]
    assert [len(name) for name in elements._names([(":1.9", "/a")])] == [atspi.MAX_NAME]


def test_a_window_of_no_known_application_has_no_controls() -> None:
    elements = AtspiElements()

    class NoApps:
        broken = False

        def call(self, *request: Any) -> Any:
            return ([],)

        def calls(self, requests: list[Any]) -> list[Any]:
            return [None for _ in requests]

    elements._bus = NoApps()  # type: ignore[assignment]
    window = WindowInfo(app="mousepad", pid=4242)
    assert elements.controls(window) == [] and elements.find(Locator("push button"), window) == []
    assert elements.extents(Control("push button", "OK", ref=(":1.9", "/a"))) is None


class _Gone(_Silent):
    """A bus that went away (its daemon ended)."""

    def sendall(self, data: bytes) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_bus_that_went_away_is_said_in_one_line_and_opened_again_on_next_use() -> None:
    bus = _silent_bus(_Gone())
    elements = AtspiElements()
    elements._bus = bus
    with pytest.raises(ProbeUnavailable, match="the accessibility bus stopped answering"):
        elements.extents(Control("push button", "OK", ref=(":1.9", "/a")))
    opened: list[_Bus] = []

    class Fresh(_Bus):
        def __init__(self, address: str | None) -> None:
            opened.append(self)
            self.broken = False

        def call(self, *request: Any) -> Any:
            return None

    monkey = pytest.MonkeyPatch()
    monkey.setattr(atspi, "_Bus", Fresh)
    try:
        assert elements.extents(Control("push button", "OK", ref=(":1.9", "/a"))) is None
    finally:
        monkey.undo()
    assert len(opened) == 1 and elements._bus is opened[0]


@pytest.mark.parametrize(("answer", "states"), [
    (None, frozenset()), ("x", frozenset()), ([1, 2, 3], frozenset()), (["a", 0], frozenset()),
    ([1 << 12, 0], frozenset({"focused"})),
    ([1 << 4 | 1 << 8 | 1 << 30, 0], {"checked", "enabled", "visible"}),
    ([0, 1], {"indeterminate"}), ([0, 1 << 31], frozenset()),  # a state this Wayguide does not know
    ([-1, -1], None),  # every bit: every known state, nothing past the list
])
def test_odd_state_sets_read_as_the_states_they_can_mean(answer: Any, states: Any) -> None:
    read = atspi._state_names(answer)
    assert read == (frozenset(atspi._STATES) if states is None else states)


class _Answers:
    """A bus on which the application gives the same made-up answer to every call."""

    broken = False

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.asked = 0

    def call(self, *request: Any) -> Any:
        self.asked += 1
        return self.answer

    def calls(self, requests: list[Any]) -> list[Any]:
        self.asked += len(requests)
        return [self.answer for _ in requests]


@pytest.mark.parametrize("answer", [None, (), (3,), (b"text",), (["x"],), (("s", "x"),)])
def test_a_text_that_is_not_a_string_is_no_text_and_a_refused_fill_says_so(answer: Any) -> None:
    elements = AtspiElements()
    elements._bus = _Answers(answer)  # type: ignore[assignment]
    field = Control("text", "", ref=(":1.9", "/a"))
    assert elements.text(field) is None and elements.set_text(field, "x") is False
    assert elements.states(field) == frozenset()


def test_a_text_longer_than_the_bound_is_cut() -> None:
    elements = AtspiElements()
    elements._bus = _Answers(("x" * (atspi.MAX_TEXT + 10),))  # type: ignore[assignment]
    assert len(elements.text(Control("text", "", ref=(":1.9", "/a"))) or "") == atspi.MAX_TEXT


def test_an_application_that_answers_a_point_with_a_loop_is_asked_a_bounded_number_of_times() -> None:
    elements = AtspiElements()
    loop = _Answers(((":1.9", "/b"),))
    elements._bus = loop  # type: ignore[assignment]
    elements._window_root = lambda window: (":1.9", "/a")  # type: ignore[method-assign]
    elements.at_point(WindowInfo(pid=1), 5, 5)
    assert loop.asked < atspi.MAX_DEPTH + 20


# ------------------------------------------------------------------ reading answers (dbus_wire)

def _answer(signature: str, body: tuple[Any, ...], serial: int = 7, big: bool = False) -> bytes:
    """An answer to call `serial` as the bus delivers it (with a sender, as from an application)."""
    from jeepney.low_level import Endianness, Header, HeaderFields, Message, MessageType

    fields: dict[Any, Any] = {HeaderFields.reply_serial: serial, HeaderFields.sender: ":1.42",
                              HeaderFields.destination: ":1.7"}
    if signature:
        fields[HeaderFields.signature] = signature
    header = Header(Endianness.big if big else Endianness.little, MessageType.method_return, 0, 1, 0, 0,
                    fields)
    return bytes(Message(header, body).serialise(serial=99))


@pytest.mark.parametrize(("signature", "body"), [
    ("v", (("s", "Save As...      "),)),
    ("v", (("s", "Grüße, 日本 \u200b"),)),
    ("v", (("s", ""),)),
    ("v", (("(so)", (":1.42", "/org/a11y/atspi/accessible/12")),)),
    ("v", (("i", -5),)),
    ("v", (("as", ["a", "b"]),)),  # a type not read here: jeepney reads it
    ("u", (63,)),
    ("i", (-1,)),
    ("b", (True,)),
    ("s", ("unix:path=/tmp/x",)),
    ("a(so)", ([(":1.42", f"/org/a11y/atspi/accessible/{n}") for n in range(50)],)),
    ("a(so)", ([],)),
    ("(iiii)", ((-2147483648, 5, 1, 1),)),
    ("", ()),
    ("a{ss}", ({"toolkit": "gtk"},)),
])
def test_answers_read_directly_are_what_jeepney_reads(signature: str, body: tuple[Any, ...]) -> None:
    from jeepney.low_level import Message

    data = _answer(signature, body)
    assert dbus_wire.message_size(data) == len(data)
    assert dbus_wire.read_reply(data) == (2, 7, tuple(Message.from_buffer(data).body)) == (2, 7, body)
    assert dbus_wire.read_reply(_answer(signature, body, big=True)) == (2, 7, body)  # the other byte order


def _patched(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) == 1 and len(old) == len(new)
    return data.replace(old, new)


@pytest.mark.parametrize("spoil", [
    lambda d: _patched(d, b"Name\0", b"Nam\xff\0"),  # not UTF-8
    lambda d: _patched(d, b"Name\0", b"Name!"),  # not terminated
    lambda d: d[:-9] + struct.pack("<I", 10**6) + d[-5:],  # a string longer than the message
])
def test_an_answer_that_cannot_be_read_is_no_answer(spoil: Any) -> None:
    data = _answer("v", (("s", "Name"),))
    assert data[-9:] == struct.pack("<I", 4) + b"Name\0"
    data = spoil(data)
    assert dbus_wire.read_reply(data) == (2, 7, None)


def test_an_array_longer_than_its_message_is_no_answer() -> None:
    data = bytearray(_answer("a(so)", ([(":1.42", "/a")],)))
    body_at = len(data) - struct.unpack_from("<I", data, 4)[0]  # the array's length comes first
    assert struct.unpack_from("<I", data, body_at)[0] == 19  # one reference: 4 + 6, 2 padding, 4 + 3
    struct.pack_into("<I", data, body_at, 10**6)
    assert dbus_wire.read_reply(bytes(data)) == (2, 7, None)


def test_what_is_not_d_bus_breaks_the_connection_instead_of_being_guessed_at() -> None:
    data = _answer("u", (63,))
    with pytest.raises(ValueError):
        dbus_wire.message_size(b"X" + data[1:])
    with pytest.raises(ValueError):  # longer than D-Bus allows
        dbus_wire.message_size(data[:4] + struct.pack("<I", 2**30) + data[8:])
    with pytest.raises(ValueError):  # a header whose lengths do not add up to the message
        dbus_wire.read_reply(data + b"\0" * 8)
    with pytest.raises(ValueError):
        dbus_wire.read_reply(data[:12] + struct.pack("<I", 2**20) + data[16:])


def test_answers_are_matched_however_the_bytes_arrive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two answers in one read, one answer across reads, a signal between, another caller's answer, an
    error, and bytes jeepney had read before: each answer lands in its place."""
    from jeepney.low_level import Endianness, Header, HeaderFields, Message, MessageType

    monkeypatch.setattr(atspi, "CALL_TIMEOUT_S", 0.5)
    conn = _Silent()
    signal = Header(Endianness.little, MessageType.signal, 0, 1, 0, 0, {
        HeaderFields.path: "/org/freedesktop/DBus", HeaderFields.interface: "org.freedesktop.DBus",
        HeaderFields.member: "NameAcquired", HeaderFields.signature: "s"})
    signal_bytes = bytes(Message(signal, (":1.7",)).serialise(serial=1))
    error = Header(Endianness.little, MessageType.error, 0, 1, 0, 0, {
        HeaderFields.reply_serial: 3, HeaderFields.error_name: "org.freedesktop.DBus.Error.UnknownMethod",
        HeaderFields.signature: "s"})
    error_bytes = bytes(Message(error, ("no",)).serialise(serial=2))

    class Left:
        bytes_buffered = len(signal_bytes)

        @staticmethod
        def read(size: int) -> bytes:
            return signal_bytes[:size]

    conn.parser = type("Parser", (), {"buf": Left()})()  # type: ignore[attr-defined]
    bus = _silent_bus(conn)
    stream = (_answer("v", (("s", "second"),), serial=2) + _answer("u", (5,), serial=99)
              + error_bytes + _answer("v", (("s", "first"),), serial=1))
    conn.theirs.sendall(stream[:10])
    conn.theirs.sendall(stream[10:])
    requests = [((":1.9", f"/o/{i}"), atspi._PROPERTIES, "Get", "ss", (atspi._ACCESSIBLE, "Name"))
                for i in range(3)]
    assert bus.calls(requests) == [(("s", "first"),), (("s", "second"),), None]
    bus.close()


def test_a_closed_connection_is_said_in_one_line() -> None:
    conn = _Silent()
    bus = _silent_bus(conn)
    conn.theirs.close()
    with pytest.raises(ProbeUnavailable, match="the accessibility bus stopped answering"):
        bus.calls([((":1.9", "/a"), atspi._ACCESSIBLE, "GetRole", None, ())])
    assert bus.broken
    bus.close()


def test_bytes_that_are_not_d_bus_are_said_in_one_line() -> None:
    conn = _Silent()
    bus = _silent_bus(conn)
    conn.theirs.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
    with pytest.raises(ProbeUnavailable, match="the accessibility bus stopped answering"):
        bus.calls([((":1.9", "/a"), atspi._ACCESSIBLE, "GetRole", None, ())])
    bus.close()


# ------------------------------------------------------------------ straight to the application

@pytest.mark.parametrize(("address", "path"), [
    ("unix:path=/run/user/1000/at-spi2-ABC/socket", "/run/user/1000/at-spi2-ABC/socket"),
    ("unix:path=/tmp/a%20b/socket,guid=0123", "/tmp/a b/socket"),
    ("unix:abstract=/tmp/dbus-x", None),
    ("tcp:host=example.org,port=4444", None),
    ("unix:path=relative/socket", None),
    ("unix:path=/tmp/%00x", None),
    ("unix:path=/tmp/%ff", None),
    ("unix:path=/" + "x" * 200, None),
    ("", None),
    ("nonsense", None),
])
def test_only_a_socket_path_is_taken_from_an_applications_address(address: str, path: str | None) -> None:
    assert dbus_wire.socket_path(address) == path


class _Listener:
    """A D-Bus peer on a socket of its own (as GTK's bridge listens), in a thread: it greets, then answers
    every GetRole with 42 and counts the calls."""

    def __init__(self, path: str) -> None:
        import threading

        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(path)
        self.server.listen(1)
        self.calls = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        from jeepney import new_method_return
        from jeepney.low_level import Parser

        try:
            conn, _ = self.server.accept()
        except OSError:  # closed: nobody came
            return
        with conn:
            greeting = b""
            while not greeting.endswith(b"BEGIN\r\n"):
                chunk = conn.recv(4096)
                if not chunk:
                    return
                if b"AUTH" in chunk:
                    conn.sendall(b"OK 0123456789abcdef0123456789abcdef\r\n")
                greeting += chunk
            parser = Parser()
            while chunk := conn.recv(65536):
                for message in parser.feed(chunk):
                    self.calls += 1
                    conn.sendall(new_method_return(message, "u", (42,)).serialise(serial=self.calls))

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        self.thread.join(5)


class _Answering(_Bus):
    """A bus that answers from a table, and counts what went through it."""

    def __init__(self, table: dict[str, Any]) -> None:
        from jeepney import DBusAddress, new_method_call

        self._address_type, self._method_call = DBusAddress, new_method_call
        self._conn, self._made, self.broken, self._directs = _Silent(), {}, False, {}
        self._start_reading()
        self.table = table
        self.through_bus = 0

    def calls(self, requests: Any) -> list[Any]:
        if len(requests) > 2 or requests[0][2] == "GetRole":
            direct = self._direct(requests)
            if direct is not None:
                return direct.calls(requests)
            self.through_bus += len(requests)
            return [None for _ in requests]
        return [self.table.get(request[2]) for request in requests]


def _roles(count: int) -> list[Any]:
    return [((":1.42", f"/org/a11y/atspi/accessible/{n}"), atspi._ACCESSIBLE, "GetRole", None, ())
            for n in range(count)]


def test_many_calls_go_straight_to_the_application_when_it_listens_as_itself(tmp_path: Any) -> None:
    import os

    listener = _Listener(str(tmp_path / "socket"))
    bus = _Answering({"GetConnectionUnixProcessID": (os.getpid(),),
                          "GetApplicationBusAddress": (f"unix:path={tmp_path}/socket",)})
    try:
        assert bus.calls(_roles(3)) == [None] * 3 and bus.through_bus == 3  # a few: the bus
        assert bus.calls(_roles(atspi.DIRECT_MIN)) == [(42,)] * atspi.DIRECT_MIN
        assert bus.calls(_roles(1)) == [(42,)]  # once open, everything to it goes straight
        assert listener.calls == atspi.DIRECT_MIN + 1 and bus.through_bus == 3
    finally:
        bus.close()
        listener.close()


@pytest.mark.parametrize("table", [
    {"GetConnectionUnixProcessID": (1,)},  # someone else's socket (here: another process id)
    {"GetConnectionUnixProcessID": None},  # the bus does not know the process
    {"GetApplicationBusAddress": ("tcp:host=example.org,port=1",)},
    {"GetApplicationBusAddress": None},  # no such method (Qt, GTK 4)
    {"GetApplicationBusAddress": ("unix:path=/nonexistent/socket",)},
])
def test_a_direct_connection_is_not_made_to_what_may_not_be_the_application(
        tmp_path: Any, table: dict[str, Any]) -> None:
    import os

    listener = _Listener(str(tmp_path / "socket"))
    bus = _Answering({"GetConnectionUnixProcessID": (os.getpid(),),
                          "GetApplicationBusAddress": (f"unix:path={tmp_path}/socket",), **table})
    try:
        assert bus.calls(_roles(atspi.DIRECT_MIN)) == [None] * atspi.DIRECT_MIN
        assert bus.through_bus == atspi.DIRECT_MIN and listener.calls == 0
        assert bus._directs == {":1.42": None}  # not asked again
    finally:
        bus.close()
        listener.close()


def test_names_are_compared_as_shown_and_the_window_is_one_of_its_controls() -> None:
    """A role found by the application leaves names to compare, padded as GTK pads menu items."""
    from app.format.elements import ROLE_NAMES

    tree = {"/w": ("frame", "Untitled - Pad"), "/1": ("menu item", "Save      "),
            "/2": ("menu item", "Save All      "), "/3": ("push button", "Save")}

    class Tree:
        broken = False

        def call(self, ref: Any, interface: str, method: str, signature: Any = None, *args: Any) -> Any:
            return self.calls([(ref, interface, method, signature, args)])[0]

        def calls(self, requests: list[Any]) -> list[Any]:
            answers: list[Any] = []
            for (_, path), _, method, _, args in requests:
                if method == "GetMatches":
                    wanted = {n for n, name in enumerate(ROLE_NAMES) if args[0][4][n // 32] >> n % 32 & 1}
                    answers.append(([(":1.9", p) for p, (role, _) in tree.items() if p != "/w"
                                     and (not wanted or ROLE_NAMES.index(role) in wanted)],))
                elif method == "GetRole":
                    answers.append((ROLE_NAMES.index(tree[path][0]),))
                else:
                    answers.append((("s", tree[path][1]),))
            return answers

    elements = AtspiElements()
    elements._bus = Tree()  # type: ignore[assignment]
    elements._window_root = lambda window: (":1.9", "/w")  # type: ignore[method-assign]
    window = WindowInfo(app="pad", pid=1)

    def labels(locator: Locator) -> list[str]:
        return [f"{c.role}: {c.label}" for c in elements.find(locator, window)]

    assert labels(Locator("menu item", "Save All")) == ["menu item: Save All"]
    assert labels(Locator("menu item", "Save")) == ["menu item: Save"]
    assert labels(Locator(None, "Save")) == ["menu item: Save", "push button: Save"]
    assert labels(Locator("button", "Sav?")) == ["push button: Save"]
    assert labels(Locator("menu item")) == ["menu item: Save", "menu item: Save All"]
    assert labels(Locator(None, "re:^Untitled")) == ["frame: Untitled - Pad"]
    # the window is one of its controls for `within` too, as `inspect` lists it (app.format.elements.find)
    assert labels(Locator("menu item", "Save", Locator("frame"))) == ["menu item: Save"]
    assert labels(Locator("menu item", "Save", Locator("frame", "Other*"))) == []
    assert labels(Locator("menu item", "Save", Locator("frame", index=0))) == ["menu item: Save"]
