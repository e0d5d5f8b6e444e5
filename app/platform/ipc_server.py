"""The running app's end of app.platform.ipc: one instance per person, each request a Qt signal."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QLockFile, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.platform.ipc import (
    MAX_MESSAGE,
    IpcError,
    PreviewRequest,
    ProtocolError,
    RecordRequest,
    RunRequest,
    encode,
    parse_request,
    runtime_dir,
    server_address,
)

__all__ = ["IpcServer", "Reply"]

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_MS = 5000
"""A client must send its whole request line within this time, or it is disconnected."""
LOCK_TIMEOUT_MS = 5000
MAX_CONNECTIONS = 32
"""Clients served at once; any further one is told so and closed at once (a flood of connections
must not use up the app's file descriptors: Qt would then close the server for good)."""
RETRY_MS = 1000
"""After listening again failed (e.g. still no file descriptor free), how long before trying once more."""


class Reply:
    """The way back to one client. Send any number of messages, then close; once the client has gone
    (e.g. a `run --wait` interrupted with Ctrl+C) both do nothing."""

    def __init__(self, sock: QLocalSocket) -> None:
        self._sock: QLocalSocket | None = sock
        self._on_gone: Callable[[], None] | None = None
        sock.disconnected.connect(self._gone)
        sock.destroyed.connect(self._gone)

    @property
    def is_open(self) -> bool:
        return self._sock is not None

    def send(self, message: Mapping[str, Any]) -> None:
        if self._sock is not None:
            self._sock.write(encode(message))
            self._sock.flush()

    def close(self) -> None:
        """Disconnect once everything sent has been written."""
        self._on_gone = None
        if self._sock is not None:
            self._sock.disconnectFromServer()

    def when_gone(self, callback: Callable[[], None]) -> None:
        """Call `callback` once, when the client goes before this side closed (e.g. Ctrl+C)."""
        self._on_gone = callback

    def _gone(self) -> None:
        self._sock = None
        callback, self._on_gone = self._on_gone, None
        if callback is not None:
            callback()


class IpcServer(QObject):
    """Listens on the per-user address of app.platform.ipc and emits a signal for each request.

    toggle, show and ping are answered {"ok": true} at once. For `run` the receiver of runRequested
    answers through the Reply: {"ok": true} or {"ok": false, "error": "one line"}, then closes it, or
    with `wait` keeps it and later sends `app.platform.ipc.finished(...)` and closes. Request contents are
    never logged: inputs given with --set may be private.
    """

    toggleRequested = Signal()
    showRequested = Signal()
    runRequested = Signal(object, object)
    """(RunRequest, Reply)"""
    recordRequested = Signal(object, object)
    """(RecordRequest, Reply): answered like a run with `wait`."""
    previewRequested = Signal(object, object)
    """(PreviewRequest, Reply): the receiver answers and closes the Reply, as for `run`."""

    def __init__(self, env: Mapping[str, str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._env = env
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._connections: set[_Connection] = set()
        self._address = ""
        self._folder: QFileSystemWatcher | None = None
        """Watches the socket's folder (inotify: no cost while idle): Qt deletes the socket when it stops
        listening by itself, which is how that is noticed."""
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self._recover)

    def start(self) -> bool:
        """Listen; False when another live instance already does. A socket left by a crash is replaced.

        Raises IpcError when the address cannot be used at all (the app can run on without it).
        """
        address = server_address(self._env)
        lock = QLockFile(str(runtime_dir(self._env) / "ipc.lock"))
        if not lock.tryLock(LOCK_TIMEOUT_MS):  # serialises two instances starting at once
            log.warning("could not lock the instance check; going on without the lock")
        try:
            probe = QLocalSocket()
            probe.connectToServer(address)
            if probe.waitForConnected(1000):
                probe.abort()
                return False
            QLocalServer.removeServer(address)
            if not self._server.listen(address):
                raise IpcError(f"cannot listen on {address}: {self._server.errorString()}")
            self._address = address
            if self._folder is None and sys.platform != "win32":
                self._folder = QFileSystemWatcher([os.path.dirname(address)], self)
                self._folder.directoryChanged.connect(self._recover)
            return True
        finally:
            lock.unlock()

    def listening(self) -> bool:
        """Whether `wayguide toggle` and `wayguide run` reach this server now."""
        return bool(self._server.isListening())

    def close(self) -> None:
        self._retry.stop()
        if self._folder is not None:
            self._folder.directoryChanged.disconnect(self._recover)
            self._folder.removePaths(self._folder.directories())
            self._folder = None
        self._server.close()

    def _recover(self) -> None:
        """Listen again where Qt stopped (it closes the server, deleting the socket, when accepting
        fails, e.g. with no file descriptors left) or the socket was deleted: otherwise the next
        `wayguide toggle` would find nobody and start a second instance. Called when the socket's folder
        changes, and again a second later while listening fails (e.g. descriptors still used up)."""
        if self._folder is None:
            return  # closed on purpose: it stays closed
        if self._server.isListening() and os.path.exists(self._address):
            return
        error = self._server.errorString()
        probe = QLocalSocket()
        probe.connectToServer(self._address)
        if probe.waitForConnected(200):  # someone else took the address meanwhile: leave it
            probe.abort()
            log.warning("the IPC server stopped and another instance now listens at %s", self._address)
            self.close()
            return
        self._server.close()
        QLocalServer.removeServer(self._address)
        if self._server.listen(self._address):
            log.warning("the IPC server had stopped (%s); listening again", error or "socket removed")
        else:
            self._retry.start()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            if len(self._connections) >= MAX_CONNECTIONS:
                sock.write(encode({"ok": False, "error": "Wayguide is busy with other requests; "
                                   "try again"}))
                sock.disconnectFromServer()  # once written, or at once
                sock.disconnected.connect(sock.deleteLater)
                if sock.state() == QLocalSocket.LocalSocketState.UnconnectedState:
                    sock.deleteLater()
                continue
            connection = _Connection(sock, self._dispatch)
            self._connections.add(connection)
            sock.disconnected.connect(lambda c=connection: self._connections.discard(c))
            sock.disconnected.connect(sock.deleteLater)
            connection.begin()

    def _dispatch(self, line: bytes, reply: Reply) -> None:
        try:
            request = parse_request(line)
        except ProtocolError as exc:
            reply.send({"ok": False, "error": str(exc)})
            reply.close()
            return
        if isinstance(request, RunRequest):
            self.runRequested.emit(request, reply)
            return
        if isinstance(request, RecordRequest):
            self.recordRequested.emit(request, reply)
            return
        if isinstance(request, PreviewRequest):
            self.previewRequested.emit(request, reply)
            return
        reply.send({"ok": True, "pid": os.getpid()} if request == "ping" else {"ok": True})
        reply.close()
        if request == "toggle":
            self.toggleRequested.emit()
        elif request == "show":
            self.showRequested.emit()


class _Connection:
    """Reads one request line from a client (bounded in size and time) and hands it on."""

    def __init__(self, sock: QLocalSocket, dispatch: Callable[[bytes, Reply], None]) -> None:
        self._sock = sock
        self._dispatch = dispatch
        self._buffer = bytearray()
        self._done = False
        self._reply = Reply(sock)
        sock.setReadBufferSize(MAX_MESSAGE)
        self._timer = QTimer(sock)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)
        sock.readyRead.connect(self._read)

    def begin(self) -> None:
        self._timer.start(REQUEST_TIMEOUT_MS)
        if self._sock.bytesAvailable():
            self._read()

    def _read(self) -> None:
        if self._done or not self._reply.is_open:
            return  # one request per connection: anything after it is ignored
        self._buffer += self._sock.readAll().data()
        end = self._buffer.find(b"\n")
        if end >= 0:
            line = bytes(self._buffer[:end])
            self._finish()
            self._dispatch(line, self._reply)
        elif len(self._buffer) >= MAX_MESSAGE:
            self._refuse(f"request too large (limit {MAX_MESSAGE} bytes)")

    def _timed_out(self) -> None:
        if not self._done:
            self._refuse("incomplete request (a request is one JSON object and a newline)")

    def _refuse(self, error: str) -> None:
        self._finish()
        self._reply.send({"ok": False, "error": error})
        self._reply.close()

    def _finish(self) -> None:
        self._done = True
        self._timer.stop()
        self._buffer.clear()
