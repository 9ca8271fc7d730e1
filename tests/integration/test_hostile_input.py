"""Hostile mail through the real intake, a real Dovecot and real SQLite.

Each hostile message is recorded, as rejected or as what it says, in the same poll as an
ordinary reply after it, so the loop keeps serving; and nothing of it reaches an outgoing
email unescaped: the questions and the coordinator's digest rendered from what was recorded
are checked for the markup the messages carried.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from reminder_service.compose import Composer, Identity
from reminder_service.core.model import Program
from reminder_service.core.replies.mime import Limits
from reminder_service.core.replies.verdict import Outcome, Reason, Verdict
from reminder_service.core.tokens import make_token, reply_address
from reminder_service.digest_survey import digest_facts
from reminder_service.imap import ImapConfig
from reminder_service.planner import Planner
from reminder_service.program import parse_program
from reminder_service.store import SqliteStore
from tests.integration.test_intake import (
    KEY,
    MAILBOX,
    NOW,
    PROGRAM,
    FixedClock,
    intake_for,
    poll_session,
)
from tests.support.dovecot import Dovecot, ImapRelay
from tests.support.process import REPO

BEN = "ben@northwind.example"
SCRIPT = "<script>alert(1)</script>"
HOSTILE_ADDRESS = "x'&y@evil.example"
MEETING = b"Yes, we met yesterday for 45 minutes.\r\n"
FIFTY_MB = 50 * 1024 * 1024
LEAKED = (SCRIPT, "<script", HOSTILE_ADDRESS)


def _head(*, sender: str = BEN, extra: bytes = b"") -> bytes:
    """Headers of a reply to the pair's signed address, CRLF-ended, up to the body's own."""
    to = reply_address(MAILBOX, make_token("ana-ben", date(2026, 11, 20), key=KEY))
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: Re: Check-in\r\n"
        f"Date: {format_datetime(NOW - timedelta(hours=2))}\r\nMIME-Version: 1.0\r\n"
    ).encode() + extra


def _plain(body: bytes, *, content_type: bytes = b"text/plain", sender: str = BEN) -> bytes:
    return _head(sender=sender) + b"Content-Type: " + content_type + b"\r\n\r\n" + body


def fifty_megabytes() -> bytes:
    """A 50 MB reply: a meeting report with a huge attachment."""
    filler = b"A" * 76 + b"\r\n"
    attachment = filler * (FIFTY_MB // len(filler) + 1)
    return (
        _head()
        + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        + b"Content-Type: text/plain\r\n\r\n"
        + MEETING
        + b'--b\r\nContent-Type: application/octet-stream; name="big.bin"\r\n'
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + attachment
        + b"--b--\r\n"
    )


def ten_thousand_parts() -> bytes:
    """10,000 MIME parts, each reporting a meeting."""
    parts = b"".join(b"--b\r\nContent-Type: text/plain\r\n\r\n" + MEETING for _ in range(10_000))
    return _head() + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + parts + b"--b--\r\n"


def nested_a_thousand_deep() -> bytes:
    """Multiparts nested 1,000 deep around a meeting report."""
    body = b"Content-Type: text/plain\r\n\r\n" + MEETING
    for level in range(1_000):
        boundary = b"n%d" % level
        body = (
            b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n--'
            + boundary + b"\r\n" + body + b"\r\n--" + boundary + b"--\r\n"
        )  # fmt: skip
    return _head() + body


def long_header() -> bytes:
    """A 100,000-character header."""
    return _plain(MEETING).replace(b"Subject:", b"X-Long: " + b"x" * 100_000 + b"\r\nSubject:", 1)


def broken_base64() -> bytes:
    """A meeting report in base64 with junk characters, a stray '=' and no final padding."""
    return (
        _head()
        + b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b"WWVzLCB3ZSBtZXQgeWVzdGVy!!ZGF5IGZvciA0NSBtaW51dGVz*\r\n=\r\nLiBBdCB0aGUgY2Fmw6k"
    )


def undeclared_charset() -> bytes:
    """Latin-1 text with no charset declared."""
    return _plain("Yes, we met yesterday at the café, 45 minutes.\r\n".encode("latin-1"))


def bogus_charset() -> bytes:
    """UTF-8 text labelled with a charset that does not exist."""
    text = "Yes, we met yesterday at the café — 45 minutes.\r\n".encode()
    return _plain(text, content_type=b"text/plain; charset=x-klingon")


def script_from_a_stranger() -> bytes:
    """Markup in the display name and an address made of HTML's special characters."""
    return _plain(MEETING, sender=f'"{SCRIPT}" <{HOSTILE_ADDRESS}>')


