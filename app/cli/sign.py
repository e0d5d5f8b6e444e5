"""`wayguide keygen` and `wayguide sign`: a publisher's key pair, and a folder's signed manifest."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

__all__ = ["keygen", "sign_folder"]


def keygen(target: Path, out: TextIO, err: TextIO) -> int:
    """Write a new private key to `target` (mode 0600) and its public key line to `target`.pub; print
    the line (for the policy's trust.keys). 1 when either exists or cannot be written."""
    from app.library.signing import SigningError, generate_key

    try:
        line = generate_key(target)
    except SigningError as exc:
        err.write(f"{exc}\n")
        return 1
    out.write(f"{line}\n")
    err.write(f"wrote {target} (the private key: keep it secret) and {target}.pub; "
              f"trust it with trust.keys: [\"{line}\"] in the policy\n")
    return 0


def sign_folder(folder: Path, key_file: Path, out: TextIO, err: TextIO) -> int:
    """Sign `folder`'s wizard files with the private key in `key_file`; 1 on any problem."""
    from app.library.signing import SigningError, load_private_key, sign, verify

    try:
        key = load_private_key(key_file)
        manifest = sign(folder, key)
    except SigningError as exc:
        err.write(f"{exc}\n")
        return 1
    verdict = verify(folder, ())
    err.write(f"wrote {manifest} and its signature: {len(verdict.files)} "
              f"wizard file{'s' * (len(verdict.files) != 1)}, {verdict.key}\n")
    return 0
