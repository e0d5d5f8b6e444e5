"""A wizard's steps as a run goes through them: where each one is, which follow, and what templates see."""

from __future__ import annotations

import datetime as _dt
import gettext
from collections.abc import Mapping
from typing import Any

from app.engine.inputs import input_problem
from app.engine.state import RunState
from app.format import templating
from app.format.model import Step, Wizard
from app.format.wording import ENGLISH
from app.i18n import language


class Course:
    """The steps of `wizard` by position and by id (the first of a repeated id wins)."""

    def __init__(self, wizard: Wizard, translations: gettext.NullTranslations = ENGLISH) -> None:
        self.wizard = wizard
        self.tr = translations
        """The person's language (app/i18n.py): the messages composed about the steps are said in it."""
        self.language = language(translations)
        """Its BCP 47 tag: templates see it as `language`, filters format for it."""
        self.steps = wizard.steps
        self.index: dict[str, int] = {}
        for i, step in enumerate(wizard.steps):
            self.index.setdefault(step.id, i)

    def current(self, state: RunState) -> Step | None:
        index = self.index.get(state.step_id) if state.step_id is not None else None
        return None if index is None else self.steps[index]

    def ahead(self, step: Step, ctx: Mapping[str, Any]) -> int:
        """How many steps will plausibly follow `step` (choices: the first option)."""
        count, seen, current = 0, {step.id}, step
        while True:
            if current.choice:
                i: int | None = self.index.get(current.choice[0].goto)
            elif current.next is not None:
                i = self.index.get(current.next, len(self.steps))
            else:
                i = self.index[current.id] + 1
            while i is not None and i < len(self.steps) and not when(self.steps[i], ctx, self.tr)[0]:
                i += 1
            if i is None or i >= len(self.steps) or self.steps[i].id in seen:
                return count
            current = self.steps[i]
            seen.add(current.id)
            count += 1

    def context(self, state: RunState, at: float) -> dict[str, Any]:
        """What templates see: every declared input (defaults, else ""), numbers as entered."""
        given = {v.name: v.value for v in state.inputs}
        inputs: dict[str, object] = {}
        for spec in self.wizard.inputs:
            raw = given.get(spec.name, "" if spec.default is None else str(spec.default))
            inputs[spec.name] = raw
            if spec.type == "number" and input_problem(spec, raw) is None:
                inputs[spec.name] = templating.EnteredNumber(raw)
        window = {"app": state.window.app, "title": state.window.title} if state.window else None
        choices: dict[str, str] = {}
        for entry in state.history:
            step = self.steps[self.index[entry.step_id]] if entry.step_id in self.index else None
            options = step.choice if step is not None and step.choice else []
            if entry.choice is not None and 0 <= entry.choice < len(options):
                choices[entry.step_id] = options[entry.choice].label
        return templating.context(inputs, window, _moment(at), choices, self.language)


def when(step: Step, ctx: Mapping[str, Any],
         tr: gettext.NullTranslations = ENGLISH) -> tuple[bool, str | None]:
    """Whether the step is shown; a `when` that cannot be evaluated shows it, with a problem (in `tr`)."""
    if step.when is None:
        return True, None
    try:
        return bool(templating.evaluate(step.when, ctx)), None
    except Exception as exc:  # TemplateProblem, or the truth value of an undefined name
        problem = tr.gettext("Step '{step}': its 'when' could not be checked ({problem}); showing it.")
        return True, problem.format(step=step.id, problem=exc)


def _moment(at: float) -> _dt.datetime:
    try:
        return _dt.datetime.fromtimestamp(at).astimezone()
    except (OverflowError, OSError, ValueError):
        return _dt.datetime.fromtimestamp(0).astimezone()
