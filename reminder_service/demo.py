"""`reminder-service demo`: the real daemon on the example program, with mail servers of its own.

A local SMTP server (aiosmtpd) on 127.0.0.1 receives what the daemon sends, keeps every
message in a Maildir under `data/demo/` (open it with any mail client that reads Maildir, or
`mutt -f data/demo/maildir`) and prints each one as it arrives. With the `demo` extra
installed, a local IMAP server (pymap, in memory) is the reply mailbox, and simulated pairs
answer the first check-ins the way real people write (demo_replies.py), so the whole loop
shows: check-ins out, replies in, meetings logged. No account, no external server. The demo
database is started afresh each time so there is always something to see.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import mailbox
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import IO, TextIO

import aioimaplib
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import SecretStr

from reminder_service import bootstrap
from reminder_service.cli import serve_until_signalled
from reminder_service.core.cadence import next_weekday
from reminder_service.core.due import late_checkin_from, local_date
from reminder_service.core.model import Program
from reminder_service.core.status import is_silent
from reminder_service.core.wording import REPLY_MARKER
from reminder_service.demo_replies import SCRIPT, Reply
from reminder_service.errors import ConfigError
from reminder_service.settings import (
    HttpSettings,
    ImapSettings,
    Settings,
    SmtpSettings,
    load_settings,
)

DEMO_DIR = Path("data/demo")
DEMO_FROM = "Mentoring Program (demo) <mentoring@demo.example>"
DEMO_USER = "mentoring@demo.example"
PROCESSED_FOLDER = "Processed"
PREVIEW_LINES = 4
REPLY_DELAY_S = 1.5
PYMAP_START_S = 15.0
PYMAP_ATTEMPTS = 3
PYMAP = "import sys; from pymap.main import main; sys.exit(main())"


class ReplyMailbox:
    """A pymap IMAP server in memory on 127.0.0.1, holding one demo user's mailbox."""

    def __init__(self) -> None:
        self.port = 0
        self.password = secrets.token_urlsafe(12)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start pymap and return once it accepts connections.

        The port is picked free just before pymap binds it, so on a busy machine another
        program can take it first and pymap stops at once: it is then started again on
        another port, a few times, before the demo gives up with pymap's own last words.
        """
        said = ""
        for _ in range(PYMAP_ATTEMPTS):
            self.port = _free_port()
            with tempfile.TemporaryFile() as errors:
                if self._started(errors):
                    return
                errors.seek(0)
                lines = errors.read().decode(errors="replace").strip().splitlines()
                said = lines[-1] if lines else ""
        raise ConfigError(
            "the demo's IMAP server (pymap) did not start" + (f": {said}" if said else "")
        )

    def _started(self, errors: IO[bytes]) -> bool:
        """Run pymap on `self.port`, its errors to `errors`; whether it accepts connections."""
        self._process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own interpreter
            [
                sys.executable,
                "-c",
                PYMAP,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-tls",
                "dict",
                # One argument each: a random password may start with "-", which pymap's
                # argument parser would otherwise take for an option.
                f"--demo-user={DEMO_USER}",
                f"--demo-password={self.password}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env={"FQDN": "localhost", "PATH": ""},
            start_new_session=True,  # Ctrl-C is for the daemon; pymap is stopped after it
        )
        deadline = time.monotonic() + PYMAP_START_S
        while time.monotonic() < deadline and self._process.poll() is None:
            if _greets_as_imap(self.port):
                return True
            time.sleep(0.05)
        self.stop()
        return False

    def stop(self) -> None:
        """Stop pymap."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=5)

    async def append(self, raw: bytes) -> None:
        """Put a message into the demo user's INBOX, as a mail server delivering it would."""
        client = aioimaplib.IMAP4(host="127.0.0.1", port=self.port, timeout=10)
        await client.wait_hello_from_server()
        await client.login(DEMO_USER, self.password)
        await client.append(raw, mailbox="INBOX")
        await client.logout()


class DemoInbox:
    """An aiosmtpd handler: keeps each message, prints it, and lets the script answer it."""

    def __init__(
        self, maildir: mailbox.Maildir, *, out: TextIO, replies: ReplyMailbox | None
    ) -> None:
        self._maildir = maildir
        self._out = out
        self._replies = replies
        self._script = list(SCRIPT)
        self._lock = threading.Lock()
        self._answering: set[asyncio.Task[None]] = set()
        self.received = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        """Store the message, print a short view, and schedule the script's answer if any."""
        raw = envelope.original_content or b""
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            key = self._maildir.add(raw)
            self.received += 1
            self._say(_describe(message, number=self.received, where=key))
            answers = self._script.pop(0) if self._script and _is_checkin(message) else ()
        if answers and self._replies is not None:
            task = asyncio.get_running_loop().create_task(self._answer(answers, message))
            self._answering.add(task)
            task.add_done_callback(self._answering.discard)
        return "250 Message accepted for delivery"

    async def _answer(self, answers: tuple[Reply, ...], checkin: EmailMessage) -> None:
        """Put the replies into the mailbox one after the other, as people take a moment;
        each is shown before it goes in, so the log's reading of it always comes after."""
        assert self._replies is not None
        await asyncio.sleep(REPLY_DELAY_S)
        for answer in answers:
            raw = answer(checkin, datetime.now(UTC))
            reply = message_from_bytes(raw, policy=policy.default)
            subject = " ".join(str(reply["Subject"]).split())
            with self._lock:
                self._say(f"<-- reply from {reply['From']}: {subject}\n    {_first_line(reply)}")
            await self._replies.append(raw)

    def _say(self, text: str) -> None:
        self._out.write(text + "\n")
        self._out.flush()


