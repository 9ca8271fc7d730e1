"""A weekday named with a bare day ("Monday 16th", "lundi 16", "Montag, 16."): the day is
the meeting's when the weekday agrees with it, and a person reads it when it does not.

Replies go through `understand` as pair ada-bo answering a check-in on Thursday 26 November
2026 (Monday 16, Friday 13 and Friday 20 November are the days named); the properties go
through `meaning_of` on any day, in time zones on both sides of UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.replies.meaning import Meaning, meaning_of
from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import UNCLEAR, met, understood

MONDAY_16 = date(2026, 11, 16)
FRIDAY_13 = date(2026, 11, 13)
FRIDAY_20 = date(2026, 11, 20)
MONDAY_23 = date(2026, 11, 23)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ZONES = ("Pacific/Auckland", "Asia/Kolkata", "UTC", "Europe/Berlin", "America/Los_Angeles")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met on Monday 16th for an hour", met(MONDAY_16, 60)),
        ("We met Mon 16th, 1h", met(MONDAY_16, 60)),
        ("We met on Monday, 16th", met(MONDAY_16)),
        ("We met on Friday 13th", met(FRIDAY_13)),
        ("We met on Friday the 13th", met(FRIDAY_13)),
        ("Yes, Friday 20th, 45 min", met(FRIDAY_20, 45)),
        ("We met Monday 16 for an hour", met(MONDAY_23, 60)),
        ("We met Monday 16 at 6pm", met(MONDAY_23)),
        ("On s'est vus lundi 16, une heure", met(MONDAY_16, 60)),
        ("On s'est vus le lundi 16", met(MONDAY_16)),
        ("Nos vimos el lunes 16, una hora", met(MONDAY_16, 60)),
        ("Wir haben uns Montag, 16. getroffen", met(MONDAY_16)),
        ("Wir haben uns am Montag, den 16. getroffen", met(MONDAY_16)),
        ("We met Monday 16 November", met(MONDAY_16)),
        ("Met Monday 16th. Next: Monday 30th", met(MONDAY_16)),
        ("On a eu mon 1er rendez-vous lundi, une heure", met(MONDAY_23, 60)),
        ("We met on Monday 5pm", met(MONDAY_23)),
        ("We met Monday 10-11", met(MONDAY_23)),
        ("Wir haben uns am Montag 1,5 Stunden getroffen", met(MONDAY_23, 90)),
        ("Nos vimos el lunes 1,5 horas", met(MONDAY_23, 90)),
        ("On s'est vus lundi 14 à 15h", met(MONDAY_23)),
        ("We met on Thursday 13th", UNCLEAR),
        ("We met on Monday 2", met(MONDAY_23)),
        ("Nos vimos el lunes 5, una hora", UNCLEAR),
    ],
)
def test_a_weekday_with_a_day_is_that_day_when_they_agree(
    text: str, expected: tuple[Outcome, object]
) -> None:
    """The day the weekday and the number name together; a time after a weekday ("5pm",
    "10-11"), an English weekday's bare number ("Monday 2", as often two o'clock) and French
    "mon 1er" (my first) leave the weekday; a weekday that disagrees with the day
    ("Thursday 13th", "lunes 5") is for a person."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("Please pause until Monday 4th", date(2027, 1, 4)),
        ("Please pause until Friday 4th", date(2026, 12, 4)),
        ("Pause jusqu'au lundi 4", date(2027, 1, 4)),
        ("Please pause until Sunday 4th", None),
    ],
)
def test_a_pause_until_a_weekday_and_a_day_ends_on_the_first_day_they_agree(
    text: str, until: date | None
) -> None:
    """ "Monday 4th" said in November is 4 January, the first 4th on a Monday; with no such
    day within three months, a person reads the request."""
    meaning = meaning_of(
        text,
        sent=datetime(2026, 11, 26, 10, tzinfo=UTC),
        zone=ZoneInfo("Europe/Berlin"),
        date_order="DMY",
    )
    if until is None:
        assert meaning.outcome is Outcome.UNCLEAR
    else:
        assert (meaning.outcome, meaning.pause_until) == (Outcome.PAUSE, until)


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


_TODAY = st.dates(min_value=date(2000, 3, 1), max_value=date(2099, 12, 31))


def _read_on(today: date, zone: str, text: str) -> Meaning:
    """What `text` means, sent at noon on `today` by someone living in `zone`."""
    local = ZoneInfo(zone)
    sent = datetime.combine(today, time(12), tzinfo=local).astimezone(UTC)
    return meaning_of(text, sent=sent, zone=local, date_order="DMY")


@given(today=_TODAY, back=st.integers(0, 27), zone=st.sampled_from(ZONES))
def test_a_past_day_with_its_own_weekday_is_that_day(today: date, back: int, zone: str) -> None:
    """Any of the last four weeks' days, named with its own weekday, over month ends, leap
    days and years, is that day, wherever the writer lives."""
    day = today - timedelta(days=back)
    text = f"We met on {WEEKDAYS[day.weekday()]} {_ordinal(day.day)}"
    meaning = _read_on(today, zone, text)
    assert meaning.outcome is Outcome.MEETING
    assert meaning.meeting is not None
    assert meaning.meeting.date == day


@given(today=_TODAY, back=st.integers(0, 27), wrong=st.integers(1, 6), zone=st.sampled_from(ZONES))
def test_a_past_day_with_another_weekday_is_never_logged(
    today: date, back: int, wrong: int, zone: str
) -> None:
    """The same day named with any other weekday logs no meeting: one of the two is a slip."""
    day = today - timedelta(days=back)
    text = f"We met on {WEEKDAYS[(day.weekday() + wrong) % 7]} {_ordinal(day.day)}"
    meaning = _read_on(today, zone, text)
    assert meaning.meeting is None


@given(today=_TODAY, ahead=st.integers(1, 27), zone=st.sampled_from(ZONES))
def test_a_pause_until_a_coming_day_with_its_own_weekday_ends_on_it(
    today: date, ahead: int, zone: str
) -> None:
    """A pause until any of the next four weeks' days, named with its weekday, ends on it."""
    day = today + timedelta(days=ahead)
    text = f"Please pause until {WEEKDAYS[day.weekday()]} {_ordinal(day.day)}"
    meaning = _read_on(today, zone, text)
    assert (meaning.outcome, meaning.pause_until) == (Outcome.PAUSE, day)
