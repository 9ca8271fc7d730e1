"""`check`: settings (the CA files included), the program file and the templates, without
touching the network."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from reminder_service import bootstrap
from reminder_service.built_in_templates import BUILT_IN_TEMPLATES
from reminder_service.commands.output import EXIT_OK, EXIT_PROBLEMS
from reminder_service.core.due import local_date
from reminder_service.core.model import Pair, Program, Status
from reminder_service.core.status import state_in_yaml
from reminder_service.errors import ConfigError, StoreError
from reminder_service.processor_count import processors
from reminder_service.program import KnownPairs, ProgramError, load_program
from reminder_service.settings import Settings, load_settings, program_places
from reminder_service.store import SqliteStore
from reminder_service.store.schema import CURRENT_SCHEMA
from reminder_service.template_check import template_problems
from reminder_service.tls import server_context

PAIRS_SHOWN = 20
"""How many pairs the summary lists, so that it fits on a screen."""
SAY_RENDERING_FROM = 10_000
"""From how many pairs `check` first says it is rendering: about half a minute's work for
one processor, long enough to look stuck."""


def check(args: argparse.Namespace) -> int:
    problems: list[str] = []
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(exc)
        return _program_alone()
    problems += settings.missing_for_sending()
    problems += settings.missing_for_reading()
    problems += _ca_file_problems(settings)
    now = datetime.now(UTC)
    program, found, notes = _program_checked(settings.config, settings.database)
    problems += found
    if program is not None:
        try:
            renderer = bootstrap.composer(settings, allow_placeholders=True)
            problems += template_problems(
                renderer,
                program,
                now=now,
                jobs=args.jobs or processors(),
                started=partial(_say_rendering, len(program.pairs)),
            )
        except ConfigError as exc:
            problems.append(str(exc))
    if problems:
        _print_problems(problems, notes, found=f"{len(problems)} problem(s) found:")
        return EXIT_PROBLEMS
    assert program is not None
    print(_summary(program, settings, notes=notes, now=now))
    return EXIT_OK


def _say_rendering(pairs: int, processes: int) -> None:
    """Say on standard error that a large program's check has started rendering, so that
    it does not look stuck."""
    if pairs < SAY_RENDERING_FROM:
        return
    where = "in one process" if processes == 1 else f"in {processes} processes"
    print(
        f"Rendering every email of {pairs:,} pairs {where}: this takes a while.",
        file=sys.stderr,
        flush=True,
    )


def _program_checked(config: Path, database: Path) -> tuple[Program | None, list[str], list[str]]:
    """The program file read against the database's history: the program (None if it has
    problems), its problems and the database's notes."""
    problems: list[str] = []
    history: KnownPairs = {}
    notes: list[str] = []
    try:
        history, notes = _history(database)
    except StoreError as exc:
        problems.append(str(exc))
    try:
        return load_program(config, known=history), problems, notes
    except ProgramError as exc:
        problems += [str(p) for p in exc.problems]
    except ConfigError as exc:
        problems.append(str(exc))
    return None, problems, notes


def _program_alone() -> int:
    """After settings that do not load, the program file checked all the same, so that one
    run shows every problem; the templates wait for the settings, which they need."""
    places = program_places()
    if places is None:
        return EXIT_PROBLEMS
    config, database = places
    _, problems, notes = _program_checked(config, database)
    found = f"{len(problems)} problem(s) found:" if problems else f"{config} has no problems."
    _print_problems(problems, notes, found=f"The program file, checked all the same: {found}")
    print("The templates are checked once the settings are valid.")
    return EXIT_PROBLEMS


def _print_problems(problems: list[str], notes: list[str], *, found: str) -> None:
    """`found`, then each problem indented under it, then the database's notes."""
    print(found)
    for problem in problems:
        print(f"  {problem}")
    for note in notes:
        print(f"Note: {note}")


def _history(database: Path) -> tuple[KnownPairs, list[str]]:
    """The pairs the database has sent check-ins to (what a rename is checked against), and
    a note when the database awaits an upgrade: read as far as its older schema allows, as
    `check` is the natural step before an upgrade. Nothing before the service created it."""
    if not database.exists():
        return {}, []
    with SqliteStore.open_read_only(database, older=True) as store:
        version = store.schema_version
        if version == 0:
            return {}, []
        if version == CURRENT_SCHEMA:
            return store.checkin_members(), []
        note = (
            f"The database will be upgraded when the service next starts (schema {version} "
            f"-> {CURRENT_SCHEMA}), or now, sending nothing, with `reminder-service upgrade`."
        )
        try:
            return store.checkin_members(), [note]
        except StoreError:
            skipped = (
                " Until then its history cannot be read, so renamed pairs were not checked "
                "against it."
            )
            return {}, [note + skipped]


