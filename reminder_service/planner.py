"""What to queue now: the decisions of the core turned into rendered emails in the outbox.

The planner reads the store, asks the pure core what is due, renders only what is not queued
yet, and enqueues it under its idempotency key. It never sends; the daemon's sender does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import partial

from reminder_service.compose import Composer
from reminder_service.compose_views import TOTALS_KINDS
from reminder_service.core.digest import digest_due, has_news
from reminder_service.core.due import due_checkins, overdue_pairs
from reminder_service.core.model import (
    DigestFacts,
    Outgoing,
    Pair,
    PairHistory,
    Program,
    Totals,
)
from reminder_service.core.relationship import relationship_emails
from reminder_service.core.replies.verdict import Outcome, Verdict
from reminder_service.core.status import status_differences
from reminder_service.core.totals import relationship_totals
from reminder_service.errors import ConfigError
from reminder_service.ports import Clock
from reminder_service.store import SqliteStore

log = logging.getLogger(__name__)

DIGEST_PREFIX = "digest:"
DIGEST_FIRST_WINDOW = timedelta(days=7)


class Planner:
    """Queues the emails the program's state calls for; each call is safe to repeat."""

    def __init__(
        self,
        program: Callable[[], Program],
        *,
        store: SqliteStore,
        composer: Composer,
        clock: Clock,
        reload_errors: Callable[[], Sequence[str]] = tuple,
    ) -> None:
        self._program = program
        self._store = store
        self._composer = composer
        self._clock = clock
        self._reload_errors = reload_errors

    def plan_once(self) -> int:
        """Queue every email due now; returns how many were newly queued."""
        now = self._clock.now()
        program = self._program()
        histories = self._store.pair_histories()
        batch: list[tuple[Outgoing, str]] = []
        self._plan_periods(program, histories, now, batch=batch)
        self._plan_relationship(program, histories, now, batch=batch)
        self._plan_digest(program, histories, now, batch=batch)
        return self._enqueue(batch)

    def _plan_periods(
        self,
        program: Program,
        histories: Mapping[str, PairHistory],
        now: datetime,
        *,
        batch: list[tuple[Outgoing, str]],
    ) -> None:
        """Each pair's email for its current cadence period: a check-in or a ladder step."""
        for checkin in due_checkins(program, histories, now):
            pair = program.pair(checkin.pair_id)
            if pair is None:
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
                why=checkin.reason,
                pair_id=pair.id,
            )

    def _plan_relationship(
        self,
        program: Program,
        histories: Mapping[str, PairHistory],
        now: datetime,
        *,
        batch: list[tuple[Outgoing, str]],
    ) -> None:
        """Thank-yous, confirmations, follow-ups and the other emails that answer events."""
        planned = relationship_emails(program, histories, self._store.activity(now=now), now)
        present = self._store.keys_present(item.key for item in planned)
        for item in planned:
            if item.key in present:
                continue
            pair = program.pair(item.pair_id) if item.pair_id else None
            if pair is None:
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
                why=item.reason,
                pair_id=pair.id,
            )

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
        histories: Mapping[str, PairHistory],
        now: datetime,
        *,
        batch: list[tuple[Outgoing, str]],
    ) -> None:
        """The coordinator's digest on its day, when there is something to say.

        The decision is made once, at the first planning after its moment: a digest with
        nothing to say is recorded as skipped (news later that week waits for the next one,
        which covers everything since the last digest sent).
        """
        last_key = self._store.last_key_like(DIGEST_PREFIX)
        last_day = date.fromisoformat(last_key.removeprefix(DIGEST_PREFIX)) if last_key else None
        planned = digest_due(program, now=now, last_digest=last_day)
        if planned is None:
            return
        if planned.key in self._store.keys_present([planned.key]):
            return
        since = self._digest_start(program, last_day, now=now)
        facts = digest_facts(
            self._store,
            program,
            histories,
            now=now,
            since=since,
            reload_errors=self._reload_errors(),
        )
        if not has_news(facts):
            self._store.skip(planned.key, now=now, why="nothing to report")
            log.info("%s: nothing to report this week, so no digest", planned.key)
            return
        self._render(
            batch,
            partial(self._composer.digest, program, facts, now=planned.due_at),
            why=planned.reason,
            pair_id=None,
        )

    def _digest_start(self, program: Program, last_day: date | None, *, now: datetime) -> datetime:
        if last_day is None or program.digest is None:
            return now - DIGEST_FIRST_WINDOW
        return datetime.combine(last_day, program.digest.at, tzinfo=program.timezone)

    def respond_to(self, verdict: Verdict) -> int:
        """Queue the short question back to someone whose reply could not be understood."""
        if verdict.outcome is not Outcome.UNCLEAR or verdict.pair_id is None:
            return 0
        program = self._program()
        pair = program.pair(verdict.pair_id)
        if pair is None or verdict.sender_role is None:
            return 0
        person = pair.mentor if verdict.sender_role == "mentor" else pair.mentee
        now = self._clock.now()
        batch: list[tuple[Outgoing, str]] = []
        self._render(
            batch,
            lambda: self._composer.question(
                program, pair, to=person, in_reply_to=verdict.message_id, now=now
            ),
            why="the reply could not be understood",
            pair_id=pair.id,
        )
        return self._enqueue(batch)

    def _render(
        self,
        batch: list[tuple[Outgoing, str]],
        render: Callable[[], Outgoing],
        *,
        why: str,
        pair_id: str | None,
    ) -> None:
        """Render one email into `batch`; a template failure is logged and the email skipped."""
        try:
            batch.append((render(), why))
        except ConfigError as exc:
            log.error("could not write an email for %s: %s", pair_id or "the program", exc)

    def _enqueue(self, batch: list[tuple[Outgoing, str]]) -> int:
        """Queue a batch in one transaction (one disk sync); returns how many were new."""
        if not batch:
            return 0
        new = self._store.enqueue_many([item for item, _ in batch], now=self._clock.now())
        for (item, why), queued in zip(batch, new, strict=True):
            if queued:
                log.info("queued %s: %s", item.key, why)
        return sum(new)


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
    return DigestFacts(
        period_start=since,
        meetings=tuple(store.meetings_logged_since(since)),
        disputed=tuple(store.disputed_since(since)),
        overdue=tuple(overdue_pairs(program, histories, now)),
        failing_addresses=tuple(
            (address, seen) for address, seen in store.failing_addresses() if seen >= since
        ),
        unknown_sends=tuple(store.unknown_sends(since=since)),
        review=tuple(store.review_items()),
        reload_errors=tuple(reload_errors),
        status_differences=tuple(status_differences(program, histories, today=today)),
    )
