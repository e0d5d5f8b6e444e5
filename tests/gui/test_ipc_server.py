"""The app's IPC server in a Qt event loop, talked to by the real client on a worker thread."""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from app.platform import ipc, ipc_server
from app.platform.ipc import IpcError, RunRequest, finished, send, server_address
from app.platform.ipc_server import IpcServer, Reply

Messages = list[dict[str, Any]]


@pytest.fixture
def env() -> Iterator[dict[str, str]]:
    folder = tempfile.mkdtemp(prefix="wg-")  # unix socket paths are short (about 100 bytes)
    yield {"WAYGUIDE_RUNTIME_DIR": folder}
    shutil.rmtree(folder)


@pytest.fixture
def server(qtbot: QtBot, env: dict[str, str]) -> Iterator[IpcServer]:
    server = IpcServer(env)
    assert server.start() is True
    yield server
    server.close()


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(2) as pool:
        yield pool


class Client:
    """Runs the blocking client on a worker thread while the test spins the Qt event loop."""

    def __init__(self, qtbot: QtBot, pool: ThreadPoolExecutor, env: dict[str, str]) -> None:
        self.qtbot, self.pool, self.address = qtbot, pool, server_address(env)
        self.messages: Messages = []

    def start(self, request: dict[str, Any]) -> Future[Messages]:
        def run() -> Messages:
            for message in send(request, address=self.address, timeout=5):
                self.messages.append(message)
            return self.messages

        return self.pool.submit(run)

    def call(self, request: dict[str, Any]) -> Messages:
        return self.finish(self.start(request))

    def finish(self, future: Future[Messages]) -> Messages:
        self.qtbot.waitUntil(future.done, timeout=5000)
        return future.result()

    def raw(self, data: bytes) -> Messages:
        """Send bytes as they are; the reply lines until the server closes."""
        def run() -> Messages:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(5)
                sock.connect(self.address)
                sock.sendall(data)
                with sock.makefile("rb") as reader:
                    return [json.loads(line) for line in reader]

        return self.finish(self.pool.submit(run))


@pytest.fixture
def client(qtbot: QtBot, pool: ThreadPoolExecutor, env: dict[str, str]) -> Client:
    return Client(qtbot, pool, env)


@pytest.mark.parametrize("op", ["toggle", "show"])
def test_toggle_and_show(qtbot: QtBot, server: IpcServer, client: Client, op: str) -> None:
    signal = server.toggleRequested if op == "toggle" else server.showRequested
    with qtbot.waitSignal(signal, timeout=5000):
        assert client.call({"op": op}) == [{"ok": True}]


def test_ping(server: IpcServer, client: Client) -> None:
    assert client.call({"op": "ping"}) == [{"ok": True, "pid": os.getpid()}]


def test_run_is_answered_by_the_app(server: IpcServer, client: Client,
                                    caplog: pytest.LogCaptureFixture) -> None:
    received: list[RunRequest] = []

    def on_run(request: RunRequest, reply: Reply) -> None:
        received.append(request)
        reply.send({"ok": True})
        reply.close()

    server.runRequested.connect(on_run)
    request = RunRequest("mousepad.letter", "black", {"pin": "s3cret-1234"}, dry_run=True)
    with caplog.at_level(logging.DEBUG):
        assert client.call(request.message()) == [{"ok": True}]
    assert received == [request]
    assert "s3cret-1234" not in caplog.text


def test_run_refused(server: IpcServer, client: Client) -> None:
    def on_run(request: RunRequest, reply: Reply) -> None:
        reply.send({"ok": False, "error": f"no wizard with id '{request.wizard}'"})
        reply.close()

    server.runRequested.connect(on_run)
    with pytest.raises(IpcError, match=r"^no wizard with id 'nope'$"):
        client.call(RunRequest("nope").message())


def run_and_wait(qtbot: QtBot, server: IpcServer, client: Client) -> None:
    replies: list[Reply] = []

    def on_run(request: RunRequest, reply: Reply) -> None:
        reply.send({"ok": True})
        replies.append(reply)

    server.runRequested.connect(on_run)
    future = client.start(RunRequest("x", wait=True).message())
    qtbot.waitUntil(lambda: client.messages == [{"ok": True}], timeout=5000)
    assert not future.done()
    replies[0].send(finished("completed", "Letter started"))
    replies[0].close()
    assert client.finish(future) == [{"ok": True}, finished("completed", "Letter started")]


