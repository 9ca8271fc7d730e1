"""The reply-mailbox adapter: finds new messages in an IMAP folder, fetches them, marks them.

The intake loop drives it: `open()`, then over and over `new_uids(after=watermark)`,
`fetch()`, record, `mark_processed()`, `wait_for_news()`, and `close()` at the end. Any
failure drops the connection and raises a MailboxError: after a TransientMailboxError the
caller waits (capped, jittered: `core.retry.retry_delay`) and calls `open()` again, on this
object or a new one (`open()` always starts from a fresh connection); a
PermanentMailboxError needs the operator (login refused, certificate not trusted, folder
missing).

aioimaplib 2.0.3 needs care (../shared/MAIL-SERVERS.md), and this module is where it lives:

* A dropped connection never fails a pending command, so every command races an event set
  when the socket closes, and runs under `command_timeout_s`.
* It parses each network read recursively, line by line, and large responses overflow the
  stack; so FETCH, STORE, COPY and MOVE name at most 100 UIDs at a time.
* It drops untagged EXISTS that arrive during other commands; so a push during IDLE is only
  a wake-up, and new mail is always found with NOOP and UID SEARCH from the watermark.
* Its IDLE push queue outlives each IDLE; so it is emptied before each IDLE begins.

The password goes only into LOGIN (aioimaplib masks it in its debug log) and is never part
of an error message.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import re
import ssl
from collections.abc import Awaitable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal, TypeVar

import aioimaplib

from reminder_service.errors import (
    ConfigError,
    MailboxError,
    PermanentMailboxError,
    TransientMailboxError,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")
Security = Literal["tls", "none"]
Line = bytes | bytearray
PushKind = Literal["news", "keepalive", "goodbye"]

BATCH_UIDS = 100
BATCH_BYTES = 16 * 1024 * 1024
PROCESSED_KEYWORD = "$ReminderProcessed"
LOGOUT_TIMEOUT_S = 2.0
CONNECTING = "connecting"
NOT_CONNECTED = "The reply mailbox is not connected; it will be opened again."
TEMPORARY_CODES = (b"[UNAVAILABLE]", b"[INUSE]", b"[LIMIT]")

_FETCH_START = re.compile(rb"\d+ FETCH \(")
_FETCH_UID = re.compile(rb"\bUID (\d+)")
_FETCH_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_BODY_LITERAL = re.compile(rb"\bBODY\[\] \{\d+\}$")
_UIDVALIDITY = re.compile(rb"\[UIDVALIDITY (\d+)\]")


@dataclass(frozen=True, slots=True)
class ImapConfig:
    """Where the reply mailbox is, how to log in, and how patiently to talk to it.

    `ca_file` is a certificate authority to trust on top of the system's ones. With
    `processed_folder`, handled messages are moved there (it is created when missing);
    without it they stay in `folder` and get the $ReminderProcessed keyword. `idle_renew_s`
    bounds one IDLE: servers may end an IDLE after 30 minutes, and NAT boxes sooner.
    """

    host: str
    port: int
    security: Security
    username: str
    password: str = field(repr=False)
    ca_file: Path | None = None
    folder: str = "INBOX"
    processed_folder: str | None = None
    poll_s: float = 60.0
    max_message_bytes: int = 5 * 1024 * 1024
    command_timeout_s: float = 30.0
    idle_renew_s: float = 540.0


@dataclass(frozen=True, slots=True)
class MailboxState:
    """What `open()` learned: the folder's UIDVALIDITY and what the server supports."""

    uidvalidity: int
    has_idle: bool
    has_move: bool


@dataclass(frozen=True, slots=True)
class Fetched:
    """One message: its UID, its size, and its bytes (None when larger than allowed)."""

    uid: int
    size: int
    raw: bytes | None = field(repr=False)


@dataclass(frozen=True, slots=True)
class FetchItem:
    """What one FETCH response line group says about a message; absent items are None."""

    uid: int
    size: int | None = None
    body: bytes | None = field(default=None, repr=False)


