"""The recorder end to end on a real desktop: `wayguide record` while xdotool does a task in mousepad
(a new document, text with non-ASCII characters, File ▸ Save As… through the menu, a file name),
Ctrl+C in its terminal; the draft loads; a black-box run of it on a fresh window saves the same file,
byte for byte; a glass-box run moves on by itself at every step while the task is done again."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from app.format.loader import load_file
from app.format.model import Wizard
from app.platform.atspi import AtspiElements
from app.ports import Locator, WindowInfo
from tests.desktop.test_black_box import Waiting
from tests.desktop.test_capture import _click_on, _shown, _window
from tests.desktop.test_elements import a11y_desktop, elements  # noqa: F401 - fixtures
from tests.desktop.test_tray_app import RunningApp, start_app, stop_app
from tests.desktop.xdesktop import Desktop, wait_for

pytestmark = pytest.mark.desktop

TEXT = "Grüße, Zoë — 10 €"
NAME = "letter.txt"


class Mousepad:
    """A fresh mousepad window of its own (its own process), in a folder of the test's."""

    def __init__(self, desktop: Desktop, folder: Path) -> None:
        self.desktop, self.folder = desktop, folder
        folder.mkdir(parents=True, exist_ok=True)
        before = set(desktop.windows(name="Mousepad$"))
        self.process = desktop.spawn(["mousepad", "--disable-server"],
                                     env={**desktop.env, "HOME": str(folder)}, cwd=folder)
        self.handle = wait_for(lambda: [w for w in desktop.windows(name="Mousepad$") if w not in before],
                               15, "a new mousepad window")[0]
        self.window: WindowInfo = _window(desktop, self.handle)
        desktop.activate(self.handle)

    def close(self) -> None:
        self.process.kill()
        self.process.wait(10)


