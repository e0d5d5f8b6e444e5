"""The bound on how long the typist may hold the X server (app.platform.x11_hold): a stretch that outlasts it
has its connection cut, so that a call blocked on a reply that never comes fails instead of hanging."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from app.platform.x11_hold import ServerHold


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, server = socket.socketpair()
    yield ours, server
    ours.close()
    server.close()


def _blocked_read(sock: socket.socket) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(sock.recv(16)), daemon=True)
    reader.start()
    return reader, got


def test_a_read_that_outlasts_the_limit_is_cut_and_fails(pair: tuple[socket.socket, socket.socket]) -> None:
    ours, _server = pair  # the server never answers
    hold = ServerHold(ours, limit=0.2)
    hold.arm()
    reader, got = _blocked_read(ours)
    reader.join(10)
    assert not reader.is_alive() and got == [b""] and hold.tripped  # end of stream: the caller's call fails
    hold.close()


def test_a_stretch_disarmed_in_time_leaves_the_connection_alone(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, server = pair
    hold = ServerHold(ours, limit=0.2)
    for _ in range(3):
        hold.arm()
        server.sendall(b"reply")
        assert ours.recv(16) == b"reply"
        hold.disarm()
    reader, got = _blocked_read(ours)  # unarmed: however long the wait, nothing is cut
    reader.join(0.6)
    assert reader.is_alive() and not hold.tripped
    server.sendall(b"late")
    reader.join(10)
    assert got == [b"late"]
    hold.close()
