"""Due and planned check-ins: anchors, one check-in per period, catch-up, pauses and endings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reminder_service.core.cadence import local_instant, next_weekday, occurrences_after
from reminder_service.core.due import (
    due_checkins,
    local_date,
    next_checkin_at,
    overdue_pairs,
    period_kind,
    planned_checkins,
    sending_instant_on,
)
from reminder_service.core.model import (
    DEFAULT_LADDER,
    Checkin,
    Kind,
    LadderStep,
    OverduePair,
    Pair,
    PairHistory,
    Program,
    ReplyStatus,
    Silence,
    Status,
)
from reminder_service.core.status import as_noted

from .strategies import (
    active_pairs,
    make_pair,
    make_program,
    reply_end,
    reply_pause,
    reply_statuses,
)

NO_HISTORY: dict[str, PairHistory] = {}


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


def _sent_until(pair: Pair, now: datetime) -> dict[str, PairHistory]:
    """The history of a daemon that ran from the pair's start until the day before `now`."""
    program = make_program(pair)
    start = datetime.combine(pair.started, time(0), tzinfo=UTC)
    sent = planned_checkins(program, NO_HISTORY, now=start, until=now - timedelta(days=1))
    asked = tuple(checkin.period for checkin in sent)
    return {pair.id: PairHistory(last_checkin=asked[-1] if asked else None, asked=asked)}


def _periods(checkins: list[Checkin]) -> list[date]:
    return [checkin.period for checkin in checkins]


def _due_periods(pair: Pair, history: PairHistory, now: str) -> list[date]:
    return _periods(due_checkins(make_program(pair), {pair.id: history}, _utc(now)))


@pytest.mark.parametrize(
    ("cadence", "started", "due_at", "reason"),
    [
        pytest.param(
            "weekly",
            date(2026, 11, 2),
            "2026-11-09T08:00",
            "weekly; 1 week since the pair started on 2 Nov 2026",
            id="weekly",
        ),
        pytest.param(
            "monthly",
            date(2026, 10, 1),
            "2026-11-01T08:00",
            "monthly; 1 month since the pair started on 1 Oct 2026",
            id="monthly-after-dst-end",
        ),
        pytest.param(
            "every 10 days",
            date(2026, 10, 25),
            "2026-11-04T08:00",
            "every 10 days; 1 week since the pair started on 25 Oct 2026",
            id="every-10-days",
        ),
        pytest.param(
            "monthly",
            date(2027, 1, 31),
            "2027-02-28T08:00",
            "monthly; 1 month since the pair started on 31 Jan 2027",
            id="monthly-month-end",
        ),
    ],
)
def test_first_checkin_one_cadence_after_start(
    cadence: str, started: date, due_at: str, reason: str
) -> None:
    """A new pair is first asked one cadence after it started, at its local sending time."""
    pair = make_pair(cadence=cadence, started=started)
    program = make_program(pair)
    just_before = _utc(due_at) - timedelta(seconds=1)
    assert due_checkins(program, NO_HISTORY, just_before) == []
    [checkin] = due_checkins(program, NO_HISTORY, _utc(due_at))
    assert checkin == Checkin(
        pair_id=pair.id,
        period=_utc(due_at).date(),
        due_at=_utc(due_at),
        since=started,
        since_meeting=False,
        reason=reason,
    )


def test_checkin_counts_from_last_meeting() -> None:
    """After a meeting, the next check-in is one cadence after the meeting, not the start."""
    pair = make_pair(cadence="every 2 weeks", started=date(2026, 10, 1))
    history = PairHistory(last_meeting=date(2026, 11, 10))
    program = make_program(pair)
    assert due_checkins(program, {pair.id: history}, _utc("2026-11-23T12:00")) == []
    [checkin] = due_checkins(program, {pair.id: history}, _utc("2026-11-24T08:00"))
    assert checkin.period == date(2026, 11, 24)
    assert checkin.since == date(2026, 11, 10)
    assert checkin.since_meeting
    assert checkin.reason == "every 2 weeks; 2 weeks since the last meeting on 10 Nov 2026"


def test_weekend_period_moves_to_monday() -> None:
    """With weekdays only, a period falling on a Saturday is sent on the Monday after."""
    pair = make_pair(cadence="every 2 weeks", weekdays_only=True)
    history = PairHistory(last_meeting=date(2026, 11, 7))
    [checkin] = due_checkins(make_program(pair), {pair.id: history}, _utc("2026-11-23T08:00"))
    assert checkin.period == date(2026, 11, 23)
    assert checkin.reason == "every 2 weeks; 2 weeks since the last meeting on 7 Nov 2026"


def test_weekend_dates_share_one_monday_period() -> None:
    """With weekdays only, Saturday and Sunday both moving to Monday still make one period."""
    pair = make_pair(cadence="daily", started=date(2026, 1, 1), weekdays_only=True)
    history = PairHistory(last_checkin=date(2026, 1, 5))
    assert _due_periods(pair, history, "2026-01-05T12:00") == []
    assert _due_periods(pair, history, "2026-01-06T12:00") == [date(2026, 1, 6)]


@pytest.mark.parametrize(
    ("weekdays_only", "now", "due"),
    [
        (True, "2026-11-28T12:00", False),
        (True, "2026-11-29T22:59", False),
        (True, "2026-11-30T08:00", True),
        (True, "2026-11-30T07:59", False),
        (False, "2026-11-28T12:00", True),
        (True, "2026-11-27T22:59", True),
        (True, "2026-11-25T03:00", True),
    ],
    ids=[
        "saturday",
        "sunday-night",
        "monday",
        "monday-early",
        "any-day",
        "friday-night",
        "wednesday-early",
    ],
)
def test_a_late_checkin_waits_for_a_weekday_when_the_pair_asks_for_weekdays(
    weekdays_only: bool, now: str, due: bool
) -> None:
    """A check-in due on Tuesday, still unsent at the weekend (the service was down, or
    only just deployed), goes out on the Monday at the pair's time, like one due on a
    Saturday; without weekdays only it goes out at once. (09:00 in Berlin is 08:00 UTC.)"""
    pair = make_pair(cadence="monthly", started=date(2026, 10, 24), weekdays_only=weekdays_only)
    program = make_program(pair)

    due_now = due_checkins(program, NO_HISTORY, _utc(now))
    planned = planned_checkins(program, NO_HISTORY, now=_utc(now), until=_utc("2026-12-01T00:00"))

    assert bool(due_now) is due
    assert _periods(due_now if due else planned) == [date(2026, 11, 24)]


