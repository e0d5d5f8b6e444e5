"""The composition root, offscreen: library reload during a run, runs asked for over IPC, settings."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from app.engine import Abort, Next
from app.paths import Paths
from app.platform import ipc
from app.ports import FakeAutomation, FakeAutostart
from app.runtime.tray_app import TrayApp
from tests.gui.conftest import Hotkeys, shut_down

ONE_STEP = """\
wayguide: 1
id: {id}
title: {title}
steps:
  - id: only
    title: Do the one thing
"""


def test_a_new_wizard_file_appears_and_a_running_one_is_not_disturbed(
        qtbot: QtBot, wayguide: TrayApp, home: Path) -> None:
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
        qtbot: QtBot, wayguide: TrayApp, home: Path, capfd: pytest.CaptureFixture[str]) -> None:
    (home / "mine" / "good.yaml").write_text(ONE_STEP.format(id="good", title="Good"))
    (home / "mine" / "bad.yaml").write_text("wayguide: 1\nid: bad\ntitel: x\n")
    qtbot.waitUntil(lambda: wayguide.library.get("good") is not None, timeout=5000)  # type: ignore[union-attr]
    err = capfd.readouterr().err
    assert f"{home / 'mine' / 'bad.yaml'}:3:1: error: unknown key 'titel' (did you mean 'title'?)" in err
    assert wayguide.library.get("mousepad.customer-letter") is not None  # type: ignore[union-attr]


def test_the_author_sees_their_own_broken_file_under_the_tasks_until_a_fix_is_saved(
        qtbot: QtBot, wayguide: TrayApp, home: Path) -> None:
    bad = home / "mine" / "bad.yaml"
    bad.write_text("wayguide: 1\nid: bad\ntitel: x\n")
    qtbot.waitUntil(lambda: bool(wayguide.library_watcher.broken()), timeout=5000)
    wayguide.panels.summon()
    panel = wayguide.panel
    assert panel is not None
    shown = panel.home.broken
    qtbot.waitUntil(lambda: shown.isVisibleTo(panel), timeout=3000)
    assert f"{bad}:3:1: error: unknown key 'titel' (did you mean 'title'?)" in shown.text()
    bad.write_text(ONE_STEP.format(id="bad", title="Fixed"))
    qtbot.waitUntil(lambda: not shown.isVisibleTo(panel), timeout=5000)
    assert wayguide.library.get("bad") is not None  # type: ignore[union-attr]
    if os.getuid() == 0:  # someone else's file (the company's library) goes to the log only
        theirs = home / "mine" / "theirs.yaml"
        theirs.write_text("wayguide: 1\nid: theirs\ntitel: x\n")
        os.chown(theirs, 65534, 65534)
        qtbot.waitUntil(lambda: any("theirs.yaml" in str(d) for d in wayguide.library.diagnostics()),  # type: ignore[union-attr]
                        timeout=5000)
        assert wayguide.library_watcher.broken() == []


def _client(request: dict[str, Any]) -> list[dict[str, Any]]:
    return list(ipc.send(request, timeout=10.0))


@pytest.mark.parametrize(("finish", "outcome"), [(Next(at=0.0), "completed"),
                                                 (Abort(reason="Stopped by you", at=0.0), "aborted")])
def test_run_with_wait_reports_the_outcome(qtbot: QtBot, wayguide: TrayApp, home: Path,
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


def test_an_author_s_run_starts_at_the_step_asked_for_and_an_unknown_step_is_refused_with_a_hint(
        qtbot: QtBot, wayguide: TrayApp, home: Path) -> None:
    path = home / "draft.yaml"
    path.write_text(ONE_STEP.format(id="my.draft", title="Draft") + "  - id: second\n    title: Second\n")
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(_client, ipc.RunRequest(str(path), step="second").message())
        qtbot.waitUntil(future.done, timeout=5000)
    assert future.result()[0] == {"ok": True}
    assert wayguide.run is not None and wayguide.run.state.step_id == "second"
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(_client, ipc.RunRequest(str(path), step="secnod").message())
        qtbot.waitUntil(future.done, timeout=5000)
    with pytest.raises(ipc.IpcError, match=r"'my\.draft' has no step 'secnod' \(did you mean 'second'\?\)"):
        future.result()


def test_run_of_an_unknown_wizard_is_refused(qtbot: QtBot, wayguide: TrayApp) -> None:
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(_client, ipc.RunRequest("no.such").message())
        qtbot.waitUntil(future.done, timeout=5000)
    with pytest.raises(ipc.IpcError, match=r"no wizard with id 'no\.such'"):
        future.result()


@pytest.mark.parametrize("wizard", ["file", "mousepad.customer-letter"])
def test_a_dry_run_request_is_refused_and_nothing_runs(qtbot: QtBot, wayguide: TrayApp, home: Path,
                                                       wizard: str) -> None:
    path = home / "elsewhere.yaml"
    path.write_text(ONE_STEP.format(id="else.where", title="From a file"))
    target = str(path) if wizard == "file" else wizard
    request = ipc.RunRequest(target, "black", {"customer": "Zoë"}, dry_run=True).message()
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(_client, request)
        qtbot.waitUntil(future.done, timeout=5000)
    with pytest.raises(ipc.IpcError, match=r"does not do dry runs \(nothing was run\)"):
        future.result()
    assert wayguide.run is None


def test_preferred_mode_from_the_tray_is_saved(qtbot: QtBot, wayguide: TrayApp, home: Path) -> None:
    wayguide.tray.modeChanged.emit("glass")
    saved = json.loads((home / "config" / "settings.json").read_text())
    assert saved["preferred_mode"] == "glass"


def test_without_a_tray_it_says_so_once(qtbot: QtBot, qapp: Any, home: Path,
                                        capfd: pytest.CaptureFixture[str]) -> None:
    assert not TrayApp(qapp, Paths.from_env(), start_hotkey=False).tray.available()  # offscreen
    said = []
    for _ in range(2):
        app = TrayApp(qapp, Paths.from_env(), start_hotkey=False)
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


def _black_run(qtbot: QtBot, app: TrayApp, home: Path,
               ends: tuple[str, ...] = ("finished", "failed")) -> None:
    from app.format.loader import load_file

    path = home / "black.yaml"
    path.write_text(BLACK)
    wizard = load_file(path).wizard
    assert wizard is not None
    assert app.runs.start_wizard(wizard, "black") is None
    qtbot.waitUntil(lambda: app.run is not None and app.run.state.status in ends, timeout=5000)


def test_black_box_brings_the_window_forward_and_types_into_it(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    from app.ports import FakeInjector, FakeWindowProbe, WindowInfo

    editor = WindowInfo(app="mousepad", title="notes - Mousepad", handle=1)
    term = WindowInfo(app="xterm", title="bash", handle=2)
    probe, injector = FakeWindowProbe(window=editor, others=[term]), FakeInjector()
    wayguide = make_app(probes=lambda: probe, automation=FakeAutomation(injector))
    _black_run(qtbot, wayguide, home)
    assert wayguide.run is not None and wayguide.run.state.status == "finished"
    assert probe.activated == [2]
    assert injector.sent == [("type", "Grüße €\n"), ("keys", "ctrl+d")]


def test_black_box_pauses_when_another_window_comes_to_the_front_and_continues(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    from app.ports import FakeInjector, FakeWindowProbe, WindowInfo

    term = WindowInfo(app="xterm", title="bash", handle=2)
    intruder = WindowInfo(app="firefox", title="Mail", handle=3)

    class Intruding(FakeWindowProbe):
        """The terminal is in front for the focus step; then a mail window takes over, once."""

        intrude = False
        """Set once the app has started (it looks at the window in front as it shows the panel)."""

        def active_window(self) -> WindowInfo | None:
            front = self.window
            if self.intrude:
                self.window = intruder
            return front

    probe, injector = Intruding(window=term, others=[intruder]), FakeInjector()
    wayguide = make_app(probes=lambda: probe, automation=FakeAutomation(injector))
    probe.intrude = True
    _black_run(qtbot, wayguide, home, ends=("paused", "failed", "finished"))
    run = wayguide.run
    assert run is not None and run.state.status == "paused" and run.state.resume_at == (0, 0)
    assert injector.sent == []
    assert wayguide.panel is not None
    step = wayguide.panel.step
    assert step.paused.message() == (
        "“Mail” came in front of “bash”; Wayguide paused so nothing is typed into the wrong window. "
        "Click into Xterm and press Continue.")
    assert step.continue_.isVisibleTo(step) and step.default_button() is step.continue_
    probe.intrude, probe.window = False, term  # the person clicks back into the terminal
    step.continue_.click()
    qtbot.waitUntil(lambda: run.state.status == "finished", timeout=5000)
    assert injector.sent == [("type", "Grüße €\n"), ("keys", "ctrl+d")]


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
    app = TrayApp(qapp, Paths.from_env(), start_hotkey=False, autostart=fake)
    try:
        assert app.finish_startup()
        assert app.settings is not None and app.settings.hotkey == "ctrl+shift+g"
        assert app.policy is not None and app.policy.locked == ("hotkey",)
        entry = app.library.get("shared.task") if app.library is not None else None
        assert entry is not None and entry.layer == "policy"
        assert all(e.card.allowed_modes == ("glass",) for e in app.visible())
        assert app.tray.modes_enabled() == {"wizard": True, "glass": True, "black": False}
        assert app.start("shared.task", "black") == "'shared.task' cannot run in black box mode"
        assert app.start("shared.task", None) is None
        assert app.run is not None and app.run.state.mode == "glass"
        app.preferences.apply(app.settings.replace(hotkey="ctrl+alt+j", autostart=False))
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
    app = TrayApp(qapp, Paths.from_env(), start_hotkey=False, autostart=FakeAutostart())
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
    fake = FakeAutostart(on=False)  # e.g. switched off in the desktop's own session settings
    app = TrayApp(qapp, Paths.from_env(), start_hotkey=False, autostart=fake)
    try:
        assert app.finish_startup() and app.settings is not None and app.settings.autostart
        app.open_settings()
        assert shown == [False]
        app.preferences.apply(app.settings.replace(autostart=True))
        assert fake.on
    finally:
        if app.ipc is not None:
            app.ipc.close()


def test_quit_completes_when_the_hotkey_listener_fails_to_stop(qtbot: QtBot, qapp: Any, home: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ports import FakeHotkeys

    class Broken(FakeHotkeys):
        def stop(self) -> None:
            raise ConnectionError("Display connection closed by client")

    app = TrayApp(qapp, Paths.from_env(), autostart=FakeAutostart(),
                  hotkeys=lambda combos, on_hotkey, on_died: Broken(combos, on_hotkey, on_died))
    assert app.finish_startup()
    quits: list[bool] = []
    monkeypatch.setattr(qapp, "quit", lambda: quits.append(True))
    app.quit()  # a SIGTERM at logout lands here
    assert quits == [True] and app.ipc is not None and not app.ipc.listening()


def test_a_hotkey_listener_that_dies_is_restarted_without_any_polling(
        qtbot: QtBot, make_app: Callable[..., TrayApp], capsys: pytest.CaptureFixture[str]) -> None:
    import threading

    from app.platform.hotkey_listener import HotkeyListener
    from app.platform.hotkeys import Combo

    class Listener:
        def __init__(self, on_end: Any) -> None:
            self.on_end, self.alive = on_end, False

        def start(self) -> None:
            self.alive = True

        def stop(self) -> None:
            self.alive = False

        def is_alive(self) -> bool:
            return self.alive

        def die(self) -> None:  # on the listener's own thread, as pynput's thread ends
            thread = threading.Thread(target=self.on_end)
            thread.start()
            thread.join()
            self.alive = False

    made: list[Listener] = []

    def factory(on_press: Any, on_release: Any, on_end: Any) -> Listener:
        made.append(Listener(on_end))
        return made[-1]

    def hotkeys(combos: Any, on_hotkey: Any, on_died: Any) -> HotkeyListener:  # pynput's listener faked
        return HotkeyListener([Combo.parse(c) for c in combos], lambda combo: on_hotkey(str(combo)), None,
                              factory, on_died=on_died)

    wayguide = make_app(start_hotkey=True, hotkeys=hotkeys)
    assert len(made) == 1 and made[0].alive
    repeating = [t for t in wayguide.findChildren(QTimer) if t.isActive() and not t.isSingleShot()]
    assert not repeating  # nothing wakes an idle app
    for restarts in (1, 2, 3):
        made[-1].die()
        qtbot.waitUntil(lambda: len(made) == restarts + 1)  # noqa: B023
        assert made[-1].alive
    assert capsys.readouterr().err.count("had stopped and was restarted") == 3
    made[-1].die()
    qtbot.waitUntil(lambda: wayguide.hotkey.listener is None)
    assert len(made) == 4 and "giving up" in capsys.readouterr().err



class _Typist:
    """An injector whose typing goes on, a key at a time, until performing is told to stop."""

    def __init__(self) -> None:
        import threading

        self.started = threading.Event()
        self._pace = threading.Event()  # never set: a short wait per key, as real typing takes
        self.typed = ""
        self.sent: list[tuple[str, str]] = []

    def type_text(self, text: str, into: int = 0, proceed: Any = None) -> int:
        self.started.set()
        for index, char in enumerate(text):
            if proceed is not None and not proceed():
                return index
            self.typed += char
            self._pace.wait(0.001)
        return len(text)

    def press_keys(self, combo: str, into: int = 0) -> bool:
        self.sent.append(("keys", combo))
        return True

    def click(self, x: int, y: int, button: str = "left") -> None:
        raise AssertionError("no clicks here")


@pytest.mark.parametrize(("activity", "status", "then_hotkey"), [
    ("escape", "aborted", False),
    ("key", "paused", False),
    ("pointer", "paused", False),
    ("key", "aborted", True),  # the abort hotkey: its first key already stopped the typing
])
def test_the_person_taking_over_stops_typing_at_once(qtbot: QtBot, make_app: Callable[..., TrayApp],
                                                     home: Path, activity: str, status: str,
                                                     then_hotkey: bool) -> None:
    from app.format.loader import load_file
    from app.ports import FakeActivityMonitor, FakeWindowProbe, WindowInfo

    term = WindowInfo(app="xterm", title="bash", handle=2)
    typist, monitor, keys = _Typist(), FakeActivityMonitor(), Hotkeys()
    wayguide = make_app(probes=lambda: FakeWindowProbe(window=term),
                        automation=FakeAutomation(typist, monitor), start_hotkey=True, hotkeys=keys)
    path = home / "black.yaml"
    path.write_text(BLACK.replace("Grüße €\\n", "x" * 5000))
    assert "x" * 5000 in path.read_text()
    wizard = load_file(path).wizard
    assert wizard is not None
    told: list[dict[str, Any]] = []

    class Reply:
        def send(self, message: dict[str, Any]) -> None:
            told.append(dict(message))

        def close(self) -> None:
            pass

    assert wayguide.runs.start_wizard(wizard, "black", reply=Reply()) is None  # type: ignore[arg-type]
    run = wayguide.run
    assert run is not None
    qtbot.waitUntil(lambda: run.state.step_id == "type" and typist.started.is_set(), timeout=5000)
    assert monitor.watching
    monitor.act(activity)  # on the monitor's thread in real life: the stop does not wait for the GUI
    if then_hotkey:
        keys.press("ctrl+alt+space")
    qtbot.waitUntil(lambda: run.state.status == status, timeout=5000)
    assert 0 < len(typist.typed) < 5000 and typist.sent == []
    qtbot.waitUntil(lambda: not monitor.watching, timeout=5000)  # only while performing
    if status == "paused":
        assert run.state.resume_at == (0, len(typist.typed))
        assert wayguide.panel is not None
        said = wayguide.panel.step.paused.message()
        assert said.startswith("You pressed a key" if activity == "key" else "You used the mouse")
    else:
        reason = "Stopped with the hotkey" if then_hotkey else "Stopped with Escape"
        assert told == [{"event": "finished", "outcome": "aborted", "message": reason}]


RUNS = """\
wayguide: 1
id: {id}
title: Start the report tool
steps:
  - id: start
    title: Start it
    do: [{{run: ["true"]}}]
