"""The tray app, composed: makes the runtime's parts, hands each the collaborators it needs (the OS
ports, or fakes in tests), wires their signals, and starts up in stages that fail alone."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from app import __version__
from app.i18n import N_
from app.paths import Paths
from app.runtime.hotkey import GlobalHotkey
from app.runtime.library_watcher import LibraryWatcher, visible_entries
from app.runtime.nudges import ContextNudges
from app.runtime.panel_host import PanelHost
from app.runtime.performing import Performing
from app.runtime.preferences import Preferences
from app.runtime.reviews import ReviewController
from app.runtime.runs import RunController
from app.runtime.startup import StartupStages
from app.runtime.step_observer import ElementWatcher, StepObserver
from app.runtime.usage_data import open_insights, usage_config, usage_db

if TYPE_CHECKING:
    from app.library.layers import Entry, Library
    from app.platform.ipc import PreviewRequest, RecordRequest
    from app.platform.ipc_server import IpcServer, Reply
    from app.policy.admin import Policy
    from app.policy.settings import Settings
    from app.ports import (
        Automation,
        Autostart,
        Elements,
        HotkeysFactory,
        Launcher,
        Opener,
        WatcherFactory,
        WindowProbe,
    )
    from app.runtime.preview import PreviewController
    from app.runtime.recording import CaptureFactory, RecordingController
    from app.runtime.run import Run
    from app.usage.recorder import Recorder
    from overlays.highlight import Highlighter
    from overlays.panel import Panel

__all__ = ["TrayApp"]

log = logging.getLogger(__name__)


class TrayApp(QObject):
    """Everything the running app is made of; created once by `main`, no globals. Only the tray is
    shown here; `finish_startup` does the rest once it shows.

    The collaborators default to this desktop's (app.platform): `probes` makes a window probe (each
    with its own connection), `watchers` an input watcher, `automation` types and clicks, `launcher`
    runs programs, `opener` opens links and files, `autostart` switches start at login, `hotkeys`
    makes the global hotkey's listener (only with `start_hotkey`), `captures` the recorder's capture."""

    def __init__(self, app: QApplication, paths: Paths, start_hotkey: bool = True, *,
                 probes: Callable[[], WindowProbe] | None = None, watchers: WatcherFactory | None = None,
                 automation: Automation | None = None, launcher: Launcher | None = None,
                 opener: Opener | None = None, autostart: Autostart | None = None,
                 hotkeys: HotkeysFactory | None = None, captures: CaptureFactory | None = None) -> None:
        super().__init__()
        from overlays.tray import Tray, app_icon

        self.app = app
        self.paths = paths
        self.tray = Tray(app_icon(), self)
        self.ipc: IpcServer | None = None
        self.probe: WindowProbe | None = None
        """The window probe of the GUI thread (None where the window in front cannot be known)."""
        self._probes = probes
        self._watchers = watchers
        self._automation = automation
        self._opener = opener
        self._start_hotkey = start_hotkey
        self._started = False
        self._usage: Recorder | None = None
        self.stages = StartupStages()
        self.preferences = Preferences(app, paths, self.tray, autostart, self)
        self.library_watcher = LibraryWatcher(paths, self)
        self.hotkey = GlobalHotkey(hotkeys, self)
        self.observer = StepObserver(self, watchers, self._element_watch)
        self.panels = PanelHost(self.finish_startup, self.preferences, lambda: self.probe, self.visible,
                                self._panel_busy, self._wire, self.stages.problems, self,
                                broken=self.library_watcher.broken,
                                sources=self.library_watcher.source_states)
        self.performing = Performing(lambda: self.probe, lambda: self.preferences.policy,
                                     lambda: self.runs.run, automation, launcher, self)
        self.runs = RunController(self.finish_startup, self.preferences, lambda: self.library_watcher.library,
                                  self.panels, self.observer, self._highlighter, self.performing,
                                  lambda: self.usage, self)
        self.panels.own_files = self.library_watcher.own_files
        self.panels.progress = lambda: self.usage.progress.all()
        self.reviews = ReviewController(paths, self.preferences, self.tray, self.panels, self.runs,
                                        self.library_watcher, lambda: self.usage, lambda: self.probe, self)
        self.nudges = ContextNudges.attach(self, watchers)
        self._captures = captures
        self._preview: PreviewController | None = None
        self._recording: RecordingController | None = None
        """The author's preview and the recorder: made on first use, after the tray shows."""
        self.preferences.applied.connect(self._settings_applied)
        self.library_watcher.changed.connect(self._library_changed)
        self.library_watcher.sourcesChanged.connect(self.panels.refresh)
        self.hotkey.pressed.connect(self._hotkey)
        self.tray.openRequested.connect(self.panels.summon_with_keyboard)
        self.tray.wizardRequested.connect(lambda wizard_id: self.runs.start(wizard_id, None, source="tray"))
        self.tray.insightsRequested.connect(self.open_insights)
        self.tray.recordRequested.connect(self.record)
        self.tray.modeChanged.connect(self.preferences.change_mode)
        self.tray.settingsRequested.connect(self.open_settings)
        self.tray.aboutRequested.connect(self._about)
        self.tray.quitRequested.connect(self.quit)
        if self.tray.available():
            self.tray.show()

    # what the parts hold, for those who drive the app (the command channel, tests)
    @property
    def preview(self) -> PreviewController:
        if self._preview is None:
            from app.runtime.preview import LocatorChecker, PreviewController

            checker = LocatorChecker(self._preview_probe, self._control_finder, self)
            self._preview = PreviewController(self.finish_startup, self.panels, self.runs, checker, self)
        return self._preview

    @property
    def recording(self) -> RecordingController:
        if self._recording is None:
            from app.runtime.recording import RecordingController

            self._recording = RecordingController(
                self.paths, self.panels, self._captures, stop_combos=self._stop_combos,
                notify=self.tray.notify, busy=self._busy, activate=self._activate, parent=self,
                words=lambda: self.preferences.translations,
                open_preview=lambda path: self._open_preview(str(path)))
            self._recording.activeChanged.connect(self._recording_changed)
        return self._recording

    @property
    def run(self) -> Run | None:
        return self.runs.run

    @property
    def panel(self) -> Panel | None:
        return self.panels.panel

    @property
    def library(self) -> Library | None:
        return self.library_watcher.library

    @property
    def settings(self) -> Settings | None:
        return self.preferences.settings

    @property
    def policy(self) -> Policy | None:
        return self.preferences.policy

    @property
    def startup_problems(self) -> list[str]:
        """The start-up stages that failed, one sentence each, until the panel first shows them."""
        return self.stages.problems

    @property
    def usage(self) -> Recorder:
        """Usage data: fed by the runs and the panel's "Why?" and search; made after the tray shows."""
        if self._usage is None:
            from app.usage.recorder import Recorder

            self._usage = Recorder()
        return self._usage

    def start(self, wizard_id: str, mode: str | None, values: dict[str, str] | None = None,
              source: str = "panel") -> str | None:
        """Start a wizard of the library by id; the error, one line, when it cannot be started."""
        return self.runs.start(wizard_id, mode, values, source=source)

    def dispatch(self, event: Any) -> None:
        self.runs.dispatch(event)

    def summon(self) -> None:
        self.panels.summon()

    def toggle(self) -> None:
        self.panels.toggle()

    def hide_panel(self) -> None:
        self.panels.hide()

    def visible(self) -> list[Entry]:
        """The wizards for the person's roles, in the modes the policy allows."""
        assert self.library is not None and self.settings is not None and self.policy is not None
        return visible_entries(self.library, self.settings, self.policy)

    # --------------------------------------------------------------- start-up

    def finish_startup(self) -> bool:
        """Everything the tray did not need: instance check, settings, library, hotkey listener.

        Each stage fails alone (app/runtime/startup.py), so one odd file or folder never leaves a
        half-started app. False when another instance turned out to be running (it was asked to show
        itself)."""
        if self._started:
            return True
        self._started = True
        stage, preferences, library = self.stages.run, self.preferences, self.library_watcher
        try:
            if not self._start_ipc():
                return False
        except Exception as exc:
            self.stages.failed("the command channel", exc, "`wayguide toggle` will not reach this instance")
        stage("the window probe", self._start_probe, "showing all wizards")
        if not stage("the policy", preferences.load_policy, "glass box only, nothing sent"):
            preferences.glass_box_only()
        if not stage("the settings", preferences.load_settings, "Wayguide's defaults apply"):
            preferences.defaults()
        stage("the tray menu", preferences.set_up_tray, "some of the tray menu may be missing")
        stage("the theme", preferences.apply_theme, "the system look")
        stage("usage data", self._open_usage, "nothing is recorded")
        stage("spaced review", self.reviews.open, "no reviews are offered")
        if not stage("the wizard library", self._load_library, "no wizards listed"):
            library.load_nothing()
        stage("watching the wizard folders", library.watch, "changes need a restart")
        stage("the list of wizards", self._library_changed, "the tray menu lists no wizards")
        stage("suggested tasks", self.nudges.start, "no task is suggested where it is done")
        if self._start_hotkey:
            stage("the global hotkey", lambda: self.hotkey.start(self._combos()),
                  "bind `wayguide toggle` to a desktop shortcut")
        if not self.tray.available():
            marker = self.paths.data_dir / "said-no-tray"
            stage("the no-tray notice", lambda: self.panels.no_tray_notice(marker),
                  "run `wayguide toggle` to open Wayguide")
        return True

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
            server.toggleRequested.connect(self.panels.toggle)
            server.showRequested.connect(self.panels.summon)
            server.runRequested.connect(self.runs.run_requested)
            server.recordRequested.connect(self._record_requested)
            server.previewRequested.connect(self._preview_requested)
        except ipc.IpcError as exc:
            log.warning("wayguide: warning: %s; `wayguide toggle` will not reach this instance", exc)
        return True

    def _record_requested(self, request: RecordRequest, reply: Reply) -> None:
        self.recording.record_requested(request, reply)

    def _preview_requested(self, request: PreviewRequest, reply: Reply) -> None:
        self.preview.requested(request, reply)

    def _start_probe(self) -> None:
        from app.platform import window_probe
        from app.ports import ProbeUnavailable

        try:
            self.probe = (self._probes or window_probe)()
        except ProbeUnavailable as exc:
            log.warning("wayguide: warning: %s; showing all wizards", exc)

    def _load_library(self) -> None:
        policy = self._policy()
        self.library_watcher.load(policy.library, policy.trust.keys)

    def _policy(self) -> Policy:
        assert self.policy is not None
        return self.policy

    def _combos(self) -> list[str]:
        assert self.settings is not None
        return [self.settings.hotkey, self.settings.keyboard_hotkey]

    def _open_usage(self) -> None:
        self.usage.open(usage_db(self.paths), usage_config(self._policy()))

    # ----------------------------------------------------------------- wiring

    def _wire(self, panel: Panel) -> None:
        """A new panel: what its buttons ask goes to the runs, the panel host and the preferences."""
        self.runs.wire(panel)
        panel.hideRequested.connect(self.panels.hide)
        panel.settingsRequested.connect(self.open_settings)
        panel.focusReleased.connect(self.panels.give_focus_back)
        panel.searched.connect(self.usage.searched)
        panel.linkRequested.connect(self.open_link)
        panel.previewRequested.connect(self._open_preview)

    def _highlighter(self) -> Highlighter:
        """With a window probe of its own: the performer's is used on its thread."""
        from app.platform import input_watcher, window_probe
        from app.ports import ProbeUnavailable
        from overlays.highlight import Highlighter

        probe = None
        if self.probe is not None:
            try:
                probe = (self._probes or window_probe)()
            except ProbeUnavailable:
                probe = None
        return Highlighter(probe, self._watchers or input_watcher, self, self._control_finder)

    def _control_finder(self) -> Elements | None:
        """The controls inside applications, for the highlight (its own connection to the bus)."""
        from app.runtime.performing import DesktopAutomation

        return (self._automation or DesktopAutomation()).elements()

    def _element_watch(self, report: Callable[[int, str, bool], None]) -> ElementWatcher:
        """Decides the steps' element conditions on a thread of its own, with its own connection to the bus
        and its own window probe."""
        from app.automation.element_watch import ElementWatch
        from app.platform import window_probe
        from app.ports import ProbeUnavailable

        def elements() -> Elements:
            found = self._control_finder()
            if found is None:
                raise ProbeUnavailable(N_("this desktop shows no controls inside applications"))
            return found

        return ElementWatch(elements, self._probes or window_probe, report, own_pid=os.getpid())

    def _preview_probe(self) -> WindowProbe:
        """A window probe for the preview's lookups, made on their thread."""
        from app.platform import window_probe

        return (self._probes or window_probe)()

    def _open_preview(self, path: str) -> None:
        """"Open in preview" in the panel: a problem goes where the person looks."""
        from pathlib import Path

        error = self.preview.open(Path(path))
        if error is not None and self.panel is not None:
            self.panel.current_view().show_notice(error, "problem")

    def _hotkey(self, combo: str) -> None:
        if self._recording is not None and self._recording.active:  # the hotkey ends it (not recorded)
            self.recording.stop()
            return
        if self.runs.hotkey_stops():
            return
        if self.settings is not None and combo == self.settings.keyboard_hotkey:
            self.panels.summon_with_keyboard()
        else:
            self.panels.toggle()
        self.panels.opened_by = "hotkey"

    def _settings_applied(self, old: Settings, new: Settings) -> None:
        if (new.hotkey, new.keyboard_hotkey) != (old.hotkey, old.keyboard_hotkey):
            self.hotkey.restart([new.hotkey, new.keyboard_hotkey])
        if (new.roles, new.language) != (old.roles, old.language) and self.library is not None:
            self._library_changed()

    def _library_changed(self) -> None:
        wanted = self.preferences.wanted
        self.tray.set_wizards([(e.id, e.card.speaking(wanted).title) for e in self.visible()])
        self.panels.refresh()

    # ------------------------------------------------------------ the tray menu

    def open_settings(self) -> None:
        if self.finish_startup():
            self.preferences.edit()

    def open_link(self, url: str) -> None:
        """A link in the panel, opened in the browser."""
        self._opener_port().open_url(url)

    def open_insights(self) -> None:
        """The usage report as one HTML file in the cache dir, opened in the browser."""
        if not self.finish_startup():
            return
        unopened = open_insights(self.paths, self.usage, self._opener_port())
        if unopened is not None:  # no browser here
            self.tray.icon.showMessage("Wayguide", f"The insights report is in {unopened}")

    def _opener_port(self) -> Opener:
        if self._opener is None:
            from app.platform import opener

            self._opener = opener()
        return self._opener

    # -------------------------------------------------------------- recording

    def record(self) -> None:
        """The tray's "Record a guide…", or "Stop recording" while one runs."""
        if self.recording.active:
            self.recording.stop()
        elif self.finish_startup():
            error = self.recording.start()
            if error:
                self.tray.notify(error[:1].upper() + error[1:] + ".")

    def _recording_changed(self, active: bool) -> None:
        self.tray.set_recording(active)
        if active:
            self.panels.hide()  # room for the task; Wayguide's own windows are never recorded

    def _panel_busy(self) -> bool:
        """The panel shows a run, or a recording's review, instead of the tasks."""
        return self.runs.run is not None or (self._recording is not None and self._recording.reviewing)

    def quiet(self) -> bool:
        """No run, recording, review or preview under way and the panel hidden (app/runtime/upgrade.py)."""
        parts = [part for part in (self._recording, self._preview) if part is not None]
        return not (self.runs.in_progress or self.panels.shown() or any(p.under_way for p in parts))

    def _busy(self) -> str | None:
        return N_("a wizard is running: finish or stop it first") if self.runs.run is not None else None

    def _stop_combos(self) -> list[str]:
        return self._combos() if self.settings is not None else []

    def _activate(self, handle: int) -> None:
        if self.probe is not None:
            self.probe.activate(handle)

    def _about(self) -> None:
        from overlays.about import about_box, licence_text

        about_box(__version__, licence_text()).exec()

    def quit(self) -> None:
        if self._recording is not None:
            self._recording.stop()  # a recording under way is written as a draft, not lost
        if self._preview is not None:
            self._preview.close()
        self.runs.abort("Wayguide was closed")
        self.runs.close()
        self.library_watcher.close()
        self.usage.close()
        self.hotkey.stop()
        if self.ipc is not None:
            self.ipc.close()
        self.tray.hide()
        self.app.quit()
