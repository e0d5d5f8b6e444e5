"""Template filters that write numbers, amounts, dates and times as the person's language writes them:
`{{ inputs.amount | money('EUR') }}` is "€ 1.234,50" in Dutch, "1.234,50 €" in German and "€1,234.50" in
English. The language is the template context's `language` (the engine's, from the person's catalogue),
read each time a filter runs: the Jinja environment is cached and holds no locale. Babel (CLDR data) is
imported when a filter first runs, never when a template module is imported.

Bad values and arguments are a FilterError (one clear message, never the value itself: it may be what
the person typed); templating turns it into a TemplateProblem. `argument_problems` checks the arguments
written as literals, so that `validate` finds `money('EURO')` or `date('longer')` before a run does."""

from __future__ import annotations

import copy
import datetime as _dt
import decimal
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from babel import Locale
    from jinja2.runtime import Context
    from jinja2.sandbox import SandboxedEnvironment

__all__ = ["FILTERS", "FORMATS", "FilterDoc", "FilterError", "Placeholder", "argument_problems",
           "default_currency", "install"]

FORMATS = ("short", "medium", "long", "full")
"""The lengths `date` and `time` write (CLDR's), e.g. 04-12-2026, 4 dec 2026, 4 december 2026,
vrijdag 4 december 2026 in Dutch."""
MAX_DECIMALS = 12
MAX_DIGITS = 30
"""Digits before the point a number may have: a template cannot make a value that formats to megabytes."""
FALLBACK_CURRENCY = "EUR"
"""`money` without a currency, where the person's language names no country that has one."""

class FilterDoc(NamedTuple):
    argument: str
    """The one optional argument's name."""
    example: str
    text: str


FILTERS: dict[str, FilterDoc] = {
    "money": FilterDoc("currency", "{{ inputs.amount | money('EUR') }}",
                       "an amount of money: € 1.234,50 (nl), 1.234,50 € (de), €1,234.50 (en); the currency "
                       "is an ISO 4217 code, by default that of the language's country (en: USD, nl and "
                       "de: EUR)"),
    "number": FilterDoc("decimals", "{{ inputs.count | number }}",
                        "a number with the language's separators, up to three decimals: 1.234,5 (nl), "
                        "1,234.5 (en); `number(2)` writes exactly two: 1.234,50"),
    "date": FilterDoc("format", "{{ today | date }}",
                      "a date, or the date of a date and time: 4 dec 2026 (nl), Dec 4, 2026 (en); the format "
                      "is 'short', 'medium' (the default), 'long' or 'full'"),
    "time": FilterDoc("format", "{{ now | time }}",
                      "a time of day, or the time of a date and time: 17:30 (nl), 5:30 PM (en); the format "
                      "is 'short' (the default), 'medium' (with seconds), 'long' or 'full'"),
}
"""The filters of this module: their one optional argument, an example, what they write (docs/format.md)."""


class FilterError(ValueError):
    """A value or argument a filter cannot format; the message never holds the value."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Placeholder(str):
    """A stand-in for a value not known yet (the job aid's ‹Amount›): the filters show it as it is."""

    __slots__ = ()


def install(env: SandboxedEnvironment) -> None:
    """Add the filters to `env`; each reads `language` from the context it is called in."""
    from jinja2 import pass_context

    made: dict[str, Callable[..., str]] = {"money": money, "number": number, "date": date, "time": time}
    for name, function in made.items():
        env.filters[name] = pass_context(function)


def _language(context: Context | Mapping[str, Any]) -> str:
    value = context.get("language")
    return value if isinstance(value, str) and value else "en"


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    """Babel's locale for a BCP 47 tag ("nl", "de-AT"); English where Babel does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale("en")


@lru_cache(maxsize=16)
def default_currency(language: str) -> str:
    """The currency `money` writes when none is given: that of the country the language names (de-CH:
    CHF), else of the country CLDR finds most likely for it (en: US, so USD; nl: NL and de: DE, so EUR),
    else FALLBACK_CURRENCY."""
    from babel import Locale
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    locale = _locale(language)
    territory = locale.territory
    if territory is None:
        likely = get_global("likely_subtags").get(locale.language)
        territory = Locale.parse(likely).territory if likely else None
    currencies = get_territory_currencies(territory) if territory else []
    return str(currencies[0]) if currencies else FALLBACK_CURRENCY


# ------------------------------------------------------------------ the filters


def money(context: Context, value: Any, currency: Any = None) -> str:
    """`value` as an amount in `currency` (ISO 4217), with the digits the currency has; "" for no value."""
    amount = _decimal(value, "money")
    if isinstance(amount, str):
        return amount
    language = _language(context)
    code = _currency(currency) if currency is not None else default_currency(language)
    from babel.numbers import format_currency

    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP):
        return str(format_currency(amount, code, locale=_locale(language)))


def number(context: Context, value: Any, decimals: Any = None) -> str:
    """`value` with the language's separators: up to three decimals, or exactly `decimals`."""
    amount = _decimal(value, "number")
    if isinstance(amount, str):
        return amount
    places = _decimals(decimals) if decimals is not None else None
    locale = _locale(_language(context))
    from babel.numbers import format_decimal, parse_pattern

    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP):
        if places is None:
            return str(format_decimal(amount, locale=locale))
        pattern = copy.copy(parse_pattern(locale.decimal_formats[None]))  # the language's grouping
        pattern.frac_prec = (places, places)
        return str(pattern.apply(amount, locale))


def date(context: Context, value: Any, format: Any = "medium") -> str:
    """`value` (a date, a date and time, or text written 2026-12-04) as the language writes a date."""
    return _calendar(context, value, format, "date")


