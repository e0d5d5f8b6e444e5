"""The X11 capture's resolver (app.platform.x11_capture) with what the X server and the accessibility feed
tell it, out of step as seen in gnumeric, and fakes for the window probe and the applications."""

from __future__ import annotations

import queue

import pytest

from app.platform import x11_capture
from app.platform.atspi_feed import TextChanged
from app.platform.capture_keys import KeyMeaning
from app.platform.x11_capture import _Focus, _Item, _Resolver
from app.platform.x11_capture_source import ActiveChanged, ButtonPressed, KeyPressed
from app.ports import Control, Locator, WindowInfo
from app.recording.events import Click, Combo, Event, Typed

SHEET = WindowInfo(app="gnumeric", title="Book1.gnumeric - Gnumeric", handle=4, pid=40,
                   geometry=(0, 0, 1000, 800), shown=True)
BOX = Control("text", "", -1, frozenset({"editable"}), ("app", "/box"))
PANEL = Control("panel", "", -1, frozenset(), ("app", "/sheet"))
FILE = Control("menu", "File", -1, frozenset(), ("app", "/file"))
SAVE_AS = Control("menu item", "Save As", -1, frozenset(), ("app", "/save-as"))
ICON = Control("icon", "go-jump", -1, frozenset(), ("app", "/icon"))
OTHER = Control("text", "", -1, frozenset({"editable"}), ("app", "/other"))


DIALOG = WindowInfo(app="gnumeric", title="Save the current workbook as", handle=5, pid=40,
                    geometry=(200, 100, 600, 500), shown=True)
SAVE = Control("push button", "Save", -1, frozenset({"focusable"}), ("app", "/save"))


class Probe:
    def __init__(self) -> None:
        self.closed: set[int] = set()

    def describe(self, handle: int) -> WindowInfo | None:
        known = {w.handle: w for w in (SHEET, DIALOG) if w.handle not in self.closed}
        return known.get(handle)

    def windows(self) -> list[WindowInfo]:
        return [w for w in (SHEET, DIALOG) if w.handle not in self.closed]

    def dialog(self, handle: int) -> bool:
        return handle == DIALOG.handle


class Elements:
    """gnumeric as the capture asks it: what is at a point (the window's tree: under an open menu's popup,
    the control beneath it), and inside the open File menu its items."""

    def __init__(self) -> None:
        self.point: dict[tuple[int, int], Control] = {(10, 10): FILE, (20, 60): ICON}
        self.menu: dict[tuple[int, int], Control] = {(20, 60): SAVE_AS}
        self.all = [FILE, SAVE_AS, ICON, BOX, PANEL, OTHER]
        self.closed: set[int] = set()
        """The windows whose controls are gone (by handle)."""
        self.boxes: dict[tuple[str, str], tuple[int, int, int, int]] = {}
        self.closes_on_press: set[int] = set()
        """The windows that close as soon as something in them is pressed."""

    def at_point(self, window: WindowInfo, x: int, y: int) -> Control | None:
        self.closed |= self.closes_on_press
        return None if window.handle in self.closed else self.point.get((x, y))

    def extents(self, control: Control) -> tuple[int, int, int, int] | None:
        return self.boxes.get(control.ref)

    def inside_at(self, scope: Control, x: int, y: int) -> Control | None:
        return self.menu.get((x, y)) if scope.ref == FILE.ref else None

    def placed_within(self, scope: Control) -> list[tuple[tuple[str, str], tuple[int, int, int, int]]]:
        """Where the open menu's items were drawn while it was open."""
        return [(c.ref, (x, y, 1, 1)) for (x, y), c in self.menu.items()] if scope.ref == FILE.ref else []

    def find(self, locator: Locator, window: WindowInfo) -> list[Control]:
        return [c for c in self.all
                if c.role == locator.role and (locator.name is None or c.label == locator.name)]

    def controls(self, window: WindowInfo) -> list[Control]:
        return [] if window.handle in self.closed else self.all

    def control(self, ref: tuple[str, str]) -> Control:
        return next(c for c in self.all if c.ref == ref)

    def ancestors(self, control: Control) -> list[Control]:
        return [FILE] if control is SAVE_AS else []

    def focused(self, window: WindowInfo) -> Control | None:
        return None

    def close(self) -> None:
        pass


