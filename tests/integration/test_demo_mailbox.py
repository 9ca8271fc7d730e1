"""The demo's reply mailbox (a real pymap process) starts even when its port is taken."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from reminder_service import demo
from reminder_service.errors import ConfigError

pytest.importorskip("pymap")


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port on 127.0.0.1 that another program is listening on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_a_port_taken_first_gets_pymap_started_on_another(
    taken_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When another program takes the chosen port, pymap is started again on a new one."""
    real_free_port = demo._free_port
    ports = iter([taken_port])
    monkeypatch.setattr(demo, "_free_port", lambda: next(ports, None) or real_free_port())
    mailbox = demo.ReplyMailbox()
    try:
        mailbox.start()
        assert mailbox.port != taken_port
        socket.create_connection(("127.0.0.1", mailbox.port), timeout=5).close()
    finally:
        mailbox.stop()


def test_pymap_that_never_starts_is_one_line_with_its_own_words(
    taken_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a few attempts the demo gives up, quoting what pymap said."""
    monkeypatch.setattr(demo, "_free_port", lambda: taken_port)
    with pytest.raises(ConfigError, match=r"pymap\) did not start: .+"):
        demo.ReplyMailbox().start()


def test_a_password_that_starts_with_a_dash_still_starts_pymap() -> None:
    """The random password is one in 64 times '-...', which must not read as an option."""
    mailbox = demo.ReplyMailbox()
    mailbox.password = "-starts-with-a-dash"
    try:
        mailbox.start()
        assert demo._greets_as_imap(mailbox.port)
    finally:
        mailbox.stop()
