"""Spaced review in the running app: a completed glass-box run schedules its wizard's `review:` questions
(app.learning), one single-shot timer wakes when a review could next be due (never polling), and then the
tray says so quietly, at a good moment (app.learning.nudge decides); the review itself is asked in the panel.

The card file is the learning store beside the usage data; a problem with it is one line in the log and
means no reviews, never a failed start."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication

from app.runtime.nudges import wait_ms

if TYPE_CHECKING:
    from app.format.model import ReviewQuestion, Wizard
    from app.learning import Reviews
    from app.paths import Paths
    from app.ports import WindowProbe
    from app.runtime.library_watcher import LibraryWatcher
    from app.runtime.panel_host import PanelHost
    from app.runtime.preferences import Preferences
    from app.runtime.runs import RunController
    from app.usage.recorder import Recorder
    from overlays.tray import Tray

__all__ = ["ReviewController"]

log = logging.getLogger(__name__)

REVIEW_SIZE = 5
"""Questions in one review: about two minutes."""


class ReviewController(QObject):
    """`open()` at start-up (after the policy and the usage data); `after_run` when a run ends; the tray's
    review entry and its notification call `start`."""

    def __init__(self, paths: Paths, preferences: Preferences, tray: Tray, panels: PanelHost,
                 runs: RunController, library: LibraryWatcher, usage: Callable[[], Recorder],
                 probe: Callable[[], WindowProbe | None], parent: QObject | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self._paths, self._preferences, self._tray, self._panels = paths, preferences, tray, panels
        self._runs, self._library, self._usage, self._probe = runs, library, usage, probe
        self._clock = clock
        self.session_start = clock()
        self.reviews: Reviews | None = None
        self.wakes_at: float | None = None
        """When the timer wakes to ask again (None: no timer; only an event can make a review due)."""
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.wake)
        self._asked: list[tuple[Wizard, ReviewQuestion]] = []
        self._wired: object | None = None
        """The panel whose review view is connected (a new panel, e.g. in another language, is again)."""
        tray.reviewRequested.connect(self.start)
        runs.runEnded.connect(self.after_run)

    def open(self) -> None:
        """Open the card file (reviews stay off when the policy says so or the file cannot be used)."""
        from app.learning import CardStore, CardStoreError, ReviewRules, Reviews
        from app.learning.cards import DB_NAME

        policy = self._preferences.policy
        enabled = policy is None or policy.learning.reviews
        try:
            store = CardStore(self._paths.data_dir / DB_NAME)
        except CardStoreError as exc:
            log.warning("%s", exc)
            return
        self.reviews = Reviews(store, ReviewRules(enabled=enabled), self._clock, on_error=log.warning)
        self.arm()

    def after_run(self, wizard: Wizard, mode: str, completed: bool) -> None:
        """A run ended: a completed glass-box run schedules its review questions; any end may be the good
        moment a waiting nudge was held back for."""
        if self.reviews is not None and wizard.review:
            self.reviews.after_run(wizard.id, [q.id for q in wizard.review], mode, completed)
        self.arm()

    def arm(self) -> None:
        """Wake when a review could next be due (no timer when only an event can change that)."""
        self._timer.stop()
        self.wakes_at = at = self.reviews.wake_at(self.session_start) if self.reviews is not None else None
        if at is not None:
            self._timer.start(wait_ms(at - self._clock()))

    def wake(self) -> None:
        """Is this a good moment to say a review is due? Say it (once a day at most), then wait again."""
        if self.reviews is None:
            return
        decision = self.reviews.decide(self.session_start, self._runs.in_progress, self._fullscreen())
        self._tray.set_review_due(decision.card is not None and decision.why not in ("off", "muted"),
                                  say=decision.show)
        if decision.show:
            self.reviews.shown()
        self.arm()

    def start(self) -> None:
        """Ask the questions due now in the panel, with the keyboard in it."""
        from overlays.review_view import ReviewItem

        if self.reviews is None or self._runs.in_progress:
            return
        self._asked = [found for card in self.reviews.due(REVIEW_SIZE)
                       if (found := self._question(card.key.wizard, card.key.question)) is not None]
        if not self._asked:
            self._tray.set_review_due(False)
            return
        self._panels.summon_with_keyboard()
        panel = self._panels.get()
        if self._wired is not panel:
            self._wired = panel
            view = panel.recall
            view.answered.connect(self._answered)
            view.postponed.connect(self._postponed)
            view.notForTask.connect(self._not_for_task)
            view.closed.connect(self._closed)
        panel.show_recall([ReviewItem(wizard.title, question) for wizard, question in self._asked])

    def _question(self, wizard_id: str, question_id: str) -> tuple[Wizard, ReviewQuestion] | None:
        library = self._library.library
        entry = library.get(wizard_id) if library is not None else None
        if entry is None:
            return None  # the wizard is gone from the library: its card waits, harmless
        from app.format.languages import localize

        wizard = localize(entry.wizard, self._preferences.wanted).wizard  # asked in the person's language
        question = next((q for q in wizard.review or () if q.id == question_id), None)
        return (wizard, question) if question is not None else None

    def _answered(self, index: int, chosen: list[int]) -> None:
        from app.learning import ReviewQuestionRef

        if self.reviews is None or not 0 <= index < len(self._asked):
            return
        wizard, question = self._asked[index]
        self.reviews.answered(ReviewQuestionRef(wizard.id, question.id), question.is_right(chosen))
        library = self._library.library
        entry = library.get(wizard.id) if library is not None else None
        written = entry.wizard.question(question.id) if entry is not None else None
        if entry is not None and written is not None:  # recorded as written, as runs are
            self._usage().review_answered(entry.wizard, written, chosen)

    def _postponed(self, until: str) -> None:
        if self.reviews is not None:
            self.reviews.snooze("tomorrow" if until == "tomorrow" else "hour")
        self._closed()

    def _not_for_task(self, index: int) -> None:
        if self.reviews is not None and 0 <= index < len(self._asked):
            self.reviews.not_this_one(self._asked[index][0].id)
        self._closed()

    def _closed(self) -> None:
        self._asked = []
        due = self.reviews is not None and bool(self.reviews.due(1))
        self._tray.set_review_due(due)
        self._panels.hide()
        self.arm()

    def _fullscreen(self) -> bool:
        """A window covering a whole screen is in front (a presentation, a call, a film)."""
        probe = self._probe()
        try:
            window = probe.active_window() if probe is not None else None
        except Exception:  # the probe is an adapter: its trouble is no reason to nudge or to fail
            return False
        if window is None or window.geometry is None:
            return False
        x, y, w, h = window.geometry
        return any(screen.geometry().getRect() == (x, y, w, h) for screen in QGuiApplication.screens())
