"""The HTTP endpoints operators and orchestrators poll: `/healthz`, `/readyz`, `/metrics`.

A deliberately tiny HTTP/1.1 server on asyncio streams: GET (or HEAD) of three paths, one
request per connection, `Connection: close`. It runs on the daemon's own event loop, so a
loop that is blocked also stops answering `/healthz`, which is what a liveness probe should
see. Requests are bounded in size and time; a malformed or hostile one gets an error answer
(or is dropped) and never affects the next.

- `/healthz` (liveness): 200 while every loop keeps turning, else 503. It never touches the
  mail servers, so an outage of theirs does not get the container restarted.
- `/readyz`: 200 when a program is loaded, the database takes a write lock, the mail server
  was not failing at the last attempt and the reply mailbox (when configured) was checked
  recently; else 503. Both answer JSON naming each check and what is wrong.
- `/metrics`: the monitor's registry in the Prometheus (or OpenMetrics) text format.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

from prometheus_client.exposition import choose_encoder

from reminder_service.errors import ConfigError, StoreError
from reminder_service.failure_words import system_words
from reminder_service.metrics import Check, Monitor
from reminder_service.store.connection import translated

log = logging.getLogger(__name__)

MAX_LINE_BYTES = 8192
MAX_HEADERS = 100
REQUEST_TIMEOUT = timedelta(seconds=5)
"""How long a client may take to send its request line and headers."""
LINGER = timedelta(seconds=1)
LINGER_MAX_BYTES = 1024 * 1024
"""After an error answer, how long and how much of the rest of a bad request is read."""
PROBE_TIMEOUT = timedelta(seconds=2)
"""How long the database probe waits for a write lock held by a transaction of the daemon."""


@dataclass(frozen=True, slots=True)
class Request:
    """What this server needs of a request: its method, path and headers (names lowercased)."""

    method: str
    path: str
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Response:
    """A complete answer, written in one go before the connection closes."""

    status: HTTPStatus
    body: bytes
    content_type: str = "text/plain; charset=utf-8"


class BadRequestError(Exception):
    """The client did not send a request this server can read; `status` says how."""

    def __init__(self, status: HTTPStatus) -> None:
        super().__init__(status.phrase)
        self.status = status


class HealthServer:
    """Serves the monitor over HTTP on `host:port` until told to stop."""

    def __init__(
        self,
        monitor: Monitor,
        *,
        host: str,
        port: int,
        database: Path,
        probe_timeout: timedelta = PROBE_TIMEOUT,
        request_timeout: timedelta = REQUEST_TIMEOUT,
    ) -> None:
        self._monitor = monitor
        self._host = host
        self._port = port
        self._database = database
        self._probe_timeout = probe_timeout
        self._request_timeout = request_timeout
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[object]] = set()

    async def start(self) -> int:
        """Listen, and return the port (useful when `port` was 0); raises ConfigError."""
        try:
            self._server = await asyncio.start_server(
                self._connection, self._host, self._port, limit=MAX_LINE_BYTES
            )
        except OSError as exc:
            raise ConfigError(
                f"Cannot listen on {self._host}:{self._port} for health checks and metrics "
                f"({system_words(exc)}). Set REMINDER_HTTP__HOST and REMINDER_HTTP__PORT "
                "to an address and a free port of this machine."
            ) from exc
        port: int = self._server.sockets[0].getsockname()[1]
        log.info("health checks and metrics on http://%s:%d/", self._host, port)
        return port

    async def serve(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set, then close the port and drop open connections."""
        if self._server is None:
            await self.start()
        assert self._server is not None
        try:
            await stop.wait()
        finally:
            await self._close(self._server)

    async def _close(self, server: asyncio.Server) -> None:
        server.close()
        for task in self._connections:
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await server.wait_closed()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await self._exchange(reader, writer)
        except (ConnectionError, TimeoutError):
            log.debug("health: a client went away or was too slow")
        except Exception:
            log.exception("health: unexpected error while answering a request")
        finally:
            self._connections.discard(task)
            writer.close()

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(self._request_timeout.total_seconds()):
                request = await read_request(reader)
        except BadRequestError as exc:
            response = Response(exc.status, f"{exc.status.phrase}\n".encode())
            await _write(writer, response, head_only=False)
            await _linger(reader, writer)
            return
        response = await self.answer(request)
        await _write(writer, response, head_only=request.method == "HEAD")

    async def answer(self, request: Request) -> Response:
        """The response to one well-formed request."""
        if request.method not in ("GET", "HEAD"):
            return Response(HTTPStatus.METHOD_NOT_ALLOWED, b"Only GET and HEAD are served.\n")
        if request.path == "/healthz":
            return _checks_response(self._monitor.liveness.checks())
        if request.path == "/readyz":
            database = await asyncio.to_thread(
                database_check, self._database, timeout=self._probe_timeout
            )
            return _checks_response([*self._monitor.readiness(), database])
        if request.path == "/metrics":
            encode, content_type = choose_encoder(request.headers.get("accept", ""))
            return Response(HTTPStatus.OK, encode(self._monitor.registry), content_type)
        return Response(HTTPStatus.NOT_FOUND, b"Not found: try /healthz, /readyz or /metrics.\n")


