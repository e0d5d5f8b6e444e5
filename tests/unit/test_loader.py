"""The loader: every kind of problem is one line pointing at the offending node."""

from __future__ import annotations

import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest

from app.format.loader import load_file
from app.format.source import MAX_BYTES

HEADER = "wayguide: 1\nid: t\ntitle: T\n"


def problems(tmp_path: Path, text: str, name: str = "w.yaml") -> list[str]:
    """Diagnostics of one file, without the path prefix."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = load_file(path)
    return [str(d).removeprefix(f"{path}:") for d in result.diagnostics]


CASES = [
    pytest.param(
        HEADER + "titel: x\nsteps: [{id: a, title: A}]\n",
        ["4:1: error: unknown key 'titel' (did you mean 'title'?)"],
        id="misspelt-top-key",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n    explian: x\n",
        ["7:5: error: unknown key 'explian' (did you mean 'explain'?)"],
        id="misspelt-step-key",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n    colour: red\n",
        ["7:5: error: unknown key 'colour' (allowed: id, title, explain, why, target, do, until,"
         " when, choice, checklist, quiz, next)"],
        id="unknown-key-lists-allowed",
    ),
    pytest.param(
        HEADER + "tags: letters\nsteps: [{id: a, title: A}]\n",
        ["4:7: error: 'tags': expected a valid list, got 'letters'"],
        id="wrong-type",
    ),
    pytest.param(
        HEADER + "modes: [glass, grey]\nsteps: [{id: a, title: A}]\n",
        ["4:16: error: expected 'glass' or 'black', got 'grey'"],
        id="wrong-literal-in-list",
    ),
    pytest.param(
        "wayguide: 1\nid: t\nsteps: [{id: a, title: A}]\n",
        ["1:1: error: missing required key 'title'"],
        id="missing-top-key",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    explain: x\n",
        ["5:5: error: missing required key 'title'"],
        id="missing-step-title",
    ),
    pytest.param(
        "wayguide: 2\nid: t\ntitle: T\nsteps: [{id: a, title: A}]\n",
        ["1:11: error: 'wayguide': expected 1, got 2"],
        id="wrong-format-version",
    ),
    pytest.param(
        "wayguide: 1\nid: Customer Letter\ntitle: T\nsteps: [{id: a, title: A}]\n",
        ["2:5: error: invalid id 'Customer Letter' (use lowercase letters and digits, "
         "separated by '.' or '-')"],
        id="invalid-wizard-id",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: Step One\n    title: A\n",
        ["5:9: error: invalid step id 'Step One' (use lowercase letters, digits, '.', '-', '_')"],
        id="invalid-step-id",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n  - id: b\n    title: B\n  - id: a\n    title: C\n",
        ["9:9: error: duplicate step id 'a' (first used at line 5)"],
        id="duplicate-step-id",
    ),
    pytest.param(
        HEADER + "inputs:\n  - {name: x, label: X}\n  - {name: x, label: Y}\nsteps: [{id: a, title: A}]\n",
        ["6:12: error: duplicate input name 'x' (first used at line 5)"],
        id="duplicate-input",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: ask\n    title: Q\n    choice:\n"
        "      - {label: 'Yes', goto: sav}\n      - {label: 'No', goto: save}\n"
        "  - id: save\n    title: S\n",
        ["8:30: error: goto 'sav': no such step (did you mean 'save'?)"],
        id="goto-unknown-step",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: ask\n    title: Q\n    choice:\n"
        "      - {label: 'Yes', goto: done}\n      - {label: 'No', goto: done}\n"
        "  - id: orphan\n    title: O\n  - id: done\n    title: D\n",
        ["10:5: warning: step 'orphan' can never be reached (a step after a choice is only "
         "reached through a goto)"],
        id="unreachable-step",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: 'Hello {{ inputs.name '\n",
        ["6:12: error: template syntax: unexpected end of template, expected 'end of print "
         "statement' (values are written {{ inputs.name }})"],
        id="jinja-syntax",
    ),
    pytest.param(
        HEADER + "inputs: [{name: customer, label: C}]\nsteps:\n  - id: a\n"
        "    title: A\n    explain: |\n      First line\n      Dear {{ inputs.custmer }},\n",
        ["10:22: error: 'inputs.custmer' is not an input of this wizard "
         "(did you mean 'inputs.customer'?)"],
        id="unknown-input-in-block-scalar",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: 'Hi {{ usr }}'\n",
        ["6:19: error: unknown name 'usr' in template (did you mean 'user'?)"],
        id="unknown-template-name",
    ),
    pytest.param(
        HEADER + "inputs: [{name: n, label: N, type: number}]\nsteps:\n"
        "  - id: a\n    title: A\n    when: n > 3\n",
        ["8:11: error: unknown name 'n' in template (write inputs.n)"],
        id="when-expression-name",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n    do:\n      - tpye: hello\n",
        ["8:9: error: unknown action 'tpye' (did you mean 'type'?)"],
        id="unknown-action",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n    do:\n      - type: hi\n        keys: ctrl+s\n",
        ["9:9: error: one action per list item: found 'type' and 'keys' "
         "(start a new item with '- keys:')"],
        id="two-actions-in-one-item",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n    until: {activ: {app: x}}\n",
        ["7:13: error: unknown condition 'activ' (did you mean 'active'?)"],
        id="unknown-condition",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n    do:\n      - wait: soon\n",
        ["8:15: error: 'wait': expected a number or a mapping, got 'soon'"],
        id="union-alternatives",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n    do:\n      - keys: ctrl+shft+s\n",
        ["8:15: error: 'shft' is not a modifier (use ctrl, alt, shift, super)"],
        id="bad-key-combo",
    ),
    pytest.param(
        HEADER + "when:\n  - title: 're:(unclosed'\nsteps: [{id: a, title: A}]\n",
        ["5:12: error: invalid regular expression: missing ), unterminated subpattern at "
         "position 0"],
        id="bad-regex",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n    target: {region: [0.5, 0.5, 0.8, 0.2]}\n",
        ["7:22: error: region reaches outside the window (x + width and y + height ≤ 1)"],
        id="region-outside",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n    target: {region: [10, -4, 200, 40]}\n",
        ["7:22: error: region values are fractions of the window (0 to 1) or pixels, not negative"],
        id="region-negative",
    ),
    pytest.param(
        HEADER + "inputs:\n  - {name: p, label: P, type: choice, choices: [a, b], default: c}\n"
        "steps: [{id: a, title: A}]\n",
        ["5:5: error: default 'c' is not one of the choices"],
        id="choice-default",
    ),
    pytest.param(
        HEADER + "modes: [black]\nsteps: [{id: a, title: A}]\n",
        ["4:8: warning: black box does nothing here: no step has 'do'"],
        id="black-without-do",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n    do: [{wait: 1}, {keys: ctrl+v}, {type: x}]\n",
        ["7:28: warning: 'keys' before any 'focus' in a wizard with no 'when': its keys go to whatever "
         "window is in front (add 'when:' naming the application, or a 'focus' action first)"],
        id="keys-before-focus-without-when",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n    do: [{focus: {app: mousepad}}, {type: x}]\n",
        [], id="focus-before-typing",
    ),
    pytest.param(
        HEADER + "when: [{app: mousepad}]\nsteps:\n  - id: a\n    title: A\n    do: [{paste: x}]\n",
        [], id="typing-in-a-wizard-with-when",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A\n    title: B\n",
        ["7:5: error: duplicate key 'title' (first given at line 6)"],
        id="duplicate-yaml-key",
    ),
    pytest.param(
        HEADER + "steps:\n  - id: a\n    title: A: B\n",
        ["6:13: error: a ': ' where YAML does not expect a new key (indent the line like the keys around "
         "it, or quote text that contains ': ')"],
        id="yaml-syntax",
    ),
    pytest.param(
        HEADER + "steps:\n\t- id: a\n",
        ["5:1: error: YAML syntax: a tab is used for indentation (indent with spaces)"],
        id="tab-indent",
    ),
    pytest.param("", ["1:1: error: file is empty (a wizard starts with 'wayguide: 1')"], id="empty"),
    pytest.param("# only a comment\n\n",
                 ["1:1: error: file is empty (a wizard starts with 'wayguide: 1')"],
                 id="only-comments"),
    pytest.param("- a\n- b\n", ["1:1: error: a wizard file is a mapping of keys "
                                "(start with 'wayguide: 1')"], id="not-a-mapping"),
    pytest.param(
        HEADER + "steps: [{id: a, title: A}]\n---\nwayguide: 1\n",
        ["5:1: error: YAML syntax: but found another document (one wizard per file)"],
        id="two-documents",
    ),
    pytest.param(
        HEADER + "when: [{app: mousepad}]\nnudge: {every: weekly}\nsteps: [{id: a, title: A}]\n",
        ["5:16: error: 'weekly' is not an interval (write a number and m, h, d or w, e.g. 7d)"],
        id="nudge-bad-interval",
    ),
    pytest.param(
        HEADER + "when: [{app: mousepad}]\nnudge: {every: 30m}\nsteps: [{id: a, title: A}]\n",
        ["5:16: error: '30m' is shorter than an hour (a nudge shown more often would nag; e.g. 7d)"],
        id="nudge-too-often",
    ),
    pytest.param(
        HEADER + "when: [{app: mousepad}]\nnudge: true\nsteps: [{id: a, title: A}]\n",
        ["5:8: error: 'nudge': expected a mapping of keys, got True (write `nudge: {}` for once a week, "
         "or `nudge: {every: 14d}`)"],
        id="nudge-not-a-mapping",
    ),
    pytest.param(
        HEADER + "nudge: {}\nsteps: [{id: a, title: A}]\n",
        ["4:8: warning: 'nudge' never shows: the wizard has no 'when' (add 'when:' naming the application "
         "whose window suggests the task)"],
        id="nudge-without-when",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_each_problem_is_one_positioned_line(tmp_path: Path, text: str,
                                             expected: list[str]) -> None:
    assert problems(tmp_path, text) == expected


def test_deep_in_lists_points_at_that_action(tmp_path: Path) -> None:
    steps = "".join(f"  - id: s{i}\n    title: Step {i}\n" for i in range(1, 5))
    fifth = ("  - id: s5\n    title: Step 5\n    do:\n      - keys: ctrl+a\n"
             "      - type: hello\n      - click: {at: [0.5, 0.5], buton: left}\n")
    found = problems(tmp_path, HEADER + "steps:\n" + steps + fifth)
    # line 4 "steps:", 8 lines of steps 1-4, then s5 (13, 14), do (15), actions 16, 17, 18
    assert found == ["18:33: error: unknown key 'buton' (did you mean 'button'?)"]


def test_all_schema_problems_of_a_file_are_reported_together(tmp_path: Path) -> None:
    found = problems(tmp_path, HEADER + "titel: x\nsteps:\n  - id: a\n    tite: A\n")
    assert found == [
        "4:1: error: unknown key 'titel' (did you mean 'title'?)",
        "6:5: error: missing required key 'title'",
        "7:5: error: unknown key 'tite' (did you mean 'title'?)",
    ]


def test_non_utf8_points_at_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes((HEADER + "summary: Gr\xfc\xdfe\n").encode("latin-1"))
    [diagnostic] = load_file(path).diagnostics
    assert str(diagnostic) == (f"{path}:4:12: error: not UTF-8: byte 0xfc cannot be decoded "
                               "(save the file as UTF-8)")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "steps: [{id: a, title: Grüße}]\n").encode())
    result = load_file(path)
    assert result.ok and result.wizard is not None
    assert result.wizard.steps[0].title == "Grüße"


def test_alias_bomb_is_refused_fast_with_little_memory(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    path = tmp_path / "laughs.yaml"
    path.write_text(HEADER + "\n".join(lines) + "\nsteps: [{id: a, title: A}]\n")
    tracemalloc.start()
    started = time.perf_counter()
    result = load_file(path)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    [diagnostic] = result.diagnostics
    assert "document expands to more than 20000 values" in diagnostic.message
    assert "anchors and aliases" in (diagnostic.hint or "")
    # bounds, not timings: a naive expansion would take 10^10 values
    assert elapsed < 5 and peak < 50 * 1024 * 1024


def test_aliases_within_limits_work(tmp_path: Path) -> None:
    path = tmp_path / "anchors.yaml"
    path.write_text(HEADER + "when:\n  - &m {app: mousepad}\nsteps:\n  - id: a\n    title: A\n"
                    "    until: {active: *m}\n")
    result = load_file(path)
    assert result.ok, result.diagnostics


def test_very_large_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as stream:
        stream.truncate(200 * 1024 * 1024)  # sparse: 200 MB
    tracemalloc.start()
    result = load_file(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    [diagnostic] = result.diagnostics
    assert diagnostic.message == f"file is too large (204800 KiB; the limit is {MAX_BYTES // 1024} KiB)"
    assert (diagnostic.line, diagnostic.col) == (1, 1)
    assert peak < 5 * 1024 * 1024


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(HEADER + "tags: " + "[" * 100 + "]" * 100 + "\n")
    [diagnostic] = load_file(path).diagnostics
    assert diagnostic.message == "nested deeper than 64 levels"


def test_unsafe_tags_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text(HEADER + "summary: !!python/object/apply:os.system ['true']\n"
                    "steps: [{id: a, title: A}]\n")
    [diagnostic] = load_file(path).diagnostics
    assert diagnostic.message == "unsupported YAML tag !!python/object/apply:os.system"
    assert (diagnostic.line, diagnostic.col) == (4, 10)


def test_revision_is_version_or_digest(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    a.write_text(HEADER + "version: '2.1'\nsteps: [{id: a, title: A}]\n")
    b = tmp_path / "b.yaml"
    b.write_text(HEADER + "steps: [{id: a, title: A}]\n")
    assert load_file(a).revision == "2.1"
    assert len(load_file(b).revision) == 12


def test_importing_the_engine_or_the_model_loads_no_ui_input_or_x11_library() -> None:
    """What a fresh interpreter loads (the import contracts in pyproject.toml, run by scripts/test,
    hold every core package to this statically; this checks the running truth for the two that
    matter most)."""
    import subprocess
    import sys

    code = ("import sys, app.engine, app.format.model; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'shiboken6', 'pynput', 'Xlib', 'overlays') or m.startswith('app.platform')]; "
            "print(bad); raise SystemExit(bool(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# issue 11 (7): one odd value is one positioned error line, never a traceback

ODD_VALUES = [
    pytest.param("version: !!timestamp 2024-01-01", "7:10: error: unsupported YAML tag !!timestamp",
                 id="timestamp-tag"),
    pytest.param("version: !!binary aGVsbG8=", "7:10: error: unsupported YAML tag !!binary", id="binary-tag"),
    pytest.param("version: !!set {a}", "7:10: error: unsupported YAML tag !!set", id="set-tag"),
    pytest.param("version: !custom x", "7:10: error: unsupported YAML tag !custom", id="local-tag"),
    pytest.param("version: !!int abc", "7:10: error: 'abc' is not a whole number", id="int-tag-on-text"),
    pytest.param("version: !!float abc", "7:10: error: 'abc' is not a number", id="float-tag-on-text"),
    pytest.param("version: !!bool maybe", "7:10: error: 'maybe' is not true or false", id="bool-tag"),
    pytest.param("version: " + "1" * 4400, "7:10: error: '1111", id="4400-digits"),
    pytest.param("version: 0x" + "f" * 5000, "7:10: error: '0xfff", id="hex-of-6000-digits"),
    pytest.param("version: 9223372036854775808", "7:10: error: '9223372036854775808' is too large a number",
                 id="beyond-64-bits"),
    pytest.param("? !!binary YQ==\n: 1", "7:3: error: unsupported YAML tag !!binary", id="tagged-key"),
    pytest.param("version: a\x01b", "7:11: error: character '\\x01' (U+0001) is not allowed in YAML",
                 id="control-character"),
    pytest.param("summary: Müller\x7f", "7:16: error: character '\\x7f' (U+007F) is not allowed in YAML",
                 id="control-character-after-non-ascii"),
]

ODD_HEADER = HEADER + "steps:\n  - id: a\n    title: A\n"


@pytest.mark.parametrize(("line", "expected"), ODD_VALUES)
def test_odd_values_are_one_positioned_error(tmp_path: Path, line: str, expected: str) -> None:
    found = problems(tmp_path, ODD_HEADER + line + "\n")
    assert len(found) == 1 and found[0].startswith(expected), found
    assert "\n" not in found[0]


@pytest.mark.parametrize("value", ["2024-02-30", "2024-01-01", "2024-01-01 10:00:00", "=", "<<"])
def test_plain_dates_and_odd_words_stay_text(tmp_path: Path, value: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(ODD_HEADER + f"version: {value}\n")
    result = load_file(path)
    assert result.wizard is not None, [str(d) for d in result.diagnostics]
    assert result.wizard.version == value


@pytest.mark.parametrize("value", ["!!str 12", "!!int 12", "!!float 1.5", "!!bool true", "!!null ''"])
def test_standard_scalar_tags_are_allowed(tmp_path: Path, value: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(ODD_HEADER + f"summary: {value}\n")
    assert all(d.severity != "error" or "summary" in d.message for d in load_file(path).diagnostics)
    assert not any("tag" in d.message for d in load_file(path).diagnostics)


def test_quoted_file_content_cannot_forge_diagnostic_lines(tmp_path: Path) -> None:
    forged = "x\\nw.yaml:1:1: error: forged\\u202e"
    found = problems(tmp_path, HEADER + f'"{forged}": 1\n'
                     "inputs:\n  - {name: p, label: P, type: choice, choices: [a], default: \"b\\nforged\"}\n"
                     f'steps: [{{id: a, title: A, choice: [{{label: x, goto: "{forged}"}}]}}]\n')
    assert len(found) == 3
    for line in found:
        assert line.isprintable() and "\n" not in line, line
    assert "unknown key 'x\\nw.yaml:1:1: error: forged\\u202e'" in found[0]


BRANCHES = """\
wayguide: 1
id: t.branch
title: Branches
steps:
  - id: ask
    title: Reply or file it?
    choice:
      - {label: Reply, goto: reply}
      - {label: File it, goto: file}
  - {id: reply, title: Reply%s}
  - {id: file, title: File it}
  - {id: done, title: Done}
