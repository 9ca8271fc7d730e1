"""What to queue now: the decisions of the core turned into rendered emails in the outbox.

The planner reads the store, asks the pure core what is due, renders only what is not queued
yet, and enqueues it under its idempotency key. It never sends; the daemon's sender does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from reminder_service.compose import Composer
from reminder_service.core.due import due_checkins
from reminder_service.core.model import Outgoing, Program
from reminder_service.core.replies.verdict import Outcome, Verdict
from reminder_service.errors import ConfigError
from reminder_service.ports import Clock
from reminder_service.store import SqliteStore

log = logging.getLogger(__name__)


class Planner:
    """Queues the emails the program's state calls for; each call is safe to repeat."""

    def __init__(
        self,
        program: Callable[[], Program],
        *,
        store: SqliteStore,
        composer: Composer,
        clock: Clock,
    ) -> None:
        self._program = program
        self._store = store
        self._composer = composer
        self._clock = clock

    def plan_once(self) -> int:
        """Queue every email due now; returns how many were newly queued."""
        now = self._clock.now()
        program = self._program()
        queued = 0
        for checkin in due_checkins(program, self._store.pair_histories(), now):
            pair = program.pair(checkin.pair_id)
            if pair is None:
                continue
            previous = self._store.last_message_id(pair.id, kind="checkin")
            queued += self._queue(
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
        return queued

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
        return self._queue(
            lambda: self._composer.question(
                program, pair, to=person, in_reply_to=verdict.message_id, now=now
            ),
            why="the reply could not be understood",
            pair_id=pair.id,
        )

    def _queue(self, render: Callable[[], Outgoing], *, why: str, pair_id: str | None) -> int:
        """Render and enqueue one email; 1 when it was new, 0 when queued before or unrenderable."""
        try:
            item = render()
        except ConfigError as exc:
            log.error("could not write an email for %s: %s", pair_id or "the program", exc)
            return 0
        if not self._store.enqueue(item, now=self._clock.now()):
            return 0
        log.info("queued %s: %s", item.key, why)
        return 1