"""


def test_run_actions_only_from_the_folders_the_policy_trusts(qtbot: QtBot, qapp: Any, home: Path) -> None:
    trusted, mine = home / "trusted", home / "mine"
    trusted.mkdir()
    mine.mkdir(exist_ok=True)
    (trusted / "t.yaml").write_text(RUNS.format(id="trusted.tool"))
    (mine / "m.yaml").write_text(RUNS.format(id="my.tool"))
    (home / "policy.yaml").write_text(f"run: {{allowed: true, folders: [{trusted}]}}\n"
                                      f"library: {{folders: [{trusted}]}}\n")
    app = TrayApp(qapp, Paths.from_env(), start_hotkey=False)
    try:
        assert app.finish_startup() and app.library is not None
        for wizard_id, allowed in (("trusted.tool", True), ("my.tool", False)):
            assert app.library.get(wizard_id) is not None, [str(d) for d in app.library.diagnostics()]
            assert app.start(wizard_id, None) is None
            assert app.performing.may_run(["true"]) is allowed
            assert app.performing.may_open("/usr/share/applications/xterm.desktop") is allowed  # issue 11.4
        app.runs.home()
        assert app.run is None
        assert not app.performing.may_run(["true"]) and not app.performing.may_open("steam://run/1")
    finally:
        shut_down(app)


@pytest.mark.parametrize(("policy", "env", "wanted"), [
    (None, {"WAYGUIDE_LRS_ENDPOINT": "https://env.example/xAPI/", "WAYGUIDE_LRS_USERNAME": "u",
            "WAYGUIDE_LRS_PASSWORD": "p", "WAYGUIDE_USAGE_QUERIES": "on"},
     (True, True, "https://env.example/xAPI/", "u")),
    ("usage: {enabled: true, search_queries: false}\n"
     "lrs: {endpoint: 'https://lrs.example/xAPI/', credentials: {env: LRS_AUTH}}\n",
     {"LRS_AUTH": "key:secret", "WAYGUIDE_USAGE_QUERIES": "on",
      "WAYGUIDE_LRS_ENDPOINT": "https://env.example/xAPI/", "WAYGUIDE_LRS_USERNAME": "u",
      "WAYGUIDE_LRS_PASSWORD": "p"},
     (True, False, "https://lrs.example/xAPI/", "key")),
    ("usage: {enabled: false}\n", {"WAYGUIDE_LRS_ENDPOINT": "https://env.example/xAPI/",
                                    "WAYGUIDE_LRS_USERNAME": "u", "WAYGUIDE_LRS_PASSWORD": "p"},
     (False, False, None, None)),
    ("lrs: {endpoint: 'https://lrs.example/xAPI/', credentials: {env: LRS_AUTH}}\n", {},
     (True, False, None, None)),  # the credentials cannot be had: the data stays local
    ("usage: {enabled: true}\n", {"WAYGUIDE_LRS_ENDPOINT": "https://env.example/xAPI/",
                                  "WAYGUIDE_LRS_USERNAME": "u", "WAYGUIDE_LRS_PASSWORD": "p"},
     (True, False, None, None)),  # a policy without an LRS: the environment cannot add one
], ids=["no policy: the environment", "the policy's LRS", "usage off", "no credentials",
        "no LRS in the policy"])
def test_usage_data_follows_the_policy(tmp_path: Path, policy: str | None, env: dict[str, str],
                                       wanted: tuple[bool, bool, str | None, str | None],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from app.policy.loading import load_policy
    from app.runtime.usage_data import usage_config

    (tmp_path / "policy.yaml").write_text(policy or "")
    loaded, problems = load_policy(tmp_path / "policy.yaml" if policy else tmp_path / "none.yaml")
    assert problems == []
    config = usage_config(loaded, env)
    got = (config.enabled, config.store_queries, config.lrs and config.lrs.endpoint,
           config.lrs and config.lrs.username)
    assert got == wanted
    said = capsys.readouterr().err
    assert ("no usage data is sent" in said) == (wanted[0] and policy is not None and "lrs" in policy
                                          and "LRS_AUTH" not in env)


# issue 11 (7): one odd file or failing stage never leaves a half-started app

def _odd_files(folder: Path) -> None:
    header = "wayguide: 1\nid: odd.{n}\ntitle: Odd {n}\nsteps: [{{id: a, title: A}}]\n"
    for n, line in enumerate(["version: 2024-02-30", "version: !!timestamp 2024-01-01",
                              "version: !!binary aGk=", "version: !!int abc", "version: " + "9" * 4400,
                              "title2: \"x\\ny\"", "version: a\x01"]):
        (folder / f"odd{n}.yaml").write_text(header.format(n=n) + line + "\n")
    (folder / "good.yaml").write_text(ONE_STEP.format(id="good.one", title="Good one"))
    (folder / "loop.yaml").symlink_to("loop.yaml")
    (folder / "back").symlink_to(folder)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.yaml")


def _toggled(qtbot: QtBot, app: TrayApp) -> None:
    """`wayguide toggle` over IPC shows the panel (shown at start-up here: no tray offscreen)."""
    app.hide_panel()
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(_client, {"op": "toggle"})
        qtbot.waitUntil(future.done, timeout=10_000)
    assert future.result() == [{"ok": True}]
    qtbot.waitUntil(lambda: app.panel is not None and app.panel.isVisible(), timeout=5000)


def test_a_library_of_odd_files_starts_and_toggle_works(
        qtbot: QtBot, qapp: Any, home: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import contextlib
    import threading

    _odd_files(home / "mine")

    def unblock() -> None:  # a FIFO that is opened blocks start-up for good: fail instead of hanging
        with contextlib.suppress(OSError):
            os.close(os.open(home / "mine" / "fifo.yaml", os.O_WRONLY | os.O_NONBLOCK))

    guard = threading.Timer(30.0, unblock)
    guard.start()
    with ThreadPoolExecutor(1) as pool:
        app = TrayApp(qapp, Paths.from_env(), start_hotkey=False)
        try:
            assert app.finish_startup()
            assert guard.is_alive(), "start-up opened the FIFO"
            assert app.library is not None and app.library.get("good.one") is not None
            assert app.library.get("odd.0") is not None  # a plain date is a fine version
            err = capfd.readouterr().err
            assert "Traceback" not in err and "did not start" not in err
            for name in ("odd1", "odd2", "odd3", "odd4", "odd5", "odd6", "loop", "fifo")[
                    : 8 if hasattr(os, "mkfifo") else 7]:
                assert f"{home / 'mine' / name}.yaml:" in err, name
            _toggled(qtbot, app)
            future = pool.submit(_client, ipc.RunRequest("good.one").message())
            qtbot.waitUntil(future.done, timeout=10_000)
            assert future.result() == [{"ok": True}]
        finally:
            guard.cancel()
            shut_down(app)


def test_each_start_up_stage_fails_alone_and_says_so(
        qtbot: QtBot, qapp: Any, home: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    def broken(*_: object, **__: object) -> Any:
        raise RuntimeError("something odd\nin the file")

    monkeypatch.setattr("app.library.layers.Library.for_policy", broken)
    monkeypatch.setattr("app.policy.loading.policy_in_force", broken)
    monkeypatch.setattr("app.policy.settings.load_settings", broken)
    monkeypatch.setattr("overlays.theme.apply_theme", broken)
    app = TrayApp(qapp, Paths.from_env(), start_hotkey=False)
    try:
        assert app.finish_startup()
        err = [line for line in capfd.readouterr().err.splitlines() if "did not start" in line]
        assert err == [
            "wayguide: error: The policy did not start (something odd\\nin the file): glass box only, "
            "nothing sent.",
            "wayguide: error: The settings did not start (something odd\\nin the file): Wayguide's "
            "defaults apply.",
            "wayguide: error: The theme did not start (something odd\\nin the file): the system look.",
            "wayguide: error: The wizard library did not start (something odd\\nin the file): no wizards "
            "listed.",
        ]
        assert app.policy is not None and app.policy.modes == ("glass",)
        assert app.library is not None and len(app.library) == 0
        assert app.panel is not None and app.panel.isVisible()  # no tray here: shown at once, and says
        notice = app.panel.current_view().notice.message()  # what went wrong
        assert "no system tray" in notice and "The wizard library did not start" in notice
        _toggled(qtbot, app)
        with ThreadPoolExecutor(1) as pool:  # `wayguide run` gets an answer, never hangs
            future = pool.submit(_client, ipc.RunRequest("no.such").message())
            qtbot.waitUntil(future.done, timeout=10_000)
        with pytest.raises(ipc.IpcError, match="no wizard with id"):
            future.result()
    finally:
        shut_down(app)


class _Stuck:
    """An injector whose typing sits in a wait that looks at no stop flag (as a ping to a hung window did)
    until the test lets it go; it counts how many workers are inside it at once."""

    def __init__(self) -> None:
        import threading

        self.lock = threading.Lock()
        self.release: list[threading.Event] = []
        self.inside = 0
        self.most = 0

    def type_text(self, text: str, into: int = 0, proceed: Any = None) -> int:
        import threading

        release = threading.Event()
        with self.lock:
            self.release.append(release)
            self.inside += 1
            self.most = max(self.most, self.inside)
        release.wait(30)
        with self.lock:
            self.inside -= 1
        return len(text)

    def press_keys(self, combo: str, into: int = 0) -> bool:
        return True

    def click(self, x: int, y: int, button: str = "left") -> None:
        raise AssertionError("no clicks here")


def test_a_new_run_waits_for_the_old_worker_and_keeps_its_take_over_monitor(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    """Issue 11.3: an ended run's worker, stuck in a wait, went on beside the next run's and then stopped the
    monitor that run had started, so the next run typed with take-over detection off."""
    from app.format.loader import load_file
    from app.ports import FakeActivityMonitor, FakeWindowProbe, WindowInfo

    stuck, monitor = _Stuck(), FakeActivityMonitor()
    term = WindowInfo(app="xterm", title="bash", handle=2)
    wayguide = make_app(probes=lambda: FakeWindowProbe(window=term),
                        automation=FakeAutomation(stuck, monitor))
    path = home / "black.yaml"
    path.write_text(BLACK)
    wizard = load_file(path).wizard
    assert wizard is not None
    assert wayguide.runs.start_wizard(wizard, "black") is None
    first = wayguide.run
    assert first is not None
    qtbot.waitUntil(lambda: len(stuck.release) == 1, timeout=5000)  # the first run's worker is stuck

    assert wayguide.runs.start_wizard(wizard, "black") is None  # ends the first run, starts a second
    second = wayguide.run
    assert second is not first and first.state.status == "aborted" and first.stop.is_set()
    qtbot.waitUntil(lambda: monitor.starts >= 3, timeout=5000)  # the second run performs its first step
    worker = wayguide.performing.worker  # its worker, waiting for the first run's
    qtbot.waitUntil(lambda: len(stuck.release) == 2 or (worker is not None and worker.is_alive()),
                    timeout=5000)
    stuck.release[0].set()  # the stale worker's wait ends at last …
    qtbot.waitUntil(lambda: len(stuck.release) == 2, timeout=5000)  # … and the second run types
    assert stuck.most == 1  # never two workers typing at once
    assert monitor.watching  # the stale worker did not switch off the second run's take-over monitor
    stuck.release[1].set()
    qtbot.waitUntil(lambda: second.state.status == "finished", timeout=5000)
    assert not monitor.watching


SECRET_RUN = """\
wayguide: 1
id: t.login
title: Log in
when: [{app: xterm}]
modes: [black]
inputs: [{name: pw, label: Password, type: secret, required: true}]
steps:
  - id: login
    title: Log in with {{ inputs.pw | upper }}
    do:
      - type: "{{ inputs.pw }}\\n"
      - type: "{{ inputs.pw | upper }} `{{ inputs.pw }}` {{ inputs.pw | reverse }}"
      - notify: "Signed in with {{ inputs.pw | title }}"
      - open: "steam://login/{{ inputs.pw | upper }}"
