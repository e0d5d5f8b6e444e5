"""Usage data without Qt: the recorder fed by the real engine, the store, migrations, the report."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from app.cli.main import main as cli
from app.engine import (
    Abort,
    ActionFailed,
    Engine,
    Event,
    Next,
    RunState,
    Start,
)
from app.format.model import Wizard
from app.usage import Recorder, UsageConfig, UsageEvent
from app.usage.formats import csv_text, html, json_text, table
from app.usage.report import build
from app.usage.store import DB_NAME, MIGRATIONS, SCHEMA_VERSION, Store, StoreError, connect

T0 = 1_700_000_000.0

THREE_STEPS = """\
wayguide: 1
id: test.letter
title: Write the letter
version: "3"
inputs:
  - {name: customer, label: Customer}
  - {name: pin, label: PIN, type: secret}
steps:
  - {id: open, title: Open the editor, why: Because.}
  - id: write
    title: "Write to {{ inputs.customer }}"
    do: [{type: "Dear {{ inputs.customer }} {{ inputs.pin }}"}]
  - {id: save, title: Save it}
"""


def wizard(text: str = THREE_STEPS) -> Wizard:
    return Wizard.model_validate(yaml.safe_load(textwrap.dedent(text)))


class Driven:
    """A recorder fed exactly as the composition root feeds it."""

    def __init__(self, recorder: Recorder, wiz: Wizard, source: str = "panel") -> None:
        self.recorder = recorder
        self.engine = Engine(wiz)
        self.state: RunState = self.engine.initial()
        self.at = T0
        recorder.begin(self, wiz, source)

    def send(self, event: Event) -> None:
        old = self.state
        self.state, effects = self.engine.handle(old, event)
        self.recorder.observe(self, old, self.state, effects)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / DB_NAME


@pytest.fixture
def recorder(db: Path) -> Iterator[Recorder]:
    rec = Recorder(clock=lambda: T0 + 100)
    rec.open(db, UsageConfig())
    yield rec
    rec.close()


def events(db: Path) -> list[dict[str, object]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM events ORDER BY seq")]
    finally:
        conn.close()


def flushed(recorder: Recorder) -> None:
    assert recorder.store is not None and recorder.store.flush()


def test_a_glass_run_records_start_steps_help_and_completion(recorder: Recorder, db: Path) -> None:
    run = Driven(recorder, wizard(), source="hotkey")
    run.send(Start(mode="glass", values={"customer": "Zorblax"}, at=T0))
    recorder.help_opened(run, "open")
    run.send(Next(at=T0 + 4))
    run.send(Next(at=T0 + 10))
    run.send(Next(at=T0 + 11))
    flushed(recorder)
    rows = events(db)
    assert [(r["kind"], r["step"]) for r in rows] == [
        ("started", None), ("step-shown", "open"), ("help", "open"), ("step-done", "open"),
        ("step-shown", "write"), ("step-done", "write"), ("step-shown", "save"), ("step-done", "save"),
        ("completed", None)]
    started = rows[0]
    assert (started["wizard"], started["version"], started["mode"], started["source"]) == (
        "test.letter", "3", "glass", "hotkey")
    assert started["person"] and started["title"] == "Write the letter"
    done = [r for r in rows if r["kind"] == "step-done"]
    assert [(r["outcome"], r["duration"]) for r in done] == [("person", 4.0), ("person", 6.0),
                                                            ("person", 1.0)]
    assert rows[-1]["duration"] == 11.0
    assert len({r["run"] for r in rows}) == 1
    assert rows[4]["title"] == "Write to {{ inputs.customer }}"  # as written, never rendered
    assert "Zorblax" not in json.dumps(rows)


def test_a_black_run_keeps_no_input_value_and_marks_automated_steps(recorder: Recorder, db: Path) -> None:
    from app.engine import ActionsDone

    run = Driven(recorder, wizard())
    run.send(Start(mode="black", values={"customer": "Quuxington", "pin": "s3cr3t-4711"}, at=T0))
    run.send(Next(at=T0 + 1))  # "open" has no do: the person
    run.send(ActionsDone(step_id="write", at=T0 + 2))
    run.send(Abort(reason="Stopped by you", at=T0 + 3))
    flushed(recorder)
    rows = events(db)
    assert [(r["kind"], r["outcome"]) for r in rows if r["kind"] == "step-done"] == [
        ("step-done", "person"), ("step-done", "automated")]
    assert (rows[-1]["kind"], rows[-1]["step"]) == ("exited", "save")
    for path in db.parent.iterdir():
        data = path.read_bytes()
        assert b"Quuxington" not in data and b"s3cr3t-4711" not in data


def test_stopping_after_a_failed_action_is_a_failed_run(recorder: Recorder, db: Path) -> None:
    run = Driven(recorder, wizard())
    run.send(Start(mode="black", values={"customer": "A", "pin": "1"}, at=T0))
    run.send(Next(at=T0 + 1))
    run.send(ActionFailed(step_id="write", action_index=0, message="no window", at=T0 + 2))
    run.send(Abort(reason="Stopped by you", at=T0 + 3))
    flushed(recorder)
    assert (events(db)[-1]["kind"], events(db)[-1]["step"]) == ("failed", "write")


def test_a_refused_start_records_nothing(recorder: Recorder, db: Path) -> None:
    run = Driven(recorder, wizard("wayguide: 1\nid: g\ntitle: G\nmodes: [glass]\nsteps: [{id: a, title: A}]"))
    run.send(Start(mode="black", at=T0))
    flushed(recorder)
    assert events(db) == []


def test_searches_keep_the_text_only_when_allowed(db: Path) -> None:
    for allowed in (False, True):
        rec = Recorder(clock=lambda: T0)
        rec.open(db, UsageConfig(store_queries=allowed))
        rec.searched("printer jam", 2)
        rec.close()
    assert [(r["query"], r["results"]) for r in events(db)] == [(None, 2), ("printer jam", 2)]


def test_a_run_left_unfinished_is_abandoned_at_the_next_start(db: Path) -> None:
    rec = Recorder(clock=lambda: T0)
    rec.open(db, UsageConfig())
    run = Driven(rec, wizard())
    run.send(Start(mode="glass", at=T0))
    run.send(Next(at=T0 + 5))
    flushed(rec)
    rec.store = None  # as if killed: nothing more is written, nothing closed

    again = Recorder(clock=lambda: T0 + 60)
    again.open(db, UsageConfig())
    flushed(again)
    again.close()
    last = events(db)[-1]
    assert (last["kind"], last["step"], last["duration"], last["wizard"]) == (
        "abandoned", "write", 5.0, "test.letter")
    third = Recorder(clock=lambda: T0 + 120)  # (the real clock: all of it is past the retention)
    third.open(db, UsageConfig())
    flushed(third)
    third.close()
    assert sum(r["kind"] == "abandoned" for r in events(db)) == 1


def test_the_schema_migrates_and_a_newer_one_is_refused(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(old)
    conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    conn.execute("INSERT INTO events (id, kind, at, run, wizard) VALUES ('e1', 'started', 1.0, 'r1', 'w')")
    conn.commit()
    conn.close()
    migrated = connect(old)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert migrated.execute("SELECT count(*) FROM events").fetchone()[0] == 1
    assert migrated.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    assert migrated.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    migrated.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    migrated.close()
    with pytest.raises(StoreError, match=r"old.sqlite3: error: usage data written by a newer Wayguide"):
        connect(old)
    errors: list[str] = []
    store = Store(old, on_error=errors.append)
    assert not store.wait_ready()
    assert len(errors) == 1 and "newer Wayguide" in errors[0]


# ------------------------------------------------------------------ report


def _run(store: Store, run: str, at: float, mode: str, outcome: str | None, seconds: float,
         stop: str | None = None, person: str = "p1", helped: bool = False,
         steps: tuple[str, ...] = ("a", "b")) -> None:
    put = store.put
    put(UsageEvent("started", at, run=run, wizard="w", mode=mode, person=person, title="W task"))
    for i, step in enumerate(steps, 1):
        put(UsageEvent("step-shown", at + i, run=run, wizard="w", step=step, step_index=i,
                       title=step.upper()))
        if helped:
            put(UsageEvent("help", at + i, run=run, wizard="w", step=step))
        if step == stop:
            break
        put(UsageEvent("step-done", at + i, run=run, wizard="w", step=step, mode=mode,
                       outcome="automated" if mode == "black" else "person", duration=float(i)))
    if outcome is not None:
        put(UsageEvent(outcome, at + seconds, run=run, wizard="w", mode=mode, duration=seconds,  # type: ignore[arg-type]
                       step=stop))


def test_the_report_gives_completion_durations_stops_and_time_to_competency(db: Path) -> None:
    store = Store(db)
    _run(store, "r1", T0, "glass", "completed", 30.0, helped=True)     # help: not yet competent
    _run(store, "r2", T0 + 100, "black", "completed", 10.0)            # black: does not count
    _run(store, "r3", T0 + 200, "glass", "completed", 50.0)            # slower than the median
    _run(store, "r4", T0 + 300, "glass", "completed", 20.0)            # competent: 4th run
    _run(store, "r5", T0 + 400, "glass", "exited", 5.0, stop="b")
    _run(store, "r6", T0 + 500, "glass", "abandoned", 3.0, stop="b", person="p2")
    _run(store, "r7", T0 + 600, "glass", None, 0.0, person="p2")       # still running
    assert store.flush()
    store.close()
    report = build(db)
    (w,) = report.wizards
    assert (w.runs, w.completed, w.title) == (7, 4, "W task")
    assert w.completion_rate == pytest.approx(4 / 7)
    assert w.median_seconds == 25.0            # of 10, 20, 30, 50
    assert w.p90_seconds == 50.0
    assert w.stops == [("b", 2)]
    assert w.outcomes == {"completed": 4, "exited": 1, "abandoned": 1, "running": 1}
    assert w.glass_share == pytest.approx(6 / 7) and w.black_share == pytest.approx(1 / 7)
    assert [(s.step, s.title, s.reached, s.stopped_here) for s in w.steps] == [
        ("a", "A", 7, 0), ("b", "B", 7, 2)]
    assert w.steps[0].median_seconds == 1.0
    people = {p.person: (p.runs, p.runs_to_competency) for p in report.people}
    assert people == {"p1": (5, 4), "p2": (2, None)}
    assert report.help_opened == 2

    text = table(report)
    assert "runs 7 · completed 4 (57%)" in text and "median 25.0 s" in text
    rows = list(csv.DictReader(io.StringIO(csv_text(report))))
    assert rows[0]["section"] == "wizard" and rows[0]["median_seconds"] == "25.000"
    assert json.loads(json_text(report))["wizards"][0]["stops"] == [["b", 2]]
    page = html(report)
    assert page.count("<svg") == 2 and "<script" not in page and "http" not in page.split("<body>")[1]


def test_the_report_over_no_data_says_so(db: Path) -> None:
    assert table(build(db)) == "No usage recorded yet.\n"
    assert "No usage recorded yet" in html(build(db))


def test_wayguide_report_writes_each_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYGUIDE_DATA_DIR", str(tmp_path / "data"))
    store = Store(tmp_path / "data" / DB_NAME)
    _run(store, "r1", T0, "glass", "completed", 30.0)
    assert store.flush()
    store.close()
    for fmt in ("table", "csv", "json", "html"):
        out, err = io.StringIO(), io.StringIO()
        target = tmp_path / f"report.{fmt}"
        assert cli(["report", "--format", fmt, "--out", str(target)], out, err) == 0
        assert err.getvalue() == f"wrote {target}\n"
        assert "W task" in target.read_text(encoding="utf-8")
    out = io.StringIO()
    assert cli(["report"], out, io.StringIO()) == 0
    assert out.getvalue().startswith("W task (w)\n")
    err = io.StringIO()
    assert cli(["report", "--out", str(tmp_path / "nowhere" / "r.txt")], io.StringIO(), err) == 1
    assert err.getvalue().startswith(f"{tmp_path / 'nowhere' / 'r.txt'}: error: cannot write the report")


def test_the_lrs_comes_from_the_environment_with_one_line_per_problem(tmp_path: Path) -> None:
    secret = tmp_path / "lrs-password"
    secret.write_text("s3cret\n")
    config, problems = UsageConfig.from_env({
        "WAYGUIDE_LRS_ENDPOINT": "https://lrs.example.com/xAPI/", "WAYGUIDE_LRS_USERNAME": "key",
        "WAYGUIDE_LRS_PASSWORD_FILE": str(secret), "WAYGUIDE_USAGE_QUERIES": "on"})
    assert problems == [] and config.enabled and config.store_queries
    assert config.lrs is not None and config.lrs.password == "s3cret"
    assert "s3cret" not in repr(config)
    assert config.lrs.statements_url == "https://lrs.example.com/xAPI/statements"
    config, problems = UsageConfig.from_env({"WAYGUIDE_LRS_ENDPOINT": "lrs.example.com",
                                             "WAYGUIDE_USAGE": "off"})
    assert config == UsageConfig(enabled=False) and problems == [
        "wayguide: error: WAYGUIDE_LRS_ENDPOINT: not a web address: 'lrs.example.com' "
        "(write https://…) (usage data stays local)"]
    _, problems = UsageConfig.from_env({"WAYGUIDE_LRS_ENDPOINT": "https://lrs.example.com/xAPI/"})
    assert problems == ["wayguide: error: the LRS needs a username and a password (usage data stays local)"]


def test_nothing_is_recorded_when_usage_data_is_off(db: Path) -> None:
    rec = Recorder()
    rec.open(db, UsageConfig(enabled=False))
    run = Driven(rec, wizard())
    run.send(Start(mode="glass", at=T0))
    rec.searched("x", 1)
    rec.close()
    assert not db.exists()


def test_doctor_warns_of_plain_http_to_this_machine_and_names_the_lrs_in_use() -> None:
    from app.policy.admin import Credentials, Lrs, Policy
    from app.usage.config import usage_in_force

    local = usage_in_force(Policy(source=Path("/etc/wayguide/policy.yaml"), lrs=Lrs(
        "http://localhost:8080/xAPI/", Credentials(env="AUTH"))), {"AUTH": "k:s"})
    assert local.config.lrs is not None and local.trouble
    assert local.lrs == ("http://localhost:8080/xAPI/ (from the policy); plain http: use https unless "
                         "the LRS runs on this machine")
    remote = usage_in_force(Policy(), {"WAYGUIDE_LRS_ENDPOINT": "http://lrs.example.com/x/",
                                       "WAYGUIDE_LRS_USERNAME": "u", "WAYGUIDE_LRS_PASSWORD": "p"})
    assert remote.config.lrs is None and remote.trouble and "plain http" in remote.lrs


def test_old_usage_data_is_deleted_at_start_on_the_writer_thread_and_the_file_compacted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from app.usage import store as store_module

    db = tmp_path / DB_NAME
    now = T0 + 400 * 86400
    store = Store(db, outbox=True)
    for i in range(3000):  # a year ago and more: 3,000 events, their statements never sent
        store.put(UsageEvent("step-shown", T0 + i, run=f"r{i}", wizard="w", step="s", title="x" * 200))
    recent = [UsageEvent("search", now - 86400 * d, query="q") for d in (1, 179)]
    for event in recent:
        store.put(event)
    assert store.flush()
    store.close()
    conn = sqlite3.connect(db)
    conn.execute("UPDATE outbox SET state = 'rejected', error = '400' WHERE seq <= 10")
    conn.commit()
    conn.close()
    size = db.stat().st_size
    threads: list[str] = []
    real_prune = store_module.prune

    def prune(conn: sqlite3.Connection, before: float) -> int:
        threads.append(threading.current_thread().name)
        return real_prune(conn, before)

    monkeypatch.setattr(store_module, "prune", prune)
    store = Store(db, outbox=True, retention_days=180, clock=lambda: now)
    assert store.wait_ready()
    store.close()
    assert threads == ["wayguide-usage-writer"] and store.pruned == 6000
    conn = sqlite3.connect(db)
    kept = [r[0] for r in conn.execute("SELECT id FROM events ORDER BY seq")]
    outbox = conn.execute("SELECT count(*), sum(state = 'rejected') FROM outbox").fetchone()
    conn.close()
    assert kept == [e.id for e in recent] and outbox == (2, 0)
    assert db.stat().st_size < size / 4  # VACUUM gave the space back


def test_the_retention_window_comes_from_the_policy(tmp_path: Path) -> None:
    from app.policy.loading import load_policy
    from app.usage.config import usage_in_force

    path = tmp_path / "policy.yaml"
    path.write_text("usage: {retention_days: 30}\n")
    policy, problems = load_policy(path)
    assert problems == [] and policy.usage.retention_days == 30
    assert usage_in_force(policy, {}).config.retention_days == 30
    assert "kept 30 days" in "\n".join(policy.summary())
    for bad in ("0", "'30'", "true", "1.5", "100000"):
        path.write_text(f"modes: [glass]\nusage: {{retention_days: {bad}}}\n")
        policy, problems = load_policy(path)
        assert [(p.line, p.severity) for p in problems] == [(2, "error")], bad
        assert policy.usage.retention_days == 180 and policy.modes == ("glass",)
    assert usage_in_force(load_policy(tmp_path / "none.yaml")[0], {}).config.retention_days == 180


def test_a_control_not_found_is_counted_per_wizard_version_and_step_in_every_format(
        recorder: Recorder, db: Path) -> None:
    wiz = wizard()
    save_as = '{role: menu item, name: "Save As*"}'
    for mode, misses in (("black", 2), ("glass", 1)):
        run = Driven(recorder, wiz)
        run.send(Start(mode=mode, values={"customer": "Zorblax", "pin": "9999"}, at=T0))
        for _ in range(misses):
            recorder.control_missed(run, "save", save_as)
        run.send(Next(at=T0 + 1))
    recorder.control_missed(Driven(recorder, wiz), "save", save_as)  # a run not started: nothing
    flushed(recorder)
    rows = [r for r in events(db) if r["kind"] == "control-missed"]
    assert [(r["step"], r["control"], r["mode"], r["version"]) for r in rows] == [
        ("save", save_as, "black", "3"), ("save", save_as, "black", "3"), ("save", save_as, "glass", "3")]
    report = build(db)
    [missed] = report.missed
    assert (missed.wizard, missed.version, missed.step, missed.control, missed.times, missed.runs,
            missed.glass) == ("test.letter", "3", "save", save_as, 3, 2, 1)
    assert f"step save: {save_as}  3 times in 2 runs (1 glass box)" in table(report)
    [row] = [r for r in csv.DictReader(io.StringIO(csv_text(report))) if r["section"] == "missed"]
    assert (row["wizard"], row["version"], row["step"], row["control"], row["times"], row["runs"]) == (
        "test.letter", "3", "save", save_as, "3", "2")
    assert json.loads(json_text(report))["missed"][0]["times"] == 3
    page = html(report)
    assert "Controls not found" in page and "Save As*" in page
    everything = json.dumps(rows) + table(report) + csv_text(report) + page
    assert "Zorblax" not in everything and "9999" not in everything


def test_a_store_from_before_controls_were_recorded_gains_the_column(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(old)
    conn.executescript(MIGRATIONS[0] + MIGRATIONS[1] + "; PRAGMA user_version = 2;")
    conn.commit()
    conn.close()
    assert build(old).missed == []  # read as it is
    migrated = connect(old)
    assert "control" in {row[1] for row in migrated.execute("PRAGMA table_info(events)")}
    migrated.close()