def _ca_file_problems(settings: Settings) -> list[str]:
    """The extra CA certificate files that the service would use, for the mail server and
    the reply mailbox, and cannot; it would refuse to start with them."""
    smtp, imap = settings.smtp, settings.imap
    servers = [(smtp.security, smtp.ca_file, "The mail server")]
    if imap.host is not None:
        servers.append((imap.security, imap.ca_file, "The reply mailbox"))
    problems = []
    for security, ca_file, server in servers:
        if ca_file is None:
            continue
        try:
            server_context(security, ca_file, server=server)
        except ConfigError as exc:
            problems.append(str(exc))
    return problems


def _summary(program: Program, settings: Settings, *, notes: list[str], now: datetime) -> str:
    """The program at a glance, each pair as it stands today in its own time zone."""
    today = {pair.id: local_date(pair, now) for pair in program.pairs}
    states = [state_in_yaml(pair, today[pair.id]) for pair in program.pairs]
    by_status = {s: states.count(s) for s in Status}
    smtp = settings.smtp
    login = f" as {smtp.username}" if smtp.username else ""
    lines = [
        f"Program:     {program.name} ({program.timezone.key})",
        f"Coordinator: {program.coordinator.name} <{program.coordinator.email}>",
        f"Pairs:       {len(program.pairs)} ({by_status[Status.ACTIVE]} active, "
        f"{by_status[Status.PAUSED]} paused, {by_status[Status.ENDED]} ended)",
        "",
    ]
    shown = program.pairs[:PAIRS_SHOWN]
    width = max((len(p.id) for p in shown), default=0)
    lines += [f"  {_pair_line(pair, width, today[pair.id])}" for pair in shown]
    if len(program.pairs) > len(shown):
        lines.append(
            f"  ... and {len(program.pairs) - len(shown):,} more: `reminder-service report`"
            " lists every pair"
        )
    lines += [
        "",
        f"Mail:        {settings.sender} via {smtp.host}:{smtp.effective_port} "
        f"({smtp.security}{login}); replies to {settings.reply_mailbox}",
        f"Replies:     {settings.replies_reading()}",
        *_forgery_warning(settings),
        f"Database:    {settings.database}",
        f"Email texts: {settings.email_texts_kept()}",
        f"Templates:   {_templates_words(settings.templates_dir)}; each renders for every pair",
        *(f"Note:        {note}" for note in notes),
        "",
        "Everything looks right.",
    ]
    return "\n".join(lines)


def _templates_words(folder: Path) -> str:
    """Where the templates come from, as the summary says it."""
    if folder.resolve() == BUILT_IN_TEMPLATES.resolve():
        return f"built in ({folder})"
    return f"{folder}, and the built-in ones for any missing there"


def _forgery_warning(settings: Settings) -> list[str]:
    """A line when replies are read but nothing checks that their senders are not forged."""
    if settings.imap.host is None or settings.authserv_id is not None:
        return []
    return [
        "Warning:     REMINDER_AUTHSERV_ID is not set, so a reply forged in a member's name "
        "would be believed; set it to the name your mail server writes in "
        "Authentication-Results headers (see the README)."
    ]


def _pair_line(pair: Pair, width: int, today: date) -> str:
    schedule = pair.schedule
    when = f"{schedule.cadence.text} at {schedule.send_at:%H:%M} {pair.timezone.key}"
    if schedule.weekdays_only:
        when += ", weekdays"
    return (
        f"{pair.id:<{width}}  {pair.mentor.name} & {pair.mentee.name}; since "
        f"{pair.started:%d %b %Y}; {when}; {_status_words(pair, today)}"
    )


def _status_words(pair: Pair, today: date) -> str:
    """ "active", "paused until 15 Jan 2027", "ended on 30 Jun 2026", "active, ends 30 Jun
    2027", "active (paused until 15 Jan 2026)": the file's dates read against today."""
    state = state_in_yaml(pair, today)
    if state is Status.ENDED:
        return f"ended on {pair.ended_on:%d %b %Y}" if pair.status is not Status.ENDED else "ended"
    words = state.value
    if state is Status.PAUSED and pair.paused_until is not None:
        words += f" until {pair.paused_until:%d %b %Y}"
    elif pair.status is Status.PAUSED and pair.paused_until is not None:
        words += f" (paused until {pair.paused_until:%d %b %Y})"
    if pair.ended_on is not None:
        words += f", ends {pair.ended_on:%d %b %Y}"
    return words
