"""Safe YAML reading that keeps where every value came from, with hard limits on size and expansion."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.format.diagnostics import quote
from app.format.files import NotRegularFile, read_regular

__all__ = [
    "MAX_BYTES", "MAX_DEPTH", "MAX_INT", "MAX_NODES", "KeyPath", "Located", "SourceError", "parse_yaml",
    "read_bytes",
]

MAX_BYTES = 512 * 1024
"""Largest wizard file read; a real wizard is a few KiB."""
MAX_NODES = 20_000
"""Most values a document may expand to (counting every alias use): stops "billion laughs"."""
MAX_DEPTH = 64
MAX_INT = 2**63 - 1
"""Larger whole numbers are refused: no wizard needs one, and one of 4,300+ digits cannot even be
printed (int-to-text conversion is limited)."""

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_YAML = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_YAML + t for t in ("str", "int", "float", "bool", "null"))
_COLLECTION_TAGS = (_YAML + "seq", _YAML + "map")
_PLAIN_TAGS = (_STR, _INT, _FLOAT, _BOOL, _NULL)
"""The only scalar tags a value may have, written or resolved: no dates, binary, sets or objects."""


_BOOL_1_2 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
"""YAML 1.2's booleans, as editors read YAML: `yes`, `no`, `on`, `off` are text (`label: Yes` is "Yes")."""


def _implicit() -> dict[Any, list[tuple[str, Any]]]:
    """YAML 1.1's resolution of plain values, for text, numbers, booleans and null only, with YAML 1.2's
    booleans (only true and false): a plain date (`version: 2024-02-30`) stays text, and `=`, `<<`,
    `!`... are text too (merge keys are refused where keys are read)."""
    kept = {_INT, _FLOAT, _BOOL, _NULL, _YAML + "merge"}
    table: dict[Any, list[tuple[str, Any]]] = {}
    for first, pairs in _Base.yaml_implicit_resolvers.items():
        pairs = [(tag, _BOOL_1_2 if tag == _BOOL else regexp) for tag, regexp in pairs if tag in kept
                 and (tag != _BOOL or first in ("t", "T", "f", "F"))]
        if pairs:
            table[first] = pairs
    return table


class _Loader(_Base):  # type: ignore[misc]
    """libyaml's safe loader, with YAML 1.1 tag resolution in fewer Python steps: it runs once per
    value and was a fifth of all loading time. Plain values resolve to str, int, float, bool or null
    only (no path resolvers)."""

    yaml_implicit_resolvers = _implicit()
    _wildcard = tuple(yaml_implicit_resolvers.get(None, ()))

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in (*self.yaml_implicit_resolvers.get(value[:1], ()), *self._wildcard):
                    if regexp.match(value):
                        return str(tag)
            return str(self.DEFAULT_SCALAR_TAG)
        return str(self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_MAPPING_TAG)

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


_constructor = SafeConstructor()
_scalar: dict[str, Callable[[SafeConstructor, ScalarNode], Any]] = {
    tag: SafeConstructor.yaml_constructors[tag] for tag in (_INT, _FLOAT, _BOOL, _NULL)
}
_EXPECTED = {_INT: "a whole number", _FLOAT: "a number", _BOOL: "true or false", _NULL: "null"}


