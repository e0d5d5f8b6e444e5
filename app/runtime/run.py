"""A run in progress: its wizard, engine and state, who waits for its end, and how its steps ended."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import gettext

    from app.engine import RunState
    from app.format.model import Wizard
    from app.platform.ipc_server import Reply
    from app.ports import Activity, WindowInfo

__all__ = ["Run", "steps_summary"]


class Run:
    """The run in progress: its wizard, engine and state, and who waits for its end."""

    def __init__(self, wizard: Wizard, reply: Reply | None, path: Path | None = None,
                 translations: gettext.NullTranslations | None = None) -> None:
        from app.engine import Engine

        self.wizard = wizard
        self.path = path
        """The wizard's file: the admin policy allows `run` actions by where it lies."""
        from app.format.wording import ENGLISH

        self.translations = translations or ENGLISH
        """The person's language: the engine's and the performer's messages are said in it."""
        self.engine = Engine(wizard, self.translations)
        self.state: RunState = self.engine.initial()
        self.reply = reply
        self.stop = threading.Event()
        """Set when the run ends: actions being performed stop at once."""
        self.refused = ""
        """Why the policy lets this wizard do nothing for the person (one sentence); "" when it may."""
        self.target: WindowInfo | None = None
        """The window keys go to; set by `focus` actions."""
        self.took_over: Activity | None = None
        """What the person did to stop the actions being performed (set on the monitor's thread)."""
        self.took_over_at = 0.0


def steps_summary(state: RunState, translations: gettext.NullTranslations | None = None) -> str:
    """How the steps of a run ended, e.g. "6 steps: 4 noticed, 2 done for you" (in the language of
    `translations`, English by default; the counts as its plural rules say them)."""
    from app.format.wording import ENGLISH

    tr = translations or ENGLISH
    names = {"detected": tr.gettext("{count} noticed"), "person": tr.gettext("{count} done by you"),
             "chosen": tr.gettext("{count} chosen"), "answered": tr.gettext("{count} answered"),
             "automated": tr.gettext("{count} done for you"), "skipped": tr.gettext("{count} skipped")}
    outcomes = [h.outcome for h in state.history if h.outcome in names]
    if not outcomes:
        return tr.gettext("no steps")
    counts = ", ".join(name.format(count=outcomes.count(outcome)) for outcome, name in names.items()
                       if outcome in outcomes)
    steps = tr.ngettext("{count} step", "{count} steps", len(outcomes)).format(count=len(outcomes))
    return tr.gettext("{steps}: {outcomes}").format(steps=steps, outcomes=counts)
