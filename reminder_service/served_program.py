"""The program as the service plans and reads replies with: less the pairs erased with
`forget` that it still has.

`forget` erases a pair once it is gone from the program FILE, but the running service may
still hold the program that has it: its reload was refused (a template error, the rename of
a pair with history) or has not happened yet (the file must settle, then be checked). Left
in, the planner would queue the erased pair's check-in again and intake would log its
members' replies under its id. So such a pair is left out, with a warning, until the
service runs a program without it; then its note is lifted and the id is free again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from reminder_service.core.model import Program
from reminder_service.store import SqliteStore

log = logging.getLogger(__name__)


class ServedProgram:
    """Call it for the running program less its erased pairs (the same object while neither
    changes, so the planner sees no reload)."""

    def __init__(self, program: Callable[[], Program], *, store: SqliteStore) -> None:
        self._program = program
        self._store = store
        self._warned: frozenset[str] = frozenset()
        self._served: tuple[Program, frozenset[str], Program] | None = None

    def __call__(self) -> Program:
        """The running program without the pairs erased while it still has them; lifts the
        notes of erased pairs it no longer has."""
        program = self._program()
        erased = self._store.erased_pairs()
        held = frozenset(pair_id for pair_id in erased if program.pair(pair_id) is not None)
        self._store.lift_erasures(erased - held)
        self._warn(held)
        if not held:
            return program
        served = self._served
        if served is None or served[0] is not program or served[1] != held:
            served = self._served = (program, held, program.without(held))
        return served[2]

    def _warn(self, held: frozenset[str]) -> None:
        """Warn once about each erased pair the running program still has."""
        for pair_id in sorted(held - self._warned):
            log.warning(
                "pair %s was erased with forget, but the program this service runs still has "
                "it: its reload has not taken effect; nothing is sent to it, and replies "
                "naming it are set aside for review. Check that the program file loads",
                pair_id,
            )
        self._warned = held
