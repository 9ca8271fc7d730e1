"""ImapMailbox against a real Dovecot: new mail, fetching, marking, IDLE, and every failure.

The first tests are pure: they pin the parsing of aioimaplib's response shapes, as measured
in ../shared/MAIL-SERVERS.md. Run with `-s` to see the measured IDLE wake-up latency.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.replies.mime import header_of
from reminder_service.errors import (
    MailboxError,
    PermanentMailboxError,
    TransientMailboxError,
)
from reminder_service.imap import (
    NOT_CONNECTED,
    PROCESSED_KEYWORD,
    Fetched,
    FetchItem,
    ImapConfig,
    ImapMailbox,
    MailboxState,
    classify_push,
    mailbox_name,
    parse_fetch_lines,
    parse_search_lines,
    parse_uidvalidity,
    sequence_set,
)
from reminder_service.imap_responses import (
    BATCH_BYTES,
    body_batches,
    literal_batch_uids,
    sizes_of,
)
from tests.support.dovecot import HOST, Dovecot, ImapRelay, config_for
from tests.support.smtp_server import free_port

MakeMailbox = Callable[[ImapConfig], ImapMailbox]


def reply(number: int, *, body: str = "We met yesterday, about an hour.") -> bytes:
    """A reply as a mail client sends it: CRLF line ends, 8-bit UTF-8 text."""
    lines = [
        "From: Mentee <mentee@example.test>",
        "To: replies@example.test",
        f"Subject: Re: Time for your check-in ({number})",
        f"Message-ID: <reply-{number}@example.test>",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 8bit",
        "MIME-Version: 1.0",
        "",
        body,
        "Grüße, Ana",
        "",
    ]
    return "\r\n".join(lines).encode()


def assert_secret_free(error: BaseException, secret: str) -> None:
    """The secret appears neither in the error nor in anything chained to it."""
    seen: BaseException | None = error
    while seen is not None:
        assert secret not in str(seen)
        assert secret not in repr(seen)
        seen = seen.__cause__ or seen.__context__


@pytest.fixture
async def make_mailbox() -> AsyncIterator[MakeMailbox]:
    """Build mailboxes that are closed at teardown."""
    made: list[ImapMailbox] = []

    def make(config: ImapConfig) -> ImapMailbox:
        mailbox = ImapMailbox(config)
        made.append(mailbox)
        return mailbox

    yield make
    for mailbox in made:
        await mailbox.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) but never says anything."""
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen(8)
        yield listener.getsockname()[1]


# --- parsing aioimaplib's response shapes (pure) ---


def test_parse_fetch_lines_reads_a_body_literal() -> None:
    """A body arrives as a bytearray right after the line that announced its size."""
    lines: list[bytes | bytearray] = [
        b"7 FETCH (UID 107 FLAGS (\\Recent) BODY[] {137}",
        bytearray(b"x" * 137),
        b")",
        b"8 FETCH (UID 108 BODY[] {3}",
        bytearray(b"abc"),
        b" FLAGS (\\Seen))",
    ]
    assert parse_fetch_lines(lines) == [
        FetchItem(uid=107, body=b"x" * 137),
        FetchItem(uid=108, body=b"abc"),
    ]


def test_parse_fetch_lines_reads_sizes_in_any_item_order() -> None:
    """RFC822.SIZE and UID are found wherever the server puts them."""
    lines = [b"1 FETCH (UID 1 RFC822.SIZE 269)", b"2 FETCH (RFC822.SIZE 272 UID 2)"]
    assert parse_fetch_lines(lines) == [FetchItem(uid=1, size=269), FetchItem(uid=2, size=272)]


