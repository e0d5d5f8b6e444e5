"""A step's `until` conditions: which hold on what was observed, what to watch, and in words."""

from __future__ import annotations

import gettext
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

from app.engine.effects import Watch
from app.engine.events import (
    ClipboardChanged,
    ElementObserved,
    FileObserved,
    KeysPressed,
    Observation,
    WindowActivated,
)
from app.engine.state import WAITING, RunState, SeenWindow
from app.format.combo import pretty_combo, validate_combo
from app.format.matching import pattern_words, text_matches, window_fits
from app.format.model import (
    ActiveCond,
    AfterCond,
    AllCond,
    AnyCond,
    ClipboardCond,
    Condition,
    ElementCond,
    FileCond,
    KeysCond,
    Step,
    WindowMatch,
)
from app.format.wording import ENGLISH, control_words, joined, state_words

# ------------------------------------------------------------- conditions


def _children(cond: Condition) -> Sequence[Condition] | None:
    if isinstance(cond, AnyCond):
        return cond.any
    if isinstance(cond, AllCond):
        return cond.all
    return None


def simple_conditions(cond: Condition | None, path: str = "0") -> Iterator[tuple[str, Condition]]:
    """The simple conditions inside `cond`, each with its path ("0", "0.1", ...)."""
    if cond is None:
        return
    children = _children(cond)
    if children is None:
        yield path, cond
        return
    for i, child in enumerate(children):
        yield from simple_conditions(child, f"{path}.{i}")


def condition_holds(cond: Condition, path: str, state: RunState, at: float) -> bool:
    """Keys and clipboard count once seen during the step; the rest on the latest observation."""
    match cond:
        case AnyCond(any=items):
            return any(condition_holds(c, f"{path}.{i}", state, at) for i, c in enumerate(items))
        case AllCond(all=items):
            return all(condition_holds(c, f"{path}.{i}", state, at) for i, c in enumerate(items))
        case KeysCond() | ClipboardCond():
            return path in state.latched
        case FileCond() | ElementCond():
            return path in state.holding
        case ActiveCond(active=match):
            seen = state.window
            return seen is not None and window_fits(match, seen)
        case AfterCond(after=seconds):
            return at - state.step_started_at >= seconds


def step_watch(step: Step, files: list[tuple[str, str]]) -> Watch:
    leaves = [c for _, c in simple_conditions(step.until)]
    return Watch(
        step.id,
        step.until,
        windows=any(isinstance(c, ActiveCond) for c in leaves),
        keys=tuple(dict.fromkeys(c.keys for c in leaves if isinstance(c, KeysCond))),
        clipboard=any(isinstance(c, ClipboardCond) for c in leaves),
        files=tuple(dict.fromkeys(rendered for _, rendered in files)),
        elements=tuple((p, c) for p, c in simple_conditions(step.until) if isinstance(c, ElementCond)),
        timer=any(isinstance(c, AfterCond) for c in leaves),
    )


def describe_condition(cond: Condition, files: Mapping[str, str] | None = None,
                       tr: gettext.NullTranslations = ENGLISH) -> str:
    """What ends a step, in a few words ("Mousepad in front"); `files` maps condition paths
    ("0", "0.1", ...) to rendered file paths, else the templates are shown; `tr`: the person's language."""
    return describe_at(cond, "0", files or {}, tr)


