"""The bundled archive wizard, run in black box into a real xterm with a real bash: a folder name that
holds a command substitution is passed as a name, never run (issue 11, item 15)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.test_black_box import Waiting, end
from tests.desktop.test_tray_app import RunningApp, start_app, stop_app
from tests.desktop.test_typing import UTF8
from tests.desktop.xdesktop import Desktop, wait_for

ARCHIVE = Path(__file__).resolve().parents[2] / "wizards" / "xterm.archive-folder.yaml"
HOSTILE = ["Projects $(touch ~/pwned)",  # the name
           "Projects $(touch${IFS}pwned)"]  # survives the wizard's replace(' ', '_') in the list name


@pytest.fixture
def wayguide(desktop: Desktop, tmp_path: Path) -> Iterator[RunningApp]:
    app = start_app(desktop, tmp_path / "app")
    yield app
    stop_app(app)


@pytest.mark.parametrize("folder", HOSTILE)
def test_a_folder_name_typed_into_xterm_is_not_run(desktop: Desktop, wayguide: RunningApp,
                                                   tmp_path: Path, artifacts: Path, folder: str) -> None:
    home = tmp_path / "home"
    old = home / folder / "old report.txt"
    old.parent.mkdir(parents=True)
    old.write_text("x", encoding="utf-8")
    os.utime(old, (0, 0))
    term = desktop.spawn(["xterm", "-title", "archive-target", "-geometry", "100x20+40+600",
                          "-e", "bash", "--norc", "--noprofile"],
                         env={**desktop.env, **UTF8, "HOME": str(home), "PS1": "$ "}, cwd=home)
    try:
        desktop.activate(desktop.wait_window(name="^archive-target$"))
        waiting = Waiting(wayguide, str(ARCHIVE), "--mode", "black", "--set", f"folder={folder}",
                          "--set", "days=180", "--set", "remove=no")
        try:
            # the wizard pauses after the list step, for the person to check the list it made;
            # bash expands a command's words (a substitution would run) before its redirection
            # creates the list
            lists = wait_for(lambda: list((home / "Archives").glob("*.list")), 30, "the archive list")
            assert not (home / "pwned").exists(), "the folder name ran as a command"
            expected = f"{folder}/old report.txt\0".encode()
            wait_for(lambda: lists[0].read_bytes() == expected, 10, "the file in the list")
            desktop.screenshot(artifacts / "desktop-shell-quote.png")
        finally:
            waiting.close()
    finally:
        end(term)
    assert not (home / "pwned").exists()
