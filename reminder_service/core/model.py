"""The values the core reasons about: the program, its pairs, cadences and decisions.

Everything here is a frozen dataclass so that a loaded program, a pair's history or a
scheduling decision can be shared between tasks and compared in tests without copying.
Dates are calendar dates in the pair's own time zone; instants are aware datetimes in UTC.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
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
class LadderStep:
    """One rung of the escalation ladder for pairs that have not met.

    `after_periods` counts the cadence periods a pair is overdue (1: one whole period has
    passed since the check-in that went unanswered). `send` is `reminder` (a firmer
    check-in) or `pause_or_end` (asking whether to pause or end).
    """

    after_periods: int
    send: Literal["reminder", "pause_or_end"]
    cc_coordinator: bool = False


DEFAULT_LADDER = (
    LadderStep(after_periods=1, send="reminder"),
    LadderStep(after_periods=2, send="reminder", cc_coordinator=True),
    LadderStep(after_periods=3, send="pause_or_end"),
)


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    """When the coordinator's digest goes out: a weekday (0 = Monday) at a local time."""

    weekday: int = 0
    at: time = time(8, 0)


@dataclass(frozen=True, slots=True)
class Program:
    """The whole mentoring program: who runs it and its pairs, validated and immutable.

    `date_order` says how replies write numeric dates ("3/4": 3 April in DMY, 4 March in
    MDY); a pair can override it. `keep_notes` keeps the text of meeting replies.
    `follow_up_after` is how long after a "not yet" the gentle follow-up goes out;
    `escalation` the ladder for overdue pairs; `default_meeting_minutes` what a meeting
    without a reported duration counts for in totals; `digest` None turns the digest off.
    """

    name: str
    coordinator: Person
    timezone: ZoneInfo
    pairs: tuple[Pair, ...]
    date_order: DateOrder = "DMY"
    keep_notes: bool = False
    follow_up_after: timedelta = timedelta(days=7)
    escalation: tuple[LadderStep, ...] = DEFAULT_LADDER
    thank_you_cc_mentee: bool = True
    default_meeting_minutes: int = 60
    digest: DigestSchedule | None = DigestSchedule()
    anniversaries: bool = True

    _by_id: dict[str, Pair] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The index is derived from `pairs`; a frozen dataclass sets it once, here.
        object.__setattr__(self, "_by_id", {p.id: p for p in self.pairs})

    def pair(self, pair_id: str) -> Pair | None:
        """The pair with this id, or None (a dictionary lookup: planning calls it per email)."""
        return self._by_id.get(pair_id)

    def date_order_of(self, pair: Pair) -> DateOrder:
        """How this pair writes numeric dates."""
        return pair.date_order or self.date_order

    def without(self, pair_ids: Collection[str]) -> Program:
        """The program less the pairs in `pair_ids`; this program itself when none is left
        out."""
        if not pair_ids:
            return self
        left_out = set(pair_ids)
        return replace(self, pairs=tuple(pair for pair in self.pairs if pair.id not in left_out))


@dataclass(frozen=True, slots=True)
class ReplyStatus:
    """A pause or an end that a member of the pair asked for by reply, and when."""

    status: Literal[Status.PAUSED, Status.ENDED]
    until: date | None
    set_at: datetime


@dataclass(frozen=True, slots=True)
class Silence:
    """A pause or an end the YAML set, the date (the pair's local date) it was lifted: None
    while the planner has not yet seen the YAML lift it, and the date the planner first saw
    it (None when it was noted before the store kept that date)."""

    status: Literal[Status.PAUSED, Status.ENDED]
    resumed_on: date | None = None
    noted_on: date | None = None


