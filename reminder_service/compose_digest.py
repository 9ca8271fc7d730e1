"""What the coordinator's digest templates see: its sections as read-only views.

Each section is a tuple, empty when there is nothing to say, so a template leaves it out.
Pairs are named by id and both names, people by name where the program knows their address,
and instants in the program's own time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from reminder_service.compose_views import (
    answered_words,
    count_words,
    duration_words,
    local_date,
    program_context,
)
from reminder_service.core.addresses import comparable_address
from reminder_service.core.model import (
    DigestFacts,
    Kind,
    MeetingRecord,
    OverduePair,
    Pair,
    Program,
    ReviewItem,
    StatusDifference,
    UnknownSend,
)
from reminder_service.core.replies.verdict import REASON_WORDS
from reminder_service.core.wording import date_in_words, short_date_in_words

REVIEW_COMMAND = "reminder-service review"
REVIEW_DONE_COMMAND = "reminder-service review --done"
MEETINGS_COMMAND = "reminder-service meetings"
REPORT_COMMAND = "reminder-service report"
LISTED_AT_MOST = 50
"""How many meetings, overdue pairs and new replies to review the built-in digest lists; it
counts the rest, so a program of thousands of pairs gets a digest a person can read (and
renders it quickly)."""

_People = dict[str, tuple[str, str]]
"""Address (lower case) -> (name, role): ("Ben Okafor", "mentee in ana-ben")."""


@dataclass(frozen=True, slots=True)
class DigestMeetingView:
    """A meeting in the digest: which pair, when, how long, and who logged it; a disputed
    one also who disputed it and what email their reply answered ("" when not known)."""

    pair: str
    when: str
    duration: str
    logged_by: str
    disputed_by: str = ""
    answered: str = ""
    answered_words: str = ""
    _path: str = "meeting"


@dataclass(frozen=True, slots=True)
class OverdueView:
    """A pair that has not met on schedule: how long overdue, counted from when."""

    pair: str
    periods: int
    since: str
    days_words: str
    missed_since: str
    _path: str = "overdue"


@dataclass(frozen=True, slots=True)
class AddressView:
    """A failing address: whose it is ("" when unknown), and its latest failure."""

    address: str
    who: str
    last: str
    _path: str = "failing"


@dataclass(frozen=True, slots=True)
class UnknownSendView:
    """An email whose delivery is unknown: what it was ("a check-in"), whom to check with,
    and when it was sent."""

    key: str
    what: str
    recipients: str
    at: str
    _path: str = "unknown"


@dataclass(frozen=True, slots=True)
class ReviewView:
    """A received message waiting for the coordinator."""

    number: int
    outcome: str
    reason: str
    sender: str
    pair: str
    _path: str = "item"


@dataclass(frozen=True, slots=True)
class StatusView:
    """A status set by reply that the YAML lacks; `yaml` holds the lines to copy into the pair."""

    pair: str
    pair_id: str
    in_yaml: str
    by_reply: str
    yaml: tuple[str, ...]
    _path: str = "difference"


@dataclass(frozen=True, slots=True)
class DigestView:
    """Everything the digest may say; an empty tuple means that section is left out."""

    since: str
    until: str
    meetings: tuple[DigestMeetingView, ...]
    disputed: tuple[DigestMeetingView, ...]
    overdue: tuple[OverdueView, ...]
    failing_addresses: tuple[AddressView, ...]
    unknown_sends: tuple[UnknownSendView, ...]
    review: tuple[ReviewView, ...]
    review_older: int
    reload_errors: tuple[str, ...]
    status_differences: tuple[StatusView, ...]
    review_command: str = REVIEW_COMMAND
    review_done_command: str = REVIEW_DONE_COMMAND
    listed_at_most: int = LISTED_AT_MOST
    meetings_command: str = MEETINGS_COMMAND
    report_command: str = REPORT_COMMAND
    _path: str = "digest"


def digest_context(program: Program, facts: DigestFacts, *, now: datetime) -> dict[str, object]:
    """What the digest templates see: the program and the digest's sections."""
    zone = program.timezone
    people = _people(program, _addresses_in(facts))

    def label(pair_id: str | None) -> str:
        if pair_id is None:
            return ""
        pair = program.pair(pair_id)
        return pair_id if pair is None else _pair_label(pair)

    def meeting(record: MeetingRecord) -> DigestMeetingView:
        return _meeting_view(record, label(record.pair_id), people)

    view = DigestView(
        since=short_date_in_words(local_date(facts.period_start, zone)),
        until=short_date_in_words(local_date(now, zone)),
        meetings=tuple(meeting(record) for record in facts.meetings),
        disputed=tuple(meeting(record) for record in facts.disputed),
        overdue=tuple(_overdue_view(item, label(item.pair_id)) for item in facts.overdue),
        failing_addresses=tuple(
            AddressView(address=address, who=_who(people, address), last=_at(at, zone))
            for address, at in facts.failing_addresses
        ),
        unknown_sends=tuple(_unknown_view(item, people, zone) for item in facts.unknown_sends),
        review=tuple(_review_view(item, label(item.pair_id)) for item in facts.review),
        review_older=facts.review_older,
        reload_errors=facts.reload_errors,
        status_differences=tuple(
            _status_view(item, label(item.pair_id)) for item in facts.status_differences
        ),
    )
    return {**program_context(program), "digest": view}


