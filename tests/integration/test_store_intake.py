"""The store's reply intake against real SQLite files: inbound log, watermarks and meetings."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from collections.abc import Sequence
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder_service.core.digest import has_news
from reminder_service.core.model import DigestFacts, Kind, Outgoing, PairHistory, Planned
from reminder_service.core.replies.mime import ParsedMail, read_mail
from reminder_service.core.replies.verdict import (
    Outcome,
    Reason,
    ReportedMeeting,
    Role,
    SentRef,
    Verdict,
    verdict_json,
)
from reminder_service.digest_survey import DigestSurvey, _digest_facts
from reminder_service.errors import PairErasedError, StoreError
from reminder_service.store import (
    MAX_KEPT_RAW_BYTES,
    InboundItem,
    InboundRow,
    Recorded,
    SqliteStore,
    inbound_dedupe_key,
)
from tests.support.outbox_steps import enqueue

T0 = datetime(2026, 3, 12, 8, 15, tzinfo=UTC)
MET = date(2026, 3, 10)
DAY = timedelta(days=1)
MENTOR = "ana@example.org"
MENTEE = "ben@example.org"
PAIR = "ana-ben"

# Migration 1 exactly as release 1 shipped it, so the upgrade path is tested from real v1 files.
V1_SCHEMA = (
    "PRAGMA application_id = 1380273476",
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
    "PRAGMA user_version = 1",
)


def met(
    on: date = MET,
    *,
    stated: bool = True,
    minutes: int | None = None,
    sender: str = MENTOR,
    role: Role = "mentor",
    message_id: str | None = "<r1@mail.example.org>",
    pair_id: str = PAIR,
    outcome: Outcome = Outcome.MEETING,
) -> Verdict:
    """A verdict saying the pair met (with a pause or an end asked for, by `outcome`)."""
    return Verdict(
        outcome=outcome,
        pair_id=pair_id,
        sender_role=role,
        meeting=ReportedMeeting(date=on, date_stated=stated, duration_minutes=minutes),
        text="We met, it went well.",
        sender=sender,
        message_id=message_id,
    )


def other(outcome: Outcome, *, message_id: str | None = "<x1@mail.example.org>") -> Verdict:
    """A verdict with no meeting, with the reason a parser would give for that outcome."""
    reasons = {
        Outcome.IGNORED: Reason.AUTO_REPLY,
        Outcome.REJECTED: Reason.SENDER_NOT_IN_PAIR,
        Outcome.UNMATCHED: Reason.NO_REFERENCE,
        Outcome.UNCLEAR: Reason.NOT_UNDERSTOOD,
    }
    return Verdict(
        outcome=outcome,
        pair_id=None if outcome is Outcome.UNMATCHED else PAIR,
        reason=reasons.get(outcome),
        text=f"the {outcome.value} reply",
        sender="someone@example.net",
        message_id=message_id,
    )


def bounce(*failing: str, message_id: str) -> Verdict:
    """A delivery report naming the addresses that failed."""
    return Verdict(
        outcome=Outcome.IGNORED,
        reason=Reason.BOUNCE,
        sender="MAILER-DAEMON@mx.example.org",
        message_id=message_id,
        failing_addresses=failing,
    )


def raw_of(verdict: Verdict) -> bytes:
    """Message bytes that differ per Message-ID."""
    return f"Message-ID: {verdict.message_id}\r\nSubject: Re\r\n\r\n{verdict.text}\r\n".encode()


def record(
    store: SqliteStore,
    verdict: Verdict,
    *,
    uid: int,
    raw: bytes | None = None,
    folder: str = "INBOX",
    uidvalidity: int = 7,
    keep_text: bool = False,
    now: datetime = T0,
) -> Recorded:
    """Record one message as the mailbox listener does."""
    return store.record_inbound(
        folder=folder,
        uidvalidity=uidvalidity,
        uid=uid,
        raw=raw_of(verdict) if raw is None else raw,
        verdict=verdict,
        now=now,
        keep_text=keep_text,
    )


def inbound_rows(db_path: Path) -> list[dict[str, object]]:
    """Every inbound row by column name, as a second connection sees it."""
    other_connection = sqlite3.connect(db_path)
    other_connection.row_factory = sqlite3.Row
    try:
        rows = other_connection.execute("SELECT * FROM inbound ORDER BY id").fetchall()
    finally:
        other_connection.close()
    return [dict(row) for row in rows]


def only_inbound(store: SqliteStore, *, outcome: Outcome) -> InboundRow:
    """The one review-queue row, checked to have the given outcome."""
    (row,) = store.review_queue()
    assert row.outcome is outcome
    return row


# Migration


def test_a_v1_database_with_data_is_migrated_and_keeps_its_rows(db_path: Path) -> None:
    """A release-1 file with an email and a meeting opens at schema 3 with both intact."""
    with sqlite3.connect(db_path) as raw:
        for statement in V1_SCHEMA:
            raw.execute(statement)
        raw.execute(
            "INSERT INTO outbox (key, pair_id, kind, period, message_id, sender, recipients, "
            "message, state, next_attempt_at, created_at, updated_at) VALUES ('k1', 'ana-ben', "
            "'checkin', '2026-03-01', '<c1@reminders.example.org>', 'r@example.org', '[]', "
            "x'00', 'sent', ?, ?, ?)",
            (T0.isoformat(),) * 3,
        )
        raw.execute(
            "INSERT INTO meetings (pair_id, met_on, duration_minutes, reported_by, "
            "source_message_id, created_at) VALUES ('ana-ben', '2026-03-05', 30, ?, NULL, ?)",
            (MENTOR, T0.isoformat()),
        )
    raw.close()
    with SqliteStore.open(db_path) as store:
        assert store.schema_version == 16
        assert [row.key for row in store.outbox()] == ["k1"]
        (meeting,) = store.meetings()
        assert (meeting.met_on, meeting.duration_minutes, meeting.date_stated) == (
            date(2026, 3, 5),
            30,
            True,
        )
        assert store.pair_histories() == {
            PAIR: PairHistory(
                last_meeting=date(2026, 3, 5), last_checkin=date(2026, 3, 1), last_sent_at=T0
            )
        }
        assert store.sent_ref("<c1@reminders.example.org>") == SentRef(PAIR, "checkin", "k1")
        merged = record(store, met(date(2026, 3, 5), minutes=45), uid=1)
        assert (merged.meeting_id, merged.meeting_is_new) == (meeting.id, False)


# Recording and dedupe


def test_a_message_id_is_recorded_once_whatever_its_case_or_spacing(store: SqliteStore) -> None:
    """The same Message-ID fetched again, even with other bytes, is a duplicate of the first."""
    first = record(store, met(message_id="<R1@Mail.example.org>"), uid=1)
    again = record(store, met(message_id=" <r1@mail.example.org>\n"), uid=2, raw=b"other")
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.inbound_id == first.inbound_id
    assert (again.meeting_id, again.meeting_is_new) == (first.meeting_id, False)
    assert len(store.meetings()) == 1
    assert store.watermark(folder="INBOX", uidvalidity=7) == 2


def _message_id(raw: bytes) -> str | None:
    mail = read_mail(raw)
    assert isinstance(mail, ParsedMail)
    return mail.message_id


def test_two_copies_of_a_reply_with_a_utf8_message_id_are_one_message(
    store: SqliteStore,
) -> None:
    """Two delivered copies of one reply whose Message-ID is not ASCII, differing only in
    Delivered-To, are recorded once."""
    body = "Message-ID: <réponse-1@exemple.fr>\r\nFrom: bo@example.org\r\n\r\nHmm\r\n".encode()
    copies = [
        b"Delivered-To: replies@x.example\r\n" + body,
        b"Delivered-To: c@x.example\r\n" + body,
    ]
    recorded = [
        record(store, other(Outcome.UNCLEAR, message_id=_message_id(raw)), uid=uid, raw=raw)
        for uid, raw in enumerate(copies, 1)
    ]
    assert [result.duplicate for result in recorded] == [False, True]


def test_without_a_message_id_the_bytes_decide(store: SqliteStore, db_path: Path) -> None:
    """Messages without a Message-ID are the same only when their bytes are."""
    verdict = other(Outcome.UNCLEAR, message_id=None)
    first = record(store, verdict, uid=1, raw=b"We did it")
    same = record(store, verdict, uid=2, raw=b"We did it")
    different = record(store, verdict, uid=3, raw=b"We did it!")
    assert (first.duplicate, same.duplicate, different.duplicate) == (False, True, False)
    assert len(inbound_rows(db_path)) == 2
    keys = {row.dedupe_key for row in store.review_queue()}
    assert "sha256:" + hashlib.sha256(b"We did it").hexdigest() in keys
    assert inbound_dedupe_key("  ", b"x") == "sha256:" + hashlib.sha256(b"x").hexdigest()


def test_a_rescan_under_a_new_uidvalidity_only_advances_its_watermark(store: SqliteStore) -> None:
    """After UIDVALIDITY changes, a message seen before is a duplicate, counted in the new scan."""
    first = record(store, met(), uid=40, uidvalidity=7)
    rescanned = record(store, met(), uid=3, uidvalidity=8)
    assert rescanned == replace(first, duplicate=True, meeting_is_new=False)
    assert store.watermark(folder="INBOX", uidvalidity=8) == 3
    assert store.watermark(folder="INBOX", uidvalidity=7) == 40
    assert store.unmarked_uids(folder="INBOX", uidvalidity=8) == []
    assert len(store.meetings()) == 1


def test_a_batch_sees_its_own_earlier_items(store: SqliteStore) -> None:
    """A reply-all reaching two of our addresses in one batch is recorded once."""
    item = InboundItem(
        folder="INBOX", uidvalidity=7, uid=1, raw=b"m", verdict=met(), keep_text=False
    )
    first, second = store.record_inbound_batch([item, replace(item, uid=2)], now=T0)
    assert (first.duplicate, second.duplicate) == (False, True)
    assert second.meeting_id == first.meeting_id
    assert store.watermark(folder="INBOX", uidvalidity=7) == 2


def test_the_stored_verdict_is_the_explain_reply_json(store: SqliteStore) -> None:
    """The verdict is kept as the same JSON `explain-reply` prints, with who sent it."""
    verdict = replace(other(Outcome.REJECTED), text="Wir haben uns getroffen — 45 Min.")
    record(store, verdict, uid=1)
    row = only_inbound(store, outcome=Outcome.REJECTED)
    assert json.loads(row.verdict_json) == verdict_json(verdict)
    assert (row.sender, row.pair_id, row.reason) == (
        "someone@example.net",
        PAIR,
        Reason.SENDER_NOT_IN_PAIR,
    )
    assert (row.received_at, row.reviewed_at, row.marked) == (T0, None, False)


# Meetings


def test_mentor_and_mentee_reporting_the_same_date_make_one_meeting(store: SqliteStore) -> None:
    """Both members reporting the same date log one meeting, credited to the first."""
    first = record(store, met(minutes=45), uid=1)
    second = record(
        store, met(sender=MENTEE, role="mentee", message_id="<r2@mail.example.org>"), uid=2
    )
    assert (first.meeting_is_new, second.meeting_is_new) == (True, False)
    assert second.meeting_id == first.meeting_id
    (meeting,) = store.meetings()
    assert (meeting.met_on, meeting.duration_minutes, meeting.reported_by) == (MET, 45, MENTOR)
    assert meeting.source_message_id == "<r1@mail.example.org>"


@pytest.mark.parametrize("offset_days", [-3, -1, 1, 3])
@pytest.mark.parametrize("stated_first", [True, False], ids=["stated-first", "unstated-first"])
def test_a_stated_and_an_assumed_date_close_together_are_one_meeting(
    store: SqliteStore, offset_days: int, *, stated_first: bool
) -> None:
    """A report without a date within 3 days of a dated one joins it, and the stated date wins."""
    stated = met(MET, stated=True)
    assumed = met(
        MET + offset_days * DAY, stated=False, sender=MENTEE, message_id="<r2@mail.example.org>"
    )
    first, second = (stated, assumed) if stated_first else (assumed, stated)
    one = record(store, first, uid=1)
    two = record(store, second, uid=2)
    assert two.meeting_id == one.meeting_id
    (meeting,) = store.meetings()
    assert (meeting.met_on, meeting.date_stated) == (MET, True)


def test_two_assumed_dates_close_together_keep_the_first(store: SqliteStore) -> None:
    """Two reports without dates two days apart are one meeting, still without a stated date."""
    record(store, met(MET, stated=False), uid=1)
    record(store, met(MET + 2 * DAY, stated=False, message_id="<r2@mail.example.org>"), uid=2)
    (meeting,) = store.meetings()
    assert (meeting.met_on, meeting.date_stated) == (MET, False)


@pytest.mark.parametrize(
    ("second_on", "second_stated"),
    [(MET + 4 * DAY, False), (MET - 4 * DAY, False), (MET + DAY, True), (MET + 30 * DAY, True)],
    ids=["assumed-4-days-later", "assumed-4-days-earlier", "stated-next-day", "next-month"],
)
def test_different_meetings_stay_apart(
    store: SqliteStore, second_on: date, *, second_stated: bool
) -> None:
    """Two stated dates, or dates more than 3 days apart, are two meetings."""
    record(store, met(MET), uid=1)
    second = met(second_on, stated=second_stated, message_id="<r2@mail.example.org>")
    assert record(store, second, uid=2).meeting_is_new
    assert sorted(m.met_on for m in store.meetings()) == sorted([MET, second_on])


@pytest.mark.parametrize(
    ("second_on", "sender", "one_meeting"),
    [
        (MET + DAY, MENTEE, True),
        (MET - DAY, MENTEE, True),
        (MET + 2 * DAY, MENTEE, False),
        (MET + DAY, MENTOR, False),
        (MET - DAY, MENTOR.upper(), False),
    ],
    ids=["other-next-day", "other-day-before", "other-2-days", "same-next-day", "same-before"],
)
def test_the_other_member_dating_a_meeting_a_day_apart_joins_it(
    store: SqliteStore, second_on: date, sender: str, *, one_meeting: bool
) -> None:
    """The other member's stated date a day off joins the meeting (one call across midnight
    between Los Angeles and Auckland), keeping the first date; the same member's does not."""
    record(store, met(MET, minutes=60), uid=1)
    second = met(second_on, sender=sender, message_id="<r2@mail.example.org>")
    assert record(store, second, uid=2).meeting_is_new is not one_meeting
    expected = [MET] if one_meeting else sorted([MET, second_on])
    assert [m.met_on for m in store.meetings()] == expected


