"""Email addresses as the service accepts them from configuration.

An address is accepted only if it can be sent without SMTPUTF8: many mail servers lack
it, and an address that needs it cannot be written in a header either. A domain with
non-ASCII letters (an IDN, `bücher.example`) is fine, because it has an ASCII (IDNA,
`xn--`) form that every server takes; a local part with them (`josé@...`) has none.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

__all__ = ["checked_address"]


def checked_address(text: str) -> str:
    """`text` as a normalized addr-spec; ValueError explaining why it cannot be used."""
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
