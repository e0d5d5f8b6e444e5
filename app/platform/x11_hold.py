"""A bound on how long Wayguide's typist may hold the X server.

The typist grabs the server around each chunk of keys (see app.platform.x11_input): while it holds it, no
other program on the desktop is served, the person's own window manager and screen included. A reply that
never comes (seen: the typist waiting on a focus query right after its grab, the server idle, 1 run in 20 of
a gnumeric replay) would then freeze the whole desktop for good. ServerHold cuts the typist's own connection
when a grabbed stretch lasts longer than its limit: the server drops a closed client's grab at once, the
blocked call fails, and typing stops with a sentence instead of a frozen desktop.

    hold = ServerHold(display.display.socket, GRAB_LIMIT_S)
    hold.arm()        # just before GrabServer
    ...               # the focus check, the chunk's keys, UngrabServer and its flush
    hold.disarm()
    hold.tripped      # True once the connection was cut (it cannot be used again)
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

__all__ = ["GRAB_LIMIT_S", "ServerHold"]

GRAB_LIMIT_S = 2.0
"""The longest a grabbed stretch may last: a chunk takes the server 15-35 ms to deliver (CHUNK_SERVER_S), a
focus check one round trip; two seconds is a server or a peer that stopped answering, not a busy one."""


class ServerHold:
    """Shuts `sock` down when an armed stretch outlasts `limit` seconds (one waiting thread per instance,
    blocked while nothing is armed: no polling)."""

    def __init__(self, sock: socket.socket, limit: float = GRAB_LIMIT_S) -> None:
        self._sock = sock
        self._limit = limit
        self._deadline = 0.0
        self._closed = False
        self.tripped = False
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self) -> None:
        with self._changed:
            self._deadline = time.monotonic() + self._limit
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="wayguide-server-hold", daemon=True)
                self._thread.start()
            self._changed.notify()

    def disarm(self) -> None:
        with self._changed:
            self._deadline = 0.0  # the waiting thread finds it so when it wakes: no need to wake it now

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify()
        if self._thread is not None:
            self._thread.join(1)

    def _watch(self) -> None:
        with self._changed:
            while not self._closed:
                if not self._deadline:
                    self._changed.wait()
                    continue
                remaining = self._deadline - time.monotonic()
                if remaining > 0:
                    self._changed.wait(remaining)
                    continue
                self._deadline, self.tripped = 0.0, True
                with contextlib.suppress(OSError):  # closed already
                    self._sock.shutdown(socket.SHUT_RDWR)


def spare_from_grabs(display_pointer: int) -> bool:
    """Make the Xlib connection at `display_pointer` (the GUI's own: Qt's QX11Application.display()) served
    even while another connection holds the server (XTEST's GrabControl). Without it the typist and the GUI
    deadlocked: the typist grabbed the server, the GUI thread then waited on an X reply inside a Qt call
    that keeps Python's GIL (QWidget.show), and the typist could not run again to let the server go; no
    Python thread (ServerHold's either) ran again. True when done; False where libXtst is missing."""
    import ctypes

    try:  # by soname: ctypes.util.find_library runs ldconfig in a subprocess (~20 ms at start-up)
        xtst, x11 = ctypes.CDLL("libXtst.so.6"), ctypes.CDLL("libX11.so.6")
    except OSError:
        return False
    xtst.XTestGrabControl.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    xtst.XTestGrabControl(ctypes.c_void_p(display_pointer), 1)
    x11.XFlush(ctypes.c_void_p(display_pointer))
    return True
