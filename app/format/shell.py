"""Text typed into a terminal is a shell command: the `shell_quote` template filter, and the
validation warning for free-text inputs typed into a terminal without it (issue 11, item 15)."""

from __future__ import annotations

import fnmatch
import shlex
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import nodes

    from app.format.model import Wizard
    from app.format.source import KeyPath

__all__ = [
    "QUOTING_FILTERS", "TERMINALS", "is_terminal", "is_terminal_window", "shell_quote", "unquoted_inputs",
]

QUOTING_FILTERS = frozenset({"shell_quote", "int", "float"})
"""Filters after which a value is safe on a shell command line."""

TERMINALS = (
    "xterm", "uxterm", "gnome-terminal*", "konsole", "xfce4-terminal", "mate-terminal", "lxterminal",
    "qterminal", "terminator", "tilix", "kitty", "alacritty", "wezterm*", "foot", "urxvt", "rxvt*",
    "st", "st-256color", "sakura", "terminology", "guake", "tilda", "yakuake", "eterm", "cool-retro-term",
    "terminal", "org.gnome.terminal", "org.gnome.console", "kgx", "iterm2", "cmd", "cmd.exe",
    "powershell*", "pwsh*", "windowsterminal*", "wt", "conhost*", "mintty", "putty",
)
"""Window classes / executables of terminal emulators and shells (lowercase globs)."""


def shell_quote(value: Any) -> str:
    """The value as one shell word, whatever it contains: `Projects $(x)` → `'Projects $(x)'`."""
    return shlex.quote(str(value))


def is_terminal(app: str | None) -> bool:
    """Whether a window match's `app` (a glob, or "re:" and a pattern) can be a terminal."""
    if not app:
        return False
    if app.startswith("re:"):
        from app.format.bounds import search

        return any(search(app[3:], name.rstrip("*"), True) for name in TERMINALS)
    pattern = app.lower()
    return any(fnmatch.fnmatchcase(name.rstrip("*"), pattern) or fnmatch.fnmatchcase(pattern, name)
               for name in TERMINALS)


def is_terminal_window(*names: str) -> bool:
    """Whether a window whose class or executable is one of `names` is a terminal emulator (they paste
    with Shift+Insert, and Ctrl+V would reach the shell as a control character)."""
    return any(fnmatch.fnmatchcase(name.lower(), glob) for name in names if name for glob in TERMINALS)


def unquoted_inputs(wizard: Wizard) -> Iterator[tuple[KeyPath, str, str, int, str]]:
    """(path of the action's text, the text, the value's name, line in the text, the window) of each
    free-text input (`inputs.NAME`) or window property (`window.title`, set by whatever program owns
    the window) that a `type` or `paste` action puts into a terminal without `shell_quote`.
    Numbers and the author's own choices are safe as they are."""
    from app.format.model import FocusAction, PasteAction, Region, TypeAction

    free = {f"inputs.{i.name}" for i in wizard.inputs if i.type in ("text", "multiline", "secret")}
    free |= {"window.title", "window.app"}
    fallback = next((w.app for w in wizard.when or () if is_terminal(w.app)), None)
    focused: str | None = None
    for i, step in enumerate(wizard.steps):
        where = step.target.window if isinstance(step.target, Region) else (
            step.target.element.window if step.target is not None else None)
        target = where.app if where is not None else None
        for j, action in enumerate(step.do or ()):
            if isinstance(action, FocusAction):
                focused = action.focus.app
                continue
            if isinstance(action, TypeAction):
                key, text = "type", action.type
            elif isinstance(action, PasteAction):
                key, text = "paste", action.paste
            else:
                continue
            window = focused if focused is not None else (target or fallback)
            if not is_terminal(window) or "{{" not in text:
                continue
            for name, line in _unquoted(text):
                if name in free:
                    yield ("steps", i, "do", j, key), text, name, line, str(window)


def _unquoted(text: str) -> list[tuple[str, int]]:
    """inputs.NAME and window.NAME references in a template that no quoting filter wraps, with
    their lines."""
    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    try:
        tree = SandboxedEnvironment().parse(text)
    except TemplateSyntaxError:
        return []  # reported as an error elsewhere
    return list(dict.fromkeys(_walk(tree, quoted=False)))


def _walk(node: nodes.Node, quoted: bool) -> Iterator[tuple[str, int]]:
    from jinja2 import nodes

    if isinstance(node, nodes.Filter) and node.name in QUOTING_FILTERS:
        quoted = True  # its argument, however computed, leaves as one safe word
    if not quoted and isinstance(node, nodes.Getattr | nodes.Getitem):
        base = node.node
        if isinstance(base, nodes.Name) and base.name in ("inputs", "window"):
            if isinstance(node, nodes.Getattr):
                yield f"{base.name}.{node.attr}", node.lineno
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                yield f"{base.name}.{node.arg.value}", node.lineno
    for child in node.iter_child_nodes():
        yield from _walk(child, quoted)
