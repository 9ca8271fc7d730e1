"""The head of a reply: its first lines, folded, cut into sentences and clauses, and what
each sentence says.

Folding makes text comparable with the word tables in `lexicon`: lower case, accents
removed, plain apostrophes, "n't" as " not". Only the first lines count (people put their
answer there), without greeting and sign-off. Each clause is matched against the tables;
a negation before "met" in the same statement (not before an "and" or "so") makes it "not
met" (one in a language we do not read, right before it, makes it unreadable), a clause
after "but" replaces the report before it, and questions report nothing (requests keep
their skips and pauses; an end asked about is left to a person). Ends and pauses count
only as the pair's own request, made now: not negated, not someone else's or a topic, not
said to start later.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import Enum, auto
from itertools import accumulate

from reminder_service.core.replies import lexicon as lx
from reminder_service.core.replies.readers import whole_words

_MAX_INPUT_CHARS = 4_000
_HEAD_LINES = 8
_HEAD_CHARS = 1_200

_VULGAR_FRACTIONS = "\u00bc\u00bd\u00be" + "".join(map(chr, range(0x2150, 0x215F)))
"""The fractions "¼" to "⅞". Each becomes " 1/4" and the like, with a space: NFKD alone
writes "1¼" as "11" and "4" around the fraction slash U+2044, eleven quarters."""
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
        "\u2044": "/",
        **{
            fraction: " " + unicodedata.normalize("NFKD", fraction).replace("\u2044", "/")
            for fraction in _VULGAR_FRACTIONS
        },
    }
)
_COMBINING = re.compile("[\u0300-\u036f]")
# "havent", "didnt", "cant": the apostrophe left out of a negation, often in quick replies.
# French "dont" (of which) is kept before the words that follow it in French.
_NO_APOSTROPHE = re.compile(
    r"\b(have|has|had|did|does|is|are|was|were|could|would|should|must|need|ca|wo|ai)nt\b"
    r"|\b(do)nt\b(?! (?:nous|je|j|on|il|ils|elle|elles|vous|tu|le|la|les|l|un|une|des|du"
    r"|mon|ma|mes|ton|ta|tes|son|sa|ses|notre|nos|votre|vos|leur|leurs|ce|cet|cette|ces|\d+"
    r"|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|plusieurs|certains|certaines)\b)"
)
# Without its cedilla, Portuguese "março" would be "marco", a first name.
_MARCH_WITH_CEDILLA = re.compile(r"\bmar(?:\u00e7|c\u0327)o\b")
# Without its umlaut, "könnten" (could: a suggestion) would be "konnten" (could: the past).
_COULD_WITH_UMLAUT = re.compile(r"\bk(?:\u00f6|o\u0308)nnt")
# Likewise "hätten" (would have) is not "hatten" (had): "wir hätten uns getroffen" is no meeting.
_WOULD_HAVE_WITH_UMLAUT = re.compile(r"\bh(?:\u00e4|a\u0308)tt")
_NOISE = re.compile('[*_"\u201c\u201d\u201e\u00ab\u00bb()\\[\\]{}<>|~#=+]')
_INNER_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_PLUS_BETWEEN_WORDS = re.compile(r"(?<=[^\W\d_]) ?\+ ?(?=[^\W\d_])")
_SPACES = re.compile(r"\s+")
_HAS_WORD = re.compile(r"[^\W_]")
_NAME = r"(?!(?:yes|yep|yeah|no|not|nope|ja|nein|oui|non|si|we|wir|on|nos)\b)[^\W\d_][\w'.]*"
_CLOSING_LINE = re.compile(rf"(?:{lx.CLOSING})(?:[ ,!.:-]+{_NAME}){{0,2}}[ ,!.:-]*")
_GREETING = re.compile(rf"(?:{lx.GREETING})\b(?: {_NAME}){{0,3}}(?: ?[,!.:;-]+ ?|$)")
_COURTESY = re.compile(rf"\b(?:{lx.COURTESY})\b")
_SENTENCE_END = re.compile(
    r"(?<!\d)[.!?;]+|[.!?;]+(?!\d)(?!(?<=\d\.) (?:"
    + "|".join(sorted(lx.MONTHS, key=len, reverse=True))
    + r")\b)"
)
"""Where a sentence ends; not inside a number ("1.5 hours"), nor at the dot of a German
ordinal day before its month ("bis zum 15. Januar pausieren")."""
_CLAUSE_BREAK = re.compile(rf"(?<!\d)[,:]|[,:](?!\d)| - |\b({lx.CONTRAST})\b")
_EDGES = re.compile(r"^\W+|\W+$")


def _fold(text: str) -> str:
    """Lower case without accents, plain apostrophes, "n't" (and "nt" after "have", "did",
    "ca" and the like: "havent") as " not", fractions with a
    plain slash ("1¼", and 1 1/4 with the fraction slash U+2044, as "1 1/4"), "avant-hier" as
    "avant hier", "março" as "marzo", "könnten" as "koennten", "Monday + Wednesday" as
    "monday and wednesday" (two days, not one), and no emphasis or brackets."""
    folded = _MARCH_WITH_CEDILLA.sub("marzo", text.translate(_PRE_FOLD).casefold())
    folded = _COULD_WITH_UMLAUT.sub("koennt", folded)
    folded = _WOULD_HAVE_WITH_UMLAUT.sub("haett", folded)
    folded = unicodedata.normalize("NFKD", folded)
    folded = _PLUS_BETWEEN_WORDS.sub(" and ", _COMBINING.sub("", folded))
    folded = _NO_APOSTROPHE.sub(r"\1\2n't", _NOISE.sub(" ", folded)).replace("n't", " not")
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


class Signal(Enum):
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
    SIGN_OFF = auto()
    """A short sign-off ("we'll stop here", "wir hören hier auf"): an end on its own, but
    beside a meeting's report it only closes the letter."""
    END_SHORT = auto()
    """A short request to end, the whole clause ("please end it", "stop please"): an end on
    its own, but beside a bare "yes" it is not clear what the "yes" answers, and beside a
    meeting's report whether it ends the mentoring or only the emails, so a person looks."""
    END_SO = auto()
    """A sign-off after "so" ("she found a job, so we'll end it here") or the mentoring said to
    be over ("our mentoring ended"): an end, but beside a meeting's report it may only close
    the letter, or contradict it, so a person looks."""
    DISPUTE = auto()
    UNREAD = auto()
    NO_END = auto()
    """An end refused ("we don't want to end it") or the mentoring said to go on ("we want
    to keep going"): it ends nothing, and a "no" beside it answers the end, not "have you
    met?"."""
    NO_PAUSE = auto()
    """A pause refused ("we don't want to pause"): it pauses nothing, and a "no" beside it
    answers the pause, not "have you met?"."""
    OTHERS = auto()
    """A meeting of someone else ("I had a call with her manager", "her team had a meeting"):
    no report of the pair's, so beside nothing but a "yes" a person reads it."""
    DOUBTFUL = auto()
    """A command only a person can act on: an end asked about ("can we end the
    mentoring?"), a pause said to start later ("we'll take a break in January"), or a
    request taken back, only wished, tentative or hanging on a condition."""


