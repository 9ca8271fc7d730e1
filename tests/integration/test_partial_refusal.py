"""A recipient the server refuses while taking the email for the other is recorded on the row."""

from __future__ import annotations

from reminder_service.program import parse_program
from reminder_service.store import OutboxState
from tests.support.loop import Harness, program_text


async def test_a_refused_member_is_written_on_the_sent_row(harness: Harness) -> None:
    """The row is sent and its last error names the refused member and the server's reply."""
    harness.server.refuse_recipient("ben.p1@example.org", "450 4.2.0 Mailbox busy, try later")
    daemon = harness.daemon(parse_program(program_text("p1"), file="program.yaml"))
    [mail] = await harness.tick(daemon)
    assert mail.to == {"ana.p1@example.org", "ben.p1@example.org"}
    [row] = harness.store.outbox()
    assert row.state is OutboxState.SENT
    assert row.last_error is not None
    assert "refused ben.p1@example.org (450 4.2.0 Mailbox busy, try later)" in row.last_error
