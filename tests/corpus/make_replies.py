"""Build the reply corpus: realistic replies to check-ins, each with the verdict it must get.

Run from the repository root: `.venv/bin/python tests/corpus/make_replies.py`. It rewrites
the .eml and .expected.json files and context.json in tests/corpus/replies/ from the compact
definitions below, deterministically, so the corpus is reproducible and its tokens are signed
with the corpus key. It reads the pairs from replies/program.yaml (written by hand), and ends
by parsing every message it wrote and checking that each token verifies, fails or has
expired as its expected verdict says.

The messages imitate what real clients send (header order, MIME structure, transfer
encodings, quoting and attribution lines, localized wording); see replies/README.md.
"""

from __future__ import annotations

import base64
import email
import hashlib
import html
import json
import quopri
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import format_datetime, getaddresses, parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from reminder_service.core.model import Pair, Person
from reminder_service.core.tokens import check_token, make_token, reply_address, token_in_address
from reminder_service.program import load_program

HERE = Path(__file__).resolve().parent / "replies"
KEY_TEXT = "corpus-secret-key-0123456789abcdef"
KEY = KEY_TEXT.encode()
MAILBOX = "mentoring@northwind.example"
NOW = datetime.fromisoformat("2026-11-25T12:00:00+00:00")
US = "Northwind Mentoring"
US_ADDRESS = f"{US} <{MAILBOX}>"
PROGRAM = load_program(HERE / "program.yaml")
UTC = ZoneInfo("UTC")

Header = tuple[str, str]
Expected = dict[str, object]


# --- the check-ins we sent ------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """A check-in email we sent: the pair, when (local), and the sentence about their history."""

    pair_id: str
    local: datetime
    since: str
    previous: Sent | None = None

    @property
    def pair(self) -> Pair:
        pair = PROGRAM.pair(self.pair_id)
        assert pair is not None
        return pair

    @property
    def message_id(self) -> str:
        stamp = int(self.local.timestamp() * 100)
        digits = int(_digest(self.pair_id, self.local.isoformat()), 16) % 10**19
        return f"<{stamp}.{4100 + digits % 900}.{digits:019d}@northwind.example>"

    @property
    def token(self) -> str:
        return make_token(self.pair_id, self.local.date(), key=KEY)

    @property
    def reply_to(self) -> str:
        return reply_address(MAILBOX, self.token)

    @property
    def root(self) -> str:
        return f"<checkin.{self.pair_id}.northwind-engineering-mentoring@northwind.example>"

    @property
    def subject(self) -> str:
        return f"Check-in: {first(self.pair.mentor)} and {first(self.pair.mentee)} ({PROGRAM.name})"

    @property
    def references(self) -> tuple[str, ...]:
        """The check-in's own References plus its Message-ID: what a reply's References holds."""
        earlier = (self.previous.message_id,) if self.previous else ()
        return (self.root, *earlier, self.message_id)

    @property
    def to(self) -> str:
        return ", ".join(address(person) for person in self.pair.members)

    def text(self) -> str:
        """The plain-text body, as compose.py renders it."""
        return (
            "--- Please reply above this line ---\n\n"
            f"Hi {first(self.pair.mentor)} and {first(self.pair.mentee)},\n\n"
            f"{self.since}\n\n"
            "Just reply with one line, for example:\n\n"
            "    Yes, we met on Tuesday for 45 minutes\n"
            "    Not yet\n"
            "    Pause until January\n\n"
            "Either of you can answer. Thank you for making time for each other!\n\n"
            "-- \n"
            f"{PROGRAM.name}\n"
            "Questions? Write to Dana Okafor <dana.okafor@northwind.example>\n"
        )

    def html_body(self) -> str:
        """The HTML body's content (inside <body>), as compose.py renders it."""
        cell = "font-family:Arial, Helvetica, sans-serif;"
        example = (
            '<tr>\n<td style="padding:4px 12px; border-left:3px solid #1f5f8b; '
            f'{cell} font-size:15px; line-height:22px; color:#333333;">{{}}</td>\n</tr>\n'
        )
        since = html.escape(self.since.replace("\n", " "))
        return (
            '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"'
            ' style="background-color:#f4f4f1;">\n<tr>\n<td align="center"'
            ' style="padding:24px 12px;">\n<table role="presentation" width="100%"'
            ' cellpadding="0" cellspacing="0" border="0" style="max-width:560px;'
            ' background-color:#ffffff; border:1px solid #e4e4de;">\n<tr>\n'
            f'<td style="padding:10px 24px; {cell} font-size:12px; color:#8a8a85;'
            ' border-bottom:1px solid #e4e4de;">Please reply above this line</td>\n</tr>\n<tr>\n'
            f'<td style="padding:24px; {cell} font-size:16px; line-height:24px;'
            ' color:#222222;">\n'
            f'<p style="margin:0 0 16px 0;">Hi {html.escape(first(self.pair.mentor))} and'
            f" {html.escape(first(self.pair.mentee))},</p>\n"
            f'<p style="margin:0 0 16px 0;">{since}</p>\n'
            '<p style="margin:0 0 8px 0;">Just reply with one line, for example:</p>\n'
            '<table role="presentation" cellpadding="0" cellspacing="0" border="0"'
            ' style="margin:0 0 16px 0;">\n'
            + example.format("Yes, we met on Tuesday for 45 minutes")
            + example.format("Not yet")
            + example.format("Pause until January")
            + "</table>\n"
            '<p style="margin:0;">Either of you can answer. Thank you for making time for each'
            " other!</p>\n</td>\n</tr>\n<tr>\n"
            f'<td style="padding:16px 24px; {cell} font-size:13px; line-height:20px;'
            ' color:#6b6b66; border-top:1px solid #e4e4de;">\n'
            f"{html.escape(PROGRAM.name)}<br>\n"
            'Questions? Write to Dana Okafor at <a href="mailto:dana.okafor@northwind.example"'
            ' style="color:#1f5f8b;">dana.okafor@northwind.example</a>\n'
            "</td>\n</tr>\n</table>\n</td>\n</tr>\n</table>\n"
        )


def _local(pair_id: str, day: str, clock: str = "09:30") -> datetime:
    pair = PROGRAM.pair(pair_id)
    assert pair is not None
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=pair.timezone)


def _since_met(weeks: str, day: str) -> str:
    return f"It has been {weeks} since you last met, on {day}.\nHave you met since then?"


GRACE_SAM_EARLIER = Sent(
    "grace-sam", _local("grace-sam", "2026-11-05"), _since_met("4 weeks", "Monday 5 October 2026")
)
OLIVIA_NOAH_EARLIER = Sent(
    "olivia-noah",
    _local("olivia-noah", "2026-11-02"),
    _since_met("2 weeks", "Monday 19 October 2026"),
)
CHECKINS = {
    sent.pair_id: sent
    for sent in (
        Sent(
            "lena-jonas",
            _local("lena-jonas", "2026-11-24"),
            _since_met("5 weeks", "Tuesday 20 October 2026"),
        ),
        Sent(
            "claire-hugo",
            _local("claire-hugo", "2026-11-23"),
            _since_met("4 weeks", "Monday 26 October 2026"),
        ),
        Sent(
            "maria-diego",
            _local("maria-diego", "2026-11-20"),
            _since_met("5 weeks", "Friday 16 October 2026"),
        ),
        Sent(
            "grace-sam",
            _local("grace-sam", "2026-11-24"),
            _since_met("7 weeks", "Monday 5 October 2026"),
            previous=GRACE_SAM_EARLIER,
        ),
        Sent(
            "kenji-aroha",
            _local("kenji-aroha", "2026-11-18"),
            "It has been 6 months since you started, on Monday 18 May 2026.\n"
            "Have you had a chance to meet yet?",
        ),
        Sent(
            "olivia-noah",
            _local("olivia-noah", "2026-11-16"),
            _since_met("3 weeks", "Monday 26 October 2026"),
            previous=OLIVIA_NOAH_EARLIER,
        ),
    )
}
SENT = (*CHECKINS.values(), GRACE_SAM_EARLIER, OLIVIA_NOAH_EARLIER)
LJ, CH, MD, GS, KA, ON = (
    CHECKINS[p]
    for p in ("lena-jonas", "claire-hugo", "maria-diego", "grace-sam", "kenji-aroha", "olivia-noah")
)


def _people() -> dict[str, tuple[Person, Pair]]:
    found: dict[str, tuple[Person, Pair]] = {}
    for pair in PROGRAM.pairs:
        for person in pair.members:
            found[person.email.split(".")[0]] = (person, pair)
    return found


PEOPLE = _people()


def who(key: str) -> Person:
    """The program's person whose address starts with `key` (lena, jonas, ... noah)."""
    return PEOPLE[key][0]


def first(person: Person) -> str:
    return person.name.split()[0]


def zone_of(person: Person) -> ZoneInfo:
    """The sender's zone as the parser must use it: their own, else their pair's."""
    for pair in PROGRAM.pairs:
        if person in pair.members:
            return person.timezone or pair.timezone
    return person.timezone or PROGRAM.timezone


# --- header and MIME building ----------------------------------------------------------------


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def encoded_word(text: str, charset: str = "UTF-8", *, b: bool = False) -> str:
    """`text` as one RFC 2047 encoded-word, Q or B, as mail clients write them."""
    if text.isascii() and not b:
        return text
    data = text.encode(charset)
    if b:
        return f"=?{charset}?B?{base64.b64encode(data).decode()}?="
    safe = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!*+-/"
    body = "".join(
        "_" if byte == 0x20 else chr(byte) if byte in safe else f"={byte:02X}" for byte in data
    )
    return f"=?{charset}?Q?{body}?="


def address(person: Person, *, raw_utf8: bool = False) -> str:
    name = person.name if raw_utf8 else encoded_word(person.name)
    return f"{name} <{person.email}>"


def fold(name: str, value: str) -> str:
    """`Name: value`, folded at spaces to keep lines within 78 characters where possible.

    A value that already contains line breaks is taken as folded by its writer.
    """
    if "\n" in value:
        return f"{name}: {value}"
    line = f"{name}:"
    lines: list[str] = []
    for word in value.split(" "):
        if len(line) + 1 + len(word) > 78 and line.strip() and not line.endswith(":"):
            lines.append(line)
            line = f" {word}"
        else:
            line = f"{line} {word}"
    lines.append(line)
    return "\n".join(lines)


@dataclass
class Part:
    """A MIME entity: its headers and its already encoded body."""

    headers: list[Header]
    body: bytes


def encode_body(text: str, *, charset: str | None, cte: str) -> bytes:
    """`text` encoded for transfer; base64 carries the canonical CRLF line ends inside."""
    if cte == "base64":
        text = text.replace("\n", "\r\n")
    data = text.encode(charset or "utf-8")
    if cte == "quoted-printable":
        return quopri.encodestring(data)
    if cte == "base64":
        return base64.encodebytes(data)
    return data


def leaf(
    text: str,
    *,
    subtype: str = "plain",
    charset: str | None = "utf-8",
    cte: str = "quoted-printable",
    params: str = "",
    label: str | None = None,
) -> Part:
    """A text part; `label` is the charset to declare when it differs from the real one."""
    declared = label if label is not None else charset
    content_type = f"text/{subtype}" + (f'; charset="{declared}"' if declared else "") + params
    headers: list[Header] = [("Content-Type", content_type)]
    if cte:
        headers.append(("Content-Transfer-Encoding", cte))
    return Part(headers, encode_body(text, charset=charset, cte=cte))


def multipart(subtype: str, *parts: Part, boundary: str, params: str = "") -> Part:
    chunks = [b""]
    for part in parts:
        head = "".join(fold(name, value) + "\n" for name, value in part.headers)
        chunks.append(f"--{boundary}\n{head}\n".encode() + part.body.rstrip(b"\n") + b"\n")
    body = b"\n".join(chunks[1:]) + f"\n--{boundary}--\n".encode()
    content_type = f'multipart/{subtype};\n boundary="{boundary}"{params}'
    return Part([("Content-Type", content_type)], body)


def attachment(data: bytes, *, content_type: str, filename: str) -> Part:
    return Part(
        [
            ("Content-Type", f'{content_type}; name="{filename}"'),
            ("Content-Description", filename),
            ("Content-Disposition", f'attachment; filename="{filename}"; size={len(data)}'),
            ("Content-Transfer-Encoding", "base64"),
        ],
        base64.encodebytes(data),
    )


def boundary(kind: str, seed: str) -> str:
    digest = _digest(kind, seed)
    if kind == "gmail":
        return "000000000000" + digest[:16]
    if kind == "outlook":
        return f"_000_{digest[:28].upper()}namprd_"
    if kind == "apple":
        return f"Apple-Mail={digest[:8].upper()}-{digest[8:12].upper()}-{digest[12:16].upper()}"
    return f"------------{digest[:24]}"


def raw_message(headers: list[Header], part: Part, *, crlf: bool = True) -> bytes:
    own = {"content-type", "content-transfer-encoding"}
    lines = [fold(name, value) for name, value in headers if name.lower() not in own]
    lines += [fold(name, value) for name, value in part.headers]
    data = ("\n".join(lines) + "\n\n").encode() + part.body
    return data.replace(b"\n", b"\r\n") if crlf else data


