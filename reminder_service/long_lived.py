"""Keeping the running program's objects out of Python's cyclic garbage collector.

A program of 100,000 pairs is about 800,000 objects that live until the next reload. Each
full pass of the cyclic collector, which the planner's own allocations set off now and
then, walked them all again: with the program read from its file, the longest planning tick
at 100,000 pairs took 1.05 s, and 0.73 s with them left out (`bench/planning.py`). They are
frozen dataclasses that hold no reference cycles, so when a reload replaces them, reference
counting frees them; the collector would find nothing among them anyway.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["long_lived_left_alone", "settle"]


@contextmanager
def long_lived_left_alone() -> Iterator[None]:
    """`settle` now; when the block ends, give every object back to the collector (all
    of them: nothing else in the running service freezes objects)."""
    settle()
    try:
        yield
    finally:
        gc.unfreeze()


def settle() -> None:
    """Free the garbage there is, then leave every object alive now out of the collector's
    future passes (`gc.freeze`): at start, and after each reload.

    Everything alive is left out, not only the program: a connection or task alive now
    that later dies in a reference cycle waits for the next reload, or the stop, to be
    freed. The objects left out at the last call go back to the collector first, so that
    garbage is freed then. The full collection this takes stops everything else: about
    0.45 s at 100,000 pairs, once per start or reload instead of again and again while
    planning.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
