"""The one object the composition root feeds: it turns runs, engine transitions, "Why?" and
searches into usage events, and owns the store and the xAPI sender."""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from app.usage.config import UsageConfig
from app.usage.events import Kind, UsageEvent, new_id
from app.usage.progress import ProgressBook
from app.usage.support import DEFAULT_FADE_AFTER, Choice, Support, SupportChoices, support_for

if TYPE_CHECKING:
    from app.engine import Effect, RunState
    from app.format.model import QuizSpec, ReviewQuestion, Wizard
    from app.usage.store import Store
    from app.usage.xapi import Post, Sender

__all__ = ["SUPPORT_FILE", "Recorder"]

SUPPORT_FILE = "support.json"
"""Beside the usage data: the person's choice of short version or full guidance, per wizard."""

log = logging.getLogger(__name__)

_OUTCOMES = {"person": "person", "chosen": "person", "answered": "person", "detected": "detected",
             "automated": "automated", "skipped": "skipped"}


@dataclass
class _Track:
    registration: str
    wizard: Wizard
    source: str
    started: bool = False
    mode: str = ""
    ended: bool = False
    aided: bool = False
    short: bool = False
    """Presented in the short version from its start: a glass-box start is recorded as "condensed"."""
    """The person opened "Why?", went Back or had a step shown to them ("Show me") in this run."""


class Recorder:
    """Does nothing until `open`; then every call costs a queue put on the calling thread.

    Runs are identified by the object the caller holds for them (`begin(run, ...)`); the recorder
    keeps no reference that would keep a finished run alive."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        import time

        self._clock = clock or time.time
        self.config = UsageConfig(enabled=False)
        self.store: Store | None = None
        self.sender: Sender | None = None
        self._runs: weakref.WeakKeyDictionary[object, _Track] = weakref.WeakKeyDictionary()
        self.progress = ProgressBook()
        """The person's progress per wizard (empty while usage data is off: nothing is kept then)."""
        self._choices: SupportChoices | None = None

    def open(self, db: Path, config: UsageConfig, on_error: Callable[[str], None] | None = None,
             post: Post | None = None) -> None:
        """Start recording into the store at `db` (and sending, when `config.lrs` is set, through
        `post`: by default stdlib urllib)."""
        from app.usage.store import Store

        self.close()
        self.config = config
        self.progress, self._choices = ProgressBook(), None  # read afresh: nothing counted twice
        if not config.enabled:
            return
        self._choices = SupportChoices(db.parent / SUPPORT_FILE)
        on_commit = None
        if config.lrs is not None:
            from app.usage.xapi import Sender, urllib_post

            lrs = config.lrs
            self.sender = Sender(db, lrs, post or urllib_post, backoff=lrs.retry_first,
                                 max_backoff=lrs.retry_max)
            on_commit = self.sender.wake
        self.store = Store(db, config.lrs is not None, on_commit, on_error or _warn,
                           retention_days=config.retention_days, clock=self._clock,
                           progress=self.progress)
        if self.sender is not None:
            store = self.store
            self.sender.start(lambda: store.wait_ready(30.0))

    def close(self) -> None:
        """Write what is queued and stop the threads."""
        if self.store is not None:
            self.store.close()
            self.store = None
        if self.sender is not None:
            self.sender.stop()
            self.sender = None

    # ------------------------------------------------------------- runs

    def begin(self, run: object, wizard: Wizard, source: str, short: bool = False) -> None:
        """A run of `wizard` is about to start (its Start event follows through `observe`), in the `short`
        version (app.usage.support) or not. `wizard` as loaded, not localized: its texts are kept in its own
        language, with the translations beside them (xAPI names each activity in all of them)."""
        if self.store is not None:
            self._runs[run] = _Track(new_id(), wizard, source, short=short)

    def observe(self, run: object, old: RunState, new: RunState, effects: Sequence[Effect]) -> None:
        """One engine transition of `run`: what it tells about the run is recorded."""
        from app.engine import Aborted, Answered, Finished, ShowStep

        track = self._runs.get(run)
        if track is None or track.ended:
            return
        if not track.started:
            if old.status != "ready" or new.status == "ready":
                return
            track.started = True
            self._put(track, "started", new.started_at or self._clock(),
                      mode="condensed" if track.short and new.mode == "glass" else new.mode,
                      source=track.source, title=track.wizard.title,
                      translations=_translations(track.wizard, "title"))
        track.mode = new.treatment
        done = len(old.history)
        if len(new.history) < done:  # Back
            track.aided = True
        if len(new.history) > done and new.history[:done] == old.history:
            for entry in new.history[done:]:
                outcome = _OUTCOMES.get(entry.outcome)
                track.aided |= outcome == "automated" and new.mode == "glass"  # "Show me"
                if outcome is not None:
                    self._put(track, "step-done", entry.ended_at, mode=entry.mode, step=entry.step_id,
                              outcome=outcome, duration=max(0.0, entry.ended_at - entry.started_at))
        for effect in effects:
            if isinstance(effect, ShowStep):
                at = _step_at(track.wizard, effect.step_id)
                step = track.wizard.steps[at] if at is not None else None
                self._put(track, "step-shown", new.step_started_at or self._clock(), mode=effect.mode,
                          step=effect.step_id, step_index=effect.index,
                          title=step.title if step is not None else None,
                          translations=_translations(track.wizard, f"steps.{at}.title"))
            elif isinstance(effect, Answered):
                at = _step_at(track.wizard, effect.step_id)
                step = track.wizard.steps[at] if at is not None else None
                if step is not None and step.quiz is not None:
                    self._put(track, "answered", self._clock(), mode=track.mode or None, step=step.id,
                              **_answer(step.quiz, effect.chosen, track.wizard, f"steps.{at}.quiz"))
            elif isinstance(effect, Finished | Aborted):
                kind: Kind = "completed" if isinstance(effect, Finished) else (
                    "failed" if old.status == "failed" else "exited")
                track.ended = True
                self._put(track, kind, new.ended_at or self._clock(), mode=new.mode,
                          step=None if kind == "completed" else new.step_id,
                          duration=effect.summary.duration,
                          outcome=_unaided(track) if kind == "completed" and new.mode == "glass" else None)

    def help_opened(self, run: object | None, step_id: str) -> None:
        """The person opened "Why?" on `step_id`."""
        track = self._runs.get(run) if run is not None else None
        if track is not None and track.started and not track.ended:
            track.aided = True
            self._put(track, "help", self._clock(), mode=track.mode or None, step=step_id)

    def control_missed(self, run: object | None, step_id: str, control: str) -> None:
        """The control `step_id` names (its locator as written) was not found: the guide may no longer fit
        the application."""
        track = self._runs.get(run) if run is not None else None
        if track is not None and track.started and not track.ended:
            self._put(track, "control-missed", self._clock(), mode=track.mode or None, step=step_id,
                      control=control)

    def review_answered(self, wizard: Wizard, question: ReviewQuestion, chosen: Sequence[int]) -> None:
        """The person answered a review question of `wizard` (options `chosen`, from 0), away from any run;
        `wizard` as loaded (see `begin`)."""
        if self.store is not None:
            at = next((i for i, q in enumerate(wizard.review) if q.id == question.id), None)
            self.store.put(UsageEvent("answered", self._clock(), wizard=wizard.id, version=wizard.version,
                                      step=question.id, source="review", language=wizard.language,
                                      **_answer(question, chosen, wizard, f"review.{at}")))

    def support(self, wizard_id: str, fade_after: int = DEFAULT_FADE_AFTER) -> Support:
        """How the next run of this wizard is presented (full guidance while usage data is off)."""
        if self._choices is None:
            return Support()
        choice, at = self._choices.get(wizard_id)
        return support_for(self.progress.all().get(wizard_id), choice, at, fade_after)

    def choose_support(self, wizard_id: str, choice: Choice) -> None:
        """The person chose the short version or went back to full guidance for this wizard."""
        if self._choices is not None:
            progress = self.progress.all().get(wizard_id)
            self._choices.choose(wizard_id, choice, progress.unaided if progress is not None else 0)

    def searched(self, query: str, results: int) -> None:
        """The person searched the library; the text is kept only where the policy allows it."""
        if self.store is not None:
            self.store.put(UsageEvent("search", self._clock(), results=results,
                                      query=query if self.config.store_queries else None))

    def _put(self, track: _Track, kind: Kind, at: float, *, mode: str | None = None,
             source: str | None = None, title: str | None = None, step: str | None = None,
             step_index: int | None = None, outcome: str | None = None,
             duration: float | None = None, control: str | None = None, success: bool | None = None,
             response: str | None = None, choices: str | None = None,
             translations: str | None = None) -> None:
        if self.store is not None:
            event = UsageEvent(
                kind, at, run=track.registration, wizard=track.wizard.id, version=track.wizard.version,
                mode=mode, source=source, title=title, step=step, step_index=step_index,
                outcome=outcome, duration=duration, control=control, success=success, response=response,
                choices=choices, language=track.wizard.language if title is not None else None,
                translations=translations)
            self.store.put(event)
            self.progress.note(event)


