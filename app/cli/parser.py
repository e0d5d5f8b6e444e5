"""The `wayguide` command line's grammar: every subcommand with what it does and examples (argparse)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app import __version__
from app.cli.validate import FORMATS

__all__ = ["SHELLS", "parser"]

SHELLS = ("bash", "zsh")
"""The shells `wayguide completion` writes a script for."""

_MAIN_EPILOG = """\
Without a command, wayguide starts the tray app (or brings the running one forward).
`wayguide COMMAND --help` tells more about each command, with examples.

Examples:
  wayguide list                                 the wizards this computer has
  wayguide run mousepad.save-as-pdf             start one in the running app
  wayguide validate wizards/                    check wizard files before sharing them
  source <(wayguide completion bash)            Tab completes commands, options and wizard ids
"""

_EPILOGS = {
    "validate": """\
Checks every wizard file (*.yaml, *.yml) in the given files and folders, or, without PATH, the
whole library (system, shared and your own folders) and the admin policy. Exit 1 on any error.

Examples:
  wayguide validate                             the whole library
  wayguide validate wizards/ my-draft.yaml      some folders and files
  wayguide validate -q wizards/                 errors only, no warnings or notes
  wayguide validate wizards/ --format github    annotations in a GitHub Actions step
  wayguide validate wizards/ --format json      an array of {file, line, col, severity, message, hint}
  wayguide validate wizards/ --lang nl          …and the texts that have no Dutch yet
""",
    "schema": """\
The schema (JSON Schema draft-07) lets an editor check and complete wizard files as you type: a
wizard's first line `# yaml-language-server: $schema=PATH` names it for the YAML language server.
The .deb installs it as /usr/share/wayguide/wizard.schema.json. With --markdown: the reference of
the format instead, every key with its type, default, meaning and an example (docs/format.md).

Examples:
  wayguide schema > wizard.schema.json
  wayguide schema --markdown > docs/format.md
""",
    "list": """\
One wizard per line: its id, title and modes (glass box: you do the steps; black box: Wayguide
does them).

Examples:
  wayguide list
  wayguide list --active                        only the wizards for the window in front
  wayguide list --json | jq -r '.[].id'         the ids, for a script
""",
    "show": """\
A job aid: the wizard's steps as a page to print or to share, in Markdown.

Examples:
  wayguide show mousepad.save-as-pdf
  wayguide show mousepad.save-as-pdf > save-as-pdf.md
""",
    "doctor": """\
Says what works here and what does not, and why: the display, the tray, the global hotkey,
automation (typing and clicking), the accessibility bus, the wizard library and its HTTPS sources and
network shares (up to date, or offline since when, working from the copy of which date), usage
reporting and the log.

Example:
  wayguide doctor
""",
    "inspect": """\
Lists the controls of the window in front, each with the shortest locator that picks it out,
ready to paste into a wizard's `target:`, `click:` or `fill:`.

Examples:
  wayguide inspect --delay 3                    3 seconds to bring the window to the front
  wayguide inspect --title 'Mousepad*'          the first window titled so
  wayguide inspect --pointer --delay 3          only the control under the mouse pointer
  wayguide inspect --check my-wizard.yaml       whether each control the wizard names is found
""",
    "report": """\
Usage on this computer: how many runs, how many completed, where runs stop, time per step,
time to competency, and the controls that steps did not find. The learning loop: runs and days
until a person's durations settled, how support faded (full guidance, the short version, black
box, per month), quiz results per question (the most missed first) and review retention.

Examples:
  wayguide report
  wayguide report --format html --out usage.html
  wayguide report --format csv > usage.csv
""",
    "toggle": """\
Bind it to a key in your desktop's keyboard settings where the global hotkey is not available.

Example:
  wayguide toggle
""",
    "run": """\
Starts a wizard of the library (by id) or a wizard file in the running app, starting the app if
needed. Give secret inputs with --set-stdin, never with --set.

