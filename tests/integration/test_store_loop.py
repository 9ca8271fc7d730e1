"""The store's side of the relationship loop against real SQLite files (schema 3).

Reply events (not yet, skip, pause, end, dispute), disputes removing meetings, pair histories
with the ladder's period emails and reply-set statuses, recent activity, and the digest reads.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder_service.core.model import (
    Kind,
    MeetingRecord,
    Outgoing,
    PairHistory,
    ReplyStatus,
    ReviewItem,
    Status,
    UnknownSend,
)
from reminder_service.core.replies.verdict import (
    Outcome,
    Reason,
    ReportedMeeting,
    Role,
    SentRef,
    Verdict,
)
from reminder_service.store import Recorded, SqliteStore
from reminder_service.store.connection import STAMPED_AHEAD
from reminder_service.store.schema import _MIGRATIONS
from tests.support.outbox_steps import (
    claim_next,
    enqueue,
    mark_failed,
    mark_sent,
    mark_unknown,
)

T0 = datetime(2026, 3, 12, 8, 15, tzinfo=UTC)
DAY = timedelta(days=1)
PAIR = "ana-ben"
OTHER_PAIR = "cy-dee"
MENTOR = "ana@example.org"
MENTEE = "ben@example.org"


class Inbox:
    """Records replies into a store with fresh UIDs and Message-IDs, as the listener would."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.uids = count(1)
        self.numbers = count(1)

    def reply(
        self,
        outcome: Outcome,
        *,
        now: datetime = T0,
        pair_id: str = PAIR,
        role: Role | None = "mentee",
        pause_until: date | None = None,
        answers_key: str | None = None,
        answers_kind: str | None = None,
        message_id: str | None = None,
    ) -> Recorded:
        """Record a member's reply with this outcome; a given Message-ID makes repeats."""
        verdict = Verdict(
            outcome=outcome,
            pair_id=pair_id,
            sender_role=role,
            pause_until=pause_until,
            sender=MENTEE if role == "mentee" else MENTOR,
            message_id=message_id or f"<r{next(self.numbers)}@mail.example.org>",
            answers_key=answers_key,
            answers_kind=answers_kind,
        )
        return self.record(verdict, now=now)

    def met(
        self, on: date, *, now: datetime = T0, pair_id: str = PAIR, minutes: int | None = 45
    ) -> int:
        """Record a mentor's meeting report; returns the meeting's id."""
        verdict = Verdict(
            outcome=Outcome.MEETING,
            pair_id=pair_id,
            sender_role="mentor",
            meeting=ReportedMeeting(date=on, date_stated=True, duration_minutes=minutes),
            sender=MENTOR,
            message_id=f"<m{next(self.numbers)}@mail.example.org>",
        )
        meeting_id = self.record(verdict, now=now).meeting_id
        assert meeting_id is not None
        return meeting_id

    def record(self, verdict: Verdict, *, now: datetime = T0) -> Recorded:
        """Record any verdict, with bytes that differ per Message-ID."""
        raw = f"Message-ID: {verdict.message_id}\r\n\r\nreply\r\n".encode()
        return self.store.record_inbound(
            folder="INBOX",
            uidvalidity=1,
            uid=next(self.uids),
            raw=raw,
            verdict=verdict,
            now=now,
            keep_text=False,
        )


@pytest.fixture
def inbox(store: SqliteStore) -> Inbox:
    """Replies recorded into the test's store."""
    return Inbox(store)


def queue(
    store: SqliteStore,
    key: str,
    *,
    kind: str = Kind.CHECKIN,
    period: date = date(2026, 3, 1),
    pair_id: str = PAIR,
    now: datetime = T0,
) -> None:
    """Queue a small email under this key."""
    outgoing = Outgoing(
        key=key,
        pair_id=pair_id,
        kind=kind,
        period=period,
        message_id=f"<{key}@reminders.example.org>",
        sender="reminders@example.org",
        recipients=(MENTOR, MENTEE),
        message=b"Subject: Hello\r\n\r\nHello\r\n",
    )
    assert enqueue(store, outgoing, now=now)


def events(db_path: Path) -> list[tuple[object, ...]]:
    """Every reply event as (pair, kind, at, until, inbound id, meeting id), by a second reader."""
    other = sqlite3.connect(db_path)
    try:
        return other.execute(
            "SELECT pair_id, kind, at, until, inbound_id, meeting_id FROM reply_events ORDER BY id"
        ).fetchall()
    finally:
        other.close()


def removed(store: SqliteStore) -> dict[int, str]:
    """Removed meetings' ids and reasons."""
    rows = store._db.execute("SELECT id, removed_reason FROM meetings WHERE removed_at IS NOT NULL")
    return dict(rows.fetchall())


# Migration


