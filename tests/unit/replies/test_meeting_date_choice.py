"""Which stated date is the meeting's: the one the "we met" clause names, never one called
off, and never a day that cannot be a past meeting, which makes the reply unclear."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.replies.dates import Unusable, meeting_date
from reminder_service.core.replies.head import Head
from reminder_service.core.replies.meaning import meaning_of
from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import TODAY, UNCLEAR, met, understood

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Bo started her new job on the 16th; we met yesterday to talk about it, 45 min",
            met(date(2026, 11, 25), 45),
        ),
        (
            "Yes - Bo is travelling from the 28th so we met early, on Monday",
            met(date(2026, 11, 23)),
        ),
        (
            "Bo cancelled on Monday, so we met on Tuesday instead for 45 minutes",
            met(date(2026, 11, 24), 45),
        ),
        (
            "Wir haben den Termin von Montag auf Dienstag verschoben und uns dann 45 Minuten"
            " getroffen",
            met(date(2026, 11, 24), 45),
        ),
        (
            "On devait se voir lundi, finalement on s'est vus mardi pendant 45 minutes",
            met(date(2026, 11, 24), 45),
        ),
        (
            "\u00cdbamos a vernos el lunes pero nos vimos el martes, 45 minutos",
            met(date(2026, 11, 24), 45),
        ),
        ("Not on Tuesday, but we met on Wednesday for 30 min", met(date(2026, 11, 25), 30)),
        ("We were going to meet Monday but met Tuesday, 1h", met(date(2026, 11, 24), 60)),
        ("Yes we met.\n\nBo Mentee\nOn leave 21 Dec - 4 Jan", met(None)),
        ("Rescheduled from Monday to Tuesday - met for 45 min", met(date(2026, 11, 24), 45)),
        ("We moved it to Tuesday and met for 45 min", met(date(2026, 11, 24), 45)),
        ("Met 24.11, 1.5h", met(date(2026, 11, 24), 90)),
    ],
)
def test_the_date_of_the_met_clause_wins_over_dates_called_off(text: str, expected: object) -> None:
    """A date that is negated, cancelled, moved from, only planned or bounds a leave is not
    the meeting's; the one in the clause saying "we met" is."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met on Tuesday and didn't get through everything", met(date(2026, 11, 24))),
        ("Met Tuesday and no issues to report", met(date(2026, 11, 24))),
        ("We met on the 12th and it wasn't easy to find a slot", met(date(2026, 11, 12))),
        ("We met Tuesday not for long", met(date(2026, 11, 24))),
        (
            "We finally met on Tuesday after not seeing each other for weeks",
            met(date(2026, 11, 24)),
        ),
        ("We met Wednesday at a caf\u00e9 not far from her office", met(date(2026, 11, 25))),
        (
            "Ja, wir haben uns am Dienstag getroffen und es gab keine Probleme",
            met(date(2026, 11, 24)),
        ),
        ("On s'est vus lundi pas tr\u00e8s longtemps", met(date(2026, 11, 23))),
        ("S\u00ed, nos vimos el martes y no hubo problemas", met(date(2026, 11, 24))),
        (
            "Bo had her interview on Monday; we met on Tuesday and she didn't get the job",
            met(date(2026, 11, 24)),
        ),
        ("We met on Zoom from home on Monday for an hour", met(date(2026, 11, 23), 60)),
        ("We met straight from work on Monday", met(date(2026, 11, 23))),
        ("We met at a caf\u00e9 not far from work on Wednesday", met(date(2026, 11, 25))),
    ],
)
def test_a_negation_or_from_that_is_not_about_the_date_leaves_it_standing(
    text: str, expected: object
) -> None:
    """A negation after the date that is not of meeting ("and no issues", "didn't get
    through everything") and a "from" that is not right before it ("from home on Monday")
    leave the meeting's date as stated."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met on Tuesday and I sent her notes on Wednesday", met(date(2026, 11, 24))),
        (
            "We met on Monday for 30 min and she texted me on Tuesday",
            met(date(2026, 11, 23), 30),
        ),
        ("We met on Monday to prepare for her interview on Friday", met(date(2026, 11, 23))),
        ("We met on Monday to go over her review on the 20th", met(date(2026, 11, 23))),
        ("Ja, wir haben uns am Montag getroffen und am Dienstag telefoniert", UNCLEAR),
        ("We had a call on Monday and met in person on Wednesday", UNCLEAR),
        ("Wir haben uns am Montag und Dienstag getroffen", UNCLEAR),
        ("On Monday and Tuesday we met", UNCLEAR),
        ("Le 10 et le 17 on s'est vus", UNCLEAR),
        ("We met on the 10th and again on the 17th", UNCLEAR),
        ("We met on Monday and then again on Thursday for an hour", UNCLEAR),
        ("We met Monday as well as on Wednesday", UNCLEAR),
        ("We met Monday/Wednesday, 1h each", UNCLEAR),
        ("Nos vimos el lunes y tambi\u00e9n el mi\u00e9rcoles", UNCLEAR),
        ("On s'est vus lundi et elle m'a \u00e9crit mardi", met(date(2026, 11, 23))),
        ("Nos vimos el lunes y me escribi\u00f3 el martes", met(date(2026, 11, 23))),
        ("Met on the 17th (the 10th didn't work)", met(date(2026, 11, 17))),
        ("Met Monday (Tuesday didn't suit her)", met(date(2026, 11, 23))),
        (
            "Since your email on the 2nd we met on Monday for an hour",
            met(date(2026, 11, 23), 60),
        ),
        ("We met on the 10th and on the 17th", UNCLEAR),
        ("We met on Monday and Tuesday", UNCLEAR),
        ("We met on Monday evening and Tuesday morning", UNCLEAR),
        ("On s'est vus lundi soir et mardi matin", UNCLEAR),
        ("We met on Monday evening and it was great", met(date(2026, 11, 23))),
    ],
)
def test_the_met_clause_date_is_the_one_nearest_met(text: str, expected: object) -> None:
    """In the clause that says they met, the date nearest the met word is the meeting's; a
    later day of something else in that clause ("and she texted me on Tuesday") is not a
    second meeting, but days listed together ("on the 10th and on the 17th", in any order
    of words) or a day for each of two meetings ("a call on Monday and met on Wednesday")
    are more than one meeting: unclear."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Wir haben uns am Dienstag nicht getroffen, aber am Mittwoch eine Stunde",
            met(date(2026, 11, 25), 60),
        ),
        (
            "Wir konnten uns am Dienstag nicht treffen, aber am Mittwoch eine Stunde",
            met(date(2026, 11, 25), 60),
        ),
        (
            "El martes no nos vimos, pero el mi\u00e9rcoles s\u00ed, una hora",
            met(date(2026, 11, 25), 60),
        ),
        ("Mardi on ne s'est pas vus, mais mercredi oui, une heure", met(date(2026, 11, 25), 60)),
        ("No nos vimos el martes, pero el mi\u00e9rcoles una hora", met(date(2026, 11, 25), 60)),
        (
            "On Tuesday we didn't manage to meet, but we met Wednesday for an hour",
            met(date(2026, 11, 25), 60),
        ),
        ("We met Tuesday not Wednesday", met(date(2026, 11, 24))),
        ("Am Dienstag haben wir uns getroffen, nicht am Montag", met(date(2026, 11, 24))),
    ],
)
def test_a_date_its_own_clause_negates_after_it_is_not_the_meeting(
    text: str, expected: object
) -> None:
    """A negation after a date in its clause ("am Dienstag nicht getroffen", "el martes no
    nos vimos") calls that date off, unless it negates another date ("Tuesday not
    Wednesday")."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we met yesterday", met(date(2026, 11, 25))),
        ("Met on the 3rd, about an hour", met(date(2026, 11, 3), 60)),
        ("Yes, met on 24.11. for 60 min", met(date(2026, 11, 24), 60)),
        ("Wir haben uns am 24.11. f\u00fcr 90 Minuten getroffen", met(date(2026, 11, 24), 90)),
        ("Oui, le 24/11 pendant 90 min", met(date(2026, 11, 24), 90)),
        ("Ja, am Dienstag um 9.30. 45 Minuten", met(date(2026, 11, 24), 45)),
        ("Ja, um 10.30 Uhr, 45 Minuten", met(None, 45)),
        ("Yes, met on Tuesday 24 November", met(date(2026, 11, 24))),
        ("Yes, we met yesterday and will meet again next Tuesday", met(date(2026, 11, 25))),
        ("Yes! See you next Friday", met(None)),
        ("Yes, yesterday. Next meeting on 3 December", met(date(2026, 11, 25))),
        ("Yes, we met on 3 June", met(date(2026, 6, 3))),
    ],
)
def test_neighbours_keep_their_dates(text: str, expected: object) -> None:
    """Single dates, dates with a weekday, times and plans read as they did before."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ja, am 31.11. eine Stunde",
        "We met on 30/2",
        "We met on Feb 30th",
        "Yes, we met on 11/20",
        "Yes, we met on Dec 1st for an hour",
        "Yes we met on 3 Dec",
        "We met on 2026-12-01",
        "We met on 3 March 2024",
        "Yep - 10/12, 90'",
        "We met on the 45th",
        "We met on the 10th and on the 17th",
    ],
)
def test_a_stated_date_that_cannot_be_the_meeting_is_unclear(text: str) -> None:
    """No such day, a day still to come, one over a year back, or two different days: a
    person looks instead of the reply's own date being logged."""
    assert understood(text) == UNCLEAR