# --- replies ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """One human reply: who wrote what, when, to which check-in, and how it is addressed."""

    sender: Person
    checkin: Sent | None
    date: str
    answer: str
    from_: str | None = None
    to: str | None = None
    cc: str | None = None
    subject: str | None = None
    threaded: bool = True
    references: str | None = None
    envelope_to: str | None = None
    original_to: str | None = None
    in_reply_to: str | None = None
    extra: tuple[Header, ...] = ()
    crlf: bool = True

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.sender)

    @property
    def sent_local(self) -> datetime:
        """When the check-in was sent, in the replier's zone (what their client shows)."""
        assert self.checkin is not None
        return self.checkin.local.astimezone(self.zone)

    def seed(self) -> str:
        return f"{self.sender.email}|{self.date}|{self.answer}"

    def message_id(self, style: str) -> str:
        digest = _digest(style, self.seed())
        domain = self.sender.email.rpartition("@")[2]
        ids = {
            "gmail": f"<CA+{digest[:40]}@mail.gmail.com>",
            "outlook": f"<AM{digest[:2].upper()}PR04MB{digest[2:6].upper()}"
            f"{digest[6:14].upper()}@AM0PR04MB8123.eurprd04.prod.outlook.com>",
            "apple": f"<{digest[:8].upper()}-{digest[8:12].upper()}-{digest[12:16].upper()}"
            f"-{digest[16:20].upper()}-{digest[20:32].upper()}@{domain}>",
            "thunderbird": f"<{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}"
            f"-{digest[20:32]}@{domain}>",
            "yahoo": f"<{int(digest[:10], 16)}.{int(digest[10:18], 16)}@mail.yahoo.com>",
        }
        return ids.get(style, f"<{digest[:24]}@{domain}>")

    def subject_line(self, prefix: str = "Re: ") -> str:
        if self.subject is not None:
            return self.subject
        assert self.checkin is not None
        return prefix + self.checkin.subject

    def to_line(self) -> str:
        if self.to is not None:
            return self.to
        assert self.checkin is not None
        return f"{US} <{self.checkin.reply_to}>"

    def from_line(self) -> str:
        return self.from_ if self.from_ is not None else address(self.sender)

    def thread(self) -> list[Header]:
        if not self.threaded or self.checkin is None:
            return []
        refs = self.references or " ".join(self.checkin.references)
        return [("References", refs), ("In-Reply-To", self.in_reply_to or self.checkin.message_id)]

    def trace(self) -> list[Header]:
        """What our MTA adds on delivery: Return-Path, Delivered-To and one Received line."""
        recipient = self.envelope_to or self._our_recipient()
        arrived = parsedate_to_datetime(self.date).astimezone(UTC) + timedelta(seconds=3)
        host = self.sender.email.rpartition("@")[2]
        queue_id = _digest("queue", self.seed())[:10].upper()
        return [
            ("Return-Path", f"<{self.sender.email}>"),
            *([("X-Original-To", self.original_to)] if self.original_to else []),
            ("Delivered-To", recipient),
            (
                "Received",
                f"from mail.{host} (mail.{host} [198.51.100.{int(queue_id[:2], 16) % 250 + 1}])"
                f"\n\tby mx.northwind.example (Postfix) with ESMTPS id {queue_id}"
                f"\n\tfor <{recipient}>; {format_datetime(arrived)}",
            ),
        ]

    def _our_recipient(self) -> str:
        for line in (self.to_line(), self.cc or ""):
            for _, addr in getaddresses([line]):
                if addr.lower().endswith("@northwind.example") and addr.lower().startswith(
                    "mentoring"
                ):
                    return addr
        return MAILBOX


def quote(text: str, prefix: str = ">") -> str:
    return "\n".join(
        f"{prefix} {line}" if line else prefix for line in text.rstrip("\n").split("\n")
    )


def paragraphs_html(
    text: str, *, line: str = "<div>{}</div>", empty: str = "<div><br></div>"
) -> str:
    return "\n".join(line.format(html.escape(row)) if row else empty for row in text.split("\n"))


# --- attribution lines, as each client and language writes them -------------------------------


def _words(text: str) -> list[str]:
    return text.split()


EN_DAYS = _words("Mon Tue Wed Thu Fri Sat Sun")
EN_MONTHS = _words("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec")
EN_LONG_DAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
EN_LONG_MONTHS = _words(
    "January February March April May June July August September October November December"
)
DE_DAYS = _words("Mo. Di. Mi. Do. Fr. Sa. So.")
DE_MONTHS = _words("Jan. Feb. März Apr. Mai Juni Juli Aug. Sept. Okt. Nov. Dez.")
DE_LONG_DAYS = _words("Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag")
DE_LONG_MONTHS = _words(
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
)
FR_DAYS = _words("lun. mar. mer. jeu. ven. sam. dim.")
FR_MONTHS = _words("janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.")
FR_LONG_DAYS = _words("lundi mardi mercredi jeudi vendredi samedi dimanche")
FR_LONG_MONTHS = _words(
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
)
ES_DAYS = _words("lun mar mié jue vie sáb dom")
ES_MONTHS = _words("ene feb mar abr may jun jul ago sept oct nov dic")
ES_LONG_DAYS = _words("lunes martes miércoles jueves viernes sábado domingo")
ES_LONG_MONTHS = _words(
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
)
JA_DAYS = "月火水木金土日"
NNBSP = "\u202f"
NBSP = "\u00a0"


def twelve_hour(moment: datetime, *, seconds: bool = False) -> str:
    hour = moment.hour % 12 or 12
    clock = f"{hour}:{moment:%M}" + (f":{moment:%S}" if seconds else "")
    return f"{clock} {'AM' if moment.hour < 12 else 'PM'}"


def gmail_attribution(moment: datetime, locale: str) -> str:
    """Gmail's "On ... wrote:" line in `locale`, wrapped as Gmail wraps its text part."""
    d, m = moment.weekday(), moment.month - 1
    who_ = f"{US} <\n{MAILBOX}>"
    lines = {
        "en-GB": f"On {EN_DAYS[d]}, {moment.day} {EN_MONTHS[m]} {moment.year} at {moment:%H:%M},"
        f" {who_} wrote:",
        "en-US": f"On {EN_DAYS[d]}, {EN_MONTHS[m]} {moment.day}, {moment.year} at"
        f" {twelve_hour(moment)} {who_} wrote:",
        "de": f"Am {DE_DAYS[d]}, {moment.day}. {DE_MONTHS[m]} {moment.year} um {moment:%H:%M}"
        f" Uhr schrieb {who_}:",
        "fr": f"Le {FR_DAYS[d]} {moment.day} {FR_MONTHS[m]} {moment.year} à {moment:%H:%M},"
        f" {US} <\n{MAILBOX}> a écrit{NNBSP}:",
        "es": f"El {ES_DAYS[d]}, {moment.day} {ES_MONTHS[m]} {moment.year} a las"
        f" {moment.hour}:{moment:%M}, {US} (<\n{MAILBOX}>) escribió:",
        "android": f"On {EN_DAYS[d]}, {moment.day} {EN_MONTHS[m]} {moment.year}, {moment:%H:%M}"
        f" {US}, <\n{MAILBOX}> wrote:",
        "ja": f"{moment.year}年{moment.month}月{moment.day}日({JA_DAYS[d]}) {moment.hour}:"
        f"{moment:%M} {US} <{MAILBOX}>:",
    }
    return lines[locale]


def apple_attribution(moment: datetime, locale: str) -> str:
    d, m = moment.weekday(), moment.month - 1
    del d
    lines = {
        "en": f"On {moment.day} {EN_MONTHS[m]} {moment.year}, at {moment:%H:%M}, {US_ADDRESS}"
        " wrote:",
        "en-US": f"On {EN_MONTHS[m]} {moment.day}, {moment.year}, at {twelve_hour(moment)},"
        f" {US_ADDRESS} wrote:",
        "de": f"Am {moment:%d.%m.%Y} um {moment:%H:%M} schrieb {US_ADDRESS}:",
        "fr": f"Le {moment.day} {FR_MONTHS[m]} {moment.year} à {moment:%H:%M}, {US_ADDRESS}"
        f" a écrit{NBSP}:",
        "es": f"El {moment.day} {ES_MONTHS[m]} {moment.year}, a las {moment.hour}:{moment:%M},"
        f" {US_ADDRESS} escribió:",
    }
    return lines[locale]


def outlook_block(reply: Reply, locale: str, *, html_form: bool = False) -> str:
    """Outlook's From:/Sent:/To:/Subject: header block, in `locale`."""
    assert reply.checkin is not None
    moment = reply.sent_local
    d, m = moment.weekday(), moment.month - 1
    to = "; ".join(f"{p.name} <{p.email}>" for p in reply.checkin.pair.members)
    labels, sent = {
        "en-US": (
            ("From", "Sent", "To", "Subject"),
            f"{EN_LONG_DAYS[d]}, {EN_LONG_MONTHS[m]} {moment.day}, {moment.year}"
            f" {twelve_hour(moment)}",
        ),
        "en-GB": (
            ("From", "Sent", "To", "Subject"),
            f"{moment.day} {EN_LONG_MONTHS[m]} {moment.year} {moment:%H:%M}",
        ),
        "de": (
            ("Von", "Gesendet", "An", "Betreff"),
            f"{DE_LONG_DAYS[d]}, {moment.day}. {DE_LONG_MONTHS[m]} {moment.year} {moment:%H:%M}",
        ),
        "fr": (
            ("De ", "Envoyé ", "À ", "Objet "),
            f"{FR_LONG_DAYS[d]} {moment.day} {FR_LONG_MONTHS[m]} {moment.year} {moment:%H:%M}",
        ),
        "es": (
            ("De", "Enviado", "Para", "Asunto"),
            f"{ES_LONG_DAYS[d]}, {moment.day} de {ES_LONG_MONTHS[m]} de {moment.year}"
            f" {moment.hour}:{moment:%M}",
        ),
    }[locale]
    values = (US_ADDRESS, sent, to, reply.checkin.subject)
    if html_form:
        return "<br>\n".join(
            f"<b>{label}:</b> {html.escape(value)}"
            for label, value in zip(labels, values, strict=True)
        )
    return "\n".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True))


# --- clients ----------------------------------------------------------------------------------


def gmail(
    reply: Reply,
    *,
    locale: str = "en-GB",
    cte: str = "quoted-printable",
    bottom: bool = False,
    html_only: bool = False,
) -> bytes:
    """Gmail (web or Android): text + HTML, `> ` quotes, gmail_quote blockquote."""
    assert reply.checkin is not None
    attribution = gmail_attribution(reply.sent_local, locale)
    quoted = quote(reply.checkin.text())
    if bottom:
        text = f"{attribution}\n\n{quoted}\n\n{reply.answer}\n"
    else:
        text = f"{reply.answer}\n\n{attribution}\n\n{quoted}\n"
    attr_html = html.escape(attribution.replace("\n", "")).replace(
        html.escape(f"<{MAILBOX}>"), f'&lt;<a href="mailto:{MAILBOX}">{MAILBOX}</a>&gt;'
    )
    answer_html = '<div dir="ltr">' + paragraphs_html(reply.answer) + "</div>"
    quote_html = (
        f'<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">'
        f'{attr_html}<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px'
        ' 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">'
        f"{reply.checkin.html_body()}</blockquote></div>"
    )
    body = (quote_html + "\n" + answer_html) if bottom else (answer_html + "<br>" + quote_html)
    html_part = leaf(body + "\n", subtype="html", cte=cte)
    seed = reply.seed()
    part = (
        html_part
        if html_only
        else multipart(
            "alternative", leaf(text, cte=cte), html_part, boundary=boundary("gmail", seed)
        )
    )
    headers = [
        *reply.trace(),
        ("MIME-Version", "1.0"),
        *reply.thread(),
        ("From", reply.from_line()),
        ("Date", reply.date),
        ("Message-ID", reply.message_id("gmail")),
        ("Subject", encoded_word(reply.subject_line())),
        ("To", reply.to_line()),
        *([("Cc", reply.cc)] if reply.cc else []),
        *reply.extra,
    ]
    return raw_message(headers, part, crlf=reply.crlf)


WORD_HEAD = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml"'
    ' xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:w="urn:schemas-microsoft-com:office:word"'
    ' xmlns:m="http://schemas.microsoft.com/office/2004/12/omml"'
    ' xmlns="http://www.w3.org/TR/REC-html40">\n<head>\n'
    '<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
    '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n'
    '<style><!--\n@font-face\n\t{{font-family:"Cambria Math";\n\tpanose-1:2 4 5 3 5 4 6 3 2 4;}}\n'
    "@font-face\n\t{{font-family:Aptos;}}\n"
    "p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{{margin:0cm;\n\tfont-size:12.0pt;\n"
    '\tfont-family:"Aptos",sans-serif;}}\nspan.EmailStyle19\n\t{{mso-style-type:personal-reply;\n'
    '\tfont-family:"Aptos",sans-serif;\n\tcolor:windowtext;}}\n'
    "@page WordSection1\n\t{{size:612.0pt 792.0pt;\n\tmargin:72.0pt 72.0pt 72.0pt 72.0pt;}}\n"
    "div.WordSection1\n\t{{page:WordSection1;}}\n--></style>\n</head>\n"
)


