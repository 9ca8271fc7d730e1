"""SMTP fixtures for every test folder: real aiosmtpd servers on 127.0.0.1, trustme TLS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.support.smtp_server import PASSWORD, USERNAME, SmtpTestServer


@pytest.fixture(scope="session")
def smtp_ca() -> trustme.CA:
    """The certificate authority that signs the test servers' certificates."""
    return trustme.CA()


@pytest.fixture(scope="session")
def smtp_ca_file(smtp_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CA certificate as a PEM file, as a deployment would give it in `ca_file`."""
    path = tmp_path_factory.mktemp("smtp-ca") / "ca.pem"
    smtp_ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def smtp_server() -> Iterator[SmtpTestServer]:
    """A plain SMTP server without TLS or AUTH."""
    with SmtpTestServer() as server:
        yield server


@pytest.fixture
def smtp_tls_server(smtp_ca: trustme.CA) -> Iterator[SmtpTestServer]:
    """An SMTP server that requires STARTTLS, then AUTH with USERNAME and PASSWORD."""
    with SmtpTestServer(tls="starttls", ca=smtp_ca, credentials=(USERNAME, PASSWORD)) as server:
        yield server
