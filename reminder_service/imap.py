"""The reply-mailbox adapter: finds new messages in an IMAP folder, fetches them, marks them.

The intake loop drives it: `open()`, then over and over `new_uids(after=watermark)`,
`fetch()`, record, `mark_processed()`, `wait_for_news()`, and `close()` at the end. Any
failure drops the connection and raises a MailboxError: after a TransientMailboxError the
caller waits (capped, jittered: `core.retry.retry_delay`) and calls `open()` again, on this
object or a new one (`open()` always starts from a fresh connection); a
PermanentMailboxError needs the operator (login refused, certificate not trusted, folder
missing).

aioimaplib 2.0.3 needs care (../shared/MAIL-SERVERS.md), and this module is where it lives,
with imap_link.py for the connection itself:

* A dropped connection never fails a pending command, so every command races an event set
  when the socket closes, and runs under `command_timeout_s`.
* It parses each network read recursively, line by line, and large responses overflow the
  stack; so FETCH, STORE, COPY and MOVE name at most 100 UIDs at a time.
* It drops untagged EXISTS that arrive during other commands; so a push during IDLE is only
  a wake-up, and new mail is always found with NOOP and UID SEARCH from the watermark.
* Its IDLE push queue outlives each IDLE; so it is emptied before each IDLE begins.

The password goes only into LOGIN (aioimaplib masks it in its debug log) and is never part
of an error message.

Around this module: imap_config.py holds ImapConfig, imap_responses.py the pure parsing of
responses, imap_failures.py the wording of errors; the names tests use are re-exported here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from reminder_service.errors import (
    ConfigError,
    MailboxError,
    PermanentMailboxError,
    TransientMailboxError,
)
from reminder_service.failure_words import as_sentence
from reminder_service.imap_config import ImapConfig, Security
from reminder_service.imap_failures import CONNECTING, refusal, server_address, translate
from reminder_service.imap_link import Link, until_news
from reminder_service.imap_responses import (
    BATCH_UIDS,
    FetchItem,
    Reply,
    body_batches,
    chunks,
    classify_push,
    literal_batch_uids,
    mailbox_name,
    parse_fetch_lines,
    parse_search_lines,
    parse_uidvalidity,
    quoted,
    sequence_set,
    sizes_of,
)
from reminder_service.passwords import Password
from reminder_service.tls import server_context

__all__ = [
    "NOT_CONNECTED",
    "PROCESSED_KEYWORD",
    "FetchItem",
    "Fetched",
    "ImapConfig",
    "ImapMailbox",
    "MailboxState",
    "Security",
    "classify_push",
    "mailbox_name",
    "parse_fetch_lines",
    "parse_search_lines",
    "parse_uidvalidity",
    "sequence_set",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

PROCESSED_KEYWORD = "$ReminderProcessed"
LOGOUT_TIMEOUT_S = 2.0
MAX_HEAD_BYTES = 64 * 1024
"""How much of an oversized message's header is downloaded, to say who sent it."""
NOT_CONNECTED = "The reply mailbox is not connected; it will be opened again."


@dataclass(frozen=True, slots=True)
class MailboxState:
    """What `open()` learned: the folder's UIDVALIDITY and what the server supports."""

    uidvalidity: int
    has_idle: bool
    has_move: bool


@dataclass(frozen=True, slots=True)
class Fetched:
    """One message: its UID, its size, and its bytes (None when larger than allowed, or
    when `unreadable`: the server's answer for it could not be read, its size then 0 if
    unknown). `head` is the header (at most MAX_HEAD_BYTES of it) of a message too large
    to download, when the server gave it."""

    uid: int
    size: int
    raw: bytes | None = field(repr=False)
    unreadable: bool = False
    head: bytes | None = field(default=None, repr=False)


def mailboxes(config: ImapConfig) -> Callable[[], ImapMailbox]:
    """A maker of connections to the reply folder that share one TLS context, for the
    daemon's reconnects: the settings (folders, CA file) are checked here, at start, and
    the system's certificate authorities are read once. They share one password, so a
    refused login has the next connection read it again."""
    _check_folders(config)
    return partial(ImapMailbox, config, tls=_tls_context(config), password=_password(config))


