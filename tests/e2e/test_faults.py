"""The fault suite: `reminder-service run` as a real process through crashes and bad servers.

Each test breaks something at a known point (the SMTP test server stalls after the final dot,
the daemon logs a reply, Dovecot says "+ idling") and synchronises on log lines and server
events, never on sleeps. What must hold: no email twice, no reply lost, no meeting twice,
and sends of unknown outcome reported and never repeated.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from reminder_service.imap import PROCESSED_KEYWORD, ImapConfig
from reminder_service.instance_lock import lock_path
from reminder_service.store import OutboxRow, OutboxState, SqliteStore
from tests.e2e.test_replies import answer, mail_env
from tests.support.dovecot import Dovecot, ImapRelay
from tests.support.process import ServiceProcess, plain_smtp_env, service_env
from tests.support.smtp_server import SmtpTestServer

CHECKIN_SENT = "sent checkin:ana-ben:"
STARTED_IDLE = "started: 2 pairs in the program, 0 emails queued"
REPORTED_UNKNOWN = "was being sent when the service last stopped; it is marked 'unknown'"
MEETING = "Yes, we met yesterday for 45 minutes."
BIG_QUOTE = "> " + "earlier notes from our last session, kept by the mail program. " * 3000


def outbox(tmp_path: Path) -> list[OutboxRow]:
    """The deployment's outbox rows, read from its database."""
    with SqliteStore.open_read_only(tmp_path / "data" / "reminders.sqlite3") as store:
        return store.outbox()


def meetings(env: dict[str, str], tmp_path: Path) -> list[dict[str, Any]]:
    """The meeting log, as `reminder-service meetings --format json` prints it."""
    with ServiceProcess("meetings", "--format", "json", env=env, cwd=tmp_path) as listing:
        assert listing.wait() == 0
    result: list[dict[str, Any]] = json.loads(listing.output)
    return result


def as_email(data: bytes) -> EmailMessage:
    """A received message, parsed."""
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def assert_no_email_twice(server: SmtpTestServer) -> None:
    """Every message the server accepted has its own Message-ID and its own kind per pair."""
    received = [as_email(item.data) for item in server.messages]
    ids = Counter(str(message["Message-ID"]) for message in received)
    kinds = Counter(
        (str(message["X-Reminder-Pair"]), str(message["X-Reminder-Kind"])) for message in received
    )
    assert max(ids.values(), default=1) == 1, ids
    assert max(kinds.values(), default=1) == 1, kinds