"""
SECRET_FORMS = ("hunter2", "HUNTER2", "2retnuh", "Hunter2", "hunter", "HUNTER")


def _shown_texts(root: Any) -> list[str]:
    """Every text the panel's widgets show or say (labels, buttons, fields, tooltips, accessible names)."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QTextEdit, QWidget

    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription(),
                  widget.windowTitle()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit) and widget.echoMode() == QLineEdit.EchoMode.Normal:
            texts.append(widget.text())
        elif isinstance(widget, QTextEdit):
            texts.append(widget.toPlainText())
    return [t for t in texts if t]


def test_the_panel_never_shows_a_secret_in_any_form(qtbot: QtBot, make_app: Callable[..., TrayApp],
                                                     home: Path) -> None:
    """Issue 11.10: the panel's "Doing this for you" line showed `Typing "hunter2⏎"`."""
    from app.format.loader import load_file
    from app.ports import FakeLauncher, FakeWindowProbe, WindowInfo

    stuck = _Stuck()
    term = WindowInfo(app="xterm", title="bash", handle=2)
    wayguide = make_app(probes=lambda: FakeWindowProbe(window=term), automation=FakeAutomation(stuck),
                        launcher=FakeLauncher())
    path = home / "login.yaml"
    path.write_text(SECRET_RUN)
    wizard = load_file(path).wizard
    assert wizard is not None
    assert wayguide.runs.start_wizard(wizard, "black", {"pw": "hunter2"}) is None
    run, panel = wayguide.run, wayguide.panel
    assert run is not None and panel is not None
    seen: list[str] = []
    for typed in range(2):
        qtbot.waitUntil(lambda n=typed: len(stuck.release) == n + 1, timeout=5000)
        qtbot.waitUntil(lambda: panel.step.performing.isVisible() and any(  # the lines of the actions
            "Typing" in t for t in _shown_texts(panel.step.performing)), timeout=5000)
        seen += _shown_texts(panel)
        stuck.release[typed].set()
    qtbot.waitUntil(lambda: run.state.status == "failed", timeout=5000)  # the steam:// link is refused
    seen += _shown_texts(panel)
    leaked = [t for t in seen if any(form.lower() in t.lower() for form in SECRET_FORMS)]
    assert leaked == []
    assert any("Typing “••••••⏎”" in t for t in seen), seen
    assert any("“••••••” is not allowed here" in t for t in seen), seen


