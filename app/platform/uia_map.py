"""Windows UI Automation in Wayguide's words: control types and patterns mapped to the AT-SPI role names,
states and actions that locators use, so one wizard finds its controls on both. The Windows adapter that
will read the UIA tree (through comtypes or pywinauto's UIA backend) stays on paper until a Windows
machine exists; this table is what it will translate with, and tests hold it against the fake.

Sources: the UIA control type identifiers (UIA_ButtonControlTypeId = 50000 …) and the control pattern
identifiers of UIAutomationClient.h; each row names the AT-SPI role a screen reader on Linux would
announce for the same control."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from app.ports import Control

__all__ = ["CONTROL_TYPES", "PATTERN_ACTIONS", "UiaElement", "actions_of", "control_of", "states_of"]

CONTROL_TYPES: Mapping[int, tuple[str, str]] = {
    50000: ("Button", "push button"),
    50001: ("Calendar", "calendar"),
    50002: ("CheckBox", "check box"),
    50003: ("ComboBox", "combo box"),
    50004: ("Edit", "text"),
    50005: ("Hyperlink", "link"),
    50006: ("Image", "image"),
    50007: ("ListItem", "list item"),
    50008: ("List", "list"),
    50009: ("Menu", "menu"),
    50010: ("MenuBar", "menu bar"),
    50011: ("MenuItem", "menu item"),
    50012: ("ProgressBar", "progress bar"),
    50013: ("RadioButton", "radio button"),
    50014: ("ScrollBar", "scroll bar"),
    50015: ("Slider", "slider"),
    50016: ("Spinner", "spin button"),
    50017: ("StatusBar", "status bar"),
    50018: ("Tab", "page tab list"),
    50019: ("TabItem", "page tab"),
    50020: ("Text", "label"),
    50021: ("ToolBar", "tool bar"),
    50022: ("ToolTip", "tool tip"),
    50023: ("Tree", "tree"),
    50024: ("TreeItem", "tree item"),
    50025: ("Custom", "unknown"),
    50026: ("Group", "grouping"),
    50027: ("Thumb", "unknown"),
    50028: ("DataGrid", "table"),
    50029: ("DataItem", "table row"),
    50030: ("Document", "document frame"),
    50031: ("SplitButton", "push button menu"),
    50032: ("Window", "frame"),
    50033: ("Pane", "panel"),
    50034: ("Header", "header"),
    50035: ("HeaderItem", "column header"),
    50036: ("Table", "table"),
    50037: ("TitleBar", "title bar"),
    50038: ("Separator", "separator"),
    50039: ("SemanticZoom", "unknown"),
    50040: ("AppBar", "tool bar"),
}
"""UIA control type id → (its UIA name, the AT-SPI role name locators use)."""

PATTERN_ACTIONS: Mapping[int, tuple[str, str]] = {
    10000: ("Invoke", "click"),
    10005: ("ExpandCollapse", "expand or contract"),
    10010: ("SelectionItem", "select"),
    10015: ("Toggle", "toggle"),
    10002: ("Value", "set text"),
    10017: ("ScrollItem", "scroll into view"),
}
"""UIA control pattern id → (its UIA name, the action Wayguide takes through it: `click` is
Elements.activate; `set text` is how `fill` will set a field's content)."""


@dataclass(frozen=True)
class UiaElement:
    """What the Windows adapter reads of one element (the UIA properties of the same names)."""

    control_type: int
    name: str
    patterns: frozenset[int] = frozenset()
    enabled: bool = True
    focused: bool = False
    offscreen: bool = False
    toggled: bool = False
    expanded: bool = False
    selected: bool = False


def states_of(element: UiaElement) -> frozenset[str]:
    """The AT-SPI state names a locator's `state:` tests, from the element's UIA properties."""
    states = set()
    if element.enabled:
        states |= {"enabled", "sensitive"}
    if element.focused:
        states.add("focused")
    if not element.offscreen:
        states |= {"showing", "visible"}
    if element.toggled and 10015 in element.patterns:
        states.add("checked")
    if element.expanded and 10005 in element.patterns:
        states.add("expanded")
    if element.selected and 10010 in element.patterns:
        states.add("selected")
    return frozenset(states)


def control_of(element: UiaElement, parent: int = -1, ref: tuple[str, str] = ("", "")) -> Control:
    """The element as the Control every locator is matched against."""
    _, role = CONTROL_TYPES.get(element.control_type, ("", "unknown"))
    return Control(role, element.name, parent, states_of(element), ref)


def actions_of(patterns: Collection[int]) -> list[str]:
    """The actions an element offers, in the order the table lists them."""
    return [action for pattern, (_, action) in PATTERN_ACTIONS.items() if pattern in patterns]
