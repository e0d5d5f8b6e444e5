"""The JSON Schema editors read (`wayguide schema`): draft-07 only, every wizard we ship valid under it,
snippets that make valid wizards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from app.format.model import ACTION_KINDS, FORMAT_VERSION, Step, Wizard, json_schema
from app.format.schema import DRAFT_07, DRAFT_2020_ONLY, draft07, fill_snippet, schema_id
from app.format.snippets import SNIPPETS
from app.format.source import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json_schema()
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def keys_in(node: Any, path: str = "#") -> Iterator[tuple[str, str]]:
    """Every mapping key anywhere in the document, with where it is (property names included: none of
    ours is spelled like a 2020 keyword, so the walk can be blunt and miss nothing)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, path
            yield from keys_in(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from keys_in(value, f"{path}/{i}")


def test_the_schema_is_draft_07_with_a_stable_id() -> None:
    assert SCHEMA["$schema"] == DRAFT_07 == "http://json-schema.org/draft-07/schema#"
    assert SCHEMA["$id"] == schema_id(FORMAT_VERSION) == "https://wayguide.invalid/schema/wizard-1.json"
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_no_draft_2020_keyword_remains() -> None:
    found = [f"{path}: {key}" for key, path in keys_in(SCHEMA) if key in DRAFT_2020_ONLY]
    assert found == [], "draft-07 editors ignore these: rewrite them in app/format/schema.py"


def test_every_ref_points_into_definitions_and_stands_alone() -> None:
    refs = []
    for key, path in keys_in(SCHEMA):
        if key == "$ref":
            node: Any = SCHEMA
            for part in path.split("/")[1:]:
                node = node[int(part)] if isinstance(node, list) else node[part]
            refs.append(node["$ref"])
            assert list(node) == ["$ref"], f"{path}: draft-07 ignores what stands beside a $ref"
    assert refs and all(r.startswith("#/definitions/") for r in refs)
    assert {r.removeprefix("#/definitions/") for r in refs} <= set(SCHEMA["definitions"])


def test_tuples_become_closed_item_lists() -> None:
    region = SCHEMA["definitions"]["Region"]["properties"]["region"]
    assert region["items"] == [{"type": "number"}] * 4
    assert region["additionalItems"] is False and region["minItems"] == region["maxItems"] == 4
    assert not VALIDATOR.is_valid(_wizard(target={"region": [0.1, 0.1, 0.5, 0.5, 0.5]}))
    assert not VALIDATOR.is_valid(_wizard(target={"region": [0.1, 0.1, 0.5]}))
    assert VALIDATOR.is_valid(_wizard(target={"region": [0.1, 0.1, 0.5, 0.5]}))


def test_the_rewrite_leaves_data_alone() -> None:
    """Property names and values (a default, an example) are not keywords, whatever they are spelled."""
    given = {"$defs": {"A": {"properties": {"prefixItems": {"default": {"$defs": 1}, "examples": [
        {"prefixItems": [1]}]}}}}, "properties": {"a": {"$ref": "#/$defs/A"}}}
    out = draft07(given, 1, "T", snippets={})
    assert out["definitions"]["A"]["properties"]["prefixItems"] == {
        "default": {"$defs": 1}, "examples": [{"prefixItems": [1]}]}
    assert out["properties"]["a"] == {"$ref": "#/definitions/A"}


@pytest.mark.parametrize("path", sorted((ROOT / "wizards").glob("*.y*ml")), ids=lambda p: p.name)
def test_every_bundled_wizard_is_valid_under_the_schema(path: Path) -> None:
    data = parse_yaml(path.read_bytes()).data  # read as the loader reads it: YAML 1.2 booleans
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)]
    assert errors == []


def test_the_schema_refuses_what_the_model_refuses() -> None:
    assert not VALIDATOR.is_valid(_wizard(titel="x"))
    assert not VALIDATOR.is_valid(_wizard(do=[{"tpye": "x"}]))
    assert not VALIDATOR.is_valid(_wizard(do=[{"type": "x", "keys": "ctrl+s"}]))
    assert not VALIDATOR.is_valid({**_wizard(), "wayguide": 2})


def _wizard(**step: Any) -> dict[str, Any]:
    return {"wayguide": 1, "id": "t", "title": "T", "steps": [{"id": "a", "title": "A", **step}]}


def test_there_are_snippets_for_a_wizard_a_step_and_each_action() -> None:
    assert SCHEMA["defaultSnippets"][0]["label"] == "New wizard"
    assert SCHEMA["definitions"]["Step"]["defaultSnippets"]
    with_snippets = {k for d in SCHEMA["definitions"].values() if "defaultSnippets" in d
                     for s in d["defaultSnippets"] for k in s["body"]}
    assert set(ACTION_KINDS) <= with_snippets


@pytest.mark.parametrize("where", sorted(SNIPPETS), ids=lambda w: w or "wizard")
def test_every_snippet_accepted_as_it_is_is_valid(where: str) -> None:
    for snippet in SNIPPETS[where]:
        body = fill_snippet(snippet["body"])
        if where == "":
            document = body
        elif where == "Step":
            document = _wizard(**body) | {"steps": [body]}
        else:
            document = _wizard(do=[body])
        assert VALIDATOR.is_valid(document), (snippet["label"], list(VALIDATOR.iter_errors(document)))
        wizard = Wizard.model_validate(document)  # and the model agrees
        assert isinstance(wizard.steps[0], Step)


def properties() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for part, definition in [("Wizard", SCHEMA), *SCHEMA["definitions"].items()]:
        for key, prop in definition.get("properties", {}).items():
            yield part, key, prop


def test_every_key_has_a_description_and_examples() -> None:
    bare = [f"{part}.{key}" for part, key, prop in properties()
            if not prop.get("description") or not prop.get("examples")]
    assert bare == [], "give each Field(description=..., examples=[...]) in app/format/model.py"


def test_every_example_is_valid_for_its_key() -> None:
    wrong = []
    for part, key, prop in properties():
        checker = jsonschema.Draft7Validator({**prop, "definitions": SCHEMA["definitions"]})
        wrong += [f"{part}.{key}: {example!r}" for example in prop["examples"]
                  if not checker.is_valid(example)]
    assert wrong == []


def test_the_readme_says_how_to_point_an_editor_at_the_schema() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert schema_id(FORMAT_VERSION) in readme
    assert "# yaml-language-server: $schema=/usr/share/wayguide/wizard.schema.json" in readme
    build = (ROOT / "packaging" / "build-deb").read_text(encoding="utf-8")
    assert '"$ROOT/resources/wizard.schema.json" "$stage/usr/share/wayguide/wizard.schema.json"' in build
