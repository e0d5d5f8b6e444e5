"""The run engine, driven table-style: events in, state and effects out, no display."""

from __future__ import annotations

import random
import textwrap
from typing import Any

import pytest
import yaml

from app.engine import (
    Abort,
    Aborted,
    ActionFailed,
    ActionsDone,
    ActionsPaused,
    AskInputs,
    Back,
    Check,
    Choose,
    ClipboardChanged,
    Continue,
    DoItMyself,
    Effect,
    ElementObserved,
    Engine,
    Event,
    Failed,
    FileObserved,
    Finished,
    Highlight,
    InputsInvalid,
    KeysPressed,
    Next,
    Notice,
    Paused,
    Perform,
    Refused,
    Retry,
    RunState,
    ShowMe,
    ShowStep,
    Skip,
    SkipStep,
    Start,
    SubmitInputs,
    SwitchMode,
    Tick,
    Watch,
    WindowActivated,
    window_matches,
)
from app.format.model import RunAction, TypeAction, WindowMatch, Wizard

T0 = 1_700_000_000.0


def wizard(text: str) -> Wizard:
    """A wizard from YAML text; `wayguide: 1` and a title are added when missing."""
    data = yaml.safe_load(textwrap.dedent(text))
    data.setdefault("wayguide", 1)
    data.setdefault("title", "Test")
    return Wizard.model_validate(data)


class Run:
    """An engine and its current state; every event is one second after the one before."""

    def __init__(self, wiz: Wizard, state: RunState | None = None) -> None:
        self.engine = Engine(wiz)
        self.state = state or self.engine.initial()
        self.now = T0
        self.effects: list[Effect] = []

    def send(self, kind: type[Event], *args: Any, **kwargs: Any) -> list[Effect]:
        if "at" not in kwargs:
            self.now += 1
            kwargs["at"] = self.now
        self.state, self.effects = self.engine.handle(self.state, kind(*args, **kwargs))
        return self.effects

    def play(self, *events: type[Event] | tuple[Any, ...]) -> list[Effect]:
        for event in events:
            kind, *args = event if isinstance(event, tuple) else (event,)
            self.send(kind, *args)
        return self.effects

    @property
    def step(self) -> str | None:
        return self.state.step_id

    @property
    def outcomes(self) -> list[tuple[str, str]]:
        return [(h.step_id, h.outcome) for h in self.state.history]


def only(effects: list[Effect], kind: type[Any]) -> Any:
    found = [e for e in effects if isinstance(e, kind)]
    assert len(found) == 1, f"expected one {kind.__name__} in {effects}"
    return found[0]


def kinds(effects: list[Effect]) -> list[str]:
    return [type(e).__name__ for e in effects]


LINEAR = wizard("""
    id: t.linear
    steps:
      - {id: a, title: "Open **A**", explain: "Click *here*", why: "Because."}
      - {id: b, title: B, target: {window: {app: mousepad}, region: [0, 0, 0.5, 0.5]}}
      - {id: c, title: C}
""")

BRANCH = wizard("""
    id: t.branch
    steps:
      - {id: intro, title: Intro}
      - id: kind
        title: Business customer?
        choice:
          - {label: "**Yes**", goto: vat}
          - {label: "No", goto: save}
      - {id: vat, title: VAT, checklist: [VAT number present, VAT number validated]}
      - {id: save, title: Save}
      - {id: done, title: Done}
""")

WHEN = wizard("""
    id: t.when
    inputs:
      - {name: vip, label: VIP, type: choice, choices: ["yes", "no"], default: "no"}
    steps:
      - {id: a, title: A}
      - {id: b, title: B, when: "inputs.vip == 'yes'"}
      - {id: c, title: C}
""")

BLACK = wizard("""
    id: t.black
    inputs:
      - {name: customer, label: Customer, required: true}
      - {name: amount, label: Amount, type: number, required: true}
      - {name: kind, label: Kind, type: choice, choices: [travel, meals], default: travel}
      - {name: pin, label: PIN, type: secret}
    steps:
      - id: focus
        title: Focus Mousepad
        do: [{focus: {app: mousepad}}]
        until: {active: {app: mousepad}}
      - id: write
        title: Write to {{ inputs.customer }}
        do:
          - type: "Dear {{ inputs.customer }}, {{ inputs.amount }} EUR"
          - run: [echo, "{{ inputs.kind }}"]
      - id: decide
        title: Keep it?
        choice: [{label: Keep, goto: check}, {label: Drop, goto: finish}]
      - {id: check, title: Check, checklist: [Looks right]}
      - id: finish
        title: Save
        do: [{keys: ctrl+s}]
""")

SHOWME = wizard("""
    id: t.showme
    steps:
      - {id: hello, title: Hello, do: [{type: "hi"}], until: {keys: ctrl+s}}
      - {id: bye, title: Bye}
""")

GOOD_INPUTS = {"customer": "Ann", "amount": "42", "pin": "1234"}


def black_run(**values: str) -> Run:
    run = Run(BLACK)
    run.send(Start, "black")
    run.send(SubmitInputs, {**GOOD_INPUTS, **values})
    return run


# ------------------------------------------------------------ glass box


