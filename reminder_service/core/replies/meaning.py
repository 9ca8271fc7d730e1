"""What a reply says: met or not yet, skip, pause, end or dispute; and when, and for how long.

The input is the sender's own words, with quotes and signatures already removed. The reading
is deliberately plain and fast: word tables for English, German, French and Spanish
(`lexicon`) matched on folded text (lower case, accents removed), clause by clause, over the
first lines of the reply, where people put their answer. `head` reads what each sentence
says (a negation before "met" makes it "not met"; a clause after "but" replaces the report
before it; questions report nothing); this module weighs the sentences into one outcome.
Anything contradictory or unknown is UNCLEAR, so a person looks at it.

Dates are resolved against the reply's own date in the sender's time zone: a reported
meeting lies in the past (`dates`), the end of a pause in the future (`pause_end`). How long
the meeting lasted comes from `durations`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from reminder_service.core.model import ASKS_NOTHING, DateOrder, Kind
from reminder_service.core.replies import lexicon as lx
from reminder_service.core.replies.dates import (
    MONTH_NAMES,
    Unusable,
    dated_by_month_only,
    dates_in,
    meeting_date,
)
from reminder_service.core.replies.durations import duration, durations_in, overlap
from reminder_service.core.replies.head import (
    ENDS,
    NEGATIVE,
    POSITIVE,
    REPORTS,
    STATEMENT_BREAK,
    Head,
    Sentence,
    Signal,
    in_plan,
    only_accepts,
    only_promises,
    said_in_writing,
)
from reminder_service.core.replies.pause_end import NoEnd, pause_until
from reminder_service.core.replies.readers import alternation, whole_words
from reminder_service.core.replies.thanks import only_thanks
from reminder_service.core.replies.verdict import Outcome, ReportedMeeting

_FILLER = re.compile(
    rf"\b(?:{lx.FILLER}|{lx.KIND_OF_MEETING}|{alternation(lx.WEEKDAYS)})\b|[\W\d_]"
)
"""Words that may stand beside a date and a length in a reply of nothing else: a weekday
beside its date ("Tuesday 24/11, 1 hour") is part of it."""
_MET_AFTER_BUT = whole_words(lx.MET_AFTER_BUT)
_NEXT_STATEMENT = whole_words(lx.NEXT_STATEMENT)
_NOT_YET = whole_words(lx.NOT_YET)
_MORE_THAN_ONCE = whole_words(lx.MORE_THAN_ONCE)
_CORRECTING = whole_words(lx.CORRECTING)
_REQUESTS = ENDS | {Signal.PAUSE, Signal.SKIP}
_AFTER_THE_MEETING = re.compile(
    rf"\b(?:{lx.AFTER_THE_MEETING})\b|\b(?:since|depuis)(?= *(?:[,.;:!?\n]|$|but\b|mais\b))"
)
_IT_WAS = whole_words(lx.IT_WAS)
_CLAUSE_END = re.compile(r"[,;:.!?\n]| - ")
_FILLER_AFTER_BUT = re.compile(rf"\b(?:{lx.FILLER}|{lx.AFFIRMED})\b|[\W\d_]")
_ASKS_WHETHER_MET = frozenset({Kind.CHECKIN, Kind.REMINDER})
"""The kinds that ask "have you met?", to which "yes please" or "oui merci" still says yes.
Not the question back: it also follows unclear answers to a pause-or-end or a follow-up,
where "yes please, end it" accepts the offer."""
_NAMES_A_MEETING = frozenset({Kind.CONFIRMATION, Kind.THANKS})
"""The kinds that name a logged meeting ("your meeting with Ben on Tuesday"): a correction
answering them would replace that meeting, not add one."""
_END_OFFERED = re.compile(lx.END_OFFERED)
_FIRST_STATEMENT = re.compile(r"[.!;\n]| - ")
_AGAINST_THE_END = frozenset(
    {Signal.PAUSE, Signal.SKIP, Signal.NO_END, Signal.DOUBTFUL, Signal.DISPUTE}
)
"""What, after an opening "End", says the pair wants something else, or wants it asked; a
meeting's report beside it is logged too ("End please. We met on Monday for 1h")."""
_PUNCTUATION = re.compile(r"[\W_]+")
_NOT_MET_OR_PLANNED = frozenset({Signal.NOT_MET, Signal.PLANNED})
"""What a sentence says before a "but" that a meeting's length after it outweighs."""
_ASKS_TO_STOP = ENDS | {Signal.PAUSE}
_SUMS_UP = whole_words(lx.SUMS_UP)
_HABIT = whole_words(lx.HABIT)
_A_MONTH = re.compile(rf"\b(?:{MONTH_NAMES})\b")
_UNTIL_WORD = re.compile(rf"\b(?:{lx.UNTIL})\b(?<!\bate)")
"""An until-word, which may date a pause ("until 3 March"), never a meeting; not Portuguese
"até", which is English "ate" ("we ate lunch on Monday")."""