def outlook(
    reply: Reply,
    *,
    locale: str = "en-GB",
    style: str = "desktop",
    charset: str = "utf-8",
    html_only: bool = False,
    tnef: bool = False,
) -> bytes:
    """Outlook: desktop (Word HTML, "-----Original Message-----" or a From:/Sent: block), web,
    or iOS; the quoted check-in is not `>`-prefixed."""
    assert reply.checkin is not None
    block = outlook_block(reply, locale)
    if style == "original":
        separator = "-----Original Message-----\n"
    elif style == "ios":
        separator = "Get Outlook for iOS<https://aka.ms/o0ukef>\n________________________________\n"
    elif style == "web":
        separator = "________________________________\n"
    else:
        separator = ""
    text = f"{reply.answer}\n\n{separator}{block}\n\n{reply.checkin.text()}"
    if style in {"web", "ios"}:
        answer_html = paragraphs_html(
            reply.answer,
            line='<div class="elementToProof" style="font-family: Aptos, Aptos_EmbeddedFont,'
            " Aptos_MSFontService, Calibri, Helvetica, sans-serif; font-size: 12pt;"
            ' color: rgb(0, 0, 0);">{}</div>',
            empty='<div class="elementToProof"><br></div>',
        )
        if style == "ios":
            answer_html += (
                '\n<div id="ms-outlook-mobile-signature"><div><br></div>Get '
                '<a href="https://aka.ms/o0ukef">Outlook for iOS</a></div>'
            )
        body = (
            "<html>\n<head>\n"
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
            '<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;}'
            ' </style>\n</head>\n<body dir="ltr">\n'
            f"{answer_html}\n"
            '<div id="appendonsend"></div>\n<hr style="display:inline-block;width:98%"'
            ' tabindex="-1">\n<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri,'
            ' sans-serif" style="font-size:11pt" color="#000000">'
            f"{outlook_block(reply, locale, html_form=True)}</font>\n<div>&nbsp;</div>\n</div>\n"
            f"{reply.checkin.html_body()}</body>\n</html>\n"
        )
    else:
        answer_html = paragraphs_html(
            reply.answer,
            line='<p class="MsoNormal">{}<o:p></o:p></p>',
            empty='<p class="MsoNormal"><o:p>&nbsp;</o:p></p>',
        )
        header_div = (
            '<div id="divRplyFwdMsg" dir="ltr">\n<hr style="display:inline-block;width:98%"'
            ' tabindex="-1">\n<p class="MsoNormal"><span style="font-size:11.0pt;'
            'font-family:&quot;Calibri&quot;,sans-serif;color:black">'
            if style == "original"
            else '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm'
            ' 0cm">\n<p class="MsoNormal"><span lang="EN-US" style="font-size:11.0pt;'
            'font-family:&quot;Calibri&quot;,sans-serif">'
        )
        body = (
            WORD_HEAD.format(charset=charset)
            + '<body lang="EN-GB" link="#467886" vlink="#96607D" style="word-wrap:break-word">\n'
            '<div class="WordSection1">\n'
            f"{answer_html}\n"
            '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\n<div>\n'
            f"{header_div}{outlook_block(reply, locale, html_form=True)}<o:p></o:p></span></p>\n"
            "</div>\n</div>\n"
            '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\n'
            f"{reply.checkin.html_body()}</div>\n</body>\n</html>\n"
        )
    seed = reply.seed()
    html_part = leaf(body, subtype="html", charset=charset)
    if html_only:
        part = html_part
    else:
        part = multipart(
            "alternative",
            leaf(text, charset=charset),
            html_part,
            boundary=boundary("outlook", seed),
        )
    if tnef:
        tnef_data = b"\x78\x9f\x3e\x22" + hashlib.sha256(seed.encode()).digest() * 8
        part = multipart(
            "mixed",
            part,
            attachment(tnef_data, content_type="application/ms-tnef", filename="winmail.dat"),
            boundary=boundary("outlook", seed + "mixed"),
        )
    digest = _digest("thread", seed)
    headers = [
        *reply.trace(),
        ("From", reply.from_line()),
        ("To", reply.to_line()),
        *([("CC", reply.cc)] if reply.cc else []),
        ("Subject", encoded_word(reply.subject_line())),
        ("Thread-Topic", encoded_word(reply.checkin.subject)),
        ("Thread-Index", base64.b64encode(bytes.fromhex(digest[:44])).decode()),
        ("Date", reply.date),
        ("Message-ID", reply.message_id("outlook")),
        *reply.thread(),
        ("Accept-Language", "en-GB, en-US"),
        ("Content-Language", "en-GB" if locale.startswith("en") else locale),
        ("X-MS-Has-Attach", "yes" if tnef else ""),
        (
            "X-MS-TNEF-Correlator",
            f"<{digest[:20]}@AM0PR04MB8123.eurprd04.prod.outlook.com>" if tnef else "",
        ),
        *reply.extra,
        ("MIME-Version", "1.0"),
    ]
    return raw_message(headers, part, crlf=reply.crlf)


def apple(
    reply: Reply,
    *,
    locale: str = "en",
    iphone: bool = False,
    html_only: bool = False,
    signature: str = "",
) -> bytes:
    """Apple Mail / iPhone Mail: the attribution inside the `>` quote, blockquote type=cite."""
    assert reply.checkin is not None
    attribution = apple_attribution(reply.sent_local, locale)
    answer = reply.answer + (f"\n\n{signature}" if signature else "")
    text = f"{answer}\n\n{quote(attribution)}\n>\n{quote(reply.checkin.text())}\n"
    answer_html = paragraphs_html(answer)
    body = (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
        '<body dir="auto">'
        f'{answer_html}<div dir="ltr"><br><blockquote type="cite">'
        f'{html.escape(attribution)}<br><br></blockquote></div><blockquote type="cite">'
        f'<div dir="ltr">{reply.checkin.html_body()}</div></blockquote></body></html>\n'
        if iphone
        else '<html aria-label="message body"><head><meta http-equiv="content-type"'
        ' content="text/html; charset=utf-8"></head><body style="overflow-wrap: break-word;'
        ' -webkit-nbsp-mode: space; line-break: after-white-space;">'
        f'{answer_html}<br id="lineBreakAtBeginningOfMessage"><div><br><blockquote type="cite">'
        f'<div>{html.escape(attribution)}</div><br class="Apple-interchange-newline"><div>'
        f"{reply.checkin.html_body()}</div></blockquote></div><br></body></html>\n"
    )
    seed = reply.seed()
    if html_only:
        part = leaf(body, subtype="html")
    elif iphone:
        part = leaf(text)
    else:
        part = multipart(
            "alternative",
            leaf(text),
            leaf(body, subtype="html"),
            boundary=boundary("apple", seed),
        )
    headers = [
        *reply.trace(),
        ("From", reply.from_line()),
        (
            "Mime-Version",
            "1.0 (1.0)" if iphone else "1.0 (Mac OS X Mail 16.0 \\(3826.300.87.4.3\\))",
        ),
        ("Subject", encoded_word(reply.subject_line())),
        ("Date", reply.date),
        *([("References", reply.thread()[0][1])] if reply.thread() else []),
        ("Cc", reply.cc) if reply.cc else ("X-Apple-Cc", ""),
        reply.thread()[1] if reply.thread() else ("X-Apple-Irt", ""),
        ("Message-Id", reply.message_id("apple")),
        ("To", reply.to_line()),
        ("X-Mailer", "iPhone Mail (22B91)" if iphone else "Apple Mail (2.3826.300.87.4.3)"),
        *reply.extra,
    ]
    return raw_message([h for h in headers if h[1]], part, crlf=reply.crlf)


def thunderbird(
    reply: Reply,
    *,
    locale: str = "en-GB",
    bottom: bool = True,
    signature: str = "",
    cte: str = "8bit",
) -> bytes:
    """Thunderbird: plain text (format=flowed), reply below the quote by default."""
    assert reply.checkin is not None
    moment = reply.sent_local
    attribution = {
        "en-GB": f"On {moment:%d/%m/%Y %H:%M}, {US} wrote:",
        "de": f"Am {moment:%d.%m.%y} um {moment:%H:%M} schrieb {US}:",
    }[locale]
    quoted = quote(reply.checkin.text())
    sig = f"\n\n-- \n{signature}" if signature else ""
    if bottom:
        text = f"{attribution}\n{quoted}\n\n{reply.answer}{sig}\n"
    else:
        text = f"{reply.answer}{sig}\n\n{attribution}\n{quoted}\n"
    part = leaf(text, cte=cte, charset="UTF-8", params="; format=flowed")
    headers = [
        *reply.trace(),
        ("Message-ID", reply.message_id("thunderbird")),
        ("Date", reply.date),
        ("MIME-Version", "1.0"),
        ("User-Agent", "Mozilla Thunderbird"),
        ("Subject", encoded_word(reply.subject_line())),
        ("To", reply.to_line()),
        *([("Cc", reply.cc)] if reply.cc else []),
        *([("References", reply.thread()[0][1])] if reply.thread() else []),
        ("Content-Language", "de-DE" if locale == "de" else "en-GB"),
        ("From", reply.from_line()),
        *reply.thread()[1:],
        *reply.extra,
    ]
    return raw_message(headers, part, crlf=reply.crlf)


def yahoo(reply: Reply, *, android: bool = False) -> bytes:
    """Yahoo Mail: the quote in the text part is indented, not `>`-prefixed."""
    assert reply.checkin is not None
    moment = reply.sent_local
    d, m = moment.weekday(), moment.month - 1
    zone_name = moment.tzname() or ""
    attribution = (
        f"On {EN_LONG_DAYS[d]}, {EN_LONG_MONTHS[m]} {moment.day}, {moment.year}, "
        f"{twelve_hour(moment, seconds=True)} {zone_name}, {US} <{MAILBOX}> wrote:"
    )
    quoted = "\n".join(f"  {line}" if line else " " for line in reply.checkin.text().split("\n"))
    signature = "\n\nSent from Yahoo Mail on Android" if android else ""
    text = f"{reply.answer}{signature}\n\n \n  {attribution}  \n \n{quoted}\n"
    answer_html = paragraphs_html(reply.answer)
    if android:
        answer_html += (
            '<br><br><div id="ymail_android_signature"><a id="ymail_android_signature_link"'
            ' href="https://sent.android.yahoo.com/?.src=Android">Sent from Yahoo Mail on'
            " Android</a></div>"
        )
    body = (
        "<html><head></head><body>"
        f'<div class="ydp2f3a1b9cyahoo-style-wrap" style="font-family:Helvetica Neue,'
        ' Helvetica, Arial, sans-serif;font-size:13px;">'
        f"{answer_html}</div>"
        '<div id="yahoo_quoted_4417223391" class="yahoo_quoted"><div style="font-family:'
        " 'Helvetica Neue', Helvetica, Arial, sans-serif;font-size:13px;color:#26282a;\">"
        f"<div>{html.escape(attribution)}</div><div><br></div><div><br></div>"
        f'<div><div id="yiv1829384756">{reply.checkin.html_body()}</div></div></div></div>'
        "</body></html>\n"
    )
    part = multipart(
        "alternative",
        leaf(text, charset="UTF-8", cte="7bit" if reply.answer.isascii() else "quoted-printable"),
        leaf(body, subtype="html", charset="UTF-8"),
        boundary=f"----=_Part_{int(_digest(reply.seed())[:8], 16)}_1180000000.1795000000000",
    )
    headers = [
        *reply.trace(),
        ("Date", reply.date),
        ("From", reply.from_line()),
        ("To", reply.to_line()),
        ("Message-ID", reply.message_id("yahoo")),
        *reply.thread(),
        ("Subject", encoded_word(reply.subject_line())),
        ("MIME-Version", "1.0"),
        (
            "X-Mailer",
            "WebService/1.1.23456 YMailNorrin" if not android else "YahooMailAndroidMobile",
        ),
        *reply.extra,
    ]
    return raw_message(headers, part, crlf=reply.crlf)


def plain(
    reply: Reply,
    text: str,
    *,
    charset: str | None = "utf-8",
    label: str | None = None,
    cte: str = "8bit",
    agent: Header = ("User-Agent", "NeoMutt/20231103"),
    subtype: str = "plain",
    raw_subject: bool = False,
) -> bytes:
    """A single-part message whose whole body is `text` (mutt, scripts, old clients)."""
    part = leaf(text, subtype=subtype, charset=charset, label=label, cte=cte)
    headers = [
        *reply.trace(),
        ("Date", reply.date),
        ("From", reply.from_line()),
        ("To", reply.to_line()),
        *([("Cc", reply.cc)] if reply.cc else []),
        ("Subject", reply.subject_line() if raw_subject else encoded_word(reply.subject_line())),
        ("Message-ID", reply.message_id("plain")),
        *reply.thread(),
        ("MIME-Version", "1.0"),
        *([agent] if agent[1] else []),
        *reply.extra,
    ]
    return raw_message(headers, part, crlf=reply.crlf)


def mutt_attribution(reply: Reply) -> str:
    moment = reply.sent_local
    d, m = moment.weekday(), moment.month - 1
    return (
        f"On {EN_DAYS[d]}, {EN_MONTHS[m]} {moment.day:02d}, {moment.year} at"
        f" {moment:%I:%M:%S}{'AM' if moment.hour < 12 else 'PM'} {moment:%z}, {US} wrote:"
    )


# --- machines ---------------------------------------------------------------------------------


def our_checkin(sent: Sent) -> tuple[list[Header], Part]:
    """Our own check-in as compose.py builds it (headers and body)."""
    refs = sent.references[:-1]
    headers: list[Header] = [
        ("From", US_ADDRESS),
        ("To", sent.to),
        ("Subject", encoded_word(sent.subject)),
        ("Date", format_datetime(sent.local.astimezone(UTC))),
        ("Message-ID", sent.message_id),
        ("Auto-Submitted", "auto-generated"),
        ("X-Auto-Response-Suppress", "All"),
        ("List-Id", f"{PROGRAM.name} <northwind-engineering-mentoring.northwind.example>"),
        ("X-Reminder-Pair", sent.pair_id),
        ("X-Reminder-Kind", "checkin"),
        ("Reply-To", f"{US} <{sent.reply_to}>"),
        ("References", " ".join(refs)),
        ("In-Reply-To", refs[-1]),
        ("MIME-Version", "1.0"),
    ]
    body = multipart(
        "alternative",
        leaf(sent.text()),
        leaf(
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta http-equiv="Content-Type"'
            ' content="text/html; charset=utf-8">\n</head>\n<body style="margin:0; padding:0;'
            f' background-color:#f4f4f1;">\n{sent.html_body()}</body>\n</html>\n',
            subtype="html",
        ),
        boundary=f"==============={int(_digest(sent.message_id)[:16], 16) % 10**19}==",
    )
    return headers, body


