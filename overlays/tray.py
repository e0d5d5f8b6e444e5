"""The tray icon and its menu: open the panel, start a wizard, preferred mode, insights, settings,
about, quit."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QObject, QRectF, QSize, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.i18n import N_
from app.paths import bundled_dir

__all__ = ["BADGE_COLOUR", "Tray", "app_icon", "badged"]

MODES = (("wizard", N_("Each wizard's default")), ("glass", N_("Glass box: I do it, explained")),
         ("black", N_("Black box: do it for me")))


def app_icon() -> QIcon:
    """Wayguide's icon at every size, from PNGs (scripts/render-icons renders them from
    wayguide.svg), so that start-up does not load Qt's SVG support."""
    icon = QIcon()
    for png in sorted((bundled_dir("resources") / "icons").glob("wayguide-*.png")):
        icon.addFile(str(png))
    return icon


BADGE_COLOUR = "#F59E0B"
"""Amber: seen against the teal icon and the usual panel colours, without the alarm of red."""


def badged(icon: QIcon) -> QIcon:
    """`icon` with a small dot in its lower right corner (where the icon is empty), at each of its sizes."""
    out = QIcon()
    for size in icon.availableSizes() or [QSize(64, 64)]:
        pixmap = QPixmap(icon.pixmap(size))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(size.width(), size.height())
        d = max(6.0, side * 0.42)
        ring = max(1.0, side / 16)
        painter.setPen(QPen(QColor("#FFFFFF"), ring))
        painter.setBrush(QColor(BADGE_COLOUR))
        painter.drawEllipse(QRectF(size.width() - d - ring / 2, size.height() - d - ring / 2, d, d))
        painter.end()
        out.addPixmap(pixmap)
    return out


def _tr(text: str) -> str:
    return QCoreApplication.translate("Tray", text)


