"""Retention of email texts: the store clears the text of settled emails, the bytes of received
messages and the words of reviewed replies once they are old, and the daemon does it hourly in
bounded batches."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from reminder_service import retention
from reminder_service.core.model import Outgoing
from reminder_service.core.replies.verdict import Outcome, Reason, Verdict
from reminder_service.program import parse_program
from reminder_service.retention import Retention
from reminder_service.store import InboundRow, OutboxState, SqliteStore
from reminder_service.store.inbox import _inbound_row
from tests.integration.test_daemon import running
from tests.support.loop import FakeClock, Harness, program_text
from tests.support.outbox_steps import (
    claim_next,
    enqueue,
    mark_failed,
    mark_sent,
    mark_unknown,
)

T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
DAY = timedelta(days=1)
KEEP = 90 * DAY
TEXT = b"Subject: How is it going?\r\n\r\nHello\r\n"


def outgoing(key: str) -> Outgoing:
    """A small queued email whose Message-ID follows its key."""
    return Outgoing(
        key=key,
        pair_id="ana-ben",
        kind="checkin",
        period=date(2026, 11, 25),
        message_id=f"<{key}@reminders.example.org>",
        sender="reminders@example.org",
        recipients=("ana@example.org", "ben@example.org"),
        message=TEXT,
    )


def settled(store: SqliteStore, key: str, state: OutboxState, *, at: datetime) -> None:
    """Queue an email, claim it and settle it in `state` at `at`."""
    assert enqueue(store, outgoing(key), now=at)
    row = claim_next(store, now=at)
    assert row is not None
    if state is OutboxState.SENT:
        mark_sent(store, row.id, now=at)
    elif state is OutboxState.FAILED:
        mark_failed(store, row.id, now=at, error="550 no such user")
    else:
        mark_unknown(store, row.id, now=at, error="connection lost")


def texts(store: SqliteStore) -> dict[str, bytes]:
    """Each outbox row's message, by key."""
    return {row.key: row.message for row in store.outbox()}


def test_settled_texts_are_cleared_after_the_period_and_not_before(store: SqliteStore) -> None:
    """A sent, failed or unknown email keeps its text until it is older than the period,
    then loses only the text: its key, Message-ID, state, recipients and error stay."""
    for state in (OutboxState.SENT, OutboxState.FAILED, OutboxState.UNKNOWN):
        settled(store, f"{state}", state, at=T0)
    now = T0 + KEEP
    assert store.clear_old_messages(settled_before=now - KEEP, limit=10, now=now) == 0
    assert set(texts(store).values()) == {TEXT}
    later = now + timedelta(seconds=1)
    assert store.clear_old_messages(settled_before=later - KEEP, limit=10, now=later) == 3
    rows = {row.key: row for row in store.outbox()}
    assert {key: row.message for key, row in rows.items()} == dict.fromkeys(rows, b"")
    assert {row.message_cleared_at for row in rows.values()} == {later}
    failed = rows["failed"]
    assert (failed.state, failed.message_id, failed.last_error, failed.recipients) == (
        OutboxState.FAILED,
        "<failed@reminders.example.org>",
        "550 no such user",
        ("ana@example.org", "ben@example.org"),
    )
    assert store.sent_ref("<sent@reminders.example.org>") is not None
    assert store.keys_present(["sent"]) == {"sent"}


def test_pending_and_sending_texts_are_never_cleared(store: SqliteStore) -> None:
    """An email still waiting or being handed to the mail server keeps its text, however
    old: it is still to be sent."""
    assert enqueue(store, outgoing("pending"), now=T0)
    assert enqueue(store, outgoing("sending"), now=T0 + timedelta(seconds=1))
    store.claim_and_settle([store.outbox()[1].id], (), now=T0)
    now = T0 + 10 * KEEP
    assert store.clear_old_messages(settled_before=now - KEEP, limit=10, now=now) == 0
    assert texts(store) == {"pending": TEXT, "sending": TEXT}


