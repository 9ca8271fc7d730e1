"""SQLite persistence: the outbox, the inbound log of replies, and the meetings pairs reported.

The outbox follows the states in the design guide: `pending -> sending -> sent | failed |
unknown`. A row is committed as `sending` before any of its data goes to the mail server, so
after a crash the store can tell "maybe delivered" (`unknown`, never resent) from "not yet
tried" (`pending`). Instants are stored as UTC ISO-8601 text and dates as ISO dates; every
datetime crossing this boundary must be aware.

Each inbound message is recorded once (unique on its Message-ID, else a hash of its bytes),
with its verdict, any meeting and the mailbox's UID watermark, in one transaction; only then is
it marked on the IMAP server, so after a crash `unmarked_uids` says what still needs marking.
A meeting reported twice (mentor and mentee, a reply-all, a rescan) is merged into one.

The database runs in WAL mode with `synchronous=FULL`: a commit that returned survives a power
cut. `PRAGMA user_version` counts the migrations applied; each runs in its own transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from hashlib import sha256
from pathlib import Path
from types import TracebackType
from typing import Self, cast

from reminder_service.core.model import Outgoing, PairHistory
from reminder_service.core.replies.verdict import (
    Outcome,
    Reason,
    ReportedMeeting,
    Role,
    SentRef,
    Verdict,
    verdict_json,
)
from reminder_service.errors import StoreError

CHECKIN_KIND = "checkin"
"""The outbox `kind` of a scheduled check-in; its periods feed `PairHistory.last_checkin`."""

REVIEW_OUTCOMES = frozenset({Outcome.REJECTED, Outcome.UNMATCHED, Outcome.UNCLEAR})
"""Outcomes a coordinator should look at; their text and raw bytes are kept for that."""

MAX_KEPT_RAW_BYTES = 1024 * 1024
"""Raw messages larger than this are not kept, even for review."""

SAME_MEETING_WITHIN = timedelta(days=3)
"""How far apart two reports of a pair may date a meeting, when one gave no date, to be one."""

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
    (
        f"""
        CREATE TABLE inbound (
            id INTEGER PRIMARY KEY,
            folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL CHECK (uidvalidity > 0),
            uid INTEGER NOT NULL CHECK (uid > 0),
            dedupe_key TEXT UNIQUE NOT NULL,
            message_id TEXT,
            received_at TEXT NOT NULL,
            sender TEXT,
            pair_id TEXT,
            sender_role TEXT CHECK (sender_role IS NULL OR sender_role IN ('mentor', 'mentee')),
            outcome TEXT NOT NULL,
            reason TEXT,
            text TEXT,
            verdict_json TEXT NOT NULL,
            failing_addresses TEXT NOT NULL DEFAULT '[]',
            raw BLOB CHECK (raw IS NULL OR length(raw) <= {MAX_KEPT_RAW_BYTES}),
            marked INTEGER NOT NULL DEFAULT 0 CHECK (marked IN (0, 1)),
            reviewed_at TEXT,
            meeting_id INTEGER REFERENCES meetings (id)
        )
        """,
        "CREATE INDEX inbound_mailbox_uid ON inbound (folder, uidvalidity, uid)",
        "CREATE INDEX inbound_outcome ON inbound (outcome)",
        """
        CREATE TABLE watermarks (
            folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL,
            last_uid INTEGER NOT NULL CHECK (last_uid >= 0),
            PRIMARY KEY (folder, uidvalidity)
        )
        """,
        "ALTER TABLE meetings ADD COLUMN inbound_id INTEGER REFERENCES inbound (id)",
        """
        ALTER TABLE meetings ADD COLUMN date_stated INTEGER NOT NULL DEFAULT 1
            CHECK (date_stated IN (0, 1))
        """,
        "ALTER TABLE meetings ADD COLUMN removed_at TEXT",
        "CREATE INDEX outbox_message_id_nocase ON outbox (message_id COLLATE NOCASE)",
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
SELECT pair_id, MAX(met_on), NULL FROM meetings WHERE removed_at IS NULL GROUP BY pair_id
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
_INBOUND_BY_KEY = "SELECT id, meeting_id FROM inbound WHERE dedupe_key = ?"
_INSERT_INBOUND = """
INSERT INTO inbound (folder, uidvalidity, uid, dedupe_key, message_id, received_at, sender,
                     pair_id, sender_role, outcome, reason, text, verdict_json,
                     failing_addresses, raw, marked)
