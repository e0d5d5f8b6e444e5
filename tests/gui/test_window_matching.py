"""One rule decides which window a wizard is for: the task list (relevance), black box (the
performer), the highlight and glass box's `active` condition (the engine) all agree, including on a
window found only by its class name (WM_CLASS class, e.g. LibreOffice's "libreoffice-calc" whose
instance is "soffice"), which the engine once ignored."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from app.automation.performer import Performer
from app.engine import Engine, Start, WindowActivated
from app.format import model
from app.format.matching import window_fits
from app.library.relevance import relevant
from app.ports import FakeInjector, FakeWindowProbe, WindowInfo
from overlays.highlight import Highlighter

CALC = WindowInfo(app="soffice", klass="libreoffice-calc", title="Untitled 1 - LibreOffice Calc",
                  exe="soffice.bin", handle=11, geometry=(0, 0, 800, 600))
PAD = WindowInfo(app="mousepad", klass="Mousepad", title="notes.txt - Mousepad", handle=12,
                 geometry=(0, 0, 800, 600))
NOTEPAD = WindowInfo(app="", title="Untitled - Notepad", exe="C:\\Windows\\notepad.exe", handle=13,
                     geometry=(0, 0, 800, 600))

CASES = [
    ({"app": "libreoffice-calc"}, CALC, True),  # by the class name alone
    ({"app": "soffice"}, CALC, True),
    ({"app": "soffice.bin"}, CALC, True),  # by the executable
    ({"app": "libreoffice-writer"}, CALC, False),
    ({"app": "libreoffice-*", "title": "*Calc"}, CALC, True),
    ({"app": "libreoffice-*", "title": "*Writer"}, CALC, False),
    ({"app": "MOUSEPAD"}, PAD, True),
    ({"title": "re:\\.txt - "}, PAD, True),
    ({"app": "xterm"}, PAD, False),
    ({"app": "notepad"}, NOTEPAD, True),
    ({"app": "re:^note"}, NOTEPAD, True),
    ({"title": "*Notepad", "app": "wordpad"}, NOTEPAD, False),
]


def _by_relevance(match: model.WindowMatch, window: WindowInfo) -> bool:
    wizard = model.Wizard.model_validate({"wayguide": 1, "id": "t.w", "title": "T", "when": [match],
                                          "steps": [{"id": "a", "title": "A"}]})
    return bool(relevant([wizard], window))


def _by_engine(match: model.WindowMatch, window: WindowInfo) -> bool:
    wizard = model.Wizard.model_validate({"wayguide": 1, "id": "t.w", "title": "T", "steps": [
        {"id": "a", "title": "A", "until": {"active": match.model_dump(exclude_none=True)}},
        {"id": "b", "title": "B"}]})
    engine = Engine(wizard)
    state, _ = engine.handle(engine.initial(), Start(at=1.0))
    state, _ = engine.handle(state, WindowActivated(window.app, window.title, window.exe,
                                                    klass=window.klass, at=2.0))
    return state.step_id == "b"


def _by_performer(match: model.WindowMatch, window: WindowInfo) -> bool:
    """Black box with no target yet types only into a front window the wizard's `when` fits."""
    injector = FakeInjector()
    step = model.Step.model_validate({"id": "s", "title": "S", "do": [{"type": "x"}]})
    assert step.do is not None
    outcome, _ = Performer(injector, FakeWindowProbe(window=window)).run(
        step.do, None, threading.Event(), when=[match])
    return outcome.completed and injector.sent == [("type", "x")]


def _by_highlight(match: model.WindowMatch, window: WindowInfo, qtbot: QtBot) -> bool:
    other = WindowInfo(app="xterm", klass="XTerm", title="xterm", handle=99, geometry=(0, 0, 300, 200))
    highlighter = Highlighter(FakeWindowProbe(window=other, others=[window]))
    highlighter.show(model.Region(window=match))
    try:
        return highlighter.following() == window.handle
    finally:
        highlighter.close()


@pytest.mark.parametrize(("pattern", "window", "expected"), CASES)
def test_relevance_performer_highlight_and_engine_agree(pattern: dict[str, str], window: WindowInfo,
                                                        expected: bool, qtbot: QtBot) -> None:
    match = model.WindowMatch(**pattern)
    assert window_fits(match, window) is expected
    assert {"relevance": _by_relevance(match, window), "engine": _by_engine(match, window),
            "performer": _by_performer(match, window), "highlight": _by_highlight(match, window, qtbot),
            } == dict.fromkeys(("relevance", "engine", "performer", "highlight"), expected)
