"""Deployment settings from the environment, a .env file and secret files."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from reminder_service.built_in_templates import BUILT_IN_TEMPLATES
from reminder_service.errors import ConfigError
from reminder_service.settings import Settings, load_settings, log_format_asked
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


def test_templates_are_the_built_in_ones_unless_a_folder_is_there_or_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no `templates` folder where the service runs, the built-in templates; a folder
    there, or one named by REMINDER_TEMPLATES_DIR (even one that is missing), is used."""
    monkeypatch.chdir(tmp_path)
    assert load(tmp_path).templates_dir == BUILT_IN_TEMPLATES
    (tmp_path / "templates").mkdir()
    assert load(tmp_path).templates_dir == Path("templates")
    monkeypatch.setenv("REMINDER_TEMPLATES_DIR", "wording")
    assert load(tmp_path).templates_dir == Path("wording")


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


def test_a_number_setting_says_what_it_expected_and_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not the validation library's words ("Input should be a valid integer")."""
    monkeypatch.setenv("REMINDER_SMTP__PORT", "smtp")
    monkeypatch.setenv("REMINDER_SMTP__CONNECTIONS", "0")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    assert str(caught.value).splitlines()[1:] == [
        "  REMINDER_SMTP__PORT: expected a whole number, not 'smtp'",
        "  REMINDER_SMTP__CONNECTIONS: must be 1 or more, not '0'",
    ]


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


def secrets_folder(tmp_path: Path, **files: str) -> Path:
    """The secrets folder `load` reads, holding `files` (name -> text)."""
    folder = tmp_path / "secrets"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_files_that_are_not_settings_are_not_read(tmp_path: Path) -> None:
    """A binary keystore or another program's file beside the secrets does not matter."""
    folder = secrets_folder(tmp_path, REMINDER_SECRET_KEY="a-long-enough-secret-key")
    (folder / "client.p12").write_bytes(b"\xff\xfe\x00binary keystore")
    (folder / "other.txt").write_text("x")
    (folder / "other.txt").chmod(0)
    settings = load(tmp_path)
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == "a-long-enough-secret-key"


def test_a_secret_file_that_is_not_text_is_named(tmp_path: Path) -> None:
    """A setting's file that is not UTF-8 text stops with one line naming the file."""
    folder = secrets_folder(tmp_path)
    (folder / "REMINDER_SMTP__PASSWORD").write_bytes(b"\xffpass")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    assert str(caught.value) == (
        f"The secret file {folder / 'REMINDER_SMTP__PASSWORD'} is not plain text (UTF-8): "
        "write the value as text"
    )


def test_a_secret_file_the_service_may_not_read_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A setting's file the service's user cannot read stops with the file and what to do."""
    folder = secrets_folder(tmp_path, REMINDER_SECRET_KEY="a-long-enough-secret-key")
    unreadable = folder / "REMINDER_SECRET_KEY"
    read_text = Path.read_text

    def refuse_the_key(path: Path, *args: Any, **kwargs: Any) -> str:
        if path == unreadable:
            raise PermissionError(13, "Permission denied", str(path))
        return read_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", refuse_the_key)
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    text = str(caught.value)
    assert text.startswith(f"The secret file {unreadable} cannot be read (Permission denied)")
    assert "\n" not in text


def test_a_secret_that_is_a_folder_is_named(tmp_path: Path) -> None:
    """A setting's path that is a folder (Docker's stand-in for a missing file) is refused."""
    folder = secrets_folder(tmp_path)
    (folder / "REMINDER_SECRET_KEY").mkdir()
    with pytest.raises(ConfigError, match="REMINDER_SECRET_KEY is a folder, not a file"):
        load(tmp_path)


@pytest.mark.parametrize(
    ("given", "right"),
    [
        ("REMINDER_IMAP_HOST", "REMINDER_IMAP__HOST"),
        ("reminder_smtp_password", "REMINDER_SMTP__PASSWORD"),
        ("REMINDER_IMAP__HOSTNAME", "REMINDER_IMAP__HOST"),
        ("REMINDER_LOGLEVEL", "REMINDER_LOG_LEVEL"),
    ],
)
def test_a_near_miss_of_a_setting_is_refused_with_the_right_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str, right: str
) -> None:
    """A variable that is almost a setting's name is refused, not silently ignored."""
    monkeypatch.setenv(given, "imap.northwind.example")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    assert f"{given} (an environment variable) is not a setting: the right name is {right}" in (
        str(caught.value)
    )


