"""Clearing the text of old emails, so the database does not grow with every email sent.

Each outbox row keeps its email's whole message (text and HTML, several kB) until the email
is settled: sent, failed, withdrawn or unknown. Nothing reads that text afterwards: threading
and reply matching use the Message-ID, idempotency the key, and the log and digest report an
unknown email by its key and recipients. So once a row has been settled for longer than the
retention period (REMINDER_KEEP_SENT_EMAILS_DAYS) its text is emptied and the row stays.
Unknown emails get the same period: the coordinator hears of each at once, and the row that
says whom to check with outlives the text.

The daemon clears at start and then every `CLEAR_EVERY`, in batches of `CLEAR_BATCH` rows,
each one short transaction, with the event loop running between them: a backlog of years
after an upgrade never holds up planning, sending or replies for long.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from reminder_service.ports import Clock
from reminder_service.store import SqliteStore
from reminder_service.waiting import wait_for_stop

log = logging.getLogger(__name__)

CLEAR_EVERY = timedelta(hours=1)
"""How often the daemon looks for texts to clear."""
CLEAR_BATCH = 500
"""How many texts one transaction clears: about 0.05 s on a small shared machine."""


class TextRetention:
    """Empties the message of each settled email once it is older than `keep`.

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
        """Clear every text older than the period, a batch at a time, letting the event
        loop run between batches; returns how many were cleared."""
        cleared = 0
        while not stop.is_set():
            now = self._clock.now()
            done = self._store.clear_old_messages(
                settled_before=now - self._keep, limit=self._batch, now=now
            )
            cleared += done
            if done < self._batch:
                break
            await asyncio.sleep(0)
        if cleared:
            log.info(
                "cleared the text of %d emails settled more than %d days ago, to save disk "
                "space; their records stay",
                cleared,
                self._keep.days,
            )
        return cleared
