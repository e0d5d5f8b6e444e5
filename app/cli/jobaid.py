"""A wizard as a printable job aid in Markdown (`wayguide show ID`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.engine import describe_condition
from app.format import model, templating
from app.format.combo import pretty_combo
from app.format.model import Step, Wizard

__all__ = ["describe_action", "job_aid"]


class _Placeholders(dict[str, str]):
    """Inputs shown as their labels, e.g. ‹Customer name›, since a printed aid has no values."""

    def __init__(self, wizard: Wizard) -> None:
        super().__init__({i.name: f"‹{i.label}›" for i in wizard.inputs})


def _window(match: model.WindowMatch | None) -> str:
    if match is None:
        return "the window in front"
    if match.app and match.title:
        return f"{match.app} (title {match.title})"
    return match.app or f"the window titled {match.title}"


def describe_action(action: Any, render: Callable[[str], str] = str) -> str:
    """One action in words, for people; `render` fills in template text."""
    match action:
        case model.FocusAction(focus=w):
            return f"Bring {_window(w)} to the front."
        case model.KeysAction(keys=k):
            return f"Press {pretty_combo(k)}."
        case model.TypeAction(type=t):
            return f"Type `{_inline(render(t))}`."
        case model.PasteAction(paste=t):
            return f"Paste `{_inline(render(t))}`."
        case model.ClickAction(click=c):
            return f"Click at {c.at[0]:g}, {c.at[1]:g} in {_window(c.window)}."
        case model.WaitAction(wait=float() | int() as seconds):
            return f"Wait {seconds:g} s."
        case model.WaitAction(wait=model.WaitSpec() as w):
            what = _window(model.WindowMatch(app=w.app, title=w.title)) if (w.app or w.title) \
                else "the window"
            return f"Wait until {what} {'closes' if w.gone else 'appears'}."
        case model.OpenAction(open=target):
            return f"Open {render(target)}."
        case model.CopyAction(copy_=t):
            return f"Copy `{_inline(render(t))}` to the clipboard."
        case model.NotifyAction(notify=t):
            return f"Note: {render(t)}"
        case model.RunAction(run=argv):
            return "Run `" + " ".join(render(a) for a in argv) + "`."
    return str(action)


def _inline(text: str) -> str:
    return text.replace("\n", "⏎").replace("`", "'")


def job_aid(wizard: Wizard) -> str:
    ctx = templating.context(_Placeholders(wizard))
    ctx["inputs"] = _Placeholders(wizard)

    def text(value: str) -> str:
        try:
            return templating.render_markdown(value, ctx)
        except templating.TemplateProblem:
            return value

    def raw(value: str) -> str:
        try:
            return templating.render_text(value, ctx)
        except templating.TemplateProblem:
            return value

    out = [f"# {wizard.title}", ""]
    if wizard.summary:
        out += [wizard.summary, ""]
    facts = []
    if wizard.when:
        facts.append("**Where:** " + "; ".join(_window(w) for w in wizard.when))
    if wizard.roles:
        facts.append("**For:** " + ", ".join(wizard.roles))
    if facts:
        out += ["  \n".join(facts), ""]
    if wizard.inputs:
        out += ["## You will need", ""]
        for item in wizard.inputs:
            extra = ": " + " / ".join(item.choices) if item.choices else ""
            need = "" if item.required else " (optional)"
            out.append(f"- **{item.label}**{need}{extra}")
        out.append("")
    out += ["## Steps", ""]
    numbers = {step.id: n for n, step in enumerate(wizard.steps, 1)}
    for n, step in enumerate(wizard.steps, 1):
        out += _step(n, step, numbers, text, raw)
    return "\n".join(out).rstrip() + "\n"


def _step(n: int, step: Step, numbers: dict[str, int], text: Callable[[str], str],
          raw: Callable[[str], str]) -> list[str]:
    lines = [f"### {n}. {text(step.title)}", ""]
    if step.when:
        lines += [f"*Only when: `{step.when}`*", ""]
    if step.explain:
        lines += [text(step.explain).strip(), ""]
    for item in step.checklist or ():
        lines.append(f"- [ ] {text(item)}")
    if step.checklist:
        lines.append("")
    for option in step.choice or ():
        lines.append(f"- **{text(option.label)}** → go to step {numbers[option.goto]}")
    if step.choice:
        lines.append("")
    if step.do:
        lines.append("Wayguide can do this for you:")
        lines += [f"{i}. {describe_action(a, raw)}" for i, a in enumerate(step.do, 1)]
        lines.append("")
    if step.until:
        lines += [f"*Done when: {describe_condition(step.until)}.*", ""]
    if step.why:
        lines += ["> **Why?** " + text(step.why).strip().replace("\n", "\n> "), ""]
    return lines
