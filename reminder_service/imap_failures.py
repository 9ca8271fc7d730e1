"""How the reply mailbox's failures read: each one as a transient or permanent MailboxError.

A NO reply, or a library, socket, TLS or timeout failure while doing something, becomes
our error, worded for the coordinator who runs the service: what happened, where, and
which REMINDER_IMAP__ setting to check. Transient ones are retried after a reconnect;
permanent ones need the operator.
"""

from __future__ import annotations

import ssl

import aioimaplib

from reminder_service.errors import MailboxError, PermanentMailboxError, TransientMailboxError
from reminder_service.failure_words import as_sentence, system_words
from reminder_service.imap_config import ImapConfig
from reminder_service.imap_link import ConnectionLostError
from reminder_service.imap_responses import Reply

CONNECTING = "connecting"
TEMPORARY_CODES = (b"[UNAVAILABLE]", b"[INUSE]", b"[LIMIT]")


def server_address(config: ImapConfig) -> str:
    """The mailbox server as errors name it: host:port."""
    return f"{config.host}:{config.port}"


def refusal(reply: Reply, message: str) -> MailboxError:
    """A NO that names a passing condition (RFC 5530) is worth retrying; others are not."""
    completion = bytes(reply.lines[-1]) if reply.lines else b""
    if any(code in completion.upper() for code in TEMPORARY_CODES):
        return TransientMailboxError(message)
    return PermanentMailboxError(message)


def translate(exc: Exception, *, what: str, config: ImapConfig) -> MailboxError:
    """Our error for a library, socket, TLS or timeout failure while doing `what`."""
    where = server_address(config)
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
    if isinstance(exc, ConnectionLostError):
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
            f"{as_sentence(system_words(exc))}"
        )
    return TransientMailboxError(
        f"The reply mailbox at {where} answered in a way this service could not follow "
        f"while {what} ({type(exc).__name__})."
    )
