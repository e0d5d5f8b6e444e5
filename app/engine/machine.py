"""The transition function: `Engine(wizard).handle(state, event) -> (state, effects)`."""

from __future__ import annotations

import gettext
from dataclasses import replace

from app.engine.conditions import condition_holds, note_observation
from app.engine.course import Course, when
from app.engine.display import display
from app.engine.effects import (
    Aborted,
    AskInputs,
    Effect,
    Failed,
    Finished,
    InputsInvalid,
    Notice,
    Paused,
    Perform,
    Refused,
    Result,
    Summary,
)
from app.engine.events import (
    Abort,
    ActionFailed,
    ActionsDone,
    ActionsPaused,
    Answer,
    Back,
    Check,
    Choose,
    ClipboardChanged,
    Continue,
    DoItMyself,
    ElementObserved,
    Event,
    FileObserved,
    KeysPressed,
    Next,
    Observation,
    Retry,
    ShowMe,
    Skip,
    SkipStep,
    Start,
    SubmitInputs,
    SwitchMode,
    Tick,
    WindowActivated,
)
from app.engine.inputs import validate_inputs
from app.engine.masking import (
    mask_failure,
    masked_context,
    problem_message,
    render_action,
    shown_action,
)
from app.engine.quizzes import answer, go_by
from app.engine.state import (
    ENDED,
    MODES,
    WAITING,
    Failure,
    HistoryEntry,
    Mode,
    Outcome,
    Pace,
    RunState,
    Visit,
)
from app.format import templating
from app.format.model import (
    Action,
    Step,
    Wizard,
    action_kind,
)
from app.format.wording import ENGLISH, describe_action, either

# ----------------------------------------------------------------- engine


