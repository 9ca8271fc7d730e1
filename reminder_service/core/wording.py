"""Plain English for the emails pairs receive: spans of time, dates and the replies we expect.

Month and weekday names come from tables here rather than from `strftime`, so the wording
does not change with the process's locale.
"""

from __future__ import annotations

from datetime import date

from reminder_service.core.cadence import add_months

REPLY_MARKER = "Please reply above this line"
"""The words our check-ins put above the message, for the reply parser to cut at."""

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
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
)


def span_in_words(start: date, end: date) -> str:
    """How long from `start` to `end`, rounded down: "3 days", "5 weeks", "1 year and 3 months".

    Days up to a week, then weeks until two whole calendar months (but exactly one month is
    "1 month"), then months, then years and months. A month from the 31st ends on the last
    day of a shorter month. The order of the two dates does not matter.
    """
    start, end = min(start, end), max(start, end)
    days = (end - start).days
    months = _whole_months(start, end)
    if days == 0:
        return "less than a day"
    if days < 7:
        return counted(days, "day")
    if months < 2 and not (months == 1 and add_months(start, 1) == end):
        return counted(days // 7, "week")
    if months < 12:
        return counted(months, "month")
    years, months = divmod(months, 12)
    if months == 0:
        return counted(years, "year")
    return f"{counted(years, 'year')} and {counted(months, 'month')}"


def date_in_words(day: date) -> str:
    """The date as people write it: "Tuesday 3 March 2026"."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_date_in_words(day: date) -> str:
    """The date in short, the same in every locale: "3 Mar 2026"."""
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def reply_examples(today: date) -> tuple[str, str, str]:
    """One-line answers to show in a check-in: met, not yet, and a pause two months ahead."""
    years, month_index = divmod(today.month + 1, 12)
    pause_until = date(today.year + years, month_index + 1, 1)
    return (
        "Yes, we met on Tuesday for 45 minutes",
        "Not yet",
        f"Pause until {_MONTHS[pause_until.month - 1]}",
    )


def counted(number: int, unit: str) -> str:
    """'1 hour', '2 hours', '1,200 hours'."""
    return f"{number:,} {unit}" if number == 1 else f"{number:,} {unit}s"


def _whole_months(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months
