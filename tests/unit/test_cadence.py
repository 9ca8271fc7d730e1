"""Cadence parsing, occurrence dates, local sending instants and the weekday shift."""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice, pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.cadence import (
    first_checkin_by,
    local_instant,
    next_weekday,
    occurrences_after,
    parse_cadence,
)
from reminder_service.core.model import Cadence, Phase, RRule, Step

from .strategies import cadences, program_dates, send_times, zones

WEEKLY = Phase(every=Step(days=7))
MONTHLY = Phase(every=Step(months=1))


@pytest.mark.parametrize(
    ("text", "phases"),
    [
        pytest.param("weekly", (WEEKLY,), id="weekly"),
        pytest.param("every week", (WEEKLY,), id="every-week"),
        pytest.param("  Every   2   WEEKS ", (Phase(every=Step(days=14)),), id="spacing-case"),
        pytest.param("fortnightly", (Phase(every=Step(days=14)),), id="fortnightly"),
        pytest.param("every other week", (Phase(every=Step(days=14)),), id="every-other-week"),
        pytest.param("every 6 weeks", (Phase(every=Step(days=42)),), id="every-6-weeks"),
        pytest.param("every 10 days", (Phase(every=Step(days=10)),), id="every-10-days"),
        pytest.param("daily", (Phase(every=Step(days=1)),), id="daily"),
        pytest.param("monthly", (MONTHLY,), id="monthly"),
        pytest.param("every month", (MONTHLY,), id="every-month"),
        pytest.param("every 2 months", (Phase(every=Step(months=2)),), id="every-2-months"),
        pytest.param("every three months", (Phase(every=Step(months=3)),), id="number-word"),
        pytest.param("quarterly", (Phase(every=Step(months=3)),), id="quarterly"),
        pytest.param("yearly", (Phase(every=Step(months=12)),), id="yearly"),
        pytest.param("Annually", (Phase(every=Step(months=12)),), id="annually"),
        pytest.param(
            "rrule:freq=monthly;byday=1tu",
            (Phase(every=RRule("FREQ=MONTHLY;BYDAY=1TU")),),
            id="rrule-prefix",
        ),
        pytest.param(
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;",
            (Phase(every=RRule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")),),
            id="rrule-bare",
        ),
        pytest.param(
            "monthly for 12 months, then quarterly",
            (Phase(every=Step(months=1), lasts=Step(months=12)), Phase(every=Step(months=3))),
            id="two-phases",
        ),
        pytest.param(
            "weekly for 6 weeks then every 2 weeks for 6 months then monthly",
            (
                Phase(every=Step(days=7), lasts=Step(days=42)),
                Phase(every=Step(days=14), lasts=Step(months=6)),
                MONTHLY,
            ),
            id="three-phases",
        ),
        pytest.param(
            "weekly for a year THEN monthly",
            (Phase(every=Step(days=7), lasts=Step(months=12)), MONTHLY),
            id="for-a-year",
        ),
        pytest.param(
            "RRULE:FREQ=WEEKLY;BYDAY=MO for 10 days, then monthly",
            (Phase(every=RRule("FREQ=WEEKLY;BYDAY=MO"), lasts=Step(days=10)), MONTHLY),
            id="rrule-phase",
        ),
    ],
)
def test_parse_cadence(text: str, phases: tuple[Phase, ...]) -> None:
    """Each accepted spelling gives its phases and keeps the coordinator's text, stripped."""
    cadence = parse_cadence(text)
    assert cadence.phases == phases
    assert cadence.text == text.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "is not a cadence I understand", id="empty"),
        pytest.param("every fortnight", "'every fortnight' is not a cadence", id="unknown"),
        pytest.param("biweekly", "twice a week or every two weeks", id="biweekly-ambiguous"),
        pytest.param("every 0 days", "at least 1", id="zero"),
        pytest.param("every -2 weeks", "at least 1", id="negative"),
        pytest.param("weekly for 0 weeks then monthly", "at least 1", id="zero-length-phase"),
        pytest.param("every 11 years", "longer than ten years", id="too-long"),
        pytest.param("every many weeks", "not a number", id="not-a-number"),
        pytest.param("monthly, then quarterly", "say how long 'monthly' lasts", id="no-for"),
        pytest.param("monthly for 2 years", "cannot end with 'for ...'", id="last-has-for"),
        pytest.param("weekly then", "is not a cadence", id="dangling-then"),
        pytest.param("RRULE:FREQ=HOURLY", "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY", id="hourly"),
        pytest.param("RRULE:BYDAY=MO", "FREQ=DAILY", id="no-freq"),
        pytest.param("FREQ=MONTHLY;COUNT=3", "cannot contain COUNT", id="count"),
        pytest.param("FREQ=MONTHLY;UNTIL=20270101", "cannot contain UNTIL", id="until"),
        pytest.param("FREQ=MONTHLY;DTSTART=20260101", "cannot contain DTSTART", id="dtstart"),
        pytest.param("FREQ=DAILY;BYHOUR=9", "cannot contain BYHOUR", id="byhour"),
        pytest.param("FREQ=MONTHLY;INTERVAL=0", "INTERVAL must be", id="interval-zero"),
        pytest.param("FREQ=MONTHLY;BYDAY", "not a NAME=VALUE part", id="no-equals"),
        pytest.param("FREQ=MONTHLY;BYDAY=1XX", "not a rule I can use", id="bad-byday"),
        pytest.param("FREQ=MONTHLY;COLOUR=RED", "not a rule I can use", id="unknown-part"),
        pytest.param("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never happens", id="no-occurrence"),
        pytest.param("FREQ=MONTHLY;BYDAY=18TU", "not a rule I can use", id="impossible-nth-day"),
    ],
)
def test_parse_cadence_rejects(text: str, message: str) -> None:
    """A cadence the service cannot honour raises ValueError saying what is wrong."""
    with pytest.raises(ValueError, match=message):
        parse_cadence(text)


