"""Backing up a real SQLite database, with other connections writing to it meanwhile."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reminder_service.core.model import Outgoing
from reminder_service.errors import StoreError
from reminder_service.instance_lock import InstanceLock
from reminder_service.store import SqliteStore, backup_database

T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def outgoing(number: int) -> Outgoing:
    """A small queued email for pair number `number`."""
    return Outgoing(
        key=f"checkin:pair-{number}:2026-11-25",
        pair_id=f"pair-{number}",
        kind="checkin",
        period=date(2026, 11, 25),
        message_id=f"<{number}@reminders.example.org>",
        sender="reminders@example.org",
        recipients=("ana@example.org", "ben@example.org"),
        message=b"Subject: How is it going?\r\n\r\nHello\r\n",
    )


@pytest.fixture
def running(db_path: Path) -> Iterator[SqliteStore]:
    """A store with three queued emails still in its WAL file, as a running service has."""
    with SqliteStore.open(db_path) as store:
        store.enqueue_many([outgoing(number) for number in range(3)], now=T0)
        yield store


def test_the_copy_has_the_committed_rows_while_a_write_is_open_and_the_wal_is_full(
    running: SqliteStore, db_path: Path, tmp_path: Path
) -> None:
    """The copy is one self-contained database: every committed row, none of an open write."""
    assert Path(f"{db_path}-wal").stat().st_size > 0
    destination = tmp_path / "backup.db"
    with closing(sqlite3.connect(db_path, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM outbox")
        size = backup_database(db_path, destination, overwrite=False)
        writer.execute("ROLLBACK")
    assert size == destination.stat().st_size
    with closing(sqlite3.connect(destination)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    with SqliteStore.open_read_only(destination) as restored:
        assert restored.outbox() == running.outbox()
    assert sorted(path.name for path in tmp_path.iterdir() if "backup" in path.name) == [
        "backup.db"
    ]


def test_an_existing_file_is_left_alone_unless_overwriting(
    running: SqliteStore, db_path: Path, tmp_path: Path
) -> None:
    """An existing destination is refused and kept as it was; with overwrite it is replaced."""
    destination = tmp_path / "backup.db"
    destination.write_bytes(b"last week's notes")
    with pytest.raises(StoreError, match=r"already exists; it was left as it is.*--overwrite"):
        backup_database(db_path, destination, overwrite=False)
    assert destination.read_bytes() == b"last week's notes"
    backup_database(db_path, destination, overwrite=True)
    with SqliteStore.open_read_only(destination) as restored:
        assert len(restored.outbox()) == 3


@pytest.mark.parametrize(
    ("folder", "reason"),
    [("missing", "No such file or directory"), ("notes.txt", "Not a directory")],
)
def test_an_unwritable_destination_is_named_with_what_to_check(
    running: SqliteStore, db_path: Path, tmp_path: Path, folder: str, reason: str
) -> None:
    """A destination in a folder that cannot take a file is named, with the reason and what to
    check."""
    (tmp_path / "notes.txt").write_text("not a folder")
    destination = tmp_path / folder / "backup.db"
    expected = rf"Cannot write the backup to {re.escape(str(destination))} \({reason}\)\. Check"
    with pytest.raises(StoreError, match=expected):
        backup_database(db_path, destination, overwrite=False)


def test_a_folder_as_destination_asks_for_a_file_name(
    running: SqliteStore, db_path: Path, tmp_path: Path
) -> None:
    """A folder given as the destination gets a message suggesting a file name inside it."""
    with pytest.raises(
        StoreError, match=rf"{re.escape(str(tmp_path))} is a folder\. Give the backup a file name"
    ):
        backup_database(db_path, tmp_path, overwrite=True)


def test_no_database_yet_means_nothing_to_back_up(tmp_path: Path) -> None:
    """Backing up before the service has created its database says so and writes nothing."""
    destination = tmp_path / "backup.db"
    with pytest.raises(StoreError, match=r"There is no database at .* yet, so nothing to back up"):
        backup_database(tmp_path / "reminders.db", destination, overwrite=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name",
    [
        "reminders.db",
        "reminders.db-wal",
        "reminders.db-shm",
        "reminders.db.lock",
        "linked/reminders.db",
        "linked/reminders.db-wal",
        "current.db",
        "hard-link.db",
    ],
)
def test_the_live_database_and_its_files_are_refused_under_any_name(
    running: SqliteStore, db_path: Path, tmp_path: Path, name: str
) -> None:
    """The database, its -wal, -shm and lock files, reached by any name (a symlink, a
    symlinked folder, a hard link), are refused as destination even with overwrite, and left
    as they were."""
    (tmp_path / "linked").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "current.db").symlink_to(db_path)
    os.link(db_path, tmp_path / "hard-link.db")
    with InstanceLock.acquire(db_path, now=T0):
        live = {path: path.stat() for path in tmp_path.iterdir() if path.is_file()}
        with pytest.raises(StoreError, match=r"is the service's database .*nothing was written"):
            backup_database(db_path, tmp_path / name, overwrite=True)
    assert {path: path.stat().st_ino for path in live} == {
        path: stat.st_ino for path, stat in live.items()
    }
    assert len(running.outbox()) == 3


def test_partial_copies_left_by_a_killed_backup_are_removed_by_the_next_one(
    running: SqliteStore, db_path: Path, tmp_path: Path
) -> None:
    """The hidden partial copy and journal a killed backup left beside its destination are
    removed by the next backup to it; another destination's, and one still being written
    (locked), stay."""
    for name in (".backup.db.k1l3d.partial", ".backup.db.k1l3d.partial-journal"):
        (tmp_path / name).write_bytes(b"members' data")
    other = tmp_path / ".other.db.k1l3d.partial"
    other.write_bytes(b"another backup's")
    in_progress = tmp_path / ".backup.db.w0rk.partial"
    in_progress.write_bytes(b"being written")
    with open(in_progress, "rb") as writing:
        fcntl.flock(writing, fcntl.LOCK_EX)
        backup_database(db_path, tmp_path / "backup.db", overwrite=False)
    assert sorted(path.name for path in tmp_path.iterdir() if ".partial" in path.name) == [
        ".backup.db.w0rk.partial",
        ".other.db.k1l3d.partial",
    ]


def test_the_folder_is_synced_after_the_copy_is_renamed_into_it(
    running: SqliteStore, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the copy has its name, its folder is synced to disk, so a power cut keeps it."""
    destination = tmp_path / "backup.db"
    synced: list[tuple[bool, bool]] = []
    sync = os.fsync

    def recording_fsync(handle: int) -> None:
        sync(handle)
        found = os.fstat(handle)
        here = os.path.samestat(found, os.stat(tmp_path))
        synced.append((here, destination.exists()))

    monkeypatch.setattr(os, "fsync", recording_fsync)
    backup_database(db_path, destination, overwrite=False)
    assert (True, True) in synced


