"""Checking policy.yaml: its schema (pydantic) and positioned one-line errors, through the wizard
loader's machinery. Imported only when the file's bytes changed (app/policy/admin.py keeps the result)."""

from __future__ import annotations

import dataclasses
import difflib
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
    field_validator,
    model_validator,
)

from app.format.diagnostics import Diagnostic, quote
from app.format.loader import validate_document
from app.format.source import Located, SourceError, parse_yaml
from app.paths import Paths
from app.policy.admin import (
    Automation,
    Checked,
    Credentials,
    Learning,
    Lrs,
    Policy,
    Run,
    Sources,
    Trust,
    Usage,
)
from app.policy.build import (
    MAX_FADE_AFTER,
    MAX_RETENTION_DAYS,
    STRICT_TRUST,
    absolute_folder,
    lrs_endpoint_problem,
    public_key,
    source_url_problem,
)
from app.policy.settings import Settings

__all__ = ["check_policy"]

SETTING_NAMES = [f.name for f in dataclasses.fields(Settings)]


def _setting_name(name: str) -> str:
    if name not in SETTING_NAMES:
        close = difflib.get_close_matches(name, SETTING_NAMES, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(SETTING_NAMES)
        raise ValueError(f"unknown setting {quote(name)} ({hint})")
    return name


def _absolute(path: Path) -> Path:
    return absolute_folder(path)  # the builder's own check: the two never disagree


def _setting(name: str) -> Any:
    def check(value: Any) -> Any:
        return getattr(Settings(**{name: value}), name)  # the person's own checks, normalised
    return check


def _source_url(url: str) -> str:
    problem = source_url_problem(url)
    if problem is not None:
        raise ValueError(problem)
    return url


Folder = Annotated[Path, AfterValidator(_absolute)]
Url = Annotated[str, AfterValidator(_source_url)]
Key = Annotated[Any, AfterValidator(public_key)]  # the builder's own check: the two never disagree


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_SettingsSection: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "Settings", __config__=ConfigDict(extra="forbid", frozen=True),
    **{name: (Annotated[Any, AfterValidator(_setting(name))], None) for name in SETTING_NAMES})


class _Library(_Section):
    folders: tuple[Folder, ...] = ()
    urls: tuple[Url, ...] = ()
    examples: bool = True
    personal: bool = True
    locked: bool = False


class _Trust(_Section):
    keys: tuple[Key, ...] = ()
    automation: Automation = "any"


class _Run(_Section):
    allowed: bool = False
    folders: tuple[Folder, ...] = ()


class _Usage(_Section):
    enabled: bool = True
    search_queries: bool = False
    retention_days: Annotated[int, Field(ge=1, le=MAX_RETENTION_DAYS, strict=True)] = 180


class _Learning(_Section):
    reviews: bool = True
    fade_after: Annotated[int, Field(ge=0, le=MAX_FADE_AFTER, strict=True)] = 3


