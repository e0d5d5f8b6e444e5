"""Locators over a window's controls, with no accessibility bus: matching, `within` and `index`, the
shortest locator that picks out one control, and the locator as YAML an author can paste."""

from __future__ import annotations

import yaml

from app.format.elements import ROLE_NAMES, FakeElements, find, locator_text, normal_role, shortest_locator
from app.ports import Control, Locator, WindowInfo

WINDOW = [
    Control("frame", "Untitled 1 - Mousepad"),                      # 0
    Control("menu bar", "", 0),                                     # 1
    Control("menu", "File", 1),                                     # 2
    Control("menu item", "Save      ", 2, ref=("app", "/3")),       # 3
    Control("menu item", "Save As...      ", 2, ref=("app", "/4")),  # 4
    Control("tool bar", "", 0),                                     # 5
    Control("push button", "Save", 5),                              # 6
    Control("dialog", "Save As", 0),                                # 7
    Control("push button", "Cancel", 7),                            # 8
    Control("push button", "Save", 7),                              # 9
    Control("push button", "[Draft]*", 7),                          # 10
]


def test_role_and_name_find_the_control_whatever_the_padding() -> None:
    assert find(WINDOW, Locator("menu item", "Save As*")) == [4]
    assert find(WINDOW, Locator("Menu Item", "save as...")) == []  # names are matched as written
    assert find(WINDOW, Locator("menu item", "re:^Save")) == [3, 4]


def test_within_and_index_choose_among_several() -> None:
    save = Locator("push button", "Save")
    assert find(WINDOW, save) == [6, 9]
    assert find(WINDOW, Locator("push button", "Save", Locator("dialog", "Save As"))) == [9]
    assert find(WINDOW, Locator("push button", "Save", index=1)) == [9]
    assert find(WINDOW, Locator("push button", "Save", index=5)) == []
    assert find(WINDOW, Locator("push button", "Save", Locator("dialog", "Open"))) == []


def test_the_shortest_locator_picks_out_exactly_one_control() -> None:
    for i, control in enumerate(WINDOW):
        locator = shortest_locator(WINDOW, i)
        assert find(WINDOW, locator) == [i], (control, locator)
    assert shortest_locator(WINDOW, 4) == Locator("menu item", "Save As...")
    assert shortest_locator(WINDOW, 9) == Locator("push button", "Save", Locator("dialog", "Save As"))
    assert shortest_locator(WINDOW, 10).name == "[[]Draft][*]"  # glob characters are taken literally


def test_a_locator_pastes_into_a_wizard_as_the_same_locator() -> None:
    for i in range(len(WINDOW)):
        locator = shortest_locator(WINDOW, i)
        loaded = yaml.safe_load(locator_text(locator))
        assert loaded.get("role") == locator.role and loaded.get("name") == locator.name
    odd = Locator("label", 'a "quoted" \\ name\nnext line')
    assert yaml.safe_load(locator_text(odd))["name"] == odd.name


def test_role_names_follow_at_spi_and_its_aliases() -> None:
    assert len(ROLE_NAMES) == 131 and ROLE_NAMES[43] == "push button" and ROLE_NAMES[35] == "menu item"
    assert normal_role("button") == normal_role("push-button") == "push button"


def test_a_parent_loop_from_a_broken_application_ends() -> None:
    loop = [Control("panel", "a", 1), Control("panel", "b", 0), Control("push button", "OK", 0)]
    assert find(loop, Locator("push button", "OK", Locator("dialog", "x"))) == []
    assert find(loop, Locator("push button", "OK", Locator("panel", "b"))) == [2]
    assert find(loop, shortest_locator(loop, 2)) == [2]


def test_the_fake_finds_in_the_window_it_is_asked_about() -> None:
    elements = FakeElements({7: WINDOW}, {("app", "/4"): (10, 20, 100, 24)})
    window = WindowInfo(app="mousepad", handle=7)
    found = elements.find(Locator("menu item", "Save As*"), window)
    assert [c.label for c in found] == ["Save As..."]
    assert elements.extents(found[0]) == (10, 20, 100, 24)
    assert elements.find(Locator("menu item", "Save As*"), WindowInfo(handle=8)) == []


def test_inspect_check_looks_at_every_control_a_wizard_names() -> None:
    from app.engine.preview import locators_in
    from app.format import model

    wizard = model.Wizard.model_validate({"wayguide": 1, "id": "w", "title": "W", "steps": [
        {"id": "look", "title": "Look", "target": {"element": {"role": "menu", "name": "File"}}},
        {"id": "save", "title": "Save", "do": [
            {"keys": "ctrl+s"},
            {"wait": {"element": {"role": "dialog", "name": "Save As"}}},
            {"click": {"element": {"role": "push button", "name": "Save"}}},
            {"click": {"at": [0.5, 0.5]}}]},
    ]})
    assert [(where, e.name) for where, e in locators_in(wizard)] == [
        ("step “look”, target", "File"), ("step “save”, action 2", "Save As"),
        ("step “save”, action 3", "Save")]
