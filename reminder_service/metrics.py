"""What the running service knows about itself: its loops' heartbeats, the facts behind
readiness, and the Prometheus metrics.

The daemon's loops tell a `Monitor` what happens as it happens (`beat`, `sent`, `polled`,
`reloaded`, ...); the HTTP server in `health.py` reads it to answer `/healthz`, `/readyz` and
`/metrics`. Every call is a few assignments in memory: no I/O, so none of them can slow or
break the loop that makes it. Each monitor has its own `CollectorRegistry`, so several can
live in one process (tests) without clashing names.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from reminder_service.core.model import Kind
from reminder_service.core.replies.verdict import Outcome
from reminder_service.errors import ReminderError
from reminder_service.ports import Clock

log = logging.getLogger(__name__)

NAMESPACE = "reminder"

OutboxCounts = Mapping[tuple[str, str], int]
"""How many outbox rows there are per (kind, state); `withdrawn` stands apart from `failed`."""

DEFAULT_LOOPS: Mapping[str, timedelta] = {
    "planner": timedelta(minutes=5),
    "sender": timedelta(minutes=5),
}
"""Each loop and how long it may go without a turn before it counts as stuck."""

LATE_GRACE = timedelta(minutes=1)
"""Slack added to a wait a loop announces with `beat(next_within=...)`."""

POLL_STALE_AFTER = timedelta(minutes=30)
"""Without a successful check of the reply mailbox for this long, the service is not ready."""


@dataclass(frozen=True, slots=True)
class Check:
    """One line of a health answer: what was checked, whether it is fine, and in words why."""

    name: str
    ok: bool
    detail: str


class Liveness:
    """Heartbeats of the daemon's loops: each must turn again before its deadline.

    Deadlines are kept on `monotonic` (seconds), which only real time moves: a step of the
    wall clock (NTP, a resumed virtual machine) would otherwise mark turning loops stuck, or
    hide a stuck one for as long as the clock went back. The wall clock only says when a
    loop last turned.
    """

    def __init__(
        self,
        loops: Mapping[str, timedelta],
        *,
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        started = monotonic()
        self._clock = clock
        self._monotonic = monotonic
        self._allowed = dict(loops)
        self._deadlines = {
            name: started + allowed.total_seconds() for name, allowed in loops.items()
        }
        self._beats: dict[str, datetime] = {}

    def beat(self, loop: str, *, next_within: timedelta | None = None) -> None:
        """The loop has turned; `next_within` announces a longer wait (a reconnect backoff)."""
        if loop not in self._allowed:
            raise ValueError(f"unknown loop {loop!r}; the monitor expects {sorted(self._allowed)}")
        allowed = self._allowed[loop] if next_within is None else next_within + LATE_GRACE
        self._beats[loop] = self._clock.now()
        self._deadlines[loop] = self._monotonic() + allowed.total_seconds()

    def checks(self) -> list[Check]:
        """One check per loop: fine while its deadline has not passed."""
        now = self._monotonic()
        return [self._check(loop, now=now) for loop in sorted(self._deadlines)]

    def _check(self, loop: str, *, now: float) -> Check:
        last = self._beats.get(loop)
        since = "since the service started" if last is None else f"since {_moment(last)}"
        if now > self._deadlines[loop]:
            return Check(loop, ok=False, detail=f"stuck: no turn {since}")
        return Check(loop, ok=True, detail="turning" if last is None else f"turned {since}")


@dataclass(slots=True)
class _Contact:
    """The last success and the last failure talking to a server."""

    succeeded: datetime | None = None
    failed: datetime | None = None
    reason: str = ""


class Monitor:
    """Everything `/healthz`, `/readyz` and `/metrics` report, fed by the daemon's calls.

    `reading` says whether a reply mailbox is configured; without one, IMAP is neither
    checked for readiness nor shown in the metrics. `monotonic` times the loops' heartbeats
    (see `Liveness`) and the time since the mailbox was last checked, for the same reason.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        reading: bool,
        loops: Mapping[str, timedelta] = DEFAULT_LOOPS,
        poll_stale_after: timedelta = POLL_STALE_AFTER,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._monotonic = monotonic
        self._started_s = monotonic()
        self._reading = reading
        self._poll_stale_after = poll_stale_after
        self.liveness = Liveness(loops, clock=clock, monotonic=monotonic)
        self._program_loaded = False
        self._refused: tuple[str, ...] | None = None
        self._smtp = _Contact()
        self._imap_connected = False
        self._last_poll: datetime | None = None
        self._last_poll_s: float | None = None
        self._outbox_source: Callable[[], OutboxCounts] | None = None
        self.registry = CollectorRegistry()
        self._metrics = _Metrics(self.registry)
        self.registry.register(_LiveValues(self))

    def beat(self, loop: str, *, next_within: timedelta | None = None) -> None:
        """The named loop has turned (see `Liveness.beat`)."""
        self.liveness.beat(loop, next_within=next_within)

    def sent(self, kind: str) -> None:
        """The mail server accepted an email of this kind (so it was reachable, too)."""
        self._metrics.sent.labels(kind).inc()
        self.smtp_ok()

    def send_failed(self, kind: str) -> None:
        """An email of this kind failed for good."""
        self._metrics.failed.labels(kind).inc()

    def retried(self, kind: str) -> None:
        """An email of this kind failed for now and will be tried again."""
        self._metrics.retried.labels(kind).inc()

    def unknown(self, kind: str) -> None:
        """An email of this kind may or may not have been delivered."""
        self._metrics.unknown.labels(kind).inc()

    def smtp_ok(self) -> None:
        """The mail server was reached and talked to."""
        self._smtp.succeeded = self._clock.now()

    def smtp_failed(self, *, reason: str = "") -> None:
        """The mail server could not be reached, or refused our TLS or login; `reason` is
        shown in `/readyz` and must not hold a secret."""
        self._smtp.failed = self._clock.now()
        self._smtp.reason = reason

    def imap_connected(self, connected: bool) -> None:
        """Whether a connection to the reply mailbox is open now."""
        self._imap_connected = connected

    def polled(self) -> None:
        """The reply mailbox was checked successfully."""
        self._last_poll = self._clock.now()
        self._last_poll_s = self._monotonic()

    def reply(self, outcome: str) -> None:
        """A reply was recorded with this outcome (`meeting`, `unclear`, `rejected`, ...)."""
        self._metrics.replies.labels(outcome).inc()

    def meeting_logged(self) -> None:
        """A reply logged a meeting."""
        self._metrics.meetings.inc()

    def reloaded(self, ok: bool, *, at: datetime, problems: tuple[str, ...] = ()) -> None:
        """The program file was loaded (`ok`) or rejected for `problems`; the first load
        counts too. A rejection is shown in `/readyz` until a good edit is loaded."""
        self._metrics.reload_ok.set(1 if ok else 0)
        self._refused = None if ok else problems
        if ok:
            self._program_loaded = True
            self._metrics.reload_at.set(at.timestamp())

    def set_outbox_source(self, source: Callable[[], OutboxCounts]) -> None:
        """Where `/metrics` reads the number of emails per (kind, state) at each scrape."""
        self._outbox_source = source

    def readiness(self) -> list[Check]:
        """The checks that need no I/O: a program, the mail servers (the database is the
        HTTP server's own probe)."""
        checks = [self._program_check(), self._smtp_check()]
        if self._reading:
            checks.append(self._imap_check())
        return checks

    def outbox_counts(self) -> OutboxCounts | None:
        """The outbox source's counts; None when it has none or cannot read them now."""
        if self._outbox_source is None:
            return None
        try:
            return self._outbox_source()
        except ReminderError as exc:
            log.warning("metrics: cannot count the emails in the outbox: %s", exc)
            return None

    def imap_facts(self) -> tuple[bool, timedelta] | None:
        """Whether IMAP is connected and how long since the last successful check of the
        mailbox (since start when none yet); None when no mailbox is configured."""
        if not self._reading:
            return None
        return self._imap_connected, self._since_poll()

    def _program_check(self) -> Check:
        if not self._program_loaded:
            return Check("program", ok=False, detail="no valid program file has been loaded yet")
        if self._refused is None:
            return Check("program", ok=True, detail="loaded")
        return Check("program", ok=True, detail=_refusal(self._refused))

    def _smtp_check(self) -> Check:
        contact = self._smtp
        if contact.failed is not None and (
            contact.succeeded is None or contact.failed > contact.succeeded
        ):
            because = f": {contact.reason}" if contact.reason else ""
            return Check(
                "smtp",
                ok=False,
                detail=f"the last attempt, at {_moment(contact.failed)}, failed" + because,
            )
        if contact.succeeded is None:
            return Check("smtp", ok=True, detail="not needed yet")
        return Check("smtp", ok=True, detail=f"reached at {_moment(contact.succeeded)}")

    def _since_poll(self) -> timedelta:
        """The real time since the last successful check of the mailbox (since start when
        none yet), on `monotonic`: a step of the wall clock neither ages the check nor keeps
        it fresh."""
        since = self._started_s if self._last_poll_s is None else self._last_poll_s
        return timedelta(seconds=self._monotonic() - since)

    def _imap_check(self) -> Check:
        last = self._last_poll
        if last is not None and self._since_poll() <= self._poll_stale_after:
            return Check("imap", ok=True, detail=f"checked at {_moment(last)}")
        never = "not checked successfully since the service started"
        when = never if last is None else f"last checked successfully at {_moment(last)}"
        return Check("imap", ok=False, detail=f"the reply mailbox was {when}")


