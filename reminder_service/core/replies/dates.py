"""Date expressions in a reply ("yesterday", "last Tuesday", "3/4", "15. März") and the
days they mean.

A reported meeting lies in the past: never after the reply's own date, never more than a
year before it. The end of a pause lies in the future. Numeric dates are read in the pair's
date order (day first or month first). A date the reply states for its meeting that cannot
be one (no such day, "the 45th", a day still to come) is `Unusable`, so a person looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum, auto
from itertools import pairwise

from reminder_service.core.model import DateOrder
from reminder_service.core.replies import lexicon as lx
from reminder_service.core.replies.head import Head, in_plan, pair_meeting_phrases
from reminder_service.core.replies.readers import (
    COUNTS,
    DIGIT,
    Reader,
    alternation,
    count_of,
    digits,
    read,
    whole_words,
)

_MAX_AGE = timedelta(days=366)
_READ_BACK = timedelta(weeks=26)
"""How far back a day and month later in the year than the reply reach into last year: "20
November" said in March is a meeting last November; "1 December" said on 26 November is a
plan, a leave or a slip, not a meeting eleven months ago. A day in the coming half year is
far more often a plan than a late report."""
_BARE_DAY_MONTHS = 3
"""A bare day ("the 31st") is looked for in this month and the two before: some month of
three running has every day from the 1st to the 31st."""


class Unusable(Enum):
    """Why a stated date cannot be a reported meeting's."""

    AHEAD = auto()
    """Later than the reply: a plan or a leave, or a slip ("we met on Dec 1st" in November)."""
    INVALID = auto()
    """No such day ("31.11.", "11/20" day first, "the 45th"), or more than a year back."""
    DISAGREE = auto()
    """Two different days, neither named by the clause that says "we met" more than the other."""


@dataclass(frozen=True, slots=True)
class _Day:
    """A calendar day as written; the year, or the year and month, may be left out.
    `weekday` (Monday 0) is the weekday named with a bare day ("Monday 16th", "lundi
    16"), which must agree with it."""

    day: int
    month: int | None = None
    year: int | None = None
    weekday: int | None = None


@dataclass(frozen=True, slots=True)
class Weekday:
    """A weekday: "last" (a week back when said on that day), "before last" (a week before
    that), "next", or in a calendar week, which starts on Monday: `week` is 0 for "of this
    week", -1 for "of last week", None when not said."""

    index: int
    before: bool = False
    before_last: bool = False
    ahead: bool = False
    week: int | None = None


@dataclass(frozen=True, slots=True)
class _DaysBefore:
    """So many days before the reply's date: "yesterday", "vor 3 Tagen"."""

    days: int


When = _Day | Weekday | _DaysBefore


@dataclass(frozen=True, slots=True)
class Found:
    """A date expression in the head: where, how specific (`rank`), and what it says."""

    start: int
    end: int
    rank: int
    when: When


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


