"""What the platform layer says (`wayguide doctor`'s details, why "Do it for me" cannot work, why the
desktop cannot be asked) is said in the person's language; in English exactly as written."""

from __future__ import annotations

import gettext

import pytest

from app.cli.doctor import checks
from app.i18n import ENGLISH, N_, Phrase, load
from app.platform.atspi_check import accessibility_check
from app.platform.desktop_facts import DesktopFacts, automation_problem, probe_facts
from app.platform.hotkeys import hotkey_support
from app.ports import FakeAutomation, ProbeUnavailable

NO_DISPLAY = DesktopFacts("linux", "none", {}, "DISPLAY is not set")
WAYLAND = DesktopFacts("linux", "wayland", {"WAYLAND_DISPLAY": "wayland-0"}, "DISPLAY is not set")


@pytest.fixture(scope="module")
def dutch() -> gettext.NullTranslations:
    return load(languages=["nl"])


@pytest.fixture(scope="module")
def german() -> gettext.NullTranslations:
    return load(languages=["de"])


def details(facts: DesktopFacts, tr: gettext.NullTranslations) -> dict[str, str]:
    return {check.name: check.detail for check in checks(facts, tr)}


def test_the_doctor_s_desktop_checks_speak_dutch_and_german(dutch: gettext.NullTranslations,
                                                            german: gettext.NullTranslations) -> None:
    facts = probe_facts({}, dutch)  # no DISPLAY: the reason is said in Dutch
    assert facts.display_error == "DISPLAY is niet ingesteld"
    assert details(facts, dutch) == {
        "display": "DISPLAY is niet ingesteld",
        "global hotkey": "geen display: DISPLAY is niet ingesteld",
        "automation": "er is geen X-display om in te typen; wizards werken begeleid: jij doet de stappen, "
                      "Wayguide legt ze uit"}
    assert details(probe_facts({}, german), german) == {
        "display": "DISPLAY ist nicht gesetzt",
        "global hotkey": "keine Anzeige: DISPLAY ist nicht gesetzt",
        "automation": "es gibt keine X-Anzeige, in die getippt werden kann; Anleitungen laufen begleitet: "
                      "Sie erledigen die Schritte, Wayguide erklärt sie"}
    assert details(DesktopFacts("darwin", "darwin", {}), german)["automation"] == (
        "braucht eine Berechtigung: Systemeinstellungen ▸ Datenschutz & Sicherheit ▸ Bedienungshilfen, "
        "Wayguide erlauben")


def test_the_hotkey_advice_names_the_desktop_s_settings_in_the_person_s_language(
        dutch: gettext.NullTranslations, german: gettext.NullTranslations) -> None:
    assert hotkey_support("linux", WAYLAND.env, dutch) == (
        False, "Wayland staat geen globale sneltoetsen toe: koppel `wayguide toggle` aan een sneltoets van "
        "het bureaublad (GNOME: Instellingen ▸ Toetsenbord ▸ Aangepaste sneltoetsen; KDE: "
        "Systeeminstellingen ▸ Sneltoetsen)")
    can, advice = hotkey_support("sunos5", {"DISPLAY": ":0"}, german)
    assert not can and advice.startswith("keine globalen Tastenkürzel unter sunos5: legen Sie `wayguide "
                                         "toggle`")
    x11 = DesktopFacts("linux", "x11", {"DISPLAY": ":0"}, None, frozenset({"XTEST"}), "Openbox", True)
    assert details(x11, dutch)["global hotkey"].startswith("de X-server mist de RECORD-extensie: koppel ")


def test_why_do_it_for_me_cannot_work_is_its_own_msgid(dutch: gettext.NullTranslations,
                                                      german: gettext.NullTranslations) -> None:
    for facts, nl, de in [
        (NO_DISPLAY, "er is geen X-display om in te typen",
         "es gibt keine X-Anzeige, in die getippt werden kann"),
        (WAYLAND, "Wayland laat de ene toepassing niet in de andere typen",
         "Wayland lässt eine Anwendung nicht in eine andere tippen"),
        (DesktopFacts("linux", "x11", {"DISPLAY": ":0"}, None, frozenset({"RECORD"})),
         "de X-server mist de XTEST-extensie", "dem X-Server fehlt die XTEST-Erweiterung")]:
        english = automation_problem(facts)
        assert english is not None
        assert automation_problem(facts, dutch) == dutch.gettext(english) == nl  # kept English, said later
        assert automation_problem(facts, german) == german.gettext(english) == de
    assert automation_problem(DesktopFacts("linux", "x11", {"DISPLAY": ":0"}, None, frozenset({"XTEST"})),
                              dutch) is None
    assert dutch.gettext("the window in front cannot be known here") == (
        "hier is niet te bepalen welk venster op de voorgrond staat")