@dataclass(frozen=True, slots=True)
class Meaning:
    """What a reply means: the outcome, the meeting it reports, or the end of a pause.

    `outcome` is MEETING, NOT_MET, SKIP, PAUSE, END, DISPUTE, ACKNOWLEDGED or UNCLEAR.
    `meeting` is set with MEETING, and with PAUSE or END when the reply also tells of a
    meeting ("We met on Monday for an hour; let's pause until January"), so that it is
    logged too. `pause_until` is set with PAUSE only (None: until further notice, for a
    pause that names no end; one that names an end we cannot read is UNCLEAR).
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
    "confirmation" (of a logged meeting), "no" and "not met" mean DISPUTE; a dispute that
    states what did happen is a correction instead (`_dispute`). A reply to an
    email that asked nothing (`ASKS_NOTHING`: a confirmation, a thank-you) reports a new
    meeting only when it dates it ("yes, and we met again yesterday"); an undated "yes" or
    "that's right", or nothing but thanks ("Thanks!", `only_thanks`), only ACKNOWLEDGED
    it. Never raises.
    """
    today = _local_date(sent, zone)
    head = _met_after_but(Head.of(text))
    outcome = _outcome(head, replying_to=replying_to)
    if outcome is Outcome.NOT_MET and (
        _plan_beside_a_meeting(head, today, date_order) or _says_when_instead(head)
    ):
        outcome = Outcome.UNCLEAR
    if outcome is Outcome.UNCLEAR and replying_to in ASKS_NOTHING and only_thanks(text):
        outcome = Outcome.ACKNOWLEDGED
    if outcome is Outcome.DISPUTE:
        return _dispute(head, today=today, date_order=date_order, replying_to=replying_to)
    if outcome is Outcome.MEETING:
        return _meeting(head, today=today, date_order=date_order, replying_to=replying_to)
    if outcome is Outcome.PAUSE:
        return _pause(head, today=today, date_order=date_order, replying_to=replying_to)
    if outcome is Outcome.END:
        met = _met_besides(head, today=today, date_order=date_order, replying_to=replying_to)
        return Meaning(outcome, meeting=met)
    return Meaning(outcome)


def _meeting(head: Head, *, today: date, date_order: DateOrder, replying_to: str) -> Meaning:
    """The MEETING a reply reports; an undated one answering an email that asked nothing
    only ACKNOWLEDGED it. A bare "yes" that only promises ("yes, we will") reports nothing,
    nor does one that only accepts ("yes please") an email that did not ask whether the
    pair met (a follow-up, pause-or-end): both are UNCLEAR, and so is one stating a date
    that cannot be the meeting's ("31.11.") or dating it only by an earlier month ("we
    last met in October": `dated_by_month_only`). So is a reply that goes on to correct the
    meeting a confirmation or a thank-you names (`_amends`), or gives it a length with no
    day as a correction ("We only met for 15 minutes", "30 minutes, not 45":
    `_corrects_the_length`), and one that counts more than one meeting ("we met twice",
    "we had two calls"), which a person logs one by one."""
    if replying_to in _NAMES_A_MEETING and _amends(head, date_order):
        return Meaning(Outcome.UNCLEAR)
    if _MORE_THAN_ONCE.search(head.text):
        return Meaning(Outcome.UNCLEAR)
    day = meeting_date(head, today=today, date_order=date_order)
    if isinstance(day, Unusable) or _said_to_be_another_day(head, day, today, date_order):
        return Meaning(Outcome.UNCLEAR)
    if day is None and replying_to in _NAMES_A_MEETING and _corrects_the_length(head):
        return Meaning(Outcome.UNCLEAR)
    if day is None and replying_to in ASKS_NOTHING:
        return Meaning(Outcome.ACKNOWLEDGED)
    if day is None and dated_by_month_only(head, today=today):
        return Meaning(Outcome.UNCLEAR)
    if day is None and (only_promises(head) or _accepts_an_offer(head, replying_to)):
        return Meaning(Outcome.UNCLEAR)
    meeting = ReportedMeeting(
        date=day or today, date_stated=day is not None, duration_minutes=duration(head)
    )
    return Meaning(Outcome.MEETING, meeting=meeting)


