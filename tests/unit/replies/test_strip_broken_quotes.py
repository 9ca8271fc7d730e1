"""Our quoted message wrapped after its ">" was added, so the wrapped-off words lose it."""

from __future__ import annotations

import textwrap

import pytest

from reminder_service.core.replies.strip import reply_text
from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import verdict_of

CHECKIN = [
    "--- Please reply above this line ---",
    "Hi Ada and Bo,",
    "It has been 3 weeks since you started, on Monday 2 November 2026, and we have no "
    "meeting on record for you yet. Have you met? If so, tell us when you last met.",
    "Just reply with one line, for example:",
    "Yes, we met on Tuesday for 45 minutes",
    "Either of you can answer. Thank you for making time for each other!",
]


def broken_quote(paragraphs: list[str], width: int) -> str:
    """`paragraphs` quoted with "> " and then wrapped at `width`, as some programs do."""
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += [*textwrap.wrap("> " + paragraph, width), ">"]
    return "\n".join(lines)


@pytest.mark.parametrize("width", range(60, 81, 2))
def test_wrapped_off_words_of_our_quoted_message_are_dropped(width: int) -> None:
    """Lines that continue a long quoted line of our message are not the member's words."""
    body = f"Thanks, we'll sort it out.\n\n{broken_quote(CHECKIN, width)}\n"
    assert reply_text(body) == "Thanks, we'll sort it out."


@pytest.mark.parametrize("width", [60, 66, 72, 78])
def test_a_thank_you_over_a_broken_quote_logs_no_meeting(width: int) -> None:
    """Our "tell us when you last met" leaking from a broken quote is not read as a meeting."""
    verdict = verdict_of(f"Thanks, we'll sort it out.\n\n{broken_quote(CHECKIN, width)}\n")
    assert verdict.outcome is Outcome.UNCLEAR


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "> --- Please reply above this line ---\n> Have you met? If so, tell us when.\n"
            "Yes, on Tuesday",
            "Yes, on Tuesday",
        ),
        (
            "> --- Please reply above this line ---\n"
            "> It has been 3 weeks since you last met, on Tuesday 18 August 2026.\n"
            "We met yesterday for an hour.",
            "We met yesterday for an hour.",
        ),
        (
            "> Someone else's long quoted line that goes on and on past sixty characters\n"
            "and my answer under it",
            "and my answer under it",
        ),
        (
            "> --- Please reply above this line ---\n"
            "> It has been 3 weeks since you started, on Monday 2 November 2026, and\n\n"
            "we met on Monday",
            "we met on Monday",
        ),
    ],
    ids=["short quoted question", "sentence ends", "not our message", "blank line between"],
)
def test_answers_typed_under_quoted_lines_are_kept(body: str, expected: str) -> None:
    """An inline answer under a short or finished quoted line, or after a blank, is kept."""
    assert reply_text(body) == expected
