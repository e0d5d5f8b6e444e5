"""Actions in words, for people: the panel's "Doing this for you" line, `--dry-run` and the printed
job aid all say an action the same way, in the person's language (`tr`, English by default)."""

from __future__ import annotations

import gettext
from collections.abc import Callable, Sequence
from typing import Any

from app.format import model
from app.format.combo import pretty_combo
from app.format.elements import normal_role
from app.format.matching import pattern_words
from app.i18n import ENGLISH, NCS_

__all__ = ["ENGLISH", "ROLE", "STATE", "control_words", "describe_action", "either", "inline_code", "joined",
           "role_words", "sentence", "state_words", "window_words"]

ROLE, STATE = "control role", "control state"
"""The catalogue's contexts for role and state names ("text" the role is not "text" the word; the marks
below write them out: the extractor reads only literal contexts)."""
SAID_ROLES = NCS_(
    "control role",
    "push button", "toggle button", "check box", "radio button", "push button menu", "switch", "link",
    "menu", "menu bar", "menu item", "check menu item", "radio menu item", "popup menu", "combo box", "text",
    "password text", "entry", "spin button", "slider", "label", "heading", "paragraph", "list", "list box",
    "list item", "page tab", "page tab list", "table", "table cell", "column header", "row header", "tree",
    "tree item", "tree table", "tool bar", "status bar", "scroll bar", "tool tip", "dialog", "alert",
    "file chooser", "frame", "window", "panel", "filler", "section", "form", "icon", "image", "notification",
    "terminal", "document text", "document spreadsheet", "document web", "application",
)
"""The roles people meet in wizards, said in their language; the rest as AT-SPI names them."""
SAID_STATES = NCS_(
    "control state",
    "focused", "checked", "selected", "expanded", "enabled", "showing",
)
"""app.format.model.ElementState, said in the person's language."""


def role_words(role: str, tr: gettext.NullTranslations = ENGLISH) -> str:
    """A control's role in the language of `tr`: "push button", "knop", "Schaltfläche"."""
    return tr.pgettext(ROLE, normal_role(role))


def state_words(state: str, tr: gettext.NullTranslations = ENGLISH) -> str:
    """A control's state in the language of `tr`: "checked", "aangevinkt", "angekreuzt"."""
    return tr.pgettext(STATE, state)



def joined(parts: Sequence[str], joiner: str) -> str:
    """`parts` joined by `joiner` ("{left} or {right}"), each next one after those before: "a or b or c"."""
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = joiner.format(left=text, right=part)
    return text


def either(words: Sequence[str], tr: gettext.NullTranslations = ENGLISH) -> str:
    """"glass or black", in the language of `tr`."""
    return joined(words, tr.gettext("{left} or {right}"))


def window_words(match: model.WindowMatch | None, tr: gettext.NullTranslations = ENGLISH) -> str:
    _ = tr.gettext
    if match is None:
        return _("the window in front")
    title = pattern_words(match.title) if match.title is not None else None
    if match.app and title:
        return _("{app} (title {title})").format(app=match.app, title=title)
    return match.app or _("the window titled {title}").format(title=title)


def control_words(element: model.ElementLocator, bold: str = "**",
                  tr: gettext.NullTranslations = ENGLISH) -> str:
    """A control for people: "**Save As…** (menu item)", "the push button", "**OK** (push button) in
    **Save As** (dialog)"; `bold` "" for plain text, “…” around a name then. Roles stay as the
    accessibility interface names them, in the language of `tr` where it has them."""
    _ = tr.gettext
    if element.name is not None:
        shown = pattern_words(element.name).rstrip("*").strip()
        shown = inline_code(shown) or element.name
        words = f"{bold}{shown}{bold}" if bold else f"“{shown}”"
        words += f" ({role_words(element.role, tr)})" if element.role else ""
    else:
        words = _("the {role}").format(role=role_words(element.role or "", tr))
    if element.index is not None:
        words = _("{control}, match {number}").format(control=words, number=element.index + 1)
    if element.within is not None:
        within = control_words(element.within, bold, tr)
        words = _("{control} in {within}").format(control=words, within=within)
    return words


def sentence(text: str) -> str:
    """`text` begun with a capital: a sentence that opens with a control ("the check box was not found")."""
    return text[:1].upper() + text[1:]


def describe_action(action: Any, render: Callable[[str], str] = str,
                    tr: gettext.NullTranslations = ENGLISH) -> str:
    """One action in words, for people, as a sentence; `render` fills in template text."""
    return sentence(_described(action, render, tr))


def _described(action: Any, render: Callable[[str], str], tr: gettext.NullTranslations) -> str:
    _ = tr.gettext
    match action:
        case model.FocusAction(focus=w):
            return _("Bring {window} to the front.").format(window=window_words(w, tr))
        case model.KeysAction(keys=k):
            return _("Press {keys}.").format(keys=pretty_combo(k, tr))
        case model.TypeAction(type=t):
            return _("Type `{text}`.").format(text=inline_code(render(t)))
        case model.PasteAction(paste=t):
            return _("Paste `{text}`.").format(text=inline_code(render(t)))
        case model.FillAction(fill=spec):
            return _("Fill {control} with `{text}`.").format(control=control_words(spec.element, tr=tr),
                                                             text=inline_code(render(spec.text)))
        case model.ClickAction(click=model.ClickSpec(element=model.ElementLocator() as e) as c):
            where = e.window or c.window
            if where:
                return _("Click {control} in {window}.").format(control=control_words(e, tr=tr),
                                                                window=window_words(where, tr))
            return _("Click {control}.").format(control=control_words(e, tr=tr))
        case model.ClickAction(click=model.ClickSpec(at=(x, y)) as c):
            return _("Click at {x}, {y} in {window}.").format(x=f"{x:g}", y=f"{y:g}",
                                                               window=window_words(c.window, tr))
        case model.WaitAction(wait=float() | int() as seconds):
            return _("Wait {seconds} s.").format(seconds=f"{seconds:g}")
        case model.WaitAction(wait=model.WaitSpec(element=model.ElementLocator() as e) as w):
            control = control_words(e, tr=tr)
            if w.gone:
                return _("Wait until {control} is gone.").format(control=control)
            if w.state:
                return _("Wait until {control} is {state}.").format(control=control,
                                                                    state=state_words(w.state, tr))
            return _("Wait until {control} appears.").format(control=control)
        case model.WaitAction(wait=model.WaitSpec() as w):
            what = window_words(model.WindowMatch(app=w.app, title=w.title), tr) if (w.app or w.title) \
                else _("the window")
            if w.gone:
                return _("Wait until {window} closes.").format(window=what)
            return _("Wait until {window} appears.").format(window=what)
        case model.OpenAction(open=target):
            return _("Open {target}.").format(target=render(target))
        case model.CopyAction(copy_=t):
            return _("Copy `{text}` to the clipboard.").format(text=inline_code(render(t)))
        case model.NotifyAction(notify=t):
            return _("Note: {text}").format(text=render(t))
        case model.RunAction(run=argv):
            return _("Run `{command}`.").format(command=" ".join(render(a) for a in argv))
    return str(action)


def inline_code(text: str) -> str:
    return text.replace("\n", "⏎").replace("`", "'")
