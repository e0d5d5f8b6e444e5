"""The AT-SPI adapter treats every answer as hostile: other applications give the names, paths and
shapes, and may never answer. No bus here: the answers are made up, the connection is a fake."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.platform import atspi
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
    """A bus connection on which the application never answers."""

    def __init__(self) -> None:
        self.sent = 0
        self.outgoing_serial = iter(range(1, 10**6))
        self.sock = self

    def sendall(self, data: bytes) -> None:
        self.sent += 1

    def receive(self, timeout: float | None = None) -> Any:
        time.sleep(min(timeout or 0.0, 0.05))
        raise TimeoutError


def _silent_bus() -> _Bus:
    from jeepney import DBusAddress, new_method_call

    bus = object.__new__(_Bus)
    bus._address_type, bus._method_call = DBusAddress, new_method_call
    bus._conn, bus._made, bus.broken = _Silent(), {}, False
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


def test_a_path_the_bus_refuses_is_skipped_not_sent() -> None:
    bus = _silent_bus()
    assert bus._message(((":1.9", "not a path"), atspi._ACCESSIBLE, "GetRole", None, ())) is None
    assert bus._message(((":1.9", "/ok"), atspi._ACCESSIBLE, "GetRole", None, ())) is not None


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

    def close(self) -> None:
        pass


def test_a_bus_that_went_away_is_said_in_one_line_and_opened_again_on_next_use() -> None:
    bus = _silent_bus()
    bus._conn, bus.broken = _Gone(), False
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
