"""What the email templates see: read-only views of the program, the pair and what happened.

Every view is a frozen dataclass whose `_path` names it in template errors ("'pair.mentr' is
undefined"). The functions here build the variables of each kind of email (each template
documents the ones it gets), decide who a relationship email goes to, and make the
representative values `Composer.problems` renders every template with.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from reminder_service.core.addresses import same_address
from reminder_service.core.model import (
    PERIOD_KINDS,
    Checkin,
    Kind,
    MeetingRecord,
    Pair,
    Person,
    Planned,
    Program,
    Totals,
)
from reminder_service.core.relationship import reporting_member
from reminder_service.core.status import yaml_fields
from reminder_service.core.totals import time_in_words
from reminder_service.core.wording import (
    REPLY_MARKER,
    date_in_words,
    reply_examples,
    span_in_words,
)

RELATIONSHIP_KINDS = frozenset(Kind) - PERIOD_KINDS - {Kind.QUESTION, Kind.DIGEST}
"""The kinds `Composer.relationship` writes: the emails that answer events in a pair."""
COORDINATOR_KINDS = frozenset({Kind.DIGEST, Kind.DISPUTE_NOTICE, Kind.ENDED_NOTICE})
"""The kinds that go to the coordinator alone, without a reply token."""
MEETING_KINDS = frozenset({Kind.THANKS, Kind.CONFIRMATION, Kind.DISPUTE_NOTICE})
"""The kinds about one logged meeting."""
TOTALS_KINDS = frozenset({Kind.THANKS, Kind.FAREWELL, Kind.ANNIVERSARY})
"""The kinds that show the relationship's running totals."""

ANSWERED_WORDS: dict[str, str] = {
    Kind.CHECKIN: "a check-in",
    Kind.REMINDER: "a reminder",
    Kind.PAUSE_OR_END: 'a "Pause or keep going?" email',
    Kind.QUESTION: "a question we asked back",
    Kind.THANKS: "a thank-you",
    Kind.CONFIRMATION: "the confirmation",
    Kind.FOLLOW_UP: "a follow-up",
    Kind.WELCOME_BACK: "a welcome-back",
    Kind.FAREWELL: "the farewell",
    Kind.ANNIVERSARY: "an anniversary email",
}
"""Our emails a member can answer, as a coordinator's notice names the one they answered."""

END_EXAMPLE = "End the mentoring"
"""The reply that ends a pair, shown in the pause-or-end email (the reply reader knows it)."""


@dataclass(frozen=True, slots=True)
class PersonView:
    """A person as templates see them; `_path` names them in error messages."""

    name: str
    first_name: str
    email: str
    _path: str

    def __str__(self) -> str:
        """The name, so `{{ pair.mentor }}` prints what a coordinator expects."""
        return self.name


@dataclass(frozen=True, slots=True)
class ProgramView:
    """The program as templates see it."""

    name: str
    coordinator: PersonView
    _path: str = "program"


@dataclass(frozen=True, slots=True)
class PairView:
    """A pair as templates see it; `cadence` is the coordinator's own words ("monthly")."""

    id: str
    mentor: PersonView
    mentee: PersonView
    started: date
    cadence: str
    _path: str = "pair"


@dataclass(frozen=True, slots=True)
class CheckinView:
    """The check-in being sent, as templates see it; `level` counts the periods overdue."""

    period: date
    since: date
    since_meeting: bool
    reason: str
    level: int = 0
    _path: str = "checkin"


@dataclass(frozen=True, slots=True)
class MeetingView:
    """A logged meeting as templates see it; `reporter` is None when no member's address matches.

    `when` is "Tuesday 3 March" (with the year when it is not this year), `duration`
    "45 minutes" or None when none was reported, `logged_by` a name or the bare address.
    For a disputed meeting, `disputed_by` names who disputed it, `answered` is the kind of
    our email their reply answered ("confirmation", "checkin") and `answered_words` names
    it ("the confirmation", "a check-in"); each is "" when not known.
    """

    met_on: date
    when: str
    duration: str | None
    reporter: PersonView | None
    logged_by: str
    disputed_by: str = ""
    answered: str = ""
    answered_words: str = ""
    _path: str = "meeting"