def digest_samples(program: Program, *, now: datetime) -> tuple[dict[str, object], ...]:
    """A digest with every section and one with none, so every branch renders."""
    pair_id = program.pairs[0].id if program.pairs else "example-pair"
    address = program.pairs[0].mentee.email if program.pairs else "someone@example.org"
    meeting = MeetingRecord(
        id=1,
        pair_id=pair_id,
        met_on=local_date(now, program.timezone) - timedelta(days=3),
        duration_minutes=None,
        reported_by=address,
        logged_at=now,
    )
    full = DigestFacts(
        period_start=now - timedelta(days=7),
        meetings=(meeting, replace(meeting, duration_minutes=45, pair_id="no-longer-here")),
        disputed=(
            replace(meeting, disputed_by=address, disputed_answering=Kind.CONFIRMATION),
            replace(meeting, disputed_by="former@example.org", disputed_answering=Kind.THANKS),
            meeting,
        ),
        overdue=(
            OverduePair(
                pair_id=pair_id,
                periods=2,
                since=meeting.met_on,
                days=40,
                missed_since=meeting.met_on + timedelta(days=30),
            ),
        ),
        failing_addresses=((address, now),),
        unknown_sends=(
            UnknownSend(key=f"checkin:{pair_id}:x", recipients=(address,), at=now, kind="checkin"),
        ),
        review=(
            ReviewItem(1, "unclear", None, address, pair_id),
            ReviewItem(2, "rejected", "sender_not_in_pair", None, None),
            ReviewItem(3, "dispute", "no_meeting_found", address, pair_id),
        ),
        review_older=2,
        reload_errors=("program.yaml:3: example problem",),
        status_differences=(
            StatusDifference(pair_id, "status: active", "status: paused, paused_until: 2030-01-01"),
        ),
    )
    empty = DigestFacts(period_start=now - timedelta(days=7))
    return tuple(digest_context(program, facts, now=now) for facts in (full, empty))


def _meeting_view(record: MeetingRecord, label: str, people: _People) -> DigestMeetingView:
    return DigestMeetingView(
        pair=label,
        when=date_in_words(record.met_on),
        duration=duration_words(record.duration_minutes) or "length not given",
        logged_by=_name(people, record.reported_by),
        disputed_by="" if record.disputed_by is None else _name(people, record.disputed_by),
        answered=record.disputed_answering or "",
        answered_words=answered_words(record.disputed_answering),
    )


