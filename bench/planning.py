"""Planning at scale: planning ticks over 1k, 10k and 100k pairs with a year of history.

Each size gets a SQLite store built directly with bulk inserts (a year of monthly period
emails, the meetings that answered them, a few "not yet", skip and pause replies, and every
event email already sent), so a tick finds nearly nothing due. 1 pair in 100 has its current
check-in not yet queued; the first tick (a full pass) renders and queues those and is
reported on its own. Steady ticks then follow the daemon's rhythm: the clock moves on by
the planner's interval, and before each tick `MEETINGS_PER_TICK` pairs report a meeting
(about ten times the reply rate of 100,000 monthly pairs), so a tick plans the pairs that
changed and its slice of the rest (every pair comes round within `FULL_PASS_EVERY`). A full
pass, as at start or after a reload (here: a tick after a gap of more than
`FULL_PASS_EVERY`), is timed on its own, and so is the busy tick one planner interval later
at `BUSY_AT`, when a group of pairs' check-ins fall due together.

A full pass is a backlog planned a chunk a tick (as many pairs as fit the planner's time
budget, `tick_chunks`), the ticks following each other at once as in the daemon; the start
and the full pass are reported as how many ticks it took to catch up, their total and the
longest of them; so is the weekly digest (this week's, forgotten after the busy tick), which
reads every pair's history a chunk a tick. The claim to check is that no single tick, of
any kind, takes more than a second at 100,000 pairs.

With the planner still holding what it remembers, the file is then read again as a reload
reads it (`load_program` with the pairs with history and the running program), once with
one pair edited and once with a mistake in its last pair: the process's peak after each is
what a coordinator's edit, or a broken one, costs a running daemon on top of planning.

Each size's program is written as YAML and read with `load_program` in the measuring
process, as the daemon reads it (with the pairs the store has sent check-ins to, which a
rename is checked against), so the peak RSS includes what reading keeps; the build
checks that the file gives exactly the program the store was built for. As in the daemon,
the objects alive once the program is read are then left out of the cyclic garbage
collector's passes (`long_lived.settle`).

The baseline, measured in the same process, is the pure core alone (`due_checkins` and
`relationship_emails` over histories already in memory). Each size is built in one
subprocess and measured in a fresh one, so peak RSS (`ru_maxrss`) is that size's own.

Run: .venv/bin/python bench/planning.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time as clock
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice, pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

from runs import reproduce_command

from reminder_service.built_in_templates import BUILT_IN_TEMPLATES
from reminder_service.compose import Composer, Identity
from reminder_service.core.cadence import local_instant, occurrences_after, parse_cadence
from reminder_service.core.digest import digest_due
from reminder_service.core.due import due_checkins
from reminder_service.core.model import DigestSchedule, Pair, Person, Program, Schedule
from reminder_service.core.relationship import relationship_emails
from reminder_service.long_lived import settle
from reminder_service.planner import FULL_PASS_EVERY, Planner
from reminder_service.program import ProgramError, known_pairs, load_program, parse_program
from reminder_service.store import SqliteStore, pairs_with_history
from reminder_service.tick_chunks import TICK_BUDGET_S

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ZONES = tuple(ZoneInfo(name) for name in ("Europe/London", "America/New_York", "Asia/Tokyo"))
CADENCE = parse_cadence("monthly")
SEND_AT = time(9, 0)
MESSAGE = b"Subject: check-in\r\n\r\nA stand-in body: planning never reads it.\r\n"
FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (500, 1_000)
DUE_EVERY = 100
MEETINGS_PER_TICK = 10
BUSY_AT = datetime(2026, 11, 25, 14, 0, 30, tzinfo=UTC)
"""Just after 9:00 in New York: the New York pairs whose period closes today fall due."""
PLANNER_INTERVAL = timedelta(seconds=30)
"""The daemon's planner interval (not imported: the daemon's imports would add to peak RSS)."""
TIMEOUT_S = 900.0
EDITED = NOW.date() - timedelta(days=400)
"""The last pair's start date in the edited file: an edit a reload takes in."""
MISTAKE = "2025-02-30"
"""The last pair's start date in the broken file: not a date, so a reload refuses it."""


