"""Jinja2 templates in wizard text: sandboxed, strict, typed text raw, panel text safe Markdown."""

from __future__ import annotations

import datetime as _dt
import getpass
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from app.format import bounds, filters
from app.format.filters import FilterError, Placeholder
from app.format.shell import shell_quote

if TYPE_CHECKING:  # imported when first needed: a library loaded from the cache never needs them
    from jinja2 import nodes
    from jinja2.sandbox import SandboxedEnvironment
    from markdown_it import MarkdownIt

__all__ = [
    "CONTEXT_NAMES",
    "EnteredNumber",
    "Placeholder",
    "TemplateProblem",
    "check_template",
    "evaluate",
    "markdown_literal",
    "markdown_to_html",
    "render_markdown",
    "render_text",
]

CONTEXT_NAMES: dict[str, str] = {
    "inputs": "the values given for the wizard's inputs: {{ inputs.NAME }}",
    "today": "today's date, e.g. {{ today }} → 2026-11-24; {{ today.strftime('%d %B %Y') }}",
    "now": "the current date and time",
    "user": "the person's login name",
    "window": "the window in front: {{ window.title }}, {{ window.app }}",
    "choices": "the option taken at each choice step so far, by step id: {{ choices.STEP_ID }} (its label)",
    "language": "the person's language, e.g. nl or de-AT; the filters money, number, date and time write "
                "for it",
}
"""Names a template may use besides Jinja's own; documented in the README."""

_TEMPLATE_START = re.compile(r"\{[{%#]")


class EnteredNumber(Decimal):
    """A number input: compares and computes as a number, renders as the person entered it."""

    _raw: str

    def __new__(cls, raw: str) -> EnteredNumber:
        text = raw.strip()
        try:
            value = super().__new__(cls, text.replace("_", ""))
        except InvalidOperation:
            raise ValueError(f"'{raw}' is not a number") from None
        if not value.is_finite():
            raise ValueError(f"'{raw}' is not a number")
        value._raw = text
        return value

    def __str__(self) -> str:
        return self._raw

    def __format__(self, spec: str, context: Any = None) -> str:
        return str(self) if not spec else Decimal(self).__format__(spec, context)


@lru_cache(maxsize=2)
def _env(markdown_values: bool) -> SandboxedEnvironment:
    from jinja2 import StrictUndefined

    env = bounds.bounded_environment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=_escape_markdown if markdown_values else None,
    )
    env.filters["shell_quote"] = shell_quote  # a value as one shell word (text typed into terminals)
    filters.install(env)  # money, number, date, time: as the context's `language` writes them
    return env


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~&])")


