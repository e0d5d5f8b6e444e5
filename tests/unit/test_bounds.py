"""Template and regex bombs: refused at validation with one positioned line; at run time they end in
a clean problem, never a hang or a crash (issue 11, item 8)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.format import bounds
from app.format.loader import load_file
from app.format.matching import text_matches
from app.format.templating import TemplateProblem, context, evaluate, render_markdown, render_text

HEADER = "wayguide: 1\nid: t\ntitle: T\n"
HANG_GUARD_S = 60  # far above any bounded run, far below "hangs"


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "w.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return [str(d).removeprefix(f"{path}:") for d in load_file(path).diagnostics
            if "before any 'focus'" not in d.message]  # (typing without `when` or `focus`: test_loader)


TEMPLATE_BOMBS = [
    pytest.param("{{ ('a' * 10**9) | length }}", "'*' makes a value longer than 100000", id="mul"),
    pytest.param("{% for i in 'x' * 99999 %}{% for j in 'y' * 99999 %}{{ i }}{% endfor %}{% endfor %}",
                 "the template ", id="nested-loops-output"),  # too long or too slow: load decides
    pytest.param("{% for i in 'x' * 99999 %}{% for j in 'y' * 99999 %}{% endfor %}{% endfor %}",
                 "the template took longer than 0.25 s", id="nested-loops-silent"),
    pytest.param("{{ 'a'.center(10**9) }}", "'center' with a size over", id="center-method"),
    pytest.param("{{ 'a' | center(10**9) }}", "'center' with a size over", id="center-filter"),
    pytest.param("{{ '%*d' % (10**9, 1) }}", "'*' width is not allowed", id="percent-star"),
    pytest.param("{{ '{:>999999999}'.format(1) }}", "formatting makes a text longer", id="format-width"),
    pytest.param("{% set a = 'x' * 99999 %}{{ a ~ a }}", "the template makes a text longer", id="tilde"),
    pytest.param("{{ ('x' * 999) | replace('', 'y' * 999) }}", "'replace' makes a text", id="replace"),
    pytest.param("{{ (['y' * 99999] * 999) | join }}", "'join' makes a text", id="join"),
    pytest.param("{{ ('\\t' * 9999).expandtabs(99999) }}", "'expandtabs' makes a text", id="tabs"),
    pytest.param("{{ ('x' * 9999) | map('center', 99999) | list | length }}",
                 "makes more than 2000000 characters or items in all", id="many-large-values"),
    pytest.param("{{ 7 ** 20000 * 7 ** 20000 }}", "'*' makes a number with more than", id="int-mul"),
    pytest.param("{{ 10 ** (10 ** 6) }}", "'**' makes a number with more than", id="int-pow"),
]


@pytest.mark.parametrize(("template", "message"), TEMPLATE_BOMBS)
def test_template_bombs_are_errors_at_validation(tmp_path: Path, template: str, message: str) -> None:
    found = problems(tmp_path, HEADER + f"steps:\n  - id: a\n    title: A\n    do:\n"
                                        f"      - type: \"{template}\"\n")
    assert len(found) == 1, found
    assert found[0].startswith("8:") and ": error: " in found[0] and message in found[0], found
    assert "\n" not in found[0] and found[0].endswith(")")  # one line, with a hint


def test_bomb_in_a_block_points_at_its_line(tmp_path: Path) -> None:
    found = problems(tmp_path, HEADER + "steps:\n  - id: a\n    title: A\n    explain: |\n"
                                        "      Fine.\n      {{ 'a' * 10**9 }}\n")
    assert [f.split(": error: ")[0] for f in found] == ["9:14"]  # at the operator


def test_a_when_expression_bomb_is_an_error(tmp_path: Path) -> None:
    found = problems(tmp_path, HEADER + "steps:\n  - id: a\n    title: A\n"
                                        "    when: \"('a' * 10**9) | length > 1\"\n")
    assert len(found) == 1 and "'*' makes a value longer" in found[0], found


def test_ordinary_templates_still_validate_and_render(tmp_path: Path) -> None:
    template = ("{{ inputs.who | upper }} {{ '%05d' % 3 }} {{ '{:>4}'.format(inputs.who) }} "
                "{{ '-' * 20 }} {{ (inputs.n * 2) }} {{ ['a', 'b'] | join(', ') }} {{ 2 ** 64 }}")
    assert problems(tmp_path, HEADER + "inputs:\n  - {name: who, label: W}\n"
                    "  - {name: n, label: N, type: number}\nsteps:\n  - id: a\n    title: A\n"
                    f"    do:\n      - type: \"{template}\"\n") == []
    from app.format.templating import EnteredNumber

    text = render_text(template, context({"who": "ab", "n": EnteredNumber("21")}))
    assert text == f"AB 00003   ab {'-' * 20} 42 a, b {2 ** 64}"


@pytest.mark.parametrize(("template", "message"), TEMPLATE_BOMBS)
def test_template_bombs_are_clean_problems_at_run_time(template: str, message: str) -> None:
    for render in (render_text, render_markdown):
        with pytest.raises(TemplateProblem) as caught:
            render(template, context({}))
        assert message in caught.value.message and caught.value.hint


def test_a_bomb_in_a_when_expression_is_a_clean_problem() -> None:
    with pytest.raises(TemplateProblem, match=r"took longer|in all"):
        evaluate("('x' * 9999) | map('center', 99999) | list | length > 1", context({}))


def test_the_time_limit_restores_the_previous_trace_function() -> None:
    calls: list[str] = []

    def tracer(frame: object, event: str, arg: object) -> None:
        calls.append(event)

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        with pytest.raises(TemplateProblem):
            render_text("{% for i in 'x' * 99999 %}{% for j in 'y' * 99999 %}{% endfor %}{% endfor %}",
                        context({}))
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)


RUNTIME_SCRIPT = """
import time
from app.engine import Engine
from app.format.matching import text_matches
from app.format.templating import TemplateProblem, context, render_text
# engine: a wizard that was never validated (e.g. a cached or hand-built one) fails the step cleanly
for template in {bombs!r}:
    try:
        render_text(template, context({{}}))
        raise SystemExit("rendered: " + template)
    except TemplateProblem:
        pass