def test_run_wait_gets_the_finished_event_later(qtbot: QtBot, server: IpcServer, client: Client) -> None:
    run_and_wait(qtbot, server, client)


def test_the_qt_client_used_on_windows(qtbot: QtBot, server: IpcServer, client: Client,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ipc, "USE_QT", True)
    assert client.call({"op": "ping"}) == [{"ok": True, "pid": os.getpid()}]
    client.messages = []
    run_and_wait(qtbot, server, client)
    with pytest.raises(IpcError, match="unknown op"):
        client.call({"op": "nope"})


def test_a_client_that_leaves_during_a_run(qtbot: QtBot, server: IpcServer, client: Client) -> None:
    replies: list[Reply] = []

    def on_run(request: RunRequest, reply: Reply) -> None:
        reply.send({"ok": True})
        replies.append(reply)

    server.runRequested.connect(on_run)

    def leave_early() -> Messages:
        replies_ = send(RunRequest("x", wait=True).message(), address=client.address, timeout=5)
        first = next(replies_)
        replies_.close()  # e.g. Ctrl+C on `wayguide run --wait`
        return [first]

    assert client.finish(client.pool.submit(leave_early)) == [{"ok": True}]
    qtbot.waitUntil(lambda: not replies[0].is_open, timeout=5000)
    replies[0].send(finished("aborted", "nobody listens"))
    replies[0].close()
    assert client.call({"op": "ping"})[0]["ok"] is True


@pytest.mark.parametrize(("data", "error"), [
    (b"{not json\n", "not a JSON object"),
    (b'{"op": "run", "wizard": "x", "set": {"a": 1}}\n', "'set' must map input names to text"),
    (b"x" * ipc.MAX_MESSAGE, "too large"),  # any more would be unread at the close: the reply could be lost
    (b"\n", "not a JSON object"),
])
def test_malformed_requests_get_an_error_and_the_server_keeps_working(
        qtbot: QtBot, server: IpcServer, client: Client, data: bytes, error: str) -> None:
    [reply] = client.raw(data)
    assert reply["ok"] is False and error in reply["error"]
    with qtbot.waitSignal(server.toggleRequested, timeout=5000):
        assert client.call({"op": "toggle"}) == [{"ok": True}]


def test_an_incomplete_request_times_out(server: IpcServer, client: Client,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ipc_server, "REQUEST_TIMEOUT_MS", 100)
    [reply] = client.raw(b'{"op": "tog')
    assert reply == {"ok": False, "error": "incomplete request (a request is one JSON object and a newline)"}


def test_only_one_instance(qtbot: QtBot, server: IpcServer, env: dict[str, str], client: Client) -> None:
    second = IpcServer(env)
    assert second.start() is False
    assert client.call({"op": "ping"})[0]["ok"] is True  # the first one still serves
    server.close()
    third = IpcServer(env)
    assert third.start() is True
    third.close()


def test_a_socket_left_by_a_crash_is_replaced(qtbot: QtBot, env: dict[str, str], client: Client) -> None:
    leftover = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    leftover.bind(server_address(env))
    leftover.close()  # the file stays, nobody listens: what a killed app leaves behind
    server = IpcServer(env)
    assert server.start() is True
    assert client.call({"op": "ping"})[0]["ok"] is True
    server.close()


def test_a_plain_file_in_the_way_is_replaced(qtbot: QtBot, env: dict[str, str], client: Client) -> None:
    with open(server_address(env), "w") as leftover:
        leftover.write("junk")
    server = IpcServer(env)
    assert server.start() is True
    assert client.call({"op": "ping"})[0]["ok"] is True
    server.close()


