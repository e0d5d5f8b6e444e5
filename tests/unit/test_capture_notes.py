"""What the recorder notes of a dialog while it is open, for the press that closes it: the button under the
pointer, and how that button is found again once the dialog (and what the bus knew of it) is gone."""

from __future__ import annotations

from app.format.elements import FakeElements, find
from app.platform.capture_notes import Notes
from app.ports import Control, Locator, WindowInfo

DIALOG = WindowInfo(app="gnumeric", title="Save the current workbook as", handle=7)
CONTROLS = [
    Control("dialog", "Save the current workbook as", ref=(":1", "/0")),
    Control("panel", "Places", 0, ref=(":1", "/1")),
    Control("push button", "Save", 1, ref=(":1", "/2")),  # a place called Save, in the sidebar
    Control("push button", "Save", 0, ref=(":1", "/3")),  # the dialog's own
    Control("push button", "Cancel", 0, ref=(":1", "/4")),
]


def test_a_noted_button_is_found_again_as_the_open_dialog_told_it() -> None:
    elements = FakeElements(windows={DIALOG.handle: CONTROLS},
                            places={(":1", "/3"): (900, 700, 80, 30), (":1", "/4"): (800, 700, 80, 30)})
    notes = Notes()
    notes.note_buttons(DIALOG, elements)
    pressed = notes.button(DIALOG, 930, 710)
    assert pressed == CONTROLS[3]
    elements.windows.clear()  # the press closed the dialog: the bus no longer knows its controls
    locator = notes.locator(DIALOG, pressed)
    assert locator is not None and locator != Locator("push button", "Save")  # two are called Save
    assert [CONTROLS[i] for i in find(CONTROLS, locator)] == [pressed]


def test_nothing_is_known_of_a_window_whose_buttons_were_not_noted() -> None:
    notes = Notes()
    notes.note_buttons(DIALOG, FakeElements(windows={DIALOG.handle: CONTROLS}))
    other = WindowInfo(app="gnumeric", title="Another", handle=8)
    assert notes.locator(other, CONTROLS[3]) is None
