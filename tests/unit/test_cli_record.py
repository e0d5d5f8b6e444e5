"""`wayguide record`: what it asks of the running app and what it says (a stand-in for the IPC send)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.cli.record import record
from app.platform import ipc
from app.platform.ipc import finished


class FakeApp:
    """Answers as the running app does; `interrupt` raises KeyboardInterrupt while waiting (Ctrl+C)."""

    def __init__(self, outcome: dict[str, Any] | None = None, interrupt: bool = False) -> None:
        self.requests: list[dict[str, Any]] = []
        self.outcome = outcome or finished("completed", "draft written to /d/recorded.yaml")
        self.interrupt = interrupt

    def send(self, request: dict[str, Any], **_: Any) -> Iterator[dict[str, Any]]:
        self.requests.append(request)
        yield {"ok": True}
        if request.get("stop"):
            yield self.outcome
            return
        if self.interrupt:
            raise KeyboardInterrupt
        yield self.outcome


def _record(app: FakeApp, target: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = record(target, out, err, send=app.send)
    return code, out.getvalue(), err.getvalue()


def test_waits_for_the_draft_and_says_where_it_went() -> None:
    app = FakeApp()
    code, out, _ = _record(app)
    assert code == 0
    assert app.requests == [{"op": "record", "out": None, "stop": False}]
    assert "Ctrl+C" in out and out.endswith("completed: draft written to /d/recorded.yaml\n")


def test_out_is_made_absolute_and_never_overwritten(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    app = FakeApp()
    assert _record(app, Path("draft.yaml"))[0] == 0
    assert app.requests[0]["out"] == str(tmp_path / "draft.yaml")
    (tmp_path / "draft.yaml").write_text("mine")
    code, _, err = _record(FakeApp(), Path("draft.yaml"))
    assert code == 2 and "exists already" in err and (tmp_path / "draft.yaml").read_text() == "mine"
    code, _, err = _record(FakeApp(), tmp_path / "no-folder" / "draft.yaml")
    assert code == 2 and "is not a folder" in err


def test_ctrl_c_stops_the_recording_and_still_says_where_the_draft_went() -> None:
    app = FakeApp(interrupt=True)
    code, out, _ = _record(app)
    assert code == 0
    assert app.requests[1] == {"op": "record", "out": None, "stop": True}
    assert out.endswith("completed: draft written to /d/recorded.yaml\n")


def test_nothing_recorded_is_a_failure() -> None:
    code, out, _ = _record(FakeApp(finished("aborted", "nothing was recorded")))
    assert code == 1 and out.endswith("aborted: nothing was recorded\n")


def test_an_app_that_cannot_record_says_why() -> None:
    def refuse(request: dict[str, Any], **_: Any) -> Iterator[dict[str, Any]]:
        raise ipc.IpcError("cannot record on this desktop: no XInput 2")
        yield {}

    out, err = io.StringIO(), io.StringIO()
    assert record(None, out, err, send=refuse) == 1
    assert err.getvalue() == "wayguide: error: cannot record on this desktop: no XInput 2\n"
