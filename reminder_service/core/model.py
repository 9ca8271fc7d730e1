"""The values the core reasons about: the program, its pairs, cadences and decisions.

Everything here is a frozen dataclass so that a loaded program, a pair's history or a
scheduling decision can be shared between tasks and compared in tests without copying.
Dates are calendar dates in the pair's own time zone; instants are aware datetimes in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

DateOrder = Literal["DMY", "MDY"]


class Status(StrEnum):
    """Where a pair stands, as the coordinator wrote it in the YAML."""

    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Person:
    """A mentor, mentee or coordinator: a display name and an address (addr-spec)."""

    name: str
    email: str
    timezone: ZoneInfo | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """A fixed calendar step: `monthly` is Step(months=1), `every 2 weeks` Step(days=14)."""

    months: int = 0
    days: int = 0


@dataclass(frozen=True, slots=True)
class RRule:
    """An RFC 5545 recurrence rule, without the `RRULE:` prefix (e.g. `FREQ=MONTHLY;BYDAY=1TU`)."""

    text: str


@dataclass(frozen=True, slots=True)
class Phase:
    """One stretch of a cadence: how often, and for how long (None: from then on)."""

    every: Step | RRule
    lasts: Step | None = None


@dataclass(frozen=True, slots=True)
class Cadence:
    """How often a pair is asked to meet; several phases run one after the other from `started`.

    `text` keeps what the coordinator wrote, for messages and `plan` output.
    """

    phases: tuple[Phase, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a pair's check-ins go out: cadence, local time of day, and the weekday rule."""

    cadence: Cadence
    send_at: time
    weekdays_only: bool = False


@dataclass(frozen=True, slots=True)
class Pair:
    """A mentoring pair as the coordinator described it.

    `timezone` is the zone the pair's mail is timed in: the mentee's, else the mentor's,
    else the program's (resolved when the program is loaded).
    """

    id: str
    mentor: Person
    mentee: Person
    started: date
    schedule: Schedule
    timezone: ZoneInfo
    status: Status = Status.ACTIVE
    paused_until: date | None = None
    ended_on: date | None = None
    date_order: DateOrder | None = None

    @property
    def members(self) -> tuple[Person, Person]:
        """Mentor then mentee."""
        return (self.mentor, self.mentee)


@dataclass(frozen=True, slots=True)
class Program:
    """The whole mentoring program: who runs it and its pairs, validated and immutable.

    `date_order` says how replies write numeric dates ("3/4": 3 April in DMY, 4 March in
    MDY); a pair can override it. `keep_notes` keeps the text of meeting replies.
    """

    name: str
    coordinator: Person
    timezone: ZoneInfo
    pairs: tuple[Pair, ...]
    date_order: DateOrder = "DMY"
    keep_notes: bool = False

    def pair(self, pair_id: str) -> Pair | None:
        """The pair with this id, or None."""
        return next((p for p in self.pairs if p.id == pair_id), None)

    def date_order_of(self, pair: Pair) -> DateOrder:
        """How this pair writes numeric dates."""
        return pair.date_order or self.date_order


@dataclass(frozen=True, slots=True)
class PairHistory:
    """What the store knows about a pair that matters for scheduling.

    `last_meeting` is the date the latest meeting happened (not when it was logged);
    `last_checkin` is the period (local date) of the latest check-in queued for the pair.
    """

    last_meeting: date | None = None
    last_checkin: date | None = None


@dataclass(frozen=True, slots=True)
class Checkin:
    """A check-in the scheduler decided on: for which pair, which period, when, and why.

    `period` is the local date of the cadence occurrence; it names the check-in for the
    outbox's idempotency key, so one period never produces two emails. `since` is the date
    the pair is counted from (its last meeting, or its start when `since_meeting` is False).
    """

    pair_id: str
    period: date
    due_at: datetime
    since: date
    since_meeting: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A rendered email ready for the outbox: idempotency key, envelope and RFC 5322 bytes."""

    key: str
    pair_id: str
    kind: str
    period: date
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    message: bytes
