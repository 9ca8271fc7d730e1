"""The running service: the planner's loop queues what is due, the sender drains the outbox.

Both loops run in one `asyncio.TaskGroup`, with the reply loop and the program file's watcher
when they are set. The planner and the sender meet only through the SQLite outbox, so a
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
    SendError,
    TransientSendError,
    UnknownOutcomeError,
)
from reminder_service.health import HealthServer
from reminder_service.intake import Intake
from reminder_service.metrics import Monitor
from reminder_service.planner import Planner
from reminder_service.ports import Clock, Delivery, Mailer
from reminder_service.ratelimit import SendRateLimit
from reminder_service.reload import Reloader, ReloadStatus
from reminder_service.store import OutboxRow, SqliteStore
from reminder_service.waiting import wait_for_either

log = logging.getLogger(__name__)

PLANNER_INTERVAL = timedelta(seconds=30)
SHUTDOWN_GRACE = timedelta(seconds=5)
REMOVED_PAIR = "the pair was removed from the program before this email went out"
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
        self._mailer = mailer
        self._clock = clock
        self._limit = SendRateLimit(max_per_minute)
        self._planner_interval = planner_interval
        self._shutdown_grace = shutdown_grace
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._wake = asyncio.Event()
        self._replan = asyncio.Event()
        self._started = ReloadStatus.loaded_at(clock.now())
        self.planner = self._planner(composer)
        self.intake: Intake | None = None
        """The reply loop, set by the composition root when a reply mailbox is configured."""
        self.reloader: Reloader | None = None
        """The program file's watcher, set by the composition root (hot reload)."""
        self.monitor: Monitor | None = None
        """Liveness, readiness and metrics, set by the composition root."""
        self.health: HealthServer | None = None
        """The /healthz, /readyz and /metrics server, set by the composition root."""

    @property
    def reload_status(self) -> ReloadStatus:
        """How the last load of the program and templates went (start-up counts as one)."""
        return self.reloader.status if self.reloader is not None else self._started

    def use(self, program: Program, *, composer: Composer) -> None:
        """Switch to a checked program and its templates; planning uses them from now on.

        A pair that is no longer in the program gets no more email; its history stays.
        """
        removed = sorted({p.id for p in self.program.pairs} - {p.id for p in program.pairs})
        added = sorted({p.id for p in program.pairs} - {p.id for p in self.program.pairs})
        self.program = program
        self.planner = self._planner(composer)
        if added:
            log.info("pairs added to the program: %s", ", ".join(added))
        if removed:
            log.info(
                "pairs removed from the program (no more email; history kept): %s",
                ", ".join(removed),
            )
        self._replan.set()

    def request_reload(self) -> None:
        """Reload the program and templates now (SIGHUP), when a watcher is set."""
        if self.reloader is None:
            log.warning("reloading was asked for, but this service does not reload its program")
            return
        self.reloader.request()

    def _planner(self, composer: Composer) -> Planner:
        return Planner(
            lambda: self.program,
            store=self._store,
            composer=composer,
            clock=self._clock,
            reload_errors=lambda: self.reload_status.problems,
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set, then finish (or abandon) the send in flight and return."""
        self.recover()
        try:
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(self._plan_loop(stop), name="planner")
                tasks.create_task(self._send_loop(stop), name="sender")
                if self.intake is not None:
                    tasks.create_task(self.intake.run(stop), name="inbox")
                if self.reloader is not None:
                    tasks.create_task(self.reloader.run(stop), name="reloader")
                if self.health is not None:
                    tasks.create_task(self.health.serve(stop), name="health")
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
        self._report_planner()
        while not stop.is_set():
            await wait_for_either(stop, self._replan, self._planner_interval)
            self._replan.clear()
            if not stop.is_set():
                self.plan_once()
                self._report_planner()

    def _report_planner(self) -> None:
        """Tell the monitor the planner turned, and how the last reload went."""
        if self.monitor is None:
            return
        self.monitor.beat("planner")
        status = self.reload_status
        self.monitor.reloaded(status.successful, at=status.last_success_at)

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
        if row.pair_id and self.program.pair(row.pair_id) is None:
            self._store.mark_failed(row.id, now=now, error=REMOVED_PAIR)
            log.info("%s: not sent: %s", row.key, REMOVED_PAIR)
            return True
        self._limit.record(now)
        await self._deliver(row, stop or asyncio.Event())
        return True

    async def _send_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if self.monitor is not None:
                self.monitor.beat("sender")
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
            self._observe(row, exc)
            self._retry_or_give_up(row, now=now, error=str(exc))
        except PermanentSendError as exc:
            self._observe(row, exc)
            self._store.mark_failed(row.id, now=now, error=str(exc))
            log.error("%s could not be sent and will not be retried: %s", row.key, exc)
        except UnknownOutcomeError as exc:
            self._observe(row, exc)
            self._store.mark_unknown(row.id, now=now, error=str(exc))
            log.warning("%s may or may not have been delivered: %s", row.key, exc)
        except Exception as exc:
            self._observe(row, exc)
            self._store.mark_unknown(row.id, now=now, error=f"unexpected error: {exc!r}")
            log.exception("%s: unexpected error while sending", row.key)
        else:
            self._observe(row, None)
            self._store.mark_sent(row.id, now=now)
            log.info("sent %s to %s: %s", row.key, ", ".join(row.recipients), receipt.response)
            for address, reply in receipt.refused.items():
                log.warning("%s: the mail server refused %s: %s", row.key, address, reply)

    def _observe(self, row: OutboxRow, failure: Exception | None) -> None:
        """Count the send's outcome; a failure without a server reply means SMTP is unreachable."""
        monitor = self.monitor
        if monitor is None:
            return
        if failure is None:
            monitor.sent(row.kind)
        elif isinstance(failure, TransientSendError):
            monitor.retried(row.kind)
        elif isinstance(failure, PermanentSendError):
            monitor.send_failed(row.kind)
        else:
            monitor.unknown(row.kind)
        if isinstance(failure, SendError) and failure.code is None:
            monitor.smtp_failed(reason=str(failure))

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
