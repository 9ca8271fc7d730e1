"""The `reminder-service` command: argument parsing and output for people, no business logic."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime

from reminder_service import bootstrap, logs
from reminder_service.commands import backup as backup_command
from reminder_service.commands import check as checking
from reminder_service.commands import forget as forget_command
from reminder_service.commands import replies, schedule
from reminder_service.commands import report as report_command
from reminder_service.commands import upgrade as upgrade_command
from reminder_service.commands.output import EXIT_OK, EXIT_PROBLEMS
from reminder_service.core.model import Kind
from reminder_service.errors import ReminderError
from reminder_service.settings import load_settings

log = logging.getLogger(__name__)


PRIVATE_UMASK = 0o077
"""Files and folders the service creates (the database and its WAL, reports, the lock)
hold members' replies: they are for the service's own user alone (0600, 0700)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status.

    The umask is put back afterwards, for callers that run it in their own process.
    """
    previous = os.umask(PRIVATE_UMASK)
    try:
        return _command(argv)
    finally:
        os.umask(previous)


def _command(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    handler = logs.configure_from_settings()
    as_json = isinstance(handler.formatter, logs.JsonFormatter)
    command: Callable[[argparse.Namespace], int] = args.command
    try:
        status = command(args)
        sys.stdout.flush()
    except BrokenPipeError:
        return _reader_gone()
    except KeyboardInterrupt:
        print("reminder-service: stopped (Ctrl-C).", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ReminderError as exc:
        return _stopped_by([exc], as_json=as_json)
    except ExceptionGroup as group:
        # The running service's loops are a TaskGroup, which wraps what stopped them.
        ours, other = group.split(ReminderError)
        if other is None and ours is not None:
            return _stopped_by(_leaves(ours), as_json=as_json)
        log.critical("stopped by an unexpected error", exc_info=group)
        return EXIT_PROBLEMS
    except Exception:
        log.critical("stopped by an unexpected error", exc_info=True)
        return EXIT_PROBLEMS
    return status


EXIT_READER_GONE = 128 + signal.SIGPIPE
"""As a shell reports a command ended by SIGPIPE, such as `cat` piped into `head`."""
EXIT_INTERRUPTED = 128 + signal.SIGINT
"""As a shell reports a command stopped with Ctrl-C (`run` and `demo` stop cleanly instead)."""


def _reader_gone() -> int:
    """End quietly when whatever reads our output (`head`, a pager) has stopped reading.

    Standard output goes to /dev/null so the interpreter's last flush at exit, with the
    rest of the output still buffered, does not fail again.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_READER_GONE


def _stopped_by(problems: Sequence[BaseException], *, as_json: bool) -> int:
    """Say each problem on its own line, as the one thing to read and fix: a JSON log line
    when the logs are JSON lines, so a log collector keeps it with the rest."""
    for problem in problems:
        if as_json:
            log.critical("%s", problem)
        else:
            print(f"reminder-service: {problem}", file=sys.stderr)
    return EXIT_PROBLEMS


