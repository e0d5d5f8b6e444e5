"""A wizard's inputs as the person gives them: defaults applied, each value checked."""

from __future__ import annotations

from collections.abc import Mapping

from app.engine.state import InputValue
from app.format import templating
from app.format.model import Input, Wizard


def validate_inputs(wizard: Wizard,
                    values: Mapping[str, str]) -> tuple[tuple[InputValue, ...], dict[str, str]]:
    """The valid values (defaults applied) and a message per invalid field."""
    errors = {name: "Not an input of this wizard." for name in values if wizard.input(name) is None}
    kept: list[InputValue] = []
    for spec in wizard.inputs:
        raw = values.get(spec.name, "")
        if not raw.strip() and spec.default is not None:
            raw = str(spec.default)
        if not raw.strip():
            if spec.required:
                errors[spec.name] = "Required."
            continue
        problem = input_problem(spec, raw)
        if problem:
            errors[spec.name] = problem
        else:
            kept.append(InputValue(spec.name, raw, spec.type == "secret"))
    return tuple(kept), errors


def input_problem(spec: Input, raw: str) -> str | None:
    if spec.type == "number":
        try:
            templating.EnteredNumber(raw)
        except ValueError:
            return f"'{raw}' is not a number."
    if spec.type == "choice" and raw not in (spec.choices or []):
        return f"'{raw}' is not one of: {', '.join(spec.choices or [])}."
    return None