@dataclass(frozen=True, slots=True)
class PairHistory:
    """What the store knows about a pair that matters for scheduling.

    `last_meeting` is the date the latest meeting happened (not when it was logged);
    `last_checkin` is the period (local date) of the latest check-in queued for the pair
    (any level of the ladder); `last_skip_at` when the latest "skip this round" reply was
    recorded: the date on the pair's clocks then restarts the count like a meeting does;
    `reply_status` a pause or end asked for by reply (the YAML's own non-active status wins
    over it). `asked` holds the periods of the period emails that did not fail (one withdrawn or
    refused reached nobody) and that the last meeting did not answer:
    dated after it, but not the newest queued before it was logged (a check-in answered by
    reporting a meeting of a few days before is not among them; older unanswered ones are).
    The escalation level counts how many of them went unanswered, not how much time passed.
    `silence` is the latest pause or end the YAML set, which the file forgets once the
    coordinator resumes the pair by writing `status: active`. `last_sent_at` is when the
    latest period email that did not fail went out (when it was queued, while it is still on
    its way): the next one keeps its distance from it. `last_not_met_at` is when the latest
    "not yet" reply was recorded, and `last_unclear_at` when the latest reply from a member
    that we could not understand was received (unless a meeting was logged after it).
    `pending` holds the periods in `asked` whose email is still waiting in the outbox: a
    later period's email supersedes them (they are withdrawn, never sent), so they do not
    count as asked for its level.
    """

    last_meeting: date | None = None
    last_checkin: date | None = None
    last_skip_at: datetime | None = None
    reply_status: ReplyStatus | None = None
    asked: tuple[date, ...] = ()
    silence: Silence | None = None
    last_sent_at: datetime | None = None
    last_not_met_at: datetime | None = None
    last_unclear_at: datetime | None = None
    pending: tuple[date, ...] = ()


LastAnswer = Literal["not_met", "unclear"]
"""How a pair answered the period email before this one without reporting a meeting."""


@dataclass(frozen=True, slots=True)
class Checkin:
    """A check-in the scheduler decided on: for which pair, which period, when, and why.

    `period` is the local date of the cadence occurrence; it names the check-in for the
    outbox's idempotency key, so one period never produces two emails. `since` is the date
    the pair is counted from (its last meeting, or its start when `since_meeting` is False).
    `level` counts the check-ins sent since the anchor that went unanswered (0: the regular
    check-in; 1 and up picks the escalation step). A pair seen for the first time, or back
    after the service was down, starts at the level its sent emails justify, never higher.
    `due_at` is when it may go out: its period's sending time, or later when the previous
    period email went out less than half a period before. `last_answer` is "not_met" when
    the pair replied "not yet" after the previous period email went out, "unclear" when
    their latest reply since then was one we could not understand (None: no answer).
    """

    pair_id: str
    period: date
    due_at: datetime
    since: date
    since_meeting: bool
    reason: str
    level: int = 0
    last_answer: LastAnswer | None = None


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


class Kind(StrEnum):
    """Every kind of email the service sends; templates are named after these values."""

    CHECKIN = "checkin"
    REMINDER = "reminder"
    PAUSE_OR_END = "pause_or_end"
    QUESTION = "question"
    THANKS = "thanks"
    CONFIRMATION = "confirmation"
    FOLLOW_UP = "follow_up"
    WELCOME_BACK = "welcome_back"
    FAREWELL = "farewell"
    ANNIVERSARY = "anniversary"
    DIGEST = "digest"
    DISPUTE_NOTICE = "dispute_notice"
    ENDED_NOTICE = "ended_notice"


PERIOD_KINDS = frozenset({Kind.CHECKIN, Kind.REMINDER, Kind.PAUSE_OR_END})
"""The kinds that answer a cadence period; their outbox key is `checkin:PAIR:PERIOD`."""

