"""Raw message bytes to the few things the reply parser needs, whatever state the mail is in.

Real mail is messy: 8-bit headers, charsets that are missing, misspelt or wrong, broken
base64, boundaries that never appear, HTML-only bodies, forwarded messages and Outlook's
`winmail.dat` attached. `read_mail` reads what it can and never raises; a message too big
or too deeply built to read safely comes back as a `Reason` instead.

The message is parsed with the fast `compat32` policy and switched to `policy.default`
afterwards, so callers get `EmailMessage`'s lazily decoded header objects while reading
costs a tenth of the time (the default policy parses every header it touches, and the
parser itself touches Content-Type many times). For the same reason, and because those
header objects raise on some malformed values, the fields here are decoded by hand: RFC
2047 words and raw 8-bit bytes. Addresses are parsed from the still-encoded header text,
so a display name that decodes to "Lima, Ana" cannot split one address into two.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import email.policy
import email.utils
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from types import MappingProxyType

from reminder_service.core.message_ids import usable_message_id
from reminder_service.core.replies.html_text import html_to_text
from reminder_service.core.replies.verdict import Reason


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of a message we are willing to read; beyond these it is refused unread."""

    max_bytes: int = 5 * 1024 * 1024
    max_parts: int = 100
    max_depth: int = 10
    max_header_chars: int = 16_384
    max_text_chars: int = 200_000
    max_html_chars: int = 250_000
    """HTML is read up to here: converting it costs about 1 s per million characters of
    hostile markup, and the sender's own words come first."""


@dataclass(frozen=True, slots=True)
class ParsedMail:
    """One inbound message, read: the headers of interest and the text the sender wrote in.

    `body` is the first text/plain part that is not an attachment, else the first HTML
    part converted to text with its quoted containers already removed; '' if neither.
    `content_type` and `report_type` are the whole message's, read once: asking
    `message` costs a parse of its Content-Type each time.
    """

    message: EmailMessage
    content_type: str
    report_type: str
    from_addr: str | None
    from_name: str
    message_id: str | None
    date: datetime | None
    subject: str
    recipient_addrs: tuple[str, ...]
    references: tuple[str, ...]
    headers: Mapping[str, tuple[str, ...]]
    body: str
    body_was_html: bool


class _TooComplex(Exception):  # noqa: N818 - a signal, not an error
    """Raised while walking a message that has too many parts or is nested too deeply."""


_DEFAULT_LIMITS = Limits()
_CONTENT_TYPE_LINE = re.compile(rb"(?:^|\r)content-type[ \t]*:", re.IGNORECASE | re.MULTILINE)
_HEADER_END = re.compile(rb"\r\n\r?\n|\n\r?\n|\r\r")
"""The blank line after the header. Each branch starts with a literal byte, so the regex
engine skips to line ends instead of trying every branch at every byte (2.5x faster)."""
_MAX_HEADER_LINES = 5_000
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_NEWLINES = re.compile(r"\r\n?")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")
_BASE64_PADDING = re.compile(r"=+")
_MSG_ID = re.compile(r"<[^<>\s]+>")
_SURROGATE = re.compile("[\ud800-\udfff]")
_PLACEHOLDER_ID = re.compile(r"[<(]*(?:none|null|nil|unknown|undefined|\W*|0)[>)]*", re.IGNORECASE)
_ADDR_SPEC = re.compile(r"[^\s@<>()\[\],;:\"\\\x00-\x1f\x7f]+@[^\s@<>()\[\],;:\"\\\x00-\x1f\x7f]+")
"""An address with no control characters: one could not be printed or logged safely."""
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*"
_PLAIN_ADDRESS = re.compile(
    rf'[ \t]*(?:(?:(?P<name>{_ATOM}(?:[ \t]+{_ATOM})*)|"(?P<quoted>[^"\\\r\n]*)")?'
    rf"[ \t]*<(?P<angle>{_DOT_ATOM}@{_DOT_ATOM})>|(?P<bare>{_DOT_ATOM}@{_DOT_ATOM}))[ \t]*"
)
"""One address in a form whose reading is plain (ASCII atoms, no comments, no routes)."""
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{1,40})", re.I)
_REPORT = "multipart/report"
_RECIPIENT_HEADERS = ("to", "cc", "delivered-to", "x-original-to")
_SINGLE_BYTE_WESTERN = frozenset({"ascii", "iso8859_1", "iso8859_15", "cp1252"})
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
"""Bytes that are control characters in ISO-8859-1 and -15, never written in text, but
Windows-1252's curly quotes and dashes: Outlook on Windows labels such text ISO-8859-1
(web browsers read that label as Windows-1252 for the same reason), and "haven't" with
its apostrophe read as a control character no longer says no."""
_ASCII_TRANSFORMS = frozenset({"punycode", "idna", "unicode_escape", "raw_unicode_escape"})
"""Python codecs that read ASCII as something else: never a mail body's real charset."""
_WIDE_UNITS = {
    "utf_16": 2,
    "utf_16_le": 2,
    "utf_16_be": 2,
    "utf_32": 4,
    "utf_32_le": 4,
    "utf_32_be": 4,
}
_SUPERSETS: Mapping[str, tuple[str, ...]] = {
    "ascii": ("cp1252",),
    "iso8859_1": ("cp1252",),
    "iso2022_jp": ("iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004"),
    "shift_jis": ("cp932",),
    "euc_jp": ("cp932",),
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "euc_kr": ("cp949",),
    "big5": ("big5hkscs",),
}


