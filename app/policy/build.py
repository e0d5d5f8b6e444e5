"""The admin policy built from policy.yaml itself, at every start, with plain checks (no schema
library): a section that is not entirely right falls back to its defaults, as app/policy/check.py
(which finds the positioned lines saying why) has it. The two agree; tests/unit/test_policy.py
holds them to it."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.format.diagnostics import Diagnostic
from app.policy.admin import (
    AUTOMATION,
    Credentials,
    Learning,
    Lrs,
    Policy,
    Run,
    Sources,
    Trust,
    Usage,
)
from app.policy.settings import Settings

__all__ = ["KEY_PREFIX", "STRICT_TRUST", "Invalid", "absolute_folder", "build_policy", "lrs_endpoint_problem",
           "public_key", "source_url_problem"]

SETTING_NAMES = tuple(f.name for f in dataclasses.fields(Settings))
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
"""Where an LRS may be reached over plain http (the data never leaves the machine)."""
MAX_RETENTION_DAYS = 36500
MAX_FADE_AFTER = 1000
KEY_PREFIX = "ed25519:"
"""A publisher's public key in the policy: this prefix, then the 32 raw key bytes in base64."""
STRICT_TRUST = "no wizard may do the work until this is fixed"
"""What a `trust` section in error means: automation for signed wizards only, and no key is trusted."""
_TRUE = {"1", "on", "t", "true", "y", "yes"}
_FALSE = {"0", "off", "f", "false", "n", "no"}


class Invalid(ValueError):
    """A section (or value) that is not right: its defaults apply."""


def build_policy(path: Path, raw: bytes, world_readable: bool
                 ) -> tuple[Policy, tuple[int, int], Diagnostic | None]:
    """The policy in these bytes, where its credentials file is named (line, col), and the one
    error line when the file cannot be parsed at all (the defaults then apply)."""
    from app.format.source import SourceError, parse_yaml

    try:
        located = parse_yaml(raw)
    except SourceError as exc:
        hint = f"{exc.hint}; the defaults apply" if exc.hint else "the defaults apply"
        return Policy(), (1, 1), Diagnostic(str(path), exc.line, exc.col, "error", exc.message, hint)
    except (ValueError, RecursionError) as exc:  # whatever the parser let through: never a traceback
        return Policy(), (1, 1), Diagnostic(str(path), 1, 1, "error", f"cannot be read: {exc}"[:200],
                                            "the defaults apply")
    return policy_from_data(located.data, world_readable), located.position(
        ("lrs", "credentials", "file")), None


def policy_from_data(data: Any, world_readable: bool) -> Policy:
    """The policy from the parsed document: each section that is right as written, the defaults
    for the others."""
    if not isinstance(data, dict):
        return Policy()
    default = Policy()
    values: dict[str, Any] = {}
    for key, build in _SECTIONS.items():
        if key in data:
            with contextlib.suppress(Invalid, ValueError, TypeError, RuntimeError):  # the defaults
                values[key] = build(data[key])
    if "trust" in data and "trust" not in values:  # never "any" by mistake (STRICT_TRUST)
        values["trust"] = Trust(automation="signed")
    library = values.get("library", default.library)
    run = values.get("run", default.run)
    if run.allowed and not run.folders:  # from the system-wide wizard folder only (admin-writable)
        from app.paths import Paths

        run = Run(True, (Paths.from_env({}).system_wizards,))
    lrs: Lrs | None = values.get("lrs")
    creds = lrs.credentials if lrs is not None else None
    if creds is not None and creds.inline is not None and not creds.allow_inline and world_readable:
        lrs = None
    return Policy(settings=values.get("settings", {}), locked=values.get("locked", default.locked),
                  modes=values.get("modes", default.modes), library=library,
                  trust=values.get("trust", default.trust), run=run, usage=values.get("usage", default.usage),
                  learning=values.get("learning", default.learning), lrs=lrs)


# ------------------------------------------------------------------ plain values


def _mapping(value: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict) or any(k not in allowed for k in value):
        raise Invalid("not a mapping of the known keys")
    return value


def _bool(value: Any) -> bool:
    """As pydantic's lax bool: true/false, 0/1, and the usual words."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise Invalid("not true or false")


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("not text")
    return value


def _list(value: Any, item: Callable[[Any], Any]) -> tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise Invalid("not a list")
    return tuple(item(v) for v in value)


def absolute_folder(value: Any) -> Path:
    """An absolute folder (`~` and `~user` expanded); Invalid, with the reason, otherwise."""
    if not isinstance(value, str | Path):
        raise Invalid("not a path")
    text = str(value)
    if text.startswith("~"):
        try:
            path = Path(text).expanduser()
        except RuntimeError:
            user = text[1:].split("/", 1)[0]
            raise Invalid(f"'{text}': cannot find the home folder of "
                          + (f"user '{user}'" if user else "this user")
                          + " (write the full path, e.g. /srv/wizards)") from None
    else:
        path = Path(text)
    if not path.is_absolute():
        raise Invalid(f"'{path}' is not an absolute path (write the full path, e.g. /srv/wizards)")
    return path


def lrs_endpoint_problem(endpoint: str) -> str | None:
    """Why statements (and the LRS credentials) must not go to `endpoint`, or None: https only,
    except on this machine."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(endpoint)
        host = parts.hostname
    except ValueError:
        return f"not a web address: {endpoint!r} (write https://…)"
    if parts.scheme not in ("http", "https") or not parts.netloc or not host:
        return f"not a web address: {endpoint!r} (write https://…)"
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        return (f"{endpoint!r} is plain http: the credentials and statements would cross the "
                "network readable (write https://…; http only for localhost)")
    return None


