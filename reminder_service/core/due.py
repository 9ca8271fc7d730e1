"""Which check-ins should go out now, and which are coming: (program, history, now) -> decisions.

A pair's cadence is counted from its anchor: the latest of its start, its last meeting and
the end of a pause. Occurrence k of the cadence after the anchor closes period k, which
covers the local dates after occurrence k-1 up to and including occurrence k; its check-in
is due at the pair's sending time on that date. Each period gets at most one check-in, and a
service that was down sends only the latest period's check-in when it comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import IntEnum

from reminder_service.core.cadence import local_instant, next_weekday, occurrences_after
from reminder_service.core.model import Checkin, Pair, PairHistory, Program, Status
from reminder_service.core.wording import short_date_in_words, span_in_words


class _Since(IntEnum):
    """What a pair's anchor date is; on equal dates the higher value names it."""

    START = 0
    RESUME = 1
    MEETING = 2


_SINCE_PHRASES = {
    _Since.START: "the pair started",
    _Since.RESUME: "the pause ended",
    _Since.MEETING: "the last meeting",
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


def due_checkins(
    program: Program, history: Mapping[str, PairHistory], now: datetime
) -> list[Checkin]:
    """The check-ins to queue now, at most one per pair, sorted by (due_at, pair_id).

    A pair missing from `history` has no meetings and no check-ins yet. Raises ValueError
    when `now` is naive.
    """
    _require_aware(now, name="now")
    found = (
        _due_for_pair(pair, history.get(pair.id, PairHistory()), now) for pair in program.pairs
    )
    return _in_order(checkin for checkin in found if checkin is not None)


def planned_checkins(
    program: Program, history: Mapping[str, PairHistory], *, now: datetime, until: datetime
) -> list[Checkin]:
    """What will go out from `now` to `until` (inclusive) if no pair reports a meeting.

    Starts with each pair's check-in that is due now (its due_at may be earlier than now),
    then every later period in the window, each counting the one before as sent. Pauses
    that end and `ended_on` dates that arrive inside the window are honoured. Sorted by
    (due_at, pair_id). Raises ValueError when `now` or `until` is naive, or `until` < `now`.
    """
    _require_aware(now, name="now")
    _require_aware(until, name="until")
    if until < now:
        msg = f"until ({until.isoformat()}) is before now ({now.isoformat()})"
        raise ValueError(msg)
    return _in_order(
        checkin
        for pair in program.pairs
        for checkin in _planned_for_pair(pair, _history_of(pair, history), now=now, until=until)
    )


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


def _due_for_pair(pair: Pair, history: PairHistory, now: datetime) -> Checkin | None:
    """The pair's check-in for the latest period due by `now`, unless it already had one."""
    today = now.astimezone(pair.timezone).date()
    if _is_silent(pair, today):
        return None
    anchor = _anchor(pair, history, today)
    latest: _Period | None = None
    for period in _periods(pair, anchor.day):
        if period.due_at > now:
            break
        latest = period
    if latest is None or _already_asked(history, latest):
        return None
    return Checkin(
        pair_id=pair.id,
        period=latest.closes,
        due_at=latest.due_at,
        since=anchor.day,
        since_meeting=anchor.since is _Since.MEETING,
        reason=_reason(pair, anchor, latest.closes),
    )


def _planned_for_pair(
    pair: Pair, history: PairHistory, *, now: datetime, until: datetime
) -> list[Checkin]:
    """Replay `_due_for_pair` at `now` and at every instant in the window a period falls due."""
    planned: list[Checkin] = []
    for moment in [now, *_due_instants(pair, history, now=now, until=until)]:
        checkin = _due_for_pair(pair, history, moment)
        if checkin is not None:
            planned.append(checkin)
            history = replace(history, last_checkin=checkin.period)
    return planned


def _due_instants(
    pair: Pair, history: PairHistory, *, now: datetime, until: datetime
) -> list[datetime]:
    """Every instant in (now, until] at which one of the pair's periods falls due.

    Only a pause ending can move the anchor without a meeting, so the anchors in force at
    `now` and at `until` cover the whole window.
    """
    anchors = {
        _anchor(pair, history, moment.astimezone(pair.timezone).date()).day
        for moment in (now, until)
    }
    instants: set[datetime] = set()
    for anchor in anchors:
        for period in _periods(pair, anchor):
            if period.due_at > until:
                break
            if period.due_at > now:
                instants.add(period.due_at)
    return sorted(instants)


def _is_silent(pair: Pair, today: date) -> bool:
    """True when the pair gets no mail on its local date `today`: ended, or still paused."""
    if pair.status is Status.ENDED or (pair.ended_on is not None and today >= pair.ended_on):
        return True
    return pair.status is Status.PAUSED and (pair.paused_until is None or today < pair.paused_until)


def _anchor(pair: Pair, history: PairHistory, today: date) -> _Anchor:
    """The latest of the pair's start, its last meeting and a pause that ended by `today`."""
    candidates = [_Anchor(pair.started, _Since.START)]
    if history.last_meeting is not None:
        candidates.append(_Anchor(history.last_meeting, _Since.MEETING))
    if pair.paused_until is not None and pair.paused_until <= today:
        candidates.append(_Anchor(pair.paused_until, _Since.RESUME))
    return max(candidates, key=lambda anchor: (anchor.day, anchor.since))


def _periods(pair: Pair, anchor: date) -> Iterator[_Period]:
    """The pair's periods after `anchor`, with the instant each one's check-in is due."""
    closes = occurrences_after(pair.schedule.cadence, started=pair.started, anchor=anchor)
    if pair.schedule.weekdays_only:
        closes = _on_weekdays(closes, after=anchor)
    opens_after = anchor
    for day in closes:
        yield _Period(opens_after, day, local_instant(day, pair.schedule.send_at, pair.timezone))
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
    """True when a check-in was queued for this period, or for a later one."""
    return history.last_checkin is not None and history.last_checkin > period.opens_after


def _reason(pair: Pair, anchor: _Anchor, period: date) -> str:
    """One sentence for the coordinator: the cadence, and how long since what."""
    return (
        f"{pair.schedule.cadence.text}; {span_in_words(anchor.day, period)} since "
        f"{_SINCE_PHRASES[anchor.since]} on {short_date_in_words(anchor.day)}"
    )
