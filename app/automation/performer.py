"""Carries out a step's actions in the business application: the black box's hands (no Qt)."""

from __future__ import annotations

import gettext
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from app.automation.controls import POLL_S, STOPPED, Controls, Missed, app_name, plain, printable, unreachable
from app.automation.controls import Paused as _Paused
from app.automation.controls import Refused as _Refused
from app.engine import Pace
from app.format import model
from app.format.matching import window_fits
from app.format.shell import is_terminal_window
from app.format.wording import ENGLISH, control_words, either, sentence
from app.i18n import N_
from app.ports import (
    Clipboard,
    Elements,
    Injector,
    Launcher,
    ProbeUnavailable,
    WindowInfo,
    WindowProbe,
)

__all__ = ["PASTE_TIMEOUT_S", "VISIBLE_CPS", "VISIBLE_GAP_S", "WEB_SCHEMES", "Performed", "Performer",
           "pause_sentence", "web_link"]

FOCUS_TIMEOUT_S = 3.0
FRONT_GRACE_S = 0.5
"""Before an action, how long the run's window may take to be in front before performing pauses."""
NAME_WAIT_S = 2.0
"""After the focus went elsewhere mid-typing, how long to wait for the window manager to say which window
took it (for the sentence; a busy window manager was seen to take more than 0.5 s)."""
PASTE_TIMEOUT_S = 3.0
"""How long an application may take to fetch pasted text before the paste counts as failed."""
VISIBLE_CPS = 20.0
"""Characters per second when typing at the visible pace ("Show me"): slow enough to read along."""
VISIBLE_GAP_S = 0.6
"""At the visible pace, a pause before each action so that the person can read what comes next."""

WEB_SCHEMES = ("http", "https", "mailto")
"""What `open` may open for any wizard; anything else (files, .desktop entries, other URL schemes, .exe and
.lnk) can start programs, so only wizards the administrator trusts to `run` may open it."""

_T = TypeVar("_T")


@dataclass(frozen=True)
class Performed:
    """How performing ended. `failed_at`: the action that did not work. `paused_at`: (action, characters
    of it already typed) where it stopped without harm and can go on; `message` says why, in one sentence
    ("Stopped." when the run's stop event ended it)."""

    failed_at: int | None = None
    message: str = ""
    paused_at: tuple[int, int] | None = None
    missed: str | None = None
    """When it failed because a control the guide names was not found: its locator as written."""

    @property
    def completed(self) -> bool:
        return self.failed_at is None and self.paused_at is None


def _refuse_run(argv: Sequence[str]) -> bool:
    return False


def _refuse_open(target: str) -> bool:
    return False


def web_link(target: str) -> bool:
    """Whether `target` is a plain web or mail link (WEB_SCHEMES), which any wizard may open: a scheme, then
    for http(s) a host, and no control characters or line breaks anywhere."""
    scheme, colon, rest = target.partition(":")
    if not colon or scheme.lower() not in WEB_SCHEMES or not rest:
        return False
    if any(not c.isprintable() for c in target):
        return False
    if scheme.lower() == "mailto":
        return not rest.startswith(("/", " "))
    host = rest.removeprefix("//").split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rpartition("@")[2]
    return rest.startswith("//") and bool(host) and " " not in host


