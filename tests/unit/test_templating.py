"""Templates: sandboxed and strict; typed text raw; panel text safe Markdown; numbers as entered."""

from __future__ import annotations

import pytest

from app.format.templating import (
    EnteredNumber,
    TemplateProblem,
    check_template,
    context,
    evaluate,
    markdown_to_html,
    render_markdown,
    render_text,
)


def ctx(**inputs: object) -> dict[str, object]:
    return context(inputs)


def test_typed_text_is_not_escaped() -> None:
    text = render_text("Dear {{ inputs.who }} & <co>,\n", ctx(who="O'Brien <b>*x*</b>"))
    assert text == "Dear O'Brien <b>*x*</b> & <co>,\n"


def test_panel_values_cannot_inject_markup() -> None:
    value = "<img src=x onerror=1> **b** [l](javascript:x)"
    markdown = render_markdown("Type *{{ inputs.who }}*", ctx(who=value))
    html = markdown_to_html(markdown)
    assert "<img" not in html and "<strong>" not in html and "<a " not in html
    assert "&lt;img src=x onerror=1&gt; **b** [l](javascript:x)" in html
    assert html.startswith("<p>Type <em>")


def test_author_markdown_renders_but_raw_html_does_not() -> None:
    html = markdown_to_html("Click **Save**. <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>Save</strong>" in html
    assert "<script>" not in html and 'href="javascript' not in html


@pytest.mark.parametrize(("entered", "shown"), [("42", "42"), ("42.50", "42.50"), (" 7 ", "7"),
                                                ("1_000", "1_000"), ("-3.0", "-3.0")])
def test_numbers_render_as_entered_and_compute_as_numbers(entered: str, shown: str) -> None:
    number = EnteredNumber(entered)
    assert render_text("{{ inputs.n }}", ctx(n=number)) == shown
    assert evaluate("inputs.n * 2 == inputs.n + inputs.n", ctx(n=number)) is True


@pytest.mark.parametrize("bad", ["", "abc", "nan", "inf", "4 2"])
def test_non_numbers_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        EnteredNumber(bad)


def test_undefined_names_are_errors_not_blanks() -> None:
    with pytest.raises(TemplateProblem, match="nope"):
        render_text("Hello {{ inputs.nope }}", ctx())


def test_sandbox_refuses_unsafe_access() -> None:
    with pytest.raises(TemplateProblem, match="unsafe"):
        render_text("{{ ''.__class__.__mro__ }}", ctx())


def test_check_template_knows_inputs_and_context_names() -> None:
    inputs = {"customer": None}
    assert check_template("{{ inputs.customer }} {{ today }} {{ user }} {{ window.title }}",
                          inputs) == []
    assert check_template("{% for x in [1, 2] %}{{ x }}{% endfor %}", inputs) == []
    [problem] = check_template("{{ inputs['custmer'] }}", inputs)
    assert problem.hint == "did you mean 'inputs.customer'?"
    assert check_template("plain text without expressions {", inputs) == []


def test_when_expressions() -> None:
    assert evaluate("inputs.kind == 'travel'", ctx(kind="travel")) is True
    [problem] = check_template("inputs.knd == 'x'", {"kind": None}, expression=True)
    assert problem.message == "'inputs.knd' is not an input of this wizard"