POSITIVE = frozenset({Signal.YES, Signal.MET})
NEGATIVE = frozenset({Signal.NO, Signal.NOT_MET})
REPORTS = POSITIVE | NEGATIVE
_REFUSALS = frozenset({Signal.NO_END, Signal.NO_PAUSE})
_ASKED = frozenset({Signal.SKIP, Signal.PAUSE, Signal.DOUBTFUL})
"""What a question that is a request keeps: a skip or a pause ("can we pause until
March?"), but an end asked about ("can we end it?") only raises a doubt."""

_SIGNALS = (
    (Signal.YES, whole_words(lx.YES)),
    (Signal.YES, whole_words(lx.YES_ALONE)),
    (Signal.NO, whole_words(lx.NO)),
    (Signal.NOT_MET, whole_words(lx.NOT_MET)),
    (Signal.PLANNED, whole_words(lx.PLANNED)),
    (Signal.SKIP, whole_words(lx.SKIP)),
    (Signal.PAUSE, whole_words(lx.PAUSE)),
    (Signal.END, whole_words(lx.END)),
    (Signal.END_SO, whole_words(lx.ENDED)),
    (Signal.END_WEAK, whole_words(lx.END_WEAK)),
    (Signal.END_SHORT, whole_words(lx.END_SHORT)),
    (Signal.DISPUTE, whole_words(lx.DISPUTE)),
    (Signal.DOUBTFUL, whole_words(lx.SHOULD_END)),
)
_AFTER_A_REASON = "|".join(rf"(?<=\b{word} )" for word in lx.THEREFORE.split("|"))
_SIGN_OFFS = (
    (Signal.SIGN_OFF, whole_words(lx.SIGN_OFF)),
    (Signal.END_SO, re.compile(rf"(?:{_AFTER_A_REASON})(?:{lx.SIGN_OFF})\b", re.MULTILINE)),
)
_GOODBYE = whole_words(lx.GOODBYE)
ENDS = frozenset({Signal.END, Signal.END_WEAK, Signal.SIGN_OFF, Signal.END_SHORT, Signal.END_SO})
_REQUESTED = ENDS | {Signal.PAUSE, Signal.SKIP}
_YES_SI = re.compile(r"^\W*si\b")
"""A "sí" opening a statement answers yes more often than it sets a condition."""
_END_NEGATED = whole_words(lx.END_NEGATED)
_END_NEGATED_INSIDE = whole_words(lx.END_NEGATED_INSIDE)
_ENDED_BEFORE = re.compile(rf"\b(?:{lx.ENDED_BEFORE})")
_NOT_OURS_REPORTED = whole_words(lx.NOT_OURS_REPORTED)
_NOT_OURS_SUBJECT = whole_words(lx.NOT_OURS_SUBJECT)
_OURS = whole_words(lx.OURS)
_THEREFORE = whole_words(lx.THEREFORE)
_REQUEST_AFTER_REASON = re.compile(rf"(?<!\bnot )(?<!\bnicht )(?<!\bpas )\b(?:{lx.THEREFORE})\b")
_AND = whole_words(lx.AND)
_NEXT_STATEMENT = whole_words(lx.NEXT_STATEMENT)
_ENDS_IN_MET = re.compile(rf"\b(?:{lx.MET}) *$")
_NOT_MET = whole_words(lx.NOT_MET)
_PAUSE_NEGATED = re.compile(lx.PAUSE_NEGATED)
_LATER_BEFORE = re.compile(rf"\b(?:{lx.LATER_TIME}) ?$")
_LATER_INSIDE = whole_words(lx.LATER_TIME)
_LATER_AFTER = re.compile(rf"(?: (?:{lx.COMMAND_OBJECT})){{0,3}} (?:{lx.LATER_TIME})")
_KEEP_GOING = whole_words(lx.KEEP_GOING)
_MENTORING_KEPT = whole_words(lx.MENTORING_KEPT)
_MET = whole_words(lx.MET)
_MEETING_WAS = whole_words(lx.MEETING_WAS)
_TOOK_PLACE_TAIL = re.compile(lx.TOOK_PLACE_TAIL)
_HELD_AS_PLANNED = whole_words(lx.HELD_AS_PLANNED)
_DOUBTED = whole_words(lx.DOUBTED)
_WOULD_HAVE = whole_words(lx.WOULD_HAVE)
_DOUBT = whole_words(lx.DOUBT)
_NEARLY = re.compile(rf"\b{lx.NEARLY}")
_CONDITION_OPENED = re.compile(rf"\b{lx.CONDITION_OPENED}")
_OTHERS_AS_SUBJECT = re.compile(rf"\b{lx.OTHERS_AS_SUBJECT}")
_MET_SOMEONE_ELSE = whole_words(lx.MET_SOMEONE_ELSE)
_WITH_OTHERS = re.compile(lx.WITH_OTHERS)
_WITH_OTHERS_BEFORE = whole_words(lx.WITH_OTHERS_BEFORE)
_PAIR_AS_SUBJECT = whole_words(lx.PAIR_AS_SUBJECT)
_WITHOUT_US = re.compile(lx.WITHOUT_US)
_DOUBTED_BEFORE = whole_words(lx.DOUBTED_BEFORE)
_ASKED_WHICH = re.compile(rf" *(?:{lx.ASKED_WHICH})\b")
_TAKEN_BACK = whole_words(lx.TAKEN_BACK)
_CLAUSE_EDGE = re.compile(r"[.,;:!?\n]")
_CLAUSE_REACH = 80
"""How far, in characters, `someone_elses_meeting` looks on each side of a phrase."""
_SINCE_MET = re.compile(rf"\b(?:{lx.SINCE_MET}) ?$")
_DATED_AFTER = re.compile(lx.DATED_AFTER)
_MANAGED_BY_ANYONE = re.compile(lx.MANAGED_BY_ANYONE)
_NO_SUBJECT = re.compile(rf"^\W*(?:(?:{'|'.join(lx.OPENERS)})\b\W*)*$")
_NEGATION = whole_words(lx.NEGATION)
_UNREAD_NEGATED_MET = re.compile(rf"\b(?:{lx.UNREAD_NEGATED_MET})$")
_NOT_PAUSE = whole_words(lx.NOT_PAUSE)
_PAUSE_PAST_BEFORE = re.compile(rf"\b(?:{lx.PAUSE_PAST_BEFORE})")
_PAUSE_OVER = re.compile(lx.PAUSE_OVER)
_SKIP_NEGATED = re.compile(rf"\b(?:{lx.SKIP_NEGATED})")
_HEDGED = whole_words(lx.HEDGED)
_POLITE_HEDGE = whole_words(lx.POLITE_HEDGE)
_HEDGED_AFTER = re.compile(lx.HEDGED_AFTER)
_CONDITION = whole_words(lx.CONDITION)
_POLITE_CONDITION = whole_words(lx.POLITE_CONDITION)
_WISHED_BEFORE = whole_words(lx.WISHED_BEFORE)
_POLITE_REFERENCE = whole_words(lx.POLITE_REFERENCE)
_WITHDRAWN = re.compile(lx.WITHDRAWN)
_WITHDRAWN_AFTER_BUT = re.compile(lx.WITHDRAWN_AFTER_BUT)
_LATER_OPENS = re.compile(lx.LATER_OPENS)
_NEITHER_NOR = re.compile(rf"\b(?:{lx.NEITHER_NOR})")
_WONDER_REQUEST = re.compile(rf"\b(?:{lx.WONDER_REQUEST})")
_PAUSED_OBJECT = re.compile(lx.PAUSED_OBJECT)
_PAUSED_TOPIC_AFTER = re.compile(lx.PAUSED_TOPIC_AFTER)
_PAUSED_TOPIC_BEFORE = re.compile(lx.PAUSED_TOPIC_BEFORE)
_PAUSE_TOPICS = whole_words(lx.PAUSE_TOPICS)
_NOT_TOPICS = whole_words(lx.NOT_TOPICS)
_ENDED_FOR_ANOTHER = re.compile(lx.ENDED_FOR_ANOTHER)
_LISTED_WITH_NOT_TOPIC = re.compile(
    rf" (?:{lx.OBJECT_AND})(?: [\w']+){{0,3}}? (?:{lx.NOT_TOPICS})\b"
)
_REQUEST = whole_words(lx.REQUEST)
_ASKS_US = whole_words(lx.ASKS_US)
_FUTURE = whole_words(lx.FUTURE)
_OFFERS_ANOTHER = re.compile(r"(?:or|oder|ou|o)\b")
_JOINED = re.compile(rf"[,:;]| - |\b(?:and|und|et|y|{lx.CONTRAST})\b")
_PROMISE = whole_words(lx.PROMISE)
_GOING_ON = whole_words(lx.GOING_ON)
_TRYING = whole_words(lx.TRYING)
_NOT_YET = whole_words(lx.NOT_YET)
_IN_WRITING = whole_words(lx.IN_WRITING)
_IN_A_CHAT_APP = whole_words(lx.IN_A_CHAT_APP)
_CALL_OR_VIDEO = whole_words(lx.CALL_OR_VIDEO)
_SENTENCE_BREAK = re.compile(r"[.!?\n]")
STATEMENT_BREAK = re.compile(
    rf"(?<!\d)[.!?;,:\n]|[.!?;,:\n](?!\d)| - |\b(?:{lx.CONTRAST}|{lx.NEXT_STATEMENT})\b"
)
"""Where a statement ends: at a stop or a comma (not inside "1.5" or "10:30"), a dash, "but",
"and", "so" or "then"."""
_YES_WE_DID = re.compile(lx.YES_WE_DID)
_ACCEPT = whole_words(lx.ACCEPT)