def checkin_bytes(sent: Sent) -> bytes:
    headers, body = our_checkin(sent)
    return raw_message(headers, body, crlf=False)


def machine(
    *,
    sender: str,
    to: str,
    date: str,
    subject: str,
    part: Part,
    headers: tuple[Header, ...] = (),
    message_id: str,
    delivered_to: str | None = None,
) -> bytes:
    recipient = delivered_to or next(
        (a for _, a in getaddresses([to]) if a.startswith("mentoring")), MAILBOX
    )
    return raw_message(
        [
            ("Return-Path", "<>" if "daemon" in sender.lower() else f"<{parse_addr(sender)}>"),
            ("Delivered-To", recipient),
            ("Date", date),
            ("From", sender),
            ("To", to),
            ("Subject", subject),
            ("Message-ID", message_id),
            *headers,
            ("MIME-Version", "1.0"),
        ],
        part,
    )


def parse_addr(value: str) -> str:
    return getaddresses([value])[0][1]


def auto_reply(
    person: Person,
    sent: Sent,
    *,
    date: str,
    subject: str,
    text: str,
    headers: tuple[Header, ...] = (),
    to_token: bool = False,
    charset: str = "utf-8",
) -> bytes:
    """An out-of-office reply from `person` to check-in `sent`."""
    to = f"{US} <{sent.reply_to}>" if to_token else US_ADDRESS
    return machine(
        sender=address(person),
        to=to,
        date=date,
        subject=subject,
        part=leaf(text, charset=charset),
        headers=(("In-Reply-To", sent.message_id), ("References", sent.message_id), *headers),
        message_id=f"<{_digest(person.email, date)[:32]}@{person.email.rpartition('@')[2]}>",
    )


def dsn(
    sent: Sent,
    *,
    failed: Person,
    reporter: str,
    date: str,
    subject: str,
    notice: str,
    status: str,
    diagnostic: str,
    whole_message: bool,
    extra: tuple[Header, ...] = (),
) -> bytes:
    """A multipart/report delivery status notification for check-in `sent` to `failed`."""
    mta = parse_addr(reporter).rpartition("@")[2]
    status_part = Part(
        [("Content-Type", "message/delivery-status")],
        (
            f"Reporting-MTA: dns; {mta}\n"
            f"Arrival-Date: {format_datetime(sent.local.astimezone(UTC))}\n\n"
            f"Final-Recipient: rfc822; {failed.email}\n"
            f"Original-Recipient: rfc822;{failed.email}\n"
            "Action: failed\n"
            f"Status: {status}\n"
            f"Remote-MTA: dns; mx.{failed.email.rpartition('@')[2]}\n"
            f"Diagnostic-Code: smtp; {diagnostic}\n"
        ).encode(),
    )
    headers, body = our_checkin(sent)
    original_headers = "".join(fold(n, v) + "\n" for n, v in headers)
    original = (
        Part(
            [("Content-Type", "message/rfc822")],
            original_headers.encode()
            + "".join(fold(n, v) + "\n" for n, v in body.headers).encode()
            + b"\n"
            + body.body,
        )
        if whole_message
        else Part(
            [
                ("Content-Description", "Undelivered Message Headers"),
                ("Content-Type", "text/rfc822-headers"),
            ],
            original_headers.encode(),
        )
    )
    report = multipart(
        "report",
        leaf(notice, charset="us-ascii", cte="7bit"),
        status_part,
        original,
        boundary=f"{_digest('dsn', date)[:12].upper()}.{mta}",
        params="; report-type=delivery-status",
    )
    return machine(
        sender=reporter,
        to=MAILBOX,
        date=date,
        subject=subject,
        part=report,
        headers=extra,
        message_id=f"<{_digest('dsn-id', date)[:16]}@{mta}>",
    )


# --- expected verdicts ------------------------------------------------------------------------

QUOTED = ["Please reply above this line", "Just reply with one line", "Pause until January"]


def role_of(person: Person, pair_id: str) -> str:
    pair = PROGRAM.pair(pair_id)
    assert pair is not None
    return "mentor" if person == pair.mentor else "mentee"


def human(
    outcome: str,
    reply: Reply,
    *contains: str,
    excludes: tuple[str, ...] = (),
    quoted: bool = True,
    meeting: dict[str, object] | None = None,
    pause_until: str | None = None,
    reason: str | None = None,
) -> Expected:
    """The verdict for a reply from a pair member; `contains` must survive stripping."""
    assert reply.checkin is not None
    pair_id = reply.checkin.pair_id
    expected: Expected = {
        "outcome": outcome,
        "pair": pair_id,
        "sender_role": role_of(reply.sender, pair_id),
        "meeting": meeting,
        "pause_until": pause_until,
        "reason": reason,
    }
    if contains:
        expected["text_contains"] = list(contains)
    gone = (*QUOTED, *excludes) if quoted else excludes
    if gone:
        expected["text_excludes"] = list(gone)
    return expected


def met(
    reply: Reply,
    day: str | None,
    minutes: int | None,
    *contains: str,
    excludes: tuple[str, ...] = (),
    quoted: bool = True,
) -> Expected:
    """A meeting on `day` (None: not stated, so the reply's own local date) lasting `minutes`."""
    stated = day is not None
    when = day or parsedate_to_datetime(reply.date).astimezone(reply.zone).date().isoformat()
    meeting = {"date": when, "date_stated": stated, "duration_minutes": minutes}
    return human("meeting", reply, *contains, meeting=meeting, excludes=excludes, quoted=quoted)


def ignored(reason: str, *, pair: str | None = None) -> Expected:
    """A machine's message; `pair` only where the pair is certain (a DSN's returned headers)."""
    named: Expected = {} if pair is None else {"pair": pair, "sender_role": None}
    return {"outcome": "ignored", **named, "meeting": None, "pause_until": None, "reason": reason}


def rejected(reason: str, pair: str | None, *, role: str | None = None) -> Expected:
    """Refused: `role` is the sender's, when a real member sent it (an expired token)."""
    return {
        "outcome": "rejected",
        "pair": pair,
        "sender_role": role,
        "meeting": None,
        "pause_until": None,
        "reason": reason,
    }


def unmatched() -> Expected:
    return {
        "outcome": "unmatched",
        "pair": None,
        "sender_role": None,
        "meeting": None,
        "pause_until": None,
        "reason": "no_reference",
    }


@dataclass
class Corpus:
    cases: list[tuple[str, bytes, Expected]] = field(default_factory=list)

    def add(self, name: str, raw: bytes, expected: Expected) -> None:
        number = len(self.cases) + 1
        self.cases.append((f"{number:03d}-{name}", raw, expected))


# --- the corpus -------------------------------------------------------------------------------

GRACE, SAM, LENA, JONAS, CLAIRE, HUGO = (
    who(k) for k in ("grace", "sam", "lena", "jonas", "claire", "hugo")
)
MARIA, DIEGO, KENJI, AROHA, OLIVIA, NOAH = (
    who(k) for k in ("maria", "diego", "kenji", "aroha", "olivia", "noah")
)
IPHONE = "Sent from my iPhone"


def client_cases(c: Corpus) -> None:
    """The common clients, in English, each quoting the check-in its own way."""
    r = Reply(
        GRACE,
        GS,
        "Tue, 24 Nov 2026 14:12:09 -0500",
        "Yes, we met yesterday for 45 minutes. Sam brought good questions about\n"
        "the promotion process.\n\nGrace",
    )
    c.add(
        "gmail-met-yesterday-45min",
        gmail(r, locale="en-US"),
        met(r, "2026-11-23", 45, "met yesterday for 45 minutes", excludes=("wrote:",)),
    )
    r = Reply(
        NOAH,
        ON,
        "Mon, 16 Nov 2026 12:03:44 +0000",
        "Not yet, Olivia has been travelling. Hopefully next week!\n\nNoah",
    )
    c.add("gmail-not-yet", gmail(r), human("not_met", r, "Not yet", excludes=("wrote:",)))
    r = Reply(
        OLIVIA,
        ON,
        "Tue, 17 Nov 2026 10:05:31 +0000",
        "Hi,\n\nYes, we met on Friday for an hour.\n\nBest regards,\nOlivia",
    )
    c.add(
        "outlook-desktop-original-message",
        outlook(r, style="original"),
        met(
            r,
            "2026-11-13",
            60,
            "we met on Friday for an hour",
            excludes=("Original Message", "Sent: 16 November 2026"),
        ),
    )
    r = Reply(GRACE, GS, "Wed, 25 Nov 2026 02:15:40 +0000", "We met yesterday, 30 min.")
    c.add(
        "outlook-web-utc-date-evening-in-new-york",
        outlook(r, style="web", locale="en-US"),
        met(r, "2026-11-23", 30, "We met yesterday, 30 min.", excludes=("Sent:",)),
    )
    r = Reply(
        AROHA,
        KA,
        "Thu, 19 Nov 2026 03:20:00 +0000",
        "Yes we caught up today over coffee, about 40 mins",
    )
    c.add(
        "outlook-ios-caught-up-today",
        outlook(r, style="ios"),
        met(
            r,
            "2026-11-19",
            40,
            "caught up today over coffee",
            excludes=("Get Outlook for iOS", "From: Northwind"),
        ),
    )
    r = Reply(
        SAM,
        GS,
        "Tue, 24 Nov 2026 18:02:11 -0500",
        "We met on Monday, 1h30. Really useful session on system design.",
    )
    c.add(
        "apple-mail-monday-1h30",
        apple(r, locale="en-US"),
        met(r, "2026-11-23", 90, "We met on Monday, 1h30.", excludes=("wrote:",)),
    )
    r = Reply(GRACE, GS, "Tue, 24 Nov 2026 12:44:03 -0500", "Yes! Met last Thursday, 30 min")
    c.add(
        "iphone-last-thursday-30min",
        apple(r, locale="en-US", iphone=True, signature=IPHONE),
        met(r, "2026-11-19", 30, "Met last Thursday, 30 min", excludes=(IPHONE,)),
    )
    r = Reply(
        NOAH,
        ON,
        "Mon, 16 Nov 2026 19:22:05 +0000",
        "Yes, we met on the 12th for about 50 minutes.",
        crlf=False,
    )
    c.add(
        "thunderbird-bottom-posted-signature",
        thunderbird(r, signature="Noah Smith\nhttps://noah.example.net"),
        met(
            r,
            "2026-11-12",
            50,
            "we met on the 12th for about 50 minutes",
            excludes=("noah.example.net", "wrote:"),
        ),
    )
    r = Reply(
        AROHA,
        KA,
        "Wed, 18 Nov 2026 21:05:00 +1300",
        "Met on Sunday for 1.5 hours \N{THUMBS UP SIGN}",
    )
    c.add(
        "android-gmail-base64-sunday-1-5-hours",
        gmail(r, locale="android", cte="base64"),
        met(r, "2026-11-15", 90, "Met on Sunday for 1.5 hours", excludes=("wrote:",)),
    )
    r = Reply(SAM, GS, "Tue, 24 Nov 2026 16:30:22 +0000 (UTC)", "We met on 11/20 for 45 min.")
    c.add(
        "yahoo-web-indented-quote-mdy-date",
        yahoo(r),
        met(r, "2026-11-20", 45, "We met on 11/20 for 45 min.", excludes=("wrote:",)),
    )
    r = Reply(AROHA, KA, "Thu, 19 Nov 2026 08:00:00 +1300", "Yes we met yesterday")
    c.add(
        "yahoo-android-yesterday-no-duration",
        yahoo(r, android=True),
        met(
            r,
            "2026-11-18",
            None,
            "Yes we met yesterday",
            excludes=("Sent from Yahoo Mail", "wrote:"),
        ),
    )
    r = Reply(OLIVIA, ON, "Fri, 20 Nov 2026 08:41:00 +0000", "Met on Wednesday, 45 min.")
    c.add(
        "html-only-gmail-quote",
        gmail(r, html_only=True),
        met(r, "2026-11-18", 45, "Met on Wednesday, 45 min.", excludes=("wrote:",)),
    )
    r = Reply(
        GRACE,
        GS,
        "Tue, 24 Nov 2026 15:10:00 +0000",
        "Yes \N{EM DASH} we met on Sunday for an hour.",
    )
    c.add(
        "html-only-outlook-web-divrplyfwdmsg",
        outlook(r, style="web", locale="en-US", html_only=True),
        met(r, "2026-11-22", 60, "we met on Sunday for an hour", excludes=("Sent:", "Subject:")),
    )
    r = Reply(
        CLAIRE, CH, "Mon, 23 Nov 2026 20:15:00 +0100", "Oui, nous nous sommes vus samedi, 1 heure."
    )
    c.add(
        "html-only-apple-mail-french",
        apple(r, locale="fr", html_only=True),
        met(r, "2026-11-21", 60, "nous nous sommes vus samedi", excludes=("a écrit",)),
    )
    r = Reply(
        MARIA,
        MD,
        "Sat, 21 Nov 2026 09:00:00 -0600",
        "Nos reunimos el jueves 19, una hora.",
        to=US_ADDRESS,
    )
    bare = (
        '<html><head><meta charset="utf-8"></head><body><div style="font-family:Arial">'
        "Nos reunimos el jueves 19, una hora.</div><div><br></div><div>Mar&iacute;a</div>"
        "</body></html>\n"
    )
    c.add(
        "html-only-quote-deleted",
        plain(r, bare, subtype="html", cte="quoted-printable", agent=("X-Mailer", "Zoho Mail")),
        met(r, "2026-11-19", 60, "Nos reunimos el jueves 19, una hora.", quoted=False),
    )


