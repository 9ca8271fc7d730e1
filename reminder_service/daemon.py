"""The running service: the planner's loop queues what is due, the sender drains the outbox.

Both loops run in one `asyncio.TaskGroup`, with the reply loop, the program file's watcher
and the clearing of old email texts when they are set. The planner and the sender meet only
through the SQLite outbox, so a crash between them loses nothing: whatever was queued is
sent after a restart, and a row that was being handed to the mail server when the process
died is marked `unknown` and never sent twice (GUIDE section 3).
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import timedelta

from reminder_service.compose import Composer
from reminder_service.core.model import Program
from reminder_service.core.replies.verdict import Verdict
from reminder_service.core.wording import counted
from reminder_service.health import HealthServer
from reminder_service.intake import Intake
from reminder_service.long_lived import long_lived_left_alone, settle
from reminder_service.metrics import Monitor
from reminder_service.planner import Planner
from reminder_service.ports import Clock, Mailer
from reminder_service.reload import Reloader, ReloadStatus
from reminder_service.retention import Retention
from reminder_service.sender import Sender, SenderSettings
from reminder_service.served_program import ServedProgram
from reminder_service.store import SqliteStore
from reminder_service.waiting import wait_for_either

log = logging.getLogger(__name__)

PLANNER_INTERVAL = timedelta(seconds=30)
SHUTDOWN_GRACE = timedelta(seconds=5)


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
        keep_emails: timedelta | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.program = program
        self._store = store
        self._mailer = mailer
        self._clock = clock
        self._planner_interval = planner_interval
        self._replan = asyncio.Event()
        self._running = False
        self._settle_due = False
        self._started = ReloadStatus.loaded_at(clock.now())
        self.served = ServedProgram(lambda: self.program, store=store)
        """What planning and intake see: the program less the pairs erased with forget."""
        self.planner = self._planner(composer)
        self.intake: Intake | None = None
        """The reply loop, set by the composition root when a reply mailbox is configured."""
        self.reloader: Reloader | None = None
        """The program file's watcher, set by the composition root (hot reload)."""
        self.monitor: Monitor | None = None
        """Liveness, readiness and metrics, set by the composition root."""
        self.health: HealthServer | None = None
        """The /healthz, /readyz and /metrics server, set by the composition root."""
        self.retention = (
            None if keep_emails is None else Retention(store=store, clock=clock, keep=keep_emails)
        )
        """Clears the text of emails settled, and the bytes and reviewed words of messages
        received, longer ago than `keep_emails`; None keeps them all."""
        self.sender = Sender(
            SenderSettings(
                max_per_minute=max_per_minute,
                connections=connections,
                idle_at_most=planner_interval,
                shutdown_grace=shutdown_grace,
            ),
            store=store,
            mailer=mailer,
            clock=clock,
            program=lambda: self.program,
            monitor=lambda: self.monitor,
            rng=rng or random.Random(),  # noqa: S311 - jitter, not cryptography
        )

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
        self._settle_due = self._running
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
            self.served,
            store=self._store,
            composer=composer,
            clock=self._clock,
            reload_errors=lambda: self.reload_status.problems,
            taken=lambda: self.sender.taken,
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set, then finish (or abandon) the send in flight and return.

        While it runs, the objects alive at its start or at the last reload (the program,
        above all) are left out of the cyclic garbage collector's passes (`long_lived`).
        """
        self.recover()
        try:
            with long_lived_left_alone():
                self._running = True
                try:
                    await self._run_loops(stop)
                finally:
                    self._running = False
        finally:
            await self._mailer.close()
        log.info("stopped cleanly")

    async def _run_loops(self, stop: asyncio.Event) -> None:
        """The service's loops, side by side until `stop` is set or one fails."""
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._plan_loop(stop), name="planner")
            tasks.create_task(self.sender.run(stop), name="sender")
            if self.intake is not None:
                tasks.create_task(self.intake.run(stop), name="inbox")
            if self.reloader is not None:
                tasks.create_task(self.reloader.run(stop), name="reloader")
            if self.health is not None:
                tasks.create_task(self.health.serve(stop), name="health")
            if self.retention is not None:
                tasks.create_task(self.retention.run(stop), name="retention")

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
        returns how many were queued.

        The first tick after a reload also settles the new program's objects (`long_lived`):
        only then has the planner let go of the old program, so the collection that settling
        takes walks one program, not two (0.45 s at 100,000 pairs, not 0.9 s).
        """
        queued = self.planner.plan_once()
        if queued or self.planner.withdrawn:
            self.sender.wake()
        if self._settle_due and self._running:
            self._settle_due = False
            settle()
        return queued

    def respond_to(self, verdict: Verdict) -> None:
        """Answer a newly recorded reply: a question if unclear, and plan again right away.

        A reported meeting calls for a thank-you and a confirmation, a pause or an end for
        theirs; waking the planner sends them within seconds instead of at its next tick.
        """
        if self.planner.respond_to(verdict):
            self.sender.wake()
        self._replan.set()

    async def _plan_loop(self, stop: asyncio.Event) -> None:
        """Plan every planner interval, or sooner when woken."""
        queued = await self._catch_up(stop)
        log.info(
            "started: %s in the program, %s queued",
            counted(len(self.program.pairs), "pair"),
            counted(queued, "email"),
        )
        while not stop.is_set():
            await wait_for_either(stop, self._replan, self._planner_interval)
            self._replan.clear()
            if not stop.is_set():
                await self._catch_up(stop)

    async def _catch_up(self, stop: asyncio.Event) -> int:
        """Tick, and while a tick leaves a backlog (a full pass is planned a chunk a tick)
        tick again as soon as the sender, the inbox and health checks have had their turn;
        returns how many emails were queued."""
        queued = self.plan_once()
        self._report_planner()
        while self.planner.backlog and not stop.is_set():
            await asyncio.sleep(0)
            queued += self.plan_once()
            self._report_planner()
        return queued

    def _report_planner(self) -> None:
        """Tell the monitor the planner turned, and how the last reload went."""
        if self.monitor is None:
            return
        self.monitor.beat("planner")
        self.report_reload(self.reload_status)

    def report_reload(self, status: ReloadStatus) -> None:
        """Tell the monitor how the last load of the program went (the reloader calls this
        after each edit, so `/readyz` shows it at once)."""
        if self.monitor is None:
            return
        self.monitor.reloaded(
            status.successful, at=status.last_success_at, problems=status.problems
        )

    async def send_one(self, stop: asyncio.Event | None = None) -> bool:
        """Send the next email that is due, if the rate limit allows one now (a test's step).

        Returns False when there is nothing to send at this moment. When `stop` is set during
        the send, the send gets a short grace period and is then abandoned as `unknown`.
        """
        return await self.sender.send_one(stop)