def source_url_problem(url: str) -> str | None:
    """Why wizards must not be fetched from `url`, or None: https with a host, no credentials in it."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # a bad port raises here
    except ValueError:
        return f"not a web address: {url!r} (write https://…)"
    if parts.scheme not in ("http", "https") or not host:
        return f"not a web address: {url!r} (write https://…)"
    if parts.scheme != "https":
        return f"{url!r} is plain http: anyone on the network could change the wizards (write https://…)"
    if parts.username is not None or parts.password is not None:
        return ("the address holds a user name or password, and the policy is read by everyone (write "
                "it without user:password@)")
    return None


def public_key(value: Any) -> bytes:
    """The 32 raw bytes of a key written `ed25519:BASE64`; Invalid, with the reason, otherwise."""
    import base64
    import binascii

    if not isinstance(value, str) or not value.startswith(KEY_PREFIX):
        raise Invalid("a key is written 'ed25519:' and its base64 (the line `wayguide keygen` writes "
                      "to KEYFILE.pub)")
    try:
        raw = base64.b64decode(value[len(KEY_PREFIX):].strip(), validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("the key after 'ed25519:' is not base64 (copy the whole line of KEYFILE.pub)") from None
    if len(raw) != 32:
        raise Invalid(f"an ed25519 public key is 32 bytes, this one is {len(raw)} (copy the whole line "
                      "of KEYFILE.pub)")
    return raw


# ------------------------------------------------------------------ sections


def _settings(value: Any) -> dict[str, Any]:
    given = _mapping(value, SETTING_NAMES)  # each value checked as the person's own, normalised
    return {name: getattr(Settings(**{name: v}), name) for name, v in given.items()}


def _locked(value: Any) -> tuple[str, ...]:
    names = _list(value, _str)
    if any(n not in SETTING_NAMES for n in names):
        raise Invalid("unknown setting")
    return names


def _modes(value: Any) -> tuple[str, ...]:
    modes = _list(value, _str)
    if not modes or any(m not in ("glass", "black") for m in modes):
        raise Invalid("modes are glass and black, at least one")
    return modes


def _url(value: Any) -> str:
    if source_url_problem(_str(value)) is not None:
        raise Invalid("url")
    return str(value)


def _library(value: Any) -> Sources:
    given = _mapping(value, ("folders", "urls", "examples", "personal", "locked"))
    return Sources(_list(given.get("folders", ()), absolute_folder), _list(given.get("urls", ()), _url),
                   _bool(given.get("examples", True)), _bool(given.get("personal", True)),
                   _bool(given.get("locked", False)))


def _trust(value: Any) -> Trust:
    given = _mapping(value, ("keys", "automation"))
    automation = given.get("automation", "any")
    if automation not in AUTOMATION:
        raise Invalid("automation")
    return Trust(_list(given.get("keys", ()), public_key), automation)


def _run(value: Any) -> Run:
    given = _mapping(value, ("allowed", "folders"))
    return Run(_bool(given.get("allowed", False)), _list(given.get("folders", ()), absolute_folder))


def _usage(value: Any) -> Usage:
    given = _mapping(value, ("enabled", "search_queries", "retention_days"))
    days = given.get("retention_days", Usage.retention_days)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_RETENTION_DAYS:
        raise Invalid("retention_days")
    return Usage(_bool(given.get("enabled", True)), _bool(given.get("search_queries", False)), days)


def _learning(value: Any) -> Learning:
    given = _mapping(value, ("reviews", "fade_after"))
    runs = given.get("fade_after", Learning.fade_after)
    if isinstance(runs, bool) or not isinstance(runs, int) or not 0 <= runs <= MAX_FADE_AFTER:
        raise Invalid("fade_after")
    return Learning(_bool(given.get("reviews", True)), runs)


def _lrs(value: Any) -> Lrs:
    given = _mapping(value, ("endpoint", "credentials"))
    if "endpoint" not in given:
        raise Invalid("no endpoint")
    endpoint = _str(given["endpoint"])
    if lrs_endpoint_problem(endpoint) is not None:
        raise Invalid("endpoint")
    creds = given.get("credentials")
    if creds is None:
        return Lrs(endpoint)
    c = _mapping(creds, ("env", "file", "inline", "allow_inline"))
    env = None if c.get("env") is None else _str(c["env"])
    file = None if c.get("file") is None else absolute_folder(c["file"])
    inline = None if c.get("inline") is None else _str(c["inline"])
    if sum(v is not None for v in (env, file, inline)) != 1:
        raise Invalid("exactly one of env, file, inline")
    return Lrs(endpoint, Credentials(env, file, inline, _bool(c.get("allow_inline", False))))


_SECTIONS: dict[str, Callable[[Any], Any]] = {
    "settings": _settings, "locked": _locked, "modes": _modes, "library": _library, "trust": _trust,
    "run": _run, "usage": _usage, "learning": _learning, "lrs": _lrs,
}
