"""Logging configured once (app/logs.py): one line on stderr, the rotating log file in the data dir that
`wayguide doctor` names, and no stray prints to stderr outside the command line's own output."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli.doctor import log_check
from app.logs import configure, log_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_warnings_go_to_stderr_and_the_log_file_which_doctor_names(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], restored: None) -> None:
    assert log_check(tmp_path).detail == f"{log_file(tmp_path)} (nothing logged yet)"
    assert configure(tmp_path) == log_file(tmp_path)
    assert configure(tmp_path) == log_file(tmp_path)  # once: a second call replaces the first
    logging.getLogger("app.runtime.test").warning("wayguide: warning: %s", "the hotkey listener stopped")
    logging.getLogger("app.runtime.test").info("started")
    assert capsys.readouterr().err == "wayguide: warning: the hotkey listener stopped\n"
    for handler in logging.getLogger().handlers:
        handler.flush()
    lines = log_file(tmp_path).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("WARNING app.runtime.test: wayguide: warning: the hotkey listener stopped")
    assert lines[1].endswith("INFO app.runtime.test: started")
    check = log_check(tmp_path)
    assert (check.name, check.verdict, check.detail) == ("log file", "ok", str(log_file(tmp_path)))


def test_a_data_dir_that_cannot_be_written_leaves_stderr(tmp_path: Path, restored: None) -> None:
    (tmp_path / "file").write_text("")
    assert configure(tmp_path / "file") is None  # its "logs" folder cannot be made
    assert any(isinstance(h, logging.StreamHandler) for h in logging.getLogger().handlers)


def test_nothing_outside_the_command_line_prints_to_stderr() -> None:
    """Warnings of the tray app go through logging (and so to the log file), never print()."""
    sources = [*(ROOT / "app").rglob("*.py"), *(ROOT / "overlays").rglob("*.py")]
    stray = [f"{path.relative_to(ROOT)}:{n}" for path in sources if (ROOT / "app" / "cli") not in path.parents
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"print\(.*sys\.stderr", line)]
    assert stray == []
