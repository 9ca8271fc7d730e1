"""What to queue now: the decisions of the core turned into rendered emails in the outbox.

The planner reads the store, asks the pure core what is due, renders only what is not queued
yet, and enqueues it under its idempotency key. It never sends; the daemon's sender does.

It plans incrementally, and a tick takes from its backlog only as many pairs as fit its
time budget (`tick_chunks`: at most 10,000). Planning a pair always starts from scratch
(its whole history); what varies is which pairs a tick plans:

- the pairs the store says changed since the last read (the change numbers that schema 5's
  triggers keep, whichever process wrote), the pairs whose next decision instant has come
  (`core.relationship.next_decision_at`) and the pairs whose email failed to render last
  time: known to need it, so every tick plans them, backlog or not;
- then the first pairs of the backlog, a chunk sized by `tick_chunks.Chunks`: the pairs still
  to plan from scratch.

A tick past half its time budget writes no more emails (once it has written a few): the
pairs it has not written for go to the front of the backlog and the next tick, which follows
at once, plans them again first (`_past`).

A full pass puts every pair of the program in the backlog; it starts on the first tick,
after a reload that changed a program-wide setting, after the clock went back, after a tick
that failed, and after a pause between ticks of `FULL_PASS_EVERY` or more. A reload that
changed only pairs adds those it added or redefined (the backlog keeps what it held, less
the pairs no longer in the program). When the backlog is empty, a tick adds a slice of the
rest to it: slices sized by the time since the previous tick, so that every pair is planned
again from scratch at least once every `FULL_PASS_EVERY`. While a backlog remains, `backlog`
says so and the daemon ticks again at once, after letting the event loop run; the sweep then
waits (a full pass plans every pair anyway), so the bound stretches by the seconds a backlog
takes. Any pair outside these sets has, by construction, nothing new due; should that
reasoning ever be wrong, its slice sends what was missed, at most `FULL_PASS_EVERY` late.

Why this is as good as one full pass. A pair leaves the backlog only when the tick that
planned it has queued its emails (`_remember`); a tick that fails remembers nothing and the
next one starts the backlog again. A full pass reads the change number before any pair, so a
write to a pair already planned shows up as a change at a later tick, and a pair planned
later reads what was written meanwhile. A full pass starts with no look-again instants and
no pairs to retry, since every pair is in the backlog (after a long pause, the instants that
came could be far more than a tick should plan); each instant is set again when its pair is
planned, so a pair whose instant comes during the backlog is planned at once, as is a pair
that changed. The digest reads every pair's history itself, a chunk
a tick (counted in `backlog` too), so it does not depend on how far the backlog has got; it
starts over when the program changes or a tick fails. A tick reads the histories and
activity of its own pairs only, which bounds both its time and its memory.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from itertools import islice

from reminder_service.compose import Composer, question_key
from reminder_service.compose_views import TOTALS_KINDS
from reminder_service.core.digest import has_news
from reminder_service.core.due import due_checkins, local_date, period_kind
from reminder_service.core.model import (
    PERIOD_KINDS,
    Kind,
    Outgoing,
    Pair,
    PairActivity,
    PairHistory,
    Person,
    Planned,
    Program,
    Silence,
    Totals,
)
from reminder_service.core.relationship import next_decision_at, relationship_emails
from reminder_service.core.replies.verdict import Verdict, asks_back
from reminder_service.core.status import is_ended_in_yaml, noted_silence
from reminder_service.core.totals import relationship_totals
from reminder_service.core.withdraw import withdrawal
from reminder_service.core.wording import span_in_words
from reminder_service.digest_survey import DigestSurvey, new_survey
from reminder_service.ports import Clock
from reminder_service.render_failures import RenderFailures
from reminder_service.store import SqliteStore, UnclearReply
from reminder_service.store.connection import STAMPED_AHEAD
from reminder_service.tick_chunks import Chunks

log = logging.getLogger(__name__)

FULL_PASS_EVERY = timedelta(minutes=15)
"""Every pair is planned again from scratch within this long, a slice at each tick: the
bound on any staleness."""
QUESTIONS_WITHIN = timedelta(days=2)
"""An unclear reply is asked about while it is this recent: a restart after a crash between
recording it and asking still asks, but a reply from long ago never is."""
PAIRS_PER_CHUNK = 10_000
"""How many pairs' event emails are worked out at once (it bounds a tick's memory)."""


@dataclass
class _Memory:
    """What the planner keeps between ticks; `program` None forces the next full pass.

    `seq` is the change number the planner has read up to; `look_again` the instant each
    pair may next have something due; `retry` the pairs whose email failed to render;
    `backlog` the pairs still to plan from scratch, in order (a dict as an ordered set);
    `digest` the digest being put together, a chunk of pairs a tick;
    `sweep_at` where the next slice starts in the program's pairs, and `sweep_credit` how
    many pairs the time since then has earned.
    """

    program: Program | None = None
    seq: int = 0
    last_now: datetime | None = None
    sweep_at: int = 0
    sweep_credit: float = 0.0
    look_again: dict[str, datetime] = field(default_factory=dict)
    retry: set[str] = field(default_factory=set)
    backlog: dict[str, None] = field(default_factory=dict)
    digest: DigestSurvey | None = None


@dataclass(frozen=True)
class _Read:
    """The pairs a tick plans, their state, and the change number read at."""

    only: frozenset[str]
    seq: int
    histories: dict[str, PairHistory]
    activity: dict[str, PairActivity]


class Planner:
    """Queues the emails the program's state calls for; each call is safe to repeat.

    `full_pass_every` bounds the time between passes over every pair (tests lengthen it to
    check the incremental ticks alone); `chunks` how many pairs of the backlog a tick plans
    (learned from `timer`, a monotonic clock in seconds, unless fixed: tests fix it to split
    small programs' full passes); `taken` the outbox rows the sender has started on, which a
    tick never withdraws.
    """

    def __init__(
        self,
        program: Callable[[], Program],
        *,
        store: SqliteStore,
        composer: Composer,
        clock: Clock,
        reload_errors: Callable[[], Sequence[str]] = tuple,
        full_pass_every: timedelta = FULL_PASS_EVERY,
        chunks: Chunks | None = None,
        timer: Callable[[], float] = time.perf_counter,
        taken: Callable[[], Collection[int]] = frozenset,
    ) -> None:
        self._program = program
        self._full_pass_every = full_pass_every
        self._chunks = chunks or Chunks()
        self._timer = timer
        self._store = store
        self._composer = composer
        self._clock = clock
        self._reload_errors = reload_errors
        self._taken = taken
        self._memory = _Memory()
        self.withdrawn = 0
        """How many pending emails the last tick withdrew (the sender reads the outbox again)."""
        self._failed: set[str] = set()
        self._failures = RenderFailures()
        self._warned_ahead: datetime | None = None

    def use(self, composer: Composer) -> None:
        """Render with reloaded templates from now on; what the planner knows is kept."""
        self._composer = composer

    @property
    def backlog(self) -> int:
        """How many pairs are still to plan from scratch (of a full pass, a reload or a
        slice) or to read for the digest (at least 1 while the digest is still to decide);
        while not 0, the next tick is due at once."""
        digest = self._memory.digest
        return len(self._memory.backlog) + (max(digest.unread, 1) if digest else 0)

    def plan_once(self) -> int:
        """One tick: queue what is due for the pairs known to need planning and for the next
        chunk of the backlog; returns how many were newly queued."""
        started = self._timer()
        now = self._clock.now()
        program = self._program()
        previous = self._memory.program
        self._memory.program = None  # Set again once this tick has queued all it found.
        if previous is not program:
            self._memory.digest = None
        full = self._full_pass_due(previous, program, now)
        if full or previous is None:
            changed: set[str] = set()
            seq = self._start_backlog(program)
            self._warn_if_clock_was_ahead(now)
        else:
            changed, seq = self._store.pair_changes_since(self._memory.seq)
            self._extend_backlog(previous, program, now)
        read = self._read(program, changed, seq=seq, now=now)
        self._failed = set()
        self._failures.start()
        planned = _only(program, read.only)
        batch: list[tuple[Outgoing, str]] = []
        until = started + self._chunks.budget_s / 2
        deferred = self._plan_periods(planned, read.histories, now, batch=batch, until=until)
        planned = planned.without(deferred)
        later = self._plan_relationship(
            planned, read.histories, read.activity, now, batch=batch, until=until
        )
        planned = planned.without(later)
        deferred += later
        digest_read = self._plan_digest(program, now, batch=batch, until=until)
        self._plan_questions(program, now, batch=batch)
        queued = self._enqueue(batch)
        self._withdraw(planned, read.histories, now, queued=queued, everywhere=full)
        self._note_silences(planned, read.histories, now)
        self._remember(program, planned, read, now=now, deferred=deferred)
        self._failures.finish(program, planned=read.only.difference(deferred))
        self._chunks.measured(pairs=len(read.only) + digest_read, seconds=self._timer() - started)
        return len(queued)

    def catch_up(self) -> int:
        """Tick until no backlog remains (on a new planner: a whole full pass); returns how
        many were newly queued."""
        queued = self.plan_once()
        while self.backlog:
            queued += self.plan_once()
        return queued

    def _start_backlog(self, program: Program) -> int:
        """Put every pair in the backlog, and forget the pairs known to need planning (each
        is in the backlog, and after a long pause they could be far more than a tick should
        plan); returns the change number now, read before any pair so no write falls
        between."""
        memory = self._memory
        memory.backlog = dict.fromkeys(pair.id for pair in program.pairs)
        memory.look_again = {}
        memory.retry = set()
        memory.sweep_credit = 0.0
        return self._store.pair_change_seq()

    def _warn_if_clock_was_ahead(self, now: datetime) -> None:
        """Say so, once for each such email, when the outbox tried one later than `now`:
        the clock ran ahead for a while (a bad hardware clock at boot, a restored virtual
        machine), and the pairs' schedules leave out what was written then
        (`SqliteStore.pair_histories`)."""
        tried = self._store.latest_tried_at()
        if tried is None or tried - now <= STAMPED_AHEAD or tried == self._warned_ahead:
            return
        self._warned_ahead = tried
        log.warning(
            "the latest email was sent (or tried) at %s UTC, %s ahead of this server's clock "
            "(%s UTC): the clock was probably wrong for a while; emails planned then are "
            "ignored when planning, so each pair's emails go out on their usual dates. If the "
            "clock is wrong now, correct it (check NTP)",
            f"{tried:%Y-%m-%d %H:%M}",
            span_in_words(now.date(), tried.date()),
            f"{now.astimezone(tried.tzinfo):%Y-%m-%d %H:%M}",
        )

    def _extend_backlog(self, previous: Program, program: Program, now: datetime) -> None:
        """Add the next slice when the backlog is empty, and the pairs a reload added or
        redefined; drop the pairs it removed."""
        memory = self._memory
        earned = [] if memory.backlog else self._next_slice(program, now)
        if previous is not program:
            memory.backlog = {
                pair_id: None for pair_id in memory.backlog if program.pair(pair_id) is not None
            }
            memory.backlog.update(dict.fromkeys(_redefined(previous, program)))
        memory.backlog.update(dict.fromkeys(earned))

    def _read(self, program: Program, changed: set[str], *, seq: int, now: datetime) -> _Read:
        """The program's pairs that changed, whose time came or that failed, and the next
        chunk of the backlog, and their state."""
        memory = self._memory
        due = {pair_id for pair_id, at in memory.look_again.items() if at <= now}
        wanted = {
            pair_id for pair_id in changed | due | memory.retry if program.pair(pair_id) is not None
        }
        wanted.update(islice(memory.backlog, self._chunks.size))
        return _Read(
            only=frozenset(wanted),
            seq=seq,
            histories=self._store.pair_histories(only=wanted, now=now),
            activity=self._store.activity(now=now, only=wanted),
        )

    def _next_slice(self, program: Program, now: datetime) -> list[str]:
        """The next pairs in program order to plan from scratch, as many as the time since
        the previous tick earns, so every pair comes round within `full_pass_every`."""
        memory = self._memory
        pairs = program.pairs
        if memory.last_now is None or not pairs:
            return []
        earned = len(pairs) * ((now - memory.last_now) / self._full_pass_every)
        memory.sweep_credit = min(memory.sweep_credit + earned, float(len(pairs)))
        count = int(memory.sweep_credit)
        memory.sweep_credit -= count
        start = memory.sweep_at % len(pairs)
        memory.sweep_at = (start + count) % len(pairs)
        return [pairs[(start + step) % len(pairs)].id for step in range(count)]

    def _full_pass_due(self, previous: Program | None, program: Program, now: datetime) -> bool:
        """True on the first tick, after a failed one (no `previous`), after a reload that
        changed a program-wide setting, the clock going back, and a gap of `full_pass_every`
        (whose slice would be every pair anyway). A reload that changed only pairs adds just
        those to the backlog."""
        last_now = self._memory.last_now
        return (
            previous is None
            or not _same_settings(previous, program)
            or last_now is None
            or now < last_now
            or now - last_now >= self._full_pass_every
        )

    def _remember(
        self, program: Program, planned: Program, read: _Read, *, now: datetime, deferred: list[str]
    ) -> None:
        """After a tick that queued everything: the planned pairs leave the backlog, and
        when to look at each of them again; the `deferred` pairs go to its front, in order."""
        memory = self._memory
        if deferred:
            memory.backlog = {**dict.fromkeys(deferred), **memory.backlog}
        look_again = memory.look_again
        for pair in planned.pairs:
            memory.backlog.pop(pair.id, None)
            at = next_decision_at(
                program,
                pair,
                read.histories.get(pair.id, PairHistory()),
                read.activity.get(pair.id, PairActivity()),
                now,
            )
            if at is None:
                look_again.pop(pair.id, None)
            else:
                look_again[pair.id] = at
        memory.retry = set(self._failed)
        memory.seq = read.seq
        memory.last_now = now
        memory.program = program

    def _withdraw(
        self,
        program: Program,
        histories: Mapping[str, PairHistory],
        now: datetime,
        *,
        queued: Sequence[Outgoing],
        everywhere: bool,
    ) -> None:
        """Fail the pending emails that the status of their pair no longer allows: ended or
        paused since they were queued (see `core.withdraw`), and the period emails and
        digests that the ones just `queued` superseded (`everywhere`, on a full pass: those
        of every pair, and those queued while the clock ran ahead). Only pairs with pending
        emails are looked at: ended pairs stay in the program and come round in every pass.
        Superseding is looked for only where something new was queued: an outage leaves
        many pending rows, and reading them all at every tick would hold up the loop."""
        pending = self._store.pairs_with_pending()
        wanted = [
            found
            for pair in program.pairs
            if pair.id in pending
            and (found := withdrawal(pair, histories.get(pair.id, PairHistory()), now=now))
        ]
        taken = self._taken()
        withdrawn = self._store.withdraw_pending(wanted, now=now, keep=taken)
        periods = {item.pair_id for item in queued if item.pair_id and item.kind in PERIOD_KINDS}
        digests = everywhere or any(item.kind == Kind.DIGEST for item in queued)
        if everywhere or periods or digests:
            withdrawn += self._store.withdraw_superseded(
                now=now, only=None if everywhere else periods, digests=digests, keep=taken
            )
        for key, reason in withdrawn:
            log.info("withdrew %s: not sent: %s", key, reason)
        self.withdrawn = len(withdrawn)

    def _note_silences(
        self, program: Program, histories: Mapping[str, PairHistory], now: datetime
    ) -> None:
        """Remember which pairs the YAML pauses or ends, and the date it lifts that: the file
        forgets a pause once the coordinator writes `status: active`, and the next check-in
        is counted from that date (`core.status.noted_silence`). Writes only what changed."""
        noted: dict[str, Silence] = {}
        for pair in program.pairs:
            known = histories.get(pair.id, PairHistory()).silence
            silence = noted_silence(pair, known, today=local_date(pair, now))
            if silence is not None:
                noted[pair.id] = silence
        self._store.note_silences(noted)

    def _plan_periods(
        self,
        program: Program,
        histories: Mapping[str, PairHistory],
        now: datetime,
        *,
        batch: list[tuple[Outgoing, str]],
        until: float,
    ) -> list[str]:
        """Each pair's email for its current cadence period: a check-in or a ladder step;
        returns the pairs left to the next tick (`_past`), in order."""
        deferred: list[str] = []
        for checkin in due_checkins(program, histories, now):
            pair = program.pair(checkin.pair_id)
            if pair is None:
                continue
            if deferred or self._past(until, batch=batch):
                deferred.append(pair.id)
                continue
            previous = self._store.last_period_message_id(pair.id)
            self._render(
                batch,
                partial(
                    self._composer.checkin,
                    program,
                    pair,
                    checkin,
                    now=now,
                    previous_message_id=previous,
                ),
                kind=period_kind(program, checkin.level)[0],
                why=checkin.reason,
                pair_id=pair.id,
            )
        return deferred

    def _plan_relationship(
        self,
        program: Program,
        histories: Mapping[str, PairHistory],
        activity: Mapping[str, PairActivity],
        now: datetime,
        *,
        batch: list[tuple[Outgoing, str]],
        until: float,
    ) -> list[str]:
        """Thank-yous, confirmations, follow-ups and the other emails that answer events;
        returns the pairs left to the next tick (`_past`), in order."""
        deferred: dict[str, None] = {}
        for item in self._unqueued_relationship_emails(program, histories, activity, now):
            pair = program.pair(item.pair_id) if item.pair_id else None
            if pair is None:
                continue
            if deferred or self._past(until, batch=batch):
                deferred[pair.id] = None
                continue
            meeting = self._store.meeting_record(item.meeting_id) if item.meeting_id else None
            totals = self._totals(program, pair, now) if item.kind in TOTALS_KINDS else None
            self._render(
                batch,
                partial(
                    self._composer.relationship,
                    program,
                    pair,
                    item,
                    now=now,
                    totals=totals,
                    meeting=meeting,
                    previous_message_id=None,
                ),
                kind=item.kind,
                why=item.reason,
                pair_id=pair.id,
            )
        return list(deferred)

    def _past(self, until: float, *, batch: Sequence[tuple[Outgoing, str]]) -> bool:
        """Whether this tick should leave the emails it has not written yet to the next.

        Writing emails is most of a busy tick's time (a cohort that started on one day falls
        due together, every month), and queueing what was written takes about as long
        again; so once the timer has passed `until`, half the tick's budget, and at least
        `Chunks.renders` emails were written (failures do not count, or pairs whose email
        fails at every tick could take every tick's share), the pairs still to write for
        are planned again at the next tick, which follows at once. What was queued stays
        queued: their keys are decided.
        """
        return len(batch) >= self._chunks.renders and self._timer() > until

    def _unqueued_relationship_emails(
        self,
        program: Program,
        histories: Mapping[str, PairHistory],
        activity: Mapping[str, PairActivity],
        now: datetime,
    ) -> list[Planned]:
        """The event emails due now whose keys are not decided yet, sorted like the core's.

        Asked of the core `PAIRS_PER_CHUNK` pairs at a time: nearly all of a full pass's
        plans (thank-yous for recent meetings) are queued already, and holding them all at
        once would set the planner's peak memory.
        """
        unqueued: list[Planned] = []
        for start in range(0, len(program.pairs), PAIRS_PER_CHUNK):
            chunk = replace(program, pairs=program.pairs[start : start + PAIRS_PER_CHUNK])
            planned = relationship_emails(chunk, histories, activity, now)
            present = self._store.keys_present(item.key for item in planned)
            unqueued += (item for item in planned if item.key not in present)
        return sorted(unqueued, key=lambda item: (item.due_at, item.key))

    def _totals(self, program: Program, pair: Pair, now: datetime) -> Totals:
        return relationship_totals(
            pair,
            self._store.meeting_records(pair_id=pair.id),
            today=now.astimezone(pair.timezone).date(),
            default_minutes=program.default_meeting_minutes,
        )

    def _plan_digest(
        self,
        program: Program,
        now: datetime,
        *,
        batch: list[tuple[Outgoing, str]],
        until: float,
    ) -> int:
        """The coordinator's digest on its day, when there is something to say; returns
        how many pairs' histories it read.

        The decision is made once, at the first planning after its moment that has read
        every pair's history: the digest reads them itself, a chunk at a tick (the size of
        the backlog's), starting over when the program changes or a tick fails. Deciding
        reads the week's news and writes the email, as long as reading a chunk at 100,000
        pairs: a tick that read many pairs (`Chunks.sample`) or is already past `until`
        leaves it to the next, which follows at once. A
        digest with nothing to say is recorded as skipped (news later that week waits for
        the next one, which covers everything since the last digest sent).
        """
        survey = self._memory.digest or new_survey(program, self._store, now=now)
        if survey is None:
            return 0
        read = (
            survey.read(program, self._store, now=now, count=self._chunks.size)
            if survey.unread
            else 0
        )
        self._memory.digest = survey
        if survey.unread or (read and (read >= self._chunks.sample or self._timer() > until)):
            return read
        self._memory.digest = None
        planned = survey.planned
        facts = survey.facts(self._store, reload_errors=self._reload_errors())
        if not has_news(facts):
            self._store.skip(planned.key, now=now, why="nothing to report")
            log.info("%s: nothing to report this week, so no digest", planned.key)
            return read
        self._render(
            batch,
            partial(self._composer.digest, program, facts, now=planned.due_at),
            kind=Kind.DIGEST,
            why=planned.reason,
            pair_id=None,
        )
        return read

    def respond_to(self, verdict: Verdict) -> int:
        """Queue the short question back to someone whose reply, just recorded, could not be
        understood, when the email they answered asked them something
        (`Verdict.wants_question`; see `_plan_questions`); returns how many were queued."""
        if not verdict.wants_question:
            return 0
        batch: list[tuple[Outgoing, str]] = []
        self._plan_questions(self._program(), self._clock.now(), batch=batch)
        return len(self._enqueue(batch))

    def _plan_questions(
        self, program: Program, now: datetime, *, batch: list[tuple[Outgoing, str]]
    ) -> None:
        """The question back to each recent unclear reply in the store that has none yet.

        Planned from the stored replies, not from the one in hand, so a reply recorded just
        before a crash is still asked about; the key (one a day per person, on the reply's
        date) makes asking again a no-op. A pair the program has ended is not asked.
        """
        wanted: dict[str, tuple[Pair, UnclearReply]] = {}
        for unclear in self._store.unclear_replies(since=now - QUESTIONS_WITHIN):
            pair = program.pair(unclear.pair_id)
            if (
                pair is not None
                and asks_back(unclear.answers_kind)
                and not is_ended_in_yaml(pair, local_date(pair, now))
            ):
                key = question_key(pair, _sender(pair, unclear), unclear.received_at)
                wanted.setdefault(key, (pair, unclear))
        present = self._store.keys_present(wanted)
        for key, (pair, unclear) in wanted.items():
            if key not in present:
                self._render(
                    batch,
                    partial(
                        self._composer.question,
                        program,
                        pair,
                        to=_sender(pair, unclear),
                        in_reply_to=unclear.message_id,
                        now=now,
                        replied_at=unclear.received_at,
                        answered=unclear.answers_kind,
                    ),
                    kind=Kind.QUESTION,
                    why="the reply could not be understood",
                    pair_id=pair.id,
                )

    def _render(
        self,
        batch: list[tuple[Outgoing, str]],
        render: Callable[[], Outgoing],
        *,
        kind: Kind,
        why: str,
        pair_id: str | None,
    ) -> None:
        """Render one email into `batch`; if it cannot be written, it is logged (see
        `RenderFailures`) and skipped, and its pair planned again at the next tick.

        A template failure (ConfigError) is the usual cause; anything else that goes wrong
        writing one email, such as a header value no email may hold, is caught too (with its
        traceback logged), so that one email never stops the others or the daemon.
        """
        try:
            batch.append((render(), why))
        except Exception as exc:
            self._failures.failed((pair_id, kind), exc)
            if pair_id is not None:
                self._failed.add(pair_id)
        else:
            self._failures.written((pair_id, kind))

    def _enqueue(self, batch: list[tuple[Outgoing, str]]) -> list[Outgoing]:
        """Queue a batch in one transaction (one disk sync); returns the emails that were new."""
        if not batch:
            return []
        new = self._store.enqueue_many([item for item, _ in batch], now=self._clock.now())
        queued = [item for (item, _), fresh in zip(batch, new, strict=True) if fresh]
        for (item, why), fresh in zip(batch, new, strict=True):
            if fresh:
                log.info("queued %s: %s", item.key, why)
        return queued


def _sender(pair: Pair, unclear: UnclearReply) -> Person:
    """The member of the pair who sent the unclear reply."""
    return pair.mentor if unclear.sender_role == "mentor" else pair.mentee


def _same_settings(old: Program, new: Program) -> bool:
    """Whether two programs agree on everything but their pairs."""
    return old is new or replace(old, pairs=()) == replace(new, pairs=())


def _redefined(old: Program, new: Program) -> list[str]:
    """The pairs of `new` that `old` lacks or defines differently (a reload's changes), in
    program order."""
    return [pair.id for pair in new.pairs if old.pair(pair.id) != pair]


def _only(program: Program, pair_ids: Collection[str]) -> Program:
    """The program with only the pairs in `pair_ids`, in the program's order."""
    return replace(program, pairs=tuple(pair for pair in program.pairs if pair.id in pair_ids))
