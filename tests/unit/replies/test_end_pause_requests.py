"""Ends and pauses count only as the pair's own request, made now.

Words about ending or pausing that are a topic, someone else's plan, negated, a question
about ending, or a pause said to start later must not end or pause the pair, nor drop the
meeting reported beside them. Replies go through the real entry point, `understand`, as
pair ada-bo (Berlin, dates day first) on Thursday 26 November 2026, answering a check-in.
"""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.head import Head, Signal
from reminder_service.core.replies.verdict import Outcome, ReportedMeeting, Verdict
from tests.unit.replies.reply_mail import verdict_of


def _verdict(text: str) -> Verdict:
    """The verdict `understand` gives `text`, sent by the mentee in answer to a check-in."""
    return verdict_of(text)


MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)
YESTERDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "day", "minutes"),
    [
        (
            "Yes! Met yesterday for an hour. Bo says she'll finish the program in spring.",
            YESTERDAY,
            60,
        ),
        (
            "Met on Monday for an hour, we discussed whether she should quit the program at uni",
            MONDAY,
            60,
        ),
        (
            "Yes, Monday 1h. Her internship program is over in June so we talked about next steps",
            MONDAY,
            60,
        ),
        (
            "Met yesterday (1h). Unsubscribe my old address bo@old.example please, use this one",
            YESTERDAY,
            60,
        ),
        ("Met yesterday, 1h. Bo wants to finish the program in June.", YESTERDAY, 60),
    ],
)
def test_an_end_that_is_not_the_pairs_request_leaves_the_meeting(
    text: str, day: date, minutes: int
) -> None:
    """Ending someone else's program, a topic, a plan for later or unsubscribing an old
    address ends nothing: the meeting beside it is logged."""
    verdict = _verdict(text)
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting == ReportedMeeting(date=day, date_stated=True, duration_minutes=minutes)


@pytest.mark.parametrize(
    ("text", "day", "minutes"),
    [
        ("No need to pause, we met yesterday for an hour", YESTERDAY, 60),
        ("I don't think we need a break, we met on Monday for 30 min", MONDAY, 30),
        ("Keine Pause bitte, wir haben uns gestern getroffen", YESTERDAY, None),
        ("We met Tuesday for an hour; we talked about how to take a break from work", TUESDAY, 60),
    ],
)
def test_a_refused_pause_or_a_break_as_a_topic_leaves_the_meeting(
    text: str, day: date, minutes: int | None
) -> None:
    """A negated pause, or a break the pair talked about, pauses nothing: the meeting
    beside it is logged."""
    verdict = _verdict(text)
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting == ReportedMeeting(date=day, date_stated=True, duration_minutes=minutes)


@pytest.mark.parametrize(
    "text",
    [
        # a refused pause
        "We don't want to pause",
        "Wir wollen nicht pausieren",
        "Nous ne voulons pas faire de pause",
        "No queremos pausar",
        # a pause said to start later
        "We're going to take a break in January",
        "Ada starts parental leave in March - could we pause from then until September?",
        "Yes, met on Monday (1h). FYI we'll take a break in the summer.",
        "We met yesterday for 45 minutes. We'll take a break over Christmas.",
        # a question about ending, or an end said for later
        "Can we end the mentorship?",
        "Could we stop the check-ins?",
        "K\u00f6nnen wir das Mentoring beenden?",
        "Pouvons-nous arr\u00eater le mentorat ?",
        "\u00bfPodemos terminar?",
        "\u00bfPodemos terminar la mentor\u00eda?",
        "If we end the mentoring, will Bo get a certificate?",
        "We met on Monday for an hour. Can we end the mentoring?",
        "We'd like to end the mentoring in June",
    ],
)
def test_a_refused_later_or_questioned_command_is_unclear(text: str) -> None:
    """A refused pause, a pause or an end said to start later, and a question about ending
    neither pause nor end the pair: the reply is unclear, so a person looks."""
    verdict = _verdict(text)
    assert verdict.outcome is Outcome.UNCLEAR
    assert verdict.pause_until is None