def test_linear_glass_run_with_next() -> None:
    run = Run(LINEAR)
    effects = run.send(Start)
    assert run.state.status == "running" and run.state.mode == "glass"
    assert kinds(effects) == ["ShowStep", "ClearHighlight", "Watch"]
    show = only(effects, ShowStep)
    assert (show.step_id, show.index, show.total, show.can_back, show.has_do) == ("a", 1, 3, False, False)
    assert show.title == "Open **A**" and show.explain == "Click *here*" and show.why == "Because."
    assert show.until is None and only(effects, Watch).condition is None

    effects = run.send(Next)
    show = only(effects, ShowStep)
    assert (show.step_id, show.index, show.total, show.can_back) == ("b", 2, 3, True)
    highlight = only(effects, Highlight)
    assert highlight.target.window == WindowMatch(app="mousepad")
    assert highlight.target.region == (0, 0, 0.5, 0.5)

    run.play(Next)
    effects = run.send(Next, at=T0 + 65)
    summary = only(effects, Finished).summary
    assert run.state.status == "finished" and run.step is None
    assert (summary.steps, summary.by_person, summary.automated, summary.duration) == (3, 3, 0, 64)
    assert run.outcomes == [("a", "person"), ("b", "person"), ("c", "person")]
    assert [h.mode for h in run.state.history] == ["glass"] * 3
    assert run.state.history[0].started_at == T0 + 1 and run.state.history[0].ended_at == T0 + 2


@pytest.mark.parametrize(("values", "shown"), [
    (None, ["a", "c"]),
    ({"vip": "no"}, ["a", "c"]),
    ({"vip": "yes"}, ["a", "b", "c"]),
])
def test_when_skips_steps_by_input(values: dict[str, str] | None, shown: list[str]) -> None:
    run = Run(WHEN)
    run.send(Start, "glass", values)
    seen = [run.step]
    assert only(run.effects, ShowStep).total == len(shown)
    while run.state.status == "running":
        run.send(Next)
        seen.append(run.step)
    assert seen[:-1] == shown
    middle = ("b", "person") if "b" in shown else ("b", "skipped-when")
    assert run.outcomes == [("a", "person"), middle, ("c", "person")]
    assert only(run.effects, Finished).summary.steps == len(shown)


def test_when_that_cannot_be_evaluated_shows_the_step() -> None:
    run = Run(wizard("""
        id: t.badwhen
        steps: [{id: a, title: A, when: "inputs.nope.deeper"}]
    """))
    effects = run.send(Start)
    assert run.step == "a" and "could not be checked" in only(effects, Notice).message


@pytest.mark.parametrize(("events", "path", "outcomes"), [
    pytest.param([Next, (Choose, 0)], ["intro", "kind", "vat"],
                 [("intro", "person"), ("kind", "chosen")], id="yes-to-vat"),
    pytest.param([Next, (Choose, 1), Next], ["intro", "kind", "save", "done"],
                 [("intro", "person"), ("kind", "chosen"), ("save", "person")], id="no-to-save-then-on"),
    pytest.param([Next, (Choose, 0), (Check, 0, True), (Check, 1, True), Next, Next],
                 ["intro", "kind", "vat", "save", "done"],
                 [("intro", "person"), ("kind", "chosen"), ("vat", "person"), ("save", "person")],
                 id="vat-continues-in-list-order"),
    pytest.param([Next, (Choose, 7), (Choose, -1)], ["intro", "kind"], [("intro", "person")],
                 id="option-out-of-range-ignored"),
])
def test_choice_branching(events: list[Any], path: list[str], outcomes: list[tuple[str, str]]) -> None:
    run = Run(BRANCH)
    run.send(Start)
    seen = [run.step]
    for event in events:
        run.play(event)
        if run.step != seen[-1]:
            seen.append(run.step)
    assert seen == path
    assert run.outcomes == outcomes


def test_choice_step_shows_labels_and_refuses_next_and_skip() -> None:
    run = Run(BRANCH)
    run.play(Start)
    show = only(run.send(Next), ShowStep)
    assert show.choices == ("**Yes**", "No")
    assert show.total == 5  # intro, kind, then the first option's way: vat, save, done
    for event in (Next, Skip):
        assert "Choose" in only(run.send(event), Notice).message
        assert run.step == "kind"
    run.send(Choose, 1)
    assert run.state.history[-1].choice == 1
    assert only(run.effects, ShowStep).total == 4  # intro, kind, save, done


def test_back_returns_along_the_trail_after_branching() -> None:
    run = Run(BRANCH)
    run.play(Start, Next, (Choose, 0), (Check, 0, True), (Check, 1, True), Next)
    assert run.step == "save"
    show = only(run.send(Back), ShowStep)
    assert (run.step, show.checked, show.index) == ("vat", (True, True), 3)
    assert run.outcomes == [("intro", "person"), ("kind", "chosen")]
    run.play(Back)
    assert run.step == "kind" and run.outcomes == [("intro", "person")]
    run.play((Choose, 1))
    assert run.step == "save"
    run.play(Back, Back)
    assert run.step == "intro" and run.outcomes == []
    assert run.send(Back) == [] and run.step == "intro"


def test_skip_records_skipped() -> None:
    run = Run(LINEAR)
    run.play(Start, Skip, Next, Skip)
    assert run.outcomes == [("a", "skipped"), ("b", "person"), ("c", "skipped")]
    summary = only(run.effects, Finished).summary
    assert (summary.steps, summary.skipped, summary.by_person) == (3, 2, 1)


@pytest.mark.parametrize(("checks", "moves"), [
    ([], False),
    ([(0, True)], False),
    ([(0, True), (1, True)], True),
    ([(0, True), (1, True), (0, False)], False),
    ([(0, True), (1, True), (5, False)], True),
])
def test_checklist_gates_next(checks: list[tuple[int, bool]], moves: bool) -> None:
    run = Run(BRANCH)
    run.play(Start, Next, (Choose, 0))
    for index, checked in checks:
        assert run.send(Check, index, checked) == []
    effects = run.send(Next)
    assert run.step == ("save" if moves else "vat")
    if not moves:
        assert "Tick every item" in only(effects, Notice).message


# ------------------------------------------------------------ until conditions

P = "~/letters/out.txt"

