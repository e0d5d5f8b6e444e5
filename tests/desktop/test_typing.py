"""Exact Unicode typing and key combos through XTEST into stock xterm and mousepad on a real X desktop."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from Xlib import X

from app.platform.x11_input import X11Injector, _KeyEvents, keysym_for
from tests.desktop.xdesktop import Desktop, wait_for

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
    real = _KeyEvents.send
    failed: list[int] = []

    def send(keys: _KeyEvents, event_type: int, detail: int, delay_ms: int = 0) -> None:
        if event_type == X.KeyRelease and not failed:  # 'A' is down with Shift, 'Ä' is remapped
            failed.append(detail)
            raise ConnectionError("unplugged")
        real(keys, event_type, detail, delay_ms)

    with started(desktop, ["xterm", "-title", "typing-failure", "-e", "sh", "-c", "cat > /dev/null"],
                 UTF8):
        focus(desktop, desktop.wait_window(name="^typing-failure$"))
        monkeypatch.setattr(_KeyEvents, "send", send)
        with pytest.raises(ConnectionError):
            injector.type_text("AÄ")
        monkeypatch.undo()
        assert failed
        assert not any(desktop.xlib().query_keymap()), "a key is still down"
        assert injector.keymap_snapshot() == keymap