@pytest.mark.parametrize(
    ("text", "now", "day"),
    [
        ("Met on the 31st for an hour", datetime(2026, 12, 2, 10, tzinfo=UTC), date(2026, 10, 31)),
        ("Met on the 30th for an hour", datetime(2027, 3, 1, 10, tzinfo=UTC), date(2027, 1, 30)),
        ("Met on the 29th for an hour", datetime(2027, 3, 1, 10, tzinfo=UTC), date(2027, 1, 29)),
        ("Met on 20 December, 1h", datetime(2027, 1, 2, 10, tzinfo=UTC), date(2026, 12, 20)),
        ("Met on 20 November, 1h", datetime(2027, 3, 11, 10, tzinfo=UTC), date(2026, 11, 20)),
    ],
)
def test_a_day_without_its_month_or_year_is_the_last_one_that_has_come(
    text: str, now: datetime, day: date
) -> None:
    """A bare day is the latest of this month or the two before that has it; a later day and
    month is last year's if that lies within half a year."""
    assert understood(text, now=now) == met(day, 60, today=now.date())


def test_a_day_month_in_the_coming_half_year_is_unclear() -> None:
    """ "1 April" said on 11 March is not last April's meeting."""
    assert understood("Yes, we met on 1 April", now=datetime(2026, 3, 11, tzinfo=UTC)) == UNCLEAR


