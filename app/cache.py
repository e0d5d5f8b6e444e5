"""Results of checking wizard files, kept by content digest so unchanged files are not parsed again."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from app import __version__
from app.diagnostics import Diagnostic
from app.model import Wizard

if TYPE_CHECKING:
    from app.loader import LoadResult

__all__ = ["ResultCache"]

_SOURCES = ("model.py", "loader.py", "templating.py", "yamlsource.py", "cache.py")


def code_key() -> str:
    """Changes whenever the code that checks wizards changes, so stale results are never used."""
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        with contextlib.suppress(OSError):  # a frozen build keeps no sources: its version is the key
            digest.update((here / name).read_bytes())
    return digest.hexdigest()


class ResultCache:
    """A JSON file of {file digest: checked result}. Missing, stale or corrupt files are ignored."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
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

    def get(self, digest: str, path: Path, name: str) -> LoadResult | None:
        from app.loader import LoadResult

        entry = self._entries.get(digest)
        if entry is None:
            return None
        try:
            wizard = Wizard.model_validate(entry["wizard"]) if entry["wizard"] is not None else None
            diagnostics = tuple(Diagnostic(name, line, col, severity, message, hint)
                                for line, col, severity, message, hint in entry["diagnostics"])
            result = LoadResult(path, wizard, diagnostics, entry["revision"],
                                tuple(entry["id_position"]))
        except (KeyError, TypeError, ValueError, ValidationError):
            return None
        self._used.add(digest)
        return result

    def put(self, digest: str, result: LoadResult) -> None:
        wizard = result.wizard
        self._entries[digest] = {
            "wizard": wizard.model_dump(mode="json", by_alias=True, exclude_unset=True)
            if wizard is not None else None,
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
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".library-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                json.dump({"key": self.key, "entries": entries}, stream, ensure_ascii=False)
            os.replace(tmp, self.path)
        except OSError:
            return  # a cache that cannot be written only costs time
        self._entries = entries
        self._dirty = False
