"""A sliding one-minute window that keeps sends under REMINDER_SMTP__MAX_PER_MINUTE."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=1)


class SendRateLimit:
    """Counts sends in the last minute; says how long to wait before the next one.

    `started` are sends made before this limit existed (by the previous run of the service,
    read from the outbox), so a restart does not allow a fresh minute's worth at once.
    """

    def __init__(self, per_minute: int, *, started: Iterable[datetime] = ()) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self._per_minute = per_minute
        self._sent: deque[datetime] = deque(sorted(started))

    def allowance(self, now: datetime) -> int:
        """How many sends may start now."""
        self._forget_before(now)
        return self._per_minute - len(self._sent)

    def wait_before_next(self, now: datetime) -> timedelta:
        """Zero when a send may start now, else the time until the oldest send leaves the window."""
        self._forget_before(now)
        if len(self._sent) < self._per_minute:
            return timedelta(0)
        return self._sent[0] + WINDOW - now

    def record(self, now: datetime) -> None:
        """Count a send that started at `now`."""
        self._sent.append(now)

    def _forget_before(self, now: datetime) -> None:
        """Drop the sends that have left the one-minute window ending at `now`.

        A send stamped after `now` means the clock was set back: it counts as made at `now`,
        so it leaves the window a minute later instead of holding sending back for as long as
        the clock moved.
        """
        if self._sent and self._sent[-1] > now:
            self._sent = deque(min(sent, now) for sent in self._sent)
        while self._sent and now - self._sent[0] >= WINDOW:
            self._sent.popleft()
