"""The pynput adapter with duck-typed keys and a fake listener (pynput itself needs a display to import)."""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from app.platform.hotkey_listener import HotkeyListener, key_name, x11_modifier_state
from app.platform.hotkeys import Combo


class Key(enum.Enum):
    """pynput.keyboard.Key's member names (its values are platform key codes)."""

    alt = 1
    alt_l = 2
    alt_r = 3
    alt_gr = 4
    cmd = 5
    cmd_l = 6
    cmd_r = 7
    ctrl = 8
    ctrl_l = 9
    ctrl_r = 10
    shift = 11
    shift_r = 12
    space = 13
    esc = 14
    page_up = 15
    print_screen = 16
    f1 = 17
    caps_lock = 18


@dataclass
class KeyCode:
    """pynput.keyboard.KeyCode's public attributes."""

    vk: int | None = None
    char: str | None = None


@pytest.mark.parametrize(("key", "platform", "name"), [
    (Key.ctrl_l, "linux", "ctrl_l"),
    (Key.ctrl, "linux", "ctrl"),
    (Key.alt_r, "linux", "alt_r"),
    (Key.alt_gr, "linux", "altgr"),
    (Key.cmd, "darwin", "super"),
    (Key.cmd_r, "win32", "super_r"),
    (Key.shift_r, "linux", "shift_r"),
    (Key.space, "linux", "space"),
    (Key.esc, "linux", "escape"),
    (Key.page_up, "linux", "pageup"),
    (Key.print_screen, "linux", "printscreen"),
    (Key.f1, "linux", "f1"),
    (Key.caps_lock, "linux", "caps_lock"),
    (KeyCode(vk=97, char="a"), "linux", "a"),
    (KeyCode(vk=65, char="A"), "linux", "a"),
    (KeyCode(char="!"), "linux", "!"),
    (KeyCode(char="ä"), "darwin", "ä"),
    (KeyCode(vk=0x41, char="\x01"), "win32", "a"),       # Windows: ctrl+a reports a control character
    (KeyCode(vk=0x35), "win32", "5"),
    (KeyCode(vk=0x70), "win32", "vk:112"),               # not a letter or digit: never mistaken for one
    (KeyCode(vk=0x32, char="\x00"), "darwin", "vk:50"),  # macOS key codes are not letters
    (KeyCode(vk=65027), "linux", "vk:65027"),
    (KeyCode(), "linux", "unknown"),
    (None, "linux", "unknown"),                          # pynput passes None for keys it cannot read
])
def test_key_name(key: object, platform: str, name: str) -> None:
    assert key_name(key, platform) == name


class FakeListener:
    def __init__(self, on_press: Callable[[object], None], on_release: Callable[[object], None],
                 on_end: Callable[[], None]) -> None:
        self.on_press, self.on_release, self.on_end = on_press, on_release, on_end
        self.alive = False
        self.stopped = False
        self.heard = threading.Event()

    def start(self) -> None:
        self.alive = True

    def stop(self) -> None:
        self.alive, self.stopped = False, True
        self.on_end()  # pynput's thread ends after stop() too

    def die(self) -> None:
        """The thread ends by itself, calling on_end while it is still alive, as a real thread does."""
        self.on_end()
        self.alive = False

    def is_alive(self) -> bool:
        return self.alive

    def type(self, *keys: object) -> None:
        for key in keys:
            self.on_press(key)
        for key in reversed(keys):
            self.on_release(key)


class Harness:
    def __init__(self, modifier_state: Callable[[], frozenset[str] | None] | None = None,
                 on_hotkey: Callable[[Combo], None] | None = None) -> None:
        self.fired: list[str] = []
        self.died = 0
        self.listeners: list[FakeListener] = []
        self.hotkeys = HotkeyListener([Combo.parse("ctrl+alt+space")],
                                      on_hotkey or (lambda c: self.fired.append(str(c))),
                                      modifier_state, self._factory, on_died=self._died)

    def _died(self) -> None:
        self.died += 1

    def _factory(self, on_press: Callable[[object], None], on_release: Callable[[object], None],
                 on_end: Callable[[], None]) -> FakeListener:
        self.listeners.append(FakeListener(on_press, on_release, on_end))
        return self.listeners[-1]

    @property
    def listener(self) -> FakeListener:
        return self.listeners[-1]


def test_ready_waits_until_keys_reach_the_listener_and_no_longer() -> None:
    h = Harness()
    assert not h.hotkeys.ready(0.01)  # not started
    h.hotkeys.start()
    assert not h.hotkeys.ready(0.01)  # its thread has not received anything yet
    threading.Timer(0.05, h.listener.heard.set).start()
    assert h.hotkeys.ready(5)
    h.listener.die()
    assert not h.hotkeys.ready(0.01)