def build_program(size: int) -> Program:
    """A program of `size` monthly pairs started 365-392 days before NOW, in three zones,
    whose weekly digest is due at NOW."""
    return Program(
        name="Bench Mentoring",
        coordinator=Person("Dana Okafor", "dana@bench.example"),
        timezone=ZONES[0],
        pairs=tuple(_pair(index) for index in range(size)),
        digest=DigestSchedule(weekday=NOW.weekday(), at=NOW.astimezone(ZONES[0]).time()),
    )


def program_yaml(size: int) -> str:
    """`build_program(size)` as a coordinator would write it."""
    lines = [
        "program:",
        "  name: Bench Mentoring",
        "  coordinator: {name: Dana Okafor, email: dana@bench.example}",
        f"  timezone: {ZONES[0].key}",
        f'  digest: {{day: {NOW:%A}, at: "{NOW.astimezone(ZONES[0]):%H:%M}"}}'.lower(),
        f'  defaults: {{cadence: {CADENCE.text}, send_at: "{SEND_AT:%H:%M}"}}',
        "pairs:",
    ]
    for index in range(size):
        pair = _pair(index)
        lines += [
            f"  - id: {pair.id}",
            f"    mentor: {{name: {pair.mentor.name}, email: {pair.mentor.email}}}",
            f"    mentee: {{name: {pair.mentee.name}, email: {pair.mentee.email},"
            f" timezone: {pair.timezone.key}}}",
            f"    started: {pair.started}",
        ]
    return "\n".join(lines) + "\n"


def _pair(index: int) -> Pair:
    zone = ZONES[index % len(ZONES)]
    return Pair(
        id=f"p{index:06d}",
        mentor=Person(f"Mentor {index}", f"mentor{index}@bench.example"),
        mentee=Person(f"Mentee {index}", f"mentee{index}@bench.example", zone),
        started=NOW.date() - timedelta(days=365 + index % 28),
        schedule=Schedule(cadence=CADENCE, send_at=SEND_AT),
        timezone=zone,
    )


@dataclass
class Rows:
    """The rows of a store with a year of history, ready for `executemany`."""

    outbox: list[tuple[str, str, str, date]]
    meetings: list[tuple[str, str, int, str, str]]
    events: list[tuple[str, str, str, str | None]]


def history_rows(program: Program) -> Rows:
    """Every pair's year: each period's email, a meeting 3 days later (quiet pairs stop
    meeting after 200 days and climb the ladder), and a few replies."""
    rows = Rows([], [], [])
    for index, pair in enumerate(program.pairs):
        _pair_year(index, pair, rows)
    return rows


def _pair_year(index: int, pair: Pair, rows: Rows) -> None:
    quiet = index % 10 == 0
    today = NOW.astimezone(pair.timezone).date()
    anchor, level, periods = pair.started, 0, []
    while (period := _nth_period(pair, anchor, level)) is not None:
        periods.append(period)
        kind = "checkin" if level == 0 else "reminder" if level < 3 else "pause_or_end"
        rows.outbox.append((f"checkin:{pair.id}:{period}", pair.id, kind, period))
        met_on = period + timedelta(days=3)
        if met_on < today and not (quiet and period > pair.started + timedelta(days=200)):
            logged = local_instant(met_on + timedelta(days=1), time(8), pair.timezone)
            meeting = (pair.id, met_on.isoformat(), 45, pair.mentee.email, logged.isoformat())
            rows.meetings.append(meeting)
            anchor, level = met_on, 0
        else:
            level += 1
    if index % DUE_EVERY == DUE_EVERY // 2:
        rows.outbox.pop()
    _replies(index, pair, periods, rows)


