"""`wayguide validate`: the problems in wizard files, as text, JSON or GitHub Actions annotations."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.format.diagnostics import Diagnostic

if TYPE_CHECKING:
    from app.format.results import LoadResult
    from app.paths import Paths

__all__ = ["FORMATS", "github_data", "github_property", "render", "signing_problems", "validate"]

FORMATS = ("text", "json", "github")
"""text: one line per problem, `PATH:LINE:COL: severity: message (hint)`; json: an array of objects;
github: workflow commands that GitHub Actions shows as annotations on the files."""

_GITHUB_LEVELS = {"error": "error", "warning": "warning", "note": "notice"}


def github_data(text: str) -> str:
    """`text` fit for the message of a workflow command (after `::`): GitHub's escapes for data."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """`text` fit for a property value of a workflow command (`file=...`): `:` and `,` escaped too."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(item: Diagnostic) -> str:
    where = (f"file={github_property(item.path)},line={item.line},col={item.col}"
             if item.line > 0 else f"file={github_property(item.path)}")
    message = f"{item.message} ({item.hint})" if item.hint else item.message
    return f"::{_GITHUB_LEVELS[item.severity]} {where}::{github_data(message)}\n"


def render(items: Sequence[Diagnostic], fmt: str) -> str:
    """The problems in format `fmt` (one of FORMATS); empty text when there are none (JSON: `[]`)."""
    if fmt == "json":
        rows = [{"file": d.path, "line": d.line, "col": d.col, "severity": d.severity,
                 "message": d.message, "hint": d.hint} for d in items]
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return "".join(_github(d) for d in items)
    if fmt == "text":
        return "".join(f"{d}\n" for d in items)
    raise ValueError(f"unknown format {fmt!r}")


def signing_problems(folders: Sequence[Path], keys: Sequence[bytes]) -> list[Diagnostic]:
    """The lines a signed folder's state adds (`validate`, `doctor`): each file changed, added or
    removed after signing (`FILE:1:1: error: changed after signing (…)`), a broken manifest or signature,
    a key not among `keys`. Nothing for unsigned folders. Core code has the same from
    `app.library.signing.verify(...).diagnostics()`."""
    from app.library.signing import verify

    return [d for folder in folders if folder.is_dir() for d in verify(folder, keys).diagnostics()]


def validate(targets: Sequence[Path], quiet: bool, fmt: str, paths: Paths, out: TextIO,
             err: TextIO, lang: str | None = None) -> int:
    """Check `targets` (none: the whole library and the policy), print the problems on `out` in `fmt`
    (`quiet`: errors only) and a count on `err`. 1 on any error (a missing target is one), else 0.
    With `lang`, every text that has no version in that language is a note."""
    from app.library.layers import Layer, Library
    from app.library.signing import verifier_for
    from app.policy.loading import policy_in_force

    missing = [Diagnostic(str(t), 0, 0, "error", "no such file or folder") for t in targets if not t.exists()]
    policy, problems = policy_in_force(paths)
    if targets:
        library = Library([Layer("argument", t) for t in targets if t.exists()])
        library.refresh()
    else:  # the whole library, and the policy that names some of its folders
        library = Library.for_policy(paths, policy.library, verifier_for(policy.trust.keys))
    signed = signing_problems([layer.path for layer in library.layers], policy.trust.keys)
    from app.format.fields import LANGUAGE_TAG  # here: the parser imports this module at every start

    if lang is not None and not re.match(LANGUAGE_TAG, lang):
        err.write(f"error: --lang {lang!r} is not a language (write it as nl, de or nl-BE)\n")
        return 2
    untranslated = _untranslated(library.results(), lang) if lang else []
    diagnostics = [*(missing if targets else problems),
                   *sorted(library.diagnostics() + signed + untranslated,
                           key=lambda d: (d.path, d.line, d.col))]
    shown = [d for d in diagnostics if d.is_error or not quiet]
    if fmt == "text" and missing:  # as before: on standard error, without a position
        err.write("".join(f"{d.path}: error: {d.message}\n" for d in missing))
        shown = [d for d in shown if d not in missing]
    out.write(render(shown, fmt))
    files = len(library.results())
    errors = sum(d.is_error for d in diagnostics)
    warnings = sum(d.severity == "warning" for d in diagnostics)
    if not quiet:
        err.write(f"{files} file{'s' * (files != 1)}: {errors} error{'s' * (errors != 1)}, "
                  f"{warnings} warning{'s' * (warnings != 1)}"
                  + (f", {len(untranslated)} text{'s' * (len(untranslated) != 1)} not in {lang}"
                     if lang else "")
                  + "\n")
    return 1 if errors else 0


def _untranslated(results: Sequence[LoadResult], lang: str) -> list[Diagnostic]:
    """A note for each text of each valid wizard that has no version in `lang`, at the text's key."""
    from app.format.languages import untranslated
    from app.format.source import SourceError, parse_yaml, read_bytes
    from app.i18n import tag

    name = _language_name(lang)
    notes = []
    for result in results:
        wizard = result.wizard
        if wizard is None:
            continue
        missing = untranslated(wizard, lang)
        if not missing:
            continue
        try:
            located = parse_yaml(read_bytes(result.path))
        except SourceError:
            continue
        for path in missing:
            line, col = located.position(path, key=True)
            field = next((p for p in reversed(path) if isinstance(p, str)), "text")
            item = f" item {path[-1] + 1}" if isinstance(path[-1], int) else ""
            message = f"'{field}'{item} has no {name} text"
            notes.append(Diagnostic(str(result.path), line, col, "note", message,
                                    f"give it as {{{wizard.language}: …, {tag(lang).replace('_', '-')}: …}}"))
    return notes


def _language_name(lang: str) -> str:
    """"Dutch (nl)" for "nl"; the tag alone where Babel does not know it."""
    from app.i18n import language_name

    name = language_name(lang)
    return f"'{lang}'" if name == lang else f"{name} ({lang})"
