"""What a clause after "but" does to a reply's verdict, and a plan answering an email that
asked nothing.

Replies go through the real entry point, `understand`, as pair ada-bo (Berlin, dates day
first) on Thursday 26 November 2026; a reply to a confirmation quotes the confirmation of a
meeting on Saturday 21 November (45 minutes).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.head import Head
from reminder_service.core.replies.meaning import Meaning, meaning_of
from reminder_service.core.replies.verdict import Outcome, ReportedMeeting
from tests.unit.replies.reply_mail import NOW, verdict_of

CONFIRMATION = (
    "\n\nOn Wed, 25 Nov 2026 at 09:00, Mentoring <mentoring@northwind.example> wrote:\n"
    "> Hi Ben,\n"
    ">\n"
    "> Ana logged your meeting on Saturday 21 November (45 minutes).\n"
    "> Reply NO if that's not right.\n"
    ">\n"
    "> If it is right, there is nothing to do. Thank you both!\n"
)


def _outcome(text: str, kind: Kind) -> Outcome:
    """The outcome `understand` gives `text`, sent by the mentee in answer to a `kind` email."""
    return verdict_of(text, kind=kind).outcome


CORRECTIONS = [
    "Correct, but we met on Wednesday",
    "Oui, mais c'était mercredi",
    "Sí, pero fue el miércoles",
    "Yes, but it was 30 minutes not 45",
    "Ja, aber es waren 90 Minuten",
    "That's right, except it was 60 minutes",
    "Yes, although it was closer to 90 minutes",
    "No, but we met on Wednesday",
    "Correct. But we met on Wednesday.",
    "Yes, but it was 30 minutes, not 45 minutes",
]


@pytest.mark.parametrize("kind", [Kind.CONFIRMATION, Kind.THANKS])
@pytest.mark.parametrize("text", CORRECTIONS)
def test_a_correction_after_but_of_a_named_meeting_is_left_for_a_person(
    text: str, kind: Kind
) -> None:
    """A reply to a confirmation or thank-you that gives a date or length after "but" is
    unclear, so the coordinator reviews it, rather than a new meeting or an acknowledgement."""
    assert _outcome(text + CONFIRMATION, kind) is Outcome.UNCLEAR


@pytest.mark.parametrize(
    ("text", "kind", "outcome"),
    [
        ("Yes", Kind.CONFIRMATION, Outcome.ACKNOWLEDGED),
        ("That's right, thanks!", Kind.CONFIRMATION, Outcome.ACKNOWLEDGED),
        ("Yes, but we'll meet again on Tuesday", Kind.CONFIRMATION, Outcome.ACKNOWLEDGED),
        ("Yes, but Ana forgot her notes", Kind.THANKS, Outcome.ACKNOWLEDGED),
        ("yes, and we met again yesterday", Kind.CONFIRMATION, Outcome.MEETING),
        ("Yes, but we met on Wednesday", Kind.WELCOME_BACK, Outcome.MEETING),
        ("Yes, but only 20 minutes", Kind.CHECKIN, Outcome.MEETING),
        ("We met on Monday, although only for 20 minutes", Kind.CHECKIN, Outcome.MEETING),
    ],
)
def test_neighbours_of_a_correction_keep_their_verdict(
    text: str, kind: Kind, outcome: Outcome
) -> None:
    """A plain yes to a named meeting, a "but" with no date or length or with a plan, and a
    "but" answering an email that names no meeting keep their usual verdict."""
    assert _outcome(text, kind) is outcome


@pytest.mark.parametrize(
    "text",
    [
        "We didn't meet on Tuesday as planned, but we did meet Wednesday for 30 minutes.",
        "We were going to meet Monday but moved it to Wednesday, 1h",
        "Wir konnten uns am Dienstag nicht treffen, aber am Mittwoch eine Stunde",
        "We didn't meet on Tuesday, but on Wednesday for 30 minutes",
        "We didn't meet Tuesday but we did on Wednesday, 1h",
        "We couldn't meet Tuesday, but Wednesday yes, 1h",
        "Wir konnten uns am Dienstag nicht treffen, aber am Mittwoch schon, eine Stunde",
        "On ne s'est pas vus mardi, mais mercredi une heure",
        "We didn't meet on Monday, but we talked on Wednesday for 30 minutes",
    ],
)
def test_a_meeting_after_but_outweighs_the_plan_or_miss_before_it(text: str) -> None:
    """A missed or planned meeting, then "but" and a meeting's length, reports a meeting."""
    assert _outcome(text, Kind.CHECKIN) is Outcome.MEETING


