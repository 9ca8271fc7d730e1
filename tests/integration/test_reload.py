"""Hot reload against real files, real SQLite and a real SMTP server; the clock is moved by hand.

Each test edits the files the way coordinators, editors and Kubernetes do, then drives
`Reloader.check_once()` directly: no waiting on the poll loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from reminder_service import reload
from reminder_service.compose import Composer
from reminder_service.core.model import Program
from reminder_service.daemon import Daemon
from reminder_service.metrics import Check as ReadinessCheck
from reminder_service.metrics import Monitor
from reminder_service.program import load_program, parse_program
from reminder_service.reload import Check, Reloader, is_stale, pairs_to_check
from reminder_service.store import pairs_with_history
from tests.support.loop import IDENTITY, Harness, program_text

SETTLE = timedelta(seconds=0.5)


def replace_file(path: Path, text: str) -> None:
    """Save the way editors do: write a new file beside it, then rename it over the old one."""
    fresh = path.with_name(f".{path.name}.swp")
    fresh.write_text(text)
    os.replace(fresh, path)


@dataclass
class Setup:
    """A daemon started on a program file and a templates folder, with its watcher."""

    harness: Harness
    config: Path
    templates: Path
    daemon: Daemon
    reloader: Reloader

    def settled_check(self) -> Check:
        """Look once, let the change settle, and look again: what the second look did."""
        first = self.reloader.check_once()
        assert first is Check.SETTLING
        self.harness.clock.advance(SETTLE)
        return self.reloader.check_once()


def start(harness: Harness, config: Path, templates: Path) -> Setup:
    """Load the program as start-up does and watch its files."""
    daemon = harness.daemon(load_program(config))
    reloader = Reloader(
        config,
        templates_dir=templates,
        identity=IDENTITY,
        apply=lambda program, composer: daemon.use(program, composer=composer),
        clock=harness.clock,
        settle=SETTLE,
        program=daemon.program,
        report=daemon.report_reload,
        history=lambda: pairs_with_history(harness.database),
    )
    daemon.reloader = reloader
    return Setup(harness, config, templates, daemon, reloader)


@pytest.fixture
def setup(harness: Harness, tmp_path: Path) -> Setup:
    """A program with one pair in `conf/`, and a templates folder that starts empty."""
    config = tmp_path / "conf" / "program.yaml"
    config.parent.mkdir()
    config.write_text(program_text("ana-ben"))
    templates = tmp_path / "templates"
    templates.mkdir()
    return start(harness, config, templates)


def pair_ids(program: Program) -> list[str]:
    return [pair.id for pair in program.pairs]


def test_nothing_changed_means_nothing_reloaded(setup: Setup) -> None:
    """Untouched files, even rewritten with the same text, are not reloaded."""
    assert setup.reloader.check_once() is Check.UNCHANGED
    replace_file(setup.config, setup.config.read_text())
    assert setup.reloader.check_once() is Check.UNCHANGED
    assert setup.daemon.reload_status.successful


def test_a_file_replaced_by_an_editor_is_reloaded_once_settled(setup: Setup) -> None:
    """A program file saved by rename is taken in after settling, and recorded as successful."""
    before = setup.daemon.reload_status
    replace_file(setup.config, program_text("ana-ben", "carla-dev"))
    assert setup.settled_check() is Check.RELOADED
    assert pair_ids(setup.daemon.program) == ["ana-ben", "carla-dev"]
    status = setup.daemon.reload_status
    assert status.successful
    assert status.problems == ()
    assert status.last_success_at == status.last_attempt_at > before.last_attempt_at
    assert setup.reloader.check_once() is Check.UNCHANGED


def test_a_reload_keeps_the_running_objects_of_the_pairs_it_leaves_as_they_were(
    setup: Setup,
) -> None:
    """An edit that adds a pair keeps the running pair's own object (a program of 100,000
    pairs would otherwise be held twice while the edit is read)."""
    (running,) = setup.daemon.program.pairs
    replace_file(setup.config, program_text("ana-ben", "carla-dev"))

    assert setup.settled_check() is Check.RELOADED

    kept, added = setup.daemon.program.pairs
    assert kept is running
    assert added.id == "carla-dev"


def test_a_file_still_being_written_waits_until_it_settles(setup: Setup) -> None:
    """Each new change restarts the wait, so a file written in steps is read once, complete."""
    replace_file(setup.config, program_text("ana-ben", "carla-dev"))
    assert setup.reloader.check_once() is Check.SETTLING
    setup.harness.clock.advance(SETTLE * 0.8)
    replace_file(setup.config, program_text("ana-ben", "carla-dev", "eve-finn"))
    assert setup.reloader.check_once() is Check.SETTLING
    setup.harness.clock.advance(SETTLE * 0.8)
    assert setup.reloader.check_once() is Check.SETTLING
    assert pair_ids(setup.daemon.program) == ["ana-ben"]
    setup.harness.clock.advance(SETTLE * 0.2)
    assert setup.reloader.check_once() is Check.RELOADED
    assert pair_ids(setup.daemon.program) == ["ana-ben", "carla-dev", "eve-finn"]


def test_a_kubernetes_style_symlink_swap_is_reloaded(harness: Harness, tmp_path: Path) -> None:
    """A ConfigMap update (the `..data` symlink switched to a new folder) is taken in."""
    mount = tmp_path / "conf"
    (mount / "..2026_11_25_a").mkdir(parents=True)
    (mount / "..2026_11_25_a" / "program.yaml").write_text(program_text("ana-ben"))
    (mount / "..data").symlink_to("..2026_11_25_a")
    (mount / "program.yaml").symlink_to("..data/program.yaml")
    templates = tmp_path / "templates"
    templates.mkdir()
    setup = start(harness, mount / "program.yaml", templates)

    (mount / "..2026_11_25_b").mkdir()
    (mount / "..2026_11_25_b" / "program.yaml").write_text(program_text("carla-dev"))
    (mount / "..data_tmp").symlink_to("..2026_11_25_b")
    os.replace(mount / "..data_tmp", mount / "..data")
    (mount / "..2026_11_25_a" / "program.yaml").unlink()
    (mount / "..2026_11_25_a").rmdir()

    assert setup.settled_check() is Check.RELOADED
    assert pair_ids(setup.daemon.program) == ["carla-dev"]


def test_a_broken_edit_keeps_the_last_good_program_until_it_is_fixed(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    """A mistake is logged with file:line and kept for the digest; the fix is then taken in."""
    first = setup.daemon.reload_status
    broken = program_text("ana-ben", "carla-dev").replace("ben.carla-dev@example.org", "ben@")
    replace_file(setup.config, broken)
    with caplog.at_level(logging.ERROR, logger="reminder_service.reload"):
        assert setup.settled_check() is Check.REFUSED

    assert pair_ids(setup.daemon.program) == ["ana-ben"]
    status = setup.daemon.reload_status
    assert not status.successful
    assert status.last_success_at == first.last_success_at
    assert status.last_attempt_at > first.last_attempt_at
    problem = f"{setup.config}:13: pairs[1].mentee.email: 'ben@' is not an email address"
    assert status.problems == (problem,)
    assert f"reload refused: {problem}" in caplog.messages
    assert setup.reloader.check_once() is Check.UNCHANGED

    replace_file(setup.config, program_text("ana-ben", "carla-dev"))
    assert setup.settled_check() is Check.RELOADED
    assert pair_ids(setup.daemon.program) == ["ana-ben", "carla-dev"]
    assert setup.daemon.reload_status.successful
    assert setup.daemon.reload_status.problems == ()


async def test_the_coordinators_digest_lists_the_problems_of_a_refused_edit(
    setup: Setup,
) -> None:
    """While an edit is refused, the weekly digest tells the coordinator what to fix."""
    replace_file(setup.config, program_text("ana-ben").replace("weekly", "weakly"))
    assert setup.settled_check() is Check.REFUSED
    [problem] = setup.daemon.reload_status.problems
    await setup.harness.tick(setup.daemon)
    setup.harness.clock.current = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    [digest] = [mail for mail in await setup.harness.tick(setup.daemon) if mail.kind == "digest"]
    assert problem in " ".join(digest.text.split())


async def test_a_refused_edit_shows_in_the_readiness_checks(setup: Setup) -> None:
    """After a refused edit the planner tells the monitor, so /readyz names the problem."""
    monitor = Monitor(clock=setup.harness.clock, reading=False)
    monitor.reloaded(True, at=setup.harness.clock.now())
    setup.daemon.monitor = monitor
    replace_file(setup.config, program_text("ana-ben").replace("weekly", "weakly"))
    assert setup.settled_check() is Check.REFUSED
    [problem] = setup.daemon.reload_status.problems
    await setup.daemon._catch_up(asyncio.Event())
    [program_check] = [check for check in monitor.readiness() if check.name == "program"]
    assert program_check.ok
    assert program_check.detail.endswith(f"refused and the last good program is running: {problem}")


def test_readiness_follows_each_edit_without_waiting_for_the_planner(setup: Setup) -> None:
    """A refused edit, and then its fix, show in the readiness checks as soon as the
    reloader has looked at them, before the planner turns again."""
    monitor = Monitor(clock=setup.harness.clock, reading=False)
    monitor.reloaded(True, at=setup.harness.clock.now())
    setup.daemon.monitor = monitor
    good = program_text("ana-ben")
    replace_file(setup.config, good.replace("weekly", "weakly"))
    assert setup.settled_check() is Check.REFUSED
    assert "refused" in _program_check(monitor).detail
    replace_file(setup.config, good)
    assert setup.settled_check() is Check.RELOADED
    assert "refused" not in _program_check(monitor).detail


def _program_check(monitor: Monitor) -> ReadinessCheck:
    [check] = [check for check in monitor.readiness() if check.name == "program"]
    return check


def test_a_deleted_program_file_keeps_the_last_good_program(setup: Setup) -> None:
    """A program file that disappears is refused with a reason, not treated as no pairs."""
    setup.config.unlink()
    assert setup.settled_check() is Check.REFUSED
    assert pair_ids(setup.daemon.program) == ["ana-ben"]
    [problem] = setup.daemon.reload_status.problems
    assert problem.startswith(f"{setup.config}: cannot read the file")


@pytest.mark.parametrize(
    ("template", "where"),
    [
        ("{% if %}Check-in{% endif %}", "checkin.subject.j2:1"),
        ("Check-in with {{ pair.mentr.name }}", "checkin.subject.j2:1"),
    ],
    ids=["syntax error", "unknown name"],
)
async def test_a_broken_template_is_refused_and_the_old_templates_keep_working(
    setup: Setup, template: str, where: str
) -> None:
    """A template that fails to compile or render is refused, named by file and line."""
    (setup.templates / "checkin.subject.j2").write_text(template)
    assert setup.settled_check() is Check.REFUSED
    status = setup.daemon.reload_status
    assert not status.successful
    assert any(where in problem for problem in status.problems), status.problems

    [mail] = await setup.harness.tick(setup.daemon)
    assert mail.subject.startswith("Check-in: Ana and Ben")


async def test_an_edited_template_is_used_for_the_next_email(setup: Setup) -> None:
    """A template saved in the templates folder shapes the emails planned after the reload."""
    (setup.templates / "checkin.subject.j2").write_text("Time to meet, {{ pair.mentee.name }}?")
    assert setup.settled_check() is Check.RELOADED
    [mail] = await setup.harness.tick(setup.daemon)
    assert mail.subject == "Time to meet, Ben ana-ben?"


async def test_a_removed_pair_gets_no_more_checkins_and_keeps_its_history(
    harness: Harness, tmp_path: Path
) -> None:
    """After a pair is taken out of the program it gets no mail, and its history stays."""
    config = tmp_path / "program.yaml"
    config.write_text(program_text("ana-ben", "carla-dev"))
    templates = tmp_path / "templates"
    templates.mkdir()
    setup = start(harness, config, templates)
    first = await harness.tick(setup.daemon)
    assert sorted(mail.message["X-Reminder-Pair"] for mail in first) == ["ana-ben", "carla-dev"]

    replace_file(config, program_text("ana-ben"))
    assert setup.settled_check() is Check.RELOADED
    harness.clock.advance(timedelta(days=7))
    later = await harness.tick(setup.daemon)
    assert [mail.message["X-Reminder-Pair"] for mail in later] == ["ana-ben"]
    assert "carla-dev" in harness.store.pair_histories()


def watcher(setup: Setup, applied: asyncio.Event, *, poll_interval: timedelta) -> Reloader:
    """A watcher on `setup`'s files that sets `applied` each time it swaps a program in."""

    def apply(program: Program, composer: Composer) -> None:
        setup.daemon.use(program, composer=composer)
        applied.set()

    return Reloader(
        setup.config,
        templates_dir=setup.templates,
        identity=IDENTITY,
        apply=apply,
        clock=setup.harness.clock,
        poll_interval=poll_interval,
        settle=timedelta(0),
    )


