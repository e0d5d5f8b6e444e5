"""A recording's events grouped into the steps a person recognises, each said in words and with its
black-box actions and the condition that ends it in glass box.

Each event that does something becomes a *piece* (a window switch, a key combo, a menu choice, a click
on a control, typed text, a dialog opening or closing). Pieces gather into a step until one of them
has an end Wayguide can see: a window in front, a combo pressed, a control selected or focused, a
dialog that opened or closed. Typed text has no end of its own, so it is joined with what follows it
(the Enter that ends it, the menu choice after it); the clicks that open a menu are folded into the
menu choice; a click into a field is folded into the typing that follows. A step break ends a step
where the author asked; a note becomes the step's `why`."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.format.combo import pretty_combo, validate_combo
from app.format.elements import ROLE_NAMES, normal_role
from app.ports import Locator, WindowInfo
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
from app.recording.text import HIDDEN, clean, exact_glob, jinja_literal, md, safe_glob

__all__ = ["POSITION_MARK", "Piece", "StepPlan", "plan_steps"]

Data = dict[str, Any]

POSITION_MARK = "recorded as a position: check it"

_SELECTED = {"table cell", "list item", "tree item", "page tab", "table row", "icon"}
_CHECKED = {"radio button", "radio menu item"}
_FOCUSED = {"text", "entry", "password text", "spin button", "combo box", "editbar", "terminal"}
_FILLABLE = {"text", "entry", "password text", "spin button", "editbar"}
_MENUS = {"menu", "menu bar"}
SETTLE_S = 1
"""After typing into a dialog: GTK's file chooser (and others) read typed text in the background, and
a key pressed at once (Enter) is lost (measured; tests/desktop/test_black_box.py waits so too)."""
_WAIT_SECONDS = 10


@dataclass
class Piece:
    """One thing done: its words, what black box does, and what shows it is done (None: nothing)."""

    title: str
    """Plain words ("Press Ctrl+N"); "" for what only follows from the piece before (a dialog opens)."""
    sentence: str
    """Markdown for the explanation, the control's name in bold."""
    do: list[Data] = field(default_factory=list)
    until: Data | None = None
    target: Data | None = None


