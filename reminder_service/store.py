"""SQLite persistence: the outbox of emails to send and the meetings pairs reported.

The outbox follows the states in the design guide: `pending -> sending -> sent | failed |
unknown`. A row is committed as `sending` before any of its data goes to the mail server, so
after a crash the store can tell "maybe delivered" (`unknown`, never resent) from "not yet
tried" (`pending`). Instants are stored as UTC ISO-8601 text and dates as ISO dates; every
datetime crossing this boundary must be aware.

The database runs in WAL mode with `synchronous=FULL`: a commit that returned survives a power
cut. `PRAGMA user_version` counts the migrations applied; each runs in its own transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Self

from reminder_service.core.model import Outgoing, PairHistory
from reminder_service.errors import StoreError

CHECKIN_KIND = "checkin"
"""The outbox `kind` of a scheduled check-in; its periods feed `PairHistory.last_checkin`."""

_BUSY_TIMEOUT = timedelta(seconds=5)
_APPLICATION_ID = 0x52454D44  # "REMD": marks the file as ours in the SQLite header.

_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        f"PRAGMA application_id = {_APPLICATION_ID}",
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            key TEXT UNIQUE NOT NULL,
            pair_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            period TEXT NOT NULL,
            message_id TEXT UNIQUE NOT NULL,
            sender TEXT NOT NULL,
            recipients TEXT NOT NULL,
            message BLOB NOT NULL,
            state TEXT NOT NULL
                CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            sent_at TEXT
        )
        """,
        "CREATE INDEX outbox_due ON outbox (state, next_attempt_at)",
        "CREATE INDEX outbox_pair_period ON outbox (pair_id, kind, period)",
        """
        CREATE TABLE meetings (
            id INTEGER PRIMARY KEY,
            pair_id TEXT NOT NULL,
            met_on TEXT NOT NULL,
            duration_minutes INTEGER CHECK (duration_minutes IS NULL OR duration_minutes > 0),
            reported_by TEXT NOT NULL,
            source_message_id TEXT,
            created_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX meetings_pair_met_on ON meetings (pair_id, met_on)",
    ),
)

_ENQUEUE = """
INSERT INTO outbox (key, pair_id, kind, period, message_id, sender, recipients, message,
                    state, attempts, next_attempt_at, created_at, updated_at)
VALUES (:key, :pair_id, :kind, :period, :message_id, :sender, :recipients, :message,
        'pending', 0, :now, :now, :now)
ON CONFLICT (key) DO NOTHING
"""
_NEXT_DUE_ID = """
SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?
ORDER BY next_attempt_at, id LIMIT 1
"""
_CLAIM = """
UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?
"""
_ROW_BY_ID = "SELECT * FROM outbox WHERE id = ?"
_SENDING_IDS = "SELECT id FROM outbox WHERE state = 'sending' ORDER BY id"
_RECOVER = """
UPDATE outbox SET state = 'unknown', last_error = ?, updated_at = ? WHERE state = 'sending'
"""
_MARK_SENT = """
UPDATE outbox SET state = 'sent', sent_at = :now, updated_at = :now
WHERE id = :id AND state = 'sending'
"""
_MARK_RETRY = """
UPDATE outbox SET state = 'pending', next_attempt_at = :retry_at, last_error = :error,
                  updated_at = :now
WHERE id = :id AND state = 'sending'
"""
_MARK_FINAL = """
UPDATE outbox SET state = :state, last_error = :error, updated_at = :now
WHERE id = :id AND state = 'sending'
"""
_STATE_BY_ID = "SELECT state FROM outbox WHERE id = ?"
_EARLIEST_PENDING = "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'"
_ROWS_IN_STATES = "SELECT * FROM outbox WHERE state IN (?, ?, ?, ?, ?) ORDER BY id"
_COUNTS = "SELECT state, COUNT(*) FROM outbox GROUP BY state"
_HISTORIES = """
SELECT pair_id, MAX(met_on), NULL FROM meetings GROUP BY pair_id
UNION ALL
SELECT pair_id, NULL, MAX(period) FROM outbox WHERE kind = ? GROUP BY pair_id
"""
_LAST_MESSAGE_ID = """
SELECT message_id FROM outbox WHERE pair_id = ? AND kind = ? ORDER BY id DESC LIMIT 1
"""
_ADD_MEETING = """
INSERT INTO meetings (pair_id, met_on, duration_minutes, reported_by, source_message_id,
                      created_at)
