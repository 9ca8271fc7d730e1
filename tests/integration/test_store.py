"""The SQLite store against real database files: migrations, outbox states, histories."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from reminder_service.core.model import Outgoing, PairHistory
from reminder_service.errors import StoreError
from reminder_service.store import OutboxRow, OutboxState, Settlement, SqliteStore
from tests.support.outbox_steps import (
    claim_next,
    enqueue,
    mark_failed,
    mark_retry,
    mark_sent,
    mark_unknown,
)

T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def outgoing(
    key: str,
    *,
    pair_id: str = "ana-ben",
    kind: str = "checkin",
    period: date = date(2026, 11, 25),
    message_id: str | None = None,
) -> Outgoing:
    """A small queued email; the Message-ID follows the key unless given."""
    return Outgoing(
        key=key,
        pair_id=pair_id,
        kind=kind,
        period=period,
        message_id=message_id or f"<{key}@reminders.example.org>",
        sender="reminders@example.org",
        recipients=("ana@example.org", "ben@example.org"),
        message=b"Subject: How is it going?\r\n\r\nHello\r\n",
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path whose parent folders do not exist yet."""
    return tmp_path / "state" / "nested" / "reminders.db"


def claimed(store: SqliteStore, key: str, *, now: datetime = T0) -> OutboxRow:
    """Queue an email and claim it, returning the row now in `sending`."""
    assert enqueue(store, outgoing(key), now=now)
    row = claim_next(store, now=now)
    assert row is not None
    assert row.key == key
    return row


def raw_state(db_path: Path, row_id: int) -> tuple[str, int]:
    """The row's state and attempts as a second, independent connection sees them."""
    other = sqlite3.connect(db_path)
    try:
        found = other.execute("SELECT state, attempts FROM outbox WHERE id = ?", (row_id,))
        state, attempts = found.fetchone()
    finally:
        other.close()
    return str(state), int(attempts)


# Opening and migrating


def test_open_creates_folders_and_migrates_an_empty_file(db_path: Path) -> None:
    """Opening a path in missing folders creates them and applies every migration."""
    with SqliteStore.open(db_path) as store:
        assert store.schema_version == 16
        assert store.outbox() == []
    assert db_path.is_file()


def test_reopening_keeps_rows_and_schema_version(db_path: Path) -> None:
    """A store reopened from the same file sees the rows and version written before."""
    with SqliteStore.open(db_path) as store:
        enqueue(store, outgoing("k1"), now=T0)
    with SqliteStore.open(db_path) as store:
        assert store.schema_version == 16
        assert [row.key for row in store.outbox()] == ["k1"]