# a window title / clipboard someone else controls, against a pattern validation would refuse
for pattern, text in [(r"^(\\w+\\s?)*$", "a" * 40 + "!"), (r"(a|aa)+$", "a" * 3000 + "!"),
                      (r"^(a+)+$", "a" * 40 + "!"), (r"(a|b)x$", "ab" * 10_000_000 + "x")]:
    assert text_matches("re:" + pattern, text, True) is False
print("ok")
"""


def test_bombs_at_run_time_neither_hang_nor_crash() -> None:
    """A hang check in a child process (the old code hung or took seconds here)."""
    bombs = [str(p.values[0]) for p in TEMPLATE_BOMBS]
    done = subprocess.run([sys.executable, "-c", RUNTIME_SCRIPT.format(bombs=bombs)],
                          capture_output=True, text=True, timeout=HANG_GUARD_S, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


REGEX_BOMBS = [r"^(\w+\s?)*$", r"(x+x+)+y", r"^(a+)+$", r"(\w*)*\d$", r"(.*)+x", r"(a|aa)+$",
               r"(a|a)*b", r"^(\w+\s?){1,30}$", r"(?:(a+)b?)+$"]


@pytest.mark.parametrize("pattern", REGEX_BOMBS)
def test_catastrophic_patterns_are_refused_in_when(tmp_path: Path, pattern: str) -> None:
    found = problems(tmp_path, HEADER + f"when:\n  - title: 're:{pattern}'\n"
                                        "steps: [{id: a, title: A}]\n")
    assert len(found) == 1 and found[0].startswith("5:12: error: regular expression can take "
                                                   "exponential time"), found


def test_catastrophic_patterns_are_refused_in_clipboard_conditions(tmp_path: Path) -> None:
    found = problems(tmp_path, HEADER + "steps:\n  - id: a\n    title: A\n"
                                        "    until: {clipboard: 're:^(\\w+\\s?)*$'}\n")
    assert len(found) == 1 and "exponential time" in found[0] and found[0].startswith("7:"), found


@pytest.mark.parametrize("pattern", [r"^Invoice \d+ - (Draft|Final)$", r"(cat|dog)+",
                                     r"^(\d{1,3}\.){3}\d{1,3}$", r"(\s?\w)+$", r"(\w++\s?)*$",
                                     r"(?>(\w+\s?)*)$", r"Mousepad$", r"(ab|ac)*"])
def test_safe_patterns_are_accepted(pattern: str) -> None:
    assert bounds.regex_problem(pattern) is None


def test_matching_is_bounded_in_input_length() -> None:
    title = "x" * bounds.MAX_MATCH_INPUT + "Mousepad"
    assert text_matches("re:Mousepad", title, True) is False
    assert text_matches("re:mouse", "Mousepad", True) is True
    assert text_matches("re:^INV-\\d{4}$", "INV-1234", False) is True


def test_trial_renders_of_one_file_share_a_budget(tmp_path: Path) -> None:
    """A file full of slow templates cannot stall loading: each trial render takes its full time
    limit (0.25 s) here, so a 1 s budget fits at most 5 of them; the rest are checked statically."""
    slow = "{{% for i in 'x' * 99999 %}}{{% for j in 'y' * {n} %}}{{% endfor %}}{{% endfor %}}"
    steps = "".join(f"  - id: s{n}\n    title: S\n    do:\n      - type: \"{slow.format(n=99000 + n)}\"\n"
                    for n in range(20))
    found = problems(tmp_path, HEADER + "steps:\n" + steps)
    assert 1 <= len(found) <= 1 + round(bounds.TRIAL_BUDGET_SECONDS / bounds.RENDER_SECONDS), found
    assert all("took longer than 0.25 s" in f for f in found)


def test_globs_see_the_same_first_characters() -> None:
    assert text_matches("INV-*", "INV-" + "9" * 10_000_000, False) is True
    assert text_matches("*tail", "x" * bounds.MAX_MATCH_INPUT + "tail", False) is False


def test_a_bomb_set_off_by_an_input_fails_the_step_cleanly(tmp_path: Path) -> None:
    """Validation renders with sample inputs; a long value at run time still ends in a clean Failed."""
    from app.engine import Engine, Failed, Start, SubmitInputs

    text = HEADER + textwrap.dedent("""\
        modes: [black]
        when: [{app: mousepad}]
        inputs: [{name: t, label: T}]
        steps:
          - id: a
            title: A
            do: [{type: "{% for a in inputs.t %}{% for b in inputs.t %}{{ a }}{% endfor %}{% endfor %}"}]
        """)
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    result = load_file(path)
    assert result.wizard is not None and not result.diagnostics
    engine = Engine(result.wizard)
    state, _ = engine.handle(engine.initial(), Start("black", at=1.0))
    state, effects = engine.handle(state, SubmitInputs({"t": "x" * 20_000}, at=2.0))
    failed = [e for e in effects if isinstance(e, Failed)]
    assert state.status == "failed" and len(failed) == 1
    assert failed[0].message.startswith("Action 1 (type) could not be filled in: the template ")
