"""Talking to the running Wayguide: newline-delimited JSON over a per-user local socket (client side)."""

from __future__ import annotations

import json
import os
import re
import socket
import sys
import time
import warnings
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, cast

import platformdirs

__all__ = [
    "MAX_DEPTH", "MAX_MESSAGE", "IpcError", "PreviewRequest", "ProtocolError", "RecordRequest", "Request",
    "RunRequest", "current_user_sid", "encode", "finished", "launch_app", "parse_request", "runtime_dir",
    "send", "server_address", "windows_pipe",
]

MAX_MESSAGE = 64 * 1024
"""Bytes in one message, newline included; a longer request is refused."""
MAX_DEPTH = 4
"""Nesting of arrays and objects in a request (a `run` needs 2); deeper ones are refused unparsed."""
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")
POLL_INTERVAL = 0.05
USE_QT = sys.platform == "win32"
"""Windows has no AF_UNIX sockets that Qt's server speaks: the client uses QLocalSocket there."""

SimpleOp = Literal["toggle", "show", "ping"]
Mode = Literal["glass", "black"]
Outcome = Literal["completed", "aborted", "failed"]
Replies = Generator[dict[str, Any], None, None]


class IpcError(Exception):
    """Wayguide could not be reached or refused a request; the message is one line for the person."""


class ProtocolError(ValueError):
    """A malformed request; the message is one line and never repeats the request's contents."""


@dataclass(frozen=True)
class RunRequest:
    """`wayguide run`: which wizard, how, with which inputs (private: never in repr or logs)."""

    wizard: str
    """A wizard id or an absolute file path."""
    mode: Mode | None = None
    inputs: Mapping[str, str] = field(default_factory=dict, repr=False)
    wait: bool = False
    dry_run: bool = False
    step: str | None = None
    """Start at this step (an author trying one)."""

    def message(self) -> dict[str, Any]:
        return {"op": "run", "wizard": self.wizard, "mode": self.mode, "set": dict(self.inputs),
                "wait": self.wait, "dry_run": self.dry_run, "step": self.step}


@dataclass(frozen=True)
class RecordRequest:
    """`wayguide record`: start recording a guide (the reply stays open until the draft is written
    and then says where), or with `stop` end the recording that runs."""

    out: str | None = None
    """Where the draft goes (an absolute path); None: a new file in the person's wizard folder."""
    stop: bool = False

    def message(self) -> dict[str, Any]:
        return {"op": "record", "out": self.out, "stop": self.stop}


@dataclass(frozen=True)
class PreviewRequest:
    """`wayguide preview`: a wizard file to preview in the panel, re-validated on every save."""

    path: str
    """An absolute file path (checked again by the app: anyone can send one)."""
    step: str | None = None
    """Start the preview at this step."""

    def message(self) -> dict[str, Any]:
        return {"op": "preview", "path": self.path, "step": self.step}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> PreviewRequest:
        _no_other_fields(data, {"op", "path", "step"})
        path, step = data.get("path"), data.get("step")
        if not isinstance(path, str) or not 0 < len(path) <= 4096 or "\0" in path \
                or not os.path.isabs(path):
            raise ProtocolError("preview: 'path' must be an absolute file path")
        if step is not None and (not isinstance(step, str) or not 0 < len(step) <= 200):
            raise ProtocolError("preview: 'step' must be a step id or null")
        return cls(path, step)


Request = SimpleOp | RunRequest | RecordRequest | PreviewRequest


