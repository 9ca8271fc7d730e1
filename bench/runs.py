"""What the benchmarks share: a table of per-run figures with their medians, and the command
that reproduces a run. Benchmarks run as `.venv/bin/python bench/NAME.py`, so this module is
imported by its plain name."""

from __future__ import annotations

import shlex
import statistics
from collections.abc import Iterator, Sequence


def runs_table(rows: Sequence[tuple[str, Sequence[float]]], *, scale: float = 1.0) -> Iterator[str]:
    """A Markdown table: one row per way, one column per run, then the median (x `scale`)."""
    rounds = len(rows[0][1])
    width = max(len(name) for name, _ in rows)
    head = " | ".join(f"run {n + 1:>2}" for n in range(rounds))
    yield f"| {'way':<{width}} | {head} | median |"
    yield f"|{'-' * (width + 2)}|{'|'.join('-' * 8 for _ in range(rounds))}|--------|"
    for name, values in rows:
        cells = " | ".join(f"{value * scale:>6.0f}" for value in values)
        yield f"| {name:<{width}} | {cells} | {statistics.median(values) * scale:>6.0f} |"


def reproduce_command(script: str, argv: Sequence[str]) -> str:
    """The exact command line that reproduces this run, from the repository root."""
    return shlex.join([".venv/bin/python", f"bench/{script}", *argv])
