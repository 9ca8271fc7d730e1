"""Waiting on events with a time limit, the way the daemon's loops sleep."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta


async def wait_for_stop(stop: asyncio.Event, within: timedelta) -> bool:
    """Wait up to `within` for `stop`; True when stop was set."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(within.total_seconds()):
            await stop.wait()
    return stop.is_set()


async def wait_for_either(stop: asyncio.Event, wake: asyncio.Event, within: timedelta) -> None:
    """Wait up to `within` for either event."""
    waiters = [asyncio.create_task(stop.wait()), asyncio.create_task(wake.wait())]
    try:
        await asyncio.wait(
            waiters, timeout=within.total_seconds(), return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        for waiter in waiters:
            waiter.cancel()
