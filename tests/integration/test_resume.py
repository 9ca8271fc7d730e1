"""Resuming a pair in the YAML: the planner remembers the pause, so the pair starts afresh."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from reminder_service.built_in_templates import BUILT_IN_TEMPLATES
from reminder_service.compose import Composer, Identity
from reminder_service.core.model import Pair, Program, Status
from reminder_service.planner import Planner
from reminder_service.store import SqliteStore
from tests.support.loop import FakeClock
from tests.support.outbox_steps import claim_next, mark_sent
from tests.unit.strategies import make_pair, make_program

IDENTITY = Identity(
    from_header="Mentoring <mentoring@example.org>",
    reply_mailbox="mentoring@example.org",
    secret_key=b"test key of sufficient length",
)
ACTIVE = make_pair(cadence="monthly", started=date(2026, 1, 10), zone="Europe/London")


class Scene:
    """A planner over a program the test edits, and the clock it reads."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.clock = FakeClock(datetime(2026, 1, 10, tzinfo=UTC))
        self.program: Program = make_program(ACTIVE)
        composer = Composer(BUILT_IN_TEMPLATES, identity=IDENTITY)
        self.planner = Planner(
            lambda: self.program, store=store, composer=composer, clock=self.clock
        )

    def tick(self, at: str, pair: Pair = ACTIVE) -> list[tuple[str, str]]:
        """Plan at `at` (noon UTC) with `pair` in the YAML; send all that was queued and
        return the pair's emails (the coordinator's digest aside)."""
        self.clock.current = datetime.fromisoformat(f"{at}T12:00+00:00")
        self.program = make_program(pair)
        before = {row.key for row in self.store.outbox()}
        self.planner.plan_once()
        queued = [row for row in self.store.outbox() if row.key not in before]
        for _ in queued:
            row = claim_next(self.store, now=self.clock.now())
            assert row is not None
            mark_sent(self.store, row.id, now=self.clock.now())
        return [(row.kind, row.key.rsplit(":", 1)[-1]) for row in queued if row.pair_id == pair.id]


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[Scene]:
    """A pair asked on 10 Feb and 10 Mar 2026 that never answered."""
    with SqliteStore.open(tmp_path / "reminders.db") as store:
        scene = Scene(store)
        assert scene.tick("2026-02-10") == [("checkin", "2026-02-10")]
        assert scene.tick("2026-03-10") == [("reminder", "2026-03-10")]
        yield scene


@pytest.mark.parametrize(
    ("silenced", "lifted_on", "welcome"),
    [
        pytest.param(
            {"status": Status.PAUSED}, "2027-03-05", [("welcome_back", "2027-03-05")], id="pause"
        ),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2027, 6, 1)},
            "2027-03-05",
            [("welcome_back", "2027-03-05")],
            id="dated-pause-lifted-early",
        ),
        pytest.param({"status": Status.ENDED}, "2027-03-05", [], id="end"),
    ],
)
def test_a_pair_resumed_in_the_yaml_starts_fresh(
    scene: Scene, silenced: dict[str, Any], lifted_on: str, welcome: list[tuple[str, str]]
) -> None:
    """Writing `status: active` brings a welcome-back after a pause, no email at once, and a
    plain check-in one cadence later, however long the pair was silent."""
    assert scene.tick("2026-03-20", replace(ACTIVE, **silenced)) == []
    assert scene.tick("2027-02-10", replace(ACTIVE, **silenced)) == []
    assert scene.tick(lifted_on) == welcome
    assert scene.tick("2027-03-06") == []
    assert scene.tick("2027-04-05") == [("checkin", "2027-04-05")]


def test_a_dated_pause_that_ran_out_resumes_on_its_date(scene: Scene) -> None:
    """A dated pause that ended on its date, then made `status: active`, is counted from
    that date: the edit moves nothing."""
    paused = replace(ACTIVE, status=Status.PAUSED, paused_until=date(2027, 3, 1))
    assert scene.tick("2026-03-20", paused) == []
    assert scene.tick("2027-03-01", paused) == [("welcome_back", "2027-03-01")]
    assert scene.tick("2027-03-05") == []
    assert scene.tick("2027-04-01") == [("checkin", "2027-04-01")]


def test_a_pause_undone_the_same_day_leaves_no_trace(scene: Scene) -> None:
    """`status: paused` written by mistake and put back the same day sends no welcome-back
    and moves nothing: the next email is the one the pair would have had anyway."""
    paused = replace(ACTIVE, status=Status.PAUSED)
    assert scene.tick("2026-03-20", paused) == []
    assert scene.tick("2026-03-20") == []
    assert scene.tick("2026-04-10") == [("reminder", "2026-04-10")]


def test_a_pause_kept_overnight_is_a_pause(scene: Scene) -> None:
    """A YAML pause lifted the day after it was written counts: a welcome-back, and the
    next check-in one cadence after the lift."""
    paused = replace(ACTIVE, status=Status.PAUSED)
    assert scene.tick("2026-03-20", paused) == []
    assert scene.tick("2026-03-21") == [("welcome_back", "2026-03-21")]
    assert scene.tick("2026-04-10") == []
    assert scene.tick("2026-04-21") == [("checkin", "2026-04-21")]
