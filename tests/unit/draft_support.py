"""Recordings and a person repeating them, for the draft writer's tests (tests/unit/test_draft.py).

`Desktop` is a small model of the test desktop: windows, the one in front, and the controls of each
(app.format.elements.FakeElements). A person repeating a recorded task does each recorded event again
on a *fresh* window (its title changed, "Untitled 1" becoming "Untitled 2"); the desktop reports what
the runtime's step observer would: the window in front and each watched control condition right away
when a step starts and again after every change, and the combos the step watches."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.engine import (
    ActionsDone,
    ElementObserved,
    Engine,
    KeysPressed,
    Perform,
    RunState,
    Start,
    SubmitInputs,
    Watch,
    WindowActivated,
)
from app.engine.events import Event as EngineEvent
from app.format.combo import validate_combo
from app.format.elements import FakeElements, control_holds, places
from app.format.loader import LoadResult, load_file
from app.format.model import Wizard
from app.ports import Control, Locator, WindowInfo
from app.recording.events import (
    Click,
    Combo,
    DialogClosed,
    DialogOpened,
    Event,
    Field,
    Focus,
    Note,
    SecretTyped,
    StepBreak,
    Typed,
)
from app.recording.review import TypedInput

T0 = 1_700_000_000.0

# ------------------------------------------------------------------ windows

XTERM = WindowInfo(app="xterm", klass="XTerm", title="ann@desk: ~", handle=1, pid=1)
MOUSEPAD = WindowInfo(app="mousepad", klass="Mousepad", title="Untitled 1 - Mousepad", handle=2, pid=2)
EDITED = replace(MOUSEPAD, title="*Untitled 1 - Mousepad")
SAVE_AS = WindowInfo(app="mousepad", klass="Mousepad", title="Save As", handle=3, pid=2)
SAVED = replace(MOUSEPAD, title="letter.txt - Mousepad")
GNUMERIC = WindowInfo(app="gnumeric", klass="Gnumeric", title="Book1.gnumeric - Gnumeric", handle=4, pid=4)
FORMAT = WindowInfo(app="gnumeric", klass="Gnumeric", title="Format Cells", handle=5, pid=4)
LOGIN = WindowInfo(app="claims", klass="Claims", title="Sign in – Claims", handle=6, pid=6)
CLAIMS = WindowInfo(app="claims", klass="Claims", title="Claims – Ann", handle=7, pid=6)

FRESH = {"Untitled 1": "Untitled 2", "Book1": "Book2", "letter.txt": "Untitled 2"}
"""How titles differ when the task is done again on a fresh window."""

TEXT = "Grüße, Zoë — 10 €"


def control(role: str, name: str, parent: int = -1, states: frozenset[str] = frozenset(),
            ref: str = "") -> Control:
    return Control(role, name, parent, states, ("app", ref or f"{role}:{name}:{parent}"))


def field_of(role: str, name: str, label: str | None = None, within: Locator | None = None) -> Field:
    return Field(Locator(role, name, within), name if label is None else label)


CONTROLS: dict[int, list[Control]] = {
    MOUSEPAD.handle: [
        control("menu bar", ""), control("menu", "File", 0), control("menu item", "New", 1),
        control("menu item", "Save As…", 1), control("text", "", -1),
    ],
    SAVE_AS.handle: [
        control("file chooser", "Save As"), control("label", "Name:", 0), control("text", "Name", 0),
        control("push button", "Cancel", 0), control("push button", "Save", 0),
    ],
    GNUMERIC.handle: [
        control("menu bar", ""), control("menu", "Format", 0), control("menu item", "Cells…", 1),
        control("table", "Sheet1"), *(control("table cell", cell, 3) for cell in ("A1", "B1", "A2", "B2")),
    ],
    FORMAT.handle: [
        control("dialog", "Format Cells"), control("page tab list", "", 0), control("page tab", "Number", 1),
        control("page tab", "Alignment", 1), control("list", "Category", 0),
        control("list item", "Currency", 4), control("push button", "OK", 0),
        control("push button", "Cancel", 0),
    ],
    LOGIN.handle: [
        control("dialog", "Sign in"), control("text", "User", 0), control("password text", "Password", 0),
        control("push button", "Sign in", 0),
    ],
    CLAIMS.handle: [control("frame", "Claims"), control("push button", "New claim", 0)],
}

# ---------------------------------------------------------------- recordings


def mousepad_letter() -> list[Event]:
    """A new document, text with non-ASCII characters, Save As through the menu, a file name, Enter."""
    return [
        Focus(1, MOUSEPAD),
        Combo(2, MOUSEPAD, "ctrl+n"),
        Typed(3, EDITED, TEXT, Field(Locator("text", None, None, 0), "")),
        Click(4, EDITED, element=field_of("menu", "File"), menu_path=("File",)),
        Click(5, EDITED, element=field_of("menu item", "Save As…"), menu_path=("File", "Save As…")),
        DialogOpened(6, SAVE_AS),
        Focus(6.1, SAVE_AS),
        Typed(7, SAVE_AS, "letter.txt", field_of("text", "Name")),
        Combo(8, SAVE_AS, "enter"),
        DialogClosed(9, SAVE_AS),
        Focus(9.1, SAVED),
    ]


def gnumeric_sheet() -> list[Event]:
    """Cells filled in (click, type, Tab or Enter), a note and a step break, a menu, a dialog with a tab,
    a list item and a button, then a position-only click and Ctrl+S."""
    def cell(name: str) -> Field:
        return field_of("table cell", name)

    return [
        Focus(1, GNUMERIC),
        Click(2, GNUMERIC, element=cell("A1")),
        Typed(3, GNUMERIC, "Item", cell("A1")),
        Combo(4, GNUMERIC, "tab"),
        Typed(5, GNUMERIC, "Amount", cell("B1")),
        Note(5.5, GNUMERIC, "Headings in row 1 keep the sheet readable for {{ colleagues }}."),
        Combo(6, GNUMERIC, "enter"),
        StepBreak(6.5, GNUMERIC),
        Click(7, GNUMERIC, element=cell("A2")),
        Typed(8, GNUMERIC, "Coffee", cell("A2")),
        Combo(9, GNUMERIC, "tab"),
        Typed(10, GNUMERIC, "4.50", cell("B2")),
        Combo(11, GNUMERIC, "enter"),
        Click(12, GNUMERIC, element=cell("B2")),
        Click(13, GNUMERIC, element=field_of("menu", "Format"), menu_path=("Format",)),
        Click(14, GNUMERIC, element=field_of("menu item", "Cells…"), menu_path=("Format", "Cells…")),
        DialogOpened(15, FORMAT),
        Click(16, FORMAT, element=field_of("page tab", "Number")),
        Click(17, FORMAT, element=field_of("list item", "Currency")),
        Click(18, FORMAT, element=field_of("push button", "OK")),
        DialogClosed(19, FORMAT),
        Click(20, GNUMERIC, at=(0.5, 0.93)),
        Combo(21, GNUMERIC, "ctrl+s"),
    ]


def claims_sign_in() -> list[Event]:
    """A sign-in dialog that was open before the recording started: a user name and a password."""
    return [
        Focus(1, LOGIN),
        Click(2, LOGIN, element=field_of("text", "User")),
        Typed(3, LOGIN, "ann.example", field_of("text", "User")),
        Combo(4, LOGIN, "tab"),
        SecretTyped(5, LOGIN, field_of("password text", "Password")),
        Click(6, LOGIN, element=field_of("push button", "Sign in")),
        DialogClosed(7, LOGIN),
        Focus(8, CLAIMS),
    ]


# ------------------------------------------------------------------ loading


def load_text(text: str) -> LoadResult:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "draft.yaml"
        path.write_text(text, encoding="utf-8")
        return load_file(path, "draft.yaml")


# ---------------------------------------------------------- the person again


def fresh(window: WindowInfo) -> WindowInfo:
    title = window.title
    for old, new in FRESH.items():
        title = title.replace(old, new)
    return replace(window, title=title.lstrip("*"))


@dataclass
class Desktop:
    """The test desktop as a person repeating the task changes it."""

    elements: FakeElements = field(default_factory=FakeElements)
    windows: dict[int, WindowInfo] = field(default_factory=dict)
    stack: list[int] = field(default_factory=list)
    """Handles from bottom to the window in front."""

    def __post_init__(self) -> None:
        self.show(XTERM)

    @property
    def front(self) -> WindowInfo | None:
        return self.windows[self.stack[-1]] if self.stack else None

    def show(self, window: WindowInfo) -> None:
        window = fresh(window)
        if window.handle not in self.windows:
            self.elements.windows[window.handle] = list(CONTROLS.get(window.handle, []))
        self.windows[window.handle] = window
        self.stack = [h for h in self.stack if h != window.handle] + [window.handle]

    def close(self, window: WindowInfo) -> None:
        self.stack = [h for h in self.stack if h != window.handle]
        self.windows.pop(window.handle, None)

    def click(self, window: WindowInfo, locator: Locator) -> None:
        controls = self.elements.windows.get(window.handle, [])
        hit = self.elements.find(locator, self.windows[window.handle])[:1]
        if not hit:
            return
        role = hit[0].role
        changed = []
        for c in controls:
            states = set(c.states) - {"focused"}
            if role in ("table cell", "list item", "page tab") and c.role == role:
                states.discard("selected")
            if c.ref == hit[0].ref:
                states.add("focused")
                if role in ("table cell", "list item", "page tab"):
                    states.add("selected")
            changed.append(replace(c, states=frozenset(states)))
        self.elements.change(window.handle, changed)

    def do(self, event: Event) -> None:
        """The person does `event` again."""
        match event:
            case Combo(window=w, combo="tab" | "enter"):  # a spreadsheet's cursor moves to the next cell
                self.elements.change(w.handle, [
                    replace(c, states=c.states - {"focused", "selected"}) if c.role == "table cell" else c
                    for c in self.elements.windows.get(w.handle, [])])
            case Focus(window=w) | DialogOpened(window=w):
                self.show(w)
            case DialogClosed(window=w):
                self.close(w)
            case Click(window=w, element=Field(locator=locator)):
                self.click(w, locator)
            case Typed(window=w, field=Field(locator=locator), text=text):
                self.click(w, locator)
                found = self.elements.find(locator, self.windows[w.handle])
                for c in found[:1]:
                    self.elements.texts[c.ref] = text

    def observations(self, watch: Watch, event: Event | None, at: float) -> list[EngineEvent]:
        """What the step observer reports for `watch`: after `event`, or right away (None)."""
        seen: list[EngineEvent] = []
        front = self.front
        if watch.windows and front is not None and (event is None or isinstance(
                event, Focus | DialogOpened | DialogClosed)):
            seen.append(WindowActivated(app=front.app, title=front.title, klass=front.klass, at=at))
        if isinstance(event, Combo):
            try:
                combo = validate_combo(event.combo)
            except ValueError:
                combo = ""
            if combo in watch.keys:
                seen.append(KeysPressed(combo=combo, at=at))
        for path, cond in watch.elements:
            where = places(cond.element.window, front, list(self.windows.values()))
            holds = control_holds(self.elements, cond.element.locator(), where, cond.state, cond.text,
                                  cond.gone)
            seen.append(ElementObserved(path=path, holds=holds, at=at))
        return seen


@dataclass
class Walk:
    state: RunState
    performed: list[Any] = field(default_factory=list)
    """Black box: every action performed, templates filled in."""
    early: list[str] = field(default_factory=list)
    """Glass box: steps that ended as soon as they were shown, before the person did anything."""


def values(inputs: Sequence[TypedInput]) -> dict[str, str]:
    return {i.name: (i.sample or "s3cret-Pw!") for i in inputs if not i.literal}


def glass_walk(wizard: Wizard, events: Sequence[Event], inputs: Sequence[TypedInput]) -> Walk:
    """A person repeats the recorded events in glass box; the engine hears only what the runtime
    would report. Nobody presses Next."""
    engine, desktop = Engine(wizard), Desktop()
    now = [T0]

    def send(event: Callable[[float], EngineEvent]) -> list[Any]:
        nonlocal state
        now[0] += 1
        state, effects = engine.handle(state, event(now[0]))
        return effects

    state = engine.initial()
    pending = send(lambda at: Start(mode="glass", at=at))
    pending += send(lambda at: SubmitInputs(values=values(inputs), at=at))
    watch = Watch("")
    early: list[str] = []

    def settle(effects: list[Any]) -> None:
        nonlocal watch
        while effects:
            fresh_watch = next((e for e in effects if isinstance(e, Watch)), None)
            if fresh_watch is None:
                return
            watch = fresh_watch
            effects = []
            for seen in desktop.observations(watch, None, now[0] + 1):
                effects += send(lambda at, seen=seen: replace(seen, at=at))
            if state.step_id != watch.step_id:
                early.append(watch.step_id)

    settle(pending)
    for event in events:
        if isinstance(event, Note | StepBreak):
            continue
        desktop.do(event)
        effects: list[Any] = []
        for seen in desktop.observations(watch, event, now[0] + 1):
            effects += send(lambda at, seen=seen: replace(seen, at=at))
        settle(effects)
    return Walk(state, early=early)


def black_walk(wizard: Wizard, inputs: Sequence[TypedInput]) -> Walk:
    """A black-box run: every Perform done at once."""
    engine = Engine(wizard)
    state = engine.initial()
    at = T0
    state, effects = engine.handle(state, Start(mode="black", values=values(inputs), at=at))
    performed: list[Any] = []
    for _ in range(500):
        perform = next((e for e in effects if isinstance(e, Perform)), None)
        if perform is None:
            break
        performed.extend(perform.actions)
        at += 1
        state, effects = engine.handle(state, ActionsDone(step_id=perform.step_id, at=at))
    return Walk(state, performed)
