"""The building blocks of the wizard format: ids, the strict base model, and the markers that say how a
text is read (a template; a text a wizard may give in several languages)."""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, TypeAlias, get_args, get_origin

from pydantic import BaseModel, ConfigDict, StringConstraints, WithJsonSchema

__all__ = [
    "EXPRESSION",
    "LANGUAGE_TAG",
    "TEMPLATE",
    "TRANSLATED",
    "LocalTemplate",
    "LocalText",
    "LocalWords",
    "StepId",
    "Strict",
    "Template",
    "WizardId",
]

WIZARD_ID = r"^[a-z0-9]+([.-][a-z0-9]+)*$"
STEP_ID = r"^[a-z0-9]+([._-][a-z0-9]+)*$"
INPUT_NAME = r"^[a-z_][a-z0-9_]*$"
LANGUAGE_TAG = r"^[a-z]{2,3}([-_]([A-Za-z]{2}|[0-9]{3}))?$"
"""A language, and maybe its region: "nl", "de", "nl-BE" (or nl_BE, as locales write it)."""


class _Marker:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


TEMPLATE = _Marker("TEMPLATE")
"""Marks a string field as Markdown/text with Jinja2 expressions."""
TRANSLATED = _Marker("TRANSLATED")
"""Marks a text a wizard may give in several languages: a string in the wizard's `language`, or a map of
language tag → string (`title: {en: Save the letter, nl: De brief opslaan}`); app/format/languages.py."""
EXPRESSION = "expression"


def _in_languages(value: dict[str, Any]) -> WithJsonSchema:
    """The JSON Schema of a translated field: the value itself, or a map of language tag → value."""
    return WithJsonSchema({"anyOf": [value, {
        "type": "object", "minProperties": 1, "propertyNames": {"pattern": LANGUAGE_TAG},
        "additionalProperties": value}]})


Template: TypeAlias = Annotated[str, TEMPLATE]
"""Text with Jinja2 expressions ({{ inputs.name }})."""
LocalText: TypeAlias = Annotated[str, TRANSLATED, _in_languages({"type": "string"})]
"""Text taken as written, in one language or several."""
LocalTemplate: TypeAlias = Annotated[str, TEMPLATE, TRANSLATED, _in_languages({"type": "string"})]
"""Text with Jinja2 expressions, in one language or several."""
LocalWords: TypeAlias = Annotated[list[str], TRANSLATED, _in_languages(
    {"type": "array", "items": {"type": "string"}})]
"""Words (search tags), for every language or per language."""

WizardId = Annotated[str, StringConstraints(pattern=WIZARD_ID, max_length=100)]
StepId = Annotated[str, StringConstraints(pattern=STEP_ID, max_length=100)]


class Strict(BaseModel):
    """Base of every part of the format: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside an annotation (through Annotated, unions, Optional)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return unwrap(get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in get_args(annotation) for t in unwrap(arg)]
    return [annotation]
