"""The performer with fake OS access: what is typed where, when it pauses, refuses or stops."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from app.automation import performer
from app.automation.performer import Performed, Performer
from app.format import model
from app.ports import ClipboardOffer, FakeClipboard, FakeInjector, FakeLauncher, FakeWindowProbe, WindowInfo

PAD = WindowInfo(app="mousepad", klass="Mousepad", title="Untitled - Mousepad", handle=1,
                 geometry=(100, 50, 801, 601))
TERM = WindowInfo(app="xterm", klass="XTerm", title="xterm", handle=2, geometry=(0, 0, 400, 300))


def actions(*items: dict[str, object]) -> list[model.Action]:
    step = model.Step.model_validate({"id": "s", "title": "S", "do": list(items)})
    assert step.do is not None
    return step.do


def run(perf: Performer, items: list[model.Action], target: WindowInfo | None = PAD,
        start: tuple[int, int] = (0, 0), stop: threading.Event | None = None) -> Performed:
    outcome, _ = perf.run(items, target, stop or threading.Event(), start)
    return outcome


class Broken(FakeInjector):
    def type_text(self, text: str, into: int = 0, proceed: Callable[[], bool] | None = None) -> int:
        raise ValueError(f"cannot type {text!r}")


def test_an_injector_error_fails_the_action_without_repeating_the_text() -> None:
    outcome = run(Performer(Broken(), FakeWindowProbe(window=PAD)), actions({"type": "secret-42"}))
    assert (outcome.failed_at, outcome.message) == (0, "The action failed (ValueError).")
    assert "secret" not in outcome.message


def test_typing_goes_only_to_the_runs_window_and_pauses_when_another_comes_in_front() -> None:
    probe = FakeWindowProbe(window=PAD)

    class Intruded(FakeInjector):
        def _focused(self, into: int) -> bool:
            if self.focus == -1:
                probe.window = TERM  # the window manager says so a moment later
            return super()._focused(into)

    injector = Intruded(steal_after=5)
    perf = Performer(injector, probe)
    items = actions({"type": "Hello world"}, {"keys": "ctrl+s"})
    outcome = run(perf, items)
    assert outcome.paused_at == (0, 5) and outcome.failed_at is None
    assert injector.sent == [("type", "Hello")]
    assert outcome.message == (
        "“xterm” came in front of “Untitled - Mousepad”; Wayguide paused so nothing is typed into the "
        "wrong window. Click into Mousepad and press Continue.")

    # the person clicks back into Mousepad and presses Continue: the rest, once
    probe.window, injector.focus = PAD, 0
    outcome = run(perf, items, start=outcome.paused_at)
    assert outcome.completed
    assert injector.sent == [("type", "Hello"), ("type", " world"), ("keys", "ctrl+s")]


def test_another_window_in_front_before_an_action_pauses_without_typing() -> None:
    injector = FakeInjector()
    outcome = run(Performer(injector, FakeWindowProbe(window=TERM)), actions({"keys": "ctrl+s"}))
    assert outcome.paused_at == (0, 0) and injector.sent == []
    assert outcome.message.startswith("“xterm” came in front of “Untitled - Mousepad”")


def test_a_stop_ends_typing_between_two_keys() -> None:
    stop = threading.Event()
    injector = FakeInjector()
    count = 0

    def proceed_then_stop() -> bool:
        nonlocal count
        count += 1
        if count == 3:
            stop.set()
        return not stop.is_set()

    class Stopping(FakeInjector):
        def type_text(self, text: str, into: int = 0, proceed: Callable[[], bool] | None = None) -> int:
            return injector.type_text(text, into, proceed_then_stop if proceed else None)

    outcome = run(Performer(Stopping(), FakeWindowProbe(window=PAD)), actions({"type": "abcdef"}), stop=stop)
    assert (outcome.paused_at, outcome.message) == ((0, 2), "Stopped.")
    assert injector.sent == [("type", "ab")]


def test_progress_is_told_as_each_action_begins() -> None:
    seen: list[int] = []
    perf = Performer(FakeInjector(), FakeWindowProbe(window=PAD))
    outcome, _ = perf.run(actions({"type": "a"}, {"keys": "ctrl+s"}, {"type": "b"}), PAD, threading.Event(),
                          (1, 0), on_action=seen.append)
    assert outcome.completed and seen == [1, 2]


def test_visible_pace_types_slowly_enough_to_read(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []

    class Recording(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waits.append(timeout or 0.0)
            return False

    perf = Performer(FakeInjector(), FakeWindowProbe(window=PAD))
    outcome, _ = perf.run(actions({"type": "abc"}), PAD, Recording(), pace="visible")
    assert outcome.completed
    assert waits == [performer.VISIBLE_GAP_S, *[1 / performer.VISIBLE_CPS] * 3]
    assert 15 <= performer.VISIBLE_CPS <= 25


@pytest.mark.parametrize(("at", "button", "point"), [
    ((0.5, 0.5), "left", "500,350,left"),       # the middle of an 801×601 window at (100, 50)
    ((0, 0), "right", "100,50,right"),
    ((1, 1), "middle", "900,650,middle"),
    ((20, 30), "left", "120,80,left"),          # pixels from the top-left corner
])
def test_click_at_fractions_or_pixels_of_the_window(at: tuple[float, float], button: str, point: str) -> None:
    injector = FakeInjector()
    outcome = run(Performer(injector, FakeWindowProbe(window=PAD)),
                  actions({"click": {"at": list(at), "button": button}}))
    assert outcome.completed and injector.sent == [("click", point)]


def test_click_outside_the_window_or_into_a_window_behind_is_refused() -> None:
    injector = FakeInjector()
    outcome = run(Performer(injector, FakeWindowProbe(window=PAD)), actions({"click": {"at": [900, 10]}}))
    assert outcome.failed_at == 0 and "outside “Untitled - Mousepad” (801×601)" in outcome.message
    outcome = run(Performer(injector, FakeWindowProbe(window=PAD, others=[TERM])),
                  actions({"click": {"at": [0.5, 0.5], "window": {"app": "xterm"}}}))
    assert outcome.paused_at == (0, 0) and "it does not click into the wrong window" in outcome.message
    assert injector.sent == []


GNOME_TERMINAL = WindowInfo(app="gnome-terminal-server", klass="Gnome-terminal", title="~", handle=31)


@pytest.mark.parametrize(("window", "keys"), [(PAD, "ctrl+v"), (TERM, "shift+insert"),
                                              (GNOME_TERMINAL, "shift+insert")])  # ctrl+v: to the shell
def test_paste_offers_the_text_then_gives_the_person_their_clipboard_back(
        window: WindowInfo, keys: str) -> None:
    clipboard = FakeClipboard(text="the person's")
    injector = FakeInjector()
    outcome = run(Performer(injector, FakeWindowProbe(window=window), clipboard=clipboard),
                  actions({"paste": "Grüße"}), target=window)
    assert outcome.completed and injector.sent == [("keys", keys)]
    assert clipboard.text == "the person's" and clipboard.saved == []


def test_a_paste_nobody_fetches_fails_and_still_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(performer, "PASTE_TIMEOUT_S", 0.01)
    clipboard = FakeClipboard(text="mine", fetch=False)
    outcome = run(Performer(FakeInjector(), FakeWindowProbe(window=PAD), clipboard=clipboard),
                  actions({"paste": "x"}))
    assert outcome.failed_at == 0 and "did not take the pasted text" in outcome.message
    assert clipboard.text == "mine"


class Kept(FakeClipboard):
    """A clipboard that keeps its offers; nothing fetches them by itself (a clipboard manager's read as the
    text is offered is not the application's fetch)."""

    def __init__(self) -> None:
        super().__init__(text="the person's", fetch=False)
        self.offered: list[ClipboardOffer] = []

    def offer(self, text: str, secret: bool = False, primary: bool = True) -> ClipboardOffer:
        self.offered.append(super().offer(text, secret, primary))
        return self.offered[-1]


def test_the_offer_is_armed_for_the_target_before_the_paste_keys() -> None:
    clipboard = Kept()
    pasted: list[str] = []

    class App(FakeInjector):
        def press_keys(self, combo: str, into: int = 0) -> bool:
            offer = clipboard.offered[-1]
            if offer.window == into:  # armed for this window before the keys: the application's read counts
                pasted.append(clipboard.text)
                offer.fetched.set()
            return super().press_keys(combo, into)

    outcome = run(Performer(App(), FakeWindowProbe(window=PAD), clipboard=clipboard),
                  actions({"paste": "Grüße"}))
    assert outcome.completed
    assert pasted == ["Grüße"] and clipboard.armed == [PAD.handle] and clipboard.text == "the person's"
    assert clipboard.offers == [("Grüße", False)]


def test_a_stop_ends_the_paste_wait_at_once_and_gives_the_clipboard_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(performer, "PASTE_TIMEOUT_S", 5.0)  # (the old wait ran out then)
    clipboard, stop = FakeClipboard(text="mine", fetch=False), threading.Event()

    class Stopping(FakeInjector):
        def press_keys(self, combo: str, into: int = 0) -> bool:
            stop.set()  # the person pressed Stop while the application has not fetched the text yet
            return super().press_keys(combo, into)

    outcome = run(Performer(Stopping(), FakeWindowProbe(window=PAD), clipboard=clipboard),
                  actions({"paste": "x"}), stop=stop)
    assert (outcome.paused_at, outcome.message) == ((0, 0), "Stopped.")
    assert clipboard.text == "mine"


def test_copy_open_notify() -> None:
    clipboard, launcher, told = FakeClipboard(), FakeLauncher(), list[str]()
    perf = Performer(FakeInjector(), FakeWindowProbe(window=PAD), clipboard=clipboard, launcher=launcher,
                     notify=told.append)
    outcome = run(perf, actions({"copy": "INV-42"}, {"open": "https://example.org/a b"}, {"notify": "Done!"}))
    assert outcome.completed
    assert (clipboard.text, launcher.opened, told) == ("INV-42", ["https://example.org/a b"], ["Done!"])


def test_run_is_refused_unless_the_policy_allows_it() -> None:
    launcher = FakeLauncher()
    items = actions({"run": ["gnumeric", "--version"]})
    outcome = run(Performer(FakeInjector(), FakeWindowProbe(window=PAD), launcher=launcher), items)
    assert outcome.failed_at == 0 and launcher.ran == []
    assert outcome.message.startswith("Starting programs (“gnumeric”) is not allowed here")
    allowed = Performer(FakeInjector(), FakeWindowProbe(window=PAD), launcher=launcher,
                        allow_run=lambda argv: argv[0] == "gnumeric")
    assert run(allowed, items).completed and launcher.ran == [["gnumeric", "--version"]]


def test_a_program_that_cannot_start_fails_with_the_reason() -> None:
    class Missing(FakeLauncher):
        def run(self, argv: object) -> None:
            raise FileNotFoundError(2, "No such file or directory")

    outcome = run(Performer(FakeInjector(), FakeWindowProbe(window=PAD), launcher=Missing(),
                            allow_run=lambda argv: True), actions({"run": ["nope"]}))
    assert outcome.message == "“nope” could not be started (No such file or directory)."


def test_actions_without_the_os_part_say_so() -> None:
    outcome = run(Performer(FakeInjector(), FakeWindowProbe(window=PAD)), actions({"copy": "x"}))
    assert (outcome.failed_at, outcome.message) == (0, "Wayguide cannot do 'copy' actions for you here.")


def test_a_missing_window_and_a_stop() -> None:
    perf = Performer(FakeInjector(), FakeWindowProbe(window=TERM))
    outcome = run(perf, actions({"focus": {"app": "mousepad"}}), target=None)
    assert outcome.message == "No window of mousepad is open."
    stop = threading.Event()
    stop.set()
    outcome = run(perf, actions({"wait": 5}), target=None, stop=stop)
    assert (outcome.paused_at, outcome.message) == ((0, 0), "Stopped.")


def test_wait_for_a_window_times_out_with_a_clear_message() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 1.0
        return now[0]

    perf = Performer(FakeInjector(), FakeWindowProbe(window=TERM), clock=clock)
    outcome = run(perf, actions({"wait": {"title": "Save As*", "timeout": 2}}), TERM)
    assert outcome.message == "“Save As*” did not appear within 2 s."


def test_a_dialog_waited_for_takes_the_keys_and_its_closing_gives_them_back() -> None:
    dialog = WindowInfo(app="mousepad", klass="Mousepad", title="Save As", handle=9)
    probe = FakeWindowProbe(window=dialog, others=[PAD])
    injector = FakeInjector()
    perf = Performer(injector, probe)
    outcome, target = perf.run(actions({"wait": {"title": "Save As*"}}, {"type": "/tmp/a.txt\n"}), PAD,
                               threading.Event())
    assert outcome.completed and target == dialog and injector.sent == [("type", "/tmp/a.txt\n")]
    probe.window, probe.others = PAD, []  # the dialog closed
    outcome, target = perf.run(actions({"wait": {"title": "Save As*", "gone": True}}, {"keys": "ctrl+q"}),
                               dialog, threading.Event())
    assert outcome.completed and target == PAD and injector.sent[-1] == ("keys", "ctrl+q")


def test_a_dialog_that_only_left_the_front_has_not_closed() -> None:
    """A completion popup of the dialog, or a moment with nothing in front, is not the dialog closing:
    the wait goes on (here until its timeout) and nothing after it is done."""
    dialog = WindowInfo(app="mousepad", klass="Mousepad", title="Save As", handle=9)
    popup = WindowInfo(app="mousepad", klass="Mousepad", title="", handle=10)
    for front in (None, popup):
        injector = FakeInjector()
        perf = Performer(injector, FakeWindowProbe(window=front, others=[PAD, dialog]))
        outcome, _ = perf.run(actions({"wait": {"title": "Save As*", "gone": True, "timeout": 0.2}},
                                      {"keys": "ctrl+q"}), dialog, threading.Event())
        assert not outcome.completed and "did not close within 0.2 s" in outcome.message
        assert injector.sent == []


MOUSEPAD_ONLY = [model.WindowMatch(app="mousepad")]


def test_without_a_target_keys_go_only_to_a_window_the_wizard_is_for() -> None:
    """Issue 11.1: a wizard started while a terminal is in front typed into the terminal."""
    for items in (actions({"type": "rm -rf ~\n"}), actions({"keys": "ctrl+s"}), actions({"paste": "x"}),
                  actions({"click": {"at": [0.5, 0.5]}})):
        injector, clipboard = FakeInjector(), FakeClipboard()
        perf = Performer(injector, FakeWindowProbe(window=TERM), clipboard=clipboard)
        outcome, target = perf.run(items, None, threading.Event(), when=MOUSEPAD_ONLY)
        assert outcome.paused_at == (0, 0) and target is None
        assert injector.sent == [] and clipboard.saved == []
        assert outcome.message == (
            "“xterm” is in front, and this task is for mousepad; Wayguide paused so nothing is typed into "
            "the wrong window. Click into mousepad and press Continue.")


def test_without_a_target_a_window_the_wizard_is_for_becomes_the_target() -> None:
    injector = FakeInjector()
    probe = FakeWindowProbe(window=PAD)
    outcome, target = Performer(injector, probe).run(actions({"type": "Hello"}), None, threading.Event(),
                                                     when=MOUSEPAD_ONLY)
    assert outcome.completed and target == PAD and injector.sent == [("type", "Hello")]
    injector.focus = -1  # the typing is bound to that window from now on: another one takes no keys
    ticks = iter(range(1000))
    ticking = Performer(injector, probe, clock=lambda: float(next(ticks)))
    outcome, _ = ticking.run(actions({"type": "more"}), target, threading.Event(), when=MOUSEPAD_ONLY)
    assert outcome.paused_at is not None and injector.sent == [("type", "Hello")]


def test_without_a_target_or_when_the_window_in_front_becomes_the_target() -> None:
    injector = FakeInjector()
    outcome, target = Performer(injector, FakeWindowProbe(window=TERM)).run(
        actions({"type": "ls\n"}), None, threading.Event())
    assert outcome.completed and target == TERM and injector.sent == [("type", "ls\n")]


def test_wayguides_own_panel_never_becomes_the_target() -> None:
    import os

    injector = FakeInjector()
    panel = WindowInfo(app="wayguide", title="Wayguide", pid=os.getpid(), handle=7)
    outcome, target = Performer(injector, FakeWindowProbe(window=panel)).run(
        actions({"type": "x"}), None, threading.Event())
    assert outcome.paused_at == (0, 0) and target is None and injector.sent == []


def test_a_closed_window_hands_the_keys_only_to_a_window_the_wizard_is_for() -> None:
    """Issue 11.1: `wait: {…, gone: true}` re-targeted to whatever window came in front."""
    injector = FakeInjector()
    perf = Performer(injector, FakeWindowProbe(window=TERM))  # mousepad closed; a terminal is in front
    outcome, target = perf.run(actions({"wait": {"app": "mousepad", "gone": True}}, {"type": "x\n"}), PAD,
                               threading.Event(), when=MOUSEPAD_ONLY)
    assert outcome.paused_at == (1, 0) and target is None and injector.sent == []
    assert outcome.message.startswith("“xterm” is in front, and this task is for mousepad;")


def test_a_wait_for_any_window_does_not_make_the_window_in_front_the_target() -> None:
    injector = FakeInjector()
    perf = Performer(injector, FakeWindowProbe(window=TERM))
    outcome, target = perf.run(actions({"wait": {"timeout": 1}}, {"type": "x"}), None, threading.Event(),
                               when=MOUSEPAD_ONLY)
    assert outcome.paused_at == (1, 0) and target is None and injector.sent == []


def test_waits_for_the_window_in_front_end_at_once_on_stop() -> None:
    """Issue 11.3: the grace loops slept without looking at the stop event."""

    class StopsWhileWaiting(threading.Event):
        """Clear when performing begins; set by the first wait, as a stop arriving mid-wait."""

        def wait(self, timeout: float | None = None) -> bool:
            self.set()
            return True

    def stands_still() -> float:  # the grace never runs out: only the stop can end the waits
        return 0.0

    for target, when in ((PAD, None), (None, MOUSEPAD_ONLY)):
        perf = Performer(FakeInjector(), FakeWindowProbe(window=TERM), clock=stands_still)
        outcome, _ = perf.run(actions({"keys": "ctrl+s"}), target, StopsWhileWaiting(), when=when)
        assert outcome.message == "Stopped." and outcome.paused_at == (0, 0)


@pytest.mark.parametrize(("target", "web"), [
    ("https://intranet.example/expenses?q=1#top", True),
    ("HTTP://example.org", True),
    ("mailto:help@example.org", True),
    ("https://user@example.org/", True),
    ("/usr/share/applications/xterm.desktop", False),
    ("file:///usr/share/applications/xterm.desktop", False),
    ("steam://run/123", False),
    ("javascript:alert(1)", False),
    ("C:\\Users\\x\\evil.lnk", False),
    ("evil.exe", False),
    ("https:", False),
    ("https:/etc/passwd", False),
    ("https:///etc/passwd", False),
    ("https://example.org/a b", True),
    ("https://exa mple.org/", False),
    ("https://example.org/\n-x", False),
    ("mailto:", False),
    ("mailto://x", False),
    ("", False),
])
def test_only_web_and_mail_links_count_as_links_any_wizard_may_open(target: str, web: bool) -> None:
    assert performer.web_link(target) is web


def test_open_of_anything_but_a_web_link_is_refused_unless_the_policy_trusts_the_wizard() -> None:
    """Issue 11.4: `open` started programs (.desktop files, URL schemes, .exe/.lnk) from any wizard."""
    launcher = FakeLauncher()
    items = actions({"open": "https://example.org/"}, {"open": "/usr/share/applications/xterm.desktop"})
    outcome = run(Performer(FakeInjector(), FakeWindowProbe(window=PAD), launcher=launcher), items)
    assert outcome.failed_at == 1 and launcher.opened == ["https://example.org/"]
    assert outcome.message == (
        "Opening “/usr/share/applications/xterm.desktop” is not allowed here: your administrator's policy "
        "lets only wizards from the folders it trusts open anything but web and mail links (http, https, "
        "mailto).")
    asked: list[str] = []
    trusted = Performer(FakeInjector(), FakeWindowProbe(window=PAD), launcher=launcher,
                        allow_open=lambda target: asked.append(target) is None)
    assert run(trusted, items).completed and asked == ["/usr/share/applications/xterm.desktop"]
    assert launcher.opened[-1] == "/usr/share/applications/xterm.desktop"
    outcome = run(Performer(FakeInjector(), FakeWindowProbe(window=PAD), launcher=launcher),
                  actions({"open": "steam://run/1\n2"}))
    assert outcome.message.startswith("Opening “steam://run/1\ufffd2” is not allowed here")


def test_a_paste_of_text_that_holds_a_secret_carries_the_secret_hint() -> None:
    """Issue 11.10 with 11.2: the engine's masked actions tell which texts hold a secret."""
    clipboard = FakeClipboard()
    perf = Performer(FakeInjector(), FakeWindowProbe(window=PAD), clipboard=clipboard)
    items = actions({"paste": "hunter2"}, {"paste": "Dear Ann"})
    shown = actions({"paste": "••••••"}, {"paste": "Dear Ann"})
    outcome, _ = perf.run(items, PAD, threading.Event(), shown=shown)
    assert outcome.completed and clipboard.offers == [("hunter2", True), ("Dear Ann", False)]


def test_a_copy_of_text_that_holds_a_secret_carries_the_secret_hint() -> None:
    clipboard = FakeClipboard()
    perf = Performer(FakeInjector(), FakeWindowProbe(window=PAD), clipboard=clipboard)
    items = actions({"copy": "hunter2"}, {"copy": "INV-42"})
    shown = actions({"copy": "••••••"}, {"copy": "INV-42"})
    outcome, _ = perf.run(items, PAD, threading.Event(), shown=shown)
    assert outcome.completed and clipboard.copies == [("hunter2", True), ("INV-42", False)]
