"""A private Dovecot on 127.0.0.1 for tests and benchmarks, with helpers to poke at it.

Each instance has its own directory in /dev/shm or /tmp (mode 755: Dovecot serves mail as
`nobody`, which must be able to reach it; unix socket paths must stay short), its own
instance_name and process group, two free ports (plain IMAP, and implicit-TLS IMAP with a
certificate for localhost and 127.0.0.1 from a trustme CA), one user, and its log in
`log_path`. It runs `dovecot -F` as root (the recipe in ../shared/MAIL-SERVERS.md).

Mail is delivered over LMTP as a mail server would (`deliver`), or stored byte for byte in
bulk (`append_many`); `kick`, `restart` and `change_uidvalidity` are the server-side
misfortunes a client must survive; `uids`, `flags`, `folders` and `folder_count` read the
mailbox through doveadm for assertions.

`config_for` makes an ImapConfig for a server; `ImapRelay` sits between a client and the
server so that a test can act at a known point of the conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from io import BufferedIOBase
from pathlib import Path
from string import Template
from types import TracebackType
from typing import Any, Self

import trustme

from reminder_service.imap import ImapConfig
from tests.support.smtp_server import free_port

HOST = "127.0.0.1"
USER = "replies@example.test"
PASSWORD = "Tr0ub4dor-imap-test"
START_TIMEOUT_S = 10.0
APPEND_CHUNK = 500
TEST_TIMEOUT_S = 5.0
KICK_POLL_S = 0.02
NO_USERS_KICKED = "no users kicked"

CONFIG = Template("""\
base_dir = $root/run
state_dir = $root/state
instance_name = $instance
protocols = imap lmtp
listen = $host
log_path = $root/dovecot.log
info_log_path = $root/dovecot.log
ssl = yes
ssl_cert = <$root/server.pem
ssl_key = <$root/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_max_userip_connections = 100
$extra
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $root/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $root/users
  default_fields = uid=nobody gid=nogroup home=$root/home/%u
}
mail_location = maildir:~/Maildir
mail_fsync = never
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = $host
    port = $imap_port
  }
  inet_listener imaps {
    address = $host
    port = $imaps_port
    ssl = yes
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
protocol lmtp {
  postmaster_address = postmaster@example.test
}
""")


class DovecotError(Exception):
    """Dovecot could not be started, or a doveadm command failed."""


def unavailable_reason() -> str | None:
    """Why a test Dovecot cannot run on this machine, or None when it can."""
    missing = [name for name in ("dovecot", "doveadm") if shutil.which(name) is None]
    if missing:
        return (
            f"{' and '.join(missing)} not found: install Dovecot with "
            "`apt-get install -y dovecot-imapd dovecot-lmtpd`"
        )
    if os.geteuid() != 0:
        return "the test Dovecot runs as root (it serves mail as the user nobody)"
    return None


class Dovecot:
    """One private Dovecot; see the module docstring.

    `capabilities`, when given, replaces what the server advertises after login (e.g.
    "IMAP4rev1 UIDPLUS" for a server without IDLE and MOVE).
    """

    def __init__(
        self,
        *,
        ca: trustme.CA,
        user: str = USER,
        password: str = PASSWORD,
        capabilities: str | None = None,
    ) -> None:
        self.host = HOST
        self.user = user
        self.password = password
        self.imap_port = free_port()
        self.imaps_port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-", dir=_base_dir()))
        self.root.chmod(0o755)
        self.ca_file = self.root / "ca.pem"
        self.log_path = self.root / "dovecot.log"
        self.lmtp_path = self.root / "run" / "lmtp"
        self._config = self.root / "dovecot.conf"
        self._process: subprocess.Popen[bytes] | None = None
        self._write_files(ca, capabilities)

    def start(self) -> None:
        """Start Dovecot and return once it listens (IMAP, IMAPS and LMTP come up together)."""
        if self._process is not None:
            raise DovecotError("this Dovecot is already running")
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                ["dovecot", "-F", "-c", str(self._config)],
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        self._wait_until_listening()

    def stop(self) -> None:
        """Stop Dovecot (SIGTERM) and wait for it; mail and ports are kept for `start`."""
        process, self._process = self._process, None
        if process is None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=START_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            _kill_group(process)

    def restart(self) -> None:
        """Stop and start again, on the same ports with the same mail."""
        self.stop()
        self.start()

    @property
    def running(self) -> bool:
        """True while the Dovecot master process is alive."""
        return self._process is not None and self._process.poll() is None

    def remove(self) -> None:
        """Kill Dovecot and every process it started, and delete its directory.

        Faster than `stop`, which waits about a second for Dovecot to wind down.
        """
        process, self._process = self._process, None
        if process is not None:
            _kill_group(process)
        shutil.rmtree(self.root, ignore_errors=True)

    def deliver(self, raw: bytes, *, sender: str = "someone@example.test") -> None:
        """Deliver one message to the INBOX over LMTP, as a mail server would.

        Dovecot adds Return-Path, Delivered-To and Received headers; use `append_many`
        when the stored bytes must equal `raw`.
        """
        with smtplib.LMTP(str(self.lmtp_path)) as lmtp:
            lmtp.sendmail(sender, [self.user], raw)

    def append_many(self, raws: Sequence[bytes], *, folder: str = "INBOX") -> list[int]:
        """Store messages byte for byte (use CRLF line ends), fast; returns their UIDs.

        One IMAP connection, MULTIAPPEND with non-synchronizing literals: thousands of
        messages per second, where APPEND one by one manages hundreds.
        """
        uids: list[int] = []
        with (
            socket.create_connection((self.host, self.imap_port), timeout=30) as sock,
            sock.makefile("rwb") as stream,
        ):
            _read_until(stream, b"* OK")
            _command(
                stream, b"L", b'LOGIN "%s" "%s"' % (self.user.encode(), self.password.encode())
            )
            for start in range(0, len(raws), APPEND_CHUNK):
                chunk = raws[start : start + APPEND_CHUNK]
                literals = b"".join(b" {%d+}\r\n%s" % (len(raw), raw) for raw in chunk)
                done = _command(stream, b"A", b'APPEND "%s"%s' % (folder.encode(), literals))
                uids.extend(_appended_uids(done))
            _command(stream, b"Z", b"LOGOUT")
        return uids

    def kick(self, *, timeout_s: float = START_TIMEOUT_S) -> None:
        """Make Dovecot drop every connection of the user at once (it says BYE first).

        `doveadm kick` drops only the sessions logged in at that instant and fails with
        "no users kicked" otherwise, so this tries again until it drops one: a client still
        logging in, or away between a dropped connection and its reconnect, is dropped once
        it is back. DovecotError if none is within `timeout_s`.
        """
        deadline = time.monotonic() + timeout_s
        while not self._kicked_someone():
            if time.monotonic() > deadline:
                raise DovecotError(f"no connection of {self.user} to drop within {timeout_s} s")
            time.sleep(KICK_POLL_S)

    def drop_sessions(self) -> None:
        """Drop the user's sessions logged in at this instant, if there are any (a test's
        leftover client, say), so a test that kicks next knows whom its kick drops."""
        self._kicked_someone()

    def _kicked_someone(self) -> bool:
        try:
            self.doveadm("kick", self.user)
        except DovecotError as error:
            if NO_USERS_KICKED in str(error):
                return False
            raise
        return True

    def uidvalidity(self, folder: str = "INBOX") -> int:
        """The folder's current UIDVALIDITY."""
        return int(self._status(folder, "uidvalidity"))

    def change_uidvalidity(self, folder: str = "INBOX") -> int:
        """Give the folder a new UIDVALIDITY, as after a server migration; returns it."""
        value = self.uidvalidity(folder) + 1
        self.doveadm("mailbox", "update", "-u", self.user, "--uid-validity", str(value), folder)
        return value

    def uids(self, folder: str = "INBOX") -> list[int]:
        """The UIDs in the folder, ascending."""
        output = self.doveadm("search", "-u", self.user, "mailbox", folder, "all")
        return sorted(int(line.split()[1]) for line in output.splitlines() if line.strip())

    def flags(self, uid: int, *, folder: str = "INBOX") -> set[str]:
        """The flags and keywords of one message."""
        output = self.doveadm("fetch", "-u", self.user, "flags", "mailbox", folder, "uid", str(uid))
        match = re.search(r"^flags:(.*)$", output, re.MULTILINE)
        if match is None:
            raise DovecotError(f"no message with UID {uid} in {folder}")
        return set(match[1].split())

    def folder_count(self, folder: str) -> int:
        """How many messages the folder holds."""
        return int(self._status(folder, "messages"))

    def folders(self) -> list[str]:
        """Every folder of the user, INBOX included."""
        return self.doveadm("mailbox", "list", "-u", self.user).splitlines()

    def reset(self) -> None:
        """Empty the INBOX and delete every other folder."""
        self.doveadm("expunge", "-u", self.user, "mailbox", "INBOX", "all")
        others = [name for name in self.folders() if name != "INBOX"]
        if others:
            self.doveadm("mailbox", "delete", "-u", self.user, "-r", "-s", *others)

    def doveadm(self, *args: str) -> str:
        """Run `doveadm ARGS` against this instance; its output, or DovecotError."""
        result = subprocess.run(
            ["doveadm", "-c", str(self._config), *args],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S,
            check=False,
        )
        if result.returncode != 0:
            output = (result.stderr + result.stdout).strip()
            raise DovecotError(f"doveadm {' '.join(args)} failed ({result.returncode}): {output}")
        return result.stdout

    def _status(self, folder: str, item: str) -> str:
        output = self.doveadm("mailbox", "status", "-u", self.user, item, folder)
        match = re.search(rf"\b{item}=(\d+)", output)
        if match is None:
            raise DovecotError(f"doveadm gave no {item} for {folder}: {output!r}")
        return match[1]

    def _write_files(self, ca: trustme.CA, capabilities: str | None) -> None:
        for name in ("run", "state"):
            (self.root / name).mkdir()
        home = self.root / "home"
        home.mkdir()
        shutil.chown(home, user="nobody", group="nogroup")
        certificate = ca.issue_cert("localhost", HOST)
        certificate.private_key_pem.write_to_path(str(self.root / "server.key"))
        (self.root / "server.pem").write_bytes(
            b"".join(blob.bytes() for blob in certificate.cert_chain_pems)
        )
        ca.cert_pem.write_to_path(str(self.ca_file))
        (self.root / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        extra = f"imap_capability = {capabilities}" if capabilities else ""
        self._config.write_text(
            CONFIG.substitute(
                root=self.root,
                instance=self.root.name,
                host=self.host,
                imap_port=self.imap_port,
                imaps_port=self.imaps_port,
                extra=extra,
            )
        )

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (self.lmtp_path.exists() and _accepts(self.host, self.imap_port)):
            if self._process is not None and self._process.poll() is not None:
                raise DovecotError(f"Dovecot exited at start:\n{self.log_text()}")
            if time.monotonic() > deadline:
                raise DovecotError(f"Dovecot did not listen within {START_TIMEOUT_S} s")
            time.sleep(0.01)

    def log_text(self) -> str:
        """What Dovecot has logged so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.remove()


def config_for(server: Dovecot, *, tls: bool = False, **changes: Any) -> ImapConfig:
    """An ImapConfig for a test Dovecot: plain or TLS (trusting its CA), short timeouts."""
    config = ImapConfig(
        host=server.host,
        port=server.imaps_port if tls else server.imap_port,
        security="tls" if tls else "none",
        username=server.user,
        password=server.password,
        ca_file=server.ca_file if tls else None,
        poll_s=TEST_TIMEOUT_S,
        command_timeout_s=TEST_TIMEOUT_S,
        idle_renew_s=TEST_TIMEOUT_S,
    )
    return replace(config, **changes)


class ImapRelay:
    """A TCP relay on 127.0.0.1 to a server, for watching and pausing what the server sends.

    Tests use it to act at a known point of a conversation without sleeping: wait until
    the server said "+ idling", or hold the server's output right after a FETCH began.
    """

    def __init__(self, *, target_port: int) -> None:
        self.port = 0
        self._target_port = target_port
        self._said = bytearray()
        self._changed = asyncio.Condition()
        self._hold_marker: bytes | None = None
        self._rewrites: dict[bytes, bytes] = {}
        self._hold_from = 0
        self._holding = asyncio.Event()
        self._released = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def server_bytes(self) -> int:
        """How many bytes the server has sent to clients so far."""
        return len(self._said)

    async def start(self) -> None:
        """Listen on a free port."""
        self._server = await asyncio.start_server(self._serve, HOST, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening and cut every connection."""
        if self._server is not None:
            self._server.close()
        for writer in self._writers:
            writer.transport.abort()
        self._released.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def server_said(self, marker: bytes, *, times: int = 1) -> None:
        """Wait until the server's output (to all clients) holds `marker` `times` times."""
        async with self._changed:
            await self._changed.wait_for(lambda: self._said.count(marker) >= times)

    def hold_after(self, marker: bytes) -> None:
        """Once the server next sends `marker`, pass that read on, then hold its output."""
        self._hold_marker = marker
        self._hold_from = len(self._said)

    async def holding(self) -> None:
        """Wait until the server's output is being held."""
        await self._holding.wait()

    def release(self) -> None:
        """Pass on what was held, and everything after it."""
        self._released.set()

    def rewrite(self, old: bytes, new: bytes) -> None:
        """From now on, pass the server's `old` on to clients as `new` (within one read: for
        short lines such as a search result)."""
        self._rewrites[old] = new

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.append(writer)
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                HOST, self._target_port
            )
        except OSError:
            writer.transport.abort()
            return
        self._writers.append(upstream_writer)
        await asyncio.gather(
            self._pump(reader, upstream_writer, from_server=False),
            self._pump(upstream_reader, writer, from_server=True),
        )

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, from_server: bool
    ) -> None:
        try:
            while data := await reader.read(65536):
                if from_server:
                    for old, new in self._rewrites.items():
                        data = data.replace(old, new)
                writer.write(data)
                await writer.drain()
                if from_server:
                    await self._heard(data)
        except OSError:
            writer.transport.abort()
        else:
            writer.close()

    async def _heard(self, data: bytes) -> None:
        async with self._changed:
            self._said.extend(data)
            self._changed.notify_all()
        marker = self._hold_marker
        if marker is not None and self._said.find(marker, self._hold_from) >= 0:
            self._hold_marker = None
            self._holding.set()
            await self._released.wait()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL Dovecot and its children (its own process group), and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _command(stream: BufferedIOBase, tag: bytes, command: bytes) -> bytes:
    """Send one tagged command; its tagged completion line, or DovecotError unless OK."""
    stream.write(tag + b" " + command + b"\r\n")
    stream.flush()
    line = _read_until(stream, tag + b" ")
    if not line.startswith(tag + b" OK"):
        raise DovecotError(f"IMAP {command[:40]!r}... failed: {line!r}")
    return line


def _read_until(stream: BufferedIOBase, prefix: bytes) -> bytes:
    while True:
        line = stream.readline()
        if not line:
            raise DovecotError("Dovecot closed the IMAP connection")
        if line.startswith(prefix):
            return line


def _appended_uids(completion: bytes) -> list[int]:
    """The UIDs in "A OK [APPENDUID 1700000000 5:9,12] Append completed."."""
    match = re.search(rb"\[APPENDUID \d+ ([\d:,]+)\]", completion)
    if match is None:
        raise DovecotError(f"no APPENDUID in {completion!r}")
    uids: list[int] = []
    for part in match[1].decode().split(","):
        first, _, last = part.partition(":")
        uids.extend(range(int(first), int(last or first) + 1))
    return uids


def _base_dir() -> str:
    """/dev/shm when it is there (tmpfs: appending is some 30 times faster here), else /tmp."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else "/tmp"
