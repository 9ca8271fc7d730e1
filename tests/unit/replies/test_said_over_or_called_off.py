"""The mentoring said to be over, a meeting called off in German, French or Spanish, and a
meeting the writer cannot remember."""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import UNCLEAR, met, understood, verdict_of

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "text",
    [
        "Our mentoring ended last month.",
        "The programme finished for us in October, please stop sending these.",
        "My mentee has graduated and we've agreed to wrap up. Thank you!",
        "Die Mentoring-Beziehung ist beendet, vielen Dank für alles!",
        "Our mentorship has ended",
        "Le mentorat est terminé",
    ],
)
def test_the_mentoring_said_to_be_over_ends_it(text: str) -> None:
    """Before, the first four went to a person."""
    assert understood(text) == (Outcome.END, None)


@pytest.mark.parametrize(
    "text",
    [
        "Our mentoring ended last month, we met on Monday for 1h.",
        "Our mentorship has ended. We met on Monday.",
        "The program is over but we met on Wednesday",
    ],
)
def test_the_mentoring_said_to_be_over_beside_a_meeting_is_for_a_person(text: str) -> None:
    """Neither is lost: before, the end won and the meeting went unlogged (or, for a past
    tense, the meeting won and the end was missed)."""
    assert understood(text) == UNCLEAR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The coding program is over. We met on Monday.", met(MONDAY)),
        ("The coding program is over", UNCLEAR),
        ("Her internship program is over", UNCLEAR),
    ],
)
def test_a_program_named_for_something_else_ends_nothing(
    text: str, expected: tuple[object, object]
) -> None:
    """ "The coding program is over" ended the mentoring and dropped the meeting beside it."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Wir mussten unser Treffen leider absagen.",
        "Wir mussten das Treffen verschieben",
        "Nous avons dû annuler notre rendez-vous.",
        "On a dû reporter à lundi",
        "Tuvimos que cancelar la reunión.",
        "Tuvimos que posponerla",
        "we've arranged to meet next week",
        "We have arranged a call for Monday",
    ],
)
def test_a_meeting_called_off_or_arranged_is_not_met_yet(text: str) -> None:
    """As "we had to cancel" already was; before, a person read these."""
    assert understood(text) == (Outcome.NOT_MET, None)


def test_a_meeting_arranged_in_the_past_may_have_happened() -> None:
    """ "We arranged to meet" may go on to say they did."""
    assert understood("We arranged to meet on Monday and did, for an hour") == UNCLEAR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sorry, I can't remember when we last met.", UNCLEAR),
        ("I cannot remember the last time we met", UNCLEAR),
        ("I can't recall when we last met, maybe October?", UNCLEAR),
        ("I don't remember exactly, but we met on Monday for an hour", met(MONDAY, 60)),
        ("Ich weiß nicht mehr, wann wir uns getroffen haben", UNCLEAR),
        ("Ich weiß nicht mehr wann wir uns zuletzt getroffen haben", UNCLEAR),
        ("Ich kann mich nicht mehr erinnern, wann wir uns getroffen haben", UNCLEAR),
        ("Je ne sais plus quand on s'est vus", UNCLEAR),
        ("Je ne me souviens plus quand on s'est vus", UNCLEAR),
        ("No recuerdo cuándo nos reunimos", UNCLEAR),
        ("No me acuerdo de cuándo nos vimos", UNCLEAR),
        ("I'm not sure, we may have met on Monday", UNCLEAR),
        (
            "Ich weiß nicht mehr, was wir besprochen haben, aber wir haben uns am Montag getroffen",
            met(MONDAY),
        ),
        ("No recuerdo el tema, pero nos reunimos el lunes", met(MONDAY)),
        ("Je ne sais plus quoi dire, on s'est vus lundi", met(MONDAY)),
        ("Ja, am Montag. Wann wir uns wieder treffen, weiß ich nicht mehr.", met(MONDAY)),
        ("We met on Monday. I may have another call with her next week.", met(MONDAY)),
        (
            "Sorry, I don't remember the details. When we met on Monday we talked for an hour.",
            met(MONDAY, 60),
        ),
    ],
)
def test_a_meeting_not_remembered_is_for_a_person(
    text: str, expected: tuple[object, object]
) -> None:
    """ "I can't remember when we last met" read as "not met" (a follow-up would have
    nudged them), and "the last time we met" as a meeting today; so did "Ich weiß nicht
    mehr wann wir uns getroffen haben", "je ne sais plus quand on s'est vus" and "no
    recuerdo cuándo nos reunimos" (the negation made them "not met"), while "Ich weiß
    nicht mehr, wann ..." and "we may have met on Monday" logged a meeting. Not
    remembering something else leaves the meeting."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "End please. It wasn't working out, no hard feelings.",
        "End please. We haven't met in months.",
        "End. We never met.",
        "End - we haven't met since summer anyway",
    ],
)
def test_end_opening_a_reply_to_the_pause_or_end_email_ends(text: str) -> None:
    """The word the email suggests, then a reason: before, the reason ("we haven't met")
    won, the pair was read as "not met yet" and nudged again."""
    assert understood(text, Kind.PAUSE_OR_END) == (Outcome.END, None)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("End? We never met", Outcome.NOT_MET),
        ("End. Actually, pause until March", Outcome.PAUSE),
        ("End, but we met on Monday for an hour", Outcome.MEETING),
        ("End. We'd like to keep going though", Outcome.UNCLEAR),
    ],
)
def test_end_opening_a_reply_yields_to_what_follows(text: str, outcome: Outcome) -> None:
    """A question, a pause, a meeting or a wish to go on after it is not the end offered."""
    assert understood(text, Kind.PAUSE_OR_END)[0] is outcome