@pytest.mark.parametrize(
    ("history", "now", "expected"),
    [
        pytest.param(
            PairHistory(last_meeting=date(2026, 11, 4), last_checkin=date(2026, 11, 10)),
            "2026-11-11T12:00",
            [],
            id="meeting-inside-asked-period-no-second-checkin",
        ),
        pytest.param(
            PairHistory(last_meeting=date(2026, 11, 4), last_checkin=date(2026, 11, 10)),
            "2026-11-18T12:00",
            [date(2026, 11, 18)],
            id="meeting-inside-asked-period-next-period-due",
        ),
        pytest.param(
            PairHistory(last_meeting=date(2026, 11, 10), last_checkin=date(2026, 11, 10)),
            "2026-11-17T12:00",
            [date(2026, 11, 17)],
            id="meeting-on-asked-day-counts-from-meeting",
        ),
        pytest.param(
            PairHistory(last_checkin=date(2026, 11, 10)),
            "2026-11-16T12:00",
            [],
            id="current-period-already-asked",
        ),
        pytest.param(
            PairHistory(last_checkin=date(2026, 11, 10)),
            "2026-11-17T12:00",
            [date(2026, 11, 17)],
            id="next-period-after-asked",
        ),
    ],
)
def test_one_checkin_per_period(history: PairHistory, now: str, expected: list[date]) -> None:
    """A period that already had a check-in gets no second one, even after a meeting moves it."""
    pair = make_pair(started=date(2026, 11, 3))
    assert _due_periods(pair, history, now) == expected


def _next_after_answer(met: date, *, cadence: str = "monthly") -> date:
    """The next check-in planned for a pair asked on 2 Nov 2026 that reported meeting on `met`."""
    pair = make_pair(cadence=cadence, started=date(2026, 9, 2), zone="Europe/London")
    history = PairHistory(last_meeting=met, last_checkin=date(2026, 11, 2))
    now = _utc("2026-11-03T12:00")
    planned = planned_checkins(
        make_program(pair), {pair.id: history}, now=now, until=now + timedelta(days=120)
    )
    return planned[0].period


@pytest.mark.parametrize(
    ("met", "expected"),
    [
        pytest.param(date(2026, 10, 30), date(2026, 11, 30), id="met-before-checkin"),
        pytest.param(date(2026, 11, 2), date(2026, 12, 2), id="met-on-checkin-day"),
        pytest.param(date(2026, 11, 3), date(2026, 12, 3), id="met-after-checkin"),
        pytest.param(date(2026, 10, 16), date(2026, 12, 16), id="close-to-checkin-next-period"),
    ],
)
def test_next_checkin_one_cadence_after_meeting(met: date, expected: date) -> None:
    """After a meeting answers a check-in, the next comes one cadence after the meeting,
    or a cadence later when that would follow the answered check-in within half a period."""
    assert _next_after_answer(met) == expected


@settings(max_examples=60, deadline=None)
@given(
    cadence=st.sampled_from(["weekly", "every 2 weeks", "monthly", "every 10 days"]),
    days_before=st.integers(min_value=0, max_value=40),
)
def test_next_checkin_after_answer_property(cadence: str, days_before: int) -> None:
    """The next check-in after an answered one is the first or second occurrence after the
    meeting: the first unless it is within half a period of the answered check-in."""
    asked = date(2026, 11, 2)
    met = asked - timedelta(days=days_before)
    pair = make_pair(cadence=cadence, started=date(2026, 9, 2), zone="Europe/London")
    first, second = islice(
        occurrences_after(pair.schedule.cadence, started=pair.started, anchor=met), 2
    )
    assume(first > asked)
    found = _next_after_answer(met, cadence=cadence)
    close = (first - asked) * 2 < first - met
    assert found == (second if close else first)


def test_catch_up_sends_one_for_latest_period() -> None:
    """After a week of downtime only the latest missed period's check-in is due."""
    pair = make_pair(cadence="every 2 days", started=date(2026, 11, 1))
    history = PairHistory(last_checkin=date(2026, 11, 3))
    [checkin] = due_checkins(make_program(pair), {pair.id: history}, _utc("2026-11-10T12:00"))
    assert checkin.period == date(2026, 11, 9)
    assert checkin.due_at == _utc("2026-11-09T08:00")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({}, [date(2026, 11, 16)], id="active"),
        pytest.param({"status": Status.ENDED}, [], id="ended"),
        pytest.param({"ended_on": date(2026, 11, 20)}, [], id="ended-on-today"),
        pytest.param({"ended_on": date(2026, 11, 21)}, [date(2026, 11, 16)], id="ends-tomorrow"),
        pytest.param({"status": Status.PAUSED}, [], id="paused-open-ended"),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2026, 11, 21)}, [], id="still-paused"
        ),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2026, 11, 12)},
            [date(2026, 11, 19)],
            id="resumed-asked-one-cadence-later",
        ),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2026, 11, 15)},
            [],
            id="resumed-not-yet-due",
        ),
        pytest.param(
            {"paused_until": date(2026, 11, 12)}, [date(2026, 11, 19)], id="active-after-pause"
        ),
    ],
)
def test_paused_and_ended_pairs(changes: dict[str, Any], expected: list[date]) -> None:
    """Ended and paused pairs are silent; a resumed pair is asked one cadence after resuming."""
    pair = replace(make_pair(started=date(2026, 11, 2)), **changes)
    assert _due_periods(pair, PairHistory(), "2026-11-20T12:00") == expected


def test_no_checkin_on_the_day_a_pause_ends() -> None:
    """A pause ending on what would have been a period date restarts the count that day."""
    pair = make_pair(status=Status.PAUSED, paused_until=date(2026, 11, 16))
    assert _due_periods(pair, PairHistory(), "2026-11-16T12:00") == []
    assert _due_periods(pair, PairHistory(), "2026-11-23T12:00") == [date(2026, 11, 23)]


ASKED_LONG_AGO = PairHistory(
    last_checkin=date(2026, 3, 10), asked=(date(2026, 2, 10), date(2026, 3, 10))
)