def read_mail(raw: bytes, *, limits: Limits = _DEFAULT_LIMITS) -> ParsedMail | Reason:
    """Read `raw`; a Reason (too_large, too_complex, unreadable) when it cannot be read safely.

    Never raises.
    """
    if len(raw) > limits.max_bytes:
        return Reason.TOO_LARGE
    if _too_complex_to_parse(raw, limits=limits):
        return Reason.TOO_COMPLEX
    try:
        message = BytesParser(_class=EmailMessage, policy=email.policy.compat32).parsebytes(raw)
        return _read(message, limits=limits)
    except (_TooComplex, RecursionError):
        return Reason.TOO_COMPLEX
    except Exception:  # the parser must never raise on bad mail
        return Reason.UNREADABLE


def header_of(raw: bytes) -> bytes:
    """The header block of `raw`, up to and including the blank line that ends it."""
    end = _HEADER_END.search(raw)
    return raw[: end.end()] if end else raw


def _too_complex_to_parse(raw: bytes, *, limits: Limits) -> bool:
    """A cheap look before parsing, which is recursive in nesting and slow on huge headers.

    Every multipart or message/* level needs a Content-Type line, so more of those than
    max_parts bounds the nesting the parser would recurse into.
    """
    # Counting the words first is 16x cheaper than the regex and bounds its count.
    if (
        raw.lower().count(b"content-type") > limits.max_parts
        and len(_CONTENT_TYPE_LINE.findall(raw)) > limits.max_parts
    ):
        return True
    end = _HEADER_END.search(raw)
    head = raw[: end.start()] if end else raw
    return max(head.count(b"\n"), head.count(b"\r")) > _MAX_HEADER_LINES


def decode_text(data: bytes, charset: str | None) -> str:
    """`data` as text: its declared charset if that fits, else UTF-8, Windows-1252, Latin-1.

    A declared single-byte Western charset loses to UTF-8 when the bytes are valid UTF-8
    with non-ASCII in them: real Latin-1 text almost never is, mislabelled UTF-8 always.
    ISO-8859-1 or -15 with bytes 0x80-0x9F in it is Windows-1252 (see `_C1_BYTES`).
    7-bit text that an ISO-2022 charset rejects has vendor extensions; it is decoded in that
    charset with the unknown characters replaced, since UTF-8 would show the escape
    sequences. Other 7-bit charsets (UTF-7, HZ) are believed only when they decode cleanly:
    plain ASCII labelled UTF-7 ("30+ minutes") is read as ASCII. A declared charset
    the bytes cannot be in (UTF-16 without a zero byte, punycode) is ignored. Half of a
    character (UTF-7 can encode one) becomes U+FFFD: such text cannot be stored or sent.
    """
    return _whole_characters(_decoded(data, charset))


