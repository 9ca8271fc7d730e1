"""Event emails: thank-yous, confirmations, follow-ups, welcome-backs, farewells, anniversaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder_service.core.cadence import local_instant
from reminder_service.core.due import due_checkins, planned_checkins
from reminder_service.core.model import (
    Kind,
    MeetingRecord,
    Pair,
    PairActivity,
    PairHistory,
    Planned,
    Program,
    Silence,
    Status,
)
from reminder_service.core.relationship import (
    confirming_member,
    planned_relationship_emails,
    relationship_emails,
    reporting_member,
)

from .strategies import (
    COORDINATOR,
    MENTEE,
    MENTOR,
    active_pairs,
    make_meeting,
    make_pair,
    make_program,
    reply_end,
    reply_pause,
    reply_statuses,
    send_times,
    zones,
)

NOW = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)
LOGGED = datetime(2026, 11, 11, 9, 30, tzinfo=UTC)
NO_HISTORY = PairHistory()
NO_ACTIVITY = PairActivity()


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


def _emails(
    pair: Pair,
    now: datetime,
    *,
    history: PairHistory = NO_HISTORY,
    activity: PairActivity = NO_ACTIVITY,
    program: Program | None = None,
) -> list[Planned]:
    program = program or make_program(pair)
    return relationship_emails(program, {pair.id: history}, {pair.id: activity}, now)


def _keys(items: list[Planned]) -> list[str]:
    return [item.key for item in items]


def _met(*meetings: MeetingRecord) -> PairActivity:
    return PairActivity(recent_meetings=meetings)


def test_thanks_and_confirmation() -> None:
    """A logged meeting brings a thank-you and a confirmation, due when it was logged."""
    items = _emails(make_pair(), NOW, activity=_met(make_meeting(7)))
    assert items == [
        Planned(
            kind=Kind.CONFIRMATION,
            pair_id="ada-bo",
            key="confirmation:7",
            due_at=LOGGED,
            reason="asks Ada Mentor to confirm the meeting on 10 Nov 2026 that Bo Mentee logged",
            meeting_id=7,
        ),
        Planned(
            kind=Kind.THANKS,
            pair_id="ada-bo",
            key="thanks:7",
            due_at=LOGGED,
            reason="thank-you for the meeting on 10 Nov 2026 that Bo Mentee logged",
            meeting_id=7,
        ),
    ]


@pytest.mark.parametrize(
    ("meeting", "now", "expected"),
    [
        pytest.param(
            make_meeting(reported_by=" ADA@Example.org"),
            NOW,
            ["confirmation:1", "thanks:1"],
            id="mentor",
        ),
        pytest.param(make_meeting(reported_by=COORDINATOR.email), NOW, ["thanks:1"], id="unknown"),
        pytest.param(make_meeting(), LOGGED - timedelta(seconds=1), [], id="not-logged-yet"),
        pytest.param(
            make_meeting(), LOGGED + timedelta(days=14), ["confirmation:1", "thanks:1"], id="day-14"
        ),
        pytest.param(make_meeting(), LOGGED + timedelta(days=14, seconds=1), [], id="too-old"),
        pytest.param(make_meeting(removed_at=NOW), NOW, ["dispute:1"], id="disputed"),
        pytest.param(
            make_meeting(removed_at=NOW - timedelta(days=15)), NOW, [], id="disputed-long-ago"
        ),
    ],
)
def test_meeting_emails(meeting: MeetingRecord, now: datetime, expected: list[str]) -> None:
    """Recent meetings are thanked and confirmed; a disputed one only tells the coordinator."""
    assert _keys(_emails(make_pair(), now, activity=_met(meeting))) == expected


def test_dispute_notice() -> None:
    """The dispute notice is due when the meeting was removed, and names it."""
    [notice] = _emails(make_pair(), NOW, activity=_met(make_meeting(3, removed_at=NOW)))
    assert (notice.kind, notice.due_at, notice.meeting_id) == (Kind.DISPUTE_NOTICE, NOW, 3)
    assert (
        notice.reason == "tells the coordinator the meeting on 10 Nov 2026 was disputed and removed"
    )


@pytest.mark.parametrize(
    ("reported_by", "reporter", "confirmer"),
    [
        pytest.param(MENTOR.email, MENTOR, MENTEE, id="mentor"),
        pytest.param("Bo@Example.ORG", MENTEE, MENTOR, id="mentee-any-case"),
        pytest.param("cy@example.org", None, None, id="neither"),
    ],
)
def test_who_confirms(reported_by: str, reporter: object, confirmer: object) -> None:
    """The member who did not log the meeting confirms it; nobody when neither logged it."""
    pair = make_pair()
    meeting = make_meeting(reported_by=reported_by)
    assert reporting_member(pair, meeting) == reporter
    assert confirming_member(pair, reporting_member(pair, meeting)) == confirmer


def test_a_member_logging_from_the_ascii_spelling_of_their_domain_is_the_reporter() -> None:
    """A meeting logged from the xn-- spelling of the mentee's domain asks the mentor to
    confirm it, as one logged from the spelling in the program file does."""
    pair = replace(make_pair(), mentee=replace(MENTEE, email="bo@bücher.example"))
    meeting = make_meeting(reported_by="Bo@XN--BCHER-KVA.example")
    assert reporting_member(pair, meeting) is pair.mentee
    assert _keys(_emails(pair, NOW, activity=_met(meeting))) == ["confirmation:1", "thanks:1"]


MONTHLY = make_pair(cadence="monthly", started=date(2026, 10, 1))
NOT_YET = _utc("2026-11-02T10:00")


@pytest.mark.parametrize(
    ("history", "now", "expected"),
    [
        pytest.param(NO_HISTORY, "2026-11-09T07:59", [], id="not-yet"),
        pytest.param(NO_HISTORY, "2026-11-09T08:00", ["follow_up:ada-bo:2026-11-02"], id="due"),
        pytest.param(
            PairHistory(last_meeting=date(2026, 11, 1)),
            "2026-11-09T10:00",
            ["follow_up:ada-bo:2026-11-02"],
            id="meeting-before-the-reply",
        ),
        pytest.param(
            PairHistory(last_meeting=date(2026, 11, 2)), "2026-11-09T10:00", [], id="met-since"
        ),
        pytest.param(
            PairHistory(last_skip_at=datetime(2026, 11, 4, 12, tzinfo=UTC)),
            "2026-11-09T10:00",
            [],
            id="skipped-since",
        ),
        pytest.param(
            PairHistory(last_skip_at=_utc("2026-11-02T10:30")),
            "2026-11-09T10:00",
            [],
            id="skipped-later-the-same-day",
        ),
        pytest.param(
            PairHistory(last_skip_at=NOT_YET),
            "2026-11-09T10:00",
            [],
            id="skipped-in-the-same-fetch",
        ),
        pytest.param(
            PairHistory(last_skip_at=_utc("2026-11-02T08:00")),
            "2026-11-09T10:00",
            ["follow_up:ada-bo:2026-11-02"],
            id="skipped-earlier-the-same-day",
        ),
        pytest.param(NO_HISTORY, "2026-12-02T12:00", [], id="next-check-in-came-first"),
        pytest.param(
            PairHistory(reply_status=reply_pause(None, set_at=NOT_YET)),
            "2026-11-09T10:00",
            [],
            id="paused",
        ),
        pytest.param(
            PairHistory(reply_status=reply_pause(date(2026, 11, 5), set_at=NOT_YET)),
            "2026-11-09T10:00",
            ["welcome_back:ada-bo:2026-11-05"],
            id="pause-ended-since",
        ),
    ],
)
def test_follow_up(history: PairHistory, now: str, expected: list[str]) -> None:
    """A "not yet" gets one follow-up, unless the pair met, skipped, paused or was asked again."""
    history = replace(history, last_not_met_at=NOT_YET)
    assert _keys(_emails(MONTHLY, _utc(now), history=history)) == expected


def test_follow_up_timing_and_reason() -> None:
    """The follow-up is due at the pair's sending time follow_up_after after the reply's
    date, and says so."""
    program = make_program(MONTHLY, follow_up_after=timedelta(days=3))
    [item] = _emails(
        MONTHLY,
        _utc("2026-11-06T00:00"),
        history=PairHistory(last_not_met_at=NOT_YET),
        program=program,
    )
    assert (item.kind, item.due_at) == (Kind.FOLLOW_UP, _utc("2026-11-05T08:00"))
    assert item.reason == "gentle follow-up 3 days after they answered 'not yet' on 2 Nov 2026"


def test_follow_up_when_not_yet_answers_todays_check_in() -> None:
    """A "not yet" to the check-in sent earlier the same day still gets its follow-up."""
    history = PairHistory(last_checkin=date(2026, 11, 1), last_not_met_at=_utc("2026-11-01T12:00"))
    items = _emails(MONTHLY, _utc("2026-11-08T12:00"), history=history)
    assert _keys(items) == ["follow_up:ada-bo:2026-11-01"]


def _follow_up_pair(
    *, zone: str = "Europe/Berlin", send_at: time = time(9, 0), weekdays_only: bool = False
) -> Pair:
    """A monthly pair whose check-ins (on the 20th) stay clear of the follow-ups below."""
    return make_pair(
        cadence="monthly",
        started=date(2027, 1, 20),
        zone=zone,
        send_at=send_at,
        weekdays_only=weekdays_only,
    )


@pytest.mark.parametrize(
    ("pair", "replied", "expected"),
    [
        pytest.param(
            _follow_up_pair(), "2027-02-01T22:50", "2027-02-08T08:00", id="late-evening-reply"
        ),
        pytest.param(
            _follow_up_pair(zone="Pacific/Auckland"),
            "2027-02-01T12:30",
            "2027-02-08T20:00",
            id="local-date-ahead-of-utc",
        ),
        pytest.param(
            _follow_up_pair(weekdays_only=True),
            "2027-02-06T10:00",
            "2027-02-15T08:00",
            id="weekend-moves-to-monday",
        ),
        pytest.param(
            _follow_up_pair(),
            "2027-02-06T10:00",
            "2027-02-13T08:00",
            id="weekend-kept-without-weekdays-only",
        ),
        pytest.param(
            _follow_up_pair(send_at=time(2, 30)),
            "2027-03-21T10:00",
            "2027-03-28T01:30",
            id="sending-time-in-the-spring-gap",
        ),
        pytest.param(
            _follow_up_pair(), "2027-10-25T10:00", "2027-11-01T08:00", id="across-fall-back"
        ),
    ],
)
def test_follow_up_goes_at_the_pairs_sending_time(pair: Pair, replied: str, expected: str) -> None:
    """The follow-up is due at the pair's sending time, on the local date follow_up_after
    after the reply's (Monday for a weekend date of a weekdays-only pair), not at the time
    of day the reply came."""
    history = PairHistory(last_not_met_at=_utc(replied))
    due_at = _utc(expected)
    assert _emails(pair, due_at - timedelta(microseconds=1), history=history) == []
    [item] = _emails(pair, due_at, history=history)
    assert (item.kind, item.due_at) == (Kind.FOLLOW_UP, due_at)


@given(
    zone=zones,
    send_at=send_times,
    weekdays_only=st.booleans(),
    replied=st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001
        max_value=datetime(2090, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    days=st.integers(1, 60),
)
def test_follow_up_is_at_sending_time_on_the_date_after_the_reply(
    zone: ZoneInfo, send_at: time, weekdays_only: bool, replied: datetime, days: int
) -> None:
    """For any reply instant and zone, the follow-up falls at the pair's sending time (as
    `local_instant` reads it across clock changes) on the local date `days` after the
    reply's, or the next weekday for a weekdays-only pair."""
    target = replied.astimezone(zone).date() + timedelta(days=days)
    pair = make_pair(
        cadence="yearly",
        started=target - timedelta(days=days),
        send_at=send_at,
        zone=zone,
        weekdays_only=weekdays_only,
    )
    program = make_program(pair, follow_up_after=timedelta(days=days), anniversaries=False)
    history = PairHistory(last_not_met_at=replied)
    now = replied + timedelta(days=days + 4)
    [item] = _emails(pair, now, history=history, program=program)
    day = item.due_at.astimezone(zone).date()
    latest = target + timedelta(days=2 if weekdays_only else 0)
    assert target <= day <= latest
    assert not weekdays_only or day.weekday() < 5
    assert item.due_at == local_instant(day, send_at, zone)