def _nth_period(pair: Pair, anchor: date, level: int) -> date | None:
    """The `level`-th period after `anchor` when it is due by NOW, else None."""
    closes = occurrences_after(pair.schedule.cadence, started=pair.started, anchor=anchor)
    period = next(islice(closes, level, None))
    due = local_instant(period, pair.schedule.send_at, pair.timezone) <= NOW
    return period if due else None


def _replies(index: int, pair: Pair, periods: list[date], rows: Rows) -> None:
    """A "not yet" from quiet pairs, a skip from 1 in 50, an ended pause from 1 in 100."""
    if index % 10 == 0:
        rows.events.append((pair.id, "not_met", _after(periods[-1], pair), None))
    if index % 50 == 1:
        rows.events.append((pair.id, "skip", _after(periods[0], pair), None))
    if index % 100 == 2:
        until = periods[2] + timedelta(days=20)
        rows.events.append((pair.id, "pause", _after(periods[2], pair), until.isoformat()))


def _after(period: date, pair: Pair) -> str:
    return local_instant(period + timedelta(days=1), time(10), pair.timezone).isoformat()


def _sent_row(key: str, pair_id: str, kind: str, period: date) -> tuple[object, ...]:
    """An outbox row for an email sent at NOW to the pair's mentor and mentee (as the
    daemon addresses a check-in: a reload checks renames against them), with a stand-in
    message."""
    at = NOW.isoformat()
    message_id = f"<{key}@bench.example>"
    index = int(pair_id.removeprefix("p")) if pair_id else 0
    recipients = json.dumps([f"mentor{index}@bench.example", f"mentee{index}@bench.example"])
    return (key, pair_id, kind, period.isoformat(), message_id, recipients, MESSAGE, at, at, at, at)


_INSERT_OUTBOX = """
INSERT INTO outbox (key, pair_id, kind, period, message_id, sender, recipients, message, state,
                    attempts, next_attempt_at, created_at, updated_at, sent_at)
VALUES (?, ?, ?, ?, ?, 'bench@bench.example', ?, ?, 'sent', 1, ?, ?, ?, ?)
"""


def build_store(size: int, path: Path) -> None:
    """Write the store for `size` pairs, then mark every event email due by NOW as sent;
    write the program's file beside it."""
    program = build_program(size)
    text = program_yaml(size)
    if parse_program(text, file="bench") != program:
        raise SystemExit("the program file does not give the program the store is built for")
    path.with_suffix(".yaml").write_text(text, encoding="utf-8")
    head, _, last = text.rpartition("    started: ")
    rest = last[last.index("\n") :]
    path.with_suffix(".edited.yaml").write_text(
        f"{head}    started: {EDITED}{rest}", encoding="utf-8"
    )
    path.with_suffix(".broken.yaml").write_text(
        f"{head}    started: {MISTAKE}{rest}", encoding="utf-8"
    )
    rows = history_rows(program)
    with SqliteStore.open(path) as store:
        del store
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    db.executemany(_INSERT_OUTBOX, (_sent_row(*row) for row in rows.outbox))
    db.executemany(
        "INSERT INTO meetings (pair_id, met_on, duration_minutes, reported_by, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        rows.meetings,
    )
    db.executemany(
        "INSERT INTO reply_events (pair_id, kind, at, until) VALUES (?, ?, ?, ?)", rows.events
    )
    db.execute("COMMIT")
    db.close()
    _mark_event_emails_sent(program, path)


def _mark_event_emails_sent(program: Program, path: Path) -> None:
    """Thank-yous, anniversaries, follow-ups and this week's digest went out when due."""
    with SqliteStore.open(path) as store:
        histories = store.pair_histories()
        planned = relationship_emails(program, histories, store.activity(now=NOW), NOW)
    digest = digest_due(program, now=NOW, last_digest=None)
    items = [*planned, *([digest] if digest else [])]
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    db.executemany(
        _INSERT_OUTBOX,
        (_sent_row(item.key, item.pair_id or "", item.kind, item.due_at.date()) for item in items),
    )
    db.execute("COMMIT")
    db.close()


