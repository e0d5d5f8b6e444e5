"""Text as a draft wizard writes it: names and ids from labels, patterns that match a captured name
exactly, Markdown that shows a label as it is, and template text that types exactly what was typed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["HIDDEN", "clean", "exact_glob", "jinja_literal", "md", "safe_glob", "slug", "unique"]

HIDDEN = "\ue000"
"""Stands for typed text found in a title or a control's name: a wildcard in a pattern, "…" in words."""

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~{}&])")
"""What Markdown could read as markup inside a sentence (and `{`, which could start a template)."""
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """`text` without what a file should not hold: control characters (other than newline and tab)
    and lone surrogates."""
    return _UNPRINTABLE.sub("", text)


def slug(text: str, sep: str, limit: int = 40) -> str:
    """Lowercase ASCII letters and digits from `text`, words joined by `sep`, at most `limit`
    characters cut at a word ("Save As…" -> "save-as"); "" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        longer = f"{out}{sep}{word}" if out else word
        if len(longer) > limit:
            return out or word[:limit]
        out = longer
    return out


def unique(base: str, taken: Iterable[str], sep: str) -> str:
    """`base`, or `base` with "2", "3"... after `sep` when it is taken."""
    used = set(taken)
    if base not in used:
        return base
    n = 2
    while f"{base}{sep}{n}" in used:
        n += 1
    return f"{base}{sep}{n}"


def md(text: str) -> str:
    """A label as Markdown that shows it as it is, and never as a template (`{` and `%` escaped)."""
    text = " ".join(clean(text).replace(HIDDEN, "…").split())
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\\{%", "\\{\\%").replace("\\{#", "\\{\\#")


def jinja_literal(text: str) -> str:
    """Template text that renders exactly to `text` (each `{` written as an expression when the text
    would otherwise be read as a template)."""
    text = clean(text)
    if not re.search(r"\{[{%#]", text):
        return text
    return text.replace("{", "{{ '{' }}")


def exact_glob(text: str, prefix_only: bool = False) -> str:
    """A glob that matches exactly `text` (or any text starting with it, with `prefix_only`), and is
    never read as a regular expression or a template."""
    text = clean(text).replace("\n", " ")
    out = "".join(f"[{ch}]" if ch in "*?[{" else ch for ch in text)
    if out.startswith("re:"):
        out = "[r]" + out[1:]
    out = out.replace(HIDDEN, "*")
    return out + "*" if prefix_only else out


def safe_glob(pattern: str) -> str:
    """A captured glob (a locator's name) as a wizard may hold it: never read as a regular expression
    or a template; what it matches is unchanged."""
    pattern = clean(pattern).replace("\n", " ").replace("{{", "[{][{]").replace("{%", "[{]%")
    pattern = pattern.replace("{#", "[{]#").replace(HIDDEN, "*")
    return "[r]" + pattern[1:] if pattern.startswith("re:") else pattern