@pytest.mark.parametrize(
    ("pair", "history", "now", "expected"),
    [
        pytest.param(
            make_pair(status=Status.PAUSED, paused_until=date(2026, 11, 16)),
            NO_HISTORY,
            "2026-11-16T07:59",
            [],
            id="before-sending-time",
        ),
        pytest.param(
            make_pair(status=Status.PAUSED, paused_until=date(2026, 11, 16)),
            NO_HISTORY,
            "2026-11-16T08:00",
            ["welcome_back:ada-bo:2026-11-16"],
            id="on-the-day",
        ),
        pytest.param(
            make_pair(status=Status.PAUSED, paused_until=date(2026, 11, 16)),
            NO_HISTORY,
            "2026-11-23T22:59",
            ["welcome_back:ada-bo:2026-11-16"],
            id="seven-days-late",
        ),
        pytest.param(
            make_pair(status=Status.PAUSED, paused_until=date(2026, 11, 16)),
            NO_HISTORY,
            "2026-11-23T23:00",
            [],
            id="eight-days-late-in-berlin",
        ),
        pytest.param(
            make_pair(),
            PairHistory(reply_status=reply_pause(date(2026, 11, 16), set_at=NOW)),
            "2026-11-16T08:00",
            ["welcome_back:ada-bo:2026-11-16"],
            id="pause-asked-by-reply",
        ),
        pytest.param(
            make_pair(status=Status.PAUSED), NO_HISTORY, "2026-11-16T08:00", [], id="open-pause"
        ),
        pytest.param(
            make_pair(
                status=Status.PAUSED, paused_until=date(2026, 11, 16), ended_on=date(2026, 11, 16)
            ),
            NO_HISTORY,
            "2026-11-16T08:00",
            [],
            id="ends-as-it-resumes",
        ),
        pytest.param(
            make_pair(),
            PairHistory(silence=Silence(Status.PAUSED, resumed_on=date(2026, 11, 16))),
            "2026-11-16T08:00",
            ["welcome_back:ada-bo:2026-11-16"],
            id="yaml-pause-lifted-by-status-active",
        ),
        pytest.param(
            make_pair(),
            PairHistory(silence=Silence(Status.PAUSED)),
            "2026-11-16T08:00",
            ["welcome_back:ada-bo:2026-11-16"],
            id="yaml-pause-lifted-not-stored-yet",
        ),
        pytest.param(
            make_pair(),
            PairHistory(silence=Silence(Status.PAUSED, noted_on=date(2026, 11, 16))),
            "2026-11-16T08:00",
            [],
            id="yaml-pause-undone-the-day-it-was-written",
        ),
        pytest.param(
            make_pair(),
            PairHistory(
                reply_status=reply_pause(None, set_at=_utc("2026-10-01T10:00")),
                silence=Silence(Status.PAUSED, noted_on=date(2026, 10, 2)),
            ),
            "2026-11-16T08:00",
            ["welcome_back:ada-bo:2026-11-16"],
            id="reply-pause-copied-into-the-yaml-then-lifted",
        ),
        pytest.param(
            make_pair(),
            PairHistory(silence=Silence(Status.ENDED, resumed_on=date(2026, 11, 16))),
            "2026-11-16T08:00",
            [],
            id="ended-pair-reactivated-no-welcome-back",
        ),
        pytest.param(
            make_pair(status=Status.PAUSED),
            PairHistory(silence=Silence(Status.PAUSED)),
            "2026-11-16T08:00",
            [],
            id="yaml-pause-still-in-force",
        ),
    ],
)
def test_welcome_back(pair: Pair, history: PairHistory, now: str, expected: list[str]) -> None:
    """A pause ending brings one welcome-back at the pair's sending time, at most a week late."""
    assert _keys(_emails(pair, _utc(now), history=history)) == expected