def test_the_same_member_in_either_spelling_of_their_domain_never_joins_a_day_apart(
    store: SqliteStore,
) -> None:
    """A member's second report a day apart, from the xn-- spelling of their domain, is
    still the same member's: a new meeting, not the other member's view of the first."""
    record(store, met(MET, sender="ana@bücher.example"), uid=1)
    second = met(MET + DAY, sender="ana@xn--bcher-kva.example", message_id="<r2@mail.example.org>")
    assert record(store, second, uid=2).meeting_is_new
    assert [m.met_on for m in store.meetings()] == [MET, MET + DAY]


def test_the_closest_meeting_is_joined(store: SqliteStore) -> None:
    """A report without a date between two meetings joins the nearer one."""
    record(store, met(MET), uid=1)
    far = record(store, met(MET + 4 * DAY, message_id="<r2@mail.example.org>"), uid=2)
    near = met(MET + 3 * DAY, stated=False, minutes=20, message_id="<r3@mail.example.org>")
    assert record(store, near, uid=3).meeting_id == far.meeting_id
    assert [(m.met_on, m.duration_minutes) for m in store.meetings()] == [
        (MET, None),
        (MET + 4 * DAY, 20),
    ]


def test_a_missing_duration_is_filled_in_but_never_overwritten(store: SqliteStore) -> None:
    """The first duration reported for a meeting sticks; later ones only fill a gap."""
    record(store, met(minutes=None), uid=1)
    record(store, met(minutes=60, message_id="<r2@mail.example.org>"), uid=2)
    record(store, met(minutes=90, message_id="<r3@mail.example.org>"), uid=3)
    assert [m.duration_minutes for m in store.meetings()] == [60]