def test_a_schema_2_database_with_data_is_migrated_to_3(db_path: Path) -> None:
    """A schema-2 file keeps its email, meeting and reply, and gains events and removal reasons."""
    with sqlite3.connect(db_path) as raw:
        for statement in (*_MIGRATIONS[0], *_MIGRATIONS[1], "PRAGMA user_version = 2"):
            raw.execute(statement)
        raw.execute(
            "INSERT INTO outbox (key, pair_id, kind, period, message_id, sender, recipients, "
            "message, state, next_attempt_at, created_at, updated_at) VALUES "
            "('checkin:ana-ben:2026-03-01', 'ana-ben', 'checkin', '2026-03-01', '<c1@r>', "
            "'r@example.org', '[]', x'00', 'sent', ?1, ?1, ?1)",
            (T0.isoformat(),),
        )
        raw.execute(
            "INSERT INTO meetings (pair_id, met_on, duration_minutes, reported_by, created_at) "
            "VALUES ('ana-ben', '2026-03-05', 30, ?, ?)",
            (MENTOR, T0.isoformat()),
        )
    raw.close()
    with SqliteStore.open(db_path) as store:
        assert store.schema_version == 16
        assert store.pair_histories() == {
            PAIR: PairHistory(
                last_meeting=date(2026, 3, 5), last_checkin=date(2026, 3, 1), last_sent_at=T0
            )
        }
        assert store.sent_ref("<c1@r>") == SentRef(PAIR, "checkin", "checkin:ana-ben:2026-03-01")
        (meeting,) = store.meeting_records()
        assert meeting.removed_at is None
        Inbox(store).reply(Outcome.SKIP)
    assert [event[:2] for event in events(db_path)] == [(PAIR, "skip")]


# Recording reply events


@pytest.mark.parametrize(
    ("outcome", "pause_until", "until"),
    [
        (Outcome.NOT_MET, None, None),
        (Outcome.SKIP, None, None),
        (Outcome.PAUSE, date(2026, 5, 1), "2026-05-01"),
        (Outcome.PAUSE, None, None),
        (Outcome.END, None, None),
        (Outcome.DISPUTE, None, None),
    ],
)
def test_each_member_reply_records_one_event_and_repeats_none(
    inbox: Inbox, db_path: Path, outcome: Outcome, pause_until: date | None, until: str | None
) -> None:
    """A member's reply is one event of its kind, at the time recorded, and a refetch adds none."""
    first = inbox.reply(outcome, pause_until=pause_until, message_id="<same@mail.example.org>")
    again = inbox.reply(outcome, pause_until=pause_until, message_id="<same@mail.example.org>")
    assert again.duplicate
    assert events(db_path) == [(PAIR, outcome.value, T0.isoformat(), until, first.inbound_id, None)]


def test_a_pause_date_on_another_outcome_is_not_kept(inbox: Inbox, db_path: Path) -> None:
    """Only a pause keeps the date it runs until."""
    inbox.reply(Outcome.SKIP, pause_until=date(2026, 5, 1))
    assert [event[3] for event in events(db_path)] == [None]


@pytest.mark.parametrize(
    ("outcome", "pause_until"), [(Outcome.PAUSE, date(2026, 5, 1)), (Outcome.END, None)]
)
def test_a_pause_or_end_beside_a_meeting_records_both_once(
    inbox: Inbox, db_path: Path, outcome: Outcome, pause_until: date | None
) -> None:
    """ "We met on Tuesday for an hour; please pause until May": the event and the meeting,
    linked to the reply, in one transaction; fetched again, neither twice."""
    verdict = Verdict(
        outcome=outcome,
        pair_id=PAIR,
        sender_role="mentee",
        meeting=ReportedMeeting(date=date(2026, 3, 10), date_stated=True, duration_minutes=60),
        pause_until=pause_until,
        sender=MENTEE,
        message_id="<both@mail.example.org>",
    )
    first = inbox.record(verdict)
    again = inbox.record(verdict)
    assert (first.meeting_is_new, again.duplicate, again.meeting_id) == (
        True,
        True,
        first.meeting_id,
    )
    (meeting,) = inbox.store.meeting_records()
    assert (meeting.id, meeting.met_on, meeting.duration_minutes, meeting.reported_by) == (
        first.meeting_id,
        date(2026, 3, 10),
        60,
        MENTEE,
    )
    until = None if pause_until is None else pause_until.isoformat()
    assert events(db_path) == [(PAIR, outcome.value, T0.isoformat(), until, first.inbound_id, None)]
    assert inbox.store.pair_histories()[PAIR].last_meeting == date(2026, 3, 10)


@pytest.mark.parametrize(
    "verdict",
    [
        Verdict(Outcome.REJECTED, pair_id=PAIR, reason=Reason.SENDER_NOT_IN_PAIR, sender="x@y"),
        Verdict(Outcome.NOT_MET, pair_id=PAIR, sender="x@y"),
        Verdict(Outcome.END, pair_id=None, sender_role="mentor", sender=MENTOR),
        Verdict(Outcome.IGNORED, reason=Reason.AUTO_REPLY, sender="MAILER-DAEMON@mx"),
        Verdict(Outcome.UNCLEAR, pair_id=PAIR, sender_role="mentor", sender=MENTOR),
        Verdict(Outcome.UNMATCHED, reason=Reason.NO_REFERENCE, sender="x@y"),
    ],
    ids=["outsider", "no-role", "no-pair", "machine", "unclear", "unmatched"],
)
def test_no_event_without_a_member_asking_for_one(
    inbox: Inbox, db_path: Path, verdict: Verdict
) -> None:
    """Outsiders, machines, unclear and unmatched mail, and verdicts naming no pair or role add
    no event."""
    inbox.met(date(2026, 3, 10))
    inbox.record(replace(verdict, message_id="<x@mail.example.org>"))
    assert events(db_path) == []
    assert removed(inbox.store) == {}


