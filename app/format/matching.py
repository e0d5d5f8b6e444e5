"""Which window a wizard is for: the one matching rule that relevance, the performer, the highlight
and the engine's `active` condition share.

A window matches a pattern when its class (the WM_CLASS instance name or class name, e.g. "mousepad"
or "Mousepad") or its executable's name matches `app`, and its title matches `title`; each is a
case-insensitive glob or "re:" and a regular expression searched anywhere in the text.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Protocol

__all__ = ["Pattern", "Window", "text_matches", "window_fits", "window_matches"]


class Pattern(Protocol):
    """Which window: all given keys must match (app.format.model.WindowMatch is one)."""

    @property
    def app(self) -> str | None: ...

    @property
    def title(self) -> str | None: ...


class Window(Protocol):
    """What the rule reads of a window (app.ports.WindowInfo and the engine's SeenWindow are ones)."""

    @property
    def app(self) -> str: ...

    @property
    def klass(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def exe(self) -> str: ...


def window_fits(match: Pattern, window: Window) -> bool:
    """Whether `window` is one `match` is for: its instance name, class name or executable matches
    the pattern's `app`, and its title the pattern's `title`."""
    return window_matches(match, window.app, window.title, window.exe) or bool(
        window.klass and window_matches(match, window.klass, window.title))


def window_matches(match: Pattern, app: str, title: str, exe: str = "") -> bool:
    """Whether one name of a window fits `match`. `app` is a case-insensitive glob (or "re:" regex)
    against the given name or the executable's name (basename, also without ".exe"); `title`
    likewise against the title. Regexes search anywhere in the text. Use `window_fits` for a whole
    window."""
    if match.app is not None:
        name = exe.replace("\\", "/").rpartition("/")[2]
        stem = name[:-4] if name.lower().endswith(".exe") else name
        if not any(text_matches(match.app, c, True) for c in (app, name, stem) if c):
            return False
    return match.title is None or text_matches(match.title, title, True)


def text_matches(pattern: str, text: str, ignore_case: bool) -> bool:
    """A glob, or "re:" and a regular expression searched anywhere in the text.

    Both see the first bounds.MAX_MATCH_INPUT characters (titles and the clipboard are set by other
    programs); a regular expression also has a time limit."""
    from app.format import bounds  # the fast path (cards from the cache) does not need it

    text = text[:bounds.MAX_MATCH_INPUT]
    if pattern.startswith("re:"):
        return bounds.search(pattern[3:], text, ignore_case)
    if ignore_case:
        return fnmatch.fnmatchcase(text.lower(), pattern.lower())
    return fnmatch.fnmatchcase(text, pattern)


_LITERAL = re.compile(r"[\w .,:'’…&+-]+")


def pattern_words(pattern: str) -> str:
    """A pattern as a person reads it: a regular expression that only lists names (a translated
    application's titles, "re:^(Print|Afdrukken|Drucken)$") as those names, "Print / Afdrukken / Drucken";
    any other pattern as written (a glob's "*" included, a regular expression without its "re:")."""
    if not pattern.startswith("re:"):
        return pattern
    body = pattern[3:].removeprefix("^").removesuffix("$")
    if body.startswith("(") and body.endswith(")") and not body.startswith("(?"):
        body = body[1:-1]
    names = body.split("|")
    if len(names) > 1 and all(_LITERAL.fullmatch(name) for name in names):
        return " / ".join(name.strip() for name in names)
    return pattern[3:]
