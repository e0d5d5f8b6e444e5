"""xAPI language maps: texts named in the language they are written in (en-US, nl-NL, de-DE), a wizard's
title in each of its languages, Wayguide's own words (verbs, the library) in every language it speaks."""

from __future__ import annotations

import json
import sqlite3
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engine import Answer, Next, Start
from app.format.loader import load_file
from app.format.model import Wizard
from app.usage import LrsConfig, UsageConfig, UsageEvent
from app.usage.recorder import Recorder
from app.usage.report import build
from app.usage.store import DB_NAME, MIGRATIONS, SCHEMA_VERSION, connect
from app.usage.xapi import language_map, language_tag, statement
from tests.unit.test_usage import Driven, events, flushed

LRS = LrsConfig("https://lrs.example.com/xAPI/", "key", "secret")
T0 = 1_700_000_000.0

MULTI = """\
wayguide: 1
id: t.claim
language: en
title: {en: Submit a claim, nl: Declaratie indienen, de: Spesen einreichen}
inputs: [{name: note, label: {en: Note, nl: Notitie}}]
steps:
  - id: open
    title: {en: Open the form, nl: Open het formulier}
  - id: check
    title: Check yourself
    quiz:
      question: {en: Which cost centre?, nl: Welke kostenplaats?, de: Welche Kostenstelle?}
      options:
        - {text: {en: Own team, nl: Eigen team, de: Eigenes Team}}
        - {text: {en: Sales, de: Vertrieb}, correct: true}
"""


@pytest.mark.parametrize(("language", "tag"), [
    ("en", "en-US"), ("nl", "nl-NL"), ("de", "de-DE"), ("nl_BE", "nl-BE"), ("nl-be", "nl-BE"),
    ("de_AT", "de-AT"), ("fr", "fr-FR"), ("pt-BR", "pt-BR"), ("", "en-US"),
])
def test_a_language_becomes_a_tag_with_a_region(language: str, tag: str) -> None:
    assert language_tag(language) == tag


def test_a_language_map_keeps_the_first_text_of_a_tag_and_drops_empty_ones() -> None:
    assert language_map({"nl": "Eén", "nl_NL": "Twee", "de": "", "en": "One"}) == {"nl-NL": "Eén",
                                                                                  "en-US": "One"}


def test_verbs_and_the_library_are_named_in_every_language_wayguide_speaks() -> None:
    made = statement(UsageEvent("started", T0, run="r", wizard="w", title="Write", language="en"), "p", LRS)
    assert made["verb"]["display"] == {"en-US": "launched", "nl-NL": "gestart", "de-DE": "gestartet"}
    search = statement(UsageEvent("search", T0, results=2), "p", LRS)
    assert search["object"]["definition"]["name"] == {
        "en-US": "Wayguide task library", "nl-NL": "Takenbibliotheek van Wayguide",
        "de-DE": "Aufgabenbibliothek von Wayguide"}


@pytest.mark.parametrize(("language", "tag"), [(None, "en-US"), ("en", "en-US"), ("nl", "nl-NL"),
                                               ("nl_BE", "nl-BE"), ("de", "de-DE")])
def test_a_title_is_named_in_the_language_it_is_written_in(language: str | None, tag: str) -> None:
    event = UsageEvent("started", T0, run="r", wizard="w", title="Titel", language=language)
    assert statement(event, "p", LRS)["object"]["definition"]["name"] == {tag: "Titel"}
    untitled = UsageEvent("completed", T0, run="r", wizard="w", language=language)
    assert statement(untitled, "p", LRS)["object"]["definition"]["name"] == {"und": "w"}  # an id: no language


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[Recorder]:
    rec = Recorder(clock=lambda: T0 + 100)
    rec.open(tmp_path / DB_NAME, UsageConfig())
    yield rec
    rec.close()


def loaded(tmp_path: Path, text: str) -> Wizard:
    path = tmp_path / "w.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = load_file(path)
    assert result.wizard is not None, result.diagnostics
    return result.wizard


