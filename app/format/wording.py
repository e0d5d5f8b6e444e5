"""Actions in words, for people: the panel's "Doing this for you" line, `--dry-run` and the printed
job aid all say an action the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.format import model
from app.format.combo import pretty_combo

__all__ = ["control_words", "describe_action", "inline_code", "window_words"]


def window_words(match: model.WindowMatch | None) -> str:
    if match is None:
        return "the window in front"
    if match.app and match.title:
        return f"{match.app} (title {match.title})"
    return match.app or f"the window titled {match.title}"


def control_words(element: model.ElementLocator, bold: str = "**") -> str:
    """A control for people: "**Save As…** (menu item)", "the push button", "**OK** (push button) in
    **Save As** (dialog)"; `bold` "" for plain text, “…” around a name then."""
    if element.name is not None:
        shown = element.name[3:] if element.name.startswith("re:") else element.name.rstrip("*").strip()
        shown = inline_code(shown) or element.name
        words = f"{bold}{shown}{bold}" if bold else f"“{shown}”"
        words += f" ({element.role})" if element.role else ""
    else:
        words = f"the {element.role}"
    if element.index is not None:
        words += f", match {element.index + 1}"
    if element.within is not None:
        words += f" in {control_words(element.within, bold)}"
    return words


def describe_action(action: Any, render: Callable[[str], str] = str) -> str:
    """One action in words, for people; `render` fills in template text."""
    match action:
        case model.FocusAction(focus=w):
            return f"Bring {window_words(w)} to the front."
        case model.KeysAction(keys=k):
            return f"Press {pretty_combo(k)}."
        case model.TypeAction(type=t):
            return f"Type `{inline_code(render(t))}`."
        case model.PasteAction(paste=t):
            return f"Paste `{inline_code(render(t))}`."
        case model.FillAction(fill=spec):
            return f"Fill {control_words(spec.element)} with `{inline_code(render(spec.text))}`."
        case model.ClickAction(click=model.ClickSpec(element=model.ElementLocator() as e) as c):
            where = e.window or c.window
            return f"Click {control_words(e)}" + (f" in {window_words(where)}." if where else ".")
        case model.ClickAction(click=model.ClickSpec(at=(x, y)) as c):
            return f"Click at {x:g}, {y:g} in {window_words(c.window)}."
        case model.WaitAction(wait=float() | int() as seconds):
            return f"Wait {seconds:g} s."
        case model.WaitAction(wait=model.WaitSpec(element=model.ElementLocator() as e) as w):
            state = f"is {w.state}" if w.state else "appears"
            return f"Wait until {control_words(e)} {'is gone' if w.gone else state}."
        case model.WaitAction(wait=model.WaitSpec() as w):
            what = window_words(model.WindowMatch(app=w.app, title=w.title)) if (w.app or w.title) \
                else "the window"
            return f"Wait until {what} {'closes' if w.gone else 'appears'}."
        case model.OpenAction(open=target):
            return f"Open {render(target)}."
        case model.CopyAction(copy_=t):
            return f"Copy `{inline_code(render(t))}` to the clipboard."
        case model.NotifyAction(notify=t):
            return f"Note: {render(t)}"
        case model.RunAction(run=argv):
            return "Run `" + " ".join(render(a) for a in argv) + "`."
    return str(action)


def inline_code(text: str) -> str:
    return text.replace("\n", "⏎").replace("`", "'")
