"""Reading raw messages: header fields, body choice, charset traps and limits."""

from __future__ import annotations

import base64
import email.utils
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.replies.mime import (
    Limits,
    ParsedMail,
    _plain_addresses,
    _too_complex_to_parse,
    decode_text,
    header_of,
    read_mail,
)
from reminder_service.core.replies.verdict import Reason

HEADERS = (
    b"From: Ana Lima <Ana.Lima@Northwind.Example>\r\n"
    b"To: Northwind Mentoring <mentoring+ana-ben.g1a.cjf6g4gmlbako52o@northwind.example>\r\n"
    b"Subject: Re: Check-in\r\n"
    b"Date: Wed, 04 Mar 2026 09:15:00 +0100\r\n"
    b"Message-ID: <reply-1@mail.example>\r\n"
    b"MIME-Version: 1.0\r\n"
)


DEFAULT_LIMITS = Limits()


def _read(raw: bytes, *, limits: Limits = DEFAULT_LIMITS) -> ParsedMail:
    parsed = read_mail(raw, limits=limits)
    assert isinstance(parsed, ParsedMail), parsed
    return parsed


def _plain(body: bytes, *, content_type: bytes = b"text/plain; charset=utf-8") -> bytes:
    return HEADERS + b"Content-Type: " + content_type + b"\r\n\r\n" + body


def _multipart(subtype: str, *parts: bytes, boundary: str = "b1") -> bytes:
    """Parts given as complete part sources (headers, blank line, body)."""
    lines = [f"Content-Type: multipart/{subtype}; boundary={boundary}".encode(), b""]
    for part in parts:
        lines += [f"--{boundary}".encode(), part]
    lines.append(f"--{boundary}--".encode())
    return b"\r\n".join(lines) + b"\r\n"


def _part(content_type: str, body: bytes, *extra: str) -> bytes:
    headers = [f"Content-Type: {content_type}", *extra]
    return "\r\n".join(headers).encode() + b"\r\n\r\n" + body


def test_header_fields() -> None:
    """From, Message-ID, Date, Subject and recipients are read into plain fields."""
    raw = (
        HEADERS
        + b"Cc: Ben Ong <BEN.ONG@northwind.example>, dana@northwind.example\r\n"
        + b"Delivered-To: mentoring@northwind.example\r\n"
        + b"X-Original-To: mentoring+ana-ben.g1a.cjf6g4gmlbako52o@northwind.example\r\n"
        + b"Content-Type: text/plain; charset=utf-8\r\n\r\nYes we met\r\n"
    )
    parsed = _read(raw)
    assert parsed.from_addr == "ana.lima@northwind.example"
    assert parsed.from_name == "Ana Lima"
    assert parsed.message_id == "<reply-1@mail.example>"
    assert parsed.date == datetime(2026, 3, 4, 9, 15, tzinfo=timezone(timedelta(hours=1)))
    assert parsed.subject == "Re: Check-in"
    assert parsed.recipient_addrs == (
        "mentoring+ana-ben.g1a.cjf6g4gmlbako52o@northwind.example",
        "ben.ong@northwind.example",
        "dana@northwind.example",
        "mentoring@northwind.example",
    )
    assert parsed.body == "Yes we met\n"
    assert parsed.body_was_html is False


def test_references_in_reply_to_first_tolerant_of_commas_and_folding() -> None:
    """In-Reply-To ids come first, then References ids, deduplicated, junk ignored."""
    raw = (
        b"From: a@x.example\r\nIn-Reply-To: <checkin.ana-ben@n.example> (sent by us)\r\n"
        b"References: <first@n.example>,\r\n <checkin.ana-ben@n.example>,junk\r\n"
        b"\t<last@n.example>\r\n\r\nhi\r\n"
    )
    assert _read(raw).references == (
        "<checkin.ana-ben@n.example>",
        "<first@n.example>",
        "<last@n.example>",
    )