class BenchClock:
    """Starts at NOW; the bench moves it on between ticks."""

    def __init__(self) -> None:
        self.current = NOW

    def now(self) -> datetime:
        """The bench's current instant."""
        return self.current


def _timed(action: Callable[[], object]) -> float:
    started = clock.perf_counter()
    action()
    return clock.perf_counter() - started


@dataclass(frozen=True)
class CatchUp:
    """Ticks from one call of the planner until no backlog remains: how many, each one's
    seconds, and how many emails they queued."""

    seconds: tuple[float, ...]
    queued: int

    @property
    def total_s(self) -> float:
        """All the ticks' seconds."""
        return sum(self.seconds)

    @property
    def longest_s(self) -> float:
        """The longest tick's seconds."""
        return max(self.seconds)

    def row(self) -> str:
        """`ticks: total s, longest s` for the table."""
        return f"{len(self.seconds)}: {self.total_s:.3f}, {self.longest_s:.3f}"


def catch_up(planner: Planner) -> CatchUp:
    """Tick, then tick again at once while a backlog remains, timing each tick."""
    seconds: list[float] = []
    queued = 0
    while not seconds or planner.backlog:
        started = clock.perf_counter()
        queued += planner.plan_once()
        seconds.append(clock.perf_counter() - started)
    return CatchUp(tuple(seconds), queued)


@dataclass(frozen=True)
class Result:
    """One size's figures: the start and a full pass after a gap (each until caught up),
    seconds per steady tick and per core pass (medians), the busy tick, the longest single
    tick of all, reading the program, and peak RSS."""

    size: int
    read_s: float
    read_mb: float
    start: CatchUp
    tick_s: float
    full: CatchUp
    busy: CatchUp
    digest: CatchUp
    longest_s: float
    core_s: float
    before_digest_mb: float
    planner_mb: float
    edit_mb: float
    broken_mb: float
    peak_mb: float

    @classmethod
    def from_json(cls, text: str) -> Result:
        """A result printed by a child process as JSON."""
        fields = json.loads(text)
        for name in ("start", "full", "busy", "digest"):
            part = fields[name]
            fields[name] = CatchUp(tuple(part["seconds"]), part["queued"])
        return cls(**fields)


def _report_meetings(store: SqliteStore, program: Program, *, tick: int) -> None:
    """`MEETINGS_PER_TICK` pairs, spread over the program, report a meeting today."""
    clock_now = NOW + tick * PLANNER_INTERVAL
    for n in range(MEETINGS_PER_TICK):
        pair = program.pairs[(tick * MEETINGS_PER_TICK + n) * 7919 % len(program.pairs)]
        store.add_meeting(
            pair_id=pair.id,
            met_on=clock_now.date(),
            duration_minutes=30,
            reported_by=pair.mentee.email,
            source_message_id=None,
            now=clock_now,
        )


@dataclass(frozen=True)
class Ticks:
    """What `_planner_ticks` measured."""

    start: CatchUp
    steady: list[CatchUp]
    full: CatchUp
    busy: CatchUp
    digest: CatchUp
    before_digest_mb: float
    """Peak RSS before the digest: rendering one that lists every overdue pair is large."""
    after_digest_mb: float
    """Peak RSS once the digest's ticks are done."""
    edit_mb: float
    """Peak RSS once the file with one pair edited has been read as a reload reads it."""
    broken_mb: float
    """Peak RSS once the file with a mistake has been read, and refused, as well."""


