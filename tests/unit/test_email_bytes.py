"""The message builder: what it writes must read back, through the standard parser, as given."""

from __future__ import annotations

import email
from email.header import Header, decode_header, make_header
from email.message import EmailMessage
from email.policy import default
from email.utils import parseaddr

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.email_bytes import (
    address_field,
    alternative,
    list_id_field,
    mailbox,
    text_field,
    token_field,
)

NAME_CHARACTERS = st.characters(
    exclude_categories=["Cc", "Cf", "Cs", "Zl", "Zp"]
) | st.sampled_from(["\u00ad", "\u200c", "\u200d"])
"""The characters the program file accepts in names, the soft hyphen and joiners included."""
names = st.text(NAME_CHARACTERS, min_size=1, max_size=80).map(lambda name: " ".join(name.split()))
"""Names as people write them: the parser itself folds runs of white space into one space."""
subjects = st.text(NAME_CHARACTERS, min_size=1, max_size=200).map(lambda s: " ".join(s.split()))
subjects = subjects.filter(bool)
"""Subjects as the composer writes them: runs of white space already folded into one space."""
bodies = st.text(st.characters(exclude_categories=["Cs"]), max_size=2_000)


def parsed(message: bytes) -> EmailMessage:
    """The message as the standard library's parser reads it."""
    result = email.message_from_bytes(message, policy=default)
    assert isinstance(result, EmailMessage)
    return result


def build(
    *, to: list[tuple[str, str]], subject: str = "Hello", text: str = "t", html: str = "h"
) -> bytes:
    """A message with the given recipients and parts, and fixed other headers."""
    fields = [
        address_field("From", [mailbox("Mentoring", "mentoring@example.org")]),
        address_field("To", [mailbox(name, addr) for name, addr in to]),
        text_field("Subject", subject),
        token_field("Message-ID", "<1@example.org>"),
    ]
    return alternative(fields, text=text, html=html)


def normalized(body: str) -> str:
    """A body as it should read back: LF line ends, ending in one."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return "".join(line + "\n" for line in lines)


@given(name=names, subject=subjects)
def test_names_and_subjects_read_back_unchanged(name: str, subject: str) -> None:
    """Any display name and any subject come back as written when decoded per RFC 2047.

    The name is decoded with `decode_header`, not the `default` policy's address parser,
    which leaves a space between two encoded words of one name (RFC 2047 section 6.2 says
    to drop it; mail clients do).
    """
    message = build(to=[(name, "ana@example.org")], subject=subject)
    raw = email.message_from_bytes(message)
    written_name, addr_spec = parseaddr(raw["To"])
    assert (str(make_header(decode_header(written_name))), addr_spec) == (name, "ana@example.org")
    assert parsed(message)["Subject"] == subject


@given(text=bodies, html=bodies)
def test_bodies_read_back_unchanged(text: str, html: str) -> None:
    """Both parts come back with their text intact, only line ends normalised."""
    message = parsed(build(to=[("Ana", "ana@example.org")], text=text, html=html))
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    assert plain is not None
    assert rich is not None
    assert plain.get_content().replace("\r\n", "\n") == normalized(text)
    assert rich.get_content().replace("\r\n", "\n") == normalized(html)


@given(name=names, subject=subjects, text=bodies)
def test_every_line_is_ascii_crlf_and_short(name: str, subject: str, text: str) -> None:
    """The message is 7-bit, every line ends in CRLF, and none passes SMTP's 998-byte limit."""
    message = build(to=[(name, "ana@example.org")], subject=subject, text=text)
    assert message.isascii()
    assert message.endswith(b"\r\n")
    lines = message.split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    assert b"\r" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 998


ASCII_WORDS = st.lists(
    st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12),
    max_size=15,
).map(" ".join)
"""Plain subjects, short and long enough to fold."""


