"""A pause of a topic is no pause of the mentoring.

"Let's pause the CV work" or "on fait une pause sur le CV" speaks of what the pair works
on, not of the check-ins: it must neither pause the pair nor drop the meeting reported
beside it. A pause of the mentoring, its emails or meetings, "us", or for a time still
pauses. Replies go through the real entry point, `understand`, as pair ada-bo (Berlin,
dates day first) on Thursday 26 November 2026, answering a check-in.
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.verdict import Outcome, ReportedMeeting
from tests.unit.replies.reply_mail import verdict_of

MONDAY_HOUR = ReportedMeeting(date=date(2026, 11, 23), date_stated=True, duration_minutes=60)
JANUARY = date(2027, 1, 1)
FEBRUARY = date(2027, 2, 1)
MARCH = date(2027, 3, 1)


@pytest.mark.parametrize(
    "text",
    [
        "Let's pause the CV work, we met on Monday for 1h",
        "We met Monday 1h. We decided to pause the job search for now",
        "Met Monday 1h. Let's pause the LinkedIn topic until January",
        "Met on Monday for 1h. We'll put the CV on hold until January",
        "Met Monday 1h, we'll take a break from the CV and focus on interviews",
        "Met Monday for 1h. We're taking a break from interview prep until January",
        "We met Monday for 1h. Can you pause the reminders for the CV workshop?",
        "Met Monday 1h. Wir machen mit dem Lebenslauf Pause bis Januar",
        "Met Monday 1h. On fait une pause sur le CV jusqu'en janvier",
        "Met Monday 1h. Vamos a poner el CV en pausa hasta enero",
        "I had to pause my own PhD for health reasons. We met on Monday for 1h though",
        "J'ai mis mes études en pause, mais on s'est vus lundi pendant 1h",
    ],
)
def test_a_topic_paused_beside_a_meeting_leaves_the_meeting(text: str) -> None:
    """A pause of a topic beside a meeting's report logs the meeting and pauses nothing."""
    verdict = verdict_of(text)
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting == MONDAY_HOUR
    assert verdict.pause_until is None


def test_a_topic_paused_beside_not_met_is_not_met() -> None:
    """A pause of a topic beside "not yet" reports not met and pauses nothing."""
    verdict = verdict_of("Not yet. We decided to pause the job search for now")
    assert verdict.outcome is Outcome.NOT_MET
    assert verdict.pause_until is None


@pytest.mark.parametrize(
    "text",
    [
        "We decided to pause the job search for now",
        "Wir machen mit dem Lebenslauf Pause bis Januar",
        "Wir möchten den Lebenslauf pausieren",
        "On fait une pause sur le CV jusqu'en janvier",
        "On met le CV en pause",
        "Hacemos una pausa con el CV",
    ],
)
def test_a_topic_paused_alone_goes_to_a_person(text: str) -> None:
    """A pause of a topic said alone is no request to pause: a person reads the reply."""
    verdict = verdict_of(text)
    assert verdict.outcome is Outcome.UNCLEAR
    assert verdict.pause_until is None


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("Please pause the mentoring until March", MARCH),
        ("Put us on hold until January", JANUARY),
        ("Put the mentoring on hold until January", JANUARY),
        ("We'd like to take a break from the check-ins until March", MARCH),
        ("We need a break from meeting until January", JANUARY),
        ("Please pause our meetings until March", MARCH),
        ("Let's pause the coaching until March", MARCH),
        ("Hold off on reminders until January please", JANUARY),
        ("Pause everything until January", JANUARY),
        ("Can we pause the emails for the summer?", None),
        ("Let's pause the next two months", None),
        ("Wir möchten das Mentoring bis März pausieren", MARCH),
        ("Wir brauchen eine Pause von zwei Monaten", None),
        ("Mettez le mentorat en pause jusqu'en mars", MARCH),
        ("On met le mentorat en pause", None),
        ("Pongamos la mentoria en pausa hasta marzo", MARCH),
    ],
)
def test_a_pause_of_the_mentoring_still_pauses(text: str, until: date | None) -> None:
    """A pause of the mentoring, its emails or meetings, the pair, or for a time pauses."""
    verdict = verdict_of(text)
    assert verdict.outcome is Outcome.PAUSE
    assert verdict.pause_until == until


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("Could we pause the scheme until January?", JANUARY),
        ("Please pause my participation until February.", FEBRUARY),
        ("Can we put our talks on hold until January?", JANUARY),
        ("Can we pause our talks for two months?", date(2027, 1, 26)),
        ("Let's pause our discussions until the new year.", JANUARY),
        ("We need to pause our catchups until January.", JANUARY),
        ("Please pause the nudges until January.", JANUARY),
        ("Please pause the follow-ups until January.", JANUARY),
        ("Can you pause the surveys until January?", JANUARY),
        ("Let's pause our get-togethers until February.", FEBRUARY),
        ("Please pause my involvement until January, I'm overwhelmed.", JANUARY),
        ("Let's pause our coffees until the new year.", JANUARY),
        ("We'll pause our work together until February.", FEBRUARY),
        ("I need a break from the initiative until January.", JANUARY),
        ("I'd like to pause the matching until January.", JANUARY),
        ("Please put my mentee on hold until January.", JANUARY),
    ],
)
def test_a_pause_of_anything_but_a_known_topic_pauses(text: str, until: date | None) -> None:
    """A pause whose object names no known topic (CV, job search, thesis...) pauses."""
    verdict = verdict_of(text)
    assert verdict.outcome is Outcome.PAUSE
    assert verdict.pause_until == until


