"""`wayguide completion bash|zsh`: a shell script that completes the commands, options, files and
wizard ids, written by shtab from the parser itself (so it never drifts from the command line)."""

from __future__ import annotations

import argparse

from app.cli.parser import SHELLS, parser

__all__ = ["IDS_COMMAND", "script"]

IDS_COMMAND = "wayguide list 2>/dev/null | cut -d' ' -f1"
"""How the script asks for the wizard ids as you press Tab: the first column of `wayguide list`."""

_IDS = {
    "bash": "_wayguide_ids",
    "zsh": "_wayguide_ids",
    "preamble": {
        "bash": f"""
_wayguide_ids() {{
  compgen -W "$({IDS_COMMAND})" -- "$1"
}}""",
        "zsh": f"""
_wayguide_ids() {{
  local -a ids
  ids=(${{(f)"$({IDS_COMMAND})"}})
  _describe -t ids 'wizard id' ids
}}""",
    },
}
_IDS_OR_FILES = {
    "bash": "_wayguide_ids_or_files",
    "zsh": "_wayguide_ids_or_files",
    "preamble": {
        "bash": """
_wayguide_ids_or_files() {
  _wayguide_ids "$1"
  compgen -f -- "$1"
}""",
        "zsh": """
_wayguide_ids_or_files() {
  _alternative 'ids:wizard id:_wayguide_ids' 'files:wizard file:_files'
}""",
    },
}
"""Completions of a wizard id (and of a wizard file), asked for at each Tab, never when the script
is loaded."""

def script(shell: str) -> str:
    """The completion script for `shell` (one of SHELLS)."""
    import shtab

    if shell not in SHELLS:
        raise ValueError(f"no completion for {shell!r}; one of: {', '.join(SHELLS)}")
    top = parser()
    for action in _actions(top):
        complete = {"PATH": shtab.FILE, "FILE": shtab.FILE, "ID": _IDS, "ID|FILE": _IDS_OR_FILES}.get(
            str(action.metavar))
        if complete is not None:
            action.complete = complete  # type: ignore[attr-defined]
    text: str = shtab.complete(top, shell=shell)
    return text if text.endswith("\n") else text + "\n"


def _actions(top: argparse.ArgumentParser) -> list[argparse.Action]:
    """Every argument of the parser and of its subcommands."""
    found = []
    for action in top._actions:
        found.append(action)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _actions(sub)
    return found
