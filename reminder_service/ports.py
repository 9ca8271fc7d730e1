"""The small interfaces the daemon depends on, so tests can pass fakes without inheritance."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """The only way the shell learns the time."""

    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        ...


@dataclass(frozen=True, slots=True)
class Delivery:
    """The server accepted the message: its final reply, and any recipients it refused."""

    response: str
    refused: Mapping[str, str]


BeforeData = Callable[[], Awaitable[None]]
"""What a mailer awaits between a message's envelope and its data (the outbox's claim)."""


class Mailer(Protocol):
    """Hands messages to a mail server; raises the SendError family on failure."""

    async def send(
        self,
        *,
        sender: str,
        recipients: Sequence[str],
        message: bytes,
        before_data: BeforeData | None = None,
    ) -> Delivery:
        """Send one message; returns what the server said.

        `before_data`, when given, is awaited after the envelope (MAIL and RCPT) and before
        any of the message data goes out; if it raises, nothing of the message is sent.
        """
        ...

    async def close(self) -> None:
        """Release any connection; never raises."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        return datetime.now(UTC)
