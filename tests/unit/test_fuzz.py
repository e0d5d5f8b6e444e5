"""Fuzzing: mutated bundled wizards and policy files go through the loader, the policy checker, the dry
run and the engine; a traceback, a hang or a diagnostic that is not one printable line fails.

In CI this is bounded (a fixed, derandomised set of 150 examples per target, ~10 s in all). Run it long
with `WAYGUIDE_FUZZ_EXAMPLES=20000 pytest tests/unit/test_fuzz.py` (random examples, a new set each
run; hypothesis keeps failing ones in .hypothesis/ and replays them first).
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import engine as E
from app.cli.dryrun import dry_run
from app.format.diagnostics import Diagnostic
from app.format.loader import load_file
from app.format.model import Wizard
from app.policy.check import check_policy
from app.policy.loading import load_policy

ROOT = Path(__file__).resolve().parents[2]
WIZARDS = sorted((ROOT / "wizards").glob("*.yaml"))
PACKAGED_POLICY = (ROOT / "packaging" / "policy.yaml").read_text(encoding="utf-8")
POLICY_EXAMPLES = [
    PACKAGED_POLICY,  # all comments
    re.sub(r"(?m)^# (?=\s*[a-z_]+:|\s+- )", "", PACKAGED_POLICY),  # its examples switched on
    "settings:\n  hotkey: ctrl+alt+space\n  theme: dark\nlocked: [hotkey]\nmodes: [glass, black]\n"
    "library: {folders: [/srv/share/wizards]}\nrun: {allowed: true, folders: [/usr/share/wayguide/wizards]}\n"
    "usage: {enabled: true, search_queries: false}\n"
    "lrs:\n  endpoint: https://lrs.example.com/xapi/\n  credentials: {env: WAYGUIDE_LRS_AUTH}\n",
    "modes: [glass]\nlocked: [theme, preferred_mode]\nlrs:\n  endpoint: https://lrs.example.com/xapi/\n"
    "  credentials: {inline: 'key:secret', allow_inline: true}\n",
]

LONG = int(os.environ.get("WAYGUIDE_FUZZ_EXAMPLES", "0"))
"""Examples per target when run long; 0: the bounded CI run."""
PER_EXAMPLE_S = float(os.environ.get("WAYGUIDE_FUZZ_TIMEOUT", "10"))
"""The longest one example may take through one target before it counts as a hang."""

FUZZ = settings(
    max_examples=LONG or 150,
    derandomize=not LONG,  # CI: the same examples every run; long: new ones each time
    deadline=None,  # timing on a shared machine varies; hangs are caught by `bounded`
    database=None if not LONG else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
)

COUNTS: dict[str, int] = {}
"""Examples run per target (printed at the end of a long run)."""


@pytest.fixture(autouse=True, scope="module")
def _say_how_many() -> Iterator[None]:
    started = time.monotonic()
    yield
    if LONG:
        print(f"\nfuzz, {time.monotonic() - started:.0f} s: "
              + ", ".join(f"{what}: {n}" for what, n in sorted(COUNTS.items())))


class Hang(Exception):
    pass


def count(what: str) -> None:
    COUNTS[what] = COUNTS.get(what, 0) + 1


@contextmanager
def bounded(what: str) -> Iterator[None]:
    """Fail with Hang when the body takes longer than PER_EXAMPLE_S (SIGALRM: main thread only)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(*_: object) -> None:
        raise Hang(f"{what}: still running after {PER_EXAMPLE_S} s")

    before = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, PER_EXAMPLE_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def one_line(items: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
    for item in items:
        text = str(item)
        assert text.isprintable() and "\n" not in text, repr(text)


# ------------------------------------------------------------------ mutations

ODD_VALUES = [
    "!!timestamp 2024-01-01", "2024-02-30", "!!binary aGVsbG8=", "!!int abc", "!!float x", "!!bool maybe",
    "!!set {a: null}", "!!omap [{a: 1}]", "!!python/object/apply:os.system [true]", "!custom x",
    "9" * 4400, "-" + "9" * 5000, "0x" + "f" * 5000, "1e309", "-1e309", ".nan", ".inf", "-.inf", "1:30:00",
    "0o777", "-1", "0", "99999999999999999999", "1e-320", "true", "null", "~", "''", '""', "=", "<<",
    "[" * 70 + "]" * 70, "{a: " * 70 + "1" + "}" * 70, '"a\\x01b"', '"line\\nwayguide:1:1: error: forged"',
    '"\\u202eevil\\u2066"', '"\\0"', '"\\t"', '"' + "x" * 100_000 + '"', "[]", "{}", "[[]]", "[{}]",
    "&a [*a]", "*nowhere", "'{{ inputs.x }}'", "'{{ 1/0 }}'", "'{% for i in range(10) %}x{% endfor %}'",
    "'{{ inputs'", "'{{ ''a'' * 100 }}'", "'re:('", "'re:^(a+)+$'", "'ctrl+'", "'ctrl+ctrl+s'", "'+'",
    "'~nosuchuser/x'", "'/dev/zero'", "'../../etc/passwd'", "'\\\\\\\\server\\\\share'", "[a, 1, null]",
]


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value (and to each mapping/list itself) in parsed YAML data."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*prefix, i))
    return found


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {k: (_replace(v, rest, value) if k == head else v) for k, v in data.items()}
    return [(_replace(v, rest, value) if i == head else v) for i, v in enumerate(data)]


PLACEHOLDER = "__wayguide_fuzz_{}__"


@st.composite
def yaml_mutation(draw: st.DrawFn, text: str, gentle: bool = False) -> bytes:
    """Text with values replaced by odd YAML (tags, huge numbers, deep nesting, control characters),
    keys renamed or dropped, lists emptied or repeated."""
    data = yaml.safe_load(text)
    snippets: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(["same-type", "same-type", "same-type", "repeat", "drop"] if gentle else [
            "value", "value", "value", "drop", "key", "repeat", "same-type", "same-type", "same-type"]))
        current: Any = data
        for part in path:
            current = current[part]
        if kind == "same-type" and isinstance(current, str | int | float) and not isinstance(current, bool):
            # a value of the kind the field holds, so that more mutants load and go on to run
            snippets.append(json.dumps(draw(st.text(max_size=60) | st.sampled_from(
                [current * 50, current + "\n" + current, "{{ inputs.x }}", "{{ 1 }}", "~/" + current]))
                if isinstance(current, str) else draw(st.sampled_from(
                    [0, -1, 0.0001, 1e308, 86400 * 365, 2**62, current * 1000, -current]))))
            data = _replace(data, path, PLACEHOLDER.format(len(snippets) - 1))
        elif kind == "value":
            snippet = draw(st.sampled_from(ODD_VALUES) | st.text(max_size=30).map(
                lambda s: '"' + s.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'))
            snippets.append(snippet)
            data = _replace(data, path, PLACEHOLDER.format(len(snippets) - 1))
        elif kind == "drop" and path:
            parent = path[:-1]
            container = data
            for part in parent:
                container = container[part]
            if isinstance(container, dict):
                data = _replace(data, parent, {k: v for k, v in container.items() if k != path[-1]})
            else:
                data = _replace(data, parent, [v for i, v in enumerate(container) if i != path[-1]])
        elif kind == "key" and path and isinstance(path[-1], str):
            parent = path[:-1]
            container = data
            for part in parent:
                container = container[part]
            new = draw(st.sampled_from(["id", "do", "until", "type", "steps", "x\ny", "\u202e", "<<", "? a"])
                       | st.text(min_size=1, max_size=12))
            data = _replace(data, parent, {(new if k == path[-1] else k): v for k, v in container.items()})
        elif kind == "repeat":
            container = data
            for part in path:
                container = container[part]
            if isinstance(container, list) and container:
                data = _replace(data, path, container * draw(st.integers(2, 50)))
    out = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    for i, snippet in enumerate(snippets):
        out = out.replace(f"'{PLACEHOLDER.format(i)}'", snippet).replace(PLACEHOLDER.format(i), snippet)
    return out.encode("utf-8", "surrogatepass")


ODD_CHARACTERS = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\u2028", "\u202e", "\ufeff", "\t", "\r",
                  "\udc80", "\U0001f600", "'", '"', ":", "#", "&", "*", "!", "{", "[", "|", ">", "%", "@"]


@st.composite
def line_mutation(draw: st.DrawFn, text: str) -> bytes:
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "control"]))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            lines[i] = "  " + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i].lstrip(" ")
        else:
            at = draw(st.integers(0, len(lines[i])))
            char = draw(st.sampled_from(ODD_CHARACTERS))
            lines[i] = lines[i][:at] + char + lines[i][at:]
    return "".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def byte_mutation(draw: st.DrawFn, text: str) -> bytes:
    raw = bytearray(text.encode("utf-8"))
    for _ in range(draw(st.integers(1, 8))):
        if not raw:
            break
        i = draw(st.integers(0, len(raw) - 1))
        kind = draw(st.sampled_from(["flip", "set", "insert", "delete"]))
        if kind == "flip":
            raw[i] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set":
            raw[i] = draw(st.integers(0, 255))
        elif kind == "insert":
            raw[i:i] = draw(st.binary(min_size=1, max_size=8))
        else:
            del raw[i: i + draw(st.integers(1, 16))]
    return bytes(raw)


