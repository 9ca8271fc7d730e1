"""Signed reply tokens: which pair a reply belongs to, checkable without the database.

A check-in's Reply-To is the program's mailbox with a token as plus-address, for example
``mentoring+ana-ben.fss.k2d4mq7xw3jz5abc@example.org``. The token names the pair and the day
it was issued (days since 1970 in base 36) and ends with an 80-bit HMAC-SHA256 of both under
the deployment's secret key, so a reply is matched to its pair even when quoting mangles the
rest of the message, and nobody without the key can make a token for another pair.

Everything is lowercase because some mail systems lowercase local parts, and ``.`` separates
the fields because pair ids cannot contain it. For a 32-character pair id and the mailbox
``mentoring`` the local part stays within the 64 octets that RFC 5321 allows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from reminder_service.core.addresses import comparable_domain

_EPOCH = date(1970, 1, 1)
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_MAX_DAYS = 36**4 - 1
_MAC_BYTES = 10
_PURPOSE = b"reminder-service reply token v1\x00"
_PAIR_ID = re.compile(r"[a-z0-9-]{2,32}")
TOKEN_PATTERN = r"(?P<pair>[a-z0-9-]{2,32})\.(?P<day>[0-9a-z]{1,4})\.(?P<mac>[a-z2-7]{16})"  # noqa: S105 - a pattern, not a secret
"""A reply token's shape (lower case): pair id, day number, MAC; the log redactor uses it too."""
_TOKEN = re.compile(TOKEN_PATTERN)


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """What a token says: `ok`, `bad` (forged, damaged or junk) or `expired`.

    `pair_id` and `issued` are set for `ok` and `expired`, so an expired reply can still be
    reported against its pair.
    """

    status: Literal["ok", "bad", "expired"]
    pair_id: str | None
    issued: date | None


_BAD = TokenCheck(status="bad", pair_id=None, issued=None)


def make_token(pair_id: str, issued: date, *, key: bytes) -> str:
    """The reply token for `pair_id`, issued on `issued`, signed with `key`.

    Raises ValueError for a pair id that is not a slug or a date outside 1970-01-01 to
    6568-08-18 (four base-36 digits of days); both are programming errors, since the
    program loader validates pair ids.
    """
    if not _PAIR_ID.fullmatch(pair_id):
        raise ValueError(f"pair id {pair_id!r} is not 2-32 characters of a-z, 0-9 and -")
    days = (issued - _EPOCH).days
    if not 0 <= days <= _MAX_DAYS:
        raise ValueError(f"cannot issue a reply token dated {issued.isoformat()}")
    payload = f"{pair_id}.{_base36(days)}"
    return f"{payload}.{_mac(payload, key=key)}"


def check_token(
    token: str, *, key: bytes, today: date, max_age: timedelta = timedelta(days=400)
) -> TokenCheck:
    """Verify `token` against `key`, ignoring case; never raises, whatever the input."""
    match = _TOKEN.fullmatch(token.lower()) if token.isascii() else None
    if match is None:
        return _BAD
    payload = f"{match['pair']}.{match['day']}"
    if not hmac.compare_digest(match["mac"], _mac(payload, key=key)):
        return _BAD
    issued = _EPOCH + timedelta(days=int(match["day"], 36))
    return TokenCheck(
        status="expired" if today - issued > max_age else "ok",
        pair_id=match["pair"],
        issued=issued,
    )


def reply_address(mailbox: str, token: str) -> str:
    """The plus-address of `mailbox` carrying `token`: mentoring@x.org -> mentoring+TOKEN@x.org."""
    local, at, domain = mailbox.rpartition("@")
    if not (local and at and domain):
        raise ValueError(f"{mailbox!r} is not an email address")
    return f"{local}+{token}@{domain}"


def token_in_address(address: str, *, mailbox: str) -> str | None:
    """The token if `address` is a plus-address of `mailbox` (ignoring case), else None.

    A non-ASCII domain matches in either spelling (`xn--` or not).
    """
    local, _, domain = address.rpartition("@")
    box_local, _, box_domain = mailbox.rpartition("@")
    if not (local and box_local) or comparable_domain(domain) != comparable_domain(box_domain):
        return None
    prefix_length = len(box_local) + 1
    if local[:prefix_length].lower() != f"{box_local}+".lower():
        return None
    return local[prefix_length:] or None


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _BASE36[digit] + digits
        if number == 0:
            return digits


def _mac(payload: str, *, key: bytes) -> str:
    digest = hmac.new(key, _PURPOSE + payload.encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest[:_MAC_BYTES]).decode("ascii").lower()