@pytest.mark.parametrize(
    "text",
    [
        "Not yet, we'll meet next week",
        "Not yet, but we'll meet Friday for 30 minutes",
        "We didn't meet, but could we do 30 minutes Friday?",
        "Todavía no, pero el viernes una hora",
        "Noch nicht, aber nächste Woche eine Stunde",
    ],
)
def test_a_plan_after_but_leaves_not_met(text: str) -> None:
    """After "not yet", or when it asks or speaks of the future, what follows "but" is a
    plan: the reply still says the pair has not met."""
    assert _outcome(text, Kind.CHECKIN) is Outcome.NOT_MET


@pytest.mark.parametrize(
    "text",
    [
        "We didn't meet, but I spent an hour reviewing her CV",
        "Not this week, but 30 minutes on Friday works for us",
        "We haven't met, but we have a 1 hour slot booked on Monday",
        "We couldn't meet this week, but I'm available for 30 min any day",
        "We haven't had time to meet, but I answered her questions by email, took me 30 minutes",
        "We didn't meet, but we did spend an hour on her CV",
        "We didn't meet, but she was 10 minutes late",
        "No meeting this month, but Bo sent me a 30 minute video",
        "Nope, but we texted for 20 min",
        "We couldn't meet, but we emailed back and forth for 2 hours",
        "Wir konnten uns nicht treffen, aber ich habe 1 Stunde ihren Lebenslauf gelesen",
        "On ne s'est pas vus, mais j'ai passé une heure sur son CV",
        "No nos pudimos ver, pero le dediqué una hora a su CV",
    ],
)
def test_a_length_after_but_that_is_not_a_meeting_leaves_not_met(text: str) -> None:
    """After "we didn't meet, but", a length spent on something else than a meeting (work
    done alone, a slot offered or booked, texts and emails) leaves the reply saying not met."""
    assert _outcome(text, Kind.CHECKIN) is Outcome.NOT_MET


def test_a_plain_meeting_report_is_still_a_meeting() -> None:
    """A plain "we met on Tuesday" to a check-in reports a meeting."""
    assert _outcome("we met on Tuesday", Kind.CHECKIN) is Outcome.MEETING


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Thank you! We'll meet again on the 3rd", Kind.THANKS),
        ("Great, thanks. We're meeting again next week.", Kind.CONFIRMATION),
        ("Danke! Wir sehen uns am Montag wieder", Kind.THANKS),
        ("Danke! Wir sehen uns am Montag wieder", Kind.CONFIRMATION),
        ("Thanks, we're meeting again next week", Kind.WELCOME_BACK),
        ("Thanks! We'll have a call next week", Kind.THANKS),
    ],
)
def test_a_plan_answering_an_email_that_asked_nothing_acknowledges_it(
    text: str, kind: Kind
) -> None:
    """A plan to meet in answer to an email that asked nothing acknowledges it, so it earns
    the pair no "not yet" follow-up."""
    assert _outcome(text, kind) is Outcome.ACKNOWLEDGED


@pytest.mark.parametrize(
    "text",
    [
        "We'll meet again on the 3rd",
        "We will have a call next week",
        "We're having a call on Monday",
        "We are going to have coffee next week",
        "We'll grab a coffee next Tuesday",
        "We'll have a quick call soon",
        "We have a call scheduled for next week",
    ],
)
def test_a_plan_answering_a_check_in_is_not_met(text: str) -> None:
    """A plan, to meet or to have a call, in answer to "have you met?" says not met yet."""
    assert _outcome(text, Kind.CHECKIN) is Outcome.NOT_MET


@pytest.mark.parametrize(
    "text",
    [
        "We met on Monday, 1h, and we'll have a call next week",
        "We're glad we had a call on Monday, 1h",
    ],
)
def test_a_meeting_beside_a_planned_call_is_still_a_meeting(text: str) -> None:
    """A call still to come beside one that happened leaves the meeting logged."""
    assert _outcome(text, Kind.CHECKIN) is Outcome.MEETING


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wir treffen uns alle zwei Wochen, zuletzt am Montag", Outcome.UNCLEAR),
        ("Wir treffen uns regelmäßig, das letzte Mal am Montag", Outcome.UNCLEAR),
        ("Wir sehen uns jede Woche", Outcome.UNCLEAR),
        ("Wir treffen uns am Montag", Outcome.NOT_MET),
        ("Noch nicht, wir treffen uns nächste Woche", Outcome.NOT_MET),
    ],
)
def test_german_we_meet_as_a_habit_is_no_plan(text: str, expected: Outcome) -> None:
    """ "Wir treffen uns" says a plan ("am Montag") or a habit ("alle zwei Wochen"); a habit
    beside the last time they met was read as "not met yet" and earned a follow-up."""
    assert _outcome(text, Kind.CHECKIN) is expected


