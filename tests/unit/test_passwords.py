"""Passwords read again from their source only after a server refused them."""

from __future__ import annotations

import logging

import pytest

from reminder_service.errors import ConfigError
from reminder_service.passwords import Password


def test_the_source_is_read_again_only_after_a_refusal() -> None:
    """Until a server refuses the login the first password is used, without reading again."""
    reads: list[str] = []

    def reread() -> str:
        reads.append("read")
        return "corrected"

    password = Password("first", reread=reread, setting="REMINDER_SMTP__PASSWORD")
    assert (password.current(), reads) == ("first", [])
    password.refused()
    assert (password.current(), password.current(), reads) == ("corrected", "corrected", ["read"])


def test_an_unreadable_source_keeps_the_old_password_and_says_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the settings cannot be read again the old password stays, with a warning, and
    the next login tries reading again."""
    answers: list[str | ConfigError] = [ConfigError("The file .env is not plain text"), "fixed"]

    def reread() -> str:
        answer = answers.pop(0)
        if isinstance(answer, ConfigError):
            raise answer
        return answer

    password = Password("old", reread=reread, setting="REMINDER_IMAP__PASSWORD")
    password.refused()
    with caplog.at_level(logging.INFO):
        assert password.current() == "old"
        assert password.current() == "fixed"
    assert "REMINDER_IMAP__PASSWORD could not be read again" in caplog.text
    assert "not plain text" in caplog.text


def test_an_unchanged_password_is_not_announced(caplog: pytest.LogCaptureFixture) -> None:
    """Reading the same password again (an environment variable cannot change) logs nothing."""
    password = Password("same", reread=lambda: "same", setting="REMINDER_SMTP__PASSWORD")
    password.refused()
    with caplog.at_level(logging.DEBUG):
        assert password.current() == "same"
    assert caplog.text == ""
    assert "same" not in repr(password)