def localized_cases(c: Corpus) -> None:
    """German, French, Spanish and Japanese clients, and the sender's own zone."""
    r = Reply(
        JONAS,
        LJ,
        "Tue, 24 Nov 2026 19:45:12 +0100",
        "Ja, wir haben uns gestern getroffen, etwa eine Stunde.\n\nViele Grüße\nJonas",
    )
    c.add(
        "german-gmail-gestern-eine-stunde",
        gmail(r, locale="de"),
        met(r, "2026-11-23", 60, "wir haben uns gestern getroffen", excludes=("schrieb",)),
    )
    r = Reply(
        JONAS,
        LJ,
        "Tue, 24 Nov 2026 10:02:00 +0100",
        "Noch nicht, wir haben nächste Woche einen Termin.",
    )
    c.add(
        "german-iphone-noch-nicht",
        apple(r, locale="de", iphone=True, signature="Von meinem iPhone gesendet"),
        human("not_met", r, "Noch nicht", excludes=("Von meinem iPhone gesendet", "schrieb")),
    )
    r = Reply(
        LENA,
        LJ,
        "Tue, 24 Nov 2026 11:20:33 +0000",
        "Hallo zusammen,\n\nwir haben uns am 20.11. für 45 Minuten getroffen.\n\n"
        "Viele Grüße\nLena Vogel",
    )
    c.add(
        "german-outlook-von-gesendet-am-20-11",
        outlook(r, locale="de"),
        met(
            r,
            "2026-11-20",
            45,
            "am 20.11. für 45 Minuten getroffen",
            excludes=("Gesendet:", "Betreff:"),
        ),
    )
    r = Reply(
        HUGO, CH, "Mon, 23 Nov 2026 18:20:00 +0100", "Oui, on s'est vus jeudi dernier pendant 1h."
    )
    c.add(
        "french-gmail-jeudi-dernier-narrow-nbsp",
        gmail(r, locale="fr"),
        met(r, "2026-11-19", 60, "on s'est vus jeudi dernier", excludes=("a écrit",)),
    )
    r = Reply(
        CLAIRE,
        CH,
        "Mon, 23 Nov 2026 12:10:00 +0100",
        "Pas encore, on se voit la semaine prochaine.",
    )
    c.add(
        "french-iphone-pas-encore",
        apple(r, locale="fr", iphone=True, signature="Envoyé de mon iPhone"),
        human("not_met", r, "Pas encore", excludes=("Envoyé de mon iPhone", "a écrit")),
    )
    r = Reply(
        CLAIRE,
        CH,
        "Tue, 24 Nov 2026 08:05:00 +0000",
        "Bonjour,\n\nNous nous sommes vus le 18/11 pendant 45 minutes.\n\n"
        "Cordialement,\nClaire Dubois",
    )
    c.add(
        "french-outlook-de-envoye-le-18-11",
        outlook(r, locale="fr"),
        met(r, "2026-11-18", 45, "le 18/11 pendant 45 minutes", excludes=("Envoyé :", "Objet :")),
    )
    r = Reply(
        DIEGO,
        MD,
        "Sat, 21 Nov 2026 11:02:00 -0600",
        "Sí, nos reunimos ayer durante una hora y media.",
    )
    c.add(
        "spanish-gmail-ayer-hora-y-media",
        gmail(r, locale="es"),
        met(r, "2026-11-20", 90, "nos reunimos ayer", excludes=("escribió",)),
    )
    r = Reply(
        MARIA,
        MD,
        "Fri, 20 Nov 2026 16:45:10 +0000",
        "Hola,\n\nTodavía no nos hemos reunido.\n\nSaludos,\nMaría",
    )
    c.add(
        "spanish-outlook-todavia-no",
        outlook(r, locale="es"),
        human("not_met", r, "Todavía no nos hemos reunido", excludes=("Enviado:", "Asunto:")),
    )
    r = Reply(DIEGO, MD, "Tue, 24 Nov 2026 10:00:00 -0600", "Nos vimos el lunes, 45 min")
    c.add(
        "spanish-iphone-el-lunes",
        apple(r, locale="es", iphone=True, signature="Enviado desde mi iPhone"),
        met(
            r,
            "2026-11-23",
            45,
            "Nos vimos el lunes",
            excludes=("Enviado desde mi iPhone", "escribió"),
        ),
    )
    r = Reply(
        KENJI,
        KA,
        "Sun, 22 Nov 2026 10:15:00 +0900",
        "Yes, we met on Saturday for 1 hour.\nよろしくお願いします。\n\n佐藤",
        from_=f"{encoded_word('佐藤 健二', 'ISO-2022-JP', b=True)} <{KENJI.email}>",
    )
    text = f"{r.answer}\n\n{gmail_attribution(r.sent_local, 'ja')}\n\n{quote(KA.text())}\n"
    c.add(
        "japanese-iso-2022-jp",
        plain(
            r,
            text,
            charset="iso2022_jp",
            label="ISO-2022-JP",
            cte="7bit",
            agent=("X-Mailer", "Becky! ver. 2.81.04"),
        ),
        met(r, "2026-11-21", 60, "we met on Saturday for 1 hour", "よろしくお願いします"),
    )
    r = Reply(KENJI, KA, "Sat, 21 Nov 2026 22:30:00 +0900", "We met yesterday, 1 hour.\n\nKenji")
    c.add(
        "outlook-desktop-yesterday-in-tokyo-not-auckland",
        outlook(r, locale="en-US"),
        met(r, "2026-11-20", 60, "We met yesterday, 1 hour.", excludes=("Sent:", "Subject:")),
    )


def inline_cases(c: Corpus) -> None:
    """Inline and bottom-posted answers, and answer lines that look like headers or signatures."""
    r = Reply(
        OLIVIA, ON, "Mon, 16 Nov 2026 13:14:00 +0000", "Yes, last Wednesday, for about an hour."
    )
    head, _, tail = ON.text().partition("Just reply")
    text = f"{mutt_attribution(r)}\n{quote(head)}\n\n{r.answer}\n\n{quote('Just reply' + tail)}\n"
    c.add(
        "inline-answer-between-quotes",
        plain(r, text, cte="8bit"),
        met(
            r,
            "2026-11-11",
            60,
            "last Wednesday, for about an hour",
            excludes=("Have you met since then?", "wrote:"),
        ),
    )
    r = Reply(GRACE, GS, "Tue, 24 Nov 2026 13:00:00 -0500", "Yes, on 11/17.")
    head, _, tail = GS.text().partition("Either of you")
    text = (
        f"{mutt_attribution(r)}\n{quote(head.partition('Just reply')[0])}\n\nYes, on 11/17.\n\n"
        f"{quote('Just reply' + head.partition('Just reply')[2])}\n\nAbout an hour this time.\n\n"
        f"{quote('Either of you' + tail)}\n"
    )
    c.add(
        "inline-two-answers",
        plain(r, text, agent=("User-Agent", "Alpine 2.26 (DEB 649 2022-06-02)")),
        met(
            r,
            "2026-11-17",
            60,
            "Yes, on 11/17.",
            "About an hour this time.",
            excludes=("Have you met since then?", "Thank you for making time"),
        ),
    )
    r = Reply(SAM, GS, "Tue, 24 Nov 2026 09:58:00 -0500", "We met on Sunday, 2 hours.")
    c.add(
        "gmail-bottom-posted",
        gmail(r, locale="en-US", bottom=True),
        met(r, "2026-11-22", 120, "We met on Sunday, 2 hours.", excludes=("wrote:",)),
    )
    r = Reply(
        NOAH,
        ON,
        "Mon, 16 Nov 2026 17:40:00 +0000",
        "Date: 2026-11-12\nDuration: 45 min\nTopics: career plan, conference talk",
    )
    c.add(
        "answer-looks-like-headers",
        gmail(r),
        met(r, "2026-11-12", 45, "Date: 2026-11-12", "Topics: career plan"),
    )
    r = Reply(
        LENA,
        LJ,
        "Tue, 24 Nov 2026 14:00:00 +0100",
        "From my side it went well. We met on Thursday for 40 min.",
    )
    c.add(
        "answer-starts-with-from",
        apple(r),
        met(r, "2026-11-19", 40, "From my side it went well", excludes=("wrote:",)),
    )
    r = Reply(
        GRACE,
        GS,
        "Tue, 24 Nov 2026 16:20:00 -0500",
        "Yes, we met on 11/23:\n- reviewed resume\n- mock interview\n"
        "- next steps for the promo packet\nAbout 50 minutes.",
    )
    c.add(
        "answer-with-dash-bullets",
        apple(r, locale="en-US"),
        met(r, "2026-11-23", 50, "- reviewed resume", "- mock interview", "About 50 minutes."),
    )
    r = Reply(
        AROHA,
        KA,
        "Tue, 24 Nov 2026 07:30:00 +1300",
        "Met on Monday\n---\nWe talked about the conference talk. 1 hour",
    )
    c.add(
        "answer-with-triple-dash-line",
        gmail(r, locale="android"),
        met(r, "2026-11-23", 60, "Met on Monday", "We talked about the conference talk"),
    )
    r = Reply(
        SAM,
        GS,
        "Tue, 24 Nov 2026 13:05:00 -0500",
        "Yes we met on Friday.\nThanks, that helped. 40 min",
    )
    c.add(
        "answer-thanks-that-helped-40-min",
        apple(r, locale="en-US", iphone=True, signature=IPHONE),
        met(r, "2026-11-20", 40, "Thanks, that helped. 40 min", excludes=(IPHONE,)),
    )
    r = Reply(JONAS, LJ, "Tue, 24 Nov 2026 21:10:00 +0100", "Wir haben uns gestern getroffen, 1h")
    c.add(
        "thunderbird-top-posted-dash-dash-signature",
        thunderbird(
            r,
            locale="de",
            bottom=False,
            signature="Jonas Weber\nFrontend-Entwickler\n+49 170 1234567",
        ),
        met(
            r,
            "2026-11-23",
            60,
            "gestern getroffen",
            excludes=("+49 170 1234567", "Frontend-Entwickler", "schrieb"),
        ),
    )
    r = Reply(
        OLIVIA, ON, "Thu, 19 Nov 2026 09:12:00 +0000", "Yes, we met on Tuesday for 45 minutes"
    )
    c.add(
        "answer-copies-the-example-line",
        gmail(r),
        met(r, "2026-11-17", 45, "we met on Tuesday for 45 minutes"),
    )
    r = Reply(
        KENJI,
        KA,
        "Tue, 24 Nov 2026 10:12:00 +0900",
        "Met on Monday, 45 min.\n\nKenji Sato\nPlatform Engineering\n\n"
        "CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and may be\n"
        "privileged. If you are not the intended recipient, please notify the sender and\n"
        "delete it.",
    )
    c.add(
        "outlook-desktop-with-disclaimer",
        outlook(r, locale="en-US"),
        met(r, "2026-11-23", 45, "Met on Monday, 45 min.", excludes=("Sent:",)),
    )


