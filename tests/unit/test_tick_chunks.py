"""Sizing a planning tick's chunk of the backlog to its time budget."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.tick_chunks import Chunks


def _learned(pairs: int, seconds: float, **sizes: int) -> int:
    chunks = Chunks(**sizes)
    chunks.measured(pairs=pairs, seconds=seconds)
    return chunks.size


@pytest.mark.parametrize(
    ("pairs", "seconds", "size"),
    [
        (2_500, 0.2, 5_000),  # fits 6,250 but a 2,500-pair tick says little past twice that
        (5_000, 0.4, 6_250),  # 80 microseconds a pair: 6,250 fit half a second
        (10_000, 0.4, 10_000),  # 40 microseconds a pair: more fit, but never past `most`
        (10_000, 1.2, 4_166),  # a slow machine: the next tick fits the budget
        (1_000, 10.0, 500),  # never fewer than `fewest`
        (999, 10.0, 2_500),  # too few pairs to tell: nothing learned
        (5_000, 0.0, 2_500),  # a clock that did not move: nothing learned
    ],
)
def test_the_next_chunk_fits_the_budget(pairs: int, seconds: float, size: int) -> None:
    """The next size is what the last tick's cost a pair fits in half a second, bounded."""
    assert _learned(pairs, seconds) == size


def test_a_fixed_chunk_never_changes() -> None:
    """`Chunks.fixed` keeps its size however long ticks take (tests split programs so)."""
    chunks = Chunks.fixed(2)
    for seconds in (0.001, 5.0):
        chunks.measured(pairs=2, seconds=seconds)
        assert chunks.size == 2


def test_sizes_out_of_order_are_refused() -> None:
    """A first size outside fewest..most is a programming mistake, said at once."""
    with pytest.raises(ValueError, match="fewest <= first <= most"):
        Chunks(most=100, first=200)


@given(
    ticks=st.lists(
        st.tuples(st.integers(0, 200_000), st.floats(0.0, 60.0, allow_nan=False)), max_size=20
    )
)
def test_the_size_stays_in_bounds_and_fits_what_was_measured(
    ticks: list[tuple[int, float]],
) -> None:
    """Whatever ticks took, the size stays within fewest..most, and after a measured tick
    it plans no more than the budget allows at that tick's cost a pair (unless `fewest`)."""
    chunks = Chunks()
    for pairs, seconds in ticks:
        chunks.measured(pairs=pairs, seconds=seconds)
        assert chunks.fewest <= chunks.size <= chunks.most
        if pairs >= chunks.sample and seconds > 0 and chunks.size > chunks.fewest:
            assert chunks.size * seconds / pairs <= chunks.budget_s * (1 + 1e-9)
