"""The TLS settings both mail adapters (SMTP and IMAP) use to check the server they talk to."""

from __future__ import annotations

import ssl
from pathlib import Path

from reminder_service.errors import ConfigError


def client_context(ca_file: Path | None, *, server: str) -> ssl.SSLContext:
    """Verify the server's certificate and host name against the system CAs and `ca_file`.

    `ca_file` is an extra certificate authority to trust, for servers with a private one.
    `server` names the server as a coordinator knows it, at the start of a sentence ("The
    mail server"), for the ConfigError raised when `ca_file` cannot be read.
    """
    context = ssl.create_default_context()
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=ca_file)
        except OSError as exc:
            raise ConfigError(
                f"{server}'s CA certificate file {ca_file} cannot be used: {exc}"
            ) from exc
    return context


def server_context(security: str, ca_file: Path | None, *, server: str) -> ssl.SSLContext | None:
    """`client_context` for a server reached with TLS; None when `security` is "none"
    (sending in the clear, where no certificate, and no CA file, is read)."""
    if security == "none":
        return None
    return client_context(ca_file, server=server)
