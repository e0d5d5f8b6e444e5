"""A task in gnumeric that the recorder's desktop tests demonstrate with xdotool: go to a cell through the
cell box, fill two cells with non-ASCII text (Tab and Enter between), then File ▸ Save As… through the menu,
a file name typed in the dialog and its Save button pressed. gnumeric draws its sheet itself (no cells on
the accessibility bus): the cell box (the first text field) is how a cell is reached by locator."""

from __future__ import annotations

import contextlib
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

from app.platform.atspi import AtspiElements
from app.platform.x11 import X11WindowProbe
from app.ports import Control, Locator, WindowInfo
from tests.desktop.xdesktop import Desktop, wait_for

CELL = "B2"
FIRST = "Grüße"
SECOND = "Zoë — 10 €"
NAME_BOX = Locator("text", index=1)
"""The box that names the selected cell (index 2 is the formula entry)."""
SAVE_AS_TITLE = "^Save the current workbook as"

Before = Callable[[str], None]
"""Called with the name of each action just before it is done (a glass-box test waits there for the panel)."""


def start_gnumeric(desktop: Desktop, home: Path) -> tuple[subprocess.Popen[bytes], WindowInfo]:
    """A fresh gnumeric (its own home, nothing kept) once its menus are on the accessibility bus."""
    home.mkdir(parents=True, exist_ok=True)
    before = set(desktop.windows(name="Gnumeric$"))
    process = desktop.spawn(["gnumeric", "--no-splash"], env={**desktop.env, "HOME": str(home)}, cwd=home)
    handle = wait_for(lambda: [h for h in desktop.windows(name="Gnumeric$") if h not in before], 30,
                      "gnumeric's window")[0]
    probe = X11WindowProbe(desktop.display)
    try:
        window = probe.describe(handle)
        assert window is not None and window.geometry is not None
        for other in probe.windows():  # a first-run or recovery dialog, when a version has one
            if other.pid == window.pid and other.handle != window.handle:
                desktop.activate(other.handle)
                desktop.key("Escape")
    finally:
        probe.close()
    elements = AtspiElements()
    try:
        wait_for(lambda: elements.find(Locator("menu item", "Preferences..."), window), 15,
             "gnumeric's menus")
    finally:
        elements.close()
    return process, window


