"""What a clause after "but" does to a reply's verdict, and a plan answering an email that
asked nothing.

Replies go through the real entry point, `understand`, as pair ada-bo (Berlin, dates day
first) on Thursday 26 November 2026; a reply to a confirmation quotes the confirmation of a
meeting on Saturday 21 November (45 minutes).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.understand import ReplyContext, understand
from reminder_service.core.replies.verdict import Outcome, SentRef
from reminder_service.core.tokens import make_token, reply_address
from tests.unit.strategies import make_pair, make_program

KEY = b"a deployment secret of reasonable length"
MAILBOX = "mentoring@northwind.example"
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
PAIR = make_pair("ada-bo", zone="Europe/Berlin")
SENT = {
    f"<{kind}@northwind.example>": SentRef(pair_id="ada-bo", kind=kind, key=f"{kind}:1")
    for kind in Kind
}
CONTEXT = ReplyContext(
    program=make_program(PAIR),
    key=KEY,
    mailbox=MAILBOX,
    our_addresses=frozenset({MAILBOX}),
    now=NOW,
    sent=SENT.get,
)
CONFIRMATION = (
    "\n\nOn Wed, 25 Nov 2026 at 09:00, Mentoring <mentoring@northwind.example> wrote:\n"
    "> Hi Ben,\n"
    ">\n"
    "> Ana logged your meeting on Saturday 21 November (45 minutes).\n"
    "> Reply NO if that's not right.\n"
    ">\n"
    "> If it is right, there is nothing to do. Thank you both!\n"
)


def _outcome(text: str, kind: Kind) -> Outcome:
    """The outcome `understand` gives `text`, sent by the mentee in answer to a `kind` email."""
    message = EmailMessage(policy=SMTP)
    message["From"] = "Bo Mentee <bo@example.org>"
    message["To"] = reply_address(MAILBOX, make_token("ada-bo", date(2026, 11, 1), key=KEY))
    message["Subject"] = "Re: Ada and Bo"
    message["Message-ID"] = "<reply-1@example.org>"
    message["Date"] = format_datetime(NOW)
    message["In-Reply-To"] = message["References"] = f"<{kind}@northwind.example>"
    message.set_content(text)
    return understand(message.as_bytes(), context=CONTEXT).outcome


def test_a_plain_meeting_report_is_still_a_meeting() -> None:
    """A plain "we met on Tuesday" to a check-in reports a meeting."""
    assert _outcome("we met on Tuesday", Kind.CHECKIN) is Outcome.MEETING


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Thank you! We'll meet again on the 3rd", Kind.THANKS),
        ("Great, thanks. We're meeting again next week.", Kind.CONFIRMATION),
        ("Danke! Wir sehen uns am Montag wieder", Kind.THANKS),
        ("Danke! Wir sehen uns am Montag wieder", Kind.CONFIRMATION),
        ("Thanks, we're meeting again next week", Kind.WELCOME_BACK),
    ],
)
def test_a_plan_answering_an_email_that_asked_nothing_acknowledges_it(
    text: str, kind: Kind
) -> None:
    """A plan to meet in answer to an email that asked nothing acknowledges it, so it earns
    the pair no "not yet" follow-up."""
    assert _outcome(text, kind) is Outcome.ACKNOWLEDGED


def test_a_plan_answering_a_check_in_is_not_met() -> None:
    """The same plan in answer to "have you met?" still says not met yet."""
    assert _outcome("We'll meet again on the 3rd", Kind.CHECKIN) is Outcome.NOT_MET
