"""The daemon against real SQLite and a real SMTP server, with a clock the test moves by hand.

`Harness` builds daemons on one database file (a new daemon on the same file is a restart),
wired to the repository's templates and the aiosmtpd test server. For the relationship loop
it also answers the emails the server received the way people do, and hands those replies to
the daemon as its inbox loop would: the real `understand()` reads them, the store records
them with `record_inbound_batch`, and an unclear one is answered. `tick` then plans and sends
until the outbox has nothing due, returning the mail that arrived.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from reminder_service.compose import Composer, Identity
from reminder_service.core.model import Program
from reminder_service.core.replies.understand import ReplyContext, understand
from reminder_service.core.replies.verdict import Verdict
from reminder_service.daemon import Daemon
from reminder_service.mailer_pool import MailerPool
from reminder_service.smtp import SmtpConfig, mailers
from reminder_service.store import InboundItem, OutboxState, SqliteStore
from tests.support.smtp_server import Received, SmtpTestServer

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
MAILBOX = "mentoring@example.org"
SECRET_KEY = b"test key of sufficient length"
IDENTITY = Identity(
    from_header=f"Test Mentoring <{MAILBOX}>", reply_mailbox=MAILBOX, secret_key=SECRET_KEY
)
"""Who the harness's emails come from, and the key their reply addresses are signed with."""
FOLDER = "INBOX"
UIDVALIDITY = 1


PROGRAM_HEAD = """\
program:
  name: Test Mentoring
  coordinator: {name: Dana Okafor, email: dana@example.org}
  timezone: Europe/London
  defaults: {cadence: weekly, send_at: "09:00"}
pairs:
"""
PAIR_ENTRY = """\
  - id: {id}
    mentor: {{name: Ana {id}, email: ana.{id}@example.org}}
    mentee: {{name: Ben {id}, email: ben.{id}@example.org}}
    started: 2026-11-01
"""


def program_text(*pair_ids: str) -> str:
    """A weekly program's YAML with one pair per id, all started on 2026-11-01."""
    return PROGRAM_HEAD + "".join(PAIR_ENTRY.format(id=pair_id) for pair_id in pair_ids)


@dataclass
class FakeClock:
    """A clock the test moves by hand.

    `current` may carry any zone (a local one makes `advance` step in wall-clock time);
    `now()` gives it in UTC, as the real clock does. `monotonic()` counts the real time that
    passed: `advance` moves both, `step` (or setting `current`) only the wall clock.
    """

    current: datetime = NOW
    elapsed_s: float = 0.0

    def now(self) -> datetime:
        return self.current.astimezone(UTC)

    def monotonic(self) -> float:
        """Seconds of real time the test let pass (`advance`); a `step` does not move it."""
        return self.elapsed_s

    def advance(self, delta: timedelta) -> None:
        self.current += delta
        self.elapsed_s += delta.total_seconds()

    def step(self, delta: timedelta) -> None:
        """The wall clock is set (NTP, a resumed virtual machine): no real time passes."""
        self.current += delta


@dataclass(frozen=True)
class Mail:
    """An email the test server received, read the way a person's mail program shows it."""

    received: Received
    message: EmailMessage

    @classmethod
    def of(cls, received: Received) -> Mail:
        message = message_from_bytes(received.data, policy=policy.default)
        assert isinstance(message, EmailMessage)
        return cls(received=received, message=message)

    @property
    def kind(self) -> str:
        """The X-Reminder-Kind header: checkin, reminder, thanks, digest ..."""
        return str(self.message["X-Reminder-Kind"])

    @property
    def to(self) -> set[str]:
        """The addresses in To, lowercased."""
        return _addresses(self.message, "To")

    @property
    def cc(self) -> set[str]:
        """The addresses in Cc, lowercased; empty when there is no Cc."""
        return _addresses(self.message, "Cc")

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        """The plain-text body."""
        body = self.message.get_body(preferencelist=("plain",))
        assert isinstance(body, EmailMessage)
        return str(body.get_content())

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def sent_at(self) -> datetime:
        """The Date header: when the daemon wrote the email."""
        written = self.message["Date"].datetime
        assert isinstance(written, datetime)
        return written


def _addresses(message: EmailMessage, header: str) -> set[str]:
    value = message[header]
    if value is None:
        return set()
    return {address.addr_spec.lower() for address in value.addresses}


