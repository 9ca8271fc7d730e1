"""The inbound log: every fetched message once, with its verdict, and the UID watermarks.

Each inbound message is recorded once (unique on its Message-ID, else a hash of its bytes),
with its verdict, any meeting and the mailbox's UID watermark, in one transaction; only then is
it marked on the IMAP server, so after a crash `unmarked_uids` says what still needs marking.
A member's "not yet", skip, pause, end or dispute is recorded as a reply event in that same
transaction. Rejected, unmatched and unclear messages, and disputes that matched no meeting,
wait in a review queue for a coordinator.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import cast

from reminder_service.core.model import ReviewItem
from reminder_service.core.replies.verdict import Outcome, Reason, Role, Verdict, verdict_json
from reminder_service.errors import PairErasedError, StoreError
from reminder_service.store.connection import (
    instant_text,
    parse_instant,
    period_params,
    translated,
)
from reminder_service.store.erasure import erased_pair_ids
from reminder_service.store.events import EventsMixin

REVIEW_OUTCOMES = frozenset({Outcome.REJECTED, Outcome.UNMATCHED, Outcome.UNCLEAR})
"""Outcomes a coordinator should look at; their text and raw bytes are kept for that. A
dispute that matched no meeting joins them later, when recorded (its text only)."""
_REVIEW_PARAMS = {
    "rejected": Outcome.REJECTED.value,
    "unmatched": Outcome.UNMATCHED.value,
    "unclear": Outcome.UNCLEAR.value,
    "dispute": Outcome.DISPUTE.value,
    "no_meeting": Reason.NO_MEETING_FOUND.value,
}

MAX_KEPT_RAW_BYTES = 1024 * 1024
"""Raw messages larger than this are not kept, even for review."""

_INBOUND_BY_KEY = "SELECT id, meeting_id FROM inbound WHERE dedupe_key = ?"
_INSERT_INBOUND = """
INSERT INTO inbound (folder, uidvalidity, uid, dedupe_key, message_id, received_at, sender,
                     pair_id, sender_role, outcome, reason, text, verdict_json,
                     failing_addresses, raw, marked, answers_kind, subject, size)
VALUES (:folder, :uidvalidity, :uid, :dedupe_key, :message_id, :received_at, :sender,
        :pair_id, :sender_role, :outcome, :reason, :text, :verdict_json,
        :failing_addresses, :raw, :marked, :answers_kind, :subject, :size)
"""
_LINK_MEETING = "UPDATE inbound SET meeting_id = ? WHERE id = ?"
_ADVANCE_WATERMARK = """
INSERT INTO watermarks (folder, uidvalidity, last_uid) VALUES (?, ?, ?)
ON CONFLICT (folder, uidvalidity) DO UPDATE SET last_uid = MAX(last_uid, excluded.last_uid)
"""
_WATERMARK = "SELECT last_uid FROM watermarks WHERE folder = ? AND uidvalidity = ?"
_UNMARKED_UIDS = """
SELECT uid FROM inbound WHERE folder = ? AND uidvalidity = ? AND marked = 0 ORDER BY uid
"""
_SET_MARKED = "UPDATE inbound SET marked = 1 WHERE folder = ? AND uidvalidity = ? AND uid = ?"
_REVIEW_ROWS = """
FROM inbound
WHERE (outcome IN (:rejected, :unmatched, :unclear)
       OR (outcome = :dispute AND reason = :no_meeting))
"""
_AWAITING_REVIEW = _REVIEW_ROWS + "  AND reviewed_at IS NULL\n"
_REVIEW_QUEUE = "SELECT * " + _AWAITING_REVIEW + "ORDER BY received_at, id"
_REVIEW_ITEMS = (
    "SELECT id, outcome, reason, sender, pair_id "
    + _AWAITING_REVIEW
    + """  AND (:since IS NULL OR received_at >= :since)
  AND (:until IS NULL OR received_at < :until)
ORDER BY received_at, id"""
)
_REVIEW_WAITING_BEFORE = "SELECT COUNT(*) " + _AWAITING_REVIEW + "  AND received_at < :since"
_UNCLEAR_SINCE = """
SELECT pair_id, sender_role, message_id, received_at, answers_kind FROM inbound
WHERE outcome = ? AND received_at >= ? AND reviewed_at IS NULL
  AND pair_id IS NOT NULL AND sender_role IS NOT NULL
