"""Withdrawing queued emails: what a pair's status no longer allows, and only that."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.due import due_checkins
from reminder_service.core.model import (
    PERIOD_KINDS,
    Kind,
    Pair,
    PairActivity,
    PairHistory,
    ReplyStatus,
    Status,
)
from reminder_service.core.relationship import relationship_emails
from reminder_service.core.withdraw import (
    ENDED_BY_REPLY,
    ENDED_IN_PROGRAM,
    PAUSED,
    WITHDRAWABLE,
    withdrawal,
)

from .strategies import (
    active_pairs,
    make_meeting,
    make_pair,
    make_program,
    reply_end,
    reply_pause,
    reply_statuses,
    yaml_non_active,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SET_AT = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
MEETING_KINDS = {Kind.THANKS, Kind.CONFIRMATION, Kind.DISPUTE_NOTICE}


@pytest.mark.parametrize(
    ("yaml", "reply", "kept", "reason"),
    [
        pytest.param({"status": Status.ENDED}, None, set(), ENDED_IN_PROGRAM, id="yaml-ended"),
        pytest.param(
            {"ended_on": date(2026, 11, 20)}, None, set(), ENDED_IN_PROGRAM, id="ended-on-today"
        ),
        pytest.param(
            {"status": Status.ENDED},
            reply_end(set_at=SET_AT),
            set(),
            ENDED_IN_PROGRAM,
            id="yaml-ended-after-reply-end",
        ),
        pytest.param(
            {},
            reply_end(set_at=SET_AT),
            {Kind.FAREWELL, Kind.ENDED_NOTICE},
            ENDED_BY_REPLY,
            id="reply-end",
        ),
        pytest.param({"status": Status.PAUSED}, None, MEETING_KINDS, PAUSED, id="yaml-paused"),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2026, 12, 1)},
            None,
            MEETING_KINDS,
            PAUSED,
            id="yaml-paused-until",
        ),
        pytest.param(
            {},
            reply_pause(date(2027, 1, 5), set_at=SET_AT),
            MEETING_KINDS,
            PAUSED,
            id="reply-pause",
        ),
    ],
)
def test_withdrawal(
    yaml: dict[str, Any], reply: ReplyStatus | None, kept: set[Kind], reason: str
) -> None:
    """An ended pair keeps nothing, one ended by reply its farewell, a paused one its meeting
    emails; the question back to a reply is withdrawn only from a pair the YAML ended, and the
    digest never."""
    pair = replace(make_pair(), **yaml)
    found = withdrawal(pair, PairHistory(reply_status=reply), now=NOW)
    assert found is not None
    assert (found.pair_id, found.reason) == (pair.id, reason)
    ended_in_yaml = reason == ENDED_IN_PROGRAM
    assert found.kinds == (WITHDRAWABLE | ({Kind.QUESTION} if ended_in_yaml else set())) - kept
    assert Kind.DIGEST not in found.kinds


@pytest.mark.parametrize(
    ("yaml", "reply"),
    [
        pytest.param({}, None, id="active"),
        pytest.param({"ended_on": date(2026, 11, 21)}, None, id="ends-tomorrow"),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2026, 11, 20)}, None, id="pause-over"
        ),
        pytest.param({}, reply_pause(date(2026, 11, 15), set_at=SET_AT), id="reply-pause-over"),
    ],
)
def test_no_withdrawal(yaml: dict[str, Any], reply: ReplyStatus | None) -> None:
    """A pair that is active on its own date at `now` has nothing withdrawn."""
    pair = replace(make_pair(), **yaml)
    assert withdrawal(pair, PairHistory(reply_status=reply), now=NOW) is None


@given(
    data=st.data(),
    pair=active_pairs(started=st.dates(date(2020, 1, 1), date(2026, 11, 1))),
    yaml_status=st.booleans(),
    with_reply=st.booleans(),
    hours=st.integers(0, 24 * 400),
)
def test_never_withdraws_what_the_planner_would_queue(
    data: st.DataObject, pair: Pair, yaml_status: bool, with_reply: bool, hours: int
) -> None:
    """No kind the planner would queue for the pair now is among the kinds withdrawn."""
    if yaml_status:
        pair = data.draw(yaml_non_active(pair))
    now = datetime.combine(pair.started, time(0), UTC) + timedelta(hours=hours)
    reply = data.draw(reply_statuses(around=now.date())) if with_reply else None
    if reply is not None and reply.set_at > now:
        reply = replace(reply, set_at=now)
    history = PairHistory(reply_status=reply, last_not_met_at=now - timedelta(days=8))
    meeting = make_meeting(pair_id=pair.id, logged_at=now - timedelta(hours=1))
    activity = PairActivity(recent_meetings=(meeting,))
    program = make_program(pair)
    histories = {pair.id: history}
    planned = set(PERIOD_KINDS) if due_checkins(program, histories, now) else set()
    emails = relationship_emails(program, histories, {pair.id: activity}, now)
    planned |= {item.kind for item in emails}
    found = withdrawal(pair, history, now=now)
    assert found is None or not planned & found.kinds
