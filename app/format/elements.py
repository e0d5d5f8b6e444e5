"""Controls inside an application, as the accessibility API shows them: the pure work on locators.

A locator (app.ports.Locator) names a control the way a person would point at it: its role ("push
button", "menu item"), its accessible name (a glob, or "re:" and a regular expression), optionally an
ancestor it must be within, and which match to take when several do (`index`, in reading order).
Nothing here talks to an application: the adapters (app/platform/atspi.py) fetch the controls, and this
module matches them, says them in words and works out the shortest locator that picks out one control."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from app.format.matching import Pattern, text_matches, window_fits
from app.ports import Control, Elements, Locator, WindowInfo

_T = TypeVar("_T")

__all__ = ["ROLE_NAMES", "FakeElements", "find", "fits", "locator_text", "normal_role", "role_hint",
           "shortest_locator", "smallest_at"]

ROLE_NAMES = (
    "invalid", "accelerator label", "alert", "animation", "arrow", "calendar", "canvas", "check box",
    "check menu item", "color chooser", "column header", "combo box", "date editor", "desktop icon",
    "desktop frame", "dial", "dialog", "directory pane", "drawing area", "file chooser", "filler",
    "focus traversable", "font chooser", "frame", "glass pane", "html container", "icon", "image",
    "internal frame", "label", "layered pane", "list", "list item", "menu", "menu bar", "menu item",
    "option pane", "page tab", "page tab list", "panel", "password text", "popup menu", "progress bar",
    "push button", "radio button", "radio menu item", "root pane", "row header", "scroll bar",
    "scroll pane", "separator", "slider", "spin button", "split pane", "status bar", "table", "table cell",
    "table column header", "table row header", "tearoff menu item", "terminal", "text", "toggle button",
    "tool bar", "tool tip", "tree", "tree table", "unknown", "viewport", "window", "extended", "header",
    "footer", "paragraph", "ruler", "application", "autocomplete", "editbar", "embedded", "entry", "chart",
    "caption", "document frame", "heading", "page", "section", "redundant object", "form", "link",
    "input method window", "table row", "tree item", "document spreadsheet", "document presentation",
    "document text", "document web", "document email", "comment", "list box", "grouping", "image map",
    "notification", "info bar", "level bar", "title bar", "block quote", "audio", "video", "definition",
    "article", "landmark", "log", "marquee", "math", "rating", "timer", "static", "math fraction",
    "math root", "subscript", "superscript", "description list", "description term", "description value",
    "footnote", "content deletion", "content insertion", "mark", "suggestion", "push button menu",
    "switch",
)
"""AT-SPI's roles by number, named as `GetRoleName` names them (atspi-constants.h, AtspiRole)."""

_ALIASES = {"button": "push button", "statusbar": "status bar"}
"""Names other versions of AT-SPI give a role (2.50 calls role 43 "button")."""


def normal_role(role: str) -> str:
    """A role name as compared: lower case, single spaces, "-" and "_" as spaces, aliases resolved."""
    words = " ".join(role.lower().replace("-", " ").replace("_", " ").split())
    return _ALIASES.get(words, words)


def role_hint(role: str) -> str:
    """" (did you mean 'push button'?)" for a role name close to a known one, else ""."""
    import difflib

    close = difflib.get_close_matches(normal_role(role), ROLE_NAMES, n=1)
    return f" (did you mean '{close[0]}'?)" if close else " (`wayguide inspect` lists the roles of a window)"


def fits(locator: Locator, control: Control) -> bool:
    """Whether `control` has the locator's role and name (its `within` and `index` aside)."""
    if locator.role is not None and normal_role(locator.role) != normal_role(control.role):
        return False
    return locator.name is None or text_matches(locator.name, control.label, False)


def find(controls: Sequence[Control], locator: Locator) -> list[int]:
    """The positions of the controls that `locator` picks, in reading order: all that match, or the one
    at `index` (none when there are fewer)."""
    scopes: set[int] | None = None
    if locator.within is not None:
        scopes = set(find(controls, locator.within))
        if not scopes:
            return []
    found = [i for i, control in enumerate(controls)
             if fits(locator, control) and (scopes is None or _inside(controls, i, scopes))]
    if locator.index is not None:
        return found[locator.index:locator.index + 1] if 0 <= locator.index < len(found) else []
    return found


def _inside(controls: Sequence[Control], i: int, ancestors: set[int]) -> bool:
    seen = 0
    parent = controls[i].parent
    while 0 <= parent < len(controls) and seen < len(controls):  # a parent loop ends here too
        if parent in ancestors:
            return True
        parent, seen = controls[parent].parent, seen + 1
    return False


def shortest_locator(controls: Sequence[Control], i: int) -> Locator:
    """The shortest locator that picks out exactly the control at `i`: its role and name when those are
    unique; else within its nearest named ancestor that makes them unique; else with an index."""
    control = controls[i]
    plain = Locator(control.role, _literal(control.label) if control.label else None)
    if find(controls, plain) == [i]:
        return plain
    parent, seen = control.parent, 0
    while 0 <= parent < len(controls) and seen < len(controls):
        ancestor = controls[parent]
        if ancestor.label:
            outer = Locator(ancestor.role, _literal(ancestor.label))
            if len(find(controls, outer)) == 1:
                inner = Locator(plain.role, plain.name, outer)
                if find(controls, inner) == [i]:
                    return inner
        parent, seen = ancestor.parent, seen + 1
    return Locator(plain.role, plain.name, None, find(controls, plain).index(i))


