"""The per-minute sending limit holds across a restart: the outbox remembers the last minute."""

from __future__ import annotations

from datetime import timedelta

from reminder_service.program import parse_program
from tests.support.loop import Harness, program_text

PAIRS = ("p1", "p2", "p3", "p4", "p5")


async def send_all_allowed(harness: Harness, *, max_per_minute: int) -> int:
    """Start a daemon (a restart after the first), plan, and send what the limit allows now."""
    daemon = harness.daemon(
        parse_program(program_text(*PAIRS), file="program.yaml"), max_per_minute=max_per_minute
    )
    daemon.plan_once()
    sent = 0
    while await daemon.send_one():
        sent += 1
    return sent


async def test_a_restart_in_the_same_minute_sends_no_more_than_the_limit(
    harness: Harness,
) -> None:
    """After a restart, the sends of the last minute before it still count against the limit."""
    assert await send_all_allowed(harness, max_per_minute=2) == 2
    harness.clock.advance(timedelta(seconds=30))
    assert await send_all_allowed(harness, max_per_minute=2) == 0
    harness.clock.advance(timedelta(seconds=31))
    assert await send_all_allowed(harness, max_per_minute=2) == 2
    assert len(harness.server.messages) == 4
