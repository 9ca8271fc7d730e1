"""Email addresses as the service accepts them from configuration, and their ASCII form.

An address is accepted only if it can be sent without SMTPUTF8: many mail servers lack
it, and an address that needs it cannot be written in a header either. A domain with
non-ASCII letters (an IDN, `bücher.example`) is fine, because it has an ASCII (IDNA,
`xn--`) form that every server takes; a local part with them (`josé@...`) has none.
The ASCII form comes from email_validator, so headers and the SMTP envelope name the same
domain the program file was checked with (IDNA 2008, unlike Python's own `idna` codec).
"""

from __future__ import annotations

import functools
import re

from email_validator import EmailNotValidError, ValidatedEmail, validate_email

__all__ = ["ascii_address", "ascii_domain", "checked_address"]

_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*")
"""A local part of plain letters, digits and . _ - +: email_validator keeps it as it is."""
_MAX_ADDRESS = 254
"""The longest address email_validator accepts (RFC 5321's limit on a path)."""


def checked_address(text: str) -> str:
    """`text` as a normalized addr-spec; ValueError explaining why it cannot be used.

    The usual address (ASCII, a plain local part) is checked by checking its domain once
    for all the addresses that share it: a program with 100,000 pairs would otherwise
    spend seconds in email_validator. Any other address gets the whole check.
    """
    local, at, domain = text.rpartition("@")
    if at and text.isascii() and len(text) <= _MAX_ADDRESS and _PLAIN_LOCAL.fullmatch(local):
        normalized = _checked_domain(domain)
        if normalized is not None:
            return f"{local}@{normalized}"
    return _checked_whole(text)


def _checked_domain(domain: str) -> str | None:
    """The normalized form of an ASCII mail `domain`, or None if it cannot receive mail."""
    valid = _validated_domain(domain)
    return None if valid is None else valid.domain


@functools.lru_cache(maxsize=1024)
def _validated_domain(domain: str) -> ValidatedEmail | None:
    """email_validator's reading of `domain` (as that of its postmaster), or None if it
    cannot receive mail; remembered, as many addresses share a domain."""
    try:
        return validate_email(f"postmaster@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return None


def _checked_whole(text: str) -> str:
    """`text` checked by email_validator in full."""
    try:
        valid = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"{text!r} is not an email address") from exc
    if valid.ascii_email is None:
        letter = next(c for c in valid.local_part if not c.isascii())
        raise ValueError(
            f"{text!r} has {letter!r} before the @; many mail servers cannot deliver to such"
            " addresses, so this service does not support them: use an address with only"
            " plain letters a-z, digits and . _ - + before the @"
        )
    return valid.normalized


def ascii_address(address: str) -> str:
    """`address` with its domain in ASCII form; ValueError if the local part is not ASCII."""
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ValueError(f"{address!r} is not an email address")
    if not local.isascii():
        raise ValueError(f"{address!r} has non-ASCII characters before the @")
    return f"{local}@{ascii_domain(domain)}"


def ascii_domain(domain: str) -> str:
    """`domain` with IDNA (`xn--`) labels for its non-ASCII ones; ValueError if it has none."""
    if domain.isascii():
        return domain
    valid = _validated_domain(domain)
    if valid is None:
        raise ValueError(f"{domain!r} is not a mail domain")
    return valid.ascii_domain
