"""Which check-ins should go out now, and which are coming: (program, history, now) -> decisions.

A pair's cadence is counted from its anchor: the latest of its start, its last meeting, a
skipped round and the end of a pause (or of an end the coordinator lifted). Occurrence k of
the cadence after the anchor closes period k, which covers the local dates after occurrence
k-1 up to and including occurrence k; its check-in is due at the pair's sending time on
that date. Each period gets at most one check-in, and a service that was down sends only
the latest period's check-in when it comes back. A check-in's level is the number of
check-ins sent since the anchor that went unanswered (at most k-1 for period k): level 0 is
the regular check-in, higher levels climb the program's escalation ladder. A pause or end
asked for by reply is applied first (see `core.status.effective_pair`). A period email never
goes out less than half its period after the previous one went out (a late one after
downtime or on a first deployment): it waits until the first sending time after that.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import IntEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from reminder_service.core.cadence import local_instant, next_weekday, occurrences_after
from reminder_service.core.model import (
    Checkin,
    Kind,
    LadderStep,
    LastAnswer,
    OverduePair,
    Pair,
    PairHistory,
    Program,
    Schedule,
)
from reminder_service.core.status import as_noted, effective_pair, is_silent, resumed_on
from reminder_service.core.wording import short_date_in_words, span_in_words

CALENDAR_CACHE_SIZE = 16_384
"""How many (schedule, start, zone, anchor) calendar answers are remembered across pairs."""
_HELD_WEEKDAYS = frozenset({0, 5, 6})
"""Monday, Saturday, Sunday: the days a late check-in of a weekdays-only pair may be held to
Monday's sending time (`late_checkin_from`)."""


class _Since(IntEnum):
    """What a pair's anchor date is; on equal dates the higher value names it."""

    START = 0
    RESUME = 1
    SKIP = 2
    MEETING = 3


_SINCE_PHRASES = {
    _Since.START: "the pair started",
    _Since.RESUME: "the pause ended",
    _Since.SKIP: "they skipped a round",
    _Since.MEETING: "the last meeting",
}
_STEP_PHRASES = {
    (Kind.CHECKIN, False): "another check-in",
    (Kind.REMINDER, False): "a reminder",
    (Kind.REMINDER, True): "a reminder with the coordinator in copy",
    (Kind.PAUSE_OR_END, False): "asking whether to pause or end",
    (Kind.PAUSE_OR_END, True): "asking whether to pause or end, the coordinator in copy",
}


@dataclass(frozen=True, slots=True)
class _Anchor:
    """The date a pair's cadence is counted from, and what happened on it."""

    day: date
    since: _Since


@dataclass(frozen=True, slots=True)
class _Period:
    """One cadence period: the local dates after `opens_after` up to and including `closes`."""

    opens_after: date
    closes: date
    due_at: datetime
    level: int


def due_checkins(
    program: Program, history: Mapping[str, PairHistory], now: datetime
) -> list[Checkin]:
    """The check-ins to queue now, at most one per pair, sorted by (due_at, pair_id).

    A pair missing from `history` has no meetings and no check-ins yet. Raises ValueError
    when `now` is naive.
    """
    _require_aware(now, name="now")
    found = (
        _due_for_pair(program, pair, _history_of(pair, history), now) for pair in program.pairs
    )
    return _in_order(checkin for checkin in found if checkin is not None)


def planned_checkins(
    program: Program, history: Mapping[str, PairHistory], *, now: datetime, until: datetime
) -> list[Checkin]:
    """What will go out from `now` to `until` (inclusive) if no pair reports a meeting.

    Starts with each pair's check-in that is due now (its due_at may be earlier than now),
    then every later period in the window, each counting the one before as sent, its level
    climbing as periods pass without a meeting. Pauses that end and `ended_on` dates that
    arrive inside the window are honoured. Sorted by (due_at, pair_id). Raises ValueError
    when `now` or `until` is naive, or `until` < `now`.
    """
    _require_aware(now, name="now")
    _require_aware(until, name="until")
    if until < now:
        msg = f"until ({until.isoformat()}) is before now ({now.isoformat()})"
        raise ValueError(msg)
    return _in_order(
        checkin
        for pair in program.pairs
        for checkin in _planned_for_pair(
            program, pair, _history_of(pair, history), now=now, until=until
        )
    )


