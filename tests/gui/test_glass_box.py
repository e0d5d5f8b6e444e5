"""Glass box in the composition root, offscreen: Watch carried out through a fake input watcher,
the highlight following a fake window, and the panel saying why "Do it for me" is unavailable."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.format.elements import FakeElements
from app.format.loader import load_file
from app.i18n import N_
from app.paths import Paths
from app.ports import (
    Control,
    FakeAutomation,
    FakeInputWatcher,
    FakeWindowProbe,
    Locator,
    ProbeUnavailable,
    WindowInfo,
)
from app.runtime.tray_app import TrayApp
from overlays.highlight import GAP, RING
from tests.gui.conftest import Hotkeys

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

WALK = """\
wayguide: 1
id: glass.walk
title: Walk the glass box
modes: [glass]
steps:
  - id: front
    title: Bring Mousepad forward
    until: {{active: {{app: mousepad}}}}
  - id: named
    title: Save it as notes.txt
    until: {{active: {{app: mousepad, title: "notes.txt*"}}}}
  - id: save
    title: Save again
    until: {{keys: ctrl+s}}
  - id: copy
    title: Copy the reference
    until: {{clipboard: "re:^REF-[0-9]+$"}}
  - id: report
    title: Write the report
    until: {{file: {{path: "{report}", contains: done}}}}
  - id: settle
    title: Wait a moment
    until: {{after: 1}}
"""

XTERM = WindowInfo(app="xterm", title="bash", handle=1, pid=1, geometry=(0, 0, 500, 400))
UNTITLED = WindowInfo(app="mousepad", title="Untitled 1 - Mousepad", handle=2, pid=2,
                      geometry=(600, 0, 500, 400))


class Watchers:
    """A WatcherFactory making FakeInputWatchers with XTERM in front."""

    def __init__(self) -> None:
        self.made: list[FakeInputWatcher] = []

    def __call__(self, on_window: Callable[[WindowInfo], None], on_combo: Callable[[str], None],
                 on_moved: Callable[[], None]) -> FakeInputWatcher:
        self.made.append(FakeInputWatcher(on_window, on_combo, on_moved, window=XTERM))
        return self.made[-1]


@pytest.fixture
def fake(qapp: Any, home: Path) -> Iterator[tuple[TrayApp, list[FakeInputWatcher]]]:
    watchers = Watchers()
    made = watchers.made
    app = TrayApp(qapp, Paths.from_env(), start_hotkey=False, watchers=watchers)
    assert app.finish_startup()
    yield app, made
    app.quit()


def _at(qtbot: QtBot, app: TrayApp, step: str) -> None:
    qtbot.waitUntil(lambda: app.run is not None and app.run.state.step_id == step, timeout=5000)


def test_a_glass_box_run_moves_on_by_itself_at_each_step(qtbot: QtBot, fake: Any, home: Path) -> None:
    app, made = fake
    report = home / "report.txt"
    path = home / "walk.yaml"
    path.write_text(WALK.format(report=report))
    wizard = load_file(path).wizard
    assert wizard is not None
    assert not app.observer.watching() and not made  # nothing at idle
    assert app.runs.start_wizard(wizard, None) is None
    _at(qtbot, app, "front")
    watcher = made[0]
    assert (watcher.windows, watcher.combos) == (True, frozenset())
    qtbot.waitUntil(lambda: app.run is not None and app.run.state.window is not None, timeout=5000)
    assert app.run.state.window.app == "xterm" and app.run.state.step_id == "front"  # not yet
    watcher.activate(UNTITLED)
    _at(qtbot, app, "named")
    watcher.activate(WindowInfo(app="mousepad", title="notes.txt - Mousepad", handle=2, pid=2))
    _at(qtbot, app, "save")
    assert (watcher.windows, watcher.combos) == (False, frozenset({"ctrl+s"}))
    watcher.press("ctrl+c")  # not watched: never reported
    watcher.press("ctrl+s")
    _at(qtbot, app, "copy")
    assert watcher.combos == frozenset()
    QGuiApplication.clipboard().setText("something else")
    QGuiApplication.clipboard().setText("REF-42")
    _at(qtbot, app, "report")
    with qtbot.waitSignal(app.observer.observed, timeout=5000,
                          check_params_cb=lambda e: getattr(e, "content", None) == "not yet"):
        report.write_text("not yet")
    assert app.run.state.step_id == "report"
    report.write_text("all done\n")
    _at(qtbot, app, "settle")
    qtbot.waitUntil(lambda: app.run is not None and app.run.state.status == "finished", timeout=5000)
    assert [(h.step_id, h.outcome) for h in app.run.state.history] == [
        ("front", "detected"), ("named", "detected"), ("save", "detected"), ("copy", "detected"),
        ("report", "detected"), ("settle", "detected")]
    assert not app.observer.watching()
    assert watcher.calls[-1] == (False, frozenset())
    assert app.panel is not None and app.panel.view_name() == "done"


def test_the_window_in_front_is_reported_at_once_for_each_step(qtbot: QtBot, fake: Any, home: Path) -> None:
    app, made = fake
    path = home / "front.yaml"
    path.write_text("wayguide: 1\nid: front\ntitle: Front\nsteps:\n"
                    "  - {id: a, title: A, until: {active: {app: xterm}}}\n"
                    "  - {id: b, title: B, until: {active: {title: bash}}}\n"
                    "  - {id: c, title: C}\n")
    wizard = load_file(path).wizard
    assert wizard is not None
    app.runs.start_wizard(wizard, None)
    _at(qtbot, app, "c")  # xterm titled bash was in front all along
    assert [h.outcome for h in app.run.state.history] == ["detected", "detected"]
    assert not made[0].windows


TARGET = """\
wayguide: 1
id: target
title: Target
steps:
  - id: look
    title: Look here
    target: {window: {app: xterm}, region: [0.25, 0.5, 0.5, 0.25]}
  - id: plain
    title: Nothing to point at
