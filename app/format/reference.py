"""docs/format.md, written from the model: every key of every part of a wizard file with its type,
default, whether Jinja2 fills it in, what it means and an example (`wayguide schema --markdown`)."""

from __future__ import annotations

import json
import re
import types
import typing
from typing import Any, Literal, get_args, get_origin

import annotated_types
import yaml
from pydantic import BaseModel, StringConstraints
from pydantic.fields import FieldInfo

from app.format import filters, model
from app.format.languages import translated
from app.format.loader import field_marker
from app.format.schema import schema_id

__all__ = ["COMMAND", "markdown"]

COMMAND = "wayguide schema --markdown > docs/format.md"
"""What writes docs/format.md again after the model changed."""

_UNIONS: tuple[tuple[Any, str, str], ...] = (
    (model.Action, "Actions", "An action (in a step's `do`) is a mapping with exactly one of these keys."),
    (model.Condition, "Conditions", "A condition (a step's `until`, and inside `any` and `all`) is a mapping "
                                    "with exactly one of these keys; `element` may have `state`, `text` or "
                                    "`gone` beside it."),
    (model.Target, "Targets", "A step's `target` is one of these parts: a region of a window, or a control "
                              "(a mapping with `element`)."),
)
_COMBINED = (model.Action, model.Condition)
"""Unions documented as one table: each of their parts is named by its first key."""

_SCALARS = {str: "text", int: "integer", float: "number", bool: "`true` or `false`"}

_INTRO = """\
# The wizard format, version {version}

<!-- Generated from app/format/model.py: do not edit; after changing the model, run
     {command} -->

One wizard per YAML file. Files are read as editors read YAML: `yes`, `no`, `on` and `off` are text,
only `true` and `false` are booleans, and a value that starts with `{{{{` must be quoted.
Its JSON Schema, printed by `wayguide schema` (`$id`: `{schema_id}`), lets an
editor check and complete a file as you type: see "Writing wizards" in the README.

The **Jinja** column says how Wayguide reads a key's text: *template* is text in which `{{{{ … }}}}` is
filled in when the step is shown or done (`{{{{ inputs.NAME }}}}`, `today`, `now`, `user`,
`window.title`, `window.app`, `choices.STEP_ID`, `language`: the person's, e.g. `nl`; and the
[template filters](#template-filters)); *expression* is a Jinja2 expression itself, with or without
braces (`inputs.kind == 'travel'`). Any other text is taken as written: `{{{{` in it is an error.

A text marked **or one per language** can be given in several languages, as a map of language tag to
text: `title: {{en: Save the letter, nl: De brief opslaan}}` (`tags` as a map of lists). The map must
hold the wizard's `language` (default `en`); a person reading another language sees, for each text,
the first of their languages that has it (`nl-BE`, then `nl`), else the wizard's own language, and
the panel says so. `wayguide validate --lang nl` lists the texts that have no Dutch yet.
Examples are written as YAML.
"""

_FILTERS = """## Template filters

Besides Jinja's own filters (`upper`, `round`, `join`, …) a template has these. `money`, `number`,
`date` and `time` write a value as the person's language writes it (the language Wayguide speaks to
them, `language`), with the data of the Unicode CLDR, in the panel and in text Wayguide types alike
(CLDR's spaces included: `€ 1.234,50` has a no-break space). An empty value (an optional input left
empty) writes nothing; a value they cannot write (text that is not a number, a number given to `date`)
fails the step with one line saying so, never showing the value. `validate` checks their names and the
arguments written as literals; the job aid (`wayguide show`) shows an input's label in its place.

| Filter | Argument | Example | Writes |
| --- | --- | --- | --- |
{rows}
| `shell_quote` | | `{{{{ inputs.folder \\| shell_quote }}}}` | a value as one shell word, for text typed \
into a terminal |

Numbers are inputs of type `number`, whole or decimal numbers, and text written with digits and a point
(`1234.50`); amounts are rounded half away from zero (2.665 EUR → 2.67). Dates are `today`, `now` and
text written `2026-12-04`; times `now` and text written `17:30` or `2026-12-04T17:30`.

Without a currency, `money` writes the currency of the country the person's language names (`de-CH`:
Swiss francs) or, for a language alone, of the country CLDR finds most likely for it: `en` dollars
(USD), `nl` and `de` euros; `{fallback}` where a language has no country. That guess follows the reader,
not the amount: an amount whose currency is known (nearly always: a claim in euros stays in euros when
an English speaker reads it) should name it, `money('EUR')`.
"""


