"""The administrator's policy (policy.yaml): what IT decides for every person on the machine.

Read from /etc/wayguide/policy.yaml on Linux (the system config folder on Windows and macOS;
`WAYGUIDE_POLICY` names another file). No file means the defaults below. A bad file never stops
the app: each problem is one positioned line, the sections in error fall back to their (safe)
defaults and the rest of the policy holds.

    settings:            # values for the person's settings (same names as settings.json)
      hotkey: ctrl+alt+space
    locked: [hotkey]     # settings the person cannot change (shown disabled)
    modes: [glass, black]
    library: {folders: [/srv/share/wizards]}
    run: {allowed: false, folders: []}   # `run` actions; no folders: the system-wide folder only
    usage: {enabled: true, search_queries: false}
    lrs:
      endpoint: https://lrs.example.com/xapi/
      credentials: {env: WAYGUIDE_LRS_AUTH}   # or {file: /etc/wayguide/lrs-credentials}

The file is checked (app/policy_check.py, with the wizard loader's positioned errors) only when its
bytes change; the result is kept in the cache folder, so the tray app waiting for its hotkey holds
no schema library for it.
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

from app.diagnostics import Diagnostic
from app.settings import Settings

if TYPE_CHECKING:
    from app.model import Wizard
    from app.paths import Paths

__all__ = ["Credentials", "Lrs", "Policy", "Run", "Usage", "load_policy", "policy_in_force"]

CACHE_FILE = "policy.json"
_CHECKING_CODE = ("policy.py", "policy_check.py", "loader.py", "yamlsource.py", "settings.py", "combo.py")


@dataclass(frozen=True)
class Credentials:
    """Where the LRS credentials ('key:secret') come from: exactly one of env, file, inline."""

    env: str | None = None
    file: Path | None = None
    inline: str | None = None
    allow_inline: bool = False

    def read(self, env: Mapping[str, str] | None = None) -> str | None:
        """The credentials, or None where they cannot be had. Never logged."""
        env = os.environ if env is None else env
        if self.env is not None:
            return env.get(self.env) or None
        if self.file is not None:
            try:
                return self.file.read_text(encoding="utf-8").strip() or None
            except OSError:
                return None
        return self.inline


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
            f"{'stored' if self.usage.search_queries else 'not stored'}",
        ]
        if self.lrs is None:
            lines.append("LRS: none (nothing is sent)")
        else:
            creds = self.lrs.credentials
            where = ("none" if creds is None else f"environment variable {creds.env}" if creds.env
                     else f"file {creds.file}" if creds.file else "written in the policy file")
            lines.append(f"LRS: {self.lrs.endpoint} (credentials: {where})")
        return lines

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for name in ("source", "origin"):
            del data[name]
        return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Policy:
        lrs = data.get("lrs")
        creds = lrs.get("credentials") if lrs else None
        return cls(
            settings=dict(data["settings"]), locked=tuple(data["locked"]), modes=tuple(data["modes"]),
            library_folders=tuple(Path(p) for p in data["library_folders"]),
            run=Run(bool(data["run"]["allowed"]), tuple(Path(p) for p in data["run"]["folders"])),
            usage=Usage(**data["usage"]),
            lrs=None if not lrs else Lrs(lrs["endpoint"], None if not creds else Credentials(
                creds["env"], Path(creds["file"]) if creds["file"] else None, creds["inline"],
                bool(creds["allow_inline"]))),
        )


def _plain(value: Any) -> str:
    return ",".join(value) if isinstance(value, tuple | list) else str(value)


def policy_in_force(paths: Paths, env: Mapping[str, str] | None = None) -> tuple[Policy, list[Diagnostic]]:
    """The policy for this machine: WAYGUIDE_POLICY's file, else the system one (paths.policy_file)."""
    env = os.environ if env is None else env
    origin = "WAYGUIDE_POLICY" if env.get("WAYGUIDE_POLICY") else "system"
    return load_policy(paths.policy_file, origin, paths.cache_dir)


def load_policy(path: Path, origin: str = "system",
                cache_dir: Path | None = None) -> tuple[Policy, list[Diagnostic]]:
    """The policy in `path`, or the defaults; never raises for anything in the file.

    `origin` says how the path was chosen ("system" or "WAYGUIDE_POLICY"). With a cache folder, a
    file whose exact bytes (and readability) were checked before is not checked again."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Policy(origin=f"no policy file at {path} ({origin}): the defaults"), []
    except OSError as exc:
        return Policy(source=path, origin=f"{path} ({origin}; not readable: the defaults)"), [
            Diagnostic(str(path), 1, 1, "error", f"cannot read: {exc.strerror or exc}", "the defaults apply")]
    if all(not line.strip() or line.lstrip().startswith((b"#", b"---")) for line in raw.splitlines()):
        return Policy(source=path, origin=f"{path} ({origin}; nothing set: the defaults)"), []
    key = hashlib.sha256(raw).hexdigest() + ("-world" if _world_readable(path) else "")
    cache = _Cache(cache_dir / CACHE_FILE if cache_dir is not None else None)
    found = cache.get(key, str(path))
    if found is None:
        from app.policy_check import check_policy  # pydantic and the loader: only for a changed file

        found = check_policy(path, raw, _world_readable(path))
        cache.put(key, *found)
    policy, problems, credentials_at = found
    if policy.lrs is not None and policy.lrs.credentials is not None and policy.lrs.credentials.file \
            and _world_readable(policy.lrs.credentials.file):
        file = policy.lrs.credentials.file
        problems = [*problems, Diagnostic(str(path), *credentials_at, "warning",
                                          f"the LRS credentials file {file} can be read by everyone",
                                          f"chmod 600 {file}")]
    return dataclasses.replace(policy, source=path, origin=f"{path} ({origin})"), problems


def _world_readable(path: Path) -> bool:
    try:
        return bool(os.stat(path).st_mode & stat.S_IROTH)
    except OSError:
        return False


Checked = tuple[Policy, list[Diagnostic], tuple[int, int]]
"""A checked policy, its problems, and where its credentials file is named (line, col)."""


class _Cache:
    """policy.json in the cache folder: {check-code key, {file digest: checked policy}}."""

    def __init__(self, path: Path | None) -> None:
        from app.cache import code_key

        self.path = path
        self.key = code_key(_CHECKING_CODE)
        self.entries: dict[str, Any] = {}
        if path is not None:
            with contextlib.suppress(OSError, ValueError):
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("key") == self.key and isinstance(
                        data.get("entries"), dict):
                    self.entries = data["entries"]

    def get(self, key: str, name: str) -> Checked | None:
        entry = self.entries.get(key)
        try:
            return (Policy.from_json(entry["policy"]),
                    [Diagnostic(name, *d) for d in entry["diagnostics"]],
                    tuple(entry["credentials_at"])) if entry else None
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, key: str, policy: Policy, problems: list[Diagnostic], at: tuple[int, int]) -> None:
        if self.path is None:
            return
        self.entries = {key: {"policy": policy.to_json(), "credentials_at": list(at), "diagnostics": [
            [d.line, d.col, d.severity, d.message, d.hint] for d in problems]}}  # one policy per machine
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".policy-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                json.dump({"key": self.key, "entries": self.entries}, stream)
            os.replace(tmp, self.path)