ASKS_NOTHING = frozenset(
    {
        Kind.THANKS,
        Kind.CONFIRMATION,
        Kind.WELCOME_BACK,
        Kind.ANNIVERSARY,
        Kind.FAREWELL,
        Kind.DIGEST,
        Kind.DISPUTE_NOTICE,
        Kind.ENDED_NOTICE,
    }
)
"""The kinds that ask the pair nothing (a confirmation only wants a NO when it is wrong; a
welcome-back only says how to report a meeting; the notices go to the coordinator): an
undated "yes" to them only acknowledges them, and an unclear reply gets no question back.
The others ask whether the pair has met (a follow-up, after a "not yet", in so many words:
"in case it slipped off the calendar")."""


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    """A logged meeting as the store keeps it; `removed_at` is set when it was disputed.

    A disputed meeting read for the coordinator also says who disputed it (`disputed_by`,
    the reply's sender) and the kind of our email that reply answered (`disputed_answering`):
    a NO to a confirmation names its meeting, a "that's wrong" to anything else removes the
    pair's latest one. Either is None when not known.
    """

    id: int
    pair_id: str
    met_on: date
    duration_minutes: int | None
    reported_by: str
    logged_at: datetime
    removed_at: datetime | None = None
    disputed_by: str | None = None
    disputed_answering: str | None = None


@dataclass(frozen=True, slots=True)
class PairActivity:
    """What happened recently in a pair, for the emails that answer events.

    `recent_meetings` are the meetings logged in the last two weeks, removed ones included.
    When the latest "not yet" reply was recorded is in `PairHistory.last_not_met_at`.
    """

    recent_meetings: tuple[MeetingRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class Planned:
    """An email (other than a period's check-in) the core decided on: kind, key, when, why.

    `key` is the outbox idempotency key, so the same decision made again queues nothing new.
    `pair_id` is None for program-wide mail (the digest); `meeting_id` names the meeting a
    thank-you, confirmation or dispute notice is about.
    """

    kind: Kind
    pair_id: str | None
    key: str
    due_at: datetime
    reason: str
    meeting_id: int | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    """A relationship's running totals for thank-you, anniversary and farewell emails.

    `minutes` counts meetings without a reported duration at the program's default length;
    `approximate` says so, and the email then says "about".
    """

    together: str
    meetings: int
    minutes: int
    approximate: bool


@dataclass(frozen=True, slots=True)
class OverduePair:
    """A pair that has not met by its first check-in date since its anchor.

    `periods` is the escalation level (whole cadence periods overdue), `since` the date it is
    counted from (last meeting, start, end of a pause or a skipped round), `missed_since` the
    first check-in date after it, and `days` how many days have passed since that date.
    """

    pair_id: str
    periods: int
    since: date
    days: int
    missed_since: date


@dataclass(frozen=True, slots=True)
class UnknownSend:
    """An email whose delivery is unknown: the coordinator should check with the recipients."""

    key: str
    recipients: tuple[str, ...]
    at: datetime
    kind: str = ""


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A received message that needs a person: rejected, unmatched or unclear, or a dispute
    that found no meeting to remove."""

    inbound_id: int
    outcome: str
    reason: str | None
    sender: str | None
    pair_id: str | None


@dataclass(frozen=True, slots=True)
class StatusDifference:
    """A pair whose status set by reply differs from the YAML, for the coordinator to copy."""

    pair_id: str
    in_yaml: str
    by_reply: str


@dataclass(frozen=True, slots=True)
class DigestFacts:
    """Everything the coordinator's digest may say; the digest is sent only when any is set.

    `period_start` is the previous digest (or a week before `now` for the first one).
    `review` holds the messages waiting for review that arrived in the period;
    `review_older` counts those from before it that are still waiting (they are not news).
    """

    period_start: datetime
    meetings: tuple[MeetingRecord, ...] = ()
    disputed: tuple[MeetingRecord, ...] = ()
    overdue: tuple[OverduePair, ...] = ()
    failing_addresses: tuple[tuple[str, datetime], ...] = ()
    unknown_sends: tuple[UnknownSend, ...] = ()
    review: tuple[ReviewItem, ...] = ()
    review_older: int = 0
    reload_errors: tuple[str, ...] = ()
    status_differences: tuple[StatusDifference, ...] = ()
