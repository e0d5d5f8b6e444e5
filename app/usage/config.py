"""What usage data may be kept and where it may go: the admin policy decides where there is a
policy file (the environment can then only switch recording off); else the environment may."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from app.i18n import N_, Phrase

if TYPE_CHECKING:
    from app.policy.admin import Policy

__all__ = ["LrsConfig", "Sending", "UsageConfig", "usage_in_force"]

NOTHING_SENT = N_("nothing is sent: {why}")


@dataclass(frozen=True)
class LrsConfig:
    """The customer's Learning Record Store: its xAPI endpoint (…/xAPI/) and basic-auth credentials."""

    endpoint: str
    username: str
    password: str = field(repr=False)
    homepage: str = ""
    """The actor account's homePage; default: the endpoint's origin."""
    retry_first: float = 1.0
    """Seconds before the first retry; each further failure doubles it, up to `retry_max`."""
    retry_max: float = 300.0

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"

    @property
    def account_homepage(self) -> str:
        if self.homepage:
            return self.homepage
        parts = urlsplit(self.endpoint)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class UsageConfig:
    enabled: bool = True
    store_queries: bool = False
    """Keep the text of searches; off unless the admin policy allows it."""
    lrs: LrsConfig | None = None
    retention_days: int = 180
    """Events (and statements not yet sent) older than this are deleted at start-up."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> tuple[UsageConfig, list[str]]:
        """From WAYGUIDE_USAGE (off/on), WAYGUIDE_USAGE_QUERIES, WAYGUIDE_LRS_ENDPOINT,
        WAYGUIDE_LRS_USERNAME, WAYGUIDE_LRS_PASSWORD or WAYGUIDE_LRS_PASSWORD_FILE, and
        WAYGUIDE_LRS_HOMEPAGE; with one line per problem found (the LRS is then left out)."""
        env = os.environ if env is None else env
        problems: list[str] = []
        enabled = _flag(env.get("WAYGUIDE_USAGE", "on"))
        queries = _flag(env.get("WAYGUIDE_USAGE_QUERIES", "off"))
        lrs = None
        endpoint = env.get("WAYGUIDE_LRS_ENDPOINT", "").strip()
        if endpoint:
            password = env.get("WAYGUIDE_LRS_PASSWORD", "")
            secret_file = env.get("WAYGUIDE_LRS_PASSWORD_FILE", "")
            if secret_file:
                try:
                    password = Path(secret_file).read_text(encoding="utf-8").strip()
                except OSError as exc:
                    problems.append(f"{secret_file}: error: cannot read the LRS password "
                                    f"({exc.strerror})")
            lrs, problem = _lrs(endpoint, env.get("WAYGUIDE_LRS_USERNAME", ""), password,
                                env.get("WAYGUIDE_LRS_HOMEPAGE", ""))
            if problem:
                problems.append(problem)
        return cls(enabled, queries, lrs), problems


def _lrs(endpoint: str, username: str, password: str, homepage: str) -> tuple[LrsConfig | None, str]:
    from app.policy.build import lrs_endpoint_problem

    problem = lrs_endpoint_problem(endpoint)
    if problem is not None:
        return None, f"wayguide: error: WAYGUIDE_LRS_ENDPOINT: {problem} (usage data stays local)"
    if not username or not password:
        return None, "wayguide: error: the LRS needs a username and a password (usage data stays local)"
    return LrsConfig(endpoint, username, password, homepage), ""


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("0", "off", "no", "false", "")


@dataclass(frozen=True)
class Sending:
    """The usage configuration in force, the problems to say at start-up, and the truth about
    where statements go, in one line, for `wayguide doctor`."""

    config: UsageConfig
    problems: tuple[str, ...]
    lrs: Phrase
    """Where statements are sent and why, or why nothing is sent."""
    trouble: bool
    """An LRS was meant to be used but cannot be, or it is reached over plain http."""


_ENV_LRS = ("WAYGUIDE_LRS_ENDPOINT", "WAYGUIDE_LRS_USERNAME", "WAYGUIDE_LRS_PASSWORD",
            "WAYGUIDE_LRS_PASSWORD_FILE", "WAYGUIDE_LRS_HOMEPAGE")


def usage_in_force(policy: Policy, env: Mapping[str, str] | None = None) -> Sending:
    """What usage data may be kept and sent. Where a policy file is in force it decides, and the
    environment can only switch recording off (WAYGUIDE_USAGE=off); where there is none, the
    environment may configure an LRS."""
    env = os.environ if env is None else env
    from_env, problems = UsageConfig.from_env(env)
    enabled = from_env.enabled and policy.usage.enabled
    trouble = False
    if policy.source is None:
        queries, lrs = from_env.store_queries, from_env.lrs
        if lrs is not None:
            where = Phrase(N_("{endpoint} (from WAYGUIDE_LRS_ENDPOINT: there is no policy file)"),
                           endpoint=lrs.endpoint)
        elif env.get("WAYGUIDE_LRS_ENDPOINT", "").strip():
            where, trouble = Phrase(NOTHING_SENT, why="; ".join(p.removeprefix("wayguide: error: ")
                                                                for p in problems)), True
        else:
            where = Phrase(NOTHING_SENT, why=Phrase(N_("no LRS is configured")))
    else:
        queries, lrs = policy.usage.search_queries, None
        problems = []  # the environment's LRS is not asked
        ignored = sorted(n for n in _ENV_LRS if env.get(n))
        aside = (Phrase(N_(" ({names} ignored: the policy decides)"), names=", ".join(ignored)) if ignored
                 else "")
        if policy.lrs is None:
            where = Phrase(NOTHING_SENT, why=Phrase(N_("the policy names no LRS{aside}"), aside=aside))
        else:
            creds = policy.lrs.credentials
            secret, why = (creds.fetch(env) if creds is not None
                           else (None, Phrase(N_("the policy names none"))))
            username, colon, password = (secret or "").partition(":")
            if colon and username and password:
                lrs = LrsConfig(policy.lrs.endpoint, username, password)
                where = Phrase(N_("{endpoint} (from the policy){aside}"), endpoint=policy.lrs.endpoint,
                               aside=aside)
            else:
                why = why or Phrase(N_("the credentials are not 'key:secret'"))
                problems.append(f"wayguide: error: no usage data is sent to the LRS the policy names: "
                                f"{why}")
                where, trouble = Phrase(NOTHING_SENT, why=Phrase("{why}{aside}", why=why, aside=aside)), True
    if lrs is not None and not enabled:
        where, lrs = Phrase(NOTHING_SENT, why=Phrase(N_("usage data is off"))), None
    elif lrs is not None and urlsplit(lrs.endpoint).scheme == "http":
        where, trouble = Phrase(N_("{where}; plain http: use https unless the LRS runs on this machine"),
                                where=where), True
    config = UsageConfig(enabled, queries, lrs, policy.usage.retention_days)
    return Sending(config, tuple(problems), where, trouble)