def test_encoded_words_and_a_comma_in_the_display_name() -> None:
    """An RFC 2047 name that decodes to "Lima, Ana" is still one sender."""
    raw = (
        b"From: =?utf-8?q?Lima=2C_Ana?= <ana@x.example>\r\n"
        b"Subject: =?utf-8?q?R=C3=A9ponse?= =?iso-8859-1?q?_caf=E9?=\r\n\r\nhi\r\n"
    )
    parsed = _read(raw)
    assert (parsed.from_name, parsed.from_addr) == ("Lima, Ana", "ana@x.example")
    assert parsed.subject == "Réponse café"
    assert parsed.headers["subject"] == ("Réponse café",)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"Subject: Re: caf\xc3\xa9 \xe2\x80\x94 ok", "Re: café — ok"),
        (b"Subject: Re: caf\xe9", "Re: café"),
        (b"Subject: =?bogus-charset?q?caf=E9?=", "café"),
        (b"Subject: =?utf-8?b?!!!?=", ""),
        (b"Subject: =?utf-7?Q?+2D0-?= ok", "\ufffd ok"),
        (b"Subject: \\ud83d =?utf-8?q?x?=", "\ufffd x"),
    ],
    ids=[
        "raw utf-8",
        "raw latin-1",
        "unknown charset word",
        "broken base64 word",
        "half a character in utf-7",
        "an escape for half a character beside a word",
    ],
)
def test_eight_bit_and_broken_headers_decode(header: bytes, expected: str) -> None:
    """Raw 8-bit and malformed encoded-word headers decode without raising."""
    raw = b"From: a@x.example\r\n" + header + b"\r\n\r\nhi\r\n"
    assert _read(raw).subject == expected


@pytest.mark.parametrize(
    "from_header",
    [
        b"From: a@x.example, b@x.example",
        b"From: <>",
        b"From: Just A Name",
        b"From: alice@example.org)<bob@example.org>",
        b"X-Other: 1",
        b"From: \x1bc@evil.example",
        b"From: Eve <eve\x07@evil.example>",
    ],
    ids=[
        "two addresses",
        "empty",
        "no address",
        "parser confusion",
        "missing",
        "escape code",
        "bell",
    ],
)
def test_sender_address_is_none_unless_exactly_one(from_header: bytes) -> None:
    """A missing, empty, garbled or multiple From, or one with control characters that
    would reach a terminal or a log, gives no sender address."""
    raw = from_header + b"\r\nSubject: x\r\n\r\nhi\r\n"
    assert _read(raw).from_addr is None


@pytest.mark.parametrize(
    ("date_header", "expected"),
    [
        (b"Date: Tue, 3 Mar 2026 18:00:00 -0000", datetime(2026, 3, 3, 18, tzinfo=UTC)),
        (b"Date: Tue, 3 Mar 2026 18:00:00", datetime(2026, 3, 3, 18, tzinfo=UTC)),
        (b"Date: yesterday-ish", None),
        (b"Date: Tue, 99 Foo 2026 99:99:99 +9999", None),
        (b"X-No-Date: 1", None),
    ],
    ids=["minus zero", "no zone", "junk", "out of range", "missing"],
)
def test_date_is_aware_or_none(date_header: bytes, expected: datetime | None) -> None:
    """The Date header becomes an aware datetime (UTC when unzoned), or None when unusable."""
    raw = b"From: a@x.example\r\n" + date_header + b"\r\n\r\nhi\r\n"
    assert _read(raw).date == expected


def test_message_id_missing_or_bare() -> None:
    """A missing Message-ID is None; one without angle brackets is kept as given."""
    assert _read(b"From: a@x.example\r\n\r\nhi").message_id is None
    assert _read(b"From: a@x.example\r\nMessage-ID:  abc@x \r\n\r\nhi").message_id == "abc@x"
    assert _read(b"From: a@x.example\r\nMessage-ID: abc123\r\n\r\nhi").message_id == "abc123"


