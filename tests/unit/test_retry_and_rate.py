"""Retry delays and the per-minute send limit."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.retry import RETRY_BASE, RETRY_CAP, retry_delay
from reminder_service.ratelimit import SendRateLimit

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("attempts", "jitter", "expected"),
    [
        (1, 0.0, timedelta(seconds=30)),
        (1, 0.999999, timedelta(seconds=59.99997)),
        (2, 0.0, timedelta(minutes=1)),
        (3, 0.0, timedelta(minutes=2)),
        (7, 0.0, timedelta(minutes=30)),
        (8, 0.0, timedelta(minutes=30)),
        (50, 0.0, timedelta(minutes=30)),
    ],
)
def test_retry_delay_table(attempts: int, jitter: float, expected: timedelta) -> None:
    """The delay doubles per attempt from half a minute and stops growing at the cap."""
    assert retry_delay(attempts, jitter=jitter) == pytest.approx(expected, abs=timedelta(0.001))


@given(st.integers(min_value=1, max_value=10_000), st.floats(min_value=0, max_value=0.9999))
def test_retry_delay_is_bounded(attempts: int, jitter: float) -> None:
    """Every delay lies between half the base and the cap."""
    assert RETRY_BASE / 2 <= retry_delay(attempts, jitter=jitter) <= RETRY_CAP


@pytest.mark.parametrize(("attempts", "jitter"), [(0, 0.5), (1, 1.0), (1, -0.1)])
def test_retry_delay_rejects_nonsense(attempts: int, jitter: float) -> None:
    """Attempts start at 1 and jitter lies in [0, 1)."""
    with pytest.raises(ValueError, match=r"attempts|jitter"):
        retry_delay(attempts, jitter=jitter)


def test_rate_limit_allows_the_limit_then_waits_for_the_oldest() -> None:
    """After N sends in a minute the next waits until the first leaves the window."""
    limit = SendRateLimit(3)
    for second in (0, 10, 20):
        now = T0 + timedelta(seconds=second)
        assert limit.wait_before_next(now) == timedelta(0)
        limit.record(now)
    assert limit.wait_before_next(T0 + timedelta(seconds=30)) == timedelta(seconds=30)
    assert limit.wait_before_next(T0 + timedelta(seconds=60)) == timedelta(0)


def test_rate_limit_allowance_counts_what_is_left_in_the_minute() -> None:
    """The allowance is the limit less the sends of the last minute, and grows back as they age."""
    limit = SendRateLimit(3)
    assert limit.allowance(T0) == 3
    limit.record(T0)
    limit.record(T0 + timedelta(seconds=20))
    assert limit.allowance(T0 + timedelta(seconds=30)) == 1
    assert limit.allowance(T0 + timedelta(seconds=60)) == 2
    assert limit.allowance(T0 + timedelta(seconds=80)) == 3


@given(st.lists(st.integers(min_value=0, max_value=600), max_size=200), st.integers(1, 20))
def test_rate_limit_never_exceeds_the_limit_in_any_minute(offsets: list[int], per: int) -> None:
    """Sends that obey the limiter never exceed the limit in any sliding minute."""
    limit = SendRateLimit(per)
    sent: list[datetime] = []
    for offset in sorted(offsets):
        now = max([T0 + timedelta(seconds=offset), *sent[-1:]])
        now += limit.wait_before_next(now)
        assert limit.wait_before_next(now) == timedelta(0)
        limit.record(now)
        sent.append(now)
    for start in sent:
        in_window = [t for t in sent if start <= t < start + timedelta(minutes=1)]
        assert len(in_window) <= per


def test_rate_limit_counts_the_sends_it_was_started_with_in_any_order() -> None:
    """Sends of a previous run passed at creation count like recorded ones until they age."""
    limit = SendRateLimit(3, started=[T0 + timedelta(seconds=20), T0 - timedelta(seconds=50), T0])
    assert limit.allowance(T0 + timedelta(seconds=5)) == 0
    assert limit.wait_before_next(T0 + timedelta(seconds=5)) == timedelta(seconds=5)
    assert limit.allowance(T0 + timedelta(seconds=60)) == 2


def test_rate_limit_after_the_clock_is_set_back_waits_a_minute_not_the_step() -> None:
    """Sends stamped an hour ahead (the clock was then set back) count as made now: sending
    resumes a minute later, not an hour later."""
    ahead = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    limit = SendRateLimit(2, started=[ahead, ahead + timedelta(seconds=1)])
    now = ahead - timedelta(hours=1)
    assert limit.allowance(now) == 0
    assert limit.wait_before_next(now) == timedelta(minutes=1)
    assert limit.allowance(now + timedelta(minutes=1)) == 2