def period_kind(program: Program, level: int) -> tuple[Kind, LadderStep | None]:
    """Which email answers a period at `level`, and the ladder step that chose it.

    Level 0 is the regular check-in. From level 1 the step with the largest `after_periods`
    not above the level applies (a reminder or the question whether to pause or end);
    levels below the ladder's first step stay check-ins.
    """
    step = _ladder_step(program.escalation, level)
    if step is None:
        return Kind.CHECKIN, None
    return Kind(step.send), step


def overdue_pairs(
    program: Program, history: Mapping[str, PairHistory], now: datetime
) -> list[OverduePair]:
    """Pairs that have not met by the first check-in date after their anchor, most overdue first.

    A pair counts from the day after that date; paused and ended pairs are never overdue.
    Ties are sorted by pair id. Raises ValueError when `now` is naive.
    """
    _require_aware(now, name="now")
    found = (_overdue(pair, _history_of(pair, history), now) for pair in program.pairs)
    return sorted((overdue for overdue in found if overdue is not None), key=overdue_order)


def overdue_order(overdue: OverduePair) -> tuple[int, str]:
    """The order overdue pairs are listed in: most days overdue first, ties by pair id."""
    return (-overdue.days, overdue.pair_id)


def latest_due_at(pair: Pair, history: PairHistory, now: datetime) -> datetime | None:
    """When the pair's latest period due by `now` fell due, counted from its current anchor.

    None when no period has fallen due since the anchor, or the pair is paused or ended.
    """
    found = _scheduled(pair, history, now)
    if found is None:
        return None
    pair, anchor = found
    latest = _latest_period(pair, anchor.day, now)
    return None if latest is None else latest.due_at


def next_checkin_at(pair: Pair, history: PairHistory, now: datetime) -> datetime | None:
    """The earliest instant after `now` at which the pair's check-in could change, if nothing
    is recorded for it meanwhile; None when nothing would ever change.

    That is the next period falling due from the current anchor, the end of the wait of a
    period held back because the previous period email went out less than half a period
    before, or the local midnight starting a date on which a pause ends or the pair ends
    (the status and the anchor change only then). It may be early, never late: planning
    again at an instant where nothing changed costs time, missing one would lose an email.
    """
    candidates = [_midnight(pair, day) for day in _turning_dates(pair, history)]
    found = _scheduled(pair, history, now)
    if found is not None:
        effective, anchor = found
        latest, upcoming = _calendar_around(
            effective.schedule,
            started=effective.started,
            zone=effective.timezone,
            anchor=anchor.day,
            now=now,
        )
        if upcoming is not None:
            candidates.append(upcoming.due_at)
        if latest is not None and not _already_asked(history, latest):
            sendable = _sendable_at(effective, history, latest)
            candidates.append(max(sendable, late_checkin_from(effective, now)))
    return min((at for at in candidates if at > now), default=None)


def _turning_dates(pair: Pair, history: PairHistory) -> list[date]:
    """The dates on which the pair's status or anchor may change with the date alone."""
    reply = history.reply_status
    days = [pair.paused_until, pair.ended_on, None if reply is None else reply.until]
    return [day for day in days if day is not None]


def _midnight(pair: Pair, day: date) -> datetime:
    """The first instant of the pair's local date `day`."""
    return local_instant(day, time(0), pair.timezone)


def _require_aware(moment: datetime, *, name: str) -> None:
    """Refuse a naive datetime: instants must say which clock they were read from."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = f"{name} must be an aware datetime, got {moment.isoformat()}"
        raise ValueError(msg)


def _history_of(pair: Pair, history: Mapping[str, PairHistory]) -> PairHistory:
    """The pair's history; a pair the store has never seen has none."""
    return history.get(pair.id, PairHistory())