# Disputes


def test_a_no_to_a_confirmation_removes_that_very_meeting(inbox: Inbox, db_path: Path) -> None:
    """A dispute answering `confirmation:ID` removes meeting ID, not the pair's latest one."""
    older = inbox.met(date(2026, 3, 1), now=T0 - 3 * DAY)
    inbox.met(date(2026, 3, 10))
    dispute = inbox.reply(Outcome.DISPUTE, answers_key=f"confirmation:{older}", now=T0 + DAY)
    assert removed(inbox.store) == {older: "disputed"}
    assert events(db_path) == [
        (PAIR, "dispute", (T0 + DAY).isoformat(), None, dispute.inbound_id, older)
    ]
    record = inbox.store.meeting_record(older)
    assert record is not None
    assert record.removed_at == T0 + DAY


def test_a_dispute_naming_no_meeting_removes_the_latest_logged_within_30_days(
    inbox: Inbox,
) -> None:
    """Without a confirmation key, the pair's most recently logged meeting is the disputed one."""
    inbox.met(date(2026, 3, 10), now=T0 - DAY)
    latest = inbox.met(date(2026, 3, 5), now=T0)
    inbox.reply(Outcome.DISPUTE, answers_key="checkin:ana-ben:2026-03-01", now=T0 + 29 * DAY)
    assert removed(inbox.store) == {latest: "disputed"}


def test_a_dispute_leaves_meetings_logged_over_30_days_ago(inbox: Inbox, db_path: Path) -> None:
    """A dispute with no recent meeting to remove is still recorded, naming no meeting."""
    inbox.met(date(2026, 3, 10))
    inbox.reply(Outcome.DISPUTE, now=T0 + 31 * DAY)
    assert removed(inbox.store) == {}
    assert [(event[1], event[5]) for event in events(db_path)] == [("dispute", None)]


def test_a_dispute_never_removes_another_pairs_meeting(inbox: Inbox) -> None:
    """Neither a key naming another pair's meeting nor the fallback touches another pair."""
    theirs = inbox.met(date(2026, 3, 10), pair_id=OTHER_PAIR)
    inbox.reply(Outcome.DISPUTE, answers_key=f"confirmation:{theirs}")
    inbox.reply(Outcome.DISPUTE)
    assert removed(inbox.store) == {}
    assert [m.id for m in inbox.store.meeting_records()] == [theirs]


def test_a_second_no_to_the_same_confirmation_removes_nothing_more(inbox: Inbox) -> None:
    """When the named meeting is already removed, no other meeting is removed in its place."""
    kept = inbox.met(date(2026, 3, 1))
    disputed = inbox.met(date(2026, 3, 10))
    inbox.reply(Outcome.DISPUTE, answers_key=f"confirmation:{disputed}", role="mentee")
    inbox.reply(Outcome.DISPUTE, answers_key=f"confirmation:{disputed}", role="mentor")
    assert removed(inbox.store) == {disputed: "disputed"}
    assert [m.id for m in inbox.store.meeting_records()] == [kept]


def _dispute_text(inbox: Inbox, answers_key: str | None, *, now: datetime) -> int:
    """Record the mentee's "that's wrong" answering `answers_key`; returns its inbound id."""
    verdict = Verdict(
        outcome=Outcome.DISPUTE,
        pair_id=PAIR,
        sender_role="mentee",
        sender=MENTEE,
        message_id=f"<d{next(inbox.numbers)}@mail.example.org>",
        answers_key=answers_key,
        text="That's wrong, we never met.",
    )
    return inbox.record(verdict, now=now).inbound_id


def test_a_dispute_that_matches_no_meeting_waits_for_review_with_its_text(
    inbox: Inbox,
) -> None:
    """A "that's wrong" with no meeting logged in the last 30 days removes nothing, so the
    coordinator must hear of it: it joins the review queue, its words kept, until reviewed."""
    inbox.met(date(2026, 3, 10))
    inbound_id = _dispute_text(inbox, None, now=T0 + 31 * DAY)

    [row] = inbox.store.review_queue()
    assert (row.id, row.outcome, row.reason) == (
        inbound_id,
        Outcome.DISPUTE,
        Reason.NO_MEETING_FOUND,
    )
    assert row.text == "That's wrong, we never met."
    assert [(item.outcome, item.reason) for item in inbox.store.review_items()] == [
        ("dispute", "no_meeting_found")
    ]
    inbox.store.mark_reviewed(inbound_id, now=T0 + 32 * DAY)
    assert inbox.store.review_queue() == []


