"""Reading the program at scale: 1k, 10k and 100k pairs from YAML, checked, into the model.

Every start, every `check` and every reload reads the whole program file. This measures
`load_program` (parse, every check, the core model) on files shaped like
`config/program.yaml`: pairs in several time zones and cadences, some with their own send
time, a few paused or ended, names with accents. A valid file is read once, quickly,
without lines; the same file with one mistake in its last pair is read quickly and then
carefully, with every field's line, to report the mistake on its line; with the mistake in
its first pair instead, the quick reader stops there. A reload reads the file while the
running program is still held: "reload, one pair edited" and "reload, one mistake" first
read the valid file, keep that program as the running one, and then read the file with one
pair's cadence changed, or with the mistake, as the daemon's reload does; their peak and
kept figures are above what the running program already holds. The baseline, on
the same file in the same run, is PyYAML's libyaml loader turning the file into plain
Python data with no checks at all (`yaml.load(..., Loader=yaml.CSafeLoader)`): the least
any YAML reader costs. Each measurement runs in a fresh subprocess, so its peak RSS
(`VmHWM`, reset just before reading, minus the process's resident size `VmRSS` then;
Linux only) is its own; "kept"
is what the process still holds once reading is over and the collector has run (`VmRSS`,
minus the same), what a daemon keeps after a start or reload. Figures are medians of the
rounds.

Run: .venv/bin/python bench/loading.py [--quick] [--rounds N]
"""

from __future__ import annotations

import argparse
import gc
import json
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
WAYS = (
    "load_program",
    "one mistake",
    "mistake at the top",
    "libyaml, no checks",
    "reload, one pair edited",
    "reload, one mistake",
)
MISTAKEN = {
    "one mistake": "mistake-",
    "mistake at the top": "first-mistake-",
    "reload, one mistake": "mistake-",
}
"""The ways that read a file with a mistake, and the prefix of its file's name."""
RELOADS = {"reload, one pair edited": "edited-", "reload, one mistake": "mistake-"}
"""The ways that read a file while holding the valid file's program, and the prefix of the
name of the file they read."""
MISTAKE = "cadence: fortnightly-ish"
EDIT = "cadence: every 3 weeks"


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


def with_one_mistake(text: str) -> str:
    """`text` with the last pair's cadence one that no check-in can be planned from."""
    head, _, last = text.rpartition("    cadence: ")
    return f"{head}    {MISTAKE}{last[last.index(chr(10)) :]}"


def with_first_mistake(text: str) -> str:
    """`text` with the first pair's cadence one that no check-in can be planned from."""
    head, _, rest = text.partition("\npairs:")
    first, _, after = rest.partition("    cadence: ")
    return f"{head}\npairs:{first}    {MISTAKE}{after[after.index(chr(10)) :]}"


def with_one_edit(text: str) -> str:
    """`text` with the last pair's cadence another valid one."""
    head, _, last = text.rpartition("    cadence: ")
    return f"{head}    {EDIT}{last[last.index(chr(10)) :]}"


def measure_here(way: str, path: Path) -> dict[str, float]:
    """Run one way on `path` in this process: wall seconds, peak and kept RSS growth in MB.

    A reload way reads `path` while holding the program of the valid file beside it.
    """
    import yaml  # noqa: PLC0415 - imported before the size is taken, like load_program

    from reminder_service.program import ProgramError, load_program  # noqa: PLC0415

    running = None
    if way in RELOADS:
        running = load_program(path.with_name(path.name.removeprefix(RELOADS[way])))
        gc.collect()
    Path("/proc/self/clear_refs").write_text("5", encoding="ascii")  # VmHWM := VmRSS
    before = resident_kb()
    started = time.perf_counter()
    if way in ("load_program", "reload, one pair edited"):
        result: object = load_program(path, running=running)
    elif way in MISTAKEN:
        try:
            result = load_program(path, running=running)
        except ProgramError as exc:
            result = exc
        if not isinstance(result, ProgramError) or MISTAKE.split(": ")[1] not in str(result):
            raise SystemExit(f"the mistake was not reported: {str(result)[:200]}")
    else:
        result = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    seconds = time.perf_counter() - started
    peak = resident_kb("VmHWM")
    gc.collect()
    kept = resident_kb() - before
    del result, running
    return {"seconds": seconds, "peak_mb": (peak - before) / 1024, "kept_mb": kept / 1024}


def resident_kb(figure: str = "VmRSS") -> int:
    """The process's resident size now (`VmRSS`), or its peak (`VmHWM`), in kB."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    line = next(line for line in status.splitlines() if line.startswith(f"{figure}:"))
    return int(line.split()[1])


def measure(way: str, path: Path) -> dict[str, float]:
    """One way on `path`, in a fresh subprocess."""
    prefix = RELOADS.get(way) or MISTAKEN.get(way, "")
    path = path.with_name(f"{prefix}{path.name}")
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
        "| way                     | "
        + " | ".join(f"run {n + 1}" for n in range(len(results[WAYS[0]])))
        + " | median s | pairs/s | peak MB | kept MB |"
    )
    print(
        "|-------------------------|"
        + "|".join("-------" for _ in results[WAYS[0]])
        + "|----------|---------|---------|---------|"
    )
    for way in WAYS:
        runs = results[way]
        seconds = median(runs, "seconds")
        cells = " | ".join(f"{run['seconds']:5.2f}" for run in runs)
        print(
            f"| {way:<23} | {cells} | {seconds:8.2f} | {size / seconds:7,.0f}"
            f" | {median(runs, 'peak_mb'):7.0f} | {median(runs, 'kept_mb'):7.0f} |"
        )
    valid, mistake, first, plain, _, _ = (results[way] for way in WAYS)
    for name, mine, other, what in (
        ("load_program / libyaml with no checks", valid, plain, "seconds"),
        ("load_program / libyaml with no checks", valid, plain, "peak_mb"),
        ("one mistake / load_program", mistake, valid, "seconds"),
        ("mistake at the top / load_program", first, valid, "seconds"),
    ):
        ratio = median(mine, what) / median(other, what)
        print(f"{name} = {ratio:.2f}x the {'time' if what == 'seconds' else 'peak memory'}")
    for way in RELOADS:
        print(
            f"{way}: at its peak {median(results[way], 'peak_mb'):.0f} MB above the running"
            f" program, which the valid file's read kept at {median(valid, 'kept_mb'):.0f} MB"
        )


def median(runs: list[dict[str, float]], figure: str) -> float:
    """The median of one figure over the runs."""
    return statistics.median(run[figure] for run in runs)


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
            text = program_text(size)
            path.write_text(text, encoding="utf-8")
            for prefix, changed in (
                (MISTAKEN["one mistake"], with_one_mistake),
                (MISTAKEN["mistake at the top"], with_first_mistake),
                (RELOADS["reload, one pair edited"], with_one_edit),
            ):
                path.with_name(f"{prefix}{path.name}").write_text(changed(text), encoding="utf-8")
            results: dict[str, list[dict[str, float]]] = {way: [] for way in WAYS}
            for _ in range(rounds):
                for way in WAYS:
                    results[way].append(measure(way, path))
            report(size, results)
    print_reproduce("loading.py", sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
