"""Until when a pause lasts: "until March", "bis 15. März", "jusqu'à la fin du mois",
"hasta 2027", "for two months"; only a day after the reply's own date counts.

A pause asked for "until" something we cannot read as a later date ("until after the
holidays", "until 29 February" in a year without one) has no end we can honour, and is
not taken as a pause until further notice either: the reply is asked about instead. So is
"until December" written in December (late answers to an email suggesting it), and
"until the end of the month" (or "of the year", "of January") written on that very last
day: taken literally it pauses nothing, and the member may mean the next month's end, or
only the days around the turn of the month; a wrong guess would silence a pair for weeks. Only
an until-word in the sentence asking for the pause counts so: a sign-off ("Till then,",
"Bis dann") or "going through a busy time" leaves a plain "pause" open-ended.
"""

from __future__ import annotations

import re
from datetime import date
from enum import Enum

from reminder_service.core.model import DateOrder
from reminder_service.core.replies import lexicon as lx
from reminder_service.core.replies.dates import (
    MONTH_NAMES,
    WEEKDAY,
    Weekday,
    add_months,
    dates_in,
    future,
    safe_date,
    shift_days,
    weekday_index,
)
from reminder_service.core.replies.head import Head
from reminder_service.core.replies.readers import COUNTS, alternation, count_of, whole_words


class NoEnd(Enum):
    """Why a pause has no end date: none was asked for, or the one asked for is unreadable."""

    OPEN = "open"
    UNREADABLE = "unreadable"


_ARTICLE = r"(?:(?:the|el|la|le|zum|zur|in|im|a|al|en|o) )?"
_UNTIL = re.compile(rf"\b(?:{lx.UNTIL})\b ?")
_NO_END = re.compile(rf"(?:{lx.FURTHER_NOTICE}|{lx.NOT_AN_END})\b")
_FAREWELL = re.compile(rf"(?:{lx.FAREWELL})(?! ?\w)")
_CLAUSE_START = re.compile(r"(?:^|[,:-]) ?$")
_PAUSE = whole_words(lx.PAUSE)
_ORDINARY_UNTIL = re.compile(rf"(?:{lx.UNTIL_ORDINARY}) ?")
_UNTIL_RIGHT_AFTER_PAUSE = re.compile(rf"(?:{lx.UNTIL_RIGHT_AFTER_PAUSE}) ?")
_PAUSE_OBJECT = (
    r"us|it|this|them|things|everything"
    r"|(?:the|our|my|all|o|os|a|as|nosso|nossos|nossa|nossas)(?: \w+){1,2}"
)
_PAUSE_RIGHT_BEFORE = re.compile(rf"\b(?:{lx.PAUSE})(?: (?:{_PAUSE_OBJECT}))? $")
_UNTIL_MONTH = re.compile(
    _ARTICLE
    + rf"(?:(?:(?P<early>{lx.MONTH_START})|(?P<mid>{lx.MONTH_MIDDLE})|(?P<late>{lx.MONTH_END}))"
    rf" )?(?:de |of )?(?P<mon>{MONTH_NAMES})\b\.?(?:,? (?:de )?(?P<y>\d{{4}})(?!\d))?"
)
# Longer forms first: "month end" before "month", "year 2027" before "year".
_UNTIL_PERIOD = re.compile(
    _ARTICLE
    + rf"(?:(?:(?P<early>{lx.PERIOD_START})|(?P<mid>{lx.PERIOD_MIDDLE})|(?P<late>{lx.PERIOD_END}))"
    rf" (?:{lx.PERIOD_OF})?)?"
    rf"(?:(?P<next_month>{lx.NEXT_MONTH})|(?P<next_year>{lx.NEXT_YEAR})"
    rf"|(?P<month_after>{lx.MONTH_AFTER_NEXT})|(?P<year_after>{lx.YEAR_AFTER_NEXT})"
    rf"|(?P<month_end>{lx.MONTH_END_WORD})|(?P<year_end>{lx.YEAR_END_WORD})"
    rf"|(?:(?:{lx.THIS_YEAR}) )?(?P<y>\d{{4}})|(?P<month>{lx.THIS_MONTH})|(?P<year>{lx.THIS_YEAR}))"
    r"\b(?!\d)"
)
_UNTIL_NEXT_WEEK = re.compile(_ARTICLE + rf"(?:{lx.NEXT_WEEK})\b")
_UNTIL_CLAUSE_END = re.compile(rf"[,.;:!?\n]| - |\b(?:{lx.AND}|{lx.CONTRAST})\b")
_DATES_A_THING = whole_words(lx.COPULA)
"""After the day: the day dates a thing the clause names ("until her surgery on 8 December
is over"), not the pause's end."""
_SUBJECT = whole_words(lx.SUBJECT_PRONOUNS)
"""A second subject before the day starts another statement, whose day it is ("until she is
back from her trip (she leaves on 2 December)", its brackets folded away)."""
_UNTIL_AFTER = whole_words(lx.UNTIL_AFTER)
_WEEKDAY_FIRST = re.compile(
    rf"(?:the |el |le |am |on )?(?:{alternation(lx.WEEKDAYS)})\b,? (?:the |den |le |el )?"
)
"""A weekday before the date it names ("Monday the 14th of December", "Montag, den 14.
Dezember", "el lunes 14 de diciembre"): the date, not the weekday, ends the pause."""
_PAUSE_FOR = re.compile(
    rf"\b(?:{lx.PAUSE_FOR}) (?:the next |die nachsten |les prochains |los proximos |another )?"
    rf"(?P<n>\d{{1,2}}|{COUNTS}) (?:(?P<d>{lx.DAYS_UNITS})|(?P<w>{lx.WEEKS_UNITS})"
    rf"|(?P<m>{lx.MONTHS_UNITS}))\b"
)