def _resolve(items: list[_Item], elements: Elements | None = None, probe: Probe | None = None,
             front: WindowInfo = SHEET) -> list[Event]:
    events: list[Event] = []
    feed: queue.SimpleQueue[_Item] = queue.SimpleQueue()
    resolver = _Resolver(None, None, frozenset(), own=1, on_event=events.append, items=feed)
    probe = probe or Probe()
    resolver._probe, resolver._elements = probe, elements or Elements()
    resolver._handle(ActiveChanged(0, front.handle))
    probe.closed = {DIALOG.handle} if front is DIALOG else set()  # its button, pressed, closes it
    first, *rest = items
    for item in rest:
        feed.put(item)
    resolver._handle(first)
    while resolver._held or not feed.empty():
        resolver._handle(resolver._held.popleft() if resolver._held else feed.get())
    resolver._flush()
    return events


def _key(t: float, char: str) -> KeyPressed:
    return KeyPressed(t, KeyMeaning("text", char))


def _brief(events: list[Event]) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for event in events:
        if isinstance(event, Typed):
            out.append(("typed", event.text, event.field.locator.role if event.field else None))
        elif isinstance(event, Combo):
            out.append(("combo", event.combo))
        elif isinstance(event, Click):
            out.append(("click", event.element.label if event.element else None, event.menu_path))
    return out


def test_text_the_feed_tells_while_keys_are_held_stays_after_those_keys() -> None:
    """A click on a menu item waits for the item's focus; the keys typed next into the dialog's field are
    held meanwhile, and the text the feed tells for them must not be taken (and lost) before them."""
    field = ("app", "/box")
    items: list[_Item] = [
        _Focus(PANEL.ref, PANEL, False), ButtonPressed(1, "left", 10, 10), _Focus(FILE.ref, FILE, False),
        ButtonPressed(2, "left", 20, 60), _Focus(field, BOX, False), _key(3, "a"), _key(3.1, "b"),
        TextChanged(field, True, 1, "a"), TextChanged(field, True, 1, "b"),
        KeyPressed(4, KeyMeaning("combo", "enter")),
    ]
    assert _brief(_resolve(items)) == [
        ("click", "File", ("File",)), ("click", "Save As", ("File", "Save As")), ("typed", "ab", "text"),
        ("combo", "enter"),
    ]


def test_a_menu_item_drawn_over_another_control_is_found_inside_the_open_menu() -> None:
    items: list[_Item] = [ButtonPressed(1, "left", 10, 10), ButtonPressed(2, "left", 20, 60)]
    assert _brief(_resolve(items)) == [("click", "File", ("File",)),
                                       ("click", "Save As", ("File", "Save As"))]


def test_a_menu_item_clicked_after_its_popup_closed_is_named_by_the_focus_the_feed_tells_late() -> None:
    """The capture asks after the press; the popup may already be gone (the item acts on release) and the
    feed, lagging under load, has told neither the menu's focus nor the item's yet: the click waits for it
    rather than naming the nameless control beneath."""
    items: list[_Item] = [ButtonPressed(1, "left", 10, 10), ButtonPressed(2, "left", 20, 61),
                          _Focus(SAVE_AS.ref, SAVE_AS, False)]
    elements = Elements()
    elements.point[(20, 61)] = OTHER
    assert _brief(_resolve(items, elements)) == [("click", "File", ("File",)),
                                                 ("click", "Save As", ("File", "Save As"))]


@pytest.mark.parametrize("between", [[], [ActiveChanged(1.1, SHEET.handle)]],
                         ids=["alone", "after-the-switch"])
def test_a_button_that_closed_its_dialog_before_the_capture_asked_is_named_by_the_focus_it_took(
        between: list[_Item]) -> None:
    """The Save button acts on release and its dialog is gone when the capture asks what was pressed; the
    button took the focus on the press (told late by the feed, after the main window came back in front):
    the click is on it, by role and name."""
    items: list[_Item] = [ButtonPressed(1, "left", 700, 560), *between, _Focus(SAVE.ref, SAVE, False)]
    elements = Elements()
    elements.all = []  # the dialog's controls: gone with it
    assert _brief(_resolve(items, elements, front=DIALOG)) == [("click", "Save", ())]


