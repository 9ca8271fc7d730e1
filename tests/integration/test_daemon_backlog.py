"""The daemon works a planning backlog off at once, against real SQLite and SMTP."""

from __future__ import annotations

import asyncio

from reminder_service.daemon import PLANNER_INTERVAL
from reminder_service.planner import Planner
from reminder_service.program import parse_program
from reminder_service.store import OutboxState
from reminder_service.tick_chunks import Chunks
from tests.support.loop import Harness, program_text

ARRIVAL_TIMEOUT_S = 5.0


async def test_a_full_pass_split_into_ticks_is_sent_without_waiting_for_the_interval(
    harness: Harness,
) -> None:
    """With a planner that plans one pair a tick, the running daemon still sends all three
    due check-ins within seconds, not one per planner interval."""
    assert PLANNER_INTERVAL.total_seconds() > ARRIVAL_TIMEOUT_S
    program = parse_program(program_text("p-one", "p-two", "p-three"), file="test.yaml")
    daemon = harness.daemon(program)
    daemon.planner = Planner(
        lambda: daemon.program,
        store=harness.store,
        composer=harness.composer(),
        clock=harness.clock,
        chunks=Chunks.fixed(1),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(daemon.run(stop))
    try:
        await harness.server.messages_arrived(3, timeout_s=ARRIVAL_TIMEOUT_S)
    finally:
        stop.set()
        async with asyncio.timeout(5):
            await running
    assert daemon.planner.backlog == 0
    assert harness.states() == [OutboxState.SENT] * 3