def head_date(text: str, today: date = TODAY) -> date | Unusable | None:
    """The meeting date `meeting_date` reads from `text` on `today`, day first."""
    return meeting_date(Head.of(text), today=today, date_order="DMY")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met on 31.11.", Unusable.INVALID),
        ("We met on the 10th and on the 17th", Unusable.DISAGREE),
        ("We met on the 10th and on 30.2.", Unusable.INVALID),
        ("We met on Dec 1st", Unusable.AHEAD),
        ("We met on Monday 30th", Unusable.AHEAD),
        ("We met on Thursday 13th", Unusable.INVALID),
        ("We met on Friday 13th and on Monday 30th", date(2026, 11, 13)),
        ("We met yesterday. Bo is away 1 Dec", date(2026, 11, 25)),
        ("Not on Monday", None),
        ("Bo is away from the 28th", None),
        ("We met 21 Dec - 4 Jan", None),
        ("Yes", None),
    ],
)
def test_meeting_date_says_why_a_date_is_unusable(
    text: str, expected: date | Unusable | None
) -> None:
    """meeting_date names a day, no day, or why the day stated cannot be the meeting's."""
    assert head_date(text) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2001, 2, 27), date(2000, 2, 29)),
        (date(2001, 3, 2), Unusable.INVALID),
        (date(2004, 3, 2), date(2004, 2, 29)),
    ],
)
def test_29_february_in_a_year_without_it_is_the_last_one_within_a_year(
    today: date, expected: date | Unusable
) -> None:
    """ "29 Feb" in a year that has none is the last 29 February, if a meeting then could
    still be reported (within 366 days); older, it cannot be the meeting's."""
    assert meeting_date(Head.of("We met on 29 Feb"), today=today, date_order="DMY") == expected