def test_farewell_and_notice() -> None:
    """A pair that ends by reply gets a farewell, the coordinator a notice, and nothing else."""
    ended_at = _utc("2026-11-10T23:30")
    history = PairHistory(reply_status=reply_end(set_at=ended_at), last_not_met_at=NOT_YET)
    pair = make_pair(started=date(2025, 11, 11))
    activity = _met(make_meeting())
    items = _emails(pair, NOW, history=history, activity=activity)
    assert [(item.kind, item.key, item.due_at) for item in items] == [
        (Kind.ENDED_NOTICE, "ended:ada-bo", ended_at),
        (Kind.FAREWELL, "farewell:ada-bo", ended_at),
    ]
    assert items[1].reason == "farewell: the pair asked by reply on 11 Nov 2026 to end"
    assert items[0].reason == "tells the coordinator the pair asked by reply on 11 Nov 2026 to end"


@pytest.mark.parametrize(
    ("pair", "now", "expected"),
    [
        pytest.param(make_pair(status=Status.PAUSED), NOW, [], id="yaml-paused-wins"),
        pytest.param(make_pair(status=Status.ENDED), NOW, [], id="yaml-ended"),
        pytest.param(make_pair(ended_on=date(2026, 11, 11)), NOW, [], id="yaml-ended-on"),
    ],
)
def test_no_farewell_when_the_yaml_decides(pair: Pair, now: datetime, expected: list[str]) -> None:
    """A reply end is no farewell while the YAML pauses or ends the pair itself."""
    history = PairHistory(reply_status=reply_end(set_at=NOW))
    assert _keys(_emails(pair, now, history=history)) == expected


