"""The composition root, offscreen: library reload during a run, runs asked for over IPC, settings."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app import ipc
from app.desktop import Wayguide
from app.engine import Abort, Next
from app.paths import Paths

pytestmark = pytest.mark.gui

ONE_STEP = """\
wayguide: 1
id: {id}
title: {title}
steps:
  - id: only
    title: Do the one thing
"""


def test_a_new_wizard_file_appears_and_a_running_one_is_not_disturbed(
        qtbot: QtBot, wayguide: Wayguide, home: Path) -> None:
    mine = home / "mine" / "mine.yaml"
    mine.write_text(ONE_STEP.format(id="my.task", title="My task"))
    qtbot.waitUntil(lambda: wayguide.library is not None and wayguide.library.get("my.task") is not None,
                    timeout=5000)
    assert wayguide.start("my.task", None) is None
    assert wayguide.run is not None and wayguide.run.wizard.title == "My task"
    mine.write_text(ONE_STEP.format(id="my.task", title="My task, edited while it runs"))
    qtbot.waitUntil(lambda: wayguide.library.get("my.task").wizard.title  # type: ignore[union-attr]
                    == "My task, edited while it runs", timeout=5000)
    assert wayguide.run.wizard.title == "My task"
    assert wayguide.run.state.status == "running"
    wayguide.dispatch(Next(at=0.0))
    assert wayguide.run.state.status == "finished"


def test_a_broken_file_is_reported_and_the_rest_keeps_working(
        qtbot: QtBot, wayguide: Wayguide, home: Path, capfd: pytest.CaptureFixture[str]) -> None:
    (home / "mine" / "good.yaml").write_text(ONE_STEP.format(id="good", title="Good"))
    (home / "mine" / "bad.yaml").write_text("wayguide: 1\nid: bad\ntitel: x\n")
    qtbot.waitUntil(lambda: wayguide.library.get("good") is not None, timeout=5000)  # type: ignore[union-attr]
    err = capfd.readouterr().err
    assert f"{home / 'mine' / 'bad.yaml'}:3:1: error: unknown key 'titel' (did you mean 'title'?)" in err
    assert wayguide.library.get("mousepad.customer-letter") is not None  # type: ignore[union-attr]


def _client(request: dict[str, Any]) -> list[dict[str, Any]]:
    return list(ipc.send(request, timeout=10.0))


@pytest.mark.parametrize(("finish", "outcome"), [(Next(at=0.0), "completed"),
                                                 (Abort(reason="Stopped by you", at=0.0), "aborted")])
def test_run_with_wait_reports_the_outcome(qtbot: QtBot, wayguide: Wayguide, home: Path,
                                           finish: Any, outcome: str) -> None:
    path = home / "elsewhere.yaml"
    path.write_text(ONE_STEP.format(id="else.where", title="From a file"))
    request = ipc.RunRequest(str(path), None, {}, wait=True).message()
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(_client, request)
        qtbot.waitUntil(lambda: wayguide.run is not None and wayguide.run.state.status == "running",
                        timeout=5000)
        wayguide.dispatch(finish)
        qtbot.waitUntil(future.done, timeout=5000)
    messages = future.result()
    assert messages[0] == {"ok": True}
    assert messages[-1]["event"] == "finished" and messages[-1]["outcome"] == outcome


def test_run_of_an_unknown_wizard_is_refused(qtbot: QtBot, wayguide: Wayguide) -> None:
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(_client, ipc.RunRequest("no.such").message())
        qtbot.waitUntil(future.done, timeout=5000)
    with pytest.raises(ipc.IpcError, match=r"no wizard with id 'no\.such'"):
        future.result()


def test_preferred_mode_from_the_tray_is_saved(qtbot: QtBot, wayguide: Wayguide, home: Path) -> None:
    wayguide.tray.modeChanged.emit("glass")
    saved = json.loads((home / "config" / "settings.json").read_text())
    assert saved["preferred_mode"] == "glass"


def test_without_a_tray_it_says_so_once(qtbot: QtBot, qapp: Any, home: Path,
                                        capfd: pytest.CaptureFixture[str]) -> None:
    assert not Wayguide(qapp, Paths.from_env(), start_hotkey=False).tray.available()  # offscreen
    said = []
    for _ in range(2):
        app = Wayguide(qapp, Paths.from_env(), start_hotkey=False)
        assert app.finish_startup()
        said.append(capfd.readouterr().err.count("this desktop has no system tray"))
        assert app.ipc is not None
        app.ipc.close()
        if app.panel is not None:
            app.panel.hide()
    assert said == [1, 0]
    assert os.path.exists(home / "data" / "said-no-tray")


BLACK = """\
wayguide: 1
id: black.box
title: Type a greeting
when: [{app: xterm}]
steps:
  - id: focus
    title: Go to the terminal
    do: [{focus: {app: xterm}}]
  - id: type
    title: Type the greeting
    do: [{type: "Grüße €\\n"}, {keys: ctrl+d}]