NOWS = st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31))
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def ordinal(day: int) -> str:
    """ "1st", "2nd", "11th", "23rd"."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def written(day: date, form: str) -> str:
    """`day` written in one of the supported forms."""
    return {
        "iso": day.isoformat(),
        "dotted year": f"{day.day}.{day.month}.{day.year}",
        "dotted": f"{day.day}.{day.month}.",
        "dotted short": f"{day.day}.{day.month}",
        "slashed": f"{day.day}/{day.month}",
        "day month": f"{day.day} {MONTH_NAMES[day.month - 1]}",
        "month day": f"{MONTH_NAMES[day.month - 1]} {ordinal(day.day)}",
        "bare day": f"the {ordinal(day.day)}",
        "weekday": WEEKDAY_NAMES[day.weekday()],
    }[form]


LOOKBACK_DAYS = {
    "iso": 366,
    "dotted year": 366,
    "dotted": 182,
    "dotted short": 182,
    "slashed": 182,
    "day month": 182,
    "month day": 182,
    "bare day": 27,
    "weekday": 6,
}


@given(today=NOWS, form=st.sampled_from(sorted(LOOKBACK_DAYS)), data=st.data())
def test_a_past_date_within_the_lookback_is_the_meeting_date(
    today: date, form: str, data: st.DataObject
) -> None:
    """Any past day within its form's lookback, written in that form, is the meeting date."""
    back = data.draw(st.integers(0, LOOKBACK_DAYS[form]), label="days back")
    day = today - timedelta(days=back)
    assert head_date(f"Yes, we met on {written(day, form)}, 45 min", today) == day


@given(
    today=NOWS,
    day=st.sampled_from([0, *range(32, 100)]),
    phrase=st.sampled_from(["We met on the {}th", "Ja, am {}. getroffen"]),
)
def test_a_bare_day_no_month_has_is_unclear_never_today(today: date, day: int, phrase: str) -> None:
    """A day of the month that no recent month has makes the reply unclear."""
    sent = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    meaning = meaning_of(phrase.format(day), sent=sent, zone=BERLIN, date_order="DMY")
    assert meaning.outcome is Outcome.UNCLEAR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes we met.\nBo Ong\nSuite 2/10 George St", met(None)),
        ("Yes\n\nBo Ong\nRoom 3/12, Building B", met(None)),
        ("Yes we met for an hour\n\nBo Ong\nUnit 4/2, 10 High Street", met(None, 60)),
        ("Yes.\n\nBo Ong\n12 Friday Street, London", met(None)),
        ("Yes, we met.\n\nBo Ong\nSaturday Studio Ltd", met(None)),
        ("Yes we met!\nBo Ong\nDirector of 24/7 Operations", met(None)),
        ("We met on 2/10", met(date(2026, 10, 2))),
        ("Yes, we met on 24/7, 45 min", met(date(2026, 7, 24), 45)),
        ("Yes, on Friday", met(date(2026, 11, 20))),
        ("Yes, met in the office 24/11 for an hour.", met(date(2026, 11, 24), 60)),
        ("Yes, we met Monday before last week's exam, 1h.", met(date(2026, 11, 23), 60)),
        ("We met Monday before last, 1h", met(date(2026, 11, 16), 60)),
    ],
)
def test_an_address_or_a_name_in_a_signature_gives_no_date(
    text: str, expected: tuple[Outcome, object]
) -> None:
    """A room number ("Suite 2/10"), "24/7", or a weekday in a street's or a firm's name is
    not the meeting's date; found by a reviewer as wrong dates logged."""
    assert understood(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met last Wed for an hour", date(2026, 11, 25)),
        ("We had our catch-up over lunch last Wed", date(2026, 11, 25)),
        ("We met last Mon, 1h", date(2026, 11, 23)),
        ("We last sat down together on Monday", date(2026, 11, 23)),
    ],
)
def test_an_abbreviated_weekday_after_last_is_that_weekday(text: str, expected: date) -> None:
    """ "last Wed" is last Wednesday; "sat" after "last" stays a verb."""
    assert head_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We met Tuesday for 45 minutes, and again on Wednesday",
        "We met Tuesday for 45 minutes and again Wednesday for 30",
        "We met Monday, 1h, and then again Wednesday",
        "Wir haben uns am Dienstag 1h getroffen und nochmal am Mittwoch",
    ],
)
def test_a_second_meeting_joined_with_and_again_is_for_a_person(text: str) -> None:
    """Two meetings in one reply, the second's day after "and again", are not logged as
    one: a person logs both."""
    assert understood(text) == UNCLEAR


