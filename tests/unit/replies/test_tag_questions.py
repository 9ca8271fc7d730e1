"""A meeting's report with a question after it ("..., is that enough?"): the report keeps
its day and length; the question's own words give none."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.replies.reply_mail import met, understood

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met on Monday for an hour, is that enough?", met(MONDAY, 60)),
        ("We met Monday for 1h - is that ok?", met(MONDAY, 60)),
        ("we spoke on the phone for 20 minutes on Monday, does that count?", met(MONDAY, 20)),
        ("Wir haben uns am Montag eine Stunde getroffen, reicht das?", met(MONDAY, 60)),
        ("We met on Monday for an hour, can we meet again on Friday?", met(MONDAY, 60)),
        ("Yes, we caught up over coffee on Monday, maybe an hour?", met(MONDAY)),
    ],
)
def test_a_report_before_a_question_keeps_its_day_and_length(
    text: str, expected: tuple[object, object]
) -> None:
    """Before, the whole sentence was the question's, and the meeting was logged undated
    with no length."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We met on Monday for an hour, or was it Tuesday?",
        "Wir haben uns am Montag getroffen, oder war es Dienstag?",
    ],
)
def test_a_question_offering_another_day_doubts_the_report(text: str) -> None:
    """The writer is unsure of the day: none is taken."""
    assert understood(text) == met(None)


def test_a_question_that_reports_nothing_gives_no_day() -> None:
    """Only a question whose sentence reports a meeting keeps a day before its last clause:
    "Can we meet on Monday, say for an hour?" asks for one."""
    assert understood("Yes. Can we meet on Monday, say for an hour?") == met(None)
