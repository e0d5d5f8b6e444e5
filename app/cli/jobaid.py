"""A wizard as a printable job aid in Markdown (`wayguide show ID`)."""

from __future__ import annotations

import gettext
from collections.abc import Callable

from app.engine import describe_condition
from app.format import templating
from app.format.model import QuizSpec, Step, Wizard
from app.format.wording import ENGLISH, describe_action, window_words
from app.i18n import N_, language

__all__ = ["EXAMPLE_NOTE", "job_aid"]


class _Placeholders(dict[str, str]):
    """Inputs shown as their labels, e.g. ‹Customer name›, since a printed aid has no values (the language
    filters show them as they are: `{{ inputs.amount | money('EUR') }}` is ‹Amount›)."""

    def __init__(self, wizard: Wizard) -> None:
        super().__init__({i.name: templating.Placeholder(f"‹{i.label}›") for i in wizard.inputs})


EXAMPLE_NOTE = N_("*Example: comes with Wayguide to show what a wizard can do; not one of your "
                  "organisation's tasks.*")
"""Under the title of an example wizard (one that comes with Wayguide)."""


def job_aid(wizard: Wizard, example: bool = False, tr: gettext.NullTranslations = ENGLISH) -> str:
    """The job aid, in the language of `tr` (the wizard's own texts as given; dates and numbers as that
    language writes them); `example`: the wizard is one of the examples that come with Wayguide, and says
    so."""
    _ = tr.gettext
    ctx = templating.context(_Placeholders(wizard), language=language(tr))
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
        out += [_(EXAMPLE_NOTE), ""]
    if wizard.summary:
        out += [wizard.summary, ""]
    facts = []
    if wizard.when:
        windows = "; ".join(window_words(w, tr) for w in wizard.when)
        facts.append(_("**Where:** {windows}").format(windows=windows))
    if wizard.roles:
        facts.append(_("**For:** {roles}").format(roles=", ".join(wizard.roles)))
    if facts:
        out += ["  \n".join(facts), ""]
    if wizard.inputs:
        out += [_("## You will need"), ""]
        for item in wizard.inputs:
            extra = ": " + " / ".join(item.choices) if item.choices else ""
            label = _("**{label}** (optional)") if not item.required else "**{label}**"
            label = label.format(label=item.label)
            out.append(f"- {label}{extra}")
        out.append("")
    out += [_("## Steps"), ""]
    numbers = {step.id: n for n, step in enumerate(wizard.steps, 1)}
    for n, step in enumerate(wizard.steps, 1):
        out += _step(n, step, numbers, text, raw, tr)
    if wizard.review:
        out += [_("## Check yourself"), "",
                _("Questions Wayguide asks again later, to keep what this task teaches."), ""]
        for n, question in enumerate(wizard.review, 1):
            out += [_("**Q{number}.** {question}").format(number=n, question=_oneline(question.question)), "",
                    *_options(question, tr), ""]
    out += _answers(wizard, numbers, tr)
    return "\n".join(out).rstrip() + "\n"


def _oneline(text: str) -> str:
    return " ".join(text.split())


def _options(quiz: QuizSpec, tr: gettext.NullTranslations) -> list[str]:
    lines = [f"{i}. {_oneline(option.text)}" for i, option in enumerate(quiz.options, 1)]
    if quiz.multiple:
        lines.insert(0, tr.gettext("*Tick all that apply.*"))
        lines.insert(1, "")
    return lines


def _answers(wizard: Wizard, numbers: dict[str, int], tr: gettext.NullTranslations) -> list[str]:
    """The answers to the step checks and the review questions: after everything, so that a reader can
    answer first."""
    _ = tr.gettext
    asked: list[tuple[str, QuizSpec]] = [(_("Step {number}").format(number=numbers[s.id]), s.quiz)
                                         for s in wizard.steps if s.quiz]
    asked += [(_("Q{number}").format(number=n), q) for n, q in enumerate(wizard.review, 1)]
    if not asked:
        return []
    lines = [_("## Answers"), ""]
    for label, quiz in asked:
        right = "; ".join(f"{i + 1}. {_oneline(quiz.options[i].text)}" for i in quiz.correct)
        lines.append(f"- **{label}:** {right}")
        if quiz.explanation:
            lines.append("  " + _oneline(quiz.explanation))
    return [*lines, ""]


def _step(n: int, step: Step, numbers: dict[str, int], text: Callable[[str], str],
          raw: Callable[[str], str], tr: gettext.NullTranslations) -> list[str]:
    _ = tr.gettext
    lines = [f"### {n}. {text(step.title)}", ""]
    if step.when:
        lines += [_("*Only when: `{condition}`*").format(condition=step.when), ""]
    if step.explain:
        lines += [text(step.explain).strip(), ""]
    for item in step.checklist or ():
        lines.append(f"- [ ] {text(item)}")
    if step.checklist:
        lines.append("")
    for option in step.choice or ():
        lines.append(_("- **{option}** → go to step {number}").format(option=text(option.label),
                                                                     number=numbers[option.goto]))
    if step.choice:
        lines.append("")
    if step.quiz:
        lines += [_("**Check yourself:** {question}").format(question=_oneline(step.quiz.question)), "",
                  *_options(step.quiz, tr), "", _("*The answer is at the end.*"), ""]
    if step.do:
        lines.append(_("Wayguide can do this for you:"))
        lines += [f"{i}. {describe_action(a, raw, tr)}" for i, a in enumerate(step.do, 1)]
        lines.append("")
    if step.until:
        done = templating.markdown_literal(describe_condition(step.until, tr=tr))
        lines += [_("*Done when: {condition}.*").format(condition=done), ""]
    if step.why:
        lines += [_("> **Why?** {why}").format(why=text(step.why).strip().replace("\n", "\n> ")), ""]
    return lines
