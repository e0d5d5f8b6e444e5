"""Where the side panel goes: screens, the window in front and the configured side."""

from __future__ import annotations

import pytest

from overlays.placement import Rect, Side, bar_rect, choose_area, clear_of, panel_rect, target_rect

FULL_HD = Rect(0, 0, 1920, 1040)            # a 1920x1080 screen minus a 40 px taskbar
SECOND = Rect(1920, 0, 2560, 1400)          # a larger screen to its right
TOP_BAR = Rect(0, 32, 1920, 1048)           # a work area below a top bar
W = 360


@pytest.mark.parametrize(("areas", "foreground", "side", "expected"), [
    # no window in front: the primary screen's right edge, whatever "auto" would prefer
    ([FULL_HD], None, "auto", Rect(1560, 0, W, 1040)),
    ([FULL_HD], None, "left", Rect(0, 0, W, 1040)),
    ([FULL_HD], None, "right", Rect(1560, 0, W, 1040)),
    ([FULL_HD, SECOND], None, "auto", Rect(1560, 0, W, 1040)),
    # a window on the left half: more room to its right, the panel sits right beside it
    ([FULL_HD], Rect(0, 0, 960, 1040), "auto", Rect(960, 0, W, 1040)),
    # a window on the right half: beside it on the left
    ([FULL_HD], Rect(960, 0, 960, 1040), "auto", Rect(600, 0, W, 1040)),
    # maximised: equal room (none) on both sides, right preferred, inside the screen
    ([FULL_HD], Rect(0, 0, 1920, 1040), "auto", Rect(1560, 0, W, 1040)),
    # centred: a tie goes to the right
    ([FULL_HD], Rect(460, 100, 1000, 800), "auto", Rect(1460, 0, W, 1040)),
    # near the right edge with a little room: left side, beside it
    ([FULL_HD], Rect(1000, 100, 900, 800), "auto", Rect(640, 0, W, 1040)),
    # more room on the right but not enough for the panel: clamped to the screen edge
    ([FULL_HD], Rect(0, 0, 1700, 900), "auto", Rect(1560, 0, W, 1040)),
    # less room on the left than the panel needs: clamped to the left edge
    ([FULL_HD], Rect(200, 0, 1720, 900), "auto", Rect(0, 0, W, 1040)),
    # a window hanging off the left of the screen: still never off-screen
    ([FULL_HD], Rect(-300, 0, 800, 600), "auto", Rect(500, 0, W, 1040)),
    # explicit sides ignore the window
    ([FULL_HD], Rect(0, 0, 960, 1040), "left", Rect(0, 0, W, 1040)),
    ([FULL_HD], Rect(960, 0, 960, 1040), "right", Rect(1560, 0, W, 1040)),
    # the work area's top and height are kept (top bar)
    ([TOP_BAR], None, "right", Rect(1560, 32, W, 1048)),
    # two screens side by side, the window on the second
    ([FULL_HD, SECOND], Rect(2000, 100, 1200, 900), "auto", Rect(3200, 0, W, 1400)),
    ([FULL_HD, SECOND], Rect(3000, 100, 1400, 900), "auto", Rect(2640, 0, W, 1400)),
    ([FULL_HD, SECOND], Rect(2000, 100, 1200, 900), "left", Rect(1920, 0, W, 1400)),
    ([FULL_HD, SECOND], Rect(2000, 100, 1200, 900), "right", Rect(4120, 0, W, 1400)),
    # a window straddling both screens belongs to the one holding its centre
    ([FULL_HD, SECOND], Rect(1500, 100, 1000, 600), "right", Rect(4120, 0, W, 1400)),
    ([FULL_HD, SECOND], Rect(1200, 100, 1000, 600), "right", Rect(1560, 0, W, 1040)),
    # the second screen is left of the primary (negative coordinates)
    ([FULL_HD, Rect(-1280, 0, 1280, 1024)], Rect(-1200, 50, 600, 500), "auto",
     Rect(-600, 0, W, 1024)),
])
def test_panel_rect(areas: list[Rect], foreground: Rect | None, side: Side, expected: Rect) -> None:
    assert panel_rect(areas, foreground, W, side) == expected


