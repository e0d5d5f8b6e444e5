"""Exact Unicode typing and key combos through XTEST into stock xterm and mousepad on a real X desktop."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from Xlib import X

from app.platform.x11_input import X11Injector
from app.platform.x11_keys import KeyEvents, keysym_for
from app.ports import ProbeUnavailable
from tests.desktop.xdesktop import Desktop, KeyCounter, wait_for
from tests.desktop.xproxy import StallingProxy

TEXT = (
    "Grüße, Ä ß € ñ — 日本\n"
    "Dear Ms Åsa Øberg, invoice Nº 42 over € 1.234,56 is paid.\n"
    "\tIndented: naïve café, déjà vu, façade, Ærø, Œuvre « quoted » ‘single’ “double”\n"
    "Polski: zażółć gęślą jaźń; Čeština: příliš žluťoučký kůň úpěl ďábelské ódy\n"
    "日本語のテキスト：東京都千代田区、大阪府。中文：你好，世界！한국어: 안녕하세요\n"
    "ASCII: ~!@#$%^&*()_+{}|:\"<>? `-=[]\\;',./ 0123456789 ABC xyz\n"
    "Ελληνικά: Καλημέρα κόσμε; Русский: Съешь же ещё этих мягких булок 😀\n"
    "  two leading spaces, trailing tab\t\n"
)
UTF8 = {"LC_ALL": "C.UTF-8"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def injector(desktop: Desktop) -> Iterator[X11Injector]:
    typist = X11Injector(desktop.display)
    yield typist
    typist.close()


@contextmanager
def started(desktop: Desktop, argv: Sequence[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = desktop.spawn(argv, env={**desktop.env, **env})
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(5)


def focus(desktop: Desktop, window: int) -> None:
    desktop.activate(window)
    wait_for(lambda: desktop.active_window() == window, 5, "the window to be active")


def xmodmap(desktop: Desktop) -> str:
    return desktop.run(["xmodmap", "-pke"], check=True).stdout


def content_when(path: Path, expected: bytes, timeout: float) -> bytes:
    """The file's content once it equals `expected`, or as it is at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        content = path.read_bytes() if path.exists() else b""
        if content == expected or time.monotonic() > deadline:
            return content
        time.sleep(0.02)


def test_the_text_needs_more_characters_than_spare_keycodes_hold_at_once(injector: X11Injector) -> None:
    snapshot = injector.keymap_snapshot()
    on_keymap = {keysym for row in snapshot for keysym in row[:2]}
    spares = [row for row in snapshot if not any(row)]
    missing = {keysym_for(char) for char in TEXT} - on_keymap
    assert len(TEXT) > 400
    assert len(missing) > 2 * len(spares) > 0  # each spare keycode carries two: typing goes in batches


def test_typing_into_stock_xterm_arrives_exactly(desktop: Desktop, injector: X11Injector,
                                                 tmp_path: Path) -> None:
    out = tmp_path / "typed.txt"
    keymap, keys = injector.keymap_snapshot(), xmodmap(desktop)
    title = f"typing-{tmp_path.name}"
    with started(desktop, ["xterm", "-title", title, "-e", "sh", "-c", 'cat > "$0"', str(out)],
                 UTF8) as xterm:
        focus(desktop, desktop.wait_window(name=f"^{title}$"))
        injector.type_text(TEXT)
        injector.press_keys("ctrl+d")  # end of input: cat ends, and xterm with it
        wait_for(lambda: xterm.poll() is not None, 10, "cat to end at ctrl+d")
    assert out.read_bytes() == TEXT.encode()
    assert injector.keymap_snapshot() == keymap
    assert xmodmap(desktop) == keys