VALUES (:folder, :uidvalidity, :uid, :dedupe_key, :message_id, :received_at, :sender,
        :pair_id, :sender_role, :outcome, :reason, :text, :verdict_json,
        :failing_addresses, :raw, :marked)
"""
_LINK_MEETING = "UPDATE inbound SET meeting_id = ? WHERE id = ?"
_ADVANCE_WATERMARK = """
INSERT INTO watermarks (folder, uidvalidity, last_uid) VALUES (?, ?, ?)
ON CONFLICT (folder, uidvalidity) DO UPDATE SET last_uid = MAX(last_uid, excluded.last_uid)
"""
_WATERMARK = "SELECT last_uid FROM watermarks WHERE folder = ? AND uidvalidity = ?"
_MEETINGS_NEAR = """
SELECT id, met_on, date_stated FROM meetings
WHERE pair_id = ? AND removed_at IS NULL AND met_on BETWEEN ? AND ?
"""
_INSERT_MEETING = """
INSERT INTO meetings (pair_id, met_on, duration_minutes, reported_by, source_message_id,
                      created_at, inbound_id, date_stated)
VALUES (:pair_id, :met_on, :duration_minutes, :reported_by, :source_message_id,
        :created_at, :inbound_id, :date_stated)
"""
_MERGE_MEETING = """
UPDATE meetings SET met_on = :met_on, date_stated = :date_stated,
                    duration_minutes = COALESCE(duration_minutes, :duration_minutes)
WHERE id = :id
"""
_UNMARKED_UIDS = """
SELECT uid FROM inbound WHERE folder = ? AND uidvalidity = ? AND marked = 0 ORDER BY uid
"""
_SET_MARKED = "UPDATE inbound SET marked = 1 WHERE folder = ? AND uidvalidity = ? AND uid = ?"
_SENT_REF = """
SELECT pair_id, kind FROM outbox WHERE message_id = ? COLLATE NOCASE ORDER BY id LIMIT 1
"""
_REVIEW_QUEUE = """
SELECT * FROM inbound WHERE outcome IN (?, ?, ?) AND reviewed_at IS NULL ORDER BY received_at, id
"""
_MARK_REVIEWED = "UPDATE inbound SET reviewed_at = ? WHERE id = ? AND reviewed_at IS NULL"
_INBOUND_EXISTS = "SELECT 1 FROM inbound WHERE id = ?"
_MEETINGS = """
SELECT id, pair_id, met_on, duration_minutes, date_stated, reported_by, source_message_id,
       created_at
FROM meetings
WHERE removed_at IS NULL AND (:pair_id IS NULL OR pair_id = :pair_id)
  AND (:since IS NULL OR met_on >= :since)
ORDER BY met_on, id
"""
_FAILING_ADDRESSES = """
SELECT lower(address.value), MAX(inbound.received_at)
FROM inbound, json_each(inbound.failing_addresses) AS address
GROUP BY lower(address.value)
ORDER BY 2 DESC, 1
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


@dataclass(frozen=True, slots=True)
class InboundItem:
    """One fetched message, where it was found, and the parser's verdict on it.

    `keep_text` says whether the program keeps the text of replies (its `keep_notes`);
    `needs_mark` is False for mail that is not ours, which is left on the server as it was.
    """

    folder: str
    uidvalidity: int
    uid: int
    raw: bytes
    verdict: Verdict
    keep_text: bool
    needs_mark: bool = True


@dataclass(frozen=True, slots=True)
class Recorded:
    """What recording one inbound message did.

    `duplicate` is True when the message was already recorded; `meeting_id` is then the
    meeting that first record logged or joined. `meeting_is_new` is True only when this
    message created a meeting rather than merging into one reported before.
    """

    inbound_id: int
    duplicate: bool
    meeting_id: int | None
    meeting_is_new: bool


