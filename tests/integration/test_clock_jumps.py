"""The daemon when the host's clock ran ahead for a while and was then put right."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.integration.test_loop import ANA_BEN, CY_DEE, at, kinds, program
from tests.support.loop import Harness

YEARS = timedelta(days=5 * 365)


def clock_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The warnings logged that say the clock was wrong."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING and "clock was probably wrong" in record.getMessage()
    ]


async def test_checkins_keep_their_dates_after_a_boot_with_the_clock_years_ahead(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Started while the clock shows five years ahead, the daemon sends that period's
    check-ins; once the clock is right, each pair still gets its check-in on its date, under
    a key of its own, then the ladder's reminders as usual, and one warning says why."""
    harness.clock.current = at("2026-03-09", "07:00") + YEARS
    daemon = harness.daemon(program(pairs=ANA_BEN + CY_DEE))
    assert kinds(await harness.tick(daemon)) == ["checkin", "checkin"]

    harness.clock.current = at("2026-03-09", "07:01")
    assert await harness.tick(daemon) == []
    checkins = await harness.run(daemon, [at("2026-03-09", "08:59"), at("2026-03-09", "09:00")])
    assert sorted(min(mail.to) for mail in checkins) == ["ana@example.org", "cy@example.org"]
    assert kinds(checkins) == ["checkin", "checkin"]
    assert {row.key for row in harness.store.outbox() if "2026-03-09" in row.key} == {
        "checkin:ana-ben:2026-03-09",
        "checkin:cy-dee:2026-03-09",
    }
    assert await harness.run(daemon, [at("2026-03-16", "08:59")]) == []
    assert kinds(await harness.run(daemon, [at("2026-03-16", "09:00")])) == ["reminder"] * 2

    (warning,) = clock_warnings(caplog)
    assert "4 years and 11 months ahead of this server's clock" in warning