@pytest.mark.parametrize(
    ("silence", "now", "expected"),
    [
        pytest.param(
            Silence(Status.PAUSED, resumed_on=date(2027, 3, 5)),
            "2027-03-05T12:00",
            [],
            id="dated-pause-lifted-nothing-at-once",
        ),
        pytest.param(
            Silence(Status.PAUSED),
            "2027-03-05T12:00",
            [],
            id="lift-not-stored-yet-counts-from-today",
        ),
        pytest.param(
            Silence(Status.PAUSED, resumed_on=date(2027, 3, 5)),
            "2027-04-05T12:00",
            [(date(2027, 4, 5), 0)],
            id="one-cadence-after-the-lift-plain",
        ),
        pytest.param(
            Silence(Status.ENDED, resumed_on=date(2027, 3, 5)),
            "2027-04-05T12:00",
            [(date(2027, 4, 5), 0)],
            id="ended-pair-reactivated",
        ),
    ],
)
def test_a_pause_lifted_in_the_yaml_starts_fresh(
    silence: Silence, now: str, expected: list[tuple[date, int]]
) -> None:
    """A pair whose YAML pause or end the coordinator lifted is asked one cadence after the
    lift, with a plain check-in: the periods it was silent for never escalate."""
    pair = make_pair(cadence="monthly", started=date(2026, 1, 10), zone="Europe/London")
    history = replace(ASKED_LONG_AGO, silence=silence)
    found = due_checkins(make_program(pair), {pair.id: history}, _utc(now))
    assert [(checkin.period, checkin.level) for checkin in found] == expected


REPLY_PAUSED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("yaml", "resumed_on", "now", "expected"),
    [
        pytest.param(Status.PAUSED, None, "2026-03-20T12:00", [], id="copied-pause-in-force"),
        pytest.param(Status.ACTIVE, None, "2026-06-01T12:00", [], id="lift-day-nothing-at-once"),
        pytest.param(
            Status.ACTIVE,
            date(2026, 6, 1),
            "2026-07-02T12:00",
            [(date(2026, 7, 1), 0)],
            id="one-cadence-after-the-lift",
        ),
    ],
)
def test_a_reply_pause_copied_into_the_yaml_ends_with_its_lift(
    yaml: Status, resumed_on: date | None, now: str, expected: list[tuple[date, int]]
) -> None:
    """A pair paused by reply (until further notice) whose coordinator copied the pause into
    the YAML, then wrote `status: active`, is asked again one cadence after the lift."""
    pair = make_pair(cadence="monthly", started=date(2026, 1, 10), zone="Europe/London")
    pair = replace(pair, status=yaml)
    silence = Silence(Status.PAUSED, resumed_on=resumed_on, noted_on=date(2026, 3, 2))
    history = PairHistory(
        last_checkin=date(2026, 2, 10),
        asked=(date(2026, 2, 10),),
        reply_status=reply_pause(None, set_at=REPLY_PAUSED),
        silence=silence,
    )
    found = due_checkins(make_program(pair), {pair.id: history}, _utc(now))
    assert [(checkin.period, checkin.level) for checkin in found] == expected


@settings(max_examples=200, deadline=None)
@given(
    pair=active_pairs(started=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 1, 1))),
    data=st.data(),
    silence=st.sampled_from([Silence(Status.PAUSED), Silence(Status.ENDED)]),
    noted_days=st.integers(min_value=0, max_value=400),
    lifted_days=st.integers(min_value=0, max_value=400),
)
def test_noting_a_lift_moves_no_checkin(
    pair: Pair,
    data: st.DataObject,
    silence: Silence,
    noted_days: int,
    lifted_days: int,
) -> None:
    """What is due on the day the YAML lifts a pause or end is the same before and after
    the planner stores the lift, whatever the pair asked for by reply."""
    noted_on = pair.started + timedelta(days=noted_days)
    today = noted_on + timedelta(days=lifted_days)
    reply = data.draw(st.none() | reply_statuses(around=noted_on))
    assume(reply is None or reply.set_at.date() <= today)
    history = PairHistory(reply_status=reply, silence=replace(silence, noted_on=noted_on))
    now = local_instant(today, pair.schedule.send_at, pair.timezone)
    noted = as_noted(pair, history, today=local_date(pair, now))
    program = make_program(pair)
    assert due_checkins(program, {pair.id: history}, now) == due_checkins(
        program, {pair.id: noted}, now
    )


@settings(max_examples=60, deadline=None)
@given(
    cadence=st.sampled_from(["weekly", "every 2 weeks", "monthly", "daily"]),
    resumed_days=st.integers(min_value=30, max_value=800),
    asked_count=st.integers(min_value=0, max_value=6),
    silence=st.sampled_from([Silence(Status.PAUSED), Silence(Status.ENDED)]),
)
def test_a_lifted_pause_never_escalates_its_silent_periods(
    cadence: str, resumed_days: int, asked_count: int, silence: Silence
) -> None:
    """After a lifted YAML pause or end, the first check-in is plain and one cadence after
    the lift, however many check-ins went unanswered before it."""
    pair = make_pair(cadence=cadence, started=date(2026, 1, 1), zone="UTC")
    resumed = pair.started + timedelta(days=resumed_days)
    asked = tuple(pair.started + timedelta(days=day + 1) for day in range(asked_count))
    history = PairHistory(
        last_checkin=asked[-1] if asked else None,
        asked=asked,
        silence=replace(silence, resumed_on=resumed),
    )
    now = datetime.combine(resumed, time(12), tzinfo=UTC)
    planned = planned_checkins(
        make_program(pair), {pair.id: history}, now=now, until=now + timedelta(days=40)
    )
    first = next(occurrences_after(pair.schedule.cadence, started=pair.started, anchor=resumed))
    assert (planned[0].period, planned[0].level) == (first, 0)


def test_meeting_on_the_start_date_is_named() -> None:
    """When the last meeting and the start fall on one date, the reason names the meeting."""
    pair = make_pair()
    history = PairHistory(last_meeting=pair.started)
    [checkin] = due_checkins(make_program(pair), {pair.id: history}, _utc("2026-11-09T12:00"))
    assert checkin.since_meeting
    assert checkin.reason == "weekly; 1 week since the last meeting on 2 Nov 2026"


