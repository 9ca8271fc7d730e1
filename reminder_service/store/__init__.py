"""SQLite persistence: the outbox, the inbound log of replies, meetings and reply events.

`SqliteStore` is one class over one SQLite file, assembled from a part per concern:

- `connection`: the shared connection, write transactions, error translation, instant text;
- `schema`: opening the file, its settings and migrations, and refusing files not ours;
- `outbox`: emails to send and their states `pending -> sending -> sent | failed | unknown`;
- `inbox`: every fetched message once, with its verdict, the watermarks and review queue;
- `events`: what members asked for by reply (not yet, skip, pause, end, dispute);
- `meetings`: the meetings pairs reported, merged when reported twice, removed when disputed;
- `histories`: each pair's scheduling history and recent activity, read across the tables,
  for every pair or some, and which pairs changed since a change number (schema 5);
- `backup`: a consistent copy of the file, taken while the service runs;
- `erasure`: everything recorded about one pair, counted and erased.

Import the public names from here; the modules are the store's own layout.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reminder_service.store.backup import backup_database
from reminder_service.store.erasure import ErasureMixin, PairRecords
from reminder_service.store.histories import HistoriesMixin
from reminder_service.store.inbox import (
    MAX_KEPT_RAW_BYTES,
    REVIEW_OUTCOMES,
    InboundItem,
    InboundRow,
    InboxMixin,
    Recorded,
    UnclearReply,
    inbound_dedupe_key,
)
from reminder_service.store.meetings import SAME_MEETING_WITHIN, MeetingRow
from reminder_service.store.outbox import (
    CHECKIN_KIND,
    OutboxMixin,
    OutboxRow,
    OutboxState,
    Settlement,
)
from reminder_service.store.schema import SchemaMixin

__all__ = [
    "CHECKIN_KIND",
    "MAX_KEPT_RAW_BYTES",
    "REVIEW_OUTCOMES",
    "SAME_MEETING_WITHIN",
    "InboundItem",
    "InboundRow",
    "MeetingRow",
    "OutboxRow",
    "OutboxState",
    "PairRecords",
    "Recorded",
    "Settlement",
    "SqliteStore",
    "UnclearReply",
    "backup_database",
    "inbound_dedupe_key",
    "pairs_with_history",
    "read_only_if_present",
]


class SqliteStore(SchemaMixin, OutboxMixin, InboxMixin, HistoriesMixin, ErasureMixin):
    """The outbox, inbound log, meetings and reply events in one SQLite file; open with
    `SqliteStore.open`.

    Calls are synchronous and short (one small transaction each). The connection belongs to
    the thread that opened the store.
    """


@contextmanager
def read_only_if_present(database: Path) -> Iterator[SqliteStore | None]:
    """The database opened read-only, or None before the service has created it.

    For the commands that change nothing (plan, preview, explain-reply, meetings, review,
    report): they never create or migrate the file.
    """
    if not database.exists():
        yield None
        return
    with SqliteStore.open_read_only(database) as store:
        yield store


def pairs_with_history(database: Path) -> dict[str, tuple[str, str]]:
    """The pairs the database has sent check-ins to, with their (mentor, mentee) addresses:
    what a rename is checked against. None before the service has created the database.

    Opens its own read-only connection, so it may run in any thread.
    """
    with read_only_if_present(database) as store:
        return store.checkin_members() if store else {}
