"""Change tracking (schema 5) and reads narrowed to some pairs, against real SQLite files."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from reminder_service.core.model import Outgoing
from reminder_service.store import SqliteStore
from reminder_service.store import histories as queries
from reminder_service.store.schema import _MIGRATIONS
from tests.support.outbox_steps import claim_next, enqueue, mark_retry, mark_sent

T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def outgoing(key: str, *, pair_id: str, kind: str = "checkin") -> Outgoing:
    """A small email for `pair_id`."""
    return Outgoing(
        key=key,
        pair_id=pair_id,
        kind=kind,
        period=date(2026, 11, 25),
        message_id=f"<{key}@reminders.example.org>",
        sender="reminders@example.org",
        recipients=("ana@example.org",),
        message=b"Subject: Hello\r\n\r\nHello\r\n",
    )


@pytest.fixture
def other(db_path: Path, store: SqliteStore) -> Iterator[sqlite3.Connection]:
    """A second, raw connection to the same file: another process writing."""
    connection = sqlite3.connect(db_path, isolation_level=None)
    yield connection
    connection.close()


def meet(store: SqliteStore, pair_id: str, *, met_on: date = date(2026, 11, 20)) -> int:
    """Log a meeting for `pair_id` at T0; its id."""
    return store.add_meeting(
        pair_id=pair_id,
        met_on=met_on,
        duration_minutes=None,
        reported_by="ana@example.org",
        source_message_id=None,
        now=T0,
    )


def changes(store: SqliteStore, since: int) -> set[str]:
    """The pairs changed after change number `since`."""
    return store.pair_changes_since(since)[0]


def test_a_new_store_has_no_changes(store: SqliteStore) -> None:
    """A fresh database is at change number 0 and reports no changed pairs."""
    assert store.pair_change_seq() == 0
    assert store.pair_changes_since(0) == (set(), 0)


def test_each_write_marks_its_pair_with_a_later_change_number(
    store: SqliteStore, other: sqlite3.Connection
) -> None:
    """Queueing an email, logging a meeting and recording a reply event (by this connection or
    another) each mark exactly their pair, and a reader catches up to the latest number."""
    steps: list[tuple[str, Callable[[], object]]] = [
        ("a", lambda: enqueue(store, outgoing("checkin:a:1", pair_id="a"), now=T0)),
        ("b", lambda: meet(store, "b")),
        (
            "c",
            lambda: other.execute(
                "INSERT INTO reply_events (pair_id, kind, at) VALUES ('c', 'skip', ?)",
                (T0.isoformat(),),
            ),
        ),
    ]
    for pair_id, write in steps:
        seq = store.pair_change_seq()
        write()
        assert store.pair_changes_since(seq) == ({pair_id}, store.pair_change_seq())
        assert store.pair_change_seq() > seq


def test_updates_and_deletes_mark_the_pairs_they_touch(
    store: SqliteStore, other: sqlite3.Connection
) -> None:
    """Removing a meeting, moving a row to another pair and deleting an event mark the pairs
    involved, old and new."""
    meeting = meet(store, "a")
    other.execute("INSERT INTO reply_events (pair_id, kind, at) VALUES ('d', 'end', 'x')")
    seq = store.pair_change_seq()
    other.execute("UPDATE meetings SET removed_at = ? WHERE id = ?", (T0.isoformat(), meeting))
    assert changes(store, seq) == {"a"}
    seq = store.pair_change_seq()
    other.execute("UPDATE meetings SET pair_id = 'b' WHERE id = ?", (meeting,))
    assert changes(store, seq) == {"a", "b"}
    seq = store.pair_change_seq()
    other.execute("DELETE FROM reply_events WHERE pair_id = 'd'")
    assert changes(store, seq) == {"d"}


def test_sending_an_email_changes_no_plan(store: SqliteStore) -> None:
    """Claiming, sending and retrying a queued email leave the change numbers alone."""
    enqueue(store, outgoing("checkin:a:1", pair_id="a"), now=T0)
    seq = store.pair_change_seq()
    row = claim_next(store, now=T0)
    assert row is not None
    mark_retry(store, row.id, now=T0, retry_at=T0, error="421 busy")
    row = claim_next(store, now=T0)
    assert row is not None
    mark_sent(store, row.id, now=T0)
    assert store.pair_changes_since(seq) == (set(), seq)


def test_reads_narrowed_to_some_pairs_match_the_full_reads(
    store: SqliteStore, other: sqlite3.Connection
) -> None:
    """Histories and activity read for some pairs are exactly those pairs' part of the full
    reads; an empty set reads nothing."""
    for index, pair_id in enumerate(["a", "b", "c"]):
        enqueue(store, outgoing(f"checkin:{pair_id}:1", pair_id=pair_id), now=T0)
        meet(store, pair_id, met_on=date(2026, 11, 10 + index))
    for kind in ("not_met", "skip", "pause"):
        other.execute(
            "INSERT INTO reply_events (pair_id, kind, at) VALUES ('b', ?, ?)",
            (kind, T0.isoformat()),
        )
    now = T0 + timedelta(days=1)
    histories, activity = store.pair_histories(), store.activity(now=now)
    some = {"b", "c", "nobody"}
    assert store.pair_histories(only=some) == {k: histories[k] for k in ("b", "c")}
    assert store.activity(now=now, only=some) == {k: activity[k] for k in ("b", "c")}
    assert store.pair_histories(only=set()) == {}
    assert store.activity(now=now, only=[]) == {}


@pytest.mark.parametrize(
    "query",
    [
        queries._LAST_MEETINGS,
        queries._PERIOD_EMAILS,
        queries._LAST_SKIPS,
        queries._REPLY_STATUSES,
        queries._RECENT_MEETINGS,
        queries._LAST_NOT_MET,
        queries._LAST_UNCLEAR,
    ],
)
def test_narrowed_reads_find_pairs_through_an_index(
    store: SqliteStore, query: queries._Filtered
) -> None:
    """Every narrowed query searches its tables by pair id instead of scanning them."""
    explain = f"EXPLAIN QUERY PLAN {query.some}"
    params = {"only": "[]", "since": "", "until": "", "last_period": "", "asks_nothing": "[]"}
    plan = [row[3] for row in store._db.execute(explain, params)]
    tables = ("outbox", "meetings", "reply_events", "inbound")
    assert not [step for step in plan if step.startswith("SCAN") and step.split()[1] in tables]
    assert any("(pair_id=?" in step for step in plan)


def test_a_schema_4_database_is_migrated_to_5_and_tracks_changes(db_path: Path) -> None:
    """A schema-4 file keeps its rows, starts at change number 0 and tracks the next write."""
    with sqlite3.connect(db_path) as raw:
        for migration in _MIGRATIONS[:4]:
            for statement in migration:
                raw.execute(statement)
        raw.execute("PRAGMA user_version = 4")
        raw.execute(
            "INSERT INTO meetings (pair_id, met_on, reported_by, created_at) "
            "VALUES ('a', '2026-11-20', 'ana@example.org', ?)",
            (T0.isoformat(),),
        )
    raw.close()
    with SqliteStore.open(db_path) as store:
        assert store.schema_version == 16
        assert store.pair_histories()["a"].last_meeting == date(2026, 11, 20)
        assert store.pair_changes_since(0) == (set(), 0)
        meet(store, "b")
        assert changes(store, 0) == {"b"}
