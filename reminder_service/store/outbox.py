"""The outbox: every email the service sends, as a row that moves through its states.

The states follow the design guide: `pending -> sending -> sent | failed | unknown`. A row is
committed as `sending` before any of its data goes to the mail server, so after a crash the
store can tell "maybe delivered" (`unknown`, never resent) from "not yet tried" (`pending`).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from reminder_service.core.model import Outgoing, UnknownSend
from reminder_service.core.replies.verdict import SentRef
from reminder_service.core.withdraw import Withdrawal
from reminder_service.errors import StoreError
from reminder_service.store.connection import (
    StoreConnection,
    instant_text,
    parse_instant,
    period_params,
    stamp_limits,
    translated,
)
from reminder_service.store.erasure import erased_pair_ids

log = logging.getLogger(__name__)

CHECKIN_KIND = "checkin"
"""The outbox `kind` of a regular check-in (reminders and "pause or end?" answer periods too)."""

KEYS_PER_QUERY = 500
"""How many keys one `keys_present` query asks about, well under SQLite's variable limit."""

_ENQUEUE = """
INSERT INTO outbox (key, pair_id, kind, period, message_id, sender, recipients, message,
                    state, attempts, next_attempt_at, created_at, updated_at)
VALUES (:key, :pair_id, :kind, :period, :message_id, :sender, :recipients, :message,
        'pending', 0, :now, :now, :now)
ON CONFLICT (key) DO NOTHING
"""
_DUE_ROWS = """
SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?
ORDER BY next_attempt_at, id LIMIT ?
"""
_CLAIM = """
UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?
WHERE id = ? AND state = 'pending'
"""
_ROW_BY_ID = "SELECT * FROM outbox WHERE id = ?"
_SENDING_IDS = "SELECT id FROM outbox WHERE state = 'sending' ORDER BY id"
_RECOVER = """
UPDATE outbox SET state = 'unknown', last_error = ?, updated_at = ? WHERE state = 'sending'
"""
_MARK_SENT = """
UPDATE outbox SET state = 'sent', sent_at = :now, updated_at = :now,
                  last_error = COALESCE(:error, last_error)
WHERE id = :id AND state = 'sending'
"""
_MARK_RETRY = """
UPDATE outbox SET state = 'pending', next_attempt_at = :retry_at, last_error = :error,
                  updated_at = :now, first_failed_at = COALESCE(first_failed_at, :now)
WHERE id = :id AND state = 'sending'
"""
_MARK_RELEASED = """
UPDATE outbox SET state = 'pending', attempts = attempts - 1, last_error = :error,
                  updated_at = :now
WHERE id = :id AND state = 'sending'
"""
_MARK_FINAL = """
UPDATE outbox SET state = :state, withdrawn = :withdrawn, last_error = :error, updated_at = :now
WHERE id = :id AND state = 'sending'
"""
_STATE_BY_ID = "SELECT state FROM outbox WHERE id = ?"
_PAIRS_WITH_PENDING = "SELECT DISTINCT pair_id FROM outbox WHERE state = 'pending'"
_PENDING_OF_PAIR = "SELECT id, key, kind FROM outbox WHERE pair_id = ? AND state = 'pending'"
_WITHDRAW = """
UPDATE outbox SET state = 'failed', withdrawn = 1, last_error = ?, updated_at = ?
WHERE id = ? AND state = 'pending'
"""
# A row queued while the clock ran ahead gives its key up, so the email of that period (or
# digest of that day) can be queued when the date comes: the key no longer starts with its
# kind's prefix, and stays unique.
_WITHDRAW_AHEAD = """
UPDATE outbox SET state = 'failed', withdrawn = 1, last_error = ?, updated_at = ?,
                  key = 'ahead:' || id || ':' || key
WHERE id = ? AND state = 'pending'
"""
# A row for a period after :last_period was queued while the clock ran ahead.
_SUPERSEDED_PERIODS = """
SELECT early.id, early.key, early.period > :last_period FROM outbox AS early
WHERE early.state = 'pending' AND early.kind IN ('checkin', 'pause_or_end', 'reminder'){only}
  AND (early.period > :last_period OR EXISTS (
    SELECT 1 FROM outbox AS later
    WHERE later.pair_id = early.pair_id AND later.period > early.period
      AND later.kind IN ('checkin', 'pause_or_end', 'reminder')
      AND later.period <= :last_period
  ))
"""
_SUPERSEDED_DIGESTS = """
SELECT early.id, early.key, early.period > :last_period FROM outbox AS early
WHERE early.state = 'pending' AND early.kind = 'digest'
  AND (early.period > :last_period OR EXISTS (
    SELECT 1 FROM outbox AS later
    WHERE later.kind = 'digest' AND later.period > early.period
      AND later.period <= :last_period
  ))
"""
_OF_PAIRS = " AND early.pair_id IN (SELECT value FROM json_each(:only))"
SUPERSEDED = (
    "a later period's email to the same pair was queued before this one could go out, "
    "so this one was no longer worth sending"
)
SUPERSEDED_DIGEST = (
    "a later digest was queued before this one could go out; it covers the news since the "
    "last digest sent, so this one was no longer worth sending"
)
QUEUED_AHEAD = (
    "it was queued while this server's clock was wrong (ahead), for a date not reached "
    "yet, so it was not sent; check that the server's clock is kept right (NTP)"
)
_TRIED_SINCE = "SELECT updated_at FROM outbox WHERE attempts > 0 AND updated_at >= ?"
_EARLIEST_PENDING = "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'"
_ROWS_IN_STATES = "SELECT * FROM outbox WHERE state IN (?, ?, ?, ?, ?) ORDER BY id"
_COUNTS = "SELECT state, COUNT(*) FROM outbox GROUP BY state"
_COUNTS_BY_KIND = """
SELECT kind, CASE WHEN withdrawn THEN 'withdrawn' ELSE state END AS shown, COUNT(*)
FROM outbox GROUP BY kind, shown
"""
_LAST_MESSAGE_ID = """
SELECT message_id FROM outbox WHERE pair_id = ? AND kind = ? ORDER BY id DESC LIMIT 1
"""
_LAST_PERIOD_MESSAGE_ID = """
SELECT message_id FROM outbox
WHERE pair_id = ? AND kind IN ('checkin', 'pause_or_end', 'reminder') ORDER BY id DESC LIMIT 1
"""
_LATEST_CHECKIN_RECIPIENTS = """
SELECT pair_id, recipients FROM outbox
WHERE id IN (SELECT MAX(id) FROM outbox WHERE kind = 'checkin' GROUP BY pair_id)
"""
_SENT_REF = """
SELECT pair_id, kind, key FROM outbox WHERE message_id = ? COLLATE NOCASE ORDER BY id LIMIT 1
"""
_UNKNOWN_SENDS = """
SELECT key, kind, recipients, updated_at FROM outbox
WHERE state = 'unknown' AND (:since IS NULL OR updated_at >= :since)
  AND (:until IS NULL OR updated_at < :until)
ORDER BY updated_at, id
"""
_CLEAR_MESSAGES = """
UPDATE outbox SET message = X'', message_cleared_at = :now
WHERE id IN (
    SELECT id FROM outbox INDEXED BY outbox_settled_messages
    WHERE state IN ('sent', 'failed', 'unknown') AND message_cleared_at IS NULL
      AND updated_at < :before
    ORDER BY updated_at LIMIT :limit
)
"""
_LAST_KEY_IN_RANGE = """
SELECT key FROM outbox WHERE key >= ? AND key < ? ORDER BY id DESC LIMIT 1
"""
_LAST_GONE_KEY_IN_RANGE = """
SELECT key FROM outbox WHERE key >= ? AND key < ? AND state IN ('sending', 'sent', 'unknown')
ORDER BY id DESC LIMIT 1
"""

