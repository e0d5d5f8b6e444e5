"""The composition root of the tray app: wires library, runs, hotkey, IPC, tray and panel together."""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QRect, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.format.files import read_regular
from app.paths import Paths

if TYPE_CHECKING:  # the tray must appear fast: everything else is imported after it shows
    from app.automation.performer import Performed, Performer
    from app.engine import Aborted, Finished, Perform, RunState, Watch
    from app.format.model import Wizard
    from app.library.layers import Entry, Library
    from app.platform.autostart import Autostart
    from app.platform.ipc import RunRequest
    from app.platform.ipc_server import IpcServer, Reply
    from app.policy.admin import Policy
    from app.policy.settings import Settings
    from app.ports import Activity, ActivityMonitor, InputWatcher, WatcherFactory, WindowInfo, WindowProbe
    from app.usage import UsageConfig
    from app.usage.recorder import Recorder
    from overlays.highlight import Highlighter
    from overlays.panel import Panel
    from overlays.placement import Rect

__all__ = ["Wayguide", "main"]

PANEL_WIDTH = 360
RELOAD_DELAY_MS = 150
MAX_LISTENER_RESTARTS = 3
TICK_MS = 1000
FILE_POLL_MS = 500
FILE_READ_LIMIT = 1 << 20
WORKER_WAIT_S = 5.0
"""How long a perform waits for the worker of the one before (stopped, so ending) before it pauses."""
TAKEOVER_HOTKEY_S = 1.0
"""The hotkey pressed this soon after the person took over from a performing run stops the run."""


class _Run:
    """The run in progress: its wizard, engine and state, and who waits for its end."""

    def __init__(self, wizard: Wizard, reply: Reply | None, path: Path | None = None) -> None:
        from app.engine import Engine

        self.wizard = wizard
        self.path = path
        """The wizard's file: the admin policy allows `run` actions by where it lies."""
        self.engine = Engine(wizard)
        self.state: RunState = self.engine.initial()
        self.reply = reply
        self.stop = threading.Event()
        """Set when the run ends: actions being performed stop at once."""
        self.target: WindowInfo | None = None
        """The window keys go to; set by `focus` actions."""
        self.took_over: Activity | None = None
        """What the person did to stop the actions being performed (set on the monitor's thread)."""
        self.took_over_at = 0.0


