"""Wizards in several languages: per-field language maps, the fallback chain, what is untranslated."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from app.format.cache import ResultCache
from app.format.cards import Card
from app.format.languages import localize, untranslated
from app.format.loader import load_file, wizard_in
from app.format.model import Wizard, json_schema
from app.format.source import parse_yaml
from app.library.relevance import SearchIndex
from tests.unit.cli_support import isolate, run

LETTER = """\
wayguide: 1
id: letter.save
title: {en: Save the letter, nl: De brief opslaan, nl-BE: De brief bewaren, de: Den Brief speichern}
summary: {en: Saves it as a file., nl: Slaat hem op als bestand.}
tags: {en: [letter, save], nl: [brief, opslaan]}
inputs:
  - name: customer
    label: {en: Customer, nl: Klant, de: Kunde}
steps:
  - id: focus
    title: {en: "Click into {{ inputs.customer }}'s letter", nl: "Klik in de brief aan {{ inputs.customer }}"}
    explain: Only in English.
    checklist:
      - {en: Date filled in, nl: Datum ingevuld}
      - Signature
  - id: check
    title: {en: Check, nl: Controleer, de: Prüfe}
    quiz:
      question: {en: Which key saves?, nl: Welke toets slaat op?}
      options:
        - {text: {en: Ctrl+S, nl: Ctrl+S}, correct: true, feedback: {en: Right., nl: Goed.}}
        - {text: {en: Ctrl+Q, nl: Ctrl+Q}}
  - id: done
    title: Done
    do:
      - notify: {en: Saved., nl: Opgeslagen., de: Gespeichert.}
