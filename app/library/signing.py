"""Signed wizard folders: a manifest of the folder's wizard files (relative path and SHA-256) with its
detached ed25519 signature beside them, and the check of a folder against the publishers' keys.

A folder is hostile input until its signature says otherwise: the manifest is read with a size limit,
checked key by key (no absolute paths, no `..`, nothing hidden), a wizard-named FIFO or device is never
opened, symlink loops end; every problem is one line naming the file. The crypto is `cryptography`'s.

    wayguide-manifest.json   {"wayguide-manifest": 1, "created": "...Z", "key": "ed25519:BASE64",
                              "files": {"sub/letter.yaml": "<sha-256, hex>", ...}}
    wayguide-manifest.sig    the base64 of the 64-byte ed25519 signature of the manifest's bytes
"""

from __future__ import annotations

import base64
import binascii
import datetime
import enum
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.format.diagnostics import Diagnostic, quote
from app.format.files import kind_of, read_regular, regular_file_problem, walk_named, write_atomic
from app.format.source import MAX_BYTES
from app.i18n import N_, Phrase

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = [
    "KEY_PREFIX",
    "MANIFEST",
    "SIGNATURE",
    "Digests",
    "FileState",
    "FileVerdict",
    "FolderTrust",
    "Manifest",
    "ManifestError",
    "SigningError",
    "Verdict",
    "generate_key",
    "key_line",
    "load_private_key",
    "parse_key",
    "parse_manifest",
    "sign",
    "verifier_for",
    "verify",
]

MANIFEST = "wayguide-manifest.json"
SIGNATURE = "wayguide-manifest.sig"
FORMAT = 1
KEY_PREFIX = "ed25519:"
MANIFEST_LIMIT = 8 * 1024 * 1024
"""About 80,000 files' worth; a larger manifest is refused unread."""
MAX_FILES = 100_000
_SIGNATURE_LIMIT = 1024
_SUFFIXES = (".yaml", ".yml")
_HEX = re.compile(r"[0-9a-f]{64}")
_HINT = "if that is meant, sign the folder again: wayguide sign FOLDER --key KEYFILE"


class SigningError(Exception):
    """A folder that cannot be signed, or a key that cannot be read or written; the text says why."""


class ManifestError(ValueError):
    """A manifest that is not one Wayguide wrote; the text says what is wrong, on one line."""


def key_line(raw: bytes) -> str:
    """The public key as the policy's trust.keys take it: `ed25519:` and the base64 of its 32 bytes."""
    return KEY_PREFIX + base64.b64encode(raw).decode("ascii")


def parse_key(text: str) -> bytes:
    """The 32 raw bytes of a public key line `ed25519:BASE64`; ValueError saying what is wrong."""
    if not isinstance(text, str) or not text.startswith(KEY_PREFIX):
        raise ValueError(f"not an ed25519 public key: {quote(text)} "
                         "(write ed25519:BASE64, as in KEYFILE.pub)")
    try:
        raw = base64.b64decode(text[len(KEY_PREFIX):].strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"not base64 after 'ed25519:': {quote(text)}") from None
    if len(raw) != 32:
        raise ValueError(f"an ed25519 public key is 32 bytes, this one {len(raw)}: {quote(text)}")
    return raw


_PRIVATE_LIMIT = 64 * 1024


