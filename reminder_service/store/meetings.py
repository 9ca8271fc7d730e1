"""The meetings pairs reported, merged when reported twice, and removed when disputed.

A meeting reported twice (mentor and mentee, a reply-all, a rescan) is merged into one, also
when the two members date it a day apart (far-apart zones, see `_same_meeting`). A
disputed meeting is kept with `removed_at` set: it no longer counts anywhere, but the
coordinator's notice about it can still name it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from reminder_service.core.addresses import same_address
from reminder_service.core.model import MeetingRecord
from reminder_service.core.replies.verdict import ReportedMeeting, Verdict
from reminder_service.store.connection import (
    Shared,
    StoreConnection,
    instant_text,
    parse_instant,
    period_params,
    translated,
)

SAME_MEETING_WITHIN = timedelta(days=3)
"""How far apart two reports of a pair may date a meeting, when one gave no date, to be one."""

ACROSS_MIDNIGHT = timedelta(days=1)
"""How far apart the two members' stated dates of one meeting may be: one call is on
different dates where each lives when their zones are far apart (Los Angeles, Auckland)."""

_ADD_MEETING = """
INSERT INTO meetings (pair_id, met_on, duration_minutes, reported_by, source_message_id,
                      created_at)
VALUES (?, ?, ?, ?, ?, ?)
"""
_MEETINGS_NEAR = """
SELECT id, met_on, date_stated, reported_by FROM meetings
WHERE pair_id = ? AND removed_at IS NULL AND met_on BETWEEN ? AND ?
"""
_INSERT_MEETING = """
INSERT INTO meetings (pair_id, met_on, duration_minutes, reported_by, source_message_id,
                      created_at, inbound_id, date_stated)
VALUES (:pair_id, :met_on, :duration_minutes, :reported_by, :source_message_id,
        :created_at, :inbound_id, :date_stated)
"""
_MERGE_MEETING = """
UPDATE meetings SET met_on = :met_on, date_stated = :date_stated,
                    duration_minutes = COALESCE(duration_minutes, :duration_minutes)
WHERE id = :id
"""
_MEETINGS = """
SELECT id, pair_id, met_on, duration_minutes, date_stated, reported_by, source_message_id,
       created_at
FROM meetings
WHERE removed_at IS NULL AND (:pair_id IS NULL OR pair_id = :pair_id)
  AND (:since IS NULL OR met_on >= :since)
ORDER BY met_on, id
"""
_MEETING_PAIRS = "SELECT DISTINCT pair_id FROM meetings WHERE removed_at IS NULL"
_MEETING_COUNT = """
SELECT COUNT(*) FROM meetings
WHERE removed_at IS NULL AND (:pair_id IS NULL OR pair_id = :pair_id)
"""
_RECORD_COLUMNS = """
SELECT id, pair_id, met_on, duration_minutes, reported_by, created_at, removed_at FROM meetings
"""
_KEPT_RECORDS = _RECORD_COLUMNS + "WHERE removed_at IS NULL ORDER BY met_on, id"
_KEPT_RECORDS_OF_PAIR = (
    _RECORD_COLUMNS + "WHERE removed_at IS NULL AND pair_id = ? ORDER BY met_on, id"
)
_DISPUTED_RECORD_COLUMNS = """
SELECT m.id, m.pair_id, m.met_on, m.duration_minutes, m.reported_by, m.created_at, m.removed_at,
       i.sender AS disputed_by, i.answers_kind AS disputed_answering
FROM meetings AS m
LEFT JOIN reply_events AS e
  ON e.pair_id = m.pair_id AND e.kind = 'dispute' AND e.meeting_id = m.id
