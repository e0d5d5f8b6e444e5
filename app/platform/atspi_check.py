"""`wayguide doctor`'s look at the accessibility bus: which applications show their controls there, or
what is missing, in the person's language."""

from __future__ import annotations

import gettext
from typing import Protocol

from app.i18n import ENGLISH
from app.platform.atspi import CALL_TIMEOUT_S, EXPOSING_HINT, AtspiElements
from app.ports import ProbeUnavailable

__all__ = ["SHOWN_NAMES", "Applications", "accessibility_check"]

SHOWN_NAMES = 12
"""How many applications the check names; the rest it counts."""


class Applications(Protocol):
    """What the check asks of the bus (AtspiElements; a fake in tests)."""

    def applications(self) -> tuple[list[str], int]: ...

    def close(self) -> None: ...


def accessibility_check(tr: gettext.NullTranslations = ENGLISH,
                        elements: Applications | None = None) -> tuple[bool, str]:
    """Whether controls inside applications can be found here, and in words (in the language of `tr`)
    which applications show them or what is missing. `elements`: the bus to ask (closed after)."""
    _ = tr.gettext
    elements = AtspiElements() if elements is None else elements
    try:
        names, silent = elements.applications()
    except ProbeUnavailable as exc:
        return False, _("{problem}: steps find windows but not the controls inside them (a desktop session "
                        "starts the bus; scripts/start does where none runs)").format(problem=exc.said(tr))
    finally:
        elements.close()
    shown, more = ", ".join(names[:SHOWN_NAMES]), len(names) - SHOWN_NAMES
    if more > 0:
        shown += " " + tr.ngettext("and {count} more", "and {count} more", more).format(count=more)
    hung = ""
    if silent:
        hung = " " + tr.ngettext("({count} more did not answer within {seconds} s)",
                                 "({count} more did not answer within {seconds} s)", silent).format(
            count=silent, seconds=f"{CALL_TIMEOUT_S:g}")
    return True, _("AT-SPI; controls shown by {applications}{hung}. Others: {hint}").format(
        applications=shown or _("no application yet"), hung=hung, hint=_(EXPOSING_HINT))
