"""The planner's log of emails it could not write, told once rather than at every tick.

An email whose template fails is tried again at every planning (every 30 s or so), and a
template that fails for many pairs (one that uses a field some pairs lack) would otherwise
write an error line per email per tick, forever. So each failure, per pair and kind, is
logged as an error when it first appears and again only when its message changes; repeats
go to DEBUG, with at most one warning a tick that counts them, and an email written again
after failing is logged once too.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field

from reminder_service.core.model import Kind, Program
from reminder_service.errors import ConfigError

log = logging.getLogger(__name__)

EmailId = tuple[str | None, Kind]
"""Which email: its pair (None for the program's digest) and kind."""


@dataclass
class RenderFailures:
    """The emails that could not be written, with the message each last failed with.

    `known` outlives ticks; `touched` and `repeats` are this tick's, reset by `start`.
    """

    known: dict[EmailId, str] = field(default_factory=dict)
    touched: set[EmailId] = field(default_factory=set)
    repeats: list[tuple[EmailId, str]] = field(default_factory=list)

    def start(self) -> None:
        """A new tick: nothing written or failed in it yet."""
        self.touched = set()
        self.repeats = []

    def failed(self, email: EmailId, exc: Exception) -> None:
        """Log that `email` could not be written: as an error when it is new or its message
        changed, else at DEBUG, counted for the tick's summary."""
        message = str(exc)
        self.touched.add(email)
        if self.known.get(email) == message:
            self.repeats.append((email, message))
            log.debug("still cannot write %s: %s", _described(email), message)
            return
        self.known[email] = message
        log.error(
            "could not write %s, so it was skipped (it is tried again at every planning, "
            "and this is logged again only if the problem changes): %s",
            _described(email),
            message,
            exc_info=not isinstance(exc, ConfigError),
        )

    def written(self, email: EmailId) -> None:
        """`email` was written; if it had failed before, say that it works again."""
        self.touched.add(email)
        if self.known.pop(email, None) is not None:
            log.info("%s could be written again and is queued", _described(email).capitalize())

    def finish(self, program: Program, *, planned: Collection[str]) -> None:
        """End of a tick: one warning for the repeats, and forget the failures of pairs no
        longer in the program, or planned this tick without that email being wanted."""
        if self.repeats:
            first, message = self.repeats[0]
            log.warning(
                "still cannot write %d emails because of the same template problems as "
                "before (each was logged when it first failed; fix the templates and they "
                "are sent at the next planning); first: %s: %s",
                len(self.repeats),
                _described(first),
                message,
            )
        self.known = {
            email: message
            for email, message in self.known.items()
            if email in self.touched or _still_wanted(email, program, planned=planned)
        }


def _still_wanted(email: EmailId, program: Program, *, planned: Collection[str]) -> bool:
    """Whether a failure not seen this tick may still come back: its pair is in the program
    and was not planned this tick (the digest is kept until it is written)."""
    pair_id = email[0]
    return pair_id is None or (program.pair(pair_id) is not None and pair_id not in planned)


def _described(email: EmailId) -> str:
    pair_id, kind = email
    whose = f"pair {pair_id}" if pair_id is not None else "the program"
    return f"the {kind.replace('_', ' ')} email for {whose}"