@pytest.mark.parametrize(
    "scene",
    ["removes-a-meeting", "meeting-already-removed", "confirmation-of-another-pairs-meeting"],
)
def test_only_a_dispute_about_no_meeting_of_the_pair_needs_review(inbox: Inbox, scene: str) -> None:
    """A dispute that removed a meeting, or names one already removed, is handled (the
    coordinator gets a notice); one naming a meeting that is not the pair's needs a person."""
    theirs = inbox.met(date(2026, 3, 10), pair_id=OTHER_PAIR)
    ours = inbox.met(date(2026, 3, 10))
    if scene == "meeting-already-removed":
        _dispute_text(inbox, f"confirmation:{ours}", now=T0)
    named = theirs if scene == "confirmation-of-another-pairs-meeting" else ours
    inbound_id = _dispute_text(inbox, f"confirmation:{named}", now=T0 + DAY)

    waiting = [row.id for row in inbox.store.review_queue()]
    assert waiting == ([inbound_id] if scene == "confirmation-of-another-pairs-meeting" else [])


def test_a_disputed_meeting_no_longer_counts_for_scheduling(inbox: Inbox) -> None:
    """After a dispute the pair's last meeting is what it was before that meeting was logged."""
    inbox.met(date(2026, 2, 1), now=T0 - 30 * DAY)
    before = inbox.store.pair_histories()
    inbox.met(date(2026, 3, 10))
    inbox.reply(Outcome.DISPUTE, now=T0 + DAY)
    assert inbox.store.pair_histories() == before


@settings(max_examples=40)
@given(
    met_days=st.lists(st.integers(0, 150), min_size=1, max_size=6, unique=True),
    dispute_after=st.integers(0, 29),
)
def test_a_dispute_restores_the_history_from_before_the_latest_meeting(
    met_days: list[int], dispute_after: int
) -> None:
    """Disputing the meeting logged last, within 30 days, leaves the history as it was before."""
    with tempfile.TemporaryDirectory() as folder, SqliteStore.open(Path(folder) / "r.db") as store:
        inbox = Inbox(store)
        now = T0
        for hour, met_day in enumerate(met_days):
            now = T0 + hour * timedelta(hours=1)
            before = store.pair_histories()
            inbox.met(date(2026, 1, 1) + met_day * DAY, now=now)
        inbox.reply(Outcome.DISPUTE, now=now + dispute_after * DAY)
        assert store.pair_histories() == before


# Pair histories


def test_every_period_email_counts_for_the_last_checkin(store: SqliteStore) -> None:
    """Reminders and "pause or end?" emails count like check-ins; thank-yous and digests do
    not. Those still waiting to go out are listed as pending too."""
    queue(store, "checkin:ana-ben:2026-01-01", period=date(2026, 1, 1))
    queue(store, "checkin:ana-ben:2026-02-01", kind=Kind.REMINDER, period=date(2026, 2, 1))
    queue(store, "thanks:7", kind=Kind.THANKS, period=date(2026, 4, 1))
    queue(store, "checkin:cy-dee:2026-03-01", kind=Kind.PAUSE_OR_END, pair_id=OTHER_PAIR)
    queue(store, "digest:2026-05-04", kind=Kind.DIGEST, period=date(2026, 5, 4), pair_id="")
    assert store.pair_histories() == {
        PAIR: PairHistory(
            last_checkin=date(2026, 2, 1),
            asked=(date(2026, 1, 1), date(2026, 2, 1)),
            last_sent_at=T0,
            pending=(date(2026, 1, 1), date(2026, 2, 1)),
        ),
        OTHER_PAIR: PairHistory(
            last_checkin=date(2026, 3, 1),
            asked=(date(2026, 3, 1),),
            last_sent_at=T0,
            pending=(date(2026, 3, 1),),
        ),
    }


def test_asked_lists_the_period_emails_after_the_last_meeting(inbox: Inbox) -> None:
    """Only periods emailed after the last meeting that counts, and queued after it was
    logged, are listed, oldest first; a meeting logged later answers them all."""
    store = inbox.store
    inbox.met(date(2026, 2, 1), now=T0 - DAY)
    for month in (4, 1, 3, 2, 5):
        period = date(2026, month, 1)
        queue(store, f"checkin:ana-ben:{month}", period=period, kind=Kind.REMINDER, now=T0)
    inbox.met(date(2026, 3, 20), now=T0 + DAY)
    inbox.reply(Outcome.DISPUTE, now=T0 + 2 * DAY)
    history = store.pair_histories()[PAIR]
    assert history.asked == (date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1))
    assert history.last_checkin == date(2026, 5, 1)
    inbox.met(date(2026, 1, 20), now=T0 + 3 * DAY)
    assert store.pair_histories()[PAIR].asked == (
        date(2026, 3, 1),
        date(2026, 4, 1),
        date(2026, 5, 1),
    )
    inbox.met(date(2026, 5, 1), now=T0 + 4 * DAY)
    assert store.pair_histories()[PAIR].asked == ()