def test_fires_on_the_combo() -> None:
    h = Harness()
    h.hotkeys.start()
    assert h.hotkeys.is_alive()
    h.listener.type(Key.ctrl_l, Key.alt, Key.space)
    h.listener.type(Key.ctrl_l, Key.alt, Key.shift, Key.space)
    h.listener.type(KeyCode(char="x"), Key.space)
    assert h.fired == ["ctrl+alt+space"]


def test_listening_for_other_combos_needs_no_new_listener_and_keeps_what_is_held() -> None:
    """The next step's keys: the same listener goes on; nothing pressed as the step shows passes unheard."""
    h = Harness()
    h.hotkeys.start()
    h.listener.on_press(Key.ctrl_l)  # held across the change
    h.hotkeys.listen_for([Combo.parse("ctrl+a"), Combo.parse("alt+b")])
    h.listener.on_press(KeyCode(char="a"))
    h.listener.on_release(KeyCode(char="a"))
    h.listener.on_release(Key.ctrl_l)
    h.listener.type(Key.alt, KeyCode(char="b"))
    h.listener.type(Key.ctrl_l, Key.alt, Key.space)  # no longer asked for
    assert h.fired == ["ctrl+a", "alt+b"] and len(h.listeners) == 1


def test_reads_the_os_modifier_state_only_for_a_combo_key() -> None:
    reads: list[int] = []

    def modifier_state() -> frozenset[str]:
        reads.append(1)
        return frozenset({"ctrl", "alt"})

    h = Harness(modifier_state)
    h.hotkeys.start()
    h.listener.on_press(KeyCode(char="q"))
    h.listener.on_release(KeyCode(char="q"))
    assert reads == []
    h.listener.on_press(Key.ctrl_l)
    h.listener.on_press(Key.alt_l)
    assert reads == []
    h.listener.on_press(Key.space)
    assert (reads, h.fired) == ([1], ["ctrl+alt+space"])


def test_errors_never_reach_pynput_and_never_show_keys(caplog: pytest.LogCaptureFixture) -> None:
    def broken(combo: Combo) -> None:
        raise RuntimeError(f"secret {combo}")

    h = Harness(on_hotkey=broken)
    h.hotkeys.start()
    with caplog.at_level(logging.DEBUG):
        h.listener.type(Key.ctrl, Key.alt, Key.space)
    assert "RuntimeError" in caplog.text
    assert "secret" not in caplog.text and "space" not in caplog.text


def test_ensure_running_restarts_a_dead_listener_with_a_clean_slate() -> None:
    h = Harness()
    assert h.hotkeys.ensure_running() is False          # never started: nothing to keep running
    h.hotkeys.start()
    h.listener.on_press(Key.ctrl)
    h.listener.on_press(Key.alt)
    assert h.hotkeys.ensure_running() is False
    h.listener.die()
    assert h.died == 1
    assert not h.hotkeys.is_alive()
    assert h.hotkeys.ensure_running() is True
    assert len(h.listeners) == 2 and h.hotkeys.is_alive()
    h.listener.on_press(Key.space)                      # ctrl and alt were forgotten
    assert h.fired == []


def test_stop() -> None:
    h = Harness()
    h.hotkeys.start()
    first = h.listener
    h.hotkeys.stop()
    assert first.stopped and not h.hotkeys.is_alive()
    assert h.hotkeys.ensure_running() is False
    assert h.died == 0                                  # stopped on purpose: no death to report


def test_a_death_is_told_at_once_even_while_the_thread_still_finishes() -> None:
    h = Harness()
    h.hotkeys.start()
    alive_when_told: list[bool] = []
    h.hotkeys._on_died = lambda: alive_when_told.append(h.hotkeys.is_alive())
    h.listener.die()                                    # on_end runs while the thread is still alive
    assert alive_when_told == [False]
    assert h.hotkeys.ensure_running() is True and h.hotkeys.is_alive()
    assert not h.listeners[0].stopped  # pynput's stop() of a dead listener can wait forever: not called


def test_a_replaced_listener_ending_is_no_death() -> None:
    h = Harness()
    h.hotkeys.start()
    h.hotkeys.start()                                   # e.g. the hotkey changed in Settings
    assert h.listeners[0].stopped and h.died == 0
    h.listeners[0].die()
    assert h.died == 0 and h.hotkeys.is_alive()


@pytest.mark.parametrize(("mask", "modifiers"), [
    (0, set()),
    (1 | 4, {"shift", "ctrl"}),
    (8 | 64, {"alt", "super"}),
    (2 | 16 | 128 | 256, set()),                        # Lock, NumLock (Mod2), Mod5, a button
    (1 | 4 | 8 | 64 | 16, {"shift", "ctrl", "alt", "super"}),
])
def test_x11_modifier_state(mask: int, modifiers: set[str]) -> None:
    class Pointer:
        def __init__(self) -> None:
            self.mask = mask

    class Root:
        def query_pointer(self) -> Pointer:
            return Pointer()

    class Screen:
        root = Root()

    class Display:
        def screen(self) -> Screen:
            return Screen()

    assert x11_modifier_state(Display()) == frozenset(modifiers)
