"""More ways of saying "we met", and more ways of writing how long it was.

Replies go through the real entry point, `understand`, as pair ada-bo (Ada the mentor, Bo
the mentee; Berlin, dates day first) answering a check-in on Thursday 26 November 2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.replies.head import Head
from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import verdict_of

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)
WEDNESDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "day", "minutes"),
    [
        ("we meeted last friday for 1 hour", date(2026, 11, 20), 60),
        ("We meet yesterday", WEDNESDAY, None),
        ("We managed to meet on Monday for 45 minutes", MONDAY, 45),
        ("We were able to meet on Monday for an hour", MONDAY, 60),
        ("We could finally meet on Monday, 1h", MONDAY, 60),
        ("The meeting took place on Monday (1h)", MONDAY, 60),
        ("The session took place online on Tuesday - 1h.", TUESDAY, 60),
        ("We meet last night at 7", WEDNESDAY, None),
        ("We did meet on Monday, 1h", MONDAY, 60),
        ("Yes - no issues, we met Tuesday for 45 min", TUESDAY, 45),
        ("Yes, we met on Monday. Never had such a good session! 1h", MONDAY, 60),
        ("Wir haben es geschafft, uns am Montag eine Stunde zu treffen", MONDAY, 60),
        ("Wir konnten uns am Montag eine Stunde treffen", MONDAY, 60),
        ("On a réussi à se voir lundi pendant une heure", MONDAY, 60),
        ("Pudimos vernos el lunes una hora", MONDAY, 60),
        ("We grabbed coffee yesterday for 30 mins", WEDNESDAY, 30),
        ("We met a fortnight ago", date(2026, 11, 12), None),
        ("We managed a quick 15 minute call yesterday", WEDNESDAY, 15),
        ("We squeezed in a coffee on Tuesday, 30 min", TUESDAY, 30),
        ("We fitted in a call on Monday", MONDAY, None),
        ("Nous avons déjeuné ensemble mardi", TUESDAY, None),
        ("On a pris un café lundi, 45 min", MONDAY, 45),
        ("Wir waren am Montag zusammen Mittagessen, 1h", MONDAY, 60),
        ("Wir gingen am Dienstag spazieren, eine Stunde", TUESDAY, 60),
        ("Wir haben am Montag zusammen gegessen, eine Stunde", MONDAY, 60),
        ("We've been meeting weekly, most recently on Monday for 1h", MONDAY, 60),
        ("We've mostly been meeting online, last on Tuesday, 45 min", TUESDAY, 45),
    ],
)
def test_managed_and_meeting_was_report_a_meeting(
    text: str, day: date, minutes: int | None
) -> None:
    """Managing to meet (or managing or squeezing in a call), lunch or a walk together,
    having been meeting, or "the meeting took place" with only its day and length after
    it, logs the meeting."""
    verdict = verdict_of(text)
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting is not None
    assert (verdict.meeting.date, verdict.meeting.duration_minutes) == (day, minutes)


@pytest.mark.parametrize(
    "text",
    [
        "we could meet",
        "Wir könnten uns am Montag eine Stunde treffen",
        "We've got to meet soon",
        "We got to meet on Monday for an hour",
        "we meet every week",
        "We'll be able to meet on Monday",
        "We were supposed to meet yesterday but had to cancel",
        "The meeting was on Monday but got cancelled",
        "I saw your email on Monday",
        "I saw it on Monday",
        "I saw her yesterday at the shop, we still have to meet",
        "we got to meet her team on Monday",
        "The call was at 5pm but she didn't show up",
        "No, we haven't managed to meet",
        "No pudimos vernos",
        "On n'a pas réussi à se voir",
        "Wir haben es nicht geschafft, uns zu treffen",
        "We couldn't fit in a call this month",
        "We'll fit in a call next week",
        "I managed the team meeting on Monday",
        "Nous n'avons pas encore déjeuné ensemble",
        "Wir waren noch nicht essen",
        "Sie waren am Montag essen",
        "Sie hat am Montag gegessen",
        "We haven't been meeting lately",
    ],
)
def test_suggestions_plans_and_negations_log_no_meeting(text: str) -> None:
    """A suggestion, a plan, a meeting called off or one not managed logs no meeting."""
    assert verdict_of(text).outcome is not Outcome.MEETING


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Ja, Montag 1 Std 15 Min", 75),
        ("Ja, Montag 1 Std. und 15 Min.", 75),
        ("Met Monday 1 hour 15", 75),
        ("met 3-4pm Tuesday", 60),
        ("met monday 18:00-19:15", 75),
        ("Yes, Monday 7-8pm", 60),
        ("Yes we met Tuesday 14h-15h", 60),
        ("Met Wednesday between 5 and 6pm", 60),
        ("Yes, met Monday 9.30-10.30", 60),
        ("yes, 45 mintues on tuesday", 45),
        ("we did! thursday last week, hour and half", 90),
        ("We met Tuesday. Her commute is 2 hours each way, so we did 30 min online", 30),
        ("We had a 1h call on Monday", 60),
        ("Did a 1h30 call Monday", 90),
        ("On s'est vus lundi à 14h, une heure", 60),
    ],
)
def test_lengths_in_more_shapes(text: str, minutes: int) -> None:
    """Hours then minutes, spans of clock times and common typos give the meeting's length."""
    verdict = verdict_of(text)
    assert verdict.meeting is not None
    assert verdict.meeting.duration_minutes == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Yes we met.\n\nBo Mentee | Analyst | Mon-Fri 9:00-17:00", None),
        ("Available 9:00-17:00, we met Monday", None),
        ("Yes we met. I work 9-5pm", None),
        ("Met Monday, the webinar 10:00-12:00 is on Friday.", None),
        ("We met Monday; office hours are 10:00-11:00", None),
        ("met Monday for 1 hour 15 November", 60),
    ],
)
def test_hours_of_work_and_dates_are_no_length(text: str, minutes: int | None) -> None:
    """Working hours, a span outside the clause saying "we met", and a date after "1 hour" are
    no length."""
    verdict = verdict_of(text)
    assert verdict.meeting is not None
    assert verdict.meeting.duration_minutes == minutes


