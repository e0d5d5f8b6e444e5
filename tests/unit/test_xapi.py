"""xAPI statements and the sender's delivery rules, against a fake transport (no network)."""

from __future__ import annotations

import contextlib
import http.server
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from app.cli.doctor import usage_checks
from app.policy.build import lrs_endpoint_problem
from app.usage import LrsConfig, UsageEvent
from app.usage.store import DB_NAME, Store
from app.usage.xapi import ACTIVITY_TYPES, CONTROL, PROFILE, Sender, statement

LRS = LrsConfig("https://lrs.example.com/xAPI/", "key", "secret")
T0 = 1_700_000_000.25


def test_a_step_statement_names_its_procedure_registration_and_an_opaque_actor() -> None:
    event = UsageEvent("step-done", T0, run="1b9e2c7a-0000-4000-8000-000000000001", wizard="mousepad.letter",
                       step="save", mode="glass", outcome="detected", duration=4.5)
    made = statement(event, "person-uuid", LRS)
    assert made["id"] == event.id and made["timestamp"] == "2023-11-14T22:13:20.250Z"
    assert made["actor"] == {"objectType": "Agent",
                             "account": {"homePage": "https://lrs.example.com", "name": "person-uuid"}}
    assert "mbox" not in json.dumps(made) and "@" not in json.dumps(made["actor"])
    assert made["verb"]["id"] == "http://adlnet.gov/expapi/verbs/progressed"
    wizard_iri = "https://lrs.example.com/wayguide/wizards/mousepad.letter"
    assert made["object"]["id"] == wizard_iri + "/steps/save"
    assert made["object"]["definition"]["type"] == ACTIVITY_TYPES["step"]
    context = made["context"]
    assert context["registration"] == event.run
    assert context["contextActivities"]["parent"] == [{"id": wizard_iri, "objectType": "Activity"}]
    assert context["contextActivities"]["category"][0]["id"] == PROFILE
    assert made["result"]["duration"] == "PT4.50S" and made["result"]["completion"] is True


@pytest.mark.parametrize(("kind", "verb"), [
    ("started", "http://adlnet.gov/expapi/verbs/launched"),
    ("completed", "http://adlnet.gov/expapi/verbs/completed"),
    ("exited", "http://adlnet.gov/expapi/verbs/exited"),
    ("abandoned", "https://w3id.org/xapi/adl/verbs/abandoned"),
    ("help", "http://adlnet.gov/expapi/verbs/asked"),
    ("search", "https://w3id.org/xapi/performance-support/verbs/searched"),
    ("control-missed", "https://wayguide.app/xapi/verbs/missed-control"),
])
def test_each_kind_has_its_verb(kind: str, verb: str) -> None:
    event = UsageEvent(kind, T0, run=None if kind == "search" else "r", wizard=None if kind == "search"  # type: ignore[arg-type]
                       else "w", results=3 if kind == "search" else None)
    made = statement(event, "p", LRS)
    assert made["verb"]["id"] == verb
    if kind == "search":
        assert made["object"]["definition"]["type"] == ACTIVITY_TYPES["library"]
        assert "response" not in made["result"] and "registration" not in made["context"]
    else:
        assert made["object"]["definition"]["type"] == ACTIVITY_TYPES["procedure"]


class FakeLrs:
    """Answers with the scripted statuses in turn (OSError to fail as the network does)."""

    def __init__(self, *answers: int | OSError, headers: Mapping[str, str] | None = None,
                 bad: frozenset[str] = frozenset()) -> None:
        self.answers = list(answers)
        self.headers = dict(headers or {})
        self.bad = bad
        self.posts: list[list[str]] = []
        self.seen: list[Mapping[str, str]] = []

    def __call__(self, url: str, body: bytes, headers: Mapping[str, str],
                 timeout: float) -> tuple[int, Mapping[str, str], bytes]:
        ids = [s["id"] for s in json.loads(body)]
        self.posts.append(ids)
        self.seen.append(headers)
        assert url == "https://lrs.example.com/xAPI/statements"
        if self.bad and set(ids) & self.bad:
            return 400, {}, b'{"detail": "bad statement"}'
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, OSError):
            raise answer
        return answer, self.headers, b"[]"