def mutated(texts: list[str], valid_often: bool = False) -> st.SearchStrategy[bytes]:
    """Mutants of the texts; `valid_often`: mostly YAML-level ones, so that more of them load and
    reach the dry run and the engine (byte and line mutants rarely do)."""
    seed = st.sampled_from(texts)
    if valid_often:
        return seed.flatmap(lambda text: st.one_of(
            yaml_mutation(text, gentle=True), yaml_mutation(text, gentle=True), yaml_mutation(text),
            line_mutation(text), byte_mutation(text)))
    return seed.flatmap(lambda text: st.one_of(yaml_mutation(text), line_mutation(text), byte_mutation(text)))


WIZARD_TEXTS = [p.read_text(encoding="utf-8") for p in WIZARDS]

# ------------------------------------------------------------------ targets

_TMP = Path(tempfile.mkdtemp(prefix="wayguide-fuzz-"))


def _file(raw: bytes, name: str = "fuzz.yaml") -> Path:
    path = _TMP / name
    path.write_bytes(raw)
    return path


def load(raw: bytes) -> Wizard | None:
    path = _file(raw)
    with bounded("loader"):
        result = load_file(path)
    one_line(result.diagnostics)
    assert (result.wizard is None) == any(d.is_error for d in result.diagnostics)
    return result.wizard


