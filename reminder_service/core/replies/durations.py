"""How long a meeting lasted, in minutes: "45 min", "1h30", "for 1:15", "an hour and a half",
"una hora y cuarto", "3/4 Stunde", "90'", "1 Std. 15 Min.", "1 hour 15", "von 14 bis 15 Uhr",
"3-4pm", "18:00-19:15"; of a range of lengths within one hour ("1h-1h30"), the first.

"1:15" is a length only tied to the meeting ("for 1:15", "lasted 1:15"): on its own ("met
Monday, 2:30") it is far more often the time they met. Times of day ("a las 15h", "at
1:15"), dates and durations in plans or questions are not the meeting's length; neither is
0 or anything over 12 hours, a time ago ("2 hours ago", "vor 2 Stunden") or the length of
something else ("10 minutes late", "a 2 hour commute", "2 hours after her interview").
"""

from __future__ import annotations

import re
from bisect import bisect_left

from reminder_service.core.replies import lexicon as lx
from reminder_service.core.replies.head import (
    POSITIVE,
    Head,
    in_plan,
    pair_meeting_phrases,
    said_in_writing,
    someone_elses_meeting,
)
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

_MAX_MINUTES = 12 * 60
_MAX_SPAN_MINUTES = 4 * 60
_CLAUSE_ENDS = re.compile("[,;]")
_H = lx.HOURS_UNITS
_HW = lx.HOURS_WORDS
_M = lx.MINUTES_UNITS
_NUM = r"\d{1,3}(?:[.,]\d{1,2})?"
_MINUTE_WORDS = alternation(lx.MINUTES_IN_WORDS)
_HOURS_HINT = re.compile(r"hour|stund|heure|hora|hr")
_WHOLE = r"good|solid|full|whole|gute|volle|ganze|knappe|bonne|petite"
"""Between a count and its hours, and saying nothing of how many: "a good hour", "eine
gute Stunde", "une bonne heure"."""
_MINUTES_HINT = re.compile(r"min")
_CLOCK_BEFORE = re.compile(
    r"\b(?:at|um|a las|a la|a|vers|gegen|ab|des|desde|from|von|de|bis|until|till|hasta"
    r"|jusqu'a|around) ?$"
)
_CLOCK_AFTER = re.compile(r" ?(?:am|pm|uhr|o'clock|a\.m|p\.m)\b")
_CLOCK_LIKE = re.compile(r"\d{1,2}(?: ?h(?: ?\d{2})?|:\d{2})")
_FRACTIONS = {
    phrase: minutes
    for minutes, row in (
        (15, "and a quarter|und ein viertel|und viertel|et quart|et un quart|y cuarto"),
        (15, "y un cuarto"),
        (30, lx.AND_A_HALF),
        (45, "and three quarters|und dreiviertel|et trois quarts|y tres cuartos"),
    )
    for phrase in row.split("|")
}
_SLASH_FRACTIONS = {"1/4": 15, "1/2": 30, "3/4": 45, "1/3": 20, "2/3": 40}
"""Fractions of an hour written with a slash; `head` folds "¾", and 3/4 written with the
fraction slash U+2044, to "3/4"."""
_SLASH_FRACTION = alternation(_SLASH_FRACTIONS)
_OF_AN_HOUR = rf"(?:{_H}|(?:(?:of )?an |d')(?:{_HW}))"
"""The unit after a fraction: "3/4 h", "1/2 Stunde", "1/2 an hour", "3/4 of an hour",
"1/4 d'heure"."""
_APPROXIMATELY = (
    r"about|around|almost|nearly|over|just|only|like|roughly|approximately|a good|a full"
    r"|etwa|ca|circa|ungefahr|fast|knapp|gut|uber|environ|presque|pres de|plus de|a peine"
    r"|unos|unas|casi|como|alrededor de|mas de|apenas"
)
_LASTED = r"for|lasted|took|spent|fur|wahrend|dauerte|pendant|dure|durait|durante|duro"
_TIED_AFTER = re.compile(
    r"[ -]?(?:long )?(?:call|meeting|chat|session|talk|coffee|walk|conversation"
    r"|video call|phone call|zoom|catch up|catchup|sync|gesprach|treffen|telefonat|anruf"
    r"|videocall|austausch|appel|reunion|rendez vous|entretien|echange|visio|llamada"
    r"|charla|videollamada|cafe)s?\b"
)
_AGO_BEFORE = re.compile(rf"\b(?:vor|il y a|hace)(?: (?:{_APPROXIMATELY}))? $")
_AGO_AFTER = re.compile(r" (?:or so )?ago\b")
_SOMETHING_ELSE_AFTER = re.compile(
    r"'?[ -]?(?:away|ahead|behind|commute|drive|ride|flight|train|trip|journey"
    r"|delay|wait|difference|zu spat|verspatung|fahrt|anfahrt|fahrzeit|entfernt"
    r"|zeitverschiebung|de retard|en retard|d'avance|en avance|de route|de trajet|de train"
    r"|de vol|de decalage|tarde|antes|de retraso|de viaje|de camino|de distancia"
    r"|de diferencia)\b"
)
_OFFSET_AFTER = re.compile(
    r"'?[ -]?(?:after|before|later|earlier|nach|vor(?! ort\b)|apres|avant|despues"
    r"|(?:walk|drive|ride) (?:from|to|away))\b"
)
_LASTED_BEFORE = re.compile(rf"\b(?:{_LASTED})(?: (?:{_APPROXIMATELY}))? $")
_WHEN = rf"on|in|this|last|next|that|morning|afternoon|evening|night|{alternation(lx.WEEKDAYS)}"
_LATE_OR_EARLY = re.compile(r"[ -]?(?:late|early)\b")
_WHEN_AFTER = re.compile(rf" (?:{_WHEN})\b")
_MET = whole_words(lx.MET)
_NEXT_STATEMENT = whole_words(lx.NEXT_STATEMENT)
_ANOTHER_EVENT = whole_words(lx.ANOTHER_EVENT)
_SOMEONE_ELSE_FIRST = re.compile(lx.SOMEONE_ELSE_FIRST)
_OTHERS_FIRST = re.compile(lx.OTHERS_FIRST)
_PLANNED_LENGTH = whole_words(lx.PLANNED_LENGTH)
_GAP_TO_LENGTH = re.compile(r"(?: [\w']+){0,4} ")
_ALSO = re.compile(r"\b(?:also|auch|aussi|tambien) $")
_CLAUSE_BREAK = re.compile(rf"[,:;]| - |\b(?:{lx.CONTRAST})\b")


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _tied(source: str) -> str:
    """Lookbehinds requiring a word that says how long ("for", "lasted")."""
    return "(?:" + "|".join(rf"(?<=\b{word} )" for word in source.split("|")) + ")"