def test_other_pairs_meetings_are_never_joined(store: SqliteStore) -> None:
    """Two pairs meeting the same day are two meetings."""
    record(store, met(), uid=1)
    record(store, met(pair_id="cy-dee", message_id="<r2@mail.example.org>"), uid=2)
    assert sorted(m.pair_id for m in store.meetings()) == [PAIR, "cy-dee"]


def test_each_report_links_to_its_meeting(store: SqliteStore, db_path: Path) -> None:
    """The meeting remembers the message that logged it; every report, the meeting it joined."""
    first = record(store, met(), uid=1)
    record(store, met(sender=MENTEE, message_id="<r2@mail.example.org>"), uid=2)
    links = [(row["id"], row["meeting_id"]) for row in inbound_rows(db_path)]
    assert links == [(first.inbound_id, first.meeting_id), (first.inbound_id + 1, first.meeting_id)]
    inbound_id = store._db.execute("SELECT inbound_id FROM meetings").fetchone()[0]
    assert inbound_id == first.inbound_id


def test_meetings_filter_by_pair_and_date_and_skip_removed(store: SqliteStore) -> None:
    """The meeting list is ordered by date met, filters by pair and start date, omits removed."""
    for uid, (pair_id, on) in enumerate(
        [(PAIR, MET), ("cy-dee", MET - 9 * DAY), (PAIR, MET - 20 * DAY), (PAIR, MET + 9 * DAY)],
        start=1,
    ):
        record(store, met(on, pair_id=pair_id, message_id=f"<r{uid}@m>"), uid=uid)
    store._db.execute(
        "UPDATE meetings SET removed_at = ? WHERE met_on = ?", (T0.isoformat(), "2026-03-19")
    )
    assert [m.met_on for m in store.meetings()] == [MET - 20 * DAY, MET - 9 * DAY, MET]
    assert [m.met_on for m in store.meetings(pair_id=PAIR, since=MET - 9 * DAY)] == [MET]
    assert store.meetings(pair_id="nobody") == []


