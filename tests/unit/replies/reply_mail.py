"""Replies as mail programs send them, for table tests through `understand`.

One pair, "ada-bo" (Ada the mentor, Bo the mentee, Europe/Berlin), and one of each of our
emails it may answer, so a test names only the reply's text, the kind of email it answers
and, where it matters, when it was sent and the pair's date order.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from reminder_service.core.model import DateOrder, Kind
from reminder_service.core.replies.understand import ReplyContext, understand
from reminder_service.core.replies.verdict import Outcome, ReportedMeeting, SentRef, Verdict
from reminder_service.core.tokens import make_token, reply_address
from tests.unit.strategies import make_pair, make_program

KEY = b"a deployment secret of reasonable length"
MAILBOX = "mentoring@northwind.example"
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
"""Thursday 26 November 2026, 11:00 in Berlin."""
TODAY = date(2026, 11, 26)
"""NOW's date in Berlin: the date of a meeting a reply sent at NOW leaves undated."""
UNCLEAR = (Outcome.UNCLEAR, None)
"""What `understood` gives for a reply a person must read."""
PAIR = make_pair("ada-bo", zone="Europe/Berlin")
SENT = {
    f"<{kind}@northwind.example>": SentRef(pair_id="ada-bo", kind=kind, key=f"{kind}:1")
    for kind in Kind
}
"""The Message-ID of our email of each kind, as the outbox would name it."""


def context(*, now: datetime = NOW, order: DateOrder = "DMY") -> ReplyContext:
    """What `understand` knows when a reply to the pair arrives at `now`."""
    pair = replace(PAIR, date_order=order)
    return ReplyContext(
        program=make_program(pair),
        key=KEY,
        mailbox=MAILBOX,
        our_addresses=frozenset({MAILBOX}),
        now=now,
        sent=SENT.get,
    )


def reply_bytes(text: str, *, kind: Kind = Kind.CHECKIN, now: datetime = NOW) -> bytes:
    """Bo's reply `text` to our `kind` email, sent at `now`, as a mail program sends it."""
    message = EmailMessage(policy=SMTP)
    message["From"] = "Bo Mentee <bo@example.org>"
    message["To"] = reply_address(MAILBOX, make_token("ada-bo", now.date(), key=KEY))
    message["Subject"] = "Re: Check-in: Ada and Bo"
    message["Message-ID"] = "<reply-1@example.org>"
    message["Date"] = format_datetime(now)
    message["In-Reply-To"] = message["References"] = f"<{kind}@northwind.example>"
    message.set_content(text)
    return message.as_bytes()


def verdict_of(
    text: str, *, kind: Kind = Kind.CHECKIN, now: datetime = NOW, order: DateOrder = "DMY"
) -> Verdict:
    """The verdict `understand` gives Bo's reply `text` to our `kind` email."""
    return understand(reply_bytes(text, kind=kind, now=now), context=context(now=now, order=order))


def understood(
    text: str, kind: Kind = Kind.CHECKIN, *, now: datetime = NOW, order: DateOrder = "DMY"
) -> tuple[Outcome, ReportedMeeting | None]:
    """The outcome and meeting `understand` reads from Bo's reply `text` to our `kind` email."""
    verdict = verdict_of(text, kind=kind, now=now, order=order)
    return verdict.outcome, verdict.meeting


def met(
    day: date | None, minutes: int | None = None, *, today: date = TODAY
) -> tuple[Outcome, ReportedMeeting]:
    """A meeting on `day` (None: undated, so on `today`, the reply's own date) lasting
    `minutes`, as `understood` gives it."""
    meeting = ReportedMeeting(
        date=day or today, date_stated=day is not None, duration_minutes=minutes
    )
    return Outcome.MEETING, meeting
