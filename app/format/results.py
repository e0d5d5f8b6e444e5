"""What checking one wizard file gave: its problems, its card, and the full model when asked for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.format.cards import Card
from app.format.diagnostics import Diagnostic

if TYPE_CHECKING:
    from app.format.model import Wizard

__all__ = ["LoadResult", "Recheck"]

Recheck = Callable[[Path], "Wizard | None"]
"""Checks a wizard file again, from its bytes (the loader's `load_file(path).wizard`)."""


class LoadResult:
    """`wizard` is None when the file has errors. A result taken from the cache holds the model's
    JSON and validates it on first use of `wizard`: listing the library needs only `card`."""

    __slots__ = ("_dump", "_recheck", "_wizard", "card", "diagnostics", "id_position", "path", "revision")

    def __init__(self, path: Path, wizard: Wizard | None, diagnostics: tuple[Diagnostic, ...],
                 revision: str = "", id_position: tuple[int, int] = (1, 1)) -> None:
        self.path = path
        self.diagnostics = diagnostics
        self.revision = revision
        """The wizard's `version`, else a digest of the file: what usage data records."""
        self.id_position = id_position
        self.card = Card.of(wizard) if wizard is not None else None
        self._wizard = wizard
        self._dump: dict[str, Any] | None = None
        self._recheck: Recheck | None = None

    @classmethod
    def cached(cls, path: Path, card: Card, dump: dict[str, Any], diagnostics: tuple[Diagnostic, ...],
               revision: str, id_position: tuple[int, int], recheck: Recheck | None = None) -> LoadResult:
        """A result from the cache: `recheck` is asked for the wizard when the stored model no longer
        validates (a cache file edited by hand); without it that wizard counts as broken."""
        result = cls(path, None, diagnostics, revision, id_position)
        result.card, result._dump, result._recheck = card, dump, recheck
        return result

    @property
    def ok(self) -> bool:
        return self.card is not None

    @property
    def wizard(self) -> Wizard | None:
        if self._dump is not None:
            from pydantic import ValidationError

            from app.format.model import Wizard

            dump, self._dump = self._dump, None
            try:
                self._wizard = Wizard.model_validate(dump)
            except ValidationError:  # a cache file edited by hand: check the file itself again
                self._wizard = self._recheck(self.path) if self._recheck is not None else None
        return self._wizard

    def __repr__(self) -> str:
        return f"LoadResult({self.path!r}, {self.card and self.card.id!r}, {len(self.diagnostics)} problems)"
