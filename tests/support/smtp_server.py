"""A real SMTP server on 127.0.0.1 for tests and benchmarks, which misbehaves on request.

It wraps aiosmtpd's threaded Controller: the server runs its own event loop in its own
thread, records every message it accepts, counts connections, and can be told to answer
MAIL, RCPT or DATA with a given reply, to drop the connection after the message data, to
stall after the final dot, or to stall an RCPT. TLS (STARTTLS or implicit) uses a
certificate for "localhost" and "127.0.0.1" issued by a trustme CA that the client is given.

Use it directly (`start_smtp_server(...)`, then `.stop()`) or as a context manager; the
pytest fixtures live in tests/integration/conftest.py. `python -m tests.support.smtp_server`
runs one in its own process (for benchmarks and the end-to-end test) and prints its port.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import ssl
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"
USERNAME = "mentoring@example.test"
PASSWORD = "correct horse battery staple"

Command = Literal["MAIL", "RCPT", "DATA"]
DataFault = Literal["drop", "stall"]
TlsMode = Literal["none", "starttls", "implicit"]


@dataclass(frozen=True, slots=True)
class Received:
    """A message the server accepted: the envelope and the message bytes as transmitted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes


class Recorder:
    """The aiosmtpd handler: records accepted mail and plays back scripted misbehaviour.

    Its hooks run in the server thread; every other method is called from tests, so all
    shared state sits behind one condition variable.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._messages: list[Received] = []
        self._connections = 0
        self._replies: dict[Command, deque[str]] = {c: deque() for c in ("MAIL", "RCPT", "DATA")}
        self._refused: dict[str, str] = {}
        self._data_faults: deque[DataFault] = deque()
        self._rcpt_stalls = 0
        self._faults_hit = 0
        self.before_reply: Callable[[Command], None] | None = None
        """Called in the server thread with each MAIL, RCPT and DATA (once the message data has
        arrived), before the server replies."""
        self.reply_delay_s = 0.0
        """Seconds each MAIL, RCPT and DATA reply takes, like a server doing real work."""

    @property
    def messages(self) -> list[Received]:
        """A copy of the messages accepted so far, oldest first."""
        with self._changed:
            return list(self._messages)

    @property
    def connections(self) -> int:
        """How many client connections the server has seen."""
        with self._changed:
            return self._connections

    def reply_next(self, command: Command, reply: str, *, times: int = 1) -> None:
        """Answer the next `times` MAIL, RCPT or DATA (after the final dot) with `reply`."""
        with self._changed:
            self._replies[command].extend([reply] * times)

    def refuse_recipient(self, address: str, reply: str) -> None:
        """Answer every RCPT for `address` with `reply`."""
        with self._changed:
            self._refused[address] = reply

    def fault_next_data(self, fault: DataFault, *, times: int = 1) -> None:
        """After the next `times` messages' final dot, drop the connection or never answer."""
        with self._changed:
            self._data_faults.extend([fault] * times)

    def stall_next_rcpt(self, *, times: int = 1) -> None:
        """Never answer the next `times` RCPT commands: the envelope is never finished."""
        with self._changed:
            self._rcpt_stalls += times

    def wait_for_messages(self, count: int, *, timeout_s: float = 5.0) -> list[Received]:
        """Block until at least `count` messages were accepted; TimeoutError otherwise."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._messages) >= count, timeout_s):
                raise TimeoutError(f"{len(self._messages)} of {count} messages after {timeout_s}s")
            return list(self._messages)

    def wait_for_faults(self, count: int, *, timeout_s: float = 5.0) -> None:
        """Block until `count` scripted drops or stalls have happened; TimeoutError otherwise."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._faults_hit >= count, timeout_s):
                raise TimeoutError(f"{self._faults_hit} of {count} faults after {timeout_s}s")

    def connection_opened(self) -> None:
        """Count a new client connection (called from the server thread)."""
        with self._changed:
            self._connections += 1

    def reset_connections(self) -> None:
        """Forget connections counted so far (the Controller's own start-up probe)."""
        with self._changed:
            self._connections = 0

    async def handle_MAIL(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        """Accept the sender unless a reply was scripted."""
        await self._work()
        self._before_reply("MAIL")
        scripted = self._scripted("MAIL")
        if scripted is not None:
            return scripted
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        """Accept the recipient unless it is refused, stalled or a reply was scripted."""
        await self._work()
        self._before_reply("RCPT")
        with self._changed:
            refused = self._refused.get(address)
            stall = self._rcpt_stalls > 0
            if stall:
                self._rcpt_stalls -= 1
                self._faults_hit += 1
                self._changed.notify_all()
        if stall:
            # Cancelled when the connection closes, or when the server stops.
            await asyncio.get_running_loop().create_future()
        scripted = refused or self._scripted("RCPT")
        if scripted is not None:
            return scripted
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        """Record the message and answer 250, unless a fault or a reply was scripted."""
        await self._work()
        self._before_reply("DATA")
        with self._changed:
            fault = self._data_faults.popleft() if self._data_faults else None
            if fault is not None:
                self._faults_hit += 1
                self._changed.notify_all()
        if fault == "drop":
            _abort(server.transport)
        if fault is not None:
            # Cancelled when the connection closes, or when the server stops.
            await asyncio.get_running_loop().create_future()
        scripted = self._scripted("DATA")
        if scripted is not None:
            return scripted
        assert envelope.mail_from is not None
        assert envelope.original_content is not None
        received = Received(
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            data=envelope.original_content,
        )
        with self._changed:
            self._messages.append(received)
            number = len(self._messages)
            self._changed.notify_all()
        return f"250 2.0.0 OK queued as {number}"

    async def _work(self) -> None:
        """Take `reply_delay_s` over a reply, as a relay checking and queueing mail would."""
        if self.reply_delay_s:
            await asyncio.sleep(self.reply_delay_s)

    def _before_reply(self, command: Command) -> None:
        if self.before_reply is not None:
            self.before_reply(command)

    def _scripted(self, command: Command) -> str | None:
        with self._changed:
            replies = self._replies[command]
            return replies.popleft() if replies else None


class _CountingController(Controller):
    """A Controller that tells the recorder about each connection and can drop them all."""

    def __init__(self, recorder: Recorder, **kwargs: Any) -> None:
        super().__init__(recorder, **kwargs)
        self._recorder = recorder
        self._sessions: list[SMTP] = []

    def factory(self) -> SMTP:
        smtp = SMTP(self.handler, **self.SMTP_kwargs)
        self._recorder.connection_opened()
        self._sessions.append(smtp)
        return smtp

    def drop_connections(self) -> None:
        """Abort every open connection, as a server does with idle clients."""
        asyncio.run_coroutine_threadsafe(self._abort_all(), self.loop).result(timeout=5)

    async def _abort_all(self) -> None:
        for smtp in self._sessions:
            _abort(smtp.transport)
        self._sessions.clear()


class SmtpTestServer(Recorder):
    """An aiosmtpd server on 127.0.0.1 with a free port; see the module docstring.

    With `credentials`, AUTH PLAIN/LOGIN accepts exactly that (username, password). Under
    `starttls` the server requires STARTTLS, then AUTH; under `none` or `implicit` it offers
    AUTH without requiring it (aiosmtpd cannot require AUTH there without a warning).
    With `smtputf8=False` it does not offer SMTPUTF8, like many real servers.
    """

    def __init__(
        self,
        *,
        tls: TlsMode = "none",
        ca: trustme.CA | None = None,
        credentials: tuple[str, str] | None = None,
        smtputf8: bool = True,
    ) -> None:
        super().__init__()
        if tls != "none" and ca is None:
            raise ValueError("a TLS test server needs a trustme CA")
        self.host = HOST
        self.port = free_port()
        self.tls: TlsMode = tls
        self._options = {
            **_tls_arguments(tls, ca),
            **_auth_arguments(tls, credentials),
            "enable_SMTPUTF8": smtputf8,
        }
        self._controller: _CountingController | None = None

    def start(self) -> None:
        """Listen and serve in a background thread; returns once the server is ready."""
        if self._controller is not None:
            raise RuntimeError("the test SMTP server is already running")
        self._controller = _CountingController(
            self, hostname=HOST, port=self.port, server_hostname="localhost", **self._options
        )
        self._controller.start()
        self.reset_connections()

    def stop(self) -> None:
        """Abort open connections and stop serving; stalled handlers are cancelled."""
        if self._controller is not None:
            self._controller.drop_connections()
            self._controller.stop()
            self._controller = None

    def drop_connections(self) -> None:
        """Abort every open client connection from the server side, and wait until done."""
        if self._controller is None:
            raise RuntimeError("the test SMTP server is not running")
        self._controller.drop_connections()

    async def messages_arrived(self, count: int, *, timeout_s: float = 5.0) -> list[Received]:
        """Wait, without blocking the event loop, until `count` messages were accepted."""
        return await asyncio.to_thread(self.wait_for_messages, count, timeout_s=timeout_s)

    async def faults_reached(self, count: int, *, timeout_s: float = 5.0) -> None:
        """Wait, without blocking the event loop, until `count` drops or stalls happened.

        A stall is reached once the whole message is in, so the client is awaiting the reply.
        """
        await asyncio.to_thread(self.wait_for_faults, count, timeout_s=timeout_s)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_smtp_server(
    *,
    tls: TlsMode = "none",
    ca: trustme.CA | None = None,
    credentials: tuple[str, str] | None = None,
) -> SmtpTestServer:
    """Start a test server and return it; call `.stop()` when done."""
    server = SmtpTestServer(tls=tls, ca=ca, credentials=credentials)
    server.start()
    return server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (aiosmtpd cannot bind port 0)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _abort(transport: asyncio.BaseTransport | None) -> None:
    """Close a connection at once, without replying or saying goodbye (even under TLS)."""
    if isinstance(transport, asyncio.WriteTransport):
        transport.abort()


def _tls_arguments(tls: TlsMode, ca: trustme.CA | None) -> dict[str, Any]:
    if tls == "none" or ca is None:
        return {}
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", HOST).configure_cert(context)
    if tls == "implicit":
        return {"ssl_context": context}
    return {"tls_context": context, "require_starttls": True}


def _auth_arguments(tls: TlsMode, credentials: tuple[str, str] | None) -> dict[str, Any]:
    if credentials is None:
        return {}
    required = tls == "starttls"
    return {
        "authenticator": _Authenticator(credentials),
        "auth_required": required,
        "auth_require_tls": required,
    }


class _Authenticator:
    """Accepts exactly one username and password."""

    def __init__(self, credentials: tuple[str, str]) -> None:
        self._login = credentials[0].encode()
        self._password = credentials[1].encode()

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        valid = (
            isinstance(data, LoginPassword)
            and data.login == self._login
            and data.password == self._password
        )
        return AuthResult(success=valid, handled=False)


def main() -> None:
    """Serve until SIGTERM or SIGINT, printing the port (and writing the CA, with TLS) first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ca-file",
        type=Path,
        help="require STARTTLS and AUTH, and write the trusted CA certificate here",
    )
    parser.add_argument(
        "--reply-delay-ms",
        type=float,
        default=0.0,
        help="take this long over each MAIL, RCPT and DATA reply, like a relay doing real work",
    )
    arguments = parser.parse_args()
    ca = trustme.CA() if arguments.ca_file else None
    if ca is not None:
        ca.cert_pem.write_to_path(str(arguments.ca_file))
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    with SmtpTestServer(
        tls="starttls" if ca else "none",
        ca=ca,
        credentials=(USERNAME, PASSWORD) if ca else None,
    ) as server:
        server.reply_delay_s = arguments.reply_delay_ms / 1000
        print(server.port, flush=True)
        stopped.wait()


if __name__ == "__main__":
    main()