@pytest.mark.parametrize(
    ("text", "outcome", "until"),
    [
        ("Please end the mentoring", Outcome.END, None),
        ("Let's stop the check-ins", Outcome.END, None),
        ("Wir m\u00f6chten das Mentoring beenden", Outcome.END, None),
        ("Please unsubscribe us", Outcome.END, None),
        ("Please stop emailing us", Outcome.END, None),
        ("Stop sending us reminders please", Outcome.END, None),
        ("Please stop emailing us until March", Outcome.PAUSE, date(2027, 3, 1)),
        ("Stop emailing me for now", Outcome.PAUSE, None),
        ("We met yesterday for an hour, but we'd like to end the mentoring", Outcome.END, None),
        ("Pause until March", Outcome.PAUSE, date(2027, 3, 1)),
        ("Can we pause until March?", Outcome.PAUSE, date(2027, 3, 1)),
        ("Could we pause the check-ins?", Outcome.PAUSE, None),
        (
            "We met yesterday for an hour, we'd like to pause until March",
            Outcome.PAUSE,
            date(2027, 3, 1),
        ),
        ("Not yet please pause until March", Outcome.PAUSE, date(2027, 3, 1)),
        ("We haven't met, please pause", Outcome.PAUSE, None),
        ("Pause jusqu'en 2027", Outcome.PAUSE, date(2027, 1, 1)),
        ("we met, but I had to end it", Outcome.MEETING, None),
    ],
)
def test_requests_to_end_or_pause_still_take_effect(
    text: str, outcome: Outcome, until: date | None
) -> None:
    """The pair's own request to end or pause, alone or beside a meeting, and a request
    asked as a question for a pause, still end or pause; ending a meeting reports it."""
    verdict = _verdict(text)
    assert verdict.outcome is outcome
    assert verdict.pause_until == until


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("We met yesterday and agreed to stop the emails for a while", None),
        ("Please stop the emails for now", None),
        ("Please stop the check-ins until March", date(2027, 3, 1)),
        ("Stop the reminders for two months please", date(2027, 1, 26)),
        ("No emails till Feb please", date(2027, 2, 1)),
        ("No, and no emails till Feb please", date(2027, 2, 1)),
        ("Hold the reminders for a month please", date(2026, 12, 26)),
        ("Bitte keine Erinnerungen bis Januar", date(2027, 1, 1)),
    ],
)
def test_stopping_the_emails_for_a_while_pauses(text: str, until: date | None) -> None:
    """Stopping the emails for a while, for now or until a date is a pause, never an end
    with its farewell."""
    verdict = _verdict(text)
    assert verdict.outcome is Outcome.PAUSE
    assert verdict.pause_until == until


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("We don't want to pause", Signal.NO_PAUSE),
        ("Can we end the mentorship?", Signal.DOUBTFUL),
        ("We're going to take a break in January", Signal.DOUBTFUL),
        ("Please pause", Signal.PAUSE),
    ],
)
def test_the_head_marks_refused_and_doubtful_commands(text: str, signal: Signal) -> None:
    """The head reads a refused pause as NO_PAUSE, a questioned end or a later pause as
    DOUBTFUL, and a plain request as the command itself."""
    (sentence,) = Head.of(text).sentences
    assert signal in sentence.signals
    assert not sentence.signals & {Signal.END, Signal.END_WEAK}


@pytest.mark.parametrize(
    "text",
    [
        "Bo says she'll finish the program in spring",
        "we talked about how to take a break from work",
        "Unsubscribe my old address bo@old.example",
    ],
)
def test_the_head_reads_no_command_in_a_topic(text: str) -> None:
    """Someone else's end, a break as a topic and an old address to unsubscribe give the
    head no command at all."""
    commands = {Signal.END, Signal.END_WEAK, Signal.PAUSE, Signal.DOUBTFUL}
    assert not any(s.signals & commands for s in Head.of(text).sentences)


@pytest.mark.parametrize(
    "text",
    [
        "Yes, we met yesterday for an hour. We'll end the mentoring now, thanks for everything",
        "Wir haben uns gestern eine Stunde getroffen. Wir werden das Mentoring jetzt beenden",
    ],
)
def test_an_end_beside_a_meeting_is_never_dropped(text: str) -> None:
    """The pair's end, said beside a meeting report, ends the pair: the meeting does not
    swallow it."""
    assert _verdict(text).outcome is Outcome.END


