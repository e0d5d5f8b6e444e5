"""The messages the engine and the runs compose with parameters are said in the person's language: the
engine is handed the Dutch or German catalogue, and what it says comes out in it, parameters filled in."""

from __future__ import annotations

import gettext

import pytest

from app.engine import (
    Engine,
    Failed,
    HistoryEntry,
    InputsInvalid,
    Notice,
    Refused,
    RunState,
    ShowStep,
    Start,
    SubmitInputs,
)
from app.format.model import Wizard
from app.format.wording import describe_action
from app.i18n import load
from app.runtime.run import steps_summary
from tests.unit.test_engine import BLACK, LINEAR, T0, only, wizard


@pytest.fixture(params=["nl", "de"])
def tr(request: pytest.FixtureRequest) -> gettext.NullTranslations:
    translations = load(languages=[request.param])
    assert translations.info().get("language") == request.param, "the catalogue is shipped"
    return translations


def lang(tr: gettext.NullTranslations) -> str:
    return tr.info()["language"]


UNTIL = {
    "nl": "gaat verder zodra het dit ziet: Mousepad op de voorgrond",
    "de": "geht weiter, sobald Wayguide Folgendes sieht: Mousepad im Vordergrund",
}
COMBINED = {
    "nl": "F5 ingedrukt of (3 s verstreken en het bestand ~/Ann.txt met “Dear” erin)",
    "de": "F5 gedrückt oder (3 s vergangen und die Datei ~/Ann.txt mit „Dear“ darin)",
}


def test_what_ends_a_step_is_said_in_the_language(tr: gettext.NullTranslations) -> None:
    engine = Engine(wizard("{id: t.until, steps: [{id: a, title: A, until: {active: {app: mousepad}}}]}"), tr)
    _, effects = engine.handle(engine.initial(), Start(at=T0))
    assert only(effects, ShowStep).until == UNTIL[lang(tr)]
    ends = {"any": [{"keys": "f5"}, {"all": [{"after": 3}, {"file": {"path": "~/{{ inputs.name }}.txt",
                                                                      "contains": "Dear"}}]}]}
    engine = Engine(Wizard.model_validate({"wayguide": 1, "id": "t.until2", "title": "Until",
                                           "inputs": [{"name": "name", "label": "Name", "default": "Ann"}],
                                           "steps": [{"id": "a", "title": "A", "until": ends}]}), tr)
    _, effects = engine.handle(engine.initial(), Start(at=T0))
    assert only(effects, ShowStep).until.endswith(": " + COMBINED[lang(tr)])


REFUSED = {
    "nl": ("Deze wizard kan niet in modus 'grey' worden uitgevoerd (toegestaan: glass of black).",
           "Deze wizard kan niet in modus 'black' worden uitgevoerd (toegestaan: glass)."),
    "de": ("Diese Anleitung kann nicht im Modus „grey“ laufen (erlaubt: glass oder black).",
           "Diese Anleitung kann nicht im Modus „black“ laufen (erlaubt: glass)."),
}


def test_a_refused_mode_is_said_in_the_language(tr: gettext.NullTranslations) -> None:
    both = Engine(wizard("{id: t.both, steps: [{id: a, title: A, do: [{keys: f1}]}]}"), tr)
    refused = only(both.handle(both.initial(), Start(mode="grey", at=T0))[1], Refused)
    assert refused.reason == REFUSED[lang(tr)][0]
    glass = Engine(LINEAR, tr)
    assert only(glass.handle(glass.initial(), Start(mode="black", at=T0))[1], Refused).reason == \
        REFUSED[lang(tr)][1]


INVALID = {
    "nl": {"customer": "Verplicht.", "amount": "'twelve' is geen getal.",
           "kind": "'boat' is niet een van: travel, meals.", "nope": "Geen invoerveld van deze wizard."},
    "de": {"customer": "Pflichtfeld.", "amount": "„twelve“ ist keine Zahl.",
           "kind": "„boat“ ist keiner dieser Werte: travel, meals.",
           "nope": "Kein Eingabefeld dieser Anleitung."},
}


def test_invalid_inputs_are_said_in_the_language(tr: gettext.NullTranslations) -> None:
    engine = Engine(BLACK, tr)
    state, _ = engine.handle(engine.initial(), Start(mode="black", at=T0))
    values = {"amount": "twelve", "kind": "boat", "nope": "x"}
    _, effects = engine.handle(state, SubmitInputs(values, at=T0 + 1))
    assert only(effects, InputsInvalid).errors == INVALID[lang(tr)]


FILLED = {"nl": "Actie 2 (paste) kon niet worden ingevuld: ",
          "de": "Aktion 2 (paste) ließ sich nicht ausfüllen: "}
UNKNOWN_STEP = {"nl": "Deze optie leidt naar stap 'nowhere', maar die heeft deze wizard niet.",
                "de": "Diese Möglichkeit führt zu Schritt „nowhere“, den es in dieser Anleitung nicht gibt."}


def test_a_failure_and_a_notice_are_said_in_the_language(tr: gettext.NullTranslations) -> None:
    engine = Engine(wizard("""
        id: t.badtemplate
        modes: [black]
        steps:
          - {id: a, title: A, do: [{keys: ctrl+n}, {paste: "{{ inputs.nope }}"}]}
    """), tr)
    failed = only(engine.handle(engine.initial(), Start(at=T0))[1], Failed)
    assert failed.message.startswith(FILLED[lang(tr)]) and "nope" in failed.message
    from app.engine import Choose

    engine = Engine(wizard("""
        id: t.lost
        steps:
          - {id: a, title: A, choice: [{label: Go, goto: nowhere}, {label: Stay, goto: a}]}
    """), tr)
    state, _ = engine.handle(engine.initial(), Start(at=T0))
    assert only(engine.handle(state, Choose(index=0, at=T0 + 1))[1], Notice).message == UNKNOWN_STEP[lang(tr)]


