"""What the benchmarks share: a table of per-run figures with their medians, the command
that reproduces a run, the SMTP sink process and the cProfile printout. Benchmarks run as
`.venv/bin/python bench/NAME.py`, so this module is imported by its plain name."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import shlex
import statistics
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SINK_STOP_TIMEOUT_S = 20.0


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


def print_reproduce(script: str, given: Sequence[str]) -> None:
    """Print when the run finished and the command line that reproduces it."""
    command = reproduce_command(script, given)
    print(f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; reproduce with: {command}")


def print_profile(profiler: cProfile.Profile, what: str) -> None:
    """Print the top of `profiler` for one `what` (e.g. "daemon run"): cumulative, then own."""
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(25)
        print(f"\n--- cProfile of one {what}, by {order} ---")
        print(out.getvalue())


@dataclass(frozen=True, slots=True)
class SinkProcess:
    """The SMTP sink's process: the port it listens on and its process id."""

    port: int
    pid: int


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user and system) that process `pid` has used so far, read from /proc
    (Linux), to ten milliseconds."""
    after_name = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    user_ticks, system_ticks = int(after_name[11]), int(after_name[12])
    return (user_ticks + system_ticks) / os.sysconf("SC_CLK_TCK")


def own_cpu_s() -> float:
    """CPU seconds (user and system) this process has used so far."""
    spent = os.times()
    return spent.user + spent.system


@contextmanager
def sink_process(workdir: Path, *args: str) -> Iterator[SinkProcess]:
    """`python -m tests.support.smtp_server ARGS` in its own process, until exit.

    The sink's own log goes to `workdir`/smtp-server.log.
    """
    log_path = workdir / "smtp-server.log"
    command = [sys.executable, "-m", "tests.support.smtp_server", *args]
    with log_path.open("w") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command, cwd=REPO, stdout=subprocess.PIPE, stderr=log_file, text=True
        )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.isdigit():
            raise RuntimeError(f"the SMTP sink did not start: {log_path.read_text()}")
        yield SinkProcess(port=int(line), pid=process.pid)
    finally:
        process.terminate()
        process.wait(timeout=SINK_STOP_TIMEOUT_S)