def test_resumed_reason_names_the_pause() -> None:
    """The reason for a resumed pair counts from the end of the pause."""
    pair = make_pair(status=Status.PAUSED, paused_until=date(2026, 11, 12))
    [checkin] = due_checkins(make_program(pair), NO_HISTORY, _utc("2026-11-20T12:00"))
    assert checkin.reason == "weekly; 1 week since the pause ended on 12 Nov 2026"
    assert not checkin.since_meeting


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        pytest.param("Pacific/Auckland", [], id="auckland-already-on-end-date"),
        pytest.param("Pacific/Honolulu", [date(2026, 11, 2)], id="honolulu-day-before"),
    ],
)
def test_ended_on_uses_pairs_local_date(zone: str, expected: list[date]) -> None:
    """`ended_on` is compared with the date in the pair's zone, not the UTC date."""
    pair = make_pair(cadence="daily", started=date(2026, 11, 1), zone=zone, send_at=time(0, 0))
    pair = replace(pair, ended_on=date(2026, 11, 3))
    history = PairHistory(last_checkin=date(2026, 11, 1))
    assert _due_periods(pair, history, "2026-11-02T11:30") == expected


def test_pairs_sorted_by_due_instant_then_id() -> None:
    """Check-ins for several pairs come sorted by due instant, then by pair id."""
    started = date(2026, 11, 2)
    program = make_program(
        make_pair("zed", started=started, zone="Pacific/Auckland"),
        make_pair("amy", started=started, zone="Pacific/Honolulu", send_at=time(18, 0)),
        make_pair("bob", started=started),
        make_pair("abe", started=started),
    )
    checkins = due_checkins(program, NO_HISTORY, _utc("2026-11-10T12:00"))
    assert [(c.pair_id, c.due_at) for c in checkins] == [
        ("zed", _utc("2026-11-08T20:00")),
        ("abe", _utc("2026-11-09T08:00")),
        ("bob", _utc("2026-11-09T08:00")),
        ("amy", _utc("2026-11-10T04:00")),
    ]


def test_history_of_other_pairs_is_ignored() -> None:
    """A pair missing from the history map is treated as having no history."""
    pair = make_pair()
    history = {"someone-else": PairHistory(last_checkin=date(2026, 11, 9))}
    assert _periods(due_checkins(make_program(pair), history, _utc("2026-11-10T12:00"))) == [
        date(2026, 11, 9)
    ]


def test_naive_datetimes_are_refused() -> None:
    """A naive `now` or `until`, or `until` before `now`, is a programming error."""
    program = make_program(make_pair())
    naive = datetime(2026, 11, 10, 12, 0)  # noqa: DTZ001
    aware = _utc("2026-11-10T12:00")
    with pytest.raises(ValueError, match="aware"):
        due_checkins(program, NO_HISTORY, naive)
    with pytest.raises(ValueError, match="aware"):
        planned_checkins(program, NO_HISTORY, now=aware, until=naive)
    with pytest.raises(ValueError, match="before now"):
        planned_checkins(program, NO_HISTORY, now=aware, until=aware - timedelta(seconds=1))


@pytest.mark.parametrize(
    ("pair", "history", "now", "until", "expected"),
    [
        pytest.param(
            make_pair(),
            PairHistory(),
            "2026-11-02T12:00",
            "2026-11-30T23:00",
            [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)],
            id="weekly-month",
        ),
        pytest.param(
            make_pair(),
            PairHistory(),
            "2026-11-10T12:00",
            "2026-11-16T08:00",
            [date(2026, 11, 9), date(2026, 11, 16)],
            id="due-now-then-window-end-inclusive",
        ),
        pytest.param(
            make_pair(),
            PairHistory(last_checkin=date(2026, 11, 9)),
            "2026-11-10T12:00",
            "2026-11-20T12:00",
            [date(2026, 11, 16)],
            id="current-period-already-asked",
        ),
        pytest.param(
            make_pair(status=Status.PAUSED, paused_until=date(2026, 11, 20)),
            PairHistory(),
            "2026-11-02T12:00",
            "2026-12-12T12:00",
            [date(2026, 11, 27), date(2026, 12, 4), date(2026, 12, 11)],
            id="pause-ends-inside-window",
        ),
        pytest.param(
            make_pair(ended_on=date(2026, 11, 20)),
            PairHistory(),
            "2026-11-02T12:00",
            "2026-12-15T12:00",
            [date(2026, 11, 9), date(2026, 11, 16)],
            id="ends-inside-window",
        ),
        pytest.param(
            make_pair(cadence="daily", started=date(2026, 1, 1), weekdays_only=True),
            PairHistory(),
            "2026-01-01T12:00",
            "2026-01-07T23:00",
            [date(2026, 1, 2), date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)],
            id="weekdays-only-drops-weekend-duplicates",
        ),
        pytest.param(
            make_pair(cadence="monthly", started=date(2026, 1, 1), weekdays_only=True),
            PairHistory(),
            "2026-01-01T12:00",
            "2026-03-31T23:00",
            [date(2026, 2, 2), date(2026, 3, 2)],
            id="weekdays-only-monthly",
        ),
        pytest.param(
            make_pair(cadence="RRULE:FREQ=MONTHLY;BYDAY=1TU", started=date(2026, 1, 1)),
            PairHistory(),
            "2026-01-01T12:00",
            "2026-03-31T23:00",
            [date(2026, 1, 6), date(2026, 2, 3), date(2026, 3, 3)],
            id="rrule",
        ),
    ],
)
def test_planned_checkins(
    pair: Pair, history: PairHistory, now: str, until: str, expected: list[date]
) -> None:
    """The plan lists the due check-in and each later period in the window, once each."""
    planned = planned_checkins(
        make_program(pair), {pair.id: history}, now=_utc(now), until=_utc(until)
    )
    assert _periods(planned) == expected