@pytest.mark.parametrize(
    "text",
    [
        "Yes, we met yesterday for an hour. We'll end the mentoring in June",
        "Met on Monday for an hour. We'd like to pause from March",
    ],
)
def test_a_later_end_or_pause_beside_a_meeting_is_unclear(text: str) -> None:
    """An end or a pause said to start later, beside a meeting report, makes the reply
    unclear, so a person arranges it; it never vanishes behind the meeting."""
    assert _verdict(text).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize(
    "text",
    [
        "We'll end the mentoring here, thanks for everything",
        "We will finish the program now. Thanks a lot",
        "We're going to end the mentoring, thanks for everything",
        "We'll stop the check-ins now, thanks",
        "I'll have to end the mentoring, sorry",
        "Wir werden das Mentoring jetzt beenden, danke f\u00fcr alles",
        "Nous allons arr\u00eater le mentorat",
        "Nous allons mettre fin au mentorat, merci",
        "On va arr\u00eater l\u00e0, merci pour tout",
        "Vamos a terminar la mentor\u00eda, gracias por todo",
    ],
)
def test_an_end_said_in_the_future_tense_is_made_now(text: str) -> None:
    """ "We'll end it", "wir werden beenden", "nous allons arrêter" are requests made now:
    only a later time attached to the end makes it later."""
    assert _verdict(text).outcome is Outcome.END


@pytest.mark.parametrize(
    ("text", "outcome", "until"),
    [
        ("She and I want to end the mentoring", Outcome.END, None),
        ("As she moved abroad please end the mentoring", Outcome.END, None),
        ("Since he started a new job please stop the check-ins", Outcome.END, None),
        ("I'd be grateful if you could end our mentoring", Outcome.END, None),
        ("If you could stop the emails that would be great", Outcome.END, None),
        ("She is travelling so please pause", Outcome.PAUSE, None),
        ("She needs surgery so we need a break until March", Outcome.PAUSE, date(2027, 3, 1)),
        (
            "Ella est\u00e1 enferma as\u00ed que pausa hasta marzo por favor",
            Outcome.PAUSE,
            date(2027, 3, 1),
        ),
        (
            "Met Monday for an hour. If you could pause us until March that would be great",
            Outcome.PAUSE,
            date(2027, 3, 1),
        ),
    ],
)
def test_a_third_person_beside_the_pairs_own_request_leaves_it_theirs(
    text: str, outcome: Outcome, until: date | None
) -> None:
    """ "Please", "we", "I", "you could" or "she and I" make an end or a pause the pair's
    own, even after a third person or a reason: only a third person as the command's own
    subject, or reported speech right before it, makes it someone else's."""
    verdict = _verdict(text)
    assert verdict.outcome is outcome
    assert verdict.pause_until == until


@pytest.mark.parametrize(
    "text",
    [
        "She wants to end the mentoring",
        "Bo says she'll finish the program",
        "We wondered whether she should quit the program",
        "We talked about how to take a break from work",
    ],
)
def test_the_head_reads_someone_elses_command_as_none(text: str) -> None:
    """A third person as the command's subject, or reported speech right before it, gives
    the head no command."""
    commands = {Signal.END, Signal.END_WEAK, Signal.PAUSE, Signal.DOUBTFUL}
    assert not any(s.signals & commands for s in Head.of(text).sentences)


