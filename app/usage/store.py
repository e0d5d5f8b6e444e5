"""The usage store: SQLite in the data dir (WAL), a versioned schema, and one writer thread that
takes events from a queue and writes them in batches, so that recording costs the caller a
queue put."""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path

from app.usage.events import RUN_ENDS, UsageEvent, new_id
from app.usage.progress import ProgressBook

__all__ = ["DB_NAME", "SCHEMA_VERSION", "Store", "StoreError", "connect", "person_id", "prune"]

DB_NAME = "usage.sqlite3"
MAX_BATCH = 250
"""Events per transaction: the writer holds the GIL for about a millisecond per batch."""
YIELD_S = 0.0002
"""The writer's pause between batches while more are queued. The GIL would not hand over by
itself: a thread waiting for it sets a drop request only after 5 ms (sys.getswitchinterval())
without the GIL changing hands, and the writer's sqlite calls give it up and take it back at
every row, so the GUI thread could wait 5 ms and more behind a flood of events."""
WRITE_ATTEMPTS = 3
DAY = 86400.0
VACUUM_ROWS = 1000
"""After pruning at least this many rows (or a quarter of them), the file is compacted (VACUUM)."""

_COLUMNS = tuple(f.name for f in fields(UsageEvent))
INSERT_EVENT = f"INSERT INTO events ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
MIGRATIONS: tuple[str, ...] = (
    # 1: the events
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL, kind TEXT NOT NULL, at REAL NOT NULL, run TEXT,
        wizard TEXT, version TEXT, mode TEXT, source TEXT, person TEXT, title TEXT,
        step TEXT, step_index INTEGER, outcome TEXT, duration REAL, query TEXT, results INTEGER
    );
    CREATE INDEX events_run ON events (run, kind);
    """,
    # 2: the xAPI outbox: the events whose statements the LRS has not acknowledged yet. The
    # statement is made from the event row when sent: its id and timestamp are the event's.
    """
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,
        event INTEGER NOT NULL UNIQUE REFERENCES events (seq),
        state TEXT NOT NULL DEFAULT 'pending',   -- pending | rejected
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT
    );
    CREATE INDEX outbox_pending ON outbox (state, seq);
    """,
    # 3: which control a step could not find (control-missed events)
    """
    ALTER TABLE events ADD COLUMN control TEXT;
    """,
    # 4: quiz answers (answered events): right or not, the options picked, the options offered
    """
    ALTER TABLE events ADD COLUMN success INTEGER;
    ALTER TABLE events ADD COLUMN response TEXT;
    ALTER TABLE events ADD COLUMN choices TEXT;
    """,
    # 5: the language the texts (title, choices) are written in, and the wizard's translations of them
    """
    ALTER TABLE events ADD COLUMN language TEXT;
    ALTER TABLE events ADD COLUMN translations TEXT;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """The store cannot be used (e.g. made by a newer Wayguide); one line, said once."""


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """A connection to the store at `path`, migrated to SCHEMA_VERSION (unless `readonly`)."""
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # a commit survives the process being killed
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        conn.close()
        raise StoreError(f"{path}: error: usage data written by a newer Wayguide (schema {version}, "
                         f"this one knows {SCHEMA_VERSION}); usage is not recorded (update Wayguide)")
    if not readonly:
        for number in range(version, SCHEMA_VERSION):
            conn.execute("BEGIN IMMEDIATE")
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
    return conn


def _statements(script: str) -> Iterable[str]:
    return (s.strip() for s in script.split(";") if s.strip())


