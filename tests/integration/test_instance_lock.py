"""The single-instance lock: one daemon per database, released however the holder ends."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reminder_service import bootstrap
from reminder_service.errors import ConfigError, StoreError
from reminder_service.instance_lock import InstanceLock, lock_path
from reminder_service.program import ProgramError
from reminder_service.settings import Settings, load_settings
from tests.support.process import clear_reminder_env, sent_checkin, service_env

STARTED = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
HOLD_IN_A_CHILD = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from reminder_service.instance_lock import InstanceLock
lock = InstanceLock.acquire(Path(sys.argv[1]), now=datetime.now(UTC), command=sys.argv[2])
print("locked", flush=True)
sys.stdin.read()
"""


def test_the_lock_file_names_this_process_and_sits_beside_the_database(tmp_path: Path) -> None:
    """Taking the lock creates the database's folder and writes our pid, host and start time."""
    database = tmp_path / "data" / "reminders.sqlite3"
    with InstanceLock.acquire(database, now=STARTED) as lock:
        assert lock.path == tmp_path / "data" / "reminders.sqlite3.lock"
        holder = json.loads(lock.path.read_text())
    assert holder == {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": "2026-03-04T09:30:00+00:00",
        "command": "run",
    }


def test_a_second_holder_is_refused_with_the_first_ones_pid_host_and_start(
    tmp_path: Path,
) -> None:
    """While one lock is held, taking it again fails and names the holder and the database."""
    database = tmp_path / "reminders.sqlite3"
    with InstanceLock.acquire(database, now=STARTED), pytest.raises(StoreError) as refused:
        InstanceLock.acquire(database, now=STARTED)
    message = str(refused.value)
    assert message.startswith(
        f"another reminder-service (pid {os.getpid()} on host {socket.gethostname()}, "
        f"started 2026-03-04T09:30:00+00:00) is using {database}."
    )
    assert "REMINDER_DATABASE" in message


def test_a_released_lock_can_be_taken_again_and_its_file_is_kept(tmp_path: Path) -> None:
    """After release another daemon may start; the file stays, emptied, so no two inodes race."""
    database = tmp_path / "reminders.sqlite3"
    first = InstanceLock.acquire(database, now=STARTED)
    first.release()
    first.release()
    assert lock_path(database).read_text() == ""
    with InstanceLock.acquire(database, now=STARTED):
        assert lock_path(database).exists()


def test_an_unreadable_lock_file_still_refuses_without_crashing(tmp_path: Path) -> None:
    """A holder whose file says nothing readable is still refused, with a plain message."""
    database = tmp_path / "reminders.sqlite3"
    with InstanceLock.acquire(database, now=STARTED) as lock:
        lock.path.write_text("{not json")
        with pytest.raises(StoreError, match=r"another reminder-service \(its details could not"):
            InstanceLock.acquire(database, now=STARTED)


def test_a_killed_holder_frees_the_lock_at_once(tmp_path: Path) -> None:
    """The kernel drops the lock of a SIGKILLed process: a crash never leaves a stale lock."""
    database = tmp_path / "reminders.sqlite3"
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_IN_A_CHILD, str(database), "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline() == "locked\n"
        with pytest.raises(StoreError, match=f"pid {child.pid} "):
            InstanceLock.acquire(database, now=STARTED)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    with InstanceLock.acquire(database, now=STARTED):
        assert json.loads(lock_path(database).read_text())["pid"] == os.getpid()


@contextmanager
def held_in_a_child(database: Path, *, command: str) -> Iterator[int]:
    """A separate process holding the lock on `database` as `command`; yields its pid."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_IN_A_CHILD, str(database), command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline() == "locked\n"
        yield child.pid
        child.communicate(timeout=10)


@pytest.mark.parametrize(
    "other_name",
    [
        Path("current.sqlite3"),
        Path("data") / ".." / "reminders.sqlite3",
        Path("linked") / "reminders.sqlite3",
    ],
    ids=["symlinked-file", "dot-dot", "symlinked-folder"],
)
def test_another_name_for_the_same_database_meets_the_same_lock(
    tmp_path: Path, other_name: Path
) -> None:
    """A process locking the database through a symlink, or a path with `..`, is refused
    while another process holds it under its plain name."""
    database = tmp_path / "reminders.sqlite3"
    (tmp_path / "data").mkdir()
    (tmp_path / "current.sqlite3").symlink_to("reminders.sqlite3")
    (tmp_path / "linked").symlink_to(tmp_path, target_is_directory=True)
    with (
        held_in_a_child(database, command="run") as pid,
        pytest.raises(StoreError, match=f"pid {pid} "),
    ):
        InstanceLock.acquire(tmp_path / other_name, now=STARTED)
    assert lock_path(tmp_path / other_name) == lock_path(database)


def test_a_start_while_a_command_holds_the_database_names_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service started while `forget` holds the database is told that command is using it
    for a moment and to start again, not that another service runs."""
    settings = deployment(tmp_path, monkeypatch)
    with (
        held_in_a_child(settings.database, command="forget") as pid,
        pytest.raises(StoreError) as refused,
    ):
        bootstrap.build_service(settings)
    message = str(refused.value)
    assert message.startswith(
        f"the command `reminder-service forget` (pid {pid} on host {socket.gethostname()}, "
    )
    assert message.endswith(
        f"is using {settings.database} for a moment. Start again once it has finished."
    )


