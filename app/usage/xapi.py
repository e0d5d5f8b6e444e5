"""xAPI 1.0.3: usage events as statements, and the sender that delivers the outbox to the LRS.

Each recorded event waits in the SQLite outbox until the LRS acknowledges its statement; the
statement is made from the event row when sent, with the event's id and timestamp (both fixed
when it happened), so a statement sent twice is the same statement. The sender runs on its own thread,
posts batches with `X-Experience-API-Version: 1.0.3`, retries network errors, 429 and 5xx with
exponential backoff, counts 200/204/409 as delivered (statement ids make a repeat harmless), and
sets aside a statement the LRS refuses with another 4xx (`wayguide doctor` reports those). It never
follows a redirect (a 3xx is an error: kept and retried) and posts only over https, except to this
machine (localhost, 127.0.0.1, ::1).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import re
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from app.i18n import AVAILABLE, N_, load
from app.policy.build import lrs_endpoint_problem
from app.usage.config import LrsConfig
from app.usage.events import Kind, UsageEvent

__all__ = [
    "ACTIVITY_TYPES", "PROFILE", "VERBS", "OutboxStatus", "Post", "Sender", "language_map", "language_tag",
    "outbox_status", "statement", "urllib_post",
]

XAPI_VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi/verbs/"
PROFILE = "https://w3id.org/xapi/performance-support/v/6"
"""The Performance Support Profile, named in every statement's contextActivities.category."""
PS = "https://w3id.org/xapi/performance-support/"
ACTIVITY_TYPES = {
    "procedure": PS + "activity-types/procedure",
    # The profile has no "step" type: a step is the profile's task, inside its procedure.
    "step": PS + "activity-types/task",
    "library": PS + "activity-types/application",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
}
LAUNCH_MODE = PS + "extensions/launch-mode"
OUTCOME = "https://wayguide.app/xapi/extensions/outcome"
SOURCE = "https://wayguide.app/xapi/extensions/source"
RESULTS = "https://wayguide.app/xapi/extensions/results"
CONTROL = "https://wayguide.app/xapi/extensions/control"
"""control-missed: the locator of the control a step names that was not found (as its author wrote it)."""

VERBS: dict[Kind, tuple[str, str]] = {
    "started": (ADL + "launched", N_("launched")),
    "step-shown": (ADL + "experienced", N_("experienced")),
    "step-done": (ADL + "progressed", N_("progressed")),
    "help": (ADL + "asked", N_("asked")),
    "search": (PS + "verbs/searched", N_("searched")),
    "control-missed": ("https://wayguide.app/xapi/verbs/missed-control", N_("could not find a control of")),
    "completed": (ADL + "completed", N_("completed")),
    "exited": (ADL + "exited", N_("exited")),
    "failed": (ADL + "failed", N_("failed")),
    "abandoned": ("https://w3id.org/xapi/adl/verbs/abandoned", N_("abandoned")),
    "answered": (ADL + "answered", N_("answered")),
}
"""Each kind's verb: its IRI and its display in English (shown in every language Wayguide speaks)."""
LIBRARY = N_("Wayguide task library")

UNDETERMINED = "und"
"""RFC 5646's tag for no language: an activity without its title (statements other than the first of a
run) is named by its id under it, which an LRS merging definitions keeps beside the titles, never in their
place."""
_REGIONS = {"en": "US", "nl": "NL", "de": "DE"}
"""The region of a language written without one, for the languages Wayguide speaks (CLDR's likeliest)."""


@lru_cache(maxsize=64)
def language_tag(language: str) -> str:
    """The RFC 5646 tag, with a region, that xAPI language maps use for a language as Wayguide and
    wizards write it: "en" → "en-US", "nl" → "nl-NL", "de" → "de-DE", "nl_BE" → "nl-BE"; another language
    without a region gets CLDR's likeliest ("fr" → "fr-FR"), else stays as it is."""
    base, _, region = language.strip().replace("_", "-").partition("-")
    base = base.lower() or "en"
    if base == UNDETERMINED:
        return base
    if region:
        return f"{base}-{region.upper() if len(region) == 2 else region}"
    if base in _REGIONS:
        return f"{base}-{_REGIONS[base]}"
    from babel.core import get_global

    likely = str(get_global("likely_subtags").get(base, "")).split("_")[-1]  # "fr" → "fr_Latn_FR"
    return f"{base}-{likely}" if re.fullmatch(r"[A-Z]{2}|\d{3}", likely) else base


def language_map(texts: Mapping[str, str]) -> dict[str, str]:
    """An xAPI language map of texts by language ("en", "nl_BE"): {"en-US": …, "nl-BE": …}; where two
    languages come to one tag, the first wins."""
    made: dict[str, str] = {}
    for language, text in texts.items():
        if text:
            made.setdefault(language_tag(language), text)
    return made


