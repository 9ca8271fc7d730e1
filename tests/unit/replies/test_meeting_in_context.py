"""A meeting read in its context: talk by email is no meeting, "not yet" outweighs a meeting
after "but", "no doubt" negates nothing, the length tied to the meeting wins, and "Monday +
Wednesday" names two days."""

from __future__ import annotations

import time
from typing import Any

import pytest

from reminder_service.core.replies.durations import duration
from reminder_service.core.replies.head import Head
from reminder_service.core.replies.verdict import verdict_json
from tests.unit.replies.reply_mail import verdict_of


def _read(text: str) -> tuple[Any, Any, Any]:
    """The outcome, meeting date and minutes `understand` reads from a reply to a check-in."""
    verdict = verdict_json(verdict_of(text))
    meeting: Any = verdict["meeting"] or {}
    return verdict["outcome"], meeting.get("date"), meeting.get("duration_minutes")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We haven't met yet, but talked about it for 10 minutes by email", "not_met"),
        ("We haven't met, but talked about it for 10 minutes by email", "not_met"),
        ("We didn't meet, but we talked for 20 minutes over text", "not_met"),
        ("Wir haben uns nicht getroffen, aber per Mail 20 Minuten ausgetauscht", "not_met"),
        ("We haven't met yet but we talked on the phone for 30 minutes", "unclear"),
    ],
)
def test_talk_in_writing_or_after_not_yet_logs_no_meeting(text: str, expected: str) -> None:
    """Talk by email or text is no meeting, and a call after "not yet, but" goes to a person."""
    assert _read(text)[0] == expected


def test_a_phone_call_after_not_met_for_a_while_is_a_meeting() -> None:
    """ "We hadn't met for a while but talked on the phone" still reports that call."""
    text = "We hadn't met for a while but talked on the phone for 30 minutes yesterday"
    assert _read(text) == ("meeting", "2026-11-25", 30)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("No doubt we met on Monday, 45 minutes", 45),
        ("No question, we met Monday", None),
        ("No problem, we met on Monday for 1h", 60),
        ("No worries, met Monday 1h", 60),
        ("Nein, kein Problem, wir haben uns Montag getroffen", None),
    ],
)
def test_a_set_phrase_with_no_negates_no_meeting(text: str, minutes: int | None) -> None:
    """ "No doubt", "no question" and a "no" opening "no problem" do not say "not met"."""
    assert _read(text) == ("meeting", "2026-11-23", minutes)


def test_a_no_sentence_before_no_problem_still_answers() -> None:
    """A "No." of its own beside "we met" stays contradictory, so a person reads it."""
    assert _read("No. No problem, we met Monday")[0] == "unclear"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("I spent 2 hours preparing and we met for 1h on Monday", 60),
        ("Yes, I spent 20 minutes reading her CV before we met for an hour on Monday", 60),
        ("We talked by email for 10 minutes and met on Monday for 1h", 60),
        ("Met Monday, 40 mins. She was stuck in traffic for 20 minutes", 40),
        ("Met Monday 1h, I sent notes by email afterwards", 60),
        ("I sent her the agenda by email. We met Monday for 1h", 60),
    ],
)
def test_the_length_tied_to_the_meeting_wins(text: str, minutes: int) -> None:
    """A length tied to the met word outweighs an earlier one about something else."""
    assert duration(Head.of(text)) == minutes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Met Monday + Wednesday, 1h each", ("unclear", None, None)),
        ("Met Monday+Wednesday", ("unclear", None, None)),
        ("Met Monday (Tuesday didn't suit her)", ("meeting", "2026-11-23", None)),
        ("Met Monday, 1h + 15 min", ("meeting", "2026-11-23", 75)),
    ],
)
def test_a_plus_between_days_names_two_meetings(text: str, expected: tuple[Any, ...]) -> None:
    """ "Monday + Wednesday" is two days, so unclear; a "+" between numbers stays a sum."""
    assert _read(text) == expected


def test_talk_in_writing_stays_fast_on_a_long_reply() -> None:
    """A 50 KB reply of repeated talk words is read without backtracking for long."""
    started = time.perf_counter()
    verdict_of("we talked and spoke by email but not yet " * 1_200)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We chatted on Slack yesterday.", ("unclear", None, None)),
        ("We talked via WhatsApp messages this week.", ("unclear", None, None)),
        ("We talked via WhatsApp (messages) on Monday.", ("unclear", None, None)),
        ("On a échangé par texto lundi.", ("unclear", None, None)),
        ("We talked on Teams chat yesterday.", ("unclear", None, None)),
        ("We talked on WhatsApp video yesterday for 30 min.", ("meeting", "2026-11-25", 30)),
        ("We had a WhatsApp call yesterday.", ("meeting", "2026-11-25", None)),
        ("We talked over WhatsApp on Monday, 30 min call.", ("meeting", "2026-11-23", 30)),
    ],
)
def test_talk_in_a_chat_app_is_written_but_its_calls_are_meetings(
    text: str, expected: tuple[Any, Any, Any]
) -> None:
    """Talk on Slack, WhatsApp messages or by texto is written; a WhatsApp call or video is not."""
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Of course, no trouble. Met on Tuesday.", "meeting"),
        ("No bother! We had our session on Monday, an hour or so.", "meeting"),
    ],
)
def test_no_trouble_and_no_bother_negate_nothing(text: str, expected: str) -> None:
    """ "No trouble" and "No bother" are courtesies, not a negation of the meeting."""
    assert _read(text)[0] == expected
