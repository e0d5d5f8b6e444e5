"""Every view in each shipped language (offscreen): screenshots artifacts/panel-<view>-<lang>.png, and the
test fails where a button or a one-line label no longer holds its translated text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.engine import Summary
from app.i18n import load, locale_dir
from overlays import theme
from overlays.done_view import figures
from overlays.panel import Panel
from overlays.recording_bar import RecordingBar
from overlays.translator import install
from tests.gui.test_panel import Clock
from tests.gui.test_pseudo_locale import every_view_cut_off

NEXT = {"de": "&Weiter ▸", "nl": "&Volgende ▸"}
"""The step's Next button in each language (None: not checked), to know the catalogue answered."""


@pytest.fixture(params=sorted(NEXT))
def language(request: pytest.FixtureRequest, themed: QApplication) -> Iterator[str]:
    code: str = request.param
    assert (locale_dir() / code / "LC_MESSAGES" / "wayguide.mo").exists(), f"{code} is shipped"
    theme.apply_theme(themed, "light")
    installed: list[QTranslator] = install(themed, load(languages=[code]), code, [])
    yield code
    for translator in installed:
        themed.removeTranslator(translator)


def test_every_view_in_a_shipped_language(qtbot: QtBot, language: str) -> None:
    panel, problems = every_view_cut_off(qtbot, language, language)
    if NEXT[language]:
        assert panel.step.next.text() == NEXT[language]
    assert problems == {}


@pytest.mark.parametrize("language", ["de"], indirect=True)
def test_counts_take_the_language_s_plural_forms(qtbot: QtBot, language: str) -> None:
    """A %n text is asked with its number: the catalogue's rule picks the form (in German 0 is plural)."""
    bar = RecordingBar(clock=Clock())
    qtbot.addWidget(bar)
    bar.set_steps(0)
    assert bar.steps.text() == "· 0 Schritte"
    bar.set_steps(1)
    assert bar.steps.text() == "· 1 Schritt"
    assert figures(Summary(1, 0, 1, 0, 5)) == ("1 Schritt · 5 s", "1 von Ihnen")
    assert figures(Summary(0, 0, 0, 0, 72)) == ("0 Schritte · 1 min 12 s", "")


ENGINE_WORDS = {"nl": "Vink eerst alles op de checklist aan.",
                "de": "Haken Sie zuerst alle Punkte der Checkliste ab."}


UNTIL = {"nl": "◌  gaat verder zodra het dit ziet: Ctrl+S ingedrukt",
         "de": "◌  geht weiter, sobald Wayguide Folgendes sieht: Strg+S gedrückt"}


def test_the_engine_s_words_are_said_in_the_language(qtbot: QtBot, language: str) -> None:
    """The engine, handed the person's catalogue, says its sentences in it; the panel shows them as said."""
    from app.engine import Next, Skip
    from tests.gui.test_panel import Run, wizard

    panel = Panel(clock=Clock())
    qtbot.addWidget(panel)
    run = Run(panel, wizard(), Clock(), load(languages=[language]))
    run.start("glass", {"amount": "12", "project": "alpha"})
    run.handle(Next(at=1.0))  # the checklist is not ticked yet
    assert panel.step.notice.message() == ENGINE_WORDS[language]
    run.handle(Skip(at=2.0))  # on to the step that ends when Ctrl+S is pressed
    assert panel.step.until.text() == UNTIL[language], panel.step.until.text()


@pytest.mark.parametrize("language", ["de"], indirect=True)
def test_keys_are_named_as_the_language_names_them(qtbot: QtBot, language: str) -> None:
    from overlays.views import combo_words

    assert combo_words("ctrl+alt+space") == "Strg+Alt+Leertaste"
    assert combo_words("ctrl+shift+page_down") == "Ctrl+Shift+Page_down"  # Qt cannot read it: as written
    panel = Panel(clock=Clock())
    qtbot.addWidget(panel)
    panel.show_home([], [], None, "ctrl+alt+space")
    assert panel.home.hint.text().startswith("Strg+Alt+Leertaste")


def test_what_black_box_does_is_shown_as_the_engine_said_it(qtbot: QtBot, language: str) -> None:
    from app.engine import Engine, Perform, Start
    from app.format.model import Wizard
    from overlays.step_view import action_line

    wizard = Wizard.model_validate({"wayguide": 1, "id": "t.keys", "title": "Keys",
                                    "steps": [{"id": "a", "title": "A", "do": [{"keys": "ctrl+s"}]}]})
    engine = Engine(wizard, load(languages=[language]))
    _, effects = engine.handle(engine.initial(), Start(mode="black", at=0.0))
    perform = next(e for e in effects if isinstance(e, Perform))
    line = action_line(perform.display[0], perform.words[0])
    assert line == {"nl": "Druk op Ctrl+S…", "de": "Strg+S drücken…"}[language], line
    english = Engine(wizard).handle(Engine(wizard).initial(), Start(mode="black", at=0.0))[1]
    said = next(e for e in english if isinstance(e, Perform))
    assert action_line(said.display[0], said.words[0]) == "Pressing Ctrl+S…"  # English: as it happens
