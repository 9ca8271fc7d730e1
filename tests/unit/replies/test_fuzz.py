"""A bounded fuzz run of the reply pipeline: whatever arrives, a valid Verdict comes out.

`understand()` catches every exception and calls the message unreadable, so "it did not
raise" proves little. These properties are stricter: a message the reader can read is never
called unreadable (nothing inside failed), and every verdict is consistent with itself, the
program and the sender. Two generators feed it: raw bytes, and structured MIME (nested
multiparts, every transfer encoding, broken base64, undeclared and bogus charsets, encoded
headers, tokens good and bad, Authentication-Results) around words the parser knows.
Each run is bounded by `max_examples` and takes a few seconds.
"""

from __future__ import annotations

import base64
import json
import quopri
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from reminder_service.core.model import Person
from reminder_service.core.replies.mime import ParsedMail, read_mail
from reminder_service.core.replies.understand import ReplyContext, understand
from reminder_service.core.replies.verdict import Outcome, Reason, SentRef, Verdict, verdict_json
from reminder_service.core.tokens import make_token, reply_address
from tests.unit.strategies import make_pair, make_program

KEY = b"a deployment secret of reasonable length"
MAILBOX = "mentoring@northwind.example"
NOW = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)
CHECKIN_ID = "<checkin-1@northwind.example>"
PAIR = replace(
    make_pair("ada-bo"),
    mentor=Person(name="Ada Mentor", email="ada@example.org"),
    mentee=Person(name="Bo Mentee", email="bo@example.org"),
)
CONTEXT = ReplyContext(
    program=make_program(PAIR),
    key=KEY,
    mailbox=MAILBOX,
    our_addresses=frozenset({MAILBOX}),
    now=NOW,
    sent={CHECKIN_ID: SentRef(pair_id="ada-bo", kind="checkin", key="checkin:ada-bo:1")}.get,
    trusted_authserv_id="mx.northwind.example",
)
MEMBERS = {"ada@example.org": "mentor", "bo@example.org": "mentee"}
SETTLED = frozenset({Outcome.IGNORED, Outcome.REJECTED, Outcome.UNMATCHED})
MAX_MINUTES = 24 * 60
EARLIEST = datetime(1970, 1, 2)  # noqa: DTZ001 - hypothesis bounds are naive; zone added
LATEST = datetime(2100, 1, 1)  # noqa: DTZ001 - as above

WORDS = (
    "Yes, we met yesterday for 45 minutes.",
    "Not yet",
    "noch nicht",
    "pas encore, la semaine prochaine",
    "sí, ayer 30 minutos",
    "Pause until March",
    "Skip this round",
    "We'd like to end our mentorship",
    "That's wrong",
    "Met on 3/4, 1h30",
    "On Tue, 3 Mar 2026, Ada wrote:\n> Did you meet?",
    "-- \nBo",
    "<script>alert(1)</script>",
    "\u202e\u0000\ufeff",
    "会いました",
)
CHARSETS = (
    None,
    "utf-8",
    "iso-8859-1",
    "windows-1252",
    "x-bogus",
    "utf-16",
    "utf-7",
    "iso-2022-jp",
    '"',
)
SENDERS = (
    "Bo Mentee <bo@example.org>",
    "ADA@EXAMPLE.ORG",
    '"<script>alert(1)</script>" <bo@example.org>',
    "mallory@example.com",
    "=?utf-8?b?QsO2?= <bo@example.org>",
    "MAILER-DAEMON@example.org",
    "a@b, c@d",
    "<>",
    "",
)
RECIPIENTS = (
    reply_address(MAILBOX, make_token("ada-bo", date(2026, 4, 1), key=KEY)),
    reply_address(MAILBOX, make_token("ada-bo", date(2024, 1, 1), key=KEY)),
    reply_address(MAILBOX, make_token("ada-bo", date(2026, 4, 1), key=b"not our key at all")),
    reply_address(MAILBOX, make_token("gone-pair", date(2026, 4, 1), key=KEY)),
    "mentoring+junk@northwind.example",
    MAILBOX,
)
SUBJECTS = ("Re: Check-in", "Re: Check-in", "Re: Check-in", "=?utf-8?q?Out_of_office?=", "")
MACHINE_HEADERS = ("Auto-Submitted: auto-replied", "Precedence: bulk", "Auto-Submitted: no")
AUTH_RESULTS = (
    "mx.northwind.example; dmarc=fail header.from=example.org",
    "mx.northwind.example; dkim=pass header.d=example.org; dmarc=pass header.from=example.org",
    "mx.attacker.example; dmarc=pass",
    'mx.northwind.example (((; dkim=fail reason="(" header.d=example.org',
    "; = ;;",
)


@dataclass(frozen=True)
class Leaf:
    """A body part: its type, charset, transfer encoding and text."""

    content_type: str
    charset: str | None
    encoding: str
    text: str


@dataclass(frozen=True)
class Multipart:
    """A multipart container and its parts."""

    subtype: str
    parts: tuple[Leaf | Multipart, ...]


def _leaves() -> st.SearchStrategy[Leaf]:
    text = st.one_of(st.sampled_from(WORDS), st.text(max_size=200))
    return st.builds(
        Leaf,
        content_type=st.sampled_from(["text/plain", "text/html", "application/octet-stream"]),
        charset=st.sampled_from(CHARSETS),
        encoding=st.sampled_from(["7bit", "8bit", "base64", "broken-base64", "quoted-printable"]),
        text=st.lists(text, min_size=1, max_size=3).map("\n".join),
    )