@lru_cache(maxsize=1)
def _catalogues() -> tuple[tuple[str, Any], ...]:
    return tuple((language, load(languages=[language])) for language in AVAILABLE)


def _ours(message: str) -> dict[str, str]:
    """One of Wayguide's own texts in every language it speaks: {"en-US": …, "nl-NL": …, "de-DE": …}."""
    return language_map({language: t.gettext(message) for language, t in _catalogues()})


def _wizard_texts(event: UsageEvent, title: str | None) -> dict[str, str]:
    """`title` (an event's, in the wizard's own language) and its translations, by language."""
    texts = {event.language or "en": title} if title else {}
    for language, entry in _translated(event).items():
        text = entry.get("title") if isinstance(entry, dict) else None
        if title and isinstance(text, str):
            texts.setdefault(language, text)
    return texts


def _translated(event: UsageEvent) -> dict[str, Any]:
    try:
        found = json.loads(event.translations or "{}")
    except ValueError:  # a row no Wayguide wrote: the texts in their own language only
        return {}
    return found if isinstance(found, dict) else {}


def statement(event: UsageEvent, person: str, lrs: LrsConfig) -> dict[str, Any]:
    """The xAPI statement of one event. The actor is an opaque account (the person's random id on
    this machine, never a name or an email); the object is the wizard (a procedure) or one of its
    steps (with the wizard as parent); one registration per run."""
    base = lrs.account_homepage.rstrip("/") + "/wayguide"
    verb_id, verb_name = VERBS[event.kind]
    procedure = None
    if event.wizard is not None:
        procedure = _activity(f"{base}/wizards/{quote(event.wizard, safe='.-')}", "procedure",
                              _wizard_texts(event, event.title if event.kind == "started" else None)
                              or {UNDETERMINED: event.wizard})
    obj: dict[str, Any]
    if event.kind == "answered" and event.step is not None and procedure is not None:
        obj = _question(event, procedure["id"])
    elif event.step is not None and procedure is not None:
        obj = _activity(f"{procedure['id']}/steps/{quote(event.step, safe='.-_')}", "step",
                        _wizard_texts(event, event.title if event.kind == "step-shown" else None)
                        or {UNDETERMINED: event.step})
    elif procedure is not None:
        obj = procedure
    else:
        obj = _activity(f"{base}/library", "library", None, _ours(LIBRARY))
    context: dict[str, Any] = {
        "platform": "Wayguide",
        "contextActivities": {"category": [{"id": PROFILE, "objectType": "Activity"}]},
    }
    if event.run is not None:
        context["registration"] = event.run
    if obj is not procedure and procedure is not None:
        context["contextActivities"]["parent"] = [{"id": procedure["id"], "objectType": "Activity"}]
    extensions: dict[str, Any] = {}
    if event.mode is not None:
        extensions[LAUNCH_MODE] = event.mode
    if event.source is not None:
        extensions[SOURCE] = event.source
    if extensions:
        context["extensions"] = extensions
    made: dict[str, Any] = {
        "id": event.id,
        "actor": {"objectType": "Agent", "account": {"homePage": lrs.account_homepage, "name": person}},
        "verb": {"id": verb_id, "display": _ours(verb_name)},
        "object": obj,
        "context": context,
        "timestamp": _timestamp(event.at),
    }
    result: dict[str, Any] = {}
    if event.duration is not None:
        result["duration"] = f"PT{max(0.0, event.duration):.2f}S"
    if event.kind in ("step-done", "completed"):
        result["completion"] = True
    if event.kind in ("exited", "failed", "abandoned"):
        result["completion"] = False
    if event.outcome is not None:
        result.setdefault("extensions", {})[OUTCOME] = event.outcome
    if event.control is not None:
        result.setdefault("extensions", {})[CONTROL] = event.control
        result["success"] = False
    if event.kind == "answered":
        if event.success is not None:
            result["success"] = bool(event.success)
        if event.response is not None:
            result["response"] = event.response
    if event.kind == "search":
        if event.query is not None:
            result["response"] = event.query
        if event.results is not None:
            result.setdefault("extensions", {})[RESULTS] = event.results
    if result:
        made["result"] = result
    return made


def _activity(iri: str, kind: str, names: Mapping[str, str] | None,
              made: dict[str, str] | None = None) -> dict[str, Any]:
    """An activity named by `names` (language → text, e.g. a wizard's title in each of its languages), or
    by the language map `made`."""
    definition: dict[str, Any] = {"type": ACTIVITY_TYPES[kind]}
    name = made if made is not None else language_map(names or {})
    if name:
        definition["name"] = name
    return {"id": iri, "objectType": "Activity", "definition": definition}