def _said_to_be_another_day(
    head: Head, day: date | None, today: date, date_order: DateOrder
) -> bool:
    """Whether a reply dating its meeting goes on to say "it was" another day, as a meeting's
    ("We met on Monday. Actually, it was Tuesday", "en fait c'était mardi"): which day is
    the meeting's, a person decides. "Monday - it was the 23rd" agrees, and "it was her
    birthday on Wednesday" dates no meeting."""
    if day is None:
        return False
    for clause in _after_it_was(head.text):
        stated = meeting_date(Head.of(clause), today=today, date_order=date_order)
        if isinstance(stated, date) and stated != day:
            return True
    return False


def _after_it_was(text: str) -> Iterator[str]:
    """The rest of the clause after each "it was" ("es war", "c'était"): what did happen."""
    for found in _IT_WAS.finditer(text):
        yield _CLAUSE_END.split(text[found.end() :], 1)[0]


def _corrects_the_length(head: Head) -> bool:
    """Whether the reply gives a meeting's length with a word that corrects ("only",
    "actually", "not", "nur", "seulement", "solo"): to an email naming the meeting and its
    length, it may be the right one. "Yes, 45 minutes" confirms."""
    return _CORRECTING.search(head.text) is not None and duration(head) is not None


def _amends(head: Head, date_order: DateOrder) -> bool:
    """Whether the reply gives a date or a meeting's length after "but": "Correct, but we
    met on Wednesday", "Yes, but it was 30 minutes not 45", "Ja, aber es waren 90 Minuten",
    "No, but we met on Wednesday". Answering an email that names a meeting, it corrects when
    or for how long that meeting was, which only a person can apply. A length about
    something else ("Thanks! Though Bo was 10 minutes late") corrects nothing."""
    return any(
        not turn.plan and _states(head.text[turn.start : turn.end], date_order)
        for turn in head.turns
    )


def _states(text: str, date_order: DateOrder) -> bool:
    """Whether `text` gives a date or a length that may be a meeting's."""
    return bool(dates_in(text, date_order)) or _gives_a_meeting_length(text)


def _gives_a_meeting_length(text: str) -> bool:
    """Whether a length in `text` is one the duration reader takes for a meeting's, not a
    time ago, a time of day or the length of something else ("10 minutes late"). Each length
    is read with the others blanked out, because of several untied ones ("30 minutes, not
    45 minutes") the reader names none."""
    spans = [m.span() for m, _ in durations_in(text)]
    return any(
        duration(Head.of(_blanked(text, [o for o in spans if not overlap(o, span)]))) is not None
        for span in spans
    )


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each of `spans` replaced by spaces."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _met_after_but(head: Head) -> Head:
    """The head, with each sentence that says "not met" or plans a meeting, then "but" and a
    meeting's length, read as reporting that meeting: "We didn't meet on Tuesday as planned,
    but we did meet Wednesday for 30 minutes", "We were going to meet Monday but moved it to
    Wednesday, 1h", "Wir konnten uns am Dienstag nicht treffen, aber am Mittwoch eine
    Stunde". A date alone after the "but" may still be a plan ("we couldn't on Tuesday, but
    Thursday works"), so it takes a length; and the words after it must be about a meeting
    (`_tells_of_a_meeting`), or "We didn't meet, but I spent an hour on her CV" would log
    one. So is a sentence that says so after "and" (`_met_after_and`)."""
    turned = {
        head.sentence_at(turn.start)
        for turn in head.turns
        if not turn.plan and _tells_of_a_meeting(head.text[turn.start : turn.end])
    }
    return replace(
        head,
        sentences=tuple(
            _reports_met(s)
            if (s in turned and _only_not_met_or_planned(s)) or _met_after_and(head, s)
            else s
            for s in head.sentences
        ),
    )