def markdown() -> str:
    """The reference of the wizard format, in Markdown."""
    sections = [_INTRO.format(version=model.FORMAT_VERSION, command=COMMAND,
                              schema_id=schema_id(model.FORMAT_VERSION))]
    for part in _parts():
        sections.append(_union(part) if isinstance(part, tuple) else _model(part))
    sections.append(_filters())
    return "\n".join(sections)


def _filters() -> str:
    """The filters a template has besides Jinja's: the language ones (app/format/filters.py)."""
    rows = ["| " + " | ".join(c.replace("|", "\\|") for c in (f"`{name}`", f"`{doc.argument}`",
                                                               f"`{doc.example}`", doc.text)) + " |"
            for name, doc in filters.FILTERS.items()]
    return _FILTERS.format(rows="\n".join(rows), fallback=filters.FALLBACK_CURRENCY)


def _parts() -> list[type[BaseModel] | tuple[Any, str, str]]:
    """The parts of a wizard in the order a reader meets them: breadth first from the file's top."""
    found: list[type[BaseModel] | tuple[Any, str, str]] = []
    queue: list[Any] = [model.Wizard]
    while queue:
        part = queue.pop(0)
        if part in found:
            continue
        found.append(part)
        # a union's members are in its table, or parts of their own (queued by _referenced)
        members = [part] if not isinstance(part, tuple) else _members(part[0]) if _combined(part) else []
        for cls in members:
            for name in cls.model_fields:
                queue.extend(p for p in _referenced(_annotation(cls, name)) if p not in found)
    return found


def _members(union: Any) -> list[type[BaseModel]]:
    return [get_args(tagged)[0] for tagged in get_args(get_args(union)[0])]


def _union_of(annotation: Any) -> tuple[Any, str, str] | None:
    return next((u for u in _UNIONS if annotation == u[0]), None)


def _combined(union: tuple[Any, str, str]) -> bool:
    return any(union[0] == c for c in _COMBINED)


def _referenced(annotation: Any) -> list[Any]:
    """The parts an annotation names: models, and the unions of `_UNIONS`."""
    union = _union_of(annotation)
    if union is not None:
        return [union] if _combined(union) else [union, *_members(union[0])]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [p for arg in get_args(annotation) for p in _referenced(arg)]


