"""Usage data of the tray app: where it is kept, what the policy lets it keep and send, and the
Insights report opened from the tray."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from app.paths import Paths

if TYPE_CHECKING:
    from app.policy.admin import Policy
    from app.ports import Opener
    from app.usage import UsageConfig
    from app.usage.recorder import Recorder

__all__ = ["open_insights", "usage_config", "usage_db"]

log = logging.getLogger(__name__)


def usage_db(paths: Paths) -> Path:
    from app.usage.store import DB_NAME

    return paths.data_dir / DB_NAME


def usage_config(policy: Policy, env: Mapping[str, str] | None = None) -> UsageConfig:
    """What usage data may be kept and sent (app.usage.config.usage_in_force: the admin policy
    decides where there is one). A problem is one line in the log, and the data then stays local."""
    from app.usage.config import usage_in_force

    sending = usage_in_force(policy, env)
    for problem in sending.problems:
        log.warning("%s", problem)
    return sending.config


def open_insights(paths: Paths, usage: Recorder, opener: Opener) -> Path | None:
    """Write the usage report as one HTML file in the cache dir and open it in the browser; the file
    when nothing could open it (to be said where it is), None otherwise."""
    from app.i18n import language, load
    from app.usage.formats import html
    from app.usage.report import build
    from app.usage.store import StoreError

    if usage.store is not None:
        usage.store.flush()
    target = paths.cache_dir / "insights.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        translations = load()  # the language the page speaks; its titles too, where the wizard has them
        target.write_text(html(build(usage_db(paths), language=language(translations)), translations),
                          encoding="utf-8")
    except (OSError, StoreError) as exc:
        log.error("wayguide: error: no insights report: %s", exc)
        return None
    return None if opener.open_url(str(target)) else target
