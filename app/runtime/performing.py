"""Performing a black-box step: the performer on a worker thread, one worker at a time, and the monitor
that notices the person taking over while it types."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from app.automation.performer import Performer
    from app.engine import Perform
    from app.policy.admin import Policy
    from app.ports import (
        Activity,
        ActivityMonitor,
        Automation,
        Elements,
        Injector,
        Launcher,
        ProbeUnavailable,
        WindowProbe,
    )
    from app.runtime.run import Run

__all__ = ["WORKER_WAIT_S", "DesktopAutomation", "Performing"]

log = logging.getLogger(__name__)

WORKER_WAIT_S = 5.0
"""How long a perform waits for the worker of the one before (stopped, so ending) before it pauses."""


class DesktopAutomation:
    """Typing and clicking on this desktop (app.ports.Automation): app.platform.automation, and what
    `wayguide doctor` finds in the way."""

    def problem(self) -> str | None:
        from app.platform.desktop_facts import automation_problem, probe_facts

        return automation_problem(probe_facts())

    def connect(self) -> tuple[Injector, ActivityMonitor | None]:
        from app.platform import automation

        return automation()

    def elements(self) -> Elements | None:
        from app.platform import elements
        from app.ports import ProbeUnavailable

        try:
            return elements()
        except ProbeUnavailable:
            return None


class Performing(QObject):
    """Performs the actions of a step on a worker thread and reports back through signals, which Qt
    queues to the GUI thread. The performer is made on first use from `automation` (default: this
    desktop's) and the window probe; a new perform waits for the worker of the one before, and only the
    perform that started the take-over monitor stops it."""

    performed = Signal(object, str, object, object)
    """(run, step id, Performed, window): emitted by the worker thread that performed a step."""
    actionStarted = Signal(object, int)
    """(run, action index): emitted by the worker thread as each action begins."""
    personActed = Signal(object, str)
    """(run, Activity): emitted by the activity monitor's thread when the person took over."""
    notified = Signal(str)
    """A `notify` action's message, from the worker thread."""

    def __init__(self, probe: Callable[[], WindowProbe | None], policy: Callable[[], Policy | None],
                 current: Callable[[], Run | None], automation: Automation | None = None,
                 launcher: Launcher | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._probe = probe
        self._policy = policy
        self._current = current
        self._automation = automation
        self._launcher = launcher
        self._performer: Performer | None = None
        self._monitor: ActivityMonitor | None = None
        self._monitor_lock = threading.Lock()
        self._monitor_owner: object | None = None
        """The perform that started the monitor: only it stops it (a stale worker never does)."""
        self._performing = threading.local()
        """On a worker thread, `.run`: the run that thread performs for."""
        self._worker: threading.Thread | None = None
        self._no_automation: ProbeUnavailable | None = None
        """Why automation cannot work here, once found: said in each run's language."""
        self._unavailable: str | None = None

    @property
    def worker(self) -> threading.Thread | None:
        """The latest perform's worker thread: one performs at a time, a new one waits for it."""
        return self._worker

    def unavailable(self) -> str:
        """Why "Do it for me" cannot work here (a clause, from `wayguide doctor`, in English: it is its own
        msgid, said in the person's language with `gettext` where it is shown); "" when it can. Found out
        once."""
        if self._performer is not None:
            return ""
        if self._unavailable is None:
            problem = (self._automation or DesktopAutomation()).problem()
            if problem is None and self._probe() is None:
                from app.i18n import N_

                problem = N_("the window in front cannot be known here")
            self._unavailable = problem or ""
        return self._unavailable

    def perform(self, run: Run, effect: Perform) -> str | None:
        """Perform the step's actions on a worker thread; the outcome comes back as `performed`. Where
        automation cannot work, nothing is started and the reason is returned."""
        performer = self._made()
        if performer is None:
            problem = self._no_automation.said(run.translations) if self._no_automation is not None else ""
            return run.translations.gettext("Wayguide cannot do this step for you here: {problem}.").format(
                problem=problem)
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
                log.warning("wayguide: warning: %s; Wayguide cannot notice you taking over", exc)
                monitor = None
        when = run.wizard.when
        busy = run.translations.gettext("Wayguide is still finishing what it did before; press Continue in a "
                                        "moment.")

        def work() -> None:
            from app.automation.controls import STOPPED
            from app.automation.performer import Performed

            try:
                if not _ended(previous, stop):
                    outcome, target = Performed(message=busy, paused_at=effect.start), run.target
                elif stop.is_set():
                    stopped = run.translations.gettext(STOPPED)
                    outcome, target = Performed(message=stopped, paused_at=effect.start), run.target
                else:
                    self._performing.run = run
                    outcome, target = performer.run(
                        effect.actions, run.target, stop, effect.start, effect.pace,
                        lambda i: self.actionStarted.emit(run, i), when, effect.shown, run.translations)
            finally:
                if monitor is not None:
                    self._release_monitor(monitor, lease)
            self.performed.emit(run, effect.step_id, outcome, target)

        self._worker = threading.Thread(target=work, name="wayguide-perform", daemon=True)
        self._worker.start()
        return None

    def may_run(self, argv: Sequence[str]) -> bool:
        """Whether the run being performed may start a program: only where the admin policy allows it,
        for wizards from the folders it trusts (called on the performer's thread, where it is the run that
        thread performs for; reads only)."""
        run, policy = getattr(self._performing, "run", None) or self._current(), self._policy()
        return run is not None and policy is not None and policy.allows_run(run.path)

    def may_open(self, target: str) -> bool:
        """Whether an `open` action may open `target`, which is not a web or mail link: it can start
        programs (.desktop files, URL schemes, .exe/.lnk), so by the same rule as `run`."""
        return self.may_run(["open", target])

    def _release_monitor(self, monitor: ActivityMonitor, lease: object) -> None:
        """Stop the take-over monitor, unless a newer perform started it since (worker threads)."""
        with self._monitor_lock:
            if self._monitor_owner is lease:
                self._monitor_owner = None
                monitor.stop()

    def _made(self) -> Performer | None:
        """The performer, made on first use; None (and the reason kept) where automation cannot work."""
        if self._performer is None and self._no_automation is None:
            from app.automation.performer import Performer
            from app.i18n import N_
            from app.platform import program_launcher
            from app.platform.qt_clipboard import QtClipboard
            from app.ports import ProbeUnavailable

            try:
                probe = self._probe()
                if probe is None:
                    raise ProbeUnavailable(N_("the window in front cannot be known here"))
                automation = self._automation or DesktopAutomation()
                injector, self._monitor = automation.connect()
                self._performer = Performer(injector, probe, clipboard=QtClipboard(self),
                                            launcher=self._launcher or program_launcher(),
                                            notify=self.notified.emit, allow_run=self.may_run,
                                            allow_open=self.may_open, elements=automation.elements())
            except ProbeUnavailable as exc:
                self._no_automation = exc
        return self._performer


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