def _hours_and_minutes(match: re.Match[str]) -> float:
    minutes = match["m"]
    return 60 * count_of(match["h"]) + (lx.MINUTES_IN_WORDS.get(minutes) or int(minutes))


_SPAN_END = rf"\b(?! ?(?:{_HW}|{_M}|times|mal|fois|veces)\b)"
"""After a span of clock times: not a unit ("between 1 and 2 hours", "3-4 times")."""
_NOT_A_MONTHS_DAY = "".join(rf"(?<!\b{month} \d)" for month in lx.MONTHS)
"""After a range's first digit: it is not a day after its month ("Nov 12 - 45 minutes" is
a date and a length, not 12 to 45 minutes)."""
_CLOCK = r"(?:[01]?\d|2[0-3])"
_MINUTES = r"[0-5]\d"
_HALVES = r"(?:00|15|30|45)"
"""Minutes after a dot ("9.30"): only the usual ones, as "19.11" is more often a date."""
_SOMETHING_ELSE_BEFORE = re.compile(
    r"\b(?:commute|drive|ride|flight|trip|journey|fahrt|anfahrt|fahrzeit|trajet|viaje"
    r"|trayecto)s? (?:is|was|takes|took|ist|war|dauert|dauerte|est|etait|dure|es|fue|dura)"
    rf"(?: (?:{_APPROXIMATELY}))? $"
)


def _clock_range(match: re.Match[str]) -> float:
    return _clock_range_of(match["h1"], match["m1"], match["h2"], match["m2"])


def _clock_range_of(h1: str, m1: str | None, h2: str, m2: str | None) -> float:
    """Minutes from one clock time to the next; "11-1pm" crosses noon."""
    start = 60 * int(h1) + int(m1 or 0)
    end = 60 * int(h2) + int(m2 or 0)
    return end - start if end > start else end + _MAX_MINUTES - start


