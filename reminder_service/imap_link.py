"""One aioimaplib connection to the reply mailbox, with the workarounds aioimaplib needs.

aioimaplib 2.0.3 never fails a pending command when the connection drops, so `Link.run`
races every command against an event set when the socket closes; and it keeps IDLE pushes
from earlier IDLEs, so `Link.forget_pushes` empties the queue before each IDLE begins
(../shared/MAIL-SERVERS.md). Timeouts, commands and error wording are the adapter's
(imap.py), not this module's.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable
from typing import Any, TypeVar

import aioimaplib

from reminder_service.imap_config import ImapConfig
from reminder_service.imap_responses import classify_push

T = TypeVar("T")


class ConnectionLostError(Exception):
    """The server closed the connection (or it broke) while a command was pending."""


class Link:
    """One aioimaplib connection, and an event set once its socket has closed."""

    def __init__(self, config: ImapConfig, tls_context: ssl.SSLContext | None) -> None:
        self.lost = asyncio.Event()
        self.client = aioimaplib.IMAP4(
            host=config.host,
            port=config.port,
            timeout=config.command_timeout_s,
            conn_lost_cb=self._on_lost,
            ssl_context=tls_context,
        )
        self.protocol = self.client.protocol
        self._capabilities: frozenset[str] = frozenset()

    def learn_capabilities(self) -> None:
        self._capabilities = frozenset(str(name).upper() for name in self.protocol.capabilities)

    def supports(self, capability: str) -> bool:
        return capability in self._capabilities

    async def run(self, operation: Awaitable[T]) -> T:
        """Await `operation`, or raise ConnectionLostError as soon as the socket closes."""
        task = asyncio.ensure_future(operation)
        watcher = asyncio.ensure_future(self.lost.wait())
        try:
            await asyncio.wait((task, watcher), return_when=asyncio.FIRST_COMPLETED)
        finally:
            watcher.cancel()
            if not task.done():
                task.cancel()
        if task.done():
            return task.result()
        raise ConnectionLostError

    async def next_push(self, stop: asyncio.Event) -> list[bytes] | None:
        """The next lines the server pushed during IDLE; None once `stop` is set."""
        getter = asyncio.ensure_future(self.protocol.idle_queue.get())
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait((getter, stopper), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
            if not getter.done():
                getter.cancel()
        return list(getter.result()) if getter.done() else None

    def forget_pushes(self) -> None:
        """Empty the push queue: aioimaplib keeps pushes from earlier IDLEs there."""
        queue = self.protocol.idle_queue
        while not queue.empty():
            queue.get_nowait()

    def abort(self) -> None:
        """Close the socket at once and stop aioimaplib's helper tasks and timers."""
        client = self.client
        transport = self.protocol.transport
        if transport is not None:
            transport.abort()
        if client._idle_waiter is not None:
            client._idle_waiter.cancel()
        for task in (client._client_task, *client.tasks, *self.protocol.tasks):
            _settle(task)

    def _on_lost(self, exc: Exception | None) -> None:
        self.lost.set()


def _settle(task: asyncio.Future[Any]) -> None:
    """Cancel `task`, or if it has ended, take its exception so asyncio does not log it."""
    if not task.done():
        task.cancel()
    elif not task.cancelled():
        task.exception()


async def until_news(link: Link, stop: asyncio.Event) -> None:
    """Wait for a push that may mean new mail, or for `stop`."""
    while (push := await link.run(link.next_push(stop))) is not None:
        kind = classify_push(push)
        if kind == "goodbye":
            raise ConnectionLostError
        if kind == "news":
            return