@dataclass(frozen=True, slots=True)
class InboundRow:
    """One recorded inbound message, as stored.

    `folder`, `uidvalidity` and `uid` say where it was first seen; `meeting_id` is the meeting
    it logged or joined. `text` and `raw` are None when they were not kept.
    """

    id: int
    folder: str
    uidvalidity: int
    uid: int
    dedupe_key: str
    message_id: str | None
    received_at: datetime
    sender: str | None
    pair_id: str | None
    sender_role: Role | None
    outcome: Outcome
    reason: Reason | None
    text: str | None
    verdict_json: str
    failing_addresses: tuple[str, ...]
    raw: bytes | None
    marked: bool
    reviewed_at: datetime | None
    meeting_id: int | None


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """One logged meeting, as stored; `date_stated` is False when no report gave a date."""

    id: int
    pair_id: str
    met_on: date
    duration_minutes: int | None
    date_stated: bool
    reported_by: str
    source_message_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class _Nearby:
    """A logged meeting of the same pair that a new report might be about."""

    id: int
    met_on: date
    date_stated: bool


class SqliteStore:
    """The outbox, inbound log and meetings in one SQLite file; open with `SqliteStore.open`.

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

    @classmethod
    def open_read_only(cls, path: Path) -> SqliteStore:
        """Open an existing, up-to-date database for reading only (commands that change nothing)."""
        if not path.is_file():
            raise StoreError(f"There is no database at {path}.")
        with _translated(path):
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                isolation_level=None,
                timeout=_BUSY_TIMEOUT.total_seconds(),
            )
        connection.row_factory = sqlite3.Row
        store = cls(connection, path=path)
        try:
            with _translated(path):
                version = store._checked_version()
        except BaseException:
            connection.close()
            raise
        if version < len(_MIGRATIONS):
            connection.close()
            message = (
                f"{path} uses an older schema ({version}); start the service once "
                f"(reminder-service run) to upgrade it to schema {len(_MIGRATIONS)}."
            )
            raise StoreError(message)
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

    def record_inbound(
        self,
        *,
        folder: str,
        uidvalidity: int,
        uid: int,
        raw: bytes,
        verdict: Verdict,
        now: datetime,
        keep_text: bool,
    ) -> Recorded:
        """Record one message with its verdict and any meeting; see `record_inbound_batch`."""
        item = InboundItem(
            folder=folder,
            uidvalidity=uidvalidity,
            uid=uid,
            raw=raw,
            verdict=verdict,
            keep_text=keep_text,
        )
        (recorded,) = self.record_inbound_batch([item], now=now)
        return recorded

    def record_inbound_batch(
        self, items: Sequence[InboundItem], *, now: datetime
    ) -> list[Recorded]:
        """Record messages in order, in one transaction that commits before this returns.

        A message already recorded (by Message-ID, else by a hash of its bytes) only
        advances the watermark. A new one is logged with its verdict; a meeting report joins
        the pair's meeting it describes or logs a new one. The watermark of each item's
        (folder, uidvalidity) rises to its UID. Any error rolls back the whole batch.
        """
        received_at = _instant_text(now)
        with self._write():
            return [self._record(item, received_at=received_at) for item in items]

    def watermark(self, *, folder: str, uidvalidity: int) -> int:
        """The highest UID recorded in this folder under this UIDVALIDITY; 0 when none."""
        with _translated(self._path):
            found = self._db.execute(_WATERMARK, (folder, uidvalidity)).fetchone()
        return 0 if found is None else int(found[0])

    def unmarked_uids(self, *, folder: str, uidvalidity: int) -> list[int]:
        """UIDs of messages recorded here but not yet flagged or moved on the server."""
        with _translated(self._path):
            rows = self._db.execute(_UNMARKED_UIDS, (folder, uidvalidity)).fetchall()
        return [uid for (uid,) in rows]

    def set_marked(self, *, folder: str, uidvalidity: int, uids: Sequence[int]) -> None:
        """Note that these messages are now flagged or moved on the server."""
        with self._write():
            self._db.executemany(_SET_MARKED, [(folder, uidvalidity, uid) for uid in uids])

    def sent_ref(self, message_id: str) -> SentRef | None:
        """Which pair and kind of email one of our Message-IDs was; None if not ours."""
        with _translated(self._path):
            found = self._db.execute(_SENT_REF, (message_id.strip(),)).fetchone()
        return None if found is None else SentRef(pair_id=found[0], kind=found[1])

    def review_queue(self) -> list[InboundRow]:
        """Rejected, unmatched and unclear messages nobody has reviewed yet, oldest first."""
        with _translated(self._path):
            rows = self._db.execute(_REVIEW_QUEUE, sorted(REVIEW_OUTCOMES)).fetchall()
        return [_inbound_row(row) for row in rows]

    def mark_reviewed(self, inbound_id: int, *, now: datetime) -> None:
        """A coordinator has looked at this message; it leaves the review queue."""
        with self._write():
            if self._db.execute(_MARK_REVIEWED, (_instant_text(now), inbound_id)).rowcount:
                return
            if self._db.execute(_INBOUND_EXISTS, (inbound_id,)).fetchone() is not None:
                return
        raise StoreError(f"There is no received message number {inbound_id} to mark reviewed.")

    def meetings(
        self, *, pair_id: str | None = None, since: date | None = None
    ) -> list[MeetingRow]:
        """Logged meetings that were not removed, by date met; optionally one pair's, or later."""
        params = {"pair_id": pair_id, "since": None if since is None else since.isoformat()}
        with _translated(self._path):
            rows = self._db.execute(_MEETINGS, params).fetchall()
        return [_meeting_row(row) for row in rows]

    def failing_addresses(self) -> list[tuple[str, datetime]]:
        """Addresses that bounces reported as failing, with when last seen, newest first."""
        with _translated(self._path):
            rows = self._db.execute(_FAILING_ADDRESSES).fetchall()
        return [(address, _parse_instant(seen)) for address, seen in rows]

    def _record(self, item: InboundItem, *, received_at: str) -> Recorded:
        self._db.execute(_ADVANCE_WATERMARK, (item.folder, item.uidvalidity, item.uid))
        key = inbound_dedupe_key(item.verdict.message_id, item.raw)
        found = self._db.execute(_INBOUND_BY_KEY, (key,)).fetchone()
        if found is not None:
            return Recorded(
                inbound_id=found[0], duplicate=True, meeting_id=found[1], meeting_is_new=False
            )
        params = _inbound_params(item, dedupe_key=key, received_at=received_at)
        inbound_id = self._db.execute(_INSERT_INBOUND, params).lastrowid
        assert inbound_id is not None
        if item.verdict.outcome is not Outcome.MEETING:
            return Recorded(
                inbound_id=inbound_id, duplicate=False, meeting_id=None, meeting_is_new=False
            )
        meeting_id, is_new = self._log_meeting(
            item.verdict, inbound_id=inbound_id, created_at=received_at
        )
        self._db.execute(_LINK_MEETING, (meeting_id, inbound_id))
        return Recorded(
            inbound_id=inbound_id, duplicate=False, meeting_id=meeting_id, meeting_is_new=is_new
        )

    def _log_meeting(
        self, verdict: Verdict, *, inbound_id: int, created_at: str
    ) -> tuple[int, bool]:
        """Merge the reported meeting into the pair's same meeting, or log it; (id, is new)."""
        pair_id, reported, reported_by = _meeting_report(verdict)
        same = _same_meeting(self._nearby_meetings(pair_id, reported.date), reported)
        if same is not None:
            self._db.execute(_MERGE_MEETING, _merged(same, reported))
            return same.id, False
        params = {
            "pair_id": pair_id,
            "met_on": reported.date.isoformat(),
            "duration_minutes": reported.duration_minutes,
            "reported_by": reported_by,
            "source_message_id": verdict.message_id,
            "created_at": created_at,
            "inbound_id": inbound_id,
            "date_stated": reported.date_stated,
        }
        meeting_id = self._db.execute(_INSERT_MEETING, params).lastrowid
        assert meeting_id is not None
        return meeting_id, True

    def _nearby_meetings(self, pair_id: str, met_on: date) -> list[_Nearby]:
        earliest = (met_on - SAME_MEETING_WITHIN).isoformat()
        latest = (met_on + SAME_MEETING_WITHIN).isoformat()
        rows = self._db.execute(_MEETINGS_NEAR, (pair_id, earliest, latest)).fetchall()
        return [
            _Nearby(id=row_id, met_on=date.fromisoformat(text), date_stated=bool(stated))
            for row_id, text, stated in rows
        ]

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