def _tag_name(tag: str) -> str:
    return quote("!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag, 60).strip("'\"")


KeyPath = tuple[str | int, ...]
"""Where a value sits in a YAML document: the keys and list indexes from its root, e.g. ("steps", 2, "do")."""


class SourceError(Exception):
    """The file cannot be read as one YAML document."""

    def __init__(self, message: str, line: int = 1, col: int = 1, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.col, self.hint = message, line, col, hint


@dataclass
class Located:
    """A document's plain data and its YAML node tree, which knows where every value came from."""

    data: Any
    text: str
    root: Node | None = None

    def _walk(self, path: KeyPath) -> tuple[Node | None, Node | None]:
        """(key node, value node) at `path`, or at its deepest existing ancestor."""
        key: Node | None = None
        node = self.root
        for part in path:
            if isinstance(node, MappingNode):
                found = next(((k, v) for k, v in node.value if k.value == part), None)
                if found is None:
                    break
                key, node = found
            elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
                key, node = None, node.value[part]
            else:
                break
        return key, node

    def position(self, path: KeyPath, key: bool = False) -> tuple[int, int]:
        """Position (line, col; 1-based) of the value, or key, at `path`, else of its nearest ancestor."""
        key_node, node = self._walk(path)
        mark = (key_node if key and key_node is not None and self._exists(path) else node)
        if mark is None:
            return 1, 1
        return mark.start_mark.line + 1, mark.start_mark.column + 1

    def _exists(self, path: KeyPath) -> bool:
        data = self.data
        for part in path:
            if isinstance(data, dict) and part in data:
                data = data[part]
            elif isinstance(data, list) and isinstance(part, int) and part < len(data):
                data = data[part]
            else:
                return False
        return True

    def style(self, path: KeyPath) -> str | None:
        """'|' or '>' for block scalars, a quote for quoted ones, None for plain ones."""
        _, node = self._walk(path)
        return node.style if isinstance(node, ScalarNode) else None


def read_bytes(path: Path) -> bytes:
    """The bytes of a wizard file, refusing large files before reading them, and anything that is
    not a regular file (a FIFO, a device) without opening it."""
    try:
        st = os.stat(path)
        size = st.st_size
        if size > MAX_BYTES and stat.S_ISREG(st.st_mode):
            raise SourceError(
                f"file is too large ({size // 1024} KiB; the limit is {MAX_BYTES // 1024} KiB)",
                hint="split it into several wizards",
            )
        raw = read_regular(path, MAX_BYTES)
    except NotRegularFile as exc:
        raise SourceError(f"cannot read: {exc.strerror}", hint="a wizard is a regular file") from None
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:  # grew while we looked
        raise SourceError(f"file is too large (the limit is {MAX_BYTES // 1024} KiB)")
    return raw


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
        message, hint = _syntax_sentence(exc)
        if mark is None:
            raise SourceError(message) from None
        raise SourceError(message, mark.line + 1, mark.column + 1, hint) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (position: in bytes)
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "replace")
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise SourceError(f"character {quote(character)} (U+{ord(character):04X}) is not allowed in YAML",
                          line, col, "remove it, or write it as an escape in double quotes") from None
    except yaml.YAMLError as exc:
        raise SourceError(f"YAML: {exc}") from None
    if node is None:
        raise SourceError("file is empty", hint="a wizard starts with 'wayguide: 1'")
    return Located(_Builder().build(node, 0), text, node)


def _check_tabs(text: str) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            raise SourceError(
                "YAML syntax: a tab is used for indentation", number, len(line) - len(stripped) + 1,
                "indent with spaces",
            )


def _syntax_sentence(exc: yaml.MarkedYAMLError) -> tuple[str, str | None]:
    """What went wrong, said for someone new to YAML, and what to do about it."""
    problem, context = str(exc.problem or ""), str(exc.context or "")
    raw = f"YAML syntax: {exc.problem or exc.context or 'invalid YAML'}"
    if "expected <block end>" in problem or "did not find expected key" in problem \
            or "did not find expected '-' indicator" in problem:
        return ("this line is indented differently from the lines it belongs with",
                "the items of one list, and the keys of one mapping, start at the same column; indent with "
                "spaces, two more than the key they belong to")
    if "mapping values are not allowed" in problem:
        return ("a ': ' where YAML does not expect a new key",
                "indent the line like the keys around it, or quote text that contains ': '")
    if "could not find expected ':'" in problem:
        return "a key without ':' after it", "write 'key: value', or quote text that spans lines"
    if "cannot start any token" in problem:
        return raw, "quote text that starts with @, ` or %"
    if "found character '\\t'" in problem:
        return raw, "indent with spaces"
    if "expected a single document" in context:
        return raw, "one wizard per file"
    return raw, None


def _unsupported(node: Node) -> SourceError:
    return SourceError(
        f"unsupported YAML tag {_tag_name(node.tag)}", node.start_mark.line + 1, node.start_mark.column + 1,
        "only text, numbers, true/false, null, lists and mappings; quote the value to keep it as text",
    )


def _scalar_value(node: ScalarNode) -> Any:
    """A plain value: text, or a number, boolean or null when it reads as one (or is tagged so)."""
    if node.tag == _STR or node.tag == _YAML + "merge":  # a merge key is refused by _mapping
        return node.value
    fn = _scalar.get(node.tag)
    if fn is None:
        raise _unsupported(node)
    try:
        value = fn(_constructor, node)
        if node.tag == _INT and not -MAX_INT <= value <= MAX_INT:
            raise SourceError(
                f"{quote(node.value)} is too large a number", node.start_mark.line + 1,
                node.start_mark.column + 1, "quote it to keep it as text",
            )
        return value
    except (ValueError, KeyError, TypeError, OverflowError) as exc:
        too_long = "digits" in str(exc)
        raise SourceError(
            f"{quote(node.value)} is not {_EXPECTED[node.tag]}"
            + (" (too many digits)" if too_long else ""),
            node.start_mark.line + 1, node.start_mark.column + 1,
            "no wizard needs a number this long" if too_long
            else f"remove the tag {_tag_name(node.tag)}, or quote the value to keep it as text",
        ) from None


class _Builder:
    def __init__(self) -> None:
        self.count = 0

    def build(self, node: Node, depth: int) -> Any:
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
        if isinstance(node, ScalarNode):
            return _scalar_value(node)
        if node.tag not in _COLLECTION_TAGS:
            raise _unsupported(node)
        if isinstance(node, SequenceNode):
            return [self.build(item, depth + 1) for item in node.value]
        if isinstance(node, MappingNode):
            return self._mapping(node, depth)
        raise SourceError("unsupported YAML node", node.start_mark.line + 1)

    def _mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise SourceError("merge keys (<<) are not supported", line, col,
                                  "write the keys out")
            if isinstance(key_node, MappingNode) and isinstance(value_node, ScalarNode) \
                    and value_node.tag == _NULL and len(node.value) == 1:  # what `x: {{ … }}` reads as
                raise SourceError("a value starting with '{{' is read by YAML as a mapping", line, col,
                                  'quote the whole value: "{{ inputs.name }}"')
            if not isinstance(key_node, ScalarNode):
                raise SourceError("a key must be plain text", line, col, "quote the key")
            if key_node.tag not in _PLAIN_TAGS:
                raise _unsupported(key_node)
            key = str(key_node.value)
            if key in result:
                raise SourceError(f"duplicate key {quote(key)}", line, col,
                                  f"first given at line {lines[key]}")
            lines[key] = line
            result[key] = self.build(value_node, depth + 1)
        return result