def test_the_latest_skip_gives_its_instant(inbox: Inbox) -> None:
    """The history holds when the latest skip was recorded, to the second, whatever zone it
    was sent from: the core dates it by the pair's clocks."""
    inbox.reply(Outcome.SKIP, now=T0 - 10 * DAY)
    inbox.reply(
        Outcome.SKIP, now=datetime(2026, 3, 12, 20, 30, tzinfo=ZoneInfo("America/New_York"))
    )
    inbox.reply(Outcome.NOT_MET, now=T0 + 5 * DAY)
    assert inbox.store.pair_histories() == {
        PAIR: PairHistory(
            last_skip_at=datetime(2026, 3, 13, 0, 30, tzinfo=UTC), last_not_met_at=T0 + 5 * DAY
        )
    }


@pytest.mark.parametrize(
    ("outcome", "pause_until", "expected"),
    [
        (Outcome.PAUSE, date(2026, 6, 1), ReplyStatus(Status.PAUSED, date(2026, 6, 1), T0)),
        (Outcome.PAUSE, None, ReplyStatus(Status.PAUSED, None, T0)),
        (Outcome.END, None, ReplyStatus(Status.ENDED, None, T0)),
    ],
)
def test_a_pause_or_end_by_reply_is_the_pairs_reply_status(
    inbox: Inbox, outcome: Outcome, pause_until: date | None, expected: ReplyStatus
) -> None:
    """A pause (with or without an end date) or an end asked by reply sets the reply status."""
    inbox.met(date(2026, 3, 1), now=T0 - DAY)
    inbox.reply(outcome, pause_until=pause_until)
    history = inbox.store.pair_histories()[PAIR]
    assert history == PairHistory(last_meeting=date(2026, 3, 1), reply_status=expected)


def test_the_latest_pause_or_end_wins(inbox: Inbox) -> None:
    """An end after a pause is the status, and a later pause after that replaces it."""
    inbox.reply(Outcome.PAUSE, pause_until=date(2026, 6, 1), now=T0)
    inbox.reply(Outcome.END, now=T0 + DAY)
    inbox.reply(Outcome.PAUSE, now=T0 + DAY, role="mentor")
    inbox.reply(Outcome.SKIP, now=T0 + 2 * DAY)
    status = inbox.store.pair_histories()[PAIR].reply_status
    assert status == ReplyStatus(Status.PAUSED, None, T0 + DAY)


def test_a_meeting_logged_after_a_pause_clears_it(inbox: Inbox) -> None:
    """They met after asking for a pause, so they are back: no reply status."""
    inbox.reply(Outcome.PAUSE, pause_until=date(2026, 6, 1))
    inbox.met(date(2026, 3, 14), now=T0 + 2 * DAY)
    assert inbox.store.pair_histories()[PAIR].reply_status is None


def test_a_meeting_logged_before_a_pause_or_disputed_after_it_keeps_it(inbox: Inbox) -> None:
    """Only a meeting logged after the pause, and still counting, clears it."""
    inbox.met(date(2026, 3, 1), now=T0 - DAY)
    inbox.reply(Outcome.PAUSE)
    inbox.met(date(2026, 3, 14), now=T0 + 2 * DAY)
    inbox.reply(Outcome.DISPUTE, now=T0 + 3 * DAY)
    status = inbox.store.pair_histories()[PAIR].reply_status
    assert status == ReplyStatus(Status.PAUSED, None, T0)


def test_pair_histories_know_when_the_last_period_email_went_out_and_the_last_not_yet(
    inbox: Inbox,
) -> None:
    """The latest period email's queueing instant (it is not sent yet) and the latest "not
    yet" are in the history, so the next email keeps its distance and thanks the pair."""
    queue(inbox.store, f"checkin:{PAIR}:2026-03-01", period=date(2026, 3, 1), now=T0)
    queue(inbox.store, f"checkin:{PAIR}:2026-03-08", period=date(2026, 3, 8), now=T0 + DAY)
    inbox.reply(Outcome.NOT_MET, now=T0 + 2 * DAY)
    history = inbox.store.pair_histories()[PAIR]
    assert (history.last_sent_at, history.last_not_met_at) == (T0 + DAY, T0 + 2 * DAY)


def test_pair_histories_know_the_last_unclear_reply_asked_about(inbox: Inbox) -> None:
    """The latest unclear reply from a member to an email that asked something is in the
    history; one to a thank-you, or from a stranger, is not, and a later meeting clears it."""
    checkin = Kind.CHECKIN.value
    inbox.record(replace(_unclear(checkin), sender_role=None, sender=None), now=T0 + 3 * DAY)
    inbox.record(_unclear(Kind.THANKS.value), now=T0 + 2 * DAY)
    inbox.record(_unclear(checkin), now=T0 - DAY)
    inbox.record(_unclear(checkin), now=T0 + DAY)
    assert inbox.store.pair_histories()[PAIR].last_unclear_at == T0 + DAY
    inbox.met(date(2026, 3, 14), now=T0 + 4 * DAY)
    assert inbox.store.pair_histories()[PAIR].last_unclear_at is None


