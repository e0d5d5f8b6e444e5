"""Limits that keep hostile or careless wizard text from hanging or exhausting the app.

Templates: every string or sequence a template makes is at most MAX_SIZE long (checked *before*
a multiplying operation or call allocates it), integers stay below MAX_INT_BITS, and a render ends
after RENDER_SECONDS through a trace function installed only for that render.

Regular expressions (`re:` patterns in window matches and clipboard conditions): patterns with
nested or ambiguous repetition are refused at validation, and matching runs in the `regex` module
(which releases the GIL and takes a timeout) on at most MAX_MATCH_INPUT characters of the text,
so a window title or clipboard that another program controls cannot stall the caller."""

from __future__ import annotations

import re
import string
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache, lru_cache, wraps
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

__all__ = [
    "MATCH_SECONDS",
    "MAX_MATCH_INPUT",
    "MAX_SIZE",
    "RENDER_SECONDS",
    "TemplateLimit",
    "bounded_environment",
    "regex_problem",
    "search",
    "template_line",
    "time_limit",
    "trial_allowed",
    "trial_budget",
]

MAX_SIZE = 100_000
"""Characters (or items) in any one value a template makes, its output included."""
MAX_MADE = 20 * MAX_SIZE
"""Characters (or items) all the operators, calls and filters of one render make together: however
fast the machine, a loop of large values stays a few megabytes before the time bound stops it."""
MAX_INT_BITS = 64 * 1024
"""Integers a template computes stay below 2**MAX_INT_BITS (about 19,700 digits)."""
RENDER_SECONDS = 0.25
"""A render (or a `when` expression) that takes longer stops with an error."""
TRIAL_BUDGET_SECONDS = 1.0
"""Validation renders a file's templates with sample inputs for at most this long (then checks
only statically): a file full of slow templates cannot stall loading the library."""
MAX_MATCH_INPUT = 4096
"""Characters of a window title or the clipboard a pattern is matched against."""
MATCH_SECONDS = 0.05
"""A regular expression match that takes longer counts as no match."""

_SIZE_HINT = "templates make short text; compute large values outside the wizard"
_TIME_HINT = "a loop or filter does too much work; simplify the template"


class TemplateLimit(Exception):
    """A template went over a bound (size or time)."""

    def __init__(self, message: str, hint: str = _SIZE_HINT) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def _limit(message: str, hint: str = _SIZE_HINT) -> TemplateLimit:
    return TemplateLimit(message, hint)


def template_line(error: BaseException) -> int:
    """The template line an error was raised at (Jinja rewrites tracebacks to template lines)."""
    line = 1
    tb: TracebackType | None = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# ---------------------------------------------------------------- sizes


_render = threading.local()
"""`made`: what the render under way on this thread has made so far (None outside a render)."""


def _size(value: Any) -> int:
    """Length of a value that can be large (str, bytes, list, tuple, dict, set), else 0."""
    if isinstance(value, str | bytes | list | tuple | dict | set | frozenset):
        return len(value)
    return 0


def _checked(value: Any, what: str) -> Any:
    size = _size(value)
    if size > MAX_SIZE:
        raise _limit(f"{what} makes a value longer than {MAX_SIZE} characters or items")
    made: int | None = getattr(_render, "made", None)
    if made is not None and size:
        _render.made = made + size
        if made + size > MAX_MADE:
            raise _limit(f"the template makes more than {MAX_MADE} characters or items in all")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise _limit(f"{what} makes a number with more than {MAX_INT_BITS} bits")
    return value


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _check_binop(operator: str, left: Any, right: Any) -> None:
    what = f"'{operator}'"
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            n = _int(count)
            if n is not None and _size(seq) and _size(seq) * max(n, 0) > MAX_SIZE:
                raise _limit(f"{what} makes a value longer than {MAX_SIZE} characters or items")
        a, b = _int(left), _int(right)
        if a is not None and b is not None and a.bit_length() + b.bit_length() > MAX_INT_BITS:
            raise _limit(f"{what} makes a number with more than {MAX_INT_BITS} bits")
    elif operator == "+":
        if _size(left) + _size(right) > MAX_SIZE:
            raise _limit(f"{what} makes a value longer than {MAX_SIZE} characters or items")
    elif operator == "**":
        base, exponent = _int(left), _int(right)
        if base is not None and exponent is not None and abs(base) > 1 and exponent > 0 \
                and base.bit_length() * exponent > MAX_INT_BITS:
            raise _limit(f"{what} makes a number with more than {MAX_INT_BITS} bits")
    elif operator == "%" and isinstance(left, str):
        _check_percent(left, right)


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_percent(fmt: str, args: Any) -> None:
    """printf-style formatting: the widths it asks for, and `*` widths (taken from the values)."""
    total = len(fmt) + sum(_size(a) for a in (args if isinstance(args, tuple) else (args,)))
    for match in _PERCENT_SPEC.finditer(fmt):
        for number in match.groups():
            if number == "*":
                raise _limit("'%' formatting with a '*' width is not allowed in templates",
                             "write the width in the format")
            if number:
                total += int(number) if len(number) < 7 else MAX_SIZE + 1
    if total > MAX_SIZE:
        raise _limit(f"formatting makes a text longer than {MAX_SIZE} characters")


