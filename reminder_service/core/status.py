"""Where a pair effectively stands: the YAML's status, or a pause or end asked for by reply.

The YAML is the coordinator's source of truth. A pause or end that a member asked for by
reply applies only while the YAML says the pair is active (and its `ended_on` has not
come); any other status in the YAML wins. One refinement: a YAML pause that had already
ended when the reply came counts as active, so a pair paused once by the coordinator can
still pause or end by reply later. Applying the reply is a substitution on the pair, so
the scheduler treats a reply pause exactly like a pause written in the YAML. A pause or
end that the coordinator lifts by writing `status: active` leaves no date in the file, so
the planner remembers that it saw it, and the date it was lifted (`noted_silence`). Such a
lift also ends a reply pause (or a reply end, when an end was lifted) set before it: the
coordinator copied it into the file as the digest advises, then resumed the pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from enum import Enum
from typing import Literal
from zoneinfo import ZoneInfo

from reminder_service.core.model import (
    Pair,
    PairHistory,
    Program,
    ReplyStatus,
    Silence,
    Status,
    StatusDifference,
)


def is_ended_in_yaml(pair: Pair, today: date) -> bool:
    """True when the YAML ends the pair by its local date `today`: status ended, or `ended_on`."""
    return pair.status is Status.ENDED or (pair.ended_on is not None and today >= pair.ended_on)


def is_silent(pair: Pair, today: date) -> bool:
    """True when the pair gets no scheduled mail on its local date `today`: ended, or paused."""
    if is_ended_in_yaml(pair, today):
        return True
    return pair.status is Status.PAUSED and (pair.paused_until is None or today < pair.paused_until)


def state_in_yaml(pair: Pair, today: date) -> Status:
    """Where the pair stands on its local date `today`: ended on and after its `ended_on`,
    active again once a pause has run out. Given `effective_pair`, it takes replies in too."""
    if is_ended_in_yaml(pair, today):
        return Status.ENDED
    return Status.PAUSED if is_silent(pair, today) else Status.ACTIVE


class Hold(Enum):
    """What holds back a pair's mail on a day, most restrictive first (`hold_on`)."""

    ENDED_IN_YAML = "ended in the YAML"
    ENDED_BY_REPLY = "ended by reply"
    PAUSED = "paused, in the YAML or by reply"


def hold_on(pair: Pair, history: PairHistory, *, today: date) -> Hold | None:
    """What holds back the pair's mail on its local date `today`; None while it is active.

    The planner and the withdrawal of queued emails follow the same ladder: the YAML's end
    first, then an end asked for by reply, then a pause from either.
    """
    if is_ended_in_yaml(pair, today):
        return Hold.ENDED_IN_YAML
    effective = effective_pair(pair, history, today=today)
    if effective.status is Status.ENDED:
        return Hold.ENDED_BY_REPLY
    if is_silent(effective, today):
        return Hold.PAUSED
    return None


def noted_silence(pair: Pair, known: Silence | None, *, today: date) -> Silence | None:
    """What to remember about the pause or end the YAML sets for the pair on its local date
    `today`, given what is `known`; None when that has not changed.

    A pause or end in force is remembered with no resume date, and the date it was first
    seen. Once the YAML lifts it, the date it did: its `paused_until` when there is one, else
    `today` (the planner sees every program load, so that is the day the coordinator wrote
    `status: active`).
    """
    if is_ended_in_yaml(pair, today):
        silence: Silence | None = _in_force_since(Status.ENDED, known, today)
    elif is_silent(pair, today):
        silence = _in_force_since(Status.PAUSED, known, today)
    elif known is not None and known.resumed_on is None:
        silence = replace(known, resumed_on=_lifted_on(pair, today))
    else:
        return None
    return None if silence == known else silence


def _in_force_since(
    status: Literal[Status.PAUSED, Status.ENDED], known: Silence | None, today: date
) -> Silence:
    """A pause or end in force, first seen `today` unless it carries on the `known` one: still
    in force, or lifted only today (a lift undone the day it was made never happened)."""
    carries_on = known is not None and known.resumed_on in (None, today)
    noted_on = known.noted_on if known is not None and carries_on else today
    return Silence(status, noted_on=noted_on)


def resumed_on(pair: Pair, history: PairHistory, *, today: date) -> date | None:
    """The date a pause or end the YAML set was lifted (`noted_silence`), even before that
    date is stored; None while the YAML still pauses or ends the pair, or when it never did.

    `pair` is the pair as the YAML has it, never `effective_pair`: the planner notes the lift
    from the YAML, so the date it stores is the one computed before it did. A pause or end
    lifted on the day it was first seen counts as never set (a status written by mistake and
    put back within the day): no welcome-back, and the schedule stays where it was.
    """
    silence = history.silence
    if silence is None or is_silent(pair, today):
        return None
    lifted = silence.resumed_on or _lifted_on(pair, today)
    if silence.noted_on is not None and lifted <= silence.noted_on:
        return None
    return lifted


