"""docs/format.md: the format's reference, written from the model and never stale."""

from __future__ import annotations

import io
import re
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from app.cli.main import main
from app.format import model
from app.format.reference import COMMAND, markdown

ROOT = Path(__file__).resolve().parents[2]
DOC = markdown()


def test_docs_format_md_is_current() -> None:
    stored = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    assert stored == DOC, f"docs/format.md is stale: run {COMMAND}"


def test_the_command_line_prints_it() -> None:
    out = io.StringIO()
    assert main(["schema", "--markdown"], out, io.StringIO()) == 0
    assert out.getvalue() == DOC
    assert COMMAND == "wayguide schema --markdown > docs/format.md"


def parts() -> set[type[BaseModel]]:
    """Every model class of the format, found from the top of a file."""
    found: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = [model.Wizard]
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            hints = typing.get_type_hints(cls, vars(model), include_extras=True)
            todo += [m for name in cls.model_fields for m in models_in(hints[name])]
    return found


def models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in models_in(arg)]


def test_every_key_of_every_part_has_a_row() -> None:
    every = parts()
    assert {model.ActiveCond, model.AnyCond, model.FocusAction, model.RunAction, model.FileSpec} <= every
    missing = []
    for cls in every:
        for name, info in cls.model_fields.items():
            if name in model.WRITTEN_BY_LOADER:  # no file writes it: no row
                assert f"| `{name}`" not in DOC
                continue
            key = f"| `{info.alias or name}`"
            said = info.description or ""
            if not any(line.startswith(key) and said in line for line in DOC.splitlines()):
                missing.append(f"{cls.__name__}.{name}")
    assert missing == []


def row(key: str, after: str) -> list[str]:
    lines = DOC[DOC.index(f"## {after}\n"):].splitlines()
    line = next(line for line in lines if line.startswith(f"| `{key}`"))
    return [cell.strip() for cell in line.strip("|").split(" | ")]


def test_a_row_says_type_default_jinja_description_and_example() -> None:
    assert row("title", "Step") == ["`title`", "text, or one per language", "required", "template",
                                    "What to do, in a few words.", "`Save the letter`"]
    assert row("when", "Step")[3] == "expression"
    assert row("id", "Step")[3] == ""  # taken as written
    assert row("timeout", "WaitSpec")[1:3] == ["number, > 0, ≤ 3600", "`10.0`"]
    assert row("do", "Step")[1] == "list of [action](#actions)"
    assert row("copy", "Actions")[0] == "`copy`"  # the key as written, not the attribute
    assert row("gone", "Conditions")[0] == "`gone` (beside `element`)"
    assert row("type", "Actions")[5] == '`"Dear {{ inputs.customer }},\\n"`'  # one line, YAML


def test_every_link_has_its_section() -> None:
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
               for h in re.findall(r"^## (.+)$", DOC, re.M)}
    links = set(re.findall(r"\]\(#([^)]+)\)", DOC))
    assert links and links <= anchors
