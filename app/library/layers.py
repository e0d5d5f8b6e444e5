"""The wizard library: layered folders, overrides by id (reported), reload of changed files."""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from app.format.cache import ResultCache
from app.format.cards import Card
from app.format.diagnostics import Diagnostic, quote
from app.format.files import kind_of, walk_named
from app.format.results import LoadResult
from app.i18n import N_, Phrase
from app.paths import Paths

if TYPE_CHECKING:
    from app.format.model import Wizard

__all__ = ["ADMIN_LAYERS", "EXAMPLES", "LOCKED_OUT", "PERSONAL_LAYERS", "Entry", "Layer", "Library",
           "Sources", "Trust", "Verifier"]

SUFFIXES = (".yaml", ".yml")
EXAMPLES = N_("bundled")
"""The layer of the example wizards that come with Wayguide: demo content, shown marked as examples."""
ADMIN_LAYERS = (N_("system"), N_("policy"))
"""The company's layers: folders only the administrator writes (HTTPS sources will join them)."""
PERSONAL_LAYERS = (N_("user"), "WAYGUIDE_WIZARDS")
"""The layers a person writes wizards in (their names marked for `wayguide doctor` to say them)."""

LOCKED_OUT = "wins (your administrator locked the library)"
"""The end of the warning for a personal wizard not used because a company one has its id."""

Trust = Literal["unsigned", "admin", "signed"]
"""How far a wizard is trusted to automate (the policy's trust.automation decides what that allows):
signed, its folder verifies with a key the policy trusts; admin, it lies in the company's layers;
unsigned, anything else (the bundled examples, the person's own wizards)."""


class Sources(Protocol):
    """What the policy says of the library (app.policy.admin.Sources)."""

    @property
    def folders(self) -> tuple[Path, ...]: ...
    @property
    def examples(self) -> bool: ...
    @property
    def personal(self) -> bool: ...
    @property
    def locked(self) -> bool: ...


class Verifier(Protocol):
    """Whether a wizard file lies in a folder whose signed manifest verifies, with a trusted key, and
    lists these very bytes (app.library.signing.FolderTrust; without one nothing is signed)."""

    def begin(self, folders: Sequence[Path]) -> None:
        """The library is about to ask about its files: look at these folders (its layers) now."""
        ...

    def signed(self, path: Path) -> bool: ...

    def doubt(self, path: Path) -> str:
        """Why a file in a signed folder is not trusted ("was changed after its publisher signed it"), or
        "" when there is nothing to doubt."""
        ...

    @property
    def trust_files(self) -> Sequence[str]:
        """The names of the files in a layer's folder its verdicts rest on (the manifest and its
        signature): when one of them changes, the layer's wizards are judged again."""
        ...


@dataclass(frozen=True)
class Layer:
    """A place wizards come from; later layers override earlier ones by id."""

    name: str
    path: Path


@dataclass(frozen=True)
class Entry:
    """A wizard in the library. `card` is what lists and search need; `wizard`, the full model, is
    validated from the cache on first use (when a run starts)."""

    result: LoadResult
    card: Card
    layer: str
    trust: Trust = "unsigned"

    @property
    def id(self) -> str:
        return self.card.id

    @property
    def path(self) -> Path:
        return self.result.path

    @property
    def example(self) -> bool:
        """One of the examples that come with Wayguide (a company or personal wizard of the same id
        overrides it, and is not one)."""
        return self.layer == EXAMPLES

    @property
    def revision(self) -> str:
        return self.result.revision

    @property
    def wizard(self) -> Wizard:
        wizard = self.result.wizard
        assert wizard is not None, "an entry is made only from a file without errors"
        return wizard


def default_layers(paths: Paths, policy_folders: Sequence[Path] = (), examples: bool = True,
                   personal: bool = True) -> list[Layer]:
    """Bundled (unless `examples` is off) → system-wide → policy folders → the person's own →
    WAYGUIDE_WIZARDS (those two unless `personal` is off)."""
    layers = [Layer(EXAMPLES, paths.bundled_wizards)] if examples else []
    layers.append(Layer("system", paths.system_wizards))
    layers += [Layer("policy", p) for p in policy_folders]
    if personal:
        layers.append(Layer("user", paths.user_wizards))
        layers += [Layer("WAYGUIDE_WIZARDS", p) for p in paths.extra_wizards]
    return layers


Signature = tuple[int, int, int]
Mark = tuple[int, int, int, int] | None
"""A trust file's (mtime, ctime, size, inode), or None where there is none."""


@dataclass
class _File:
    signature: Signature
    result: LoadResult
    layer: int
    entry: Entry | None = None


