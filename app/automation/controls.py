"""The performer's dealings with controls: finding one in time, waiting for one to come or go, and
reading a field's text back after typing (compared here, never kept)."""

from __future__ import annotations

import gettext
import threading
from collections.abc import Callable
from dataclasses import dataclass

from app.format import model
from app.format.elements import control_holds, locator_text, normal_role
from app.format.wording import ENGLISH, control_words, role_words, sentence, state_words
from app.i18n import N_
from app.ports import Control, Elements, ProbeUnavailable, WindowInfo, WindowProbe

__all__ = ["ELEMENT_TIMEOUT_S", "MENU_OPEN_S", "POLL_S", "SETTLE_POLL_S", "SETTLE_READS", "STOPPED",
           "VERIFY_TIMEOUT_S", "Controls", "Missed", "Paused", "Refused", "app_name", "plain", "printable"]

POLL_S = 0.05
ELEMENT_TIMEOUT_S = 5.0
"""How long a control may take to appear (a dialog opening) before the guide counts as out of date."""
VERIFY_TIMEOUT_S = 2.0
"""After typing, how long the text may take to show in the control before it counts as not arrived."""
MENU_OPEN_S = 2.0
"""After clicking a menu, how long its items may take to come on the screen."""
SETTLE_READS = 3
SETTLE_POLL_S = 0.05
"""A control is clicked once SETTLE_READS reads of where it is, SETTLE_POLL_S apart, agree (at most
MENU_OPEN_S): gnumeric told a menu item's place 36 ms after its menu opened while still laying the menu out,
one item above where it was drawn, and the click chose File ▸ Open instead of Save As (1 run in 15)."""


STOPPED = N_("Stopped.")
"""Why performing paused when the run's stop event ended it."""


class Refused(Exception):
    """An action that cannot go on; the message is one sentence for the person, in their language."""


class Missed(Refused):
    """A control the guide names is not in the application: `control` is its locator as written."""

    def __init__(self, message: str, control: str) -> None:
        super().__init__(message)
        self.control = control


