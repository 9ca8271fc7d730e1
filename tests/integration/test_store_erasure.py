"""Erasing a pair in the store: every row about it goes in one transaction, other pairs' stay,
and the change numbers a running planner reads never go back."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from reminder_service.core.model import Outgoing, Silence, Status
from reminder_service.core.replies.verdict import Outcome, Verdict
from reminder_service.errors import StoreError
from reminder_service.store import PairRecords, SqliteStore
from tests.integration.test_store_intake import MENTOR, T0, met, record
from tests.support.outbox_steps import claim_next, enqueue, mark_sent

OTHER = "cy-dee"
TABLES = ("outbox", "meetings", "inbound", "reply_events", "pair_silences", "pair_versions")


def email(pair_id: str, key: str) -> Outgoing:
    """A check-in queued for `pair_id`."""
    return Outgoing(
        key=key,
        pair_id=pair_id,
        kind="checkin",
        period=date(2026, 3, 1),
        message_id=f"<{key}@reminders.example.org>",
        sender="reminders@example.org",
        recipients=("ana@example.org", "ben@example.org"),
        message=b"Subject: Check-in\r\n\r\nHow is it going?\r\n",
    )


def a_pairs_history(store: SqliteStore, pair_id: str, *, first_uid: int) -> None:
    """Emails, a meeting and its dispute, a "not yet", and a pause the YAML set."""
    assert enqueue(store, email(pair_id, f"checkin:{pair_id}"), now=T0)
    assert enqueue(store, email(pair_id, f"reminder:{pair_id}"), now=T0)
    record(store, met(pair_id=pair_id, message_id=f"<m-{pair_id}>"), uid=first_uid)
    dispute = Verdict(
        outcome=Outcome.DISPUTE,
        pair_id=pair_id,
        sender_role="mentor",
        sender=MENTOR,
        message_id=f"<d-{pair_id}>",
    )
    record(store, dispute, uid=first_uid + 1, now=T0 + timedelta(hours=1))
    not_met = replace(dispute, outcome=Outcome.NOT_MET, message_id=f"<n-{pair_id}>")
    record(store, not_met, uid=first_uid + 2, now=T0 + timedelta(hours=2))
    store.note_silences({pair_id: Silence(status=Status.PAUSED)})


def rows_of(db_path: Path, pair_id: str) -> dict[str, int]:
    """How many rows each table holds for `pair_id`, as a second connection sees them."""
    with closing(sqlite3.connect(db_path)) as other:
        return {
            table: other.execute(
                f"SELECT COUNT(*) FROM {table} WHERE pair_id = ?",
                (pair_id,),
            ).fetchone()[0]
            for table in TABLES
        }


def test_forgetting_a_pair_deletes_every_row_about_it_and_no_other(
    store: SqliteStore, db_path: Path
) -> None:
    """Forgetting a pair deletes its emails, meetings, messages, reply events, pause and change
    number, says how many of each went, and leaves another pair's rows as they were."""
    a_pairs_history(store, "ana-ben", first_uid=1)
    a_pairs_history(store, OTHER, first_uid=10)
    before = rows_of(db_path, OTHER)
    expected = PairRecords(outbox=2, meetings=1, inbound=3, reply_events=2, pair_silences=1)
    assert store.pair_records("ana-ben") == expected
    assert store.forget_pair("ana-ben", keep_if_unsent=False) == expected
    assert rows_of(db_path, "ana-ben") == dict.fromkeys(TABLES, 0)
    assert rows_of(db_path, OTHER) == before
    assert store.pair_records("ana-ben").total == 0
    assert "ana-ben" not in store.checkin_members()


def test_forgetting_never_takes_the_change_number_back(store: SqliteStore) -> None:
    """A planner that had read every change before the erasure still sees the next change of
    another pair, though the erased pair held the latest change number."""
    assert enqueue(store, email(OTHER, "checkin:other"), now=T0)
    assert enqueue(store, email("ana-ben", "checkin:ana-ben"), now=T0)
    seen = store.pair_change_seq()
    store.forget_pair("ana-ben", keep_if_unsent=False)
    assert enqueue(store, email(OTHER, "reminder:other"), now=T0)
    changed, _ = store.pair_changes_since(seen)
    assert OTHER in changed
    assert "ana-ben" not in changed


def test_forgetting_a_pair_with_nothing_recorded_changes_nothing(store: SqliteStore) -> None:
    """Forgetting an id the database never saw deletes nothing and says so."""
    assert enqueue(store, email(OTHER, "checkin:other"), now=T0)
    assert store.forget_pair("nobody", keep_if_unsent=False).total == 0
    assert [row.pair_id for row in store.outbox()] == [OTHER]


def test_forgetting_waits_for_emails_a_running_service_may_be_sending(
    store: SqliteStore,
) -> None:
    """While a service may run, a pair with an email waiting to be sent is not erased (the
    sender may be claiming it), with advice that works; once the email is sent, it is."""
    assert enqueue(store, email("ana-ben", "checkin:ana-ben"), now=T0)
    with pytest.raises(StoreError, match=r"still has 1 email.* Try again in a few minutes"):
        store.forget_pair("ana-ben", keep_if_unsent=True)
    assert store.pair_records("ana-ben").outbox == 1
    row = claim_next(store, now=T0)
    assert row is not None
    mark_sent(store, row.id, now=T0)
    assert store.forget_pair("ana-ben", keep_if_unsent=True).outbox == 1


def test_a_pair_erased_while_a_service_may_run_is_not_queued_again(
    store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    """After forget while a service may run (still holding the pair in its program), an email
    to the pair is refused with a log line, though its key is free; another pair's is queued."""
    assert enqueue(store, email("ana-ben", "checkin:ana-ben"), now=T0)
    row = claim_next(store, now=T0)
    assert row is not None
    mark_sent(store, row.id, now=T0)
    store.forget_pair("ana-ben", keep_if_unsent=True)
    again = [email("ana-ben", "checkin:ana-ben"), email(OTHER, "checkin:other")]
    with caplog.at_level(logging.WARNING):
        assert store.enqueue_many(again, now=T0) == [False, True]
    assert "not queued checkin:ana-ben: pair ana-ben was erased with forget" in caplog.text
    assert [row.pair_id for row in store.outbox()] == [OTHER]
    assert store.erased_pairs() == {"ana-ben"}


def test_a_lifted_erasure_frees_the_id_for_new_emails(store: SqliteStore) -> None:
    """Once the running service no longer has the pair (the note is lifted), its id can be
    queued again, for new people."""
    store.forget_pair("ana-ben", keep_if_unsent=True)
    store.lift_erasures({"ana-ben"})
    assert store.erased_pairs() == set()
    assert enqueue(store, email("ana-ben", "checkin:ana-ben"), now=T0)


def test_forgetting_with_no_service_running_notes_nothing(store: SqliteStore) -> None:
    """With no service running, the next one starts from the file, which lacks the pair: the
    id is free at once."""
    store.forget_pair("ana-ben", keep_if_unsent=False)
    assert store.erased_pairs() == set()