def outbox(tmp_path: Path, count: int) -> tuple[Path, list[str]]:
    db = tmp_path / DB_NAME
    store = Store(db, outbox=True)
    made = [UsageEvent("step-shown", T0 + i, run="r", wizard="w", step=f"s{i}") for i in range(count)]
    for event in made:
        store.put(event)
    assert store.flush()
    store.close()
    return db, [e.id for e in made]


def pending(db: Path) -> list[tuple[str, str, int]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute("SELECT e.id, o.state, o.attempts FROM outbox o JOIN events e "
                                 "ON e.seq = o.event ORDER BY o.seq"))
    finally:
        conn.close()


def send(db: Path, lrs: FakeLrs, batch: int = 50) -> tuple[Sender, sqlite3.Connection]:
    return Sender(db, LRS, post=lrs, batch=batch, backoff=2.0, max_backoff=60.0), sqlite3.connect(
        db, isolation_level=None)


def test_batches_are_posted_in_order_with_the_version_header_and_removed_when_acknowledged(
        tmp_path: Path) -> None:
    db, ids = outbox(tmp_path, 5)
    lrs = FakeLrs(200, 200)
    sender, conn = send(db, lrs, batch=3)
    assert sender.send_once(conn) == 0.0
    assert sender.send_once(conn) == 0.0
    assert sender.send_once(conn) is None
    assert lrs.posts == [ids[:3], ids[3:]]
    assert lrs.seen[0]["X-Experience-API-Version"] == "1.0.3"
    assert lrs.seen[0]["Authorization"] == "Basic a2V5OnNlY3JldA=="
    assert pending(db) == []


def test_network_errors_429_and_5xx_are_retried_with_growing_delays(tmp_path: Path) -> None:
    db, _ = outbox(tmp_path, 2)
    lrs = FakeLrs(ConnectionRefusedError("refused"), 503, 500, 200)
    sender, conn = send(db, lrs)
    delays = [sender.send_once(conn) for _ in range(3)]
    # 2 s, 4 s, 8 s, each ±20 % so that many clients do not retry in step
    assert all(d is not None and 0.8 * 2.0 * 2 ** i <= d <= 1.2 * 2.0 * 2 ** i for i, d in enumerate(delays))
    assert [a for _, _, a in pending(db)] == [3, 3]
    assert "the LRS answered 500" in usage_checks(tmp_path)[0].detail
    assert sender.send_once(conn) == 0.0 and pending(db) == []
    assert usage_checks(tmp_path) == []
    throttled = FakeLrs(429, headers={"Retry-After": "30"})
    db2, _ = outbox(tmp_path / "b", 1)
    sender2, conn2 = send(db2, throttled)
    assert sender2.send_once(conn2) == 30.0


@pytest.mark.parametrize("status", [204, 409])
def test_204_and_409_on_a_repeat_count_as_delivered(tmp_path: Path, status: int) -> None:
    db, _ = outbox(tmp_path, 2)
    sender, conn = send(db, FakeLrs(status))
    assert sender.send_once(conn) == 0.0
    assert pending(db) == []


def test_a_statement_the_lrs_refuses_is_set_aside_and_the_rest_delivered(tmp_path: Path) -> None:
    db, ids = outbox(tmp_path, 4)
    lrs = FakeLrs(bad=frozenset({ids[2]}))
    sender, conn = send(db, lrs)
    while sender.send_once(conn) is not None:
        pass
    assert pending(db) == [(ids[2], "rejected", 1)]
    assert lrs.posts[0] == ids and [ids[2]] in lrs.posts and [ids[3]] in lrs.posts
    (check,) = usage_checks(tmp_path)
    assert check.name == "LRS rejected" and check.verdict == "warn"
    assert "1 statement refused by the LRS" in check.detail and "400 (bad statement)" in check.detail


