"""A meeting read in its context: talk by email is no meeting, "not yet" outweighs a meeting
after "but", "no doubt" negates nothing, the length tied to the meeting wins, and "Monday +
Wednesday" names two days."""

from __future__ import annotations

from typing import Any

import pytest

from reminder_service.core.replies.verdict import verdict_json
from tests.unit.replies.reply_mail import verdict_of


def _read(text: str) -> tuple[Any, Any, Any]:
    """The outcome, meeting date and minutes `understand` reads from a reply to a check-in."""
    verdict = verdict_json(verdict_of(text))
    meeting: Any = verdict["meeting"] or {}
    return verdict["outcome"], meeting.get("date"), meeting.get("duration_minutes")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Met Monday + Wednesday, 1h each", ("unclear", None, None)),
        ("Met Monday+Wednesday", ("unclear", None, None)),
        ("Met Monday (Tuesday didn't suit her)", ("meeting", "2026-11-23", None)),
        ("Met Monday, 1h + 15 min", ("meeting", "2026-11-23", 75)),
    ],
)
def test_a_plus_between_days_names_two_meetings(text: str, expected: tuple[Any, ...]) -> None:
    """ "Monday + Wednesday" is two days, so unclear; a "+" between numbers stays a sum."""
    assert _read(text) == expected
