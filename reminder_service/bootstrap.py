"""The composition root: the one place that turns settings into concrete adapters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import SecretStr

from reminder_service.compose import Composer, Identity
from reminder_service.core.model import Program
from reminder_service.core.replies.mime import Limits
from reminder_service.core.replies.understand import ReplyContext
from reminder_service.core.replies.verdict import SentRef
from reminder_service.daemon import Daemon
from reminder_service.errors import ConfigError
from reminder_service.health import HealthServer
from reminder_service.imap import ImapConfig, mailboxes
from reminder_service.instance_lock import InstanceLock
from reminder_service.intake import Intake
from reminder_service.mailer_pool import MailerPool
from reminder_service.metrics import DEFAULT_LOOPS, Monitor
from reminder_service.ports import Clock, SystemClock
from reminder_service.program import load_program
from reminder_service.reload import Reloader, fingerprint
from reminder_service.settings import Settings
from reminder_service.smtp import SmtpConfig, mailers
from reminder_service.store import SqliteStore, pairs_with_history, read_only_if_present

LOOP_SLACK = timedelta(minutes=5)
PLACEHOLDER_KEY = b"placeholder key used only to check templates"
PLACEHOLDER_FROM = "Mentoring Program <mentoring@example.org>"

Reread = Callable[[], Settings]
"""Reads the deployment settings again, from the same places (`load_settings`)."""


def identity(settings: Settings, *, allow_placeholders: bool = False) -> Identity:
    """Who the emails come from and how replies are signed.

    With `allow_placeholders`, missing values are replaced so templates can still be
    rendered by `check` and `preview`; the daemon never uses placeholders.
    """
    missing = settings.missing_for_sending()
    if missing and not allow_placeholders:
        raise ConfigError("\n".join(missing))
    key = settings.secret_key.get_secret_value().encode() if settings.secret_key else None
    sender = settings.sender or PLACEHOLDER_FROM
    return Identity(
        from_header=sender,
        reply_mailbox=settings.reply_mailbox or "mentoring@example.org",
        secret_key=key or PLACEHOLDER_KEY,
    )


def smtp_config(settings: Settings, *, reread: Reread | None = None) -> SmtpConfig:
    """The SMTP adapter's configuration from REMINDER_SMTP__*.

    With `reread`, the password is read again through it after the server refuses it.
    """
    smtp = settings.smtp
    return SmtpConfig(
        host=smtp.host,
        port=smtp.effective_port,
        security=smtp.security,
        username=smtp.username,
        password=_plain(smtp.password),
        timeout_s=smtp.timeout_s,
        ca_file=smtp.ca_file,
        reread_password=_rereading(reread, lambda again: again.smtp.password),
    )


def composer(settings: Settings, *, allow_placeholders: bool = False) -> Composer:
    """The template renderer for this deployment."""
    return Composer(
        settings.templates_dir,
        identity=identity(settings, allow_placeholders=allow_placeholders),
    )


@contextmanager
def reply_context(settings: Settings, program: Program, *, now: datetime) -> Iterator[ReplyContext]:
    """What understanding a reply needs, as `run` would have it, without changing anything.

    The database stays open for the block, so that only the outbox rows of the Message-IDs
    the reply names are read (`SqliteStore.sent_ref`, through its index), as the daemon
    reads them: never every email with its text.
    """
    key, address, ours, limits = reply_context_parts(settings)
    with read_only_if_present(settings.database) as store:
        yield ReplyContext(
            program=program,
            key=key,
            mailbox=address,
            our_addresses=ours,
            now=now,
            sent=_none_sent if store is None else store.sent_ref,
            limits=limits,
            trusted_authserv_id=settings.authserv_id,
        )


def _none_sent(message_id: str) -> SentRef | None:
    """Before the service has created its database, no Message-ID is one of ours."""
    return None


@dataclass
class Service:
    """Everything `run` needs, built and owned together."""

    daemon: Daemon
    store: SqliteStore
    program: Program
    lock: InstanceLock
    """Held until `close`: a second daemon on the same database refuses to start."""

    def close(self) -> None:
        """Close the database, then let another daemon have it."""
        self.store.close()
        self.lock.release()


def imap_config(settings: Settings, *, reread: Reread | None = None) -> ImapConfig:
    """The IMAP adapter's configuration from REMINDER_IMAP__*; ConfigError when incomplete.

    With `reread`, the password is read again through it after the server refuses it.
    """
    imap = settings.imap
    missing = settings.missing_for_reading()
    if imap.host is None or imap.username is None or imap.password is None:
        raise ConfigError("\n".join(missing) or "REMINDER_IMAP__HOST is not set")
    return ImapConfig(
        host=imap.host,
        port=imap.effective_port,
        security=imap.security,
        username=imap.username,
        password=imap.password.get_secret_value(),
        ca_file=imap.ca_file,
        folder=imap.folder,
        processed_folder=imap.processed_folder,
        poll_s=imap.poll_s,
        max_message_bytes=imap.max_message_bytes,
        command_timeout_s=imap.timeout_s,
        reread_password=_rereading(reread, lambda again: again.imap.password),
    )


def _rereading(
    reread: Reread | None, pick: Callable[[Settings], SecretStr | None]
) -> Callable[[], str | None] | None:
    """A reader of one password from the settings read again; None without `reread`."""
    if reread is None:
        return None
    return lambda: _plain(pick(reread()))


def _plain(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None


def reply_context_parts(settings: Settings) -> tuple[bytes, str, frozenset[str], Limits]:
    """Key, mailbox, our own addresses and limits: what reading a reply needs from settings."""
    who = identity(settings)
    ours = frozenset(
        address.lower() for address in (settings.from_address, who.reply_mailbox) if address
    )
    return (
        who.secret_key,
        who.reply_mailbox,
        ours,
        Limits(max_bytes=settings.imap.max_message_bytes),
    )


def reloader(settings: Settings, daemon: Daemon, *, clock: Clock, baseline: str) -> Reloader:
    """The watcher that swaps the daemon's program and templates when they are edited.

    `baseline` is the fingerprint of the files the daemon's program was loaded from.
    """
    return Reloader(
        settings.config,
        templates_dir=settings.templates_dir,
        identity=identity(settings),
        apply=lambda new_program, new_composer: daemon.use(new_program, composer=new_composer),
        clock=clock,
        baseline=baseline,
        program=daemon.program,
        report=daemon.report_reload,
        history=lambda: pairs_with_history(settings.database),
    )


def build_service(
    settings: Settings, *, clock: Clock | None = None, reread: Reread | None = None
) -> Service:
    """Load the program, lock and open the database, build the daemon; raises ReminderError.

    `reread` reads the settings again from where `settings` came from: a mail server's
    password is read again through it after the server refuses the login, so a corrected
    secret file or `.env` is used without a restart.

    A StoreError names the daemon already using the database, if there is one. The program is
    loaded once the database is open, so a pair renamed while the service was stopped is
    refused as a reload would refuse it.
    """
    loaded_from = fingerprint(settings.config, templates_dir=settings.templates_dir)
    mail_composer = composer(settings)
    smtp_connections = mailers(smtp_config(settings, reread=reread))
    reading = settings.imap.host is not None
    mailbox = imap_config(settings, reread=reread) if reading else None
    connect = mailboxes(mailbox) if mailbox is not None else None
    the_clock = clock or SystemClock()
    lock = InstanceLock.acquire(settings.database, now=the_clock.now())
    try:
        store = SqliteStore.open(settings.database)
    except BaseException:
        lock.release()
        raise
    try:
        program = load_program(settings.config, known=store.checkin_members())
    except BaseException:
        store.close()
        lock.release()
        raise
    daemon = Daemon(
        program,
        store=store,
        composer=mail_composer,
        mailer=MailerPool(smtp_connections, size=settings.smtp.connections),
        clock=the_clock,
        max_per_minute=settings.smtp.max_per_minute,
        connections=settings.smtp.connections,
        keep_emails=settings.keep_emails,
    )
    daemon.reloader = reloader(settings, daemon, clock=the_clock, baseline=loaded_from)
    if mailbox is not None and connect is not None:
        key, address, ours, limits = reply_context_parts(settings)
        daemon.intake = Intake(
            daemon.served,
            store=store,
            connect=connect,
            clock=the_clock,
            folder=mailbox.folder,
            secret_key=key,
            mailbox_address=address,
            our_addresses=ours,
            limits=limits,
            trusted_authserv_id=settings.authserv_id,
            respond=daemon.respond_to,
        )
    watch(daemon, settings, store=store, clock=the_clock, mailbox=mailbox)
    return Service(daemon=daemon, store=store, program=program, lock=lock)


def watch(
    daemon: Daemon,
    settings: Settings,
    *,
    store: SqliteStore,
    clock: Clock,
    mailbox: ImapConfig | None,
) -> None:
    """Give the daemon its monitor and the /healthz, /readyz and /metrics server.

    The inbox loop may wait a whole IDLE (or poll interval) between turns, so its liveness
    allows that long plus some slack.
    """
    loops = dict(DEFAULT_LOOPS)
    if mailbox is not None:
        longest_wait = max(mailbox.poll_s, mailbox.idle_renew_s)
        loops["inbox"] = timedelta(seconds=longest_wait) + LOOP_SLACK
    monitor = Monitor(clock=clock, reading=mailbox is not None, loops=loops)
    monitor.reloaded(True, at=clock.now())
    monitor.set_outbox_source(store.counts_by_kind_and_state)
    daemon.monitor = monitor
    if daemon.intake is not None:
        daemon.intake.monitor = monitor
    daemon.health = HealthServer(
        monitor, host=settings.http.host, port=settings.http.port, database=settings.database
    )