def _trees() -> st.SearchStrategy[Leaf | Multipart]:
    return st.recursive(
        _leaves(),
        lambda children: st.builds(
            Multipart,
            subtype=st.sampled_from(
                ["mixed", "mixed", "alternative", "alternative", "related", "report"]
            ),
            parts=st.lists(children, min_size=0, max_size=4).map(tuple),
        ),
        max_leaves=8,
    )


def _leaf_bytes(leaf: Leaf) -> bytes:
    try:
        data = leaf.text.encode(leaf.charset.strip('"') if leaf.charset else "utf-8")
    except (LookupError, UnicodeError):
        data = leaf.text.encode("utf-8", "surrogatepass")
    if leaf.encoding == "quoted-printable":
        body = quopri.encodestring(data)
    elif leaf.encoding == "base64":
        body = base64.encodebytes(data)
    elif leaf.encoding == "broken-base64":
        encoded = base64.b64encode(data)
        body = encoded[: len(encoded) // 2] + b"!*\r\n=" + encoded[len(encoded) // 2 :][:-1]
    else:
        body = data
    charset = f"; charset={leaf.charset}" if leaf.charset is not None else ""
    encoding = "base64" if leaf.encoding == "broken-base64" else leaf.encoding
    return (
        f"Content-Type: {leaf.content_type}{charset}\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n".encode()
        + body
    )


def _part_bytes(part: Leaf | Multipart, *, depth: int = 0) -> bytes:
    if isinstance(part, Leaf):
        return _leaf_bytes(part)
    boundary = f"b{depth}-{len(part.parts)}".encode()
    inner = b"".join(
        b"--" + boundary + b"\r\n" + _part_bytes(child, depth=depth + 1) + b"\r\n"
        for child in part.parts
    )
    head = b'Content-Type: multipart/%s; boundary="%s"\r\n\r\n' % (part.subtype.encode(), boundary)
    return head + inner + b"--" + boundary + b"--\r\n"


@st.composite
def _messages(draw: st.DrawFn) -> bytes:
    """A structured message with hostile and ordinary choices for every field we read."""
    headers = [
        f"From: {draw(st.sampled_from(SENDERS))}",
        f"To: {draw(st.sampled_from(RECIPIENTS))}",
        f"Subject: {draw(st.sampled_from(SUBJECTS))}",
        f"Message-ID: <{draw(st.integers(0, 5))}@example.org>",
    ]
    if draw(st.booleans()):
        headers.append(f"In-Reply-To: {CHECKIN_ID}")
    moment = draw(st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=st.just(UTC)))
    dates = [format_datetime(moment), "yesterday", ""]
    headers.append(f"Date: {draw(st.sampled_from(dates))}")
    auth = draw(st.lists(st.sampled_from(AUTH_RESULTS), max_size=2))
    headers.extend(f"Authentication-Results: {value}" for value in auth)
    headers.extend(draw(st.lists(st.sampled_from(MACHINE_HEADERS), max_size=1)))
    head = "\r\n".join(headers).encode("utf-8", "surrogatepass")
    return head + b"\r\nMIME-Version: 1.0\r\n" + _part_bytes(draw(_trees()))


def _assert_valid(verdict: Verdict) -> None:
    """Everything a Verdict promises the shell, checked against the program and sender;
    its text is whole characters, which SQLite can store and an email can carry."""
    json.dumps(verdict_json(verdict), ensure_ascii=False).encode()
    assert verdict.pair_id is None or CONTEXT.program.pair(verdict.pair_id) is not None
    if verdict.sender_role is not None:
        assert MEMBERS.get(verdict.sender or "") == verdict.sender_role
    if verdict.outcome in SETTLED:
        assert verdict.reason is not None
        assert verdict.meeting is None
    if verdict.outcome is Outcome.MEETING:
        assert verdict.meeting is not None
    if verdict.meeting is not None:
        assert verdict.outcome in {Outcome.MEETING, Outcome.PAUSE, Outcome.END}
        assert verdict.sender_role is not None
        assert verdict.meeting.date <= (NOW + timedelta(days=1)).date()
        minutes = verdict.meeting.duration_minutes
        assert minutes is None or 0 < minutes <= MAX_MINUTES
    assert verdict.pause_until is None or verdict.outcome is Outcome.PAUSE


def _assert_nothing_failed_inside(raw: bytes, verdict: Verdict) -> None:
    """A message the reader could read must not come out unreadable: that is a hidden crash."""
    if isinstance(read_mail(raw, limits=CONTEXT.limits), ParsedMail):
        assert verdict.reason is not Reason.UNREADABLE


@settings(max_examples=300)
@given(raw=st.binary(max_size=3000))
def test_any_bytes_give_a_valid_verdict(raw: bytes) -> None:
    """Arbitrary bytes give a consistent verdict and never an exception."""
    verdict = understand(raw, context=CONTEXT)
    _assert_valid(verdict)
    _assert_nothing_failed_inside(raw, verdict)


@settings(max_examples=400)
@given(raw=_messages())
def test_any_structured_mail_gives_a_valid_verdict(raw: bytes) -> None:
    """Nested, mis-encoded and mis-labelled MIME gives a consistent verdict, read to the end."""
    assert isinstance(read_mail(raw, limits=CONTEXT.limits), ParsedMail)
    verdict = understand(raw, context=CONTEXT)
    _assert_valid(verdict)
    _assert_nothing_failed_inside(raw, verdict)
