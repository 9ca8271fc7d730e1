"""Opening the database file: connection settings, schema migrations, and the checks that
the file is ours and at a schema this version knows.

The database runs in WAL mode with `synchronous=FULL`: a commit that returned survives a power
cut. `PRAGMA user_version` counts the migrations applied; each runs in its own transaction.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Self

from reminder_service.errors import StoreError
from reminder_service.store.connection import (
    BUSY_TIMEOUT,
    StoreConnection,
    connect_read_only,
    translated,
)
from reminder_service.store.inbox import MAX_KEPT_RAW_BYTES

_APPLICATION_ID = 0x52454D44  # "REMD": marks the file as ours in the SQLite header.

_BUMP = """
    INSERT INTO pair_versions (pair_id, seq)
    VALUES ({row}.pair_id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM pair_versions))
    ON CONFLICT (pair_id) DO UPDATE SET seq = excluded.seq;
"""


def _change_triggers(table: str, *, update_of: str | None = None) -> tuple[str, ...]:
    """Triggers that mark a row's pair as changed on insert, delete and update.

    An update marks both the old and the new pair; `update_of` limits updates to the
    columns planning reads (an outbox row changing state changes no plan).
    """
    columns = "" if update_of is None else f" OF {update_of}"
    return (
        f"CREATE TRIGGER {table}_insert_version AFTER INSERT ON {table} BEGIN"
        f"{_BUMP.format(row='NEW')}END",
        f"CREATE TRIGGER {table}_delete_version AFTER DELETE ON {table} BEGIN"
        f"{_BUMP.format(row='OLD')}END",
        f"CREATE TRIGGER {table}_update_version AFTER UPDATE{columns} ON {table} BEGIN"
        f"{_BUMP.format(row='OLD')}{_BUMP.format(row='NEW')}END",
    )


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
    (
        """
        CREATE TABLE reply_events (
            id INTEGER PRIMARY KEY,
            pair_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('not_met', 'skip', 'pause', 'end', 'dispute')),
            at TEXT NOT NULL,
            until TEXT CHECK (until IS NULL OR kind = 'pause'),
            inbound_id INTEGER REFERENCES inbound (id),
            meeting_id INTEGER REFERENCES meetings (id)
        )
        """,
        "CREATE INDEX reply_events_pair_kind_at ON reply_events (pair_id, kind, at)",
        "ALTER TABLE meetings ADD COLUMN removed_reason TEXT",
        # Partial indexes for pair histories, covering even the column of their WHERE (which
        # SQLite needs), so that each pair's latest kept meeting and period email are read
        # without touching the tables; the digest reads meetings by time.
        """
        CREATE INDEX meetings_kept_by_pair ON meetings (pair_id, met_on, created_at, removed_at)
            WHERE removed_at IS NULL
        """,
        "CREATE INDEX meetings_created_at ON meetings (created_at)",
        "CREATE INDEX meetings_removed_at ON meetings (removed_at) WHERE removed_at IS NOT NULL",
        """
        CREATE INDEX outbox_period_emails ON outbox (pair_id, period, kind)
            WHERE kind IN ('checkin', 'pause_or_end', 'reminder')
        """,
    ),
    (
        # Emails the planner decided not to send (a digest with nothing to say), so the
        # decision is made once: keyed like the outbox, never sent later by accident.
        """
        CREATE TABLE skipped (
            key TEXT PRIMARY KEY,
            at TEXT NOT NULL,
            why TEXT NOT NULL
        )
        """,
    ),
    (
        # Change tracking for incremental planning: every write to a table that pair
        # histories or activity are read from moves that pair's `seq` to a new maximum, so
        # the planner asks "which pairs changed since seq N" whichever process wrote.
        """
        CREATE TABLE pair_versions (
            pair_id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL
        )
        """,
        "CREATE INDEX pair_versions_seq ON pair_versions (seq)",
        *_change_triggers("outbox", update_of="key, pair_id, kind, period"),
        *_change_triggers("meetings"),
        *_change_triggers("reply_events"),
    ),
    (
        # The kind of our email a reply answers: an unclear reply to one that asked nothing
        # (a thank-you, say) gets no question back, also when planned from the stored row.
        "ALTER TABLE inbound ADD COLUMN answers_kind TEXT",
        # Each tick looks for the pending emails of the ended and paused pairs it plans (to
        # withdraw them), and for the unclear replies of the last days (to ask back).
        "CREATE INDEX outbox_pending_by_pair ON outbox (pair_id) WHERE state = 'pending'",
        "CREATE INDEX inbound_outcome_received ON inbound (outcome, received_at)",
        "DROP INDEX inbound_outcome",
    ),
    (
        # What the review queue says of a message it could not read: its Subject and size.
        "ALTER TABLE inbound ADD COLUMN subject TEXT",
        "ALTER TABLE inbound ADD COLUMN size INTEGER",
    ),
    (
        # A failed period email no longer counts as asked, so the histories read each one's
        # state: kept in the index, or each read would fetch the row and its message.
        """
        CREATE INDEX outbox_period_emails_state ON outbox (pair_id, period, kind, state)
            WHERE kind IN ('checkin', 'pause_or_end', 'reminder')
        """,
        "DROP INDEX outbox_period_emails",
        # A pause or end the YAML set, and the date it was lifted: the file keeps no trace
        # of it once the coordinator writes `status: active` again.
        """
        CREATE TABLE pair_silences (
            pair_id TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('paused', 'ended')),
            resumed_on TEXT
        )
        """,
    ),
    (
        # The day the planner first saw a YAML pause or end: one lifted that same day was
        # a mistake put right and leaves no trace.
        "ALTER TABLE pair_silences ADD COLUMN noted_on TEXT",
    ),
    (
        # The send rate limit is seeded at start-up from the rows tried in the last minute:
        # without this index that read scans an outbox of years (`attempts` is in it so
        # the read touches no row).
        "CREATE INDEX outbox_tried_updated ON outbox (updated_at, attempts) WHERE attempts > 0",
    ),
    (
        # A `failed` email the planner withdrew (its pair ended or paused) was never handed
        # to the mail server: the metrics count it apart from the sends that failed.
        """
        ALTER TABLE outbox ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0
            CHECK (withdrawn IN (0, 1))
        """,
    ),
    (
        # The pair histories read each pair's latest unclear reply (the next reminder thanks
        # them for answering): one index range per pair, never a scan of the inbox.
        """
        CREATE INDEX inbound_pair_outcome
            ON inbound (pair_id, outcome, received_at, sender_role, answers_kind)
        """,
    ),
    (
        # The text of a settled email is cleared once it is older than the retention
        # period (the row stays, for idempotency and reply matching). The index holds only
        # the rows whose text is still kept, covering the columns of its WHERE, so the
        # hourly look reads neither the whole outbox nor a row it leaves alone.
        "ALTER TABLE outbox ADD COLUMN message_cleared_at TEXT",
        """
        CREATE INDEX outbox_settled_messages ON outbox (updated_at, state, message_cleared_at)
            WHERE state IN ('sent', 'failed', 'unknown') AND message_cleared_at IS NULL
        """,
    ),
    (
        # The verdict of a reply whose text was not kept (`keep_notes: false`) kept the
        # text all the same; it is stored without it now, and old rows lose it too.
        """
        UPDATE inbound SET verdict_json = json_set(verdict_json, '$.text', NULL)
        WHERE text IS NULL AND json_extract(verdict_json, '$.text') IS NOT NULL
        """,
        # Received messages' bytes, and the words of replies dealt with in review, are
        # cleared after the retention period: these index only the rows still holding them.
        "CREATE INDEX inbound_kept_raw ON inbound (received_at) WHERE raw IS NOT NULL",
        """
        CREATE INDEX inbound_reviewed_words ON inbound (reviewed_at)
            WHERE reviewed_at IS NOT NULL AND (text IS NOT NULL OR subject IS NOT NULL)
        """,
    ),
    (
        # A pair erased with `forget` while a service ran, until that service runs a
        # program without it: nothing is queued for it meanwhile (store/erasure.py).
        "CREATE TABLE erased_pairs (pair_id TEXT PRIMARY KEY) WITHOUT ROWID",
    ),
    (
        # When an email first failed at the mail server: it is given up on some days after
        # that, not after it was queued, so a long outage (no attempt made) does not count.
        "ALTER TABLE outbox ADD COLUMN first_failed_at TEXT",
        # A waiting email that failed before this column existed counts from when it was
        # queued, as it did then.
        "UPDATE outbox SET first_failed_at = created_at WHERE state = 'pending' AND attempts > 0",
        # A period email withdrawn as queued while the clock ran ahead gives up its key
        # (renamed `ahead:...`) and is left out of the histories, which read only this index.
        "DROP INDEX outbox_period_emails_state",
        """
        CREATE INDEX outbox_period_emails_state ON outbox (pair_id, period, kind, state, key)
            WHERE kind IN ('checkin', 'pause_or_end', 'reminder')
        """,
    ),
)


CURRENT_SCHEMA = len(_MIGRATIONS)
"""The schema number (`PRAGMA user_version`) of this version of reminder-service."""


class SchemaMixin(StoreConnection):
    """Opening a store, bringing its schema up to date, and refusing files that are not ours."""

    upgraded_from: int | None = None
    """The schema the file had before `open` upgraded it; None when nothing was upgraded."""

    @classmethod
    def open(cls, path: Path) -> Self:
        """Open (creating if needed) the database at `path` and bring its schema up to date.

        Only a process holding the instance lock opens this way (the service's start,
        `upgrade`, and `forget` or `review --done` when no service runs), so no service of an
        older version, which would not know the new schema, still writes to the file. Other
        commands use `open_current` or `open_read_only`.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            message = f"Cannot create the folder {path.parent} for the database: {exc.strerror}."
            raise StoreError(message) from exc
        store = cls._connected(path)
        try:
            with translated(path):
                store._configure()
                found = store._migrate()
        except BaseException:
            store.close()
            raise
        if 0 < found < CURRENT_SCHEMA:
            store.upgraded_from = found
        return store

    @classmethod
    def open_current(cls, path: Path) -> Self:
        """Open an existing database, already at this version's schema, for a command that
        changes it (`forget`, `review --done`); an older one is refused and left as it is."""
        if not path.is_file():
            raise StoreError(f"There is no database at {path}.")
        store = cls._connected(path)
        try:
            with translated(path):
                store._refuse_older(store._checked_version())
                store._configure()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def open_read_only(cls, path: Path, *, older: bool = False) -> Self:
        """Open an existing, up-to-date database for reading only (commands that change
        nothing); with `older`, one of an older schema too, for `check` to read what it can."""
        if not path.is_file():
            raise StoreError(f"There is no database at {path}.")
        connection = connect_read_only(path)
        connection.row_factory = sqlite3.Row
        store = cls(connection, path=path)
        try:
            with translated(path):
                version = store._checked_version()
                if not older:
                    store._refuse_older(version)
        except BaseException:
            connection.close()
            raise
        return store

    @classmethod
    def _connected(cls, path: Path) -> Self:
        with translated(path):
            connection = sqlite3.connect(
                path, isolation_level=None, timeout=BUSY_TIMEOUT.total_seconds()
            )
        return cls(connection, path=path)

    def _refuse_older(self, version: int) -> None:
        """Refuse a schema older than this version's: upgrading is left to the service's
        start, since a service of the older version may still be running on the file."""
        if version < len(_MIGRATIONS):
            message = (
                f"{self._path} uses an older schema ({version}); this version of "
                f"reminder-service needs schema {len(_MIGRATIONS)}, so it changed nothing. "
                "Stop the service if one runs, then run `reminder-service upgrade` (it sends "
                "nothing) or start the service with this version (its start upgrades the "
                "database). Then run this command again."
            )
            raise StoreError(message)

    @property
    def schema_version(self) -> int:
        """How many migrations this database has applied."""
        return self._pragma_int("user_version")

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

    def _migrate(self) -> int:
        """Apply the missing migrations, one transaction each; the schema found first."""
        found: int | None = None
        while True:
            with self._write():
                version = self._checked_version()
                found = version if found is None else found
                if version == len(_MIGRATIONS):
                    return found
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
                f"reminder-service (schema {version}, this version knows {len(_MIGRATIONS)}). "
                "Use that newer version of reminder-service, or restore a backup taken "
                "before it first ran."
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
        with translated(self._path):
            (value,) = self._db.execute(f"PRAGMA {name}").fetchone()
        return int(value)
