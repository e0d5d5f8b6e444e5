"""Results of checking wizard files, kept by content digest so unchanged files are not parsed again."""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import __version__
from app.format.cards import Card
from app.format.diagnostics import Diagnostic
from app.format.files import read_regular, write_atomic
from app.format.results import LoadResult, Recheck

if TYPE_CHECKING:
    from app.format.model import Wizard

__all__ = ["ResultCache"]

_LARGEST = 1024 * 1024
"""Larger files are never in the cache: the loader refuses them before it is asked."""
_SOURCES = (
    "format/model.py", "format/loader.py", "format/templating.py", "format/source.py", "format/files.py",
    "format/diagnostics.py", "format/cache.py", "format/results.py", "format/combo.py", "format/bounds.py",
    "format/shell.py", "format/cards.py", "format/matching.py", "format/interval.py", "format/fields.py",
    "format/quiz.py", "format/languages.py")


def code_key(sources: tuple[str, ...] = _SOURCES) -> str:
    """Changes whenever the code that checks wizards (or the named modules of app/) changes, so
    stale results are never used."""
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent.parent  # app/
    for name in sources:
        with contextlib.suppress(OSError):  # a frozen build keeps no sources: its version is the key
            digest.update((here / name).read_bytes())
    return digest.hexdigest()


class ResultCache:
    """A JSON file of {file digest: checked result}. Missing, stale or corrupt files are ignored."""

    def __init__(self, path: Path | None, recheck: Recheck) -> None:
        """`recheck` checks a file again when its stored model no longer validates (the loader's
        `wizard_in`, passed in: the loader uses this cache)."""
        self.path = path
        self._recheck = recheck
        self.key = code_key()
        self._entries: dict[str, dict[str, Any]] = {}
        self._used: set[str] = set()
        self._dirty = False
        if path is not None:
            self._read(path)

    def _read(self, path: Path) -> None:
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("key") == self.key and isinstance(
                data.get("entries"), dict):
            self._entries = data["entries"]

    def find(self, path: Path) -> LoadResult | None:
        """The stored result for the file's current bytes, without parsing it; None on a miss."""
        if not self._entries:
            return None
        try:
            raw = read_regular(path, _LARGEST)
            if len(raw) > _LARGEST:
                return None
        except OSError:
            return None  # the loader says what is wrong with it
        return self.get(hashlib.sha256(raw).hexdigest(), path, str(path))

    def get(self, digest: str, path: Path, name: str) -> LoadResult | None:
        """The stored result; its wizard is validated from the stored JSON when first used."""
        entry = self._entries.get(digest)
        if entry is None:
            return None
        try:
            diagnostics = tuple(Diagnostic(name, line, col, severity, message, hint)
                                for line, col, severity, message, hint in entry["diagnostics"])
            line, col = entry["id_position"]
            if entry["wizard"] is None:
                result = LoadResult(path, None, diagnostics, entry["revision"], (line, col))
            elif isinstance(entry["wizard"], dict):
                result = LoadResult.cached(path, Card.from_json(entry["card"]), entry["wizard"],
                                           diagnostics, entry["revision"], (line, col), self._recheck)
            else:
                return None
        except (KeyError, TypeError, ValueError):
            return None
        self._used.add(digest)
        return result

    def put(self, digest: str, result: LoadResult) -> None:
        wizard: Wizard | None = result.wizard
        self._entries[digest] = {
            "wizard": wizard.model_dump(mode="json", by_alias=True, exclude_unset=True)
            if wizard is not None else None,
            "card": result.card.to_json() if result.card is not None else None,
            "diagnostics": [[d.line, d.col, d.severity, d.message, d.hint]
                            for d in result.diagnostics],
            "revision": result.revision,
            "id_position": list(result.id_position),
        }
        self._used.add(digest)
        self._dirty = True

    def save(self) -> None:
        """Write the entries used since the cache was opened (others are dropped), atomically."""
        if self.path is None or not (self._dirty or self._used != set(self._entries)):
            return
        entries = {d: e for d, e in self._entries.items() if d in self._used}
        try:
            write_atomic(self.path, json.dumps({"key": self.key, "entries": entries}, ensure_ascii=False),
                         durable=False)
        except OSError:
            return  # a cache that cannot be written only costs time
        self._entries = entries
        self._dirty = False