Examples:
  wayguide run mousepad.save-as-pdf
  wayguide run mousepad.customer-letter --mode black --set salutation=Herr --wait
  wayguide run my-draft.yaml --dry-run          what it would do, every branch, without doing it
  wayguide run my-draft.yaml --step save        try the draft from its step "save"
  wayguide run my-draft.yaml --dry-run --choose kind=No     only the "No" branch at step kind
  pass show erp | wayguide run erp.login --set-stdin password --wait
""",
    "record": """\
Records you doing a task once, in the running app (started if needed), into a draft wizard: a
small bar shows while it records (Stop, Pause, Step break, Add note). Stop with the bar, with
Wayguide's hotkey, or with Ctrl+C here; the draft is written at once, and a short form then asks
what to call the text you typed. Nothing typed into a password field is recorded.

Examples:
  wayguide record                               the draft goes to your wizard folder
  wayguide record --out expenses-draft.yaml     the draft goes to this file (never overwritten)
""",
    "preview": """\
Opens a wizard file in the panel of the running app (starting it if needed), beside the application:
its steps, to start at any one; the problems of the file with their line; and for each control the
wizard names, which one it found in the window or the nearest ones when it found none. Every time
you save the file, the panel shows the new version (a broken save keeps the last good one usable).

Examples:
  wayguide preview my-draft.yaml
  wayguide preview ~/.local/share/wayguide/wizards/expenses.yaml --step amount
""",
    "keygen": """\
Makes a key pair for signing wizard folders: the private key goes to KEYFILE (readable by you only;
keep it off the laptops), the public key line `ed25519:BASE64…` to KEYFILE.pub and to the terminal,
ready for the policy's trust.keys. An existing file is never overwritten.

Examples:
  wayguide keygen --out ~/keys/wizards.key
  wayguide keygen --out wizards.key && cat wizards.key.pub
""",
    "sign": """\
Writes wayguide-manifest.json (every wizard file of FOLDER with its SHA-256) and its ed25519
signature wayguide-manifest.sig into FOLDER, then index.json (every file with its size and SHA-256),
so that any static web server can serve FOLDER as an HTTPS source (policy library.urls). Sign again
after every change: a file changed, added or removed after signing makes the folder untrusted
(`wayguide validate FOLDER` names the file).

Examples:
  wayguide sign /srv/wizards --key ~/keys/wizards.key
  wayguide sign wizards/ --key wizards.key && wayguide validate wizards/
""",
    "completion": """\
Prints a script that lets the shell complete wayguide's commands, options and wizard ids with Tab.

Wizard ids are asked of `wayguide list` at each Tab, so new wizards complete at once.

Examples:
  source <(wayguide completion bash)            bash, this session; for good, put the line in ~/.bashrc
  wayguide completion bash > ~/.local/share/bash-completion/completions/wayguide
  eval "$(wayguide completion zsh)"             zsh: in ~/.zshrc, after compinit
  wayguide completion zsh > ~/.zfunc/_wayguide  zsh, or so: with fpath=(~/.zfunc $fpath) before compinit