@dataclass(frozen=True, slots=True)
class _Clause:
    """A clause of a sentence, from `start` in the head's text; `contrast` if it follows
    "but", `asks` if it ends a question (only that clause asks), `in_question` if it is part
    of one."""

    text: str
    start: int
    sentence: int
    contrast: bool
    asks: bool
    in_question: bool


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the head: where it is, what its clauses say, and whether it is a
    question or speaks of the future."""

    start: int
    end: int
    line: int
    question: bool
    future: bool = False
    signals: frozenset[Signal] = frozenset()


@dataclass(frozen=True, slots=True)
class Turn:
    """The words after a "but" ("except", "although"; "aber", "mais", "pero"), to the end of
    their sentence: where they lie in the head's text, and whether they are a plan (what they
    state is then no meeting's): they ask, speak of the future, or follow "not yet"."""

    start: int
    end: int
    plan: bool


@dataclass(frozen=True, slots=True)
class Head:
    """The first lines of a reply, folded, as one text, as sentences, and with its turns."""

    text: str
    sentences: tuple[Sentence, ...]
    turns: tuple[Turn, ...] = ()

    @classmethod
    def of(cls, reply: str) -> Head:
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
        return cls(text, sentences, _turns(text, clauses, bare))

    def sentence_at(self, position: int) -> Sentence | None:
        """The sentence that holds `position`."""
        return next((s for s in self.sentences if s.start <= position < s.end), None)