def _unclear(answers_kind: str) -> Verdict:
    """An unclear reply from the mentee to an email of this kind."""
    return Verdict(
        outcome=Outcome.UNCLEAR,
        pair_id=PAIR,
        sender_role="mentee",
        sender=MENTEE,
        message_id=f"<u{answers_kind}{next(_UNCLEAR_NUMBERS)}@mail.example.org>",
        answers_kind=answers_kind,
    )


_UNCLEAR_NUMBERS = count(1)


def test_pair_histories_read_outbox_and_meetings_through_covering_indexes(
    store: SqliteStore,
) -> None:
    """Planning reads no outbox or meeting table rows, only indexes (cheap for 100,000 pairs)."""
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    store.pair_histories()
    store._db.set_trace_callback(None)
    scans = [
        detail
        for statement in statements
        for *_, detail in store._db.execute(f"EXPLAIN QUERY PLAN {statement}")
        if detail.startswith(("SCAN outbox", "SCAN meetings"))
    ]
    assert len(scans) == 2
    assert all("USING COVERING INDEX" in detail for detail in scans)


# Recent activity


def test_activity_has_meetings_logged_in_the_window(inbox: Inbox) -> None:
    """Recent meetings (a disputed one too) in the order logged; the latest "not yet" is in
    the pair's history."""
    inbox.met(date(2026, 2, 1), now=T0 - 15 * DAY)
    first = inbox.met(date(2026, 2, 20), now=T0 - 14 * DAY)
    second = inbox.met(date(2026, 3, 10), now=T0 - DAY)
    inbox.reply(Outcome.DISPUTE, answers_key=f"confirmation:{second}", now=T0)
    inbox.reply(Outcome.NOT_MET, now=T0 - 40 * DAY, pair_id=OTHER_PAIR)
    inbox.reply(Outcome.NOT_MET, now=T0 - 20 * DAY, pair_id=OTHER_PAIR)
    activity = inbox.store.activity(now=T0)
    assert activity.keys() == {PAIR}
    recent = activity[PAIR].recent_meetings
    assert [(m.id, m.removed_at) for m in recent] == [(first, None), (second, T0)]
    assert recent[0] == MeetingRecord(
        id=first,
        pair_id=PAIR,
        met_on=date(2026, 2, 20),
        duration_minutes=45,
        reported_by=MENTOR,
        logged_at=T0 - 14 * DAY,
    )
    assert inbox.store.pair_histories()[OTHER_PAIR] == PairHistory(last_not_met_at=T0 - 20 * DAY)
    assert [m.id for m in inbox.store.activity(now=T0, window=2 * DAY)[PAIR].recent_meetings] == [
        second
    ]


# Outbox lookups


def test_keys_present_answers_for_thousands_of_keys(store: SqliteStore) -> None:
    """Asking about 1,200 keys (and repeats) names exactly the 300 queued, across query chunks."""
    queued = [f"thanks:{n:04}" for n in range(0, 1200, 4)]
    for key in queued:
        queue(store, key, kind=Kind.THANKS)
    asked = [f"thanks:{n:04}" for n in range(1200)] + queued[:10] + ["confirmation:1"]
    assert store.keys_present(asked) == set(queued)
    assert store.keys_present(iter(())) == set()


def test_the_last_period_message_id_is_the_newest_period_email(store: SqliteStore) -> None:
    """Threading follows the pair's newest check-in, reminder or "pause or end?" email."""
    assert store.last_period_message_id(PAIR) is None
    queue(store, "checkin:ana-ben:2026-03-01", period=date(2026, 3, 1))
    queue(store, "checkin:ana-ben:2026-04-01", kind=Kind.REMINDER, period=date(2026, 4, 1))
    queue(store, "thanks:1", kind=Kind.THANKS)
    queue(store, "checkin:cy-dee:2026-05-01", kind=Kind.PAUSE_OR_END, pair_id=OTHER_PAIR)
    assert (
        store.last_period_message_id(PAIR) == "<checkin:ana-ben:2026-04-01@reminders.example.org>"
    )
    assert store.last_period_message_id(OTHER_PAIR) == (
        "<checkin:cy-dee:2026-05-01@reminders.example.org>"
    )


def test_sent_ref_names_the_key_a_reply_answers(store: SqliteStore) -> None:
    """Our confirmation's Message-ID gives its pair, kind and `confirmation:ID` key."""
    queue(store, "confirmation:42", kind=Kind.CONFIRMATION)
    assert store.sent_ref("<confirmation:42@reminders.example.org>") == SentRef(
        PAIR, "confirmation", "confirmation:42"
    )