def _is_checkin(message: EmailMessage) -> bool:
    return str(message["X-Reminder-Kind"]) == "checkin"


def _text(message: object) -> str:
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    return str(body.get_content()) if isinstance(body, EmailMessage) else ""


def _first_line(message: object) -> str:
    return next((line for line in _text(message).splitlines() if line.strip()), "")


def _describe(message: EmailMessage, *, number: int, where: str) -> str:
    lines = (line for line in _text(message).splitlines() if line.strip())
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


def _greets_as_imap(port: int) -> bool:
    """Whether an IMAP server answers on `port` (not merely something that listens there)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
            return probe.recv(64).startswith(b"* OK")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def demo_settings(
    settings: Settings, *, data_dir: Path, smtp_port: int, replies: ReplyMailbox | None
) -> Settings:
    """The deployment's settings with the mail servers, database and keys made local."""
    imap = ImapSettings()
    if replies is not None:
        imap = ImapSettings(
            host="127.0.0.1",
            port=replies.port,
            security="none",
            username=DEMO_USER,
            password=SecretStr(replies.password),
            processed_folder=PROCESSED_FOLDER,
            poll_s=5.0,
        )
    return settings.model_copy(
        update={
            "database": data_dir / "reminders.sqlite3",
            "secret_key": SecretStr(secrets.token_urlsafe(32)),
            "sender": DEMO_FROM,
            "reply_to": None,
            "smtp": SmtpSettings(host="127.0.0.1", port=smtp_port, security="none"),
            "imap": imap,
            "http": HttpSettings(host="127.0.0.1", port=_free_port()),
        }
    )


def _fresh_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _quiet_logs() -> None:
    """Show the demo's own lines and the reply log; keep the rest for warnings."""
    logging.getLogger("reminder_service").setLevel(logging.WARNING)
    logging.getLogger("reminder_service.intake").setLevel(logging.INFO)


def run_demo(*, data_dir: Path = DEMO_DIR, out: TextIO = sys.stdout) -> int:
    """Run the demo until Ctrl-C; returns the exit status."""
    data_dir.mkdir(parents=True, exist_ok=True)
    _quiet_logs()
    replies = ReplyMailbox() if importlib.util.find_spec("pymap") else None
    if replies is not None:
        replies.start()
    try:
        inbox = _serve_demo(data_dir, replies=replies, out=out)
    finally:
        if replies is not None:
            replies.stop()
    out.write(f"\nDemo stopped: {inbox.received} email(s) kept in {data_dir / 'maildir'}.\n")
    return 0


def _serve_demo(data_dir: Path, *, replies: ReplyMailbox | None, out: TextIO) -> DemoInbox:
    """Run the service against the demo's SMTP inbox (and reply mailbox) until a signal."""
    port = _free_port()
    settings = demo_settings(load_settings(), data_dir=data_dir, smtp_port=port, replies=replies)
    _fresh_database(settings.database)
    inbox = DemoInbox(mailbox.Maildir(data_dir / "maildir", create=True), out=out, replies=replies)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        out.write(_banner(settings, port=port, replies=replies))
        out.flush()
        service = bootstrap.build_service(settings)
        waiting = waiting_for_monday(service.program, datetime.now(UTC))
        if waiting:
            out.write(waiting + "\n\n")
            out.flush()
        try:
            asyncio.run(serve_until_signalled(service.daemon.run))
        finally:
            service.close()
    finally:
        controller.stop()
    return inbox


def waiting_for_monday(program: Program, now: datetime) -> str:
    """A line saying why some pairs get no check-in yet: they ask for weekdays only, and it
    is the weekend where they are (or Monday before their sending time); empty if none."""
    today = {pair.id: local_date(pair, now) for pair in program.pairs}
    held = [
        pair
        for pair in program.pairs
        if not is_silent(pair, today[pair.id]) and late_checkin_from(pair, now) > now
    ]
    if not held:
        return ""
    weekend = all(next_weekday(today[pair.id]) != today[pair.id] for pair in held)
    when = "it is the weekend" if weekend else "it is the weekend or early on Monday"
    if len(held) == 1:
        return (
            f"Pair {held[0].id} asks for check-ins on weekdays only and {when} where they "
            "are: its check-in waits for Monday at its send_at time."
        )
    return (
        f"{len(held)} pairs ask for check-ins on weekdays only and {when} where they are: "
        "their check-ins wait for Monday, each at its send_at time."
    )


def _banner(settings: Settings, *, port: int, replies: ReplyMailbox | None) -> str:
    lines = [
        f"Demo: a local mail server on 127.0.0.1:{port} receives what the service sends",
        f"for the program in {settings.config}. Press Ctrl-C to stop.",
    ]
    if replies is not None:
        lines.append(
            f"Replies go to a local IMAP mailbox on 127.0.0.1:{replies.port}; the first "
            "check-ins are answered by simulated pairs."
        )
    else:
        lines.append(
            "Install the demo extra (pip install -e '.[demo]') to see replies come in too."
        )
    return "\n".join(lines) + "\n\n"
