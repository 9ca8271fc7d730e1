"""One daemon per database: a lock file beside it, held with `flock` for the life of the process.

Two daemons on one database would both send every due check-in: the outbox makes each email
exactly once per process, not across processes that each think they own it. So `run` takes an
exclusive `flock` on `DATABASE.lock` before opening the database and keeps it until it exits.
The kernel drops the lock when the process dies, however it dies, so a crash never leaves a
stale lock behind. The file names the holder (pid, host, start time) so that a second daemon
can say which one is in the way.

The file is never deleted: unlinking a lock file lets two processes lock two different files
of the same name.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from reminder_service.errors import StoreError

LOCK_SUFFIX = ".lock"
MAX_HOLDER_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds the lock: what the lock file says."""

    pid: int
    host: str
    started: str

    def to_json(self) -> str:
        """The lock file's content."""
        return json.dumps({"pid": self.pid, "host": self.host, "started": self.started}) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Holder | None:
        """The holder a lock file names, or None when it is empty or unreadable."""
        try:
            data = json.loads(text)
            return cls(pid=int(data["pid"]), host=str(data["host"]), started=str(data["started"]))
        except (ValueError, TypeError, KeyError):
            return None


def lock_path(database: Path) -> Path:
    """The lock file that guards `database`: the same name with `.lock` added."""
    return database.with_name(database.name + LOCK_SUFFIX)


class InstanceLock:
    """An exclusive hold on one database for this process; see the module docstring."""

    def __init__(self, fd: int, *, path: Path) -> None:
        self._fd: int | None = fd
        self.path = path

    @classmethod
    def acquire(cls, database: Path, *, now: datetime) -> InstanceLock:
        """Lock `database` for this process, or raise StoreError naming the daemon holding it.

        Creates the database's folder when needed, as opening the database would.
        """
        path = lock_path(database)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                f"Cannot create the lock file {path} ({exc.strerror}). Check that the "
                "database's folder is one the service may write to."
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = Holder.from_json(_read(fd))
            os.close(fd)
            raise StoreError(already_running(holder, database=database)) from None
        holder = Holder(pid=os.getpid(), host=socket.gethostname(), started=now.isoformat())
        _write(fd, holder.to_json())
        return cls(fd, path=path)

    def release(self) -> None:
        """Empty the lock file and let go of it; safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def already_running(holder: Holder | None, *, database: Path) -> str:
    """Why this daemon cannot start, for the person who started it."""
    who = (
        f"pid {holder.pid} on host {holder.host}, started {holder.started}"
        if holder is not None
        else "its details could not be read"
    )
    return (
        f"another reminder-service ({who}) is using {database}. Two services on one database "
        "would send every email twice: stop the other one first, or give this one its own "
        "REMINDER_DATABASE."
    )


def _read(fd: int) -> str:
    return os.pread(fd, MAX_HOLDER_BYTES, 0).decode("utf-8", errors="replace")


def _write(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode(), 0)
    os.fsync(fd)
