"""Benchmark: replies waiting in Dovecot through the whole intake path, against raw fetching.

Each round reads the same N replies (valid signed reply addresses for a program's pairs,
written the way people write: meetings, "not yet", pauses, quoted check-ins) from a private
Dovecot in its own processes, two ways:

* intake: `Intake.start_session` then `poll_once` on a fresh SQLite database (WAL,
  synchronous=FULL, as deployed): search, fetch in batches of 100, understand, record,
  flag each reply $ReminderProcessed, logging as in production;
* raw: aioimaplib alone, with none of our code: log in, select, UID SEARCH, then UID FETCH
  BODY.PEEK[] in batches of 100 (the baseline the benchmark's issue names);
* adapter: `ImapMailbox` alone (our adapter without understanding or recording): open,
  search, then `fetch` 100 UIDs at a time, which asks their sizes and fetches their bytes
  25 at a time from a server this near (aioimaplib's cost per response grows with the
  square of its messages; over a slower link it fetches 100 at a time).

It prints replies per second for every round, the medians and the ratios of intake to
each (target: intake >= 1,000 replies/s). `--profile` adds a cProfile of one intake run.

Run from the repository root: `.venv/bin/python bench/intake.py [--quick]`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import aioimaplib
import trustme
from runs import print_profile, print_reproduce, runs_table

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reminder_service import logs  # noqa: E402
from reminder_service.core.model import Program  # noqa: E402
from reminder_service.core.replies.mime import Limits  # noqa: E402
from reminder_service.core.tokens import make_token, reply_address  # noqa: E402
from reminder_service.imap import ImapConfig, ImapMailbox, mailboxes  # noqa: E402
from reminder_service.intake import BATCH, Intake  # noqa: E402
from reminder_service.program import parse_program  # noqa: E402
from reminder_service.store import SqliteStore  # noqa: E402
from tests.support.dovecot import Dovecot, config_for, unavailable_reason  # noqa: E402

KEY = b"benchmark key of sufficient length"
MAILBOX = "mentoring@northwind.example"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CHECKIN_DAY = date(2026, 11, 20)
PAIRS = 200
FULL_COUNT = 2_000
FULL_ROUNDS = 3
QUICK_COUNT = 200
QUICK_ROUNDS = 2
TARGET_PER_S = 1_000.0
TIMEOUT_S = 60.0
TEXTS = (
    "Yes, we met yesterday for 45 minutes.",
    "Not yet, we keep missing each other.",
    "We met on Monday, about an hour. Good chat about the roadmap.",
    "Please pause us until March, I am on leave.",
    "Met 18/11 for 30 mins.\n\nThanks!\n-- \nBen Ong\nNorthwind Engineering",
    "yes!",
)
QUOTE = "\n\nOn Fri, 20 Nov 2026 at 09:00, Northwind Mentoring wrote:\n> Hi Ana and Ben,\n> " + (
    "How are things going? Did you meet since the last check-in?\n> " * 5
)


class FixedClock:
    """The instant every run reads replies at, so tokens and relative dates judge alike."""

    def now(self) -> datetime:
        """Always NOW."""
        return NOW


def program_of(pairs: int) -> Program:
    """A program of `pairs` monthly pairs, pair-0000 to pair-NNNN."""
    lines = [
        "program:",
        "  name: Benchmark Mentoring",
        f"  coordinator: {{name: Dana Okafor, email: dana@{MAILBOX.split('@')[1]}}}",
        "  timezone: Europe/London",
        "  defaults: {cadence: monthly}",
        "pairs:",
    ]
    for n in range(pairs):
        lines += [
            f"  - id: pair-{n:04d}",
            f"    mentor: {{name: Ana Mentor {n}, email: ana.{n}@northwind.example}}",
            f"    mentee: {{name: Ben Mentee {n}, email: ben.{n}@northwind.example}}",
            "    started: 2024-03-01",
        ]
    return parse_program("\n".join(lines) + "\n", file="bench.yaml")


def reply(n: int, *, pairs: int) -> bytes:
    """Reply number `n`: from a mentee to their pair's signed address, CRLF line ends."""
    pair = n % pairs
    message = EmailMessage()
    message["From"] = f"Ben Mentee {pair} <ben.{pair}@northwind.example>"
    token = make_token(f"pair-{pair:04d}", CHECKIN_DAY, key=KEY)
    message["To"] = reply_address(MAILBOX, token)
    message["Subject"] = "Re: Check-in: Ana and Ben"
    message["Date"] = format_datetime(datetime(2026, 11, 25, 10, n % 60, tzinfo=UTC))
    message["Message-ID"] = make_msgid(domain="northwind.example")
    message.set_content(TEXTS[n % len(TEXTS)] + (QUOTE if n % 2 else ""))
    return message.as_bytes(policy=policy.SMTP)


def imap_config(server: Dovecot) -> ImapConfig:
    """The daemon's settings for the private Dovecot, with generous timeouts."""
    return config_for(server, command_timeout_s=TIMEOUT_S, idle_renew_s=TIMEOUT_S)


def intake_for(program: Program, *, store: SqliteStore, config: ImapConfig) -> Intake:
    """The production Intake, wired as the daemon wires it."""
    return Intake(
        lambda: program,
        store=store,
        connect=mailboxes(config),
        clock=FixedClock(),
        folder=config.folder,
        secret_key=KEY,
        mailbox_address=MAILBOX,
        our_addresses=frozenset({MAILBOX}),
        limits=Limits(),
    )