async def read_request(reader: asyncio.StreamReader) -> Request:
    """Read a request line and headers; raises BadRequestError for anything malformed or too big."""
    method, target = _request_line(await _line(reader))
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADERS):
        line = await _line(reader)
        if not line:
            return Request(method, target.partition("?")[0], headers)
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise BadRequestError(HTTPStatus.BAD_REQUEST)
        headers[name.lower()] = value.strip()
    raise BadRequestError(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)


async def _line(reader: asyncio.StreamReader) -> str:
    """One line without its line ending; raises BadRequestError when too long, cut or not ASCII."""
    try:
        raw = await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError:
        raise BadRequestError(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE) from None
    except asyncio.IncompleteReadError:
        raise BadRequestError(HTTPStatus.BAD_REQUEST) from None
    try:
        return raw.decode("ascii").rstrip("\r\n")
    except UnicodeDecodeError:
        raise BadRequestError(HTTPStatus.BAD_REQUEST) from None


def _request_line(line: str) -> tuple[str, str]:
    parts = line.split(" ")
    if len(parts) != 3 or not parts[1].startswith("/"):
        raise BadRequestError(HTTPStatus.BAD_REQUEST)
    method, target, version = parts
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        raise BadRequestError(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED)
    return method, target


async def _write(writer: asyncio.StreamWriter, response: Response, *, head_only: bool) -> None:
    status = response.status
    head = (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        f"Content-Type: {response.content_type}\r\n"
        f"Content-Length: {len(response.body)}\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n\r\n"
    )
    writer.write(head.encode("ascii") + (b"" if head_only else response.body))
    with contextlib.suppress(ConnectionError):
        await writer.drain()


async def _linger(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Read and drop what the client is still sending, for a moment, before closing.

    Closing with unread input makes the kernel reset the connection, which can destroy the
    error answer before the client reads it.
    """
    if writer.can_write_eof():
        writer.write_eof()
    with contextlib.suppress(TimeoutError, ConnectionError):
        async with asyncio.timeout(LINGER.total_seconds()):
            for _ in range(LINGER_MAX_BYTES // MAX_LINE_BYTES):
                if not await reader.read(MAX_LINE_BYTES):
                    return


def _checks_response(checks: list[Check]) -> Response:
    """200 when every check passes, else 503; JSON naming each check and what is wrong."""
    failing = [check.name for check in checks if not check.ok]
    body = {
        "status": "failing" if failing else "ok",
        "failing": failing,
        "checks": {check.name: check.detail for check in checks},
    }
    status = HTTPStatus.SERVICE_UNAVAILABLE if failing else HTTPStatus.OK
    return Response(status, json.dumps(body, indent=2).encode() + b"\n", "application/json")


def database_check(path: Path, *, timeout: timedelta) -> Check:
    """Whether the database file exists and this process could start writing to it now.

    A connection of its own (the store's belongs to its thread) opens the file without
    creating it and takes the write lock (`BEGIN IMMEDIATE`), then gives it back at once.
    """
    try:
        with translated(path, busy_timeout=timeout):
            _take_write_lock(path, timeout=timeout)
    except StoreError as exc:
        return Check("database", ok=False, detail=str(exc))
    return Check("database", ok=True, detail="writable")


def _take_write_lock(path: Path, *, timeout: timedelta) -> None:
    uri = f"{path.resolve().as_uri()}?mode=rw"
    connection = sqlite3.connect(
        uri, uri=True, timeout=timeout.total_seconds(), isolation_level=None
    )
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    finally:
        connection.close()
