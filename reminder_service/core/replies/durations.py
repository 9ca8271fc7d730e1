"""How long a meeting lasted, in minutes: "45 min", "1h30", "an hour and a half", "90'",
"von 14 bis 15 Uhr".

Times of day ("a las 15h"), dates and durations in plans or questions are not the meeting's
length; neither is 0 or anything over 12 hours.
"""

from __future__ import annotations

import re

from reminder_service.core.replies import lexicon as lx
from reminder_service.core.replies.head import Head, in_plan
from reminder_service.core.replies.readers import (
    COUNTS,
    DIGIT,
    Reader,
    alternation,
    count_of,
    digits,
    read,
)

_MAX_MINUTES = 12 * 60
_H = lx.HOURS_UNITS
_HW = lx.HOURS_WORDS
_M = lx.MINUTES_UNITS
_NUM = r"\d{1,3}(?:[.,]\d{1,2})?"
_MINUTE_WORDS = alternation(lx.MINUTES_IN_WORDS)
_HOURS_HINT = re.compile(r"hour|stund|heure|hora")
_MINUTES_HINT = re.compile(r"min")
_CLOCK_BEFORE = re.compile(
    r"\b(?:at|um|a las|a la|a|vers|gegen|ab|des|desde|from|von|de|bis|until|till|hasta"
    r"|jusqu'a|around) ?$"
)
_CLOCK_AFTER = re.compile(r" ?(?:am|pm|uhr|o'clock|a\.m|p\.m)\b")
_COMPACT_HOURS = re.compile(r"\d{1,2} ?h(?: ?\d{2})?")


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _hours_and_minutes(match: re.Match[str]) -> float:
    minutes = match["m"]
    return 60 * count_of(match["h"]) + (lx.MINUTES_IN_WORDS.get(minutes) or int(minutes))


def _clock_range(match: re.Match[str]) -> float:
    start = 60 * int(match["h1"]) + int(match["m1"] or 0)
    end = 60 * int(match["h2"]) + int(match["m2"] or 0)
    return end - start if end > start else end + _MAX_MINUTES - start


_DURATION_READERS: tuple[Reader[float], ...] = (
    Reader(
        re.compile(
            r"\b(?:from|von|de|desde) (?P<h1>\d{1,2})(?:[:.h](?P<m1>\d{2}))? ?(?:am|pm|h|uhr)?"
            r" ?(?:-|to|till|until|bis|a|hasta) ?(?P<h2>\d{1,2})(?:[:.h](?P<m2>\d{2}))?"
            rf" ?(?:am|pm|h|uhr)?\b(?! ?(?:{_HW}|{_M})\b)"
        ),
        _clock_range,
        DIGIT,
    ),
    Reader(
        re.compile(
            digits("a", most=3, not_after=r"\d.,", decimals=True)
            + rf" ?(?:-|to|or|bis|oder|a|ou|o) ?(?P<b>{_NUM}) ?"
            + rf"(?:(?P<h>{_H})|{_M})\b"
        ),
        lambda m: (_number(m["a"]) + _number(m["b"])) / 2 * (60 if m["h"] else 1),
        DIGIT,
    ),
    Reader(
        re.compile(digits("h", not_after=r"\d.,:") + rf" ?h ?(?P<m>\d{{2}})(?: ?(?:{_M}))?\b"),
        _hours_and_minutes,
        DIGIT,
    ),
    Reader(
        re.compile(
            rf"\b(?P<h>\d{{1,2}}|{COUNTS}) (?:{_HW}|hrs?) (?:and |und |et |y )?"
            rf"(?P<m>\d{{1,2}}|{_MINUTE_WORDS}) ?(?:{_M})\b"
        ),
        _hours_and_minutes,
        _MINUTES_HINT,
    ),
    Reader(
        re.compile(
            r"\b(?:for|lasted|took|wahrend|dauerte|pendant|dure|durante|duro)"
            r" (?P<h>\d{1,2}):(?P<m>\d{2})\b"
        ),
        _hours_and_minutes,
        DIGIT,
    ),
    Reader(
        re.compile(digits("h", not_after=r"\d:.") + rf":(?P<m>\d{{2}}) ?(?:{_H})\b"),
        _hours_and_minutes,
        DIGIT,
    ),
    Reader(
        re.compile(
            rf"\b(?P<n>\d{{1,2}}|{COUNTS}) (?:(?:{lx.AND_A_HALF}) (?:{_HW})"
            rf"|(?:{_HW}) (?:{lx.AND_A_HALF}))\b"
        ),
        lambda m: 60 * count_of(m["n"]) + 30,
        _HOURS_HINT,
    ),
    Reader(
        re.compile(digits("n", not_after=r"\d.,") + rf" 1/2 ?(?:{_H})\b"),
        lambda m: 60 * int(m["n"]) + 30,
        DIGIT,
    ),
    Reader(
        re.compile(rf"\b(?:{alternation(lx.FIXED_DURATIONS)})\b"),
        lambda m: lx.FIXED_DURATIONS[m.group()],
        _HOURS_HINT,
    ),
    Reader(
        re.compile(digits("n", most=3, not_after=r"\d.,:/", decimals=True) + rf" ?(?:{_H})\b"),
        lambda m: 60 * _number(m["n"]),
        DIGIT,
    ),
    Reader(
        re.compile(rf"\b(?P<n>{COUNTS}) (?:{_HW})\b"), lambda m: 60 * count_of(m["n"]), _HOURS_HINT
    ),
    Reader(
        re.compile(digits("n", most=3, not_after=r"\d.,:/") + rf" ?(?:{_M})\b"),
        lambda m: int(m["n"]),
        DIGIT,
    ),
    Reader(
        re.compile(digits("n", most=3, not_after=r"\d.,:/") + r" ?'(?![\w'])"),
        lambda m: int(m["n"]),
        DIGIT,
    ),
    Reader(
        re.compile(rf"\b(?P<w>{_MINUTE_WORDS}) (?:{_M})\b"),
        lambda m: lx.MINUTES_IN_WORDS[m["w"]],
        _MINUTES_HINT,
    ),
)


def duration(head: Head) -> int | None:
    """Minutes the meeting lasted, from the first duration the reply states (not times of
    day, dates or plans); None if none, or if it is 0 or more than 12 hours."""
    found = sorted(
        (m.start(), -m.end(), minutes)
        for m, minutes in durations_in(head.text)
        if not _is_clock_time(head.text, m) and not in_plan(head, m.start())
    )
    return next((minutes for _, _, minutes in found), None)


def durations_in(text: str) -> list[tuple[re.Match[str], int]]:
    """Every duration in `text` that is not absurd (0, or more than 12 hours)."""
    found = ((m, round(minutes)) for _, m, minutes in read(_DURATION_READERS, text))
    return [(m, minutes) for m, minutes in found if 0 < minutes <= _MAX_MINUTES]


def _is_clock_time(text: str, m: re.Match[str]) -> bool:
    """Whether a match is a time of day: "a las 15h", "vers 9h30", "10h pm"."""
    compact = _COMPACT_HOURS.fullmatch(m.group())
    if compact is None:
        return False
    before = _CLOCK_BEFORE.search(text, max(0, m.start() - 12), m.start())
    return before is not None or _CLOCK_AFTER.match(text, m.end()) is not None
