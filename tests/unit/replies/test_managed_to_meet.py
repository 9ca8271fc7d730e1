"""Who "managed to meet": only the pair, saying so plainly, reports a meeting.

Replies go through the real entry point, `understand`, as pair ada-bo answering a check-in
on Thursday 26 November 2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import verdict_of

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "text",
    [
        "We nearly managed to meet on Monday but she got sick.",
        "We almost managed to meet up yesterday, then her train was cancelled.",
        "I wish we'd managed to meet on Monday.",
        "I wish we had managed to meet up yesterday.",
        "We should have managed to meet on Monday, my fault.",
        "Had we managed to meet on Monday I would have said so.",
        "Nobody managed to meet on Monday, it was a strike.",
        "Neither of us managed to meet up on Monday.",
        "Only she managed to meet up on Monday; I was ill.",
        "Ada was able to meet up with the recruiter on Monday.",
        "Bo was able to meet yesterday with her new manager.",
        "We were able to meet up with the recruiter on Monday.",
        "Her team managed to meet up on Monday without me.",
        "Ada thought we managed to meet on Monday, but that was last month.",
        "We almost did meet on Monday, but she forgot.",
        "We nearly met yesterday.",
        "We almost met on Tuesday.",
        "Casi nos vimos el lunes.",
        "Wir haben es fast geschafft, uns am Montag zu treffen, aber sie war krank.",
        "Wir hätten es beinahe geschafft, uns zu treffen.",
        "Ada hat es geschafft, ihren Chef am Montag zu treffen.",
        "On a presque réussi à se voir lundi, mais elle était malade.",
        "We met the deadline on Monday.",
        "We managed to meet for a moment in the corridor on Monday, not a real session.",
        "We were able to meet briefly at the fair on Monday, only to say hi.",
        "We did meet the deadline on Monday.",
        "We did meet her manager on Monday at the fair.",
        "We did meet our goals this month.",
        "Ada managed to meet on Monday.",
    ],
)
def test_a_meeting_someone_else_had_or_nearly_had_is_no_meeting(text: str) -> None:
    """A "managed to meet" that was nearly, wished, counterfactual, someone else's or with
    someone else, or only in passing, and "met" meaning reached a goal, log no meeting."""
    assert verdict_of(text).outcome is not Outcome.MEETING


@pytest.mark.parametrize(
    "text",
    [
        "Yes, we finally managed to meet on Monday, 1h.",
        "Despite all that we managed to meet on Monday for an hour.",
        "So we were able to meet up on Monday, 1h.",
        "Wir haben es endlich geschafft, uns am Montag eine Stunde zu treffen.",
        "On a pu se voir lundi pendant une heure.",
        "Yes! Managed to meet Monday 1h",
        "We did meet on Monday, 1h.",
    ],
)
def test_the_pair_managing_to_meet_is_a_meeting(text: str) -> None:
    """The pair as the subject right before "managed to meet" logs the meeting."""
    verdict = verdict_of(text)
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting is not None
    assert (verdict.meeting.date, verdict.meeting.duration_minutes) == (MONDAY, 60)


@pytest.mark.parametrize(
    "text",
    ["We tried but never quite managed to meet up on Monday.", "We never did meet in the end."],
)
def test_a_negated_managed_to_meet_is_not_met(text: str) -> None:
    """A negated "managed to meet", whoever the subject, says the pair has not met."""
    assert verdict_of(text).outcome is Outcome.NOT_MET


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("I'm hoping we met the requirement - we had a call on Monday for an hour.", 60),
        ("We talked on Slack and then on Zoom on Monday, 1h.", 60),
    ],
)
def test_a_call_beside_a_goal_or_a_chat_app_is_a_meeting(text: str, minutes: int) -> None:
    """A call after a hope about a goal, or on Zoom after a chat app, logs the meeting."""
    verdict = verdict_of(text)
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting is not None
    assert (verdict.meeting.date, verdict.meeting.duration_minutes) == (MONDAY, minutes)


@pytest.mark.parametrize(
    "text",
    [
        "Her team managed to meet the client on Monday; we met Tuesday for 1h.",
        "My manager managed to meet the deadline, so we met on Tuesday for 1h.",
        "Ada was able to meet the recruiter on Monday. We met Tuesday for 1h.",
    ],
)
def test_someone_else_managing_to_meet_something_leaves_the_pairs_meeting(text: str) -> None:
    """Another subject's "managed to meet" with an object of its own says nothing about the
    pair, so the meeting the reply reports is logged."""
    verdict = verdict_of(text)
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting is not None
    assert (verdict.meeting.date, verdict.meeting.duration_minutes) == (date(2026, 11, 24), 60)