def test_a_misnamed_secret_file_is_refused_with_the_right_name(tmp_path: Path) -> None:
    """A secret file named almost like a setting is refused, naming the folder."""
    folder = secrets_folder(tmp_path, REMINDER_IMAP_PASSWORD="hunter2")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    assert (
        f"REMINDER_IMAP_PASSWORD (a file in {folder}) is not a setting: "
        "the right name is REMINDER_IMAP__PASSWORD"
    ) in str(caught.value)


def test_kubernetes_service_variables_are_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The variables Kubernetes adds for a Service named `reminder` are not settings' typos."""
    monkeypatch.setenv("REMINDER_SERVICE_HOST", "10.0.0.7")
    monkeypatch.setenv("REMINDER_SERVICE_PORT", "8080")
    monkeypatch.setenv("REMINDER_PORT", "tcp://10.0.0.7:8080")
    monkeypatch.setenv("REMINDER_PORT_8080_TCP_ADDR", "10.0.0.7")
    assert load(tmp_path).http.port == 8080


def test_kubernetes_links_to_a_service_named_like_a_setting_are_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Service named `reminder-smtp` adds REMINDER_SMTP_PORT=tcp://...: not a typo of
    REMINDER_SMTP__PORT, and the port setting keeps its own value."""
    monkeypatch.setenv("REMINDER_SMTP_PORT", "tcp://10.0.0.9:25")
    monkeypatch.setenv("REMINDER_SMTP_SERVICE_PORT", "25")
    monkeypatch.setenv("REMINDER_SMTP_PORT_25_TCP", "tcp://10.0.0.9:25")
    monkeypatch.setenv("REMINDER_SMTP__PORT", "2525")
    assert load(tmp_path).smtp.port == 2525


def test_log_format_and_level_in_any_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """REMINDER_LOG_LEVEL=debug and REMINDER_LOG_FORMAT=JSON are accepted."""
    monkeypatch.setenv("REMINDER_LOG_LEVEL", "debug")
    monkeypatch.setenv("REMINDER_LOG_FORMAT", "JSON")
    settings = load(tmp_path)
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")


def test_replies_reading_says_whether_replies_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an IMAP host replies are plainly not read; with one, where they are read."""
    assert load(tmp_path).replies_reading().startswith("not read - REMINDER_IMAP__HOST is not set")
    monkeypatch.setenv("REMINDER_IMAP__HOST", "imap.northwind.example")
    assert load(tmp_path).replies_reading() == "read from INBOX on imap.northwind.example:993"


