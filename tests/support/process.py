"""Run the `reminder-service` command as a real process and follow what it logs, and write
the deployment settings such a process reads from its environment."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import pytest

from reminder_service.core.model import Outgoing
from reminder_service.imap import ImapConfig
from reminder_service.store import SqliteStore
from tests.support.smtp_server import free_port

REPO = Path(__file__).resolve().parents[2]
SECRET_KEY = "end-to-end-test-secret-key"
PROGRAM = """\
program:
  name: Northwind Mentoring
  coordinator: {name: Dana Okafor, email: dana@northwind.example}
  timezone: Europe/London
  defaults: {cadence: monthly, send_at: "09:30"}
  digest: off
  anniversaries: false
pairs:
  - id: ana-ben
    mentor: {name: Ana Lima, email: ana@northwind.example}
    mentee: {name: Ben Ong, email: ben@northwind.example, timezone: Asia/Tokyo}
    started: 2024-03-01
  - id: carla-dev
    mentor: {name: Carla Diaz, email: carla@northwind.example}
    mentee: {name: Dev Patel, email: dev@northwind.example}
    started: 2099-01-01
"""
"""One pair with a check-in due long ago, one starting in 2099. No digest and no anniversary:
one would go out beside the check-in from Monday 08:00 to Wednesday 08:00 each week, the
other in the first week of each March, and the tests that count the emails sent would pass
or fail by the day they ran on."""


def service_env(
    folder: Path,
    *,
    config: str = PROGRAM,
    program_file: str = "program.yaml",
    secret_key: str = SECRET_KEY,
) -> dict[str, str]:
    """Settings for a deployment in `folder` with its own program, key and database.

    The program is written to `program_file` under `folder`, creating its folder.
    """
    program = folder / program_file
    program.parent.mkdir(parents=True, exist_ok=True)
    program.write_text(config)
    return {
        "REMINDER_CONFIG": str(program),
        "REMINDER_DATABASE": str(folder / "data" / "reminders.sqlite3"),
        "REMINDER_TEMPLATES_DIR": str(REPO / "templates"),
        "REMINDER_SECRET_KEY": secret_key,
        "REMINDER_FROM": "Northwind Mentoring <mentoring@northwind.example>",
    }


def sent_checkin(database: Path, *, pair_id: str, recipients: tuple[str, ...]) -> None:
    """Record in `database` a check-in for `pair_id` addressed to `recipients`."""
    with SqliteStore.open(database) as store:
        email = Outgoing(
            key=f"checkin:{pair_id}:2026-11-01",
            pair_id=pair_id,
            kind="checkin",
            period=date(2026, 11, 1),
            message_id=f"<{pair_id}@northwind.example>",
            sender="mentoring@northwind.example",
            recipients=recipients,
            message=b"Subject: Check-in\r\n\r\nHow is it going?\r\n",
        )
        store.enqueue_many([email], now=datetime(2026, 11, 1, 9, 30, tzinfo=UTC))


def as_previous_schema(database: Path) -> int:
    """Turn `database` back into the schema the release before this one left (undoing the
    latest migration, 16: `outbox.first_failed_at`); returns that schema's number."""
    with closing(sqlite3.connect(database, isolation_level=None)) as raw:
        raw.execute("ALTER TABLE outbox DROP COLUMN first_failed_at")
        (version,) = raw.execute("PRAGMA user_version").fetchone()
        raw.execute(f"PRAGMA user_version = {version - 1}")
    return int(version) - 1


def schema_of(database: Path) -> int:
    """The schema number (`PRAGMA user_version`) of `database`."""
    with closing(sqlite3.connect(database)) as raw:
        (version,) = raw.execute("PRAGMA user_version").fetchone()
    return int(version)


def plain_smtp_env(host: str, port: int, **extra: str) -> dict[str, str]:
    """Plain SMTP to `host`:`port` (no TLS, no login), plus any `extra` settings."""
    return {
        "REMINDER_SMTP__HOST": host,
        "REMINDER_SMTP__PORT": str(port),
        "REMINDER_SMTP__SECURITY": "none",
        **extra,
    }


