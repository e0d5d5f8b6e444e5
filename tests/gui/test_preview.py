"""The author's live preview, offscreen: problems with their lines, a save (by rename too) shown again, the
last good version kept, any step started, the controls' locators looked up, hostile paths refused in one
line."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from app.format.elements import FakeElements
from app.ports import Control, FakeAutomation, FakeWindowProbe, WindowInfo
from app.runtime.tray_app import TrayApp
from overlays.preview_view import PreviewView

WIZARD = """\
wayguide: 1
id: my.draft
title: {title}
when: [{{app: mousepad}}]
modes: [glass, black]
steps:
  - id: open
    title: Open the file menu
    target: {{element: {{role: menu, name: File}}}}
  - id: save
    title: Save it
    do:
      - click: {{element: {{role: push button, name: "{button}"}}}}
  - id: done
    title: All done
"""

MOUSEPAD = WindowInfo(app="mousepad", title="Untitled - Mousepad", pid=4242, handle=7)
CONTROLS = FakeElements({7: [Control("frame", "Untitled - Mousepad"), Control("menu", "File", 0),
                             Control("push button", "Save", 0), Control("push button", "Save As…", 0)]})


def write_by_rename(path: Path, text: str) -> None:
    """As editors save: a new file beside it, renamed over it (the file's own watch ends there)."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text)
    os.replace(tmp, path)


def view_of(app: TrayApp) -> PreviewView:
    assert app.panel is not None and app.panel.view_name() == "preview"
    return app.panel.preview


@pytest.fixture
def app(make_app: Callable[..., TrayApp]) -> TrayApp:
    return make_app(probes=lambda: FakeWindowProbe(window=MOUSEPAD),
                    automation=FakeAutomation(controls=CONTROLS))


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "drafts" / "draft.yaml"
    path.parent.mkdir()
    path.write_text(WIZARD.format(title="My draft", button="Save"))
    return path


def test_a_preview_lists_the_steps_with_what_each_locator_found(
        qtbot: QtBot, app: TrayApp, draft: Path) -> None:
    assert app.preview.open(draft) is None
    view = view_of(app)
    assert app.panel is not None and app.panel.title() == "My draft"
    assert view.badge.text() == "Preview" and view.file_name.text() == "draft.yaml"
    assert view.problems.message() == ""
    qtbot.waitUntil(lambda: "matched" in view.step_texts()[1], timeout=5000)
    rows = view.step_texts()
    assert rows[0] == "1. Open the file menu\n    ✓ target: matched: menu “File” (1 of 1)"
    assert rows[1] == "2. Save it\n    ✓ action 1: matched: push button “Save” (1 of 1)"
    assert rows[2] == "3. All done"


def test_a_misspelt_locator_names_the_nearest_controls(qtbot: QtBot, app: TrayApp, draft: Path) -> None:
    draft.write_text(WIZARD.format(title="My draft", button="Sav As"))
    assert app.preview.open(draft) is None
    view = view_of(app)
    qtbot.waitUntil(lambda: "✗" in view.step_texts()[1], timeout=5000)
    assert view.step_texts()[1] == "2. Save it\n    ✗ action 1: no match; nearest: “Save As…”, “Save”"
    assert view.looked_in.text() == "Looked up in “Untitled - Mousepad”"


def test_every_save_is_shown_again_by_rename_too_and_a_broken_one_keeps_the_last_good(
        qtbot: QtBot, app: TrayApp, draft: Path) -> None:
    assert app.preview.open(draft) is None
    view = view_of(app)
    draft.write_text(WIZARD.format(title="Written in place", button="Save"))
    qtbot.waitUntil(lambda: app.panel is not None and app.panel.title() == "Written in place", timeout=5000)
    write_by_rename(draft, WIZARD.format(title="Saved by rename", button="Save"))
    qtbot.waitUntil(lambda: app.panel is not None and app.panel.title() == "Saved by rename", timeout=5000)
    write_by_rename(draft, WIZARD.format(title="Saved by rename", button="Save").replace("title: Save it",
                                                                                         "titel: Save it"))
    qtbot.waitUntil(lambda: view.problems.message() != "", timeout=5000)
    assert view.problems.message() == ("10:5: missing required key 'title'\n"
                                       "11:5: unknown key 'titel' (did you mean 'title'?)")
    assert "the last good version stays usable" in view.status.text()
    assert app.panel is not None and app.panel.title() == "Saved by rename"  # the last good one, usable
    assert view.start.isEnabled() and len(view.step_texts()) == 3
    write_by_rename(draft, WIZARD.format(title="Fixed", button="Save"))  # a third rename: still watched
    qtbot.waitUntil(lambda: view.problems.message() == "", timeout=5000)
    assert app.panel.title() == "Fixed" and "no errors" in view.status.text()


def test_a_file_broken_from_the_start_opens_with_its_problems(
        qtbot: QtBot, app: TrayApp, draft: Path) -> None:
    draft.write_text("wayguide: 1\nid: my.draft\ntitle: x\nsteps:\n  - id: a\n    titel: A\n")
    assert app.preview.open(draft) is None
    view = view_of(app)
    assert view.problems.message() == ("5:5: missing required key 'title'\n"
                                       "6:5: unknown key 'titel' (did you mean 'title'?)")
    assert not view.start.isEnabled() and view.step_texts() == []
    draft.write_text(WIZARD.format(title="Now it loads", button="Save"))
    qtbot.waitUntil(lambda: view.start.isEnabled(), timeout=5000)
    assert len(view.step_texts()) == 3


def test_any_step_starts_from_the_keyboard_in_either_mode(qtbot: QtBot, app: TrayApp, draft: Path) -> None:
    assert app.preview.open(draft, step="save") is None
    view = view_of(app)
    assert view.selected_step() == "save"
    view.steps.setFocus()
    no = Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(view.steps, QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_Down, no))
    assert view.selected_step() == "done"
    QApplication.sendEvent(view, QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_Return, no))
    assert app.run is not None and app.run.state.step_id == "done" and app.run.state.mode == "glass"
    assert app.panel is not None and app.panel.view_name() == "step"
    app.runs.home()  # "Back to tasks" after a run: the preview shows again
    assert view_of(app) is view
    view.select_step("save")
    assert view.other.text() == "Do it for me" and view.other.isVisible()
    starts: list[tuple[str, str]] = []
    view.startRequested.connect(lambda step, mode: starts.append((step, mode)))
    QApplication.sendEvent(view.steps, QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_Return,
                                                 Qt.KeyboardModifier.ControlModifier))
    assert starts == [("save", "black")]  # once
    assert app.run is not None and app.run.state.mode == "black" and app.run.wizard.title == "My draft"
    app.runs.home()
    view.other.click()
    assert app.run is not None and app.run.state.mode == "black"