""",
}


def _sub(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str,
         text: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=text, description=text[:1].upper() + text[1:] + ".",
                          epilog=_EPILOGS[name], formatter_class=argparse.RawDescriptionHelpFormatter)


def parser() -> argparse.ArgumentParser:
    """The parser of `wayguide`, with a description and examples on each subcommand's --help."""
    top = argparse.ArgumentParser(
        prog="wayguide",
        description="Task wizards beside the business application: glass box or black box.",
        epilog=_MAIN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"wayguide {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")

    p = _sub(sub, "validate", "check wizard files (default: the whole library)")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    p.add_argument("--lang", metavar="L", help="also list, as notes, the texts not yet translated into L "
                   "(a language: nl, de, nl-BE)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text: one line per problem (default); json: an array of objects; "
                        "github: GitHub Actions annotations")

    p = _sub(sub, "schema", "print the JSON Schema of the wizard format")
    p.add_argument("--markdown", action="store_true",
                   help="print the format's reference in Markdown instead (docs/format.md)")

    p = _sub(sub, "list", "the wizard library")
    p.add_argument("--json", action="store_true", help="a JSON array")
    p.add_argument("--active", action="store_true",
                   help="only wizards relevant to the window in front")

    p = _sub(sub, "show", "print a wizard as a printable job aid (Markdown)")
    p.add_argument("id", metavar="ID", help="a wizard's id (wayguide list)")

    _sub(sub, "doctor", "what works on this desktop: display, tray, hotkeys, injection")

    p = _sub(sub, "inspect", "the controls of the window in front, as locators for wizards")
    p.add_argument("--delay", type=float, default=0.0, metavar="S",
                   help="wait S seconds first, time to bring the window to the front")
    p.add_argument("--title", metavar="GLOB", help="the first window whose title matches (or re:REGEX)")
    p.add_argument("--pointer", action="store_true",
                   help="only the control under the mouse pointer (after --delay: time to point at it)")
    p.add_argument("--json", action="store_true", help="a JSON array")
    p.add_argument("--check", type=Path, metavar="FILE",
                   help="instead: check each control the wizard FILE names against the application")

    p = _sub(sub, "report", "usage: runs, completion, where runs stop, time to competency")
    p.add_argument("--format", choices=("table", "csv", "json", "html"), default="table")
    p.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of the terminal")

    _sub(sub, "toggle", "show or hide the panel of the running app (starting it if needed)")

    p = _sub(sub, "run", "run a wizard in the running app (starting it if needed)")
    p.add_argument("wizard", metavar="ID|FILE", help="a wizard's id (wayguide list) or a wizard file")
    p.add_argument("--mode", choices=("glass", "black"))
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="values",
                   help="an input value (repeatable); other users can see it with `ps`: not for secrets")
    p.add_argument("--set-stdin", action="append", default=[], metavar="NAME", dest="from_stdin",
                   help="read input NAME from standard input, one line each, in order (repeatable); "
                        "at a terminal, asks for it without showing it")
    p.add_argument("--step", metavar="STEP_ID",
                   help="start at this step instead of the first (to try one step of a wizard you write)")
    p.add_argument("--dry-run", action="store_true",
                   help="print what would be done, step by step and every branch of every choice, without "
                        "starting or contacting the app")
    p.add_argument("--choose", action="append", default=[], metavar="STEP=OPTION",
                   help="with --dry-run: follow only this option (its label, or its number from 1) at the "
                        "choice step STEP (repeatable)")
    p.add_argument("--wait", action="store_true", help="block until the run ends; exit 0 when completed")

    p = _sub(sub, "record", "record a task you do once into a draft wizard")
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="where the draft goes (default: a new file in your wizard folder)")

    p = _sub(sub, "preview", "preview a wizard file in the panel, re-validated on every save")
    p.add_argument("file", type=Path, metavar="FILE", help="a wizard file (*.yaml, *.yml)")
    p.add_argument("--step", metavar="STEP_ID", help="start the preview at this step")

    p = _sub(sub, "keygen", "make a key pair for signing wizard folders")
    p.add_argument("--out", type=Path, required=True, metavar="KEYFILE",
                   help="where the private key goes (the public key goes to KEYFILE.pub)")

    p = _sub(sub, "sign", "sign a folder's wizard files (a manifest and its ed25519 signature)")
    p.add_argument("folder", type=Path, metavar="FOLDER", help="the folder of wizard files to sign")
    p.add_argument("--key", type=Path, required=True, metavar="KEYFILE",
                   help="the private key (from wayguide keygen)")

    p = _sub(sub, "completion", "print a shell completion script for wayguide")
    p.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash or zsh")
    return top