def reply(to: Mail, text: str, *, sender: Address, at: datetime) -> bytes:
    """`sender`'s top-posted reply to `to`, written at `at`, quoting it as mail programs do."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to.message["Reply-To"]
    message["Subject"] = f"Re: {to.subject}"
    message["Date"] = format_datetime(at)
    message["Message-ID"] = make_msgid(domain=sender.domain)
    message["In-Reply-To"] = to.message_id
    message["References"] = " ".join(filter(None, (to.message["References"], to.message_id)))
    quoted = "\n".join(f"> {line}".rstrip() for line in to.text.splitlines())
    written = f"{to.sent_at:%a, %-d %b %Y at %H:%M}"
    message.set_content(f"{text}\n\nOn {written}, {to.message['From']} wrote:\n{quoted}\n")
    return message.as_bytes()


@dataclass
class Harness:
    """A daemon wired to a store file and a test SMTP server, rebuildable as after a restart."""

    server: SmtpTestServer
    database: Path
    clock: FakeClock = field(default_factory=FakeClock)
    stores: list[SqliteStore] = field(default_factory=list)
    mailers: list[MailerPool] = field(default_factory=list)
    _uids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _seen: int = 0

    def daemon(
        self,
        program: Program,
        *,
        max_per_minute: int = 60,
        grace: timedelta = timedelta(seconds=5),
        connections: int = 1,
        keep_emails: timedelta | None = None,
    ) -> Daemon:
        """A new daemon on the harness's database file: the first start, or a restart."""
        store = SqliteStore.open(self.database)
        self.stores.append(store)
        config = SmtpConfig(
            host=self.server.host,
            port=self.server.port,
            security="none",
            username=None,
            password=None,
            timeout_s=2.0,
            ca_file=None,
        )
        mailer = MailerPool(mailers(config), size=connections)
        self.mailers.append(mailer)
        return Daemon(
            program,
            store=store,
            composer=self.composer(),
            mailer=mailer,
            clock=self.clock,
            max_per_minute=max_per_minute,
            connections=connections,
            shutdown_grace=grace,
            keep_emails=keep_emails,
        )

    def composer(self) -> Composer:
        """A composer on the project's templates, signing with the harness's key."""
        return Composer(REPO / "templates", identity=IDENTITY)

    @property
    def store(self) -> SqliteStore:
        """The store of the latest daemon."""
        return self.stores[-1]

    def states(self) -> list[OutboxState]:
        return [row.state for row in self.store.outbox()]

    def receive(self, daemon: Daemon, raw: bytes) -> Verdict:
        """Hand one fetched reply to the daemon as its inbox loop does; returns the verdict."""
        context = ReplyContext(
            program=daemon.served(),
            key=SECRET_KEY,
            mailbox=MAILBOX,
            our_addresses=frozenset({MAILBOX}),
            now=self.clock.now(),
            sent=self.store.sent_ref,
        )
        verdict = understand(raw, context=context)
        item = InboundItem(
            folder=FOLDER,
            uidvalidity=UIDVALIDITY,
            uid=next(self._uids),
            raw=raw,
            verdict=verdict,
            keep_text=daemon.program.keep_notes,
        )
        [recorded] = self.store.record_inbound_batch([item], now=self.clock.now())
        if not recorded.duplicate:
            daemon.respond_to(verdict)
        return verdict

    def answer(self, daemon: Daemon, to: Mail, text: str, *, sender: Address) -> Verdict:
        """`sender` answers `to` now with `text`; the daemon receives it. Returns the verdict."""
        return self.receive(daemon, reply(to, text, sender=sender, at=self.clock.now()))

    async def tick(self, daemon: Daemon) -> list[Mail]:
        """Plan, then send until nothing is due; the mail that arrived meanwhile, in order."""
        daemon.plan_once()
        while await daemon.send_one():
            pass
        next_attempt = self.store.next_attempt_at()
        assert next_attempt is None or next_attempt > self.clock.now(), "mail left unsent"
        return self.new_mail()

    async def run(self, daemon: Daemon, moments: Iterable[datetime]) -> list[Mail]:
        """Move the clock to each moment in turn and tick there; all the mail that arrived."""
        arrived: list[Mail] = []
        for moment in moments:
            assert moment >= self.clock.current, "the clock only moves forward"
            self.clock.current = moment
            arrived += await self.tick(daemon)
        return arrived

    def new_mail(self) -> list[Mail]:
        """The mail the server received since the last call (or since the start)."""
        received = self.server.messages
        fresh = received[self._seen :]
        self._seen = len(received)
        return [Mail.of(message) for message in fresh]


def every(step: timedelta, *, start: datetime, until: datetime) -> list[datetime]:
    """The moments from `start` to `until` inclusive, `step` apart."""
    moments: list[datetime] = []
    moment = start
    while moment <= until:
        moments.append(moment)
        moment += step
    return moments