@pytest.mark.parametrize(
    ("started", "now", "expected"),
    [
        pytest.param(date(2025, 11, 20), "2026-11-20T07:59", [], id="before-sending-time"),
        pytest.param(date(2025, 11, 20), "2026-11-20T08:00", ["anniversary:ada-bo:1"], id="first"),
        pytest.param(date(2025, 11, 20), "2026-11-27T22:59", ["anniversary:ada-bo:1"], id="late"),
        pytest.param(date(2025, 11, 20), "2026-11-27T23:00", [], id="too-late"),
        pytest.param(date(2026, 11, 20), "2026-11-20T12:00", [], id="start-is-no-anniversary"),
        pytest.param(date(2024, 2, 29), "2025-02-28T08:00", ["anniversary:ada-bo:1"], id="feb-28"),
        pytest.param(date(2024, 2, 29), "2028-02-28T12:00", [], id="leap-year-waits"),
        pytest.param(date(2024, 2, 29), "2028-02-29T12:00", ["anniversary:ada-bo:4"], id="leap"),
    ],
)
def test_anniversary(started: date, now: str, expected: list[str]) -> None:
    """Each anniversary of the start brings one thank-you, on the day or up to a week late."""
    pair = make_pair(cadence="yearly", started=started)
    assert _keys(_emails(pair, _utc(now))) == expected


