"""Deployment settings, read from the environment, a `.env` file and `/run/secrets`.

Every name starts with `REMINDER_`; nested groups use `__` (`REMINDER_SMTP__HOST`). A secret
can also be a file named after the variable in the secrets directory (Docker and Kubernetes
secrets), e.g. `/run/secrets/REMINDER_SMTP__PASSWORD`; `settings_sources` reads only those
files and refuses near misses of a name. Passwords and keys are `SecretStr`:
their repr and str are masked, so they never reach logs or error messages.

An empty value, from any of the three, counts as not set: compose files and `docker run -e
NAME=` write one to mean "unset", and taken as given it passed `check` but broke `run` (an
IMAP folder named '', a login as user ''). So does an empty field in a group given whole as
JSON (`REMINDER_IMAP='{"folder": ""}'`).

Nothing reads settings at import time; `load_settings` is called by the composition root.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from reminder_service.addresses import checked_address
from reminder_service.built_in_templates import BUILT_IN_TEMPLATES
from reminder_service.errors import ConfigError
from reminder_service.settings_sources import (
    ENV_PREFIX,
    SecretFilesSource,
    dotenv_names,
    misspelt_names,
    setting_entries,
)
from reminder_service.validation_words import number_problem

DEFAULT_SECRETS_DIR = Path("/run/secrets")
DEFAULT_PORTS = {"tls": 465, "starttls": 587, "none": 25}
MIN_SECRET_KEY_LENGTH = 16
MAX_KEEP_DAYS = 36_500
KEEP_FOREVER = "forever"


LogFormat = Literal["text", "json"]
"""How log lines are written: readable text or JSON lines."""
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
"""The least severe log level written."""


class _Group(BaseModel):
    """A group of settings (`REMINDER_SMTP` and the like), which may also be given whole as
    JSON."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_fields_count_as_not_set(cls, value: object) -> object:
        """Drop the fields given as "" in JSON, as `env_ignore_empty` does for variables."""
        if isinstance(value, dict):
            return {name: field for name, field in value.items() if field != ""}
        return value