def test_planned_checkins_sorted_across_pairs() -> None:
    """A plan for several pairs interleaves them by due instant."""
    program = make_program(
        make_pair("weekly", started=date(2026, 11, 2)),
        make_pair("fortnightly", cadence="every 2 weeks", started=date(2026, 11, 3)),
    )
    planned = planned_checkins(
        program, NO_HISTORY, now=_utc("2026-11-02T12:00"), until=_utc("2026-11-30T12:00")
    )
    assert [(c.pair_id, c.period) for c in planned] == [
        ("weekly", date(2026, 11, 9)),
        ("weekly", date(2026, 11, 16)),
        ("fortnightly", date(2026, 11, 17)),
        ("weekly", date(2026, 11, 23)),
        ("weekly", date(2026, 11, 30)),
    ]


def _first_due_at(pair: Pair) -> datetime:
    cadence = pair.schedule.cadence
    first = next(occurrences_after(cadence, started=pair.started, anchor=pair.started))
    if pair.schedule.weekdays_only:
        first = next_weekday(first)
    return local_instant(first, pair.schedule.send_at, pair.timezone)


def _instant(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(), UTC) + timedelta(minutes=minutes)


minutes_around_start = st.integers(min_value=-3 * 24 * 60, max_value=3 * 365 * 24 * 60)
meeting_offsets = st.lists(st.integers(min_value=0, max_value=200), max_size=6)


@settings(max_examples=25)
@given(pair=active_pairs(), meetings=meeting_offsets, lag_days=st.integers(0, 5))
def test_never_due_twice_in_one_period(pair: Pair, meetings: list[int], lag_days: int) -> None:
    """A daemon polling every 6 hours for 200 days, reporting each queue, never repeats a period."""
    program = make_program(pair)
    meeting_days = sorted(pair.started + timedelta(days=offset) for offset in meetings)
    history = PairHistory()
    queued: list[date] = []
    now = _instant(pair.started, 0)
    for _ in range(200 * 4):
        reported = [day for day in meeting_days if _instant(day, lag_days * 24 * 60) <= now]
        history = replace(history, last_meeting=max(reported, default=None))
        due = due_checkins(program, {pair.id: history}, now)
        assert len(due) <= 1
        for checkin in due:
            assert checkin.due_at <= now
            assert not queued or checkin.period > queued[-1]
            queued.append(checkin.period)
            history = replace(history, last_checkin=checkin.period)
        now += timedelta(hours=6)


@given(
    pair=active_pairs(),
    changes=st.sampled_from(
        [{"status": Status.PAUSED}, {"status": Status.ENDED}, {"ended_on": date(1989, 12, 31)}]
    ),
    minutes=minutes_around_start,
    last_checkin=st.none() | st.dates(),
)
def test_paused_or_ended_pair_never_due(
    pair: Pair, changes: dict[str, Any], minutes: int, last_checkin: date | None
) -> None:
    """A pair paused with no end date, or ended, never has a check-in due or planned."""
    silent = replace(pair, **changes)
    now = _instant(pair.started, minutes)
    history = {pair.id: PairHistory(last_checkin=last_checkin)}
    assert due_checkins(make_program(silent), history, now) == []
    assert planned_checkins(make_program(silent), history, now=now, until=now + timedelta(90)) == []


@given(pair=active_pairs(), minutes=minutes_around_start, meeting=st.none() | st.integers(0, 90))
def test_never_due_before_first_step(pair: Pair, minutes: int, meeting: int | None) -> None:
    """No check-in is due before one cadence step after the pair started."""
    last_meeting = None if meeting is None else pair.started + timedelta(days=meeting)
    history = {pair.id: PairHistory(last_meeting=last_meeting)}
    now = _instant(pair.started, minutes)
    for checkin in due_checkins(make_program(pair), history, now):
        assert checkin.due_at >= _first_due_at(pair)
        assert checkin.period > pair.started


@given(
    pair=active_pairs(),
    minutes=minutes_around_start,
    last_checkin=st.none() | st.integers(0, 400),
)
def test_a_weekdays_only_pair_is_never_due_on_its_weekend(
    pair: Pair, minutes: int, last_checkin: int | None
) -> None:
    """Whatever is late, a weekdays-only pair gets nothing on its own Saturday or Sunday,
    nor on Monday before its sending time, and the planner is woken by Monday's sending
    time if a check-in is due then."""
    pair = replace(pair, schedule=replace(pair.schedule, weekdays_only=True))
    now = _instant(pair.started, minutes)
    monday = sending_instant_on(pair, local_date(pair, now))
    assume(local_date(pair, now).weekday() >= 5 or local_date(pair, now).weekday() == 0)
    assume(now < monday)
    asked = None if last_checkin is None else pair.started + timedelta(last_checkin)
    history = PairHistory(last_checkin=asked, asked=(asked,) if asked else ())
    program = make_program(pair)

    assert due_checkins(program, {pair.id: history}, now) == []
    if due_checkins(program, {pair.id: history}, monday):
        wake = next_checkin_at(pair, history, now)
        assert wake is not None
        assert wake <= monday


@given(
    pairs=st.lists(active_pairs(started=st.dates(date(2026, 1, 1), date(2026, 2, 1))), max_size=3),
    downtime_minutes=st.integers(min_value=0, max_value=2 * 365 * 24 * 60),
    last_checkin=st.none() | st.dates(date(2026, 1, 1), date(2026, 6, 1)),
)
def test_catch_up_sends_at_most_one_per_pair(
    pairs: list[Pair], downtime_minutes: int, last_checkin: date | None
) -> None:
    """After any downtime each pair gets at most one check-in, for its latest due period."""
    program = make_program(*(replace(pair, id=f"p{i}") for i, pair in enumerate(pairs)))
    history = {pair.id: PairHistory(last_checkin=last_checkin) for pair in program.pairs}
    now = _instant(date(2026, 1, 1), downtime_minutes)
    due = due_checkins(program, history, now)
    assert len({checkin.pair_id for checkin in due}) == len(due)
    caught_up = {c.pair_id: PairHistory(last_checkin=c.period) for c in due}
    assert due_checkins(program, {**history, **caught_up}, now) == []


@given(
    pair=active_pairs(),
    minutes=minutes_around_start,
    meeting=st.none() | st.integers(0, 400),
    last_checkin=st.none() | st.integers(0, 400),
)
def test_plan_for_an_instant_is_what_is_due(
    pair: Pair, minutes: int, meeting: int | None, last_checkin: int | None
) -> None:
    """planned_checkins with until equal to now returns exactly the due check-ins."""
    history = {
        pair.id: PairHistory(
            last_meeting=None if meeting is None else pair.started + timedelta(meeting),
            last_checkin=None if last_checkin is None else pair.started + timedelta(last_checkin),
        )
    }
    program = make_program(pair)
    now = _instant(pair.started, minutes)
    assert planned_checkins(program, history, now=now, until=now) == due_checkins(
        program, history, now
    )