def pause_until(head: Head, *, today: date, order: DateOrder) -> date | NoEnd:
    """The day a pause ends: "until March", "bis 15. März", "for two months". OPEN if no
    end is asked for ("pause", "until further notice"); UNREADABLE if the pause is asked
    for "until" something that is not a date after the reply's."""
    bounded = False
    untils = [
        until
        for until in _UNTIL.finditer(head.text)
        if not _NO_END.match(head.text, until.end()) and not _not_after_pause(head, until)
    ]
    for until in untils:
        day = _until(head.text, until.end(), today=today, order=order)
        if day is not None and day > today:
            return day
        bounded = bounded or _bounds_the_pause(head, until)
    for until in untils:
        if _bounds_the_pause(head, until):
            day = _dated_later(head.text, until.end(), today=today, order=order)
            if day is not None and day > today:
                return day
    span = _PAUSE_FOR.search(head.text)
    if span is not None:
        return _for(span, today) or NoEnd.UNREADABLE
    return NoEnd.UNREADABLE if bounded else NoEnd.OPEN


def _not_after_pause(head: Head, until: re.Match[str]) -> bool:
    """Whether `until` is a word that bounds a pause only right after it (Portuguese
    "até", which is English "ate") and stands elsewhere: "we ate on Friday"."""
    if not _UNTIL_RIGHT_AFTER_PAUSE.fullmatch(until.group()):
        return False
    sentence = head.sentence_at(until.start())
    start = until.start() if sentence is None else sentence.start
    return _PAUSE_RIGHT_BEFORE.search(head.text, start, until.start()) is None


def _bounds_the_pause(head: Head, until: re.Match[str]) -> bool:
    """Whether an until-word we could not read a later date after says when the pause
    ends: it stands in a sentence asking for a pause ("bis nach den Ferien pausieren"), is
    no sign-off starting a clause ("pause, bis dann"), and an ordinary word like "through"
    comes right after the pause ("pause through the summer", not "going through")."""
    sentence = head.sentence_at(until.start())
    if sentence is None:
        return False
    before = head.text[sentence.start : until.start()]
    if _FAREWELL.match(head.text, until.end()) and _CLAUSE_START.search(before):
        return False
    if _ORDINARY_UNTIL.fullmatch(until.group()):
        return _PAUSE_RIGHT_BEFORE.search(before) is not None
    return _PAUSE.search(head.text, sentence.start, sentence.end) is not None


def _for(span: re.Match[str], today: date) -> date | None:
    """The end of a pause "for two months", "for 3 weeks"."""
    count = count_of(span["n"])
    if span["m"]:
        return add_months(today, count)
    return shift_days(today, count if span["d"] else 7 * count)


