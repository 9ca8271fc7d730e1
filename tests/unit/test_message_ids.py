"""Which Message-IDs read from other people's mail are kept and written back."""

from __future__ import annotations

import pytest

from reminder_service.core.message_ids import MAX_MESSAGE_ID_CHARS, usable_message_id


@pytest.mark.parametrize(
    "value",
    [
        "<reply-1@mail.example>",
        "<CAF=+x_Y!#$%&'*/?^`{|}~.9@mail.gmail.com>",
        "<" + "a" * (MAX_MESSAGE_ID_CHARS - 2) + ">",
    ],
    ids=["plain", "every printable sign", "longest"],
)
def test_usable(value: str) -> None:
    """An id of printable ASCII in angle brackets, up to the length limit, is usable."""
    assert usable_message_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "<café@example.org>",
        "<a\x01b@example.org>",
        "<a\x7fb@example.org>",
        "<a b@example.org>",
        "<a\tb@example.org>",
        "<" + "a" * (MAX_MESSAGE_ID_CHARS - 1) + ">",
        "reply-1@mail.example",
        "<a<b@example.org>",
        "<>",
        "",
    ],
    ids=[
        "utf-8",
        "control",
        "delete",
        "space",
        "tab",
        "too long",
        "no brackets",
        "bracket inside",
        "empty brackets",
        "empty",
    ],
)
def test_unusable(value: str) -> None:
    """An id that is not ASCII, holds a control or a space, is too long or lacks its
    brackets is not usable."""
    assert not usable_message_id(value)
