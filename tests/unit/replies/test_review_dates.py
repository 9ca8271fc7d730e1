"""Dates found in review: decimals that are no dates, meetings dated only by an earlier
month, and a dispute beside an end of any kind.

Replies go through the real entry point, `understand`, as pair ada-bo (Berlin, dates day
first) on Thursday 26 November 2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.dates import dated_by_month_only, dates_in
from reminder_service.core.replies.head import Head
from tests.unit.replies.reply_mail import TODAY, UNCLEAR, met, understood


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes we met, worked on her Python 3.11 setup, 1h", met(None, 60)),
        ("Yes we met for an hour, she got 1.5 more points", met(None, 60)),
        ("Yes, we met for 45 min and reviewed version 2.1 of her CV", met(None, 45)),
        ("Yes we met for an hour. Rated it 4.5 out of 5", met(None, 60)),
        ("Yes, 1h. She scored 2.3 in the exam", met(None, 60)),
        ("Yes, 1h. Scored 2.3.", met(None, 60)),
        ("Ja, 1 Std. Note 2.3.", met(None, 60)),
        ("Yes, 1h. Scored 2/3", met(None, 60)),
        ("Yes, 45 min, went through chapters 2.3 and 2.4", met(None, 45)),
        ("Ja, Montag 9.10 bis 10.10", met(date(2026, 11, 23))),
        ("Ja, gestern, sie hat eine 1.3 geschrieben", met(date(2026, 11, 25))),
    ],
)
def test_a_decimal_is_no_date(text: str, expected: object) -> None:
    """A decimal or a time without "on", "am" or "met" before it ("Python 3.11", "scored
    2.3", "Montag 9.10"), or a number after a word like "scored" or "grade", even with a
    last dot ("Scored 2.3.") or a slash ("Scored 2/3"), is not read as a day and month."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Met 24.11, 1.5h", met(date(2026, 11, 24), 90)),
        ("Yes we have meet on 24.11 for 1 hour", met(date(2026, 11, 24), 60)),
        ("Ja, wir haben uns am 24.11 getroffen", met(date(2026, 11, 24))),
        ("Oui, on s'est vus le 23.11", met(date(2026, 11, 23))),
    ],
)
def test_a_day_and_month_without_the_last_dot_after_on_am_or_met_is_a_date(
    text: str, expected: object
) -> None:
    """A day and month like "24.11" right after "on", "am", "le" or "met" is the meeting's
    date."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We last met in October.",
        "The last time we met was in September.",
        "We last met in the summer.",
        "Last met in early October, sorry!",
        "We met last month",
        "Yes, back in September",
        "Yes, last month",
        "Yes we met two months ago",
        "Ja, wir haben uns im Oktober getroffen",
        "On s'est vus le mois dernier",
    ],
)
@pytest.mark.parametrize("kind", [Kind.CHECKIN, Kind.PAUSE_OR_END])
def test_a_meeting_dated_only_by_an_earlier_month_is_unclear(text: str, kind: Kind) -> None:
    """A meeting dated by nothing finer than an earlier month or a season is unclear, not a
    meeting today."""
    assert understood(text, kind) == UNCLEAR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met in November", met(None)),
        ("Yes we met earlier this month", met(None)),
        ("Yes we met, she started her new job in October", met(None)),
        ("Yes we met, we will meet again in January", met(None)),
        ("Yes we met. Back in September she was stuck", met(None)),
        ("Yes we met yesterday, last time was in October", met(date(2026, 11, 25))),
        ("We last met on 14 October.", met(date(2026, 10, 14))),
    ],
)
def test_a_month_that_does_not_date_the_meeting_leaves_it_standing(
    text: str, expected: object
) -> None:
    """This month, a month about something else, a plan or a stated day leave the meeting
    as it is."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "No, we haven't met, so we'll stop here",
        "No, we haven't met. We'll stop here",
        "Nein, wir haben uns nicht getroffen. Wir wollen beenden",
        "No, we haven't met, so we'd like to end it",
    ],
)
def test_a_dispute_beside_any_end_is_unclear(text: str) -> None:
    """A confirmation disputed beside an end, a sign-off or a bare verb for ending is
    unclear, so that neither the dispute nor the end is lost."""
    assert understood(text, Kind.CONFIRMATION) == UNCLEAR


def test_long_replies_are_read_in_linear_time() -> None:
    """Fifty thousand characters of short dates and months are read without backtracking."""
    text = "met on 24.11 and back in october on 3.4 " * 1250
    assert dates_in(text, "DMY")
    assert dated_by_month_only(Head.of(text), today=TODAY)
