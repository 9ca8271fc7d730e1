"""SmtpMailer against a real aiosmtpd server: delivery, TLS, login, and every failure class."""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

import pytest
import trustme

from reminder_service.built_in_templates import BUILT_IN_TEMPLATES
from reminder_service.compose import Composer, Identity
from reminder_service.core.due import due_checkins
from reminder_service.errors import (
    ConfigError,
    MailServerUnusableError,
    PermanentSendError,
    TransientSendError,
    UnknownOutcomeError,
)
from reminder_service.program import parse_program
from reminder_service.smtp import STARTTLS_MISSING, Security, SmtpConfig, SmtpMailer, mailers
from tests.support.smtp_server import (
    HOST,
    PASSWORD,
    USERNAME,
    Command,
    SmtpTestServer,
    TlsMode,
)

SENDER = "coordinator@example.test"
MENTOR = "mentor@example.test"
MENTEE = "mentee@example.test"

MakeMailer = Callable[..., SmtpMailer]


def checkin(body: str = "How did your last meeting go?\n") -> bytes:
    """A check-in email as compose.py would render it."""
    message = EmailMessage(policy=SMTP)
    message["From"] = f"Mentoring Program <{SENDER}>"
    message["To"] = f"Mentor <{MENTOR}>, Mentee <{MENTEE}>"
    message["Subject"] = "Time for your monthly check-in"
    message["Message-ID"] = "<checkin-42@example.test>"
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
async def make_mailer(smtp_ca_file: Path) -> AsyncIterator[MakeMailer]:
    """Build mailers for a test server (security matching the server), closed at teardown."""
    made: list[SmtpMailer] = []
    securities: dict[str, Security] = {"none": "none", "starttls": "starttls", "implicit": "tls"}

    def make(server: SmtpTestServer | int, **changes: Any) -> SmtpMailer:
        """A mailer for a test server, or for a bare port with security=none."""
        port, tls = (server, "none") if isinstance(server, int) else (server.port, server.tls)
        config = SmtpConfig(
            host=HOST,
            port=port,
            security=securities[tls],
            username=None,
            password=None,
            timeout_s=5.0,
            ca_file=smtp_ca_file,
            local_hostname="reminders.example.test",
        )
        mailer = SmtpMailer(replace(config, **changes))
        made.append(mailer)
        return mailer

    yield make
    for mailer in made:
        await mailer.close()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port that is bound but not listening, so connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        yield sock.getsockname()[1]


