"""Logging for operators: one line per event, readable text or JSON lines, secrets redacted.

`configure` installs a single handler on the root logger. Its filter rewrites every record
before any formatter sees it: the deployment's passwords and secret key, reply tokens and
the `+token@` part of plus-addresses become `[redacted]`, in the message, its arguments and
any traceback. Both formats escape every character `unsafe_to_show` names (controls, line
breaks and separators, bidi overrides, zero-width and other invisible characters), as the
commands withhold them, so a hostile subject, Message-ID or traceback can neither start a
line that looks like another event, nor drive the terminal that shows the log, nor hide
text in it: text lines write Python's escapes, JSON lines JSON's. Only JSON lines keep the
data exact: text lines leave a backslash as it is, so that a path or pattern in a message
reads and greps as it was typed, and the six characters `\\u200b` typed in a subject look
the same as an escaped zero-width space.
The mail libraries log whole protocol exchanges (logins included) at DEBUG, so their loggers
are held at WARNING whatever the service's own level is.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TextIO

from reminder_service.core.tokens import TOKEN_PATTERN
from reminder_service.errors import ConfigError
from reminder_service.settings import (
    LogFormat,
    LogLevel,
    Settings,
    load_settings,
    log_format_asked,
)
from reminder_service.unsafe_characters import unsafe_to_show

QUIET_LOGGERS = ("mail.log", "mail.debug", "aioimaplib", "aiosmtplib")
REDACTED = "[redacted]"

_PLUS_ADDRESS = re.compile(r"\+[^\s@<>\"'(),;:\[\]]+@")
_TOKEN = re.compile(rf"\b{TOKEN_PATTERN}\b", re.IGNORECASE)
_NOT_PLAIN_ASCII = re.compile(r"[^ -~]+")
"""Runs of characters other than printable ASCII: the only places an unsafe one can be."""


class Redactor(logging.Filter):
    """Replace known secret values and reply tokens in a record's text with `[redacted]`.

    The message is rendered (`msg % args`) and redacted once, so secrets inside arguments of
    any type are caught; a traceback is rendered here too, so it is redacted the same way.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = _longest_first(secrets)
        self._tracebacks = logging.Formatter()

    def add(self, secret: str) -> None:
        """Redact `secret` too from now on."""
        # A new list, not an append: another thread may be redacting with the old one.
        self._secrets = _longest_first([*self._secrets, secret])

    def redact(self, text: str) -> str:
        """`text` without the secret values, reply tokens and plus-address tags."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        text = _PLUS_ADDRESS.sub(f"+{REDACTED}@", text)
        return _TOKEN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite `record` in place; never drops it."""
        record.msg = self.redact(_message(record))
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._tracebacks.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class TextFormatter(logging.Formatter):
    """`2026-11-25T09:00:00.123Z INFO reminder_service.daemon: message`, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one readable line, its unsafe characters escaped (`\\n`, `\\x1b`,
        `\\u202e`, `\\u200b`); a traceback follows on the same line."""
        line = f"{_timestamp(record)} {record.levelname} {record.name}: {record.getMessage()}"
        detail = _detail(self, record)
        if detail:
            line = f"{line}\n{detail}"
        return _escaped(line, _python_escape)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and `error` with a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line: non-ASCII kept readable, the unsafe characters that
        `json` leaves raw (C1 controls, U+2028, bidi overrides, zero-width characters)
        written as `\\u` escapes, which any JSON reader turns back into the same text."""
        event = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        detail = _detail(self, record)
        if detail:
            event["error"] = detail
        return _escaped(json.dumps(event, ensure_ascii=False), _json_escape)


def configure(
    *,
    log_format: LogFormat = "text",
    level: LogLevel = "INFO",
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Send every log record to `stream` (standard error) in `log_format`, redacted.

    Calling it again replaces the handler it installed before, leaving others alone.
    """
    handler = _ServiceHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(Redactor(secrets))
    root = logging.getLogger()
    for previous in [h for h in root.handlers if isinstance(h, _ServiceHandler)]:
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(level)
    for chatty in QUIET_LOGGERS:
        logging.getLogger(chatty).setLevel(logging.WARNING)
    return handler


