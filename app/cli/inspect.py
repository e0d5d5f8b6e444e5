"""`wayguide inspect`: the controls of a window as locators an author can paste into a wizard."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from app.engine.preview import locators_in, nearest
from app.format.elements import locator_text, shortest_locator
from app.format.matching import text_matches, window_fits
from app.ports import Control, Elements, Locator, ProbeUnavailable, WindowInfo, WindowProbe

__all__ = ["check", "inspect", "locators_in", "outline", "under_pointer"]

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
        from app.platform.atspi import EXPOSING_HINT

        err.write(f"wayguide: error: “{window.title}” ({window.app}) shows no controls to the accessibility "
                  f"bus ({EXPOSING_HINT}; see `wayguide doctor`)\n")
        return EXIT_FAIL
    if as_json:
        out.write(json.dumps([{"role": c.role, "name": c.label, "depth": depth,
                               "locator": _as_dict(shortest_locator(controls, i))}
                              for i, c, depth in _walk(controls)], ensure_ascii=False, indent=1) + "\n")
    else:
        out.write(outline(window, controls))
    return EXIT_OK


def under_pointer(probe: WindowProbe, elements: Elements, where: tuple[int, int], out: TextIO, err: TextIO, *,
                  as_json: bool = False) -> int:
    """Print the control at desktop point `where` (the pointer's): its role, name, states and rectangle,
    and the shortest locator that finds it alone in its window."""
    x, y = where
    windows = [w for w in [probe.active_window(), *reversed(probe.windows())] if w is not None and w.geometry
               and w.geometry[0] <= x < w.geometry[0] + w.geometry[2]
               and w.geometry[1] <= y < w.geometry[1] + w.geometry[3]]
    if not windows:
        err.write(f"wayguide: error: no window is under the pointer ({x}, {y})\n")
        return EXIT_FAIL
    window = windows[0]
    try:
        control = elements.at_point(window, x, y)
        controls = elements.controls(window) if control is not None else []
        box = elements.extents(control) if control is not None else None
    except ProbeUnavailable as exc:
        err.write(f"wayguide: error: {exc} (see `wayguide doctor`)\n")
        return EXIT_FAIL
    index = next((i for i, c in enumerate(controls) if control is not None and c.ref == control.ref), None)
    if control is None or index is None:
        from app.platform.atspi import EXPOSING_HINT

        err.write(f"wayguide: error: “{window.title}” ({window.app}) shows no control at ({x}, {y}) to the "
                  f"accessibility bus ({EXPOSING_HINT}; see `wayguide doctor`)\n")
        return EXIT_FAIL
    locator = shortest_locator(controls, index)
    if as_json:
        out.write(json.dumps({"role": control.role, "name": control.label, "states": sorted(control.states),
                              "extents": list(box) if box else None, "window": window.title,
                              "locator": _as_dict(locator)}, ensure_ascii=False, indent=1) + "\n")
    else:
        shown = f"{control.role} “{control.label}”" if control.label else control.role
        place = "x {}, y {}, {} × {}".format(*box) if box else "not on the screen"
        out.write(f"# under the pointer in {window.title} ({window.app}): {shown}, {place}; "
                  f"{', '.join(sorted(control.states)) or 'no states'}\n{locator_text(locator)}\n")
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


def check(path: Path, probe: WindowProbe, elements: Elements, out: TextIO, err: TextIO, *,
          title: str | None = None, delay: float = 0.0) -> int:
    """Check each locator of the wizard at `path` against the application: the window it names, else the
    window in front (after `delay`) or titled `title`. Exit 1 when one finds nothing, naming the nearest
    controls of the application."""
    from app.format.loader import load_file

    loaded = load_file(path)
    if loaded.wizard is None:
        for diagnostic in loaded.diagnostics:
            err.write(f"{diagnostic}\n")
        return EXIT_FAIL
    named = locators_in(loaded.wizard)
    if not named:
        out.write(f"{path}: names no controls\n")
        return EXIT_OK
    if delay > 0:
        time.sleep(delay)
    default = _window(probe, title)
    missing = 0
    try:
        for where, element in named:
            window = default if element.window is None else next(
                (w for w in reversed(probe.windows()) if window_fits(element.window, w)), None)
            text = locator_text(element.locator())
            if window is None:
                out.write(f"✗ {where}: {text}: no window to look in\n")
                missing += 1
                continue
            found = elements.find(element.locator(), window)
            if found:
                shown = found[0].label or found[0].role
                out.write(f"✓ {where}: {text}: found in “{window.title}” ({shown})\n")
                continue
            missing += 1
            near = nearest(element, elements.controls(window))
            hint = f"; nearest: {', '.join(near)}" if near else ""
            out.write(f"✗ {where}: {text}: not found in “{window.title}”{hint}\n")
    except ProbeUnavailable as exc:
        err.write(f"wayguide: error: {exc} (see `wayguide doctor`)\n")
        return EXIT_FAIL
    return EXIT_FAIL if missing else EXIT_OK
