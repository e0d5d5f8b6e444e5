"""The settings dialog: hotkeys, panel side, theme, language, roles, preferred mode, start at login."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.format.combo import validate_combo
from app.policy.settings import Settings
from overlays.views import label, repolish, scaled_font

__all__ = ["LOCKED_TIP", "SettingsDialog", "parse_roles"]

LOCKED_TIP = "Set by your administrator"


def parse_roles(text: str) -> tuple[str, ...]:
    """"support, Sales ,, support" → ("support", "Sales"): trimmed, no blanks, no repeats."""
    seen: dict[str, str] = {}
    for part in text.split(","):
        role = part.strip()
        if role and role.casefold() not in seen:
            seen[role.casefold()] = role
    return tuple(seen.values())


class SettingsDialog(QDialog):
    """Edits a Settings; `settings()` gives the edited copy. Names in `locked` (Settings field
    names, e.g. "hotkey") are set by policy: shown, but disabled with a tooltip saying so."""

    def __init__(self, settings: Settings, locked: Collection[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._original = settings
        self._locked = frozenset(locked)
        self.setObjectName("SettingsDialog")
        self.setWindowTitle(self.tr("Wayguide settings"))
        self.setAccessibleName(self.tr("Wayguide settings"))
        self.setMinimumWidth(440)
        column = QVBoxLayout(self)
        column.setContentsMargins(20, 18, 20, 16)
        column.setSpacing(6)
        heading = label(self.tr("Settings"))
        heading.setFont(scaled_font(self.font(), 1.25, QFont.Weight.Bold))
        column.addWidget(heading)
        column.addSpacing(6)
        self._build_fields(column, settings)
        column.addStretch(1)
        column.addSpacing(8)
        standard = QDialogButtonBox.StandardButton
        self.box = QDialogButtonBox(standard.Ok | standard.Cancel)
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        self.ok_button().setProperty("role", "primary")
        self.ok_button().setAccessibleName(self.tr("Save settings"))
        column.addWidget(self.box)
        for name in self._locked:
            self._lock(name)
        self._check_hotkey()

    def _combo_field(self, form: QVBoxLayout, value: str, caption: str, name: str,
                     hint: str) -> tuple[QLineEdit, QLabel]:
        """A key combo field with its hint, and an error line that says what is wrong as you type."""
        field = QLineEdit(value)
        field.setPlaceholderText(self.tr("e.g. ctrl+alt+space"))
        field.setAccessibleName(name)
        field.setProperty("hint", hint)
        field.textChanged.connect(self._check_hotkey)
        error = label(role="error")
        error.hide()
        self._row(form, caption, self._with_hint(field, hint, error), field)
        return field, error

    def _build_fields(self, form: QVBoxLayout, settings: Settings) -> None:
        self.hotkey, self.hotkey_error = self._combo_field(
            form, settings.hotkey, self.tr("&Hotkey"), self.tr("Hotkey"),
            self.tr("Shows and hides the panel from any application."))
        self.keyboard_hotkey, self.keyboard_hotkey_error = self._combo_field(
            form, settings.keyboard_hotkey, self.tr("&Keyboard hotkey"), self.tr("Keyboard hotkey"),
            self.tr("Shows the panel with the keyboard in it, for working without the mouse."))

        self.side = self._combo(self.tr("Panel side"), [
            ("auto", self.tr("Beside the application (automatic)")),
            ("left", self.tr("Left edge of the screen")),
            ("right", self.tr("Right edge of the screen"))], settings.panel_side)
        self._row(form, self.tr("Panel &side"), self.side, self.side)
        self.theme = self._combo(self.tr("Theme"), [
            ("system", self.tr("Same as the system")), ("light", self.tr("Light")),
            ("dark", self.tr("Dark"))], settings.theme)
        self._row(form, self.tr("&Theme"), self.theme, self.theme)
        languages = [("system", self.tr("Same as the system")), ("en", "English"), ("nl", "Nederlands"),
                     ("de", "Deutsch")]
        if settings.language not in {code for code, _ in languages}:  # e.g. the policy's "nl_BE": kept
            languages.append((settings.language, settings.language))
        self.language = self._combo(self.tr("Language"), languages, settings.language)
        self._row(form, self.tr("&Language"), self.language, self.language)
        self.roles = QLineEdit(", ".join(settings.roles))
        self.roles.setPlaceholderText(self.tr("e.g. support, sales"))
        self.roles.setAccessibleName(self.tr("Roles"))
        roles_box = self._with_hint(self.roles, self.tr("Separate roles with commas. Tasks for other "
                                                        "roles are hidden; leave empty to see every task."))
        self._row(form, self.tr("&Roles"), roles_box, self.roles)
        self.mode = self._combo(self.tr("Preferred mode"), [
            ("wizard", self.tr("Each task's own default")),
            ("glass", self.tr("Guide me (glass box)")),
            ("black", self.tr("Do it for me (black box)"))], settings.preferred_mode)
        self._row(form, self.tr("Preferred &mode"), self.mode, self.mode)
        self.autostart = QCheckBox(self.tr("Start Wayguide when I &log in"))
        self.autostart.setChecked(settings.autostart)
        self.autostart.setAccessibleName(self.tr("Start Wayguide when I log in"))
        form.addSpacing(6)
        form.addWidget(self.autostart)
        self._widgets: dict[str, QWidget] = {
            "hotkey": self.hotkey, "keyboard_hotkey": self.keyboard_hotkey, "panel_side": self.side,
            "theme": self.theme, "roles": self.roles, "language": self.language,
            "preferred_mode": self.mode, "autostart": self.autostart,
        }

    @staticmethod
    def _with_hint(field: QWidget, hint: str, error: QLabel | None = None) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(field)
        if error is not None:
            column.addWidget(error)
        column.addWidget(label(hint, role="muted"))
        field.setAccessibleDescription(hint)
        return box

    def _row(self, form: QVBoxLayout, text: str, field: QWidget, buddy: QWidget) -> None:
        """A caption above its field, like the panel's inputs form."""
        caption = QLabel(text)
        caption.setFont(scaled_font(self.font(), 1.0, QFont.Weight.DemiBold))
        caption.setBuddy(buddy)
        if form.count() > 2:
            form.addSpacing(8)
        form.addWidget(caption)
        form.addWidget(field)

    @staticmethod
    def _combo(name: str, options: list[tuple[str, str]], current: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for value, text in options:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        return combo

    def _lock(self, name: str) -> None:
        """Shown as it is, disabled, with one line under it saying who decides it."""
        widget = self._widgets.get(name)
        if widget is None:
            return
        widget.setEnabled(False)
        tip = self.tr("Set by your administrator")
        widget.setToolTip(tip)
        widget.setAccessibleDescription(tip)
        parent = widget.parentWidget()
        layout = parent.layout() if parent is not None else None
        if isinstance(layout, QVBoxLayout) and layout.indexOf(widget) >= 0:
            note = label(tip, role="muted")
            note.setObjectName(f"locked-{name}")
            layout.insertWidget(layout.indexOf(widget) + 1, note)

    def _fit(self) -> None:
        """Tall enough for the wrapped hints and messages at the current width."""
        layout = self.layout()
        if layout is None:
            return
        height = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() \
            else layout.totalMinimumSize().height()
        if height > 0 and height != self.minimumHeight():
            self.setMinimumHeight(height)
        if self.height() < height:
            self.resize(self.width(), height)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def _check_hotkey(self) -> None:
        problems = []
        for field, error, name in ((self.hotkey, self.hotkey_error, "hotkey"),
                                   (self.keyboard_hotkey, self.keyboard_hotkey_error, "keyboard_hotkey")):
            message = self._combo_problem(field, name)
            problems.append(message)
            error.setText(message)
            error.setVisible(bool(message))
            field.setAccessibleDescription(message or str(field.property("hint")))
            if bool(field.property("invalid")) != bool(message):
                field.setProperty("invalid", bool(message))
                repolish(field)
        self.ok_button().setEnabled(not any(problems))
        if self.isVisible():
            self._fit()

    def hotkey_problem(self) -> str:
        """Why the hotkey as typed is not usable; "" when it is."""
        return self._combo_problem(self.hotkey, "hotkey")

    def _combo_problem(self, field: QLineEdit, name: str) -> str:
        if name in self._locked:
            return ""
        try:
            validate_combo(field.text())
        except ValueError as exc:
            text = str(exc)
            return text[:1].upper() + text[1:] + "."
        if name == "keyboard_hotkey" and not self._combo_problem(self.hotkey, "hotkey") \
                and validate_combo(field.text()) == validate_combo(self.hotkey.text()):
            return self.tr("Choose a combo other than the hotkey.")
        return ""

    def ok_button(self) -> QPushButton:
        return self.box.button(QDialogButtonBox.StandardButton.Ok)

    def settings(self) -> Settings:
        """The settings as edited (locked ones unchanged); the hotkey normalised (ctrl+alt+space)."""
        original = self._original
        values = {
            "hotkey": original.hotkey if self.hotkey_problem() else validate_combo(self.hotkey.text()),
            "keyboard_hotkey": original.keyboard_hotkey
            if self._combo_problem(self.keyboard_hotkey, "keyboard_hotkey")
            else validate_combo(self.keyboard_hotkey.text()),
            "panel_side": self.side.currentData(),
            "theme": self.theme.currentData(),
            "roles": parse_roles(self.roles.text()),
            "preferred_mode": self.mode.currentData(),
            "autostart": self.autostart.isChecked(),
            "language": self.language.currentData(),
        }
        kept = {name: getattr(original, name) for name in self._locked if name in values}
        return original.replace(**{**values, **kept})

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted and self.hotkey_problem():
            self.hotkey.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        super().done(result)
