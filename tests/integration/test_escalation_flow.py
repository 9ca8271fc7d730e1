"""The escalation ladder over a real store: a meeting reported in reply to a check-in
resets it, and only check-ins that then go unanswered climb it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from reminder_service.core.due import due_checkins
from reminder_service.core.model import Kind, Outgoing
from reminder_service.core.replies.verdict import Outcome, Verdict
from reminder_service.store import SqliteStore
from tests.support.outbox_steps import claim_next, mark_sent
from tests.unit.strategies import make_pair, make_program

PAIR = make_pair(cadence="weekly", started=date(2027, 1, 1), zone="UTC")
PROGRAM = make_program(PAIR)
REPLIED = datetime(2027, 1, 9, 12, tzinfo=UTC)
"""The day after the first check-in, the pair replies: "we met on 7 January"."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    with SqliteStore.open(tmp_path / "reminders.db") as opened:
        yield opened


def test_a_meeting_reported_in_reply_to_a_checkin_resets_the_ladder(store: SqliteStore) -> None:
    """Weekly pair: asked on 8 Jan, it replies on 9 Jan that it met on 7 Jan; what follows
    is a plain check-in, and then one more step of the ladder per unanswered check-in."""
    queued = _run(store, until=datetime(2027, 2, 10, tzinfo=UTC), replied=REPLIED)
    assert queued[0] == (date(2027, 1, 8), 0)
    assert [level for _, level in queued[1:]] == [0, 1, 2, 3][: len(queued) - 1]


def test_a_late_report_of_an_old_meeting_does_not_reset_the_ladder(store: SqliteStore) -> None:
    """A pair silent for seven weeks that then says it last met on 7 January answers the
    latest check-in only: the ones before it still went unanswered, so the ladder stays up."""
    replied = datetime(2027, 2, 20, tzinfo=UTC)
    queued = _run(store, until=datetime(2027, 3, 20, tzinfo=UTC), replied=replied)
    before = [level for period, level in queued if period < replied.date()]
    after = [level for period, level in queued if period >= replied.date()]
    assert before == list(range(len(before)))
    assert after
    assert min(after) >= len(before) - 1


def test_the_reminder_after_an_unclear_reply_knows_the_pair_answered(store: SqliteStore) -> None:
    """Weekly pair: asked on 8 Jan, a member replies on 9 Jan in words we cannot read; the
    reminder of 15 Jan says they answered unclearly, and the one after it says nothing."""
    first = datetime(2027, 1, 8, 9, tzinfo=UTC)
    (checkin,) = due_checkins(PROGRAM, store.pair_histories(), first)
    _send(store, checkin.period, now=first)
    unclear = Verdict(
        outcome=Outcome.UNCLEAR,
        pair_id=PAIR.id,
        sender_role="mentee",
        sender=PAIR.mentee.email,
        message_id="<unclear@example.org>",
        answers_kind=Kind.CHECKIN.value,
    )
    raw = b"Message-ID: <unclear@example.org>\r\n\r\nhmm\r\n"
    store.record_inbound(
        folder="INBOX", uidvalidity=1, uid=1, raw=raw, verdict=unclear, now=REPLIED, keep_text=False
    )
    second = datetime(2027, 1, 15, 9, tzinfo=UTC)
    (reminder,) = due_checkins(PROGRAM, store.pair_histories(), second)
    assert (reminder.level, reminder.last_answer) == (1, "unclear")
    _send(store, reminder.period, now=second)
    (third,) = due_checkins(PROGRAM, store.pair_histories(), datetime(2027, 1, 22, 9, tzinfo=UTC))
    assert (third.level, third.last_answer) == (2, None)


def _run(store: SqliteStore, *, until: datetime, replied: datetime) -> list[tuple[date, int]]:
    """Plan every 6 hours from the pair's start to `until`, queueing and sending what is due; at
    `replied` the pair reports a meeting on 7 January. The periods and levels queued."""
    queued: list[tuple[date, int]] = []
    now = datetime(2027, 1, 1, tzinfo=UTC)
    while now < until:
        for checkin in due_checkins(PROGRAM, store.pair_histories(), now):
            queued.append((checkin.period, checkin.level))
            _send(store, checkin.period, now=now)
        if now == replied:
            store.add_meeting(
                pair_id=PAIR.id,
                met_on=date(2027, 1, 7),
                duration_minutes=45,
                reported_by=PAIR.mentee.email,
                source_message_id="<reply@example.org>",
                now=now,
            )
        now += timedelta(hours=6)
    return queued


def _send(store: SqliteStore, period: date, *, now: datetime) -> None:
    """Queue the period's check-in and have the mail server accept it at `now`."""
    store.enqueue_many([_email(period)], now=now)
    sent = claim_next(store, now=now)
    assert sent is not None
    mark_sent(store, sent.id, now=now)


def _email(period: date) -> Outgoing:
    return Outgoing(
        key=f"checkin:{PAIR.id}:{period.isoformat()}",
        pair_id=PAIR.id,
        kind="checkin",
        period=period,
        message_id=f"<{period.isoformat()}@reminders.example.org>",
        sender="reminders@example.org",
        recipients=(PAIR.mentor.email, PAIR.mentee.email),
        message=b"Subject: Check-in\r\n\r\nHello\r\n",
    )
