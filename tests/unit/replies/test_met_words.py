"""More ways of saying "we met".

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
        ("We got to meet on Monday for an hour", MONDAY, 60),
        ("We could finally meet on Monday, 1h", MONDAY, 60),
        ("The meeting was on Monday, 1h", MONDAY, 60),
        ("The meeting took place on Monday (1h)", MONDAY, 60),
        ("Meeting done on monday, 1 hour", MONDAY, 60),
        ("We did meet on Monday, 1h", MONDAY, 60),
        ("We saw each other on Monday for an hour", MONDAY, 60),
        ("I saw Bo on Monday for an hour", MONDAY, 60),
        ("Our meeting was on 19/11, 1h. Next one is 3/12", date(2026, 11, 19), 60),
        ("Yes - no issues, we met Tuesday for 45 min", TUESDAY, 45),
        ("Yes, we met on Monday. Never had such a good session! 1h", MONDAY, 60),
        ("Wir haben es geschafft, uns am Montag eine Stunde zu treffen", MONDAY, 60),
        ("Wir konnten uns am Montag eine Stunde treffen", MONDAY, 60),
        ("On a réussi à se voir lundi pendant une heure", MONDAY, 60),
        ("Pudimos vernos el lunes una hora", MONDAY, 60),
    ],
)
def test_managed_saw_and_meeting_was_report_a_meeting(
    text: str, day: date, minutes: int | None
) -> None:
    """Managing to meet, seeing each other, or "the meeting was on Monday" logs the meeting."""
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
        "we meet every week",
        "We'll be able to meet on Monday",
        "We were supposed to meet yesterday but had to cancel",
        "The meeting was on Monday but got cancelled",
        "I saw your email on Monday",
        "I saw it on Monday",
        "No, we haven't managed to meet",
        "No pudimos vernos",
        "On n'a pas réussi à se voir",
        "Wir haben es nicht geschafft, uns zu treffen",
    ],
)
def test_suggestions_plans_and_negations_log_no_meeting(text: str) -> None:
    """A suggestion, a plan, a meeting called off or one not managed logs no meeting."""
    assert verdict_of(text).outcome is not Outcome.MEETING


def test_could_as_a_suggestion_is_kept_apart_from_the_past() -> None:
    """Folding keeps "könnten" (could, a suggestion) apart from "konnten" (could, past)."""
    assert "koennten" in Head.of("Wir könnten uns treffen").text
    assert "konnten" in Head.of("Wir konnten uns treffen").text


def test_long_replies_of_the_new_words_stay_fast() -> None:
    """A 50 KB reply repeating the new phrases is read (it is cut to its head) without hanging."""
    text = "the meeting was on we managed to meet we meet yesterday saw each other " * 700
    assert verdict_of(text).outcome in set(Outcome)
