"""Start-up in stages that fail alone: each says what went wrong in one line (in the log, and in the
panel when it first shows), a safe stand-in takes its place, and the other stages go on."""

from __future__ import annotations

import logging
from collections.abc import Callable

__all__ = ["StartupStages"]

log = logging.getLogger(__name__)


class StartupStages:
    def __init__(self) -> None:
        self.problems: list[str] = []
        """The stages that failed, one sentence each, until they are shown (then emptied)."""

    def run(self, what: str, work: Callable[[], object], instead: str) -> bool:
        """Run one stage; False (after saying so) when it failed."""
        try:
            work()
        except Exception as exc:  # one stage never stops the others
            self.failed(what, exc, instead)
            return False
        return True

    def failed(self, what: str, exc: BaseException, instead: str) -> None:
        from app.format.diagnostics import one_line

        reason = one_line(str(exc))[:200] or type(exc).__name__
        problem = f"{what[:1].upper()}{what[1:]} did not start ({reason}): {instead}."
        self.problems.append(problem)
        log.error("wayguide: error: %s", problem)