def test_clearing_takes_the_oldest_first_a_bounded_batch_at_a_time(store: SqliteStore) -> None:
    """Each call clears at most `limit` texts, the longest-settled first, and a text once
    cleared is not counted again."""
    for day in range(5):
        settled(store, f"day{day}", OutboxState.SENT, at=T0 + day * DAY)
    now = T0 + KEEP + 10 * DAY
    assert store.clear_old_messages(settled_before=now - KEEP, limit=2, now=now) == 2
    assert [key for key, text in texts(store).items() if not text] == ["day0", "day1"]
    assert store.clear_old_messages(settled_before=now - KEEP, limit=2, now=now) == 2
    assert store.clear_old_messages(settled_before=now - KEEP, limit=2, now=now) == 1
    assert store.clear_old_messages(settled_before=now - KEEP, limit=2, now=now) == 0


def test_clearing_searches_an_index_of_the_texts_still_kept(store: SqliteStore) -> None:
    """Finding the texts to clear reads an index of the settled rows whose text is kept,
    never the whole outbox."""
    settled(store, "old", OutboxState.SENT, at=T0)
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    now = T0 + 2 * KEEP
    assert store.clear_old_messages(settled_before=now - KEEP, limit=10, now=now) == 1
    store._db.set_trace_callback(None)
    [clearing] = [statement for statement in statements if statement.lstrip().startswith("UPDATE")]
    plans = [detail for *_, detail in store._db.execute(f"EXPLAIN QUERY PLAN {clearing}")]
    assert "SEARCH outbox USING COVERING INDEX outbox_settled_messages (updated_at<?)" in plans
    assert not [plan for plan in plans if plan.startswith("SCAN")]


def received(store: SqliteStore, uid: int, *, at: datetime) -> int:
    """Record, at `at`, an unclear reply kept for review with its bytes; returns its id."""
    verdict = Verdict(
        outcome=Outcome.UNCLEAR,
        pair_id="ana-ben",
        sender_role="mentee",
        reason=Reason.NOT_UNDERSTOOD,
        text="Ben told me about his health.",
        sender="ben@example.org",
        message_id=f"<r{uid}@example.org>",
        subject="Private",
    )
    raw = f"Message-ID: <r{uid}@example.org>\r\n\r\n{verdict.text}\r\n".encode()
    recorded = store.record_inbound(
        folder="INBOX", uidvalidity=1, uid=uid, raw=raw, verdict=verdict, now=at, keep_text=False
    )
    return recorded.inbound_id


def inbound(store: SqliteStore) -> dict[int, InboundRow]:
    """Every inbound row, by id."""
    rows = store._db.execute("SELECT * FROM inbound").fetchall()
    return {row["id"]: _inbound_row(row) for row in rows}


def test_received_bytes_are_cleared_after_the_period_and_not_before(store: SqliteStore) -> None:
    """A received message's bytes stay until it is older than the period, then only they go:
    its words, sender, outcome and reason stay while it waits for review."""
    old = received(store, 1, at=T0)
    recent = received(store, 2, at=T0 + DAY)
    now = T0 + KEEP
    assert store.clear_old_raw(received_before=now - KEEP, limit=10) == 0
    later = now + timedelta(seconds=1)
    assert store.clear_old_raw(received_before=later - KEEP, limit=10) == 1
    rows = inbound(store)
    assert (rows[old].raw, rows[recent].raw is not None) == (None, True)
    assert (rows[old].text, rows[old].sender, rows[old].outcome, rows[old].reason) == (
        "Ben told me about his health.",
        "ben@example.org",
        Outcome.UNCLEAR,
        Reason.NOT_UNDERSTOOD,
    )
    assert [row.id for row in store.review_queue()] == [old, recent]


def test_reviewed_words_are_cleared_a_period_after_the_review(store: SqliteStore) -> None:
    """The words and subject of a reply marked dealt with go once the review is older than
    the period; the row keeps its outcome, reason and dates, and an unreviewed reply keeps
    its words."""
    done = received(store, 1, at=T0)
    waiting = received(store, 2, at=T0)
    assert store.mark_reviewed(done, now=T0 + DAY)
    now = T0 + DAY + KEEP
    assert store.clear_reviewed_words(reviewed_before=now - KEEP, limit=10) == 0
    later = now + timedelta(seconds=1)
    assert store.clear_reviewed_words(reviewed_before=later - KEEP, limit=10) == 1
    rows = inbound(store)
    cleared = rows[done]
    assert (cleared.text, cleared.subject, json.loads(cleared.verdict_json)["text"]) == (
        None,
        None,
        None,
    )
    assert (cleared.outcome, cleared.reason, cleared.received_at, cleared.reviewed_at) == (
        Outcome.UNCLEAR,
        Reason.NOT_UNDERSTOOD,
        T0,
        T0 + DAY,
    )
    assert rows[waiting].text == "Ben told me about his health."
    assert store.clear_reviewed_words(reviewed_before=later, limit=10) == 0


