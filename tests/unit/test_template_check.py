"""`check`'s rendering spread over worker processes gives what rendering in one process gives."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reminder_service import template_check
from reminder_service.compose import Composer, Found, Identity
from reminder_service.core.model import Cadence, Pair, Person, Phase, Program, Schedule, Step
from reminder_service.errors import ConfigError
from reminder_service.template_check import PAIRS_PER_RUN, processes_for, template_problems

TEMPLATES = Path(__file__).parents[2] / "templates"
IDENTITY = Identity(
    from_header="Northwind Mentoring <mentoring@northwind.example>",
    reply_mailbox="mentoring@northwind.example",
    secret_key=b"test key for reply tokens",
)
NOW = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)
LISBON = ZoneInfo("Europe/Lisbon")
MONTHLY = Schedule(
    cadence=Cadence(phases=(Phase(every=Step(months=1)),), text="monthly"), send_at=time(9)
)


def _program(mentors: Sequence[str]) -> Program:
    """A pair per mentor's name, `pair-0`, `pair-1` ..."""
    pairs = tuple(
        Pair(
            id=f"pair-{n}",
            mentor=Person(name, f"mentor{n}@example.org"),
            mentee=Person(f"Mentee {n}", f"mentee{n}@example.org"),
            started=date(2025, 5, 1),
            schedule=MONTHLY,
            timezone=LISBON,
        )
        for n, name in enumerate(mentors)
    )
    coordinator = Person("Carla Diaz", "carla@northwind.example")
    return Program(name="Northwind", coordinator=coordinator, timezone=LISBON, pairs=pairs)


@pytest.fixture
def surnames_only(tmp_path: Path) -> Composer:
    """Templates whose check-in greets the mentor by a second word of their name: a mistake
    only for the pairs whose mentor has a one-word name."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    body = folder / "checkin.txt.j2"
    source = body.read_text(encoding="utf-8")
    assert "{{ pair.mentor.first_name }}" in source
    body.write_text(
        source.replace("{{ pair.mentor.first_name }}", "{{ pair.mentor.name.split()[1] }}", 1),
        encoding="utf-8",
    )
    return Composer(folder, identity=IDENTITY)


class _WhereRendered(Composer):
    """Templates that report, as their one problem, the process each pair was rendered in."""

    def pair_problems(self, program: Program, pairs: Sequence[Pair], *, now: datetime) -> Found:
        return {f"rendered in process {os.getpid()}": {f"for pair {p.id}": None for p in pairs}}


class _WorkerDies(Composer):
    """Templates whose rendering ends the worker process, as the kernel's OOM killer would."""

    def pair_problems(self, program: Program, pairs: Sequence[Pair], *, now: datetime) -> Found:
        os._exit(9)


def test_workers_report_what_one_process_reports(
    surnames_only: Composer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spread over runs of 3 pairs and 2 workers, the first failing pair is the program's
    first (in the second run) and every other one is counted once, as in one process."""
    monkeypatch.setattr(template_check, "PAIRS_PER_RUN", 3)
    mentors = ["Ana Silva", "Bo Lund", "Cy Park", "Dee", "Eli Roth", "Fay", "Gus", "Hal Ek"]
    program = _program(mentors)
    alone = surnames_only.problems(program, now=NOW)
    assert len(alone) == 1
    assert alone[0].endswith("(rendering for pair pair-3 and 2 others)")
    assert template_problems(surnames_only, program, now=NOW, jobs=2) == alone


def test_the_pairs_are_rendered_by_the_workers_in_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each run of pairs is rendered outside this process, and each pair once."""
    monkeypatch.setattr(template_check, "PAIRS_PER_RUN", 2)
    composer = _WhereRendered(TEMPLATES, identity=IDENTITY)
    program = _program([f"Mentor {n}" for n in range(9)])
    lines = template_problems(composer, program, now=NOW, jobs=2)
    assert all(f"process {os.getpid()} " not in line for line in lines)
    first = {line.split(" (rendering ")[1].split()[2] for line in lines}
    counted = sum(_pairs_named(line) for line in lines)
    assert "pair-0" in first
    assert counted == 9


def test_one_job_or_a_small_program_renders_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one job, or pairs for a single run, no worker is started."""
    composer = _WhereRendered(TEMPLATES, identity=IDENTITY)
    here = f"rendered in process {os.getpid()} (rendering for pair pair-0 and 2 others)"
    three = _program(["A B", "C D", "E F"])
    assert template_problems(composer, three, now=NOW, jobs=4) == [here]
    monkeypatch.setattr(template_check, "PAIRS_PER_RUN", 1)
    assert template_problems(composer, three, now=NOW, jobs=1) == [here]


def test_a_worker_that_dies_is_a_problem_saying_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker killed mid-run (out of memory, say) stops the check with a clear problem."""
    monkeypatch.setattr(template_check, "PAIRS_PER_RUN", 1)
    composer = _WorkerDies(TEMPLATES, identity=IDENTITY)
    with pytest.raises(ConfigError) as raised:
        template_problems(composer, _program(["A B", "C D"]), now=NOW, jobs=2)
    assert str(raised.value) == (
        "A process rendering the templates stopped before it finished (killed, or out of"
        " memory?); run `reminder-service check --jobs 1` to render them in one process."
    )


@pytest.mark.parametrize(
    ("pairs", "jobs", "processes"),
    [
        (0, 4, 1),
        (PAIRS_PER_RUN, 4, 1),
        (PAIRS_PER_RUN + 1, 4, 2),
        (3 * PAIRS_PER_RUN, 4, 3),
        (100_000, 4, 4),
        (100_000, 1, 1),
    ],
)
def test_processes_are_as_many_as_jobs_allow_and_runs_need(
    pairs: int, jobs: int, processes: int
) -> None:
    """Never more processes than runs of pairs, nor than jobs asked for."""
    assert processes_for(pairs, jobs) == processes


def _pairs_named(line: str) -> int:
    """How many pairs a problem line names: "for pair a and 3 others" is 4."""
    whom = line.split(" (rendering ")[1].rstrip(")")
    if whom.endswith(" others"):
        return 1 + int(whom.split(" and ")[1].split()[0])
    return len(whom.split(" and "))