@pytest.mark.parametrize(
    "header", [b"<>", b"(none)", b"unknown", b"<  >", b"0", b"<none>", b"<UNKNOWN>", b"-"]
)
def test_a_message_id_that_names_nothing_is_none(header: bytes) -> None:
    """A broken mailer's placeholder is no Message-ID: different messages share it, so it
    would make them one, and all but the first would be dropped as copies."""
    assert _read(b"From: a@x.example\r\nMessage-ID: " + header + b"\r\n\r\nhi").message_id is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"<caf\xc3\xa9@example.org>", "<café@example.org>"),
        (b"<" + b"a" * 3000 + b"@example.org>", "<" + "a" * 3000 + "@example.org>"),
        (b"caf\xc3\xa9@example.org", "café@example.org"),
    ],
    ids=["utf-8", "too long", "bare utf-8"],
)
def test_unusable_message_id_is_kept_for_deduplication(header: bytes, expected: str) -> None:
    """A Message-ID that could not be written back in a header is still read as it is, so
    two delivered copies of one reply are one message."""
    raw = b"From: a@x.example\r\nMessage-ID: " + header + b"\r\n\r\nhi"
    assert _read(raw).message_id == expected


def test_unusable_references_are_dropped() -> None:
    """References that could not be written back are left out; the usable ones are kept."""
    raw = (
        b"From: a@x.example\r\nIn-Reply-To: <caf\xc3\xa9@x.example>\r\n"
        b"References: <ok@x.example> <" + b"a" * 300 + b"@x.example>\r\n\r\nhi"
    )
    assert _read(raw).references == ("<ok@x.example>",)


def test_headers_mapping_keeps_every_value() -> None:
    """Header names are lowercased and repeated headers keep all their values, in order."""
    raw = b"From: a@x.example\r\nReceived: one\r\nRECEIVED: two\r\n\r\nhi"
    headers = _read(raw).headers
    assert headers["received"] == ("one", "two")
    assert "From" not in headers


def test_message_uses_the_default_policy() -> None:
    """The parsed message offers policy.default's structured headers to callers."""
    message = _read(_plain(b"hi")).message
    assert message["from"].addresses[0].username == "Ana.Lima"
    assert message.get_body(("plain",)) is not None


def test_plain_text_is_preferred_over_html() -> None:
    """In multipart/alternative the text/plain part is the body."""
    raw = HEADERS + _multipart(
        "alternative",
        _part("text/plain; charset=utf-8", b"Plain answer"),
        _part("text/html; charset=utf-8", b"<div>HTML answer</div>"),
    )
    assert _read(raw).body == "Plain answer"


def test_html_only_is_converted_without_the_quote() -> None:
    """An HTML-only reply is converted to text with its gmail_quote removed."""
    html = b'<div>We met</div><div class="gmail_quote">On Tue wrote:<blockquote>Hi</blockquote>'
    parsed = _read(_plain(html, content_type=b"text/html; charset=utf-8"))
    assert parsed.body == "We met\n>"
    assert parsed.body_was_html is True


def test_blank_plain_part_loses_to_html() -> None:
    """A whitespace-only text/plain alternative gives way to the HTML part."""
    raw = HEADERS + _multipart(
        "alternative",
        _part("text/plain; charset=utf-8", b"\r\n  \r\n"),
        _part("text/html; charset=utf-8", b"<p>Skip this round</p>"),
    )
    assert (_read(raw).body, _read(raw).body_was_html) == ("Skip this round", True)


def test_attachments_and_winmail_dat_are_skipped() -> None:
    """Text attachments, inline files and winmail.dat are never taken as the body."""
    tnef = base64.b64encode(b"\x78\x9f\x3e\x22 tnef").decode()
    raw = HEADERS + _multipart(
        "mixed",
        _part("text/plain; charset=utf-8", b"notes", "Content-Disposition: attachment"),
        _part("text/plain; name=log.txt", b"log", "Content-Disposition: inline; filename=l.txt"),
        _part(
            "application/ms-tnef; name=winmail.dat",
            tnef.encode(),
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=winmail.dat",
        ),
        _part("text/plain; charset=utf-8", b"The answer"),
    )
    assert _read(raw).body == "The answer"