def stop_gnumeric(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(10)


def click_on(desktop: Desktop, elements: AtspiElements, control: Control) -> None:
    box = wait_for(lambda: elements.extents(control), 10, f"{control.label or control.role} on the screen")
    x, y, width, height = box
    desktop.run(["xdotool", "mousemove", "--sync", str(x + width // 2), str(y + height // 2), "click", "1"],
                check=True)


def shown(elements: AtspiElements, window: WindowInfo, locator: Locator) -> Control:
    return wait_for(lambda: [c for c in elements.find(locator, window) if elements.extents(c)], 10,
                    f"{locator} shown")[0]


@contextlib.contextmanager
def keys_for(desktop: Desktop, text: str) -> Iterator[None]:
    """The characters of `text` missing from the keymap put on spare keycodes while the block runs, then
    the keymap restored: xdotool remaps a keycode for each such character for a moment only, and gnumeric
    then sometimes reads the key after the mapping is back (seen: "Zoë — 10 €" arriving as "Zo  10 €")."""
    table = desktop.run(["xmodmap", "-pke"], check=True).stdout
    spare = [int(n) for n in re.findall(r"^keycode\s+(\d+) =\s*$", table, re.MULTILINE)
             if int(n) > 8]  # 8 is the lowest keycode X has: left alone (a run hung after using it)
    missing = sorted({ch for ch in text if ord(ch) > 0x7e})
    assert len(spare) >= len(missing), (len(spare), missing)
    mapped = list(zip(spare, missing, strict=False))
    remap = [arg for code, ch in mapped for arg in ("-e", f"keycode {code} = U{ord(ch):04X}")]
    desktop.run(["xmodmap", *remap], check=True)
    try:
        yield
    finally:
        restore = [arg for code, _ in mapped for arg in ("-e", f"keycode {code} =")]
        desktop.run(["xmodmap", *restore], check=True)


def type_text(desktop: Desktop, text: str) -> None:
    desktop.run(["xdotool", "type", "--delay", "40", text], check=True)


def fill_cells(desktop: Desktop, elements: AtspiElements, window: WindowInfo,
               before: Before = lambda _: None) -> None:
    """B2 through the cell box, then the two texts with Tab between and Enter after."""
    box = elements.find(NAME_BOX, window)[0]
    formula = elements.find(Locator("text", index=2), window)[0]
    before("click the cell box")
    click_on(desktop, elements, box)
    wait_for(lambda: "focused" in elements.states(box), 10, "the cell box focused")
    before("type the cell")
    desktop.key("ctrl+a")
    type_text(desktop, CELL)
    wait_for(lambda: elements.text(box) == CELL, 10, "the cell named")
    desktop.key("Return")
    wait_for(lambda: elements.text(box) == CELL and "focused" not in elements.states(box), 10, "B2 selected")
    before("type the first text")
    type_text(desktop, FIRST)
    wait_for(lambda: elements.text(formula) == FIRST, 10, "the first text in the cell")
    desktop.key("Tab")
    wait_for(lambda: elements.text(box) == "C2", 10, "C2 selected")
    before("type the second text")
    type_text(desktop, SECOND)
    wait_for(lambda: elements.text(formula) == SECOND, 10, "the second text in the cell")
    desktop.key("Return")
    wait_for(lambda: elements.text(box) == "B3", 10, "B3 selected")


def save_as(desktop: Desktop, elements: AtspiElements, window: WindowInfo, target: Path,
            before: Before = lambda _: None) -> None:
    """File ▸ Save As… with the mouse, the file name typed in the dialog, its Save button clicked."""
    file_menu = elements.find(Locator("menu", "File"), window)[0]
    before("open the File menu")
    click_on(desktop, elements, file_menu)
    item = shown(elements, window, Locator("menu item", "Save As*", Locator("menu", "File")))
    before("choose Save As")
    x, y, width, height = wait_for(lambda: elements.extents(item), 10, "Save As on the screen")
    desktop.run(["xdotool", "mousemove", "--sync", str(x + width // 2), str(y + height // 2)], check=True)
    wait_for(lambda: "selected" in elements.states(item), 10, "Save As under the pointer")  # as a person
    desktop.run(["xdotool", "click", "1"], check=True)
    probe = X11WindowProbe(desktop.display)
    try:
        dialog = probe.describe(desktop.wait_window(name=SAVE_AS_TITLE, timeout=15))
    finally:
        probe.close()
    assert dialog is not None
    name = wait_for(lambda: _focused_text(elements, dialog), 10, "the file name field focused")
    before("type the file name")
    desktop.key("ctrl+a")
    type_text(desktop, target.name)
    wait_for(lambda: elements.text(name) == target.name, 10, "the file name typed")
    save = shown(elements, dialog, Locator("push button", "Save"))
    wait_for(lambda: "sensitive" in elements.states(save), 10, "the Save button ready")
    before("click Save")
    click_on(desktop, elements, save)
    wait_for(lambda: target.exists() and not desktop.windows(name=SAVE_AS_TITLE), 15, f"{target} saved")


def _focused_text(elements: AtspiElements, window: WindowInfo) -> Control | None:
    control = elements.focused(window)
    return control if control is not None and control.role == "text" else None


def cells_as_csv(saved: Path, out: Path) -> bytes:
    """The sheet of a saved workbook as CSV bytes (ssconvert: the same cells give the same bytes, where the
    workbook file itself holds the time it was saved)."""
    subprocess.run(["ssconvert", str(saved), str(out)], check=True, capture_output=True, timeout=60)
    return out.read_bytes()
