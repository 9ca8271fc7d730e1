"""Hypothesis strategies and builders for scheduling values: zones, cadences, pairs, programs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from reminder_service.core.cadence import parse_cadence
from reminder_service.core.model import (
    DEFAULT_LADDER,
    Cadence,
    DigestSchedule,
    LadderStep,
    MeetingRecord,
    Pair,
    Person,
    Program,
    ReplyStatus,
    Schedule,
    Status,
)

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

WEEKLY_DIGEST = DigestSchedule()

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


def make_program(
    *pairs: Pair,
    escalation: tuple[LadderStep, ...] = DEFAULT_LADDER,
    follow_up_after: timedelta = timedelta(days=7),
    anniversaries: bool = True,
    digest: DigestSchedule | None = WEEKLY_DIGEST,
    zone: str = "UTC",
) -> Program:
    """A program holding `pairs`, with the relationship settings a test varies."""
    return Program(
        name="Test program",
        coordinator=COORDINATOR,
        timezone=ZoneInfo(zone),
        pairs=pairs,
        escalation=escalation,
        follow_up_after=follow_up_after,
        anniversaries=anniversaries,
        digest=digest,
    )


def make_meeting(
    meeting_id: int = 1,
    *,
    pair_id: str = "ada-bo",
    met_on: date = date(2026, 11, 10),
    minutes: int | None = 45,
    reported_by: str = MENTEE.email,
    logged_at: datetime = datetime(2026, 11, 11, 9, 30, tzinfo=UTC),
    removed_at: datetime | None = None,
) -> MeetingRecord:
    """A logged meeting, by default reported by the mentee the day after it happened."""
    return MeetingRecord(
        id=meeting_id,
        pair_id=pair_id,
        met_on=met_on,
        duration_minutes=minutes,
        reported_by=reported_by,
        logged_at=logged_at,
        removed_at=removed_at,
    )


def reply_pause(until: date | None, *, set_at: datetime) -> ReplyStatus:
    """A pause asked for by reply."""
    return ReplyStatus(status=Status.PAUSED, until=until, set_at=set_at)


def reply_end(*, set_at: datetime) -> ReplyStatus:
    """An end asked for by reply."""
    return ReplyStatus(status=Status.ENDED, until=None, set_at=set_at)


@st.composite
def reply_statuses(draw: st.DrawFn, *, around: date) -> ReplyStatus:
    """A pause (with or without an end) or an end asked for by reply within a year of `around`."""
    set_on = around + timedelta(days=draw(st.integers(-365, 365)))
    set_at = datetime.combine(set_on, draw(st.times()), UTC)
    if draw(st.booleans()):
        return reply_end(set_at=set_at)
    until = draw(st.none() | st.integers(0, 400).map(lambda days: set_on + timedelta(days)))
    return reply_pause(until, set_at=set_at)


@st.composite
def yaml_non_active(draw: st.DrawFn, pair: Pair) -> Pair:
    """`pair` with a YAML status other than active that is in force from its start on."""
    choice = draw(st.sampled_from(["ended", "ended_on", "paused", "paused_until"]))
    if choice == "ended":
        return replace(pair, status=Status.ENDED)
    if choice == "ended_on":
        return replace(pair, ended_on=pair.started)
    if choice == "paused":
        return replace(pair, status=Status.PAUSED)
    return replace(pair, status=Status.PAUSED, paused_until=date(2200, 1, 1))


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