def test_a_flag_update_does_not_undo_a_size() -> None:
    """A flag update with the same UID after the size (another client marked the message
    read meanwhile) leaves the size known, so the message is not taken as unreadable."""
    lines = [
        b"1 FETCH (UID 7 RFC822.SIZE 1234)",
        b"1 FETCH (UID 7 FLAGS (\\Seen))",
        b"2 FETCH (UID 8 FLAGS (\\Seen))",
        b"3 FETCH (UID 9 RFC822.SIZE 99)",
    ]
    assert sizes_of(lines, {7, 8}) == {7: 1234, 8: None}


def test_parse_fetch_lines_skips_what_is_not_a_message_of_ours() -> None:
    """Flag updates without a UID, stray lines and text inside a body are not messages."""
    lines: list[bytes | bytearray] = [
        b"3 EXISTS",
        b"5 FETCH (FLAGS (\\Seen))",
        b"6 FETCH (UID 16 BODY[] {29}",
        bytearray(b"UID 999 RFC822.SIZE 1 BODY[] "),
        b")",
    ]
    assert parse_fetch_lines(lines) == [FetchItem(uid=16, body=b"UID 999 RFC822.SIZE 1 BODY[] ")]


def test_parse_search_and_uidvalidity_read_dovecots_shapes() -> None:
    """SEARCH gives b'103 104' (or b'' for nothing); SELECT names UIDVALIDITY in brackets."""
    assert parse_search_lines([b"103 104"]) == [103, 104]
    assert parse_search_lines([b""]) == []
    select = [b"3 EXISTS", b"OK [UIDVALIDITY 1795631357] UIDs valid", b"OK [UIDNEXT 4] x"]
    assert parse_uidvalidity(select) == 1795631357
    assert parse_uidvalidity([b"3 EXISTS"]) is None


def test_sequence_set_joins_runs_into_ranges() -> None:
    """Consecutive UIDs become ranges, whatever the order and repetitions given."""
    assert sequence_set([9, 3, 1, 2, 7, 10, 2]) == "1:3,7,9:10"
    with pytest.raises(ValueError, match="at least one"):
        sequence_set([])


@given(st.sets(st.integers(min_value=1, max_value=10_000), min_size=1))
def test_sequence_set_names_exactly_the_uids(uids: set[int]) -> None:
    """Expanding the sequence set gives back exactly the UIDs it was made from."""
    named: set[int] = set()
    for part in sequence_set(uids).split(","):
        first, _, last = part.partition(":")
        named.update(range(int(first), int(last or first) + 1))
    assert named == uids


def test_message_bytes_are_fetched_in_batches_in_uid_order_within_the_byte_budget() -> None:
    """Each FETCH of message bytes names at most the batch's UIDs, in UID order, and ends
    before BATCH_BYTES."""
    batches = list(body_batches(dict.fromkeys(range(101, 0, -1), 1000), per_batch=25))
    assert [len(batch) for batch in batches] == [25, 25, 25, 25, 1]
    assert [uid for batch in batches for uid in batch] == list(range(1, 102))
    assert list(body_batches({1: BATCH_BYTES - 10, 2: 20, 3: 5}, per_batch=25)) == [[1], [2, 3]]


@pytest.mark.parametrize(
    ("round_trip_s", "expected"),
    [(0.0003, 25), (0.002, 25), (0.0021, 100), (0.040, 100), (None, 100)],
    ids=["same machine", "2 ms", "just over 2 ms", "over the internet", "not measured yet"],
)
def test_a_near_server_gets_short_fetches_a_far_one_fewer_round_trips(
    round_trip_s: float | None, expected: int
) -> None:
    """aioimaplib's cost per response grows with the square of its messages, while each
    FETCH costs a round trip: 25 UIDs a FETCH within 2 ms, else 100."""
    assert literal_batch_uids(round_trip_s) == expected


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("INBOX", '"INBOX"'),
        ("Entwürfe", '"Entw&APw-rfe"'),
        ("日本語", '"&ZeVnLIqe-"'),
        ('Q&A "done"', '"Q&-A \\"done\\""'),
    ],
)
def test_mailbox_name_quotes_and_encodes_in_modified_utf7(folder: str, expected: str) -> None:
    """Folder names are quoted, with & and non-ASCII text encoded as RFC 3501 requires."""
    assert mailbox_name(folder) == expected


