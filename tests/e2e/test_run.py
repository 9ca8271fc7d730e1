"""`reminder-service run` and `demo` as real processes, against a real SMTP server."""

from __future__ import annotations

import json
import mailbox
import signal
import urllib.error
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.support.process import PROGRAM, REPO, ServiceProcess, plain_smtp_env, service_env
from tests.support.smtp_server import PASSWORD, USERNAME, SmtpTestServer, free_port


def smtp_env(server: SmtpTestServer, ca_file: Path) -> dict[str, str]:
    """Settings for the STARTTLS + AUTH test server, trusting its CA."""
    return {
        "REMINDER_SMTP__HOST": "localhost",
        "REMINDER_SMTP__PORT": str(server.port),
        "REMINDER_SMTP__SECURITY": "starttls",
        "REMINDER_SMTP__USERNAME": USERNAME,
        "REMINDER_SMTP__PASSWORD": PASSWORD,
        "REMINDER_SMTP__CA_FILE": str(ca_file),
    }


def test_run_sends_once_stops_on_sigterm_and_sends_nothing_more_after_restart(
    tmp_path: Path, smtp_tls_server: SmtpTestServer, smtp_ca_file: Path
) -> None:
    """One due pair gets one email; SIGTERM exits 0; a restarted daemon sends nothing again,
    and says at start that it reads no replies and how many emails it queued."""
    env = {**service_env(tmp_path), **smtp_env(smtp_tls_server, smtp_ca_file)}
    with ServiceProcess("run", env=env, cwd=tmp_path) as first:
        first.wait_for_line("sent checkin:ana-ben:")
        assert first.stop(signal.SIGTERM) == 0
    assert "stopped cleanly" in first.output
    [received] = smtp_tls_server.messages
    message = message_from_bytes(received.data, policy=policy.default)
    assert message["X-Reminder-Pair"] == "ana-ben"
    assert PASSWORD not in first.output

    with ServiceProcess("run", env=env, cwd=tmp_path) as second:
        second.wait_for_line("Replies: not read - REMINDER_IMAP__HOST is not set")
        second.wait_for_line("started: 2 pairs in the program, 0 emails queued")
        assert second.stop(signal.SIGTERM) == 0
    assert len(smtp_tls_server.messages) == 1


def test_run_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    """Without REMINDER_SECRET_KEY the daemon says what to set and exits 1."""
    env = service_env(tmp_path)
    del env["REMINDER_SECRET_KEY"]
    with ServiceProcess("run", env=env, cwd=tmp_path) as service:
        assert service.wait() == 1
    assert "REMINDER_SECRET_KEY is not set" in service.output


def test_run_with_a_broken_program_lists_the_problems_and_exits_1(tmp_path: Path) -> None:
    """A program file with mistakes stops start-up with every problem and its line."""
    broken = PROGRAM.replace("ben@northwind.example", "ben@").replace("cadence:", "cadnce:")
    with ServiceProcess("run", env=service_env(tmp_path, config=broken), cwd=tmp_path) as service:
        assert service.wait() == 1
    assert "program.yaml:5: program.defaults.cadnce: unknown field 'cadnce'" in service.output
    assert "program.yaml:11: pairs[0].mentee.email: 'ben@' is not an email address" in (
        service.output
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_demo_prints_the_emails_it_receives_and_keeps_them(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """With no account needed, check-ins go out, replies come in and a meeting is logged."""
    env = {
        "REMINDER_CONFIG": str(REPO / "config" / "program.yaml"),
        "REMINDER_TEMPLATES_DIR": str(REPO / "templates"),
    }
    with ServiceProcess("demo", env=env, cwd=tmp_path) as demo:
        demo.wait_for_line("--- email 1 ")
        demo.wait_for_line("Subject: Check-in:")
        demo.wait_for_line("<-- reply from")
        demo.wait_for_line("meeting on")
        demo.wait_for_line("ignored (auto reply)")
        assert demo.stop(signum) == 0
    assert "WARNING" not in demo.output
    kept = mailbox.Maildir(tmp_path / "data" / "demo" / "maildir", create=False)
    assert len(kept) >= 1
    assert "Demo stopped" in demo.output


def test_the_running_service_reports_health_readiness_and_metrics(
    tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    """After sending, /healthz and /readyz answer 200 and /metrics counts the email sent."""
    port = free_port()
    env = {
        **service_env(tmp_path),
        **plain_smtp_env(smtp_server.host, smtp_server.port, REMINDER_HTTP__PORT=str(port)),
    }
    with ServiceProcess("run", env=env, cwd=tmp_path) as service:
        service.wait_for_line("sent checkin:ana-ben:")
        health = _get(port, "/healthz")
        ready = _get(port, "/readyz")
        metrics = _get(port, "/metrics")
        assert service.stop(signal.SIGTERM) == 0
    assert health[0] == 200
    assert ready[0] == 200, ready[1]
    assert json.loads(ready[1])["status"] == "ok"
    assert 'reminder_emails_sent_total{kind="checkin"} 1.0' in metrics[1]
    assert 'reminder_emails{kind="checkin",state="sent"} 1.0' in metrics[1]
    assert "reminder_config_last_reload_successful 1.0" in metrics[1]


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
