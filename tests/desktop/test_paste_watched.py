"""Paste beside clipboard managers, on a real X desktop: a watcher that reads CLIPBOARD and PRIMARY the
instant they change (as Klipper, CopyQ and clipman do) and CopyQ itself run while Wayguide pastes into
mousepad and xterm. The text that arrives is the pasted one, and the person's clipboard is back afterwards,
every time."""

from __future__ import annotations

import contextlib
import json
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from Xlib import X

from tests.desktop.clipwatch import read_selection, targets
from tests.desktop.test_black_box import end, raw_terminal, run_black_box, wizard_file
from tests.desktop.test_tray_app import RunningApp, start_app, stop_app
from tests.desktop.xdesktop import Desktop, wait_for

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 5
PASTED = "Round {n}: Grüße, Ä ß € ñ — 日本\nthe second line of round {n}\n"


class Lines:
    """A helper process of the tests, its stdout lines in a queue."""

    def __init__(self, desktop: Desktop, *args: str, stdin: int | None = None) -> None:
        self.process = desktop.spawn([sys.executable, "-m", *args], cwd=ROOT, stdout=subprocess.PIPE,
                                     stdin=stdin)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[bytes]) -> None:
        for line in stream:
            self.lines.put(line.decode("utf-8").rstrip("\n"))

    def line(self, timeout: float = 30) -> str:
        got = self.lines.get(timeout=timeout)
        self.seen.append(got)
        return got

    def drain(self) -> list[str]:
        while not self.lines.empty():
            self.line()
        return self.seen

    def close(self) -> None:
        end(self.process)
        self._reader.join(5)
        for stream in (self.process.stdout, self.process.stdin):
            if stream is not None:
                stream.close()

    def tell(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command.encode() + b"\n")
        self.process.stdin.flush()


@pytest.fixture
def watcher(desktop: Desktop) -> Iterator[Lines]:
    # at once, and again while the paste keys reach the application: no read by another client is its fetch
    watching = Lines(desktop, "tests.desktop.clipwatch", "--later", "0.001,0.002,0.004,0.008,0.016")
    assert json.loads(watching.line()) == {"ready": True}
    yield watching
    watching.close()


@pytest.fixture
def copyq(desktop: Desktop, tmp_path: Path) -> Iterator[dict[str, str]]:
    """CopyQ, a real clipboard manager, keeping a history of everything copied (a home of its own)."""
    if shutil.which("copyq") is None:
        pytest.fail("copyq is missing: run scripts/setup")
    home = tmp_path / "copyq"
    env = {**desktop.env, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "data"), "XDG_RUNTIME_DIR": str(home / "run")}
    (home / "run").mkdir(parents=True, mode=0o700)
    server = desktop.spawn(["copyq"], env=env)
    wait_for(lambda: desktop.run(["copyq", "size"], env=env).returncode == 0, 20, "CopyQ to start")
    yield env
    with contextlib.suppress(subprocess.TimeoutExpired):
        desktop.run(["copyq", "exit"], env=env, timeout=10)
    end(server)


@pytest.fixture
def wayguide(desktop: Desktop, tmp_path: Path) -> Iterator[RunningApp]:
    app = start_app(desktop, tmp_path / "home")
    yield app
    stop_app(app)


def persons_clipboard(desktop: Desktop, text: str) -> Lines:
    """Another program owning CLIPBOARD and PRIMARY with `text`, as after the person copied it."""
    owner = Lines(desktop, "tests.desktop.clipwatch", "--own", text)
    assert json.loads(owner.line()) == {"ready": True}
    return owner


