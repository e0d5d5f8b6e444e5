"""`wayguide doctor`: what works on this desktop, and the exact advice where something does not."""

from __future__ import annotations

import gettext
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from app.i18n import ENGLISH, N_
from app.platform.desktop_facts import DesktopFacts, automation_problem, probe_facts
from app.platform.hotkeys import WAYLAND_HINT, hotkey_support

if TYPE_CHECKING:
    from app.format.diagnostics import Diagnostic
    from app.library.layers import Library
    from app.policy.admin import Policy, Sources

__all__ = ["Check", "DesktopFacts", "accessibility_check", "automation_problem", "checks", "library_check",
           "probe_facts", "report", "source_checks", "usage_checks"]

Verdict = Literal["ok", "warn", "fail"]
NAMES = (N_("display"), N_("global hotkey"), N_("automation"), N_("window manager"), N_("system tray"),
         N_("usage data"), N_("LRS outbox"), N_("LRS rejected"), N_("accessibility"), N_("library"),
         N_("source"), N_("log file"), N_("policy"), N_("LRS"))
"""The checks' names, said in the person's language where the report is printed."""


@dataclass(frozen=True)
class Check:
    name: str
    verdict: Verdict
    detail: str


def checks(facts: DesktopFacts, tr: gettext.NullTranslations = ENGLISH) -> list[Check]:
    _ = tr.gettext
    out: list[Check] = []
    if facts.session == "x11" and facts.display_error is None:
        out.append(Check("display", "ok", "X11"))
    elif facts.session == "wayland" and facts.display_error is None:
        out.append(Check("display", "warn", _("Wayland with XWayland: only X11 applications can be "
                                              "seen and driven")))
    elif facts.display_error is not None:
        out.append(Check("display", "fail", facts.display_error))
    else:
        out.append(Check("display", "ok", facts.session))

    can, advice = hotkey_support(facts.platform, facts.env, tr)
    if can and facts.platform.startswith("linux"):
        if facts.display_error is not None:
            can, advice = False, _("no X display: {hint}").format(hint=_(WAYLAND_HINT))
        elif "RECORD" not in facts.extensions:
            can, advice = False, _("the X server lacks the RECORD extension: {hint}").format(
                hint=_(WAYLAND_HINT))
        else:
            advice = _("X11 with the RECORD extension")
    out.append(Check("global hotkey", "ok" if can else "warn", advice))

    out.append(_automation(facts, tr))
    if facts.platform.startswith("linux") and facts.display_error is None:
        out.append(Check("window manager", "ok" if facts.window_manager else "warn",
                         facts.window_manager or _("none with EWMH: the panel cannot be placed beside the "
                                                   "window in front, and the window in front cannot be "
                                                   "known")))
        out.append(Check("system tray", "ok" if facts.tray else "warn",
                         _("present") if facts.tray else _("none: use the hotkey or `wayguide toggle`")))
    return out


def _automation(facts: DesktopFacts, tr: gettext.NullTranslations) -> Check:
    """Whether "Do it for me" can type and press keys here; where not, wizards run as glass box."""
    _ = tr.gettext
    problem = automation_problem(facts, tr)
    if problem is None:
        detail = (_("XTEST: types and presses keys in X11 applications")
                  if facts.platform.startswith("linux") else _("sends keys to the window in front"))
        return Check("automation", "ok", detail)
    if facts.platform == "darwin":
        return Check("automation", "warn", _("needs permission: System Settings ▸ Privacy & Security ▸ "
                                             "Accessibility, allow Wayguide"))
    return Check("automation", "warn", _("{problem}; wizards run as glass box: you do the steps, "
                                         "Wayguide explains them").format(problem=problem))


def usage_checks(data_dir: Path, now: float | None = None,
                 tr: gettext.NullTranslations = ENGLISH) -> list[Check]:
    """The xAPI outbox: statements waiting for the LRS, and those it refused (set aside)."""
    import sqlite3
    _ = tr.gettext

    from app.usage.store import DB_NAME
    from app.usage.xapi import outbox_status

    try:
        status = outbox_status(data_dir / DB_NAME)
    except (sqlite3.Error, ValueError) as exc:
        return [Check("usage data", "warn", _("{path}: cannot be read ({problem})").format(
            path=data_dir / DB_NAME, problem=exc))]
    if status is None or (status.pending + status.rejected == 0 and not status.last_error):
        return []
    out = []
    if status.pending:
        age = ""
        if status.oldest_pending is not None:
            minutes = max(0, round(((time.time() if now is None else now) - status.oldest_pending) / 60))
            age = _(", the oldest from {minutes} min ago").format(minutes=minutes)
        why = _("; last try: {problem}").format(problem=status.last_error) if status.last_error else ""
        waiting = tr.ngettext("{count} statement waiting to be sent", "{count} statements waiting to be sent",
                              status.pending).format(count=status.pending)
        out.append(Check("LRS outbox", "warn" if status.last_error else "ok", f"{waiting}{age}{why}"))
    elif status.last_error:
        out.append(Check("LRS outbox", "warn", _("last try: {problem}").format(problem=status.last_error)))
    if status.rejected:
        shown = "; ".join(status.rejections)
        refused = tr.ngettext("{count} statement refused by the LRS and set aside (not retried): {shown}",
                              "{count} statements refused by the LRS and set aside (not retried): {shown}",
                              status.rejected)
        out.append(Check("LRS rejected", "warn", refused.format(count=status.rejected, shown=shown)))
    return out


