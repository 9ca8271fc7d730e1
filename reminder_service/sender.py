"""The sender: drains the outbox through the mail server, recording every send's outcome.

It keeps up to `connections` sends in flight. A send starts on a due row at once (MAIL and
RCPT), but its message data waits at a gate until the row's claim (`pending -> sending`) is
committed: the design guide's rule, "commit `sending` before the message data goes out".
The first send to reach its gate commits, right there, the claims of every send started
meanwhile and the outcomes of the sends that ended, in one transaction and one disk sync;
the sends it claimed pass their own gates without a commit.

Outcomes otherwise wait for the next commit: the next gate's, at once when no send in
flight still has its claim to commit, and in any case within `OUTCOMES_WAIT_AT_MOST` (a send
slow to reach its gate must not hold the record of the sends that ended). After a crash, a
row not claimed yet is still `pending`, and a claimed row, whether or not its data went
out, becomes `unknown` and is never resent. A stop is gentler: sends that have not reached
their gate are dropped and their rows stay (or go back to) `pending`; the others get the
grace period. After a failed commit no send passes its gate, and the sender stops with the
database's error.

Due rows are read `READ_AHEAD` at a time (reading claims nothing); the planner's wake-up
makes the sender read again, so new emails are not held behind the ones read.

When the mail server cannot be used at all (unreachable, login refused, TLS:
`MailServerUnusableError`), the sender pauses for the whole server, not email by email: it
tries again with one email at growing intervals (`core.retry.next_outage`), logging one line
a try, and the emails wait, pending, their attempts not counted. Once a try gets through,
everything resumes. A wrong password is thus tried a few dozen times a day, not once per
waiting email.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from reminder_service.core.model import Program
from reminder_service.core.retry import GIVE_UP_AFTER, Outage, next_outage, retry_delay
from reminder_service.errors import (
    MailServerUnusableError,
    PermanentSendError,
    SendError,
    TransientSendError,
    UnknownOutcomeError,
)
from reminder_service.failure_words import as_sentence
from reminder_service.metrics import Monitor
from reminder_service.ports import Clock, Delivery, Mailer
from reminder_service.ratelimit import WINDOW, SendRateLimit
from reminder_service.store import OutboxRow, OutboxState, Settlement, SqliteStore
from reminder_service.waiting import wait_for_any

log = logging.getLogger(__name__)

READ_AHEAD = 50
"""How many due rows the sender reads at once; it reads again when they are used up or when
the planner has queued more."""
OUTCOMES_WAIT_AT_MOST = timedelta(seconds=1)
"""How long the outcome of a send that ended may wait for another send's gate to share its
commit. Past this it is committed on its own, and the claims of sends still before their
gate are left to those gates: otherwise a send that is slow to reach its gate (reconnecting
to a slow server, say) would hold back the record of emails already delivered, and a crash
meanwhile would report them `unknown`; committing the slow send's claim early would instead
make a crash report it `unknown` though none of its data went out."""
REMOVED_PAIR = "the pair was removed from the program before this email went out"
STOPPED_BEFORE_DATA = "the service stopped before this email's message went out; it stays queued"
STOPPED_MID_SEND = (
    "The service was stopped while this email was being handed to the mail server; "
    "it may or may not have been delivered, so it will not be sent again automatically."
)


@dataclass(frozen=True, slots=True)
class SenderSettings:
    """How fast and how widely the sender may send, and how long it may sleep or linger."""

    max_per_minute: int
    connections: int
    idle_at_most: timedelta
    shutdown_grace: timedelta


class Sender:
    """Sends due outbox rows over up to `connections` connections; see the module docstring."""

    def __init__(
        self,
        settings: SenderSettings,
        *,
        store: SqliteStore,
        mailer: Mailer,
        clock: Clock,
        program: Callable[[], Program],
        monitor: Callable[[], Monitor | None],
        rng: random.Random,
    ) -> None:
        self._settings = settings
        self._store = store
        self._mailer = mailer
        self._clock = clock
        self._program = program
        self._monitor = monitor
        self._rng = rng
        # The previous run's sends of the last minute still count against the limit.
        since = clock.now() - WINDOW
        self._limit = SendRateLimit(settings.max_per_minute, started=store.tried_since(since))
        self._changed = asyncio.Event()
        self._queued = True
        self._due: deque[OutboxRow] = deque()
        self._sending: dict[asyncio.Task[Delivery], OutboxRow] = {}
        self._claims: dict[int, None] = {}
        """Rows taken whose claim is not committed yet (an ordered set)."""
        self._passed: set[int] = set()
        """Rows whose send has passed its gate: their message data may have gone out."""
        self._ended: list[_Ended] = []
        self._ended_since: float | None = None
        """When (event loop time) the oldest outcome in `_ended` started waiting."""
        self._failure: Exception | None = None
        self._outage: Outage | None = None
        """Set while the mail server cannot be used: when to try it again."""

    @property
    def taken(self) -> frozenset[int]:
        """The rows this sender has started on whose claim is not committed yet: they may go
        out, so nothing else may change them."""
        return frozenset(self._claims)

    def wake(self) -> None:
        """Rows were queued: read the outbox again, and at once if idle."""
        self._queued = True
        self._changed.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set, then finish (or abandon) what is past its gate."""
        relay = asyncio.create_task(_set_when_set(stop, self._changed))
        try:
            while not stop.is_set():
                started = self._turn(room=self._room)
                if self._sending:
                    await self._wait_for_change()
                elif not started:
                    await self._mailer.close()
                    self._queued = True
                    await self._wait_at_most(self._idle_timeout(self._clock.now()))
            await self._stop()
        finally:
            relay.cancel()
            # Only after a failure (the database, say): rows past their gate stay `sending`
            # and are reported `unknown` at the next start, as after a crash.
            await self._cancel(self._sending)

    async def send_one(self, stop: asyncio.Event | None = None) -> bool:
        """Send the next email that is due, if the rate limit allows one now, and record it.

        Returns False when there was nothing to send at this moment. When `stop` is set
        during the send, the send gets the shutdown grace and is then abandoned.
        """
        stop = stop or asyncio.Event()
        self._queued = True
        if not self._turn(room=lambda now: min(1, self._limit.allowance(now))):
            return False
        while self._sending and not stop.is_set():
            await wait_for_any(self._sending, stop, self._changed)
            self._turn(room=lambda _: 0)
        await self._stop()
        return True

    def _turn(self, *, room: Callable[[datetime], int]) -> int:
        """Record the sends that ended, start as many as `room` allows, and commit when no
        send in flight has a claim still to commit (no gate would carry the rest), or only
        the outcomes once they have waited `OUTCOMES_WAIT_AT_MOST`; returns how many rows
        were taken."""
        self._changed.clear()
        if self._failure is not None:
            raise self._failure
        monitor = self._monitor()
        if monitor is not None:
            monitor.beat("sender")
        now = self._clock.now()
        self._collect(now)
        started = self._start(now, room=room(now))
        if self._ended and self._ended_since is None:
            self._ended_since = asyncio.get_running_loop().time()
        left = self._outcomes_wait_left()
        if self._commit_due():
            self._commit(now)
        elif left is not None and left <= timedelta(0):
            self._commit(now, leave_in_flight=True)
        return started

    async def _wait_for_change(self) -> None:
        """Wait for a send to end, rows to be queued or a commit at a gate to fail; no longer
        than the rate limit keeps a free connection idle, nor than outcomes may wait."""
        now = self._clock.now()
        waits = []
        free = len(self._sending) < self._settings.connections
        if free and self._limit.allowance(now) == 0:
            waits.append(self._limit.wait_before_next(now))
        left = self._outcomes_wait_left()
        if left is not None:
            waits.append(left)
        if waits:
            await self._wait_at_most(min(waits))
        else:
            await self._changed.wait()

    def _outcomes_wait_left(self) -> timedelta | None:
        """How much longer the oldest outcome may wait for a gate's commit; None when no
        outcome is waiting."""
        if self._ended_since is None:
            return None
        waited = asyncio.get_running_loop().time() - self._ended_since
        return max(OUTCOMES_WAIT_AT_MOST - timedelta(seconds=waited), timedelta(0))

    async def _wait_at_most(self, within: timedelta) -> None:
        """Sleep until something changes or `within` has passed."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within.total_seconds()):
                await self._changed.wait()

    def _room(self, now: datetime) -> int:
        """How many more sends may start now: free connections, within the rate limit."""
        free = self._settings.connections - len(self._sending)
        return min(free, self._limit.allowance(now))

    def _start(self, now: datetime, *, room: int) -> int:
        """Start sends on up to `room` due rows; a row whose pair has left the program is
        claimed and failed instead. Returns how many rows were taken."""
        room = self._probe_room(now, room)
        if room <= 0:
            return 0
        if self._queued or not self._due:
            # Rows whose claim is committed are no longer pending, so only these can be due.
            self._due = deque(self._store.due_rows(now=now, limit=READ_AHEAD, skip=self._claims))
            self._queued = False
        rows = [self._due.popleft() for _ in range(min(room, len(self._due)))]
        for row in rows:
            self._claims[row.id] = None
            if row.pair_id and self._program().pair(row.pair_id) is None:
                self._ended.append(
                    _Ended(
                        Settlement.withdrawn(row.id, REMOVED_PAIR),
                        f"{row.key}: not sent: {REMOVED_PAIR}",
                    )
                )
                continue
            self._limit.record(now)
            send = self._mailer.send(
                sender=row.sender,
                recipients=row.recipients,
                message=row.message,
                before_data=partial(self._pass_gate, row.id),
            )
            task = asyncio.create_task(send, name=f"send {row.key}")
            task.add_done_callback(self._send_ended)
            self._sending[task] = replace(row, state=OutboxState.SENDING, attempts=row.attempts + 1)
        return len(rows)

    def _probe_room(self, now: datetime, room: int) -> int:
        """`room`; while the mail server cannot be used, none before the outage's pause is
        over, then one send (the probe) when no other is in flight."""
        outage = self._outage
        if outage is None:
            return room
        if now < outage.until or self._sending:
            return 0
        return min(room, 1)

    def _send_ended(self, _: asyncio.Task[Delivery]) -> None:
        self._changed.set()

    async def _pass_gate(self, row_id: int) -> None:
        """Commit this send's claim, with every claim and outcome waiting, unless an earlier
        commit carried it; done right here, so the message data follows without delay. After
        a failed commit no send passes its gate."""
        if self._failure is not None:
            raise self._failure
        if row_id in self._claims:
            try:
                self._commit(self._clock.now())
            except Exception as exc:
                self._failure = exc
                self._changed.set()
                raise
        self._passed.add(row_id)

    def _commit_due(self) -> bool:
        """Whether to commit now: there are claims or outcomes to record and no send in flight
        has its claim still to commit (its gate would carry them)."""
        if not self._claims and not self._ended:
            return False
        return not any(row.id in self._claims for row in self._sending.values())

    def _commit(self, now: datetime, *, leave_in_flight: bool = False) -> None:
        """Record the claims and outcomes in one transaction, then log, so a log line never
        says more than the database holds. `leave_in_flight` keeps the claims of sends in
        flight for their own gates."""
        if not self._claims and not self._ended:
            return
        in_flight = {row.id for row in self._sending.values()} if leave_in_flight else set()
        claims = [row_id for row_id in self._claims if row_id not in in_flight]
        settlements = [item.settlement for item in self._ended]
        self._store.claim_and_settle(claims, settlements, now=now)
        ended, self._ended = self._ended, []
        self._ended_since = None
        self._claims = {row_id: None for row_id in self._claims if row_id in in_flight}
        for item in ended:
            log.log(item.level, item.message, exc_info=item.failure)
            for warning in item.warnings:
                log.warning(warning)

    def _collect(self, now: datetime) -> None:
        """Move the sends that finished to the outcomes waiting for the next commit."""
        for task in [task for task in self._sending if task.done()]:
            row = self._sending.pop(task)
            self._passed.discard(row.id)
            self._ended.append(self._outcome(row, task, now=now))

    async def _stop(self) -> None:
        """Drop the sends that have not reached their gate (none of their data went out; a
        row already claimed goes back to pending), give the others the grace period, and
        record how they all ended."""
        if self._failure is not None:
            raise self._failure
        now = self._clock.now()
        self._collect(now)
        not_sent = {task: row for task, row in self._sending.items() if row.id not in self._passed}
        await self._cancel(not_sent)
        for task, row in not_sent.items():
            del self._sending[task]
            if row.id in self._claims:
                del self._claims[row.id]
            else:
                self._ended.append(
                    _Ended(
                        Settlement.retry(row.id, now, STOPPED_BEFORE_DATA),
                        f"{row.key}: {STOPPED_BEFORE_DATA}",
                    )
                )
        if self._sending:
            await asyncio.wait(self._sending, timeout=self._settings.shutdown_grace.total_seconds())
        now = self._clock.now()
        self._collect(now)
        for row in self._sending.values():
            self._ended.append(
                _Ended(
                    Settlement.unknown(row.id, STOPPED_MID_SEND),
                    f"{_naming(row)}: {STOPPED_MID_SEND} {_check_with(row)}",
                    logging.WARNING,
                )
            )
        await self._cancel(self._sending)
        self._sending.clear()
        self._passed.clear()
        self._commit(now)

    async def _cancel(self, sends: dict[asyncio.Task[Delivery], OutboxRow]) -> None:
        for task in sends:
            task.cancel()
        await asyncio.gather(*sends, return_exceptions=True)

    def _idle_timeout(self, now: datetime) -> timedelta:
        """How long the sender may sleep: until the earliest pending row is due, the rate
        limit has room and an outage's pause is over, all three; `idle_at_most` when nothing
        is pending. Zero when that moment has already come (closing the connection takes time,
        in which a send can leave the window), so the sender goes round again at once."""
        next_attempt = self._store.next_attempt_at()
        if next_attempt is None:
            return self._settings.idle_at_most
        if self._outage is not None:
            next_attempt = max(next_attempt, self._outage.until)
        sendable_in = max(next_attempt - now, self._limit.wait_before_next(now), timedelta(0))
        return min(sendable_in, self._settings.idle_at_most)

    def _outcome(self, row: OutboxRow, sending: asyncio.Task[Delivery], *, now: datetime) -> _Ended:
        """What a finished send means for its row, counted now and logged once recorded."""
        try:
            receipt = sending.result()
        except MailServerUnusableError as exc:
            self._observe(row, exc)
            return self._server_unusable(row, now=now, error=str(exc))
        except TransientSendError as exc:
            self._observe(row, exc)
            self._server_usable()
            return self._retry_or_give_up(row, now=now, error=str(exc))
        except PermanentSendError as exc:
            self._observe(row, exc)
            self._server_usable()
            return _Ended(
                Settlement.failed(row.id, str(exc)),
                f"{row.key} could not be sent and will not be retried: {exc}",
                logging.ERROR,
            )
        except UnknownOutcomeError as exc:
            self._observe(row, exc)
            self._server_usable()
            return _Ended(
                Settlement.unknown(row.id, str(exc)),
                f"{_naming(row)} may or may not have been delivered and will not be sent again."
                f" {_check_with(row)} What happened: {exc}",
                logging.WARNING,
            )
        except Exception as exc:
            self._observe(row, exc)
            return _Ended(
                Settlement.unknown(row.id, f"unexpected error: {exc!r}"),
                f"{_naming(row)}: unexpected error while sending; it may or may not have been"
                f" delivered and will not be sent again. {_check_with(row)}",
                logging.ERROR,
                failure=exc,
            )
        self._observe(row, None)
        self._server_usable()
        refused = [f"{address} ({reply})" for address, reply in receipt.refused.items()]
        note = _refused_note(refused) if refused else None
        return _Ended(
            Settlement.sent(row.id, note),
            f"sent {row.key} to {', '.join(row.recipients)}: {receipt.response}",
            warnings=() if note is None else (f"{row.key}: {note}",),
        )

    def _observe(self, row: OutboxRow, failure: Exception | None) -> None:
        """Count the send's outcome; a failure without a server reply means SMTP is unreachable."""
        monitor = self._monitor()
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
        unusable = isinstance(failure, MailServerUnusableError)
        no_reply = isinstance(failure, SendError) and failure.code is None
        if unusable or (no_reply and not isinstance(failure, PermanentSendError)):
            monitor.smtp_failed(reason=str(failure))

    def _server_unusable(self, row: OutboxRow, *, now: datetime, error: str) -> _Ended:
        """Release the email (it says nothing about it: never given up on, its attempt not
        counted) and pause for the whole server; only a failure once the pause is over
        lengthens it and is logged, not each send that was in flight when it began."""
        if self._outage is not None and now < self._outage.until:
            return _Ended(
                Settlement.released(row.id, error), f"{row.key}: not sent: {error}", logging.DEBUG
            )
        self._outage = next_outage(self._outage, now=now, jitter=self._rng.random())
        return _Ended(
            Settlement.released(row.id, error),
            "the mail server cannot be used, so no email goes out: "
            f"{as_sentence(error)} The emails wait in the outbox; one will be tried at "
            f"{self._outage.until:%Y-%m-%d %H:%M} UTC, "
            "then at growing intervals up to an hour, and all go out once one gets through",
            logging.WARNING,
        )

    def _server_usable(self) -> None:
        """The mail server answered: end the outage, if any, and say so."""
        if self._outage is not None:
            self._outage = None
            log.info("the mail server can be used again; the waiting emails go out now")

    def _retry_or_give_up(self, row: OutboxRow, *, now: datetime, error: str) -> _Ended:
        """Retry a failure about this email, unless it first failed `GIVE_UP_AFTER` ago.

        Counted from its first failure, not from when it was queued: an email that waited
        out a long outage of the mail server (no attempt made) still gets its days of retries.
        """
        if now - (row.first_failed_at or now) >= GIVE_UP_AFTER:
            return _Ended(
                Settlement.failed(row.id, f"gave up after {row.attempts} attempts: {error}"),
                f"{row.key}: gave up after {row.attempts} attempts: {error}",
                logging.ERROR,
            )
        return self._retry(row, now=now, error=error)

    def _retry(self, row: OutboxRow, *, now: datetime, error: str) -> _Ended:
        """Try again after a backoff that grows with the attempts (`core.retry`)."""
        retry_at = now + retry_delay(row.attempts, jitter=self._rng.random())
        return _Ended(
            Settlement.retry(row.id, retry_at, error),
            f"{row.key}: temporary failure, retrying at {retry_at}: {error}",
            logging.WARNING,
        )


def _naming(row: OutboxRow) -> str:
    """The email, for a log line: its outbox key and its Message-ID, which its recipients see."""
    return f"{row.key} (Message-ID {row.message_id})"


def _check_with(row: OutboxRow) -> str:
    """The end of a log line about an email of unknown outcome: whom to ask whether it came."""
    return f"Please check with {' and '.join(row.recipients)} whether it arrived."


def _refused_note(refused: list[str]) -> str:
    """What the coordinator is told when the server took the email for some recipients only."""
    return (
        f"the mail server refused {', '.join(refused)}, so they did not get this email and "
        "it will not be sent to them again; check the address, or forward it to them"
    )


async def _set_when_set(source: asyncio.Event, target: asyncio.Event) -> None:
    """Set `target` once `source` is set (the sender waits on one event for everything)."""
    await source.wait()
    target.set()


@dataclass(frozen=True, slots=True)
class _Ended:
    """A send that ended (or was never started): what to record, and what to log after."""

    settlement: Settlement
    message: str
    level: int = logging.INFO
    failure: BaseException | None = None
    warnings: tuple[str, ...] = ()