def _sentences(lines: list[str]) -> Iterator[Sentence]:
    """The sentences of the head's lines, with their places in the joined text."""
    offset = 0
    for number, line in enumerate(lines):
        start = 0
        for stop in _SENTENCE_END.finditer(line + "."):
            if _HAS_WORD.search(line, start, stop.start()):
                question = "?" in stop.group()
                yield Sentence(offset + start, offset + stop.start(), number, question)
            start = stop.end()
        offset += len(line) + 1


def _clauses(text: str, sentence: Sentence, index: int) -> list[_Clause]:
    """A sentence's clauses, split at commas, colons, dashes and "but" (in four languages)."""
    body = text[sentence.start : sentence.end]
    parts: list[tuple[int, int, bool]] = []
    start, contrast = 0, False
    for brk in _CLAUSE_BREAK.finditer(body):
        parts.append((start, brk.start(), contrast))
        start, contrast = brk.end(), brk.group(1) is not None
    parts.append((start, len(body), contrast))
    kept = [(start, _EDGES.sub("", body[start:end]), after) for start, end, after in parts]
    kept = [(start, part, after) for start, part, after in kept if part]
    last = len(kept) - 1
    return [
        _Clause(
            part,
            sentence.start + start,
            index,
            after,
            asks=sentence.question and number == last,
            in_question=sentence.question,
        )
        for number, (start, part, after) in enumerate(kept)
    ]


def _signals(clauses: list[_Clause]) -> list[set[Signal]]:
    """What each clause says; the last clause of a question only asks (for a command).

    The clauses are read as one text, a clause a line, so that each table is run once.
    """
    joined = "\n".join(c.text for c in clauses)
    starts = list(accumulate((len(c.text) + 1 for c in clauses[:-1]), initial=0))
    said: list[set[Signal]] = [set() for _ in clauses]

    def clause_at(position: int) -> int:
        return bisect_right(starts, position) - 1

    for signal, pattern in _tables(joined):
        for found in pattern.finditer(joined):
            index = clause_at(found.start())
            before = joined[starts[index] : found.start()]
            said[index] |= _command_signals(signal, clauses[index], before, found)
    for found in _KEEP_GOING.finditer(joined):
        said[clause_at(found.start())].add(Signal.NO_END)
    if _MENTORING_KEPT.search(joined):
        _doubt_ends(said)
    for found in _NOT_PAUSE.finditer(joined):
        said[clause_at(found.start())].discard(Signal.PAUSE)
    _doubt_conditional_requests(clauses, said)
    for index, clause in enumerate(clauses):
        if _withdraws(clause):
            _take_back_requests(clauses, said, index)
    sentences = _sentence_texts(clauses)
    for found in _MET.finditer(joined):
        index = clause_at(found.start())
        words = joined[starts[index] : starts[index] + len(clauses[index].text)]
        sentence = sentences[clauses[index].sentence]
        if said_in_writing(
            words, found.start() - starts[index], found.end() - starts[index], sentence
        ):
            continue
        if clauses[index].asks and _MANAGED_BY_ANYONE.fullmatch(found.group()):
            continue
        opening = joined[starts[index] : found.start()]
        if (
            _WOULD_HAVE.search(sentence)
            or _DOUBTED_BEFORE.search(_statement(opening))
            or _not_remembered_before(clauses, index, opening)
        ):
            said[index].add(Signal.DOUBTFUL)
            continue
        if _someone_elses(opening, words[found.end() - starts[index] :]):
            said[index].add(Signal.OTHERS)
            continue
        before = _words_bearing_on(opening)
        dated = _DATED_AFTER.match(joined, found.end()) is not None
        said[index] |= _as_set(_met_signal(before, found.group(), dated=dated))
    for found in _MET_SOMEONE_ELSE.finditer(joined):
        said[clause_at(found.start())].add(Signal.OTHERS)
    for found in _MEETING_WAS.finditer(joined):
        index = clause_at(found.start())
        rest = joined[found.end() : starts[index] + len(clauses[index].text)]
        if _nothing_else_said(clauses, index, rest):
            before = " ".join(joined[starts[index] : found.start()].split()[-5:])
            said[index] |= _as_set(_met_signal(before, found.group()))
    for found in _HELD_AS_PLANNED.finditer(joined):
        index = clause_at(found.start())
        before = _last_words(joined[starts[index] : found.start()])
        said[index] |= _as_set(_met_signal(before, found.group()))
    for found in _TAKEN_BACK.finditer(joined):
        index = clause_at(found.start())
        if any(Signal.MET in earlier for earlier in said[: index + 1]):
            said[index].add(Signal.DOUBTFUL)
    for index, clause in enumerate(clauses):
        if clause.asks:
            said[index] &= _kept_when_asked(clause.text)
    return said


def said_in_writing(text: str, start: int, end: int, sentence: str | None = None) -> bool:
    """Whether the statement holding the words `text[start:end]` (up to a comma, "but",
    "and", "so" or "then" on either side) says it was written: "we talked about it for 10
    minutes by email" tells of emails, not of a meeting; a phone call is one. Talk in a chat
    app ("we chatted on Slack") is written unless its sentence names a call or video ("over
    WhatsApp on Monday, 30 min call"); `sentence` is the sentence's text when `text` holds
    only a clause of it."""
    before = STATEMENT_BREAK.split(text[:start])[-1]
    after = STATEMENT_BREAK.split(text[end:])[0]
    statement = f"{before}{text[start:end]}{after}"
    if _IN_WRITING.search(statement) is not None:
        return True
    if _IN_A_CHAT_APP.search(statement) is None:
        return False
    if sentence is None:
        sentence = _SENTENCE_BREAK.split(text[:start])[-1] + _SENTENCE_BREAK.split(text[start:])[0]
    return _CALL_OR_VIDEO.search(sentence) is None