def _met_after_and(head: Head, sentence: Sentence) -> bool:
    """Whether a sentence says both "not met" and "met": first that the pair did not meet,
    then, after "and" or "so", that they met, with the meeting's length (`_tells_of_a_meeting`):
    "We did not meet on Tuesday and met on Wednesday for 45 min". Said the other way round,
    without a length, or after "not yet" ("we haven't met yet and talked for 10 minutes by
    email": not at all), it stays contradictory, so a person looks."""
    if sentence.question or not {Signal.NOT_MET, Signal.MET} <= sentence.signals:
        return False
    text = head.text[sentence.start : sentence.end]
    for joint in _NEXT_STATEMENT.finditer(text):
        before, after = _said(Head.of(text[: joint.start()])), text[joint.end() :]
        if before & POSITIVE or _NOT_YET.search(text, 0, joint.start()):
            return False
        if Signal.NOT_MET in before and _tells_of_a_meeting(after):
            return not _said(Head.of(after)) & NEGATIVE
    return False


def _tells_of_a_meeting(turn: str) -> bool:
    """Whether the words after "but" give a meeting's length and say it took place: with a
    word for it ("we did meet", "moved it to"), or being nothing but a date and a length
    ("but on Wednesday for 30 minutes"). Anything else ("I spent an hour", "30 minutes on
    Friday works for us", "we have a 1 hour slot booked", "we talked by email") is not
    about a meeting."""
    met = (m for m in _MET_AFTER_BUT.finditer(turn) if not said_in_writing(turn, *m.span()))
    return bool(durations_in(turn)) and (
        next(met, None) is not None or _only_date_and_length(turn, filler=_FILLER_AFTER_BUT)
    )


def _only_not_met_or_planned(sentence: Sentence) -> bool:
    """Whether a sentence says "not met" or plans a meeting, and reports no meeting."""
    return bool(sentence.signals & _NOT_MET_OR_PLANNED) and not sentence.signals & POSITIVE


def _reports_met(sentence: Sentence) -> Sentence:
    """The sentence, reporting a meeting instead of "not met" or a plan."""
    signals = sentence.signals - REPORTS - _NOT_MET_OR_PLANNED | {Signal.MET}
    return replace(sentence, signals=signals)


def _accepts_an_offer(head: Head, replying_to: str) -> bool:
    """Whether an undated reply only says "yes please" (or "oui merci") to an email that
    did not ask "have you met?", and gives no meeting's length either."""
    return replying_to not in _ASKS_WHETHER_MET and only_accepts(head) and duration(head) is None


def _dispute(head: Head, *, today: date, date_order: DateOrder, replying_to: str) -> Meaning:
    """What a reply saying "that's wrong" (or "no" to a confirmation) means.

    Alone, or with "we didn't meet", it disputes a meeting. With the facts as the sender
    has them it corrects one, and a correction must never cost a meeting: "that's wrong, we
    met on Friday" reports that meeting and removes nothing. A correction that only amends
    ("it was 90 minutes", "it was Wednesday"), one answering a confirmation or a thank-you
    (which name a logged meeting it would replace), one that says both met and not met, or a
    denial that says what happened instead ("we didn't meet on the 12th, it was the 13th":
    `_says_when_instead`) is UNCLEAR, so a person looks.
    """
    said = _said(head)
    if Signal.MET in said and Signal.NOT_MET not in said and replying_to not in _NAMES_A_MEETING:
        meaning = _meeting(head, today=today, date_order=date_order, replying_to=replying_to)
        return meaning if meaning.outcome is Outcome.MEETING else Meaning(Outcome.UNCLEAR)
    if Signal.MET in said or (
        _says_when_instead(head)
        if Signal.NOT_MET in said
        else _states_when_or_how_long(head, today, date_order)
    ):
        return Meaning(Outcome.UNCLEAR)
    return Meaning(Outcome.DISPUTE)