async def test_plain_send_delivers_the_exact_bytes(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """A message arrives byte for byte, headers and a leading-dot line intact, with the reply."""
    message = checkin("Hello both,\n.this line starts with a dot\n")
    mailer = make_mailer(smtp_server)

    delivery = await mailer.send(sender=SENDER, recipients=[MENTOR, MENTEE], message=message)

    [received] = smtp_server.messages
    assert received.data == message
    assert received.mail_from == SENDER
    assert received.rcpt_tos == (MENTOR, MENTEE)
    assert delivery.response == "250 2.0.0 OK queued as 1"
    assert delivery.refused == {}


async def test_starttls_and_login_deliver(
    smtp_tls_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """With STARTTLS required and AUTH after it, the message is delivered."""
    mailer = make_mailer(smtp_tls_server, username=USERNAME, password=PASSWORD)

    await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    assert [m.rcpt_tos for m in smtp_tls_server.messages] == [(MENTOR,)]


async def test_implicit_tls_delivers(smtp_ca: trustme.CA, make_mailer: MakeMailer) -> None:
    """security=tls connects with TLS from the first byte and delivers."""
    with SmtpTestServer(tls="implicit", ca=smtp_ca) as server:
        await make_mailer(server).send(sender=SENDER, recipients=[MENTOR], message=checkin())

        assert len(server.messages) == 1


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
async def test_certificate_from_another_ca_is_refused(
    tls: TlsMode, make_mailer: MakeMailer
) -> None:
    """A server certificate that the configured CAs did not sign stops the send, to be tried
    again later: the mail server is unusable until the deployment is fixed."""
    with SmtpTestServer(tls=tls, ca=trustme.CA()) as server:
        mailer = make_mailer(server)

        with pytest.raises(MailServerUnusableError, match="certificate is not trusted"):
            await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

        assert server.messages == []


async def test_tls_against_a_plain_server_is_a_plain_explanation(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """security=tls against a server that does not speak TLS explains which settings to check."""
    mailer = make_mailer(smtp_server, security="tls")

    with pytest.raises(MailServerUnusableError, match="REMINDER_SMTP__SECURITY"):
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())


async def test_starttls_required_but_not_offered_fails_closed(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """security=starttls never falls back to plain text when the server lacks STARTTLS."""
    mailer = make_mailer(smtp_server, security="starttls", username=USERNAME, password=PASSWORD)

    with pytest.raises(MailServerUnusableError) as raised:
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    assert str(raised.value) == STARTTLS_MISSING
    assert smtp_server.messages == []


async def test_wrong_password_makes_the_server_unusable_not_the_email(
    smtp_tls_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """A 535 login refusal carries the code, and is retried later (the deployment's password
    is wrong, not the email), never a permanent failure of the email."""
    mailer = make_mailer(smtp_tls_server, username=USERNAME, password="not the password")

    with pytest.raises(MailServerUnusableError, match="refused the login") as raised:
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    assert raised.value.code == 535
    assert smtp_tls_server.messages == []


async def test_login_without_auth_on_offer_makes_the_server_unusable(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """A username set for a server that offers no login fails rather than sending anonymously."""
    mailer = make_mailer(smtp_server, username=USERNAME, password=PASSWORD)

    with pytest.raises(MailServerUnusableError, match="does not offer a login method"):
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    assert smtp_server.messages == []


async def test_the_password_never_appears_in_errors(
    smtp_tls_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """Neither the error, its chained library errors, nor the config's repr reveal the password."""
    secret = "s3cret-Hunter2"
    mailer = make_mailer(smtp_tls_server, username=USERNAME, password=secret)

    with pytest.raises(MailServerUnusableError) as raised:
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    encoded = base64.b64encode(secret.encode()).decode()
    chain: BaseException | None = raised.value
    while chain is not None:
        for text in (str(chain), repr(chain), repr(chain.args)):
            assert secret not in text
            assert encoded not in text
        chain = chain.__cause__ or chain.__context__
    assert secret not in repr(mailer._config)


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        ("MAIL", "421 4.3.2 Service shutting down"),
        ("MAIL", "451 4.3.0 Mail server temporarily rejected message"),
        ("RCPT", "450 4.2.1 Mailbox busy"),
        ("DATA", "421 4.3.2 Service shutting down"),
        ("DATA", "451 4.3.0 Try again later"),
    ],
)
async def test_4xx_replies_are_transient_with_their_code(
    command: Command, reply: str, smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """A 4xx reply at MAIL, RCPT or after the data is a transient failure with that code."""
    smtp_server.reply_next(command, reply)
    mailer = make_mailer(smtp_server)

    with pytest.raises(TransientSendError) as raised:
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    assert raised.value.code == int(reply[:3])
    assert reply in str(raised.value)
    assert smtp_server.messages == []


async def test_550_after_data_is_permanent_in_the_servers_words(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """A 5xx reply to the message is permanent and quotes the server."""
    smtp_server.reply_next("DATA", "550 5.1.1 mailbox unavailable")
    mailer = make_mailer(smtp_server)

    with pytest.raises(PermanentSendError) as raised:
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    assert str(raised.value) == "The mail server refused the message: 550 5.1.1 mailbox unavailable"
    assert raised.value.code == 550


async def test_some_refused_recipients_are_reported_and_the_rest_receive(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """When some recipients are refused, the others get the message and the refusals come back."""
    smtp_server.refuse_recipient(MENTEE, "550 5.1.1 mailbox unavailable")
    mailer = make_mailer(smtp_server)

    delivery = await mailer.send(sender=SENDER, recipients=[MENTOR, MENTEE], message=checkin())

    assert delivery.refused == {MENTEE: "550 5.1.1 mailbox unavailable"}
    assert [m.rcpt_tos for m in smtp_server.messages] == [(MENTOR,)]


async def test_all_recipients_refused_is_classified_by_the_worst_reply(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """If every recipient is refused, a 5xx among them makes the failure permanent."""
    smtp_server.refuse_recipient(MENTOR, "450 4.2.1 Mailbox busy")
    smtp_server.refuse_recipient(MENTEE, "550 5.1.1 mailbox unavailable")
    mailer = make_mailer(smtp_server)

    with pytest.raises(PermanentSendError, match="refused every recipient") as raised:
        await mailer.send(sender=SENDER, recipients=[MENTOR, MENTEE], message=checkin())

    assert raised.value.code == 550
    assert MENTOR in str(raised.value)
    assert MENTEE in str(raised.value)


async def test_connection_dropped_after_data_is_unknown(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """A connection lost after the message data went out leaves the outcome unknown."""
    smtp_server.fault_next_data("drop")
    mailer = make_mailer(smtp_server)

    with pytest.raises(UnknownOutcomeError):
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())


async def test_no_reply_after_the_final_dot_is_unknown(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """A server that never confirms the message within the timeout leaves the outcome unknown."""
    smtp_server.fault_next_data("stall")
    mailer = make_mailer(smtp_server, timeout_s=0.3)

    with pytest.raises(UnknownOutcomeError, match=r"within 0\.3 seconds"):
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())


async def test_a_cancelled_send_leaves_the_mailer_usable(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """Cancelling a send that awaits the server's reply drops that connection; the next works."""
    smtp_server.fault_next_data("stall")
    mailer = make_mailer(smtp_server)
    sending = asyncio.create_task(
        mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())
    )
    await smtp_server.faults_reached(1)

    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    assert len(smtp_server.messages) == 1
    assert smtp_server.connections == 2


async def test_the_before_data_step_runs_after_the_envelope_and_before_the_data(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """The step runs once every recipient is accepted and before the server holds any data."""
    seen: list[int] = []

    async def before_data() -> None:
        seen.append(len(smtp_server.messages))

    mailer = make_mailer(smtp_server)
    await mailer.send(
        sender=SENDER, recipients=[MENTOR, MENTEE], message=checkin(), before_data=before_data
    )
    assert seen == [0]
    assert len(smtp_server.messages) == 1


async def test_a_failing_before_data_step_sends_no_data_and_leaves_the_mailer_usable(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """If the step raises, the message never reaches the server; the next send still works."""

    async def refuse() -> None:
        raise RuntimeError("the claim could not be recorded")

    mailer = make_mailer(smtp_server)
    with pytest.raises(RuntimeError, match="could not be recorded"):
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin(), before_data=refuse)
    await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    assert len(smtp_server.messages) == 1
    assert smtp_server.connections == 2


async def test_nothing_listening_is_transient(closed_port: int, make_mailer: MakeMailer) -> None:
    """A refused TCP connection is a transient failure, in the system's words once."""
    mailer = make_mailer(closed_port)

    with pytest.raises(TransientSendError, match=f"{HOST}:{closed_port}") as error:
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())
    assert str(error.value).endswith(f"{HOST}:{closed_port}: Connection refused.")


async def test_a_server_that_never_greets_times_out_transiently(make_mailer: MakeMailer) -> None:
    """A server that accepts the connection but says nothing fails transiently at the timeout."""
    with socket.socket() as silent:
        silent.bind((HOST, 0))
        silent.listen()
        mailer = make_mailer(silent.getsockname()[1], timeout_s=0.2)

        with pytest.raises(TransientSendError, match=r"did not answer within 0\.2 seconds"):
            await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())


async def test_one_connection_carries_many_messages(
    smtp_tls_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """Consecutive sends reuse one connection instead of connecting per message."""
    mailer = make_mailer(smtp_tls_server, username=USERNAME, password=PASSWORD)

    for _ in range(3):
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    assert len(smtp_tls_server.messages) == 3
    assert smtp_tls_server.connections == 1


async def test_a_connection_the_server_dropped_is_replaced_transparently(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """After the server closes the idle connection, the next send reconnects and succeeds."""
    mailer = make_mailer(smtp_server)
    await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    smtp_server.drop_connections()
    await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    assert len(smtp_server.messages) == 2
    assert smtp_server.connections == 2


async def test_421_on_mail_over_a_reused_connection_reconnects(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """A 421 to MAIL on a reused connection means it went stale: reconnect once and send."""
    mailer = make_mailer(smtp_server)
    await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    smtp_server.reply_next("MAIL", "421 4.4.2 Idle timeout, closing connection")
    await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    assert len(smtp_server.messages) == 2
    assert smtp_server.connections == 2


async def test_a_failed_send_discards_the_connection(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """After any failure the next send starts on a fresh connection."""
    mailer = make_mailer(smtp_server)
    smtp_server.reply_next("DATA", "554 5.7.1 Message rejected")
    with pytest.raises(PermanentSendError):
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    assert len(smtp_server.messages) == 1
    assert smtp_server.connections == 2


async def test_international_addresses_and_8bit_text_are_delivered(
    smtp_server: SmtpTestServer, make_mailer: MakeMailer
) -> None:
    """Non-ASCII addresses go out with SMTPUTF8 and 8-bit text arrives unchanged."""
    message = checkin("Grüße, José! Wie lief euer Treffen?\n")
    assert not message.isascii()
    mailer = make_mailer(smtp_server)

    await mailer.send(sender=SENDER, recipients=["josé@example.test"], message=message)

    [received] = smtp_server.messages
    assert received.rcpt_tos == ("josé@example.test",)
    assert received.data == message


IDN_PROGRAM = """\
program:
  name: Bücher Mentoring
  coordinator: {name: Dana Okafor, email: dana@bücher.example}
  timezone: Europe/Berlin
pairs:
  - id: ana-ben
    mentor: {name: Ana Lima, email: Ana@Bücher.example}
    mentee: {name: Ben Ong, email: ben@northwind.example}
    started: 2026-01-05
    cadence: monthly
"""


async def test_internationalized_domains_reach_a_server_without_smtputf8(
    make_mailer: MakeMailer,
) -> None:
    """A check-in to and from non-ASCII domains goes out with their ASCII (IDNA) form."""
    program = parse_program(IDN_PROGRAM, file="p.yaml")
    identity = Identity(
        from_header="Bücher Mentoring <mentoring@bücher.example>",
        reply_mailbox="mentoring@bücher.example",
        secret_key=b"test key for reply tokens",
    )
    now = datetime(2026, 3, 2, 10, tzinfo=UTC)
    [checkin] = due_checkins(program, {}, now)
    outgoing = Composer(BUILT_IN_TEMPLATES, identity=identity).checkin(
        program, program.pairs[0], checkin, now=now, previous_message_id=None
    )

    with SmtpTestServer(smtputf8=False) as server:
        mailer = make_mailer(server)
        await mailer.send(
            sender=outgoing.sender, recipients=outgoing.recipients, message=outgoing.message
        )

    [received] = server.messages
    assert received.mail_from == "mentoring@xn--bcher-kva.example"
    assert received.rcpt_tos == ("Ana@xn--bcher-kva.example", "ben@northwind.example")
    assert b"<Ana@xn--bcher-kva.example>" in received.data


async def test_close_never_raises_when_the_server_is_gone(make_mailer: MakeMailer) -> None:
    """Closing after the server has stopped swallows the failed QUIT."""
    with SmtpTestServer() as server:
        mailer = make_mailer(server)
        await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())

    await mailer.close()
    await mailer.close()


@pytest.mark.parametrize("build", [SmtpMailer, mailers], ids=["mailer", "pool maker"])
def test_an_unreadable_ca_file_is_a_config_error(
    build: Callable[[SmtpConfig], object], tmp_path: Path
) -> None:
    """A missing CA file is reported as a configuration problem when a mailer, or a pool's
    maker of mailers, is built: at start, not at the first send."""
    config = SmtpConfig(
        host=HOST,
        port=587,
        security="starttls",
        username=None,
        password=None,
        timeout_s=1.0,
        ca_file=tmp_path / "missing.pem",
    )

    with pytest.raises(ConfigError, match=r"missing\.pem"):
        build(config)


async def test_mailers_of_one_pool_read_the_ca_file_once(
    smtp_ca: trustme.CA, smtp_tls_server: SmtpTestServer, tmp_path: Path
) -> None:
    """Mailers made by one `mailers` share the TLS context it built, so a connection opened
    after the CA file is gone still trusts the server."""
    ca_file = tmp_path / "ca.pem"
    smtp_ca.cert_pem.write_to_path(str(ca_file))
    config = SmtpConfig(
        host=HOST,
        port=smtp_tls_server.port,
        security="starttls",
        username=USERNAME,
        password=PASSWORD,
        timeout_s=5.0,
        ca_file=ca_file,
    )
    make = mailers(config)
    ca_file.unlink()
    first, second = make(), make()
    try:
        for mailer in (first, second):
            await mailer.send(sender=SENDER, recipients=[MENTOR], message=checkin())
    finally:
        await first.close()
        await second.close()

    assert len(smtp_tls_server.messages) == 2
