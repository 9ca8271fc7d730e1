"""The whole pipeline: raw bytes to a Verdict, in the order machines, pair, sender, meaning."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.model import DateOrder, Kind, Person
from reminder_service.core.replies.mime import Limits
from reminder_service.core.replies.understand import ReplyContext, understand
from reminder_service.core.replies.verdict import (
    Outcome,
    Reason,
    ReportedMeeting,
    Role,
    SentRef,
    Verdict,
    verdict_json,
)
from reminder_service.core.tokens import make_token, reply_address
from tests.unit.strategies import make_pair, make_program

KEY = b"a deployment secret of reasonable length"
MAILBOX = "mentoring@northwind.example"
NOW = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)
CHECKIN_ID = "<checkin-1@northwind.example>"
CONFIRMATION_ID = "<confirm-1@northwind.example>"
SENT = {
    CHECKIN_ID: SentRef(pair_id="ada-bo", kind="checkin"),
    CONFIRMATION_ID: SentRef(pair_id="ada-bo", kind="confirmation", key="confirmation:42"),
}
PAIR = replace(
    make_pair("ada-bo", zone="Europe/Berlin"),
    mentee=Person(name="Bo Mentee", email="bo@example.org", timezone=ZoneInfo("America/New_York")),
)
CONTEXT = ReplyContext(
    program=make_program(PAIR),
    key=KEY,
    mailbox=MAILBOX,
    our_addresses=frozenset({MAILBOX}),
    now=NOW,
    sent=SENT.get,
)
REPLY_TO = reply_address(MAILBOX, make_token("ada-bo", date(2026, 4, 1), key=KEY))
MENTEE = "Bo Mentee <Bo@Example.org>"
MENTOR = "Ada Mentor <ada@example.org>"


def _reply(
    text: str,
    *,
    sender: str = MENTEE,
    to: str = REPLY_TO,
    sent_at: datetime | None = NOW,
    in_reply_to: str | None = CHECKIN_ID,
    extra: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """A plain-text reply as a mail client would send it."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: Check-in: Ada and Bo"
    message["Message-ID"] = "<reply-1@example.org>"
    if sent_at is not None:
        message["Date"] = format_datetime(sent_at)
    if in_reply_to is not None:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in extra:
        message[name] = value
    message.set_content(text)
    return message.as_bytes()


def _verdict(raw: bytes, *, context: ReplyContext = CONTEXT) -> Verdict:
    return understand(raw, context=context)


@pytest.mark.parametrize(
    ("sender", "role", "met_on"),
    [(MENTEE, "mentee", date(2026, 4, 8)), (MENTOR, "mentor", date(2026, 4, 9))],
)
def test_relative_date_is_read_in_the_senders_zone(sender: str, role: str, met_on: date) -> None:
    """'Yesterday' is the day before the reply's own date in the sender's zone."""
    sent_at = datetime(2026, 4, 10, 2, 30, tzinfo=UTC)  # 9 April in New York, 10 April in Berlin
    raw = _reply("We met yesterday for 45 minutes.", sender=sender, sent_at=sent_at)
    verdict = _verdict(raw)
    assert verdict.outcome is Outcome.MEETING
    assert verdict.sender_role == role
    assert verdict.meeting == ReportedMeeting(date=met_on, date_stated=True, duration_minutes=45)


def test_undated_meeting_takes_the_replys_local_date() -> None:
    """A met-reply without a date is dated the day it was sent, in the sender's zone."""
    sent_at = datetime(2026, 4, 10, 2, 30, tzinfo=UTC)
    verdict = _verdict(_reply("Yes, we met.", sent_at=sent_at))
    assert verdict.meeting == ReportedMeeting(
        date=date(2026, 4, 9), date_stated=False, duration_minutes=None
    )