_INTERRUPTED = (
    "The service stopped while handing this email to the mail server, so it may or may not "
    "have been delivered. It will not be sent again automatically."
)


class OutboxState(StrEnum):
    """Where an outbox row is in its life; see the module docstring."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One email in the outbox, as stored."""

    id: int
    key: str
    pair_id: str
    kind: str
    period: date
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    message: bytes
    state: OutboxState
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    message_cleared_at: datetime | None = None
    """When `message` was emptied, the retention period after the email was settled."""
    first_failed_at: datetime | None = None
    """When the mail server first answered with a temporary failure (None: it never did)."""


class OutboxMixin(StoreConnection):
    """Queueing emails, claiming them for sending, and recording how each attempt ended."""

    def enqueue_many(self, items: Sequence[Outgoing], *, now: datetime) -> list[bool]:
        """Queue several emails in ONE transaction; for each, whether it was new.

        One commit (one disk sync) for a whole planning pass; each email keeps its own
        idempotency key, so a repeat of any of them is still refused, as is an email to a
        pair erased with `forget` that a running service's program still has.
        """
        at = instant_text(now)
        with self._write():
            erased = erased_pair_ids(self._db)
            return [
                _refused_as_erased(item)
                if item.pair_id in erased
                else self._db.execute(_ENQUEUE, _enqueue_params(item, at=at)).rowcount == 1
                for item in items
            ]

    def recover_interrupted(self, *, now: datetime) -> list[OutboxRow]:
        """Turn every row left in `sending` by a previous run into `unknown`; return them."""
        with self._write():
            ids = [row_id for (row_id,) in self._db.execute(_SENDING_IDS)]
            self._db.execute(_RECOVER, (_INTERRUPTED, instant_text(now)))
            return [self._row(row_id) for row_id in ids]

    def due_rows(self, *, now: datetime, limit: int, skip: Collection[int] = ()) -> list[OutboxRow]:
        """Up to `limit` pending rows due at `now`, longest-waiting first, leaving out `skip`
        (rows the sender has started on but not claimed yet). Reading claims nothing."""
        if limit <= 0:
            return []
        with translated(self._path):
            rows = self._db.execute(_DUE_ROWS, (instant_text(now), limit + len(skip))).fetchall()
        return [_outbox_row(row) for row in rows if row["id"] not in skip][:limit]

    def claim_and_settle(
        self, claims: Sequence[int], settlements: Sequence[Settlement], *, now: datetime
    ) -> None:
        """Claim rows (`pending` to `sending`, one more attempt), then record how sends ended,
        in ONE transaction.

        The sender claims the rows whose messages are about to go out together with what
        finished meanwhile, so a busy outbox costs one disk sync for several emails; a claim
        is still committed before its message data goes out. Every claimed row must be
        pending and every settled row sending (or claimed here): if one is not, the rest
        is recorded and StoreError says which.
        """
        at = instant_text(now)
        with self._write():
            refused = [
                (row_id, "pending", "claimed")
                for row_id in claims
                if not self._claim_one(row_id, at=at)
            ]
            refused += [
                (s.row_id, "sending", "finished") for s in settlements if not self._settle(s, at=at)
            ]
            problems = [
                f"Outbox row {row_id} {self._described(row_id, expected)}; it cannot be {done}."
                for row_id, expected, done in refused
            ]
        if problems:
            raise StoreError(" ".join(problems))

    def pairs_with_pending(self) -> set[str]:
        """The pairs that have an email waiting in the outbox."""
        with translated(self._path):
            return {pair_id for (pair_id,) in self._db.execute(_PAIRS_WITH_PENDING)}

    def withdraw_pending(
        self, withdrawals: Iterable[Withdrawal], *, now: datetime, keep: Collection[int] = ()
    ) -> list[tuple[str, str]]:
        """Mark `failed` and withdrawn, with the withdrawal's reason, the pending rows of each
        pair whose kind it names, in ONE transaction; returns the (key, reason) of each row
        withdrawn.

        The rows are looked for first, so a tick with nothing to withdraw writes nothing.
        Rows in `keep` (the sender has started on them) and rows no longer pending are left
        alone: an email that may be going out is never marked failed.
        """
        with translated(self._path):
            found = [
                (row_id, key, item.reason)
                for item in withdrawals
                for row_id, key, kind in self._db.execute(_PENDING_OF_PAIR, (item.pair_id,))
                if kind in item.kinds and row_id not in keep
            ]
        return self._withdraw_found(found, now=now)

    def withdraw_superseded(
        self,
        *,
        now: datetime,
        only: Collection[str] | None = None,
        digests: bool = True,
        keep: Collection[int] = (),
    ) -> list[tuple[str, str]]:
        """Mark `failed` and withdrawn each pending period email whose pair has an email for a
        later period queued (of the pairs in `only`, when given), and, with `digests`, each
        pending digest a later digest was queued after; returns the (key, reason) of each.

        A period email or digest that could not go out (the mail server unusable for days,
        say) is stale once the next one is queued: sending both would ask the pair twice at
        once, or pile up digests. One for a period no pair has reached at `now` was queued
        while the clock ran ahead: it supersedes nothing, and is withdrawn itself, or it
        would go out years later with the text written now; it gives up its key (renamed
        `ahead:ID:KEY`), so that period's real email is queued when the date comes. Rows in
        `keep` (the sender has started on them) are left alone.
        """
        found = self._superseded(now=now, only=only, digests=digests)
        found = [(row_id, key, reason) for row_id, key, reason in found if row_id not in keep]
        return self._withdraw_found(found, now=now)

    def _withdraw_found(
        self, found: Sequence[tuple[int, str, str]], *, now: datetime
    ) -> list[tuple[str, str]]:
        """Withdraw the rows `found` (id, key, reason) in ONE transaction, none when there are
        none; returns the (key, reason) of each row that was still pending."""
        if not found:
            return []
        at = instant_text(now)
        with self._write():
            return [
                (key, reason)
                for row_id, key, reason in found
                if self._db.execute(_withdrawal(reason), (reason, at, row_id)).rowcount == 1
            ]

    def _superseded(
        self, *, now: datetime, only: Collection[str] | None, digests: bool
    ) -> list[tuple[int, str, str]]:
        """The (id, key, reason) of the pending rows `withdraw_superseded` withdraws."""
        params = {**stamp_limits(now), "only": json.dumps(sorted(only or ()))}
        queries = []
        if only is None or only:
            periods = _SUPERSEDED_PERIODS.format(only="" if only is None else _OF_PAIRS)
            queries.append((periods, SUPERSEDED))
        if digests:
            queries.append((_SUPERSEDED_DIGESTS, SUPERSEDED_DIGEST))
        found: list[tuple[int, str, str]] = []
        with translated(self._path):
            for query, superseded in queries:
                found += [
                    (row_id, key, QUEUED_AHEAD if ahead else superseded)
                    for row_id, key, ahead in self._db.execute(query, params)
                ]
        return found

    def tried_since(self, since: datetime) -> list[datetime]:
        """When each row tried at least once and changed at or after `since` last changed.

        A row's last change (its claim, or how that attempt ended) comes at or after the start
        of its last attempt, so a rate limit seeded with these errs on the slow side.
        """
        with translated(self._path):
            rows = self._db.execute(_TRIED_SINCE, (instant_text(since),)).fetchall()
        return [parse_instant(text) for (text,) in rows]

    def next_attempt_at(self) -> datetime | None:
        """When the earliest pending row is due, or None when nothing is pending."""
        with translated(self._path):
            (text,) = self._db.execute(_EARLIEST_PENDING).fetchone()
        return None if text is None else parse_instant(text)

    def outbox(self, *, states: Iterable[OutboxState] | None = None) -> list[OutboxRow]:
        """The outbox rows (only those in `states`, when given), oldest first."""
        wanted = set(OutboxState if states is None else states)
        # Absent states are padded with NULL, which IN never matches.
        params = [state.value if state in wanted else None for state in OutboxState]
        with translated(self._path):
            rows = self._db.execute(_ROWS_IN_STATES, params).fetchall()
        return [_outbox_row(row) for row in rows]

    def counts_by_state(self) -> dict[OutboxState, int]:
        """How many outbox rows are in each state, with every state present."""
        with translated(self._path):
            found = dict(self._db.execute(_COUNTS).fetchall())
        return {state: found.get(state.value, 0) for state in OutboxState}

    def counts_by_kind_and_state(self) -> dict[tuple[str, str], int]:
        """How many outbox rows there are of each (kind, state), for the metrics; the failed
        rows the planner withdrew are counted as `withdrawn`, apart from the failed sends."""
        with translated(self._path):
            rows = self._db.execute(_COUNTS_BY_KIND).fetchall()
        return {(kind, state): count for kind, state, count in rows}

    def last_message_id(self, pair_id: str, *, kind: str) -> str | None:
        """The Message-ID of the pair's newest queued email of `kind`, for `References`."""
        with translated(self._path):
            found = self._db.execute(_LAST_MESSAGE_ID, (pair_id, kind)).fetchone()
        return None if found is None else str(found[0])

    def last_period_message_id(self, pair_id: str) -> str | None:
        """The Message-ID of the pair's newest check-in, reminder or "pause or end?" email."""
        with translated(self._path):
            found = self._db.execute(_LAST_PERIOD_MESSAGE_ID, (pair_id,)).fetchone()
        return None if found is None else str(found[0])

    def checkin_members(self) -> dict[str, tuple[str, str]]:
        """Each pair's (mentor, mentee) addresses, as its latest check-in was addressed.

        The rows are taken one at a time, not fetched first: at 100,000 pairs the list of
        rows would hold about 20 MB more while the result is built.
        """
        with translated(self._path):
            rows = self._db.execute(_LATEST_CHECKIN_RECIPIENTS)
            addressed = ((pair_id, json.loads(recipients)) for pair_id, recipients in rows)
            return {
                pair_id: (people[0], people[1]) for pair_id, people in addressed if len(people) == 2
            }

    def sent_ref(self, message_id: str) -> SentRef | None:
        """Which pair, kind and key of email one of our Message-IDs was; None if not ours."""
        with translated(self._path):
            found = self._db.execute(_SENT_REF, (message_id.strip(),)).fetchone()
        return None if found is None else SentRef(pair_id=found[0], kind=found[1], key=found[2])

    def unknown_sends(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[UnknownSend]:
        """Emails that may or may not have been delivered (updated from `since` up to, not
        including, `until`), oldest first."""
        with translated(self._path):
            rows = self._db.execute(_UNKNOWN_SENDS, period_params(since, until)).fetchall()
        return [
            UnknownSend(
                key=key, recipients=tuple(json.loads(recipients)), at=parse_instant(at), kind=kind
            )
            for key, kind, recipients, at in rows
        ]

    def keys_present(self, keys: Iterable[str]) -> set[str]:
        """Which of these idempotency keys were decided already: queued (any state) or skipped."""
        present: set[str] = set()
        with translated(self._path):
            for chunk in _chunks(sorted(set(keys)), size=KEYS_PER_QUERY):
                query = _DECIDED_KEYS.replace("(?)", "(" + ", ".join("?" * len(chunk)) + ")")
                present.update(key for (key,) in self._db.execute(query, [*chunk, *chunk]))
        return present

    def skip(self, key: str, *, now: datetime, why: str) -> None:
        """Record that the email with this key is decided against, so it is never sent later."""
        with self._write():
            self._db.execute(
                "INSERT OR IGNORE INTO skipped (key, at, why) VALUES (?, ?, ?)",
                (key, instant_text(now), why),
            )

    def clear_old_messages(self, *, settled_before: datetime, limit: int, now: datetime) -> int:
        """Empty the message of up to `limit` settled emails (sent, failed, withdrawn or
        unknown) last changed before `settled_before`, oldest first, in ONE transaction;
        returns how many.

        Only the text goes: the row keeps its key, Message-ID, state, times, recipients and
        error, which idempotency and reply matching need. Pending and sending rows are never
        touched: their text is still to be sent.
        """
        params = {"now": instant_text(now), "before": instant_text(settled_before), "limit": limit}
        with self._write():
            return int(self._db.execute(_CLEAR_MESSAGES, params).rowcount)

    def last_key_like(self, prefix: str, *, gone: bool = False) -> str | None:
        """The newest queued key that starts with `prefix` (e.g. `digest:`), or None; with
        `gone`, of the emails that went out (or may have: sending or unknown) only."""
        query = _LAST_GONE_KEY_IN_RANGE if gone else _LAST_KEY_IN_RANGE
        with translated(self._path):
            found = self._db.execute(query, _prefix_range(prefix)).fetchone()
        return None if found is None else str(found[0])

    def _row(self, row_id: int) -> OutboxRow:
        return _outbox_row(self._db.execute(_ROW_BY_ID, (row_id,)).fetchone())

    def _settle(self, settlement: Settlement, *, at: str) -> bool:
        """Apply `settlement` in the caller's transaction; False if its row was not sending."""
        params: dict[str, object] = {"now": at, "id": settlement.row_id, "error": settlement.error}
        if settlement.state is OutboxState.SENT:
            statement = _MARK_SENT
        elif settlement.state is OutboxState.PENDING:
            statement = _pending_again(settlement, params)
        else:
            statement = _MARK_FINAL
            params["state"] = settlement.state.value
            params["withdrawn"] = settlement.is_withdrawn
        return bool(self._db.execute(statement, params).rowcount == 1)

    def _described(self, row_id: int, expected: str) -> str:
        """How a row differs from the state an operation `expected` of it."""
        state = self._db.execute(_STATE_BY_ID, (row_id,)).fetchone()
        return "does not exist" if state is None else f"is {state[0]}, not {expected}"

    def _claim_one(self, row_id: int, *, at: str) -> bool:
        """Mark a pending row `sending` in the caller's transaction; False if it was not pending."""
        return bool(self._db.execute(_CLAIM, (at, row_id)).rowcount == 1)


@dataclass(frozen=True, slots=True)
class Settlement:
    """How one send ended, for `claim_and_settle` to record: the row's next state and why.

    `is_withdrawn` marks a `failed` email that never reached the mail server (see
    `withdrawn`); a `pending` one without `retry_at` was released, not retried."""

    row_id: int
    state: OutboxState
    error: str | None = None
    retry_at: datetime | None = None
    is_withdrawn: bool = False

    @classmethod
    def sent(cls, row_id: int, refused: str | None = None) -> Settlement:
        """The mail server accepted the message (`refused`: for whom it did not, and why)."""
        return cls(row_id, OutboxState.SENT, refused)

    @classmethod
    def retry(cls, row_id: int, retry_at: datetime, error: str) -> Settlement:
        """A temporary failure: pending again, due at `retry_at`."""
        return cls(row_id, OutboxState.PENDING, error, retry_at)

    @classmethod
    def released(cls, row_id: int, error: str) -> Settlement:
        """Not tried after all (the mail server could not be used): pending again, due as
        before, and the attempt not counted."""
        return cls(row_id, OutboxState.PENDING, error)

    @classmethod
    def failed(cls, row_id: int, error: str) -> Settlement:
        """A permanent failure: never tried again."""
        return cls(row_id, OutboxState.FAILED, error)

    @classmethod
    def withdrawn(cls, row_id: int, reason: str) -> Settlement:
        """Not sent after all, for `reason`: `failed` and never tried again, but counted as
        withdrawn, apart from the failed sends, as the planner's withdrawals are."""
        return cls(row_id, OutboxState.FAILED, reason, is_withdrawn=True)

    @classmethod
    def unknown(cls, row_id: int, error: str) -> Settlement:
        """Perhaps delivered: never tried again."""
        return cls(row_id, OutboxState.UNKNOWN, error)


def _refused_as_erased(item: Outgoing) -> bool:
    """Log that `item` is not queued, its pair being erased; False: nothing was queued."""
    log.warning("not queued %s: pair %s was erased with forget", item.key, item.pair_id)
    return False


def _withdrawal(reason: str) -> str:
    """The statement that withdraws a pending row for `reason`, freeing the key of one
    queued ahead."""
    return _WITHDRAW_AHEAD if reason == QUEUED_AHEAD else _WITHDRAW


def _pending_again(settlement: Settlement, params: dict[str, object]) -> str:
    """The statement that makes a row pending again: a retry at its time, or a release."""
    if settlement.retry_at is None:
        return _MARK_RELEASED
    params["retry_at"] = instant_text(settlement.retry_at)
    return _MARK_RETRY


def _enqueue_params(item: Outgoing, *, at: str) -> dict[str, object]:
    return {
        "key": item.key,
        "pair_id": item.pair_id,
        "kind": item.kind,
        "period": item.period.isoformat(),
        "message_id": item.message_id,
        "sender": item.sender,
        "recipients": json.dumps(list(item.recipients)),
        "message": item.message,
        "now": at,
    }


_DECIDED_KEYS = (
    "SELECT key FROM outbox WHERE key IN (?) UNION SELECT key FROM skipped WHERE key IN (?)"
)
"""Keys queued or skipped; each `(?)` is widened to one placeholder per key of a chunk."""


def _chunks(items: list[str], *, size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _prefix_range(prefix: str) -> tuple[str, str]:
    """Bounds [low, high) holding exactly the keys that start with a non-empty `prefix`.

    Keys compare as UTF-8 bytes, which order like code points, so the high bound is the
    prefix with its last character raised by one; the range then uses the key's index.
    """
    if not prefix:
        raise ValueError("a key prefix must not be empty")
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _outbox_row(row: sqlite3.Row) -> OutboxRow:
    sent_at, cleared_at = row["sent_at"], row["message_cleared_at"]
    first_failed_at = row["first_failed_at"]
    return OutboxRow(
        id=row["id"],
        key=row["key"],
        pair_id=row["pair_id"],
        kind=row["kind"],
        period=date.fromisoformat(row["period"]),
        message_id=row["message_id"],
        sender=row["sender"],
        recipients=tuple(json.loads(row["recipients"])),
        message=bytes(row["message"]),
        state=OutboxState(row["state"]),
        attempts=row["attempts"],
        next_attempt_at=parse_instant(row["next_attempt_at"]),
        last_error=row["last_error"],
        created_at=parse_instant(row["created_at"]),
        updated_at=parse_instant(row["updated_at"]),
        sent_at=None if sent_at is None else parse_instant(sent_at),
        message_cleared_at=None if cleared_at is None else parse_instant(cleared_at),
        first_failed_at=None if first_failed_at is None else parse_instant(first_failed_at),
    )
