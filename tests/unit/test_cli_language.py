"""The command line speaks the person's language as the tray app chooses it (their setting, else the admin
policy's default, else the system's): `show`, `doctor` and `run --dry-run` in Dutch and German; what
scripts read (--json) stays English."""

from __future__ import annotations

import json
import locale
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.cli_support import isolate, run

DRY = """\
wayguide: 1
id: t.dry
title: Save the letter
modes: [black]
review:
  - {id: q1, question: Which key saves?, options: [{text: Ctrl+S, correct: true}, {text: F1}]}
steps:
  - {id: save, title: Save, do: [{keys: ctrl+s}]}
"""


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    isolate(tmp_path, monkeypatch)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    yield tmp_path
    monkeypatch.undo()
    # The C library caches the messages it translated (strerror's, once Qt set the locale) under the locale,
    # not LANGUAGE: setting the locale again empties that cache, so no later test reads "Bestand of map
    # bestaat niet".
    current = locale.setlocale(locale.LC_MESSAGES)
    locale.setlocale(locale.LC_MESSAGES, "C" if current != "C" else "POSIX")
    locale.setlocale(locale.LC_MESSAGES, current)


def test_show_speaks_the_system_s_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "nl")
    code, out, _ = run("show", "mousepad.save-as-pdf")
    assert code == 0
    assert "## Stappen" in out and "## Steps" not in out
    assert "*Klaar als: Mousepad met de titel “\\*Mousepad” op de voorgrond.*" in out
    monkeypatch.setenv("LANGUAGE", "de")
    code, out, _ = run("show", "mousepad.save-as-pdf")
    assert "## Schritte" in out
    assert "*Erledigt, wenn: Mousepad mit dem Titel “\\*Mousepad” im Vordergrund.*" in out


def test_the_person_s_setting_wins_over_the_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "nl")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text(json.dumps({"language": "de"}))
    code, out, _ = run("show", "mousepad.save-as-pdf")
    assert code == 0 and "## Schritte" in out


def test_english_stays_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    code, out, _ = run("show", "mousepad.save-as-pdf")
    assert code == 0 and "## Steps" in out and "*Done when: Mousepad titled “\\*Mousepad” in front.*" in out


@pytest.mark.parametrize(("language", "lines"), [
    ("nl", ["Proefuitvoering van t.dry (automatisch): er wordt niets echt gedaan.",
            "1. Save",
            "   - Wayguide zou dit doen: Druk op Ctrl+S.",
            "Voltooid: 1 stap, 1 door Wayguide gedaan, 0 door jou.",
            "Herhalen: na een begeleide uitvoering komt 1 vraag later terug: q1"]),
    ("de", ["Probedurchlauf von t.dry (automatisch): Es wird nichts wirklich ausgeführt.",
            "1. Save",
            "   - Wayguide würde Folgendes tun: Strg+S drücken.",
            "Erledigt: 1 Schritt, 1 von Wayguide erledigt, 0 von Ihnen.",
            "Wiederholung: Nach einem begleiteten Durchlauf kommt 1 Frage später wieder: q1"]),
])
def test_a_dry_run_speaks_the_person_s_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                language: str, lines: list[str]) -> None:
    monkeypatch.setenv("LANGUAGE", language)
    monkeypatch.setattr("app.platform.ipc.send", lambda *a, **k: pytest.fail("a dry run contacted the app"))
    wizard = tmp_path / "dry.yaml"
    wizard.write_text(DRY)
    code, out, err = run("run", str(wizard), "--dry-run")
    assert (code, err) == (0, "")
    assert out.splitlines() == lines


def test_a_dry_run_s_input_errors_speak_the_person_s_language(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "nl")
    wizard = tmp_path / "dry.yaml"
    wizard.write_text(DRY.replace("steps:", "inputs: [{name: amount, label: Amount, type: number}]\nsteps:"))
    code, _, err = run("run", str(wizard), "--dry-run", "--set", "amount=twelve")
    assert (code, err) == (1, "wayguide: error: --set amount: 'twelve' is geen getal.\n")


def test_doctor_speaks_the_person_s_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "nl")
    _, out, _ = run("doctor")
    rows = {line[2:].split("  ")[0].strip(): line for line in out.splitlines() if line[:1] in "✓!✗"}
    assert {"bibliotheek", "logbestand", "beleid", "automatisering"} <= set(rows), out
    assert "wizards (bron: " in rows["bibliotheek"] and "(nog niets gelogd)" in rows["logbestand"], out
    assert "gebruiksgegevens: aan, zoekopdrachten niet bewaard, 180 dagen bewaard" in out, out
    monkeypatch.setenv("LANGUAGE", "de")
    _, out, _ = run("doctor")
    assert "Anleitungen (Quelle: " in out and "Protokolldatei" in out, out
    assert "keine Richtliniendatei unter " in out and "LRS: keiner in der Richtlinie" in out, out


@pytest.mark.parametrize(("language", "said"), [
    ("nl", "wayguide: error: geen wizard met id 'mousepad.save-as-pfd' "
           "(bedoel je 'mousepad.save-as-pdf'?)\n"),
    ("de", "wayguide: error: keine Anleitung mit der ID 'zzzz' (siehe: wayguide list)\n"),
])
def test_an_unknown_wizard_is_said_in_the_person_s_language(monkeypatch: pytest.MonkeyPatch, language: str,
                                                             said: str) -> None:
    monkeypatch.setenv("LANGUAGE", language)
    wizard = "zzzz" if language == "de" else "mousepad.save-as-pfd"
    assert run("show", wizard)[1:] == ("", said)
    assert run("run", wizard, "--dry-run")[1:] == ("", said)


POLICY = """\
settings: {hotkey: ctrl+alt+w}
locked: [hotkey]
library: {folders: [%s], urls: ["https://wizards.example.com/lib/"], locked: true}
trust: {automation: signed}
usage: {retention_days: 1, search_queries: true}
learning: {fade_after: 1}
lrs: {endpoint: "https://lrs.example.com/xAPI/", credentials: {env: NO_SUCH_VARIABLE}}
"""
ENGLISH_WORD = re.compile(r"(?<![\w/.:_-])[A-Za-z]*[aeiouAEIOU][A-Za-z]*(?![\w/.:_-])")
"""A plain word with an unaccented vowel: the pseudo-language accents every vowel of a message."""
NOT_MESSAGES = {"LRS", "URLs", "NO_SUCH_VARIABLE", "WAYGUIDE_LRS_ENDPOINT", "hotkey",
                "ctrl", "alt", "http", "https", "wizards", "example", "com", "lib", "xAPI", "lrs"}
"""Values, not messages: setting names and values as the policy writes them, the host and path of a URL."""


def test_doctor_leaves_no_message_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the pseudo-language every message is accented: a plain English word in the report is a message
    that is not translated (the machine's facts, paths and the policy's own values aside)."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "WAYGUIDE_LRS_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "share").mkdir()
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY % (tmp_path / "share"))
    monkeypatch.setenv("WAYGUIDE_POLICY", str(policy))
    monkeypatch.setenv("LANGUAGE", "qps")
    _, out, _ = run("doctor")
    words = {word for line in out.splitlines() for word in ENGLISH_WORD.findall(line)}
    assert words - NOT_MESSAGES == set(), out


def test_json_stays_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "nl")
    code, out, _ = run("list", "--json")
    english = json.loads(out)
    monkeypatch.setenv("LANGUAGE", "en")
    assert code == 0 and json.loads(run("list", "--json")[1]) == english
