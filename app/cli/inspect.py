"""`wayguide inspect`: the controls of a window as locators an author can paste into a wizard."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import TextIO

from app.format.elements import locator_text, shortest_locator
from app.format.matching import text_matches
from app.ports import Control, Elements, Locator, ProbeUnavailable, WindowInfo, WindowProbe

__all__ = ["inspect", "outline"]

EXIT_OK, EXIT_FAIL = 0, 1


def inspect(probe: WindowProbe, elements: Elements, out: TextIO, err: TextIO, *, title: str | None = None,
            delay: float = 0.0, as_json: bool = False) -> int:
    """Print the controls of the window in front (after `delay` seconds, time to bring it there), or of
    the first window whose title matches `title` (a glob, or "re:")."""
    if delay > 0:
        time.sleep(delay)
    window = _window(probe, title)
    if window is None:
        err.write("wayguide: error: no window " + (f"titled “{title}”" if title else "is in front") + "\n")
        return EXIT_FAIL
    try:
        controls = elements.controls(window)
    except ProbeUnavailable as exc:
        err.write(f"wayguide: error: {exc} (see `wayguide doctor`)\n")
        return EXIT_FAIL
    if not controls:
        err.write(f"wayguide: error: “{window.title}” ({window.app}) shows no controls to the accessibility "
                  "bus (Qt applications need QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1; see `wayguide doctor`)\n")
        return EXIT_FAIL
    if as_json:
        out.write(json.dumps([{"role": c.role, "name": c.label, "depth": depth,
                               "locator": _as_dict(shortest_locator(controls, i))}
                              for i, c, depth in _walk(controls)], ensure_ascii=False, indent=1) + "\n")
    else:
        out.write(outline(window, controls))
    return EXIT_OK


def outline(window: WindowInfo, controls: Sequence[Control]) -> str:
    """One line per control, indented by depth: its role and name, then its shortest locator."""
    lines = [f"# {window.title} ({window.app}): {len(controls)} controls; paste a locator after `element: `"]
    for i, control, depth in _walk(controls):
        shown = f"{control.role} “{control.label}”" if control.label else control.role
        lines.append(f"{'  ' * depth}{shown}    {locator_text(shortest_locator(controls, i))}")
    return "\n".join(lines) + "\n"


def _walk(controls: Sequence[Control]) -> list[tuple[int, Control, int]]:
    depths: list[int] = []
    for control in controls:
        parent = control.parent
        depths.append(depths[parent] + 1 if 0 <= parent < len(depths) else 0)
    return [(i, control, depths[i]) for i, control in enumerate(controls)]


def _window(probe: WindowProbe, title: str | None) -> WindowInfo | None:
    if title is None:
        return probe.active_window()
    return next((w for w in probe.windows() if text_matches(title, w.title, True)), None)


def _as_dict(locator: Locator) -> dict[str, object]:
    found: dict[str, object] = {}
    if locator.role is not None:
        found["role"] = locator.role
    if locator.name is not None:
        found["name"] = locator.name
    if locator.within is not None:
        found["within"] = _as_dict(locator.within)
    if locator.index is not None:
        found["index"] = locator.index
    return found
