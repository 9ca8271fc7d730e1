"""A pause of a topic is no pause of the mentoring.

"Let's pause the CV work" or "on fait une pause sur le CV" speaks of what the pair works
on, not of the check-ins: it must neither pause the pair nor drop the meeting reported
beside it. A pause of the mentoring, its emails or meetings, "us", or for a time still
pauses. Replies go through the real entry point, `understand`, as pair ada-bo (Berlin,
dates day first) on Thursday 26 November 2026, answering a check-in.
"""

from __future__ import annotations

from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import verdict_of


def test_french_on_met_is_no_meeting() -> None:
    """French "on met" ("we put") reports no meeting: "on met à jour le CV" is unclear."""
    assert verdict_of("On met à jour le CV").outcome is Outcome.UNCLEAR