def test_removed_meetings_do_not_count_for_scheduling(store: SqliteStore) -> None:
    """A meeting removed after a dispute no longer sets the pair's last meeting."""
    record(store, met(MET - 20 * DAY, message_id="<r1@m>"), uid=1)
    latest = record(store, met(MET, message_id="<r2@m>"), uid=2)
    store._db.execute(
        "UPDATE meetings SET removed_at = ? WHERE id = ?", (T0.isoformat(), latest.meeting_id)
    )
    assert store.pair_histories() == {PAIR: PairHistory(last_meeting=MET - 20 * DAY)}


def test_a_meeting_verdict_without_its_pair_is_refused(store: SqliteStore, db_path: Path) -> None:
    """A meeting verdict that names no pair is a bug: it raises and writes nothing."""
    with pytest.raises(ValueError, match="must name its pair"):
        record(store, replace(met(), pair_id=None), uid=1)
    assert inbound_rows(db_path) == []
    assert store.watermark(folder="INBOX", uidvalidity=7) == 0


# What is kept


@pytest.mark.parametrize("keep_text", [False, True])
@pytest.mark.parametrize("outcome", [o for o in Outcome if o is not Outcome.MEETING])
def test_text_is_kept_for_review_or_when_the_program_keeps_notes(
    store: SqliteStore, db_path: Path, outcome: Outcome, *, keep_text: bool
) -> None:
    """The reply text is stored when the program keeps notes or a coordinator must review it."""
    record(store, other(outcome), uid=1, keep_text=keep_text)
    stored_text = inbound_rows(db_path)[0]["text"]
    review = outcome in {Outcome.REJECTED, Outcome.UNMATCHED, Outcome.UNCLEAR}
    assert stored_text == (f"the {outcome.value} reply" if keep_text or review else None)


