"""Meeting words that report no meeting: a meeting booked and then called off, the check-in's
"since you last met" said back, what could or should have happened, talk about meeting.

Found by a reviewer as false meetings. Replies go through the real entry point,
`understand`, as pair ada-bo answering a check-in on Thursday 26 November 2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import verdict_of

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "text",
    [
        "We had a meeting scheduled for Monday, but she cancelled it.",
        "We had a meeting booked for Monday but it got cancelled",
        "We had a session planned for yesterday but she cancelled",
        "We had a call scheduled on Tuesday but had to cancel",
        "We had a meeting in the diary for Monday but it fell through",
        "We had a call scheduled for Monday but it was cancelled, her interview went well",
        "Not since we last met",
    ],
)
def test_a_meeting_called_off_or_none_since_is_not_met(text: str) -> None:
    """A meeting that was booked and then called off did not happen."""
    assert verdict_of(text).outcome is Outcome.NOT_MET


@pytest.mark.parametrize(
    "text",
    [
        "We had a catch up arranged for Tuesday but I got covid",
        "Had a call lined up for Monday, she didn't show",
        "We had planned a call on Monday",
        "We have a call scheduled for Monday and it was good to hear from Bo",
        "It's been 3 weeks since we met",
        "It's been a while since we met",
        "Long time since we met",
        "Still nothing since we last met",
        "Es ist schon 3 Wochen her, seit wir uns getroffen haben",
        "Ça fait trois semaines qu'on s'est vus",
        "We could have met on Monday but didn't",
        "We should have met on Monday",
        "We would have met on Monday if not for the strike",
        "I wish we had met",
        "Had we met on Monday, it would have helped.",
        "We'd have met on Monday but for the strike.",
        "We'll have met by Friday.",
        "Maybe we met last week, not sure.",
        "Perhaps we met on Monday?",
        "Vielleicht haben wir uns getroffen.",
        "Peut-être qu'on s'est vus lundi.",
        "Quizás nos vimos el lunes.",
        "Ada met the CEO on Monday.",
        "I met her manager on Monday.",
        "We met with the recruiter on Monday.",
        "Her team had a meeting on Monday.",
        "Our manager met on Monday.",
        "Her manager and I met on Monday.",
        "Bo had a call with HR on Monday.",
        "I had a call with her manager on Monday.",
        "She spoke to the recruiter on Monday for an hour.",
        "They had a call on Monday without me.",
        "Yes, Ada met the CEO on Monday.",
        "Yes! I met her manager on Monday, 1h.",
        "Yes, her team had a meeting on Monday.",
        "Vielleicht haben wir uns letzte Woche getroffen.",
        "Ich habe am Montag mit ihrem Chef telefoniert.",
        "Sie hat am Montag mit der Personalabteilung gesprochen.",
        "Ja, ich habe mit ihrer Chefin gesprochen.",
        "I spoke to her mum on Monday.",
        "I met with the programme coordinator yesterday.",
        "Our coordinator and I met on Monday.",
        "Ich habe mich am Montag mit der Koordinatorin getroffen.",
        "I met my own mentor yesterday.",
        "I met my other mentee on Monday for an hour.",
        "I had a call with my other mentee on Monday.",
        "I met another mentee yesterday.",
        "We met with my former mentor on Monday.",
        "I had a call on Monday with her manager.",
        "I spoke yesterday to HR.",
        "Back on Monday I had a call with HR.",
        "Vielleicht trafen wir uns am Montag.",
        "Had we only had a call in October, she would have got the job.",
        "Wir hätten uns am Montag getroffen, aber sie war krank",
        "Hätten wir uns doch getroffen",
        "Hätten wir uns doch am Montag getroffen!",
        "Wir hätten uns doch getroffen",
        "Wenn wir uns nur getroffen hätten",
        "Hopefully we'll have met by Friday",
        "We talked about meeting on Friday",
        "We've talked about meeting up but haven't managed it",
    ],
)
def test_meeting_words_that_report_no_meeting_are_never_a_meeting(text: str) -> None:
    """A plan, the check-in's own words said back, what might have been, or talk about
    meeting logs nothing: a person reads what it says."""
    verdict = verdict_of(text)
    assert verdict.outcome in (Outcome.UNCLEAR, Outcome.NOT_MET)
    assert verdict.meeting is None


@pytest.mark.parametrize(
    ("text", "day", "minutes"),
    [
        ("We had a meeting on Monday for 45 minutes", MONDAY, 45),
        ("Wir hatten uns am Montag getroffen", MONDAY, None),
        ("We had our monthly call on Monday", MONDAY, None),
        ("We had a 45 minute call on Monday", MONDAY, 45),
        ("We spoke on Monday for an hour", MONDAY, 60),
        ("We talked about her CV on Monday for 45 minutes", MONDAY, 45),
        ("Since your last email we met on Tuesday for an hour", TUESDAY, 60),
        ("Yes! Since we last spoke we met on Monday, 1h.", MONDAY, 60),
        ("Sí. Desde que hablamos, nos vimos el lunes, 1 hora.", MONDAY, 60),
        ("We had a call and set up goals for next quarter. Monday, 1h.", MONDAY, 60),
        ("We talked about meeting her deadlines on Monday for an hour.", MONDAY, 60),
        ("On Monday we spoke about meeting expectations at work, 1h.", MONDAY, 60),
        ("It's been great since we met on Monday, 1h.", MONDAY, 60),
        ("Yes, we met Tuesday before last call with the team, 1h.", TUESDAY, 60),
        ("We had our call scheduled for Monday and it went well, 1h", MONDAY, 60),
        ("We had a meeting booked for Monday and it was great", MONDAY, None),
        ("We had met on Monday for an hour", MONDAY, 60),
        ("Had we? Yes, we met on Monday, 1h.", MONDAY, 60),
        ("Yes, we met on Monday, maybe 45 minutes.", MONDAY, 45),
        ("I'd have said no, but we met on Monday, 1h.", MONDAY, 60),
        ("Ja, wir haben uns am Montag getroffen, vielleicht 45 Minuten.", MONDAY, 45),
        ("Oui, on s'est vus lundi, peut-être une heure.", MONDAY, 60),
        ("We met on Monday, and Ada met the CEO too.", MONDAY, None),
        ("I met my mentee on Monday for an hour.", MONDAY, 60),
        ("I met her on Monday for an hour.", MONDAY, 60),
        ("My mentor and I had a call on Monday, 1h.", MONDAY, 60),
        ("We had a call with the team on Monday, 1h.", MONDAY, 60),
        ("We both had a call with her manager on Monday, 1h.", MONDAY, 60),
        ("Ada and I met on Monday for an hour.", MONDAY, 60),
        ("I had a call with Ada on Monday, 1h.", MONDAY, 60),
        ("We met without her manager on Monday, 1h.", MONDAY, 60),
        ("We met on Monday, 1h. Ada met the CEO on Tuesday.", MONDAY, 60),
        ("Yes, we met on Monday for an hour and I also spoke to her manager.", MONDAY, 60),
        ("Eventuell nächste Woche wieder. Wir haben uns am Montag getroffen, 1h.", MONDAY, 60),
        ("We both had a 30 minute call with her manager on Monday.", MONDAY, 30),
        ("We met on Monday. I had a call with HR on Tuesday.", MONDAY, None),
        ("We met on Monday, 1h. Her team had a meeting on Tuesday.", MONDAY, 60),
        ("We met on Monday. I spoke with her manager for 30 minutes.", MONDAY, None),
        ("We met on Monday. She had a 30 minute call with the recruiter.", MONDAY, None),
        ("Met Monday. Her manager and I met on Tuesday for 20 min.", MONDAY, None),
        ("Met Monday, 45 min. I spoke with her manager for 30 minutes.", MONDAY, 45),
        ("Wir haben am Montag mit dem Team telefoniert, 1h.", MONDAY, 60),
        ("Ich habe am Montag mit Bo telefoniert, 1h.", MONDAY, 60),
        ("I met my mentoring partner on Monday, 1h.", MONDAY, 60),
        ("We had a call on Monday with the team, 1h.", MONDAY, 60),
        ("I had a call on Monday with Bo, 1h.", MONDAY, 60),
        ("I was on leave, then had a call with Bo on Monday, 1h.", MONDAY, 60),
        ("We met on Monday, her manager joined for 10 minutes.", MONDAY, None),
        ("Met Monday, her manager popped in for 10 min.", MONDAY, None),
        ("We met on Monday, the team lead joined us, 1h.", MONDAY, 60),
        ("We met on Monday, she led the session for an hour.", MONDAY, 60),
        (
            "Wir haben uns am Montag getroffen. Ich habe am Dienstag mit ihrem Chef gesprochen.",
            MONDAY,
            None,
        ),
    ],
)
def test_the_same_words_still_report_a_meeting(text: str, day: date, minutes: int | None) -> None:
    """The words kept apart above do not stop a plain report, nor a meeting booked that
    then went well; someone else's meeting beside the pair's gives it neither its day nor
    its length."""
    verdict = verdict_of(text)
    assert verdict.meeting is not None
    assert (verdict.meeting.date, verdict.meeting.duration_minutes) == (day, minutes)


def test_someone_elses_meeting_beside_not_yet_is_still_not_met() -> None:
    """Someone else's meeting takes nothing from the pair's own "not yet"."""
    verdict = verdict_of("Not yet. I had a call with her manager though.")
    assert verdict.outcome is Outcome.NOT_MET
