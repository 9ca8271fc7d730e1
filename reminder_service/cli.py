"""The `reminder-service` command: argument parsing and output for people, no business logic."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import TypeVar

from reminder_service import bootstrap
from reminder_service.core.due import due_checkins, planned_checkins
from reminder_service.core.model import Checkin, Pair, Program, Status
from reminder_service.core.replies.understand import understand
from reminder_service.core.replies.verdict import verdict_json
from reminder_service.errors import ConfigError, ReminderError
from reminder_service.program import ProgramError, load_program
from reminder_service.settings import Settings, load_settings
from reminder_service.store import SqliteStore

_T = TypeVar("_T")

EXIT_OK = 0
EXIT_PROBLEMS = 1
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LOGGERS = ("mail.log", "aioimaplib", "aiosmtplib")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    for chatty in QUIET_LOGGERS:
        logging.getLogger(chatty).setLevel(logging.WARNING)
    command: Callable[[argparse.Namespace], int] = args.command
    try:
        return command(args)
    except ReminderError as exc:
        print(f"reminder-service: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS


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
    check.set_defaults(command=_check)

    plan = sub.add_parser("plan", help="list the emails due in the next days; changes nothing")
    plan.add_argument("--days", type=int, default=7, help="how many days ahead (default 7)")
    plan.add_argument("--now", type=_instant, help="pretend it is this ISO-8601 time")
    plan.set_defaults(command=_plan)

    preview = sub.add_parser("preview", help="show the email a pair would get")
    preview.add_argument("pair_id", metavar="PAIR_ID")
    preview.add_argument("--kind", choices=["checkin"], default="checkin")
    preview.add_argument("--eml", action="store_true", help="print the complete message")
    preview.add_argument("--now", type=_instant, help="pretend it is this ISO-8601 time")
    preview.set_defaults(command=_preview)

    explain = sub.add_parser(
        "explain-reply",
        help="print, as JSON, what the service would decide about a reply; changes nothing",
    )
    explain.add_argument("file", metavar="FILE", help="the message (.eml), or - for standard input")
    explain.add_argument("--now", type=_instant, help="pretend it is this ISO-8601 time")
    explain.set_defaults(command=_explain_reply)

    meetings = sub.add_parser("meetings", help="list the meetings logged")
    meetings.add_argument("--pair", metavar="ID", help="only this pair")
    meetings.add_argument("--since", type=_day, metavar="DATE", help="only from this date on")
    meetings.add_argument("--format", choices=["table", "csv", "json"], default="table")
    meetings.set_defaults(command=_meetings)

    review = sub.add_parser(
        "review", help="list the replies that were rejected, unmatched or unclear, with reasons"
    )
    review.set_defaults(command=_review)

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


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-03-01") from None


def _run(_args: argparse.Namespace) -> int:
    service = bootstrap.build_service(load_settings())
    try:
        asyncio.run(serve_until_signalled(service.daemon.run))
    finally:
        service.store.close()
    return EXIT_OK


async def serve_until_signalled(run: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run a service until SIGTERM or SIGINT sets its stop event, then let it finish."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await run(stop)


def _check(_args: argparse.Namespace) -> int:
    problems: list[str] = []
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(exc)
        return EXIT_PROBLEMS
    problems += settings.missing_for_sending()
    program: Program | None = None
    try:
        program = load_program(settings.config)
    except ProgramError as exc:
        problems += [str(p) for p in exc.problems]
    except ConfigError as exc:
        problems.append(str(exc))
    if program is not None:
        try:
            renderer = bootstrap.composer(settings, allow_placeholders=True)
            problems += renderer.problems(program, now=datetime.now(UTC))
        except ConfigError as exc:
            problems.append(str(exc))
    if problems:
        print(f"{len(problems)} problem(s) found:")
        for problem in problems:
            print(f"  {problem}")
        return EXIT_PROBLEMS
    assert program is not None
    print(_summary(program, settings))
    return EXIT_OK


def _summary(program: Program, settings: Settings) -> str:
    by_status = {s: sum(p.status is s for p in program.pairs) for s in Status}
    smtp = settings.smtp
    login = f" as {smtp.username}" if smtp.username else ""
    lines = [
        f"Program:     {program.name} ({program.timezone.key})",
        f"Coordinator: {program.coordinator.name} <{program.coordinator.email}>",
        f"Pairs:       {len(program.pairs)} ({by_status[Status.ACTIVE]} active, "
        f"{by_status[Status.PAUSED]} paused, {by_status[Status.ENDED]} ended)",
        "",
    ]
    width = max((len(p.id) for p in program.pairs), default=0)
    lines += [f"  {_pair_line(pair, width)}" for pair in program.pairs]
    lines += [
        "",
        f"Mail:        {settings.sender} via {smtp.host}:{smtp.effective_port} "
        f"({smtp.security}{login}); replies to {settings.reply_mailbox}",
        f"Database:    {settings.database}",
        f"Templates:   {settings.templates_dir} (rendered for every pair without problems)",
        "",
        "Everything looks right.",
    ]
    return "\n".join(lines)


def _pair_line(pair: Pair, width: int) -> str:
    schedule = pair.schedule
    when = f"{schedule.cadence.text} at {schedule.send_at:%H:%M} {pair.timezone.key}"
    if schedule.weekdays_only:
        when += ", weekdays"
    status = pair.status.value
    if pair.status is Status.PAUSED and pair.paused_until:
        status += f" until {pair.paused_until:%d %b %Y}"
    return (
        f"{pair.id:<{width}}  {pair.mentor.name} & {pair.mentee.name}; since "
        f"{pair.started:%d %b %Y}; {when}; {status}"
    )


def _plan(args: argparse.Namespace) -> int:
    settings = load_settings()
    program = load_program(settings.config)
    now = args.now or datetime.now(UTC)
    histories = bootstrap.read_histories(settings.database)
    planned = planned_checkins(program, histories, now=now, until=now + timedelta(days=args.days))
    if not planned:
        print(f"Nothing is due between {now:%Y-%m-%d %H:%M} UTC and {args.days} days later.")
        return EXIT_OK
    print(f"{len(planned)} email(s) in the next {args.days} days (from {now:%Y-%m-%d %H:%M} UTC):")
    print()
    print(_table([_plan_row(program, checkin, now=now) for checkin in planned], PLAN_HEADER))
    return EXIT_OK


PLAN_HEADER = ("When (UTC)", "Pair's local time", "Kind", "Pair", "Why")


def _plan_row(program: Program, checkin: Checkin, *, now: datetime) -> tuple[str, ...]:
    pair = program.pair(checkin.pair_id)
    zone = pair.timezone if pair else UTC
    local = checkin.due_at.astimezone(zone)
    if checkin.due_at <= now:
        return (
            "due now",
            f"due since {local:%a %d %b %H:%M} {zone}",
            "check-in",
            checkin.pair_id,
            checkin.reason,
        )
    return (
        f"{checkin.due_at:%a %d %b %H:%M}",
        f"{local:%a %d %b %H:%M} {zone}",
        "check-in",
        checkin.pair_id,
        checkin.reason,
    )


def _table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """Rows as left-aligned columns two spaces apart, under a header."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    )