@pytest.mark.parametrize(("areas", "foreground", "expected"), [
    ([FULL_HD, SECOND], None, FULL_HD),
    ([FULL_HD, SECOND], Rect(2500, 200, 100, 100), SECOND),
    # centre outside every screen: the screen it overlaps most
    ([FULL_HD, SECOND], Rect(4000, 1300, 600, 400), SECOND),
    # entirely off-screen: the primary
    ([FULL_HD, SECOND], Rect(9000, 9000, 10, 10), FULL_HD),
])
def test_choose_area(areas: list[Rect], foreground: Rect | None, expected: Rect) -> None:
    assert choose_area(areas, foreground) == expected


def test_narrow_screen_never_overflows() -> None:
    assert panel_rect([Rect(0, 0, 300, 800)], None, W, "auto") == Rect(0, 0, 300, 800)


def test_no_screens_is_an_error() -> None:
    with pytest.raises(ValueError, match="no screens"):
        panel_rect([], None, W, "auto")


def test_rect_helpers() -> None:
    r = Rect(10, 20, 100, 50)
    assert (r.right, r.bottom, r.center) == (110, 70, (60.0, 45.0))
    assert r.contains(10, 20) and not r.contains(110, 20)
    assert r.overlap(Rect(100, 60, 50, 50)) == 100
    assert r.overlap(Rect(500, 500, 5, 5)) == 0


@pytest.mark.parametrize(("region", "expected"), [
    ((0.25, 0.5, 0.5, 0.25), Rect(300, 400, 400, 150)),  # fractions of the window
    ((0.0, 0.0, 1.0, 1.0), Rect(100, 100, 800, 600)),
    ((20, 30, 200, 40), Rect(120, 130, 200, 40)),  # pixels from the window's corner
    ((700, 0.5, 300, 0.75), Rect(800, 400, 100, 300)),  # clipped to the window
])
def test_target_rect_places_the_region_on_the_window(region: tuple[float, float, float, float],
                                                     expected: Rect) -> None:
    assert target_rect(Rect(100, 100, 800, 600), region) == expected


SCREEN = [Rect(0, 0, 1920, 1080)]


def test_the_panel_stays_where_it_is_when_it_covers_nothing_the_step_outlines() -> None:
    panel = Rect(1560, 0, 360, 1080)
    assert clear_of(panel, SCREEN, Rect(100, 100, 50, 20), Rect(0, 0, 800, 600)) == panel


def test_the_panel_moves_beside_a_dialog_opened_under_it() -> None:
    panel = Rect(920, 0, 360, 1080)  # beside the main window, at its left
    dialog = Rect(640, 290, 640, 540)  # centred: under the panel
    radio = Rect(1000, 600, 60, 20)
    moved = clear_of(panel, SCREEN, radio, dialog)
    assert moved == Rect(1280, 0, 360, 1080) and moved.overlap(radio) == 0 and moved.overlap(dialog) == 0


def test_a_window_as_wide_as_the_screen_puts_the_panel_beside_the_control_instead() -> None:
    panel = Rect(1560, 0, 360, 1080)
    button = Rect(1700, 1000, 90, 30)
    moved = clear_of(panel, SCREEN, button, Rect(0, 0, 1920, 1080))
    assert moved.overlap(button) == 0 and moved.w == 360 and moved.right <= 1920


def test_a_side_fixed_in_the_settings_is_kept_where_it_can_be_and_else_the_other_edge_is_taken() -> None:
    panel = Rect(0, 0, 360, 1080)
    moved = clear_of(panel, SCREEN, Rect(100, 100, 40, 20), Rect(0, 0, 900, 700), "left")
    assert moved == Rect(1560, 0, 360, 1080)
    assert clear_of(panel, SCREEN, Rect(500, 100, 40, 20), None, "left") == panel


def test_the_recording_bar_sits_at_the_top_centre_of_the_screen_of_the_window_in_front() -> None:
    left, right = Rect(0, 0, 1920, 1080), Rect(1920, 24, 1280, 1000)
    assert bar_rect([left, right], None, 600, 48) == Rect(660, 8, 600, 48)
    assert bar_rect([left, right], Rect(2000, 100, 800, 600), 600, 48) == Rect(2260, 32, 600, 48)
    assert bar_rect([Rect(0, 0, 400, 30)], None, 600, 48) == Rect(0, 0, 400, 30)  # never off-screen