@dataclass
class StepPlan:
    """The pieces of one step and the author's notes about it."""

    pieces: list[Piece] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Grouper:
    def __init__(self, events: Sequence[Event], inputs: Sequence[TypedInput]) -> None:
        self.events = events
        self.inputs = inputs
        self.plans: list[StepPlan] = []
        self.current = StepPlan()
        self.front: WindowInfo | None = None
        self.dialogs: list[tuple[WindowInfo, WindowInfo | None]] = []
        """Open dialogs, each with the window that was in front when it opened."""
        self.openers: list[Click] = []
        """Clicks that opened the menus of the menu choice that follows."""
        self.field_click: Click | None = None
        """A click into the field the typing that follows goes to."""
        self.typed = 0

    # ------------------------------------------------------------ the walk

    def run(self) -> list[StepPlan]:
        for i, event in enumerate(self.events):
            self.feed(event, self._next(i))
        self._close()
        if self.current.notes:
            if self.plans:
                self.plans[-1].notes.extend(self.current.notes)
            else:
                self.plans.append(StepPlan([_nothing()], self.current.notes))
        return self.plans or [StepPlan([_nothing()])]

    def feed(self, event: Event, following: Event | None) -> None:
        match event:
            case Note(text=text):
                if clean(text).strip():
                    self.current.notes.append(clean(text).strip())
                return
            case StepBreak():
                self._flush_clicks()
                self._close()
                return
        if not isinstance(event, Click | Typed | SecretTyped):
            self._flush_clicks()
        piece = self._piece(event, following)
        if not isinstance(event, DialogClosed):  # a closed dialog leaves the window under it in front
            self.front = event.window
        if piece is None:
            return
        self.current.pieces.append(piece)
        if piece.until is not None and not isinstance(following, DialogOpened | DialogClosed):
            self._close()

    def _next(self, i: int) -> Event | None:
        """The next event that matters for grouping: notes and focus changes inside the same
        application skipped."""
        for event in self.events[i + 1:]:
            if isinstance(event, Note):
                continue
            if isinstance(event, Focus) and self._folded_focus(event):
                continue
            return event
        return None

    def _close(self) -> None:
        if self.current.pieces:
            self.plans.append(self.current)
            self.current = StepPlan()

    def _folded_focus(self, event: Event) -> bool:
        """A focus change that is only the effect of what was done (a new window or tab of the same
        application, a dialog's own window), not a switch the person makes."""
        if not isinstance(event, Focus):
            return False
        if self.front is None:
            return False
        return _app_of(event.window) == _app_of(self.front) or self._is_dialog(event.window)

    def _is_dialog(self, window: WindowInfo) -> bool:
        return any(_same_window(window, dialog) for dialog, _ in self.dialogs)

    def _match(self, window: WindowInfo | None) -> Data | None:
        if window is None:
            return None
        return window_match(window, self._is_dialog(window))

    # -------------------------------------------------------------- pieces

    def _piece(self, event: Event, following: Event | None) -> Piece | None:
        match event:
            case Focus():
                return None if self._folded_focus(event) else self._switch(event.window)
            case Combo(combo=combo):
                return _combo(combo)
            case Typed(text=text, field=typed_field):
                return self._typing(event.window, typed_field, self._input(text))
            case SecretTyped(field=typed_field):
                return self._typing(event.window, typed_field, self._input(None))
            case Click():
                return self._click(event, following)
            case DialogOpened(window=window):
                self.dialogs.append((window, self.front))
                return self._dialog_opened(window)
            case DialogClosed(window=window):
                return self._dialog_closed(window)
        return None

    def _switch(self, window: WindowInfo) -> Piece:
        name = app_name(window)
        match = self._match(window)
        return Piece(
            f"Switch to {name}",
            f"Bring **{md(name)}** to the front: click into its window, or start it from the "
            "applications menu.",
            [{"focus": match}] if match else [],
            {"active": match} if match else None,
        )

    def _click(self, click: Click, following: Event | None) -> Piece | None:
        if isinstance(following, Click) and _opens_menu(click, following):
            self.openers.append(click)
            return None
        if click.element is not None and _locator(click.element.locator) is not None \
                and isinstance(following, Typed | SecretTyped) and click.button == "left" \
                and (following.field is None or following.field.locator == click.element.locator):
            self.field_click = click
            return None
        if click.menu_path:
            return self._menu(click)
        return self._control(click)

    def _flush_clicks(self) -> None:
        """Menu clicks that led to no menu choice, and a click into a field nothing was typed into,
        as clicks of their own."""
        pending, self.openers = self.openers, []
        if self.field_click is not None:
            pending.append(self.field_click)
            self.field_click = None
        for click in pending:
            self.current.pieces.append(self._control(click))

    def _menu(self, click: Click) -> Piece:
        labels = [md(label) or "…" for label in click.menu_path]
        plain = [clean(label).strip() or "…" for label in click.menu_path]
        item, menus = labels[-1], labels[:-1]
        where = f"in the **{' ▸ '.join(menus)}** menu" if menus else "in the menu bar"
        openers, self.openers = self.openers, []
        do = [action for opener in openers for action in self._click_actions(opener)]
        do += self._click_actions(click)
        sentence = f"Click **{item}** {where}."
        if click.element is None or _locator(click.element.locator) is None:
            sentence += f" ({POSITION_MARK}.)"
        return Piece(f"Choose {' ▸ '.join(plain)}", sentence, do, None, self._element_target(click))

    def _control(self, click: Click) -> Piece:
        verb = {"right": "Right-click", "middle": "Middle-click"}.get(click.button, "Click")
        locator = _locator(click.element.locator) if click.element is not None else None
        if click.element is None or locator is None:
            name = app_name(click.window)
            return Piece(f"{verb} in {name}",
                         f"{verb} the marked place in **{md(name)}** ({POSITION_MARK}).",
                         self._click_actions(click), None, self._region(click))
        words, plain = _control_words(click.element, locator)
        element = self._element(locator, click.window)
        role = normal_role(str(locator.get("role", "")))
        state = "selected" if role in _SELECTED else "checked" if role in _CHECKED \
            else "focused" if role in _FOCUSED else None
        until = {"element": element, "state": state} if state is not None and click.button == "left" else None
        return Piece(f"{verb} {plain}", f"{verb} {words}.", self._click_actions(click), until,
                     {"element": element})

    def _click_actions(self, click: Click) -> list[Data]:
        locator = _locator(click.element.locator) if click.element is not None else None
        spec: Data
        if locator is not None:
            spec = {"element": self._element(locator, click.window)}
        elif click.at is not None:
            spec = {"at": [_fraction(click.at[0]), _fraction(click.at[1])]}
            match = self._match(click.window)
            if match:
                spec["window"] = match
        else:
            return []
        if click.button in ("right", "middle"):
            spec["button"] = click.button
        return [{"click": spec}]

    def _element(self, locator: Data, window: WindowInfo) -> Data:
        match = self._match(window)
        return {**locator, "window": match} if match else locator

    def _element_target(self, click: Click) -> Data | None:
        locator = _locator(click.element.locator) if click.element is not None else None
        if locator is None:
            return self._region(click)
        return {"element": self._element(locator, click.window)}

    def _region(self, click: Click) -> Data | None:
        if click.at is None:
            return None
        x, y = (min(max(_fraction(v) - 0.05, 0.0), 0.9) for v in click.at)
        target: Data = {"region": [round(x, 3), round(y, 3), 0.1, 0.1]}
        match = self._match(click.window)
        return {"window": match, **target} if match else target

    def _input(self, text: str | None) -> TypedInput:
        """The input of the next typed text: the author's, else the one suggested."""
        k, self.typed = self.typed, self.typed + 1
        if k < len(self.inputs):
            return self.inputs[k]
        return TypedInput("text", "Text", "" if text is None else text, secret=text is None)

    def _typing(self, window: WindowInfo, typed_field: Field | None, spec: TypedInput) -> Piece:
        click, self.field_click = self.field_click, None
        value = jinja_literal(spec.sample) if spec.literal and not spec.secret \
            else "{{ inputs." + spec.name + " }}"
        locator = _locator(typed_field.locator) if typed_field is not None else None
        label = clean(typed_field.label).strip() if typed_field is not None else ""
        role = normal_role(locator.get("role", "")) if locator is not None else ""
        if spec.secret:
            what = f"your *{md(spec.label) or 'password'}*"
        elif spec.literal:
            shown = clean(spec.sample).replace("\n", " ")
            what = f"“{md(shown if len(shown) <= 80 else shown[:77] + '…')}”"
        elif spec.label.startswith("Text typed in ") or not md(spec.label):
            what = "the text"
        else:
            what = f"*{md(spec.label)}*"
        if role == "table cell" and label:
            where, title = f"cell **{md(label)}**", f"Fill in cell {label}"
        elif label:
            where, title = f"the **{md(label)}** field", f"Fill in {label}"
        else:
            where = f"**{md(app_name(window))}**"
            short = clean(spec.sample).replace("\n", " ")
            title = f"Type “{short}”" if spec.literal and not spec.secret and 0 < len(short) <= 30 \
                else "Type the text"
        sentence = f"Type {what} in {where}."
        if label and not spec.secret and not spec.literal and spec.label == label:
            sentence = f"Fill in {where}."  # the input is called what the field is called
        if spec.secret:
            sentence += " Wayguide never records what is typed here."
        do: list[Data] = self._click_actions(click) if click is not None else []
        settle = [{"wait": SETTLE_S}] if any(_same_window(window, d[0]) for d in self.dialogs) else []
        target = None
        if locator is not None:
            element = self._element(locator, window)
            target = {"element": element}
            if role in _FILLABLE and label and click is None:
                return Piece(title, sentence, [{"fill": {"element": element, "text": value}}, *settle], None,
                             target)
        return Piece(title, sentence, [*do, {"type": value}, *settle], None, target)

    def _dialog_opened(self, window: WindowInfo) -> Piece:
        name = dialog_name(window)
        match = self._match(window)
        wait = {"wait": {**match, "timeout": _WAIT_SECONDS}} if match else None
        return Piece("", f"The {name} dialog opens.", [wait] if wait else [],
                     {"active": match} if match else None)

    def _dialog_closed(self, window: WindowInfo) -> Piece:
        name = dialog_name(window)
        under: WindowInfo | None = None
        for i in range(len(self.dialogs) - 1, -1, -1):
            if _same_window(window, self.dialogs[i][0]):
                under = self.dialogs.pop(i)[1]
                break
        match = window_match(window, True)
        wait = {"wait": {**match, "gone": True, "timeout": _WAIT_SECONDS}} if match else None
        self.front = under if under is not None else window  # its application is still there
        until = None
        back = self._match(under) or self._match(window)
        title = clean(window.title).strip()
        if back is not None and title:
            if "title" not in back and _app_of(under or window) == _app_of(window):
                back = {**back, "title": f"re:^(?!{_regex_literal(title)})"}
            until = {"active": back}
        return Piece("", f"The {name} dialog closes.", [wait] if wait else [], until)


