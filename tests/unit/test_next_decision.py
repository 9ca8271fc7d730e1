"""`next_decision_at`: until the instant it gives, planning a pair again finds nothing new."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.due import due_checkins
from reminder_service.core.model import PairActivity, PairHistory, Program, Status
from reminder_service.core.relationship import next_decision_at, relationship_emails
from tests.unit.strategies import (
    active_pairs,
    make_meeting,
    make_pair,
    make_program,
    reply_statuses,
)

STARTS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def due_keys(
    program: Program, history: PairHistory, activity: PairActivity, at: datetime
) -> set[str]:
    """The keys of every email due for the program's one pair at `at`, queued or not."""
    (pair,) = program.pairs
    histories, activities = {pair.id: history}, {pair.id: activity}
    checkins = {f"checkin:{c.pair_id}:{c.period}" for c in due_checkins(program, histories, at)}
    planned = {item.key for item in relationship_emails(program, histories, activities, at)}
    return checkins | planned


def instant(day: date, *, seconds: int) -> datetime:
    """An instant `seconds` after UTC midnight starting `day`."""
    return datetime.combine(day, time(), UTC) + timedelta(seconds=seconds)


@st.composite
def situations(draw: st.DrawFn) -> tuple[Program, PairHistory, PairActivity, datetime]:
    """A pair (sometimes paused or ending in the YAML), its history and activity, and a now."""
    pair = draw(active_pairs(started=STARTS))
    now = instant(pair.started, seconds=draw(st.integers(-86_400, 800 * 86_400)))
    today = now.date()

    def near(days: int) -> st.SearchStrategy[date]:
        return st.integers(-days, days).map(lambda offset: today + timedelta(days=offset))

    yaml = draw(st.sampled_from(["active", "paused_until", "paused", "ended_on"]))
    if yaml == "paused_until":
        pair = replace(pair, status=Status.PAUSED, paused_until=draw(near(40)))
    elif yaml == "paused":
        pair = replace(pair, status=Status.PAUSED)
    elif yaml == "ended_on":
        pair = replace(pair, ended_on=draw(near(40)))
    last_meeting = draw(st.none() | near(60))
    asked = tuple(sorted(draw(st.sets(near(60), max_size=3))))
    history = PairHistory(
        last_meeting=last_meeting,
        last_checkin=asked[-1] if asked else None,
        last_skip_at=draw(st.none() | _instants(near(60))),
        reply_status=draw(st.none() | reply_statuses(around=today)),
        asked=asked,
        last_sent_at=draw(st.none() | _instants(near(40))),
        last_not_met_at=draw(
            st.none() | st.integers(0, 20 * 86_400).map(lambda s: now - timedelta(seconds=s))
        ),
    )
    logged = [
        now - timedelta(seconds=draw(st.integers(0, 20 * 86_400)))
        for _ in range(draw(st.integers(0, 2)))
    ]
    activity = PairActivity(
        recent_meetings=tuple(
            make_meeting(index, pair_id=pair.id, met_on=at.date(), logged_at=at)
            for index, at in enumerate(logged, start=1)
        ),
    )
    program = make_program(
        pair,
        follow_up_after=timedelta(days=draw(st.integers(1, 14))),
        anniversaries=draw(st.booleans()),
    )
    return program, history, activity, now


@given(situation=situations(), fractions=st.lists(st.floats(0, 1, exclude_max=True), max_size=6))
def test_nothing_new_falls_due_before_the_next_decision_instant(
    situation: tuple[Program, PairHistory, PairActivity, datetime], fractions: list[float]
) -> None:
    """At any instant after now and before `next_decision_at`, every due email was due at now."""
    program, history, activity, now = situation
    (pair,) = program.pairs
    until = next_decision_at(program, pair, history, activity, now)
    end = until if until is not None else now + timedelta(days=800)
    assert end > now
    already = due_keys(program, history, activity, now)
    moments = [now + (end - now) * fraction for fraction in fractions]
    for moment in [*moments, end - timedelta(microseconds=1)]:
        if now < moment < end:
            assert due_keys(program, history, activity, moment) <= already, moment


@pytest.mark.parametrize(
    ("pair", "history", "activity", "expected"),
    [
        pytest.param(
            make_pair(cadence="monthly", started=date(2026, 11, 2), zone="UTC"),
            PairHistory(),
            PairActivity(),
            datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
            id="next-period",
        ),
        pytest.param(
            make_pair(
                cadence="monthly",
                started=date(2026, 1, 2),
                zone="Europe/Berlin",
                status=Status.PAUSED,
                paused_until=date(2026, 12, 10),
            ),
            PairHistory(),
            PairActivity(),
            datetime(2026, 12, 9, 23, 0, tzinfo=UTC),
            id="pause-ends-at-local-midnight",
        ),
        pytest.param(
            make_pair(cadence="monthly", started=date(2026, 1, 2), zone="UTC"),
            PairHistory(
                last_meeting=date(2026, 11, 20),
                last_not_met_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
            ),
            PairActivity(),
            datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            id="follow-up",
        ),
        pytest.param(
            make_pair(cadence="quarterly", started=date(2025, 11, 27), zone="UTC"),
            PairHistory(last_meeting=date(2026, 11, 20)),
            PairActivity(),
            datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
            id="anniversary",
        ),
        pytest.param(
            make_pair(cadence="monthly", started=date(2026, 9, 24), zone="UTC"),
            PairHistory(
                last_checkin=date(2026, 10, 24),
                asked=(date(2026, 10, 24),),
                last_sent_at=datetime(2026, 11, 20, 6, 0, tzinfo=UTC),
            ),
            PairActivity(),
            datetime(2026, 12, 6, 9, 0, tzinfo=UTC),
            id="held-after-a-late-check-in",
        ),
        pytest.param(
            make_pair(cadence="monthly", started=date(2026, 1, 2), status=Status.ENDED),
            PairHistory(),
            PairActivity(),
            None,
            id="ended-for-good",
        ),
    ],
)
def test_next_decision_instants(
    pair: object, history: PairHistory, activity: PairActivity, expected: datetime | None
) -> None:
    """The instant is the next period, the local midnight a pause ends, a follow-up, an
    anniversary, the end of the wait after a late check-in, or None for a pair the YAML
    ended."""
    program = make_program(pair)  # type: ignore[arg-type]
    assert next_decision_at(program, program.pairs[0], history, activity, NOW) == expected


def test_a_naive_now_is_refused() -> None:
    """A naive `now` is a ValueError, as everywhere in the core."""
    program = make_program(make_pair())
    with pytest.raises(ValueError, match="aware"):
        next_decision_at(
            program, program.pairs[0], PairHistory(), PairActivity(), NOW.replace(tzinfo=None)
        )


def _instants(days: st.SearchStrategy[date]) -> st.SearchStrategy[datetime]:
    """Any instant of the days `days` draws, by UTC: near midnight, the date on a pair's
    clocks differs from the UTC one."""
    return st.builds(
        lambda day, minutes: datetime.combine(day, time(), UTC) + timedelta(minutes=minutes),
        days,
        st.integers(0, 24 * 60 - 1),
    )
