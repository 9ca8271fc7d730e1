"""Machines' mail: our own mail coming back, delivery reports and auto-replies, versus humans."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default
from email.utils import parseaddr

import pytest

from reminder_service.core.replies.machines import machine_reason, returned_originals
from reminder_service.core.replies.mime import ParsedMail
from reminder_service.core.replies.verdict import Reason, SentRef

OURS = frozenset({"mentoring@northwind.example"})
OUR_ID = "<179563116836.16359.1@northwind.example>"


def _sent(message_id: str) -> SentRef | None:
    return SentRef(pair_id="ana-ben", kind="checkin") if message_id == OUR_ID else None


def _mail(headers: str, body: str = "Yes, we met on Tuesday.\n") -> ParsedMail:
    """A stand-in for read_mail: the fields machine_reason looks at, parsed by the stdlib."""
    raw = f"{headers.strip()}\n\n{body}" if "Content-Type: multipart" not in headers else headers
    message = email.message_from_string(raw, policy=default)
    assert isinstance(message, EmailMessage)
    text_part = message.get_body(preferencelist=("plain",))
    names = {name.lower() for name in message}
    _, from_addr = parseaddr(str(message.get("From", "")))
    message_id = message.get("Message-ID")
    return ParsedMail(
        message=message,
        content_type=message.get_content_type(),
        report_type=str(message.get_param("report-type", "")).lower(),
        from_addr=from_addr.lower() or None,
        from_name="",
        message_id=str(message_id).strip() if message_id else None,
        date=None,
        subject=str(message.get("Subject", "")),
        recipient_addrs=(),
        references=(),
        headers={name: tuple(str(v) for v in message.get_all(name, [])) for name in names},
        body=text_part.get_content() if isinstance(text_part, EmailMessage) else "",
        body_was_html=False,
    )


def _reason(mail: ParsedMail) -> tuple[Reason, tuple[str, ...]] | None:
    return machine_reason(mail, our_addresses=OURS, sent=_sent)


HUMAN = "From: Ben Ong <Ben.Ong@northwind.example>\nSubject: Re: Check-in: Ana and Ben"

DSN = """From: MAILER-DAEMON@mx.northwind.example (Mail Delivery System)
To: mentoring@northwind.example
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

<ben.ong@northwind.example>: host mx said: 550 5.1.1 user unknown

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.northwind.example

Final-Recipient: rfc822; Ben.Ong@northwind.example
Action: failed
Status: 5.1.1

Final-Recipient: rfc822; ana.lima@northwind.example
Action: {second_action}
Status: 4.4.1

--B1
Content-Type: text/rfc822-headers

From: Northwind Mentoring <mentoring@northwind.example>
To: Ana Lima <ana.lima@northwind.example>, Ben Ong <ben.ong@northwind.example>
Message-ID: <179563116836.16359.1@northwind.example>

--B1--
"""

EXIM_BODY = """This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  hamid.rahimi@example.org
    host mx.example.org [192.0.2.7]
    SMTP error from remote mail server after RCPT TO:<hamid.rahimi@example.org>:
    550 5.1.1 No such user

------ This is a copy of the message, including all the headers. ------

