"""The X11 keyboard as typing sees it: which keysym types a character, the keyboard mapping read once per
call with its spare keycodes, and XTEST key events whose request bytes are made once."""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from Xlib import X
from Xlib.ext import xtest

__all__ = ["MODIFIER_KEYSYMS", "NAMED_KEYSYMS", "KeyEvents", "Keymap", "Stroke", "adjacent_runs", "batches",
           "keysym_for"]

RETURN_KEYSYM, TAB_KEYSYM = 0xFF0D, 0xFF09
UNICODE_KEYSYMS = 0x01000000
MODIFIER_KEYSYMS = {"ctrl": "Control_L", "alt": "Alt_L", "shift": "Shift_L", "super": "Super_L"}
NAMED_KEYSYMS = {
    "enter": "Return", "tab": "Tab", "space": "space", "escape": "Escape", "backspace": "BackSpace",
    "delete": "Delete", "insert": "Insert", "home": "Home", "end": "End", "pageup": "Prior",
    "pagedown": "Next", "up": "Up", "down": "Down", "left": "Left", "right": "Right", "menu": "Menu",
    "printscreen": "Print", **{f"f{n}": f"F{n}" for n in range(1, 25)},
}

Stroke = tuple[int, bool]
"""A keycode and whether Shift must be held to get the keysym wanted from it."""


def keysym_for(char: str) -> int:
    """The keysym that types `char`: newline is Return, tab is Tab, Latin-1 keysyms equal the code point,
    every other character has the Unicode keysym 0x01000000 + code point. Other control characters raise
    ValueError."""
    if char == "\n":
        return RETURN_KEYSYM
    if char == "\t":
        return TAB_KEYSYM
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0:
        raise ValueError(f"cannot type the control character U+{code:04X}")
    return code if code <= 0xFF else UNICODE_KEYSYMS + code


def batches(keysyms: Sequence[int], present: Container[int], capacity: int) -> Iterator[Sequence[int]]:
    """Split `keysyms` into consecutive batches, each needing at most `capacity` (≥ 1) distinct keysyms that
    are not in `present`."""
    start, missing = 0, set[int]()
    for index, keysym in enumerate(keysyms):
        if keysym in present or keysym in missing:
            continue
        if len(missing) == capacity:
            yield keysyms[start:index]
            start, missing = index, set()
        missing.add(keysym)
    if start < len(keysyms):
        yield keysyms[start:]


def adjacent_runs(keycodes: Sequence[int]) -> list[list[int]]:
    """Ascending keycodes grouped into runs of adjacent ones."""
    runs: list[list[int]] = []
    for keycode in keycodes:
        if runs and runs[-1][-1] == keycode - 1:
            runs[-1].append(keycode)
        else:
            runs.append([keycode])
    return runs


@dataclass
class Keymap:
    """The keyboard mapping as read at the start of one call, and what that call has put on spare keycodes."""

    first: int
    rows: list[tuple[int, ...]]
    strokes: dict[int, Stroke]
    """Keysym -> how to type it, for the keysyms the mapping already has (shift levels 1 and 2 only)."""
    spares: list[int]
    """Keycodes with no keysym and no modifier role; each can carry two keysyms (without and with Shift)."""
    placed: dict[Stroke, int] = field(default_factory=dict)
    """Spare keycode and shift level -> the keysym currently put there."""

    @classmethod
    def read(cls, display: Any) -> Keymap:
        first = display.display.info.min_keycode
        rows = [tuple(row) for row in display.get_keyboard_mapping(
            first, display.display.info.max_keycode - first + 1)]
        modifiers = {code for codes in display.get_modifier_mapping() for code in codes}
        strokes: dict[int, Stroke] = {}
        for shift in (False, True):
            for offset, row in enumerate(rows):
                if len(row) > shift and row[shift]:
                    strokes.setdefault(row[shift], (first + offset, shift))
        spares = [first + offset for offset, row in enumerate(rows)
                  if not any(row) and first + offset not in modifiers]
        return cls(first, rows, strokes, spares)

    @property
    def capacity(self) -> int:
        return 2 * len(self.spares)

    def slots(self) -> list[Stroke]:
        """Where keysyms can go, longest runs of adjacent spare keycodes first: each run rewritten costs a
        request, and every client (the window manager too) reloads its keymap on each."""
        runs = sorted(adjacent_runs(self.spares), key=len, reverse=True)
        return [(keycode, shift) for run in runs for keycode in run for shift in (False, True)]

    def row(self, keycode: int) -> tuple[int, ...]:
        """What `keycode` should carry now: the keysyms placed on it (one alone fills both levels, so Shift
        cannot change it), else its original row."""
        original = self.rows[keycode - self.first]
        low, high = self.placed.get((keycode, False), 0), self.placed.get((keycode, True), 0)
        if not low and not high:
            return original
        return (low or high, high or low, *(0,) * (len(original) - 2))

    def all_strokes(self) -> dict[int, Stroke]:
        return {**self.strokes, **{keysym: slot for slot, keysym in self.placed.items()}}


class Prebuilt:
    """A request whose bytes are already made, as python-xlib's Display queues requests."""

    __slots__ = ("_binary", "_serial")

    def __init__(self, binary: bytes) -> None:
        self._binary, self._serial = binary, 0

    @staticmethod
    def _set_error(error: object) -> int:
        return 0  # python-xlib's default handling of errors, as for any request not waited on


class KeyEvents:
    """XTEST key presses and releases, each one's request bytes made once per keycode: python-xlib makes
    every request anew, which was half the time typing took. This leans on python-xlib's request internals
    (`FakeInput._request`, `Display.send_request`, a request's `_binary`); the desktop typing tests fail
    loudly if a python-xlib release changes them."""

    def __init__(self, display: Any) -> None:
        self._display = display
        self._opcode = display.display.get_extension_major(xtest.extname)
        self._made: dict[tuple[int, int, int], bytes] = {}

    def send(self, event_type: int, keycode: int, delay_ms: int = 0) -> None:
        """Queue the event; the server carries it out `delay_ms` after reading it (XTEST's `time` field),
        which holds back this connection's later requests too."""
        binary = self._made.get((event_type, keycode, delay_ms))
        if binary is None:
            binary = self._made[event_type, keycode, delay_ms] = xtest.FakeInput._request.to_binary(
                opcode=self._opcode, event_type=event_type, detail=keycode, time=delay_ms,
                root=X.NONE, x=0, y=0)
        self._display.display.send_request(Prebuilt(binary), False)