SUMMARIES = {
    "nl": ("1 stap: 1 opgemerkt", "3 stappen: 2 opgemerkt, 1 voor je gedaan", "geen stappen"),
    "de": ("1 Schritt: 1 erkannt", "3 Schritte: 2 erkannt, 1 für Sie erledigt", "keine Schritte"),
}


def _ran(*outcomes: str) -> RunState:
    history = tuple(HistoryEntry(f"s{i}", o, "glass", T0, T0) for i, o in enumerate(outcomes))  # type: ignore[arg-type]
    return RunState(wizard_id="t", mode="glass", treatment="glass", history=history)


def test_steps_summary_takes_the_language_s_plural_forms(tr: gettext.NullTranslations) -> None:
    one, three, none = SUMMARIES[lang(tr)]
    assert steps_summary(_ran("detected"), tr) == one
    assert steps_summary(_ran("detected", "automated", "detected", "skipped-when"), tr) == three
    assert steps_summary(_ran(), tr) == none


def test_steps_summary_in_english_counts_one_step_as_one() -> None:
    assert steps_summary(_ran("detected")) == "1 step: 1 noticed"
    assert steps_summary(_ran("person", "automated")) == "2 steps: 1 done by you, 1 done for you"


def test_actions_are_described_in_the_language(tr: gettext.NullTranslations) -> None:
    from app.format.model import ClickAction, KeysAction, WaitAction

    words = {"nl": ("Druk op Ctrl+S.", "Klik op **OK** (knop).", "Wacht tot **Opmaak** (menu) uitgeklapt is.",
                    "Klik op het element (selectievakje)."),
             "de": ("Strg+S drücken.", "**OK** (Schaltfläche) anklicken.",
                    "Warten, bis **Opmaak** (Menü) aufgeklappt ist.",
                    "Das Bedienelement (Kontrollkästchen) anklicken.")}[lang(tr)]
    assert describe_action(KeysAction.model_validate({"keys": "ctrl+s"}), tr=tr) == words[0]
    click = ClickAction.model_validate({"click": {"element": {"role": "Button", "name": "OK"}}})
    assert describe_action(click, tr=tr) == words[1]  # an alias of a role is said as the role
    wait = WaitAction.model_validate({"wait": {"element": {"role": "menu", "name": "Opmaak"},
                                               "state": "expanded"}})
    assert describe_action(wait, tr=tr) == words[2]
    box = ClickAction.model_validate({"click": {"element": {"role": "check box"}}})
    assert describe_action(box, tr=tr) == words[3]


PERFORMER = {
    "nl": ("Er is geen venster van mousepad open.", "Gestopt.",
           "“xterm” kwam voor “Untitled - Mousepad”; Wayguide is gepauzeerd zodat er niets in het verkeerde "
           "venster wordt getypt. Klik in Mousepad en druk op Doorgaan.",
           "Wayguide kan hier geen 'copy'-acties voor je doen."),
    "de": ("Es ist kein Fenster von mousepad geöffnet.", "Angehalten.",
           "„xterm“ ist vor „Untitled - Mousepad“ gekommen; Wayguide hat angehalten, damit nichts ins "
           "falsche Fenster getippt wird. Klicken Sie in Mousepad und dann auf „Fortsetzen“.",
           "Wayguide kann hier keine „copy“-Aktionen für Sie erledigen."),
}


def test_the_performer_says_why_an_action_cannot_go_on_in_the_language(tr: gettext.NullTranslations) -> None:
    """What the panel shows when an action fails or pauses: the sentences composed there and the fixed
    ones (Stopped.) alike."""
    import threading

    from app.automation.performer import Performer
    from app.ports import FakeInjector, FakeWindowProbe
    from tests.unit.test_performer import PAD, TERM, actions

    missing, stopped, in_front, no_clipboard = PERFORMER[lang(tr)]
    perf = Performer(FakeInjector(), FakeWindowProbe(window=TERM))
    outcome, _ = perf.run(actions({"focus": {"app": "mousepad"}}), None, threading.Event(), tr=tr)
    assert (outcome.failed_at, outcome.message) == (0, missing)
    stop = threading.Event()
    stop.set()
    outcome, _ = perf.run(actions({"wait": 5}), None, stop, tr=tr)
    assert outcome.message == stopped
    outcome, _ = perf.run(actions({"keys": "ctrl+s"}), PAD, threading.Event(), tr=tr)
    assert outcome.paused_at == (0, 0) and outcome.message == in_front
    outcome, _ = Performer(FakeInjector(), FakeWindowProbe(window=PAD)).run(actions({"copy": "x"}), PAD,
                                                                           threading.Event(), tr=tr)
    assert outcome.message == no_clipboard


PRESS = {"nl": "Ctrl+Shift+Spatiebalk", "de": "Strg+Umschalt+Leertaste"}


def test_what_black_box_does_is_said_in_the_language_with_its_key_names(tr: gettext.NullTranslations) -> None:
    from app.engine import Perform

    engine = Engine(wizard("{id: t.do, steps: [{id: a, title: A, do: [{keys: ctrl+shift+space}]}]}"), tr)
    _, effects = engine.handle(engine.initial(), Start(mode="black", at=T0))
    perform = only(effects, Perform)
    assert perform.words == (describe_action(perform.actions[0], tr=tr),)
    assert PRESS[lang(tr)] in perform.words[0] and "Ctrl+Shift+Space" not in perform.words[0]