def test_rejection_names_examples() -> None:
    """The message for an unknown cadence shows the coordinator spellings that do work."""
    with pytest.raises(ValueError, match=r"'every 2 weeks'.*'RRULE:FREQ=MONTHLY;BYDAY=1TU'"):
        parse_cadence("every fortnight")


def _dates(*isos: str) -> list[date]:
    return [date.fromisoformat(iso) for iso in isos]


@pytest.mark.parametrize(
    ("text", "started", "anchor", "expected"),
    [
        pytest.param(
            "monthly",
            "2026-01-31",
            "2026-01-31",
            _dates("2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"),
            id="monthly-31-jan-no-drift",
        ),
        pytest.param(
            "monthly",
            "2028-01-31",
            "2028-01-31",
            _dates("2028-02-29", "2028-03-31"),
            id="monthly-31-jan-leap-year",
        ),
        pytest.param(
            "quarterly",
            "2026-11-30",
            "2026-11-30",
            _dates("2027-02-28", "2027-05-30", "2027-08-30", "2027-11-30"),
            id="quarterly-30-nov",
        ),
        pytest.param(
            "yearly",
            "2028-02-29",
            "2028-02-29",
            _dates("2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"),
            id="yearly-leap-day",
        ),
        pytest.param(
            "every 10 days",
            "2026-01-25",
            "2026-01-25",
            _dates("2026-02-04", "2026-02-14", "2026-02-24", "2026-03-06"),
            id="every-10-days-across-months",
        ),
        pytest.param(
            "weekly",
            "2026-12-28",
            "2026-12-28",
            _dates("2027-01-04", "2027-01-11"),
            id="weekly-across-year-end",
        ),
        pytest.param(
            "monthly",
            "2026-01-01",
            "2026-03-15",
            _dates("2026-04-15", "2026-05-15"),
            id="counted-from-anchor-not-start",
        ),
        pytest.param(
            "weekly for 6 weeks then monthly",
            "2026-01-01",
            "2026-01-01",
            _dates(
                "2026-01-08",
                "2026-01-15",
                "2026-01-22",
                "2026-01-29",
                "2026-02-05",
                "2026-02-12",
                "2026-03-12",
                "2026-04-12",
            ),
            id="phase-switch-at-boundary",
        ),
        pytest.param(
            "weekly for 6 weeks then monthly",
            "2026-01-01",
            "2026-02-10",
            _dates("2026-02-17", "2026-03-17", "2026-04-17"),
            id="phase-switch-after-meeting",
        ),
        pytest.param(
            "every 10 days for 1 month, then monthly",
            "2026-01-01",
            "2026-01-01",
            _dates("2026-01-11", "2026-01-21", "2026-01-31", "2026-02-10", "2026-03-10"),
            id="phase-overshoot-rebases",
        ),
        pytest.param(
            "weekly for 2 weeks then every 2 weeks for 1 month then monthly",
            "2026-01-01",
            "2026-01-01",
            _dates(
                "2026-01-08",
                "2026-01-15",
                "2026-01-29",
                "2026-02-12",
                "2026-02-26",
                "2026-03-26",
            ),
            id="three-phases",
        ),
        pytest.param(
            "monthly for 12 months, then quarterly",
            "2026-01-01",
            "2027-03-15",
            _dates("2027-06-15", "2027-09-15"),
            id="anchor-in-last-phase",
        ),
        pytest.param(
            "RRULE:FREQ=MONTHLY;BYDAY=1TU",
            "2026-01-01",
            "2026-01-01",
            _dates("2026-01-06", "2026-02-03", "2026-03-03", "2026-04-07", "2026-05-05"),
            id="rrule-first-tuesday",
        ),
        pytest.param(
            "RRULE:FREQ=MONTHLY;BYDAY=1TU",
            "2026-01-01",
            "2026-01-06",
            _dates("2026-02-03", "2026-03-03"),
            id="rrule-excludes-anchor",
        ),
        pytest.param(
            "RRULE:FREQ=WEEKLY;BYDAY=MO for 1 month then monthly",
            "2026-01-01",
            "2026-01-01",
            _dates(
                "2026-01-05",
                "2026-01-12",
                "2026-01-19",
                "2026-01-26",
                "2026-02-02",
                "2026-03-02",
            ),
            id="rrule-phase-then-step",
        ),
    ],
)
def test_occurrences_after(text: str, started: str, anchor: str, expected: list[date]) -> None:
    """Occurrences follow the cadence from the anchor, with month ends and phases handled."""
    occurrences = occurrences_after(
        parse_cadence(text),
        started=date.fromisoformat(started),
        anchor=date.fromisoformat(anchor),
    )
    assert list(islice(occurrences, len(expected))) == expected


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "at", "zone", "expected"),
    [
        pytest.param("2026-03-28", "09:00", "Europe/Berlin", "2026-03-28T08:00", id="berlin-cet"),
        pytest.param(
            "2026-03-29", "09:00", "Europe/Berlin", "2026-03-29T07:00", id="berlin-spring-day"
        ),
        pytest.param(
            "2026-03-29", "02:30", "Europe/Berlin", "2026-03-29T01:30", id="berlin-spring-gap"
        ),
        pytest.param(
            "2026-10-25", "02:30", "Europe/Berlin", "2026-10-25T00:30", id="berlin-fall-first"
        ),
        pytest.param(
            "2026-10-25", "09:00", "Europe/Berlin", "2026-10-25T08:00", id="berlin-fall-day"
        ),
        pytest.param(
            "2026-03-08", "02:30", "America/New_York", "2026-03-08T07:30", id="new-york-gap"
        ),
        pytest.param(
            "2026-03-08", "09:00", "America/New_York", "2026-03-08T13:00", id="new-york-edt"
        ),
        pytest.param(
            "2026-11-01", "01:30", "America/New_York", "2026-11-01T05:30", id="new-york-fold"
        ),
        pytest.param(
            "2026-11-01", "09:00", "America/New_York", "2026-11-01T14:00", id="new-york-est"
        ),
        pytest.param(
            "2026-04-05", "02:30", "Australia/Sydney", "2026-04-04T15:30", id="sydney-fold"
        ),
        pytest.param(
            "2026-04-05", "09:00", "Australia/Sydney", "2026-04-04T23:00", id="sydney-aest"
        ),
        pytest.param(
            "2026-10-04", "02:30", "Australia/Sydney", "2026-10-03T16:30", id="sydney-gap"
        ),
        pytest.param(
            "2026-10-04", "09:00", "Australia/Sydney", "2026-10-03T22:00", id="sydney-aedt"
        ),
        pytest.param(
            "2026-01-15", "09:00", "Pacific/Auckland", "2026-01-14T20:00", id="auckland-plus-13"
        ),
        pytest.param(
            "2026-01-15", "18:00", "Pacific/Honolulu", "2026-01-16T04:00", id="honolulu-minus-10"
        ),
        pytest.param(
            "2026-01-15", "09:00", "Asia/Kolkata", "2026-01-15T03:30", id="kolkata-plus-5-30"
        ),
        pytest.param(
            "2026-01-15", "09:00", "Asia/Kathmandu", "2026-01-15T03:15", id="kathmandu-plus-5-45"
        ),
    ],
)
def test_local_instant(day: str, at: str, zone: str, expected: str) -> None:
    """The wall-clock time on a local date maps to the right UTC instant, across DST changes."""
    instant = local_instant(date.fromisoformat(day), time.fromisoformat(at), ZoneInfo(zone))
    assert instant == _utc(expected)
    assert instant.tzinfo is UTC