@pytest.mark.parametrize("keep_text", [False, True])
def test_meeting_notes_follow_the_program(
    store: SqliteStore, db_path: Path, *, keep_text: bool
) -> None:
    """A meeting reply's text is kept only when the program asks for notes."""
    record(store, met(), uid=1, keep_text=keep_text)
    assert inbound_rows(db_path)[0]["text"] == ("We met, it went well." if keep_text else None)


@pytest.mark.parametrize("keep_text", [False, True])
def test_the_stored_verdict_keeps_a_meeting_replys_words_only_with_notes(
    store: SqliteStore, db_path: Path, *, keep_text: bool
) -> None:
    """The verdict stored with a meeting reply holds its words only when the program keeps
    notes, like the text column."""
    record(store, met(), uid=1, keep_text=keep_text)
    stored = json.loads(str(inbound_rows(db_path)[0]["verdict_json"]))
    assert stored["text"] == ("We met, it went well." if keep_text else None)
    assert stored["meeting"]["date"] == MET.isoformat()


def test_upgrading_blanks_the_words_left_in_old_verdicts(db_path: Path) -> None:
    """Opening a schema-13 file removes the words from stored verdicts whose text was not
    kept, and leaves those whose text was."""
    with SqliteStore.open(db_path) as store:
        record(store, met(), uid=1)
        record(store, met(message_id="<r2@mail.example.org>"), uid=2, keep_text=True)
    with closing(sqlite3.connect(db_path)) as raw, raw:
        raw.execute("UPDATE inbound SET verdict_json = json_set(verdict_json, '$.text', 'old')")
        raw.execute("DROP INDEX inbound_kept_raw")
        raw.execute("DROP INDEX inbound_reviewed_words")
        raw.execute("DROP TABLE erased_pairs")
        raw.execute("ALTER TABLE outbox DROP COLUMN first_failed_at")
        raw.execute("PRAGMA user_version = 13")
    with SqliteStore.open(db_path):
        rows = inbound_rows(db_path)
    assert [json.loads(str(row["verdict_json"]))["text"] for row in rows] == [None, "old"]


@pytest.mark.parametrize("keep_text", [False, True])
def test_a_meeting_replys_subject_follows_the_program(
    store: SqliteStore, db_path: Path, *, keep_text: bool
) -> None:
    """A meeting reply's Subject is kept only when the program asks for notes, like its text."""
    record(store, replace(met(), subject="Re: Check-in"), uid=1, keep_text=keep_text)
    assert inbound_rows(db_path)[0]["subject"] == ("Re: Check-in" if keep_text else None)


@pytest.mark.parametrize(
    ("outcome", "size", "kept"),
    [
        (Outcome.UNCLEAR, 100, True),
        (Outcome.REJECTED, MAX_KEPT_RAW_BYTES, True),
        (Outcome.UNMATCHED, MAX_KEPT_RAW_BYTES + 1, False),
        (Outcome.IGNORED, 100, False),
        (Outcome.SKIP, 100, False),
    ],
)
def test_raw_bytes_are_kept_only_for_review_and_up_to_one_mebibyte(
    store: SqliteStore, db_path: Path, outcome: Outcome, size: int, *, kept: bool
) -> None:
    """The message itself is kept for review outcomes, unless it is over 1 MiB."""
    raw = b"x" * size
    record(store, other(outcome), uid=1, raw=raw)
    assert inbound_rows(db_path)[0]["raw"] == (raw if kept else None)


# Watermarks and marking on the server