Return-path: <mentoring@northwind.example>
From: Northwind Mentoring <mentoring@northwind.example>
Reply-To: mentoring+grace-hamid.g1a.aaaaaaaaaaaaaaaa@northwind.example
To: Grace Whitfield <grace.whitfield@northwind.example>, hamid.rahimi@example.org
"""


def test_our_message_id_is_a_loop() -> None:
    """A message whose Message-ID is one we sent is our own mail coming back."""
    mail = _mail(f"{HUMAN}\nMessage-ID: {OUR_ID}")
    assert _reason(mail) == (Reason.LOOP, ())


def test_mail_from_our_address_is_a_loop() -> None:
    """A message From one of our own addresses is a loop, whatever it says."""
    mail = _mail("From: Northwind Mentoring <Mentoring@northwind.example>\nSubject: Check-in")
    assert _reason(mail) == (Reason.LOOP, ())


def test_mail_from_our_non_ascii_domain_in_its_xn_form_is_a_loop() -> None:
    """Our own From at an IDN domain, which we send in its xn-- form, is recognised coming back."""
    mail = _mail("From: Mentoring <mentoring@xn--bcher-kva.example>\nSubject: Check-in")
    reason = machine_reason(mail, our_addresses=frozenset({"mentoring@bücher.example"}), sent=_sent)
    assert reason == (Reason.LOOP, ())


def test_our_kind_header_from_our_domain_is_a_loop() -> None:
    """Mail carrying X-Reminder-Kind from our own domain is our check-in coming back."""
    mail = _mail("From: relay@northwind.example\nX-Reminder-Kind: checkin\nSubject: Check-in")
    assert _reason(mail) == (Reason.LOOP, ())


def test_our_kind_header_from_elsewhere_is_not_a_loop() -> None:
    """X-Reminder-Kind on mail from another domain does not make it ours."""
    mail = _mail("From: someone@example.com\nX-Reminder-Kind: checkin\nSubject: Hello")
    assert _reason(mail) is None


def test_delivery_report_lists_only_failed_recipients() -> None:
    """A DSN names the recipients whose Action is failed, lowercased; delayed ones are not."""
    mail = _mail(DSN.format(second_action="delayed"))
    assert _reason(mail) == (Reason.BOUNCE, ("ben.ong@northwind.example",))


def test_delivery_report_with_two_failures() -> None:
    """Every failed recipient of a DSN is reported, in order."""
    mail = _mail(DSN.format(second_action="failed"))
    assert _reason(mail) == (
        Reason.BOUNCE,
        ("ben.ong@northwind.example", "ana.lima@northwind.example"),
    )


def test_delay_only_report_is_a_bounce_without_failures() -> None:
    """A DSN that only reports delays is still a machine's, but no address has failed."""
    mail = _mail(DSN.format(second_action="delayed").replace("Action: failed", "Action: delayed"))
    assert _reason(mail) == (Reason.BOUNCE, ())


def test_returned_original_headers_are_available() -> None:
    """The headers a DSN returns from our message can be read, to find the pair."""
    originals = returned_originals(_mail(DSN.format(second_action="delayed")))
    assert [str(o["Message-ID"]) for o in originals] == [OUR_ID]


def test_bounce_without_dsn_reads_addresses_before_the_returned_copy() -> None:
    """A MAILER-DAEMON bounce without a DSN names the failed address, not the copy's addresses."""
    mail = _mail(
        "From: Mail Delivery System <Mailer-Daemon@mx.northwind.example>\n"
        "Subject: Mail delivery failed: returning message to sender",
        EXIM_BODY,
    )
    assert _reason(mail) == (Reason.BOUNCE, ("hamid.rahimi@example.org",))


@pytest.mark.parametrize(
    "subject",
    ["Unzustellbar: Check-in", "Non remis : Check-in", "Undeliverable: Check-in"],
)
def test_postmaster_failure_subjects(subject: str) -> None:
    """A postmaster's failure notice in several languages is a bounce naming the address."""
    mail = _mail(
        f"From: postmaster@outlook.example\nSubject: {subject}",
        "Delivery has failed to these recipients:\n\nben.ong@northwind.example\n",
    )
    assert _reason(mail) == (Reason.BOUNCE, ("ben.ong@northwind.example",))


def test_daemon_delay_notice_is_a_bounce_without_failures() -> None:
    """A MAILER-DAEMON delay warning is set aside but names no failing address."""
    mail = _mail(
        "From: MAILER-DAEMON@mx.example.org\nSubject: Delayed Mail (still being retried)",
        "ben.ong@northwind.example: connection timed out\n",
    )
    assert _reason(mail) == (Reason.BOUNCE, ())


