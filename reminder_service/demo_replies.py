"""The demo's simulated pairs: replies written the way real people and their mail programs do.

Each function takes the check-in as it arrived and returns the raw bytes of an answer: a
top-posted Gmail reply with a meeting, an Outlook reply saying "not yet", and an
out-of-office robot. They go into the demo's IMAP mailbox like any reply would.

The first check-in gets both the meeting and the robot's answer, so the demo shows both on
any day: at the weekend, pairs that ask for weekdays only get no check-in until Monday,
and the first check-in may be the only one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

Reply = Callable[[EmailMessage, datetime], bytes]


def _answer(checkin: EmailMessage, *, sender: Address, now: datetime) -> EmailMessage:
    """Headers every reply to `checkin` has: threading, addressing, date."""
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = checkin["Reply-To"]
    reply["Subject"] = f"Re: {checkin['Subject']}"
    reply["Date"] = format_datetime(now.astimezone(UTC))
    reply["Message-ID"] = make_msgid(domain=sender.domain)
    reply["In-Reply-To"] = checkin["Message-ID"]
    reply["References"] = checkin["Message-ID"]
    return reply


def _quoted(checkin: EmailMessage) -> str:
    body = checkin.get_body(preferencelist=("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    return "\n".join(f"> {line}" if line else ">" for line in str(text).splitlines())


def _member(checkin: EmailMessage, index: int) -> Address:
    addresses: tuple[Address, ...] = checkin["To"].addresses
    return addresses[min(index, len(addresses) - 1)]


def gmail_meeting(checkin: EmailMessage, now: datetime) -> bytes:
    """The mentor answers at the top, Gmail-style, quoting the check-in below."""
    sender = _member(checkin, 0)
    reply = _answer(checkin, sender=sender, now=now)
    sent = checkin["Date"].datetime
    reply.set_content(
        "Yes, we met yesterday for 45 minutes. We went through the promotion case.\n\n"
        f"On {sent:%a, %d %b %Y} at {sent:%H:%M}, {checkin['From']}\nwrote:\n\n"
        f"{_quoted(checkin)}\n"
    )
    return reply.as_bytes()


def outlook_not_yet(checkin: EmailMessage, now: datetime) -> bytes:
    """The mentee answers from Outlook, above its From/Sent/To/Subject block."""
    sender = _member(checkin, 1)
    reply = _answer(checkin, sender=sender, now=now)
    sent = checkin["Date"].datetime
    body = _quoted(checkin).replace("> ", "").replace(">", "")
    reply.set_content(
        "Not yet, sorry - we have a call planned for next week.\n\n"
        "Best,\n"
        f"{sender.display_name}\n\n"
        "________________________________\n"
        f"From: {checkin['From']}\n"
        f"Sent: {sent:%A, %B %d, %Y %I:%M %p}\n"
        f"To: {checkin['To']}\n"
        f"Subject: {checkin['Subject']}\n\n"
        f"{body}\n"
    )
    return reply.as_bytes()


def out_of_office(checkin: EmailMessage, now: datetime) -> bytes:
    """The mentee's out-of-office robot: never a meeting, never answered."""
    sender = _member(checkin, 1)
    reply = _answer(checkin, sender=sender, now=now)
    reply.replace_header("Subject", f"Automatic reply: {checkin['Subject']}")
    reply["Auto-Submitted"] = "auto-replied"
    reply.set_content(
        "Thank you for your message. I am out of the office until Monday with limited access "
        "to email.\n"
    )
    return reply.as_bytes()


SCRIPT: tuple[tuple[Reply, ...], ...] = ((gmail_meeting, out_of_office), (outlook_not_yet,))
"""How the first check-ins of the demo are answered, in order, each by the replies in its
entry (in that order); later check-ins stay unanswered."""
