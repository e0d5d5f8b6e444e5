"""Upgrades while running (app/runtime/upgrade.py): the installation replaced under the running app (as
dpkg does: the new file renamed over the old one) restarts it once, at a quiet moment: never during a
run, a recording or its review, a preview, or with the panel shown; an installation left as it was
never restarts it. The restart itself is a stand-in here (nothing is exec'd)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.runtime import upgrade
from app.runtime.tray_app import TrayApp
from app.runtime.upgrade import WATCH_ENV, UpgradeWatch, command_line, installed_file, relaunch, watch_install
from tests.gui.test_recording import Captures
from tests.unit.draft_support import mousepad_letter

SETTLE_MS, POLL_MS = 80, 20
"""Short, so the tests are quick: the conditions are waited on, never the time."""
GUIDE = "it.printer-paper-jam"
"""A bundled wizard that runs in glass box (nothing typed)."""


class Restarts:
    """The stand-in restart: counts the calls."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> bool:
        self.count += 1
        return True


@pytest.fixture
def installed(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file that stands for the installation (WAYGUIDE_WATCH_INSTALL)."""
    exe = home / "opt" / "wayguide"
    exe.parent.mkdir()
    exe.write_bytes(b"the old bundle")
    monkeypatch.setenv(WATCH_ENV, str(exe))
    return exe


def upgrade_package(exe: Path) -> None:
    """As dpkg does: the new file written beside the old one, then renamed over it."""
    new = exe.with_name(exe.name + ".dpkg-new")
    new.write_bytes(b"the new bundle, a little larger")
    os.replace(new, exe)


def watched_app(make_app: Callable[..., TrayApp], **parts: Any) -> tuple[TrayApp, Restarts, UpgradeWatch]:
    """A started app with its panel hidden (offscreen has no tray: it showed), watching the installation,
    and its stand-in restart."""
    app = make_app(**parts)
    app.hide_panel()
    restarts = Restarts()
    watch = watch_install(app, restart=restarts, settle_ms=SETTLE_MS, poll_ms=POLL_MS)
    assert watch is not None
    return app, restarts, watch


def still_waiting(qtbot: QtBot, watch: UpgradeWatch) -> None:
    """The upgrade was noticed and the app was asked a few more times whether it is quiet."""
    qtbot.waitUntil(lambda: watch.pending, timeout=5000)
    asked = watch.asked
    qtbot.waitUntil(lambda: watch.asked >= asked + 3, timeout=5000)


def test_an_upgrade_during_a_run_restarts_once_the_run_has_ended(
        qtbot: QtBot, make_app: Callable[..., TrayApp], installed: Path) -> None:
    app, restarts, watch = watched_app(make_app)
    assert app.start(GUIDE, "glass") is None
    app.hide_panel()  # the person hides the panel; the run goes on
    assert app.runs.in_progress
    upgrade_package(installed)
    still_waiting(qtbot, watch)
    assert restarts.count == 0
    app.runs.abort("Stopped by the person")  # the run ends (its Done view may stay in the hidden panel)
    app.hide_panel()
    qtbot.waitUntil(lambda: restarts.count == 1, timeout=5000)
    assert watch.done and not watch.watching()  # nothing left that could restart it again
    upgrade_package(installed)
    assert restarts.count == 1 and not watch.watching()


def test_an_upgrade_while_the_panel_shows_restarts_after_it_is_hidden(
        qtbot: QtBot, make_app: Callable[..., TrayApp], installed: Path) -> None:
    app, restarts, watch = watched_app(make_app)
    app.summon()
    upgrade_package(installed)
    still_waiting(qtbot, watch)
    assert restarts.count == 0
    app.hide_panel()
    qtbot.waitUntil(lambda: restarts.count == 1, timeout=5000)
    assert not watch.watching()


def test_an_installation_left_as_it_was_never_restarts(
        qtbot: QtBot, make_app: Callable[..., TrayApp], installed: Path) -> None:
    app, restarts, watch = watched_app(make_app)
    (installed.parent / "README").write_text("another file in the same folder\n")
    qtbot.waitUntil(lambda: watch.looked >= 1, timeout=5000)
    stat = installed.stat()
    os.utime(installed, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # looked at, not changed
    (installed.parent / "README").unlink()
    qtbot.waitUntil(lambda: watch.looked >= 2, timeout=5000)
    assert app.quiet() and not watch.pending and watch.asked == 0 and restarts.count == 0
    assert watch.watching()


def test_a_second_change_before_the_first_settled_restarts_once(
        qtbot: QtBot, make_app: Callable[..., TrayApp], installed: Path) -> None:
    _, restarts, watch = watched_app(make_app)
    upgrade_package(installed)
    upgrade_package(installed)  # dpkg replaces many files, one after the other
    qtbot.waitUntil(lambda: restarts.count == 1, timeout=5000)
    assert not watch.watching()


def test_a_restart_that_cannot_happen_yet_is_tried_again_after_the_next_change(
        qtbot: QtBot, make_app: Callable[..., TrayApp], installed: Path) -> None:
    app = make_app()
    app.hide_panel()
    answers = [False, True]
    calls: list[bool] = []

    def restart() -> bool:
        calls.append(answers[len(calls)])
        return calls[-1]

    watch = watch_install(app, restart=restart, settle_ms=SETTLE_MS, poll_ms=POLL_MS)
    assert watch is not None
    upgrade_package(installed)
    qtbot.waitUntil(lambda: calls == [False], timeout=5000)
    assert watch.pending and not watch.done and watch.watching()
    upgrade_package(installed)  # e.g. the program's new file came at last
    qtbot.waitUntil(lambda: calls == [False, True], timeout=5000)
    assert watch.done and not watch.watching()


def test_no_restart_during_a_recording_its_review_or_a_preview(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path, installed: Path) -> None:
    captures = Captures()
    app, restarts, watch = watched_app(make_app, captures=captures)
    app.record()
    captures.feed(mousepad_letter())
    bar = app.recording.bar
    assert app.recording.active and bar is not None
    bar.hide()
    upgrade_package(installed)
    still_waiting(qtbot, watch)
    assert not app.quiet() and restarts.count == 0  # recording, even with its bar out of sight
    app.recording.stop()
    app.hide_panel()
    assert app.recording.reviewing
    still_waiting(qtbot, watch)
    assert not app.quiet() and restarts.count == 0  # the review waits for the author
    assert app.panel is not None
    app.panel.review.discard.click()
    app.panel.review.really_discard.click()
    assert not app.recording.reviewing
    guide = home / "mine" / "guide.yaml"
    guide.write_text("wayguide: 1\nid: guide\ntitle: Guide\nsteps: [{id: a, title: A}]\n")
    assert app.preview.open(guide) is None
    app.hide_panel()
    still_waiting(qtbot, watch)
    assert not app.quiet() and restarts.count == 0  # the author's preview is open
    app.preview.close()
    assert app.quiet()
    qtbot.waitUntil(lambda: restarts.count == 1, timeout=5000)


def test_nothing_is_watched_from_a_source_checkout_and_the_bundle_s_executable_when_frozen(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert installed_file({}) is None
    assert installed_file({WATCH_ENV: str(tmp_path / "x")}) == tmp_path / "x"
    program, argv, env = command_line()
    assert program == sys.executable and argv == [sys.executable, *sys.orig_argv[1:]]
    assert env == dict(os.environ)
    exe = tmp_path / "opt" / "wayguide"
    exe.parent.mkdir()
    exe.write_bytes(b"bundle")
    (tmp_path / "wayguide").symlink_to(exe)  # /usr/bin/wayguide -> /opt/wayguide/wayguide
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "wayguide"))
    monkeypatch.setattr(sys, "argv", ["wayguide"])
    monkeypatch.setattr(sys, "platform", "linux")
    assert installed_file({}) == exe
    program, argv, env = command_line()
    assert (program, argv) == (str(tmp_path / "wayguide"), ["wayguide"])
    assert env["PYINSTALLER_RESET_ENVIRONMENT"] == "1"  # a new instance, not a part of this one
    monkeypatch.setattr(sys, "platform", "win32")
    assert installed_file({}) is None  # the installer there closes the running app itself


def test_the_restart_closes_what_quit_closes_and_runs_the_same_command_line(
        qtbot: QtBot, make_app: Callable[..., TrayApp], qapp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    assert app.ipc is not None and app.ipc.listening()
    quits: list[bool] = []
    monkeypatch.setattr(qapp, "quit", lambda: quits.append(True))
    execs: list[tuple[str, list[str], dict[str, str]]] = []
    assert relaunch(app, lambda program, argv, env: execs.append((program, argv, env)))
    assert quits == [True] and not app.ipc.listening() and not app.tray.icon.isVisible()
    [(program, argv, env)] = execs
    assert (program, argv, env) == command_line()


def test_a_restart_waits_while_the_program_cannot_be_run(
        qtbot: QtBot, make_app: Callable[..., TrayApp], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    missing = str(tmp_path / "not-yet")
    monkeypatch.setattr(upgrade, "command_line", lambda: (missing, [missing], {}))
    execs: list[str] = []
    assert not relaunch(app, lambda program, argv, env: execs.append(program))
    assert execs == [] and app.ipc is not None and app.ipc.listening()


def _stages(ready: Path) -> dict[str, float]:
    try:
        return dict(json.loads(ready.read_text()))
    except (OSError, ValueError):
        return {}


def _wait(condition: Callable[[], bool], what: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, f"the app ended while waiting for {what}:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"no {what} within 60 s:\n{log.read_text()}"
        time.sleep(0.05)


def test_the_real_app_restarts_itself_in_the_same_process_and_answers_again(tmp_path: Path) -> None:
    """`wayguide` (offscreen) with WAYGUIDE_WATCH_INSTALL: the file replaced, the process execs itself
    (same pid) once the files settled, starts up again (ready, the command channel answers) and logs it."""
    exe = tmp_path / "opt" / "wayguide"
    exe.parent.mkdir()
    exe.write_bytes(b"the old bundle")
    runtime = Path(tempfile.mkdtemp(prefix="wg-rt-"))  # socket paths stay short
    ready, log = tmp_path / "ready", tmp_path / "app.log"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update({"QT_QPA_PLATFORM": "offscreen", "WAYGUIDE_CONFIG_DIR": str(tmp_path / "config"),
                "WAYGUIDE_DATA_DIR": str(tmp_path / "data"), "WAYGUIDE_CACHE_DIR": str(tmp_path / "cache"),
                "WAYGUIDE_RUNTIME_DIR": str(runtime), "WAYGUIDE_READY_FILE": str(ready),
                "WAYGUIDE_POLICY": str(tmp_path / "no-policy.yaml"), WATCH_ENV: str(exe)})
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "said-no-tray").touch()  # no panel shown at start (offscreen has no tray)
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "app"], env=env, stdout=out, stderr=out)
    try:
        _wait(lambda: "ready" in _stages(ready), "start-up", process, log)
        assert _stages(ready)["pid"] == process.pid
        ready.unlink()
        upgrade_package(exe)
        _wait(lambda: "ready" in _stages(ready), "a restart", process, log)
        assert _stages(ready)["pid"] == process.pid  # the same process, started again
        written = (tmp_path / "data" / "logs" / "wayguide.log").read_text()
        assert written.count("restarting into the upgraded installation") == 1
        assert written.count(f"watching {exe}") == 2  # before and after
        toggled = subprocess.run([sys.executable, "-m", "app", "toggle"], env=env, capture_output=True,
                                 text=True, timeout=60)
        assert toggled.returncode == 0, toggled.stderr
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        shutil.rmtree(runtime, ignore_errors=True)


def test_no_restart_while_a_dialog_is_open(qtbot: QtBot, make_app: Callable[..., TrayApp],
                                           installed: Path) -> None:
    """Settings and About are modal dialogs (exec): the person may be in the middle of one."""
    _, restarts, watch = watched_app(make_app)
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.setModal(True)
    dialog.show()
    upgrade_package(installed)
    still_waiting(qtbot, watch)
    assert restarts.count == 0
    dialog.reject()
    qtbot.waitUntil(lambda: restarts.count == 1, timeout=5000)
