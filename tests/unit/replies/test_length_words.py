"""Lengths written short or with a word between ("an hr", "a good hour"), and a date's day
before a dash and a length, which is no range."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.replies.reply_mail import met, understood


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("met on weds for an hr", 60),
        ("We met on Wednesday for half an hr", 30),
        ("We met on Wednesday for an hr and a half", 90),
        ("We met on Wednesday for an hr and a quarter", 75),
        ("met up on Wednesday for a good hour", 60),
        ("We met on Wednesday for a good hour and a half", 90),
        ("We met on Wednesday for two good hours", 120),
        ("We met on Wednesday for a solid hour", 60),
        ("Ja, wir haben uns am Mittwoch eine gute Stunde getroffen", 60),
        ("Oui, on s'est vus mercredi une bonne heure", 60),
    ],
)
def test_short_and_qualified_hours_are_lengths(text: str, minutes: int) -> None:
    """Before, none of these gave a length."""
    assert understood(text) == met(date(2026, 11, 25), minutes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nov 12 - 45 minutes", met(date(2026, 11, 12), 45)),
        ("We met on Nov 3 - 1 hr", met(date(2026, 11, 3), 60)),
        ("Nov 12 - 2 hrs", met(date(2026, 11, 12), 120)),
        ("Yes on 20/11 - 1 hr", met(date(2026, 11, 20), 60)),
        ("met 23/11 - 2 hours", met(date(2026, 11, 23), 120)),
        ("met 19/11 - 45 mins", met(date(2026, 11, 19), 45)),
        ("el 24/11 - 1 hora", met(date(2026, 11, 24), 60)),
        ("We met on Wednesday, 20-30 minutes", met(date(2026, 11, 25), 25)),
        ("We met 12 Nov, 1-2 hours", met(date(2026, 11, 12), 90)),
    ],
)
def test_a_day_after_its_month_starts_no_range(text: str, expected: tuple[object, object]) -> None:
    """ "Nov 12 - 45 minutes" was 12 to 45 minutes (28), "Nov 12 - 1 hr" and "20/11 - 1 hr"
    12 or 11 to 1 hours (6.5 or 6 hours); a range of lengths still counts."""
    assert understood(text) == expected
