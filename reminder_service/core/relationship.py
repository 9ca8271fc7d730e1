"""The emails that answer events in a relationship, decided from stored state alone.

Thank-yous, confirmations, dispute notices, follow-ups, welcome-backs, farewells and
anniversaries are worked out afresh from the pair's history and recent activity at every
tick, each with an outbox key that names what it answers. The daemon queues the ones whose
key is not in the outbox yet, so a crash between deciding and queueing never loses one and
a restart never repeats one. `next_decision_at` says when a pair may next have one due
(or a check-in) with no new data, so the planner can leave it alone until then.

No pair email goes to a pair the YAML has ended. A pair that ended by reply gets only its
farewell (and the coordinator a notice). A paused pair gets only thank-yous and
confirmations for meetings it reports, and a welcome-back when the pause ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from reminder_service.core.addresses import same_address
from reminder_service.core.cadence import local_instant, occurrences_after
from reminder_service.core.digest import planned_digests
from reminder_service.core.due import (
    CALENDAR_CACHE_SIZE,
    latest_due_at,
    local_date,
    next_checkin_at,
    sending_instant_on,
)
from reminder_service.core.model import (
    Cadence,
    Kind,
    MeetingRecord,
    Pair,
    PairActivity,
    PairHistory,
    Person,
    Phase,
    Planned,
    Program,
    ReplyStatus,
    Status,
    Step,
)
from reminder_service.core.status import (
    Hold,
    as_noted,
    effective_pair,
    hold_on,
    is_ended_in_yaml,
    resumed_on,
)
from reminder_service.core.wording import short_date_in_words, span_in_words

RECENT = timedelta(days=14)
"""How long after a meeting is logged (or removed) its thank-you, confirmation or notice may go."""
LATE_LIMIT = timedelta(days=7)
"""How late a welcome-back or an anniversary may still go; after that it is skipped."""
_YEARLY = Cadence(phases=(Phase(every=Step(months=12)),), text="yearly")


def relationship_emails(
    program: Program,
    history: Mapping[str, PairHistory],
    activity: Mapping[str, PairActivity],
    now: datetime,
) -> list[Planned]:
    """Every event email due by `now`, whether or not it was queued already; sorted.

    The digest is not among them (see `core.digest.digest_due`). Sorted by (due_at, key).
    Raises ValueError when `now` is naive.
    """
    _require_aware(now, name="now")
    return _in_order(
        item
        for pair in program.pairs
        for item in _pair_emails(
            program,
            pair,
            history.get(pair.id, PairHistory()),
            activity.get(pair.id, PairActivity()),
            now,
        )
    )


def planned_relationship_emails(
    program: Program,
    history: Mapping[str, PairHistory],
    activity: Mapping[str, PairActivity],
    *,
    now: datetime,
    until: datetime,
) -> list[Planned]:
    """What event emails and digests will go out from `now` to `until`, if nothing happens.

    Starts with what `relationship_emails` finds due now (the caller leaves out keys already
    in the outbox), then the welcome-backs, anniversaries and follow-ups that fall due in
    the window, and the digests scheduled in it (each sent only if there is news; this
    week's digest, if due now, comes from `digest_due`). Sorted by (due_at, key). Raises
    ValueError when `now` or `until` is naive, or `until` < `now`.
    """
    _require_aware(now, name="now")
    _require_aware(until, name="until")
    if until < now:
        msg = f"until ({until.isoformat()}) is before now ({now.isoformat()})"
        raise ValueError(msg)
    found = [
        item
        for pair in program.pairs
        for item in _planned_for_pair(
            program,
            pair,
            history=history.get(pair.id, PairHistory()),
            activity=activity.get(pair.id, PairActivity()),
            now=now,
            until=until,
        )
    ]
    return _in_order([*found, *planned_digests(program, now=now, until=until)])


def next_decision_at(
    program: Program,
    pair: Pair,
    history: PairHistory,
    activity: PairActivity,
    now: datetime,
) -> datetime | None:
    """The earliest instant after `now` at which the pair may have a new email due (a
    check-in or an event email), if nothing is recorded for it meanwhile; None: never.

    Between `now` and that instant, planning the pair again finds nothing that was not due
    at `now`, so an incremental planner may leave it alone until then. The instant may be
    early (planning again finds nothing), never late. A pair the YAML has ended has none.
    Raises ValueError when `now` is naive.
    """
    _require_aware(now, name="now")
    if is_ended_in_yaml(pair, local_date(pair, now)):
        return None
    candidates = _event_instants_from(program, pair, history, activity, now)
    checkin_at = next_checkin_at(pair, history, now)
    if checkin_at is not None:
        candidates.append(checkin_at)
    return min((at for at in candidates if at > now), default=None)


def reporting_member(pair: Pair, meeting: MeetingRecord) -> Person | None:
    """The member of the pair who logged the meeting, or None when neither did."""
    return next((p for p in pair.members if same_address(p.email, meeting.reported_by)), None)


def confirming_member(pair: Pair, reporter: Person | None) -> Person | None:
    """The member who did not log a meeting `reporter` (from `reporting_member`) logged, and
    is asked to confirm it; None if unclear."""
    if reporter is None:
        return None
    return pair.mentee if reporter is pair.mentor else pair.mentor


def _require_aware(moment: datetime, *, name: str) -> None:
    """Refuse a naive datetime: instants must say which clock they were read from."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = f"{name} must be an aware datetime, got {moment.isoformat()}"
        raise ValueError(msg)


def _in_order(items: Iterable[Planned]) -> list[Planned]:
    """Planned emails by due instant, then key, so output is stable."""
    return sorted(items, key=lambda item: (item.due_at, item.key))


def _pair_emails(
    program: Program, pair: Pair, history: PairHistory, activity: PairActivity, now: datetime
) -> list[Planned]:
    """The pair's event emails due by `now`, after the rules for ended and paused pairs."""
    today = now.astimezone(pair.timezone).date()
    hold = hold_on(pair, history, today=today)
    if hold is Hold.ENDED_IN_YAML:
        return []
    if hold is Hold.ENDED_BY_REPLY and history.reply_status is not None:
        items = _farewell(pair, history.reply_status)
    elif hold is not None:
        items = list(_meeting_emails(pair, activity, now))
    else:
        effective = effective_pair(pair, history, today=today)
        items = [
            *_meeting_emails(pair, activity, now),
            *_welcome_back(pair, effective, history, today),
            *_follow_up(program, pair, history, now),
            *_anniversary(program, pair, today),
        ]
    return [item for item in items if item.due_at <= now]


def _planned_for_pair(
    program: Program,
    pair: Pair,
    *,
    history: PairHistory,
    activity: PairActivity,
    now: datetime,
    until: datetime,
) -> list[Planned]:
    """Replay `_pair_emails` at `now` and whenever an event email may fall due, once per key."""
    history = as_noted(pair, history, today=local_date(pair, now))
    found: dict[str, Planned] = {}
    instants = _event_instants(program, pair, history=history, now=now, until=until)
    for moment in [now, *instants]:
        for item in _pair_emails(program, pair, history, activity, moment):
            found.setdefault(item.key, item)
    return list(found.values())


def _meeting_emails(pair: Pair, activity: PairActivity, now: datetime) -> Iterator[Planned]:
    """Thank-you and confirmation for each recent meeting, or a notice when it was disputed."""
    for meeting in activity.recent_meetings:
        if meeting.removed_at is None:
            if now - meeting.logged_at <= RECENT:
                yield from _thanks_and_confirmation(pair, meeting)
        elif now - meeting.removed_at <= RECENT:
            yield _dispute_notice(pair, meeting, removed_at=meeting.removed_at)


def _thanks_and_confirmation(pair: Pair, meeting: MeetingRecord) -> Iterator[Planned]:
    """The thank-you, and the confirmation when it is clear who did not log the meeting."""
    reporter = reporting_member(pair, meeting)
    logged = f"the meeting on {short_date_in_words(meeting.met_on)}"
    if reporter is not None:
        logged += f" that {reporter.name} logged"
    yield _planned(
        Kind.THANKS,
        pair=pair,
        key=f"thanks:{meeting.id}",
        due_at=meeting.logged_at,
        reason=f"thank-you for {logged}",
        meeting=meeting,
    )
    other = confirming_member(pair, reporter)
    if other is not None:
        yield _planned(
            Kind.CONFIRMATION,
            pair=pair,
            key=f"confirmation:{meeting.id}",
            due_at=meeting.logged_at,
            reason=f"asks {other.name} to confirm {logged}",
            meeting=meeting,
        )


def _dispute_notice(pair: Pair, meeting: MeetingRecord, *, removed_at: datetime) -> Planned:
    """Tells the coordinator a meeting was disputed and removed."""
    return _planned(
        Kind.DISPUTE_NOTICE,
        pair=pair,
        key=f"dispute:{meeting.id}",
        due_at=removed_at,
        reason=f"tells the coordinator the meeting on {short_date_in_words(meeting.met_on)} "
        "was disputed and removed",
        meeting=meeting,
    )


def _farewell(pair: Pair, reply: ReplyStatus) -> list[Planned]:
    """The farewell to a pair that ended by reply, and the coordinator's notice."""
    asked = f"the pair asked by reply on {short_date_in_words(local_date(pair, reply.set_at))}"
    return [
        _planned(
            Kind.FAREWELL,
            pair=pair,
            key=f"farewell:{pair.id}",
            due_at=reply.set_at,
            reason=f"farewell: {asked} to end",
        ),
        _planned(
            Kind.ENDED_NOTICE,
            pair=pair,
            key=f"ended:{pair.id}",
            due_at=reply.set_at,
            reason=f"tells the coordinator {asked} to end",
        ),
    ]


def _welcome_back(pair: Pair, effective: Pair, history: PairHistory, today: date) -> list[Planned]:
    """A welcome-back on the day a pause of the `effective` pair ends, at most `LATE_LIMIT`
    late."""
    resumed = _pause_ended_on(pair, effective, history, today)
    if resumed is None or not resumed <= today <= resumed + LATE_LIMIT:
        return []
    return [
        _planned(
            Kind.WELCOME_BACK,
            pair=effective,
            key=f"welcome_back:{effective.id}:{resumed.isoformat()}",
            due_at=_sending_instant(effective, resumed),
            reason=f"welcome back: the pause ended on {short_date_in_words(resumed)}",
        )
    ]


def _pause_ended_on(pair: Pair, effective: Pair, history: PairHistory, today: date) -> date | None:
    """The date the pair's pause ended: the `effective` pair's `paused_until`, or the date
    the coordinator lifted a YAML pause of `pair` by writing `status: active` (an end lifted
    is no pause: the pair gets no welcome-back)."""
    if effective.status is Status.PAUSED:
        return effective.paused_until
    silence = history.silence
    if silence is None or silence.status is not Status.PAUSED:
        return None
    return resumed_on(pair, history, today=today)


def _follow_up(program: Program, pair: Pair, history: PairHistory, now: datetime) -> list[Planned]:
    """A gentle follow-up to a "not yet", unless anything has moved on since that reply.

    Moving on means a meeting dated on or after the reply's date, a round skipped after the
    reply or with it (replies fetched together are recorded at one instant), a pause ending
    after it, or a period's check-in falling due after the reply.
    """
    replied_at = history.last_not_met_at
    if replied_at is None:
        return []
    replied_on = local_date(pair, replied_at)
    due_at = _follow_up_at(program, pair, replied_at)
    resumed = effective_pair(pair, history, today=local_date(pair, now)).paused_until
    moved_on = (history.last_meeting, resumed)
    if any(day is not None and day >= replied_on for day in moved_on):
        return []
    if history.last_skip_at is not None and history.last_skip_at >= replied_at:
        return []
    checkin_at = latest_due_at(pair, history, now)
    if checkin_at is not None and checkin_at > replied_at:
        return []
    return [
        _planned(
            Kind.FOLLOW_UP,
            pair=pair,
            key=f"follow_up:{pair.id}:{replied_on.isoformat()}",
            due_at=due_at,
            reason=f"gentle follow-up {span_in_words(replied_on, local_date(pair, due_at))} "
            f"after they answered 'not yet' on {short_date_in_words(replied_on)}",
        )
    ]


def _follow_up_at(program: Program, pair: Pair, replied_at: datetime) -> datetime:
    """When the follow-up to a "not yet" sent at `replied_at` is due.

    At the pair's sending time, like its check-ins, on the local date `follow_up_after`
    after the reply's (moved to Monday for a weekdays-only pair), not at the time of day
    the reply happened to come.
    """
    return sending_instant_on(pair, local_date(pair, replied_at) + program.follow_up_after)


def _anniversary(program: Program, pair: Pair, today: date) -> list[Planned]:
    """The latest anniversary of the start, on its day or at most `LATE_LIMIT` later."""
    if not program.anniversaries:
        return []
    found = _latest_anniversary(pair.started, today)
    if found is None:
        return []
    years, day = found
    if today - day > LATE_LIMIT:
        return []
    together = "1 year" if years == 1 else f"{years} years"
    return [
        _planned(
            Kind.ANNIVERSARY,
            pair=pair,
            key=f"anniversary:{pair.id}:{years}",
            due_at=_sending_instant(pair, day),
            reason=f"{together} since the pair started on {short_date_in_words(pair.started)}",
        )
    ]


@lru_cache(maxsize=CALENDAR_CACHE_SIZE)
def _latest_anniversary(started: date, today: date) -> tuple[int, date] | None:
    """(years, date) of the latest anniversary of `started` on or before `today`.

    Counted as whole years from the start, so 29 February falls on 28 February in other
    years and on 29 February again in leap years. Remembered: many pairs share a start.
    """
    latest: tuple[int, date] | None = None
    days = occurrences_after(_YEARLY, started=started, anchor=started)
    for years, day in enumerate(days, start=1):
        if day > today:
            break
        latest = (years, day)
    return latest


def _event_instants(
    program: Program,
    pair: Pair,
    *,
    history: PairHistory,
    now: datetime,
    until: datetime,
) -> list[datetime]:
    """Instants in (now, until] at which a welcome-back, anniversary or follow-up may fall due."""
    candidates: list[datetime] = []
    today = local_date(pair, now)
    resumes = [effective_pair(pair, history, today=today).paused_until]
    resumes.append(resumed_on(pair, history, today=today))
    candidates += [_sending_instant(pair, day) for day in resumes if day is not None]
    if history.last_not_met_at is not None:
        candidates.append(_follow_up_at(program, pair, history.last_not_met_at))
    days = occurrences_after(_YEARLY, started=pair.started, anchor=pair.started)
    for day in days:
        at = _sending_instant(pair, day)
        if at > until:
            break
        candidates.append(at)
    return sorted(at for at in candidates if now < at <= until)


def _event_instants_from(
    program: Program, pair: Pair, history: PairHistory, activity: PairActivity, now: datetime
) -> list[datetime]:
    """Every instant at which an event email of the pair may fall due, past ones included.

    The instants a meeting was logged or removed and a reply was recorded, a follow-up's due
    instant, the sending instant on each date a pause ends (or a lifted one ended), and the
    anniversaries around today.
    """
    found = [meeting.logged_at for meeting in activity.recent_meetings]
    found += [meeting.removed_at for meeting in activity.recent_meetings if meeting.removed_at]
    if history.last_not_met_at is not None:
        found.append(_follow_up_at(program, pair, history.last_not_met_at))
    reply = history.reply_status
    resumes = [pair.paused_until, resumed_on(pair, history, today=local_date(pair, now))]
    if reply is not None:
        found.append(reply.set_at)
        resumes.append(reply.until)
    found += [_sending_instant(pair, day) for day in resumes if day is not None]
    if program.anniversaries:
        found += _anniversaries_around(
            pair.started, local_date(pair, now), at=pair.schedule.send_at, zone=pair.timezone
        )
    return found


@lru_cache(maxsize=CALENDAR_CACHE_SIZE)
def _anniversaries_around(
    started: date, today: date, *, at: time, zone: ZoneInfo
) -> tuple[datetime, ...]:
    """The sending instants of the latest anniversary of `started` on or before `today` (if
    any) and of the next one; remembered, as many pairs share a start, time and zone."""
    latest: tuple[datetime, ...] = ()
    for day in occurrences_after(_YEARLY, started=started, anchor=started):
        if day > today:
            return (*latest, local_instant(day, at, zone))
        latest = (local_instant(day, at, zone),)
    return latest


def _sending_instant(pair: Pair, day: date) -> datetime:
    """The pair's sending time on its local date `day`."""
    return local_instant(day, pair.schedule.send_at, pair.timezone)


def _planned(
    kind: Kind,
    *,
    pair: Pair,
    key: str,
    due_at: datetime,
    reason: str,
    meeting: MeetingRecord | None = None,
) -> Planned:
    """A planned email about `pair`."""
    return Planned(
        kind=kind,
        pair_id=pair.id,
        key=key,
        due_at=due_at,
        reason=reason,
        meeting_id=None if meeting is None else meeting.id,
    )
