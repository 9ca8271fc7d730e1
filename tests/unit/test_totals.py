"""Relationship totals and time in words for thank-you, anniversary and farewell emails."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.model import MeetingRecord, Totals
from reminder_service.core.totals import relationship_totals, time_in_words

from .strategies import make_meeting, make_pair

REMOVED = datetime(2026, 11, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("minutes", "approximate", "words"),
    [
        (0, False, "0 minutes"),
        (1, False, "1 minute"),
        (45, False, "45 minutes"),
        (45, True, "about 45 minutes"),
        (60, False, "1 hour"),
        (61, False, "1 hour 1 minute"),
        (90, False, "1 hour 30 minutes"),
        (120, False, "2 hours"),
        (89, True, "about 1 hour"),
        (90, True, "about 2 hours"),
        (735, True, "about 12 hours"),
        (72_030, False, "1,200 hours 30 minutes"),
    ],
)
def test_time_in_words(minutes: int, approximate: bool, words: str) -> None:
    """Exact totals give hours and minutes; approximate ones say about and round to the hour."""
    assert time_in_words(minutes, approximate=approximate) == words


def test_time_in_words_refuses_negative() -> None:
    """A negative number of minutes is a programming error."""
    with pytest.raises(ValueError, match="negative"):
        time_in_words(-1, approximate=False)


@given(minutes=st.integers(0, 10**6), approximate=st.booleans())
def test_about_only_when_approximate(minutes: int, approximate: bool) -> None:
    """The words start with "about" exactly when the total is approximate."""
    assert time_in_words(minutes, approximate=approximate).startswith("about ") == approximate


@pytest.mark.parametrize(
    ("meetings", "today", "expected"),
    [
        pytest.param([], date(2026, 11, 2), Totals("less than a day", 0, 0, False), id="day-one"),
        pytest.param([], date(2026, 10, 1), Totals("less than a day", 0, 0, False), id="early"),
        pytest.param(
            [make_meeting(1, minutes=45), make_meeting(2, minutes=30)],
            date(2029, 2, 3),
            Totals("2 years and 3 months", 2, 75, False),
            id="exact",
        ),
        pytest.param(
            [make_meeting(1, minutes=45), make_meeting(2, minutes=None)],
            date(2026, 12, 2),
            Totals("1 month", 2, 105, True),
            id="default-length-is-approximate",
        ),
        pytest.param(
            [make_meeting(1, minutes=45), make_meeting(2, minutes=None, removed_at=REMOVED)],
            date(2026, 12, 2),
            Totals("1 month", 1, 45, False),
            id="removed-meetings-do-not-count",
        ),
        pytest.param(
            [make_meeting(1, minutes=45), make_meeting(2, pair_id="someone-else")],
            date(2026, 12, 2),
            Totals("1 month", 1, 45, False),
            id="other-pairs-ignored",
        ),
    ],
)
def test_relationship_totals(meetings: list[MeetingRecord], today: date, expected: Totals) -> None:
    """Totals count the pair's meetings that stand, at the default length when none was given."""
    pair = make_pair(started=date(2026, 11, 2))
    assert relationship_totals(pair, meetings, today=today, default_minutes=60) == expected