def test_a_flood_of_connections_is_capped_and_the_server_lives_on(
        qtbot: QtBot, server: IpcServer, client: Client) -> None:
    extra = 8

    def flood() -> int:
        socks = []
        try:
            for _ in range(ipc_server.MAX_CONNECTIONS + extra):  # each sends nothing, holds on
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.connect(client.address)
                sock.settimeout(3.0)
                socks.append(sock)
            busy = 0
            for sock in socks[ipc_server.MAX_CONNECTIONS:]:  # those beyond the cap: told at once
                with sock.makefile("rb") as reader:
                    lines = reader.readlines()
                busy += [json.loads(line)["error"] for line in lines] == [
                    "Wayguide is busy with other requests; try again"]
            return busy
        finally:
            for sock in socks:
                sock.close()

    assert client.finish(client.pool.submit(flood)) == extra
    qtbot.waitUntil(lambda: not server._connections, timeout=5000)
    with qtbot.waitSignal(server.toggleRequested, timeout=5000):
        assert client.call({"op": "toggle"}) == [{"ok": True}]


def test_the_server_listens_again_after_qt_closed_it(qtbot: QtBot, env: dict[str, str],
                                                     client: Client) -> None:
    server = IpcServer(env)
    assert server.start() is True
    server._server.close()  # what Qt does when accepting fails (no descriptors left): socket gone
    assert not os.path.exists(client.address)
    qtbot.waitUntil(lambda: os.path.exists(client.address), timeout=5000)  # noticed by the folder watch
    assert client.call({"op": "ping"})[0]["ok"] is True
    server.close()
    assert not os.path.exists(client.address)
    qtbot.wait(200)
    assert not os.path.exists(client.address)  # closed on purpose: it stays closed


def test_a_deleted_socket_is_made_again(qtbot: QtBot, env: dict[str, str], client: Client) -> None:
    server = IpcServer(env)
    assert server.start() is True
    os.unlink(client.address)  # a clean-up script, or another program
    qtbot.waitUntil(lambda: os.path.exists(client.address), timeout=5000)
    assert client.call({"op": "ping"})[0]["ok"] is True
    server.close()


def test_the_idle_server_has_no_timer_running(server: IpcServer) -> None:
    assert not [timer for timer in server.findChildren(QTimer) if timer.isActive()]


def test_deeply_nested_requests_are_refused_and_the_server_keeps_working(
        qtbot: QtBot, server: IpcServer, client: Client) -> None:
    [reply] = client.raw(b"[" * 60_000 + b"\n")
    assert reply == {"ok": False, "error": f"request nested too deeply (limit {ipc.MAX_DEPTH} levels)"}
    assert client.call({"op": "ping"})[0]["ok"] is True


def test_record_is_answered_by_the_app_and_a_client_that_leaves_is_noticed(
        qtbot: QtBot, server: IpcServer, client: Client) -> None:
    replies: list[Reply] = []
    requests: list[ipc.RecordRequest] = []
    gone: list[bool] = []

    def on_record(request: ipc.RecordRequest, reply: Reply) -> None:
        requests.append(request)
        reply.when_gone(lambda: gone.append(True))
        reply.send({"ok": True})
        replies.append(reply)

    server.recordRequested.connect(on_record)

    def leave_early() -> Messages:
        replies_ = send(ipc.RecordRequest("/tmp/draft.yaml").message(), address=client.address, timeout=5)
        first = next(replies_)
        replies_.close()  # Ctrl+C on `wayguide record`
        return [first]

    assert client.finish(client.pool.submit(leave_early)) == [{"ok": True}]
    qtbot.waitUntil(lambda: gone == [True], timeout=5000)
    assert requests == [ipc.RecordRequest("/tmp/draft.yaml")]
    replies[0].send(finished("completed", "nobody listens"))  # does nothing, raises nothing
    replies[0].close()
    assert gone == [True]


def test_a_reply_closed_by_the_app_does_not_call_its_gone_callback(
        qtbot: QtBot, server: IpcServer, client: Client) -> None:
    gone: list[bool] = []

    def on_record(request: ipc.RecordRequest, reply: Reply) -> None:
        reply.when_gone(lambda: gone.append(True))
        reply.send({"ok": True})
        reply.close()

    server.recordRequested.connect(on_record)
    assert client.call(ipc.RecordRequest(stop=True).message()) == [{"ok": True}]
    qtbot.waitUntil(lambda: not server._connections, timeout=5000)  # the disconnect has come
    assert gone == []