def encode(message: Mapping[str, Any]) -> bytes:
    return (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def finished(outcome: Outcome, message: str) -> dict[str, Any]:
    """The last message of a `run --wait`, sent by the app when the run ends."""
    return {"event": "finished", "outcome": outcome, "message": message}


def parse_request(line: bytes) -> Request:
    """One request line (without its newline) -> the request; raise ProtocolError when malformed."""
    if len(line) >= MAX_MESSAGE:
        raise ProtocolError(f"request too large (limit {MAX_MESSAGE} bytes)")
    if _depth(line) > MAX_DEPTH:
        raise ProtocolError(f"request nested too deeply (limit {MAX_DEPTH} levels)")
    try:
        data = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ProtocolError("request is not a JSON object on one line") from None
    if not isinstance(data, dict):
        raise ProtocolError("request is not a JSON object on one line")
    op = data.get("op")
    if op in ("toggle", "show", "ping"):
        _no_other_fields(data, {"op"})
        return cast(SimpleOp, op)
    if op == "run":
        return _run_request(data)
    if op == "record":
        return _record_request(data)
    if op == "preview":
        return PreviewRequest.parse(data)
    raise ProtocolError("unknown op (expected toggle, show, run, record, preview or ping)")


def _run_request(data: dict[str, Any]) -> RunRequest:
    _no_other_fields(data, {"op", "wizard", "mode", "set", "wait", "dry_run", "step"})
    wizard, mode, inputs, step = data.get("wizard"), data.get("mode"), data.get("set", {}), data.get("step")
    if step is not None and (not isinstance(step, str) or not 0 < len(step) <= 200):
        raise ProtocolError("run: 'step' must be a step id or null")
    if not isinstance(wizard, str) or not wizard:
        raise ProtocolError("run: 'wizard' must be a wizard id or an absolute file path")
    if mode not in (None, "glass", "black"):
        raise ProtocolError("run: 'mode' must be glass, black or null")
    if not isinstance(inputs, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in inputs.items()):
        raise ProtocolError("run: 'set' must map input names to text")
    flags = {name: data.get(name, False) for name in ("wait", "dry_run")}
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise ProtocolError(f"run: '{name}' must be true or false")
    return RunRequest(wizard, mode, inputs, flags["wait"], flags["dry_run"], step)


def _record_request(data: dict[str, Any]) -> RecordRequest:
    _no_other_fields(data, {"op", "out", "stop"})
    out, stop = data.get("out"), data.get("stop", False)
    if out is not None and (not isinstance(out, str) or not os.path.isabs(out) or "\0" in out
                            or len(out) > 4096):
        raise ProtocolError("record: 'out' must be an absolute file path or null")
    if not isinstance(stop, bool):
        raise ProtocolError("record: 'stop' must be true or false")
    return RecordRequest(out, stop)


def _depth(line: bytes) -> int:
    """How deeply arrays and objects nest in `line`, brackets inside strings not counted (a
    malformed line may be over-counted: it is refused either way)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub(b'""', line)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _no_other_fields(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ProtocolError(f"{data['op']}: unknown field '{unknown[0][:40]}'")


# ------------------------------------------------------------------ where


def runtime_dir(env: Mapping[str, str] | None = None) -> Path:
    """The per-user folder for the socket (WAYGUIDE_RUNTIME_DIR overrides), created private (0700)."""
    env = os.environ if env is None else env
    if env.get("WAYGUIDE_RUNTIME_DIR"):
        path = Path(env["WAYGUIDE_RUNTIME_DIR"])
    else:
        try:
            with warnings.catch_warnings():  # "XDG_RUNTIME_DIR is not set": the fallback is fine
                warnings.simplefilter("ignore")
                path = Path(platformdirs.user_runtime_dir("wayguide"))
        except OSError:  # no XDG_RUNTIME_DIR, and /tmp/runtime-<uid> belongs to someone else
            path = _private_fallback(env)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if hasattr(os, "getuid"):
            if path.stat().st_uid != os.getuid():
                raise IpcError(f"{path} belongs to another user; set WAYGUIDE_RUNTIME_DIR")
            path.chmod(0o700)
    except OSError as exc:
        raise IpcError(f"cannot create {path}: {exc.strerror}") from None
    return path


def _private_fallback(env: Mapping[str, str]) -> Path:
    """A socket folder nobody else can have made first: in the person's own cache folder."""
    from app.paths import Paths

    return Paths.from_env(env).cache_dir / "run"


def server_address(env: Mapping[str, str] | None = None, platform: str = sys.platform,
                   sid: Callable[[], str] | None = None) -> str:
    """Where the running app listens: a socket path in the private runtime folder, or on Windows
    a pipe name (windows_pipe)."""
    if platform == "win32":
        return windows_pipe(sid or current_user_sid)[0]
    return str(runtime_dir(env) / "ipc.sock")


def windows_pipe(sid: Callable[[], str]) -> tuple[str, str]:
    """The named pipe of this Windows account and the security descriptor (SDDL) it must carry.

    The name holds the account's SID (unique, and the same in every session of that account), not
    only its user name, which another account can share across domains. The DACL is protected
    (inherits nothing) and grants the pipe to that SID alone, so no other account, an
    administrator's included, can connect to it; QLocalServer's UserAccessOption applies the
    equivalent DACL when it listens. Not tested on Windows here: `sid` is injectable for tests.
    A SID is not a secret: another account could create the name first (the app then cannot
    listen, and says so); having the client check the pipe server's account
    (GetNamedPipeServerProcessId) is left for a Windows machine to test."""
    try:
        found = sid()
    except OSError:
        found = ""
    if not re.fullmatch(r"S-1(-\d+){1,15}", found):
        raise IpcError("cannot tell which Windows account this is (no SID): `wayguide toggle` "
                       "and `run` will not reach the app")
    return f"wayguide-{found}", f"D:P(A;;GA;;;{found})"


def current_user_sid() -> str:  # pragma: no cover - Windows only
    """The SID of the account running this process, as text (S-1-5-21-…); OSError elsewhere."""
    if sys.platform != "win32":
        raise OSError("a SID exists only on Windows")
    import ctypes
    from ctypes import wintypes

    advapi32, kernel32 = ctypes.windll.advapi32, ctypes.windll.kernel32
    token = wintypes.HANDLE()
    if not advapi32.OpenProcessToken(kernel32.GetCurrentProcess(), 0x0008, ctypes.byref(token)):
        raise ctypes.WinError()
    try:
        size = wintypes.DWORD()
        advapi32.GetTokenInformation(token, 1, None, 0, ctypes.byref(size))  # 1: TokenUser
        buffer = ctypes.create_string_buffer(size.value)
        if not advapi32.GetTokenInformation(token, 1, buffer, size, ctypes.byref(size)):
            raise ctypes.WinError()
        text = wintypes.LPWSTR()
        sid_pointer = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_void_p))[0]
        if not advapi32.ConvertSidToStringSidW(ctypes.c_void_p(sid_pointer), ctypes.byref(text)):
            raise ctypes.WinError()
        try:
            return str(text.value)
        finally:
            kernel32.LocalFree(text)
    finally:
        kernel32.CloseHandle(token)