LEFT JOIN inbound AS i ON i.id = e.inbound_id
"""
_RECORD_BY_ID = _DISPUTED_RECORD_COLUMNS + "WHERE m.id = ?"
_LOGGED_BETWEEN = (
    _RECORD_COLUMNS
    + "WHERE created_at >= :since AND (:until IS NULL OR created_at < :until)"
    + " AND removed_at IS NULL ORDER BY created_at, id"
)
_DISPUTED_BETWEEN = (
    _DISPUTED_RECORD_COLUMNS
    + "WHERE m.removed_at >= :since AND (:until IS NULL OR m.removed_at < :until)"
    + " AND m.removed_reason = 'disputed' ORDER BY m.removed_at, m.id"
)
_REMOVE = """
UPDATE meetings SET removed_at = ?, removed_reason = ? WHERE id = ? AND removed_at IS NULL
"""


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """One logged meeting, as stored; `date_stated` is False when no report gave a date."""

    id: int
    pair_id: str
    met_on: date
    duration_minutes: int | None
    date_stated: bool
    reported_by: str
    source_message_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class _Nearby:
    """A logged meeting of the same pair that a new report might be about."""

    id: int
    met_on: date
    date_stated: bool
    reported_by: str


class MeetingsMixin(StoreConnection):
    """Logging meetings, merging repeated reports of one, and reading them back."""

    def add_meeting(
        self,
        *,
        pair_id: str,
        met_on: date,
        duration_minutes: int | None,
        reported_by: str,
        source_message_id: str | None,
        now: datetime,
    ) -> int:
        """Record that a pair met on `met_on`; returns the new meeting's id."""
        params = (
            pair_id,
            met_on.isoformat(),
            duration_minutes,
            reported_by,
            source_message_id,
            instant_text(now),
        )
        with self._write():
            row_id = self._db.execute(_ADD_MEETING, params).lastrowid
        assert row_id is not None
        return row_id

    def meetings(
        self, *, pair_id: str | None = None, since: date | None = None
    ) -> list[MeetingRow]:
        """Logged meetings that were not removed, by date met; optionally one pair's, or later."""
        return list(self.each_meeting(pair_id=pair_id, since=since))

    def each_meeting(
        self, *, pair_id: str | None = None, since: date | None = None
    ) -> Iterator[MeetingRow]:
        """`meetings`, one at a time as they are read: a log of a million meetings (100,000
        pairs for a year) would take about a gigabyte held whole."""
        params = {"pair_id": pair_id, "since": None if since is None else since.isoformat()}
        with translated(self._path):
            for row in self._db.execute(_MEETINGS, params):
                yield _meeting_row(row)

    def meeting_pair_ids(self) -> set[str]:
        """The pairs with a meeting logged that was not removed."""
        with translated(self._path):
            return {row[0] for row in self._db.execute(_MEETING_PAIRS)}

    def meeting_count(self, *, pair_id: str | None = None) -> int:
        """How many meetings were logged and not removed; only one pair's when given."""
        with translated(self._path):
            row = self._db.execute(_MEETING_COUNT, {"pair_id": pair_id}).fetchone()
        count: int = row[0]
        return count

    def meeting_records(self, *, pair_id: str | None = None) -> list[MeetingRecord]:
        """Meetings that count (not removed), by date met; only one pair's when given.

        Rows are taken one at a time, and the meetings read together share their pair's
        id, the reporter's address and the date met with the others that have the same:
        a caller reading the whole log (a million meetings at 100,000 pairs for a year)
        holds one copy of each. `report` reads a pair's at a time instead.
        """
        shared = Shared()
        with translated(self._path):
            if pair_id is None:
                rows = self._db.execute(_KEPT_RECORDS)
            else:
                rows = self._db.execute(_KEPT_RECORDS_OF_PAIR, (pair_id,))
            return [meeting_record_from(row, shared) for row in rows]

    def meeting_record(self, meeting_id: int) -> MeetingRecord | None:
        """One meeting by id, removed or not (then with who disputed it, and answering what);
        None when there is no such meeting."""
        with translated(self._path):
            row = self._db.execute(_RECORD_BY_ID, (meeting_id,)).fetchone()
        return None if row is None else _disputed_record_from(row)

    def meetings_logged_between(
        self, since: datetime, until: datetime | None
    ) -> list[MeetingRecord]:
        """Meetings logged from `since` up to (not including) `until`, or to this moment
        when None, that still count, in the order they were logged."""
        params = period_params(since, until)
        with translated(self._path):
            rows = self._db.execute(_LOGGED_BETWEEN, params).fetchall()
        return [meeting_record_from(row) for row in rows]

    def disputed_between(self, since: datetime, until: datetime | None) -> list[MeetingRecord]:
        """Meetings a dispute removed from `since` up to (not including) `until`, or to this
        moment when None, in the order they were removed, with who disputed each."""
        params = period_params(since, until)
        with translated(self._path):
            rows = self._db.execute(_DISPUTED_BETWEEN, params).fetchall()
        return [_disputed_record_from(row) for row in rows]

    def _remove_meeting(self, meeting_id: int, *, reason: str, at: str) -> None:
        """Stop counting a meeting, noting when and why (inside a write transaction)."""
        self._db.execute(_REMOVE, (at, reason, meeting_id))

    def _log_meeting(
        self, verdict: Verdict, *, inbound_id: int, created_at: str
    ) -> tuple[int, bool]:
        """Merge the reported meeting into the pair's same meeting, or log it; (id, is new)."""
        pair_id, reported, reported_by = _meeting_report(verdict)
        nearby = self._nearby_meetings(pair_id, reported.date)
        same = _same_meeting(nearby, reported, reported_by=reported_by)
        if same is not None:
            self._db.execute(_MERGE_MEETING, _merged(same, reported))
            return same.id, False
        params = {
            "pair_id": pair_id,
            "met_on": reported.date.isoformat(),
            "duration_minutes": reported.duration_minutes,
            "reported_by": reported_by,
            "source_message_id": verdict.message_id,
            "created_at": created_at,
            "inbound_id": inbound_id,
            "date_stated": reported.date_stated,
        }
        meeting_id = self._db.execute(_INSERT_MEETING, params).lastrowid
        assert meeting_id is not None
        return meeting_id, True

    def _nearby_meetings(self, pair_id: str, met_on: date) -> list[_Nearby]:
        earliest = (met_on - SAME_MEETING_WITHIN).isoformat()
        latest = (met_on + SAME_MEETING_WITHIN).isoformat()
        rows = self._db.execute(_MEETINGS_NEAR, (pair_id, earliest, latest)).fetchall()
        return [
            _Nearby(
                id=row_id,
                met_on=date.fromisoformat(text),
                date_stated=bool(stated),
                reported_by=reporter,
            )
            for row_id, text, stated, reporter in rows
        ]