def _nothing_else_said(clauses: list[_Clause], index: int, rest: str) -> bool:
    """Whether the words after a meeting named as the subject, to the end of its sentence,
    say only when, how long and how it was: "the session took place on Monday, 1h" reports
    a meeting; "the session took place but I was alone" may report none."""
    sentence = clauses[index].sentence
    later = (c.text for c in clauses[index + 1 :] if c.sentence == sentence)
    return _TOOK_PLACE_TAIL.fullmatch(" ".join((rest, *later)).strip()) is not None


def _tables(joined: str) -> tuple[tuple[Signal, re.Pattern[str]], ...]:
    """The tables to read the head's `joined` clauses with: a sign-off ("we'll stop here")
    is a short request to end, which any report beside it makes unclear and a meeting's
    outweighs; after a reason ("we didn't meet, so we'll end it here") it is also a weak
    end, which ends beside a "not met". Beside a goodbye ("see you next month", "bis bald")
    it is no end at all: it closes only the letter."""
    return _SIGNALS if _GOODBYE.search(joined) else (*_SIGNALS, *_SIGN_OFFS)


def _kept_when_asked(question: str) -> frozenset[Signal]:
    """What a clause that asks keeps: a request keeps its skip or pause, and an end it asks
    for only raises a doubt; a question about what we did ("did you stop the reminders?")
    keeps nothing."""
    if _REQUEST.search(question):
        return _ASKED
    return frozenset() if _ASKS_US.search(question) else frozenset({Signal.DOUBTFUL})


def _command_signals(
    signal: Signal, clause: _Clause, before: str, found: re.Match[str]
) -> set[Signal]:
    """What a phrase found in a clause says, with the clause's words `before` it: ends and
    pauses count only as the pair's own request, made now."""
    if signal in ENDS:
        return _end_signals(signal, clause, before, found)
    if signal is Signal.PAUSE:
        return _pause_signals(clause, before, found)
    if signal is Signal.SKIP:
        if _SKIP_NEGATED.search(before) or _wished(before):
            return set()
        return {Signal.DOUBTFUL} if _not_now(clause, before, found) else {signal}
    return {signal}


def _wished(before: str) -> bool:
    """Whether the words before a command make it a wish had or reported, not a request made
    now (`lx.WISHED_BEFORE`: "I was going to ask you to pause us", "she asked if we could
    pause"); a request in a statement of its own ("she suggested it, so please pause us",
    "we've met twice since the last email and would like to pause") is made now."""
    return _WISHED_BEFORE.search(_POLITE_REFERENCE.sub(" ", _statement(before))) is not None


def _not_now(clause: _Clause, before: str, found: re.Match[str]) -> bool:
    """Whether a command is not asked for now: tentative (`lx.HEDGED` before it in its
    statement, outside a question, where "maybe" is only polite: "could we maybe pause
    until March?"; "at some point" after it), hanging on a condition in its statement
    ("we'll end it if she gets the job"; not "if possible", "let us know if you need
    anything"), or said to start later (`_starts_later`)."""
    statement = _statement(before)
    after = _after(clause, before, found)
    said_after = _NEXT_STATEMENT.split(after)[0]
    tentative = _HEDGED_AFTER.match(said_after) or (
        not clause.asks and _HEDGED.search(_POLITE_HEDGE.sub(" ", statement))
    )
    conditional = _CONDITION.search(
        _POLITE_CONDITION.sub(" ", f"{_YES_SI.sub('', statement)} {said_after}")
    )
    return bool(tentative or conditional or _starts_later(clause, before, found))


def _end_signals(signal: Signal, clause: _Clause, before: str, found: re.Match[str]) -> set[Signal]:
    """An end, unless it is refused ("we don't want to end it"), not the pair's own request
    ("Bo says she'll finish the program", "her internship program is over"), or asked about
    ("can we end the mentoring?", "if we end it, will Bo get a certificate?"), only wished
    or reported ("I was going to ask you to end it"), said to start later ("in June") or of
    something else's emails ("the reminders for the CV clinic"): a person answers those, so
    they are DOUBTFUL, never dropped. One that was ("after ending our first mentoring
    cycle") asks nothing. "We'll end it now" is a request made now; "I was wondering if we
    could end it", someone else's wonder to `_not_ours`, goes to a person too."""
    negated = _negated_end(before, found)
    if negated is not None:
        return {negated}
    if _not_ours(before, found.group()):
        return {Signal.DOUBTFUL} if clause.in_question else set()
    if _ENDED_BEFORE.search(before):
        return set()
    if _wished(before):
        return set() if signal is Signal.END_WEAK else {Signal.DOUBTFUL}
    if clause.asks or _not_now(clause, before, found) or _ends_another(clause, before, found):
        return {Signal.DOUBTFUL}
    return {signal}


def _doubt_conditional_requests(clauses: list[_Clause], said: list[set[Signal]]) -> None:
    """Turn an end, a pause or a skip into a doubt when a clause before it in its sentence
    opens with a condition ("If we don't hear from her by Christmas, please end the
    mentoring"; not "If possible, ..." nor "If I'm honest, ..."): a person decides when it
    applies. A condition in the request's own statement is `_not_now`'s."""
    for index, clause in enumerate(clauses):
        if said[index] & _REQUESTED and any(
            _CONDITION.match(_POLITE_CONDITION.sub(" ", earlier.text).lstrip())
            for earlier in clauses[:index]
            if earlier.sentence == clause.sentence
        ):
            _doubt(said[index])


