"""What the core schedules from: each pair's history, and what happened in it recently.

These reads join the meetings, the outbox's period emails and the reply events. Each is a
few set-based queries over covering indexes (schema 3), never a query per pair, because the
planner reads every pair's history on each pass and programs may have 100,000 pairs.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Literal

from reminder_service.core.model import (
    MeetingRecord,
    PairActivity,
    PairHistory,
    ReplyStatus,
    Status,
)
from reminder_service.store.connection import (
    StoreConnection,
    instant_text,
    parse_instant,
    translated,
)
from reminder_service.store.meetings import meeting_record_from

RECENT = timedelta(days=14)
"""How far back `activity` looks for logged meetings, by default."""

# The same terms as the partial indexes' WHERE clauses, so that SQLite can use them.
_LAST_MEETINGS = """
SELECT pair_id, MAX(met_on) FROM meetings WHERE removed_at IS NULL GROUP BY pair_id
"""
# Per pair with period emails: the latest period, and every period after its last meeting
# (one index range per pair, found from that pair's latest meeting).
_PERIOD_EMAILS = """
SELECT pair_id, last_period, (
    SELECT group_concat(period) FROM outbox
    WHERE kind IN ('checkin', 'pause_or_end', 'reminder')
      AND outbox.pair_id = latest.pair_id AND period > latest.met_on
) FROM (
    SELECT pair_id, MAX(period) AS last_period, COALESCE((
        SELECT MAX(met_on) FROM meetings
        WHERE removed_at IS NULL AND meetings.pair_id = outbox.pair_id
    ), '') AS met_on
    FROM outbox WHERE kind IN ('checkin', 'pause_or_end', 'reminder') GROUP BY pair_id
) AS latest
"""
_LAST_SKIPS = """
SELECT pair_id, date(MAX(at)) FROM reply_events WHERE kind = 'skip' GROUP BY pair_id
"""
_REPLY_STATUSES = """
WITH ranked AS (
    SELECT pair_id, kind, until, at,
           ROW_NUMBER() OVER (PARTITION BY pair_id ORDER BY at DESC, id DESC) AS newest
    FROM reply_events WHERE kind IN ('pause', 'end')
)
SELECT pair_id, kind, until, at FROM ranked
WHERE newest = 1 AND NOT EXISTS (
    SELECT 1 FROM meetings
    WHERE meetings.pair_id = ranked.pair_id AND meetings.removed_at IS NULL
      AND meetings.created_at > ranked.at
)
"""
_RECENT_MEETINGS = """
SELECT id, pair_id, met_on, duration_minutes, reported_by, created_at, removed_at
FROM meetings WHERE created_at >= ? ORDER BY created_at, id
"""
_LAST_NOT_MET = """
SELECT pair_id, MAX(at) FROM reply_events WHERE kind = 'not_met' GROUP BY pair_id
"""

_REPLY_STATUS_KINDS: dict[str, Literal[Status.PAUSED, Status.ENDED]] = {
    "pause": Status.PAUSED,
    "end": Status.ENDED,
}


class HistoriesMixin(StoreConnection):
    """Reading each pair's scheduling history and recent activity."""

    def pair_histories(self) -> dict[str, PairHistory]:
        """Per pair that has any: its history as the scheduler needs it.

        `last_meeting` is the latest date met of a meeting that counts; `last_checkin` the
        latest period of any period email (check-in, reminder, "pause or end?") in any state,
        and `asked` the periods of those queued after the last meeting, in order; `last_skip`
        the UTC date of the latest "skip this round"; `reply_status` the latest pause or end
        asked for by reply, unless a meeting was logged after it (they are back).
        """
        day = _Dates()
        with translated(self._path):
            meetings = {pair_id: day(text) for pair_id, text in self._tuples(_LAST_MEETINGS)}
            checkins, asked = self._period_emails(day)
            skips = {pair_id: day(text) for pair_id, text in self._tuples(_LAST_SKIPS)}
            statuses = {
                row["pair_id"]: _reply_status(row) for row in self._db.execute(_REPLY_STATUSES)
            }
        return {
            pair_id: PairHistory(
                meetings.get(pair_id),
                checkins.get(pair_id),
                skips.get(pair_id),
                statuses.get(pair_id),
                asked.get(pair_id, ()),
            )
            for pair_id in meetings.keys() | checkins.keys() | skips.keys() | statuses.keys()
        }

    def activity(self, *, now: datetime, window: timedelta = RECENT) -> dict[str, PairActivity]:
        """Per pair with any: meetings logged within `window` before `now` (removed ones
        included, in the order logged) and when its latest "not yet" reply was recorded.
        """
        meetings: defaultdict[str, list[MeetingRecord]] = defaultdict(list)
        with translated(self._path):
            for row in self._db.execute(_RECENT_MEETINGS, (instant_text(now - window),)):
                meetings[row["pair_id"]].append(meeting_record_from(row))
            not_met = {
                pair_id: parse_instant(at) for pair_id, at in self._db.execute(_LAST_NOT_MET)
            }
        return {
            pair_id: PairActivity(
                recent_meetings=tuple(meetings.get(pair_id, ())),
                last_not_met=not_met.get(pair_id),
            )
            for pair_id in meetings.keys() | not_met.keys()
        }

    def _period_emails(
        self, day: Callable[[str], date]
    ) -> tuple[dict[str, date], dict[str, tuple[date, ...]]]:
        """Per pair: the latest period emailed, and the periods emailed after its last meeting."""
        latest: dict[str, date] = {}
        asked: dict[str, tuple[date, ...]] = {}
        for pair_id, last_period, periods in self._tuples(_PERIOD_EMAILS):
            latest[pair_id] = day(last_period)
            asked[pair_id] = () if periods is None else _periods(periods, day)
        return latest, asked

    def _tuples(self, query: str) -> sqlite3.Cursor:
        """The rows of `query` as plain tuples: cheaper than `sqlite3.Row` for 100,000 rows."""
        cursor = self._db.cursor()
        cursor.row_factory = None
        return cursor.execute(query)


class _Dates:
    """ISO date text to `date`, each distinct text parsed once and its `date` shared.

    A program's histories repeat the same few hundred dates across 100,000 pairs.
    """

    def __init__(self) -> None:
        self._seen: dict[str, date] = {}

    def __call__(self, text: str) -> date:
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = date.fromisoformat(text)
        return found


def _periods(joined: str, day: Callable[[str], date]) -> tuple[date, ...]:
    """The dates `group_concat` joined with commas, sorted (it promises no order)."""
    return tuple(sorted(map(day, joined.split(","))))


def _reply_status(row: sqlite3.Row) -> ReplyStatus:
    until = row["until"]
    return ReplyStatus(
        status=_REPLY_STATUS_KINDS[row["kind"]],
        until=None if until is None else date.fromisoformat(until),
        set_at=parse_instant(row["at"]),
    )
