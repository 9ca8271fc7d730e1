"""The SMTP sending adapter: hands rendered emails to the mail server and says how it went.

One connection is opened on the first send and reused; a reused connection that the
server has meanwhile closed is replaced once, transparently, before any of the message
goes out. Each message is sent step by step (MAIL, RCPT per recipient, DATA) so that every
failure can be sorted by what the outbox must do next:

* TransientSendError: nothing was accepted; try again later (4xx replies, an unreachable
  server, a timeout or a dropped connection before the message data).
* PermanentSendError: retrying will not help (5xx replies, TLS or login problems).
* UnknownOutcomeError: the connection failed while or after the message data went out, so
  the server may have accepted it.

TLS never downgrades: `tls` is implicit TLS, `starttls` fails closed when the server does
not offer it, and only `none` sends in the clear. The password never appears in a message.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

import aiosmtplib

from reminder_service.errors import (
    MailServerUnusableError,
    PermanentSendError,
    SendError,
    TransientSendError,
    UnknownOutcomeError,
)
from reminder_service.failure_words import system_words
from reminder_service.passwords import Password
from reminder_service.ports import BeforeData, Delivery
from reminder_service.tls import server_context

logger = logging.getLogger(__name__)

Security = Literal["tls", "starttls", "none"]

STARTTLS_MISSING = (
    "The mail server does not offer STARTTLS, and this service never sends without "
    "encryption; set REMINDER_SMTP__SECURITY=none only for a local test server."
)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where the SMTP server is and how to talk to it.

    `ca_file` is an extra certificate authority to trust, on top of the system's ones.
    `reread_password`, when the password can change while the service runs, reads it again
    from where it is set; it is called after the server refuses the login.
    """

    host: str
    port: int
    security: Security
    username: str | None
    password: str | None = field(repr=False)
    timeout_s: float
    ca_file: Path | None
    local_hostname: str | None = None
    reread_password: Callable[[], str | None] | None = field(
        default=None, repr=False, compare=False
    )


def mailers(config: SmtpConfig) -> Callable[[], SmtpMailer]:
    """A maker of mailers for `config` that share one TLS context and one password, for a
    pool of connections.

    Building a context reads the system's certificate authorities, about 17 ms of CPU on a
    small machine; a pool of four connections then does it once, not four times. An
    unreadable `ca_file` is a ConfigError here, before any connection. A login refused on
    one connection has the next connection, whichever it is, read the password again.
    """
    return partial(SmtpMailer, config, tls=_tls_context(config), password=_password(config))