@pytest.mark.parametrize(
    "sent_at", [None, NOW + timedelta(days=30)], ids=["missing", "a month ahead"]
)
def test_missing_or_future_date_header_uses_now(sent_at: datetime | None) -> None:
    """Without a plausible Date header, relative dates count from the processing time."""
    verdict = _verdict(_reply("We met yesterday.", sent_at=sent_at))
    assert verdict.meeting is not None
    assert verdict.meeting.date == date(2026, 4, 9)


@pytest.mark.parametrize(
    ("order", "met_on"), [("DMY", date(2026, 4, 3)), ("MDY", date(2026, 3, 4))]
)
def test_numeric_dates_follow_the_pairs_date_order(order: DateOrder, met_on: date) -> None:
    """'3/4' is 3 April for a DMY pair and 4 March for an MDY one."""
    pair = replace(PAIR, date_order=order)
    context = replace(CONTEXT, program=make_program(pair))
    verdict = _verdict(_reply("Yes, we met on 3/4 for an hour."), context=context)
    assert verdict.meeting == ReportedMeeting(date=met_on, date_stated=True, duration_minutes=60)


def test_not_yet() -> None:
    """'Not yet' from a pair member is NOT_MET, with no reason and the text kept."""
    verdict = _verdict(_reply("Not yet, sorry!"))
    assert (verdict.outcome, verdict.reason, verdict.pair_id) == (Outcome.NOT_MET, None, "ada-bo")
    assert "Not yet" in verdict.text


def test_words_we_cannot_read_are_unclear() -> None:
    """A pair member's reply we cannot interpret is UNCLEAR/NOT_UNDERSTOOD, text kept."""
    verdict = _verdict(_reply("Blue giraffes are purple on Wednesdays."))
    assert (verdict.outcome, verdict.reason) == (Outcome.UNCLEAR, Reason.NOT_UNDERSTOOD)
    assert verdict.text == "Blue giraffes are purple on Wednesdays."


def test_empty_reply_is_unclear_without_text() -> None:
    """A reply with no words of its own is UNCLEAR/NO_TEXT."""
    verdict = _verdict(_reply("\n"))
    assert (verdict.outcome, verdict.reason, verdict.text) == (Outcome.UNCLEAR, Reason.NO_TEXT, "")


def test_no_to_a_confirmation_is_a_dispute() -> None:
    """'No' answering one of our confirmations disputes it."""
    raw = _reply("No", in_reply_to=CONFIRMATION_ID)
    verdict = _verdict(raw)
    assert verdict.outcome is Outcome.DISPUTE
    assert verdict.answers_key == "confirmation:42"


def test_yes_to_a_confirmation_acknowledges_it() -> None:
    """A "yes" answering a confirmation acknowledges that meeting and reports no new one."""
    verdict = _verdict(_reply("Yes, that's right, thanks!", in_reply_to=CONFIRMATION_ID))
    assert (verdict.outcome, verdict.meeting) == (Outcome.ACKNOWLEDGED, None)
    assert (verdict.answers_key, verdict.answers_kind) == ("confirmation:42", "confirmation")


@pytest.mark.parametrize("text", ["Thanks! Bo was late though", "We'll see", "\n"])
def test_an_unclear_reply_to_a_confirmation_asks_nothing_back(text: str) -> None:
    """An unclear reply to a confirmation stays for review but wants no question back."""
    verdict = _verdict(_reply(text, in_reply_to=CONFIRMATION_ID))
    assert verdict.outcome is Outcome.UNCLEAR
    assert not verdict.wants_question


@pytest.mark.parametrize("text", ["Thanks!", "Looks good", "Perfect, thank you!\n\nBest,\nBo"])
def test_thanks_alone_to_a_confirmation_acknowledges_it(text: str) -> None:
    """Nothing but thanks to a confirmation acknowledges it: nothing for the coordinator to
    review, no question back."""
    verdict = _verdict(_reply(text, in_reply_to=CONFIRMATION_ID))
    assert (verdict.outcome, verdict.meeting) == (Outcome.ACKNOWLEDGED, None)
    assert not verdict.wants_question


