"""Support that fades: once a person has done a task often enough with the guide alone, a run offers the
short version (the steps as a one-line checklist, each explanation a click away); steps they always finish
without opening "Why?" are shown condensed even in full guidance. The person can always go back to full
guidance, and their choice per wizard is kept on this computer (next to the usage data, and like it,
only while usage data is on)."""

from __future__ import annotations

import json
import logging
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias

from app.usage.progress import Progress

__all__ = ["DEFAULT_FADE_AFTER", "Choice", "Support", "SupportChoices", "support_for"]

log = logging.getLogger(__name__)

DEFAULT_FADE_AFTER = 3
"""Unaided glass-box completions after which the short version is offered (the policy's
`learning.fade_after` can fix another number; 0 never offers it)."""
MAX_FILE_BYTES = 1 << 20
Choice: TypeAlias = Literal["short", "full"]


@dataclass(frozen=True)
class Support:
    """How a run of one wizard is presented."""

    short: bool = False
    """The short version: a one-line checklist of the steps, each explanation a click away."""
    offer: bool = False
    """Offer the short version ("You know this one: show the short version")."""
    condensed: frozenset[str] = frozenset()
    """Steps shown condensed in full guidance (the explanation a click away): the person finished them at
    least `fade_after` times and never opened their "Why?"."""


def support_for(progress: Progress | None, choice: Choice | None, chosen_at: int,
                fade_after: int = DEFAULT_FADE_AFTER) -> Support:
    """The presentation of the next run: the person's `choice` for this wizard wins (made when they had
    `chosen_at` unaided runs); without one, the short version is offered after `fade_after` unaided runs.
    Having gone back to full guidance, it is offered again only after `fade_after` more."""
    if fade_after <= 0 or progress is None:
        return Support(short=choice == "short")
    condensed = frozenset(step for step, (done, helped) in progress.steps.items()
                          if done >= fade_after and helped == 0)
    if choice == "short":
        return Support(short=True, condensed=condensed)
    due = chosen_at + fade_after if choice == "full" else fade_after
    return Support(offer=progress.unaided >= due, condensed=condensed)


class SupportChoices:
    """The person's choice of short version or full guidance, per wizard, in a small JSON file. A file that
    cannot be read is said once in the log and treated as empty; it is replaced at the next choice."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._choices: dict[str, tuple[Choice, int]] | None = None

    def get(self, wizard_id: str) -> tuple[Choice | None, int]:
        """The choice for this wizard and the unaided runs when it was made; (None, 0) without one."""
        return self._read().get(wizard_id, (None, 0))

    def choose(self, wizard_id: str, choice: Choice, unaided: int) -> None:
        choices = self._read()
        choices[wizard_id] = (choice, unaided)
        data = {wizard: {"choice": c, "unaided": n} for wizard, (c, n) in sorted(choices.items())}
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".support-", dir=self._path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1)
            os.replace(tmp, self._path)
        except OSError as exc:
            log.warning("%s: error: your choice of short version is not kept: %s", self._path, exc.strerror)

    def _read(self) -> dict[str, tuple[Choice, int]]:
        if self._choices is None:
            self._choices = _parse(self._path)
        return self._choices


def _parse(path: Path) -> dict[str, tuple[Choice, int]]:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO put there must not hang the app
    except FileNotFoundError:
        return {}
    except OSError as exc:
        log.warning("%s:1:1: error: not read: %s (your choices of short version start afresh)", path,
                    exc.strerror)
        return {}
    try:
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise ValueError("not a regular file")
            text = file.read(MAX_FILE_BYTES + 1)
            if len(text) > MAX_FILE_BYTES:
                raise ValueError(f"larger than {MAX_FILE_BYTES} bytes")
            raw = json.loads(text or b"{}")
    except (OSError, ValueError, RecursionError) as exc:
        log.warning("%s:1:1: error: not read: %s (your choices of short version start afresh)", path, exc)
        return {}
    choices: dict[str, tuple[Choice, int]] = {}
    if not isinstance(raw, dict):
        return choices
    for wizard, entry in raw.items():
        if isinstance(entry, dict) and entry.get("choice") in ("short", "full") \
                and isinstance(entry.get("unaided", 0), int):
            choices[str(wizard)] = (entry["choice"], int(entry.get("unaided", 0)))
    return choices