def as_noted(pair: Pair, history: PairHistory, *, today: date) -> PairHistory:
    """The history as the planner leaves it on `today`, its pause or end noted: plans over a
    window start from it, so a lift not stored yet keeps its date as the days go by."""
    noted = noted_silence(pair, history.silence, today=today)
    return history if noted is None else replace(history, silence=noted)


def _lifted_on(pair: Pair, today: date) -> date:
    """The date the YAML's pause or end of the pair ended, seen from a date it no longer
    holds: its `paused_until` if it names one, else `today`."""
    return pair.paused_until if pair.paused_until is not None else today


def effective_pair(pair: Pair, history: PairHistory, *, today: date) -> Pair:
    """The pair as the scheduler should see it on its local date `today`.

    A reply pause becomes status paused with the reply's end date as `paused_until`; a
    reply end becomes status ended. The pair is returned unchanged when there is no reply
    status, or when the YAML's own status is in force: ended (or `ended_on` has come), or
    paused, unless that pause had ended by the date the reply was received; and when a
    YAML pause or end was lifted after the reply (`_lifted_after`).
    """
    reply = history.reply_status
    if reply is None or not _yaml_yields_to(pair, reply, today):
        return pair
    if _lifted_after(pair, history, reply, today):
        return pair
    if reply.status is Status.ENDED:
        return replace(pair, status=Status.ENDED)
    return replace(pair, status=Status.PAUSED, paused_until=reply.until)


def status_differences(
    program: Program, history: Mapping[str, PairHistory], *, today: date
) -> list[StatusDifference]:
    """Pairs whose status asked for by reply, still in force on `today`, is not in the YAML.

    Both sides are written as YAML fields ("status: paused, paused_until: 2027-01-15") so
    the coordinator can copy the reply's side into the file. A pause that is over, one the
    coordinator has since lifted in the YAML, or a pair the YAML has ended, is not a
    difference. Sorted by pair id.
    """
    found: list[StatusDifference] = []
    for pair in sorted(program.pairs, key=lambda pair: pair.id):
        known = history.get(pair.id, PairHistory())
        reply = known.reply_status
        if reply is None or not _in_force(reply, today) or is_ended_in_yaml(pair, today):
            continue
        if _lifted_after(pair, known, reply, today):
            continue
        if (pair.status, pair.paused_until) != (reply.status, reply.until):
            found.append(
                StatusDifference(
                    pair_id=pair.id,
                    in_yaml=yaml_fields(pair),
                    by_reply=_reply_fields(reply, pair.timezone),
                )
            )
    return found


def _yaml_yields_to(pair: Pair, reply: ReplyStatus, today: date) -> bool:
    """True when the YAML leaves the pair's status to `reply` on `today`."""
    if is_ended_in_yaml(pair, today):
        return False
    if pair.status is Status.ACTIVE:
        return True
    return pair.paused_until is not None and pair.paused_until <= min(
        today, _replied_on(pair, reply)
    )


def _lifted_after(pair: Pair, history: PairHistory, reply: ReplyStatus, today: date) -> bool:
    """True when the coordinator lifted a YAML pause or end on a later day than `reply` was
    set: the lift ends a reply pause, and a reply end when it was an end they lifted.

    The coordinator is told to copy a reply's status into the file; writing `status: active`
    afterwards means they resumed the pair. A reply on the day of the lift still counts: the
    member may have written after it, and dates are all we keep of a lift.
    """
    lifted = resumed_on(pair, history, today=today)
    if lifted is None or _replied_on(pair, reply) >= lifted:
        return False
    silence = history.silence
    return reply.status is Status.PAUSED or (silence is not None and silence.status is Status.ENDED)


def _replied_on(pair: Pair, reply: ReplyStatus) -> date:
    """The pair's local date the reply was recorded."""
    return reply.set_at.astimezone(pair.timezone).date()


def _in_force(reply: ReplyStatus, today: date) -> bool:
    """True for an end, and for a pause that has not ended by `today`."""
    return reply.status is Status.ENDED or reply.until is None or reply.until > today


def yaml_fields(pair: Pair) -> str:
    """The pair's status fields as they stand in the YAML: "status: active", or
    "status: paused, paused_until: 2027-01-15"."""
    fields = [f"status: {pair.status.value}"]
    if pair.paused_until is not None:
        fields.append(f"paused_until: {pair.paused_until.isoformat()}")
    if pair.ended_on is not None:
        fields.append(f"ended_on: {pair.ended_on.isoformat()}")
    return ", ".join(fields)


def _reply_fields(reply: ReplyStatus, zone: ZoneInfo) -> str:
    """The YAML fields that would say what the reply asked for."""
    if reply.status is Status.ENDED:
        ended_on = reply.set_at.astimezone(zone).date()
        return f"status: ended, ended_on: {ended_on.isoformat()}"
    if reply.until is None:
        return "status: paused"
    return f"status: paused, paused_until: {reply.until.isoformat()}"