def describe_at(cond: Condition, path: str, files: Mapping[str, str],
                tr: gettext.NullTranslations = ENGLISH) -> str:
    """A condition in a few words, e.g. "Mousepad in front", for "moves on when it sees: …"."""
    _ = tr.gettext
    match cond:
        case AnyCond(any=items):
            return _describe_all(items, path, files, tr, _("{left} or {right}"))
        case AllCond(all=items):
            return _describe_all(items, path, files, tr, _("{left} and {right}"))
        case ActiveCond(active=match):
            return _("{window} in front").format(window=_describe_window(match, tr))
        case KeysCond(keys=combo):
            return _("{keys} pressed").format(keys=pretty_combo(combo, tr))
        case ClipboardCond(clipboard=pattern):
            return _("copied text matching {pattern}").format(pattern=_pattern(pattern))
        case FileCond(file=spec):
            name = files.get(path, spec.path)
            if spec.contains:
                return _("the file {name} containing “{text}”").format(name=name, text=spec.contains)
            return _("the file {name}").format(name=name)
        case ElementCond(element=element, gone=True):
            return _("{control} gone").format(control=control_words(element, "", tr))
        case ElementCond(element=element, state=state, text=text):
            control = control_words(element, "", tr)
            words = (_("{control} {state}").format(control=control, state=state_words(state, tr)) if state
                     else _("{control} there").format(control=control))
            if text is None:
                return words
            return _("{control} showing text matching {pattern}").format(control=words,
                                                                          pattern=_pattern(text))
        case AfterCond(after=seconds):
            return _("{seconds} s passed").format(seconds=f"{seconds:g}")


def _describe_all(items: Sequence[Condition], path: str, files: Mapping[str, str],
                  tr: gettext.NullTranslations, joiner: str) -> str:
    parts = []
    for i, child in enumerate(items):
        part = describe_at(child, f"{path}.{i}", files, tr)
        parts.append(f"({part})" if _children(child) is not None else part)
    return joined(parts, joiner)




def _describe_window(match: WindowMatch, tr: gettext.NullTranslations) -> str:
    app = match.app
    if app is not None:
        app = _pattern(app) if app.startswith("re:") or any(ch in app for ch in "*?[") \
            else app[:1].upper() + app[1:]
    title = _pattern(match.title) if match.title is not None else None
    if app and title:
        return tr.gettext("{app} titled {title}").format(app=app, title=title)
    return app or tr.gettext("a window titled {title}").format(title=title)


def _pattern(pattern: str) -> str:
    words = pattern_words(pattern)
    return f"/{words}/" if pattern.startswith("re:") and words == pattern[3:] else f"“{words}”"


def note_observation(state: RunState, step: Step | None, event: Observation) -> RunState:
    """The state with an observation noted: the window in front; keys and clipboard latched, files
    holding or not, for the step's `until` conditions while the run waits on the step."""
    if state.status == "ready":
        return state
    if isinstance(event, WindowActivated):
        state = replace(state, window=SeenWindow(event.app, event.title, event.exe, event.klass))
    if state.status not in WAITING or step is None or step.until is None:
        return state
    leaves = list(simple_conditions(step.until))
    match event:
        case KeysPressed(combo=combo):
            pressed = normalise_combo(combo)
            seen = {p for p, c in leaves if isinstance(c, KeysCond) and c.keys == pressed}
            state = replace(state, latched=tuple(sorted({*state.latched, *seen})))
        case ClipboardChanged(text=text):
            seen = {p for p, c in leaves
                    if isinstance(c, ClipboardCond) and text_matches(c.clipboard, text, False)}
            state = replace(state, latched=tuple(sorted({*state.latched, *seen})))
        case FileObserved(path=path, content=content):
            watched = dict(state.files)
            holding = set(state.holding)
            for p, c in leaves:
                if isinstance(c, FileCond) and watched.get(p) == path:
                    if content is not None and (c.file.contains or "") in content:
                        holding.add(p)
                    else:
                        holding.discard(p)
            state = replace(state, holding=tuple(sorted(holding)))
        case ElementObserved(path=path, holds=holds):
            if any(p == path and isinstance(c, ElementCond) for p, c in leaves):
                kept = set(state.holding) - {path}
                state = replace(state, holding=tuple(sorted(kept | ({path} if holds else set()))))
    return state


def normalise_combo(combo: str) -> str:
    """A pressed combo as `keys` conditions spell it ("ctrl+s"), or "" for none."""
    try:
        return validate_combo(combo)
    except ValueError:
        return ""