class SmtpSettings(_Group):
    """How to reach the outgoing mail server."""

    host: str = "localhost"
    port: int | None = Field(default=None, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    security: Literal["tls", "starttls", "none"] = "starttls"
    timeout_s: float = Field(default=30.0, gt=0)
    max_per_minute: int = Field(default=60, ge=1)
    connections: int = Field(default=4, ge=1, le=32)
    ca_file: Path | None = None

    @property
    def effective_port(self) -> int:
        """The configured port, or the usual one for the chosen security."""
        return self.port if self.port is not None else DEFAULT_PORTS[self.security]


class ImapSettings(_Group):
    """How to read the reply mailbox. Without a host the service only sends."""

    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    security: Literal["tls", "none"] = "tls"
    ca_file: Path | None = None
    folder: str = "INBOX"
    processed_folder: str | None = None
    poll_s: float = Field(default=60.0, gt=0)
    max_message_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    timeout_s: float = Field(default=30.0, gt=0)

    @property
    def effective_port(self) -> int:
        """The configured port, or 993 for TLS and 143 for plain."""
        if self.port is not None:
            return self.port
        return 993 if self.security == "tls" else 143


class HttpSettings(_Group):
    """Where the health checks and metrics are served (`/healthz`, `/readyz`, `/metrics`)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)


class _LogFormatSettings(BaseSettings):
    """Where every setting is read from, and the log format alone.

    Read on its own when the other settings do not load, so that the error saying what is
    wrong with them is still written in the format the deployment asked for.
    """

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        secrets_dir=DEFAULT_SECRETS_DIR,
        secrets_dir_missing="ok",
        secrets_nested_delimiter="__",
        case_sensitive=False,
        extra="ignore",
        frozen=True,
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment first, then `.env`, then secret files (so nested secrets work)."""
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            SecretFilesSource(file_secret_settings),
        )

    log_format: LogFormat = "text"

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format_in_any_case(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value


def _default_templates() -> Path:
    """`templates` when that folder is here, else the built-in templates: a deployment that
    changes no wording needs no copy of them."""
    here = Path("templates")
    return here if here.is_dir() else BUILT_IN_TEMPLATES


class _ProgramPlaces(_LogFormatSettings):
    """Where the program file and the database are.

    Read on their own when the other settings do not load, so that `check` still checks
    the program file and the coordinator sees every problem in one run.
    """

    config: Path = Path("config/program.yaml")
    database: Path = Path("data/reminders.sqlite3")


class Settings(_ProgramPlaces):
    """All deployment settings; the README's settings table lists the same names."""

    keep_emails_days: int | None = 90
    secret_key: SecretStr | None = None
    sender: str | None = Field(
        default=None, validation_alias=AliasChoices("REMINDER_FROM", "from", "sender")
    )
    reply_to: str | None = None
    templates_dir: Path = Field(default_factory=_default_templates)
    smtp: SmtpSettings = SmtpSettings()
    imap: ImapSettings = ImapSettings()
    http: HttpSettings = HttpSettings()

    @field_validator("sender")
    @classmethod
    def _sender_is_an_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name, addr = parseaddr(value)
        _require_email(addr, what=value)
        if "\r" in value or "\n" in value:
            raise ValueError("must be on one line")
        return str(Address(display_name=name, addr_spec=addr)) if name else addr

    @field_validator("reply_to")
    @classmethod
    def _reply_to_is_an_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        _require_email(value, what=value)
        if "+" in value.partition("@")[0]:
            raise ValueError(
                "must be the plain mailbox address; the service adds '+token' to it itself"
            )
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key_is_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(
                f"must be at least {MIN_SECRET_KEY_LENGTH} characters; "
                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @field_validator("keep_emails_days", mode="before")
    @classmethod
    def _days_or_forever(cls, value: object) -> object:
        """A whole number of days, or `forever` (None: no text is ever cleared)."""
        text = str(value).strip()
        if text.lower() == KEEP_FOREVER:
            return None
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_KEEP_DAYS):
            raise ValueError(
                f"must be a number of days from 1 to {MAX_KEEP_DAYS}, such as 90, or "
                f"'{KEEP_FOREVER}' to keep the text of every email sent and received"
            )
        return int(text)

    @property
    def keep_emails(self) -> timedelta | None:
        """How long the text of a settled email (sent, failed, withdrawn or unknown), the bytes
        of a received message and the words of a reply dealt with in review are kept; None
        for ever."""
        days = self.keep_emails_days
        return None if days is None else timedelta(days=days)

    def email_texts_kept(self) -> str:
        """How long the text of each email sent and received is kept, said plainly for
        `check`."""
        days = self.keep_emails_days
        if days is None:
            return "kept for ever (REMINDER_KEEP_EMAILS_DAYS is 'forever')"
        return (
            f"kept {days} days after each email is sent or given up, received messages "
            f"{days} days after they arrive (the words of a reviewed reply: after the review), "
            "then cleared; the record of each email stays"
        )

    @property
    def from_address(self) -> str | None:
        """The addr-spec part of REMINDER_FROM."""
        return parseaddr(self.sender)[1] if self.sender else None

    @property
    def reply_mailbox(self) -> str | None:
        """Where replies go: REMINDER_REPLY_TO, else the From address."""
        return self.reply_to or self.from_address

    def missing_for_sending(self) -> list[str]:
        """Coordinator-readable reasons why this deployment cannot send mail yet."""
        missing = []
        if self.secret_key is None:
            missing.append(
                "REMINDER_SECRET_KEY is not set: it signs the reply addresses. Generate one "
                "with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        if self.sender is None:
            missing.append(
                "REMINDER_FROM is not set: the address check-ins come from, "
                "e.g. 'Mentoring Program <mentoring@example.org>'"
            )
        return missing

    def missing_for_reading(self) -> list[str]:
        """Reasons why the reply mailbox cannot be read as configured (empty when unused)."""
        imap = self.imap
        if imap.host is None:
            return []
        return [
            f"REMINDER_IMAP__{name} is not set: it is needed to read replies from {imap.host}"
            for name, value in (("USERNAME", imap.username), ("PASSWORD", imap.password))
            if value is None
        ]

    log_level: LogLevel = "INFO"
    authserv_id: str | None = None

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level_in_any_case(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def replies_reading(self) -> str:
        """Whether and where replies are read, said plainly for `check` and the start-up log."""
        imap = self.imap
        if imap.host is None:
            return "not read - REMINDER_IMAP__HOST is not set, so no meeting is logged from replies"
        return f"read from {imap.folder} on {imap.host}:{imap.effective_port}"


def setting_names() -> frozenset[str]:
    """Every REMINDER_ name that sets something, groups (which take JSON) included."""
    names = set()
    for field_name, field in Settings.model_fields.items():
        name = ENV_PREFIX + ("FROM" if field_name == "sender" else field_name.upper())
        names.add(name)
        group = field.annotation
        if isinstance(group, type) and issubclass(group, BaseModel):
            names.update(f"{name}__{part.upper()}" for part in group.model_fields)
    return frozenset(names)


def _require_email(addr: str, *, what: str) -> None:
    """Refuse what is not an address, or one that only SMTPUTF8 servers could deliver."""
    try:
        validate_email(addr, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"{what!r} is not an email address ({exc})") from None
    checked_address(addr)


def log_format_asked(
    *, env_file: Path | None = Path(".env"), secrets_dir: Path = DEFAULT_SECRETS_DIR
) -> LogFormat:
    """REMINDER_LOG_FORMAT read on its own, for when the other settings do not load; text
    when it cannot be read either.

    Reading it reads the same .env file and secrets folder, which may be what failed (a
    .env that is not UTF-8, a secret that is a folder): any such failure gives text, and
    the command then reports it in one readable line.
    """
    try:
        settings = _LogFormatSettings(_env_file=env_file, _secrets_dir=secrets_dir)  # type: ignore[call-arg]
    except (ValidationError, SettingsError, ConfigError, ValueError, OSError):
        return "text"
    return settings.log_format


def program_places(
    *, env_file: Path | None = Path(".env"), secrets_dir: Path = DEFAULT_SECRETS_DIR
) -> tuple[Path, Path] | None:
    """REMINDER_CONFIG and REMINDER_DATABASE read on their own, for when the other settings
    do not load: the program file and the database; None when they cannot be read either
    (a .env that is not UTF-8, one of them with a bad value)."""
    try:
        places = _ProgramPlaces(_env_file=env_file, _secrets_dir=secrets_dir)  # type: ignore[call-arg]
    except (ValidationError, SettingsError, ConfigError, ValueError, OSError):
        return None
    return places.config, places.database


def load_settings(
    *, env_file: Path | None = Path(".env"), secrets_dir: Path = DEFAULT_SECRETS_DIR
) -> Settings:
    """Read the settings, turning every problem with them into one readable ConfigError.

    A name that is nearly a setting's is refused first: ignored, it would leave the service
    quietly without what the coordinator meant to give it.
    """
    misspelt = misspelt_names(_names_found(env_file, secrets_dir), settings=setting_names())
    if misspelt:
        raise ConfigError("The settings are not valid:\n" + "\n".join(f"  {m}" for m in misspelt))
    try:
        return Settings(_env_file=env_file, _secrets_dir=secrets_dir)  # type: ignore[call-arg]
    except ValidationError as exc:
        raise ConfigError(
            "The settings are not valid:\n" + "\n".join(_describe(e) for e in exc.errors())
        ) from None
    except SettingsError as exc:
        raise ConfigError(f"The settings cannot be read: {exc}") from None


_SERVICE_LINK = re.compile(r"(?:tcp|udp|sctp)://", re.IGNORECASE)
"""The value of a variable Kubernetes adds for a Service: for one named `reminder-smtp`,
`REMINDER_SMTP_PORT=tcp://10.0.0.9:25`, which only looks like a misspelt setting."""


def _names_found(env_file: Path | None, secrets_dir: Path) -> list[tuple[str, str]]:
    """Each name given to the service, with where it was given (not Kubernetes' links)."""
    return [
        *(
            (name, "an environment variable")
            for name, value in os.environ.items()
            if not _SERVICE_LINK.match(value)
        ),
        *((name, f"in {env_file}") for name in dotenv_names(env_file)),
        *((entry.name, f"a file in {secrets_dir}") for entry in setting_entries(secrets_dir)),
    ]


def _describe(error: Any) -> str:
    loc = [str(part) for part in error["loc"]]
    if loc and loc[0] in ("REMINDER_FROM", "from", "sender"):
        loc[0] = "from"
    name = ENV_PREFIX + "__".join(loc).upper()
    if (words := number_problem(error)) is not None:
        return f"  {name}: {words}, not {error['input']!r}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"  {name}: {message}"