LADDER_WITH_GAP = (
    LadderStep(after_periods=4, send="pause_or_end", cc_coordinator=True),
    LadderStep(after_periods=2, send="reminder"),
)


@pytest.mark.parametrize(
    ("ladder", "level", "expected"),
    [
        pytest.param(DEFAULT_LADDER, 0, (Kind.CHECKIN, None), id="level-0-is-the-check-in"),
        pytest.param(DEFAULT_LADDER, 1, (Kind.REMINDER, DEFAULT_LADDER[0]), id="one-overdue"),
        pytest.param(DEFAULT_LADDER, 2, (Kind.REMINDER, DEFAULT_LADDER[1]), id="two-cc"),
        pytest.param(DEFAULT_LADDER, 3, (Kind.PAUSE_OR_END, DEFAULT_LADDER[2]), id="three"),
        pytest.param(DEFAULT_LADDER, 9, (Kind.PAUSE_OR_END, DEFAULT_LADDER[2]), id="top-stays"),
        pytest.param(LADDER_WITH_GAP, 1, (Kind.CHECKIN, None), id="below-first-step"),
        pytest.param(LADDER_WITH_GAP, 3, (Kind.REMINDER, LADDER_WITH_GAP[1]), id="unsorted"),
        pytest.param(LADDER_WITH_GAP, 4, (Kind.PAUSE_OR_END, LADDER_WITH_GAP[0]), id="top"),
        pytest.param((), 5, (Kind.CHECKIN, None), id="no-ladder"),
    ],
)
def test_period_kind(
    ladder: tuple[LadderStep, ...], level: int, expected: tuple[Kind, LadderStep | None]
) -> None:
    """The ladder step with the largest after_periods up to the level picks the email."""
    assert period_kind(make_program(escalation=ladder), level) == expected


@pytest.mark.parametrize(
    ("now", "level", "reason"),
    [
        pytest.param(
            "2026-11-09T12:00", 0, "weekly; 1 week since the pair started on 2 Nov 2026", id="0"
        ),
        pytest.param(
            "2026-11-16T12:00",
            1,
            "weekly; 2 weeks since the pair started on 2 Nov 2026; 1 period overdue, so a reminder",
            id="1",
        ),
        pytest.param(
            "2026-11-23T12:00",
            2,
            "weekly; 3 weeks since the pair started on 2 Nov 2026; 2 periods overdue, "
            "so a reminder with the coordinator in copy",
            id="2",
        ),
        pytest.param(
            "2026-11-30T12:00",
            3,
            "weekly; 4 weeks since the pair started on 2 Nov 2026; 3 periods overdue, "
            "so asking whether to pause or end",
            id="3",
        ),
        pytest.param(
            "2026-12-07T12:00",
            4,
            "weekly; 5 weeks since the pair started on 2 Nov 2026; 4 periods overdue, "
            "so asking whether to pause or end",
            id="4",
        ),
    ],
)
def test_levels_climb_while_the_pair_does_not_meet(now: str, level: int, reason: str) -> None:
    """Each check-in that goes unanswered raises the next one's level by one, and says so."""
    pair = make_pair()
    [checkin] = due_checkins(make_program(pair), _sent_until(pair, _utc(now)), _utc(now))
    assert (checkin.level, checkin.reason) == (level, reason)
    assert (checkin.since, checkin.since_meeting) == (pair.started, False)


def test_reason_names_another_check_in_below_the_ladder() -> None:
    """A level below the ladder's first step is a plain check-in, and the reason says so."""
    pair = make_pair()
    program = make_program(pair, escalation=LADDER_WITH_GAP)
    now = _utc("2026-11-16T12:00")
    [checkin] = due_checkins(program, _sent_until(pair, now), now)
    assert checkin.reason.endswith("; 1 period overdue, so another check-in")


def test_catch_up_climbs_one_rung_not_the_missed_ones() -> None:
    """After downtime only the latest period goes out, one level above what was sent before."""
    pair = make_pair()
    history = PairHistory(last_checkin=date(2026, 11, 9), asked=(date(2026, 11, 9),))
    [checkin] = due_checkins(make_program(pair), {pair.id: history}, _utc("2026-12-01T12:00"))
    assert (checkin.period, checkin.level) == (date(2026, 11, 30), 1)


def test_a_pair_seen_for_the_first_time_gets_a_plain_check_in() -> None:
    """A pair that started long ago but was never asked starts at level 0, not at the top."""
    pair = make_pair(started=date(2024, 1, 8))
    [checkin] = due_checkins(make_program(pair), NO_HISTORY, _utc("2026-12-01T12:00"))
    assert checkin.level == 0


@pytest.mark.parametrize(
    ("history", "now", "expected"),
    [
        pytest.param(
            PairHistory(last_skip_at=_utc("2026-11-18T12:00"), last_checkin=date(2026, 11, 16)),
            "2026-11-24T12:00",
            [],
            id="skip-restarts-the-count",
        ),
        pytest.param(
            PairHistory(last_skip_at=_utc("2026-11-18T12:00"), last_checkin=date(2026, 11, 16)),
            "2026-11-25T12:00",
            [(date(2026, 11, 25), 0)],
            id="one-cadence-after-the-skip-at-level-0",
        ),
        pytest.param(
            PairHistory(
                last_skip_at=_utc("2026-11-18T12:00"),
                last_checkin=date(2026, 11, 25),
                asked=(date(2026, 11, 16), date(2026, 11, 25)),
            ),
            "2026-12-02T12:00",
            [(date(2026, 12, 2), 1)],
            id="ladder-climbs-again-after-a-skip",
        ),
        pytest.param(
            PairHistory(
                last_skip_at=_utc("2026-11-10T12:00"),
                last_meeting=date(2026, 11, 12),
                last_checkin=date(2026, 11, 9),
            ),
            "2026-11-19T12:00",
            [(date(2026, 11, 19), 0)],
            id="later-meeting-wins-over-skip",
        ),
    ],
)
def test_skip_is_an_anchor(
    history: PairHistory, now: str, expected: list[tuple[date, int]]
) -> None:
    """Skipping a round restarts the cadence and the ladder, like a meeting does."""
    pair = make_pair()
    checkins = due_checkins(make_program(pair), {pair.id: history}, _utc(now))
    assert [(checkin.period, checkin.level) for checkin in checkins] == expected


