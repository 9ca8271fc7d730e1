"""Due and planned check-ins: anchors, one check-in per period, catch-up, pauses and endings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder_service.core.cadence import local_instant, next_weekday, occurrences_after
from reminder_service.core.due import due_checkins, planned_checkins
from reminder_service.core.model import Checkin, Pair, PairHistory, Status

from .strategies import active_pairs, make_pair, make_program

NO_HISTORY: dict[str, PairHistory] = {}


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


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
