"""The wizard library: layered folders, overrides by id (reported), reload of changed files."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.cache import ResultCache
from app.diagnostics import Diagnostic
from app.loader import LoadResult, load_file
from app.model import Wizard
from app.paths import Paths

__all__ = ["Entry", "Layer", "Library"]

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Layer:
    """A place wizards come from; later layers override earlier ones by id."""

    name: str
    path: Path


@dataclass(frozen=True)
class Entry:
    wizard: Wizard
    path: Path
    layer: str
    revision: str

    @property
    def id(self) -> str:
        return self.wizard.id


def default_layers(paths: Paths, policy_folders: Sequence[Path] = ()) -> list[Layer]:
    """Bundled → system-wide → policy folders → the person's own → WAYGUIDE_WIZARDS."""
    layers = [Layer("bundled", paths.bundled_wizards), Layer("system", paths.system_wizards)]
    layers += [Layer("policy", p) for p in policy_folders]
    layers.append(Layer("user", paths.user_wizards))
    layers += [Layer("WAYGUIDE_WIZARDS", p) for p in paths.extra_wizards]
    return layers


Signature = tuple[int, int, int]


@dataclass
class _File:
    signature: Signature
    result: LoadResult
    layer: int
    entry: Entry | None = None


class Library:
    def __init__(self, layers: Sequence[Layer], cache: ResultCache | None = None) -> None:
        self.layers = list(layers)
        self.cache = cache
        self._files: dict[str, _File] = {}
        self._entries: dict[str, Entry] = {}
        self._notes: list[Diagnostic] = []

    @classmethod
    def from_paths(cls, paths: Paths, policy_folders: Sequence[Path] = ()) -> Library:
        library = cls(default_layers(paths, policy_folders),
                      ResultCache(paths.cache_dir / "library.json"))
        library.refresh()
        return library

    # ------------------------------------------------------------- loading

    def refresh(self) -> list[Path]:
        """Load new and changed files, forget removed ones; return the paths that changed."""
        found: dict[str, tuple[Signature, int]] = {}
        for index, layer in enumerate(self.layers):
            for path, signature in _scan(layer.path):
                found.setdefault(path, (signature, index))
        changed = [p for p in self._files if p not in found]
        for path in changed:
            del self._files[path]
        with _no_gc_pauses():
            for path, (signature, index) in found.items():
                known = self._files.get(path)
                if known is None or known.signature != signature or known.layer != index:
                    self._files[path] = _File(signature, load_file(Path(path), cache=self.cache), index)
                    changed.append(path)
        if changed:
            self._combine()
            if self.cache is not None:
                self.cache.save()
        return [Path(p) for p in changed]

    def reload(self, paths: Iterable[Path]) -> list[Path]:
        """Reload the named files only (what a file watcher reports); folders mean a full refresh."""
        changed: list[str] = []
        for given in paths:
            path = str(given)
            index = self._layer_of(given)
            if index is None or os.path.isdir(path):
                return self.refresh()
            try:
                st = os.stat(path)
            except OSError:
                if self._files.pop(path, None) is not None:
                    changed.append(path)
                continue
            signature = (st.st_mtime_ns, st.st_size, st.st_ino)
            known = self._files.get(path)
            if known is None or known.signature != signature:
                self._files[path] = _File(signature, load_file(given, cache=self.cache), index)
                changed.append(path)
        if changed:
            self._combine()
        return [Path(p) for p in changed]

    def _layer_of(self, path: Path) -> int | None:
        """The first layer holding this path, as refresh() decides."""
        for index, layer in enumerate(self.layers):
            if path == layer.path or layer.path in path.parents:
                return index
        return None

    def watched_paths(self) -> list[Path]:
        """The folders and files a watcher should follow (existing layer folders and their files)."""
        folders = {layer.path for layer in self.layers if layer.path.is_dir()}
        folders |= {Path(p).parent for p in self._files}
        return sorted(folders) + [Path(p) for p in self._files]

    def _combine(self) -> None:
        entries: dict[str, Entry] = {}
        layer_of: dict[str, int] = {}
        notes: list[Diagnostic] = []
        ordered = sorted(self._files.items(), key=lambda item: (item[1].layer, item[0]))
        for path, file in ordered:
            result, index = file.result, file.layer
            if result.wizard is None:
                continue
            if file.entry is None:
                file.entry = Entry(result.wizard, result.path, self.layers[index].name,
                                   result.revision)
            entry = file.entry
            before = entries.get(entry.id)
            line, col = result.id_position
            if before is not None and layer_of[entry.id] == index:
                notes.append(Diagnostic(str(path), line, col, "error",
                                        f"duplicate wizard id '{entry.id}'",
                                        f"also in {before.path}; this file is ignored"))
                continue
            if before is not None:
                notes.append(Diagnostic(str(path), line, col, "note",
                                        f"'{entry.id}' overrides the {before.layer} wizard",
                                        str(before.path)))
            entries[entry.id] = entry
            layer_of[entry.id] = index
        self._entries = entries
        self._notes = notes

    # ------------------------------------------------------------- queries

    def __iter__(self) -> Iterator[Entry]:
        return iter(sorted(self._entries.values(), key=lambda e: (e.wizard.title.lower(), e.id)))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, wizard_id: str) -> Entry | None:
        return self._entries.get(wizard_id)

    def ids(self) -> list[str]:
        return sorted(self._entries)

    def results(self) -> list[LoadResult]:
        return [file.result for file in self._files.values()]

    def diagnostics(self) -> list[Diagnostic]:
        """Every problem in every file, and the overrides between layers."""
        items = [d for file in self._files.values() for d in file.result.diagnostics]
        return sorted(items + self._notes, key=lambda d: (d.path, d.line, d.col))


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Loading makes many acyclic objects; the cyclic collector would rescan the growing library
    over and over (3-4x the loading time) while finding nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _scan(root: Path) -> Iterator[tuple[str, Signature]]:
    """Wizard files under a folder (recursively, hidden ones skipped), or a single file."""
    try:
        st = os.stat(root)
    except OSError:
        return
    if not os.path.isdir(root):
        yield str(root), (st.st_mtime_ns, st.st_size, st.st_ino)
        return
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for item in items:
            if item.name.startswith("."):
                continue
            if item.is_dir():
                stack.append(item.path)
            elif item.name.endswith(SUFFIXES):
                try:
                    s = item.stat()
                except OSError:
                    continue
                yield item.path, (s.st_mtime_ns, s.st_size, s.st_ino)