def test_an_unclear_reply_to_a_check_in_wants_a_question_back() -> None:
    """An unclear reply to a check-in, which asked whether they met, wants the question."""
    verdict = _verdict(_reply("Looks good"))
    assert verdict.outcome is Outcome.UNCLEAR
    assert verdict.wants_question


ASKING = frozenset({Kind.CHECKIN, Kind.REMINDER, Kind.PAUSE_OR_END, Kind.QUESTION, Kind.FOLLOW_UP})
"""The kinds whose templates ask the pair something: whether they have met (or, for
pause_or_end, whether to pause or end). The rest only tell, thank or welcome."""


def _answering(kind: Kind) -> ReplyContext:
    """The test context, where CHECKIN_ID was an email of `kind`."""
    sent = {**SENT, CHECKIN_ID: SentRef(pair_id="ada-bo", kind=kind.value)}
    return replace(CONTEXT, sent=sent.get)


@pytest.mark.parametrize("kind", list(Kind))
def test_an_unclear_reply_is_asked_back_only_when_our_email_asked_something(kind: Kind) -> None:
    """An unclear reply gets a question back only if the email it answers asked one."""
    verdict = _verdict(_reply("Thanks, great to be back"), context=_answering(kind))
    assert verdict.outcome is Outcome.UNCLEAR
    assert verdict.wants_question is (kind in ASKING)


def test_a_correction_of_a_check_in_reports_the_meeting_it_states() -> None:
    """ "That's wrong, we met on Friday for an hour" answering a check-in logs that meeting."""
    verdict = _verdict(_reply("That's wrong, we met on Friday for an hour."))
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting == ReportedMeeting(
        date=date(2026, 4, 10), date_stated=True, duration_minutes=60
    )


def test_a_correction_of_a_confirmation_is_left_for_a_person() -> None:
    """A "no" that corrects a confirmed meeting is unclear, so it removes nothing."""
    verdict = _verdict(_reply("No, we met on Monday", in_reply_to=CONFIRMATION_ID))
    assert (verdict.outcome, verdict.meeting) == (Outcome.UNCLEAR, None)
    assert verdict.answers_key == "confirmation:42"


def test_stranger_is_rejected_with_the_pair_named() -> None:
    """A valid reply address used by someone outside the pair is rejected, naming the pair."""
    verdict = _verdict(_reply("We met yesterday.", sender="Eve <eve@example.com>"))
    assert (verdict.outcome, verdict.reason) == (Outcome.REJECTED, Reason.SENDER_NOT_IN_PAIR)
    assert (verdict.pair_id, verdict.sender_role, verdict.meeting) == ("ada-bo", None, None)
    assert verdict.sender == "eve@example.com"


def test_forged_token_is_rejected() -> None:
    """A token signed with another key is rejected even though the references are ours."""
    forged = reply_address(MAILBOX, make_token("ada-bo", date(2026, 4, 1), key=b"guess"))
    verdict = _verdict(_reply("We met yesterday.", to=forged))
    assert (verdict.outcome, verdict.reason, verdict.pair_id) == (
        Outcome.REJECTED,
        Reason.BAD_TOKEN,
        None,
    )


def test_expired_token_is_rejected_against_its_pair() -> None:
    """An expired token is rejected, and the verdict still names the pair and the sender's role."""
    old = reply_address(MAILBOX, make_token("ada-bo", date(2025, 1, 1), key=KEY))
    verdict = _verdict(_reply("We met yesterday.", to=old))
    assert (verdict.outcome, verdict.reason) == (Outcome.REJECTED, Reason.EXPIRED_TOKEN)
    assert (verdict.pair_id, verdict.sender_role) == ("ada-bo", "mentee")