def _anchor(title: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")


_HEADER = "| Key | Type | Default | Jinja | Description | Example |\n| --- | --- | --- | --- | --- | --- |"


def _model(cls: type[BaseModel]) -> str:
    about = (cls.__doc__ or "").strip()
    unions = [u for u in _UNIONS if cls in _members(u[0])]
    if unions:
        about += f"{' ' if about else ''}One of the [{unions[0][1].lower()}](#{_anchor(unions[0][1])})."
    rows = [_row(cls, name) for name in cls.model_fields if name not in model.WRITTEN_BY_LOADER]
    return "\n".join([f"## {cls.__name__}\n", *([" ".join(about.split()) + "\n"] if about else []),
                      _HEADER, *rows]) + "\n"


def _union(union: tuple[Any, str, str]) -> str:
    _, title, about = union
    if not _combined(union):
        links = [f"- {_link(m)}" for m in _members(union[0])]
        return "\n".join([f"## {title}\n", about + "\n", *links]) + "\n"
    rows = [_row(cls, name, i > 0) for cls in _members(union[0]) for i, name in enumerate(cls.model_fields)]
    return "\n".join([f"## {title}\n", about + "\n", _HEADER, *rows]) + "\n"


def _annotation(cls: type[BaseModel], name: str) -> Any:
    """A field's annotation, its forward references (a condition holding conditions) resolved."""
    annotation = cls.model_fields[name].annotation
    if isinstance(annotation, typing.ForwardRef) or "ForwardRef" in repr(annotation):
        annotation = typing.get_type_hints(cls, vars(model), include_extras=True)[name]
    return annotation


def _row(cls: type[BaseModel], name: str, beside: bool = False) -> str:
    """A key's row; `beside`: a key that goes beside the first of its part (a condition's `state`)."""
    info = cls.model_fields[name]
    annotation = _annotation(cls, name)
    limits = _limits(info.metadata, annotation)
    key = f"`{info.alias or name}`"
    if beside:
        key += f" (beside `{next(iter(cls.model_fields))}`)"
    languages = ", or one per language" if translated(info) else ""
    cells = [key, _type(annotation) + (f", {limits}" if limits else "") + languages, _default(info),
             field_marker(info) or "", " ".join((info.description or "").split()),
             " · ".join(f"`{_yaml(e)}`" for e in info.examples or [])]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    return "" if value is None else f"`{_yaml(value)}`"


def _type(annotation: Any) -> str:
    union = _union_of(annotation)
    if union is not None:
        return f"[{union[1][:-1].lower()}](#{_anchor(union[1])})"
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = get_args(annotation)
        limits = _limits([m for m in meta if not isinstance(m, FieldInfo)]
                         + [x for m in meta if isinstance(m, FieldInfo) for x in m.metadata], base)
        return _type(base) + (f", {limits}" if limits else "")
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type(a) for a in get_args(annotation) if a is not type(None))
    if origin is list:
        return f"list of {_type(get_args(annotation)[0])}"
    if origin is tuple:
        return "[" + ", ".join(_type(a) for a in get_args(annotation)) + "]"
    if origin is Literal:
        return " or ".join(f"`{_yaml(a)}`" for a in get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _link(annotation)
    return _SCALARS.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _link(cls: type[BaseModel]) -> str:
    return f"[{cls.__name__}](#{_anchor(cls.__name__)})"


def _limits(metadata: list[Any], annotation: Any) -> str:
    """The bounds a value must keep (numbers, lengths, patterns), in words."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    unit = " items" if get_origin(annotation) is list else " characters" if annotation is str else ""
    said = []
    for m in metadata:
        if isinstance(m, annotated_types.Gt):
            said.append(f"> {m.gt}")
        elif isinstance(m, annotated_types.Ge):
            said.append(f"≥ {m.ge}")
        elif isinstance(m, annotated_types.Le):
            said.append(f"≤ {m.le}")
        elif isinstance(m, annotated_types.MinLen):
            said.append(f"at least {_count(m.min_length, unit)}")
        elif isinstance(m, annotated_types.MaxLen):
            said.append(f"at most {_count(m.max_length, unit)}")
        elif isinstance(m, StringConstraints):
            if m.pattern is not None:
                said.append(f"matching `{m.pattern}`")
            if m.max_length is not None:
                said.append(f"at most {m.max_length} characters")
    return ", ".join(said)


def _count(n: int, unit: str) -> str:
    return f"{n}{unit[:-1] if n == 1 else unit}"


def _yaml(value: Any) -> str:
    """A value as it is written in a wizard file: YAML, on one line."""
    if isinstance(value, tuple):
        value = list(value)
    text: str = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6,
                               sort_keys=False)
    text = text.removesuffix("\n...\n").removesuffix("\n")
    return json.dumps(value, ensure_ascii=False) if "\n" in text else text  # JSON is YAML, on one line
