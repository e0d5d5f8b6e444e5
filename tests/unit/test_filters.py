"""The language filters (app/format/filters.py): money, number, date and time as the person's language
writes them; bad values are one clear problem; the validator knows their names and arguments."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

import app.i18n
from app.cli.dryrun import dry_run
from app.cli.jobaid import job_aid
from app.engine import Engine, ShowStep, Start
from app.format.filters import FALLBACK_CURRENCY, default_currency
from app.format.loader import load_file
from app.format.model import Wizard
from app.format.templating import (
    EnteredNumber,
    TemplateProblem,
    check_template,
    context,
    evaluate,
    render_markdown,
    render_text,
)
from app.i18n import load

NBSP = "\u00a0"
MOMENT = dt.datetime(2026, 12, 4, 17, 30, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def render(template: str, language: str, **inputs: object) -> str:
    return render_text(template, context(inputs, now=MOMENT, language=language))


@pytest.mark.parametrize(("language", "shown"), [
    ("en", "€1,234.50"), ("nl", f"€{NBSP}1.234,50"), ("de", f"1.234,50{NBSP}€"),
    ("nl-BE", f"€{NBSP}1.234,50"), ("de-CH", f"EUR{NBSP}1’234.50"), ("tlh", "€1,234.50"),
])
def test_money_is_written_as_the_language_writes_it(language: str, shown: str) -> None:
    assert render("{{ inputs.amount | money('EUR') }}", language,
                  amount=EnteredNumber("1234.5")) == shown.replace("’", "'")


@pytest.mark.parametrize("value", [EnteredNumber("1_234.50"), 1234.5, Decimal("1234.50"), "1234.5",
                                   " 1234.50 "])
def test_money_takes_entered_numbers_floats_decimals_and_numeric_text(value: object) -> None:
    assert render("{{ inputs.v | money('EUR') }}", "nl", v=value) == f"€{NBSP}1.234,50"


def test_money_uses_the_currency_s_digits_rounds_halves_up_and_writes_negatives() -> None:
    assert render("{{ inputs.v | money('JPY') }}", "en", v=1234.5) == "¥1,235"
    assert render("{{ inputs.v | money('eur') }}", "de", v=Decimal("2.665")) == f"2,67{NBSP}€"
    assert render("{{ inputs.v | money('EUR') }}", "nl", v=-7) == f"€{NBSP}-7,00"
    assert render("{{ 12 | money('USD') }}", "en") == "$12.00"


@pytest.mark.parametrize(("language", "currency"), [("en", "USD"), ("nl", "EUR"), ("de", "EUR"),
                                                    ("de-CH", "CHF"), ("nl-BE", "EUR"), ("tlh", "USD")])
def test_money_without_a_currency_takes_that_of_the_language_s_country(language: str, currency: str) -> None:
    assert default_currency(language) == currency
    assert render("{{ 5 | money }}", language) == render(f"{{{{ 5 | money('{currency}') }}}}", language)


def test_a_language_without_a_country_falls_back_to_the_fixed_currency() -> None:
    assert default_currency("eo") == FALLBACK_CURRENCY  # Esperanto: CLDR names no country for it


@pytest.mark.parametrize(("language", "plain", "two", "whole"), [
    ("en", "1,234.568", "1,234.57", "1,235"), ("nl", "1.234,568", "1.234,57", "1.235"),
    ("de", "1.234,568", "1.234,57", "1.235"),
])
def test_number_uses_the_language_s_separators(language: str, plain: str, two: str, whole: str) -> None:
    assert render("{{ inputs.n | number }}", language, n=EnteredNumber("1234.5678")) == plain
    assert render("{{ inputs.n | number(2) }}", language, n=EnteredNumber("1234.5678")) == two
    assert render("{{ inputs.n | number(decimals=0) }}", language, n=EnteredNumber("1234.5")) == whole
    assert render("{{ inputs.n | number(2) }}", language, n=7) == ("7.00" if language == "en" else "7,00")


@pytest.mark.parametrize(("language", "formats"), [
    ("en", ["12/4/26", "Dec 4, 2026", "December 4, 2026", "Friday, December 4, 2026"]),
    ("nl", ["04-12-2026", "4 dec 2026", "4 december 2026", "vrijdag 4 december 2026"]),
    ("de", ["04.12.26", "04.12.2026", "4. Dezember 2026", "Freitag, 4. Dezember 2026"]),
])
def test_dates_in_each_format(language: str, formats: list[str]) -> None:
    short, medium, long, full = formats
    assert render("{{ today | date }}", language) == medium
    assert render("{{ now | date('short') }}|{{ today | date('long') }}|{{ today | date(format='full') }}",
                  language) == f"{short}|{long}|{full}"
    assert render("{{ inputs.d | date }}", language, d="2026-12-04") == medium
    assert render("{{ inputs.d | date('long') }}", language, d="2026-12-04T09:15") == long


def test_times_of_day() -> None:
    assert render("{{ now | time }}", "nl") == "17:30"
    assert render("{{ now | time }}", "en") == "5:30\u202fPM"
    assert render("{{ now | time('medium') }}", "de") == "17:30:05"
    assert render("{{ inputs.t | time }}", "nl", t="09:05") == "09:05"


def test_an_empty_value_writes_nothing() -> None:
    """An optional input left empty: as `{{ inputs.amount }}` writes nothing, so do the filters."""
    assert render("[{{ inputs.a | money('EUR') }}{{ inputs.a | number }}{{ inputs.a | date }}]", "nl",
                  a="") == "[]"


@pytest.mark.parametrize(("template", "value", "message"), [
    ("{{ inputs.v | money('EUR') }}", "twelve", "'money' needs a number; the value is text that is not one"),
    ("{{ inputs.v | money }}", "1.234,50", "'money' needs a number; the value is text that is not one"),
    ("{{ inputs.v | number }}", None, "'number' needs a number; the value is nothing (none)"),
    ("{{ inputs.v | number }}", True, "'number' needs a number; the value is true or false"),
    ("{{ inputs.v | number }}", [1, 2], "'number' needs a number; the value is a list"),
    ("{{ inputs.v | number }}", "1e999", "'number' writes numbers of up to 30 digits before the point"),
    ("{{ inputs.v | number }}", float("nan"), "'number' needs a number; the value is not finite"),
    ("{{ today | money('EUR') }}", None, "'money' needs a number; the value is a date"),
    ("{{ inputs.v | money(inputs.v) }}", 5, "'money': the currency is not an ISO 4217 code"),
    ("{{ inputs.v | money(inputs.c) }}", 5, "'money': the currency is not an ISO 4217 code"),
    ("{{ inputs.v | number(inputs.c) }}", 5, "'number': the decimals are a whole number from 0 to 12"),
    ("{{ inputs.v | date }}", "yesterday", "'date' needs a date or time; the value is text that is not one"),
    ("{{ inputs.v | date }}", EnteredNumber("3"), "'date' needs a date or time; the value is a number"),
    ("{{ inputs.v | date }}", "17:30", "'date' needs a date; the value is a time of day"),
    ("{{ today | time }}", None, "'time' needs a time; the value is a date without one"),
    ("{{ today | date(inputs.c) }}", None, "'date': the format is one of short, medium, long, full"),
])
def test_a_value_a_filter_cannot_write_is_one_clear_problem(template: str, value: object,
                                                            message: str) -> None:
    ctx = context({"v": value, "c": "XYZ"}, now=MOMENT, language="nl")
    for render_one in (render_text, render_markdown):
        with pytest.raises(TemplateProblem) as caught:
            render_one(template, ctx)
        assert caught.value.message == message
        assert "Traceback" not in caught.value.message and str(value) not in ("", caught.value.message)


def test_a_problem_never_shows_the_value_the_person_typed() -> None:
    with pytest.raises(TemplateProblem) as caught:
        render("{{ inputs.v | money('EUR') }}", "nl", v="my secret 4711")
    assert "4711" not in caught.value.message and "4711" not in (caught.value.hint or "")


def test_a_missing_name_is_still_named() -> None:
    with pytest.raises(TemplateProblem, match="nope"):
        render("{{ inputs.nope | money('EUR') }}", "nl")


def test_filters_work_in_when_expressions_and_on_the_line_they_are_on() -> None:
    ctx = context({"v": EnteredNumber("5")}, language="de")
    assert evaluate("inputs.v | money('EUR') == '5,00\u00a0€'", ctx) is True
    with pytest.raises(TemplateProblem) as caught:
        render_text("a\nb\n{{ inputs.v | date }}", ctx)
    assert caught.value.lineno == 3


def test_panel_text_shows_the_value_literally() -> None:
    shown = render_markdown("**{{ inputs.v | number }}**", context({"v": 1234.5}, language="en"))
    assert shown == "**1,234\\.5**"


def test_the_sandbox_still_holds() -> None:
    ctx = context({"v": 5}, language="nl")
    for template in ("{{ (inputs.v | money('EUR')).__class__.__mro__ }}",
                     "{{ (today | date).__class__.__subclasses__() }}"):
        with pytest.raises(TemplateProblem, match="unsafe"):
            render_text(template, ctx)
    with pytest.raises(TemplateProblem, match="undefined"):
        render_text("{{ money }}", ctx)  # the filters are not names a template can reach
    hostile = context({"v": 5}, language="../../etc/passwd" + "x" * 100_000)
    assert render_text("{{ inputs.v | money('EUR') }}", hostile) == "€5.00"  # English, not a crash


@pytest.mark.parametrize(("template", "expected"), [
    ("{{ inputs.amount | money('EUR') }} {{ today | date('long') }} {{ now | time }} "
     "{{ inputs.amount | number(2) }}", []),
    ("{{ inputs.amount | money(currency='EUR') }} {{ language }}", []),
    ("{{ inputs.amount | mony('EUR') }}", [("unknown filter 'mony'", "did you mean 'money'?")]),
    ("{{ inputs.amount | xyzzy }}", [("unknown filter 'xyzzy'",
                                          "e.g. money, number, date, time, shell_quote, upper")]),
    ("{% if inputs.amount is nmber %}x{% endif %}", [("unknown test 'nmber'", "did you mean 'number'?")]),
    ("{{ inputs.amount | money('EURO') }}", [("'money': the currency is not an ISO 4217 code",
                                             "write it as three letters, e.g. money('EUR'), money('USD'), "
                                             "money('GBP')")]),
    ("{{ inputs.amount | money('XYZ') }}", [("'money': the currency is not an ISO 4217 code",
                                            "e.g. EUR, USD, GBP, CHF")]),
    ("{{ today | date('longer') }}", [("'date': the format is one of short, medium, long, full",
                                       "e.g. date('long')")]),
    ("{{ now | time(format=1) }}", [("'time': the format is one of short, medium, long, full",
                                     "e.g. time('long')")]),
    ("{{ inputs.amount | number(2.5) }}", [("'number': the decimals are a whole number from 0 to 12",
                                            "e.g. number(2)")]),
    ("{{ inputs.amount | money('EUR', 2) }}", [("'money' takes one argument at most, its currency",
                                               "e.g. {{ inputs.amount | money('EUR') }}")]),
    ("{{ today | date(style='long') }}", [("'date' has no argument 'style'", "its one argument is format")]),
])
def test_the_validator_knows_the_filters_and_their_arguments(template: str,
                                                             expected: list[tuple[str, str]]) -> None:
    found = check_template(template, {"amount": None})
    assert [(p.message, p.hint) for p in found] == expected


def test_the_validator_points_at_a_wrong_filter_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(textwrap.dedent("""\
        wayguide: 1
        id: t
        title: T
        inputs: [{name: amount, label: Amount, type: number}]
        steps:
          - id: a
            title: "Claim {{ inputs.amount | mony('EUR') }} on {{ today | date }}"
    """), encoding="utf-8")
    result = load_file(path)
    assert [str(d).removeprefix(f"{path}:") for d in result.diagnostics] == [
        "7:38: error: unknown filter 'mony' (did you mean 'money'?)"]


WIZARD = """
    wayguide: 1
    id: t.claim
    title: Claim
    inputs: [{name: amount, label: Amount, type: number, required: true}]
    steps:
      - id: a
        title: "Claim {{ inputs.amount | money('EUR') }}"
        explain: "Dated {{ today | date('long') }}"