@dataclass(frozen=True, slots=True)
class TotalsView:
    """A relationship's totals as templates see them: "2 years and 3 months", "about 12 hours"."""

    together: str
    meetings: int
    meetings_words: str
    time: str
    approximate: bool
    _path: str = "totals"


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who an email goes to and how it is answered.

    `reply_to` None means no reply token (the coordinator's emails); `thread` is the pair's
    thread root and the message this one follows, or None for an email outside any thread.
    """

    to: tuple[Person, ...]
    cc: tuple[Person, ...] = ()
    reply_to: str | None = None
    thread: tuple[str, str | None] | None = None


def relationship_recipients(
    program: Program, pair: Pair, kind: Kind, meeting: MeetingRecord | None
) -> tuple[tuple[Person, ...], tuple[Person, ...]]:
    """(To, Cc) of a relationship email: who it is for, and who is kept informed.

    A confirmation goes to the member who did not log the meeting, or to both when the
    address that logged it is no longer a member's.
    """
    if kind in COORDINATOR_KINDS:
        return (program.coordinator,), ()
    if kind is Kind.THANKS:
        return (pair.mentor,), (pair.mentee,) if program.thank_you_cc_mentee else ()
    if kind is Kind.CONFIRMATION and meeting is not None:
        reporter = _reporter(pair, meeting)
        return tuple(member for member in pair.members if member != reporter), ()
    return pair.members, ()


def program_context(program: Program) -> dict[str, object]:
    """What every template sees: the program."""
    return {
        "program": ProgramView(
            name=program.name, coordinator=person_view(program.coordinator, "program.coordinator")
        )
    }


def pair_context(program: Program, pair: Pair) -> dict[str, object]:
    """What every email about a pair sees: the program and the pair."""
    return {
        **program_context(program),
        "pair": PairView(
            id=pair.id,
            mentor=person_view(pair.mentor, "pair.mentor"),
            mentee=person_view(pair.mentee, "pair.mentee"),
            started=pair.started,
            cadence=pair.schedule.cadence.text,
        ),
    }


def reply_context(today: date, reply_to: str) -> dict[str, object]:
    """What every email a pair can answer sees: how to answer, and where."""
    return {
        "reply_examples": reply_examples(today),
        "reply_to": reply_to,
        "reply_marker": REPLY_MARKER,
    }


def question_context(
    program: Program,
    pair: Pair,
    *,
    to: Person,
    today: date,
    reply_to: str,
    answered: str | None = None,
) -> dict[str, object]:
    """What the question back to an unclear reply sees: the pair, whom it asks, and the kind
    of our email the reply answered ("" when not known)."""
    return {
        **pair_context(program, pair),
        **reply_context(today, reply_to),
        "recipient": person_view(to, "recipient"),
        "answered": answered or "",
    }


def period_context(
    program: Program,
    pair: Pair,
    checkin: Checkin,
    *,
    today: date,
    reply_to: str,
    coordinator_in_copy: bool,
) -> dict[str, object]:
    """What check-in, reminder and pause-or-end templates see."""
    met, _, pause = reply_examples(today)
    return {
        **pair_context(program, pair),
        **reply_context(today, reply_to),
        "checkin": CheckinView(
            period=checkin.period,
            since=checkin.since,
            since_meeting=checkin.since_meeting,
            reason=checkin.reason,
            level=checkin.level,
        ),
        "since_words": span_in_words(checkin.since, today),
        "since_date_words": date_in_words(checkin.since),
        "coordinator_in_copy": coordinator_in_copy,
        "last_answer": checkin.last_answer,
        "met_example": met,
        "pause_example": pause,
        "end_example": END_EXAMPLE,
    }


def relationship_context(
    program: Program,
    pair: Pair,
    planned: Planned,
    *,
    envelope: Envelope,
    totals: Totals | None,
    meeting: MeetingRecord | None,
    today: date,
) -> dict[str, object]:
    """What the templates of one relationship kind see; each documents its own variables."""
    context: dict[str, object] = {
        **pair_context(program, pair),
        "reason": planned.reason,
        "names": _first_names(envelope.to),
        "cc_names": _first_names(envelope.cc),
    }
    if envelope.reply_to is not None:
        context |= reply_context(today, envelope.reply_to)
    if planned.kind in MEETING_KINDS and meeting is not None:
        context["meeting"] = _meeting_view(pair, meeting, today=today)
    if planned.kind in TOTALS_KINDS or planned.kind is Kind.ENDED_NOTICE:
        context["totals"] = None if totals is None else _totals_view(totals)
    due = local_date(planned.due_at, pair.timezone)
    if planned.kind is Kind.ANNIVERSARY:
        years = due.year - pair.started.year
        context |= {
            "years": years,
            "years_words": count_words(years, "year"),
            "started_words": date_in_words(pair.started),
        }
    if planned.kind is Kind.ENDED_NOTICE:
        context |= {
            "ended_on": due,
            "ended_on_words": date_in_words(due),
            "in_yaml": yaml_fields(pair),
        }
    return context


def pair_samples(
    program: Program, pair: Pair, *, now: datetime, reply_to: str
) -> Iterator[tuple[Kind, dict[str, object]]]:
    """Every kind with representative values, covering each branch the default templates take."""
    today = local_date(now, pair.timezone)
    for checkin in _sample_checkins(pair, now=now, today=today):
        for kind, level, in_copy in (
            (Kind.CHECKIN, 0, False),
            (Kind.REMINDER, 1, False),
            (Kind.REMINDER, 2, True),
            (Kind.PAUSE_OR_END, 3, False),
        ):
            yield (
                kind,
                period_context(
                    program,
                    pair,
                    replace(checkin, level=level),
                    today=today,
                    reply_to=reply_to,
                    coordinator_in_copy=in_copy,
                ),
            )
    for answered in (Kind.CHECKIN, Kind.PAUSE_OR_END, None):
        yield (
            Kind.QUESTION,
            question_context(
                program, pair, to=pair.mentee, today=today, reply_to=reply_to, answered=answered
            ),
        )
    for kind in sorted(RELATIONSHIP_KINDS):
        for meeting, totals in _sample_meetings_and_totals(pair, now=now, today=today):
            if totals is None and kind in TOTALS_KINDS:
                continue
            planned = Planned(kind=kind, pair_id=pair.id, key=kind, due_at=now, reason="check")
            to, cc = relationship_recipients(program, pair, kind, meeting)
            answerable = kind not in COORDINATOR_KINDS
            envelope = Envelope(to=to, cc=cc, reply_to=reply_to if answerable else None)
            yield (
                kind,
                relationship_context(
                    program,
                    pair,
                    planned,
                    envelope=envelope,
                    totals=totals,
                    meeting=meeting,
                    today=today,
                ),
            )


def person_view(person: Person, path: str) -> PersonView:
    """A person as templates see them; `path` is how a template reaches them ("pair.mentor")."""
    return PersonView(
        name=person.name, first_name=_first_name(person), email=person.email, _path=path
    )


def duration_words(minutes: int | None) -> str | None:
    """ "45 minutes", "1 hour 30 minutes"; None when no duration was reported."""
    return None if minutes is None else time_in_words(minutes, approximate=False)


def count_words(number: int, unit: str) -> str:
    """ "1 year", "2 years"."""
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar date of an aware instant in `zone`; ValueError for a naive one."""
    if moment.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return moment.astimezone(zone).date()


def _reporter(pair: Pair, meeting: MeetingRecord) -> Person | None:
    """The member who logged the meeting (by address, or by role), if any still matches."""
    by_role = dict(zip(("mentor", "mentee"), pair.members, strict=True))
    return reporting_member(pair, meeting) or by_role.get(meeting.reported_by.strip().lower())


def _meeting_view(pair: Pair, meeting: MeetingRecord, *, today: date) -> MeetingView:
    reporter = _reporter(pair, meeting)
    return MeetingView(
        met_on=meeting.met_on,
        when=_day_in_words(meeting.met_on, today=today),
        duration=duration_words(meeting.duration_minutes),
        reporter=None if reporter is None else person_view(reporter, "meeting.reporter"),
        logged_by=meeting.reported_by if reporter is None else reporter.name,
        disputed_by=_member_name(pair, meeting.disputed_by),
        answered=meeting.disputed_answering or "",
        answered_words=answered_words(meeting.disputed_answering),
    )


def answered_words(kind: str | None) -> str:
    """ "the confirmation", "a check-in": our email of this kind; "" for none or unknown."""
    return ANSWERED_WORDS.get(kind or "", "")


def _member_name(pair: Pair, address: str | None) -> str:
    """The name of the member with this address, else the address; "" for none."""
    if address is None:
        return ""
    member = next((p for p in pair.members if same_address(p.email, address)), None)
    return address if member is None else member.name


def _totals_view(totals: Totals) -> TotalsView:
    return TotalsView(
        together=totals.together,
        meetings=totals.meetings,
        meetings_words=count_words(totals.meetings, "meeting"),
        time=time_in_words(totals.minutes, approximate=totals.approximate),
        approximate=totals.approximate,
    )


def _sample_checkins(pair: Pair, *, now: datetime, today: date) -> tuple[Checkin, Checkin, Checkin]:
    """A check-in before any meeting, and two a month after a meeting: one that follows a
    "not yet" and one an unclear reply, so every branch of each runs."""
    not_met = Checkin(
        pair_id=pair.id,
        period=today,
        due_at=now,
        since=pair.started,
        since_meeting=False,
        reason="template check",
    )
    met = replace(
        not_met,
        since=max(pair.started, today - timedelta(days=30)),
        since_meeting=True,
        last_answer="not_met",
    )
    return not_met, met, replace(met, last_answer="unclear")


def sample_meeting(pair: Pair, *, now: datetime, today: date) -> MeetingRecord:
    """A 45-minute meeting two days before `today` that the mentor logged: for previews and
    template checks of a pair with no meeting yet."""
    return MeetingRecord(
        id=1,
        pair_id=pair.id,
        met_on=today - timedelta(days=2),
        duration_minutes=45,
        reported_by=pair.mentor.email,
        logged_at=now,
    )


def _sample_meetings_and_totals(
    pair: Pair, *, now: datetime, today: date
) -> tuple[tuple[MeetingRecord, Totals | None], ...]:
    """A timed meeting a member logged, with exact totals; an untimed one logged from an
    address no longer in the pair, with approximate totals; and one without totals. Read as
    disputed: by NO to the confirmation, by a "that's wrong" to a check-in from an address no
    longer in the pair, and by a reply not known."""
    timed = replace(
        sample_meeting(pair, now=now, today=today),
        disputed_by=pair.mentee.email,
        disputed_answering=Kind.CONFIRMATION,
    )
    untimed = replace(
        timed,
        duration_minutes=None,
        reported_by="former-address@example.org",
        disputed_by="former-address@example.org",
        disputed_answering=Kind.CHECKIN,
    )
    exact = Totals(together="1 year and 2 months", meetings=14, minutes=945, approximate=False)
    approximate = Totals(together="3 months", meetings=1, minutes=60, approximate=True)
    unknown = replace(timed, disputed_by=None, disputed_answering=None)
    return ((timed, exact), (untimed, approximate), (unknown, None))


def _first_name(person: Person) -> str:
    words = person.name.split()
    return words[0] if words else person.name


def _first_names(people: Sequence[Person]) -> str:
    """ "Ana", "Ana and Ben": how an email greets the people it is addressed to."""
    return " and ".join(_first_name(person) for person in people)


def _day_in_words(day: date, *, today: date) -> str:
    """ "Tuesday 3 March", with the year only when it is not this year's."""
    words = date_in_words(day)
    return words if day.year != today.year else words.rsplit(" ", 1)[0]
