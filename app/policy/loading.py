"""Which policy is in force, read from its file: the system policy, or where there is none the file
`WAYGUIDE_POLICY` names. The policy is built from the file at every call (app.policy.build: plain
checks, no schema library); the file's problems, as positioned lines, come from app.policy.check
(pydantic and the wizard loader's machinery) only when its bytes change, and only those lines are kept
in the cache folder, which the person can write."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.format.cache import code_key
from app.format.diagnostics import Diagnostic
from app.format.files import read_regular, write_atomic
from app.i18n import N_, Phrase
from app.policy.admin import Policy
from app.policy.build import build_policy

if TYPE_CHECKING:
    from app.paths import Paths

__all__ = ["CACHE_FILE", "load_policy", "policy_in_force"]

CACHE_FILE = "policy.json"
_CHECKING_CODE = ("policy/admin.py", "policy/check.py", "policy/build.py", "policy/settings.py",
                  "format/loader.py", "format/source.py", "format/combo.py", "format/diagnostics.py")
"""The modules whose code decides a policy file's problems: a change to one makes the cache stale."""
SYSTEM = Phrase(N_("system"))
"""How the system policy's path was chosen, in the policy's origin."""


def policy_in_force(paths: Paths, env: Mapping[str, str] | None = None) -> tuple[Policy, list[Diagnostic]]:
    """The policy for this machine: the system one (paths.policy_file) whenever that file exists;
    only where there is none may WAYGUIDE_POLICY (paths.policy_override) name another file."""
    env = os.environ if env is None else env
    system, override = paths.policy_file, paths.policy_override
    if not _exists(system):
        if override is not None:
            return load_policy(override, "WAYGUIDE_POLICY", paths.cache_dir)
        return load_policy(system, SYSTEM, paths.cache_dir)
    policy, problems = load_policy(system, SYSTEM, paths.cache_dir)
    if override is not None and not _same(override, system):
        problems = [*problems, Diagnostic(
            str(system), 1, 1, "warning", f"WAYGUIDE_POLICY ({override}) is ignored",
            "a system policy exists: only the administrator changes the policy")]
    return policy, problems


def _exists(path: Path) -> bool:
    """Whether anything is at `path` (an unreadable or broken file is still the admin's policy)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def load_policy(path: Path, origin: str = SYSTEM,
                cache_dir: Path | None = None) -> tuple[Policy, list[Diagnostic]]:
    """The policy in `path`, or the defaults; never raises for anything in the file.

    `origin` says how the path was chosen ("system" or "WAYGUIDE_POLICY"). The policy is built from
    the file itself at every call (app.policy.build, no schema library); only the file's problems
    (positioned lines, found by app.policy.check) are kept in the cache folder, by the digest of its
    bytes: what is in that user-writable folder can change a message, never the policy."""
    try:
        raw = read_regular(path, 4 << 20)  # never opens a FIFO or device (it would block)
    except FileNotFoundError:
        return Policy(origin=Phrase(N_("no policy file at {path} ({origin}): the defaults"), path=path,
                                    origin=origin)), []
    except OSError as exc:
        return Policy(source=path, origin=Phrase(N_("{path} ({origin}; not readable: the defaults)"),
                                                 path=path, origin=origin)), [
            Diagnostic(str(path), 1, 1, "error", f"cannot read: {exc.strerror or exc}", "the defaults apply")]
    if all(not line.strip() or line.lstrip().startswith((b"#", b"---")) for line in raw.splitlines()):
        return Policy(source=path, origin=Phrase(N_("{path} ({origin}; nothing set: the defaults)"),
                                                 path=path, origin=origin)), []
    world = _world_readable(path)
    policy, credentials_at, parse_error = build_policy(path, raw, world)
    if parse_error is not None:
        problems = [parse_error]
    else:
        key = hashlib.sha256(raw).hexdigest() + ("-world" if world else "")
        cache = _Cache(cache_dir / CACHE_FILE if cache_dir is not None else None)
        found = cache.get(key, str(path))
        if found is None:
            from app.policy.check import check_policy  # pydantic and the loader: only for a changed file

            found = check_policy(path, raw, world)[1]
            cache.put(key, found)
        problems = found
    if policy.lrs is not None and policy.lrs.credentials is not None and policy.lrs.credentials.file \
            and _world_readable(policy.lrs.credentials.file):
        file = policy.lrs.credentials.file
        problems = [*problems, Diagnostic(str(path), *credentials_at, "warning",
                                          f"the LRS credentials file {file} can be read by everyone",
                                          f"chmod 640 {file} (owner root, group wayguide)")]
    return dataclasses.replace(policy, source=path, origin=Phrase("{path} ({origin})", path=path,
                                                                                origin=origin)), problems


def _world_readable(path: Path) -> bool:
    try:
        return bool(os.stat(path).st_mode & stat.S_IROTH)
    except OSError:
        return False


class _Cache:
    """policy.json in the cache folder: {check-code key, {file digest: the file's problems}}. Only
    diagnostics: the policy itself is always built from the file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.key = code_key(_CHECKING_CODE)
        self.entries: dict[str, Any] = {}
        if path is not None:
            with contextlib.suppress(OSError, ValueError):
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("key") == self.key and isinstance(
                        data.get("entries"), dict):
                    self.entries = data["entries"]

    def get(self, key: str, name: str) -> list[Diagnostic] | None:
        entry = self.entries.get(key)
        try:
            return [Diagnostic(name, int(line), int(col), severity, str(message),
                               None if hint is None else str(hint))
                    for line, col, severity, message, hint in entry["diagnostics"]
                    if severity in ("error", "warning", "note")] if entry else None
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, key: str, problems: list[Diagnostic]) -> None:
        if self.path is None:
            return
        self.entries = {key: {"diagnostics": [  # one policy per machine
            [d.line, d.col, d.severity, d.message, d.hint] for d in problems]}}
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps({"key": self.key, "entries": self.entries}), durable=False)