def _in_order(checkins: Iterable[Checkin]) -> list[Checkin]:
    """Check-ins sorted by due instant, then pair id, so output is stable."""
    return sorted(checkins, key=lambda checkin: (checkin.due_at, checkin.pair_id))


def local_date(pair: Pair, moment: datetime) -> date:
    """The date on the pair's wall clocks at `moment`."""
    return moment.astimezone(pair.timezone).date()


def sending_instant_on(pair: Pair, day: date) -> datetime:
    """The pair's sending time on its local date `day`, moved to the Monday after for a
    weekdays-only pair when `day` falls on a weekend."""
    if pair.schedule.weekdays_only:
        day = next_weekday(day)
    return local_instant(day, pair.schedule.send_at, pair.timezone)


def skipped_on(pair: Pair, history: PairHistory) -> date | None:
    """The date on the pair's wall clocks when its latest "skip this round" reply came."""
    return None if history.last_skip_at is None else local_date(pair, history.last_skip_at)


def _ladder_step(ladder: Iterable[LadderStep], level: int) -> LadderStep | None:
    """The ladder's step for `level`: the one with the largest `after_periods` up to it."""
    if level < 1:
        return None
    reached = [step for step in ladder if step.after_periods <= level]
    return max(reached, key=lambda step: step.after_periods, default=None)


def _due_for_pair(
    program: Program, pair: Pair, history: PairHistory, now: datetime
) -> Checkin | None:
    """The pair's check-in for the latest period due by `now`, unless it already had one."""
    found = _scheduled(pair, history, now)
    if found is None:
        return None
    pair, anchor = found
    latest = _latest_period(pair, anchor.day, now)
    if latest is None or _already_asked(history, latest):
        return None
    due_at = _sendable_at(pair, history, latest)
    if due_at > now or late_checkin_from(pair, now) > now:
        return None
    latest = _unanswered(history, anchor.day, latest)
    since, since_meeting = _counted_from(pair, history)
    return Checkin(
        pair_id=pair.id,
        period=latest.closes,
        due_at=due_at,
        since=since,
        since_meeting=since_meeting,
        reason=_reason(program, pair, anchor, latest),
        level=latest.level,
        last_answer=_last_answer(history),
    )


def _sendable_at(pair: Pair, history: PairHistory, period: _Period) -> datetime:
    """When the period's email may go out: when it falls due, or, when the previous period
    email went out less than half this period before that, the pair's first sending time
    at least half a period after it.

    A late email (after downtime, or the first on a new deployment) would otherwise be
    followed by the next period's within days.
    """
    if history.last_sent_at is None:
        return period.due_at
    earliest = history.last_sent_at + (period.closes - period.opens_after) / 2
    if earliest <= period.due_at:
        return period.due_at
    return _sending_time_from(pair, earliest)


def late_checkin_from(pair: Pair, now: datetime) -> datetime:
    """The first instant from `now` at which the pair may get a late check-in: `now`, unless
    it asks for weekdays only and it is Saturday, Sunday or Monday before the sending time
    on its clocks, when Monday's sending time. A check-in held back to the weekend (the
    service was down, or only just deployed) waits for Monday like one that falls due on a
    Saturday; one still unsent early on Monday was late over the weekend, so it waits too."""
    if not pair.schedule.weekdays_only:
        return now
    day = local_date(pair, now)
    return max(sending_instant_on(pair, day), now) if day.weekday() in _HELD_WEEKDAYS else now


def _sending_time_from(pair: Pair, earliest: datetime) -> datetime:
    """The pair's first sending time (on a weekday, when it asks for that) at or after
    `earliest`: on its date, else on the next (a later date's is always after it)."""
    day = local_date(pair, earliest)
    at = sending_instant_on(pair, day)
    return at if at >= earliest else sending_instant_on(pair, day + timedelta(days=1))


