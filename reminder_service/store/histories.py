"""What the core schedules from: each pair's history, and what happened in it recently.

These reads join the meetings, the outbox's period emails and the reply events. Each is a
few set-based queries over covering indexes (schema 3), never a query per pair, because a
full planning pass reads every pair's history and programs may have 100,000 pairs. Between
full passes the planner reads only the pairs that changed (`pair_changes_since`, from the
change numbers that schema 5's triggers keep) or whose time has come (`only=`).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Literal

from reminder_service.core.model import (
    ASKS_NOTHING,
    MeetingRecord,
    PairActivity,
    PairHistory,
    ReplyStatus,
    Silence,
    Status,
)
from reminder_service.store.connection import (
    Shared,
    StoreConnection,
    instant_text,
    parse_instant,
    stamp_limits,
    translated,
)
from reminder_service.store.meetings import meeting_record_from

RECENT = timedelta(days=14)
"""How far back `activity` looks for logged meetings, by default."""

_ONLY = " AND pair_id IN (SELECT value FROM json_each(:only))"
"""Narrows a query to the pairs in a JSON list: one parameter however many pairs, and each
pair found through the pair_id-led indexes."""


class _Filtered:
    """A query over every pair, and the same query over the pairs in `:only`."""

    __slots__ = ("every", "some")

    def __init__(self, template: str) -> None:
        self.every = template.format(only="")
        self.some = template.format(only=_ONLY)

    def pick(self, only: Collection[str] | None) -> str:
        """The query for every pair (None) or for those in `only`."""
        return self.every if only is None else self.some


def _only_params(only: Collection[str] | None) -> dict[str, object]:
    """The `:only` parameter: the pair ids as a JSON list."""
    return {} if only is None else {"only": json.dumps(sorted(only))}


_LATEST_CHANGE = "SELECT COALESCE(MAX(seq), 0) FROM pair_versions"
_CHANGES_SINCE = "SELECT pair_id, seq FROM pair_versions WHERE seq > ?"
# The same terms as the partial indexes' WHERE clauses, so that SQLite can use them.
_LAST_MEETINGS = _Filtered("""
SELECT pair_id, MAX(met_on) FROM meetings WHERE removed_at IS NULL{only} GROUP BY pair_id
""")
# Per pair with period emails: the latest period, and every period after its last meeting
# but the one that meeting's report answered (one index range per pair, found from that
# pair's latest meeting). The report answers the newest period email queued before it was
# logged: the usual reply to a check-in reports a meeting that happened a few days before.
# Older ones stay unanswered, so a late report of an old meeting does not reset the ladder.
# The last column is when the latest period email not failed went out (queued, if not yet):
# one row read per pair, found through the index.
# A failed email (withdrawn, or refused for good) is neither asked nor answered: it reached
# nobody, so it must not make the next email a reminder. Pending ones are on their way, and
# are listed apart too: a later period's email supersedes them (`PairHistory.pending`).
# Rows for a period after :last_period, and a sending stamped after :until, were written
# while the clock ran ahead (see `stamp_limits`); one withdrawn for it (its key renamed
# `ahead:...`) is no period email at all, or it would stand for its period when it comes.
_PERIOD_EMAILS = _Filtered("""
WITH latest AS (
    SELECT pair_id, MAX(period) AS last_period, COALESCE((
        SELECT MAX(met_on) FROM meetings
        WHERE removed_at IS NULL AND meetings.pair_id = outbox.pair_id
    ), '') AS met_on, (
        SELECT created_at FROM meetings
        WHERE removed_at IS NULL AND meetings.pair_id = outbox.pair_id
        ORDER BY met_on DESC, created_at DESC LIMIT 1
    ) AS logged_at
    FROM outbox WHERE kind IN ('checkin', 'pause_or_end', 'reminder')
      AND period <= :last_period AND NOT (state = 'failed' AND key GLOB 'ahead:*'){only}
    GROUP BY pair_id
), answered AS (
    SELECT latest.*, (
        SELECT id FROM outbox
        WHERE kind IN ('checkin', 'pause_or_end', 'reminder')
          AND outbox.pair_id = latest.pair_id AND outbox.created_at <= latest.logged_at
          AND state != 'failed' AND period <= :last_period
        ORDER BY outbox.created_at DESC, outbox.id DESC LIMIT 1
    ) AS answered_id FROM latest
)
SELECT pair_id, last_period, (
    SELECT group_concat(period) FROM outbox
    WHERE kind IN ('checkin', 'pause_or_end', 'reminder')
      AND outbox.pair_id = answered.pair_id AND period > answered.met_on
      AND period <= :last_period
      AND outbox.id IS NOT answered.answered_id AND state != 'failed'
), (
    SELECT group_concat(period) FROM outbox
    WHERE kind IN ('checkin', 'pause_or_end', 'reminder')
      AND outbox.pair_id = answered.pair_id AND period > answered.met_on
      AND period <= :last_period AND outbox.id IS NOT answered.answered_id
      AND (state = 'pending' OR sent_at > :until)
), (
    SELECT CASE WHEN sent_at <= :until THEN sent_at ELSE created_at END FROM outbox
    WHERE kind IN ('checkin', 'pause_or_end', 'reminder')
      AND outbox.pair_id = answered.pair_id AND state != 'failed'
      AND period <= :last_period AND created_at <= :until
    ORDER BY period DESC LIMIT 1
) FROM answered
""")
_LAST_SKIPS = _Filtered("""
SELECT pair_id, MAX(at) FROM reply_events WHERE kind = 'skip' AND at <= :until{only}
GROUP BY pair_id
""")
_REPLY_STATUSES = _Filtered("""
WITH ranked AS (
    SELECT pair_id, kind, until, at,
           ROW_NUMBER() OVER (PARTITION BY pair_id ORDER BY at DESC, id DESC) AS newest
    FROM reply_events WHERE kind IN ('pause', 'end') AND at <= :until{only}
)
SELECT pair_id, kind, until, at FROM ranked
WHERE newest = 1 AND NOT EXISTS (
    SELECT 1 FROM meetings
    WHERE meetings.pair_id = ranked.pair_id AND meetings.removed_at IS NULL
      AND meetings.created_at > ranked.at
)
""")
_RECENT_MEETINGS = _Filtered("""
SELECT id, pair_id, met_on, duration_minutes, reported_by, created_at, removed_at
FROM meetings WHERE created_at >= :since{only} ORDER BY created_at, id
""")
_LAST_NOT_MET = _Filtered("""
SELECT pair_id, MAX(at) FROM reply_events WHERE kind = 'not_met' AND at <= :until{only}
GROUP BY pair_id
""")
# The latest reply from a member we could not understand and asked back about (not one
# to an email that asked nothing, a thank-you say), unless a meeting was logged after it:
# they have told us since.
_LAST_UNCLEAR = _Filtered("""
WITH latest AS (
    SELECT pair_id, MAX(received_at) AS at FROM inbound
    WHERE outcome = 'unclear' AND pair_id IS NOT NULL AND sender_role IS NOT NULL
      AND received_at <= :until
      AND (answers_kind IS NULL
           OR answers_kind NOT IN (SELECT value FROM json_each(:asks_nothing))){only}
    GROUP BY pair_id
)
SELECT pair_id, at FROM latest
WHERE NOT EXISTS (
    SELECT 1 FROM meetings
    WHERE meetings.pair_id = latest.pair_id AND meetings.removed_at IS NULL
      AND meetings.created_at > latest.at
)
""")
_ASKS_NOTHING = json.dumps(sorted(ASKS_NOTHING))
"""The `:asks_nothing` parameter: the kinds of email an unclear reply gets no question to."""

# The latest instant an email was tried (sent or not), through a partial index.
_LATEST_TRIED = "SELECT MAX(updated_at) FROM outbox WHERE attempts > 0"

_SILENCES = _Filtered("""
SELECT pair_id, status, resumed_on, noted_on FROM pair_silences WHERE 1{only}
""")
_NOTE_SILENCE = """
INSERT INTO pair_silences (pair_id, status, resumed_on, noted_on) VALUES (?, ?, ?, ?)
ON CONFLICT (pair_id) DO UPDATE
SET status = excluded.status, resumed_on = excluded.resumed_on, noted_on = excluded.noted_on
"""

_REPLY_STATUS_KINDS: dict[str, Literal[Status.PAUSED, Status.ENDED]] = {
    "pause": Status.PAUSED,
    "end": Status.ENDED,
}
_SILENCE_KINDS: dict[str, Literal[Status.PAUSED, Status.ENDED]] = {
    "paused": Status.PAUSED,
    "ended": Status.ENDED,
}


_Dated = dict[str, date]
_Periods = dict[str, tuple[date, ...]]


class HistoriesMixin(StoreConnection):
    """Reading each pair's scheduling history and recent activity, and which pairs changed."""

    def pair_change_seq(self) -> int:
        """The latest change number: `pair_changes_since` it finds only later writes."""
        with translated(self._path):
            (seq,) = self._db.execute(_LATEST_CHANGE).fetchone()
        return int(seq)

    def pair_changes_since(self, seq: int) -> tuple[set[str], int]:
        """The pairs whose meetings, period or event emails or reply events changed after
        change number `seq`, and the change number they bring the reader up to.

        Triggers (schema 5) keep the numbers, so writes by any process count. Read this
        before reading the pairs themselves: a write in between is then seen twice, never
        missed.
        """
        changed: set[str] = set()
        latest = seq
        with translated(self._path):
            for pair_id, changed_at in self._tuples(_CHANGES_SINCE, (seq,)):
                changed.add(pair_id)
                latest = max(latest, changed_at)
        return changed, latest

    def pair_histories(
        self, *, only: Collection[str] | None = None, now: datetime | None = None
    ) -> dict[str, PairHistory]:
        """Per pair that has any (of the pairs in `only`, when given): its scheduling history,
        without what is stamped more than `STAMPED_AHEAD` after `now`, when given.

        `last_meeting` is the latest date met of a meeting that counts; `last_checkin` the
        latest period of any period email (check-in, reminder, "pause or end?") in any state,
        and `asked` the periods of those not failed (withdrawn or refused reached nobody) the last
        meeting did not answer (after its date, but the newest queued before it was logged,
        which its report answered), in order, and `pending` those of them still pending;
        `last_skip_at`
        when the latest "skip this round" was recorded; `reply_status` the latest pause or end
        asked for by reply, unless a meeting was logged after it (they are back); `silence`
        the pause or end the YAML last set, as `note_silences` remembered it; `last_sent_at`
        when the latest period email not failed was sent (queued, while not yet sent);
        `last_not_met_at` when the latest "not yet" reply was recorded; `last_unclear_at`
        when the latest reply from a member we could not understand (and asked back about)
        was received, unless a meeting was logged after it.

        With `now`, period emails for a period no pair has reached yet, a period email's
        sending stamped later than the limit (its queueing counts instead) and reply events
        recorded later are left out: the clock was wrong when they were written.
        """
        if only is not None and not only:
            return {}
        day = Shared().day
        params = {**_only_params(only), **stamp_limits(now)}
        with translated(self._path):
            meetings = {
                pair_id: day(text)
                for pair_id, text in self._tuples(_LAST_MEETINGS.pick(only), params)
            }
            checkins, asked, pending, sent = self._period_emails(day, params, only=only)
            skips = self._instants(_LAST_SKIPS.pick(only), params)
            not_met = self._instants(_LAST_NOT_MET.pick(only), params)
            unclear = self._instants(
                _LAST_UNCLEAR.pick(only), {**params, "asks_nothing": _ASKS_NOTHING}
            )
            statuses = {
                row["pair_id"]: _reply_status(row)
                for row in self._db.execute(_REPLY_STATUSES.pick(only), params)
            }
            silences = {
                pair_id: Silence(
                    _SILENCE_KINDS[status], _optional_date(resumed), _optional_date(noted)
                )
                for pair_id, status, resumed, noted in self._tuples(_SILENCES.pick(only), params)
            }
        return {
            pair_id: PairHistory(
                meetings.get(pair_id),
                checkins.get(pair_id),
                skips.get(pair_id),
                statuses.get(pair_id),
                asked.get(pair_id, ()),
                silences.get(pair_id),
                last_sent_at=sent.get(pair_id),
                last_not_met_at=not_met.get(pair_id),
                last_unclear_at=unclear.get(pair_id),
                pending=pending.get(pair_id, ()),
            )
            for pair_id in {
                *meetings,
                *checkins,
                *skips,
                *statuses,
                *not_met,
                *unclear,
                *silences,
            }
        }

    def latest_tried_at(self) -> datetime | None:
        """When the outbox last tried to send an email; None when it never did. Later than
        the clock says, it shows that the clock was ahead for a while."""
        with translated(self._path):
            (text,) = self._db.execute(_LATEST_TRIED).fetchone()
        return None if text is None else parse_instant(text)

    def note_silences(self, silences: Mapping[str, Silence]) -> None:
        """Remember, per pair, the pause or end the YAML set and the date it was lifted, in
        one transaction: the YAML forgets both once the coordinator writes `status: active`."""
        if not silences:
            return
        rows = [
            (
                pair_id,
                silence.status.value,
                _date_text(silence.resumed_on),
                _date_text(silence.noted_on),
            )
            for pair_id, silence in silences.items()
        ]
        with self._write():
            self._db.executemany(_NOTE_SILENCE, rows)

    def activity(
        self,
        *,
        now: datetime,
        window: timedelta = RECENT,
        only: Collection[str] | None = None,
    ) -> dict[str, PairActivity]:
        """Per pair with any (of the pairs in `only`, when given): meetings logged within
        `window` before `now` (removed ones included, in the order logged).
        """
        if only is not None and not only:
            return {}
        meetings: defaultdict[str, list[MeetingRecord]] = defaultdict(list)
        params = _only_params(only)
        with translated(self._path):
            recent = self._db.execute(
                _RECENT_MEETINGS.pick(only), {**params, "since": instant_text(now - window)}
            )
            for row in recent:
                meetings[row["pair_id"]].append(meeting_record_from(row))
        return {pair_id: PairActivity(tuple(records)) for pair_id, records in meetings.items()}

    def _period_emails(
        self,
        day: Callable[[str], date],
        params: Mapping[str, object],
        *,
        only: Collection[str] | None,
    ) -> tuple[_Dated, _Periods, _Periods, dict[str, datetime]]:
        """Per pair: the latest period emailed, the periods emailed after its last meeting,
        those of them still pending, and when the latest period email not failed went out."""
        latest: _Dated = {}
        asked: _Periods = {}
        pending: _Periods = {}
        sent: dict[str, datetime] = {}
        rows = self._tuples(_PERIOD_EMAILS.pick(only), params)
        for pair_id, last_period, periods, waiting, sent_at in rows:
            latest[pair_id] = day(last_period)
            asked[pair_id] = () if periods is None else _periods(periods, day)
            pending[pair_id] = () if waiting is None else _periods(waiting, day)
            if sent_at is not None:
                sent[pair_id] = parse_instant(sent_at)
        return latest, asked, pending, sent

    def _instants(self, query: str, params: Mapping[str, object]) -> dict[str, datetime]:
        """Per pair: the instant in the second column of `query`'s (pair_id, instant) rows."""
        return {pair_id: parse_instant(text) for pair_id, text in self._tuples(query, params)}

    def _tuples(
        self, query: str, params: Sequence[object] | Mapping[str, object] = ()
    ) -> sqlite3.Cursor:
        """The rows of `query` as plain tuples: cheaper than `sqlite3.Row` for 100,000 rows."""
        cursor = self._db.cursor()
        cursor.row_factory = None
        return cursor.execute(query, params)


def _periods(joined: str, day: Callable[[str], date]) -> tuple[date, ...]:
    """The dates `group_concat` joined with commas, sorted (it promises no order)."""
    return tuple(sorted(map(day, joined.split(","))))


def _reply_status(row: sqlite3.Row) -> ReplyStatus:
    return ReplyStatus(
        status=_REPLY_STATUS_KINDS[row["kind"]],
        until=_optional_date(row["until"]),
        set_at=parse_instant(row["at"]),
    )


def _optional_date(text: str | None) -> date | None:
    """An optional ISO date read from SQLite."""
    return None if text is None else date.fromisoformat(text)


def _date_text(day: date | None) -> str | None:
    """An optional date as ISO text for SQLite."""
    return None if day is None else day.isoformat()
