"""What usage data may be kept and where it may go: built by the composition root (from the admin
policy where there is one, else the environment)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["LrsConfig", "UsageConfig"]


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
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None, (f"wayguide: error: LRS endpoint '{endpoint}' is not an http(s) URL "
                      "(e.g. https://lrs.example.com/xAPI/)")
    if not username or not password:
        return None, "wayguide: error: the LRS needs a username and a password (usage data stays local)"
    return LrsConfig(endpoint, username, password, homepage), ""


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("0", "off", "no", "false", "")