_CLOCK_SPANS: tuple[Reader[float], ...] = (
    Reader(
        re.compile(
            rf"(?<![\d.,:/])(?P<h1>{_CLOCK})(?:(?::(?P<m1>{_MINUTES}))|\.(?P<d1>{_HALVES}))"
            rf" ?- ?(?P<h2>{_CLOCK})(?:(?::(?P<m2>{_MINUTES}))|\.(?P<d2>{_HALVES}))"
            r"(?![\d.:/])"
        ),
        lambda m: _clock_range_of(m["h1"], m["m1"] or m["d1"], m["h2"], m["m2"] or m["d2"]),
        DIGIT,
    ),
    Reader(
        re.compile(
            rf"(?<![\d.,:/])(?P<h1>{_CLOCK})h(?:(?P<m1>{_MINUTES})|(?! ?- ?(?P=h1)h))"
            rf" ?- ?(?P<h2>{_CLOCK})h"
            rf"(?P<m2>{_MINUTES})?\b"
        ),
        _clock_range,
        DIGIT,
    ),
    Reader(
        re.compile(
            rf"(?<![\d.,:/])(?P<h1>{_CLOCK})(?::(?P<m1>{_MINUTES}))? ?(?:am|pm)? ?- ?"
            rf"(?P<h2>{_CLOCK})(?::(?P<m2>{_MINUTES}))? ?(?:am|pm)\b"
        ),
        _clock_range,
        DIGIT,
    ),
    Reader(
        re.compile(
            rf"\bbetween (?P<h1>{_CLOCK})(?:[:.](?P<m1>{_MINUTES}))? ?(?:am|pm|h)?"
            rf" and (?P<h2>{_CLOCK})(?:[:.](?P<m2>{_MINUTES}))? ?(?:am|pm|h)?{_SPAN_END}"
        ),
        _clock_range,
        DIGIT,
    ),
)
"""Spans of clock times with no "from" before them ("3-4pm", "18:00-19:15", "14h-15h",
"between 5 and 6pm"): a meeting's length only in a sentence that reports one, since alone
they are as often office hours in a signature ("Mon-Fri 9:00-17:00")."""
_CLOCK_SPAN_PATTERNS = frozenset(reader.pattern for reader in _CLOCK_SPANS)

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
    *_CLOCK_SPANS,
    Reader(
        re.compile(r"(?<![\d.,:/])(?P<h>\d)h ?- ?(?P=h)h ?[0-5]\d\b"),
        lambda m: 60 * int(m["h"]),
        DIGIT,
    ),
    Reader(
        re.compile(
            digits(
                "a",
                most=3,
                not_after=r"\d.,/-",
                decimals=True,
                first_digit_checks=_NOT_A_MONTHS_DAY,
            )
            + rf" ?(?:-|to|or|bis|oder|a|ou|o) ?(?P<b>{_NUM}) ?"
            + rf"(?:(?P<h>{_H})|{_M})\b"
        ),
        lambda m: (_number(m["a"]) + _number(m["b"])) / 2 * (60 if m["h"] else 1),
        DIGIT,
    ),
    Reader(
        re.compile(
            digits("h", not_after=r"\d.,:") + rf" ?(?:hrs?|h) ?(?P<m>\d{{2}})(?: ?(?:{_M}))?\b"
        ),
        _hours_and_minutes,
        DIGIT,
    ),
    Reader(
        re.compile(
            rf"\b(?P<h>\d{{1,2}}|{COUNTS}) (?:{_HW}|hrs?|std)\.? (?:and |und |et |y )?"
            rf"(?P<m>\d{{1,2}}|{_MINUTE_WORDS}) ?(?:{_M})\b"
        ),
        _hours_and_minutes,
        _MINUTES_HINT,
    ),
    Reader(
        re.compile(
            digits("h", not_after=r"\d.,:") + rf" (?:{_HW}|hrs|std)\.? (?:and |und )?"
            r"(?P<m>[0-5]\d)\b(?![.,:/]?\d| ?(?:st|nd|rd|th)\b)"
            + rf"(?! (?:{alternation(lx.MONTHS)})\b)"
        ),
        _hours_and_minutes,
        DIGIT,
    ),
    Reader(
        re.compile(_tied(_LASTED) + r"(?P<h>\d{1,2}):(?P<m>\d{2})\b"),
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
            rf"\b(?P<n>\d{{1,2}}|{COUNTS}) (?:(?P<f>{alternation(_FRACTIONS)}) (?:{_HW}|hrs?)"
            rf"|(?:{_HW}|hrs?) (?P<g>{alternation(_FRACTIONS)}))\b"
        ),
        lambda m: 60 * count_of(m["n"]) + _FRACTIONS[m["f"] or m["g"]],
        _HOURS_HINT,
    ),
    Reader(
        re.compile(digits("n", not_after=r"\d.,") + rf" (?P<f>{_SLASH_FRACTION}) ?(?:{_H})\b"),
        lambda m: 60 * int(m["n"]) + _SLASH_FRACTIONS[m["f"]],
        DIGIT,
    ),
    Reader(
        re.compile(rf"(?<![\d.,])\b(?P<f>{_SLASH_FRACTION}) ?{_OF_AN_HOUR}\b"),
        lambda m: _SLASH_FRACTIONS[m["f"]],
        DIGIT,
    ),
    Reader(
        re.compile(rf"\b(?:{alternation(lx.FIXED_DURATIONS)})\b"),
        lambda m: lx.FIXED_DURATIONS[m.group()],
        _HOURS_HINT,
    ),
    Reader(
        re.compile(digits("n", most=3, not_after=r"\d.,:/", decimals=True) + rf"[ -]?(?:{_H})\b"),
        lambda m: 60 * _number(m["n"]),
        DIGIT,
    ),
    Reader(
        re.compile(
            rf"\b(?P<n>{COUNTS}) (?:(?:{_WHOLE}) )?(?:{_HW}|hrs?)\b"
            rf"(?! (?:{alternation(_FRACTIONS)})\b)"
        ),
        lambda m: 60 * count_of(m["n"]),
        _HOURS_HINT,
    ),
    Reader(
        re.compile(digits("n", most=3, not_after=r"\d.,:/") + rf"[ -]?(?:{_M})\b"),
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
    """Minutes the meeting lasted; None if the reply states none, or none we can tell is
    the meeting's.

    Lengths that are times of day, dates, in plans, "ago" phrases or about something else
    ("10 minutes late") are not the meeting's. A lone one left is ("Yes, Monday, 1h"),
    unless its sentence neither reports the meeting nor ties the length to it, and its
    clause is about another person ("Yes, we met. Her commute is now 30 minutes"). Of
    several, one right after "met" wins ("we waited 15 minutes, then met for an hour"), and
    two different ones there give None ("chatted for 5 min, then met for 1h"); else the
    first in a sentence reporting a meeting wins unless it is someone's own
    ("I spent 2 hours preparing and we met for 1h") and one tied to the meeting follows;
    then the reply's first statement: the first in a
    sentence reporting a meeting ("Met Monday, 40 mins. She was stuck in traffic for 20
    minutes"), else the first tied to the meeting ("a 30-minute call"); none of either gives
    None, because guessing would log the length of something else.
    """
    lengths = _meeting_lengths(head)
    if len({m.span() for m, _ in lengths}) <= 1:
        return next((minutes for m, minutes in lengths if _may_be_the_meetings(head, m)), None)
    closest = _right_after_met(head, lengths)
    if closest:
        return closest.pop() if len(closest) == 1 else None
    reported = [(m, minutes) for m, minutes in lengths if _in_report(head, m.start())]
    tied = [(m, minutes) for m, minutes in lengths if _is_tied(head, m)]
    own = [f for f in reported if f in tied or not _of_someone_else(head, f[0].start())]
    return next((minutes for _, minutes in own + reported + tied), None)


def _may_be_the_meetings(head: Head, m: re.Match[str]) -> bool:
    """Whether the reply's only length may be the meeting's: in a sentence reporting it,
    tied to it, or in a clause whose subject is not another person or their thing ("her
    commute is 2 hours each way, so we did 30 min online": 30) and that tells of no one
    else's meeting ("I spoke with her manager for 30 minutes")."""
    if _in_report(head, m.start()) or _is_tied(head, m):
        return True
    start, _ = _clause_around(head, m)
    return _SOMEONE_ELSE_FIRST.match(head.text[start : m.start()]) is None and not (
        _in_someone_elses_clause(head, m)
    )


def _in_someone_elses_clause(head: Head, m: re.Match[str]) -> bool:
    """Whether the clause of a length tells of someone else's meeting ("she had a 30-minute
    call with the recruiter")."""
    text, (start, end) = head.text, _clause_around(head, m)
    return any(someone_elses_meeting(text, met) for met in _MET.finditer(text, start, end))


def _in_future_clause(head: Head, m: re.Match[str]) -> bool:
    """Whether a length follows a word of the future in its clause, with no meeting
    reported in between ("and will meet again on Friday for 2 hours")."""
    text, (start, _) = head.text, _clause_around(head, m)
    future = [f.end() for f in _PLANNED_LENGTH.finditer(text, start, m.start())]
    return bool(future) and _MET.search(text, future[-1], m.start()) is None


def _clause_around(head: Head, m: re.Match[str]) -> tuple[int, int]:
    """Where the clause holding `m` starts and ends, within its sentence: at a comma, a
    dash, "but", or "and", "so" or "then" opening a statement of its own."""
    text = head.text
    sentence = head.sentence_at(m.start())
    start, end = (sentence.start, sentence.end) if sentence else (0, len(text))
    breaks = [
        *_CLAUSE_BREAK.finditer(text, start, end),
        *_NEXT_STATEMENT.finditer(text, start, end),
    ]
    start = max((b.end() for b in breaks if b.end() <= m.start()), default=start)
    end = min((b.start() for b in breaks if b.start() >= m.end()), default=end)
    return start, end


def _meeting_lengths(head: Head) -> list[tuple[re.Match[str], int]]:
    """The lengths that may be the meeting's, in order, without those inside a longer one
    ("una hora" in "una hora y cuarto"), overlapping one that is not a length of the
    meeting ("an hour" in "an hour and a half ago"), or in a clause whose subject is
    someone else ("her manager joined for 10 minutes")."""
    text = head.text
    found = [
        (m, minutes)
        for m, minutes in durations_in(text)
        if not _is_clock_time(text, m)
        and not in_plan(head, m.start())
        and not _in_future_clause(head, m)
    ]
    other = [
        m
        for m, minutes in found
        if _is_ago(text, m)
        or _is_of_something_else(head, m)
        or _OTHERS_FIRST.match(text[_clause_around(head, m)[0] : m.start()]) is not None
        or _is_hours_of_work(head, m, minutes)
        or said_in_writing(text, *m.span())
    ]
    spans = [m.span() for m, _ in found]
    kept = [
        (m, minutes)
        for m, minutes in found
        if not any(overlap(m.span(), o.span()) for o in other)
        and not any(_inside(m.span(), span) for span in spans)
    ]
    return sorted(kept, key=lambda found: (found[0].start(), -found[0].end()))


def overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether spans `a` and `b` share a character."""
    return a[0] < b[1] and b[0] < a[1]


def _inside(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether span `a` lies inside the longer span `b`."""
    return a != b and b[0] <= a[0] and a[1] <= b[1]


def _is_hours_of_work(head: Head, m: re.Match[str], minutes: int) -> bool:
    """Whether a span of clock times with no "from" is more likely someone's hours ("Mon-Fri
    9:00-17:00" in a signature) than a meeting's: it is longer than a meeting, or not in the
    clause reporting one (`_in_met_clause`)."""
    return m.re in _CLOCK_SPAN_PATTERNS and (
        minutes > _MAX_SPAN_MINUTES or not _in_met_clause(head, m)
    )


def _in_met_clause(head: Head, m: re.Match[str]) -> bool:
    """Whether a span of clock times stands in a sentence reporting a meeting and, if the
    sentence says "we met", in that clause ("met Monday 19:00-19:45"; "yes, Monday 7-8pm"):
    a comma or semicolon ends a clause, so "met Monday, the webinar 10:00-12:00 is on
    Friday" gives the webinar's hours, not the meeting's length."""
    sentence = head.sentence_at(m.start())
    if sentence is None or not sentence.signals & POSITIVE:
        return False
    text = head.text
    if _MET.search(text, sentence.start, sentence.end) is None:
        return True
    before = _CLAUSE_ENDS.split(text[sentence.start : m.start()])[-1]
    after = _CLAUSE_ENDS.split(text[m.end() : sentence.end])[0]
    return _MET.search(f"{before}{m.group()}{after}") is not None


def _is_ago(text: str, m: re.Match[str]) -> bool:
    """Whether a length says when, not how long: "2 hours ago", "vor 2 Stunden", "il y a
    deux heures", "hace dos horas"."""
    before = _AGO_BEFORE.search(text, max(0, m.start() - 30), m.start())
    return before is not None or _AGO_AFTER.match(text, m.end()) is not None


def _is_of_something_else(head: Head, m: re.Match[str]) -> bool:
    """Whether a length is about something else: "10 minutes late", "a 2 hour commute", or
    an offset from another event or place ("met 2 hours after her interview", "45 minutes'
    walk from her office") unless a word saying how long comes before it ("met for an hour
    after work").

    "Late" and "early" before a time, after "met" ("we met for an hour early on Tuesday",
    "late Tuesday evening"), say when the meeting was; elsewhere ("she was 10 minutes late
    on Monday") that someone was late or early.
    """
    text, end = head.text, m.end()
    if _SOMETHING_ELSE_AFTER.match(text, end) or _SOMETHING_ELSE_BEFORE.search(
        text, max(0, m.start() - 40), m.start()
    ):
        return True
    if _OFFSET_AFTER.match(text, end):
        return _LASTED_BEFORE.search(text, max(0, m.start() - 30), m.start()) is None
    late = _LATE_OR_EARLY.match(text, end)
    if late is None:
        return False
    return _WHEN_AFTER.match(text, late.end()) is None or not _after_met(head, m.start())


def _is_tied(head: Head, m: re.Match[str]) -> bool:
    """Whether a length is tied to the meeting: "a 30-minute call", or after "met" in the
    same clause ("we met 45 minutes"), the pair's, not someone else's ("she had a 30-minute
    call with the recruiter"). "For" alone ties it to nothing: "stuck in traffic for 20
    minutes"."""
    tied_after = _TIED_AFTER.match(head.text, m.end()) is not None
    return (tied_after and not _in_someone_elses_clause(head, m)) or _after_met(head, m.start())


def _right_after_met(head: Head, lengths: list[tuple[re.Match[str], int]]) -> set[int]:
    """The lengths that come first after a word reporting a meeting (not a written one, nor
    one "also" had), with at most four words between and none opening another statement:
    "met for an hour", "met Thursday for an hour", "met properly for 1h"; not "met and then
    waited 10 minutes" nor "45 min, and we also chatted for 10 minutes"."""
    text = head.text
    starts = [m.start() for m, _ in lengths]
    found: set[int] = set()
    for met in pair_meeting_phrases(text):
        index = bisect_left(starts, met.end())
        if index == len(starts):
            break
        start = starts[index]
        if (
            _GAP_TO_LENGTH.fullmatch(text, met.end(), start) is not None
            and _NEXT_STATEMENT.search(text, met.end(), start) is None
            and _ALSO.search(text, max(0, met.start() - 8), met.start()) is None
            and not said_in_writing(text, *met.span())
        ):
            found.add(lengths[index][1])
    return found


def _of_someone_else(head: Head, start: int) -> bool:
    """Whether the words before `start` in its statement (back to a comma, "but", "and" or
    "so") name someone or something else: "I spent 2 hours preparing", "she was stuck in
    traffic for 20 minutes"; not "Yes, 45 min"."""
    sentence = head.sentence_at(start)
    words = head.text[sentence.start if sentence else 0 : start]
    statement = _NEXT_STATEMENT.split(_CLAUSE_BREAK.split(words)[-1])[-1]
    return _ANOTHER_EVENT.search(statement) is not None


def _after_met(head: Head, start: int) -> bool:
    """Whether `start` follows "met" (or another word reporting a meeting, not one said to
    be written: "talked by email") in its clause."""
    text = head.text
    sentence = head.sentence_at(start)
    met = [
        found.end()
        for found in pair_meeting_phrases(text, sentence.start if sentence else 0, start)
        if not said_in_writing(text, *found.span())
    ]
    return bool(met) and _CLAUSE_BREAK.search(text, met[-1], start) is None


def _in_report(head: Head, position: int) -> bool:
    """Whether `position` lies in a sentence that reports a meeting ("yes", "we met")."""
    sentence = head.sentence_at(position)
    return sentence is not None and bool(sentence.signals & POSITIVE)


def durations_in(text: str) -> list[tuple[re.Match[str], int]]:
    """Every duration in `text` that is not absurd (0, or more than 12 hours)."""
    found = ((m, round(minutes)) for _, m, minutes in read(_DURATION_READERS, text))
    return [(m, minutes) for m, minutes in found if 0 < minutes <= _MAX_MINUTES]


def _is_clock_time(text: str, m: re.Match[str]) -> bool:
    """Whether a match is a time of day: "a las 15h", "vers 9h30", "at 1:15", "10h pm".
    Not after the English article and before a meeting ("a 1h call"), which "à 1h" folds
    to as well."""
    if _CLOCK_LIKE.fullmatch(m.group()) is None:
        return False
    before = _CLOCK_BEFORE.search(text, max(0, m.start() - 12), m.start())
    if before is not None and before.group().strip() == "a" and _TIED_AFTER.match(text, m.end()):
        return False
    return before is not None or _CLOCK_AFTER.match(text, m.end()) is not None