class Engine:
    """Runs one wizard. Holds no run state: every call takes a RunState and returns the next one.

    Glass box asks for inputs only when some are required; black box whenever the wizard has any
    (unless Start brings valid values). Events that make no sense in the current status are
    ignored; `handle` never raises.
    """

    def __init__(self, wizard: Wizard, translations: gettext.NullTranslations | None = None) -> None:
        self.wizard = wizard
        self._tr = translations or ENGLISH
        """The person's language (app/i18n.py): the messages made here, and templates' `language`."""
        self._course = Course(wizard, self._tr)
        self._steps = wizard.steps
        self._index = self._course.index

    def initial(self) -> RunState:
        """The state before Start."""
        mode = MODES.get(self.wizard.default_mode, "glass")
        return RunState(wizard_id=self.wizard.id, mode=mode, treatment=mode)

    def handle(self, state: RunState, event: Event) -> Result:
        """The next state and what the runtime should do now, in order."""
        if state.wizard_id != self.wizard.id or state.status in ENDED:
            return state, []
        if state.step_id is not None and state.step_id not in self._index:
            if isinstance(event, Abort):
                return self._abort(state, event.reason, event.at)
            return state, []
        step = self._course.current(state)
        match event:
            case Start():
                return self._start(state, event)
            case SubmitInputs() if state.status == "inputs":
                return self._submit(state, event)
            case Abort() if state.status != "ready":
                return self._abort(state, event.reason, event.at)
            case WindowActivated() | KeysPressed() | ClipboardChanged() | FileObserved() | ElementObserved() \
                    | Tick():
                return self._observe(state, step, event)
        if step is None:
            return state, []
        return self._on_step(state, step, event)

    # ------------------------------------------------------------ statuses

    def _on_step(self, state: RunState, step: Step, event: Event) -> Result:
        status, at = state.status, event.at
        waiting = status in WAITING
        match event:
            case Next() if waiting:
                return self._next(state, step, at)
            case Skip() if waiting:
                if step.choice:
                    return state, [Notice(self._tr.gettext("Choose one of the options."))]
                return self._complete(state, step, "skipped", at)
            case Choose(index=index) if waiting:
                return self._choose(state, step, index, at)
            case Check(index=index, checked=checked) if waiting:
                return self._check(state, step, index, checked), []
            case Answer(chosen=chosen) if waiting and step.quiz is not None:
                return answer(state, step, chosen)
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
                message = mask_failure(step, failed.action_index, failed.message, state,
                                       self._course.context(state, at))
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
        mode = MODES.get(wanted)
        if mode is None or mode not in self.wizard.allowed_modes:
            allowed = either(self.wizard.allowed_modes, self._tr)
            refusal = self._tr.gettext("This wizard cannot run in mode '{mode}' (allowed: {allowed}).")
            return state, [Refused(refusal.format(mode=wanted, allowed=allowed))]
        state = replace(state, mode=mode, treatment=mode, started_at=event.at,
                        first=self._index.get(event.step or "", 0))
        if event.values is not None:
            kept, errors = validate_inputs(self.wizard, event.values, self._tr)
            state = replace(state, inputs=kept)
            if errors:
                state, effects = self._ask(state, [])
                return state, [*effects, InputsInvalid(errors)]
            return self._enter_from(replace(state, asked=True), state.first, event.at)
        if self.wizard.inputs and (mode == "black" or any(i.required for i in self.wizard.inputs)):
            return self._ask(state, [])
        return self._enter_from(state, state.first, event.at)

    def _submit(self, state: RunState, event: SubmitInputs) -> Result:
        kept, errors = validate_inputs(self.wizard, event.values, self._tr)
        if errors:
            return state, [InputsInvalid(errors)]
        return self._continue(replace(state, inputs=kept, asked=True), event.at)

    def _continue(self, state: RunState, at: float) -> Result:
        """Carry on after the inputs form: the first step, or the current one again."""
        step = self._course.current(state)
        if step is None:
            return self._enter_from(state, state.first, at)
        if state.resume_at is not None:  # paused part-way: never performed again from the start
            resume_at = state.resume_at
            state, effects = display(self._course, state, step, at, state.treatment, state.checked,
                                     watch=False)
            return replace(state, status="paused", resume_at=resume_at), [*effects, Paused(
                step.id, self._tr.gettext("Wayguide had paused this step part-way; press Continue to go on."),
                True)]
        return self._enter(state, step, at, state.treatment, state.checked)

    def _abort(self, state: RunState, reason: str, at: float) -> Result:
        state = replace(state, status="aborted", ended_at=at)
        return state, [Aborted(reason, state.step_id, _summary(state, at))]

    def _switch(self, state: RunState, step: Step, wanted: str, at: float) -> Result:
        mode = MODES.get(wanted)
        if mode == state.mode:
            return state, []
        if mode is None or mode not in self.wizard.allowed_modes:
            refusal = self._tr.gettext("This wizard cannot run in mode '{mode}'.")
            return state, [Refused(refusal.format(mode=wanted))]
        state = replace(state, mode=mode, treatment=mode)
        if mode == "black" and self.wizard.inputs and not state.asked:
            return self._ask(replace(state, failure=None), [])
        return self._enter(state, step, at, mode, state.checked)

    # --------------------------------------------------------------- steps

    def _next(self, state: RunState, step: Step, at: float) -> Result:
        _ = self._tr.gettext
        if step.choice:
            return state, [Notice(_("Choose one of the options."))]
        if step.checklist and not _ticked(state, step):
            return state, [Notice(_("Tick every item on the checklist first."))]
        if step.quiz is not None and not state.answers:
            return state, [Notice(_("Answer the question first (or skip it)."))]
        if step.quiz is not None:
            return self._complete(state, step, "answered", at, correct=state.answers[0])
        return self._complete(state, step, "person", at)

    def _choose(self, state: RunState, step: Step, index: int, at: float) -> Result:
        options = step.choice or []
        if not 0 <= index < len(options):
            return state, []
        target = self._index.get(options[index].goto)
        if target is None:
            notice = self._tr.gettext("That option leads to step '{step}', which this wizard does not have.")
            return state, [Notice(notice.format(step=options[index].goto))]
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
        treatment = state.mode if step.needs_person and step.quiz is None else "glass"
        return self._enter(state, step, at, treatment, visit.checked)

    def _complete(self, state: RunState, step: Step, outcome: Outcome, at: float,
                  goto: int | None = None, choice: int | None = None, correct: bool | None = None) -> Result:
        entry = HistoryEntry(step.id, outcome, state.treatment, state.step_started_at, at, choice, correct)
        visit = Visit(step.id, len(state.history), state.checked)
        state = replace(state, history=(*state.history, entry), trail=(*state.trail, visit),
                        failure=None)
        if goto is None and step.next is not None:
            goto = self._index.get(step.next, len(self._steps))  # `end`: past the last step
        return self._enter_from(state, self._index[step.id] + 1 if goto is None else goto, at)

    def _enter_from(self, state: RunState, index: int, at: float) -> Result:
        """Show the first step from `index` on whose `when` holds, or finish."""
        ctx = self._course.context(state, at)
        effects: list[Effect] = []
        masked = masked_context(ctx, state)
        passed: set[int] = set()  # quizzes black box went by (their `next` can lead round in a loop)
        while index < len(self._steps) and index not in passed:
            step = self._steps[index]
            shown, problem = when(step, ctx, self._tr)
            if problem and masked is not ctx:  # the error can quote a value: say the masked one's
                problem = when(step, masked, self._tr)[1] or self._tr.gettext(
                    "Step '{step}': its 'when' could not be checked with the value given for a secret input; "
                    "showing it.").format(step=step.id)
            if problem:
                effects.append(Notice(problem))
            if shown and step.quiz is not None and state.mode == "black":  # never holds black box up
                passed.add(index)
                state, index = go_by(state, step, at, self._index, len(self._steps))
                continue
            if shown:
                state, more = self._enter(state, step, at, state.mode)
                return state, [*effects, *more]
            skipped = HistoryEntry(step.id, "skipped-when", state.mode, at, at)
            state = replace(state, history=(*state.history, skipped))
            index += 1
        state = replace(state, status="finished", ended_at=at, step_id=None, failure=None)
        return state, [*effects, Finished(_summary(state, at))]

    def _enter(self, state: RunState, step: Step, at: float, treatment: Mode,
               checked: tuple[bool, ...] | None = None) -> Result:
        """Show `step`, then perform it (black box) or wait for the person or its `until`."""
        if step.quiz is not None and treatment == "black":  # after switching to black box: gone by
            state, following = go_by(state, step, at, self._index, len(self._steps))
            return self._enter_from(state, following, at)
        automated = treatment == "black" and not step.needs_person
        state, effects = display(self._course, state, step, at, treatment, checked, watch=not automated)
        if automated:
            return self._perform(state, step, "fast", at, effects)
        if treatment == "black":
            return replace(state, status="paused"), [*effects, Paused(step.id, _pause_reason(step, self._tr))]
        return replace(state, status="running"), effects

    # ---------------------------------------------------------- automation

    def _perform(self, state: RunState, step: Step, pace: Pace, at: float,
                 effects: list[Effect], start: tuple[int, int] = (0, 0)) -> Result:
        if self._missing_inputs(state):
            return self._ask(replace(state, failure=None), effects)
        ctx = self._course.context(state, at)
        masked = masked_context(ctx, state)
        actions: list[Action] = []
        for i, action in enumerate(step.do or ()):
            try:
                actions.append(render_action(action, ctx, masked))
            except templating.TemplateProblem as problem:
                why = problem_message(problem, action, ctx, masked, self._tr)
                message = self._tr.gettext("Action {number} ({kind}) could not be filled in: {problem}")
                message = message.format(number=i + 1, kind=action_kind(action), problem=why)
                return self._fail(state, step, Failure(i, message), effects)
        shown = () if masked is ctx else tuple(
            shown_action(action, real, masked) for action, real in zip(step.do or (), actions, strict=True))
        words = tuple(describe_action(action, tr=self._tr) for action in shown or actions)
        perform = Perform(step.id, tuple(actions), pace, start, shown, words)
        return replace(state, status="performing"), [*effects, perform]

    @staticmethod
    def _fail(state: RunState, step: Step, failure: Failure, effects: list[Effect]) -> Result:
        state = replace(state, status="failed", failure=failure)
        return state, [*effects, Failed(step.id, failure.action_index, failure.message)]

    # -------------------------------------------------------- observations

    def _observe(self, state: RunState, step: Step | None,
                 event: Observation) -> Result:
        state = note_observation(state, step, event)
        if state.status in WAITING and step is not None and step.until is not None and condition_holds(
                step.until, "0", state, event.at):
            return self._complete(state, step, "detected", event.at)
        return state, []

    # -------------------------------------------------------------- inputs

    def _missing_inputs(self, state: RunState) -> bool:
        given = {v.name for v in state.inputs}
        return any(i.required and i.name not in given for i in self.wizard.inputs)

    def _ask(self, state: RunState, effects: list[Effect]) -> Result:
        values = {i.name: str(i.default) for i in self.wizard.inputs if i.default is not None}
        values.update({v.name: v.value for v in state.inputs if not v.secret})
        return replace(state, status="inputs"), [*effects, AskInputs(tuple(self.wizard.inputs), values)]

# ---------------------------------------------------------------- helpers


def _ticked(state: RunState, step: Step) -> bool:
    return len(state.checked) == len(step.checklist or ()) and all(state.checked)


def _pause_reason(step: Step, tr: gettext.NullTranslations) -> str:
    if step.choice:
        return tr.gettext("This step needs your decision.")
    if step.checklist:
        return tr.gettext("Tick the checklist, then press Next.")
    return tr.gettext("Do this step yourself, then press Next.")


def _summary(state: RunState, at: float) -> Summary:
    outcomes = [entry.outcome for entry in state.history if entry.outcome not in ("skipped-when", "unasked")]
    return Summary(
        steps=len(outcomes),
        automated=outcomes.count("automated"),
        by_person=sum(o in ("person", "detected", "chosen", "answered") for o in outcomes),
        skipped=outcomes.count("skipped"),
        duration=max(0.0, at - state.started_at),
    )