def test_wrong_credentials_keep_the_statements(tmp_path: Path) -> None:
    db, _ = outbox(tmp_path, 1)
    sender, conn = send(db, FakeLrs(401))
    assert sender.send_once(conn) == pytest.approx(2.0, rel=0.2)
    assert pending(db)[0][1] == "pending"
    assert "refused the request: 401" in usage_checks(tmp_path)[0].detail


class _Recorder(http.server.BaseHTTPRequestHandler):
    """An HTTP server's handler: records each request; answers `status` (with `location`)."""

    status = 200
    location = ""
    seen: list[tuple[str, str, str]]

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.seen.append((self.command, self.path, self.headers.get("Authorization", "")))
        self.send_response(self.status)
        if self.location:
            self.send_header("Location", self.location)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"[]")

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def http_server(status: int, location: str = "") -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
    seen: list[tuple[str, str, str]] = []
    handler = type("Handler", (_Recorder,), {"status": status, "location": location, "seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_and_the_statements_are_kept(tmp_path: Path, status: int) -> None:
    db, ids = outbox(tmp_path, 3)
    with http_server(200) as (elsewhere, taken), \
            http_server(status, f"{elsewhere}/steal/statements") as (lrs_url, asked):
        lrs = LrsConfig(f"{lrs_url}/xAPI/", "key", "secret")
        sender = Sender(db, lrs, backoff=2.0, max_backoff=60.0)
        conn = sqlite3.connect(db, isolation_level=None)
        delay = sender.send_once(conn)
    assert asked == [("POST", "/xAPI/statements", "Basic a2V5OnNlY3JldA==")]
    assert taken == []  # the credentials went nowhere else, and nothing was fetched as a GET
    assert delay == pytest.approx(2.0, rel=0.2)
    assert pending(db) == [(i, "pending", 1) for i in ids]  # kept, retried later
    (check,) = usage_checks(tmp_path)
    assert f"the LRS answered {status}, a redirect to {elsewhere}/steal/statements (not followed" \
        in check.detail


def test_statements_go_over_https_only_except_to_this_machine(tmp_path: Path) -> None:
    db, ids = outbox(tmp_path, 1)
    posted: list[str] = []

    def post(url: str, body: bytes, headers: Mapping[str, str],
             timeout: float) -> tuple[int, Mapping[str, str], bytes]:
        posted.append(url)
        return 200, {}, b"[]"

    conn = sqlite3.connect(db, isolation_level=None)
    plain = Sender(db, LrsConfig("http://lrs.example.com/xAPI/", "key", "secret"), post=post)
    assert plain.send_once(conn) is not None and posted == []
    assert pending(db) == [(ids[0], "pending", 1)]
    assert "plain http" in usage_checks(tmp_path)[0].detail
    assert Sender(db, LrsConfig("http://localhost:8080/x/", "k", "s"), post=post).send_once(conn) == 0.0
    assert posted == ["http://localhost:8080/x/statements"] and pending(db) == []
    assert [lrs_endpoint_problem(u) is None for u in (
        "http://127.0.0.1/x/", "http://[::1]:9/x/", "https://lrs.example.com/", "http://10.0.0.1/",
        "http://localhost.example.com/", "http://127.0.0.1.evil.example/")] == [
        True, True, True, False, False, False]


def test_a_control_not_found_names_the_step_and_the_locator_as_written() -> None:
    event = UsageEvent("control-missed", T0, run="r", wizard="w", version="2", step="save", mode="black",
                       control='{role: menu item, name: "Save As*"}')
    made = statement(event, "p", LRS)
    assert made["object"]["id"].endswith("/wizards/w/steps/save")
    assert made["result"]["success"] is False
    assert made["result"]["extensions"][CONTROL] == '{role: menu item, name: "Save As*"}'