UNTIL_CASES = [
    ("{active: {app: 'mouse*'}}", [(WindowActivated, "Mousepad", "Untitled")], True),
    ("{active: {app: mousepad}}", [(WindowActivated, "xterm", "Mousepad")], False),
    ("{active: {app: notepad}}", [(WindowActivated, "", "x", "C:\\Windows\\notepad.exe")], True),
    ("{active: {title: '*mousepad'}}", [(WindowActivated, "x", "Untitled 1 - Mousepad")], True),
    ("{active: {title: '*mousepad'}}", [(WindowActivated, "mousepad", "Mousepad - help")], False),
    ("{active: {title: 're:^invoice \\d+$'}}", [(WindowActivated, "x", "Invoice 42")], True),
    ("{active: {title: 're:^invoice \\d+$'}}", [(WindowActivated, "x", "Invoice draft")], False),
    ("{keys: ctrl+s}", [(KeysPressed, "ctrl+s")], True),
    ("{keys: ctrl+s}", [(KeysPressed, "Ctrl+S")], True),
    ("{keys: ctrl+s}", [(KeysPressed, "ctrl+shift+s"), (KeysPressed, "s")], False),
    ("{clipboard: 're:^INV-\\d{4}$'}", [(ClipboardChanged, "INV-1234")], True),
    ("{clipboard: 're:^INV-\\d{4}$'}", [(ClipboardChanged, "INV-12")], False),
    ("{clipboard: 'INV-*'}", [(ClipboardChanged, "INV-9")], True),
    ("{clipboard: 'INV-*'}", [(ClipboardChanged, "inv-9")], False),
    (f"{{file: {{path: '{P}'}}}}", [(FileObserved, P, "")], True),
    (f"{{file: {{path: '{P}'}}}}", [(FileObserved, P, None)], False),
    (f"{{file: {{path: '{P}'}}}}", [(FileObserved, "/elsewhere", "x")], False),
    (f"{{file: {{path: '{P}', contains: Dear}}}}", [(FileObserved, P, "Dear Ann")], True),
    (f"{{file: {{path: '{P}', contains: Dear}}}}", [(FileObserved, P, "Hello")], False),
    # controls: as the runtime found them on the accessibility bus, on the latest report
    ("{element: {role: dialog, name: 'Save As'}}", [(ElementObserved, "0", True)], True),
    ("{element: {role: dialog, name: 'Save As'}}", [(ElementObserved, "0", False)], False),
    ("{element: {role: dialog, name: 'Save As'}, gone: true}", [(ElementObserved, "1", True)], False),
    ("{all: [{element: {name: OK}, state: focused}, {keys: ctrl+s}]}",
     [(ElementObserved, "0.0", True), (ElementObserved, "0.0", False), (KeysPressed, "ctrl+s")], False),
    ("{all: [{element: {name: OK}, state: focused}, {keys: ctrl+s}]}",
     [(ElementObserved, "0.0", True), (KeysPressed, "ctrl+s")], True),
    ("{after: 30}", [(Tick, T0 + 20)], False),
    ("{after: 30}", [(Tick, T0 + 20), (Tick, T0 + 31)], True),
    ("{any: [{keys: ctrl+s}, {after: 60}]}", [(KeysPressed, "ctrl+s")], True),
    ("{any: [{keys: ctrl+s}, {after: 60}]}", [(Tick, T0 + 62)], True),
    ("{any: [{keys: ctrl+s}, {after: 60}]}", [(Tick, T0 + 30)], False),
    # keys and clipboard latch: once seen during the step, they count
    ("{all: [{keys: ctrl+s}, {clipboard: x}]}", [(KeysPressed, "ctrl+s"), (ClipboardChanged, "x")], True),
    ("{all: [{keys: ctrl+s}, {clipboard: x}]}", [(ClipboardChanged, "x"), (ClipboardChanged, "y"),
                                                 (KeysPressed, "ctrl+s")], True),
    ("{all: [{keys: ctrl+s}, {clipboard: x}]}", [(KeysPressed, "ctrl+s")], False),
    # windows and files hold on the latest observation
    ("{all: [{active: {app: mousepad}}, {keys: ctrl+s}]}",
     [(WindowActivated, "mousepad", ""), (WindowActivated, "xterm", ""), (KeysPressed, "ctrl+s")], False),
    ("{all: [{active: {app: mousepad}}, {keys: ctrl+s}]}",
     [(WindowActivated, "xterm", ""), (KeysPressed, "ctrl+s"), (WindowActivated, "mousepad", "")], True),
    (f"{{all: [{{file: {{path: '{P}'}}}}, {{keys: ctrl+s}}]}}",
     [(FileObserved, P, "x"), (FileObserved, P, None), (KeysPressed, "ctrl+s")], False),
    (f"{{all: [{{file: {{path: '{P}'}}}}, {{keys: ctrl+s}}]}}",
     [(FileObserved, P, None), (KeysPressed, "ctrl+s"), (FileObserved, P, "x")], True),
    ("{all: [{after: 10}, {any: [{keys: f5}, {clipboard: 're:ok'}]}]}",
     [(ClipboardChanged, "is ok"), (Tick, T0 + 12)], True),
]


def until_wizard(until: str) -> Wizard:
    return wizard(f"""
        id: t.until
        steps:
          - {{id: watch, title: Watch, until: {until}}}
          - {{id: after, title: After}}
    """)


@pytest.mark.parametrize(("until", "events", "detected"), UNTIL_CASES)
def test_until_conditions(until: str, events: list[tuple[Any, ...]], detected: bool) -> None:
    run = Run(until_wizard(until))
    run.send(Start, at=T0)
    assert only(run.effects, Watch).condition is not None
    for kind, *args in events:
        if kind is Tick:
            run.send(Tick, at=args[0])
        else:
            run.send(kind, *args)
    assert run.step == ("after" if detected else "watch")
    assert run.outcomes == ([("watch", "detected")] if detected else [])