def test_anniversary_reason_and_switches() -> None:
    """The reason counts the years; no anniversary mail when it is off or the pair is paused."""
    pair = make_pair(cadence="yearly", started=date(2024, 11, 20))
    now = _utc("2026-11-20T12:00")
    [item] = _emails(pair, now)
    assert (item.kind, item.due_at) == (Kind.ANNIVERSARY, _utc("2026-11-20T08:00"))
    assert item.reason == "2 years since the pair started on 20 Nov 2024"
    assert _emails(pair, now, program=make_program(pair, anniversaries=False)) == []
    paused = PairHistory(reply_status=reply_pause(date(2026, 12, 1), set_at=now))
    assert _emails(pair, now, history=paused) == []


def test_paused_pair_still_thanked() -> None:
    """A paused pair is thanked for a meeting it reports, and the dispute of one is noticed."""
    pair = make_pair(status=Status.PAUSED)
    activity = _met(make_meeting(1), make_meeting(2, removed_at=NOW))
    assert _keys(_emails(pair, NOW, activity=activity)) == [
        "confirmation:1",
        "thanks:1",
        "dispute:2",
    ]


def test_sorted_across_pairs_and_naive_now_refused() -> None:
    """Emails for several pairs come sorted by due instant then key; a naive now is refused."""
    program = make_program(make_pair("bob"), make_pair("amy"))
    activity = {
        "bob": _met(make_meeting(2, pair_id="bob", logged_at=LOGGED - timedelta(hours=1))),
        "amy": _met(make_meeting(1, pair_id="amy")),
    }
    items = relationship_emails(program, {}, activity, NOW)
    assert _keys(items) == ["confirmation:2", "thanks:2", "confirmation:1", "thanks:1"]
    with pytest.raises(ValueError, match="aware"):
        relationship_emails(program, {}, activity, datetime(2026, 11, 11))  # noqa: DTZ001


