"""`reminder-service demo`: the real daemon on the example program, with a mail server of its own.

A local SMTP server (aiosmtpd) on 127.0.0.1 receives what the daemon sends, keeps every
message in a Maildir under `data/demo/` (open it with any mail client that reads Maildir, or
`mutt -f data/demo/maildir`) and prints each one as it arrives. No account, no external
server. The demo database is started afresh each time so there is always something to see.
"""

from __future__ import annotations

import asyncio
import logging
import mailbox
import secrets
import socket
import sys
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import TextIO

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import SecretStr

from reminder_service import bootstrap
from reminder_service.cli import serve_until_signalled
from reminder_service.core.wording import REPLY_MARKER
from reminder_service.settings import Settings, SmtpSettings, load_settings

DEMO_DIR = Path("data/demo")
DEMO_FROM = "Mentoring Program (demo) <mentoring@demo.example>"
PREVIEW_LINES = 4


class DemoInbox:
    """An aiosmtpd handler that keeps messages in a Maildir and prints a short view of each."""

    def __init__(self, maildir: mailbox.Maildir, *, out: TextIO) -> None:
        self._maildir = maildir
        self._out = out
        self._lock = threading.Lock()
        self.received = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        """Store the message and print who it is for, its subject and its first lines."""
        raw = envelope.original_content or b""
        with self._lock:
            key = self._maildir.add(raw)
            self.received += 1
            self._out.write(_describe(raw, number=self.received, where=key) + "\n")
            self._out.flush()
        return "250 Message accepted for delivery"


def _describe(raw: bytes, *, number: int, where: str) -> str:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    lines = (line for line in str(text).splitlines() if line.strip())
    first = [line for line in lines if REPLY_MARKER not in line][:PREVIEW_LINES]
    return "\n".join(
        [
            f"--- email {number} " + "-" * 50,
            f"To:      {message['To']}",
            f"Subject: {message['Subject']}",
            *(f"    {line}" for line in first),
            f"(saved in {DEMO_DIR / 'maildir'} as {where})",
        ]
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def demo_settings(settings: Settings, *, data_dir: Path, smtp_port: int) -> Settings:
    """The deployment's settings with the mail server, database and keys made local."""
    return settings.model_copy(
        update={
            "database": data_dir / "reminders.sqlite3",
            "secret_key": SecretStr(secrets.token_urlsafe(32)),
            "sender": DEMO_FROM,
            "reply_to": None,
            "smtp": SmtpSettings(host="127.0.0.1", port=smtp_port, security="none"),
        }
    )


def _fresh_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run_demo(*, data_dir: Path = DEMO_DIR, out: TextIO = sys.stdout) -> int:
    """Run the demo until Ctrl-C; returns the exit status."""
    data_dir.mkdir(parents=True, exist_ok=True)
    logging.getLogger("reminder_service").setLevel(logging.WARNING)
    port = _free_port()
    settings = demo_settings(load_settings(), data_dir=data_dir, smtp_port=port)
    _fresh_database(settings.database)
    inbox = DemoInbox(mailbox.Maildir(data_dir / "maildir", create=True), out=out)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    out.write(
        f"Demo: a local mail server is listening on 127.0.0.1:{port}; the service is running\n"
        f"on {settings.config}. Check-ins that are due appear below. Press Ctrl-C to stop.\n\n"
    )
    out.flush()
    service = bootstrap.build_service(settings)
    try:
        asyncio.run(serve_until_signalled(service.daemon.run))
    finally:
        service.store.close()
        controller.stop()
    out.write(f"\nDemo stopped: {inbox.received} email(s) kept in {data_dir / 'maildir'}.\n")
    return 0
