"""`forget` while the running service still holds a program with the erased pair (its reload
refused or not done yet): nothing is sent to the pair nor logged under its id, until the
service runs a program without it."""

from __future__ import annotations

import logging

import pytest

from reminder_service.core.replies.verdict import Outcome
from tests.integration.test_loop import ANA, ANA_BEN, CY_DEE, WEEK, at, first_checkin, program
from tests.support.loop import Harness

ERASED_WARNING = "pair ana-ben was erased with forget, but the program this service runs"


async def test_an_erased_pair_gets_nothing_while_the_old_program_runs(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """After forget, a service still running the program that has the pair queues and sends
    nothing to it, week after week, and warns once that its reload has not taken effect."""
    daemon, _ = await first_checkin(harness, program())
    harness.store.forget_pair("ana-ben", keep_if_unsent=True)
    with caplog.at_level(logging.WARNING):
        for week in range(1, 4):
            harness.clock.current = at("2026-03-09") + week * WEEK
            assert await harness.tick(daemon) == []
    assert harness.store.pair_records("ana-ben").total == 0
    warned = [r for r in caplog.records if ERASED_WARNING in r.getMessage()]
    assert len(warned) == 1


async def test_a_reply_naming_an_erased_pair_is_unmatched(harness: Harness) -> None:
    """A member's reply to a check-in of a pair erased since is set aside as unmatched, and
    no meeting is logged under the pair's id."""
    daemon, checkin = await first_checkin(harness, program())
    harness.store.forget_pair("ana-ben", keep_if_unsent=True)
    verdict = harness.answer(daemon, checkin, "We met yesterday for 45 minutes.", sender=ANA)
    assert verdict.outcome is Outcome.UNMATCHED
    assert harness.store.pair_records("ana-ben").total == 0
    assert await harness.tick(daemon) == []


async def test_the_erasure_is_lifted_once_the_service_runs_a_program_without_the_pair(
    harness: Harness,
) -> None:
    """Once a program without the erased pair takes effect, its id is free again: a later
    program reusing it for new people gets its check-ins."""
    harness.clock.current = at("2026-03-09")
    daemon = harness.daemon(program(pairs=ANA_BEN + CY_DEE), max_per_minute=1000)
    assert len(await harness.tick(daemon)) == 2
    harness.store.forget_pair("ana-ben", keep_if_unsent=True)
    daemon.use(program(pairs=CY_DEE), composer=harness.composer())
    daemon.plan_once()
    assert harness.store.erased_pairs() == set()
    daemon.use(program(pairs=ANA_BEN + CY_DEE), composer=harness.composer())
    harness.clock.current = at("2026-03-16")
    sent = await harness.tick(daemon)
    assert {address for mail in sent for address in mail.to | mail.cc} >= {
        "ana@example.org",
        "ben@example.org",
    }