def outcome_cases(c: Corpus) -> None:
    """Every outcome a person can mean, with dates and durations in many forms."""
    r = Reply(AROHA, KA, "Wed, 18 Nov 2026 11:30:00 +0000", "Yes, we met.")
    c.add(
        "met-no-date-just-after-midnight-in-auckland",
        apple(r, iphone=True, signature=IPHONE),
        met(r, None, None, "Yes, we met.", excludes=(IPHONE,)),
    )
    r = Reply(
        LENA, LJ, "Tue, 24 Nov 2026 23:30:00 +0000", "Yes \N{EM DASH} 45 minutes, very useful."
    )
    c.add(
        "met-no-date-with-duration-after-midnight-in-berlin",
        outlook(r, style="web"),
        met(r, None, 45, "45 minutes, very useful"),
    )
    r = Reply(
        HUGO, CH, "Mon, 23 Nov 2026 09:50:00 +0100", "On s'est vus le 19 novembre, une heure."
    )
    c.add(
        "met-date-with-month-name-french",
        gmail(r, locale="fr"),
        met(r, "2026-11-19", 60, "le 19 novembre"),
    )
    r = Reply(NOAH, ON, "Mon, 16 Nov 2026 10:01:00 +0000", "Met 2026-11-14, 90'")
    c.add(
        "met-iso-date-90-minutes-prime",
        gmail(r, locale="android"),
        met(r, "2026-11-14", 90, "Met 2026-11-14, 90'"),
    )
    r = Reply(
        OLIVIA,
        ON,
        "Mon, 16 Nov 2026 11:00:00 +0000",
        "We met on 3/11 for 45 min, sorry for the late reply!",
    )
    c.add(
        "met-numeric-date-day-first",
        outlook(r, style="web"),
        met(r, "2026-11-03", 45, "We met on 3/11 for 45 min"),
    )
    r = Reply(SAM, GS, "Tue, 24 Nov 2026 12:00:00 -0500", "We met 11/3, about 45 min.")
    c.add(
        "met-numeric-date-month-first-pair",
        gmail(r, locale="en-US"),
        met(r, "2026-11-03", 45, "We met 11/3, about 45 min."),
    )
    r = Reply(
        GRACE, GS, "Tue, 24 Nov 2026 17:00:00 -0500", "We met on the 21st, quick 20 minute call."
    )
    c.add(
        "met-on-the-21st-20-minutes",
        gmail(r, locale="en-US"),
        met(r, "2026-11-21", 20, "We met on the 21st"),
    )
    r = Reply(DIEGO, MD, "Fri, 20 Nov 2026 19:00:00 -0600", "Sí, el miércoles, media hora.")
    c.add(
        "met-spanish-miercoles-media-hora",
        gmail(r, locale="es"),
        met(r, "2026-11-18", 30, "el miércoles, media hora"),
    )
    r = Reply(
        OLIVIA,
        ON,
        "Fri, 20 Nov 2026 16:00:00 +0000",
        "Yes, we met on Wednesday for an hour and a half.",
    )
    c.add(
        "met-an-hour-and-a-half",
        gmail(r),
        met(r, "2026-11-18", 90, "for an hour and a half"),
    )
    r = Reply(JONAS, LJ, "Tue, 24 Nov 2026 09:41:00 +0100", "Ja")
    c.add(
        "met-german-ja-only",
        apple(r, locale="de", iphone=True, signature="Von meinem iPhone gesendet"),
        met(r, None, None, "Ja", excludes=("Von meinem iPhone gesendet",)),
    )
    r = Reply(
        GRACE,
        GS,
        "Tue, 24 Nov 2026 10:45:00 -0500",
        "We haven't met yet, but we're meeting on Friday.",
    )
    c.add(
        "not-met-but-meeting-on-friday",
        gmail(r, locale="en-US"),
        human("not_met", r, "We haven't met yet"),
    )
    r = Reply(NOAH, ON, "Mon, 16 Nov 2026 18:00:00 +0000", "No, not yet.")
    c.add(
        "not-met-outlook-ios",
        outlook(r, style="ios"),
        human("not_met", r, "No, not yet.", excludes=("Get Outlook for iOS",)),
    )
    r = Reply(
        SAM,
        GS,
        "Tue, 24 Nov 2026 20:30:00 +0000",
        "We didn\N{RIGHT SINGLE QUOTATION MARK}t manage to meet yet \N{EN DASH} Grace"
        "\N{RIGHT SINGLE QUOTATION MARK}s been travelling. We\N{RIGHT SINGLE QUOTATION MARK}ll"
        " try next week.",
    )
    c.add(
        "not-met-windows-1252-smart-quotes",
        outlook(r, locale="en-US", charset="windows-1252"),
        human("not_met", r, "We didn\N{RIGHT SINGLE QUOTATION MARK}t manage to meet yet"),
    )
    r = Reply(
        OLIVIA,
        ON,
        "Mon, 16 Nov 2026 14:22:00 +0000",
        "Please skip this round, we're both swamped with the release.",
    )
    c.add(
        "skip-this-round",
        outlook(r, style="original"),
        human("skip", r, "Please skip this round"),
    )
    r = Reply(
        LENA,
        LJ,
        "Tue, 24 Nov 2026 10:30:00 +0100",
        "Bitte diese Runde überspringen, wir sind beide im Urlaub.",
    )
    c.add(
        "skip-german",
        gmail(r, locale="de"),
        human("skip", r, "diese Runde überspringen"),
    )
    r = Reply(
        MARIA,
        MD,
        "Fri, 20 Nov 2026 17:00:00 +0000",
        "Por favor, saltemos esta ronda; estamos con el cierre del trimestre.",
    )
    c.add("skip-spanish", outlook(r, locale="es"), human("skip", r, "saltemos esta ronda"))
    r = Reply(
        NOAH,
        ON,
        "Mon, 16 Nov 2026 15:30:00 +0000",
        "Please pause until 15 January, I'm on parental leave.",
    )
    c.add(
        "pause-until-15-january",
        gmail(r),
        human("pause", r, "pause until 15 January", pause_until="2027-01-15"),
    )
    r = Reply(
        GRACE,
        GS,
        "Tue, 24 Nov 2026 11:00:00 -0500",
        "Can you pause us until 1/11? The holidays are busy.",
    )
    c.add(
        "pause-until-month-first-date",
        gmail(r, locale="en-US"),
        human("pause", r, "pause us until 1/11", pause_until="2027-01-11"),
    )
    r = Reply(
        HUGO,
        CH,
        "Mon, 23 Nov 2026 14:00:00 +0100",
        f"Pouvez-vous mettre en pause jusqu'au 4 janvier{NBSP}? Je suis en déplacement.",
    )
    c.add(
        "pause-french-jusquau-4-janvier",
        apple(r, locale="fr", iphone=True, signature="Envoyé de mon iPhone"),
        human(
            "pause",
            r,
            "jusqu'au 4 janvier",
            pause_until="2027-01-04",
            excludes=("Envoyé de mon iPhone",),
        ),
    )
    r = Reply(
        JONAS,
        LJ,
        "Tue, 24 Nov 2026 20:00:00 +0100",
        "Bitte pausieren bis 1. Februar, ich bin in Elternzeit.",
    )
    c.add(
        "pause-german-bis-1-februar",
        thunderbird(r, locale="de", bottom=False),
        human("pause", r, "pausieren bis 1. Februar", pause_until="2027-02-01"),
    )
    r = Reply(
        NOAH,
        ON,
        "Mon, 16 Nov 2026 20:00:00 +0000",
        "Please pause our check-ins for now, I'm moving house.",
    )
    c.add(
        "pause-without-date",
        apple(r),
        human("pause", r, "pause our check-ins for now"),
    )
    r = Reply(
        DIEGO,
        MD,
        "Sat, 21 Nov 2026 08:00:00 -0600",
        "Pausa por ahora, por favor. Estoy cambiando de trabajo.",
    )
    c.add(
        "pause-spanish-without-date",
        gmail(r, locale="es"),
        human("pause", r, "Pausa por ahora"),
    )
    r = Reply(
        GRACE,
        GS,
        "Wed, 25 Nov 2026 01:00:00 +0000",
        "We've decided to end the mentorship - Sam has moved to another company.\n"
        "Thanks for organising!",
    )
    c.add(
        "end-mentorship",
        outlook(r, style="web", locale="en-US"),
        human("end", r, "decided to end the mentorship"),
    )
    r = Reply(
        CLAIRE,
        CH,
        "Mon, 23 Nov 2026 16:00:00 +0000",
        "Nous avons décidé d'arrêter le mentorat. Merci pour tout !",
    )
    c.add("end-french", outlook(r, locale="fr"), human("end", r, "arrêter le mentorat"))
    r = Reply(
        KENJI, KA, "Wed, 18 Nov 2026 09:00:00 +0900", "That's wrong, we only started in September."
    )
    c.add(
        "dispute-start-date",
        outlook(r, locale="en-US"),
        human("dispute", r, "That's wrong"),
    )
    r = Reply(
        HUGO,
        CH,
        "Mon, 23 Nov 2026 10:30:00 +0100",
        "C'est faux, nous ne nous sommes pas vus le 26 octobre.",
    )
    c.add("dispute-french", gmail(r, locale="fr"), human("dispute", r, "C'est faux"))
    r = Reply(
        SAM,
        GS,
        "Tue, 24 Nov 2026 10:30:00 -0500",
        "Can you send me Grace's phone number? I lost it.",
    )
    c.add(
        "unclear-asks-for-phone-number",
        gmail(r, locale="en-US"),
        human("unclear", r, "phone number", reason="not_understood"),
    )
    r = Reply(
        AROHA, KA, "Thu, 19 Nov 2026 10:00:00 +1300", "Hmm, I'm not sure - does a phone call count?"
    )
    c.add(
        "unclear-does-a-call-count",
        outlook(r, style="ios"),
        human("unclear", r, "does a phone call count?", reason="not_understood"),
    )
    r = Reply(NOAH, ON, "Mon, 16 Nov 2026 09:58:00 +0000", "")
    expected = human("unclear", r, reason="no_text", excludes=(IPHONE,))
    expected["text"] = ""
    c.add("unclear-empty-reply-from-iphone", apple(r, iphone=True, signature=IPHONE), expected)
    r = Reply(
        DIEGO, MD, "Fri, 20 Nov 2026 12:00:00 -0600", "¿Esto lo tengo que contestar yo o María?"
    )
    c.add(
        "unclear-spanish-question",
        gmail(r, locale="es"),
        human("unclear", r, "tengo que contestar", reason="not_understood"),
    )


