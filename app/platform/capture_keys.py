"""What a recording makes of the keys and clicks it sees (pure: no display): a key press as a combo in the
format's notation or as typed text, consecutive text coalesced with Backspace applied, a point as fractions
of its window. Used by app.platform.x11_capture; the keyboard side speaks X keysyms."""

from __future__ import annotations

from dataclasses import dataclass, field

from Xlib import XK

from app.platform.x11_keys import NAMED_KEYSYMS

__all__ = ["Key", "KeyMeaning", "TypedText", "fractions", "keysym_text", "meaning"]

for _group in ("xkb", "publishing"):  # python-xlib knows only Latin-1 and the misc keysyms by name at first
    XK.load_keysym_group(_group)
_UNICODE_KEYSYMS = 0x01000000
_NAMES = {XK.string_to_keysym(x11): name for name, x11 in NAMED_KEYSYMS.items()}
_NAMES.update({XK.string_to_keysym(x11): name for x11, name in (
    ("KP_Enter", "enter"), ("ISO_Left_Tab", "tab"), ("KP_Tab", "tab"), ("KP_Delete", "delete"),
    ("KP_Insert", "insert"), ("KP_Home", "home"), ("KP_End", "end"), ("KP_Prior", "pageup"),
    ("KP_Next", "pagedown"), ("KP_Up", "up"), ("KP_Down", "down"), ("KP_Left", "left"),
    ("KP_Right", "right"), ("Escape", "escape"))})
_BACKSPACE = XK.string_to_keysym("BackSpace")
_SPACE = XK.string_to_keysym("space")
_KEYPAD = {XK.string_to_keysym(f"KP_{name}"): char for name, char in (
    *((str(d), str(d)) for d in range(10)), ("Add", "+"), ("Subtract", "-"), ("Multiply", "*"),
    ("Divide", "/"), ("Decimal", "."), ("Separator", ","), ("Equal", "="), ("Space", " "))}
_SPECIAL = {XK.string_to_keysym(name): char for name, char in (
    ("leftsinglequotemark", "‘"), ("rightsinglequotemark", "’"), ("leftdoublequotemark", "“"),
    ("rightdoublequotemark", "”"), ("emdash", "—"), ("endash", "–"), ("ellipsis", "…"))}
_SPECIAL.update({0x20AC: "€", 0x13BC: "Œ", 0x13BD: "œ", 0x13BE: "Ÿ"})  # EuroSign, latin9 (no names here)
_MODIFIER_KEYSYMS = {XK.string_to_keysym(name) for name in (
    "Shift_L", "Shift_R", "Control_L", "Control_R", "Alt_L", "Alt_R", "Meta_L", "Meta_R", "Super_L",
    "Super_R", "Hyper_L", "Hyper_R", "Caps_Lock", "Shift_Lock", "Num_Lock", "ISO_Level3_Shift",
    "ISO_Level5_Shift", "Mode_switch", "ISO_Next_Group", "ISO_Prev_Group")} - {0}
MODIFIER_ORDER = ("ctrl", "alt", "shift", "super")


def keysym_text(keysym: int) -> str:
    """The character a keysym types ("" for none): Latin-1 keysyms are their code point, the Unicode
    keysyms 0x01000000 + code point, the keypad its digits and signs, and a few others by name."""
    if 0x20 <= keysym <= 0x7E or 0xA0 <= keysym <= 0xFF:
        return chr(keysym)
    if _UNICODE_KEYSYMS + 0x20 <= keysym <= _UNICODE_KEYSYMS + 0x10FFFF:
        char = chr(keysym - _UNICODE_KEYSYMS)
        return char if char.isprintable() else ""
    return _KEYPAD.get(keysym) or _SPECIAL.get(keysym, "")


@dataclass(frozen=True)
class Key:
    """A key press as the keyboard mapping gives it: the keysym without modifiers (`base`), the one for the
    shift/AltGr level held (`typed`), and the modifiers held ("ctrl", "alt", "shift", "super")."""

    base: int
    typed: int
    modifiers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class KeyMeaning:
    kind: str
    """"combo", "text", "backspace" (text being typed loses a character, else the combo "backspace"), or
    "none" (a modifier alone, or a key the mapping has nothing for)."""
    value: str = ""


def meaning(key: Key) -> KeyMeaning:
    """A key with Ctrl, Alt or Super held is a combo ("ctrl+shift+n"), as is a key that types no text
    ("enter", "shift+tab", "f5"); any other key types its text (Shift and AltGr only choose the character)."""
    if key.base in _MODIFIER_KEYSYMS or key.typed in _MODIFIER_KEYSYMS:
        return KeyMeaning("none")
    commanding = key.modifiers & {"ctrl", "alt", "super"}
    if not commanding:
        if key.base == _BACKSPACE:
            return KeyMeaning("backspace")
        text = keysym_text(key.typed)
        if (text and key.base not in _NAMES) or key.base == _SPACE:
            return KeyMeaning("text", text or " ")
    name = _NAMES.get(key.base) or _NAMES.get(key.typed)
    if name is None:
        char = keysym_text(key.base) or keysym_text(key.typed)
        if not char:
            return KeyMeaning("none")
        name = char.lower()
    mods = [m for m in MODIFIER_ORDER if m in key.modifiers]
    return KeyMeaning("combo", "+".join([*mods, name]))


@dataclass
class TypedText:
    """Text being typed into one place, from two sources: the keys (their characters as the keyboard mapping
    gives them, Backspace applied) and, where the application tells, the text it inserted (exact, also
    for characters typed on a keycode remapped for a moment). The inserted text wins once it accounts for
    every key; a key whose character is unknown counts as one."""

    keys: list[str] = field(default_factory=list)
    inserted: list[str] = field(default_factory=list)
    told: bool = False
    """Whether the application has told of inserted text for these keys at all."""

    def key(self, char: str) -> None:
        self.keys.append(char)

    def backspace(self) -> bool:
        """Remove the last key's character; False when there is none (then Backspace is a combo)."""
        if not self.keys:
            return False
        self.keys.pop()
        return True

    def insert(self, text: str) -> None:
        self.told = True
        self.inserted.extend(text)

    def delete(self, length: int) -> None:
        self.told = True
        if 0 < length <= len(self.inserted):
            del self.inserted[-length:]

    @property
    def empty(self) -> bool:
        return not self.keys and not self.inserted

    @property
    def complete(self) -> bool:
        """Whether the application has told of text for every key (or never tells)."""
        return not self.told or len(self.inserted) >= len(self.keys)

    def text(self) -> str:
        """The inserted text once complete, else the keys' characters (the application told only part)."""
        return "".join(self.inserted) if self.told and self.complete else "".join(self.keys)


def fractions(point: tuple[int, int], geometry: tuple[int, int, int, int]) -> tuple[float, float]:
    """A desktop point as fractions of the window at `geometry` (x, y, width, height), each within [0, 1]
    and rounded to 3 places."""
    x, y, width, height = geometry

    def part(offset: int, size: int) -> float:
        return round(min(max(offset / size, 0.0), 1.0), 3) if size > 0 else 0.0

    return part(point[0] - x, width), part(point[1] - y, height)
