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
    """Sign `folder`'s wizard files with the private key in `key_file`, then write the index an HTTPS
    source is fetched by (every file of the folder: the folder can be served as it is); 1 on any problem."""
    import os

    from app.library.remote import INDEX, write_index
    from app.library.signing import SigningError, load_private_key, sign, verify

    if os.path.realpath(key_file).startswith(os.path.realpath(folder).rstrip(os.sep) + os.sep):
        err.write(f"{key_file}: error: the private key lies in the folder to sign (move it out: whoever can "
                  "read the folder, or the web server publishing it, could sign as you)\n")
        return 1
    try:
        key = load_private_key(key_file)
        manifest = sign(folder, key)
    except SigningError as exc:
        err.write(f"{exc}\n")
        return 1
    verdict = verify(folder, ())
    err.write(f"wrote {manifest} and its signature: {len(verdict.files)} "
              f"wizard file{'s' * (len(verdict.files) != 1)}, {verdict.key}\n")
    try:
        index = write_index(folder)
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        err.write(f"{folder / INDEX}: error: cannot write the index for HTTPS sources ({why})\n")
        return 1
    err.write(f"wrote {index}: the folder can be served as an HTTPS source as it is (docs/sources.md)\n")
    return 0
