"""Hypothesis strategies and builders for scheduling values: zones, cadences, pairs, programs."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from reminder_service.core.cadence import parse_cadence
from reminder_service.core.model import Cadence, Pair, Person, Program, Schedule, Status

ZONE_NAMES = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/St_Johns",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Pacific/Honolulu",
    "Asia/Kolkata",
    "Asia/Kathmandu",
)
CADENCE_TEXTS = (
    "weekly",
    "every 2 weeks",
    "every 10 days",
    "monthly",
    "quarterly",
    "yearly",
    "monthly for 12 months, then quarterly",
    "weekly for 6 weeks then every 2 weeks for 6 months then monthly",
    "every 10 days for 1 month, then monthly",
    "RRULE:FREQ=MONTHLY;BYDAY=1TU",
    "FREQ=WEEKLY;BYDAY=MO,TH for 2 months then every 3 weeks",
    "FREQ=WEEKLY;BYDAY=SA,SU",
)
SEND_TIMES = (time(0, 0), time(2, 30), time(9, 0), time(23, 30))

MENTOR = Person(name="Ada Mentor", email="ada@example.org")
MENTEE = Person(name="Bo Mentee", email="bo@example.org")
COORDINATOR = Person(name="Cy Coordinator", email="cy@example.org")

zones = st.sampled_from(ZONE_NAMES).map(ZoneInfo)
cadences = st.sampled_from(CADENCE_TEXTS).map(parse_cadence)
send_times = st.one_of(st.sampled_from(SEND_TIMES), st.times())
program_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


def make_pair(
    pair_id: str = "ada-bo",
    *,
    cadence: str | Cadence = "weekly",
    started: date = date(2026, 11, 2),
    send_at: time = time(9, 0),
    zone: str | ZoneInfo = "Europe/Berlin",
    weekdays_only: bool = False,
    status: Status = Status.ACTIVE,
    paused_until: date | None = None,
    ended_on: date | None = None,
) -> Pair:
    """A pair with sensible defaults, for tables that vary one thing at a time."""
    return Pair(
        id=pair_id,
        mentor=MENTOR,
        mentee=MENTEE,
        started=started,
        schedule=Schedule(
            cadence=parse_cadence(cadence) if isinstance(cadence, str) else cadence,
            send_at=send_at,
            weekdays_only=weekdays_only,
        ),
        timezone=ZoneInfo(zone) if isinstance(zone, str) else zone,
        status=status,
        paused_until=paused_until,
        ended_on=ended_on,
    )


def make_program(*pairs: Pair) -> Program:
    """A program holding `pairs`."""
    return Program(
        name="Test program", coordinator=COORDINATOR, timezone=ZoneInfo("UTC"), pairs=pairs
    )


@st.composite
def active_pairs(draw: st.DrawFn, *, started: st.SearchStrategy[date] = program_dates) -> Pair:
    """An active pair with any zone, cadence, sending time and weekday rule."""
    return make_pair(
        cadence=draw(cadences),
        started=draw(started),
        send_at=draw(send_times),
        zone=draw(zones),
        weekdays_only=draw(st.booleans()),
    )