@pytest.mark.parametrize(
    "text",
    [
        "We met on Monday for an hour and on Wednesday for 45 minutes.",
        "We met on the 9th for an hour and on the 23rd for 45 minutes.",
        "Yes, we met on Monday the 9th for an hour and on Monday the 23rd for 45 minutes.",
        "we met on Monday the 9th and on Monday the 23rd",
        "We met on Monday for an hour and a half and on Wednesday",
        "We met Monday 1h and Wednesday 30 min",
        "Wir haben uns am Montag eine Stunde und am Mittwoch 45 Minuten getroffen",
        "On s'est vus lundi pendant une heure et mercredi pendant 30 minutes",
        "We met for an hour on Monday and 30 mins on Wednesday.",
        "Yes, Monday, 1h and 30 min on Wednesday",
    ],
)
def test_two_days_listed_with_a_length_between_are_for_a_person(text: str) -> None:
    """A length after the first day ("on Monday for an hour and on Wednesday"), or before the
    second ("and 30 mins on Wednesday"), still lists the second, and so does a weekday with
    its day ("Monday the 9th"), read twice: before, the second meeting was dropped and the
    first logged alone."""
    assert understood(text) == UNCLEAR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met on Monday for an hour and she had her exam on Wednesday", date(2026, 11, 23)),
        ("We met on Monday for an hour and will meet again on Wednesday", date(2026, 11, 23)),
        ("We met on Monday the 23rd for an hour", date(2026, 11, 23)),
    ],
)
def test_a_length_after_the_day_lists_no_other_event(text: str, expected: date) -> None:
    """Another event's day or a plan after the length is not listed with the meeting's."""
    assert understood(text) == met(expected, 60)


@pytest.mark.parametrize(
    "text",
    [
        "We met on Tuesday, 1h. See you again on the 10th",
        "We met on Tuesday, 1h. Looking forward to meeting again on Friday",
        "We met on Tuesday, 1h, and will meet again on Friday",
    ],
)
def test_a_plan_to_meet_again_leaves_the_meeting_its_day(text: str) -> None:
    """ "Again" in a plan names no second meeting."""
    assert understood(text) == met(date(2026, 11, 24), 60)


MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met on Monday. Actually, it was Tuesday.", UNCLEAR),
        ("We met on Monday, sorry, it was Tuesday", UNCLEAR),
        ("Wir haben uns am Montag getroffen. Eigentlich war es Dienstag.", UNCLEAR),
        ("On s'est vus lundi, en fait c'était mardi.", UNCLEAR),
        ("Yes on Monday - it was the 23rd", met(MONDAY)),
        ("We met on Monday for an hour, it was great", met(MONDAY, 60)),
        ("We met on Monday, it was 45 minutes", met(MONDAY, 45)),
        ("We met yesterday, it was Wednesday", met(date(2026, 11, 25))),
        ("We met on Monday, it was her birthday on Wednesday", met(MONDAY)),
    ],
)
def test_a_meeting_said_to_be_on_another_day_is_for_a_person(
    text: str, expected: tuple[object, object]
) -> None:
    """Each of the first four logged Monday, the day the writer goes on to correct; a day
    said again ("it was the 23rd"), or a length, agrees."""
    assert understood(text) == expected