class Tray(QObject):
    openRequested = Signal()
    wizardRequested = Signal(str)
    modeChanged = Signal(str)
    settingsRequested = Signal()
    insightsRequested = Signal()
    recordRequested = Signal()
    """"Record a guide…" while nothing records, "Stop recording" while a recording runs."""
    aboutRequested = Signal()
    quitRequested = Signal()
    reviewRequested = Signal()
    """The person asked for the review that is due (its menu entry, or the notification about it)."""

    def __init__(self, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(icon, self)
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self._open = self.menu.addAction(_tr("Open panel"))
        self._open.triggered.connect(self.openRequested)
        self.review = self.menu.addAction(_tr("Review what you learned (2 minutes)"))
        self.review.triggered.connect(self.reviewRequested)
        self.review.setVisible(False)
        self._review_said = False
        """The last notification shown was the review's: a click on it starts the review."""
        self.wizards = self.menu.addMenu(_tr("Wizards"))
        self.modes = self.menu.addMenu(_tr("Preferred mode"))
        self._mode_group = QActionGroup(self)
        for key, label in MODES:
            action = self.modes.addAction(_tr(label))
            action.setCheckable(True)
            action.setData(key)
            self._mode_group.addAction(action)
        self._mode_group.triggered.connect(lambda a: self.modeChanged.emit(str(a.data())))
        self.menu.addSeparator()
        self.insights = self.menu.addAction(_tr("Insights"))
        self.insights.setToolTip(_tr("Which tasks are used, where runs stop, how fast people get there"))
        self.insights.triggered.connect(self.insightsRequested)
        self.record = self.menu.addAction(_tr("Record a guide…"))
        self.record.setToolTip(_tr("Do a task once; Wayguide writes a draft wizard from it"))
        self.record.triggered.connect(self.recordRequested)
        self._settings = self.menu.addAction(_tr("Settings…"))
        self._settings.triggered.connect(self.settingsRequested)
        self._about = self.menu.addAction(_tr("About Wayguide"))
        self._about.triggered.connect(self.aboutRequested)
        self.menu.addSeparator()
        self._quit = self.menu.addAction(_tr("Quit"))
        self._quit.triggered.connect(self.quitRequested)
        self._hotkey = ""
        self._recording = False
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(self._message_clicked)
        self._tip = _tr("Wayguide — task help beside your work")
        self.icon.setToolTip(self._tip)
        self.plain_icon = icon
        """The icon without a badge."""
        self.suggested: str | None = None
        """The task the badge suggests (its title), or None when the icon shows no badge."""

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def notify(self, text: str) -> None:
        """A quiet notification beside the tray (never a window over the work)."""
        self._review_said = False
        self.icon.showMessage("Wayguide", text)

    def set_review_due(self, due: bool, say: bool = False) -> None:
        """A review is due (its menu entry shows); `say`: also a notification, whose click starts it."""
        self.review.setVisible(due)
        if due and say:
            self.icon.showMessage("Wayguide", _tr("A two-minute review of what you learned is due. Click to "
                                                  "start it, or find it in this menu later."))
            self._review_said = True

    def _message_clicked(self) -> None:
        if self._review_said and self.review.isVisible():
            self.reviewRequested.emit()

    def set_recording(self, recording: bool) -> None:
        self._recording = recording
        self.record.setText(_tr("Stop recording") if recording else _tr("Record a guide…"))

    def set_hotkey(self, hotkey: str) -> None:
        self._hotkey = hotkey
        self._tip = _tr("Wayguide — task help beside your work ({hotkey})").format(hotkey=hotkey.title())
        self.set_badge(self.suggested)
        self._open.setText(_tr("Open panel") + f"\t{hotkey.title()}")

    def retranslate(self) -> None:
        """Word the menu again in the language now installed (app/runtime/preferences.py)."""
        self.review.setText(_tr("Review what you learned (2 minutes)"))
        self.wizards.setTitle(_tr("Wizards"))
        self.modes.setTitle(_tr("Preferred mode"))
        for action, (_key, text) in zip(self._mode_group.actions(), MODES, strict=True):
            action.setText(_tr(text))
        self.insights.setText(_tr("Insights"))
        self.insights.setToolTip(_tr("Which tasks are used, where runs stop, how fast people get there"))
        self.record.setToolTip(_tr("Do a task once; Wayguide writes a draft wizard from it"))
        self._settings.setText(_tr("Settings…"))
        self._about.setText(_tr("About Wayguide"))
        self._quit.setText(_tr("Quit"))
        self.set_recording(self._recording)
        if self._hotkey:
            self.set_hotkey(self._hotkey)
        else:
            self._open.setText(_tr("Open panel"))
            self._tip = _tr("Wayguide — task help beside your work")
            self.set_badge(self.suggested)

    def set_mode(self, mode: str) -> None:
        for action in self._mode_group.actions():
            action.setChecked(action.data() == mode)

    def allow_modes(self, modes: Sequence[str], locked: bool = False) -> None:
        """Modes the administrator turned off are greyed out; all of them when the preferred mode
        is locked by policy."""
        for action in self._mode_group.actions():
            key = str(action.data())
            action.setEnabled(not locked and (key == "wizard" or key in modes))

    def modes_enabled(self) -> dict[str, bool]:
        """The preferred modes in the menu ("wizard", "glass", "black"), and whether each can be picked."""
        return {str(a.data()): a.isEnabled() for a in self._mode_group.actions()}

    def set_wizards(self, wizards: Sequence[tuple[str, str]]) -> None:
        """(id, title) pairs, shown in the Wizards submenu."""
        self.wizards.clear()
        for wizard_id, title in wizards:
            action: QAction = self.wizards.addAction(title)
            action.triggered.connect(lambda _=False, w=wizard_id: self.wizardRequested.emit(w))
        self.wizards.setEnabled(bool(wizards))

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.openRequested.emit()

    def set_badge(self, task: str | None) -> None:
        """A quiet badge suggesting `task` (its title): a dot on the icon and a line in its tooltip, never a
        notification or a window; a click opens the panel as always. None takes it away."""
        if task != self.suggested:
            self.icon.setIcon(self.plain_icon if task is None else badged(self.plain_icon))
        self.suggested = task
        suggested = "\n" + _tr("Suggested: {task}").format(task=task) if task is not None else ""
        self.icon.setToolTip(self._tip + suggested)
