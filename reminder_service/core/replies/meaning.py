"""What a reply says: met or not yet, skip, pause, end or dispute; and when, and for how long.

The input is the sender's own words, with quotes and signatures already removed. The reading
is deliberately plain and fast: word tables for English, German, French and Spanish
(`lexicon`) matched on folded text (lower case, accents removed), clause by clause, over the
first lines of the reply, where people put their answer. A negation before "met" makes it
"not met"; a clause after "but" replaces the report before it; questions report nothing.
Anything contradictory or unknown is UNCLEAR, so a person looks at it.

Dates are resolved against the reply's own date in the sender's time zone: a reported
meeting lies in the past (never after that date, never more than a year before it), the end
of a pause in the future.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import Enum, auto
from itertools import accumulate
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from reminder_service.core.model import DateOrder
from reminder_service.core.replies import lexicon as lx
from reminder_service.core.replies.verdict import Outcome, ReportedMeeting

_T = TypeVar("_T")

_MAX_INPUT_CHARS = 4_000
_HEAD_LINES = 8
_HEAD_CHARS = 1_200
_MAX_MINUTES = 12 * 60
_MAX_AGE = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class Meaning:
    """What a reply means: the outcome, the meeting it reports, or the end of a pause.

    `outcome` is MEETING, NOT_MET, SKIP, PAUSE, END, DISPUTE or UNCLEAR. `meeting` is set
    with MEETING only; `pause_until` with PAUSE only (None: until further notice).
    """

    outcome: Outcome
    meeting: ReportedMeeting | None = None
    pause_until: date | None = None


def meaning_of(
    text: str,
    *,
    sent: datetime,
    zone: ZoneInfo,
    date_order: DateOrder,
    replying_to: str = "checkin",
) -> Meaning:
    """Read a reply's own words, sent at `sent` by someone living in `zone`.

    `date_order` says how the pair writes numeric dates ("3/4"). When replying to a
    "confirmation" (of a logged meeting), "no" and "not met" mean DISPUTE. Never raises.
    """
    today = _local_date(sent, zone)
    head = _Head.of(text)
    outcome = _outcome(head, confirmation=replying_to == "confirmation")
    if outcome is Outcome.MEETING:
        day = _meeting_date(head, today=today, date_order=date_order)
        meeting = ReportedMeeting(
            date=day or today, date_stated=day is not None, duration_minutes=_duration(head)
        )
        return Meaning(outcome, meeting=meeting)
    if outcome is Outcome.PAUSE:
        return Meaning(outcome, pause_until=_pause_until(head, today=today, order=date_order))
    return Meaning(outcome)


def _local_date(sent: datetime, zone: ZoneInfo) -> date:
    """The reply's date where its sender lives (a naive `sent` is taken as UTC)."""
    aware = sent if sent.tzinfo is not None else sent.replace(tzinfo=UTC)
    try:
        return aware.astimezone(zone).date()
    except OverflowError:
        return aware.date()


# --- Folding and the head of the reply -------------------------------------------------------

_PRE_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00bd": " 1/2",
    }
)
_COMBINING = re.compile("[\u0300-\u036f]")
_NOISE = re.compile('[*_"\u201c\u201d\u201e\u00ab\u00bb()\\[\\]{}<>|~#=+]')
_INNER_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_SPACES = re.compile(r"\s+")
_HAS_WORD = re.compile(r"[^\W_]")
_NAME = r"(?!(?:yes|yep|yeah|no|not|nope|ja|nein|oui|non|si|we|wir|on|nos)\b)[^\W\d_][\w'.]*"
_CLOSING_LINE = re.compile(rf"(?:{lx.CLOSING})(?:[ ,!.:-]+{_NAME}){{0,2}}[ ,!.:-]*")
_GREETING = re.compile(rf"(?:{lx.GREETING})\b(?: {_NAME}){{0,3}}(?: ?[,!.:;-]+ ?|$)")
_COURTESY = re.compile(rf"\b(?:{lx.COURTESY})\b")
_SENTENCE_END = re.compile(r"(?<!\d)[.!?;]+|[.!?;]+(?!\d)")
_CLAUSE_BREAK = re.compile(rf"(?<!\d),|,(?!\d)| - |\b({lx.CONTRAST})\b")
_EDGES = re.compile(r"^\W+|\W+$")


def _fold(text: str) -> str:
    """Lower case without accents, plain apostrophes, "n't" as " not", "avant-hier" as
    "avant hier", and no emphasis or brackets."""
    folded = unicodedata.normalize("NFKD", text.translate(_PRE_FOLD).casefold())
    folded = _NOISE.sub(" ", _COMBINING.sub("", folded)).replace("n't", " not")
    return _INNER_HYPHEN.sub(" ", folded)


