"""Diagnostics are one line of printable text whatever a file puts into them (issue 11, 9)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.format.diagnostics import QUOTE_LIMIT, Diagnostic, one_line, quote
from app.format.loader import load_file

ANY_TEXT = st.text(st.characters(codec=None), max_size=200)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(ANY_TEXT, ANY_TEXT, st.none() | ANY_TEXT, ANY_TEXT)
def test_every_diagnostic_is_one_printable_line(path: str, message: str, hint: str | None,
                                                quoted: str) -> None:
    diagnostic = Diagnostic(path, 1, 1, "error", f"{message} {quote(quoted)}", hint)
    text = str(diagnostic)
    assert text.isprintable() and len(text.splitlines()) <= 1, repr(text)
    assert len(quote(quoted)) <= QUOTE_LIMIT


@settings(max_examples=300, deadline=None, derandomize=True)
@given(ANY_TEXT)
def test_one_line_keeps_printable_text_and_is_idempotent(text: str) -> None:
    once = one_line(text)
    assert once.isprintable() and one_line(once) == once
    if text.isprintable():
        assert once == text


def test_bidi_overrides_and_line_separators_are_escaped() -> None:
    assert quote("ab\u202ecd\u2028e\x1b[2J") == "'ab\\u202ecd\\u2028e\\x1b[2J'"
    assert quote("x" * 100) == "'" + "x" * 37 + "…'"
    assert str(Diagnostic("a\nb.yaml", 1, 2, "warning", "m\rn", "h\x00")) == (
        "a\\nb.yaml:1:2: warning: m\\rn (h\\x00)")


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=40), st.sampled_from([
    "{k}: 1", "id: {v}", "title: {v}", "modes: [{v}]", "when: [{{app: {v}}}]",
    "inputs: [{{name: a, label: A, type: choice, choices: [x], default: {v}}}]",
    "steps: [{{id: a, title: A, choice: [{{label: x, goto: {v}}}]}}]",
    "steps: [{{id: a, title: A, do: [{k}: 1]}}]", "steps: [{{id: {v}, title: A}}]"]))
def test_what_a_file_quotes_cannot_forge_lines(text: str, line: str) -> None:
    value = json.dumps(text)  # a YAML double-quoted string holding any character
    path = Path(tempfile.mkdtemp()) / "w.yaml"
    path.write_text("wayguide: 1\nid: t\ntitle: T\n" + line.format(k=value, v=value) + "\n", encoding="utf-8")
    for diagnostic in load_file(path).diagnostics:
        assert str(diagnostic).isprintable(), repr(str(diagnostic))