@pytest.mark.parametrize("kind", ["fifo", "loop", "huge", "folder", "missing", "relative"])
def test_a_hostile_path_is_refused_in_one_line(app: TrayApp, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop":
        path.symlink_to(tmp_path / "y.yaml")
        (tmp_path / "y.yaml").symlink_to(path)
    elif kind == "huge":
        with path.open("wb") as f:
            f.truncate(64 * 1024 * 1024)
    elif kind == "folder":
        path.mkdir()
    elif kind == "relative":
        path = Path("x.yaml")
    error = app.preview.open(path)
    assert error is not None and "\n" not in error and error.startswith(f"{path}: error: ")
    assert {"fifo": "a FIFO", "loop": "symbolic links", "huge": "too large", "folder": "a folder",
            "missing": "No such file", "relative": "absolute"}[kind] in error
    assert not app.preview.is_open


def test_a_file_turned_into_a_fifo_while_previewed_is_a_problem_not_a_hang(
        qtbot: QtBot, app: TrayApp, draft: Path) -> None:
    assert app.preview.open(draft) is None
    view = view_of(app)
    draft.unlink()
    os.mkfifo(draft)
    qtbot.waitUntil(lambda: view.problems.message() != "", timeout=5000)
    assert "a FIFO" in view.problems.message() and view.start.isEnabled()  # the last good one


def test_closing_the_preview_shows_the_tasks_again(app: TrayApp, draft: Path) -> None:
    assert app.preview.open(draft) is None
    view_of(app).close_button.click()
    assert app.panel is not None and app.panel.view_name() == "home" and not app.preview.is_open
    app.panels.summon()
    assert app.panel.view_name() == "home"


def test_the_authors_own_wizards_and_broken_files_offer_open_in_preview(
        qtbot: QtBot, app: TrayApp, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine, bad = home / "mine" / "mine.yaml", home / "mine" / "bad.yaml"
    mine.write_text(WIZARD.format(title="Mine", button="Save").replace("my.draft", "my.own"))
    bad.write_text("wayguide: 1\nid: bad\ntitel: x\n")
    qtbot.waitUntil(lambda: app.library is not None and app.library.get("my.own") is not None, timeout=5000)
    app.panels.summon()
    panel = app.panel
    assert panel is not None
    assert panel.home.authored() == {"my.own": str(mine)}  # the bundled wizards are not the person's
    previews = panel.home.broken_previews
    assert previews.isVisibleTo(panel)
    menus: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, _at, _action=None: menus.append(menu))
    panel.home._menu("my.own", QPoint(0, 0))
    action = next(a for a in menus[-1].actions() if a.text() == "Open in preview")
    action.trigger()
    assert panel.view_name() == "preview" and panel.title() == "Mine"
    panel.preview.close_button.click()
    open_bad = next(b for b in previews.findChildren(type(panel.preview.start)) if "bad.yaml" in b.text())
    open_bad.click()
    assert panel.view_name() == "preview"
    assert "3:1: unknown key 'titel' (did you mean 'title'?)" in panel.preview.problems.message().splitlines()


def _cli(*argv: str) -> tuple[int, str, str]:
    from tests.unit.cli_support import run

    return run(*argv)


def test_wayguide_preview_reaches_the_running_app_and_a_hostile_path_gets_one_line(
        qtbot: QtBot, app: TrayApp, draft: Path, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from app.platform import ipc

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(_cli, "preview", str(draft), "--step", "save")
        qtbot.waitUntil(future.done, timeout=10000)
    assert future.result() == (0, f"previewing {draft}\n", "")
    assert view_of(app).selected_step() == "save"
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with ThreadPoolExecutor(1) as pool:  # past the command line's own check: the app checks again
        future = pool.submit(lambda: list(ipc.send(ipc.PreviewRequest(str(fifo)).message(), timeout=10.0)))
        qtbot.waitUntil(future.done, timeout=10000)
    with pytest.raises(ipc.IpcError, match=r"fifo\.yaml: error: a FIFO, not a regular file"):
        future.result()
    assert view_of(app).file_name.text() == "draft.yaml"  # the preview open stays