def _states_when_or_how_long(head: Head, today: date, date_order: DateOrder) -> bool:
    """Whether the reply gives a meeting's date or length (outside questions and plans)."""
    return (
        meeting_date(head, today=today, date_order=date_order) is not None
        or duration(head) is not None
    )


def _plan_beside_a_meeting(head: Head, today: date, date_order: DateOrder) -> bool:
    """Whether a reply that reports nothing we read but a plan also states a past date and
    a meeting's length in a sentence that neither plans nor calls off ("The meeting took
    place on Monday (1h); we will meet again on 10 December"): it likely tells of a meeting
    in words we do not read, so it is no "not yet" but for a person to read. "Our Monday 1h
    meeting got cancelled; we'll meet next week" is still a "not yet"."""
    if _report(head) is not None:
        return False
    planning = [(s.start, s.end) for s in head.sentences if s.signals & _NOT_MET_OR_PLANNED]
    rest = Head.of(_blanked(head.text, planning))
    return (
        isinstance(meeting_date(rest, today=today, date_order=date_order), date)
        and duration(rest) is not None
    )


def _says_when_instead(head: Head) -> bool:
    """Whether a "not met" goes on to say when or how long it was instead, in a clause of
    nothing else ("We didn't meet on Tuesday, it was Wednesday", "es war Mittwoch"): they
    did meet, so a person reads it. Not "it was her exam on Monday"."""
    return any(_only_date_and_length(clause, filler=_FILLER) for clause in _after_it_was(head.text))


def _said(head: Head) -> frozenset[Signal]:
    """Everything the head's sentences say."""
    return frozenset().union(*(s.signals for s in head.sentences))


def _pause(head: Head, *, today: date, date_order: DateOrder, replying_to: str) -> Meaning:
    """A PAUSE until the day asked for, or until further notice if none is, with the
    meeting the reply also tells of; UNCLEAR if the pause is asked for until something that
    is not a later date."""
    end = pause_until(head, today=today, order=date_order)
    if end is NoEnd.UNREADABLE:
        return Meaning(Outcome.UNCLEAR)
    met = _met_besides(head, today=today, date_order=date_order, replying_to=replying_to)
    return Meaning(Outcome.PAUSE, meeting=met, pause_until=None if end is NoEnd.OPEN else end)


def _met_besides(
    head: Head, *, today: date, date_order: DateOrder, replying_to: str
) -> ReportedMeeting | None:
    """The meeting a reply asking for a pause or an end also tells of, in words ("we met",
    "we had a call"; a bare "yes" may answer the request), so it is logged and counted in
    the pair's totals: "We met on Monday for an hour and agreed to pause until January",
    "Please end the mentoring. Our last call was on the 20th". Not a habit ("we met every
    Monday", "nos reunimos todos los lunes"): its day is no one meeting's. An undated one
    must answer the check-in ("We met, and we'd like to pause"), not sum up the mentoring
    ("we met in November", "we met before the summer"): on the reply's date that could
    count a meeting logged long before a second time. The rest of the reply, once
    the statements asking to stop or naming an "until" are taken out (and the "End" that
    takes the pause-or-end email's offer), must read as a meeting on its own
    would; otherwise None, and the request alone is taken, as before."""
    if Signal.MET not in _said(head):
        return None
    text = head.text
    taken = _end_taken(text) if replying_to == Kind.PAUSE_OR_END else None
    if taken is not None and _takes_the_end_offered(head):
        text = f"{text[: taken[0]]} {text[taken[1] :]}"
    rest = _met_after_but(Head.of(_without_requests(text)))
    if Signal.MET not in _said(rest) or _outcome(rest, replying_to=replying_to) is not (
        Outcome.MEETING
    ):
        return None
    met = _meeting(rest, today=today, date_order=date_order, replying_to=replying_to).meeting
    if met is None or any(_HABIT.search(rest.text, s.start, s.end) for s in _reports(rest)):
        return None
    return met if met.date_stated or _answers_the_checkin(rest.text) else None


