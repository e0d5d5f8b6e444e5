"""How the task list words a person's progress with a task: quietly ("done 5×, last 3 weeks ago"), with
the detail in the tooltip. The progress itself comes from the usage store (app.usage.progress)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QCoreApplication, QDateTime

__all__ = ["TaskProgress", "ago", "progress_line", "progress_tip"]

_CONTEXT = "TaskProgress"


class TaskProgress(Protocol):
    """What the list needs of a person's progress with one task (app.usage.progress.Progress)."""

    @property
    def done(self) -> int: ...
    @property
    def unaided(self) -> int: ...
    @property
    def last(self) -> float: ...
    @property
    def weight(self) -> float: ...
    def trend(self) -> str: ...


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate(_CONTEXT, text, None, n)


def _days(epoch: float, now: float) -> int:
    then = QDateTime.fromSecsSinceEpoch(int(epoch)).date()
    return int(then.daysTo(QDateTime.fromSecsSinceEpoch(int(now)).date()))


def ago(epoch: float, now: float) -> str:
    """When, in calendar days as the person lives them: "today", "yesterday", "3 days ago", "3 weeks ago",
    "4 months ago", "over a year ago"."""
    return _days_ago(_days(epoch, now))


def _days_ago(days: int) -> str:
    if days <= 0:
        return _tr("today")
    if days == 1:
        return _tr("yesterday")
    if days < 14:
        return _tr("%n days ago", days)
    if days < 60:
        return _tr("%n weeks ago", days // 7)
    if days < 365:
        return _tr("%n months ago", days // 30)
    return _tr("over a year ago")


def progress_line(progress: TaskProgress, now: float) -> str:
    """"done 5×, last 3 weeks ago" ("done 2×, yesterday")."""
    days = _days(progress.last, now)
    when = _days_ago(days)
    if days <= 1:
        return _tr("done %n×, %1", progress.done).replace("%1", when)
    return _tr("done %n×, last %1", progress.done).replace("%1", when)


def progress_tip(progress: TaskProgress, now: float) -> str:
    """The detail, for the tooltip: how often without help, and whether the person is getting faster."""
    lines = [_tr("Done %n× so far; last time: %1.", progress.done).replace("%1", ago(progress.last, now))]
    if progress.unaided:
        lines.append(_tr("%n× with the guide alone, without help.", progress.unaided))
    trend = {"faster": _tr("Your last runs were faster than before."),
             "slower": _tr("Your last runs took longer than before."),
             "steady": _tr("Your runs take about the same time.")}.get(progress.trend())
    if trend:
        lines.append(trend)
    return "\n".join(lines)