ORDER BY received_at, id
"""
_MARK_REVIEWED = "UPDATE inbound SET reviewed_at = ? WHERE id = ? AND reviewed_at IS NULL"
_WAS_IN_REVIEW = "SELECT 1 " + _REVIEW_ROWS + "AND id = :id"
_CLEAR_RAW = """
UPDATE inbound SET raw = NULL
WHERE id IN (
    SELECT id FROM inbound INDEXED BY inbound_kept_raw
    WHERE raw IS NOT NULL AND received_at < :before
    ORDER BY received_at LIMIT :limit
)
"""
_CLEAR_REVIEWED_WORDS = """
UPDATE inbound
SET text = NULL, subject = NULL, verdict_json = json_set(verdict_json, '$.text', NULL)
WHERE id IN (
    SELECT id FROM inbound INDEXED BY inbound_reviewed_words
    WHERE reviewed_at IS NOT NULL AND (text IS NOT NULL OR subject IS NOT NULL)
      AND reviewed_at < :before
    ORDER BY reviewed_at LIMIT :limit
)
"""
_FAILING_ADDRESSES = """
SELECT lower(address.value), MAX(inbound.received_at)
FROM inbound, json_each(inbound.failing_addresses) AS address
GROUP BY lower(address.value)
ORDER BY 2 DESC, 1
"""


@dataclass(frozen=True, slots=True)
class InboundItem:
    """One fetched message, where it was found, and the parser's verdict on it.

    `keep_text` says whether the program keeps the text of replies (its `keep_notes`);
    `needs_mark` is False for mail that is not ours, which is left on the server as it was.
    `size` is the message's size on the server (None: the length of `raw`).
    """

    folder: str
    uidvalidity: int
    uid: int
    raw: bytes
    verdict: Verdict
    keep_text: bool
    needs_mark: bool = True
    size: int | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    """What recording one inbound message did.

    `duplicate` is True when the message was already recorded; `meeting_id` is then the
    meeting that first record logged or joined. `meeting_is_new` is True only when this
    message created a meeting rather than merging into one reported before.
    """

    inbound_id: int
    duplicate: bool
    meeting_id: int | None
    meeting_is_new: bool


@dataclass(frozen=True, slots=True)
class InboundRow:
    """One recorded inbound message, as stored.

    `folder`, `uidvalidity` and `uid` say where it was first seen; `meeting_id` is the meeting
    it logged or joined. `text`, `subject` and `raw` are None when they were not kept (the
    words only with the program's notes or for review); `subject` and `size` are also None
    in rows recorded before they were.
    """

    id: int
    folder: str
    uidvalidity: int
    uid: int
    dedupe_key: str
    message_id: str | None
    received_at: datetime
    sender: str | None
    pair_id: str | None
    sender_role: Role | None
    outcome: Outcome
    reason: Reason | None
    text: str | None
    verdict_json: str
    failing_addresses: tuple[str, ...]
    raw: bytes | None
    marked: bool
    reviewed_at: datetime | None
    meeting_id: int | None
    subject: str | None
    size: int | None


@dataclass(frozen=True, slots=True)
class UnclearReply:
    """A recorded reply from a pair member that could not be understood: whom to ask back."""

    pair_id: str
    sender_role: Role
    message_id: str | None
    received_at: datetime
    answers_kind: str | None
    """The kind of our email it answers, if known (see `Verdict.wants_question`)."""


class InboxMixin(EventsMixin):
    """Recording fetched messages and watermarks, and the coordinator's review queue.

    It builds on the events and meetings parts because recording a reply logs its meeting (or
    merges it into one reported before) or its event, in the same transaction.
    """

    def record_inbound(
        self,
        *,
        folder: str,
        uidvalidity: int,
        uid: int,
        raw: bytes,
        verdict: Verdict,
        now: datetime,
        keep_text: bool,
    ) -> Recorded:
        """Record one message with its verdict and any meeting; see `record_inbound_batch`."""
        item = InboundItem(
            folder=folder,
            uidvalidity=uidvalidity,
            uid=uid,
            raw=raw,
            verdict=verdict,
            keep_text=keep_text,
        )
        (recorded,) = self.record_inbound_batch([item], now=now)
        return recorded

    def record_inbound_batch(
        self, items: Sequence[InboundItem], *, now: datetime
    ) -> list[Recorded]:
        """Record messages in order, in one transaction that commits before this returns.

        A message already recorded (by Message-ID, else by a hash of its bytes) only
        advances the watermark. A new one is logged with its verdict; a meeting report joins
        the pair's meeting it describes or logs a new one; a member's "not yet", skip, pause,
        end or dispute becomes a reply event (a dispute also removes its meeting; a pause or
        an end that also tells of a meeting logs that meeting too). The
        watermark of each item's (folder, uidvalidity) rises to its UID. Any error rolls back
        the whole batch.

        PairErasedError, with nothing written, when a verdict names a pair that `forget`
        erased after the replies were read: its rows would outlive the erasure. Checked in
        the same transaction as the writes, so no erasure can slip in between.
        """
        with self._write():
            _refuse_erased(self._db, items)
            return [self._record(item, now=now) for item in items]

    def watermark(self, *, folder: str, uidvalidity: int) -> int:
        """The highest UID recorded in this folder under this UIDVALIDITY; 0 when none."""
        with translated(self._path):
            found = self._db.execute(_WATERMARK, (folder, uidvalidity)).fetchone()
        return 0 if found is None else int(found[0])

    def unmarked_uids(self, *, folder: str, uidvalidity: int) -> list[int]:
        """UIDs of messages recorded here but not yet flagged or moved on the server."""
        with translated(self._path):
            rows = self._db.execute(_UNMARKED_UIDS, (folder, uidvalidity)).fetchall()
        return [uid for (uid,) in rows]

    def set_marked(self, *, folder: str, uidvalidity: int, uids: Sequence[int]) -> None:
        """Note that these messages are now flagged or moved on the server."""
        with self._write():
            self._db.executemany(_SET_MARKED, [(folder, uidvalidity, uid) for uid in uids])

    def review_queue(self) -> list[InboundRow]:
        """Rejected, unmatched and unclear messages, and disputes that matched no meeting,
        that nobody has reviewed yet, oldest first."""
        with translated(self._path):
            rows = self._db.execute(_REVIEW_QUEUE, _REVIEW_PARAMS).fetchall()
        return [_inbound_row(row) for row in rows]

    def review_items(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[ReviewItem]:
        """The review queue's messages received from `since` up to (not including) `until`,
        oldest first, without their text or bytes (digest)."""
        params = {**_REVIEW_PARAMS, **period_params(since, until)}
        with translated(self._path):
            rows = self._db.execute(_REVIEW_ITEMS, params).fetchall()
        return [
            ReviewItem(
                inbound_id=row_id, outcome=outcome, reason=reason, sender=sender, pair_id=pair_id
            )
            for row_id, outcome, reason, sender, pair_id in rows
        ]

    def unclear_replies(self, *, since: datetime) -> list[UnclearReply]:
        """Unclear replies from pair members recorded at or after `since` that nobody has
        reviewed yet, oldest first: the planner asks their senders back from these."""
        params = (Outcome.UNCLEAR.value, instant_text(since))
        with translated(self._path):
            rows = self._db.execute(_UNCLEAR_SINCE, params).fetchall()
        return [
            UnclearReply(
                pair_id=pair_id,
                sender_role=cast("Role", role),
                message_id=message_id,
                received_at=parse_instant(received_at),
                answers_kind=answers_kind,
            )
            for pair_id, role, message_id, received_at, answers_kind in rows
        ]

    def review_waiting_before(self, since: datetime) -> int:
        """How many review queue messages received before `since` nobody has reviewed yet."""
        params = {**_REVIEW_PARAMS, "since": instant_text(since)}
        with translated(self._path):
            (count,) = self._db.execute(_REVIEW_WAITING_BEFORE, params).fetchone()
        return int(count)

    def mark_reviewed(self, inbound_id: int, *, now: datetime) -> bool:
        """A coordinator has looked at this message; it leaves the review queue. True when
        it did now, False when it had been marked reviewed before; StoreError when it is not
        a message the review queue ever held."""
        with self._write():
            in_review = self._db.execute(_WAS_IN_REVIEW, {**_REVIEW_PARAMS, "id": inbound_id})
            if in_review.fetchone() is not None:
                params = (instant_text(now), inbound_id)
                return bool(self._db.execute(_MARK_REVIEWED, params).rowcount)
        raise StoreError(
            f"There is no message #{inbound_id} in the review queue. "
            'Run "reminder-service review" to see the numbers of the messages waiting.'
        )

    def clear_old_raw(self, *, received_before: datetime, limit: int) -> int:
        """Drop the bytes of up to `limit` messages received before `received_before`,
        oldest first, in ONE transaction; returns how many.

        The bytes are kept only for messages that need review, and nothing reads them back:
        the review queue shows the sender, subject and words. The row stays.
        """
        params = {"before": instant_text(received_before), "limit": limit}
        with self._write():
            return int(self._db.execute(_CLEAR_RAW, params).rowcount)

    def clear_reviewed_words(self, *, reviewed_before: datetime, limit: int) -> int:
        """Drop the words and subject of up to `limit` messages a coordinator marked as dealt
        with before `reviewed_before`, longest-reviewed first, in ONE transaction; returns
        how many. The row keeps its sender, pair, outcome, reason and dates."""
        params = {"before": instant_text(reviewed_before), "limit": limit}
        with self._write():
            return int(self._db.execute(_CLEAR_REVIEWED_WORDS, params).rowcount)

    def failing_addresses(self) -> list[tuple[str, datetime]]:
        """Addresses that bounces reported as failing, with when last seen, newest first."""
        with translated(self._path):
            rows = self._db.execute(_FAILING_ADDRESSES).fetchall()
        return [(address, parse_instant(seen)) for address, seen in rows]

    def _record(self, item: InboundItem, *, now: datetime) -> Recorded:
        received_at = instant_text(now)
        self._db.execute(_ADVANCE_WATERMARK, (item.folder, item.uidvalidity, item.uid))
        key = inbound_dedupe_key(item.verdict.message_id, item.raw)
        found = self._db.execute(_INBOUND_BY_KEY, (key,)).fetchone()
        if found is not None:
            return Recorded(
                inbound_id=found[0], duplicate=True, meeting_id=found[1], meeting_is_new=False
            )
        params = _inbound_params(item, dedupe_key=key, received_at=received_at)
        inbound_id = self._db.execute(_INSERT_INBOUND, params).lastrowid
        assert inbound_id is not None
        if item.verdict.outcome is not Outcome.MEETING:
            self._record_event(item.verdict, inbound_id=inbound_id, now=now)
        if item.verdict.meeting is None:
            return Recorded(
                inbound_id=inbound_id, duplicate=False, meeting_id=None, meeting_is_new=False
            )
        meeting_id, is_new = self._log_meeting(
            item.verdict, inbound_id=inbound_id, created_at=received_at
        )
        self._db.execute(_LINK_MEETING, (meeting_id, inbound_id))
        return Recorded(
            inbound_id=inbound_id, duplicate=False, meeting_id=meeting_id, meeting_is_new=is_new
        )


def _refuse_erased(db: sqlite3.Connection, items: Sequence[InboundItem]) -> None:
    """PairErasedError when an item's verdict names a pair noted as erased."""
    named = {item.verdict.pair_id for item in items}
    erased = erased_pair_ids(db) & named
    if erased:
        raise PairErasedError(erased)


def inbound_dedupe_key(message_id: str | None, raw: bytes) -> str:
    """What makes two fetched messages the same: the Message-ID, else the bytes' hash."""
    normalized = (message_id or "").strip().lower()
    return normalized or "sha256:" + sha256(raw).hexdigest()


def _inbound_params(item: InboundItem, *, dedupe_key: str, received_at: str) -> dict[str, object]:
    verdict = item.verdict
    for_review = verdict.outcome in REVIEW_OUTCOMES
    keep_words = item.keep_text or for_review
    keep_raw = for_review and len(item.raw) <= MAX_KEPT_RAW_BYTES
    return {
        "folder": item.folder,
        "uidvalidity": item.uidvalidity,
        "uid": item.uid,
        "dedupe_key": dedupe_key,
        "message_id": verdict.message_id,
        "received_at": received_at,
        "sender": verdict.sender,
        "pair_id": verdict.pair_id,
        "sender_role": verdict.sender_role,
        "outcome": verdict.outcome.value,
        "reason": None if verdict.reason is None else verdict.reason.value,
        "text": verdict.text if keep_words else None,
        "verdict_json": _stored_verdict_json(verdict, keep_words=keep_words),
        "failing_addresses": json.dumps(list(verdict.failing_addresses)),
        "raw": item.raw if keep_raw else None,
        "marked": 0 if item.needs_mark else 1,
        "answers_kind": verdict.answers_kind,
        "subject": verdict.subject if keep_words else None,
        "size": len(item.raw) if item.size is None else item.size,
    }


def _stored_verdict_json(verdict: Verdict, *, keep_words: bool) -> str:
    """The verdict as `explain-reply` prints it, with its text only when the words are kept:
    otherwise `keep_notes: false` would still store every meeting reply's words here."""
    described = verdict_json(verdict)
    if not keep_words:
        described["text"] = None
    return json.dumps(described, ensure_ascii=False)


def _inbound_row(row: sqlite3.Row) -> InboundRow:
    reason = row["reason"]
    raw = row["raw"]
    reviewed_at = row["reviewed_at"]
    return InboundRow(
        id=row["id"],
        folder=row["folder"],
        uidvalidity=row["uidvalidity"],
        uid=row["uid"],
        dedupe_key=row["dedupe_key"],
        message_id=row["message_id"],
        received_at=parse_instant(row["received_at"]),
        sender=row["sender"],
        pair_id=row["pair_id"],
        sender_role=cast("Role | None", row["sender_role"]),
        outcome=Outcome(row["outcome"]),
        reason=None if reason is None else Reason(reason),
        text=row["text"],
        verdict_json=row["verdict_json"],
        failing_addresses=tuple(json.loads(row["failing_addresses"])),
        raw=None if raw is None else bytes(raw),
        marked=bool(row["marked"]),
        reviewed_at=None if reviewed_at is None else parse_instant(reviewed_at),
        meeting_id=row["meeting_id"],
        subject=row["subject"],
        size=row["size"],
    )
