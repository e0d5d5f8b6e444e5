"""Preferences: the administrator's policy and the person's settings (read at start-up, changed in
Settings and the tray's mode menu, saved), the theme, and start at login."""

from __future__ import annotations

import gettext
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTranslator, Signal
from PySide6.QtWidgets import QApplication

from app.paths import Paths

if TYPE_CHECKING:
    from app.policy.admin import Policy
    from app.policy.settings import Settings
    from app.ports import Autostart
    from overlays.tray import Tray

__all__ = ["Preferences"]

log = logging.getLogger(__name__)


class Preferences(QObject):
    """`policy` and `settings` are None until loaded (each has a safe stand-in where it cannot be).
    `autostart` is where "start at login" is switched (default: this OS's, app/platform/autostart.py)."""

    applied = Signal(object, object)
    """(old, new) Settings, once a change was saved and applied to the tray and the theme."""

    def __init__(self, app: QApplication, paths: Paths, tray: Tray, autostart: Autostart | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._paths = paths
        self._tray = tray
        self._autostart = autostart
        self.policy: Policy | None = None
        """The administrator's policy (app/policy/admin.py), read once at start-up."""
        self.settings: Settings | None = None
        self.translations: gettext.NullTranslations = gettext.NullTranslations()
        """The catalogue of the language in use (app/i18n.py): English until the settings are read."""
        self.language = "en"
        self.wanted: list[str] = ["en"]
        """The person's languages, best first ("nl_BE", "nl"): what wizards' texts are shown in."""
        self._translators: list[QTranslator] = []

    def load_policy(self) -> None:
        from app.policy.loading import policy_in_force

        self.policy, problems = policy_in_force(self._paths)
        for problem in problems:
            log.warning("%s", problem)

    def glass_box_only(self) -> None:
        """The stand-in where the policy could not be read."""
        from app.i18n import N_, Phrase
        from app.policy.admin import Policy, Trust

        self.policy = Policy(modes=("glass",), trust=Trust(automation="signed"),
                             origin=Phrase(N_("the policy could not be read: glass box only")))

    def load_settings(self) -> None:
        from app.policy.settings import load_settings

        assert self.policy is not None
        settings, problems = load_settings(self._paths.config_dir)
        for problem in problems:
            log.warning("%s", problem)
        self.settings = self.policy.apply(settings)
        self.apply_language()

    def defaults(self) -> None:
        """The stand-in where the settings could not be read."""
        from app.policy.settings import Settings

        self.settings = self.policy.apply(Settings()) if self.policy is not None else Settings()
        self.apply_language()

    def apply_language(self) -> None:
        """Speak the person's language (their setting; the policy's default; the system's): the catalogue
        for the core's messages, the translator for Qt's tr(), and the tray menu worded again."""
        from app.i18n import language, languages, load
        from overlays.translator import install

        assert self.settings is not None
        self.wanted = languages(self.settings.language) or ["en"]
        self.translations = load(languages=self.wanted)
        self.language = language(self.translations).split("-")[0]
        self._translators = install(self._app, self.translations, self.language, self._translators)
        self._tray.retranslate()

    def set_up_tray(self) -> None:
        assert self.settings is not None and self.policy is not None
        self._tray.set_hotkey(self.settings.hotkey)
        self._tray.set_mode(self.settings.preferred_mode)
        self._tray.allow_modes(self.policy.modes, "preferred_mode" in self.policy.locked)

    def apply_theme(self) -> None:
        from overlays.theme import apply_theme

        assert self.settings is not None
        apply_theme(self._app, self.settings.theme)

    def change_mode(self, mode: str) -> None:
        """The preferred mode picked in the tray menu."""
        if self.settings is not None:
            self.apply(self.settings.replace(preferred_mode=mode))

    def edit(self) -> None:
        """The Settings dialog; what the person accepts is applied."""
        from overlays.settings_dialog import SettingsDialog

        assert self.settings is not None and self.policy is not None
        self.settings = self.settings.replace(autostart=self.starts_at_login())
        dialog = SettingsDialog(self.settings, locked=self.policy.locked)
        if dialog.exec():
            self.apply(dialog.settings())

    def apply(self, new: Settings) -> None:
        """Save `new` (what the policy locks stays as it says) and apply it; then `applied`."""
        from app.policy.settings import save_settings
        from overlays.theme import apply_theme

        assert self.settings is not None and self.policy is not None
        new = self.policy.apply(new)
        old, self.settings = self.settings, new
        save_settings(self._paths.config_dir, new)
        if new.autostart != old.autostart:
            self._switch_autostart(new.autostart)
        self._tray.set_mode(new.preferred_mode)
        self._tray.set_hotkey(new.hotkey)
        if new.theme != old.theme:
            apply_theme(self._app, new.theme)
        if new.language != old.language:
            self.apply_language()
        self.applied.emit(old, new)

    def starts_at_login(self) -> bool:
        """What the login really does (the installed entry, the person's override), shown in Settings."""
        assert self.settings is not None
        try:
            return self._backend().enabled()
        except OSError:
            return self.settings.autostart

    def _backend(self) -> Autostart:
        if self._autostart is None:
            from app.platform.autostart import autostart

            self._autostart = autostart()
        return self._autostart

    def _switch_autostart(self, on: bool) -> None:
        try:
            self._backend().set_enabled(on)
        except OSError as exc:
            log.warning("wayguide: warning: cannot switch start at login %s: %s", "on" if on else "off",
                        exc.strerror or exc)