def _decoded(data: bytes, charset: str | None) -> str:
    codec = _codec_name(charset)
    if codec is not None and not _plausibly(codec, data):
        codec = None
    for candidate in _declared_candidates(codec, data):
        with contextlib.suppress(UnicodeError, LookupError, ValueError):
            return data.decode(candidate)
    if codec is not None and codec.startswith("iso2022") and data.isascii():
        with contextlib.suppress(UnicodeError, LookupError, ValueError):
            return data.decode(codec, "replace")
    for candidate in ("utf-8", "cp1252"):
        with contextlib.suppress(UnicodeError):
            return data.decode(candidate)
    return data.decode("latin-1")


def _declared_candidates(codec: str | None, data: bytes) -> list[str]:
    if codec is None:
        return []
    if codec in _SINGLE_BYTE_WESTERN and not data.isascii():
        if codec != "cp1252" and _C1_BYTES.search(data):
            return ["utf-8", "cp1252", codec]
        return ["utf-8", codec, *_SUPERSETS.get(codec, ())]
    return [codec, *_SUPERSETS.get(codec, ())]


def _plausibly(codec: str, data: bytes) -> bool:
    """Whether `data` can be in `codec`: never in an ASCII transform such as punycode, and
    in UTF-16 or UTF-32 only in whole code units with some zero bytes (any line break or
    space has them)."""
    if codec in _ASCII_TRANSFORMS:
        return False
    unit = _WIDE_UNITS.get(codec, 1)
    return unit == 1 or (len(data) % unit == 0 and b"\0" in data)


def _codec_name(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip("\"'")).name.replace("-", "_")
    except (LookupError, ValueError):
        return None


def _read(message: Message, *, limits: Limits) -> ParsedMail | Reason:
    if not isinstance(message, EmailMessage):
        return Reason.UNREADABLE
    raw_headers = list(message.raw_items())
    if not raw_headers:
        return Reason.UNREADABLE
    parts = _parts(message, limits=limits)
    texts = _header_texts(raw_headers)
    headers = {
        name: tuple(_decode_words(value) for value in values) for name, values in texts.items()
    }
    body, was_html = _body([part for part, readable in parts if readable], limits=limits)
    content_type = _content_type(message)
    report_type = (_param(message, "report-type") or "") if content_type == _REPORT else ""
    for part, _ in parts:
        part.policy = email.policy.default
    from_name, from_addr = _sender(texts.get("from", ()))
    return ParsedMail(
        message=message,
        content_type=content_type,
        report_type=report_type.lower(),
        from_addr=from_addr,
        from_name=from_name,
        message_id=_message_id(texts.get("message-id", ())),
        date=_date(texts.get("date", ())),
        subject=(headers.get("subject") or ("",))[0].strip(),
        recipient_addrs=_recipients(texts),
        references=_references(texts),
        headers=MappingProxyType(headers),
        body=body[: limits.max_text_chars],
        body_was_html=was_html,
    )


