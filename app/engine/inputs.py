"""A wizard's inputs as the person gives them: defaults applied, each value checked."""

from __future__ import annotations

import gettext
from collections.abc import Mapping

from app.engine.state import InputValue
from app.format import templating
from app.format.model import Input, Wizard
from app.format.wording import ENGLISH


def validate_inputs(wizard: Wizard, values: Mapping[str, str],
                    tr: gettext.NullTranslations = ENGLISH) -> tuple[tuple[InputValue, ...], dict[str, str]]:
    """The valid values (defaults applied) and a message per invalid field, in the language of `tr`."""
    unknown = tr.gettext("Not an input of this wizard.")
    errors = {name: unknown for name in values if wizard.input(name) is None}
    kept: list[InputValue] = []
    for spec in wizard.inputs:
        raw = values.get(spec.name, "")
        if not raw.strip() and spec.default is not None:
            raw = str(spec.default)
        if not raw.strip():
            if spec.required:
                errors[spec.name] = tr.gettext("Required.")
            continue
        problem = input_problem(spec, raw, tr)
        if problem:
            errors[spec.name] = problem
        else:
            kept.append(InputValue(spec.name, raw, spec.type == "secret"))
    return tuple(kept), errors


def input_problem(spec: Input, raw: str, tr: gettext.NullTranslations = ENGLISH) -> str | None:
    if spec.type == "number":
        try:
            templating.EnteredNumber(raw)
        except ValueError:
            return tr.gettext("'{value}' is not a number.").format(value=raw)
    if spec.type == "choice" and raw not in (spec.choices or []):
        return tr.gettext("'{value}' is not one of: {choices}.").format(value=raw,
                                                                        choices=", ".join(spec.choices or []))
    return None
