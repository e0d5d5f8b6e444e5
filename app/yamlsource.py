"""Safe YAML reading that keeps where every value came from, with hard limits on size and expansion."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Located", "SourceError", "read_yaml"]

MAX_BYTES = 512 * 1024
"""Largest wizard file read; a real wizard is a few KiB."""
MAX_NODES = 20_000
"""Most values a document may expand to (counting every alias use): stops "billion laughs"."""
MAX_DEPTH = 64

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = SafeConstructor()
_scalar: dict[str, Callable[[SafeConstructor, ScalarNode], Any]] = {
    tag: fn
    for tag, fn in SafeConstructor.yaml_constructors.items()
    if tag is not None and not tag.endswith(("map", "seq", "omap", "pairs", "set"))
}

_COLLECTION_TAGS = ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")

Path_ = tuple[str | int, ...]


class SourceError(Exception):
    """The file cannot be read as one YAML document."""

    def __init__(self, message: str, line: int = 1, col: int = 1, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.col, self.hint = message, line, col, hint


@dataclass
class Located:
    """A document's plain data, plus the position (line, col; 1-based) of every value and key."""

    data: Any
    text: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    styles: dict[Path_, str | None] = field(default_factory=dict)

    def position(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Position of the value (or key) at `path`, else of its nearest ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))


def read_yaml(path: Path) -> Located:
    """Read one wizard file; raise SourceError with a position for anything wrong with it."""
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            raise SourceError(
                f"file is too large ({size // 1024} KiB; the limit is {MAX_BYTES // 1024} KiB)",
                hint="split it into several wizards",
            )
        with open(path, "rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:  # grew while we looked
        raise SourceError(f"file is too large (the limit is {MAX_BYTES // 1024} KiB)")
    return parse_yaml(raw)


def parse_yaml(raw: bytes) -> Located:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(
            f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded", line, col,
            "save the file as UTF-8",
        ) from None
    if "\t" in text:
        _check_tabs(text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = f"YAML syntax: {exc.problem or exc.context or 'invalid YAML'}"
        if mark is None:
            raise SourceError(message) from None
        raise SourceError(message, mark.line + 1, mark.column + 1, _syntax_hint(exc)) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"YAML: {exc}") from None
    if node is None:
        raise SourceError("file is empty", hint="a wizard starts with 'wayguide: 1'")
    located = Located(None, text)
    located.data = _Builder(located).build(node, (), 0)
    return located


def _check_tabs(text: str) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            raise SourceError(
                "YAML syntax: a tab is used for indentation", number, len(line) - len(stripped) + 1,
                "indent with spaces",
            )


def _syntax_hint(exc: yaml.MarkedYAMLError) -> str | None:
    problem = str(exc.problem or "")
    if "mapping values are not allowed" in problem:
        return "quote text that contains ': '"
    if "found character '\\t'" in problem:
        return "indent with spaces"
    if "expected a single document" in str(exc.context or ""):
        return "one wizard per file"
    return None


class _Builder:
    def __init__(self, located: Located) -> None:
        self.located = located
        self.count = 0

    def build(self, node: Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise SourceError(
                f"document expands to more than {MAX_NODES} values",
                node.start_mark.line + 1, node.start_mark.column + 1,
                "anchors and aliases (&, *) are expanded; a wizard never needs this many",
            )
        if depth > MAX_DEPTH:
            raise SourceError(
                f"nested deeper than {MAX_DEPTH} levels",
                node.start_mark.line + 1, node.start_mark.column + 1,
            )
        self.located.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, ScalarNode):
            self.located.styles[path] = node.style
            fn = _scalar.get(node.tag)
            if fn is None:
                raise SourceError(
                    f"unsupported YAML tag {node.tag}",
                    node.start_mark.line + 1, node.start_mark.column + 1,
                )
            return fn(_constructor, node)
        if not isinstance(node, ScalarNode) and node.tag not in _COLLECTION_TAGS:
            raise SourceError(
                f"unsupported YAML tag {node.tag}",
                node.start_mark.line + 1, node.start_mark.column + 1,
            )
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        raise SourceError("unsupported YAML node", node.start_mark.line + 1)

    def _mapping(self, node: MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise SourceError("merge keys (<<) are not supported", line, col,
                                  "write the keys out")
            if not isinstance(key_node, ScalarNode):
                raise SourceError("a key must be plain text", line, col)
            key = str(key_node.value)
            if key in result:
                first = self.located.keys[(*path, key)]
                raise SourceError(f"duplicate key '{key}'", line, col,
                                  f"first given at line {first[0]}")
            self.located.keys[(*path, key)] = (line, col)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result