@pytest.mark.parametrize(
    ("zone", "skipped_at"),
    [
        pytest.param("Pacific/Auckland", "2026-11-17T19:00", id="east-of-utc-already-the-next-day"),
        pytest.param(
            "America/Los_Angeles", "2026-11-19T04:00", id="west-of-utc-still-the-day-before"
        ),
    ],
)
def test_a_skip_counts_on_the_day_the_pairs_clocks_showed(zone: str, skipped_at: str) -> None:
    """A skip sent early in the morning or late in the evening restarts the count from the
    pair's own date (18 Nov here), not the UTC one."""
    pair = make_pair(zone=zone)
    history = PairHistory(last_meeting=date(2026, 11, 4), last_skip_at=_utc(skipped_at))
    [checkin] = due_checkins(make_program(pair), {pair.id: history}, _utc("2026-11-26T12:00"))
    assert checkin.period == date(2026, 11, 25)
    assert checkin.reason == "weekly; 1 week since they skipped a round on 18 Nov 2026"


def test_skip_keeps_counting_since_the_last_meeting() -> None:
    """After a skip the check-in counts from the last meeting; the reason names the skip."""
    pair = make_pair()
    history = PairHistory(last_meeting=date(2026, 11, 4), last_skip_at=_utc("2026-11-18T12:00"))
    [checkin] = due_checkins(make_program(pair), {pair.id: history}, _utc("2026-11-25T12:00"))
    assert (checkin.since, checkin.since_meeting) == (date(2026, 11, 4), True)
    assert checkin.reason == "weekly; 1 week since they skipped a round on 18 Nov 2026"


def test_resumed_pair_counts_from_its_start() -> None:
    """A pair that never met counts from its start after a pause, not from the pause's end."""
    pair = make_pair(status=Status.PAUSED, paused_until=date(2026, 11, 12))
    [checkin] = due_checkins(make_program(pair), NO_HISTORY, _utc("2026-11-20T12:00"))
    assert (checkin.since, checkin.since_meeting) == (pair.started, False)


REPLIED_AT = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("pair", "reply", "expected"),
    [
        pytest.param(make_pair(), reply_pause(None, set_at=REPLIED_AT), [], id="reply-pause"),
        pytest.param(
            make_pair(), reply_pause(date(2026, 11, 21), set_at=REPLIED_AT), [], id="paused-yet"
        ),
        pytest.param(
            make_pair(),
            reply_pause(date(2026, 11, 12), set_at=REPLIED_AT),
            [date(2026, 11, 19)],
            id="reply-pause-over-counts-from-its-end",
        ),
        pytest.param(make_pair(), reply_end(set_at=REPLIED_AT), [], id="reply-end"),
        pytest.param(
            make_pair(status=Status.PAUSED, paused_until=date(2026, 11, 12)),
            reply_pause(date(2026, 12, 24), set_at=REPLIED_AT),
            [date(2026, 11, 19)],
            id="yaml-pause-in-force-at-reply-wins",
        ),
    ],
)
def test_reply_status_applies(pair: Pair, reply: ReplyStatus, expected: list[date]) -> None:
    """A pause or end asked for by reply silences the pair like the same status in the YAML."""
    assert _due_periods(pair, PairHistory(reply_status=reply), "2026-11-20T12:00") == expected


def test_planned_levels_climb() -> None:
    """The plan shows each coming period with its level, reset after a pause asked by reply."""
    pair = make_pair()
    history = PairHistory(reply_status=reply_pause(date(2026, 11, 25), set_at=REPLIED_AT))
    planned = planned_checkins(
        make_program(pair),
        {pair.id: PairHistory(last_checkin=date(2026, 11, 9), asked=(date(2026, 11, 9),))},
        now=_utc("2026-11-10T12:00"),
        until=_utc("2026-11-30T12:00"),
    )
    assert [(c.period, c.level) for c in planned] == [
        (date(2026, 11, 16), 1),
        (date(2026, 11, 23), 2),
        (date(2026, 11, 30), 3),
    ]
    paused = planned_checkins(
        make_program(pair),
        {pair.id: history},
        now=_utc("2026-11-10T12:00"),
        until=_utc("2026-12-16T12:00"),
    )
    assert [(c.period, c.level) for c in paused] == [
        (date(2026, 12, 2), 0),
        (date(2026, 12, 9), 1),
        (date(2026, 12, 16), 2),
    ]


@pytest.mark.parametrize(
    ("pair", "history", "now", "expected"),
    [
        pytest.param(make_pair(), PairHistory(), "2026-11-09T12:00", None, id="on-the-day"),
        pytest.param(
            make_pair(),
            PairHistory(),
            "2026-11-10T12:00",
            OverduePair(
                "ada-bo",
                periods=0,
                since=date(2026, 11, 2),
                days=1,
                missed_since=date(2026, 11, 9),
            ),
            id="day-after-first-check-in",
        ),
        pytest.param(
            make_pair(),
            PairHistory(last_meeting=date(2026, 11, 10)),
            "2026-12-01T07:00",
            OverduePair(
                "ada-bo",
                periods=1,
                since=date(2026, 11, 10),
                days=14,
                missed_since=date(2026, 11, 17),
            ),
            id="since-last-meeting-before-sending-time",
        ),
        pytest.param(
            make_pair(),
            PairHistory(last_skip_at=_utc("2026-11-18T12:00")),
            "2026-11-26T12:00",
            OverduePair(
                "ada-bo",
                periods=0,
                since=date(2026, 11, 18),
                days=1,
                missed_since=date(2026, 11, 25),
            ),
            id="since-skip",
        ),
        pytest.param(
            make_pair(status=Status.PAUSED, paused_until=date(2026, 11, 30)),
            PairHistory(),
            "2026-11-20T12:00",
            None,
            id="paused",
        ),
        pytest.param(
            make_pair(),
            PairHistory(reply_status=reply_end(set_at=REPLIED_AT)),
            "2026-11-20T12:00",
            None,
            id="ended-by-reply",
        ),
    ],
)
def test_overdue_pairs(
    pair: Pair, history: PairHistory, now: str, expected: OverduePair | None
) -> None:
    """A pair is overdue from the day after its first check-in since its anchor."""
    found = overdue_pairs(make_program(pair), {pair.id: history}, _utc(now))
    assert found == ([] if expected is None else [expected])


