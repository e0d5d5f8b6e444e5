"""The JSON Schema editors read: pydantic's output (JSON Schema 2020-12) rewritten as draft-07, the
draft yaml-language-server (VS Code's YAML extension and others) speaks, with snippets for new files."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.format.snippets import SNIPPETS

__all__ = ["DRAFT_07", "DRAFT_2020_ONLY", "SCHEMA_ID", "draft07", "fill_snippet", "schema_id"]

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

SCHEMA_ID = "https://wayguide.invalid/schema/wizard-{version}.json"
"""The schema's `$id`, one per format version (`wizard-1.json`): a name, never fetched. It changes only
with the format's version, so an editor's settings and a copy of the file keep naming the same schema."""

DRAFT_2020_ONLY = frozenset({
    "prefixItems", "$defs", "dependentRequired", "dependentSchemas", "unevaluatedItems",
    "unevaluatedProperties", "$anchor", "$dynamicRef", "$dynamicAnchor",
})
"""Keywords draft-07 does not know: an editor would ignore them, and check less than it seems."""

# keywords whose value is a schema, a list of schemas, or a mapping of names to schemas
_ONE = ("additionalProperties", "additionalItems", "items", "not", "contains", "propertyNames", "if",
        "then", "else")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_NAMED = ("properties", "patternProperties", "$defs", "definitions")

_SNIPPET_FIELD = re.compile(r"\$\{\d+:([^}]*)\}|\$\d+")


def schema_id(version: int) -> str:
    """The `$id` of the schema of a format version."""
    return SCHEMA_ID.format(version=version)


def draft07(schema: dict[str, Any], version: int, title: str,
            snippets: Mapping[str, list[dict[str, Any]]] = SNIPPETS) -> dict[str, Any]:
    """`schema` (pydantic's, 2020-12) as a draft-07 document: `definitions` for `$defs`, tuples as `items`
    lists closed by `additionalItems: false`, a `$ref` with descriptions beside it wrapped in `allOf`
    (draft-07 ignores a `$ref`'s siblings), and `snippets` on the root ('') and the
    definitions they name."""
    document = _rewrite(schema)
    for name, offered in snippets.items():
        target = document if name == "" else document["definitions"][name]
        target["defaultSnippets"] = offered
    return {"$schema": DRAFT_07, "$id": schema_id(version), "title": title,
            **{k: v for k, v in document.items() if k not in ("$schema", "$id", "title")}}


def _rewrite(node: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            out[key] = value.replace("#/$defs/", "#/definitions/")
        elif key in _NAMED and isinstance(value, dict):
            out["definitions" if key == "$defs" else key] = {k: _rewrite(v) for k, v in value.items()}
        elif key in _MANY and isinstance(value, list):
            out["items" if key == "prefixItems" else key] = [_rewrite(v) for v in value]
        elif key in _ONE and isinstance(value, dict):
            out[key] = _rewrite(value)
        else:
            out[key] = value  # a keyword's value (default, examples, enum...) is data, kept as it is
    if "prefixItems" in node:
        out["additionalItems"] = False
        out.setdefault("minItems", len(node["prefixItems"]))
        out.setdefault("maxItems", len(node["prefixItems"]))
    if "$ref" in out and len(out) > 1:
        out = {"allOf": [{"$ref": out.pop("$ref")}], **out}
    return out


def fill_snippet(body: Any) -> Any:
    """A snippet's body with each placeholder (`${1:text}`, `$1`) replaced by its text: what a person
    gets when they accept it as it is."""
    if isinstance(body, str):
        return _SNIPPET_FIELD.sub(lambda m: m.group(1) or "", body)
    if isinstance(body, list):
        return [fill_snippet(v) for v in body]
    if isinstance(body, dict):
        return {k: fill_snippet(v) for k, v in body.items()}
    return body