VALUES (?, ?, ?, ?, ?, ?)
"""

_INTERRUPTED = (
    "The service stopped while handing this email to the mail server, so it may or may not "
    "have been delivered. It will not be sent again automatically."
)


class OutboxState(StrEnum):
    """Where an outbox row is in its life; see the module docstring."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One email in the outbox, as stored."""

    id: int
    key: str
    pair_id: str
    kind: str
    period: date
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    message: bytes
    state: OutboxState
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None


class SqliteStore:
    """The outbox and meetings in one SQLite file; build it with `SqliteStore.open`.

    Calls are synchronous and short (one small transaction each). The connection belongs to
    the thread that opened the store.
    """

    def __init__(self, connection: sqlite3.Connection, *, path: Path) -> None:
        self._db = connection
        self._path = path

    @classmethod
    def open(cls, path: Path) -> SqliteStore:
        """Open (creating if needed) the database at `path` and bring its schema up to date."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            message = f"Cannot create the folder {path.parent} for the database: {exc.strerror}."
            raise StoreError(message) from exc
        with _translated(path):
            connection = sqlite3.connect(
                path, isolation_level=None, timeout=_BUSY_TIMEOUT.total_seconds()
            )
        store = cls(connection, path=path)
        try:
            with _translated(path):
                store._configure()
                store._migrate()
        except BaseException:
            connection.close()
            raise
        return store

    def close(self) -> None:
        """Close the connection; committed work is already durable."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """How many migrations this database has applied."""
        return self._pragma_int("user_version")

    def enqueue(self, item: Outgoing, *, now: datetime) -> bool:
        """Queue `item` as pending, due at `now`; False when its key was already queued."""
        params = {
            "key": item.key,
            "pair_id": item.pair_id,
            "kind": item.kind,
            "period": item.period.isoformat(),
            "message_id": item.message_id,
            "sender": item.sender,
            "recipients": json.dumps(list(item.recipients)),
            "message": item.message,
            "now": _instant_text(now),
        }
        with self._write():
            return self._db.execute(_ENQUEUE, params).rowcount == 1

    def recover_interrupted(self, *, now: datetime) -> list[OutboxRow]:
        """Turn every row left in `sending` by a previous run into `unknown`; return them."""
        with self._write():
            ids = [row_id for (row_id,) in self._db.execute(_SENDING_IDS)]
            self._db.execute(_RECOVER, (_INTERRUPTED, _instant_text(now)))
            return [self._row(row_id) for row_id in ids]

    def claim_next(self, *, now: datetime) -> OutboxRow | None:
        """Mark the longest-waiting due pending row `sending` and return it, or None.

        The change is committed before this returns, so before any data goes out.
        """
        with self._write():
            found = self._db.execute(_NEXT_DUE_ID, (_instant_text(now),)).fetchone()
            if found is None:
                return None
            self._db.execute(_CLAIM, (_instant_text(now), found[0]))
            return self._row(found[0])

    def mark_sent(self, row_id: int, *, now: datetime) -> None:
        """The mail server accepted the row's message."""
        self._finish(_MARK_SENT, row_id, {"now": _instant_text(now)})

    def mark_retry(self, row_id: int, *, now: datetime, retry_at: datetime, error: str) -> None:
        """A temporary failure: the row goes back to pending, due again at `retry_at`."""
        params = {"now": _instant_text(now), "retry_at": _instant_text(retry_at), "error": error}
        self._finish(_MARK_RETRY, row_id, params)

    def mark_failed(self, row_id: int, *, now: datetime, error: str) -> None:
        """A permanent failure: the row is never tried again."""
        self._finish(_MARK_FINAL, row_id, _final(OutboxState.FAILED, now=now, error=error))

    def mark_unknown(self, row_id: int, *, now: datetime, error: str) -> None:
        """The server may have accepted the message: the row is never tried again."""
        self._finish(_MARK_FINAL, row_id, _final(OutboxState.UNKNOWN, now=now, error=error))

    def next_attempt_at(self) -> datetime | None:
        """When the earliest pending row is due, or None when nothing is pending."""
        with _translated(self._path):
            (text,) = self._db.execute(_EARLIEST_PENDING).fetchone()
        return None if text is None else _parse_instant(text)

    def outbox(self, *, states: Iterable[OutboxState] | None = None) -> list[OutboxRow]:
        """The outbox rows (only those in `states`, when given), oldest first."""
        wanted = set(OutboxState if states is None else states)
        # Absent states are padded with NULL, which IN never matches.
        params = [state.value if state in wanted else None for state in OutboxState]
        with _translated(self._path):
            rows = self._db.execute(_ROWS_IN_STATES, params).fetchall()
        return [_outbox_row(row) for row in rows]

    def counts_by_state(self) -> dict[OutboxState, int]:
        """How many outbox rows are in each state, with every state present."""
        with _translated(self._path):
            found = dict(self._db.execute(_COUNTS).fetchall())
        return {state: found.get(state.value, 0) for state in OutboxState}

    def pair_histories(self) -> dict[str, PairHistory]:
        """Per pair: the latest meeting date and the latest check-in period, in any state."""
        meetings: dict[str, date] = {}
        checkins: dict[str, date] = {}
        with _translated(self._path):
            rows = self._db.execute(_HISTORIES, (CHECKIN_KIND,)).fetchall()
        for pair_id, met_on, period in rows:
            if met_on is not None:
                meetings[pair_id] = date.fromisoformat(met_on)
            if period is not None:
                checkins[pair_id] = date.fromisoformat(period)
        return {
            pair_id: PairHistory(
                last_meeting=meetings.get(pair_id), last_checkin=checkins.get(pair_id)
            )
            for pair_id in meetings.keys() | checkins.keys()
        }

    def last_message_id(self, pair_id: str, *, kind: str) -> str | None:
        """The Message-ID of the pair's newest queued email of `kind`, for `References`."""
        with _translated(self._path):
            found = self._db.execute(_LAST_MESSAGE_ID, (pair_id, kind)).fetchone()
        return None if found is None else str(found[0])

    def add_meeting(
        self,
        *,
        pair_id: str,
        met_on: date,
        duration_minutes: int | None,
        reported_by: str,
        source_message_id: str | None,
        now: datetime,
    ) -> int:
        """Record that a pair met on `met_on`; returns the new meeting's id."""
        params = (
            pair_id,
            met_on.isoformat(),
            duration_minutes,
            reported_by,
            source_message_id,
            _instant_text(now),
        )
        with self._write():
            row_id = self._db.execute(_ADD_MEETING, params).lastrowid
        assert row_id is not None
        return row_id

    def _configure(self) -> None:
        (mode,) = self._db.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode != "wal":
            message = (
                f"The database {self._path} cannot use write-ahead logging (SQLite chose "
                f"'{mode}'). Put it on a local disk, not a network share."
            )
            raise StoreError(message)
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.row_factory = sqlite3.Row

    def _migrate(self) -> None:
        while True:
            with self._write():
                version = self._checked_version()
                if version == len(_MIGRATIONS):
                    return
                for statement in _MIGRATIONS[version]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version + 1}")

    def _checked_version(self) -> int:
        """The applied migration count, after refusing files that are not ours to migrate."""
        version = self._pragma_int("user_version")
        if not self._is_ours(version):
            message = (
                f"{self._path} is a SQLite database that belongs to another program; "
                "reminder-service will not change it. Choose another database path."
            )
            raise StoreError(message)
        if version > len(_MIGRATIONS):
            message = (
                f"{self._path}: this database was written by a newer version of "
                f"reminder-service (schema {version}, this version knows {len(_MIGRATIONS)})."
            )
            raise StoreError(message)
        return version

    def _is_ours(self, version: int) -> bool:
        """Migration 1 stamps our application id, so only an empty file may lack it."""
        application_id = self._pragma_int("application_id")
        if version > 0:
            return application_id == _APPLICATION_ID
        empty = self._db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None
        return empty and application_id in (0, _APPLICATION_ID)

    def _pragma_int(self, name: str) -> int:
        with _translated(self._path):
            (value,) = self._db.execute(f"PRAGMA {name}").fetchone()
        return int(value)

    def _row(self, row_id: int) -> OutboxRow:
        return _outbox_row(self._db.execute(_ROW_BY_ID, (row_id,)).fetchone())

    def _finish(self, statement: str, row_id: int, params: Mapping[str, object]) -> None:
        with self._write():
            if self._db.execute(statement, {**params, "id": row_id}).rowcount == 1:
                return
            found = self._db.execute(_STATE_BY_ID, (row_id,)).fetchone()
        state = "does not exist" if found is None else f"is {found[0]}"
        raise StoreError(f"Outbox row {row_id} {state}, not sending; it cannot be finished.")

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction: taken at once (`BEGIN IMMEDIATE`), rolled back on error."""
        with _translated(self._path):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")


@contextmanager
def _translated(path: Path) -> Iterator[None]:
    """Turn sqlite3 errors into StoreError with a message a coordinator can act on."""
    try:
        yield
    except sqlite3.Error as exc:
        raise StoreError(_explain(exc, path)) from exc


def _explain(exc: sqlite3.Error, path: Path) -> str:
    code = exc.sqlite_errorcode & 0xFF
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return f"{path} is not a usable SQLite database ({exc}). Check the database path."
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        seconds = int(_BUSY_TIMEOUT.total_seconds())
        return (
            f"The database {path} stayed locked by another program for over {seconds} seconds. "
            "Is a second copy of reminder-service using it?"
        )
    if code == sqlite3.SQLITE_FULL:
        return f"The disk holding the database {path} is full; free some space and restart."
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY):
        return (
            f"Cannot open the database {path} for writing ({exc}). Check that the path is a "
            "file the service may read and write."
        )
    if code == sqlite3.SQLITE_IOERR:
        return f"Reading or writing the database {path} failed ({exc}). Check the disk."
    return f"The database {path} reported an error: {exc}."


def _instant_text(moment: datetime) -> str:
    """UTC ISO-8601 text; these sort as text in time order because the offset is fixed."""
    if moment.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {moment.isoformat()}")
    return moment.astimezone(UTC).isoformat()


def _parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _final(state: OutboxState, *, now: datetime, error: str) -> dict[str, object]:
    return {"state": state.value, "now": _instant_text(now), "error": error}


def _outbox_row(row: sqlite3.Row) -> OutboxRow:
    sent_at = row["sent_at"]
    return OutboxRow(
        id=row["id"],
        key=row["key"],
        pair_id=row["pair_id"],
        kind=row["kind"],
        period=date.fromisoformat(row["period"]),
        message_id=row["message_id"],
        sender=row["sender"],
        recipients=tuple(json.loads(row["recipients"])),
        message=bytes(row["message"]),
        state=OutboxState(row["state"]),
        attempts=row["attempts"],
        next_attempt_at=_parse_instant(row["next_attempt_at"]),
        last_error=row["last_error"],
        created_at=_parse_instant(row["created_at"]),
        updated_at=_parse_instant(row["updated_at"]),
        sent_at=None if sent_at is None else _parse_instant(sent_at),
    )
