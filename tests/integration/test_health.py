"""The health and metrics HTTP server on a free port, with real SQLite; only the clock is fake."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from reminder_service.errors import ConfigError, StoreError
from reminder_service.health import HealthServer
from reminder_service.metrics import Check, Liveness, Monitor, OutboxCounts
from reminder_service.settings import load_settings
from reminder_service.store import SqliteStore
from tests.support.loop import FakeClock

LOOPS = {"planner": timedelta(minutes=5), "sender": timedelta(minutes=5)}


@dataclass
class Served:
    """A running server, the monitor it reports and the clock both read."""

    port: int
    monitor: Monitor
    clock: FakeClock
    database: Path


@dataclass(frozen=True)
class Answer:
    """A parsed HTTP response."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A real, migrated database file, closed so the server's probe opens it on its own."""
    path = tmp_path / "reminders.sqlite3"
    SqliteStore.open(path).close()
    return path


@asynccontextmanager
async def serving(database: Path, *, reading: bool, **options: Any) -> AsyncIterator[Served]:
    """A server on a free port for the duration of the block; stopped and awaited after."""
    clock = FakeClock()
    monitor = Monitor(clock=clock, reading=reading, loops=LOOPS, monotonic=clock.monotonic)
    server = HealthServer(monitor, host="127.0.0.1", port=0, database=database, **options)
    port = await server.start()
    stop = asyncio.Event()
    task = asyncio.create_task(server.serve(stop))
    try:
        yield Served(port, monitor, clock, database)
    finally:
        stop.set()
        await task


@pytest.fixture
async def served(database: Path) -> AsyncIterator[Served]:
    """A server for a send-only deployment whose program is loaded."""
    async with serving(database, reading=False, request_timeout=timedelta(seconds=2)) as running:
        running.monitor.reloaded(True, at=running.clock.now())
        yield running


@pytest.fixture
async def reading(database: Path) -> AsyncIterator[Served]:
    """A server for a deployment that also reads a reply mailbox."""
    async with serving(database, reading=True) as running:
        running.monitor.reloaded(True, at=running.clock.now())
        yield running


async def exchange(port: int, raw: bytes) -> bytes:
    """Send raw bytes, end the sending side, then read until the server closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        writer.write_eof()
        await writer.drain()
        return await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()


def parse(raw: bytes) -> Answer:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("ascii").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return Answer(int(status_line.split(" ")[1]), {k.lower(): v for k, v in headers.items()}, body)


async def get(port: int, path: str, *, method: str = "GET", headers: str = "") -> Answer:
    request = f"{method} {path} HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n"
    return parse(await exchange(port, request.encode("ascii")))


def sample(metrics: str, name: str) -> float:
    """The value of the sample line that starts with `name` (labels included)."""
    for line in metrics.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {name} in:\n{metrics}")


async def test_healthz_is_ok_while_the_loops_turn(served: Served) -> None:
    """/healthz answers 200 and names every loop while each turns within its allowance."""
    served.clock.advance(timedelta(minutes=4))
    served.monitor.beat("planner")
    served.monitor.beat("sender")
    served.clock.advance(timedelta(minutes=4))
    answer = await get(served.port, "/healthz")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["status"] == "ok"
    assert set(answer.json()["checks"]) == {"planner", "sender"}


async def test_healthz_fails_when_a_loop_is_stuck(served: Served) -> None:
    """/healthz answers 503 naming the loop that has not turned within its allowance."""
    served.clock.advance(timedelta(minutes=4))
    served.monitor.beat("planner")
    served.clock.advance(timedelta(minutes=2))
    answer = await get(served.port, "/healthz")
    assert answer.status == 503
    assert answer.json()["failing"] == ["sender"]
    assert "stuck" in answer.json()["checks"]["sender"]


async def test_a_loop_announcing_a_long_wait_stays_alive(served: Served) -> None:
    """A beat with next_within keeps the loop alive through a wait longer than its allowance."""
    served.monitor.beat("planner", next_within=timedelta(hours=1))
    served.monitor.beat("sender", next_within=timedelta(hours=1))
    served.clock.advance(timedelta(minutes=59))
    assert (await get(served.port, "/healthz")).status == 200
    served.clock.advance(timedelta(minutes=3))
    assert (await get(served.port, "/healthz")).status == 503


def test_a_forward_step_of_the_wall_clock_marks_no_loop_stuck() -> None:
    """A wall clock set a day ahead (NTP, a resumed virtual machine) passes no real time, so
    loops that just turned are still fine."""
    clock = FakeClock()
    liveness = Liveness(LOOPS, clock=clock, monotonic=clock.monotonic)
    liveness.beat("planner")
    liveness.beat("sender")
    clock.step(timedelta(days=1))
    assert [check.ok for check in liveness.checks()] == [True, True]


def test_a_backward_step_of_the_wall_clock_does_not_hide_a_stuck_loop() -> None:
    """Loops that stop turning right after the wall clock went back an hour count as stuck
    once their allowance of real time has passed."""
    clock = FakeClock()
    liveness = Liveness(LOOPS, clock=clock, monotonic=clock.monotonic)
    liveness.beat("planner")
    liveness.beat("sender")
    clock.step(timedelta(hours=-1))
    clock.advance(timedelta(minutes=30))
    assert [check.ok for check in liveness.checks()] == [False, False]


async def test_healthz_ignores_the_mail_servers(served: Served) -> None:
    """A failing mail server makes the service unready but not unhealthy."""
    served.monitor.smtp_failed(reason="connection refused")
    assert (await get(served.port, "/healthz")).status == 200
    assert (await get(served.port, "/readyz")).status == 503


def test_beating_an_unknown_loop_is_a_wiring_mistake() -> None:
    """A beat from a loop the monitor was not told about raises ValueError."""
    monitor = Monitor(clock=FakeClock(), reading=False, loops=LOOPS)
    with pytest.raises(ValueError, match="unknown loop 'inbox'"):
        monitor.beat("inbox")


async def test_readyz_is_ok_for_a_loaded_program_and_writable_database(served: Served) -> None:
    """/readyz answers 200 with each check's state when everything is in order."""
    answer = await get(served.port, "/readyz")
    assert answer.status == 200
    assert answer.json() == {
        "status": "ok",
        "failing": [],
        "checks": {"program": "loaded", "smtp": "not needed yet", "database": "writable"},
    }


