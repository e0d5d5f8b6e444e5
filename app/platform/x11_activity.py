"""Notices the person taking over while Wayguide performs: their keys, Escape, mouse (X11, XInput 2)."""

from __future__ import annotations

import select
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from Xlib import XK, error
from Xlib import display as xdisplay
from Xlib.ext import xinput

from app.i18n import N_
from app.ports import Activity, ProbeUnavailable

__all__ = ["POINTER_SLACK_PX", "OwnInput", "X11ActivityMonitor"]

POLL_S = 0.02
"""How often the pointer position is compared, besides every raw motion event: Xvfb sends no raw motion
for XTEST pointer moves (measured), so a move is also noticed by its position."""

POINTER_SLACK_PX = 3
"""A pointer this many pixels (or fewer) from where it was when performing began has not moved."""

_GENERIC_EVENT = 35
_RAW_KEY_PRESS, _RAW_BUTTON_PRESS, _RAW_MOTION = 13, 15, 17
_RAW_HEADER = struct.Struct("<HIIH")
"""The start of an XI2 raw event after the generic event header: deviceid, time, detail, sourceid."""


class OwnInput:
    """The keys and buttons Wayguide itself is sending, so that their raw events are not taken for the
    person's.

    XTEST input has no mark of its sender: Wayguide's keys, xdotool's and a remote-desktop tool's all come
    from the "Virtual core XTEST" devices. The injector records each key press here before sending it; the
    server keeps the order of one client's requests, so its raw events arrive in the same order, and a raw
    XTEST press that is not the next one expected is someone else's. Thread-safe; records only keycodes,
    never text."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: deque[int] = deque()
        self._buttons: deque[int] = deque()
        self._pointer = 0
        self._active = False

    def begin(self) -> None:
        with self._lock:
            self._keys.clear()
            self._buttons.clear()
            self._active = True

    def end(self) -> None:
        with self._lock:
            self._active = False
            self._keys.clear()
            self._buttons.clear()

    def key(self, keycode: int) -> None:
        with self._lock:
            if self._active:
                self._keys.append(keycode)

    def button(self, number: int) -> None:
        with self._lock:
            if self._active:
                self._buttons.append(number)

    @contextmanager
    def pointer(self) -> Iterator[None]:
        """While Wayguide moves the pointer (and puts it back)."""
        with self._lock:
            self._pointer += 1
        try:
            yield
        finally:
            with self._lock:
                self._pointer -= 1

    @property
    def moving_pointer(self) -> bool:
        return self._pointer > 0

    def claim_key(self, keycode: int) -> bool:
        """True, once, when `keycode` is the next key press Wayguide sent."""
        return self._claim(self._keys, keycode)

    def claim_button(self, number: int) -> bool:
        return self._claim(self._buttons, number)

    def _claim(self, queue: deque[int], value: int) -> bool:
        with self._lock:
            if queue and queue[0] == value:
                queue.popleft()
                return True
            return False


class X11ActivityMonitor:
    """Watches XInput 2 raw key, button and motion events on the root window while started.

    A press from a physical device is always the person's. A press from an XTEST device is Wayguide's only
    when `OwnInput` expected exactly that one next. The pointer counts as moved when it is more than
    POINTER_SLACK_PX from where it was, while Wayguide is not moving it itself. Each kind is reported once
    per start, on the monitor's thread. Between runs nothing is selected and no thread runs."""

    def __init__(self, own: OwnInput, display: str | None = None) -> None:
        self.own = own
        self._name = display
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self, on_activity: Callable[[Activity], None]) -> None:
        self.stop()
        try:
            conn: Any = xdisplay.Display(self._name)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
            raise ProbeUnavailable(N_("cannot open the X display: {problem}"), problem=exc) from None
        try:
            opcode = self._select(conn)
        except BaseException:
            conn.close()
            raise
        home = _pointer(conn)
        self._stopping = stopping = threading.Event()
        self.own.begin()
        self._thread = threading.Thread(target=self._watch, args=(conn, opcode, home, on_activity, stopping),
                                        name="wayguide-activity", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Returns at once; the thread closes its connection within POLL_S."""
        self._stopping.set()
        self._thread = None
        self.own.end()

    @staticmethod
    def _select(conn: Any) -> int:
        if not conn.has_extension(xinput.extname):
            raise ProbeUnavailable(N_("the X server has no XInput extension, which noticing you take over "
                                      "needs"))
        opcode = int(conn.display.get_extension_major(xinput.extname))
        version = xinput.XIQueryVersion(display=conn.display, opcode=opcode, major_version=2, minor_version=2)
        if (version.major_version, version.minor_version) < (2, 0):
            raise ProbeUnavailable(N_("the X server's XInput is older than 2.0"))
        conn.screen().root.xinput_select_events([(
            xinput.AllMasterDevices,
            xinput.RawKeyPressMask | xinput.RawButtonPressMask | xinput.RawMotionMask)])
        conn.sync()
        return opcode

    def _watch(self, conn: Any, opcode: int, home: tuple[int, int],
               on_activity: Callable[[Activity], None], stopping: threading.Event) -> None:
        xtest = _xtest_devices(conn)
        escape = conn.keysym_to_keycode(XK.string_to_keysym("Escape"))
        told: set[Activity] = set()

        def tell(kind: Activity) -> None:
            if kind not in told:
                told.add(kind)
                on_activity(kind)

        try:
            while not stopping.is_set():
                while conn.pending_events():
                    event = conn.next_event()
                    if event.type != _GENERIC_EVENT or getattr(event, "extension", opcode) != opcode:
                        continue
                    kind = self._judge(event, xtest, escape)
                    if kind is not None:
                        tell(kind)
                if stopping.is_set():
                    break
                # raw motion wakes the select; the position says whether it moved (ours is put back)
                if not self.own.moving_pointer and _far(_pointer(conn), home):
                    tell("pointer")
                select.select([conn], [], [], POLL_S)
        except (error.ConnectionClosedError, OSError):
            pass  # the display went away: nothing more to notice
        finally:
            conn.close()

    def _judge(self, event: Any, xtest: set[int], escape: int) -> Activity | None:
        raw = event._data.get("data", b"")
        if not isinstance(raw, bytes | bytearray) or len(raw) < _RAW_HEADER.size:
            return None
        _, _, detail, source = _RAW_HEADER.unpack_from(raw)
        if event.evtype == _RAW_KEY_PRESS:
            if source in xtest and self.own.claim_key(detail):
                return None
            return "escape" if detail == escape else "key"
        if event.evtype == _RAW_BUTTON_PRESS:
            if source in xtest and self.own.claim_button(detail):
                return None
            return "pointer"
        return None


def _xtest_devices(conn: Any) -> set[int]:
    devices = conn.xinput_query_device(xinput.AllDevices).devices
    return {int(d.deviceid) for d in devices if "XTEST" in str(d.name)}


def _pointer(conn: Any) -> tuple[int, int]:
    reply = conn.screen().root.query_pointer()
    return int(reply.root_x), int(reply.root_y)


def _far(position: tuple[int, int], home: tuple[int, int]) -> bool:
    return max(abs(position[0] - home[0]), abs(position[1] - home[1])) > POINTER_SLACK_PX