def _preview(args: argparse.Namespace) -> int:
    settings = load_settings()
    program = load_program(settings.config)
    pair = program.pair(args.pair_id)
    if pair is None:
        known = ", ".join(p.id for p in program.pairs)
        print(f"There is no pair {args.pair_id!r} in {settings.config}. Pairs: {known}")
        return EXIT_PROBLEMS
    now = args.now or datetime.now(UTC)
    checkin = _next_checkin(program, pair, settings, now=now)
    renderer = bootstrap.composer(settings, allow_placeholders=True)
    item = renderer.checkin(program, pair, checkin, now=now, previous_message_id=None)
    if args.eml:
        sys.stdout.buffer.write(item.message)
        return EXIT_OK
    print(_readable(message_from_bytes(item.message, policy=policy.default)))
    return EXIT_OK


def _next_checkin(program: Program, pair: Pair, settings: Settings, *, now: datetime) -> Checkin:
    """The pair's due check-in, else its next planned one, else one as if sent now."""
    histories = bootstrap.read_histories(settings.database)
    single = Program(
        name=program.name,
        coordinator=program.coordinator,
        timezone=program.timezone,
        pairs=(pair,),
    )
    found = due_checkins(single, histories, now) or planned_checkins(
        single, histories, now=now, until=now + timedelta(days=400)
    )
    if found:
        return found[0]
    return Checkin(
        pair_id=pair.id,
        period=now.astimezone(pair.timezone).date(),
        due_at=now,
        since=pair.started,
        since_meeting=False,
        reason="preview only: this pair has no check-in coming",
    )