"""


def test_the_engine_writes_for_the_person_s_language() -> None:
    wizard = Wizard.model_validate(yaml.safe_load(textwrap.dedent(WIZARD)))
    at = dt.datetime(2026, 12, 4, 12, 0).timestamp()
    for translations, title, explain in (
            (app.i18n.load(languages=["nl"]), "Claim €\u00a01\\.234,50", "Dated 4 december 2026"),
            (app.i18n.load(languages=["de"]), "Claim 1\\.234,50\u00a0€", "Dated 4\\. Dezember 2026"),
            (None, "Claim €1,234\\.50", "Dated December 4, 2026")):
        engine = Engine(wizard, translations)
        _, effects = engine.handle(engine.initial(), Start(mode="glass", values={"amount": "1234.5"}, at=at))
        [show] = [e for e in effects if isinstance(e, ShowStep)]
        assert (show.title, show.explain) == (title, explain)


def test_the_job_aid_shows_a_filtered_input_as_its_label() -> None:
    wizard = Wizard.model_validate(yaml.safe_load(textwrap.dedent(WIZARD)))
    assert "Claim ‹Amount›" in job_aid(wizard)
    german = job_aid(wizard, tr=load(languages=["de"]))
    assert re.search(r"Dated \d{1,2}\\\. \w+ \d{4}\n", german)  # 4\. Dezember 2026
    assert re.search(r"Dated \w+ \d{1,2}, \d{4}\n", job_aid(wizard))  # December 4, 2026


def test_babel_is_loaded_only_when_a_filter_runs() -> None:
    code = ("import sys, app.format.templating as t, app.engine, app.format.loader; "
            "t.render_text('{{ 1 | upper }}', t.context({})); assert 'babel' not in sys.modules, 'early'; "
            "print(t.render_text('{{ 1 | number }}', t.context({}, language='de'))); "
            "assert 'babel' in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == "1\n", done.stdout + done.stderr


def test_the_dry_run_fills_them_in(tmp_path: Path) -> None:
    path = tmp_path / "claim.yaml"
    path.write_text(textwrap.dedent(WIZARD), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert dry_run(str(path), "glass", {"amount": "1234.5"}, out, err) == 0, err.getvalue()
    assert "1. Claim €1,234.50" in out.getvalue()