def _header_texts(raw_headers: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Header values by lowercased name: unfolded, raw 8-bit decoded, RFC 2047 words intact."""
    texts: dict[str, list[str]] = {}
    for name, value in raw_headers:
        texts.setdefault(name.strip().lower(), []).append(_eight_bit_decoded(_unfold(value)))
    return {name: tuple(values) for name, values in texts.items()}


def _unfold(value: str) -> str:
    if "\n" not in value:
        return value.strip()
    return _FOLD.sub("", value).strip()


def _eight_bit_decoded(value: str) -> str:
    """The parser keeps raw 8-bit header bytes as surrogates; decode them as text."""
    if value.isascii():
        return value
    return decode_text(value.encode("utf-8", "surrogateescape"), None)


def _decode_words(value: str) -> str:
    """`value` with RFC 2047 encoded words decoded; unchanged if they cannot be."""
    if "=?" not in value:
        return value
    try:
        pieces = decode_header(value)
    except Exception:  # junk in, text out
        return value
    return _whole_characters("".join(_decoded_piece(p, charset) for p, charset in pieces))


def _whole_characters(text: str) -> str:
    """`text` with each lone surrogate, half of a character, replaced by U+FFFD."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def _decoded_piece(piece: bytes | str, charset: str | None) -> str:
    if isinstance(piece, str):
        return piece
    if charset is None:
        with contextlib.suppress(UnicodeError):
            return piece.decode("raw-unicode-escape")
    return decode_text(piece, charset)


def _addresses(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """(display name, lowercased addr-spec) pairs; garbled entries dropped."""
    pairs = _plain_addresses(values)
    if pairs is None:
        try:
            pairs = email.utils.getaddresses(list(values))
        except Exception:  # junk in, nothing out
            return []
    return [(name, addr.lower()) for name, addr in pairs if _ADDR_SPEC.fullmatch(addr)]


def _plain_addresses(values: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """What `email.utils.getaddresses` gives when each value is one address in a plain
    form (`a@b`, `Name <a@b>`, `"Last, First" <a@b>`); None for anything else.

    Nearly every reply's From and To are written so. The library's parser, written for
    every form, took about 7% of the time of understanding a reply over them; this takes
    a ninth of that.
    """
    pairs: list[tuple[str, str]] = []
    for value in values:
        plain = _PLAIN_ADDRESS.fullmatch(value)
        if plain is None:
            return None
        name, quoted, angle, bare = plain.group("name", "quoted", "angle", "bare")
        if bare is not None:
            pairs.append(("", bare))
        else:
            pairs.append((quoted if quoted is not None else " ".join((name or "").split()), angle))
    return pairs


def _sender(values: tuple[str, ...]) -> tuple[str, str | None]:
    """The From display name and addr-spec; no address unless exactly one is given."""
    addresses = _addresses(values)
    if len(addresses) != 1:
        return "", None
    name, addr = addresses[0]
    return _decode_words(name).strip(), addr


def _recipients(texts: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    found = (addr for header in _RECIPIENT_HEADERS for _, addr in _addresses(texts.get(header, ())))
    return tuple(dict.fromkeys(found))


def _message_id(values: tuple[str, ...]) -> str | None:
    """The Message-ID, `<...>` or bare as written; None if absent or if it names nothing
    (`<>`, `(none)`, `unknown`): different messages from one broken mailer share such a
    value, and it would make them one message.

    It is kept even when it could not be written back in a header (non-ASCII, far too
    long), because it is what makes two delivered copies of one reply one message; the
    composer never writes such an id (`header_message_id`).
    """
    if not values:
        return None
    value = values[0].strip()
    found = _MSG_ID.search(value)
    if found:
        value = found.group()
    elif not value or any(char.isspace() for char in value):
        return None
    return None if _PLACEHOLDER_ID.fullmatch(value) else value


def _references(texts: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    values = (*texts.get("in-reply-to", ()), *texts.get("references", ()))
    found = (ref for value in values for ref in _MSG_ID.findall(value))
    return tuple(dict.fromkeys(ref for ref in found if usable_message_id(ref)))


def _date(values: tuple[str, ...]) -> datetime | None:
    if not values:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(values[0])
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _body(leaves: list[Message], *, limits: Limits) -> tuple[str, bool]:
    """The chosen body text and whether it came from HTML."""
    html = ""
    for part in leaves:
        content_type = _content_type(part)
        if content_type == "text/plain":
            text = _plain_text(part)
            if text.strip():
                return text, False
        elif content_type == "text/html" and not html.strip():
            html = _html_source(part)[: limits.max_html_chars]
    return (html_to_text(html), True) if html.strip() else ("", False)


def _parts(message: Message, *, limits: Limits) -> list[tuple[Message, bool]]:
    """Every part in document order, and whether it is a leaf that could be the sender's text.

    Walks the tree without recursion, counting parts and depth, and refusing any part with a
    header longer than max_header_chars (reading its parameters would be slow). Parts of
    attached or forwarded messages (message/*) and attachments are never readable.
    """
    stack: list[tuple[Message, int, bool]] = [(message, 0, False)]
    parts: list[tuple[Message, bool]] = []
    while stack:
        part, depth, attached = stack.pop()
        if len(parts) >= limits.max_parts or depth > limits.max_depth:
            raise _TooComplex
        if any(len(_unfold(value)) > limits.max_header_chars for _, value in part.raw_items()):
            raise _TooComplex
        payload = part.get_payload()
        container = isinstance(payload, list)
        parts.append((part, not container and not attached and not _is_attachment(part)))
        if isinstance(payload, list):
            inner = attached or _content_type(part).startswith("message/")
            stack.extend(
                (child, depth + 1, inner)
                for child in reversed(payload)
                if isinstance(child, Message)
            )
    return parts


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # a garbled Content-Type reads as unknown
        return "application/octet-stream"


def _is_attachment(part: Message) -> bool:
    try:
        return part.get_content_disposition() == "attachment" or part.get_filename() is not None
    except Exception:  # a garbled disposition reads as an attachment
        return True


def _payload_bytes(part: Message) -> bytes:
    """The part's decoded content; base64 by hand, since the library gives up on damage."""
    try:
        encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
        payload = part.get_payload()
        if encoding == "base64" and isinstance(payload, str):
            return _base64_bytes(payload)
        data = part.get_payload(decode=True)
    except Exception:  # undecodable transfer encoding reads as nothing
        return b""
    return data if isinstance(data, bytes) else b""


def _base64_bytes(text: str) -> bytes:
    """Tolerant base64: junk characters skipped, padding anywhere ends a chunk, a dangling
    character dropped, missing padding supplied."""
    decoded: list[bytes] = []
    for chunk in _BASE64_PADDING.split(_NOT_BASE64.sub("", text)):
        usable = chunk[: len(chunk) - len(chunk) % 4] if len(chunk) % 4 == 1 else chunk
        decoded.append(base64.b64decode(usable + "=" * (-len(usable) % 4)))
    return b"".join(decoded)


def _param(part: Message, name: str) -> str | None:
    try:
        value = part.get_param(name)
    except Exception:  # a garbled parameter reads as missing
        return None
    return value if isinstance(value, str) else None


def _plain_text(part: Message) -> str:
    text = _NEWLINES.sub("\n", decode_text(_payload_bytes(part), _param(part, "charset")))
    if (_param(part, "format") or "").lower() == "flowed":
        return _unflowed(text, delsp=(_param(part, "delsp") or "").lower() == "yes")
    return text


def _html_source(part: Message) -> str:
    data = _payload_bytes(part)
    charset = _param(part, "charset")
    if charset is None and (meta := _META_CHARSET.search(data[:4096])):
        charset = meta.group(1).decode("ascii")
    return decode_text(data, charset)


def _unflowed(text: str, *, delsp: bool) -> str:
    """`format=flowed` text (RFC 3676) with its soft line breaks joined again.

    Quote depth is kept and written as `> ` prefixes; the signature separator `-- ` is
    never joined.
    """
    lines: list[str] = []
    held: tuple[int, str] | None = None
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        content = content.removeprefix(" ")
        flowed = content.endswith(" ") and content != "-- "
        if flowed and delsp:
            content = content[:-1]
        if held is not None and held[0] == depth:
            content = held[1] + content
        elif held is not None:
            lines.append(_quoted(*held))
        held = (depth, content) if flowed else None
        if not flowed:
            lines.append(_quoted(depth, content))
    if held is not None:
        lines.append(_quoted(*held))
    return "\n".join(lines)


def _quoted(depth: int, content: str) -> str:
    return f"{'>' * depth} {content}" if depth else content