async def test_readyz_fails_until_a_program_is_loaded(database: Path) -> None:
    """Before a first successful load, /readyz answers 503 naming the program."""
    async with serving(database, reading=False) as running:
        running.monitor.reloaded(False, at=running.clock.now())
        answer = await get(running.port, "/readyz")
        assert answer.status == 503
        assert answer.json()["failing"] == ["program"]


async def test_a_bad_edit_keeps_the_service_ready(served: Served) -> None:
    """A rejected reload after a good load leaves the service ready on the last good program."""
    served.monitor.reloaded(False, at=served.clock.now())
    assert (await get(served.port, "/readyz")).status == 200


async def test_readyz_says_the_last_edit_was_refused_and_why(served: Served) -> None:
    """A refused edit is named in the program check, with its first problem, until a good one."""
    problems = ("program.yaml:9: pairs[0].mentee.email: 'ben@' is not an email address", "x")
    served.monitor.reloaded(False, at=served.clock.now(), problems=problems)
    answer = await get(served.port, "/readyz")
    assert answer.status == 200
    assert answer.json()["checks"]["program"] == (
        "loaded, but the last edit was refused and the last good program is running:"
        f" {problems[0]} (and 1 more; run `reminder-service check` to see all)"
    )
    served.monitor.reloaded(True, at=served.clock.now())
    assert (await get(served.port, "/readyz")).json()["checks"]["program"] == "loaded"


async def test_readyz_fails_when_the_database_is_gone(served: Served) -> None:
    """A database file that disappeared makes /readyz answer 503 naming the database."""
    served.database.unlink()
    answer = await get(served.port, "/readyz")
    assert answer.status == 503
    assert answer.json()["failing"] == ["database"]
    assert "Cannot open the database" in answer.json()["checks"]["database"]
    assert not served.database.exists()


