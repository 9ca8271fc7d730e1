"""An end, a pause or a skip that the pair does not ask for now: taken back, only wished
once or reported, tentative, hanging on a condition, said for later, or a pause that is over.

Before, each of these ended or paused the pair: "I did want to cancel the mentoring at one
point, but not any more" sent a farewell, and "After our pause we're meeting again" paused
the pair with no end date.
"""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import UNCLEAR, met, understood, verdict_of

MONDAY = date(2026, 11, 23)
"""The Monday before the replies' Thursday, 26 November 2026."""
NOT_MET = (Outcome.NOT_MET, None)


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        (
            "I did want to cancel the mentoring at one point, but not any more. We met on Monday.",
            met(MONDAY),
        ),
        (
            "Wir wollten das Mentoring eigentlich beenden, haben uns aber am Montag doch "
            "getroffen und machen weiter.",
            met(MONDAY),
        ),
        (
            "Mon mentoré voulait arrêter, mais on en a parlé et on continue. Pas encore vus.",
            NOT_MET,
        ),
        ("I was going to ask you to pause us, but never mind - we met on Monday.", met(MONDAY)),
        (
            "A pause was suggested by my mentor, but I declined. We met on Monday for an hour.",
            met(MONDAY, 60),
        ),
        ("Thanks for the offer to pause, but we're fine - we met on Monday.", UNCLEAR),
        (
            "Ich wollte eigentlich um eine Pause bitten, aber hat sich erledigt. Wir haben uns "
            "am Montag getroffen.",
            met(MONDAY),
        ),
        ("Iba a pediros una pausa, pero ya no hace falta. Aún no nos hemos visto.", NOT_MET),
        (
            "We met on Monday. Last time I asked you to pause us but that's no longer needed.",
            met(MONDAY),
        ),
        ("Not yet. I was going to ask for a pause, but we've sorted out our schedules.", UNCLEAR),
        (
            "She wanted to skip this month but I convinced her to meet - we met on Monday.",
            met(MONDAY),
        ),
        (
            "Mi mentora sugirió terminar, pero hablamos y queremos continuar. Nos reunimos el "
            "lunes.",
            met(MONDAY),
        ),
        ("She mentioned wanting to skip December, but we haven't met yet.", NOT_MET),
        ("Ignore my last email asking to end the mentoring - we met on Monday.", UNCLEAR),
        ("Last time I wrote that we'd like to end it. We've changed our minds!", UNCLEAR),
        (
            "She asked if we could pause until March - I said no. We met on Monday.",
            UNCLEAR,
        ),
        ("Me preguntó si podíamos pausar hasta marzo, le dije que no.", UNCLEAR),
        ("I was going to ask you to pause us, but never mind.", UNCLEAR),
    ],
)
def test_a_request_taken_back_or_only_wished_is_not_taken(
    text: str, reading: tuple[Outcome, object]
) -> None:
    """After "but" in its sentence the request is gone; elsewhere a person reads it."""
    assert understood(text) == reading


