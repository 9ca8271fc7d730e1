"""Which queued emails a pair's status no longer allows, so they are withdrawn before they go.

An email can wait in the outbox for a long time (while the mail server cannot be used, the
sender waits until it can; the rate limit can hold a backlog). Meanwhile the coordinator may end or
pause the pair, or the pair may end or pause by reply. The rules are the planner's own
(`core.due` and `core.relationship`): a pair the YAML has ended gets nothing; a pair that
ended by reply gets only its farewell (and the coordinator its notice); a paused pair gets
only thank-yous and confirmations for meetings it reports (and the coordinator dispute
notices). The question sent back to a member whose reply was unclear answers that member's
own message: it is withdrawn only when the YAML ends the pair. The digest, about no one pair,
is never withdrawn here. (The store withdraws, apart from these, a period email or digest
that a later one superseded: `SqliteStore.withdraw_superseded`.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reminder_service.core.due import local_date
from reminder_service.core.model import Kind, Pair, PairHistory
from reminder_service.core.status import Hold, hold_on

WITHDRAWABLE = frozenset(Kind) - {Kind.QUESTION, Kind.DIGEST}
"""The kinds a pair's status decides."""
_ALL_OF_THE_PAIR = frozenset(Kind) - {Kind.DIGEST}
"""What a pair the YAML has ended gets none of: the question back to a reply too."""
_AFTER_END_BY_REPLY = frozenset({Kind.FAREWELL, Kind.ENDED_NOTICE})
_WHILE_PAUSED = frozenset({Kind.THANKS, Kind.CONFIRMATION, Kind.DISPUTE_NOTICE})

ENDED_IN_PROGRAM = "the pair was ended in the program before this email went out"
ENDED_BY_REPLY = "the pair asked by reply to end before this email went out"
PAUSED = "the pair was paused before this email went out"


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """The kinds of the pair's pending emails to withdraw, and why (for the coordinator)."""

    pair_id: str
    kinds: frozenset[Kind]
    reason: str


def withdrawal(pair: Pair, history: PairHistory, *, now: datetime) -> Withdrawal | None:
    """What the pair's status at `now` no longer allows to go out; None when it allows all."""
    hold = hold_on(pair, history, today=local_date(pair, now))
    if hold is Hold.ENDED_IN_YAML:
        return Withdrawal(pair.id, _ALL_OF_THE_PAIR, ENDED_IN_PROGRAM)
    if hold is Hold.ENDED_BY_REPLY:
        return Withdrawal(pair.id, WITHDRAWABLE - _AFTER_END_BY_REPLY, ENDED_BY_REPLY)
    if hold is Hold.PAUSED:
        return Withdrawal(pair.id, WITHDRAWABLE - _WHILE_PAUSED, PAUSED)
    return None