def machine_cases(c: Corpus) -> None:
    """Auto-replies, delivery reports and our own mail coming back, and humans that look alike."""
    c.add(
        "ooo-sieve-vacation-auto-submitted",
        auto_reply(
            JONAS,
            LJ,
            date="Tue, 24 Nov 2026 08:30:05 +0000",
            subject=f"Auto: {LJ.subject}",
            text="Ich bin bis zum 30. November nicht im Büro und lese keine E-Mails.\n"
            "In dringenden Fällen wenden Sie sich bitte an team@example.com.\n",
            headers=(("Auto-Submitted", "auto-replied (vacation)"),),
        ),
        ignored("auto_reply"),
    )
    c.add(
        "ooo-precedence-auto-reply-only",
        auto_reply(
            NOAH,
            ON,
            date="Mon, 16 Nov 2026 09:30:04 +0000",
            subject=f"Re: {ON.subject}",
            text="Thanks for your email. I'm away until 1 December with limited access to email.\n",
            headers=(("Precedence", "auto_reply"),),
            to_token=True,
        ),
        ignored("auto_reply"),
    )
    c.add(
        "ooo-automatic-reply-subject-only",
        auto_reply(
            GRACE,
            GS,
            date="Tue, 24 Nov 2026 14:30:02 +0000",
            subject=f"Automatic reply: {GS.subject}",
            text="I'm out of the office until Monday 30 November with no access to email.\n"
            "For anything urgent, please contact Dana Okafor.\n",
        ),
        ignored("auto_reply"),
    )
    c.add(
        "ooo-abwesenheitsnotiz-subject-only",
        auto_reply(
            LENA,
            LJ,
            date="Tue, 24 Nov 2026 08:30:07 +0000",
            subject=f"Abwesenheitsnotiz: {LJ.subject}",
            text="Vielen Dank für Ihre Nachricht.\n"
            "Ich bin bis einschließlich 27.11. nicht im Büro.\n",
            charset="iso-8859-1",
        ),
        ignored("auto_reply"),
    )
    c.add(
        "ooo-reponse-automatique-subject-only",
        auto_reply(
            CLAIRE,
            CH,
            date="Mon, 23 Nov 2026 08:30:06 +0000",
            subject=encoded_word(f"Réponse automatique : {CH.subject}"),
            text="Bonjour,\nJe suis absente du bureau jusqu'au 30 novembre inclus.\n"
            "Cordialement,\nClaire Dubois\n",
        ),
        ignored("auto_reply"),
    )
    c.add(
        "ooo-x-autoreply",
        auto_reply(
            HUGO,
            CH,
            date="Mon, 23 Nov 2026 08:30:09 +0000",
            subject=f"Re: {CH.subject}",
            text="Je suis en congés jusqu'au 30 novembre. Je vous répondrai à mon retour.\n",
            headers=(("X-Autoreply", "yes"),),
            to_token=True,
        ),
        ignored("auto_reply"),
    )
    c.add(
        "ooo-exchange-auto-generated",
        auto_reply(
            KENJI,
            KA,
            date="Tue, 17 Nov 2026 20:30:04 +0000",
            subject=f"Automatic reply: {KA.subject}",
            text="Thank you for your email. I am on leave until 30 November.\n",
            headers=(
                ("Thread-Topic", KA.subject),
                ("Auto-Submitted", "auto-generated"),
                ("X-Auto-Response-Suppress", "All"),
                ("X-MS-Exchange-Inbox-Rules-Loop", KENJI.email),
            ),
        ),
        ignored("auto_reply"),
    )
    c.add(
        "ooo-gmail-vacation-own-subject",
        auto_reply(
            SAM,
            GS,
            date="Tue, 24 Nov 2026 14:30:11 +0000",
            subject="On vacation until November 30",
            text="Hi! I'm on vacation until November 30 and checking email rarely.\n\nSam\n",
            headers=(("Auto-Submitted", "auto-replied"),),
            to_token=True,
        ),
        ignored("auto_reply"),
    )
    c.add(
        "ooo-respuesta-automatica-subject-only",
        auto_reply(
            MARIA,
            MD,
            date="Fri, 20 Nov 2026 15:30:04 +0000",
            subject=encoded_word(f"Respuesta automática: {MD.subject}"),
            text="Estoy fuera de la oficina hasta el 30 de noviembre.\n",
        ),
        ignored("auto_reply"),
    )
    c.add(
        "ooo-out-of-office-autoreply-subject-only",
        auto_reply(
            OLIVIA,
            ON,
            date="Mon, 16 Nov 2026 09:30:05 +0000",
            subject=f"Out of Office AutoReply: {ON.subject}",
            text="I am out of the office until 23 November.\n",
        ),
        ignored("auto_reply"),
    )
    r = Reply(
        OLIVIA,
        ON,
        "Mon, 23 Nov 2026 09:00:00 +0000",
        "Yes, we met on Thursday, 1 hour.",
        extra=(("X-Auto-Response-Suppress", "All"),),
    )
    c.add(
        "human-with-x-auto-response-suppress",
        outlook(r),
        met(r, "2026-11-19", 60, "we met on Thursday, 1 hour"),
    )
    r = Reply(
        NOAH,
        ON,
        "Tue, 17 Nov 2026 08:00:00 +0000",
        "Met yesterday for 30 minutes.",
        extra=(("Auto-Submitted", "no"),),
    )
    c.add(
        "human-with-auto-submitted-no",
        gmail(r),
        met(r, "2026-11-16", 30, "Met yesterday for 30 minutes."),
    )
    r = Reply(
        LENA,
        LJ,
        "Tue, 24 Nov 2026 16:00:00 +0100",
        "I was out of office last week, but we met yesterday for 45 minutes.",
    )
    c.add(
        "human-mentions-out-of-office",
        gmail(r),
        met(r, "2026-11-23", 45, "I was out of office last week"),
    )
    c.add(
        "bounce-postfix-dsn-headers-only",
        dsn(
            GS,
            failed=SAM,
            reporter="Mail Delivery System <MAILER-DAEMON@mx.northwind.example>",
            date="Tue, 24 Nov 2026 14:30:09 +0000",
            subject="Undelivered Mail Returned to Sender",
            notice="This is the mail system at host mx.northwind.example.\n\n"
            "I'm sorry to have to inform you that your message could not\n"
            "be delivered to one or more recipients. It's attached below.\n\n"
            "For further assistance, please send mail to postmaster.\n\n"
            "If you do so, please include this problem report. You can\n"
            "delete your own text from the attached returned message.\n\n"
            "                   The mail system\n\n"
            "<sam.carter@example.com>: host mx.example.com[203.0.113.25] said: 550 5.1.1\n"
            "    <sam.carter@example.com>: Recipient address rejected: User unknown in\n"
            "    virtual mailbox table (in reply to RCPT TO command)\n",
            status="5.1.1",
            diagnostic="550 5.1.1 <sam.carter@example.com>: Recipient address rejected:"
            " User unknown in virtual mailbox table",
            whole_message=False,
            extra=(("Auto-Submitted", "auto-replied"),),
        ),
        ignored("bounce", pair="grace-sam"),
    )
    c.add(
        "bounce-postmaster-ndr-mailbox-full",
        dsn(
            MD,
            failed=DIEGO,
            reporter="postmaster@example.org",
            date="Fri, 20 Nov 2026 15:30:12 +0000",
            subject=encoded_word(f"Undeliverable: {MD.subject}"),
            notice="Delivery has failed to these recipients or groups:\n\n"
            "diego.hernandez@example.org\n"
            "The recipient's mailbox is full and can't accept messages now. Please try"
            " resending your message later, or contact the recipient directly.\n",
            status="5.2.2",
            diagnostic="552 5.2.2 mailbox full",
            whole_message=True,
        ),
        ignored("bounce", pair="maria-diego"),
    )
    c.add(
        "bounce-exchange-online-ndr",
        dsn(
            ON,
            failed=NOAH,
            reporter="Microsoft Outlook"
            " <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.net>",
            date="Mon, 16 Nov 2026 09:30:15 +0000",
            subject=f"Undeliverable: {ON.subject}",
            notice="Your message to noah.smith@example.net couldn't be delivered.\n"
            "noah.smith wasn't found at example.net.\n",
            status="5.1.10",
            diagnostic="550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by"
            " SMTP address lookup",
            whole_message=True,
            extra=(("X-MS-Exchange-Message-Is-Ndr", ""), ("Auto-Submitted", "auto-replied")),
        ),
        ignored("bounce", pair="olivia-noah"),
    )
    original = checkin_bytes(CH).decode()
    c.add(
        "bounce-qmail-plain-text",
        machine(
            sender="MAILER-DAEMON@mail.example.net",
            to=MAILBOX,
            date="Mon, 23 Nov 2026 08:30:20 +0000",
            subject="failure notice",
            part=leaf(
                "Hi. This is the qmail-send program at mail.example.net.\n"
                "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
                "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
                "<hugo.martin@example.net>:\n"
                "Sorry, no mailbox here by that name. (#5.1.1)\n\n"
                "--- Below this line is a copy of the message.\n\n"
                "Return-Path: <mentoring@northwind.example>\n" + original,
                charset=None,
                cte="",
            ),
            message_id="<20261123083020.12345.qmail@mail.example.net>",
        ),
        ignored("bounce"),
    )
    original = checkin_bytes(KA).decode()
    c.add(
        "bounce-exim-plain-text",
        machine(
            sender="Mail Delivery System <Mailer-Daemon@mx.example.org>",
            to=MAILBOX,
            date="Tue, 17 Nov 2026 20:30:14 +0000",
            subject="Mail delivery failed: returning message to sender",
            part=leaf(
                "This message was created automatically by mail delivery software.\n\n"
                "A message that you sent could not be delivered to one or more of its\n"
                "recipients. This is a permanent error. The following address(es) failed:\n\n"
                "  aroha.ngata@example.org\n"
                "    host mx.example.org [203.0.113.40]\n"
                "    SMTP error from remote mail server after RCPT TO:<aroha.ngata@example.org>:\n"
                "    550 5.1.1 User unknown\n\n"
                "------ This is a copy of the message, including all the headers. ------\n\n"
                "Return-path: <mentoring@northwind.example>\n" + original,
                charset="us-ascii",
                cte="7bit",
            ),
            headers=(
                ("X-Failed-Recipients", "aroha.ngata@example.org"),
                ("Auto-Submitted", "auto-replied"),
            ),
            message_id="<E1vKx7a-0004Qz-2T@mx.example.org>",
        ),
        ignored("bounce"),
    )
    headers, body = our_checkin(LJ)
    trace: list[Header] = [
        ("Return-Path", f"<{MAILBOX}>"),
        ("Delivered-To", MAILBOX),
        (
            "Received",
            "from smtp.northwind.example (smtp.northwind.example [192.0.2.10])\n"
            "\tby mx.northwind.example (Postfix) with ESMTPS id 4C1D2E3F40\n"
            f"\tfor <{MAILBOX}>; Tue, 24 Nov 2026 08:30:02 +0000",
        ),
    ]
    c.add("loop-own-checkin-delivered-back", raw_message([*trace, *headers], body), ignored("loop"))
    headers, body = our_checkin(GS)
    trace = [
        ("Return-Path", f"<{MAILBOX}>"),
        ("Delivered-To", MAILBOX),
        (
            "Received",
            "from mail.example.com (mail.example.com [198.51.100.77])\n"
            "\tby mx.northwind.example (Postfix) with ESMTPS id 9A8B7C6D5E\n"
            f"\tfor <{MAILBOX}>; Tue, 24 Nov 2026 14:30:06 +0000",
        ),
        ("X-Forwarded-To", MAILBOX),
        ("X-Forwarded-For", f"{SAM.email} {MAILBOX}"),
    ]
    c.add(
        "loop-own-checkin-forwarded-by-member-rule",
        raw_message([*trace, *headers], body),
        ignored("loop"),
    )


TIM = Person("Tim Reed", "tim.reed@example.com")
PAUL = Person("Paul Richter", "paul.richter@example.com")
EXPIRED = Sent(
    "olivia-noah",
    _local("olivia-noah", "2025-06-01"),
    _since_met("4 weeks", "Monday 5 May 2025"),
)


def tampered(token: str, *, pair_id: str | None = None, mac_char: int | None = None) -> str:
    """`token` with its pair id replaced, or one character of its MAC changed."""
    pair, day, mac = token.split(".")
    if mac_char is not None:
        flipped = "a" if mac[mac_char] != "a" else "b"
        mac = mac[:mac_char] + flipped + mac[mac_char + 1 :]
    return f"{pair_id or pair}.{day}.{mac}"


def matching_cases(c: Corpus) -> None:
    """Tokens, References, wrong senders, forwards and odd addressing."""
    r = Reply(TIM, LJ, "Tue, 24 Nov 2026 12:00:00 +0100", "We met yesterday, 1 hour.")
    c.add("stranger-with-valid-token", gmail(r), rejected("sender_not_in_pair", "lena-jonas"))
    r = Reply(
        SAM,
        GS,
        "Tue, 24 Nov 2026 19:00:00 -0500",
        "We met yesterday, about an hour.",
        from_="Sam Carter <sam.carter.home@example.net>",
    )
    c.add(
        "member-from-personal-address",
        apple(r, locale="en-US"),
        rejected("sender_not_in_pair", "grace-sam"),
    )
    r = Reply(
        GRACE,
        GS,
        "Tue, 24 Nov 2026 15:00:00 -0500",
        "Yes, we met on Monday for 2 hours.",
        from_='"grace.whitfield@northwind.example" <g.whitfield@mailer.example>',
    )
    c.add(
        "display-name-spoofs-member-address",
        gmail(r, locale="en-US"),
        rejected("sender_not_in_pair", "grace-sam"),
    )
    r = Reply(LENA, CH, "Mon, 23 Nov 2026 11:00:00 +0100", "We met on Friday, 1 hour.")
    c.add(
        "member-of-another-pair-uses-its-token",
        gmail(r),
        rejected("sender_not_in_pair", "claire-hugo"),
    )
    r = Reply(NOAH, EXPIRED, "Mon, 16 Nov 2026 13:00:00 +0000", "Yes, we met on Friday, 1 hour.")
    c.add("expired-token", gmail(r), rejected("expired_token", "olivia-noah", role="mentee"))
    forged = reply_address(MAILBOX, tampered(LJ.token, pair_id="grace-sam"))
    r = Reply(
        SAM,
        GS,
        "Tue, 24 Nov 2026 11:00:00 -0500",
        "We met yesterday for an hour.",
        to=f"{US} <{forged}>",
        threaded=False,
    )
    text = f"{r.answer}\n"
    c.add("tampered-token-pair-swapped", plain(r, text), rejected("bad_token", None))
    forged = reply_address(MAILBOX, tampered(GS.token, mac_char=7))
    r = Reply(
        GRACE,
        GS,
        "Tue, 24 Nov 2026 11:30:00 -0500",
        "Met on Sunday for an hour.",
        to=f"{US} <{forged}>",
        threaded=False,
    )
    c.add("tampered-token-mac-changed", gmail(r, locale="en-US"), rejected("bad_token", None))
    r = Reply(
        HUGO,
        None,
        "Tue, 24 Nov 2026 09:00:00 +0100",
        "Bonjour,\n\nest-ce que je peux changer de mentor l'année prochaine ?\n\nMerci,\nHugo",
        to=US_ADDRESS,
        subject="Question sur le programme",
    )
    c.add(
        "new-message-no-reference",
        plain(r, r.answer + "\n", cte="quoted-printable", agent=("X-Mailer", "Mailspring")),
        unmatched(),
    )
    r = Reply(
        OLIVIA,
        None,
        "Wed, 18 Nov 2026 10:00:00 +0000",
        "Thanks Dana, looking forward to the December meetup!",
        to=US_ADDRESS,
        subject="Re: Mentoring programme newsletter \N{EN DASH} November",
        extra=(
            ("In-Reply-To", "<newsletter-2026-11@lists.northwind.example>"),
            ("References", "<newsletter-2026-11@lists.northwind.example>"),
        ),
    )
    c.add(
        "reply-to-something-else-of-ours",
        plain(r, r.answer + "\n", agent=("X-Mailer", "Microsoft Outlook 16.0")),
        unmatched(),
    )
    r = Reply(NOAH, ON, "Tue, 17 Nov 2026 12:00:00 +0000", "Met on Friday, 1 hour.", to=US_ADDRESS)
    c.add(
        "references-only-reply-to-plain-address",
        gmail(r),
        met(r, "2026-11-13", 60, "Met on Friday, 1 hour."),
    )
    r = Reply(
        SAM,
        GS,
        "Tue, 24 Nov 2026 12:30:00 -0500",
        "Met on Thursday for 45 min",
        to=US_ADDRESS,
        threaded=False,
        extra=(("References", ",\n ".join(GS.references)),),
    )
    text = f"{r.answer}\n\n{mutt_attribution(r)}\n{quote(GS.text())}\n"
    c.add(
        "references-folded-with-commas",
        plain(r, text, cte="7bit", agent=("X-Mailer", "Lotus Notes Release 9.0.1FP10")),
        met(r, "2026-11-19", 45, "Met on Thursday for 45 min"),
    )
    r = Reply(
        GRACE,
        GRACE_SAM_EARLIER,
        "Tue, 24 Nov 2026 09:00:00 -0500",
        "Sorry for the slow reply - we finally met on Friday! 1 hour.",
    )
    c.add(
        "reply-to-the-previous-checkin",
        gmail(r, locale="en-US"),
        met(r, "2026-11-20", 60, "we finally met on Friday"),
    )
    forward = (
        "FYI - is this something for you? (Cc'ing the mentoring programme.)\n\n"
        "---------- Forwarded message ---------\n"
        f"Von: {US_ADDRESS}\n"
        "Date: Di., 24. Nov. 2026 um 09:30 Uhr\n"
        f"Subject: {LJ.subject}\n"
        f"To: {LJ.to}\n\n\n"
        f"{LJ.text()}"
    )
    fwd_id = "<CA+fwd8d1c2a7e3b94f60a5de2c7b81f4e9a@mail.gmail.com>"
    r = Reply(
        PAUL,
        LJ,
        "Tue, 24 Nov 2026 11:30:00 +0100",
        "Hi Jonas, we met yesterday for the code review, so you can count that one :)\n\nPaul",
        to=address(JONAS),
        cc=f"{US} <{LJ.reply_to}>",
        subject=f"Re: Fwd: {LJ.subject}",
        references=" ".join((*LJ.references, fwd_id)),
        in_reply_to=fwd_id,
    )
    text = (
        f"{r.answer}\n\nOn Tue, 24 Nov 2026 at 10:05, Jonas Weber <{JONAS.email}> wrote:\n\n"
        f"{quote(forward)}\n"
    )
    c.add(
        "forwarded-checkin-answered-by-colleague",
        plain(r, text, cte="quoted-printable", agent=("User-Agent", "Mozilla Thunderbird")),
        rejected("sender_not_in_pair", "lena-jonas"),
    )
    r = Reply(
        JONAS,
        LJ,
        "Tue, 24 Nov 2026 18:00:00 +0100",
        "Wir haben uns am Montag getroffen, 1 Stunde.",
        to=US_ADDRESS,
        subject=f"Fwd: {LJ.subject}",
    )
    text = f"{r.answer}\n\n{forward.partition(chr(10) * 2)[2]}"
    c.add(
        "member-forwards-checkin-with-note",
        plain(r, text, cte="quoted-printable", agent=("X-Mailer", "")),
        met(
            r,
            "2026-11-23",
            60,
            "am Montag getroffen",
            excludes=("Forwarded message", "Subject: Check-in"),
        ),
    )
    r = Reply(
        NOAH,
        ON,
        "Fri, 20 Nov 2026 10:00:00 +0000",
        "We met on Thursday, 1 hour.",
        cc=f"{address(OLIVIA)}, {US} <{OLIVIA_NOAH_EARLIER.reply_to}>",
    )
    c.add(
        "reply-all-two-of-our-addresses",
        gmail(r),
        met(r, "2026-11-19", 60, "We met on Thursday, 1 hour."),
    )
    r = Reply(
        AROHA,
        KA,
        "Mon, 23 Nov 2026 08:00:00 +1300",
        "Met on Saturday, 1h.",
        to=US_ADDRESS,
        envelope_to=KA.reply_to,
        threaded=False,
    )
    c.add(
        "token-only-in-delivered-to",
        apple(r),
        met(r, "2026-11-21", 60, "Met on Saturday, 1h."),
    )
    r = Reply(
        KENJI,
        KA,
        "Sat, 21 Nov 2026 09:00:00 +0900",
        "We met on Thursday for 1 hour.",
        to="undisclosed-recipients:;",
        envelope_to=MAILBOX,
        original_to=KA.reply_to,
        threaded=False,
    )
    c.add(
        "token-only-in-x-original-to",
        plain(r, r.answer + "\n", agent=("X-Mailer", "Microsoft Outlook 16.0")),
        met(r, "2026-11-19", 60, "We met on Thursday for 1 hour.", quoted=False),
    )
    r = Reply(
        JONAS,
        LJ,
        "Tue, 24 Nov 2026 17:30:00 +0100",
        "Wir haben uns heute getroffen, 30 Minuten.",
        to=address(LENA),
        cc=f"{US} <{LJ.reply_to}>",
    )
    c.add(
        "token-in-cc",
        gmail(r, locale="de"),
        met(r, "2026-11-24", 30, "heute getroffen"),
    )
    r = Reply(
        SAM,
        GS,
        "Tue, 24 Nov 2026 10:15:00 -0500",
        "met on sunday, about an hour",
        from_="Sam Carter <Sam.Carter@Example.COM>",
        to=f"{US} <{GS.reply_to.upper()}>",
    )
    c.add(
        "uppercase-sender-and-token",
        apple(r, locale="en-US", iphone=True, signature=IPHONE),
        met(r, "2026-11-22", 60, "met on sunday, about an hour"),
    )