"""


def test_a_branch_running_into_another_option_s_branch_is_a_warning_until_next_says_where_it_goes(
        tmp_path: Path) -> None:
    assert problems(tmp_path, BRANCHES % "") == [
        "10:5: warning: after step 'reply' (the branch of “Reply” in 'ask') the run goes on into 'file', "
        "another option's branch (end the branch with `next: end`, or `next: STEP` where the branches meet)"]
    assert problems(tmp_path, BRANCHES % ", next: done") == []
    assert problems(tmp_path, BRANCHES % ", next: end") == []
    assert problems(tmp_path, BRANCHES % ", next: dnoe") == [
        "10:37: error: next 'dnoe': no such step (did you mean 'done'?)"]


def test_next_end_takes_the_name_end_from_steps(tmp_path: Path) -> None:
    text = BRANCHES.replace("{id: done, title: Done}", "{id: end, title: The end}") % ", next: end"
    assert problems(tmp_path, text) == [
        "12:10: error: step id 'end' is taken by `next: end` (rename the step: `next: end` finishes the run)"]


def test_a_when_in_braces_is_read_as_the_expression_inside(tmp_path: Path) -> None:
    def with_when(when: str) -> str:
        return (BRANCHES % ", next: done").replace("{id: file, title: File it}",
                                                     f"{{id: file, title: File it, when: \"{when}\"}}")

    assert problems(tmp_path, with_when("{{ choices.ask == 'File it' }}")) == []
    [line] = problems(tmp_path, with_when("{{ choices.ask == }}"))
    assert "expression syntax" in line and "a `when` is an expression" in line


def test_yes_and_no_are_text_as_editors_read_them_and_true_false_stay_booleans(tmp_path: Path) -> None:
    from app.format.loader import load_file

    path = tmp_path / "yes.yaml"
    path.write_text(textwrap.dedent("""\
        wayguide: 1
        id: t.yes
        title: Yes and no
        inputs:
          - {name: ok, label: Yes, type: choice, choices: [yes, no, on, off], required: true}
        steps:
          - id: ask
            title: Sure?
            choice:
              - {label: Yes, goto: ask}
              - {label: No, goto: ask}
        """), encoding="utf-8")
    wizard = load_file(path).wizard
    assert wizard is not None
    assert (wizard.inputs[0].label, wizard.inputs[0].choices, wizard.inputs[0].required) == (
        "Yes", ["yes", "no", "on", "off"], True)
    assert [o.label for o in wizard.steps[0].choice or ()] == ["Yes", "No"]


@pytest.mark.parametrize(("body", "expected"), [
    ("  - id: a\n   title: b\n",
     "7:4: error: this line is indented differently from the lines it belongs with (the items of one list, "
     "and the keys of one mapping, start at the same column; indent with spaces, two more than the key they "
     "belong to)"),
    ("  - id: a\n    title: b\n    do:\n      - type: {{ inputs.a }}\n",
     "9:16: error: a value starting with '{{' is read by YAML as a mapping (quote the whole value: "
     "\"{{ inputs.name }}\")"),
    ("  - id: a\n    title: b\n    until: {active: {title: '{{ inputs.a }}*'}}\n",
     "8:29: error: '{{' in 'title' is matched as written, never filled in (only texts, actions and a step's "
     "`when` take {{ … }}; match any value with a glob (*) or re: instead)"),
])
def test_a_newcomer_s_mistake_is_said_in_a_sentence_with_what_to_do(
        tmp_path: Path, body: str, expected: str) -> None:
    header = "wayguide: 1\nid: t.new\ntitle: New\ninputs: [{name: a, label: A}]\nsteps:\n"
    assert problems(tmp_path, header + body) == [expected]


@pytest.mark.parametrize(("nudge", "seconds"), [("", None), ("nudge: {}\n", 7 * 86400.0),
                                                ("nudge: {every: 36h}\n", 36 * 3600.0),
                                                ("nudge: {every: 2w}\n", 14 * 86400.0)])
def test_a_nudge_reaches_the_card_in_seconds(tmp_path: Path, nudge: str, seconds: float | None) -> None:
    from app.format.cards import Card

    path = tmp_path / "w.yaml"
    path.write_text(HEADER + "when: [{app: mousepad}]\n" + nudge + "steps: [{id: a, title: A}]\n",
                    encoding="utf-8")
    result = load_file(path)
    assert result.ok and result.card is not None and result.card.nudge == seconds
    assert Card.from_json(result.card.to_json()) == result.card
