"""Reading the program at scale: 1k, 10k and 100k pairs from YAML, checked, into the model.

Every start, every `check` and every reload reads the whole program file. This measures
`load_program` (parse, every check with its line numbers, the core model) on files shaped
like `config/program.yaml`: pairs in several time zones and cadences, some with their own
send time, a few paused or ended, names with accents. The baseline, on the same file in the
same run, is PyYAML's libyaml loader turning the file into plain Python data with no
checks at all (`yaml.load(..., Loader=yaml.CSafeLoader)`): the least any YAML reader
costs. Each measurement runs in a fresh subprocess, so its peak RSS (`ru_maxrss`, minus
the process's size before reading) is its own; the figures are medians of the rounds.

Run: .venv/bin/python bench/loading.py [--quick] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from runs import print_reproduce

REPO = Path(__file__).resolve().parents[1]
FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 5_000)
FULL_ROUNDS = 3
QUICK_ROUNDS = 2
ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Asia/Kolkata")
CADENCES = ("monthly", "every 2 weeks", "quarterly", "every 6 weeks")
WAYS = ("load_program", "libyaml, no checks")


def program_text(size: int) -> str:
    """A program of `size` pairs, shaped like config/program.yaml."""
    head = (REPO / "config" / "program.yaml").read_text(encoding="utf-8").split("\npairs:")[0]
    lines = [head, "pairs:"]
    for number in range(size):
        lines += [
            f"  - id: pair-{number}",
            f"    mentor: {{name: Mentor Núñez {number}, email: mentor{number}@example.org,"
            f" timezone: {ZONES[number % len(ZONES)]}}}",
            f"    mentee: {{name: Mentee Øster {number}, email: mentee{number}@example.org}}",
            f"    started: 20{20 + number % 6}-0{1 + number % 9}-1{number % 10}",
            f"    cadence: {CADENCES[number % len(CADENCES)]}",
        ]
        if number % 7 == 0:
            lines.append('    send_at: "14:00"')
        if number % 50 == 0:
            lines += ["    status: paused", "    paused_until: 2027-03-01"]
        elif number % 50 == 1:
            lines += ["    status: ended", "    ended_on: 2026-06-30"]
    return "\n".join(lines) + "\n"


def measure_here(way: str, path: Path) -> dict[str, float]:
    """Run one way on `path` in this process: wall seconds and peak RSS growth in MB."""
    import yaml  # noqa: PLC0415 - imported before the size is taken, like load_program

    from reminder_service.program import load_program  # noqa: PLC0415

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if way == "load_program":
        load_program(path)
    else:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "peak_mb": (peak - before) / 1024}


def measure(way: str, path: Path) -> dict[str, float]:
    """One way on `path`, in a fresh subprocess."""
    command = [sys.executable, __file__, "--child", way, str(path)]
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        command, cwd=REPO, capture_output=True, text=True, check=True
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def report(size: int, results: dict[str, list[dict[str, float]]]) -> None:
    """Print one size's table: each way's seconds per run, medians, peak RSS, ratio."""
    print(f"\n{size:,} pairs ({len(results[WAYS[0]])} rounds, each in a fresh process)\n")
    print(
        "| way                | "
        + " | ".join(f"run {n + 1}" for n in range(len(results[WAYS[0]])))
        + " | median s | pairs/s | peak MB |"
    )
    print(
        "|--------------------|"
        + "|".join("-------" for _ in results[WAYS[0]])
        + "|----------|---------|---------|"
    )
    for way in WAYS:
        runs = results[way]
        seconds = statistics.median(run["seconds"] for run in runs)
        peak = statistics.median(run["peak_mb"] for run in runs)
        cells = " | ".join(f"{run['seconds']:5.2f}" for run in runs)
        print(f"| {way:<18} | {cells} | {seconds:8.2f} | {size / seconds:7,.0f} | {peak:7.0f} |")
    ratio = statistics.median(run["seconds"] for run in results[WAYS[0]]) / statistics.median(
        run["seconds"] for run in results[WAYS[1]]
    )
    print(f"\nload_program / libyaml with no checks = {ratio:.2f}x the time")


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: --quick, --rounds (and --child, used by the benchmark itself)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--rounds", type=int, help=f"runs of each way (default {FULL_ROUNDS})")
    parser.add_argument("--child", nargs=2, metavar=("WAY", "FILE"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Write each size's file, measure both ways in turn for each round, print the tables."""
    options = arguments(argv)
    if options.child:
        way, file = options.child
        print(json.dumps(measure_here(way, Path(file))))
        return
    sizes = QUICK_SIZES if options.quick else FULL_SIZES
    rounds = options.rounds or (QUICK_ROUNDS if options.quick else FULL_ROUNDS)
    with tempfile.TemporaryDirectory(prefix="bench-loading-") as folder:
        for size in sizes:
            path = Path(folder) / f"program-{size}.yaml"
            path.write_text(program_text(size), encoding="utf-8")
            results: dict[str, list[dict[str, float]]] = {way: [] for way in WAYS}
            for _ in range(rounds):
                for way in WAYS:
                    results[way].append(measure(way, path))
            report(size, results)
    print_reproduce("loading.py", sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