@pytest.mark.parametrize(
    ("text", "outcome", "until"),
    [
        ("She found a job in October so we'd like to end the mentoring", Outcome.END, None),
        ("We met 12 times in 6 months and would like to end the mentoring now", Outcome.END, None),
        ("We'd like to end the mentoring as she found a job in October", Outcome.END, None),
        (
            "Queremos terminar la mentor\u00eda porque ella encontr\u00f3 trabajo en octubre",
            Outcome.END,
            None,
        ),
        (
            "We're both busy in December so please pause until January",
            Outcome.PAUSE,
            date(2027, 1, 1),
        ),
        ("Let's pause and restart in January", Outcome.PAUSE, None),
        (
            "We'd like to pause until March because she is in 2 exams",
            Outcome.PAUSE,
            date(2027, 3, 1),
        ),
        ("Bitte pausieren und im Januar wieder aufnehmen", Outcome.PAUSE, None),
        ("On fait une pause et on reprend en janvier", Outcome.PAUSE, None),
        ("Hacemos una pausa y retomamos en enero", Outcome.PAUSE, None),
    ],
)
def test_a_date_elsewhere_in_the_clause_does_not_put_off_a_request(
    text: str, outcome: Outcome, until: date | None
) -> None:
    """A past event, a length or a restart in the clause leaves an end or a pause made now:
    only a later time right at the command puts it off."""
    verdict = _verdict(text)
    assert verdict.outcome is outcome
    assert verdict.pause_until == until


@pytest.mark.parametrize(
    "text",
    [
        "We'd like to pause from March",
        "Please end the mentoring in June",
        "Wir m\u00f6chten ab M\u00e4rz pausieren",
        "Wir m\u00f6chten das Mentoring im Juni beenden",
        "We'll take a break after Christmas",
    ],
)
def test_a_later_time_at_the_command_puts_it_off(text: str) -> None:
    """A later time right before, inside or right after an end or a pause makes the reply
    unclear, so a person arranges it."""
    verdict = _verdict(text)
    assert verdict.outcome is Outcome.UNCLEAR
    assert verdict.pause_until is None


@pytest.mark.parametrize(
    "text",
    ["Wir brauchen eine Pause von 2 Monaten", "We need a break for 2 months"],
)
def test_the_head_reads_a_length_as_no_later_start(text: str) -> None:
    """A pause's length is no later start: the head reads a plain pause."""
    (sentence,) = Head.of(text).sentences
    assert Signal.PAUSE in sentence.signals
    assert Signal.DOUBTFUL not in sentence.signals


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("We have decided to end the mentoring, could you let Ada know?", Outcome.END),
        ("We'd like to end our mentorship here - is that ok?", Outcome.END),
        ("Please end the mentoring. Is that possible?", Outcome.END),
        ("Met Monday for an hour. Did you stop the reminders?", Outcome.MEETING),
        ("Met Monday for an hour. Are you going to end the program in June?", Outcome.MEETING),
        ("Can we end the mentoring?", Outcome.UNCLEAR),
        ("Met Monday 1h. If we end the mentoring, will Bo get a certificate?", Outcome.UNCLEAR),
    ],
)
def test_only_the_clause_that_asks_is_asked(text: str, outcome: Outcome) -> None:
    """An end stated before the clause that asks still ends; an end in the asking clause, or
    a condition of a question, is unclear, unless the question is about what we did, which
    asks for nothing."""
    assert _verdict(text).outcome is outcome


@pytest.mark.parametrize(
    "text",
    [
        "Wir k\u00f6nnen uns nicht treffen und m\u00f6chten pausieren",
        "Wir schaffen es nicht und m\u00f6chten pausieren",
        "Wir haben keine Zeit und m\u00f6chten pausieren",
        "On n'a pas le temps donc pause svp",
    ],
)
def test_a_negation_before_and_or_so_leaves_the_pause(text: str) -> None:
    """A negation in the reason before "und", "and", "donc" or "so" does not refuse the
    pause after it: the pair is paused."""
    verdict = _verdict(text)
    assert verdict.outcome is Outcome.PAUSE
    assert verdict.pause_until is None


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Please unsubscribe bo@example.org", Outcome.END),
        ("Please unsubscribe me, my address is bo@example.org", Outcome.END),
        ("Please unsubscribe me, I don't want emails at this address", Outcome.END),
        ("Please unsubscribe my old address", Outcome.UNCLEAR),
        ("Unsubscribe my work address please", Outcome.UNCLEAR),
        ("Please unsubscribe bo@old.example and use this one instead", Outcome.UNCLEAR),
    ],
)
def test_unsubscribing_is_an_end_unless_of_another_address(text: str, outcome: Outcome) -> None:
    """Unsubscribing, even naming the address, ends the pair; only unsubscribing an old or
    other address, or one replaced by "use this one", ends nothing."""
    assert _verdict(text).outcome is outcome


