"""One daemon per database: a lock file beside it, held with `flock` for the life of the process.

Two daemons on one database would both send every due check-in: the outbox makes each email
exactly once per process, not across processes that each think they own it. So `run` takes an
exclusive `flock` on `DATABASE.lock` before opening the database and keeps it until it exits.
The kernel drops the lock when the process dies, however it dies, so a crash never leaves a
stale lock behind. The file names the holder (pid, host, start time) so that a second daemon
can say which one is in the way.

The file is never deleted: unlinking a lock file lets two processes lock two different files
of the same name.

The lock file sits beside the database's resolved path, so every name that leads to the same
file through symlinks or `..` (`current.sqlite3` linking to `reminders.sqlite3`, say) meets
the same lock. The database file itself is not locked: that would mean opening it here, and
closing any descriptor of a file drops all of this process's POSIX locks on it, which are the
locks SQLite keeps on the database, so releasing the lock while the store is open (as `forget`
does) would let another process checkpoint or rewrite the database under this one's
connection. A hard link cannot be found from a path, so a second hard link to the database is
not supported: it counts as another database.

Commands that change the database (`forget`, `review --done`, `upgrade`) take the same lock
while they run, when no service holds it (then they may also upgrade an older database, which
is all `upgrade` does; it refuses while a service holds the lock); the file says which command
holds it, so a service started meanwhile can say to start again once it has finished.
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

from reminder_service.errors import InstanceLockedError, StoreError

LOCK_SUFFIX = ".lock"
MAX_HOLDER_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds the lock: what the lock file says."""

    pid: int
    host: str
    started: str
    command: str | None = None

    def to_json(self) -> str:
        """The lock file's content."""
        fields = {"pid": self.pid, "host": self.host, "started": self.started}
        return json.dumps(fields | {"command": self.command}) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Holder | None:
        """The holder a lock file names, or None when it is empty or unreadable; `command` is
        None in a file written by a version that did not record it."""
        try:
            data = json.loads(text)
            command = data.get("command")
            return cls(
                pid=int(data["pid"]),
                host=str(data["host"]),
                started=str(data["started"]),
                command=None if command is None else str(command),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


def lock_path(database: Path) -> Path:
    """The lock file that guards `database`: its resolved path with `.lock` added."""
    resolved = resolved_path(database)
    return resolved.with_name(resolved.name + LOCK_SUFFIX)


def resolved_path(path: Path) -> Path:
    """`path` with its symlinks resolved; as given (made absolute) when they loop, for
    opening the file to report that in words rather than fail here."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


class InstanceLock:
    """An exclusive hold on one database for this process; see the module docstring."""

    def __init__(self, fd: int, *, path: Path) -> None:
        self._fd: int | None = fd
        self.path = path

    @classmethod
    def acquire(cls, database: Path, *, now: datetime, command: str = "run") -> InstanceLock:
        """Lock `database` for this process, or raise StoreError naming the process holding it.

        `command` is the reminder-service command taking the lock, recorded for that message.
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
            raise InstanceLockedError(already_running(holder, database=database)) from None
        holder = Holder(
            pid=os.getpid(), host=socket.gethostname(), started=now.isoformat(), command=command
        )
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
    """Why this process cannot take the lock, for the person who started it."""
    if holder is None:
        return _another_service("its details could not be read", database, maybe_command=True)
    who = f"pid {holder.pid} on host {holder.host}, started {holder.started}"
    if holder.command is None:
        return _another_service(who, database, maybe_command=True)
    if holder.command == "run":
        return _another_service(who, database, maybe_command=False)
    return (
        f"the command `reminder-service {holder.command}` ({who}) is using {database} for a "
        "moment. Start again once it has finished."
    )


def _another_service(who: str, database: Path, *, maybe_command: bool) -> str:
    maybe = (
        " If it is a command you just ran, such as `reminder-service forget`, start again in "
        "a moment, once it has finished."
        if maybe_command
        else ""
    )
    return (
        f"another reminder-service ({who}) is using {database}. Two services on one database "
        "would send every email twice: stop the other one first, or give this one its own "
        f"REMINDER_DATABASE.{maybe}"
    )


def _read(fd: int) -> str:
    return os.pread(fd, MAX_HOLDER_BYTES, 0).decode("utf-8", errors="replace")


def _write(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode(), 0)
    os.fsync(fd)
