"""A relationship's running totals, and time written the way the emails say it.

Thank-yous, anniversaries and farewells tell a pair how long they have been together, how
often they met and how much time they gave. Meetings without a reported duration count at
the program's default length, and then the total is only approximate.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from reminder_service.core.model import MeetingRecord, Pair, Totals
from reminder_service.core.wording import counted, span_in_words


def relationship_totals(
    pair: Pair, meetings: Iterable[MeetingRecord], *, today: date, default_minutes: int
) -> Totals:
    """The pair's totals on its local date `today`, from its meetings that were not removed.

    Meetings of other pairs are ignored. `together` is the span from the start to today in
    words ("2 years and 3 months"); a pair that has not started yet reads "less than a day".
    """
    counted = [m for m in meetings if m.pair_id == pair.id and m.removed_at is None]
    minutes = sum(
        default_minutes if m.duration_minutes is None else m.duration_minutes for m in counted
    )
    return Totals(
        together=span_in_words(pair.started, max(today, pair.started)),
        meetings=len(counted),
        minutes=minutes,
        approximate=any(m.duration_minutes is None for m in counted),
    )


def time_in_words(minutes: int, *, approximate: bool) -> str:
    """Time for people: "45 minutes", "1 hour 30 minutes", "about 12 hours".

    Exact totals give hours and minutes. Approximate ones say "about" and, from an hour up,
    round to the nearest whole hour, since the minutes would claim a precision we lack.
    Raises ValueError for a negative number of minutes.
    """
    if minutes < 0:
        msg = f"minutes cannot be negative, got {minutes}"
        raise ValueError(msg)
    about = "about " if approximate else ""
    if minutes < 60:
        return about + counted(minutes, "minute")
    if approximate:
        return about + counted((minutes + 30) // 60, "hour")
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return counted(hours, "hour")
    return f"{counted(hours, 'hour')} {counted(rest, 'minute')}"
