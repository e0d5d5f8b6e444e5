"""Nudges in context: a wizard's `nudge:` suggests the task where it is done.

When a window the wizard's `when` fits comes in front and the person has not completed the task within
the wizard's interval (or never has), and no run is under way, the tray icon shows a quiet badge (a dot,
and "Suggested: <task>" in its tooltip) and the wizard is first in the task list, tagged "Suggested".
Nothing opens over the work: the person sees it when they look. The rules are
app.learning.nudge.context_badge; this module feeds them and carries out their answer.

- **At most once per interval.** When a nudge last showed is kept in the learning store
  (learning.sqlite3, app.learning.cards, key `nudge.<wizard id>.last_shown`), so a restart does not show
  it again. The file is opened for a moment when a nudge-bearing wizard's window is in front, never at
  idle; a file that cannot be used is said once, and nudges then show at most once per interval while
  Wayguide runs.
- **The badge goes** when the person opens the panel (they have seen the suggestion: it stays first in
  the list while the window stays in front), when a run starts, or when the window goes. The suggestion
  goes with the window, and once the task is completed.
- **Events, not polling.** The window in front comes from an input watcher (X11: PropertyNotify of
  `_NET_ACTIVE_WINDOW` and of the front window's title, a thread blocked in `select`), made only while a
  visible wizard names a nudge. The rules say when asking again could give another answer (`retry_at`);
  one single-shot timer waits for that moment, and only while such a wizard's window is in front (a
  window coming in front is an event of its own).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

if TYPE_CHECKING:
    from app.format.cards import Card
    from app.learning.nudge import Badge
    from app.library.layers import Entry
    from app.paths import Paths
    from app.ports import InputWatcher, WatcherFactory, WindowInfo, WindowProbe
    from app.runtime.library_watcher import LibraryWatcher
    from app.runtime.panel_host import PanelHost
    from app.runtime.preferences import Preferences
    from app.runtime.runs import RunController
    from app.usage.progress import Progress
    from app.usage.recorder import Recorder
    from overlays.tray import Tray

__all__ = ["LONGEST_WAIT_MS", "ContextNudges", "NudgeHost", "last_shown_key", "wait_ms"]

log = logging.getLogger(__name__)

_UNSEEN = "the window in front cannot be watched: "

LONGEST_WAIT_MS = 6 * 3600 * 1000
"""A single-shot timer waits at most this long and then asks again (QTimer counts in a 32-bit int; a
suspended laptop's clock jumps), for the nudges here and the reviews (app/runtime/reviews.py)."""


def wait_ms(seconds: float) -> int:
    """A timer's wait for a moment `seconds` away: at least 1 ms past it, at most LONGEST_WAIT_MS."""
    return max(0, min(LONGEST_WAIT_MS, int(seconds * 1000) + 1))


def last_shown_key(wizard_id: str) -> str:
    """Where the learning store keeps when this wizard's nudge last showed."""
    return f"nudge.{wizard_id}.last_shown"


class NudgeHost(Protocol):
    """What the nudges need of the running app (app.runtime.tray_app.TrayApp)."""

    tray: Tray
    panels: PanelHost
    runs: RunController
    library_watcher: LibraryWatcher
    preferences: Preferences
    paths: Paths
    probe: WindowProbe | None

    @property
    def usage(self) -> Recorder: ...

    def visible(self) -> list[Entry]: ...


class ContextNudges(QObject):
    """Decides the nudges in context on every change of the window in front, of the library or of the
    settings, and when the timer the rules asked for fires. `entries()` are the wizards the person may use
    (those with `card.nudge` count), `progress()` their progress by wizard id (`last`: the last completed
    run), `running()` whether a run is under way; `store` is the learning store's path; `watchers` makes the
    input watcher (default app.platform.input_watcher), `knows_windows()` whether the window in front can
    be known here (a window probe was made); `clock` is the time (a fake one in tests)."""

    _window = Signal(object)

    def __init__(self, tray: Tray, entries: Callable[[], Sequence[Entry]],
                 progress: Callable[[], Mapping[str, Progress]], running: Callable[[], bool], store: Path,
                 watchers: WatcherFactory | None = None, clock: Callable[[], float] = time.time,
                 parent: QObject | None = None, knows_windows: Callable[[], bool] = lambda: True,
                 wanted: Callable[[], Sequence[str]] = lambda: ()) -> None:
        super().__init__(parent)
        self._wanted = wanted
        """The person's languages, best first: the nudge names the task in theirs."""
        self._tray = tray
        self._entries = entries
        self._progress = progress
        self._running = running
        self._store = store
        self._watchers = watchers
        self._knows_windows = knows_windows
        self.clock = clock
        self.suggested: str | None = None
        """The wizard suggested now (first in the list), or None."""
        self._suggested_at = 0.0
        self.front: WindowInfo | None = None
        """The window in front, as last reported (Wayguide's own windows are not counted)."""
        self.watcher: InputWatcher | None = None
        self.wake: float | None = None
        """When the single-shot timer asks again (None: no timer; only an event can change anything)."""
        self.problem = ""
        """Why nudges cannot work here, or why they are not kept between starts ("" when all is well)."""
        self._shown_here: dict[str, float] = {}
        """When each nudge showed in this session (what counts when the learning store cannot be used)."""
        self._started = self._connected = self._watching = False
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.decide)

    @classmethod
    def attach(cls, host: NudgeHost, watchers: WatcherFactory | None = None) -> ContextNudges:
        """Made for the running app: fed by its parts, telling its panel what is suggested. Nothing is
        watched until `start` (a start-up stage, once the library is loaded)."""
        store = host.paths.data_dir / "learning.sqlite3"  # app.learning.cards.DB_NAME (a test keeps it so):
        # app.learning is not imported before the tray shows
        nudges = cls(host.tray, host.visible, lambda: host.usage.progress.all(),
                     lambda: host.runs.in_progress, store, watchers,
                     parent=host.tray, knows_windows=lambda: host.probe is not None,
                     wanted=lambda: host.preferences.wanted)
        host.panels.suggested = nudges.current
        host.panels.summoned.connect(nudges.seen)
        host.runs.runStarted.connect(nudges.seen)
        host.runs.runEnded.connect(nudges.decide)  # a "no" for a run under way may now be a yes
        host.library_watcher.changed.connect(nudges.decide)
        host.preferences.applied.connect(nudges.decide)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(nudges.close)
        return nudges

    # ------------------------------------------------------------------ events

    def start(self) -> None:
        from PySide6.QtCore import Qt  # here, not when made: Qt's enums take ~25 ms, the tray shows first

        if not self._connected:
            self._window.connect(self._window_seen, Qt.ConnectionType.QueuedConnection)  # from its thread
            self._connected = True
        self._started = True
        self.decide()

    def seen(self, *_: object) -> None:
        """The panel is opening, or a run starting: the badge has done its work (the suggestion stays first
        in the list while its window is in front and the task is not done)."""
        self._tray.set_badge(None)

    def current(self) -> str | None:
        """The wizard suggested now, for the task list; a suggestion whose task was completed since, or
        during a run, is none."""
        if self.suggested is not None and (self._running() or self._done_since(self.suggested)):
            self._drop()
        return self.suggested

    def decide(self, *_: object) -> None:
        """Ask the rules again (the library, the settings or the window in front changed, or the time
        the rules named came)."""
        if not self._started:
            return
        self._timer.stop()
        self.wake = None
        nudging = [e.card for e in self._entries_or_none() if e.card.nudge is not None and e.card.when]
        self._watch(bool(nudging))
        if not nudging or self.front is None:
            self._drop()
            return
        from app.library.relevance import relevant

        by_id = {card.id: card for card in nudging}
        in_front = [by_id[m.wizard.id] for m in relevant(nudging, self.front)]  # the task list's order
        if self.suggested is not None and self.suggested not in {card.id for card in in_front}:
            self._drop()  # its window went
        if self.current() is not None or not in_front:
            return
        decisions = self._decisions(in_front)
        shown = next((d for d in decisions if d.show), None)
        if shown is not None:
            self._show(shown.wizard, by_id[shown.wizard].speaking(self._wanted()).title)
            return
        from app.learning.nudge import wake_at

        self._arm(wake_at(decisions))

    def close(self) -> None:
        self._timer.stop()
        self._started = False
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None
        self._watching = False

    # ----------------------------------------------------------------- helpers

    def _entries_or_none(self) -> Sequence[Entry]:
        try:
            return self._entries()
        except AssertionError:  # no library, settings or policy (yet): nothing to suggest
            return ()

    def _decisions(self, in_front: list[Card]) -> list[Badge]:
        """The rules' answer for each wizard whose window is in front, in the order of the task list."""
        from app.learning.nudge import ContextNudge, context_badge

        now, progress, running = self.clock(), self._progress(), self._running()
        shown, muted = self._remembered([card.id for card in in_front])
        decisions = []
        for card in in_front:
            assert card.nudge is not None
            done = progress.get(card.id)
            decisions.append(context_badge(ContextNudge(card.id, card.nudge), now, True,
                                           done.last if done is not None else None, shown.get(card.id),
                                           running, muted))
        return decisions

    def _remembered(self, wizards: list[str]) -> tuple[dict[str, float], frozenset[str]]:
        """When each nudge last showed (the store's, or this session's where later) and the wizards the
        person said "not this one" to, read from the learning store for this moment."""
        shown = dict(self._shown_here)
        muted: frozenset[str] = frozenset()
        try:
            from app.learning.cards import CardStore

            store = CardStore(self._store)
            try:
                for wizard_id in wizards:
                    kept = store.get(last_shown_key(wizard_id))
                    if kept is not None and kept > shown.get(wizard_id, float("-inf")):
                        shown[wizard_id] = kept
                muted = store.muted()
            finally:
                store.close()
        except Exception as exc:  # CardStoreError, sqlite3.Error, OSError: said once, never fatal
            self._failed(exc)
        return shown, muted

    def _show(self, wizard_id: str, title: str) -> None:
        now = self.clock()
        self.suggested, self._suggested_at = wizard_id, now
        self._shown_here[wizard_id] = now
        self._tray.set_badge(title)
        try:
            from app.learning.cards import CardStore

            store = CardStore(self._store)
            try:
                store.set(last_shown_key(wizard_id), now)
            finally:
                store.close()
        except Exception as exc:
            self._failed(exc)

    def _drop(self) -> None:
        if self.suggested is not None:
            self.suggested = None
            self._tray.set_badge(None)

    def _done_since(self, wizard_id: str) -> bool:
        done = self._progress().get(wizard_id)
        return done is not None and done.last is not None and done.last >= self._suggested_at

    def _arm(self, at: float | None) -> None:
        self.wake = at
        if at is not None:
            self._timer.start(wait_ms(at - self.clock()))

    def _watch(self, windows: bool) -> None:
        """Watch the window in front exactly while a visible wizard names a nudge (and the window in front
        can be known here at all)."""
        windows = windows and self._knows_windows()
        if not windows or self.problem.startswith(_UNSEEN):
            if self.watcher is not None and self._watching:
                self.watcher.watch(False, ())
            self._watching = False
            self.front = None
            return
        if self._watching:
            return
        try:
            if self.watcher is None:
                if self._watchers is None:
                    from app.platform import input_watcher

                    self._watchers = input_watcher
                self.watcher = self._watchers(self._window.emit, _ignore, _nothing)
            self.watcher.watch(True, ())  # reports the window in front at once
            self._watching = True
        except Exception as exc:  # ProbeUnavailable, no X display: no nudges here, said once
            self.problem = ""
            self._failed(exc, "", _UNSEEN)

    def _window_seen(self, window: WindowInfo) -> None:
        if window.pid == os.getpid():
            return  # the panel itself: the person is looking at the suggestion
        self.front = window
        self.decide()

    def _failed(self, exc: BaseException, consequence: str = "; a nudge may show again after a restart",
                prefix: str = "") -> None:
        if not self.problem:
            self.problem = f"{prefix}{str(exc) or type(exc).__name__}{consequence}"
            log.warning("wayguide: warning: nudges in context: %s", self.problem)


def _ignore(_combo: str) -> None:
    """No key combos are watched for nudges."""


def _nothing() -> None:
    """Nothing is followed."""