class ImapMailbox:
    """One connection to the reply folder; see the module docstring for how to drive it.

    Not for concurrent use: one task calls its methods, one at a time.
    """

    def __init__(self, config: ImapConfig) -> None:
        if config.processed_folder == config.folder:
            raise ConfigError(
                "REMINDER_IMAP__PROCESSED_FOLDER must name a different folder than "
                "REMINDER_IMAP__FOLDER, or be left empty."
            )
        self._config = config
        self._tls_context = _tls_context(config)
        self._link: _Link | None = None

    async def open(self) -> MailboxState:
        """Connect, log in, make sure the processed folder exists, and select the folder."""
        self._drop()
        link = self._link = _Link(self._config, self._tls_context)
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
        await self._ok(link, "checking for new mail", link.client.noop())
        reply = await self._ok(
            link,
            "searching for new mail",
            link.client.uid_search(f"UID {after + 1}:*", charset=None),
        )
        # `n:*` always matches the highest UID, even when it is below n.
        return sorted({uid for uid in parse_search_lines(reply.data) if uid > after})

    async def fetch(self, uids: Sequence[int]) -> list[Fetched]:
        """The messages with these UIDs, in UID order; raw is None above max_message_bytes.

        Sizes are asked first, so an oversized message is never downloaded. A UID no
        longer in the folder is left out. Pass a modest number of UIDs (the intake loop
        passes 100): every fetched message is held in memory.
        """
        link = self._require()
        sizes = await self._sizes(link, sorted(set(uids)))
        limit = self._config.max_message_bytes
        bodies = await self._bodies(link, {uid: s for uid, s in sizes.items() if s <= limit})
        return [
            Fetched(uid=uid, size=size, raw=bodies.get(uid))
            for uid, size in sorted(sizes.items())
            if size > limit or uid in bodies
        ]

    async def mark_processed(self, uids: Sequence[int]) -> None:
        """Move the messages to the processed folder, or else flag them $ReminderProcessed.

        Without MOVE the move is COPY, \\Deleted and UID EXPUNGE of exactly these UIDs
        (UIDPLUS); a server with neither gets the keyword, so that nothing else in the
        folder is ever expunged.
        """
        link = self._require()
        folder = self._config.processed_folder
        for batch in _chunks(sorted(set(uids)), BATCH_UIDS):
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

    async def _log_in(self, link: _Link) -> None:
        config = self._config
        reply = await self._reply(
            link, "logging in", link.client.login(_quoted(config.username), config.password)
        )
        if reply.result != "OK":
            self._drop()
            raise _refusal(
                reply,
                f"The reply mailbox at {_where(config)} refused the login for "
                f"{config.username}: {reply.text}. Check REMINDER_IMAP__USERNAME and "
                "REMINDER_IMAP__PASSWORD.",
            )

    async def _ensure_folder(self, link: _Link, folder: str) -> None:
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
            raise _refusal(
                created,
                f"The reply mailbox at {_where(self._config)} would not create the folder "
                f"{folder!r} for handled replies: {created.text}. Create it by hand, or "
                "check REMINDER_IMAP__PROCESSED_FOLDER.",
            )
        await self._reply(link, f"subscribing to {folder}", link.client.subscribe(name))

    async def _select(self, link: _Link) -> int:
        folder = self._config.folder
        reply = await self._reply(
            link, f"opening {folder}", link.client.select(mailbox_name(folder))
        )
        if reply.result != "OK":
            self._drop()
            raise _refusal(
                reply,
                f"The reply mailbox at {_where(self._config)} would not open the folder "
                f"{folder!r}: {reply.text}. Check REMINDER_IMAP__FOLDER.",
            )
        uidvalidity = parse_uidvalidity(reply.lines)
        if uidvalidity is None:
            self._drop()
            raise PermanentMailboxError(
                f"The reply mailbox at {_where(self._config)} did not say the folder's "
                "UIDVALIDITY, so this service cannot tell new messages from old ones."
            )
        return uidvalidity

    async def _sizes(self, link: _Link, uids: Sequence[int]) -> dict[int, int]:
        sizes: dict[int, int] = {}
        for batch in _chunks(uids, BATCH_UIDS):
            reply = await self._ok(
                link,
                "asking the size of new messages",
                link.client.uid("fetch", sequence_set(batch), "(UID RFC822.SIZE)"),
            )
            wanted = set(batch)
            sizes.update(
                (item.uid, item.size)
                for item in parse_fetch_lines(reply.data)
                if item.uid in wanted and item.size is not None
            )
        return sizes

    async def _bodies(self, link: _Link, sizes: dict[int, int]) -> dict[int, bytes]:
        bodies: dict[int, bytes] = {}
        for batch in _body_batches(sizes):
            reply = await self._ok(
                link,
                "downloading new messages",
                link.client.uid("fetch", sequence_set(batch), "BODY.PEEK[]"),
            )
            wanted = set(batch)
            bodies.update(
                (item.uid, item.body)
                for item in parse_fetch_lines(reply.data)
                if item.uid in wanted and item.body is not None
            )
        return bodies

    async def _move(self, link: _Link, uid_set: str, folder: str) -> None:
        await self._ok(
            link,
            f"moving handled replies to {folder}",
            link.client.uid("move", uid_set, mailbox_name(folder)),
        )

    async def _copy_and_expunge(self, link: _Link, uid_set: str, folder: str) -> None:
        await self._ok(
            link,
            f"copying handled replies to {folder}",
            link.client.uid("copy", uid_set, mailbox_name(folder)),
        )
        await self._add_flag(link, uid_set, "\\Deleted")
        await self._ok(link, "removing copied replies", link.client.uid("expunge", uid_set))

    async def _add_flag(self, link: _Link, uid_set: str, flag: str) -> None:
        await self._ok(
            link,
            "marking handled replies",
            link.client.uid("store", uid_set, "+FLAGS.SILENT", f"({flag})"),
        )

    async def _idle(self, link: _Link, stop: asyncio.Event) -> None:
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
                    await _until_news(link, stop)
            link.client.idle_done()
        await self._ok(link, "ending the wait for new mail", idle)

    def _require(self) -> _Link:
        if self._link is None:
            raise TransientMailboxError(NOT_CONNECTED)
        return self._link

    async def _ok(self, link: _Link, what: str, operation: Awaitable[Any]) -> _Reply:
        """Run a command that must succeed; a NO or BAD drops the connection."""
        reply = await self._reply(link, what, operation)
        if reply.result != "OK":
            self._drop()
            raise TransientMailboxError(
                f"The reply mailbox at {_where(self._config)} refused {what}: {reply.text}"
            )
        return reply

    async def _reply(self, link: _Link, what: str, operation: Awaitable[Any]) -> _Reply:
        response = await self._call(link, what, operation)
        return _Reply(result=str(response.result), lines=list(response.lines))

    async def _call(self, link: _Link, what: str, operation: Awaitable[T]) -> T:
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
            raise _translate(exc, what=what, config=self._config) from exc
        except BaseException:
            self._drop()
            raise

    def _drop(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            link.abort()


class _ConnectionLostError(Exception):
    """The server closed the connection (or it broke) while a command was pending."""


@dataclass(frozen=True, slots=True)
class _Reply:
    """A command's outcome: OK, NO or BAD, the untagged lines, then the completion text."""

    result: str
    lines: list[Line]

    @property
    def data(self) -> list[Line]:
        """The untagged lines, without the completion text."""
        return self.lines[:-1]

    @property
    def text(self) -> str:
        """The server's completion text, e.g. "[AUTHENTICATIONFAILED] Authentication failed"."""
        text = bytes(self.lines[-1]).decode("utf-8", "replace") if self.lines else ""
        return text.strip().rstrip(".")


class _Link:
    """One aioimaplib connection, and an event set once its socket has closed."""

    def __init__(self, config: ImapConfig, tls_context: ssl.SSLContext | None) -> None:
        self.lost = asyncio.Event()
        self.client = aioimaplib.IMAP4(
            host=config.host,
            port=config.port,
            timeout=config.command_timeout_s,
            conn_lost_cb=self._on_lost,
            ssl_context=tls_context,
        )
        self.protocol = self.client.protocol
        self._capabilities: frozenset[str] = frozenset()

    def learn_capabilities(self) -> None:
        self._capabilities = frozenset(str(name).upper() for name in self.protocol.capabilities)

    def supports(self, capability: str) -> bool:
        return capability in self._capabilities

    async def run(self, operation: Awaitable[T]) -> T:
        """Await `operation`, or raise _ConnectionLostError as soon as the socket closes."""
        task = asyncio.ensure_future(operation)
        watcher = asyncio.ensure_future(self.lost.wait())
        try:
            await asyncio.wait((task, watcher), return_when=asyncio.FIRST_COMPLETED)
        finally:
            watcher.cancel()
            if not task.done():
                task.cancel()
        if task.done():
            return task.result()
        raise _ConnectionLostError

    async def next_push(self, stop: asyncio.Event) -> list[bytes] | None:
        """The next lines the server pushed during IDLE; None once `stop` is set."""
        getter = asyncio.ensure_future(self.protocol.idle_queue.get())
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait((getter, stopper), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
            if not getter.done():
                getter.cancel()
        return list(getter.result()) if getter.done() else None

    def forget_pushes(self) -> None:
        """Empty the push queue: aioimaplib keeps pushes from earlier IDLEs there."""
        queue = self.protocol.idle_queue
        while not queue.empty():
            queue.get_nowait()

    def abort(self) -> None:
        """Close the socket at once and stop aioimaplib's helper tasks and timers."""
        client = self.client
        transport = self.protocol.transport
        if transport is not None:
            transport.abort()
        if client._idle_waiter is not None:
            client._idle_waiter.cancel()
        for task in (client._client_task, *client.tasks, *self.protocol.tasks):
            _settle(task)

    def _on_lost(self, exc: Exception | None) -> None:
        self.lost.set()


def _settle(task: asyncio.Future[Any]) -> None:
    """Cancel `task`, or if it has ended, take its exception so asyncio does not log it."""
    if not task.done():
        task.cancel()
    elif not task.cancelled():
        task.exception()


async def _until_news(link: _Link, stop: asyncio.Event) -> None:
    """Wait for a push that may mean new mail, or for `stop`."""
    while (push := await link.run(link.next_push(stop))) is not None:
        kind = classify_push(push)
        if kind == "goodbye":
            raise _ConnectionLostError
        if kind == "news":
            return


def classify_push(lines: Sequence[bytes]) -> PushKind:
    """What lines pushed during IDLE mean: BYE is goodbye, "OK ..." alone a keep-alive.

    Anything else (EXISTS, RECENT, EXPUNGE, FETCH, in any split) may mean new mail; the
    caller finds out with UID SEARCH rather than by counting.
    """
    if any(line.startswith(b"BYE") for line in lines):
        return "goodbye"
    if all(line.startswith(b"OK") for line in lines):
        return "keepalive"
    return "news"


def parse_fetch_lines(lines: Iterable[Line]) -> list[FetchItem]:
    """The messages described by a FETCH response's untagged lines, in the server's order.

    aioimaplib gives each text line as `bytes` (without the leading "* ") and each literal
    as a `bytearray` right after the line that announced it:
    `b'7 FETCH (UID 107 BODY[] {137}'`, `bytearray(b'<message>')`, `b')'`. Lines before
    the first FETCH, and FETCH responses without a UID (flag changes made by another
    client), are skipped.
    """
    items: list[FetchItem] = []
    group: list[Line] = []
    for line in lines:
        if isinstance(line, bytes) and _FETCH_START.match(line):
            items.extend(_fetch_item(group))
            group = []
        group.append(line)
    items.extend(_fetch_item(group))
    return items


def _fetch_item(group: Sequence[Line]) -> list[FetchItem]:
    text = b" ".join(line for line in group if isinstance(line, bytes))
    if not group or not _FETCH_START.match(group[0]) or not (uid := _FETCH_UID.search(text)):
        return []
    size = _FETCH_SIZE.search(text)
    body = next(
        (
            bytes(line)
            for before, line in pairwise(group)
            if isinstance(line, bytearray)
            and isinstance(before, bytes)
            and _BODY_LITERAL.search(before)
        ),
        None,
    )
    return [FetchItem(uid=int(uid[1]), size=int(size[1]) if size else None, body=body)]


def parse_search_lines(lines: Iterable[Line]) -> list[int]:
    """The numbers in a SEARCH response's untagged lines (aioimaplib gives b'103 104')."""
    return [int(token) for line in lines for token in bytes(line).split() if token.isdigit()]


def parse_uidvalidity(lines: Iterable[Line]) -> int | None:
    """The UIDVALIDITY a SELECT response announced, if any."""
    for line in lines:
        match = _UIDVALIDITY.search(bytes(line))
        if match:
            return int(match[1])
    return None


def sequence_set(uids: Iterable[int]) -> str:
    """An IMAP sequence set for these UIDs, with runs as ranges: [1, 2, 3, 7] -> "1:3,7"."""
    runs: list[list[int]] = []
    for uid in sorted(set(uids)):
        if runs and uid == runs[-1][1] + 1:
            runs[-1][1] = uid
        else:
            runs.append([uid, uid])
    if not runs:
        raise ValueError("a sequence set needs at least one UID")
    return ",".join(str(a) if a == b else f"{a}:{b}" for a, b in runs)


def mailbox_name(folder: str) -> str:
    """A folder name as an IMAP quoted string, non-ASCII in modified UTF-7 (RFC 3501 5.1.3)."""
    encoded: list[str] = []
    pending: list[str] = []
    for char in folder:
        if " " <= char <= "~":
            encoded.append(_shifted("".join(pending)))
            pending = []
            encoded.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    encoded.append(_shifted("".join(pending)))
    return _quoted("".join(encoded))


def _shifted(text: str) -> str:
    if not text:
        return ""
    packed = base64.b64encode(text.encode("utf-16-be")).decode("ascii")
    return "&" + packed.rstrip("=").replace("/", ",") + "-"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _body_batches(sizes: dict[int, int]) -> Iterator[list[int]]:
    """UIDs in order, at most BATCH_UIDS and (past the first) BATCH_BYTES per batch."""
    batch: list[int] = []
    total = 0
    for uid in sorted(sizes):
        if batch and (len(batch) == BATCH_UIDS or total + sizes[uid] > BATCH_BYTES):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += sizes[uid]
    if batch:
        yield batch


def _tls_context(config: ImapConfig) -> ssl.SSLContext | None:
    """Verify the server's certificate and host name against the system CAs and `ca_file`."""
    if config.security == "none":
        return None
    context = ssl.create_default_context()
    if config.ca_file is not None:
        try:
            context.load_verify_locations(cafile=config.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                f"The reply mailbox's CA certificate file {config.ca_file} cannot be used: {exc}"
            ) from exc
    return context


def _where(config: ImapConfig) -> str:
    return f"{config.host}:{config.port}"


def _refusal(reply: _Reply, message: str) -> MailboxError:
    """A NO that names a passing condition (RFC 5530) is worth retrying; others are not."""
    completion = bytes(reply.lines[-1]) if reply.lines else b""
    if any(code in completion.upper() for code in TEMPORARY_CODES):
        return TransientMailboxError(message)
    return PermanentMailboxError(message)


def _translate(exc: Exception, *, what: str, config: ImapConfig) -> MailboxError:
    """Our error for a library, socket, TLS or timeout failure while doing `what`."""
    where = _where(config)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return PermanentMailboxError(
            f"The reply mailbox at {where} presented a certificate that is not trusted "
            f"({exc.verify_message}). If the server uses a private certificate authority, "
            "set REMINDER_IMAP__CA_FILE to its certificate."
        )
    if isinstance(exc, ssl.SSLError) and what == CONNECTING:
        return PermanentMailboxError(
            f"The secure connection to the reply mailbox at {where} failed "
            f"({exc.reason or exc}). Check REMINDER_IMAP__SECURITY and REMINDER_IMAP__PORT: "
            "port 993 usually means tls, port 143 none."
        )
    if isinstance(exc, _ConnectionLostError):
        return TransientMailboxError(
            f"The reply mailbox at {where} closed the connection while {what}."
        )
    if isinstance(exc, TimeoutError | aioimaplib.CommandTimeout):
        hint = (
            " If it never answers, check REMINDER_IMAP__SECURITY and REMINDER_IMAP__PORT."
            if what == CONNECTING
            else ""
        )
        return TransientMailboxError(
            f"The reply mailbox at {where} did not answer within "
            f"{config.command_timeout_s:g} seconds while {what}.{hint}"
        )
    if isinstance(exc, ValueError):
        return PermanentMailboxError(
            "The IMAP username, password or a folder name contains a line break, which "
            "cannot be sent to the mail server; check the REMINDER_IMAP__ settings."
        )
    if isinstance(exc, OSError):
        return TransientMailboxError(
            f"Could not talk to the reply mailbox at {where} while {what}: "
            f"{exc.strerror or type(exc).__name__}."
        )
    return TransientMailboxError(
        f"The reply mailbox at {where} answered in a way this service could not follow "
        f"while {what} ({type(exc).__name__})."
    )