def places(match: Pattern | None, front: WindowInfo | None,
           windows: Sequence[WindowInfo]) -> list[WindowInfo]:
    """Where a control is looked for: with a window `match`, the windows that fit it, the one in `front`
    first; else the window in front and the other windows of its application (a dialog, or the main window
    under it)."""
    if match is not None:
        fitting = [w for w in windows if window_fits(match, w)]
        return sorted(fitting, key=lambda w: front is None or w.handle != front.handle)
    if front is None:
        return []
    return [front, *(w for w in windows if w.pid == front.pid and w.handle != front.handle)]


def control_holds(elements: Elements, locator: Locator, where: Sequence[WindowInfo], state: str | None = None,
                  text: str | None = None, gone: bool = False) -> bool:
    """Whether a control `locator` picks is in one of the windows `where` (not, when `gone`), in `state`
    and with its text (or else its name) matching `text`, a glob or "re:" regex. The text is compared here
    and forgotten."""
    for window in where:
        for control in elements.find(locator, window):
            if gone:
                return False
            if state is not None and state not in elements.states(control):
                continue
            if text is not None:
                shown = elements.text(control)
                if not text_matches(text, control.label if shown is None else shown, False):
                    continue
            return True
    return gone


def _literal(name: str) -> str:
    """A glob that matches exactly `name` (its glob characters escaped as character classes)."""
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name)


def smallest_at(placed: Sequence[tuple[_T, tuple[int, int, int, int]]], x: int, y: int) -> _T | None:
    """Of the things placed at (left, top, width, height) boxes, the one with the smallest box holding the
    point (x, y) (the innermost control; the later one of equal boxes), or None."""
    best, best_area = None, None
    for thing, (left, top, width, height) in placed:
        if left <= x < left + width and top <= y < top + height \
                and (best_area is None or width * height <= best_area):
            best, best_area = thing, width * height
    return best


def locator_text(locator: Locator) -> str:
    """The locator as a YAML flow mapping, ready to paste into a wizard."""
    parts = []
    if locator.role is not None:
        parts.append(f"role: {locator.role}")
    if locator.name is not None:
        parts.append(f"name: {_quoted(locator.name)}")
    if locator.within is not None:
        parts.append(f"within: {locator_text(locator.within)}")
    if locator.index is not None:
        parts.append(f"index: {locator.index}")
    return "{" + ", ".join(parts) + "}"


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


@dataclass
class FakeElements:
    """Elements for tests: each window's controls by its handle, and where each control is."""

    windows: dict[int, list[Control]] = field(default_factory=dict)
    places: dict[tuple[str, str], tuple[int, int, int, int]] = field(default_factory=dict)
    actions: set[tuple[str, str]] = field(default_factory=set)
    """The controls (by ref) that have an action of their own."""
    activated: list[Control] = field(default_factory=list)
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    """What each text control (by ref) holds."""
    editable: set[tuple[str, str]] = field(default_factory=set)
    """The text controls whose content the API may set."""
    listeners: list[Callable[[], None]] = field(default_factory=list)

    def controls(self, window: WindowInfo) -> list[Control]:
        return list(self.windows.get(window.handle, []))

    def find(self, locator: Locator, window: WindowInfo) -> list[Control]:
        controls = self.controls(window)
        return [controls[i] for i in find(controls, locator)]

    def extents(self, control: Control) -> tuple[int, int, int, int] | None:
        return self.places.get(control.ref)

    def activate(self, control: Control) -> bool:
        if control.ref not in self.actions:
            return False
        self.activated.append(control)
        return True

    def ancestors(self, control: Control) -> list[Control]:
        for controls in self.windows.values():
            if control in controls:
                found: list[Control] = []
                parent = controls[controls.index(control)].parent
                while 0 <= parent < len(controls) and len(found) < len(controls):
                    found.append(controls[parent])
                    parent = controls[parent].parent
                return found
        return []

    def states(self, control: Control) -> frozenset[str]:
        current = next((c for controls in self.windows.values() for c in controls if c.ref == control.ref),
                       None)
        return current.states if current is not None else frozenset()

    def text(self, control: Control) -> str | None:
        return self.texts.get(control.ref)

    def set_text(self, control: Control, text: str) -> bool:
        if control.ref not in self.editable:
            return False
        self.texts[control.ref] = text
        return True

    def focused(self, window: WindowInfo) -> Control | None:
        return next((c for c in self.controls(window) if "focused" in c.states), None)

    def at_point(self, window: WindowInfo, x: int, y: int) -> Control | None:
        inside = [c for c in self.controls(window) if (box := self.places.get(c.ref)) is not None
                  and box[0] <= x < box[0] + box[2] and box[1] <= y < box[1] + box[3]]
        return inside[-1] if inside else None  # the last in reading order: the innermost

    def subscribe(self, on_change: Callable[[], None], texts: bool = True,
                  states: Collection[str] | None = None) -> Callable[[], None]:
        self.listeners.append(on_change)
        return lambda: self.listeners.remove(on_change) if on_change in self.listeners else None

    def change(self, handle: int, controls: list[Control]) -> None:
        """The application changes window `handle`'s controls (a dialog opens, a box is ticked)."""
        self.windows[handle] = controls
        for listener in list(self.listeners):
            listener()