def time(context: Context, value: Any, format: Any = "short") -> str:
    """`value` (a time, a date and time, or text written 17:30) as the language writes a time of day."""
    return _calendar(context, value, format, "time")


def _calendar(context: Context, value: Any, format: Any, name: str) -> str:
    if isinstance(value, Placeholder):
        return value
    length = _format(format, name)
    moment = _moment(value, name)
    if moment is None:
        return ""
    from babel.dates import format_date, format_time

    locale = _locale(_language(context))
    if name == "date":
        if not isinstance(moment, _dt.date):
            raise FilterError("'date' needs a date; the value is a time of day",
                              "use the `time` filter for a time")
        day = moment.date() if isinstance(moment, _dt.datetime) else moment
        return str(format_date(day, length, locale=locale))
    if not isinstance(moment, _dt.datetime | _dt.time):
        raise FilterError("'time' needs a time; the value is a date without one",
                          "use `now | time`, or the `date` filter for a date")
    return str(format_time(moment, length, locale=locale))


# ------------------------------------------------------------------ values and arguments


def _decimal(value: Any, name: str) -> Decimal | str:
    """The number `value` stands for (an entered number, int, float, Decimal or numeric text); text to
    write as it is for a placeholder, and "" for an empty value (an optional input left empty)."""
    if isinstance(value, Placeholder):
        return value
    if isinstance(value, Decimal):
        amount = Decimal(value)  # an EnteredNumber: its value, not the text as entered
    elif isinstance(value, bool):
        raise FilterError(f"'{name}' needs a number; the value is true or false")
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))  # 0.1 as 0.1, not its binary expansion
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        if not text:
            return ""
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise FilterError(f"'{name}' needs a number; the value is text that is not one",
                              "a number input, or text written with digits and a point: 1234.50") from None
    else:
        _undefined(value)
        raise FilterError(f"'{name}' needs a number; the value is {_kind(value)}")
    if not amount.is_finite():
        raise FilterError(f"'{name}' needs a number; the value is not finite")
    if amount.adjusted() >= MAX_DIGITS:
        raise FilterError(f"'{name}' writes numbers of up to {MAX_DIGITS} digits before the point")
    return amount


_ISO_HINT = "a date is written 2026-12-04, a time 17:30, both 2026-12-04T17:30"


def _moment(value: Any, name: str) -> _dt.date | _dt.time | None:
    if isinstance(value, _dt.date | _dt.time):
        return value
    if not isinstance(value, str):
        _undefined(value)
        raise FilterError(f"'{name}' needs a date or time; the value is {_kind(value)}", _ISO_HINT)
    text = value.strip()
    if not text:
        return None
    parsers: tuple[Callable[[str], _dt.date | _dt.time], ...] = (
        _dt.date.fromisoformat, _dt.datetime.fromisoformat, _dt.time.fromisoformat)
    for parse in parsers:
        try:
            return parse(text)
        except ValueError:
            continue
    raise FilterError(f"'{name}' needs a date or time; the value is text that is not one", _ISO_HINT)


_CURRENCY = re.compile(r"[A-Za-z]{3}")


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value.strip()):
        raise FilterError("'money': the currency is not an ISO 4217 code",
                          "write it as three letters, e.g. money('EUR'), money('USD'), money('GBP')")
    code = value.strip().upper()
    from babel.numbers import list_currencies

    if code not in list_currencies():
        raise FilterError("'money': the currency is not an ISO 4217 code",
                          "e.g. EUR, USD, GBP, CHF")
    return code


def _decimals(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DECIMALS:
        raise FilterError(f"'number': the decimals are a whole number from 0 to {MAX_DECIMALS}",
                          "e.g. number(2)")
    return value


def _format(value: Any, name: str) -> str:
    if value not in FORMATS:
        raise FilterError(f"'{name}': the format is one of {', '.join(FORMATS)}",
                          f"e.g. {name}('long')")
    return str(value)


_CHECKS: dict[str, Callable[[Any, str], object]] = {
    "currency": lambda value, _: _currency(value), "decimals": lambda value, _: _decimals(value),
    "format": _format,
}


def argument_problems(name: str, positional: Sequence[object], keywords: Mapping[str, object],
                      unknown: object) -> list[tuple[str, str | None]]:
    """(message, hint) for each wrong argument of filter `name` written in a template; `unknown` stands for
    an argument that is not a literal (known only when the template is rendered)."""
    doc = FILTERS[name]
    if len(positional) + len(keywords) > 1:
        return [(f"'{name}' takes one argument at most, its {doc.argument}", f"e.g. {doc.example}")]
    given = dict(zip((doc.argument,), positional, strict=False))
    for key, value in keywords.items():
        if key != doc.argument:
            return [(f"'{name}' has no argument '{key}'", f"its one argument is {doc.argument}")]
        given[key] = value
    problems: list[tuple[str, str | None]] = []
    for key, value in given.items():
        if value is unknown:
            continue
        try:
            _CHECKS[key](value, name)
        except FilterError as exc:
            problems.append((exc.message, exc.hint))
    return problems


def _undefined(value: Any) -> None:
    """A name the template does not have: Jinja says which (StrictUndefined raises when made text)."""
    from jinja2 import Undefined

    if isinstance(value, Undefined):
        str(value)


def _kind(value: Any) -> str:
    kinds: tuple[tuple[tuple[type, ...], str], ...] = (
        ((type(None),), "nothing (none)"), ((bool,), "true or false"), ((int, float, Decimal), "a number"),
        ((_dt.datetime,), "a date and time"), ((_dt.date,), "a date"), ((_dt.time,), "a time"),
        ((str,), "text"), ((Mapping,), "a mapping"), ((list, tuple, set, frozenset), "a list"),
    )
    for kind, words in kinds:
        if isinstance(value, kind):
            return words
    return "not a number, date or text"
