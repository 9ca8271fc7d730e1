"""Logging: one line per event, text or JSON lines, secrets and reply tokens redacted."""

from __future__ import annotations

import functools
import io
import json
import logging
import sys
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service import logs
from reminder_service.commands.output import printable
from reminder_service.passwords import Password
from reminder_service.settings import LogFormat, load_settings
from reminder_service.unsafe_characters import unsafe_to_show
from tests.support.process import clear_reminder_env
from tests.support.smtp_server import SmtpTestServer

PASSWORD = "correct-horse-battery"
TOKEN_ADDRESS = "mentoring+ana-ben.fss.k2d4mq7xw3jz5abc@northwind.example"
log = logging.getLogger("reminder_service.test")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Each test leaves the root logger and the quiet loggers as it found them."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in logs.QUIET_LOGGERS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No REMINDER_ variables, no .env file and no secrets directory reach the settings."""
    clear_reminder_env(monkeypatch)
    isolated = functools.partial(load_settings, env_file=None, secrets_dir=tmp_path / "none")
    monkeypatch.setattr(logs, "load_settings", isolated)


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_json_lines_carry_time_level_logger_and_message() -> None:
    """In JSON format each event is one parseable object with an aware UTC time."""
    stream = io.StringIO()
    logs.configure(log_format="json", stream=stream)
    log.info("queued %s", "ana-ben/checkin/2026-11")
    log.warning("second event")
    first, second = (json.loads(line) for line in lines(stream))
    assert first["level"] == "INFO"
    assert first["logger"] == "reminder_service.test"
    assert first["message"] == "queued ana-ben/checkin/2026-11"
    assert datetime.fromisoformat(first["time"]).utcoffset() == timedelta(0)
    assert second["level"] == "WARNING"


def test_text_lines_are_readable() -> None:
    """The default format is time, level, logger and message on one line."""
    stream = io.StringIO()
    logs.configure(stream=stream)
    log.info("stopped cleanly")
    (line,) = lines(stream)
    moment, level, logger, message = line.split(" ", 3)
    assert datetime.fromisoformat(moment).utcoffset() == timedelta(0)
    assert (level, logger, message) == ("INFO", "reminder_service.test:", "stopped cleanly")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_password_and_token_are_redacted(log_format: LogFormat) -> None:
    """A known secret and a reply token never reach the log, in arguments or the message."""
    stream = io.StringIO()
    logs.configure(log_format=log_format, secrets=[PASSWORD], stream=stream)
    log.warning("login as %s with %s failed", "mentoring", PASSWORD)
    log.info(f"reply from <{TOKEN_ADDRESS}> token ana-ben.fss.k2d4mq7xw3jz5abc")
    output = stream.getvalue()
    assert PASSWORD not in output
    assert "k2d4mq7xw3jz5abc" not in output
    assert "mentoring+[redacted]@northwind.example" in output
    assert len(lines(stream)) == 2


def test_a_password_read_again_after_a_refused_login_is_redacted() -> None:
    """A corrected password, unknown when the logs were set up, is redacted once it is read."""
    stream = io.StringIO()
    logs.configure(secrets=[PASSWORD], stream=stream)
    password = Password(PASSWORD, reread=lambda: "corrected-staple", setting="the password")
    password.refused()
    assert password.current() == "corrected-staple"
    log.warning("server said: bad password corrected-staple")
    assert "corrected-staple" not in stream.getvalue()
    assert "server said: bad password [redacted]" in stream.getvalue()


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_tracebacks_are_redacted_and_stay_on_one_line(log_format: LogFormat) -> None:
    """An exception that quotes a secret is logged on one line, without the secret."""
    stream = io.StringIO()
    logs.configure(log_format=log_format, secrets=[PASSWORD], stream=stream)
    try:
        raise ValueError(f"server said: bad password {PASSWORD}\nsee logs")
    except ValueError:
        log.exception("could not log in")
    (line,) = lines(stream)
    assert PASSWORD not in line
    assert "ValueError: server said: bad password [redacted]" in line


def test_a_line_break_in_a_message_cannot_forge_another_event() -> None:
    """A subject with a newline and a fake log line stays inside its own text line."""
    stream = io.StringIO()
    logs.configure(stream=stream)
    log.info("reply subject %s", "Re: hi\n2026-01-01T00:00:00.000Z ERROR forged: event")
    (line,) = lines(stream)
    assert line.endswith("Re: hi\\n2026-01-01T00:00:00.000Z ERROR forged: event")


