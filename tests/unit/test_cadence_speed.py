"""The fast paths planning relies on agree with the straightforward calendar arithmetic.

`add_months` replaces dateutil's relativedelta in cadence steps, and the latest period of
a pair is remembered across pairs that share a schedule, start, zone and anchor: both are
checked here against the plain computation they stand in for.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.cadence import (
    add_months,
    local_instant,
    next_weekday,
    occurrences_after,
)
from reminder_service.core.due import latest_due_at
from reminder_service.core.model import Cadence, Pair, PairHistory

from .strategies import cadences, make_pair, program_dates, send_times, zones


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(date(2026, 1, 31), 1, date(2026, 2, 28), id="jan-31-to-feb"),
        pytest.param(date(2028, 1, 31), 1, date(2028, 2, 29), id="jan-31-to-leap-feb"),
        pytest.param(date(2028, 2, 29), 12, date(2029, 2, 28), id="leap-day-next-year"),
        pytest.param(date(2028, 2, 29), 48, date(2032, 2, 29), id="leap-day-four-years"),
        pytest.param(date(2026, 3, 31), -1, date(2026, 2, 28), id="backwards-clamped"),
        pytest.param(date(2026, 12, 15), 1, date(2027, 1, 15), id="into-next-year"),
        pytest.param(date(2026, 1, 15), -13, date(2024, 12, 15), id="back-over-a-year"),
        pytest.param(date(2026, 8, 31), 0, date(2026, 8, 31), id="zero"),
        pytest.param(date(2100, 1, 29), 1, date(2100, 2, 28), id="century-not-leap"),
        pytest.param(date(2000, 1, 29), 1, date(2000, 2, 29), id="400-years-leap"),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    """Whole months keep the day of month, clamped to the end of a shorter month."""
    assert add_months(day, months) == expected


@given(day=st.dates(), months=st.integers(min_value=-24_000, max_value=24_000))
def test_add_months_matches_relativedelta(day: date, months: int) -> None:
    """add_months gives what relativedelta gives, and fails where the calendar ends as it does."""
    try:
        expected = day + relativedelta(months=months)
    except ValueError:
        with pytest.raises(ValueError, match="out of range"):
            add_months(day, months)
        return
    assert add_months(day, months) == expected


def _walked_latest(pair: Pair, anchor: date, now: datetime) -> datetime | None:
    """The latest due instant by `now`, walking every occurrence from `anchor`."""
    latest: datetime | None = None
    previous = anchor
    for occurrence in occurrences_after(pair.schedule.cadence, started=pair.started, anchor=anchor):
        day = next_weekday(occurrence) if pair.schedule.weekdays_only else occurrence
        if day <= previous:
            continue
        previous = day
        due_at = local_instant(day, pair.schedule.send_at, pair.timezone)
        if due_at > now:
            return latest
        latest = due_at
    return latest


@given(
    cadence=cadences,
    started=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    met_after_days=st.integers(min_value=0, max_value=800),
    zone=zones,
    other_zone=zones,
    send_at=send_times,
    weekdays_only=st.booleans(),
    hours_after=st.lists(st.integers(min_value=-24, max_value=24 * 900), min_size=1, max_size=4),
)
def test_remembered_latest_period_matches_a_full_walk(
    cadence: Cadence,
    started: date,
    met_after_days: int,
    zone: ZoneInfo,
    other_zone: ZoneInfo,
    send_at: time,
    weekdays_only: bool,
    hours_after: list[int],
) -> None:
    """Asked at several instants, for pairs sharing all but the zone, the latest period is
    the one a full walk of the calendar finds."""
    met = started + timedelta(days=met_after_days)
    history = PairHistory(last_meeting=met)
    pairs = [
        make_pair(
            cadence=cadence,
            started=started,
            send_at=send_at,
            zone=pair_zone,
            weekdays_only=weekdays_only,
        )
        for pair_zone in (zone, other_zone, zone)
    ]
    base = datetime.combine(met, time(12), tzinfo=UTC)
    for hours in hours_after:
        now = base + timedelta(hours=hours)
        for pair in pairs:
            assert latest_due_at(pair, history, now) == _walked_latest(pair, met, now)


@given(started=program_dates)
def test_month_steps_from_start_match_relativedelta(started: date) -> None:
    """Monthly occurrences are the start plus k months, as relativedelta counts them."""
    monthly = make_pair(cadence="monthly", started=started).schedule.cadence
    days = list(islice(occurrences_after(monthly, started=started, anchor=started), 39))
    assert days == [started + relativedelta(months=k) for k in range(1, 40)]
