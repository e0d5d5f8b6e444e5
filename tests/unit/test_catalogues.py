"""The catalogues are current and complete: the .pot holds every message, each language's .po follows it
and its .mo is compiled from it (scripts/extract-messages --check), and no message of a shipped language
is untranslated or fuzzy."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "resources" / "locale"
SHIPPED = ("nl", "de")


def _script() -> ModuleType:
    path = ROOT / "scripts" / "extract-messages"
    loader = importlib.machinery.SourceFileLoader("extract_messages", str(path))
    spec = importlib.util.spec_from_loader("extract_messages", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_every_catalogue_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert _script().main(["--check"]) == 0, capsys.readouterr().out


def test_the_panel_s_words_are_extracted() -> None:
    found = {strings[0] for _where, _line, strings, _context in _script().messages()}
    wanted = {"Search tasks…", "Open panel", "Each wizard's default", "%n days ago", "Wayguide insights"}
    assert wanted <= found


@pytest.mark.parametrize("language", SHIPPED)
def test_a_shipped_language_has_every_message_translated(language: str) -> None:
    path = LOCALE / language / "LC_MESSAGES" / "wayguide.po"
    with path.open("rb") as file:
        catalog = read_po(file, locale=language)
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not all(
        m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert missing == [], f"{len(missing)} untranslated or fuzzy in {language}: {missing[:5]}"


def test_english_says_one_in_the_singular() -> None:
    """The texts are written in English, but Qt's %n texts have one form: the English catalogue gives
    "1 day ago", not "1 days ago"."""
    from app.i18n import load

    english = load(languages=["en"])
    assert english.ngettext("%n days ago", "%n days ago", 1) == "%n day ago"
    assert english.ngettext("%n days ago", "%n days ago", 3) == "%n days ago"
    assert english.gettext("Open panel") == "Open panel"


PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]|%\d|%n")


@pytest.mark.parametrize("language", SHIPPED)
def test_a_translation_keeps_its_message_s_placeholders(language: str) -> None:
    """A translation that drops or misspells `{count}` loses what the message says (or, formatted, fails)."""
    with (LOCALE / language / "LC_MESSAGES" / "wayguide.po").open("rb") as file:
        catalog = read_po(file, locale=language)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(PLACEHOLDER.findall(text) for text in ids))
        wrong += [(ids[0], text) for text in strings if set(PLACEHOLDER.findall(text)) - wanted
                  or (len(ids) == 1 and set(PLACEHOLDER.findall(text)) != wanted)]
    assert wrong == []
