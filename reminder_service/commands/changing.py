"""Opening the database for a command that changes it (`forget`, `review --done`, `upgrade`).

While such a command holds the database's instance lock, no service of any version runs on
the file, so it may upgrade an older schema as the service's start would (`upgrade` does only
that). When a service runs (the lock is taken), an older schema is refused unchanged: that
service may be of the older version, and would not know the new schema. `upgrade` then opens
nothing and says to stop the service first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from reminder_service.commands.output import busy_database
from reminder_service.errors import InstanceLockedError
from reminder_service.instance_lock import InstanceLock
from reminder_service.store import SqliteStore
from reminder_service.store.schema import CURRENT_SCHEMA


@contextmanager
def service_stopped(database: Path, *, command: str) -> Iterator[bool]:
    """Whether no service runs on `database`, holding its lock meanwhile so none starts;
    `command` names the holder to a service started meanwhile. A lock that cannot be taken
    for another reason (its file cannot be created) is an error, not a running service."""
    try:
        lock = InstanceLock.acquire(database, now=datetime.now(UTC), command=command)
    except InstanceLockedError:
        yield False
        return
    with lock:
        yield True


def open_for_change(database: Path, *, stopped: bool) -> SqliteStore:
    """The existing database opened for writing: upgraded first when no service runs
    (`stopped`, the lock held), saying so; refused when older while a service runs."""
    if not stopped:
        return SqliteStore.open_current(database)
    store = SqliteStore.open(database)
    if store.upgraded_from is not None:
        print(
            f"Upgraded the database {database} to this version of reminder-service "
            f"(schema {store.upgraded_from} -> {CURRENT_SCHEMA})."
        )
    return store


def busy_message(database: Path, *, stopped: bool, unchanged: str) -> str:
    """What to say when the database's write lock stayed taken: by the running service, or,
    when none runs (`stopped`), by another program that has the file open."""
    if not stopped:
        return busy_database(database, unchanged=unchanged)
    return (
        f"The database {database} was busy: another program has it open (a sqlite3 shell or "
        f"a backup tool, say; no reminder-service runs on it). {unchanged} Close that "
        "program, then try again in a moment."
    )
