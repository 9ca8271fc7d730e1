"""Queued emails a pair's new status no longer allows are withdrawn, never sent late.

The daemon runs against a real SQLite file and the SMTP test server; the server refuses a
check-in for a while (a 4xx), and the pair's status changes before the retry is due.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.withdraw import (
    ENDED_BY_REPLY,
    ENDED_IN_PROGRAM,
    PAUSED,
    Withdrawal,
)
from reminder_service.daemon import Daemon
from reminder_service.digest_survey import new_survey
from reminder_service.store import OutboxRow, OutboxState, SqliteStore
from reminder_service.store.outbox import QUEUED_AHEAD, SUPERSEDED, SUPERSEDED_DIGEST
from tests.integration.test_loop import (
    ANA_BEN,
    BEN,
    DANA,
    HOUR,
    WEEK,
    at,
    first_checkin,
    program,
)
from tests.integration.test_store import outgoing
from tests.support.loop import Harness
from tests.support.outbox_steps import claim_next, mark_sent
from tests.unit.strategies import make_program

GREYLISTED = "451 4.7.1 Try again later"
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
DAY = timedelta(days=1)


async def held_back_checkin(harness: Harness, daemon: Daemon) -> OutboxRow:
    """The second week's check-in, refused once by the server and waiting for its retry."""
    harness.clock.current = at("2026-03-16")
    harness.server.reply_next("MAIL", GREYLISTED)
    assert await harness.tick(daemon) == []
    [row] = [row for row in harness.store.outbox() if row.state is OutboxState.PENDING]
    return row


def row_by_key(store: SqliteStore, key: str) -> OutboxRow:
    [row] = [row for row in store.outbox() if row.key == key]
    return row


async def test_a_checkin_waiting_for_its_retry_is_withdrawn_when_the_yaml_ends_the_pair(
    harness: Harness,
) -> None:
    """A check-in still pending when the coordinator ends the pair is failed, never sent."""
    daemon, _ = await first_checkin(harness, program())
    held = await held_back_checkin(harness, daemon)
    daemon.program = program(pairs=ANA_BEN + "  status: ended\n")
    harness.clock.advance(HOUR)
    assert await harness.tick(daemon) == []
    withdrawn = row_by_key(harness.store, held.key)
    assert (withdrawn.state, withdrawn.last_error) == (OutboxState.FAILED, ENDED_IN_PROGRAM)


async def test_ending_by_reply_withdraws_the_waiting_checkin_but_sends_the_farewell(
    harness: Harness,
) -> None:
    """After an end by reply, the pair's waiting check-in is failed; its farewell still goes."""
    daemon, checkin = await first_checkin(harness, program())
    held = await held_back_checkin(harness, daemon)
    harness.clock.advance(HOUR)
    harness.answer(daemon, checkin, "We'd like to end our mentorship.", sender=BEN)
    sent = await harness.tick(daemon)
    assert sorted(mail.kind for mail in sent) == ["ended_notice", "farewell"]
    withdrawn = row_by_key(harness.store, held.key)
    assert (withdrawn.state, withdrawn.last_error) == (OutboxState.FAILED, ENDED_BY_REPLY)
    harness.clock.advance(WEEK)
    assert await harness.tick(daemon) == []


async def test_a_checkin_still_queued_when_the_next_period_is_due_is_withdrawn(
    harness: Harness,
) -> None:
    """A check-in the server kept refusing for a whole period is withdrawn when the next
    period's email is queued, and only that one goes out: the pair is not asked twice."""
    daemon, _ = await first_checkin(harness, program())
    held = await held_back_checkin(harness, daemon)
    harness.clock.advance(WEEK)
    [mail] = await harness.tick(daemon)
    assert mail.message["Message-ID"] != held.message_id
    withdrawn = row_by_key(harness.store, held.key)
    assert (withdrawn.state, withdrawn.last_error) == (OutboxState.FAILED, SUPERSEDED)


async def test_an_outage_on_our_side_does_not_climb_the_reminder_ladder(
    harness: Harness,
) -> None:
    """After three weeks in which nothing went out, the pair's first email is a first
    reminder without the coordinator in copy: the emails that never left did not count."""
    daemon, _ = await first_checkin(harness, program())
    for week in range(1, 4):
        harness.clock.current = at("2026-03-09") + week * WEEK
        daemon.plan_once()
    harness.clock.advance(HOUR)
    [mail] = await harness.tick(daemon)
    assert mail.kind == "reminder"
    assert DANA not in mail.cc
    assert "is in copy" not in mail.text