def _reports(head: Head) -> list[Sentence]:
    """The sentences that report a meeting."""
    return [sentence for sentence in head.sentences if Signal.MET in sentence.signals]


def _answers_the_checkin(text: str) -> bool:
    """Whether an undated meeting beside a request answers the check-in ("Yes, we met",
    "we met last week"), and does not sum up the mentoring (`lx.SUMS_UP`, or a month)."""
    return not _SUMS_UP.search(text) and not _A_MONTH.search(text)


def _without_requests(text: str) -> str:
    """The folded text, less each statement (`STATEMENT_BREAK`) that asks to pause or end or
    has an until-word: its dates are the pause's, not the meeting's. The question mark of a
    request taken out goes too ("We met on Monday, can we pause?" reports the meeting)."""
    kept = []
    start = 0
    for stop in [*STATEMENT_BREAK.finditer(text), None]:
        end = len(text) if stop is None else stop.start()
        statement = text[start:end]
        asks = _said(Head.of(statement)) & _ASKS_TO_STOP or _UNTIL_WORD.search(statement)
        kept.append(" " if asks else statement)
        if stop is not None:
            kept.append("." if asks and stop.group() == "?" else stop.group())
            start = stop.end()
    return "".join(kept)


def _local_date(sent: datetime, zone: ZoneInfo) -> date:
    """The reply's date where its sender lives (a naive `sent` is taken as UTC)."""
    aware = sent if sent.tzinfo is not None else sent.replace(tzinfo=UTC)
    try:
        return aware.astimezone(zone).date()
    except OverflowError:
        return aware.date()


def _outcome(head: Head, *, replying_to: str) -> Outcome:
    """One outcome for the whole reply; contradictions, a meeting phrase negated in a
    language we do not read, and a command only a person can act on (an end asked about, a
    pause starting later) are UNCLEAR. So is a dispute beside an end of any kind ("No, we
    haven't met, so we'd like to end it", "..., so we'll stop here" to a confirmation):
    neither may be lost. "End" alone ends only in answer to the pause-or-end email, which
    suggests it."""
    if replying_to == Kind.PAUSE_OR_END and _takes_the_end_offered(head):
        return Outcome.END
    said = _said(head)
    report = _report(head) or (_plan(replying_to) if Signal.PLANNED in said else None)
    if Signal.UNREAD in said or _only_others_met(said, report):
        report = Outcome.UNCLEAR
    if Signal.DISPUTE in said or _denies_the_meeting_named(head, said, replying_to):
        return Outcome.UNCLEAR if said & ENDS else Outcome.DISPUTE
    if Signal.END in said or (Signal.END_WEAK in said and report is not Outcome.MEETING):
        return Outcome.END
    if Signal.END_SO in said:
        return Outcome.END if report is not Outcome.MEETING else Outcome.UNCLEAR
    if Signal.END_SHORT in said:
        return Outcome.END if report is None else Outcome.UNCLEAR
    if Signal.SIGN_OFF in said and Signal.MET not in said:
        return Outcome.END if report is None else Outcome.UNCLEAR
    if Signal.DOUBTFUL in said:
        return Outcome.UNCLEAR
    if Signal.PAUSE in said:
        return Outcome.PAUSE
    if Signal.SKIP in said and report is not Outcome.MEETING:
        return Outcome.SKIP
    if report is None and not said and _only_when(head):
        return _plan(replying_to) if in_plan(head, 0) else Outcome.MEETING
    return report or Outcome.UNCLEAR


