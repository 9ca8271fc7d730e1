"""Erasing a pair: every row recorded about it, in one transaction, when a member asks.

The pair must already be gone from the program file (the command checks). A running
service may still hold the program that has it (its reload refused, or not done yet), so
erasing while one may run also notes the id in `erased_pairs`: nothing is queued for it,
the service plans nothing for it and matches no reply to it, until that service runs a
program without it and lifts the note (`ServedProgram`). The id is then unknown to the
database, and free for other people.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass, fields

from reminder_service.errors import StoreError
from reminder_service.store.connection import StoreConnection, translated

_UNLINK_MEETINGS = """
UPDATE inbound SET meeting_id = NULL
WHERE meeting_id IN (SELECT id FROM meetings WHERE pair_id = :pair)
"""
_ROWS_OF_PAIR = {
    "reply_events": """pair_id = :pair
        OR inbound_id IN (SELECT id FROM inbound WHERE pair_id = :pair)
        OR meeting_id IN (SELECT id FROM meetings WHERE pair_id = :pair)""",
    "meetings": "pair_id = :pair",
    "inbound": "pair_id = :pair",
    "outbox": "pair_id = :pair",
    "pair_silences": "pair_id = :pair",
}
"""Each table's rows about the pair, in an order the foreign keys allow deleting them in,
once no message links to the pair's meetings."""
_COUNT = "SELECT COUNT(*) FROM {table} WHERE {where}"
_DELETE = "DELETE FROM {table} WHERE {where}"
_COUNTS = {table: _COUNT.format(table=table, where=where) for table, where in _ROWS_OF_PAIR.items()}
_DELETES = {
    table: _DELETE.format(table=table, where=where) for table, where in _ROWS_OF_PAIR.items()
}
_UNSENT = "SELECT COUNT(*) FROM outbox WHERE pair_id = :pair AND state IN ('pending', 'sending')"
_NOTE_ERASED = "INSERT INTO erased_pairs (pair_id) VALUES (:pair) ON CONFLICT DO NOTHING"
_ERASED = "SELECT pair_id FROM erased_pairs"
_LIFT = "DELETE FROM erased_pairs WHERE pair_id = ?"
_VERSION = "SELECT seq FROM pair_versions WHERE pair_id = :pair"
_DELETE_VERSION = "DELETE FROM pair_versions WHERE pair_id = :pair"
_KEEP_LATEST_CHANGE = """
INSERT INTO pair_versions (pair_id, seq) VALUES ('', :seq)
ON CONFLICT (pair_id) DO UPDATE SET seq = MAX(seq, excluded.seq)
"""
"""The change number must never go back, or a running planner would miss later changes: an
empty id (no pair has one) keeps the erased pair's number when that was the latest."""


@dataclass(frozen=True, slots=True)
class PairRecords:
    """How many rows of each kind the database holds about one pair."""

    outbox: int
    meetings: int
    inbound: int
    reply_events: int
    pair_silences: int

    @property
    def total(self) -> int:
        """All the rows together."""
        return sum(getattr(self, field.name) for field in fields(self))


class ErasureMixin(StoreConnection):
    """Counting and erasing what the database holds about one pair."""

    def pair_records(self, pair_id: str) -> PairRecords:
        """How many rows of each kind are recorded about `pair_id`."""
        with translated(self._path):
            return self._pair_records(pair_id)

    def forget_pair(self, pair_id: str, *, keep_if_unsent: bool) -> PairRecords:
        """Delete every row about `pair_id` in ONE transaction; returns how many of each went.

        Its emails (any state), meetings, received messages, reply events, YAML pause or end
        and change number all go. Its change number is replaced by an anonymous one, so the
        running service's planner still sees every later change. With `keep_if_unsent`
        (a service may be running) nothing goes while an email of the pair waits to be sent
        or is being sent: StoreError, as the sender may have read that row and will write to
        it. Otherwise the id is noted as erased, for that service to honour.
        """
        params = {"pair": pair_id}
        with self._write():
            (unsent,) = self._db.execute(_UNSENT, params).fetchone()
            if keep_if_unsent and unsent:
                raise StoreError(
                    f"Pair {pair_id} still has {unsent} email(s) that the running service is "
                    "about to send or is sending. Try again in a few minutes, once they have "
                    "gone out (until then this refuses again, harmlessly), or stop the "
                    "service, run this again, then start it. Nothing was erased."
                )
            if keep_if_unsent:
                self._db.execute(_NOTE_ERASED, params)
            self._db.execute(_UNLINK_MEETINGS, params)
            erased = {
                table: self._db.execute(statement, params).rowcount
                for table, statement in _DELETES.items()
            }
            version = self._db.execute(_VERSION, params).fetchone()
            if version is not None:
                self._db.execute(_DELETE_VERSION, params)
                self._db.execute(_KEEP_LATEST_CHANGE, {"seq": version[0]})
        return PairRecords(**erased)

    def erased_pairs(self) -> set[str]:
        """The pairs erased while a service ran, which it must not plan for nor match replies
        to until it runs a program without them."""
        with translated(self._path):
            return erased_pair_ids(self._db)

    def lift_erasures(self, pair_ids: Collection[str]) -> None:
        """Free these ids again: the running service's program no longer has them."""
        if not pair_ids:
            return
        with self._write():
            self._db.executemany(_LIFT, [(pair_id,) for pair_id in pair_ids])

    def _pair_records(self, pair_id: str) -> PairRecords:
        counts = {
            table: int(self._db.execute(count, {"pair": pair_id}).fetchone()[0])
            for table, count in _COUNTS.items()
        }
        return PairRecords(**counts)


def erased_pair_ids(db: sqlite3.Connection) -> set[str]:
    """The ids in `erased_pairs`, read on `db` (in the caller's transaction, if any)."""
    return {pair_id for (pair_id,) in db.execute(_ERASED)}
