"""When to try a send again after a temporary failure, and when to give up; and when to
try an unusable mail server again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

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


@dataclass(frozen=True, slots=True)
class Outage:
    """The mail server could not be used (unreachable, login refused, TLS) at `failures`
    tries in a row; no email is tried before `until`, and then only one, as a probe."""

    failures: int
    until: datetime


def next_outage(previous: Outage | None, *, now: datetime, jitter: float) -> Outage:
    """The outage after one more failed try at `now`: the pause grows as `retry_delay`
    does with each failure (capped at `RETRY_CAP`), whatever the number of emails waiting.

    A refused login repeated for every waiting email is what makes mail providers lock the
    account or ban the address; one try now and then is enough to see it work again.
    """
    failures = 1 if previous is None else previous.failures + 1
    return Outage(failures, now + retry_delay(failures, jitter=jitter))
