"""Replies that count their meetings: more than one is for a person to log, one by one."""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.model import Kind
from tests.unit.replies.reply_mail import UNCLEAR, met, understood


@pytest.mark.parametrize(
    "text",
    [
        "We met twice",
        "We've met three times since the last check-in",
        "we met a couple of times",
        "We had two calls",
        "We had 2 meetings",
        "We had two sessions this month, each about an hour",
        "We've met twice now, most recently on Monday",
        "Yes, a few times, the last on Monday for an hour",
        "Wir haben uns zweimal getroffen",
        "Wir hatten zwei Telefonate",
        "On s'est vus deux fois",
        "Nous avons eu plusieurs rencontres",
        "Nos vimos dos veces",
        "Tuvimos dos llamadas",
    ],
)
def test_a_count_of_meetings_is_for_a_person(text: str) -> None:
    """One logged meeting would undercount them (before, "we met twice" logged one,
    undated); a person logs each."""
    assert understood(text) == UNCLEAR


def test_a_counted_second_meeting_in_a_reply_to_a_thank_you_is_for_a_person() -> None:
    """Beside a thank-you it tells of a meeting the log lacks, not only thanks."""
    assert understood("Thanks! We actually met twice", Kind.THANKS) == UNCLEAR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met once", met(None)),
        ("We met on Monday for two hours", met(date(2026, 11, 23), 120)),
        ("We met on Monday for a couple of hours", met(date(2026, 11, 23), 120)),
        ("Wir haben uns am Montag zwei Stunden getroffen", met(date(2026, 11, 23), 120)),
        ("We met two weeks ago", met(date(2026, 11, 12))),
        ("Yes, we met on Tuesday. She has had two interviews since", met(date(2026, 11, 24))),
        ("We had a call with two of her colleagues on Monday", met(date(2026, 11, 23))),
        ("We met on Monday; two more sessions planned", met(date(2026, 11, 23))),
        ("We met on Monday, we have two sessions left", met(date(2026, 11, 23))),
        ("We met on Monday and hope for two more calls before Christmas", met(date(2026, 11, 23))),
        ("We met Monday. Two calls planned for December.", met(date(2026, 11, 23))),
        ("We met on Monday, as we do twice a month", met(date(2026, 11, 23))),
        ("Wir haben uns am Montag getroffen, wie immer zweimal im Monat", met(date(2026, 11, 23))),
    ],
)
def test_numbers_that_count_no_meetings_leave_the_meeting(
    text: str, expected: tuple[object, object]
) -> None:
    """A length, a time ago, other people, meetings still to come or a habit are no count of
    the meetings the pair had."""
    assert understood(text) == expected
