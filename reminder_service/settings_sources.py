"""Where settings come from, checked so that each mistake is one line a coordinator can act on.

pydantic-settings reads every file in the secrets folder as UTF-8 text: an unrelated keystore
in the same volume, or a file the service's user may not read, stopped every command with a
traceback, and a setting's path that is a folder (Docker makes one when the host file it
should mount is missing) was skipped without a word. Here only entries named like a setting
(`REMINDER_...`, any case) are read, and each one that cannot be used is named with what to do.

A name that is almost a setting (`REMINDER_IMAP_HOST` for `REMINDER_IMAP__HOST`) would be
ignored, leaving the service quietly without what it was given; `misspelt_names` finds them.
Other `REMINDER_` names are left alone: Kubernetes adds variables such as
`REMINDER_SERVICE_HOST` and `REMINDER_PORT` for a Service called `reminder`.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from difflib import get_close_matches
from pathlib import Path

from dotenv import dotenv_values
from pydantic_settings import NestedSecretsSettingsSource

from reminder_service.errors import ConfigError

ENV_PREFIX = "REMINDER_"
NEAR_MISS_CUTOFF = 0.8
"""How alike (difflib's ratio, underscores ignored) a name must be to a setting's to be a typo."""


class SecretFilesSource(NestedSecretsSettingsSource):
    """Secret files as pydantic-settings reads them, but only those named like a setting."""

    def validate_secrets_path(self, path: Path) -> None:
        """Refuse a secrets path that is a file; unlike pydantic-settings, do not add up the
        sizes of files that are not settings."""
        if path.exists() and not path.is_dir():
            raise ConfigError(
                f"{path} should be the folder of secret files but is a file: "
                "mount the secrets as a folder"
            )

    @classmethod
    def load_secrets(cls, path: Path) -> dict[str, str]:
        """The text of each setting's file in the folder `path`, by file name; an empty file
        counts as not set, as an empty variable does (pydantic-settings keeps those)."""
        secrets = {entry.name: read_secret(entry) for entry in setting_entries(path)}
        return {name: value for name, value in secrets.items() if value}


def setting_entries(folder: Path) -> list[Path]:
    """The entries of `folder` named like a setting; none when there is no such folder."""
    if not folder.is_dir():
        return []
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise ConfigError(
            f"The secrets folder {folder} cannot be read ({exc.strerror}): "
            f"let the service's user (uid {os.getuid()}) read it"
        ) from None
    return [entry for entry in entries if entry.name.upper().startswith(ENV_PREFIX)]


def read_secret(path: Path) -> str:
    """The value in the secret file `path`, without surrounding blanks."""
    if path.is_dir():
        raise ConfigError(
            f"The secret {path} is a folder, not a file (Docker makes one when the file it "
            "should mount is missing): put the secret's file where the folder is"
        )
    try:
        return path.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        raise ConfigError(
            f"The secret file {path} is not plain text (UTF-8): write the value as text"
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"The secret file {path} cannot be read ({exc.strerror}): let the service's user "
            f"(uid {os.getuid()}) read it, e.g. chown {os.getuid()} {path}"
        ) from None


def dotenv_names(env_file: Path | None) -> list[str]:
    """The names that `env_file` sets; none when there is no such file."""
    if env_file is None or not env_file.is_file():
        return []
    try:
        return list(dotenv_values(env_file, encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"The file {env_file} is not plain text (UTF-8)") from None
    except OSError as exc:
        raise ConfigError(
            f"The file {env_file} cannot be read ({exc.strerror}): "
            f"let the service's user (uid {os.getuid()}) read it"
        ) from None


def misspelt_names(found: Iterable[tuple[str, str]], *, settings: Collection[str]) -> list[str]:
    """One line for each `(name, where)` found that is not a setting but nearly one's name."""
    by_letters = {_letters(name): name for name in settings}
    problems = []
    for name, where in found:
        upper = name.upper()
        if not upper.startswith(ENV_PREFIX) or upper in settings:
            continue
        right = by_letters.get(_letters(upper)) or _closest(upper, by_letters)
        if right is not None:
            problems.append(f"{name} ({where}) is not a setting: the right name is {right}")
    return problems


def _closest(name: str, by_letters: dict[str, str]) -> str | None:
    matches = get_close_matches(_letters(name), by_letters, n=1, cutoff=NEAR_MISS_CUTOFF)
    return by_letters[matches[0]] if matches else None


def _letters(name: str) -> str:
    """`name` without its prefix and underscores, so `IMAP_HOST` and `IMAP__HOST` meet."""
    return name.upper().removeprefix(ENV_PREFIX).replace("_", "")
