"""The reply-mailbox adapter's settings, as one immutable value.

bootstrap.py builds an ImapConfig from the deployment's REMINDER_IMAP__ settings;
imap.py (which re-exports it) and the modules it uses read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Security = Literal["tls", "none"]


@dataclass(frozen=True, slots=True)
class ImapConfig:
    """Where the reply mailbox is, how to log in, and how patiently to talk to it.

    `ca_file` is a certificate authority to trust on top of the system's ones. With
    `processed_folder`, handled messages are moved there (it is created when missing);
    without it they stay in `folder` and get the $ReminderProcessed keyword. `idle_renew_s`
    bounds one IDLE: servers may end an IDLE after 30 minutes, and NAT boxes sooner.
    `reread_password`, when the password can change while the service runs, reads it again
    from where it is set; it is called after the server refuses the login.
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
    reread_password: Callable[[], str | None] | None = field(
        default=None, repr=False, compare=False
    )
