"""What the X server tells a recording (app.platform.x11_capture), in the order it happened: key
presses (XInput 2 raw events from every keyboard, XTEST's too) read through the keyboard mapping at that
moment, button presses with where the pointer was, the window in front and the list of windows changing.
One connection and one thread, blocked on the connection and a wake pipe: no polling."""

from __future__ import annotations

import contextlib
import os
import select
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from Xlib import XK, X, error
from Xlib import display as xdisplay
from Xlib.ext import xinput

from app.i18n import N_
from app.platform.capture_keys import Key, KeyMeaning, meaning  # (loads the keysym names used here)
from app.ports import ProbeUnavailable

__all__ = ["ActiveChanged", "ButtonPressed", "KeyPressed", "WindowsChanged", "X11Source"]

_GENERIC_EVENT = 35
_RAW_KEY_PRESS, _RAW_KEY_RELEASE, _RAW_BUTTON_PRESS = 13, 14, 15
_RAW_HEADER = struct.Struct("<HIIH")
"""The start of an XI2 raw event after the generic event header: deviceid, time, detail, sourceid."""
_MODIFIERS = {**dict.fromkeys(("Shift_L", "Shift_R"), "shift"),
              **dict.fromkeys(("Control_L", "Control_R"), "ctrl"),
              **dict.fromkeys(("Alt_L", "Alt_R", "Meta_L", "Meta_R"), "alt"),
              **dict.fromkeys(("Super_L", "Super_R", "Hyper_L", "Hyper_R"), "super"),
              **dict.fromkeys(("ISO_Level3_Shift", "Mode_switch"), "altgr")}
_MODIFIER_KEYSYMS = {XK.string_to_keysym(name): role for name, role in _MODIFIERS.items()
                     if XK.string_to_keysym(name)}
_UNKNOWN = "\ufffd"
"""A key that types a character the keyboard mapping read here does not have (a keycode remapped for a
moment, as xdotool does for characters missing from the keymap)."""
POINTER_BUTTONS = {1: "left", 2: "middle", 3: "right"}


@dataclass(frozen=True)
class KeyPressed:
    t: float
    meaning: KeyMeaning
    """Text keys pressed into a password field carry no text (see `secret`)."""


@dataclass(frozen=True)
class ButtonPressed:
    t: float
    button: str
    x: int
    y: int


@dataclass(frozen=True)
class ActiveChanged:
    t: float
    handle: int


@dataclass(frozen=True)
class WindowsChanged:
    t: float
    handles: tuple[int, ...]


SourceEvent = KeyPressed | ButtonPressed | ActiveChanged | WindowsChanged


