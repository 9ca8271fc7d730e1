"""The incremental planner against real SQLite: it queues exactly what a full pass would.

Two stores receive the same writes (meetings, replies, disputes, sends settled, program
reloads, templates that fail for a pair). Store A is planned by one long-lived planner whose
full passes are switched off after its first, so every later tick is incremental; store B
by a fresh planner at every tick, which is always a full pass. After each tick both hold the
same decided keys. A second machine splits A's full passes into a backlog planned two pairs a
tick, with meetings and replies arriving between those ticks.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
import tempfile
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)

from reminder_service.built_in_templates import BUILT_IN_TEMPLATES
from reminder_service.compose import Composer, Identity
from reminder_service.core.digest import planned_digests
from reminder_service.core.model import Outgoing, Pair, PairHistory, Person, Program, Status
from reminder_service.errors import ConfigError, StoreError
from reminder_service.planner import FULL_PASS_EVERY, Planner
from reminder_service.store import SqliteStore
from reminder_service.tick_chunks import Chunks
from tests.support.loop import FakeClock
from tests.support.outbox_steps import claim_next, mark_sent
from tests.unit.strategies import make_pair, make_program

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
NEVER = timedelta(days=100_000)
IDENTITY = Identity(
    from_header="Mentoring <mentoring@example.org>",
    reply_mailbox="mentoring@example.org",
    secret_key=b"test key of sufficient length",
)
STEPS = tuple(
    timedelta(**step)
    for step in (
        {"minutes": 1},
        {"minutes": 20},
        {"hours": 3},
        {"hours": 11},
        {"days": 1},
        {"days": 2},
        {"days": 6},
        {"days": 15},
    )
)


def people(index: int, pair: Pair) -> Pair:
    """`pair` with its own mentor and mentee addresses."""
    return replace(
        pair,
        mentor=Person(f"Mentor {index}", f"mentor{index}@example.org"),
        mentee=Person(f"Mentee {index}", f"mentee{index}@example.org"),
    )


POOL = tuple(
    people(index, pair)
    for index, pair in enumerate(
        (
            make_pair("p0", cadence="weekly", started=date(2025, 11, 30), zone="UTC"),
            make_pair(
                "p1",
                cadence="every 10 days",
                started=date(2025, 12, 2),
                zone="America/New_York",
                send_at=time(23, 30),
            ),
            make_pair(
                "p2",
                cadence="monthly",
                started=date(2025, 11, 28),
                zone="Pacific/Chatham",
                send_at=time(0, 0),
            ),
            make_pair(
                "p3",
                cadence="FREQ=WEEKLY;BYDAY=SA,SU",
                started=date(2026, 10, 1),
                zone="Asia/Kolkata",
                weekdays_only=True,
            ),
            make_pair("p4", cadence="every 2 weeks", started=date(2025, 12, 10), zone="UTC"),
        )
    )
)

EVERY_PAIR = frozenset(pair.id for pair in POOL)


class FlakyComposer(Composer):
    """The built-in templates, except that any email to a pair in `broken` fails to render
    (with `error`, by default a template's ConfigError)."""

    def __init__(self, broken: set[str], *, error: Exception | None = None) -> None:
        super().__init__(BUILT_IN_TEMPLATES, identity=IDENTITY)
        self.broken = broken
        self.error = error

    def checkin(self, program: Program, pair: Pair, *args: Any, **kwargs: Any) -> Outgoing:
        self._check(pair)
        return super().checkin(program, pair, *args, **kwargs)

    def relationship(self, program: Program, pair: Pair, *args: Any, **kwargs: Any) -> Outgoing:
        self._check(pair)
        return super().relationship(program, pair, *args, **kwargs)

    def _check(self, pair: Pair) -> None:
        if pair.id in self.broken:
            raise self.error or ConfigError(f"the template cannot be rendered for {pair.id}")


@dataclass
class Twin:
    """One of the two stores, with a raw second connection standing for another process."""

    store: SqliteStore
    raw: sqlite3.Connection

    def decided(self) -> set[str]:
        """Every key queued or skipped."""
        return {
            key
            for (key,) in self.raw.execute("SELECT key FROM outbox UNION SELECT key FROM skipped")
        }


def open_twin(path: Path, *, kind: type[SqliteStore] = SqliteStore) -> Twin:
    """A migrated store at `path` and an autocommitting raw connection to the same file."""
    store = kind.open(path)
    return Twin(store=store, raw=sqlite3.connect(path, isolation_level=None))


class IncrementalMatchesFull(RuleBasedStateMachine):
    """Random writes and ticks; after each tick, A (incremental) and B (full) agree."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.a = self.open_a(Path(self.folder.name) / "a.db")
        self.b = open_twin(Path(self.folder.name) / "b.db")
        self.clock = FakeClock(T0)
        self.broken: set[str] = set()
        self.program = make_program(*POOL[:4])
        self.composer = FlakyComposer(self.broken)
        self.planner = self.planner_a()

    def planner_a(self) -> Planner:
        """A's planner: a full pass on its first tick only."""
        return self._planner(self.a.store, full_pass_every=NEVER)

    def _planner(
        self,
        store: SqliteStore,
        *,
        full_pass_every: timedelta,
        chunks: Chunks | None = None,
    ) -> Planner:
        return Planner(
            lambda: self.program,
            store=store,
            composer=self.composer,
            clock=self.clock,
            full_pass_every=full_pass_every,
            chunks=chunks,
        )

    def open_a(self, path: Path) -> Twin:
        """The twin A's planner plans."""
        return open_twin(path)

    def twins(self) -> Iterator[Twin]:
        yield self.a
        yield self.b

    @initialize()
    def first_tick(self) -> None:
        self.tick_and_compare()

    def tick_and_compare(self) -> None:
        self.planner.plan_once()
        self._planner(self.b.store, full_pass_every=FULL_PASS_EVERY).plan_once()
        assert self.a.decided() == self.b.decided()

    @rule(step=st.sampled_from(STEPS))
    def tick(self, step: timedelta) -> None:
        self.clock.current += step
        self.tick_and_compare()

    @rule()
    def settle_sends(self) -> None:
        for twin in self.twins():
            while (row := claim_next(twin.store, now=self.clock.now())) is not None:
                mark_sent(twin.store, row.id, now=self.clock.now())

    @rule(pair=st.sampled_from(POOL), days_ago=st.integers(0, 12), by_mentor=st.booleans())
    def meeting(self, pair: Pair, days_ago: int, by_mentor: bool) -> None:
        met_on = self.clock.now().date() - timedelta(days=days_ago)
        reporter = pair.mentor if by_mentor else pair.mentee
        for twin in self.twins():
            twin.store.add_meeting(
                pair_id=pair.id,
                met_on=met_on,
                duration_minutes=45,
                reported_by=reporter.email,
                source_message_id=None,
                now=self.clock.now(),
            )

    @rule(
        pair=st.sampled_from(POOL),
        kind=st.sampled_from(["not_met", "skip", "pause", "end"]),
        until_days=st.none() | st.integers(1, 40),
    )
    def reply(self, pair: Pair, kind: str, until_days: int | None) -> None:
        until = None
        if kind == "pause" and until_days is not None:
            until = (self.clock.now().date() + timedelta(days=until_days)).isoformat()
        for twin in self.twins():
            twin.raw.execute(
                "INSERT INTO reply_events (pair_id, kind, at, until) VALUES (?, ?, ?, ?)",
                (pair.id, kind, self.clock.now().isoformat(), until),
            )

    @rule(pair=st.sampled_from(POOL))
    def dispute_latest_meeting(self, pair: Pair) -> None:
        at = self.clock.now().isoformat()
        for twin in self.twins():
            twin.raw.execute(
                "UPDATE meetings SET removed_at = ?, removed_reason = 'disputed' WHERE id = "
                "(SELECT MAX(id) FROM meetings WHERE pair_id = ? AND removed_at IS NULL)",
                (at, pair.id),
            )
            twin.raw.execute(
                "INSERT INTO reply_events (pair_id, kind, at) VALUES (?, 'dispute', ?)",
                (pair.id, at),
            )

    @rule(
        chosen=st.sets(st.sampled_from(POOL), min_size=1),
        change=st.sampled_from(["none", "paused_until", "paused", "ended_on", "ended"]),
        days=st.integers(0, 30),
    )
    def reload_program(self, chosen: set[Pair], change: str, days: int) -> None:
        pairs = sorted(chosen, key=lambda pair: pair.id)
        first, today = pairs[0], self.clock.now().date()
        changed = {
            "none": first,
            "paused_until": replace(
                first, status=Status.PAUSED, paused_until=today + timedelta(days=days)
            ),
            "paused": replace(first, status=Status.PAUSED),
            "ended_on": replace(first, ended_on=today + timedelta(days=days)),
            "ended": replace(first, status=Status.ENDED),
        }[change]
        self.program = make_program(changed, *pairs[1:])

    @rule()
    def restart_planner(self) -> None:
        self.planner = self.planner_a()

    @rule(pairs=st.sets(st.sampled_from(POOL), min_size=1))
    def break_templates_for(self, pairs: set[Pair]) -> None:
        self.broken.update(pair.id for pair in pairs)

    @rule()
    def mend_templates(self) -> None:
        self.broken.clear()

    def teardown(self) -> None:
        for twin in self.twins():
            twin.raw.close()
            twin.store.close()
        self.folder.cleanup()


def test_incremental_ticks_queue_exactly_what_full_passes_queue() -> None:
    """Whatever is written between ticks, an incremental tick decides the same keys as a full
    pass over the same store at the same time."""
    run_state_machine_as_test(
        IncrementalMatchesFull, settings=settings(max_examples=30, stateful_step_count=40)
    )


TINY_CHUNK = 2


class ChunkedMatchesFull(IncrementalMatchesFull):
    """As above, but A plans each backlog (a full pass: at its first tick, after a restart,
    after a pause of FULL_PASS_EVERY) TINY_CHUNK pairs a tick, while meetings and replies
    arrive for the pairs it has planned already; B has a full pass at each of A's ticks.
    Once A has caught up both hold the same keys, and A never counted an email twice."""

    def __init__(self) -> None:
        self.queued = 0
        super().__init__()

    def open_a(self, path: Path) -> Twin:
        twin = open_twin(path, kind=RecordingStore)
        assert isinstance(twin.store, RecordingStore)
        twin.store.reads = []
        return twin

    max_ticks = len(POOL)

    def planner_a(self) -> Planner:
        """A's planner: full passes as in the daemon, split into tiny chunks."""
        return self._planner(
            self.a.store, full_pass_every=FULL_PASS_EVERY, chunks=Chunks.fixed(TINY_CHUNK)
        )

    def tick_and_compare(self) -> None:
        self.catch_up(arrivals=None)

    @rule(step=st.sampled_from(STEPS), data=st.data())
    def tick_while_replies_arrive(self, step: timedelta, data: st.DataObject) -> None:
        self.clock.current += step
        self.catch_up(arrivals=data)

    def catch_up(self, *, arrivals: st.DataObject | None) -> None:
        """A and B tick together until A has no backlog; between ticks, a meeting or a reply
        may arrive for a pair A planned at this instant. Then compare."""
        assert isinstance(self.a.store, RecordingStore)
        reads = self.a.store.reads
        planned: set[str] = set()
        for _ in range(self.max_ticks):
            start = len(reads)
            self.queued += self.planner.plan_once()
            self._planner(self.b.store, full_pass_every=FULL_PASS_EVERY).plan_once()
            planned.update(*(read for read in reads[start:] if read is not None))
            if not self.planner.backlog:
                break
            if arrivals is not None:
                self.arrive(arrivals, planned)
        assert not self.planner.backlog, f"a backlog took more than {self.max_ticks} ticks"
        assert self.a.decided() == self.b.decided()
        assert self.queued == len(self.a.store.outbox())

    def arrive(self, data: st.DataObject, planned: set[str]) -> None:
        """Maybe a meeting or a reply for one of the `planned` pairs."""
        what = data.draw(st.sampled_from(["nothing", "meeting", "reply"]))
        if what == "nothing":
            return
        pair = data.draw(st.sampled_from([pair for pair in POOL if pair.id in planned]))
        if what == "meeting":
            self.meeting(pair, days_ago=data.draw(st.integers(0, 12)), by_mentor=False)
        else:
            kind = data.draw(st.sampled_from(["not_met", "skip", "pause", "end"]))
            self.reply(pair, kind=kind, until_days=data.draw(st.none() | st.integers(1, 40)))


class DeferringMatchesFull(ChunkedMatchesFull):
    """As above, with every tick of A past its budget: it writes one check-in and leaves the
    others due to the ticks after it, which take them first."""

    max_ticks = 10 * len(POOL)
    arrivals_left = 0

    def planner_a(self) -> Planner:
        readings = itertools.count(step=10.0)
        return Planner(
            lambda: self.program,
            store=self.a.store,
            composer=self.composer,
            clock=self.clock,
            chunks=replace(Chunks.fixed(TINY_CHUNK), renders=1),
            timer=lambda: next(readings),
        )

    def catch_up(self, *, arrivals: st.DataObject | None) -> None:
        self.arrivals_left = len(POOL)
        super().catch_up(arrivals=arrivals)

    def arrive(self, data: st.DataObject, planned: set[str]) -> None:
        """As above, but only for pairs A has written for (one it left to the next tick is
        decided there, with what arrived meanwhile, as a full pass then would decide it),
        and at most one per pair of the pool a catch-up: at one email a tick, news at every
        tick would come faster than A writes."""
        written = planned.difference(self.planner._memory.backlog)
        if written and self.arrivals_left:
            self.arrivals_left -= 1
            super().arrive(data, written)


def test_ticks_past_their_budget_queue_exactly_what_full_passes_queue() -> None:
    """However many check-ins ticks leave to the next, once the backlog is worked off the
    store holds what one full pass at each tick decides, each email once."""
    run_state_machine_as_test(
        DeferringMatchesFull, settings=settings(max_examples=30, stateful_step_count=40)
    )


def test_chunked_backlogs_queue_exactly_what_full_passes_queue() -> None:
    """However a full pass is split into ticks and whatever arrives between them, once the
    backlog is worked off the store holds what one full pass at each tick decides."""
    run_state_machine_as_test(
        ChunkedMatchesFull, settings=settings(max_examples=30, stateful_step_count=40)
    )


class RecordingStore(SqliteStore):
    """The real store, noting which pairs each history read asked for (None: all) and how
    many full passes started (each reads the change number afresh); queueing fails while
    `full_disk` is set."""

    reads: list[frozenset[str] | None]
    full_passes = 0
    full_disk = False

    def pair_histories(
        self, *, only: Collection[str] | None = None, now: datetime | None = None
    ) -> dict[str, PairHistory]:
        self.reads.append(None if only is None else frozenset(only))
        return super().pair_histories(only=only, now=now)

    def pair_change_seq(self) -> int:
        self.full_passes += 1
        return super().pair_change_seq()

    def enqueue_many(self, items: Sequence[Outgoing], *, now: datetime) -> list[bool]:
        if self.full_disk:
            raise StoreError("The disk holding the database is full.")
        return super().enqueue_many(items, now=now)


@pytest.fixture
def recording(tmp_path: Path) -> Iterator[RecordingStore]:
    """A migrated store that records its history reads."""
    with RecordingStore.open(tmp_path / "reminders.db") as store:
        store.reads = []
        yield store


def planner_on(store: SqliteStore, clock: FakeClock, program: Program, **kwargs: Any) -> Planner:
    """A planner over `program` with the test's templates."""
    composer = kwargs.pop("composer", None) or FlakyComposer(set())
    return Planner(lambda: program, store=store, composer=composer, clock=clock, **kwargs)


def test_a_tick_reads_only_the_pairs_written_to_since_the_last(recording: RecordingStore) -> None:
    """After the first full read, a tick reads the pairs it queued for, then none when nothing
    changed, then only the pair that reported a meeting."""
    clock = FakeClock(T0)
    planner = planner_on(recording, clock, make_program(*POOL))
    for _ in range(3):
        planner.plan_once()
        clock.current += timedelta(seconds=30)
    recording.add_meeting(
        pair_id="p2",
        met_on=clock.now().date(),
        duration_minutes=None,
        reported_by=POOL[2].mentee.email,
        source_message_id=None,
        now=clock.now(),
    )
    planner.plan_once()
    queued_for = frozenset(row.pair_id for row in recording.outbox())
    assert recording.reads == [EVERY_PAIR, queued_for, frozenset(), frozenset({"p2"})]


def test_full_passes_come_after_a_long_pause_a_new_setting_and_a_clock_going_back(
    recording: RecordingStore,
) -> None:
    """The planner reads every pair on its first tick, after FULL_PASS_EVERY without a tick,
    after a reload that changed a program-wide setting, and when the clock went back; not on
    an ordinary tick."""
    clock = FakeClock(T0)
    program = make_program(*POOL)
    planner = Planner(lambda: program, store=recording, composer=FlakyComposer(set()), clock=clock)

    def starts_a_full_pass() -> bool:
        before = recording.full_passes
        planner.plan_once()
        return recording.full_passes > before and recording.reads[-1] == EVERY_PAIR

    first = starts_a_full_pass()
    clock.advance(timedelta(seconds=30))
    ordinary = starts_a_full_pass()
    clock.advance(FULL_PASS_EVERY)
    after_a_pause = starts_a_full_pass()
    program = replace(make_program(*POOL), anniversaries=not program.anniversaries)
    after_a_new_setting = starts_a_full_pass()
    clock.advance(-timedelta(seconds=1))
    after_the_clock_went_back = starts_a_full_pass()
    assert [first, ordinary, after_a_pause, after_a_new_setting, after_the_clock_went_back] == [
        True,
        False,
        True,
        True,
        True,
    ]


def test_a_reload_that_changes_pairs_re_plans_only_those(recording: RecordingStore) -> None:
    """After a reload that redefines one pair and adds another, the next tick reads just
    those two."""
    clock = FakeClock(T0)
    program = make_program(*POOL[:3])
    planner = Planner(lambda: program, store=recording, composer=FlakyComposer(set()), clock=clock)
    planner.plan_once()
    clock.current += timedelta(seconds=30)
    planner.plan_once()
    redefined = replace(POOL[1], started=POOL[1].started - timedelta(days=1))
    program = make_program(POOL[0], redefined, POOL[2], POOL[3])
    clock.current += timedelta(seconds=30)
    planner.plan_once()
    assert recording.reads[-1] == frozenset({POOL[1].id, POOL[3].id})


def test_every_pair_is_planned_again_within_full_pass_every_a_slice_a_tick(
    recording: RecordingStore,
) -> None:
    """With ticks every 30 s, each tick re-reads a small slice of the pairs, and every pair
    has been read again once FULL_PASS_EVERY has passed."""
    clock = FakeClock(T0)
    planner = planner_on(recording, clock, make_program(*POOL))
    planner.plan_once()
    clock.current += timedelta(seconds=30)
    planner.plan_once()
    settled = len(recording.reads)
    ticks = int(FULL_PASS_EVERY / timedelta(seconds=30))
    for _ in range(ticks):
        clock.current += timedelta(seconds=30)
        planner.plan_once()
    slices = [read for read in recording.reads[settled:] if read is not None]
    assert len(slices) == ticks
    assert max(len(read) for read in slices) == 1
    assert frozenset().union(*slices) == {pair.id for pair in POOL}


def test_a_pair_whose_email_failed_to_render_is_planned_again_at_the_next_tick(
    recording: RecordingStore,
) -> None:
    """An email that failed to render is queued at the next tick once rendering works, though
    nothing was written for its pair."""
    clock = FakeClock(T0)
    broken = {"p0"}
    planner = planner_on(recording, clock, make_program(POOL[0]), composer=FlakyComposer(broken))
    planner.plan_once()
    assert not [row for row in recording.outbox() if row.pair_id == "p0"]
    broken.clear()
    clock.current += timedelta(seconds=30)
    planner.plan_once()
    assert recording.reads[-1] == frozenset({"p0"})
    assert [row.kind for row in recording.outbox() if row.pair_id == "p0"] == ["checkin"]


def test_an_email_failing_unexpectedly_is_skipped_and_the_rest_queued(
    recording: RecordingStore, caplog: pytest.LogCaptureFixture
) -> None:
    """An email that fails to be written for any reason is logged with its pair and kind and
    skipped; the tick goes on and queues the other pairs' emails."""
    clock = FakeClock(T0)
    composer = FlakyComposer({"p0"}, error=ValueError("the References header must be ASCII"))
    planner = planner_on(recording, clock, make_program(*POOL[:2]), composer=composer)
    planner.plan_once()
    assert {row.pair_id for row in recording.outbox()} == {"p1"}
    assert "could not write the checkin email for pair p0" in caplog.text
    assert "the References header must be ASCII" in caplog.text


def logged(caplog: pytest.LogCaptureFixture, level: int, text: str) -> int:
    """How many records at `level` hold `text`."""
    return sum(1 for r in caplog.records if r.levelno == level and text in r.getMessage())


def test_a_failure_repeated_at_later_ticks_is_logged_once_and_summed_up(
    recording: RecordingStore, caplog: pytest.LogCaptureFixture
) -> None:
    """An email that keeps failing the same way is logged as an error at the first tick only;
    each later tick writes one warning counting the repeats."""
    clock = FakeClock(T0)
    composer = FlakyComposer(set(EVERY_PAIR))
    planner = planner_on(recording, clock, make_program(*POOL), composer=composer)
    planner.plan_once()
    first_errors = logged(caplog, logging.ERROR, "could not write")
    for _ in range(2):
        clock.current += timedelta(seconds=30)
        planner.plan_once()
    assert first_errors == logged(caplog, logging.ERROR, "could not write") == len(POOL)
    assert logged(caplog, logging.WARNING, f"still cannot write {len(POOL)} emails") == 2


def test_a_failure_whose_message_changes_is_logged_again(
    recording: RecordingStore, caplog: pytest.LogCaptureFixture
) -> None:
    """When an email fails again with another message, that message is logged as an error."""
    clock = FakeClock(T0)
    composer = FlakyComposer({"p0"}, error=ConfigError("the field 'city' is missing"))
    planner = planner_on(recording, clock, make_program(POOL[0]), composer=composer)
    planner.plan_once()
    composer.error = ConfigError("the field 'country' is missing")
    clock.current += timedelta(seconds=30)
    planner.plan_once()
    assert logged(caplog, logging.ERROR, "'city' is missing") == 1
    assert logged(caplog, logging.ERROR, "'country' is missing") == 1


def test_an_email_written_again_after_failing_is_logged(
    recording: RecordingStore, caplog: pytest.LogCaptureFixture
) -> None:
    """Once a failing email can be written, one line says so."""
    caplog.set_level(logging.INFO)
    clock = FakeClock(T0)
    broken = {"p0"}
    planner = planner_on(recording, clock, make_program(POOL[0]), composer=FlakyComposer(broken))
    planner.plan_once()
    broken.clear()
    clock.current += timedelta(seconds=30)
    planner.plan_once()
    assert logged(caplog, logging.INFO, "checkin email for pair p0 could be written again") == 1


def test_the_failures_of_a_pair_removed_from_the_program_are_forgotten(
    recording: RecordingStore, caplog: pytest.LogCaptureFixture
) -> None:
    """A pair that left the program and came back is logged as failing anew."""
    clock = FakeClock(T0)
    program = make_program(*POOL[:2])
    planner = Planner(lambda: program, store=recording, composer=FlakyComposer({"p0"}), clock=clock)
    for pairs in (POOL[:2], POOL[1:2], POOL[:2]):
        program = make_program(*pairs)
        planner.plan_once()
        clock.current += timedelta(seconds=30)
    assert logged(caplog, logging.ERROR, "could not write the checkin email for pair p0") == 2


def test_after_a_tick_that_failed_the_next_is_a_full_pass(recording: RecordingStore) -> None:
    """When queueing fails, the next tick plans every pair again and queues what was due."""
    clock = FakeClock(T0)
    planner = planner_on(recording, clock, make_program(*POOL))
    recording.full_disk = True
    with pytest.raises(StoreError):
        planner.plan_once()
    recording.full_disk = False
    clock.current += timedelta(seconds=30)
    planner.plan_once()
    assert recording.reads == [EVERY_PAIR, EVERY_PAIR]
    assert recording.full_passes == 2
    assert {row.pair_id for row in recording.outbox()} == EVERY_PAIR


def test_the_first_tick_plans_one_chunk_and_reports_the_backlog(
    recording: RecordingStore,
) -> None:
    """With two pairs a tick, the first tick reads and queues for the first two pairs only
    and reports the other three as its backlog."""
    planner = planner_on(recording, FakeClock(T0), make_program(*POOL), chunks=Chunks.fixed(2))
    queued = planner.plan_once()
    assert recording.reads == [frozenset({"p0", "p1"})]
    assert planner.backlog == 3
    assert queued == len(recording.outbox())
    assert {row.pair_id for row in recording.outbox()} == {"p0", "p1"}


def test_ticks_until_caught_up_plan_every_pair_once_in_program_order(
    recording: RecordingStore,
) -> None:
    """A restarted planner, two pairs a tick, works its full pass off in three ticks that
    read each pair once, then plans only what changed."""
    clock = FakeClock(T0)
    planner_on(recording, clock, make_program(*POOL)).catch_up()
    recording.reads = []
    clock.advance(timedelta(minutes=1))
    planner = planner_on(recording, clock, make_program(*POOL), chunks=Chunks.fixed(2))
    backlogs = []
    for _ in range(4):
        planner.plan_once()
        backlogs.append(planner.backlog)
    assert backlogs == [3, 1, 0, 0]
    assert recording.reads == [
        frozenset({"p0", "p1"}),
        frozenset({"p2", "p3"}),
        frozenset({"p4"}),
        frozenset(),
    ]


def test_the_chunk_follows_what_ticks_take(recording: RecordingStore) -> None:
    """Each tick's chunk of the backlog is what the ticks before it show fits the budget:
    a quick tick of one pair earns two, a slow one of two drops back to one."""
    clock = FakeClock(T0)
    planner_on(recording, clock, make_program(*POOL)).catch_up()
    recording.reads = []
    clock.advance(timedelta(minutes=1))
    readings = iter([0.0, 0.25, 1.0, 3.0, 5.0, 5.1, 6.0, 6.1])
    chunks = Chunks(most=4, first=1, fewest=1, sample=1, budget_s=1.0)
    planner = planner_on(
        recording, clock, make_program(*POOL), chunks=chunks, timer=lambda: next(readings)
    )
    sizes = []
    for _ in range(4):
        planner.plan_once()
        sizes.append(chunks.size)
    assert recording.reads == [
        frozenset({"p0"}),
        frozenset({"p1", "p2"}),
        frozenset({"p3"}),
        frozenset({"p4"}),
    ]
    assert sizes == [2, 1, 2, 2]


def test_a_tick_past_its_budget_leaves_the_check_ins_it_has_not_written_to_the_next(
    recording: RecordingStore,
) -> None:
    """Past its budget (1 s here, the timer moving 2 s at each reading) and once it has
    written its fewest (2), a tick leaves the pairs still due to the next, each once."""
    readings = itertools.count(step=2.0)
    chunks = replace(Chunks.fixed(5), budget_s=1.0, renders=2)
    planner = planner_on(
        recording, FakeClock(T0), make_program(*POOL), chunks=chunks, timer=lambda: next(readings)
    )
    queued = [planner.plan_once()]
    first = {row.pair_id for row in recording.outbox() if row.kind == "checkin"}
    while planner.backlog:
        queued.append(planner.plan_once())
    assert queued == [2, 2, 1]
    assert EVERY_PAIR - first <= (recording.reads[1] or EVERY_PAIR)
    checkins = [row.pair_id for row in recording.outbox() if row.kind == "checkin"]
    assert sorted(checkins) == sorted(EVERY_PAIR)


def test_check_ins_left_to_the_next_tick_wait_in_the_backlog(recording: RecordingStore) -> None:
    """Pairs planned for another reason than the backlog (here: their emails failed, then
    the templates were mended) that a tick leaves to the next go into the backlog, so the
    daemon ticks again at once instead of at its next interval."""
    readings = itertools.count(step=2.0)
    composer = FlakyComposer(set(EVERY_PAIR))
    chunks = replace(Chunks.fixed(5), budget_s=1.0, renders=2)
    planner = planner_on(
        recording,
        FakeClock(T0),
        make_program(*POOL),
        composer=composer,
        chunks=chunks,
        timer=lambda: next(readings),
    )
    planner.plan_once()
    assert (planner.backlog, recording.outbox()) == (0, [])
    composer.broken.clear()
    planner.plan_once()
    assert len([row for row in recording.outbox() if row.kind == "checkin"]) == 2
    assert planner.backlog == 3


def test_a_pair_with_news_is_planned_at_once_not_when_its_chunk_comes(
    recording: RecordingStore,
) -> None:
    """A meeting reported during a full pass is thanked for at the next tick, next to the
    pair queued for at the first and the backlog's next pair, though its pair is last."""
    clock = FakeClock(T0)
    planner = planner_on(recording, clock, make_program(*POOL), chunks=Chunks.fixed(1))
    planner.plan_once()
    recording.add_meeting(
        pair_id="p4",
        met_on=clock.now().date(),
        duration_minutes=30,
        reported_by=POOL[4].mentee.email,
        source_message_id=None,
        now=clock.now(),
    )
    planner.plan_once()
    assert recording.reads[-1] == frozenset({"p0", "p1", "p4"})
    assert planner.backlog == 2
    assert "thanks" in {row.kind for row in recording.outbox() if row.pair_id == "p4"}


def test_a_tick_that_failed_starts_the_backlog_again(recording: RecordingStore) -> None:
    """When queueing fails halfway through a full pass, the next tick starts a new one from
    the first pair, and catching up then queues for every pair."""
    clock = FakeClock(T0)
    planner = planner_on(recording, clock, make_program(*POOL), chunks=Chunks.fixed(2))
    planner.plan_once()
    recording.full_disk = True
    with pytest.raises(StoreError):
        planner.plan_once()
    recording.full_disk = False
    planner.plan_once()
    assert recording.full_passes == 2
    assert planner.backlog == 3
    planner.catch_up()
    assert {row.pair_id for row in recording.outbox()} == EVERY_PAIR


def test_a_reload_during_a_backlog_keeps_it_and_adds_the_redefined_pairs(
    recording: RecordingStore,
) -> None:
    """A reload halfway through a full pass drops the removed pair from the backlog and adds
    the renamed and the new pair after what remained."""
    clock = FakeClock(T0)
    planner_on(recording, clock, make_program(*POOL[:4])).catch_up()
    recording.reads = []
    clock.advance(timedelta(minutes=1))
    program = make_program(*POOL[:4])
    planner = Planner(
        lambda: program,
        store=recording,
        composer=FlakyComposer(set()),
        clock=clock,
        chunks=Chunks.fixed(2),
    )
    planner.plan_once()
    renamed = replace(POOL[1], mentor=replace(POOL[1].mentor, name="Mentor Renamed"))
    program = make_program(POOL[0], renamed, POOL[2], POOL[4])
    backlogs = []
    for _ in range(2):
        planner.plan_once()
        backlogs.append(planner.backlog)
    assert recording.reads == [
        frozenset({"p0", "p1"}),
        frozenset({"p2", "p1"}),
        frozenset({"p4"}),
    ]
    assert backlogs == [1, 0]


@pytest.mark.parametrize(
    ("chunks", "step_s"),
    [
        (replace(Chunks.fixed(5), budget_s=1.0, sample=6), 2.0),
        (replace(Chunks.fixed(5), budget_s=1.0), 0.0),
    ],
    ids=["past half its budget", "read as many pairs as a measured tick"],
)
def test_a_tick_that_read_much_leaves_deciding_the_digest_to_the_next(
    tmp_path: Path, chunks: Chunks, step_s: float
) -> None:
    """A tick that read the digest's last pairs past half its budget, or read `sample`
    pairs for it, decides it at the next tick (the backlog says 1 meanwhile), with the same
    words as a digest decided at once."""
    program = make_program(*POOL)
    [digest] = planned_digests(program, now=T0, until=T0 + timedelta(days=7))
    clock = FakeClock(digest.due_at)
    readings = itertools.count(step=step_s)
    with (
        SqliteStore.open(tmp_path / "late.db") as late,
        SqliteStore.open(tmp_path / "whole.db") as whole,
    ):
        planner = planner_on(late, clock, program, chunks=chunks, timer=lambda: next(readings))
        decided_at: list[tuple[bool, int]] = []
        while not decided_at or planner.backlog:
            planner.plan_once()
            decided = any(row.kind == "digest" for row in late.outbox())
            decided_at.append((decided, planner.backlog))
        planner_on(whole, clock, program).plan_once()
        assert decided_at == [(False, 1), (True, 0)]
        assert digest_text(late) == digest_text(whole)


def digest_text(store: SqliteStore) -> str:
    """The plain text of the one digest in `store`'s outbox."""
    [row] = [row for row in store.outbox() if row.kind == "digest"]
    message = message_from_bytes(row.message, policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content())


def test_a_digest_read_two_pairs_a_tick_says_what_one_read_says(tmp_path: Path) -> None:
    """Reading two pairs a tick, the digest is decided at the tick that read the last pair,
    and says word for word what a digest from one tick that read every pair says."""
    program = make_program(*POOL)
    [digest] = planned_digests(program, now=T0, until=T0 + timedelta(days=7))
    clock = FakeClock(digest.due_at)
    with (
        SqliteStore.open(tmp_path / "chunked.db") as chunked,
        SqliteStore.open(tmp_path / "whole.db") as whole,
    ):
        planner = planner_on(chunked, clock, program, chunks=Chunks.fixed(2))
        decided_at: list[bool] = []
        while not decided_at or planner.backlog:
            planner.plan_once()
            decided_at.append(any(row.kind == "digest" for row in chunked.outbox()))
        planner_on(whole, clock, program).plan_once()
        assert decided_at == [False, False, True]
        assert digest_text(chunked) == digest_text(whole)
        assert "p4" in digest_text(whole)