def test_a_button_pressed_right_after_typing_is_named_by_the_focus_told_while_the_text_was_awaited() -> None:
    """The file name typed, then Save pressed: the press first waits for the name's text; the button's focus
    comes meanwhile and is held behind the press; the dialog is gone when the press is looked at."""
    items: list[_Item] = [_Focus(BOX.ref, BOX, False), _key(1, "a"), ButtonPressed(2, "left", 700, 560),
                          _Focus(SAVE.ref, SAVE, False), TextChanged(BOX.ref, True, 1, "a")]
    elements = Elements()
    elements.closed = {DIALOG.handle}
    assert _brief(_resolve(items, elements, front=DIALOG)) == [("typed", "a", None), ("click", "Save", ())]


def test_a_dialog_button_noted_as_typing_began_names_a_press_whose_focus_is_never_told() -> None:
    """Save pressed right after the file name; the dialog is gone when the press is looked at and no focus
    event comes: the button is the one noted where the pointer was as typing began in the dialog."""
    items: list[_Item] = [_Focus(BOX.ref, BOX, False), _key(1, "a"), ButtonPressed(2, "left", 700, 560),
                          TextChanged(BOX.ref, True, 1, "a")]
    elements = Elements()
    elements.all = [BOX, SAVE]
    elements.boxes = {SAVE.ref: (660, 545, 80, 30), BOX.ref: (300, 200, 400, 30)}
    elements.closes_on_press = {DIALOG.handle}
    assert _brief(_resolve(items, elements, front=DIALOG)) == [("typed", "a", "text"), ("click", "Save", ())]


def test_a_click_on_nothing_the_application_tells_stays_a_point_with_no_wait_for_a_focus() -> None:
    items: list[_Item] = [ButtonPressed(1, "left", 500, 500), _Focus(SAVE.ref, SAVE, False)]
    assert _brief(_resolve(items)) == [("click", None, ())]


def test_a_click_in_an_open_menu_that_no_item_owns_up_to_is_a_point_not_the_control_beneath(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The menu closed before the capture asked and the item's focus never came (CI's load): the icon
    drawn beneath the menu did not get the click; a point, to be checked, not "click go-jump"."""
    monkeypatch.setattr(x11_capture, "MENU_WAIT_S", 0.1)
    items: list[_Item] = [ButtonPressed(1, "left", 10, 10), ButtonPressed(2, "left", 20, 61)]
    elements = Elements()
    elements.point[(20, 61)] = ICON
    assert _brief(_resolve(items, elements)) == [("click", "File", ("File",)), ("click", None, ())]


def test_a_menu_item_clicked_after_its_menu_closed_is_found_where_it_was_drawn_with_no_focus_told() -> None:
    """The click closed the menu before the capture asked, and the item's focus is never told (GTK may skip
    it for a quick click): the item is found where it was drawn when the menu opened."""
    items: list[_Item] = [ButtonPressed(1, "left", 10, 10), ButtonPressed(2, "left", 20, 61)]
    elements = Elements()
    elements.point[(20, 61)] = ICON
    elements.menu = {(20, 61): SAVE_AS}

    noted = elements.placed_within(FILE)
    elements.menu = {}  # closed by the click
    elements.placed_within = lambda scope: noted  # type: ignore[method-assign]
    assert _brief(_resolve(items, elements)) == [("click", "File", ("File",)),
                                                 ("click", "Save As", ("File", "Save As"))]


def test_the_focus_enter_moves_to_the_sheet_does_not_split_the_text_flushed_by_enter() -> None:
    """gnumeric's cell box: "B2" then Enter; the feed tells the focus moving to the sheet before the "2"."""
    items: list[_Item] = [
        _Focus(BOX.ref, BOX, False), _key(1, "B"), _key(1.1, "2"),
        KeyPressed(1.2, KeyMeaning("combo", "enter")),
        TextChanged(BOX.ref, True, 1, "B"), _Focus(PANEL.ref, PANEL, False),
        TextChanged(BOX.ref, True, 1, "2"),
    ]
    assert _brief(_resolve(items)) == [("typed", "B2", "text"), ("combo", "enter")]


def test_the_focus_moving_while_typing_gives_each_place_its_own_keys_once() -> None:
    """Keys told into one field, then the focus moves (no key between): the field's text is what it told,
    the keys after go on in the new place, none of them twice."""
    other = OTHER
    items: list[_Item] = [
        _Focus(BOX.ref, BOX, False), _key(1, "a"), _key(1.1, "b"), TextChanged(BOX.ref, True, 1, "a"),
        _Focus(other.ref, other, False), TextChanged(other.ref, True, 1, "b"),
    ]
    events = _resolve(items)
    assert [e.text for e in events if isinstance(e, Typed)] == ["a", "b"]
