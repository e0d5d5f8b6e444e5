"""`wayguide validate --format text|json|github`: the same problems for people, scripts and CI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.cli.validate import github_data, github_property, render
from app.format.diagnostics import Diagnostic
from tests.unit.cli_support import isolate, run

BAD = "wayguide: 1\nid: bad\ntitel: x\n"
WARN = "wayguide: 1\nid: warn\ntitle: W\nmodes: [black]\nsteps: [{id: a, title: A}]\n"
COMMAND = re.compile(r"^::(error|warning|notice) file=([^:,\r\n]*),line=(\d+),col=(\d+)::([^\r\n]*)$")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(tmp_path, monkeypatch)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with one error-laden wizard and one with a warning."""
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / "bad.yaml").write_text(BAD)
    (folder / "warn.yaml").write_text(WARN)
    return folder


def unescape(text: str) -> str:
    return (text.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r")
            .replace("%25", "%"))


def test_text_is_the_default_one_line_per_problem(folder: Path) -> None:
    bad, warn = folder / "bad.yaml", folder / "warn.yaml"
    expected = [
        f"{bad}:1:1: error: missing required key 'title'",
        f"{bad}:1:1: error: missing required key 'steps'",
        f"{bad}:3:1: error: unknown key 'titel' (did you mean 'title'?)",
        f"{warn}:4:8: warning: black box does nothing here: no step has 'do'",
    ]
    for argv in ([], ["--format", "text"]):
        code, out, err = run("validate", str(folder), *argv)
        assert (code, out.splitlines(), err) == (1, expected, "2 files: 3 errors, 1 warning\n")


def test_json_is_an_array_of_problems(folder: Path) -> None:
    code, out, err = run("validate", str(folder), "--format", "json")
    rows = json.loads(out)
    assert code == 1 and err == "2 files: 3 errors, 1 warning\n"
    assert rows[2] == {"file": str(folder / "bad.yaml"), "line": 3, "col": 1, "severity": "error",
                       "message": "unknown key 'titel'", "hint": "did you mean 'title'?"}
    assert rows[3] == {"file": str(folder / "warn.yaml"), "line": 4, "col": 8, "severity": "warning",
                       "message": "black box does nothing here: no step has 'do'", "hint": None}
    assert [r["severity"] for r in rows] == ["error", "error", "error", "warning"]


def test_json_quiet_keeps_errors_only_and_a_clean_library_is_an_empty_array(folder: Path) -> None:
    code, out, _ = run("validate", str(folder), "--format", "json", "-q")
    assert code == 1 and {r["severity"] for r in json.loads(out)} == {"error"}
    (folder / "bad.yaml").unlink()
    (folder / "warn.yaml").unlink()
    code, out, _ = run("validate", str(folder), "--format", "json")
    assert (code, json.loads(out)) == (0, [])


def test_github_is_one_workflow_command_per_problem(folder: Path) -> None:
    code, out, _ = run("validate", str(folder), "--format", "github")
    bad = github_property(str(folder / "bad.yaml"))
    warn = github_property(str(folder / "warn.yaml"))
    assert code == 1
    assert out.splitlines() == [
        f"::error file={bad},line=1,col=1::missing required key 'title'",
        f"::error file={bad},line=1,col=1::missing required key 'steps'",
        f"::error file={bad},line=3,col=1::unknown key 'titel' (did you mean 'title'?)",
        f"::warning file={warn},line=4,col=8::black box does nothing here: no step has 'do'",
    ]


def test_github_warnings_alone_exit_0(folder: Path) -> None:
    (folder / "bad.yaml").unlink()
    code, out, _ = run("validate", str(folder), "--format", "github")
    assert code == 0 and out.startswith("::warning file=")


def test_a_missing_path_is_an_error_in_every_format(tmp_path: Path) -> None:
    nope = tmp_path / "no,pe.yaml"
    code, out, err = run("validate", str(nope))
    assert (code, out) == (1, "") and f"{nope}: error: no such file or folder\n" in err
    code, out, _ = run("validate", str(nope), "--format", "json")
    assert code == 1 and json.loads(out)[0] | {"hint": None} == {
        "file": str(nope), "line": 0, "col": 0, "severity": "error", "message": "no such file or folder",
        "hint": None}
    code, out, _ = run("validate", str(nope), "--format", "github")
    assert (code, out) == (1, f"::error file={github_property(str(nope))}::no such file or folder\n")


@pytest.mark.parametrize(("text", "data", "prop"), [
    ("plain", "plain", "plain"),
    ("50%", "50%25", "50%25"),
    ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
    ("x::error file=y::z", "x::error file=y::z", "x%3A%3Aerror file=y%3A%3Az"),
    ("a,line=9,b", "a,line=9,b", "a%2Cline=9%2Cb"),
    ("%0A", "%250A", "%250A"),  # an escape in the text is not taken for one
])
def test_github_escaping(text: str, data: str, prop: str) -> None:
    assert (github_data(text), github_property(text)) == (data, prop)
    assert unescape(prop) == text


def test_github_output_survives_hostile_names_and_messages() -> None:
    """Whatever the file name or message holds, each problem stays one command, its properties
    unbroken, and decodes back to what it says."""
    hostile = [
        Diagnostic("w/a,line=99::b\nc.yaml", 2, 3, "error", "bad::\n::error file=x::forged", "50% done\r"),
        Diagnostic("plain.yaml", 1, 1, "warning", "key 'a,b:c' ::", None),
        Diagnostic("n.yaml", 5, 6, "note", "overrides", "x"),
    ]
    lines = render(hostile, "github").split("\n")
    assert lines[-1] == "" and len(lines) == 4
    for line, item in zip(lines, hostile, strict=False):
        match = COMMAND.match(line)
        assert match, line
        level, file, row, col, message = match.groups()
        assert level == {"error": "error", "warning": "warning", "note": "notice"}[item.severity]
        assert (unescape(file), int(row), int(col)) == (item.path, item.line, item.col)
        assert unescape(message) == (f"{item.message} ({item.hint})" if item.hint else item.message)


def test_github_with_a_hostile_file_on_disk(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / "a,b::c\nd%0A.yaml").write_text(BAD)
    code, out, _ = run("validate", str(folder), "--format", "github")
    assert code == 1 and len(out.splitlines()) == 3
    for line in out.splitlines():
        match = COMMAND.match(line)
        assert match and unescape(match.group(2)).endswith("a,b::c\\nd%0A.yaml"), line