# ------------------------------------------------------------------ helpers


def plan_steps(events: Sequence[Event], inputs: Sequence[TypedInput]) -> list[StepPlan]:
    """The steps of a recording, in order (at least one); `inputs` are the typed texts' inputs, one for
    each Typed and SecretTyped in order."""
    return _Grouper(events, inputs).run()


def _nothing() -> Piece:
    return Piece("Do the task", "Nothing was recorded: say here what to do.")


def app_name(window: WindowInfo | None) -> str:
    """An application as people call it: its class name ("Mousepad"), else its name capitalised."""
    if window is None:
        return "the application"
    name = clean(window.klass or window.app or window.exe.replace("\\", "/").rpartition("/")[2]).strip()
    name = " ".join(name.split())
    if not name:
        return clean(window.title).strip() or "the application"
    return name[:1].upper() + name[1:] if name.islower() else name


def dialog_name(window: WindowInfo) -> str:
    title = " ".join(clean(window.title).split())
    return f"**{md(title)}**" if title else "**new**"


def window_match(window: WindowInfo, dialog: bool) -> Data | None:
    """A window as a replay finds it again on a fresh window: the application, and for a dialog the
    start of its title ("Save As*"); a main window's title changes with the document."""
    app = _app_of(window)
    title = " ".join(clean(window.title).split())
    match: Data = {}
    if app:
        match["app"] = exact_glob(app)
    if title and (dialog or not app):
        match["title"] = exact_glob(title, prefix_only=True)
    return match or None


