"""Where "Do it for me" cannot work after all, the step says why in the run's language, whatever language
the desktop's reason was found out in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.engine import Perform
from app.format.loader import wizard_in
from app.i18n import load
from app.ports import FakeAutomation, FakeWindowProbe
from app.runtime.performing import Performing
from app.runtime.run import Run


@pytest.mark.parametrize(("language", "probe", "automation", "said"), [
    ("nl", None, FakeAutomation(),
     "Wayguide kan deze stap hier niet voor je doen: hier is niet te bepalen welk venster op de voorgrond "
     "staat."),
    ("de", FakeWindowProbe(), FakeAutomation(unavailable="there is no X display to type into"),
     "Wayguide kann diesen Schritt hier nicht für Sie erledigen: es gibt keine X-Anzeige, in die getippt "
     "werden kann."),
    ("en", FakeWindowProbe(), FakeAutomation(unavailable="there is no X display to type into"),
     "Wayguide cannot do this step for you here: there is no X display to type into."),
])
def test_why_a_step_cannot_be_done_is_said_in_the_run_s_language(
        qapp: Any, tmp_path: Path, language: str, probe: FakeWindowProbe | None, automation: FakeAutomation,
        said: str) -> None:
    path = tmp_path / "greet.yaml"
    path.write_text("wayguide: 1\nid: greet\ntitle: Greet\n"
                    "steps:\n  - {id: type, title: Type, do: [{type: Hi}]}\n")
    wizard = wizard_in(path)
    assert wizard is not None
    performing = Performing(lambda: probe, lambda: None, lambda: None, automation=automation)
    run = Run(wizard, None, path, load(languages=[language]))
    assert performing.perform(run, Perform("type", (), "fast")) == said
    english = Run(wizard, None, path)  # found out once, said again in each run's language
    assert performing.perform(english, Perform("type", (), "fast")).startswith("Wayguide cannot do this step")
