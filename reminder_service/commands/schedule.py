"""`plan` and `preview`: what will go out and what it looks like, changing nothing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

from reminder_service import bootstrap
from reminder_service.commands.output import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    PAIRS_LISTED,
    readable,
    table,
    unknown_pair_hint,
)
from reminder_service.compose import Composer
from reminder_service.compose_views import MEETING_KINDS, TOTALS_KINDS, sample_meeting
from reminder_service.core.digest import digest_due, has_news, planned_digests
from reminder_service.core.due import due_checkins, period_kind, planned_checkins
from reminder_service.core.model import (
    Checkin,
    DigestFacts,
    Kind,
    Outgoing,
    Pair,
    PairActivity,
    PairHistory,
    Planned,
    Program,
)
from reminder_service.core.relationship import planned_relationship_emails, relationship_emails
from reminder_service.core.status import effective_pair, is_ended_in_yaml, is_silent
from reminder_service.core.totals import relationship_totals
from reminder_service.digest_survey import DIGEST_FIRST_WINDOW, digest_facts, last_digest_day
from reminder_service.program import load_program
from reminder_service.settings import load_settings
from reminder_service.store import SqliteStore, read_only_if_present

PLAN_HEADER = ("When (UTC)", "Local time", "Kind", "Pair", "Why")
PREVIEW_DAYS = 400
CHECKIN_KINDS = frozenset({Kind.CHECKIN, Kind.REMINDER, Kind.PAUSE_OR_END})
"""The kinds a pair's schedule sends, so none while it is paused or ended."""
NOTHING_TO_REPORT = (
    "There is nothing to report yet, so this digest would not be sent: it goes out only "
    "when it has news."
)


@dataclass(frozen=True, slots=True)
class _Coming:
    """One line of the plan."""

    due_at: datetime
    kind: Kind
    pair_id: str | None
    reason: str


def plan(args: argparse.Namespace) -> int:
    """Print every email due in the next days, in UTC and local time, with the reason."""
    settings = load_settings()
    program = load_program(settings.config)
    now = (args.now or datetime.now(UTC)).astimezone(UTC)
    until = now + timedelta(days=args.days)
    with read_only_if_present(settings.database) as store:
        histories = store.pair_histories(now=now) if store else {}
        activity = store.activity(now=now) if store else {}
        coming = [
            *_period_emails(program, histories, now=now, until=until),
            *_event_emails(program, histories, activity, store, now=now, until=until),
        ]
    if not coming:
        print(f"Nothing is due between {now:%Y-%m-%d %H:%M} UTC and {args.days} days later.")
        return EXIT_OK
    coming.sort(key=lambda item: (item.due_at, item.pair_id or ""))
    print(f"{len(coming)} email(s) in the next {args.days} days (from {now:%Y-%m-%d %H:%M} UTC):")
    print()
    print(table([_plan_row(program, item, now=now) for item in coming], PLAN_HEADER))
    return EXIT_OK


def _period_emails(
    program: Program, histories: Mapping[str, PairHistory], *, now: datetime, until: datetime
) -> Iterator[_Coming]:
    for checkin in planned_checkins(program, histories, now=now, until=until):
        kind, _ = period_kind(program, checkin.level)
        yield _Coming(checkin.due_at, kind, checkin.pair_id, checkin.reason)


def _event_emails(
    program: Program,
    histories: Mapping[str, PairHistory],
    activity: Mapping[str, PairActivity],
    store: SqliteStore | None,
    *,
    now: datetime,
    until: datetime,
) -> Iterator[_Coming]:
    last_digest = last_digest_day(store) if store else None
    due_digest = digest_due(program, now=now, last_digest=last_digest)
    planned = [
        *relationship_emails(program, histories, activity, now),
        *planned_relationship_emails(program, histories, activity, now=now, until=until),
        *([due_digest] if due_digest else []),
        *planned_digests(program, now=now, until=until),
    ]
    unique = {item.key: item for item in planned}
    sent = store.keys_present(unique) if store else set()
    for key, item in unique.items():
        if key not in sent:
            yield _Coming(item.due_at, item.kind, item.pair_id, item.reason)


def _plan_row(program: Program, item: _Coming, *, now: datetime) -> tuple[str, ...]:
    pair = program.pair(item.pair_id) if item.pair_id else None
    zone = pair.timezone if pair else program.timezone
    local = f"{item.due_at.astimezone(zone):%a %d %b %H:%M} {zone}"
    when = "due now" if item.due_at <= now else f"{item.due_at:%a %d %b %H:%M}"
    if item.due_at <= now:
        local = f"due since {local}"
    kind = item.kind.value.replace("_", " ")
    return (when, local, kind, item.pair_id or "(coordinator)", item.reason)


