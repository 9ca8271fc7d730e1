"""Replies that only thank: to an email that asked nothing they acknowledge it, so the
coordinator has nothing to review; anything more stays for a person."""

from __future__ import annotations

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.thanks import only_thanks
from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import verdict_of

THANKS_ONLY = [
    "Thanks!",
    "Thanks!\n\nBo",
    "Thank you!\n\nBest,\nBo",
    "Thanks Ada!",
    "Thanks, Ada and Bo",
    "Perfect, thank you",
    "Thank you so much :)",
    "Thanks 🙏",
    "Looks good",
    "Great!",
    "ok",
    "Thanks, will do!",
    "Danke!",
    "Vielen Dank, liebe Grüße\nBo",
    "Merci beaucoup !",
    "Muchas gracias, saludos\nBo",
    "Thanks!\nBo Chen",
    "That's correct, thanks!",
    "Spot on, cheers",
    "Received, thanks.",
    "Amazing, thank you!!",
    "Thank you! See you next month.",
    "Passt, danke.",
    "C'est bon, merci.",
    "¡Gracias!",
    "👍",
    "👍🙏",
    "Brilliant, thanks team",
    "Thanks. Looking forward to the next one!",
    "Vielen Dank, freut mich!",
    "Muchas gracias, ¡qué bien!",
]

MORE_THAN_THANKS = [
    "Thanks! Though Bo was 10 minutes late",
    "Thanks so much, that's lovely",
    "Thanks!\nEnd?",
    "Thanks?",
    "¿Gracias?",
    "👍 Stop",
    "Thanks! Really enjoying it.",
    "Thanks. Looking forward to ending it",
    "Thanks. Stop",
    "Thanks!\nStop",
    "Thanks! Pause",
    "Thanks! Next time",
    "Thanks!\nMoving abroad",
    "Thanks!\nSorry. Busy",
    "Thanks, we met",
    "thanks but no",
    "Great news",
    "Bo",
    "",
    "Thanks! " * 20,
]


@pytest.mark.parametrize("text", THANKS_ONLY)
def test_thanks_with_whom_and_a_sign_off_is_only_thanks(text: str) -> None:
    """Thanks or approval, whom it thanks, a sign-off and a name on its own line."""
    assert only_thanks(text)


@pytest.mark.parametrize("text", MORE_THAN_THANKS)
def test_a_question_a_request_or_other_words_are_more_than_thanks(text: str) -> None:
    """A question, a request in capitals ("Stop"), news, or a very long reply is not."""
    assert not only_thanks(text)


@pytest.mark.parametrize("kind", [Kind.THANKS, Kind.CONFIRMATION, Kind.ANNIVERSARY])
@pytest.mark.parametrize("text", ["Thanks!\n\nBo", "Perfect, thank you", "Merci beaucoup !"])
def test_thanks_alone_acknowledges_an_email_that_asked_nothing(text: str, kind: Kind) -> None:
    """To a thank-you, a confirmation or an anniversary email, thanks acknowledge it."""
    assert verdict_of(text, kind=kind).outcome is Outcome.ACKNOWLEDGED


@pytest.mark.parametrize("text", ["Thanks!", "Thanks!\n\nBo"])
def test_thanks_alone_to_a_check_in_is_still_unclear(text: str) -> None:
    """A check-in asked whether the pair met: thanks do not answer it."""
    assert verdict_of(text, kind=Kind.CHECKIN).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize("text", ["Thanks. Stop", "Thanks! Bo moved abroad", "Thanks?"])
def test_more_than_thanks_to_a_thank_you_stays_for_a_person(text: str) -> None:
    """What thanks carry beside them is read by a person, as before."""
    assert verdict_of(text, kind=Kind.THANKS).outcome is Outcome.UNCLEAR