def accessibility_check(tr: gettext.NullTranslations = ENGLISH) -> Check:
    """Whether controls inside applications can be found (the AT-SPI bus on Linux)."""
    import sys

    if not sys.platform.startswith("linux"):
        return Check("accessibility", "warn", tr.gettext("no adapter for {platform} yet: steps find windows "
                                                         "only").format(platform=sys.platform))
    from app.platform.atspi_check import accessibility_check as probe

    works, detail = probe(tr)
    return Check("accessibility", "ok" if works else "warn", detail)


def library_check(library: Library, tr: gettext.NullTranslations = ENGLISH) -> Check:
    """How many wizards the library holds and from which layers, and the personal wizards a locked
    library does not use (their file, line and the company's wizard that wins)."""
    from app.library.layers import LOCKED_OUT

    layers = sorted({entry.layer for entry in library}, key=[layer.name for layer in library.layers].index)
    detail = tr.ngettext("{count} wizard", "{count} wizards", len(library)).format(count=len(library))
    if layers:
        detail = tr.gettext("{wizards} (from {layers})").format(wizards=detail,
                                                                 layers=", ".join(map(tr.gettext, layers)))
    locked_out = [str(d) for d in library.diagnostics() if d.message.endswith(LOCKED_OUT)]
    from app.library.signing import FolderTrust

    verdicts = library.verifier.verdicts() if isinstance(library.verifier, FolderTrust) else []
    doubted = [f"{verdict.folder}: {verdict.summary().said(tr)}" for verdict in verdicts
               if verdict.signed and not verdict.trusted]
    lines = "; ".join([detail, *doubted, *locked_out])
    return Check("library", "warn" if locked_out or doubted else "ok", lines)


def source_checks(copies: Path, sources: Sources, network: Callable[[Path], bool] | None = None,
                  tr: gettext.NullTranslations = ENGLISH) -> list[Check]:
    """Each HTTPS source and each policy folder on a network share (`network`: the mount table by
    default): up to date, or offline since when and the date of the copy the app works from, as the
    running app last wrote it in `copies` (its cache; nothing is fetched here)."""
    from app.library.remote import url_store
    from app.library.share import ShareSource, is_network

    network = network or is_network
    statuses = [url_store(url, copies).status() for url in sources.urls]
    statuses += [ShareSource(folder, copies).status() for folder in sources.folders if network(folder)]
    return [Check("source", "warn" if status.offline or status.folder is None else "ok",
                  status.describe().said(tr)) for status in statuses]


def log_check(data_dir: Path, tr: gettext.NullTranslations = ENGLISH) -> Check:
    """Where the tray app writes its log (app/logs.py): what to look at when something went wrong."""
    from app.logs import log_file

    path = log_file(data_dir)
    if path.exists():
        return Check("log file", "ok", str(path))
    return Check("log file", "ok", tr.gettext("{path} (nothing logged yet)").format(path=path))


def report(facts: DesktopFacts, extra: Sequence[Check] = (), policy: Policy | None = None,
           problems: Sequence[Diagnostic] = (), tr: gettext.NullTranslations = ENGLISH) -> tuple[str, int]:
    """The printed report, in the language of `tr`, and the exit code (1 when something essential fails);
    with a policy, the administrator's policy in force, where it came from and what is wrong with its file."""
    lines = []
    marks = {"ok": "✓", "warn": "!", "fail": "✗"}
    results = [*checks(facts, tr), *extra]
    if policy is not None:
        results.append(Check("policy", "warn" if any(p.is_error for p in problems) else "ok",
                             policy.origin.said(tr)))
    names = {check.name: tr.gettext(check.name) if check.name in NAMES else check.name for check in results}
    width = max(len(name) for name in names.values())
    for check in results:
        lines.append(f"{marks[check.verdict]} {names[check.name]:<{width}}  {check.detail}")
    if policy is not None:
        lines += [f"  {' ' * width}  {line}" for line in [*map(str, problems), *policy.summary(tr)]]
    return "\n".join(lines) + "\n", int(any(c.verdict == "fail" for c in results))