def _withdraws(clause: _Clause) -> bool:
    """Whether a clause, whole, takes back a request before it: `lx.WITHDRAWN` anywhere,
    `lx.WITHDRAWN_AFTER_BUT` only right after "but"."""
    if _WITHDRAWN.fullmatch(clause.text):
        return True
    return clause.contrast and _WITHDRAWN_AFTER_BUT.fullmatch(clause.text) is not None


def _take_back_requests(clauses: list[_Clause], said: list[set[Signal]], at: int) -> None:
    """Take back the ends, pauses and skips asked for before clause `at`, which withdraws
    them: after "but" in the same sentence ("I did want to cancel the mentoring, but not any
    more") they are gone, and so is the doubt of a wish had ("Mein Mentee wollte das
    Mentoring beenden, aber wir machen weiter"); otherwise ("Please pause us. Never mind, we
    met yesterday") a person reads them."""
    for index in range(at):
        if not said[index] & (_REQUESTED | {Signal.DOUBTFUL}):
            continue
        same = clauses[index].sentence == clauses[at].sentence
        if same and any(clauses[later].contrast for later in range(index + 1, at + 1)):
            said[index].difference_update(_REQUESTED | {Signal.DOUBTFUL})
        elif said[index] & _REQUESTED:
            _doubt(said[index])


def _doubt(signals: set[Signal], *, of: frozenset[Signal] = _REQUESTED) -> None:
    """Put a doubt in place of the requests (or the signals `of`) among `signals`."""
    signals.difference_update(of)
    signals.add(Signal.DOUBTFUL)


def _doubt_ends(said: list[set[Signal]]) -> None:
    """Turn the ends a sentence asks for into doubts, as it keeps the mentoring ("stop the
    emails, but keep our check-ins"): a person asks what is to end."""
    for signals in said:
        if signals & ENDS:
            _doubt(signals, of=ENDS)


def _ends_another(clause: _Clause, before: str, found: re.Match[str]) -> bool:
    """Whether an end is of something else's emails ("end the reminders for the CV
    clinic"): a person answers that, since the mentoring may go on."""
    return _ENDED_FOR_ANOTHER.match(clause.text, len(before) + len(found.group())) is not None


def _pause_signals(clause: _Clause, before: str, found: re.Match[str]) -> set[Signal]:
    """A pause, unless it is negated ("no need to pause"), someone else's or only talked
    about ("we talked about how to take a break from work"), of a topic rather than the
    mentoring ("pause the job search"), doubted ("I doubt we need to pause"), one that was
    ("after our pause", "the pause is over": news that the pair is back; "we'll meet again
    after the pause" hints at one, so a person reads it), a wish had or reported ("she asked
    if we could pause"), or said to start later ("we'll take a break in January": a person
    arranges that)."""
    if _PAUSE_NEGATED.search(before):
        return {Signal.NO_PAUSE}
    if (
        (_not_ours(before, found.group()) and not _WONDER_REQUEST.search(before))
        or _pauses_a_topic(clause, before, found)
        or _DOUBT.search(before)
    ):
        return set()
    after = _after(clause, before, found)
    if _PAUSE_OVER.match(after):
        return set()
    if _PAUSE_PAST_BEFORE.search(before):
        return {Signal.DOUBTFUL} if _FUTURE.search(clause.text) else set()
    if _wished(before) or _not_now(clause, before, found):
        return {Signal.DOUBTFUL}
    return {Signal.PAUSE}


def _pauses_a_topic(clause: _Clause, before: str, found: re.Match[str]) -> bool:
    """Whether a pause is of a topic of the mentoring, not of the mentoring itself: its
    object names a known topic ("pause the job search", "put the CV on hold", "a break from
    interview prep", "mit dem Lebenslauf Pause"; not "pause the check-ins", "put us on
    hold", "a break from the scheme")."""
    rest = clause.text[len(before) :]
    after = rest[len(found.group()) :]
    objects = (
        _PAUSED_OBJECT.match(rest),
        _PAUSED_TOPIC_AFTER.match(after),
        _PAUSED_TOPIC_BEFORE.search(before),
    )
    return any(_names_a_topic(m) for m in objects if m is not None)


def _names_a_topic(match: re.Match[str]) -> bool:
    """Whether the object a `PAUSED_` pattern captured is a topic: a topic is its last word
    of note ("the job search", "the CV work"; not "the career mentoring", "the work we do
    together"), and nothing it is listed with is the mentoring ("work and mentoring")."""
    group = next(g for g in range(1, len(match.groups()) + 1) if match.group(g) is not None)
    start, end = match.span(group)
    topics = list(_PAUSE_TOPICS.finditer(match.string, start, end))
    return (
        bool(topics)
        and _NOT_TOPICS.search(match.string, topics[-1].end(), end) is None
        and _LISTED_WITH_NOT_TOPIC.match(match.string, end) is None
    )


def _after(clause: _Clause, before: str, found: re.Match[str]) -> str:
    """The words of `clause` after the command `found`, which `before` precedes."""
    return clause.text[len(before) + len(found.group()) :]


def _starts_later(clause: _Clause, before: str, found: re.Match[str]) -> bool:
    """Whether a command is said to start later: a time right before it, opening its
    statement ("from next year on we'd like to stop", "next month we'll need to pause"),
    inside it ("das Mentoring im Juni beenden") or right after it ("pause from March", "end
    the mentoring at the end of January")."""
    after = _after(clause, before, found)
    return bool(
        _LATER_BEFORE.search(before)
        or _LATER_OPENS.search(_statement(before))
        or _LATER_INSIDE.search(found.group())
        or _LATER_AFTER.match(after)
    )


def _not_ours(before: str, command: str) -> bool:
    """Whether a command, with its clause's words `before` it, is not the pair's own: it is
    reported or a topic ("says she'll finish", "about how to take a break"), or a third
    person is its subject with none of the pair's words after ("she wants to end", but not
    "she and I want to end", "as she moved abroad please end"). A reason before "so" ("she
    is ill so please pause") says nothing of whose the command is."""
    words = _last_words(_THEREFORE.split(before)[-1])
    if _NOT_OURS_REPORTED.search(words):
        return True
    theirs = [m.start() for m in _NOT_OURS_SUBJECT.finditer(f"{words} {command}")]
    ours = [m.start() for m in _OURS.finditer(words)]
    return bool(theirs) and (not ours or ours[-1] < theirs[-1])