def _last_answer(history: PairHistory) -> LastAnswer | None:
    """How the pair last answered since the previous period email went out: "not_met" for
    a "not yet", "unclear" for a reply we could not understand (the later one wins)."""
    sent = history.last_sent_at
    not_met, unclear = history.last_not_met_at, history.last_unclear_at
    if sent is None:
        return None
    if unclear is not None and unclear >= sent and (not_met is None or unclear > not_met):
        return "unclear"
    if not_met is not None and not_met >= sent:
        return "not_met"
    return None


def _unanswered(history: PairHistory, anchor: date, period: _Period) -> _Period:
    """`period` with its level lowered to the number of check-ins sent since `anchor` before
    it. One still waiting in the outbox (the mail server down for weeks, say) is not counted:
    this period's email supersedes it, so it never reaches the pair."""
    sent = sum(
        1
        for asked in history.asked
        if anchor < asked < period.closes and asked not in history.pending
    )
    return replace(period, level=min(period.level, sent))


def _overdue(pair: Pair, history: PairHistory, now: datetime) -> OverduePair | None:
    """The pair as overdue when its first check-in date after the anchor is before today."""
    found = _scheduled(pair, history, now)
    if found is None:
        return None
    pair, anchor = found
    latest = _latest_period(pair, anchor.day, now)
    if latest is None:
        return None
    first = _first_on_calendar(
        pair.schedule, started=pair.started, zone=pair.timezone, anchor=anchor.day
    )
    days = (local_date(pair, now) - first.closes).days
    if days < 1:
        return None
    return OverduePair(
        pair_id=pair.id,
        periods=latest.level,
        since=anchor.day,
        days=days,
        missed_since=first.closes,
    )


def _scheduled(pair: Pair, history: PairHistory, now: datetime) -> tuple[Pair, _Anchor] | None:
    """The effective pair at `now` and its anchor, or None when it is paused or ended."""
    today = local_date(pair, now)
    effective = effective_pair(pair, history, today=today)
    if is_silent(effective, today):
        return None
    return effective, _anchor(
        effective, history, today, lifted=resumed_on(pair, history, today=today)
    )


def _latest_period(pair: Pair, anchor: date, now: datetime) -> _Period | None:
    """The last of the pair's periods after `anchor` whose check-in is due by `now`."""
    return _calendar_around(
        pair.schedule, started=pair.started, zone=pair.timezone, anchor=anchor, now=now
    )[0]


@lru_cache(maxsize=CALENDAR_CACHE_SIZE)
def _calendar_around(
    schedule: Schedule, *, started: date, zone: ZoneInfo, anchor: date, now: datetime
) -> tuple[_Period | None, _Period | None]:
    """The last period after `anchor` due by `now`, and the first one due after it.

    Remembered because a tick asks it of every pair with the same `now`, and pairs that
    share all of these are common: one walk of the calendar serves them all.
    """
    latest: _Period | None = None
    for period in _calendar_periods(schedule, started=started, zone=zone, anchor=anchor):
        if period.due_at > now:
            return latest, period
        latest = period
    return latest, None


@lru_cache(maxsize=CALENDAR_CACHE_SIZE)
def _first_on_calendar(
    schedule: Schedule, *, started: date, zone: ZoneInfo, anchor: date
) -> _Period:
    """The first period after `anchor`, remembered like `_calendar_around`."""
    return next(_calendar_periods(schedule, started=started, zone=zone, anchor=anchor))


def _counted_from(pair: Pair, history: PairHistory) -> tuple[date, bool]:
    """What a check-in counts "since": the last meeting (True), else the start (False).

    A pause or a skipped round moves the cadence, but people still count from when they
    last met.
    """
    if history.last_meeting is not None and history.last_meeting >= pair.started:
        return history.last_meeting, True
    return pair.started, False