def test_seeds_load_clean() -> None:
    """The mutations start from files that are right (else the fuzz tests little)."""
    assert len(WIZARDS) >= 5
    for text in WIZARD_TEXTS:
        assert load(text.encode()) is not None
    for text in POLICY_EXAMPLES:
        _, problems = load_policy(_file(text.encode(), "policy.yaml"))
        assert not [p for p in problems if p.is_error], problems
    assert "lrs" in yaml.safe_load(POLICY_EXAMPLES[1])


@FUZZ
@given(mutated(WIZARD_TEXTS))
def test_loader_never_raises_and_says_one_line_per_problem(raw: bytes) -> None:
    count("loader examples")
    if load(raw) is not None:
        count("loader examples that loaded")


@FUZZ
@given(mutated(POLICY_EXAMPLES), st.booleans())
def test_policy_checker_never_raises(raw: bytes, world_readable: bool) -> None:
    count("policy examples")
    path = _file(raw, "policy.yaml")
    with bounded("policy"):
        policy, problems, _ = check_policy(path, raw, world_readable)
        again, more = load_policy(path, "system", None)
    one_line(problems)
    one_line(more)
    policy.summary()
    again.summary()


def _inputs(wizard: Wizard) -> dict[str, str]:
    values = {}
    for spec in wizard.inputs:
        if spec.type == "choice" and spec.choices:
            values[spec.name] = str(spec.choices[0])
        elif spec.type == "number":
            values[spec.name] = "42"
        else:
            values[spec.name] = "Müller\n\u202e{{ x }} $(touch /tmp/pwned)"
    return values


@FUZZ
@given(mutated(WIZARD_TEXTS, valid_often=True), st.sampled_from([None, "glass", "black"]))
def test_dry_run_never_raises(raw: bytes, mode: str | None) -> None:
    count("dry run examples")
    wizard = load(raw)
    if wizard is None:
        return
    count("dry runs of a mutant that loaded")
    path = _file(raw)
    out, err = io.StringIO(), io.StringIO()
    with bounded("dry run"):
        code = dry_run(str(path), mode, _inputs(wizard), out, err)
    assert code in (0, 1)


