"""The pool of SMTP connections: lazily opened, never more than its size, reused when idle."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from reminder_service.mailer_pool import MailerPool
from reminder_service.ports import BeforeData, Delivery


class GatedMailer:
    """A stand-in connection whose sends finish when the test opens the gate."""

    def __init__(self, gate: asyncio.Event, log: list[str], entered: asyncio.Queue[str]) -> None:
        self.name = f"connection-{len([e for e in log if e.startswith('open')]) + 1}"
        self._gate = gate
        self._log = log
        self._entered = entered
        log.append(f"open {self.name}")

    async def send(
        self,
        *,
        sender: str,
        recipients: Sequence[str],
        message: bytes,
        before_data: BeforeData | None = None,
    ) -> Delivery:
        """Record the send on this connection and wait for the gate."""
        if before_data is not None:
            await before_data()
        self._log.append(f"send {message.decode()} on {self.name}")
        self._entered.put_nowait(message.decode())
        await self._gate.wait()
        return Delivery(response="250 ok", refused={})

    async def close(self) -> None:
        """Record the close."""
        self._log.append(f"close {self.name}")


def pool_of(size: int) -> tuple[MailerPool, asyncio.Event, list[str], asyncio.Queue[str]]:
    """A pool of gated stand-ins, its gate, the log of what happened, and each send as it starts."""
    gate, log, entered = asyncio.Event(), list[str](), asyncio.Queue[str]()
    return MailerPool(lambda: GatedMailer(gate, log, entered), size=size), gate, log, entered


async def send(pool: MailerPool, text: str) -> Delivery:
    """One send through the pool."""
    return await pool.send(
        sender="a@example.org", recipients=["b@example.org"], message=text.encode()
    )


async def test_the_pool_opens_connections_only_up_to_its_size() -> None:
    """Three sends at once on a pool of two open two connections; the third waits for one."""
    pool, gate, log, entered = pool_of(2)
    sends = [asyncio.create_task(send(pool, name)) for name in ("m1", "m2", "m3")]
    assert [await entered.get(), await entered.get()] == ["m1", "m2"]
    assert log == [
        "open connection-1",
        "send m1 on connection-1",
        "open connection-2",
        "send m2 on connection-2",
    ]
    gate.set()
    await asyncio.gather(*sends)
    assert log[-1] in {"send m3 on connection-1", "send m3 on connection-2"}
    assert len([entry for entry in log if entry.startswith("open")]) == 2


async def test_sends_one_after_another_keep_one_connection() -> None:
    """Sends that never overlap reuse the first connection; close closes it once."""
    pool, gate, log, _ = pool_of(4)
    gate.set()
    for name in ("m1", "m2", "m3"):
        await send(pool, name)
    await pool.close()
    assert log == [
        "open connection-1",
        "send m1 on connection-1",
        "send m2 on connection-1",
        "send m3 on connection-1",
        "close connection-1",
    ]


def test_a_pool_needs_at_least_one_connection() -> None:
    """Size zero is refused."""
    with pytest.raises(ValueError, match="at least one"):
        MailerPool(lambda: GatedMailer(asyncio.Event(), [], asyncio.Queue()), size=0)


async def test_the_pool_hands_the_before_data_step_to_the_connection() -> None:
    """What must happen before the message data is awaited by the connection that sends it."""
    pool, gate, log, _ = pool_of(1)
    gate.set()

    async def before_data() -> None:
        log.append("claim committed")

    await pool.send(
        sender="a@example.org", recipients=["b@example.org"], message=b"m1", before_data=before_data
    )
    assert log == ["open connection-1", "claim committed", "send m1 on connection-1"]