BESIDE_NOT_MET = [
    "We haven't managed to meet in 3 months so we'd like to end the mentoring",
    "We haven't met in months and would like to end the mentoring",
    "No, we haven't met, so we'd like to end the mentoring",
]


@pytest.mark.parametrize("kind", [Kind.CHECKIN, Kind.THANKS, Kind.PAUSE_OR_END])
@pytest.mark.parametrize("text", BESIDE_NOT_MET)
def test_an_end_beside_a_not_met_ends(text: str, kind: Kind) -> None:
    """A request to end beside "we haven't met" ends the pair: the "not" is the meeting's,
    and no "not yet" follow-up goes out instead."""
    assert verdict_of(text, kind=kind).outcome is Outcome.END


@pytest.mark.parametrize("text", BESIDE_NOT_MET)
def test_an_end_beside_a_dispute_of_a_confirmation_is_unclear(text: str) -> None:
    """An end beside "we haven't met" in answer to a confirmation both disputes the meeting
    and ends: a person looks, so neither is lost."""
    assert verdict_of(text, kind=Kind.CONFIRMATION).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize("kind", [Kind.CHECKIN, Kind.THANKS, Kind.CONFIRMATION])
@pytest.mark.parametrize(
    "text",
    [
        "She has found a job, so we'll end it here",
        "We'll stop here",
        "Let's end it here",
        "Wir h\u00f6ren hier auf, danke",
        "On arr\u00eate l\u00e0, merci",
        "On s'arr\u00eate l\u00e0",
        "Lo dejamos aqu\u00ed, gracias",
        "Por favor, no m\u00e1s correos",
        "No more emails please",
    ],
)
def test_we_stop_here_and_no_more_emails_end(text: str, kind: Kind) -> None:
    """ "We'll end it here", "wir hören hier auf", "on arrête là" and "no más correos" end
    the pair, in answer to a check-in, a thank-you or a confirmation alike."""
    assert verdict_of(text, kind=kind).outcome is Outcome.END


@pytest.mark.parametrize("text", ["End", "End.", "End, thanks", "Please end"])
def test_end_alone_answers_the_pause_or_end_email(text: str) -> None:
    """ "End" alone, the word the pause-or-end email suggests, ends the pair in answer to
    that email."""
    assert verdict_of(text, kind=Kind.PAUSE_OR_END).outcome is Outcome.END


@pytest.mark.parametrize("kind", [Kind.CHECKIN, Kind.THANKS, Kind.CONFIRMATION])
def test_end_alone_to_another_email_is_unclear(kind: Kind) -> None:
    """ "End" alone to an email that did not offer an end is unclear."""
    assert verdict_of("End", kind=kind).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("I'll stop here, thanks", Outcome.UNCLEAR),
        ("Wir h\u00f6ren auf Ihren Rat", Outcome.UNCLEAR),
        ("No more meetings since May", Outcome.NOT_MET),
        ("We didn't meet, so please don't end it", Outcome.NOT_MET),
        ("We don't want to pause and end it", Outcome.UNCLEAR),
        ("I'm not so sure we want to end it", Outcome.UNCLEAR),
    ],
)
def test_words_near_a_stop_or_an_end_do_not_end(text: str, outcome: Outcome) -> None:
    """Ending a letter, listening to someone, no more meetings, an end refused after a
    reason, a negation that may be the end's and "not so sure" end nothing."""
    assert _verdict(text).outcome is outcome


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("we haven't managed to meet in 3 months so we'd like to end the mentoring", Signal.END),
        ("we haven't met and would like to end the mentoring", Signal.END),
        ("we didn't meet so please don't end the mentoring", Signal.NO_END),
        ("we don't want to pause and end the mentoring", Signal.DOUBTFUL),
    ],
)
def test_the_head_gives_a_negation_before_so_or_and_to_its_own_words(
    text: str, signal: Signal
) -> None:
    """The head reads a "not met" or a reason before "so" as no refusal of the end after
    it, a negation right before the end as one, and any other before "and" as doubtful."""
    (sentence,) = Head.of(text).sentences
    assert signal in sentence.signals
    assert not sentence.signals & ({Signal.END, Signal.NO_END, Signal.DOUBTFUL} - {signal})


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("We met yesterday. No more emails please", Outcome.END),
        ("We met yesterday for the final time. No more emails please.", Outcome.END),
        ("No m\u00e1s correos, nos vimos ayer una hora", Outcome.END),
        ("No m\u00e1s correos hasta pronto", Outcome.END),
        ("Stop the emails hasta luego", Outcome.END),
        ("Keine Mails mehr bis bald", Outcome.END),
        ("Keine Mails mehr bis M\u00e4rz", Outcome.PAUSE),
        ("Keine Erinnerungen mehr bis Januar", Outcome.PAUSE),
        ("We met yesterday, no more emails needed this week", Outcome.MEETING),
        ("Met yesterday! No more emails needed about this one, thanks", Outcome.MEETING),
        ("We met yesterday. No more emails this week please, I'm travelling", Outcome.MEETING),
        ("We got no more emails since October, is the program over?", Outcome.UNCLEAR),
        ("No more emails to my work address please", Outcome.UNCLEAR),
        ("Keine Mails mehr an meine alte Adresse", Outcome.UNCLEAR),
    ],
)
def test_no_more_emails_asks_to_end_unless_until_a_day(text: str, outcome: Outcome) -> None:
    """ "No more emails" is a request to end even beside a meeting, as "please stop the
    emails" is; until a day ("bis März"), not a goodbye ("hasta luego", "bis bald"), it is a
    pause; "needed this week", "since October" or "to my work address" make it no request to
    stop them all."""
    assert _verdict(text).outcome is outcome


