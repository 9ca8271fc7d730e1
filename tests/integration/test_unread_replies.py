"""Replies too large to download, through the real intake, a real Dovecot and real SQLite:
only their header is read, and the review queue says who sent them and where to find them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from reminder_service.cli import main
from reminder_service.core.replies.mime import Limits
from reminder_service.core.replies.verdict import Outcome, Reason
from reminder_service.imap import PROCESSED_KEYWORD, ImapConfig
from reminder_service.store import SqliteStore
from tests.integration.test_hostile_input import BEN, MEETING, _head, _poll
from tests.integration.test_intake import intake_for, poll_session
from tests.support.dovecot import Dovecot, ImapRelay
from tests.support.process import clear_reminder_env

LIMIT = 64 * 1024


def with_photo(*, message_id: bytes = b"Message-ID: <photo-1@northwind.example>\r\n") -> bytes:
    """A member's meeting report with a photo attached that is over LIMIT."""
    photo = (b"QUJD" * 19 + b"\r\n") * 2000
    return (
        message_id
        + _head()
        + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        + b"Content-Type: text/plain\r\n\r\n"
        + MEETING
        + b'--b\r\nContent-Type: image/jpeg; name="us.jpg"\r\n'
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + photo
        + b"--b--\r\n"
    )


async def test_a_members_reply_too_large_to_read_names_its_sender_pair_and_subject(
    clean_dovecot: Dovecot,
    imap_config: ImapConfig,
    imap_relay: ImapRelay,
    store: SqliteStore,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An oversized reply is rejected unread but recorded with its sender, pair, subject,
    Message-ID and size from its header alone, left unflagged, and `review` says where to
    read it."""
    [uid] = clean_dovecot.append_many([with_photo()])
    config = replace(imap_config, port=imap_relay.port, max_message_bytes=LIMIT)

    [verdict] = await _poll(store, config)

    assert imap_relay.server_bytes < LIMIT
    assert (verdict.outcome, verdict.reason, verdict.sender, verdict.pair_id) == (
        Outcome.REJECTED,
        Reason.TOO_LARGE,
        BEN,
        "ana-ben",
    )
    assert store.meetings() == []
    [row] = store.review_queue()
    assert (row.message_id, row.subject, row.marked) == (
        "<photo-1@northwind.example>",
        "Re: Check-in",
        True,
    )
    assert row.size is not None
    assert row.size > LIMIT
    assert PROCESSED_KEYWORD not in clean_dovecot.flags(uid)
    clear_reminder_env(monkeypatch)
    monkeypatch.setenv("REMINDER_DATABASE", str(db_path))
    assert main(["review"]) == 0
    out = capsys.readouterr().out
    assert f"from {BEN}" in out
    assert "subject: Re: Check-in" in out
    assert f"({round(len(with_photo()) / 1000)} kB, arrived as UID {uid} in INBOX)" in out
    assert "read it in the reply mailbox" in out


async def test_an_unread_reply_stays_where_review_says_it_is(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """With a processed folder, a member's reply too large to read is not moved: it stays
    at the folder and UID that `review` names."""
    [uid] = clean_dovecot.append_many([with_photo()])
    config = replace(imap_config, max_message_bytes=LIMIT, processed_folder="Processed")

    await _poll(store, config)

    [row] = store.review_queue()
    assert (row.pair_id, row.folder, row.uid) == ("ana-ben", "INBOX", uid)
    assert clean_dovecot.uids("INBOX") == [uid]


@pytest.mark.parametrize(
    "limits",
    [Limits(max_bytes=LIMIT), Limits(max_bytes=10 * LIMIT, max_parts=1)],
    ids=["too large to download", "downloaded but too complex to read"],
)
async def test_an_unread_reply_with_a_forged_member_address_stays_where_review_says_it_is(
    limits: Limits, clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """A reply refused unread whose member From our mail server found forged is rejected as
    forged, and like any unread reply is neither flagged nor moved."""
    forged = b"Authentication-Results: mx.northwind.example; dmarc=fail header.from=%s\r\n" % (
        BEN.partition("@")[2].encode()
    )
    [uid] = clean_dovecot.append_many([forged + with_photo()])
    config = replace(imap_config, max_message_bytes=limits.max_bytes, processed_folder="Processed")
    intake = intake_for(store, config, limits=limits, trusted_authserv_id="mx.northwind.example")

    await poll_session(intake, config)

    [row] = store.review_queue()
    assert (row.reason, row.pair_id, row.folder, row.uid, row.marked) == (
        Reason.AUTH_FAILED,
        "ana-ben",
        "INBOX",
        uid,
        True,
    )
    assert clean_dovecot.uids("INBOX") == [uid]
    assert PROCESSED_KEYWORD not in clean_dovecot.flags(uid)


async def test_unread_messages_of_one_size_and_uid_in_two_folders_are_two_messages(
    clean_dovecot: Dovecot, imap_config: ImapConfig, store: SqliteStore
) -> None:
    """Two different oversized messages without a Message-ID, of the same size and UID but in
    different folders, are both recorded for review, not taken for one."""
    clean_dovecot.doveadm("mailbox", "create", "-u", clean_dovecot.user, "One", "Two")
    first, second = with_photo(message_id=b""), with_photo(message_id=b"").replace(b"45", b"50")
    assert clean_dovecot.append_many([first], folder="One") == [1]
    assert clean_dovecot.append_many([second], folder="Two") == [1]
    config = replace(imap_config, max_message_bytes=LIMIT)

    await _poll(store, replace(config, folder="One"))
    await _poll(store, replace(config, folder="Two"))

    assert [(row.folder, row.uid, row.reason) for row in store.review_queue()] == [
        ("One", 1, Reason.TOO_LARGE),
        ("Two", 1, Reason.TOO_LARGE),
    ]
