"""The daemon against real SQLite and a real SMTP server; only the clock is fake."""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest

from reminder_service import sender, smtp
from reminder_service.core.model import Outgoing, Program, Status
from reminder_service.core.replies.verdict import Outcome, Reason, Verdict
from reminder_service.core.retry import GIVE_UP_AFTER
from reminder_service.daemon import Daemon
from reminder_service.errors import StoreError
from reminder_service.mailer_pool import MailerPool
from reminder_service.metrics import Monitor
from reminder_service.planner import QUESTIONS_WITHIN
from reminder_service.ports import BeforeData, Delivery
from reminder_service.program import parse_program
from reminder_service.ratelimit import WINDOW
from reminder_service.sender import REMOVED_PAIR
from reminder_service.smtp import SmtpConfig, mailers
from reminder_service.store import OutboxState, SqliteStore
from tests.support.loop import FakeClock, Harness, program_text
from tests.support.outbox_steps import claim_next
from tests.support.smtp_server import PASSWORD, USERNAME, SmtpTestServer


def program_with(*pair_ids: str) -> Program:
    return parse_program(program_text(*pair_ids), file="test.yaml")


@asynccontextmanager
async def running(daemon: Daemon) -> AsyncIterator[None]:
    """Run `daemon` while the block runs; then stop it and wait (5 s at most) for it to return."""
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    try:
        yield
    finally:
        stop.set()
        async with asyncio.timeout(5):
            await task


def raw_states(database: Path) -> list[tuple[str, int]]:
    """Each outbox row's state and attempts, read through a connection of its own."""
    with sqlite3.connect(database) as reader:
        rows = reader.execute("SELECT state, attempts FROM outbox ORDER BY id").fetchall()
    reader.close()
    return [(state, attempts) for state, attempts in rows]


