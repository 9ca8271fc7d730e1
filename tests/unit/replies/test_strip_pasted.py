"""Our message pasted below the answer without quote marks or our marker line."""

from __future__ import annotations

import time

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.strip import reply_text
from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import verdict_of

SIGNATURE = "-- \nNorthwind Mentoring\nQuestions? Write to Cy Coordinator <cy@example.org>"
CHECKIN = (
    "Hi Ada and Bo,\n\nIt has been 3 weeks since you started, on Monday 2 November 2026,\n"
    "and we have no meeting on record for you yet. Have you met? If so, tell us\n"
    "when you last met.\n\nJust reply with one line, for example:\n\n"
    "    Yes, we met on Tuesday for 45 minutes\n    Not yet\n    Pause until January\n\n"
    f"Either of you can answer. Thank you for making time for each other!\n\n{SIGNATURE}"
)
PAUSE_OR_END = (
    "Hi Ada and Bo,\n\nWould a break help, or has your mentoring run its course?\n"
    "Reply with one of these lines and we will take care of the rest:\n\n"
    "    Pause until January\n        No check-ins until then.\n\n"
    f"    End the mentoring\n        No more check-ins.\n\n{SIGNATURE}"
)


@pytest.mark.parametrize("answer", ["Yes", "Not yet", "Thanks, we will talk it over."])
def test_our_pasted_message_below_the_answer_is_dropped(answer: str) -> None:
    """From our greeting below the answer down to the signature, the text is ours."""
    assert reply_text(f"{answer}\n\n{CHECKIN}\n") == answer


@pytest.mark.parametrize(
    ("answer", "kind", "outcome"),
    [
        ("Yes", Kind.CHECKIN, Outcome.MEETING),
        ("Not yet", Kind.CHECKIN, Outcome.NOT_MET),
        ("Thanks, we will talk it over.", Kind.PAUSE_OR_END, Outcome.UNCLEAR),
    ],
)
def test_example_lines_of_our_pasted_message_are_not_read(
    answer: str, kind: Kind, outcome: Outcome
) -> None:
    """Our "Pause until January" and "End the mentoring" pasted below do not pause or end."""
    original = PAUSE_OR_END if kind is Kind.PAUSE_OR_END else CHECKIN
    assert verdict_of(f"{answer}\n\n{original}\n", kind=kind).outcome is outcome


@pytest.mark.parametrize(
    "body",
    [
        "Hi Cy,\n\nYes, we met on Tuesday.\n\n-- \nBo",
        "Yes, we met on Tuesday.\nHi Cy, can we talk?\n\n-- \nBo",
        "Yes, we met on Tuesday.\n\nHi Cy,\nplease pause us until March.",
    ],
    ids=["greeting first", "greeting in a sentence", "no signature below"],
)
def test_the_members_own_greetings_are_kept(body: str) -> None:
    """A greeting that opens the reply, is not alone on its line or has no signature stays."""
    assert reply_text(body) == body.split("\n\n-- ", maxsplit=1)[0]


def test_a_long_reply_of_greetings_is_stripped_quickly() -> None:
    """50 KB of greeting, quoted and colon lines is stripped in well under a second."""
    unit = "Yes\n\nHi Ada and Bo,\n> --- Please reply above this line ---\n" + "x" * 58 + "\n"
    body = unit * (50_000 // len(unit)) + "Dne 20. 11. 2026 v 10:00 napsal(a):\n-- \n"
    started = time.perf_counter()
    reply_text(body)
    assert time.perf_counter() - started < 1
