"""A pass-through for X connections on a display of its own, that can stop answering one client right after it
grabs the server: the client then holds the whole desktop while waiting for a reply that never comes (what
was seen once in twenty gnumeric replays, cause unknown)."""

from __future__ import annotations

import contextlib
import itertools
import os
import select
import socket
import struct
import threading
from pathlib import Path

GRAB_SERVER = 36
"""The core protocol's GrabServer opcode."""


class StallingProxy:
    """Listens as display `:N` and forwards every connection to `display`; after `stall_next_grab()`, the
    next connection to send GrabServer gets no more bytes from the server (its requests still go through,
    the grab among them) until it closes."""

    def __init__(self, display: str) -> None:
        self._target = f"/tmp/.X11-unix/X{display.lstrip(':').split('.')[0]}"
        for number in itertools.count(700):
            path = Path(f"/tmp/.X11-unix/X{number}")
            if not path.exists() and not Path(f"/tmp/.X{number}-lock").exists():
                break
        self.display, self._path = f":{number}", path
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(path))
        self._listener.listen(8)
        self._stall = threading.Event()
        self.stalled = threading.Event()
        """Set once a connection was stalled after its GrabServer."""
        self._closing = False
        self._threads: list[threading.Thread] = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def stall_next_grab(self) -> None:
        self._stall.set()

    def close(self) -> None:
        self._closing = True
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with contextlib.suppress(OSError):
            os.unlink(self._path)
        for pump in self._threads:
            pump.join(5)

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.connect(self._target)
            stalled = threading.Event()
            for pump in (threading.Thread(target=self._requests, args=(client, server, stalled), daemon=True),
                         threading.Thread(target=self._replies, args=(server, client, stalled), daemon=True,
                                          name=f"replies-{id(client)}")):
                pump.start()
                self._threads.append(pump)

    def _requests(self, client: socket.socket, server: socket.socket, stalled: threading.Event) -> None:
        """Client to server, request by request (to see GrabServer go by)."""
        buffer, order = b"", ""
        try:
            while data := client.recv(65536):
                buffer += data
                while True:
                    size = _request_size(buffer, order) if order else _setup_size(buffer)
                    if size is None or len(buffer) < size:
                        break
                    chunk, buffer = buffer[:size], buffer[size:]
                    server.sendall(chunk)
                    if not order:
                        order = "<" if chunk[0:1] == b"l" else ">"
                    elif chunk[0] == GRAB_SERVER and self._stall.is_set():
                        self._stall.clear()
                        stalled.set()
                        self.stalled.set()
        except OSError:
            pass
        finally:  # the client went: so does its connection to the server (and any grab it held)
            for end in (server, client):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
            for pump in self._threads:
                if pump is not threading.current_thread() and pump.name == f"replies-{id(client)}":
                    pump.join(5)
            server.close()
            client.close()

    @staticmethod
    def _replies(server: socket.socket, client: socket.socket, stalled: threading.Event) -> None:
        """Server to client, until stalled (then nothing more: the connection ends when the client goes)."""
        try:
            while not stalled.is_set():
                ready, _, _ = select.select([server], [], [], 0.1)
                if ready and not stalled.is_set():
                    data = server.recv(65536)
                    if not data:
                        return
                    client.sendall(data)
        except OSError:
            return


def _setup_size(buffer: bytes) -> int | None:
    """The size of the connection setup at the start of `buffer` (None: its header is not all there)."""
    if len(buffer) < 12:
        return None
    order = "<" if buffer[0:1] == b"l" else ">"
    name, data = struct.unpack(order + "HH", buffer[6:10])
    return 12 + name + (-name % 4) + data + (-data % 4)


def _request_size(buffer: bytes, order: str) -> int | None:
    """The size of the request at the start of `buffer` (None: its header is not all there)."""
    if len(buffer) < 4:
        return None
    (units,) = struct.unpack(order + "H", buffer[2:4])
    if units == 0:  # BIG-REQUESTS: the length follows
        if len(buffer) < 8:
            return None
        (units,) = struct.unpack(order + "I", buffer[4:8])
    return units * 4
