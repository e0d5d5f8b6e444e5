"""Recording in a second application, end to end with the real app: `wayguide record --out DRAFT` while
xdotool does a task in gnumeric (cells with non-ASCII text, File ▸ Save As… through the menu, a file name
in the dialog, its Save button), Ctrl+C ends it; the draft loads with no errors; a black-box replay on a
fresh gnumeric gives the same cells (each workbook converted to CSV: the same bytes); a glass-box replay in
which the person does the task again at a person's pace moves on by itself at every step."""

from __future__ import annotations

import queue
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import yaml

from app.format.loader import load_file
from app.platform.atspi import AtspiElements
from app.platform.x11 import X11WindowProbe
from tests.desktop import gnumeric_task as task
from tests.desktop.test_black_box import Waiting
from tests.desktop.test_elements import a11y_desktop, elements  # noqa: F401 - fixtures
from tests.desktop.test_tray_app import start_app, stop_app
from tests.desktop.xdesktop import Desktop, wait_for

pytestmark = [pytest.mark.desktop,
              pytest.mark.skipif(shutil.which("gnumeric") is None or shutil.which("ssconvert") is None,
                                 reason="gnumeric is not installed (scripts/setup installs it)")]


def test_a_gnumeric_task_recorded_replays_in_black_box_and_glass_box(
        a11y_desktop: Desktop, elements: AtspiElements, tmp_path: Path, artifacts: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "1")  # the panel on the bus: its step read there
    draft = tmp_path / "draft.yaml"
    shown = tmp_path / "shown.csv"
    app = start_app(a11y_desktop, tmp_path / "home")
    opened: list[subprocess.Popen[bytes]] = []
    try:
        with task.keys_for(a11y_desktop, task.FIRST + task.SECOND):
            # the demonstration, recorded
            process, window = task.start_gnumeric(a11y_desktop, tmp_path / "shown")
            opened.append(process)
            a11y_desktop.activate(window.handle)
            recording = Waiting(app, "--out", str(draft), command="record")
            try:
                assert recording.line().startswith("Recording: ")
                task.fill_cells(a11y_desktop, elements, window)
                task.save_as(a11y_desktop, elements, window, tmp_path / "shown" / "shown.gnumeric")
                recording.process.send_signal(signal.SIGINT)
                assert recording.line() == f"completed: draft written to {draft}"
                assert recording.process.wait(10) == 0
            finally:
                recording.close()
            task.stop_gnumeric(process)
            expected = task.cells_as_csv(tmp_path / "shown" / "shown.gnumeric", shown)
            assert expected == f'{task.FIRST},"{task.SECOND}"\n'.encode()
            loaded = load_file(draft)
            assert loaded.wizard is not None and not loaded.diagnostics, loaded.diagnostics
            data = yaml.safe_load(draft.read_text(encoding="utf-8"))
            names = [entry["name"] for entry in data["inputs"]]
            assert len(names) == 4, data["inputs"]
            text = draft.read_text(encoding="utf-8")
            assert task.FIRST not in text and task.SECOND not in text and "shown.gnumeric" not in text

        # black box on a fresh gnumeric, with the keyboard mapping as it is: Wayguide maps what it lacks
        # (the inputs as typed, the file name another)
        process, window = task.start_gnumeric(a11y_desktop, tmp_path / "black")
        opened.append(process)
        a11y_desktop.activate(window.handle)
        values = [task.CELL, task.FIRST, task.SECOND, "black.gnumeric"]
        sets = _sets(names, values)
        waiting = Waiting(app, str(draft), "--mode", "black", *sets)
        try:
            code = waiting.exit_code(60)
            assert code == 0, waiting.line()
            assert waiting.line().startswith("completed: ")
        finally:
            waiting.close()
        saved = tmp_path / "black" / "black.gnumeric"
        wait_for(saved.exists, 10, "the black-box workbook saved")
        assert task.cells_as_csv(saved, tmp_path / "black.csv") == expected
        task.stop_gnumeric(process)

        with task.keys_for(a11y_desktop, task.FIRST + task.SECOND):
            # glass box: the person does it again, each action once the panel shows its step
            steps = [step["title"] for step in data["steps"]]
            process, window = task.start_gnumeric(a11y_desktop, tmp_path / "glass")
            opened.append(process)
            a11y_desktop.activate(window.handle)
            values[-1] = "glass.gnumeric"  # the inputs given: the panel asks no questions first
            sets = _sets(names, values)
            waiting = Waiting(app, str(draft), "--mode", "glass", *sets)
            try:
                pace = _Pace(a11y_desktop, elements, steps)
                task.fill_cells(a11y_desktop, elements, window, pace.before)
                task.save_as(a11y_desktop, elements, window, tmp_path / "glass" / "glass.gnumeric",
                             pace.before)
                assert waiting.exit_code(60) == 0, waiting.line()
                outcome = waiting.line()
                assert outcome.startswith("completed: "), outcome
                assert f"{len(steps)} steps: {len(steps)} noticed" in outcome, outcome
            finally:
                waiting.close()
            assert pace.seen == sorted(set(pace.seen)) and pace.seen[-1] == len(steps), pace.seen
    except (TimeoutError, AssertionError, queue.Empty, subprocess.TimeoutExpired):
        a11y_desktop.screenshot(artifacts / "record-gnumeric.png")
        if draft.exists():
            shutil.copy(draft, artifacts / "record-gnumeric-draft.yaml")
        raise
    finally:
        for process in opened:
            task.stop_gnumeric(process)
        stop_app(app)


def _sets(names: list[str], values: list[str]) -> list[str]:
    return [arg for name, value in zip(names, values, strict=True) for arg in ("--set", f"{name}={value}")]


ACTION_STEP = {
    "click the cell box": "Click the text",
    "type the cell": "Press Ctrl+A",
    "type the first text": "Type the text, then press Tab",
    "type the second text": "Type the text, then press Enter",
    "open the File menu": "Choose File ▸ Save As",
    "choose Save As": "Choose File ▸ Save As",
    "type the file name": "Press Ctrl+A",
    "click Save": "Type the text, then click Save",
}
"""Each action of the task and the title of the step it belongs to (for the first of two alike, the first
such step after the one seen last)."""


class _Pace:
    """Waits, before each action of the person, until the panel shows the step that action belongs to."""

    def __init__(self, desktop: Desktop, elements: AtspiElements,  # noqa: F811 - not the fixture
                 steps: list[str]) -> None:
        self.desktop, self.elements, self.steps = desktop, elements, steps
        self.seen: list[int] = []
        probe = X11WindowProbe(desktop.display)
        try:
            self.panel = probe.describe(desktop.wait_window(name="^Wayguide$", timeout=20))
        finally:
            probe.close()
        assert self.panel is not None

    def step(self) -> int:
        assert self.panel is not None
        for control in self.elements.controls(self.panel):
            found = re.fullmatch(r"step (\d+) of (\d+)", control.label)
            if found:
                return int(found.group(1))
        return 0

    def before(self, action: str) -> None:
        title = ACTION_STEP[action]
        last = self.seen[-1] if self.seen else 1
        wanted = next((i for i, t in enumerate(self.steps, 1) if t == title and i >= last), None)
        assert wanted is not None, f"no step “{title}” for “{action}” from step {last} on: {self.steps}"
        wait_for(lambda: self.step() == wanted, 20, f"step {wanted} ({title}) shown for “{action}”")
        if not self.seen or self.seen[-1] != wanted:
            self.seen.append(wanted)
