"""Until when a pause lasts: "until March", "bis 15. März", "jusqu'à la semaine
prochaine", "for two months"; only a day after the reply's own date counts.
"""

from __future__ import annotations

import re
from datetime import date

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
)
from reminder_service.core.replies.head import Head
from reminder_service.core.replies.readers import COUNTS, count_of

_UNTIL = re.compile(rf"\b(?:{lx.UNTIL}) ?")
_UNTIL_MONTH = re.compile(
    r"(?:(?:the|el|la|le|zum|zur|in|im|a|al|en) )?"
    rf"(?:(?:(?P<early>{lx.MONTH_START})|(?P<mid>{lx.MONTH_MIDDLE})|(?P<late>{lx.MONTH_END}))"
    rf" )?(?:de |of )?(?P<mon>{MONTH_NAMES})\b\.?(?: (?P<y>\d{{4}})(?!\d))?"
)
_UNTIL_NEXT = re.compile(
    r"(?:(?:the|el|la|le|zum|zur|in|im|a|al|en) )?"
    rf"(?:(?P<week>{lx.NEXT_WEEK})|(?P<month>{lx.NEXT_MONTH})|(?P<year>{lx.NEXT_YEAR}))\b"
)
_PAUSE_FOR = re.compile(
    rf"\b(?:{lx.PAUSE_FOR}) (?:the next |die nachsten |les prochains |los proximos |another )?"
    rf"(?P<n>\d{{1,2}}|{COUNTS}) (?:(?P<d>{lx.DAYS_UNITS})|(?P<w>{lx.WEEKS_UNITS})"
    rf"|(?P<m>{lx.MONTHS_UNITS}))\b"
)


def pause_until(head: Head, *, today: date, order: DateOrder) -> date | None:
    """The day a pause ends: "until March", "bis 15. März", "for two months"; None if not
    said (or not after the reply's date)."""
    for until in _UNTIL.finditer(head.text):
        day = _until(head.text, until.end(), today=today, order=order)
        if day is not None:
            return day if day > today else None
    span = _PAUSE_FOR.search(head.text)
    if span is None:
        return None
    count = count_of(span["n"])
    if span["m"]:
        return add_months(today, count)
    return shift_days(today, count if span["d"] else 7 * count)


def _until(text: str, at: int, *, today: date, order: DateOrder) -> date | None:
    """The date written at `at`, just after "until", looking forward from `today`."""
    for found in dates_in(text[at : at + 40], order):
        if found.start <= 8 and found.rank >= 3:
            return future(found.when, today)
    month = _UNTIL_MONTH.match(text, at)
    if month is not None:
        return _month_ahead(month, today)
    relative = _UNTIL_NEXT.match(text, at)
    if relative is not None:
        return _next_period(relative, today)
    weekday = WEEKDAY.match(text, at)
    if weekday is not None:
        return future(Weekday(lx.WEEKDAYS[weekday["wd"]]), today)
    return None


def _month_ahead(match: re.Match[str], today: date) -> date | None:
    month = lx.MONTHS[match["mon"]]
    years = (int(match["y"]),) if match["y"] else (today.year, today.year + 1)
    for year in years:
        first = safe_date(year, month, 1)
        if first is None:
            continue
        if match["mid"]:
            day = first.replace(day=15)
        elif match["late"]:
            day = add_months(first, 1, day_of_month=1) or first
            day = shift_days(day, -1) or first
        else:
            day = first
        if day > today:
            return day
    return None


def _next_period(match: re.Match[str], today: date) -> date | None:
    if match["week"]:
        return shift_days(today, 7 - today.weekday())
    if match["month"]:
        return add_months(today, 1, day_of_month=1)
    return safe_date(today.year + 1, 1, 1)