def test_observations_before_the_step_or_while_not_waiting_are_ignored() -> None:
    run = Run(until_wizard("{keys: ctrl+s}"))
    assert run.send(KeysPressed, "ctrl+s") == [] and run.state == run.engine.initial()
    run = Run(SHOWME)
    run.play(Start, ShowMe)
    assert run.send(KeysPressed, "ctrl+s") == [] and run.state.status == "performing"


def test_latches_reset_on_the_next_step() -> None:
    run = Run(wizard("""
        id: t.latch
        steps:
          - {id: one, title: One, until: {all: [{keys: ctrl+s}, {keys: f5}]}}
          - {id: two, title: Two, until: {keys: ctrl+s}}
          - {id: three, title: Three}
    """))
    run.play(Start, (KeysPressed, "ctrl+s"), (KeysPressed, "f5"))
    assert run.step == "two" and run.state.latched == ()
    run.play((KeysPressed, "ctrl+s"))
    assert run.step == "three"


@pytest.mark.parametrize(("until", "description"), [
    ("{active: {app: mousepad}}", "Mousepad in front"),
    ("{active: {app: mousepad, title: '*.txt'}}", "Mousepad titled “*.txt” in front"),
    ("{active: {title: 're:^Save'}}", "a window titled /^Save/ in front"),
    ("{keys: ctrl+shift+s}", "Ctrl+Shift+S pressed"),
    ("{clipboard: 'INV-*'}", "copied text matching “INV-*”"),
    ("{file: {path: '~/{{ inputs.name }}.txt', contains: Dear}}", "the file ~/Ann.txt containing “Dear”"),
    ("{after: 2.5}", "2.5 s passed"),
    ("{element: {role: dialog, name: 'Save As*'}}", "“Save As” (dialog) there"),
    ("{element: {role: dialog, name: 'Save As'}, gone: true}", "“Save As” (dialog) gone"),
    ("{element: {role: check box, name: Bold}, state: checked}", "“Bold” (check box) checked"),
    ("{element: {role: text, within: {name: Amount}}, text: 're:^\\d+$'}",
     "the text in “Amount” there showing text matching /^\\d+$/"),
    ("{any: [{keys: f5}, {all: [{after: 3}, {keys: ctrl++}]}]}",
     "F5 pressed or (3 s passed and Ctrl++ pressed)"),
])
def test_until_is_described_for_the_panel(until: str, description: str) -> None:
    run = Run(wizard(f"""
        id: t.describe
        inputs: [{{name: name, label: Name, default: Ann}}]
        steps: [{{id: a, title: A, until: {until}}}]
    """))
    show = only(run.send(Start), ShowStep)
    assert show.until == "moves on when it sees: " + description


def test_watch_tells_the_runtime_what_to_observe() -> None:
    run = Run(wizard("""
        id: t.watch
        inputs: [{name: name, label: Name, required: true}]
        steps:
          - id: a
            title: A
            until:
              any:
                - {file: {path: "~/{{ inputs.name }}.txt"}}
                - {keys: ctrl+s}
                - {all: [{active: {app: x}}, {after: 5}, {keys: ctrl+s}]}
    """))
    run.send(Start, values={"name": "Ann"})
    watch = only(run.effects, Watch)
    assert (watch.windows, watch.keys, watch.clipboard, watch.files, watch.timer) == \
        (True, ("ctrl+s",), False, ("~/Ann.txt",), True)
    assert run.send(FileObserved, "~/Ann.txt", "") != [] and run.outcomes == [("a", "detected")]


@pytest.mark.parametrize(("match", "window", "expected"), [
    ({"app": "mousepad"}, ("Mousepad", "x", ""), True),
    ({"app": "mouse?ad"}, ("", "", "/usr/bin/mousepad"), True),
    ({"app": "notepad"}, ("", "", "C:\\Windows\\NOTEPAD.EXE"), True),
    ({"app": "re:^(gnu|x)term$"}, ("XTerm", "", ""), True),
    ({"app": "mousepad"}, ("xterm", "mousepad", "xterm"), False),
    ({"app": "*"}, ("", "", ""), False),
    ({"title": "*.txt - Mousepad"}, ("", "notes.TXT - mousepad", ""), True),
    ({"title": "re:\\d+ unread"}, ("", "Inbox (12 unread)", ""), True),
    ({"app": "mousepad", "title": "*.txt"}, ("mousepad", "notes.md", ""), False),
])
def test_window_matches(match: dict[str, str], window: tuple[str, str, str], expected: bool) -> None:
    assert window_matches(WindowMatch(**match), *window) is expected


# ------------------------------------------------------------ black box