def script_from_a_member() -> bytes:
    """Markup in a member's display name and in a reply that cannot be understood."""
    body = f"{SCRIPT} <b>what</b> &amp; is this?\r\n".encode()
    return _plain(body, sender=f'"{SCRIPT}" <{BEN}>')


def ordinary() -> bytes:
    """A plain reply from the mentor, to show the loop still serves after the hostile ones."""
    return _plain(b"Not yet, next week.\r\n", sender="ana@northwind.example")


def _ids(raws: list[bytes]) -> list[bytes]:
    """Each message with a Message-ID of its own, so none is taken for another."""
    return [b"Message-ID: <hostile-%d@example.org>\r\n" % n + raw for n, raw in enumerate(raws)]


def _program() -> Program:
    return parse_program(PROGRAM, file="test.yaml")


def _composer() -> Composer:
    return Composer(
        REPO / "templates",
        identity=Identity(
            from_header=f"Northwind Mentoring <{MAILBOX}>", reply_mailbox=MAILBOX, secret_key=KEY
        ),
    )


async def _poll(
    store: SqliteStore, config: ImapConfig, *, planner: Planner | None = None
) -> list[Verdict]:
    """One session of the real intake: every new message read, recorded and answered."""
    seen: list[Verdict] = []

    def respond(verdict: Verdict) -> None:
        seen.append(verdict)
        if planner is not None:
            planner.respond_to(verdict)

    limits = Limits(max_bytes=config.max_message_bytes)
    await poll_session(intake_for(store, config, limits=limits, respond=respond), config)
    return seen


