"""Whether a Message-ID read from someone else's mail may be kept and written back.

A reply's Message-ID becomes the In-Reply-To and References of the question we send back,
and those headers are ASCII. RFC 6532 lets mail carry UTF-8 there, and hostile mail can
carry control characters or an id thousands of characters long (a header line over 998
characters that a server may refuse). Such an id is treated as absent: both where a reply
is read and where an email is written, so a reply stored before this check is safe too.
"""

from __future__ import annotations

import re

__all__ = ["MAX_MESSAGE_ID_CHARS", "usable_message_id"]

MAX_MESSAGE_ID_CHARS = 250
"""Far longer than any mail program's ids, far shorter than a header line may be."""
_USABLE = re.compile(r"<[!-;=?-~]+>")
"""`<...>` around printable ASCII other than the angle brackets: no spaces, no controls."""


def usable_message_id(value: str) -> bool:
    """Whether `value` is a `<...>` Message-ID that can be written in a header as it is."""
    return len(value) <= MAX_MESSAGE_ID_CHARS and _USABLE.fullmatch(value) is not None