def _check_format(fmt: str, args: Iterable[Any]) -> None:
    """str.format: widths in the specs, and no nested (value-given) widths."""
    total = len(fmt) + sum(_size(a) for a in args)
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # the call itself reports it
    for _literal, _field, spec, _conversion in parsed:
        if spec and "{" in spec:
            raise _limit("a width taken from a value is not allowed in templates",
                         "write the width in the format")
        for number in re.findall(r"\d+", spec or ""):
            total += int(number) if len(number) < 7 else MAX_SIZE + 1
    if total > MAX_SIZE:
        raise _limit(f"formatting makes a text longer than {MAX_SIZE} characters")


def _check_call(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any], name: str,
                value: Any = None) -> None:
    """Before a method or filter runs: estimate the result of those that can multiply sizes."""
    numbers = [n for n in (*map(_int, args), *map(_int, kwargs.values())) if n is not None]
    if name in _WIDTHS and any(n > MAX_SIZE for n in numbers):
        raise _limit(f"'{name}' with a size over {MAX_SIZE}")
    bound = getattr(function, "__wrapped__", function)  # the sandbox wraps str.format
    text = value if value is not None else getattr(bound, "__self__", None)
    if name == "replace" and len(args) >= 2 and isinstance(text, str):
        old, new = str(args[0]), str(args[1])
        times = (len(text) + 1) if not old else text.count(old)
        if len(text) + times * len(new) > MAX_SIZE:
            raise _limit(f"'replace' makes a text longer than {MAX_SIZE} characters")
    elif name == "expandtabs" and isinstance(text, str):
        width = numbers[0] if numbers else 8
        if len(text) + text.count("\t") * max(width, 0) > MAX_SIZE:
            raise _limit(f"'expandtabs' makes a text longer than {MAX_SIZE} characters")
    elif name == "indent" and isinstance(text, str):
        width = next(iter([*args, *kwargs.values()]), 4)
        each = len(width) if isinstance(width, str) else (_int(width) or 0)
        if len(text) + (text.count("\n") + 1) * each > MAX_SIZE:
            raise _limit(f"'indent' makes a text longer than {MAX_SIZE} characters")
    elif name == "join":
        items = value if value is not None else (args[0] if args else ())
        sep = (args[0] if value is not None and args else kwargs.get("d", "")) if value is not None \
            else text
        if isinstance(items, list | tuple):
            total = sum(_size(i) if isinstance(i, str) else len(str(i)) if isinstance(
                i, int | float) else 0 for i in items)
            if total + len(items) * _size(sep) > MAX_SIZE:
                raise _limit(f"'join' makes a text longer than {MAX_SIZE} characters")
    elif name in ("format", "format_map") and isinstance(text, str):
        if value is not None:  # the `format` filter: printf style
            _check_percent(text, tuple(args) or tuple(kwargs.values()))
        else:
            _check_format(text, [*args, *kwargs.values()])
    elif name == "sum" and kwargs.get("start", args[1] if len(args) > 1 else 0) not in (0, None):
        items = value if value is not None else ()
        if not isinstance(items, list | tuple) or sum(_size(i) for i in items) > MAX_SIZE:
            raise _limit("'sum' of texts or lists is limited to short values")


