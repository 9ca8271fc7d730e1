"""A "no" that refuses an end, meetings with their length between "had a" and "call", and
bare date-and-length lines.

Replies go through the real entry point, `understand`, as pair ada-bo (Berlin, dates day
first) on Thursday 26 November 2026.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.head import Head, Signal
from reminder_service.core.replies.meaning import Meaning, meaning_of
from reminder_service.core.replies.verdict import Outcome, Verdict
from tests.unit.replies.reply_mail import NOW, verdict_of

ASKING_KINDS = [Kind.CHECKIN, Kind.REMINDER, Kind.PAUSE_OR_END]


def _verdict(text: str, kind: Kind = Kind.CHECKIN) -> Verdict:
    """The verdict `understand` gives `text`, sent by the mentee in answer to a `kind` email."""
    return verdict_of(text, kind=kind)


REFUSED_ENDS = [
    "no queremos terminar",
    "No queremos terminar la mentor\u00eda",
    "No, no queremos terminar",
    "No, we don't want to end it",
    "No, we do not want to stop",
    "Nein, wir wollen nicht aufh\u00f6ren",
    "Nein, wir m\u00f6chten das Mentoring nicht beenden",
    "Non, nous ne voulons pas arr\u00eater",
    "No, we want to keep going",
    "No, keep going please",
    "No thanks, we'll keep going",
    "Nein, wir wollen weitermachen",
    "Non, nous voulons continuer",
    "No, queremos seguir",
]


@pytest.mark.parametrize("kind", ASKING_KINDS)
@pytest.mark.parametrize("text", REFUSED_ENDS)
def test_a_no_that_refuses_an_end_is_not_a_not_yet(kind: Kind, text: str) -> None:
    """A "no" beside a refused end or "we want to keep going" answers the end, not "have you
    met?": the reply ends nothing and is unclear, so the pair is asked when they meet."""
    assert _verdict(text, kind).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize("kind", [Kind.CHECKIN, Kind.REMINDER])
@pytest.mark.parametrize(
    "text",
    [
        "No, not yet",
        "No, we haven't met",
        "No.",
        "No, but we want to keep going",
        "No, but we don't want to end it",
        "No, not yet, but we don't want to end it",
        "No, we could not continue our meeting",
    ],
)
def test_a_no_about_meeting_still_says_not_yet(kind: Kind, text: str) -> None:
    """A "no" alone, with "not yet", or before a "but" that refuses the end still says the
    pair has not met."""
    assert _verdict(text, kind).outcome is Outcome.NOT_MET


@pytest.mark.parametrize(
    ("text", "kind", "outcome"),
    [
        ("No.", Kind.CONFIRMATION, Outcome.DISPUTE),
        ("Please end it", Kind.CHECKIN, Outcome.END),
        ("Please end it", Kind.PAUSE_OR_END, Outcome.END),
        ("no queremos terminar, solo una pausa", Kind.PAUSE_OR_END, Outcome.PAUSE),
        ("No, we don't want to end it, we met on Monday", Kind.CHECKIN, Outcome.MEETING),
    ],
)
def test_neighbours_of_a_refused_end_keep_their_meaning(
    text: str, kind: Kind, outcome: Outcome
) -> None:
    """A bare "no" to a confirmation disputes, a request to end ends, a pause pauses, and a
    meeting beside a refused end is logged."""
    assert _verdict(text, kind).outcome is outcome


def test_the_no_of_a_refused_end_is_not_read_as_a_report() -> None:
    """The head reads "No, we don't want to end it" as a refused end without a "no"."""
    (sentence,) = Head.of("No, we don't want to end it").sentences
    assert Signal.NO_END in sentence.signals
    assert Signal.NO not in sentence.signals


@pytest.mark.parametrize(
    ("text", "day", "minutes"),
    [
        ("Had a 15-minute call yesterday", date(2026, 11, 25), 15),
        ("We had a quick 30 min chat on Monday", date(2026, 11, 23), 30),
        ("had an hour-long meeting yesterday", date(2026, 11, 25), 60),
        ("We had a 1.5 hour call on Monday", date(2026, 11, 23), 90),
        ("had a 45-min zoom call yesterday", date(2026, 11, 25), 45),
        ("We had a 30min chat yesterday", date(2026, 11, 25), 30),
    ],
)
def test_a_length_between_had_a_and_call_reports_a_meeting(
    text: str, day: date, minutes: int
) -> None:
    """ "Had a 15-minute call yesterday" reports a meeting on that day for that long."""
    meeting = _verdict(text).meeting
    assert meeting is not None
    assert (meeting.date, meeting.duration_minutes) == (day, minutes)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("we'll have a 15-minute call on Friday", Outcome.UNCLEAR),
        ("We haven't had a 30 min call yet", Outcome.NOT_MET),
        ("We had planned to have a call", Outcome.UNCLEAR),
    ],
)
def test_a_length_in_a_plan_or_a_negated_call_reports_no_meeting(
    text: str, outcome: Outcome
) -> None:
    """A call with a length still to come, or not had, is no meeting."""
    assert _verdict(text).outcome is outcome


@pytest.mark.parametrize(
    ("text", "day", "minutes"),
    [
        ("Last Thurs, an hour or so", date(2026, 11, 19), 60),
        ("yesterday evening, 90 mins", date(2026, 11, 25), 90),
        ("Tuesday afternoon, 45 min more or less", date(2026, 11, 24), 45),
        ("gestern Abend, 1 Stunde", date(2026, 11, 25), 60),
        ("hier soir, une heure", date(2026, 11, 25), 60),
        ("ayer por la tarde, 30 minutos", date(2026, 11, 25), 30),
        ("yesterday, 45 min", date(2026, 11, 25), 45),
    ],
)
def test_a_bare_date_and_length_with_a_time_of_day_or_or_so_is_a_meeting(
    text: str, day: date, minutes: int
) -> None:
    """A line of only a past day (perhaps with its time of day) and a rough length reports
    a meeting on that day for that long."""
    verdict = _verdict(text)
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting is not None
    assert (verdict.meeting.date, verdict.meeting.duration_minutes) == (day, minutes)


@pytest.mark.parametrize(
    ("text", "kind", "outcome"),
    [
        ("next Thurs, an hour", Kind.CHECKIN, Outcome.NOT_MET),
        ("next Thursday", Kind.REMINDER, Outcome.NOT_MET),
        ("mardi prochain, 1h", Kind.CHECKIN, Outcome.NOT_MET),
        ("next Thurs, an hour", Kind.THANKS, Outcome.ACKNOWLEDGED),
        ("tomorrow evening, 90 min", Kind.CHECKIN, Outcome.UNCLEAR),
        ("morgen, 45 min", Kind.CHECKIN, Outcome.UNCLEAR),
    ],
)
def test_a_bare_date_ahead_is_a_plan_not_a_meeting(text: str, kind: Kind, outcome: Outcome) -> None:
    """A line of only a day still to come (and a length) plans the next meeting: not met yet
    to "have you met?", acknowledged where nothing was asked; never a meeting."""
    assert _verdict(text, kind).outcome is outcome


def test_meaning_of_reads_a_bare_next_weekday_as_a_plan() -> None:
    """`meaning_of` gives "next Thurs, an hour" to a check-in as not met, with no meeting."""
    meaning = meaning_of(
        "next Thurs, an hour",
        sent=NOW,
        zone=ZoneInfo("Europe/Berlin"),
        date_order="DMY",
        replying_to=Kind.CHECKIN,
    )
    assert meaning == Meaning(Outcome.NOT_MET)
