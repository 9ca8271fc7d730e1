"""The coordinator's commands at scale: `meetings`, `report`, `plan` and `preview` over a year
of a large program.

`meetings` lists the whole meeting log and `report` reads all of it, so both grow with the
log: a year of a 100,000-pair program is about a million meetings. `plan` reads every pair's
history to list the week's emails; `preview` reads the program and one pair's history.
Each size gets the store `planning.py` builds (a year of monthly check-ins and the meetings
that answered them) and its program file. Each command runs as a coordinator runs it,
`python -m reminder_service ...` in a process of its own, its output to a file; the figures
are its wall time and its peak resident size (`ru_maxrss`, from `wait4`). The baseline, in
the same run, is the least any reader of the log costs: a Python process reading every
meeting row with `sqlite3` in the order `meetings` lists them, keeping none. Figures are
medians of the rounds, the commands taking turns.

Run: .venv/bin/python bench/commands.py [--quick] [--rounds N] [--sizes N ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from runs import print_reproduce

REPO = Path(__file__).resolve().parents[1]
FULL_SIZES = (10_000,)
QUICK_SIZES = (1_000,)
FULL_ROUNDS = 3
QUICK_ROUNDS = 1
RAW = "raw sqlite3 read of the log (baseline)"
COMMANDS = {
    RAW: (),
    "meetings (table)": ("meetings",),
    "meetings --format csv": ("meetings", "--format", "csv"),
    "meetings --format json": ("meetings", "--format", "json"),
    "meetings --pair (a mistyped id)": ("meetings", "--pair", "pair-no-such"),
    "report (CSV)": ("report", "--now", "2026-11-27T12:00:00+00:00"),
    "report --format html --out": ("report", "--format", "html", "--out", "OUT"),
    "plan (the next 7 days)": ("plan", "--now", "2026-11-27T12:00:00+00:00"),
    "preview of one pair's check-in": ("preview", "p000000", "--now", "2026-11-27T12:00:00+00:00"),
}
_RAW_READ = (
    "import sqlite3, sys\n"
    "db = sqlite3.connect(sys.argv[1])\n"
    "for row in db.execute('SELECT * FROM meetings WHERE removed_at IS NULL"
    " ORDER BY met_on, id'):\n"
    "    pass\n"
)


def run_once(way: str, store: Path, folder: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one run of `way` on `store`."""
    if way == RAW:
        command = [sys.executable, "-c", _RAW_READ, str(store)]
    else:
        arguments = [str(folder / "report.html") if a == "OUT" else a for a in COMMANDS[way]]
        command = [sys.executable, "-m", "reminder_service", *arguments]
    env = {
        **os.environ,
        "REMINDER_CONFIG": str(store.with_suffix(".yaml")),
        "REMINDER_DATABASE": str(store),
        "REMINDER_SECRET_KEY": "bench-secret-key-0123456789-abcdefghij",
        "REMINDER_FROM": "Bench Mentoring <mentoring@bench.example>",
    }
    with (folder / "out.txt").open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and package
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.PIPE
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.stderr is not None
    errors = process.stderr.read().decode()
    expected = 1 if "no-such" in " ".join(command) else 0
    if process.returncode != expected:
        raise SystemExit(f"{way} exited {process.returncode}: {errors[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def report(size: int, meetings: int, results: dict[str, list[tuple[float, float]]]) -> None:
    """Print one size's table: each way's median seconds and peak, against the baseline."""
    rounds = len(results[RAW])
    print(f"\n{size:,} pairs, {meetings:,} meetings ({rounds} rounds, each in its own process)\n")
    print("| way | median s | x baseline time | peak MB | x baseline peak |")
    print("|---|---:|---:|---:|---:|")
    base_s = statistics.median(s for s, _ in results[RAW])
    base_mb = statistics.median(mb for _, mb in results[RAW])
    for way, runs in results.items():
        seconds = statistics.median(s for s, _ in runs)
        peak = statistics.median(mb for _, mb in runs)
        print(
            f"| {way} | {seconds:.2f} | {seconds / base_s:.1f}x | {peak:.0f} "
            f"| {peak / base_mb:.1f}x |"
        )


def _meetings_in(store: Path) -> int:
    import sqlite3  # noqa: PLC0415 - only to count what was built

    with sqlite3.connect(store) as db:
        count: int = db.execute("SELECT COUNT(*) FROM meetings").fetchone()[0]
    return count


def main(argv: Sequence[str] | None = None) -> None:
    """Build each size's store with planning.py, run every way in turn each round, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--rounds", type=int, help=f"runs of each way (default {FULL_ROUNDS})")
    parser.add_argument("--sizes", type=int, nargs="+", help="pair counts to measure")
    options = parser.parse_args(argv)
    sizes = options.sizes or (QUICK_SIZES if options.quick else FULL_SIZES)
    rounds = options.rounds or (QUICK_ROUNDS if options.quick else FULL_ROUNDS)
    with tempfile.TemporaryDirectory(prefix="bench-commands-") as name:
        folder = Path(name)
        for size in sizes:
            store = folder / f"store-{size}.sqlite3"
            subprocess.run(  # noqa: S603 - our own interpreter and script
                [sys.executable, "bench/planning.py", "--build", str(size), str(store)],
                cwd=REPO,
                check=True,
            )
            results: dict[str, list[tuple[float, float]]] = {way: [] for way in COMMANDS}
            for _ in range(rounds):
                for way, runs in results.items():
                    runs.append(run_once(way, store, folder))
            report(size, _meetings_in(store), results)
    print_reproduce("commands.py", sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
