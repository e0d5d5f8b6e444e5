"""The hotkey matcher and platform support, table-style, without a keyboard."""

from __future__ import annotations

import pytest

from app.platform.hotkeys import STALE_AFTER, Combo, HotkeyMatcher, hotkey_support

CAS = Combo.parse("ctrl+alt+space")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def fired(events: str, combos: tuple[str, ...] = ("ctrl+alt+space",)) -> list[str]:
    """Feed "+key" (press) and "-key" (release) events; the combos fired, in order."""
    matcher = HotkeyMatcher([Combo.parse(c) for c in combos], Clock())
    out = []
    for event in events.split():
        if event[0] == "+":
            combo = matcher.press(event[1:])
            if combo is not None:
                out.append(str(combo))
        else:
            matcher.release(event[1:])
    return out


@pytest.mark.parametrize(("text", "modifiers", "key", "normal"), [
    ("ctrl+alt+space", {"ctrl", "alt"}, "space", "ctrl+alt+space"),
    ("Alt+Ctrl+Space", {"ctrl", "alt"}, "space", "ctrl+alt+space"),
    ("cmd+shift+K", {"super", "shift"}, "k", "shift+super+k"),
    ("ctrl++", {"ctrl"}, "+", "ctrl++"),
    ("f9", set(), "f9", "f9"),
    ("control+esc", {"ctrl"}, "escape", "ctrl+escape"),
])
def test_parse(text: str, modifiers: set[str], key: str, normal: str) -> None:
    combo = Combo.parse(text)
    assert (combo.modifiers, combo.key, str(combo)) == (frozenset(modifiers), key, normal)


