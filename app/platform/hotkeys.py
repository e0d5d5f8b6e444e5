"""Global hotkeys without a toolkit: combos, an exact matcher fed with key events, and platform support."""

from __future__ import annotations

import gettext
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from app.format.combo import MODIFIERS, validate_combo
from app.i18n import ENGLISH, N_

__all__ = ["MODIFIER_KEYS", "STALE_AFTER", "WAYLAND_HINT", "Combo", "HotkeyMatcher", "hotkey_support"]

MODIFIER_KEYS: Mapping[str, str] = {
    **{name: name for name in MODIFIERS},
    **{f"{name}_{side}": name for name in MODIFIERS for side in "lr"},
    "altgr": "altgr",
}
"""Key name -> the modifier it holds. AltGr is a modifier of its own: no combo uses it, so it blocks them."""

STALE_AFTER = 1.5
"""Seconds after which a key that is held without auto-repeat counts as released (its release was missed)."""


@dataclass(frozen=True)
class Combo:
    """A key combo: the exact set of modifiers and one other key, e.g. ctrl+alt+space."""

    modifiers: frozenset[str]
    key: str

    @classmethod
    def parse(cls, text: str) -> Combo:
        """Parse "Ctrl+Alt+Space"; raise ValueError with a one-line message on nonsense."""
        normal = validate_combo(text)
        key = "+" if normal.endswith("++") else normal.rsplit("+", 1)[-1]
        modifiers = normal[: len(normal) - len(key)].split("+")
        return cls(frozenset(m for m in modifiers if m), key)

    def __str__(self) -> str:
        return "+".join([m for m in MODIFIERS if m in self.modifiers] + [self.key])


class HotkeyMatcher:
    """Feed it normalised key events; `press` returns the combo that fires, or None.

    Key names: modifiers "ctrl", "alt", "shift", "super", optionally with a side ("ctrl_l",
    "super_r"), and "altgr"; letters lower-case; named keys as in combos ("space", "f1", "escape").
    A combo fires on the press of its key when the held modifiers are exactly its modifiers and
    no other key is held; auto-repeat (a press of a key already held) does not fire again. Missed
    releases cannot leave the matcher stuck: a caller that can read the OS modifier state passes
    it as `modifiers_now` (modifiers held for over STALE_AFTER seconds that it says are up are
    dropped); other keys count as released once they have been silent for STALE_AFTER
    seconds (a key really held auto-repeats), or when a key is released that was never seen pressed.
    """

    def __init__(self, combos: Iterable[Combo], clock: Callable[[], float] = time.monotonic) -> None:
        self._combos = frozenset(combos)
        self._triggers = frozenset(c.key for c in self._combos)
        self._clock = clock
        self._modifiers: dict[str, float] = {}
        """Held modifiers -> when pressed."""
        self._keys: dict[str, float] = {}
        """Held non-modifier keys -> when last pressed or auto-repeated."""

    def listen_for(self, combos: Iterable[Combo]) -> None:
        """Match these combos from now on, keeping what is held (a listener going on to the next step)."""
        combos = frozenset(combos)
        self._combos, self._triggers = combos, frozenset(c.key for c in combos)

    def is_trigger(self, key: str) -> bool:
        """Whether pressing this key could fire a combo (worth reading the OS modifier state for)."""
        return key in self._triggers

    def press(self, key: str, modifiers_now: frozenset[str] | None = None) -> Combo | None:
        now = self._clock()
        if modifiers_now is not None:
            self._reconcile(modifiers_now, now)
        if key in MODIFIER_KEYS:
            self._modifiers.setdefault(key, now)
            return None
        self._keys = {k: t for k, t in self._keys.items() if now - t < STALE_AFTER}
        repeat = key in self._keys
        others_held = any(k != key for k in self._keys)
        self._keys[key] = now
        if repeat or others_held:
            return None
        candidate = Combo(frozenset(MODIFIER_KEYS[m] for m in self._modifiers), key)
        return candidate if candidate in self._combos else None

    def release(self, key: str) -> None:
        if key in MODIFIER_KEYS:
            family = MODIFIER_KEYS[key]
            if key == family:  # a release without a side ends that modifier on both sides
                self._modifiers = {m: t for m, t in self._modifiers.items() if MODIFIER_KEYS[m] != family}
            else:
                self._modifiers.pop(key, None)
                self._modifiers.pop(family, None)
        elif self._keys.pop(key, None) is None:  # never seen pressed: the picture is wrong, start over
            self._keys.clear()

    def reset(self) -> None:
        """Forget every held key (e.g. after the listener restarted)."""
        self._modifiers.clear()
        self._keys.clear()

    def _reconcile(self, modifiers_now: frozenset[str], now: float) -> None:
        """Drop modifiers held for longer than STALE_AFTER that the OS says are up (a missed release).

        Newer ones are trusted as seen: the OS state is read later than the events were made, so
        a quick combo may already be released there. AltGr is not reported, so it is left alone."""
        self._modifiers = {m: t for m, t in self._modifiers.items()
                           if now - t < STALE_AFTER or MODIFIER_KEYS[m] in modifiers_now
                           or MODIFIER_KEYS[m] not in MODIFIERS}


WAYLAND_HINT = N_("bind `wayguide toggle` to a desktop shortcut (GNOME: Settings ▸ Keyboard ▸ Custom "
                  "Shortcuts; KDE: System Settings ▸ Shortcuts)")


def hotkey_support(platform: str, env: Mapping[str, str],
                   tr: gettext.NullTranslations = ENGLISH) -> tuple[bool, str]:
    """Whether a global hotkey can work here, and what to know or do about it (for `wayguide doctor`, in
    the language of `tr`)."""
    _ = tr.gettext
    hint = _(WAYLAND_HINT)
    if platform == "win32":
        return True, _("global hotkeys through a low-level keyboard hook")
    if platform == "darwin":
        return True, _("needs permission: System Settings ▸ Privacy & Security ▸ Accessibility and "
                       "▸ Input Monitoring, allow Wayguide (or the terminal that starts it)")
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False, _("no global hotkeys on {platform}: {hint}").format(platform=platform, hint=hint)
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        if not env.get("DISPLAY"):
            return False, _("Wayland does not allow global hotkeys: {hint}").format(hint=hint)
        return False, _("Wayland does not allow global hotkeys (through XWayland only while an X11 window "
                        "has the focus): {hint}").format(hint=hint)
    if not env.get("DISPLAY"):
        return False, _("no display: DISPLAY is not set")
    return True, _("X11: needs the RECORD extension of the X server "
                   "(check: xdpyinfo -queryExtensions | grep RECORD)")
