"""The reply side of the daemon: read the mailbox, understand each message, record, then mark.

Order matters for the guarantees in GUIDE section 3: a batch of messages, their verdicts,
any meetings and the UID watermark are committed in one transaction *before* anything is
flagged or moved on the server, and each is answered right after that commit. A crash after
the commit leaves the messages recorded but unmarked, and they are marked on the next
connection (an unclear one the planner asks about from its stored record); a crash before it
leaves the watermark where it was, so the same messages are read again and deduplicated by
Message-ID.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Protocol

from reminder_service.core.model import Program
from reminder_service.core.replies.mime import Limits
from reminder_service.core.replies.understand import ReplyContext, understood, unread_verdict
from reminder_service.core.replies.verdict import Outcome, Reason, Verdict
from reminder_service.core.retry import retry_delay
from reminder_service.errors import MailboxError, PairErasedError, PermanentMailboxError
from reminder_service.imap import Fetched, MailboxState
from reminder_service.metrics import Monitor
from reminder_service.ports import Clock
from reminder_service.store import InboundItem, Recorded, SqliteStore
from reminder_service.waiting import wait_for_stop

log = logging.getLogger(__name__)

BATCH = 100
RECONNECT_BASE = timedelta(seconds=1)
RECONNECT_CAP = timedelta(minutes=5)
PERMANENT_CAP = timedelta(hours=1)


class Mailbox(Protocol):
    """The reply mailbox as the intake loop uses it (implemented by imap.ImapMailbox)."""

    async def open(self) -> MailboxState: ...
    async def new_uids(self, *, after: int) -> list[int]: ...
    async def fetch(self, uids: Sequence[int]) -> list[Fetched]: ...
    async def mark_processed(self, uids: Sequence[int]) -> None: ...
    async def wait_for_news(self, *, stop: asyncio.Event) -> None: ...
    async def close(self) -> None: ...


class Intake:
    """Turns messages in the reply mailbox into recorded verdicts and meetings."""

    def __init__(
        self,
        program: Callable[[], Program],
        *,
        store: SqliteStore,
        connect: Callable[[], Mailbox],
        clock: Clock,
        folder: str,
        secret_key: bytes,
        mailbox_address: str,
        our_addresses: frozenset[str],
        limits: Limits,
        trusted_authserv_id: str | None = None,
        respond: Callable[[Verdict], None] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._program = program
        self._store = store
        self._connect = connect
        self._clock = clock
        self._folder = folder
        self._key = secret_key
        self._mailbox_address = mailbox_address
        self._our_addresses = our_addresses
        self._limits = limits
        self._trusted_authserv_id = trusted_authserv_id
        self._respond = respond
        self.monitor: Monitor | None = None
        """Liveness and metrics, set by the composition root."""
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography

    async def run(self, stop: asyncio.Event) -> None:
        """Keep reading until `stop`; reconnect after any mailbox error with a growing delay.

        After a poll that recorded mail it looks again before waiting: the server announces
        mail that arrives while a batch is fetched or marked during those commands, where
        aioimaplib drops the announcement, and the wait would not hear of it again. A poll
        that recorded nothing waits, even if the search named a message the server then said
        nothing about: looking again at once would find it again, without end.
        """
        failures = 0
        while not stop.is_set():
            mailbox = self._connect()
            try:
                state = await self.start_session(mailbox)
                failures = 0
                self._report(connected=True)
                while not stop.is_set():
                    recorded = await self.poll_once(mailbox, state)
                    self._report(connected=True, polled=True)
                    if not recorded:
                        await mailbox.wait_for_news(stop=stop)
            except MailboxError as exc:
                failures += 1
                delay = self._reconnect_delay(
                    failures, permanent=isinstance(exc, PermanentMailboxError)
                )
                self._report(connected=False, next_within=delay)
                log.warning("reply mailbox: %s; trying again in %.0f s", exc, delay.total_seconds())
                await wait_for_stop(stop, delay)
            finally:
                await mailbox.close()

    def _report(
        self, *, connected: bool, polled: bool = False, next_within: timedelta | None = None
    ) -> None:
        """Tell the monitor the loop turned, whether it is connected, and a successful poll."""
        if self.monitor is None:
            return
        self.monitor.beat("inbox", next_within=next_within)
        self.monitor.imap_connected(connected)
        if polled:
            self.monitor.polled()

    def _reconnect_delay(self, failures: int, *, permanent: bool) -> timedelta:
        return retry_delay(
            failures,
            jitter=self._rng.random(),
            base=RECONNECT_BASE,
            cap=PERMANENT_CAP if permanent else RECONNECT_CAP,
        )

    async def start_session(self, mailbox: Mailbox) -> MailboxState:
        """Connect, then mark what a previous run recorded but could not mark before it stopped."""
        state = await mailbox.open()
        log.info("reading replies from %s (UIDVALIDITY %d)", self._folder, state.uidvalidity)
        uids = self._store.unmarked_uids(folder=self._folder, uidvalidity=state.uidvalidity)
        if uids:
            await mailbox.mark_processed(uids)
            self._store.set_marked(folder=self._folder, uidvalidity=state.uidvalidity, uids=uids)
        return state

    async def poll_once(self, mailbox: Mailbox, state: MailboxState) -> int:
        """Read, understand and record every message past the watermark; returns how many
        were recorded (a message the server says nothing about when fetched is not)."""
        after = self._store.watermark(folder=self._folder, uidvalidity=state.uidvalidity)
        uids = await mailbox.new_uids(after=after)
        recorded = 0
        for start in range(0, len(uids), BATCH):
            recorded += await self._take(mailbox, state, uids[start : start + BATCH])
        return recorded

    async def _take(self, mailbox: Mailbox, state: MailboxState, uids: Sequence[int]) -> int:
        fetched = await mailbox.fetch(uids)
        items, recorded = self._record(fetched, state=state)
        for item, result in zip(items, recorded, strict=True):
            _log_verdict(item, duplicate=result.duplicate)
            self._after_recording(item.verdict, result)
        ours = [item.uid for item in items if item.needs_mark]
        if ours:
            await mailbox.mark_processed(ours)
        self._store.set_marked(
            folder=self._folder, uidvalidity=state.uidvalidity, uids=[i.uid for i in items]
        )
        return len(items)

    def _record(
        self, fetched: Sequence[Fetched], *, state: MailboxState
    ) -> tuple[list[InboundItem], list[Recorded]]:
        """Understand and record the fetched messages; the items and what recording did.

        A pair erased with `forget` while they were understood would keep rows under its id,
        so the store refuses such a batch whole, and it is understood again without the
        pair, as any reply to a pair erased before it arrived is (unmatched, no meeting).
        """
        erased: frozenset[str] = frozenset()
        while True:
            context = self._context(without=erased)
            items = [self._item(message, state=state, context=context) for message in fetched]
            try:
                return items, self._store.record_inbound_batch(items, now=self._clock.now())
            except PairErasedError as exc:
                erased |= exc.pair_ids
                log.info(
                    "pair(s) %s erased with forget while replies were read; reading them again",
                    ", ".join(sorted(exc.pair_ids)),
                )

    def _after_recording(self, verdict: Verdict, result: Recorded) -> None:
        """Count a reply recorded and committed, and answer it (once: never a duplicate).

        It runs before the batch is marked on the server, so a failure to mark cannot lose
        the answer; the planner also answers from the stored record, should the process
        stop in between.
        """
        if self.monitor is not None:
            if not result.duplicate:
                self.monitor.reply(verdict.outcome.value)
            if result.meeting_is_new:
                self.monitor.meeting_logged()
        if self._respond is not None and not result.duplicate:
            self._respond(verdict)

    def _context(self, *, without: frozenset[str]) -> ReplyContext:
        """What understanding needs, with the program less the pairs in `without`."""
        return ReplyContext(
            program=self._program().without(without),
            key=self._key,
            mailbox=self._mailbox_address,
            our_addresses=self._our_addresses,
            now=self._clock.now(),
            sent=self._store.sent_ref,
            limits=self._limits,
            trusted_authserv_id=self._trusted_authserv_id,
        )

    def _item(self, message: Fetched, *, state: MailboxState, context: ReplyContext) -> InboundItem:
        where = f"UID {message.uid} in {self._folder} (UIDVALIDITY {state.uidvalidity})"
        if message.unreadable:
            raw = f"not read: {where}".encode()
            verdict, read = Verdict(outcome=Outcome.REJECTED, reason=Reason.UNREADABLE), False
        elif message.raw is None:
            raw = f"not fetched: {message.size} bytes, {where}".encode()
            verdict = unread_verdict(message.head, reason=Reason.TOO_LARGE, context=context)
            read = False
        else:
            raw = message.raw
            verdict, read = understood(raw, context=context)
        return InboundItem(
            folder=self._folder,
            uidvalidity=state.uidvalidity,
            uid=message.uid,
            raw=raw,
            verdict=verdict,
            keep_text=context.program.keep_notes,
            size=message.size,
            needs_mark=_is_ours(verdict, read=read),
        )


def _is_ours(verdict: Verdict, *, read: bool) -> bool:
    """Mail about our pairs, or our own mail coming back, is marked; the rest is left alone.

    A message refused unread (`read` False) is left alone too, even from a member, whatever
    the reason: someone still has to read it, and `review` sends them to the folder and UID
    where it arrived.
    """
    if not read and verdict.outcome is Outcome.REJECTED:
        return False
    return verdict.pair_id is not None or verdict.reason in (Reason.BOUNCE, Reason.LOOP)


def _log_verdict(item: InboundItem, *, duplicate: bool) -> None:
    verdict = item.verdict
    if duplicate:
        log.info("UID %d was already recorded (%s); nothing to do", item.uid, verdict.message_id)
        return
    log.info("UID %d from %s: %s", item.uid, verdict.sender or "unknown sender", describe(verdict))
    if verdict.failing_addresses:
        log.warning("delivery failed for %s", ", ".join(verdict.failing_addresses))


def describe(verdict: Verdict) -> str:
    """One line for people: what the reply meant, for which pair; a pause or an end that
    also tells of a meeting names both."""
    meeting = verdict.meeting
    if verdict.outcome is Outcome.PAUSE and verdict.pause_until:
        what = f"pause until {verdict.pause_until.isoformat()}"
    else:
        what = verdict.outcome.value.replace("_", " ")
    if meeting is not None:
        met = f"meeting on {meeting.date.isoformat()}"
        met += "" if meeting.date_stated else " (the reply's date)"
        met += f", {meeting.duration_minutes} min" if meeting.duration_minutes else ""
        what = met if verdict.outcome is Outcome.MEETING else f"{what}, and a {met}"
    if verdict.reason is not None:
        what += f" ({verdict.reason.value.replace('_', ' ')})"
    return what + (f", pair {verdict.pair_id}" if verdict.pair_id else "")
