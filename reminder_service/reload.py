"""Hot reload: a coordinator's edit to the program file or the templates, taken in safely.

The watcher polls a fingerprint of the content of the program file and of every template,
rather than waiting for file-system events: editors save by replacing the file, Kubernetes
swaps a `..data` symlink to a new folder, and a network or bind mount may deliver no events
at all. Reading the paths afresh on each poll sees all of these. A change is taken in only
once the fingerprint has stayed the same for `settle` (an editor writing in several steps is
seen once), and only after the whole program has been checked and every template rendered
for every pair of a program of up to 2,000 pairs; a larger program is checked for the pairs
the edit added or changed and for a sample of the others (the check stays short however many
pairs there are; a template that fails only for some other pair is reported by the planner
when it writes that pair's email); a bad edit leaves the last good program
running, and its problems, each with file:line, are logged and kept in `status` for the
digest, health and metrics. An edit that gives the mentor and mentee of a pair with email
history a new id is refused: the id links a pair to its history (the `history` the watcher is
given, read afresh for each edit). SIGHUP asks for a reload at once. The running watcher
checks an edit in a worker thread, so the event loop (and `/healthz`) keeps turning meanwhile;
the check reads the files, and the database only through its own read-only connection.

A single file bind-mounted into a container goes stale when the host replaces it: the
container keeps seeing the old copy, whose link count drops to 0. The watcher says so once,
because no reload can see past it (mount the folder instead).
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from reminder_service.built_in_templates import BUILT_IN_TEMPLATES
from reminder_service.compose import Composer, Identity
from reminder_service.core.model import Pair, Program
from reminder_service.core.wording import counted
from reminder_service.errors import ConfigError, StoreError
from reminder_service.ports import Clock
from reminder_service.program import KnownPairs, ProgramError, known_pairs, load_program
from reminder_service.waiting import wait_for_either

log = logging.getLogger(__name__)

POLL_INTERVAL = timedelta(seconds=2)
SETTLE = timedelta(seconds=0.5)


@dataclass(frozen=True, slots=True)
class ReloadStatus:
    """The outcome of the last attempt to load the program, for the digest, health and metrics.

    The program loaded at start-up counts as the first successful attempt.
    """

    last_attempt_at: datetime
    last_success_at: datetime
    successful: bool
    problems: tuple[str, ...] = ()

    @classmethod
    def loaded_at(cls, moment: datetime) -> ReloadStatus:
        """A successful load at `moment`, with no problems."""
        return cls(last_attempt_at=moment, last_success_at=moment, successful=True)


EVERY_PAIR_CHECKED_UP_TO = 2000
"""A program with at most this many pairs has every pair's emails rendered (a few seconds,
in a worker thread); a larger one has the changed pairs and a sample."""

CHANGED_PAIRS_CHECKED = 1000
"""How many of the pairs an edit added or changed have their emails rendered, at most."""

OTHER_PAIRS_CHECKED = 100
"""How many of the other pairs, spread over the file, have their emails rendered."""


class Check(enum.Enum):
    """What one look at the files found and did."""

    UNCHANGED = "unchanged"
    SETTLING = "settling"
    RELOADED = "reloaded"
    REFUSED = "refused"


class Reloader:
    """Watches the program file and the templates; swaps in a new program once it is valid."""

    def __init__(
        self,
        config: Path,
        *,
        templates_dir: Path,
        identity: Identity,
        apply: Callable[[Program, Composer], None],
        clock: Clock,
        poll_interval: timedelta = POLL_INTERVAL,
        settle: timedelta = SETTLE,
        fallback: Path | None = BUILT_IN_TEMPLATES,
        baseline: str | None = None,
        program: Program | None = None,
        report: Callable[[ReloadStatus], None] | None = None,
        history: Callable[[], KnownPairs] | None = None,
    ) -> None:
        """Watch the files the running program came from; `apply` swaps in a new one.

        `baseline` is the `fingerprint` taken before that program was loaded (without it,
        the files as they are now), so an edit made while the service starts is not missed.
        `program` is the running program, against which an edit's changed pairs are found.
        `report` is told the new status after each edit taken in or refused, so health and
        metrics show it at once rather than at the planner's next turn. `history` reads the
        pairs with email history (in the worker thread), against which a rename is refused.
        """
        self._config = config
        self._templates_dir = templates_dir
        self._identity = identity
        self._fallback = fallback
        self._apply = apply
        self._clock = clock
        self._poll_interval = poll_interval
        self._settle = settle
        self._requested = asyncio.Event()
        self._seen = baseline or fingerprint(config, templates_dir=templates_dir)
        self._pending: tuple[str, datetime] | None = None
        self._warned_stale = False
        self._program = program
        self._report = report
        self._history = history
        self.status = ReloadStatus.loaded_at(clock.now())

    def request(self) -> None:
        """Ask the running watcher to reload now, whether or not the files changed (SIGHUP)."""
        self._requested.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll the files until `stop` is set, reloading on a settled change or a request."""
        while not stop.is_set():
            await wait_for_either(stop, self._requested, self._next_wait())
            if stop.is_set():
                return
            if self._requested.is_set():
                self._requested.clear()
                log.info("reloading the program and templates, as asked (SIGHUP)")
                await self.reload_in_thread()
            elif self._look() is None:
                await self.reload_in_thread()

    def check_once(self) -> Check:
        """Look at the files once; reload when a change has settled."""
        looked = self._look()
        if looked is not None:
            return looked
        return Check.RELOADED if self.reload() else Check.REFUSED

    def reload(self) -> bool:
        """Load and check the program and templates now; swap them in only when all is well."""
        now = self._begin()
        return self._finish(self._checked_load(now, before=self._program), now=now)

    async def reload_in_thread(self) -> bool:
        """`reload`, with the checking done in a worker thread so the event loop keeps turning.

        The thread only reads the files and the running program (immutable); the swap itself
        happens back on the event loop.
        """
        now = self._begin()
        loaded = await asyncio.to_thread(self._checked_load, now, before=self._program)
        return self._finish(loaded, now=now)

    def _look(self) -> Check | None:
        """UNCHANGED or SETTLING, or None when a change has settled and is due a reload."""
        self._warn_if_stale()
        current = fingerprint(self._config, templates_dir=self._templates_dir)
        now = self._clock.now()
        if current == self._seen:
            self._pending = None
            return Check.UNCHANGED
        if self._pending is None or self._pending[0] != current:
            self._pending = (current, now)
        if now - self._pending[1] < self._settle:
            return Check.SETTLING
        return None

    def _begin(self) -> datetime:
        """Take the files as they are now as seen; the moment of the attempt."""
        self._seen = fingerprint(self._config, templates_dir=self._templates_dir)
        self._pending = None
        return self._clock.now()

    def _checked_load(
        self, now: datetime, *, before: Program | None
    ) -> tuple[Program, Composer] | list[str]:
        """`_load`, with an unexpected failure turned into a problem that refuses the edit."""
        try:
            return self._load(now, before=before)
        except Exception:
            log.exception("checking the edited program or templates failed unexpectedly")
            return [
                f"{self._config}: the edit could not be checked because of an unexpected"
                " error (the service's log has the details); the last good program keeps"
                " running"
            ]

    def _finish(self, loaded: tuple[Program, Composer] | list[str], *, now: datetime) -> bool:
        """Swap in what was loaded, or refuse it, and report the outcome; whether it was
        swapped in."""
        if isinstance(loaded, list):
            self._refuse(loaded, now=now)
        else:
            self._take_in(*loaded, now=now)
        if self._report is not None:
            self._report(self.status)
        return self.status.successful

    def _take_in(self, program: Program, composer: Composer, *, now: datetime) -> None:
        self._apply(program, composer)
        self._program = program
        self.status = ReloadStatus.loaded_at(now)
        log.info(
            "reloaded %s: %s in the program", self._config, counted(len(program.pairs), "pair")
        )

    def _refuse(self, problems: list[str], *, now: datetime) -> None:
        self.status = ReloadStatus(
            last_attempt_at=now,
            last_success_at=self.status.last_success_at,
            successful=False,
            problems=tuple(problems),
        )
        log.error(
            "the edited program or templates have %d problem(s); the last good program keeps "
            "running until they are fixed",
            len(problems),
        )
        for problem in problems:
            log.error("reload refused: %s", problem)

    def _load(
        self, now: datetime, *, before: Program | None
    ) -> tuple[Program, Composer] | list[str]:
        """The new program and composer, or every problem found in either."""
        program: Program | ConfigError | StoreError
        composer: Composer | ConfigError
        try:
            history = self._history() if self._history is not None else {}
            known = known_pairs(history, running=before)
            del history  # what `known` does not share with the running program
            program = load_program(self._config, known=known, running=before)
        except (ConfigError, StoreError) as exc:
            program = exc
        try:
            composer = Composer(
                self._templates_dir, identity=self._identity, fallback=self._fallback
            )
        except ConfigError as exc:
            composer = exc
        if isinstance(program, Program) and isinstance(composer, Composer):
            pairs = pairs_to_check(program, before=before)
            return composer.problems(program, now=now, pairs=pairs) or (program, composer)
        return [*_problems(program), *_problems(composer)]

    def _next_wait(self) -> timedelta:
        return (
            self._poll_interval if self._pending is None else min(self._settle, self._poll_interval)
        )

    def _warn_if_stale(self) -> None:
        if self._warned_stale or not is_stale(self._config):
            return
        self._warned_stale = True
        log.warning(
            "%s was replaced outside this container, but the container still sees the old "
            "copy (a single file was mounted): mount the folder holding it instead, then "
            "restart",
            self._config,
        )


