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
from collections.abc import Sequence
from dataclasses import dataclass
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
from reminder_service.store import OutboxRow, Settlement, SqliteStore
from reminder_service.waiting import wait_for_any, wait_for_either

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
        connections: int = 1,
        planner_interval: timedelta = PLANNER_INTERVAL,
        shutdown_grace: timedelta = SHUTDOWN_GRACE,
        rng: random.Random | None = None,
    ) -> None:
        self.program = program
        self._store = store
        self._mailer = mailer
        self._clock = clock
        self._limit = SendRateLimit(max_per_minute)
        self._connections = connections
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
        self.planner.use(composer)
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
        """One planning tick (see `Planner.plan_once`): queue what is due and wake the sender;
        returns how many were queued."""
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
        """Plan every planner interval, or sooner when woken; while a tick leaves a backlog
        (a full pass is planned a chunk a tick), tick again as soon as the sender, the inbox
        and health checks have had their turn."""
        queued = self.plan_once()
        while self.planner.backlog and not stop.is_set():
            await asyncio.sleep(0)
            queued += self.plan_once()
        log.info(
            "started: %d pairs in the program, %d check-ins queued",
            len(self.program.pairs),
            queued,
        )
        self._report_planner()
        while not stop.is_set():
            if self.planner.backlog:
                await asyncio.sleep(0)
            else:
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
        The send loop does the same for several emails at once; this is its single step.
        """
        now = self._clock.now()
        sending: dict[asyncio.Task[Delivery], OutboxRow] = {}
        removed = self._start_round((), sending, now=now, room=min(1, self._limit.allowance(now)))
        if removed:
            self._record(removed, now=now)
            return True
        if not sending:
            return False
        await _first_of(sending, stop or asyncio.Event())
        self._record(await self._end_all(sending), now=self._clock.now())
        return True

    async def _send_loop(self, stop: asyncio.Event) -> None:
        """Keep up to `connections` sends in flight; record each round in one transaction.

        Each round records the sends that ended since the last one and claims as many due
        rows as there are free connections (and the rate limit allows), in one commit.
        """
        sending: dict[asyncio.Task[Delivery], OutboxRow] = {}
        try:
            await self._send_rounds(stop, sending)
        finally:
            # Only after a failure (the database, say): the rows stay `sending` and are
            # reported `unknown` at the next start, as after a crash.
            for task in sending:
                task.cancel()
            await asyncio.gather(*sending, return_exceptions=True)

    async def _send_rounds(
        self, stop: asyncio.Event, sending: dict[asyncio.Task[Delivery], OutboxRow]
    ) -> None:
        ended: list[_Ended] = []
        while True:
            if self.monitor is not None:
                self.monitor.beat("sender")
            self._wake.clear()
            now = self._clock.now()
            room = 0 if stop.is_set() else self._room(now, busy=len(sending))
            ended = self._start_round(ended, sending, now=now, room=room)
            if ended:
                continue
            if stop.is_set() and sending:
                ended = await self._end_all(sending)
                sending.clear()
            elif stop.is_set():
                return
            elif sending:
                wake = self._wake if len(sending) < self._connections else None
                finished = await _first_of(sending, stop, wake)
                ended = [self._outcome(sending.pop(task), task) for task in finished]
            else:
                await self._mailer.close()
                await wait_for_either(stop, self._wake, self._idle_timeout(now))

    def _start_round(
        self,
        ended: Sequence[_Ended],
        sending: dict[asyncio.Task[Delivery], OutboxRow],
        *,
        now: datetime,
        room: int,
    ) -> list[_Ended]:
        """Record `ended`, claim up to `room` rows and start sending each into `sending`;
        returns the claimed rows whose pair has left the program, failed but not recorded."""
        removed = []
        for row in self._record(ended, now=now, claim=room):
            gone = self._removed(row)
            if gone is None:
                sending[self._launch(row, now=now)] = row
            else:
                removed.append(gone)
        return removed

    def _record(self, ended: Sequence[_Ended], *, now: datetime, claim: int = 0) -> list[OutboxRow]:
        """Commit how sends ended and claim up to `claim` rows; then log, so a log line never
        claims more than the database holds."""
        claimed = self._store.settle_and_claim(
            [item.settlement for item in ended], now=now, claim=claim
        )
        for item in ended:
            log.log(item.level, item.message, exc_info=item.failure)
            for warning in item.warnings:
                log.warning(warning)
        return claimed

    def _room(self, now: datetime, *, busy: int) -> int:
        """How many more sends may start now: free connections, within the rate limit."""
        return min(self._connections - busy, self._limit.allowance(now))

    def _removed(self, row: OutboxRow) -> _Ended | None:
        """A failure for a row whose pair left the program after it was queued, else None."""
        if not row.pair_id or self.program.pair(row.pair_id) is not None:
            return None
        return _Ended(
            Settlement.failed(row.id, REMOVED_PAIR), f"{row.key}: not sent: {REMOVED_PAIR}"
        )

    def _launch(self, row: OutboxRow, *, now: datetime) -> asyncio.Task[Delivery]:
        self._limit.record(now)
        return asyncio.create_task(
            self._mailer.send(sender=row.sender, recipients=row.recipients, message=row.message),
            name=f"send {row.key}",
        )

    async def _end_all(self, sending: dict[asyncio.Task[Delivery], OutboxRow]) -> list[_Ended]:
        """Outcomes of every send, those still running after the grace period abandoned."""
        if sending:
            await asyncio.wait(sending, timeout=self._shutdown_grace.total_seconds())
        ended = []
        for task, row in sending.items():
            if task.done():
                ended.append(self._outcome(row, task))
                continue
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            ended.append(
                _Ended(
                    Settlement.unknown(row.id, STOPPED_MID_SEND),
                    f"{row.key}: {STOPPED_MID_SEND}",
                    logging.WARNING,
                )
            )
        return ended

    def _idle_timeout(self, now: datetime) -> timedelta:
        """How long the sender may sleep: until the rate limit or the next retry allows a send."""
        waits = [self._planner_interval, self._limit.wait_before_next(now)]
        next_attempt = self._store.next_attempt_at()
        if next_attempt is not None:
            waits.append(next_attempt - now)
        return min(wait for wait in waits if wait > timedelta(0))

    def _outcome(self, row: OutboxRow, sending: asyncio.Task[Delivery]) -> _Ended:
        """What a finished send means for its row, counted now and logged once recorded."""
        now = self._clock.now()
        try:
            receipt = sending.result()
        except TransientSendError as exc:
            self._observe(row, exc)
            return self._retry_or_give_up(row, now=now, error=str(exc))
        except PermanentSendError as exc:
            self._observe(row, exc)
            return _Ended(
                Settlement.failed(row.id, str(exc)),
                f"{row.key} could not be sent and will not be retried: {exc}",
                logging.ERROR,
            )
        except UnknownOutcomeError as exc:
            self._observe(row, exc)
            return _Ended(
                Settlement.unknown(row.id, str(exc)),
                f"{row.key} may or may not have been delivered: {exc}",
                logging.WARNING,
            )
        except Exception as exc:
            self._observe(row, exc)
            return _Ended(
                Settlement.unknown(row.id, f"unexpected error: {exc!r}"),
                f"{row.key}: unexpected error while sending",
                logging.ERROR,
                failure=exc,
            )
        self._observe(row, None)
        return _Ended(
            Settlement.sent(row.id),
            f"sent {row.key} to {', '.join(row.recipients)}: {receipt.response}",
            warnings=tuple(
                f"{row.key}: the mail server refused {address}: {reply}"
                for address, reply in receipt.refused.items()
            ),
        )

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

    def _retry_or_give_up(self, row: OutboxRow, *, now: datetime, error: str) -> _Ended:
        if now - row.created_at >= GIVE_UP_AFTER:
            return _Ended(
                Settlement.failed(row.id, f"gave up after {row.attempts} attempts: {error}"),
                f"{row.key}: gave up after {row.attempts} attempts: {error}",
                logging.ERROR,
            )
        retry_at = now + retry_delay(row.attempts, jitter=self._rng.random())
        return _Ended(
            Settlement.retry(row.id, retry_at, error),
            f"{row.key}: temporary failure, retrying at {retry_at}: {error}",
            logging.WARNING,
        )


@dataclass(frozen=True, slots=True)
class _Ended:
    """A send that ended (or was never started): what to record, and what to log after."""

    settlement: Settlement
    message: str
    level: int = logging.INFO
    failure: BaseException | None = None
    warnings: tuple[str, ...] = ()


async def _first_of(
    sending: dict[asyncio.Task[Delivery], OutboxRow],
    stop: asyncio.Event,
    wake: asyncio.Event | None = None,
) -> set[asyncio.Task[Delivery]]:
    """Wait until a send ends, `stop` is set, or (when given) `wake` is; the finished sends."""
    await wait_for_any(sending, stop, wake)
    return {task for task in sending if task.done()}