def test_the_head_reads_no_more_emails_as_an_end_not_a_no() -> None:
    """ "No más correos" asks to end, and its "no" answers nothing."""
    (sentence,) = Head.of("No m\u00e1s correos").sentences
    assert Signal.END in sentence.signals
    assert Signal.NO not in sentence.signals


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("We met on Tuesday for an hour. We'll stop here, see you next month!", TUESDAY),
        (
            "Wir haben uns gestern eine Stunde getroffen. Wir h\u00f6ren hier auf, bis bald!",
            YESTERDAY,
        ),
        ("Nos vimos ayer una hora. Lo dejamos aqu\u00ed, \u00a1hasta pronto!", YESTERDAY),
        ("Nos vimos ayer una hora, lo dejamos aqu\u00ed", YESTERDAY),
        ("On s'est vus mardi une heure. On s'arr\u00eate l\u00e0, \u00e0 bient\u00f4t", TUESDAY),
        ("We met yesterday and we'll stop now", YESTERDAY),
        ("We met yesterday, let's wrap up here", YESTERDAY),
        ("On a arr\u00eat\u00e9 les messages sur WhatsApp, on s'est vus hier une heure", YESTERDAY),
        ("On a arr\u00eat\u00e9 le programme de r\u00e9vision, on s'est vus hier", YESTERDAY),
    ],
)
def test_a_sign_off_beside_a_meeting_leaves_the_meeting(text: str, day: date) -> None:
    """A sign-off ("we'll stop here", "lo dejamos aquí", "no más correos") or a participle
    ("on a arrêté les messages") beside a meeting's report ends nothing: the meeting is
    logged."""
    verdict = _verdict(text)
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting is not None
    assert verdict.meeting.date == day


@pytest.mark.parametrize(
    "text",
    [
        "We'll stop here, see you next month!",
        "We can't meet this month, we'll stop here",
        "wir h\u00f6ren immer um sechs auf",
        "Wir h\u00f6ren immer p\u00fcnktlich auf",
        "Wir h\u00f6ren n\u00e4chste Woche auf",
        "Wir h\u00f6ren Ende des Jahres auf",
    ],
)
def test_a_sign_off_or_a_stop_that_is_not_now_is_unclear(text: str) -> None:
    """A sign-off beside a goodbye or a "not met", a habit ("wir hören immer um sechs auf")
    and a stop said for later are unclear: a person reads them, nothing ends."""
    assert _verdict(text).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize("text", ["End?", "End ?", "End??", "End, please?"])
