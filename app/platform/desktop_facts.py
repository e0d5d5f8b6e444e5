"""What this desktop offers, found out once over X11: the session, the X extensions (XTEST for
typing, RECORD for the global hotkey), the window manager and the system tray. `wayguide doctor`
reports it; the runtime asks it why "Do it for me" cannot type here."""

from __future__ import annotations

import gettext
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from app.i18n import ENGLISH

__all__ = ["DesktopFacts", "automation_problem", "probe_facts"]


@dataclass(frozen=True)
class DesktopFacts:
    """What was found out about the desktop; gathered by `probe_facts`, faked in tests."""

    platform: str
    session: str  # "x11", "wayland", "none", or the OS name
    env: Mapping[str, str]
    """The session's DISPLAY, WAYLAND_DISPLAY and XDG_SESSION_TYPE."""
    display_error: str | None = None
    extensions: frozenset[str] = frozenset()
    window_manager: str | None = None
    tray: bool = False


def probe_facts(env: Mapping[str, str] | None = None, tr: gettext.NullTranslations = ENGLISH) -> DesktopFacts:
    """The facts of this desktop; why the X display cannot be had is said in the language of `tr`."""
    env = os.environ if env is None else env
    platform = sys.platform
    session_env = {k: env[k] for k in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE") if k in env}
    if not platform.startswith("linux"):
        return DesktopFacts(platform, platform, session_env)
    if not env.get("DISPLAY"):
        session = "wayland" if env.get("WAYLAND_DISPLAY") else "none"
        return DesktopFacts(platform, session, session_env, tr.gettext("DISPLAY is not set"))
    try:
        from Xlib import display as xdisplay
        from Xlib import error

        d = xdisplay.Display(env["DISPLAY"])
    except Exception as exc:  # any failure to connect is a fact to report, not a crash
        return DesktopFacts(platform, "x11", session_env, tr.gettext(
            "cannot open display {display}: {problem}").format(display=env["DISPLAY"], problem=exc))
    try:
        extensions = frozenset(d.list_extensions())
        root = d.screen().root
        wm = None
        check = root.get_full_property(d.intern_atom("_NET_SUPPORTING_WM_CHECK"), 0)
        if check is not None and len(check.value):
            try:
                name = d.create_resource_object("window", int(check.value[0])).get_full_property(
                    d.intern_atom("_NET_WM_NAME"), d.intern_atom("UTF8_STRING"))
                wm = name.value.decode("utf-8", "replace") if name is not None else "unnamed"
            except error.XError:
                wm = "unnamed"
        screen = d.get_default_screen()
        owner = d.get_selection_owner(d.intern_atom(f"_NET_SYSTEM_TRAY_S{screen}"))
        tray = bool(getattr(owner, "id", owner))
    finally:
        d.close()
    session = "wayland" if env.get("WAYLAND_DISPLAY") else "x11"
    return DesktopFacts(platform, session, session_env, None, extensions, wm, tray)


def automation_problem(facts: DesktopFacts, tr: gettext.NullTranslations = ENGLISH) -> str | None:
    """Why "Do it for me" cannot type and press keys here (a clause, in the language of `tr`: the English
    clause is its msgid, so a caller that keeps it can say it later with `tr.gettext`), or None when it
    can."""
    _ = tr.gettext
    if facts.platform == "darwin":
        return _("it needs permission: System Settings ▸ Privacy & Security ▸ Accessibility, allow Wayguide")
    if not facts.platform.startswith("linux"):
        return None
    if facts.session == "wayland":
        return _("Wayland does not let one application type into another")
    if facts.display_error is not None:
        return _("there is no X display to type into")
    if "XTEST" not in facts.extensions:
        return _("the X server lacks the XTEST extension")
    return None
