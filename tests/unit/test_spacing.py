"""Spacing of period emails, and what the next one knows about the pair's last answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder_service.core.cadence import next_weekday, occurrences_after
from reminder_service.core.due import due_checkins, next_checkin_at, planned_checkins
from reminder_service.core.model import Checkin, Pair, PairHistory

from .strategies import active_pairs, make_pair, make_program

# The demo's ana-ben: monthly on weekdays at 09:30 in London, asked late for its 2 Nov period.
ANA_BEN = make_pair(
    "ana-ben",
    cadence="monthly",
    started=date(2024, 3, 1),
    send_at=time(9, 30),
    zone="Europe/London",
    weekdays_only=True,
)
LATE = datetime(2026, 11, 26, 6, 7, tzinfo=UTC)
ASKED_LATE = PairHistory(
    last_checkin=date(2026, 11, 2), asked=(date(2026, 11, 2),), last_sent_at=LATE
)


def _due(history: PairHistory, at: datetime) -> list[Checkin]:
    return due_checkins(make_program(ANA_BEN), {ANA_BEN.id: history}, at)


@pytest.mark.parametrize(
    ("sent_at", "expected"),
    [
        pytest.param(LATE, datetime(2026, 12, 11, 9, 30, tzinfo=UTC), id="late-email-holds-next"),
        pytest.param(
            datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
            datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
            id="on-time-email-holds-nothing",
        ),
        pytest.param(
            datetime(2026, 11, 16, 9, 30, tzinfo=UTC),
            datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
            id="half-a-period-before-is-enough",
        ),
        pytest.param(
            datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
            datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
            id="held-past-a-weekend-to-monday",
        ),
    ],
)
def test_next_period_email_waits_half_a_period_after_the_previous(
    sent_at: datetime, expected: datetime
) -> None:
    """The 1 Dec period email goes out at the first sending time half a period after the
    previous one went out, never earlier, and `next_checkin_at` names that instant."""
    history = PairHistory(
        last_checkin=date(2026, 11, 2), asked=(date(2026, 11, 2),), last_sent_at=sent_at
    )
    assert _due(history, expected - timedelta(seconds=1)) == []
    (checkin,) = _due(history, expected)
    assert (checkin.period, checkin.due_at) == (date(2026, 12, 1), expected)
    at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    if expected > at:
        assert next_checkin_at(ANA_BEN, history, at) == expected


def test_plan_shows_the_held_email_on_its_new_date() -> None:
    """`plan` after a late check-in shows the next period's email delayed, not dropped."""
    planned = planned_checkins(
        make_program(ANA_BEN),
        {ANA_BEN.id: ASKED_LATE},
        now=LATE + timedelta(hours=1),
        until=datetime(2027, 1, 31, tzinfo=UTC),
    )
    assert [(c.period, c.due_at) for c in planned] == [
        (date(2026, 12, 1), datetime(2026, 12, 11, 9, 30, tzinfo=UTC)),
        (date(2027, 1, 1), datetime(2027, 1, 1, 9, 30, tzinfo=UTC)),
    ]


@pytest.mark.parametrize(
    ("not_met_at", "expected"),
    [
        pytest.param(LATE + timedelta(seconds=2), "not_met", id="not-yet-after-the-email"),
        pytest.param(LATE - timedelta(days=3), None, id="not-yet-before-the-email"),
        pytest.param(None, None, id="no-answer"),
    ],
)
def test_the_next_email_knows_the_pair_said_not_yet(
    not_met_at: datetime | None, expected: str | None
) -> None:
    """A "not yet" recorded after the previous period email makes the next one's last_answer
    "not_met"; an older one, or none, leaves it None."""
    history = PairHistory(
        last_checkin=date(2026, 11, 2),
        asked=(date(2026, 11, 2),),
        last_sent_at=LATE,
        last_not_met_at=not_met_at,
    )
    (checkin,) = _due(history, datetime(2026, 12, 11, 9, 30, tzinfo=UTC))
    assert (checkin.level, checkin.last_answer) == (1, expected)


