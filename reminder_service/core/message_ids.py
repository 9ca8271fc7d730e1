"""Whether a Message-ID read from someone else's mail may be kept and written back.

A reply's Message-ID becomes the In-Reply-To and References of the question we send back,
and those headers are ASCII. RFC 6532 lets mail carry UTF-8 there, and hostile mail can
carry control characters or an id thousands of characters long (a header line over 998
characters that a server may refuse). Such an id is still how the reply is recognised when
it arrives twice, but it is never written: an email that would answer it is threaded under
the pair's root alone.
"""

from __future__ import annotations

import re

__all__ = ["MAX_MESSAGE_ID_CHARS", "header_message_id", "usable_message_id"]

MAX_MESSAGE_ID_CHARS = 250
"""Far longer than any mail program's ids, far shorter than a header line may be."""
_USABLE = re.compile(r"<[!-;=?-~]+>")
"""`<...>` around printable ASCII other than the angle brackets: no spaces, no controls."""


def usable_message_id(value: str) -> bool:
    """Whether `value` is a `<...>` Message-ID that can be written in a header as it is."""
    return len(value) <= MAX_MESSAGE_ID_CHARS and _USABLE.fullmatch(value) is not None


def header_message_id(value: str | None) -> str | None:
    """`value` as it may be written in In-Reply-To or References, or None if it cannot be.

    A bare id (`abc@x`, as some mail programs write it) gets its angle brackets.
    """
    if value is None:
        return None
    value = value.strip()
    bracketed = value if value.startswith("<") else f"<{value}>"
    return bracketed if usable_message_id(bracketed) else None
