"""What a preview says about a wizard file, with no Qt and no I/O: its problems as lines, the controls it
names, where each is looked for and what it found there (the control it matched, or the nearest ones)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.engine.conditions import simple_conditions
from app.format import model
from app.format.diagnostics import Diagnostic
from app.format.elements import locator_text, normal_role
from app.format.matching import window_fits
from app.ports import Control, WindowInfo

__all__ = ["Finding", "Named", "describe", "finding", "locators_in", "named_locators", "nearest",
           "problem_lines", "window_for"]


def problem_lines(diagnostics: Iterable[Diagnostic]) -> list[str]:
    """One line per problem, as the panel lists them under the file's name: `line:col: message (hint)`,
    warnings marked as such; notes left out."""
    lines = []
    for item in diagnostics:
        if item.severity == "note":
            continue
        kind = "" if item.is_error else f"{item.severity}: "
        text = f"{item.line}:{item.col}: {kind}{item.message}"
        lines.append(f"{text} ({item.hint})" if item.hint else text)
    return lines


@dataclass(frozen=True)
class Named:
    """A control a wizard names: in which step, where in it ("target", "action 2", "until"), and how."""

    step_id: str
    where: str
    element: model.ElementLocator

    @property
    def text(self) -> str:
        return locator_text(self.element.locator())


def named_locators(wizard: model.Wizard) -> list[Named]:
    """Every control a wizard names, step by step: its target, its actions' controls, its `until`."""
    found = []
    for step in wizard.steps:
        if isinstance(step.target, model.ElementTarget):
            found.append(Named(step.id, "target", step.target.element))
        for number, action in enumerate(step.do or (), 1):
            element = (action.click.element if isinstance(action, model.ClickAction) else
                       action.fill.element if isinstance(action, model.FillAction) else
                       action.wait.element if isinstance(action, model.WaitAction)
                       and isinstance(action.wait, model.WaitSpec) else None)
            if element is not None:
                found.append(Named(step.id, f"action {number}", element))
        for _, cond in simple_conditions(step.until):
            if isinstance(cond, model.ElementCond):
                found.append(Named(step.id, "until", cond.element))
    return found


def locators_in(wizard: model.Wizard) -> list[tuple[str, model.ElementLocator]]:
    """Every control a wizard names, with where: "step “save”, target", "step “save”, action 2"."""
    return [(f"step “{n.step_id}”, {n.where}", n.element) for n in named_locators(wizard)]


def window_for(element: model.ElementLocator, wizard: model.Wizard, front: WindowInfo | None,
               windows: Sequence[WindowInfo]) -> WindowInfo | None:
    """The window a preview looks for a control in: the one the locator names (topmost first); else the
    window in front when the wizard is for it (or for any window); else the topmost window the wizard is
    for (the author may have started the preview from a terminal); else the window in front."""
    if element.window is not None:
        return next((w for w in reversed(windows) if window_fits(element.window, w)), None)
    if front is not None and (not wizard.when or any(window_fits(m, front) for m in wizard.when)):
        return front
    fitting = [w for w in windows if w.shown and any(window_fits(m, w) for m in wizard.when or ())]
    return fitting[-1] if fitting else front


def nearest(element: model.ElementLocator, controls: Sequence[Control]) -> list[str]:
    """Up to three controls whose names are closest to the locator's (of its role first), quoted."""
    wanted = (element.name or "").removeprefix("re:").strip("*")
    role = normal_role(element.role) if element.role is not None else None
    same_role = [c for c in controls if role is None or normal_role(c.role) == role]
    names = list(dict.fromkeys(c.label for c in (same_role or controls) if c.label))
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.4) if wanted else names[:3]
    return [f"“{name}”" for name in close]


def describe(control: Control) -> str:
    """A control in words: its role and name ("push button “Save”")."""
    return f"{control.role} “{control.label}”" if control.label else control.role


@dataclass(frozen=True)
class Finding:
    """What one locator found in the window looked in."""

    named: Named
    matched: bool
    line: str
    """"matched: push button “Save” (1 of 1)", or why none did ("no match; nearest: “Save As…”")."""
    window: str = ""
    """The window looked in (its title), "" when there was none."""


def finding(named: Named, window: WindowInfo | None, found: Sequence[Control],
            controls: Sequence[Control] | None) -> Finding:
    """What `named` found: `found` are the controls it picks in `window` (reading order); `controls` every
    control of that window (asked for only when nothing was found: for the nearest names)."""
    if window is None:
        return Finding(named, False, "no window to look in: open the application (or the window the "
                                     "locator names)")
    where = window.title or window.app or "the window"
    if found:
        more = "" if len(found) == 1 else "; add index or within to pick one"
        return Finding(named, True, f"matched: {describe(found[0])} (1 of {len(found)}{more})", where)
    if controls is not None and not controls:
        return Finding(named, False, "no match: the window shows no controls to the accessibility bus", where)
    near = nearest(named.element, controls or ())
    return Finding(named, False, f"no match; nearest: {', '.join(near)}" if near else "no match", where)
