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
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from app.diagnostics import Diagnostic
from app.model import Wizard
from app.paths import Paths
from app.settings import Settings
from app.yamlsource import Located, SourceError, parse_yaml, read_bytes

__all__ = ["Credentials", "Library", "Lrs", "Policy", "Run", "Usage", "load_policy", "policy_in_force"]

Mode = Literal["glass", "black"]


def _setting_name(name: str) -> str:
    if name not in Settings.model_fields:
        names = list(Settings.model_fields)
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(names)
        raise ValueError(f"unknown setting '{name}' ({hint})")
    return name


def _absolute(path: Path) -> Path:
    path = path.expanduser()
    if not path.is_absolute():
        raise ValueError(f"'{path}' is not an absolute path (write the full path, e.g. /srv/wizards)")
    return path


Folder = Annotated[Path, AfterValidator(_absolute)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Library(_Section):
    folders: tuple[Folder, ...] = Field(
        (), description="Extra wizard folders (e.g. a network share), after the system-wide one.")


class Run(_Section):
    allowed: bool = Field(False, description="Whether wizards may start programs (`run` actions).")
    folders: tuple[Folder, ...] = Field(
        (), description="Only wizard files under these folders may; none given: the system-wide folder.")


class Usage(_Section):
    enabled: bool = Field(True, description="Record which wizards are used (never what is typed).")
    search_queries: bool = Field(False, description="Whether what people search for may be stored.")


class Credentials(_Section):
    """Where the LRS credentials come from: exactly one of env, file, inline."""

    env: str | None = Field(None, description="An environment variable holding 'key:secret'.")
    file: Folder | None = Field(None, description="A file holding 'key:secret', readable only by "
                                                 "root or the person.")
    inline: str | None = Field(None, description="'key:secret' in policy.yaml itself: only with "
                                                 "allow_inline, as the file is world-readable.")
    allow_inline: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> Credentials:
        given = [n for n in ("env", "file", "inline") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("credentials need exactly one of 'env', 'file' or 'inline'"
                             + (f", got {' and '.join(given)}" if given else ""))
        return self

    def read(self, env: Mapping[str, str] | None = None) -> str | None:
        """The credentials ('key:secret'), or None where they cannot be had. Never logged."""
        env = os.environ if env is None else env
        if self.env is not None:
            return env.get(self.env) or None
        if self.file is not None:
            try:
                return self.file.read_text(encoding="utf-8").strip() or None
            except OSError:
                return None
        return self.inline


class Lrs(_Section):
    endpoint: str = Field(description="The xAPI endpoint of the Learning Record Store.")
    credentials: Credentials | None = None

    @model_validator(mode="after")
    def _https(self) -> Lrs:
        if not self.endpoint.startswith(("https://", "http://")):
            raise ValueError(f"'endpoint': not a web address: {self.endpoint!r} (write https://…)")
        return self


class Policy(_Section):
    settings: Settings = Field(default_factory=Settings,
                               description="Values for the person's settings.")
    locked: tuple[Annotated[str, AfterValidator(_setting_name)], ...] = Field(
        (), description="Settings the person cannot change.")
    modes: tuple[Mode, ...] = Field(("glass", "black"), description="The modes wizards may run in.")
    library: Library = Field(default_factory=Library)
    run: Run = Field(default_factory=Run)
    usage: Usage = Field(default_factory=Usage)
    lrs: Lrs | None = Field(None, description="Where usage statements are sent; none: nowhere.")

    @field_validator("modes")
    @classmethod
    def _some_mode(cls, modes: tuple[str, ...]) -> tuple[str, ...]:
        if not modes:
            raise ValueError("at least one mode must be allowed: glass or black")
        return modes

    _source: Path | None = PrivateAttr(None)
    _origin: str = PrivateAttr("no policy file: the defaults")

    @property
    def source(self) -> Path | None:
        """The file this policy came from; None when there was none (the defaults)."""
        return self._source

    @property
    def origin(self) -> str:
        """Where it came from, for `wayguide doctor`."""
        return self._origin

    @property
    def library_folders(self) -> tuple[Path, ...]:
        return self.library.folders

    def allows_run(self, wizard_path: Path | None) -> bool:
        """Whether a wizard loaded from this file may perform `run` actions."""
        if not self.run.allowed or wizard_path is None:
            return False
        real = Path(os.path.realpath(wizard_path))
        return any(real.is_relative_to(os.path.realpath(folder)) for folder in self.run.folders)

    def allows_mode(self, mode: str) -> bool:
        return mode in self.modes

    def restrict(self, wizard: Wizard) -> Wizard | None:
        """The wizard limited to the allowed modes; None when it allows none of them."""
        modes = [m for m in wizard.allowed_modes if m in self.modes]
        if not modes:
            return None
        if tuple(modes) == wizard.allowed_modes:
            return wizard
        return wizard.model_copy(update={"modes": modes})

    def apply(self, settings: Settings) -> Settings:
        """The person's settings with the administrator's in force: locked ones always, the others
        only where the person chose nothing; a preferred mode that is not allowed goes."""
        update: dict[str, Any] = {name: getattr(self.settings, name) for name in self.locked}
        for name in self.settings.model_fields_set - settings.model_fields_set:
            update.setdefault(name, getattr(self.settings, name))
        mode = update.get("preferred_mode", settings.preferred_mode)
        if mode != "wizard" and mode not in self.modes:
            update["preferred_mode"] = "wizard"
        return settings.model_copy(update=update) if update else settings

    def summary(self) -> list[str]:
        """The policy in force, one line per part, for `wayguide doctor` (no secrets)."""
        set_here = sorted(self.settings.model_fields_set)
        lines = [
            "settings: " + (", ".join(f"{n}={getattr(self.settings, n)}" for n in set_here) or "none set"),
            "locked: " + (", ".join(self.locked) or "nothing"),
            "modes: " + ", ".join(self.modes),
            "library folders: " + (", ".join(map(str, self.library.folders)) or "none"),
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


def policy_in_force(paths: Paths, env: Mapping[str, str] | None = None) -> tuple[Policy, list[Diagnostic]]:
    """The policy for this machine: WAYGUIDE_POLICY's file, else the system one (paths.policy_file)."""
    env = os.environ if env is None else env
    return load_policy(paths.policy_file, "WAYGUIDE_POLICY" if env.get("WAYGUIDE_POLICY") else "system")


def load_policy(path: Path, origin: str = "system") -> tuple[Policy, list[Diagnostic]]:
    """The policy in `path`, or the defaults; never raises for anything in the file.

    `origin` says how the path was chosen ("system" or "WAYGUIDE_POLICY")."""
    from app.loader import validate_document

    name = str(path)
    if not path.exists():
        policy = Policy()
        policy._origin = f"no policy file at {path} ({origin}): the defaults"
        return policy, []
    try:
        raw = read_bytes(path)
        if _only_comments(raw):  # the packaged policy: everything commented out, the defaults
            policy = Policy()
            policy._source, policy._origin = path, f"{path} ({origin}; nothing set: the defaults)"
            return policy, []
        located = parse_yaml(raw)
    except SourceError as exc:
        return _defaults(path, origin), [Diagnostic(name, exc.line, exc.col, "error", exc.message,
                                                    _fallback(exc.hint))]
    found, problems = validate_document(name, located, Policy, "a policy file")
    if found is None:
        problems = [_with_fallback(p) for p in problems]
        kept = {}
        if isinstance(located.data, dict):  # keep the sections that are right on their own
            for key, value in located.data.items():
                alone = Located({key: value}, located.text, located.root)
                part, errors = validate_document(name, alone, Policy, "a policy file")
                if part is not None and not errors:
                    kept[key] = value
        found = Policy.model_validate(kept)
    policy, more = _check_secrets(found, path, located)
    policy = _trusted_run_folders(policy)
    policy._source, policy._origin = path, f"{path} ({origin})"
    return policy, problems + more


def _only_comments(raw: bytes) -> bool:
    return all(not line.strip() or line.lstrip().startswith((b"#", b"---")) for line in raw.splitlines())


def _defaults(path: Path, origin: str) -> Policy:
    policy = Policy()
    policy._source, policy._origin = path, f"{path} ({origin}; not usable: the defaults)"
    return policy


def _fallback(hint: str | None) -> str:
    return f"{hint}; the defaults apply" if hint else "the defaults apply"


def _with_fallback(problem: Diagnostic) -> Diagnostic:
    """The problem, its hint saying that the section's defaults apply (a hint written into the
    message by a validator, "message (hint)", is moved out of it)."""
    if not problem.is_error:
        return problem
    message, hint = problem.message, problem.hint
    inner = re.fullmatch(r"(.*?) \((.*)\)", message)
    if hint is None and inner:
        message, hint = inner.groups()
    return Diagnostic(problem.path, problem.line, problem.col, problem.severity, message,
                      f"{hint}; this section's defaults apply" if hint else "this section's defaults apply")


def _check_secrets(policy: Policy, path: Path, located: Located) -> tuple[Policy, list[Diagnostic]]:
    """LRS credentials written in a world-readable policy are refused unless the admin insists."""
    creds = policy.lrs.credentials if policy.lrs is not None else None
    if creds is None:
        return policy, []
    if creds.inline is not None and not creds.allow_inline and _world_readable(path):
        line, col = located.position(("lrs", "credentials", "inline"))
        return policy.model_copy(update={"lrs": None}), [Diagnostic(
            str(path), line, col, "error", "LRS credentials written in a file everyone can read",
            "use 'file:' (readable only by root) or 'env:', or add 'allow_inline: true'; "
            "nothing is sent")]
    if creds.file is not None and _world_readable(creds.file):
        line, col = located.position(("lrs", "credentials", "file"))
        return policy, [Diagnostic(str(path), line, col, "warning",
                                   f"the LRS credentials file {creds.file} can be read by everyone",
                                   f"chmod 600 {creds.file}")]
    return policy, []


def _world_readable(path: Path) -> bool:
    try:
        return bool(os.stat(path).st_mode & stat.S_IROTH)
    except OSError:
        return False


def _trusted_run_folders(policy: Policy) -> Policy:
    """`run` allowed without folders: from the system-wide wizard folder only (admin-writable)."""
    if not policy.run.allowed or policy.run.folders:
        return policy
    system = Paths.from_env({}).system_wizards
    return policy.model_copy(update={"run": policy.run.model_copy(update={"folders": (system,)})})