def test_mail_that_answers_nothing_of_ours_is_unmatched() -> None:
    """Mail to the plain mailbox with no reference to our mail is UNMATCHED/NO_REFERENCE."""
    verdict = _verdict(_reply("Hello, can I join?", to=MAILBOX, in_reply_to=None))
    assert (verdict.outcome, verdict.reason, verdict.pair_id) == (
        Outcome.UNMATCHED,
        Reason.NO_REFERENCE,
        None,
    )


def test_reply_by_references_alone_is_understood() -> None:
    """A reply sent to the plain mailbox is matched by In-Reply-To and understood."""
    verdict = _verdict(_reply("Not yet.", to=MAILBOX))
    assert (verdict.outcome, verdict.pair_id) == (Outcome.NOT_MET, "ada-bo")


def test_out_of_office_is_ignored_but_names_the_pair() -> None:
    """An out-of-office to the reply address is IGNORED/AUTO_REPLY, never a meeting."""
    raw = _reply(
        "I am out of the office until Monday. We met yesterday.",
        extra=(("Auto-Submitted", "auto-replied"),),
    )
    verdict = _verdict(raw)
    assert (verdict.outcome, verdict.reason, verdict.meeting) == (
        Outcome.IGNORED,
        Reason.AUTO_REPLY,
        None,
    )
    assert (verdict.pair_id, verdict.sender_role) == ("ada-bo", "mentee")


def test_human_with_auto_response_suppress_is_understood() -> None:
    """An Outlook reply carrying X-Auto-Response-Suppress is a human's answer."""
    raw = _reply("Not yet.", extra=(("X-Auto-Response-Suppress", "All"),))
    assert _verdict(raw).outcome is Outcome.NOT_MET


def test_bounce_names_failing_addresses_and_pair() -> None:
    """A delivery report is IGNORED/BOUNCE, with the failed address and the returned pair."""
    raw = (
        "From: MAILER-DAEMON@mx.example.org\r\nTo: mentoring@northwind.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-1@mx.example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\n<bo@example.org>: user unknown\r\n\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        "Final-Recipient: rfc822; bo@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {CHECKIN_ID}\r\nTo: bo@example.org\r\n\r\n--B--\r\n"
    ).encode()
    verdict = _verdict(raw)
    assert (verdict.outcome, verdict.reason, verdict.pair_id) == (
        Outcome.IGNORED,
        Reason.BOUNCE,
        "ada-bo",
    )
    assert verdict.failing_addresses == ("bo@example.org",)
    assert verdict.message_id == "<dsn-1@mx.example.org>"


def test_our_own_mail_coming_back_is_a_loop() -> None:
    """Our own check-in delivered back to the mailbox is IGNORED/LOOP."""
    raw = _reply("Have you met?", sender=f"Mentoring <{MAILBOX}>", to=MAILBOX)
    assert (_verdict(raw).outcome, _verdict(raw).reason) == (Outcome.IGNORED, Reason.LOOP)


def test_too_large_is_rejected() -> None:
    """A message over the size limit is REJECTED/TOO_LARGE."""
    context = replace(CONTEXT, limits=Limits(max_bytes=200))
    verdict = _verdict(_reply("We met yesterday. " * 50), context=context)
    assert (verdict.outcome, verdict.reason) == (Outcome.REJECTED, Reason.TOO_LARGE)


def test_an_auto_reply_too_large_to_read_is_ignored_from_its_header() -> None:
    """An out-of-office over the size limit is IGNORED/AUTO_REPLY, as if it had been read."""
    context = replace(CONTEXT, limits=Limits(max_bytes=1000))
    raw = _reply("Away until May. " * 100, extra=(("Auto-Submitted", "auto-replied"),))
    verdict = _verdict(raw, context=context)
    assert (verdict.outcome, verdict.reason, verdict.pair_id) == (
        Outcome.IGNORED,
        Reason.AUTO_REPLY,
        "ada-bo",
    )