def test_end_asked_to_the_pause_or_end_email_is_unclear(text: str) -> None:
    """ "End?" in answer to the pause-or-end email asks about the end rather than takes it."""
    assert verdict_of(text, kind=Kind.PAUSE_OR_END).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize(
    "text",
    [
        "No m\u00e1s correos hasta marzo",
        "No more emails until March please",
        "No more check-ins till March",
    ],
)
def test_no_more_emails_until_a_date_pauses(text: str) -> None:
    """ "No more emails until March" pauses until next March, as "stop the emails until March"
    does; it never ends."""
    verdict = _verdict(text)
    assert verdict.outcome is Outcome.PAUSE
    assert verdict.pause_until == date(2027, 3, 1)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("She has found a job, so we'll end it here", Kind.CHECKIN),
        ("We didn't meet, so we'll end it here", Kind.CHECKIN),
        ("Wir haben uns nicht getroffen, also h\u00f6ren wir hier auf", Kind.CHECKIN),
        ("Wir h\u00f6ren hier auf, danke", Kind.CHECKIN),
        ("Wir h\u00f6ren jetzt auf", Kind.CHECKIN),
        ("On arr\u00eate l\u00e0, merci", Kind.CHECKIN),
        ("On arr\u00eate le mentorat", Kind.CHECKIN),
        ("Arr\u00eatons les \u00e9changes", Kind.CHECKIN),
        ("Por favor, no m\u00e1s correos", Kind.CHECKIN),
        ("Please end the mentoring", Kind.CHECKIN),
        ("End", Kind.PAUSE_OR_END),
        ("End the mentoring", Kind.PAUSE_OR_END),
    ],
)
def test_a_request_to_end_with_nothing_beside_it_still_ends(text: str, kind: Kind) -> None:
    """A sign-off with nothing else said, a plain request to end and "End" to the
    pause-or-end email still end the pair."""
    assert verdict_of(text, kind=kind).outcome is Outcome.END


@pytest.mark.parametrize(
    "text",
    [
        "We had our last meeting on Monday, so we'll end it here.",
        "We met on Monday for our last session, so we'll end it here.",
        "We met yesterday, so we'll stop here",
    ],
)
def test_an_end_after_so_beside_a_meeting_is_left_for_a_person(text: str) -> None:
    """ "..., so we'll end it here" beside a meeting's report may end the mentoring or only
    the letter: unclear, so neither the meeting nor the end is lost without a person."""
    assert _verdict(text).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize(
    ("text", "signals"),
    [
        ("We'll stop here", {Signal.SIGN_OFF}),
        ("We didn't meet, so we'll stop here", {Signal.SIGN_OFF, Signal.END_SO}),
        ("We'll stop here, see you soon", set()),
        ("Wir h\u00f6ren hier auf, bis bald", set()),
        ("Wir h\u00f6ren immer um sechs auf", set()),
        ("On a arr\u00eat\u00e9 les messages sur WhatsApp", set()),
    ],
)
def test_the_head_reads_a_sign_off_as_a_short_end_unless_beside_a_goodbye(
    text: str, signals: set[Signal]
) -> None:
    """The head reads a sign-off as a short end, after a reason ("so") also as
    an end that a meeting beside it makes doubtful, and neither a sign-off beside a
    goodbye, a habit nor a participle as any end."""
    ends = {Signal.END, Signal.END_WEAK, Signal.SIGN_OFF, Signal.END_SHORT, Signal.END_SO}
    said = set().union(*(s.signals for s in Head.of(text).sentences))
    assert said & ends == signals


@pytest.mark.parametrize("text", ["No emails please", "No reminders please"])
def test_no_emails_without_more_or_a_while_is_for_a_person(text: str) -> None:
    """ "No emails please" is no "not met" (which would earn a follow-up email) nor, without
    "more", a sure end: a person reads it."""
    assert _verdict(text).outcome is Outcome.UNCLEAR


def test_stopping_emails_to_someone_else_ends_nothing() -> None:
    """Only emails to the pair: "stop emailing her manager" asks nothing of us."""
    assert _verdict("Please stop emailing her manager").outcome is not Outcome.END