def fingerprint(config: Path, *, templates_dir: Path) -> str:
    """A digest of the program file's and every template's content, read afresh."""
    digest = hashlib.blake2b(digest_size=16)
    for path in (config, *_templates(templates_dir)):
        digest.update(os.fsencode(path) + b"\0")
        digest.update(_content(path) + b"\0")
    return digest.hexdigest()


def pairs_to_check(program: Program, *, before: Program | None) -> list[Pair]:
    """The pairs an edit's emails are rendered for: every pair of a program of at most
    EVERY_PAIR_CHECKED_UP_TO; else those the edit added or changed (at most
    CHANGED_PAIRS_CHECKED) and OTHER_PAIRS_CHECKED of the rest, spread over the file."""
    old = {} if before is None else {pair.id: pair for pair in before.pairs}
    changed: list[Pair] = []
    others: list[Pair] = []
    for pair in program.pairs:
        (others if old.get(pair.id) == pair else changed).append(pair)
    if len(program.pairs) <= EVERY_PAIR_CHECKED_UP_TO:
        return changed + others
    step = max(1, -(-len(others) // OTHER_PAIRS_CHECKED))
    return changed[:CHANGED_PAIRS_CHECKED] + others[::step]


def is_stale(path: Path) -> bool:
    """True when `path` is a file deleted everywhere else: a single bind-mounted file replaced."""
    try:
        return path.stat().st_nlink == 0
    except OSError:
        return False


def _templates(templates_dir: Path) -> Iterable[Path]:
    return sorted(templates_dir.rglob("*.j2"))


def _content(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        return f"unreadable: {exc.errno}".encode()


def _problems(outcome: object) -> list[str]:
    if isinstance(outcome, ProgramError):
        return [str(problem) for problem in outcome.problems]
    return [str(outcome)] if isinstance(outcome, ConfigError | StoreError) else []
