"""`explain-reply`, `meetings` and `review`: the reply side, read without changing anything."""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from reminder_service import bootstrap
from reminder_service.commands.changing import busy_message, open_for_change, service_stopped
from reminder_service.commands.output import (
    EXIT_OK,
    EXIT_PROBLEMS,
    json_text,
    print_csv,
    print_json_list,
    print_table,
    printable,
    size_text,
    stored,
    unknown_pair_hint,
)
from reminder_service.compose_digest import REVIEW_DONE_COMMAND
from reminder_service.core.replies.understand import understand
from reminder_service.core.replies.verdict import REASON_WORDS, Reason, verdict_json
from reminder_service.errors import ConfigError, StoreBusyError, StoreError
from reminder_service.program import ProgramError, load_program
from reminder_service.settings import Settings, load_settings
from reminder_service.store import InboundRow, MeetingRow, SqliteStore, read_only_if_present

MEETING_FIELDS = (
    "pair",
    "date",
    "date_stated",
    "duration_minutes",
    "reported_by",
    "message_id",
    "logged_at",
)
MEETING_HEADER = ("Date", "Pair", "Duration", "Reported by", "Logged at")

REVIEW_TEXT_LINES = 6
UNREAD_REASONS = frozenset({Reason.TOO_LARGE, Reason.TOO_COMPLEX, Reason.UNREADABLE})
REVIEW_REASONS = {
    **REASON_WORDS,
    Reason.NOT_UNDERSTOOD: (
        f"{REASON_WORDS[Reason.NOT_UNDERSTOOD]} (its sender is asked back only when the email "
        "they answered asked them something, the reply is under 2 days old and the pair "
        "has not ended)"
    ),
    Reason.NO_MEETING_FOUND: (
        f"{REASON_WORDS[Reason.NO_MEETING_FOUND]} (none logged in the last 30 days, or the "
        "email they answered was about another pair's meeting)"
    ),
}
"""The reasons as `review` gives them, with what decides the two that need explaining."""


def explain_reply(args: argparse.Namespace) -> int:
    settings = load_settings()
    missing = settings.missing_for_sending()
    if settings.secret_key is None:
        raise ConfigError(missing[0])
    program = load_program(settings.config)
    raw = sys.stdin.buffer.read() if args.file == "-" else _read_message(Path(args.file))
    now = args.now or datetime.now(UTC)
    with bootstrap.reply_context(settings, program, now=now) as context:
        verdict = understand(raw, context=context)
    print(json_text(verdict_json(verdict)))
    return EXIT_OK