@pytest.mark.parametrize(
    ("not_met_at", "unclear_at", "expected"),
    [
        pytest.param(None, LATE + timedelta(hours=1), "unclear", id="unclear-after-the-email"),
        pytest.param(None, LATE - timedelta(days=3), None, id="unclear-before-the-email"),
        pytest.param(
            LATE + timedelta(hours=1), LATE + timedelta(hours=2), "unclear", id="unclear-last"
        ),
        pytest.param(
            LATE + timedelta(hours=2), LATE + timedelta(hours=1), "not_met", id="not-yet-last"
        ),
        pytest.param(
            LATE + timedelta(hours=1), LATE - timedelta(days=3), "not_met", id="unclear-older"
        ),
    ],
)
def test_the_next_email_knows_the_pair_replied_unclearly(
    not_met_at: datetime | None, unclear_at: datetime | None, expected: str | None
) -> None:
    """An unclear reply after the previous period email makes the next one's last_answer
    "unclear" unless a later "not yet" followed it; an older one counts for nothing."""
    history = PairHistory(
        last_checkin=date(2026, 11, 2),
        asked=(date(2026, 11, 2),),
        last_sent_at=LATE,
        last_not_met_at=not_met_at,
        last_unclear_at=unclear_at,
    )
    (checkin,) = _due(history, datetime(2026, 12, 11, 9, 30, tzinfo=UTC))
    assert (checkin.level, checkin.last_answer) == (1, expected)


def test_a_not_yet_answers_only_the_email_before_it_in_a_plan() -> None:
    """In a plan, the email after the next one does not claim the pair answered."""
    history = PairHistory(
        last_checkin=date(2026, 11, 2),
        asked=(date(2026, 11, 2),),
        last_sent_at=LATE,
        last_not_met_at=LATE + timedelta(seconds=2),
    )
    planned = planned_checkins(
        make_program(ANA_BEN),
        {ANA_BEN.id: history},
        now=LATE + timedelta(hours=1),
        until=datetime(2027, 1, 31, tzinfo=UTC),
    )
    assert [c.last_answer for c in planned] == ["not_met", None]


def _period_closes(pair: Pair) -> list[date]:
    """The pair's period dates from its start for ten years, weekends moved as it asks."""
    closes: list[date] = []
    for day in occurrences_after(pair.schedule.cadence, started=pair.started, anchor=pair.started):
        if day.year > pair.started.year + 10:
            break
        shifted = next_weekday(day) if pair.schedule.weekdays_only else day
        if not closes or shifted > closes[-1]:
            closes.append(shifted)
    return closes


@settings(max_examples=150, deadline=None)
@given(
    pair=active_pairs(started=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))),
    ran_days=st.integers(0, 400),
    down_days=st.integers(0, 200),
    down_seconds=st.integers(0, 86_399),
)
def test_no_two_period_emails_closer_than_half_a_period(
    pair: Pair, ran_days: int, down_days: int, down_seconds: int
) -> None:
    """Across a first deployment or a downtime, DST changes and month ends, every period
    email goes out at least half its period after the one before."""
    program = make_program(pair)
    start = datetime.combine(pair.started, time(0), tzinfo=UTC)
    stopped = start + timedelta(days=ran_days)
    before = planned_checkins(program, {}, now=start, until=stopped) if ran_days else []
    history = PairHistory(
        last_checkin=before[-1].period if before else None,
        asked=tuple(c.period for c in before),
        last_sent_at=before[-1].due_at if before else None,
    )
    back = stopped + timedelta(days=down_days, seconds=down_seconds)
    after = planned_checkins(
        program, {pair.id: history}, now=back, until=back + timedelta(days=200)
    )
    sent = [(c.period, c.due_at) for c in before] + [(c.period, max(c.due_at, back)) for c in after]
    closes = _period_closes(pair)
    for (_, previous_at), (period, at) in pairwise(sent):
        opens_after = max((day for day in closes if day < period), default=pair.started)
        assert at.astimezone(UTC) - previous_at.astimezone(UTC) >= (period - opens_after) / 2