def inbound_dedupe_key(message_id: str | None, raw: bytes) -> str:
    """What makes two fetched messages the same: the Message-ID, else the bytes' hash."""
    normalized = (message_id or "").strip().lower()
    return normalized or "sha256:" + sha256(raw).hexdigest()


def _inbound_params(item: InboundItem, *, dedupe_key: str, received_at: str) -> dict[str, object]:
    verdict = item.verdict
    for_review = verdict.outcome in REVIEW_OUTCOMES
    keep_raw = for_review and len(item.raw) <= MAX_KEPT_RAW_BYTES
    return {
        "folder": item.folder,
        "uidvalidity": item.uidvalidity,
        "uid": item.uid,
        "dedupe_key": dedupe_key,
        "message_id": verdict.message_id,
        "received_at": received_at,
        "sender": verdict.sender,
        "pair_id": verdict.pair_id,
        "sender_role": verdict.sender_role,
        "outcome": verdict.outcome.value,
        "reason": None if verdict.reason is None else verdict.reason.value,
        "text": verdict.text if item.keep_text or for_review else None,
        "verdict_json": json.dumps(verdict_json(verdict), ensure_ascii=False),
        "failing_addresses": json.dumps(list(verdict.failing_addresses)),
        "raw": item.raw if keep_raw else None,
        "marked": 0 if item.needs_mark else 1,
    }


