"""Matching a reply to its pair by signed token or references, and checking its sender."""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from zoneinfo import ZoneInfo

import pytest

from reminder_service.core.model import Person
from reminder_service.core.replies.matching import (
    bounced_pair,
    expired_pair,
    match_pair,
    sender_role,
)
from reminder_service.core.replies.mime import ParsedMail
from reminder_service.core.replies.understand import ReplyContext
from reminder_service.core.replies.verdict import Reason, SentRef
from reminder_service.core.tokens import make_token, reply_address
from tests.unit.strategies import make_pair, make_program

KEY = b"a deployment secret of reasonable length"
MAILBOX = "mentoring@northwind.example"
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
CHECKIN_ID = "<checkin-1@northwind.example>"
OTHER_CHECKIN_ID = "<checkin-2@northwind.example>"
CONFIRMATION_ID = "<confirm-1@northwind.example>"
SENT = {
    CHECKIN_ID: SentRef(pair_id="ada-bo", kind="checkin"),
    OTHER_CHECKIN_ID: SentRef(pair_id="cy-di", kind="checkin"),
    CONFIRMATION_ID: SentRef(pair_id="ada-bo", kind="confirmation"),
    "<gone@northwind.example>": SentRef(pair_id="removed", kind="checkin"),
}
PAIR = make_pair("ada-bo")
OTHER = replace(
    make_pair("cy-di"),
    mentor=Person(name="Cy", email="Cy.Mentor@example.org"),
    mentee=Person(name="Di", email="di@example.org"),
)
CONTEXT = ReplyContext(
    program=make_program(PAIR, OTHER),
    key=KEY,
    mailbox=MAILBOX,
    our_addresses=frozenset({MAILBOX}),
    now=NOW,
    sent=SENT.get,
)


def _address(pair_id: str, *, issued: date = TODAY, key: bytes = KEY) -> str:
    return reply_address(MAILBOX, make_token(pair_id, issued, key=key))


def _mail(
    *recipients: str, references: tuple[str, ...] = (), sender: str | None = "bo@example.org"
) -> ParsedMail:
    """A ParsedMail as read_mail would give it, with only what matching reads filled in."""
    return ParsedMail(
        message=EmailMessage(),
        content_type="text/plain",
        report_type="",
        from_addr=sender,
        from_name="",
        message_id="<reply@example.org>",
        date=NOW,
        subject="Re: Check-in",
        recipient_addrs=recipients,
        references=references,
        headers={},
        body="Yes, we met.",
        body_was_html=False,
    )


def test_token_in_to_names_the_pair() -> None:
    """A valid token in a recipient address matches its pair, with nothing known of what we sent."""
    assert match_pair(_mail(_address("ada-bo")), context=CONTEXT) == ("ada-bo", None)


def test_token_in_upper_case_still_matches() -> None:
    """A mail system that upper-cases the reply address does not break the match."""
    assert match_pair(_mail(_address("ada-bo").upper()), context=CONTEXT) == ("ada-bo", None)


def test_token_with_references_to_the_same_pair_gives_what_we_sent() -> None:
    """With a token, a reference to our message for that pair tells what is being answered."""
    mail = _mail(_address("ada-bo"), references=("<unknown@x>", CONFIRMATION_ID, CHECKIN_ID))
    assert match_pair(mail, context=CONTEXT) == ("ada-bo", SENT[CONFIRMATION_ID])


def test_token_wins_over_references_to_another_pair() -> None:
    """A reference to another pair's check-in does not override the signed token."""
    mail = _mail(_address("ada-bo"), references=(OTHER_CHECKIN_ID,))
    assert match_pair(mail, context=CONTEXT) == ("ada-bo", None)


def test_two_tokens_prefer_the_one_the_references_confirm() -> None:
    """Of two valid tokens for different pairs, the one the references point to wins."""
    mail = _mail(_address("ada-bo"), _address("cy-di"), references=(OTHER_CHECKIN_ID,))
    assert match_pair(mail, context=CONTEXT) == ("cy-di", SENT[OTHER_CHECKIN_ID])


def test_two_tokens_without_references_take_the_first() -> None:
    """Of two valid tokens for different pairs, without references, the first one wins."""
    mail = _mail(_address("cy-di"), _address("ada-bo"))
    assert match_pair(mail, context=CONTEXT) == ("cy-di", None)


def test_reply_all_to_our_plain_mailbox_and_token() -> None:
    """A reply-all reaching our plain mailbox and the token address matches once, by token."""
    mail = _mail(MAILBOX, _address("ada-bo"), _address("ada-bo"), "bo@example.org")
    assert match_pair(mail, context=CONTEXT) == ("ada-bo", None)


def test_forged_token_is_rejected_even_with_good_references() -> None:
    """A token signed with another key rejects the message, whatever its references say."""
    mail = _mail(_address("ada-bo", key=b"not our key"), references=(CHECKIN_ID,))
    assert match_pair(mail, context=CONTEXT) is Reason.BAD_TOKEN


def test_damaged_token_is_rejected() -> None:
    """A plus-address of our mailbox that is not a token at all is a bad token."""
    assert match_pair(_mail("mentoring+hello@northwind.example"), context=CONTEXT) == (
        Reason.BAD_TOKEN
    )


def test_a_good_token_outweighs_a_bad_one() -> None:
    """A valid token next to a damaged one still matches."""
    mail = _mail("mentoring+junk@northwind.example", _address("ada-bo"))
    assert match_pair(mail, context=CONTEXT) == ("ada-bo", None)