def _events(wizard: Wizard) -> st.SearchStrategy[Callable[[E.RunState, float], E.Event]]:
    """Events as the runtime might send them, some for the current step, some stale or odd."""
    ids = [s.id for s in wizard.steps] + ["nope"]
    text = st.text(max_size=40)

    def current(make: Callable[[str, float], E.Event]) -> Callable[[E.RunState, float], E.Event]:
        return lambda state, at: make(state.step_id or "nope", at)

    return st.one_of(
        st.sampled_from([E.Next, E.Back, E.Skip, E.ShowMe, E.Continue, E.Retry, E.SkipStep, E.DoItMyself,
                         E.Tick]).map(lambda cls: lambda state, at: cls(at=at)),
        st.integers(-2, 6).map(lambda i: lambda state, at: E.Choose(index=i, at=at)),
        st.tuples(st.integers(-2, 6), st.booleans()).map(
            lambda a: lambda state, at: E.Check(index=a[0], checked=a[1], at=at)),
        st.sampled_from(["glass", "black", "wizard", ""]).map(
            lambda m: lambda state, at: E.SwitchMode(mode=m, at=at)),
        st.just(current(lambda step, at: E.ActionsDone(step_id=step, at=at))),
        st.sampled_from(ids).map(lambda s: lambda state, at: E.ActionsDone(step_id=s, at=at)),
        st.tuples(st.integers(-1, 5), text).map(lambda a: current(
            lambda step, at: E.ActionFailed(step_id=step, action_index=a[0], message=a[1], at=at))),
        st.tuples(st.integers(-1, 5), st.integers(-1, 10_000), text).map(lambda a: current(
            lambda step, at: E.ActionsPaused(step_id=step, action_index=a[0], offset=a[1], reason=a[2],
                                             at=at))),
        st.tuples(st.sampled_from(["mousepad", "xterm", "Mousepad", "", "x" * 1000]), text).map(
            lambda a: lambda state, at: E.WindowActivated(app=a[0], title=a[1], at=at)),
        st.sampled_from(["ctrl+s", "ctrl+shift+s", "enter", "ctrl+", "+", "x" * 100]).map(
            lambda c: lambda state, at: E.KeysPressed(combo=c, at=at)),
        text.map(lambda t: lambda state, at: E.ClipboardChanged(text=t, at=at)),
        st.tuples(st.sampled_from(["~/x.txt", "/tmp/nothing", ""]), st.none() | text).map(
            lambda a: lambda state, at: E.FileObserved(path=a[0], content=a[1], at=at)),
        st.tuples(st.sampled_from(["0", "0.0", "0.1", "0.1.2", "9", "", "x"]), st.booleans()).map(
            lambda a: lambda state, at: E.ElementObserved(path=a[0], holds=a[1], at=at)),
        st.dictionaries(st.sampled_from([i.name for i in wizard.inputs] + ["other"]), text).map(
            lambda v: lambda state, at: E.SubmitInputs(values=v, at=at)),
        st.just(lambda state, at: E.SubmitInputs(values=_inputs(wizard), at=at)),
        text.map(lambda r: lambda state, at: E.Abort(reason=r, at=at)),
    )


@FUZZ
@given(st.data())
def test_engine_takes_any_events_from_a_mutated_wizard(data: st.DataObject) -> None:
    count("engine examples")
    wizard = load(data.draw(mutated(WIZARD_TEXTS, valid_often=True), label="file"))
    if wizard is not None:
        count("engine runs of a mutant that loaded")
    else:
        wizard = load(data.draw(st.sampled_from(WIZARD_TEXTS), label="seed").encode())
        assert wizard is not None
    run = E.Engine(wizard)
    mode = data.draw(st.sampled_from([None, "glass", "black", "odd"]), label="mode")
    values = _inputs(wizard) if data.draw(st.booleans(), label="values given") else None
    at = time.time()
    with bounded("engine"):
        state, _ = run.handle(run.initial(), E.Start(mode=mode, values=values, at=at))
    events = data.draw(st.lists(_events(wizard), max_size=40), label="events")
    for make in events:
        at += data.draw(st.sampled_from([0.0, 0.01, 1.0, 3600.0]), label="later")
        event = make(state, at)
        count("engine events")
        with bounded("engine"):
            state, effects = run.handle(state, event)
        assert isinstance(effects, list)