async def watch_until_applied(reloader: Reloader, applied: asyncio.Event) -> None:
    """Run the watcher's loop until it has swapped a program in, then stop it."""
    stop = asyncio.Event()
    watching = asyncio.create_task(reloader.run(stop))
    await asyncio.wait_for(applied.wait(), timeout=5)
    stop.set()
    await asyncio.wait_for(watching, timeout=5)


async def test_the_running_watcher_polls_and_reloads_an_edit(setup: Setup) -> None:
    """The watcher's loop notices an edited file by itself and swaps the program in."""
    applied = asyncio.Event()
    reloader = watcher(setup, applied, poll_interval=timedelta(milliseconds=10))
    replace_file(setup.config, program_text("ana-ben", "carla-dev"))
    await watch_until_applied(reloader, applied)
    assert pair_ids(setup.daemon.program) == ["ana-ben", "carla-dev"]


async def test_a_reload_asked_for_is_done_by_the_running_watcher(setup: Setup) -> None:
    """`request()` (what SIGHUP calls) reloads at once, without waiting for a poll."""
    applied = asyncio.Event()
    reloader = watcher(setup, applied, poll_interval=timedelta(hours=1))
    setup.config.write_text(program_text("ana-ben", "carla-dev"))
    reloader.request()
    await watch_until_applied(reloader, applied)
    assert pair_ids(setup.daemon.program) == ["ana-ben", "carla-dev"]


