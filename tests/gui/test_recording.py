"""Recording a guide in the running app, with a stand-in capture: the bar while it records, the draft
written at Stop (from the bar, the hotkey, or `wayguide record` and Ctrl+C), the review in the panel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.format.loader import load_file
from app.platform import ipc
from app.recording.capture import FakeCapture
from app.recording.events import Event, Note, SecretTyped
from app.runtime.tray_app import TrayApp
from tests.gui.conftest import started
from tests.unit.draft_support import TEXT, claims_sign_in, mousepad_letter


class Captures:
    """Makes the stand-in capture, remembering what it was told to leave out."""

    def __init__(self) -> None:
        self.made: list[FakeCapture] = []
        self.ignored: list[list[str]] = []

    def __call__(self, ignore: Any) -> FakeCapture:
        self.ignored.append(list(ignore))
        self.made.append(FakeCapture())
        return self.made[-1]

    def feed(self, events: list[Event]) -> None:
        """From a thread of its own, as the real capture reports."""
        worker = threading.Thread(target=lambda: [self.made[-1].emit(e) for e in events])
        worker.start()
        worker.join()


@pytest.fixture
def captures() -> Captures:
    return Captures()


@pytest.fixture
def app(qtbot: QtBot, qapp: Any, home: Path, captures: Captures) -> Iterator[TrayApp]:
    yield from started(qapp, captures=captures)


def _bar(app: TrayApp) -> Any:
    bar = app.recording.bar
    assert bar is not None
    return bar


def test_the_tray_records_until_stop_and_the_draft_is_written_at_once(
        qtbot: QtBot, app: TrayApp, captures: Captures, home: Path) -> None:
    app.record()
    assert app.recording.active and _bar(app).isVisible()
    assert app.tray.record.text() == "Stop recording"
    assert captures.ignored == [[app.settings.hotkey, app.settings.keyboard_hotkey]]  # type: ignore[union-attr]
    events = mousepad_letter()
    captures.feed(events)
    qtbot.waitUntil(lambda: app.recording.steps() >= 3
                    and _bar(app).steps.text().endswith(f"{app.recording.steps()} steps"), timeout=5000)
    _bar(app).step_break.click()
    written: list[str] = []
    app.recording.draftWritten.connect(written.append)
    _bar(app).stop.click()
    assert not app.recording.active and captures.made[0].stopped
    assert app.tray.record.text() == "Record a guide…"
    [path] = written  # written before Stop returned: nothing waits for the review
    draft = Path(path)
    assert draft.parent == home / "data" / "wizards"
    result = load_file(draft)
    assert result.wizard is not None, result.diagnostics
    assert [d for d in result.diagnostics if d.severity == "error"] == []
    assert TEXT not in draft.read_text(encoding="utf-8")  # typed text is an input unless kept
    assert app.recording.reviewing and app.panel is not None and app.panel.isVisible()
    assert app.panel.view_name() == "review"


def _recorded(app: TrayApp, captures: Captures, events: list[Event]) -> list[str]:
    """Record `events` from the tray and stop: the paths of the drafts written (more after a review)."""
    written: list[str] = []
    app.recording.draftWritten.connect(written.append)
    app.record()
    captures.feed(events)
    app.recording.stop()
    return written


def test_the_review_names_the_inputs_and_keeps_a_text_only_when_asked(
        qtbot: QtBot, app: TrayApp, captures: Captures) -> None:
    written = _recorded(app, captures, mousepad_letter())
    form = app.panel.review  # type: ignore[union-attr]
    form.guide_title.setText("Write a letter and save it")
    first = form.row(1)
    first.name.setText("greeting")
    second = form.row(2)
    second.literal.setChecked(True)
    assert form.validate()
    form.save.click()
    assert not app.recording.reviewing and len(written) == 2
    text = Path(written[-1]).read_text(encoding="utf-8")
    wizard = load_file(Path(written[-1])).wizard
    assert wizard is not None and wizard.title == "Write a letter and save it"
    assert [i.name for i in wizard.inputs] == ["greeting"]
    assert "{{ inputs.greeting }}" in text and TEXT not in text
    assert app.preview.file is not None and app.preview.file.path == Path(written[-1])  # shown at once


def test_discard_deletes_the_draft(qtbot: QtBot, app: TrayApp, captures: Captures) -> None:
    written = _recorded(app, captures, mousepad_letter())
    form = app.panel.review  # type: ignore[union-attr]
    form.discard.click()
    form.really_discard.click()
    assert not Path(written[0]).exists() and not app.recording.reviewing


def test_the_hotkey_stops_a_recording_and_is_not_a_panel_toggle(
        qtbot: QtBot, app: TrayApp, captures: Captures) -> None:
    app.record()
    captures.feed(mousepad_letter())
    app.hotkey.pressed.emit(app.settings.hotkey)  # type: ignore[union-attr]
    assert not app.recording.active and app.recording.reviewing


def test_nothing_done_writes_nothing(qtbot: QtBot, app: TrayApp, captures: Captures, home: Path) -> None:
    app.record()
    app.recording.note("a note alone is nothing done")
    app.recording.stop()
    assert not (home / "data" / "wizards").exists() or not list((home / "data" / "wizards").iterdir())
    assert not app.recording.reviewing


def test_a_password_is_never_in_the_draft(qtbot: QtBot, app: TrayApp, captures: Captures) -> None:
    events = claims_sign_in()
    assert any(isinstance(e, SecretTyped) for e in events)
    written = _recorded(app, captures, events)
    wizard = load_file(Path(written[0])).wizard
    assert wizard is not None and "secret" in [i.type for i in wizard.inputs]


def test_notes_and_pause_reach_the_capture(qtbot: QtBot, app: TrayApp, captures: Captures) -> None:
    app.record()
    captures.feed(mousepad_letter()[:2])
    _bar(app).pauseToggled.emit(True)
    assert captures.made[0].paused
    _bar(app).pauseToggled.emit(False)
    _bar(app).noteEditing.emit(True)  # keys typed into the note are not the demonstration
    assert captures.made[0].paused
    _bar(app).noteAdded.emit("Customers expect the date first")
    _bar(app).noteEditing.emit(False)
    assert not captures.made[0].paused
    assert isinstance(app.recording.events()[-1], Note)


def test_one_recording_at_a_time_and_none_during_a_run(qtbot: QtBot, app: TrayApp, captures: Captures,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert app.recording.start() is None
    assert "already running" in (app.recording.start() or "")
    app.recording.stop()
    monkeypatch.setattr(app.runs, "run", object())
    assert "a wizard is running" in (app.recording.start() or "")


def _send(request: dict[str, Any], results: list[Any]) -> threading.Thread:
    def work() -> None:
        try:
            results.extend(ipc.send(request, timeout=10))
        except ipc.IpcError as exc:
            results.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    return worker


def test_wayguide_record_hears_where_the_draft_went_and_ctrl_c_stops_it(
        qtbot: QtBot, app: TrayApp, captures: Captures, tmp_path: Path) -> None:
    out = tmp_path / "my-draft.yaml"
    first: list[Any] = []
    waiting = _send(ipc.RecordRequest(str(out)).message(), first)
    qtbot.waitUntil(lambda: app.recording.active, timeout=5000)
    captures.feed(mousepad_letter())
    stopping: list[Any] = []
    stopper = _send(ipc.RecordRequest(stop=True).message(), stopping)  # what Ctrl+C sends
    qtbot.waitUntil(lambda: not stopper.is_alive() and not waiting.is_alive(), timeout=10000)
    expected = ipc.finished("completed", f"draft written to {out}")
    assert first == [{"ok": True}, expected] and stopping == [{"ok": True}, expected]
    assert load_file(out).wizard is not None


def test_a_client_that_leaves_stops_the_recording(qtbot: QtBot, app: TrayApp, captures: Captures,
                                                  tmp_path: Path) -> None:
    out = tmp_path / "left.yaml"
    fed = threading.Event()

    def leave() -> None:
        replies = ipc.send(ipc.RecordRequest(str(out)).message(), timeout=10)
        next(replies)
        fed.wait(10)
        replies.close()  # the terminal closed

    worker = threading.Thread(target=leave)
    worker.start()
    qtbot.waitUntil(lambda: app.recording.active or not worker.is_alive(), timeout=5000)
    captures.feed(mousepad_letter())
    fed.set()
    qtbot.waitUntil(lambda: not app.recording.active, timeout=5000)
    worker.join()
    assert out.exists()


def test_an_existing_out_file_is_never_overwritten(qtbot: QtBot, app: TrayApp, tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    out.write_text("my own work")
    assert "exists already" in (app.recording.start(out) or "")
    assert out.read_text() == "my own work" and not app.recording.active


def test_why_it_cannot_record_is_said_in_the_person_s_language(qtbot: QtBot, qapp: Any, home: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from app.i18n import N_
    from app.ports import ProbeUnavailable

    def no_xinput(ignore: Any) -> FakeCapture:
        raise ProbeUnavailable(N_("the X server has no XInput extension, which recording needs"))

    for made in started(qapp, captures=no_xinput):
        assert made.settings is not None
        made.preferences.apply(made.settings.replace(language="nl"))
        try:
            assert made.recording.start() == ("opnemen kan niet op dit bureaublad: de X-server heeft geen "
                                              "XInput-extensie, en die is nodig om op te nemen")
            monkeypatch.setattr(made.runs, "run", object())
            assert made.recording.start() == "er loopt een wizard: maak die eerst af of stop hem"
        finally:
            made.preferences.apply(made.settings.replace(language="en"))