def markdown_literal(text: str) -> str:
    """`text` as Markdown that shows it as it is (a pattern's `*` stays a star, not emphasis)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _escape_markdown(value: Any) -> Any:
    """Values inserted into panel text are shown literally, never as markup."""
    if isinstance(value, str | EnteredNumber | int | float):
        return markdown_literal(str(value)).replace("\n", "  \n")
    return value


class TemplateProblem(Exception):
    """A template that cannot be parsed or rendered. `lineno` is within the template."""

    def __init__(self, message: str, lineno: int = 1, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.lineno = lineno
        self.hint = hint


def is_template(text: str) -> bool:
    return _TEMPLATE_START.search(text) is not None


def check_template(
    text: str, inputs: Mapping[str, object], expression: bool = False
) -> list[TemplateProblem]:
    """Syntax and names of one template; `inputs` are the names the wizard declares."""
    if not expression and not is_template(text):
        return []
    simple = _simple_names(text, expression)
    if simple is not None:  # the common case, checked without parsing
        return [problem for name, attr in simple
                for problem in _check_reference(name, attr, inputs, text)]
    problems = list(_check_parsed(text, tuple(inputs), expression))
    if problems or not bounds.trial_allowed():
        return problems
    return list(_trial_render(text, _samples(inputs), expression))


_SIMPLE_EXPR = re.compile(r"\{\{\s*([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?\s*\}\}")
_SIMPLE_WHOLE = re.compile(r"\s*([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?\s*")


def _simple_names(text: str, expression: bool) -> list[tuple[str, str | None]] | None:
    """Names used by a template made only of `{{ name }}` / `{{ name.attr }}`, else None."""
    if expression:
        whole = _SIMPLE_WHOLE.fullmatch(text)
        return [(whole.group(1), whole.group(2))] if whole else None
    if "{%" in text or "{#" in text:
        return None
    found = _SIMPLE_EXPR.findall(text)
    if text.count("{{") != len(found):
        return None
    return [(name, attr or None) for name, attr in found]


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _check_reference(name: str, attr: str | None, inputs: Mapping[str, object],
                     text: str) -> list[TemplateProblem]:
    if name not in CONTEXT_NAMES:
        return [TemplateProblem(f"unknown name '{name}' in template", _line_of(text, name),
                                _name_hint(name, inputs))]
    if name == "inputs" and attr is not None and attr not in inputs:
        return [TemplateProblem(f"'inputs.{attr}' is not an input of this wizard",
                                _line_of(text, f"inputs.{attr}"), _input_hint(attr, inputs))]
    return []


@lru_cache(maxsize=4096)
def _check_parsed(text: str, inputs: tuple[str, ...], expression: bool) -> tuple[TemplateProblem, ...]:
    from jinja2 import TemplateSyntaxError, nodes

    source = "{{ (" + unbraced(text) + ") }}" if expression else text
    try:
        tree = _env(False).parse(source)
    except TemplateSyntaxError as exc:
        message = (exc.message or "invalid template").rstrip(".")
        hint = ("a `when` is an expression, e.g. inputs.amount > 100 or choices.reply == 'Yes' (in braces "
                "or not)") if expression else "values are written {{ inputs.name }}"
        return (TemplateProblem(f"{'expression' if expression else 'template'} syntax: {message}",
                                exc.lineno or 1, hint),)
    problems: list[TemplateProblem] = []
    local_names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in CONTEXT_NAMES and name.name not in local_names:
            problems.append(TemplateProblem(
                f"unknown name '{name.name}' in template", name.lineno,
                _name_hint(name.name, dict.fromkeys(inputs)),
            ))
    problems.extend(_check_filters(tree))
    for ref, lineno in _input_refs(tree):
        if ref not in inputs:
            problems.append(TemplateProblem(
                f"'inputs.{ref}' is not an input of this wizard", lineno,
                _input_hint(ref, dict.fromkeys(inputs)),
            ))
    return tuple(problems)


def _check_filters(tree: nodes.Node) -> Iterator[TemplateProblem]:
    """Filters and tests the sandbox does not have, and wrong literal arguments of the language filters."""
    import difflib

    from jinja2 import nodes

    env = _env(False)
    unknown = object()
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        kind, known = ("filter", env.filters) if isinstance(node, nodes.Filter) else ("test", env.tests)
        name: str = node.name
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"did you mean '{close[0]}'?" if close else (
                f"e.g. {', '.join(filters.FILTERS)}, shell_quote, upper" if kind == "filter" else None)
            yield TemplateProblem(f"unknown {kind} '{name}'", node.lineno, hint)
        elif kind == "filter" and name in filters.FILTERS and node.dyn_args is None \
                and node.dyn_kwargs is None:
            args = [a.value if isinstance(a, nodes.Const) else unknown for a in node.args]
            keywords = {str(k.key): k.value.value if isinstance(k.value, nodes.Const) else unknown
                        for k in node.kwargs}
            for message, hint in filters.argument_problems(name, args, keywords, unknown):
                yield TemplateProblem(message, node.lineno, hint)


class _LimitProblem(TemplateProblem):
    """A template that went over a size or time bound (app.format.bounds)."""


def _limit_problem(exc: bounds.TemplateLimit) -> TemplateProblem:
    return _LimitProblem(exc.message, bounds.template_line(exc), exc.hint)


def _samples(inputs: Mapping[str, object]) -> tuple[tuple[str, str, str], ...]:
    """(name, type, sample value) of each input, for a trial render at validation."""
    samples = []
    for name, spec in inputs.items():
        kind = str(getattr(spec, "type", "text"))
        default = getattr(spec, "default", None)
        choices = getattr(spec, "choices", None) or []
        value = (str(default) if default is not None else choices[0] if choices
                 else "1" if kind == "number" else "sample")
        samples.append((name, kind, value))
    return tuple(samples)


@lru_cache(maxsize=4096)
def _trial_render(text: str, samples: tuple[tuple[str, str, str], ...],
                  expression: bool) -> tuple[TemplateProblem, ...]:
    """Render once with sample inputs under the same bounds as a run: a template that goes over
    a size or time bound with them is an error now rather than a failed step later. Other
    problems are left to the run, where the real values are known."""
    values: dict[str, Any] = {}
    for name, kind, value in samples:
        try:
            values[name] = EnteredNumber(value) if kind == "number" else value
        except ValueError:
            values[name] = value
    ctx = context(values, {"title": "Sample window", "app": "sample"})
    try:
        if expression:
            evaluate(text, ctx)
        else:
            render_text(text, ctx)
    except _LimitProblem as problem:
        return (problem,)
    except TemplateProblem:
        pass
    return ()


def _input_refs(tree: nodes.Node) -> Iterator[tuple[str, int]]:
    from jinja2 import nodes

    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        base = node.node  # type: ignore[attr-defined]
        if not (isinstance(base, nodes.Name) and base.name == "inputs"):
            continue
        if isinstance(node, nodes.Getattr):
            yield node.attr, node.lineno
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str):
            yield node.arg.value, node.lineno


def _name_hint(name: str, inputs: Mapping[str, object]) -> str:
    if name in inputs:
        return f"write inputs.{name}"
    import difflib

    close = difflib.get_close_matches(name, list(CONTEXT_NAMES), n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return "available: " + ", ".join(CONTEXT_NAMES)


def _input_hint(ref: str, inputs: Mapping[str, object]) -> str:
    import difflib

    close = difflib.get_close_matches(ref, list(inputs), n=1)
    if close:
        return f"did you mean 'inputs.{close[0]}'?"
    if not inputs:
        return "declare it under 'inputs:'"
    return "inputs: " + ", ".join(inputs)


def context(
    inputs: Mapping[str, Any],
    window: Mapping[str, str] | None = None,
    now: _dt.datetime | None = None,
    choices: Mapping[str, str] | None = None,
    language: str = "en",
) -> dict[str, Any]:
    """The names a template sees; `language` is the person's (a BCP 47 tag, e.g. "nl" or "de-AT")."""
    moment = now or _dt.datetime.now().astimezone()
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry
        user = ""
    return {
        "inputs": dict(inputs),
        "today": moment.date(),
        "now": moment,
        "user": user,
        "window": dict(window or {"title": "", "app": ""}),
        "choices": dict(choices or {}),
        "language": language,
    }