def refuse(code: int) -> Callable[..., None]:
    """A stand-in for a system call that fails with `code`, as it does on some file systems."""

    def refused(*args: object) -> None:
        raise OSError(code, os.strerror(code))

    return refused


def test_where_files_cannot_be_locked_the_backup_goes_ahead_and_leaves_other_partials(
    running: SqliteStore, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a file system that refuses locks (some NFS and CIFS mounts) the backup is written,
    its own partial file is gone, and another's, which may still be being written, stays."""
    other = tmp_path / ".backup.db.w0rk.partial"
    other.write_bytes(b"maybe being written")
    monkeypatch.setattr(fcntl, "flock", refuse(errno.ENOLCK))
    destination = tmp_path / "backup.db"
    backup_database(db_path, destination, overwrite=False)
    with closing(sqlite3.connect(destination)) as copy:
        assert copy.execute("SELECT count(*) FROM outbox").fetchone() == (3,)
    assert [path.name for path in tmp_path.iterdir() if ".partial" in path.name] == [other.name]


def test_a_failed_backup_removes_its_partial_file(
    running: SqliteStore, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup that fails leaves no partial file of its own, even where locks are refused."""
    monkeypatch.setattr(fcntl, "flock", refuse(errno.ENOLCK))
    monkeypatch.setattr(os, "replace", refuse(errno.EIO))
    with pytest.raises(StoreError, match=r"Cannot write the backup .*Input/output error"):
        backup_database(db_path, tmp_path / "backup.db", overwrite=False)
    assert not [path for path in tmp_path.iterdir() if ".partial" in path.name]


def test_a_folder_that_cannot_be_synced_is_reported_with_the_backup_in_place(
    running: SqliteStore, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the folder sync fails after the rename, the error says the backup is there but a
    power cut could still lose it, not that it could not be written."""
    destination = tmp_path / "backup.db"
    monkeypatch.setattr(os, "fsync", refuse(errno.EIO))
    with pytest.raises(StoreError, match=r"backup is complete at .*a power cut") as caught:
        backup_database(db_path, destination, overwrite=False)
    assert "Cannot write" not in str(caught.value)
    assert destination.is_file()