def _app_of(window: WindowInfo | None) -> str:
    if window is None:
        return ""
    name = window.app or window.klass or window.exe.replace("\\", "/").rpartition("/")[2]
    return " ".join(clean(name).split()).lower()


def _same_window(a: WindowInfo, b: WindowInfo) -> bool:
    if a.handle and b.handle:
        return a.handle == b.handle
    return (_app_of(a), a.title) == (_app_of(b), b.title)


def _regex_literal(text: str) -> str:
    """A regular expression matching `text` as written, with no `{` a template could start at."""
    return re.escape(text).replace("\\ ", " ").replace("\\{", "[{]").replace(HIDDEN, ".*")


def _opens_menu(click: Click, following: Click) -> bool:
    """Whether `click` only opened a menu on the way to the menu choice `following`."""
    if len(following.menu_path) < 2:
        return False
    if click.menu_path:
        return tuple(following.menu_path[:len(click.menu_path)]) == tuple(click.menu_path) \
            and len(click.menu_path) < len(following.menu_path)
    role = click.element.locator.role if click.element is not None else None
    return role is not None and normal_role(role) in _MENUS


def _locator(locator: Locator, depth: int = 0) -> Data | None:
    """A captured locator as the format writes it, what it cannot hold left out (None: nothing left)."""
    data: Data = {}
    if locator.role and normal_role(locator.role) in ROLE_NAMES:
        data["role"] = " ".join(clean(locator.role).split())
    if locator.name is not None:
        data["name"] = safe_glob(locator.name)
    if not data:
        return None
    if locator.within is not None and depth < 8:
        within = _locator(locator.within, depth + 1)
        if within is not None:
            data["within"] = within
    if locator.index is not None and 0 <= locator.index <= 10_000:
        data["index"] = locator.index
    return data


def _control_words(element: Field, locator: Data) -> tuple[str, str]:
    """A control in Markdown and in plain words: "cell **A1**" and "cell A1"."""
    label = " ".join(clean(element.label or "").split())
    if not label:
        name = locator.get("name")
        label = name.strip() if isinstance(name, str) and not any(ch in name for ch in "*?[") else ""
    role = normal_role(locator.get("role", ""))
    if not label:
        shown = role or "control"
        return f"the {md(shown)}", f"the {shown}"
    before, after = {
        "table cell": ("cell ", ""), "page tab": ("the ", " tab"), "check box": ("the ", " check box"),
        "radio button": ("the ", " option"), "text": ("the ", " field"), "entry": ("the ", " field"),
        "password text": ("the ", " field"), "combo box": ("the ", " list"), "menu": ("the ", " menu"),
    }.get(role, ("", ""))
    return f"{before}**{md(label)}**{after}", f"{before}{label}{after}"


def _combo(combo: str) -> Piece:
    try:
        keys = validate_combo(combo)
    except ValueError:
        shown = " ".join(clean(combo).split()) or "the key"
        return Piece(f"Press {shown}", f"Press **{md(shown)}** (not a key combo Wayguide knows: check it).")
    pretty = pretty_combo(keys)
    return Piece(f"Press {pretty}", f"Press **{md(pretty)}**.", [{"keys": keys}], {"keys": keys})


def _fraction(value: float) -> float:
    if not isinstance(value, int | float) or math.isnan(value):
        return 0.5
    return round(min(max(float(value), 0.0), 1.0), 4)