def charset_cases(c: Corpus) -> None:
    """Charsets as clients really label (and mislabel) them."""
    r = Reply(
        JONAS,
        LJ,
        "Tue, 24 Nov 2026 13:00:00 +0100",
        "Wir haben uns am Freitag getroffen, ungefähr 1 Stunde.\n\nGrüße, Jonas",
    )
    text = f"{r.answer}\n\n{gmail_attribution(r.sent_local, 'de')}\n\n{quote(LJ.text())}\n"
    c.add(
        "latin-1-labelled-utf-8",
        plain(r, text, charset="latin-1", label="utf-8", agent=("X-Mailer", "The Bat! 9.4")),
        met(r, "2026-11-20", 60, "am Freitag getroffen"),
    )
    r = Reply(
        HUGO, CH, "Mon, 23 Nov 2026 21:00:00 +0100", "Oui, on s'est vus hier, 1h30. Très utile !"
    )
    text = f"{r.answer}\n\n{quote(apple_attribution(r.sent_local, 'fr'))}\n>\n{quote(CH.text())}\n"
    c.add(
        "unknown-8bit",
        plain(r, text, label="unknown-8bit", agent=("X-Mailer", "")),
        met(r, "2026-11-22", 90, "on s'est vus hier, 1h30"),
    )
    r = Reply(DIEGO, MD, "Tue, 24 Nov 2026 09:00:00 -0600", "Sí, nos reunimos el lunes, 45 min.")
    text = f"{r.answer}\n\n{gmail_attribution(r.sent_local, 'es')}\n\n{quote(MD.text())}\n"
    c.add(
        "8bit-without-charset",
        plain(r, text, label="", raw_subject=True),
        met(r, "2026-11-23", 45, "nos reunimos el lunes"),
    )
    r = Reply(
        MARIA,
        MD,
        "Fri, 20 Nov 2026 18:00:00 -0600",
        "Sí, nos vimos el miércoles 18 durante 50 minutos.\n\nSaludos,\nMaría",
    )
    c.add(
        "base64-utf-8",
        gmail(r, locale="es", cte="base64"),
        met(r, "2026-11-18", 50, "nos vimos el miércoles 18"),
    )
    r = Reply(OLIVIA, ON, "Tue, 17 Nov 2026 09:15:00 +0000", "We met yesterday, 45 minutes.")
    c.add(
        "outlook-winmail-dat-attachment",
        outlook(r, tnef=True),
        met(r, "2026-11-16", 45, "We met yesterday, 45 minutes."),
    )
    r = Reply(
        LENA,
        LJ,
        "Tue, 24 Nov 2026 12:00:00 +0100",
        "Ja, wir haben uns am Donnerstag für 45 Minuten getroffen.\n\nGrüße\nLena",
    )
    c.add(
        "iso-8859-1-outlook-german",
        outlook(r, locale="de", charset="iso-8859-1"),
        met(r, "2026-11-19", 45, "am Donnerstag für 45 Minuten getroffen"),
    )
    r = Reply(
        DIEGO,
        MD,
        "Sat, 21 Nov 2026 12:00:00 -0600",
        "Nos reunimos el viernes, una hora.",
        from_=address(DIEGO, raw_utf8=True),
    )
    text = f"{r.answer}\n\n{gmail_attribution(r.sent_local, 'es')}\n\n{quote(MD.text())}\n"
    c.add(
        "raw-utf-8-headers",
        plain(r, text, raw_subject=True, agent=("X-Mailer", "")),
        met(r, "2026-11-20", 60, "Nos reunimos el viernes, una hora."),
    )


def more_outcome_cases(c: Corpus) -> None:
    """More wording for not met and end (kept last so earlier case numbers stay put)."""
    r = Reply(JONAS, LJ, "Tue, 24 Nov 2026 12:15:00 +0100", "Nein, leider noch nicht.")
    c.add(
        "not-met-german-nein-leider",
        gmail(r, locale="de"),
        human("not_met", r, "Nein, leider noch nicht."),
    )
    r = Reply(
        SAM, GS, "Tue, 24 Nov 2026 14:40:00 -0500", "We're meeting on 11/30, will report back!"
    )
    c.add(
        "not-met-meeting-planned-for-a-later-date",
        apple(r, locale="en-US", iphone=True, signature=IPHONE),
        human("not_met", r, "We're meeting on 11/30", excludes=(IPHONE,)),
    )
    r = Reply(
        LENA,
        LJ,
        "Tue, 24 Nov 2026 15:05:00 +0100",
        "Hallo,\n\nwir haben beschlossen, das Mentoring zu beenden. Danke für alles!\n\nLena",
    )
    c.add(
        "end-german",
        outlook(r, locale="de"),
        human("end", r, "das Mentoring zu beenden", excludes=("Gesendet:",)),
    )
    unread_negations(c)
    names_before_met(c)


def unread_negations(c: Corpus) -> None:
    """A meeting phrase we read, negated in a language we do not: unclear, never a meeting."""
    r = Reply(MARIA, MD, "Tue, 24 Nov 2026 09:20:00 -0300", "Ainda não nos encontramos.")
    c.add(
        "unclear-portuguese-ainda-nao-nos-encontramos",
        gmail(r),
        human("unclear", r, "Ainda não nos encontramos", reason="not_understood"),
    )
    r = Reply(DIEGO, MD, "Tue, 24 Nov 2026 11:05:00 -0300", "Não nos vimos ainda, desculpe!")
    c.add(
        "unclear-portuguese-nao-nos-vimos",
        apple(r, locale="en-US", iphone=True, signature=IPHONE),
        human("unclear", r, "Não nos vimos ainda", excludes=(IPHONE,), reason="not_understood"),
    )
    r = Reply(MARIA, MD, "Tue, 24 Nov 2026 18:40:00 -0300", "Oi!\n\nAinda não conversamos.")
    c.add(
        "unclear-portuguese-ainda-nao-conversamos",
        outlook(r, locale="es"),
        human(
            "unclear", r, "Ainda não conversamos", excludes=("Enviado:",), reason="not_understood"
        ),
    )


def names_before_met(c: Corpus) -> None:
    """A name or initials before "met" that spell a foreign negation ("EJ", "Nem"): a meeting."""
    r = Reply(GRACE, GS, "Wed, 25 Nov 2026 06:30:00 -0500", "EJ and I met yesterday for an hour.")
    c.add(
        "gmail-initials-ej-before-met",
        gmail(r, locale="en-US"),
        met(r, "2026-11-24", 60, "EJ and I met yesterday", excludes=("wrote:",)),
    )
    r = Reply(SAM, GS, "Wed, 25 Nov 2026 06:45:00 -0500", "Yes, EJ and I met on Tuesday.")
    c.add(
        "apple-initials-ej-before-met-on-tuesday",
        apple(r, locale="en-US", iphone=True, signature=IPHONE),
        met(r, "2026-11-24", None, "EJ and I met on Tuesday", excludes=(IPHONE,)),
    )
    r = Reply(
        NOAH, ON, "Tue, 24 Nov 2026 16:20:00 +0000", "Nem and I met yesterday for 30 minutes."
    )
    c.add(
        "outlook-name-nem-before-met",
        outlook(r),
        met(r, "2026-11-23", 30, "Nem and I met yesterday", excludes=("Sent:",)),
    )


# --- writing and checking ---------------------------------------------------------------------


def build() -> Corpus:
    corpus = Corpus()
    for section in (
        client_cases,
        localized_cases,
        inline_cases,
        outcome_cases,
        machine_cases,
        matching_cases,
        charset_cases,
        more_outcome_cases,
    ):
        section(corpus)
    return corpus


def context() -> dict[str, object]:
    return {
        "key": KEY_TEXT,
        "mailbox": MAILBOX,
        "our_addresses": [MAILBOX],
        "now": NOW.isoformat(),
        "sent": {sent.message_id: {"pair_id": sent.pair_id, "kind": "checkin"} for sent in SENT},
    }


def write(corpus: Corpus) -> None:
    for old in (*HERE.glob("*.eml"), *HERE.glob("*.expected.json")):
        old.unlink()
    for name, raw, expected in corpus.cases:
        (HERE / f"{name}.eml").write_bytes(raw)
        (HERE / f"{name}.expected.json").write_text(
            json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    (HERE / "context.json").write_text(json.dumps(context(), indent=2) + "\n", encoding="utf-8")


def tokens_in(message: email.message.Message) -> Iterator[str]:
    for header in ("To", "Cc", "Delivered-To", "X-Original-To"):
        for _, addr in getaddresses([str(v) for v in message.get_all(header, [])]):
            token = token_in_address(addr, mailbox=MAILBOX)
            if token is not None:
                yield token


def problems(name: str, raw: bytes, expected: Expected) -> Iterator[str]:
    """What is wrong with one written case: unparseable, or tokens not as its verdict says."""
    message = email.message_from_bytes(raw)
    if message.defects or not message.get("Message-ID") or not message.get("Date"):
        yield f"{name}: header problems {message.defects}"
    checks = [check_token(t, key=KEY, today=NOW.date()) for t in tokens_in(message)]
    reason, pair = expected.get("reason"), expected.get("pair")
    sent = {s.message_id: s.pair_id for s in SENT}
    refs = " ".join(str(message.get(h, "")) for h in ("In-Reply-To", "References"))
    referred = {pair_id for message_id, pair_id in sent.items() if message_id in refs}
    if reason in {"bad_token", "expired_token"}:
        status = "bad" if reason == "bad_token" else "expired"
        if not checks or any(check.status != status or check.pair_id != pair for check in checks):
            yield f"{name}: tokens {checks} are not {status} for {pair}"
    elif expected["outcome"] in {"ignored"}:
        return
    elif checks:
        if any(check.status != "ok" or check.pair_id != pair for check in checks):
            yield f"{name}: tokens {checks} do not all verify for {pair}"
    elif referred != ({pair} if pair else set()):
        yield f"{name}: References name {referred}, expected {pair}"


def check(corpus: Corpus) -> list[str]:
    found = [p for name, raw, expected in corpus.cases for p in problems(name, raw, expected)]
    for name, _, expected in corpus.cases:
        meeting = expected.get("meeting")
        if isinstance(meeting, dict) and date.fromisoformat(str(meeting["date"])) > NOW.date():
            found.append(f"{name}: meeting in the future")
    return found


def main(argv: list[str]) -> int:
    del argv
    corpus = build()
    write(corpus)
    found = check(corpus)
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"wrote {len(corpus.cases)} messages to {HERE}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
