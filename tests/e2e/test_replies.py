"""The whole loop with real servers: a check-in out through SMTP, a reply in through IMAP."""

from __future__ import annotations

import json
import signal
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from reminder_service.imap import ImapConfig
from tests.support.dovecot import Dovecot
from tests.support.process import ServiceProcess, imap_env, plain_smtp_env, service_env
from tests.support.smtp_server import SmtpTestServer

IDLE_DEADLINE_S = 2.0


def mail_env(smtp: SmtpTestServer, imap: ImapConfig) -> dict[str, str]:
    """Plain SMTP to the test server; the reply mailbox in Dovecot, polled only once a minute."""
    return {**plain_smtp_env(smtp.host, smtp.port), **imap_env(imap)}


def answer(checkin: EmailMessage, text: str) -> bytes:
    """The mentee's reply to `checkin`, as their mail program would send it."""
    mentee = checkin["To"].addresses[1]
    message = EmailMessage()
    message["From"] = mentee
    message["To"] = checkin["Reply-To"]
    message["Subject"] = f"Re: {checkin['Subject']}"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=mentee.domain)
    message["In-Reply-To"] = checkin["Message-ID"]
    message["References"] = checkin["Message-ID"]
    message.set_content(f"{text}\n\nOn Wed, {checkin['From']} wrote:\n> Hi Ana and Ben,\n")
    return message.as_bytes()


def test_a_reply_is_logged_as_a_meeting_within_two_seconds(
    tmp_path: Path, smtp_server: SmtpTestServer, clean_dovecot: Dovecot, imap_config: ImapConfig
) -> None:
    """IDLE wakes the daemon: a reply delivered into the mailbox is a meeting within 2 s."""
    env = {**service_env(tmp_path), **mail_env(smtp_server, imap_config)}
    with ServiceProcess("run", env=env, cwd=tmp_path) as service:
        service.wait_for_line("reading replies from INBOX")
        [received] = smtp_server.wait_for_messages(1)
        checkin = message_from_bytes(received.data, policy=policy.default)
        assert isinstance(checkin, EmailMessage)

        delivered = time.monotonic()
        clean_dovecot.deliver(answer(checkin, "Yes, we met yesterday for 45 minutes."))
        line = service.wait_for_line(": meeting on ", timeout_s=10)
        latency = time.monotonic() - delivered
        assert service.stop(signal.SIGTERM) == 0
    print(f"reply delivered to meeting logged: {latency * 1000:.0f} ms")
    assert "45 min, pair ana-ben" in line
    assert latency < IDLE_DEADLINE_S

    with ServiceProcess("meetings", "--format", "json", env=env, cwd=tmp_path) as listing:
        assert listing.wait() == 0
    [meeting] = json.loads(listing.output)
    assert meeting["pair"] == "ana-ben"
    assert meeting["duration_minutes"] == 45
    assert meeting["reported_by"] == "ben@northwind.example"