def test_forwarded_message_body_is_not_the_reply() -> None:
    """Text inside an attached message/rfc822 is never taken as the reply's own text."""
    inner = b"From: other@x.example\r\nSubject: old\r\n\r\nInner text, not the reply\r\n"
    with_text = HEADERS + _multipart(
        "mixed", _part("text/plain", b"FYI"), _part("message/rfc822", inner)
    )
    without_text = HEADERS + _multipart("mixed", _part("message/rfc822", inner))
    assert _read(with_text).body == "FYI"
    assert _read(without_text).body == ""


def test_nested_related_html() -> None:
    """HTML inside multipart/related inside multipart/alternative is found (Apple Mail)."""
    related = _multipart(
        "related",
        _part("text/html; charset=utf-8", b"<div>We met Monday</div>"),
        _part("image/png", b"PNG"),
        boundary="b2",
    )
    raw = HEADERS + _multipart("alternative", related)
    assert _read(raw).body == "We met Monday"


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        (b"text/plain; charset=utf-8", "Caf\u00e9 \u2014 ok".encode(), "Café — ok"),
        (b"text/plain; charset=utf-8", "Caf\u00e9".encode("latin-1"), "Café"),
        (b"text/plain; charset=iso-8859-1", "Caf\u00e9".encode(), "Café"),
        (b"text/plain; charset=iso-8859-1", "Caf\u00e9".encode("latin-1"), "Café"),
        (b"text/plain; charset=unknown-8bit", "Caf\u00e9".encode(), "Café"),
        (b"text/plain; charset=unknown-8bit", "\u201cok\u201d".encode("cp1252"), "“ok”"),
        (b"text/plain", "Gr\u00fc\u00dfe".encode(), "Grüße"),
        (b"text/plain", "Gr\u00fc\u00dfe".encode("cp1252"), "Grüße"),
        (b"text/plain; charset=us-ascii", "na\u00efve".encode(), "naïve"),
        (b"text/plain; charset=x-bogus", "Caf\u00e9".encode(), "Café"),
        (b"text/plain; charset=base64", b"aGk=", "aGk="),
        (b'text/plain; charset="UTF8"', "\u00e9".encode(), "é"),
        (b"text/plain; charset=windows-1252", b"\x93quoted\x94 \x80", "“quoted” €"),
        (
            b"text/plain; charset=iso-2022-jp",
            "はい、会いました".encode("iso2022_jp"),
            "はい、会いました",
        ),
        (b"text/plain; charset=iso-2022-jp", "ｶです".encode("iso2022_jp_ext"), "ｶです"),
        (b"text/plain; charset=iso-2022-jp", b"\x1b$B$O$$-!\x1b(B", "はい\ufffd"),
        (b"text/plain; charset=utf-7", "Caf\u00e9".encode("utf-7"), "Café"),
        (b"text/plain; charset=utf-7", b"Hmm +2D0- what?", "Hmm \ufffd what?"),
        (b"text/plain; charset=utf-16", b"\xff\xfe\x00", "ÿþ\x00"),
        (b"text/plain; charset=shift_jis", "はい".encode("shift_jis"), "はい"),
    ],
    ids=[
        "utf-8",
        "latin-1 labelled utf-8",
        "utf-8 labelled latin-1",
        "latin-1",
        "unknown-8bit utf-8",
        "unknown-8bit cp1252",
        "no charset utf-8",
        "no charset cp1252",
        "8-bit labelled ascii",
        "bogus charset",
        "non-text codec name",
        "quoted alias",
        "windows-1252",
        "iso-2022-jp",
        "iso-2022-jp with half-width katakana",
        "iso-2022-jp with vendor characters",
        "utf-7",
        "half a character in utf-7",
        "truncated utf-16",
        "shift_jis",
    ],
)
def test_charset_traps(content_type: bytes, body: bytes, expected: str) -> None:
    """Text parts decode by their charset, then UTF-8, Windows-1252 and Latin-1."""
    raw = _plain(body, content_type=content_type + b"\r\nContent-Transfer-Encoding: 8bit")
    assert _read(raw).body == expected