HOSTILE_MESSAGE_ID = "<x\x1b]0;owned\x07\x1b[2J\x1b[31mFAKE-ERROR@evil>"
"""A Message-ID that retitles the terminal, rings, clears the screen and turns the text red."""


def test_control_characters_and_bidi_overrides_reach_a_text_log_escaped() -> None:
    """Every C0 and C1 control, DEL and bidi override in a text line is written as an escape."""
    stream = io.StringIO()
    logs.configure(stream=stream)
    log.info("already recorded (%s)", HOSTILE_MESSAGE_ID)
    log.info("from %s", "finance\u202elpmaxe.dniwhtron\x9b2J\x7f\t\u2066@evil.example")
    first, second = lines(stream)
    assert first.endswith("(<x\\x1b]0;owned\\x07\\x1b[2J\\x1b[31mFAKE-ERROR@evil>)")
    assert second.endswith("from finance\\u202elpmaxe.dniwhtron\\x9b2J\\x7f\\t\\u2066@evil.example")
    assert first.isprintable()
    assert second.isprintable()


def test_line_separators_and_bidi_marks_reach_a_text_log_escaped() -> None:
    """Line and paragraph separators, which split a line for tools reading the log, and
    the bidi marks are written as escapes."""
    stream = io.StringIO()
    logs.configure(stream=stream)
    log.info("subject %s", "Re: hi\u20282026-01-01 ERROR forged\u2029\u200e\u200f\u061c.")
    (line,) = lines(stream)
    assert line.endswith("Re: hi\\u20282026-01-01 ERROR forged\\u2029\\u200e\\u200f\\u061c.")
    assert line.isprintable()


def test_a_backslash_is_kept_in_text_lines_and_exact_only_in_json_lines() -> None:
    """A backslash stays as typed in a text line, so typed escape text reads like an escape
    there, while a JSON line gives back the exact text of each."""
    typed, invisible = "Re: C:\\notes \\u200b", "Re: C:\\notes \u200b"
    text, json_lines = io.StringIO(), io.StringIO()
    logs.configure(stream=text)
    log.info("subject %s", typed)
    log.info("subject %s", invisible)
    logs.configure(log_format="json", stream=json_lines)
    log.info("subject %s", typed)
    log.info("subject %s", invisible)
    assert [line.partition(" INFO ")[2] for line in lines(text)] == [
        "reminder_service.test: subject Re: C:\\notes \\u200b"
    ] * 2
    assert [json.loads(line)["message"] for line in lines(json_lines)] == [
        f"subject {typed}",
        f"subject {invisible}",
    ]


INVISIBLE_CHARACTERS = [
    *map(chr, range(0x2060, 0x2065)),
    "\ufeff",
    *map(chr, range(0x200B, 0x200E)),
    "\u00ad",
    "\u180e",
    *map(chr, range(0x206A, 0x2070)),
    "\U000e0001",
    "\U000e0041",
    "\U000e007f",
]
"""Word joiner and invisible operators, byte-order mark, zero-width space, non-joiner and
joiner, soft hyphen, Mongolian vowel separator, deprecated format controls, tag characters."""


@pytest.mark.parametrize("character", INVISIBLE_CHARACTERS, ids=lambda ch: f"U+{ord(ch):04X}")
def test_invisible_characters_reach_a_text_log_escaped(character: str) -> None:
    """An invisible character that splits an address in a sender is written as an escape."""
    stream = io.StringIO()
    logs.configure(stream=stream)
    log.info("UID 7 from %s: unclear", f"ana{character}@northwind.example")
    (line,) = lines(stream)
    assert line.endswith(f"from ana{ascii(character)[1:-1]}@northwind.example: unclear")
    assert line.isprintable()


def test_letters_and_spaces_reach_a_text_log_as_written() -> None:
    """Letters of any script and no-break spaces are not escaped in a text line."""
    stream = io.StringIO()
    logs.configure(stream=stream)
    subject = "Re\u00a0: Zoë, José, Иван, 山田\u202f! \u2013 45\u2009min"
    log.info("subject %s", subject)
    (line,) = lines(stream)
    assert line.endswith(f"subject {subject}")


