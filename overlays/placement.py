"""Where the side panel goes: a pure function of the screens' work areas and the window in front."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = ["Rect", "Side", "bar_rect", "choose_area", "clear_of", "panel_rect", "target_rect"]

Side: TypeAlias = Literal["auto", "left", "right"]


@dataclass(frozen=True)
class Rect:
    """A rectangle in desktop coordinates (logical pixels); `right`/`bottom` are exclusive."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px < self.right and self.y <= py < self.bottom

    def overlap(self, other: Rect) -> int:
        """The area both rectangles cover."""
        w = min(self.right, other.right) - max(self.x, other.x)
        h = min(self.bottom, other.bottom) - max(self.y, other.y)
        return max(0, w) * max(0, h)


def choose_area(work_areas: Sequence[Rect], foreground: Rect | None) -> Rect:
    """The work area holding the centre of the window in front; else the one it overlaps most;
    else the first (the primary screen)."""
    if not work_areas:
        raise ValueError("no screens to place the panel on")
    if foreground is None:
        return work_areas[0]
    cx, cy = foreground.center
    for area in work_areas:
        if area.contains(cx, cy):
            return area
    best = max(work_areas, key=foreground.overlap)
    return best if foreground.overlap(best) > 0 else work_areas[0]


def panel_rect(work_areas: Sequence[Rect], foreground: Rect | None, width: int,
               side: Side = "auto") -> Rect:
    """The panel's rectangle: full height of the chosen work area, `width` wide (never wider than
    the screen), and never off-screen.

    "left"/"right": that edge of the screen. "auto": beside the window in front, on the side with
    more free room (the right on a tie, and when there is no window in front)."""
    area = choose_area(work_areas, foreground)
    width = max(1, min(width, area.w))
    lowest, highest = area.x, area.right - width
    if side == "left":
        x = lowest
    elif side == "right" or foreground is None:
        x = highest
    else:
        room_left = max(0, min(foreground.x, area.right) - area.x)
        room_right = max(0, area.right - max(foreground.right, area.x))
        x = foreground.x - width if room_left > room_right else foreground.right
    return Rect(min(max(x, lowest), highest), area.y, width, area.h)


def clear_of(panel: Rect, work_areas: Sequence[Rect], region: Rect, window: Rect | None,
             side: Side = "auto") -> Rect:
    """Where the panel goes so that it does not cover `region` (what the step outlines, in `window`):
    where it is when it does not; else beside the window; else beside the region itself; else at the
    other edge of the screen. The panel's width stays."""
    if panel.overlap(region) == 0:
        return panel
    tries: list[Rect] = []
    if side == "auto":
        tries += [panel_rect(work_areas, w, panel.w) for w in (window, region) if w is not None]
    area = choose_area(work_areas, region)
    tries += [panel_rect([area], None, panel.w, "left"), panel_rect([area], None, panel.w, "right")]
    return next((r for r in tries if r.overlap(region) == 0), panel)


def target_rect(window: Rect, region: Sequence[float]) -> Rect:
    """A step's target region (x, y, width, height) on the desktop: each value ≤ 1 is a fraction of
    the window, a larger one pixels from its top-left corner; clipped to the window."""
    x, y, w, h = (v * size if v <= 1 else v
                  for v, size in zip(region, (window.w, window.h, window.w, window.h), strict=True))
    left, top = window.x + round(x), window.y + round(y)
    right, bottom = min(window.right, left + round(w)), min(window.bottom, top + round(h))
    return Rect(left, top, max(0, right - left), max(0, bottom - top))


def bar_rect(work_areas: Sequence[Rect], foreground: Rect | None, width: int, height: int,
             margin: int = 8) -> Rect:
    """The recording bar's rectangle: `width` × `height` (never larger than the screen), centred at
    the top of the work area holding the window in front, `margin` below its top edge."""
    area = choose_area(work_areas, foreground)
    width, height = max(1, min(width, area.w)), max(1, min(height, area.h))
    x = area.x + (area.w - width) // 2
    y = area.y + min(margin, area.h - height)
    return Rect(x, y, width, height)
