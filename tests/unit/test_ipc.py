"""The IPC protocol and the client, against a stand-in app on a plain unix socket (no Qt)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.platform import ipc
from app.platform.ipc import (
    IpcError,
    ProtocolError,
    RecordRequest,
    RunRequest,
    encode,
    finished,
    parse_request,
    send,
)

# ------------------------------------------------------------------ protocol


@pytest.mark.parametrize(("line", "request_"), [
    (b'{"op": "toggle"}', "toggle"),
    (b'{"op": "show"}', "show"),
    (b'{"op": "ping"}', "ping"),
    (b'{"op": "run", "wizard": "mousepad.letter"}', RunRequest("mousepad.letter")),
    ('{"op":"run","wizard":"/w/a.yaml","mode":"black","set":{"customer":"Zoë"},"wait":true,'
     '"dry_run":true}'.encode(), RunRequest("/w/a.yaml", "black", {"customer": "Zoë"}, True, True)),
    (b'{"op": "run", "wizard": "x", "mode": null, "set": {}, "wait": false, "dry_run": false}',
     RunRequest("x")),
    (b'{"op": "run", "wizard": "x", "step": "save"}', RunRequest("x", step="save")),
    (b'{"op": "run", "wizard": "x", "step": null}', RunRequest("x")),
    (b'{"op": "record"}', RecordRequest()),
    (b'{"op": "record", "out": "/home/a/draft.yaml"}', RecordRequest("/home/a/draft.yaml")),
    (b'{"op": "record", "out": null, "stop": true}', RecordRequest(stop=True)),
])
def test_parse_request(line: bytes, request_: object) -> None:
    assert parse_request(line) == request_


@pytest.mark.parametrize(("line", "error"), [
    (b"toggle", "not a JSON object"),
    (b'["toggle"]', "not a JSON object"),
    (b"\xff\xfe", "not a JSON object"),
    (b"{}", "unknown op"),
    (b'{"op": "explode"}', "unknown op"),
    (b'{"op": "toggle", "force": true}', "toggle: unknown field 'force'"),
    (b'{"op": "run"}', "'wizard' must be"),
    (b'{"op": "run", "wizard": ""}', "'wizard' must be"),
    (b'{"op": "run", "wizard": 7}', "'wizard' must be"),
    (b'{"op": "run", "wizard": "x", "mode": "grey"}', "'mode' must be glass, black or null"),
    (b'{"op": "run", "wizard": "x", "set": ["a=b"]}', "'set' must map"),
    (b'{"op": "run", "wizard": "x", "set": {"n": 42}}', "'set' must map"),
    (b'{"op": "run", "wizard": "x", "wait": "yes"}', "'wait' must be true or false"),
    (b'{"op": "run", "wizard": "x", "dry_run": 1}', "'dry_run' must be true or false"),
    (b'{"op": "run", "wizard": "x", "sett": {}}', "run: unknown field 'sett'"),
    (b'{"op": "run", "wizard": "x", "step": 3}', "'step' must be a step id or null"),
    (b'{"op": "run", "wizard": "x", "step": ""}', "'step' must be a step id or null"),
    (b'{"op": "record", "out": "draft.yaml"}', "'out' must be an absolute file path or null"),
    (b'{"op": "record", "out": "/a/\\u0000b"}', "'out' must be an absolute file path or null"),
    (b'{"op": "record", "out": 3}', "'out' must be an absolute file path or null"),
    (b'{"op": "record", "stop": "now"}', "'stop' must be true or false"),
    (b'{"op": "record", "wizard": "x"}', "record: unknown field 'wizard'"),
    (b'{"op": "ping", "pad": "' + b"x" * ipc.MAX_MESSAGE + b'"}', "too large"),
])
def test_parse_request_rejects(line: bytes, error: str) -> None:
    with pytest.raises(ProtocolError, match=r"^[^\n]*$") as info:
        parse_request(line)
    assert error in str(info.value)


def test_errors_never_repeat_private_values() -> None:
    with pytest.raises(ProtocolError) as info:
        parse_request(b'{"op": "run", "wizard": "x", "set": {"pin": 1234}, "mode": "hunter2"}')
    assert "hunter2" not in str(info.value) and "1234" not in str(info.value)
    assert "hunter2" not in repr(RunRequest("x", inputs={"password": "hunter2"}))


@pytest.mark.parametrize("request_", [
    RunRequest("a.b", "glass", {"note": "line 1\nline 2", "name": "Zoë"}, wait=True),
    RecordRequest("/home/zoë/Entwürfe/draft.yaml"),
    RecordRequest(stop=True),
])
def test_a_request_survives_the_wire(request_: RunRequest | RecordRequest) -> None:
    line = encode(request_.message())
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert parse_request(line[:-1]) == request_


def test_finished() -> None:
    assert finished("aborted", "stopped by you") == {
        "event": "finished", "outcome": "aborted", "message": "stopped by you"}


# ------------------------------------------------------------------ where


def test_runtime_dir_is_private(tmp_path: Path) -> None:
    target = tmp_path / "run" / "wayguide"
    assert ipc.runtime_dir({"WAYGUIDE_RUNTIME_DIR": str(target)}) == target
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    target.chmod(0o755)
    ipc.runtime_dir({"WAYGUIDE_RUNTIME_DIR": str(target)})
    assert stat.S_IMODE(target.stat().st_mode) == 0o700


def test_runtime_dir_of_someone_else_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "getuid", lambda: os.stat(tmp_path).st_uid + 1)
    with pytest.raises(IpcError, match="belongs to another user"):
        ipc.runtime_dir({"WAYGUIDE_RUNTIME_DIR": str(tmp_path)})


def test_runtime_dir_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(IpcError, match=r"^cannot create"):
        ipc.runtime_dir({"WAYGUIDE_RUNTIME_DIR": str(tmp_path / "file" / "sub")})


def test_a_foreign_tmp_runtime_folder_falls_back_to_a_private_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No XDG_RUNTIME_DIR, and /tmp/runtime-<uid> made by someone else first (issue 11, 7):
    platformdirs refuses it with PermissionError; the socket goes into the person's cache folder."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or Path(f"/run/user/{os.geteuid()}").exists():
        def refuse(*_: object, **__: object) -> str:
            raise PermissionError("runtime directory /tmp/runtime-1000 is owned by uid 0, not 1000")
        monkeypatch.setattr(ipc.platformdirs, "user_runtime_dir", refuse)
    else:  # the real thing: a folder of another user's where platformdirs looks
        foreign = tmp_path / "tmp" / f"runtime-{os.geteuid()}"
        foreign.mkdir(parents=True, mode=0o700)
        os.chown(foreign, 65534, 65534)
        monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    env = {"WAYGUIDE_CACHE_DIR": str(tmp_path / "cache")}
    assert ipc.runtime_dir(env) == tmp_path / "cache" / "run"
    assert stat.S_IMODE((tmp_path / "cache" / "run").stat().st_mode) == 0o700
    assert ipc.server_address(env, "linux") == str(tmp_path / "cache" / "run" / "ipc.sock")


def test_server_address(tmp_path: Path) -> None:
    env = {"WAYGUIDE_RUNTIME_DIR": str(tmp_path)}
    assert ipc.server_address(env, "linux") == str(tmp_path / "ipc.sock")
    sid = "S-1-5-21-1004336348-1177238915-682003330-512"
    assert ipc.server_address(env, "win32", lambda: sid) == f"wayguide-{sid}"


def test_the_windows_pipe_carries_the_account_sid_and_a_dacl_for_it_alone() -> None:
    sid = "S-1-5-21-1004336348-1177238915-682003330-1001"
    name, sddl = ipc.windows_pipe(lambda: sid)
    assert name == f"wayguide-{sid}"
    assert sddl == f"D:P(A;;GA;;;{sid})"  # protected: nothing inherited; one ACE, this account
    other = ipc.windows_pipe(lambda: "S-1-5-21-1004336348-1177238915-682003330-1002")
    assert other[0] != name

    def no_sid() -> str:
        raise OSError("no token")

    for lookup in (no_sid, lambda: "", lambda: "Jane Doe", lambda: "S-1-5-21-1;(A;;GA;;;WD)"):
        with pytest.raises(IpcError, match="no SID"):
            ipc.windows_pipe(lookup)
    with pytest.raises(OSError):
        ipc.current_user_sid()  # only Windows has SIDs


@pytest.mark.parametrize("line", [b"[" * 60_000, b'{"op": "run", "set": ' + b"{" * 50_000,
                                  b'{"op": "toggle", "x": [[[[[[1]]]]]]}', b"[" * 1_000 + b"]" * 1_000])
def test_deep_nesting_is_refused_without_a_recursion_error(line: bytes) -> None:
    with pytest.raises(ProtocolError, match=r"nested too deeply|too large"):
        parse_request(line)


def test_brackets_inside_text_are_not_nesting() -> None:
    line = json.dumps({"op": "run", "wizard": "x", "set": {"note": '[[[[[{{{{{\\"' * 100}}).encode()
    request = parse_request(line)
    assert isinstance(request, RunRequest) and request.inputs["note"].startswith("[[[[[{{{{{")


# ------------------------------------------------------------------ client


@pytest.fixture
def address() -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="wg-")  # unix socket paths are short (about 100 bytes)
    yield os.path.join(folder, "ipc.sock")
    shutil.rmtree(folder)


class FakeApp:
    """Accepts one connection, records the request line, answers with `replies` then closes.

    Before each reply that is None it waits for `proceed` (the test sets it)."""

    def __init__(self, address: str, replies: list[bytes | None]) -> None:
        self.replies = replies
        self.request: dict[str, object] = {}
        self.proceed = threading.Event()
        self.listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listening.bind(address)
        self.listening.listen(1)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listening.accept()
        with conn, conn.makefile("rb") as reader:
            self.request = json.loads(reader.readline())
            for reply in self.replies:
                if reply is None:
                    self.proceed.wait(10)
                else:
                    conn.sendall(reply)

    def close(self) -> None:
        self.proceed.set()
        self.thread.join(10)
        self.listening.close()


@pytest.fixture
def apps() -> Iterator[list[FakeApp]]:
    started: list[FakeApp] = []
    yield started
    for app in started:
        app.close()


def test_not_running(address: str) -> None:
    with pytest.raises(IpcError, match=r"^Wayguide is not running \(start it with: wayguide\)$"):
        send({"op": "toggle"}, address=address)


def test_a_stale_socket_counts_as_not_running(address: str) -> None:
    leftover = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    leftover.bind(address)
    leftover.close()
    assert os.path.exists(address)
    with pytest.raises(IpcError, match="not running"):
        send({"op": "toggle"}, address=address)


def test_a_request_too_large_is_not_sent(address: str) -> None:
    with pytest.raises(IpcError, match="request too large"):
        send(RunRequest("x", inputs={"text": "x" * ipc.MAX_MESSAGE}).message(), address=address)


def test_toggle(address: str, apps: list[FakeApp]) -> None:
    apps.append(FakeApp(address, [b'{"ok": true}\n']))
    assert list(send({"op": "toggle"}, address=address)) == [{"ok": True}]
    assert apps[0].request == {"op": "toggle"}


def test_an_error_reply_raises(address: str, apps: list[FakeApp]) -> None:
    apps.append(FakeApp(address, [b'{"ok": false, "error": "no wizard with id \'x\'"}\n']))
    with pytest.raises(IpcError, match=r"^no wizard with id 'x'$"):
        list(send(RunRequest("x").message(), address=address))


def test_run_wait_streams_the_finished_event(address: str, apps: list[FakeApp]) -> None:
    done = encode(finished("completed", "Letter started"))
    apps.append(FakeApp(address, [b'{"ok": true}\n', None, done[:10], done[10:]]))
    replies = send(RunRequest("x", inputs={"a": "b"}, wait=True).message(), address=address, timeout=0.5)
    assert next(replies) == {"ok": True}
    assert apps[0].request["set"] == {"a": "b"}
    apps[0].proceed.set()          # the run ends long after the client's timeout would have struck
    assert list(replies) == [finished("completed", "Letter started")]


@pytest.mark.parametrize(("replies", "error"), [
    ([b'{"ok": tr'], "closed the connection in the middle of a reply"),
    ([b"[1, 2]\n"], "not a JSON object"),
    ([b"x" * ipc.MAX_MESSAGE], "too large"),
])
def test_bad_replies(address: str, apps: list[FakeApp], replies: list[bytes | None], error: str) -> None:
    apps.append(FakeApp(address, replies))
    with pytest.raises(IpcError, match=error):
        list(send({"op": "ping"}, address=address))


def test_no_answer_times_out(address: str, apps: list[FakeApp]) -> None:
    apps.append(FakeApp(address, [None]))
    with pytest.raises(IpcError, match="did not answer in time"):
        list(send({"op": "ping"}, address=address, timeout=0.2))


class FakeProcess:
    """The launched app: it starts listening on its `listen_on`-th poll, or exits with `exit_code`."""

    def __init__(self, address: str, apps: list[FakeApp], listen_on: int = 0,
                 exit_code: int | None = None) -> None:
        self.address, self.apps, self.listen_on, self.exit_code = address, apps, listen_on, exit_code
        self.polls = 0

    def poll(self) -> int | None:
        self.polls += 1
        if self.polls == self.listen_on:
            self.apps.append(FakeApp(self.address, [b'{"ok": true}\n']))
        return self.exit_code


def test_start_if_absent_launches_and_waits_for_the_app(address: str, apps: list[FakeApp]) -> None:
    process = FakeProcess(address, apps, listen_on=3)
    assert list(send({"op": "show"}, address=address, start_if_absent=True, launch=lambda: process)) == [
        {"ok": True}]
    assert process.polls == 3 and apps[0].request == {"op": "show"}


def test_an_app_that_exits_while_starting(address: str, apps: list[FakeApp]) -> None:
    with pytest.raises(IpcError, match=r"exited while starting \(status 1\)"):
        send({"op": "show"}, address=address, start_if_absent=True,
             launch=lambda: FakeProcess(address, apps, exit_code=1))


def test_an_app_that_never_listens(address: str, apps: list[FakeApp]) -> None:
    with pytest.raises(IpcError, match=r"did not start within 0.3 s"):
        send({"op": "show"}, address=address, start_if_absent=True, timeout=0.3,
             launch=lambda: FakeProcess(address, apps))


def test_launch_command(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[list[str], dict[str, object]]] = []
    monkeypatch.setattr(subprocess, "Popen", lambda command, **kw: calls.append((command, kw)))
    ipc.launch_app()
    command, options = calls[0]
    assert command == [sys.executable, "-m", "app"]
    assert options["start_new_session"] is True
    assert options["stdin"] == options["stdout"] == options["stderr"] == subprocess.DEVNULL
