"""The panel host: makes the panel on first need, summons it beside the window in front (without taking
the keyboard), places it, shows the tasks that fit that window, and gives the focus back."""

from __future__ import annotations

import importlib
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, Signal
from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:
    from app.format.cards import Listed
    from app.library.copies import SourceStatus
    from app.library.layers import Entry
    from app.library.relevance import Match
    from app.policy.settings import Settings
    from app.ports import WindowInfo, WindowProbe
    from app.runtime.preferences import Preferences
    from app.usage.progress import Progress
    from overlays.panel import Panel
    from overlays.placement import Rect
    from overlays.recording_bar import RecordingBar

__all__ = ["PANEL_WIDTH", "PanelHost"]

log = logging.getLogger(__name__)

PANEL_WIDTH = 360


class PanelHost(QObject):
    """Where the panel comes from and where it shows. `ready()` finishes start-up (False: another
    instance runs); `wire(panel)` connects a new panel to the rest of the app; `busy()` tells whether a
    run is in progress (the panel then shows the run, not the tasks); `visible()` lists the wizards the
    person may use; `problems` are the start-up problems, said once where the person looks; `broken`, the
    person's own wizard files that did not load; `sources`, how the HTTPS sources and shares are (one that
    is offline is said in a quiet line under the tasks)."""

    summoned = Signal()
    """The panel is being shown beside the window in front (the hotkey, the tray, a run starting)."""

    def __init__(self, ready: Callable[[], bool], preferences: Preferences,
                 probe: Callable[[], WindowProbe | None], visible: Callable[[], list[Entry]],
                 busy: Callable[[], bool], wire: Callable[[Panel], None], problems: list[str],
                 parent: QObject | None = None, broken: Callable[[], list[str]] | None = None,
                 sources: Callable[[], list[SourceStatus]] | None = None) -> None:
        super().__init__(parent)
        self._ready = ready
        self._preferences = preferences
        self._probe = probe
        self._visible = visible
        self._busy = busy
        self._wire = wire
        self._problems = problems
        self._broken = broken or list
        self._sources = sources or list
        self.panel: Panel | None = None
        """Made when first shown: the memory of a panel nobody opened is not spent."""
        self.context: WindowInfo | None = None
        """The window the panel was last summoned beside."""
        self.opened_by = "panel"
        """How the panel was opened last ("panel", "hotkey"): where usage data says a run came from."""
        self._warmed = False
        self._renew = False
        self.instead_of_home: Callable[[], bool] | None = None
        """Shows another view where the tasks would show (an author's preview, while open); whether it did."""
        self.own_files: Callable[[], tuple[dict[str, Path], list[Path]]] | None = None
        """The person's own wizard files (by id, and those that did not load): they may preview them."""
        preferences.applied.connect(self._settings_applied)
        self.progress: Callable[[], Mapping[str, Progress]] = dict
        """The person's progress by wizard id (app.usage.progress): said in the list, and it orders it."""
        self.suggested: Callable[[], str | None] = lambda: None
        """The wizard a nudge in context suggests now (app.runtime.nudges): first in the list, tagged."""

    def _settings_applied(self, old: Settings, new: Settings) -> None:
        """Another language: the panel is made again in it (at once when hidden and idle, else when the run
        in it has ended and it is next shown)."""
        if new.language != old.language:
            self._renew = True
            self.renew_if_idle()

    def renew_if_idle(self) -> None:
        if self._renew and self.panel is not None and not self.shown() and not self._busy():
            self.panel.deleteLater()
            self.panel = None
            self._renew = False

    def get(self) -> Panel:
        """The panel, made (and wired) on first use."""
        if self.panel is None:
            from overlays.panel import Panel

            panel = Panel()
            self._wire(panel)
            self.panel = panel
        return self.panel

    def shown(self) -> bool:
        return self.panel is not None and self.panel.isVisible()

    def summon(self) -> None:
        """Show the panel beside the window in front, without taking the keyboard from it."""
        if not self._ready():
            return
        self.renew_if_idle()
        self.summoned.emit()
        self.opened_by = "panel"
        window = self._foreground()
        if window is not None:
            self.context = window
        if not self._busy():
            self.show_home()
        self._place()
        panel = self.get()
        panel.show()
        panel.raise_()
        if self._problems and not self._busy():  # said once, where the person looks
            panel.current_view().show_notice(" ".join(self._problems), "error")
            self._problems.clear()
        self._warm_up()

    def summon_with_keyboard(self) -> None:
        """For keyboard users, and from the tray menu: show the panel with the keyboard in it;
        it goes back to the application once a task is picked or Escape is pressed."""
        self.summon()
        if self.panel is not None and self.panel.isVisible():
            self.panel.focus_search()

    def toggle(self) -> None:
        if self.shown():
            self.hide()
        else:
            self.summon()

    def hide(self) -> None:
        if self.panel is not None:
            self.panel.hide()

    def show_home(self) -> None:
        """The tasks: those for the window in front first."""
        from app.library.relevance import relevant

        if self.instead_of_home is not None and self.instead_of_home():
            return
        settings = self._preferences.settings
        assert settings is not None
        entries = self._visible()
        wizards = [e.card.speaking(self._preferences.wanted) for e in entries]  # search in their words
        progress = self.progress()
        weights = {wizard_id: p.weight for wizard_id, p in progress.items()}
        matches = relevant(wizards, self.context, settings.roles, weights) if self.context else []
        suggested = self.suggested()
        if suggested is not None:
            matches = _suggested_first(suggested, matches, wizards)
        label = None
        if self.context is not None and matches:
            label = self.context.klass or self.context.app[:1].upper() + self.context.app[1:]
        self.get().home.set_progress(progress, time.time())
        self.get().show_home(wizards, matches, label, settings.hotkey, settings.keyboard_hotkey,
                             self._broken(), [s for s in self._sources() if s.offline],
                             examples={e.id for e in entries if e.example}, suggested=suggested)
        if self.own_files is not None:
            by_id, broken = self.own_files()
            self.get().home.set_authoring({i: str(p) for i, p in by_id.items()}, [str(p) for p in broken])

    def refresh(self) -> None:
        """The library, the settings or a source's state changed: the tasks shown follow (not a run's
        view)."""
        if self.shown() and not self._busy():
            self.show_home()

    def no_tray_notice(self, marker: Path) -> None:
        """Said once per person (`marker` remembers it): where there is no tray, how to reach Wayguide;
        the start-up problems are said with it."""
        settings = self._preferences.settings
        assert settings is not None
        if marker.exists():
            return
        hotkey = settings.hotkey.title()
        log.warning("wayguide: this desktop has no system tray; press %s or run `wayguide toggle`", hotkey)
        problems = list(self._problems)  # said with it, not instead
        self._problems.clear()
        self.summon()
        self.get().current_view().show_notice(" ".join([
            f"This desktop has no system tray. Press {hotkey} or run “wayguide toggle” to open Wayguide.",
            *problems]), "error" if problems else "info")
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()

    def give_focus_back(self) -> None:
        probe = self._probe()
        if probe is not None and self.context is not None and self.context.handle:
            probe.activate(self.context.handle)

    def _foreground(self) -> WindowInfo | None:
        from app.ports import ProbeUnavailable

        probe = self._probe()
        if probe is None:
            return None
        try:
            window = probe.active_window()
        except ProbeUnavailable:
            return None
        if window is None or window.pid == os.getpid():
            return None
        return window

    def _place(self) -> None:
        from overlays.placement import Rect, panel_rect

        settings = self._preferences.settings
        assert settings is not None
        areas = [_rect(s.availableGeometry()) for s in QGuiApplication.screens()]
        foreground = None
        if self.context is not None and self.context.geometry is not None:
            ratio = QGuiApplication.primaryScreen().devicePixelRatio()
            x, y, w, h = (int(v / ratio) for v in self.context.geometry)
            foreground = Rect(x, y, w, h)
        r = panel_rect(areas, foreground, PANEL_WIDTH, settings.panel_side)
        self.get().place(QRect(r.x, r.y, r.w, r.h))

    def place_bar(self, bar: RecordingBar) -> None:
        """The recording bar at the top centre of the screen of the window in front."""
        from overlays.placement import Rect

        areas = [_rect(s.availableGeometry()) for s in QGuiApplication.screens()]
        window = self._foreground()
        foreground = None
        if window is not None and window.geometry is not None:
            ratio = QGuiApplication.primaryScreen().devicePixelRatio()
            x, y, w, h = (int(v / ratio) for v in window.geometry)
            foreground = Rect(x, y, w, h)
        bar.place_on(areas, foreground)

    def make_room(self, region: Rect, window: Rect | None) -> None:
        """Move the shown panel off `region` (what a step outlines, in `window`), keeping the side the
        settings fix: a dialog opened in the middle of the screen must not be under it."""
        from overlays.placement import clear_of

        panel = self.panel
        settings = self._preferences.settings
        if panel is None or not panel.isVisible() or settings is None:
            return
        areas = [_rect(s.availableGeometry()) for s in QGuiApplication.screens()]
        now = _rect(panel.geometry())
        moved = clear_of(now, areas, region, window, settings.panel_side)
        if moved != now:
            panel.place(moved)

    def _warm_up(self) -> None:
        """Once the panel has been shown, the engine and the wizard model are imported on a worker
        thread, so that picking a task does not wait for them; a tray app nobody opened never holds
        them (see app.format.cards)."""
        if not self._warmed:
            self._warmed = True
            threading.Thread(target=importlib.import_module, args=("app.engine",),
                             name="wayguide-warm-up", daemon=True).start()


def _rect(q: QRect) -> Rect:
    from overlays.placement import Rect

    return Rect(q.x(), q.y(), q.width(), q.height())


def _suggested_first(wizard_id: str, matches: list[Match], wizards: Sequence[Listed]) -> list[Match]:
    """The matches with the suggested wizard first (it is there when its window is in front)."""
    from app.library.relevance import Match

    found = [m for m in matches if m.wizard.id == wizard_id]
    if not found:
        found = [Match(w, "suggested: not done lately") for w in wizards if w.id == wizard_id]
    return found + [m for m in matches if m.wizard.id != wizard_id]
