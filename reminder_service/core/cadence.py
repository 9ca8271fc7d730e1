"""Cadence expressions and the calendar arithmetic behind them.

`parse_cadence` turns what a coordinator writes ("monthly for 12 months, then quarterly")
into a `Cadence`; `occurrences_after` walks its dates; `local_instant` pins a wall-clock time
on one of those dates to a UTC instant, whatever daylight saving time does that night.
Everything here is pure: dates and zones come in as arguments.
"""

from __future__ import annotations

import re
from calendar import isleap
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

from reminder_service.core.model import Cadence, Phase, RRule, Step

_EXAMPLES = (
    "write for example 'weekly', 'every 2 weeks', 'monthly', 'quarterly', 'every 10 days' "
    "or an RRULE such as 'RRULE:FREQ=MONTHLY;BYDAY=1TU'"
)
_NAMED_STEPS = {
    "daily": Step(days=1),
    "weekly": Step(days=7),
    "fortnightly": Step(days=14),
    "monthly": Step(months=1),
    "quarterly": Step(months=3),
    "yearly": Step(months=12),
    "annually": Step(months=12),
}
_AMBIGUOUS = {
    "biweekly": "twice a week or every two weeks",
    "bimonthly": "twice a month or every two months",
    "biannually": "twice a year or every two years",
    "biannual": "twice a year or every two years",
}
_NUMBER_WORDS = {
    "a": 1,
    "one": 1,
    "other": 2,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_UNIT_STEPS = {
    "day": Step(days=1),
    "week": Step(days=7),
    "month": Step(months=1),
    "year": Step(months=12),
}
_MAX_STEP_DAYS = 3660
_AMOUNT = r"(?P<n>-?\d+|[a-z]+)"
_UNIT = r"(?P<unit>day|week|month|year)s?"
_EVERY_RE = re.compile(rf"every(?: {_AMOUNT})? {_UNIT}")
_FOR_RE = re.compile(rf"(?P<every>.+?) for {_AMOUNT} {_UNIT}")
_THEN_RE = re.compile(r"\s*,?\s*\bthen\b\s*", re.IGNORECASE)
_RRULE_PREFIX = "RRULE:"
_RRULE_FREQS = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_RRULE_UNSUPPORTED = {
    "DTSTART": "the rule starts counting from the pair's start or last meeting",
    "UNTIL": "to end a stretch of the cadence, write 'for N months, then ...'",
    "COUNT": "to end a stretch of the cadence, write 'for N months, then ...'",
    "BYHOUR": "the time of day comes from the pair's sending time",
    "BYMINUTE": "the time of day comes from the pair's sending time",
    "BYSECOND": "the time of day comes from the pair's sending time",
}
_RRULE_PROBE_START = datetime(2000, 1, 1)  # noqa: DTZ001 - dateutil rules here are naive dates
_RRULE_PROBE_YEARS = 12
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_cadence(text: str) -> Cadence:
    """Read a coordinator's cadence, such as 'every 2 weeks' or 'weekly for 6 weeks then monthly'.

    Accepted, case-insensitively and with any spacing: 'daily', 'weekly', 'fortnightly'
    (every 14 days), 'monthly', 'quarterly' (every 3 months), 'yearly'/'annually' (every 12
    months); 'every day|week|month|year'; 'every N days|weeks|months|years' with N as digits
    or a word up to twelve ('every other week' is every 2 weeks); and RFC 5545 rules written
    'RRULE:FREQ=...' or 'FREQ=...'. 'biweekly', 'bimonthly' and 'biannually' are refused on
    purpose, because readers take them to mean both "twice per" and "every two". Phases are
    joined by 'then' (optionally ', then'); each phase but the last says how long it lasts
    ('monthly for 12 months, then quarterly'). Raises ValueError with a message written for
    the coordinator.
    """
    stripped = text.strip()
    parts = _THEN_RE.split(stripped)
    if not stripped or not all(parts):
        msg = f"'{stripped}' is not a cadence I understand; {_EXAMPLES}"
        raise ValueError(msg)
    phases = tuple(
        _parse_phase(part, whole=stripped, last=index == len(parts) - 1)
        for index, part in enumerate(parts)
    )
    return Cadence(phases=phases, text=stripped)


def _parse_phase(part: str, *, whole: str, last: bool) -> Phase:
    """One 'then'-separated piece: a step, with 'for N units' unless it is the last piece."""
    words = " ".join(part.split())
    match = _FOR_RE.fullmatch(words.lower())
    if match is None:
        if not last:
            msg = (
                f"In '{whole}', say how long '{words}' lasts before the next part starts, "
                f"for example 'monthly for 12 months, then quarterly'"
            )
            raise ValueError(msg)
        return Phase(every=_parse_every(words))
    if last:
        msg = (
            f"In '{whole}', the last part '{words}' runs from then on, so it cannot end with "
            f"'for ...'; for example 'weekly for 6 weeks, then monthly'"
        )
        raise ValueError(msg)
    every_text = words[: match.end("every")]
    lasts = _scaled_step(match["n"], match["unit"], phrase=words)
    return Phase(every=_parse_every(every_text), lasts=lasts)


def _parse_every(words: str) -> Step | RRule:
    """How often: a named step, 'every N units', or an RRULE."""
    lowered = words.lower()
    if lowered.startswith(("rrule:", "freq=")):
        return _parse_rrule(words)
    if lowered in _NAMED_STEPS:
        return _NAMED_STEPS[lowered]
    if lowered in _AMBIGUOUS:
        msg = (
            f"'{words}' can mean {_AMBIGUOUS[lowered]}, so I will not guess; "
            f"write 'every 2 ...' or an RRULE instead"
        )
        raise ValueError(msg)
    match = _EVERY_RE.fullmatch(lowered)
    if match is None:
        msg = f"'{words}' is not a cadence I understand; {_EXAMPLES}"
        raise ValueError(msg)
    return _scaled_step(match["n"] or "1", match["unit"], phrase=words)


def _scaled_step(amount: str, unit: str, *, phrase: str) -> Step:
    """`amount` units as a Step, refusing amounts below 1 and steps longer than ten years."""
    number = int(amount) if amount.lstrip("-").isdigit() else _NUMBER_WORDS.get(amount)
    if number is None:
        msg = f"'{phrase}': '{amount}' is not a number I understand; write it in digits"
        raise ValueError(msg)
    if number < 1:
        msg = f"'{phrase}': the number of {unit}s must be at least 1"
        raise ValueError(msg)
    base = _UNIT_STEPS[unit]
    step = Step(months=base.months * number, days=base.days * number)
    if step.months * 31 + step.days > _MAX_STEP_DAYS:
        msg = f"'{phrase}' is longer than ten years; please choose a shorter span"
        raise ValueError(msg)
    return step


def _parse_rrule(words: str) -> RRule:
    """Validate an RFC 5545 rule that dateutil can run from any start date."""
    body = words.upper().removeprefix(_RRULE_PREFIX).strip().rstrip(";")
    fields = _rrule_fields(body, words=words)
    for name, why in _RRULE_UNSUPPORTED.items():
        if name in fields:
            msg = f"'{words}': a cadence rule cannot contain {name}; {why}"
            raise ValueError(msg)
    if fields.get("FREQ") not in _RRULE_FREQS:
        msg = f"'{words}': the rule needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"
        raise ValueError(msg)
    interval = fields.get("INTERVAL", "1")
    if not interval.isdigit() or int(interval) < 1:
        msg = f"'{words}': INTERVAL must be a whole number of at least 1"
        raise ValueError(msg)
    try:
        rule = _rrule_from(RRule(text=body), start=_RRULE_PROBE_START)
    except (ValueError, TypeError) as exc:
        msg = f"'{words}' is not a rule I can use: {exc}"
        raise ValueError(msg) from exc
    probe_end = _RRULE_PROBE_START + relativedelta(years=_RRULE_PROBE_YEARS)
    try:
        first = next(iter(rule.replace(until=probe_end)), None)
    except (IndexError, ValueError, OverflowError) as exc:
        # dateutil accepts some impossible parts (BYDAY=18TU) and only fails when iterating.
        msg = f"'{words}' is not a rule I can use: check its BY... parts"
        raise ValueError(msg) from exc
    if first is None:
        msg = f"'{words}': this rule never happens; check its BY... parts"
        raise ValueError(msg)
    return RRule(text=body)


def _rrule_fields(body: str, *, words: str) -> dict[str, str]:
    """The NAME=VALUE parts of a rule, refusing anything not shaped like that."""
    fields: dict[str, str] = {}
    for part in body.split(";"):
        name, equals, value = part.partition("=")
        if not equals or not name.strip() or not value.strip():
            msg = f"'{words}': '{part}' is not a NAME=VALUE part of an RRULE"
            raise ValueError(msg)
        fields[name.strip()] = value.strip()
    return fields


def _rrule_from(rule: RRule, *, start: datetime) -> rrule:
    """dateutil's rule for `rule`, counting from the naive datetime `start`."""
    built = rrulestr(rule.text, dtstart=start)
    assert isinstance(built, rrule)
    return built


def occurrences_after(cadence: Cadence, *, started: date, anchor: date) -> Iterator[date]:
    """The dates one, two, three... cadence steps after `anchor`, strictly increasing.

    Phases are laid end to end from `started`. Each run of occurrences is counted from a
    base date (first `anchor`) with the step of the phase that base lies in, as base + k *
    step rather than step by step, so that 31 January monthly gives 28/29 February and then
    31 March. The first occurrence at or past the end of the base's phase is still yielded
    and becomes the next base. The iterator ends only where the calendar does.
    """
    ends = _phase_ends(cadence, started=started)
    base = anchor
    while True:
        index = next(i for i, end in enumerate(ends) if end is None or base < end)
        end = ends[index]
        for occurrence in _phase_dates(cadence.phases[index].every, base=base):
            yield occurrence
            if end is not None and occurrence >= end:
                base = occurrence
                break
        else:
            return


def first_checkin_by(cadence: Cadence, *, started: date, by: date) -> date | None:
    """The pair's first check-in date counted from `started`, or None if it falls after `by`.

    Only the first phase matters: the first check-in is its first date, however late. A rule
    is followed no further than `by`, since one that never fires again (FREQ=YEARLY;
    INTERVAL=9000) would otherwise be walked to the end of the calendar. A first date past
    the end of the calendar is None too.
    """
    every = cadence.phases[0].every
    try:
        if isinstance(every, Step):
            first = _shifted(started, months=every.months, days=every.days)
            return first if first <= by else None
        return next(_rrule_dates(every, base=started, until=by), None)
    except (ValueError, OverflowError):
        return None


def _phase_ends(cadence: Cadence, *, started: date) -> list[date | None]:
    """The first date after each phase (None for the last, open-ended one)."""
    ends: list[date | None] = []
    boundary = started
    for phase in cadence.phases:
        if phase.lasts is None:
            ends.append(None)
        else:
            boundary = _shifted(boundary, months=phase.lasts.months, days=phase.lasts.days)
            ends.append(boundary)
    return ends


def _phase_dates(every: Step | RRule, *, base: date) -> Iterator[date]:
    """The dates of one phase's rhythm strictly after `base`, counted from `base`."""
    if isinstance(every, Step):
        return _step_dates(every, base=base)
    return _rrule_dates(every, base=base)


def _step_dates(step: Step, *, base: date) -> Iterator[date]:
    """base + k * step for k = 1, 2, 3..."""
    for k in count(1):
        yield _shifted(base, months=k * step.months, days=k * step.days)


def _shifted(day: date, *, months: int, days: int) -> date:
    """`day` moved by whole months (clamped to the end of a shorter month), then by days."""
    moved = add_months(day, months) if months else day
    return moved + timedelta(days=days) if days else moved


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the last day of a shorter month.

    What dateutil's `day + relativedelta(months=months)` gives, at a fraction of its cost:
    planning steps every pair's cadence on every tick.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _DAYS_IN_MONTH[month] + (month == 1 and isleap(year))
    return date(year, month + 1, min(day.day, last))


def _rrule_dates(rule: RRule, *, base: date, until: date | None = None) -> Iterator[date]:
    """The distinct dates on which `rule`, started at midnight on `base`, fires after it
    (up to and including `until`, if given)."""
    previous = base
    built = _rrule_from(rule, start=datetime.combine(base, time()))
    if until is not None:
        built = built.replace(until=datetime.combine(until, time()))
    for moment in built:
        if moment.date() > previous:
            previous = moment.date()
            yield previous


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant when the wall clocks in `zone` show `at` on `day`.

    A time that does not exist that night (clocks spring forward over it) moves forward by
    the length of the gap; a time that happens twice (clocks fall back) is the first one.
    Both follow from PEP 495's fold=0, which reads a gap with the offset from before it.
    """
    return datetime.combine(day, at.replace(fold=0), tzinfo=zone).astimezone(UTC)


def next_weekday(day: date) -> date:
    """`day` itself on Monday to Friday; the following Monday for a Saturday or Sunday."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day