def _meeting_report(verdict: Verdict) -> tuple[str, ReportedMeeting, str]:
    """The pair, meeting and reporter of a meeting verdict, which must name all three."""
    if verdict.pair_id is None or verdict.meeting is None or verdict.sender is None:
        raise ValueError(f"a meeting verdict must name its pair, meeting and sender: {verdict}")
    return verdict.pair_id, verdict.meeting, verdict.sender


def _same_meeting(
    nearby: Iterable[_Nearby], reported: ReportedMeeting, *, reported_by: str
) -> _Nearby | None:
    """The logged meeting that `reported` describes, or None when it is a new one.

    That is a meeting on the same date, else one within `SAME_MEETING_WITHIN` when either
    date was only assumed from when the reply was written, else one the other member dated
    a day apart (`ACROSS_MIDNIGHT`); the closest wins. The last rule would also join a pair
    that really met on two days running and had each member report one of them: that is
    rarer than a call that crosses midnight somewhere, and a late "yesterday" after
    midnight, so one report of the same member never joins its own meeting a day apart.
    """
    candidates = [meeting for meeting in nearby if _same(meeting, reported, reported_by)]
    return min(
        candidates,
        key=lambda meeting: (abs(meeting.met_on - reported.date), meeting.id),
        default=None,
    )


def _same(logged: _Nearby, reported: ReportedMeeting, reported_by: str) -> bool:
    """Whether a report can be about this logged meeting (see `_same_meeting`)."""
    apart = abs(logged.met_on - reported.date)
    if not (logged.date_stated and reported.date_stated):
        return apart <= SAME_MEETING_WITHIN
    other_member = not same_address(logged.reported_by, reported_by)
    return apart <= (ACROSS_MIDNIGHT if other_member else timedelta(0))


def _merged(logged: _Nearby, reported: ReportedMeeting) -> dict[str, object]:
    """The merged meeting: a stated date wins over an assumed one, the first stated one stays."""
    met_on = reported.date if reported.date_stated and not logged.date_stated else logged.met_on
    return {
        "id": logged.id,
        "met_on": met_on.isoformat(),
        "date_stated": logged.date_stated or reported.date_stated,
        "duration_minutes": reported.duration_minutes,
    }


def meeting_record_from(row: sqlite3.Row, shared: Shared | None = None) -> MeetingRecord:
    """A meeting as the core sees it, from a row of `id, pair_id, met_on, ... removed_at`;
    with `shared`, its texts and date are those of the rows read before that have them."""
    removed_at = row["removed_at"]
    pair_id, met_on, reported_by = row["pair_id"], row["met_on"], row["reported_by"]
    return MeetingRecord(
        id=row["id"],
        pair_id=pair_id if shared is None else shared.text(pair_id),
        met_on=date.fromisoformat(met_on) if shared is None else shared.day(met_on),
        duration_minutes=row["duration_minutes"],
        reported_by=reported_by if shared is None else shared.text(reported_by),
        logged_at=parse_instant(row["created_at"]),
        removed_at=None if removed_at is None else parse_instant(removed_at),
    )


def _disputed_record_from(row: sqlite3.Row) -> MeetingRecord:
    """A meeting with who disputed it and the kind of email they answered, when disputed."""
    return replace(
        meeting_record_from(row),
        disputed_by=row["disputed_by"],
        disputed_answering=row["disputed_answering"],
    )


def _meeting_row(row: sqlite3.Row) -> MeetingRow:
    return MeetingRow(
        id=row["id"],
        pair_id=row["pair_id"],
        met_on=date.fromisoformat(row["met_on"]),
        duration_minutes=row["duration_minutes"],
        date_stated=bool(row["date_stated"]),
        reported_by=row["reported_by"],
        source_message_id=row["source_message_id"],
        created_at=parse_instant(row["created_at"]),
    )
