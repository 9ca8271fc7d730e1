"""Negations typed without their apostrophe ("havent", "didnt", "dont") read as with it.

Before, "we havent met yet" logged a meeting on the reply's date, and "we dont want to end
it" ended the mentoring. So did the apostrophe Outlook on Windows types (byte 0x92) under an
ISO-8859-1 label, read as a control character.
"""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.understand import understand
from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import (
    UNCLEAR,
    context,
    met,
    reply_bytes,
    understood,
    verdict_of,
)


@pytest.mark.parametrize(
    "text",
    [
        "we havent met yet",
        "We havent met.",
        "didnt meet this month",
        "we werent able to meet",
        "we cant meet this month",
        "we wont be able to meet before December",
        "Sorry, we hadnt time to meet",
        "She couldnt make it, so we havent met",
    ],
)
def test_a_negation_without_its_apostrophe_says_not_met(text: str) -> None:
    assert understood(text) == (Outcome.NOT_MET, None)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("we havent met. please end the mentoring", Outcome.END),
        ("havent met, pls end the mentoring", Outcome.END),
        ("we havent met. pause until march pls", Outcome.PAUSE),
    ],
)
def test_a_request_beside_it_logs_no_meeting(text: str, outcome: Outcome) -> None:
    verdict = verdict_of(text)
    assert (verdict.outcome, verdict.meeting) == (outcome, None)


def test_an_end_refused_without_the_apostrophe_ends_nothing() -> None:
    assert understood("we dont want to end it") == UNCLEAR


def test_a_wish_to_end_after_it_logs_no_meeting() -> None:
    verdict = verdict_of(
        "hey sorry for the slow reply!! we havent met and honestly i think we should just "
        "end it, neither of us has time. thanks for everything tho"
    )
    assert verdict.outcome is not Outcome.MEETING
    assert verdict.meeting is None


def test_french_dont_is_no_negation() -> None:
    """French "dont" (of which) before a pronoun or article is left as it is."""
    assert understood("On s'est vus lundi, le sujet dont nous avons parlé avance.") == met(
        date(2026, 11, 23)
    )


@pytest.mark.parametrize(
    ("body", "kind", "expected"),
    [
        (b"We haven\x92t met yet \x96 sorry.", Kind.CHECKIN, Outcome.NOT_MET),
        (b"We didn\x92t meet yet.", Kind.CHECKIN, Outcome.NOT_MET),
        (b"We don\x92t want to end the mentoring.", Kind.PAUSE_OR_END, Outcome.UNCLEAR),
        (b"We don\x92t need to pause, thanks.", Kind.PAUSE_OR_END, Outcome.UNCLEAR),
    ],
    ids=["haven't met", "didn't meet", "don't end", "don't pause"],
)
def test_a_negation_in_windows_1252_labelled_latin1_still_says_no(
    body: bytes, kind: Kind, expected: Outcome
) -> None:
    """Outlook's apostrophe (byte 0x92) under an ISO-8859-1 label is an apostrophe, so
    "haven't met" is no meeting and "don't want to end" ends nothing."""
    raw = reply_bytes("placeholder", kind=kind)
    raw = (
        raw.replace(b'charset="utf-8"', b'charset="iso-8859-1"')
        .replace(b"7bit", b"8bit")
        .replace(b"placeholder", body)
    )

    assert understand(raw, context=context()).outcome is expected