def _denies_the_meeting_named(head: Head, said: frozenset[Signal], replying_to: str) -> bool:
    """Whether a reply to an email naming a logged meeting says it did not happen: "No" or
    "we didn't meet" to a confirmation, "we didn't meet on Tuesday" to a thank-you (where,
    beside a request, "we haven't met in months, so we'd like to end it" is that request). Not
    "we haven't met again since" or "not met again", which speak of the time after it, nor
    "we won't meet in December", the future."""
    if replying_to not in _NAMES_A_MEETING or _AFTER_THE_MEETING.search(head.text):
        return False
    if replying_to == Kind.CONFIRMATION:
        return bool(said & NEGATIVE)
    denied = any(Signal.NOT_MET in s.signals and not s.future for s in head.sentences)
    return denied and not said & _REQUESTS


def _only_others_met(said: frozenset[Signal], report: Outcome | None) -> bool:
    """Whether the only meeting the reply tells of is someone else's, beside at most a
    "yes" ("Yes, Ada met the CEO on Monday"): the yes may answer anything, and the day and
    length are the other meeting's. Beside the pair's own ("We met on Monday, 1h. Her team
    had a meeting on Tuesday") it changes nothing."""
    return report is Outcome.MEETING and Signal.OTHERS in said and Signal.MET not in said


def _takes_the_end_offered(head: Head) -> bool:
    """Whether the reply says, as a statement of its own, nothing but the word the
    pause-or-end email suggests for an end ("End", "End, thanks", "End please. We haven't
    met in months", "We haven't met. End."): to that email it says which of its two offers
    the pair takes, unless the rest says otherwise (a pause, a skip, a wish to go on, a
    doubt). "End?" asks instead."""
    return _end_taken(head.text) is not None and not _said(head) & _AGAINST_THE_END


def _end_taken(text: str) -> tuple[int, int] | None:
    """Where, in folded `text`, a statement of its own is nothing but "End" (`lx.END_OFFERED`)."""
    start = 0
    for stop in [*_FIRST_STATEMENT.finditer(text), None]:
        end = len(text) if stop is None else stop.start()
        statement = text[start:end]
        if "?" not in statement and _END_OFFERED.fullmatch(
            _PUNCTUATION.sub(" ", statement).strip()
        ):
            return start, end
        if stop is not None:
            start = stop.end()
    return None


def _plan(replying_to: str) -> Outcome:
    """What a plan to meet says with no report beside it: not met yet, in answer to "have
    you met?"; to an email that asked nothing ("Thanks! We'll meet again on the 3rd") it
    only ACKNOWLEDGED it, and must not earn the pair a "not yet" follow-up."""
    return Outcome.ACKNOWLEDGED if replying_to in ASKS_NOTHING else Outcome.NOT_MET


def _report(head: Head) -> Outcome | None:
    """MEETING or NOT_MET. When lines disagree, the first reporting line decides if it is
    an explicit statement ("we met", "we haven't met"); otherwise the reply is UNCLEAR."""
    lines: dict[int, set[Signal]] = {}
    for sentence in head.sentences:
        if sentence.signals & REPORTS:
            lines.setdefault(sentence.line, set()).update(sentence.signals & REPORTS)
    if not lines:
        return None
    every = set().union(*lines.values())
    if not every & NEGATIVE:
        return Outcome.MEETING
    if not every & POSITIVE:
        return Outcome.NOT_MET
    lead = lines[min(lines)]
    if lead & POSITIVE and lead & NEGATIVE:
        return Outcome.UNCLEAR
    if Signal.MET in lead:
        return Outcome.MEETING
    if Signal.NOT_MET in lead:
        return Outcome.NOT_MET
    return Outcome.UNCLEAR


def _only_when(head: Head) -> bool:
    """Whether the first line is nothing but a date and a duration ("yesterday, 45 min",
    "Last Thurs, an hour or so", "Zoom call Monday 45 min"), which answers "have you met?"
    with yes, or, looking ahead ("next Thurs, an hour"), plans the next meeting."""
    return _only_date_and_length(head.text.partition("\n")[0], filler=_FILLER)


def _only_date_and_length(text: str, *, filler: re.Pattern[str]) -> bool:
    """Whether folded `text` is nothing but dates and durations, and words `filler` takes."""
    spans = [(f.start, f.end) for f in dates_in(text, "DMY")]
    spans += [m.span() for m, _ in durations_in(text)]
    return bool(spans) and not filler.sub(" ", _blanked(text, spans)).strip()