@pytest.mark.parametrize(
    "text",
    [
        "We haven't met and won't - we're ending the mentoring. Thanks!",
        "No, we're done with mentoring actually, she got the job",
        "No - please take us off the list, it's not working.",
        "Please take us off the list.",
        "We're stopping the mentoring",
        "Let's end it, we didn't really click.",
    ],
)
def test_more_ways_of_asking_to_end(text: str) -> None:
    """Before, these were "not met yet" or went to a person."""
    assert understood(text) == (Outcome.END, None)


@pytest.mark.parametrize(
    "text",
    [
        "We want to close the program's first module",
        "Please take me off the CV clinic list",
        "We're done with the mentoring session, it went well",
    ],
)
def test_ends_of_something_else_end_nothing(text: str) -> None:
    """A part of a program, another list, or a session."""
    assert understood(text)[0] is not Outcome.END


@pytest.mark.parametrize(
    "text",
    [
        "Please stop sending these, we finished the mentoring last month.",
        "We've already finished the programme, so you can close it.",
        "Stop sending them please",
    ],
)
def test_we_finished_the_mentoring_or_stop_sending_these_ends(text: str) -> None:
    """Before, a person read these."""
    assert understood(text) == (Outcome.END, None)


@pytest.mark.parametrize(
    "text",
    [
        "Please stop sending them to my old address",
        "We finished the mentoring session early, we met on Monday for 30 min",
    ],
)
def test_stopping_emails_to_an_address_or_finishing_a_session_ends_nothing(text: str) -> None:
    """Another address, or a session that ended early."""
    assert understood(text)[0] is not Outcome.END


@pytest.mark.parametrize(
    "text", ["We did manage, on the 25th. About 40 minutes.", "Yes we managed it, 25th, 40 min"]
)
def test_we_did_manage_answers_the_follow_up(text: str) -> None:
    """ "Did you manage to meet?" answered "we did manage" reports the meeting."""
    assert understood(text, Kind.FOLLOW_UP) == met(date(2026, 11, 25), 40)


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("We're on a break until the 10th of January.", date(2027, 1, 10)),
        ("We're on a break", None),
        ("We're taking time off until March", date(2027, 3, 1)),
    ],
)
def test_on_a_break_pauses(text: str, until: date | None) -> None:
    """As "we're taking a break" did; before, a person read these."""
    verdict = verdict_of(text)
    assert (verdict.outcome, verdict.pause_until) == (Outcome.PAUSE, until)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met on Monday. Actually no, it was cancelled.", UNCLEAR),
        ("We met on Monday - or rather, we were supposed to.", UNCLEAR),
        ("We met on Monday, or at least we tried to.", UNCLEAR),
        ("We met on Monday, at least that's what we had planned, but she didn't show up.", UNCLEAR),
        ("We met Monday but she didn't show up", UNCLEAR),
        ("We met Monday... well, she cancelled last minute.", UNCLEAR),
        ("We met on Monday. Actually, we rescheduled to Tuesday.", UNCLEAR),
        ("Wir haben uns am Montag getroffen. Eigentlich, sie hat abgesagt.", UNCLEAR),
        ("We met on Monday. Well, it went great.", met(MONDAY)),
        ("Well, we cancelled Tuesday but met on Monday for 1h.", met(MONDAY, 60)),
        ("We met on Monday for an hour. Her manager didn't show up though.", met(MONDAY, 60)),
        ("Wir haben uns am Montag getroffen, eigentlich nicht, es wurde abgesagt", UNCLEAR),
        ("Supposedly we met Monday.", UNCLEAR),
        ("Angeblich haben wir uns am Montag getroffen", UNCLEAR),
        ("Actually no, we haven't met", (Outcome.NOT_MET, None)),
        ("We met Monday, at least we tried to talk about her CV", met(MONDAY)),
        ("We met on Monday and at least tried to set goals", met(MONDAY)),
        ("We met on Monday. Actually no big news, she's doing well.", met(MONDAY)),
        ("We met on Monday; she actually no longer wants to switch careers.", met(MONDAY)),
        ("We met on Monday, or rather we had a video call for 40 minutes.", met(MONDAY, 40)),
        (
            "Nos reunimos el lunes, o mejor dicho, hicimos una videollamada de una hora.",
            met(MONDAY, 60),
        ),
    ],
)
def test_a_meeting_taken_back_is_for_a_person(text: str, expected: tuple[object, object]) -> None:
    """Each of these logged the meeting it takes back (or doubts). Before any report,
    "actually no" only says no; "at least we tried to talk about her CV", "actually no big
    news" and "or rather we had a video call" tell of the meeting."""
    assert understood(text) == expected