@pytest.fixture
def wayguide(a11y_desktop: Desktop, tmp_path: Path,  # noqa: F811
             monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningApp]:
    monkeypatch.setenv("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "1")  # the panel on the bus, read as seen
    app = start_app(a11y_desktop, tmp_path / "home")
    yield app
    stop_app(app)


def _save_as(desktop: Desktop, elements: AtspiElements, window: WindowInfo, name: str) -> None:  # noqa: F811
    """File ▸ Save As… by the mouse, the name typed, Enter once the dialog can save."""
    _save_as_menu(desktop, elements, window)
    _name_and_enter(desktop, elements, name)


def _save_as_menu(desktop: Desktop, elements: AtspiElements, window: WindowInfo) -> None:  # noqa: F811
    _click_on(desktop, elements, _shown(elements, window, Locator("menu", "File")))
    _click_on(desktop, elements, _shown(elements, window, Locator("menu item", "Save As*")))


def _name_and_enter(desktop: Desktop, elements: AtspiElements, name: str) -> None:  # noqa: F811
    dialog = _window(desktop, desktop.wait_window(name="^Save As$"))
    field = wait_for(lambda: elements.focused(dialog), 10, "the name field")
    desktop.run(["xdotool", "type", "--delay", "40", name], check=True)
    wait_for(lambda: elements.text(field) == name, 10, "the name typed")
    save = wait_for(lambda: elements.find(Locator("push button", "Save"), dialog), 10, "Save")[0]
    wait_for(lambda: "sensitive" in elements.states(save), 10, "the Save button ready")
    desktop.key("Return")


def _demonstrate(desktop: Desktop, elements: AtspiElements, pad: Mousepad) -> None:  # noqa: F811
    desktop.key("ctrl+n")
    wait_for(lambda: desktop.active_window() and "Untitled 2" in desktop.window_name(desktop.active_window()),
             10, "the new document")
    desktop.run(["xdotool", "type", "--delay", "40", TEXT], check=True)
    _save_as(desktop, elements, pad.window, NAME)
    wait_for(lambda: (pad.folder / NAME).exists() and not desktop.windows(name="^Save As$"), 10,
             "the file saved and the dialog closed")


def _recorded(app: RunningApp, desktop: Desktop, elements: AtspiElements, pad: Mousepad,  # noqa: F811
              draft: Path) -> Wizard:
    """`wayguide record --out DRAFT`, the demonstration, Ctrl+C: the draft, loaded."""
    recording = Waiting(app, "--out", str(draft), command="record")
    try:
        assert recording.line().startswith("Recording: do the task once.")
        desktop.activate(pad.handle)
        _demonstrate(desktop, elements, pad)
        recording.process.send_signal(signal.SIGINT)  # Ctrl+C in the terminal
        assert recording.exit_code() == 0
        assert recording.line() == f"completed: draft written to {draft}"
    finally:
        recording.close()
    result = load_file(draft)
    assert result.wizard is not None and not [d for d in result.diagnostics if d.severity == "error"], \
        result.diagnostics
    return result.wizard


def _shown_steps(app: RunningApp) -> list[str]:
    """The steps the panel has shown, in order, from the app's usage data (kept on this computer)."""
    with closing(sqlite3.connect(app.home / "data" / "usage.sqlite3")) as db:
        rows = db.execute("SELECT step FROM events WHERE kind = 'step-shown' ORDER BY seq")
        return [row[0] for row in rows]


def _values(wizard: Wizard) -> list[str]:
    """--set for each input: the recorded texts, in the order they were typed."""
    typed = iter([TEXT, NAME])
    return [f"{i.name}={next(typed)}" for i in wizard.inputs]


def test_a_recorded_mousepad_task_replays_byte_for_byte_and_guides_by_itself(
        a11y_desktop: Desktop, elements: AtspiElements, wayguide: RunningApp,  # noqa: F811
        tmp_path: Path, artifacts: Path) -> None:
    draft = tmp_path / "draft.yaml"
    first = Mousepad(a11y_desktop, tmp_path / "first")
    try:
        wizard = _recorded(wayguide, a11y_desktop, elements, first, draft)
    except (TimeoutError, AssertionError):
        a11y_desktop.screenshot(artifacts / "record-mousepad.png")
        raise
    finally:
        first.close()
    recorded = (first.folder / NAME).read_bytes()
    assert recorded == TEXT.encode()
    assert TEXT not in draft.read_text(encoding="utf-8")  # what was typed is an input, not in the file

    second = Mousepad(a11y_desktop, tmp_path / "second")
    try:
        black = Waiting(wayguide, str(draft), "--mode", "black",
                        *[arg for value in _values(wizard) for arg in ("--set", value)])
        try:
            assert black.exit_code(90) == 0, black.line(5)
        finally:
            black.close()
        _saved(second, recorded)
    except (TimeoutError, AssertionError, subprocess.TimeoutExpired):
        a11y_desktop.screenshot(artifacts / "record-black-box.png")
        raise
    finally:
        second.close()

    third = Mousepad(a11y_desktop, tmp_path / "third")
    try:
        _guided(a11y_desktop, elements, wayguide, third, draft, wizard)
    except (TimeoutError, AssertionError, subprocess.TimeoutExpired):
        a11y_desktop.screenshot(artifacts / "record-glass-box.png")
        raise
    finally:
        third.close()


def _saved(pad: Mousepad, recorded: bytes) -> None:
    """Mousepad wrote the same bytes as in the recording (it writes a moment after the dialog closes)."""
    saved = pad.folder / NAME
    wait_for(lambda: saved.exists() and saved.read_bytes() == recorded, 10, f"{saved} as recorded")


def _guided(desktop: Desktop, elements: AtspiElements, app: RunningApp, pad: Mousepad,  # noqa: F811
            draft: Path, wizard: Wizard) -> None:
    """Glass box: the person does the task again, each part once the panel shows its step, and never
    presses Next: every step must notice by itself that it is done."""
    ids = [step.id for step in wizard.steps]
    titles = {step.id: step.title for step in wizard.steps}
    before = len(_shown_steps(app))

    def on_the_panel(title: str) -> bool:
        """Read as a screen reader reads it: the answer comes from the app's GUI thread, so the step's
        watch (started before it shows) is armed by then."""
        for handle in desktop.windows(name="^Wayguide$"):
            if any(c.label == title for c in elements.controls(_window(desktop, handle))):
                return True
        return False

    def shown(step_id: str) -> None:
        """A step the person acts in: until the panel shows it. Any other: until it was shown (it may be
        done at once, as "Switch to Mousepad" is with Mousepad in front)."""
        if step_id in parts:
            wait_for(lambda: _shown_steps(app)[before:][-1:] == [step_id] and on_the_panel(titles[step_id]),
                     20, f"the step {step_id} shown")
        else:
            wait_for(lambda: step_id in _shown_steps(app)[before:], 20, f"the step {step_id} shown")

    parts = {"press-ctrl-n": lambda: desktop.key("ctrl+n"),
             "type-the-text-then-choose-file-save-as": lambda: (
                 desktop.run(["xdotool", "type", "--delay", "40", TEXT], check=True),
                 _save_as_menu(desktop, elements, pad.window)),
             "type-the-text-then-press-enter": lambda: _name_and_enter(desktop, elements, NAME)}
    assert [i for i in ids if i != "switch-to-mousepad"] == list(parts)
    guided = Waiting(app, str(draft), "--mode", "glass",
                     *[arg for value in _values(wizard) for arg in ("--set", value)])
    try:
        for step_id in ids:
            shown(step_id)
            if step_id in parts:
                parts[step_id]()
        assert guided.exit_code(60) == 0
        assert guided.line().startswith("completed: ")
    finally:
        guided.close()
    _saved(pad, TEXT.encode())
    assert _shown_steps(app)[before:] == ids  # each step once, in order: none skipped, none repeated
