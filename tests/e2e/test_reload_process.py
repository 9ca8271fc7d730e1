"""Hot reload in a real `reminder-service run` process: SIGHUP after a coordinator's edit."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.support.process import ServiceProcess, plain_smtp_env, service_env
from tests.support.smtp_server import SmtpTestServer

PROGRAM = """\
program:
  name: Northwind Mentoring
  coordinator: {name: Dana Okafor, email: dana@northwind.example}
  timezone: Europe/London
  defaults: {cadence: monthly, send_at: "09:30"}
pairs:
  - id: ana-ben
    mentor: {name: Ana Lima, email: ana@northwind.example}
    mentee: {name: Ben Ong, email: ben@northwind.example}
    started: 2099-01-01
"""
SECOND_PAIR = """\
  - id: carla-dev
    mentor: {name: Carla Diaz, email: carla@northwind.example}
    mentee: {name: Dev Patel, email: dev@northwind.example}
    started: 2099-01-01
"""


def environment(tmp_path: Path, server: SmtpTestServer) -> dict[str, str]:
    """A deployment in `tmp_path` whose program file sits in its own folder."""
    return {
        **service_env(tmp_path, config=PROGRAM, program_file="conf/program.yaml"),
        **plain_smtp_env(server.host, server.port),
    }


def test_sighup_reloads_an_edit_and_a_broken_edit_keeps_the_program_running(
    tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    """SIGHUP takes in a valid edit, refuses a broken one with file:line and keeps running."""
    env = environment(tmp_path, smtp_server)
    config = Path(env["REMINDER_CONFIG"])
    with ServiceProcess("run", env=env, cwd=tmp_path) as service:
        service.wait_for_line("started: 1 pair in the program")
        config.write_text(PROGRAM + SECOND_PAIR)
        service.send_signal(signal.SIGHUP)
        service.wait_for_line("pairs added to the program: carla-dev")
        service.wait_for_line(f"reloaded {config}: 2 pairs in the program")

        config.write_text(PROGRAM.replace("timezone: Europe/London", "timezone: Europe/Londn"))
        service.send_signal(signal.SIGHUP)
        refused = service.wait_for_line("reload refused:")
        assert f"{config}:4: program.timezone: 'Europe/Londn' is not a time zone" in refused

        assert service.stop(signal.SIGTERM) == 0
    assert "stopped cleanly" in service.output
