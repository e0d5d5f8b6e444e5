"""How often, as authors write it: a nudge's `every` ("7d", "12h", "2w", "90m"). The grammar lives in the
format (the model validates it at load time) and app.learning.nudge reads the seconds from it."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["DAY", "DEFAULT_EVERY", "HOUR", "WEEK", "parse_every"]

HOUR: Final = 3600.0
DAY: Final = 24 * HOUR
WEEK: Final = 7 * DAY
DEFAULT_EVERY: Final = "7d"
"""A nudge that names no interval shows at most once a week."""

_EVERY: Final = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(m|h|d|w)\s*")
_UNITS: Final = {"m": 60.0, "h": HOUR, "d": DAY, "w": WEEK}


def parse_every(text: str) -> float:
    """A nudge interval as authors write it ("7d", "12h", "2w", "90m") in seconds; ValueError with the
    reason and a hint otherwise."""
    found = _EVERY.fullmatch(text)
    if found is None:
        raise ValueError(f"{text!r} is not an interval (write a number and m, h, d or w, e.g. 7d)")
    seconds = float(found[1]) * _UNITS[found[2]]
    if seconds < HOUR:
        raise ValueError(f"{text!r} is shorter than an hour (a nudge shown more often would nag; e.g. 7d)")
    return seconds