def _leaves(group: BaseExceptionGroup[ReminderError]) -> list[BaseException]:
    """The exceptions inside `group`, nested groups flattened."""
    found: list[BaseException] = []
    for exc in group.exceptions:
        found.extend(_leaves(exc) if isinstance(exc, BaseExceptionGroup) else [exc])
    return found


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reminder-service",
        description="Email check-ins that keep mentoring pairs meeting.",
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the service until stopped (SIGTERM or Ctrl-C)")
    run.set_defaults(command=_run)

    check = sub.add_parser(
        "check", help="check the settings, the program file and the templates (no network)"
    )
    check.add_argument(
        "--jobs",
        type=_jobs,
        help="how many processes render the templates (default: one per processor)",
    )
    check.set_defaults(command=checking.check)

    plan = sub.add_parser("plan", help="list the emails due in the next days; changes nothing")
    plan.add_argument(
        "--days", type=_days_ahead, default=7, help="how many days ahead, 1 to 3660 (default 7)"
    )
    plan.add_argument("--now", type=_instant, help="pretend it is this ISO-8601 time")
    plan.set_defaults(command=schedule.plan)

    preview = sub.add_parser("preview", help="show the email a pair would get")
    preview.add_argument(
        "pair_id", metavar="PAIR_ID", nargs="?", help="the pair (not needed for the digest)"
    )
    preview.add_argument(
        "--kind", choices=[kind.value for kind in Kind], default=Kind.CHECKIN.value
    )
    preview.add_argument("--eml", action="store_true", help="print the complete message")
    preview.add_argument("--now", type=_instant, help="pretend it is this ISO-8601 time")
    preview.set_defaults(command=schedule.preview)

    explain = sub.add_parser(
        "explain-reply",
        help="print, as JSON, what the service would decide about a reply; changes nothing",
    )
    explain.add_argument("file", metavar="FILE", help="the message (.eml), or - for standard input")
    explain.add_argument("--now", type=_instant, help="pretend it is this ISO-8601 time")
    explain.set_defaults(command=replies.explain_reply)

    meetings = sub.add_parser("meetings", help="list the meetings logged")
    meetings.add_argument("--pair", metavar="ID", help="only this pair")
    meetings.add_argument("--since", type=_day, metavar="DATE", help="only from this date on")
    meetings.add_argument("--format", choices=["table", "csv", "json"], default="table")
    meetings.set_defaults(command=replies.meetings)

    review = sub.add_parser(
        "review",
        help=(
            "list the replies that were rejected, unmatched or unclear, and disputes that "
            "found no meeting, with reasons"
        ),
    )
    review.add_argument(
        "--done",
        nargs="+",
        type=_message_number,
        metavar="ID",
        help="mark these messages (by their #number) as dealt with: they leave the list",
    )
    review.set_defaults(command=replies.review)

    reporting = sub.add_parser(
        "report", help="per pair: meetings, hours, last meeting, status, days overdue"
    )
    reporting.add_argument("--format", choices=["csv", "html"], default="csv")
    reporting.add_argument("--out", metavar="FILE", help="write to FILE instead of the screen")
    reporting.add_argument("--now", type=_instant, help="pretend it is this ISO-8601 time")
    reporting.set_defaults(command=report_command.report)

    backup = sub.add_parser(
        "backup",
        help="copy the database to a file, safely, even while the service runs",
    )
    backup.add_argument("destination", metavar="DEST", help="the file to write the copy to")
    backup.add_argument(
        "--overwrite", action="store_true", help="replace DEST if it already exists"
    )
    backup.set_defaults(command=backup_command.backup)

    forget = sub.add_parser(
        "forget",
        help="erase everything recorded about a pair that has left the program file",
    )
    forget.add_argument("pair_id", metavar="PAIR_ID", help="the pair to erase")
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    forget.set_defaults(command=forget_command.forget)

    upgrading = sub.add_parser(
        "upgrade",
        help="bring the database up to this version, sending nothing (service stopped)",
    )
    upgrading.set_defaults(command=upgrade_command.upgrade)

    demo = sub.add_parser(
        "demo", help="run on the example program with a local mail server (no account needed)"
    )
    demo.set_defaults(command=_demo)
    return parser


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO-8601 time such as 2026-11-25T09:00+01:00"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


PLAN_DAYS_AT_MOST = 3660
"""Ten years: further ahead than any program plans, and within the calendar's range."""


def _days_ahead(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if not 1 <= days <= PLAN_DAYS_AT_MOST:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of days from 1 to {PLAN_DAYS_AT_MOST}, such as 7 or 30"
        )
    return days


def _jobs(text: str) -> int:
    if not (text.isdecimal() and int(text) >= 1):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes, such as 1 or 4")
    return int(text)


def _message_number(text: str) -> int:
    number = text.removeprefix("#")
    if not number.isdecimal():
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a message number such as 12 (as "reminder-service review" shows it)'
        )
    return int(number)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-03-01") from None


def _run(_args: argparse.Namespace) -> int:
    settings = load_settings()
    service = bootstrap.build_service(settings, reread=load_settings)
    log.info("Replies: %s", settings.replies_reading())
    try:
        asyncio.run(serve_until_signalled(service.daemon.run, reload=service.daemon.request_reload))
    finally:
        service.close()
    return EXIT_OK


async def serve_until_signalled(
    run: Callable[[asyncio.Event], Awaitable[None]],
    *,
    reload: Callable[[], None] | None = None,
) -> None:
    """Run a service until SIGTERM or SIGINT sets its stop event, then let it finish.

    With `reload`, SIGHUP calls it (reload the program file and templates) instead of
    ending the process.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if reload is not None:
        loop.add_signal_handler(signal.SIGHUP, reload)
    await run(stop)


def _demo(_args: argparse.Namespace) -> int:
    from reminder_service.demo import run_demo  # noqa: PLC0415 - only the demo needs aiosmtpd

    return run_demo()
