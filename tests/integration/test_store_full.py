"""Failed write transactions: a database that cannot grow (a full disk, here its size limit)
mid-planning and mid-intake, a commit refused, and a transaction SQLite rolled back itself."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reminder_service.core.model import Outgoing
from reminder_service.core.replies.verdict import Outcome, Reason, Verdict
from reminder_service.errors import StoreError
from reminder_service.store import InboundItem, SqliteStore

T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
FULL = r"could not grow: the disk holding it is full \(or the database reached its size limit\)"
ROOM_PAGES = 4
"""Pages the database may still add: a few items of a batch fit before it is full."""


def fill_up(store: SqliteStore) -> None:
    """Let the store's database add only a few pages more, as a nearly full disk would."""
    (pages,) = store._db.execute("PRAGMA page_count").fetchone()
    store._db.execute(f"PRAGMA max_page_count = {pages + ROOM_PAGES}")


def make_room(store: SqliteStore) -> None:
    """Lift the size limit, as freeing disk space would."""
    store._db.execute("PRAGMA max_page_count = 1073741823")


def outgoing(number: int) -> Outgoing:
    """A queued email of a few kilobytes, so that a batch of them needs many pages."""
    key = f"checkin:pair-{number}:2026-11-25"
    return Outgoing(
        key=key,
        pair_id=f"pair-{number}",
        kind="checkin",
        period=date(2026, 11, 25),
        message_id=f"<{number}@reminders.example.org>",
        sender="reminders@example.org",
        recipients=("ana@example.org", "ben@example.org"),
        message=b"Subject: How is it going?\r\n\r\n" + b"x" * 3000,
    )


def inbound(uid: int) -> InboundItem:
    """A rejected reply of a few kilobytes whose raw bytes are kept for review."""
    message_id = f"<r{uid}@example.org>"
    raw = f"Message-ID: {message_id}\r\n\r\n".encode() + bytes(range(256)) * 12
    verdict = Verdict(outcome=Outcome.REJECTED, reason=Reason.UNREADABLE, message_id=message_id)
    return InboundItem(
        folder="INBOX", uidvalidity=7, uid=uid, raw=raw, verdict=verdict, keep_text=False
    )


def test_a_full_disk_mid_planning_is_named_and_queues_nothing(store: SqliteStore) -> None:
    """A planning batch that fills the database fails naming the full disk and is rolled back
    whole (SQLite undid only the failing statement): nothing half-queued, and the next write
    begins once there is room."""
    fill_up(store)
    batch = [outgoing(number) for number in range(50)]
    with pytest.raises(StoreError, match=FULL):
        store.enqueue_many(batch, now=T0)
    assert store.outbox() == []
    make_room(store)
    assert store.enqueue_many(batch, now=T0) == [True] * 50


def test_a_full_disk_mid_intake_is_named_and_records_nothing(store: SqliteStore) -> None:
    """An intake batch that fills the database fails naming the full disk and records none of it."""
    fill_up(store)
    batch = [inbound(uid) for uid in range(1, 51)]
    with pytest.raises(StoreError, match=FULL):
        store.record_inbound_batch(batch, now=T0)
    assert store.watermark(folder="INBOX", uidvalidity=7) == 0
    assert store.review_queue() == []
    make_room(store)
    store.record_inbound_batch(batch, now=T0)
    assert store.watermark(folder="INBOX", uidvalidity=7) == 50


def write_a_reply_event_of_no_message(store: SqliteStore) -> None:
    """A write whose foreign key is checked, and refused, only at COMMIT."""
    with store._write():
        store._db.execute("PRAGMA defer_foreign_keys = ON")
        store._db.execute(
            "INSERT INTO reply_events (pair_id, kind, at, inbound_id) VALUES ('p', 'skip', 'x', 9)"
        )


def test_a_refused_commit_is_rolled_back_so_the_next_write_can_begin(store: SqliteStore) -> None:
    """A transaction whose COMMIT fails is rolled back, and the store's next write succeeds."""
    with pytest.raises(StoreError, match="FOREIGN KEY constraint failed"):
        write_a_reply_event_of_no_message(store)
    assert store.enqueue_many([outgoing(1)], now=T0) == [True]


def test_a_transaction_sqlite_rolled_back_itself_reports_its_own_error(
    store: SqliteStore,
) -> None:
    """When SQLite has already rolled a failed write back (as it may on a full disk), the
    store reports that error, not a failed second rollback, and its next write succeeds."""
    store._db.execute(
        "CREATE TEMP TRIGGER abandon BEFORE INSERT ON main.outbox "
        "BEGIN SELECT RAISE(ROLLBACK, 'abandoned by SQLite'); END"
    )
    with pytest.raises(StoreError, match="abandoned by SQLite"):
        store.enqueue_many([outgoing(1)], now=T0)
    store._db.execute("DROP TRIGGER abandon")
    assert store.enqueue_many([outgoing(1)], now=T0) == [True]


def test_an_error_sqlite3_raises_itself_is_a_store_error_naming_the_database(
    tmp_path: Path,
) -> None:
    """An error the sqlite3 module raises without an SQLite code (a closed connection) is
    still a StoreError naming the database, not an AttributeError from reading its code."""
    database = tmp_path / "reminders.sqlite3"
    store = SqliteStore.open(database)
    store.close()
    with pytest.raises(StoreError, match=r"reminders\.sqlite3 reported an error: Cannot operate"):
        store.counts_by_state()
