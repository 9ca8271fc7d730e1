"""Benchmark: due check-ins through the daemon's whole send path, against raw aiosmtplib.

For each number of SMTP connections C (`--connections`, default 1 and 4), each round runs
five ways of getting the same N check-ins to an aiosmtpd sink that runs in its own process
and requires STARTTLS and AUTH:

* daemon: `Daemon.run()` as deployed, on a fresh SQLite outbox (WAL, synchronous=FULL): its
  planner plans and renders N due check-ins and queues them, its sender claims, sends through
  a pool of C real SmtpMailer connections and commits, logging as in production; the time
  runs until `run()` has returned with every row recorded as sent;
* daemon, every email already queued: the same, on a copy of an outbox where the N emails
  were queued beforehand, so its planner renders nothing: the send path alone;
* raw: aiosmtplib on C connections sends the same pre-rendered messages (no store);
* raw + durable claims: raw, plus nothing but the outbox's guarantee, from the same queued
  outbox: each message's claim committed before its data, commits shared across
  connections as the daemon shares them. What keeping the guarantee costs on its own;
* new connection: `aiosmtplib.send()` per message, one after another (connect, STARTTLS,
  AUTH each time): the way a script without a connection pool sends.

It prints messages per second for every round, the medians, the CPU each way spent per
message on this side (this process) and in the sink (read from /proc, so Linux only), the
ratios of the medians (targets: daemon/raw >= 0.8, daemon/new connection >= 4), the daemon's
lead-in (from its start to its first send: the planning and rendering nothing overlaps) and
its rate from then on, and how many commits the daemon and the durable baseline made. On a
machine where the sink and this process share two cores, the CPU figures say which side
bounds each way. The clock the daemon sees is fixed, so every run plans the same emails.
`--profile` adds a cProfile of one daemon run. `--pin` gives the sink and this process a CPU
each (Linux), so neither waits for the other's core: what bounds the daemon then is its own
CPU per message.

Run from the repository root: `.venv/bin/python bench/send_pipeline.py [--quick]`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import shutil
import ssl
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosmtplib
from runs import (
    own_cpu_s,
    print_profile,
    print_reproduce,
    process_cpu_s,
    runs_table,
    sink_process,
)

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reminder_service import logs  # noqa: E402
from reminder_service.compose import Composer, Identity  # noqa: E402
from reminder_service.core.model import (  # noqa: E402
    Cadence,
    Pair,
    Person,
    Phase,
    Program,
    Schedule,
    Step,
)
from reminder_service.daemon import Daemon  # noqa: E402
from reminder_service.mailer_pool import MailerPool  # noqa: E402
from reminder_service.planner import Planner  # noqa: E402
from reminder_service.ports import BeforeData, Delivery, Mailer  # noqa: E402
from reminder_service.smtp import SmtpConfig, mailers  # noqa: E402
from reminder_service.store import (  # noqa: E402
    OutboxRow,
    OutboxState,
    Settlement,
    SqliteStore,
)
from tests.support.smtp_server import HOST, PASSWORD, USERNAME  # noqa: E402

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
STARTED = date(2026, 11, 1)
MAILBOX = "mentoring@example.org"
SECRET_KEY = b"benchmark key of sufficient length"
FULL_COUNT = 2_000
FULL_ROUNDS = 3
QUICK_COUNT = 100
QUICK_ROUNDS = 2
CONNECTIONS = (1, 4)


@dataclass(frozen=True, slots=True)
class Sink:
    """The SMTP server process: where it listens, its process id and the CA certificate it
    was issued by."""

    port: int
    pid: int
    ca_file: Path


@dataclass(frozen=True, slots=True)
class Spent:
    """What one run took, from its start to its end: wall seconds, and the CPU seconds of
    this process (the sending side) and of the sink."""

    seconds: float
    own_cpu_s: float
    sink_cpu_s: float


class Stopwatch:
    """Wall time and both sides' CPU, from creation to `stop()`: created where a run's
    timing starts, so setting up (a daemon's templates, say) is left out of all three."""

    def __init__(self, sink: Sink) -> None:
        self._sink_pid = sink.pid
        self._own = own_cpu_s()
        self._sink = process_cpu_s(sink.pid)
        self._wall = time.perf_counter()

    @property
    def started_at(self) -> float:
        """`time.perf_counter()` at creation."""
        return self._wall

    def stop(self) -> Spent:
        """What was spent since creation."""
        return Spent(
            seconds=time.perf_counter() - self._wall,
            own_cpu_s=own_cpu_s() - self._own,
            sink_cpu_s=process_cpu_s(self._sink_pid) - self._sink,
        )


@dataclass(frozen=True, slots=True)
class Envelope:
    """One pre-rendered message as the outbox holds it."""

    sender: str
    recipients: tuple[str, ...]
    message: bytes


class FixedClock:
    """The instant every run plans and sends at, so each run queues the same emails."""

    def now(self) -> datetime:
        """Always NOW."""
        return NOW


def program_of(count: int) -> Program:
    """`count` weekly pairs started on STARTED, so each has a check-in due at NOW."""
    weekly = Schedule(
        cadence=Cadence(phases=(Phase(every=Step(days=7)),), text="weekly"),
        send_at=clock_time(9, 0),
    )
    london = ZoneInfo("Europe/London")
    pairs = tuple(
        Pair(
            id=f"pair-{n:06d}",
            mentor=Person(f"Ana Mentor {n}", f"ana.{n}@example.org"),
            mentee=Person(f"Ben Mentee {n}", f"ben.{n}@example.org"),
            started=STARTED,
            schedule=weekly,
            timezone=london,
        )
        for n in range(count)
    )
    return Program(
        name="Benchmark Mentoring",
        coordinator=Person("Dana Okafor", "dana@example.org"),
        timezone=london,
        pairs=pairs,
        digest=None,
        anniversaries=False,
    )


@contextmanager
def tls_sink(workdir: Path, *, reply_delay_ms: float = 0.0) -> Iterator[Sink]:
    """The SMTP sink in its own process, requiring STARTTLS with a certificate from a new CA."""
    ca_file = workdir / "ca.pem"
    args = ("--ca-file", str(ca_file), "--reply-delay-ms", str(reply_delay_ms))
    with sink_process(workdir, *args) as process:
        yield Sink(port=process.port, pid=process.pid, ca_file=ca_file)


@dataclass(frozen=True, slots=True)
class Wired:
    """A daemon and the store and mailer it was built with."""

    daemon: Daemon
    store: CountingStore
    mailer: CountingMailer


class CountingStore(SqliteStore):
    """The daemon's store, which also counts the sender's commits."""

    commits = 0

    def claim_and_settle(
        self, claims: Sequence[int], settlements: Sequence[Settlement], *, now: datetime
    ) -> None:
        """Claim and settle as the store does; count the commit."""
        super().claim_and_settle(claims, settlements, now=now)
        self.commits += 1


class CountingMailer(MailerPool):
    """The daemon's pool of connections, which also says when every expected email went out
    and when the first one was handed to it."""

    def __init__(self, make: Callable[[], Mailer], *, size: int, expected: int) -> None:
        super().__init__(make, size=size)
        self.all_sent = asyncio.Event()
        self.first_send_at: float | None = None
        """`time.perf_counter()` when the sender started its first send."""
        self._left = expected

    async def send(
        self,
        *,
        sender: str,
        recipients: Sequence[str],
        message: bytes,
        before_data: BeforeData | None = None,
    ) -> Delivery:
        """Send through the pool; set `all_sent` after the last expected email."""
        if self.first_send_at is None:
            self.first_send_at = time.perf_counter()
        delivery = await super().send(
            sender=sender, recipients=recipients, message=message, before_data=before_data
        )
        self._left -= 1
        if self._left == 0:
            self.all_sent.set()
        return delivery


def bench_composer() -> Composer:
    """The project's templates, signing reply addresses with the benchmark's key."""
    return Composer(
        REPO / "templates",
        identity=Identity(
            from_header=f"Benchmark Mentoring <{MAILBOX}>",
            reply_mailbox=MAILBOX,
            secret_key=SECRET_KEY,
        ),
    )


def daemon_for(program: Program, *, sink: Sink, database: Path, connections: int) -> Wired:
    """A daemon on a new database, sending through real SmtpMailers with STARTTLS+AUTH."""
    store = CountingStore.open(database)
    composer = bench_composer()
    config = SmtpConfig(
        host=HOST,
        port=sink.port,
        security="starttls",
        username=USERNAME,
        password=PASSWORD,
        timeout_s=30.0,
        ca_file=sink.ca_file,
    )
    counting = CountingMailer(mailers(config), size=connections, expected=len(program.pairs))
    daemon = Daemon(
        program,
        store=store,
        composer=composer,
        mailer=counting,
        clock=FixedClock(),
        max_per_minute=10 * len(program.pairs) + 10,
        connections=connections,
    )
    return Wired(daemon, store, counting)


@dataclass(frozen=True, slots=True)
class DaemonRun:
    """One daemon run: what it spent, its sender's commits, and the seconds from its start
    to its first send (planning and rendering before anything goes out)."""

    spent: Spent
    commits: int
    lead_in_s: float


async def run_daemon(
    program: Program, *, sink: Sink, database: Path, connections: int
) -> DaemonRun:
    """What `Daemon.run()` spends to plan, render, queue, send and record every check-in."""
    wired = daemon_for(program, sink=sink, database=database, connections=connections)
    stop = asyncio.Event()
    try:
        watch = Stopwatch(sink)
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(wired.daemon.run(stop))
            await wired.mailer.all_sent.wait()
            stop.set()
        spent = watch.stop()
        states = wired.store.counts_by_state()
    finally:
        wired.store.close()
    if states.get(OutboxState.SENT) != len(program.pairs) or sum(states.values()) != len(
        program.pairs
    ):
        raise RuntimeError(f"expected {len(program.pairs)} sent; the outbox holds {states}")
    first = wired.mailer.first_send_at
    lead_in_s = spent.seconds if first is None else first - watch.started_at
    return DaemonRun(spent, wired.store.commits, lead_in_s)


def rendered(program: Program, *, database: Path) -> tuple[Envelope, ...]:
    """The messages the daemon queues for `program`, for the baselines to send."""
    store = SqliteStore.open(database)
    try:
        composer = bench_composer()
        Planner(lambda: program, store=store, composer=composer, clock=FixedClock()).catch_up()
        return tuple(
            Envelope(row.sender, tuple(row.recipients), row.message) for row in store.outbox()
        )
    finally:
        store.close()


def client_tls(sink: Sink) -> ssl.SSLContext:
    """Trust the sink's CA, and check its certificate, as the daemon does."""
    return ssl.create_default_context(cafile=str(sink.ca_file))


async def run_raw(envelopes: Sequence[Envelope], *, sink: Sink, connections: int) -> Spent:
    """What aiosmtplib alone spends to send every message over `connections` connections."""

    async def one_connection(share: Sequence[Envelope]) -> None:
        client = aiosmtplib.SMTP(
            hostname=HOST, port=sink.port, start_tls=True, tls_context=client_tls(sink)
        )
        await client.connect()
        await client.login(USERNAME, PASSWORD)
        for envelope in share:
            await client.sendmail(envelope.sender, envelope.recipients, envelope.message)
        await client.quit()

    watch = Stopwatch(sink)
    async with asyncio.TaskGroup() as tasks:
        for first in range(connections):
            tasks.create_task(one_connection(envelopes[first::connections]))
    return watch.stop()


class SharedClaims:
    """The outbox's claims as the daemon commits them: each message's claim is durable before
    its data goes out, and one commit carries every claim made meanwhile and every send that
    ended."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        self._claims: list[int] = []
        self._ended: list[Settlement] = []
        self._gates: list[asyncio.Future[None]] = []
        self.commits = 0

    def take(self) -> OutboxRow | None:
        """The next due row not taken yet, its claim to be committed at the next gate."""
        rows = self._store.due_rows(now=NOW, limit=1, skip=set(self._claims))
        if not rows:
            return None
        self._claims.append(rows[0].id)
        return rows[0]

    async def gate(self) -> None:
        """Wait for this send's claim to be committed, committing it now with the others."""
        if self._claims:
            self._store.claim_and_settle(self._claims, self._ended, now=NOW)
            self.commits += 1
            self._claims, self._ended = [], []

    def ended(self, row: OutboxRow) -> None:
        """Record, at the next commit, that the server accepted `row`."""
        self._ended.append(Settlement.sent(row.id))

    def finish(self) -> None:
        """Commit what is left."""
        if self._ended:
            self._store.claim_and_settle((), self._ended, now=NOW)
            self.commits += 1


async def run_raw_durable(
    database: Path, *, sink: Sink, connections: int, count: int
) -> tuple[Spent, int]:
    """What aiosmtplib plus nothing but the outbox's durable claims (the guarantee's own
    cost) spends over `connections` connections from an outbox already queued; and commits."""
    store = SqliteStore.open(database)
    claims = SharedClaims(store)

    async def one_connection() -> None:
        client = aiosmtplib.SMTP(
            hostname=HOST, port=sink.port, start_tls=True, tls_context=client_tls(sink)
        )
        await client.connect()
        await client.login(USERNAME, PASSWORD)
        while (row := claims.take()) is not None:
            await client.mail(row.sender)
            for recipient in row.recipients:
                await client.rcpt(recipient)
            await claims.gate()
            await client.data(row.message)
            claims.ended(row)
        await client.quit()

    try:
        watch = Stopwatch(sink)
        async with asyncio.TaskGroup() as tasks:
            for _ in range(connections):
                tasks.create_task(one_connection())
        claims.finish()
        spent = watch.stop()
        sent = store.counts_by_state()[OutboxState.SENT]
    finally:
        store.close()
    if sent != count:
        raise RuntimeError(f"the durable baseline sent {sent} of {count} emails")
    return spent, claims.commits


async def run_new_connections(envelopes: Sequence[Envelope], *, sink: Sink) -> Spent:
    """What `aiosmtplib.send()` spends to send every message, each on a new connection."""
    context = client_tls(sink)
    watch = Stopwatch(sink)
    for envelope in envelopes:
        await aiosmtplib.send(
            envelope.message,
            sender=envelope.sender,
            recipients=envelope.recipients,
            hostname=HOST,
            port=sink.port,
            start_tls=True,
            tls_context=context,
            username=USERNAME,
            password=PASSWORD,
        )
    return watch.stop()


@dataclass
class Way:
    """One way's rounds: messages per second, and the CPU milliseconds per message that this
    process (the sender's side) and the sink spent."""

    rates: list[float] = field(default_factory=list)
    own_cpu_ms: list[float] = field(default_factory=list)
    sink_cpu_ms: list[float] = field(default_factory=list)

    def add(self, spent: Spent, *, count: int) -> None:
        """Note one run of `count` messages."""
        self.rates.append(count / spent.seconds)
        self.own_cpu_ms.append(spent.own_cpu_s * 1000 / count)
        self.sink_cpu_ms.append(spent.sink_cpu_s * 1000 / count)


@dataclass
class Results:
    """Each way at one number of connections, and the commits of the daemon and the durable
    baseline, one entry per round."""

    connections: int
    daemon: Way = field(default_factory=Way)
    daemon_queued: Way = field(default_factory=Way)
    raw: Way = field(default_factory=Way)
    durable: Way = field(default_factory=Way)
    new_connection: Way = field(default_factory=Way)
    daemon_commits: list[int] = field(default_factory=list)
    daemon_lead_in_s: list[float] = field(default_factory=list)
    daemon_after_lead_in: list[float] = field(default_factory=list)
    """The daemon's messages per second from its first send to its end."""
    durable_commits: list[int] = field(default_factory=list)


async def measure(
    count: int, rounds: int, *, connections: int, sink: Sink, workdir: Path
) -> Results:
    """Interleave the five ways round by round, so noise on the machine hits them alike."""
    program = program_of(count)
    queued = workdir / f"rendered-{connections}.sqlite3"
    envelopes = rendered(program, database=queued)
    results = Results(connections)
    for number in range(rounds):
        database = workdir / f"daemon-{connections}-{number}.sqlite3"
        daemon = await run_daemon(program, sink=sink, database=database, connections=connections)
        results.daemon.add(daemon.spent, count=count)
        results.daemon_lead_in_s.append(daemon.lead_in_s)
        results.daemon_after_lead_in.append(count / (daemon.spent.seconds - daemon.lead_in_s))
        queued_copy = workdir / f"queued-{connections}-{number}.sqlite3"
        shutil.copyfile(queued, queued_copy)
        queued_run = await run_daemon(
            program, sink=sink, database=queued_copy, connections=connections
        )
        results.daemon_queued.add(queued_run.spent, count=count)
        spent = await run_raw(envelopes, sink=sink, connections=connections)
        results.raw.add(spent, count=count)
        durable_copy = workdir / f"durable-{connections}-{number}.sqlite3"
        shutil.copyfile(queued, durable_copy)
        spent, durable_commits = await run_raw_durable(
            durable_copy, sink=sink, connections=connections, count=count
        )
        results.durable.add(spent, count=count)
        spent = await run_new_connections(envelopes, sink=sink)
        results.new_connection.add(spent, count=count)
        results.daemon_commits.append(daemon.commits)
        results.durable_commits.append(durable_commits)
    return results


def print_table(results: Results, *, count: int) -> None:
    """Per-round rates, medians, and the ratios of the medians against their targets."""
    plural = "s" if results.connections > 1 else ""
    ways = [
        ("daemon: plan+render+outbox+SMTP+commit", results.daemon),
        ("daemon, every email already queued", results.daemon_queued),
        (f"raw aiosmtplib, {results.connections} connection{plural}", results.raw),
        ("raw + durable claims (shared commits)", results.durable),
        ("aiosmtplib.send(), new connection each", results.new_connection),
    ]
    print(
        f"\n{count} check-ins over {results.connections} connection{plural}, STARTTLS+AUTH,"
        " sink in its own process (msgs/s)\n"
    )
    print("\n".join(runs_table([(name, way.rates) for name, way in ways])))
    print("\nCPU per message, medians (ms): this process, the sink\n")
    for name, way in ways:
        own, sink = statistics.median(way.own_cpu_ms), statistics.median(way.sink_cpu_ms)
        print(f"  {name:<40} {own:5.2f}  {sink:5.2f}")
    daemon = statistics.median(results.daemon.rates)
    raw = statistics.median(results.raw.rates)
    durable = statistics.median(results.durable.rates)
    new = statistics.median(results.new_connection.rates)
    print()
    print(f"daemon / raw            = {daemon / raw:5.2f}  (target >= 0.80)")
    print(f"daemon / new connection = {daemon / new:5.2f}  (target >= 4.00)")
    print(f"raw + durable / raw     = {durable / raw:5.2f}  (the outbox guarantee's own cost)")
    print(f"daemon / raw + durable  = {daemon / durable:5.2f}")
    queued = statistics.median(results.daemon_queued.rates)
    print(f"daemon, queued / raw    = {queued / raw:5.2f}  (sending alone: nothing to render)")
    own_ceiling = 1000 / statistics.median(results.daemon.own_cpu_ms)
    sink_ceiling = 1000 / statistics.median(results.raw.sink_cpu_ms)
    print(
        f"ceilings: the daemon's own CPU allows at most {own_ceiling:,.0f} msgs/s"
        f" ({own_ceiling / raw:.2f}x raw), the sink's at most {sink_ceiling:,.0f}"
    )
    lead_in = statistics.median(results.daemon_lead_in_s)
    after = statistics.median(results.daemon_after_lead_in)
    print(
        f"daemon's lead-in: first send after {lead_in:.2f} s (planning and rendering);"
        f" from then on {after:,.0f} msgs/s, {after / raw:.2f}x raw (whose time includes"
        " its connecting)"
    )
    print(
        f"commits per run: daemon {statistics.median(results.daemon_commits):g},"
        f" raw + durable {statistics.median(results.durable_commits):g}"
    )


def pin(sink: Sink) -> str:
    """Run the sink on the first CPU this process may use and this process on the second;
    say which. SystemExit on a machine with fewer than two."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        raise SystemExit("--pin needs two CPUs; this process may use one")
    os.sched_setaffinity(sink.pid, {cpus[0]})
    os.sched_setaffinity(0, {cpus[1]})
    return f"The sink runs on CPU {cpus[0]} alone, this process on CPU {cpus[1]} alone."


async def profile_daemon(count: int, *, connections: int, sink: Sink, workdir: Path) -> None:
    """Print where one daemon run spends its time (cumulative, then own time)."""
    program = program_of(count)
    profiler = cProfile.Profile()
    profiler.enable()
    database = workdir / "profiled.sqlite3"
    await run_daemon(program, sink=sink, database=database, connections=connections)
    profiler.disable()
    print_profile(profiler, "daemon run")


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: --quick, --count, --rounds, --connections, --reply-delay-ms, --profile,
    --pin."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--count", type=int, help=f"check-ins per run (default {FULL_COUNT})")
    parser.add_argument("--rounds", type=int, help=f"runs of each way (default {FULL_ROUNDS})")
    parser.add_argument(
        "--connections",
        type=int,
        nargs="+",
        default=list(CONNECTIONS),
        help="SMTP connections to compare at (default 1 4)",
    )
    parser.add_argument(
        "--reply-delay-ms",
        type=float,
        default=0.0,
        help="the sink takes this long over each MAIL, RCPT and DATA reply (default 0)",
    )
    parser.add_argument("--profile", action="store_true", help="also profile one daemon run")
    parser.add_argument(
        "--pin", action="store_true", help="give the sink and this process a CPU each (Linux)"
    )
    return parser.parse_args(argv)


async def main_async(options: argparse.Namespace, *, workdir: Path) -> None:
    """Start the sink, pin it when asked, measure, print; profile when asked."""
    count = options.count or (QUICK_COUNT if options.quick else FULL_COUNT)
    rounds = options.rounds or (QUICK_ROUNDS if options.quick else FULL_ROUNDS)
    if options.reply_delay_ms:
        print(
            f"\nThe sink takes {options.reply_delay_ms:g} ms over each MAIL, RCPT and DATA reply."
        )
    with tls_sink(workdir, reply_delay_ms=options.reply_delay_ms) as sink:
        if options.pin:
            print(f"\n{pin(sink)}")
        for connections in options.connections:
            results = await measure(
                count, rounds, connections=connections, sink=sink, workdir=workdir
            )
            print_table(results, count=count)
        if options.profile:
            most = max(options.connections)
            await profile_daemon(count, connections=most, sink=sink, workdir=workdir)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and say how to reproduce it."""
    given = list(sys.argv[1:] if argv is None else argv)
    options = arguments(given)
    with open(os.devnull, "w") as devnull:
        logs.configure(stream=devnull)
        with tempfile.TemporaryDirectory(prefix="bench-send-") as workdir:
            asyncio.run(main_async(options, workdir=Path(workdir)))
    print_reproduce("send_pipeline.py", given)


if __name__ == "__main__":
    main()
