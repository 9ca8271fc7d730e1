"""One step of the outbox at a time, for tests: the daemon does these in rounds.

Each is one `claim_and_settle` transaction, the store's only way to claim and finish rows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from reminder_service.core.model import Outgoing
from reminder_service.store import OutboxRow, OutboxState, Settlement, SqliteStore


def enqueue(store: SqliteStore, item: Outgoing, *, now: datetime) -> bool:
    """Queue `item` as pending, due at `now`; False when its key was already queued."""
    return store.enqueue_many([item], now=now)[0]


def claim_next(store: SqliteStore, *, now: datetime) -> OutboxRow | None:
    """Mark the longest-waiting due pending row `sending` and return it, or None."""
    due = store.due_rows(now=now, limit=1)
    if not due:
        return None
    store.claim_and_settle([due[0].id], (), now=now)
    return replace(due[0], state=OutboxState.SENDING, attempts=due[0].attempts + 1)


def mark_sent(store: SqliteStore, row_id: int, *, now: datetime) -> None:
    """The mail server accepted the row's message."""
    store.claim_and_settle((), [Settlement.sent(row_id)], now=now)


def mark_retry(
    store: SqliteStore, row_id: int, *, now: datetime, retry_at: datetime, error: str
) -> None:
    """A temporary failure: the row goes back to pending, due again at `retry_at`."""
    store.claim_and_settle((), [Settlement.retry(row_id, retry_at, error)], now=now)


def mark_failed(store: SqliteStore, row_id: int, *, now: datetime, error: str) -> None:
    """A permanent failure: the row is never tried again."""
    store.claim_and_settle((), [Settlement.failed(row_id, error)], now=now)


def mark_unknown(store: SqliteStore, row_id: int, *, now: datetime, error: str) -> None:
    """The server may have accepted the message: the row is never tried again."""
    store.claim_and_settle((), [Settlement.unknown(row_id, error)], now=now)
