"""When to try a send again after a temporary failure, and when to give up."""

from __future__ import annotations

from datetime import timedelta

RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=3)


def retry_delay(
    attempts: int,
    *,
    jitter: float,
    base: timedelta = RETRY_BASE,
    cap: timedelta = RETRY_CAP,
) -> timedelta:
    """The wait before attempt `attempts + 1`: exponential from `base`, capped, jittered.

    `jitter` is a number in [0, 1) chosen by the caller (randomness is not the core's to
    read); it scales the delay between half and the whole of the exponential step, so that
    many messages failing together do not all come back at the same second.
    """
    if attempts < 1:
        raise ValueError("attempts counts the attempts made so far and starts at 1")
    if not 0.0 <= jitter < 1.0:
        raise ValueError("jitter must be in [0, 1)")
    step: timedelta = min(cap, base * (1 << min(attempts - 1, 30)))
    return step * (0.5 + jitter / 2)