def _head_lines(text: str) -> list[str]:
    """The first lines of the reply's own words, folded, without greeting and sign-off."""
    lines: list[str] = []
    room = _HEAD_CHARS
    for raw in _fold(text[:_MAX_INPUT_CHARS]).splitlines():
        line = _SPACES.sub(" ", raw).strip()
        if not _HAS_WORD.search(line):
            continue
        if _CLOSING_LINE.fullmatch(line):
            if lines:
                break
            continue
        greeting = _GREETING.match(line)
        line = _COURTESY.sub(",", line[greeting.end() :] if greeting else line).strip()[:room]
        if line:
            lines.append(line)
            room -= len(line)
        if len(lines) >= _HEAD_LINES or room <= 0:
            break
    return lines


class _Signal(Enum):
    """What one clause says."""

    YES = auto()
    MET = auto()
    NO = auto()
    NOT_MET = auto()
    PLANNED = auto()
    SKIP = auto()
    PAUSE = auto()
    END = auto()
    END_WEAK = auto()
    DISPUTE = auto()


_POSITIVE = frozenset({_Signal.YES, _Signal.MET})
_NEGATIVE = frozenset({_Signal.NO, _Signal.NOT_MET})
_REPORTS = _POSITIVE | _NEGATIVE
_COMMANDS = frozenset({_Signal.SKIP, _Signal.PAUSE, _Signal.END, _Signal.END_WEAK})


def _any(source: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{source})\b", re.MULTILINE)


_SIGNALS = (
    (_Signal.YES, _any(lx.YES)),
    (_Signal.YES, _any(lx.YES_ALONE)),
    (_Signal.NO, _any(lx.NO)),
    (_Signal.NOT_MET, _any(lx.NOT_MET)),
    (_Signal.PLANNED, _any(lx.PLANNED)),
    (_Signal.SKIP, _any(lx.SKIP)),
    (_Signal.PAUSE, _any(lx.PAUSE)),
    (_Signal.END, _any(lx.END)),
    (_Signal.END_WEAK, _any(lx.END_WEAK)),
    (_Signal.DISPUTE, _any(lx.DISPUTE)),
)
_MET = _any(lx.MET)
_NEGATION = _any(lx.NEGATION)
_NOT_PAUSE = _any(lx.NOT_PAUSE)
_REQUEST = _any(lx.REQUEST)
_FUTURE = _any(lx.FUTURE)


@dataclass(frozen=True, slots=True)
class _Clause:
    """A clause of a sentence; `contrast` if it follows "but", `asks` if it ends a question."""

    text: str
    sentence: int
    contrast: bool
    asks: bool


@dataclass(frozen=True, slots=True)
class _Sentence:
    """A sentence of the head: where it is, what its clauses say, and whether it is a
    question or speaks of the future."""

    start: int
    end: int
    line: int
    question: bool
    future: bool = False
    signals: frozenset[_Signal] = frozenset()


@dataclass(frozen=True, slots=True)
class _Head:
    """The first lines of a reply, folded, as one text and as sentences."""

    text: str
    sentences: tuple[_Sentence, ...]

    @classmethod
    def of(cls, reply: str) -> _Head:
        """Fold and cut the reply, and read what each sentence of its first lines says."""
        lines = _head_lines(reply)
        text = "\n".join(lines)
        bare = list(_sentences(lines))
        clauses = [c for index, s in enumerate(bare) for c in _clauses(text, s, index)]
        said = _signals(clauses)
        future = [m.start() for m in _FUTURE.finditer(text)]
        sentences = tuple(
            replace(
                sentence,
                future=any(sentence.start <= at < sentence.end for at in future),
                signals=_sentence_signals(
                    [(c, s) for c, s in zip(clauses, said, strict=True) if c.sentence == index]
                ),
            )
            for index, sentence in enumerate(bare)
        )
        return cls(text, sentences)

    def sentence_at(self, position: int) -> _Sentence | None:
        """The sentence that holds `position`."""
        return next((s for s in self.sentences if s.start <= position < s.end), None)


def _sentences(lines: list[str]) -> Iterator[_Sentence]:
    """The sentences of the head's lines, with their places in the joined text."""
    offset = 0
    for number, line in enumerate(lines):
        start = 0
        for stop in _SENTENCE_END.finditer(line + "."):
            if _HAS_WORD.search(line, start, stop.start()):
                question = "?" in stop.group()
                yield _Sentence(offset + start, offset + stop.start(), number, question)
            start = stop.end()
        offset += len(line) + 1


