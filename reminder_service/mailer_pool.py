"""Several SMTP connections used side by side (REMINDER_SMTP__CONNECTIONS).

Each connection waits for the server's reply to every command, so one connection spends
most of its time waiting; a few in parallel keep a large outbox moving (bench/send_pipeline.py).
A connection is opened only when every open one is busy, so a small program that sends one
email at a time keeps a single connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from reminder_service.ports import BeforeData, Delivery, Mailer


class MailerPool:
    """Up to `size` mailers sending at once; a send takes the most recently idle one."""

    def __init__(self, make: Callable[[], Mailer], *, size: int) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one connection")
        self._make = make
        self._idle: list[Mailer] = []
        self._slots = asyncio.Semaphore(size)

    async def send(
        self,
        *,
        sender: str,
        recipients: Sequence[str],
        message: bytes,
        before_data: BeforeData | None = None,
    ) -> Delivery:
        """Send on an idle connection, opening one if all are busy and the pool has room."""
        async with self._slots:
            mailer = self._idle.pop() if self._idle else self._make()
            try:
                return await mailer.send(
                    sender=sender, recipients=recipients, message=message, before_data=before_data
                )
            finally:
                self._idle.append(mailer)

    async def close(self) -> None:
        """Close every idle connection; never raises. Sends in progress keep theirs."""
        idle, self._idle = self._idle, []
        for mailer in idle:
            await mailer.close()
