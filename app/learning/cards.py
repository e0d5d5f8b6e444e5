"""The review cards on this computer: a small SQLite file of its own in the data dir (learning.sqlite3).

Not a table in the usage store (usage.sqlite3): the cards are the person's own learning state, not
usage data. Usage recording can be switched off by the policy and its events are deleted after
`usage.retention_days`; neither may take a person's review schedule with it. The file follows the
usage store's conventions: WAL, a schema version in `PRAGMA user_version` migrated forward at
open, and a clear one-line error for a file written by a newer Wayguide.

Every write is one short transaction on the caller's thread (a card answered, a run's questions
scheduled): a few per day, each well under a millisecond. The next due card is found through an
index on `due` (ORDER BY due LIMIT 1), in microseconds over 10,000 cards (bench/bench_reviews.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

from app.learning.schedule import CardKey, ReviewCard, answer, new_card

__all__ = ["DB_NAME", "SCHEMA_VERSION", "CardStore", "CardStoreError"]

DB_NAME: Final = "learning.sqlite3"
MIGRATIONS: Final[tuple[str, ...]] = (
    # 1: the cards, the wizards whose reviews the person turned off, the nudges' own state
    """
    CREATE TABLE cards (
        id INTEGER PRIMARY KEY,
        wizard TEXT NOT NULL, question TEXT NOT NULL,
        due REAL NOT NULL, created REAL NOT NULL, last_review REAL,
        stability REAL, difficulty REAL, state INTEGER NOT NULL, step INTEGER,
        reps INTEGER NOT NULL DEFAULT 0, lapses INTEGER NOT NULL DEFAULT 0,
        UNIQUE (wizard, question)
    );
    CREATE INDEX cards_due ON cards (due);
    CREATE TABLE muted (wizard TEXT PRIMARY KEY, at REAL NOT NULL);
    CREATE TABLE state (key TEXT PRIMARY KEY, value REAL NOT NULL);
    """,
)
SCHEMA_VERSION: Final = len(MIGRATIONS)
_FIELDS: Final = ("wizard, question, due, created, last_review, stability, difficulty, state, step, reps, "
                  "lapses")


class CardStoreError(Exception):
    """The card file cannot be used (e.g. written by a newer Wayguide); one line, said once."""


class CardStore:
    """The cards, the muted wizards ("not this one") and the nudge state (last shown, snoozed until)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
        try:
            self._migrate()
        except sqlite3.Error as exc:
            self._conn.close()
            raise CardStoreError(f"{path}: error: review cards cannot be read ({exc}); reviews are off "
                                 "(move the file away to start afresh)") from None
        except CardStoreError:
            self._conn.close()
            raise

    def _migrate(self) -> None:
        conn = self._conn
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise CardStoreError(f"{self.path}: error: review cards written by a newer Wayguide (schema "
                                 f"{version}, this one knows {SCHEMA_VERSION}); reviews are off (update "
                                 "Wayguide)")
        for number in range(version, SCHEMA_VERSION):
            conn.execute("BEGIN IMMEDIATE")
            for statement in filter(None, (s.strip() for s in MIGRATIONS[number].split(";"))):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()

    # ------------------------------------------------------------ cards

    def schedule_after_run(self, wizard: str, questions: Sequence[str], at: float) -> list[ReviewCard]:
        """After a glass-box run of `wizard` at `at`: a card for each of its review questions that has
        none (first asked the next day); the cards of questions the wizard no longer has go. Cards
        already scheduled keep their schedule. The wizard's cards, in the order of `questions`."""
        made = [new_card(CardKey(wizard, q), at) for q in dict.fromkeys(questions)]
        with self._transaction():
            marks = ", ".join("?" * len(made))
            self._conn.execute(f"DELETE FROM cards WHERE wizard = ? AND question NOT IN ({marks})",
                               (wizard, *(c.key.question for c in made)))
            self._conn.executemany(f"INSERT OR IGNORE INTO cards ({_FIELDS}) VALUES "
                                   f"({', '.join('?' * 11)})", [_row(c) for c in made])
        return [c for c in (self.card(m.key) for m in made) if c is not None]

    def answer(self, key: CardKey, correct: bool, at: float) -> ReviewCard | None:
        """Record an answer to a review question: its card rescheduled (None: no such card)."""
        with self._transaction():
            found = self._conn.execute(f"SELECT id, {_FIELDS} FROM cards WHERE wizard = ? AND question = ?",
                                       key).fetchone()
            if found is None:
                return None
            card = answer(_card(found[1:]), correct, at, card_id=int(found[0]))
            self._conn.execute(f"UPDATE cards SET ({_FIELDS}) = ({', '.join('?' * 11)}) WHERE id = ?",
                               (*_row(card), found[0]))
        return card

    def card(self, key: CardKey) -> ReviewCard | None:
        row = self._conn.execute(f"SELECT {_FIELDS} FROM cards WHERE wizard = ? AND question = ?",
                                 key).fetchone()
        return None if row is None else _card(row)

    def next_due(self) -> ReviewCard | None:
        """The card due first among the wizards not muted (due or not yet): the one a timer waits for."""
        row = self._conn.execute(f"SELECT {_FIELDS} FROM cards INDEXED BY cards_due WHERE wizard NOT IN "
                                 "(SELECT wizard FROM muted) ORDER BY due LIMIT 1").fetchone()
        return None if row is None else _card(row)

    def due(self, now: float, limit: int = 5) -> list[ReviewCard]:
        """The cards due at `now` (wizards not muted), the longest overdue first: one short review."""
        rows = self._conn.execute(f"SELECT {_FIELDS} FROM cards INDEXED BY cards_due WHERE due <= ? AND "
                                  "wizard NOT IN (SELECT wizard FROM muted) ORDER BY due LIMIT ?",
                                  (now, limit)).fetchall()
        return [_card(r) for r in rows]

    def cards(self, wizard: str | None = None) -> list[ReviewCard]:
        query = f"SELECT {_FIELDS} FROM cards" + (" WHERE wizard = ?" if wizard is not None else "")
        return [_card(r) for r in self._conn.execute(query + " ORDER BY due", () if wizard is None
                                                     else (wizard,))]

    def forget(self, wizards: Iterable[str]) -> int:
        """Delete the cards of wizards that left the library. How many went."""
        with self._transaction():
            return int(self._conn.executemany("DELETE FROM cards WHERE wizard = ?",
                                              [(w,) for w in wizards]).rowcount)

    # ------------------------------------------------------------ "not this one", nudge state

    def mute(self, wizard: str, at: float) -> None:
        """"Not this one": no more reviews of this wizard (its cards are kept, for a change of mind)."""
        self._conn.execute("INSERT OR REPLACE INTO muted (wizard, at) VALUES (?, ?)", (wizard, at))

    def unmute(self, wizard: str) -> None:
        self._conn.execute("DELETE FROM muted WHERE wizard = ?", (wizard,))

    def muted(self) -> frozenset[str]:
        return frozenset(r[0] for r in self._conn.execute("SELECT wizard FROM muted"))

    def get(self, key: str) -> float | None:
        """A time the nudges keep (e.g. "review.last_shown", "review.snoozed_until")."""
        row = self._conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else float(row[0])

    def set(self, key: str, value: float | None) -> None:
        if value is None:
            self._conn.execute("DELETE FROM state WHERE key = ?", (key,))
        else:
            self._conn.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)


class _Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        self._conn.execute("COMMIT" if kind is None else "ROLLBACK")


def _row(card: ReviewCard) -> tuple[object, ...]:
    return (card.key.wizard, card.key.question, card.due, card.created, card.last_review, card.stability,
            card.difficulty, card.state, card.step, card.reps, card.lapses)


def _card(row: Sequence[Any]) -> ReviewCard:
    wizard, question, due, created, last, stability, difficulty, state, step, reps, lapses = row
    return ReviewCard(CardKey(str(wizard), str(question)), float(due), float(created),
                      None if last is None else float(last), stability, difficulty,
                      int(state), None if step is None else int(step), int(reps), int(lapses))