def _clauses(text: str, sentence: _Sentence, index: int) -> list[_Clause]:
    """A sentence's clauses, split at commas, dashes and "but" (in four languages)."""
    body = text[sentence.start : sentence.end]
    parts: list[tuple[str, bool]] = []
    start, contrast = 0, False
    for brk in _CLAUSE_BREAK.finditer(body):
        parts.append((body[start : brk.start()], contrast))
        start, contrast = brk.end(), brk.group(1) is not None
    parts.append((body[start:], contrast))
    kept = [(_EDGES.sub("", part), after) for part, after in parts]
    kept = [(part, after) for part, after in kept if part]
    last = len(kept) - 1
    return [
        _Clause(part, index, after, asks=sentence.question and number == last)
        for number, (part, after) in enumerate(kept)
    ]


def _signals(clauses: list[_Clause]) -> list[set[_Signal]]:
    """What each clause says; the last clause of a question only asks (for a command).

    The clauses are read as one text, a clause a line, so that each table is run once.
    """
    joined = "\n".join(c.text for c in clauses)
    starts = list(accumulate((len(c.text) + 1 for c in clauses[:-1]), initial=0))
    said: list[set[_Signal]] = [set() for _ in clauses]

    def clause_at(position: int) -> int:
        return bisect_right(starts, position) - 1

    for signal, pattern in _SIGNALS:
        for found in pattern.finditer(joined):
            said[clause_at(found.start())].add(signal)
    for found in _NOT_PAUSE.finditer(joined):
        said[clause_at(found.start())].discard(_Signal.PAUSE)
    for found in _MET.finditer(joined):
        index = clause_at(found.start())
        before = " ".join(joined[starts[index] : found.start()].split()[-5:])
        negated = _NEGATION.search(f"{before} {found.group()}")
        said[index].add(_Signal.NOT_MET if negated else _Signal.MET)
    for index, clause in enumerate(clauses):
        if clause.asks:
            said[index] &= _COMMANDS if _REQUEST.search(clause.text) else set()
    return said


def _sentence_signals(clauses: list[tuple[_Clause, set[_Signal]]]) -> frozenset[_Signal]:
    """What a sentence says: a report after "but" replaces the reports before it."""
    signals: set[_Signal] = set()
    for clause, said in clauses:
        if clause.contrast and said & _REPORTS:
            signals -= _REPORTS
        signals |= said
    return frozenset(signals)


def _outcome(head: _Head, *, confirmation: bool) -> Outcome:
    """One outcome for the whole reply; contradictions are UNCLEAR."""
    said = frozenset().union(*(s.signals for s in head.sentences))
    report = _report(head) or (Outcome.NOT_MET if _Signal.PLANNED in said else None)
    if _Signal.DISPUTE in said or (confirmation and said & _NEGATIVE):
        return Outcome.DISPUTE
    if _Signal.END in said or (_Signal.END_WEAK in said and report is not Outcome.MEETING):
        return Outcome.END
    if _Signal.PAUSE in said:
        return Outcome.PAUSE
    if _Signal.SKIP in said and report is not Outcome.MEETING:
        return Outcome.SKIP
    if report is None and not said and _only_when(head):
        return Outcome.MEETING
    return report or Outcome.UNCLEAR


def _report(head: _Head) -> Outcome | None:
    """MEETING or NOT_MET. When lines disagree, the first reporting line decides if it is
    an explicit statement ("we met", "we haven't met"); otherwise the reply is UNCLEAR."""
    lines: dict[int, set[_Signal]] = {}
    for sentence in head.sentences:
        if sentence.signals & _REPORTS:
            lines.setdefault(sentence.line, set()).update(sentence.signals & _REPORTS)
    if not lines:
        return None
    every = set().union(*lines.values())
    if not every & _NEGATIVE:
        return Outcome.MEETING
    if not every & _POSITIVE:
        return Outcome.NOT_MET
    lead = lines[min(lines)]
    if lead & _POSITIVE and lead & _NEGATIVE:
        return Outcome.UNCLEAR
    if _Signal.MET in lead:
        return Outcome.MEETING
    if _Signal.NOT_MET in lead:
        return Outcome.NOT_MET
    return Outcome.UNCLEAR


# --- Dates -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Day:
    """A calendar day as written; the year, or the year and month, may be left out."""

    day: int
    month: int | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class _Weekday:
    """A weekday: "last" (a week back when said on that day), "next", or "of last week"."""

    index: int
    before: bool = False
    ahead: bool = False
    previous_week: bool = False


@dataclass(frozen=True, slots=True)
class _DaysBefore:
    """So many days before the reply's date: "yesterday", "vor 3 Tagen"."""

    days: int


