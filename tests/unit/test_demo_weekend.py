"""The demo says why pairs asking for weekdays only get no check-in at the weekend."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from reminder_service.core.model import Pair, Status
from reminder_service.demo import waiting_for_monday
from tests.unit.strategies import make_pair, make_program

SATURDAY_NOON = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
FRIDAY_NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
MONDAY_EARLY = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
"""08:00 in Berlin, the pairs' zone."""


@pytest.mark.parametrize(
    ("pairs", "now", "expected"),
    [
        (
            [make_pair("a-b", weekdays_only=True), make_pair("c-d", weekdays_only=True)],
            SATURDAY_NOON,
            "2 pairs ask for check-ins on weekdays only and it is the weekend where they are: "
            "their check-ins wait for Monday, each at its send_at time.",
        ),
        (
            [make_pair("a-b", weekdays_only=True), make_pair("c-d")],
            SATURDAY_NOON,
            "Pair a-b asks for check-ins on weekdays only and it is the weekend where they "
            "are: its check-in waits for Monday at its send_at time.",
        ),
        ([make_pair("a-b", weekdays_only=True)], FRIDAY_NOON, ""),
        (
            [make_pair("a-b", weekdays_only=True, send_at=time(9, 30))],
            MONDAY_EARLY,
            "Pair a-b asks for check-ins on weekdays only and it is the weekend or early on "
            "Monday where they are: its check-in waits for Monday at its send_at time.",
        ),
        ([make_pair("a-b", weekdays_only=True, send_at=time(7, 30))], MONDAY_EARLY, ""),
        (
            [
                make_pair("kiwi", weekdays_only=True, zone="Pacific/Auckland"),
                make_pair("yank", weekdays_only=True, zone="America/Los_Angeles"),
            ],
            FRIDAY_NOON,
            "Pair kiwi asks for check-ins on weekdays only and it is the weekend where they "
            "are: its check-in waits for Monday at its send_at time.",
        ),
        (
            [
                make_pair("paused", weekdays_only=True, status=Status.PAUSED),
                make_pair("ended", weekdays_only=True, ended_on=date(2026, 1, 1)),
            ],
            SATURDAY_NOON,
            "",
        ),
    ],
    ids=[
        "two held",
        "one held",
        "a weekday",
        "monday before 09:30",
        "monday after 07:30",
        "weekend only in Auckland",
        "silent pairs",
    ],
)
def test_the_pairs_held_for_monday_are_counted_on_their_own_clocks(
    pairs: list[Pair], now: datetime, expected: str
) -> None:
    """Only active pairs asking for weekdays only, where it is Saturday, Sunday or Monday
    before their sending time, count."""
    assert waiting_for_monday(make_program(*pairs), now) == expected