def _create(path: Path, data: bytes, mode: int) -> None:
    """Write a new file with `mode`; FileExistsError when something is there already."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
    try:
        os.fchmod(fd, mode)  # whatever the umask
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def generate_key(out: Path) -> str:
    """A new key pair: the private key to `out` (PKCS#8 PEM, mode 0600) and its public key line to
    `out`.pub; the line. SigningError when either file exists (nothing is overwritten) or cannot be
    written."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    public_path = out.with_name(out.name + ".pub")
    for path in (out, public_path):
        if os.path.lexists(path):
            raise SigningError(f"{path}: already exists (a key is never overwritten: choose another --out)")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    line = key_line(key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    try:
        _create(out, pem, 0o600)
    except OSError as exc:
        raise SigningError(f"{out}: cannot write the key ({exc.strerror or exc})") from None
    try:
        _create(public_path, (line + "\n").encode("ascii"), 0o644)
    except OSError as exc:
        os.unlink(out)
        raise SigningError(f"{public_path}: cannot write the public key ({exc.strerror or exc})") from None
    return line


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The ed25519 private key in `path` (PEM, as `generate_key` writes it, or its 32 raw bytes);
    SigningError saying what is wrong."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = _read_small(path, _PRIVATE_LIMIT)
    if isinstance(raw, str):
        raise SigningError(f"{path}: {raw}")
    if len(raw) == 32:
        return Ed25519PrivateKey.from_private_bytes(raw)
    try:
        key = serialization.load_pem_private_key(raw, password=None)
    except (ValueError, TypeError) as exc:  # TypeError: a key with a passphrase
        why = "it has a passphrase" if isinstance(exc, TypeError) else "not a PEM private key"
        raise SigningError(f"{path}: cannot read the private key ({why}; make one with: wayguide keygen "
                           "--out KEYFILE)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(f"{path}: not an ed25519 key (make one with: wayguide keygen --out KEYFILE)")
    return key


# ------------------------------------------------------------------ the manifest

@dataclass(frozen=True)
class Manifest:
    key: bytes
    created: str
    files: dict[str, str]
    """Relative POSIX path of each wizard file → its SHA-256 (lowercase hex)."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ManifestError(f"a key is given twice: {quote(next(k for k in keys if keys.count(k) > 1))}")
    return dict(pairs)


def _checked_path(name: Any) -> str:
    """A manifest's file name: relative, inside the folder, not hidden, a wizard file's name."""
    if not isinstance(name, str) or not name or len(name) > 4096 or not name.isprintable():
        raise ManifestError(f"not a file name: {quote(name)}")
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or ":" in parts[0]:
        raise ManifestError(f"an absolute path: {quote(name)} (paths are relative to the folder)")
    if any(part in ("", ".", "..") for part in parts):
        raise ManifestError(f"a path that leaves the folder or is not plain: {quote(name)}")
    if any(part.startswith(".") for part in parts) or not name.endswith(_SUFFIXES):
        raise ManifestError(f"not a wizard file's name: {quote(name)}")
    return name


def _checked_digest(name: str, value: Any) -> str:
    if not isinstance(value, str) or _HEX.fullmatch(value) is None:
        raise ManifestError(f"the SHA-256 of {quote(name)} is not 64 hex digits")
    return value


def parse_manifest(raw: bytes) -> Manifest:
    """A manifest's content, checked; ManifestError for anything a signer would not write."""
    if len(raw) > MANIFEST_LIMIT:
        raise ManifestError(f"too large (the limit is {MANIFEST_LIMIT // (1024 * 1024)} MiB)")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except ManifestError:
        raise
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        first = str(exc).splitlines()[0] if str(exc) else "empty"
        raise ManifestError(f"not JSON: {quote(first, 80)}") from None
    if not isinstance(data, dict):
        raise ManifestError("not a JSON object")
    unknown = set(data) - {"wayguide-manifest", "created", "key", "files"}
    if unknown:
        raise ManifestError(f"unknown key {quote(sorted(unknown)[0])}")
    if data.get("wayguide-manifest") != FORMAT or isinstance(data.get("wayguide-manifest"), bool):
        raise ManifestError(f"not a Wayguide manifest of format {FORMAT} ('wayguide-manifest': {FORMAT})")
    created, files = data.get("created"), data.get("files")
    if not isinstance(created, str) or len(created) > 64 or not created.isprintable():
        raise ManifestError("'created' is not a date")
    try:
        key = parse_key(data.get("key"))  # type: ignore[arg-type]
    except ValueError as exc:
        raise ManifestError(f"'key': {exc}") from None
    if not isinstance(files, dict):
        raise ManifestError("'files' is not an object of path: SHA-256")
    if len(files) > MAX_FILES:
        raise ManifestError(f"more than {MAX_FILES} files")
    return Manifest(key, created, {_checked_path(n): _checked_digest(n, d) for n, d in files.items()})


def _manifest_bytes(key: bytes, files: dict[str, str]) -> bytes:
    created = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    data = {"wayguide-manifest": FORMAT, "created": created, "key": key_line(key), "files": files}
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


# ------------------------------------------------------------------ the folder's wizard files

Found = os.stat_result | str
"""A regular file's status, or why a wizard-named path is not one ("a FIFO, not a regular file")."""


def wizard_files(folder: Path) -> Iterator[tuple[str, str, Found]]:
    """The wizard files under `folder` as the library finds them (app.format.files.walk_named):
    (relative POSIX path, path, status or why it is no regular file). Opens nothing."""
    for relative, path, st in walk_named(folder, _SUFFIXES):
        if isinstance(st, OSError):
            yield relative, path, f"cannot read: {st.strerror or st}"
        else:
            yield relative, path, (st if stat.S_ISREG(st.st_mode)
                                   else f"{kind_of(st.st_mode)}, not a regular file")


_Stamp = tuple[int, int, int, int, int]


def _stamp(st: os.stat_result) -> _Stamp:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


class Digests:
    """SHA-256 of files by content, kept in memory while (device, inode, size, mtime, ctime) stay the
    same: a file written in place changes its ctime, which no one can set back. Never on disk: a digest
    cache there could be edited by whoever may write the cache folder."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[_Stamp, str]] = {}
        self.hashed = 0
        """Files read and hashed so far (the others came from memory)."""

    def digest(self, path: str, st: os.stat_result) -> str:
        """The file's SHA-256 (hex); OSError (NotRegularFile for a FIFO...) when it cannot be read,
        ValueError when it is larger than a wizard may be."""
        stamp = _stamp(st)
        known = self._known.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        raw = read_regular(path, MAX_BYTES)
        if len(raw) > MAX_BYTES:
            raise ValueError(f"too large (the limit is {MAX_BYTES // 1024} KiB)")
        digest = hashlib.sha256(raw).hexdigest()
        self.hashed += 1
        if _stamp(os.stat(path)) == stamp:  # unchanged while read: the digest belongs to this stamp
            self._known[path] = (stamp, digest)
        return digest

    def forget(self) -> None:
        self._known.clear()


def _digest_or_problem(path: str, found: Found, digests: Digests) -> str | tuple[str]:
    """The digest, or (why it has none,)."""
    if isinstance(found, str):
        return (found,)
    try:
        return digests.digest(path, found)
    except OSError as exc:
        return (f"cannot read: {exc.strerror or exc}",)
    except ValueError as exc:
        return (str(exc),)


# ------------------------------------------------------------------ signing

def sign(folder: Path, private_key: Ed25519PrivateKey) -> Path:
    """Write the manifest of `folder`'s wizard files and its signature beside it (each replaced in one
    step); the manifest's path. SigningError when a wizard-named path is no readable regular file."""
    from cryptography.hazmat.primitives import serialization

    if not folder.is_dir():
        raise SigningError(f"{folder}: not a folder")
    digests = Digests()
    files: dict[str, str] = {}
    for relative, path, found in wizard_files(folder):
        got = _digest_or_problem(path, found, digests)
        if isinstance(got, tuple):
            raise SigningError(f"{path}: {got[0]} (only regular wizard files of at most "
                               f"{MAX_BYTES // 1024} KiB can be signed)")
        files[relative] = got
    public = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    manifest = _manifest_bytes(public, files)
    signature = base64.b64encode(private_key.sign(manifest)) + b"\n"
    try:
        for name, data in ((MANIFEST, manifest), (SIGNATURE, signature)):
            write_atomic(folder / name, data)
            os.chmod(folder / name, 0o644)  # for everyone who loads the folder
    except OSError as exc:
        raise SigningError(f"{folder}: cannot write the manifest ({exc.strerror or exc})") from None
    return folder / MANIFEST


# ------------------------------------------------------------------ verifying

class FileState(enum.StrEnum):
    SIGNED = "signed"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"
    UNSIGNED = "unsigned"
    """The folder has no manifest."""


_SAID = {FileState.CHANGED: "changed after signing", FileState.ADDED: "added after signing",
         FileState.REMOVED: "removed after signing"}


@dataclass(frozen=True)
class FileVerdict:
    relative: str
    location: str
    """The file's path, as found (`path` makes it a Path)."""
    state: FileState
    why: str
    """In words, for a line of `wayguide validate` ("its SHA-256 is not the one signed")."""

    @property
    def path(self) -> Path:
        return Path(self.location)


@dataclass(frozen=True)
class Verdict:
    """What a folder's manifest and signature say of it, file by file."""

    folder: Path
    signed: bool
    """A manifest or a signature is there (a folder without either is simply unsigned)."""
    key: str | None
    """The public key line the manifest names, when it could be read."""
    signature_valid: bool
    """The manifest's bytes are signed by the key it names."""
    key_trusted: bool
    files: tuple[FileVerdict, ...]
    problems: tuple[Diagnostic, ...]
    """The manifest's or the signature's own problems."""

    @property
    def trusted(self) -> bool:
        """Signed by one of the trusted keys, and no wizard file changed, added or removed since."""
        return self.signature_valid and self.key_trusted and all(
            f.state is FileState.SIGNED for f in self.files)

    def trusts(self, path: Path) -> bool:
        """Whether this file is one a trusted key signed, unchanged (others in the folder may have
        changed: the folder is then untrusted, the file itself still as signed)."""
        return self.signature_valid and self.key_trusted and str(path) in self._signed

    @cached_property
    def _signed(self) -> frozenset[str]:
        return frozenset(f.location for f in self.files if f.state is FileState.SIGNED)

    def untouched(self) -> bool:
        return all(f.state in (FileState.SIGNED, FileState.UNSIGNED) for f in self.files)

    def diagnostics(self) -> list[Diagnostic]:
        """One line per problem: the manifest's, then each file changed, added or removed after signing."""
        lines = list(self.problems)
        lines += [Diagnostic(f.location, 0, 0, "error", f"{_SAID[f.state]} ({f.why})", _HINT)
                  for f in self.files if f.state in _SAID]
        return lines

    def summary(self) -> Phrase:
        """One sentence for the panel and `wayguide doctor`."""
        if not self.signed:
            return Phrase(N_("not signed"))
        if self.problems and not self.signature_valid:
            return Phrase(N_("untrusted: {problem}"), problem=self.problems[0].message)
        touched = [f for f in self.files if f.state in _SAID]
        if touched:
            names = ", ".join(f.relative for f in touched[:3]) + (", …" if len(touched) > 3 else "")
            return Phrase.counted(
                "untrusted: {count} file changed, added or removed since signing ({names})",
                "untrusted: {count} files changed, added or removed since signing ({names})",
                len(touched), names=names)
        if not self.key_trusted:
            return Phrase(N_("untrusted: signed by {key}, which is not among the trusted keys"), key=self.key)
        return Phrase(N_("signed by {key}, unchanged"), key=self.key)


def _read_small(path: Path, limit: int) -> bytes | str:
    """The file's bytes, or why they cannot be had."""
    problem = regular_file_problem(path, limit)
    if problem is not None:
        return problem
    try:
        raw = read_regular(path, limit)
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    return raw if len(raw) <= limit else f"too large (the limit is {limit // 1024} KiB)"


def _signature_check(key: bytes, manifest: bytes, sig_raw: bytes) -> str | None:
    """Why the signature does not hold, or None."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        signature = base64.b64decode(sig_raw.strip(), validate=True)
    except (binascii.Error, ValueError):
        return "the signature is not base64"
    if len(signature) != 64:
        return f"an ed25519 signature is 64 bytes, this one {len(signature)}"
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, manifest)
    except (InvalidSignature, ValueError):
        return "the signature does not match the manifest (changed after signing, or made by another key)"
    return None


def verify(folder: Path, trusted_keys: Sequence[bytes], digests: Digests | None = None) -> Verdict:
    """Check `folder` against its manifest and signature: each wizard file signed, changed, added or
    removed; the signature made by the key the manifest names, and that key one of `trusted_keys`.
    Unchanged files are not hashed again when the same `digests` is passed (FolderTrust does)."""
    digests = digests or Digests()
    found = list(wizard_files(folder))
    manifest_path, sig_path = folder / MANIFEST, folder / SIGNATURE
    has_manifest, has_sig = os.path.lexists(manifest_path), os.path.lexists(sig_path)
    if not (has_manifest or has_sig):
        return Verdict(folder, False, None, False, False,
                       tuple(FileVerdict(r, p, FileState.UNSIGNED, "") for r, p, _ in found), ())
    problems: list[Diagnostic] = []

    def problem(path: Path, message: str, hint: str | None = _HINT) -> None:
        problems.append(Diagnostic(str(path), 0, 0, "error", message, hint))

    manifest: Manifest | None = None
    raw = _read_small(manifest_path, MANIFEST_LIMIT) if has_manifest else "missing"
    if isinstance(raw, str):
        problem(manifest_path, f"the manifest of a signed folder: {raw}")
    else:
        try:
            manifest = parse_manifest(raw)
        except ManifestError as exc:
            problem(manifest_path, f"not a valid manifest: {exc}")
    sig_raw = _read_small(sig_path, _SIGNATURE_LIMIT) if has_sig else "missing"
    valid = False
    if isinstance(sig_raw, str):
        problem(sig_path, f"the signature of a signed folder: {sig_raw}")
    elif manifest is not None and not isinstance(raw, str):
        why = _signature_check(manifest.key, raw, sig_raw)
        if why is not None:
            problem(sig_path, why)
        valid = why is None
    key = key_line(manifest.key) if manifest is not None else None
    key_trusted = manifest is not None and manifest.key in set(trusted_keys)
    if valid and not key_trusted:
        problems.append(Diagnostic(str(manifest_path), 0, 0, "warning",
                                   f"signed by {key}, which is not among the trusted keys",
                                   "add the publisher's public key to trust.keys in the policy"))
    files = _file_verdicts(found, manifest.files if manifest else {}, folder, digests)
    return Verdict(folder, True, key, valid, key_trusted, files, tuple(problems))


def _file_verdicts(found: list[tuple[str, str, Found]], listed: dict[str, str], folder: Path,
                   digests: Digests) -> tuple[FileVerdict, ...]:
    verdicts: list[FileVerdict] = []
    seen: set[str] = set()
    for relative, path, status in found:
        seen.add(relative)
        want = listed.get(relative)
        got = _digest_or_problem(path, status, digests)
        if want is None:
            why = "not in the manifest" if isinstance(got, str) else f"not in the manifest; {got[0]}"
            verdicts.append(FileVerdict(relative, path, FileState.ADDED, why))
        elif isinstance(got, tuple):
            verdicts.append(FileVerdict(relative, path, FileState.CHANGED, got[0]))
        elif got != want:
            verdicts.append(FileVerdict(relative, path, FileState.CHANGED,
                                        "its SHA-256 is not the one signed"))
        else:
            verdicts.append(FileVerdict(relative, path, FileState.SIGNED, ""))
    verdicts += [FileVerdict(r, os.path.join(folder, r), FileState.REMOVED, "listed in the manifest, missing")
                 for r in sorted(set(listed) - seen)]
    return tuple(verdicts)


class FolderTrust:
    """Verdicts on the library's folders against the policy's keys, hashing only what changed since
    the last look (the seam for the library: an entry's trust is `trusts(path)`)."""

    trust_files = (MANIFEST, SIGNATURE)
    """What a folder's verdict rests on besides its wizard files (app.library.layers.Verifier)."""

    def __init__(self, trusted_keys: Sequence[bytes] = ()) -> None:
        self.trusted_keys = tuple(trusted_keys)
        self.digests = Digests()
        self._verdicts: dict[Path, Verdict] = {}

    def verdict(self, folder: Path) -> Verdict:
        """`folder` verified now (its unchanged files from memory), and kept for `trusts`."""
        verdict = verify(folder, self.trusted_keys, self.digests)
        self._verdicts[folder] = verdict
        return verdict

    def begin(self, folders: Sequence[Path]) -> None:
        """The library's folders that hold a manifest, verified now (the others: nothing signed);
        what is unchanged since the last look is not hashed again."""
        self._verdicts = {}
        for folder in folders:
            if (folder / MANIFEST).exists() or (folder / SIGNATURE).exists():
                self.verdict(folder)

    def signed(self, path: Path) -> bool:
        """The library's question (app.library.layers.Verifier)."""
        return self.trusts(path)

    def trusts(self, path: Path) -> bool:
        """Whether the last verdict on a folder holding `path` says a trusted key signed it unchanged."""
        return any(v.trusts(path) for folder, v in self._verdicts.items() if folder in path.parents)

    def verdicts(self) -> list[Verdict]:
        return list(self._verdicts.values())

    def doubt(self, path: Path) -> str:
        """Why `path`, in a folder that is signed, is not trusted, as the end of a sentence about the
        wizard ("was changed after its publisher signed it"); "" when it is trusted or its folder is not
        signed at all (an unsigned wizard needs no reason)."""
        for folder, verdict in self._verdicts.items():
            if folder not in path.parents or not verdict.signed or verdict.trusts(path):
                continue
            state = next((f.state for f in verdict.files if f.location == str(path)), FileState.ADDED)
            if state in (FileState.CHANGED, FileState.ADDED):
                how = "changed" if state is FileState.CHANGED else "added"
                return f"was {how} after its publisher signed it"
            if not verdict.signature_valid:
                return "lies in a folder whose signature does not hold"
            return "is signed by a publisher your administrator does not trust"
        return ""


def verifier_for(trusted_keys: Sequence[bytes]) -> FolderTrust | None:
    """The library's verifier for the policy's publisher keys; None without keys (nothing is signed,
    and nothing is hashed)."""
    return FolderTrust(trusted_keys) if trusted_keys else None
