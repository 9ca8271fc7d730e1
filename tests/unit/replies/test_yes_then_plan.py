"""A "yes" answered with a day, then a plan, in one sentence: the day is the meeting's."""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.model import Kind
from tests.unit.replies.reply_mail import UNCLEAR, met, understood


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes, Monday for 45 minutes and we'll meet again soon", met(date(2026, 11, 23), 45)),
        ("Yes, Monday 23rd for 45 minutes, next on Monday 7th", met(date(2026, 11, 23), 45)),
        ("Yes, Tuesday, and we're meeting again on Friday", met(date(2026, 11, 24))),
        ("yes: 17/11 (1h), next one 1/12", met(date(2026, 11, 17), 60)),
        ("Yes, Monday, 1h and we will meet on Friday", met(date(2026, 11, 23), 60)),
    ],
)
def test_the_day_before_the_plan_is_the_meeting(text: str, expected: tuple[object, object]) -> None:
    """Before, the plan took the whole sentence, and the meeting was logged undated (or the
    reply went to a person) with no length."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Yes, on Monday we will meet again", met(None)), ("Yes, we will meet on Monday", UNCLEAR)],
)
def test_a_day_inside_the_plan_is_the_plan(text: str, expected: tuple[object, object]) -> None:
    """A day in the clause that speaks of the future stays the plan's, never the meeting's:
    the first says the meetings go on (undated), the second only promises."""
    assert understood(text) == expected


def test_a_day_before_a_plan_answering_a_thank_you_is_the_same_meeting() -> None:
    """Beside a thank-you, it dates the meeting, which the log joins to the one it thanked
    for when it is the same day (`store.meetings`)."""
    assert understood("Yes, Monday and we'll meet again next Monday", Kind.THANKS) == met(
        date(2026, 11, 23)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes - Mon 23/11, 1hr. Discussed CV + LinkedIn. Next: 7/12.", date(2026, 11, 23)),
        ("Ja, Mi 25.11., 1 Std.", date(2026, 11, 25)),
        ("Ja, Sa 21.11. eine Stunde", date(2026, 11, 21)),
    ],
)
def test_a_short_weekday_before_a_date_names_no_one(text: str, expected: date) -> None:
    """ "Mon", "Mi" and "Sa" before a date are weekdays, not French "mon", Spanish "mi" or
    French "sa" (someone's), which made the date another event's: logged undated before."""
    assert understood(text) == met(expected, 60)


def test_a_possessive_before_a_date_is_still_someone_elses() -> None:
    """ "mon stage commence le 3/12" is the internship's day, not the meeting's."""
    assert understood("Oui, mon stage commence le 3/12") == met(None)