_WIDTHS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "indent", "wordwrap",
                     "truncate", "batch", "slice", "format", "round", "filesizeformat"})


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(function)  # keeps jinja's pass_context/pass_environment markers
    def bounded(*args: Any, **kwargs: Any) -> Any:
        # the filtered value comes after an optional context/environment argument
        pass_arg = getattr(function, "jinja_pass_arg", None)
        at = 1 if pass_arg is not None else 0
        value = args[at] if len(args) > at else None
        _check_call(function, args[at + 1:], kwargs, name, value if value is not None else "")
        return _checked(function(*args, **kwargs), f"'{name}'")

    return bounded


def _bounded_join(pieces: Iterable[Any]) -> str:
    """`~` and template output: pieces joined, at most MAX_SIZE characters."""
    parts: list[str] = []
    total = 0
    for piece in pieces:
        text = piece if isinstance(piece, str) else str(piece)
        total += len(text)
        if total > MAX_SIZE:
            raise _limit(f"the template makes a text longer than {MAX_SIZE} characters")
        parts.append(text)
    return "".join(parts)


def _bounded_markup_join(pieces: Iterable[Any]) -> str:
    from markupsafe import Markup

    return Markup(_bounded_join(pieces))


@cache
def _environment_class() -> type[SandboxedEnvironment]:
    from jinja2.sandbox import SandboxedEnvironment

    class BoundedEnvironment(SandboxedEnvironment):
        """A sandbox whose operators, calls, filters and output are bounded in size."""

        intercepted_binops = frozenset({"*", "+", "**", "%"})
        concat = staticmethod(_bounded_join)

        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            _check_binop(operator, left, right)
            return _checked(super().call_binop(context, operator, left, right), f"'{operator}'")

        def call(__self, __context: Any, __obj: Any, *args: Any,  # (jinja's signature)
                 **kwargs: Any) -> Any:
            _check_call(__obj, args, kwargs, getattr(__obj, "__name__", ""))
            return _checked(SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs),
                            f"'{getattr(__obj, '__name__', 'a call')}'")

        def from_string(self, source: Any, globals: Any = None,  # (jinja's name)
                        template_class: Any = None) -> Any:
            template = super().from_string(source, globals, template_class)
            # `~` and block results are joined by module globals of the compiled code
            namespace = template.root_render_func.__globals__
            namespace["str_join"] = namespace["concat"] = _bounded_join
            namespace["markup_join"] = _bounded_markup_join
            return template

    return BoundedEnvironment


def bounded_environment(**options: Any) -> SandboxedEnvironment:
    """A Jinja2 sandbox with the size bounds of this module (time is bounded by `time_limit`)."""
    return _environment_class()(**options)


# ----------------------------------------------------------------- time


@contextmanager
def time_limit(seconds: float = RENDER_SECONDS) -> Iterator[None]:
    """Python code run inside stops with TemplateLimit once `seconds` have passed (or once its
    operators, calls and filters have made MAX_MADE characters or items).

    A trace function (this thread only, only for the duration) checks the clock on each call, and
    on each line of template code; whatever trace function was set before (a debugger, coverage)
    is set back afterwards."""
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()
    made_before = getattr(_render, "made", None)
    _render.made = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise _limit(f"the template took longer than {seconds:g} s", _TIME_HINT)
        # every call (a generator resuming included) is checked; lines only in template code,
        # whose loops always call (LoopContext, filters), so this is a second net at little cost
        return trace if frame.f_code.co_filename == "<template>" else None

    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)
        _render.made = made_before


_trials = threading.local()


@contextmanager
def trial_budget(seconds: float = TRIAL_BUDGET_SECONDS) -> Iterator[None]:
    """Trial renders (validation) inside share `seconds`; see `trial_allowed`."""
    before = getattr(_trials, "until", None)
    _trials.until = time.monotonic() + seconds
    try:
        yield
    finally:
        _trials.until = before


def trial_allowed() -> bool:
    """Whether a trial render may start: no budget is open, or it is not used up."""
    until: float | None = getattr(_trials, "until", None)
    return until is None or time.monotonic() < until


# --------------------------------------------------------- regular expressions


def regex_problem(pattern: str) -> str | None:
    """Why `pattern` is refused (invalid, or it can backtrack catastrophically), else None."""
    try:
        import re._parser as parser  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover - Python < 3.11
        import sre_parse as parser  # type: ignore[no-redef,unused-ignore]
    try:
        parsed = parser.parse(pattern)
    except re.error as exc:
        return f"invalid regular expression: {exc}"
    except (RecursionError, OverflowError, ValueError):
        return "invalid regular expression: too deeply nested or too large"
    return _catastrophic(parsed, parser, outer=False)


