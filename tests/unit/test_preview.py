"""What a preview says about a wizard file (app.engine.preview), `wayguide preview` on the command line, and
the preview request on the wire."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from app.engine.preview import Named, finding, named_locators, problem_lines, window_for
from app.format.diagnostics import Diagnostic
from app.format.model import ElementLocator, Wizard
from app.platform.ipc import PreviewRequest, ProtocolError, parse_request
from app.ports import Control, WindowInfo
from tests.unit.cli_support import isolate, run

WIZARD: dict[str, Any] = {
    "wayguide": 1, "id": "my.draft", "title": "Draft", "when": [{"app": "mousepad"}],
    "steps": [
        {"id": "a", "title": "A", "target": {"element": {"role": "menu", "name": "File"}},
         "until": {"any": [{"element": {"role": "push button", "name": "OK"}}, {"after": 5}]}},
        {"id": "b", "title": "B", "do": [{"keys": "ctrl+s"}, {"click": {"element": {"name": "Save"}}},
                                          {"wait": {"element": {"role": "dialog", "name": "Save As"},
                                                    "timeout": 5}}]},
    ],
}
MOUSEPAD = WindowInfo(app="mousepad", title="Untitled - Mousepad", pid=1, handle=7)
TERMINAL = WindowInfo(app="xterm", title="xterm", pid=2, handle=8)


def test_problems_are_lines_under_the_file_with_warnings_marked_and_notes_left_out() -> None:
    items = [Diagnostic("f.yaml", 3, 1, "error", "unknown key 'titel'", "did you mean 'title'?"),
             Diagnostic("f.yaml", 7, 5, "warning", "step 'x' is never reached"),
             Diagnostic("f.yaml", 1, 1, "note", "overrides the bundled wizard")]
    assert problem_lines(items) == ["3:1: unknown key 'titel' (did you mean 'title'?)",
                                    "7:5: warning: step 'x' is never reached"]


def test_every_control_a_wizard_names_is_listed_with_its_step_and_place() -> None:
    named = named_locators(Wizard.model_validate(WIZARD))
    assert [(n.step_id, n.where, n.text) for n in named] == [
        ("a", "target", '{role: menu, name: "File"}'),
        ("a", "until", '{role: push button, name: "OK"}'),
        ("b", "action 2", '{name: "Save"}'),
        ("b", "action 3", '{role: dialog, name: "Save As"}'),
    ]


def test_the_window_looked_in_is_the_wizards_even_when_a_terminal_is_in_front() -> None:
    wizard = Wizard.model_validate(WIZARD)
    plain = ElementLocator(role="menu", name="File")
    assert window_for(plain, wizard, MOUSEPAD, [TERMINAL, MOUSEPAD]) == MOUSEPAD
    assert window_for(plain, wizard, TERMINAL, [MOUSEPAD, TERMINAL]) == MOUSEPAD
    assert window_for(plain, wizard, TERMINAL, [TERMINAL]) == TERMINAL  # said as a miss there
    named_window = ElementLocator(name="x", window={"app": "xterm"})
    assert window_for(named_window, wizard, MOUSEPAD, [TERMINAL, MOUSEPAD]) == TERMINAL
    assert window_for(named_window, wizard, MOUSEPAD, [MOUSEPAD]) is None


def test_a_finding_says_the_match_or_the_nearest_names() -> None:
    named = Named("b", "action 1", ElementLocator(role="push button", name="Sav As"))
    controls = [Control("frame", "Untitled"), Control("push button", "Save As…", 0),
                Control("push button", "Save", 0), Control("menu", "Save As", 0)]
    hit = finding(named, MOUSEPAD, controls[1:3], None)
    assert (hit.matched, hit.line) == (
        True, "matched: push button “Save As…” (1 of 2; add index or within to pick one)")
    assert finding(named, MOUSEPAD, controls[2:3], None).line == "matched: push button “Save” (1 of 1)"
    miss = finding(named, MOUSEPAD, [], controls)
    assert (miss.matched, miss.line, miss.window) == (
        False, "no match; nearest: “Save As…”, “Save”", "Untitled - Mousepad")
    assert finding(named, MOUSEPAD, [], []).line == (
        "no match: the window shows no controls to the accessibility bus")
    assert finding(named, None, [], None).line.startswith("no window to look in")


def test_the_preview_request_is_checked_on_the_wire() -> None:
    assert parse_request(b'{"op":"preview","path":"/x/a.yaml","step":null}') == PreviewRequest("/x/a.yaml")
    assert PreviewRequest("/x/a.yaml", "s").message() == {"op": "preview", "path": "/x/a.yaml", "step": "s"}
    for line, error in [(b'{"op":"preview","path":"a.yaml"}', "absolute file path"),
                        (b'{"op":"preview","path":"/a\\u0000b"}', "absolute file path"),
                        (b'{"op":"preview","path":"/a","step":3}', "'step'"),
                        (b'{"op":"preview","path":"/a","mode":"glass"}', "unknown field 'mode'"),
                        (b'{"op":"preview"}', "absolute file path")]:
        with pytest.raises(ProtocolError, match=error):
            parse_request(line)


def test_wayguide_preview_checks_the_file_before_contacting_the_app(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)
    sent: list[tuple[dict[str, Any], dict[str, Any]]] = []
    monkeypatch.setattr("app.platform.ipc.send", lambda message, **k: sent.append((message, k)) or iter(
        [{"ok": True, "message": f"previewing {message['path']}"}]))
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    assert run("preview", str(fifo)) == (1, "", f"{fifo}: error: a FIFO, not a regular file (a wizard is a "
                                                "YAML file)\n")
    code, _, err = run("preview", str(tmp_path / "missing.yaml"))
    assert code == 1 and "No such file" in err and err.count("\n") == 1
    assert sent == []
    draft = tmp_path / "draft.yaml"
    draft.write_text("wayguide: 1\n")
    monkeypatch.chdir(tmp_path)
    assert run("preview", "draft.yaml", "--step", "save") == (0, f"previewing {draft}\n", "")
    assert sent[0][0] == {"op": "preview", "path": str(draft), "step": "save"}
    assert sent[0][1]["start_if_absent"] is True