class _Credentials(_Section):
    env: str | None = None
    file: Folder | None = None
    inline: str | None = None
    allow_inline: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> _Credentials:
        given = [n for n in ("env", "file", "inline") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("credentials need exactly one of 'env', 'file' or 'inline'"
                             + (f", got {' and '.join(given)}" if given else ""))
        return self


class _Lrs(_Section):
    endpoint: str
    credentials: _Credentials | None = None

    @model_validator(mode="after")
    def _web(self) -> _Lrs:
        problem = lrs_endpoint_problem(self.endpoint)
        if problem is not None:
            raise ValueError(f"'endpoint': {problem}")
        return self


class PolicyFile(_Section):
    settings: _SettingsSection = Field(default_factory=_SettingsSection)
    locked: tuple[Annotated[str, AfterValidator(_setting_name)], ...] = ()
    modes: tuple[Literal["glass", "black"], ...] = ("glass", "black")
    library: _Library = Field(default_factory=_Library)
    trust: _Trust = Field(default_factory=_Trust)
    run: _Run = Field(default_factory=_Run)
    usage: _Usage = Field(default_factory=_Usage)
    learning: _Learning = Field(default_factory=_Learning)
    lrs: _Lrs | None = None

    @field_validator("modes")
    @classmethod
    def _some_mode(cls, modes: tuple[str, ...]) -> tuple[str, ...]:
        if not modes:
            raise ValueError("at least one mode must be allowed: glass or black")
        return modes

    def policy(self) -> Policy:
        run = Run(self.run.allowed, self.run.folders)
        if run.allowed and not run.folders:  # from the system-wide wizard folder only (admin-writable)
            run = Run(True, (Paths.from_env({}).system_wizards,))
        creds = self.lrs.credentials if self.lrs is not None else None
        return Policy(
            settings={n: v for n, v in self.settings if v is not None},
            locked=self.locked, modes=self.modes, run=run,
            library=Sources(self.library.folders, self.library.urls, self.library.examples,
                            self.library.personal, self.library.locked),
            trust=Trust(self.trust.keys, self.trust.automation),
            usage=Usage(self.usage.enabled, self.usage.search_queries, self.usage.retention_days),
            learning=Learning(self.learning.reviews, self.learning.fade_after),
            lrs=None if self.lrs is None else Lrs(self.lrs.endpoint, None if creds is None else Credentials(
                creds.env, creds.file, creds.inline, creds.allow_inline)))


def check_policy(path: Path, raw: bytes, world_readable: bool) -> Checked:
    """The policy in these bytes, its problems, and where the credentials file is named."""
    name = str(path)
    try:
        located = parse_yaml(raw)
    except SourceError as exc:
        hint = f"{exc.hint}; the defaults apply" if exc.hint else "the defaults apply"
        return Policy(), [Diagnostic(name, exc.line, exc.col, "error", exc.message, hint)], (1, 1)
    except (ValueError, RecursionError) as exc:  # whatever the parser let through: never a traceback
        return Policy(), [Diagnostic(name, 1, 1, "error", f"cannot be read: {exc}"[:200],
                                     "the defaults apply")], (1, 1)
    found, problems = validate_document(name, located, PolicyFile, "a policy file")
    if found is None:
        kept: dict[str, Any] = {}
        strict: set[tuple[int, int]] = set()
        if isinstance(located.data, dict):  # keep the sections that are right on their own
            for key, value in located.data.items():
                alone = Located({key: value}, located.text, located.root)
                part, errors = validate_document(name, alone, PolicyFile, "a policy file")
                if part is not None and not errors:
                    kept[key] = value
                elif key == "trust":  # never "any" by mistake: nothing automates until it is fixed
                    kept[key] = {"automation": "signed"}
                    strict |= {(e.line, e.col) for e in errors}
        problems = [_with_fallback(p, STRICT_TRUST if (p.line, p.col) in strict else None)
                    for p in problems]
        found = PolicyFile.model_validate(kept)
    policy = found.policy()
    creds = policy.lrs.credentials if policy.lrs is not None else None
    if creds is not None and creds.inline is not None and not creds.allow_inline and world_readable:
        line, col = located.position(("lrs", "credentials", "inline"))
        problems.append(Diagnostic(
            name, line, col, "error", "LRS credentials written in a file everyone can read",
            "use 'file:' (readable only by root) or 'env:', or add 'allow_inline: true'; nothing is sent"))
        policy = dataclasses.replace(policy, lrs=None)
    return policy, problems, located.position(("lrs", "credentials", "file"))


def _with_fallback(problem: Diagnostic, fallback: str | None = None) -> Diagnostic:
    """The problem, its hint saying that the section's defaults apply (a hint written into the
    message by a validator, "message (hint)", is moved out of it)."""
    if not problem.is_error:
        return problem
    message, hint = problem.message, problem.hint
    inner = re.fullmatch(r"(.*?) \((.*)\)", message)
    if hint is None and inner:
        message, hint = inner.groups()
    fallback = fallback or "this section's defaults apply"
    return Diagnostic(problem.path, problem.line, problem.col, problem.severity, message,
                      f"{hint}; {fallback}" if hint else fallback)
