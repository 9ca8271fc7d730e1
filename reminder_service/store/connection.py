"""The connection every part of the store shares, and the conventions they all follow.

Writes run in `BEGIN IMMEDIATE` transactions that roll back on any error, and sqlite3 errors
become `StoreError` with a message a coordinator can act on. Instants are stored as UTC
ISO-8601 text and dates as ISO dates; every datetime crossing this boundary must be aware.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import TracebackType
from typing import Self

from reminder_service.errors import StoreBusyError, StoreError

BUSY_TIMEOUT = timedelta(seconds=5)
"""How long a statement waits for another connection's lock before failing."""
_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class StoreConnection:
    """One open SQLite file, the base that each part of the store adds its operations to."""

    def __init__(self, connection: sqlite3.Connection, *, path: Path) -> None:
        self._db = connection
        self._path = path

    def close(self) -> None:
        """Close the connection; committed work is already durable."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction: taken at once (`BEGIN IMMEDIATE`), rolled back on error.

        A failed COMMIT is rolled back too, so the next write can begin. After a full disk,
        an I/O error or lack of memory SQLite may have rolled back already; a second
        ROLLBACK would then fail and hide the error that matters.
        """
        with translated(self._path):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def one_view(self) -> Iterator[None]:
        """Several reads that see the database as it was at the first of them, whatever the
        service commits meanwhile: a read transaction (`BEGIN`), ended when the block ends."""
        with translated(self._path):
            self._db.execute("BEGIN")
        try:
            yield
        finally:
            with translated(self._path):
                self._db.execute("COMMIT")


def connect_read_only(path: Path) -> sqlite3.Connection:
    """The existing database at `path`, opened for reading only (commands that change
    nothing, and backups), waiting `BUSY_TIMEOUT` for the service's locks."""
    with translated(path):
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro",
            uri=True,
            isolation_level=None,
            timeout=BUSY_TIMEOUT.total_seconds(),
        )


@contextmanager
def translated(path: Path, *, busy_timeout: timedelta = BUSY_TIMEOUT) -> Iterator[None]:
    """Turn sqlite3 errors into StoreError with a message a coordinator can act on.

    `busy_timeout` is how long the connection waited for a lock, for the message; a lock
    held longer than that is a StoreBusyError.
    """
    try:
        yield
    except sqlite3.Error as exc:
        message = _explain(exc, path, busy_timeout=busy_timeout)
        if _code(exc) in _BUSY_CODES:
            raise StoreBusyError(message) from exc
        raise StoreError(message) from exc


def _code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code; 0 for errors the sqlite3 module raises itself (a closed
    connection, a wrong thread), which carry none."""
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _explain(exc: sqlite3.Error, path: Path, *, busy_timeout: timedelta) -> str:
    code = _code(exc)
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return f"{path} is not a usable SQLite database ({exc}). Check the database path."
    if code in _BUSY_CODES:
        seconds = f"{busy_timeout.total_seconds():g}"
        return (
            f"The database {path} stayed locked by another program for over {seconds} seconds. "
            "Is a second copy of reminder-service using it?"
        )
    if code == sqlite3.SQLITE_FULL:
        return (
            f"The database {path} could not grow: the disk holding it is full (or the "
            "database reached its size limit). Nothing from this step was saved. Free some "
            "space on that disk, then restart reminder-service."
        )
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY):
        return (
            f"Cannot open the database {path} for writing ({exc}). Check that the path is a "
            "file the service may read and write."
        )
    if code == sqlite3.SQLITE_IOERR:
        return f"Reading or writing the database {path} failed ({exc}). Check the disk."
    return f"The database {path} reported an error: {exc}."


def instant_text(moment: datetime) -> str:
    """UTC ISO-8601 text; these sort as text in time order because the offset is fixed."""
    if moment.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {moment.isoformat()}")
    return moment.astimezone(UTC).isoformat()


def period_params(since: datetime | None, until: datetime | None) -> dict[str, str | None]:
    """The `:since` and `:until` parameters of a query over a period; None leaves that end
    open."""
    return {
        "since": None if since is None else instant_text(since),
        "until": None if until is None else instant_text(until),
    }


class Shared:
    """Values that many rows repeat, kept once: each distinct text (a pair's id, a sender's
    address) and each distinct ISO date, parsed once. A year of a large program's log
    repeats 100,000 ids, their addresses and a few hundred dates across a million rows."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._dates: dict[str, date] = {}

    def text(self, value: str) -> str:
        """`value`, or the equal text seen first."""
        return self._texts.setdefault(value, value)

    def day(self, text: str) -> date:
        """The `date` of ISO `text`, the same object for the same text."""
        found = self._dates.get(text)
        if found is None:
            found = self._dates[text] = date.fromisoformat(text)
        return found


def parse_instant(text: str) -> datetime:
    """The aware UTC instant that `instant_text` wrote."""
    return datetime.fromisoformat(text).astimezone(UTC)


STAMPED_AHEAD = timedelta(hours=1)
"""History stamped more than this after the planning instant was written while the clock
was wrong (ahead): pair histories leave it out and it supersedes no queued email, or the
pair would wait for the clock to catch up with it, which may be years."""
_EARLIEST_ZONE = timezone(timedelta(hours=14))
"""The zone whose date turns first: no pair's local date is ever later than its date."""
_NO_LIMIT = "9999-12-31"
"""Later, as text, than any date or instant the store writes."""


def stamp_limits(now: datetime | None) -> dict[str, str]:
    """The `:until` (instant) and `:last_period` (date) parameters: the latest stamp and
    the latest period the history keeps. A period is a local date on which its email fell
    due, so none can be later than the date at `until` in the zone whose date turns first;
    comparing periods keeps the query on its covering index."""
    if now is None:
        return {"until": _NO_LIMIT, "last_period": _NO_LIMIT}
    until = now + STAMPED_AHEAD
    return {
        "until": instant_text(until),
        "last_period": until.astimezone(_EARLIEST_ZONE).date().isoformat(),
    }
