"""The end-to-end tests' shared program sends the same first email whatever the day.

Those tests count what a fresh deployment sends; a digest, an anniversary or any email
kind added later that fell due on some days only would make them pass or fail by the day
CI ran (they did, from Monday 08:00 to Wednesday 08:00, before the digest was turned off).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reminder_service.core.digest import digest_due
from reminder_service.core.due import due_checkins
from reminder_service.core.relationship import relationship_emails
from reminder_service.program import load_program
from tests.support.process import PROGRAM

HOURS = range(0, 24 * 366 * 2, 7)
"""Every seventh hour over two years: each weekday at every hour of the day, 29 February."""


@pytest.fixture(scope="module")
def program_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared program, written where `load_program` reads it."""
    path = tmp_path_factory.mktemp("e2e") / "program.yaml"
    path.write_text(PROGRAM, encoding="utf-8")
    return path


def test_a_fresh_deployment_owes_one_check_in_to_ana_ben_and_nothing_else(
    program_file: Path,
) -> None:
    """At any hour of two years from 2027, nothing but ana-ben's check-in is due."""
    program = load_program(program_file)
    start = datetime(2027, 1, 1, tzinfo=UTC)
    for hour in HOURS:
        now = start + timedelta(hours=hour)
        checkins = [c.pair_id for c in due_checkins(program, {}, now)]
        others = relationship_emails(program, {}, {}, now)
        digest = digest_due(program, now=now, last_digest=None)
        assert (checkins, others, digest) == (["ana-ben"], [], None), now
