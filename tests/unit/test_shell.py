"""Inputs typed into terminals are shell commands: the shell_quote filter, the bundled archive wizard
using it, and the validation warning where an input goes into a terminal unquoted (issue 11, item 15)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from app.format.loader import load_file
from app.format.model import TypeAction
from app.format.shell import is_terminal
from app.format.templating import EnteredNumber, context, render_text

ROOT = Path(__file__).resolve().parents[2]
ARCHIVE = ROOT / "wizards" / "xterm.archive-folder.yaml"
HOSTILE = "Projects $(touch ~/pwned) `touch ~/pwned2` \"; touch ~/pwned3; \" ' it's"
HEADER = "wayguide: 1\nid: t\ntitle: T\n"


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "w.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return [str(d).removeprefix(f"{path}:") for d in load_file(path).diagnostics
            if "before any 'focus'" not in d.message]  # (typing without `when` or `focus`: test_loader)


def test_shell_quote_makes_one_word() -> None:
    assert render_text("ls {{ inputs.f | shell_quote }}", context({"f": HOSTILE})) == \
        "ls 'Projects $(touch ~/pwned) `touch ~/pwned2` \"; touch ~/pwned3; \" '\"'\"' it'\"'\"'s'"
    assert render_text("{{ inputs.n | shell_quote }}", context({"n": EnteredNumber("180")})) == "180"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_archive_wizard_runs_no_command_from_a_folder_name(tmp_path: Path) -> None:
    """The bundled wizard's command, filled in with a hostile folder name, run by a real shell."""
    home = tmp_path / "home"
    folder = home / HOSTILE
    folder.mkdir(parents=True)
    old = folder / "old.txt"
    old.write_text("x", encoding="utf-8")
    os.utime(old, (0, 0))
    result = load_file(ARCHIVE)
    assert result.wizard is not None
    step = next(s for s in result.wizard.steps if s.id == "list")
    action = next(a for a in step.do or () if isinstance(a, TypeAction))
    now = dt.datetime(2026, 12, 3, 9, 0).astimezone()
    command = render_text(action.type, context(
        {"folder": HOSTILE, "days": EnteredNumber("180"), "remove": "no"}, now=now))
    done = subprocess.run(["bash", "--norc", "--noprofile"], input=command, text=True, cwd=tmp_path,
                          env={"HOME": str(home), "PATH": os.environ["PATH"]},
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert not any(home.glob("pwned*")) and not any(tmp_path.glob("pwned*"))
    lists = list((home / "Archives").glob("*.list"))
    assert len(lists) == 1 and lists[0].read_bytes() == f"{HOSTILE}/old.txt\0".encode()
    assert lists[0].name.endswith("-2026-12-03.list") and done.stdout.split()[-1] == "1"
    assert not result.diagnostics


TERMINAL_WIZARD = HEADER + """\
inputs:
  - {name: folder, label: Folder}
  - {name: days, label: Days, type: number}
  - {name: kind, label: Kind, type: choice, choices: [a, b]}
steps:
  - id: go
    title: Go
    do:
      - focus: {app: xterm}
  - id: list
    title: List
    do:
      - type: |
          echo {{ inputs.days }} {{ inputs.kind }}
          ls "{{ inputs.folder }}"
      - type: "ls {{ inputs.folder | shell_quote }} {{ inputs['folder'] | upper | shell_quote }}\\n"
      - paste: "cd {{ inputs['folder'] }}\\n"
      - type: "echo {{ window.title }} {{ window.title | shell_quote }} {{ user }}"
"""


def test_unquoted_text_inputs_typed_into_a_terminal_are_warnings(tmp_path: Path) -> None:
    found = problems(tmp_path, TERMINAL_WIZARD)
    assert found == [
        "18:25: warning: 'inputs.folder' is typed into a terminal (xterm) unquoted: text like $(…) in it "
        "would run as a command (write {{ inputs.folder | shell_quote }})",
        "20:31: warning: 'inputs.folder' is typed into a terminal (xterm) unquoted: text like $(…) in it "
        "would run as a command (write {{ inputs.folder | shell_quote }})",
        "21:24: warning: 'window.title' is typed into a terminal (xterm) unquoted: text like $(…) in it "
        "would run as a command (write {{ window.title | shell_quote }})",
    ]


@pytest.mark.parametrize("window", ["mousepad", "*pad*"])
def test_inputs_typed_into_other_applications_are_fine(tmp_path: Path, window: str) -> None:
    assert problems(tmp_path, TERMINAL_WIZARD.replace("{app: xterm}", f"{{app: '{window}'}}")) == []


def test_the_window_can_come_from_when_or_the_target(tmp_path: Path) -> None:
    base = HEADER + ("inputs: [{name: f, label: F}]\nWHEN steps:\n  - id: a\n    title: A\nTARGET"
                     "    do: [{type: 'ls {{ inputs.f }}'}]\n")
    by_when = base.replace("WHEN ", "when: [{app: gnome-terminal}]\n").replace("TARGET", "")
    by_target = base.replace("WHEN ", "").replace("TARGET", "    target: {window: {app: Konsole}}\n")
    nowhere = base.replace("WHEN ", "").replace("TARGET", "")
    assert [len(problems(tmp_path, t)) for t in (by_when, by_target, nowhere)] == [1, 1, 0]


@pytest.mark.parametrize(("app", "terminal"), [
    ("xterm", True), ("XTerm", True), ("gnome-terminal-server", True), ("*term*", True),
    ("re:^(xterm|urxvt)$", True), ("konsole", True), ("mousepad", False), ("libreoffice*", False),
    (None, False)])
def test_terminals_are_recognised(app: str | None, terminal: bool) -> None:
    assert is_terminal(app) is terminal
