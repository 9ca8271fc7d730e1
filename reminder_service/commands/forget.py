"""`forget`: erase everything recorded about a pair, when one of its members asks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reminder_service.commands.changing import busy_message, open_for_change, service_stopped
from reminder_service.commands.output import EXIT_OK, EXIT_PROBLEMS
from reminder_service.errors import StoreBusyError, StoreError
from reminder_service.program import load_program
from reminder_service.settings import load_settings
from reminder_service.store import PairRecords, SqliteStore


def forget(args: argparse.Namespace) -> int:
    """Erase a pair no longer in the program file, after saying what goes and asking."""
    settings = load_settings()
    pair_id: str = args.pair_id
    if _in_program(pair_id, settings.config):
        return EXIT_PROBLEMS
    if not settings.database.exists():
        return _nothing_recorded(pair_id, settings.database)
    if not args.yes and not _asked(pair_id, settings.database):
        return EXIT_PROBLEMS
    if not args.yes and _in_program(pair_id, settings.config):
        return EXIT_PROBLEMS
    with service_stopped(settings.database, command="forget") as stopped:
        try:
            return _erase(pair_id, settings.database, stopped=stopped, say=args.yes)
        except StoreBusyError as exc:
            unchanged = "Nothing was erased."
            message = busy_message(settings.database, stopped=stopped, unchanged=unchanged)
            raise StoreError(message) from exc


def _in_program(pair_id: str, config: Path) -> bool:
    """Whether the pair is in the program file, said as the reason nothing was erased (read
    again after the question, which may have waited while the file was edited)."""
    if load_program(config).pair(pair_id) is None:
        return False
    print(
        f"reminder-service: pair {pair_id} is still in {config}. Remove it from the file "
        "first; once a running service has logged that it reloaded the file, run this again. "
        "Nothing was erased.",
        file=sys.stderr,
    )
    return True


def _asked(pair_id: str, database: Path) -> bool:
    """Say what is recorded about the pair and whether the coordinator confirmed erasing it.

    The database is only read here (an older schema too), and no lock is held while the
    question waits, so a service may start meanwhile; the erase checks again.
    """
    found = _recorded(pair_id, database)
    if found is not None and not found.total:
        _nothing_recorded(pair_id, database)
        return False
    what = "" if found is None else f": {counted(found)}"
    print(f"This erases for good everything recorded about pair {pair_id}{what}.")
    if _confirmed():
        return True
    print("Nothing was erased.")
    return False


def _recorded(pair_id: str, database: Path) -> PairRecords | None:
    """What is recorded about the pair, read only; None when a database of a much older
    schema lacks some of the tables counted (the erase counts again once it is upgraded)."""
    with SqliteStore.open_read_only(database, older=True) as store:
        if store.schema_version == 0:
            return PairRecords(outbox=0, meetings=0, inbound=0, reply_events=0, pair_silences=0)
        try:
            return store.pair_records(pair_id)
        except StoreError:
            return None


def _erase(pair_id: str, database: Path, *, stopped: bool, say: bool) -> int:
    """Erase what is recorded about the pair, saying what first when `say` (no question
    was asked). With no service running (`stopped`, its lock held) a database of an older
    schema is upgraded first; with one running it is refused unchanged."""
    with open_for_change(database, stopped=stopped) as store:
        found = store.pair_records(pair_id)
        if not found.total:
            return _nothing_recorded(pair_id, database)
        if say:
            print(
                f"This erases for good everything recorded about pair {pair_id}: {counted(found)}."
            )
        erased = store.forget_pair(pair_id, keep_if_unsent=not stopped)
    print(f"Erased pair {pair_id}: {counted(erased)}.")
    print(_id_freed(pair_id, service_running=not stopped))
    return EXIT_OK


def _id_freed(pair_id: str, *, service_running: bool) -> str:
    """When the id may be given to a new pair: at once, or, with a service running, once it
    runs a program without the pair (until then it sends nothing to a pair with that id)."""
    backups = "Backups taken before now still hold the pair's data: delete or replace them too."
    if not service_running:
        return f"The id {pair_id} is free again, for any pair. {backups}"
    return (
        f"The id {pair_id} is free again once the running service has loaded a program "
        "without it (its log says it reloaded); until then it sends nothing to a pair with "
        f"that id, so give it to a new pair only after that. {backups}"
    )


def counted(records: PairRecords) -> str:
    """The rows of each kind, as a coordinator reads them."""
    return ", ".join(
        (
            _plural(records.outbox, "email", "emails"),
            _plural(records.meetings, "meeting", "meetings"),
            _plural(records.inbound, "received message", "received messages"),
            _plural(records.reply_events, "reply event", "reply events"),
            _plural(records.pair_silences, "pause or end", "pauses or ends")
            + " noted from the program file",
        )
    )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _nothing_recorded(pair_id: str, database: Path) -> int:
    print(
        f"reminder-service: nothing is recorded about a pair {pair_id} in {database}; "
        "check the id (as `reminder-service report` shows it). Nothing was erased.",
        file=sys.stderr,
    )
    return EXIT_PROBLEMS


def _confirmed() -> bool:
    """Whether the person at the terminal typed yes; no answer (no terminal) is a no."""
    try:
        answer = input("Erase it? Type yes to confirm: ")
    except EOFError:
        return False
    return answer.strip().lower() in {"yes", "y"}
