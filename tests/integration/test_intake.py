"""The reply loop against a real Dovecot and real SQLite: record first, then mark; never twice."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from reminder_service.core.model import Program
from reminder_service.core.replies.mime import Limits
from reminder_service.core.replies.verdict import Outcome, Reason, Verdict
from reminder_service.core.tokens import make_token, reply_address
from reminder_service.errors import TransientMailboxError
from reminder_service.imap import PROCESSED_KEYWORD, ImapConfig, ImapMailbox, mailboxes
from reminder_service.intake import Intake
from reminder_service.program import parse_program
from reminder_service.store import InboundItem, Recorded, SqliteStore
from tests.support.dovecot import Dovecot, ImapRelay

KEY = b"intake-test-key-0123456789"
MAILBOX = "mentoring@northwind.example"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PROGRAM = """\
program:
  name: Northwind Mentoring
  coordinator: {name: Dana Okafor, email: dana@northwind.example}
  timezone: Europe/London
  defaults: {cadence: monthly}
pairs:
  - id: ana-ben
    mentor: {name: Ana Lima, email: ana@northwind.example}
    mentee: {name: Ben Ong, email: ben@northwind.example}
    started: 2024-03-01
"""


class FixedClock:
    """The intake only reads the clock to judge token expiry and relative dates."""

    def now(self) -> datetime:
        return NOW


def reply(text: str, *, sender: str = "ben@northwind.example") -> bytes:
    """A reply from a pair member to the pair's signed reply address."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = reply_address(MAILBOX, make_token("ana-ben", date(2026, 11, 20), key=KEY))
    message["Subject"] = "Re: Check-in: Ana and Ben"
    message["Date"] = format_datetime(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    message["Message-ID"] = make_msgid(domain="northwind.example")
    message.set_content(text)
    return message.as_bytes()


def stranger() -> bytes:
    """Mail that has nothing to do with the program."""
    message = EmailMessage()
    message["From"] = "newsletter@shop.example"
    message["To"] = MAILBOX
    message["Subject"] = "Our autumn sale"
    message["Message-ID"] = make_msgid(domain="shop.example")
    message.set_content("Twenty percent off everything.")
    return message.as_bytes()


class Verdicts:
    """Collects the verdicts the loop hands on, and wakes a waiting test when they arrive."""

    def __init__(self) -> None:
        self.seen: list[Verdict] = []
        self._arrived = asyncio.Condition()

    def __call__(self, verdict: Verdict) -> None:
        self.seen.append(verdict)
        asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        async with self._arrived:
            self._arrived.notify_all()

    async def wait_for(self, count: int, *, timeout_s: float = 15.0) -> None:
        async with asyncio.timeout(timeout_s), self._arrived:
            await self._arrived.wait_for(lambda: len(self.seen) >= count)


class ForgetsWhileReading(SqliteStore):
    """A store on which `forget ana-ben`, run from another connection as the command is,
    commits after the intake has understood its first batch and before it records it."""

    database: Path | None = None
    """Where `forget` opens the database; None once it has run."""

    def record_inbound_batch(
        self, items: Sequence[InboundItem], *, now: datetime
    ) -> list[Recorded]:
        """Let `forget` commit first, once, then record as the store does."""
        if self.database is not None:
            with SqliteStore.open(self.database) as command:
                command.forget_pair("ana-ben", keep_if_unsent=True)
            self.database = None
        return super().record_inbound_batch(items, now=now)


def intake_for(
    store: SqliteStore,
    config: ImapConfig,
    *,
    limits: Limits | None = None,
    respond: Callable[[Verdict], None] | None = None,
    trusted_authserv_id: str | None = None,
) -> Intake:
    """The production Intake on the test program, wired as the daemon wires it."""
    program: Program = parse_program(PROGRAM, file="test.yaml")
    return Intake(
        lambda: program,
        store=store,
        connect=mailboxes(config),
        clock=FixedClock(),
        folder=config.folder,
        secret_key=KEY,
        mailbox_address=MAILBOX,
        our_addresses=frozenset({MAILBOX}),
        limits=Limits() if limits is None else limits,
        trusted_authserv_id=trusted_authserv_id,
        respond=respond,
    )


async def poll_session(intake: Intake, config: ImapConfig) -> int:
    """One session on a new connection: start it, poll once, close; how many were taken."""
    mailbox = ImapMailbox(config)
    try:
        state = await intake.start_session(mailbox)
        return await intake.poll_once(mailbox, state)
    finally:
        await mailbox.close()


async def test_a_reply_is_recorded_then_marked_and_its_meeting_logged(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """A meeting reply becomes one meeting, advances the watermark and is flagged on the server."""
    clean_dovecot.deliver(reply("Yes, we met yesterday for 45 minutes."))
    assert await poll_session(intake_for(store, imap_config), imap_config) == 1
    uidvalidity = clean_dovecot.uidvalidity()
    [meeting] = store.meetings()
    assert (meeting.pair_id, meeting.met_on, meeting.duration_minutes) == (
        "ana-ben",
        date(2026, 11, 24),
        45,
    )
    [uid] = clean_dovecot.uids()
    assert store.watermark(folder="INBOX", uidvalidity=uidvalidity) == uid
    assert PROCESSED_KEYWORD in clean_dovecot.flags(uid)
    assert store.unmarked_uids(folder="INBOX", uidvalidity=uidvalidity) == []


async def test_a_reply_for_a_pair_erased_while_it_was_read_gets_no_meeting(
    clean_dovecot: Dovecot, imap_config: ImapConfig, db_path: Path
) -> None:
    """A meeting reply understood for a pair that forget erases before it is recorded is
    recorded as replies to a pair erased earlier are: unmatched, nothing under the pair."""
    clean_dovecot.deliver(reply("Yes, we met yesterday for 45 minutes."))
    verdicts = Verdicts()
    with ForgetsWhileReading.open(db_path) as store:
        store.database = db_path
        intake = intake_for(store, imap_config, respond=verdicts)
        assert await poll_session(intake, imap_config) == 1
        [verdict] = verdicts.seen
        assert (verdict.outcome, verdict.reason, verdict.pair_id) == (
            Outcome.UNMATCHED,
            Reason.NO_REFERENCE,
            None,
        )
        assert store.meetings() == []
        assert store.pair_records("ana-ben").total == 0
        [row] = store.review_queue()
        assert (row.outcome, row.pair_id, row.sender) == (
            Outcome.UNMATCHED,
            None,
            "ben@northwind.example",
        )
    [uid] = clean_dovecot.uids()
    assert PROCESSED_KEYWORD not in clean_dovecot.flags(uid)


async def test_the_same_message_twice_is_one_meeting_and_mail_not_ours_is_left_alone(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """A message delivered twice logs one meeting; a stranger's mail is recorded, not flagged."""
    raw = reply("We met on Monday, about an hour.")
    for message in (raw, raw, stranger()):
        clean_dovecot.deliver(message)
    assert await poll_session(intake_for(store, imap_config), imap_config) == 3
    assert len(store.meetings()) == 1
    first, second, foreign = clean_dovecot.uids()
    assert PROCESSED_KEYWORD in clean_dovecot.flags(first)
    assert PROCESSED_KEYWORD in clean_dovecot.flags(second)
    assert PROCESSED_KEYWORD not in clean_dovecot.flags(foreign)
    [unmatched] = store.review_queue()
    assert unmatched.outcome == "unmatched"


async def test_a_correction_of_a_check_in_logs_its_meeting_and_removes_none(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """ "That's wrong, we met on Friday" keeps the meeting logged before and logs Friday's."""
    intake = intake_for(store, imap_config)
    clean_dovecot.deliver(reply("We met on Monday, about an hour."))
    await poll_session(intake, imap_config)
    clean_dovecot.deliver(reply("That's wrong, we met on Friday for an hour."))
    await poll_session(intake, imap_config)
    logged = [(m.met_on, m.duration_minutes) for m in store.meetings()]
    assert logged == [(date(2026, 11, 20), 60), (date(2026, 11, 23), 60)]
    assert store.review_queue() == []


async def test_a_uidvalidity_change_rescans_without_logging_anything_twice(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """After UIDVALIDITY changes, every message is read again and recognised as known."""
    clean_dovecot.deliver(reply("Yes, we met yesterday for 45 minutes."))
    intake = intake_for(store, imap_config)
    await poll_session(intake, imap_config)
    first_uidvalidity = clean_dovecot.uidvalidity()
    clean_dovecot.change_uidvalidity()
    mailbox = ImapMailbox(imap_config)
    try:
        new_state = await intake.start_session(mailbox)
        assert new_state.uidvalidity != first_uidvalidity
        assert await intake.poll_once(mailbox, new_state) == 1
    finally:
        await mailbox.close()
    assert len(store.meetings()) == 1


async def test_recorded_but_unmarked_mail_is_marked_on_the_next_connection(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """A crash between the commit and the mark is repaired when the loop connects again."""
    clean_dovecot.deliver(reply("Not yet."))
    intake = intake_for(store, imap_config)
    mailbox = ImapMailbox(imap_config)
    try:
        state = await mailbox.open()
        [fetched] = await mailbox.fetch(await mailbox.new_uids(after=0))
        assert fetched.raw is not None
        verdict = Verdict(outcome=Outcome.NOT_MET, pair_id="ana-ben", message_id="<crash@x>")
        store.record_inbound(
            folder="INBOX",
            uidvalidity=state.uidvalidity,
            uid=fetched.uid,
            raw=fetched.raw,
            verdict=verdict,
            now=NOW,
            keep_text=False,
        )
    finally:
        await mailbox.close()
    assert PROCESSED_KEYWORD not in clean_dovecot.flags(fetched.uid)

    mailbox = ImapMailbox(imap_config)
    try:
        await intake.start_session(mailbox)
    finally:
        await mailbox.close()
    assert PROCESSED_KEYWORD in clean_dovecot.flags(fetched.uid)
    assert store.unmarked_uids(folder="INBOX", uidvalidity=state.uidvalidity) == []


async def test_processed_mail_moves_to_the_processed_folder_when_one_is_set(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """With a processed folder, our replies leave the INBOX and mail not ours stays in it."""
    config = replace(imap_config, processed_folder="Processed")
    clean_dovecot.deliver(reply("Not yet, next week."))
    clean_dovecot.deliver(stranger())
    await poll_session(intake_for(store, config), config)
    assert clean_dovecot.folder_count("Processed") == 1
    assert len(clean_dovecot.uids()) == 1


async def test_the_running_loop_survives_the_server_dropping_it(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """When the server kicks the connection, the loop reconnects and still reads new replies."""
    responses = Verdicts()
    intake = intake_for(store, imap_config, respond=responses)
    stop = asyncio.Event()
    running = asyncio.create_task(intake.run(stop))
    clean_dovecot.deliver(reply("Yes, we met yesterday."))
    await responses.wait_for(1)
    clean_dovecot.kick()
    clean_dovecot.deliver(reply("Not yet.", sender="ana@northwind.example"))
    await responses.wait_for(2)
    stop.set()
    async with asyncio.timeout(10):
        await running
    assert [v.outcome for v in responses.seen] == [Outcome.MEETING, Outcome.NOT_MET]


async def test_an_unclear_reply_is_answered_even_when_marking_it_fails(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """A reply recorded but left unmarked (the server refused the move) is still answered."""
    config = replace(imap_config, processed_folder="Processed")
    clean_dovecot.deliver(reply("Hmm, what do you mean?"))
    [uid] = clean_dovecot.uids()
    responses = Verdicts()
    intake = intake_for(store, config, respond=responses)
    mailbox = ImapMailbox(config)
    try:
        state = await intake.start_session(mailbox)
        clean_dovecot.doveadm("mailbox", "delete", "-u", clean_dovecot.user, "Processed")
        with pytest.raises(TransientMailboxError):
            await intake.poll_once(mailbox, state)
    finally:
        await mailbox.close()
    assert [verdict.outcome for verdict in responses.seen] == [Outcome.UNCLEAR]
    assert store.unmarked_uids(folder="INBOX", uidvalidity=state.uidvalidity) == [uid]


async def test_mail_arriving_while_a_batch_is_handled_is_read_without_waiting_for_idle(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """A reply delivered while the previous one is being handled is read at once, not
    after the IDLE renewal that the server's dropped announcement would leave it to."""
    config = replace(imap_config, idle_renew_s=540.0)
    responses = Verdicts()

    def respond(verdict: Verdict) -> None:
        if not responses.seen:
            clean_dovecot.deliver(reply("Not yet.", sender="ana@northwind.example"))
        responses(verdict)

    intake = intake_for(store, config, respond=respond)
    stop = asyncio.Event()
    running = asyncio.create_task(intake.run(stop))
    clean_dovecot.deliver(reply("Yes, we met yesterday."))
    try:
        await responses.wait_for(2, timeout_s=20)
    finally:
        stop.set()
        async with asyncio.timeout(10):
            await running
    assert [v.outcome for v in responses.seen] == [Outcome.MEETING, Outcome.NOT_MET]


async def test_a_searched_message_the_server_then_says_nothing_about_does_not_keep_it_polling(
    clean_dovecot: Dovecot, imap_config: ImapConfig, imap_relay: ImapRelay, store: SqliteStore
) -> None:
    """When the search names a UID that the fetch then gets nothing for, the loop goes on to
    wait for news (IDLE) instead of searching again without end."""
    imap_relay.rewrite(b"* SEARCH\r\n", b"* SEARCH 999\r\n")
    intake = intake_for(store, replace(imap_config, port=imap_relay.port))
    stop = asyncio.Event()
    running = asyncio.create_task(intake.run(stop))
    try:
        async with asyncio.timeout(20):
            await imap_relay.server_said(b"+ idling")
    finally:
        stop.set()
        async with asyncio.timeout(10):
            await running
    assert store.watermark(folder="INBOX", uidvalidity=clean_dovecot.uidvalidity()) == 0


async def test_a_message_that_cannot_be_read_is_logged_and_listed_for_review(
    clean_dovecot: Dovecot,
    imap_config: ImapConfig,
    imap_relay: ImapRelay,
    store: SqliteStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A UID whose message never comes back (expunged after the search found it) is logged with
    its UID and recorded as unreadable, so it is listed for review instead of skipped."""
    config = replace(imap_config, port=imap_relay.port)
    clean_dovecot.deliver(reply("Not yet."))
    [uid] = clean_dovecot.uids()
    intake = intake_for(store, config)
    mailbox = ImapMailbox(config)
    try:
        state = await intake.start_session(mailbox)
        imap_relay.hold_after(b"* SEARCH")
        polling = asyncio.create_task(intake.poll_once(mailbox, state))
        await imap_relay.holding()
        await asyncio.to_thread(
            clean_dovecot.doveadm,
            "expunge",
            "-u",
            clean_dovecot.user,
            "mailbox",
            "INBOX",
            "uid",
            str(uid),
        )
        imap_relay.release()
        assert await polling == 1
    finally:
        await mailbox.close()
    [row] = store.review_queue()
    assert (row.uid, row.outcome, row.reason) == (uid, Outcome.REJECTED, Reason.UNREADABLE)
    assert store.watermark(folder="INBOX", uidvalidity=state.uidvalidity) == uid
    assert f"message UID {uid} in INBOX could not be read" in caplog.text