MONTH_NAMES = "|".join(
    (alternation(lx.MONTHS.keys() - lx.NAME_LIKE_MONTHS.keys()), *lx.NAME_LIKE_MONTHS.values())
)
_WEEKDAY_NAMES = alternation(lx.WEEKDAYS)
_AFTER_ON = r"(?:(?<=\bon )|(?<=\bam )|(?<=\ble )|(?<=\bel ))"
_NOT_IN_AN_ADDRESS = r"(?<![.@])"
_NAMES_A_PLACE = r"(?! (?:street|road|avenue|lane|square|studios?|ltd|limited|llc|gmbh)\b)"
"""Not followed by a word that makes a weekday part of a name ("12 Friday Street",
"Saturday Studio Ltd" in a signature)."""
_NOT_A_SURNAME = "".join(rf"(?<!\b{re.escape(title)} )" for title in lx.TITLES)
"""Not right after a title, which makes a weekday a surname ("Mr Friday", "Frau Freitag")."""
_AFTER_YES = "".join(
    rf"|(?<=\b{word}{gap})" for word in ("yes", "yep", "yeah", "yup") for gap in (" ", ", ", " - ")
)
"""Right after a yes: "yep wed 45mins", "Yes, Mon, 1h"."""
_WEEKDAY_WORD = (
    rf"{_NOT_IN_AN_ADDRESS}{_NOT_A_SURNAME}(?:{_WEEKDAY_NAMES})(?![.@]\w){_NAMES_A_PLACE}"
    rf"|{_AFTER_ON}(?:{alternation(lx.WEEKDAY_SHORT)})(?![\w'])"
    r"|(?<=\blast )(?:mon|wed|sun)(?![\w'])"
    rf"|(?:(?<=\bmet )(?<!\bon met )(?<!\bil met )(?<!\belle met ){_AFTER_YES})"
    rf"(?:{lx.WEEKDAY_SHORT_AFTER_MET})(?= ?\d|[,.;:!)\n]|$)"
)
"""A weekday's name, or an abbreviation that is also a word after "on", "am", "le" or "el"
(or English "last": "last Wed", not "we last sat down"; or right after English "met" or a
yes, before a number or the clause's end: "met mon 45m", "yep wed 45mins", not French "on
met mon 2e CV"); never
part of an address, domain or link ("bo@thu.de"), nor a surname after a title ("Mr
Friday")."""
_NOT_A_UNIT = rf"(?! ?(?:(?:of )?an |d')?(?:{lx.HOURS_UNITS}|{lx.MINUTES_UNITS})\b)"
"""Not followed by a unit: "3/4 h", "1/2 an hour", "1/4 d'heure" are lengths, not dates."""
_ORDINAL = r"(?:st|nd|rd|th|er|eme|e|o)"
_YEAR = r"(?P<y>\d{4}|\d{2})(?!\d)"
_ISO = re.compile(digits("y", most=4) + r"-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_DASHED = re.compile(digits("a", not_after=r"\d-") + r"-(?P<b>\d{1,2})-(?P<y>\d{4})(?!\d)")
_NOT_A_ROOM = "".join(
    rf"(?<!\b{word} )"
    for word in ("suite", "room", "unit", "flat", "apt", "level", "floor", "no", "box")
)
"""Not after a word that makes "2/10" part of an address ("Suite 2/10 George St")."""
_AFTER_ON_WORD = r"(?<=\bon )|(?<=\bam )|(?<=\ble )|(?<=\bel )"
"""Right after a word that dates what follows: "met on 24/7" is 24 July, not "all hours"."""
_NOT_A_MARK = "".join(rf"(?<!\b{word} )" for word in lx.NUMBER_AFTER.split("|"))
"""Not after a word that makes a number a mark or a version ("Scored 2.3.", "Note 2/3")."""
_SLASHED = re.compile(
    rf"{_NOT_A_ROOM}{_NOT_A_MARK}(?:{_AFTER_ON_WORD}|(?!24/7\b))"
    + digits("a", not_after=r"\d/.")
    + rf"/(?P<b>\d{{1,2}})(?:/{_YEAR})?(?![\d/]){_NOT_A_UNIT}"
)
_NOT_AT_A_TIME = r"(?<!\bum )(?<!\bat )(?<!\bgegen )(?<!\bvers )(?<!\blas )"
_MONTH = r"(?P<m>0?[1-9]|1[0-2])"
_DOTTED = re.compile(
    _NOT_AT_A_TIME + _NOT_A_MARK + digits("d", not_after=r"\d.:") + rf"\. ?{_MONTH}\.(?: ?{_YEAR})?"
)
_BEFORE_A_SHORT_DATE = ("on", "am", "den", "vom", "le", "el", "met", "meet")
_AFTER_A_DATE_WORD = "|".join(
    rf"(?<=\b{word} {day})" for word in _BEFORE_A_SHORT_DATE for day in (r"\d", r"\d\d")
)
_DOTTED_SHORT = re.compile(
    digits("d", not_after=r"\d.:")
    + rf"(?:{_AFTER_A_DATE_WORD})\.{_MONTH}(?![\d.:]){_NOT_A_UNIT}(?! ?(?:uhr|am|pm)\b)"
)
"""A day and month without the last dot right after "on", "am" or "met" ("met on 24.11",
"Met 24.11"): elsewhere such a number is a decimal ("Python 3.11", "scored 2.3", "chapters
2.3 and 2.4") or a time ("Montag 9.10 bis 10.10"), never a meeting's date. The word is looked
behind for after the day's digits, so that the search still skips ahead to digits."""
_DAY_MONTH = re.compile(
    digits("d", not_after=r"\d.,:/")
    + rf"{_ORDINAL}?\.? ?(?:of |de )?(?P<mon>{MONTH_NAMES})\b\.?"
    + r"(?:,? (?:de )?(?P<y>\d{4})(?!\d))?"
)
_MONTH_DAY = re.compile(
    rf"\b(?P<mon>{MONTH_NAMES})\.? (?:the )?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?![.:/]\d)"
    rf"{_NOT_A_UNIT}(?:,? (?P<y>\d{{4}})(?!\d))?"
)
_DAY_ONLY = re.compile(
    r"\b(?:on (?:the )?|the )(?P<d>\d{1,2})(?:st|nd|rd|th)\b(?! (?:time|meeting|session|call"
    r"|one|week|month|year|day|attempt|try|of (?:the|this|my|our|us|them|it))\b)"
    rf"|(?:(?<![\w'.,:/-])(?<![\w'] ){_AFTER_YES})"
    r"(?P<o>\d{1,2})(?:st|nd|rd|th)\b(?= ?(?:[,.;:!)\n-]|\d|$))"
    r"|\b(?:am|den|vom) (?P<de>\d{1,2})\.(?! ?\d)"
    rf"|\ble (?P<fr>\d{{1,2}})(?:er|e|eme)?\b(?! ?(?:fois|ans|personnes|%|[:/,.]\d)){_NOT_A_UNIT}"
    rf"|\bel (?:dia )?(?P<es>\d{{1,2}})\b(?! ?(?:veces|anos|personas|%|[:/,.]\d)){_NOT_A_UNIT}"
)
_WEEKDAY_DAY = re.compile(
    rf"{_NOT_IN_AN_ADDRESS}{_NOT_A_SURNAME}\b(?:(?P<wd>{_WEEKDAY_NAMES})\.?,?"
    r" (?:the |den |le |el )?(?P<d>\d{1,2})(?:st|nd|rd|th|er)\b"
    r"|(?P<ws>mon|wed|sat|sun)\.?,? (?:the )?(?P<ds>\d{1,2})(?:st|nd|rd|th)\b"
    rf"|(?P<wd2>{lx.WEEKDAYS_BEFORE_A_BARE_DAY}),? (?:den |le |el )?(?P<d2>\d{{1,2}})"
    r"(?:\.(?! ?\d)|(?=[;!?)\n]|,(?!\d)|$| (?:and|und|et|y|for|fur|pour|pendant|durante|at|um"
    r"|vers)\b)))"
)
"""A weekday and a bare day ("Monday 16th", "Mon 16th", "Friday the 13th", "lundi 16", "el
lunes 16", "Montag, 16."): the day, which the weekday must agree with. An abbreviation that
is also a word takes only an English ordinal ("Mon 16th", not "mon 1er"). A number with no
ordinal counts only after a German, French or Spanish weekday (`WEEKDAYS_BEFORE_A_BARE_DAY`)
and before the clause's end or a word that goes on with it, not before a unit, a decimal
or a time ("Montag 1,5 Stunden", "lundi 14 à 15h", "lunes 10-11")."""
_LISTED_DAY = re.compile(
    r"(?<![\d.,:/])(?P<d>\d{1,2})(?:st|nd|rd|th|\.)?"
    r"(?= ?(?:,|&|\+|and|und|et|y) (?:the |le |el |am |den )?\d{1,2}(?:st|nd|rd|th|er|\.)?"
    rf" ?(?:of |de )?(?P<mon>{MONTH_NAMES})\b)"
    r"|(?<![\d.,:/])(?P<o>\d{1,2})(?:st|nd|rd|th)\b"
    r"(?= ?(?:,|&|\+|and) (?:the )?\d{1,2}(?:st|nd|rd|th)\b)"
    r"|(?:(?<=\d(?:st|nd|rd|th) and )|(?<=\d(?:st|nd|rd|th) & )|(?<=\d(?:st|nd|rd|th), )"
    r"|(?<=\d(?:st|nd|rd|th) \+ )|(?<=\d(?:st|nd|rd|th) and the ))"
    r"(?P<p>\d{1,2})(?:st|nd|rd|th)\b"
)
"""A day listed before another with its month ("3 and 17 November", "3. und 17. November"),
or a bare ordinal listed beside another ("the 3rd and 17th", "10th and 24th")."""
_AGO = re.compile(
    r"\b(?:(?P<fortnight>a|one) fortnight ago"
    rf"|(?P<n>\d{{1,2}}|{COUNTS}) (?:(?P<d>{lx.DAYS_UNITS})|{lx.WEEKS_UNITS}) ago"
    rf"|(?:vor|il y a|hace) (?P<n2>\d{{1,2}}|{COUNTS}) (?:(?P<d2>{lx.DAYS_UNITS})"
    rf"|{lx.WEEKS_UNITS}))\b"
)
WEEKDAY = re.compile(
    rf"\b(?:(?P<prev>{lx.WEEKDAY_PREVIOUS_WEEK}) (?:on |am |el |le )?"
    rf"|(?P<this>{lx.WEEKDAY_THIS_WEEK}) (?:on |am |el |le )?"
    rf"|(?P<last>{lx.WEEKDAY_BEFORE}) |(?P<blast>{lx.WEEKDAY_BEFORE_LAST}) "
    rf"|(?P<next>{lx.WEEKDAY_NEXT}) |(?:on|this|am|le|el|ce|diesen) )?"
    rf"(?P<wd>{_WEEKDAY_WORD})\b(?: (?:of |de )?(?:(?P<prev2>{lx.WEEKDAY_PREVIOUS_WEEK})"
    rf"|(?P<this2>{lx.WEEKDAY_THIS_WEEK})|(?P<next2>{lx.WEEKDAY_NEXT_AFTER}))\b"
    rf"| (?:(?P<last2>{lx.WEEKDAY_BEFORE_AFTER})|(?P<blast2>{lx.WEEKDAY_BEFORE_LAST_AFTER}))\b)?"
)
"""A weekday and what places it: "last Tuesday", "Tuesday before last", "Tuesday of last
week", "letzte Woche am Dienstag", "mardi prochain"."""
_RELATIVE = re.compile(rf"\b(?P<rel>{alternation(lx.DAYS_BEFORE)})\b")
_AGO_HINT = re.compile(r"ago\b|\b(?:vor|il y a|hace) ")
_WEEKDAY_HINT = re.compile(rf"\b(?:{_WEEKDAY_NAMES}|{alternation(lx.WEEKDAY_SHORT)})\b")
_MET = whole_words(lx.MET)
_CLAUSE_BREAK = re.compile(rf"\n|(?<!\d)[.!?;,:]|[.!?;,:](?!\d)| - |\b(?:{lx.CONTRAST})\b")
_RANGE_DASH = re.compile(r" ?- ?")
_LENGTH_FIRST = (
    r"(?:(?:for|fur|pendant|durante) )?(?:(?:about|around|roughly|ca|etwa|environ|unos) )?"
    rf"(?:an?|one|eine|une|una|half an|\d+(?:[.,]\d+)?) ?(?:{lx.HOURS_UNITS}|{lx.MINUTES_UNITS})"
    rf"(?: {lx.AND_A_HALF})?"
)
"""A meeting's length opening an item of a list of days ("for an hour on Monday and 30 mins
on Wednesday")."""
_LENGTH_BETWEEN = f" {_LENGTH_FIRST}"
"""A meeting's length between listed days ("on Monday for an hour and on Wednesday")."""
_LISTED = re.compile(
    r"(?: (?:morning|afternoon|evening|night|lunchtime|morgen|vormittag|nachmittag|abend"
    r"|matin|apres midi|soir|manana|tarde|noche))?"
    rf"(?:{_LENGTH_BETWEEN})?"
    r" ?(?:[,/&+] ?(?:(?:and|und|et|y) )?|(?:and|und|et|y|or|oder|ou|o|as well as) )"
    r"(?:(?:then|again|also|too|auch|wieder|dann|nochmal|noch einmal|erneut|puis|aussi"
    r"|encore|ensuite|luego|despues|tambien|de nuevo|otra vez) )*"
    rf"(?:{_LENGTH_FIRST} )?"
    r"(?:on |am |le |el |the )?"
)
"""What stands between dates listed together: "on the 10th and on the 17th", "lundi et
mardi", "Monday, and then again on Thursday", "am Montag und dann nochmal am Mittwoch",
"Monday/Wednesday", "Monday evening and Tuesday morning", "on Monday for an hour and on
Wednesday", "for an hour on Monday and 30 mins on Wednesday"."""
_LISTED_ON = re.compile(r"\b(?:and|und|et|y|then|dann|puis|luego|again|nochmal|wieder)\b")
_CALLED_OFF_WORDS = 3
_NEGATIONS = r"not|never|nicht|nie|kein\w*|pas|nunca"
_NEGATED = re.compile(rf"\b(?:{_NEGATIONS})\b|\bno$")
_NEGATED_RIGHT_BEFORE = re.compile(rf"\b(?:{_NEGATIONS}|no)$")
"""After "we met", a negation says a date is not the meeting's only right before it ("we met
not on Monday but on Tuesday"); a few words before, it is about something else ("we met
online (not in person) on Monday")."""
_CALLED_OFF = re.compile(
    r"\b(?:cancel\w*|postpon\w*|reschedul\w*|moved"
    r"|abgesagt|verschoben|verlegt|annule\w*|reporte\w*|deplace\w*|aplaz\w*|pospu\w*"
    r"|instead of|rather than|statt|anstatt|au lieu de|en vez de|en lugar de"
    r"|going to|supposed to|meant to|wanted to|planned to|were to|was to|wollten|sollten"
    r"|devait|devions|devaient|voulions|allions|ibamos a|iba a|queriamos)\b"
)
"""Words just before a date that say it is not the meeting's: called off or moved from, or
only planned. Negated ones (`_NEGATED`, a Spanish "no" right before it: "no el lunes") are
not the meeting's either."""
_BOUND = re.compile(
    r"\b(?:from|since|until|till|von|ab|seit|bis|depuis|jusqu'au|desde|hasta)"
    r"(?: (?:the|on|den|dem|der|le|la|l'|el))?$"
)
"""A word right before a date that makes it the bound of a period ("from the 28th", "bis
Montag"), not "from" a few words before it ("we met from home on Monday")."""
_TO_MEET = r"meet|see each other|catch up|get together|treffen|sehen|vernos|verse|nous voir"
_MEETING_DENIED = re.compile(
    rf"\b(?:not|never|nicht|nie|kein\w*|ne|pas|jamais|no|nunca)(?: [\w']+){{0,3}}?"
    rf" (?:{lx.MET}|{_TO_MEET})\b"
)
"""A negation with a meeting a few words after it: "nicht getroffen", "no nos vimos", "ne
s'est pas vus", "did not manage to meet"."""
_MOVED_TO = re.compile(r"\b(?:to|auf|nach|zum|au|al|a|for)(?: (?:the|den|dem|le|el))?$")
"""Words right before the day a meeting was moved to ("moved it to", "auf den")."""
_NEXT_STATEMENT = whole_words(lx.NEXT_STATEMENT)
_AGAIN_BEFORE = re.compile(
    r"\b(?:and|und|et|y|then|dann|puis|luego)(?: then| dann)?"
    r" (?:again|nochmal|noch einmal|wieder|erneut|encore|de nouveau|otra vez|de nuevo)"
    r"(?: (?:on|am|le|el|the))? ?$"
)
"""Right before a date, words joining it to the meeting as another ("and again on
Wednesday", "und nochmal am Mittwoch"): a second meeting. Not "we'll meet again on
Friday" nor "see you again on the 10th", plans."""
_ANOTHER_EVENT = whole_words(lx.ANOTHER_EVENT)
_SENTENCE_BREAK = re.compile(r"\n|[.!?](?!\d)")
_DAY_AROUND_ANOTHER = whole_words(lx.DAY_AROUND_ANOTHER)
_GERMAN = whole_words(lx.GERMAN_HINTS)
_FRENCH = whole_words(lx.FRENCH_HINTS)


def _numeric(match: re.Match[str], order: DateOrder) -> _Day:
    first, second = int(match["a"]), int(match["b"])
    day, month = (first, second) if order == "DMY" else (second, first)
    return _Day(day, month, _year(match["y"]))


def _day_only(match: re.Match[str]) -> _Day:
    return _Day(int(match["d"] or match["o"] or match["de"] or match["fr"] or match["es"]))


def _weekday_day(match: re.Match[str]) -> _Day:
    day = match["d"] or match["ds"] or match["d2"]
    return _Day(int(day), weekday=weekday_index(match["wd"] or match["ws"] or match["wd2"]))


def _listed_day(match: re.Match[str]) -> _Day:
    if match["mon"] is not None:
        return _Day(int(match["d"]), lx.MONTHS[match["mon"]])
    return _Day(int(match["o"] or match["p"]))


def _ago(match: re.Match[str]) -> _DaysBefore:
    if match["fortnight"]:
        return _DaysBefore(14)
    count = count_of(match["n"] or match["n2"])
    return _DaysBefore(count if match["d"] or match["d2"] else 7 * count)


def weekday_index(word: str) -> int:
    """Monday 0 to Sunday 6, for a weekday's name or abbreviation as `WEEKDAY` reads it."""
    return lx.WEEKDAYS.get(word, lx.WEEKDAY_SHORT.get(word, 0))


def _weekday(match: re.Match[str]) -> Weekday:
    week = -1 if match["prev"] or match["prev2"] else None
    return Weekday(
        weekday_index(match["wd"]),
        before=bool(match["last"] or match["last2"]),
        before_last=bool(match["blast"] or match["blast2"]),
        ahead=bool(match["next"] or match["next2"]),
        week=0 if match["this"] or match["this2"] else week,
    )


def _named_day(match: re.Match[str]) -> _Day:
    return _Day(int(match["d"]), lx.MONTHS[match["mon"]], _year(match["y"]))


def _date_readers(order: DateOrder) -> tuple[Reader[When], ...]:
    """The date patterns, most specific (highest rank) first, for one numeric date order."""
    return (
        Reader(_ISO, lambda m: _Day(int(m["d"]), int(m["m"]), int(m["y"])), DIGIT, 5),
        Reader(_DASHED, lambda m: _numeric(m, order), DIGIT, 5),
        Reader(_SLASHED, lambda m: _numeric(m, order), DIGIT, 4),
        Reader(_DOTTED, lambda m: _Day(int(m["d"]), int(m["m"]), _year(m["y"])), DIGIT, 4),
        Reader(_DOTTED_SHORT, lambda m: _Day(int(m["d"]), int(m["m"])), DIGIT, 4),
        Reader(_DAY_MONTH, _named_day, DIGIT, 4),
        Reader(_MONTH_DAY, _named_day, DIGIT, 4),
        Reader(_LISTED_DAY, _listed_day, DIGIT, 4),
        Reader(_WEEKDAY_DAY, _weekday_day, DIGIT, 3),
        Reader(_DAY_ONLY, _day_only, DIGIT, 3),
        Reader(_RELATIVE, lambda m: _DaysBefore(lx.DAYS_BEFORE[m["rel"]]), None, 2),
        Reader(_AGO, _ago, _AGO_HINT, 2),
        Reader(WEEKDAY, _weekday, _WEEKDAY_HINT, 1),
    )


_DATE_READERS: dict[DateOrder, tuple[Reader[When], ...]] = {
    "DMY": _date_readers("DMY"),
    "MDY": _date_readers("MDY"),
}


def dates_in(text: str, order: DateOrder) -> list[Found]:
    """Every date expression in `text`, in order; a vaguer one next to a more specific
    one ("Tuesday, 3 March") is left out, and so is German "hier" (here)."""
    found = [
        Found(m.start(), m.end(), reader.rank, when)
        for reader, m, when in read(_DATE_READERS[order], text)
    ]
    if any(text[f.start : f.end] == lx.AMBIGUOUS_YESTERDAY for f in found) and _is_german(text):
        found = [f for f in found if text[f.start : f.end] != lx.AMBIGUOUS_YESTERDAY]
    kept = [f for f in found if not any(_shadows(other, f) for other in found)]
    return sorted(kept, key=lambda f: (f.start, -f.end))


def _is_german(text: str) -> bool:
    return len(_GERMAN.findall(text)) > len(_FRENCH.findall(text))


def _shadows(specific: Found, vague: Found) -> bool:
    """Whether `specific` overlaps or touches `vague` and says more."""
    near = specific.start <= vague.end + 3 and vague.start <= specific.end + 3
    return near and specific.rank > vague.rank


def meeting_date(head: Head, *, today: date, date_order: DateOrder) -> date | Unusable | None:
    """The past date the reply states for its meeting; None if it states none, `Unusable`
    if the one it states cannot be the meeting's or its dates disagree.

    Questions, plans ("next Friday") and dates called off ("not on Tuesday", "cancelled on
    Monday", "were going to meet Monday", "am Dienstag nicht", "from the 28th", "21 Dec -
    4 Jan") are left out.
    Of the rest, the dates in the clause that says "we met" win: the one nearest after
    each met word with any listed beside it ("on the 10th and the 17th");
    a later date in that clause about something else ("and she texted me on Tuesday")
    does not count, but one after "and again" is another meeting's ("we met Tuesday for 45
    minutes, and again on Wednesday"). With no date there, only one said alone counts
    ("Yes, on Monday", "It was Monday", "Monday, 1h"), never another event's ("she had an
    exam on Friday"). Among the dates that count, a day still to come (a day and month
    later in the year than the reply, unless last year's lies within `_READ_BACK`) gives
    way to any other; alone it is Unusable, and so is any date with no such day, or two
    different days.
    """
    found = [
        f
        for f in _called_off_removed(head.text, dates_in(head.text, date_order))
        if not in_plan(head, f.start) and not (isinstance(f.when, Weekday) and f.when.ahead)
    ]
    tied = [f for f in found if _in_met_clause(head, f)]
    met = _met_dates(head.text, tied, found) if tied else _said_alone(head.text, found)
    if met:
        met += [f for f in found if _AGAIN_BEFORE.search(head.text, max(0, f.start - 30), f.start)]
    days = {_past(f.when, today) for f in met}
    if len(days) > 1:
        days.discard(Unusable.AHEAD)
    if Unusable.INVALID in days:
        return Unusable.INVALID
    if len(days) > 1:
        return Unusable.DISAGREE
    return next(iter(days), None)


def _met_dates(text: str, tied: list[Found], found: list[Found]) -> list[Found]:
    """Of the dates in "we met" clauses, the meetings': each date goes to the met word it
    stands nearest, each met word keeps the nearest of its dates, and the dates listed
    beside those count too ("on Monday and Tuesday", "le 10 et le 17", "on the 10th
    and again on the 17th"). More than one day among them is more than one meeting, which
    the caller makes unclear, also when the list runs on past a comma ("on Monday, and
    then again on Wednesday"); a later day of something else ("and she texted me on
    Tuesday") is none of them."""
    nearest: dict[int, tuple[int, int]] = {}  # met word's start: (gap, date's start)
    for f in tied:
        gap, met = min(
            (_gap(m, f), m.start()) for m in pair_meeting_phrases(text, *_clause(text, f))
        )
        nearest[met] = min(nearest.get(met, (gap, f.start)), (gap, f.start))
    anchors = {start for _, start in nearest.values()}
    return [
        f for run in _listed_runs(text, found) if any(f.start in anchors for f in run) for f in run
    ]


def _said_alone(text: str, found: list[Found]) -> list[Found]:
    """The dates whose sentence, up to the end of the date's clause, names no one and
    nothing else: with no "we met" beside it, a date beside another person or event may be
    that event's day ("her birthday was on the 20th", "she started her new job on Monday",
    "I work part-time (Tue, Wed)"), while "Yes, on Monday" or "Tuesday at 6.30pm, 45 mins"
    gives the meeting's."""
    return [f for f in found if _ANOTHER_EVENT.search(text, *_sentence_to_clause(text, f)) is None]


def _sentence_to_clause(text: str, found: Found) -> tuple[int, int]:
    """From the start of the sentence or line holding a date to the end of its clause: what
    leads up to the date ("I work part-time (Tue, Wed)"), not what a later clause adds
    ("gestern 45 Minuten, sie kam 10 Minuten zu spät")."""
    start = max((b.end() for b in _SENTENCE_BREAK.finditer(text, 0, found.start)), default=0)
    return start, _clause(text, found)[1]


def _listed_runs(text: str, dates: list[Found]) -> list[list[Found]]:
    """The dates in order, in runs of dates listed together ("on Monday and Tuesday"); two
    readings of the same words ("Monday the 9th" and "the 9th") stand in the same run."""
    runs: list[list[Found]] = []
    for f in dates:
        if runs and (f.start < runs[-1][-1].end or _listed_with(text, runs[-1][-1], f)):
            runs[-1].append(f)
        else:
            runs.append([f])
    return runs


def _listed_with(text: str, before: Found, after: Found) -> bool:
    """Whether `after` is listed with `before`: past a comma only with "and" or "then"
    ("on Monday, and then again on Wednesday", not "on Monday, Tuesday she was ill")."""
    if _LISTED.fullmatch(text, before.end, after.start) is None:
        return False
    crosses = _CLAUSE_BREAK.search(text, before.end, after.start) is not None
    return not crosses or _LISTED_ON.search(text, before.end, after.start) is not None


def _gap(met: re.Match[str], found: Found) -> int:
    """How many characters stand between a met word and a date, before or after it."""
    return found.start - met.end() if met.end() <= found.start else max(met.start() - found.end, 0)


def _called_off_removed(text: str, found: list[Found]) -> list[Found]:
    """The dates that are not negated, cancelled, moved from, the bounds of a period, the
    day a meeting was only meant to be, or another event's, which the meeting was the day
    after or before ("we met the day after her exam on the 20th")."""
    in_range: set[int] = set()
    for first, second in pairwise(found):
        if _RANGE_DASH.fullmatch(text, first.end, second.start):
            in_range.update((first.start, second.start))
    return [
        f
        for f in found
        if f.start not in in_range
        and _DAY_AROUND_ANOTHER.search(text, *_clause(text, f)) is None
        and not _called_off(text, f)
        and not _negated_after(text, f)
    ]


def _called_off(text: str, found: Found) -> bool:
    """Whether the words before a date say it is not the meeting's, unless they make it the
    day a meeting was moved to ("moved it to Tuesday", "von Montag auf Dienstag")."""
    before = _words_before(text, found)
    if _BOUND.search(before) is not None:
        return True
    clause_start, _ = _clause(text, found)
    after_met = _MET.search(text, clause_start, found.start) is not None
    negated = (_NEGATED_RIGHT_BEFORE if after_met else _NEGATED).search(before) is not None
    called_off = negated or _CALLED_OFF.search(before) is not None
    return called_off and _MOVED_TO.search(before) is None


def _negated_after(text: str, found: Found) -> bool:
    """Whether the date's clause says they did not meet: before the date ("no nos vimos el
    martes") or after it ("am Dienstag nicht getroffen", "el martes no nos vimos", "on
    Tuesday we did not manage to meet").

    Not when the clause said they met before the date ("we met on Tuesday and did not
    get through everything"); a negation of anything but meeting ("and no issues", "we met
    Tuesday, not Wednesday") leaves the date standing.
    """
    clause_start, clause_end = _clause(text, found)
    statement_start = _statement_start(text, clause_start, found.start)
    if _MEETING_DENIED.search(text, statement_start, found.start):
        return True
    if _MET.search(text, clause_start, found.start):
        return False
    return _MEETING_DENIED.search(text, found.end, clause_end) is not None


def _words_before(text: str, found: Found) -> str:
    """The last few words before a date, within its clause and statement."""
    clause_start, _ = _clause(text, found)
    start = _statement_start(text, clause_start, found.start)
    return " ".join(text[start : found.start].split()[-_CALLED_OFF_WORDS:])


def _statement_start(text: str, start: int, end: int) -> int:
    """Where the last statement in `text[start:end]` starts: after its last "and" or "so"
    with words of its own after it ("verschoben und uns am Mittwoch", "rescheduled and met
    on Wednesday"), not one that only lists dates ("cancelled Monday and Tuesday")."""
    for joint in reversed(list(_NEXT_STATEMENT.finditer(text, start, end))):
        if _NEXT_STATEMENT.sub(" ", text[joint.end() : end]).strip():
            return joint.end()
    return start


def _clause(text: str, found: Found) -> tuple[int, int]:
    """Where the clause holding a date starts and ends: commas, colons, dashes, "but" and
    line and sentence ends bound it."""
    return _clause_around(text, found.start, found.end)


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause holding `text[start:end]` starts and ends."""
    clause_start = max((b.end() for b in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    after = _CLAUSE_BREAK.search(text, end)
    return clause_start, after.start() if after else len(text)


def _in_met_clause(head: Head, found: Found) -> bool:
    """Whether the date is in the clause that says the pair met."""
    return bool(pair_meeting_phrases(head.text, *_clause(head.text, found)))


_SEASONS = (
    r"summer|spring|autumn|fall|winter|sommer|fruhling|fruhjahr|herbst|ete|printemps|automne"
    r"|hiver|verano|primavera|otono|invierno"
)
_MONTH_PART = rf"(?:{lx.MONTH_START}|{lx.MONTH_MIDDLE}|{lx.MONTH_END}) "
_MONTH_ONLY = re.compile(
    rf"\b(?:back )?(?:in|im|en|over)(?: (?:the|el|l'))? (?:{_MONTH_PART})?"
    rf"(?:(?P<mon>{MONTH_NAMES})|{_SEASONS})\b"
    rf"|\b(?:last|letzten|vergangenen) (?:month|monat|{_SEASONS})\b"
    r"|\ble mois dernier\b|\bel mes pasado\b"
    rf"|\b(?:a|one|\d+|{COUNTS}) months? ago\b|\bvor (?:einem|\w+) monaten?\b"
)
"""A time no finer than a month or a season: "in October", "back in September", "in the
summer", "last month", "two months ago"."""


def dated_by_month_only(head: Head, *, today: date) -> bool:
    """Whether the reply dates its meeting by a month or season before this one and nothing
    finer: "We last met in October", "Yes, back in September", "We met last month".

    Taken for a meeting today, such a reply would make a pair months overdue look as if it
    had just met; a person reads it instead. A phrase counts in the clause saying "we met"
    or standing alone ("Yes, back in September"); not in a plan, nor elsewhere ("she started
    her job in October", "Back in September she was stuck"). This month ("in November" said
    in November) is no older than an undated meeting.
    """
    for found in _MONTH_ONLY.finditer(head.text):
        month = found["mon"]
        if (month is not None and lx.MONTHS[month] == today.month) or in_plan(head, found.start()):
            continue
        start, end = _clause_around(head.text, *found.span())
        alone = head.text[start:end].strip() == found[0].strip()
        if alone or _MET.search(head.text, start, end):
            return True
    return False


def safe_date(year: int, month: int, day: int) -> date | None:
    """That date, or None if there is no such day ("31/2") or it is beyond the calendar."""
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def shift_days(day: date, days: int) -> date | None:
    """The date `days` later (earlier if negative), or None beyond the calendar."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def add_months(day: date, months: int, *, day_of_month: int | None = None) -> date | None:
    """The date `months` later (earlier if negative), on `day_of_month` or the same day,
    clamped to the month's end."""
    years, index = divmod(day.month - 1 + months, 12)
    wanted = day_of_month or day.day
    for candidate in (wanted, 30, 29, 28):
        if candidate <= wanted:
            result = safe_date(day.year + years, index + 1, candidate)
            if result is not None:
                return result
    return None


def _past(when: When, today: date) -> date | Unusable:
    """The date meant, looking back from `today`; a weekday said to be ahead ("next
    Friday") is a plan, which `meeting_date` leaves out before asking."""
    match when:
        case _DaysBefore(days=days):
            day = shift_days(today, -days)
        case Weekday(index=index, week=int(week)):
            day = shift_days(today, 7 * week + index - today.weekday())
        case Weekday(index=index, before=before, before_last=before_last):
            back = (today.weekday() - index) % 7 or (7 if before or before_last else 0)
            day = shift_days(today, -(back + (7 if before_last else 0)))
        case _Day(month=None, weekday=int(weekday)):
            return _past_weekday_day(when.day, weekday, today)
        case _Day(month=None):
            return _past_day_of_month(when.day, today)
        case _Day(month=int(month), year=None):
            return _past_day_and_month(when.day, month, today)
        case _Day(month=int(month), year=int(year)):
            day = safe_date(year, month, when.day)
    if day is None or today - day > _MAX_AGE:
        return Unusable.INVALID
    return Unusable.AHEAD if day > today else day


def _past_day_of_month(day: int, today: date) -> date | Unusable:
    """The last such day up to `today` in this month or the two before ("the 31st" said on
    2 December is 31 October); INVALID if none has it."""
    firsts = (add_months(today, -back, day_of_month=1) for back in range(_BARE_DAY_MONTHS))
    candidates = (safe_date(m.year, m.month, day) for m in firsts if m)
    return next((d for d in candidates if d is not None and d <= today), Unusable.INVALID)


def _past_weekday_day(day: int, weekday: int, today: date) -> date | Unusable:
    """The day that a bare day and its weekday name give ("Friday 13th"): the last such
    day up to `today` (`_past_day_of_month`) if it falls on `weekday`; AHEAD if the next
    one does (a plan, "Monday 30th" said on Friday 27 November); INVALID if neither does,
    because the weekday or the day is a slip: a person reads it rather than a meeting being
    logged on a guess."""
    past = _past_day_of_month(day, today)
    if isinstance(past, date) and past.weekday() == weekday:
        return past
    upcoming = future(_Day(day), today)
    if upcoming is not None and upcoming.weekday() == weekday:
        return Unusable.AHEAD
    return Unusable.INVALID


def _past_day_and_month(day: int, month: int, today: date) -> date | Unusable:
    """That day this year if it has come, else last year's if it lies within `_READ_BACK`
    (or, when this year has no such day, 29 February, within `_MAX_AGE`); AHEAD if it is
    later, INVALID if neither year has it within reach."""
    this_year = safe_date(today.year, month, day)
    if this_year is not None and this_year <= today:
        return this_year
    last_year = safe_date(today.year - 1, month, day)
    if last_year is None:
        return Unusable.INVALID if this_year is None else Unusable.AHEAD
    if this_year is None:
        return last_year if today - last_year <= _MAX_AGE else Unusable.INVALID
    return last_year if today - last_year <= _READ_BACK else Unusable.AHEAD


def future(when: When, today: date) -> date | None:
    """The first such date after `today`: "the 31st" in the next month that has one, "29
    February" this year or next, "Monday 4th" the first 4th on a Monday within three
    months (None if there is none); None for days counted back."""
    match when:
        case Weekday(index=index):
            return shift_days(today, (index - today.weekday()) % 7 or 7)
        case _Day(month=None):
            # Every day from the 1st to the 31st comes round within three months.
            firsts = (add_months(today, ahead, day_of_month=1) for ahead in range(3))
            candidates = [safe_date(m.year, m.month, when.day) for m in firsts if m]
            if when.weekday is not None:
                candidates = [d for d in candidates if d and d.weekday() == when.weekday]
        case _Day(month=int(month), year=None):
            candidates = [safe_date(y, month, when.day) for y in (today.year, today.year + 1)]
        case _Day(month=int(month), year=int(year)):
            candidates = [safe_date(year, month, when.day)]
        case _:
            return None
    return next((d for d in candidates if d is not None and d > today), None)