_NESTED = ("regular expression can take exponential time: a repetition inside a repetition "
           "(make the inner one possessive, e.g. \\w++, or use an atomic group (?>...))")
_ALIKE = ("regular expression can take exponential time: alternatives that start alike inside a "
          "repetition (make them start differently, or use an atomic group (?>...))")


_FEW = 10
"""A repetition of at most this many rounds cannot multiply the ways to match by much."""


def _catastrophic(items: Any, parser: Any, outer: bool) -> str | None:
    """Walk a parsed pattern: a variable repeat inside a long (over _FEW rounds), backtracking
    repeat, or alternatives that can start with the same character inside one, is refused."""
    c = parser  # the opcodes live in the parser module's namespace
    for op, av in items:
        found: str | None = None
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, body = av
            if outer and high != low and high > 1:
                return _NESTED
            found = _catastrophic(body, parser, outer or high > _FEW)
        elif op is getattr(c, "POSSESSIVE_REPEAT", None) or op is getattr(c, "ATOMIC_GROUP", None):
            continue  # never backtracks into its body: safe by construction
        elif op == c.SUBPATTERN:
            found = _catastrophic(av[-1], parser, outer)
        elif op == c.BRANCH:
            if outer and _overlapping(av[1], parser):
                return _ALIKE
            for branch in av[1]:
                found = found or _catastrophic(branch, parser, outer)
        elif op in (c.ASSERT, c.ASSERT_NOT):
            found = _catastrophic(av[1], parser, outer)
        elif op == c.GROUPREF_EXISTS:
            found = _catastrophic(av[1], parser, outer) or (
                _catastrophic(av[2], parser, outer) if av[2] is not None else None)
        if found:
            return found
    return None


_SAMPLE = [chr(i) for i in range(32, 127)] + ["\t", "\n", "é", "ß", "Ä", "本", "\u00a0"]


def _overlapping(branches: list[Any], parser: Any) -> bool:
    """Whether two alternatives can start with the same (sample) character."""
    seen: set[str] = set()
    for branch in branches:
        first = _first_chars(branch, parser)
        if first is None or first & seen:
            return True
        seen |= first
    return False


def _first_chars(items: Any, parser: Any) -> set[str] | None:
    """Sample characters the pattern can start with; None when it can start with nothing."""
    c = parser
    if not len(items):
        return None
    op, av = items[0]
    if op == c.SUBPATTERN:
        return _first_chars(av[-1], parser)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        return None if av[0] == 0 else _first_chars(av[2], parser)
    if op == c.BRANCH:
        found: set[str] = set()
        for branch in av[1]:
            first = _first_chars(branch, parser)
            if first is None:
                return None
            found |= first
        return found
    if op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY, c.CATEGORY):
        try:
            from re import _compiler  # type: ignore[attr-defined,unused-ignore]

            one = _compiler.compile(parser.SubPattern(items.state, [items[0]]), re.IGNORECASE)
        except Exception:  # private API: when unsure, assume overlap
            return None
        return {ch for ch in _SAMPLE if one.match(ch)}
    return None  # anchors, groups references, lookarounds: unknown


@lru_cache(maxsize=512)
def _compile(pattern: str, ignore_case: bool) -> Any:
    import regex  # type: ignore[import-untyped,unused-ignore]

    return regex.compile(pattern, regex.VERSION0 | (regex.IGNORECASE if ignore_case else 0))


def search(pattern: str, text: str, ignore_case: bool) -> bool:
    """`pattern` found in (the first MAX_MATCH_INPUT characters of) `text`, within MATCH_SECONDS.

    A pattern that cannot be compiled or runs out of time counts as no match."""
    text = text[:MAX_MATCH_INPUT]
    try:
        compiled = _compile(pattern, ignore_case)
    except Exception:  # the regex module parses a few things differently: Python's re, on 4 KB
        try:
            return re.search(pattern, text, re.IGNORECASE if ignore_case else 0) is not None
        except re.error:
            return False
    try:
        return compiled.search(text, timeout=MATCH_SECONDS) is not None
    except TimeoutError:
        return False