def test_html_meta_charset_is_used_when_the_header_has_none() -> None:
    """An HTML part without a header charset is decoded by its <meta> charset."""
    html = '<meta charset="koi8-r"><p>Да</p>'.encode("koi8-r")
    raw = _plain(html, content_type=b"text/html\r\nContent-Transfer-Encoding: 8bit")
    assert _read(raw).body == "Да"


@pytest.mark.parametrize(
    ("encoding", "body", "expected"),
    [
        (b"base64", b"WWVzIHdlIG1ldA=x=\r\n!!\r\n", "Yes we met"),
        (b"base64", b"WWVzIHdlIG1ld", "Yes we me"),
        (b"quoted-printable", b"Caf=C3=A9 =ZZ soft=\r\nbreak", "Café =ZZ softbreak"),
        (b"x-unknown", b"raw text", "raw text"),
    ],
    ids=["junk in base64", "unpadded base64", "broken quoted-printable", "unknown encoding"],
)
def test_broken_transfer_encodings(encoding: bytes, body: bytes, expected: str) -> None:
    """Damaged base64 and quoted-printable decode as far as they can."""
    content_type = b"text/plain; charset=utf-8\r\nContent-Transfer-Encoding: " + encoding
    assert _read(_plain(body, content_type=content_type)).body == expected


def test_missing_boundary_gives_empty_body() -> None:
    """A multipart whose boundary never appears reads as a message with no usable text."""
    raw = HEADERS + b"Content-Type: multipart/alternative\r\n\r\n--x\r\n\r\nYes\r\n--x--\r\n"
    assert _read(raw).body == ""


def test_empty_body_is_fine() -> None:
    """A message with headers and no body reads with an empty body."""
    assert _read(HEADERS).body == ""


def test_format_flowed_is_unwrapped() -> None:
    """format=flowed soft line breaks are joined, quotes and signature kept apart."""
    body = (
        b"We met on Tuesday for \r\n45 minutes.\r\n> On Tue, Northwind \r\n> wrote:\r\n"
        b"-- \r\nAna\r\n"
    )
    raw = _plain(body, content_type=b"text/plain; charset=utf-8; format=flowed")
    assert _read(raw).body == (
        "We met on Tuesday for 45 minutes.\n> On Tue, Northwind wrote:\n-- \nAna\n"
    )


def test_format_flowed_delsp() -> None:
    """With DelSp=yes the space before a soft break is removed."""
    raw = _plain(b"Dreiund \r\nvierzig\r\n", content_type=b"text/plain; format=flowed; delsp=yes")
    assert _read(raw).body == "Dreiundvierzig\n"


def test_body_is_truncated() -> None:
    """The body is cut to max_text_chars."""
    raw = _plain(b"x" * 1000)
    assert _read(raw, limits=Limits(max_text_chars=10)).body == "x" * 10


def test_html_is_read_up_to_max_html_chars() -> None:
    """Converting hostile markup costs time in proportion to its length, so HTML is cut
    before it is converted: words beyond the limit are not read."""
    html = b"<p>Yes, we met.</p>" + b"<br>" * 100 + b"<p>Beyond.</p>"
    raw = _plain(html, content_type=b"text/html; charset=utf-8")
    assert _read(raw).body.endswith("Beyond.")
    limited = _read(raw, limits=Limits(max_html_chars=len("<p>Yes, we met.</p>") + 400))
    assert limited.body.strip() == "Yes, we met."


def test_too_large_is_refused_before_parsing() -> None:
    """A message over max_bytes is too large."""
    assert read_mail(_plain(b"x" * 2000), limits=Limits(max_bytes=1000)) is Reason.TOO_LARGE


