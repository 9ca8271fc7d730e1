"""The coordinator's digest as the planner gathers it, and its facts for the commands.

The digest reads every pair's history, which at 100,000 pairs is more than one planning
tick should do: `DigestSurvey` reads them a chunk at a time and keeps what the pairs read so
far contribute; the store's part (meetings, disputes, bounces, the review queue) is read
once every pair has been. `digest_facts` gathers everything at once, for the commands that
show a digest now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from reminder_service.core.digest import digest_due
from reminder_service.core.due import overdue_order, overdue_pairs
from reminder_service.core.model import (
    DigestFacts,
    OverduePair,
    Pair,
    PairHistory,
    Planned,
    Program,
    StatusDifference,
)
from reminder_service.core.status import status_differences
from reminder_service.store import SqliteStore

DIGEST_PREFIX = "digest:"
DIGEST_FIRST_WINDOW = timedelta(days=7)
"""What the first digest covers, when no digest was sent before."""


@dataclass
class DigestSurvey:
    """A digest being put together a chunk of pairs a tick: what the pairs read so far
    contribute to it, and where the next chunk starts in the program's pairs (the survey is
    dropped when the program changes)."""

    planned: Planned
    since: datetime
    pairs: tuple[Pair, ...]
    at: int = 0
    overdue: list[OverduePair] = field(default_factory=list)
    differences: list[StatusDifference] = field(default_factory=list)

    @property
    def unread(self) -> int:
        """How many pairs are still to read."""
        return len(self.pairs) - self.at

    def read(self, program: Program, store: SqliteStore, *, now: datetime, count: int) -> int:
        """Read the next `count` pairs' histories and note what they contribute; returns
        how many were read (fewer at the end)."""
        part = replace(program, pairs=self.pairs[self.at : self.at + count])
        self.at += len(part.pairs)
        histories = store.pair_histories(only=[pair.id for pair in part.pairs], now=now)
        self.overdue += overdue_pairs(part, histories, now)
        today = now.astimezone(program.timezone).date()
        self.differences += status_differences(part, histories, today=today)
        return len(part.pairs)

    def facts(self, store: SqliteStore, *, reload_errors: Sequence[str]) -> DigestFacts:
        """The digest's facts, once every pair was read: the pairs' in the core's order. The
        store's are read up to the digest's scheduled moment, where the next digest starts, so
        what happened while this one was gathered is in the next one, not in both."""
        return _digest_facts(
            store,
            since=self.since,
            until=self.planned.due_at,
            reload_errors=reload_errors,
            overdue=sorted(self.overdue, key=overdue_order),
            differences=sorted(self.differences, key=lambda difference: difference.pair_id),
        )


def new_survey(program: Program, store: SqliteStore, *, now: datetime) -> DigestSurvey | None:
    """A new survey when this week's digest is due and not decided yet, else None."""
    if program.digest is None:
        return None
    last_day = last_digest_day(store)
    planned = digest_due(program, now=now, last_digest=last_day)
    if planned is None or planned.key in store.keys_present([planned.key]):
        return None
    since = _digest_start(program, last_digest_day(store, gone=True), now=now)
    return DigestSurvey(planned=planned, since=since, pairs=program.pairs)


def _digest_start(program: Program, last_day: date | None, *, now: datetime) -> datetime:
    """Where the digest's period starts: at the moment of the last digest that went out, or
    a week ago. One still queued (the mail server down) is withdrawn once this one is
    queued (`SqliteStore.withdraw_superseded`), so this one also covers its news."""
    if last_day is None or program.digest is None:
        return now - DIGEST_FIRST_WINDOW
    return datetime.combine(last_day, program.digest.at, tzinfo=program.timezone)


def last_digest_day(store: SqliteStore, *, gone: bool = False) -> date | None:
    """The day of the latest digest queued (with `gone`: that went out), or None before the
    first."""
    last_key = store.last_key_like(DIGEST_PREFIX, gone=gone)
    return date.fromisoformat(last_key.removeprefix(DIGEST_PREFIX)) if last_key else None


def digest_facts(
    store: SqliteStore,
    program: Program,
    histories: Mapping[str, PairHistory],
    *,
    now: datetime,
    since: datetime,
    reload_errors: Sequence[str] = (),
) -> DigestFacts:
    """Everything the coordinator's digest could say about the time since `since`."""
    today = now.astimezone(program.timezone).date()
    return _digest_facts(
        store,
        since=since,
        until=None,
        reload_errors=reload_errors,
        overdue=overdue_pairs(program, histories, now),
        differences=status_differences(program, histories, today=today),
    )


def _digest_facts(
    store: SqliteStore,
    *,
    since: datetime,
    until: datetime | None,
    reload_errors: Sequence[str],
    overdue: Sequence[OverduePair],
    differences: Sequence[StatusDifference],
) -> DigestFacts:
    """The digest's facts: the pairs' (`overdue`, `differences`) and the store's from `since`
    up to (not including) `until`, or all since `since` when `until` is None."""
    return DigestFacts(
        period_start=since,
        meetings=tuple(store.meetings_logged_between(since, until)),
        disputed=tuple(store.disputed_between(since, until)),
        overdue=tuple(overdue),
        failing_addresses=tuple(
            (address, seen)
            for address, seen in store.failing_addresses()
            if since <= seen and (until is None or seen < until)
        ),
        unknown_sends=tuple(store.unknown_sends(since=since, until=until)),
        review=tuple(store.review_items(since=since, until=until)),
        review_older=store.review_waiting_before(since),
        reload_errors=tuple(reload_errors),
        status_differences=tuple(differences),
    )