@pytest.mark.parametrize("target", ["mousepad", "xterm"])
def test_paste_beside_clipboard_managers_puts_the_text_in_and_gives_the_clipboard_back(
        desktop: Desktop, wayguide: RunningApp, watcher: Lines, copyq: dict[str, str], tmp_path: Path,
        target: str) -> None:
    out = tmp_path / "pasted.txt"
    if target == "mousepad":
        app = desktop.spawn(["mousepad", "--disable-server", str(out)])
        window = desktop.wait_window(name="pasted.txt - Mousepad$")
    else:
        app = raw_terminal(desktop, "paste-watched", out)
        window = desktop.wait_window(name="^paste-watched$")
    d = desktop.xlib()
    arrived = b""
    try:
        for n in range(ROUNDS):
            text = PASTED.format(n=n)
            person = f"the person's own clipboard, round {n}"
            owner = persons_clipboard(desktop, person)
            desktop.activate(window)
            if target == "mousepad":  # the file holds this round's paste only
                steps: list[dict[str, object]] = [{"keys": "ctrl+a"}, {"paste": text}, {"keys": "ctrl+s"}]
                expected = text.encode()
            else:  # the terminal's cat appends each round (Return arrives as "\r")
                steps = [{"paste": text}]
                arrived += text.replace("\n", "\r").encode()
                expected = arrived
            wizard = wizard_file(tmp_path / "paste.yaml", [
                {"id": "go", "title": "Go there", "do": [{"focus": {"app": target}}]},
                {"id": "paste", "title": "Paste the letter", "do": steps},
            ])
            run_black_box(wayguide, wizard)
            try:
                wait_for(lambda: out.exists() and out.read_bytes() == expected, 15,  # noqa: B023
                         f"the pasted text of round {n}")
            except TimeoutError:
                assert (out.read_bytes() if out.exists() else b"") == expected
                raise
            assert read_selection(d, "CLIPBOARD") == person.encode()
            if target == "xterm":  # (mousepad's own select-all took PRIMARY)
                assert read_selection(d, "PRIMARY") == person.encode()
            owner.close()
        assert out.read_bytes() == expected
        # the watcher read the offered text the instant it came, before the application did (a fast paste
        # can be over before it reads: in some rounds it sees the clipboard given back only)
        read = [json.loads(line) for line in watcher.drain()]
        assert any({"selection": "CLIPBOARD", "when": "at once", "text": PASTED.format(n=n)} in read
                   for n in range(ROUNDS)), read
        history = desktop.run(["copyq", "eval", "for (i = 0; i < size(); ++i) print(str(read(i)) + '|')"],
                              env=copyq).stdout
        assert "the person's own clipboard, round" in history  # CopyQ was watching the clipboard too
    finally:
        end(app)


def test_a_secret_offer_carries_the_password_manager_hint_and_only_the_targets_client_fetches(
        desktop: Desktop) -> None:
    probe = Lines(desktop, "tests.desktop.offer_probe", stdin=subprocess.PIPE)
    other = desktop.xlib()
    target = _display(desktop)
    try:
        assert probe.line(30) == "ready"
        probe.tell("secret hunter2")
        assert probe.line() == "offered"
        assert {"UTF8_STRING", "x-kde-passwordManagerHint"} <= set(targets(other))
        assert read_selection(other, "CLIPBOARD", "x-kde-passwordManagerHint") == b"secret"
        window = target.screen().root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)
        target.sync()
        assert read_selection(other, "CLIPBOARD") == b"hunter2"  # a manager's read before the keys
        probe.tell(f"arm {window.id}")
        assert probe.line() == "armed"
        assert read_selection(other, "CLIPBOARD") == b"hunter2"  # a manager's read after them
        assert read_selection(target, "CLIPBOARD") == b"hunter2"  # the target's own
        fetched = probe.line()
        assert fetched.startswith("fetched ")
        mask = int(target.display.info.resource_id_mask)
        assert int(fetched.split()[1]) & ~mask == window.id & ~mask  # the target's client, not the other
        probe.tell("restore")
        assert probe.line() == "restored"
        probe.tell("offer plain")
        assert probe.line() == "offered"
        assert "x-kde-passwordManagerHint" not in targets(other)
        probe.tell("restore")
        assert probe.line() == "restored"
    finally:
        if probe.process.poll() is None:
            probe.tell("quit")
        probe.close()
        target.close()


def _display(desktop: Desktop) -> Any:
    from Xlib import display

    return display.Display(desktop.display)