def _name(people: _People, address: str) -> str:
    """The name of a person the program knows, else the address."""
    return people.get(comparable_address(address), (address, ""))[0]


def _overdue_view(overdue: OverduePair, label: str) -> OverdueView:
    return OverdueView(
        pair=label,
        periods=overdue.periods,
        since=date_in_words(overdue.since),
        days_words=count_words(overdue.days, "day"),
        missed_since=date_in_words(overdue.missed_since),
    )


def _unknown_view(send: UnknownSend, people: _People, zone: ZoneInfo) -> UnknownSendView:
    recipients = ", ".join(_named(people, address) for address in send.recipients)
    what = answered_words(send.kind) or "an email"
    return UnknownSendView(key=send.key, what=what, recipients=recipients, at=_at(send.at, zone))


def _review_view(item: ReviewItem, label: str) -> ReviewView:
    return ReviewView(
        number=item.inbound_id,
        outcome=item.outcome.replace("_", " "),
        reason=REASON_WORDS.get(item.reason or "", (item.reason or "").replace("_", " ")),
        sender=item.sender or "unknown sender",
        pair=label,
    )


def _status_view(difference: StatusDifference, label: str) -> StatusView:
    return StatusView(
        pair=label,
        pair_id=difference.pair_id,
        in_yaml=difference.in_yaml,
        by_reply=difference.by_reply,
        yaml=_yaml_lines(difference.by_reply),
    )


def _yaml_lines(fields: str) -> tuple[str, ...]:
    """One program-file line per field: "status: paused, paused_until: 2026-05-01" -> two."""
    return tuple(part.strip() for part in fields.split(",") if part.strip()) or (fields,)


def _pair_label(pair: Pair) -> str:
    return f"{pair.id} ({pair.mentor.name} and {pair.mentee.name})"


def _addresses_in(facts: DigestFacts) -> set[str]:
    """Every address the digest may name a person for, in comparable form (either spelling
    of a non-ASCII domain is the same person)."""
    return {
        comparable_address(address)
        for address in (
            *(record.reported_by for record in (*facts.meetings, *facts.disputed)),
            *(record.disputed_by for record in facts.disputed if record.disputed_by),
            *(address for address, _ in facts.failing_addresses),
            *(address for send in facts.unknown_sends for address in send.recipients),
        )
    }


def _people(program: Program, wanted: set[str]) -> _People:
    """The name and role of each `wanted` address the program knows (the last pair that
    has it wins); only those, so a large program's digest does not map every member."""
    found: _People = {}
    coordinator = program.coordinator
    if (address := comparable_address(coordinator.email)) in wanted:
        found[address] = (coordinator.name, "coordinator")
    # Only an address whose local part is wanted can be: decoding every member's domain
    # took half of a 100,000-pair digest's planning tick.
    locals_wanted = {address.rpartition("@")[0] for address in wanted}
    for pair in program.pairs:
        for person, role in ((pair.mentor, "mentor"), (pair.mentee, "mentee")):
            if person.email.strip().rpartition("@")[0].lower() not in locals_wanted:
                continue
            if (address := comparable_address(person.email)) in wanted:
                found[address] = (person.name, f"{role} in {pair.id}")
    return found


def _named(people: _People, address: str) -> str:
    """ "Ben Okafor <ben@example.org>" for an address in the program, else the address."""
    name, _ = people.get(comparable_address(address), ("", ""))
    return f"{name} <{address}>" if name else address


def _who(people: _People, address: str) -> str:
    """ "Ben Okafor, mentee in ana-ben" for an address in the program, else ""."""
    name, role = people.get(comparable_address(address), ("", ""))
    return f"{name}, {role}" if name else ""


def _at(moment: datetime, zone: ZoneInfo) -> str:
    """An instant where the coordinator lives: "3 Mar 2026, 14:05"."""
    local = moment.astimezone(zone)
    return f"{short_date_in_words(local.date())}, {local:%H:%M}"
