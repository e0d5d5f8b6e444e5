"""A wizard as a printable job aid in Markdown (`wayguide show ID`)."""

from __future__ import annotations

from collections.abc import Callable

from app.engine import describe_condition
from app.format import templating
from app.format.model import QuizSpec, Step, Wizard
from app.format.wording import describe_action, window_words

__all__ = ["EXAMPLE_NOTE", "job_aid"]


class _Placeholders(dict[str, str]):
    """Inputs shown as their labels, e.g. ‹Customer name›, since a printed aid has no values (the language
    filters show them as they are: `{{ inputs.amount | money('EUR') }}` is ‹Amount›)."""

    def __init__(self, wizard: Wizard) -> None:
        super().__init__({i.name: templating.Placeholder(f"‹{i.label}›") for i in wizard.inputs})


EXAMPLE_NOTE = ("*Example: comes with Wayguide to show what a wizard can do; not one of your organisation's "
                "tasks.*")
"""Under the title of an example wizard (one that comes with Wayguide)."""


def job_aid(wizard: Wizard, example: bool = False, language: str = "en") -> str:
    """The job aid; `example`: the wizard is one of the examples that come with Wayguide, and says so;
    `language`: the reader's (a BCP 47 tag), whose way of writing dates and numbers the filters follow."""
    ctx = templating.context(_Placeholders(wizard), language=language)
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
    if example:
        out += [EXAMPLE_NOTE, ""]
    if wizard.summary:
        out += [wizard.summary, ""]
    facts = []
    if wizard.when:
        facts.append("**Where:** " + "; ".join(window_words(w) for w in wizard.when))
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
    if wizard.review:
        out += ["## Check yourself", "",
                "Questions Wayguide asks again later, to keep what this task teaches.", ""]
        for n, question in enumerate(wizard.review, 1):
            out += [f"**Q{n}.** {_oneline(question.question)}", "", *_options(question), ""]
    out += _answers(wizard, numbers)
    return "\n".join(out).rstrip() + "\n"


def _oneline(text: str) -> str:
    return " ".join(text.split())


def _options(quiz: QuizSpec) -> list[str]:
    lines = [f"{i}. {_oneline(option.text)}" for i, option in enumerate(quiz.options, 1)]
    if quiz.multiple:
        lines.insert(0, "*Tick all that apply.*")
        lines.insert(1, "")
    return lines


def _answers(wizard: Wizard, numbers: dict[str, int]) -> list[str]:
    """The answers to the step checks and the review questions: after everything, so that a reader can
    answer first."""
    asked: list[tuple[str, QuizSpec]] = [(f"Step {numbers[s.id]}", s.quiz) for s in wizard.steps if s.quiz]
    asked += [(f"Q{n}", q) for n, q in enumerate(wizard.review, 1)]
    if not asked:
        return []
    lines = ["## Answers", ""]
    for label, quiz in asked:
        right = "; ".join(f"{i + 1}. {_oneline(quiz.options[i].text)}" for i in quiz.correct)
        lines.append(f"- **{label}:** {right}")
        if quiz.explanation:
            lines.append("  " + _oneline(quiz.explanation))
    return [*lines, ""]


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
    if step.quiz:
        lines += [f"**Check yourself:** {_oneline(step.quiz.question)}", "", *_options(step.quiz),
                  "", "*The answer is at the end.*", ""]
    if step.do:
        lines.append("Wayguide can do this for you:")
        lines += [f"{i}. {describe_action(a, raw)}" for i, a in enumerate(step.do, 1)]
        lines.append("")
    if step.until:
        lines += [f"*Done when: {templating.markdown_literal(describe_condition(step.until))}.*", ""]
    if step.why:
        lines += ["> **Why?** " + text(step.why).strip().replace("\n", "\n> "), ""]
    return lines