class ImapMailbox:
    """One connection to the reply folder; see the module docstring for how to drive it.

    Not for concurrent use: one task calls its methods, one at a time.
    """

    def __init__(
        self,
        config: ImapConfig,
        *,
        tls: ssl.SSLContext | None = None,
        password: Password | None = None,
    ) -> None:
        """`tls` and `password`: the TLS context and password to use (see `mailboxes`); by
        default the mailbox builds its own."""
        _check_folders(config)
        self._config = config
        self._password = password or _password(config)
        self._tls_context = tls or _tls_context(config)
        self._link: Link | None = None
        self._round_trip_s: float | None = None

    @property
    def round_trip_s(self) -> float | None:
        """How far the server is: the quickest NOOP of `new_uids` on this connection, in
        seconds (None before the first); `fetch` sizes its batches to it."""
        return self._round_trip_s

    async def open(self) -> MailboxState:
        """Connect, log in, make sure the processed folder exists, and select the folder."""
        self._drop()
        link = self._link = Link(self._config, self._tls_context)
        self._round_trip_s = None
        await self._call(link, CONNECTING, link.client.wait_hello_from_server())
        await self._log_in(link)
        await self._call(link, "asking what the server supports", link.protocol.capability())
        link.learn_capabilities()
        if self._config.processed_folder is not None:
            await self._ensure_folder(link, self._config.processed_folder)
        uidvalidity = await self._select(link)
        state = MailboxState(
            uidvalidity=uidvalidity,
            has_idle=link.supports("IDLE"),
            has_move=link.supports("MOVE"),
        )
        logger.debug("reply mailbox %s selected: %s", self._config.folder, state)
        return state

    async def new_uids(self, *, after: int) -> list[int]:
        """The UIDs above `after` in the folder, ascending."""
        if after < 0:
            raise ValueError("the watermark `after` is a UID, 0 before the first message")
        link = self._require()
        started = time.perf_counter()
        await self._ok(link, "checking for new mail", link.client.noop())
        round_trip_s = time.perf_counter() - started
        if self._round_trip_s is None or round_trip_s < self._round_trip_s:
            self._round_trip_s = round_trip_s
        reply = await self._ok(
            link,
            "searching for new mail",
            link.client.uid_search(f"UID {after + 1}:*", charset=None),
        )
        # `n:*` always matches the highest UID, even when it is below n.
        return sorted({uid for uid in parse_search_lines(reply.data) if uid > after})

    async def fetch(self, uids: Sequence[int]) -> list[Fetched]:
        """The messages with these UIDs, in UID order; raw is None above max_message_bytes.

        Sizes are asked first, so an oversized message is never downloaded: only the start
        of its header is, to say who sent it and what about. A UID the
        server says nothing about (no longer in the folder) is left out; one whose size or
        bytes did not come back in a form this reads (or that was expunged between the two)
        is logged and returned as unreadable, so the caller records it for review. Pass a
        modest number of UIDs (the intake loop passes 100): every fetched message is held
        in memory. The bytes come in batches sized to how far the server is, as the
        quickest `new_uids` on this connection measured it (`literal_batch_uids`).
        """
        link = self._require()
        sizes = await self._sizes(link, sorted(set(uids)))
        limit = self._config.max_message_bytes
        readable: dict[int, int] = {}
        oversized: dict[int, int] = {}
        for uid, size in sizes.items():
            if size is not None and size > limit:
                oversized[uid] = size
            elif size is not None:
                readable[uid] = size
        bodies = await self._bodies(link, readable)
        heads = await self._heads(link, list(oversized))
        fetched = [
            Fetched(uid=uid, size=size, raw=None, head=heads.get(uid))
            for uid, size in oversized.items()
        ]
        fetched.extend(
            self._fetched(uid, size, bodies.get(uid))
            for uid, size in sizes.items()
            if uid not in oversized
        )
        return sorted(fetched, key=lambda message: message.uid)

    def _fetched(self, uid: int, size: int | None, body: bytes | None) -> Fetched:
        """A message not over the size limit: its bytes, or unreadable when they are missing."""
        if size is None or body is None:
            logger.warning(
                "message UID %d in %s could not be read (the server's answer for it was "
                "incomplete, or it was deleted meanwhile); it is listed for review as unreadable "
                "and will not be read again, so look at it in a mail client",
                uid,
                self._config.folder,
            )
            return Fetched(uid=uid, size=size or 0, raw=None, unreadable=True)
        return Fetched(uid=uid, size=size, raw=body)

    async def mark_processed(self, uids: Sequence[int]) -> None:
        """Move the messages to the processed folder, or else flag them $ReminderProcessed.

        Without MOVE the move is COPY, \\Deleted and UID EXPUNGE of exactly these UIDs
        (UIDPLUS); a server with neither gets the keyword, so that nothing else in the
        folder is ever expunged.
        """
        link = self._require()
        folder = self._config.processed_folder
        for batch in chunks(sorted(set(uids)), BATCH_UIDS):
            uid_set = sequence_set(batch)
            if folder is not None and link.supports("MOVE"):
                await self._move(link, uid_set, folder)
            elif folder is not None and link.supports("UIDPLUS"):
                await self._copy_and_expunge(link, uid_set, folder)
            else:
                await self._add_flag(link, uid_set, PROCESSED_KEYWORD)

    async def wait_for_news(self, *, stop: asyncio.Event) -> None:
        """Return when the folder may have changed, when `stop` is set, or after idle_renew_s.

        With IDLE the server's push wakes it (and DONE ends the IDLE before returning);
        without IDLE it waits poll_s. Either way it never waits longer than idle_renew_s,
        and the caller looks for new mail with `new_uids` afterwards.
        """
        link = self._require()
        if stop.is_set():
            return
        if link.supports("IDLE"):
            await self._idle(link, stop)
        else:
            wait_s = min(self._config.poll_s, self._config.idle_renew_s)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait_s):
                    await stop.wait()

    async def close(self) -> None:
        """Log out (briefly) and drop the connection; never raises."""
        link = self._link
        if link is None:
            return
        try:
            if not link.lost.is_set():
                async with asyncio.timeout(min(LOGOUT_TIMEOUT_S, self._config.command_timeout_s)):
                    await link.run(link.client.logout())
        except Exception:
            logger.debug("LOGOUT failed; closing the IMAP connection anyway", exc_info=True)
        finally:
            self._drop()

    async def _log_in(self, link: Link) -> None:
        config = self._config
        password = self._password.current() or ""
        reply = await self._reply(
            link, "logging in", link.client.login(quoted(config.username), password)
        )
        if reply.result != "OK":
            self._password.refused()
            self._drop()
            raise refusal(
                reply,
                f"The reply mailbox at {server_address(config)} refused the login for "
                f"{config.username}: {as_sentence(reply.text)} Check REMINDER_IMAP__USERNAME and "
                "REMINDER_IMAP__PASSWORD.",
            )

    async def _ensure_folder(self, link: Link, folder: str) -> None:
        """Create `folder` (and subscribe to it, so mail clients show it) unless it exists."""
        name = mailbox_name(folder)
        status = await self._reply(
            link, f"looking for {folder}", link.client.status(name, "(MESSAGES)")
        )
        if status.result == "OK":
            return
        created = await self._reply(link, f"creating {folder}", link.client.create(name))
        if created.result != "OK":
            self._drop()
            raise refusal(
                created,
                f"The reply mailbox at {server_address(self._config)} would not create the folder "
                f"{folder!r} for handled replies: {as_sentence(created.text)} Create it by hand,"
                " or check REMINDER_IMAP__PROCESSED_FOLDER.",
            )
        await self._reply(link, f"subscribing to {folder}", link.client.subscribe(name))

    async def _select(self, link: Link) -> int:
        folder = self._config.folder
        reply = await self._reply(
            link, f"opening {folder}", link.client.select(mailbox_name(folder))
        )
        if reply.result != "OK":
            self._drop()
            raise refusal(
                reply,
                f"The reply mailbox at {server_address(self._config)} would not open the folder "
                f"{folder!r}: {as_sentence(reply.text)} Check REMINDER_IMAP__FOLDER.",
            )
        uidvalidity = parse_uidvalidity(reply.lines)
        if uidvalidity is None:
            self._drop()
            raise PermanentMailboxError(
                f"The reply mailbox at {server_address(self._config)} did not say the folder's "
                "UIDVALIDITY, so this service cannot tell new messages from old ones."
            )
        return uidvalidity

    async def _sizes(self, link: Link, uids: Sequence[int]) -> dict[int, int | None]:
        """The size of each UID the server answered for; None where it could not be read."""
        sizes: dict[int, int | None] = {}
        for batch in chunks(uids, BATCH_UIDS):
            reply = await self._ok(
                link,
                "asking the size of new messages",
                link.client.uid("fetch", sequence_set(batch), "(UID RFC822.SIZE)"),
            )
            sizes.update(sizes_of(reply.data, set(batch)))
        return sizes

    async def _bodies(self, link: Link, sizes: dict[int, int]) -> dict[int, bytes]:
        bodies: dict[int, bytes] = {}
        for batch in body_batches(sizes, per_batch=literal_batch_uids(self.round_trip_s)):
            reply = await self._ok(
                link,
                "downloading new messages",
                link.client.uid("fetch", sequence_set(batch), "BODY.PEEK[]"),
            )
            bodies.update(_literals_of(reply, batch))
        return bodies

    async def _heads(self, link: Link, uids: Sequence[int]) -> dict[int, bytes]:
        """The start of each message's header, without its body, nor the \\Seen flag.

        Only a courtesy for the review queue: a server that refuses it (NO or BAD) leaves
        those messages without a header rather than failing the whole fetch.
        """
        heads: dict[int, bytes] = {}
        for batch in chunks(sorted(uids), literal_batch_uids(self.round_trip_s)):
            reply = await self._reply(
                link,
                "sending the header of messages too large to read",
                link.client.uid(
                    "fetch", sequence_set(batch), f"BODY.PEEK[HEADER]<0.{MAX_HEAD_BYTES}>"
                ),
            )
            if reply.result == "OK":
                heads.update(_literals_of(reply, batch))
            else:
                logger.warning(
                    "the reply mailbox refused to send the header of messages %s in %s (%s); "
                    "they are listed for review without sender or subject",
                    sequence_set(batch),
                    self._config.folder,
                    reply.text,
                )
        return heads

    async def _move(self, link: Link, uid_set: str, folder: str) -> None:
        await self._ok(
            link,
            f"moving handled replies to {folder}",
            link.client.uid("move", uid_set, mailbox_name(folder)),
        )

    async def _copy_and_expunge(self, link: Link, uid_set: str, folder: str) -> None:
        await self._ok(
            link,
            f"copying handled replies to {folder}",
            link.client.uid("copy", uid_set, mailbox_name(folder)),
        )
        await self._add_flag(link, uid_set, "\\Deleted")
        await self._ok(link, "removing copied replies", link.client.uid("expunge", uid_set))

    async def _add_flag(self, link: Link, uid_set: str, flag: str) -> None:
        await self._ok(
            link,
            "marking handled replies",
            link.client.uid("store", uid_set, "+FLAGS.SILENT", f"({flag})"),
        )

    async def _idle(self, link: Link, stop: asyncio.Event) -> None:
        config = self._config
        link.forget_pushes()
        idle = await self._call(
            link,
            "starting to wait for new mail",
            link.client.idle_start(timeout=config.idle_renew_s + config.command_timeout_s),
        )
        with self._dropping_on_error("waiting for new mail"):
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(config.idle_renew_s):
                    await until_news(link, stop)
            link.client.idle_done()
        await self._ok(link, "ending the wait for new mail", idle)

    def _require(self) -> Link:
        if self._link is None:
            raise TransientMailboxError(NOT_CONNECTED)
        return self._link

    async def _ok(self, link: Link, what: str, operation: Awaitable[Any]) -> Reply:
        """Run a command that must succeed; a NO or BAD drops the connection."""
        reply = await self._reply(link, what, operation)
        if reply.result != "OK":
            self._drop()
            raise TransientMailboxError(
                f"The reply mailbox at {server_address(self._config)} refused {what}: {reply.text}"
            )
        return reply

    async def _reply(self, link: Link, what: str, operation: Awaitable[Any]) -> Reply:
        response = await self._call(link, what, operation)
        return Reply(result=str(response.result), lines=list(response.lines))

    async def _call(self, link: Link, what: str, operation: Awaitable[T]) -> T:
        """Await one command under the timeout; on any failure drop the connection."""
        with self._dropping_on_error(what):
            async with asyncio.timeout(self._config.command_timeout_s):
                return await link.run(operation)

    @contextlib.contextmanager
    def _dropping_on_error(self, what: str) -> Iterator[None]:
        try:
            yield
        except MailboxError:
            self._drop()
            raise
        except Exception as exc:
            self._drop()
            raise translate(exc, what=what, config=self._config) from exc
        except BaseException:
            self._drop()
            raise

    def _drop(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            link.abort()


def _check_folders(config: ImapConfig) -> None:
    """ConfigError unless replies are moved, if at all, to a folder of their own."""
    if config.processed_folder == config.folder:
        raise ConfigError(
            "REMINDER_IMAP__PROCESSED_FOLDER must name a different folder than "
            "REMINDER_IMAP__FOLDER, or be left empty."
        )


def _password(config: ImapConfig) -> Password:
    return Password(
        config.password, reread=config.reread_password, setting="REMINDER_IMAP__PASSWORD"
    )


def _tls_context(config: ImapConfig) -> ssl.SSLContext | None:
    return server_context(config.security, config.ca_file, server="The reply mailbox")


def _literals_of(reply: Reply, batch: Sequence[int]) -> dict[int, bytes]:
    """The message bytes in a FETCH reply, by UID, for the UIDs of `batch` only."""
    wanted = set(batch)
    return {
        fetched.uid: fetched.body
        for fetched in parse_fetch_lines(reply.data)
        if fetched.uid in wanted and fetched.body is not None
    }
