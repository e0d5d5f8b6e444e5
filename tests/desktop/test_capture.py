"""The recorder's capture on a real desktop: xdotool does a task in mousepad, gnumeric and a password dialog
(zenity) while X11Capture watches; the events it reports are checked exactly."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.platform.atspi import AtspiElements
from app.platform.x11 import X11WindowProbe
from app.platform.x11_capture import X11Capture
from app.ports import Control, Locator, WindowInfo
from app.recording.events import (
    Click,
    Combo,
    DialogClosed,
    DialogOpened,
    Event,
    Focus,
    SecretTyped,
    Typed,
)
from tests.desktop import gnumeric_task as task
from tests.desktop.xdesktop import Desktop, start_desktop, wait_for

pytestmark = pytest.mark.desktop

TEXT = "Grüße, Zoë — 10 €"
SECRET = "s3cret-Pässwört"


@pytest.fixture(scope="module")
def a11y_desktop() -> Iterator[Desktop]:
    desktop = start_desktop(accessibility=True)
    yield desktop
    desktop.stop()


@pytest.fixture
def elements(a11y_desktop: Desktop, monkeypatch: pytest.MonkeyPatch) -> Iterator[AtspiElements]:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", a11y_desktop.bus)
    found = AtspiElements()
    yield found
    found.close()


class Recording:
    """A capture started on the desktop, with the events it reported so far."""

    def __init__(self, desktop: Desktop, ignore: tuple[str, ...] = ()) -> None:
        self.events: list[Event] = []
        self._lock = threading.Lock()
        self.capture = X11Capture(desktop.display, ignore=ignore)
        self.capture.start(self._add)

    def _add(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)

    def of(self, *kinds: type[Event]) -> list[Event]:
        with self._lock:
            return [e for e in self.events if isinstance(e, kinds)]

    def stop(self) -> list[Event]:
        self.capture.stop()
        return list(self.events)


def _window(desktop: Desktop, handle: int) -> WindowInfo:
    probe = X11WindowProbe(desktop.display)
    try:
        window = probe.describe(handle)
    finally:
        probe.close()
    assert window is not None
    return window


def _click_on(desktop: Desktop, elements: AtspiElements, control: Control) -> None:
    box = wait_for(lambda: elements.extents(control), 10, f"{control.label} on the screen")
    x, y, width, height = box
    desktop.run(["xdotool", "mousemove", str(x + width // 2), str(y + height // 2)], check=True)
    desktop.run(["xdotool", "click", "1"], check=True)


def _shown(elements: AtspiElements, window: WindowInfo, locator: Locator) -> Control:
    return wait_for(lambda: [c for c in elements.find(locator, window) if elements.extents(c)], 10,
                    f"{locator} shown")[0]


def _brief(event: Event) -> tuple[object, ...]:
    """An event without its time and window, as the tests compare them."""
    if isinstance(event, Combo):
        return ("combo", event.combo)
    if isinstance(event, Typed):
        return ("typed", event.text)
    if isinstance(event, SecretTyped):
        return ("secret",)
    if isinstance(event, Click):
        return ("click", event.element.label if event.element else event.at, event.menu_path)
    return (type(event).__name__, event.window.title)


def test_a_mousepad_task_is_captured_exactly(a11y_desktop: Desktop, elements: AtspiElements,
                                             tmp_path: Path, artifacts: Path) -> None:
    a11y_desktop.spawn(["mousepad", "--disable-server"], env={**a11y_desktop.env, "HOME": str(tmp_path)},
                       cwd=tmp_path)
    handle = a11y_desktop.wait_window(name="Mousepad$")
    mousepad = _window(a11y_desktop, handle)
    file_menu = wait_for(lambda: elements.find(Locator("menu", "File"), mousepad), 10, "the File menu")[0]
    a11y_desktop.activate(handle)
    recording = Recording(a11y_desktop, ignore=("ctrl+alt+r",))
    try:
        a11y_desktop.key("ctrl+n")
        a11y_desktop.run(["xdotool", "type", "--delay", "40", TEXT + "x"], check=True)
        a11y_desktop.key("BackSpace")
        a11y_desktop.key("ctrl+alt+r")  # the stop hotkey: never reported
        _click_on(a11y_desktop, elements, file_menu)
        _click_on(a11y_desktop, elements, _shown(elements, mousepad, Locator("menu item", "Save As*")))
        dialog = _window(a11y_desktop, a11y_desktop.wait_window(name="^Save As$"))
        wait_for(lambda: recording.of(DialogOpened), 10, "the dialog reported")
        name = wait_for(lambda: elements.focused(dialog), 10, "the name field")
        assert name.role == "text"
        a11y_desktop.run(["xdotool", "type", "--delay", "40", "brief.txt"], check=True)
        wait_for(lambda: elements.text(name) == "brief.txt", 10, "the name typed")
        save = wait_for(lambda: elements.find(Locator("push button", "Save"), dialog), 10, "Save")[0]
        wait_for(lambda: "sensitive" in elements.states(save), 10, "the Save button ready")
        a11y_desktop.key("Return")
        wait_for(lambda: (tmp_path / "brief.txt").exists() and recording.of(DialogClosed), 10,
                 f"the file saved ({recording.events})")
    except TimeoutError:
        a11y_desktop.screenshot(artifacts / "capture-mousepad.png")
        raise
    finally:
        events = recording.stop()
    assert (tmp_path / "brief.txt").read_text(encoding="utf-8") == TEXT
    got = [_brief(e) for e in events if not isinstance(e, Focus)]
    assert got == [
        ("combo", "ctrl+n"),
        ("typed", TEXT),
        ("click", "File", ("File",)),
        ("click", "Save As...", ("File", "Save As...")),
        ("DialogOpened", "Save As"),
        ("typed", "brief.txt"),
        ("combo", "enter"),
        ("DialogClosed", "Save As"),
    ]
    typed = [e for e in events if isinstance(e, Typed)]
    assert typed[0].field is not None and typed[0].field.locator.role == "text"
    assert typed[0].window.handle == handle and typed[1].window.title == "Save As"
    clicks = [e for e in events if isinstance(e, Click)]
    assert clicks[1].element is not None and elements.find(clicks[1].element.locator, mousepad)
    assert [e.t for e in events] == sorted(e.t for e in events)


def test_text_typed_into_a_password_field_is_never_captured(a11y_desktop: Desktop,
                                                            elements: AtspiElements) -> None:
    zenity = a11y_desktop.spawn(["zenity", "--password", "--title", "Log in"])
    handle = a11y_desktop.wait_window(name="^Log in$")
    window = _window(a11y_desktop, handle)
    field = wait_for(lambda: elements.find(Locator("password text"), window), 10, "the password field")
    assert field
    a11y_desktop.activate(handle)
    wait_for(lambda: "focused" in elements.states(field[0]), 10, "the password field focused")
    recording = Recording(a11y_desktop)
    try:
        a11y_desktop.run(["xdotool", "type", "--delay", "40", SECRET], check=True)
        a11y_desktop.key("Return")
        wait_for(lambda: zenity.poll() is not None, 10, "zenity done")
    finally:
        events = recording.stop()
    secret = [e for e in events if isinstance(e, SecretTyped)]
    assert len(secret) == 1 and secret[0].field is not None, events
    assert secret[0].field.locator.role == "password text"
    assert not [e for e in events if isinstance(e, Typed)]
    assert all(part not in repr(events) for part in (SECRET, SECRET[:3], "Pässw"))
    assert ("combo", "enter") in [_brief(e) for e in events]


@pytest.mark.skipif(shutil.which("gnumeric") is None,
                    reason="gnumeric is not installed (scripts/setup installs it)")
def test_a_gnumeric_task_with_cells_a_menu_and_a_dialog_is_captured_exactly(
        a11y_desktop: Desktop, elements: AtspiElements, tmp_path: Path, artifacts: Path) -> None:
    """gnumeric draws its sheet itself: typing into a cell goes to the sheet's panel (no cell on the bus, so
    nothing says "selected"); the cell box, the menu, the dialog's field and its button are controls."""
    process, window = task.start_gnumeric(a11y_desktop, tmp_path / "home")
    saved = tmp_path / "home" / "sheet.gnumeric"
    try:
        with task.keys_for(a11y_desktop, task.FIRST + task.SECOND):
            a11y_desktop.activate(window.handle)
            recording = Recording(a11y_desktop)
            try:
                task.fill_cells(a11y_desktop, elements, window)
                task.save_as(a11y_desktop, elements, window, saved)
                wait_for(lambda: recording.of(DialogClosed), 10, f"the dialog closed ({recording.events})")
            except TimeoutError:
                a11y_desktop.screenshot(artifacts / "capture-gnumeric.png")
                raise
            finally:
                events = recording.stop()
    finally:
        task.stop_gnumeric(process)
    assert task.cells_as_csv(saved, tmp_path / "sheet.csv") == f'{task.FIRST},"{task.SECOND}"\n'.encode()
    got = [_brief(e) for e in events if not isinstance(e, Focus)]
    dialog = "Save the current workbook as"
    assert got == [
        ("click", "", ()),  # the cell box: a text field with no name
        ("combo", "ctrl+a"),
        ("typed", task.CELL),
        ("combo", "enter"),
        ("typed", task.FIRST),
        ("combo", "tab"),
        ("typed", task.SECOND),
        ("combo", "enter"),
        ("click", "File", ("File",)),
        ("click", "Save As", ("File", "Save As")),
        ("DialogOpened", dialog),
        ("combo", "ctrl+a"),
        ("typed", saved.name),
        ("click", "Save", ()),
        ("DialogClosed", dialog),
    ], events
    clicks = [e for e in events if isinstance(e, Click)]
    assert clicks[0].element is not None and clicks[0].element.locator == task.NAME_BOX
    typed = [e for e in events if isinstance(e, Typed)]
    assert typed[0].field is not None and typed[0].field.locator == task.NAME_BOX
    sheet = typed[1].field
    assert sheet is not None and sheet.locator.role == "panel" and typed[2].field == sheet
    assert all(e.window.handle == window.handle for e in typed[:3])
    assert typed[3].window.title == dialog and typed[3].field is not None
    assert typed[3].field.locator.role == "text"
    assert clicks[3].window.title == dialog
    assert [e.t for e in events] == sorted(e.t for e in events)
