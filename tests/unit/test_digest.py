"""The coordinator's weekly digest: when it is due, its key, and whether it has news."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.digest import digest_due, has_news, planned_digests
from reminder_service.core.model import (
    DigestFacts,
    DigestSchedule,
    Kind,
    OverduePair,
    ReviewItem,
    StatusDifference,
    UnknownSend,
)

from .strategies import make_meeting, make_pair, make_program

# Berlin, Mondays 08:00 local: 07:00 UTC in winter.
PROGRAM = make_program(make_pair(), zone="Europe/Berlin")
AT = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "last_digest", "expected_key"),
    [
        pytest.param("2026-11-30T06:59", date(2026, 11, 23), None, id="minute-before"),
        pytest.param("2026-11-30T07:00", date(2026, 11, 23), "digest:2026-11-30", id="on-time"),
        pytest.param("2026-11-30T07:00", date(2026, 11, 30), None, id="already-sent"),
        pytest.param(
            "2026-12-02T07:00", date(2026, 11, 23), "digest:2026-11-30", id="two-days-late"
        ),
        pytest.param("2026-12-02T07:01", date(2026, 11, 23), None, id="too-late-waits-a-week"),
        pytest.param("2026-11-30T08:00", None, "digest:2026-11-30", id="first-ever"),
        pytest.param("2026-12-06T22:59", None, None, id="first-ever-too-late"),
        pytest.param("2026-12-06T23:00", date(2026, 11, 30), None, id="local-monday-before-8"),
        pytest.param("2026-12-07T07:00", date(2026, 11, 30), "digest:2026-12-07", id="next-week"),
        pytest.param("2026-11-24T06:59", None, "digest:2026-11-23", id="first-ever-last-week"),
    ],
)
def test_digest_due(now: str, last_digest: date | None, expected_key: str | None) -> None:
    """Due once this week's moment has passed, if none was sent and it is at most 2 days late."""
    found = digest_due(PROGRAM, now=_utc(now), last_digest=last_digest)
    assert (found and found.key) == expected_key


def test_digest_due_at_the_local_moment() -> None:
    """A due digest names the program-wide moment it was scheduled for, and why."""
    found = digest_due(PROGRAM, now=AT + timedelta(days=2), last_digest=None)
    assert found is not None
    assert (found.kind, found.pair_id, found.due_at) == (Kind.DIGEST, None, AT)
    assert found.reason == (
        "weekly digest for the coordinator, Mondays at 08:00 Europe/Berlin; "
        "sent only when there is news"
    )


def test_digest_off_and_other_days() -> None:
    """No digest when it is turned off; the weekday and time come from the program."""
    off = replace(PROGRAM, digest=None)
    assert digest_due(off, now=AT, last_digest=None) is None
    assert planned_digests(off, now=AT, until=AT + timedelta(days=30)) == []
    friday = replace(PROGRAM, digest=DigestSchedule(weekday=4, at=time(17, 30)))
    found = digest_due(friday, now=_utc("2026-11-28T09:00"), last_digest=None)
    assert found is not None
    assert (found.key, found.due_at) == ("digest:2026-11-27", _utc("2026-11-27T16:30"))


def test_digest_across_daylight_saving() -> None:
    """The local time holds when the clocks change: 08:00 Berlin is 06:00 UTC in summer."""
    found = digest_due(PROGRAM, now=_utc("2026-04-01T00:00"), last_digest=None)
    assert found is not None
    assert found.due_at == _utc("2026-03-30T06:00")


def test_planned_digests() -> None:
    """The plan lists each digest scheduled after now, up to and including until."""
    planned = planned_digests(PROGRAM, now=AT, until=AT + timedelta(days=14))
    assert [item.key for item in planned] == ["digest:2026-12-07", "digest:2026-12-14"]


@given(
    minutes=st.integers(0, 3 * 365 * 24 * 60),
    weekday=st.integers(0, 6),
    at=st.times(),
    zone=st.sampled_from(["UTC", "Pacific/Chatham", "America/St_Johns", "Europe/Berlin"]),
)
def test_one_digest_a_week(minutes: int, weekday: int, at: time, zone: str) -> None:
    """Sending each digest when due, exactly one goes out in any seven days, never early."""
    program = replace(
        make_program(make_pair(), zone=zone), digest=DigestSchedule(weekday=weekday, at=at)
    )
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    last: date | None = date(1999, 1, 1)
    sent: list[datetime] = []
    now = start
    while now < start + timedelta(days=7):
        found = digest_due(program, now=now, last_digest=last)
        if found is not None:
            assert found.due_at <= now
            assert found.due_at.astimezone(program.timezone).weekday() == weekday
            sent.append(found.due_at)
            last = date.fromisoformat(found.key.removeprefix("digest:"))
        now += timedelta(hours=1)
    assert len(sent) in (1, 2)
    assert len(sent) == 1 or sent[1] - sent[0] >= timedelta(days=6)


SOME_FACTS: list[dict[str, Any]] = [
    {"meetings": (make_meeting(),)},
    {"disputed": (make_meeting(),)},
    {
        "overdue": (
            OverduePair(
                "ada-bo", periods=1, since=date(2026, 11, 2), days=9, missed_since=date(2026, 11, 9)
            ),
        )
    },
    {"failing_addresses": (("bo@example.org", AT),)},
    {"unknown_sends": (UnknownSend("checkin:ada-bo:2026-11-09", ("bo@example.org",), AT),)},
    {"review": (ReviewItem(1, "unclear", "no meaning", "bo@example.org", "ada-bo"),)},
    {"reload_errors": ("program.yaml:3: 'cadense' is not a field",)},
    {"status_differences": (StatusDifference("ada-bo", "status: active", "status: paused"),)},
]


@pytest.mark.parametrize("facts", SOME_FACTS, ids=lambda facts: next(iter(facts)))
def test_has_news(facts: dict[str, Any]) -> None:
    """Any one kind of fact is news; none at all is not."""
    assert has_news(DigestFacts(period_start=AT, **facts))
    assert not has_news(DigestFacts(period_start=AT))


def test_review_items_from_before_the_period_are_not_news() -> None:
    """Replies still waiting from earlier digests are counted in it, but alone send none."""
    assert not has_news(DigestFacts(period_start=AT, review_older=3))
