"""Replies of "not since last time" or "sadly not": the check-in's question answered no."""

from __future__ import annotations

import pytest

from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import UNCLEAR, understood


@pytest.mark.parametrize(
    "text",
    [
        "Not since last time, sorry",
        "not since the last email",
        "Hi Dana, not since we last spoke I'm afraid",
        "sorry not since our last meeting",
        "Nothing since last time",
        "Nothing new since your last email",
        "Not since last time, but we have a call on Monday",
        "Nicht seit dem letzten Mal",
        "Seit dem letzten Mal nicht, leider",
        "Pas depuis la dernière fois",
        "Desde la última vez no",
    ],
)
def test_not_since_the_last_check_in_is_not_met(text: str) -> None:
    """Before, a person had to read each of these."""
    assert understood(text) == (Outcome.NOT_MET, None)


@pytest.mark.parametrize(
    "text",
    [
        "Not since Tuesday",
        "Not since October",
        "Not since last time. We met on Tuesday though",
    ],
)
def test_not_since_a_day_may_tell_of_a_meeting(text: str) -> None:
    """ "Not since Tuesday" says they met on Tuesday, which may be after the last check-in:
    a person reads it."""
    assert understood(text) == UNCLEAR


@pytest.mark.parametrize(
    "text", ["Unfortunately not", "Sadly not, she was ill", "Unfortunately not. We'll try again."]
)
def test_sadly_not_is_not_met(text: str) -> None:
    """As "leider nicht" and "sadly no" were; before, a person read these."""
    assert understood(text) == (Outcome.NOT_MET, None)


def test_sadly_not_before_more_words_leaves_the_meeting() -> None:
    """ "Unfortunately not the whole hour, we met for 40 minutes" reports the meeting."""
    assert understood("Unfortunately not the whole hour, we met on Monday for 40 min")[0] is (
        Outcome.MEETING
    )