@pytest.mark.parametrize("text", ["", "ctrl+", "ctrl+alt", "hyper+a", "ctrl+nosuchkey"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        Combo.parse(text)


@pytest.mark.parametrize(("events", "expected"), [
    ("+ctrl +alt +space", ["ctrl+alt+space"]),
    ("+alt +ctrl +space", ["ctrl+alt+space"]),                        # order of modifiers is irrelevant
    ("+ctrl_l +alt_r +space", ["ctrl+alt+space"]),                    # sides collapse
    ("+ctrl_r +alt_l +space -space -alt_l -ctrl_r", ["ctrl+alt+space"]),
    ("+ctrl +alt +shift +space", []),                                 # a superset does not fire
    ("+ctrl +space", []),                                             # a subset does not fire
    ("+altgr +ctrl +alt +space", []),                                 # AltGr is a modifier of its own
    ("+space +ctrl +alt", []),                                        # the key must come last
    ("+ctrl +alt +space +space +space", ["ctrl+alt+space"]),          # auto-repeat fires once
    ("+ctrl +alt +space -space +space", ["ctrl+alt+space"] * 2),      # a real second press fires again
    ("+ctrl +alt +a +space", []),                                     # another key is held
    ("+ctrl +alt +a -a +space", ["ctrl+alt+space"]),
    ("+ctrl +alt +shift -shift +space", ["ctrl+alt+space"]),
    ("+ctrl_l +ctrl_r -ctrl_r +alt +space", ["ctrl+alt+space"]),      # left ctrl still held
    ("+ctrl_l +ctrl_r -ctrl +alt +space", []),                        # a release without a side ends both
    ("+ctrl +alt -ctrl +space", []),
    ("+ctrl +alt -alt +shift +space", []),
    ("+shift +! -shift -1 +ctrl +alt +space", ["ctrl+alt+space"]),    # "!" pressed, "1" released
])
def test_matching(events: str, expected: list[str]) -> None:
    assert fired(events) == expected


@pytest.mark.parametrize(("events", "expected"), [
    ("+ctrl +alt +space -space +shift +k", ["ctrl+alt+space"]),        # ctrl+alt+shift+k is not ctrl+shift+k
    ("+ctrl +shift +k -k -shift +alt +space", ["ctrl+shift+k", "ctrl+alt+space"]),
    ("+super +f1 -f1 -super +f1", ["super+f1", "f1"]),
])
def test_several_combos(events: str, expected: list[str]) -> None:
    assert fired(events, ("ctrl+alt+space", "ctrl+shift+k", "super+f1", "f1")) == expected


def test_stuck_modifier_is_reconciled_with_the_os_state() -> None:
    clock = Clock()
    matcher = HotkeyMatcher([CAS, Combo.parse("alt+space")], clock)
    matcher.press("ctrl")        # its release is lost (e.g. a lock screen took the keyboard)
    matcher.press("alt")
    assert matcher.press("space") == CAS
    matcher.release("space")
    matcher.release("alt")
    clock.now += STALE_AFTER
    matcher.press("alt")
    assert matcher.press("space", modifiers_now=frozenset({"alt"})) == Combo.parse("alt+space")


def test_a_quick_combo_fires_though_the_os_already_reports_it_released() -> None:
    matcher = HotkeyMatcher([CAS], Clock())
    matcher.press("ctrl")
    matcher.press("alt")       # the OS state is read after the events: all keys are up by then
    assert matcher.press("space", modifiers_now=frozenset()) == CAS


def test_modifiers_are_never_added_from_the_os_state() -> None:
    matcher = HotkeyMatcher([CAS], Clock())
    matcher.press("alt")       # a ctrl pressed after these events must not make a combo fire
    assert matcher.press("space", modifiers_now=frozenset({"ctrl", "alt"})) is None


def test_reconcile_never_drops_altgr() -> None:
    clock = Clock()
    matcher = HotkeyMatcher([Combo.parse("ctrl+space")], clock)
    for key in ("ctrl_r", "altgr"):
        matcher.press(key)
    clock.now += STALE_AFTER
    assert matcher.press("space", modifiers_now=frozenset({"ctrl"})) is None  # AltGr is held
    matcher.release("space")
    matcher.release("altgr")
    assert matcher.press("space", modifiers_now=frozenset({"ctrl"})) == Combo.parse("ctrl+space")


def test_a_key_whose_release_was_missed_goes_stale() -> None:
    clock = Clock()
    matcher = HotkeyMatcher([CAS], clock)
    matcher.press("l")           # super+l locked the screen; the release of l never came
    matcher.press("ctrl")
    matcher.press("alt")
    assert matcher.press("space") is None
    matcher.release("space")
    clock.now += STALE_AFTER
    assert matcher.press("space") == CAS


def test_auto_repeat_keeps_a_held_key_fresh() -> None:
    clock = Clock()
    matcher = HotkeyMatcher([CAS], clock)
    for key in ("ctrl", "alt", "space"):
        matcher.press(key)
    for _ in range(100):         # held for 5 s, repeating every 50 ms
        clock.now += 0.05
        assert matcher.press("space") is None


def test_reset_forgets_everything() -> None:
    matcher = HotkeyMatcher([CAS], Clock())
    for key in ("shift", "x", "ctrl", "alt"):
        matcher.press(key)
    matcher.reset()
    for key in ("ctrl", "alt"):
        matcher.press(key)
    assert matcher.press("space") == CAS


def test_is_trigger() -> None:
    matcher = HotkeyMatcher([CAS], Clock())
    assert matcher.is_trigger("space")
    assert not matcher.is_trigger("ctrl")
    assert not matcher.is_trigger("a")


WAYLAND = "Wayland does not allow global hotkeys"


@pytest.mark.parametrize(("platform", "env", "ok", "says"), [
    ("linux", {"DISPLAY": ":0"}, True, "RECORD"),
    ("linux", {"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, True, "xdpyinfo"),
    ("linux", {"WAYLAND_DISPLAY": "wayland-0"}, False, WAYLAND),
    ("linux", {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, False, "XWayland"),
    ("linux", {"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, False, "wayguide toggle"),
    ("linux", {}, False, "DISPLAY is not set"),
    ("darwin", {}, True, "Input Monitoring"),
    ("win32", {}, True, "keyboard hook"),
    ("sunos5", {"DISPLAY": ":0"}, False, "sunos5"),
])
def test_hotkey_support(platform: str, env: dict[str, str], ok: bool, says: str) -> None:
    supported, message = hotkey_support(platform, env)
    assert supported is ok
    assert says in message
    if WAYLAND in message:
        assert "Settings ▸ Keyboard ▸ Custom Shortcuts" in message
