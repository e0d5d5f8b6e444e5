"""The settings dialog edits a Settings value; policy-locked fields stay as they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from app.policy.settings import Settings
from overlays import theme
from overlays.settings_dialog import SettingsDialog, parse_roles

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
START = Settings(hotkey="ctrl+alt+space", panel_side="auto", theme="system", roles=("support",),
                 preferred_mode="wizard", autostart=True)


@pytest.fixture
def dialog(qtbot: QtBot) -> SettingsDialog:
    widget = SettingsDialog(START)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_fields_show_the_current_settings(dialog: SettingsDialog) -> None:
    assert dialog.windowTitle() == "Wayguide settings"
    assert dialog.hotkey.text() == "ctrl+alt+space"
    assert dialog.side.currentData() == "auto"
    assert dialog.theme.currentData() == "system"
    assert dialog.roles.text() == "support"
    assert dialog.mode.currentData() == "wizard"
    assert dialog.autostart.isChecked()
    assert dialog.settings() == START
    for widget in (dialog.hotkey, dialog.side, dialog.theme, dialog.roles, dialog.mode, dialog.autostart):
        assert widget.accessibleName()


def test_edits_come_back_as_new_settings(dialog: SettingsDialog, qtbot: QtBot) -> None:
    dialog.hotkey.clear()
    qtbot.keyClicks(dialog.hotkey, "Ctrl+Shift+G")
    dialog.side.setCurrentIndex(dialog.side.findData("left"))
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.roles.setText(" support, Sales ,, SUPPORT ")
    dialog.mode.setCurrentIndex(dialog.mode.findData("black"))
    dialog.autostart.click()
    assert dialog.settings() == Settings(hotkey="ctrl+shift+g", panel_side="left", theme="dark",
                                         roles=("support", "Sales"), preferred_mode="black", autostart=False)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.roles, Qt.Key.Key_Return)


def test_a_bad_hotkey_is_explained_inline_and_blocks_ok(dialog: SettingsDialog, qtbot: QtBot) -> None:
    dialog.hotkey.clear()
    qtbot.keyClicks(dialog.hotkey, "ctrl+hyper+x")
    assert dialog.hotkey_error.isVisible()
    assert dialog.hotkey_error.text() == "'hyper' is not a modifier (use ctrl, alt, shift, super)."
    assert dialog.hotkey.accessibleDescription() == dialog.hotkey_error.text()
    assert not dialog.ok_button().isEnabled()
    dialog.accept()
    assert dialog.isVisible()  # refused
    assert dialog.settings().hotkey == "ctrl+alt+space"
    dialog.hotkey.setText("alt+f9")
    assert not dialog.hotkey_error.isVisible() and dialog.ok_button().isEnabled()


def test_locked_fields_are_disabled_and_kept(qtbot: QtBot) -> None:
    dialog = SettingsDialog(START, locked={"hotkey", "roles"})
    qtbot.addWidget(dialog)
    assert not dialog.hotkey.isEnabled() and not dialog.roles.isEnabled()
    assert dialog.hotkey.toolTip() == "Set by your administrator"
    assert dialog.roles.toolTip() == "Set by your administrator"
    assert dialog.theme.isEnabled()
    notes = {n.objectName(): n.text() for n in dialog.findChildren(QLabel)
             if n.objectName().startswith("locked-")}
    assert notes == {"locked-hotkey": "Set by your administrator",
                     "locked-roles": "Set by your administrator"}
    dialog.roles.setText("sales")  # as if it changed anyway: policy wins
    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    new = dialog.settings()
    assert new.roles == ("support",) and new.hotkey == START.hotkey and new.theme == "light"


@pytest.mark.parametrize(("text", "roles"), [
    ("", ()), (" , ,", ()), ("support", ("support",)), ("a, b,a ,B", ("a", "b")),
])
def test_parse_roles(text: str, roles: tuple[str, ...]) -> None:
    assert parse_roles(text) == roles


def test_screenshots(themed: QApplication, qtbot: QtBot) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        theme.apply_theme(themed, scheme)
        dialog = SettingsDialog(START, locked={"autostart"})
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.hotkey.setText("ctrl+hyper+x")
        assert dialog.hotkey_error.isVisible() and dialog.height() >= dialog.minimumHeight()
        assert dialog.grab().save(str(ARTIFACTS / f"settings-dialog-{scheme}.png"))
        dialog.hide()


def test_keyboard_hotkey_must_differ_from_the_hotkey(themed: QApplication, qtbot: QtBot) -> None:
    dialog = SettingsDialog(START)
    qtbot.addWidget(dialog)
    dialog.keyboard_hotkey.setText(START.hotkey.upper())
    assert dialog.keyboard_hotkey_error.text() == "Choose a combo other than the hotkey."
    assert not dialog.ok_button().isEnabled()
    dialog.keyboard_hotkey.setText("Super+K")
    assert dialog.ok_button().isEnabled() and dialog.keyboard_hotkey_error.text() == ""
    assert dialog.settings().keyboard_hotkey == "super+k"


def test_the_language_is_picked_and_a_regional_one_from_the_policy_is_kept(qtbot: QtBot) -> None:
    dialog = SettingsDialog(START.replace(language="nl_BE"))
    qtbot.addWidget(dialog)
    assert dialog.language.currentText() == "nl_BE" and dialog.settings().language == "nl_BE"
    dialog.language.setCurrentIndex(dialog.language.findData("de"))
    assert dialog.settings().language == "de"
