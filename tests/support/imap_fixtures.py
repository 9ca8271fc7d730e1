"""IMAP fixtures for every test folder: private Dovecot servers, and a relay that can watch.

Register in tests/conftest.py with `pytest_plugins = ["tests.support.imap_fixtures"]`.
Where Dovecot cannot run the fixtures skip, unless CI=true: CI must run them, so there they
fail with the reason.

* `dovecot`: the shared server (session); `clean_dovecot`: the same, running, with an empty
  INBOX and no other folders; `imap_config`: an ImapConfig for it (plain IMAP, short
  timeouts), so `replace(imap_config, ...)` adjusts one thing.
* `untrusted_dovecot`: a server whose certificate comes from a CA that no test trusts.
* `basic_dovecot`: a server that advertises only IMAP4rev1 and UIDPLUS (no IDLE, no MOVE).
* `imap_relay`: a TCP relay to `clean_dovecot`'s plain port (ImapRelay, config_for and
  Dovecot itself live in tests/support/dovecot.py).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import trustme

from reminder_service.imap import ImapConfig
from tests.support.dovecot import Dovecot, ImapRelay, config_for, unavailable_reason


def _start(ca: trustme.CA, **options: Any) -> Iterator[Dovecot]:
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the IMAP tests against Dovecot, but {reason}")
        pytest.skip(reason)
    server = Dovecot(ca=ca, **options)
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="session")
def imap_ca() -> trustme.CA:
    """The certificate authority behind the test Dovecot's certificate."""
    return trustme.CA()


@pytest.fixture(scope="session")
def dovecot(imap_ca: trustme.CA) -> Iterator[Dovecot]:
    """The shared test Dovecot; prefer `clean_dovecot`, which starts each test empty."""
    yield from _start(imap_ca)


@pytest.fixture
def clean_dovecot(dovecot: Dovecot) -> Dovecot:
    """The shared Dovecot, running, with an empty INBOX and no other folders."""
    if not dovecot.running:
        dovecot.start()
    dovecot.reset()
    return dovecot


@pytest.fixture
def imap_config(clean_dovecot: Dovecot) -> ImapConfig:
    """How to reach `clean_dovecot` over plain IMAP, with short timeouts."""
    return config_for(clean_dovecot)


@pytest.fixture(scope="session")
def untrusted_dovecot() -> Iterator[Dovecot]:
    """A Dovecot whose certificate comes from a CA that no test trusts."""
    yield from _start(trustme.CA())


@pytest.fixture(scope="session")
def _basic_dovecot_server(imap_ca: trustme.CA) -> Iterator[Dovecot]:
    yield from _start(imap_ca, capabilities="IMAP4rev1 UIDPLUS")


@pytest.fixture
def basic_dovecot(_basic_dovecot_server: Dovecot) -> Dovecot:
    """A Dovecot that advertises only IMAP4rev1 and UIDPLUS, emptied like `clean_dovecot`."""
    _basic_dovecot_server.reset()
    return _basic_dovecot_server


@pytest.fixture
async def imap_relay(clean_dovecot: Dovecot) -> AsyncIterator[ImapRelay]:
    """A relay to `clean_dovecot`'s plain IMAP port; point an ImapConfig at `relay.port`."""
    relay = ImapRelay(target_port=clean_dovecot.imap_port)
    await relay.start()
    try:
        yield relay
    finally:
        await relay.close()
