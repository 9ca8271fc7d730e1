"""Benchmark: how long from a reply reaching the mailbox to its meeting being committed.

`reminder-service run` runs as its own process against an SMTP sink (its own process) and a
private Dovecot, reading replies with IDLE. Replies are delivered one at a time over
Dovecot's LMTP, as a mail server hands them over; for each, two clocks start just before the
delivery:

* daemon: until the daemon logs "UID n from ...: meeting on ..." (the intake logs it once
  the reply is committed to SQLite), read from its output as it is printed;
* baseline: until an aioimaplib client of our own, IDLEing on the same mailbox at the same
  time, receives Dovecot's EXISTS push (Dovecot waits about 0.5 s before it pushes).

After each reply it pauses briefly so the daemon is back in IDLE before the next one
arrives, as with replies spread out over a day. It prints p50 and p95 of both per round,
the medians over rounds, and the ratio daemon/baseline (target: daemon p50 <= 1.0 s).

Run from the repository root: `.venv/bin/python bench/reply_latency.py [--quick]`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import aioimaplib
import trustme
from runs import print_reproduce, runs_table, sink_process

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reminder_service.core.tokens import make_token, reply_address  # noqa: E402
from tests.support.dovecot import Dovecot, config_for, unavailable_reason  # noqa: E402
from tests.support.process import (  # noqa: E402
    ServiceProcess,
    imap_env,
    plain_smtp_env,
    service_env,
)

SECRET_KEY = "reply-latency-benchmark-secret-key"  # noqa: S105 - a throwaway deployment
MAILBOX = "mentoring@northwind.example"
PAIR_ID = "ana-ben"
PROGRAM = f"""\
program:
  name: Northwind Mentoring
  coordinator: {{name: Dana Okafor, email: dana@northwind.example}}
  timezone: Europe/London
  defaults: {{cadence: monthly}}
pairs:
  - id: {PAIR_ID}
    mentor: {{name: Ana Lima, email: ana@northwind.example}}
    mentee: {{name: Ben Ong, email: ben@northwind.example}}
    started: 2024-03-01
"""
FULL_REPLIES = 50
FULL_ROUNDS = 3
QUICK_REPLIES = 5
QUICK_ROUNDS = 1
TARGET_P50_S = 1.0
PAUSE_BETWEEN_S = 0.3
WAIT_S = 10.0
MEETING_LINE = "from ben@northwind.example: meeting on"
"""The intake's line for a recorded meeting; the planner's lines also say "meeting on"."""
START_TIMEOUT_S = 20.0


@dataclass
class Round:
    """Seconds from delivery, per reply: to the daemon's commit and to Dovecot's push."""

    daemon: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The `fraction` quantile, interpolated (statistics' "inclusive" method)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def reply(n: int) -> bytes:
    """Reply number `n`: Ben reports a meeting to the pair's signed reply address."""
    message = EmailMessage()
    message["From"] = "Ben Ong <ben@northwind.example>"
    token = make_token(PAIR_ID, datetime.now(UTC).date(), key=SECRET_KEY.encode())
    message["To"] = reply_address(MAILBOX, token)
    message["Subject"] = "Re: Check-in: Ana and Ben"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="northwind.example")
    message.set_content(f"Yes, we met yesterday for {30 + n % 30} minutes.\n\nBen")
    return message.as_bytes()


def deployment_env(workdir: Path, *, smtp_port: int, server: Dovecot) -> dict[str, str]:
    """A deployment in `workdir`: plain SMTP to the sink, replies from Dovecot by IDLE."""
    return {
        **service_env(workdir, config=PROGRAM, secret_key=SECRET_KEY),
        **plain_smtp_env("127.0.0.1", smtp_port),
        **imap_env(config_for(server)),
    }


@asynccontextmanager
async def idle_watcher(server: Dovecot) -> AsyncIterator[Any]:
    """An aioimaplib client logged in to the same mailbox, INBOX selected."""
    client = aioimaplib.IMAP4(host=server.host, port=server.imap_port, timeout=WAIT_S)
    await asyncio.wait_for(client.wait_hello_from_server(), WAIT_S)
    await asyncio.wait_for(client.login(server.user, server.password), WAIT_S)
    await asyncio.wait_for(client.select("INBOX"), WAIT_S)
    try:
        yield client
    finally:
        await asyncio.wait_for(client.logout(), WAIT_S)


def _says_exists(push: object) -> bool:
    """Whether one IDLE push (a list of lines, or aioimaplib's stop marker) holds EXISTS."""
    return isinstance(push, list) and any(b"EXISTS" in bytes(line) for line in push)