def test_last_key_like_is_the_newest_key_with_that_prefix(store: SqliteStore) -> None:
    """The newest queued key starting with the prefix, by queue order; None when there is none."""
    assert store.last_key_like("digest:") is None
    queue(store, "digest:2026-03-09", kind=Kind.DIGEST)
    queue(store, "digest:2026-03-02", kind=Kind.DIGEST)
    queue(store, "digest;x", kind=Kind.DIGEST)
    queue(store, "digests:2026-04-01", kind=Kind.DIGEST)
    queue(store, "Digest:2026-05-01", kind=Kind.DIGEST)
    assert store.last_key_like("digest:") == "digest:2026-03-02"
    assert store.last_key_like("digest:2026-03-0") == "digest:2026-03-02"
    with pytest.raises(ValueError, match="empty"):
        store.last_key_like("")


# Digest reads


def test_meeting_reads_skip_removed_meetings(inbox: Inbox) -> None:
    """Meeting lists leave out removed meetings, and only disputed ones are listed as disputed."""
    early = inbox.met(date(2026, 3, 5), now=T0 - 10 * DAY, minutes=None)
    late = inbox.met(date(2026, 3, 1), now=T0 - DAY)
    other = inbox.met(date(2026, 3, 3), now=T0, pair_id=OTHER_PAIR)
    disputed = inbox.met(date(2026, 3, 11), now=T0)
    inbox.reply(Outcome.DISPUTE, answers_key=f"confirmation:{disputed}", now=T0 + DAY)
    store = inbox.store
    withdrawn = inbox.met(date(2026, 3, 12), now=T0)
    store._db.execute(
        "UPDATE meetings SET removed_at = ? WHERE id = ?", (T0.isoformat(), withdrawn)
    )
    assert [m.id for m in store.meeting_records()] == [late, other, early]
    assert [m.id for m in store.meeting_records(pair_id=PAIR)] == [late, early]
    assert [m.id for m in store.meetings_logged_between(T0 - DAY, T0 + DAY)] == [late, other]
    assert [m.id for m in store.meetings_logged_between(T0 - DAY, T0)] == [late]
    assert [m.id for m in store.disputed_between(T0, T0 + 2 * DAY)] == [disputed]
    assert store.disputed_between(T0, T0 + DAY) == []
    assert store.disputed_between(T0 + 2 * DAY, T0 + 3 * DAY) == []
    found = store.meeting_record(disputed)
    assert found is not None
    assert found.removed_at == T0 + DAY
    assert store.meeting_record(early) == MeetingRecord(
        id=early,
        pair_id=PAIR,
        met_on=date(2026, 3, 5),
        duration_minutes=None,
        reported_by=MENTOR,
        logged_at=T0 - 10 * DAY,
    )
    assert store.meeting_record(10_000) is None


def test_a_disputed_meeting_is_read_with_who_disputed_it_and_answering_what(
    inbox: Inbox,
) -> None:
    """The dispute notice and the digest read who disputed a meeting and the kind of email
    the dispute answered; a meeting kept has neither."""
    by_no = inbox.met(date(2026, 3, 5), now=T0)
    key = f"confirmation:{by_no}"
    inbox.reply(Outcome.DISPUTE, answers_key=key, answers_kind=Kind.CONFIRMATION, now=T0 + DAY)
    by_wrong = inbox.met(date(2026, 3, 10), now=T0 + DAY)
    kept = inbox.met(date(2026, 3, 2), now=T0 - 20 * DAY)
    inbox.reply(Outcome.DISPUTE, role="mentor", answers_kind=Kind.CHECKIN, now=T0 + 2 * DAY)
    store = inbox.store
    read = [(m.id, m.disputed_by, m.disputed_answering) for m in store.disputed_between(T0, None)]
    assert read == [(by_no, MENTEE, "confirmation"), (by_wrong, MENTOR, "checkin")]
    found = store.meeting_record(by_wrong)
    assert found is not None
    assert (found.disputed_by, found.disputed_answering) == (MENTOR, "checkin")
    assert store.meeting_record(kept) == replace(
        found,
        id=kept,
        met_on=date(2026, 3, 2),
        logged_at=T0 - 20 * DAY,
        removed_at=None,
        disputed_by=None,
        disputed_answering=None,
    )


def test_unknown_sends_are_those_whose_delivery_is_unknown(store: SqliteStore) -> None:
    """Only sends left unknown are listed, from `since` on, with their recipients."""
    for offset, key in enumerate(("a", "b", "c")):
        queue(store, key, now=T0 - DAY)
        row = claim_next(store, now=T0)
        assert row is not None
        mark_unknown(store, row.id, now=T0 + offset * DAY, error="lost")
    queue(store, "d", now=T0)
    row = claim_next(store, now=T0)
    assert row is not None
    mark_failed(store, row.id, now=T0 + 5 * DAY, error="550")
    assert [s.key for s in store.unknown_sends()] == ["a", "b", "c"]
    assert store.unknown_sends(since=T0 + DAY) == [
        UnknownSend("b", (MENTOR, MENTEE), T0 + DAY, kind=Kind.CHECKIN),
        UnknownSend("c", (MENTOR, MENTEE), T0 + 2 * DAY, kind=Kind.CHECKIN),
    ]
    assert [s.key for s in store.unknown_sends(since=T0, until=T0 + 2 * DAY)] == ["a", "b"]