def _planner_ticks(
    program: Program, store: SqliteStore, composer: Composer, *, ticks: int, path: Path
) -> Ticks:
    """The start, each steady tick, a full pass after a gap, the busy tick and a digest's
    ticks, each until caught up; the planner (and what it remembers) is gone when this
    returns."""
    bench_clock = BenchClock()
    planner = Planner(lambda: program, store=store, composer=composer, clock=bench_clock)
    start = catch_up(planner)
    steady = []
    for tick in range(1, ticks + 1):
        _report_meetings(store, program, tick=tick)
        bench_clock.current = NOW + tick * PLANNER_INTERVAL
        steady.append(catch_up(planner))
    bench_clock.current = BUSY_AT - PLANNER_INTERVAL - timedelta(seconds=1)
    full = catch_up(planner)
    bench_clock.current = BUSY_AT
    busy = catch_up(planner)
    before_digest_mb = _peak_mb()
    _forget_this_weeks_digest(path)
    bench_clock.current = BUSY_AT + PLANNER_INTERVAL
    digest = catch_up(planner)
    after_digest_mb = _peak_mb()
    edit_mb, broken_mb = _reloads(program, path)
    return Ticks(
        start, steady, full, busy, digest, before_digest_mb, after_digest_mb, edit_mb, broken_mb
    )


def _reloads(program: Program, path: Path) -> tuple[float, float]:
    """Peak RSS after reading the edited file as a reload does, and after the broken one."""
    known = known_pairs(pairs_with_history(path), running=program)
    edited = load_program(path.with_suffix(".edited.yaml"), known=known, running=program)
    if len(edited.pairs) != len(program.pairs) or edited.pairs[-1].started != EDITED:
        raise SystemExit("the edited program file did not give the edited program")
    del edited
    edit_mb = _peak_mb()
    try:
        load_program(path.with_suffix(".broken.yaml"), known=known, running=program)
    except ProgramError as exc:
        if MISTAKE not in str(exc):
            raise SystemExit(f"the mistake was not reported: {str(exc)[:200]}") from exc
    else:
        raise SystemExit("the broken program file was taken in")
    return edit_mb, _peak_mb()


def _forget_this_weeks_digest(path: Path) -> None:
    """Delete the digest the store was built with, so the next tick puts one together."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DELETE FROM outbox WHERE kind = 'digest'")
    db.close()


def measure(size: int, path: Path, *, ticks: int) -> Result:
    """The start, `ticks` steady ticks, a full pass, the busy tick, as many core-only
    passes, and peak RSS."""
    started = clock.perf_counter()
    program = load_program(path.with_suffix(".yaml"), known=pairs_with_history(path))
    read_s = clock.perf_counter() - started
    settle()  # as the daemon does when it starts
    read_mb = _peak_mb()
    composer = Composer(
        BUILT_IN_TEMPLATES,
        identity=Identity(
            from_header="Bench Mentoring <bench@bench.example>",
            reply_mailbox="replies@bench.example",
            secret_key=b"bench-secret-key-bench-secret-key",
        ),
    )
    with SqliteStore.open(path) as store:
        measured = _planner_ticks(program, store, composer, ticks=ticks, path=path)
        histories = store.pair_histories()
        activity = store.activity(now=NOW)

    def core_pass() -> None:
        due_checkins(program, histories, NOW)
        relationship_emails(program, histories, activity, NOW)

    every = [measured.start, *measured.steady, measured.full, measured.busy, measured.digest]
    return Result(
        size=size,
        read_s=read_s,
        read_mb=read_mb,
        start=measured.start,
        tick_s=statistics.median(run.total_s for run in measured.steady),
        full=measured.full,
        busy=measured.busy,
        digest=measured.digest,
        longest_s=max(run.longest_s for run in every),
        core_s=statistics.median(_timed(core_pass) for _ in range(ticks)),
        before_digest_mb=measured.before_digest_mb,
        planner_mb=measured.after_digest_mb,
        edit_mb=measured.edit_mb,
        broken_mb=measured.broken_mb,
        peak_mb=_peak_mb(),
    )


def _peak_mb() -> float:
    """This process's peak resident set size so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(args: list[str], *, timeout_s: float) -> str | None:
    """Run this script in a fresh interpreter; its stdout, or None when it timed out."""
    command = [sys.executable, __file__, *args]
    try:
        done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
            command, capture_output=True, text=True, check=True, timeout=timeout_s
        )
    except subprocess.TimeoutExpired:
        return None
    return done.stdout