async def until_exists(client: Any) -> float:
    """Wait for an EXISTS push; the perf_counter when it arrived."""
    while not _says_exists(await client.wait_server_push(timeout=WAIT_S)):
        pass
    return time.perf_counter()


def until_meeting(service: ServiceProcess) -> float:
    """Block until the daemon logs a meeting; the perf_counter when the line was read."""
    service.wait_for_line(MEETING_LINE, timeout_s=WAIT_S)
    return time.perf_counter()


async def one_reply(n: int, *, server: Dovecot, service: ServiceProcess, client: Any) -> Round:
    """Deliver reply `n` while both the daemon and our client IDLE; time both."""
    while not client.protocol.idle_queue.empty():
        client.protocol.idle_queue.get_nowait()
    idle = await client.idle_start(timeout=WAIT_S)
    daemon = asyncio.create_task(asyncio.to_thread(until_meeting, service))
    delivered = time.perf_counter()
    await asyncio.to_thread(server.deliver, reply(n))
    pushed = await until_exists(client)
    client.idle_done()
    await asyncio.wait_for(idle, WAIT_S)
    committed = await daemon
    return Round(daemon=[committed - delivered], baseline=[pushed - delivered])


async def run_round(replies: int, *, first: int, server: Dovecot, service: ServiceProcess) -> Round:
    """Deliver `replies` replies one at a time, pausing between them."""
    result = Round()
    async with idle_watcher(server) as client:
        for n in range(first, first + replies):
            timed = await one_reply(n, server=server, service=service, client=client)
            result.daemon += timed.daemon
            result.baseline += timed.baseline
            await asyncio.sleep(PAUSE_BETWEEN_S)
    return result


def measure(replies: int, rounds: int, *, workdir: Path) -> list[Round]:
    """Start the sink, Dovecot and the daemon once, then run the rounds."""
    with (
        sink_process(workdir) as sink,
        Dovecot(ca=trustme.CA()) as server,
        ServiceProcess(
            "run", env=deployment_env(workdir, smtp_port=sink.port, server=server), cwd=workdir
        ) as service,
    ):
        service.wait_for_line("reading replies from INBOX", timeout_s=START_TIMEOUT_S)
        results = [
            asyncio.run(run_round(replies, first=number * replies, server=server, service=service))
            for number in range(rounds)
        ]
        service.stop()
    return results


def print_table(results: Sequence[Round], *, replies: int) -> None:
    """p50 and p95 per round in milliseconds, their medians, and the ratios and target."""
    print(f"\n{replies} replies per run, one at a time over LMTP, IDLE (milliseconds)\n")
    rows: list[tuple[str, list[float]]] = []
    medians: dict[str, float] = {}
    for way, label in (("daemon", "meeting committed"), ("baseline", "Dovecot EXISTS push")):
        for name, fraction in (("p50", 0.5), ("p95", 0.95)):
            values = [percentile(getattr(result, way), fraction) for result in results]
            medians[f"{way} {name}"] = statistics.median(values)
            rows.append((f"delivered -> {label} {name}", values))
    print("\n".join(runs_table(rows, scale=1000)))
    p50 = medians["daemon p50"]
    verdict = "met" if p50 <= TARGET_P50_S else "NOT met"
    print()
    print(f"daemon / baseline p50 = {p50 / medians['baseline p50']:5.2f}")
    print(f"daemon / baseline p95 = {medians['daemon p95'] / medians['baseline p95']:5.2f}")
    print(f"daemon p50 {p50 * 1000:.0f} ms: target <= {TARGET_P50_S * 1000:.0f} ms {verdict}")


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: --quick, --replies, --rounds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--replies", type=int, help=f"replies per run (default {FULL_REPLIES})")
    parser.add_argument("--rounds", type=int, help=f"runs (default {FULL_ROUNDS})")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and say how to reproduce it."""
    reason = unavailable_reason()
    if reason is not None:
        sys.exit(f"cannot run: {reason}")
    given = list(sys.argv[1:] if argv is None else argv)
    options = arguments(given)
    replies = options.replies or (QUICK_REPLIES if options.quick else FULL_REPLIES)
    rounds = options.rounds or (QUICK_ROUNDS if options.quick else FULL_ROUNDS)
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as workdir:
        results = measure(replies, rounds, workdir=Path(workdir))
    print_table(results, replies=replies)
    print_reproduce("reply_latency.py", given)


if __name__ == "__main__":
    main()
