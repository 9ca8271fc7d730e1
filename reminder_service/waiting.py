"""Waiting on events with a time limit, the way the daemon's loops sleep."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection
from datetime import timedelta
from typing import Any


async def wait_for_stop(stop: asyncio.Event, within: timedelta) -> bool:
    """Wait up to `within` for `stop`; True when stop was set."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(within.total_seconds()):
            await stop.wait()
    return stop.is_set()


async def wait_for_either(stop: asyncio.Event, wake: asyncio.Event, within: timedelta) -> None:
    """Wait up to `within` for either event."""
    await wait_for_any((), stop, wake, within=within)


async def wait_for_any(
    tasks: Collection[asyncio.Future[Any]],
    *events: asyncio.Event | None,
    within: timedelta | None = None,
) -> None:
    """Wait until one of `tasks` is done or one of `events` (None ones ignored) is set, or
    `within` has passed."""
    waiters = [asyncio.create_task(event.wait()) for event in events if event is not None]
    try:
        await asyncio.wait(
            [*tasks, *waiters],
            timeout=None if within is None else within.total_seconds(),
            return_when=asyncio.FIRST_COMPLETED,
        )
    finally:
        for waiter in waiters:
            waiter.cancel()