@pytest.mark.parametrize(
    ("clear", "index"),
    [
        ("clear_old_raw", "USING INDEX inbound_kept_raw ("),
        ("clear_reviewed_words", "USING INDEX inbound_reviewed_words ("),
    ],
)
def test_received_clearing_searches_an_index_of_what_is_still_kept(
    store: SqliteStore, clear: str, index: str
) -> None:
    """Finding the received messages to clear reads an index of the rows still holding
    bytes or reviewed words, never the whole inbox."""
    store.mark_reviewed(received(store, 1, at=T0), now=T0)
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    before = T0 + DAY
    if clear == "clear_old_raw":
        assert store.clear_old_raw(received_before=before, limit=10) == 1
    else:
        assert store.clear_reviewed_words(reviewed_before=before, limit=10) == 1
    store._db.set_trace_callback(None)
    [clearing] = [statement for statement in statements if statement.lstrip().startswith("UPDATE")]
    plans = [detail for *_, detail in store._db.execute(f"EXPLAIN QUERY PLAN {clearing}")]
    assert [plan for plan in plans if index in plan]
    assert not [plan for plan in plans if plan.startswith("SCAN")]


def cleared_count(store: SqliteStore) -> int:
    """How many outbox rows have had their text cleared."""
    return sum(row.message_cleared_at is not None for row in store.outbox())


async def test_clearing_lets_the_event_loop_run_between_bounded_batches(
    store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    """A backlog is cleared a batch at a time, and other tasks run between batches; one log
    line says how many texts went."""
    caplog.set_level(logging.INFO, logger=retention.__name__)
    for day in range(5):
        settled(store, f"day{day}", OutboxState.SENT, at=T0 + day * DAY)
    clock = FakeClock(T0 + KEEP + 10 * DAY)
    seen: list[int] = []

    async def look() -> None:
        seen.append(cleared_count(store))

    looking = asyncio.create_task(look())
    clearing = Retention(store=store, clock=clock, keep=KEEP, batch=2)
    assert await clearing.clear_due(asyncio.Event()) == 5
    await looking
    assert seen == [2]
    assert cleared_count(store) == 5
    [logged] = [record.getMessage() for record in caplog.records]
    assert logged.startswith("cleared the text of 5 emails settled more than 90 days ago")


async def test_the_daemons_clearing_also_clears_old_received_messages(
    store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    """One pass clears, in bounded batches, the bytes of old received messages and the words
    of replies reviewed long ago, and says so in one log line."""
    caplog.set_level(logging.INFO, logger=retention.__name__)
    for uid in range(1, 4):
        store.mark_reviewed(received(store, uid, at=T0), now=T0)
    clock = FakeClock(T0 + KEEP + DAY)
    clearing = Retention(store=store, clock=clock, keep=KEEP, batch=2)
    assert await clearing.clear_due(asyncio.Event()) == 6
    assert {(row.raw, row.text) for row in inbound(store).values()} == {(None, None)}
    [logged] = [record.getMessage() for record in caplog.records]
    assert logged.startswith(
        "cleared the bytes of 3 received messages and the words of 3 replies dealt with in "
        "review, kept more than 90 days"
    )


@pytest.mark.parametrize("keep", [KEEP, None])
async def test_the_running_daemon_clears_old_texts_and_keeps_recent_ones(
    harness: Harness, keep: timedelta | None
) -> None:
    """A daemon told to keep texts 90 days clears, as it runs, the text of an email sent
    longer ago and keeps the text of the one it sends now; told to keep them for ever, it
    clears nothing."""
    program = parse_program(program_text("ana-ben"), file="test.yaml")
    first = harness.daemon(program)
    assert first.plan_once() == 1
    assert await first.send_one()
    harness.clock.advance(KEEP + DAY)
    daemon = harness.daemon(program, keep_emails=keep)
    async with running(daemon):
        await harness.server.messages_arrived(2)
    old, *recent = harness.store.outbox()
    assert old.state is OutboxState.SENT
    assert (old.message == b"") is (keep is not None)
    assert recent
    assert all(row.message for row in recent)