def test_black_run_performs_and_pauses_for_the_person() -> None:
    run = Run(BLACK)
    effects = run.send(Start, "black")
    assert run.state.status == "inputs"
    ask = only(effects, AskInputs)
    assert [i.name for i in ask.inputs] == ["customer", "amount", "kind", "pin"]
    assert ask.values == {"kind": "travel"}

    effects = run.send(SubmitInputs, GOOD_INPUTS)
    assert run.state.status == "performing" and run.step == "focus"
    assert kinds(effects) == ["ShowStep", "ClearHighlight", "Watch", "Perform"]
    assert only(effects, Watch).condition is None and only(effects, ShowStep).mode == "black"
    perform = only(effects, Perform)
    assert (perform.step_id, perform.pace, len(perform.actions)) == ("focus", "fast", 1)

    perform = only(run.send(ActionsDone, "focus"), Perform)
    assert only(run.effects, ShowStep).title == "Write to Ann"
    typed, ran = perform.actions
    assert isinstance(typed, TypeAction) and typed.type == "Dear Ann, 42 EUR"
    assert isinstance(ran, RunAction) and ran.run == ["echo", "travel"]

    assert run.send(ActionsDone, "focus") == []  # not the step being performed
    effects = run.send(ActionsDone, "write")
    assert run.state.status == "paused"
    assert only(effects, Paused).reason == "This step needs your decision."
    effects = run.send(Choose, 0)
    assert (run.step, only(effects, Paused).reason) == ("check", "Tick the checklist, then press Next.")
    assert isinstance(run.send(Next)[0], Notice)
    run.play((Check, 0, True), Next)
    assert run.state.status == "performing" and run.step == "finish"
    summary = only(run.send(ActionsDone, "finish"), Finished).summary
    assert run.outcomes == [("focus", "automated"), ("write", "automated"), ("decide", "chosen"),
                            ("check", "person"), ("finish", "automated")]
    assert (summary.steps, summary.automated, summary.by_person) == (5, 3, 2)


def test_black_pauses_for_a_step_without_do_and_until_can_end_it() -> None:
    run = Run(wizard("""
        id: t.pause
        modes: [black]
        steps:
          - {id: a, title: A, do: [{keys: ctrl+n}]}
          - {id: b, title: B, until: {keys: ctrl+s}}
          - {id: c, title: C}
    """))
    run.play(Start, (ActionsDone, "a"))
    assert (run.state.status, only(run.effects, Paused).reason) == \
        ("paused", "Do this step yourself, then press Next.")
    assert only(run.effects, Watch).keys == ("ctrl+s",)
    run.play((KeysPressed, "ctrl+s"))
    assert run.outcomes[-1] == ("b", "detected") and run.step == "c"


@pytest.mark.parametrize(("choice", "status", "step", "outcomes"), [
    (Retry, "performing", "write", [("focus", "automated")]),
    (SkipStep, "paused", "decide", [("focus", "automated"), ("write", "skipped")]),
    (DoItMyself, "running", "write", [("focus", "automated")]),
])
def test_failure_then_retry_skip_or_myself(choice: type[Event], status: str, step: str,
                                           outcomes: list[tuple[str, str]]) -> None:
    run = black_run()
    run.play((ActionsDone, "focus"))
    effects = run.send(ActionFailed, "write", 1, "echo is not allowed")
    failed = only(effects, Failed)
    assert run.state.status == "failed"
    assert (failed.step_id, failed.action_index, failed.message, failed.options) == \
        ("write", 1, "echo is not allowed", ("retry", "skip", "myself"))
    assert run.send(Next) == [] and run.send(ActionsDone, "write") == []

    effects = run.send(choice)
    assert (run.state.status, run.step, run.outcomes) == (status, step, outcomes)
    if choice is Retry:
        assert only(effects, Perform).pace == "fast"
    if choice is DoItMyself:
        assert only(effects, ShowStep).mode == "glass" and not any(isinstance(e, Perform) for e in effects)
        run.play(Next)
        assert run.state.history[-1].mode == "glass" and run.outcomes[-1] == ("write", "person")
        assert run.state.status == "paused" and run.state.treatment == "black"


def test_template_problem_in_an_action_fails_the_step() -> None:
    run = Run(wizard("""
        id: t.badtemplate
        modes: [black]
        steps:
          - {id: a, title: A, do: [{keys: ctrl+n}, {paste: "{{ inputs.nope }}"}]}
    """))
    effects = run.send(Start)
    failed = only(effects, Failed)
    assert run.state.status == "failed" and failed.action_index == 1
    assert failed.message.startswith("Action 2 (paste) could not be filled in:") and "nope" in failed.message


def test_back_in_black_box_does_not_repeat_automation() -> None:
    run = black_run()
    run.play((ActionsDone, "focus"), (ActionsDone, "write"))
    effects = run.send(Back)
    assert (run.step, run.state.status, run.state.treatment) == ("write", "running", "glass")
    assert not any(isinstance(e, Perform) for e in effects)
    run.play(Next)
    assert (run.step, run.state.status) == ("decide", "paused")


INTRUDER = ("“xterm” came in front of “Untitled - Mousepad”; Wayguide paused so nothing is typed into the "
            "wrong window.")


@pytest.mark.parametrize(("events", "status", "start", "outcomes"), [
    # paused part-way, then Continue goes on from the very character
    ([(ActionsPaused, "write", 0, 7, INTRUDER), Continue], "performing", (0, 7), []),
    # paused again later: Continue starts from the later place
    ([(ActionsPaused, "write", 0, 7, INTRUDER), Continue, (ActionsPaused, "write", 1, 0, INTRUDER),
      Continue], "performing", (1, 0), []),
    # the person finishes the step themselves instead
    ([(ActionsPaused, "write", 0, 7, INTRUDER), Next], "paused", None, [("write", "person")]),
    # a pause for another step, or when not performing, is ignored
    ([(ActionsPaused, "focus", 0, 0, INTRUDER)], "performing", None, []),
    ([Continue], "performing", None, []),
    # Show me after a pause goes on at the visible pace from there too
    ([(ActionsPaused, "write", 0, 3, INTRUDER), ShowMe], "performing", (0, 3), []),
])
def test_performing_pauses_and_continues_where_it_stopped(
        events: list[Any], status: str, start: tuple[int, int] | None,
        outcomes: list[tuple[str, str]]) -> None:
    run = black_run()
    run.play((ActionsDone, "focus"))
    assert run.step == "write"
    effects = run.play(*events)
    assert run.state.status == status
    assert run.outcomes[1:] == outcomes
    if start is None:
        assert not any(isinstance(e, Perform) for e in effects)
    else:
        perform = only(effects, Perform)
        assert (perform.step_id, perform.start, len(perform.actions)) == ("write", start, 2)
        assert perform.pace == ("visible" if events[-1] is ShowMe else "fast")


