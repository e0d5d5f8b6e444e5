"""The highlight: a soft rounded outline around a step's target (a region of a window, or a control in
it) that follows its window."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPainterPath, QPaintEvent, QPen, QRegion
from PySide6.QtWidgets import QApplication, QWidget

from app.format.matching import window_fits
from app.format.model import ElementTarget, Region, Target
from app.ports import Elements, InputWatcher, ProbeUnavailable, WatcherFactory, WindowInfo, WindowProbe
from overlays.placement import Rect, target_rect

__all__ = ["GAP", "HIGHLIGHT_TITLE", "RING", "HighlightOverlay", "Highlighter"]

HIGHLIGHT_TITLE = "Wayguide highlight"
MISS_AFTER_S = 5.0
"""How long a control shown as a step's target may be missing before it counts as not found."""
GAP = 6
"""Logical pixels between the region and the outline: the region itself stays uncovered."""
RING = 4
"""Width of the outline."""
RADIUS = 10

FLAGS = (Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
         | Qt.WindowType.WindowDoesNotAcceptFocus | Qt.WindowType.WindowTransparentForInput
         | Qt.WindowType.X11BypassWindowManagerHint)
"""Bypassing the window manager: it would put the outline in a frame of its own that takes the clicks
(openbox does), and it has nothing to manage here: no focus, no decoration, no placement."""


