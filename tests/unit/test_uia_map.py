"""The Windows UI Automation table: every control type maps to a role locators know, and a window read
through it is found by the same locators as on Linux (against the fake; no Windows here)."""

from __future__ import annotations

from app.format.elements import ROLE_NAMES, FakeElements, shortest_locator
from app.platform.uia_map import CONTROL_TYPES, UiaElement, actions_of, control_of, states_of
from app.ports import Locator, WindowInfo

BUTTON, MENU, MENU_ITEM, WINDOW, EDIT, CHECK = 50000, 50009, 50011, 50032, 50004, 50002
INVOKE, TOGGLE, EXPAND = 10000, 10015, 10005


def test_every_control_type_maps_to_a_role_that_locators_know() -> None:
    assert len(CONTROL_TYPES) == 41 and set(CONTROL_TYPES) == set(range(50000, 50041))
    for control_type, (_, role) in CONTROL_TYPES.items():
        assert role in ROLE_NAMES, control_type


def test_a_notepad_window_read_through_the_table_is_found_by_the_wizards_locators() -> None:
    tree = [
        control_of(UiaElement(WINDOW, "Untitled - Notepad")),
        control_of(UiaElement(MENU, "File", frozenset({EXPAND})), 0),
        control_of(UiaElement(MENU_ITEM, "Save As...", frozenset({INVOKE}), offscreen=True), 1, ("uia", "7")),
        control_of(UiaElement(EDIT, "Text Editor", focused=True), 0),
        control_of(UiaElement(BUTTON, "Save", frozenset({INVOKE})), 0),
        control_of(UiaElement(CHECK, "Word wrap", frozenset({TOGGLE}), toggled=True), 0),
    ]
    elements = FakeElements({1: tree}, actions={("uia", "7")})
    window = WindowInfo(app="notepad", handle=1)
    assert [c.label for c in elements.find(Locator("menu item", "Save As*"), window)] == ["Save As..."]
    assert [c.label for c in elements.find(Locator("push button", "Save"), window)] == ["Save"]
    assert shortest_locator(tree, 2) == Locator("menu item", "Save As...")
    assert "focused" in tree[3].states and "checked" in tree[5].states
    assert "showing" not in tree[2].states  # offscreen: a closed menu's item, pressed through Invoke
    assert elements.activate(tree[2])


def test_states_follow_the_patterns_an_element_has() -> None:
    assert "checked" not in states_of(UiaElement(BUTTON, "OK", toggled=True))  # no Toggle pattern
    assert "enabled" not in states_of(UiaElement(BUTTON, "OK", enabled=False))
    assert actions_of({TOGGLE, INVOKE}) == ["click", "toggle"]
    assert control_of(UiaElement(99999, "odd")).role == "unknown"