def test_a_pause_says_why_and_offers_continue_until_the_step_ends() -> None:
    run = black_run()
    run.play((ActionsDone, "focus"))
    paused = only(run.send(ActionsPaused, "write", 0, 7, INTRUDER), Paused)
    assert (paused.step_id, paused.reason, paused.can_continue) == ("write", INTRUDER, True)
    assert run.state.resume_at == (0, 7)
    run.play(Continue, (ActionsDone, "write"))
    assert run.state.resume_at is None and run.step == "decide"
    assert not only(run.effects, Paused).can_continue
    assert run.send(Continue) == []


# ------------------------------------------------------------ show me, switching, abort


def test_show_me_performs_at_visible_pace_in_glass() -> None:
    run = Run(SHOWME)
    assert only(run.send(Start), ShowStep).has_do
    perform = only(run.send(ShowMe), Perform)
    assert (perform.step_id, perform.pace, run.state.status) == ("hello", "visible", "performing")
    assert run.send(Next) == [] and run.send(ShowMe) == []
    run.play((ActionsDone, "hello"))
    assert run.outcomes == [("hello", "automated")] and run.step == "bye"
    assert run.send(ShowMe) == []  # bye has nothing to show


def test_show_me_on_a_checklist_step_waits_for_the_ticks() -> None:
    run = Run(wizard("""
        id: t.showcheck
        steps: [{id: a, title: A, do: [{keys: f5}], checklist: [one]}]
    """))
    run.play(Start, ShowMe, (ActionsDone, "a"))
    assert run.state.status == "running" and only(run.effects, ShowStep).checked == (False,)
    run.play((Check, 0, True), ShowMe, (ActionsDone, "a"))
    assert run.outcomes == [("a", "automated")] and run.state.status == "finished"


def test_switching_modes_mid_run() -> None:
    run = Run(wizard("""
        id: t.switch
        inputs: [{name: who, label: Who}]
        steps:
          - {id: a, title: A, do: [{type: "{{ inputs.who }}"}]}
          - {id: b, title: B}
    """))
    run.send(Start, "glass")
    assert run.state.status == "running"  # no required inputs: glass starts directly
    run.send(SwitchMode, "black")
    assert run.state.status == "inputs" and run.state.mode == "black"
    perform = only(run.send(SubmitInputs, {"who": "Bo"}), Perform)
    assert perform.actions[0] == TypeAction(type="Bo")
    run.send(ActionFailed, "a", 0, "no window")
    run.send(SwitchMode, "glass")
    assert (run.state.status, run.state.treatment, run.state.failure) == ("running", "glass", None)
    assert isinstance(only(run.send(SwitchMode, "grey"), Refused), Refused)


def test_abort_ends_the_run_and_later_events_are_ignored() -> None:
    run = Run(BRANCH)
    run.play(Start, Next)
    aborted = only(run.send(Abort, "phone rang"), Aborted)
    assert (aborted.reason, aborted.step_id, aborted.summary.steps) == ("phone rang", "kind", 1)
    assert run.state.status == "aborted" and run.state.ended_at == run.now
    frozen = run.state
    for event in (Next, Back, (Choose, 0), (Abort, "again"), (Start, "glass")):
        assert run.play(event) == [] and run.state == frozen


@pytest.mark.parametrize(("wiz", "mode"), [
    (LINEAR, "black"),  # no `do` anywhere: glass only
    (wizard("{id: t.glassonly, modes: [glass], steps: [{id: a, title: A, do: [{keys: f1}]}]}"), "black"),
    (wizard("{id: t.blackonly, modes: [black], steps: [{id: a, title: A, do: [{keys: f1}]}]}"), "glass"),
    (LINEAR, "grey"),
])
def test_mode_not_allowed_is_refused(wiz: Wizard, mode: str) -> None:
    run = Run(wiz)
    refused = only(run.send(Start, mode), Refused)
    assert mode in refused.reason and run.state == run.engine.initial()


def test_default_mode_is_the_wizards_first() -> None:
    run = Run(wizard("{id: t.bo, modes: [black, glass], steps: [{id: a, title: A, do: [{keys: f1}]}]}"))
    run.send(Start)
    assert run.state.mode == "black" and run.state.status == "performing"


# ------------------------------------------------------------ inputs


@pytest.mark.parametrize(("values", "errors"), [
    ({}, {"customer": "Required.", "amount": "Required."}),
    ({"customer": "  ", "amount": "42"}, {"customer": "Required."}),
    ({"customer": "Ann", "amount": "4x2"}, {"amount": "'4x2' is not a number."}),
    ({"customer": "Ann", "amount": "nan"}, {"amount": "'nan' is not a number."}),
    ({"customer": "Ann", "amount": "1", "kind": "boats"}, {"kind": "'boats' is not one of: travel, meals."}),
    ({"customer": "Ann", "amount": "1", "colour": "red"}, {"colour": "Not an input of this wizard."}),
])
def test_invalid_inputs_stay_in_the_form(values: dict[str, str], errors: dict[str, str]) -> None:
    run = Run(BLACK)
    run.send(Start, "black")
    before = run.state
    effects = run.send(SubmitInputs, values)
    assert only(effects, InputsInvalid).errors == errors
    assert run.state == before and run.state.status == "inputs"


@pytest.mark.parametrize(("amount", "typed"), [
    ("42", "42"), ("42.50", "42.50"), (" 7 ", "7"), ("1e3", "1e3"),
])
def test_numbers_render_as_entered(amount: str, typed: str) -> None:
    run = black_run(amount=amount)
    perform = only(run.send(ActionsDone, "focus"), Perform)
    assert perform.actions[0].type == f"Dear Ann, {typed} EUR"