@given(subject=ASCII_WORDS | subjects)
def test_a_subject_is_written_as_the_standard_library_writes_it(subject: str) -> None:
    """Short plain subjects skip `Header`, and come out exactly as it would write them."""
    charset = "us-ascii" if subject.isascii() and "=?" not in subject else "utf-8"
    expected = Header(subject, charset, header_name="Subject").encode(linesep="\r\n")
    assert text_field("Subject", subject) == f"Subject: {expected}"


def test_many_recipients_are_folded_between_addresses() -> None:
    """A long To header is folded after commas, and every address reads back."""
    people = [(f"Person Number {n}", f"person.{n}@example.org") for n in range(12)]
    message = build(to=people)
    head = message.split(b"\r\n\r\n")[0].decode()
    assert all(len(line) <= 78 for line in head.split("\r\n"))
    addresses = parsed(message)["To"].addresses
    assert [(a.display_name, a.addr_spec) for a in addresses] == people


def test_an_international_domain_is_written_in_idna() -> None:
    """An address at a non-ASCII domain goes out in its ASCII (IDNA) form."""
    assert mailbox("Jürgen", "jm@bücher.de").endswith("<jm@xn--bcher-kva.de>")


def test_a_domain_in_a_header_is_the_one_the_envelope_names() -> None:
    """The header uses IDNA 2008 like the envelope: straße stays distinct from strasse."""
    assert mailbox("Jürgen", "jm@straße.de").endswith("<jm@xn--strae-oqa.de>")


@pytest.mark.parametrize(
    ("display_name", "addr_spec"),
    [
        ("Ana", "jürgen@example.org"),
        ("Ana", "not-an-address"),
        ("Ana\r\nBcc: everyone@example.org", "ana@example.org"),
        ("Ana", "ana@example.org\r\nBcc: everyone@example.org"),
    ],
)
def test_unwritable_addresses_are_refused(display_name: str, addr_spec: str) -> None:
    """Non-ASCII local parts, non-addresses and line breaks raise instead of being written."""
    with pytest.raises(ValueError, match=r"address|control characters|non-ASCII"):
        mailbox(display_name, addr_spec)


@pytest.mark.parametrize(
    "field",
    [
        lambda: text_field("Subject", "Hi\r\nBcc: everyone@example.org"),
        lambda: token_field("X-Reminder-Pair", "ana\nBcc: everyone@example.org"),
        lambda: token_field("X-Reminder-Pair", "anä"),
        lambda: list_id_field("Program", "has space.example.org"),
        lambda: address_field("To", []),
    ],
)
def test_header_injection_and_malformed_fields_are_refused(field: object) -> None:
    """A line break, a non-ASCII token, a bad list id or an empty address list raise."""
    assert callable(field)
    with pytest.raises(ValueError, match=r"control characters|ASCII|list identifier|at least one"):
        field()


def test_text_that_looks_encoded_reads_back_as_written() -> None:
    """A name or subject holding `=?...?=` is encoded itself, so readers show it literally."""
    lookalike = "=?utf-8?q?Dana_Okafor?="
    message = build(to=[(lookalike, "ana@example.org")], subject=f"Hi {lookalike}")
    raw = email.message_from_bytes(message)
    written_name, _ = parseaddr(raw["To"])
    assert str(make_header(decode_header(written_name))) == lookalike
    assert parsed(message)["Subject"] == f"Hi {lookalike}"


def test_the_list_id_names_the_program() -> None:
    """List-Id carries the program's name, encoded when not ASCII, and the identifier."""
    field = list_id_field("Programme für Mentoring", "programme.example.org")
    message = parsed(alternative([field], text="t", html="h"))
    assert message["List-Id"] == "Programme für Mentoring <programme.example.org>"


def test_the_boundary_never_occurs_in_a_body() -> None:
    """The boundary is one that quoted-printable output cannot contain."""
    message = build(to=[("Ana", "ana@example.org")], text="=_ --=_ =_abc", html="=_")
    boundary = parsed(message).get_boundary()
    assert boundary is not None
    assert boundary.startswith("=_")
    assert message.count(boundary.encode()) == 4