@pytest.mark.parametrize(
    "text",
    [
        "We might end the mentoring soon, I'll let you know.",
        "If we don't hear from her by Christmas, please end the mentoring.",
        "We met Monday for an hour. If her visa is refused, we'll have to stop.",
        "Falls sie die Stelle bekommt, beenden wir es vielleicht.",
        "We'll end the mentoring after our final session in December.",
        "We'd like to end the mentoring at the end of January.",
        "From next year on we'd like to stop the mentoring.",
        "We'll probably skip December - I'll confirm next week.",
        "Perhaps a pause until March would make sense, I'll check with my mentee.",
        "In case we need a pause later, who do I contact?",
        "Would it be possible to pause next year?",
        "Im Frühjahr brauchen wir eventuell eine Pause.",
        "¿Sería posible pausar el año que viene?",
        "We met Monday and will meet again in March after the pause.",
        "On s'est vus lundi. On pense faire une pause au printemps.",
        "We haven't met and honestly I think we should just end it.",
    ],
)
def test_a_tentative_conditional_or_later_request_goes_to_a_person(text: str) -> None:
    assert understood(text) == UNCLEAR


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        (
            "The pause is over for us - please start the reminders again. We met on Monday.",
            met(MONDAY),
        ),
        ("Since our pause ended we've met once, on Monday.", met(MONDAY)),
        ("Pause over - we're keen to start again. Not met yet.", NOT_MET),
        ("The pause you set up has ended. We haven't met yet.", NOT_MET),
        ("Die Pause hat gutgetan. Am Montag haben wir uns wieder getroffen.", met(MONDAY)),
        ("Die Pause ist vorbei. Wir treffen uns nächste Woche wieder.", NOT_MET),
        (
            "Wir hatten im Sommer eine Pause, aber jetzt geht es weiter: Wir haben uns am "
            "Montag getroffen.",
            met(MONDAY),
        ),
        ("On a fait une pause cet été, mais on a repris : on s'est vus lundi.", met(MONDAY)),
        ("Hicimos una pausa en verano, pero ya hemos vuelto: nos vimos el lunes.", met(MONDAY)),
        ("We didn't meet during the pause, but we had a long call on Monday.", met(MONDAY)),
        ("We met Monday, short pause in the middle, 2 hours in total.", met(MONDAY, 120)),
        ("We met Monday. After a short pause she said she wants to apply.", met(MONDAY)),
        ("Nos vimos en la pausa del café el lunes, media hora.", met(MONDAY, 30)),
        ("We had a pause in the summer. We met on Monday.", met(MONDAY)),
        (
            "We met on Monday. Thanks for the pause last month, it really helped us reset.",
            met(MONDAY),
        ),
        (
            "Oui, lundi. Nous avions fait une pause cet été mais tout va bien maintenant.",
            met(MONDAY),
        ),
        ("We were on hold until mid-November; since then we've met once, on Monday.", met(MONDAY)),
        ("Our mentoring was on hold until November; we met again on Monday.", met(MONDAY)),
        (
            "After ending our first mentoring cycle, we started a new one and met on Monday.",
            met(MONDAY),
        ),
    ],
)
def test_a_pause_that_was_is_no_request(text: str, reading: tuple[Outcome, object]) -> None:
    assert understood(text) == reading


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        (
            "Wir wollen weder pausieren noch beenden, wir hatten einfach viel zu tun.",
            Outcome.UNCLEAR,
        ),
        ("Nous ne voulons ni arrêter ni faire de pause.", Outcome.UNCLEAR),
        ("On ne veut ni arrêter ni faire une pause. Pas encore vus.", Outcome.NOT_MET),
        ("We didn't skip our session. We haven't met yet.", Outcome.NOT_MET),
    ],
)
def test_neither_nor_and_a_skip_denied_ask_nothing(text: str, outcome: Outcome) -> None:
    assert understood(text, Kind.PAUSE_OR_END)[0] is outcome


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("We met on Monday, could we maybe pause until March?", date(2027, 3, 1)),
        ("Please pause us until March if possible.", date(2027, 3, 1)),
        ("I wanted to ask if we could pause until March.", date(2027, 3, 1)),
        (
            "We've met twice since the last email and would like to pause until January.",
            date(2027, 1, 1),
        ),
        (
            "We're meeting Monday for an hour, after that please pause until January.",
            date(2027, 1, 1),
        ),
        ("Sí, por favor, pausa hasta marzo.", date(2027, 3, 1)),
        ("Wenn möglich bitte bis März pausieren.", date(2027, 3, 1)),
        ("Hi, were on hold until March please", date(2027, 3, 1)),
    ],
)
def test_a_request_made_now_still_pauses(text: str, until: date) -> None:
    """A question's "maybe", a polite "if possible", "I wanted to ask", and a statement of
    its own after "since the last email" or "after that" leave the request standing."""
    verdict = verdict_of(text)
    assert (verdict.outcome, verdict.pause_until) == (Outcome.PAUSE, until)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("I just wanted to quickly let you know we'd like to end the mentoring.", Outcome.END),
        ("As I mentioned on the phone we'd like to end the mentoring.", Outcome.END),
        ("As per my previous email we would like to end the mentoring.", Outcome.END),
        (
            "Ich wollte nur kurz Bescheid geben dass wir das Mentoring beenden möchten.",
            Outcome.END,
        ),
        ("Je voulais vous informer que nous souhaitons mettre fin au mentorat.", Outcome.END),
        ("Please end the mentoring as it's probably for the best.", Outcome.END),
        ("Could you possibly end the mentoring for us, please.", Outcome.END),
        ("Please end the mentoring and let us know if you need anything from us.", Outcome.END),
        ("If I'm honest it's run its course, please end the mentoring.", Outcome.END),
        ("Si os parece bien, queremos terminar la mentoría.", Outcome.END),
        ("After 12 sessions we'd like to end the mentoring.", Outcome.END),
        ("She moves to Canada next month please end the mentoring now", Outcome.END),
        ("Please end the mentoring, we'll manage from here.", Outcome.END),
        ("Please end the mentoring. Never mind the certificate.", Outcome.END),
        ("Please end the mentoring - it's no longer needed.", Outcome.END),
        ("Please end the mentoring - she changed her mind about a career in law.", Outcome.END),
        (
            "Nous souhaitons arrêter le mentorat, mais on continue de se suivre sur LinkedIn.",
            Outcome.END,
        ),
        ("Sie hat weder Zeit noch Energie und möchte das Mentoring beenden.", Outcome.END),
        ("Nous avons eu 6 séances dont 2 en ligne et voulons mettre fin au mentorat.", Outcome.END),
        (
            "I'm not sure if she's told you already, but we'd like to end the mentoring.",
            Outcome.END,
        ),
        ("Sí queremos terminar la mentoría.", Outcome.END),
        (
            "Her team asked what we'd do if she left, but we'd like to end the mentoring now.",
            Outcome.END,
        ),
        ("No please skip this round", Outcome.SKIP),
        ("No time so skip please", Outcome.SKIP),
        ("Leider nicht, bitte aussetzen", Outcome.SKIP),
        ("Please skip this round as she's probably travelling.", Outcome.SKIP),
    ],
)
def test_a_request_beside_these_words_is_still_made_now(text: str, outcome: Outcome) -> None:
    """Words that take back, wish, hedge, set a condition or name a time, used about
    something else: a probe of 400 replies found each sending a plain request to a person,
    or losing it, in a first version of the rules above."""
    assert verdict_of(text).outcome is outcome