class X11Source:
    """Reports SourceEvents through `on_event` on its own thread until stop(). `secret()` is asked at each
    text key: while it says the focus is in a password field, a text key's character is not even looked up."""

    def __init__(self, display: str | None, on_event: Callable[[SourceEvent], None],
                 secret: Callable[[], bool]) -> None:
        self._on_event = on_event
        self._secret = secret
        try:
            self._conn: Any = xdisplay.Display(display)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
            raise ProbeUnavailable(N_("cannot open the X display: {problem}"), problem=exc) from None
        try:
            self._select()
        except BaseException:
            self._conn.close()
            raise
        self._read_mapping()
        self._held: dict[int, str] = {}
        keys = self._conn.query_keymap()
        for keycode, role in self._roles.items():
            if keys[keycode // 8] >> (keycode % 8) & 1:
                self._held[keycode] = role
        self._wake = os.pipe()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wayguide-capture-x", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Returns once the thread has ended (its connection closed)."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            os.write(self._wake[1], b"x")
        if self._thread.is_alive():
            self._thread.join(5)
        for fd in self._wake:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._wake = (-1, -1)

    def _select(self) -> None:
        conn = self._conn
        if not conn.has_extension(xinput.extname):
            raise ProbeUnavailable(N_("the X server has no XInput extension, which recording needs"))
        opcode = int(conn.display.get_extension_major(xinput.extname))
        version = xinput.XIQueryVersion(display=conn.display, opcode=opcode, major_version=2, minor_version=2)
        if (version.major_version, version.minor_version) < (2, 0):
            raise ProbeUnavailable(N_("the X server's XInput is older than 2.0"))
        self._opcode = opcode
        root = self._root = conn.screen().root
        root.xinput_select_events([(xinput.AllMasterDevices, xinput.RawKeyPressMask | xinput.RawKeyReleaseMask
                                    | xinput.RawButtonPressMask)])
        root.change_attributes(event_mask=X.PropertyChangeMask)
        self._active_atom = conn.intern_atom("_NET_ACTIVE_WINDOW")
        self._clients_atom = conn.intern_atom("_NET_CLIENT_LIST")
        conn.sync()

    def _read_mapping(self) -> None:
        conn = self._conn
        self._first = conn.display.info.min_keycode
        count = conn.display.info.max_keycode - self._first + 1
        self._rows = [tuple(row) for row in conn.get_keyboard_mapping(self._first, count)]
        self._roles = {}
        for offset, row in enumerate(self._rows):
            role = next((_MODIFIER_KEYSYMS[sym] for sym in row[:2] if sym in _MODIFIER_KEYSYMS), None)
            if role is not None:
                self._roles[self._first + offset] = role

    def _run(self) -> None:
        conn, wake = self._conn, self._wake[0]
        try:
            self._report_windows(active=True, clients=True)
            while not self._stopping.is_set():
                while conn.pending_events() and not self._stopping.is_set():
                    self._handle(conn.next_event())
                if self._stopping.is_set():
                    break
                ready, _, _ = select.select([conn.fileno(), wake], [], [])
                if wake in ready:
                    break
            # stopped: what happened before the stop was asked for may not be read yet (a click just before
            # Ctrl+C, under load): a round trip brings every event up to now, each handled
            conn.sync()
            while conn.pending_events():
                self._handle(conn.next_event())
        except (error.ConnectionClosedError, OSError):
            pass  # the display went away: nothing more to see
        finally:
            with contextlib.suppress(Exception):  # a connection the server closed raises again here
                conn.close()

    def _handle(self, event: Any) -> None:
        if event.type == X.MappingNotify:
            self._read_mapping()  # the mapping now, which may already be past the one a key was typed with
            return
        if event.type == X.PropertyNotify:
            self._report_windows(active=event.atom == self._active_atom,
                                 clients=event.atom == self._clients_atom)
            return
        if event.type != _GENERIC_EVENT or getattr(event, "extension", self._opcode) != self._opcode:
            return
        raw = event._data.get("data", b"")
        if not isinstance(raw, bytes | bytearray) or len(raw) < _RAW_HEADER.size:
            return
        _, _, detail, _ = _RAW_HEADER.unpack_from(raw)
        now = time.monotonic()
        if event.evtype == _RAW_KEY_RELEASE:
            self._held.pop(detail, None)
        elif event.evtype == _RAW_KEY_PRESS:
            role = self._roles.get(detail)
            if role is not None:
                self._held[detail] = role
                return
            self._on_event(KeyPressed(now, self._meaning(detail)))
        elif event.evtype == _RAW_BUTTON_PRESS and detail in POINTER_BUTTONS:
            where = self._root.query_pointer()
            self._on_event(ButtonPressed(now, POINTER_BUTTONS[detail], int(where.root_x), int(where.root_y)))

    def _meaning(self, keycode: int) -> KeyMeaning:
        held = set(self._held.values())
        offset = keycode - self._first
        row = self._rows[offset] if 0 <= offset < len(self._rows) else ()
        level = (4 if "altgr" in held else 0) + (1 if "shift" in held else 0)
        base = row[0] if row else 0
        typed = row[level] if len(row) > level else 0
        if not typed and level & 1 and len(row) > level - 1:  # no shifted keysym: the unshifted one
            typed = row[level - 1]
        typed = typed or base
        modifiers = frozenset(held - {"altgr"})
        if not base and not typed:
            commanding = modifiers & {"ctrl", "alt", "super"}
            found = KeyMeaning("none") if commanding else KeyMeaning("text", _UNKNOWN)
        else:
            found = meaning(Key(base, typed, modifiers))
        if found.kind == "text" and self._secret():
            return KeyMeaning("text")
        return found

    def _report_windows(self, active: bool, clients: bool) -> None:
        now = time.monotonic()
        if clients:
            value = _property(self._root, self._clients_atom)
            self._on_event(WindowsChanged(now, tuple(int(h) for h in value)))
        if active:
            value = _property(self._root, self._active_atom)
            self._on_event(ActiveChanged(now, int(value[0]) if len(value) else 0))


def _property(window: Any, atom: int) -> Any:
    try:
        prop = window.get_full_property(atom, X.AnyPropertyType)
    except error.XError:
        return ()
    return prop.value if prop is not None else ()