def _flat(parts: int) -> bytes:
    body = b"".join(b"--b\r\n\r\npart %d\r\n" % index for index in range(parts))
    return HEADERS + b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + body + b"--b--\r\n"


def _typed_flat(parts: int) -> bytes:
    part = b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"
    return HEADERS + b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + part * parts


def _nested(depth: int, *, kind: str = "multipart", newline: bytes = b"\r\n") -> bytes:
    raw = b"Content-Type: text/plain\r\n\r\nhi\r\n"
    for level in range(depth):
        if kind == "multipart":
            head = b"Content-Type: multipart/mixed; boundary=n%d\r\n\r\n--n%d\r\n" % (level, level)
            raw = head + raw + b"\r\n--n%d--\r\n" % level
        else:
            raw = b"Content-Type: message/rfc822\r\n\r\nFrom: x@y.example\r\n" + raw
    return (b"From: a@x.example\r\n" + raw).replace(b"\r\n", newline)


@pytest.mark.parametrize(
    "raw",
    [
        _flat(10_000),
        _flat(101),
        _typed_flat(10_000),
        _nested(1_000),
        _nested(1_000, kind="message"),
        _nested(1_000, newline=b"\r"),
        _nested(11),
        HEADERS + b"X-Long: " + b"a" * 100_000 + b"\r\n\r\nhi",
        HEADERS + b"X-Folded: " + b"a\r\n " * 20_000 + b"\r\n\r\nhi",
        HEADERS + b"X: y\r\n" * 100_000 + b"\r\nhi",
    ],
    ids=[
        "10,000 parts",
        "101 parts",
        "10,000 typed parts",
        "nesting 1,000 deep",
        "message/rfc822 1,000 deep",
        "nesting 1,000 deep with bare CR line ends",
        "nesting 11 deep",
        "100,000-character header",
        "folded long header",
        "100,000 header fields",
    ],
)
def test_hostile_structure_is_too_complex(raw: bytes) -> None:
    """Too many parts, too deep nesting or a huge header is refused as too complex."""
    assert read_mail(raw) is Reason.TOO_COMPLEX


def test_limits_are_inclusive() -> None:
    """Exactly max_parts parts and max_depth nesting are still read."""
    assert _read(_flat(99)).body == "part 0"
    assert _read(_nested(10)).body == "hi\n"


@pytest.mark.parametrize(
    "raw",
    [b"", b"\r\n\r\njust a body", b"no header here\nat all"],
    ids=["empty", "blank headers", "no headers"],
)
def test_no_headers_is_unreadable(raw: bytes) -> None:
    """Bytes without any header field are not a message."""
    assert read_mail(raw) is Reason.UNREADABLE


def test_crlf_becomes_newline() -> None:
    """Body lines end in a plain newline whatever the message used."""
    assert _read(_plain(b"a\r\nb\rc\r\n")).body == "a\nb\nc\n"


@pytest.mark.parametrize("charset", ["utf-16", "utf-16le", "utf-32", "punycode"])
def test_a_declared_charset_the_bytes_cannot_be_in_is_ignored(charset: str) -> None:
    """Plain ASCII labelled UTF-16, UTF-32 or punycode reads as the ASCII it is."""
    assert decode_text(b"We met yesterday for 45 min.\n", charset) == (
        "We met yesterday for 45 min.\n"
    )


@pytest.mark.parametrize("charset", ["utf-16", "utf-16-be", "utf-32-le"])
def test_real_utf16_and_utf32_text_is_read_in_its_charset(charset: str) -> None:
    """Text really in UTF-16 or UTF-32 is decoded in the charset it declares."""
    assert decode_text("Café à 10h\n".encode(charset), charset) == "Café à 10h\n"


def test_decode_text_falls_back_to_latin1() -> None:
    """Bytes that are neither UTF-8 nor Windows-1252 still decode, as Latin-1."""
    assert decode_text(b"\x81\xff", "utf-8") == "\x81ÿ"


