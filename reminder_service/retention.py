"""Clearing old emails' contents, so the database neither grows with every email nor keeps
people's words longer than it needs them.

Each outbox row keeps its email's whole message (text and HTML, several kB) until the email
is settled: sent, failed, withdrawn or unknown. Nothing reads that text afterwards: threading
and reply matching use the Message-ID, idempotency the key, and the log and digest report an
unknown email by its key and recipients. So once a row has been settled for longer than the
retention period (REMINDER_KEEP_EMAILS_DAYS) its text is emptied and the row stays.
Unknown emails get the same period: the coordinator hears of each at once, and the row that
says whom to check with outlives the text.

Received messages that need review keep their bytes (up to 1 MB, strangers' mail included)
and their words. Nothing reads the bytes back, so they go once the message is older than the
same period; the words and subject of a message go that long after a coordinator marked it
dealt with (`review --done`). The row, with its outcome, reason and dates, stays.

The daemon clears at start and then every `CLEAR_EVERY`, in batches of `CLEAR_BATCH` rows,
each one short transaction, with the event loop running between them: a backlog of years
after an upgrade never holds up planning, sending or replies for long.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from reminder_service.ports import Clock
from reminder_service.store import SqliteStore
from reminder_service.waiting import wait_for_stop

log = logging.getLogger(__name__)

CLEAR_EVERY = timedelta(hours=1)
"""How often the daemon looks for texts to clear."""
CLEAR_BATCH = 500
"""How many texts one transaction clears: about 0.05 s on a small shared machine."""


class Retention:
    """Clears what is older than `keep`: the message of each settled email, the bytes of
    each received message and the words of each reply dealt with in review.

    `batch` is how many rows one transaction clears (tests shorten it).
    """

    def __init__(
        self,
        *,
        store: SqliteStore,
        clock: Clock,
        keep: timedelta,
        batch: int = CLEAR_BATCH,
    ) -> None:
        self._store = store
        self._clock = clock
        self._keep = keep
        self._batch = batch

    async def run(self, stop: asyncio.Event) -> None:
        """Clear what is due now and again every `CLEAR_EVERY`, until `stop` is set."""
        while not stop.is_set():
            await self.clear_due(stop)
            await wait_for_stop(stop, CLEAR_EVERY)

    async def clear_due(self, stop: asyncio.Event) -> int:
        """Clear everything older than the period, a batch at a time, letting the event
        loop run between batches; returns how many texts, bytes and words were cleared."""
        sent = await self._in_batches(stop, self._clear_sent)
        raw = await self._in_batches(stop, self._clear_raw)
        words = await self._in_batches(stop, self._clear_words)
        if sent:
            log.info(
                "cleared the text of %d emails settled more than %d days ago, to save disk "
                "space; their records stay",
                sent,
                self._keep.days,
            )
        if raw or words:
            log.info(
                "cleared the bytes of %d received messages and the words of %d replies dealt "
                "with in review, kept more than %d days; their records stay",
                raw,
                words,
                self._keep.days,
            )
        return sent + raw + words

    async def _in_batches(self, stop: asyncio.Event, clear: Callable[[int], int]) -> int:
        """Run `clear` (one transaction of at most a batch) until a batch comes back short."""
        cleared = 0
        while not stop.is_set():
            done = clear(self._batch)
            cleared += done
            if done < self._batch:
                break
            await asyncio.sleep(0)
        return cleared

    def _clear_sent(self, limit: int) -> int:
        now = self._clock.now()
        return self._store.clear_old_messages(settled_before=now - self._keep, limit=limit, now=now)

    def _clear_raw(self, limit: int) -> int:
        before = self._clock.now() - self._keep
        return self._store.clear_old_raw(received_before=before, limit=limit)

    def _clear_words(self, limit: int) -> int:
        before = self._clock.now() - self._keep
        return self._store.clear_reviewed_words(reviewed_before=before, limit=limit)