_When = _Day | _Weekday | _DaysBefore


@dataclass(frozen=True, slots=True)
class _Found:
    """A date expression in the head: where, how specific (`rank`), and what it says."""

    start: int
    end: int
    rank: int
    when: _When


@dataclass(frozen=True, slots=True)
class _Reader(Generic[_T]):
    """A pattern and what its matches mean; `needs` is a cheap test that must pass first,
    and `rank` says how specific a date pattern is."""

    pattern: re.Pattern[str]
    read: Callable[[re.Match[str]], _T]
    needs: re.Pattern[str] | None = None
    rank: int = 0


def _read(readers: Iterable[_Reader[_T]], text: str) -> list[tuple[_Reader[_T], re.Match[str], _T]]:
    """Every reader's matches in `text` with their meanings, skipping the readers whose
    hint is absent (each hint is looked for once)."""
    hints: dict[re.Pattern[str], bool] = {}
    found: list[tuple[_Reader[_T], re.Match[str], _T]] = []
    for reader in readers:
        needs = reader.needs
        if needs is not None:
            if needs not in hints:
                hints[needs] = needs.search(text) is not None
            if not hints[needs]:
                continue
        found.extend((reader, m, reader.read(m)) for m in reader.pattern.finditer(text))
    return found


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _digits(name: str, *, most: int = 2, not_after: str = r"\d", decimals: bool = False) -> str:
    """A group of 1..`most` digits (and perhaps decimals) not preceded by `not_after`; it
    starts with the digit so that the regex engine can skip ahead to digits."""
    fraction = r"(?:[.,]\d{1,2})?" if decimals else ""
    return rf"(?P<{name}>\d(?<![{not_after}]\d)\d{{0,{most - 1}}}{fraction})"


def _count(word: str) -> int:
    return int(word) if word.isdigit() else lx.COUNTS.get(word, 0)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