def test_planned_relationship_emails() -> None:
    """The plan lists what is due now and the event emails and digests coming in the window."""
    active = make_pair("ana", cadence="monthly", started=date(2025, 11, 20))
    paused = make_pair("bo", status=Status.PAUSED, paused_until=date(2026, 11, 25))
    late = make_pair("cy", cadence="monthly", started=date(2026, 10, 20))
    program = make_program(active, paused, late)
    histories = {
        "ana": PairHistory(last_not_met_at=_utc("2026-11-12T10:00")),
        "cy": PairHistory(last_not_met_at=_utc("2026-11-14T10:00")),
    }
    activity = {"bo": _met(make_meeting(5, pair_id="bo", logged_at=_utc("2026-11-14T10:00")))}
    now = _utc("2026-11-15T12:00")
    planned = planned_relationship_emails(
        program, histories, activity, now=now, until=_utc("2026-11-30T08:00")
    )
    assert [(item.key, item.due_at) for item in planned] == [
        ("confirmation:5", _utc("2026-11-14T10:00")),
        ("thanks:5", _utc("2026-11-14T10:00")),
        ("digest:2026-11-16", _utc("2026-11-16T08:00")),
        ("follow_up:ana:2026-11-12", _utc("2026-11-19T08:00")),
        ("anniversary:ana:1", _utc("2026-11-20T08:00")),
        ("digest:2026-11-23", _utc("2026-11-23T08:00")),
        ("welcome_back:bo:2026-11-25", _utc("2026-11-25T08:00")),
        ("digest:2026-11-30", _utc("2026-11-30T08:00")),
    ]


