"""Signed reply tokens: round trips, tampering, expiry, case and junk."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.tokens import (
    TokenCheck,
    check_token,
    make_token,
    reply_address,
    token_in_address,
)

KEY = b"a deployment secret of reasonable length"
ISSUED = date(2026, 3, 3)
pair_ids = st.from_regex(r"[a-z0-9-]{2,32}", fullmatch=True)
LAST_DAY = date(6568, 8, 18)
"""The last day four base-36 digits of days since 1970 can name (36**4 - 1 days on)."""
issue_dates = st.dates(min_value=date(1970, 1, 1), max_value=LAST_DAY)


def _check(token: str, *, today: date = ISSUED, key: bytes = KEY) -> TokenCheck:
    return check_token(token, key=key, today=today)


@given(pair_id=pair_ids, issued=issue_dates)
def test_round_trip(pair_id: str, issued: date) -> None:
    """A token made for a pair and date checks as ok and gives back both."""
    token = make_token(pair_id, issued, key=KEY)
    assert _check(token, today=issued) == TokenCheck(status="ok", pair_id=pair_id, issued=issued)


def test_token_shape() -> None:
    """A token is the pair id, a base-36 day count and a 16-character base32 MAC, dot-separated."""
    pair_id, day, mac = make_token("ana-ben", ISSUED, key=KEY).split(".")
    assert pair_id == "ana-ben"
    assert int(day, 36) == (ISSUED - date(1970, 1, 1)).days
    assert len(mac) == 16
    assert set(mac) <= set("abcdefghijklmnopqrstuvwxyz234567")


@pytest.mark.parametrize(
    ("part", "replacement"),
    [(0, "ana-bob"), (1, "fsu"), (2, "aaaaaaaaaaaaaaaa")],
    ids=["pair id", "date", "mac"],
)
def test_tampered_token_is_bad(part: int, replacement: str) -> None:
    """Changing the pair id, the date or the MAC makes the token bad."""
    parts = make_token("ana-ben", ISSUED, key=KEY).split(".")
    parts[part] = replacement
    assert _check(".".join(parts)) == TokenCheck(status="bad", pair_id=None, issued=None)


def test_leading_zero_in_date_is_bad() -> None:
    """The same day written with a leading zero is a different, unsigned token."""
    pair_id, day, mac = make_token("ana-ben", ISSUED, key=KEY).split(".")
    assert _check(f"{pair_id}.0{day}.{mac}").status == "bad"


def test_wrong_key_is_bad() -> None:
    """A token signed with another deployment's key is bad."""
    token = make_token("ana-ben", ISSUED, key=b"another deployment's key")
    assert _check(token).status == "bad"


def test_expired_token_keeps_pair_and_date() -> None:
    """A token older than max_age is expired but still names its pair and issue date."""
    token = make_token("ana-ben", ISSUED, key=KEY)
    assert _check(token, today=ISSUED + timedelta(days=401)) == TokenCheck(
        status="expired", pair_id="ana-ben", issued=ISSUED
    )


def test_token_at_max_age_is_ok() -> None:
    """A token exactly max_age old is still ok."""
    token = make_token("ana-ben", ISSUED, key=KEY)
    check = check_token(
        token, key=KEY, today=ISSUED + timedelta(days=30), max_age=timedelta(days=30)
    )
    assert check.status == "ok"


def test_uppercased_token_is_ok() -> None:
    """A mail system that uppercases the local part does not break the token."""
    token = make_token("ana-ben", ISSUED, key=KEY)
    assert _check(token.upper()) == TokenCheck(status="ok", pair_id="ana-ben", issued=ISSUED)


def test_unicode_lookalike_is_bad() -> None:
    """A non-ASCII character that lowercases to ASCII (the Kelvin sign) does not pass."""
    token = make_token("kk", ISSUED, key=KEY)
    assert _check("\u212a" + token[1:]).status == "bad"


@given(junk=st.text())
def test_junk_never_raises(junk: str) -> None:
    """Any string at all checks as bad, without raising."""
    assert _check(junk).status == "bad"


@given(junk=st.from_regex(r"[a-zA-Z0-9-]{2,32}\.[0-9a-zA-Z_+ ]{1,6}\.[a-z2-7]{16}", fullmatch=True))
def test_near_tokens_never_raise(junk: str) -> None:
    """Strings shaped almost like tokens check as bad, without raising."""
    assert _check(junk).status == "bad"


@given(issued=issue_dates)
def test_local_part_fits_in_64_octets(issued: date) -> None:
    """With a 32-character pair id and the mailbox "mentoring", the local part is <= 64 octets."""
    token = make_token("a" * 32, issued, key=KEY)
    local_part = reply_address("mentoring@example.org", token).rpartition("@")[0]
    assert len(local_part.encode()) <= 64


@pytest.mark.parametrize("pair_id", ["a", "a" * 33, "Ana-Ben", "ana.ben", "ana_ben", ""])
def test_make_token_rejects_non_slugs(pair_id: str) -> None:
    """Only slugs of 2-32 characters a-z, 0-9 and - can be made into tokens."""
    with pytest.raises(ValueError, match="pair id"):
        make_token(pair_id, ISSUED, key=KEY)


@pytest.mark.parametrize("issued", [date(1969, 12, 31), LAST_DAY + timedelta(days=1)])
def test_make_token_rejects_dates_out_of_range(issued: date) -> None:
    """Dates that do not fit in four base-36 digits after 1970 are refused."""
    with pytest.raises(ValueError, match="dated"):
        make_token("ana-ben", issued, key=KEY)


def test_the_last_day_that_fits_still_makes_a_token() -> None:
    """The range ends exactly where four base-36 digits do."""
    assert make_token("ana-ben", LAST_DAY, key=KEY).split(".")[1] == "zzzz"


def test_reply_address() -> None:
    """The token goes after a plus in the mailbox's local part."""
    assert reply_address("mentoring@example.org", "tok") == "mentoring+tok@example.org"


def test_reply_address_needs_a_mailbox() -> None:
    """A mailbox without local part or domain is refused."""
    with pytest.raises(ValueError, match="not an email address"):
        reply_address("mentoring", "tok")


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("mentoring+ana-ben.fss.abc@example.org", "ana-ben.fss.abc"),
        ("MENTORING+ANA-BEN.FSS.ABC@EXAMPLE.ORG", "ANA-BEN.FSS.ABC"),
        ("mentoring@example.org", None),
        ("mentoring+@example.org", None),
        ("mentoring+tok@example.com", None),
        ("mentor+tok@example.org", None),
        ("mentoringx+tok@example.org", None),
        ("other+mentoring+tok@example.org", None),
        ("mentoring+tok", None),
        ("", None),
        ("\u0130\u0130\u0130+tok@example.org", None),
    ],
)
def test_token_in_address(address: str, expected: str | None) -> None:
    """Only the mailbox's own plus-address, in any case, yields a token."""
    assert token_in_address(address, mailbox="mentoring@example.org") == expected


def test_token_in_address_with_plus_in_mailbox() -> None:
    """A mailbox that is itself a plus-address still round-trips."""
    address = reply_address("me+mentoring@example.org", "tok")
    assert token_in_address(address, mailbox="me+mentoring@example.org") == "tok"