@given(st.binary(max_size=4096))
def test_never_raises_on_bytes(raw: bytes) -> None:
    """Arbitrary bytes give a ParsedMail or a Reason, never an exception."""
    assert isinstance(read_mail(raw), ParsedMail | Reason)


@given(
    body=st.text(max_size=2000),
    content_type=st.sampled_from(
        [
            "text/plain; charset=utf-8",
            "text/html; charset=utf-8",
            "text/plain; format=flowed; delsp=yes",
            "multipart/alternative; boundary=b",
            "message/rfc822",
            "text/plain; charset=utf-16",
        ]
    ),
    encoding=st.sampled_from(["8bit", "base64", "quoted-printable", "7bit"]),
)
def test_never_raises_on_text_in_valid_headers(body: str, content_type: str, encoding: str) -> None:
    """Any text under well-formed headers reads as a ParsedMail."""
    raw = (
        HEADERS
        + f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n".encode()
        + body.encode("utf-8", "surrogatepass")
    )
    assert isinstance(read_mail(raw), ParsedMail)


@pytest.mark.parametrize(
    ("data", "charset", "expected"),
    [
        (b"We met for 30+ minutes.\n", "utf-7", "We met for 30+ minutes.\n"),
        (b"Caf+AOk- at 10, 45 min\n", "utf-7", "Café at 10, 45 min\n"),
        (b"An hour ~ more or less\n", "hz", "An hour ~ more or less\n"),
    ],
    ids=["ascii labelled utf-7", "real utf-7", "ascii labelled hz"],
)
def test_a_7_bit_charset_is_believed_only_when_it_decodes_cleanly(
    data: bytes, charset: str, expected: str
) -> None:
    """Plain ASCII labelled UTF-7 or HZ that the label cannot decode is read as ASCII, not
    mangled; real UTF-7 is still decoded."""
    assert decode_text(data, charset) == expected


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        (b"text/plain; charset=utf-8", ("text/plain", "")),
        (b"TEXT/Plain", ("text/plain", "")),
        (b"garbled", ("text/plain", "")),
        (
            b'multipart/report; report-type="Delivery-Status"; boundary=b1',
            ("multipart/report", "delivery-status"),
        ),
        (b"multipart/report; boundary=b1", ("multipart/report", "")),
        (b"multipart/mixed; report-type=delivery-status; boundary=b1", ("multipart/mixed", "")),
    ],
)
def test_whole_message_type_is_read_once(content_type: bytes, expected: tuple[str, str]) -> None:
    """The message's own type and report type, lowercased, as the machine checks read them."""
    mail = _read(_plain(b"--b1\r\n\r\nHello\r\n--b1--\r\n", content_type=content_type))
    assert (mail.content_type, mail.report_type) == expected


_ATOM_CHARS = "abcXYZ019!#$%&'*+/=?^_`{|}~-"
_atoms = st.text(alphabet=_ATOM_CHARS, min_size=1, max_size=6)
_dot_atoms = st.lists(_atoms, min_size=1, max_size=3).map(".".join)
_plain_addr = st.builds(lambda local, domain: f"{local}@{domain}", _dot_atoms, _dot_atoms)
_blank = st.text(alphabet=" \t", max_size=2)
_names = st.one_of(
    st.just(""),
    st.lists(st.tuples(_atoms, st.text(alphabet=" \t", min_size=1, max_size=2)), max_size=3).map(
        lambda words: "".join(word + gap for word, gap in words).rstrip(" \t")
    ),
    st.text(alphabet=st.characters(blacklist_characters='"\\\r\n'), max_size=8).map(
        lambda inner: f'"{inner}"'
    ),
)
_plain_values = st.one_of(
    st.builds(lambda a, b, addr: f"{a}{addr}{b}", _blank, _blank, _plain_addr),
    st.builds(
        lambda a, name, gap, addr, b: f"{a}{name}{gap}<{addr}>{b}",
        _blank,
        _names,
        _blank,
        _plain_addr,
        _blank,
    ),
)