def configure_from_settings(*, stream: TextIO | None = None) -> logging.Handler:
    """`configure` as the deployment settings ask, redacting their passwords and key.

    Settings that do not load fall back to INFO logs in the format REMINDER_LOG_FORMAT asks
    for, if it alone can be read (readable text otherwise); the command that needs the
    settings then reports what is wrong with them, in that format.
    """
    try:
        settings = load_settings()
    except ConfigError:
        return configure(log_format=log_format_asked(), stream=stream)
    return configure(
        log_format=settings.log_format,
        level=settings.log_level,
        secrets=secret_values(settings),
        stream=stream,
    )


def redact_also(secret: str) -> None:
    """Redact `secret` too from now on, in the logs `configure` set up.

    For a password read again while the service runs (`passwords.Password`): the secrets
    given to `configure` are only those known at start-up.
    """
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _ServiceHandler):
            for redactor in handler.filters:
                if isinstance(redactor, Redactor):
                    redactor.add(secret)


def secret_values(settings: Settings) -> list[str]:
    """The secret key and the SMTP and IMAP passwords that are set."""
    secrets = (settings.secret_key, settings.smtp.password, settings.imap.password)
    return [secret.get_secret_value() for secret in secrets if secret is not None]


class _ServiceHandler(logging.StreamHandler[TextIO]):
    """The handler `configure` installs, told apart from handlers others add (e.g. pytest).

    Without a stream of its own it writes to whatever `sys.stderr` is when a record comes,
    so it keeps working when a test runner or the demo swaps standard error.
    """

    def __init__(self, stream: TextIO | None) -> None:
        logging.Handler.__init__(self)
        self._own_stream = stream

    @property
    def stream(self) -> TextIO:
        """The stream given to `configure`, else the current standard error."""
        return self._own_stream if self._own_stream is not None else sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        self._own_stream = value


def _longest_first(secrets: Iterable[str]) -> list[str]:
    """The secrets that are set, each once, longest first (so a secret that contains
    another is replaced whole)."""
    return sorted({secret for secret in secrets if secret}, key=len, reverse=True)


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # a mistaken format string must not turn a log call into a crash
        return f"{record.msg!s} (arguments that do not fit: {record.args!r})"


def _escaped(line: str, escape: Callable[[str], str]) -> str:
    """`line` with each character `unsafe_to_show` written as `escape` writes it.

    Other letters and spaces stay as written: a name or subject in any script stays
    readable, and a no-break space (category Zs) is kept rather than escaped or made plain,
    since it shows as a space and French text carries it before "?" and ":".
    """

    def escaped_run(match: re.Match[str]) -> str:
        run = match[0]
        if run.isprintable():
            return run
        return "".join(escape(ch) if unsafe_to_show(ch) else ch for ch in run)

    return _NOT_PLAIN_ASCII.sub(escaped_run, line)


def _python_escape(character: str) -> str:
    """`\\x1b`, `\\u200b`, `\\U000e0001`: as Python writes the character in a string."""
    return ascii(character)[1:-1]


def _json_escape(character: str) -> str:
    """`\\u0085`, `\\u200b`, `\\udb40\\udc01`: as JSON writes the character in a string.

    An unsafe character can only stand inside a JSON string (the rest of a line is ASCII),
    so the escape is always read back as the character."""
    return json.dumps(character)[1:-1]


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _detail(formatter: logging.Formatter, record: logging.LogRecord) -> str:
    parts = []
    if record.exc_info and not record.exc_text:
        record.exc_text = formatter.formatException(record.exc_info)
    if record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(formatter.formatStack(record.stack_info))
    return "\n".join(parts)