_DIGIT = re.compile(r"\d")
_MONTH_NAMES = _alternation(lx.MONTHS)
_WEEKDAY_NAMES = _alternation(lx.WEEKDAYS)
_COUNTS = _alternation(lx.COUNTS)
_NOT_A_UNIT = rf"(?! ?(?:{lx.HOURS_UNITS}|{lx.MINUTES_UNITS})\b)"
_ORDINAL = r"(?:st|nd|rd|th|er|eme|e|o)"
_YEAR = r"(?P<y>\d{4}|\d{2})(?!\d)"
_ISO = re.compile(_digits("y", most=4) + r"-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_DASHED = re.compile(_digits("a", not_after=r"\d-") + r"-(?P<b>\d{1,2})-(?P<y>\d{4})(?!\d)")
_SLASHED = re.compile(
    _digits("a", not_after=r"\d/.") + rf"/(?P<b>\d{{1,2}})(?:/{_YEAR})?(?![\d/]){_NOT_A_UNIT}"
)
_DOTTED = re.compile(_digits("d", not_after=r"\d.:") + rf"\. ?(?P<m>\d{{1,2}})\.(?: ?{_YEAR})?")
_DAY_MONTH = re.compile(
    _digits("d", not_after=r"\d.,:/")
    + rf"{_ORDINAL}?\.? ?(?:of |de )?(?P<mon>{_MONTH_NAMES})\b\.?"
    + r"(?:,? (?:de )?(?P<y>\d{4})(?!\d))?"
)
_MONTH_DAY = re.compile(
    rf"\b(?P<mon>{_MONTH_NAMES})\.? (?:the )?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?![.:/]\d)"
    rf"{_NOT_A_UNIT}(?:,? (?P<y>\d{{4}})(?!\d))?"
)
_DAY_ONLY = re.compile(
    r"\b(?:on (?:the )?|the )(?P<d>\d{1,2})(?:st|nd|rd|th)\b(?! (?:time|meeting|session|call"
    r"|one|week|month|year|day|attempt|try|of (?:the|this|my|our|us|them|it))\b)"
    r"|\b(?:am|den|vom) (?P<de>\d{1,2})\.(?! ?\d)"
    rf"|\ble (?P<fr>\d{{1,2}})(?:er|e|eme)?\b(?! ?(?:fois|ans|personnes|%|[:/,.]\d)){_NOT_A_UNIT}"
    rf"|\bel (?:dia )?(?P<es>\d{{1,2}})\b(?! ?(?:veces|anos|personas|%|[:/,.]\d)){_NOT_A_UNIT}"
)
_AGO = re.compile(
    rf"\b(?:(?P<n>\d{{1,2}}|{_COUNTS}) (?:(?P<d>{lx.DAYS_UNITS})|{lx.WEEKS_UNITS}) ago"
    rf"|(?:vor|il y a|hace) (?P<n2>\d{{1,2}}|{_COUNTS}) (?:(?P<d2>{lx.DAYS_UNITS})"
    rf"|{lx.WEEKS_UNITS}))\b"
)
_WEEKDAY = re.compile(
    rf"\b(?:(?P<prev>{lx.WEEKDAY_PREVIOUS_WEEK}) (?:on |am |el |le )?"
    rf"|(?P<last>{lx.WEEKDAY_BEFORE}) |(?P<next>{lx.WEEKDAY_NEXT}) "
    r"|(?:on|this|am|le|el|ce|diesen) )?"
    rf"(?P<wd>{_WEEKDAY_NAMES})\b(?: (?:(?P<prev2>{lx.WEEKDAY_PREVIOUS_WEEK})"
    rf"|(?P<last2>{lx.WEEKDAY_BEFORE_AFTER})|(?P<next2>{lx.WEEKDAY_NEXT_AFTER}))\b)?"
)
_RELATIVE = re.compile(rf"\b(?P<rel>{_alternation(lx.DAYS_BEFORE)})\b")
_AGO_HINT = re.compile(r"ago\b|\b(?:vor|il y a|hace) ")
_WEEKDAY_HINT = re.compile(rf"\b(?:{_WEEKDAY_NAMES})\b")
_FILLER = re.compile(rf"\b(?:{lx.FILLER})\b|[\W\d_]")
_GERMAN = _any(lx.GERMAN_HINTS)
_FRENCH = _any(lx.FRENCH_HINTS)


def _numeric(match: re.Match[str], order: DateOrder) -> _Day:
    first, second = int(match["a"]), int(match["b"])
    day, month = (first, second) if order == "DMY" else (second, first)
    return _Day(day, month, _year(match["y"]))


def _day_only(match: re.Match[str]) -> _Day:
    return _Day(int(match["d"] or match["de"] or match["fr"] or match["es"]))


def _ago(match: re.Match[str]) -> _DaysBefore:
    count = _count(match["n"] or match["n2"])
    return _DaysBefore(count if match["d"] or match["d2"] else 7 * count)


def _weekday(match: re.Match[str]) -> _Weekday:
    return _Weekday(
        lx.WEEKDAYS[match["wd"]],
        before=bool(match["last"] or match["last2"]),
        ahead=bool(match["next"] or match["next2"]),
        previous_week=bool(match["prev"] or match["prev2"]),
    )


def _named_day(match: re.Match[str]) -> _Day:
    return _Day(int(match["d"]), lx.MONTHS[match["mon"]], _year(match["y"]))


def _date_readers(order: DateOrder) -> tuple[_Reader[_When], ...]:
    """The date patterns, most specific (highest rank) first, for one numeric date order."""
    return (
        _Reader(_ISO, lambda m: _Day(int(m["d"]), int(m["m"]), int(m["y"])), _DIGIT, 5),
        _Reader(_DASHED, lambda m: _numeric(m, order), _DIGIT, 5),
        _Reader(_SLASHED, lambda m: _numeric(m, order), _DIGIT, 4),
        _Reader(_DOTTED, lambda m: _Day(int(m["d"]), int(m["m"]), _year(m["y"])), _DIGIT, 4),
        _Reader(_DAY_MONTH, _named_day, _DIGIT, 4),
        _Reader(_MONTH_DAY, _named_day, _DIGIT, 4),
        _Reader(_DAY_ONLY, _day_only, _DIGIT, 3),
        _Reader(_RELATIVE, lambda m: _DaysBefore(lx.DAYS_BEFORE[m["rel"]]), None, 2),
        _Reader(_AGO, _ago, _AGO_HINT, 2),
        _Reader(_WEEKDAY, _weekday, _WEEKDAY_HINT, 1),
    )


_DATE_READERS: dict[DateOrder, tuple[_Reader[_When], ...]] = {
    "DMY": _date_readers("DMY"),
    "MDY": _date_readers("MDY"),
}


def _dates_in(text: str, order: DateOrder) -> list[_Found]:
    """Every date expression in `text`, in order; a vaguer one next to a more specific
    one ("Tuesday, 3 March") is left out, and so is German "hier" (here)."""
    found = [
        _Found(m.start(), m.end(), reader.rank, when)
        for reader, m, when in _read(_DATE_READERS[order], text)
    ]
    if any(text[f.start : f.end] == lx.AMBIGUOUS_YESTERDAY for f in found) and _is_german(text):
        found = [f for f in found if text[f.start : f.end] != lx.AMBIGUOUS_YESTERDAY]
    kept = [f for f in found if not any(_shadows(other, f) for other in found)]
    return sorted(kept, key=lambda f: (f.start, -f.end))


def _is_german(text: str) -> bool:
    return len(_GERMAN.findall(text)) > len(_FRENCH.findall(text))


def _shadows(specific: _Found, vague: _Found) -> bool:
    """Whether `specific` overlaps or touches `vague` and says more."""
    near = specific.start <= vague.end + 3 and vague.start <= specific.end + 3
    return near and specific.rank > vague.rank


def _meeting_date(head: _Head, *, today: date, date_order: DateOrder) -> date | None:
    """The first past date the reply states, outside questions and plans."""
    for found in _dates_in(head.text, date_order):
        sentence = head.sentence_at(found.start)
        if sentence is not None and (sentence.question or _is_plan(sentence)):
            continue
        day = _past(found.when, today)
        if day is not None:
            return day
    return None


def _only_when(head: _Head) -> bool:
    """Whether the first line is nothing but a date and a duration ("yesterday, 45 min"),
    which answers "have you met?" with yes."""
    first = head.text.partition("\n")[0]
    spans = [(f.start, f.end) for f in _dates_in(first, "DMY")]
    spans += [(m.start(), m.end()) for m, _ in _durations_in(first)]
    rest = list(first)
    for start, end in spans:
        rest[start:end] = " " * (end - start)
    return bool(spans) and not _FILLER.sub(" ", "".join(rest)).strip()


def _is_plan(sentence: _Sentence) -> bool:
    return sentence.future and _Signal.MET not in sentence.signals


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _shift_days(day: date, days: int) -> date | None:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def _add_months(day: date, months: int, *, day_of_month: int | None = None) -> date | None:
    """The date `months` later (earlier if negative), on `day_of_month` or the same day,
    clamped to the month's end."""
    years, index = divmod(day.month - 1 + months, 12)
    wanted = day_of_month or day.day
    for candidate in (wanted, 30, 29, 28):
        if candidate <= wanted:
            result = _safe_date(day.year + years, index + 1, candidate)
            if result is not None:
                return result
    return None


def _past(when: _When, today: date) -> date | None:
    """The date meant, looking back from `today`; None if it is in the future or too old."""
    match when:
        case _DaysBefore(days=days):
            day = _shift_days(today, -days)
        case _Weekday(ahead=True):
            day = None
        case _Weekday(index=index, previous_week=True):
            day = _shift_days(today, -(today.weekday() + 7 - index))
        case _Weekday(index=index, before=before):
            back = (today.weekday() - index) % 7
            day = _shift_days(today, -(back or (7 if before else 0)))
        case _Day():
            day = _past_day(when, today)
    if day is None or day > today or today - day > _MAX_AGE:
        return None
    return day


def _past_day(when: _Day, today: date) -> date | None:
    if when.month is None:
        firsts = (_add_months(today, -back, day_of_month=1) for back in (0, 1))
        candidates = [_safe_date(m.year, m.month, when.day) for m in firsts if m]
    elif when.year is None:
        candidates = [_safe_date(y, when.month, when.day) for y in (today.year, today.year - 1)]
    else:
        candidates = [_safe_date(when.year, when.month, when.day)]
    return next((d for d in candidates if d is not None and d <= today), None)


# --- Until when a pause lasts ----------------------------------------------------------------

_UNTIL = re.compile(rf"\b(?:{lx.UNTIL}) ?")
_UNTIL_MONTH = re.compile(
    r"(?:(?:the|el|la|le|zum|zur|in|im|a|al|en) )?"
    rf"(?:(?:(?P<early>{lx.MONTH_START})|(?P<mid>{lx.MONTH_MIDDLE})|(?P<late>{lx.MONTH_END}))"
    rf" )?(?:de |of )?(?P<mon>{_MONTH_NAMES})\b\.?(?: (?P<y>\d{{4}})(?!\d))?"
)
_UNTIL_NEXT = re.compile(
    r"(?:(?:the|el|la|le|zum|zur|in|im|a|al|en) )?"
    rf"(?:(?P<week>{lx.NEXT_WEEK})|(?P<month>{lx.NEXT_MONTH})|(?P<year>{lx.NEXT_YEAR}))\b"
)
_PAUSE_FOR = re.compile(
    rf"\b(?:{lx.PAUSE_FOR}) (?:the next |die nachsten |les prochains |los proximos |another )?"
    rf"(?P<n>\d{{1,2}}|{_COUNTS}) (?:(?P<d>{lx.DAYS_UNITS})|(?P<w>{lx.WEEKS_UNITS})"
    rf"|(?P<m>{lx.MONTHS_UNITS}))\b"
)


def _pause_until(head: _Head, *, today: date, order: DateOrder) -> date | None:
    """The day a pause ends: "until March", "bis 15. März", "for two months"; None if not
    said (or not after the reply's date)."""
    for until in _UNTIL.finditer(head.text):
        day = _until(head.text, until.end(), today=today, order=order)
        if day is not None:
            return day if day > today else None
    span = _PAUSE_FOR.search(head.text)
    if span is None:
        return None
    count = _count(span["n"])
    if span["m"]:
        return _add_months(today, count)
    return _shift_days(today, count if span["d"] else 7 * count)


def _until(text: str, at: int, *, today: date, order: DateOrder) -> date | None:
    """The date written at `at`, just after "until", looking forward from `today`."""
    for found in _dates_in(text[at : at + 40], order):
        if found.start <= 8 and found.rank >= 3:
            return _future(found.when, today)
    month = _UNTIL_MONTH.match(text, at)
    if month is not None:
        return _month_ahead(month, today)
    relative = _UNTIL_NEXT.match(text, at)
    if relative is not None:
        return _next_period(relative, today)
    weekday = _WEEKDAY.match(text, at)
    if weekday is not None:
        return _future(_Weekday(lx.WEEKDAYS[weekday["wd"]]), today)
    return None


def _future(when: _When, today: date) -> date | None:
    """The first such date after `today` (None for days counted back)."""
    match when:
        case _Weekday(index=index):
            return _shift_days(today, (index - today.weekday()) % 7 or 7)
        case _Day(month=None):
            firsts = (_add_months(today, ahead, day_of_month=1) for ahead in (0, 1))
            candidates = [_safe_date(m.year, m.month, when.day) for m in firsts if m]
        case _Day(month=int(month), year=None):
            candidates = [_safe_date(y, month, when.day) for y in (today.year, today.year + 1)]
        case _Day(month=int(month), year=int(year)):
            candidates = [_safe_date(year, month, when.day)]
        case _:
            return None
    return next((d for d in candidates if d is not None and d > today), None)


def _month_ahead(match: re.Match[str], today: date) -> date | None:
    month = lx.MONTHS[match["mon"]]
    years = (int(match["y"]),) if match["y"] else (today.year, today.year + 1)
    for year in years:
        first = _safe_date(year, month, 1)
        if first is None:
            continue
        if match["mid"]:
            day = first.replace(day=15)
        elif match["late"]:
            day = _add_months(first, 1, day_of_month=1) or first
            day = _shift_days(day, -1) or first
        else:
            day = first
        if day > today:
            return day
    return None


def _next_period(match: re.Match[str], today: date) -> date | None:
    if match["week"]:
        return _shift_days(today, 7 - today.weekday())
    if match["month"]:
        return _add_months(today, 1, day_of_month=1)
    return _safe_date(today.year + 1, 1, 1)


# --- Durations -------------------------------------------------------------------------------

_H = lx.HOURS_UNITS
_HW = lx.HOURS_WORDS
_M = lx.MINUTES_UNITS
_NUM = r"\d{1,3}(?:[.,]\d{1,2})?"
_MINUTE_WORDS = _alternation(lx.MINUTES_IN_WORDS)
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
    return 60 * _count(match["h"]) + (lx.MINUTES_IN_WORDS.get(minutes) or int(minutes))


def _clock_range(match: re.Match[str]) -> float:
    start = 60 * int(match["h1"]) + int(match["m1"] or 0)
    end = 60 * int(match["h2"]) + int(match["m2"] or 0)
    return end - start if end > start else end + _MAX_MINUTES - start


_DURATION_READERS: tuple[_Reader[float], ...] = (
    _Reader(
        re.compile(
            r"\b(?:from|von|de|desde) (?P<h1>\d{1,2})(?:[:.h](?P<m1>\d{2}))? ?(?:am|pm|h|uhr)?"
            r" ?(?:-|to|till|until|bis|a|hasta) ?(?P<h2>\d{1,2})(?:[:.h](?P<m2>\d{2}))?"
            rf" ?(?:am|pm|h|uhr)?\b(?! ?(?:{_HW}|{_M})\b)"
        ),
        _clock_range,
        _DIGIT,
    ),
    _Reader(
        re.compile(
            _digits("a", most=3, not_after=r"\d.,", decimals=True)
            + rf" ?(?:-|to|or|bis|oder|a|ou|o) ?(?P<b>{_NUM}) ?"
            + rf"(?:(?P<h>{_H})|{_M})\b"
        ),
        lambda m: (_number(m["a"]) + _number(m["b"])) / 2 * (60 if m["h"] else 1),
        _DIGIT,
    ),
    _Reader(
        re.compile(_digits("h", not_after=r"\d.,:") + rf" ?h ?(?P<m>\d{{2}})(?: ?(?:{_M}))?\b"),
        _hours_and_minutes,
        _DIGIT,
    ),
    _Reader(
        re.compile(
            rf"\b(?P<h>\d{{1,2}}|{_COUNTS}) (?:{_HW}|hrs?) (?:and |und |et |y )?"
            rf"(?P<m>\d{{1,2}}|{_MINUTE_WORDS}) ?(?:{_M})\b"
        ),
        _hours_and_minutes,
        _MINUTES_HINT,
    ),
    _Reader(
        re.compile(
            r"\b(?:for|lasted|took|wahrend|dauerte|pendant|dure|durante|duro)"
            r" (?P<h>\d{1,2}):(?P<m>\d{2})\b"
        ),
        _hours_and_minutes,
        _DIGIT,
    ),
    _Reader(
        re.compile(_digits("h", not_after=r"\d:.") + rf":(?P<m>\d{{2}}) ?(?:{_H})\b"),
        _hours_and_minutes,
        _DIGIT,
    ),
    _Reader(
        re.compile(
            rf"\b(?P<n>\d{{1,2}}|{_COUNTS}) (?:(?:{lx.AND_A_HALF}) (?:{_HW})"
            rf"|(?:{_HW}) (?:{lx.AND_A_HALF}))\b"
        ),
        lambda m: 60 * _count(m["n"]) + 30,
        _HOURS_HINT,
    ),
    _Reader(
        re.compile(_digits("n", not_after=r"\d.,") + rf" 1/2 ?(?:{_H})\b"),
        lambda m: 60 * int(m["n"]) + 30,
        _DIGIT,
    ),
    _Reader(
        re.compile(rf"\b(?:{_alternation(lx.FIXED_DURATIONS)})\b"),
        lambda m: lx.FIXED_DURATIONS[m.group()],
        _HOURS_HINT,
    ),
    _Reader(
        re.compile(_digits("n", most=3, not_after=r"\d.,:/", decimals=True) + rf" ?(?:{_H})\b"),
        lambda m: 60 * _number(m["n"]),
        _DIGIT,
    ),
    _Reader(
        re.compile(rf"\b(?P<n>{_COUNTS}) (?:{_HW})\b"), lambda m: 60 * _count(m["n"]), _HOURS_HINT
    ),
    _Reader(
        re.compile(_digits("n", most=3, not_after=r"\d.,:/") + rf" ?(?:{_M})\b"),
        lambda m: int(m["n"]),
        _DIGIT,
    ),
    _Reader(
        re.compile(_digits("n", most=3, not_after=r"\d.,:/") + r" ?'(?![\w'])"),
        lambda m: int(m["n"]),
        _DIGIT,
    ),
    _Reader(
        re.compile(rf"\b(?P<w>{_MINUTE_WORDS}) (?:{_M})\b"),
        lambda m: lx.MINUTES_IN_WORDS[m["w"]],
        _MINUTES_HINT,
    ),
)


def _duration(head: _Head) -> int | None:
    """Minutes the meeting lasted, from the first duration the reply states (not times of
    day, dates or plans); None if none, or if it is 0 or more than 12 hours."""
    found = sorted(
        (m.start(), -m.end(), minutes)
        for m, minutes in _durations_in(head.text)
        if not _is_clock_time(head.text, m) and not _in_plan(head, m.start())
    )
    return next((minutes for _, _, minutes in found), None)


def _durations_in(text: str) -> list[tuple[re.Match[str], int]]:
    """Every duration in `text` that is not absurd (0, or more than 12 hours)."""
    found = ((m, round(minutes)) for _, m, minutes in _read(_DURATION_READERS, text))
    return [(m, minutes) for m, minutes in found if 0 < minutes <= _MAX_MINUTES]


def _is_clock_time(text: str, m: re.Match[str]) -> bool:
    """Whether a match is a time of day: "a las 15h", "vers 9h30", "10h pm"."""
    compact = _COMPACT_HOURS.fullmatch(m.group())
    if compact is None:
        return False
    before = _CLOCK_BEFORE.search(text, max(0, m.start() - 12), m.start())
    return before is not None or _CLOCK_AFTER.match(text, m.end()) is not None


def _in_plan(head: _Head, position: int) -> bool:
    sentence = head.sentence_at(position)
    return sentence is not None and (sentence.question or _is_plan(sentence))
