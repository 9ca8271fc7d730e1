"""Terse answers to the check-in: a bare ordinal ("24th") or a short weekday after a yes
("yep wed 45mins") dates the meeting."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.replies.reply_mail import UNCLEAR, met, understood


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes. 24th. 60min.", met(date(2026, 11, 24), 60)),
        ("yes, 24th, 60min", met(date(2026, 11, 24), 60)),
        ("24th, 1h", met(date(2026, 11, 24), 60)),
        ("yep wed 45mins", met(date(2026, 11, 25), 45)),
        ("yes, Wed, 1h", met(date(2026, 11, 25), 60)),
        ("Yes - Mon, 1h", met(date(2026, 11, 23), 60)),
        ("yes, Mon. 1h", met(date(2026, 11, 23), 60)),
        ("yes sat 45mins", met(date(2026, 11, 21), 45)),
        ("Yes - 24th - 90 minutes", met(date(2026, 11, 24), 90)),
        ("yes 23rd 1 hour", met(date(2026, 11, 23), 60)),
        ("Tuesday 24/11, 1 hour", met(date(2026, 11, 24), 60)),
    ],
)
def test_a_bare_ordinal_or_a_short_weekday_after_yes_dates_the_meeting(
    text: str, expected: tuple[object, object]
) -> None:
    """Before, each was logged undated, on the reply's own date."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my 3rd, sorry", UNCLEAR),
        ("It was her 2nd. We met on Monday", met(date(2026, 11, 23))),
        ("Yes, her 2nd interview went well", met(None)),
        ("Yes, and Ada came 2nd.", met(None)),
        ("yes mon ami", met(None)),
        ("Yes, sat down with Bo for an hour", met(None, 60)),
    ],
)
def test_ordinals_and_short_words_that_date_nothing(
    text: str, expected: tuple[object, object]
) -> None:
    """An ordinal after a word ("her 2nd") counts something; "mon ami", "sat down" are
    words."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vorgestern, eine halbe Stunde", met(date(2026, 11, 24), 30)),
        ("Gestern, eine Stunde", met(date(2026, 11, 25), 60)),
        ("Hier, une heure", met(date(2026, 11, 25), 60)),
        ("Ayer, una hora", met(date(2026, 11, 25), 60)),
    ],
)
def test_a_day_and_a_length_with_an_article_in_other_languages(
    text: str, expected: tuple[object, object]
) -> None:
    """As "Yesterday, an hour" was; before, "Vorgestern, eine halbe Stunde" went to a person
    ("eine" before "halbe Stunde" was a word of something else)."""
    assert understood(text) == expected