def run(sizes: tuple[int, ...], *, ticks: int, command: str) -> None:
    """Build and measure each size in its own processes; print the table and the growth."""
    results: list[Result | int] = []
    with tempfile.TemporaryDirectory(prefix="bench-planning-") as folder:
        for size in sizes:
            path = Path(folder) / f"{size}.sqlite3"
            _child(["--build", str(size), str(path)], timeout_s=TIMEOUT_S)
            measure_args = ["--measure", str(size), str(path), "--ticks", str(ticks)]
            out = _child(measure_args, timeout_s=TIMEOUT_S)
            results.append(Result.from_json(out) if out else size)
    print(f"# {command}  ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    for line in table(results, ticks=ticks):
        print(line)


def table(results: list[Result | int], *, ticks: int) -> Iterator[str]:
    """The results as a Markdown table (a bare size timed out), then the growth per step."""
    every = f"{FULL_PASS_EVERY.total_seconds() / 60:.0f} min"
    yield (
        f"steady planning tick (every {PLANNER_INTERVAL.total_seconds():.0f} s, "
        f"{MEETINGS_PER_TICK} new meetings each, and a slice of the pairs so every pair is "
        f"re-planned within {every}), median of {ticks}; start and full pass (after a gap; as "
        f"on reload): a backlog of every pair, a chunk a tick ({TICK_BUDGET_S} s budget); "
        "these, the busy tick and the digest as 'ticks: total s, longest s' (a tick past its "
        "budget leaves the check-ins it has not written to the next); baseline: the core "
        "alone over every pair (due + relationship)"
    )
    yield (
        "| pairs | tick s | core s | tick/core | start (queued) | full pass "
        "| busy tick (queued) | digest | longest tick s "
        "| peak RSS MB: program read, planner before the digest, after it, after reloading an "
        "edit and a broken edit (with core baseline) | program read s |"
    )
    yield "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for r in results:
        if isinstance(r, int):
            yield f"| {r:,} | timed out after {TIMEOUT_S:.0f} s | | | | | | | | | |"
            continue
        yield (
            f"| {r.size:,} | {r.tick_s:.3f} | {r.core_s:.3f} | {r.tick_s / r.core_s:.2f}x | "
            f"{r.start.row()} ({r.start.queued}) | {r.full.row()} "
            f"| {r.busy.row()} ({r.busy.queued}) | {r.digest.row()} | {r.longest_s:.3f} "
            f"| {r.read_mb:.0f}, {r.before_digest_mb:.0f}, {r.planner_mb:.0f}, {r.edit_mb:.0f}, "
            f"{r.broken_mb:.0f} ({r.peak_mb:.0f}) "
            f"| {r.read_s:.2f} |"
        )
    measured = [r for r in results if isinstance(r, Result)]
    for small, large in pairwise(measured):
        yield (
            f"growth {small.size:,} -> {large.size:,} pairs (x{large.size / small.size:.0f}): "
            f"tick x{large.tick_s / small.tick_s:.1f}, "
            f"full pass x{large.full.total_s / small.full.total_s:.1f}, "
            f"core x{large.core_s / small.core_s:.1f}"
        )


def main() -> None:
    """Parse the command line; the hidden --build and --measure run in child processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--sizes", type=int, nargs="+", help="pair counts to measure")
    parser.add_argument("--ticks", type=int, default=5, help="steady ticks per size (median)")
    parser.add_argument("--build", nargs=2, metavar=("SIZE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, metavar=("SIZE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build_store(int(args.build[0]), Path(args.build[1]))
    elif args.measure:
        size, path = int(args.measure[0]), Path(args.measure[1])
        print(json.dumps(asdict(measure(size, path, ticks=args.ticks))))
    else:
        sizes = tuple(args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES))
        command = reproduce_command("planning.py", sys.argv[1:])
        run(sizes, ticks=3 if args.quick else args.ticks, command=command)


if __name__ == "__main__":
    main()
