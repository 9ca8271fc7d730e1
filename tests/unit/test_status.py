"""Effective status: a reply's pause or end applies while the YAML leaves it to them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.due import due_checkins
from reminder_service.core.model import (
    Pair,
    PairHistory,
    ReplyStatus,
    Silence,
    Status,
    StatusDifference,
)
from reminder_service.core.status import (
    Hold,
    as_noted,
    effective_pair,
    hold_on,
    noted_silence,
    resumed_on,
    status_differences,
)

from .strategies import (
    active_pairs,
    make_pair,
    make_program,
    reply_end,
    reply_pause,
    reply_statuses,
    yaml_non_active,
)

TODAY = date(2026, 11, 20)
SET_AT = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("yaml", "reply", "expected"),
    [
        pytest.param({}, None, {}, id="no-reply-status"),
        pytest.param(
            {},
            reply_pause(date(2027, 1, 15), set_at=SET_AT),
            {"status": Status.PAUSED, "paused_until": date(2027, 1, 15)},
            id="reply-pause-until",
        ),
        pytest.param(
            {},
            reply_pause(None, set_at=SET_AT),
            {"status": Status.PAUSED, "paused_until": None},
            id="reply-pause-open",
        ),
        pytest.param(
            {},
            reply_pause(date(2026, 11, 15), set_at=SET_AT),
            {"status": Status.PAUSED, "paused_until": date(2026, 11, 15)},
            id="reply-pause-over-keeps-its-resume-date",
        ),
        pytest.param({}, reply_end(set_at=SET_AT), {"status": Status.ENDED}, id="reply-end"),
        pytest.param(
            {"ended_on": date(2027, 6, 30)},
            reply_end(set_at=SET_AT),
            {"status": Status.ENDED, "ended_on": date(2027, 6, 30)},
            id="planned-end-not-come-yet",
        ),
        pytest.param(
            {"ended_on": TODAY}, reply_pause(None, set_at=SET_AT), {}, id="yaml-ended-on-today"
        ),
        pytest.param(
            {"status": Status.ENDED}, reply_pause(None, set_at=SET_AT), {}, id="yaml-ended"
        ),
        pytest.param(
            {"status": Status.PAUSED}, reply_end(set_at=SET_AT), {}, id="yaml-paused-open"
        ),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2026, 12, 1)},
            reply_end(set_at=SET_AT),
            {},
            id="yaml-paused-in-force",
        ),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2026, 11, 10)},
            reply_end(set_at=SET_AT),
            {"status": Status.ENDED},
            id="yaml-pause-over-before-the-reply",
        ),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2026, 11, 12)},
            reply_end(set_at=SET_AT),
            {},
            id="yaml-pause-over-after-the-reply",
        ),
    ],
)
def test_effective_pair(
    yaml: dict[str, Any], reply: ReplyStatus | None, expected: dict[str, Any]
) -> None:
    """A reply's status replaces an active YAML status; a YAML status in force wins."""
    pair = replace(make_pair(), **yaml)
    result = effective_pair(pair, PairHistory(reply_status=reply), today=TODAY)
    assert result == replace(pair, **expected)


@pytest.mark.parametrize(
    ("yaml", "reply", "expected"),
    [
        pytest.param({}, None, None, id="active"),
        pytest.param({"status": Status.ENDED}, reply_end(set_at=SET_AT), Hold.ENDED_IN_YAML),
        pytest.param({"ended_on": TODAY}, None, Hold.ENDED_IN_YAML, id="ended-on-today"),
        pytest.param({}, reply_end(set_at=SET_AT), Hold.ENDED_BY_REPLY, id="reply-end"),
        pytest.param({"status": Status.PAUSED}, reply_end(set_at=SET_AT), Hold.PAUSED),
        pytest.param({}, reply_pause(None, set_at=SET_AT), Hold.PAUSED, id="reply-pause"),
        pytest.param({}, reply_pause(TODAY, set_at=SET_AT), None, id="reply-pause-over"),
    ],
)
def test_hold_on(yaml: dict[str, Any], reply: ReplyStatus | None, expected: Hold | None) -> None:
    """The YAML's end holds first, then an end by reply, then a pause in force from either."""
    pair = replace(make_pair(), **yaml)
    assert hold_on(pair, PairHistory(reply_status=reply), today=TODAY) is expected


