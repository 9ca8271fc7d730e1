"""The meeting's date and no other: a date of another event is not the meeting's, two
meetings in one reply go to a person, and weekday abbreviations and common misspellings
are read only where they cannot be ordinary words."""

from __future__ import annotations

import time
from datetime import date

import pytest

from tests.unit.replies.reply_mail import UNCLEAR, met, understood, verdict_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met last week, she had an exam on Friday", met(None)),
        ("We met a few days ago. Her birthday was on the 20th", met(None)),
        ("We met recently. She started her new job on Monday", met(None)),
        ("We met the day after her exam on the 20th, 30 min", met(None, 30)),
        ("We met the day before her interview on Tuesday", met(None)),
        ("Her exam was on the 20th and we met the day after", met(None)),
        ("Yes. She had her exam on Monday.", met(None)),
        ("Yes we met.\n\nAda Mentor\nI work part-time (Tue, Wed)", met(None)),
    ],
)
def test_another_events_date_is_not_the_meetings(text: str, expected: object) -> None:
    """A date that belongs to another event or person leaves the meeting undated."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes, on Monday", met(date(2026, 11, 23))),
        ("yep. wednesday. 1hr", met(date(2026, 11, 25), 60)),
        ("Monday, 1h", met(date(2026, 11, 23), 60)),
        ("We met. It was on Monday.", met(date(2026, 11, 23))),
        ("Ja, gestern 45 Minuten, sie kam 10 Minuten zu spät", met(date(2026, 11, 25), 45)),
        ("met the day before yesterday for 45 minutes", met(date(2026, 11, 24), 45)),
    ],
)
def test_a_date_said_alone_is_the_meetings(text: str, expected: object) -> None:
    """A date said on its own, or with only a length or a yes, still dates the meeting."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We met on the 3rd and 17th",
        "We met on 3 and 17 November",
        "met twice - 10th and 24th, 1h each",
        "Wir haben uns am Montag und dann nochmal am Mittwoch getroffen",
        "Nos vimos el lunes y luego el miércoles",
        "We met on Monday, and then again on Wednesday",
    ],
)
def test_two_meetings_in_one_reply_are_unclear(text: str) -> None:
    """A reply that lists two meeting days goes to a person instead of logging one."""
    assert understood(text) == UNCLEAR


def test_a_later_clause_after_a_comma_is_not_a_second_meeting() -> None:
    """A day after a comma, without "and" or "then", is not listed with the meeting's."""
    assert understood("We met on Monday, Tuesday she was ill") == met(date(2026, 11, 23))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("met mon 45m", met(date(2026, 11, 23), 45)),
        ("Met wed, 1h", met(date(2026, 11, 25), 60)),
        ("Met Fri 30min", met(date(2026, 11, 20), 30)),
        ("Ja, am Di 1h", met(date(2026, 11, 24), 60)),
        ("Ja, Mo. 1 Std.", met(None, 60)),
        ("Oui, lun. 1h", met(None, 60)),
        ("Sí, el mié, 1h", met(date(2026, 11, 25), 60)),
        ("Yes we met on tusday for an hour", met(date(2026, 11, 24), 60)),
        ("we met on wensday for 1h", met(date(2026, 11, 25), 60)),
        ("yess met tuesdy for 1hr", met(date(2026, 11, 24), 60)),
        ("met on wendesday for 45 min", met(date(2026, 11, 25), 45)),
        ("met saterday 1h", met(date(2026, 11, 21), 60)),
        ("Oui, on s'est vus avec mon mentor, une heure", met(None, 60)),
        ("Yes, I am so glad we met, 1h", met(None, 60)),
    ],
)
def test_weekday_abbreviations_and_misspellings(text: str, expected: object) -> None:
    """Abbreviated or misspelt weekdays date the meeting; an abbreviation that is also a
    word ("mon", "Mo", "lun", "so") does so only after "on", "am", "le" or "el", or, for
    English "mon", "wed", "sat" and "sun", right after "met" with no word after it."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes we met last week for an hour.\n\nBo\nbo@example.fr", met(None, 60)),
        ("On s'est vus, 1h.\n\nBo\nbo@univ-lyon.fr", met(None, 60)),
        ("Yes we met, 1h.\n\nBo Mentee\nwww.example.fr", met(None, 60)),
        ("Oui, on s'est vus.\n\n--\nBo Mentee\nhttps://bo-mentee.fr", met(None)),
        ("Oui, vu lundi.\n\nBo\nParis, fr", met(date(2026, 11, 23))),
        ("Yes we met for 1h.\n\nBo\nbo@thu.de", met(None, 60)),
        ("Yes we met for 1h, see x.fri.de", met(None, 60)),
        ("Met up with Mo, 45 min", met(None, 45)),
        ("Had a chat with Di, 30 min.", met(None, 30)),
        ("Yes, met with Mo and Ada yesterday... sorry, just Ada. 1h.", met(date(2026, 11, 25), 60)),
        ("Wir haben uns getroffen, eine Stunde.\n\nBo\nSprechzeiten: Mo", met(None, 60)),
        ("On a parlé de son projet de jeu, 1h", met(None, 60)),
        ("On s'est vus au bord de la mer, 2h", met(None, 120)),
        ("Met in Fr, 1h", met(None, 60)),
        ("Met Sun Li for 45 min", met(None, 45)),
        ("Met Sat Nam, 1h", met(None, 60)),
        ("Met with Mr Friday on Monday", met(date(2026, 11, 23))),
        ("Met with Dr. Sunday on Monday, 1h", met(date(2026, 11, 23), 60)),
        ("Wir haben uns am Montag mit Frau Freitag getroffen", met(date(2026, 11, 23))),
    ],
)
def test_names_words_and_addresses_are_no_weekdays(text: str, expected: object) -> None:
    """Names ("Mo", "Di", a surname after a title: "Mr Friday"), words ("de jeu", "la mer",
    "Fr") and addresses ("example.fr", "x.fri.de") are not read as weekdays, so they date no
    meeting."""
    assert understood(text) == expected


def test_a_long_reply_of_short_words_is_read_quickly() -> None:
    """50 KB of words like weekday abbreviations and listed days is read in well under a
    second, so the new patterns do not backtrack."""
    text = "we met on mon and 3rd, 17th and 4 and " * 1400
    started = time.perf_counter()
    verdict_of(text)
    assert time.perf_counter() - started < 2