def test_email_texts_are_kept_90_days_unless_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Email texts are kept 90 days by default, a set number of days, or for ever."""
    assert load(tmp_path).keep_emails == timedelta(days=90)
    monkeypatch.setenv("REMINDER_KEEP_EMAILS_DAYS", " 30 ")
    assert load(tmp_path).keep_emails == timedelta(days=30)
    monkeypatch.setenv("REMINDER_KEEP_EMAILS_DAYS", "Forever")
    settings = load(tmp_path)
    assert settings.keep_emails is None
    assert settings.email_texts_kept().startswith("kept for ever")


@pytest.mark.parametrize("value", ["0", "-3", "1.5", "ninety", "36501"])
def test_a_bad_retention_period_is_refused_saying_what_to_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """A retention period that is not a whole number of days from 1 or 'forever' is refused
    under its name, with an example of what to write."""
    monkeypatch.setenv("REMINDER_KEEP_EMAILS_DAYS", value)
    with pytest.raises(ConfigError, match="REMINDER_KEEP_EMAILS_DAYS: must be a number of days"):
        load(tmp_path)


@pytest.mark.parametrize("unreadable", ["env_not_utf8", "secret_is_a_folder"])
def test_the_log_format_alone_falls_back_to_text_when_its_files_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unreadable: str
) -> None:
    """The log format read on its own, for when the settings do not load, is text (never
    an error of its own) when the .env file or the secrets folder cannot be read."""
    clear_reminder_env(monkeypatch)
    env_file = tmp_path / ".env"
    env_file.write_bytes(b"REMINDER_LOG_FORMAT=json\n")
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    if unreadable == "env_not_utf8":
        with env_file.open("ab") as env:
            env.write(b"REMINDER_SMTP__HOST=caf\xe9\n")
    else:
        (secrets / "REMINDER_SMTP__PASSWORD").mkdir()
    assert log_format_asked(env_file=env_file, secrets_dir=secrets) == "text"


EMPTY_MEANS_UNSET = [
    "REMINDER_IMAP__HOST",
    "REMINDER_IMAP__FOLDER",
    "REMINDER_IMAP__PROCESSED_FOLDER",
    "REMINDER_SMTP__USERNAME",
    "REMINDER_AUTHSERV_ID",
    "REMINDER_REPLY_TO",
    "REMINDER_KEEP_EMAILS_DAYS",
]


@pytest.mark.parametrize("name", EMPTY_MEANS_UNSET)
def test_an_empty_variable_counts_as_not_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """A variable set to '' (compose's `NAME: ""`, `docker run -e NAME=`) gives the default."""
    defaults = load(tmp_path)
    monkeypatch.setenv(name, "")
    assert load(tmp_path) == defaults


def test_empty_lines_in_dotenv_and_empty_secret_files_count_as_not_set(tmp_path: Path) -> None:
    """`NAME=` in .env and an empty secret file give the default, as an empty variable does."""
    env_file = tmp_path / ".env"
    env_file.write_text("REMINDER_IMAP__PROCESSED_FOLDER=\nREMINDER_AUTHSERV_ID=\n")
    secrets_folder(tmp_path, REMINDER_SMTP__USERNAME="\n", REMINDER_SECRET_KEY="")
    settings = load(tmp_path, env_file=env_file)
    assert settings.imap.processed_folder is None
    assert settings.authserv_id is None
    assert settings.smtp.username is None
    assert settings.secret_key is None


def test_an_empty_required_value_is_reported_as_not_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty key, sender or IMAP password gets the usual "is not set" line naming it."""
    for name in ("REMINDER_SECRET_KEY", "REMINDER_FROM", "REMINDER_IMAP__PASSWORD"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("REMINDER_IMAP__HOST", "imap.northwind.example")
    monkeypatch.setenv("REMINDER_IMAP__USERNAME", "mentoring")
    settings = load(tmp_path)
    missing = settings.missing_for_sending() + settings.missing_for_reading()
    assert [line.split(" is not set")[0] for line in missing] == [
        "REMINDER_SECRET_KEY",
        "REMINDER_FROM",
        "REMINDER_IMAP__PASSWORD",
    ]


EMPTY_FIELDS_IN_GROUPS = {
    "REMINDER_SMTP": '{"host": "", "username": "", "password": ""}',
    "REMINDER_IMAP": (
        '{"host": "imap.northwind.example", "folder": "", "username": "", "password": ""}'
    ),
    "REMINDER_HTTP": '{"host": ""}',
}


@pytest.mark.parametrize("where", ["environment", ".env", "secret files"])
def test_an_empty_field_in_a_group_given_as_json_counts_as_not_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A "" field in a group given whole as JSON gives its default or its "is not set" line."""
    env_file = tmp_path / ".env"
    if where == "environment":
        for name, text in EMPTY_FIELDS_IN_GROUPS.items():
            monkeypatch.setenv(name, text)
    elif where == ".env":
        env_file.write_text("".join(f"{n}='{t}'\n" for n, t in EMPTY_FIELDS_IN_GROUPS.items()))
    else:
        secrets_folder(tmp_path, **EMPTY_FIELDS_IN_GROUPS)
    settings = load(tmp_path, env_file=env_file)
    assert (settings.smtp.host, settings.smtp.username, settings.smtp.password) == (
        "localhost",
        None,
        None,
    )
    assert settings.http.host == "127.0.0.1"
    assert settings.replies_reading() == "read from INBOX on imap.northwind.example:993"
    assert [line.split(" is not set")[0] for line in settings.missing_for_reading()] == [
        "REMINDER_IMAP__USERNAME",
        "REMINDER_IMAP__PASSWORD",
    ]
