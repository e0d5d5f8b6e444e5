"""A Phrase is made once in English and said again in the reader's language: a policy's origin, a source's
state, why credentials cannot be had."""

from __future__ import annotations

import gettext

from app.i18n import ENGLISH, N_, Phrase, load, said

WORDS = {"{source}: offline since {since}": "{source}: offline sinds {since}",
         "an unknown time": "een onbekend moment", "broken {count}": "kapot {aantal}",
         "{count} file": "{count} bestand", "{count} files": "{count} bestanden"}


class Dutch(gettext.NullTranslations):
    """A catalogue of a few messages, one of them translated wrongly (a placeholder misspelt)."""

    def gettext(self, message: str) -> str:
        return WORDS.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return WORDS[msgid1 if n == 1 else msgid2]


def test_a_phrase_is_its_english_text() -> None:
    phrase = Phrase(N_("{source}: offline since {since}"), source="https://x", since="10:02")
    assert phrase == "https://x: offline since 10:02" and phrase.said(ENGLISH) == phrase


def test_a_phrase_is_said_in_the_reader_s_language_with_its_values_said_too() -> None:
    phrase = Phrase("{source}: offline since {since}", source="https://x", since=Phrase("an unknown time"))
    assert phrase.said(Dutch()) == "https://x: offline sinds een onbekend moment"


def test_a_counted_phrase_takes_the_language_s_plural_form() -> None:
    assert Phrase.counted("{count} file", "{count} files", 1) == "1 file"
    assert Phrase.counted("{count} file", "{count} files", 3) == "3 files"
    assert Phrase.counted("{count} file", "{count} files", 3).said(Dutch()) == "3 bestanden"


def test_a_wrong_translation_gives_the_english_text_not_an_error() -> None:
    assert Phrase("broken {count}", count=2).said(Dutch()) == "broken 2"


def test_braces_in_a_text_without_values_are_kept() -> None:
    assert Phrase("a {literal} text") == "a {literal} text"
    assert Phrase("a {literal} text").said(Dutch()) == "a {literal} text"


def test_an_empty_phrase_is_said_as_nothing_not_as_the_catalogue_s_header() -> None:
    assert Phrase("").said(load(languages=["nl"])) == ""


def test_any_other_text_is_said_as_it_is() -> None:
    assert said("plain", Dutch()) == "plain"
    assert said(Phrase("an unknown time"), Dutch()) == "een onbekend moment"


def test_a_value_with_braces_is_never_read_as_a_template() -> None:
    """Values come from files and the network (a policy's path, a source's error): put in, never read."""
    phrase = Phrase("{source}: offline since {since}", source="https://x/{since}", since="{0}{__class__}")
    assert phrase == "https://x/{since}: offline since {0}{__class__}"
    assert phrase.said(Dutch()) == "https://x/{since}: offline sinds {0}{__class__}"
