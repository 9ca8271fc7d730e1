"""What the service writes (database, its WAL, data folder, lock, reports) is private to its
user, even under the usual umask 022 that makes new files readable by everyone."""

from __future__ import annotations

import os
import signal
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from reminder_service.cli import main
from tests.support.process import ServiceProcess, clear_reminder_env, plain_smtp_env, service_env
from tests.support.smtp_server import SmtpTestServer

USUAL_UMASK = 0o022


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The process (and the services it starts) under umask 022, as most logins have."""
    previous = os.umask(USUAL_UMASK)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_running_service_creates_its_data_folder_and_database_for_itself_alone(
    tmp_path: Path, smtp_server: SmtpTestServer, usual_umask: None
) -> None:
    """The data folder it creates is 0700; the database, its -wal and -shm and the lock 0600."""
    env = {**service_env(tmp_path), **plain_smtp_env(smtp_server.host, smtp_server.port)}
    data = tmp_path / "data"
    with ServiceProcess("run", env=env, cwd=tmp_path) as service:
        service.wait_for_line("sent checkin:ana-ben:")
        modes = {path.name: _mode(path) for path in data.iterdir()}
        assert service.stop(signal.SIGTERM) == 0
    assert _mode(data) == 0o700
    assert {"reminders.sqlite3", "reminders.sqlite3-wal", "reminders.sqlite3-shm"} <= set(modes)
    assert set(modes.values()) == {0o600}, modes


def test_a_report_written_to_a_file_is_private_and_the_umask_is_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, usual_umask: None
) -> None:
    """`report --out` writes a 0600 file; the caller's own umask is unchanged afterwards."""
    clear_reminder_env(monkeypatch)
    for name, value in service_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "report.csv"
    assert main(["report", "--out", str(out)]) == 0
    assert _mode(out) == 0o600
    assert os.umask(USUAL_UMASK) == USUAL_UMASK