@pytest.mark.parametrize(
    ("text", "turned", "plan"),
    [
        ("Yes, but it was 30 minutes", "it was 30 minutes", False),
        ("That's right except it was 60 minutes", "it was 60 minutes", False),
        ("Correct. But we met on Wednesday.", "we met on wednesday", False),
        ("Not yet, but Friday for an hour", "friday for an hour", True),
        ("No, but we will meet on Friday", "we will meet on friday", True),
        ("We missed Tuesday, but can we do Friday?", "can we do friday", True),
    ],
)
def test_head_turns_are_the_words_after_but_and_say_whether_they_plan(
    text: str, turned: str, plan: bool
) -> None:
    """Each "but" in the head opens a turn running to its sentence's end, which is a plan
    when it asks, speaks of the future or follows "not yet"."""
    head = Head.of(text)
    [turn] = head.turns
    assert head.text[turn.start : turn.end].strip() == turned
    assert turn.plan is plan


@pytest.mark.parametrize("kind", [Kind.CONFIRMATION, Kind.THANKS])
@pytest.mark.parametrize(
    "text",
    [
        "Yes! Though Bo was 10 minutes late",
        "Yes, but she had a 2 hour commute",
        "Thank you, we met! But she arrived 2 hours ago",
        "Ja, aber sie kam 10 Minuten zu spät",
        "Oui, mais elle avait 10 minutes de retard",
        "Sí, pero llegó 10 minutos tarde",
    ],
)
def test_a_length_of_something_else_after_but_corrects_nothing(text: str, kind: Kind) -> None:
    """A length after "but" that is not a meeting's (late, ago, a commute) does not correct
    the meeting a confirmation or thank-you names: the yes acknowledges it."""
    assert _outcome(text + CONFIRMATION, kind) is Outcome.ACKNOWLEDGED


def test_a_late_arrival_after_thanks_corrects_nothing() -> None:
    """ "Thanks! Though Bo was 10 minutes late" to a thank-you means what it means without
    the minutes: the lateness is no correction of the meeting's length."""
    late = _outcome("Thanks! Though Bo was 10 minutes late", Kind.THANKS)
    assert late is _outcome("Thanks! Though Bo was late", Kind.THANKS)


def _meaning(text: str, kind: Kind = Kind.CHECKIN) -> Meaning:
    """What `meaning_of` makes of `text`, sent now from Berlin with dates day first."""
    return meaning_of(
        text, sent=NOW, zone=ZoneInfo("Europe/Berlin"), date_order="DMY", replying_to=kind
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We didn't meet on Tuesday as planned, but we did meet Wednesday for 30 minutes.",
            Meaning(Outcome.MEETING, ReportedMeeting(date(2026, 11, 25), True, 30)),
        ),
        (
            "We were going to meet Monday but moved it to Wednesday, 1h",
            Meaning(Outcome.MEETING, ReportedMeeting(date(2026, 11, 25), True, 60)),
        ),
        ("We didn't meet, but I spent an hour reviewing her CV", Meaning(Outcome.NOT_MET)),
        ("We couldn't meet, but Friday, 30 minutes works for us", Meaning(Outcome.NOT_MET)),
    ],
)
def test_meaning_of_reads_a_meeting_after_but_only_when_it_took_place(
    text: str, expected: Meaning
) -> None:
    """`meaning_of` turns "not met, but" into a meeting only when what follows names the
    meeting or is nothing but its date and length."""
    assert _meaning(text) == expected


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Yes, but she was 10 minutes late", Outcome.ACKNOWLEDGED),
        ("Yes, but it was 30 minutes", Outcome.UNCLEAR),
        ("Yes, but it was 30 minutes, not 45 minutes", Outcome.UNCLEAR),
        ("Yes, but we met 2 hours ago", Outcome.ACKNOWLEDGED),
    ],
)
def test_meaning_of_amends_a_thank_you_only_with_a_meeting_length(
    text: str, outcome: Outcome
) -> None:
    """`meaning_of` takes a length after "but" for a correction of a thank-you's meeting only
    when it may be the meeting's, however many lengths the clause gives."""
    assert _meaning(text, Kind.THANKS).outcome is outcome


def test_meaning_of_leaves_a_corrected_thank_you_unclear() -> None:
    """`meaning_of` reads a yes amending a thank-you's meeting as unclear."""
    meaning = meaning_of(
        "Yes, but it was 30 minutes",
        sent=NOW,
        zone=ZoneInfo("Europe/Berlin"),
        date_order="DMY",
        replying_to=Kind.THANKS,
    )
    assert meaning.outcome is Outcome.UNCLEAR