def test_a_probe_unavailable_is_english_and_said_in_the_reader_s_language(
        dutch: gettext.NullTranslations, german: gettext.NullTranslations) -> None:
    exc = ProbeUnavailable(N_("cannot open the X display: {problem}"), problem=ConnectionRefusedError("no"))
    assert str(exc) == "cannot open the X display: no" and exc.said(ENGLISH) == str(exc)
    assert exc.said(dutch) == "kan het X-display niet openen: no"
    assert exc.said(german) == "die X-Anzeige lässt sich nicht öffnen: no"
    held = ProbeUnavailable(N_("the X server did not answer for {seconds} s while Wayguide held it to type "
                               "(another program may be holding it); typing stopped and the desktop was let "
                               "go"), seconds="1.5")
    assert "answer for 1.5 s while" in str(held) and "antwoordde 1.5 s niet" in held.said(dutch)
    fixed = ProbeUnavailable(N_("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"))
    assert fixed.said(german) == "kein D-Bus-Sitzungsbus (DBUS_SESSION_BUS_ADDRESS ist nicht gesetzt)"


def test_a_probe_unavailable_message_is_safe_with_braces_and_with_a_wrong_translation() -> None:
    assert str(ProbeUnavailable("a {literal} brace")) == "a {literal} brace"  # no values: not formatted
    assert ProbeUnavailable("").said(load(languages=["nl"])) == ""  # never the catalogue's header

    class Misspelt(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "kapot: {probleem}"

    assert ProbeUnavailable(N_("cannot open the X display: {problem}"), problem="x").said(Misspelt()) == (
        "cannot open the X display: x")


def test_values_that_can_be_said_are_said_in_the_reader_s_language(dutch: gettext.NullTranslations) -> None:
    inner = ProbeUnavailable(N_("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"))
    outer = ProbeUnavailable(N_("accessibility events cannot be had ({problem})"), problem=inner)
    assert str(outer) == ("accessibility events cannot be had (no D-Bus session bus "
                          "(DBUS_SESSION_BUS_ADDRESS is not set))")
    assert outer.said(dutch) == ("toegankelijkheidsgebeurtenissen zijn niet beschikbaar (geen "
                                 "D-Bus-sessiebus (DBUS_SESSION_BUS_ADDRESS is niet ingesteld))")
    phrase = ProbeUnavailable(N_("no input watcher for {platform} yet"),
                              platform=Phrase(N_("no application yet")))
    assert phrase.said(dutch) == "nog geen invoerbewaking voor nog geen enkele toepassing"


def test_the_fake_automation_s_problem_is_said_like_the_desktop_s(dutch: gettext.NullTranslations) -> None:
    with pytest.raises(ProbeUnavailable) as raised:
        FakeAutomation(unavailable="there is no X display to type into").connect()
    assert raised.value.said(dutch) == "er is geen X-display om in te typen"


class Bus:
    """The accessibility bus as the check sees it: the applications that answered, how many did not, or
    why there is none."""

    def __init__(self, names: list[str], silent: int = 0, problem: ProbeUnavailable | None = None) -> None:
        self.names, self.silent, self.problem, self.closed = names, silent, problem, False

    def applications(self) -> tuple[list[str], int]:
        if self.problem is not None:
            raise self.problem
        return self.names, self.silent

    def close(self) -> None:
        self.closed = True


def test_the_accessibility_check_counts_in_the_person_s_language(dutch: gettext.NullTranslations,
                                                                german: gettext.NullTranslations) -> None:
    names = [f"app{n:02}" for n in range(14)]
    works, detail = accessibility_check(ENGLISH, Bus(names, 1))
    assert works and detail.startswith(f"AT-SPI; controls shown by {', '.join(names[:12])} and 2 more "
                                       "(1 more did not answer within 2 s). Others: Qt applications show ")
    bus = Bus(names[:13], 3)
    works, detail = accessibility_check(dutch, bus)
    assert works and bus.closed
    assert detail.startswith(f"AT-SPI; elementen getoond door {', '.join(names[:12])} en nog 1 "
                             "(3 andere antwoordden niet binnen 2 s). Andere: Qt-toepassingen tonen ")
    assert accessibility_check(german, Bus([]))[1].startswith(
        "AT-SPI; Bedienelemente gezeigt von noch keiner Anwendung. Andere: Qt-Anwendungen zeigen ")
    missing = ProbeUnavailable(N_("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"))
    assert accessibility_check(ENGLISH, Bus([], problem=missing)) == (
        False, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set): steps find windows but not the "
        "controls inside them (a desktop session starts the bus; scripts/start does where none runs)")
    assert accessibility_check(dutch, Bus([], problem=missing)) == (
        False, "geen D-Bus-sessiebus (DBUS_SESSION_BUS_ADDRESS is niet ingesteld): stappen vinden vensters, "
        "maar niet de elementen daarin (een bureaubladsessie start de bus; scripts/start doet dat waar er "
        "geen draait)")