@pytest.mark.parametrize(
    ("push", "kind"),
    [
        ([b"1 EXISTS", b"1 RECENT"], "news"),
        ([b"1 RECENT"], "news"),
        ([b"4 EXPUNGE"], "news"),
        ([b"OK Still here"], "keepalive"),
        ([b"BYE Server shutting down."], "goodbye"),
        ([b"2 EXISTS", b"BYE Disconnected for inactivity."], "goodbye"),
    ],
)
def test_classify_push_tells_news_from_keepalives_and_goodbyes(
    push: list[bytes], kind: str
) -> None:
    """Only a push that can mean changed mail wakes the caller; BYE means the line is gone."""
    assert classify_push(push) == kind


# --- finding and fetching mail ---


async def test_open_reports_uidvalidity_and_extensions(
    clean_dovecot: Dovecot, imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """open() selects the folder and says its UIDVALIDITY and whether IDLE and MOVE exist."""
    state = await make_mailbox(imap_config).open()
    assert state == MailboxState(
        uidvalidity=clean_dovecot.uidvalidity(), has_idle=True, has_move=True
    )


async def test_new_uids_lists_only_uids_above_the_watermark(
    clean_dovecot: Dovecot, imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """Only UIDs above `after` come back, even though `n:*` matches the highest UID."""
    uids = clean_dovecot.append_many([reply(n) for n in range(3)])
    mailbox = make_mailbox(imap_config)
    await mailbox.open()
    assert await mailbox.new_uids(after=0) == uids
    assert await mailbox.new_uids(after=uids[0]) == uids[1:]
    assert await mailbox.new_uids(after=uids[-1]) == []


async def test_fetch_returns_exact_bytes_in_uid_order_without_marking_seen(
    clean_dovecot: Dovecot, imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """Messages come back byte for byte, once each, in UID order, and stay unread."""
    raws = [reply(1), reply(2, body="Wir haben uns gestern getroffen.")]
    uids = clean_dovecot.append_many(raws)
    mailbox = make_mailbox(imap_config)
    await mailbox.open()
    fetched = await mailbox.fetch([uids[1], uids[0], uids[1], uids[-1] + 50])
    assert fetched == [
        Fetched(uid=uid, size=len(raw), raw=raw) for uid, raw in zip(uids, raws, strict=True)
    ]
    assert "\\Seen" not in clean_dovecot.flags(uids[0])


async def test_fetch_does_not_download_messages_over_the_size_limit(
    clean_dovecot: Dovecot,
    imap_config: ImapConfig,
    imap_relay: ImapRelay,
    make_mailbox: MakeMailbox,
) -> None:
    """A message over max_message_bytes is reported with its size, its header and raw None,
    its body never downloaded."""
    small, large = reply(1), reply(2, body="\r\n".join(["x" * 76] * 13_000))
    uids = clean_dovecot.append_many([small, large])
    config = replace(imap_config, port=imap_relay.port, max_message_bytes=10_000)
    mailbox = make_mailbox(config)
    await mailbox.open()
    assert await mailbox.fetch(uids) == [
        Fetched(uid=uids[0], size=len(small), raw=small),
        Fetched(uid=uids[1], size=len(large), raw=None, head=header_of(large)),
    ]
    assert imap_relay.server_bytes < 50_000


async def test_a_refused_header_fetch_leaves_an_oversized_message_without_a_header(
    clean_dovecot: Dovecot,
    imap_config: ImapConfig,
    imap_relay: ImapRelay,
    make_mailbox: MakeMailbox,
) -> None:
    """When the server refuses the header of a message over max_message_bytes, the message
    is still reported (head None) and the connection is kept."""
    uids = clean_dovecot.append_many([reply(1, body="\r\n".join(["x" * 76] * 13_000))])
    mailbox = make_mailbox(replace(imap_config, port=imap_relay.port, max_message_bytes=10_000))
    await mailbox.open()
    imap_relay.hold_after(b"OK Fetch completed")
    fetching = asyncio.create_task(mailbox.fetch(uids))
    await imap_relay.holding()
    imap_relay.rewrite(b"OK Fetch completed", b"NO Fetch refused")
    imap_relay.release()
    [fetched] = await asyncio.wait_for(fetching, timeout=10)
    assert (fetched.raw, fetched.head) == (None, None)
    assert await mailbox.new_uids(after=0) == uids


async def test_new_uids_measures_how_far_the_server_is_until_the_next_open(
    clean_dovecot: Dovecot, imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """The round trip that sizes fetches is the quickest NOOP since the connection opened."""
    mailbox = make_mailbox(imap_config)
    await mailbox.open()
    assert mailbox.round_trip_s is None
    await mailbox.new_uids(after=0)
    first = mailbox.round_trip_s
    assert first is not None
    assert 0 < first < imap_config.command_timeout_s
    await mailbox.new_uids(after=0)
    second = mailbox.round_trip_s
    assert second is not None
    assert second <= first
    await mailbox.open()
    assert mailbox.round_trip_s is None


async def test_fetch_reads_two_thousand_messages_in_batches(
    clean_dovecot: Dovecot, imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """A mailbox of 2,000 messages is listed and fetched whole, without crashing the reader."""
    raws = [reply(n) for n in range(2000)]
    clean_dovecot.append_many(raws)
    mailbox = make_mailbox(imap_config)
    await mailbox.open()
    started = time.monotonic()
    fetched = await mailbox.fetch(await mailbox.new_uids(after=0))
    elapsed = time.monotonic() - started
    print(f"\n2,000 messages listed and fetched in {elapsed * 1000:.0f} ms")
    assert [message.raw for message in fetched] == raws


# --- marking handled mail ---


async def test_mark_processed_adds_the_keyword_and_leaves_the_rest(
    clean_dovecot: Dovecot, imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """Without a processed folder, handled messages stay put and get $ReminderProcessed."""
    uids = clean_dovecot.append_many([reply(n) for n in range(3)])
    mailbox = make_mailbox(imap_config)
    await mailbox.open()
    await mailbox.mark_processed(uids[:2])
    assert [PROCESSED_KEYWORD in clean_dovecot.flags(uid) for uid in uids] == [True, True, False]
    assert clean_dovecot.uids() == uids


async def test_mark_processed_moves_to_the_processed_folder_it_created(
    clean_dovecot: Dovecot, imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """open() creates the processed folder; handled messages move there, others stay."""
    folder = "Réponses traitées"
    uids = clean_dovecot.append_many([reply(n) for n in range(3)])
    mailbox = make_mailbox(replace(imap_config, processed_folder=folder))
    await mailbox.open()
    assert folder in clean_dovecot.folders()
    await mailbox.mark_processed(uids[:2])
    assert clean_dovecot.uids() == uids[2:]
    assert clean_dovecot.folder_count(folder) == 2


async def test_without_move_mark_processed_expunges_only_the_copied_messages(
    basic_dovecot: Dovecot, make_mailbox: MakeMailbox
) -> None:
    """Without MOVE: COPY, then UID EXPUNGE of just those; other deleted mail stays."""
    uids = basic_dovecot.append_many([reply(n) for n in range(3)])
    someone_elses = uids[2]
    basic_dovecot.doveadm(
        "flags", "add", "-u", basic_dovecot.user, "\\Deleted", "mailbox", "INBOX",
        "uid", str(someone_elses),
    )  # fmt: skip
    mailbox = make_mailbox(config_for(basic_dovecot, processed_folder="Done"))
    state = await mailbox.open()
    assert (state.has_idle, state.has_move) == (False, False)
    await mailbox.mark_processed(uids[:2])
    assert basic_dovecot.uids() == [someone_elses]
    assert basic_dovecot.folder_count("Done") == 2


# --- waiting for news ---


async def test_wait_for_news_wakes_when_mail_is_delivered(
    clean_dovecot: Dovecot,
    imap_config: ImapConfig,
    imap_relay: ImapRelay,
    make_mailbox: MakeMailbox,
) -> None:
    """A delivery during IDLE ends the wait well before idle_renew_s; the link stays usable."""
    mailbox = make_mailbox(replace(imap_config, port=imap_relay.port, idle_renew_s=30))
    await mailbox.open()
    waiting = asyncio.create_task(mailbox.wait_for_news(stop=asyncio.Event()))
    await imap_relay.server_said(b"+ idling")
    delivered = time.monotonic()
    await asyncio.to_thread(clean_dovecot.deliver, reply(1))
    await asyncio.wait_for(waiting, timeout=5)
    latency = time.monotonic() - delivered
    print(f"\nIDLE woke {latency * 1000:.0f} ms after the LMTP delivery")
    assert latency < 3
    assert len(await mailbox.new_uids(after=0)) == 1


async def test_wait_for_news_wakes_for_mail_that_came_just_before_idle(
    clean_dovecot: Dovecot, imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """Mail delivered between the search and the IDLE still wakes the wait at once."""
    mailbox = make_mailbox(replace(imap_config, idle_renew_s=30))
    await mailbox.open()
    assert await mailbox.new_uids(after=0) == []
    clean_dovecot.deliver(reply(1))
    await asyncio.wait_for(mailbox.wait_for_news(stop=asyncio.Event()), timeout=5)
    assert len(await mailbox.new_uids(after=0)) == 1


async def test_wait_for_news_returns_promptly_when_stopped(
    imap_config: ImapConfig, imap_relay: ImapRelay, make_mailbox: MakeMailbox
) -> None:
    """Setting `stop` ends the IDLE (DONE) at once, and the connection stays usable."""
    mailbox = make_mailbox(replace(imap_config, port=imap_relay.port, idle_renew_s=30))
    await mailbox.open()
    stop = asyncio.Event()
    waiting = asyncio.create_task(mailbox.wait_for_news(stop=stop))
    await imap_relay.server_said(b"+ idling")
    stop.set()
    await asyncio.wait_for(waiting, timeout=1)
    assert await mailbox.new_uids(after=0) == []


async def test_wait_for_news_renews_idle_after_idle_renew_s(
    imap_config: ImapConfig, imap_relay: ImapRelay, make_mailbox: MakeMailbox
) -> None:
    """Without news the wait ends after idle_renew_s, and the next one starts a new IDLE."""
    mailbox = make_mailbox(replace(imap_config, port=imap_relay.port, idle_renew_s=0.2))
    await mailbox.open()
    for _ in range(2):
        await asyncio.wait_for(mailbox.wait_for_news(stop=asyncio.Event()), timeout=2)
    await imap_relay.server_said(b"+ idling", times=2)


async def test_without_idle_wait_for_news_waits_poll_s_or_until_stop(
    basic_dovecot: Dovecot, make_mailbox: MakeMailbox
) -> None:
    """A server without IDLE is polled: the wait lasts poll_s, or ends when stopped."""
    mailbox = make_mailbox(config_for(basic_dovecot, poll_s=0.2, idle_renew_s=30))
    await mailbox.open()
    started = time.monotonic()
    await asyncio.wait_for(mailbox.wait_for_news(stop=asyncio.Event()), timeout=2)
    assert time.monotonic() - started >= 0.2
    stop = asyncio.Event()
    waiting = asyncio.create_task(mailbox.wait_for_news(stop=stop))
    stop.set()
    await asyncio.wait_for(waiting, timeout=0.1)


# --- the server going away ---


async def test_server_dropping_the_connection_mid_idle_is_transient(
    clean_dovecot: Dovecot,
    imap_config: ImapConfig,
    imap_relay: ImapRelay,
    make_mailbox: MakeMailbox,
) -> None:
    """A kick during IDLE raises TransientMailboxError at once, not at a timeout."""
    config = replace(imap_config, port=imap_relay.port, command_timeout_s=2, idle_renew_s=30)
    mailbox = make_mailbox(config)
    await mailbox.open()
    waiting = asyncio.create_task(mailbox.wait_for_news(stop=asyncio.Event()))
    await imap_relay.server_said(b"+ idling")
    await asyncio.to_thread(clean_dovecot.kick)
    with pytest.raises(TransientMailboxError, match="closed the connection") as error:
        await asyncio.wait_for(waiting, timeout=config.command_timeout_s)
    assert_secret_free(error.value, imap_config.password)
    with pytest.raises(TransientMailboxError, match=NOT_CONNECTED):
        await mailbox.new_uids(after=0)


async def test_a_kick_while_the_client_is_away_drops_it_once_it_is_back(
    clean_dovecot: Dovecot,
    imap_config: ImapConfig,
    make_mailbox: MakeMailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A kick that finds nobody logged in (the client is between connections) waits for the
    client to log in and drops it, instead of failing with "no users kicked"."""
    clean_dovecot.drop_sessions()
    tried = threading.Event()
    doveadm = clean_dovecot.doveadm

    def doveadm_noting_the_first_try(*args: str) -> str:
        try:
            return doveadm(*args)
        finally:
            tried.set()

    monkeypatch.setattr(clean_dovecot, "doveadm", doveadm_noting_the_first_try)
    kicking = asyncio.create_task(asyncio.to_thread(clean_dovecot.kick))
    await asyncio.to_thread(tried.wait)
    mailbox = make_mailbox(imap_config)
    await mailbox.open()
    await kicking
    with pytest.raises(TransientMailboxError, match="closed the connection"):
        await asyncio.wait_for(
            mailbox.wait_for_news(stop=asyncio.Event()), timeout=imap_config.command_timeout_s
        )


async def test_server_dropping_the_connection_mid_fetch_is_transient_and_reopen_works(
    clean_dovecot: Dovecot,
    imap_config: ImapConfig,
    imap_relay: ImapRelay,
    make_mailbox: MakeMailbox,
) -> None:
    """A kick while a large fetch is under way raises TransientMailboxError; open() recovers."""
    raws = [reply(n) for n in range(300)]
    uids = clean_dovecot.append_many(raws)
    mailbox = make_mailbox(replace(imap_config, port=imap_relay.port, command_timeout_s=2))
    await mailbox.open()
    imap_relay.hold_after(b"BODY[] {")
    fetching = asyncio.create_task(mailbox.fetch(uids))
    await imap_relay.holding()
    await asyncio.to_thread(clean_dovecot.kick)
    imap_relay.release()
    with pytest.raises(TransientMailboxError):
        await asyncio.wait_for(fetching, timeout=2)
    await mailbox.open()
    assert [message.raw for message in await mailbox.fetch(uids)] == raws


async def test_reopening_after_a_uidvalidity_change_reports_the_new_value(
    clean_dovecot: Dovecot, imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """A new UIDVALIDITY (the folder was rebuilt) shows on the next open()."""
    mailbox = make_mailbox(imap_config)
    before = await mailbox.open()
    await mailbox.close()
    changed = clean_dovecot.change_uidvalidity()
    after = await mailbox.open()
    assert (before.uidvalidity != changed, after.uidvalidity) == (True, changed)


async def test_close_never_raises_even_when_the_server_is_gone(
    clean_dovecot: Dovecot, imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """close() after the server dropped us, or before any open(), just returns."""
    never_opened = make_mailbox(imap_config)
    await never_opened.close()
    mailbox = make_mailbox(imap_config)
    await mailbox.open()
    clean_dovecot.kick()
    await mailbox.close()
    with pytest.raises(TransientMailboxError, match=NOT_CONNECTED):
        await mailbox.fetch([1])


# --- TLS, login and configuration failures ---


async def test_tls_with_the_trusted_ca_works(
    clean_dovecot: Dovecot, make_mailbox: MakeMailbox
) -> None:
    """Implicit TLS with the deployment's CA file verifies the server and works."""
    uids = clean_dovecot.append_many([reply(1)])
    mailbox = make_mailbox(config_for(clean_dovecot, tls=True))
    await mailbox.open()
    assert await mailbox.new_uids(after=0) == uids


async def test_an_untrusted_certificate_is_permanent(
    untrusted_dovecot: Dovecot, make_mailbox: MakeMailbox
) -> None:
    """A certificate from an unknown CA is refused, naming the certificate."""
    config = config_for(untrusted_dovecot, tls=True, ca_file=None)
    with pytest.raises(PermanentMailboxError, match="certificate that is not trusted") as error:
        await make_mailbox(config).open()
    assert_secret_free(error.value, config.password)


async def test_tls_against_a_plain_port_is_permanent(
    clean_dovecot: Dovecot, make_mailbox: MakeMailbox
) -> None:
    """Speaking TLS to a plain IMAP port fails at once with a hint about the settings."""
    config = config_for(clean_dovecot, tls=True, port=clean_dovecot.imap_port)
    with pytest.raises(PermanentMailboxError, match="REMINDER_IMAP__SECURITY"):
        await make_mailbox(config).open()


async def test_a_wrong_password_is_permanent_and_never_quoted(
    imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """A refused login is permanent, names the user, and never shows the password."""
    wrong = "N0t-the-Passw0rd"
    config = replace(imap_config, password=wrong)
    with pytest.raises(PermanentMailboxError, match="refused the login") as error:
        await make_mailbox(config).open()
    assert config.username in str(error.value)
    assert_secret_free(error.value, wrong)
    assert wrong not in repr(config)


async def test_a_missing_folder_is_permanent(
    imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """Selecting a folder that does not exist needs the operator."""
    config = replace(imap_config, folder="Mentoring replies")
    with pytest.raises(PermanentMailboxError, match="REMINDER_IMAP__FOLDER") as error:
        await make_mailbox(config).open()
    assert_secret_free(error.value, config.password)


async def test_nothing_listening_is_transient(
    imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """A refused connection is worth retrying later, in the system's words."""
    config = replace(imap_config, port=free_port())
    with pytest.raises(TransientMailboxError, match="Could not talk to") as error:
        await make_mailbox(config).open()
    assert_secret_free(error.value, config.password)
    assert str(error.value).endswith(": Connection refused.")


async def test_a_server_that_never_answers_times_out_as_transient(
    imap_config: ImapConfig, silent_port: int, make_mailbox: MakeMailbox
) -> None:
    """No greeting within command_timeout_s is a transient error with a settings hint."""
    config = replace(imap_config, port=silent_port, command_timeout_s=0.3)
    started = time.monotonic()
    with pytest.raises(TransientMailboxError, match=r"within 0\.3 seconds"):
        await make_mailbox(config).open()
    assert time.monotonic() - started < 2


async def test_methods_before_open_ask_for_a_reconnect(
    imap_config: ImapConfig, make_mailbox: MakeMailbox
) -> None:
    """Using a mailbox that is not open raises the error that leads to open()."""
    mailbox = make_mailbox(imap_config)
    for call in (
        mailbox.new_uids(after=0),
        mailbox.fetch([1]),
        mailbox.mark_processed([1]),
        mailbox.wait_for_news(stop=asyncio.Event()),
    ):
        with pytest.raises(MailboxError, match=NOT_CONNECTED):
            await call