def test_expired_token_is_rejected_and_names_its_pair() -> None:
    """A token older than the maximum age is rejected; the pair it names is still reported."""
    mail = _mail(_address("ada-bo", issued=TODAY - timedelta(days=401)), references=(CHECKIN_ID,))
    assert match_pair(mail, context=CONTEXT) is Reason.EXPIRED_TOKEN
    assert expired_pair(mail, context=CONTEXT) == "ada-bo"


def test_token_exactly_max_age_old_matches() -> None:
    """A token exactly the maximum age old still matches."""
    mail = _mail(_address("ada-bo", issued=TODAY - timedelta(days=400)))
    assert match_pair(mail, context=CONTEXT) == ("ada-bo", None)


def test_expiry_uses_the_utc_date_of_now() -> None:
    """Token age counts from the UTC date of `now`, not its date in the zone it is given in."""
    evening_in_new_york = datetime(2026, 3, 3, 22, 0, tzinfo=ZoneInfo("America/New_York"))
    context = replace(CONTEXT, now=evening_in_new_york)
    mail = _mail(_address("ada-bo", issued=date(2026, 3, 4) - timedelta(days=401)))
    assert match_pair(mail, context=context) is Reason.EXPIRED_TOKEN


def test_token_for_a_removed_pair_falls_back_to_references() -> None:
    """A valid token for a pair no longer in the program is set aside, and references decide."""
    mail = _mail(_address("removed"), references=(CHECKIN_ID,))
    assert match_pair(mail, context=CONTEXT) == ("ada-bo", SENT[CHECKIN_ID])
    assert match_pair(_mail(_address("removed")), context=CONTEXT) is Reason.NO_REFERENCE


def test_plus_address_of_another_domain_is_not_a_token() -> None:
    """Only plus-addresses of our own mailbox carry tokens."""
    mail = _mail("mentoring+junk@elsewhere.example")
    assert match_pair(mail, context=CONTEXT) is Reason.NO_REFERENCE


def test_references_match_without_a_token() -> None:
    """Without a token, the first reference to something we sent decides the pair."""
    mail = _mail(MAILBOX, references=("<unknown@x>", "<gone@northwind.example>", CHECKIN_ID))
    assert match_pair(mail, context=CONTEXT) == ("ada-bo", SENT[CHECKIN_ID])


def test_no_token_and_no_reference_is_unmatched() -> None:
    """Mail with neither a token nor a reference to our mail matches nothing."""
    assert match_pair(_mail(MAILBOX, references=("<x@y>",)), context=CONTEXT) is (
        Reason.NO_REFERENCE
    )


@pytest.mark.parametrize(
    ("sender", "expected"),
    [
        ("ada@example.org", "mentor"),
        ("bo@example.org", "mentee"),
        ("eve@example.org", Reason.SENDER_NOT_IN_PAIR),
        (None, Reason.SENDER_NOT_IN_PAIR),
    ],
)
def test_sender_role(sender: str | None, expected: str) -> None:
    """The From address gives the sender's role; anyone else is not in the pair."""
    assert sender_role(_mail(sender=sender), PAIR) == expected


def test_sender_role_ignores_case_in_the_program() -> None:
    """An address the program writes with capitals matches the lowercased From."""
    assert sender_role(_mail(sender="cy.mentor@example.org"), OTHER) == "mentor"


@pytest.mark.parametrize("sender", ["ana@xn--bcher-kva.example", "ana@bücher.example"])
def test_sender_role_recognises_a_non_ascii_domain_in_either_spelling(sender: str) -> None:
    """A member at an IDN domain is recognised whether the reply comes from its xn-- form or not."""
    pair = replace(PAIR, mentor=Person(name="Ana", email="Ana@bücher.example"))
    assert sender_role(_mail(sender=sender), pair) == "mentor"


def test_token_to_a_non_ascii_mailbox_domain_matches_in_its_xn_form() -> None:
    """A reply to our Reply-To, which names an IDN mailbox in its xn-- form, carries a token."""
    context = replace(CONTEXT, mailbox="mentoring@bücher.example")
    token = make_token("ada-bo", TODAY, key=KEY)
    mail = _mail(f"mentoring+{token}@xn--bcher-kva.example")
    assert match_pair(mail, context=context) == ("ada-bo", None)


def _report(original_headers: str) -> ParsedMail:
    raw = (
        "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nGone.\n\n"
        "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
        "Final-Recipient: rfc822; bo@example.org\nAction: failed\n\n"
        f"--B\nContent-Type: text/rfc822-headers\n\n{original_headers}\n--B--\n"
    )
    message = email.message_from_string(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return replace(
        _mail(sender="mailer-daemon@mx.example.org"),
        message=message,
        content_type="multipart/report",
    )


def test_bounced_pair_from_the_returned_message_id() -> None:
    """A report returning our check-in's headers names the pair by its Message-ID."""
    assert bounced_pair(_report(f"Message-ID: {CHECKIN_ID}\n"), context=CONTEXT) == "ada-bo"


def test_bounced_pair_from_the_returned_reply_address() -> None:
    """A report returning our headers names the pair by the signed Reply-To token."""
    headers = f"Message-ID: <lost@x>\nReply-To: Mentoring <{_address('cy-di')}>\n"
    assert bounced_pair(_report(headers), context=CONTEXT) == "cy-di"


def test_bounced_pair_ignores_unsigned_claims() -> None:
    """A report whose returned headers only claim a pair, unsigned, names no pair."""
    headers = (
        "Message-ID: <lost@x>\nX-Reminder-Pair: ada-bo\n"
        "Reply-To: mentoring+junk@northwind.example\n"
    )
    assert bounced_pair(_report(headers), context=CONTEXT) is None