def _until(text: str, at: int, *, today: date, order: DateOrder) -> date | None:
    """The date written at `at`, just after "until", looking forward from `today`."""
    window = text[at : at + 40]
    for found in dates_in(window, order):
        if found.rank >= 3 and (
            found.start <= 8 or _WEEKDAY_FIRST.fullmatch(window, 0, found.start)
        ):
            return future(found.when, today)
    month = _UNTIL_MONTH.match(text, at)
    if month is not None:
        return _month_ahead(month, today)
    period = _UNTIL_PERIOD.match(text, at)
    if period is not None:
        return _in_period(period, today)
    if _UNTIL_NEXT_WEEK.match(text, at):
        return shift_days(today, 7 - today.weekday())
    weekday = WEEKDAY.match(text, at)
    if weekday is not None:
        return future(Weekday(weekday_index(weekday["wd"])), today)
    return None


def _dated_later(text: str, at: int, *, today: date, order: DateOrder) -> date | None:
    """The day a pause until an event names later in its clause, with its day and month:
    "until my exams are over on 15 Feb", "until she is back from leave on 3 March", "bis
    ich am 3. März zurück bin". None after "after" ("until after her exams on 15 Feb" may
    mean any day after it), and for a day that dates something in the clause ("until her
    surgery on 8 December is over") or another statement in it (`_SUBJECT`). Read only when
    no until-word names a day itself ("..., or until the end of April")."""
    stop = _UNTIL_CLAUSE_END.search(text, at)
    clause = text[at : len(text) if stop is None else stop.start()]
    for found in dates_in(clause, order):
        if (
            found.rank >= 3
            and not _UNTIL_AFTER.search(clause, 0, found.start)
            and not _DATES_A_THING.search(clause, found.end)
            and len(_SUBJECT.findall(clause, 0, found.start)) <= 1
        ):
            return future(found.when, today)
    return None


def _month_ahead(match: re.Match[str], today: date) -> date | None:
    """The day meant by "March", "mid-March", "the end of March": in the next such month,
    which is this year's if it is not past. None when that day is not after `today`.

    A month named without a year that is `today`'s own month is this month, never next
    year's: "until December" written on 3 December most likely answers late an email that
    suggested it, or means the days around the start of the month; a pause of a year would
    silence the pair, so it is asked about. Its end or middle still ahead ("until the end
    of January" on 4 January) is taken; on that very day it reads like "the end of the
    month" on its last day, and is asked about too.
    """
    month = lx.MONTHS[match["mon"]]
    year = int(match["y"]) if match["y"] else today.year + (month < today.month)
    first = safe_date(year, month, 1)
    if first is None:
        return None
    day = _day_of(first, months=1, mid=bool(match["mid"]), late=bool(match["late"])) or first
    return day if day > today else None


def _in_period(match: re.Match[str], today: date) -> date | None:
    """The day meant by "the end of the month", "early next year", "2027": the period's
    first day, its middle (the 15th, or 1 July) or its last day."""
    first, months = _period(match, today)
    if first is None:
        return None
    late = match["late"] or match["month_end"] or match["year_end"]
    return _day_of(first, months=months, mid=bool(match["mid"]), late=bool(late))


def _day_of(first: date, *, months: int, mid: bool, late: bool) -> date | None:
    """The first day of the period of `months` months starting on `first`, its middle (the
    15th of a month, 1 July of a year) or its last day (None past the calendar's end)."""
    if mid:
        return first.replace(day=15) if months == 1 else first.replace(month=7)
    if late:
        after = add_months(first, months)
        return None if after is None else shift_days(after, -1)
    return first


def _period(match: re.Match[str], today: date) -> tuple[date | None, int]:
    """The first day of the month or year named, and its length in months."""
    if match["month"] or match["month_end"]:
        return today.replace(day=1), 1
    if match["next_month"]:
        return add_months(today, 1, day_of_month=1), 1
    if match["month_after"]:
        return add_months(today, 2, day_of_month=1), 1
    if match["next_year"]:
        return safe_date(today.year + 1, 1, 1), 12
    if match["year_after"]:
        return safe_date(today.year + 2, 1, 1), 12
    return safe_date(int(match["y"]) if match["y"] else today.year, 1, 1), 12