@pytest.mark.parametrize(
    "text",
    [
        "The meeting was on Monday, 1h",
        "Meeting done on monday, 1 hour",
        "Our meeting was on 19/11, 1h. Next one is 3/12",
        "Her exam session was on Monday. We're meeting next week.",
        "The info session took place on Monday; we're meeting next week.",
        "The meeting was at risk because of the strike, but we'll meet next week.",
        "The meeting happened to clash with her exam, we'll meet next week.",
        "Our last meeting was last month, nothing since.",
        "Our meeting was on Monday but she was ill so we'll redo it.",
        "The call was yesterday but she had no signal so we gave up.",
        "The team meeting was on Monday so I couldn't make our slot.",
        "The call was at a bad time for her, so we'll try next week.",
        "Call done this week hopefully.",
        "Meeting done after her exams, I hope.",
        "The meeting went ahead without me, I was ill.",
        "Our last call was on the 2nd, nothing since.",
        "Our call went ahead on Monday. We haven't met in person yet.",
        "I saw Bo on Monday for an hour",
        "I saw Sam yesterday and he says hi.",
        "I saw friends on Saturday.",
        "I saw results yesterday, she passed!",
        "I saw everyone on Monday at the induction.",
        "I saw lots on Monday at the careers fair.",
        "We only saw each other in passing last week.",
        "We saw each other at the conference but didn't have a proper session.",
        "We can meet this morning at 11, I'll report back.",
        "We meet this morning at 11, fingers crossed.",
        "We should meet this morning but she's ill.",
        "We got to meet soon, it's been ages.",
        "If we were able to meet next week that would be great.",
        "I was able to meet Jo on Monday at the networking event.",
    ],
)
def test_other_meetings_and_sightings_log_no_meeting(text: str) -> None:
    """Someone else's meeting, one that failed or is planned, and seeing someone log nothing."""
    assert verdict_of(text).outcome is not Outcome.MEETING


@pytest.mark.parametrize(
    "text",
    [
        "We'll try and meet last week of December.",
        "We're hoping we meet last week of term.",
        "Diaries are full; we meet last week of December.",
        "Let's meet up last week of term, she suggested.",
        "Would love to go and meet up last week before Christmas.",
        "We meet up on last night's train by chance, ha.",
        "We saw each other on Monday for an hour",
        "We saw each other yesterday at the careers fair, just to say hi.",
        "We saw each other online yesterday but only to reschedule.",
        "We hardly saw each other yesterday at the conference, too busy.",
        "We barely saw each other this month.",
        "We saw each other today in the canteen, will book a proper chat.",
        "We saw each other again last week at her graduation.",
        "Our call went ahead yesterday, 30 min",
        "Our call went ahead on Monday, though Bo never showed.",
        "The meeting went ahead, but Ada couldn't attend.",
        "Our call went ahead with her manager instead of her.",
        "The session took place but I was alone, she was ill.",
        "The call took place on Monday, but she was only there for 5 minutes.",
        "Our session took place for 10 minutes until the fire alarm, we'll redo it.",
        "The meeting took place with her manager instead.",
        "I doubt we managed to meet up yesterday, she was at the hospital.",
        "I doubt we were able to meet last week given the strike.",
        "Not sure we managed to meet yesterday, she left after 2 minutes.",
        "I wonder whether we met on Monday at all.",
    ],
)
def test_plans_sightings_and_doubted_meetings_log_no_meeting(text: str) -> None:
    """A plan for "last week of" a term, a sighting, a meeting that went ahead or took place
    with more said about it, and a doubted one log no meeting."""
    assert verdict_of(text).outcome is not Outcome.MEETING


@pytest.mark.parametrize(
    "text",
    [
        "We've not so far managed to meet up.",
        "We have not so far met.",
        "We haven't so far met up, she's been travelling.",
    ],
)
def test_not_so_far_is_not_met(text: str) -> None:
    """ "Not so far" negates the "met" after it: "so" there opens no new statement."""
    assert verdict_of(text).outcome is Outcome.NOT_MET


@pytest.mark.parametrize(
    "text",
    [
        "Not yet. I saw Jane on Friday though, she sends her regards.",
        "We saw snow yesterday! Haven't met yet.",
        "Her interview call was yesterday and it went well! We haven't met yet.",
        "Team meeting done, now catching up on emails. Haven't met Ada yet.",
        "Our last meeting was on 2 October and we haven't met since.",
    ],
)
def test_not_met_beside_other_events_stays_not_met(text: str) -> None:
    """A "not met" beside another event or a sighting stays "not met"."""
    assert verdict_of(text).outcome is Outcome.NOT_MET


def test_could_as_a_suggestion_is_kept_apart_from_the_past() -> None:
    """Folding keeps "könnten" (could, a suggestion) apart from "konnten" (could, past)."""
    assert "koennten" in Head.of("Wir könnten uns treffen").text
    assert "konnten" in Head.of("Wir konnten uns treffen").text


def test_long_replies_of_the_new_words_stay_fast() -> None:
    """A 50 KB reply repeating the new phrases is read (it is cut to its head) without hanging."""
    text = "the meeting was on we managed to meet 3-4pm between 5 and 1 hour 15 " * 700
    assert verdict_of(text).outcome in set(Outcome)
    text = "the session took place on monday and on the 1h for a " * 900
    assert verdict_of(text).outcome in set(Outcome)
