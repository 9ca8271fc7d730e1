"""Replies as mail programs send them, for table tests through `understand`.

One pair, "ada-bo" (Ada the mentor, Bo the mentee, Europe/Berlin), and one of each of our
emails it may answer, so a test names only the reply's text, the kind of email it answers
and, where it matters, when it was sent and the pair's date order.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from reminder_service.core.model import DateOrder, Kind
from reminder_service.core.replies.understand import ReplyContext, understand
from reminder_service.core.replies.verdict import SentRef, Verdict
from reminder_service.core.tokens import make_token, reply_address
from tests.unit.strategies import make_pair, make_program

KEY = b"a deployment secret of reasonable length"
MAILBOX = "mentoring@northwind.example"
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
"""Thursday 26 November 2026, 11:00 in Berlin."""
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