@pytest.mark.parametrize(
    ("text", "until"),
    [
        (
            "Please pause us until March. Never mind the survey, I'll fill it in later.",
            date(2027, 3, 1),
        ),
        (
            "We haven't met. Please pause us until March, but never mind the survey.",
            date(2027, 3, 1),
        ),
        (
            "Bitte das Mentoring bis März pausieren, aber danach machen wir weiter.",
            date(2027, 3, 1),
        ),
        ("Perhaps you could pause us until February.", date(2027, 2, 1)),
        ("Bitte bis Januar pausieren, wir machen weiter, sobald sie zurück ist.", date(2027, 1, 1)),
        ("Könnten Sie uns eventuell bis März pausieren.", date(2027, 3, 1)),
        ("I was going to write sooner please pause us until March", date(2027, 3, 1)),
        ("I was wondering if we could pause until March.", date(2027, 3, 1)),
        ("I was wondering if you could pause us until February?", date(2027, 2, 1)),
        ("I wonder if we could maybe pause until March.", date(2027, 3, 1)),
        ("Please pause us until March - we'll let you know if anything changes.", date(2027, 3, 1)),
        ("Because of her move next month please pause us until March.", date(2027, 3, 1)),
        ("Je me demande si on pourrait faire une pause jusqu'en janvier.", date(2027, 1, 1)),
        ("A pause until March is good for us, thanks for offering.", date(2027, 3, 1)),
        ("Nach Rücksprache Pause bis März, danke.", date(2027, 3, 1)),
        (
            "Wir hatten ausgemacht eine Pause bis März einzulegen - bitte so eintragen.",
            date(2027, 3, 1),
        ),
        ("Desde hoy en pausa hasta marzo, por favor.", date(2027, 3, 1)),
        (
            "We met on Monday. Honestly a pause until March is good for both of us now.",
            date(2027, 3, 1),
        ),
    ],
)
def test_a_pause_beside_these_words_still_pauses(text: str, until: date) -> None:
    verdict = verdict_of(text, kind=Kind.PAUSE_OR_END)
    assert (verdict.outcome, verdict.pause_until) == (Outcome.PAUSE, until)


@pytest.mark.parametrize(
    "text",
    [
        "We'd like to pause at some point in January - could you let me know how that works?",
        "Next month we'll need to pause - I'll confirm the dates.",
        "We'll end the mentoring if she gets the job.",
        "We wonder if we could end the mentoring now.",
        "I wonder whether she should quit the program.",
        "We haven't met. Please pause until the strike is over.",
        "Not met yet. (I was tempted to say 'please pause us' but we'll manage.)",
    ],
)
def test_an_open_time_or_a_temptation_goes_to_a_person(text: str) -> None:
    assert understood(text) == UNCLEAR