def test_the_watermark_only_rises_and_is_kept_per_mailbox(store: SqliteStore) -> None:
    """A lower UID never lowers the watermark; each folder and UIDVALIDITY has its own."""
    assert store.watermark(folder="INBOX", uidvalidity=7) == 0
    record(store, met(message_id="<a@m>"), uid=10)
    record(store, met(message_id="<b@m>"), uid=4)
    record(store, met(message_id="<c@m>"), uid=6, folder="Replies")
    assert store.watermark(folder="INBOX", uidvalidity=7) == 10
    assert store.watermark(folder="Replies", uidvalidity=7) == 6
    assert store.watermark(folder="INBOX", uidvalidity=9) == 0


def test_recorded_messages_wait_to_be_marked(store: SqliteStore) -> None:
    """Recorded messages are listed as unmarked until set_marked says the server has them."""
    for uid in (3, 1, 2):
        record(store, other(Outcome.IGNORED, message_id=f"<{uid}@m>"), uid=uid)
    record(store, other(Outcome.IGNORED, message_id="<9@m>"), uid=9, uidvalidity=8)
    assert store.unmarked_uids(folder="INBOX", uidvalidity=7) == [1, 2, 3]
    store.set_marked(folder="INBOX", uidvalidity=7, uids=[1, 3, 77])
    assert store.unmarked_uids(folder="INBOX", uidvalidity=7) == [2]
    assert store.unmarked_uids(folder="INBOX", uidvalidity=8) == [9]
    assert store.unmarked_uids(folder="Other", uidvalidity=7) == []


def test_a_crash_before_marking_leaves_the_message_to_mark(db_path: Path) -> None:
    """A message recorded but not marked before the process died is still listed after restart."""
    with SqliteStore.open(db_path) as store:
        record(store, met(), uid=5)
        assert len(inbound_rows(db_path)) == 1
    with SqliteStore.open(db_path) as store:
        assert store.unmarked_uids(folder="INBOX", uidvalidity=7) == [5]
        assert store.watermark(folder="INBOX", uidvalidity=7) == 5
        assert record(store, met(), uid=5).duplicate


# Batches


def test_a_failing_batch_writes_nothing(store: SqliteStore, db_path: Path) -> None:
    """An item that breaks a constraint rolls back the whole batch, earlier items included."""
    good = InboundItem(
        folder="INBOX", uidvalidity=7, uid=1, raw=b"a", verdict=met(), keep_text=True
    )
    unclear = replace(good, uid=2, raw=b"b", verdict=other(Outcome.UNCLEAR))
    zero_minutes = replace(good, uid=3, verdict=met(minutes=0, message_id="<r3@m>"))
    with pytest.raises(StoreError):
        store.record_inbound_batch([good, unclear, zero_minutes], now=T0)
    assert inbound_rows(db_path) == []
    assert store.meetings() == []
    assert store.watermark(folder="INBOX", uidvalidity=7) == 0
    recorded = store.record_inbound_batch([good, unclear], now=T0)
    assert [r.duplicate for r in recorded] == [False, False]


def test_a_batch_naming_a_pair_erased_since_it_was_read_writes_nothing(
    store: SqliteStore, db_path: Path
) -> None:
    """A batch whose verdict names a pair that forget erased meanwhile is refused whole with
    PairErasedError, writing no message, meeting or watermark under the erased id."""
    store.forget_pair(PAIR, keep_if_unsent=True)
    good = InboundItem(
        folder="INBOX",
        uidvalidity=7,
        uid=1,
        raw=b"a",
        verdict=other(Outcome.UNMATCHED),
        keep_text=True,
    )
    meeting = replace(good, uid=2, raw=b"b", verdict=met())
    with pytest.raises(PairErasedError) as refused:
        store.record_inbound_batch([good, meeting], now=T0)
    assert refused.value.pair_ids == {PAIR}
    assert inbound_rows(db_path) == []
    assert store.meetings() == []
    assert store.watermark(folder="INBOX", uidvalidity=7) == 0


def test_a_naive_time_is_refused_before_writing(store: SqliteStore, db_path: Path) -> None:
    """Recording with a time without a zone raises ValueError and writes nothing."""
    with pytest.raises(ValueError, match="aware"):
        record(store, met(), uid=1, now=datetime(2026, 3, 12, 8, 15))  # noqa: DTZ001
    assert inbound_rows(db_path) == []


# Lookups and review


def test_sent_ref_finds_our_message_ids_in_any_case(store: SqliteStore) -> None:
    """Our own Message-ID, in any letter case, names the pair, kind and key of the email."""
    enqueue(
        store,
        Outgoing(
            key="k1",
            pair_id=PAIR,
            kind="checkin",
            period=MET,
            message_id="<Abc.123@Reminders.example.org>",
            sender="reminders@example.org",
            recipients=(MENTOR, MENTEE),
            message=b"Subject: Check-in\r\n\r\nHello\r\n",
        ),
        now=T0,
    )
    expected = SentRef(pair_id=PAIR, kind="checkin", key="k1")
    assert store.sent_ref("<abc.123@reminders.example.org>") == expected
    assert store.sent_ref(" <ABC.123@REMINDERS.EXAMPLE.ORG>") == expected
    assert store.sent_ref("<abc.124@reminders.example.org>") is None