def _question(event: UsageEvent, procedure: str) -> dict[str, Any]:
    """The quiz question an `answered` event is about, as an xAPI "choice" interaction: a step's check
    (…/steps/STEP/quiz) or a review question (…/review/ID), its options listed by their numbers."""
    step = quote(event.step or "", safe=".-_")
    iri = f"{procedure}/review/{step}" if event.source == "review" else f"{procedure}/steps/{step}/quiz"
    definition: dict[str, Any] = {"type": ACTIVITY_TYPES["question"], "interactionType": "choice"}
    if event.title:
        definition["name"] = language_map(_wizard_texts(event, event.title))
    try:
        offered = json.loads(event.choices or "{}")
        texts = [str(t) for t in offered.get("choices", [])]
        correct = [str(i) for i in offered.get("correct", [])]
    except (ValueError, AttributeError, TypeError):  # a row no Wayguide wrote: the question without options
        texts, correct = [], []
    if texts:
        definition["choices"] = [{"id": str(n), "description": language_map(texts_n)}
                                 for n, texts_n in enumerate(_option_texts(event, texts), 1)]
    if correct:
        definition["correctResponsesPattern"] = ["[,]".join(correct)]
    return {"id": iri, "objectType": "Activity", "definition": definition}


def _option_texts(event: UsageEvent, texts: list[str]) -> list[dict[str, str]]:
    """Each option of a question by language: as written, and as translated where it is."""
    options: list[dict[str, str]] = [{event.language or "en": text} for text in texts]
    for language, entry in _translated(event).items():
        translated = entry.get("choices") if isinstance(entry, dict) else None
        for option, text in zip(options, translated if isinstance(translated, list) else [], strict=False):
            if isinstance(text, str) and text:
                option.setdefault(language, text)
    return options


def _timestamp(at: float) -> str:
    moment = dt.datetime.fromtimestamp(at, dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# ------------------------------------------------------------------ sending

Post = Callable[[str, bytes, Mapping[str, str], float], tuple[int, Mapping[str, str], bytes]]
"""(url, body, headers, timeout) -> (status, headers, body); raises OSError on network errors."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered, never followed: following one would resend the Basic credentials
    (to whatever origin it names) and turn the POST into a GET whose 200 looks like delivery."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def urllib_post(url: str, body: bytes, headers: Mapping[str, str],
                timeout: float) -> tuple[int, Mapping[str, str], bytes]:
    """POST once to `url`; redirects are returned as they are (3xx), not followed."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers or {}), error.read()


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    rejected: int
    oldest_pending: float | None
    """When the oldest statement still waiting was made (seconds since the epoch)."""
    last_error: str
    rejections: tuple[str, ...] = ()


def outbox_status(db: Path) -> OutboxStatus | None:
    """What waits in the outbox at `db`; None when there is no usage store yet."""
    if not db.exists():
        return None
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5.0)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'outbox'").fetchone():
            return OutboxStatus(0, 0, None, "")
        pending, rejected = conn.execute(
            "SELECT sum(state = 'pending'), sum(state = 'rejected') FROM outbox").fetchone()
        first = conn.execute("SELECT e.at FROM outbox o JOIN events e ON e.seq = o.event "
                             "WHERE o.state = 'pending' ORDER BY o.seq LIMIT 1").fetchone()
        oldest = float(first[0]) if first is not None else None
        error = conn.execute("SELECT value FROM meta WHERE key = 'lrs_error'").fetchone()
        rejections = tuple(r[0] for r in conn.execute(
            "SELECT error FROM outbox WHERE state = 'rejected' ORDER BY seq DESC LIMIT 3"))
    finally:
        conn.close()
    return OutboxStatus(pending or 0, rejected or 0, oldest, error[0] if error else "", rejections)