def imap_env(config: ImapConfig) -> dict[str, str]:
    """Plain IMAP to the reply mailbox `config` names, polled only once a minute (IDLE wakes
    the daemon sooner)."""
    return {
        "REMINDER_IMAP__HOST": config.host,
        "REMINDER_IMAP__PORT": str(config.port),
        "REMINDER_IMAP__SECURITY": "none",
        "REMINDER_IMAP__USERNAME": config.username,
        "REMINDER_IMAP__PASSWORD": config.password,
        "REMINDER_IMAP__POLL_S": "60",
    }


def clear_reminder_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every REMINDER_ variable for the test, so only the settings it sets apply."""
    for name in list(os.environ):
        if _is_reminder_setting(name):
            monkeypatch.delenv(name)


@contextmanager
def _ctrl_c_not_ignored() -> Iterator[None]:
    """Let a process started meanwhile receive Ctrl-C (SIGINT) as one started from a terminal.

    A test run started in the background by a script (`bash .ci/run &`) ignores SIGINT,
    and a started process inherits that, so `check` would go on rendering through the
    Ctrl-C a test sends it; a handler, unlike "ignore", is not inherited. Only the main
    thread may set a handler: a process a test starts from another thread (one it sends no
    Ctrl-C, such as a listing read with `asyncio.to_thread`) is started as things are.
    """
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.SIG_IGN or threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class ServiceProcess:
    """`python -m reminder_service ARGS` with its output lines readable as they come.

    Each process gets its own free port for /healthz and friends unless `env` names one.
    It leads a process group of its own, as a command started from a shell does, so a
    signal can reach it and every process it starts, as a terminal's Ctrl-C does.
    """

    def __init__(self, *args: str, env: dict[str, str], cwd: Path = REPO) -> None:
        with _ctrl_c_not_ignored():
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "reminder_service", *args],
                cwd=cwd,
                env={**_base_environment(), "REMINDER_HTTP__PORT": str(free_port()), **env},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                process_group=0,
            )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        assert self._proc.stdout is not None
        threading.Thread(target=self._pump, args=(self._proc.stdout,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for_line(self, fragment: str, *, timeout_s: float = 10.0) -> str:
        """Block until a line containing `fragment` is printed; fail with what was printed.

        `timeout_s` bounds the whole wait, not each line: a process that keeps printing
        other lines (retrying, say) fails the test instead of holding it forever.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(self._report(f"no line with {fragment!r}")) from None
            if line is None:
                raise AssertionError(self._report(f"exited before printing {fragment!r}"))
            self.lines.append(line)
            if fragment in line:
                return line

    def send_signal(self, signum: int) -> None:
        """Send `signum`, as `kill` or `docker kill --signal` would."""
        self._proc.send_signal(signum)

    def send_signal_to_group(self, signum: int) -> None:
        """Send `signum` to the process and every process it started, as a terminal's
        Ctrl-C does."""
        os.killpg(self._proc.pid, signum)

    def group_is_gone(self) -> bool:
        """True when no process of its group is left, the process itself reaped."""
        try:
            os.killpg(self._proc.pid, 0)
        except ProcessLookupError:
            return True
        return False

    def stop(self, signum: int = signal.SIGTERM, *, timeout_s: float = 10.0) -> int:
        """Send `signum` and wait for the exit status."""
        self.send_signal(signum)
        return self.wait(timeout_s=timeout_s)

    def wait(self, *, timeout_s: float = 10.0) -> int:
        """Wait for the process to exit, collect the rest of its output, return the status."""
        status = self._proc.wait(timeout=timeout_s)
        try:
            while (line := self._queue.get(timeout=timeout_s)) is not None:
                self.lines.append(line)
        except queue.Empty:
            raise AssertionError(
                self._report(f"exited {status}, but a process it started keeps its output open")
            ) from None
        return status

    @property
    def output(self) -> str:
        """Everything read so far."""
        return "\n".join(self.lines)

    def _report(self, what: str) -> str:
        return f"{what}; output so far:\n{self.output}"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self._proc.pid, signal.SIGKILL)
        self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()


def _base_environment() -> dict[str, str]:
    """The test's environment without REMINDER_ variables, so only what a test sets applies."""
    return {k: v for k, v in os.environ.items() if not _is_reminder_setting(k)}


def _is_reminder_setting(name: str) -> bool:
    return name.upper().startswith("REMINDER_")