async def test_due_checkin_is_sent_once_and_never_again_after_restart(harness: Harness) -> None:
    """A due pair gets exactly one email; a second tick and a restarted daemon send nothing more."""
    daemon = harness.daemon(program_with("ana-ben"))
    assert daemon.plan_once() == 1
    assert await daemon.send_one()
    assert not await daemon.send_one()
    assert daemon.plan_once() == 0

    restarted = harness.daemon(program_with("ana-ben"))
    restarted.recover()
    assert restarted.plan_once() == 0
    assert not await restarted.send_one()

    [received] = harness.server.messages
    message = message_from_bytes(received.data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message["X-Reminder-Pair"] == "ana-ben"
    assert set(received.rcpt_tos) == {"ana.ana-ben@example.org", "ben.ana-ben@example.org"}
    assert received.mail_from == "mentoring@example.org"
    assert harness.states() == [OutboxState.SENT]


async def test_threading_refers_to_the_previous_checkin(harness: Harness) -> None:
    """The second check-in of a pair names the first one's Message-ID in References."""
    daemon = harness.daemon(program_with("ana-ben"))
    daemon.plan_once()
    await daemon.send_one()
    harness.clock.advance(timedelta(days=7))
    assert daemon.plan_once() == 1
    await daemon.send_one()
    first, second = (
        message_from_bytes(r.data, policy=policy.default) for r in harness.server.messages
    )
    assert first["Message-ID"] in second["References"]


async def test_temporary_refusal_is_retried_after_a_backoff(harness: Harness) -> None:
    """A 451 puts the email back in the queue; it goes out once the retry time has come."""
    harness.server.reply_next("DATA", "451 4.3.0 Try again later")
    daemon = harness.daemon(program_with("ana-ben"))
    daemon.plan_once()
    assert await daemon.send_one()
    [row] = harness.store.outbox()
    assert row.state is OutboxState.PENDING
    assert row.last_error is not None
    assert "451" in row.last_error
    assert row.next_attempt_at > harness.clock.now()
    assert not await daemon.send_one()

    harness.clock.current = row.next_attempt_at
    assert await daemon.send_one()
    assert harness.states() == [OutboxState.SENT]
    assert len(harness.server.messages) == 1


def wrong_password_daemon(
    harness: Harness, server: SmtpTestServer, ca_file: Path
) -> tuple[Daemon, MailerPool]:
    """A daemon whose mail server refuses its login (535), and its pool to close."""
    config = SmtpConfig(
        host=server.host,
        port=server.port,
        security="starttls",
        username=USERNAME,
        password="not the password",
        timeout_s=5.0,
        ca_file=ca_file,
    )
    harness.stores.append(SqliteStore.open(harness.database))
    pool = MailerPool(mailers(config), size=1)
    daemon = Daemon(
        program_with("ana-ben"),
        store=harness.store,
        composer=harness.composer(),
        mailer=pool,
        clock=harness.clock,
        max_per_minute=60,
    )
    return daemon, pool


async def test_a_refused_login_fails_no_email_and_makes_the_service_not_ready(
    harness: Harness, smtp_tls_server: SmtpTestServer, smtp_ca_file: Path
) -> None:
    """A wrong SMTP password (535) leaves the check-in queued for a retry, not failed, and
    `/readyz` names the mail server as failing until a send works."""
    daemon, pool = wrong_password_daemon(harness, smtp_tls_server, smtp_ca_file)
    monitor = Monitor(clock=harness.clock, reading=False)
    daemon.monitor = monitor
    daemon.plan_once()
    try:
        assert await daemon.send_one()
    finally:
        await pool.close()
    [row] = harness.store.outbox()
    assert row.state is OutboxState.PENDING
    assert row.last_error is not None
    assert "refused the login" in row.last_error
    smtp = {check.name: check for check in monitor.readiness()}["smtp"]
    assert not smtp.ok
    assert "refused the login" in smtp.detail


async def test_an_email_refused_for_its_own_address_leaves_the_service_ready(
    tmp_path: Path,
) -> None:
    """A recipient with a non-ASCII local part that the server cannot take (no SMTPUTF8)
    fails that email; the mail server itself works, so `/readyz` does not fail."""
    with SmtpTestServer(smtputf8=False) as server:
        harness = Harness(server=server, database=tmp_path / "reminders.sqlite3")
        daemon = harness.daemon(program_with("ana-ben"))
        monitor = Monitor(clock=harness.clock, reading=False)
        daemon.monitor = monitor
        email = Outgoing(
            key="checkin:ana-ben:2026-11-25",
            pair_id="ana-ben",
            kind="checkin",
            period=harness.clock.now().date(),
            message_id="<x@reminders.example.org>",
            sender="reminders@example.org",
            recipients=("jos\u00e9@example.org",),
            message=b"Subject: Hello\r\n\r\nHello\r\n",
        )
        harness.store.enqueue_many([email], now=harness.clock.now())
        try:
            assert await daemon.send_one()
            assert harness.states() == [OutboxState.FAILED]
        finally:
            for mailer in harness.mailers:
                await mailer.close()
            harness.store.close()
    assert {check.name: check.ok for check in monitor.readiness()}["smtp"]


async def test_temporary_refusals_give_up_after_days(harness: Harness) -> None:
    """An email refused temporarily for longer than the give-up time is marked failed."""
    harness.server.reply_next("DATA", "451 4.3.0 Try again later", times=2)
    daemon = harness.daemon(program_with("ana-ben"))
    daemon.plan_once()
    await daemon.send_one()
    await _gives_up_after_the_limit(harness, daemon)


async def _gives_up_after_the_limit(harness: Harness, daemon: Daemon) -> None:
    """Past GIVE_UP_AFTER, the next send attempt gives the email up after its 2 attempts."""
    harness.clock.advance(GIVE_UP_AFTER)
    assert await daemon.send_one()
    [row] = harness.store.outbox()
    assert row.state is OutboxState.FAILED
    assert row.last_error is not None
    assert row.last_error.startswith("gave up after 2 attempts")


async def test_an_unusable_mail_server_never_gives_up_on_an_email(
    harness: Harness, smtp_tls_server: SmtpTestServer, smtp_ca_file: Path
) -> None:
    """A check-in whose sends fail only because the server refuses the login stays queued
    past the give-up time, to go out once the password is fixed."""
    daemon, pool = wrong_password_daemon(harness, smtp_tls_server, smtp_ca_file)
    daemon.plan_once()
    try:
        assert await daemon.send_one()
        harness.clock.advance(GIVE_UP_AFTER)
        [row] = harness.store.outbox()
        harness.clock.current = max(harness.clock.current, row.next_attempt_at)
        assert await daemon.send_one()
    finally:
        await pool.close()
    [row] = harness.store.outbox()
    assert (row.state, row.attempts) == (OutboxState.PENDING, 0)
    assert row.last_error is not None
    assert "refused the login" in row.last_error


async def test_the_give_up_time_counts_from_the_first_temporary_refusal(
    harness: Harness, smtp_tls_server: SmtpTestServer, smtp_ca_file: Path
) -> None:
    """An email held back by days of an unusable mail server is retried at its first 4xx
    once the server is back, and given up on only after 4xx replies for the give-up time."""
    unusable, pool = wrong_password_daemon(harness, smtp_tls_server, smtp_ca_file)
    unusable.plan_once()
    try:
        assert await unusable.send_one()
    finally:
        await pool.close()
    harness.clock.advance(GIVE_UP_AFTER + timedelta(days=1))
    harness.server.reply_next("DATA", "451 4.7.1 Greylisted, try again later", times=2)
    daemon = harness.daemon(program_with("ana-ben"))
    assert await daemon.send_one()
    [row] = harness.store.outbox()
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    await _gives_up_after_the_limit(harness, daemon)


async def test_a_refused_login_is_tried_a_few_times_a_day_not_once_per_email(
    harness: Harness,
    smtp_tls_server: SmtpTestServer,
    smtp_ca_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """While the mail server refuses the login, the sender tries it a few dozen times a
    day whatever the number of waiting emails, logs one line a try, counts no attempt, and
    sends every email once the password is corrected."""
    password = ["not the password"]
    config = SmtpConfig(
        host=smtp_tls_server.host,
        port=smtp_tls_server.port,
        security="starttls",
        username=USERNAME,
        password=password[0],
        timeout_s=5.0,
        ca_file=smtp_ca_file,
        reread_password=lambda: password[0],
    )
    harness.stores.append(SqliteStore.open(harness.database))
    pool = MailerPool(mailers(config), size=2)
    daemon = Daemon(
        program_with("ana-ben"),
        store=harness.store,
        composer=harness.composer(),
        mailer=pool,
        clock=harness.clock,
        max_per_minute=60,
        connections=2,
    )
    start = harness.clock.current
    harness.store.enqueue_many([thanks(number, at=start) for number in range(100)], now=start)
    caplog.set_level(logging.INFO, logger=sender.__name__)
    try:
        for minute in range(24 * 60):
            harness.clock.current = start + timedelta(minutes=minute)
            while await daemon.send_one():
                pass
        logins = smtp_tls_server.connections
        rows = harness.store.outbox()
        password[0] = PASSWORD
        for minute in range(60, 63):
            harness.clock.current = start + timedelta(days=1, minutes=minute)
            while await daemon.send_one():
                pass
    finally:
        await pool.close()
    warnings = [
        r for r in caplog.records if r.name == sender.__name__ and r.levelno >= logging.WARNING
    ]
    assert logins <= 50
    assert len(warnings) <= logins
    assert {(row.state, row.attempts) for row in rows} == {(OutboxState.PENDING, 0)}
    assert len(smtp_tls_server.messages) == 100
    assert set(harness.states()) == {OutboxState.SENT}


def thanks(number: int, *, at: datetime) -> Outgoing:
    """A thank-you to the pair ana-ben, numbered to have its own key."""
    return Outgoing(
        key=f"thanks:ana-ben:{number}",
        pair_id="ana-ben",
        kind="thanks",
        period=at.date(),
        message_id=f"<thanks-{number}@reminders.example.org>",
        sender="reminders@example.org",
        recipients=("ana@example.org",),
        message=b"Subject: Thank you\r\n\r\nThanks for meeting\r\n",
    )


async def test_permanent_refusal_is_recorded_with_the_servers_words(harness: Harness) -> None:
    """A 550 marks the email failed with the server's reply, and the period is not retried."""
    harness.server.reply_next("DATA", "550 5.7.1 Message rejected by policy")
    daemon = harness.daemon(program_with("ana-ben"))
    daemon.plan_once()
    await daemon.send_one()
    [row] = harness.store.outbox()
    assert row.state is OutboxState.FAILED
    assert row.last_error is not None
    assert "5.7.1 Message rejected by policy" in row.last_error
    assert daemon.plan_once() == 0
    assert harness.server.messages == []


def assert_logged_whom_to_ask(caplog: pytest.LogCaptureFixture, harness: Harness) -> None:
    """The one outbox row's Message-ID and recipients are in a warning logged about it."""
    [row] = harness.store.outbox()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    check_with = f"Please check with {' and '.join(row.recipients)} whether it arrived."
    assert any(
        f"{row.key} (Message-ID {row.message_id})" in line and check_with in line
        for line in warnings
    ), warnings


async def test_connection_dropped_after_data_is_unknown_and_never_resent(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """When the server hangs up after the message data, the email is 'unknown', not resent,
    and the log names its Message-ID and whom to ask whether it arrived."""
    caplog.set_level(logging.WARNING, logger=sender.__name__)
    harness.server.fault_next_data("drop")
    daemon = harness.daemon(program_with("ana-ben"))
    daemon.plan_once()
    await daemon.send_one()
    assert harness.states() == [OutboxState.UNKNOWN]
    assert_logged_whom_to_ask(caplog, harness)
    harness.clock.advance(timedelta(hours=1))
    assert daemon.plan_once() == 0
    assert not await daemon.send_one()
    assert harness.server.messages == []


async def test_an_unexpected_error_after_the_data_is_unknown_and_never_resent(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure that is no send error (a bug) after the server took the data leaves the
    email 'unknown': it may have been delivered, so it is never sent again."""
    real_send_data = smtp._send_data

    async def send_then_fail(
        client: aiosmtplib.SMTP, message: bytes, *, config: SmtpConfig
    ) -> aiosmtplib.SMTPResponse:
        await real_send_data(client, message, config=config)
        raise RuntimeError("a bug after the server's 250")

    monkeypatch.setattr(smtp, "_send_data", send_then_fail)
    daemon = harness.daemon(program_with("ana-ben"))
    daemon.plan_once()
    await daemon.send_one()
    assert harness.states() == [OutboxState.UNKNOWN]

    monkeypatch.setattr(smtp, "_send_data", real_send_data)
    harness.clock.advance(timedelta(hours=1))
    assert daemon.plan_once() == 0
    assert not await daemon.send_one()
    assert len(harness.server.messages) == 1


async def test_send_interrupted_by_a_crash_is_reported_unknown_at_start(harness: Harness) -> None:
    """A row left in 'sending' by a crash becomes 'unknown' at start-up and is never sent."""
    crashed = harness.daemon(program_with("ana-ben"))
    crashed.plan_once()
    assert claim_next(harness.store, now=harness.clock.now()) is not None

    restarted = harness.daemon(program_with("ana-ben"))
    restarted.recover()
    assert harness.states() == [OutboxState.UNKNOWN]
    assert restarted.plan_once() == 0
    assert not await restarted.send_one()
    assert harness.server.messages == []


async def test_rate_limit_holds_back_the_excess_until_the_minute_has_passed(
    harness: Harness,
) -> None:
    """With a limit of two a minute, the third due email waits for the window to move on."""
    daemon = harness.daemon(program_with("p-one", "p-two", "p-three"), max_per_minute=2)
    assert daemon.plan_once() == 3
    assert await daemon.send_one()
    assert await daemon.send_one()
    assert not await daemon.send_one()
    harness.clock.advance(timedelta(minutes=1))
    assert await daemon.send_one()
    assert len(harness.server.messages) == 3


@dataclass
class SlowToClose:
    """The harness's mailer, but closing it takes a minute of the fake clock, as a slow QUIT
    would take while the rate limit's window moves on."""

    pool: MailerPool
    clock: FakeClock

    async def send(
        self,
        *,
        sender: str,
        recipients: Sequence[str],
        message: bytes,
        before_data: BeforeData | None = None,
    ) -> Delivery:
        return await self.pool.send(
            sender=sender, recipients=recipients, message=message, before_data=before_data
        )

    async def close(self) -> None:
        await self.pool.close()
        self.clock.advance(WINDOW)


async def test_a_rate_limit_window_that_moved_on_while_idling_sends_at_once(
    harness: Harness,
) -> None:
    """When the window makes room while the idle sender closes its connection, a due email
    goes out at once, not after the sender's longest sleep (the planner's interval)."""
    program = program_with("p-one", "p-two")
    harness.daemon(program)  # for the harness's store and mail connection, used below
    daemon = Daemon(
        program,
        store=harness.store,
        composer=harness.composer(),
        mailer=SlowToClose(harness.mailers[-1], harness.clock),
        clock=harness.clock,
        max_per_minute=1,
        planner_interval=timedelta(hours=1),
    )
    async with running(daemon):
        await harness.server.messages_arrived(2)
    assert harness.states() == [OutboxState.SENT, OutboxState.SENT]


async def test_run_sends_what_is_due_and_stops_on_request(harness: Harness) -> None:
    """The running daemon sends every due email and returns promptly once stop is set."""
    daemon = harness.daemon(program_with("p-one", "p-two"))
    async with running(daemon):
        await harness.server.messages_arrived(2)
    assert harness.states() == [OutboxState.SENT, OutboxState.SENT]


async def test_the_running_program_is_left_out_of_garbage_collections(harness: Harness) -> None:
    """While the daemon runs, its program, and from the first planning after a reload the
    reloaded one, are left out of the cyclic collector's passes; when it stops, they are
    given back."""
    first = program_with("p-one")
    daemon = harness.daemon(first)
    async with running(daemon):
        await harness.server.messages_arrived(1)
        first_left_out = not tracked(first.pairs)
        second = program_with("p-one", "p-two")
        daemon.use(second, composer=harness.composer())
        await harness.server.messages_arrived(2)
        second_left_out = not tracked(second.pairs)
    assert (first_left_out, second_left_out) == (True, True)
    assert tracked(second.pairs)
    assert gc.get_freeze_count() == 0


def test_a_daemon_that_is_not_running_leaves_the_collector_alone(harness: Harness) -> None:
    """Switching programs and planning outside `run` (as commands and tests do) freezes
    nothing."""
    daemon = harness.daemon(program_with("p-one"))
    daemon.use(program_with("p-one", "p-two"), composer=harness.composer())
    daemon.plan_once()
    assert gc.get_freeze_count() == 0


def tracked(target: object) -> bool:
    """Whether the cyclic garbage collector looks at `target` in its passes."""
    return any(candidate is target for candidate in gc.get_objects())


async def test_stop_during_a_stalled_send_abandons_it_as_unknown(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Stopping while the server never answers the final dot marks that email 'unknown' and
    logs its Message-ID and whom to ask whether it arrived."""
    caplog.set_level(logging.WARNING, logger=sender.__name__)
    harness.server.fault_next_data("stall")
    daemon = harness.daemon(program_with("ana-ben"), grace=timedelta(milliseconds=100))
    async with running(daemon):
        await harness.server.faults_reached(1)
    assert harness.states() == [OutboxState.UNKNOWN]
    assert_logged_whom_to_ask(caplog, harness)


async def test_several_connections_send_every_email_once(harness: Harness) -> None:
    """With three connections, seven due emails each go out once, over exactly three sessions."""
    pairs = [f"pair-{n}" for n in range(7)]
    daemon = harness.daemon(program_with(*pairs), connections=3)
    async with running(daemon):
        received = await harness.server.messages_arrived(7)
    assert harness.states() == [OutboxState.SENT] * 7
    assert (
        sorted(pair for item in received for pair in pairs if f"{pair}@" in item.rcpt_tos[0])
        == pairs
    )
    assert harness.server.connections == 3


async def test_a_stalled_connection_does_not_hold_back_the_others(harness: Harness) -> None:
    """While one send waits on a server that never answers, the other connection sends the rest;
    stopping then abandons only the stalled one, as unknown."""
    harness.server.fault_next_data("stall")
    daemon = harness.daemon(
        program_with("p-one", "p-two", "p-three"), connections=2, grace=timedelta(milliseconds=100)
    )
    async with running(daemon):
        await harness.server.messages_arrived(2)
    assert sorted(harness.states()) == sorted(
        [OutboxState.UNKNOWN, OutboxState.SENT, OutboxState.SENT]
    )


async def test_stop_abandons_every_stalled_send_as_unknown(harness: Harness) -> None:
    """Stopping with several sends stalled after the final dot marks each of them 'unknown'."""
    harness.server.fault_next_data("stall", times=2)
    daemon = harness.daemon(
        program_with("p-one", "p-two"), connections=2, grace=timedelta(milliseconds=100)
    )
    async with running(daemon):
        await harness.server.faults_reached(2)
    assert harness.states() == [OutboxState.UNKNOWN, OutboxState.UNKNOWN]
    assert harness.server.messages == []


async def test_the_claim_is_committed_before_the_message_data_arrives(harness: Harness) -> None:
    """When the server holds the message data, another reader already sees the row `sending`."""
    seen: list[tuple[str, int]] = []

    def look(command: str) -> None:
        if command == "DATA":
            seen.extend(raw_states(harness.database))

    harness.server.before_reply = look
    daemon = harness.daemon(program_with("ana-ben"))
    async with running(daemon):
        await harness.server.messages_arrived(1)
    assert seen == [("sending", 1)]
    assert harness.states() == [OutboxState.SENT]


async def test_stop_before_the_message_data_leaves_the_email_to_send_after_restart(
    harness: Harness,
) -> None:
    """A send stopped during its envelope sent nothing: its row stays pending, not unknown, and
    the restarted daemon sends it once."""
    harness.server.stall_next_rcpt()
    daemon = harness.daemon(program_with("ana-ben"), grace=timedelta(milliseconds=100))
    async with running(daemon):
        await harness.server.faults_reached(1)
    assert raw_states(harness.database) == [("pending", 0)]
    restarted = harness.daemon(program_with("ana-ben"))
    restarted.recover()
    assert await restarted.send_one()
    assert harness.states() == [OutboxState.SENT]
    assert len(harness.server.messages) == 1


async def test_stop_returns_a_claimed_email_whose_data_never_went_out_to_the_queue(
    harness: Harness,
) -> None:
    """Claimed together with another send's gate, an email still waiting on its recipients
    when the service stops goes back to pending, not unknown, and goes out after a restart."""
    harness.server.stall_next_rcpt()
    daemon = harness.daemon(
        program_with("p-one", "p-two"), connections=2, grace=timedelta(milliseconds=100)
    )
    async with running(daemon):
        await harness.server.messages_arrived(1)
    assert sorted(raw_states(harness.database)) == [("pending", 1), ("sent", 1)]
    restarted = harness.daemon(program_with("p-one", "p-two"))
    restarted.recover()
    assert await restarted.send_one()
    assert harness.states() == [OutboxState.SENT, OutboxState.SENT]
    assert len(harness.server.messages) == 2


class _Recorded(logging.Handler):
    """Sets `event` when the sender logs an email as sent, which it does once recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.event = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("sent "):
            self.event.set()


async def test_a_delivered_email_is_recorded_while_the_next_one_is_stuck_before_its_data(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The outcome of a send that ended waits for the next send's gate at most
    OUTCOMES_WAIT_AT_MOST: with that send stuck on its recipients, the delivered email is
    recorded `sent` anyway, and the stuck one stays `pending`, unclaimed, so a crash now
    would report neither `unknown`. (The wait for the log line is shorter than the SMTP
    timeout, which would otherwise end the stuck send and commit everything.)"""
    monkeypatch.setattr(sender, "OUTCOMES_WAIT_AT_MOST", timedelta(milliseconds=50))
    caplog.set_level(logging.INFO, logger=sender.__name__)
    data_seen = []

    def stall_the_second_envelope(command: str) -> None:
        if command == "DATA":
            data_seen.append(command)
        elif command == "RCPT" and data_seen:
            harness.server.before_reply = None
            harness.server.stall_next_rcpt()

    harness.server.before_reply = stall_the_second_envelope
    recorded = _Recorded()
    logging.getLogger(sender.__name__).addHandler(recorded)
    try:
        daemon = harness.daemon(program_with("p-one", "p-two"), grace=timedelta(milliseconds=100))
        async with running(daemon):
            await harness.server.faults_reached(1)
            assert await asyncio.to_thread(recorded.event.wait, 1.0)
            assert sorted(raw_states(harness.database)) == [("pending", 0), ("sent", 1)]
    finally:
        logging.getLogger(sender.__name__).removeHandler(recorded)
    assert sorted(raw_states(harness.database)) == [("pending", 0), ("sent", 1)]
    assert len(harness.server.messages) == 1


async def test_a_database_failure_at_the_gate_sends_no_data_and_stops_the_sender(
    harness: Harness,
) -> None:
    """When the claim cannot be committed, the message data never goes out and the daemon
    stops with the database's error instead of sending unrecorded mail."""

    def break_the_outbox(command: str) -> None:
        if command == "RCPT":
            with sqlite3.connect(harness.database) as other:
                other.execute("ALTER TABLE outbox RENAME TO outbox_gone")
            other.close()
            harness.server.before_reply = None

    harness.server.before_reply = break_the_outbox
    daemon = harness.daemon(program_with("ana-ben"))
    with pytest.raises(ExceptionGroup) as failure:
        await daemon.run(asyncio.Event())
    assert failure.group_contains(StoreError, match="outbox")
    assert harness.server.messages == []


async def test_emails_of_removed_pairs_do_not_hold_back_the_next_one(harness: Harness) -> None:
    """A turn that only fails emails of pairs no longer in the program goes straight on to
    the next due email instead of sleeping."""
    everyone = program_with("a-1", "a-2", "a-3", "a-4", "z-kept")
    assert harness.daemon(everyone).plan_once() == 5
    daemon = harness.daemon(program_with("z-kept"), connections=4)
    async with running(daemon):
        await harness.server.messages_arrived(1)
    assert sorted(harness.states()) == sorted([OutboxState.FAILED] * 4 + [OutboxState.SENT])


UNCLEAR = Verdict(
    outcome=Outcome.UNCLEAR,
    pair_id="ana-ben",
    sender_role="mentee",
    reason=Reason.NOT_UNDERSTOOD,
    sender="ben.ana-ben@example.org",
    message_id="<their-reply@example.org>",
)


UIDS = itertools.count(1)


def record(harness: Harness, verdict: Verdict) -> None:
    """Record a reply with this verdict, as the intake does before it answers."""
    harness.store.record_inbound(
        folder="INBOX",
        uidvalidity=1,
        uid=next(UIDS),
        raw=str(verdict.message_id).encode(),
        verdict=verdict,
        now=harness.clock.now(),
        keep_text=False,
    )


def questions(harness: Harness) -> list[str]:
    """The keys of the questions back to unclear replies in the outbox."""
    return [row.key for row in harness.store.outbox() if row.kind == "question"]


async def test_an_unclear_reply_gets_one_question_back_a_day(harness: Harness) -> None:
    """An unclear reply is answered once, to its sender alone; a second one that day is not."""
    daemon = harness.daemon(program_with("ana-ben"))
    unclear = UNCLEAR
    for verdict in (
        unclear,
        replace(unclear, message_id="<another@example.org>"),
        replace(unclear, outcome=Outcome.NOT_MET, reason=None, message_id="<third@example.org>"),
    ):
        record(harness, verdict)
        daemon.respond_to(verdict)
    assert await daemon.send_one()
    assert not await daemon.send_one()
    [received] = harness.server.messages
    assert received.rcpt_tos == ("ben.ana-ben@example.org",)
    message = message_from_bytes(received.data, policy=policy.default)
    assert message["X-Reminder-Kind"] == "question"
    assert message["In-Reply-To"] == "<their-reply@example.org>"


async def test_the_question_back_keeps_the_subject_of_the_email_answered(
    harness: Harness,
) -> None:
    """An unclear reply to "Pause or keep going?" is asked about under that subject, not
    under the check-in's."""
    daemon = harness.daemon(program_with("ana-ben"))
    unclear = replace(UNCLEAR, answers_kind="pause_or_end")
    record(harness, unclear)
    daemon.respond_to(unclear)
    assert await daemon.send_one()
    [received] = harness.server.messages
    message = message_from_bytes(received.data, policy=policy.default)
    assert message["Subject"].startswith("Re: Pause or keep going? ")


async def test_an_unclear_reply_recorded_before_a_crash_is_asked_about_after_it(
    harness: Harness,
) -> None:
    """An unclear reply recorded but never answered (the process stopped in between) gets
    its question at the next planning after the restart, and only once."""
    harness.daemon(program_with("ana-ben"))
    record(harness, UNCLEAR)
    restarted = harness.daemon(program_with("ana-ben"))
    restarted.plan_once()
    today = harness.clock.now().date().isoformat()
    assert questions(harness) == [f"question:ana-ben:ben.ana-ben@example.org:{today}"]
    restarted.plan_once()
    restarted.respond_to(UNCLEAR)
    assert len(questions(harness)) == 1


async def test_an_unclear_reply_from_a_pair_the_program_ended_is_not_asked_about(
    harness: Harness,
) -> None:
    """A member of a pair the YAML has ended gets no question back: ended pairs get no mail."""
    program = program_with("ana-ben")
    ended = replace(program, pairs=(replace(program.pairs[0], status=Status.ENDED),))
    daemon = harness.daemon(ended)
    record(harness, UNCLEAR)
    assert daemon.planner.respond_to(UNCLEAR) == 0
    daemon.plan_once()
    assert questions(harness) == []


async def test_an_unclear_reply_from_long_ago_is_not_asked_about(harness: Harness) -> None:
    """Planning does not ask about an unclear reply recorded longer ago than questions are."""
    daemon = harness.daemon(program_with("ana-ben"))
    record(harness, UNCLEAR)
    harness.clock.advance(QUESTIONS_WITHIN + timedelta(minutes=1))
    daemon.plan_once()
    assert questions(harness) == []


@pytest.mark.parametrize("kind", ["thanks", "confirmation"])
def test_an_unclear_reply_to_an_email_that_asked_nothing_gets_no_question(
    harness: Harness, kind: str
) -> None:
    """An unclear "Thanks!" answering a thank-you or a confirmation is not asked back, neither
    when it is recorded nor when planning looks at the recorded replies."""
    daemon = harness.daemon(program_with("ana-ben"))
    unclear = replace(UNCLEAR, message_id="<their-thanks@example.org>", answers_kind=kind)
    record(harness, unclear)
    assert daemon.planner.respond_to(unclear) == 0
    daemon.plan_once()
    assert questions(harness) == []


async def test_email_queued_for_a_pair_removed_from_the_program_is_not_sent(
    harness: Harness,
) -> None:
    """After a reload drops a pair, what was already queued for it is withdrawn (failed, and
    counted apart from the failed sends), not sent."""
    daemon = harness.daemon(program_with("ana-ben", "cy-dee"))
    assert daemon.plan_once() == 2
    daemon.use(program_with("cy-dee"), composer=harness.composer())
    assert await daemon.send_one()
    assert await daemon.send_one()
    [received] = harness.server.messages
    assert "cy-dee" in received.data.decode()
    rows = {row.pair_id: row for row in harness.store.outbox()}
    assert rows["ana-ben"].state is OutboxState.FAILED
    assert rows["ana-ben"].last_error == REMOVED_PAIR
    assert harness.store.counts_by_kind_and_state() == {
        ("checkin", "sent"): 1,
        ("checkin", "withdrawn"): 1,
    }
