"""Deployment settings from the environment, a .env file and secret files."""

from pathlib import Path

import pytest

from reminder_service.errors import ConfigError
from reminder_service.settings import Settings, load_settings
from tests.support.process import clear_reminder_env


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from an environment without REMINDER_ variables."""
    clear_reminder_env(monkeypatch)


def load(tmp_path: Path, *, env_file: Path | None = None) -> Settings:
    return load_settings(env_file=env_file, secrets_dir=tmp_path / "secrets")


def test_defaults_match_the_documented_table(tmp_path: Path) -> None:
    """Without any variable the documented defaults apply and the SMTP port follows security."""
    settings = load(tmp_path)
    assert settings.config == Path("config/program.yaml")
    assert settings.database == Path("data/reminders.sqlite3")
    assert settings.templates_dir == Path("templates")
    assert settings.smtp.security == "starttls"
    assert settings.smtp.effective_port == 587
    assert settings.smtp.max_per_minute == 60
    assert settings.secret_key is None


def test_environment_and_nesting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """REMINDER_ names are read, with __ for the SMTP group."""
    monkeypatch.setenv("REMINDER_FROM", "Northwind Mentoring <mentoring@northwind.example>")
    monkeypatch.setenv("REMINDER_REPLY_TO", "replies@northwind.example")
    monkeypatch.setenv("REMINDER_SMTP__HOST", "smtp.northwind.example")
    monkeypatch.setenv("REMINDER_SMTP__SECURITY", "tls")
    monkeypatch.setenv("REMINDER_SMTP__TIMEOUT_S", "12.5")
    settings = load(tmp_path)
    assert settings.sender == "Northwind Mentoring <mentoring@northwind.example>"
    assert settings.from_address == "mentoring@northwind.example"
    assert settings.reply_mailbox == "replies@northwind.example"
    assert settings.smtp.host == "smtp.northwind.example"
    assert settings.smtp.effective_port == 465
    assert settings.smtp.timeout_s == 12.5


def test_reply_to_defaults_to_the_from_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without REMINDER_REPLY_TO replies go to the From address."""
    monkeypatch.setenv("REMINDER_FROM", "mentoring@northwind.example")
    assert load(tmp_path).reply_mailbox == "mentoring@northwind.example"


def test_secrets_from_files_including_nested(tmp_path: Path) -> None:
    """A file per variable in the secrets directory sets secrets, nested ones too."""
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "REMINDER_SECRET_KEY").write_text("a-long-enough-secret-key")
    (secrets / "REMINDER_SMTP__PASSWORD").write_text("hunter2-from-a-file")
    settings = load(tmp_path)
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == "a-long-enough-secret-key"
    assert settings.smtp.password is not None
    assert settings.smtp.password.get_secret_value() == "hunter2-from-a-file"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    """A .env file supplies values the environment does not set."""
    env_file = tmp_path / ".env"
    env_file.write_text("REMINDER_SMTP__PORT=2525\nREMINDER_DATABASE=/srv/r.sqlite3\n")
    settings = load(tmp_path, env_file=env_file)
    assert settings.smtp.effective_port == 2525
    assert settings.database == Path("/srv/r.sqlite3")


def test_secrets_never_appear_in_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Printing the settings shows neither the password nor the key."""
    monkeypatch.setenv("REMINDER_SECRET_KEY", "key-that-must-stay-hidden")
    monkeypatch.setenv("REMINDER_SMTP__PASSWORD", "password-that-must-stay-hidden")
    settings = load(tmp_path)
    for text in (str(settings), repr(settings), settings.model_dump_json()):
        assert "must-stay-hidden" not in text


def test_every_bad_value_is_named_by_its_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bad values are all reported at once, each under its REMINDER_ name."""
    monkeypatch.setenv("REMINDER_FROM", "not an address")
    monkeypatch.setenv("REMINDER_SMTP__PORT", "smtp")
    monkeypatch.setenv("REMINDER_SMTP__SECURITY", "maybe")
    monkeypatch.setenv("REMINDER_SECRET_KEY", "short")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    text = str(caught.value)
    for name in ("REMINDER_FROM", "REMINDER_SMTP__PORT", "REMINDER_SMTP__SECURITY"):
        assert name in text
    assert "REMINDER_SECRET_KEY: must be at least 16 characters" in text
    assert "short" not in text.replace("REMINDER_SECRET_KEY", "")


def test_from_and_reply_to_with_a_non_ascii_local_part_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From and reply addresses follow the program's rule: no non-ASCII before the @."""
    monkeypatch.setenv("REMINDER_FROM", "Mentoring <josé@northwind.example>")
    monkeypatch.setenv("REMINDER_REPLY_TO", "ré@northwind.example")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    text = str(caught.value)
    assert "REMINDER_FROM: 'josé@northwind.example' has 'é' before the @" in text
    assert "REMINDER_REPLY_TO: 'ré@northwind.example' has 'é' before the @" in text


def test_reply_to_must_be_the_plain_mailbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plus-address in REMINDER_REPLY_TO is refused: tokens are added by the service."""
    monkeypatch.setenv("REMINDER_REPLY_TO", "mentoring+x@northwind.example")
    with pytest.raises(ConfigError, match="REMINDER_REPLY_TO: must be the plain mailbox"):
        load(tmp_path)


def test_missing_for_sending_names_what_to_set(tmp_path: Path) -> None:
    """A deployment without key and sender is told which variables to set."""
    missing = load(tmp_path).missing_for_sending()
    assert any("REMINDER_SECRET_KEY is not set" in m for m in missing)
    assert any("REMINDER_FROM is not set" in m for m in missing)


def test_log_format_and_level_in_any_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """REMINDER_LOG_LEVEL=debug and REMINDER_LOG_FORMAT=JSON are accepted."""
    monkeypatch.setenv("REMINDER_LOG_LEVEL", "debug")
    monkeypatch.setenv("REMINDER_LOG_FORMAT", "JSON")
    settings = load(tmp_path)
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")