def _meeting_report(verdict: Verdict) -> tuple[str, ReportedMeeting, str]:
    """The pair, meeting and reporter of a meeting verdict, which must name all three."""
    if verdict.pair_id is None or verdict.meeting is None or verdict.sender is None:
        raise ValueError(f"a meeting verdict must name its pair, meeting and sender: {verdict}")
    return verdict.pair_id, verdict.meeting, verdict.sender


def _same_meeting(nearby: Iterable[_Nearby], reported: ReportedMeeting) -> _Nearby | None:
    """The logged meeting that `reported` describes, or None when it is a new one.

    That is a meeting on the same date, else one within `SAME_MEETING_WITHIN` when either
    date was only assumed from when the reply was written; the closest wins.
    """
    candidates = [
        meeting
        for meeting in nearby
        if meeting.met_on == reported.date
        or (
            not (meeting.date_stated and reported.date_stated)
            and abs(meeting.met_on - reported.date) <= SAME_MEETING_WITHIN
        )
    ]
    return min(
        candidates,
        key=lambda meeting: (abs(meeting.met_on - reported.date), meeting.id),
        default=None,
    )


def _merged(logged: _Nearby, reported: ReportedMeeting) -> dict[str, object]:
    """The merged meeting: a stated date wins over an assumed one, the first stated one stays."""
    met_on = reported.date if reported.date_stated and not logged.date_stated else logged.met_on
    return {
        "id": logged.id,
        "met_on": met_on.isoformat(),
        "date_stated": logged.date_stated or reported.date_stated,
        "duration_minutes": reported.duration_minutes,
    }


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


def _inbound_row(row: sqlite3.Row) -> InboundRow:
    reason = row["reason"]
    raw = row["raw"]
    reviewed_at = row["reviewed_at"]
    return InboundRow(
        id=row["id"],
        folder=row["folder"],
        uidvalidity=row["uidvalidity"],
        uid=row["uid"],
        dedupe_key=row["dedupe_key"],
        message_id=row["message_id"],
        received_at=_parse_instant(row["received_at"]),
        sender=row["sender"],
        pair_id=row["pair_id"],
        sender_role=cast("Role | None", row["sender_role"]),
        outcome=Outcome(row["outcome"]),
        reason=None if reason is None else Reason(reason),
        text=row["text"],
        verdict_json=row["verdict_json"],
        failing_addresses=tuple(json.loads(row["failing_addresses"])),
        raw=None if raw is None else bytes(raw),
        marked=bool(row["marked"]),
        reviewed_at=None if reviewed_at is None else _parse_instant(reviewed_at),
        meeting_id=row["meeting_id"],
    )


def _meeting_row(row: sqlite3.Row) -> MeetingRow:
    return MeetingRow(
        id=row["id"],
        pair_id=row["pair_id"],
        met_on=date.fromisoformat(row["met_on"]),
        duration_minutes=row["duration_minutes"],
        date_stated=bool(row["date_stated"]),
        reported_by=row["reported_by"],
        source_message_id=row["source_message_id"],
        created_at=_parse_instant(row["created_at"]),
    )
