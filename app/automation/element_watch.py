"""A step's `element` conditions, decided from accessibility events on a thread of their own."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence

from app.format.elements import control_holds, places
from app.format.model import ElementCond
from app.ports import Elements, WindowInfo, WindowProbe

__all__ = ["MIN_GAP_S", "ElementWatch"]

log = logging.getLogger(__name__)

MIN_GAP_S = 0.03
"""From the start of one look at the controls to the next at least this long: an application that sends
events without end costs at most a few dozen quick looks a second, not a core."""


class ElementWatch:
    """Tells whether each condition holds: right away, then whenever the accessibility bus says something
    changed (a control took the focus, a dialog opened, a box was ticked), through
    `report(generation, path, holds)` on its own thread; `generation` is the one `watch` returned.

    Nothing runs while nothing is watched: the thread sleeps on an event and the bus is not listened to.
    The elements and the window probe are made on the thread and used only there. A text compared stays
    in this object's frame: only whether it matched is reported."""

    def __init__(self, elements: Callable[[], Elements], probe: Callable[[], WindowProbe],
                 report: Callable[[int, str, bool], None], own_pid: int = 0) -> None:
        self._make_elements, self._make_probe = elements, probe
        self._report = report
        self._own = own_pid
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._conditions: tuple[tuple[str, ElementCond], ...] = ()
        self._generation = 0
        self._closed = False
        self._thread: threading.Thread | None = None
        self.problem = ""
        """Why controls cannot be watched here ("" while they can)."""

    def watch(self, conditions: Sequence[tuple[str, ElementCond]]) -> int:
        """Decide these conditions (path, condition) from now on, replacing the earlier ones; () for none.
        Returns the generation its reports carry."""
        with self._lock:
            self._generation += 1
            self._conditions = tuple(conditions)
            generation = self._generation
        if conditions and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="wayguide-element-watch", daemon=True)
            self._thread.start()
        self._wake.set()
        return generation

    def poke(self) -> None:
        """Look again now (the window in front changed, which not every application tells the bus)."""
        if self._conditions:
            self._wake.set()

    def close(self) -> None:
        self._closed = True
        self._wake.set()

    def _run(self) -> None:
        elements: Elements | None = None
        probe: WindowProbe | None = None
        unsubscribe: Callable[[], None] | None = None
        told_for: tuple[bool, frozenset[str]] = (False, frozenset())
        front: WindowInfo | None = None
        seen: dict[str, bool] = {}
        told = -1
        try:
            while not self._closed:
                self._wake.wait()
                self._wake.clear()
                with self._lock:
                    generation, conditions = self._generation, self._conditions
                if self._closed:
                    break
                if not conditions:
                    if unsubscribe is not None:  # idle: nothing listened to
                        unsubscribe()
                        unsubscribe = None
                    continue
                texts = any(cond.text is not None for _, cond in conditions)
                states = frozenset(cond.state for _, cond in conditions if cond.state is not None)
                if unsubscribe is not None and (texts, states) != told_for:  # typing wakes it only for a text
                    unsubscribe()
                    unsubscribe = None
                started = time.monotonic()
                try:
                    if elements is None or probe is None:
                        elements, probe = self._make_elements(), self._make_probe()
                    if unsubscribe is None:
                        unsubscribe = elements.subscribe(self._wake.set, texts, states)
                        told_for = (texts, states)
                    front = self._front(probe, front)
                    windows = probe.windows()
                    self.problem = ""
                except Exception as exc:  # ProbeUnavailable; an X or bus error of a desktop going away
                    if not self.problem:
                        log.warning("wayguide: warning: cannot watch controls here (%s); steps move on with "
                                    "Next", exc)
                    self.problem = str(exc) or type(exc).__name__
                    if unsubscribe is not None:
                        with contextlib.suppress(Exception):
                            unsubscribe()
                    elements = probe = unsubscribe = None
                    continue
                if generation != told:
                    seen, told = {}, generation
                for path, cond in conditions:
                    where = places(cond.element.window, front, windows)
                    if not where:  # no window to look in: nothing can be said, not even that it is gone
                        continue
                    try:
                        holds = control_holds(elements, cond.element.locator(), where, cond.state, cond.text,
                                              cond.gone)
                    except Exception:  # the bus or the application went: the next event or watch looks again
                        continue
                    if seen.get(path) != holds:
                        seen[path] = holds
                        self._report(generation, path, holds)
                time.sleep(max(0.0, MIN_GAP_S - (time.monotonic() - started)))
        finally:
            if unsubscribe is not None:
                unsubscribe()

    def _front(self, probe: WindowProbe, last: WindowInfo | None) -> WindowInfo | None:
        """The window in front, or the one before it while Wayguide's own panel is (the person clicked it)."""
        front = probe.active_window()
        if front is not None and self._own and front.pid == self._own:
            return last
        return front
