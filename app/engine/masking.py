"""Rendering actions from templates, with secret inputs masked in everything shown."""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping
from typing import Any

from app.engine.state import RunState
from app.format import templating
from app.format.model import (
    Action,
    CopyAction,
    FillAction,
    NotifyAction,
    OpenAction,
    PasteAction,
    RunAction,
    Step,
    TypeAction,
)
from app.format.wording import ENGLISH

MASK = "••••••"
"""What a secret input's value is shown as, wherever it would be shown."""
QUOTED = re.compile("“.*”", re.DOTALL)


def masked_context(ctx: dict[str, Any], state: RunState) -> dict[str, Any]:
    """The template context with every secret input given replaced by MASK (`ctx` itself when none)."""
    secrets = {v.name: MASK for v in state.inputs if v.secret and v.value}
    if not secrets:
        return ctx
    return {**ctx, "inputs": {**ctx["inputs"], **secrets}}


def problem_message(problem: templating.TemplateProblem, template: Action | str, ctx: dict[str, Any],
                    masked: dict[str, Any], tr: gettext.NullTranslations = ENGLISH) -> str:
    """Why a template could not be filled in, as the person may read it: an error can quote a value
    (“str object has no element 'hunter2'”), so with secrets given, the reason is the masked rendering's
    (or a general one when that one works)."""
    if masked is ctx:
        return problem.message
    try:
        if isinstance(template, str):
            templating.render_text(template, masked)
        else:
            render_action(template, masked)
    except templating.TemplateProblem as shown:
        return shown.message
    return tr.gettext("the value given for a secret input does not fit it")


def action_texts(action: Action) -> list[str]:
    """The text values of an action that may hold (a form of) an input."""
    match action:
        case TypeAction(type=value) | PasteAction(paste=value) | OpenAction(open=value) \
                | CopyAction(copy_=value) | NotifyAction(notify=value):
            return [value] if value else []
        case FillAction(fill=spec):
            return [spec.text] if spec.text else []
        case RunAction(run=argv):
            return [a for a in argv if a]
    return []


def shown_action(template: Action, real: Action, masked: Mapping[str, Any]) -> Action:
    """`real` (the action filled in) as the person may see it: filled in from the masked context; when
    that cannot be (a template that fails on the mask), every text masked whole."""
    try:
        return render_action(template, masked)
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
        case FillAction(fill=spec):
            return action.model_copy(update={"fill": spec.model_copy(update={"text": MASK})})
        case RunAction(run=argv):
            return action.model_copy(update={"run": [MASK] * len(argv)})
    return action


def render_action(action: Action, ctx: Mapping[str, Any], masked: Mapping[str, Any] | None = None) -> Action:
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
        case FillAction(fill=spec):
            return action.model_copy(update={"fill": spec.model_copy(update={"text": text(spec.text, ctx)})})
        case RunAction(run=argv):
            return action.model_copy(update={"run": [text(arg, ctx) for arg in argv]})
    return action


def mask_failure(step: Step, index: int, message: str, state: RunState, ctx: dict[str, Any]) -> str:
    """A failure message as the person may see it: when the action used a secret input, what it quotes
    of the action (“…”) and every form of its texts are masked, and so is every secret value."""
    secrets = [v.value for v in state.inputs if v.secret and v.value]
    if not secrets:
        return message
    masked = masked_context(ctx, state)
    do = step.do or ()
    if 0 <= index < len(do):
        try:
            real = render_action(do[index], ctx, masked)
        except templating.TemplateProblem:
            real = do[index]
        shown = shown_action(do[index], real, masked)
        if shown != real:
            message = QUOTED.sub(f"“{MASK}”", message)
            for text in sorted(action_texts(real), key=len, reverse=True):
                message = message.replace(text, MASK)
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, MASK)
    return message
