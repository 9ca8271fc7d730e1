"""A mail server password corrected in its secret file is used without a restart."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

import pytest

from reminder_service import bootstrap
from reminder_service.errors import MailServerUnusableError, PermanentMailboxError
from reminder_service.imap import mailboxes
from reminder_service.settings import Settings, load_settings
from reminder_service.smtp import mailers
from tests.support.dovecot import Dovecot
from tests.support.process import clear_reminder_env
from tests.support.smtp_server import HOST, PASSWORD, USERNAME, SmtpTestServer

SENDER = "coordinator@example.test"
MESSAGE = b"From: coordinator@example.test\r\nSubject: Check-in\r\n\r\nHow did it go?\r\n"
PICKED_UP = "A changed REMINDER_{}__PASSWORD was found"


@pytest.fixture
def secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty secrets folder, with no REMINDER_ variable in the environment."""
    clear_reminder_env(monkeypatch)
    folder = tmp_path / "secrets"
    folder.mkdir()
    return folder


def settings_from(secrets: Path) -> tuple[Settings, bootstrap.Reread]:
    """The settings as the service reads them, and the way it reads them again."""
    read = partial(load_settings, env_file=None, secrets_dir=secrets)
    return read(), read


async def test_a_corrected_smtp_password_file_is_used_after_a_refused_login(
    smtp_tls_server: SmtpTestServer,
    smtp_ca_file: Path,
    secrets: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After the mail server refuses the login, the next send reads the password file
    again, logs in with the corrected password and delivers, and says so without the
    password."""
    for name, value in {
        "HOST": HOST,
        "PORT": str(smtp_tls_server.port),
        "SECURITY": "starttls",
        "USERNAME": USERNAME,
        "CA_FILE": str(smtp_ca_file),
    }.items():
        monkeypatch.setenv(f"REMINDER_SMTP__{name}", value)
    password_file = secrets / "REMINDER_SMTP__PASSWORD"
    password_file.write_text("not the password\n")
    settings, reread = settings_from(secrets)
    mailer = mailers(bootstrap.smtp_config(settings, reread=reread))()
    try:
        with pytest.raises(MailServerUnusableError):
            await mailer.send(sender=SENDER, recipients=["mentor@example.test"], message=MESSAGE)
        password_file.write_text(f"{PASSWORD}\n")
        with caplog.at_level(logging.INFO, logger="reminder_service"):
            await mailer.send(sender=SENDER, recipients=["mentor@example.test"], message=MESSAGE)
    finally:
        await mailer.close()

    assert len(smtp_tls_server.messages) == 1
    assert PICKED_UP.format("SMTP") in caplog.text
    assert PASSWORD not in caplog.text


async def test_a_corrected_imap_password_file_is_used_after_a_refused_login(
    clean_dovecot: Dovecot,
    secrets: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After the reply mailbox refuses the login, the next connection reads the password
    file again, logs in with the corrected password and reads the folder."""
    for name, value in {
        "HOST": clean_dovecot.host,
        "PORT": str(clean_dovecot.imap_port),
        "SECURITY": "none",
        "USERNAME": clean_dovecot.user,
        "TIMEOUT_S": "5",
    }.items():
        monkeypatch.setenv(f"REMINDER_IMAP__{name}", value)
    password_file = secrets / "REMINDER_IMAP__PASSWORD"
    password_file.write_text("not the password\n")
    clean_dovecot.deliver(MESSAGE)
    settings, reread = settings_from(secrets)
    connect = mailboxes(bootstrap.imap_config(settings, reread=reread))

    refused = connect()
    with pytest.raises(PermanentMailboxError, match="refused the login"):
        await refused.open()
    await refused.close()
    password_file.write_text(f"{clean_dovecot.password}\n")
    mailbox = connect()
    try:
        with caplog.at_level(logging.INFO, logger="reminder_service"):
            await mailbox.open()
        uids = await mailbox.new_uids(after=0)
    finally:
        await mailbox.close()

    assert len(uids) == 1
    assert PICKED_UP.format("IMAP") in caplog.text
    assert clean_dovecot.password not in caplog.text
