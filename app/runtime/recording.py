"""Recording a guide: the capture runs while the author does the task once, a small bar shows, and
Stop (the bar, the hotkey, `wayguide record` ended with Ctrl+C) writes the draft at once; the review
form then names the inputs and the draft is written again.

Captured events stay in this process's memory until the draft is written; the typed text in them is
written only where the author ticks "always this text"."""

from __future__ import annotations

import gettext
import logging
import threading
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.i18n import ENGLISH, said
from app.paths import Paths
from app.ports import WindowInfo
from app.recording.events import Event, Note, StepBreak

if TYPE_CHECKING:
    from app.platform.ipc import Outcome, RecordRequest
    from app.platform.ipc_server import Reply
    from app.recording.capture import Capture
    from app.recording.review import TypedInput
    from app.runtime.panel_host import PanelHost
    from overlays.recording_bar import RecordingBar

__all__ = ["CaptureFactory", "RecordingController"]

log = logging.getLogger(__name__)

CaptureFactory = Callable[[Collection[str]], "Capture"]
"""Makes the desktop's capture, told which combos (the stop hotkey) it must not record."""


class RecordingController(QObject):
    """One recording at a time: start, pause, step breaks and notes, stop and the draft, the review.

    `captures` makes the desktop's capture (default: X11 + AT-SPI); `stop_combos` are the hotkeys
    that stop it (never recorded); `notify` tells the person one sentence; `busy` says why a
    recording cannot start now (a run under way); `open_preview` shows a saved draft beside the
    application; `activate` gives the keyboard back to a window (by handle)."""

    activeChanged = Signal(bool)
    draftWritten = Signal(str)
    """The path of a draft just written (at Stop, and again after the review)."""
    _captured = Signal()
    """From the capture's thread: the bar's count of steps is due."""

    def __init__(self, paths: Paths, panels: PanelHost, captures: CaptureFactory | None, *,
                 stop_combos: Callable[[], list[str]], notify: Callable[[str], None],
                 busy: Callable[[], str | None], open_preview: Callable[[Path], object],
                 activate: Callable[[int], None],
                 words: Callable[[], gettext.NullTranslations] = lambda: ENGLISH,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._paths, self._panels, self._captures = paths, panels, captures
        self._stop_combos, self._notify, self._busy = stop_combos, notify, busy
        self._open_preview, self._activate = open_preview, activate
        self._words = words
        """The person's language (the preferences' catalogue, as it is when something is said)."""
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self._capture: Capture | None = None
        self._out: Path | None = None
        self._reply: Reply | None = None
        self._bar: RecordingBar | None = None
        self._paused = self._noting = False
        self._under_review: tuple[list[Event], Path] | None = None
        self._wired = False
        self._last: tuple[Outcome, str] | None = None
        """What became of the last recording, for a `wayguide record` stopped with Ctrl+C."""
        self._captured.connect(self._count)

    @property
    def active(self) -> bool:
        return self._capture is not None

    @property
    def bar(self) -> RecordingBar | None:
        """The recording bar, while a recording runs."""
        return self._bar

    # ------------------------------------------------------------------ start

    def start(self, out: Path | None = None, reply: Reply | None = None) -> str | None:
        """Begin recording; the error, one line, when it cannot begin. With `reply` (a `wayguide
        record`), the draft's path is sent there at Stop, and the client leaving stops the recording."""
        tr = self._words()
        if self.active:
            return tr.gettext("a recording is already running: stop it first (the bar's Stop, or the hotkey)")
        busy = self._busy()
        if busy:
            return tr.gettext(busy)
        if out is not None and (out.exists() or out.is_symlink()):
            return tr.gettext("{out} exists already: choose another --out (nothing was recorded)").format(
                out=out)
        try:
            capture = self._make_capture()
        except Exception as exc:  # no X server, no XInput 2: one line, the app lives on
            log.warning("wayguide: warning: cannot record here: %s", exc)
            return tr.gettext("cannot record on this desktop: {problem}").format(problem=said(exc, tr))
        with self._lock:
            self._events = []
        self._out, self._reply, self._capture = out, reply, capture
        self._paused = self._noting = False
        if reply is not None:
            reply.when_gone(self._client_left)
        capture.start(self._on_event)
        self._show_bar()
        self.activeChanged.emit(True)
        return None

    def record_requested(self, request: RecordRequest, reply: Reply) -> None:
        """`wayguide record` over IPC: start (the reply stays open until the draft is written) or stop."""
        if request.stop:  # Ctrl+C on `wayguide record`: told what became of the recording
            if self.active:
                self.stop()
            reply.send({"ok": True})
            self._finish(reply, *(self._last or ("aborted", "no recording was running")))
            return
        error = self.start(Path(request.out) if request.out else None, reply)
        reply.send({"ok": False, "error": error} if error else {"ok": True})
        if error:
            reply.close()

    def _make_capture(self) -> Capture:
        if self._captures is not None:
            return self._captures(self._stop_combos())
        from app.platform.x11_capture import X11Capture

        return X11Capture(ignore=self._stop_combos())

    def _on_event(self, event: Event) -> None:
        """On the capture's thread: kept under the lock; the GUI thread only hears that one came."""
        with self._lock:
            self._events.append(event)
        self._captured.emit()

    def _show_bar(self) -> None:
        from overlays.recording_bar import RecordingBar

        bar = RecordingBar()
        bar.stopRequested.connect(self.stop)
        bar.pauseToggled.connect(self.pause)
        bar.stepBreakRequested.connect(self.step_break)
        bar.noteAdded.connect(self.note)
        bar.noteEditing.connect(self._note_editing)
        bar.focusReleased.connect(self._give_keyboard_back)
        combos = self._stop_combos()
        if combos:
            bar.set_stop_hint(combos[0])
        bar.start_recording()
        self._panels.place_bar(bar)
        bar.show()
        self._bar = bar

    # ------------------------------------------------------- while recording

    def pause(self, paused: bool) -> None:
        self._paused = paused
        self._apply_pause()

    def _note_editing(self, editing: bool) -> None:
        """Keys typed into the bar's note field are the note, not the demonstration."""
        self._noting = editing
        self._apply_pause()

    def _apply_pause(self) -> None:
        if self._capture is not None:
            self._capture.pause(self._paused or self._noting)

    def _give_keyboard_back(self) -> None:
        """The bar's note field is closed: the application recorded gets the keyboard again."""
        handle = next((e.window.handle for e in reversed(self.events()) if e.window.handle), 0)
        if handle:
            self._activate(handle)

    def step_break(self) -> None:
        self._mark(lambda t, window: StepBreak(t, window))

    def note(self, text: str) -> None:
        if text.strip():
            self._mark(lambda t, window: Note(t, window, text.strip()))

    def _mark(self, make: Callable[[float, WindowInfo], Event]) -> None:
        with self._lock:
            if not self._events or self._capture is None:
                return  # a break or a note belongs after something done
            self._events.append(make(time.monotonic(), self._events[-1].window))
        self._count()

    def _count(self) -> None:
        if self._bar is not None:
            self._bar.set_steps(self.steps())

    def steps(self) -> int:
        """Steps the draft would have now."""
        from app.recording.draft import suggest_inputs
        from app.recording.grouping import plan_steps

        events = self.events()
        return len(plan_steps(events, suggest_inputs(events)))

    def events(self) -> list[Event]:
        with self._lock:
            return list(self._events)

    def _client_left(self) -> None:
        """The terminal that ran `wayguide record` was closed (or Ctrl+C ended it): stop."""
        self._reply = None
        if self.active:
            self.stop()

    # ------------------------------------------------------------------- stop

    def stop(self) -> None:
        """End the recording and write the draft now; then the review form."""
        capture, self._capture = self._capture, None
        if capture is None:
            return
        capture.stop()  # joins its threads: every event is in the list now
        if self._bar is not None:
            self._bar.close()
            self._bar.deleteLater()
            self._bar = None
        self.activeChanged.emit(False)
        events = self.events()
        reply, self._reply = self._reply, None
        if not any(not isinstance(e, StepBreak | Note) for e in events):
            self._finish(reply, "aborted", "nothing was recorded")
            self._notify(self._words().gettext("Nothing was recorded."))
            return
        from app.recording.draft import suggest_inputs
        from app.recording.grouping import app_name

        inputs = suggest_inputs(events)
        stamp = time.strftime("%Y%m%d-%H%M")
        where = app_name(events[0].window)
        title = f"Recorded in {where} ({time.strftime('%d %b %Y, %H:%M')})"
        out = self._out or self._new_file(stamp)
        self._out = out
        error = self._write(out, events, inputs, title, f"recorded.{stamp}")
        if error:
            self._finish(reply, "failed", error)
            self._notify(error)
            return
        self._finish(reply, "completed", f"draft written to {out}")
        self._review(events, inputs, out, where)

    def _new_file(self, stamp: str) -> Path:
        folder = self._paths.user_wizards
        candidate = folder / f"recorded-{stamp}.yaml"
        n = 2
        while candidate.exists():
            candidate = folder / f"recorded-{stamp}-{n}.yaml"
            n += 1
        return candidate

    def _write(self, out: Path, events: list[Event], inputs: list[TypedInput], title: str,
               wizard_id: str) -> str | None:
        from app.format.files import write_atomic
        from app.recording.draft import write_draft

        try:
            text = write_draft(events, inputs, wizard_id=wizard_id, title=title)
            out.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(out, text)
        except OSError as exc:
            return self._words().gettext("cannot write the draft to {out}: {problem}").format(
                out=out, problem=exc.strerror or exc)
        self.draftWritten.emit(str(out))
        return None

    def _finish(self, reply: Reply | None, outcome: Outcome, message: str) -> None:
        self._last = (outcome, message)
        if reply is None:
            return
        from app.platform.ipc import finished

        reply.send(finished(outcome, message))
        reply.close()

    # ----------------------------------------------------------------- review

    def _review(self, events: list[Event], inputs: list[TypedInput], out: Path, where: str) -> None:
        """The panel asks the author to name what they typed; Save draft writes the draft again (and
        shows it in the preview), Discard deletes it."""
        from app.recording.text import slug

        panel = self._panels.get()
        form = panel.review
        if not self._wired:
            form.saved.connect(self._saved)
            form.discarded.connect(self._discarded)
            self._wired = True
        self._under_review = (events, out)
        form.review(inputs, f"Recorded in {where}", "", id_prefix=slug(where, "-") or "recorded")
        self._panels.summon()
        panel.show_review()

    @property
    def reviewing(self) -> bool:
        """The review form waits for the author (the panel shows it instead of the tasks)."""
        return self._under_review is not None

    @property
    def under_way(self) -> bool:
        """A recording, or the review of one, that a restart would cut short."""
        return self.active or self.reviewing

    def _saved(self, title: str, wizard_id: str, reviewed: list[TypedInput]) -> None:
        if self._under_review is None:
            return
        (events, out), self._under_review = self._under_review, None
        error = self._write(out, events, reviewed, title, wizard_id)
        if error:
            self._notify(error)
            return
        self._open_preview(out)

    def _discarded(self) -> None:
        if self._under_review is None:
            return
        (_, out), self._under_review = self._under_review, None
        out.unlink(missing_ok=True)
        self._notify(self._words().gettext("The recording was discarded."))
        self._panels.show_home()