@pytest.mark.parametrize(
    ("yaml", "reply", "expected"),
    [
        pytest.param({}, None, None, id="no-reply-status"),
        pytest.param(
            {},
            reply_pause(date(2027, 1, 15), set_at=SET_AT),
            ("status: active", "status: paused, paused_until: 2027-01-15"),
            id="active-vs-reply-pause",
        ),
        pytest.param(
            {},
            reply_pause(None, set_at=SET_AT),
            ("status: active", "status: paused"),
            id="active-vs-open-reply-pause",
        ),
        pytest.param(
            {"ended_on": date(2027, 6, 30)},
            reply_end(set_at=datetime(2026, 11, 10, 23, 30, tzinfo=UTC)),
            ("status: active, ended_on: 2027-06-30", "status: ended, ended_on: 2026-11-11"),
            id="reply-end-dated-in-the-pairs-zone",
        ),
        pytest.param({}, reply_pause(TODAY, set_at=SET_AT), None, id="reply-pause-over"),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2027, 1, 15)},
            reply_pause(date(2027, 1, 15), set_at=SET_AT),
            None,
            id="already-copied",
        ),
        pytest.param(
            {"status": Status.PAUSED},
            reply_end(set_at=SET_AT),
            ("status: paused", "status: ended, ended_on: 2026-11-10"),
            id="yaml-wins-but-difference-shown",
        ),
        pytest.param({"status": Status.ENDED}, reply_end(set_at=SET_AT), None, id="yaml-ended"),
        pytest.param(
            {"ended_on": TODAY}, reply_pause(None, set_at=SET_AT), None, id="yaml-ended-on"
        ),
    ],
)
def test_status_differences(
    yaml: dict[str, Any], reply: ReplyStatus | None, expected: tuple[str, str] | None
) -> None:
    """A reply status in force that the YAML does not say is listed as YAML fields to copy."""
    pair = replace(make_pair(), **yaml)
    found = status_differences(
        make_program(pair), {pair.id: PairHistory(reply_status=reply)}, today=TODAY
    )
    assert found == ([] if expected is None else [StatusDifference(pair.id, *expected)])


def test_status_differences_sorted_by_pair() -> None:
    """Differences come sorted by pair id, and pairs without history are skipped."""
    program = make_program(make_pair("zed"), make_pair("amy"), make_pair("bob"))
    history = {
        pair_id: PairHistory(reply_status=reply_end(set_at=SET_AT)) for pair_id in ("zed", "amy")
    }
    found = status_differences(program, history, today=TODAY)
    assert [difference.pair_id for difference in found] == ["amy", "zed"]


@given(pair=active_pairs(), offset=st.integers(-400, 4000))
def test_effective_pair_is_identity_without_reply(pair: Pair, offset: int) -> None:
    """Without a reply status the effective pair is the YAML's pair, on any day."""
    today = date.fromordinal(pair.started.toordinal() + offset)
    assert effective_pair(pair, PairHistory(), today=today) is pair


@given(data=st.data(), pair=active_pairs(), offset=st.integers(0, 4000))
def test_yaml_non_active_status_wins(data: st.DataObject, pair: Pair, offset: int) -> None:
    """A YAML end, or a YAML pause still in force, is never replaced by a reply status."""
    yaml_pair = data.draw(yaml_non_active(pair))
    today = date.fromordinal(pair.started.toordinal() + offset)
    reply = data.draw(reply_statuses(around=today))
    assert effective_pair(yaml_pair, PairHistory(reply_status=reply), today=today) is yaml_pair
    now = datetime.combine(today, time(12), yaml_pair.timezone)
    program = make_program(yaml_pair)
    with_reply = due_checkins(program, {pair.id: PairHistory(reply_status=reply)}, now)
    assert with_reply == due_checkins(program, {}, now)


LIFT_DAY = date(2027, 3, 5)
NOTED_DAY = date(2027, 2, 1)


@pytest.mark.parametrize(
    ("changes", "known", "expected"),
    [
        pytest.param(
            {"status": Status.PAUSED},
            None,
            Silence(Status.PAUSED, noted_on=LIFT_DAY),
            id="pause-first-seen",
        ),
        pytest.param(
            {"status": Status.PAUSED},
            Silence(Status.PAUSED, noted_on=NOTED_DAY),
            None,
            id="pause-known",
        ),
        pytest.param(
            {"status": Status.ENDED},
            None,
            Silence(Status.ENDED, noted_on=LIFT_DAY),
            id="end-first-seen",
        ),
        pytest.param(
            {"status": Status.ENDED},
            Silence(Status.PAUSED, noted_on=NOTED_DAY),
            Silence(Status.ENDED, noted_on=NOTED_DAY),
            id="paused-then-ended-keeps-its-first-day",
        ),
        pytest.param(
            {"ended_on": date(2027, 3, 1)},
            None,
            Silence(Status.ENDED, noted_on=LIFT_DAY),
            id="ended-on-passed",
        ),
        pytest.param(
            {"status": Status.PAUSED},
            Silence(Status.PAUSED, resumed_on=date(2026, 1, 1), noted_on=date(2025, 12, 1)),
            Silence(Status.PAUSED, noted_on=LIFT_DAY),
            id="paused-again-after-a-lift",
        ),
        pytest.param(
            {"status": Status.PAUSED},
            Silence(Status.PAUSED, resumed_on=LIFT_DAY, noted_on=NOTED_DAY),
            Silence(Status.PAUSED, noted_on=NOTED_DAY),
            id="paused-again-the-day-it-was-lifted-carries-on",
        ),
        pytest.param(
            {}, Silence(Status.PAUSED), Silence(Status.PAUSED, LIFT_DAY), id="lifted-today"
        ),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2027, 3, 1)},
            Silence(Status.PAUSED),
            Silence(Status.PAUSED, date(2027, 3, 1)),
            id="dated-pause-ended-on-its-date",
        ),
        pytest.param(
            {}, Silence(Status.ENDED), Silence(Status.ENDED, LIFT_DAY), id="end-lifted-today"
        ),
        pytest.param({}, Silence(Status.PAUSED, date(2027, 2, 1)), None, id="lift-known"),
        pytest.param({}, None, None, id="never-silent"),
    ],
)
def test_noted_silence(
    changes: dict[str, Any], known: Silence | None, expected: Silence | None
) -> None:
    """The planner notes a YAML pause or end when it starts, and the date it is lifted."""
    pair = replace(make_pair(started=date(2026, 1, 10)), **changes)
    assert noted_silence(pair, known, today=LIFT_DAY) == expected


