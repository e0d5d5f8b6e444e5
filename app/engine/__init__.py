"""The run engine: a pure state machine, `Engine(wizard).handle(state, event) -> (state, effects)`."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeAlias

from app.format import templating
from app.format.combo import pretty_combo, validate_combo
from app.format.matching import text_matches, window_fits, window_matches
from app.format.model import (
    Action,
    ActiveCond,
    AfterCond,
    AllCond,
    AnyCond,
    ClipboardCond,
    Condition,
    CopyAction,
    FileCond,
    Input,
    KeysCond,
    NotifyAction,
    OpenAction,
    PasteAction,
    Region,
    RunAction,
    Step,
    TypeAction,
    WindowMatch,
    Wizard,
    action_kind,
)

__all__ = [
    "FAILURE_OPTIONS",
    "Abort",
    "Aborted",
    "ActionFailed",
    "ActionsDone",
    "ActionsPaused",
    "AskInputs",
    "Back",
    "Check",
    "Choose",
    "ClearHighlight",
    "ClipboardChanged",
    "Continue",
    "DoItMyself",
    "Effect",
    "Engine",
    "Event",
    "Failed",
    "Failure",
    "FileObserved",
    "Finished",
    "Highlight",
    "HistoryEntry",
    "InputValue",
    "InputsInvalid",
    "KeysPressed",
    "Mode",
    "Next",
    "Notice",
    "Outcome",
    "Pace",
    "Paused",
    "Perform",
    "Refused",
    "Result",
    "Retry",
    "RunState",
    "SeenWindow",
    "ShowMe",
    "ShowStep",
    "Skip",
    "SkipStep",
    "Start",
    "Status",
    "SubmitInputs",
    "Summary",
    "SwitchMode",
    "Tick",
    "Visit",
    "Watch",
    "WindowActivated",
    "window_matches",
]

Mode: TypeAlias = Literal["glass", "black"]
Status: TypeAlias = Literal[
    "ready", "inputs", "running", "performing", "paused", "failed", "finished", "aborted"
]
Outcome: TypeAlias = Literal["person", "detected", "automated", "skipped", "skipped-when", "chosen"]
Pace: TypeAlias = Literal["visible", "fast"]

_MODES: dict[str, Mode] = {"glass": "glass", "black": "black"}
_WAITING = ("running", "paused")
_ENDED = ("finished", "aborted")
FAILURE_OPTIONS = ("retry", "skip", "myself")

# ------------------------------------------------------------------ state


@dataclass(frozen=True)
class InputValue:
    """A value given for one of the wizard's inputs, as entered."""

    name: str
    value: str
    secret: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    """How one step ended. Never holds input values."""

    step_id: str
    outcome: Outcome
    mode: Mode
    started_at: float
    ended_at: float
    choice: int | None = None


@dataclass(frozen=True)
class Visit:
    """A step shown earlier in this run; Back returns to it and to the history as it was then."""

    step_id: str
    history_len: int
    checked: tuple[bool, ...] = ()


@dataclass(frozen=True)
class Failure:
    """Why performing the current step failed; `action_index` is None when it was interrupted."""

    action_index: int | None
    message: str


@dataclass(frozen=True)
class SeenWindow:
    """The latest window the runtime saw in front."""

    app: str
    title: str
    exe: str = ""
    klass: str = ""