# ------------------------------------------------------------------ client


class _Channel(Protocol):
    def write(self, data: bytes, timeout: float) -> None: ...
    def read(self, timeout: float | None) -> bytes:
        """Some bytes; b"" when the server closed the connection; TimeoutError after `timeout` s."""
        ...
    def close(self) -> None: ...


class _SocketChannel:
    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def write(self, data: bytes, timeout: float) -> None:
        self._sock.settimeout(timeout)
        self._sock.sendall(data)

    def read(self, timeout: float | None) -> bytes:
        self._sock.settimeout(timeout)
        return self._sock.recv(MAX_MESSAGE)

    def close(self) -> None:
        self._sock.close()


class _QtChannel:
    def __init__(self, address: str, timeout: float) -> None:
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtNetwork import QLocalSocket

        self._app = QCoreApplication.instance() or QCoreApplication([])
        self._unconnected = QLocalSocket.LocalSocketState.UnconnectedState
        self._sock = QLocalSocket()
        self._sock.connectToServer(address)
        if not self._sock.waitForConnected(_ms(timeout)):
            raise ConnectionRefusedError(self._sock.errorString())

    def write(self, data: bytes, timeout: float) -> None:
        self._sock.write(data)
        if not self._sock.waitForBytesWritten(_ms(timeout)) and self._sock.bytesToWrite():
            raise TimeoutError

    def read(self, timeout: float | None) -> bytes:
        # Short waits: PySide holds the GIL while it blocks, and Ctrl+C must get through.
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._sock.bytesAvailable() and self._sock.state() != self._unconnected:
            left = POLL_INTERVAL if deadline is None else min(POLL_INTERVAL, deadline - time.monotonic())
            if left <= 0:
                raise TimeoutError
            self._sock.waitForReadyRead(_ms(left))
        return bytes(self._sock.readAll().data())

    def close(self) -> None:
        """Abort and delete the socket now, on this thread: its socket notifier belongs to the thread
        that made it, and a socket left to the garbage collector may be freed on another one (Qt then
        spins on a dead descriptor, or crashes)."""
        from shiboken6 import Shiboken

        if Shiboken.isValid(self._sock):
            self._sock.abort()
            Shiboken.delete(self._sock)


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


