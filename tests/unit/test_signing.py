"""Signed wizard folders: sign, verify, and every way a folder can be tampered with or be hostile."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.library.signing import (
    MANIFEST,
    SIGNATURE,
    FileVerdict,
    FolderTrust,
    ManifestError,
    SigningError,
    generate_key,
    load_private_key,
    parse_key,
    parse_manifest,
    sign,
    verify,
)
from tests.unit.cli_support import isolate, run

LETTER = "wayguide: 1\nid: t.letter\ntitle: Letter\nsteps: [{id: a, title: A}]\n"
MEMO = "wayguide: 1\nid: t.memo\ntitle: Memo\nsteps: [{id: a, title: A}]\n"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(tmp_path, monkeypatch)


@pytest.fixture
def key(tmp_path: Path) -> tuple[Path, bytes]:
    """A private key file and the raw public key."""
    path = tmp_path / "keys" / "publisher.key"
    path.parent.mkdir()
    return path, parse_key(generate_key(path))


@pytest.fixture
def folder(tmp_path: Path, key: tuple[Path, bytes]) -> Path:
    """A signed folder: letter.yaml and sub/memo.yml."""
    folder = tmp_path / "wizards"
    (folder / "sub").mkdir(parents=True)
    (folder / "letter.yaml").write_text(LETTER)
    (folder / "sub" / "memo.yml").write_text(MEMO)
    (folder / "notes.txt").write_text("not a wizard")
    sign(folder, load_private_key(key[0]))
    return folder


def states(files: Iterable[FileVerdict]) -> dict[str, str]:
    return {f.relative: f.state.value for f in files}


def resign_manifest(folder: Path, key_file: Path, data: dict[str, object]) -> None:
    """Write `data` as the manifest and sign it with the key: a hostile signer, or a valid signature
    over content sign() would never write."""
    raw = json.dumps(data).encode()
    (folder / MANIFEST).write_bytes(raw)
    (folder / SIGNATURE).write_bytes(base64.b64encode(load_private_key(key_file).sign(raw)))


# ------------------------------------------------------------------ sign and verify

def test_a_signed_folder_is_trusted_by_its_key(folder: Path, key: tuple[Path, bytes]) -> None:
    verdict = verify(folder, [key[1]])
    assert verdict.trusted and verdict.signature_valid and verdict.key_trusted
    assert states(verdict.files) == {"letter.yaml": "signed", "sub/memo.yml": "signed"}
    assert verdict.diagnostics() == []
    assert verdict.trusts(folder / "letter.yaml") and verdict.summary().endswith(", unchanged")
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["wayguide-manifest"] == 1 and manifest["key"].startswith("ed25519:")
    assert manifest["created"].endswith("Z") and set(manifest["files"]) == {"letter.yaml", "sub/memo.yml"}
    assert stat.S_IMODE((folder / MANIFEST).stat().st_mode) == 0o644


def test_an_unsigned_folder_is_simply_unsigned(tmp_path: Path) -> None:
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "a.yaml").write_text(LETTER)
    verdict = verify(tmp_path / "w", [])
    assert not verdict.signed and not verdict.trusted and verdict.diagnostics() == []
    assert states(verdict.files) == {"a.yaml": "unsigned"} and verdict.summary() == "not signed"


def test_a_changed_byte_is_named(folder: Path, key: tuple[Path, bytes]) -> None:
    letter = folder / "letter.yaml"
    letter.write_bytes(letter.read_bytes().replace(b"Letter", b"Lettex"))
    verdict = verify(folder, [key[1]])
    assert not verdict.trusted and verdict.signature_valid
    assert states(verdict.files)["letter.yaml"] == "changed"
    assert not verdict.trusts(letter) and verdict.trusts(folder / "sub" / "memo.yml")
    [line] = map(str, verdict.diagnostics())
    assert line.startswith(f"{letter}: error: changed after signing (its SHA-256 is not the one signed)")


def test_an_added_file_and_a_removed_file(folder: Path, key: tuple[Path, bytes]) -> None:
    (folder / "sub" / "memo.yml").unlink()
    (folder / "new.yaml").write_text(MEMO)
    verdict = verify(folder, [key[1]])
    assert not verdict.trusted
    assert states(verdict.files) == {"letter.yaml": "signed", "new.yaml": "added", "sub/memo.yml": "removed"}
    lines = [str(d) for d in verdict.diagnostics()]
    assert lines[0].startswith(f"{folder / 'new.yaml'}: error: added after signing (not in the manifest)")
    assert lines[1].startswith(f"{folder / 'sub' / 'memo.yml'}: error: removed after signing (")
    assert verdict.summary() == ("untrusted: 2 files changed, added or removed since signing "
                                 "(new.yaml, sub/memo.yml)")


def test_a_wrong_key_is_not_trusted(folder: Path, tmp_path: Path) -> None:
    other = parse_key(generate_key(tmp_path / "other.key"))
    verdict = verify(folder, [other])
    assert verdict.signature_valid and not verdict.key_trusted and not verdict.trusted
    assert not verdict.trusts(folder / "letter.yaml")
    [line] = verdict.diagnostics()
    assert line.severity == "warning" and "which is not among the trusted keys" in line.message


def test_a_manifest_signed_by_another_key_than_it_names_fails(folder: Path, key: tuple[Path, bytes],
                                                             tmp_path: Path) -> None:
    generate_key(tmp_path / "mallory.key")
    raw = (folder / MANIFEST).read_bytes()
    (folder / SIGNATURE).write_bytes(base64.b64encode(load_private_key(tmp_path / "mallory.key").sign(raw)))
    verdict = verify(folder, [key[1]])
    assert not verdict.signature_valid and not verdict.trusted
    assert "the signature does not match the manifest" in verdict.diagnostics()[0].message


@pytest.mark.parametrize("signature", [b"", b"!!!!", base64.b64encode(b"x" * 64), base64.b64encode(b"x" * 3),
                                       b"A" * 5000])
def test_a_corrupt_signature_is_one_line(folder: Path, key: tuple[Path, bytes], signature: bytes) -> None:
    (folder / SIGNATURE).write_bytes(signature)
    verdict = verify(folder, [key[1]])
    assert not verdict.trusted and not verdict.signature_valid
    [line] = verdict.diagnostics()
    assert line.path == str(folder / SIGNATURE) and line.is_error


def test_an_edited_manifest_breaks_the_signature(folder: Path, key: tuple[Path, bytes]) -> None:
    """Someone changes a wizard and writes its new digest into the manifest."""
    letter = folder / "letter.yaml"
    letter.write_text(LETTER + "# run rm -rf\n")
    import hashlib

    data = json.loads((folder / MANIFEST).read_text())
    data["files"]["letter.yaml"] = hashlib.sha256(letter.read_bytes()).hexdigest()
    (folder / MANIFEST).write_text(json.dumps(data, indent=1))
    verdict = verify(folder, [key[1]])
    assert states(verdict.files)["letter.yaml"] == "signed" and not verdict.trusted
    assert not verdict.trusts(letter)


@pytest.mark.parametrize("missing", [MANIFEST, SIGNATURE])
def test_half_a_signature_is_an_error(folder: Path, key: tuple[Path, bytes], missing: str) -> None:
    (folder / missing).unlink()
    verdict = verify(folder, [key[1]])
    assert verdict.signed and not verdict.trusted
    assert any(d.path == str(folder / missing) and d.is_error for d in verdict.diagnostics())


# ------------------------------------------------------------------ hostile folders

@pytest.mark.parametrize("name", ["../outside.yaml", "/etc/passwd.yaml", "a/../../b.yaml", "./a.yaml",
                                  ".hidden.yaml", "a//b.yaml", "C:/x.yaml", "a\\b.yaml", "notes.txt"])
def test_a_manifest_with_paths_outside_the_folder_is_refused(folder: Path, key: tuple[Path, bytes],
                                                             name: str) -> None:
    resign_manifest(folder, key[0], {"wayguide-manifest": 1, "created": "now", "key": "ed25519:" +
                                     base64.b64encode(key[1]).decode(), "files": {name: "0" * 64}})
    verdict = verify(folder, [key[1]])
    assert not verdict.trusted and not verdict.signature_valid
    lines = verdict.diagnostics()
    assert lines[0].path == str(folder / MANIFEST) and "not a valid manifest" in lines[0].message
    assert all("\n" not in str(d) for d in lines)
    assert states(verdict.files) == {"letter.yaml": "added", "sub/memo.yml": "added"}


def test_a_huge_manifest_is_refused_unread(folder: Path, key: tuple[Path, bytes]) -> None:
    with (folder / MANIFEST).open("wb") as stream:
        stream.truncate(9 * 1024 * 1024)
    verdict = verify(folder, [key[1]])
    assert not verdict.trusted
    assert "too large" in verdict.diagnostics()[0].message


def test_a_deeply_nested_manifest_is_one_line(folder: Path, key: tuple[Path, bytes]) -> None:
    (folder / MANIFEST).write_bytes(b"[" * 200_000 + b"]" * 200_000)
    [first, *_] = verify(folder, [key[1]]).diagnostics()
    assert first.message.startswith("not a valid manifest: not JSON")


def run_with_deadline(fn: Callable[[], Any], seconds: float = 10.0) -> Any:
    """`fn()` in a thread (its exception raised here); fails, rather than hangs, when it blocks."""
    box: list[tuple[bool, Any]] = []

    def target() -> None:
        try:
            box.append((True, fn()))
        except Exception as exc:
            box.append((False, exc))

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, "it blocked"
    returned, value = box[0]
    if not returned:
        raise value
    return value


def test_a_fifo_named_like_a_wizard_or_manifest_is_never_opened(folder: Path,
                                                                key: tuple[Path, bytes]) -> None:
    (folder / "letter.yaml").unlink()
    os.mkfifo(folder / "letter.yaml")
    os.mkfifo(folder / "fifo.yaml")
    verdict = run_with_deadline(lambda: verify(folder, [key[1]]))
    assert states(verdict.files) == {"fifo.yaml": "added", "letter.yaml": "changed", "sub/memo.yml": "signed"}
    (folder / MANIFEST).unlink()
    os.mkfifo(folder / MANIFEST)
    verdict = run_with_deadline(lambda: verify(folder, [key[1]]))
    assert "a FIFO, not a regular file" in verdict.diagnostics()[0].message
    with pytest.raises(SigningError, match="a FIFO, not a regular file"):
        run_with_deadline(lambda: sign(folder, load_private_key(key[0])))


def test_symlinks_are_followed_by_content_and_loops_end(folder: Path, key: tuple[Path, bytes],
                                                       tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(MEMO)
    (folder / "link.yaml").symlink_to(outside)
    (folder / "loop").symlink_to(folder)
    (folder / "self.yaml").symlink_to(folder / "self.yaml")
    verdict = verify(folder, [key[1]])
    assert states(verdict.files) == {"letter.yaml": "signed", "link.yaml": "added", "self.yaml": "added",
                                     "sub/memo.yml": "signed"}
    (folder / "self.yaml").unlink()
    sign(folder, load_private_key(key[0]))
    assert verify(folder, [key[1]]).trusted
    outside.write_text(MEMO + "# changed where the link points\n")
    assert states(verify(folder, [key[1]]).files)["link.yaml"] == "changed"


# ------------------------------------------------------------------ the digest cache

def test_folder_trust_rehashes_only_what_changed(folder: Path, key: tuple[Path, bytes]) -> None:
    trust = FolderTrust([key[1]])
    assert trust.verdict(folder).trusted and trust.digests.hashed == 2
    assert trust.verdict(folder).trusted and trust.digests.hashed == 2
    letter = folder / "letter.yaml"
    before = letter.stat()
    letter.write_text(LETTER.replace("Letter", "Lettex"))  # same size
    os.utime(letter, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same mtime
    verdict = trust.verdict(folder)
    assert trust.digests.hashed == 3 and not verdict.trusted
    assert not trust.trusts(letter) and trust.trusts(folder / "sub" / "memo.yml")


# ------------------------------------------------------------------ keys

def test_keygen_writes_a_private_key_for_the_owner_only_and_never_overwrites(tmp_path: Path) -> None:
    line = generate_key(tmp_path / "k")
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600
    assert (tmp_path / "k.pub").read_text() == line + "\n" and len(parse_key(line)) == 32
    before = (tmp_path / "k").read_bytes()
    with pytest.raises(SigningError, match="already exists"):
        generate_key(tmp_path / "k")
    assert (tmp_path / "k").read_bytes() == before
    (tmp_path / "k2.pub").write_text("someone else's")
    with pytest.raises(SigningError, match="already exists"):
        generate_key(tmp_path / "k2")
    assert not (tmp_path / "k2").exists()


@pytest.mark.parametrize("text", ["", "ed25519:", "rsa:AAAA", "ed25519:!!!", "ed25519:" + "A" * 40,
                                  "ed25519:" + base64.b64encode(b"x" * 31).decode()])
def test_a_bad_public_key_line_is_one_clear_error(text: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_key(text)
    assert "\n" not in str(error.value)


def test_a_private_key_that_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "k").write_text("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
    with pytest.raises(SigningError, match="not a PEM private key"):
        load_private_key(tmp_path / "k")
    with pytest.raises(SigningError, match="absent: cannot read: "):
        load_private_key(tmp_path / "absent")


# ------------------------------------------------------------------ the command line

def test_cli_keygen_sign_validate(tmp_path: Path) -> None:
    keyfile = tmp_path / "pub.key"
    code, out, err = run("keygen", "--out", str(keyfile))
    assert code == 0 and out.startswith("ed25519:") and out == (tmp_path / "pub.key.pub").read_text()
    assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600 and "trust.keys" in err
    assert run("keygen", "--out", str(keyfile))[0] == 1
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / "letter.yaml").write_text(LETTER)
    code, _, err = run("sign", str(folder), "--key", str(keyfile))
    assert code == 0
    assert err.startswith(f"wrote {folder / MANIFEST} and its signature: 1 wizard file, ed25519:")
    code, out, err = run("validate", "-q", str(folder))
    assert (code, out, err) == (0, "", "")
    (folder / "letter.yaml").write_text(LETTER + "\n")
    (folder / "added.yaml").write_text(MEMO)
    code, out, _ = run("validate", "-q", str(folder))
    assert code == 1
    assert out.splitlines() == [
        f"{folder / 'added.yaml'}: error: added after signing (not in the manifest) "
        "(if that is meant, sign the folder again: wayguide sign FOLDER --key KEYFILE)",
        f"{folder / 'letter.yaml'}: error: changed after signing (its SHA-256 is not the one signed) "
        "(if that is meant, sign the folder again: wayguide sign FOLDER --key KEYFILE)"]


def test_cli_sign_with_a_missing_key_or_folder_is_one_line(tmp_path: Path) -> None:
    code, _, err = run("sign", str(tmp_path), "--key", str(tmp_path / "absent.key"))
    assert code == 1 and err.count("\n") == 1 and "absent.key" in err
    generate_key(tmp_path / "k")
    code, _, err = run("sign", str(tmp_path / "nowhere"), "--key", str(tmp_path / "k"))
    assert (code, err) == (1, f"{tmp_path / 'nowhere'}: not a folder\n")


# ------------------------------------------------------------------ fuzz

_NAMES = st.one_of(st.text(max_size=30), st.sampled_from(["a.yaml", "../a.yaml", "/a.yaml", "a/./b.yml",
                                                            "sub/x.yml", ".a.yaml", "a" * 5000 + ".yaml"]))
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                 max_size=4), max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.dictionaries(_NAMES, st.one_of(st.just("0" * 64), st.text(max_size=70), _JSON), max_size=5),
       extra=st.dictionaries(st.sampled_from(["wayguide-manifest", "created", "key", "files", "other"]),
                             _JSON, max_size=3),
       junk=st.binary(max_size=64))
def test_manifest_parsing_never_raises_anything_but_a_manifest_error(files: dict[str, object],
                                                                      extra: dict[str, object],
                                                                      junk: bytes) -> None:
    key = "ed25519:" + base64.b64encode(b"k" * 32).decode()
    data = {"wayguide-manifest": 1, "created": "2025-01-01T00:00:00Z", "key": key, "files": files, **extra}
    for raw in (json.dumps(data).encode(), junk, json.dumps(data).encode()[: len(junk)]):
        try:
            manifest = parse_manifest(raw)
        except ManifestError as exc:
            assert "\n" not in str(exc)
            continue
        for name, digest in manifest.files.items():
            assert not name.startswith("/") and ".." not in name.split("/") and len(digest) == 64