"""


def test_the_highlight_surrounds_the_target_and_follows_its_window(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    term = WindowInfo(app="xterm", title="bash", handle=7, pid=1, geometry=(100, 100, 800, 600))
    probe = FakeWindowProbe(window=term)
    watchers = Watchers()
    wayguide = make_app(probes=lambda: probe, watchers=watchers)
    path = home / "target.yaml"
    path.write_text(TARGET)
    wizard = load_file(path).wizard
    assert wizard is not None
    wayguide.runs.start_wizard(wizard, None)
    highlighter = wayguide.runs.highlighter()
    assert highlighter.shown() == QRect(300, 400, 400, 150)
    assert highlighter.following() == 7
    watcher = next(w for w in watchers.made if w.followed is not None)  # the highlight's own
    polling = [t for t in wayguide.findChildren(QTimer) if t.isActive() and not t.isSingleShot()]
    assert not polling
    overlay = highlighter.overlay
    flags = overlay.windowFlags()
    for flag in (Qt.WindowType.WindowTransparentForInput, Qt.WindowType.WindowDoesNotAcceptFocus,
                 Qt.WindowType.FramelessWindowHint, Qt.WindowType.WindowStaysOnTopHint):
        assert flags & flag
    assert overlay.geometry() == QRect(300, 400, 400, 150).adjusted(-GAP - RING, -GAP - RING,
                                                                    GAP + RING, GAP + RING)
    mask = overlay.mask()
    assert mask.contains(QPoint(overlay.width() // 2, 1))  # the ring
    assert not mask.contains(QPoint(overlay.width() // 2, overlay.height() // 2))  # the region: uncovered
    probe.window = WindowInfo(app="xterm", title="bash", handle=7, pid=1, geometry=(200, 50, 400, 400))
    assert highlighter.shown() == QRect(300, 400, 400, 150)  # nothing looks until the watcher tells
    watcher.move()
    qtbot.waitUntil(lambda: highlighter.shown() == QRect(300, 250, 200, 100), timeout=2000)
    probe.window = WindowInfo(app="xterm", title="bash", handle=7, pid=1, geometry=(200, 50, 400, 400),
                              shown=False)
    watcher.move()
    qtbot.waitUntil(lambda: highlighter.shown() is None, timeout=2000)
    probe.window = term
    watcher.move()
    qtbot.waitUntil(lambda: highlighter.shown() == QRect(300, 400, 400, 150), timeout=2000)
    mail = WindowInfo(app="thunderbird", title="Mail", handle=8, pid=3, geometry=(250, 200, 300, 300))
    probe.window, probe.others = mail, [term]
    watcher.activate(mail)
    qtbot.waitUntil(lambda: highlighter.shown() is None, timeout=2000)  # another window lies over it
    probe.window, probe.others = term, [mail]
    watcher.activate(term)
    qtbot.waitUntil(lambda: highlighter.shown() == QRect(300, 400, 400, 150), timeout=2000)
    assert wayguide.panel is not None
    wayguide.panel.step.next.click()
    assert highlighter.shown() is None  # the next step has no target
    assert highlighter.following() is None and watcher.followed is None  # nothing followed any more


def test_where_automation_cannot_work_the_panel_says_why_and_runs_glass_box(
        qtbot: QtBot, wayguide: TrayApp, home: Path) -> None:
    (home / "mine" / "greet.yaml").write_text(
        "wayguide: 1\nid: greet\ntitle: Greet\nmodes: [black, glass]\n"
        "inputs: [{name: customer, label: Customer, required: true}]\n"
        "steps:\n  - {id: type, title: Type the greeting, do: [{type: 'Dear {{ inputs.customer }}'}]}\n")
    qtbot.waitUntil(lambda: wayguide.library is not None and wayguide.library.get("greet") is not None,
                    timeout=5000)
    assert wayguide.start("greet", "black") is None  # no display in these tests
    panel = wayguide.panel
    assert panel is not None and wayguide.run is not None
    assert wayguide.run.state.mode == "glass"
    line = "“Do it for me” is unavailable here: there is no X display to type into."
    assert panel.view_name() == "inputs"
    assert panel.inputs.unavailable.isVisibleTo(panel) and panel.inputs.unavailable.text() == line
    panel.inputs.field("customer").editor.setText("Anna")  # type: ignore[attr-defined]
    panel.inputs.submit()
    assert panel.view_name() == "step"
    assert panel.step.unavailable.isVisibleTo(panel) and panel.step.unavailable.text() == line
    assert not panel.step.switch.isVisibleTo(panel)
    assert not panel.step.show_me.isVisibleTo(panel)
    ARTIFACTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(ARTIFACTS / "panel-no-automation-light.png"))


def test_a_dutch_person_reads_why_automation_cannot_work_in_dutch(
        qtbot: QtBot, wayguide: TrayApp, home: Path) -> None:
    (home / "mine" / "greet.yaml").write_text(
        "wayguide: 1\nid: greet\ntitle: Greet\nmodes: [black, glass]\n"
        "steps:\n  - {id: type, title: Type the greeting, do: [{type: 'Dear customer'}]}\n")
    qtbot.waitUntil(lambda: wayguide.library is not None and wayguide.library.get("greet") is not None,
                    timeout=5000)
    assert wayguide.settings is not None
    wayguide.preferences.apply(wayguide.settings.replace(language="nl"))
    try:
        assert wayguide.start("greet", "black") is None  # no display in these tests
        panel = wayguide.panel
        assert panel is not None and panel.step.unavailable.isVisibleTo(panel)
        assert panel.step.unavailable.text() == ("“Doe het voor me” is hier niet beschikbaar: er is geen "
                                                 "X-display om in te typen.")
    finally:
        wayguide.preferences.apply(wayguide.settings.replace(language="en"))


def test_the_hotkey_opens_the_panel_on_the_tasks_for_the_window_in_front(
        make_app: Callable[..., TrayApp]) -> None:
    probe = FakeWindowProbe(window=WindowInfo(app="xterm", klass="XTerm", title="bash", handle=1, pid=1))
    keys = Hotkeys()
    wayguide = make_app(probes=lambda: probe, start_hotkey=True, hotkeys=keys)
    assert keys.made[-1].combos == ["ctrl+alt+space", "ctrl+alt+shift+space"] and keys.made[-1].alive
    wayguide.hide_panel()  # shown at start-up: offscreen there is no tray
    keys.press("ctrl+alt+space")
    panel = wayguide.panel
    assert panel is not None and panel.isVisible()
    assert panel.home.headers() == ["For XTerm", "All tasks"]
    xterm_first = panel.home.shown_ids()[:2]
    assert all(i.startswith("xterm.") for i in xterm_first)
    keys.press("ctrl+alt+space")
    assert not panel.isVisible()
    probe.window = WindowInfo(app="mousepad", klass="Mousepad", title="notes - Mousepad", handle=2, pid=2)
    keys.press("ctrl+alt+space")
    assert panel.home.headers() == ["For Mousepad", "All tasks"]
    assert panel.home.shown_ids()[0].startswith("mousepad.")
    probe.window = WindowInfo(app="wayguide", title="Wayguide", handle=3, pid=os.getpid())
    keys.press("ctrl+alt+space")
    keys.press("ctrl+alt+space")  # pressed while Wayguide itself is in front: the context stays
    assert panel.home.headers() == ["For Mousepad", "All tasks"]


def test_where_windows_and_keys_cannot_be_seen_the_step_says_to_press_next(
        qtbot: QtBot, qapp: Any, home: Path, capfd: pytest.CaptureFixture[str]) -> None:
    def factory(on_window: Callable[[WindowInfo], None], on_combo: Callable[[str], None],
                on_moved: Callable[[], None]) -> FakeInputWatcher:
        raise ProbeUnavailable("Wayland does not tell applications which window is in front")

    app = TrayApp(qapp, Paths.from_env(), start_hotkey=False, watchers=factory)
    assert app.finish_startup()
    try:
        path = home / "keys.yaml"
        path.write_text("wayguide: 1\nid: keys\ntitle: Keys\nsteps:\n"
                        "  - {id: save, title: Save, until: {keys: ctrl+s}}\n"
                        "  - {id: wait, title: Wait, until: {after: 30}}\n")
        wizard = load_file(path).wizard
        assert wizard is not None
        app.runs.start_wizard(wizard, None)
        assert app.panel is not None
        step = app.panel.step
        assert step.unseen.isVisibleTo(app.panel)
        assert step.unseen.text() == (
            "Wayguide cannot see windows and keys here (Wayland does not tell applications which window "
            "is in front): press Next once done.")
        step.next.click()
        assert app.run is not None and app.run.state.step_id == "wait"
        assert not step.unseen.isVisibleTo(app.panel)  # a timer needs no watcher
        assert capfd.readouterr().err.count("cannot notice windows and keys") == 1
    finally:
        app.quit()


def test_a_dutch_person_reads_why_windows_and_keys_cannot_be_seen_in_dutch(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    def factory(on_window: Callable[[WindowInfo], None], on_combo: Callable[[str], None],
                on_moved: Callable[[], None]) -> FakeInputWatcher:
        raise ProbeUnavailable(N_("Wayland does not tell applications which window is in front"))

    app = make_app(watchers=factory)
    assert app.settings is not None
    app.preferences.apply(app.settings.replace(language="nl"))
    try:
        path = home / "keys.yaml"
        path.write_text("wayguide: 1\nid: keys\ntitle: Keys\n"
                        "steps:\n  - {id: save, title: Save, until: {keys: ctrl+s}}\n")
        wizard = load_file(path).wizard
        assert wizard is not None
        app.runs.start_wizard(wizard, None)
        assert app.panel is not None and app.panel.step.unseen.text() == (
            "Wayguide kan hier geen vensters en toetsen zien (Wayland vertelt toepassingen niet welk venster "
            "op de voorgrond staat): druk op Volgende als je klaar bent.")
    finally:
        app.preferences.apply(app.settings.replace(language="en"))


CONTROL_TARGET = """\
wayguide: 1
id: control-target
title: Control target
steps:
  - id: look
    title: Save it from the menu
    target: {element: {role: menu, name: File}}