def test_local_instant_ignores_fold_of_time() -> None:
    """An ambiguous time asked for with fold=1 still gives the first of the two instants."""
    instant = local_instant(date(2026, 10, 25), time(2, 30, fold=1), ZoneInfo("Europe/Berlin"))
    assert instant == _utc("2026-10-25T00:30")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 1, 2), date(2026, 1, 2), id="friday"),
        pytest.param(date(2026, 1, 3), date(2026, 1, 5), id="saturday"),
        pytest.param(date(2026, 1, 4), date(2026, 1, 5), id="sunday"),
        pytest.param(date(2026, 1, 5), date(2026, 1, 5), id="monday"),
        pytest.param(date(2026, 12, 26), date(2026, 12, 28), id="saturday-into-next-week"),
        pytest.param(date(2027, 1, 31), date(2027, 2, 1), id="sunday-into-next-month"),
    ],
)
def test_next_weekday(day: date, expected: date) -> None:
    """Weekend dates move to the following Monday; weekdays stay."""
    assert next_weekday(day) == expected


@given(
    cadence=cadences,
    started=program_dates,
    offset_days=st.integers(min_value=0, max_value=1500),
)
def test_occurrences_increase_after_anchor(
    cadence: Cadence, started: date, offset_days: int
) -> None:
    """Occurrences are strictly increasing and all after the anchor."""
    anchor = started + timedelta(days=offset_days)
    occurrences = list(islice(occurrences_after(cadence, started=started, anchor=anchor), 40))
    assert occurrences[0] > anchor
    assert all(earlier < later for earlier, later in pairwise(occurrences))