def test_sigkill_while_the_server_holds_the_message_reports_it_unknown_and_never_resends(
    tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    """Killed after the final dot and before the reply: after a restart it is unknown, not sent."""
    env = {**service_env(tmp_path), **plain_smtp_env(smtp_server.host, smtp_server.port)}
    smtp_server.fault_next_data("stall")
    with ServiceProcess("run", env=env, cwd=tmp_path) as first:
        smtp_server.wait_for_faults(1)
        [row] = outbox(tmp_path)
        assert row.state is OutboxState.SENDING
        first.stop(signal.SIGKILL)

    with ServiceProcess("run", env=env, cwd=tmp_path) as second:
        line = second.wait_for_line(REPORTED_UNKNOWN)
        second.wait_for_line(STARTED_IDLE)
        assert second.stop(signal.SIGTERM) == 0
    assert "please check with ana@northwind.example and ben@northwind.example" in line
    assert [row.state for row in outbox(tmp_path)] == [OutboxState.UNKNOWN]
    assert (smtp_server.messages, smtp_server.connections) == ([], 1)


def test_sigkill_right_after_a_send_never_sends_it_again(
    tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    """Killed once the send is recorded: a restart sends nothing and reports nothing unknown."""
    env = {**service_env(tmp_path), **plain_smtp_env(smtp_server.host, smtp_server.port)}
    with ServiceProcess("run", env=env, cwd=tmp_path) as first:
        first.wait_for_line(CHECKIN_SENT)
        first.stop(signal.SIGKILL)

    with ServiceProcess("run", env=env, cwd=tmp_path) as second:
        second.wait_for_line(STARTED_IDLE)
        assert second.stop(signal.SIGTERM) == 0
    assert REPORTED_UNKNOWN not in second.output
    assert [row.state for row in outbox(tmp_path)] == [OutboxState.SENT]
    assert len(smtp_server.messages) == 1


@dataclass(frozen=True)
class Misbehaviour:
    """One way the SMTP server can misbehave, and what the daemon must make of it."""

    script: Callable[[SmtpTestServer], None]
    logged: str
    state: OutboxState


SERVER_FAULTS = {
    "421 to MAIL": Misbehaviour(
        lambda s: s.reply_next("MAIL", "421 4.3.2 Service shutting down"),
        "temporary failure, retrying at",
        OutboxState.PENDING,
    ),
    "451 after the data": Misbehaviour(
        lambda s: s.reply_next("DATA", "451 4.3.0 Local error in processing"),
        "temporary failure, retrying at",
        OutboxState.PENDING,
    ),
    "550 to RCPT": Misbehaviour(
        lambda s: s.reply_next("RCPT", "550 5.1.1 Mailbox unavailable", times=2),
        "could not be sent and will not be retried",
        OutboxState.FAILED,
    ),
    "stall after the data": Misbehaviour(
        lambda s: s.fault_next_data("stall"),
        "may or may not have been delivered",
        OutboxState.UNKNOWN,
    ),
    "drop after the data": Misbehaviour(
        lambda s: s.fault_next_data("drop"),
        "may or may not have been delivered",
        OutboxState.UNKNOWN,
    ),
}


@pytest.mark.parametrize("fault", SERVER_FAULTS.values(), ids=SERVER_FAULTS.keys())
def test_a_misbehaving_smtp_server_is_handled_as_documented(
    tmp_path: Path, smtp_server: SmtpTestServer, fault: Misbehaviour
) -> None:
    """4xx is retried later, 5xx fails for good, a stall or a drop after the data is unknown."""
    fault.script(smtp_server)
    env = {
        **service_env(tmp_path),
        **plain_smtp_env(smtp_server.host, smtp_server.port, REMINDER_SMTP__TIMEOUT_S="1"),
    }
    with ServiceProcess("run", env=env, cwd=tmp_path) as service:
        service.wait_for_line(fault.logged)
        assert service.stop(signal.SIGTERM) == 0
    assert [row.state for row in outbox(tmp_path)] == [fault.state]
    assert smtp_server.messages == []


def test_sigterm_in_the_middle_of_a_send_exits_0_within_10_seconds(
    tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    """A send the server never answers is abandoned as unknown and the daemon exits cleanly."""
    env = {**service_env(tmp_path), **plain_smtp_env(smtp_server.host, smtp_server.port)}
    smtp_server.fault_next_data("stall")
    with ServiceProcess("run", env=env, cwd=tmp_path) as service:
        smtp_server.wait_for_faults(1)
        assert service.stop(signal.SIGTERM, timeout_s=10) == 0
    assert "stopped while this email was being handed to the mail server" in service.output
    assert "stopped cleanly" in service.output
    assert [row.state for row in outbox(tmp_path)] == [OutboxState.UNKNOWN]


def test_a_second_daemon_on_the_same_database_refuses_naming_the_first(
    tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    """The second daemon exits 1 naming the first one's pid and host; the first runs on."""
    env = {**service_env(tmp_path), **plain_smtp_env(smtp_server.host, smtp_server.port)}
    with ServiceProcess("run", env=env, cwd=tmp_path) as first:
        first.wait_for_line(CHECKIN_SENT)
        holder = json.loads(lock_path(tmp_path / "data" / "reminders.sqlite3").read_text())
        with ServiceProcess("run", env=env, cwd=tmp_path) as second:
            assert second.wait() == 1
        assert first.stop(signal.SIGTERM) == 0
    assert (
        f"another reminder-service (pid {holder['pid']} on host {socket.gethostname()}, "
        f"started {holder['started']}) is using {env['REMINDER_DATABASE']}"
    ) in second.output
    assert len(smtp_server.messages) == 1


def test_sigkill_right_after_a_reply_is_recorded_loses_nothing_and_logs_one_meeting(
    tmp_path: Path, smtp_server: SmtpTestServer, clean_dovecot: Dovecot, imap_config: ImapConfig
) -> None:
    """Killed before it could mark the reply: the restart marks it and logs no second meeting."""
    env = {**service_env(tmp_path), **mail_env(smtp_server, imap_config)}
    with ServiceProcess("run", env=env, cwd=tmp_path) as first:
        first.wait_for_line("reading replies from INBOX")
        checkin = as_email(smtp_server.wait_for_messages(1)[0].data)
        reply = answer(checkin, MEETING)
        clean_dovecot.deliver(reply)
        first.wait_for_line("from ben@northwind.example: meeting on")
        first.stop(signal.SIGKILL)

    with ServiceProcess("run", env=env, cwd=tmp_path) as second:
        second.wait_for_line("reading replies from INBOX")
        clean_dovecot.deliver(reply)
        second.wait_for_line("was already recorded")
        assert second.stop(signal.SIGTERM) == 0
    first_uid = clean_dovecot.uids()[0]
    assert PROCESSED_KEYWORD in clean_dovecot.flags(first_uid)
    assert len(meetings(env, tmp_path)) == 1
    assert_no_email_twice(smtp_server)


async def test_sigkill_while_a_reply_is_being_fetched_loses_nothing(
    tmp_path: Path,
    smtp_server: SmtpTestServer,
    clean_dovecot: Dovecot,
    imap_config: ImapConfig,
    imap_relay: ImapRelay,
) -> None:
    """Killed halfway through downloading a reply: the restart reads it again, one meeting."""
    env = {
        **service_env(tmp_path),
        **mail_env(smtp_server, replace(imap_config, port=imap_relay.port)),
    }
    with ServiceProcess("run", env=env, cwd=tmp_path) as first:
        await asyncio.to_thread(first.wait_for_line, "reading replies from INBOX")
        checkin = as_email((await smtp_server.messages_arrived(1))[0].data)
        imap_relay.hold_after(b"BODY[] {")
        await asyncio.to_thread(clean_dovecot.deliver, answer(checkin, f"{MEETING}\n\n{BIG_QUOTE}"))
        await imap_relay.holding()
        await asyncio.to_thread(first.stop, signal.SIGKILL)
    imap_relay.release()
    assert "from ben@northwind.example" not in first.output

    with ServiceProcess("run", env=env, cwd=tmp_path) as second:
        line = await asyncio.to_thread(second.wait_for_line, "from ben@northwind.example")
        assert await asyncio.to_thread(second.stop, signal.SIGTERM) == 0
    assert "meeting on" in line
    assert len(await asyncio.to_thread(meetings, env, tmp_path)) == 1


def stop_dovecot_as_a_service_manager_would(server: Dovecot) -> None:
    """SIGTERM to every Dovecot process, as systemd or `docker stop` does, then reap it.

    A SIGTERM to the master alone leaves open sessions running for another 10 seconds.
    """
    master = int((server.root / "run" / "master.pid").read_text())
    os.killpg(master, signal.SIGTERM)
    server.stop()


async def test_dovecot_stopped_and_restarted_during_idle_the_daemon_reconnects(
    tmp_path: Path,
    smtp_server: SmtpTestServer,
    clean_dovecot: Dovecot,
    imap_config: ImapConfig,
    imap_relay: ImapRelay,
) -> None:
    """The server goes away while the daemon idles; once it is back the next reply is logged."""
    env = {
        **service_env(tmp_path),
        **mail_env(smtp_server, replace(imap_config, port=imap_relay.port)),
    }
    with ServiceProcess("run", env=env, cwd=tmp_path) as service:
        checkin = as_email((await smtp_server.messages_arrived(1))[0].data)
        await imap_relay.server_said(b"+ idling")
        await asyncio.to_thread(stop_dovecot_as_a_service_manager_would, clean_dovecot)
        await asyncio.to_thread(service.wait_for_line, "closed the connection")
        await asyncio.to_thread(service.wait_for_line, "reply mailbox:")
        await asyncio.to_thread(clean_dovecot.start)
        await asyncio.to_thread(service.wait_for_line, "reading replies from INBOX")
        await asyncio.to_thread(clean_dovecot.deliver, answer(checkin, MEETING))
        line = await asyncio.to_thread(service.wait_for_line, "from ben@northwind.example")
        assert await asyncio.to_thread(service.stop, signal.SIGTERM) == 0
    assert "meeting on" in line


def test_a_uidvalidity_change_while_running_rescans_without_logging_anything_twice(
    tmp_path: Path, smtp_server: SmtpTestServer, clean_dovecot: Dovecot, imap_config: ImapConfig
) -> None:
    """After the folder is rebuilt the daemon rereads it: old replies known, new ones logged."""
    env = {**service_env(tmp_path), **mail_env(smtp_server, imap_config)}
    with ServiceProcess("run", env=env, cwd=tmp_path) as service:
        service.wait_for_line("reading replies from INBOX")
        checkin = as_email(smtp_server.wait_for_messages(1)[0].data)
        clean_dovecot.deliver(answer(checkin, MEETING))
        service.wait_for_line("from ben@northwind.example: meeting on")
        changed = clean_dovecot.change_uidvalidity()
        clean_dovecot.deliver(answer(checkin, "Not yet, sorry."))
        # Dovecot drops the session itself ("state is inconsistent") about 0.5 s after this
        # delivery, so the kick may find the daemon away; kick() waits for it to be back.
        clean_dovecot.kick()
        service.wait_for_line(f"reading replies from INBOX (UIDVALIDITY {changed})")
        service.wait_for_line("was already recorded")
        service.wait_for_line("from ben@northwind.example: not met")
        assert service.stop(signal.SIGTERM) == 0
    assert len(meetings(env, tmp_path)) == 1


def test_a_problem_that_stops_the_running_service_is_one_readable_line(
    tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    """The health port already taken stops `run` with the prepared one-line explanation and
    exit status 1, not a Python traceback of the service's task group."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **service_env(tmp_path),
            **plain_smtp_env(smtp_server.host, smtp_server.port),
            "REMINDER_HTTP__PORT": str(port),
        }
        with ServiceProcess("run", env=env, cwd=tmp_path) as service:
            assert service.wait(timeout_s=20) == 1
            output = service.output
    assert (
        f"reminder-service: Cannot listen on 127.0.0.1:{port} for health checks and metrics"
        " (Address already in use)."
    ) in output
    assert "Traceback" not in output