@dataclass(frozen=True)
class RunState:
    """One run of one wizard. Immutable.

    `treatment` is how the current step is run: the run's mode, or "glass" for a step the person
    took over (DoItMyself) or went Back to in a black-box run. `latched` and `holding` are the paths
    ("0", "0.1", ...) of the `until` conditions seen (keys, clipboard) or holding (files) during the
    current step; `files` maps file-condition paths to their rendered file paths.
    `resume_at` is set while performing is paused part-way (another window came in front, the person
    took over): Continue goes on from there, so nothing is typed twice and nothing is lost.
    """

    wizard_id: str
    mode: Mode
    status: Status = "ready"
    started_at: float = 0.0
    ended_at: float | None = None
    step_id: str | None = None
    step_started_at: float = 0.0
    treatment: Mode = "glass"
    checked: tuple[bool, ...] = ()
    trail: tuple[Visit, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    inputs: tuple[InputValue, ...] = ()
    asked: bool = False
    failure: Failure | None = None
    latched: tuple[str, ...] = ()
    holding: tuple[str, ...] = ()
    files: tuple[tuple[str, str], ...] = ()
    window: SeenWindow | None = None
    resume_at: tuple[int, int] | None = None
    """Where performing the current step paused: (action index, characters of it already typed)."""

# ----------------------------------------------------------------- events
# `at` is the wall-clock time of the event in seconds since the epoch (time.time()).


@dataclass(frozen=True, kw_only=True)
class _Timed:
    at: float


@dataclass(frozen=True)
class Start(_Timed):
    """Begin a run. `values` (e.g. from `--set`) skip the inputs form when they are complete."""

    mode: str | None = None
    values: Mapping[str, str] | None = None


@dataclass(frozen=True)
class SubmitInputs(_Timed):
    values: Mapping[str, str]


@dataclass(frozen=True)
class Next(_Timed):
    pass


@dataclass(frozen=True)
class Back(_Timed):
    pass


@dataclass(frozen=True)
class Skip(_Timed):
    pass


@dataclass(frozen=True)
class Choose(_Timed):
    index: int


@dataclass(frozen=True)
class Check(_Timed):
    index: int
    checked: bool


@dataclass(frozen=True)
class ShowMe(_Timed):
    pass


@dataclass(frozen=True)
class SwitchMode(_Timed):
    mode: str


@dataclass(frozen=True)
class Abort(_Timed):
    reason: str = ""


@dataclass(frozen=True)
class ActionsDone(_Timed):
    step_id: str


@dataclass(frozen=True)
class ActionFailed(_Timed):
    step_id: str
    action_index: int
    message: str


@dataclass(frozen=True)
class ActionsPaused(_Timed):
    """Performing stopped without harm at action `action_index`, `offset` characters into it."""

    step_id: str
    action_index: int
    offset: int
    reason: str


@dataclass(frozen=True)
class Continue(_Timed):
    """Go on performing from where it paused."""


@dataclass(frozen=True)
class Retry(_Timed):
    pass


@dataclass(frozen=True)
class SkipStep(_Timed):
    pass


@dataclass(frozen=True)
class DoItMyself(_Timed):
    pass


@dataclass(frozen=True)
class WindowActivated(_Timed):
    app: str
    title: str
    exe: str = ""
    klass: str = ""


@dataclass(frozen=True)
class KeysPressed(_Timed):
    combo: str


@dataclass(frozen=True)
class ClipboardChanged(_Timed):
    """The text is matched against the step's conditions and then forgotten."""

    text: str


@dataclass(frozen=True)
class FileObserved(_Timed):
    """A watched file as the runtime read it; `content` None means it does not exist."""

    path: str
    content: str | None


@dataclass(frozen=True)
class Tick(_Timed):
    pass


Event: TypeAlias = (
    Start | SubmitInputs | Next | Back | Skip | Choose | Check | ShowMe | SwitchMode | Abort
    | ActionsDone | ActionFailed | ActionsPaused | Continue | Retry | SkipStep | DoItMyself
    | WindowActivated | KeysPressed | ClipboardChanged | FileObserved | Tick
)

# ---------------------------------------------------------------- effects


@dataclass(frozen=True)
class AskInputs:
    """Show the inputs form; `values` pre-fill it (defaults and values given before, no secrets)."""

    inputs: tuple[Input, ...]
    values: Mapping[str, str]


@dataclass(frozen=True)
class InputsInvalid:
    """Per-field messages; the run stays at the inputs form."""

    errors: Mapping[str, str]


@dataclass(frozen=True)
class ShowStep:
    """Everything the panel shows for a step, already rendered (Markdown strings)."""

    step_id: str
    index: int
    total: int
    title: str
    explain: str | None
    why: str | None
    mode: Mode
    can_back: bool
    has_do: bool
    choices: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()
    checked: tuple[bool, ...] = ()
    until: str | None = None


@dataclass(frozen=True)
class Highlight:
    step_id: str
    target: Region


@dataclass(frozen=True)
class ClearHighlight:
    pass


@dataclass(frozen=True)
class Watch:
    """What to observe for the current step; it replaces any earlier Watch, and an empty one
    (condition None) means nothing. Report the window in front and the files' state right away,
    then on every change; send Tick about once a second while `timer` is set. File paths are
    rendered but not expanded (the runtime expands ~ and reports the path exactly as given)."""

    step_id: str
    condition: Condition | None = None
    windows: bool = False
    keys: tuple[str, ...] = ()
    clipboard: bool = False
    files: tuple[str, ...] = ()
    timer: bool = False


@dataclass(frozen=True)
class Perform:
    """Run these actions (templates already filled in) from `start` (action index, characters of it
    already typed), then report ActionsDone, ActionFailed or ActionsPaused."""

    step_id: str
    actions: tuple[Action, ...]
    pace: Pace
    start: tuple[int, int] = (0, 0)
    shown: tuple[Action, ...] = ()
    """The same actions as the person may see them (the panel, a dry run): filled in with every secret
    input masked, so that no form of a secret (upper-cased, quoted, reversed…) is shown; () when the run
    has no secret."""

    @property
    def display(self) -> tuple[Action, ...]:
        """What to show of the actions: `shown`, else the actions themselves."""
        return self.shown or self.actions


@dataclass(frozen=True)
class Paused:
    """The run waits for the person; `can_continue`: performing stopped part-way and Continue resumes it."""

    step_id: str
    reason: str
    can_continue: bool = False


@dataclass(frozen=True)
class Failed:
    step_id: str
    action_index: int | None
    message: str
    options: tuple[str, ...] = FAILURE_OPTIONS


@dataclass(frozen=True)
class Notice:
    message: str


@dataclass(frozen=True)
class Refused:
    reason: str


@dataclass(frozen=True)
class Summary:
    """`steps` counts the steps shown and ended (skipped ones too); `by_person` includes choices."""

    steps: int
    automated: int
    by_person: int
    skipped: int
    duration: float


@dataclass(frozen=True)
class Finished:
    summary: Summary


@dataclass(frozen=True)
class Aborted:
    reason: str
    step_id: str | None
    summary: Summary


Effect: TypeAlias = (
    AskInputs | InputsInvalid | ShowStep | Highlight | ClearHighlight | Watch | Perform | Paused
    | Failed | Notice | Refused | Finished | Aborted
)
Result: TypeAlias = tuple[RunState, list[Effect]]

# ----------------------------------------------------------------- engine


class Engine:
    """Runs one wizard. Holds no run state: every call takes a RunState and returns the next one.

    Glass box asks for inputs only when some are required; black box whenever the wizard has any
    (unless Start brings valid values). Events that make no sense in the current status are
    ignored; `handle` never raises.
    """

    def __init__(self, wizard: Wizard) -> None:
        self.wizard = wizard
        self._steps = wizard.steps
        self._index: dict[str, int] = {}
        for i, step in enumerate(wizard.steps):
            self._index.setdefault(step.id, i)

    def initial(self) -> RunState:
        """The state before Start."""
        mode = _MODES.get(self.wizard.default_mode, "glass")
        return RunState(wizard_id=self.wizard.id, mode=mode, treatment=mode)

    def handle(self, state: RunState, event: Event) -> Result:
        """The next state and what the runtime should do now, in order."""
        if state.wizard_id != self.wizard.id or state.status in _ENDED:
            return state, []
        if state.step_id is not None and state.step_id not in self._index:
            if isinstance(event, Abort):
                return self._abort(state, event.reason, event.at)
            return state, []
        step = self._current(state)
        match event:
            case Start():
                return self._start(state, event)
            case SubmitInputs() if state.status == "inputs":
                return self._submit(state, event)
            case Abort() if state.status != "ready":
                return self._abort(state, event.reason, event.at)
            case WindowActivated() | KeysPressed() | ClipboardChanged() | FileObserved() | Tick():
                return self._observe(state, step, event)
        if step is None:
            return state, []
        return self._on_step(state, step, event)

    # ------------------------------------------------------------ statuses

    def _on_step(self, state: RunState, step: Step, event: Event) -> Result:
        status, at = state.status, event.at
        waiting = status in _WAITING
        match event:
            case Next() if waiting:
                return self._next(state, step, at)
            case Skip() if waiting:
                if step.choice:
                    return state, [Notice("Choose one of the options.")]
                return self._complete(state, step, "skipped", at)
            case Choose(index=index) if waiting:
                return self._choose(state, step, index, at)
            case Check(index=index, checked=checked) if waiting:
                return self._check(state, step, index, checked), []
            case ShowMe() if waiting and step.do:
                return self._perform(state, step, "visible", at, [], state.resume_at or (0, 0))
            case Continue() if status == "paused" and state.resume_at is not None:
                pace: Pace = "fast" if state.treatment == "black" else "visible"
                return self._perform(state, step, pace, at, [], state.resume_at)
            case ActionsPaused() as paused if status == "performing" and paused.step_id == step.id:
                state = replace(state, status="paused", resume_at=(paused.action_index, paused.offset))
                return state, [Paused(step.id, paused.reason, can_continue=True)]
            case Back() if waiting or status == "failed":
                return self._back(state, at)
            case SwitchMode(mode=mode) if waiting or status == "failed":
                return self._switch(state, step, mode, at)
            case ActionsDone(step_id=done) if status == "performing" and done == step.id:
                if step.checklist and not _ticked(state, step):
                    return self._enter(state, step, at, state.treatment, state.checked)
                return self._complete(state, step, "automated", at)
            case ActionFailed() as failed if status == "performing" and failed.step_id == step.id:
                message = self._mask_failure(state, step, failed.action_index, failed.message, at)
                return self._fail(state, step, Failure(failed.action_index, message), [])
            case Retry() if status == "failed":
                again: Pace = "fast" if state.treatment == "black" else "visible"
                return self._perform(state, step, again, at, [])
            case SkipStep() if status == "failed":
                return self._complete(state, step, "skipped", at)
            case DoItMyself() if status == "failed":
                return self._enter(state, step, at, "glass", state.checked)
        return state, []

    def _start(self, state: RunState, event: Start) -> Result:
        if state.status != "ready":
            return state, []
        wanted = event.mode or self.wizard.default_mode
        mode = _MODES.get(wanted)
        if mode is None or mode not in self.wizard.allowed_modes:
            allowed = " or ".join(self.wizard.allowed_modes)
            return state, [Refused(f"This wizard cannot run in mode '{wanted}' (allowed: {allowed}).")]
        state = replace(state, mode=mode, treatment=mode, started_at=event.at)
        if event.values is not None:
            kept, errors = self._validate(event.values)
            state = replace(state, inputs=kept)
            if errors:
                state, effects = self._ask(state, [])
                return state, [*effects, InputsInvalid(errors)]
            return self._enter_from(replace(state, asked=True), 0, event.at)
        if self.wizard.inputs and (mode == "black" or any(i.required for i in self.wizard.inputs)):
            return self._ask(state, [])
        return self._enter_from(state, 0, event.at)

    def _submit(self, state: RunState, event: SubmitInputs) -> Result:
        kept, errors = self._validate(event.values)
        if errors:
            return state, [InputsInvalid(errors)]
        return self._continue(replace(state, inputs=kept, asked=True), event.at)

    def _continue(self, state: RunState, at: float) -> Result:
        """Carry on after the inputs form: the first step, or the current one again."""
        step = self._current(state)
        if step is None:
            return self._enter_from(state, 0, at)
        if state.failure is not None:
            failure = state.failure
            state, effects = self._display(state, step, at, state.treatment, state.checked, watch=False)
            return self._fail(state, step, failure, effects)
        if state.resume_at is not None:  # paused part-way: never performed again from the start
            resume_at = state.resume_at
            state, effects = self._display(state, step, at, state.treatment, state.checked, watch=False)
            return replace(state, status="paused", resume_at=resume_at), [*effects, Paused(
                step.id, "Wayguide had paused this step part-way; press Continue to go on.", True)]
        return self._enter(state, step, at, state.treatment, state.checked)

    def _abort(self, state: RunState, reason: str, at: float) -> Result:
        state = replace(state, status="aborted", ended_at=at)
        return state, [Aborted(reason, state.step_id, _summary(state, at))]

    def _switch(self, state: RunState, step: Step, wanted: str, at: float) -> Result:
        mode = _MODES.get(wanted)
        if mode == state.mode:
            return state, []
        if mode is None or mode not in self.wizard.allowed_modes:
            return state, [Refused(f"This wizard cannot run in mode '{wanted}'.")]
        state = replace(state, mode=mode, treatment=mode)
        if mode == "black" and self.wizard.inputs and not state.asked:
            return self._ask(replace(state, failure=None), [])
        return self._enter(state, step, at, mode, state.checked)

    # --------------------------------------------------------------- steps

    def _current(self, state: RunState) -> Step | None:
        index = self._index.get(state.step_id) if state.step_id is not None else None
        return None if index is None else self._steps[index]

    def _next(self, state: RunState, step: Step, at: float) -> Result:
        if step.choice:
            return state, [Notice("Choose one of the options.")]
        if step.checklist and not _ticked(state, step):
            return state, [Notice("Tick every item on the checklist first.")]
        return self._complete(state, step, "person", at)

    def _choose(self, state: RunState, step: Step, index: int, at: float) -> Result:
        options = step.choice or []
        if not 0 <= index < len(options):
            return state, []
        target = self._index.get(options[index].goto)
        if target is None:
            return state, [Notice(f"That option leads to step '{options[index].goto}', "
                                  "which this wizard does not have.")]
        return self._complete(state, step, "chosen", at, goto=target, choice=index)

    @staticmethod
    def _check(state: RunState, step: Step, index: int, checked: bool) -> RunState:
        if len(state.checked) != len(step.checklist or ()) or not 0 <= index < len(state.checked):
            return state
        flags = list(state.checked)
        flags[index] = checked
        return replace(state, checked=tuple(flags))

    def _back(self, state: RunState, at: float) -> Result:
        if not state.trail or state.trail[-1].step_id not in self._index:
            return state, []
        visit = state.trail[-1]
        step = self._steps[self._index[visit.step_id]]
        state = replace(state, trail=state.trail[:-1], history=state.history[: visit.history_len])
        # Going back in a black-box run never repeats automation by itself: the person does it.
        treatment = state.mode if step.needs_person else "glass"
        return self._enter(state, step, at, treatment, visit.checked)

    def _complete(self, state: RunState, step: Step, outcome: Outcome, at: float,
                  goto: int | None = None, choice: int | None = None) -> Result:
        entry = HistoryEntry(step.id, outcome, state.treatment, state.step_started_at, at, choice)
        visit = Visit(step.id, len(state.history), state.checked)
        state = replace(state, history=(*state.history, entry), trail=(*state.trail, visit),
                        failure=None)
        return self._enter_from(state, self._index[step.id] + 1 if goto is None else goto, at)

    def _enter_from(self, state: RunState, index: int, at: float) -> Result:
        """Show the first step from `index` on whose `when` holds, or finish."""
        ctx = self._context(state, at)
        effects: list[Effect] = []
        masked = _masked(ctx, state)
        for step in self._steps[index:]:
            shown, problem = _when(step, ctx)
            if problem and masked is not ctx:  # the error can quote a value: say the masked one's
                problem = _when(step, masked)[1] or f"Step '{step.id}': its 'when' could not be checked " \
                    "with the value given for a secret input; showing it."
            if problem:
                effects.append(Notice(problem))
            if shown:
                state, more = self._enter(state, step, at, state.mode)
                return state, [*effects, *more]
            skipped = HistoryEntry(step.id, "skipped-when", state.mode, at, at)
            state = replace(state, history=(*state.history, skipped))
        state = replace(state, status="finished", ended_at=at, step_id=None, failure=None)
        return state, [*effects, Finished(_summary(state, at))]

    def _enter(self, state: RunState, step: Step, at: float, treatment: Mode,
               checked: tuple[bool, ...] | None = None) -> Result:
        """Show `step`, then perform it (black box) or wait for the person or its `until`."""
        automated = treatment == "black" and not step.needs_person
        state, effects = self._display(state, step, at, treatment, checked, watch=not automated)
        if automated:
            return self._perform(state, step, "fast", at, effects)
        if treatment == "black":
            return replace(state, status="paused"), [*effects, Paused(step.id, _pause_reason(step))]
        return replace(state, status="running"), effects

    def _display(self, state: RunState, step: Step, at: float, treatment: Mode,
                 checked: tuple[bool, ...] | None, watch: bool) -> Result:
        """Make `step` current: ShowStep, the highlight, and what to watch."""
        ctx = self._context(state, at)
        panel_ctx = _masked(ctx, state)  # the panel never shows secrets
        problems: list[str] = []

        def markdown(text: str) -> str:
            try:
                return templating.render_markdown(text, panel_ctx)
            except templating.TemplateProblem as problem:
                problems.append(f"Step '{step.id}': could not fill in '{text}': {problem.message}")
                return text

        files: list[tuple[str, str]] = []
        shown_files: dict[str, str] = {}  # as the panel may show them: secrets masked
        for path, cond in _leaves(step.until) if watch else ():
            if isinstance(cond, FileCond):
                try:
                    rendered = templating.render_text(cond.file.path, ctx)
                    files.append((path, rendered))
                    shown_files[path] = rendered if panel_ctx is ctx else templating.render_text(
                        cond.file.path, panel_ctx)
                except templating.TemplateProblem as problem:
                    problems.append(f"Step '{step.id}': cannot watch '{cond.file.path}': "
                                    f"{_problem_message(problem, cond.file.path, ctx, panel_ctx)}")
                    shown_files.pop(path, None)
        items = step.checklist or []
        if checked is None or len(checked) != len(items):
            checked = (False,) * len(items)
        index = len(state.trail) + 1
        show = ShowStep(
            step_id=step.id, index=index, total=index + self._ahead(step, ctx),
            title=markdown(step.title),
            explain=markdown(step.explain) if step.explain is not None else None,
            why=markdown(step.why) if step.why is not None else None,
            mode=treatment, can_back=bool(state.trail), has_do=bool(step.do),
            choices=tuple(markdown(o.label) for o in step.choice or ()),
            checklist=tuple(markdown(item) for item in items), checked=checked,
            until=("moves on when it sees: " + _describe(step.until, "0", shown_files)
                   if watch and step.until is not None else None),
        )
        state = replace(state, step_id=step.id, step_started_at=at, treatment=treatment,
                        checked=checked, failure=None, latched=(), holding=(), files=tuple(files),
                        resume_at=None)
        effects: list[Effect] = [
            show,
            Highlight(step.id, step.target) if step.target else ClearHighlight(),
            _watch(step, files) if watch else Watch(step.id),
            *(Notice(p) for p in problems),
        ]
        return state, effects

    def _ahead(self, step: Step, ctx: Mapping[str, Any]) -> int:
        """How many steps will plausibly follow `step` (choices: the first option)."""
        count, seen, current = 0, {step.id}, step
        while True:
            if current.choice:
                i: int | None = self._index.get(current.choice[0].goto)
            else:
                i = self._index[current.id] + 1
            while i is not None and i < len(self._steps) and not _when(self._steps[i], ctx)[0]:
                i += 1
            if i is None or i >= len(self._steps) or self._steps[i].id in seen:
                return count
            current = self._steps[i]
            seen.add(current.id)
            count += 1

    # ---------------------------------------------------------- automation

    def _perform(self, state: RunState, step: Step, pace: Pace, at: float,
                 effects: list[Effect], start: tuple[int, int] = (0, 0)) -> Result:
        if self._missing_inputs(state):
            return self._ask(replace(state, failure=None), effects)
        ctx = self._context(state, at)
        masked = _masked(ctx, state)
        actions: list[Action] = []
        for i, action in enumerate(step.do or ()):
            try:
                actions.append(_render_action(action, ctx, masked))
            except templating.TemplateProblem as problem:
                why = _problem_message(problem, action, ctx, masked)
                message = f"Action {i + 1} ({action_kind(action)}) could not be filled in: {why}"
                return self._fail(state, step, Failure(i, message), effects)
        shown = () if masked is ctx else tuple(
            _shown_action(action, real, masked) for action, real in zip(step.do or (), actions, strict=True))
        perform = Perform(step.id, tuple(actions), pace, start, shown)
        return replace(state, status="performing"), [*effects, perform]

    @staticmethod
    def _fail(state: RunState, step: Step, failure: Failure, effects: list[Effect]) -> Result:
        state = replace(state, status="failed", failure=failure)
        return state, [*effects, Failed(step.id, failure.action_index, failure.message)]

    # -------------------------------------------------------- observations

    def _observe(self, state: RunState, step: Step | None,
                 event: WindowActivated | KeysPressed | ClipboardChanged | FileObserved | Tick) -> Result:
        if state.status == "ready":
            return state, []
        if isinstance(event, WindowActivated):
            state = replace(state, window=SeenWindow(event.app, event.title, event.exe, event.klass))
        if state.status not in _WAITING or step is None or step.until is None:
            return state, []
        leaves = list(_leaves(step.until))
        match event:
            case KeysPressed(combo=combo):
                pressed = _normalise_combo(combo)
                seen = {p for p, c in leaves if isinstance(c, KeysCond) and c.keys == pressed}
                state = replace(state, latched=tuple(sorted({*state.latched, *seen})))
            case ClipboardChanged(text=text):
                seen = {p for p, c in leaves
                        if isinstance(c, ClipboardCond) and text_matches(c.clipboard, text, False)}
                state = replace(state, latched=tuple(sorted({*state.latched, *seen})))
            case FileObserved(path=path, content=content):
                watched = dict(state.files)
                holding = set(state.holding)
                for p, c in leaves:
                    if isinstance(c, FileCond) and watched.get(p) == path:
                        if content is not None and (c.file.contains or "") in content:
                            holding.add(p)
                        else:
                            holding.discard(p)
                state = replace(state, holding=tuple(sorted(holding)))
        if _holds(step.until, "0", state, event.at):
            return self._complete(state, step, "detected", event.at)
        return state, []

    # -------------------------------------------------------------- inputs

    def _validate(self, values: Mapping[str, str]) -> tuple[tuple[InputValue, ...], dict[str, str]]:
        """The valid values (defaults applied) and a message per invalid field."""
        errors = {name: "Not an input of this wizard." for name in values if self.wizard.input(name) is None}
        kept: list[InputValue] = []
        for spec in self.wizard.inputs:
            raw = values.get(spec.name, "")
            if not raw.strip() and spec.default is not None:
                raw = str(spec.default)
            if not raw.strip():
                if spec.required:
                    errors[spec.name] = "Required."
                continue
            problem = _input_problem(spec, raw)
            if problem:
                errors[spec.name] = problem
            else:
                kept.append(InputValue(spec.name, raw, spec.type == "secret"))
        return tuple(kept), errors

    def _missing_inputs(self, state: RunState) -> bool:
        given = {v.name for v in state.inputs}
        return any(i.required and i.name not in given for i in self.wizard.inputs)

    def _ask(self, state: RunState, effects: list[Effect]) -> Result:
        values = {i.name: str(i.default) for i in self.wizard.inputs if i.default is not None}
        values.update({v.name: v.value for v in state.inputs if not v.secret})
        return replace(state, status="inputs"), [*effects, AskInputs(tuple(self.wizard.inputs), values)]

    def _mask_failure(self, state: RunState, step: Step, index: int, message: str, at: float) -> str:
        """A failure message as the person may see it: when the action used a secret input, what it quotes
        of the action (“…”) and every form of its texts are masked, and so is every secret value."""
        secrets = [v.value for v in state.inputs if v.secret and v.value]
        if not secrets:
            return message
        ctx = self._context(state, at)
        masked = _masked(ctx, state)
        do = step.do or ()
        if 0 <= index < len(do):
            try:
                real = _render_action(do[index], ctx, masked)
            except templating.TemplateProblem:
                real = do[index]
            shown = _shown_action(do[index], real, masked)
            if shown != real:
                message = _QUOTED.sub(f"“{MASK}”", message)
                for text in sorted(_texts(real), key=len, reverse=True):
                    message = message.replace(text, MASK)
        for secret in sorted(secrets, key=len, reverse=True):
            message = message.replace(secret, MASK)
        return message

    def _context(self, state: RunState, at: float) -> dict[str, Any]:
        """What templates see: every declared input (defaults, else ""), numbers as entered."""
        given = {v.name: v.value for v in state.inputs}
        inputs: dict[str, object] = {}
        for spec in self.wizard.inputs:
            raw = given.get(spec.name, "" if spec.default is None else str(spec.default))
            inputs[spec.name] = raw
            if spec.type == "number" and _input_problem(spec, raw) is None:
                inputs[spec.name] = templating.EnteredNumber(raw)
        window = {"app": state.window.app, "title": state.window.title} if state.window else None
        return templating.context(inputs, window, _moment(at))


# ---------------------------------------------------------------- helpers


def _normalise_combo(combo: str) -> str:
    try:
        return validate_combo(combo)
    except ValueError:
        return ""


def _moment(at: float) -> _dt.datetime:
    try:
        return _dt.datetime.fromtimestamp(at).astimezone()
    except (OverflowError, OSError, ValueError):
        return _dt.datetime.fromtimestamp(0).astimezone()


def _when(step: Step, ctx: Mapping[str, Any]) -> tuple[bool, str | None]:
    """Whether the step is shown; a `when` that cannot be evaluated shows it, with a problem."""
    if step.when is None:
        return True, None
    try:
        return bool(templating.evaluate(step.when, ctx)), None
    except Exception as exc:  # TemplateProblem, or the truth value of an undefined name
        return True, f"Step '{step.id}': its 'when' could not be checked ({exc}); showing it."


def _ticked(state: RunState, step: Step) -> bool:
    return len(state.checked) == len(step.checklist or ()) and all(state.checked)


def _pause_reason(step: Step) -> str:
    if step.choice:
        return "This step needs your decision."
    if step.checklist:
        return "Tick the checklist, then press Next."
    return "Do this step yourself, then press Next."


def _input_problem(spec: Input, raw: str) -> str | None:
    if spec.type == "number":
        try:
            templating.EnteredNumber(raw)
        except ValueError:
            return f"'{raw}' is not a number."
    if spec.type == "choice" and raw not in (spec.choices or []):
        return f"'{raw}' is not one of: {', '.join(spec.choices or [])}."
    return None


MASK = "••••••"
"""What a secret input's value is shown as, wherever it would be shown."""
_QUOTED = re.compile("“.*”", re.DOTALL)


def _masked(ctx: dict[str, Any], state: RunState) -> dict[str, Any]:
    """The template context with every secret input given replaced by MASK (`ctx` itself when none)."""
    secrets = {v.name: MASK for v in state.inputs if v.secret and v.value}
    if not secrets:
        return ctx
    return {**ctx, "inputs": {**ctx["inputs"], **secrets}}


def _problem_message(problem: templating.TemplateProblem, template: Action | str, ctx: dict[str, Any],
                     masked: dict[str, Any]) -> str:
    """Why a template could not be filled in, as the person may read it: an error can quote a value
    (“str object has no element 'hunter2'”), so with secrets given, the reason is the masked rendering's
    (or a general one when that one works)."""
    if masked is ctx:
        return problem.message
    try:
        if isinstance(template, str):
            templating.render_text(template, masked)
        else:
            _render_action(template, masked)
    except templating.TemplateProblem as shown:
        return shown.message
    return "the value given for a secret input does not fit it"


def _texts(action: Action) -> list[str]:
    """The text values of an action that may hold (a form of) an input."""
    match action:
        case TypeAction(type=value) | PasteAction(paste=value) | OpenAction(open=value) \
                | CopyAction(copy_=value) | NotifyAction(notify=value):
            return [value] if value else []
        case RunAction(run=argv):
            return [a for a in argv if a]
    return []


def _shown_action(template: Action, real: Action, masked: Mapping[str, Any]) -> Action:
    """`real` (the action filled in) as the person may see it: filled in from the masked context; when
    that cannot be (a template that fails on the mask), every text masked whole."""
    try:
        return _render_action(template, masked)
    except templating.TemplateProblem:
        return _masked_whole(real)


def _masked_whole(action: Action) -> Action:
    match action:
        case TypeAction():
            return action.model_copy(update={"type": MASK})
        case PasteAction():
            return action.model_copy(update={"paste": MASK})
        case OpenAction():
            return action.model_copy(update={"open": MASK})
        case CopyAction():
            return action.model_copy(update={"copy_": MASK})
        case NotifyAction():
            return action.model_copy(update={"notify": MASK})
        case RunAction(run=argv):
            return action.model_copy(update={"run": [MASK] * len(argv)})
    return action


def _render_action(action: Action, ctx: Mapping[str, Any], masked: Mapping[str, Any] | None = None) -> Action:
    """The action with its templates filled in, exactly (no escaping). A `notify` message is only ever
    shown, so it is filled in from `masked` (secrets masked) when given."""
    text = templating.render_text
    match action:
        case TypeAction(type=value):
            return action.model_copy(update={"type": text(value, ctx)})
        case PasteAction(paste=value):
            return action.model_copy(update={"paste": text(value, ctx)})
        case OpenAction(open=value):
            return action.model_copy(update={"open": text(value, ctx)})
        case CopyAction(copy_=value):
            return action.model_copy(update={"copy_": text(value, ctx)})
        case NotifyAction(notify=value):
            return action.model_copy(update={"notify": text(value, ctx if masked is None else masked)})
        case RunAction(run=argv):
            return action.model_copy(update={"run": [text(arg, ctx) for arg in argv]})
    return action


def _summary(state: RunState, at: float) -> Summary:
    outcomes = [entry.outcome for entry in state.history if entry.outcome != "skipped-when"]
    return Summary(
        steps=len(outcomes),
        automated=outcomes.count("automated"),
        by_person=sum(o in ("person", "detected", "chosen") for o in outcomes),
        skipped=outcomes.count("skipped"),
        duration=max(0.0, at - state.started_at),
    )


# ------------------------------------------------------------- conditions


def _children(cond: Condition) -> Sequence[Condition] | None:
    if isinstance(cond, AnyCond):
        return cond.any
    if isinstance(cond, AllCond):
        return cond.all
    return None


def _leaves(cond: Condition | None, path: str = "0") -> Iterator[tuple[str, Condition]]:
    """The simple conditions inside `cond`, each with its path ("0", "0.1", ...)."""
    if cond is None:
        return
    children = _children(cond)
    if children is None:
        yield path, cond
        return
    for i, child in enumerate(children):
        yield from _leaves(child, f"{path}.{i}")


def _holds(cond: Condition, path: str, state: RunState, at: float) -> bool:
    """Keys and clipboard count once seen during the step; the rest on the latest observation."""
    match cond:
        case AnyCond(any=items):
            return any(_holds(c, f"{path}.{i}", state, at) for i, c in enumerate(items))
        case AllCond(all=items):
            return all(_holds(c, f"{path}.{i}", state, at) for i, c in enumerate(items))
        case KeysCond() | ClipboardCond():
            return path in state.latched
        case FileCond():
            return path in state.holding
        case ActiveCond(active=match):
            seen = state.window
            return seen is not None and window_fits(match, seen)
        case AfterCond(after=seconds):
            return at - state.step_started_at >= seconds


def _watch(step: Step, files: list[tuple[str, str]]) -> Watch:
    leaves = [c for _, c in _leaves(step.until)]
    return Watch(
        step.id,
        step.until,
        windows=any(isinstance(c, ActiveCond) for c in leaves),
        keys=tuple(dict.fromkeys(c.keys for c in leaves if isinstance(c, KeysCond))),
        clipboard=any(isinstance(c, ClipboardCond) for c in leaves),
        files=tuple(dict.fromkeys(rendered for _, rendered in files)),
        timer=any(isinstance(c, AfterCond) for c in leaves),
    )


def describe_condition(cond: Condition, files: Mapping[str, str] | None = None) -> str:
    """What ends a step, in a few words ("Mousepad in front"); `files` maps condition paths
    ("0", "0.1", ...) to rendered file paths, else the templates are shown."""
    return _describe(cond, "0", files or {})


def _describe(cond: Condition, path: str, files: Mapping[str, str]) -> str:
    """A condition in a few words, e.g. "Mousepad in front", for "moves on when it sees: …"."""
    match cond:
        case AnyCond(any=items):
            return _describe_all(items, path, files, " or ")
        case AllCond(all=items):
            return _describe_all(items, path, files, " and ")
        case ActiveCond(active=match):
            return f"{_describe_window(match)} in front"
        case KeysCond(keys=combo):
            return f"{pretty_combo(combo)} pressed"
        case ClipboardCond(clipboard=pattern):
            return f"copied text matching {_pattern(pattern)}"
        case FileCond(file=spec):
            name = files.get(path, spec.path)
            return f"the file {name}" + (f" containing “{spec.contains}”" if spec.contains else "")
        case AfterCond(after=seconds):
            return f"{seconds:g} s passed"


def _describe_all(items: Sequence[Condition], path: str, files: Mapping[str, str], joiner: str) -> str:
    parts = []
    for i, child in enumerate(items):
        text = _describe(child, f"{path}.{i}", files)
        parts.append(f"({text})" if _children(child) is not None else text)
    return joiner.join(parts)


def _describe_window(match: WindowMatch) -> str:
    app = match.app
    if app is not None:
        app = _pattern(app) if app.startswith("re:") or any(ch in app for ch in "*?[") \
            else app[:1].upper() + app[1:]
    title = _pattern(match.title) if match.title is not None else None
    if app and title:
        return f"{app} titled {title}"
    return app or f"a window titled {title}"


def _pattern(pattern: str) -> str:
    return f"/{pattern[3:]}/" if pattern.startswith("re:") else f"“{pattern}”"
