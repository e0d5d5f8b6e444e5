"""What the tray, the panel's task list and search need of a wizard, without the full model.

A `Card` is a few strings per wizard. The library keeps one per file and builds the full pydantic
`Wizard` only when a run starts (or a command asks for it), so a tray app that is only waiting for
its hotkey does not hold the model, its validators and every step of every wizard in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from app.format.interval import parse_every
from app.format.matching import Pattern
from app.i18n import tag

if TYPE_CHECKING:
    from app.format.model import Wizard

__all__ = ["Card", "Listed", "WindowPattern"]


class Listed(Protocol):
    """What a wizard shows in lists and search: a `Card`, or the full `app.format.model.Wizard`."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def summary(self) -> str | None: ...

    @property
    def tags(self) -> Sequence[str]: ...

    @property
    def roles(self) -> Sequence[str] | None: ...

    @property
    def when(self) -> Sequence[Pattern] | None: ...

    @property
    def allowed_modes(self) -> tuple[str, ...]: ...

    @property
    def default_mode(self) -> str: ...


@dataclass(frozen=True, slots=True)
class WindowPattern:
    app: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    title: str
    summary: str | None
    tags: tuple[str, ...]
    roles: tuple[str, ...] | None
    when: tuple[WindowPattern, ...] | None
    allowed_modes: tuple[str, ...]
    nudge: float | None = None
    """The wizard's nudge in context: at most one per this many seconds (None: it names none)."""
    language: str = "en"
    """The language of title, summary and tags (the wizard's own, or the one `speaking` chose)."""
    texts: tuple[tuple[str, str | None, str | None, tuple[str, ...] | None], ...] = ()
    """Title, summary and tags in the wizard's other languages: (language, title, summary, tags), None
    where that language has none."""

    def speaking(self, wanted: Sequence[str]) -> Card:
        """The card in the first of the person's languages (`wanted`, best first) it has, text by text;
        search then finds the wizard by the words of that language."""
        chain = [tag(w) for w in wanted]
        if not self.texts or not chain or chain[0] == self.language:
            return self
        by_language = {t[0]: t for t in self.texts}
        before_own = chain[:chain.index(self.language)] if self.language in chain else chain
        found: list[str] = []

        def best(field: int, own: Any) -> Any:
            """The field in the first wanted language (before the wizard's own) that has it."""
            for language in before_own:
                text = by_language.get(language, (None,) * 4)[field]
                if text is not None:
                    found.append(language)
                    return text
            return own

        title, summary, tags = best(1, self.title), best(2, self.summary), tuple(best(3, self.tags))
        return replace(self, title=title, summary=summary, tags=tags,
                       language=found[0] if found else self.language, texts=())

    @property
    def default_mode(self) -> str:
        return self.allowed_modes[0]

    @classmethod
    def of(cls, wizard: Wizard) -> Card:
        return cls(
            wizard.id, wizard.title, wizard.summary, tuple(wizard.tags),
            tuple(wizard.roles) if wizard.roles is not None else None,
            tuple(WindowPattern(m.app, m.title) for m in wizard.when) if wizard.when is not None
            else None,
            wizard.allowed_modes,
            parse_every(wizard.nudge.every) if wizard.nudge is not None else None,
            tag(wizard.language),
            tuple((language, _text(t.get("title")), _text(t.get("summary")), _words(t.get("tags")))
                  for language, t in wizard.translations.items()
                  if any(k in t for k in ("title", "summary", "tags"))),
        )

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "summary": self.summary, "tags": list(self.tags),
                "roles": self.roles and list(self.roles),
                "when": None if self.when is None else [[m.app, m.title] for m in self.when],
                "modes": list(self.allowed_modes), "nudge": self.nudge, "language": self.language,
                "texts": [[language, title, summary, None if tags is None else list(tags)]
                          for language, title, summary, tags in self.texts]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Card:
        """Raises KeyError, TypeError or ValueError on data that is not a card."""
        when = data["when"]
        card = cls(
            str(data["id"]), str(data["title"]),
            None if data["summary"] is None else str(data["summary"]),
            tuple(str(t) for t in data["tags"]),
            None if data["roles"] is None else tuple(str(r) for r in data["roles"]),
            None if when is None else tuple(WindowPattern(app, title) for app, title in when),
            tuple(str(m) for m in data["modes"]),
            None if data.get("nudge") is None else float(data["nudge"]),
            str(data.get("language", "en")),
            tuple((str(language), _text(title), _text(summary), _words(tags))
                  for language, title, summary, tags in data.get("texts", ())),
        )
        if not card.allowed_modes:
            raise ValueError("a card needs a mode")
        return card


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _words(value: object) -> tuple[str, ...] | None:
    return None if not isinstance(value, list | tuple) else tuple(str(w) for w in value)
