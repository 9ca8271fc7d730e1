"""`plan` and `preview`: what will go out and what it looks like, changing nothing."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from reminder_service import bootstrap
from reminder_service.commands.output import EXIT_OK, EXIT_PROBLEMS, readable, table
from reminder_service.core.due import due_checkins, planned_checkins
from reminder_service.core.model import Checkin, Pair, Program
from reminder_service.program import load_program
from reminder_service.settings import Settings, load_settings

PLAN_HEADER = ("When (UTC)", "Pair's local time", "Kind", "Pair", "Why")


def plan(args: argparse.Namespace) -> int:
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
    print(table([_plan_row(program, checkin, now=now) for checkin in planned], PLAN_HEADER))
    return EXIT_OK


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


def preview(args: argparse.Namespace) -> int:
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
    print(readable(message_from_bytes(item.message, policy=policy.default)))
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