def _texts(raw: bytes) -> list[str]:
    """The decoded text of every text part of an email we would send."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    parts = [part for part in message.walk() if part.get_content_maintype() == "text"]
    return [str(part.get_content()) for part in parts]


async def test_a_50_mb_message_is_rejected_unread_and_the_loop_keeps_serving(
    clean_dovecot: Dovecot, imap_config: ImapConfig, imap_relay: ImapRelay, store: SqliteStore
) -> None:
    """A message over the size limit is recorded as too_large without being downloaded."""
    clean_dovecot.append_many(_ids([fifty_megabytes(), ordinary()]))
    config = replace(imap_config, port=imap_relay.port)

    verdicts = await _poll(store, config)

    assert [(v.outcome, v.reason) for v in verdicts] == [
        (Outcome.REJECTED, Reason.TOO_LARGE),
        (Outcome.NOT_MET, None),
    ]
    assert imap_relay.server_bytes < 1024 * 1024
    [rejected] = store.review_queue()
    assert rejected.reason is Reason.TOO_LARGE
    assert rejected.raw is not None
    assert int(rejected.raw.split()[2]) > FIFTY_MB
    assert store.meetings() == []


async def test_hostile_structures_and_encodings_are_recorded_and_the_loop_keeps_serving(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """Too many parts, too deep, too long a header are rejected; damaged encodings are read."""
    hostile = [
        ten_thousand_parts(),
        nested_a_thousand_deep(),
        long_header(),
        broken_base64(),
        undeclared_charset(),
        bogus_charset(),
    ]
    clean_dovecot.append_many(_ids([*hostile, ordinary()]))

    verdicts = await _poll(store, imap_config)

    assert [(v.outcome, v.reason) for v in verdicts] == [
        (Outcome.REJECTED, Reason.TOO_COMPLEX),
        (Outcome.REJECTED, Reason.TOO_COMPLEX),
        (Outcome.REJECTED, Reason.TOO_COMPLEX),
        (Outcome.MEETING, None),
        (Outcome.MEETING, None),
        (Outcome.MEETING, None),
        (Outcome.NOT_MET, None),
    ]
    assert all(v.meeting and v.meeting.duration_minutes == 45 for v in verdicts[3:6])
    assert "café" in verdicts[4].text
    assert "café" in verdicts[5].text
    assert [m.met_on for m in store.meetings()] == [date(2026, 11, 24)]
    assert [row.reason for row in store.review_queue()] == [Reason.TOO_COMPLEX] * 3


async def test_markup_in_names_and_text_never_reaches_an_email_unescaped(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """A <script> display name is dropped, review keeps the text, emails escape the address."""
    composer = _composer()
    planner = Planner(_program, store=store, composer=composer, clock=FixedClock())
    clean_dovecot.append_many(_ids([script_from_a_stranger(), script_from_a_member(), ordinary()]))

    verdicts = await _poll(store, imap_config, planner=planner)

    assert [(v.outcome, v.reason, v.sender) for v in verdicts] == [
        (Outcome.REJECTED, Reason.SENDER_NOT_IN_PAIR, HOSTILE_ADDRESS),
        (Outcome.UNCLEAR, Reason.NOT_UNDERSTOOD, BEN),
        (Outcome.NOT_MET, None, "ana@northwind.example"),
    ]
    stranger, member = store.review_queue()
    assert stranger.sender == HOSTILE_ADDRESS
    assert member.text is not None
    assert SCRIPT in member.text
    [question] = store.outbox()
    assert question.kind == "question"
    assert not any(leak in text for text in _texts(question.message) for leak in LEAKED)

    program = _program()
    facts = digest_facts(
        store, program, store.pair_histories(), now=NOW, since=NOW - timedelta(days=7)
    )
    digest = composer.digest(program, facts, now=NOW)
    plain, html = _texts(digest.message)
    assert HOSTILE_ADDRESS in plain
    assert "x&#39;&amp;y@evil.example" in html
    assert not any(leak in html for leak in LEAKED)
    assert SCRIPT not in plain


@pytest.mark.parametrize(
    "message_id",
    [b"<caf\xc3\xa9@example.org>", b"<a\x01b@example.org>", b"<" + b"a" * 3000 + b"@example.org>"],
    ids=["utf-8", "control", "too long"],
)
async def test_an_unclear_reply_with_an_unusable_message_id_gets_its_question(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore, message_id: bytes
) -> None:
    """An unclear reply whose Message-ID no header may hold is recorded under that id and gets
    its question, threaded under the pair's root, and the loop goes on; a restarted planner
    plans again without failing."""
    unclear = b"Message-ID: " + message_id + b"\r\n" + _plain(b"Hmm, what is this?\r\n")
    planner = Planner(_program, store=store, composer=_composer(), clock=FixedClock())
    clean_dovecot.append_many([unclear, *_ids([ordinary()])])

    verdicts = await _poll(store, imap_config, planner=planner)

    assert [(v.outcome, v.message_id) for v in verdicts] == [
        (Outcome.UNCLEAR, message_id.decode()),
        (Outcome.NOT_MET, "<hostile-0@example.org>"),
    ]
    [question] = [row for row in store.outbox() if row.kind == "question"]
    sent = message_from_bytes(question.message, policy=policy.default)
    root = "<checkin.ana-ben.northwind-mentoring@northwind.example>"
    assert (sent["In-Reply-To"], sent["References"]) == (root, root)
    Planner(_program, store=store, composer=_composer(), clock=FixedClock()).plan_once()


async def test_half_a_character_in_a_reply_is_stored_as_a_replacement_and_the_loop_goes_on(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """UTF-7 can encode half of a character, which SQLite cannot store: in a subject or a
    body it used to stop the daemon at every start. It is read as U+FFFD and kept for review."""
    half_body = _plain(b"Hmm +2D0- what?\r\n", content_type=b"text/plain; charset=utf-7")
    half_subject = _plain(b"Hmm, what?\r\n").replace(
        b"Subject: Re: Check-in", b"Subject: =?utf-7?Q?+2D0-?="
    )
    clean_dovecot.append_many(_ids([half_body, half_subject, ordinary()]))

    verdicts = await _poll(store, imap_config)

    assert [v.outcome for v in verdicts] == [Outcome.UNCLEAR, Outcome.UNCLEAR, Outcome.NOT_MET]
    body, subject = store.review_queue()
    assert body.text == "Hmm \ufffd what?"
    assert subject.subject == "\ufffd"


async def test_two_replies_with_a_placeholder_message_id_are_both_recorded(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """ "Message-ID: <>" from a broken mailer names no message: the second reply carrying it
    is not dropped as a copy of the first."""
    empty_id = b"Message-ID: <>\r\n"
    clean_dovecot.append_many([empty_id + ordinary(), empty_id + _plain(MEETING)])

    verdicts = await _poll(store, imap_config)

    assert [v.outcome for v in verdicts] == [Outcome.NOT_MET, Outcome.MEETING]
    assert [m.met_on for m in store.meetings()] == [date(2026, 11, 24)]
