"""Reply events: what members of a pair asked for by reply, and disputes removing a meeting.

"Not yet", "skip this round", "pause [until]", "end" and "that's wrong" each leave one row in
`reply_events`, written in the same transaction as the inbound message, so a message fetched
twice never counts twice. Pair histories and the relationship emails are read from these rows.
A dispute also removes the meeting it is about, when one can be found. A dispute that
matches no meeting of the pair at all (none logged in the last 30 days, or a confirmation of
a meeting that is not theirs) joins the review queue with its text, so the coordinator hears
of it; a second "no" to a meeting already removed does not.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from reminder_service.core.model import Kind
from reminder_service.core.replies.verdict import Outcome, Reason, Verdict
from reminder_service.store.connection import instant_text
from reminder_service.store.meetings import MeetingsMixin

EVENT_OUTCOMES = frozenset(
    {Outcome.NOT_MET, Outcome.SKIP, Outcome.PAUSE, Outcome.END, Outcome.DISPUTE}
)
"""The outcomes a member's reply records as an event; their values are the event kinds."""

DISPUTE_LOOKBACK = timedelta(days=30)
"""How recently a meeting must have been logged for a dispute naming none to remove it."""

DISPUTED = "disputed"
"""The `removed_reason` of a meeting that a member of the pair said did not happen."""

_INSERT_EVENT = """
INSERT INTO reply_events (pair_id, kind, at, until, inbound_id, meeting_id)
VALUES (:pair_id, :kind, :at, :until, :inbound_id, :meeting_id)
"""
_KEPT_MEETING_OF_PAIR = """
SELECT id FROM meetings WHERE id = ? AND pair_id = ? AND removed_at IS NULL
"""
_LATEST_RECENT_MEETING = """
SELECT id FROM meetings WHERE pair_id = ? AND removed_at IS NULL AND created_at >= ?
ORDER BY created_at DESC, id DESC LIMIT 1
"""
_MEETING_OF_PAIR = "SELECT 1 FROM meetings WHERE id = ? AND pair_id = ?"
_RECENT_MEETING_OF_PAIR = "SELECT 1 FROM meetings WHERE pair_id = ? AND created_at >= ? LIMIT 1"
_FOR_REVIEW = "UPDATE inbound SET reason = ?, text = ? WHERE id = ?"


class EventsMixin(MeetingsMixin):
    """Recording reply events; it builds on meetings because a dispute removes one."""

    def _record_event(self, verdict: Verdict, *, inbound_id: int, now: datetime) -> None:
        """Inside a write: the event a new member's reply asks for, if it asks for one."""
        if (
            verdict.outcome not in EVENT_OUTCOMES
            or verdict.pair_id is None
            or verdict.sender_role is None
        ):
            return
        removed = None
        if verdict.outcome is Outcome.DISPUTE:
            removed = self._remove_disputed(verdict, pair_id=verdict.pair_id, now=now)
            if removed is None and not self._any_meeting_disputed(verdict, now=now):
                review = (Reason.NO_MEETING_FOUND.value, verdict.text, inbound_id)
                self._db.execute(_FOR_REVIEW, review)
        params = {
            "pair_id": verdict.pair_id,
            "kind": verdict.outcome.value,
            "at": instant_text(now),
            "until": _until(verdict),
            "inbound_id": inbound_id,
            "meeting_id": removed,
        }
        self._db.execute(_INSERT_EVENT, params)

    def _remove_disputed(self, verdict: Verdict, *, pair_id: str, now: datetime) -> int | None:
        """Remove the meeting a dispute is about; its id, or None when none was found."""
        meeting_id = self._disputed_meeting(verdict, pair_id=pair_id, now=now)
        if meeting_id is not None:
            self._remove_meeting(meeting_id, reason=DISPUTED, at=instant_text(now))
        return meeting_id

    def _disputed_meeting(self, verdict: Verdict, *, pair_id: str, now: datetime) -> int | None:
        """The pair's meeting a dispute is about, or None when there is none to remove.

        A reply to a confirmation names its meeting, and only that one may go (if it is this
        pair's and still counts): a second "no" to the same confirmation must not remove some
        other meeting. A dispute naming none is about the latest meeting logged recently.
        """
        named = _confirmed_meeting_id(verdict.answers_key)
        if named is not None:
            found = self._db.execute(_KEPT_MEETING_OF_PAIR, (named, pair_id)).fetchone()
        else:
            since = instant_text(now - DISPUTE_LOOKBACK)
            found = self._db.execute(_LATEST_RECENT_MEETING, (pair_id, since)).fetchone()
        return None if found is None else int(found[0])

    def _any_meeting_disputed(self, verdict: Verdict, *, now: datetime) -> bool:
        """Whether the dispute is about a meeting of the pair, kept or already removed: the
        one its confirmation names, or, naming none, any logged in the last 30 days."""
        named = _confirmed_meeting_id(verdict.answers_key)
        if named is not None:
            found = self._db.execute(_MEETING_OF_PAIR, (named, verdict.pair_id)).fetchone()
        else:
            since = instant_text(now - DISPUTE_LOOKBACK)
            found = self._db.execute(_RECENT_MEETING_OF_PAIR, (verdict.pair_id, since)).fetchone()
        return found is not None


def _confirmed_meeting_id(answers_key: str | None) -> int | None:
    """The meeting a `confirmation:{id}` outbox key names; None for any other key."""
    kind, _, rest = (answers_key or "").partition(":")
    if kind != Kind.CONFIRMATION or not (rest.isascii() and rest.isdigit()):
        return None
    return int(rest)


def _until(verdict: Verdict) -> str | None:
    """The date a pause asked for by reply runs until, when it named one."""
    if verdict.outcome is not Outcome.PAUSE or verdict.pause_until is None:
        return None
    return verdict.pause_until.isoformat()