@given(st.lists(_plain_values, min_size=1, max_size=3))
def test_plain_addresses_are_read_as_the_library_reads_them(values: list[str]) -> None:
    """The quick reading of plain address forms takes every one of them, and gives what
    `email.utils.getaddresses` gives."""
    plain = _plain_addresses(tuple(values))
    assert plain is not None
    assert plain == email.utils.getaddresses(values)


@given(st.lists(st.text(max_size=30), max_size=2))
def test_any_header_text_is_read_as_the_library_reads_it(values: list[str]) -> None:
    """Whatever the text, the quick reading gives the library's answer or leaves it to the
    library."""
    plain = _plain_addresses(tuple(values))
    assert plain is None or plain == email.utils.getaddresses(values)


@pytest.mark.parametrize(
    "value",
    [
        "a@x.example, b@x.example",
        "Ann <>",
        "Ann (work) <a@x.example>",
        "a@x.example (Ann)",
        "<@route.example:a@x.example>",
        "Jörg <j@x.example>",
        "Dr. Ann <a@x.example>",
        '"Ann \\"the\\" Lima" <a@x.example>',
        "a@[192.0.2.1]",
    ],
)
def test_other_address_forms_are_left_to_the_library(value: str) -> None:
    """Lists, comments, routes, non-ASCII, dotted names, escapes and address literals."""
    assert _plain_addresses((value,)) is None


@pytest.mark.parametrize(
    "newlines",
    [(b"\r\n", b"\r\n"), (b"\n", b"\n"), (b"\r", b"\r"), (b"\r\n", b"\n"), (b"\n", b"\r\n")],
    ids=["CRLF", "LF", "CR", "CRLF then LF", "LF then CRLF"],
)
def test_the_header_ends_at_the_first_blank_line_whatever_the_line_ends(
    newlines: tuple[bytes, bytes],
) -> None:
    """The header is found with CRLF, LF or bare CR line ends, and with a mix of them."""
    first, second = newlines
    header = b"From: a@x.example" + first + b"Subject: s" + first + second
    assert header_of(header + b"body" + first + first + b"more") == header


def test_content_type_lines_count_toward_the_limit_in_any_case() -> None:
    """A message with more Content-Type lines than parts allowed is refused before it is
    parsed, however the lines are capitalised."""
    lines = b"".join(
        b"%s: text/plain\r\n" % name
        for name in (b"CONTENT-TYPE", b"Content-type", b"content-TYPE") * 34
    )
    assert _too_complex_to_parse(lines + b"\r\nhi", limits=Limits(max_parts=101))
    assert not _too_complex_to_parse(lines + b"\r\nhi", limits=Limits(max_parts=102))


@pytest.mark.parametrize("charset", ["iso-8859-1", "latin1", "ISO_8859-1", "iso-8859-15"])
def test_latin1_labelled_text_with_windows_quotes_is_windows_1252(charset: str) -> None:
    """Outlook on Windows labels text ISO-8859-1 that holds Windows-1252's curly quotes and
    dashes (bytes that are control characters in ISO-8859-1): they read as what was typed."""
    data = b"We haven\x92t met yet \x96 sorry. \x93Caf\xe9\x94\n"

    assert decode_text(data, charset) == "We haven\u2019t met yet \u2013 sorry. \u201cCafé\u201d\n"


@pytest.mark.parametrize(
    ("data", "charset", "expected"),
    [
        (b"Caf\xe9 \xa4\n", "iso-8859-15", "Café €\n"),
        (b"Caf\xe9 \xa4\n", "iso-8859-1", "Café ¤\n"),
        (b"\x81 Caf\xe9\n", "iso-8859-1", "\x81 Café\n"),
    ],
    ids=["latin-9 without control bytes", "latin-1 without control bytes", "not windows-1252"],
)
def test_latin_text_without_windows_quotes_keeps_its_label(
    data: bytes, charset: str, expected: str
) -> None:
    """Without those bytes the label is believed; a byte Windows-1252 does not have either
    (0x81) leaves the text in its label's charset."""
    assert decode_text(data, charset) == expected