async def test_readyz_fails_when_the_database_stays_locked(database: Path) -> None:
    """A write lock held elsewhere beyond the probe's patience makes /readyz answer 503."""
    async with serving(database, reading=False, probe_timeout=timedelta(0)) as running:
        running.monitor.reloaded(True, at=running.clock.now())
        other = sqlite3.connect(database, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            answer = await get(running.port, "/readyz")
        finally:
            other.close()
        assert answer.status == 503
        assert "locked" in answer.json()["checks"]["database"]
        assert (await get(running.port, "/readyz")).status == 200


async def test_readyz_follows_the_last_smtp_attempt(served: Served) -> None:
    """/readyz fails while the last SMTP attempt failed, with its reason, and recovers after."""
    served.monitor.smtp_failed(reason="the mail server refused the connection")
    answer = await get(served.port, "/readyz")
    assert answer.status == 503
    assert answer.json()["failing"] == ["smtp"]
    assert "refused the connection" in answer.json()["checks"]["smtp"]
    served.clock.advance(timedelta(seconds=1))
    served.monitor.sent("checkin")
    assert (await get(served.port, "/readyz")).status == 200


async def test_readyz_needs_a_recent_mailbox_check_when_reading(reading: Served) -> None:
    """With a mailbox, /readyz waits for a first check and fails again when checks stop."""
    first = await get(reading.port, "/readyz")
    assert first.status == 503
    assert first.json()["failing"] == ["imap"]
    reading.monitor.polled()
    assert (await get(reading.port, "/readyz")).status == 200
    reading.clock.advance(timedelta(minutes=31))
    stale = await get(reading.port, "/readyz")
    assert stale.status == 503
    assert "last checked successfully at" in stale.json()["checks"]["imap"]


def imap_check(monitor: Monitor) -> Check:
    """The reply mailbox's line of the readiness checks."""
    (check,) = [check for check in monitor.readiness() if check.name == "imap"]
    return check


def test_a_forward_step_of_the_wall_clock_keeps_a_fresh_mailbox_check() -> None:
    """A wall clock set a day ahead right after a mailbox check passes no real time: the
    check stays fresh, and the metrics count no time since it."""
    clock = FakeClock()
    monitor = Monitor(clock=clock, reading=True, loops=LOOPS, monotonic=clock.monotonic)
    monitor.polled()
    clock.step(timedelta(days=1))
    assert imap_check(monitor).ok
    assert monitor.imap_facts() == (False, timedelta(0))


def test_a_backward_step_of_the_wall_clock_does_not_hide_stopped_mailbox_checks() -> None:
    """Mailbox checks that stop right after the wall clock went back an hour make the
    service unready once 30 minutes of real time have passed."""
    clock = FakeClock()
    monitor = Monitor(clock=clock, reading=True, loops=LOOPS, monotonic=clock.monotonic)
    monitor.polled()
    clock.step(timedelta(hours=-1))
    clock.advance(timedelta(minutes=31))
    assert not imap_check(monitor).ok
    assert monitor.imap_facts() == (False, timedelta(minutes=31))


async def test_metrics_count_what_the_daemon_reports(reading: Served) -> None:
    """/metrics shows the counters, gauges and outbox counts after the daemon's calls."""
    monitor, clock = reading.monitor, reading.clock
    monitor.set_outbox_source(lambda: {("checkin", "sent"): 7, ("thanks", "pending"): 2})
    monitor.sent("checkin")
    monitor.sent("checkin")
    monitor.send_failed("reminder")
    monitor.retried("checkin")
    monitor.unknown("digest")
    monitor.reply("meeting")
    monitor.meeting_logged()
    monitor.imap_connected(True)
    monitor.polled()
    clock.advance(timedelta(seconds=42))
    monitor.reloaded(False, at=clock.now())
    answer = await get(reading.port, "/metrics")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.body.decode()
    assert sample(text, 'reminder_emails_sent_total{kind="checkin"}') == 2
    assert sample(text, 'reminder_emails_sent_total{kind="thanks"}') == 0
    assert sample(text, 'reminder_emails_failed_total{kind="reminder"}') == 1
    assert sample(text, 'reminder_email_retries_total{kind="checkin"}') == 1
    assert sample(text, 'reminder_email_unknown_outcomes_total{kind="digest"}') == 1
    assert sample(text, 'reminder_replies_total{outcome="meeting"}') == 1
    assert sample(text, 'reminder_replies_total{outcome="unclear"}') == 0
    assert sample(text, "reminder_meetings_logged_total") == 1
    assert sample(text, 'reminder_emails{kind="checkin",state="sent"}') == 7
    assert sample(text, 'reminder_emails{kind="thanks",state="pending"}') == 2
    assert sample(text, "reminder_imap_connected") == 1
    assert sample(text, "reminder_imap_seconds_since_last_successful_poll") == 42
    assert sample(text, "reminder_config_last_reload_successful") == 0
    loaded_at = sample(text, "reminder_config_last_reload_success_timestamp_seconds")
    assert loaded_at == (clock.now() - timedelta(seconds=42)).timestamp()


async def test_metrics_of_a_send_only_deployment_leave_out_imap(served: Served) -> None:
    """Without a reply mailbox, /metrics has no IMAP families and reports a good reload."""
    text = (await get(served.port, "/metrics")).body.decode()
    assert "reminder_imap" not in text
    assert sample(text, "reminder_config_last_reload_successful") == 1


async def test_metrics_survive_an_unreadable_outbox(served: Served) -> None:
    """When the outbox cannot be counted, /metrics still answers with everything else."""

    def broken() -> OutboxCounts:
        raise StoreError("The disk holding the database is full")

    served.monitor.set_outbox_source(broken)
    answer = await get(served.port, "/metrics")
    assert answer.status == 200
    assert "reminder_emails{" not in answer.body.decode()
    assert "reminder_meetings_logged_total" in answer.body.decode()


async def test_metrics_speak_openmetrics_when_asked(served: Served) -> None:
    """A scraper that accepts OpenMetrics gets that format."""
    answer = await get(
        served.port, "/metrics", headers="Accept: application/openmetrics-text; version=1.0.0\r\n"
    )
    assert answer.headers["content-type"].startswith("application/openmetrics-text")
    assert answer.body.endswith(b"# EOF\n")


async def test_other_paths_and_methods_are_refused(served: Served) -> None:
    """An unknown path gets 404 and a POST gets 405."""
    assert (await get(served.port, "/")).status == 404
    assert (await get(served.port, "/healthz/../metrics")).status == 404
    assert (await get(served.port, "/healthz", method="POST")).status == 405


async def test_head_answers_without_a_body(served: Served) -> None:
    """HEAD gets the status and length of the GET answer but no body."""
    answer = await get(served.port, "/healthz", method="HEAD")
    assert answer.status == 200
    assert int(answer.headers["content-length"]) > 0
    assert answer.body == b""


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"garbage\r\n\r\n", 400),
        (b"GET /healthz\r\n\r\n", 400),
        (b"GET /healthz HTTP/2.0\r\n\r\n", 505),
        (b"GET /healthz HTTP/1.1\r\nno colon here\r\n\r\n", 400),
        (b"GET /h\xe9althz HTTP/1.1\r\n\r\n", 400),
        (b"GET /healthz HTTP/1.1\r\nX-Long: " + b"a" * 100_000 + b"\r\n\r\n", 431),
        (b"GET /healthz HTTP/1.1\r\n" + b"X-A: b\r\n" * 101 + b"\r\n", 431),
        (b"GET /healthz HTTP/1.1\r\nHost: cut short", 400),
    ],
)
async def test_a_malformed_request_gets_an_error_and_the_server_keeps_serving(
    served: Served, raw: bytes, status: int
) -> None:
    """Each malformed or oversized request gets its error status; the next request is served."""
    assert parse(await exchange(served.port, raw)).status == status
    assert (await get(served.port, "/healthz")).status == 200