@lru_cache(maxsize=4096)
def _compiled(text: str, markdown_values: bool) -> Any:
    return _env(markdown_values).from_string(text)


def _render(text: str, ctx: Mapping[str, Any], markdown_values: bool) -> str:
    if not is_template(text):
        return text
    from jinja2 import TemplateSyntaxError

    try:
        template = _compiled(text, markdown_values)  # compiling is linear in the text: unbounded
        with bounds.time_limit():
            return str(template.render(ctx))
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"template syntax: {exc.message}", exc.lineno or 1) from None
    except bounds.TemplateLimit as exc:
        raise _limit_problem(exc) from None
    except FilterError as exc:  # a value a language filter cannot write
        raise TemplateProblem(exc.message, bounds.template_line(exc), exc.hint) from None
    except Exception as exc:  # undefined names, sandbox refusals, type errors in expressions
        raise TemplateProblem(str(exc)) from None


def render_text(text: str, ctx: Mapping[str, Any]) -> str:
    """Text that is typed, pasted or run: exactly what the template gives, no escaping."""
    return _render(text, ctx, markdown_values=False)


def render_markdown(text: str, ctx: Mapping[str, Any]) -> str:
    """Markdown for the panel; values are escaped so they show literally."""
    return _render(text, ctx, markdown_values=True)


def unbraced(expression: str) -> str:
    """An expression written as a template, "{{ inputs.amount > 100 }}", as the expression inside (as
    Ansible takes its `when`); anything else as it is."""
    inner = expression.strip()
    middle = inner[2:-2]
    if inner.startswith("{{") and inner.endswith("}}") and "{{" not in middle and "}}" not in middle:
        return middle.strip()
    return expression


def evaluate(expression: str, ctx: Mapping[str, Any]) -> Any:
    """Value of a Jinja expression (a step's `when`)."""
    from jinja2 import TemplateSyntaxError

    try:
        compiled = _env(False).compile_expression(unbraced(expression), undefined_to_none=False)
        with bounds.time_limit():
            return compiled(**ctx)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"expression syntax: {exc.message}", exc.lineno or 1) from None
    except bounds.TemplateLimit as exc:
        raise _limit_problem(exc) from None
    except FilterError as exc:
        raise TemplateProblem(exc.message, bounds.template_line(exc), exc.hint) from None
    except Exception as exc:
        raise TemplateProblem(str(exc)) from None


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt
    # commonmark without raw HTML: authors and values cannot inject markup.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def markdown_to_html(markdown: str) -> str:
    """Markdown → HTML for the panel; raw HTML is shown as text, unsafe links are dropped."""
    return str(_markdown().render(markdown))
