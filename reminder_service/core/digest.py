"""When the coordinator's digest is due, and whether it has anything to say.

The digest goes out once a week at the program's chosen weekday and local time. Its outbox
key names the local date it was scheduled for (not the day it was finally sent), so a
service that comes back late in the week still sends that week's digest once.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from reminder_service.core.cadence import local_instant
from reminder_service.core.model import DigestFacts, DigestSchedule, Kind, Planned, Program

_WEEK = timedelta(days=7)
DIGEST_LATE_LIMIT = timedelta(days=2)
_WEEKDAY_NAMES = (
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
)


def digest_due(program: Program, *, now: datetime, last_digest: date | None) -> Planned | None:
    """This week's digest when its moment has passed and none was sent for it, else None.

    `last_digest` is the scheduled local date of the latest digest sent (None: never). A
    program without a digest schedule never has one due, and a digest more than
    `DIGEST_LATE_LIMIT` late (the service was down) is dropped: next week's covers the time
    since the last one sent. The caller sends it only when `has_news` says it is worth it.
    """
    schedule = program.digest
    if schedule is None:
        return None
    day = _latest_digest_day(schedule, program.timezone, now)
    if last_digest is not None and last_digest >= day:
        return None
    planned = _planned_digest(program, schedule, day)
    return None if now - planned.due_at > DIGEST_LATE_LIMIT else planned


def planned_digests(program: Program, *, now: datetime, until: datetime) -> list[Planned]:
    """The digests scheduled after `now` up to and including `until`, for the plan."""
    schedule = program.digest
    if schedule is None:
        return []
    planned: list[Planned] = []
    day = _latest_digest_day(schedule, program.timezone, now) + _WEEK
    while (item := _planned_digest(program, schedule, day)).due_at <= until:
        planned.append(item)
        day += _WEEK
    return planned


_NOT_NEWS = frozenset({"period_start", "review_older"})
"""Fields a digest may show that alone are no reason to send it: older review items were
in an earlier digest already."""


def has_news(facts: DigestFacts) -> bool:
    """True when any part of the digest has something new in it."""
    return any(getattr(facts, field.name) for field in fields(facts) if field.name not in _NOT_NEWS)


def _latest_digest_day(schedule: DigestSchedule, zone: ZoneInfo, now: datetime) -> date:
    """The local date of the latest scheduled digest moment at or before `now`."""
    today = now.astimezone(zone).date()
    day = today - timedelta(days=(today.weekday() - schedule.weekday) % 7)
    if local_instant(day, schedule.at, zone) > now:
        day -= _WEEK
    return day


def _planned_digest(program: Program, schedule: DigestSchedule, day: date) -> Planned:
    """The digest scheduled for the local date `day`."""
    return Planned(
        kind=Kind.DIGEST,
        pair_id=None,
        key=f"digest:{day.isoformat()}",
        due_at=local_instant(day, schedule.at, program.timezone),
        reason=(
            f"weekly digest for the coordinator, {_WEEKDAY_NAMES[schedule.weekday]} at "
            f"{schedule.at:%H:%M} {program.timezone.key}; sent only when there is news"
        ),
    )