def _planned_for_pair(
    program: Program, pair: Pair, history: PairHistory, *, now: datetime, until: datetime
) -> list[Checkin]:
    """Replay `_due_for_pair` at `now` and at every later instant in the window at which
    the pair's check-in could change (`next_checkin_at`), each planned one counted as sent."""
    history = as_noted(pair, history, today=local_date(pair, now))
    planned: list[Checkin] = []
    moment: datetime | None = now
    while moment is not None and moment <= until:
        checkin = _due_for_pair(program, pair, history, moment)
        if checkin is not None:
            planned.append(checkin)
            history = replace(
                history,
                last_checkin=checkin.period,
                asked=(*history.asked, checkin.period),
                last_sent_at=moment,
            )
        moment = next_checkin_at(pair, history, moment)
    return planned


def _anchor(pair: Pair, history: PairHistory, today: date, *, lifted: date | None) -> _Anchor:
    """The latest of the (effective) pair's start, last meeting, skipped round, a pause that
    ended by `today`, and the date the coordinator `lifted` a YAML pause or end."""
    candidates = [_Anchor(pair.started, _Since.START)]
    if history.last_meeting is not None:
        candidates.append(_Anchor(history.last_meeting, _Since.MEETING))
    skipped = skipped_on(pair, history)
    if skipped is not None:
        candidates.append(_Anchor(skipped, _Since.SKIP))
    if pair.paused_until is not None and pair.paused_until <= today:
        candidates.append(_Anchor(pair.paused_until, _Since.RESUME))
    if lifted is not None:
        candidates.append(_Anchor(lifted, _Since.RESUME))
    return max(candidates, key=lambda anchor: (anchor.day, anchor.since))


def _periods(pair: Pair, anchor: date) -> Iterator[_Period]:
    """The pair's periods after `anchor`, with the instant each one's check-in is due."""
    return _calendar_periods(pair.schedule, started=pair.started, zone=pair.timezone, anchor=anchor)


def _calendar_periods(
    schedule: Schedule, *, started: date, zone: ZoneInfo, anchor: date
) -> Iterator[_Period]:
    """The periods after `anchor` of a schedule started on `started`, timed in `zone`."""
    closes = occurrences_after(schedule.cadence, started=started, anchor=anchor)
    if schedule.weekdays_only:
        closes = _on_weekdays(closes, after=anchor)
    opens_after = anchor
    for level, day in enumerate(closes):
        due_at = local_instant(day, schedule.send_at, zone)
        yield _Period(opens_after, day, due_at, level)
        opens_after = day


def _on_weekdays(days: Iterable[date], *, after: date) -> Iterator[date]:
    """`days` with weekends moved to Monday, dropping any that no longer move forward."""
    previous = after
    for day in days:
        shifted = next_weekday(day)
        if shifted > previous:
            yield shifted
            previous = shifted


def _already_asked(history: PairHistory, period: _Period) -> bool:
    """True when a check-in was queued for this period or a later one, or one inside this
    period came less than half a period before it closes.

    A meeting reported in answer to a check-in moves the anchor back to the day they met,
    so the check-in answered usually falls inside the first period counted from the
    meeting: that period still gets its own, one cadence after the meeting, unless it
    would follow the answered one within half a period (then the next period's does).
    """
    last = history.last_checkin
    if last is None or last <= period.opens_after:
        return False
    return last >= period.closes or (period.closes - last) * 2 < period.closes - period.opens_after


def _reason(program: Program, pair: Pair, anchor: _Anchor, period: _Period) -> str:
    """One sentence for the coordinator: the cadence, how long since what, and any escalation."""
    reason = (
        f"{pair.schedule.cadence.text}; {span_in_words(anchor.day, period.closes)} since "
        f"{_SINCE_PHRASES[anchor.since]} on {short_date_in_words(anchor.day)}"
    )
    if period.level == 0:
        return reason
    kind, step = period_kind(program, period.level)
    overdue = "1 period" if period.level == 1 else f"{period.level} periods"
    phrase = _STEP_PHRASES[kind, step is not None and step.cc_coordinator]
    return f"{reason}; {overdue} overdue, so {phrase}"
