"""Wayguide's one translation system: gettext catalogues resources/locale/<lang>/LC_MESSAGES/wayguide.mo
(made from .po files with Babel: scripts/extract-messages) for everything a person reads. The core and
the report translate through a `gettext.NullTranslations` they are handed; the Qt surfaces call `tr()`,
which a translator installed at start (overlays/translator.py) answers from the same catalogue.

The language is the person's setting, else the admin policy's default, else the system locale
(LANGUAGE, LC_ALL, LC_MESSAGES, LANG); English, the language the texts are written in, when no
catalogue fits."""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from app.phrase import Phrase, said

__all__ = ["AVAILABLE", "DOMAIN", "ENGLISH", "NCS_", "N_", "PSEUDO", "Phrase", "PseudoTranslations",
           "language", "language_name", "languages", "load", "locale_dir", "pseudo", "said", "tag"]

DOMAIN = "wayguide"
AVAILABLE: tuple[str, ...] = ("en", "nl", "de")
"""The languages Wayguide speaks (a catalogue each, English being the texts as written)."""


ENGLISH = gettext.NullTranslations()
"""The texts as written: what a caller that was handed no catalogue says."""


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


def NCS_(context: str, *messages: str) -> tuple[str, ...]:
    """Marks messages that share a context (pgettext's: "text" the role is not "text" the word) for
    extraction; each is translated where it is shown, with `tr.pgettext(context, message)`."""
    return messages


def locale_dir() -> Path:
    from app.paths import bundled_dir

    return bundled_dir("resources") / "locale"


def load(localedir: Path | None = None,
         languages: Sequence[str] | None = None) -> gettext.NullTranslations:
    """The catalogue for `languages` (default: the person's locale), or English (NullTranslations);
    PSEUDO first: the pseudo-language that shows where a longer, accented language would not fit."""
    if languages and languages[0] == PSEUDO:
        return PseudoTranslations()
    return gettext.translation(DOMAIN, localedir or locale_dir(),
                               list(languages) if languages is not None else None, fallback=True)


def language(translations: gettext.NullTranslations) -> str:
    """The BCP 47 tag of the catalogue's language (its "Language:" header), "en" for none."""
    if isinstance(translations, PseudoTranslations):
        return "en"
    tag = translations.info().get("language", "").strip()
    return tag.replace("_", "-") if tag else "en"


def languages(setting: str = "system", env: Mapping[str, str] | None = None) -> list[str]:
    """The languages to look for, best first: the person's `setting` ("nl", "de_AT"; "system" follows
    the environment as gettext does), each followed by its base language ("de_AT" then "de")."""
    if setting and setting != "system":
        wanted = [setting]
    else:
        source = os.environ if env is None else env
        wanted = []
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            value = source.get(name, "")
            if value:
                wanted = [v for v in value.split(":") if v]
                break
    out: list[str] = []
    for tag in wanted:
        base = tag.split(".")[0].split("@")[0].replace("-", "_")
        if base in ("C", "POSIX"):
            continue
        for candidate in (base, base.split("_")[0]):
            if candidate and candidate not in out:
                out.append(candidate)
    return out


PSEUDO = "qps"
"""The pseudo-language (Qt's name for it): every text accented and a good third longer, placeholders kept."""
_ACCENTED = str.maketrans("aceinouyACEINOUY", "àçéîñöûÿÀÇÉÎÑÖÛŸ")
_KEEP = re.compile(r"%\d|%n|%\([a-z_]+\)[sd]|\{[a-z_]+\}|<[^>]*>|&[a-z]+;|&(?=\w)|\\t|\t")


def pseudo(text: str) -> str:
    """`text` as the pseudo-language says it: "[Séàrçh tàsks… ~~~~]" (placeholders, tags, mnemonics kept)."""
    if not text:
        return text
    parts = _KEEP.split(text)
    kept = _KEEP.findall(text)
    out = parts[0].translate(_ACCENTED)
    for mark, part in zip(kept, parts[1:], strict=True):
        out += mark + part.translate(_ACCENTED)
    return "[" + out + " " + "~" * max(2, len(text) * 2 // 5) + "]"


class PseudoTranslations(gettext.NullTranslations):
    """Every message in the pseudo-language: a run shows what is not translated (plain English) and where
    a longer language is cut off."""

    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo(message)


def tag(text: str) -> str:
    """A language tag as locales write it: "nl-be" → "nl_BE", "DE" → "de"."""
    language, _, region = text.replace("-", "_").partition("_")
    return language.lower() + ("_" + region.upper() if region else "")


def language_name(tag: str, speaking: str = "en") -> str:
    """The name of language `tag` ("nl", "nl_BE") in the language `speaking`: "Dutch", "Nederlands",
    "Niederländisch (Belgien)"; the tag itself where Babel knows neither."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(tag.replace("-", "_")).get_display_name(speaking.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return tag