def test_bounce_wins_over_auto_submitted() -> None:
    """A bounce that also says Auto-Submitted is reported as a bounce."""
    mail = _mail(DSN.format(second_action="delayed"))
    assert "auto-submitted" in mail.headers
    result = _reason(mail)
    assert result is not None
    assert result[0] is Reason.BOUNCE


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated; owner-email=ben@example.org",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "Precedence: auto_reply",
        "X-Autoreply: yes",
        "X-Autorespond: Check-in",
        "X-Auto-Reply: true",
        "Return-Path: <>",
    ],
)
def test_auto_reply_headers(header: str) -> None:
    """Each RFC 3834 or common auto-responder header marks an auto-reply."""
    assert _reason(_mail(f"{HUMAN}\n{header}")) == (Reason.AUTO_REPLY, ())


@pytest.mark.parametrize(
    "header",
    ["Auto-Submitted: no", "Auto-Submitted: No", "Precedence: first-class", "X-Autoreply: no"],
)
def test_headers_that_are_not_signs(header: str) -> None:
    """Auto-Submitted: no, ordinary Precedence values and a negative X-Autoreply are human."""
    assert _reason(_mail(f"{HUMAN}\n{header}")) is None


@pytest.mark.parametrize(
    "subject",
    [
        "Automatic reply: Check-in: Ana and Ben",
        "RE: Automatic reply: Check-in",
        "Out of Office: Check-in",
        "OUT OF THE OFFICE until Monday",
        "Auto: Check-in: Ana and Ben",
        "Autoreply: Check-in",
        "Auto-Reply: Check-in",
        "AW: Abwesenheitsnotiz: Check-in",
        "Automatische Antwort: Check-in",
        "Réponse automatique : Check-in",
        "RÉPONSE AUTOMATIQUE : Check-in",
        "Absence : Check-in",
        "Respuesta automática: Check-in",
        "Fuera de la oficina: Check-in",
        "Risposta automatica: Check-in",
        "[EXTERNAL] Automatic reply: Check-in",
        "Read: Check-in: Ana and Ben",
        "Gelesen: Check-in",
    ],
)
def test_auto_reply_subjects(subject: str) -> None:
    """Out-of-office subjects in several languages mark an auto-reply, ignoring Re:/AW: and case."""
    mail = _mail(f"From: Ben Ong <ben.ong@northwind.example>\nSubject: {subject}")
    assert _reason(mail) == (Reason.AUTO_REPLY, ())


@pytest.mark.parametrize(
    "subject",
    [
        "Re: Check-in: Ana and Ben",
        "AW: Check-in: Ana and Ben",
        "Re: Automatic replies are not what we need",
        "Re: Check-in (I was out of office, sorry)",
        "Absences next month",
        "",
    ],
)
def test_human_subjects(subject: str) -> None:
    """Ordinary reply subjects, even ones mentioning absence or being out, are human."""
    mail = _mail(f"From: Ben Ong <ben.ong@northwind.example>\nSubject: {subject}")
    assert _reason(mail) is None


def test_auto_response_suppress_is_not_a_sign() -> None:
    """An Outlook user's mail carrying X-Auto-Response-Suppress is still a human's."""
    mail = _mail(
        f"{HUMAN}\nX-Auto-Response-Suppress: All\nX-MS-Has-Attach:\nThread-Topic: Check-in"
    )
    assert _reason(mail) is None


def test_read_receipt_report_is_an_auto_reply() -> None:
    """A disposition-notification report (a read receipt) is set aside as an auto-reply."""
    mail = _mail(
        "From: Ben Ong <ben.ong@northwind.example>\nSubject: Check-in\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=disposition-notification; boundary="M"\n\n'
        "--M\nContent-Type: text/plain\n\nYour message was displayed.\n\n"
        "--M\nContent-Type: message/disposition-notification\n\n"
        "Final-Recipient: rfc822; ben.ong@northwind.example\n"
        "Disposition: manual-action/MDN-sent-manually; displayed\n\n--M--\n"
    )
    assert _reason(mail) == (Reason.AUTO_REPLY, ())