def test_typing_into_mousepad_and_saving_with_ctrl_s(desktop: Desktop, injector: X11Injector,
                                                     tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"  # a new file: mousepad opens it empty, and ctrl+s saves without asking
    keymap, keys = injector.keymap_snapshot(), xmodmap(desktop)
    with started(desktop, ["mousepad", "--disable-server", str(letter)], {}):
        focus(desktop, desktop.wait_window(name=f"{tmp_path.name}/letter.txt - Mousepad$"))
        injector.type_text(TEXT)
        injector.press_keys("ctrl+s")
        assert content_when(letter, TEXT.encode(), 15) == TEXT.encode()
    assert injector.keymap_snapshot() == keymap
    assert xmodmap(desktop) == keys


def test_a_failure_while_typing_leaves_no_key_down_and_the_keymap_restored(
        desktop: Desktop, injector: X11Injector, monkeypatch: pytest.MonkeyPatch) -> None:
    keymap = injector.keymap_snapshot()
    real = KeyEvents.send
    failed: list[int] = []

    def send(keys: KeyEvents, event_type: int, detail: int, delay_ms: int = 0) -> None:
        if event_type == X.KeyRelease and not failed:  # 'A' is down with Shift, 'Ä' is remapped
            failed.append(detail)
            raise ConnectionError("unplugged")
        real(keys, event_type, detail, delay_ms)

    with started(desktop, ["xterm", "-title", "typing-failure", "-e", "sh", "-c", "cat > /dev/null"],
                 UTF8):
        focus(desktop, desktop.wait_window(name="^typing-failure$"))
        monkeypatch.setattr(KeyEvents, "send", send)
        with pytest.raises(ConnectionError):
            injector.type_text("AÄ")
        monkeypatch.undo()
        assert failed
        assert not any(desktop.xlib().query_keymap()), "a key is still down"
        assert injector.keymap_snapshot() == keymap


class KeyWindow:
    """A bare X window of this test's own that records the key events it receives, with their server times."""

    def __init__(self, desktop: Desktop, title: str) -> None:
        from Xlib import display

        self.conn = display.Display(desktop.display)
        screen = self.conn.screen()
        self.window = screen.root.create_window(0, 0, 300, 200, 0, screen.root_depth,
                                                event_mask=X.KeyPressMask | X.KeyReleaseMask)
        self.window.set_wm_name(title)
        self.window.map()
        self.conn.sync()
        self.events: list[tuple[int, int, int]] = []
        """(event type, keycode, server time) of each key event, in order."""

    def read(self) -> None:
        while self.conn.pending_events():
            event = self.conn.next_event()
            if event.type in (X.KeyPress, X.KeyRelease):
                self.events.append((event.type, event.detail, event.time))

    def presses(self) -> int:
        self.read()
        return sum(1 for kind, _, _ in self.events if kind == X.KeyPress)

    def close(self) -> None:
        self.conn.close()


def test_a_repeated_character_is_pressed_at_a_later_server_time_than_its_release(
        desktop: Desktop, injector: X11Injector) -> None:
    # LibreOffice's X11 backend (and other Xlib programs) take a release followed by a press of the same key
    # with the same timestamp for auto-repeat and drop the second character: "Müller" arrived as "Müler".
    text = "ll 00 ss aa 1000 Müller Straße 11 " * 5
    target = KeyWindow(desktop, "repeat-target")
    try:
        focus(desktop, desktop.wait_window(name="^repeat-target$"))
        injector.type_text(text)
        for _ in range(3):
            injector.press_keys("tab")  # keys: tab, tab, tab
        wait_for(lambda: target.presses() >= len(text) + 3, 10, "every key press")
        pairs = list(itertools.pairwise(target.events))
        repeats = [(first, second) for first, second in pairs if first[0] == X.KeyRelease
                   and second[0] == X.KeyPress and first[1] == second[1]]
        assert len(repeats) == 5 * 8 + 2
        assert all(second[2] > first[2] for first, second in repeats)
    finally:
        target.close()


def test_typing_into_a_named_window_asks_for_the_focus_once_a_chunk_not_once_a_character(
        desktop: Desktop, injector: X11Injector, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, text = tmp_path / "typed.txt", "guarded typing, the focus asked per chunk: 0123456789\n" * 10
    title = f"chunks-{tmp_path.name}"
    with started(desktop, ["xterm", "-title", title, "-e", "sh", "-c", 'cat > "$0"', str(out)], UTF8):
        window = desktop.wait_window(name=f"^{title}$")
        focus(desktop, window)
        display = injector._display
        real, asked = display.get_input_focus, [0]

        def get_input_focus() -> object:
            asked[0] += 1
            return real()

        monkeypatch.setattr(display, "get_input_focus", get_input_focus)
        assert injector.type_text(text, window, lambda: True) == len(text)
        monkeypatch.undo()
        assert content_when(out, text.encode(), 10) == text.encode()
    assert asked[0] <= len(text) // 10  # was one round trip per character: 0.44x the speed of raw typing


def test_no_character_reaches_a_window_that_takes_the_focus_mid_typing(
        desktop: Desktop, injector: X11Injector, tmp_path: Path) -> None:
    text = "".join(f"line {n:05d} of a long text\n" for n in range(4000))  # seconds: ends long before
    intruder = KeyWindow(desktop, f"intruder-{tmp_path.name}")
    target = KeyWindow(desktop, f"target-{tmp_path.name}")
    try:
        other = desktop.wait_window(name=f"^intruder-{tmp_path.name}$")
        mine = desktop.wait_window(name=f"^target-{tmp_path.name}$")
        focus(desktop, mine)
        typed: list[int] = []
        typist = threading.Thread(target=lambda: typed.append(injector.type_text(text, mine, lambda: True)))
        typist.start()
        try:
            wait_for(lambda: target.presses() >= 200, 20, "typing to be under way")
            desktop.activate(other)  # asks the window manager, as a click or alt+tab would
        finally:
            typist.join(30)
        assert typed and 200 <= typed[0] < len(text)
        wait_for(lambda: target.presses() >= typed[0], 10, "the typed keys")
        desktop.xlib().sync()
        assert intruder.presses() == 0
    finally:
        intruder.close()
        target.close()


def test_a_window_switch_asked_for_mid_typing_stops_typing_before_the_text_ends(
        desktop: Desktop, injector: X11Injector, tmp_path: Path) -> None:
    # mousepad (GTK) sets _NET_WM_USER_TIME on every key it reads and openbox answers each change with round
    # trips: under the typing's server grabs the window manager fell thousands of keys behind, and a switch
    # asked for after 5,000 characters landed only once all 42,000 were typed
    out = tmp_path / "long.txt"
    text = "".join(f"line {n:05d} of a long letter\n" for n in range(1500))
    intruder = KeyWindow(desktop, f"intruder-{tmp_path.name}")
    with started(desktop, ["mousepad", "--disable-server", str(out)], {}):
        try:
            other = desktop.wait_window(name=f"^intruder-{tmp_path.name}$")
            mine = desktop.wait_window(name=f"/{out.name} - Mousepad$")
            focus(desktop, mine)
            with KeyCounter(desktop) as keys:
                typed: list[int] = []
                typist = threading.Thread(
                    target=lambda: typed.append(injector.type_text(text, mine, lambda: True)))
                typist.start()
                try:
                    keys.wait_for(5000)
                    desktop.run(["xdotool", "windowactivate", str(other)], check=True)
                finally:
                    typist.join(60)
            assert typed and 5000 <= typed[0] < len(text)
            # the window manager, no longer held up, carries the switch out
            wait_for(lambda: desktop.active_window() == other, 10, "the intruder to be the active window")
            desktop.xlib().sync()
            assert intruder.presses() == 0
        finally:
            intruder.close()


def test_a_server_that_stops_answering_while_wayguide_holds_it_is_let_go_and_typing_says_so(
        desktop: Desktop, tmp_path: Path) -> None:
    """Right after Wayguide grabs the server to type a chunk, no reply comes any more (the proxy holds them
    back): the desktop would stay frozen for every program. The hold on the server cuts Wayguide's
    connection, typing fails in one sentence, the desktop is free again, and the next typing works with no
    key left down and the keymap as it was."""
    proxy = StallingProxy(desktop.display)
    typist = X11Injector(proxy.display)
    keymap = typist.keymap_snapshot()
    out = tmp_path / "typed.txt"
    try:
        with started(desktop, ["xterm", "-title", "held", "-e", "sh", "-c", 'cat > "$0"', str(out)], UTF8):
            window = desktop.wait_window(name="^held$")
            focus(desktop, window)
            proxy.stall_next_grab()
            with pytest.raises(ProbeUnavailable, match="did not answer for 2 s while Wayguide held it"):
                typist.type_text("Grüße", into=window)
            assert proxy.stalled.is_set()
            desktop.run(["xdotool", "getactivewindow"], check=True, timeout=10)  # others are served again
            typist.type_text("Grüße\n", into=window)
            typist.press_keys("ctrl+d")
            assert content_when(out, "Grüße\n".encode(), 10) == "Grüße\n".encode()
        assert not any(desktop.xlib().query_keymap()), "a key is still down"
        assert typist.keymap_snapshot() == keymap
    finally:
        typist.close()
        proxy.close()


def test_the_panel_waiting_on_the_server_while_the_typist_holds_it_does_not_deadlock(
        desktop: Desktop) -> None:
    """The typist grabs the server for a chunk; the GUI thread, in a Qt call that keeps Python's GIL, waits on
    an X reply; the typist then cannot run to let the server go: the desktop froze for good (seen 1 gnumeric
    replay in 20, with the highlight being shown). The app spares its GUI connection from grabs; the scenario
    runs in a process of its own, the plain one (the hazard, shown once) under a timeout."""
    def scenario(mode: str) -> str:
        done = desktop.run([sys.executable, "-m", "tests.desktop.grab_scenario", mode],
                           env={**desktop.env, "QT_QPA_PLATFORM": "xcb"}, timeout=8, cwd=ROOT)
        return str(done.stdout).strip()

    with pytest.raises(subprocess.TimeoutExpired):
        scenario("plain")
    assert scenario("spared") == "shown"
