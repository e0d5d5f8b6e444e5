"""Usage data: what was run and how it went, never what anyone typed.

`Recorder` turns what the composition root sees (runs starting, engine transitions, "Why?" opened,
searches) into `UsageEvent`s; `Store` writes them to SQLite on its own thread; `report` summarises
them and `formats` writes the summary as a table, CSV, JSON or HTML (`charts`); `xapi` turns them
into xAPI statements and `Sender` delivers those to the customer's LRS.
None of it imports Qt.
"""

from app.usage.config import LrsConfig, UsageConfig
from app.usage.events import UsageEvent
from app.usage.recorder import Recorder

__all__ = ["LrsConfig", "Recorder", "UsageConfig", "UsageEvent"]
