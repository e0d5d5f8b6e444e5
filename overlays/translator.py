"""The Qt surfaces' side of the one translation system (app/i18n.py): `tr()` and
`QCoreApplication.translate()` are answered from the same gettext catalogue as everything else, and Qt's
own catalogue (qtbase_<lang>.qm) words the standard dialogs and the line edits' menus."""

from __future__ import annotations

import gettext

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

__all__ = ["GettextTranslator", "install"]


class GettextTranslator(QTranslator):
    """A QTranslator that looks texts up in a gettext catalogue. A text with `%n` (Qt's numerus form,
    `tr(text, "", n)`) is looked up as a plural entry, so the catalogue's plural rule picks the form."""

    def __init__(self, translations: gettext.NullTranslations, language: str) -> None:
        super().__init__()
        self._translations = translations
        self._language = language

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str:
        if not source:
            return None  # type: ignore[return-value]
        if n >= 0:
            found = self._translations.ngettext(source, source, n)
        else:
            found = self._translations.gettext(source)
        return found if found != source else None  # type: ignore[return-value]  # null: Qt keeps the source

    def isEmpty(self) -> bool:
        return False

    def language(self) -> str:
        return self._language


def install(app: QCoreApplication, translations: gettext.NullTranslations, language: str,
            previous: list[QTranslator]) -> list[QTranslator]:
    """Put `translations` (and Qt's own for `language`) in place of the translators in `previous`; the
    widgets get a LanguageChange event. The translators now installed (keep them: Qt does not)."""
    for old in previous:
        app.removeTranslator(old)
    installed: list[QTranslator] = [GettextTranslator(translations, language)]
    qt = QTranslator()
    if language != "en" and qt.load(QLocale(language), "qtbase", "_",
                                    QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        installed.append(qt)
    for translator in installed:
        app.installTranslator(translator)
    return installed