"""


def _black_run(qtbot: QtBot, wayguide: Wayguide, home: Path, probe: Any) -> Any:
    from app.loader import load_file
    from app.osapi import FakeInjector
    from app.performer import Performer

    injector = FakeInjector()
    wayguide._performer = Performer(injector, probe)
    path = home / "black.yaml"
    path.write_text(BLACK)
    wizard = load_file(path).wizard
    assert wizard is not None
    assert wayguide._start(wizard, "black", None, None) is None
    qtbot.waitUntil(lambda: wayguide.run is not None
                    and wayguide.run.state.status in ("finished", "failed"), timeout=5000)
    return injector


def test_black_box_brings_the_window_forward_and_types_into_it(qtbot: QtBot, wayguide: Wayguide,
                                                               home: Path) -> None:
    from app.osapi import FakeWindowProbe, WindowInfo

    editor = WindowInfo(app="mousepad", title="notes - Mousepad", handle=1)
    term = WindowInfo(app="xterm", title="bash", handle=2)
    probe = FakeWindowProbe(window=editor, others=[term])
    injector = _black_run(qtbot, wayguide, home, probe)
    assert wayguide.run is not None and wayguide.run.state.status == "finished"
    assert probe.activated == [2]
    assert injector.sent == [("type", "Grüße €\n"), ("keys", "ctrl+d")]


def test_black_box_pauses_when_another_window_comes_to_the_front(qtbot: QtBot, wayguide: Wayguide,
                                                                 home: Path) -> None:
    from app.osapi import FakeWindowProbe, WindowInfo

    term = WindowInfo(app="xterm", title="bash", handle=2)
    intruder = WindowInfo(app="firefox", title="Mail", handle=3)

    class Intruding(FakeWindowProbe):
        """The terminal is in front for the focus step; then a mail window takes over."""

        def active_window(self) -> WindowInfo | None:
            front, self.window = self.window, intruder
            return front

    probe = Intruding(window=term, others=[intruder])
    injector = _black_run(qtbot, wayguide, home, probe)
    assert wayguide.run is not None and wayguide.run.state.status == "failed"
    assert injector.sent == []
    assert wayguide.run.state.failure is not None
    assert wayguide.run.state.failure.message == (
        "“Mail” is in front, not “bash”: Wayguide paused so that nothing is typed into the wrong "
        "window.")


class FakeAutostart:
    def __init__(self) -> None:
        self.on = True

    def enabled(self) -> bool:
        return self.on

    def set_enabled(self, on: bool) -> None:
        self.on = on


def test_the_policy_sets_hotkey_modes_folders_and_locks(qtbot: QtBot, qapp: Any, home: Path) -> None:
    share = home / "share"
    share.mkdir()
    wizard = ONE_STEP.format(id="shared.task", title="From the share")
    (share / "shared.yaml").write_text(wizard.replace("title: Do the one thing",
                                                      "title: Do it\n    do: [{keys: ctrl+s}]"))
    (home / "policy.yaml").write_text(f"settings: {{hotkey: ctrl+shift+g}}\nlocked: [hotkey]\n"
                                      f"modes: [glass]\nlibrary: {{folders: [{share}]}}\n")
    (home / "config").mkdir()
    (home / "config" / "settings.json").write_text(json.dumps({"hotkey": "ctrl+alt+h", "autostart": True}))
    fake = FakeAutostart()
    app = Wayguide(qapp, Paths.from_env(), start_hotkey=False, autostart=fake)
    try:
        assert app.finish_startup()
        assert app.settings is not None and app.settings.hotkey == "ctrl+shift+g"
        assert app.policy is not None and app.policy.locked == ("hotkey",)
        entry = app.library.get("shared.task") if app.library is not None else None
        assert entry is not None and entry.layer == "policy"
        assert all(e.card.allowed_modes == ("glass",) for e in app._visible())
        enabled = {a.data(): a.isEnabled() for a in app.tray._mode_group.actions()}
        assert enabled == {"wizard": True, "glass": True, "black": False}
        assert app.start("shared.task", "black") == "'shared.task' cannot run in black box mode"
        assert app.start("shared.task", None) is None
        assert app.run is not None and app.run.state.mode == "glass"
        app._apply_settings(app.settings.replace(hotkey="ctrl+alt+j", autostart=False))
        assert app.settings.hotkey == "ctrl+shift+g" and not fake.on  # locked stays; autostart switched
        saved = json.loads((home / "config" / "settings.json").read_text())
        assert saved["autostart"] is False and saved["hotkey"] == "ctrl+shift+g"
    finally:
        if app.panel is not None:
            app.panel.hide()
        if app.ipc is not None:
            app.ipc.close()


def test_a_broken_policy_is_one_line_and_the_app_runs(qtbot: QtBot, qapp: Any, home: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (home / "policy.yaml").write_text("modes: [glass\n")
    app = Wayguide(qapp, Paths.from_env(), start_hotkey=False, autostart=FakeAutostart())
    try:
        assert app.finish_startup()
        assert app.policy is not None and app.policy.modes == ("glass", "black")
        lines = [line for line in capsys.readouterr().err.splitlines() if "policy.yaml" in line]
        assert lines == [f"{home / 'policy.yaml'}:2:1: error: YAML syntax: did not find expected ',' or ']' "
                         "(the defaults apply)"]
    finally:
        if app.ipc is not None:
            app.ipc.close()


def test_settings_show_whether_the_login_really_starts_it(qtbot: QtBot, qapp: Any, home: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[bool] = []

    def exec_(dialog: Any) -> int:
        shown.append(dialog.autostart.isChecked())
        return 0

    monkeypatch.setattr("overlays.settings_dialog.SettingsDialog.exec", exec_)
    fake = FakeAutostart()
    fake.on = False  # e.g. switched off in the desktop's own session settings
    app = Wayguide(qapp, Paths.from_env(), start_hotkey=False, autostart=fake)
    try:
        assert app.finish_startup() and app.settings is not None and app.settings.autostart
        app.open_settings()
        assert shown == [False]
        app._apply_settings(app.settings.replace(autostart=True))
        assert fake.on
    finally:
        if app.ipc is not None:
            app.ipc.close()


def test_quit_completes_when_the_hotkey_listener_fails_to_stop(qtbot: QtBot, qapp: Any, home: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def stop(self) -> None:
            raise ConnectionError("Display connection closed by client")

    app = Wayguide(qapp, Paths.from_env(), start_hotkey=False, autostart=FakeAutostart())
    assert app.finish_startup()
    app.listener = Broken()
    quits: list[bool] = []
    monkeypatch.setattr(qapp, "quit", lambda: quits.append(True))
    app.quit()  # a SIGTERM at logout lands here
    assert quits == [True] and app.ipc is not None and not app.ipc._server.isListening()