def _readable(message: object) -> str:
    assert isinstance(message, EmailMessage)
    headers = [f"{name}: {message[name]}" for name in ("From", "To", "Reply-To", "Subject")]
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    return "\n".join(headers) + "\n\n" + str(text)


def _explain_reply(args: argparse.Namespace) -> int:
    settings = load_settings()
    missing = settings.missing_for_sending()
    if settings.secret_key is None:
        raise ConfigError(missing[0])
    program = load_program(settings.config)
    raw = sys.stdin.buffer.read() if args.file == "-" else _read_message(Path(args.file))
    context = bootstrap.reply_context(settings, program, now=args.now or datetime.now(UTC))
    verdict = understand(raw, context=context)
    print(json.dumps(verdict_json(verdict), indent=2, ensure_ascii=False))
    return EXIT_OK


def _read_message(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc


def _meetings(args: argparse.Namespace) -> int:
    settings = load_settings()
    rows = _stored(settings.database, lambda s: s.meetings(pair_id=args.pair, since=args.since))
    records = [
        {
            "pair": row.pair_id,
            "date": row.met_on.isoformat(),
            "date_stated": row.date_stated,
            "duration_minutes": row.duration_minutes,
            "reported_by": row.reported_by,
            "message_id": row.source_message_id,
            "logged_at": row.created_at.isoformat(timespec="seconds"),
        }
        for row in rows
    ]
    if args.format == "json":
        print(json.dumps(records, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        _print_csv(records, fields=MEETING_FIELDS)
    elif not records:
        print("No meetings logged yet.")
    else:
        print(_table([_meeting_row(r) for r in records], MEETING_HEADER))
    return EXIT_OK


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


def _print_csv(records: Sequence[Mapping[str, object]], *, fields: Sequence[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)


def _review(_args: argparse.Namespace) -> int:
    settings = load_settings()
    rows = _stored(settings.database, lambda s: s.review_queue())
    if not rows:
        print("Nothing to review.")
        return EXIT_OK
    print(f"{len(rows)} message(s) to review:")
    for row in rows:
        print()
        reason = REVIEW_REASONS.get(row.reason or "", row.reason or "")
        sender = row.sender or "unknown sender"
        print(f"#{row.id}  {row.received_at:%Y-%m-%d %H:%M} UTC  from {sender}")
        print(f"    {row.outcome}: {reason}" + (f" (pair {row.pair_id})" if row.pair_id else ""))
        for line in (row.text or "").splitlines()[:REVIEW_TEXT_LINES]:
            print(f"    > {line}")
    return EXIT_OK


REVIEW_TEXT_LINES = 6
REVIEW_REASONS = {
    "bad_token": "the reply address was not one of ours (changed or forged)",
    "expired_token": "the reply address is too old; they may have answered an old check-in",
    "sender_not_in_pair": "the sender is not the mentor or mentee of that pair",
    "no_reference": "not a reply to any of our emails",
    "too_large": "the message was too large to read",
    "too_complex": "the message had too many parts or was nested too deep",
    "unreadable": "the message could not be read",
    "no_text": "the reply had no text of its own",
    "not_understood": "the reply could not be understood; the sender was asked to clarify",
}


def _stored(database: Path, read: Callable[[SqliteStore], list[_T]]) -> list[_T]:
    """What `read` returns from the database, or an empty list when there is none yet."""
    if not database.exists():
        return []
    with SqliteStore.open_read_only(database) as store:
        return read(store)


def _demo(_args: argparse.Namespace) -> int:
    from reminder_service.demo import run_demo  # noqa: PLC0415 - only the demo needs aiosmtpd

    return run_demo()
