"""`wayguide run --dry-run`: what a run would do, step by step and action by action, without doing it."""

from __future__ import annotations

import gettext
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol, TextIO

from app.engine import (
    Aborted,
    ActionsDone,
    Answer,
    Answered,
    AskInputs,
    Check,
    Choose,
    Effect,
    Engine,
    Event,
    Failed,
    Finished,
    InputsInvalid,
    Next,
    Notice,
    Paused,
    Perform,
    Refused,
    RunState,
    ShowMe,
    ShowStep,
    SkipStep,
    Start,
)
from app.format.model import Wizard
from app.format.wording import ENGLISH, describe_action
from app.i18n import language, said

__all__ = ["MASK", "dry_run"]

MASK = "••••••"
MAX_EVENTS = 1000
"""A wizard whose choices loop would otherwise be walked for ever."""


def dry_run(wizard_ref: str, mode: str | None, values: Mapping[str, str], out: TextIO, err: TextIO,
            choose: Mapping[str, str] | None = None, tr: gettext.NullTranslations = ENGLISH,
            languages: Sequence[str] = ()) -> int:
    """Walk the wizard with the engine, as runs with these `--set` values would go: at a choice every option
    in turn (or the one `choose` names for that step id: its label or its number from 1), printing every step
    and its actions with the templates filled in and secrets masked. Nothing is typed, nothing is started,
    the running app is not asked. Said in the language of `tr`, the wizard's texts in the first of `languages`
    (the person's languages) it has them in. 0, or 1 when the wizard or an input is wrong
    or a way does not finish."""
    _ = tr.gettext
    wizard, problem, path = _load(wizard_ref)
    if wizard is None:
        err.write(f"wayguide: error: {said(problem, tr)}\n")
        return 1
    trusted = _trusted(path)
    if languages:
        from app.format.languages import localize

        wizard = localize(wizard, languages).wizard
    engine = Engine(wizard, tr)
    wanted = mode or ("black" if "black" in wizard.allowed_modes else None)
    secrets = [value for name, value in values.items()
               if value and (spec := wizard.input(name)) is not None and spec.type == "secret"]

    def mask(text: str) -> str:
        for secret in sorted(secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    state, effects = engine.handle(engine.initial(), Start(mode=wanted, values=dict(values), at=time.time()))
    if state.status == "inputs":
        problems = next((e.errors for e in effects if isinstance(e, InputsInvalid)), {})
        for name, message in problems.items():
            err.write(f"wayguide: error: --set {name}: {message}\n")
        if not problems:
            asked = next((e for e in effects if isinstance(e, AskInputs)), None)
            names = ", ".join(i.name for i in asked.inputs) if asked else ""
            err.write("wayguide: error: " + _("give the inputs with --set NAME=VALUE ({names})").format(
                names=names) + "\n")
        return 1
    box = _("black box") if state.mode == "black" else _("glass box")
    out.write(_("Dry run of {id} ({mode}): nothing is done.").format(id=wizard.id, mode=box) + "\n")
    walk = _Walk(engine, out, mask, trusted, dict(choose or {}), tr)
    ended = walk.go(state, effects, None, set(), 0)
    if wizard.review:
        review = tr.ngettext("Review: after a glass-box run, {count} question comes back later: {ids}",
                             "Review: after a glass-box run, {count} questions come back later: {ids}",
                             len(wizard.review))
        out.write(review.format(count=len(wizard.review), ids=", ".join(q.id for q in wizard.review)) + "\n")
    if walk.budget <= 0:
        out.write(_("… (stopped: the wizard's choices lead round in a loop)") + "\n")
        return 0
    return 0 if ended else 1


class _Lines(Protocol):
    """Where the walk writes: the terminal, or a branch's indented part of it."""

    def write(self, text: str, /) -> int: ...


class _Indented:
    """Writes lines with a prefix: a branch's steps under its option."""

    def __init__(self, out: _Lines, prefix: str) -> None:
        self._out, self._prefix = out, prefix

    def write(self, text: str) -> int:
        return self._out.write("".join(self._prefix + line for line in text.splitlines(keepends=True)))


class _Walk:
    """Walks every branch of the wizard: at a choice each option in turn (or the one `--choose` names),
    each under its option, indented. `budget` bounds the events of the whole walk (choices in a loop)."""

    def __init__(self, engine: Engine, out: TextIO, mask: Callable[[str], str], trusted: bool,
                 choose: dict[str, str], tr: gettext.NullTranslations = ENGLISH) -> None:
        self.engine, self.out, self.mask, self.trusted, self.choose = engine, out, mask, trusted, choose
        self.tr = tr
        self.budget = MAX_EVENTS

    def go(self, state: RunState, effects: list[Effect], step: ShowStep | None, shown: set[str],
           depth: int) -> bool:
        """Walk from `state`; True when every way from here finishes."""
        out: _Lines = _Indented(self.out, "   " * depth) if depth else self.out
        while self.budget > 0:
            self.budget -= 1
            event, step = _answer(state, effects, step, shown, out, self.mask, self.trusted, self.tr)
            if event is None:
                return state.status == "finished"
            if isinstance(event, Choose) and step is not None:
                options = self._options(step, out)
                if len(options) > 1:
                    ended = True
                    for index in options:
                        label = self.mask(_plain(step.choices[index]))
                        out.write("   ▸ " + self.tr.gettext("if “{option}”:").format(option=label) + "\n")
                        branch_state, branch_effects = self.engine.handle(state, Choose(index=index,
                                                                                         at=time.time()))
                        ended = self.go(branch_state, branch_effects, step, set(shown), depth + 1) and ended
                    return ended
                event = Choose(index=options[0], at=time.time())
            state, effects = self.engine.handle(state, event)
        return False

    def _options(self, step: ShowStep, out: _Lines) -> list[int]:
        """The options to follow at `step`: the one `--choose` names, else all of them."""
        _ = self.tr.gettext
        picked = self.choose.get(step.step_id)
        labels = [_plain(c) for c in step.choices]
        if picked is None:
            options = " · ".join(self.mask(c) for c in labels)
            out.write("   - " + _("your decision: {options}").format(options=options) + "\n")
            return list(range(len(labels)))
        index = int(picked) - 1 if picked.isdigit() else next(
            (i for i, label in enumerate(labels) if label.casefold() == picked.casefold()), -1)
        if not 0 <= index < len(labels):
            nothing = _("no such option; following them all")
            out.write(f"   ! --choose {step.step_id}={picked}: {nothing}\n")
            return list(range(len(labels)))
        decision = _("your decision: “{option}” (--choose)").format(option=self.mask(labels[index]))
        out.write(f"   - {decision}\n")
        return [index]


def _answer(state: RunState, effects: list[Effect], step: ShowStep | None, shown: set[str], out: _Lines,
            mask: Callable[[str], str], trusted: bool = False,
            tr: gettext.NullTranslations = ENGLISH) -> tuple[Event | None, ShowStep | None]:
    """Print the effects; the event a run would see next (None: the run ended), and the step shown.
    `shown`: the glass-box steps whose actions were already shown ("Show me"); `trusted`: the wizard lies
    where the admin policy lets wizards start programs (`run`, and `open` of more than web links)."""
    _ = tr.gettext
    at = time.time()
    for entry in state.history:
        if entry.outcome == "unasked" and f"?{entry.step_id}" not in shown:
            shown.add(f"?{entry.step_id}")
            out.write("   " + _("(step '{step}', a knowledge check, is asked in glass box only)").format(
                step=entry.step_id) + "\n")
    for effect in effects:
        match effect:
            case ShowStep():
                step = effect
                out.write(f"{effect.index}. {mask(_plain(effect.title))}\n")
                if effect.quiz is not None:
                    question = _one_line(_plain(effect.quiz.question))
                    out.write("   - " + _("check: {question}").format(question=question) + "\n")
                    for n, option in enumerate(effect.quiz.options, 1):
                        right = " " + _("(right)") if option.correct else ""
                        out.write(f"      {n}. {_one_line(_plain(option.text))}{right}\n")
            case Answered(chosen=chosen):
                answers = ", ".join(str(i + 1) for i in chosen)
                out.write("   - " + _("you answer: {answers}").format(answers=answers) + "\n")
            case Perform():
                verb = _("Wayguide would") if state.treatment == "black" else _("Show me would")
                for action, display in zip(effect.actions, effect.display, strict=True):
                    text = _one_line(_plain(describe_action(display, tr=tr)))  # secrets masked, in any form
                    if language(tr) == "en":  # "Wayguide would: press Ctrl+S."; other languages as said
                        text = text[:1].lower() + text[1:]
                    refused = _refusal(action, trusted, tr)
                    out.write(f"   - {verb}: {mask(text)}{refused}\n")
                return ActionsDone(step_id=effect.step_id, at=at), step
            case Paused(reason=reason):
                out.write("   - " + _("you: {what}").format(what=_plain(reason)) + "\n")
            case Notice(message=message) | Refused(reason=message):
                out.write(f"   ! {mask(message)}\n")
            case Failed(message=message):
                out.write("   ! " + _("this step would fail: {problem}").format(problem=mask(message)) + "\n")
                return SkipStep(at=at), step
            case Finished(summary=summary):
                completed = tr.ngettext(
                    "Completed: {count} step, {automated} done by Wayguide, {person} by you.",
                    "Completed: {count} steps, {automated} done by Wayguide, {person} by you.", summary.steps)
                out.write(completed.format(count=summary.steps, automated=summary.automated,
                                           person=summary.by_person) + "\n")
                return None, step
            case Aborted(reason=reason):
                out.write(_("Stopped: {reason}").format(reason=reason) + "\n")
                return None, step
    if step is None:
        return None, step
    if step.choices:
        return Choose(index=0, at=at), step  # the walk decides which options to follow
    if step.quiz is not None and not state.answers and state.status == "running":
        return Answer(chosen=step.quiz.correct, at=at), step
    if step.checklist and not all(state.checked):
        if not any(state.checked):
            for item in step.checklist:
                out.write(f"   - [ ] {mask(_plain(item))}\n")
        unticked = next(i for i, done in enumerate(state.checked) if not done)
        return Check(index=unticked, checked=True, at=at), step
    if step.has_do and state.treatment == "glass" and state.status == "running" \
            and step.step_id not in shown:
        shown.add(step.step_id)
        return ShowMe(at=at), step
    return Next(at=at), step


def _refusal(action: object, trusted: bool, tr: gettext.NullTranslations = ENGLISH) -> str:
    """What a real run would refuse of this action where the wizard lies, as a note after it."""
    from app.automation.performer import web_link
    from app.format.model import OpenAction, RunAction

    if trusted:
        return ""
    if isinstance(action, OpenAction) and not web_link(action.open):
        return " " + tr.gettext("(refused here: from this folder only web and mail links open, says the "
                                "admin policy)")
    if isinstance(action, RunAction):
        return " " + tr.gettext("(refused here: from this folder no program starts, says the admin policy)")
    return ""


_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")


def _plain(text: str) -> str:
    """Markdown as a terminal shows it: no backslash escapes, no ** around bold words."""
    return _ESCAPED.sub(r"\1", text.replace("**", ""))


def _one_line(text: str) -> str:
    """Control characters (a line break in an opened path) never break the output's lines."""
    return "".join(c if c.isprintable() or c == "\t" else "\ufffd" for c in text)


def _trusted(path: Path | None) -> bool:
    from app.paths import Paths
    from app.policy.loading import policy_in_force

    policy, _ = policy_in_force(Paths.from_env())
    return policy.allows_run(path)


def _load(ref: str) -> tuple[Wizard | None, str, Path | None]:
    from app.format.loader import load_file

    if ref.endswith((".yaml", ".yml")) or os.sep in ref:
        result = load_file(Path(ref))
        if result.wizard is None:
            return None, str(result.diagnostics[0]) if result.diagnostics else f"{ref}: cannot be read", None
        return result.wizard, "", Path(ref)
    from app.library.layers import Library
    from app.paths import Paths

    library = Library.from_paths(Paths.from_env())
    entry = library.get(ref)
    if entry is None:
        return None, library.unknown(ref), None
    return entry.wizard, "", entry.path