class Library:
    def __init__(self, layers: Sequence[Layer], cache: ResultCache | None = None, locked: bool = False,
                 verifier: Verifier | None = None) -> None:
        self.layers = list(layers)
        self.cache = cache
        self.locked = locked
        """The company's layers win over personal ones for the same id (the policy's library.locked)."""
        self.verifier = verifier
        self._files: dict[str, _File] = {}
        self._entries: dict[str, Entry] = {}
        self._notes: list[Diagnostic] = []
        self._skipped: list[Diagnostic] = []
        """Wizard-named paths that are no regular files (FIFOs, devices, symlink loops)."""
        self._marks: dict[int, tuple[Mark, ...]] = {}
        """Each layer's trust files as last seen (with a verifier): a signature added to or replaced in an
        unchanged folder changes the trust of its wizards."""

    @classmethod
    def from_paths(cls, paths: Paths, policy_folders: Sequence[Path] = ()) -> Library:
        library = cls(default_layers(paths, policy_folders),
                      ResultCache(paths.cache_dir / "library.json", recheck=_recheck))
        library.refresh()
        return library

    @classmethod
    def for_policy(cls, paths: Paths, sources: Sources, verifier: Verifier | None = None) -> Library:
        """The library as the policy's `library` section says: its folders, the examples and the
        personal layers only where allowed, the company's layers winning where it locks them."""
        library = cls(default_layers(paths, sources.folders, sources.examples, sources.personal),
                      ResultCache(paths.cache_dir / "library.json", recheck=_recheck), sources.locked,
                      verifier)
        library.refresh()
        return library

    # ------------------------------------------------------------- loading

    def refresh(self) -> list[Path]:
        """Load new and changed files, forget removed ones; return the paths that changed."""
        found: dict[str, tuple[Signature, int]] = {}
        skipped: dict[str, Skipped] = {}
        for index, layer in enumerate(self.layers):
            for path, signature in _scan(layer.path):
                if isinstance(signature, str):
                    skipped.setdefault(path, signature)
                else:
                    found.setdefault(path, (signature, index))
        self._skipped = [Diagnostic(path, 1, 1, "error", why, "a wizard is a regular file"
                                    if why.startswith("not a regular file") else None)
                         for path, why in sorted(skipped.items()) if path not in found]
        changed = [p for p in self._files if p not in found]
        for path in changed:
            del self._files[path]
        with _no_gc_pauses():
            for path, (signature, index) in found.items():
                known = self._files.get(path)
                if known is None or known.signature != signature or known.layer != index:
                    self._files[path] = _File(signature, _checked(Path(path), self.cache), index)
                    changed.append(path)
        changed += self._resigned(set(changed))
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
            if index is None or os.path.isdir(path) or self._is_trust_file(given, index):
                return self.refresh()
            try:
                st = os.stat(path)
            except (OSError, ValueError):
                st = None
            if st is None or not stat.S_ISREG(st.st_mode):  # gone, or no longer a regular file
                if self._files.pop(path, None) is not None:
                    changed.append(path)
                if st is not None:
                    return self.refresh()
                continue
            signature = (st.st_mtime_ns, st.st_size, st.st_ino)
            known = self._files.get(path)
            if known is None or known.signature != signature:
                self._files[path] = _File(signature, _checked(given, self.cache), index)
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

    def _is_trust_file(self, path: Path, index: int) -> bool:
        return self.verifier is not None and path.parent == self.layers[index].path \
            and path.name in self.verifier.trust_files

    def _resigned(self, known: set[str]) -> list[str]:
        """The files (besides the `known` changed ones) of the layers whose trust files changed since the
        last look: their trust is judged again."""
        if self.verifier is None:
            return []
        names = tuple(self.verifier.trust_files)
        marks = {index: tuple(_mark(layer.path / name) for name in names)
                 for index, layer in enumerate(self.layers)}
        resigned = {index for index, mark in marks.items() if self._marks.get(index, mark) != mark}
        self._marks = marks
        found = []
        for path, file in self._files.items():
            if file.layer in resigned and path not in known:
                file.entry = None
                found.append(path)
        return found

    def watched_paths(self) -> list[Path]:
        """The folders and files a watcher should follow (existing layer folders and their files, and the
        trust files the verifier reads there: a signature rewritten in place is seen)."""
        folders = {layer.path for layer in self.layers if os.path.isdir(layer.path)}  # never raises
        folders |= {Path(p).parent for p in self._files}
        names = self.verifier.trust_files if self.verifier is not None else ()
        trust = sorted({layer.path / name for layer in self.layers for name in names
                        if os.path.isfile(layer.path / name)})
        return sorted(folders) + [Path(p) for p in self._files] + trust

    def _combine(self) -> None:
        if self.verifier is not None:
            self.verifier.begin([layer.path for layer in self.layers])
        entries: dict[str, Entry] = {}
        layer_of: dict[str, int] = {}
        notes: list[Diagnostic] = []
        ordered = sorted(self._files.items(), key=lambda item: (item[1].layer, item[0]))
        for path, file in ordered:
            result, index = file.result, file.layer
            if result.card is None:
                continue
            if file.entry is None:
                name = self.layers[index].name
                file.entry = Entry(result, result.card, name, self._trust(Path(path), name))
            entry = file.entry
            before = entries.get(entry.id)
            line, col = result.id_position
            if before is not None and layer_of[entry.id] == index:
                notes.append(Diagnostic(str(path), line, col, "error",
                                        f"duplicate wizard id '{entry.id}'",
                                        f"also in {before.path}; this file is ignored"))
                continue
            if before is not None and self.locked and before.layer in ADMIN_LAYERS \
                    and entry.layer not in ADMIN_LAYERS:
                notes.append(Diagnostic(str(path), line, col, "warning",
                                        f"'{entry.id}' is not used: the {before.layer} wizard of that id "
                                        + LOCKED_OUT, str(before.path)))
                continue
            if before is not None:
                notes.append(Diagnostic(str(path), line, col, "note",
                                        f"'{entry.id}' overrides the {before.layer} wizard",
                                        str(before.path)))
            entries[entry.id] = entry
            layer_of[entry.id] = index
        self._entries = entries
        self._notes = notes

    def _trust(self, path: Path, layer: str) -> Trust:
        if self.verifier is not None and self.verifier.signed(path):
            return "signed"
        return "admin" if layer in ADMIN_LAYERS else "unsigned"

    def doubt(self, path: Path) -> str:
        """Why a wizard file in a signed folder lost its signature's trust ("was changed after its publisher
        signed it"), or "" (see FolderTrust.doubt)."""
        return self.verifier.doubt(Path(os.path.realpath(path))) if self.verifier is not None else ""

    def trust_of(self, path: Path) -> Trust:
        """The trust of a wizard file (one of the library's, or given by path): by the layer it really
        lies in (symlinks and '..' resolved) and its signature."""
        entry = next((e for e in self._entries.values() if e.path == path), None)
        if entry is not None:
            return entry.trust
        real = Path(os.path.realpath(path))
        layer = next((layer.name for layer in self.layers
                      if real.is_relative_to(os.path.realpath(layer.path))), "")
        return self._trust(real, layer)

    # ------------------------------------------------------------- queries

    def __iter__(self) -> Iterator[Entry]:
        return iter(sorted(self._entries.values(), key=lambda e: (e.card.title.lower(), e.id)))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, wizard_id: str) -> Entry | None:
        return self._entries.get(wizard_id)

    def ids(self) -> list[str]:
        return sorted(self._entries)

    def unknown(self, wizard_id: str) -> Phrase:
        """What to say of an id this library lacks, one line: the closest id, or where ids are listed."""
        import difflib

        close = difflib.get_close_matches(wizard_id, self.ids(), n=1)
        hint = Phrase(N_("did you mean '{id}'?"), id=close[0]) if close else Phrase(N_("see: wayguide list"))
        return Phrase(N_("no wizard with id {id} ({hint})"), id=quote(wizard_id, 80), hint=hint)

    def results(self) -> list[LoadResult]:
        return [file.result for file in self._files.values()]

    def diagnostics(self) -> list[Diagnostic]:
        """Every problem in every file, and the overrides between layers."""
        items = [d for file in self._files.values() for d in file.result.diagnostics]
        return sorted(items + self._notes + self._skipped, key=lambda d: (d.path, d.line, d.col))


