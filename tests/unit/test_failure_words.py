"""A failure in the words a coordinator reads: the system's words, one full stop."""

from __future__ import annotations

import errno
import socket
import ssl

import pytest

from reminder_service.failure_words import as_sentence, system_words


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (
            ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed ('127.0.0.1', 25)"),
            "Connection refused",
        ),
        (
            OSError(
                errno.EADDRINUSE,
                "error while attempting to bind on address ('127.0.0.1', 8080): address"
                " already in use",
            ),
            "Address already in use",
        ),
        (
            socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
            "Name or service not known",
        ),
        (
            ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"),
            "[SSL: WRONG_VERSION_NUMBER] wrong version number",
        ),
        (TimeoutError(), "TimeoutError"),
    ],
)
def test_system_words_leave_out_the_address_asyncio_adds(error: OSError, words: str) -> None:
    assert system_words(error) == words


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("Connection refused", "Connection refused."),
        ("Authentication failed.", "Authentication failed."),
        (
            "[AUTHENTICATIONFAILED] Authentication failed. ",
            "[AUTHENTICATIONFAILED] Authentication failed.",
        ),
    ],
)
def test_as_sentence_ends_in_one_full_stop(text: str, sentence: str) -> None:
    assert as_sentence(text) == sentence