def _sentence_texts(clauses: list[_Clause]) -> dict[int, str]:
    """The text of each sentence, by number: its clauses joined."""
    parts: dict[int, list[str]] = {}
    for clause in clauses:
        parts.setdefault(clause.sentence, []).append(clause.text)
    return {number: " ".join(texts) for number, texts in parts.items()}


def pair_meeting_phrases(text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
    """The meeting phrases in `text[start:end]` that may be the pair's: not someone else's
    ("I had a call with HR on Tuesday"), whose day and length are not the meeting's."""
    stop = len(text) if end is None else end
    return [m for m in _MET.finditer(text, start, stop) if not someone_elses_meeting(text, m)]


def someone_elses_meeting(text: str, phrase: re.Match[str]) -> bool:
    """Whether the meeting phrase `phrase`, found in `text`, tells of someone else's
    meeting (`_someone_elses`), judged on the words of its clause up to a punctuation mark
    or a line's end: its date and length are not the pair's meeting's."""
    start, end = phrase.span()
    before = _CLAUSE_EDGE.split(text[max(0, start - _CLAUSE_REACH) : start])[-1]
    after = _CLAUSE_EDGE.split(text[end : end + _CLAUSE_REACH])[0]
    return _someone_elses(before, after)


def _someone_elses(before: str, after: str) -> bool:
    """Whether a meeting phrase, with the words of its clause `before` and `after` it, tells
    of someone else's meeting: someone else as its subject ("her team had a meeting", "her
    manager and I met"), someone else a few words after it ("I had a call on Monday with
    her manager", but not "we had a call with the team", the pair's with the team beside
    them) or, in German,
    before it ("ich habe mit ihrem Chef telefoniert"), or "without me" after it ("they had a
    call on Monday without me")."""
    last, statement = _last_words(before), _statement(before)
    return bool(
        _OTHERS_AS_SUBJECT.search(last)
        or (_WITH_OTHERS.match(after) and not _PAIR_AS_SUBJECT.search(last))
        or (_WITH_OTHERS_BEFORE.search(statement) and not _PAIR_AS_SUBJECT.search(statement))
        or _WITHOUT_US.match(after)
    )


def _not_remembered_before(clauses: list[_Clause], index: int, opening: str) -> bool:
    """Whether a question word opens the clause of a meeting phrase, and the clause before
    it, in the same sentence, says the writer does not remember: "Ich weiß nicht mehr, wann
    wir uns getroffen haben" (German sets such a clause off with a comma)."""
    if index == 0 or not _ASKED_WHICH.match(opening):
        return False
    before = clauses[index - 1]
    return before.sentence == clauses[index].sentence and bool(_DOUBTED_BEFORE.search(before.text))


def _statement(before: str) -> str:
    """The words of the statement before a meeting phrase: back to "and", "so" or "then"."""
    return _NEXT_STATEMENT.split(before)[-1]


def _words_bearing_on(before: str) -> str:
    """The last words before a meeting phrase that bear on it: back to "and", "so" or "then"
    when that opens a statement of its own ("we did not meet on Tuesday and met on
    Wednesday", "we didn't meet and we talked"), but not when it joins two bare verbs
    sharing one negation ("we haven't met and talked properly since September")."""
    parts = _NEXT_STATEMENT.split(before)
    if len(parts) > 1 and not parts[-1].strip() and _ENDS_IN_MET.search(parts[-2][-40:]):
        return _last_words(before)
    return _last_words(parts[-1])


def _last_words(text: str) -> str:
    """The last five words of `text`: those that bear on the phrase after them."""
    return " ".join(text.split()[-5:])


def _turns(text: str, clauses: list[_Clause], sentences: list[Sentence]) -> tuple[Turn, ...]:
    """The turns of the head: each clause after "but" opens one."""
    return tuple(
        _turn(text, clause.start, sentences[clause.sentence])
        for clause in clauses
        if clause.contrast
    )


def _turn(text: str, start: int, sentence: Sentence) -> Turn:
    """The turn from `start` to the end of its sentence."""
    plan = (
        sentence.question
        or _FUTURE.search(text, start, sentence.end) is not None
        or _NOT_YET.search(text, sentence.start, start) is not None
    )
    return Turn(start, sentence.end, plan)


def _negated_end(before: str, end: re.Match[str]) -> Signal | None:
    """NO_END if an end is negated, by a negation inside it or earlier in its clause ("we
    do not want to end it"); None if not. A "not met" negates no end ("we haven't met and
    would like to end it"), and only the request after a reason counts ("we haven't managed
    to meet in months so we'd like to end it"). Any other negation before an "and" may be
    either's ("we don't want to pause and end it"): a person reads that (DOUBTFUL)."""
    if _NEITHER_NOR.search(before):
        return Signal.NO_END
    request = _REQUEST_AFTER_REASON.split(_NOT_MET.sub(" ", before))[-1]
    if _END_NEGATED_INSIDE.search(end.group()) or _END_NEGATED.search(_AND.split(request)[-1]):
        return Signal.NO_END
    return Signal.DOUBTFUL if _END_NEGATED.search(request) else None


def _as_set(signal: Signal | None) -> set[Signal]:
    return set() if signal is None else {signal}


def _met_signal(before: str, phrase: str, *, dated: bool = False) -> Signal | None:
    """What a meeting phrase says with the words just before it: met, not met, or a
    negation in a language we do not read (UNREAD), or, after a doubt, right after
    "nearly" or "had we" opening a condition, or in a "managed to meet" of someone else,
    nothing sure (DOUBTFUL). A "managed to meet" with no subject before it ("Yes! Managed
    to meet Monday") is the pair's. After "since we" it reports nothing ("it's been 3 weeks
    since we met", "since we last spoke we met on Monday": only the second is a report),
    unless negated ("not since we last met") or `dated`, a day right after it ("it's been
    great since we met on Monday")."""
    words = f"{before} {phrase}"
    if _SINCE_MET.search(before) and not dated:
        return Signal.NOT_MET if _NEGATION.search(before) else None
    if _DOUBTED.search(words) or _NEARLY.search(before) or _CONDITION_OPENED.search(before):
        return Signal.DOUBTFUL
    if _NEGATION.search(words):
        return Signal.NOT_MET
    if _MANAGED_BY_ANYONE.fullmatch(phrase) and not _NO_SUBJECT.match(before):
        return Signal.DOUBTFUL
    return Signal.UNREAD if _UNREAD_NEGATED_MET.search(words) else Signal.MET


def _sentence_signals(clauses: list[tuple[_Clause, set[Signal]]]) -> frozenset[Signal]:
    """What a sentence says: a report after "but" replaces the reports before it, and a
    "no" that answers an end (`_no_answers_an_end`) reports nothing. A meeting after "not
    yet, but" does not ("We haven't met yet, but we talked on the phone for 30 minutes"):
    the pair says they have not met, so both stand and a person reads it."""
    signals: set[Signal] = set()
    not_yet = False
    for clause, said in clauses:
        kept = not_yet and Signal.NOT_MET in signals and bool(said & POSITIVE)
        if clause.contrast and said & REPORTS and not kept:
            signals -= REPORTS
        signals |= said
        not_yet = not_yet or _NOT_YET.search(clause.text) is not None
    if _no_answers_an_end(clauses, signals):
        signals.discard(Signal.NO)
    return frozenset(signals)


def _no_answers_an_end(clauses: list[tuple[_Clause, set[Signal]]], signals: set[Signal]) -> bool:
    """Whether a sentence's "no" refuses an end or a pause rather than saying "not met": "No,
    we don't want to end it", "Nein, wir wollen nicht aufhören", "no queremos terminar", "No,
    we want to keep going", "No queremos pausar". Not when the sentence also says "not met",
    nor when the refusal follows "but" ("No, but we want to keep going"): that "no" answers
    "have you met?"."""
    return Signal.NOT_MET not in signals and any(
        said & _REFUSALS and not clause.contrast for clause, said in clauses
    )


def _is_plan(sentence: Sentence) -> bool:
    return sentence.future and Signal.MET not in sentence.signals


def only_promises(head: Head) -> bool:
    """Whether the head's "yes" only promises a first or next meeting: no sentence reports
    a meeting, each one saying yes says it with a promise ("Yes, we will"), and none says
    the meetings go on ("we did, and we will again", "we will keep going"), which reports
    one. Only the yes-sentences' own words say the meetings go on: "Yes, we will. Sorry, I
    did miss your email" promises only."""
    yeses = [s for s in head.sentences if Signal.YES in s.signals]
    return (
        bool(yeses)
        and all(Signal.MET not in s.signals for s in head.sentences)
        and all(_PROMISE.search(head.text[s.start : s.end]) for s in yeses)
        and not any(_says_going_on(head.text, s) for s in yeses)
    )


def _says_going_on(text: str, sentence: Sentence) -> bool:
    """Whether a sentence opens with "yes we did" or a clause of it says the meetings go on."""
    return _YES_WE_DID.match(text, sentence.start, sentence.end) is not None or any(
        _goes_on(clause.text) for clause in _clauses(text, sentence, 0)
    )


def _goes_on(clause: str) -> bool:
    """Whether a clause says the meetings go on: a word for it with no negation before it
    ("we didn't meet again"), in a clause that does not try for a first meeting ("we will
    try again", "we will continue to look for a date")."""
    if _TRYING.search(clause):
        return False
    return any(
        _NEGATION.search(clause, 0, found.start()) is None for found in _GOING_ON.finditer(clause)
    )


def only_accepts(head: Head) -> bool:
    """Whether the head's "yes" only accepts: no sentence reports a meeting, and each one
    saying yes says it with "please" or "thanks" ("Yes please", "Ja bitte", "Oui merci")."""
    yeses = [s for s in head.sentences if Signal.YES in s.signals]
    return (
        bool(yeses)
        and all(Signal.MET not in s.signals for s in head.sentences)
        and all(_ACCEPT.search(head.text[s.start : s.end]) for s in yeses)
    )


def in_plan(head: Head, position: int) -> bool:
    """Whether `position` lies in a question (from `_asking_start`) or a plan (a sentence
    about the future that reports no meeting, from `_plan_start`): dates and durations there
    are not the meeting's."""
    sentence = head.sentence_at(position)
    if sentence is None:
        return False
    if sentence.question:
        return Signal.MET not in sentence.signals or position >= _asking_start(head, sentence)
    return _is_plan(sentence) and position >= _plan_start(head, sentence)


def _asking_start(head: Head, sentence: Sentence) -> int:
    """Where the clause that asks begins in a question that reports a meeting: a report
    before it keeps its day and length ("We met on Monday for an hour, is that enough?"),
    unless the question offers another ("..., or was it Tuesday?"), which doubts it all."""
    clauses = _clauses(head.text, sentence, 0)
    if not clauses or _OFFERS_ANOTHER.match(clauses[-1].text):
        return sentence.start
    return clauses[-1].start


def _plan_start(head: Head, sentence: Sentence) -> int:
    """Where the plan in a plan sentence begins: at its start, but in a sentence that says
    yes, at the clause that speaks of the future, since what comes before answers the
    check-in ("Yes, Monday for 45 minutes and we'll meet again next Monday"); "Yes, on
    Monday we will meet again" is a plan from "on Monday"."""
    future = _FUTURE.search(head.text, sentence.start, sentence.end)
    if Signal.YES not in sentence.signals or future is None:
        return sentence.start
    joins = [m.end() for m in _JOINED.finditer(head.text, sentence.start, future.start())]
    return joins[-1] if joins else sentence.start
