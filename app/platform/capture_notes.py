"""Where things were drawn before a press, for the recorder's capture (app.platform.x11_capture): the
capture asks what was pressed after the press, and a menu item or a dialog button acts on the release, so
that its menu or dialog may be gone by then."""

from __future__ import annotations

import time
from typing import Any, Generic, TypeVar

from app.format.elements import shortest_locator, smallest_at
from app.platform.atspi_feed import Ref
from app.ports import Control, Locator, WindowInfo

__all__ = ["MENU_NOTE_POLL_S", "MENU_NOTE_S", "Notes"]

MENU_NOTE_S = 0.5
MENU_NOTE_POLL_S = 0.03
"""After a click opened a menu, how long its items are looked at until two looks agree on where they are
drawn (gnumeric lays a menu out in more than one pass)."""

_BUTTONS = {"push button", "toggle button", "check box", "radio button", "link"}
_P = TypeVar("_P")


class Notes:
    """Where things were drawn before a press whose target is gone when the capture asks: a dialog's buttons
    as typing began in it (the one pressed to end it, Save, may close it first and its focus event may never
    be told), and the items of the menu the last click opened, once drawn (the one clicked closes it)."""

    def __init__(self) -> None:
        self._buttons: _Noted[Control] = _Noted()
        self._locators: dict[Ref, Locator] = {}
        """The noted buttons' locators, made from the dialog's controls while it was open."""
        self._items: _Noted[Ref] = _Noted()

    def has_buttons(self, window: WindowInfo) -> bool:
        return self._buttons.key == window.handle

    def note_buttons(self, window: WindowInfo, elements: Any) -> None:
        self._buttons.note(window.handle, [])
        self._locators = {}
        controls: list[Control] = elements.controls(window)
        buttons = [(i, c) for i, c in enumerate(controls) if c.role in _BUTTONS]
        self._buttons.note(window.handle, [(c, box) for _, c in buttons if (box := elements.extents(c))])
        self._locators = {c.ref: shortest_locator(controls, i) for i, c in buttons}

    def button(self, window: WindowInfo, x: int, y: int) -> Control | None:
        return self._buttons.at(window.handle, x, y)

    def locator(self, window: WindowInfo, control: Control) -> Locator | None:
        """How a button noted in `window` is found again, as its dialog was when noted: once the press has
        closed the dialog, what is left of it on the bus cannot tell (it may list some controls, or none)."""
        return self._locators.get(control.ref) if self.has_buttons(window) else None

    def note_menu(self, menu: Control, elements: Any) -> None:
        """The items of the menu just clicked open, once they are drawn and stay put (see MENU_NOTE_S)."""
        self._items.note(menu.ref, [])
        deadline, last = time.monotonic() + MENU_NOTE_S, None
        while time.monotonic() < deadline:
            placed = elements.placed_within(menu)
            if placed and placed == last:
                break
            if placed:
                self._items.note(menu.ref, placed)
            last = placed
            time.sleep(MENU_NOTE_POLL_S)

    def item(self, menu: Control, x: int, y: int, elements: Any) -> Control | None:
        ref = self._items.at(menu.ref, x, y)
        return elements.control(ref) if ref is not None else None


class _Noted(Generic[_P]):
    """Where things were drawn when last noted (see Notes)."""

    def __init__(self) -> None:
        self.key: object = None
        self._places: list[tuple[_P, tuple[int, int, int, int]]] = []

    def note(self, key: object, places: list[tuple[_P, tuple[int, int, int, int]]]) -> None:
        self.key, self._places = key, places

    def at(self, key: object, x: int, y: int) -> _P | None:
        """The smallest thing noted under `key` that held (x, y), or None."""
        return smallest_at(self._places, x, y) if key == self.key else None