def test_a_holder_that_does_not_say_its_command_may_be_a_command(tmp_path: Path) -> None:
    """A lock file from a version that did not record the command says it may be a command
    just run, to start again in a moment, as well as how to deal with another service."""
    database = tmp_path / "reminders.sqlite3"
    with InstanceLock.acquire(database, now=STARTED) as lock:
        lock.path.write_text('{"pid": 4242, "host": "nw", "started": "2026-03-04T09:30:00"}\n')
        with pytest.raises(StoreError) as refused:
            InstanceLock.acquire(database, now=STARTED)
    message = str(refused.value)
    assert message.startswith("another reminder-service (pid 4242 on host nw, started 2026-")
    assert "stop the other one first" in message
    assert "such as `reminder-service forget`, start again in a moment" in message


def test_a_folder_that_cannot_hold_the_lock_is_explained(tmp_path: Path) -> None:
    """When the lock file cannot be created the error names it and what to check."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(StoreError, match=r"Cannot create the lock file .*not-a-folder"):
        InstanceLock.acquire(blocker / "reminders.sqlite3", now=STARTED)


def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for a deployment in `tmp_path`, read from the environment as `run` does."""
    clear_reminder_env(monkeypatch)
    for name, value in service_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    return load_settings(env_file=None, secrets_dir=tmp_path / "secrets")


def test_build_service_holds_the_lock_until_the_service_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second service on the same database is refused until the first one is closed."""
    settings = deployment(tmp_path, monkeypatch)
    first = bootstrap.build_service(settings)
    try:
        with pytest.raises(StoreError, match=f"pid {os.getpid()} .* is using {settings.database}"):
            bootstrap.build_service(settings)
    finally:
        first.close()
    second = bootstrap.build_service(settings)
    second.close()


def test_build_service_lets_go_of_the_lock_when_the_database_cannot_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database that fails to open does not leave this process holding its lock."""
    settings = deployment(tmp_path, monkeypatch)
    settings.database.parent.mkdir(parents=True)
    settings.database.write_bytes(b"this is not an SQLite database, only a file of that name")
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        bootstrap.build_service(settings)
    with InstanceLock.acquire(settings.database, now=STARTED):
        pass


def test_build_service_refuses_a_pair_renamed_while_stopped_and_lets_go_of_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At start, people whose check-ins the database holds under an id the file no longer has
    may not appear under a new id, as a reload would refuse it; no lock is left held."""
    settings = deployment(tmp_path, monkeypatch)
    people = ("ana@northwind.example", "ben@northwind.example")
    sent_checkin(settings.database, pair_id="ana-ben-old", recipients=people)
    with pytest.raises(ProgramError) as refused:
        bootstrap.build_service(settings)
    [problem] = refused.value.problems
    assert "pair 'ana-ben' has the same mentor and mentee as pair 'ana-ben-old'" in str(problem)
    with InstanceLock.acquire(settings.database, now=STARTED):
        pass


@pytest.mark.parametrize(
    "server",
    [
        {"REMINDER_SMTP__HOST": "127.0.0.1", "REMINDER_SMTP__SECURITY": "starttls"},
        {
            "REMINDER_IMAP__HOST": "127.0.0.1",
            "REMINDER_IMAP__USERNAME": "mentoring",
            "REMINDER_IMAP__PASSWORD": "imap-password",
        },
    ],
    ids=["smtp", "imap"],
)
def test_an_unreadable_ca_file_stops_the_start_before_the_lock_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: dict[str, str]
) -> None:
    """A missing CA file, for the mail server or the reply mailbox, is reported at start,
    and this process holds no lock afterwards."""
    deployment(tmp_path, monkeypatch)
    for name, value in server.items():
        monkeypatch.setenv(name, value)
    prefix = next(iter(server)).rsplit("__", 1)[0]
    monkeypatch.setenv(f"{prefix}__CA_FILE", str(tmp_path / "missing.pem"))
    settings = load_settings(env_file=None, secrets_dir=tmp_path / "secrets")
    with pytest.raises(ConfigError, match=r"missing\.pem"):
        bootstrap.build_service(settings)
    with InstanceLock.acquire(settings.database, now=STARTED):
        pass


def test_a_database_path_through_a_symlink_loop_is_refused_in_words(tmp_path: Path) -> None:
    """A symlink that points at itself in the database's path is a StoreError naming the
    lock file, not an error from resolving the path."""
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    database = loop / "reminders.sqlite3"
    assert lock_path(database) == database.with_name("reminders.sqlite3.lock")
    with pytest.raises(StoreError, match="Cannot create the lock file"):
        InstanceLock.acquire(database, now=datetime.now(UTC))