def _connect(address: str, timeout: float) -> _Channel | None:
    """A connection to the running app, or None when nobody listens (no socket, or a stale one)."""
    try:
        if USE_QT:
            return _QtChannel(address, timeout)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    except ConnectionRefusedError:
        return None
    try:
        sock.settimeout(timeout)
        sock.connect(address)
    except (FileNotFoundError, ConnectionRefusedError):
        sock.close()
        return None
    except TimeoutError:
        sock.close()
        raise IpcError("Wayguide is running but does not answer") from None
    except OSError as exc:
        sock.close()
        raise IpcError(f"cannot reach Wayguide at {address}: {exc.strerror}") from None
    return _SocketChannel(sock)


class _Process(Protocol):
    def poll(self) -> int | None: ...


def launch_app() -> _Process:
    """Start the tray app detached from this process (its own session, no terminal), environment inherited."""
    import subprocess  # only when starting the app: kept off the start-up path

    command = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "app"]
    if sys.platform == "win32":
        flags = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
        return subprocess.Popen(command, creationflags=flags, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.Popen(command, start_new_session=True, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def send(request: Mapping[str, Any], *, start_if_absent: bool = False, timeout: float = 10.0,
         address: str | None = None, launch: Callable[[], _Process] = launch_app) -> Replies:
    """Send one request to the running app and return an iterator over its reply messages.

    Connects at once (starting the app first when `start_if_absent`) and raises IpcError when that
    fails within `timeout` seconds. The first reply must come within `timeout` too; later ones (the
    `finished` event of a `run` with `wait`) may take as long as the run. A reply
    {"ok": false, "error": E} raises IpcError(E).
    """
    data = encode(request)
    if len(data) > MAX_MESSAGE:
        raise IpcError(f"request too large (limit {MAX_MESSAGE} bytes)")
    address = server_address() if address is None else address
    deadline = time.monotonic() + timeout
    channel = _connect(address, timeout)
    if channel is None:
        if not start_if_absent:
            raise IpcError("Wayguide is not running (start it with: wayguide)")
        channel = _start_and_connect(address, launch(), deadline, timeout)
    try:
        channel.write(data, max(POLL_INTERVAL, deadline - time.monotonic()))
    except OSError as exc:
        channel.close()
        raise IpcError(f"cannot send to Wayguide: {exc.strerror or 'timed out'}") from None
    return _replies(channel, deadline)


def _start_and_connect(address: str, process: _Process, deadline: float, timeout: float) -> _Channel:
    while True:
        time.sleep(POLL_INTERVAL)
        channel = _connect(address, max(POLL_INTERVAL, deadline - time.monotonic()))
        if channel is not None:
            return channel
        status = process.poll()
        if status is not None:  # (an app that found another instance exits too, after that one listens)
            raise IpcError(f"Wayguide exited while starting (status {status}); run `wayguide` to see why")
        if time.monotonic() > deadline:
            raise IpcError(f"Wayguide did not start within {timeout:g} s")


def _replies(channel: _Channel, deadline: float) -> Replies:
    buffer = b""
    first = True
    try:
        while True:
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                message = _decode_reply(line)
                first = False
                if message.get("ok") is False:
                    raise IpcError(str(message.get("error", "request refused")))
                yield message
            if len(buffer) >= MAX_MESSAGE:
                raise IpcError("Wayguide sent a reply that is too large")
            try:
                chunk = channel.read(max(POLL_INTERVAL, deadline - time.monotonic()) if first else None)
            except TimeoutError:
                raise IpcError("Wayguide did not answer in time") from None
            except OSError as exc:
                raise IpcError(f"lost the connection to Wayguide: {exc.strerror}") from None
            if not chunk:
                if buffer.strip():
                    raise IpcError("Wayguide closed the connection in the middle of a reply")
                return
            buffer += chunk
    finally:
        channel.close()


def _decode_reply(line: bytes) -> dict[str, Any]:
    try:
        message = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        message = None
    if not isinstance(message, dict):
        raise IpcError("Wayguide sent a reply that is not a JSON object")
    return message