class Paused(Exception):
    """Performing stops here without harm: `offset` characters of the current action were typed."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass
class Controls:
    """Controls inside the application, for the performer (the elements port, asked with deadlines)."""

    elements: Elements
    probe: WindowProbe
    clock: Callable[[], float]
    tr: gettext.NullTranslations = ENGLISH
    """The person's language: what goes wrong is said in it."""

    def wait_control(self, element: model.ElementLocator, window: WindowInfo,
                      stop: threading.Event) -> tuple[Control, WindowInfo]:
        """The control `element` names, in `window` or, when not there, in the window of the same
        application that is in front (a dialog it opened); waits ELEMENT_TIMEOUT_S for it to appear."""
        locator = element.locator()
        deadline = self.clock() + ELEMENT_TIMEOUT_S
        while True:
            places = [window]  # a dialog of the application in front first: what the person sees
            front = self.probe.active_window()
            if front is not None and front.handle != window.handle and front.pid == window.pid:
                places.insert(0, front)
            try:
                for place in places:
                    found = self.elements.find(locator, place)
                    if found:
                        return found[0], place
            except ProbeUnavailable as exc:
                raise Refused(unreachable(window, exc, self.tr)) from None
            if self.clock() >= deadline:
                missed = self.tr.gettext("{control} was not found in {app}: this guide may be out of date.")
                words = plain(control_words(element, tr=self.tr))
                raise Missed(sentence(missed.format(control=words, app=app_name(window))),
                             locator_text(locator))
            if stop.wait(POLL_S * 4):
                raise Paused(self.tr.gettext(STOPPED))

    def wait_element(self, element: model.ElementLocator, spec: model.WaitSpec, target: WindowInfo | None,
                     window_of: Callable[[model.WindowMatch], WindowInfo], stop: threading.Event) -> None:
        """Until the control is there (in the run's window, or a window of the same application in front),
        in the spec's `state` when it names one, or, with `gone`, until it is not."""
        elements = self.elements
        deadline = self.clock() + spec.timeout
        while True:
            window = window_of(element.window) if element.window is not None else target
            if window is None:
                window = self.probe.active_window()
            places = [window] if window is not None else []
            front = self.probe.active_window()
            if front is not None and window is not None and front.handle != window.handle \
                    and front.pid == window.pid:
                places.insert(0, front)
            try:
                there = control_holds(elements, element.locator(), places, spec.state)
            except ProbeUnavailable as exc:
                raise Refused(unreachable(None, exc, self.tr)) from None
            if places and there != spec.gone:  # with no window to look in, not even "gone" can be said
                return
            if self.clock() > deadline:
                self._waited_in_vain(element, spec, window, places)
            if stop.wait(POLL_S * 4):
                raise Paused(self.tr.gettext(STOPPED))

    def _waited_in_vain(self, element: model.ElementLocator, spec: model.WaitSpec, window: WindowInfo | None,
                        places: list[WindowInfo]) -> None:
        """The control did not come, go or change in time: why, in one sentence (raised)."""
        _ = self.tr.gettext
        words = plain(control_words(element, tr=self.tr))
        params = {"control": words, "seconds": f"{spec.timeout:g}",
                  "state": state_words(spec.state, self.tr) if spec.state else "",
                  "app": app_name(window) if window is not None else ""}
        if spec.gone:
            raise Refused(sentence(_("{control} did not go away within {seconds} s.").format(**params)))
        if spec.state is not None and any(self.elements.find(element.locator(), p) for p in places):
            late = _("{control} did not become {state} within {seconds} s in {app}.") if window else \
                _("{control} did not become {state} within {seconds} s.")
            raise Refused(sentence(late.format(**params)))
        missed = _("{control} did not appear within {seconds} s in {app}: this guide may be out of date.") \
            if window else _("{control} did not appear within {seconds} s: this guide may be out of date.")
        raise Missed(sentence(missed.format(**params)), locator_text(element.locator()))

    def settled(self, control: Control, box: tuple[int, int, int, int] | None,
                stop: threading.Event) -> tuple[int, int, int, int] | None:
        """Where `control` is once SETTLE_READS reads agree (see SETTLE_READS), or the last read."""
        same, deadline = 1, self.clock() + MENU_OPEN_S
        while same < SETTLE_READS and self.clock() < deadline:
            if stop.wait(SETTLE_POLL_S):
                raise Paused(self.tr.gettext(STOPPED))
            now = self.elements.extents(control)
            same, box = (same + 1 if now == box else 1), now
        return box

    def open_menus(self, control: Control, stop: threading.Event,
                   click: Callable[[tuple[int, int, int, int]], None]) -> tuple[int, int, int, int] | None:
        """Open the menus `control` is in, outermost first, `click`ing each, until it is on the screen;
        where it then is (None when it does not come on the screen)."""
        menus = [a for a in self.elements.ancestors(control) if normal_role(a.role) == "menu"]
        for menu in reversed(menus):
            box = self.elements.extents(menu)
            if box is None:
                continue  # inside a menu not open yet: the one outside it opens it
            click(box)  # a menu opens with the left button, whatever the click
            deadline = self.clock() + MENU_OPEN_S
            while (found := self.elements.extents(control)) is None and self.clock() < deadline:
                if stop.wait(POLL_S):
                    raise Paused(self.tr.gettext(STOPPED))
            if found is not None:
                return found
        return None

    def focused_field(self, target: WindowInfo, text: str) -> Control | None:
        """The control with the focus in `target` when its text can be read back after typing `text`:
        not a password field (it shows dots), not when Tab moves the focus on or Enter may leave a
        one-line field."""
        if "\t" in text:
            return None
        try:
            field = self.elements.focused(target)
            if field is None or normal_role(field.role) == "password text":
                return None
            if self.elements.text(field) is None:
                return None
            if "\n" in text and "multi line" not in self.elements.states(field):
                return None
        except ProbeUnavailable:
            return None
        return field

    def verify(self, field: Control, holds: Callable[[str], bool], stop: threading.Event) -> None:
        """Wait (VERIFY_TIMEOUT_S at most) until the field's text satisfies `holds`; when it does not, stop
        with a sentence that tells how much differs but never what (the text is compared here only)."""
        deadline = self.clock() + VERIFY_TIMEOUT_S
        while True:
            try:
                now = self.elements.text(field)
            except ProbeUnavailable:
                return  # the application stopped answering the bus: it cannot be checked
            if now is None or holds(now.replace("\r\n", "\n")):
                return
            if self.clock() >= deadline:
                break
            if stop.wait(POLL_S):
                raise Paused(self.tr.gettext(STOPPED))
        wrong = self.tr.gettext("The text in {field} is not what was meant (some characters did not arrive "
                                "or arrived changed), so Wayguide stopped before going on with wrong data.")
        raise Refused(wrong.format(field=field_words(field, self.tr)))


def unreachable(window: WindowInfo | None, exc: Exception, tr: gettext.NullTranslations = ENGLISH) -> str:
    """The application does not let its controls be reached (the bus said `exc`, in the language of `tr`)."""
    problem = exc.said(tr) if isinstance(exc, ProbeUnavailable) else str(exc)
    if window is None:
        return tr.gettext("Wayguide cannot reach the controls of the application: {problem}.").format(
            problem=problem)
    return tr.gettext("Wayguide cannot reach the controls of {app}: {problem}.").format(app=app_name(window),
                                                                                       problem=problem)


def field_words(control: Control, tr: gettext.NullTranslations = ENGLISH) -> str:
    """A control found on the bus, in words: “Name” (text), or the text field."""
    role = (role_words(control.role, tr) if control.role and control.role != "text"
            else tr.gettext("text field"))
    if control.label:
        return f"“{printable(control.label, 40)}” ({role})"
    return tr.gettext("the {role}").format(role=role)


def plain(words: str) -> str:
    """Words for a sentence in plain text (no Markdown emphasis), starting with a capital."""
    text = words.replace("**", "")
    return text[:1].upper() + text[1:]


def printable(text: str, limit: int = 80) -> str:
    """Text quoted in a message: one line, control characters shown as �, clipped."""
    shown = "".join(c if c.isprintable() else "\ufffd" for c in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def app_name(window: WindowInfo) -> str:
    return window.klass or window.app[:1].upper() + window.app[1:] or f"“{window.title}”"