def test_a_wizard_in_several_languages_is_named_in_each(recorder: Recorder, tmp_path: Path) -> None:
    wiz = loaded(tmp_path, MULTI)
    run = Driven(recorder, wiz)
    run.send(Start(mode="glass", values={"note": "Zorblax"}, at=T0))
    run.send(Next(at=T0 + 2))
    run.send(Answer(chosen=(1,), at=T0 + 3))
    flushed(recorder)
    rows = events(tmp_path / DB_NAME)
    assert "Zorblax" not in json.dumps(rows)
    by_kind = {(r["kind"], r["step"]): r for r in rows}
    started = by_kind[("started", None)]
    assert (started["title"], started["language"]) == ("Submit a claim", "en")
    assert json.loads(str(started["translations"])) == {"de": {"title": "Spesen einreichen"},
                                                        "nl": {"title": "Declaratie indienen"}}
    columns = [c for c in UsageEvent.__dataclass_fields__]

    def made(row: dict[str, object]) -> dict[str, object]:
        return statement(UsageEvent(**{c: row[c] for c in columns}), "p", LRS)  # type: ignore[arg-type]

    assert made(started)["object"]["definition"]["name"] == {  # type: ignore[index]
        "en-US": "Submit a claim", "nl-NL": "Declaratie indienen", "de-DE": "Spesen einreichen"}
    shown = made(by_kind[("step-shown", "open")])["object"]["definition"]  # type: ignore[index]
    assert shown["name"] == {"en-US": "Open the form", "nl-NL": "Open het formulier"}
    untranslated = made(by_kind[("step-shown", "check")])["object"]["definition"]  # type: ignore[index]
    assert untranslated["name"] == {"en-US": "Check yourself"}
    question = made(by_kind[("answered", "check")])["object"]["definition"]  # type: ignore[index]
    assert question["name"] == {"en-US": "Which cost centre?", "nl-NL": "Welke kostenplaats?",
                                "de-DE": "Welche Kostenstelle?"}
    assert [c["description"] for c in question["choices"]] == [
        {"en-US": "Own team", "nl-NL": "Eigen team", "de-DE": "Eigenes Team"},
        {"en-US": "Sales", "de-DE": "Vertrieb"}]


def test_a_dutch_wizard_is_named_in_dutch(recorder: Recorder, tmp_path: Path) -> None:
    wiz = loaded(tmp_path, "wayguide: 1\nid: t.nl\nlanguage: nl\ntitle: Declaratie indienen\n"
                           "steps: [{id: a, title: Open het formulier}]\n")
    run = Driven(recorder, wiz)
    run.send(Start(mode="glass", at=T0))
    flushed(recorder)
    started = events(tmp_path / DB_NAME)[0]
    assert (started["language"], started["translations"]) == ("nl", None)
    event = UsageEvent("started", T0, run="r", wizard="t.nl", title=str(started["title"]), language="nl")
    assert statement(event, "p", LRS)["object"]["definition"]["name"] == {"nl-NL": "Declaratie indienen"}


def test_a_review_answer_is_named_in_the_wizard_s_languages(recorder: Recorder, tmp_path: Path) -> None:
    wiz = loaded(tmp_path, MULTI + textwrap.dedent("""\
        review:
          - id: cc
            question: {en: Which cost centre?, de: Welche Kostenstelle?}
            options:
              - {text: Own team}
              - {text: {en: Sales, nl: Verkoop}, correct: true}
        """))
    recorder.review_answered(wiz, wiz.review[0], [1])
    flushed(recorder)
    [row] = events(tmp_path / DB_NAME)
    assert (row["language"], json.loads(str(row["translations"]))) == ("en", {
        "de": {"title": "Welche Kostenstelle?"}, "nl": {"choices": [None, "Verkoop"]}})


def test_a_store_from_before_languages_gains_the_columns_and_its_rows_stay_english(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(old)
    conn.executescript(";".join(MIGRATIONS[:4]) + "; PRAGMA user_version = 4;")
    conn.execute("INSERT INTO events (id, kind, at, run, wizard, title) VALUES ('e', 'started', 1, 'r', 'w', "
                 "'Old title')")
    conn.commit()
    conn.close()
    migrated = connect(old)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    assert {"language", "translations"} <= {row[1] for row in migrated.execute("PRAGMA table_info(events)")}
    migrated.close()
    row = UsageEvent("started", 1.0, run="r", wizard="w", title="Old title", translations="not json")
    assert statement(row, "p", LRS)["object"]["definition"]["name"] == {"en-US": "Old title"}


@pytest.mark.parametrize(("language", "wizard_title", "step_titles"), [
    (None, "Submit a claim", ["Open the form", "Check yourself"]),
    ("en", "Submit a claim", ["Open the form", "Check yourself"]),
    ("nl", "Declaratie indienen", ["Open het formulier", "Check yourself"]),
    ("nl-BE", "Declaratie indienen", ["Open het formulier", "Check yourself"]),
    ("de", "Spesen einreichen", ["Open the form", "Check yourself"]),
])
def test_the_report_names_wizards_and_steps_in_its_language_where_they_have_it(
        recorder: Recorder, tmp_path: Path, language: str | None, wizard_title: str,
        step_titles: list[str]) -> None:
    run = Driven(recorder, loaded(tmp_path, MULTI))
    run.send(Start(mode="glass", at=T0))
    run.send(Next(at=T0 + 2))
    flushed(recorder)
    [stats] = build(tmp_path / DB_NAME, now=T0 + 10, language=language).wizards
    assert (stats.title, [s.title for s in stats.steps]) == (wizard_title, step_titles)
