"""Login passwords that can be corrected while the service runs.

Kubernetes and Docker swarm update a mounted secret in place, and a `.env` file can be
edited; only the environment of a running process cannot change. So once a mail server
refuses the login, the next connection reads the password again from the settings (the
SMTP and IMAP adapters say when, with `refused`), and a corrected password is used
without a restart. The password itself is never logged or shown: a new one joins the
secrets the logs redact.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from reminder_service import logs
from reminder_service.errors import ConfigError

log = logging.getLogger(__name__)


class Password:
    """A login password; with `reread`, read again after a server has refused it.

    `setting` names where it is set (`REMINDER_SMTP__PASSWORD`), for the log.
    """

    def __init__(
        self,
        value: str | None,
        *,
        reread: Callable[[], str | None] | None = None,
        setting: str = "the password",
    ) -> None:
        self._value = value
        self._reread = reread
        self._setting = setting
        self._stale = False

    def __repr__(self) -> str:
        return f"Password({self._setting}: **********)"

    def current(self) -> str | None:
        """The password to log in with: read again first when the last one was refused."""
        if self._stale and self._reread is not None:
            self._stale = False
            self._read_again(self._reread)
        return self._value

    def refused(self) -> None:
        """The server refused the login: the next `current` reads the password again."""
        self._stale = True

    def _read_again(self, reread: Callable[[], str | None]) -> None:
        try:
            fresh = reread()
        except ConfigError as exc:
            self._stale = True
            log.warning(
                "%s could not be read again, so the one read before is still used: %s",
                self._setting,
                exc,
            )
            return
        if fresh != self._value:
            if fresh:
                logs.redact_also(fresh)
            self._value = fresh
            log.info("A changed %s was found and will be used to log in", self._setting)