class Wayguide(QObject):
    """Everything the running app is made of; created once by `main`, no globals."""

    hotkeyPressed = Signal(str)
    """The combo pressed; emitted on the listener thread, Qt queues it to the GUI thread."""
    listenerDied = Signal()
    """The hotkey listener's thread ended by itself; emitted on that thread (no polling: idle is idle)."""
    performed = Signal(object, str, object, object)
    """(run, step id, Performed, window): emitted by the worker thread that performed a step."""
    actionStarted = Signal(object, int)
    """(run, action index): emitted by the worker thread as each action begins."""
    personActed = Signal(object, str)
    """(run, Activity): emitted by the activity monitor's thread when the person took over."""
    notified = Signal(str)
    """A `notify` action's message, from the worker thread."""

    def __init__(self, app: QApplication, paths: Paths, start_hotkey: bool = True,
                 watchers: WatcherFactory | None = None, autostart: Autostart | None = None) -> None:
        """Only the tray is made here; `finish_startup` does the rest once it shows. `watchers`
        makes the input watcher (default: the one for this desktop); `autostart` is where "start at
        login" is switched (default: this OS's, app/platform/autostart.py)."""
        super().__init__()
        from overlays.tray import Tray, app_icon

        self.app = app
        self.paths = paths
        self.policy: Policy | None = None
        """The administrator's policy (app/policy/admin.py), read once at start-up."""
        self._autostart = autostart
        self.tray = Tray(app_icon(), self)
        self.settings: Settings | None = None
        self.ipc: IpcServer | None = None
        self.probe: WindowProbe | None = None
        self.probes: Callable[[], WindowProbe] | None = None
        """Makes a window probe (each with its own connection); None: app.platform.window_probe."""
        self.panel: Panel | None = None
        """Made when first shown: the memory of a panel nobody opened is not spent."""
        self._started = False
        self.library: Library | None = None
        self.run: _Run | None = None
        self.context: WindowInfo | None = None
        self.listener: Any = None
        self._start_hotkey = start_hotkey
        self._pending: set[Path] = set()
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self._reload)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._changed)
        self._watcher.directoryChanged.connect(self._changed)
        self._restarts = 0
        self._signal_ends: tuple[object, ...] = ()
        self.listenerDied.connect(self._listener_died)
        self.hotkeyPressed.connect(self._hotkey)
        self.performed.connect(self._performed)
        self.actionStarted.connect(self._action_started)
        self.personActed.connect(self._person_acted)
        self.notified.connect(self._notify)
        self._performer: Performer | None = None
        self._monitor: ActivityMonitor | None = None
        self._monitor_lock = threading.Lock()
        self._monitor_owner: object | None = None
        """The perform that started the monitor: only it stops it (a stale worker never does)."""
        self._performing = threading.local()
        """On a worker thread, `.run`: the run that thread performs for."""
        self._worker: threading.Thread | None = None
        """The latest perform's worker thread: one performs at a time, a new one waits for it."""
        self._no_automation = ""
        self._usage: Recorder | None = None
        self._opened_by = "panel"
        self._warmed = False
        self._unavailable: str | None = None
        """Why automation cannot work here ("" when it can); found out on the first run."""
        self.startup_problems: list[str] = []
        """The start-up stages that failed, one sentence each (shown when the panel first shows)."""
        self.observer = Observer(self, watchers)
        self.observer.observed.connect(self.dispatch)
        self._highlighter: Highlighter | None = None
        self.tray.openRequested.connect(self.summon_with_keyboard)
        self.tray.wizardRequested.connect(lambda wizard_id: self.start(wizard_id, None, source="tray"))
        self.tray.insightsRequested.connect(self.open_insights)
        self.tray.modeChanged.connect(self._mode_changed)
        self.tray.settingsRequested.connect(self.open_settings)
        self.tray.aboutRequested.connect(self._about)
        self.tray.quitRequested.connect(self.quit)
        if self.tray.available():
            self.tray.show()

    @property
    def usage(self) -> Recorder:
        """Usage data: fed from `_start`, `dispatch` and the panel's "Why?" and search; made after
        the tray shows."""
        if self._usage is None:
            from app.usage.recorder import Recorder

            self._usage = Recorder()
        return self._usage

    # --------------------------------------------------------------- start-up

    def finish_startup(self) -> bool:
        """Everything the tray did not need: instance check, settings, library, hotkey listener.

        Each stage fails alone: it says so in one line (on stderr, and in the panel when it shows),
        a safe stand-in takes its place and the other stages go on, so one odd file or folder never
        leaves a half-started app. False when another instance turned out to be running (it was
        asked to show itself)."""
        if self._started:
            return True
        self._started = True
        from app.library.layers import Library
        from app.policy.admin import Policy
        from app.policy.settings import Settings

        try:
            if not self._start_ipc():
                return False
        except Exception as exc:
            self._stage_failed("the command channel", exc, "`wayguide toggle` will not reach this instance")
        self._stage("the window probe", self._start_probe, "showing all wizards")
        if not self._stage("the policy", self._load_policy, "glass box only, nothing sent"):
            self.policy = Policy(modes=("glass",), origin="the policy could not be read: glass box only")
        if not self._stage("the settings", self._load_settings, "Wayguide's defaults apply"):
            self.settings = self.policy.apply(Settings()) if self.policy is not None else Settings()
        self._stage("the tray menu", self._set_up_tray, "some of the tray menu may be missing")
        self._stage("the theme", self._apply_theme, "the system look")
        self._stage("usage data", self._open_usage, "nothing is recorded")
        if not self._stage("the wizard library", self._load_library, "no wizards listed"):
            self.library = Library([])
        self._stage("watching the wizard folders", self._watch_library, "changes need a restart")
        self._stage("the list of wizards", self._library_changed, "the tray menu lists no wizards")
        if self._start_hotkey:
            self._stage("the global hotkey", self._start_listener,
                        "bind `wayguide toggle` to a desktop shortcut")
        if not self.tray.available():
            self._stage("the no-tray notice", self._no_tray_notice, "run `wayguide toggle` to open Wayguide")
        return True

    def _stage(self, what: str, work: Callable[[], object], instead: str) -> bool:
        """Run one start-up stage; False (after saying so) when it failed."""
        try:
            work()
        except Exception as exc:  # one stage never stops the others
            self._stage_failed(what, exc, instead)
            return False
        return True

    def _stage_failed(self, what: str, exc: BaseException, instead: str) -> None:
        from app.format.diagnostics import one_line

        reason = one_line(str(exc))[:200] or type(exc).__name__
        problem = f"{what[:1].upper()}{what[1:]} did not start ({reason}): {instead}."
        self.startup_problems.append(problem)
        print(f"wayguide: error: {problem}", file=sys.stderr)

    def _start_ipc(self) -> bool:
        from app.platform import ipc
        from app.platform.ipc_server import IpcServer

        server = IpcServer()
        try:
            if not server.start():
                self.tray.hide()
                list(ipc.send({"op": "show"}, timeout=5.0))
                return False
            self.ipc = server
            server.toggleRequested.connect(self.toggle)
            server.showRequested.connect(self.summon)
            server.runRequested.connect(self._run_requested)
        except ipc.IpcError as exc:
            print(f"wayguide: warning: {exc}; `wayguide toggle` will not reach this instance",
                  file=sys.stderr)
        return True

    def _start_probe(self) -> None:
        from app.platform import window_probe
        from app.ports import ProbeUnavailable

        try:
            self.probe = (self.probes or window_probe)()
        except ProbeUnavailable as exc:
            print(f"wayguide: warning: {exc}; showing all wizards", file=sys.stderr)

    def _load_policy(self) -> None:
        from app.policy.admin import policy_in_force

        self.policy, problems = policy_in_force(self.paths)
        for problem in problems:
            print(problem, file=sys.stderr)

    def _load_settings(self) -> None:
        from app.policy.settings import load_settings

        assert self.policy is not None
        settings, problems = load_settings(self.paths.config_dir)
        for problem in problems:
            print(problem, file=sys.stderr)
        self.settings = self.policy.apply(settings)

    def _set_up_tray(self) -> None:
        assert self.settings is not None and self.policy is not None
        self.tray.set_hotkey(self.settings.hotkey)
        self.tray.set_mode(self.settings.preferred_mode)
        self.tray.allow_modes(self.policy.modes, "preferred_mode" in self.policy.locked)

    def _apply_theme(self) -> None:
        from overlays.theme import apply_theme

        assert self.settings is not None
        apply_theme(self.app, self.settings.theme)

    def _open_usage(self) -> None:
        assert self.policy is not None
        self.usage.open(usage_db(self.paths), usage_config(self.policy))

    def _load_library(self) -> None:
        from app.library.layers import Library

        assert self.policy is not None
        self.library = Library.from_paths(self.paths, self.policy.library_folders)
        for problem in self.library.diagnostics():
            if problem.severity != "note":
                print(problem, file=sys.stderr)

    def _panel(self) -> Panel:
        if self.panel is None:
            from overlays.panel import Panel

            panel = Panel()
            panel.startRequested.connect(self._start_from_panel)
            panel.engineEvent.connect(self.dispatch)
            panel.hideRequested.connect(self.hide_panel)
            panel.settingsRequested.connect(self.open_settings)
            panel.focusReleased.connect(self._give_focus_back)
            panel.runAgainRequested.connect(self._run_again)
            panel.homeRequested.connect(self._home)
            panel.whyOpened.connect(lambda step_id: self.usage.help_opened(self.run, step_id))
            panel.searched.connect(self.usage.searched)
            self.panel = panel
        return self.panel

    def _start_listener(self) -> None:
        from app.platform.hotkey_listener import HotkeyListener, x11_modifier_reader
        from app.platform.hotkeys import Combo

        assert self.settings is not None
        if self.listener is not None:
            self.listener.stop()
        try:
            combos = [Combo.parse(self.settings.hotkey), Combo.parse(self.settings.keyboard_hotkey)]
            reader = x11_modifier_reader() if sys.platform.startswith("linux") else None
            self.listener = HotkeyListener(combos, lambda combo: self.hotkeyPressed.emit(str(combo)),
                                           reader, on_died=self.listenerDied.emit)
            self.listener.start()
        except Exception as exc:  # no global hotkey here: the panel stays reachable otherwise
            self.listener = None
            print(f"wayguide: warning: no global hotkey ({exc}); bind `wayguide toggle` to a "
                  "desktop shortcut", file=sys.stderr)

    def _listener_died(self) -> None:
        """Restart a hotkey listener that ended by itself, a few times; then say how to do without."""
        if self.listener is None or self.listener.is_alive():
            return
        self._restarts += 1
        try:
            if self._restarts <= MAX_LISTENER_RESTARTS and self.listener.ensure_running():
                print("wayguide: warning: the hotkey listener had stopped and was restarted",
                      file=sys.stderr)
                return
        except Exception:  # pynput cannot listen any more (the X server went away): give up below
            pass
        self.listener.stop()
        self.listener = None
        print("wayguide: warning: the hotkey listener keeps stopping; giving up (see `wayguide "
              "doctor`; bind `wayguide toggle` to a desktop shortcut)", file=sys.stderr)

    def _no_tray_notice(self) -> None:
        """Said once per person: where there is no tray, how to reach Wayguide."""
        assert self.settings is not None
        marker = self.paths.data_dir / "said-no-tray"
        if marker.exists():
            return
        print("wayguide: this desktop has no system tray; press "
              f"{self.settings.hotkey.title()} or run `wayguide toggle`", file=sys.stderr)
        problems, self.startup_problems = self.startup_problems, []  # said with it, not instead
        self.summon()
        self._panel().current_view().show_notice(" ".join([
            f"This desktop has no system tray. Press {self.settings.hotkey.title()} "
            "or run “wayguide toggle” to open Wayguide.", *problems]), "error" if problems else "info")
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()

    # --------------------------------------------------------------- library

    def _watch_library(self) -> None:
        assert self.library is not None
        wanted = {str(p) for p in self.library.watched_paths()}
        for layer in self.library.layers:  # a folder created later is picked up by its parent
            if not os.path.exists(layer.path) and os.path.exists(layer.path.parent):  # never raise
                wanted.add(str(layer.path.parent))
        current = set(self._watcher.files()) | set(self._watcher.directories())
        if current - wanted:
            self._watcher.removePaths(sorted(current - wanted))
        if wanted - current:
            self._watcher.addPaths(sorted(wanted - current))

    def _changed(self, path: str) -> None:
        self._pending.add(Path(path))
        self._reload_timer.start()

    def _reload(self) -> None:
        """Reload changed files; a run in progress keeps the wizard it started with."""
        assert self.library is not None
        pending, self._pending = self._pending, set()
        changed = self.library.reload(sorted(pending))
        for problem in self.library.diagnostics():
            if problem.is_error and Path(problem.path) in changed:
                print(problem, file=sys.stderr)
        self._watch_library()
        if changed:
            self._library_changed()

    def _library_changed(self) -> None:
        self.tray.set_wizards([(e.id, e.card.title) for e in self._visible()])
        if self.panel is not None and self.panel.isVisible() and self.run is None:
            self._show_home()

    def _visible(self) -> list[Entry]:
        """The wizards for the person's roles, in the modes the policy allows."""
        import dataclasses

        from app.library.relevance import for_roles

        assert self.library is not None and self.settings is not None and self.policy is not None
        visible = []
        for entry in self.library:
            modes = self.policy.modes_for(entry.card.allowed_modes)
            if modes and for_roles(entry.card, self.settings.roles):
                if modes != entry.card.allowed_modes:
                    card = dataclasses.replace(entry.card, allowed_modes=modes)
                    entry = dataclasses.replace(entry, card=card)
                visible.append(entry)
        return visible

    # ----------------------------------------------------------------- panel

    def _hotkey(self, combo: str) -> None:
        run = self.run
        if run is not None and (run.state.status == "performing" or (
                run.took_over and time.monotonic() - run.took_over_at < TAKEOVER_HOTKEY_S)):
            from app.engine import Abort

            self.dispatch(Abort(reason="Stopped with the hotkey", at=time.time()))
            return
        if self.settings is not None and combo == self.settings.keyboard_hotkey:
            self.summon_with_keyboard()
        else:
            self.toggle()
        self._opened_by = "hotkey"

    def summon_with_keyboard(self) -> None:
        """For keyboard users, and from the tray menu: show the panel with the keyboard in it;
        it goes back to the application once a task is picked or Escape is pressed."""
        self.summon()
        if self.panel is not None and self.panel.isVisible():
            self.panel.focus_search()

    def toggle(self) -> None:
        if self.panel is not None and self.panel.isVisible():
            self.hide_panel()
        else:
            self.summon()

    def summon(self) -> None:
        """Show the panel beside the window in front, without taking the keyboard from it."""
        if not self.finish_startup():
            return
        self._opened_by = "panel"
        window = self._foreground()
        if window is not None:
            self.context = window
        if self.run is None:
            self._show_home()
        self._place()
        panel = self._panel()
        panel.show()
        panel.raise_()
        if self.startup_problems and self.run is None:  # said once, where the person looks
            panel.current_view().show_notice(" ".join(self.startup_problems), "error")
            self.startup_problems = []
        self._warm_up()

    def _warm_up(self) -> None:
        """Once the panel has been shown, the engine and the wizard model are imported on a worker
        thread, so that picking a task does not wait for them; a tray app nobody opened never holds
        them (see app.library.cards)."""
        if not self._warmed:
            self._warmed = True
            threading.Thread(target=importlib.import_module, args=("app.engine",),
                             name="wayguide-warm-up", daemon=True).start()

    def hide_panel(self) -> None:
        if self.panel is not None:
            self.panel.hide()

    def _foreground(self) -> WindowInfo | None:
        from app.ports import ProbeUnavailable

        if self.probe is None:
            return None
        try:
            window = self.probe.active_window()
        except ProbeUnavailable:
            return None
        if window is None or window.pid == os.getpid():
            return None
        return window

    def _show_home(self) -> None:
        from app.library.relevance import relevant

        assert self.settings is not None
        wizards = [e.card for e in self._visible()]
        matches = relevant(wizards, self.context, self.settings.roles) if self.context else []
        label = None
        if self.context is not None and matches:
            label = self.context.klass or self.context.app[:1].upper() + self.context.app[1:]
        self._panel().show_home(wizards, matches, label, self.settings.hotkey,
                                self.settings.keyboard_hotkey)

    def _place(self) -> None:
        from overlays.placement import Rect, panel_rect

        assert self.settings is not None
        screens = QGuiApplication.screens()
        areas = [_rect(s.availableGeometry()) for s in screens]
        foreground = None
        if self.context is not None and self.context.geometry is not None:
            ratio = QGuiApplication.primaryScreen().devicePixelRatio()
            x, y, w, h = (int(v / ratio) for v in self.context.geometry)
            foreground = Rect(x, y, w, h)
        r = panel_rect(areas, foreground, PANEL_WIDTH, self.settings.panel_side)
        self._panel().place(QRect(r.x, r.y, r.w, r.h))

    def _give_focus_back(self) -> None:
        if self.probe is not None and self.context is not None and self.context.handle:
            self.probe.activate(self.context.handle)

    def _home(self) -> None:
        self.run = None
        self._glass_box_off()
        self._show_home()

    # ------------------------------------------------------------------ runs

    def _start_from_panel(self, wizard_id: str, mode: str) -> None:
        self.start(wizard_id, mode or None, source=self._opened_by)

    def start(self, wizard_id: str, mode: str | None, values: dict[str, str] | None = None,
              reply: Reply | None = None, source: str = "panel") -> str | None:
        """Start a wizard by id; the error, one line, when it cannot be started."""
        if not self.finish_startup():
            return "Wayguide is running in another instance"
        entry = self.library.get(wizard_id) if self.library is not None else None
        if entry is None:
            return f"no wizard with id '{wizard_id}'"
        return self._start(entry.wizard, mode, values, reply, source, entry.path)

    def _start(self, wizard: Wizard, mode: str | None, values: dict[str, str] | None,
               reply: Reply | None, source: str = "panel", path: Path | None = None) -> str | None:
        from app.engine import Abort, Start
        from app.library.relevance import relevant

        assert self.settings is not None and self.policy is not None
        allowed = self.policy.restrict(wizard)
        if allowed is None:
            return f"'{wizard.id}' runs only in modes your administrator has turned off"
        wizard = allowed
        if self.run is not None and self.run.state.status not in ("finished", "aborted", "ready"):
            self.dispatch(Abort(reason="Another wizard was started", at=time.time()))
        wanted = mode or (None if self.settings.preferred_mode == "wizard"
                          else self.settings.preferred_mode)
        if wanted not in (None, *wizard.allowed_modes):
            if mode is not None:
                return f"'{wizard.id}' cannot run in {mode} box mode"
            wanted = None
        unavailable = self._automation_unavailable()
        if unavailable and wanted in (None, "black") and "glass" in wizard.allowed_modes:
            wanted = "glass"  # a glass-box run still works: the panel says why it is one
        self._glass_box_off()
        self.run = _Run(wizard, reply, path)
        self.usage.begin(self.run, wizard, source)
        if self.context is not None and relevant([wizard], self.context):
            self.run.target = self.context  # keys go only to the window the panel was opened beside
        self._panel().set_automation(unavailable)
        self._panel().show_run(wizard)
        if not self._panel().isVisible():
            self.summon()
        self.dispatch(Start(mode=wanted, values=values, at=time.time()))
        return None

    def dispatch(self, event: Any) -> None:
        """Feed one event to the run's engine and carry out what it says."""
        from app.engine import Aborted, Failed, Finished, Paused, Perform

        run = self.run
        if run is None:
            return
        old = run.state
        run.state, effects = run.engine.handle(old, event)
        self.usage.observe(run, old, run.state, effects)
        self._panel().apply(effects)
        for effect in effects:
            if isinstance(effect, Paused) and effect.can_continue and run.reply is not None:
                run.reply.send({"event": "paused", "message": effect.reason})  # `run --wait` prints it
            if isinstance(effect, Failed) and run.reply is not None:
                where = f"step “{effect.step_id}”" + (
                    f", action {effect.action_index + 1}" if effect.action_index is not None else "")
                run.reply.send({"event": "failed", "message": f"{where}: {effect.message}"})
            if isinstance(effect, Perform):
                QTimer.singleShot(0, lambda e=effect: self._perform(e))
            elif isinstance(effect, Finished | Aborted):
                run.stop.set()
                self._glass_box_off()
                self._ended(run, effect)
            else:
                self._glass_box(effect)

    def _glass_box(self, effect: object) -> None:
        """Watch and highlight what the engine asks for the current step."""
        from app.engine import ClearHighlight, Highlight, Watch

        if isinstance(effect, Watch):
            self.observer.watch(effect)
            self._panel().step.set_unseen(self.observer.problem)
        elif isinstance(effect, Highlight):
            self._highlight().show(effect.target)
        elif isinstance(effect, ClearHighlight):
            self._highlight().clear()

    def _glass_box_off(self) -> None:
        self.observer.stop()
        if self._highlighter is not None:
            self._highlighter.clear()

    def _highlight(self) -> Highlighter:
        """Made on first use, with a window probe of its own: the performer's is used on its thread."""
        if self._highlighter is None:
            from app.platform import window_probe
            from app.ports import ProbeUnavailable
            from overlays.highlight import Highlighter

            probe = None
            if self.probe is not None:
                try:
                    probe = (self.probes or window_probe)()
                except ProbeUnavailable:
                    probe = None
            self._highlighter = Highlighter(probe, self)
        return self._highlighter

    def _perform(self, effect: Perform) -> None:
        """Perform the step's actions on a worker thread; the outcome comes back as `performed`."""
        from app.engine import ActionFailed

        run = self.run
        if run is None or run.state.status != "performing":
            return
        performer = self._automation()
        if performer is None:
            self.dispatch(ActionFailed(step_id=effect.step_id, action_index=0, at=time.time(),
                                       message=self._no_automation))
            return

        stop = run.stop = threading.Event()
        run.took_over = None
        previous, lease = self._worker, object()
        monitor = self._monitor
        if monitor is not None:
            def took_over(kind: Activity) -> None:  # the monitor's thread: stop first, tell the GUI after
                if run.took_over is None:
                    run.took_over, run.took_over_at = kind, time.monotonic()
                stop.set()
                self.personActed.emit(run, kind)

            try:
                with self._monitor_lock:
                    self._monitor_owner = lease
                    monitor.start(took_over)
            except Exception as exc:  # ProbeUnavailable, or an X error: performing goes on without it
                print(f"wayguide: warning: {exc}; Wayguide cannot notice you taking over", file=sys.stderr)
                monitor = None
        when = run.wizard.when
        busy = self.tr("Wayguide is still finishing what it did before; press Continue in a moment.")

        def work() -> None:
            from app.automation.performer import Performed

            try:
                if not _ended(previous, stop):
                    outcome, target = Performed(message=busy, paused_at=effect.start), run.target
                elif stop.is_set():
                    outcome, target = Performed(message="Stopped.", paused_at=effect.start), run.target
                else:
                    self._performing.run = run
                    outcome, target = performer.run(
                        effect.actions, run.target, stop, effect.start, effect.pace,
                        lambda i: self.actionStarted.emit(run, i), when, effect.shown)
            finally:
                if monitor is not None:
                    self._release_monitor(monitor, lease)
            self.performed.emit(run, effect.step_id, outcome, target)

        self._worker = threading.Thread(target=work, name="wayguide-perform", daemon=True)
        self._worker.start()

    def _release_monitor(self, monitor: ActivityMonitor, lease: object) -> None:
        """Stop the take-over monitor, unless a newer perform started it since (worker threads)."""
        with self._monitor_lock:
            if self._monitor_owner is lease:
                self._monitor_owner = None
                monitor.stop()

    def _performed(self, run: _Run, step_id: str, outcome: Performed, target: WindowInfo | None) -> None:
        from app.engine import Abort, ActionFailed, ActionsDone, ActionsPaused

        if run is not self.run:
            return  # a run that was replaced meanwhile
        run.target = target
        now = time.time()
        if outcome.completed:
            self.dispatch(ActionsDone(step_id=step_id, at=now))
        elif outcome.failed_at is not None:
            self.dispatch(ActionFailed(step_id=step_id, action_index=outcome.failed_at,
                                       message=outcome.message, at=now))
        elif outcome.paused_at is not None:
            if run.took_over == "escape":
                self.dispatch(Abort(reason="Stopped with Escape", at=now))
                return
            reason = self._took_over(run.took_over) if run.took_over else outcome.message
            index, offset = outcome.paused_at
            self.dispatch(ActionsPaused(step_id=step_id, action_index=index, offset=offset, reason=reason,
                                        at=now))

    def _took_over(self, kind: Activity) -> str:
        if kind == "pointer":
            return self.tr("You used the mouse, so Wayguide stopped: its input and yours must not mix. Press "
                           "Continue to let it go on from where it stopped, or finish this step yourself.")
        return self.tr("You pressed a key, so Wayguide stopped: its typing and yours must not mix. Press "
                       "Continue to let it go on from where it stopped, or finish this step yourself.")

    def _action_started(self, run: _Run, index: int) -> None:
        if run is self.run and self.panel is not None and run.state.status == "performing":
            self.panel.set_action_progress(index)

    def _person_acted(self, run: _Run, kind: str) -> None:
        """In the GUI thread, after the monitor already stopped the actions: Escape ends the run."""
        from app.engine import Abort

        if run is self.run and kind == "escape":
            self.dispatch(Abort(reason="Stopped with Escape", at=time.time()))

    def _notify(self, message: str) -> None:
        from app.engine import Notice

        if self.panel is not None:
            self.panel.apply([Notice(message)])

    def _automation_unavailable(self) -> str:
        """Why "Do it for me" cannot work here (a clause, from `wayguide doctor`); "" when it can.
        Found out once."""
        if self._performer is not None:
            return ""
        if self._unavailable is None:
            from app.cli.doctor import automation_problem, probe_facts

            problem = automation_problem(probe_facts())
            if problem is None and self.probe is None:
                problem = "the window in front cannot be known here"
            self._unavailable = problem or ""
        return self._unavailable

    def _automation(self) -> Performer | None:
        """The performer, made on first use; None (and the reason kept) where automation cannot work."""
        if self._performer is None and not self._no_automation:
            from app.automation.performer import Performer
            from app.platform import automation, launcher
            from app.platform.qt_clipboard import QtClipboard
            from app.ports import ProbeUnavailable

            try:
                if self.probe is None:
                    raise ProbeUnavailable("the window in front cannot be known here")
                injector, self._monitor = automation()
                self._performer = Performer(injector, self.probe, clipboard=QtClipboard(self),
                                            launcher=launcher(), notify=self.notified.emit,
                                            allow_run=self._may_run, allow_open=self._may_open)
            except ProbeUnavailable as exc:
                self._no_automation = f"Wayguide cannot do this step for you here: {exc}."
        return self._performer

    def _may_run(self, argv: Sequence[str]) -> bool:
        """Whether the run being performed may start a program: only where the admin policy allows it,
        for wizards from the folders it trusts (called on the performer's thread, where it is the run that
        thread performs for; reads only)."""
        run, policy = getattr(self._performing, "run", None) or self.run, self.policy
        return run is not None and policy is not None and policy.allows_run(run.path)

    def _may_open(self, target: str) -> bool:
        """Whether an `open` action may open `target`, which is not a web or mail link: it can start
        programs (.desktop files, URL schemes, .exe/.lnk), so by the same rule as `run`."""
        return self._may_run(["open", target])

    def _ended(self, run: _Run, effect: Finished | Aborted) -> None:
        from app.engine import Finished
        from app.platform.ipc import finished

        if run.reply is None:
            return
        if isinstance(effect, Finished):
            run.reply.send(finished("completed", f"{run.wizard.title}: completed ({_steps(run.state)})"))
        else:
            run.reply.send(finished("aborted", effect.reason or "aborted"))
        run.reply.close()
        run.reply = None

    def _run_again(self) -> None:
        if self.run is not None:
            self._start(self.run.wizard, self.run.state.mode, None, None, path=self.run.path)

    def _run_requested(self, request: RunRequest, reply: Reply) -> None:
        from app.format.loader import load_file

        if request.dry_run:  # refused, never run for real: `wayguide run --dry-run` works alone
            reply.send({"ok": False, "error": "the running app does not do dry runs (nothing was "
                        "run); use `wayguide run ID --dry-run`, which needs no running app"})
            reply.close()
            return
        wizard: Wizard | None = None
        path: Path | None = None
        if os.path.isabs(request.wizard) or request.wizard.endswith((".yaml", ".yml")):
            path = Path(request.wizard)
            result = load_file(path)
            if result.wizard is None:
                reply.send({"ok": False, "error": str(result.diagnostics[0])})
                reply.close()
                return
            wizard = result.wizard
        if wizard is None:
            assert self.library is not None
            entry = self.library.get(request.wizard)
            if entry is None:
                reply.send({"ok": False, "error": f"no wizard with id '{request.wizard}'"})
                reply.close()
                return
            wizard, path = entry.wizard, entry.path
        error = self._start(wizard, request.mode, dict(request.inputs) or None,
                            reply if request.wait else None, "cli", path)
        reply.send({"ok": False, "error": error} if error else {"ok": True})
        if error or not request.wait:
            reply.close()

    # --------------------------------------------------------------- settings

    def _mode_changed(self, mode: str) -> None:
        if self.settings is None:
            return
        self._apply_settings(self.settings.replace(preferred_mode=mode))

    def open_settings(self) -> None:
        from overlays.settings_dialog import SettingsDialog

        if not self.finish_startup():
            return
        assert self.settings is not None and self.policy is not None
        self.settings = self.settings.replace(autostart=self._starts_at_login())
        dialog = SettingsDialog(self.settings, locked=self.policy.locked)
        if dialog.exec():
            self._apply_settings(dialog.settings())

    def _apply_settings(self, new: Settings) -> None:
        from app.policy.settings import save_settings
        from overlays.theme import apply_theme

        assert self.settings is not None and self.policy is not None
        new = self.policy.apply(new)
        old, self.settings = self.settings, new
        save_settings(self.paths.config_dir, new)
        if new.autostart != old.autostart:
            self._switch_autostart(new.autostart)
        self.tray.set_mode(new.preferred_mode)
        self.tray.set_hotkey(new.hotkey)
        if new.theme != old.theme:
            apply_theme(self.app, new.theme)
        if (new.hotkey, new.keyboard_hotkey) != (old.hotkey, old.keyboard_hotkey) \
                and self.listener is not None:
            self._start_listener()
        if new.roles != old.roles and self.library is not None:
            self._library_changed()

    def _autostart_backend(self) -> Autostart:
        from app.platform.autostart import autostart

        if self._autostart is None:
            self._autostart = autostart()
        return self._autostart

    def _starts_at_login(self) -> bool:
        """What the login really does (the installed entry, the person's override), shown in Settings."""
        assert self.settings is not None
        try:
            return self._autostart_backend().enabled()
        except OSError:
            return self.settings.autostart

    def _switch_autostart(self, on: bool) -> None:
        try:
            self._autostart_backend().set_enabled(on)
        except OSError as exc:
            print(f"wayguide: warning: cannot switch start at login {'on' if on else 'off'}: "
                  f"{exc.strerror or exc}", file=sys.stderr)

    def _about(self) -> None:
        QMessageBox.about(None, "About Wayguide",
                          f"<b>Wayguide {__version__}</b><p>Task help beside your work: glass box "
                          "or black box.</p>")

    def open_insights(self) -> None:
        """The usage report as one HTML file in the cache dir, opened in the browser."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from app.usage.report import build, html
        from app.usage.store import StoreError

        if not self.finish_startup():
            return
        if self.usage.store is not None:
            self.usage.store.flush()
        target = self.paths.cache_dir / "insights.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.write_text(html(build(usage_db(self.paths))), encoding="utf-8")
        except (OSError, StoreError) as exc:
            print(f"wayguide: error: no insights report: {exc}", file=sys.stderr)
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):  # no browser here
            self.tray.icon.showMessage("Wayguide", f"The insights report is in {target}")

    def quit(self) -> None:
        from app.engine import Abort

        if self.run is not None:
            self.dispatch(Abort(reason="Wayguide was closed", at=time.time()))
        self._glass_box_off()
        self.observer.close()
        self.usage.close()
        if self.listener is not None:
            try:
                self.listener.stop()
            except Exception as exc:  # e.g. its X connection is gone: that must not keep the app alive
                print(f"wayguide: warning: the hotkey listener did not stop cleanly: {exc}", file=sys.stderr)
        if self.ipc is not None:
            self.ipc.close()
        self.tray.hide()
        self.app.quit()


def usage_db(paths: Paths) -> Path:
    from app.usage.store import DB_NAME

    return paths.data_dir / DB_NAME


def usage_config(policy: Policy, env: Mapping[str, str] | None = None) -> UsageConfig:
    """What usage data may be kept and sent (app.usage.config.usage_in_force: the admin policy
    decides where there is one). A problem is one line on stderr, and the data then stays local."""
    from app.usage.config import usage_in_force

    sending = usage_in_force(policy, env)
    for problem in sending.problems:
        print(problem, file=sys.stderr)
    return sending.config


class Observer(QObject):
    """Carries out the engine's Watch effects: observes what the current step asks, only while it
    asks, and reports engine events through `observed`, always in the GUI thread and never from
    inside `watch` (the current state follows on the next turn of the event loop).

    The window in front and key combos come from an InputWatcher (made on first need by `factory`,
    default app.platform.input_watcher), the clipboard from Qt, files by a cheap poll of their
    size and time while watched, Tick from a timer. What the person types is never seen: only the
    combos asked for, and the clipboard's text, which goes to the engine and nowhere else."""

    observed = Signal(object)
    _window = Signal(object)
    _combo = Signal(str)

    def __init__(self, parent: QObject | None = None, factory: WatcherFactory | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._watcher: InputWatcher | None = None
        self.problem = ""
        """Why the current Watch's windows or keys cannot be seen, a clause ("" when they can)."""
        self._warned = False
        self.current: Watch | None = None
        self._files: dict[str, object] = {}
        self._copying = False
        self._ticks = QTimer(self, interval=TICK_MS)
        self._ticks.timeout.connect(self._tick)
        self._polls = QTimer(self, interval=FILE_POLL_MS)
        self._polls.timeout.connect(self._poll_files)
        self._connected = False

    def watch(self, watch: Watch) -> None:
        """Observe exactly what `watch` asks, replacing what was observed before."""
        if not self._connected:  # on first use: Qt's enums take ~25 ms to make, the tray shows first
            from PySide6.QtCore import Qt

            queued = Qt.ConnectionType.QueuedConnection
            self._window.connect(self._window_seen, queued)
            self._combo.connect(self._combo_pressed, queued)
            self._connected = True
        self.current = watch
        self._input(watch.windows, watch.keys)
        if watch.clipboard != self._copying:
            clipboard = QGuiApplication.clipboard()
            if watch.clipboard:
                clipboard.dataChanged.connect(self._clipboard_changed)
            else:
                clipboard.dataChanged.disconnect(self._clipboard_changed)
            self._copying = watch.clipboard
        self._files = {path: None for path in watch.files}
        if watch.files:
            QTimer.singleShot(0, self._report_files)
            self._polls.start()
        else:
            self._polls.stop()
        if watch.timer:
            if not self._ticks.isActive():
                self._ticks.start()
        else:
            self._ticks.stop()

    def stop(self) -> None:
        from app.engine import Watch

        if self.current is not None:
            self.watch(Watch(""))
            self.current = None

    def close(self) -> None:
        self.stop()
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None

    def watching(self) -> bool:
        """Whether anything is being observed (nothing runs at idle)."""
        return bool(self._copying or self._polls.isActive() or self._ticks.isActive()
                    or (self.current is not None and (self.current.windows or self.current.keys)))

    def _input(self, windows: bool, combos: tuple[str, ...]) -> None:
        self.problem = ""
        if self._watcher is None and not (windows or combos):
            return
        try:
            if self._watcher is None:
                if self._factory is None:
                    from app.platform import input_watcher

                    self._factory = input_watcher
                self._watcher = self._factory(self._window.emit, self._combo.emit)
            self._watcher.watch(windows, combos)
        except Exception as exc:  # ProbeUnavailable, no keyboard to listen to: press Next instead
            if windows or combos:
                self.problem = str(exc) or type(exc).__name__
            if not self._warned:
                self._warned = True
                print(f"wayguide: warning: cannot notice windows and keys here ({exc}); "
                      "steps move on with Next", file=sys.stderr)

    def _window_seen(self, window: WindowInfo) -> None:
        from app.engine import WindowActivated

        if self.current is not None and self.current.windows:
            self.observed.emit(WindowActivated(app=window.app, title=window.title, exe=window.exe,
                                               at=time.time()))

    def _combo_pressed(self, combo: str) -> None:
        from app.engine import KeysPressed

        if self.current is not None and combo in self.current.keys:
            self.observed.emit(KeysPressed(combo=combo, at=time.time()))

    def _clipboard_changed(self) -> None:
        from PySide6.QtGui import QClipboard

        from app.engine import ClipboardChanged

        text = QGuiApplication.clipboard().text(QClipboard.Mode.Clipboard)
        self.observed.emit(ClipboardChanged(text=text, at=time.time()))

    def _tick(self) -> None:
        from app.engine import Tick

        self.observed.emit(Tick(at=time.time()))

    def _report_files(self) -> None:
        self._poll_files(force=True)

    def _poll_files(self, force: bool = False) -> None:
        from app.engine import FileObserved

        for path, seen in list(self._files.items()):
            full = os.path.expanduser(path)
            stamp = _stamp(full)
            if force or stamp != seen:  # read only when it changed
                self._files[path] = stamp
                self.observed.emit(FileObserved(path=path, content=_text(full) if stamp else None,
                                                at=time.time()))


def _ended(worker: threading.Thread | None, stop: threading.Event) -> bool:
    """Wait, WORKER_WAIT_S at most and no longer than `stop` is clear, for an earlier worker to end;
    whether it did (the performer and the keyboard are never used by two workers at once)."""
    deadline = time.monotonic() + WORKER_WAIT_S
    while worker is not None and worker.is_alive() and not stop.is_set():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        worker.join(min(remaining, 0.05))
    return worker is None or not worker.is_alive()


def _stamp(path: str) -> tuple[int, int, int] | None:
    """Changes whenever the file does; None when it does not exist."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def _text(path: str) -> str | None:
    try:  # never a FIFO or device (it would block the GUI thread)
        raw = read_regular(path, FILE_READ_LIMIT * 4)
        return raw.decode("utf-8", errors="replace")[:FILE_READ_LIMIT]
    except OSError:
        return None


def _steps(state: RunState) -> str:
    """How the steps of a run ended, e.g. "6 steps: 4 noticed, 2 done for you"."""
    names = {"detected": "noticed", "person": "done by you", "chosen": "chosen", "automated": "done for you",
             "skipped": "skipped"}
    outcomes = [h.outcome for h in state.history if h.outcome in names]
    counts = {name: outcomes.count(outcome) for outcome, name in names.items() if outcome in outcomes}
    if not outcomes:
        return "no steps"
    return f"{len(outcomes)} steps: " + ", ".join(f"{n} {name}" for name, n in counts.items())


def _rect(q: QRect) -> Rect:
    from overlays.placement import Rect

    return Rect(q.x(), q.y(), q.width(), q.height())


def _ready_marker(path: str, stage: str) -> None:
    """Tests and benchmarks learn how far start-up got through WAYGUIDE_READY_FILE:
    {"tray": time} once the tray shows, then {"tray": …, "ready": time} once everything runs."""
    target = Path(path)
    try:
        stages = json.loads(target.read_text())
    except (OSError, ValueError):
        stages = {"pid": os.getpid()}
    stages[stage] = time.time()
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(stages))
    os.replace(tmp, target)


def _quit_on_signals(wayguide: Wayguide) -> None:
    """SIGTERM (logout, `kill`) and SIGINT quit cleanly. Python runs signal handlers only when it
    gets control, so the signal also wakes Qt's event loop through a pipe (a socket on Windows,
    where set_wakeup_fd takes only those) that it watches."""
    import signal

    from PySide6.QtCore import QSocketNotifier

    if sys.platform == "win32":
        import socket

        receiver, sender = socket.socketpair()
        for end in (receiver, sender):
            end.setblocking(False)
        read_end, write_end = receiver.fileno(), sender.fileno()
        drain: Callable[[], object] = lambda: receiver.recv(64)  # noqa: E731
        wayguide._signal_ends = (receiver, sender)  # kept open as long as the app lives
    else:
        read_end, write_end = os.pipe()
        for fd in (read_end, write_end):
            os.set_blocking(fd, False)
        drain = lambda: os.read(read_end, 64)  # noqa: E731
        wayguide._signal_ends = (read_end, write_end)
    signal.set_wakeup_fd(write_end)
    notifier = QSocketNotifier(read_end, QSocketNotifier.Type.Read, wayguide)
    notifier.activated.connect(drain)
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: wayguide.quit())


def main(argv: Sequence[str] | None = None) -> int:
    """Start the tray app, or hand over to the one already running.

    The tray comes first; the check for a running instance follows on the first turn of the event
    loop (finish_startup), and a second instance then hands over and quits at once."""
    QGuiApplication.setDesktopFileName("wayguide")
    app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName("wayguide")
    app.setApplicationDisplayName("Wayguide")
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)
    wayguide = Wayguide(app, Paths.from_env())

    _quit_on_signals(wayguide)
    ready = os.environ.get("WAYGUIDE_READY_FILE")

    def finish() -> None:
        if not wayguide.finish_startup():
            app.quit()
        elif ready:
            _ready_marker(ready, "ready")

    if ready:  # the tray shows on the first turn of the event loop
        QTimer.singleShot(0, lambda: _ready_marker(ready, "tray"))
    QTimer.singleShot(0, finish)
    return int(app.exec())