def test_newer_schema_is_refused(db_path: Path) -> None:
    """A database migrated by a newer release is refused, naming both schema versions and
    what to do: use the newer release, or restore a backup from before it."""
    SqliteStore.open(db_path).close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("PRAGMA user_version = 17")
    raw.close()
    with pytest.raises(StoreError, match=r"newer version .*\(schema 17, this version knows 16\)"):
        SqliteStore.open(db_path)
    with pytest.raises(StoreError, match="Use that newer version of reminder-service, or restore"):
        SqliteStore.open_current(db_path)


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    """A non-SQLite file is refused with a message naming its path, and is not modified."""
    path = tmp_path / "notes.txt"
    content = b"These are my meeting notes, not a database.\n" * 100
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not a usable SQLite database") as caught:
        SqliteStore.open(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content


def test_another_programs_sqlite_database_is_refused(tmp_path: Path) -> None:
    """A SQLite file with someone else's tables is refused rather than migrated into."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    raw.close()
    with pytest.raises(StoreError, match="belongs to another program"):
        SqliteStore.open(path)
    with sqlite3.connect(path) as raw:
        tables = raw.execute("SELECT name FROM sqlite_master").fetchall()
    raw.close()
    assert tables == [("invoices",)]


def test_a_directory_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    """A path that names a folder is refused with a readable message naming it."""
    with pytest.raises(StoreError, match="Cannot open the database") as caught:
        SqliteStore.open(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_durability_pragmas_are_in_force(store: SqliteStore, db_path: Path) -> None:
    """The connection runs WAL, synchronous=FULL, foreign keys and a 5 s busy timeout."""
    connection = store._db
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert db_path.with_name(db_path.name + "-wal").exists()


# Enqueueing


def test_enqueue_is_idempotent_on_the_key(store: SqliteStore) -> None:
    """The same email queued twice makes one row; the second call reports False."""
    assert enqueue(store, outgoing("k1"), now=T0) is True
    assert enqueue(store, outgoing("k1"), now=T0 + MINUTE) is False
    assert enqueue(store, outgoing("k1", message_id="<other@x>"), now=T0) is False
    rows = store.outbox()
    assert len(rows) == 1
    assert rows[0].message_id == "<k1@reminders.example.org>"


def test_enqueued_row_round_trips_every_field(store: SqliteStore) -> None:
    """A queued row comes back pending, due at once, with its envelope and bytes intact."""
    item = outgoing("k1", period=date(2026, 12, 1))
    enqueue(store, item, now=T0)
    (row,) = store.outbox()
    assert (row.key, row.pair_id, row.kind, row.period) == ("k1", "ana-ben", "checkin", item.period)
    assert (row.message_id, row.sender, row.recipients) == (
        item.message_id,
        item.sender,
        item.recipients,
    )
    assert row.message == item.message
    assert (row.state, row.attempts, row.last_error, row.sent_at) == (
        OutboxState.PENDING,
        0,
        None,
        None,
    )
    assert row.next_attempt_at == row.created_at == row.updated_at == T0


def test_a_message_id_reused_under_another_key_is_an_error(store: SqliteStore) -> None:
    """Two keys with one Message-ID is a bug, reported rather than silently dropped."""
    enqueue(store, outgoing("k1", message_id="<same@x>"), now=T0)
    with pytest.raises(StoreError):
        enqueue(store, outgoing("k2", message_id="<same@x>"), now=T0)
    assert [row.key for row in store.outbox()] == ["k1"]


def test_times_in_other_zones_are_stored_and_returned_in_utc(store: SqliteStore) -> None:
    """An aware time in any zone is returned as the same instant, in UTC."""
    local = datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    enqueue(store, outgoing("k1"), now=local)
    (row,) = store.outbox()
    assert row.created_at == T0
    assert row.created_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "call",
    [
        lambda s, naive: enqueue(s, outgoing("k1"), now=naive),
        lambda s, naive: claim_next(s, now=naive),
        lambda s, naive: s.recover_interrupted(now=naive),
        lambda s, naive: s.add_meeting(
            pair_id="p",
            met_on=date(2026, 1, 1),
            duration_minutes=None,
            reported_by="ana@example.org",
            source_message_id=None,
            now=naive,
        ),
    ],
    ids=["enqueue", "claim_next", "recover_interrupted", "add_meeting"],
)
def test_naive_datetimes_are_rejected(
    store: SqliteStore, call: Callable[[SqliteStore, datetime], object]
) -> None:
    """A datetime without a time zone raises ValueError and writes nothing."""
    with pytest.raises(ValueError, match="aware"):
        call(store, datetime(2026, 11, 25, 9, 30))  # noqa: DTZ001
    assert store.outbox() == []
    assert store.pair_histories() == {}


def test_naive_retry_time_is_rejected(store: SqliteStore) -> None:
    """A naive retry time raises ValueError and leaves the row in sending."""
    row = claimed(store, "k1")
    naive = datetime(2026, 11, 25, 10, 0)  # noqa: DTZ001
    with pytest.raises(ValueError, match="aware"):
        mark_retry(store, row.id, now=T0, retry_at=naive, error="421 busy")
    assert store.outbox()[0].state is OutboxState.SENDING


# Claiming


def test_claim_takes_due_rows_in_order_and_skips_future_ones(store: SqliteStore) -> None:
    """Claims go to due pending rows, earliest due first; a row not yet due is left."""
    enqueue(store, outgoing("later"), now=T0 + 10 * MINUTE)
    enqueue(store, outgoing("second"), now=T0 + MINUTE)
    enqueue(store, outgoing("first"), now=T0)
    now = T0 + 5 * MINUTE
    first = claim_next(store, now=now)
    second = claim_next(store, now=now)
    assert (first and first.key, second and second.key) == ("first", "second")
    assert claim_next(store, now=now) is None
    last = claim_next(store, now=T0 + 10 * MINUTE)
    assert last is not None
    assert last.key == "later"


def test_claim_commits_sending_before_returning(store: SqliteStore, db_path: Path) -> None:
    """Another connection already sees the claimed row as sending, attempt 1."""
    row = claimed(store, "k1")
    assert (row.state, row.attempts) == (OutboxState.SENDING, 1)
    assert raw_state(db_path, row.id) == ("sending", 1)


def test_claim_and_settle_records_claims_and_outcomes_in_one_go(
    store: SqliteStore, db_path: Path
) -> None:
    """New claims and finished sends are recorded together, all visible to others at once."""
    sent, failed = claimed(store, "sent"), claimed(store, "failed")
    for key in ("next-1", "next-2", "next-3"):
        enqueue(store, outgoing(key), now=T0)
    due = store.due_rows(now=T0 + MINUTE, limit=2)
    assert [row.key for row in due] == ["next-1", "next-2"]
    store.claim_and_settle(
        [row.id for row in due],
        [Settlement.sent(sent.id), Settlement.failed(failed.id, "550 no such user")],
        now=T0 + MINUTE,
    )
    assert raw_state(db_path, sent.id) == ("sent", 1)
    assert raw_state(db_path, failed.id) == ("failed", 1)
    assert [raw_state(db_path, row.id) for row in due] == [("sending", 1)] * 2
    assert store.counts_by_state()[OutboxState.PENDING] == 1


def test_due_rows_claim_nothing_and_leave_out_the_rows_asked_to_skip(store: SqliteStore) -> None:
    """Reading due rows changes no state; skipped ids make room for the next ones."""
    for key in ("k1", "k2", "k3"):
        enqueue(store, outgoing(key), now=T0)
    first = store.due_rows(now=T0, limit=2)
    assert [row.state for row in first] == [OutboxState.PENDING] * 2
    later = store.due_rows(now=T0, limit=2, skip={row.id for row in first})
    assert [row.key for row in later] == ["k3"]
    assert store.due_rows(now=T0 - MINUTE, limit=5) == []


def test_a_claim_and_an_outcome_of_the_same_row_apply_in_that_order(
    store: SqliteStore, db_path: Path
) -> None:
    """A send that failed before its claim was committed records both its attempt and its end."""
    enqueue(store, outgoing("k1"), now=T0)
    (row,) = store.due_rows(now=T0, limit=1)
    retry_at = T0 + 15 * MINUTE
    store.claim_and_settle([row.id], [Settlement.retry(row.id, retry_at, "451 later")], now=T0)
    assert raw_state(db_path, row.id) == ("pending", 1)
    assert store.next_attempt_at() == retry_at


def test_settling_a_row_that_is_not_sending_records_the_rest_and_says_which(
    store: SqliteStore,
) -> None:
    """A settlement for a row not in `sending` raises, naming it; the valid ones still count."""
    row = claimed(store, "k1")
    enqueue(store, outgoing("k2"), now=T0)
    with pytest.raises(StoreError, match=r"Outbox row 999 does not exist"):
        store.claim_and_settle((), [Settlement.sent(row.id), Settlement.sent(999)], now=T0 + MINUTE)
    states = {item.key: item.state for item in store.outbox()}
    assert states == {"k1": OutboxState.SENT, "k2": OutboxState.PENDING}


def test_claiming_a_row_that_is_not_pending_raises_and_names_it(store: SqliteStore) -> None:
    """A second claim of the same row is refused: a row is never handed out twice."""
    row = claimed(store, "k1")
    with pytest.raises(
        StoreError, match=rf"Outbox row {row.id} is sending, not pending; it cannot be claimed"
    ):
        store.claim_and_settle([row.id], (), now=T0 + MINUTE)


def test_a_retried_row_waits_for_its_retry_time(store: SqliteStore) -> None:
    """After a retry the row is not claimed before retry_at, and is claimed from then on."""
    row = claimed(store, "k1")
    retry_at = T0 + 15 * MINUTE
    mark_retry(store, row.id, now=T0 + MINUTE, retry_at=retry_at, error="451 try later")
    assert store.next_attempt_at() == retry_at
    assert claim_next(store, now=retry_at - MINUTE) is None
    again = claim_next(store, now=retry_at)
    assert again is not None
    assert (again.id, again.attempts, again.last_error) == (row.id, 2, "451 try later")


def test_the_first_temporary_failure_is_kept_through_later_ones(store: SqliteStore) -> None:
    """A row's first temporary failure is recorded once, and later retries leave it."""
    row = claimed(store, "k1")
    mark_retry(store, row.id, now=T0 + MINUTE, retry_at=T0 + 2 * MINUTE, error="451")
    again = claim_next(store, now=T0 + 2 * MINUTE)
    assert again is not None
    mark_retry(store, again.id, now=T0 + 3 * MINUTE, retry_at=T0 + 9 * MINUTE, error="451")
    [stored] = store.outbox()
    assert stored.first_failed_at == T0 + MINUTE


def test_upgrading_dates_the_first_failure_of_waiting_emails_from_their_queueing(
    db_path: Path,
) -> None:
    """Opening a schema-15 file counts a waiting email that failed before from when it was
    queued, and one never tried not at all."""
    with SqliteStore.open(db_path) as store:
        row = claimed(store, "tried")
        mark_retry(store, row.id, now=T0 + MINUTE, retry_at=T0 + 2 * MINUTE, error="451")
        assert enqueue(store, outgoing("untried"), now=T0 + MINUTE)
    with sqlite3.connect(db_path) as raw:
        raw.execute("ALTER TABLE outbox DROP COLUMN first_failed_at")
        raw.execute("PRAGMA user_version = 15")
    raw.close()
    with SqliteStore.open(db_path) as store:
        firsts = {row.key: row.first_failed_at for row in store.outbox()}
    assert firsts == {"tried": T0, "untried": None}


def test_tried_since_reads_only_an_index_of_the_rows_tried(store: SqliteStore) -> None:
    """The start-up read of recent sends searches an index of the rows tried, never the
    whole outbox, and finds the rows tried since the instant asked about."""
    claimed(store, "old", now=T0 - 5 * MINUTE)
    claimed(store, "new", now=T0)
    enqueue(store, outgoing("waiting"), now=T0)
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    assert store.tried_since(T0 - MINUTE) == [T0]
    store._db.set_trace_callback(None)
    plans = [
        detail
        for statement in statements
        for *_, detail in store._db.execute(f"EXPLAIN QUERY PLAN {statement}")
    ]
    assert plans == ["SEARCH outbox USING COVERING INDEX outbox_tried_updated (updated_at>?)"]


def test_next_attempt_at_looks_only_at_pending_rows(store: SqliteStore) -> None:
    """The earliest due time ignores rows being sent, and is None with nothing pending."""
    assert store.next_attempt_at() is None
    claimed(store, "k1", now=T0)
    assert store.next_attempt_at() is None
    enqueue(store, outgoing("k2"), now=T0 + 3 * MINUTE)
    enqueue(store, outgoing("k3"), now=T0 + 2 * MINUTE)
    assert store.next_attempt_at() == T0 + 2 * MINUTE


# Finishing a send


def test_mark_sent_records_the_time(store: SqliteStore) -> None:
    """A sent row records when it was accepted and is never claimed again."""
    row = claimed(store, "k1")
    mark_sent(store, row.id, now=T0 + MINUTE)
    (done,) = store.outbox()
    assert (done.state, done.sent_at, done.updated_at) == (
        OutboxState.SENT,
        T0 + MINUTE,
        T0 + MINUTE,
    )
    assert claim_next(store, now=T0 + 1000 * MINUTE) is None


@pytest.mark.parametrize(
    ("finish", "state"),
    [
        (mark_failed, OutboxState.FAILED),
        (mark_unknown, OutboxState.UNKNOWN),
    ],
)
def test_final_failures_record_the_error_and_stop(
    store: SqliteStore,
    finish: Callable[..., None],
    state: OutboxState,
) -> None:
    """Failed and unknown rows keep their error, have no sent time, and are never claimed."""
    row = claimed(store, "k1")
    finish(store, row.id, now=T0 + MINUTE, error="550 no such user")
    (done,) = store.outbox()
    assert (done.state, done.last_error, done.sent_at) == (state, "550 no such user", None)
    assert claim_next(store, now=T0 + 1000 * MINUTE) is None


FINISHERS: list[Callable[[SqliteStore, int], None]] = [
    lambda s, row_id: mark_sent(s, row_id, now=T0),
    lambda s, row_id: mark_retry(s, row_id, now=T0, retry_at=T0, error="e"),
    lambda s, row_id: mark_failed(s, row_id, now=T0, error="e"),
    lambda s, row_id: mark_unknown(s, row_id, now=T0, error="e"),
]
FINISHER_IDS = ["sent", "retry", "failed", "unknown"]


@pytest.mark.parametrize("finish", FINISHERS, ids=FINISHER_IDS)
def test_finishing_a_pending_row_is_refused(
    store: SqliteStore, finish: Callable[[SqliteStore, int], None]
) -> None:
    """Only a row in sending can be finished; a pending one raises and stays pending."""
    enqueue(store, outgoing("k1"), now=T0)
    (row,) = store.outbox()
    with pytest.raises(StoreError, match="is pending, not sending"):
        finish(store, row.id)
    assert store.outbox()[0].state is OutboxState.PENDING


@pytest.mark.parametrize("finish", FINISHERS, ids=FINISHER_IDS)
def test_finishing_twice_is_refused(
    store: SqliteStore, finish: Callable[[SqliteStore, int], None]
) -> None:
    """A row already marked sent cannot be finished again, whatever the outcome."""
    row = claimed(store, "k1")
    mark_sent(store, row.id, now=T0)
    with pytest.raises(StoreError, match="is sent, not sending"):
        finish(store, row.id)
    assert store.outbox()[0].state is OutboxState.SENT


def test_finishing_a_missing_row_is_refused(store: SqliteStore) -> None:
    """Finishing an id that was never queued raises."""
    with pytest.raises(StoreError, match="does not exist"):
        mark_sent(store, 42, now=T0)


# Start-up recovery


def test_recover_turns_interrupted_sends_into_unknown(db_path: Path) -> None:
    """Rows left in sending by a stopped run become unknown, explained, and never resent."""
    with SqliteStore.open(db_path) as store:
        interrupted = claimed(store, "k1")
        enqueue(store, outgoing("k2"), now=T0)
    with SqliteStore.open(db_path) as store:
        recovered = store.recover_interrupted(now=T0 + MINUTE)
        assert [row.id for row in recovered] == [interrupted.id]
        assert recovered[0].state is OutboxState.UNKNOWN
        assert recovered[0].updated_at == T0 + MINUTE
        assert "may or may not have been delivered" in (recovered[0].last_error or "")
        assert store.recover_interrupted(now=T0 + MINUTE) == []
        other = claim_next(store, now=T0 + 1000 * MINUTE)
        assert other is not None
        assert other.key == "k2"
        assert claim_next(store, now=T0 + 1000 * MINUTE) is None


# Queries


def test_outbox_filters_by_state_in_id_order(store: SqliteStore) -> None:
    """The outbox lists only the requested states, oldest row first."""
    for key in ("k1", "k2", "k3"):
        enqueue(store, outgoing(key), now=T0)
    first = claim_next(store, now=T0)
    assert first is not None
    mark_failed(store, first.id, now=T0, error="550")
    pending = store.outbox(states=[OutboxState.PENDING])
    assert [row.key for row in pending] == ["k2", "k3"]
    both = store.outbox(states={OutboxState.FAILED, OutboxState.PENDING})
    assert [row.key for row in both] == ["k1", "k2", "k3"]
    assert store.outbox(states=[]) == []


def test_counts_by_state_lists_every_state(store: SqliteStore) -> None:
    """Counts cover all five states, zero where no row is in one."""
    claimed(store, "k1")
    enqueue(store, outgoing("k2"), now=T0)
    assert store.counts_by_state() == {
        OutboxState.PENDING: 1,
        OutboxState.SENDING: 1,
        OutboxState.SENT: 0,
        OutboxState.FAILED: 0,
        OutboxState.UNKNOWN: 0,
    }


@pytest.mark.parametrize("state", list(OutboxState))
def test_checkins_in_any_state_count_for_history(store: SqliteStore, state: OutboxState) -> None:
    """The latest check-in period counts whatever became of it, as asked unless it failed
    (it reached nobody), and as pending while it is; other kinds do not count; the last one
    not failed gives the instant it was sent (queued, while not sent)."""
    enqueue(store, outgoing("c1", period=date(2026, 3, 1)), now=T0)
    enqueue(store, outgoing("n1", kind="nudge", period=date(2026, 4, 1)), now=T0)
    enqueue(store, outgoing("c2", period=date(2026, 3, 15)), now=T0 + MINUTE)
    first = claim_next(store, now=T0)
    assert first is not None
    mark_sent(store, first.id, now=T0)
    latest = store.outbox()[-1]
    if state is not OutboxState.PENDING:
        assert claim_next(store, now=T0 + MINUTE) is not None  # the nudge, due first
        assert claim_next(store, now=T0 + MINUTE) == replace(
            latest, state=OutboxState.SENDING, attempts=1, updated_at=T0 + MINUTE
        )
    finishers: dict[OutboxState, Callable[[], None]] = {
        OutboxState.SENT: lambda: mark_sent(store, latest.id, now=T0),
        OutboxState.FAILED: lambda: mark_failed(store, latest.id, now=T0, error="550"),
        OutboxState.UNKNOWN: lambda: mark_unknown(store, latest.id, now=T0, error="lost"),
    }
    finishers.get(state, lambda: None)()
    assert store.outbox()[-1].state is state
    failed = state is OutboxState.FAILED
    asked = (date(2026, 3, 1),) if failed else (date(2026, 3, 1), date(2026, 3, 15))
    sent_at = T0 if state in (OutboxState.SENT, OutboxState.FAILED) else T0 + MINUTE
    pending = (date(2026, 3, 15),) if state is OutboxState.PENDING else ()
    assert store.pair_histories() == {
        "ana-ben": PairHistory(
            last_checkin=date(2026, 3, 15), asked=asked, last_sent_at=sent_at, pending=pending
        )
    }


def _queue_in_state(store: SqliteStore, item: Outgoing, state: OutboxState) -> None:
    """Queue `item` and take it to `state` the way the sender would."""
    assert enqueue(store, item, now=T0)
    if state is OutboxState.PENDING:
        return
    row = claim_next(store, now=T0)
    assert row is not None
    finishers: dict[OutboxState, Callable[[], None]] = {
        OutboxState.SENT: lambda: mark_sent(store, row.id, now=T0),
        OutboxState.FAILED: lambda: mark_failed(store, row.id, now=T0, error="550"),
        OutboxState.UNKNOWN: lambda: mark_unknown(store, row.id, now=T0, error="lost"),
    }
    finishers.get(state, lambda: None)()


def _pending_last(email: tuple[int, tuple[date, OutboxState]]) -> bool:
    """Sort key queueing pending emails last, so the sender's claims take only the others."""
    return email[1][1] is OutboxState.PENDING


@settings(max_examples=25, deadline=None)
@given(states=st.lists(st.sampled_from(list(OutboxState)), min_size=1, max_size=5))
def test_asked_lists_exactly_the_period_emails_that_did_not_fail(
    states: list[OutboxState],
) -> None:
    """Whatever became of a pair's period emails, `asked` holds those not failed, in order."""
    periods = [date(2026, 3, 1) + timedelta(weeks=week) for week in range(len(states))]
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore.open(Path(folder) / "reminders.db")
        try:
            emails = sorted(enumerate(zip(periods, states, strict=True)), key=_pending_last)
            for index, (period, state) in emails:
                _queue_in_state(store, outgoing(f"c{index}", period=period), state)
            history = store.pair_histories()["ana-ben"]
        finally:
            store.close()
    kept = zip(periods, states, strict=True)
    assert history.asked == tuple(p for p, state in kept if state is not OutboxState.FAILED)
    assert history.last_checkin == periods[-1]


def test_a_checkin_answered_by_a_meeting_reported_after_it_is_not_counted_as_asked(
    store: SqliteStore,
) -> None:
    """A check-in is answered by a meeting logged after it, even one that happened a few
    days before it (the usual reply); only check-ins queued after that count as asked."""
    enqueue(store, outgoing("c1", period=date(2026, 11, 25)), now=T0)
    store.add_meeting(
        pair_id="ana-ben",
        met_on=date(2026, 11, 23),
        duration_minutes=45,
        reported_by="ben@example.org",
        source_message_id=None,
        now=T0 + timedelta(days=1),
    )
    assert store.pair_histories()["ana-ben"].asked == ()
    enqueue(store, outgoing("c2", period=date(2026, 12, 2)), now=T0 + timedelta(days=7))
    assert store.pair_histories()["ana-ben"] == PairHistory(
        last_meeting=date(2026, 11, 23),
        last_checkin=date(2026, 12, 2),
        asked=(date(2026, 12, 2),),
        last_sent_at=T0 + timedelta(days=7),
        pending=(date(2026, 12, 2),),
    )


def test_a_meeting_answers_the_latest_checkin_that_did_not_fail(store: SqliteStore) -> None:
    """A meeting reported after a sent check-in and a withdrawn one answers the sent one."""
    _queue_in_state(store, outgoing("c1", period=date(2026, 11, 25)), OutboxState.SENT)
    _queue_in_state(store, outgoing("c2", period=date(2026, 12, 2)), OutboxState.FAILED)
    store.add_meeting(
        pair_id="ana-ben",
        met_on=date(2026, 11, 23),
        duration_minutes=45,
        reported_by="ben@example.org",
        source_message_id=None,
        now=T0 + timedelta(days=8),
    )
    assert store.pair_histories()["ana-ben"].asked == ()


def test_meetings_feed_last_meeting_by_date_met(store: SqliteStore) -> None:
    """The last meeting is the latest date met, not the latest logged, per pair."""
    for pair_id, met_on in (
        ("ana-ben", date(2026, 3, 10)),
        ("ana-ben", date(2026, 3, 2)),
        ("cy-dee", date(2026, 2, 1)),
    ):
        store.add_meeting(
            pair_id=pair_id,
            met_on=met_on,
            duration_minutes=45,
            reported_by="ana@example.org",
            source_message_id=None,
            now=T0,
        )
    enqueue(store, outgoing("c1", period=date(2026, 3, 1)), now=T0)
    assert store.pair_histories() == {
        "ana-ben": PairHistory(
            last_meeting=date(2026, 3, 10), last_checkin=date(2026, 3, 1), last_sent_at=T0
        ),
        "cy-dee": PairHistory(last_meeting=date(2026, 2, 1)),
    }


def test_add_meeting_returns_new_ids_and_rejects_bad_durations(store: SqliteStore) -> None:
    """Each meeting gets its own id; a zero-minute duration is refused."""
    first = store.add_meeting(
        pair_id="p",
        met_on=date(2026, 3, 1),
        duration_minutes=None,
        reported_by="ana@example.org",
        source_message_id="<r1@mail.example.org>",
        now=T0,
    )
    second = store.add_meeting(
        pair_id="p",
        met_on=date(2026, 3, 2),
        duration_minutes=30,
        reported_by="ben@example.org",
        source_message_id=None,
        now=T0,
    )
    assert second > first
    with pytest.raises(StoreError):
        store.add_meeting(
            pair_id="p",
            met_on=date(2026, 3, 9),
            duration_minutes=0,
            reported_by="ben@example.org",
            source_message_id=None,
            now=T0,
        )
    assert store.pair_histories()["p"].last_meeting == date(2026, 3, 2)


def test_last_message_id_is_the_newest_of_that_kind(store: SqliteStore) -> None:
    """The Message-ID for References is the pair's newest queued email of that kind."""
    assert store.last_message_id("ana-ben", kind="checkin") is None
    enqueue(store, outgoing("c1", period=date(2026, 3, 1)), now=T0)
    enqueue(store, outgoing("c2", period=date(2026, 4, 1)), now=T0)
    enqueue(store, outgoing("n1", kind="nudge"), now=T0)
    enqueue(store, outgoing("x1", pair_id="cy-dee"), now=T0)
    assert store.last_message_id("ana-ben", kind="checkin") == "<c2@reminders.example.org>"
    assert store.last_message_id("ana-ben", kind="nudge") == "<n1@reminders.example.org>"


# Random sequences


class OutboxMachine(RuleBasedStateMachine):
    """Random enqueue/claim/finish/restart sequences checked against a simple model."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "reminders.db"
        self.store = SqliteStore.open(self.path)
        self.now = T0
        self.states: dict[int, OutboxState] = {}
        self.due: dict[int, datetime] = {}
        self.keys: dict[str, int] = {}
        self.serial = 0

    def teardown(self) -> None:
        """Close the database and delete its folder."""
        self.store.close()
        self.folder.cleanup()

    @rule(minutes=st.integers(min_value=0, max_value=90))
    def advance(self, minutes: int) -> None:
        """Time passes."""
        self.now += minutes * MINUTE

    @rule(key=st.sampled_from(["a", "b", "c", "d", "e", "f"]))
    def enqueue(self, key: str) -> None:
        """Queue an email under a key that may already be used, with a fresh Message-ID."""
        self.serial += 1
        item = outgoing(key, message_id=f"<{self.serial}@test>")
        assert enqueue(self.store, item, now=self.now) is (key not in self.keys)
        if key not in self.keys:
            row_id = max(self.states, default=0) + 1
            self.keys[key] = row_id
            self.states[row_id] = OutboxState.PENDING
            self.due[row_id] = self.now

    @rule()
    def claim(self) -> None:
        """A claim takes the earliest due pending row, or nothing when none is due."""
        due = [
            (at, row_id)
            for row_id, at in self.due.items()
            if self.states[row_id] is OutboxState.PENDING and at <= self.now
        ]
        row = claim_next(self.store, now=self.now)
        if not due:
            assert row is None
            return
        assert row is not None
        assert self.states[row.id] is OutboxState.PENDING
        assert (row.next_attempt_at, row.id) == min(due)
        self.states[row.id] = OutboxState.SENDING

    @precondition(lambda self: bool(self.states))
    @rule(
        data=st.data(),
        outcome=st.sampled_from(["sent", "retry", "failed", "unknown"]),
        delay=st.integers(min_value=0, max_value=60),
    )
    def finish(self, data: st.DataObject, outcome: str, delay: int) -> None:
        """Finishing works only on a row in sending; on any other row it raises."""
        row_id = data.draw(st.sampled_from(sorted(self.states)))
        if self.states[row_id] is not OutboxState.SENDING:
            with pytest.raises(StoreError):
                mark_sent(self.store, row_id, now=self.now)
            return
        retry_at = self.now + delay * MINUTE
        if outcome == "sent":
            mark_sent(self.store, row_id, now=self.now)
        elif outcome == "retry":
            mark_retry(self.store, row_id, now=self.now, retry_at=retry_at, error="451")
            self.due[row_id] = retry_at
        elif outcome == "failed":
            mark_failed(self.store, row_id, now=self.now, error="550")
        else:
            mark_unknown(self.store, row_id, now=self.now, error="lost")
        self.states[row_id] = OutboxState(outcome.replace("retry", "pending"))

    @rule()
    def restart(self) -> None:
        """After a restart, exactly the rows that were sending are recovered as unknown."""
        self.store.close()
        self.store = SqliteStore.open(self.path)
        recovered = self.store.recover_interrupted(now=self.now)
        sending = [i for i, state in self.states.items() if state is OutboxState.SENDING]
        assert [row.id for row in recovered] == sending
        for row_id in sending:
            self.states[row_id] = OutboxState.UNKNOWN

    @invariant()
    def store_matches_model(self) -> None:
        """Every key has one row, in the state the model expects."""
        rows = self.store.outbox()
        assert len({row.key for row in rows}) == len(rows)
        assert {row.key: row.id for row in rows} == self.keys
        assert {row.id: row.state for row in rows} == self.states


TestOutboxSequences = OutboxMachine.TestCase
TestOutboxSequences.settings = settings(max_examples=100, stateful_step_count=25)


def test_read_only_open_reads_and_refuses_writes(tmp_path: Path) -> None:
    """A read-only store sees the data, cannot change it, and a missing file is not created."""
    path = tmp_path / "r.sqlite3"
    with SqliteStore.open(path) as store:
        store.add_meeting(
            pair_id="ana-ben",
            met_on=date(2026, 11, 3),
            duration_minutes=45,
            reported_by="mentor",
            source_message_id=None,
            now=datetime(2026, 11, 4, tzinfo=UTC),
        )
    with SqliteStore.open_read_only(path) as reader:
        assert reader.pair_histories()["ana-ben"].last_meeting == date(2026, 11, 3)
        with pytest.raises(StoreError):
            reader.add_meeting(
                pair_id="ana-ben",
                met_on=date(2026, 11, 5),
                duration_minutes=None,
                reported_by="mentee",
                source_message_id=None,
                now=datetime(2026, 11, 6, tzinfo=UTC),
            )
    with pytest.raises(StoreError, match="There is no database"):
        SqliteStore.open_read_only(tmp_path / "missing.sqlite3")
    assert not (tmp_path / "missing.sqlite3").exists()


def test_enqueue_many_queues_a_batch_in_one_go_and_keeps_every_key_unique(
    store: SqliteStore,
) -> None:
    """A batch is queued together; a key already queued, or repeated in the batch, is refused."""
    enqueue(store, outgoing("checkin:a:1"), now=T0)
    new = store.enqueue_many(
        [outgoing("checkin:a:1"), outgoing("checkin:b:1"), outgoing("checkin:b:1")], now=T0
    )
    assert new == [False, True, False]
    assert sorted(row.key for row in store.outbox()) == ["checkin:a:1", "checkin:b:1"]


def _meet(store: SqliteStore, pair_id: str, day: int) -> int:
    return store.add_meeting(
        pair_id=pair_id,
        met_on=date(2026, 3, day),
        duration_minutes=30,
        reported_by="ana@example.org",
        source_message_id=None,
        now=T0,
    )


def test_the_meeting_log_read_one_at_a_time_counted_and_its_pairs(
    store: SqliteStore, db_path: Path
) -> None:
    """`each_meeting` gives what `meetings` gives; the pairs and the counts leave out a
    removed (disputed) meeting, as the log does."""
    for pair_id, day in (("ana-ben", 9), ("cy-dee", 2), ("ana-ben", 4), ("eve-fay", 5)):
        removed = _meet(store, pair_id, day)
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE meetings SET removed_at = ? WHERE id = ?", (T0.isoformat(), removed))
    since = date(2026, 3, 3)
    assert list(store.each_meeting()) == store.meetings()
    assert [row.met_on.day for row in store.each_meeting()] == [2, 4, 9]
    assert list(store.each_meeting(pair_id="ana-ben", since=since)) == store.meetings(
        pair_id="ana-ben", since=since
    )
    assert store.meeting_pair_ids() == {"ana-ben", "cy-dee"}
    assert (store.meeting_count(), store.meeting_count(pair_id="ana-ben")) == (3, 2)
    assert store.meeting_count(pair_id="eve-fay") == 0


def test_one_view_reads_the_database_as_it_was_at_its_first_read(
    store: SqliteStore, db_path: Path
) -> None:
    """Within `one_view`, a meeting the service commits meanwhile is not seen; after it, it is."""
    _meet(store, "ana-ben", 2)
    with SqliteStore.open_read_only(db_path) as reader:
        with reader.one_view():
            assert reader.meeting_count() == 1
            _meet(store, "ana-ben", 9)
            assert reader.meeting_count() == 1
        assert reader.meeting_count() == 2


def test_meeting_records_share_their_pairs_id_reporter_and_date(store: SqliteStore) -> None:
    """Read back, meetings with the same pair, reporter or date hold one object for it, so a
    log of a million meetings does not hold a million copies of each."""
    for pair_id in ("ana-ben", "ana-ben", "cy-dee"):
        _meet(store, pair_id, 4)
    first, second, third = store.meeting_records()
    assert first.pair_id is second.pair_id
    assert first.reported_by is second.reported_by is third.reported_by
    assert first.met_on is second.met_on is third.met_on
    assert [record.pair_id for record in (first, second, third)] == ["ana-ben", "ana-ben", "cy-dee"]
