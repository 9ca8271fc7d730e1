"""`check` at scale: rendering every template for every pair, in one process and in several.

`check` renders every kind of email for every pair of the program (and the digest), so its
time grows with the pairs; `template_check` spreads the pairs over worker processes forked
from the one that read the program. This measures that rendering on programs shaped like
`config/program.yaml` (the files `loading.py` writes), with the built-in templates. The
baseline, in the same run, is the same rendering in one process (`--jobs 1`). Each
measurement runs in a fresh subprocess that reads the program first; it reports the wall
time of the rendering alone, the CPU it took in all processes, how much the process that read
the program grew at its peak while rendering (`VmHWM`, reset just before, minus `VmRSS`
then; Linux only) and the largest worker's peak resident size (`ru_maxrss` of the reaped
workers: it counts the pages a worker shares with the reading process, so it is an upper
bound on what each worker adds). Figures are medians of the rounds, the two ways alternating.

Run: .venv/bin/python bench/check.py [--quick] [--rounds N] [--sizes N ...] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from loading import median, program_text, resident_kb
from runs import print_reproduce

REPO = Path(__file__).resolve().parents[1]
FULL_SIZES = (1_000, 10_000)
QUICK_SIZES = (600,)
FULL_ROUNDS = 3
QUICK_ROUNDS = 1
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def measure_here(path: Path, jobs: int) -> dict[str, float]:
    """Render every template for every pair of `path` with `jobs` processes, in this one."""
    from reminder_service.built_in_templates import BUILT_IN_TEMPLATES  # noqa: PLC0415
    from reminder_service.compose import Composer, Identity  # noqa: PLC0415
    from reminder_service.program import load_program  # noqa: PLC0415
    from reminder_service.template_check import template_problems  # noqa: PLC0415

    program = load_program(path)
    identity = Identity(
        from_header="Mentoring <mentoring@example.org>",
        reply_mailbox="mentoring@example.org",
        secret_key=b"benchmark key",
    )
    composer = Composer(BUILT_IN_TEMPLATES, identity=identity)
    Path("/proc/self/clear_refs").write_text("5", encoding="ascii")  # VmHWM := VmRSS
    before = resident_kb()
    cpu_before = _cpu_s()
    started = time.perf_counter()
    problems = template_problems(composer, program, now=NOW, jobs=jobs)
    seconds = time.perf_counter() - started
    if problems:
        raise SystemExit(f"the built-in templates have problems: {problems[:3]}")
    workers_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if jobs > 1 else 0
    return {
        "seconds": seconds,
        "cpu_s": _cpu_s() - cpu_before,
        "peak_mb": (resident_kb("VmHWM") - before) / 1024,
        "worker_mb": workers_kb / 1024,
    }


def _cpu_s() -> float:
    """CPU seconds of this process and of its reaped children (the workers)."""
    spent = os.times()
    return spent.user + spent.system + spent.children_user + spent.children_system


def measure(path: Path, jobs: int) -> dict[str, float]:
    """One rendering of `path` with `jobs` processes, in a fresh subprocess."""
    command = [sys.executable, __file__, "--child", str(jobs), str(path)]
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        command, cwd=REPO, capture_output=True, text=True, check=True
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def report(size: int, jobs: int, results: dict[int, list[dict[str, float]]]) -> None:
    """Print one size's table: each way's seconds per run, medians, memory, the speed-up."""
    rounds = len(results[1])
    print(f"\n{size:,} pairs ({rounds} rounds, each in a fresh process)\n")
    runs = " | ".join(f"run {n + 1}" for n in range(rounds))
    print(
        f"| way | {runs} | median s | pairs/s | CPU s, all processes | reading process grew,"
        " MB | largest worker, MB | speed-up |"
    )
    print(f"|---|{'---:|' * rounds}---:|---:|---:|---:|---:|---:|")
    baseline = median(results[1], "seconds")
    for way in (1, jobs):
        figures = results[way]
        seconds = median(figures, "seconds")
        name = "one process (baseline)" if way == 1 else f"{way} processes"
        cells = " | ".join(f"{run['seconds']:.2f}" for run in figures)
        worker = f"{median(figures, 'worker_mb'):.0f}" if way > 1 else "-"
        print(
            f"| {name} | {cells} | {seconds:.2f} | {size / seconds:,.0f} "
            f"| {median(figures, 'cpu_s'):.2f} | {median(figures, 'peak_mb'):.0f} | {worker} "
            f"| {baseline / seconds:.2f}x |"
        )


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line (and --child, used by the benchmark itself)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--rounds", type=int, help=f"runs of each way (default {FULL_ROUNDS})")
    parser.add_argument("--sizes", type=int, nargs="+", help="pair counts to measure")
    parser.add_argument(
        "--jobs", type=int, help="processes for the parallel way (default: one per processor)"
    )
    parser.add_argument("--child", nargs=2, metavar=("JOBS", "FILE"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Write each size's file, measure both ways in turn for each round, print the tables."""
    options = arguments(argv)
    if options.child:
        jobs, file = options.child
        print(json.dumps(measure_here(Path(file), int(jobs))))
        return
    from reminder_service.processor_count import processors  # noqa: PLC0415

    jobs = options.jobs or processors()
    if jobs < 2:
        raise SystemExit("this machine offers one processor: there is nothing to compare")
    sizes = options.sizes or (QUICK_SIZES if options.quick else FULL_SIZES)
    rounds = options.rounds or (QUICK_ROUNDS if options.quick else FULL_ROUNDS)
    with tempfile.TemporaryDirectory(prefix="bench-check-") as folder:
        for size in sizes:
            path = Path(folder) / f"program-{size}.yaml"
            path.write_text(program_text(size), encoding="utf-8")
            results: dict[int, list[dict[str, float]]] = {1: [], jobs: []}
            for _ in range(rounds):
                for way, figures in results.items():
                    figures.append(measure(path, way))
            report(size, jobs, results)
    print_reproduce("check.py", sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