class Sender:
    """Delivers the outbox on its own thread until stopped. `wake` after new statements."""

    def __init__(self, db: Path, lrs: LrsConfig, post: Post = urllib_post, batch: int = 50,
                 backoff: float = 1.0, max_backoff: float = 300.0, timeout: float = 20.0) -> None:
        self.db = db
        self.lrs = lrs
        self._post = post
        self._batch = batch
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._timeout = timeout
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._failures = 0
        self._isolate = False
        self._person = ""
        self.delivered = 0
        self._thread = threading.Thread(target=self._loop, name="wayguide-xapi-sender", daemon=True)

    def start(self, ready: Callable[[], bool] = lambda: True) -> None:
        """Start sending once `ready()` (called on the sender's thread) says the store is open."""
        self._ready = ready
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _headers(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.lrs.username}:{self.lrs.password}".encode()).decode()
        return {"Authorization": f"Basic {token}", "Content-Type": "application/json",
                "X-Experience-API-Version": XAPI_VERSION}

    def _loop(self) -> None:
        if not self._ready():
            return  # the store could not be opened: it said why
        conn = sqlite3.connect(self.db, timeout=10.0, isolation_level=None)
        try:
            while not self._stop.is_set():
                try:
                    delay = self.send_once(conn)
                except sqlite3.Error:  # busy for long, disk trouble: try again later
                    delay = self._max_backoff
                if delay is None:  # nothing to send: sleep until woken
                    self._wake.wait(60.0)
                else:
                    self._wake.clear()
                    self._stop.wait(delay)
                self._wake.clear()
        finally:
            conn.close()

    def send_once(self, conn: sqlite3.Connection) -> float | None:
        """Post one batch; None when the outbox is empty, else the seconds to wait before the next."""
        rows = conn.execute(_PENDING, (1 if self._isolate else self._batch,)).fetchall()
        if not rows:
            return None
        if not self._person:
            found = conn.execute("SELECT value FROM meta WHERE key = 'person'").fetchone()
            self._person = str(found[0]) if found else ""
        body = json.dumps([statement(UsageEvent(*r[1:]), self._person, self.lrs) for r in rows],
                          separators=(",", ":")).encode()
        seqs = [r[0] for r in rows]
        refused = lrs_endpoint_problem(self.lrs.statements_url)
        if refused is not None:  # the credentials never go out in clear over the network
            return self._retry(conn, seqs, f"not sent: {refused}", None)
        try:
            status, headers, answer = self._post(self.lrs.statements_url, body, self._headers(),
                                                 self._timeout)
        except (OSError, ValueError) as exc:  # refused, reset, timed out, DNS...
            return self._retry(conn, seqs, f"cannot reach the LRS ({_reason(exc)})", None)
        if status in (200, 204, 409):  # 204/409: already there (a repeat after a lost answer)
            _set(conn, "DELETE FROM outbox WHERE seq IN ({})", seqs)
            _meta(conn, "lrs_error", "")
            self.delivered += len(seqs)
            self._failures = 0
            if self._isolate and status in (200, 204):
                self._isolate = False
            return 0.0
        detail = _detail(answer)
        if 300 <= status < 400:  # kept and retried: the endpoint is what an admin must fix
            target = headers.get("Location") or headers.get("location") or "nowhere"
            return self._retry(conn, seqs, f"the LRS answered {status}, a redirect to {target[:200]} "
                               "(not followed: correct the endpoint in the policy)", None)
        if status == 429 or status >= 500:
            return self._retry(conn, seqs, f"the LRS answered {status} {detail}".strip(),
                               headers.get("Retry-After"))
        if status in (401, 403, 404):  # the endpoint or credentials are wrong, not the statement
            return self._retry(conn, seqs, f"the LRS refused the request: {status} {detail}".strip(), None)
        if len(rows) > 1:  # find the statement it objects to: one at a time
            self._isolate = True
            return 0.0
        conn.execute("UPDATE outbox SET state = 'rejected', attempts = attempts + 1, error = ? "
                     "WHERE seq = ?", (f"{status} {detail}".strip(), seqs[0]))
        self._isolate = False
        return 0.0

    def _retry(self, conn: sqlite3.Connection, seqs: list[int], error: str,
               retry_after: str | None) -> float:
        _set(conn, "UPDATE outbox SET attempts = attempts + 1 WHERE seq IN ({})", seqs)
        _meta(conn, "lrs_error", error)
        self._failures += 1
        delay = min(self._max_backoff, self._backoff * 2.0 ** (self._failures - 1))
        delay *= random.uniform(0.8, 1.2)
        if retry_after is not None and retry_after.strip().isdigit():
            delay = max(delay, min(self._max_backoff, float(retry_after)))
        return delay


_PENDING = (f"SELECT o.seq, {', '.join('e.' + f.name for f in fields(UsageEvent))} FROM outbox o "
            "JOIN events e ON e.seq = o.event WHERE o.state = 'pending' ORDER BY o.seq LIMIT ?")


def _set(conn: sqlite3.Connection, sql: str, seqs: list[int]) -> None:
    conn.execute(sql.format(",".join("?" * len(seqs))), seqs)


def _meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                 "value = excluded.value", (key, value + (f" (at {time.strftime('%Y-%m-%d %H:%M')})"
                                                         if value else "")))


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc) or type(exc).__name__


def _detail(answer: bytes) -> str:
    try:
        detail = json.loads(answer).get("detail", "")
    except (ValueError, AttributeError):
        detail = ""
    return f"({str(detail)[:200]})" if detail else ""