def test_the_review_queue_lists_unreviewed_problems_oldest_first(store: SqliteStore) -> None:
    """Rejected, unmatched and unclear messages wait for review, oldest first, until reviewed."""
    record(store, other(Outcome.UNCLEAR, message_id="<u@m>"), uid=1, now=T0 + DAY)
    record(store, other(Outcome.REJECTED, message_id="<r@m>"), uid=2, now=T0)
    record(store, other(Outcome.UNMATCHED, message_id="<n@m>"), uid=3, now=T0 + 2 * DAY)
    record(store, other(Outcome.IGNORED, message_id="<i@m>"), uid=4)
    meeting = record(store, met(), uid=5)
    queue = store.review_queue()
    assert [row.uid for row in queue] == [2, 1, 3]
    assert queue[0].raw == raw_of(other(Outcome.REJECTED, message_id="<r@m>"))
    assert store.mark_reviewed(queue[0].id, now=T0 + 3 * DAY)
    assert not store.mark_reviewed(queue[0].id, now=T0 + 4 * DAY)
    assert [row.uid for row in store.review_queue()] == [1, 3]
    with pytest.raises(StoreError, match="no message #999 in the review queue"):
        store.mark_reviewed(999, now=T0)
    with pytest.raises(StoreError, match="no message #"):
        store.mark_reviewed(meeting.inbound_id, now=T0)


def test_the_digest_lists_review_items_new_in_its_period_and_counts_older_ones(
    store: SqliteStore,
) -> None:
    """An unreviewed message is news in the digest of its week only; later digests count it
    as still waiting, until it is marked reviewed."""
    record(store, other(Outcome.UNMATCHED, message_id="<spam@m>"), uid=1, now=T0)
    first = _store_facts(store, since=T0 - 7 * DAY, until=T0 + DAY)
    assert [item.outcome for item in first.review] == ["unmatched"]
    assert (first.review_older, has_news(first)) == (0, True)
    for week in range(1, 20):
        since = T0 + week * 7 * DAY
        later = _store_facts(store, since=since, until=since + 7 * DAY)
        assert (later.review, later.review_older, has_news(later)) == ((), 1, False)
    store.mark_reviewed(first.review[0].inbound_id, now=T0 + DAY)
    last = _store_facts(store, since=T0 + DAY, until=T0 + 8 * DAY)
    assert last.review_older == 0


def test_what_is_logged_while_a_digest_is_gathered_is_in_the_next_digest_only(
    store: SqliteStore,
) -> None:
    """A digest gathered late reads the store up to its scheduled moment, where the next one
    starts, so each meeting, dispute, unsure send and reply to review is in one digest."""
    monday = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)
    logged = monday + 12 * timedelta(hours=1)
    record(store, met(on=date(2026, 3, 16)), uid=1, now=logged)
    record(store, other(Outcome.UNCLEAR, message_id="<u@m>"), uid=2, now=logged)
    this_week = _survey(store, since=monday - 7 * DAY, due_at=monday)
    next_week = _survey(store, since=monday, due_at=monday + 7 * DAY)
    assert (len(this_week.meetings), len(this_week.review), this_week.review_older) == (0, 0, 0)
    assert (len(next_week.meetings), len(next_week.review), next_week.review_older) == (1, 1, 0)


def _survey(store: SqliteStore, *, since: datetime, due_at: datetime) -> DigestFacts:
    """The store's facts for the digest scheduled at `due_at`, gathered once every pair was read."""
    planned = Planned(
        kind=Kind.DIGEST, pair_id=None, key="digest:x", due_at=due_at, reason="weekly"
    )
    survey = DigestSurvey(planned=planned, since=since, pairs=())
    return survey.facts(store, reload_errors=())


def _store_facts(store: SqliteStore, *, since: datetime, until: datetime) -> DigestFacts:
    """The store's part of a digest covering `since` up to `until`."""
    return _digest_facts(
        store, since=since, until=until, reload_errors=(), overdue=(), differences=()
    )


def test_failing_addresses_come_from_bounces_with_when_last_seen(store: SqliteStore) -> None:
    """Each address a bounce reported is listed once, lowercased, with its latest bounce."""
    record(store, bounce("Ana@Example.org", message_id="<b1@mx>"), uid=1, now=T0)
    record(
        store, bounce("ana@example.org", "x@example.net", message_id="<b2@mx>"), uid=2, now=T0 + DAY
    )
    record(store, met(), uid=3, now=T0 + 2 * DAY)
    assert store.failing_addresses() == [
        ("ana@example.org", T0 + DAY),
        ("x@example.net", T0 + DAY),
    ]


