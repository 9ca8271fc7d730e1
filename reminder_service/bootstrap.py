"""The composition root: the one place that turns settings into concrete adapters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reminder_service.compose import Composer, Identity
from reminder_service.core.model import PairHistory, Program
from reminder_service.daemon import Daemon
from reminder_service.errors import ConfigError
from reminder_service.ports import Clock, SystemClock
from reminder_service.program import load_program
from reminder_service.settings import Settings
from reminder_service.smtp import SmtpConfig, SmtpMailer
from reminder_service.store import SqliteStore

PLACEHOLDER_KEY = b"placeholder key used only to check templates"
PLACEHOLDER_FROM = "Mentoring Program <mentoring@example.org>"


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


def smtp_config(settings: Settings) -> SmtpConfig:
    """The SMTP adapter's configuration from REMINDER_SMTP__*."""
    smtp = settings.smtp
    return SmtpConfig(
        host=smtp.host,
        port=smtp.effective_port,
        security=smtp.security,
        username=smtp.username,
        password=smtp.password.get_secret_value() if smtp.password else None,
        timeout_s=smtp.timeout_s,
        ca_file=smtp.ca_file,
    )


def composer(settings: Settings, *, allow_placeholders: bool = False) -> Composer:
    """The template renderer for this deployment."""
    return Composer(
        settings.templates_dir,
        identity=identity(settings, allow_placeholders=allow_placeholders),
    )


def read_histories(database: Path) -> dict[str, PairHistory]:
    """Pair histories from the database, or none when it does not exist yet (creates nothing)."""
    if not database.exists():
        return {}
    with SqliteStore.open(database) as store:
        return store.pair_histories()


@dataclass
class Service:
    """Everything `run` needs, built and owned together."""

    daemon: Daemon
    store: SqliteStore
    program: Program


def build_service(settings: Settings, *, clock: Clock | None = None) -> Service:
    """Load the program, open the database and build the daemon; raises ConfigError."""
    program = load_program(settings.config)
    mail_composer = composer(settings)
    store = SqliteStore.open(settings.database)
    daemon = Daemon(
        program,
        store=store,
        composer=mail_composer,
        mailer=SmtpMailer(smtp_config(settings)),
        clock=clock or SystemClock(),
        max_per_minute=settings.smtp.max_per_minute,
    )
    return Service(daemon=daemon, store=store, program=program)