def test_a_forged_reply_too_large_to_read_is_auth_failed_from_its_header() -> None:
    """An oversized reply whose member address our server found forged is AUTH_FAILED."""
    context = replace(CONTEXT, limits=Limits(max_bytes=1000), trusted_authserv_id="mx.example")
    auth = ("Authentication-Results", "mx.example; dmarc=fail header.from=example.org")
    verdict = _verdict(_reply("We met yesterday. " * 100, extra=(auth,)), context=context)
    assert (verdict.outcome, verdict.reason, verdict.pair_id) == (
        Outcome.REJECTED,
        Reason.AUTH_FAILED,
        "ada-bo",
    )


@pytest.mark.parametrize(
    ("sender", "pair_id", "role"),
    [(MENTEE, "ada-bo", "mentee"), ("Eve <eve@example.org>", None, None)],
)
def test_a_reply_too_complex_to_read_is_named_from_its_header(
    sender: str, pair_id: str | None, role: Role | None
) -> None:
    """A reply with too many parts is REJECTED/TOO_COMPLEX with the sender, subject and
    Message-ID from its header, and its pair only when the sender is a member of it."""
    context = replace(CONTEXT, limits=Limits(max_parts=1))
    message = message_from_bytes(_reply("We met yesterday.", sender=sender), policy=SMTP)
    message.add_attachment(b"photo", maintype="image", subtype="jpeg", filename="us.jpg")
    verdict = _verdict(message.as_bytes(), context=context)
    assert verdict == Verdict(
        outcome=Outcome.REJECTED,
        reason=Reason.TOO_COMPLEX,
        pair_id=pair_id,
        sender_role=role,
        sender=sender.split("<")[1].rstrip(">").lower(),
        message_id="<reply-1@example.org>",
        subject="Re: Check-in: Ada and Bo",
    )


def test_sender_and_message_id_are_reported() -> None:
    """A verdict carries the lowercased sender and the Message-ID for the log."""
    verdict = _verdict(_reply("Not yet."))
    assert (verdict.sender, verdict.message_id) == ("bo@example.org", "<reply-1@example.org>")


def test_contract_json_for_a_meeting() -> None:
    """The explain-reply JSON of a meeting has exactly the documented keys and values."""
    sent_at = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)
    raw = _reply("Yes, we met yesterday for 45 min.", sender=MENTOR, sent_at=sent_at)
    assert verdict_json(_verdict(raw)) == {
        "outcome": "meeting",
        "pair": "ada-bo",
        "sender_role": "mentor",
        "meeting": {"date": "2026-04-09", "date_stated": True, "duration_minutes": 45},
        "pause_until": None,
        "reason": None,
        "text": "Yes, we met yesterday for 45 min.",
    }


def test_an_unexpected_failure_inside_becomes_unreadable() -> None:
    """If anything inside the pipeline raises, the message is REJECTED/UNREADABLE instead."""

    def broken_lookup(message_id: str) -> SentRef | None:
        raise RuntimeError(message_id)

    context = replace(CONTEXT, sent=broken_lookup)
    assert _verdict(_reply("Not yet."), context=context) == Verdict(
        outcome=Outcome.REJECTED, reason=Reason.UNREADABLE
    )


@given(raw=st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    """Whatever bytes arrive, understand returns a Verdict and never a meeting from a stranger."""
    verdict = understand(raw, context=CONTEXT)
    assert isinstance(verdict, Verdict)
    assert verdict.meeting is None


@given(body=st.text(max_size=400), subject=st.text(max_size=60))
def test_arbitrary_text_from_a_member_never_raises(body: str, subject: str) -> None:
    """Any body and subject from a pair member gives a verdict for the pair without raising."""
    raw = _reply(body).replace(b"Re: Check-in: Ada and Bo", subject.encode("utf-8", "replace"))
    verdict = understand(raw, context=CONTEXT)
    assert verdict.outcome in set(Outcome)