class Performer:
    """Runs actions one by one on a worker thread. Keys only go to the window the run works in: typing stops
    before the first character that would reach another window, and the run pauses. `stop` ends it between
    two keys.

    `allow_run` decides whether a `run` action may start its program (default: never), `allow_open` whether
    an `open` action may open something else than a web or mail link (default: never); `notify` shows a
    message to the person (default: nowhere)."""

    def __init__(self, injector: Injector, probe: WindowProbe, clock: Callable[[], float] = time.monotonic,
                 clipboard: Clipboard | None = None, launcher: Launcher | None = None,
                 allow_run: Callable[[Sequence[str]], bool] = _refuse_run,
                 notify: Callable[[str], None] | None = None,
                 allow_open: Callable[[str], bool] = _refuse_open, elements: Elements | None = None) -> None:
        self.injector = injector
        self.probe = probe
        self.clock = clock
        self.clipboard = clipboard
        self.launcher = launcher
        self.allow_run = allow_run
        self.allow_open = allow_open
        self.notify = notify
        self.elements = elements
        self._when: tuple[model.WindowMatch, ...] = ()
        """The wizard's `when` for the run in progress (one run at a time per performer)."""
        self._tr = ENGLISH
        """The language of the run in progress: why an action cannot go on is said in it."""

    def run(self, actions: Sequence[model.Action], target: WindowInfo | None, stop: threading.Event,
            start: tuple[int, int] = (0, 0), pace: Pace = "fast",
            on_action: Callable[[int], None] | None = None,
            when: Sequence[model.WindowMatch] | None = None,
            shown: Sequence[model.Action] = (),
            tr: gettext.NullTranslations = ENGLISH) -> tuple[Performed, WindowInfo | None]:
        """Perform `actions` from `start` (action index, characters of it already typed) with keys going to
        `target`; `on_action(i)` is called as action i begins. Without a target, the first action that
        types, presses or clicks adopts the window in front, and only when it fits the wizard's `when`
        (any window when the wizard names none): otherwise performing pauses. Returns how it ended and the
        window the next step should work in. `shown`: the actions as the person may see them (Perform.shown);
        where one differs, its text holds a secret (pasted or copied with the hints clipboard managers
        honour). The messages are said in the language of `tr`."""
        self._when, self._tr = tuple(when or ()), tr
        secret = {i for i, (real, seen) in enumerate(zip(actions, shown, strict=False)) if real != seen}
        first, offset = start
        for index in range(first, len(actions)):
            action = actions[index]
            skip = offset if index == first else 0
            if stop.is_set():
                return Performed(message=self._say(STOPPED), paused_at=(index, skip)), target
            if on_action is not None:
                on_action(index)
            if pace == "visible" and stop.wait(VISIBLE_GAP_S):
                return Performed(message=self._say(STOPPED), paused_at=(index, skip)), target
            try:
                target = self._one(action, target, stop, skip, pace, index in secret)
            except _Paused as paused:  # said in the run's language where raised
                return Performed(message=str(paused), paused_at=(index, paused.offset)), target
            except _Refused as refused:
                missed = refused.control if isinstance(refused, Missed) else None
                return Performed(index, str(refused), missed=missed), target
            except ProbeUnavailable as exc:  # the desktop would not let the action be done: it says why
                reason = exc.said(self._tr)
                return Performed(index, f"{reason[:1].upper()}{reason[1:]}."), target
            except Exception as exc:  # never leaves a run hanging; the text typed is not repeated
                return Performed(index, self._say(N_("The action failed ({problem})."),
                                                  problem=type(exc).__name__)), target
        return Performed(), target

    def _one(self, action: model.Action, target: WindowInfo | None, stop: threading.Event, skip: int,
             pace: Pace, secret: bool = False) -> WindowInfo | None:
        match action:
            case model.FocusAction(focus=match):
                return self._focus(match, stop)
            case model.TypeAction(type=text):
                target = self._front_target(target, stop, skip)
                self._type(text.replace("\r\n", "\n"), skip, target, stop, pace, verify=True)
            case model.FillAction(fill=spec):
                if spec.element.window is None:
                    target = self._front_target(target, stop, skip)
                self._fill(spec, target, stop, pace, skip)
            case model.KeysAction(keys=combo):
                target = self._front_target(target, stop)
                self._check_front(target, stop=stop)
                if not self.injector.press_keys(combo, target.handle):
                    self._check_front(target, force=True, stop=stop)
            case model.PasteAction(paste=text):
                target = self._front_target(target, stop)
                self._paste(text, target, stop, secret)
            case model.ClickAction(click=model.ClickSpec(element=model.ElementLocator() as element) as spec):
                if spec.window is None and element.window is None:
                    target = self._front_target(target, stop)
                return self._click_control(element, spec, target, stop)
            case model.ClickAction(click=spec):
                if spec.window is None:
                    target = self._front_target(target, stop)
                return self._click(spec, target)
            case model.CopyAction(copy_=text):
                self._need(self.clipboard, "copy").set_text(text, secret)
            case model.OpenAction(open=where):
                self._open(where)
            case model.NotifyAction(notify=message):
                if self.notify is not None:
                    self.notify(message)
            case model.RunAction(run=argv):
                self._run_program(argv)
            case model.WaitAction(wait=float() | int() as seconds):
                if stop.wait(seconds):
                    raise _Paused(self._say(STOPPED))
            case model.WaitAction(wait=model.WaitSpec(element=model.ElementLocator() as element) as spec):
                controls = self._controls("wait for a control")
                controls.wait_element(element, spec, target, self._window_of, stop)
            case model.WaitAction(wait=model.WaitSpec() as spec):
                return self._wait_window(spec, target, stop)
        return target

    def _front_target(self, target: WindowInfo | None, stop: threading.Event, offset: int = 0) -> WindowInfo:
        """`target`, or, when the run has none yet, the window in front once it fits the wizard's `when`
        (FRONT_GRACE_S for it to come in front); pauses with a sentence when none does."""
        if target is not None:
            return target
        deadline = self.clock() + FRONT_GRACE_S
        while True:
            front = self.probe.active_window()
            if front is not None and front.pid != os.getpid() and (  # never Wayguide's own panel
                    not self._when or any(window_fits(m, front) for m in self._when)):
                return front
            if self.clock() >= deadline:
                break
            if stop.wait(POLL_S):
                raise _Paused(self._say(STOPPED), offset)
        raise _Paused(_wrong_front(front, self._when, self._tr), offset)

    # ------------------------------------------------------------ actions

    def _type(self, text: str, skip: int, target: WindowInfo, stop: threading.Event, pace: Pace,
              verify: bool = False) -> None:
        """Type `text` from character `skip` into `target`; with `verify`, where the control with the focus
        shows its text, check that the text arrived (see _verify)."""
        self._check_front(target, skip, stop=stop)
        field = self._controls("type").focused_field(target, text) if verify and self.elements else None
        if pace == "visible":
            def proceed() -> bool:
                return not stop.wait(1.0 / VISIBLE_CPS)
        else:
            def proceed() -> bool:
                return not stop.is_set()
        rest = text[skip:]
        typed = self.injector.type_text(rest, target.handle, proceed)
        if typed < len(rest):
            if stop.is_set():
                raise _Paused(self._say(STOPPED), skip + typed)
            self._check_front(target, skip + typed, force=True, stop=stop)
        if field is not None:
            self._controls("type").verify(field, lambda now: rest in now, stop)

    def _fill(self, spec: model.FillSpec, target: WindowInfo | None, stop: threading.Event, pace: Pace,
              skip: int) -> None:
        """Click into the field, select all and type, as a person would, then check that it holds the text;
        where keys cannot reach it (not on the screen, its application not in front), set it through the
        accessibility API where the application allows that. Keys come first: GTK's file chooser took a
        name set through the API but kept its Save button greyed, as if nothing had been typed."""
        elements = self._need(self.elements, "fill")
        element = spec.element
        window = self._window_of(element.window) if element.window is not None else target
        if window is None:
            raise _Refused(self._say(N_("Wayguide cannot tell which window the field is in.")))
        text = spec.text.replace("\r\n", "\n")
        field, where = self._controls("fill").wait_control(element, window, stop)
        try:
            if skip == 0:
                box = elements.extents(field)
                front = self.probe.active_window()
                if box is None or front is None or front.pid != where.pid:
                    if elements.set_text(field, text):
                        self._controls("fill").verify(field, lambda now: now == text, stop)
                        return
                    if box is None:
                        raise _Refused(self._off_screen(element, where))
                    raise _Paused(_not_in_front(front, where, self._tr))
                self._click_box(box, where, "left")
                front = self.probe.active_window()
                if front is None or front.pid != where.pid:
                    raise _Paused(_not_in_front(front, where, self._tr))
                if not self.injector.press_keys("ctrl+a", front.handle):
                    self._check_front(front, force=True, stop=stop)
                where = front
        except ProbeUnavailable as exc:
            raise _Refused(unreachable(where, exc, self._tr)) from None
        self._type(text, skip, where, stop, pace)
        if elements.text(field) is not None:
            self._controls("fill").verify(field, lambda now: now == text, stop)

    def _paste(self, text: str, target: WindowInfo | None, stop: threading.Event,
               secret: bool = False) -> None:
        """Offer `text` on the clipboard, press the paste keys, and give the person's clipboard back once the
        application took the text: only a read after the keys counts (a clipboard manager reads every new
        clipboard at once), and the application is waited for before the clipboard changes again."""
        clipboard = self._need(self.clipboard, "paste")
        self._check_front(target)
        front = self.probe.active_window() if target is None else target
        terminal = front is not None and is_terminal_window(front.app, front.klass)
        offer = clipboard.offer(text, secret, primary=terminal)  # terminals paste PRIMARY
        try:
            offer.arm(front.handle if front is not None else 0)
            if not self.injector.press_keys("shift+insert" if terminal else "ctrl+v",
                                            target.handle if target else 0):
                self._check_front(target, force=True)
            deadline = self.clock() + PASTE_TIMEOUT_S
            while not offer.fetched.wait(POLL_S):
                if stop.is_set():
                    raise _Paused(self._say(STOPPED))
                if self.clock() > deadline:
                    late = N_("The application did not take the pasted text within {seconds} s.")
                    raise _Refused(self._say(late, seconds=f"{PASTE_TIMEOUT_S:g}"))
            offer.settle(stop)
        finally:
            clipboard.restore()  # only once the application has the text: earlier, it would paste the old

    def _click_control(self, element: model.ElementLocator, spec: model.ClickSpec, target: WindowInfo | None,
                       stop: threading.Event) -> WindowInfo | None:
        """Click the control at its centre where it is on the screen; else, with its application in front,
        click open the menus it is in, then it, as a person would; else press it through its own action (a
        button scrolled out of view, an application behind another). The action comes second because GTK
        carries it out inside the bus call: a modal dialog it opens keeps the application from answering
        the bus until the dialog closes, so that its fields could not be filled. A control not found within
        ELEMENT_TIMEOUT_S means the guide no longer fits the application, said in one sentence."""
        elements = self._need(self.elements, "click on a control")
        match = element.window or spec.window
        window = self._window_of(match) if match is not None else target
        if window is None:
            window = self.probe.active_window()
        if window is None:
            raise _Refused(self._say(N_("Wayguide cannot tell which window the control is in.")))
        control, where = self._controls("click on a control").wait_control(element, window, stop)
        try:
            box = elements.extents(control)
            front = self.probe.active_window()
            if box is None and front is not None and front.pid == where.pid:
                box = self._controls("click on a control").open_menus(
                    control, stop, lambda menu: self._click_box(menu, where, "left"))
            if box is None:
                if elements.activate(control):
                    return window if match is not None else target
                raise _Refused(self._off_screen(element, where))
            box = self._controls("click on a control").settled(control, box, stop)
            if box is None:
                raise _Refused(self._off_screen(element, where, N_("{control} is no longer on the screen in "
                                                                   "{app}.")))
        except ProbeUnavailable as exc:
            raise _Refused(unreachable(where, exc, self._tr)) from None
        self._click_box(box, where, spec.button)
        return window if match is not None else target

    def _click_box(self, box: tuple[int, int, int, int], where: WindowInfo, button: str) -> None:
        """Click the centre of `box`, only while a window of the control's application is in front."""
        front = self.probe.active_window()
        if front is None or front.pid != where.pid:
            raise _Paused(_not_in_front(front, where, self._tr))
        x, y, width, height = box
        self.injector.click(x + width // 2, y + height // 2, button)

    def _window_of(self, match: model.WindowMatch) -> WindowInfo:
        window = next((w for w in reversed(self.probe.windows()) if window_fits(match, w)), None)
        if window is None:
            raise _Refused(self._say(N_("No window of {window} is open."), window=_name(match)))
        return window

    def _click(self, spec: model.ClickSpec, target: WindowInfo | None) -> WindowInfo | None:
        window = self._window_of(spec.window) if spec.window is not None else target
        front = self.probe.active_window()
        if window is None:
            window = front
        if window is None or window.geometry is None:
            raise _Refused(self._say(N_("Wayguide cannot tell where the window to click into is.")))
        if front is None or front.handle != window.handle:
            raise _Paused(_not_in_front(front, window, self._tr))
        x0, y0, width, height = window.geometry
        assert spec.at is not None  # a click with an element is _click_control's
        fx, fy = spec.at
        dx = round(fx * (width - 1)) if 0 <= fx <= 1 else round(fx)
        dy = round(fy * (height - 1)) if 0 <= fy <= 1 else round(fy)
        if not (0 <= dx < width and 0 <= dy < height):
            outside = N_("The point {x}, {y} is outside “{title}” ({width}×{height}).")
            raise _Refused(self._say(outside, x=f"{fx:g}", y=f"{fy:g}", title=window.title, width=width,
                                     height=height))
        self.injector.click(x0 + dx, y0 + dy, spec.button)
        return window if spec.window is not None else target

    def _open(self, where: str) -> None:
        if not web_link(where) and not self.allow_open(where):
            refused = N_("Opening “{target}” is not allowed here: your administrator's policy lets only "
                         "wizards from the folders it trusts open anything but web and mail links (http, "
                         "https, mailto).")
            raise _Refused(self._say(refused, target=printable(where)))
        try:
            self._need(self.launcher, "open").open(where)
        except OSError as exc:
            failed = N_("“{target}” could not be opened ({problem}).")
            raise _Refused(self._say(failed, target=printable(where), problem=exc.strerror or exc)) from None

    def _run_program(self, argv: Sequence[str]) -> None:
        if not self.allow_run(argv):
            refused = N_("Starting programs (“{program}”) is not allowed here; your administrator's policy "
                         "decides. Start it yourself, or skip this step.")
            raise _Refused(self._say(refused, program=argv[0]))
        try:
            self._need(self.launcher, "run").run(argv)
        except OSError as exc:
            raise _Refused(self._say(N_("“{program}” could not be started ({problem})."), program=argv[0],
                                     problem=exc.strerror or exc)) from None

    def _focus(self, match: model.WindowMatch, stop: threading.Event) -> WindowInfo:
        front = self.probe.active_window()
        if front is not None and window_fits(match, front):
            return front
        candidates = [w for w in self.probe.windows() if window_fits(match, w)]
        if not candidates:
            raise _Refused(self._say(N_("No window of {window} is open."), window=_name(match)))
        wanted = candidates[-1]
        self.probe.activate(wanted.handle)
        deadline = self.clock() + FOCUS_TIMEOUT_S
        while not stop.wait(POLL_S):
            front = self.probe.active_window()
            if front is not None and front.handle == wanted.handle:
                return front
            if self.clock() > deadline:
                raise _Refused(self._say(N_("{window} did not come to the front."), window=_name(match)))
        raise _Paused(self._say(STOPPED))

    def _check_front(self, target: WindowInfo | None, offset: int = 0, force: bool = False,
                     stop: threading.Event | None = None) -> None:
        """Pause when another window than `target` is in front (`force`: the injector saw the focus go).
        Before an action, the target has FRONT_GRACE_S to come (back) in front, e.g. after Continue.
        Every wait ends at once when `stop` is set."""
        if target is None:
            return
        stop = stop or threading.Event()
        front = self.probe.active_window()
        grace = self.clock() + FRONT_GRACE_S
        while not force and (front is None or front.handle != target.handle) and self.clock() < grace:
            if stop.wait(POLL_S):
                raise _Paused(self._say(STOPPED), offset)
            front = self.probe.active_window()
        deadline = self.clock() + NAME_WAIT_S
        # the focus went: the window manager names the new window in a moment (while it switches, it may
        # name none at all)
        while force and (front is None or front.handle == target.handle) and self.clock() < deadline:
            if stop.wait(POLL_S / 5):
                raise _Paused(self._say(STOPPED), offset)
            front = self.probe.active_window()
        if force or front is None or front.handle != target.handle:
            raise _Paused(pause_sentence(front if front is None or front.handle != target.handle else None,
                                         target, self._tr), offset)

    def _wait_window(self, spec: model.WaitSpec, target: WindowInfo | None,
                     stop: threading.Event) -> WindowInfo | None:
        """Until the window is in front (it becomes the window keys go to: a dialog) or gone (when the
        run's own window closed, the run has none: the next action takes the window in front only when it
        fits the wizard)."""
        match = model.WindowMatch(app=spec.app, title=spec.title) if spec.app or spec.title else None
        deadline = self.clock() + spec.timeout
        while True:
            front = self.probe.active_window()
            there = front is not None and (match is None or window_fits(match, front))
            if spec.gone and match is not None:  # gone from the screen, not only from the front: a popup of
                there = any(w.shown and window_fits(match, w) for w in self.probe.windows())  # the dialog
                # (a completion list) or a moment with nothing in front is not the dialog closing
            if there != spec.gone:
                if not spec.gone:  # the window that appeared (a dialog) is where keys go next; without
                    return front if match is not None else target  # a pattern, any window: not a target
                if target is not None and _gone(self.probe, target):
                    return None  # the run's window itself closed: the next action adopts the window in
                    # front only when it fits the wizard (see _front_target)
                return target
            if self.clock() > deadline:
                late = N_("{window} did not close within {seconds} s.") if spec.gone else \
                    N_("{window} did not appear within {seconds} s.")
                what = _name(match) if match is not None else self._tr.gettext("a window")
                raise _Refused(self._say(late, window=what, seconds=f"{spec.timeout:g}"))
            if stop.wait(POLL_S):
                raise _Paused(self._say(STOPPED))

    def _controls(self, kind: str) -> Controls:
        return Controls(self._need(self.elements, kind), self.probe, self.clock, self._tr)

    def _off_screen(self, element: model.ElementLocator, where: WindowInfo,
                    text: str = N_("{control} is not on the screen in {app}.")) -> str:
        return self._say(text, control=plain(control_words(element, tr=self._tr)), app=app_name(where))

    def _say(self, text: str, **params: object) -> str:
        """The sentence `text` (marked N_) in the run's language, its {placeholders} filled in."""
        return sentence(self._tr.gettext(text).format(**params))

    def _need(self, part: _T | None, kind: str) -> _T:
        if part is None:
            raise _Refused(self._say(N_("Wayguide cannot do '{kind}' actions for you here."), kind=kind))
        return part


_PAUSED = {
    "typing": (N_("“{front}” came in front of “{title}”; Wayguide paused so nothing is typed into "
                  "the wrong window. Click into {app} and press Continue."),
               N_("“{title}” is no longer in front; Wayguide paused so nothing is typed into the wrong "
                  "window. Click into {app} and press Continue.")),
    "click": (N_("“{front}” is in front of “{title}”; Wayguide paused so that it does not click "
                 "into the wrong window. Click into {app} and press Continue."),
              N_("Another window is in front of “{title}”; Wayguide paused so that it does not click into "
                 "the wrong window. Click into {app} and press Continue.")),
    "start": (N_("“{front}” is in front, and this task is for {what}; Wayguide paused so nothing is typed "
                 "into the wrong window. Click into {what} and press Continue."),
              N_("No window is in front, and this task is for {what}; Wayguide paused so nothing is typed "
                 "into the wrong window. Click into {what} and press Continue.")),
}
"""Why performing paused, by what it was about to do: with the window in front named, and without."""


def pause_sentence(front: WindowInfo | None, target: WindowInfo,
                   tr: gettext.NullTranslations = ENGLISH) -> str:
    """Why typing paused, in one sentence, e.g. '“xterm” came in front of “Untitled - Mousepad”; …'."""
    return _paused("typing", front, tr, title=target.title, app=app_name(target))


def _wrong_front(front: WindowInfo | None, when: Sequence[model.WindowMatch],
                 tr: gettext.NullTranslations) -> str:
    """Why performing paused before its first key: the window in front is not one the task is for."""
    names = list(dict.fromkeys(_name(m) for m in when))
    return _paused("start", front, tr, what=either(names, tr) if names else tr.gettext("the application"))


def _not_in_front(front: WindowInfo | None, window: WindowInfo,
                  tr: gettext.NullTranslations = ENGLISH) -> str:
    """Why a click waits: another window is in front of the one to click into."""
    return _paused("click", front, tr, title=window.title, app=app_name(window))


def _paused(about: str, front: WindowInfo | None, tr: gettext.NullTranslations, **params: str) -> str:
    named, unnamed = _PAUSED[about]
    if front is not None and front.title:
        return tr.gettext(named).format(front=front.title, **params)
    return tr.gettext(unnamed).format(**params)


def _gone(probe: WindowProbe, window: WindowInfo) -> bool:
    return all(w.handle != window.handle for w in probe.windows())


def _name(match: model.WindowMatch) -> str:
    if match.app and match.title:
        return f"{match.app} (“{match.title}”)"
    return match.app or f"“{match.title}”"