def test_superseding_leaves_the_latest_period_other_kinds_pairs_and_held_rows(
    store: SqliteStore,
) -> None:
    """Only pending period emails with a later period queued for the same pair are
    withdrawn, never one the sender holds."""
    store.enqueue_many(
        [
            outgoing("checkin:ana-ben:1", period=date(2026, 11, 1)),
            outgoing("reminder:ana-ben:2", kind="reminder", period=date(2026, 11, 8)),
            outgoing("checkin:ana-ben:3", period=date(2026, 11, 15)),
            outgoing("thanks:7", kind="thanks", period=date(2026, 11, 1)),
            outgoing("checkin:cy-dee:1", pair_id="cy-dee", period=date(2026, 11, 1)),
        ],
        now=NOW,
    )
    held = row_by_key(store, "reminder:ana-ben:2")
    withdrawn = store.withdraw_superseded(now=NOW, keep={held.id})
    assert withdrawn == [("checkin:ana-ben:1", SUPERSEDED)]
    states = {row.key: row.state for row in store.outbox()}
    assert states == {
        "checkin:ana-ben:1": OutboxState.FAILED,
        "reminder:ana-ben:2": OutboxState.PENDING,
        "checkin:ana-ben:3": OutboxState.PENDING,
        "thanks:7": OutboxState.PENDING,
        "checkin:cy-dee:1": OutboxState.PENDING,
    }


def test_a_period_queued_while_the_clock_ran_ahead_is_withdrawn_and_supersedes_nothing(
    store: SqliteStore,
) -> None:
    """An email for a period no pair has reached yet (queued while the clock was years
    ahead) is withdrawn, saying why, and does not withdraw the pair's current check-in."""
    now = datetime(2026, 11, 16, 9, tzinfo=UTC)
    store.enqueue_many(
        [outgoing("checkin:ana-ben:2031", period=date(2031, 11, 3))], now=now + 5 * 365 * DAY
    )
    store.enqueue_many([outgoing("checkin:ana-ben:now", period=date(2026, 11, 16))], now=now)
    assert store.withdraw_superseded(now=now) == [("checkin:ana-ben:2031", QUEUED_AHEAD)]
    assert [row.key for row in store.due_rows(now=now, limit=5)] == ["checkin:ana-ben:now"]


def test_a_digest_queued_while_the_clock_ran_ahead_gives_up_its_key(
    store: SqliteStore,
) -> None:
    """A digest withdrawn as queued ahead no longer counts as the latest digest, nor as
    decided, so the weekly digests go on and that day's digest is queued when it comes."""
    now = datetime(2026, 11, 16, 9, tzinfo=UTC)
    for day in (date(2026, 11, 16), date(2026, 12, 21)):
        store.enqueue_many(
            [outgoing(f"digest:{day}", pair_id="", kind="digest", period=day)], now=now
        )
    assert store.withdraw_superseded(now=now) == [("digest:2026-12-21", QUEUED_AHEAD)]
    assert store.last_key_like("digest:") == "digest:2026-11-16"
    assert store.keys_present(["digest:2026-12-21"]) == set()


async def test_the_period_of_a_checkin_queued_while_the_clock_ran_ahead_gets_its_own(
    harness: Harness,
) -> None:
    """A check-in queued during one tick with the clock five weeks ahead is withdrawn once
    the clock is right, and that week's email still goes out when the week comes."""
    harness.clock.current = at("2026-03-09")
    await harness.tick(harness.daemon(program()))
    harness.clock.current = at("2026-04-13")
    harness.daemon(program()).plan_once()
    harness.clock.current = at("2026-03-10")
    daemon = harness.daemon(program())
    await harness.tick(daemon)
    for week in range(1, 5):
        harness.clock.current = at("2026-03-09") + week * WEEK
        await harness.tick(daemon)
    harness.clock.current = at("2026-04-13")
    assert len(await harness.tick(daemon)) == 1
    assert row_by_key(harness.store, "checkin:ana-ben:2026-04-13").state is OutboxState.SENT


def test_a_digest_still_queued_when_a_later_one_is_queued_is_withdrawn(
    store: SqliteStore,
) -> None:
    """Of the weekly digests an outage held back, only the latest stays queued, and only
    when digests are asked about."""
    digests = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    store.enqueue_many(
        [outgoing(f"digest:{day}", pair_id="", kind="digest", period=day) for day in digests],
        now=NOW,
    )
    assert store.withdraw_superseded(now=NOW, digests=False) == []
    assert store.withdraw_superseded(now=NOW) == [
        ("digest:2026-11-02", SUPERSEDED_DIGEST),
        ("digest:2026-11-09", SUPERSEDED_DIGEST),
    ]