def test_planned_relationship_emails_checks_the_window() -> None:
    """A plan needs aware instants and an end that is not before its start."""
    program = make_program(make_pair())
    with pytest.raises(ValueError, match="aware"):
        planned_relationship_emails(program, {}, {}, now=NOW, until=datetime(2026, 12, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="before now"):
        planned_relationship_emails(program, {}, {}, now=NOW, until=NOW - timedelta(seconds=1))


@st.composite
def activities(draw: st.DrawFn, *, around: datetime) -> PairActivity:
    """Recent meetings (some disputed) within weeks of `around`."""
    offsets = _within_weeks_of(around)
    meetings = tuple(
        make_meeting(
            index,
            met_on=logged.date() - timedelta(days=1),
            minutes=draw(st.none() | st.integers(5, 240)),
            reported_by=draw(st.sampled_from([MENTOR.email, MENTEE.email, "x@example.org"])),
            logged_at=logged,
            removed_at=draw(st.none() | st.just(logged + timedelta(days=1))),
        )
        for index, logged in enumerate(draw(st.lists(offsets, max_size=3)))
    )
    return PairActivity(recent_meetings=meetings)


def _within_weeks_of(around: datetime) -> st.SearchStrategy[datetime]:
    """Instants within 30 days either side of `around`, to the minute."""
    return st.integers(-30 * 24 * 60, 30 * 24 * 60).map(lambda m: around + timedelta(minutes=m))


@st.composite
def histories(draw: st.DrawFn, *, around: date) -> PairHistory:
    """Any mix of last meeting, check-in and skip within months of `around`."""
    days = st.none() | st.integers(-200, 200).map(lambda d: around + timedelta(days=d))
    minutes = st.integers(-200 * 24 * 60, 200 * 24 * 60)
    instants = st.none() | minutes.map(
        lambda m: datetime.combine(around, datetime.min.time(), UTC) + timedelta(minutes=m)
    )
    return PairHistory(
        last_meeting=draw(days), last_checkin=draw(days), last_skip_at=draw(instants)
    )


def _scene(data: st.DataObject, pair: Pair) -> tuple[datetime, PairHistory, PairActivity]:
    now = datetime.combine(pair.started, datetime.min.time(), UTC) + timedelta(
        minutes=data.draw(st.integers(-10 * 24 * 60, 3 * 365 * 24 * 60))
    )
    history = data.draw(histories(around=now.date()))
    activity = data.draw(activities(around=now))
    not_met_at = data.draw(st.none() | _within_weeks_of(now))
    return now, replace(history, last_not_met_at=not_met_at), activity


@given(data=st.data(), pair=active_pairs(), by_reply=st.booleans())
def test_ended_pair_never_gets_mail(data: st.DataObject, pair: Pair, by_reply: bool) -> None:
    """An ended pair gets no check-in ever; ended by reply, only its farewell and the notice."""
    now, history, activity = _scene(data, pair)
    if by_reply:
        set_at = now - timedelta(minutes=data.draw(st.integers(0, 400 * 24 * 60)))
        history = replace(history, reply_status=reply_end(set_at=set_at))
        allowed = {Kind.FAREWELL, Kind.ENDED_NOTICE}
    else:
        if data.draw(st.booleans()):
            pair = replace(pair, status=Status.ENDED)
        else:
            pair = replace(pair, ended_on=date(1989, 12, 31))
        history = replace(
            history, reply_status=data.draw(st.none() | reply_statuses(around=now.date()))
        )
        allowed = set()
    program = make_program(pair)
    assert due_checkins(program, {pair.id: history}, now) == []
    in_90_days = now + timedelta(days=90)
    assert planned_checkins(program, {pair.id: history}, now=now, until=in_90_days) == []
    items = relationship_emails(program, {pair.id: history}, {pair.id: activity}, now)
    assert {item.kind for item in items} <= allowed


@given(data=st.data(), pair=active_pairs())
def test_paused_pair_gets_only_meeting_mail(data: st.DataObject, pair: Pair) -> None:
    """While a pause is in force the pair gets only thank-yous and confirmations for meetings."""
    now, history, activity = _scene(data, pair)
    if data.draw(st.booleans()):
        until = data.draw(st.none() | st.just(now.date() + timedelta(days=2)))
        history = replace(history, reply_status=reply_pause(until, set_at=now))
    else:
        pair = replace(
            pair,
            status=Status.PAUSED,
            paused_until=data.draw(st.none() | st.just(now.date() + timedelta(days=2))),
        )
    items = relationship_emails(make_program(pair), {pair.id: history}, {pair.id: activity}, now)
    assert {item.kind for item in items} <= {Kind.THANKS, Kind.CONFIRMATION, Kind.DISPUTE_NOTICE}


@given(data=st.data(), pair=active_pairs())
def test_decisions_are_due_and_unique(data: st.DataObject, pair: Pair) -> None:
    """Every decided email is due by now, and no key appears twice."""
    now, history, activity = _scene(data, pair)
    if data.draw(st.booleans()):
        history = replace(history, reply_status=data.draw(reply_statuses(around=now.date())))
    items = relationship_emails(make_program(pair), {pair.id: history}, {pair.id: activity}, now)
    assert all(item.due_at <= now for item in items)
    assert len({item.key for item in items}) == len(items)


@settings(max_examples=20)
@given(
    pair=active_pairs(
        started=st.sampled_from([date(2024, 2, 29), date(2023, 3, 1)])
        | st.dates(date(2020, 1, 1), date(2030, 1, 1))
    ),
    minute_of_day=st.integers(0, 24 * 60 - 1),
)
def test_anniversary_once_a_year(pair: Pair, minute_of_day: int) -> None:
    """Stepping daily through six years, each anniversary goes out once, on time or days late."""
    program = make_program(pair)
    sent: dict[str, datetime] = {}
    start = datetime.combine(pair.started, datetime.min.time(), UTC)
    now = start + timedelta(minutes=minute_of_day)
    while now < start + timedelta(days=6 * 366):
        for item in relationship_emails(program, {}, {}, now):
            assert item.kind is Kind.ANNIVERSARY
            sent.setdefault(item.key, now)
        now += timedelta(days=1)
    assert list(sent) == [f"anniversary:{pair.id}:{years}" for years in range(1, len(sent) + 1)]
    assert len(sent) in (5, 6)
    moments = list(sent.values())
    assert all(b - a >= timedelta(days=364) for a, b in pairwise(moments))