def test_a_worker_that_does_not_end_makes_the_next_run_pause_not_perform_beside_it(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.format.loader import load_file
    from app.ports import FakeWindowProbe, WindowInfo

    monkeypatch.setattr("app.runtime.performing.WORKER_WAIT_S", 0.2)
    stuck = _Stuck()
    term = WindowInfo(app="xterm", title="bash", handle=2)
    wayguide = make_app(probes=lambda: FakeWindowProbe(window=term), automation=FakeAutomation(stuck))
    path = home / "black.yaml"
    path.write_text(BLACK)
    wizard = load_file(path).wizard
    assert wizard is not None
    assert wayguide.runs.start_wizard(wizard, "black") is None
    qtbot.waitUntil(lambda: len(stuck.release) == 1, timeout=5000)
    stale = wayguide.performing.worker
    assert stale is not None
    assert wayguide.runs.start_wizard(wizard, "black") is None
    second = wayguide.run
    assert second is not None
    qtbot.waitUntil(lambda: second.state.status == "paused", timeout=5000)
    assert wayguide.panel is not None
    assert wayguide.panel.step.paused.message() == (
        "Wayguide is still finishing what it did before; press Continue in a moment.")
    assert len(stuck.release) == 1  # nothing performed beside the stuck worker
    stuck.release[0].set()
    qtbot.waitUntil(lambda: not stale.is_alive(), timeout=5000)  # never past the app it reports to


def test_with_a_tray_the_failed_stages_are_said_when_the_panel_first_shows(
        qtbot: QtBot, qapp: Any, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> Any:
        raise RuntimeError("odd folder")

    monkeypatch.setattr("overlays.tray.Tray.available", staticmethod(lambda: True))
    monkeypatch.setattr("overlays.tray.Tray.show", lambda self: None)  # no real tray offscreen
    monkeypatch.setattr("app.library.layers.Library.for_policy", broken)
    app = TrayApp(qapp, Paths.from_env(), start_hotkey=False)
    try:
        assert app.finish_startup()
        assert app.panel is None or not app.panel.isVisible()  # a tray: nothing pops up at start
        _toggled(qtbot, app)
        assert app.panel is not None
        notice = app.panel.current_view().notice.message()
        assert notice == "The wizard library did not start (odd folder): no wizards listed."
        assert app.startup_problems == []  # said once
    finally:
        shut_down(app)


def test_a_link_in_a_step_opens_through_the_opener(qtbot: QtBot, make_app: Callable[..., TrayApp],
                                                   home: Path) -> None:
    """Views never open links themselves: the panel asks, the runtime opens through app.ports.Opener."""
    from app.format.loader import load_file
    from app.ports import FakeOpener

    opener = FakeOpener()
    app = make_app(opener=opener)
    path = home / "link.yaml"
    path.write_text("wayguide: 1\nid: link\ntitle: Link\nsteps:\n"
                    "  - {id: a, title: A, explain: 'See [the guide](https://example.org/guide).'}\n")
    wizard = load_file(path).wizard
    assert wizard is not None
    assert app.runs.start_wizard(wizard, None) is None
    assert app.panel is not None
    app.panel.step.explain.linkActivated.emit("https://example.org/guide")
    app.panel.step.explain.linkActivated.emit("file:///etc/passwd")
    assert opener.opened == ["https://example.org/guide"]