def test_start_values_skip_the_form_or_report_problems() -> None:
    run = Run(BLACK)
    run.send(Start, "black", {"customer": "Ann", "amount": "3"})
    assert run.state.status == "performing"
    run = Run(BLACK)
    effects = run.send(Start, "black", {"customer": "Ann"})
    assert kinds(effects) == ["AskInputs", "InputsInvalid"]
    assert only(effects, AskInputs).values == {"kind": "travel", "customer": "Ann"}


def test_secrets_are_typed_but_never_shown_on_the_panel() -> None:
    run = Run(wizard("""
        id: t.secret
        modes: [black]
        inputs: [{name: pin, label: PIN, type: secret, required: true}]
        steps: [{id: a, title: "Enter {{ inputs.pin }}", do: [{type: "{{ inputs.pin }}"}]}]
    """))
    effects = run.play(Start, (SubmitInputs, {"pin": "1234"}))
    assert only(effects, ShowStep).title == "Enter ••••••"
    assert only(effects, Perform).actions[0].type == "1234"
    assert "1234" not in repr(run.state.history)


SECRET_FORMS = """
    id: t.secret-forms
    modes: [black]
    inputs: [{name: pw, label: Password, type: secret, required: true}, {name: who, label: Who}]
    steps:
      - id: a
        title: Log in
        do:
          - type: "{{ inputs.pw }}\\n"
          - type: "{{ inputs.pw | upper }}"
          - paste: "`{{ inputs.pw }}`"
          - copy: "{{ inputs.pw | reverse }}"
          - open: "https://example.org/?token={{ inputs.pw | urlencode }}"
          - run: [login, "--pw={{ inputs.pw[::-1] }}"]
          - notify: "Logged in as {{ inputs.who }} with {{ inputs.pw | title }}"
          - type: "{{ inputs.pw[6] }}"
          - type: "Dear {{ inputs.who }}"
"""
FORMS = ("hunter2", "HUNTER2", "2retnuh", "Hunter2")


def test_every_form_of_a_secret_is_masked_in_what_is_shown_and_kept_in_what_is_typed() -> None:
    """Issue 11.10: the panel showed `Typing "hunter2⏎"`; a filter or a backtick printed it in clear."""
    run = Run(wizard(SECRET_FORMS))
    effects = run.play(Start, (SubmitInputs, {"pw": "hunter2", "who": "Ann"}))
    perform = only(effects, Perform)
    assert [getattr(a, "type", None) for a in perform.actions[:2]] == ["hunter2\n", "HUNTER2"]
    assert perform.actions[5].run == ["login", "--pw=2retnuh"]
    shown = repr(perform.display)
    assert not any(form in shown for form in FORMS) and "hunter" not in shown.lower()
    assert [getattr(a, "type", None) for a in perform.display[:2]] == ["••••••\n", "••••••"]
    assert perform.display[2].paste == "`••••••`"
    assert perform.display[7].type == "••••••"  # a template that fails on the mask: masked whole
    assert perform.display[8].type == perform.actions[8].type == "Dear Ann"  # no secret: as it is
    assert perform.actions[6].notify == perform.display[6].notify == "Logged in as Ann with ••••••"


def test_a_failure_message_never_quotes_a_secret_in_any_form() -> None:
    run = Run(wizard(SECRET_FORMS))
    run.play(Start, (SubmitInputs, {"pw": "hunter2", "who": "Ann"}))
    effects = run.send(ActionFailed, step_id="a", action_index=4,
                       message="Opening “https://example.org/?token=hunter2” is not allowed here.")
    assert only(effects, Failed).message == "Opening “••••••” is not allowed here."
    run = Run(wizard(SECRET_FORMS))
    run.play(Start, (SubmitInputs, {"pw": "hunter2", "who": "Ann"}))
    effects = run.send(ActionFailed, step_id="a", action_index=5,  # a secret with a quote mark in it
                       message="“--pw=2re” is odd, “ntuh” could not be started.")
    assert only(effects, Failed).message == "“••••••” could not be started."
    run = Run(wizard(SECRET_FORMS))
    run.play(Start, (SubmitInputs, {"pw": "hunter2", "who": "Ann"}))
    effects = run.send(ActionFailed, step_id="a", action_index=1,
                       message="The action failed: HUNTER2 and hunter2 (no quotes).")
    assert only(effects, Failed).message == "The action failed: •••••• and •••••• (no quotes)."


def test_a_template_error_or_a_watched_file_never_shows_a_secret() -> None:
    run = Run(wizard("""
        id: t.secret-errors
        modes: [black]
        inputs: [{name: pw, label: Password, type: secret, required: true}]
        steps:
          - id: a
            title: Wait for the file
            until: {file: {path: "/tmp/{{ inputs.pw | upper }}.txt"}}
          - {id: b, title: Type, do: [{type: "{{ inputs.pw[inputs.pw] }}"}]}
    """))
    effects = run.play(Start, (SubmitInputs, {"pw": "hunter2"}))
    assert only(effects, ShowStep).until == "moves on when it sees: the file /tmp/••••••.txt"
    assert only(effects, Watch).files == ("/tmp/HUNTER2.txt",)  # what is watched is the real file
    effects = run.send(Next)
    message = only(effects, Failed).message
    assert message.startswith("Action 1 (type) could not be filled in: ") and "hunter2" not in message
    assert "••••••" in message


