"""The run controller: starts wizards (from the panel, the tray, `wayguide run`), feeds the run's engine
and carries out what it says (panel, step observer, highlight, performing, replies to `run --wait`)."""

from __future__ import annotations

import difflib
import gettext
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.i18n import said
from app.runtime.run import Run, steps_summary

if TYPE_CHECKING:
    from app.automation.performer import Performed
    from app.engine import Aborted, Failed, Finished, Perform
    from app.format.model import Wizard
    from app.library.layers import Library
    from app.platform.ipc import RunRequest
    from app.platform.ipc_server import Reply
    from app.ports import Activity, WindowInfo
    from app.runtime.panel_host import PanelHost
    from app.runtime.performing import Performing
    from app.runtime.preferences import Preferences
    from app.runtime.step_observer import StepObserver
    from app.usage.recorder import Recorder
    from overlays.highlight import Highlighter
    from overlays.panel import Panel

__all__ = ["TAKEOVER_HOTKEY_S", "RunController"]

TAKEOVER_HOTKEY_S = 1.0
"""The hotkey pressed this soon after the person took over from a performing run stops the run."""


class RunController(QObject):
    """One run at a time. `ready()` finishes start-up (False: another instance runs); the library,
    the preferences, the panel host, the step observer, `highlighter()` (made on first use) and
    `performing` are passed in."""

    runEnded = Signal(object, str, bool)
    """(wizard, mode, completed) when a run ends: finished, stopped or failed."""

    def __init__(self, ready: Callable[[], bool], preferences: Preferences,
                 library: Callable[[], Library | None], panels: PanelHost, observer: StepObserver,
                 highlighter: Callable[[], Highlighter], performing: Performing,
                 usage: Callable[[], Recorder], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ready = ready
        self._preferences = preferences
        self._library = library
        self._panels = panels
        self._observer = observer
        self._highlighter = highlighter
        self._highlight: Highlighter | None = None
        self._performing = performing
        self._usage = usage
        self.run: Run | None = None
        performing.performed.connect(self._performed)
        performing.actionStarted.connect(self._action_started)
        performing.personActed.connect(self._person_acted)
        performing.notified.connect(self._notify)
        observer.observed.connect(self.dispatch)

    runStarted = Signal(str)
    """(wizard id) when a run begins."""

    def _words(self) -> gettext.NullTranslations:
        """The person's language (the preferences' catalogue): what the runs say is said in it."""
        return self._preferences.translations

    def start(self, wizard_id: str, mode: str | None, values: dict[str, str] | None = None,
              reply: Reply | None = None, source: str = "panel") -> str | None:
        """Start a wizard of the library by id; the error, one line, when it cannot be started."""
        if not self._ready():
            return self._words().gettext("Wayguide is running in another instance")
        library = self._library()
        entry = library.get(wizard_id) if library is not None else None
        if entry is None:
            if library is not None:
                return library.unknown(wizard_id).said(self._words())  # the closest id, as the CLI says
            return self._words().gettext("no wizard with id '{id}'").format(id=wizard_id)
        return self.start_wizard(entry.wizard, mode, values, reply, source, entry.path)

    def wire(self, panel: Panel) -> None:
        """A new panel: its run's buttons come here; what they tell of the help the person took goes to
        usage data, and their choice of short version or full guidance is kept."""
        panel.startRequested.connect(self.start_from_panel)
        panel.engineEvent.connect(self.dispatch)
        panel.runAgainRequested.connect(self.run_again)
        panel.homeRequested.connect(self.home)
        panel.whyOpened.connect(lambda step_id: self._usage().help_opened(self.run, step_id))
        panel.supportChosen.connect(self._support_chosen)

    def _support_chosen(self, choice: str) -> None:
        if self.run is not None and choice in ("short", "full"):
            self._usage().choose_support(self.run.wizard.id, "short" if choice == "short" else "full")

    def start_from_panel(self, wizard_id: str, mode: str) -> None:
        self.start(wizard_id, mode or None, source=self._panels.opened_by)

    def start_wizard(self, wizard: Wizard, mode: str | None, values: dict[str, str] | None = None,
                     reply: Reply | None = None, source: str = "panel",
                     path: Path | None = None, step: str | None = None) -> str | None:
        """Start `wizard` (from `path`, where the policy decides about `run` actions; at `step` when given),
        ending a run in progress; the error, one line, when it cannot be started."""
        _ = self._words().gettext
        if step is not None and all(s.id != step for s in wizard.steps):
            close = difflib.get_close_matches(step, [s.id for s in wizard.steps], n=1)
            if close:
                return _("'{id}' has no step '{step}' (did you mean '{close}'?)").format(
                    id=wizard.id, step=step, close=close[0])
            return _("'{id}' has no step '{step}'").format(id=wizard.id, step=step)
        from app.engine import Abort, Start
        from app.format.languages import localize
        from app.library.relevance import relevant

        settings, policy = self._preferences.settings, self._preferences.policy
        assert settings is not None and policy is not None
        library = self._library()
        doubt = library.doubt(path) if library is not None and path is not None else ""
        refused = policy.automation_refusal(self._trust(path), doubt, self._words())
        if refused and mode == "black":
            return refused  # asked for in so many words (`wayguide run --mode black`): refused, not changed
        allowed = policy.restrict(wizard, "signed" if not refused else "unsigned")
        if allowed is None:
            return refused or _("'{id}' runs only in modes your administrator has turned off").format(
                id=wizard.id)
        localized = localize(allowed, self._preferences.wanted)  # the person's language, where it has it
        wizard = localized.wizard
        if self.run is not None and self.run.state.status not in ("finished", "aborted", "ready"):
            self.dispatch(Abort(reason=_("Another wizard was started"), at=time.time()))
        wanted = mode or (None if settings.preferred_mode == "wizard" else settings.preferred_mode)
        if wanted not in (None, *wizard.allowed_modes):
            if mode is not None:
                box = _("black box") if mode == "black" else _("glass box") if mode == "glass" else mode
                return _("'{id}' cannot run in {mode} mode").format(id=wizard.id, mode=box)
            wanted = None
        unavailable = self._performing.unavailable()
        if unavailable and wanted in (None, "black") and "glass" in wizard.allowed_modes:
            wanted = "glass"  # a glass-box run still works: the panel says why it is one
        self.glass_box_off()
        self.run = Run(wizard, reply, path, self._preferences.translations)
        self.runStarted.emit(wizard.id)
        self.run.refused = refused
        context = self._panels.context
        if context is not None and relevant([wizard], context):
            self.run.target = context  # keys go only to the window the panel was opened beside
        panel = self._panels.get()
        panel.set_automation(_(unavailable) if unavailable else "", refused)  # the clause is its msgid
        panel.set_language(localized.language, localized.wanted, localized.complete,
                           self._preferences.language)
        support = self._usage().support(wizard.id, policy.learning.fade_after)
        panel.step.set_support(support.short, support.offer, support.condensed,
                               "black" in wizard.allowed_modes and not (unavailable or refused))
        self._usage().begin(self.run, allowed, source, short=support.short)  # as written: one name per task
        panel.show_run(wizard)
        if not panel.isVisible():
            self._panels.summon()
        self.dispatch(Start(mode=wanted, values=values, step=step, at=time.time()))
        return None

    def _trust(self, path: Path | None) -> str:
        """How far the policy trusts the wizard in `path` to automate (app.library.layers.Trust)."""
        library = self._library()
        return "unsigned" if path is None or library is None else library.trust_of(path)

    def dispatch(self, event: Any) -> None:
        """Feed one event to the run's engine and carry out what it says."""
        from app.engine import Aborted, Failed, Finished, Paused, Perform

        run = self.run
        if run is None:
            return
        old = run.state
        run.state, effects = run.engine.handle(old, event)
        self._usage().observe(run, old, run.state, effects)
        self._panels.get().apply(effects)
        for effect in effects:
            if isinstance(effect, Paused) and effect.can_continue and run.reply is not None:
                run.reply.send({"event": "paused", "message": effect.reason})  # `run --wait` prints it
            if isinstance(effect, Failed) and run.reply is not None:
                run.reply.send({"event": "failed", "message": self._failed(effect)})
            if isinstance(effect, Perform):
                QTimer.singleShot(0, lambda e=effect: self._perform(e))
            elif isinstance(effect, Finished | Aborted):
                run.stop.set()
                self.glass_box_off()
                self._ended(run, effect)
            else:
                self._glass_box(effect)

    def _failed(self, effect: Failed) -> str:
        """Where a run failed and why, for `run --wait`."""
        _ = self._words().gettext
        if effect.action_index is None:
            return _("step “{step}”: {problem}").format(step=effect.step_id, problem=effect.message)
        return _("step “{step}”, action {number}: {problem}").format(step=effect.step_id,
                                                                    number=effect.action_index + 1,
                                                                    problem=effect.message)

    def abort(self, reason: str) -> None:
        """End the run in progress (if any), as the person's Stop does."""
        from app.engine import Abort

        if self.run is not None:
            self.dispatch(Abort(reason=reason, at=time.time()))

    def hotkey_stops(self) -> bool:
        """The hotkey pressed during a run: it stops a run that is performing, or whose performing the
        person just interrupted (the abort key's first key already stopped the typing); whether it did."""
        run = self.run
        if run is not None and (run.state.status == "performing" or (
                run.took_over and time.monotonic() - run.took_over_at < TAKEOVER_HOTKEY_S)):
            self.abort(self._words().gettext("Stopped with the hotkey"))
            return True
        return False

    @property
    def in_progress(self) -> bool:
        """A run has begun and not ended (a finished or aborted one may still show in the panel)."""
        return self.run is not None and self.run.state.status not in ("finished", "aborted")

    def home(self) -> None:
        """Back to the list of tasks: the run is let go."""
        self.run = None
        self.glass_box_off()
        self._panels.show_home()

    def run_again(self) -> None:
        if self.run is not None:
            self.start_wizard(self.run.wizard, self.run.state.mode, path=self.run.path)

    def highlighter(self) -> Highlighter:
        """The step's highlight, made on first use."""
        if self._highlight is None:
            self._highlight = self._highlighter()
            self._highlight.missing.connect(self._control_missing)
            self._highlight.outlined.connect(self._panels.make_room)
        return self._highlight

    def _control_missing(self, target: object) -> None:
        """Glass box: the control the step points at is not in the application. The explanation stays;
        the panel says calmly that it cannot point, and the miss is counted for the guide's authors."""
        from app.format.elements import locator_text
        from app.format.model import ElementTarget

        run = self.run
        if run is None or not isinstance(target, ElementTarget) or run.state.step_id is None:
            return
        self._usage().control_missed(run, run.state.step_id, locator_text(target.element.locator()))
        panel = self._panels.panel
        if panel is not None:
            panel.step.set_unpointed(target.element)

    def glass_box_off(self) -> None:
        """Nothing observed, nothing highlighted."""
        self._observer.stop()
        if self._highlight is not None:
            self._highlight.clear()

    def close(self) -> None:
        self.glass_box_off()
        self._observer.close()
        if self._highlight is not None:
            self._highlight.close()

    def run_requested(self, request: RunRequest, reply: Reply) -> None:
        """`wayguide run` over IPC: a wizard of the library or a file."""
        from app.format.loader import load_file

        if request.dry_run:  # refused, never run for real: `wayguide run --dry-run` works alone
            reply.send({"ok": False, "error": self._words().gettext(
                "the running app does not do dry runs (nothing was run); use `wayguide run ID --dry-run`, "
                "which needs no running app")})
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
            library = self._library()
            assert library is not None
            entry = library.get(request.wizard)
            if entry is None:
                reply.send({"ok": False, "error": library.unknown(request.wizard).said(self._words())})
                reply.close()
                return
            wizard, path = entry.wizard, entry.path
        error = self.start_wizard(wizard, request.mode, dict(request.inputs) or None,
                                  reply if request.wait else None, "cli", path, request.step)
        reply.send({"ok": False, "error": error} if error else {"ok": True})
        if error or not request.wait:
            reply.close()

    def _glass_box(self, effect: object) -> None:
        """Watch and highlight what the engine asks for the current step."""
        from app.engine import ClearHighlight, Highlight, Watch

        if isinstance(effect, Watch):
            self._observer.watch(effect)
            self._panels.get().step.set_unseen(said(self._observer.problem, self._words()))
        elif isinstance(effect, Highlight):
            self.highlighter().show(effect.target)
        elif isinstance(effect, ClearHighlight):
            self.highlighter().clear()

    def _perform(self, effect: Perform) -> None:
        from app.engine import ActionFailed

        run = self.run
        if run is None or run.state.status != "performing":
            return
        problem = run.refused or self._performing.perform(run, effect)  # never typed: the policy said no
        if problem:
            self.dispatch(ActionFailed(step_id=effect.step_id, action_index=0, at=time.time(),
                                       message=problem))

    def _performed(self, run: Run, step_id: str, outcome: Performed, target: WindowInfo | None) -> None:
        from app.engine import ActionFailed, ActionsDone, ActionsPaused

        if run is not self.run:
            return  # a run that was replaced meanwhile
        run.target = target
        now = time.time()
        if outcome.missed is not None:
            self._usage().control_missed(run, step_id, outcome.missed)
        if outcome.completed:
            self.dispatch(ActionsDone(step_id=step_id, at=now))
        elif outcome.failed_at is not None:
            self.dispatch(ActionFailed(step_id=step_id, action_index=outcome.failed_at,
                                       message=outcome.message, at=now))
        elif outcome.paused_at is not None:
            if run.took_over == "escape":
                self.abort(self._words().gettext("Stopped with Escape"))
                return
            reason = self._took_over(run.took_over) if run.took_over else outcome.message
            index, offset = outcome.paused_at
            self.dispatch(ActionsPaused(step_id=step_id, action_index=index, offset=offset, reason=reason,
                                        at=now))

    def _took_over(self, kind: Activity) -> str:
        _ = self._words().gettext
        if kind == "pointer":
            return _("You used the mouse, so Wayguide stopped: its input and yours must not mix. Press "
                     "Continue to let it go on from where it stopped, or finish this step yourself.")
        return _("You pressed a key, so Wayguide stopped: its typing and yours must not mix. Press Continue "
                 "to let it go on from where it stopped, or finish this step yourself.")

    def _action_started(self, run: Run, index: int) -> None:
        panel = self._panels.panel
        if run is self.run and panel is not None and run.state.status == "performing":
            panel.set_action_progress(index)

    def _person_acted(self, run: Run, kind: str) -> None:
        """In the GUI thread, after the monitor already stopped the actions: Escape ends the run."""
        if run is self.run and kind == "escape":
            self.abort(self._words().gettext("Stopped with Escape"))

    def _notify(self, message: str) -> None:
        from app.engine import Notice

        if self._panels.panel is not None:
            self._panels.panel.apply([Notice(message)])

    def _ended(self, run: Run, effect: Finished | Aborted) -> None:
        from app.engine import Finished
        from app.platform.ipc import finished

        self.runEnded.emit(run.wizard, run.state.mode or "", isinstance(effect, Finished))
        if run.reply is None:
            return
        if isinstance(effect, Finished):
            summary = steps_summary(run.state, self._words())
            message = self._words().gettext("{title}: completed ({summary})")
            run.reply.send(finished("completed", message.format(title=run.wizard.title, summary=summary)))
        else:
            run.reply.send(finished("aborted", effect.reason or self._words().gettext("aborted")))
        run.reply.close()
        run.reply = None
