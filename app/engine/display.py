"""Making a step current: what the panel shows of it (filled in, secrets masked), the highlight, and what
to watch."""

from __future__ import annotations

from dataclasses import replace

from app.engine.conditions import describe_at, simple_conditions, step_watch
from app.engine.course import Course
from app.engine.effects import ClearHighlight, Effect, Highlight, Notice, Result, ShowStep, Watch
from app.engine.masking import masked_context, problem_message
from app.engine.state import Mode, RunState
from app.format import templating
from app.format.model import FileCond, Step


def display(course: Course, state: RunState, step: Step, at: float, treatment: Mode,
            checked: tuple[bool, ...] | None, watch: bool) -> Result:
    """Make `step` current: ShowStep, the highlight, and what to watch."""
    ctx = course.context(state, at)
    panel_ctx = masked_context(ctx, state)  # the panel never shows secrets
    problems: list[str] = []
    _ = course.tr.gettext

    def markdown(text: str) -> str:
        try:
            return templating.render_markdown(text, panel_ctx)
        except templating.TemplateProblem as problem:
            problems.append(_("Step '{step}': could not fill in '{text}': {problem}").format(
                step=step.id, text=text, problem=problem.message))
            return text

    files: list[tuple[str, str]] = []
    shown_files: dict[str, str] = {}  # as the panel may show them: secrets masked
    for path, cond in simple_conditions(step.until) if watch else ():
        if isinstance(cond, FileCond):
            try:
                rendered = templating.render_text(cond.file.path, ctx)
                files.append((path, rendered))
                shown_files[path] = rendered if panel_ctx is ctx else templating.render_text(
                    cond.file.path, panel_ctx)
            except templating.TemplateProblem as problem:
                problems.append(_("Step '{step}': cannot watch '{path}': {problem}").format(
                    step=step.id, path=cond.file.path,
                    problem=problem_message(problem, cond.file.path, ctx, panel_ctx, course.tr)))
                shown_files.pop(path, None)
    items = step.checklist or []
    if checked is None or len(checked) != len(items):
        checked = (False,) * len(items)
    index = len(state.trail) + 1
    show = ShowStep(
        step_id=step.id, index=index, total=index + course.ahead(step, ctx),
        title=markdown(step.title),
        explain=markdown(step.explain) if step.explain is not None else None,
        why=markdown(step.why) if step.why is not None else None,
        mode=treatment, can_back=bool(state.trail), has_do=bool(step.do),
        choices=tuple(markdown(o.label) for o in step.choice or ()),
        checklist=tuple(markdown(item) for item in items), checked=checked,
        until=(_("moves on when it sees: {condition}").format(
            condition=describe_at(step.until, "0", shown_files, course.tr))
               if watch and step.until is not None else None),
        quiz=step.quiz,
    )
    state = replace(state, step_id=step.id, step_started_at=at, treatment=treatment,
                    checked=checked, failure=None, latched=(), holding=(), files=tuple(files),
                    resume_at=None, answers=())
    effects: list[Effect] = [
        show,
        Highlight(step.id, step.target) if step.target else ClearHighlight(),
        step_watch(step, files) if watch else Watch(step.id),
        *(Notice(p) for p in problems),
    ]
    return state, effects