@given(pair=active_pairs(), days=st.integers(min_value=0, max_value=400))
def test_a_noted_lift_stays_put(pair: Pair, days: int) -> None:
    """Once a lift is noted, later days note nothing new and resume on the same date."""
    history = as_noted(pair, PairHistory(silence=Silence(Status.PAUSED)), today=pair.started)
    later = date.fromordinal(pair.started.toordinal() + days)
    assert noted_silence(pair, history.silence, today=later) is None
    assert resumed_on(pair, history, today=later) == pair.started


@pytest.mark.parametrize(
    ("silence", "today", "expected"),
    [
        pytest.param(Silence(Status.PAUSED, noted_on=LIFT_DAY), LIFT_DAY, None, id="same-day"),
        pytest.param(
            Silence(Status.PAUSED, resumed_on=LIFT_DAY, noted_on=LIFT_DAY),
            date(2027, 4, 1),
            None,
            id="same-day-stored",
        ),
        pytest.param(Silence(Status.ENDED, noted_on=LIFT_DAY), LIFT_DAY, None, id="end-same-day"),
        pytest.param(
            Silence(Status.PAUSED, noted_on=date(2027, 3, 4)),
            LIFT_DAY,
            LIFT_DAY,
            id="next-day",
        ),
        pytest.param(Silence(Status.PAUSED), LIFT_DAY, LIFT_DAY, id="noted-day-unknown"),
    ],
)
def test_a_silence_lifted_the_day_it_was_noted_leaves_no_trace(
    silence: Silence, today: date, expected: date | None
) -> None:
    """A YAML pause or end lifted on the day the planner first saw it has no resume date; one
    that covered at least a day has (and so does one noted before its first day was kept)."""
    pair = make_pair(started=date(2026, 1, 10))
    assert resumed_on(pair, PairHistory(silence=silence), today=today) == expected


REPLIED = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("reply", "silence", "expected"),
    [
        pytest.param(
            reply_pause(None, set_at=REPLIED),
            Silence(Status.PAUSED, noted_on=date(2027, 1, 12)),
            Status.ACTIVE,
            id="open-reply-pause-copied-then-lifted",
        ),
        pytest.param(
            reply_pause(date(2027, 6, 1), set_at=REPLIED),
            Silence(Status.PAUSED, resumed_on=date(2027, 2, 1), noted_on=date(2027, 1, 12)),
            Status.ACTIVE,
            id="dated-reply-pause-lifted-early",
        ),
        pytest.param(
            reply_pause(None, set_at=datetime(2027, 3, 5, 15, 0, tzinfo=UTC)),
            Silence(Status.PAUSED, noted_on=date(2027, 1, 12)),
            Status.PAUSED,
            id="reply-on-the-lift-day-counts",
        ),
        pytest.param(
            reply_pause(None, set_at=REPLIED),
            Silence(Status.PAUSED, noted_on=LIFT_DAY),
            Status.PAUSED,
            id="lift-undone-the-same-day-ends-nothing",
        ),
        pytest.param(
            reply_end(set_at=REPLIED),
            Silence(Status.ENDED, noted_on=date(2027, 1, 12)),
            Status.ACTIVE,
            id="reply-end-copied-then-lifted",
        ),
        pytest.param(
            reply_end(set_at=REPLIED),
            Silence(Status.PAUSED, noted_on=date(2027, 1, 2)),
            Status.ENDED,
            id="a-lifted-pause-ends-no-reply-end",
        ),
    ],
)
def test_a_yaml_lift_ends_an_earlier_reply_status(
    reply: ReplyStatus, silence: Silence, expected: Status
) -> None:
    """Writing `status: active` after copying a reply's pause (or end) into the YAML resumes
    the pair, and the digest stops advising to copy it; a reply on the lift day still counts."""
    pair = make_pair(started=date(2026, 1, 10))
    history = PairHistory(reply_status=reply, silence=silence)
    assert effective_pair(pair, history, today=LIFT_DAY).status is expected
    differences = status_differences(make_program(pair), {pair.id: history}, today=LIFT_DAY)
    assert bool(differences) == (expected is not Status.ACTIVE)