def person_id(conn: sqlite3.Connection) -> str:
    """The pseudonymous id of the person whose data dir this is: random, made once."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'person'").fetchone()
    if row is not None:
        return str(row[0])
    person = new_id()
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('person', ?)", (person,))
    return str(conn.execute("SELECT value FROM meta WHERE key = 'person'").fetchone()[0])


@dataclass
class _Flush:
    done: threading.Event


_STOP = object()


class Store:
    """Writes events on its own thread. `put` never blocks; `flush` waits until everything put
    before it is committed. At start the writer marks runs that never ended as abandoned.

    With `outbox`, each event is also queued for the LRS, in the same transaction; `on_commit` is
    then called (on the writer thread) after each commit. At start the writer also deletes what is
    older than `retention_days` (events, and their statements in the outbox, sent or not), and reads
    the person's `progress` from what is left, before it writes anything of this session."""

    def __init__(self, path: Path, outbox: bool = False,
                 on_commit: Callable[[], None] | None = None,
                 on_error: Callable[[str], None] | None = None,
                 retention_days: float = 180, clock: Callable[[], float] = time.time,
                 progress: ProgressBook | None = None) -> None:
        self.path = path
        self._progress = progress
        self._retention = retention_days * DAY
        self._clock = clock
        self.pruned = 0
        """Rows deleted at start for being older than the retention window."""
        self._outbox = outbox
        self._on_commit = on_commit
        self._on_error = on_error
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.person = ""
        self._ready = threading.Event()
        self.error = ""
        self._thread = threading.Thread(target=self._loop, name="wayguide-usage-writer", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float = 5.0) -> bool:
        """Wait until the store is open (person known, abandoned runs marked); False on error."""
        self._ready.wait(timeout)
        return self._ready.is_set() and not self.error

    def put(self, event: UsageEvent) -> None:
        self._queue.put(event)

    def flush(self, timeout: float = 5.0) -> bool:
        done = threading.Event()
        self._queue.put(_Flush(done))
        return done.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)

    # ------------------------------------------------------------ writer

    def _loop(self) -> None:
        try:
            conn = connect(self.path)
            self.person = person_id(conn)
            now = self._clock()
            self.pruned = prune(conn, now - self._retention)
            self._write(conn, abandoned_runs(conn, now))
            if self._progress is not None:  # before any event of this session is written
                self._progress.load(conn, now)
        except (sqlite3.Error, OSError, StoreError) as exc:
            self._fail(str(exc) if isinstance(exc, StoreError) else f"{self.path}: error: {exc}")
            return
        finally:
            self._ready.set()
        while True:
            batch = [self._queue.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            events = [item for item in batch if isinstance(item, UsageEvent)]
            for attempt in range(WRITE_ATTEMPTS):
                try:
                    self._write(conn, events)
                    break
                except sqlite3.OperationalError as exc:  # locked for long: wait, then try again
                    if attempt == WRITE_ATTEMPTS - 1:
                        self._fail(f"{self.path}: error: usage data not written ({exc})")
                    else:
                        time.sleep(0.5)
                except sqlite3.Error as exc:  # e.g. disk full: usage data is lost, the app lives on
                    self._fail(f"{self.path}: error: usage data not written ({exc})")
                    break
            for item in batch:
                if isinstance(item, _Flush):
                    item.done.set()
            if any(item is _STOP for item in batch):
                conn.close()
                return
            if not self._queue.empty():
                time.sleep(YIELD_S)

    def _fail(self, message: str) -> None:
        if message != self.error:
            self.error = message
            if self._on_error is not None:
                self._on_error(message)

    def _write(self, conn: sqlite3.Connection, events: Sequence[UsageEvent]) -> None:
        if not events:
            return
        events = [replace(e, person=self.person) if e.kind == "started" and e.person is None else e
                  for e in events]
        rows = [tuple(getattr(e, name) for name in _COLUMNS) for e in events]
        # IMMEDIATE: take the write lock first, waiting for the sender if it writes; a deferred
        # transaction could not wait (SQLITE_BUSY on upgrading a stale WAL snapshot)
        conn.execute("BEGIN IMMEDIATE")
        try:
            last = conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
            conn.executemany(INSERT_EVENT, rows)
            if self._outbox:
                conn.execute("INSERT INTO outbox (event) SELECT seq FROM events WHERE seq > ?",
                             (last,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if self._outbox and self._on_commit is not None:
            self._on_commit()


def abandoned_runs(conn: sqlite3.Connection, now: float) -> list[UsageEvent]:
    """An `abandoned` event for each run that started and never ended (Wayguide was killed or
    crashed): at the last step it showed, lasting until its last event."""
    ends = ", ".join(f"'{k}'" for k in RUN_ENDS)
    rows = conn.execute(f"""
        SELECT s.run, s.wizard, s.version, s.mode, s.at,
               (SELECT max(at) FROM events x WHERE x.run = s.run),
               (SELECT step FROM events x WHERE x.run = s.run AND x.kind = 'step-shown'
                ORDER BY seq DESC LIMIT 1),
               (SELECT step_index FROM events x WHERE x.run = s.run AND x.kind = 'step-shown'
                ORDER BY seq DESC LIMIT 1)
        FROM events s
        WHERE s.kind = 'started'
          AND NOT EXISTS (SELECT 1 FROM events e WHERE e.run = s.run AND e.kind IN ({ends}))
    """).fetchall()
    return [UsageEvent("abandoned", now, run=run, wizard=wizard, version=version, mode=mode,
                       step=step, step_index=index, duration=max(0.0, last - started))
            for run, wizard, version, mode, started, last, step, index in rows]


def prune(conn: sqlite3.Connection, before: float) -> int:
    """Delete the events that happened before `before` (seconds since the epoch) and their rows in
    the outbox, waiting or set aside; compact the file when that was much. The rows deleted."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        total = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        statements = conn.execute("DELETE FROM outbox WHERE event IN (SELECT seq FROM events "
                                  "WHERE at < ?)", (before,)).rowcount
        events = conn.execute("DELETE FROM events WHERE at < ?", (before,)).rowcount
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if events and (events + statements >= VACUUM_ROWS or events * 4 >= total):
        with contextlib.suppress(sqlite3.OperationalError):  # busy: the space is reused anyway
            conn.execute("VACUUM")
    return int(events + statements)