class _Metrics:
    """The event counters and reload gauges, pre-labelled with every known kind and outcome
    so that rates start from zero."""

    def __init__(self, registry: CollectorRegistry) -> None:
        def counter(name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
            return Counter(name, doc, labels, namespace=NAMESPACE, registry=registry)

        self.sent = counter("emails_sent", "Emails the mail server accepted.", ("kind",))
        self.failed = counter("emails_failed", "Emails that failed for good.", ("kind",))
        self.retried = counter("email_retries", "Sends that failed for now, retried.", ("kind",))
        self.unknown = counter(
            "email_unknown_outcomes", "Sends that may or may not have arrived.", ("kind",)
        )
        self.replies = counter("replies", "Replies recorded, by outcome.", ("outcome",))
        self.meetings = counter("meetings_logged", "Meetings logged from replies.")
        self.reload_ok = Gauge(
            "config_last_reload_successful",
            "Whether the last load of the program file succeeded (1) or was rejected (0).",
            namespace=NAMESPACE,
            registry=registry,
        )
        self.reload_at = Gauge(
            "config_last_reload_success_timestamp_seconds",
            "When the program file was last loaded successfully, in Unix seconds.",
            namespace=NAMESPACE,
            registry=registry,
        )
        for family in (self.sent, self.failed, self.retried, self.unknown):
            for kind in Kind:
                family.labels(kind.value)
        for outcome in Outcome:
            self.replies.labels(outcome.value)


class _LiveValues:
    """The values read at each scrape: the outbox by kind and state, and the mailbox."""

    def __init__(self, monitor: Monitor) -> None:
        self._monitor = monitor

    def collect(self) -> Iterator[Metric]:
        """The families for this scrape; a part that cannot be read now is left out."""
        counts = self._monitor.outbox_counts()
        if counts is not None:
            yield _emails(counts)
        imap = self._monitor.imap_facts()
        if imap is not None:
            connected, since_poll = imap
            yield GaugeMetricFamily(
                f"{NAMESPACE}_imap_connected",
                "Whether a connection to the reply mailbox is open (1) or not (0).",
                value=1 if connected else 0,
            )
            yield GaugeMetricFamily(
                f"{NAMESPACE}_imap_seconds_since_last_successful_poll",
                "Seconds since the reply mailbox was last checked successfully "
                "(since the service started, when not yet).",
                value=since_poll.total_seconds(),
            )


def _emails(counts: OutboxCounts) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        f"{NAMESPACE}_emails",
        "Emails in the outbox, by kind and state (withdrawn: not sent because the pair "
        "ended, paused or left the program first, or a later email replaced it; not a "
        "failed send).",
        labels=("kind", "state"),
    )
    for (kind, state), count in sorted(counts.items()):
        family.add_metric((kind, state), count)
    return family


def _moment(moment: datetime) -> str:
    """An instant as operators read it in logs: ISO-8601 to the second."""
    return moment.isoformat(timespec="seconds")


def _refusal(problems: tuple[str, ...]) -> str:
    """The program check's words for a refused edit while the last good program runs."""
    detail = "loaded, but the last edit was refused and the last good program is running"
    if not problems:
        return detail
    more = len(problems) - 1
    rest = f" (and {more} more; run `reminder-service check` to see all)" if more else ""
    return f"{detail}: {problems[0]}{rest}"
