"""Problems found in wizard files, as values: one line each, `PATH:LINE:COL: error: MESSAGE (hint)`.

Whatever a message quotes from a file goes through `quote` (repr-like, shortened), and every field
of a diagnostic through `one_line`: a file can never make a diagnostic span lines, forge another
one, or hide text behind control or bidirectional-override characters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["QUOTE_LIMIT", "Diagnostic", "Severity", "one_line", "quote"]

Severity = Literal["error", "warning", "note"]

QUOTE_LIMIT = 40
"""Characters of file content a message quotes at most (escapes included)."""


def _escape(char: str) -> str:
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    if char == "\r":
        return "\\r"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def one_line(text: str) -> str:
    """`text` with every character that is not printable (newlines, control characters, bidi
    overrides, zero-width and other invisible characters; str.isprintable) written as an escape.
    Idempotent: what it returns is left as it is."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def quote(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """Text from a file, fit to quote in a message: in quotes, escaped like repr(), at most `limit`
    characters (a longer one ends in '…')."""
    text = value if isinstance(value, str) else str(value)
    quoted = one_line(repr(text))  # repr escapes what is not printable; one_line is a safety net
    return quoted if len(quoted) <= limit else quoted[: max(limit - 2, 3)] + "…" + quoted[-1]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str
    line: int
    col: int
    severity: Severity
    message: str
    hint: str | None = None

    def __post_init__(self) -> None:
        for name in ("path", "message", "hint"):
            value = getattr(self, name)
            if value is not None and not value.isprintable():
                object.__setattr__(self, name, one_line(value))

    def __str__(self) -> str:
        # line 0: a problem of the whole file (missing, changed after signing...), said without a position
        where = f"{self.path}:{self.line}:{self.col}" if self.line > 0 else self.path
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
