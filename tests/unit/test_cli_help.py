"""A command line that teaches: examples in every --help, close ids suggested, shell completion."""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from app.cli.completion import script
from app.cli.main import main
from app.cli.parser import SHELLS, parser
from tests.unit.cli_support import isolate, run

SUBCOMMANDS = sorted(next(a for a in parser()._actions
                          if isinstance(a, argparse._SubParsersAction)).choices)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(tmp_path, monkeypatch)


def helped(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def test_the_subcommands_are_all_there() -> None:
    assert set(SUBCOMMANDS) == {"validate", "schema", "list", "show", "doctor", "inspect", "report",
                                "toggle", "run", "record", "preview", "completion", "keygen", "sign"}


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_help_says_what_it_does_with_an_example(
        capsys: pytest.CaptureFixture[str], command: str) -> None:
    text = helped(capsys, command)
    examples = text[text.index("Example"):]  # "Example:" or "Examples:"
    assert examples.splitlines()[1].startswith("  ")  # laid out as written, one example a line
    assert f"wayguide {command}" in examples or "| wayguide" in examples
    assert text.startswith(f"usage: wayguide {command}")


def test_the_top_help_has_examples_and_points_to_each_command(capsys: pytest.CaptureFixture[str]) -> None:
    text = helped(capsys)
    assert "Examples:" in text and "wayguide COMMAND --help" in text
    assert all(command in text for command in SUBCOMMANDS)


def test_show_suggests_the_close_id() -> None:
    code, out, err = run("show", "mousepad.save-as-pfd")
    assert (code, out) == (1, "")
    assert err == "wayguide: error: no wizard with id 'mousepad.save-as-pfd' " \
                  "(did you mean 'mousepad.save-as-pdf'?)\n"


def test_show_without_a_close_id_says_where_ids_are() -> None:
    code, _, err = run("show", "zzzz")
    assert (code, err) == (1, "wayguide: error: no wizard with id 'zzzz' (see: wayguide list)\n")


def test_show_quotes_a_hostile_id_on_one_line() -> None:
    code, _, err = run("show", "x\ny")
    assert code == 1 and err.count("\n") == 1 and "'x\\ny'" in err


def test_run_dry_run_suggests_the_same_way() -> None:
    code, _, err = run("run", "mousepad.save-as-pfd", "--dry-run")
    assert (code, err) == (1, "wayguide: error: no wizard with id 'mousepad.save-as-pfd' "
                              "(did you mean 'mousepad.save-as-pdf'?)\n")


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_script_mentions_every_subcommand_and_option(shell: str) -> None:
    code, out, _ = run("completion", shell)
    assert code == 0 and out == script(shell)
    for command in SUBCOMMANDS:
        assert command in out, command
    for option in ("--format", "--dry-run", "--set-stdin", "--pointer", "--active"):
        assert option in out
    assert "github" in out and "_wayguide_ids" in out
    assert "wayguide list" in out


def test_completion_of_an_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["completion", "fish"])
    assert exit_.value.code == 2 and "invalid choice" in capsys.readouterr().err


@pytest.fixture
def stub(tmp_path: Path) -> dict[str, str]:
    """An environment whose `wayguide` lists two wizards, and a folder with a wizard draft in it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "wayguide"
    fake.write_text("#!/bin/sh\necho 'mousepad.save-as-pdf  Save as PDF  [glass]'\n"
                    "echo 'mousepad.customer-letter  Start a customer letter  [glass]'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "draft.yaml").write_text("")
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}


BASH_DRIVER = """
source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
_shtab_wayguide
printf '%s\\n' "${COMPREPLY[@]}"
"""


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
@pytest.mark.parametrize(("words", "expected"), [
    (["wayguide", ""], SUBCOMMANDS),
    (["wayguide", "val"], ["validate"]),
    (["wayguide", "validate", "--format", ""], ["github", "json", "text"]),
    (["wayguide", "show", "mousepad.s"], ["mousepad.save-as-pdf"]),
    (["wayguide", "run", ""], ["draft.yaml", "mousepad.customer-letter", "mousepad.save-as-pdf"]),
    (["wayguide", "completion", ""], ["bash", "zsh"]),
])
def test_bash_completes_commands_options_and_wizard_ids(tmp_path: Path, stub: dict[str, str],
                                                        words: list[str], expected: list[str]) -> None:
    completion = tmp_path / "wayguide.bash"
    completion.write_text(script("bash"))
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", BASH_DRIVER, "driver", str(completion),
                           *words], cwd=tmp_path, env=stub, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    got = sorted(line for line in done.stdout.splitlines() if line and line not in ("bin", "wayguide.bash"))
    assert got == sorted(expected)


@pytest.mark.skipif(shutil.which("zsh") is None, reason="no zsh")
def test_zsh_script_parses_and_loads(tmp_path: Path, stub: dict[str, str]) -> None:
    completion = tmp_path / "_wayguide"
    completion.write_text(script("zsh"))
    assert subprocess.run(["zsh", "-n", str(completion)], capture_output=True, timeout=30).returncode == 0
    loaded = subprocess.run(
        ["zsh", "-f", "-c", f'autoload -Uz compinit && compinit -u -d {tmp_path}/zcomp && '
                            f'eval "$(cat {completion})" && print -r -- $_comps[wayguide]'],
        env=stub, capture_output=True, text=True, timeout=30)
    assert (loaded.returncode, loaded.stdout.strip()) == (0, "_shtab_wayguide"), loaded.stderr
