"""The `harness` fixture: a fresh database next to a plain SMTP test server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.loop import Harness
from tests.support.smtp_server import SmtpTestServer


@pytest.fixture
async def harness(smtp_server: SmtpTestServer, tmp_path: Path) -> AsyncIterator[Harness]:
    """A harness on a new database; closes every store and mailer it made on the way out."""
    made = Harness(server=smtp_server, database=tmp_path / "reminders.sqlite3")
    try:
        yield made
    finally:
        for mailer in made.mailers:
            await mailer.close()
        for store in made.stores:
            store.close()
