"""The bytes of an outgoing email: encoded, folded headers over a text and an HTML part.

Every email the service sends has the same shape, `multipart/alternative` with a plain-text
and an HTML part in quoted-printable UTF-8, so it is built here directly. `EmailMessage`
with the SMTP policy spent about 1.5 ms on each message, most of it parsing back the headers
it had just been given; this takes a tenth of that (bench/send_pipeline.py). The encoding
itself is still the standard library's: RFC 2047 words from `email.header`, quoted-printable
from `binascii`,

Nothing reaches a header without passing `_checked`, which refuses control characters, so a
name or subject can never start a header of its own.
"""

from __future__ import annotations

import binascii
import re
import secrets
from collections.abc import Sequence
from email.header import Header

from reminder_service.addresses import ascii_address

CRLF = "\r\n"
LINE_LENGTH = 78
"""RFC 5322's recommended line length, which folding keeps to where it can."""
_PHRASE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?: [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
"""A display name that needs no quoting: atoms separated by single spaces (RFC 5322)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def mailbox(display_name: str, addr_spec: str) -> str:
    """`Name <local@domain>`, the name quoted or RFC 2047-encoded, the domain in IDNA form.

    ValueError for an address that cannot be written in a header without SMTPUTF8: a
    non-ASCII local part, or no `@`.
    """
    return _named(display_name, ascii_address(_checked(addr_spec)))


def list_id_field(program_name: str, identifier: str) -> str:
    """The List-Id header: the program's name, then `<identifier>` (RFC 2919)."""
    if not _checked(identifier).isascii() or any(c in identifier for c in " <>@"):
        raise ValueError(f"{identifier!r} is not a list identifier")
    return f"List-Id: {_named(program_name, identifier)}"


def address_field(name: str, mailboxes: Sequence[str]) -> str:
    """An address header (From, To, Cc, Reply-To): `mailboxes` from `mailbox`, folded between."""
    if not mailboxes:
        raise ValueError(f"the {name} header needs at least one address")
    line = f"{name}: {mailboxes[0]}"
    lines: list[str] = []
    for item in mailboxes[1:]:
        if len(line) + len(item) + 2 > LINE_LENGTH:
            lines.append(line + ",")
            line = f" {item}"
        else:
            line = f"{line}, {item}"
    return CRLF.join([*lines, line])


def text_field(name: str, value: str) -> str:
    """An unstructured header such as Subject, folded, RFC 2047-encoded if not ASCII.

    A plain value that fits on one line is written as it is, which is what `Header` writes
    for it too, only without its work (a tenth of the time spent writing a check-in).
    """
    plain = _plain(_checked(value))
    if plain and len(name) + 2 + len(value) <= LINE_LENGTH:
        return f"{name}: {value}"
    charset = "us-ascii" if plain else "utf-8"
    return f"{name}: {Header(value, charset, header_name=name).encode(linesep=CRLF)}"


def token_field(name: str, value: str) -> str:
    """A header whose value is ASCII tokens written as given: Message-ID, Date, References."""
    if not _checked(value).isascii():
        raise ValueError(f"the {name} header must be ASCII, got {value!r}")
    return f"{name}: {value}"


def alternative(fields: Sequence[str], *, text: str, html: str) -> bytes:
    """The whole message: `fields` (from the functions above), then the two parts.

    The boundary starts with `=_`, which quoted-printable never produces, so no body can
    contain it.
    """
    boundary = f"=_{secrets.token_hex(12)}"
    head = [
        *fields,
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
    ]
    parts = [
        CRLF.join(head),
        "",
        _part(boundary, "plain", text),
        _part(boundary, "html", html),
        f"--{boundary}--",
        "",
    ]
    return CRLF.join(parts).encode("ascii")


def _named(display_name: str, address: str) -> str:
    """`Name <address>`, the name quoted or RFC 2047-encoded as it needs; `address` alone if
    there is no name."""
    name = _checked(display_name)
    if not name:
        return address
    if not _plain(name):
        return f"{Header(name, 'utf-8').encode(linesep=CRLF)} <{address}>"
    if _PHRASE.fullmatch(name):
        return f"{name} <{address}>"
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{address}>'


def _part(boundary: str, subtype: str, body: str) -> str:
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    data = "".join(line + CRLF for line in lines).encode("utf-8")
    encoded = binascii.b2a_qp(data, quotetabs=False, istext=True, header=False)
    return CRLF.join(
        [
            f"--{boundary}",
            f'Content-Type: text/{subtype}; charset="utf-8"',
            "Content-Transfer-Encoding: quoted-printable",
            "",
            encoded.decode("ascii"),
        ]
    )


def _plain(value: str) -> bool:
    """Whether `value` can be written as it is: ASCII, and nothing a reader would decode.

    Text that merely looks like an RFC 2047 word (`=?utf-8?q?...?=`) is encoded too, so a
    name cannot make a header show something else.
    """
    return value.isascii() and "=?" not in value


def _checked(value: str) -> str:
    """`value`, if it has no control characters (CR and LF above all)."""
    if _CONTROL.search(value):
        raise ValueError(f"{value!r} contains control characters, which no header may hold")
    return value
