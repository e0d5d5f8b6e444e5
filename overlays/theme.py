"""Light and dark themes (palette + QSS from resources/themes), optionally following the system."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.paths import bundled_dir

__all__ = ["DARK", "LIGHT", "THEMES", "Colors", "Scheme", "ThemeName", "apply_theme", "colors",
           "current_scheme", "palette_for", "resolve", "stylesheet"]

ThemeName: TypeAlias = Literal["system", "light", "dark"]
Scheme: TypeAlias = Literal["light", "dark"]
THEMES: tuple[ThemeName, ...] = ("system", "light", "dark")

_SCHEME_PROPERTY = "wayguideScheme"
_STYLED_PROPERTY = "wayguideFusion"
_FOLLOWER_NAME = "wayguideThemeFollower"


@dataclass(frozen=True)
class Colors:
    """The colours of one scheme; the same values appear in its QSS file."""

    window: str
    base: str
    text: str
    muted: str
    border: str
    field_border: str
    accent: str
    accent_hover: str
    on_accent: str
    accent_soft: str
    error: str
    error_soft: str
    hover: str
    disabled: str
    tooltip_bg: str
    tooltip_text: str


LIGHT = Colors(
    window="#F6F8FA", base="#FFFFFF", text="#1F2328", muted="#57606A", border="#D0D7DE",
    field_border="#7D8590", accent="#0E7490", accent_hover="#0B5F75", on_accent="#FFFFFF",
    accent_soft="#E3F1F4", error="#B42318", error_soft="#FDECEA", hover="#EAEEF2",
    disabled="#8C959F", tooltip_bg="#1F2328", tooltip_text="#F6F8FA",
)
DARK = Colors(
    window="#1B1F24", base="#22272E", text="#E6EDF3", muted="#9DA7B3", border="#373E47",
    field_border="#6E7681", accent="#4FB8CC", accent_hover="#6CC7D8", on_accent="#0B1F24",
    accent_soft="#163A42", error="#FF8A80", error_soft="#3A1F1F", hover="#2D333B",
    disabled="#6E7681", tooltip_bg="#E6EDF3", tooltip_text="#1B1F24",
)


def colors(scheme: Scheme) -> Colors:
    return DARK if scheme == "dark" else LIGHT


def resolve(theme: str, system: Qt.ColorScheme) -> Scheme:
    """The scheme a theme setting means; "system" (and anything unknown) follows the system."""
    if theme in ("light", "dark"):
        return "dark" if theme == "dark" else "light"
    return "dark" if system == Qt.ColorScheme.Dark else "light"


def palette_for(c: Colors) -> QPalette:
    """A palette matching the QSS, for what the style and the task list paint themselves."""
    pal = QPalette()
    role = QPalette.ColorRole
    for r, value in (
        (role.Window, c.window), (role.WindowText, c.text), (role.Base, c.base),
        (role.AlternateBase, c.hover), (role.Text, c.text), (role.Button, c.base),
        (role.ButtonText, c.text), (role.BrightText, c.error), (role.Highlight, c.accent),
        (role.HighlightedText, c.on_accent), (role.PlaceholderText, c.muted), (role.Link, c.accent),
        (role.LinkVisited, c.accent), (role.Mid, c.border), (role.Midlight, c.accent_soft),
        (role.Dark, c.field_border), (role.Light, c.base), (role.Shadow, c.field_border),
        (role.ToolTipBase, c.tooltip_bg), (role.ToolTipText, c.tooltip_text), (role.Accent, c.accent),
    ):
        pal.setColor(r, QColor(value))
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, r, QColor(c.disabled))
    return pal


def stylesheet(scheme: Scheme, folder: Path | None = None) -> str:
    """The QSS of a scheme, from resources/themes (empty if the file is missing); `@ICONS@` in it
    becomes the path of resources/icons."""
    base = folder if folder is not None else bundled_dir("resources") / "themes"
    try:
        text = (base / f"{scheme}.qss").read_text(encoding="utf-8")
    except OSError:
        return ""
    return text.replace("@ICONS@", (base.parent / "icons").as_posix())


def current_scheme(app: QApplication) -> Scheme:
    """The scheme last applied by `apply_theme` ("light" if none)."""
    return "dark" if app.property(_SCHEME_PROPERTY) == "dark" else "light"


class _SystemFollower(QObject):
    """Re-applies the theme when the system switches between light and dark."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName(_FOLLOWER_NAME)
        self._app = app
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._changed)

    def _changed(self, scheme: Qt.ColorScheme) -> None:
        _apply_scheme(self._app, resolve("system", scheme))

    def stop(self) -> None:
        QGuiApplication.styleHints().colorSchemeChanged.disconnect(self._changed)
        self.setParent(None)
        self.deleteLater()


def apply_theme(app: QApplication, theme: str = "system") -> Scheme:
    """Apply "system", "light" or "dark" to the whole application; returns the scheme now shown.

    "system" follows `styleHints().colorScheme()` and keeps following it until another theme is
    applied."""
    follower = app.findChild(_SystemFollower, _FOLLOWER_NAME)
    if theme == "system":
        if follower is None:
            _SystemFollower(app)
    elif follower is not None:
        follower.stop()
    scheme = resolve(theme, QGuiApplication.styleHints().colorScheme())
    _apply_scheme(app, scheme)
    return scheme


def _apply_scheme(app: QApplication, scheme: Scheme) -> None:
    if not app.property(_STYLED_PROPERTY):  # the same base style everywhere; set once
        app.setStyle("Fusion")
        app.setProperty(_STYLED_PROPERTY, True)
    app.setPalette(palette_for(colors(scheme)))
    app.setStyleSheet(stylesheet(scheme))
    app.setProperty(_SCHEME_PROPERTY, scheme)
