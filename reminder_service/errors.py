"""The exceptions the shell raises, so callers never see a library's own exception types.

    ReminderError
    ├── ConfigError          settings, program YAML or templates are not usable (permanent)
    ├── StoreError           the SQLite database cannot be opened or migrated (permanent)
    │   ├── StoreBusyError   another connection held its lock too long; nothing was saved
    │   └── InstanceLockedError  another service or command holds the database's instance lock
    ├── PairErasedError      replies read for a pair that `forget` erased before they were
    │                        recorded: nothing was recorded; read them again
    └── SendError            an email could not be handed to the SMTP server
        ├── TransientSendError   try again later: 4xx replies, refused or dropped connections
        │                        before the message data, timeouts before DATA
        ├── PermanentSendError   do not retry: 5xx replies, TLS or authentication failures
        └── UnknownOutcomeError  the connection broke after the message data went out; the
                                 server may or may not have accepted it, so never resend
    └── MailboxError         the reply mailbox (IMAP) could not be read
        ├── TransientMailboxError  reconnect with backoff: dropped connections, timeouts,
        │                          a server that is down or restarting
        └── PermanentMailboxError  needs the operator: login refused, certificate not trusted,
                                   the folder does not exist

Adapters raise these with `raise ... from exc` so the library's exception stays attached for
logs, while the daemon only needs to tell transient from permanent from unknown.
"""

from __future__ import annotations

from collections.abc import Collection


class ReminderError(Exception):
    """Base of every error this service raises on purpose."""


class ConfigError(ReminderError):
    """Settings, the program YAML or the templates cannot be used as they are."""


class StoreError(ReminderError):
    """The database cannot be opened, locked or migrated."""


class StoreBusyError(StoreError):
    """Another connection held the database's lock past the busy timeout; the step that
    waited saved nothing and may be tried again."""


class InstanceLockedError(StoreError):
    """Another process (a service, or a command that changes the database) holds the
    database's instance lock; the message names it."""


class PairErasedError(ReminderError):
    """Replies were read for pairs that `forget` erased before they could be recorded.

    Nothing was recorded: reading them again, with a program that now leaves those pairs
    out, records them as it does any reply for a pair erased earlier. `pair_ids` names them.
    """

    def __init__(self, pair_ids: Collection[str]) -> None:
        self.pair_ids = frozenset(pair_ids)
        super().__init__(
            f"Pair(s) {', '.join(sorted(self.pair_ids))} were erased with forget while "
            "replies naming them were being read, so none of those replies were recorded; "
            "they must be read again."
        )


class SendError(ReminderError):
    """An email could not be handed over to the SMTP server.

    `code` is the SMTP reply code when the server gave one, else None.
    """

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class TransientSendError(SendError):
    """Worth retrying later with backoff."""


class MailServerUnusableError(TransientSendError):
    """The mail server could not be reached, secured or logged in to: nothing was handed over.

    Whatever the server's reply code, the email is never given up on (nor its attempt
    counted): a wrong password or an untrusted certificate is the deployment's problem, not
    the email's, and must not fail every email that falls due until an operator notices.
    The sender pauses for the whole server instead, trying one email at growing intervals
    (see `sender`), and the service reports itself not ready meanwhile. What waits goes out
    once the server works: a period email or digest that a later one superseded is
    withdrawn, but the others (thank-yous, confirmations, questions) go out late.
    """


class PermanentSendError(SendError):
    """Retrying will not help; record it and tell the coordinator."""


class UnknownOutcomeError(SendError):
    """The server may have accepted the message; resending could deliver it twice."""


class MailboxError(ReminderError):
    """The reply mailbox could not be read or updated."""


class TransientMailboxError(MailboxError):
    """Drop the connection and try again after a backoff."""


class PermanentMailboxError(MailboxError):
    """Retrying will not help until the operator changes something."""