def test_overdue_pairs_most_overdue_first() -> None:
    """Overdue pairs come most overdue first, then by pair id; a naive now is refused."""
    program = make_program(
        make_pair("bob", started=date(2026, 10, 5)),
        make_pair("amy", started=date(2026, 10, 5)),
        make_pair("cat", started=date(2026, 9, 7)),
    )
    found = overdue_pairs(program, NO_HISTORY, _utc("2026-11-20T12:00"))
    assert [(o.pair_id, o.days, o.periods) for o in found] == [
        ("cat", 67, 9),
        ("amy", 39, 5),
        ("bob", 39, 5),
    ]
    with pytest.raises(ValueError, match="aware"):
        overdue_pairs(program, NO_HISTORY, datetime(2026, 11, 20))  # noqa: DTZ001


@settings(max_examples=15)
@given(pair=active_pairs(), skips=st.lists(st.integers(20, 365), max_size=3))
def test_ladder_climbs_once_per_period(pair: Pair, skips: list[int]) -> None:
    """Polling a year without meetings, each period is asked once, one level up, until a skip."""
    program = make_program(pair)
    skip_days = sorted(pair.started + timedelta(days=offset) for offset in skips)
    history = PairHistory()
    queued: list[Checkin] = []
    restarted = True
    last_skipped: date | None = None
    now = _instant(pair.started, 0)
    for _ in range(365 * 2):
        skipped = max((day for day in skip_days if _instant(day, 0) <= now), default=None)
        restarted = restarted or skipped != last_skipped
        last_skipped = skipped
        history = replace(history, last_skip_at=None if skipped is None else _instant(skipped, 0))
        for checkin in due_checkins(program, {pair.id: history}, now):
            assert not queued or checkin.period > queued[-1].period
            assert checkin.level == (0 if restarted else queued[-1].level + 1)
            assert _RUNG_WORDS[period_kind(program, checkin.level)[0]] in checkin.reason
            queued.append(checkin)
            history = replace(
                history, last_checkin=checkin.period, asked=(*history.asked, checkin.period)
            )
            restarted = False
        now += timedelta(hours=12)


_RUNG_WORDS = {
    Kind.CHECKIN: " since ",
    Kind.REMINDER: "reminder",
    Kind.PAUSE_OR_END: "pause or end",
}


def _first_due_after(pair: Pair, anchor: date) -> datetime:
    first = next(occurrences_after(pair.schedule.cadence, started=pair.started, anchor=anchor))
    if pair.schedule.weekdays_only:
        first = next_weekday(first)
    return local_instant(first, pair.schedule.send_at, pair.timezone)


def _poll(
    program: Program, history: PairHistory, now: datetime, queued: list[tuple[datetime, Checkin]]
) -> PairHistory:
    """One planner tick: queue what is due and return the history with it recorded."""
    for checkin in due_checkins(program, {program.pairs[0].id: history}, now):
        queued.append((now, checkin))
        history = replace(history, last_checkin=checkin.period)
    return history


@settings(max_examples=25)
@given(
    pair=active_pairs(),
    earlier=st.none() | st.integers(0, 30),
    met=st.integers(0, 150),
    lag_hours=st.integers(0, 72),
    dispute_share=st.floats(0, 1),
)
def test_dispute_restores_the_previous_schedule(
    pair: Pair, earlier: int | None, met: int, lag_hours: int, dispute_share: float
) -> None:
    """A meeting logged and then disputed leaves the check-ins as if it had never been logged."""
    program = make_program(pair)
    before = None if earlier is None else pair.started + timedelta(days=earlier)
    disputed_day = pair.started + timedelta(days=(earlier or 0) + met + 1)
    logged = _instant(disputed_day, 24 * 60 + lag_hours * 60)
    next_after_meeting = _first_due_after(pair, disputed_day)
    assume(logged < next_after_meeting)
    removed = logged + (next_after_meeting - logged) * dispute_share
    without = with_dispute = PairHistory(last_meeting=before)
    queued_without: list[tuple[datetime, Checkin]] = []
    queued_with: list[tuple[datetime, Checkin]] = []
    now = _instant(pair.started, 0)
    for _ in range(200 * 2):
        meeting = disputed_day if logged <= now < removed else before
        without = _poll(program, without, now, queued_without)
        with_dispute = _poll(program, replace(with_dispute, last_meeting=meeting), now, queued_with)
        now += timedelta(hours=12)
    assert [c for at, c in queued_with if logged <= at < removed] == []
    after_without = [c for at, c in queued_without if at >= removed]
    after_with = [c for at, c in queued_with if at >= removed]
    caught_up = after_with[: len(after_with) - len(after_without)]
    assert after_with[len(caught_up) :] == after_without
    assert caught_up in ([], [c for at, c in queued_without if at < removed][-1:])


@pytest.mark.parametrize(
    ("day", "weekdays_only", "expected"),
    [
        pytest.param(date(2026, 11, 20), True, "2026-11-20T09:30+01:00", id="friday"),
        pytest.param(date(2026, 11, 21), True, "2026-11-23T09:30+01:00", id="saturday-to-monday"),
        pytest.param(date(2026, 11, 22), False, "2026-11-22T09:30+01:00", id="sunday-any-day"),
        pytest.param(date(2027, 3, 28), False, "2027-03-28T09:30+02:00", id="summer-time"),
    ],
)
def test_sending_instant_on(day: date, weekdays_only: bool, expected: str) -> None:
    """The pair's sending time on its local date, on the Monday after a weekend date for a
    weekdays-only pair."""
    pair = make_pair(send_at=time(9, 30), zone="Europe/Berlin", weekdays_only=weekdays_only)
    assert sending_instant_on(pair, day) == datetime.fromisoformat(expected)