class HighlightOverlay(QWidget):
    """The outline itself: a ring-shaped window (a hole where the region is), click-through, never
    taking the focus. Shaped with a mask, so it shows the same with and without a compositor."""

    def __init__(self) -> None:
        super().__init__(None, FLAGS)
        self.setWindowTitle(HIGHLIGHT_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.color = QColor("#0E7490")
        self._around: QRect | None = None

    def show_around(self, region: QRect, color: QColor) -> None:
        """Outline `region` (desktop coordinates, logical pixels), leaving it uncovered."""
        outer = region.adjusted(-(GAP + RING), -(GAP + RING), GAP + RING, GAP + RING)
        if region != self._around or color != self.color:
            self._around, self.color = region, color
            self.setGeometry(outer)
            self.setMask(self._ring(QRectF(0, 0, outer.width(), outer.height())))
            self.update()
        if not self.isVisible():
            self.show()

    def region(self) -> QRect | None:
        """The region outlined (while shown)."""
        return self._around if self.isVisible() else None

    @staticmethod
    def _ring(area: QRectF) -> QRegion:
        outer, inner = QPainterPath(), QPainterPath()
        outer.addRoundedRect(area, RADIUS + RING, RADIUS + RING)
        inner.addRoundedRect(area.adjusted(RING, RING, -RING, -RING), RADIUS, RADIUS)
        return QRegion(outer.toFillPolygon().toPolygon()).subtracted(
            QRegion(inner.toFillPolygon().toPolygon()))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        # the mask gives the shape: a solid fill leaves no dark fringes where there is no compositor
        painter.fillRect(self.rect(), self.color)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        soft = self.color.lighter(135)
        painter.setPen(QPen(soft, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = RING - 1.5
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(inset, inset, -inset, -inset), RADIUS, RADIUS)
        painter.end()


class Highlighter(QObject):
    """Keeps the outline on a step's target while a step asks for it: finds the window (the one the
    target names, else the one in front), follows it through an input watcher (app.ports.InputWatcher:
    it tells when the window moves, is shown or hidden, or another comes in front; no polling), and
    hides the outline while the window is gone, minimised, or covered by another window in front.

    `watchers` makes that watcher on first need; without one (or where it cannot be made) the outline
    is placed once and stays."""

    _moved = Signal()
    """From the watcher's thread: Qt queues it to the GUI thread."""
    _located = Signal(int, object)
    """(generation, the control's extents or None) from the thread that asked the accessibility bus."""
    outlined = Signal(object, object)
    """(region, window): a Rect just outlined, in the window (a Rect, or None) it is in, both in logical
    pixels; the panel moves out of its way."""
    missing = Signal(object)
    """The ElementTarget shown was not found in its application for MISS_AFTER_S (said once per show): the
    guide may no longer fit the application."""

    def __init__(self, probe: WindowProbe | None, watchers: WatcherFactory | None = None,
                 parent: QObject | None = None,
                 elements: Callable[[], Elements | None] | None = None) -> None:
        super().__init__(parent)
        self._probe = probe
        self._watchers = watchers
        self._watcher: InputWatcher | None = None
        self._elements = elements
        """Makes the elements port on first need (a control as target); None: controls are never outlined."""
        self._bus: Elements | None = None
        self._generation = 0
        """Counts the look-ups of a control; an answer to an older one is dropped."""
        self._asking = threading.Lock()
        """Held by the thread asking the bus: one at a time (the port is used from one thread)."""
        self._target: Target | None = None
        self._handle = 0
        self._followed: int | None = None
        self._front = 0
        self._overlay: HighlightOverlay | None = None
        self._unfound_since: float | None = None
        """Since when the control shown has not been found (None: found, or not asked yet)."""
        self._missed = False
        self._moved.connect(self._follow, Qt.ConnectionType.QueuedConnection)
        self._located.connect(self._place_control, Qt.ConnectionType.QueuedConnection)

    @property
    def overlay(self) -> HighlightOverlay:
        if self._overlay is None:
            self._overlay = HighlightOverlay()
        return self._overlay

    def show(self, target: Target) -> None:
        self._target = target
        self._handle = 0
        self._unfound_since, self._missed = None, False
        if self._probe is None:
            return  # nowhere to look: the step's text says where
        self._follow()

    def clear(self) -> None:
        self._generation += 1  # a look-up under way is for a target no longer shown
        self._target = None
        self._handle = 0
        self._watch(None)
        if self._overlay is not None:
            self._overlay.hide()

    def close(self) -> None:
        """Clear, and stop following windows for good."""
        self.clear()
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None

    def following(self) -> int | None:
        """The window the watcher follows (0: none found yet), or None while nothing is followed."""
        return self._followed

    def shown(self) -> QRect | None:
        """The region outlined right now, or None."""
        return self._overlay.region() if self._overlay is not None else None

    def _follow(self) -> None:
        target, probe = self._target, self._probe
        if target is None or probe is None:
            return
        try:
            window = probe.describe(self._handle) if self._handle else self._find(target, probe)
            if window is None and self._handle:
                window = self._find(target, probe)  # it was closed; maybe opened again
            front = probe.active_window()
        except ProbeUnavailable:
            window = front = None
        self._handle = window.handle if window is not None else 0
        self._watch(self._handle)
        if window is None or not window.shown or window.geometry is None:
            self._hide()
            return
        if isinstance(target, ElementTarget):
            self._ask_for_control(target, window)
            return
        ratio = QGuiApplication.primaryScreen().devicePixelRatio()
        x, y, w, h = (round(v / ratio) for v in window.geometry)
        region = target_rect(Rect(x, y, w, h), target.region)
        if region.w <= 0 or region.h <= 0 or _covers(front, window, region, ratio):
            self._hide()
            return
        self._outline(region, front)

    def _outline(self, region: Rect, front: WindowInfo | None) -> None:
        self.overlay.show_around(QRect(region.x, region.y, region.w, region.h), _accent())
        window = None
        if front is not None and front.geometry is not None:
            ratio = QGuiApplication.primaryScreen().devicePixelRatio()
            x, y, w, h = (round(v / ratio) for v in front.geometry)
            window = Rect(x, y, w, h)
        self.outlined.emit(region, window)
        front_handle = front.handle if front is not None else 0
        if front_handle != self._front:  # the window manager raised a window: stay above it
            self._front = front_handle
            self.overlay.raise_()

    def _ask_for_control(self, target: ElementTarget, window: WindowInfo) -> None:
        """Ask the bus where the control is, on a thread (an application may take up to its deadline to
        answer); the answer comes back through _located. Asked again as the window moves."""
        if self._bus is None and self._elements is not None:
            self._bus = self._elements()
            self._elements = None  # made once, or known not to be there
        bus = self._bus
        if bus is None:
            self._hide()
            return
        self._generation += 1
        generation, locator, front = self._generation, target.element.locator(), self._probe_front()

        def ask() -> None:
            with self._asking:
                if generation != self._generation:
                    return  # a newer look-up is on its way
                box, found = None, True
                try:
                    places = [window] + ([front] if front is not None and front.pid == window.pid
                                         and front.handle != window.handle else [])
                    found = False
                    for place in places:
                        controls = bus.find(locator, place)
                        if controls:
                            found, box = True, bus.extents(controls[0])
                            break
                except ProbeUnavailable:
                    box = None  # the bus cannot say: not a miss
                self._located.emit(generation, (box, window.pid, found))

        threading.Thread(target=ask, name="wayguide-highlight", daemon=True).start()

    def _place_control(self, generation: int, answer: object) -> None:
        if generation != self._generation or not isinstance(self._target, ElementTarget):
            return
        box, pid, found = answer if isinstance(answer, tuple) else (None, 0, True)
        self._note_found(found)
        front = self._probe_front()
        if box is None or front is None or front.pid != pid:
            self._hide()  # not found, not on the screen, or another application is in front
            return
        ratio = QGuiApplication.primaryScreen().devicePixelRatio()
        x, y, w, h = (round(v / ratio) for v in box)
        self._outline(Rect(x, y, w, h), front)

    def _note_found(self, found: bool) -> None:
        """Tell `missing` once the control has not been found for MISS_AFTER_S (a dialog the step is about
        may take a moment to open); look again then."""
        if found:
            self._unfound_since = None
            return
        now = time.monotonic()
        if self._unfound_since is None:
            self._unfound_since = now
            QTimer.singleShot(round(MISS_AFTER_S * 1000) + 50, self._follow)
        elif now - self._unfound_since >= MISS_AFTER_S and not self._missed:
            self._missed = True
            self.missing.emit(self._target)

    def _probe_front(self) -> WindowInfo | None:
        try:
            return self._probe.active_window() if self._probe is not None else None
        except ProbeUnavailable:
            return None

    def _find(self, target: Target, probe: WindowProbe) -> WindowInfo | None:
        own = os.getpid()
        where = target.window if isinstance(target, Region) else target.element.window
        if where is None:
            front = probe.active_window()
            return front if front is not None and front.pid != own else None
        match = where
        fits = [w for w in probe.windows() if w.pid != own and window_fits(match, w)]
        front = probe.active_window()
        if front is not None and any(w.handle == front.handle for w in fits):
            return front
        return fits[-1] if fits else None

    def _watch(self, handle: int | None) -> None:
        """Follow `handle` (0: the windows, until the target's opens; None: nothing)."""
        if handle == self._followed:
            return
        self._followed = handle
        try:
            if self._watcher is None and handle is not None and self._watchers is not None:
                self._watcher = self._watchers(lambda _: None, lambda _: None, self._moved.emit)
            if self._watcher is not None:
                self._watcher.follow(handle)
        except Exception:  # ProbeUnavailable, an X error: the outline stays where it was put
            self._watchers = None
            self._watcher = None

    def _hide(self) -> None:
        if self._overlay is not None and self._overlay.isVisible():
            self._overlay.hide()


def _covers(front: WindowInfo | None, window: WindowInfo, region: Rect, ratio: float) -> bool:
    """Whether another window in front lies over the outlined region (the outline would float on it)."""
    if front is None or front.handle == window.handle or front.pid == os.getpid() or front.geometry is None:
        return False
    x, y, w, h = (round(v / ratio) for v in front.geometry)
    outline = Rect(region.x - GAP - RING, region.y - GAP - RING, region.w + 2 * (GAP + RING),
                   region.h + 2 * (GAP + RING))
    return Rect(x, y, w, h).overlap(outline) > 0


def _accent() -> QColor:
    from overlays.theme import colors, current_scheme

    app = QApplication.instance()
    scheme = current_scheme(app) if isinstance(app, QApplication) else "light"
    return QColor(colors(scheme).accent)