def preview(args: argparse.Namespace) -> int:
    """Print the email of one kind a pair (or the coordinator, for the digest) would get."""
    settings = load_settings()
    program = load_program(settings.config)
    kind = Kind(args.kind)
    if kind is Kind.DIGEST and args.pair_id:
        print(
            "reminder-service preview: the digest goes to the coordinator, not to a pair; "
            'drop the pair id: "reminder-service preview --kind digest"',
            file=sys.stderr,
        )
        return EXIT_USAGE
    if kind is not Kind.DIGEST and not args.pair_id:
        print(_name_a_pair(program), file=sys.stderr)
        return EXIT_USAGE
    pair = program.pair(args.pair_id) if args.pair_id else None
    if pair is None and kind is not Kind.DIGEST:
        print(
            f"reminder-service: {_no_such_pair(args.pair_id, program, settings.config)}",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    now = args.now or datetime.now(UTC)
    renderer = bootstrap.composer(settings, allow_placeholders=True)
    only = None if pair is None else {pair.id}
    with read_only_if_present(settings.database) as store:
        histories = store.pair_histories(only=only, now=now) if store else {}
        if pair is None:
            facts = _preview_facts(store, program, histories, now=now)
            item = renderer.digest(program, facts, now=now)
            note = None if has_news(facts) else NOTHING_TO_REPORT
        else:
            item = _preview_item(
                renderer, program, pair, kind, store=store, histories=histories, now=now
            )
            note = _silent_note(pair, kind, histories, now=now)
    if note:
        print(note, file=sys.stderr)
    if args.eml:
        sys.stdout.buffer.write(item.message)
        return EXIT_OK
    print(readable(message_from_bytes(item.message, policy=policy.default)))
    return EXIT_OK


def _no_such_pair(pair_id: str, program: Program, config: Path) -> str:
    """The error for a pair id the program does not have: the nearest id, or the ids when
    they fit on a screen (a program may have 100,000)."""
    ids = [pair.id for pair in program.pairs]
    hint = unknown_pair_hint(pair_id, ids, listed_up_to=PAIRS_LISTED)
    return f"There is no pair {pair_id!r} in {config}; {hint}"


def _name_a_pair(program: Program) -> str:
    """The usage error for a preview of a pair's email without a pair id."""
    example = program.pairs[0].id if program.pairs else "PAIR_ID"
    return (
        "reminder-service preview: name the pair whose email to show, such as "
        f'"reminder-service preview {example}" ("reminder-service check" lists the pairs), '
        'or show the coordinator\'s digest with "reminder-service preview --kind digest"'
    )


def _preview_facts(
    store: SqliteStore | None,
    program: Program,
    histories: Mapping[str, PairHistory],
    *,
    now: datetime,
) -> DigestFacts:
    """What a digest sent now would report (nothing yet without a database)."""
    since = now - DIGEST_FIRST_WINDOW
    facts = digest_facts(store, program, histories, now=now, since=since) if store else None
    return facts or _empty_facts(since)


def _silent_note(
    pair: Pair, kind: Kind, histories: Mapping[str, PairHistory], *, now: datetime
) -> str | None:
    """The line saying a check-in of this pair would not go out, as it is ended or paused."""
    if kind not in CHECKIN_KINDS:
        return None
    today = now.astimezone(pair.timezone).date()
    effective = effective_pair(pair, histories.get(pair.id, PairHistory()), today=today)
    if not is_silent(effective, today):
        return None
    if is_ended_in_yaml(effective, today):
        return f"{pair.id} has ended, so this email will not be sent."
    if effective.paused_until is None:
        return f"{pair.id} is paused, so this email will not be sent."
    return (
        f"{pair.id} is paused until {effective.paused_until:%d %b %Y}, so this email will "
        "not be sent before then."
    )


def _preview_item(
    renderer: Composer,
    program: Program,
    pair: Pair,
    kind: Kind,
    *,
    store: SqliteStore | None,
    histories: Mapping[str, PairHistory],
    now: datetime,
) -> Outgoing:
    if kind is Kind.QUESTION:
        return renderer.question(program, pair, to=pair.mentee, in_reply_to=None, now=now)
    if kind in CHECKIN_KINDS:
        checkin = replace(
            _next_checkin(program, pair, histories, now=now), level=_level(program, kind)
        )
        return renderer.checkin(program, pair, checkin, now=now, previous_message_id=None)
    meetings = store.meeting_records(pair_id=pair.id) if store else []
    meeting = (
        meetings[-1]
        if meetings
        else sample_meeting(pair, now=now, today=now.astimezone(pair.timezone).date())
    )
    planned = Planned(
        kind=kind,
        pair_id=pair.id,
        key=f"preview:{kind.value}:{pair.id}",
        due_at=now,
        reason="preview",
        meeting_id=meeting.id if kind in MEETING_KINDS else None,
    )
    totals = relationship_totals(
        pair,
        meetings or [meeting],
        today=now.astimezone(pair.timezone).date(),
        default_minutes=program.default_meeting_minutes,
    )
    return renderer.relationship(
        program,
        pair,
        planned,
        now=now,
        totals=totals if kind in TOTALS_KINDS else None,
        meeting=meeting if kind in MEETING_KINDS else None,
        previous_message_id=None,
    )


def _level(program: Program, kind: Kind) -> int:
    """The lowest level at which the program's ladder sends `kind` (0 for a check-in)."""
    if kind is Kind.CHECKIN:
        return 0
    return next(
        (
            step.after_periods
            for step in program.escalation
            if period_kind(program, step.after_periods)[0] is kind
        ),
        0,
    )


def _empty_facts(since: datetime) -> DigestFacts:
    return DigestFacts(period_start=since)


def _next_checkin(
    program: Program, pair: Pair, histories: Mapping[str, PairHistory], *, now: datetime
) -> Checkin:
    """The pair's due check-in, else its next planned one, else one as if sent now."""
    single = replace(program, pairs=(pair,))
    found = due_checkins(single, histories, now) or planned_checkins(
        single, histories, now=now, until=now + timedelta(days=PREVIEW_DAYS)
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