@given(
    text=st.sampled_from(["monthly", "quarterly", "every 2 months", "yearly"]),
    started=program_dates,
    offset_days=st.integers(min_value=0, max_value=400),
)
def test_month_steps_keep_day_of_month(text: str, started: date, offset_days: int) -> None:
    """Month-based occurrences fall on the anchor's day of month, or the month's last day."""
    anchor = started + timedelta(days=offset_days)
    cadence = parse_cadence(text)
    days = list(islice(occurrences_after(cadence, started=started, anchor=anchor), 30))
    assert len(days) == 30
    for day in days:
        last_day = monthrange(day.year, day.month)[1]
        assert day.day == anchor.day or (day.day == last_day < anchor.day)


@given(day=program_dates, at=send_times, zone=zones)
def test_local_instant_round_trips(day: date, at: time, zone: ZoneInfo) -> None:
    """Back in the zone, the instant shows `day` and `at`, or a time in the gap just after `at`."""
    local = local_instant(day, at, zone).astimezone(zone)
    assert local.date() == day
    wanted = datetime.combine(day, at)
    shown = local.replace(tzinfo=None)
    if shown != wanted:
        before = wanted.replace(tzinfo=zone, fold=0).utcoffset()
        after = wanted.replace(tzinfo=zone, fold=1).utcoffset()
        assert before is not None
        assert after is not None
        assert timedelta(0) < shown - wanted <= abs(after - before)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monthly", date(2027, 2, 1)),
        ("every 3 years", None),
        ("FREQ=MONTHLY;BYDAY=1TU", date(2027, 1, 5)),
        ("FREQ=YEARLY;INTERVAL=9000", None),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;INTERVAL=4", None),
        ("FREQ=DAILY;INTERVAL=800 for 2 months, then weekly", None),
    ],
)
def test_first_checkin_by_gives_the_first_date_only_up_to_the_limit(
    text: str, expected: date | None
) -> None:
    """The first check-in after the start is given when it is on or before the limit."""
    cadence = parse_cadence(text)

    assert first_checkin_by(cadence, started=date(2027, 1, 1), by=date(2029, 1, 1)) == expected


def test_first_checkin_by_past_the_end_of_the_calendar_is_none() -> None:
    """A first date the calendar cannot hold counts as no date."""
    cadence = parse_cadence("monthly")

    assert first_checkin_by(cadence, started=date(9999, 12, 15), by=date.max) is None