"""


def test_a_control_as_target_is_outlined_where_the_bus_says_it_is_and_followed(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    """The bus is asked on a thread (an application may take its deadline to answer), never on the GUI's."""
    pad = WindowInfo(app="mousepad", title="Untitled - Mousepad", handle=7, pid=40,
                     geometry=(100, 100, 800, 600))
    menu = Control("menu", "File", ref=("pad", "/file"))
    controls = FakeElements({7: [Control("frame", "Untitled - Mousepad"), menu]},
                            {menu.ref: (110, 130, 40, 24)})
    asked_from: list[str] = []

    class Recorded(FakeElements):
        def find(self, locator: Locator, window: WindowInfo) -> list[Control]:
            asked_from.append(threading.current_thread().name)
            return controls.find(locator, window)

    probe = FakeWindowProbe(window=pad)
    watchers = Watchers()
    wayguide = make_app(probes=lambda: probe, watchers=watchers,
                        automation=FakeAutomation(controls=Recorded(controls.windows, controls.places)))
    path = home / "control.yaml"
    path.write_text(CONTROL_TARGET)
    wizard = load_file(path).wizard
    assert wizard is not None
    wayguide.runs.start_wizard(wizard, None)
    highlighter = wayguide.runs.highlighter()
    qtbot.waitUntil(lambda: highlighter.shown() == QRect(110, 130, 40, 24), timeout=3000)
    assert asked_from and "MainThread" not in asked_from
    watcher = next(w for w in watchers.made if w.followed is not None)
    controls.places[menu.ref] = (210, 230, 40, 24)  # the window moved, and the control with it
    watcher.move()
    qtbot.waitUntil(lambda: highlighter.shown() == QRect(210, 230, 40, 24), timeout=3000)
    del controls.places[menu.ref]  # no longer on the screen
    watcher.move()
    qtbot.waitUntil(lambda: highlighter.shown() is None, timeout=3000)


