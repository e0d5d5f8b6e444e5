"""The pure parts of the recorder's capture: a key press as a combo or text, typed text coalesced with
Backspace and with what the application inserted, a point as fractions of its window."""

from __future__ import annotations

from Xlib import XK

from app.platform.capture_keys import Key, KeyMeaning, TypedText, fractions, keysym_text, meaning


def _key(base: str, typed: str | None = None, *mods: str) -> Key:
    return Key(XK.string_to_keysym(base), XK.string_to_keysym(typed or base), frozenset(mods))


def test_keys_with_ctrl_alt_or_super_are_combos_in_the_formats_notation() -> None:
    assert meaning(_key("s", "s", "ctrl")) == KeyMeaning("combo", "ctrl+s")
    assert meaning(_key("n", "N", "shift", "ctrl")) == KeyMeaning("combo", "ctrl+shift+n")
    assert meaning(_key("F4", None, "alt")) == KeyMeaning("combo", "alt+f4")
    assert meaning(_key("Return")) == KeyMeaning("combo", "enter")
    assert meaning(_key("Tab")) == KeyMeaning("combo", "tab")
    assert meaning(_key("Tab", None, "shift")) == KeyMeaning("combo", "shift+tab")
    assert meaning(_key("Escape")) == KeyMeaning("combo", "escape")
    assert meaning(_key("Delete")) == KeyMeaning("combo", "delete")


def test_printable_keys_are_text_shift_choosing_the_character() -> None:
    assert meaning(_key("a")) == KeyMeaning("text", "a")
    assert meaning(_key("a", "A", "shift")) == KeyMeaning("text", "A")
    assert meaning(_key("space")) == KeyMeaning("text", " ")
    assert meaning(Key(XK.string_to_keysym("e"), 0x20AC)) == KeyMeaning("text", "€")  # AltGr+e
    assert meaning(_key("BackSpace")) == KeyMeaning("backspace")
    assert meaning(_key("Shift_L", None, "shift")) == KeyMeaning("none")
    assert meaning(_key("Control_L")) == KeyMeaning("none")


def test_keysyms_give_their_characters() -> None:
    assert keysym_text(XK.string_to_keysym("udiaeresis")) == "ü"
    assert keysym_text(0x01000000 + ord("—")) == "—"
    assert keysym_text(0x20AC) == "€"
    assert keysym_text(XK.string_to_keysym("KP_5")) == "5"
    assert keysym_text(XK.string_to_keysym("Return")) == ""


def test_backspace_edits_the_text_being_typed_and_is_a_combo_past_its_start() -> None:
    typed = TypedText()
    for char in "Helo":
        typed.key(char)
    assert typed.backspace()
    typed.key("l")
    typed.key("o")
    assert typed.text() == "Hello"
    fresh = TypedText()
    assert not fresh.backspace()


def test_the_text_the_application_inserted_wins_once_it_accounts_for_every_key() -> None:
    typed = TypedText()
    for char in "Gr\ufffd\ufffde":  # two characters typed on a keycode remapped for a moment
        typed.key(char)
    assert typed.complete  # the application has told nothing: the keys are all there is
    typed.insert("Grü")
    assert not typed.complete and typed.text() == "Gr\ufffd\ufffde"
    typed.insert("ße!")
    typed.delete(1)
    assert typed.complete and typed.text() == "Grüße"


def test_a_point_is_fractions_of_its_window_within_it() -> None:
    assert fractions((150, 250), (100, 200, 200, 100)) == (0.25, 0.5)
    assert fractions((90, 400), (100, 200, 200, 100)) == (0.0, 1.0)
    assert fractions((5, 5), (0, 0, 0, 0)) == (0.0, 0.0)
