"""The administrator's policy (policy.yaml): what IT decides for every person on the machine.

Read from /etc/wayguide/policy.yaml on Linux (the system config folder on Windows and macOS);
where that file does not exist, `WAYGUIDE_POLICY` may name another one (for trying a policy out):
a person cannot replace the system policy. No file means the defaults below. A bad file never stops
the app: each problem is one positioned line, the sections in error fall back to their (safe)
defaults and the rest of the policy holds.

    settings:            # values for the person's settings (same names as settings.json)
      hotkey: ctrl+alt+space
    locked: [hotkey]     # settings the person cannot change (shown disabled)
    modes: [glass, black]
    library: {folders: [/srv/share/wizards]}
    run: {allowed: false, folders: []}   # `run` actions; no folders: the system-wide folder only
    usage: {enabled: true, search_queries: false, retention_days: 180}
    lrs:
      endpoint: https://lrs.example.com/xapi/
      credentials: {env: WAYGUIDE_LRS_AUTH}   # or {file: /etc/wayguide/lrs-credentials}

The policy is built from the file at every start (app/policy/build.py: plain checks, no schema
library). The file's problems, as positioned lines, come from app/policy/check.py (pydantic and the
wizard loader's machinery) only when its bytes change; those lines, and never the policy, are kept
in the cache folder, which the person can write.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.format.diagnostics import Diagnostic
from app.format.files import read_regular
from app.policy.settings import Settings

if TYPE_CHECKING:
    from app.format.model import Wizard
    from app.paths import Paths

__all__ = ["Credentials", "Lrs", "Policy", "Run", "Usage", "load_policy", "policy_in_force"]

CACHE_FILE = "policy.json"
_CHECKING_CODE = ("policy.py", "policy_check.py", "policy_build.py", "loader.py", "yamlsource.py",
                  "settings.py", "combo.py")


@dataclass(frozen=True)
class Credentials:
    """Where the LRS credentials ('key:secret') come from: exactly one of env, file, inline."""

    env: str | None = None
    file: Path | None = None
    inline: str | None = None
    allow_inline: bool = False

    def read(self, env: Mapping[str, str] | None = None) -> str | None:
        """The credentials, or None where they cannot be had. Never logged."""
        return self.fetch(env)[0]

    def fetch(self, env: Mapping[str, str] | None = None) -> tuple[str | None, str]:
        """The credentials, or None and why not (one clause naming the fix, for `wayguide doctor`
        and the app's start-up line; never the secret itself)."""
        env = os.environ if env is None else env
        if self.env is not None:
            found = env.get(self.env) or None
            return found, "" if found else f"the environment variable {self.env} is not set"
        if self.file is not None:
            try:
                found = self.file.read_text(encoding="utf-8").strip() or None
            except PermissionError:
                return None, (f"the credentials file {self.file} cannot be read by this user "
                              "(permission denied): make it readable by the group 'wayguide' "
                              f"(chgrp wayguide {self.file}; chmod 640 {self.file}) and add the "
                              "person to that group; see the README, 'Sending usage data'")
            except FileNotFoundError:
                return None, f"the credentials file {self.file} does not exist"
            except (OSError, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not text"
                return None, f"the credentials file {self.file} cannot be read ({reason})"
            return found, "" if found else f"the credentials file {self.file} is empty"
        return self.inline, "" if self.inline else "the inline credentials are empty"


@dataclass(frozen=True)
class Lrs:
    endpoint: str
    """The xAPI endpoint of the Learning Record Store."""
    credentials: Credentials | None = None


@dataclass(frozen=True)
class Run:
    allowed: bool = False
    """Whether wizards may start programs (`run` actions)."""
    folders: tuple[Path, ...] = ()
    """Only wizard files under these folders may (the system-wide folder when none were given)."""


@dataclass(frozen=True)
class Usage:
    enabled: bool = True
    """Record which wizards are used and how far people get (never what anybody types)."""
    search_queries: bool = False
    """Whether what people search for may be stored."""
    retention_days: int = 180
    """Usage events (and statements not yet sent) older than this are deleted at start-up."""


@dataclass(frozen=True)
class Policy:
    settings: Mapping[str, Any] = field(default_factory=dict)
    """Values for the person's settings (checked, normalised: Settings field names)."""
    locked: tuple[str, ...] = ()
    """Settings the person cannot change."""
    modes: tuple[str, ...] = ("glass", "black")
    library_folders: tuple[Path, ...] = ()
    """Extra wizard folders (e.g. a network share), after the system-wide one."""
    run: Run = field(default_factory=Run)
    usage: Usage = field(default_factory=Usage)
    lrs: Lrs | None = None
    """Where usage statements are sent; None: nowhere."""
    source: Path | None = field(default=None, compare=False)
    """The file it came from; None when there was none."""
    origin: str = field(default="no policy file: the defaults", compare=False)
    """Where it came from, in words, for `wayguide doctor`."""

    def allows_run(self, wizard_path: Path | None) -> bool:
        """Whether a wizard loaded from this file may perform `run` actions."""
        if not self.run.allowed or wizard_path is None:
            return False
        real = Path(os.path.realpath(wizard_path))
        return any(real.is_relative_to(os.path.realpath(folder)) for folder in self.run.folders)

    def allows_mode(self, mode: str) -> bool:
        return mode in self.modes

    def modes_for(self, allowed: tuple[str, ...]) -> tuple[str, ...]:
        """A wizard's modes (in its order) that the policy allows; empty: it cannot run here."""
        return tuple(m for m in allowed if m in self.modes)

    def restrict(self, wizard: Wizard) -> Wizard | None:
        """The wizard limited to the allowed modes; None when it allows none of them."""
        modes = self.modes_for(wizard.allowed_modes)
        if not modes:
            return None
        if modes == wizard.allowed_modes:
            return wizard
        return wizard.model_copy(update={"modes": list(modes)})

    def apply(self, settings: Settings) -> Settings:
        """The person's settings with the administrator's in force: locked ones always, the others
        where the person kept Wayguide's default; a preferred mode that is not allowed goes."""
        default = Settings()
        update: dict[str, Any] = {name: self.settings.get(name, getattr(default, name))
                                  for name in self.locked}
        for name, value in self.settings.items():
            if getattr(settings, name) == getattr(default, name):
                update.setdefault(name, value)
        mode = update.get("preferred_mode", settings.preferred_mode)
        if mode != "wizard" and mode not in self.modes:
            update["preferred_mode"] = "wizard"
        return settings.replace(**update) if update else settings

    def summary(self) -> list[str]:
        """The policy in force, one line per part, for `wayguide doctor` (no secrets)."""
        values = ", ".join(f"{n}={_plain(v)}" for n, v in sorted(self.settings.items()))
        lines = [
            f"settings: {values or 'none set'}",
            "locked: " + (", ".join(self.locked) or "nothing"),
            "modes: " + ", ".join(self.modes),
            "library folders: " + (", ".join(map(str, self.library_folders)) or "none"),
            "run actions: " + (("allowed from " + ", ".join(map(str, self.run.folders)))
                               if self.run.allowed else "not allowed"),
            f"usage data: {'on' if self.usage.enabled else 'off'}, search queries "
            f"{'stored' if self.usage.search_queries else 'not stored'}, kept "
            f"{self.usage.retention_days} days",
        ]
        if self.lrs is None:
            lines.append("LRS: none in the policy")
        else:
            creds = self.lrs.credentials
            where = ("none" if creds is None else f"environment variable {creds.env}" if creds.env
                     else f"file {creds.file}" if creds.file else "written in the policy file")
            lines.append(f"LRS: {self.lrs.endpoint} (credentials: {where})")
        return lines


def _plain(value: Any) -> str:
    return ",".join(value) if isinstance(value, tuple | list) else str(value)


def policy_in_force(paths: Paths, env: Mapping[str, str] | None = None) -> tuple[Policy, list[Diagnostic]]:
    """The policy for this machine: the system one (paths.policy_file) whenever that file exists;
    only where there is none may WAYGUIDE_POLICY (paths.policy_override) name another file."""
    env = os.environ if env is None else env
    system, override = paths.policy_file, paths.policy_override
    if not _exists(system):
        if override is not None:
            return load_policy(override, "WAYGUIDE_POLICY", paths.cache_dir)
        return load_policy(system, "system", paths.cache_dir)
    policy, problems = load_policy(system, "system", paths.cache_dir)
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


def load_policy(path: Path, origin: str = "system",
                cache_dir: Path | None = None) -> tuple[Policy, list[Diagnostic]]:
    """The policy in `path`, or the defaults; never raises for anything in the file.

    `origin` says how the path was chosen ("system" or "WAYGUIDE_POLICY"). The policy is built from
    the file itself at every call (app.policy.build, no schema library); only the file's problems
    (positioned lines, found by app.policy.check) are kept in the cache folder, by the digest of its
    bytes: what is in that user-writable folder can change a message, never the policy."""
    try:
        raw = read_regular(path, 4 << 20)  # never opens a FIFO or device (it would block)
    except FileNotFoundError:
        return Policy(origin=f"no policy file at {path} ({origin}): the defaults"), []
    except OSError as exc:
        return Policy(source=path, origin=f"{path} ({origin}; not readable: the defaults)"), [
            Diagnostic(str(path), 1, 1, "error", f"cannot read: {exc.strerror or exc}", "the defaults apply")]
    if all(not line.strip() or line.lstrip().startswith((b"#", b"---")) for line in raw.splitlines()):
        return Policy(source=path, origin=f"{path} ({origin}; nothing set: the defaults)"), []
    from app.policy.build import build_policy

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
    return dataclasses.replace(policy, source=path, origin=f"{path} ({origin})"), problems


def _world_readable(path: Path) -> bool:
    try:
        return bool(os.stat(path).st_mode & stat.S_IROTH)
    except OSError:
        return False


Checked = tuple[Policy, list[Diagnostic], tuple[int, int]]
"""A checked policy, its problems, and where its credentials file is named (line, col)."""


class _Cache:
    """policy.json in the cache folder: {check-code key, {file digest: the file's problems}}. Only
    diagnostics: the policy itself is always built from the file."""

    def __init__(self, path: Path | None) -> None:
        from app.format.cache import code_key

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
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".policy-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                json.dump({"key": self.key, "entries": self.entries}, stream)
            os.replace(tmp, self.path)