def test_a_replaced_single_file_mount_is_recognised_as_stale(tmp_path: Path) -> None:
    """A file whose last name is gone (what a replaced single-file mount shows) is stale."""
    kept = tmp_path / "program.yaml"
    kept.write_text(program_text("ana-ben"))
    assert not is_stale(kept)
    with kept.open() as handle:
        kept.unlink()
        assert is_stale(Path(f"/proc/self/fd/{handle.fileno()}"))


async def test_the_running_watcher_checks_an_edit_off_the_event_loop(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the watcher checks an edit, the event loop keeps running (health answers)."""
    applied = asyncio.Event()
    reloader = watcher(setup, applied, poll_interval=timedelta(milliseconds=10))
    load_started, loop_turned = threading.Event(), threading.Event()
    real_load = reloader._load

    def load(*args: Any, **kwargs: Any) -> object:
        load_started.set()
        assert loop_turned.wait(timeout=2), "the event loop stood still during the check"
        return real_load(*args, **kwargs)

    async def turn_while_loading() -> None:
        if await asyncio.to_thread(load_started.wait, 2):
            loop_turned.set()

    monkeypatch.setattr(reloader, "_load", load)
    replace_file(setup.config, program_text("ana-ben", "carla-dev"))
    turning = asyncio.create_task(turn_while_loading())
    await watch_until_applied(reloader, applied)
    await turning
    assert pair_ids(setup.daemon.program) == ["ana-ben", "carla-dev"]


def test_an_edit_is_rendered_for_its_changed_pairs_and_a_bounded_sample(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pairs an edit's emails are rendered for, in a program larger than those checked
    whole: the added and changed ones, then at most 100 of the others, spread over the file;
    and every pair of a smaller program."""
    everyone = parse_program(program_text(*(f"pair-{n}" for n in range(300))), file="p.yaml")
    assert len(pairs_to_check(everyone, before=everyone)) == 300
    monkeypatch.setattr(reload, "EVERY_PAIR_CHECKED_UP_TO", 299)
    before = parse_program(program_text(*(f"pair-{n}" for n in range(300))), file="p.yaml")
    changed = replace(before.pairs[150], ended_on=date(2027, 1, 1))
    added = parse_program(program_text("new-pair"), file="p.yaml").pairs[0]
    after = replace(before, pairs=(*before.pairs[:150], changed, *before.pairs[151:], added))

    checked = [pair.id for pair in pairs_to_check(after, before=before)]

    assert checked[:2] == ["pair-150", "new-pair"]
    assert len(checked) == 2 + 100
    assert (checked[2], checked[-1]) == ("pair-0", "pair-298")
    assert len(pairs_to_check(after, before=None)) == 301


def test_a_template_edit_is_checked_against_a_sample_of_an_unchanged_program(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template edit to a large program is rendered for a sample of the pairs, so a failure
    for one pair outside it is left to the planner, and one inside it is refused."""
    monkeypatch.setattr(reload, "EVERY_PAIR_CHECKED_UP_TO", 299)
    config = tmp_path / "program.yaml"
    config.write_text(program_text(*(f"pair-{n}" for n in range(300))))
    setup = start(harness, config, tmp_path)
    fails_for = "{% if pair.id == '{id}' %}{{ pair.nickname }}{% endif %}Check-in"
    (tmp_path / "checkin.subject.j2").write_text(fails_for.replace("{id}", "pair-151"))
    assert setup.settled_check() is Check.RELOADED
    (tmp_path / "checkin.subject.j2").write_text(fails_for.replace("{id}", "pair-150"))
    assert setup.settled_check() is Check.REFUSED


def renamed(text: str, old: str, new: str) -> str:
    """`text` with pair `old` given the id `new`, its people and settings unchanged."""
    return text.replace(f"id: {old}\n", f"id: {new}\n")


async def test_an_edit_giving_a_pair_a_new_id_is_refused_and_sends_nothing(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    """A pair's mentor and mentee under a new id is refused, naming the id to keep, and no
    second check-in goes out for the period."""
    assert len(await setup.harness.tick(setup.daemon)) == 1
    replace_file(setup.config, renamed(program_text("ana-ben"), "ana-ben", "ana-benjamin"))
    with caplog.at_level(logging.ERROR, logger="reminder_service.reload"):
        assert setup.settled_check() is Check.REFUSED

    assert pair_ids(setup.daemon.program) == ["ana-ben"]
    [problem] = setup.daemon.reload_status.problems
    assert problem.startswith(f"{setup.config}:7: pairs[0].id: pair 'ana-benjamin' has the same")
    assert "keep the id 'ana-ben'" in problem
    assert f"reload refused: {problem}" in caplog.messages
    assert await setup.harness.tick(setup.daemon) == []


def test_a_new_pairing_of_the_same_people_is_taken_in_once_the_old_one_has_ended(
    setup: Setup,
) -> None:
    """Keeping the old id as ended and adding the new pairing under a new id is accepted."""
    old = program_text("ana-ben") + "    status: ended\n"
    new = renamed(program_text("ana-ben"), "ana-ben", "ana-ben-2").removeprefix(
        program_text().rstrip("\n") + "\n"
    )
    replace_file(setup.config, old + new)
    assert setup.settled_check() is Check.RELOADED
    assert pair_ids(setup.daemon.program) == ["ana-ben", "ana-ben-2"]


def test_an_unexpected_failure_while_checking_an_edit_keeps_the_last_good_program(
    setup: Setup, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A failure that is not a problem in the files (a bug) refuses the edit, and the
    running program, the log and the status say so: the daemon does not stop."""

    def broken_loader(path: Path, **_: object) -> Program:
        raise RuntimeError("a bug while reading")

    monkeypatch.setattr(reload, "load_program", broken_loader)
    replace_file(setup.config, program_text("ana-ben", "carla-dev"))
    with caplog.at_level(logging.ERROR, logger="reminder_service.reload"):
        assert setup.settled_check() is Check.REFUSED

    assert pair_ids(setup.daemon.program) == ["ana-ben"]
    [problem] = setup.daemon.reload_status.problems
    assert problem.startswith(f"{setup.config}: the edit could not be checked")
    assert "RuntimeError" not in problem
    assert any(
        "a bug while reading" in record.exc_text for record in caplog.records if record.exc_text
    )


def test_a_running_pair_never_emailed_may_get_a_new_id(setup: Setup) -> None:
    """A typo in the id of a pair that has had no email yet is corrected without refusal."""
    replace_file(setup.config, renamed(program_text("ana-ben"), "ana-ben", "ana-benn"))
    assert setup.settled_check() is Check.RELOADED
    assert pair_ids(setup.daemon.program) == ["ana-benn"]


async def test_people_re_added_under_a_new_id_after_their_pair_was_removed_are_refused(
    setup: Setup,
) -> None:
    """A pair with email history, removed by an earlier edit, may not come back under a new
    id for the same people: the database, not only the running program, is asked."""
    assert len(await setup.harness.tick(setup.daemon)) == 1
    replace_file(setup.config, program_text("carla-dev"))
    assert setup.settled_check() is Check.RELOADED

    new_entry = renamed(program_text("ana-ben"), "ana-ben", "ana-ben-2").removeprefix(
        program_text()
    )
    replace_file(setup.config, program_text("carla-dev") + new_entry)
    assert setup.settled_check() is Check.REFUSED
    [problem] = setup.daemon.reload_status.problems
    assert "keep (or put back) 'ana-ben' with status: ended" in problem