def test_review_items_are_the_review_queue(inbox: Inbox) -> None:
    """The digest's review items are the review queue's messages, in the same order."""
    inbox.reply(Outcome.UNCLEAR, now=T0 + DAY)
    inbox.record(
        Verdict(Outcome.REJECTED, reason=Reason.BAD_TOKEN, sender="x@y", message_id="<z@m>")
    )
    inbox.reply(Outcome.NOT_MET)
    queue_rows = inbox.store.review_queue()
    assert inbox.store.review_items() == [
        ReviewItem(
            row.id,
            row.outcome.value,
            None if row.reason is None else row.reason.value,
            row.sender,
            row.pair_id,
        )
        for row in queue_rows
    ]
    assert [item.outcome for item in inbox.store.review_items()] == ["rejected", "unclear"]


def test_a_skipped_key_counts_as_decided_and_is_recorded_once(tmp_path: Path) -> None:
    """A key recorded as skipped is reported by keys_present, and skipping it again is harmless."""
    with SqliteStore.open(tmp_path / "s.sqlite3") as store:
        now = datetime(2026, 11, 30, 8, tzinfo=UTC)
        store.skip("digest:2026-11-30", now=now, why="nothing to report")
        store.skip("digest:2026-11-30", now=now, why="nothing to report")
        assert store.keys_present(["digest:2026-11-30", "digest:2026-12-07"]) == {
            "digest:2026-11-30"
        }
        assert store.last_key_like("digest:") is None


# History stamped while the clock ran ahead

YEARS_AHEAD = T0 + 5 * 365 * DAY
"""An instant the clock may show for a while: a bad hardware clock at boot, a restored VM."""


def _send_pending(inbox: Inbox, at: datetime) -> None:
    """The sender takes the pending check-in and the mail server accepts it at `at`."""
    row = claim_next(inbox.store, now=at)
    assert row is not None
    mark_sent(inbox.store, row.id, now=at)


STAMPED: dict[str, Callable[[Inbox, datetime], object]] = {
    "check-in queued": lambda inbox, at: queue(inbox.store, "c-at", period=at.date(), now=at),
    "pending check-in sent": _send_pending,
    "skip": lambda inbox, at: inbox.reply(Outcome.SKIP, now=at),
    "not yet": lambda inbox, at: inbox.reply(Outcome.NOT_MET, now=at),
    "unclear": lambda inbox, at: inbox.reply(Outcome.UNCLEAR, now=at),
    "pause": lambda inbox, at: inbox.reply(Outcome.PAUSE, now=at, pause_until=at.date() + DAY),
    "end": lambda inbox, at: inbox.reply(Outcome.END, now=at),
}


def _before_the_jump(inbox: Inbox) -> None:
    """A check-in sent three days before T0 and one queued an hour before it, still pending."""
    queue(inbox.store, "c1", period=date(2026, 3, 9), now=T0 - 3 * DAY)
    _send_pending(inbox, T0 - 3 * DAY)
    queue(inbox.store, "c2", period=date(2026, 3, 12), now=T0 - timedelta(hours=1))


@pytest.mark.parametrize("write", STAMPED.values(), ids=STAMPED.keys())
def test_history_stamped_years_after_now_is_left_out(
    inbox: Inbox, write: Callable[[Inbox, datetime], object]
) -> None:
    """Whatever was recorded while the clock showed a time years ahead is not in the history
    read as of `now`, which stays as it was before; read without `now`, it is."""
    _before_the_jump(inbox)
    before = inbox.store.pair_histories(now=T0)
    write(inbox, YEARS_AHEAD)
    assert inbox.store.pair_histories(now=T0) == before
    assert inbox.store.pair_histories() != before


@pytest.mark.parametrize("write", STAMPED.values(), ids=STAMPED.keys())
def test_history_stamped_within_the_margin_after_now_counts(
    inbox: Inbox, write: Callable[[Inbox, datetime], object]
) -> None:
    """What is stamped less than `STAMPED_AHEAD` after `now` (a clock stepped back a few
    minutes) still counts."""
    _before_the_jump(inbox)
    write(inbox, T0 + STAMPED_AHEAD - timedelta(minutes=1))
    assert inbox.store.pair_histories(now=T0) == inbox.store.pair_histories()


def test_a_checkin_sent_while_the_clock_ran_ahead_counts_from_when_it_was_queued(
    inbox: Inbox,
) -> None:
    """A check-in queued before the clock jumped ahead and sent during the jump keeps its
    period, and counts as sent when it was queued (still on its way, as of `now`)."""
    _before_the_jump(inbox)
    _send_pending(inbox, YEARS_AHEAD)
    assert inbox.store.pair_histories(now=T0) == {
        PAIR: PairHistory(
            last_checkin=date(2026, 3, 12),
            asked=(date(2026, 3, 9), date(2026, 3, 12)),
            last_sent_at=T0 - timedelta(hours=1),
            pending=(date(2026, 3, 12),),
        )
    }
