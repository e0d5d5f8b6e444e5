"""Key combos as wizards and settings write them ("ctrl+shift+s"): the one check and normal form."""

from __future__ import annotations

import gettext

from app.format.diagnostics import quote
from app.i18n import N_

__all__ = ["MODIFIERS", "NAMED_KEYS", "pretty_combo", "validate_combo"]

MODIFIERS = ("ctrl", "alt", "shift", "super")
_KEY_ALIASES = {"control": "ctrl", "win": "super", "meta": "super", "cmd": "super",
                "return": "enter", "esc": "escape", "del": "delete"}
NAMED_KEYS = frozenset(
    "enter tab space escape backspace delete insert home end pageup pagedown up down left right "
    "menu printscreen".split()
    + [f"f{i}" for i in range(1, 25)]
)


def validate_combo(value: str) -> str:
    """Normalise "Ctrl+Shift+S" to "ctrl+shift+s"; raise ValueError on nonsense."""
    parts = [p.strip().lower() for p in value.split("+")]
    if value.strip().endswith("++"):
        parts = [*parts[:-2], "+"]
    if not parts or any(not p for p in parts):
        raise ValueError(f"{quote(value)} is not a key combo (write it like ctrl+s)")
    parts = [_KEY_ALIASES.get(p, p) for p in parts]
    *mods, key = parts
    for mod in mods:
        if mod not in MODIFIERS:
            raise ValueError(f"{quote(mod)} is not a modifier (use {', '.join(MODIFIERS)})")
    if len(set(mods)) != len(mods):
        raise ValueError(f"{quote(value)} repeats a modifier")
    if key in MODIFIERS:
        raise ValueError(f"{quote(value)} has no key after the modifiers")
    if len(key) != 1 and key not in NAMED_KEYS:
        raise ValueError(f"unknown key {quote(key)} (a single character or one of: enter, tab, "
                         "space, escape, f1…f24, …)")
    return "+".join([m for m in MODIFIERS if m in mods] + [key])


KEY_NAMES = {name: name for name in (
    N_("Ctrl"), N_("Shift"), N_("Alt"), N_("Super"), N_("Enter"), N_("Return"), N_("Escape"), N_("Esc"),
    N_("Space"), N_("Tab"), N_("Backspace"), N_("Delete"), N_("Insert"), N_("Home"), N_("End"),
    N_("Pageup"), N_("Pagedown"), N_("Up"), N_("Down"), N_("Left"), N_("Right"))}
"""Key names as a keyboard in the person's language prints them (German: Strg, Umschalt, Eingabe…)."""


def pretty_combo(combo: str, tr: gettext.NullTranslations | None = None) -> str:
    """ "ctrl+shift+s" → "Ctrl+Shift+S"; with `tr`, the key names in its language ("Strg+Umschalt+S")."""
    key = "+" if combo.endswith("+") else combo.rpartition("+")[2]
    mods = combo[: len(combo) - len(key)].rstrip("+")
    parts = [*(mods.split("+") if mods else []), key]
    words = [p.capitalize() if len(p) > 1 else p.upper() for p in parts]
    if tr is not None:
        words = [tr.gettext(w) if w in KEY_NAMES else w for w in words]
    return "+".join(words)