def test_a_when_that_cannot_be_checked_never_quotes_a_secret() -> None:
    run = Run(wizard("""
        id: t.secret-when
        inputs: [{name: pw, label: Password, type: secret, required: true}]
        steps: [{id: a, title: A, when: "inputs.pw[inputs.pw] == 1"}]
    """))
    effects = run.play(Start, (SubmitInputs, {"pw": "hunter2"}))
    notice = only(effects, Notice).message
    assert notice.startswith("Step 'a': its 'when' could not be checked") and "hunter2" not in notice


def test_without_secrets_nothing_is_rendered_twice_or_masked() -> None:
    run = Run(wizard(SECRET_FORMS.replace("type: secret, required: true", "required: true")))
    perform = only(run.play(Start, (SubmitInputs, {"pw": "hunter2", "who": "Ann"})), Perform)
    assert perform.shown == () and perform.display == perform.actions


def test_glass_asks_for_required_inputs_only() -> None:
    run = Run(BLACK)
    run.send(Start, "glass")
    assert run.state.status == "inputs"
    run = Run(WHEN)
    run.send(Start, "glass")
    assert run.state.status == "running"


def test_a_state_at_a_step_the_wizard_no_longer_has_can_only_be_aborted() -> None:
    run = Run(BRANCH)
    run.play(Start, Next)
    other = wizard("{id: t.branch, steps: [{id: intro, title: Intro}]}")
    changed = Run(other, run.state)
    assert changed.send(Next) == []
    assert only(changed.send(Abort, "gone"), Aborted).reason == "gone"


def test_state_for_another_wizard_is_ignored() -> None:
    state = Engine(LINEAR).initial()
    assert Engine(BRANCH).handle(state, Start(at=T0)) == (state, [])


# ------------------------------------------------------------ robustness


def random_event(rng: random.Random, at: float) -> Event:
    steps = ["focus", "write", "decide", "check", "finish", "nope"]
    makers: list[Any] = [
        lambda: Start(rng.choice([None, "glass", "black", "grey"]),
                      rng.choice([None, {}, GOOD_INPUTS, {"amount": "x"}]), at=at),
        lambda: SubmitInputs(rng.choice([{}, GOOD_INPUTS, {"customer": "A", "amount": "1e9"},
                                         {"amount": "?"}]), at=at),
        lambda: Next(at=at), lambda: Back(at=at), lambda: Skip(at=at),
        lambda: Choose(rng.randint(-1, 3), at=at),
        lambda: Check(rng.randint(-1, 2), rng.random() < 0.7, at=at),
        lambda: ShowMe(at=at), lambda: SwitchMode(rng.choice(["glass", "black", "x"]), at=at),
        lambda: Abort("r", at=at) if rng.random() < 0.1 else Tick(at=at),
        lambda: ActionsDone(rng.choice(steps), at=at),
        lambda: ActionFailed(rng.choice(steps), rng.randint(-1, 3), "m", at=at),
        lambda: Retry(at=at), lambda: SkipStep(at=at), lambda: DoItMyself(at=at),
        lambda: ActionsPaused(rng.choice(steps), rng.randint(0, 2), rng.randint(0, 9), "m", at=at),
        lambda: Continue(at=at),
        lambda: WindowActivated(rng.choice(["mousepad", "xterm", ""]), "t", at=at),
        lambda: KeysPressed(rng.choice(["ctrl+s", "nonsense++", ""]), at=at),
        lambda: ClipboardChanged("x", at=at),
        lambda: FileObserved("/p", rng.choice([None, "x"]), at=at),
        lambda: Tick(at=rng.choice([at, float("nan"), -1e300, 1e300])),
    ]
    event: Event = rng.choice(makers)()
    return event


def test_random_event_sequences_never_raise() -> None:
    rng = random.Random(20261124)
    engine = Engine(BLACK)
    state = engine.initial()
    statuses = set()
    for n in range(8000):
        if state.status in ("finished", "aborted") or rng.random() < 0.01:
            state = engine.initial()
        state, effects = engine.handle(state, random_event(rng, T0 + n))
        statuses.add(state.status)
        assert isinstance(effects, list)
        if state.status == "performing":
            assert state.step_id is not None
    assert {"inputs", "running", "performing", "paused", "failed", "finished", "aborted"} <= statuses


def test_next_ends_a_branch_or_joins_branches_and_when_sees_the_choices_made() -> None:
    text = """
        id: t.next
        steps:
          - id: ask
            title: Reply or file it?
            choice:
              - {label: Reply, goto: reply}
              - {label: File it, goto: file}
          - {id: reply, title: Reply, next: thanks}
          - {id: file, title: File it, next: end}
          - {id: thanks, title: Thank them}
          - {id: archived, title: Archived, when: "choices.ask == 'File it'"}
    """
    run = Run(wizard(text))
    run.play(Start, (Choose, 0), Next)
    assert run.step == "thanks"
    run.play(Next)
    assert run.state.status == "finished"  # 'archived' is for the other answer
    run = Run(wizard(text))
    run.play(Start, (Choose, 1), Next)
    assert run.state.status == "finished" and [h.step_id for h in run.state.history] == ["ask", "file"]


def test_a_run_can_start_at_any_step_and_an_unknown_one_starts_at_the_first() -> None:
    text = """
        id: t.at
        inputs: [{name: who, label: Who, required: true}]
        steps:
          - {id: one, title: One}
          - {id: two, title: Two}
          - {id: three, title: Three}
    """
    run = Run(wizard(text))
    run.send(Start, step="two", values={"who": "Ann"})
    assert run.step == "two"
    run.play(Next)
    assert run.step == "three"
    run = Run(wizard(text))
    run.send(Start, step="two")  # the inputs form first, then the step asked for
    assert run.state.status == "inputs"
    run.send(SubmitInputs, values={"who": "Ann"})
    assert run.step == "two"
    run = Run(wizard(text))
    run.send(Start, step="nope", values={"who": "Ann"})
    assert run.step == "one"