async def test_a_silent_client_is_dropped(database: Path) -> None:
    """A client that sends nothing is disconnected after the request timeout."""
    patience = timedelta(milliseconds=200)
    async with serving(database, reading=False, request_timeout=patience) as running:
        reader, writer = await asyncio.open_connection("127.0.0.1", running.port)
        assert await reader.read() == b""
        writer.close()
        await writer.wait_closed()
        assert (await get(running.port, "/healthz")).status == 200


async def test_stop_closes_the_port_and_open_connections(database: Path) -> None:
    """Setting stop ends serve promptly even with a client connected, and the port closes."""
    clock = FakeClock()
    server = HealthServer(
        Monitor(clock=clock, reading=False, loops=LOOPS, monotonic=clock.monotonic),
        host="127.0.0.1",
        port=0,
        database=database,
    )
    port = await server.start()
    stop = asyncio.Event()
    task = asyncio.create_task(server.serve(stop))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /healthz HTTP/1.1\r\n")
    await writer.drain()
    stop.set()
    async with asyncio.timeout(2):
        await task
        assert await reader.read() == b""
    writer.close()
    await writer.wait_closed()
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", port)


async def test_a_busy_port_is_reported_for_the_operator(served: Served, database: Path) -> None:
    """Starting on a port already in use raises ConfigError naming the setting to change."""
    second = HealthServer(served.monitor, host="127.0.0.1", port=served.port, database=database)
    with pytest.raises(ConfigError, match="REMINDER_HTTP__PORT"):
        await second.start()


def test_http_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """REMINDER_HTTP__HOST and REMINDER_HTTP__PORT set where the server listens."""
    assert load_settings(env_file=None, secrets_dir=tmp_path).http.port == 8080
    monkeypatch.setenv("REMINDER_HTTP__HOST", "0.0.0.0")
    monkeypatch.setenv("REMINDER_HTTP__PORT", "9102")
    http = load_settings(env_file=None, secrets_dir=tmp_path).http
    assert (http.host, http.port) == ("0.0.0.0", 9102)
