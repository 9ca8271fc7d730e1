"""How many pairs a planning tick takes from its backlog: as many as fit a time budget.

A tick's time grows with the pairs it plans (about 80 microseconds a pair at 100,000 pairs
on a slow 2-core machine, half that on a faster one), and while it runs nothing else does:
not sending, not replies, not health checks. A fixed chunk that keeps ticks well under a
second on one machine takes over a second on another, so the planner measures what its
ticks cost a pair and sizes the next chunk to fit `TICK_BUDGET_S`; and since writing the
emails of pairs that fall due together costs far more a pair than the rest, a tick past half
its budget leaves the emails it has not written yet to the next tick (`Planner._past`).
The first chunk is small, since nothing has been measured yet; only ticks that planned at
least `sample` pairs are measured, since a tick's fixed costs would make a small one look
dear per pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TICK_BUDGET_S = 0.5
"""What a tick that works off a backlog should take: half the 1 s a tick may hold the
daemon up for, leaving room for a busy tick's rendering and a noisy machine."""


@dataclass
class Chunks:
    """The size of the next tick's chunk of the backlog, learned from the ticks before.

    It stays between `fewest` and `most`; `first` is the size until a tick of `sample`
    pairs or more has been measured. The size grows by at most `growth` times the pairs a
    measured tick planned, since a cost measured on few pairs says little about many.
    """

    most: int = 10_000
    first: int = 2_500
    fewest: int = 500
    sample: int = 1_000
    budget_s: float = TICK_BUDGET_S
    growth: float = 2.0
    renders: int = 100
    """The fewest emails a tick writes before it leaves the rest to the next tick once
    past half its budget: a tick whose reading alone took that long still gets on."""
    size: int = field(init=False)

    def __post_init__(self) -> None:
        if not 0 < self.fewest <= self.first <= self.most:
            raise ValueError("chunk sizes must satisfy 0 < fewest <= first <= most")
        self.size = self.first

    @classmethod
    def fixed(cls, size: int) -> Chunks:
        """Always `size` pairs a tick, whatever ticks take (tests split small programs so)."""
        return cls(most=size, first=size, fewest=size, sample=size)

    def measured(self, *, pairs: int, seconds: float) -> None:
        """Learn from a tick that planned `pairs` pairs in `seconds`."""
        if pairs < self.sample or seconds <= 0:
            return
        bound = min(float(self.most), pairs * self.growth)
        fits = (
            bound if seconds * bound <= self.budget_s * pairs else self.budget_s * pairs / seconds
        )
        self.size = max(self.fewest, int(fits))