def _read_message(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc


def meetings(args: argparse.Namespace) -> int:
    """The meeting log, as a table, JSON or CSV, printed as it is read from the database."""
    settings = load_settings()
    with read_only_if_present(settings.database) as store:
        if store is None:
            return _no_meetings(args, settings, None)
        with store.one_view():
            rows = _records(store, args)
            first = next(rows, None)
            if first is None:
                return _no_meetings(args, settings, store)
            read = itertools.chain([first], rows)
            if args.format == "json":
                print_json_list(read)
            elif args.format == "csv":
                print_csv(read, fields=MEETING_FIELDS)
            else:
                again = map(_meeting_row, _records(store, args))
                print_table(map(_meeting_row, read), MEETING_HEADER, again=again)
    return EXIT_OK


def _records(store: SqliteStore, args: argparse.Namespace) -> Iterator[dict[str, object]]:
    """The meetings `args` asks for, as the formats print them, read as they are needed."""
    return map(_meeting_record, store.each_meeting(pair_id=args.pair, since=args.since))


def _meeting_record(row: MeetingRow) -> dict[str, object]:
    return {
        "pair": row.pair_id,
        "date": row.met_on.isoformat(),
        "date_stated": row.date_stated,
        "duration_minutes": row.duration_minutes,
        "reported_by": row.reported_by,
        "message_id": row.source_message_id,
        "logged_at": row.created_at.isoformat(timespec="seconds"),
    }


def _no_meetings(args: argparse.Namespace, settings: Settings, store: SqliteStore | None) -> int:
    """What `meetings` says when it lists nothing: that the pair asked for is unknown (exit
    1), or that nothing was logged (for it, or since the date asked for)."""
    logged = store.meeting_pair_ids() if store else set()
    if (
        args.pair
        and args.pair not in logged
        and args.pair not in (known := _known(logged, settings))
    ):
        print(f"reminder-service: {_no_such_pair(args.pair, known, settings)}", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.format == "json":
        print_json_list([])
    elif args.format == "csv":
        print_csv([], fields=MEETING_FIELDS)
    else:
        before = store.meeting_count(pair_id=args.pair) if store and args.since else 0
        print(_nothing_logged(pair_id=args.pair, since=args.since, before=before))
    return EXIT_OK


def _known(logged: set[str], settings: Settings) -> set[str]:
    """The pair ids of the meeting log and of the program (the log alone when the program
    file has problems: the log can be read without it)."""
    try:
        program = load_program(settings.config)
    except ProgramError:
        return logged
    return logged | {pair.id for pair in program.pairs}


def _no_such_pair(pair_id: str, known: set[str], settings: Settings) -> str:
    hint = unknown_pair_hint(pair_id, sorted(known))
    return f"There is no pair {pair_id!r} in the meeting log or in {settings.config}; {hint}"


def _nothing_logged(*, pair_id: str | None, since: date | None, before: int) -> str:
    """Why the list is empty: nothing logged yet, or only before `since` (`before` of them)."""
    of_pair = f" for {pair_id}" if pair_id else ""
    if before:
        return f"No meetings logged{of_pair} since {since}; {before} before that date."
    return f"No meetings logged{of_pair} yet."


def _meeting_row(record: Mapping[str, object]) -> tuple[str, ...]:
    minutes = record["duration_minutes"]
    duration = f"{minutes} min" if minutes is not None else "-"
    when = str(record["date"]) + ("" if record["date_stated"] else " (date of the reply)")
    return (
        when,
        str(record["pair"]),
        duration,
        str(record["reported_by"]),
        str(record["logged_at"]),
    )


def review(args: argparse.Namespace) -> int:
    """List the review queue, or with `--done` take the given messages off it."""
    settings = load_settings()
    if args.done:
        return _mark_reviewed(settings.database, args.done)
    rows = stored(settings.database, lambda s: s.review_queue())
    if not rows:
        print("Nothing to review.")
        return EXIT_OK
    print(f"{len(rows)} message(s) to review:")
    for row in rows:
        print()
        reason = REVIEW_REASONS.get(row.reason or "", row.reason or "")
        sender = printable(row.sender or "unknown sender")
        print(f"#{row.id}  {row.received_at:%Y-%m-%d %H:%M} UTC  from {sender}")
        print(f"    {row.outcome}: {reason}" + (f" (pair {row.pair_id})" if row.pair_id else ""))
        if row.subject:
            print(f"    subject: {printable(row.subject)}")
        if row.reason in UNREAD_REASONS:
            print(f"    {_unread_advice(row)}")
        for line in (row.text or "").splitlines()[:REVIEW_TEXT_LINES]:
            print(f"    > {printable(line)}")
    print()
    print(
        f'When you have dealt with a message, run for example "{REVIEW_DONE_COMMAND} {rows[0].id}"'
    )
    print("(one or more numbers) to take it off this list and out of the weekly digest.")
    return EXIT_OK


def _unread_advice(row: InboundRow) -> str:
    """Where to find a message this service did not read, and what to do with it."""
    size = f"{size_text(row.size)}, " if row.size else ""
    return (
        f"({size}arrived as UID {row.uid} in {printable(row.folder)}) It was not read, so "
        "nothing in it was logged: read it in the reply mailbox (look for its sender and "
        "subject) and act on it yourself."
    )


def _mark_reviewed(database: Path, numbers: Sequence[int]) -> int:
    """Take each message off the review queue, saying what happened to each; 1 when any
    number is not one the queue ever held. With no service running (its lock held for the
    while) a database of an older schema is upgraded first; with one running it is refused
    unchanged."""
    if not database.exists():
        raise StoreError(f"There is no database at {database} yet, so nothing to review.")
    with service_stopped(database, command="review --done") as stopped:
        try:
            store = open_for_change(database, stopped=stopped)
        except StoreBusyError as exc:
            unchanged = "Nothing was marked."
            raise StoreError(busy_message(database, stopped=stopped, unchanged=unchanged)) from exc
        with store:
            return _mark_each(store, numbers, database=database, stopped=stopped)


def _mark_each(store: SqliteStore, numbers: Sequence[int], *, database: Path, stopped: bool) -> int:
    """Mark each number reviewed, stopping at the first that finds the database busy."""
    status = EXIT_OK
    now = datetime.now(UTC)
    for number in dict.fromkeys(numbers):
        try:
            newly = store.mark_reviewed(number, now=now)
        except StoreBusyError as exc:
            unchanged = f"#{number} and any numbers after it were not marked."
            message = busy_message(database, stopped=stopped, unchanged=unchanged)
            raise StoreError(message) from exc
        except StoreError as exc:
            print(f"reminder-service: {exc}", file=sys.stderr)
            status = EXIT_PROBLEMS
            continue
        done = "marked reviewed" if newly else "was already marked reviewed"
        print(f"#{number} {done}: it is off the review list and out of the digest.")
    return status