def test_superseding_looks_only_at_the_pairs_named(store: SqliteStore) -> None:
    """Given the pairs just queued for, the other pairs' stale period emails are left for the
    next full pass."""
    store.enqueue_many(
        [
            outgoing(f"checkin:{pair}:{day}", pair_id=pair, period=date(2026, 11, day))
            for pair in ("ana-ben", "cy-dee")
            for day in (2, 9)
        ],
        now=NOW,
    )
    assert store.withdraw_superseded(now=NOW, only={"cy-dee"}) == [("checkin:cy-dee:2", SUPERSEDED)]
    assert store.withdraw_superseded(now=NOW, only=set()) == []


def test_withdrawing_leaves_other_kinds_pairs_and_rows_the_sender_holds(
    store: SqliteStore,
) -> None:
    """Only the pending rows of the named pair and kinds change, and none the sender holds."""
    store.enqueue_many(
        [
            outgoing("checkin:ana-ben:1"),
            outgoing("checkin:ana-ben:2"),
            outgoing("thanks:7", kind="thanks"),
            outgoing("checkin:cy-dee:1", pair_id="cy-dee"),
        ],
        now=NOW,
    )
    held = row_by_key(store, "checkin:ana-ben:2")
    pause = Withdrawal("ana-ben", frozenset({Kind.CHECKIN}), PAUSED)
    withdrawn = store.withdraw_pending([pause], now=NOW, keep={held.id})
    assert withdrawn == [("checkin:ana-ben:1", PAUSED)]
    states = {row.key: row.state for row in store.outbox()}
    assert states == {
        "checkin:ana-ben:1": OutboxState.FAILED,
        "checkin:ana-ben:2": OutboxState.PENDING,
        "thanks:7": OutboxState.PENDING,
        "checkin:cy-dee:1": OutboxState.PENDING,
    }
    assert store.withdraw_pending([pause], now=NOW) == [("checkin:ana-ben:2", PAUSED)]


def test_withdrawn_emails_are_counted_apart_from_failed_sends(store: SqliteStore) -> None:
    """The outbox counts for the metrics show a withdrawn email as `withdrawn`, not `failed`."""
    store.enqueue_many([outgoing("checkin:ana-ben:1")], now=NOW)
    store.withdraw_pending([Withdrawal("ana-ben", frozenset({Kind.CHECKIN}), PAUSED)], now=NOW)
    assert store.counts_by_kind_and_state() == {("checkin", "withdrawn"): 1}


def test_a_digest_covers_the_news_since_the_last_digest_that_went_out(
    store: SqliteStore,
) -> None:
    """A digest planned while the previous one still waits (to be withdrawn) covers the
    time since the last digest that went out, so no week's news is lost."""
    monday = datetime(2026, 11, 2, 8, tzinfo=UTC)
    digests = [
        outgoing(f"digest:{week.date()}", pair_id="", kind="digest", period=week.date())
        for week in (monday, monday + 7 * DAY)
    ]
    store.enqueue_many(digests[:1], now=monday)
    sent = claim_next(store, now=monday)
    assert sent is not None
    mark_sent(store, sent.id, now=monday)
    store.enqueue_many(digests[1:], now=monday + 7 * DAY)
    survey = new_survey(make_program(), store, now=monday + 14 * DAY + HOUR)
    assert survey is not None
    assert survey.since == monday


async def test_a_tick_looks_for_superseded_emails_only_where_it_queued_a_new_one(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between full passes, a tick that queues nothing does not search the pending emails
    for superseded ones (an outage leaves many), and one that queues a period email
    searches that pair's only."""
    daemon, _ = await first_checkin(harness, program())
    searched: list[tuple[object, object]] = []
    search = harness.store.withdraw_superseded

    def spy(**arguments: Any) -> list[tuple[str, str]]:
        searched.append((arguments["only"], arguments["digests"]))
        return search(**arguments)

    monkeypatch.setattr(harness.store, "withdraw_superseded", spy)
    harness.clock.current = at("2026-03-16", "08:50")
    daemon.plan_once()
    assert searched == [(None, True)]
    harness.clock.current = at("2026-03-16", "08:55")
    assert daemon.plan_once() == 0
    harness.clock.current = at("2026-03-16")
    assert daemon.plan_once() == 1
    assert searched == [(None, True), ({"ana-ben"}, False)]