# Any sequence


MESSAGE_IDS = (None, "<a@m>", "<A@M> ", "<b@m>", "<c@m>", "<d@m>")
RAWS = (b"one", b"two", b"three")
meeting_verdicts = st.builds(
    met,
    st.dates(min_value=MET - 6 * DAY, max_value=MET + 6 * DAY),
    stated=st.booleans(),
    minutes=st.none() | st.integers(min_value=1, max_value=120),
    sender=st.sampled_from([MENTOR, MENTEE]),
    message_id=st.sampled_from(MESSAGE_IDS),
    pair_id=st.sampled_from([PAIR, "cy-dee"]),
    outcome=st.sampled_from([Outcome.MEETING, Outcome.PAUSE, Outcome.END]),
)
other_verdicts = st.builds(
    other,
    st.sampled_from([o for o in Outcome if o is not Outcome.MEETING]),
    message_id=st.sampled_from(MESSAGE_IDS),
)
items = st.builds(
    InboundItem,
    folder=st.just("INBOX"),
    uidvalidity=st.sampled_from([7, 8]),
    uid=st.integers(min_value=1, max_value=50),
    raw=st.sampled_from(RAWS),
    verdict=meeting_verdicts | other_verdicts,
    keep_text=st.booleans(),
)


def store_state(store: SqliteStore) -> tuple[object, ...]:
    """Everything intake writes, for comparing before and after a replay."""
    return tuple(
        store._db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        for table in ("inbound", "meetings", "watermarks")
    )


def check_meetings(store: SqliteStore, recorded: dict[str, tuple[Verdict, Recorded]]) -> None:
    """One meeting per pair and date; a stated date is kept exactly (or a day off, when the
    other member dated the meeting first), an assumed one stays near.

    An assumed date can join an assumed meeting up to 3 days away that a stated report then
    moves up to 3 days further, hence 6 days.
    """
    meetings = {m.id: m for m in store.meetings()}
    assert len({(m.pair_id, m.met_on) for m in meetings.values()}) == len(meetings)
    for verdict, result in recorded.values():
        if verdict.meeting is None:
            assert result.meeting_id is None
            continue
        meeting = meetings[result.meeting_id or 0]
        assert meeting.pair_id == verdict.pair_id
        assert abs(meeting.met_on - verdict.meeting.date) <= 6 * DAY
        if verdict.meeting.date_stated and meeting.met_on != verdict.meeting.date:
            assert abs(meeting.met_on - verdict.meeting.date) == DAY
            assert meeting.reported_by != verdict.sender


@settings(max_examples=60)
@given(batches=st.lists(st.lists(items, max_size=6), max_size=5))
def test_any_sequence_records_each_message_once_and_each_meeting_once(
    batches: Sequence[Sequence[InboundItem]],
) -> None:
    """However messages repeat, there is one row per message and one meeting per pair and date."""
    with tempfile.TemporaryDirectory() as folder, SqliteStore.open(Path(folder) / "r.db") as store:
        first_seen: dict[str, tuple[Verdict, Recorded]] = {}
        for batch in batches:
            for item, result in zip(batch, store.record_inbound_batch(batch, now=T0), strict=True):
                key = inbound_dedupe_key(item.verdict.message_id, item.raw)
                assert result.duplicate is (key in first_seen)
                first_seen.setdefault(key, (item.verdict, result))
        count = store._db.execute("SELECT COUNT(*) FROM inbound").fetchone()[0]
        assert count == len(first_seen)
        check_meetings(store, first_seen)
        before = store_state(store)
        for batch in batches:
            assert all(r.duplicate for r in store.record_inbound_batch(batch, now=T0 + DAY))
        assert store_state(store) == before


def test_mail_that_is_not_ours_is_never_listed_for_marking(tmp_path: Path) -> None:
    """An item recorded with needs_mark False never shows up among the UIDs left to mark."""
    with SqliteStore.open(tmp_path / "s.sqlite3") as store:
        store.record_inbound_batch(
            [
                InboundItem(
                    folder="INBOX",
                    uidvalidity=7,
                    uid=1,
                    raw=b"Subject: not ours\r\n\r\nhello\r\n",
                    verdict=Verdict(outcome=Outcome.UNMATCHED, reason=Reason.NO_REFERENCE),
                    keep_text=False,
                    needs_mark=False,
                ),
                InboundItem(
                    folder="INBOX",
                    uidvalidity=7,
                    uid=2,
                    raw=b"Subject: ours\r\n\r\nyes\r\n",
                    verdict=Verdict(outcome=Outcome.NOT_MET, pair_id="ana-ben"),
                    keep_text=False,
                ),
            ],
            now=datetime(2026, 11, 25, tzinfo=UTC),
        )
        assert store.unmarked_uids(folder="INBOX", uidvalidity=7) == [2]