def _checked(path: Path, cache: ResultCache | None) -> LoadResult:
    """A file's result: from the cache when these exact bytes were checked before (the model and
    the loader are not even imported then), else from the loader."""
    if cache is not None and (hit := cache.find(path)) is not None:
        return hit
    from app.format.loader import load_file

    return load_file(path, cache=cache)


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


Skipped = str
"""Why a wizard-named path was not read (it is no regular file, or cannot be looked at)."""


def _scan(root: Path) -> Iterator[tuple[str, Signature | Skipped]]:
    """Wizard files under a folder (recursively, hidden ones skipped), or a single file, with the
    signature of each regular file and, for a wizard-named path that is something else (a FIFO, a
    device, a symlink loop), why it is skipped. Never opens anything; follows symlinks to folders
    but visits each folder (device, inode) once, so symlink loops end."""
    try:
        st = os.stat(root)
    except FileNotFoundError:
        return
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the path
        yield str(root), f"cannot read: {getattr(exc, 'strerror', None) or exc}"
        return
    if not stat.S_ISDIR(st.st_mode):
        yield str(root), _signature(st) if stat.S_ISREG(st.st_mode) else _not_regular(st.st_mode)
        return
    for _relative, path, found in walk_named(root, SUFFIXES):
        if isinstance(found, OSError):
            yield path, f"cannot read: {found.strerror or found}"
        else:
            yield path, _signature(found) if stat.S_ISREG(found.st_mode) else _not_regular(found.st_mode)


def _mark(path: Path) -> Mark:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino


def _signature(st: os.stat_result) -> Signature:
    return st.st_mtime_ns, st.st_size, st.st_ino


def _not_regular(mode: int) -> Skipped:
    return f"not a regular file ({kind_of(mode)}): skipped"


def _recheck(path: Path) -> Wizard | None:
    """A cached wizard whose stored model no longer validates (its cache file was edited): the file
    itself, checked again."""
    from app.format.loader import wizard_in

    return wizard_in(path)
