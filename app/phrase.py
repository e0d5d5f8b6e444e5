"""A text made once in English and said again in the reader's language (app.i18n has the catalogues).
It sits below everything, app.ports included, so that the desktop's reasons (ProbeUnavailable) are
Phrases too."""

from __future__ import annotations

import gettext
from collections.abc import Mapping

__all__ = ["Phrase", "said"]


class Phrase(str):
    """A text made in English that can be said again in another language: it is the English text, and
    keeps its template (the msgid, marked with N_ where it is written) and named values, so that a
    message made once (a policy's origin, a source's state) is shown in whatever language the reader
    has by then. Values that can be said (a Phrase, app.ports.ProbeUnavailable) are said in that language
    too."""

    template: str
    plural: str | None
    number: int
    """The number that chooses the plural form (1 where there is none)."""
    values: Mapping[str, object]

    def __new__(cls, template: str, **values: object) -> Phrase:
        return cls._made(template, None, 1, values)

    @classmethod
    def counted(cls, singular: str, plural: str, count: int, **values: object) -> Phrase:
        """A phrase with a number in it ("{count} files changed"), said with the language's plural rules."""
        return cls._made(singular, plural, count, {**values, "count": count})

    @classmethod
    def _made(cls, template: str, plural: str | None, count: int, values: Mapping[str, object]) -> Phrase:
        english = plural if plural is not None and count != 1 else template
        made = super().__new__(cls, english.format(**values) if values else english)
        made.template, made.plural, made.number, made.values = template, plural, count, values
        return made

    def said(self, translations: gettext.NullTranslations) -> str:
        """The phrase in the language of `translations` (the English text where it has none)."""
        if not self.template:
            return ""  # gettext("") is the catalogue's header
        text = (translations.gettext(self.template) if self.plural is None
                else translations.ngettext(self.template, self.plural, self.number))
        if not self.values:
            return text
        values = {name: _said(value, translations) for name, value in self.values.items()}
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):  # a translation that names a value wrongly
            return str(self)


def said(text: object, translations: gettext.NullTranslations) -> str:
    """`text` in the language of `translations`: a Phrase (or app.ports.ProbeUnavailable) said again,
    anything else as it is written."""
    return str(_said(text, translations))


def _said(value: object, translations: gettext.NullTranslations) -> object:
    again = getattr(value, "said", None)
    return again(translations) if callable(again) else value
