"""A day called off, missed or moved does not cancel the meeting that happened on another
day; a plan beside a stated past meeting does not make the reply "not met"."""

from __future__ import annotations

import time
from datetime import date

import pytest

from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import UNCLEAR, met, understood, verdict_of

NOT_MET = (Outcome.NOT_MET, None)


MONDAY, TUESDAY, WEDNESDAY = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She cancelled Tuesday and we met Wednesday, 45 min", met(WEDNESDAY, 45)),
        (
            "We cancelled Tuesday's meeting and met on Wednesday instead, 45 min",
            met(WEDNESDAY, 45),
        ),
        ("We rescheduled and met on Wednesday for 1 hour", met(WEDNESDAY, 60)),
        ("We missed the Tuesday call and met on Wednesday instead, 1h", met(WEDNESDAY, 60)),
        ("We skipped Tuesday and met on Wednesday for 1h", met(WEDNESDAY, 60)),
        ("Tuesday didn't work out so we met Wednesday for 45 min", met(WEDNESDAY, 45)),
        ("We did not meet on Tuesday and met on Wednesday for 45 min", met(WEDNESDAY, 45)),
        (
            "On a annulé mardi et on s'est vus mercredi pendant une heure",
            met(WEDNESDAY, 60),
        ),
        ("Cancelamos el martes y nos vimos el miércoles una hora", met(WEDNESDAY, 60)),
    ],
)
def test_a_day_called_off_before_and_leaves_the_meeting_after_it(
    text: str, expected: object
) -> None:
    """A day cancelled, missed or not met on, then "and" or "so" and a meeting, logs it."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Wir haben Dienstag verschoben und uns am Mittwoch eine Stunde getroffen",
            met(WEDNESDAY, 60),
        ),
        ("We met online (not in person) on Monday for 1h", met(MONDAY, 60)),
        ("We met not on Monday but on Tuesday, 1h", met(TUESDAY, 60)),
        ("We cancelled Monday and Tuesday, met Wednesday 1h", met(WEDNESDAY, 60)),
    ],
)
def test_the_meeting_day_is_the_one_not_called_off(text: str, expected: object) -> None:
    """A calling-off before "and" or a "not" about something else leaves the meeting's day;
    a "not" right before a day after "we met", and a list of cancelled days, still don't."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We haven't met yet and talked on the phone for 10 minutes",
        "We met on Tuesday and did not meet on Wednesday for 1h",
    ],
)
def test_not_met_then_met_without_a_clear_order_goes_to_a_person(text: str) -> None:
    """ "Not met yet" before "and", or "met" before "not met", is left to a person."""
    assert understood(text) == UNCLEAR


@pytest.mark.parametrize(
    "text",
    [
        "The meeting took place on Monday (1h); we will meet again on 10 December",
        "Meeting done on monday, 1 hour. We'll meet again in december",
        "We managed to meet on Monday evening for 45 minutes. We'll try to meet again"
        " mid-December.",
    ],
)
def test_a_plan_beside_a_past_date_and_length_is_not_not_met(text: str) -> None:
    """A plan beside a sentence giving a past date and a length is at least unclear."""
    assert verdict_of(text).outcome in {Outcome.MEETING, Outcome.UNCLEAR}


@pytest.mark.parametrize(
    "text",
    [
        "not yet, we're meeting Friday",
        "we had to cancel, meeting next week instead",
        "Our Monday 1h meeting got cancelled; we'll meet next week",
        "We cancelled Monday and Tuesday. We'll meet Friday",
    ],
)
def test_a_plan_or_a_cancelled_meeting_alone_is_still_not_met(text: str) -> None:
    """A plan with only a called-off meeting beside it says "not met yet"."""
    assert understood(text) == NOT_MET


def test_many_joined_statements_are_read_quickly() -> None:
    """A long reply of "not met" and many "and"s is read in well under a second."""
    text = "we did not meet on monday " + "and we " * 8_000 + "met for 1h"
    started = time.perf_counter()
    verdict_of(text)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "We haven't met and talked properly since September.",
        "We haven't met and caught up in ages, sorry.",
        "We haven't met up and talked in weeks.",
    ],
)
def test_a_negation_shared_by_two_verbs_joined_by_and_negates_both(text: str) -> None:
    """ "Haven't met and talked" denies both verbs: not met, not a meeting beside a denial."""
    assert understood(text) == NOT_MET
