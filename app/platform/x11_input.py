"""Exact Unicode typing and key combos into the focused X11 window through XTEST (python-xlib)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

from Xlib import XK, X, error
from Xlib import display as xdisplay
from Xlib.ext import xtest
from Xlib.protocol import request

from app.format.combo import validate_combo
from app.i18n import N_
from app.platform.x11_activity import OwnInput
from app.platform.x11_hold import GRAB_LIMIT_S, ServerHold
from app.platform.x11_keys import (
    MODIFIER_KEYSYMS,
    NAMED_KEYSYMS,
    KeyEvents,
    Keymap,
    Stroke,
    adjacent_runs,
    batches,
    keysym_for,
)
from app.platform.x11_signs import ServerSigns
from app.ports import ProbeUnavailable

__all__ = [
    "BARRIER_CHARS", "CHUNK_SERVER_S", "FOCUS_CHUNK_CHARS", "REMAP_SETTLE_S",
    "REPEAT_DELAY_MS", "RESTORE_SETTLE_S", "UNPACED_CHUNK_CHARS", "X11Injector", "fitting_chunk",
]

REMAP_SETTLE_S = 0.02
"""Pause after remapping spare keycodes, before typing on them, so that clients see the new mapping first.
Measured on Debian 12 (Xvfb): with ~20 ms here and before the restore, 2,000 mixed characters arrived exactly
in stock xterm in 15 of 15 runs; with no pauses in 1 of 10. (Leaving out only this one still gave 4 of 4.)"""

RESTORE_SETTLE_S = 0.1
"""Pause after keys typed on remapped keycodes, before those are changed again or restored, for windows that
do not answer _NET_WM_PING (stock xterm). Xlib clients fetch a changed mapping lazily, when they look up the
next key after reading the MappingNotify: keys still queued would be read with the next mapping. Measured:
without it 2 of 4 runs of 2,000 characters needing 5 remaps were exact in xterm; with ~20 ms all were on an
idle machine; with 3 busy processes on the 2 cores, the test text (several remaps) was exact in 3 of 6 runs
with 20 ms and in 6 of 8 with 100 ms. It delays only the return of typing, not the arrival of the text."""

BARRIER_CHARS = 64
"""While typing into a window that answers _NET_WM_PING, wait for its answer every this many characters, so
that it never has more than that many keys queued: stopping typing then stops it at once in the application
too (mousepad reads ~3,500 keys/s: 64 keys are ~20 ms)."""

FOCUS_CHUNK_CHARS = 64
"""While typing into a named window, how many characters go in one chunk: the server is grabbed, the focus
checked (one round trip) and the chunk's keys sent, then the server is let go. No other client's request (the
window manager's focus change among them) is carried out while the keys are delivered, so the focus cannot
move in the middle of a chunk and no character reaches another window; the round trip is paid once a chunk
instead of once a character (a check per character made guarded typing 0.44x as fast as raw into xterm;
chunks of 32 0.86x). Other clients are served between chunks only, so a window switch, which takes the
window manager a chain of round trips, could starve: one asked for mid-typing was seen to land only after
21,000 characters (mousepad sets _NET_WM_USER_TIME on every key it reads, and openbox answers each change
with round trips, one per gap between chunks). Typing therefore watches for a switch being asked for or made
(see ServerSigns._switch_sign): it stops at once when another window is asked to come in front, and leaves
the server free while a switch settles. A divisor of BARRIER_CHARS, so that the pace pings fall between
chunks, never inside a grab. Into a window that does not answer pings, chunks are UNPACED_CHUNK_CHARS."""

UNPACED_CHUNK_CHARS = (16, 256)
"""The smallest and largest chunk into a window that does not answer _NET_WM_PING (xterm); within them chunks
are sized so that the server delivers one in CHUNK_SERVER_S."""

CHUNK_SERVER_S = 0.015
"""How long the server may take to deliver one chunk into a window that does not answer pings. It delivers
the chunk's keys while grabbed (256 characters took Xvfb 25-35 ms into xterm), so meanwhile no other client
is served, an Escape sent by one (xdotool) among them, and a chunk sent cannot be called back: stopping takes
up to about twice this, plus the terminal's own lag. Chunks of 256 let the last character arrive 108 ms after
an Escape on a loaded machine; the size is worked out afresh from how fast the server delivered the latest
chunk, so it shrinks when the machine is busy. Smaller chunks cost a round trip each (guarded typing into
xterm: 0.93x as fast as raw with chunks of 256, 0.90x with 128, 0.88x with 64; sized to 15 ms, 0.93x)."""

FLUSH_EVENTS = 16
"""Within a chunk, key events are sent to the server this many at a time, so that it starts on them while the
rest are queued (the server is grabbed: nothing else can use it meanwhile)."""

PACED_S = 0.001
"""A `proceed()` that took longer than this waited on purpose (visible pace): the chunk goes out at once."""

REPEAT_DELAY_MS = 1
"""XTEST delay (ms) before pressing the keycode that was pressed last, for a repeated character ("ll", "00").
Events sent at once carry the same server timestamp, and Xlib applications that detect auto-repeat the
classic way (LibreOffice's X11 backend: a release followed by a press of the same key at the same time is a
repeat) drop the second character: 'Müller' arrived as 'Müler' and '1000' as '10' in 6 of 6 runs. A later
timestamp makes it a new key press; only repeated characters wait (a real keyboard cannot release and press
within the same millisecond either)."""

FOCUS_FLICKER_S = 0.05
"""When the focus leaves the window being typed into, how long to wait for it to settle before stopping."""

POINTER_BACK_S = 0.5
"""After a click, how long the pointer may take to be back where it was (a menu's grab delays the move)."""

log = logging.getLogger(__name__)

REPAIR_WAIT_S = 2.0
"""After a cut connection, how long the next call waits for the new one to have mended what it left."""

HELD_TOO_LONG = N_("the X server did not answer for {seconds} s while Wayguide held it to type "
                   "(another program may be holding it); typing stopped and the desktop was let go")

_BUTTONS = {"left": 1, "middle": 2, "right": 3}
class X11Injector:
    """Types text and presses key combos through XTEST, as if on the keyboard.

    Input goes to whichever window has the keyboard focus: this class does not choose, check or change it;
    the caller makes sure the intended window is in front first (and that the person is not holding keys).
    Characters the keyboard mapping lacks are put on spare keycodes for the duration of one call and the
    original mapping is restored exactly afterwards, also when the call fails; no key is left pressed.
    The typed text is never logged. Use one instance from one thread at a time.
    """

    def __init__(self, display: str | None = None, own: OwnInput | None = None) -> None:
        self._own = own
        """Told about every key and button press before it is sent (see OwnInput)."""
        self._name = display
        self._display: Any = None
        self._repair: threading.Thread | None = None
        """Mending what a cut connection left (see _cut_off), while it runs."""
        self._connect()
        self._held: list[int] = []
        self._lost: Keymap | None = None
        """The mapping of a call whose connection was cut (see ServerHold), with what it had remapped."""
        self._focus_cache: tuple[int, int, bool] = (0, 0, False)
        """(focus window, `into`, whether the focus is inside `into`) of the latest check."""
        self._last_char = 0
        """The keycode of the latest character or combo key pressed (see REPEAT_DELAY_MS)."""
        self._grabbed = False
        self._released: Any = None
        """The round trip sent with the latest release of the server, while not waited for (see _ungrab)."""
        self._unpaced = UNPACED_CHUNK_CHARS[0] * 4
        """The size of the next chunk into a window that does not answer pings (see CHUNK_SERVER_S)."""
        self._flight: tuple[int, float] = (0, 0.0)
        """(characters, when the grab began) of the chunk whose release is not answered yet."""

    def _connect(self) -> None:
        """Open the connection and what works on it (the key sender, the signs, the hold on the server)."""
        try:
            self._display = xdisplay.Display(self._name)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
            raise ProbeUnavailable(N_("cannot open the X display: {problem}"), problem=exc) from None
        if not self._display.has_extension("XTEST"):
            self._display.close()
            raise ProbeUnavailable(N_("the X server has no XTEST extension, which typing needs"))
        self._root = self._display.screen().root
        self._keys = KeyEvents(self._display)
        self._signs = ServerSigns(self._display, self._root)
        self._hold = ServerHold(self._display.display.socket)

    @contextmanager
    def _cut_off(self) -> Iterator[None]:
        """A public call: when the hold on the server cut the connection (see ServerHold), the call fails in
        one sentence while a new connection releases the keys left down and restores what was remapped,
        on a thread of its own (another program may still hold the server); the next call waits for it."""
        if self._repair is not None:
            self._repair.join(REPAIR_WAIT_S)
            if self._repair.is_alive():
                raise ProbeUnavailable(HELD_TOO_LONG, seconds=f"{GRAB_LIMIT_S:g}")
            self._repair = None
            if self._display is None:
                self._connect()
        try:
            yield
        except (error.ConnectionClosedError, OSError):
            if not self._hold.tripped:
                raise
            log.warning("typing: the X server did not answer for %g s while held; the connection was cut",
                        GRAB_LIMIT_S)
            self._begin_repair()
            raise ProbeUnavailable(HELD_TOO_LONG, seconds=f"{GRAB_LIMIT_S:g}") from None

    def _begin_repair(self) -> None:
        self._hold.close()
        with contextlib.suppress(Exception):
            self._display.close()
        held, lost = list(self._held), self._lost
        self._held, self._lost, self._display = [], None, None
        self._grabbed, self._released, self._flight, self._focus_cache = False, None, (0, 0.0), (0, 0, False)
        self._repair = threading.Thread(target=_mend, args=(self, held, lost), name="wayguide-x-repair",
                                        daemon=True)
        self._repair.start()

    def type_text(self, text: str, into: int = 0, proceed: Callable[[], bool] | None = None) -> int:
        """Type `text` exactly ('\\n' as Return, '\\t' as Tab); returns how many characters were typed, once
        every key has reached the X server (and, where characters had to be remapped, a window that answers
        pings has read them).

        `proceed()` is asked before each character; when it returns False, typing stops there. With `into`
        (a top-level window; 0: any) the characters go in chunks (FOCUS_CHUNK_CHARS, UNPACED_CHUNK_CHARS):
        for each, the server is grabbed, the focus checked to be inside `into` and the keys sent before the
        server is let go, so the focus cannot move while a chunk is delivered and no character reaches another
        window; when `into` no longer holds the focus, typing stops there (the count is exact: the rest can be
        typed later). A focus that follows the pointer (PointerRoot) is never inside `into`: nothing is typed.
        Raises ValueError, before typing anything, for other control characters."""
        keysyms = [keysym_for(char) for char in text]
        self._focus_cache = (0, 0, False)
        self._signs.proceed = proceed
        with self._cut_off():
            return self._type(keysyms, into, proceed)

    def _type(self, keysyms: list[int], into: int, proceed: Callable[[], bool] | None) -> int:
        typed = 0
        try:
            with self._session() as keymap:
                if not keymap.spares and any(keysym not in keymap.strokes for keysym in keysyms):
                    raise ProbeUnavailable(N_("the keyboard mapping has no spare keycode for characters it "
                                              "lacks"))
                barrier = self._signs.ping_target()
                self._signs.pending = 0
                self._signs.watch(into, barrier is not None)
                for batch in batches(keysyms, keymap.strokes, keymap.capacity):
                    self._remap(keymap, batch)
                    done = self._type_batch(batch, keymap.all_strokes(), into, proceed, barrier, typed)
                    typed += done
                    if done < len(batch):
                        break
        finally:
            self._signs.pending, self._signs.proceed = 0, None
            if not self._hold.tripped:
                self._ungrab()
                self._signs.unwatch()
                self._display.sync()
        return typed

    def focus_within(self, into: int) -> bool:
        """Whether the keyboard focus is in `into` or one of its children (one round trip)."""
        focus = self._display.get_input_focus().focus
        focus_id = focus if isinstance(focus, int) else int(focus.id)
        cached_focus, cached_into, inside = self._focus_cache
        if (cached_focus, cached_into) == (focus_id, into):
            return inside
        inside = False
        window = focus
        try:
            while hasattr(window, "query_tree") and window != self._root:
                if int(window.id) == into:
                    inside = True
                    break
                window = window.query_tree().parent
        except error.XError:
            inside = False
        self._focus_cache = (focus_id, into, inside)
        return inside

    def _keeps_focus(self, into: int) -> bool:
        """Whether `into` holds the focus, allowing FOCUS_FLICKER_S for it to come back: while the window
        manager switches windows the focus is briefly on none of them. Nothing is typed meanwhile."""
        if self.focus_within(into):
            return True
        deadline = time.monotonic() + FOCUS_FLICKER_S
        while time.monotonic() < deadline:
            time.sleep(FOCUS_FLICKER_S / 10)
            focus = self._display.get_input_focus().focus
            if (focus if isinstance(focus, int) else int(focus.id)) != self._focus_cache[0]:
                return self.focus_within(into)  # it moved on: judge where it went
        return False

    def click(self, x: int, y: int, button: str = "left") -> None:
        """Move the pointer to (x, y) on the desktop, click, and move it back, all through XTEST."""
        number = _BUTTONS[button]
        with self._cut_off():
            _click(self._display, self._root, self._own, (x, y), number)

    def press_keys(self, combo: str, into: int = 0) -> bool:
        """Press a combo such as "ctrl+shift+s" (as app.format.combo.validate_combo writes it) once: the
        modifiers down in order, the key down and up, the modifiers up in reverse. Shift is added when the
        key's character needs it on this keyboard (ctrl+? is ctrl+shift+slash on a US layout)."""
        modifiers, key = _split_combo(combo)
        keysym = XK.string_to_keysym(NAMED_KEYSYMS[key]) if key in NAMED_KEYSYMS else keysym_for(key)
        with self._cut_off():
            return self._press(modifiers, key, keysym, into)

    def _press(self, modifiers: list[str], key: str, keysym: int, into: int) -> bool:
        if into and not self.focus_within(into):
            return False
        with self._session() as keymap:
            if keysym not in keymap.strokes and not keymap.spares:
                raise ProbeUnavailable(N_("the keyboard mapping has no spare keycode for '{key}'"), key=key)
            self._remap(keymap, [keysym])
            strokes = keymap.all_strokes()
            keycode, shift = strokes[keysym]
            if shift and "shift" not in modifiers:
                modifiers.append("shift")
            if into and not self._grab_focused(into):
                return False
            try:
                for modifier in modifiers:
                    self._down(strokes[XK.string_to_keysym(MODIFIER_KEYSYMS[modifier])][0])
                self._down(keycode, REPEAT_DELAY_MS if keycode == self._last_char and not modifiers else 0)
                self._last_char = keycode
                self._release_all()
            finally:
                if not self._hold.tripped:
                    self._ungrab()
        return True

    def keymap_snapshot(self) -> tuple[tuple[int, ...], ...]:
        """The full keyboard mapping (every keycode's keysyms), to check that it came back unchanged."""
        first = self._display.display.info.min_keycode
        count = self._display.display.info.max_keycode - first + 1
        return tuple(tuple(row) for row in self._display.get_keyboard_mapping(first, count))

    def close(self) -> None:
        if self._repair is not None:
            self._repair.join(REPAIR_WAIT_S)
        self._hold.close()
        if self._display is not None:
            self._display.close()

    @contextmanager
    def _session(self) -> Iterator[Keymap]:
        """Read the mapping; afterwards release every key still down and restore what was remapped."""
        keymap = Keymap.read(self._display)
        try:
            yield keymap
        finally:
            if self._hold.tripped:  # the connection was cut: mended on a new one (see _cut_off)
                self._lost = keymap
            else:
                self._restore(keymap)

    def _restore(self, keymap: Keymap) -> None:
        self._release_all()
        self._signs.proceed = None  # stopped or not: keys sent are read with the mapping sent for them
        if keymap.placed:
            self._signs.wait_for_client(RESTORE_SETTLE_S)
            changed = {keycode for keycode, _ in keymap.placed}
            keymap.placed.clear()
            self._send_rows(keymap, changed)
        self._display.sync()
        self._signs.drain()

    def _remap(self, keymap: Keymap, keysyms: Sequence[int]) -> None:
        """Put every keysym in `keysyms` that the mapping lacks on a spare keycode, keeping those already
        placed, then let clients catch up."""
        wanted = [keysym for keysym in dict.fromkeys(keysyms) if keysym not in keymap.strokes]
        placed = set(keymap.placed.values())
        free = iter([slot for slot in keymap.slots() if keymap.placed.get(slot) not in wanted])
        assigned = {next(free): keysym for keysym in wanted if keysym not in placed}
        if not assigned:
            return
        if keymap.placed:
            self._signs.wait_for_client(RESTORE_SETTLE_S)
        keymap.placed.update(assigned)
        self._send_rows(keymap, {keycode for keycode, _ in assigned})
        self._display.sync()
        time.sleep(REMAP_SETTLE_S)

    def _send_rows(self, keymap: Keymap, keycodes: set[int]) -> None:
        """Rewrite the runs of adjacent spare keycodes that contain `keycodes`: one request per run, never
        spanning a used keycode (a request across used keycodes corrupts the mapping under XKB)."""
        for run in adjacent_runs(keymap.spares):
            if keycodes.intersection(run):
                self._display.change_keyboard_mapping(run[0], [keymap.row(code) for code in run])

    def _type_batch(self, batch: Sequence[int], strokes: dict[int, Stroke], into: int,
                    proceed: Callable[[], bool] | None, barrier: Any, before: int) -> int:
        """Type `batch` while the focus and `proceed` allow, a chunk at a time; how many were typed."""
        shift_code = strokes[XK.string_to_keysym("Shift_L")][0]
        done, chunk, refused = 0, list[int](), False
        try:
            for keysym in batch:
                began = time.monotonic()
                if proceed is not None and not proceed():
                    break
                chunk.append(keysym)
                paced = time.monotonic() - began > PACED_S
                if barrier is not None:
                    full = (before + done + len(chunk)) % FOCUS_CHUNK_CHARS == 0
                else:
                    full = len(chunk) >= self._unpaced
                if paced or full:
                    sent = self._send_chunk(chunk, strokes, shift_code, into, proceed)
                    done += sent
                    if sent < len(chunk):
                        refused = True  # the focus left `into`, or `proceed` said stop: nothing more
                        break
                    chunk = []
                    if barrier is not None and (before + done) % BARRIER_CHARS == 0:
                        self._signs.pace(barrier)
            if chunk and not refused:  # those `proceed` allowed before it said stop, or the batch's last
                done += self._send_chunk(chunk, strokes, shift_code, into, proceed)
        finally:
            self._released, self._flight = None, (0, 0.0)  # its answer is read by the next round trip
        self._display.sync()
        return done

    def _send_chunk(self, chunk: Sequence[int], strokes: dict[int, Stroke], shift: int, into: int,
                    proceed: Callable[[], bool] | None = None) -> int:
        """Send the keys of `chunk`, with the server grabbed and the focus checked first when `into` is
        given; how many characters were sent: all, none when `into` does not hold the focus, or those
        before `proceed` said stop (asked each time a batch of events goes out, so that a person taking
        over stops a long chunk at once; a chunk of more than one character only ever follows calls of
        `proceed` that returned at once). The key events are worked out before the grab, so that the
        server is held for as short as can be."""
        events: list[tuple[bool, int, int]] = []
        """(press, keycode, XTEST delay): the chunk's key events, Shift only around the characters needing it
        (never a modifier held while the server is free: a click would be shifted)."""
        shifted, previous = False, self._last_char
        for keysym in chunk:
            keycode, level = strokes[keysym]
            if level != shifted:
                events.append((level, shift, 0))
                shifted = level
            events.append((True, keycode, REPEAT_DELAY_MS if keycode == previous else 0))
            events.append((False, keycode, 0))
            previous = keycode
        if shifted:
            events.append((False, shift, 0))
        if into and not self._grab_focused(into):
            return 0
        began = time.monotonic()
        if proceed is not None and len(chunk) > 1 and not proceed():  # it waited for the server: ask again
            if into:
                self._ungrab()
            return 0
        sent, last, shift_down, unflushed = 0, 0, False, 0
        try:
            for press, keycode, delay in events:
                if press:
                    self._down(keycode, delay)
                else:
                    self._up(keycode)
                unflushed += 1
                if keycode == shift:
                    shift_down = press
                    continue
                if press:
                    continue
                sent, last = sent + 1, keycode
                if unflushed >= FLUSH_EVENTS:
                    self._display.flush()
                    unflushed = 0
                    if proceed is not None and sent < len(chunk) and not proceed():
                        break
            if shift_down:
                self._up(shift)
            self._last_char = last
        finally:
            if into:
                self._ungrab()
                self._flight = (sent, began)
            else:
                self._display.flush()  # the application can start on them while the next chunk is made
        return sent

    def _grab_focused(self, into: int) -> bool:
        """Grab the server and check that the focus is inside `into`: True with the server grabbed (until
        _ungrab), else False with it free. A focus briefly elsewhere is given FOCUS_FLICKER_S to come back,
        with the server free (the window manager is switching)."""
        if self._released is not None:
            self._released.reply()  # the server has let the waiting clients in since (see _ungrab)
            self._released = None
            chars, began = self._flight
            if chars:
                self._unpaced = fitting_chunk(chars, time.monotonic() - began, self._unpaced)
                self._flight = (0, 0.0)
        if not self._signs.settle():
            return False
        for _ in range(3):
            self._hold.arm()
            self._display.grab_server()
            self._grabbed = True
            if self.focus_within(into):
                return True
            self._ungrab()
            if not self._keeps_focus(into):
                return False
        return False

    def _ungrab(self) -> None:
        """Let the server go, after the keys queued before it, with a round trip that the next grab waits
        for: between the two the server serves the other clients waiting (the window manager's focus change
        among them). Without it the next grab arrived with the release and the window manager starved: a
        focus change asked for mid-typing waited 2.5-4 s, until the typing ended. Not waiting here lets the
        next chunk be worked out while the server delivers this one."""
        if self._grabbed:
            self._grabbed = False
            self._display.ungrab_server()
            self._released = request.GetInputFocus(display=self._display.display, defer=True)
            self._display.flush()
            self._hold.disarm()

    def _down(self, keycode: int, delay_ms: int = 0) -> None:
        """Press `keycode`, `delay_ms` after the server reads the request (see REPEAT_DELAY_MS)."""
        self._held.append(keycode)  # before sending: a release too many is harmless, a stuck key is not
        if self._own is not None:
            self._own.key(keycode)
        self._keys.send(X.KeyPress, keycode, delay_ms)

    def _up(self, keycode: int) -> None:
        self._keys.send(X.KeyRelease, keycode)
        self._held.remove(keycode)  # after sending: when sending fails, the cleanup tries again

    def _release_all(self) -> None:
        """Release every key still down, last pressed first."""
        while self._held:
            self._up(self._held[-1])



def _click(display: Any, root: Any, own: OwnInput | None, at: tuple[int, int], number: int) -> None:
    """X11Injector.click: the pointer to `at`, button `number` pressed and released, the pointer back."""
    was = root.query_pointer()
    with own.pointer() if own is not None else nullcontext():
        xtest.fake_input(display, X.MotionNotify, x=at[0], y=at[1])
        if own is not None:
            own.button(number)
        xtest.fake_input(display, X.ButtonPress, number)
        xtest.fake_input(display, X.ButtonRelease, number)
        display.sync()
        xtest.fake_input(display, X.MotionNotify, x=int(was.root_x), y=int(was.root_y))
        display.sync()
        # a menu the click opened may hold the pointer frozen (a synchronous grab): the server then carries
        # out the move back only later, and until it does the pointer is not where the person left it; the
        # move counts as Wayguide's until it is back
        deadline = time.monotonic() + POINTER_BACK_S
        while time.monotonic() < deadline:
            now = root.query_pointer()
            if (now.root_x, now.root_y) == (was.root_x, was.root_y):
                break
            time.sleep(0.005)


def _mend(typist: X11Injector, held: list[int], lost: Keymap | None) -> None:
    """After a cut connection (X11Injector._cut_off), on a thread of its own: connect again, release the
    keys left down and restore what was remapped."""
    try:
        typist._connect()
        for keycode in reversed(held):
            typist._keys.send(X.KeyRelease, keycode)
        if lost is not None and lost.placed:
            changed = {keycode for keycode, _ in lost.placed}
            lost.placed.clear()
            typist._send_rows(lost, changed)
        typist._display.sync()
    except Exception as exc:  # the next call connects again
        log.warning("typing: could not reconnect to the X server: %s", type(exc).__name__)
        typist._display = None

def fitting_chunk(chars: int, took: float, previous: int) -> int:
    """The size of the next chunk into a window that does not answer pings, after the server took `took`
    seconds to deliver a chunk of `chars` characters (see CHUNK_SERVER_S): within UNPACED_CHUNK_CHARS, and at
    most twice `previous`, so that one quick answer does not make the next chunk very large."""
    smallest, largest = UNPACED_CHUNK_CHARS
    fits = int(chars * CHUNK_SERVER_S / max(took, 1e-6))
    return max(smallest, min(largest, 2 * previous, fits))


def _split_combo(combo: str) -> tuple[list[str], str]:
    normal = validate_combo(combo)
    if normal.endswith("++"):
        return normal[:-2].split("+"), "+"
    *modifiers, key = normal.split("+")
    return modifiers, key