async def run_intake(program: Program, *, config: ImapConfig, database: Path) -> float:
    """Seconds for the whole path over every waiting reply; checks all were recorded."""
    with SqliteStore.open(database) as store:
        intake = intake_for(program, store=store, config=config)
        mailbox = ImapMailbox(config)
        try:
            started = time.perf_counter()
            state = await intake.start_session(mailbox)
            taken = await intake.poll_once(mailbox, state)
            elapsed = time.perf_counter() - started
        finally:
            await mailbox.close()
        unmarked = store.unmarked_uids(folder=config.folder, uidvalidity=state.uidvalidity)
        meetings = len(store.meetings())
    if taken == 0 or unmarked or meetings == 0:
        raise RuntimeError(f"took {taken} replies, {meetings} meetings; {len(unmarked)} unmarked")
    return elapsed


async def run_raw(config: ImapConfig) -> tuple[float, int]:
    """Seconds for aioimaplib alone to log in, select, search and fetch everything in 100s."""
    client = aioimaplib.IMAP4(host=config.host, port=config.port, timeout=TIMEOUT_S)
    started = time.perf_counter()
    await client.wait_hello_from_server()
    await client.login(config.username, config.password)
    await client.select(config.folder)
    search = await client.uid_search("ALL")
    uids = [int(uid) for line in search.lines[:-1] for uid in line.split()]
    fetched = 0
    for start in range(0, len(uids), BATCH):
        batch = ",".join(str(uid) for uid in uids[start : start + BATCH])
        reply = await client.uid("fetch", batch, "BODY.PEEK[]")
        fetched += sum(isinstance(line, bytearray) for line in reply.lines)
    elapsed = time.perf_counter() - started
    await client.logout()
    return elapsed, fetched


async def run_adapter(config: ImapConfig) -> tuple[float, int]:
    """Seconds for the adapter alone to open, search and fetch everything, 100 UIDs a call."""
    mailbox = ImapMailbox(config)
    try:
        started = time.perf_counter()
        await mailbox.open()
        uids = await mailbox.new_uids(after=0)
        fetched = 0
        for start in range(0, len(uids), BATCH):
            fetched += len(await mailbox.fetch(uids[start : start + BATCH]))
        elapsed = time.perf_counter() - started
    finally:
        await mailbox.close()
    return elapsed, fetched


@dataclass
class Results:
    """Replies per second of each way, one entry per round."""

    intake: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    adapter: list[float] = field(default_factory=list)


async def measure(count: int, rounds: int, *, server: Dovecot, workdir: Path) -> Results:
    """Interleave the ways round by round, so noise on the machine hits them alike."""
    program = program_of(PAIRS)
    config = imap_config(server)
    results = Results()
    for number in range(rounds):
        for way, run in (("raw", run_raw), ("adapter", run_adapter)):
            seconds, fetched = await run(config)
            if fetched != count:
                raise RuntimeError(f"{way} fetch read {fetched} of {count} messages")
            getattr(results, way).append(count / seconds)
        intake_s = await run_intake(
            program, config=config, database=workdir / f"intake-{number}.sqlite3"
        )
        results.intake.append(count / intake_s)
    return results


def print_table(results: Results, *, count: int) -> None:
    """Per-round rates, medians, and the ratios of the medians, with the target."""
    rows = [
        ("intake: fetch+understand+commit+mark", results.intake),
        ("raw: aioimaplib UID FETCH in 100s", results.raw),
        ("adapter: ImapMailbox.fetch, 100 a call", results.adapter),
    ]
    print(f"\n{count} replies waiting in Dovecot (plain IMAP on loopback), replies/s\n")
    print("\n".join(runs_table(rows)))
    intake = statistics.median(results.intake)
    raw = statistics.median(results.raw)
    verdict = "met" if intake >= TARGET_PER_S else "NOT met"
    print()
    print(f"intake / raw     = {intake / raw:5.2f}")
    print(f"intake / adapter = {intake / statistics.median(results.adapter):5.2f}")
    print(f"intake median {intake:.0f} replies/s: target >= {TARGET_PER_S:.0f} {verdict}")


async def profile_intake(*, server: Dovecot, workdir: Path) -> None:
    """Print where one intake run spends its time (cumulative, then own time)."""
    program = program_of(PAIRS)
    profiler = cProfile.Profile()
    profiler.enable()
    await run_intake(program, config=imap_config(server), database=workdir / "profiled.sqlite3")
    profiler.disable()
    print_profile(profiler, "intake run")


async def main_async(options: argparse.Namespace, *, workdir: Path) -> None:
    """Fill a private Dovecot, measure, print; profile when asked."""
    count = options.count or (QUICK_COUNT if options.quick else FULL_COUNT)
    rounds = options.rounds or (QUICK_ROUNDS if options.quick else FULL_ROUNDS)
    with Dovecot(ca=trustme.CA()) as server:
        server.append_many([reply(n, pairs=PAIRS) for n in range(count)])
        results = await measure(count, rounds, server=server, workdir=workdir)
        print_table(results, count=count)
        if options.profile:
            await profile_intake(server=server, workdir=workdir)


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: --quick, --count, --rounds, --profile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--count", type=int, help=f"replies waiting (default {FULL_COUNT})")
    parser.add_argument("--rounds", type=int, help=f"runs of each way (default {FULL_ROUNDS})")
    parser.add_argument("--profile", action="store_true", help="also profile one intake run")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and say how to reproduce it."""
    reason = unavailable_reason()
    if reason is not None:
        sys.exit(f"cannot run: {reason}")
    given = list(sys.argv[1:] if argv is None else argv)
    options = arguments(given)
    with open(os.devnull, "w") as devnull:
        logs.configure(stream=devnull)
        with tempfile.TemporaryDirectory(prefix="bench-intake-") as workdir:
            asyncio.run(main_async(options, workdir=Path(workdir)))
    print_reproduce("intake.py", given)


if __name__ == "__main__":
    main()