class SmtpMailer:
    """Sends messages over one reused SMTP connection, one message at a time."""

    def __init__(
        self,
        config: SmtpConfig,
        *,
        tls: ssl.SSLContext | None = None,
        password: Password | None = None,
    ) -> None:
        """`tls` and `password`: the TLS context and password to use (see `mailers`); by
        default the mailer builds its own."""
        self._config = config
        self._password = password or _password(config)
        self._tls_context = tls or _tls_context(config)
        self._client: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()

    async def send(
        self,
        *,
        sender: str,
        recipients: Sequence[str],
        message: bytes,
        before_data: BeforeData | None = None,
    ) -> Delivery:
        """Hand one message to the server; raise a SendError subclass if it was not accepted.

        `before_data` is awaited between the envelope and the message data. After any
        failure (or cancellation) the connection is discarded, so the next send starts afresh.
        """
        if not recipients:
            raise ValueError("a message needs at least one recipient")
        async with self._lock:
            try:
                return await self._transact(sender, recipients, message, before_data)
            except BaseException:
                self._discard()
                raise

    async def close(self) -> None:
        """Say QUIT if connected and drop the connection; never raises.

        Waits for a send in progress; cancel that send first to abandon it.
        """
        async with self._lock:
            client, self._client = self._client, None
            if client is None:
                return
            transport = client.transport
            try:
                if client.is_connected:
                    await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                logger.debug("QUIT failed; closing the SMTP connection anyway", exc_info=True)
            finally:
                _hang_up(client, transport)

    async def _transact(
        self,
        sender: str,
        recipients: Sequence[str],
        message: bytes,
        before_data: BeforeData | None,
    ) -> Delivery:
        utf8 = not all(address.isascii() for address in (sender, *recipients))
        client = await self._begin(sender, utf8=utf8, message=message)
        refused = await _add_recipients(client, recipients, utf8=utf8, config=self._config)
        if before_data is not None:
            await before_data()
        reply = await _send_data(client, message, config=self._config)
        return Delivery(response=_reply_text(reply.code, reply.message), refused=refused)

    async def _begin(self, sender: str, *, utf8: bool, message: bytes) -> aiosmtplib.SMTP:
        """Send MAIL FROM on the open connection, or on a new one if it turns out dead."""
        client = self._client
        if client is not None and client.is_connected:
            try:
                await _mail_from(client, sender, utf8=utf8, message=message)
            except Exception as exc:
                if not _is_stale(exc):
                    raise _envelope_error(exc, sender=sender, config=self._config) from exc
                logger.info("The mail server closed the idle connection; reconnecting")
            else:
                return client
        self._discard()
        client = self._client = await self._connect()
        try:
            await _mail_from(client, sender, utf8=utf8, message=message)
        except Exception as exc:
            raise _envelope_error(exc, sender=sender, config=self._config) from exc
        return client

    async def _connect(self) -> aiosmtplib.SMTP:
        config = self._config
        client = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            local_hostname=config.local_hostname,
            timeout=config.timeout_s,
            use_tls=config.security == "tls",
            start_tls=False,
            tls_context=self._tls_context,
        )
        try:
            await client.connect()
            if config.security == "starttls":
                await _start_tls(client)
            if config.username is not None:
                await _log_in(client, config.username, self._password.current() or "")
        except Exception as exc:
            _hang_up(client, client.transport)
            if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
                self._password.refused()
            raise _connect_error(exc, config) from exc
        except BaseException:
            _hang_up(client, client.transport)
            raise
        return client

    def _discard(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            _hang_up(client, client.transport)


def _password(config: SmtpConfig) -> Password:
    return Password(
        config.password, reread=config.reread_password, setting="REMINDER_SMTP__PASSWORD"
    )


def _tls_context(config: SmtpConfig) -> ssl.SSLContext | None:
    return server_context(config.security, config.ca_file, server="The mail server")


def _hang_up(client: aiosmtplib.SMTP, transport: asyncio.BaseTransport | None) -> None:
    """Close the socket at once and reset the client.

    aiosmtplib's own close() starts a TLS goodbye that needs the peer and more turns of
    the event loop; after QUIT, or after a failure, there is nothing left worth saying.
    """
    if isinstance(transport, asyncio.WriteTransport):
        transport.abort()
    client.close()


async def _greet(client: aiosmtplib.SMTP) -> None:
    """EHLO unless already done on this connection (or since STARTTLS), to learn extensions."""
    if client.is_ehlo_or_helo_needed:
        await client.ehlo()


async def _start_tls(client: aiosmtplib.SMTP) -> None:
    await _greet(client)
    if not client.supports_extension("starttls"):
        raise PermanentSendError(STARTTLS_MISSING)
    await client.starttls()


async def _log_in(client: aiosmtplib.SMTP, username: str, password: str) -> None:
    await _greet(client)
    if not client.supported_auth_methods:
        raise PermanentSendError(
            "A mail server username is set, but the server does not offer a login method "
            "this service supports on this connection (many servers offer login only over "
            "an encrypted connection)."
        )
    await client.login(username, password)


async def _mail_from(client: aiosmtplib.SMTP, sender: str, *, utf8: bool, message: bytes) -> None:
    await _greet(client)
    options = []
    if utf8:
        if not client.supports_extension("smtputf8"):
            raise PermanentSendError(
                "The mail server does not accept email addresses with non-ASCII characters."
            )
        options.append("SMTPUTF8")
    if not message.isascii() and client.supports_extension("8bitmime"):
        options.append("BODY=8BITMIME")
    await client.mail(sender, options=options, encoding="utf-8" if utf8 else "ascii")


async def _add_recipients(
    client: aiosmtplib.SMTP, recipients: Sequence[str], *, utf8: bool, config: SmtpConfig
) -> dict[str, str]:
    """RCPT each recipient; return the refused ones, or raise if every one was refused."""
    refusals: list[aiosmtplib.SMTPRecipientRefused] = []
    for recipient in recipients:
        try:
            await client.rcpt(recipient, encoding="utf-8" if utf8 else "ascii")
        except aiosmtplib.SMTPRecipientRefused as exc:
            if exc.code == aiosmtplib.SMTPStatus.domain_unavailable:
                raise _by_code(exc.code, exc.message, what="the message") from exc
            refusals.append(exc)
        except Exception as exc:
            raise _envelope_error(exc, sender=None, config=config) from exc
    if len(refusals) == len(recipients):
        raise _all_refused(refusals)
    return {exc.recipient: _reply_text(exc.code, exc.message) for exc in refusals}


async def _send_data(
    client: aiosmtplib.SMTP, message: bytes, *, config: SmtpConfig
) -> aiosmtplib.SMTPResponse:
    try:
        return await client.data(message)
    except aiosmtplib.SMTPResponseException as exc:
        if _is_reply_code(exc.code):
            raise _by_code(exc.code, exc.message, what="the message") from exc
        raise UnknownOutcomeError(
            "The mail server gave an unreadable answer after the message was sent, so it may "
            f"or may not have accepted it: {exc.message}"
        ) from exc
    except aiosmtplib.SMTPTimeoutError as exc:
        raise UnknownOutcomeError(
            f"The mail server did not confirm the message within {config.timeout_s:g} "
            "seconds, so it may or may not have accepted it."
        ) from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise UnknownOutcomeError(
            "The connection to the mail server broke while the message was being sent, so it "
            "may or may not have accepted it."
        ) from exc


def _is_stale(exc: Exception) -> bool:
    """True when MAIL failed because the server had already given up on the connection."""
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return True
    return (
        isinstance(exc, aiosmtplib.SMTPResponseException)
        and exc.code == aiosmtplib.SMTPStatus.domain_unavailable
    )


def _connect_error(exc: Exception, config: SmtpConfig) -> MailServerUnusableError:
    """A failure while connecting, securing or logging in: the server is unusable, whatever
    its reply code, so the email waits (see `MailServerUnusableError`); the words are those
    the same failure would have anywhere else."""
    described = _described_connect_error(exc, config)
    return MailServerUnusableError(str(described), code=described.code)


def _described_connect_error(exc: Exception, config: SmtpConfig) -> SendError:
    if isinstance(exc, SendError):
        return exc
    tls_failure = _tls_failure(exc)
    if isinstance(tls_failure, ssl.SSLCertVerificationError):
        return PermanentSendError(
            f"The mail server's certificate is not trusted: {tls_failure.verify_message}. "
            "If the server uses a private certificate authority, set REMINDER_SMTP__CA_FILE "
            "to its certificate."
        )
    if tls_failure is not None:
        return PermanentSendError(
            f"The secure connection to the mail server at {config.host}:{config.port} failed "
            f"({tls_failure.reason or tls_failure}). Check REMINDER_SMTP__SECURITY and "
            "REMINDER_SMTP__PORT: port 465 usually means tls, port 587 starttls."
        )
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return _by_code(exc.code, exc.message, what=f"the login for user {config.username}")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return _by_code(exc.code, exc.message, what="the connection")
    return _connection_error(exc, config)


def _envelope_error(exc: Exception, *, sender: str | None, config: SmtpConfig) -> SendError:
    """Translate a failure of MAIL or RCPT: nothing of the message has gone out yet."""
    if isinstance(exc, SendError):
        return exc
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        what = "the message" if sender is None else f"the sender address {sender}"
        return _by_code(exc.code, exc.message, what=what)
    if isinstance(exc, ValueError):
        return PermanentSendError(f"An email address cannot be sent to the mail server: {exc}")
    return _connection_error(exc, config)


def _connection_error(exc: Exception, config: SmtpConfig) -> TransientSendError:
    where = f"{config.host}:{config.port}"
    if isinstance(exc, TimeoutError):
        return TransientSendError(
            f"The mail server at {where} did not answer within {config.timeout_s:g} seconds."
        )
    return TransientSendError(f"Could not talk to the mail server at {where}: {_reason(exc)}.")


def _all_refused(refusals: Sequence[aiosmtplib.SMTPRecipientRefused]) -> SendError:
    """Every recipient was refused: classify by the worst reply, and list them all."""
    worst = max(refusals, key=lambda exc: exc.code)
    details = "; ".join(
        f"{exc.recipient} ({_reply_text(exc.code, exc.message)})" for exc in refusals
    )
    text = f"The mail server refused every recipient: {details}"
    if 400 <= worst.code < 500:
        return TransientSendError(text, code=worst.code)
    return PermanentSendError(text, code=worst.code)


def _by_code(code: int, message: str, *, what: str) -> SendError:
    """A 5xx reply is final; anything else the server said is worth another try later."""
    text = _reply_text(code, message)
    if 500 <= code < 600:
        return PermanentSendError(f"The mail server refused {what}: {text}", code=code)
    return TransientSendError(
        f"The mail server could not accept {what} right now: {text}",
        code=code if _is_reply_code(code) else None,
    )


def _is_reply_code(code: int) -> bool:
    return 400 <= code < 600


def _reply_text(code: int, message: str) -> str:
    return " ".join([str(code), *message.split()])


def _tls_failure(exc: BaseException) -> ssl.SSLError | None:
    """The TLS error behind `exc`, if any (aiosmtplib wraps it when connecting with TLS)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _reason(exc: BaseException) -> str:
    """The operating system's words for a network failure, else the library's."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.strerror:
            return system_words(seen)
        seen = seen.__cause__ or seen.__context__
    if isinstance(exc, aiosmtplib.SMTPException):
        return exc.message
    return str(exc) or type(exc).__name__