"""


def load(tmp_path: Path, text: str, name: str = "w.yaml") -> tuple[Wizard | None, list[str]]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = load_file(path)
    return result.wizard, [str(d).removeprefix(f"{path}:") for d in result.diagnostics]


@pytest.fixture
def letter(tmp_path: Path) -> Wizard:
    wizard, problems = load(tmp_path, LETTER)
    assert problems == [] and wizard is not None
    return wizard


def test_the_wizard_keeps_its_own_language_and_the_others_aside(letter: Wizard) -> None:
    assert letter.title == "Save the letter" and letter.tags == ["letter", "save"]
    assert letter.steps[0].checklist == ["Date filled in", "Signature"]
    assert letter.translations["nl"]["steps.1.quiz.question"] == "Welke toets slaat op?"
    assert letter.translations["nl_BE"] == {"title": "De brief bewaren"}
    assert letter.translations["de"]["steps.2.do.0.notify"] == "Gespeichert."


def test_the_fallback_chain_is_region_then_language_then_the_wizards_own(letter: Wizard) -> None:
    flemish = localize(letter, ["nl_BE", "nl"])
    assert flemish.wizard.title == "De brief bewaren"  # nl_BE has its own
    assert flemish.wizard.summary == "Slaat hem op als bestand."  # nl_BE has none: nl
    assert flemish.wizard.steps[0].explain == "Only in English."  # neither: the wizard's own
    assert flemish.wizard.steps[0].checklist == ["Datum ingevuld", "Signature"]
    assert flemish.wizard.steps[1].quiz is not None
    assert flemish.wizard.steps[1].quiz.options[0].feedback == "Goed."
    assert flemish.wizard.tags == ["brief", "opslaan"]
    assert flemish.language == "nl_BE" and flemish.missing == 3 and not flemish.complete
    assert letter.title == "Save the letter"  # the library's wizard is left as it was


def test_a_language_the_wizard_lacks_falls_back_to_its_own(letter: Wizard) -> None:
    french = localize(letter, ["fr_FR", "fr"])
    assert french.wizard is letter and french.language == "en" and not french.complete


def test_its_own_language_is_shown_as_written(letter: Wizard) -> None:
    english = localize(letter, ["en_GB", "en"])
    assert english.wizard.title == "Save the letter" and english.complete
    assert localize(letter, []).complete  # no language asked for: nothing to say


def test_a_german_reader_sees_german_where_there_is_some(letter: Wizard) -> None:
    german = localize(letter, ["de"])
    assert german.wizard.title == "Den Brief speichern"
    assert german.wizard.inputs[0].label == "Kunde"
    assert german.wizard.steps[2].do is not None
    assert german.wizard.steps[2].do[0] == type(letter.steps[2].do[0])(notify="Gespeichert.")  # type: ignore[index]
    assert german.missing > 0 and not german.complete


def test_a_fully_translated_wizard_is_complete(tmp_path: Path) -> None:
    wizard, problems = load(tmp_path, """\
        wayguide: 1
        id: t
        language: nl
        title: {nl: Opslaan, en: Save}
        steps: [{id: a, title: {nl: Druk op Ctrl+S, en: Press Ctrl+S}}]
        """)
    assert problems == [] and wizard is not None
    assert wizard.title == "Opslaan"  # written in Dutch: Dutch is its own
    assert localize(wizard, ["en_US", "en"]).wizard.title == "Save"
    assert localize(wizard, ["en_US", "en"]).complete
    assert untranslated(wizard, "en") == [] and untranslated(wizard, "nl") == []
    assert untranslated(wizard, "de") == [("title",), ("steps", 0, "title")]


def test_untranslated_texts_are_listed_in_document_order(letter: Wizard) -> None:
    assert untranslated(letter, "nl") == [("steps", 0, "explain"), ("steps", 0, "checklist", 1),
                                          ("steps", 2, "title")]
    assert untranslated(letter, "nl-BE") == untranslated(letter, "nl")  # nl covers nl_BE
    assert ("summary",) in untranslated(letter, "de")


BAD = [
    pytest.param("title: {nl: Opslaan}\n", ["3:1: error: 'title' has no text in the wizard's language 'en' "
                                             "(add 'en: …', or set 'language:' to the language the texts are "
                                             "written in)"], id="own-language-missing"),
    pytest.param("title: {en: Save, dutch: Opslaan}\n",
                 ["3:19: error: 'dutch' is not a language (name languages as 'en', 'nl', 'de' or 'nl-BE')"],
                 id="not-a-language"),
    pytest.param("title: {en: Save, nl: [Opslaan]}\n", ["3:23: error: 'nl': expected text"],
                 id="list-for-text"),
    pytest.param("title: {en: Save, nl-BE: A, nl_be: B}\n",
                 ["3:29: error: language 'nl_BE' is given twice"], id="same-language-twice"),
    pytest.param("title: {en: Save, nl: {x: y}}\n", ["3:23: error: 'nl': expected text"], id="nested-map"),
    pytest.param("title: T\ntranslations: {nl: {title: x}}\n",
                 ["4:1: error: unknown key 'translations' (give a text in several languages as a map: "
                  "`title: {en: …, nl: …}`)"], id="loader-field-written"),
]


@pytest.mark.parametrize(("head", "expected"), BAD)
def test_a_bad_language_map_is_one_positioned_line(tmp_path: Path, head: str, expected: list[str]) -> None:
    wizard, problems = load(tmp_path, "wayguide: 1\nid: t\n" + head + "steps: [{id: a, title: A}]\n")
    assert wizard is None and problems == expected


def test_each_languages_template_is_checked(tmp_path: Path) -> None:
    wizard, problems = load(tmp_path, """\
        wayguide: 1
        id: t
        title: T
        inputs: [{name: customer, label: Customer}]
        steps:
          - id: a
            title: {en: "Write to {{ inputs.customer }}", nl: "Schrijf aan {{ inputs.klant }}"}
          - id: b
            title: B
            quiz:
              question: {en: Which?, nl: "Welke {{ inputs.customer }}?"}
              options: [{text: A, correct: true}, {text: B}]
        """)
    assert wizard is None
    assert problems == ["7:78: error: 'inputs.klant' is not an input of this wizard (inputs: customer)",
                        "11:34: error: '{{' in 'question' is shown as written, never filled in (this text is "
                        "taken as written: write the words themselves)"]


def test_translations_survive_the_result_cache(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(LETTER, encoding="utf-8")
    cache_file = tmp_path / "cache.json"
    first = ResultCache(cache_file, wizard_in)
    assert load_file(path, cache=first).wizard is not None
    first.save()
    again = load_file(path, cache=ResultCache(cache_file, wizard_in))
    assert again.wizard is not None and again.card is not None
    assert localize(again.wizard, ["nl"]).wizard.title == "De brief opslaan"
    assert again.card.speaking(["nl"]).title == "De brief opslaan"


def test_the_card_speaks_the_persons_language_and_search_finds_its_words(letter: Wizard) -> None:
    card = Card.from_json(json.loads(json.dumps(Card.of(letter).to_json())))
    assert card == Card.of(letter)
    dutch = card.speaking(["nl_BE", "nl"])
    assert (dutch.title, dutch.summary, dutch.tags, dutch.language) == (
        "De brief bewaren", "Slaat hem op als bestand.", ("brief", "opslaan"), "nl_BE")
    german = card.speaking(["de"])
    assert (german.title, german.summary) == ("Den Brief speichern", "Saves it as a file.")
    assert card.speaking(["en"]) is card
    assert [w.id for w in SearchIndex([dutch]).search("opslaan")] == ["letter.save"]
    assert SearchIndex([card]).search("bewaren") == []  # an English reader's search keeps to English


def test_the_schema_takes_language_maps(tmp_path: Path) -> None:
    jsonschema.validate(parse_yaml(LETTER.encode()).data, json_schema())
    bad = parse_yaml(LETTER.replace("nl-BE:", "Flemish:").encode()).data
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json_schema())


def test_validate_lang_lists_the_untranslated_texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)
    (tmp_path / "w.yaml").write_text(LETTER, encoding="utf-8")
    code, out, err = run("validate", str(tmp_path / "w.yaml"), "--lang", "nl")
    assert code == 0
    lines = [line.removeprefix(f"{tmp_path / 'w.yaml'}:") for line in out.splitlines()]
    assert lines == [
        "12:5: note: 'explain' has no Dutch (nl) text (give it as {en: …, nl: …})",
        "15:9: note: 'checklist' item 2 has no Dutch (nl) text (give it as {en: …, nl: …})",
        "24:5: note: 'title' has no Dutch (nl) text (give it as {en: …, nl: …})"]
    assert err == "1 file: 0 errors, 0 warnings, 3 texts not in nl\n"
    assert run("validate", str(tmp_path / "w.yaml"), "--lang", "nl", "-q")[1] == ""
    assert run("validate", str(tmp_path / "w.yaml"))[1] == ""  # without --lang: nothing to say
    code, _, err = run("validate", str(tmp_path / "w.yaml"), "--lang", "nl;rm")
    assert code == 2 and "is not a language" in err


@pytest.mark.parametrize(("pattern", "words"), [
    ("re:^(Print|Afdrukken|Drucken)$", "Print / Afdrukken / Drucken"),
    ("re:^(Save As|Opslaan als|Speichern unter)", "Save As / Opslaan als / Speichern unter"),
    ("re:^(?!Save As).+", "^(?!Save As).+"),  # more than names: shown as the expression it is
    ("re:a.*b", "a.*b"),
    ("Save As*", "Save As*"),
])
def test_a_pattern_listing_a_translated_applications_names_reads_as_those_names(pattern: str,
                                                                                words: str) -> None:
    from app.format.matching import pattern_words

    assert pattern_words(pattern) == words


def test_the_step_says_the_names_a_pattern_lists_not_the_expression(letter: Wizard) -> None:
    from app.engine.conditions import describe_at
    from app.format.model import ActiveCond, WindowMatch

    cond = ActiveCond(active=WindowMatch(title="re:^(Print|Afdrukken|Drucken)$"))
    assert describe_at(cond, "0", {}) == "a window titled “Print / Afdrukken / Drucken” in front"
