"""The report's translations: stdlib gettext catalogues resources/locale/<lang>/LC_MESSAGES/wayguide.mo,
chosen by the person's locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG); English when none is found."""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from pathlib import Path

__all__ = ["DOMAIN", "N_", "language", "load", "locale_dir"]

DOMAIN = "wayguide"


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


def locale_dir() -> Path:
    from app.paths import bundled_dir

    return bundled_dir("resources") / "locale"


def load(localedir: Path | None = None,
         languages: Sequence[str] | None = None) -> gettext.NullTranslations:
    """The catalogue for `languages` (default: the person's locale), or English (NullTranslations)."""
    return gettext.translation(DOMAIN, localedir or locale_dir(),
                               list(languages) if languages is not None else None, fallback=True)


def language(translations: gettext.NullTranslations) -> str:
    """The BCP 47 tag of the catalogue's language (its "Language:" header), "en" for none."""
    tag = translations.info().get("language", "").strip()
    return tag.replace("_", "-") if tag else "en"
