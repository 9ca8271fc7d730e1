"""One step of the outbox at a time, for tests: the daemon does these in rounds.

Each is one `settle_and_claim` transaction, the store's only way to claim and finish rows.
"""

from __future__ import annotations

from datetime import datetime

from reminder_service.core.model import Outgoing
from reminder_service.store import OutboxRow, Settlement, SqliteStore


def enqueue(store: SqliteStore, item: Outgoing, *, now: datetime) -> bool:
    """Queue `item` as pending, due at `now`; False when its key was already queued."""
    return store.enqueue_many([item], now=now)[0]


def claim_next(store: SqliteStore, *, now: datetime) -> OutboxRow | None:
    """Mark the longest-waiting due pending row `sending` and return it, or None."""
    claimed = store.settle_and_claim((), now=now, claim=1)
    return claimed[0] if claimed else None


def mark_sent(store: SqliteStore, row_id: int, *, now: datetime) -> None:
    """The mail server accepted the row's message."""
    store.settle_and_claim([Settlement.sent(row_id)], now=now, claim=0)


def mark_retry(
    store: SqliteStore, row_id: int, *, now: datetime, retry_at: datetime, error: str
) -> None:
    """A temporary failure: the row goes back to pending, due again at `retry_at`."""
    store.settle_and_claim([Settlement.retry(row_id, retry_at, error)], now=now, claim=0)


def mark_failed(store: SqliteStore, row_id: int, *, now: datetime, error: str) -> None:
    """A permanent failure: the row is never tried again."""
    store.settle_and_claim([Settlement.failed(row_id, error)], now=now, claim=0)


def mark_unknown(store: SqliteStore, row_id: int, *, now: datetime, error: str) -> None:
    """The server may have accepted the message: the row is never tried again."""
    store.settle_and_claim([Settlement.unknown(row_id, error)], now=now, claim=0)
