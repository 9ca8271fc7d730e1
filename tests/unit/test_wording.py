"""Plain-English spans, dates and reply examples."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.wording import (
    date_in_words,
    reply_examples,
    short_date_in_words,
    span_in_words,
)


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (date(2026, 3, 3), date(2026, 3, 3), "less than a day"),
        (date(2026, 3, 3), date(2026, 3, 4), "1 day"),
        (date(2026, 10, 1), date(2026, 11, 1), "1 month"),
        (date(2026, 1, 31), date(2026, 2, 28), "1 month"),
        (date(2026, 10, 1), date(2026, 10, 31), "4 weeks"),
        (date(2026, 10, 1), date(2026, 11, 2), "4 weeks"),
        (date(2026, 3, 3), date(2026, 3, 6), "3 days"),
        (date(2026, 3, 3), date(2026, 3, 9), "6 days"),
        (date(2026, 3, 3), date(2026, 3, 10), "1 week"),
        (date(2026, 3, 3), date(2026, 3, 16), "1 week"),
        (date(2026, 3, 3), date(2026, 3, 17), "2 weeks"),
        (date(2026, 3, 3), date(2026, 4, 7), "5 weeks"),
        (date(2026, 1, 1), date(2026, 2, 28), "8 weeks"),
        (date(2026, 1, 1), date(2026, 3, 1), "2 months"),
        (date(2026, 1, 31), date(2026, 3, 30), "8 weeks"),
        (date(2026, 1, 31), date(2026, 3, 31), "2 months"),
        (date(2025, 12, 31), date(2026, 2, 28), "2 months"),
        (date(2024, 12, 31), date(2025, 2, 28), "2 months"),
        (date(2023, 12, 31), date(2024, 2, 28), "8 weeks"),
        (date(2023, 12, 31), date(2024, 2, 29), "2 months"),
        (date(2026, 3, 3), date(2027, 3, 2), "11 months"),
        (date(2026, 3, 3), date(2027, 3, 3), "1 year"),
        (date(2024, 2, 29), date(2025, 2, 28), "1 year"),
        (date(2024, 2, 29), date(2028, 2, 28), "3 years and 11 months"),
        (date(2024, 2, 29), date(2028, 2, 29), "4 years"),
        (date(2026, 3, 3), date(2027, 4, 3), "1 year and 1 month"),
        (date(2025, 1, 15), date(2026, 4, 20), "1 year and 3 months"),
        (date(2020, 6, 1), date(2026, 6, 1), "6 years"),
    ],
)
def test_span_in_words(start: date, end: date, words: str) -> None:
    """Spans read as days, then weeks, then calendar months, then years and months."""
    assert span_in_words(start, end) == words


@given(st.dates(), st.dates())
def test_span_ignores_order(first: date, second: date) -> None:
    """The span between two dates reads the same whichever comes first."""
    assert span_in_words(first, second) == span_in_words(second, first)


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 3, 3), "Tuesday 3 March 2026"),
        (date(2024, 2, 29), "Thursday 29 February 2024"),
        (date(2025, 12, 31), "Wednesday 31 December 2025"),
        (date(2026, 1, 1), "Thursday 1 January 2026"),
        (date(2026, 5, 10), "Sunday 10 May 2026"),
    ],
)
def test_date_in_words(day: date, words: str) -> None:
    """Dates read as weekday, day, month name and year."""
    assert date_in_words(day) == words


@pytest.mark.parametrize(
    ("day", "words"),
    [(date(2026, 3, 3), "3 Mar 2026"), (date(2024, 2, 29), "29 Feb 2024")],
)
def test_short_date_in_words(day: date, words: str) -> None:
    """Short dates read the same in every locale: day, month abbreviation, year."""
    assert short_date_in_words(day) == words


@pytest.mark.parametrize(
    ("today", "pause"),
    [
        (date(2026, 1, 10), "Pause until March"),
        (date(2026, 10, 31), "Pause until December"),
        (date(2026, 11, 1), "Pause until January"),
        (date(2026, 12, 31), "Pause until February"),
    ],
)
def test_reply_examples(today: date, pause: str) -> None:
    """The examples are a meeting, not yet, and a pause until the month after next."""
    assert reply_examples(today) == ("Yes, we met on Tuesday for 45 minutes", "Not yet", pause)
