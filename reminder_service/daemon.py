"""The running service: the planner's loop queues what is due, the sender drains the outbox.

Both loops run in one `asyncio.TaskGroup`. They meet only through the SQLite outbox, so a
crash between them loses nothing: whatever was queued is sent after a restart, and a row
that was being handed to the mail server when the process died is marked `unknown` and
never sent twice (GUIDE section 3).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import datetime, timedelta

from reminder_service.compose import Composer
from reminder_service.core.model import Program
from reminder_service.core.replies.verdict import Verdict
from reminder_service.core.retry import GIVE_UP_AFTER, retry_delay
from reminder_service.errors import (
    PermanentSendError,
    TransientSendError,
    UnknownOutcomeError,
)
from reminder_service.intake import Intake
from reminder_service.planner import Planner
from reminder_service.ports import Clock, Delivery, Mailer
from reminder_service.ratelimit import SendRateLimit
from reminder_service.store import OutboxRow, SqliteStore
from reminder_service.waiting import wait_for_either

log = logging.getLogger(__name__)

PLANNER_INTERVAL = timedelta(seconds=30)
SHUTDOWN_GRACE = timedelta(seconds=5)
STOPPED_MID_SEND = (
    "The service was stopped while this email was being handed to the mail server; "
    "it may or may not have been delivered, so it will not be sent again automatically."
)


class Daemon:
    """Wires the scheduling core to the outbox and the mail server."""

    def __init__(
        self,
        program: Program,
        *,
        store: SqliteStore,
        composer: Composer,
        mailer: Mailer,
        clock: Clock,
        max_per_minute: int,
        planner_interval: timedelta = PLANNER_INTERVAL,
        shutdown_grace: timedelta = SHUTDOWN_GRACE,
        rng: random.Random | None = None,
    ) -> None:
        self.program = program
        self._store = store
        self._composer = composer
        self._mailer = mailer
        self._clock = clock
        self._limit = SendRateLimit(max_per_minute)
        self._planner_interval = planner_interval
        self._shutdown_grace = shutdown_grace
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._wake = asyncio.Event()
        self._replan = asyncio.Event()
        self.planner = Planner(lambda: self.program, store=store, composer=composer, clock=clock)
        self.intake: Intake | None = None
        """The reply loop, set by the composition root when a reply mailbox is configured."""

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set, then finish (or abandon) the send in flight and return."""
        self.recover()
        try:
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(self._plan_loop(stop), name="planner")
                tasks.create_task(self._send_loop(stop), name="sender")
                if self.intake is not None:
                    tasks.create_task(self.intake.run(stop), name="inbox")
        finally:
            await self._mailer.close()
        log.info("stopped cleanly")

    def recover(self) -> None:
        """Mark sends interrupted by a previous crash as `unknown` and say so."""
        for row in self._store.recover_interrupted(now=self._clock.now()):
            log.warning(
                "%s (Message-ID %s) was being sent when the service last stopped; it is "
                "marked 'unknown' and will not be sent again: please check with %s",
                row.key,
                row.message_id,
                " and ".join(row.recipients),
            )

    def plan_once(self) -> int:
        """Queue every email due now and wake the sender; returns how many were queued."""
        queued = self.planner.plan_once()
        if queued:
            self._wake.set()
        return queued

    def respond_to(self, verdict: Verdict) -> None:
        """Answer a newly recorded reply: a question if unclear, and plan again right away.

        A reported meeting calls for a thank-you and a confirmation, a pause or an end for
        theirs; waking the planner sends them within seconds instead of at its next tick.
        """
        if self.planner.respond_to(verdict):
            self._wake.set()
        self._replan.set()

    async def _plan_loop(self, stop: asyncio.Event) -> None:
        queued = self.plan_once()
        log.info(
            "started: %d pairs in the program, %d check-ins queued",
            len(self.program.pairs),
            queued,
        )
        while not stop.is_set():
            await wait_for_either(stop, self._replan, self._planner_interval)
            self._replan.clear()
            if not stop.is_set():
                self.plan_once()

    async def send_one(self, stop: asyncio.Event | None = None) -> bool:
        """Send the next email that is due, if the rate limit allows one now.

        Returns False when there is nothing to send at this moment. When `stop` is set during
        the send, the send gets a short grace period and is then abandoned as `unknown`.
        """
        now = self._clock.now()
        if self._limit.wait_before_next(now) > timedelta(0):
            return False
        row = self._store.claim_next(now=now)
        if row is None:
            return False
        self._limit.record(now)
        await self._deliver(row, stop or asyncio.Event())
        return True

    async def _send_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            if await self.send_one(stop):
                continue
            await self._mailer.close()
            await wait_for_either(stop, self._wake, self._idle_timeout(self._clock.now()))

    def _idle_timeout(self, now: datetime) -> timedelta:
        """How long the sender may sleep: until the rate limit or the next retry allows a send."""
        waits = [self._planner_interval, self._limit.wait_before_next(now)]
        next_attempt = self._store.next_attempt_at()
        if next_attempt is not None:
            waits.append(next_attempt - now)
        return min(wait for wait in waits if wait > timedelta(0))

    async def _deliver(self, row: OutboxRow, stop: asyncio.Event) -> None:
        sending = asyncio.create_task(
            self._mailer.send(sender=row.sender, recipients=row.recipients, message=row.message)
        )
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({sending, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not sending.done():
            await asyncio.wait({sending}, timeout=self._shutdown_grace.total_seconds())
        if not sending.done():
            sending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sending
            self._store.mark_unknown(row.id, now=self._clock.now(), error=STOPPED_MID_SEND)
            log.warning("%s: %s", row.key, STOPPED_MID_SEND)
            return
        self._record_outcome(row, sending)

    def _record_outcome(self, row: OutboxRow, sending: asyncio.Task[Delivery]) -> None:
        now = self._clock.now()
        try:
            receipt = sending.result()
        except TransientSendError as exc:
            self._retry_or_give_up(row, now=now, error=str(exc))
        except PermanentSendError as exc:
            self._store.mark_failed(row.id, now=now, error=str(exc))
            log.error("%s could not be sent and will not be retried: %s", row.key, exc)
        except UnknownOutcomeError as exc:
            self._store.mark_unknown(row.id, now=now, error=str(exc))
            log.warning("%s may or may not have been delivered: %s", row.key, exc)
        except Exception as exc:
            self._store.mark_unknown(row.id, now=now, error=f"unexpected error: {exc!r}")
            log.exception("%s: unexpected error while sending", row.key)
        else:
            self._store.mark_sent(row.id, now=now)
            log.info("sent %s to %s: %s", row.key, ", ".join(row.recipients), receipt.response)
            for address, reply in receipt.refused.items():
                log.warning("%s: the mail server refused %s: %s", row.key, address, reply)

    def _retry_or_give_up(self, row: OutboxRow, *, now: datetime, error: str) -> None:
        if now - row.created_at >= GIVE_UP_AFTER:
            self._store.mark_failed(
                row.id, now=now, error=f"gave up after {row.attempts} attempts: {error}"
            )
            log.error("%s: gave up after %d attempts: %s", row.key, row.attempts, error)
            return
        retry_at = now + retry_delay(row.attempts, jitter=self._rng.random())
        self._store.mark_retry(row.id, now=now, retry_at=retry_at, error=error)
        log.warning("%s: temporary failure, retrying at %s: %s", row.key, retry_at, error)
