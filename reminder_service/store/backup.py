"""A consistent copy of the database, taken while the service may be running.

SQLite's online backup API copies one snapshot of the committed data, whatever the service
is writing meanwhile; a plain file copy of a WAL database can miss what is still in the
`-wal` file. The copy is written beside its destination under a temporary name and renamed
into place once complete, so the destination is never a half-written file; the folder is
synced after the rename, so a power cut cannot undo it. A backup killed mid-copy leaves its
hidden `.DEST.XXXX.partial` file, which holds members' data: the next backup to the same
destination removes it, unless another backup is still writing it (each holds a lock on
its file while it writes). Where the file system cannot lock files (some NFS and CIFS
mounts) the backup goes ahead unlocked and leaves such files alone, as it cannot tell
whether another backup is writing them. The destination
may not be the database or a file the service keeps beside it, under any name: replacing one
of those under a running service would lose or damage its data. It is left in
rollback-journal mode, one self-contained file; the service turns WAL back on when it
opens a restored copy.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from reminder_service.errors import StoreError
from reminder_service.instance_lock import lock_path, resolved_path
from reminder_service.store.connection import connect_read_only, translated

BACKUP_NAME = "reminders-backup.db"
PARTIAL_SUFFIX = ".partial"
_SYNC_UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOTSUP})
"""What fsync of a folder raises on file systems that cannot sync one (some network ones):
there the rename is as durable as that file system makes it."""


def backup_database(database: Path, destination: Path, *, overwrite: bool) -> int:
    """Copy `database` to `destination` as one consistent snapshot; return the copy's size
    in bytes.

    An existing destination is refused unless `overwrite` is true; the database itself, its
    `-wal`, `-shm` and lock files always are.
    """
    _check_not_live(destination, database=database)
    _check_destination(destination, overwrite=overwrite)
    with closing(_open_source(database)) as source, _partial_file(destination) as (partial, locked):
        if locked:
            _remove_leftovers(destination, keep=partial)
        _copy(source, partial, destination=destination)
        _rename(partial, destination)
    _sync_folder(destination)
    return destination.stat().st_size


def _check_destination(destination: Path, *, overwrite: bool) -> None:
    if destination.is_dir():
        message = (
            f"{destination} is a folder. Give the backup a file name, such as "
            f"{destination / BACKUP_NAME}."
        )
        raise StoreError(message)
    if destination.exists() and not overwrite:
        message = (
            f"{destination} already exists; it was left as it is. Choose another file name, "
            "or add --overwrite to replace it."
        )
        raise StoreError(message)


def _check_not_live(destination: Path, *, database: Path) -> None:
    """Refuse a destination that is, by whatever name, a file the service is using."""
    if any(_same_file(destination, live) for live in _live_files(database)):
        message = (
            f"{destination} is the service's database {database}, or one of the files the "
            "service keeps beside it; the backup would destroy it, so nothing was written. "
            f"Give the backup a file name of its own, such as {destination.parent / BACKUP_NAME}."
        )
        raise StoreError(message)


def _live_files(database: Path) -> tuple[Path, ...]:
    """The database and the files beside it, under its own name and under its resolved one
    (where SQLite keeps them when the database's name is a symlink)."""
    names = {database, resolved_path(database)}
    return (
        *names,
        *(Path(f"{name}{suffix}") for name in names for suffix in ("-wal", "-shm", "-journal")),
        lock_path(database),
    )


def _same_file(first: Path, second: Path) -> bool:
    """Whether two paths lead to one file: one resolved path, or one inode (a hard link)."""
    if resolved_path(first) == resolved_path(second):
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def _open_source(database: Path) -> sqlite3.Connection:
    """The database opened read-only, after reading its header to check that it is one."""
    if not database.is_file():
        raise StoreError(f"There is no database at {database} yet, so nothing to back up.")
    connection = connect_read_only(database)
    with translated(database):
        try:
            connection.execute("PRAGMA schema_version").fetchone()
        except BaseException:
            connection.close()
            raise
    return connection


@contextmanager
def _partial_file(destination: Path) -> Iterator[tuple[Path, bool]]:
    """A new, empty file beside `destination` to write the copy into, and whether it is
    locked while in use so that another backup does not take it for a leftover. It is
    removed if the backup fails."""
    try:
        handle, name = tempfile.mkstemp(
            dir=destination.parent, prefix=f".{destination.name}.", suffix=PARTIAL_SUFFIX
        )
    except OSError as exc:
        raise StoreError(_cannot_write(destination, _os_reason(exc))) from exc
    partial = Path(name)
    try:
        with os.fdopen(handle, "rb") as held:
            yield partial, _locked(held)
    except BaseException:
        _remove_partial(partial)
        raise


def _locked(held: BinaryIO) -> bool:
    """Lock `held`; False where its file system cannot lock files (some NFS and CIFS mounts),
    as the lock only keeps other backups from removing it."""
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
    except OSError:
        return False
    return True


def _remove_leftovers(destination: Path, *, keep: Path) -> None:
    """Remove the partial copies that earlier backups to `destination` left when they were
    killed; those another backup is still writing are locked, and stay."""
    pattern = f".{glob.escape(destination.name)}.*{PARTIAL_SUFFIX}"
    for leftover in destination.parent.glob(pattern):
        if leftover != keep:
            _remove_if_abandoned(leftover)


def _remove_if_abandoned(partial: Path) -> None:
    """Remove `partial` and its journal unless a running backup holds its lock."""
    try:
        handle = os.open(partial, os.O_RDONLY)
    except OSError:
        return
    try:
        # Refused when the lock is held (BlockingIOError) or the file may not be removed.
        with suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            _remove_partial(partial)
    finally:
        os.close(handle)


def _remove_partial(partial: Path) -> None:
    """Remove a partial copy and the rollback journal SQLite may have left beside it."""
    partial.unlink(missing_ok=True)
    Path(f"{partial}-journal").unlink(missing_ok=True)


def _sync_folder(destination: Path) -> None:
    """Make the rename into `destination` durable: sync its folder's entries to disk."""
    try:
        handle = os.open(destination.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise StoreError(_not_synced(destination, _os_reason(exc))) from exc
    try:
        os.fsync(handle)
    except OSError as exc:
        if exc.errno not in _SYNC_UNSUPPORTED:
            raise StoreError(_not_synced(destination, _os_reason(exc))) from exc
    finally:
        os.close(handle)


def _rename(partial: Path, destination: Path) -> None:
    """Give the complete copy its name; a refusal is reported like any failed write."""
    try:
        os.replace(partial, destination)
    except OSError as exc:
        raise StoreError(_cannot_write(destination, _os_reason(exc))) from exc


def _copy(source: sqlite3.Connection, partial: Path, *, destination: Path) -> None:
    try:
        with closing(sqlite3.connect(partial, isolation_level=None)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as exc:
        raise StoreError(_cannot_write(destination, str(exc))) from exc


def _os_reason(exc: OSError) -> str:
    """The system's words for `exc` ("No space left on device")."""
    return exc.strerror or str(exc)


def _not_synced(destination: Path, reason: str) -> str:
    return (
        f"The backup is complete at {destination}, but its folder could not be synced to disk "
        f"({reason}), so a power cut in the next minutes could still lose it. Check that disk; "
        "to be sure of a backup, take it again with --overwrite once the disk is fine."
    )


def _cannot_write(destination: Path, reason: str) -> str:
    return (
        f"Cannot write the backup to {destination} ({reason}). Check that the folder exists, "
        "that you may write to it, and that its disk has room."
    )