def _unaided(track: _Track) -> str:
    """A completed glass-box run's outcome: "unaided" or "aided" (what fading support counts)."""
    return "aided" if track.aided else "unaided"


class _Answer(TypedDict):
    title: str
    success: bool
    response: str
    choices: str
    translations: str | None


def _answer(quiz: QuizSpec, chosen: Sequence[int], wizard: Wizard, path: str) -> _Answer:
    """What an `answered` event keeps of an answer: right or not, the numbers of the options picked, and
    the question and its options as the author wrote them, and translated (never anything the person typed).
    `path`: where the question is in the wizard's document ("steps.3.quiz", "review.0")."""
    picked = sorted({i for i in chosen if 0 <= i < len(quiz.options)})
    offered = {"choices": [o.text for o in quiz.options], "correct": [str(i + 1) for i in quiz.correct]}
    return {"title": quiz.question, "success": quiz.is_right(picked),
            "response": "[,]".join(str(i + 1) for i in picked),
            "choices": json.dumps(offered, ensure_ascii=False, separators=(",", ":")),
            "translations": _translations(wizard, f"{path}.question",
                                          [f"{path}.options.{i}.text" for i in range(len(quiz.options))])}


def _translations(wizard: Wizard, title: str, choices: Sequence[str] = ()) -> str | None:
    """An event's texts in the wizard's other languages, by their paths in its document ("steps.2.title"):
    JSON {LANGUAGE: {"title": TEXT, "choices": [TEXT or null, ...]}} (UsageEvent.translations)."""
    found: dict[str, dict[str, object]] = {}
    for language, texts in sorted(wizard.translations.items()):
        entry: dict[str, object] = {}
        text = texts.get(title)
        if isinstance(text, str):
            entry["title"] = text
        options = [t if isinstance(t := texts.get(path), str) else None for path in choices]
        if any(o is not None for o in options):
            entry["choices"] = options
        if entry:
            found[language] = entry
    return json.dumps(found, ensure_ascii=False, separators=(",", ":")) if found else None


def _step_at(wizard: Wizard, step_id: str) -> int | None:
    return next((i for i, s in enumerate(wizard.steps) if s.id == step_id), None)


def _warn(message: str) -> None:
    log.warning("%s", message)