@given(st.one_of(st.characters(), st.integers(0, sys.maxunicode).map(chr)))
def test_a_text_log_escapes_exactly_what_commands_do_not_show(character: str) -> None:
    """A character is escaped in a text line exactly when commands would not show it as
    it is, spaces apart (commands make them plain, logs keep them)."""
    stream = io.StringIO()
    logs.configure(stream=stream)
    log.info("from <%s>", character)
    line = stream.getvalue().removesuffix("\n")
    hidden = printable(character) != character and unicodedata.category(character) != "Zs"
    assert line.endswith(f"from <{ascii(character)[1:-1] if hidden else character}>")


UNSAFE_IN_JSON = ["\x85", "\x9b", "\u2028", "\u202e", "\u2066", *INVISIBLE_CHARACTERS]
"""Characters `json.dumps(..., ensure_ascii=False)` writes raw: a C1 control and the CSI
that starts terminal commands, a line separator, a bidi override and isolate, and the
invisible characters."""


@pytest.mark.parametrize("character", UNSAFE_IN_JSON, ids=lambda ch: f"U+{ord(ch):04X}")
def test_a_json_log_line_escapes_what_commands_do_not_show_and_keeps_the_text(
    character: str,
) -> None:
    """An unsafe character reaches a JSON line as a JSON escape, and reads back exactly."""
    stream = io.StringIO()
    logs.configure(log_format="json", stream=stream)
    sender = f"ana{character}@northwind.example, Zoë\u00a0Okafor"
    log.info("UID 7 from %s: unclear", sender)
    (line,) = lines(stream)
    assert not any(unsafe_to_show(ch) for ch in line)
    assert json.loads(line)["message"] == f"UID 7 from {sender}: unclear"


def test_a_mistaken_format_string_does_not_crash_the_caller() -> None:
    """A log call whose arguments do not fit its message is still logged, not raised."""
    logging.getLogger().handlers.clear()  # pytest's own capture handler fails on purpose here
    stream = io.StringIO()
    logs.configure(stream=stream)
    log.info("sent %d emails", "three")
    assert "sent %d emails" in stream.getvalue()


def test_configuring_twice_replaces_the_handler() -> None:
    """Configuring again does not print each event twice."""
    stream = io.StringIO()
    logs.configure(stream=stream)
    logs.configure(log_format="json", stream=stream)
    log.info("once")
    (line,) = lines(stream)
    assert json.loads(line)["message"] == "once"


async def test_mail_library_loggers_stay_quiet(smtp_server: SmtpTestServer) -> None:
    """Even at DEBUG, an SMTP session with aiosmtpd and aiosmtplib logs nothing of theirs."""
    stream = io.StringIO()
    logs.configure(level="DEBUG", stream=stream)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.test", "b@example.test", "Hi"
    message.set_content("a private message body")
    await aiosmtplib.send(message, hostname=smtp_server.host, port=smtp_server.port)
    logging.getLogger("aioimaplib.aioimaplib").info("LOGIN user secret")
    log.debug("our own debug line")
    assert lines(stream) == [line for line in lines(stream) if "reminder_service.test" in line]
    assert "our own debug line" in stream.getvalue()


@pytest.mark.usefixtures("clean_environment")
def test_settings_choose_json_and_name_the_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """REMINDER_LOG_FORMAT=json gives JSON lines, and the IMAP password is redacted."""
    monkeypatch.setenv("REMINDER_LOG_FORMAT", "json")
    monkeypatch.setenv("REMINDER_IMAP__PASSWORD", PASSWORD)
    stream = io.StringIO()
    logs.configure_from_settings(stream=stream)
    log.info("password is %s", PASSWORD)
    assert json.loads(stream.getvalue())["message"] == "password is [redacted]"


@pytest.mark.usefixtures("clean_environment")
def test_invalid_settings_fall_back_to_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings that do not load still give readable INFO logs (the command reports why)."""
    monkeypatch.setenv("REMINDER_LOG_FORMAT", "xml")
    stream = io.StringIO()
    logs.configure_from_settings(stream=stream)
    log.debug("hidden")
    log.info("shown")
    (line,) = lines(stream)
    assert line.endswith("INFO reminder_service.test: shown")