@pytest.mark.parametrize(
    "text",
    [
        "I'm taking a break from work until January, but we met on Monday.",
        "We met on Monday. Ada is on hold with her visa but we keep going",
    ],
)
def test_a_pause_of_the_members_own_affairs_leaves_the_meeting(text: str) -> None:
    """A break from work or a visa on hold beside a meeting logs the meeting, no pause."""
    verdict = verdict_of(text)
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting == ReportedMeeting(
        date=date(2026, 11, 23), date_stated=True, duration_minutes=None
    )
    assert verdict.pause_until is None


def test_a_long_reply_of_paused_topics_is_read_quickly() -> None:
    """A 50 KB reply of repeated topic pauses is read in well under a second."""
    started = time.perf_counter()
    verdict = verdict_of("put the cv work on hold with the job search " * 1_200)
    assert time.perf_counter() - started < 1.0
    assert verdict.outcome is Outcome.UNCLEAR


def test_french_on_met_is_no_meeting() -> None:
    """French "on met" ("we put") reports no meeting: "on met à jour le CV" is unclear."""
    assert verdict_of("On met à jour le CV").outcome is Outcome.UNCLEAR


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("Can you pause the career mentoring until January?", JANUARY),
        ("Could we put the uni mentoring on hold until February?", FEBRUARY),
        ("Please pause my internship mentoring until March.", MARCH),
        ("Please pause our college mentoring scheme until February.", FEBRUARY),
        ("Put the careers mentoring on hold please, till March.", MARCH),
        ("Can we pause our job-readiness programme until January?", JANUARY),
        ("We want to pause the school year check-ins until January.", JANUARY),
        ("We'd like to pause the work we do together until January.", JANUARY),
        ("I need to take a break from work and mentoring until January.", JANUARY),
        ("I'm taking a break from uni and the programme until February.", FEBRUARY),
    ],
)
def test_a_pause_of_the_mentoring_named_after_a_topic_pauses(text: str, until: date) -> None:
    """A pause of a mentoring named for a topic, or listed with one, pauses the pair."""
    verdict = verdict_of(text, kind=Kind.PAUSE_OR_END)
    assert verdict.outcome is Outcome.PAUSE
    assert verdict.pause_until == until


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("Could we pause with exams coming up? Until mid-January.", date(2027, 1, 15)),
        ("Can we pause on account of exams until January?", JANUARY),
        ("Wir möchten wegen der Bachelorarbeit pausieren.", None),
        ("Ich muss wegen dem Studium pausieren, bis März.", MARCH),
        ("Aufgrund der Jobsuche pausieren wir bis Januar.", JANUARY),
    ],
)
def test_a_pause_for_a_reason_pauses(text: str, until: date | None) -> None:
    """A pause that gives a topic as its reason ("with exams coming up") pauses the pair."""
    verdict = verdict_of(text, kind=Kind.PAUSE_OR_END)
    assert verdict.outcome is Outcome.PAUSE
    assert verdict.pause_until == until


@pytest.mark.parametrize(
    "text",
    [
        "Taking a break from the startup idea for now. We spoke on Monday for an hour.",
        "We're taking a break from my placement until January. Met Monday for 1h.",
    ],
)
def test_a_break_from_a_startup_or_placement_leaves_the_meeting(text: str) -> None:
    """A break from a startup or a placement beside a meeting logs it and pauses nothing."""
    verdict = verdict_of(text)
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting == MONDAY_HOUR
    assert verdict.pause_until is None


@pytest.mark.parametrize(
    "text",
    [
        "Please end the reminders for the CV clinic, we're still meeting.",
        "Please stop the emails about the CV workshop, but keep our check-ins.",
        "We want to end the reminders about the portfolio, not the mentoring.",
        "Stop sending reminders about the resume review please.",
        "Please stop the reminders regarding the job fair.",
        "Stop the reminders on Fridays please.",
        "Please stop sending emails on Mondays.",
        "End the reminders about the December meeting, it's cancelled.",
        "Stop the reminders about our Monday meeting, it already happened.",
    ],
)
def test_an_end_of_other_reminders_goes_to_a_person(text: str) -> None:
    """An end of the reminders for or about something else ("the CV clinic"), on some days
    only ("on Fridays") or about one meeting ("our Monday meeting") ends nothing."""
    assert verdict_of(text, kind=Kind.PAUSE_OR_END).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize(
    "text",
    [
        "Please stop the emails, but keep our check-ins.",
        "We want to end the reminders, not the mentoring.",
        "We'd like to stop the reminders, but continue the mentoring.",
    ],
)
def test_an_end_beside_keeping_the_mentoring_goes_to_a_person(text: str) -> None:
    """An end in a sentence that keeps the mentoring ("not the mentoring") ends nothing."""
    assert verdict_of(text, kind=Kind.PAUSE_OR_END).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize(
    "text",
    [
        "Please end the reminders for the mentoring.",
        "Please stop the emails for the two of us.",
        "Please stop the emails about our check-ins.",
    ],
)
def test_an_end_of_the_pairs_reminders_ends(text: str) -> None:
    """An end of the reminders for the mentoring or the pair still ends it."""
    assert verdict_of(text, kind=Kind.PAUSE_OR_END).outcome is Outcome.END


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("I doubt we need to pause.", Outcome.UNCLEAR),
        ("I'm not sure we need to pause.", Outcome.UNCLEAR),
        ("I doubt we need to pause, we met on Monday.", Outcome.MEETING),
        ("If possible we'd like to pause until March.", Outcome.PAUSE),
    ],
)
def test_a_doubted_pause_pauses_nothing(text: str, outcome: Outcome) -> None:
    """A pause after "I doubt" or "not sure" is no request; a polite "if possible" still is."""
    assert verdict_of(text, kind=Kind.PAUSE_OR_END).outcome is outcome