ELEMENT_UNTIL = """\
wayguide: 1
id: element-until
title: Save a copy
steps:
  - id: open
    title: Open Save As
    target: {element: {role: menu, name: File}}
    until: {element: {role: file chooser, name: Save As}}
  - id: back
    title: Back in the editor
    until: {element: {role: file chooser, name: Save As}, gone: true}
"""


def test_a_step_moves_on_when_the_bus_says_its_control_appeared_and_again_when_it_went(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    pad = WindowInfo(app="mousepad", title="Untitled - Mousepad", handle=7, pid=40, geometry=(0, 0, 80, 60))
    dialog = WindowInfo(app="mousepad", title="Save As", handle=8, pid=40, geometry=(100, 100, 400, 300))
    controls = FakeElements({7: [Control("frame", "Untitled - Mousepad"), Control("menu", "File", 0)]})
    probe = FakeWindowProbe(window=pad)
    automation = FakeAutomation(controls=controls)
    wayguide = make_app(probes=lambda: probe, watchers=Watchers(), automation=automation)
    path = home / "until.yaml"
    path.write_text(ELEMENT_UNTIL)
    wizard = load_file(path).wizard
    assert wizard is not None
    wayguide.runs.start_wizard(wizard, "glass")
    qtbot.waitUntil(lambda: len(controls.listeners) == 1, timeout=3000)  # listening to the bus
    assert wayguide.run is not None and wayguide.run.state.step_id == "open"
    probe.others, probe.window = [pad], dialog
    controls.change(8, [Control("file chooser", "Save As")])  # the dialog opens
    qtbot.waitUntil(lambda: wayguide.run is not None and wayguide.run.state.step_id == "back", timeout=3000)
    probe.others, probe.window = [], pad
    controls.change(8, [])  # and closes
    run = wayguide.run
    assert run is not None
    qtbot.waitUntil(lambda: run.state.status == "finished", timeout=3000)
    assert [h.outcome for h in run.state.history] == ["detected", "detected"]
    qtbot.waitUntil(lambda: controls.listeners == [], timeout=3000)  # idle: nothing listened to


def test_a_control_the_step_points_at_that_is_not_there_is_said_calmly_and_counted(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from overlays import highlight

    monkeypatch.setattr(highlight, "MISS_AFTER_S", 0.2)
    pad = WindowInfo(app="mousepad", title="Untitled - Mousepad", handle=7, pid=40, geometry=(0, 0, 80, 60))
    controls = FakeElements({7: [Control("frame", "Untitled - Mousepad")]})  # no File menu: another version
    probe = FakeWindowProbe(window=pad)
    automation = FakeAutomation(controls=controls)
    wayguide = make_app(probes=lambda: probe, watchers=Watchers(), automation=automation)
    missed: list[tuple[str, str]] = []
    monkeypatch.setattr(wayguide.usage, "control_missed",
                        lambda run, step, control: missed.append((step, control)))
    path = home / "control.yaml"
    path.write_text(CONTROL_TARGET)
    wizard = load_file(path).wizard
    assert wizard is not None
    wayguide.runs.start_wizard(wizard, None)
    assert wayguide.panel is not None
    step = wayguide.panel.step
    qtbot.waitUntil(lambda: step.unseen.isVisibleTo(wayguide.panel), timeout=5000)
    assert step.unseen.text() == ("Wayguide cannot find “File” (menu) in this window, so it cannot point at "
                                  "it; the explanation still holds.")
    assert missed == [("look", "{role: menu, name: \"File\"}")]
    assert wayguide.runs.highlighter().shown() is None
