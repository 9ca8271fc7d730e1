"""What a reply means: outcome, meeting date and duration, and the end of a pause.

Unless a test says otherwise, replies are sent on Wednesday 11 March 2026 at 18:30 in
Berlin (17:30 UTC) by a pair that writes dates day first.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reminder_service.core.replies import lexicon as lx
from reminder_service.core.replies.meaning import Meaning, meaning_of
from reminder_service.core.replies.verdict import Outcome, ReportedMeeting
from reminder_service.core.wording import reply_examples

BERLIN = ZoneInfo("Europe/Berlin")
SENT = datetime(2026, 3, 11, 17, 30, tzinfo=UTC)
TODAY = date(2026, 3, 11)


def read(
    text: str,
    *,
    sent: datetime = SENT,
    zone: ZoneInfo = BERLIN,
    order: Literal["DMY", "MDY"] = "DMY",
    replying_to: str = "checkin",
) -> Meaning:
    """The meaning of `text` as a reply sent at `sent` from `zone`."""
    return meaning_of(text, sent=sent, zone=zone, date_order=order, replying_to=replying_to)


def met(day: date | None = None, minutes: int | None = None) -> Meaning:
    """A MEETING on `day` (None: no date stated, so the reply's date) lasting `minutes`."""
    meeting = ReportedMeeting(
        date=day or TODAY, date_stated=day is not None, duration_minutes=minutes
    )
    return Meaning(Outcome.MEETING, meeting=meeting)


def paused(until: date | None = None) -> Meaning:
    """A PAUSE until `until` (None: until further notice)."""
    return Meaning(Outcome.PAUSE, pause_until=until)


MEETINGS = [
    # English
    ("yes", met()),
    ("Yes!", met()),
    ("Yep", met()),
    ("yes, we met Tuesday for 45 minutes", met(date(2026, 3, 10), 45)),
    ("Yes, we met on Tuesday for 45 minutes", met(date(2026, 3, 10), 45)),
    ("we met yesterday", met(date(2026, 3, 10))),
    ("Met on the 3rd, about an hour", met(date(2026, 3, 3), 60)),
    ("Yes! Coffee last Thursday, 1h30", met(date(2026, 3, 5), 90)),
    ("Yep - 3/3, 90'", met(date(2026, 3, 3), 90)),
    ("We met on 3 March", met(date(2026, 3, 3))),
    ("Met March 3rd", met(date(2026, 3, 3))),
    ("We met on Mar 3, 2026.", met(date(2026, 3, 3))),
    ("We met 2026-03-03", met(date(2026, 3, 3))),
    ("met 10/3, 45 min", met(date(2026, 3, 10), 45)),
    ("Met on the 20th", met(date(2026, 2, 20))),
    ("today", met(date(2026, 3, 11))),
    ("Met this morning for half an hour", met(date(2026, 3, 11), 30)),
    ("the day before yesterday we met", met(date(2026, 3, 9))),
    ("We caught up over coffee on Monday.", met(date(2026, 3, 9))),
    ("last Wednesday we met", met(date(2026, 3, 4))),
    ("on Wednesday we met", met(date(2026, 3, 11))),
    ("We met Tuesday last week", met(date(2026, 3, 3))),
    ("We met Tuesday of last week", met(date(2026, 3, 3))),
    ("We met on Tuesday of last week", met(date(2026, 3, 3))),
    ("We met the Tuesday before last", met(date(2026, 3, 3))),
    ("We met Monday before last, 1h", met(date(2026, 3, 2), 60)),
    ("We met 3 days ago", met(date(2026, 3, 8))),
    ("We met a week ago, 2 hrs", met(date(2026, 3, 4), 120)),
    ("Yes, met for 1:30", met(None, 90)),
    ("met for 1.5 hours", met(None, 90)),
    ("yes, half an hour", met(None, 30)),
    ("yes 90 mins", met(None, 90)),
    ("yes, an hour and a half", met(None, 90)),
    ("EJ and I met yesterday for an hour.", met(date(2026, 3, 10), 60)),
    ("Yes, EJ and I met on Tuesday.", met(date(2026, 3, 10))),
    ("Nem and I met yesterday for 30 minutes.", met(date(2026, 3, 10), 30)),
    ("Inte and I met on Monday.", met(date(2026, 3, 9))),
    ("Geen and I met on Monday.", met(date(2026, 3, 9))),
    ("Nao met me yesterday.", met(date(2026, 3, 10))),
    ("Yes, one and a half hours", met(None, 90)),
    ("Yes we met 1 1/2 hours", met(None, 90)),
    ("Yes we met 1\u00bd hours", met(None, 90)),
    ("We met on Monday for \u00be hour", met(date(2026, 3, 9), 45)),
    ("We met on Monday for \u00bc hour", met(date(2026, 3, 9), 15)),
    ("We met on Monday for 1\u00bc hours", met(date(2026, 3, 9), 75)),
    ("We met on Monday for \u00bd an hour", met(date(2026, 3, 9), 30)),
    ("Yes, \u00bd an hour", met(None, 30)),
    ("Yes, forty-five minutes", met(None, 45)),
    ("Yes, we met from 3 to 4pm", met(None, 60)),
    ("We met Tuesday the 3rd, for 45-60 min", met(date(2026, 3, 3), 52)),
    ("Yes we did! Last Friday, about 40 minutes over Zoom.", met(date(2026, 3, 6), 40)),
    ("Had a great call last Friday - 50 mins", met(date(2026, 3, 6), 50)),
    ("Thanks for the reminder! Yes, we did.", met()),
    ("We have!", met()),
    ("We met at 10:30 yesterday for an hour", met(date(2026, 3, 10), 60)),
    ("yes, at 3pm", met()),
    ("Yes, 12 hours", met(None, 720)),
    ("Yes, 13 hours", met()),
    ("yes 0 min", met()),
    ("an hour and a half, yesterday", met(date(2026, 3, 10), 90)),
    ("Tuesday, 45 min", met(date(2026, 3, 10), 45)),
    ("Zoom call Monday 45 min", met(date(2026, 3, 9), 45)),
    ("Date: 2026-03-04\nDuration: 45 min\nTopics: her promotion case", met(date(2026, 3, 4), 45)),
    ("No worries, we met yesterday", met(date(2026, 3, 10))),
    ("We didn't meet last week, but we met yesterday", met(date(2026, 3, 10))),
    ("No, but we had a call on Monday", met(date(2026, 3, 9))),
    ("We met yesterday. Next meeting on Friday the 13th.", met(date(2026, 3, 10))),
    ("Next meeting is on Friday. We met yesterday.", met(date(2026, 3, 10))),
    ("Yes, we met on Tuesday 3 March", met(date(2026, 3, 3))),
    ("We met on the 31st", met(date(2026, 1, 31))),
    (
        "Hi Dana,\n\nYes, we met last Tuesday for 45 min.\n\nThanks,\nAna",
        met(date(2026, 3, 10), 45),
    ),
    ("*Yes*, we met yesterday (45 minutes)", met(date(2026, 3, 10), 45)),
    ("a 1 hour call yesterday, yes", met(date(2026, 3, 10), 60)),
    ("We had our meeting yesterday, 1h", met(date(2026, 3, 10), 60)),
    ("Yesterdy, 30 min", met(date(2026, 3, 10), 30)),
    ("We mett this past Wednesday", met(date(2026, 3, 4))),
    # German
    ("ja, wir haben uns gestern getroffen (45 Minuten)", met(date(2026, 3, 10), 45)),
    ("Ja", met()),
    ("Wir haben uns am 3.3. getroffen", met(date(2026, 3, 3))),
    ("Wir haben uns vorgestern getroffen", met(date(2026, 3, 9))),
    ("Wir haben uns letzten Dienstag getroffen, eine Stunde", met(date(2026, 3, 10), 60)),
    ("Wir haben uns am Dienstag getroffen", met(date(2026, 3, 10))),
    ("Wir haben uns Montag \u00be Stunde getroffen", met(date(2026, 3, 9), 45)),
    ("Wir haben uns Dienstag letzter Woche getroffen", met(date(2026, 3, 3))),
    ("Wir haben uns am Dienstag der vergangenen Woche getroffen", met(date(2026, 3, 3))),
    ("Wir haben uns vorletzten Dienstag getroffen", met(date(2026, 3, 3))),
    ("ja, anderthalb Stunden", met(None, 90)),
    ("ja, eineinhalb Stunden am Montag", met(date(2026, 3, 9), 90)),
    ("Ja, eine halbe Stunde", met(None, 30)),
    ("1,5 Stunden, gestern", met(date(2026, 3, 10), 90)),
    ("met 5.3.2026, 1 Std.", met(date(2026, 3, 5), 60)),
    ("Ja, am 5. M\u00e4rz, ca. 1 Std", met(date(2026, 3, 5), 60)),
    ("Ja, am Dienstag um 9.30. 45 Minuten", met(date(2026, 3, 10), 45)),
    ("ja, um 15 Uhr", met()),
    ("Wir hatten am Montag ein Telefonat, 30 min", met(date(2026, 3, 9), 30)),
    ("Wir haben uns hier im B\u00fcro getroffen", met()),
    (
        "Hallo Dana,\nja, wir haben uns vor 2 Tagen gesehen.\nViele Gr\u00fc\u00dfe\nBen",
        met(date(2026, 3, 9)),
    ),
    # French
    ("oui, on s'est vus mardi dernier pendant une heure", met(date(2026, 3, 10), 60)),
    ("Oui", met()),
    ("on s'est vus hier", met(date(2026, 3, 10))),
    ("on s'est vus mardi de la semaine derni\u00e8re", met(date(2026, 3, 3))),
    ("on s'est vus mardi avant-dernier", met(date(2026, 3, 3))),
    ("on s\u2019est vus avant-hier", met(date(2026, 3, 9))),
    ("oui, une demi-heure", met(None, 30)),
    ("oui, une heure et demie", met(None, 90)),
    ("oui, on s'est vus de 14h \u00e0 15h30", met(None, 90)),
    ("oui, on s'est vus mardi \u00e0 9h30 pendant 45 minutes", met(date(2026, 3, 10), 45)),
    ("Oui, le 5 mars, 1h", met(date(2026, 3, 5), 60)),
    ("Oui, le 5, 1h", met(date(2026, 3, 5), 60)),
    ("On s'est retrouv\u00e9s jeudi, trois quarts d'heure", met(date(2026, 3, 5), 45)),
    ("Bonjour Dana,\nOui, nous nous sommes vus lundi.\nCordialement,\nLuc", met(date(2026, 3, 9))),
    # Spanish
    ("s\u00ed, nos reunimos ayer 30 minutos", met(date(2026, 3, 10), 30)),
    ("S\u00ed", met()),
    ("nos vimos anteayer", met(date(2026, 3, 9))),
    ("nos vimos el martes pasado", met(date(2026, 3, 10))),
    ("nos vimos el pen\u00faltimo martes", met(date(2026, 3, 3))),
    ("nos vimos el martes antepasado", met(date(2026, 3, 3))),
    ("s\u00ed, media hora", met(None, 30)),
    ("s\u00ed, una hora", met(None, 60)),
    ("S\u00ed, el 5 de marzo, una hora", met(date(2026, 3, 5), 60)),
    ("S\u00ed, el martes, 45 min", met(date(2026, 3, 10), 45)),
    ("S\u00ed, nos vimos el lunes pasado durante hora y media", met(date(2026, 3, 9), 90)),
    ("Hemos tenido una reuni\u00f3n ayer de 2 horas", met(date(2026, 3, 10), 120)),
    ("S\u00ed, nos reunimos ayer. \u00a1Nos vemos!", met(date(2026, 3, 10))),
    ("Nos vimos ayer, tuvimos que terminar temprano", met(date(2026, 3, 10))),
    ("Hola Dana, s\u00ed, nos vimos hace una semana.\nSaludos,\nAna", met(date(2026, 3, 4))),
]


@pytest.mark.parametrize(("text", "meaning"), MEETINGS)
def test_meetings(text: str, meaning: Meaning) -> None:
    """A reported meeting is read with its date (stated or the reply's own) and duration."""
    assert read(text) == meaning


OUTCOMES = [
    # not met yet
    ("not yet", Outcome.NOT_MET),
    ("no", Outcome.NOT_MET),
    ("No.", Outcome.NOT_MET),
    ("nope", Outcome.NOT_MET),
    ("not this time", Outcome.NOT_MET),
    ("we haven't met", Outcome.NOT_MET),
    ("We have not met", Outcome.NOT_MET),
    ("We didn't manage to meet", Outcome.NOT_MET),
    ("we haven\u2019t had a chance to meet yet", Outcome.NOT_MET),
    ("no, not yet", Outcome.NOT_MET),
    ("Sadly no.", Outcome.NOT_MET),
    ("Not yet, sorry! Things have been crazy.", Outcome.NOT_MET),
    ("Unfortunately we haven't been able to meet this month.", Outcome.NOT_MET),
    ("Nope, not yet. Will try next week.", Outcome.NOT_MET),
    ("We talked about meeting but haven't yet", Outcome.NOT_MET),
    ("Not yet, but we're meeting on Friday", Outcome.NOT_MET),
    ("Hi Dana, we're meeting next Tuesday!", Outcome.NOT_MET),
    ("We had to cancel our meeting.", Outcome.NOT_MET),
    ("We rescheduled to next week.", Outcome.NOT_MET),
    ("we didn't meet", Outcome.NOT_MET),
    ("noch nicht", Outcome.NOT_MET),
    ("nein", Outcome.NOT_MET),
    ("Wir haben uns noch nicht getroffen.", Outcome.NOT_MET),
    ("Leider nicht, wir sind beide krank.", Outcome.NOT_MET),
    ("Wir haben es diesen Monat nicht geschafft.", Outcome.NOT_MET),
    ("Das Treffen wurde verschoben.", Outcome.NOT_MET),
    ("pas encore", Outcome.NOT_MET),
    ("non", Outcome.NOT_MET),
    ("Nous n'avons pas encore pu nous voir.", Outcome.NOT_MET),
    ("On ne s'est pas vus ce mois-ci.", Outcome.NOT_MET),
    ("todav\u00eda no", Outcome.NOT_MET),
    ("a\u00fan no", Outcome.NOT_MET),
    ("no todav\u00eda", Outcome.NOT_MET),
    ("No hemos podido reunirnos todav\u00eda.", Outcome.NOT_MET),
    ("No nos hemos reunido a\u00fan.", Outcome.NOT_MET),
    # skip this round
    ("skip this round", Outcome.SKIP),
    ("skip", Outcome.SKIP),
    ("let's skip this one", Outcome.SKIP),
    ("Not yet - can we skip this round?", Outcome.SKIP),
    ("Could we skip this month? I'm travelling.", Outcome.SKIP),
    ("diesmal aussetzen", Outcome.SKIP),
    ("K\u00f6nnen wir diesmal aussetzen?", Outcome.SKIP),
    ("on saute ce tour", Outcome.SKIP),
    ("Pouvons-nous sauter ce tour ?", Outcome.SKIP),
    ("saltar esta vez", Outcome.SKIP),
    ("\u00bfPodemos saltar esta vez?", Outcome.SKIP),
    # end
    ("we'd like to end", Outcome.END),
    ("please end our mentorship", Outcome.END),
    ("stop these emails", Outcome.END),
    ("we're done", Outcome.END),
    ("We would like to end our mentoring relationship.", Outcome.END),
    ("My mentee found a new job, we'd like to stop the program.", Outcome.END),
    ("Unsubscribe", Outcome.END),
    ("beenden", Outcome.END),
    ("Wir m\u00f6chten das Mentoring beenden.", Outcome.END),
    ("terminer", Outcome.END),
    ("Nous souhaitons mettre fin au mentorat.", Outcome.END),
    ("terminar", Outcome.END),
    ("Queremos terminar la mentor\u00eda.", Outcome.END),
    # dispute
    ("that's wrong", Outcome.DISPUTE),
    ("that's not right", Outcome.DISPUTE),
    ("This is wrong - we haven't met since January.", Outcome.DISPUTE),
    ("stimmt nicht", Outcome.DISPUTE),
    ("Das stimmt nicht, wir haben uns nicht getroffen.", Outcome.DISPUTE),
    ("c'est faux", Outcome.DISPUTE),
    ("Ce n'est pas correct.", Outcome.DISPUTE),
    ("no es correcto", Outcome.DISPUTE),
    ("Eso no es correcto, no nos vimos.", Outcome.DISPUTE),
    # unclear
    ("", Outcome.UNCLEAR),
    ("   \n\n ", Outcome.UNCLEAR),
    ("When is our next check-in?", Outcome.UNCLEAR),
    ("Did we meet? I forgot.", Outcome.UNCLEAR),
    ("Should we skip?", Outcome.UNCLEAR),
    ("see you next week", Outcome.UNCLEAR),
    ("maybe", Outcome.UNCLEAR),
    ("yes\nnot yet", Outcome.UNCLEAR),
    ("Yes and no", Outcome.UNCLEAR),
    ("No\nWe met yesterday", Outcome.UNCLEAR),
    ("the meeting ended early", Outcome.UNCLEAR),
    ("Thanks!", Outcome.UNCLEAR),
    ("Who is this?", Outcome.UNCLEAR),
    ("Not sure, I'll check with Ben", Outcome.UNCLEAR),
    ("Vielleicht", Outcome.UNCLEAR),
    ("Peut-\u00eatre", Outcome.UNCLEAR),
    ("Quiz\u00e1s", Outcome.UNCLEAR),
    ("\u3069\u3046\u3082\u3042\u308a\u304c\u3068\u3046", Outcome.UNCLEAR),
    ("Ainda n\u00e3o nos encontramos.", Outcome.UNCLEAR),
    ("N\u00e3o nos vimos ainda, desculpe!", Outcome.UNCLEAR),
    ("Nem nos vimos este m\u00eas.", Outcome.UNCLEAR),
    ("Ik heb nog niet met haar gesproken.", Outcome.UNCLEAR),
    ("Ik heb nog niet echt met haar gesproken.", Outcome.UNCLEAR),
    ("Helaas nog geen gesprek met mijn mentor gehad.", Outcome.UNCLEAR),
]


@pytest.mark.parametrize(("text", "outcome"), OUTCOMES)
def test_outcomes(text: str, outcome: Outcome) -> None:
    """Each reply gets the outcome a careful reader would give it, and nothing else."""
    meaning = read(text)
    assert meaning.outcome is outcome
    assert meaning.meeting is None
    assert meaning.pause_until is None


PAUSES = [
    ("pause", None),
    ("pause until further notice", None),
    ("Bitte pausieren bis auf Weiteres", None),
    ("Pause jusqu'\u00e0 nouvel ordre", None),
    ("Pausa hasta nuevo aviso", None),
    ("Bitte pausieren, bis bald", None),
    ("Bis jetzt keine Zeit, bitte pausieren", None),
    ("Pas de nouvelles jusqu'\u00e0 pr\u00e9sent, pause svp", None),
    ("pause until April", date(2026, 4, 1)),
    ("pause until February", date(2027, 2, 1)),
    ("pause until March 2027", date(2027, 3, 1)),
    ("pause until 15 March", date(2026, 3, 15)),
    ("pause until 1 March", date(2027, 3, 1)),
    ("Please pause until 2027-01-15", date(2027, 1, 15)),
    ("pause until the end of April", date(2026, 4, 30)),
    ("Can we put this on hold until mid-April?", date(2026, 4, 15)),
    ("pause until next month", date(2026, 4, 1)),
    ("Pause till next week", date(2026, 3, 16)),
    ("We're taking a break until next year", date(2027, 1, 1)),
    ("pause until Monday", date(2026, 3, 16)),
    ("pause until Wednesday", date(2026, 3, 18)),
    ("pause until the 20th", date(2026, 3, 20)),
    ("pause until the 5th", date(2026, 4, 5)),
    ("pause for two months", date(2026, 5, 11)),
    ("pause for 3 weeks", date(2026, 4, 1)),
    ("Please pause us for a month", date(2026, 4, 11)),
    ("Not yet - please pause until May", date(2026, 5, 1)),
    ("bis Ende M\u00e4rz pausieren", date(2026, 3, 31)),
    ("Bitte pausieren bis zum 15.1.", date(2027, 1, 15)),
    ("Pause f\u00fcr 2 Monate bitte", date(2026, 5, 11)),
    ("Mettez-nous en pause jusqu\u2019au 15 janvier svp", date(2027, 1, 15)),
    ("jusqu'\u00e0 la fin mars, pause svp", date(2026, 3, 31)),
    ("Pouvez-vous mettre en pause jusqu'au 4 janvier\u00a0?", date(2027, 1, 4)),
    ("Pausa hasta el 15 de enero, por favor", date(2027, 1, 15)),
    ("pausa hasta el 15 de abril", date(2026, 4, 15)),
]


@pytest.mark.parametrize(("text", "until"), PAUSES)
def test_pauses(text: str, until: date | None) -> None:
    """A pause ends on the first such date after the reply's date, or is open-ended."""
    assert read(text) == paused(until)


PAUSES_UNTIL_A_PERIOD = [
    ("Pause until the end of the month", date(2026, 3, 31)),
    ("please pause until end of month", date(2026, 3, 31)),
    ("Pause until the end of this month", date(2026, 3, 31)),
    ("Pause until the end of the year", date(2026, 12, 31)),
    ("Pause until the start of next month", date(2026, 4, 1)),
    ("pause until the end of next month", date(2026, 4, 30)),
    ("pause until mid next month", date(2026, 4, 15)),
    ("Pause until early next year", date(2027, 1, 1)),
    ("Pause until 2027", date(2027, 1, 1)),
    ("pause until the end of 2027", date(2027, 12, 31)),
    ("Pause bis Ende des Monats", date(2026, 3, 31)),
    ("Pause bis zum Monatsende", date(2026, 3, 31)),
    ("Pause bis Jahresende", date(2026, 12, 31)),
    ("Pause bis Anfang n\u00e4chsten Monats", date(2026, 4, 1)),
    ("Pause bis 2027", date(2027, 1, 1)),
    ("Pause jusqu'\u00e0 la fin du mois", date(2026, 3, 31)),
    ("pause jusqu'\u00e0 la fin de l'ann\u00e9e", date(2026, 12, 31)),
    ("pause jusqu'au d\u00e9but du mois prochain", date(2026, 4, 1)),
    ("pause jusqu'en 2027", date(2027, 1, 1)),
    ("Pausa hasta fin de mes", date(2026, 3, 31)),
    ("pausa hasta finales de a\u00f1o", date(2026, 12, 31)),
    ("pausa hasta principios del mes que viene", date(2026, 4, 1)),
    ("pausa hasta 2027", date(2027, 1, 1)),
]


@pytest.mark.parametrize(("text", "until"), PAUSES_UNTIL_A_PERIOD)
def test_pauses_until_a_month_or_year(text: str, until: date) -> None:
    """The start, middle or end of this or next month or year, or a bare year, ends a pause."""
    assert read(text) == paused(until)


PAUSES_UNTIL_A_NAMED_YEAR_OR_A_LATER_PERIOD = [
    ("Please pause until the end of the year 2027.", date(2027, 12, 31)),
    ("Bitte pausieren bis Ende des Jahres 2027.", date(2027, 12, 31)),
    ("Por favor pausa hasta finales del a\u00f1o 2027.", date(2027, 12, 31)),
    ("Merci de mettre en pause jusqu'\u00e0 la fin de l'ann\u00e9e 2027.", date(2027, 12, 31)),
    ("Please pause until the start of the year 2028.", date(2028, 1, 1)),
    ("Please pause until year end.", date(2026, 12, 31)),
    ("Please pause us till year end", date(2026, 12, 31)),
    ("Please pause until month end.", date(2026, 3, 31)),
    ("Please pause until the end of the month after next.", date(2026, 5, 31)),
    ("Pause bis Ende \u00fcbern\u00e4chsten Monats", date(2026, 5, 31)),
    ("pause until the year after next", date(2028, 1, 1)),
    ("Por favor, pausa hasta la pr\u00f3xima semana.", date(2026, 3, 16)),
    ("Pausa hasta la proxima semana por favor", date(2026, 3, 16)),
]


@pytest.mark.parametrize(("text", "until"), PAUSES_UNTIL_A_NAMED_YEAR_OR_A_LATER_PERIOD)
def test_the_longest_period_phrase_ends_a_pause(text: str, until: date) -> None:
    """A year or period named after "the end of the year", "month" or "la próxima" is read
    whole, not cut short to this year, this month or a farewell."""
    assert read(text) == paused(until)


PAUSES_WITH_A_SIGN_OFF_OR_AN_ORDINARY_THROUGH = [
    "Please pause the check-ins for now.\n\nUntil next time,\nNoah",
    "Please pause, thanks!\nUntil next time, Ana",
    "Please pause.\nTill then, Ana",
    "Bitte pausieren.\nBis dann, Anna",
    "Bitte pausieren, bis dann!",
    "Bitte pausieren.\nBis zum n\u00e4chsten Mal, Anna",
    "Por favor, pausa.\nHasta ma\u00f1ana",
    "Por favor, pausa.\nHasta la vista, Ana",
    "Por favor, pausa.\nHasta otra, Ana",
    "Hasta la pr\u00f3xima, pausa por favor",
    "Please pause the check-ins for now, I'm going through a busy time.",
    "Please pause our check-ins, I'm going through chemo.",
    "Please pause as I'm going through a busy time",
    "Can we pause? We are working through some family stuff.",
]


@pytest.mark.parametrize("text", PAUSES_WITH_A_SIGN_OFF_OR_AN_ORDINARY_THROUGH)
def test_an_until_word_that_does_not_bound_the_pause_leaves_it_open(text: str) -> None:
    """A sign-off ("Till then", "Bis dann") or "through" as an ordinary word does not make
    a plain pause unclear: it pauses until changed."""
    assert read(text) == paused(None)


PAUSES_UNTIL_A_DAY_OF_THE_MONTH = [
    ("Pause until the 31st", date(2026, 1, 31), date(2026, 3, 31)),
    ("Pause until the 31st", date(2026, 5, 31), date(2026, 7, 31)),
    ("Pause until the 30th", date(2026, 1, 30), date(2026, 3, 30)),
    ("Pause until the 29th", date(2027, 1, 30), date(2027, 3, 29)),
    ("Pause until the 29th", date(2028, 1, 30), date(2028, 2, 29)),
]


@pytest.mark.parametrize(("text", "sent", "until"), PAUSES_UNTIL_A_DAY_OF_THE_MONTH)
def test_a_day_of_the_month_ends_a_pause_in_the_next_month_that_has_it(
    text: str, sent: date, until: date
) -> None:
    """A pause "until the 31st" ends on the next 31st, skipping months without one."""
    noon = datetime(sent.year, sent.month, sent.day, 12, tzinfo=UTC)
    assert read(text, sent=noon) == paused(until)


PAUSES_WITH_AN_END_WE_CANNOT_READ = [
    "Please pause our check-ins until after the holidays.",
    "pause until 2026-03-01",
    "Pause until March 2026",
    "Pause until 29 February",
    "Pause until 2025",
    "Pause bis nach den Ferien",
    "pause jusqu'\u00e0 la rentr\u00e9e",
    "pausa hasta que volvamos",
    "Pausa hasta la pr\u00f3xima primavera",
    "Pause till then, thanks",
    "Please pause through the summer",
    "pause until after her exams on 15 March",
    "pause until her exams are over, probably around 15 March",
    "Pause until I'm back on Monday",
    "Please pause until her surgery on 8 April is over and she has recovered.",
    "Please pause until she is back from her trip (she leaves on 2 April).",
]


PAUSES_UNTIL_AN_EVENT_ON_A_DAY = [
    ("Pause until my exams are over on 15 March", date(2026, 3, 15)),
    ("Please pause until she is back from leave on 3 April", date(2026, 4, 3)),
    ("Pause until I'm back on the 10th of January", date(2027, 1, 10)),
    ("Bitte pausieren, bis ich am 3. April zur\u00fcck bin", date(2026, 4, 3)),
    ("Pause jusqu'\u00e0 mon retour le 3 avril", date(2026, 4, 3)),
    ("pausa hasta que vuelva el 3 de abril", date(2026, 4, 3)),
    ("Please pause. We worked through her CV on 20/2", None),
    ("Please pause until Monday the 23rd of March.", date(2026, 3, 23)),
    ("Pause bis Montag, den 23. M\u00e4rz", date(2026, 3, 23)),
    ("pausa hasta el lunes 23 de marzo", date(2026, 3, 23)),
    ("pause until Monday, then we meet on 23 March", date(2026, 3, 16)),
    ("Pause until her operation on 8 April is behind her, maybe until mid-May.", date(2026, 5, 15)),
    (
        "Please pause until she is back from leave on 3 April, or until the end of April.",
        date(2026, 4, 30),
    ),
]


@pytest.mark.parametrize(("text", "until"), PAUSES_UNTIL_AN_EVENT_ON_A_DAY)
def test_a_pause_until_an_event_ends_on_the_day_its_clause_names(
    text: str, until: date | None
) -> None:
    """Before, a person had to read these: the day came too far after "until"; and a
    weekday before the day ("Monday the 23rd of March") ended the pause on the next Monday.
    An until-word that does not bound the pause ("we worked through her CV") names no end."""
    assert read(text) == paused(until)


@pytest.mark.parametrize("text", PAUSES_WITH_AN_END_WE_CANNOT_READ)
def test_a_pause_until_something_that_is_not_a_later_date_is_unclear(text: str) -> None:
    """A pause asked for until something we cannot read as a later date is asked about,
    never taken as a pause until further notice."""
    assert read(text) == Meaning(Outcome.UNCLEAR)


PAUSES_UNTIL_THE_MONTH_THEY_ARE_WRITTEN_IN = [
    ("pause until March", SENT),
    ("Pause bis M\u00e4rz", SENT),
    ("pause jusqu'en mars", SENT),
    ("pausa hasta marzo", SENT),
    ("Pause until early March", SENT),
    ("Pause until mid March", datetime(2026, 3, 20, 12, tzinfo=UTC)),
    ("Pause until December", datetime(2026, 12, 1, 9, tzinfo=UTC)),
    ("Pause until January", datetime(2027, 1, 4, 9, tzinfo=UTC)),
]


@pytest.mark.parametrize(("text", "sent"), PAUSES_UNTIL_THE_MONTH_THEY_ARE_WRITTEN_IN)
def test_a_pause_until_the_month_it_is_written_in_is_asked_about(text: str, sent: datetime) -> None:
    """A pause until the reply's own month (or a day of it already past) is asked about,
    never read as a year away: it most likely answers late an email that suggested it."""
    assert read(text, sent=sent) == Meaning(Outcome.UNCLEAR)


@pytest.mark.parametrize(
    ("text", "sent", "until"),
    [
        ("Pause until the end of January", datetime(2027, 1, 4, 9, tzinfo=UTC), date(2027, 1, 31)),
        ("Pause until mid January", datetime(2027, 1, 4, 9, tzinfo=UTC), date(2027, 1, 15)),
        ("Pause until March", datetime(2026, 11, 30, 9, tzinfo=UTC), date(2027, 3, 1)),
        ("Pause until January", datetime(2026, 12, 28, 9, tzinfo=UTC), date(2027, 1, 1)),
    ],
)
def test_a_pause_until_a_later_month_or_a_later_day_of_this_one_is_honoured(
    text: str, sent: datetime, until: date
) -> None:
    """A later month ends a pause in its first year after the reply; a day of the reply's
    month still ahead ends it this month."""
    assert read(text, sent=sent) == paused(until)


PORTUGUESE_PAUSES = [
    ("Pausa at\u00e9 o fim do m\u00eas", date(2026, 3, 31)),
    ("Pausa ate o fim do mes", date(2026, 3, 31)),
    ("pausar at\u00e9 abril", date(2026, 4, 1)),
    ("Podemos pausar as sess\u00f5es at\u00e9 maio?", date(2026, 5, 1)),
    ("Pausar os nossos encontros at\u00e9 junho, por favor", date(2026, 6, 1)),
    ("pausar at\u00e9 15 de abril", date(2026, 4, 15)),
    ("pausa at\u00e9 meados de abril", date(2026, 4, 15)),
    ("pausa at\u00e9 o fim de abril", date(2026, 4, 30)),
    ("pausa at\u00e9 o pr\u00f3ximo m\u00eas", date(2026, 4, 1)),
    ("pausa at\u00e9 o m\u00eas que vem", date(2026, 4, 1)),
    ("pausa at\u00e9 a semana que vem", date(2026, 3, 16)),
    ("Pausa at\u00e9 o fim do ano", date(2026, 12, 31)),
    ("pausar at\u00e9 mar\u00e7o de 2027", date(2027, 3, 1)),
    ("pausar at\u00e9 fevereiro", date(2027, 2, 1)),
    ("Pausa at\u00e9 segunda ordem", None),
    ("Pausa, at\u00e9 logo!", None),
    ("We ate lunch on Friday, please pause", None),
    ("Sorry, we ate on Monday and then got sick. Please pause", None),
]


@pytest.mark.parametrize(("text", "until"), PORTUGUESE_PAUSES)
def test_portuguese_ate_ends_a_pause(text: str, until: date | None) -> None:
    """Portuguese "até" right after the pause ends it like "until"; elsewhere (a sign-off,
    English "ate") it leaves the pause open."""
    assert read(text) == paused(until)


def test_portuguese_month_names_end_a_pause() -> None:
    """ "Pausar até março" written in November pauses until next March."""
    november = datetime(2026, 11, 11, 12, tzinfo=UTC)
    assert read("pausar at\u00e9 mar\u00e7o", sent=november) == paused(date(2027, 3, 1))


NOVEMBER = datetime(2026, 11, 26, 10, tzinfo=UTC)

MARCO_THE_NAME = [
    ("I met Marco 2 weeks ago", met(date(2026, 11, 12))),
    ("We met with Marco 5 days ago for an hour", met(date(2026, 11, 21), 60)),
    ("Yes, met with Marco 3 days ago", met(date(2026, 11, 23))),
    ("Yes, I met Marco 23 November", met(date(2026, 11, 23))),
    ("Marco 2 and I met yesterday", met(date(2026, 11, 25))),
    ("Please pause until Marco is back in May", Meaning(Outcome.UNCLEAR)),
    ("Yes, I met Marco de Souza on 3 November", met(date(2026, 11, 3))),
]


@pytest.mark.parametrize(("text", "meaning"), MARCO_THE_NAME)
def test_marco_outside_a_portuguese_date_phrase_is_a_name(text: str, meaning: Meaning) -> None:
    """ "Marco" without its cedilla and outside a Portuguese date phrase is a person, not
    March."""
    assert read(text, sent=NOVEMBER) == meaning


PORTUGUESE_MARCH = [
    ("Pausar at\u00e9 mar\u00e7o", paused(date(2027, 3, 1))),
    ("PAUSA AT\u00c9 MAR\u00c7O", paused(date(2027, 3, 1))),
    ("Pausa at\u00e9 marc\u0327o", paused(date(2027, 3, 1))),
    ("Pausa ate mar\u00e7o 10", paused(date(2027, 3, 10))),
    ("pausar ate marco", paused(date(2027, 3, 1))),
    ("Pausa at\u00e9 o fim de marco", paused(date(2027, 3, 31))),
    ("Pausa at\u00e9 15 de marco", paused(date(2027, 3, 15))),
    ("Pausa at\u00e9 marco de 2028", paused(date(2028, 3, 1))),
    ("Sim, nos encontramos em 3 de marco", met(date(2026, 3, 3))),
    ("Sim, nos encontramos em mar\u00e7o 3", met(date(2026, 3, 3))),
]


@pytest.mark.parametrize(("text", "meaning"), PORTUGUESE_MARCH)
def test_portuguese_march_with_its_cedilla_or_in_a_date_phrase_is_a_month(
    text: str, meaning: Meaning
) -> None:
    """ "Março", and "marco" after "de", "em" or "até" or before "de 2027", is March."""
    assert read(text, sent=NOVEMBER) == meaning


def test_a_portuguese_pause_until_something_that_is_not_a_date_is_unclear() -> None:
    """A pause "até" something we cannot read as a date is asked about."""
    assert read("pausar at\u00e9 depois das f\u00e9rias") == Meaning(Outcome.UNCLEAR)


ACCEPTANCES = [
    "Yes please",
    "Yes, please!",
    "yes pls",
    "Ja bitte",
    "Ja, gerne",
    "Oui merci",
    "Oui, s'il vous pla\u00eet",
    "S\u00ed, por favor",
    "Yes, thanks",
]


@pytest.mark.parametrize("kind", ["follow_up", "pause_or_end"])
@pytest.mark.parametrize("text", ACCEPTANCES)
def test_yes_please_to_an_email_that_did_not_ask_whether_the_pair_met_is_unclear(
    text: str, kind: str
) -> None:
    """An undated "yes please" to a follow-up or pause-or-end accepts something and
    reports no meeting, so it is asked about."""
    assert read(text, replying_to=kind) == Meaning(Outcome.UNCLEAR)


@pytest.mark.parametrize(
    "text",
    [
        *ACCEPTANCES,
        "Yes thanks",
        "Ja, danke",
        "yes please end it",
        "Yes please, end it",
        "Yes please stop",
    ],
)
def test_yes_thanks_to_a_question_back_is_unclear(text: str) -> None:
    """The question back also follows unclear answers to a pause-or-end or a follow-up, so
    an undated "yes please" to it may accept an offer and is asked about again."""
    assert read(text, replying_to="question") == Meaning(Outcome.UNCLEAR)


@pytest.mark.parametrize(
    ("text", "kind", "meaning"),
    [
        ("Yes please", "checkin", met()),
        ("Oui merci", "reminder", met()),
        ("Yes please, we met yesterday", "follow_up", met(date(2026, 3, 10))),
        ("Yes, thanks. We met on Monday.", "question", met(date(2026, 3, 9))),
        ("Ja bitte, 45 Minuten", "pause_or_end", met(minutes=45)),
        ("Yes", "follow_up", met()),
    ],
)
def test_yes_please_to_have_you_met_or_with_a_meeting_is_a_meeting(
    text: str, kind: str, meaning: Meaning
) -> None:
    """ "Yes please" answering "have you met?", or with a meeting's date or length, is a
    meeting; a plain "yes" is one whatever it answers."""
    assert read(text, replying_to=kind) == meaning


LAST_DAY_OF_JANUARY = datetime(2026, 1, 31, 12, tzinfo=UTC)
NEW_YEARS_EVE = datetime(2026, 12, 31, 12, tzinfo=UTC)
PAUSES_UNTIL_A_PERIOD_THAT_ENDS_THE_DAY_THEY_ARE_WRITTEN = [
    ("Pause until the end of the month", LAST_DAY_OF_JANUARY),
    ("Please pause until month end.", LAST_DAY_OF_JANUARY),
    ("Pause until the end of this month", LAST_DAY_OF_JANUARY),
    ("Pause until the end of January", LAST_DAY_OF_JANUARY),
    ("Pause until mid January", datetime(2026, 1, 15, 12, tzinfo=UTC)),
    ("Pause bis Ende des Monats", LAST_DAY_OF_JANUARY),
    ("Pause bis zum Monatsende", LAST_DAY_OF_JANUARY),
    ("bis Ende Januar pausieren", LAST_DAY_OF_JANUARY),
    ("Pause jusqu'\u00e0 la fin du mois", LAST_DAY_OF_JANUARY),
    ("jusqu'\u00e0 la fin janvier, pause svp", LAST_DAY_OF_JANUARY),
    ("Pausa hasta fin de mes", LAST_DAY_OF_JANUARY),
    ("pausa hasta finales de enero", LAST_DAY_OF_JANUARY),
    ("Pause until the end of the year", NEW_YEARS_EVE),
    ("Please pause until year end.", NEW_YEARS_EVE),
    ("Pause until the end of December", NEW_YEARS_EVE),
    ("Pause until the end of 2026", NEW_YEARS_EVE),
    ("Pause bis Jahresende", NEW_YEARS_EVE),
    ("pause jusqu'\u00e0 la fin de l'ann\u00e9e", NEW_YEARS_EVE),
    ("pausa hasta finales de a\u00f1o", NEW_YEARS_EVE),
]


@pytest.mark.parametrize(("text", "sent"), PAUSES_UNTIL_A_PERIOD_THAT_ENDS_THE_DAY_THEY_ARE_WRITTEN)
def test_a_pause_until_the_end_of_the_period_on_its_last_day_is_asked_about(
    text: str, sent: datetime
) -> None:
    """A pause until the end (or middle) of the month or year written on that very day is
    asked about: literally it pauses nothing, and the next one's end is only a guess."""
    assert read(text, sent=sent) == Meaning(Outcome.UNCLEAR)


@pytest.mark.parametrize(
    ("text", "sent", "until"),
    [
        (
            "Pause until the end of the month",
            datetime(2026, 1, 30, 12, tzinfo=UTC),
            date(2026, 1, 31),
        ),
        (
            "Pause until the end of January",
            datetime(2026, 1, 30, 12, tzinfo=UTC),
            date(2026, 1, 31),
        ),
        ("Pause until the end of next month", LAST_DAY_OF_JANUARY, date(2026, 2, 28)),
    ],
)
def test_a_pause_until_the_end_of_the_month_the_day_before_or_of_the_next_one_is_honoured(
    text: str, sent: datetime, until: date
) -> None:
    """The day before the end of the month, or naming the next month, the pause is taken."""
    assert read(text, sent=sent) == paused(until)


@pytest.mark.parametrize(
    ("text", "dmy", "mdy"),
    [
        ("met 3/4", None, date(2026, 3, 4)),
        ("met 03/04", None, date(2026, 3, 4)),
        ("met 10/3", date(2026, 3, 10), date(2025, 10, 3)),
        ("met 2/3/26", date(2026, 3, 2), date(2026, 2, 3)),
        ("met 2/3/2026", date(2026, 3, 2), date(2026, 2, 3)),
        ("met 11-03-2026", date(2026, 3, 11), None),
        ("met 3/13", None, None),
        ("met 13/3", None, None),
        ("met 5.3.", date(2026, 3, 5), date(2026, 3, 5)),
        ("met 2026-03-02", date(2026, 3, 2), date(2026, 3, 2)),
    ],
)
def test_numeric_dates_follow_the_pairs_order(
    text: str, dmy: date | None, mdy: date | None
) -> None:
    """Slashed dates are read day first or month first as the pair writes them; dotted
    and ISO dates are the same either way; impossible ones and days to come are unclear."""
    assert read(text, order="DMY") == (met(dmy) if dmy else Meaning(Outcome.UNCLEAR))
    assert read(text, order="MDY") == (met(mdy) if mdy else Meaning(Outcome.UNCLEAR))


@pytest.mark.parametrize(
    ("sent", "zone", "yesterday"),
    [
        (datetime(2026, 3, 10, 20, 0, tzinfo=UTC), ZoneInfo("Pacific/Auckland"), date(2026, 3, 10)),
        (
            datetime(2026, 3, 11, 3, 0, tzinfo=UTC),
            ZoneInfo("America/Los_Angeles"),
            date(2026, 3, 9),
        ),
        (datetime(2026, 3, 11, 3, 0, tzinfo=UTC), ZoneInfo("UTC"), date(2026, 3, 10)),
        (datetime(2026, 3, 11, 23, 30, tzinfo=UTC), ZoneInfo("Asia/Kolkata"), date(2026, 3, 11)),
    ],
)
def test_dates_are_local_to_the_sender(sent: datetime, zone: ZoneInfo, yesterday: date) -> None:
    """ "Yesterday" and "today" are counted in the sender's zone, not in UTC."""
    today = yesterday + timedelta(days=1)
    assert read("we met yesterday", sent=sent, zone=zone).meeting == ReportedMeeting(
        yesterday, date_stated=True, duration_minutes=None
    )
    assert read("yes", sent=sent, zone=zone).meeting == ReportedMeeting(
        today, date_stated=False, duration_minutes=None
    )


def test_yesterday_on_the_first_of_march_of_a_leap_year_is_the_29th() -> None:
    """A reply on 1 March 2028 saying "yesterday" means 29 February 2028."""
    sent = datetime(2028, 3, 1, 12, tzinfo=UTC)
    assert read("we met yesterday", sent=sent).meeting == ReportedMeeting(
        date(2028, 2, 29), date_stated=True, duration_minutes=None
    )


def test_a_day_of_the_month_after_today_is_in_the_previous_month_across_a_year() -> None:
    """ "On the 30th" sent on 2 January means 30 December of the year before."""
    sent = datetime(2027, 1, 2, 12, tzinfo=UTC)
    assert read("met on the 30th", sent=sent).meeting == ReportedMeeting(
        date(2026, 12, 30), date_stated=True, duration_minutes=None
    )


def test_a_month_day_in_the_future_moves_back_a_year() -> None:
    """ "20 December" said on 2 January is the December just gone."""
    sent = datetime(2027, 1, 2, 12, tzinfo=UTC)
    assert read("we met on 20 December", sent=sent).meeting == ReportedMeeting(
        date(2026, 12, 20), date_stated=True, duration_minutes=None
    )


def test_last_weekday_said_on_that_weekday_is_a_week_back() -> None:
    """ "Last Wednesday" on a Wednesday is a week ago; "on Wednesday" is that very day."""
    assert read("we met last Wednesday") == met(date(2026, 3, 4))
    assert read("we met on Wednesday") == met(date(2026, 3, 11))
    assert read("nos vimos el mi\u00e9rcoles pasado") == met(date(2026, 3, 4))


MONDAY = datetime(2026, 3, 9, 17, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "sent", "meaning"),
    [
        ("We met the Tuesday before last", MONDAY, met(date(2026, 2, 24))),
        ("We met Wednesday before last", SENT, met(date(2026, 2, 25))),
        ("We met Tuesday of this week", MONDAY, Meaning(Outcome.UNCLEAR)),
        ("We met Thursday of this week", SENT, Meaning(Outcome.UNCLEAR)),
        ("We met this week on Thursday", SENT, Meaning(Outcome.UNCLEAR)),
    ],
)
def test_a_weekday_before_last_or_of_this_week(text: str, sent: datetime, meaning: Meaning) -> None:
    """ "Before last" is a week before "last <weekday>"; "of this week" is in the reply's
    week, which starts on Monday, so a day still to come in it is unclear."""
    assert read(text, sent=sent) == meaning


def test_next_weekdays_and_plans_are_not_the_meeting_date() -> None:
    """A weekday said with "next" or in a sentence about plans does not date the meeting."""
    assert read("Yes! See you next Friday") == met()
    assert read("Yes. We plan to meet again on Monday") == met()
    assert read("Yes, 45 min. Shall we meet Monday?") == met(None, 45)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("no", Outcome.DISPUTE),
        ("NO", Outcome.DISPUTE),
        ("nein", Outcome.DISPUTE),
        ("non", Outcome.DISPUTE),
        ("we didn't meet", Outcome.DISPUTE),
        ("Not yet", Outcome.DISPUTE),
        ("No, it was Wednesday", Outcome.UNCLEAR),
        ("No, it was 60 minutes", Outcome.UNCLEAR),
        ("No, we met on Monday", Outcome.UNCLEAR),
        ("That's wrong, we met on Friday for an hour", Outcome.UNCLEAR),
        ("that's wrong", Outcome.DISPUTE),
        ("yes", Outcome.ACKNOWLEDGED),
        ("That's right", Outcome.ACKNOWLEDGED),
        ("Stimmt", Outcome.ACKNOWLEDGED),
        ("Yes, correct", Outcome.ACKNOWLEDGED),
        ("Yes, that's right, thanks!", Outcome.ACKNOWLEDGED),
        ("Ja, stimmt", Outcome.ACKNOWLEDGED),
        ("Oui c'est \u00e7a", Outcome.ACKNOWLEDGED),
        ("S\u00ed, correcto", Outcome.ACKNOWLEDGED),
        ("Yes, 45 minutes", Outcome.ACKNOWLEDGED),
        ("We only met for 15 minutes", Outcome.UNCLEAR),
        ("We met for 30 minutes, not 45", Outcome.UNCLEAR),
        ("Nur 20 Minuten", Outcome.UNCLEAR),
        ("Yes, and we met again yesterday", Outcome.MEETING),
        ("no worries", Outcome.UNCLEAR),
    ],
)
def test_replies_to_a_confirmation(text: str, outcome: Outcome) -> None:
    """Replying to a confirmation, "no" and "not met" dispute it; a "no" that corrects it is
    unclear (never a removal without the stated meeting); an undated "yes" only
    acknowledges it, and only a dated meeting is a new report."""
    assert read(text, replying_to="confirmation").outcome is outcome


@pytest.mark.parametrize(
    "kind", ["thanks", "confirmation", "welcome_back", "anniversary", "farewell"]
)
def test_an_undated_yes_to_an_email_that_asked_nothing_is_an_acknowledgement(kind: str) -> None:
    """A "yes" answering an email that asked nothing logs no meeting; a dated one does."""
    assert read("Yes, we did!", replying_to=kind).outcome is Outcome.ACKNOWLEDGED
    dated = read("We met yesterday", replying_to=kind)
    assert dated.meeting is not None
    assert dated.meeting.date_stated


@pytest.mark.parametrize("kind", ["checkin", "reminder", "pause_or_end", "follow_up", "question"])
def test_an_undated_yes_to_a_check_in_is_a_meeting(kind: str) -> None:
    """A "yes" answering an email that asks whether they met reports a meeting that day."""
    assert read("Yes", replying_to=kind).outcome is Outcome.MEETING


CORRECTIONS = [
    ("That's wrong, we met on Friday for an hour", met(date(2026, 3, 6), 60)),
    ("No, that's not right: we met last Friday, 1 hour", met(date(2026, 3, 6), 60)),
    ("That's not right, we last met on 20 November", met(date(2025, 11, 20))),
    ("Wrong date - we met on Monday", met(date(2026, 3, 9))),
    ("That's not correct, we met on Wednesday not Tuesday.", met(date(2026, 3, 11))),
    ("Das stimmt nicht, wir haben uns am Montag getroffen", met(date(2026, 3, 9))),
]


@pytest.mark.parametrize("kind", ["checkin", "reminder"])
@pytest.mark.parametrize(("text", "meaning"), CORRECTIONS)
def test_a_correction_that_reports_a_meeting_logs_it(
    kind: str, text: str, meaning: Meaning
) -> None:
    """ "That's wrong, we met on Friday" reports the stated meeting instead of disputing one."""
    assert read(text, replying_to=kind) == meaning


@pytest.mark.parametrize("kind", ["thanks", "confirmation"])
@pytest.mark.parametrize("text", [text for text, _ in CORRECTIONS])
def test_a_correction_of_an_email_naming_a_meeting_is_unclear(kind: str, text: str) -> None:
    """A correction answering a thank-you or confirmation, which name the logged meeting it
    would replace, logs nothing (it would count that meeting twice): a person looks."""
    assert read(text, replying_to=kind).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize("kind", ["checkin", "reminder", "thanks", "confirmation"])
@pytest.mark.parametrize(
    "text",
    [
        "No that's wrong, it was 90 minutes",
        "That's wrong, it was Wednesday not Tuesday",
    ],
)
def test_a_correction_that_only_amends_is_unclear(kind: str, text: str) -> None:
    """A correction of a length or a day alone removes nothing and logs nothing: a person looks."""
    assert read(text, replying_to=kind).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize("kind", ["checkin", "confirmation"])
@pytest.mark.parametrize(
    "text",
    [
        "We didn't meet on the 12th as your records say - it was the 13th.",
        "No, we didn't meet on Tuesday, it was Wednesday",
        "That's wrong, we didn't meet - it was only 30 minutes",
        "Wir haben uns nicht am Dienstag getroffen, es war Mittwoch",
    ],
)
def test_a_denial_that_states_what_happened_is_a_correction(kind: str, text: str) -> None:
    """ "We didn't meet on the 12th, it was the 13th" says they met: before, a dispute of
    the logged meeting, or "not met yet" to a check-in. A person looks."""
    assert read(text, replying_to=kind).outcome is Outcome.UNCLEAR


@pytest.mark.parametrize(
    ("kind", "text", "outcome"),
    [
        ("thanks", "Hm, we didn't meet on Tuesday though.", Outcome.DISPUTE),
        ("thanks", "Danke, aber wir haben uns am Dienstag gar nicht getroffen.", Outcome.DISPUTE),
        ("thanks", "That wasn't us, we didn't meet", Outcome.DISPUTE),
        ("thanks", "Thanks, but we haven't met since October.", Outcome.DISPUTE),
        ("thanks", "Thanks - we haven't met again yet", Outcome.NOT_MET),
        ("thanks", "Thanks. We won't meet in December, we'll resume in January.", Outcome.NOT_MET),
        ("thanks", "We haven't met, please pause until June", Outcome.PAUSE),
        ("confirmation", "We haven't met again since", Outcome.NOT_MET),
        ("confirmation", "Wir haben uns seitdem nicht getroffen", Outcome.NOT_MET),
        ("confirmation", "No, we haven't met since October", Outcome.DISPUTE),
        ("confirmation", "Pas encore", Outcome.DISPUTE),
        ("confirmation", "On ne s'est pas vus depuis octobre", Outcome.DISPUTE),
    ],
)
def test_a_denial_of_the_meeting_named_disputes_it(kind: str, text: str, outcome: Outcome) -> None:
    """ "We didn't meet on Tuesday" to a thank-you for Tuesday's meeting disputes it (before,
    "not met yet", which left it logged); "we haven't met again since" to either email
    speaks of the time after it (before, a dispute). Beside a request, the request counts."""
    assert read(text, replying_to=kind).outcome is outcome


@pytest.mark.parametrize(
    "text", ["Not yet, it was her exam on Monday", "No - it was 30 minutes late and we gave up"]
)
def test_it_was_about_something_else_leaves_not_met(text: str) -> None:
    """Only "it was" with nothing but a day or a length after it tells of the meeting."""
    assert read(text).outcome is Outcome.NOT_MET


@pytest.mark.parametrize("kind", ["checkin", "reminder", "thanks", "confirmation"])
@pytest.mark.parametrize(
    "text",
    ["That's wrong", "This is wrong - we haven't met since January.", "Stimmt nicht"],
)
def test_a_dispute_without_facts_is_still_a_dispute(kind: str, text: str) -> None:
    """ "That's wrong" alone, or with "we haven't met", still disputes a meeting."""
    assert read(text, replying_to=kind).outcome is Outcome.DISPUTE


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [
        ("checkin", Outcome.UNCLEAR),
        ("follow_up", Outcome.UNCLEAR),
        ("question", Outcome.UNCLEAR),
        ("welcome_back", Outcome.ACKNOWLEDGED),
        ("farewell", Outcome.ACKNOWLEDGED),
    ],
)
@pytest.mark.parametrize(
    "text",
    [
        "Yes, we will",
        "Yes, we'll meet next week",
        "Yes, we plan to",
        "Yes, we're going to meet on Friday",
        "Ja, machen wir",
        "Yes, we will meet for the first time next week",
        "Yes, we'll meet next week, thanks again!",
        "Oui, nous allons nous voir la semaine prochaine",
        "S\u00ed, vamos a reunirnos el viernes",
    ],
)
def test_a_yes_that_promises_a_meeting_reports_none(kind: str, outcome: Outcome, text: str) -> None:
    """ "Yes, we will" promises a meeting: unclear, or acknowledged when nothing was asked."""
    assert read(text, replying_to=kind).outcome is outcome


@pytest.mark.parametrize("kind", ["checkin", "reminder", "question"])
@pytest.mark.parametrize(
    "text",
    [
        "Yes we did, and we will again next month",
        "Yes, and we will meet again next week.",
        "Yes, we'll meet again in two weeks.",
        "Yes, we are planning to meet again soon",
        "Yes - we will keep going",
        "Yes, we plan to continue monthly.",
        "Ja, und wir werden uns n\u00e4chste Woche wieder treffen.",
        "Ja, wir werden weitermachen",
        "Oui, on va continuer comme \u00e7a",
        "Oui, nous allons nous revoir la semaine prochaine",
        "S\u00ed, vamos a seguir reuni\u00e9ndonos",
        "S\u00ed, vamos a vernos otra vez",
    ],
)
def test_a_yes_with_a_promise_that_the_meetings_go_on_is_a_meeting(kind: str, text: str) -> None:
    """A yes promising that the meetings go on ("we will meet again", "we will keep going")
    reports one, dated the day of the reply."""
    assert read(text, replying_to=kind) == met()


@pytest.mark.parametrize("kind", ["checkin", "reminder", "question"])
@pytest.mark.parametrize(
    "text",
    [
        "Yes, we will meet on Friday - we didn't manage this week.",
        "Yes, we will try again next week, the first date fell through.",
        "Yes, we will. Sorry, I did miss your email.",
        "Yes, we will continue to look for a date.",
        "Ja, wir werden uns treffen, wir versuchen es nochmal n\u00e4chste Woche",
        "S\u00ed, nos vamos a reunir, vamos a intentarlo de nuevo",
    ],
)
def test_a_promise_that_tries_again_or_says_not_yet_reports_no_meeting(
    kind: str, text: str
) -> None:
    """Words for going on after a negation, with a try, or outside the yes-sentence ("did
    miss", "try again", "versuchen es nochmal") leave a promise unclear."""
    assert read(text, replying_to=kind) == Meaning(Outcome.UNCLEAR)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("yes please end it", Outcome.UNCLEAR),
        ("Yes please, end it", Outcome.UNCLEAR),
        ("Yes please stop", Outcome.UNCLEAR),
        ("Yes, stop please", Outcome.UNCLEAR),
        ("Please end it.", Outcome.END),
        ("Stop please", Outcome.END),
        ("We would like to end it", Outcome.END),
        ("We met for 30 minutes but I had to end it", Outcome.MEETING),
        ("We met, but we had to stop", Outcome.MEETING),
        ("The call dropped and I had to end it", Outcome.UNCLEAR),
        ("we had to stop it", Outcome.UNCLEAR),
        ("Can we end it?", Outcome.UNCLEAR),
        ("maybe we should end it", Outcome.UNCLEAR),
        ("Ja, wir mussten fr\u00fch aufh\u00f6ren", Outcome.MEETING),
        ("S\u00ed, tuvimos que terminar temprano", Outcome.MEETING),
    ],
)
def test_a_short_request_to_end_beside_a_bare_yes_is_unclear(text: str, outcome: Outcome) -> None:
    """ "Please end it" alone ends the mentoring; beside a bare "yes" it is not clear what the
    yes answers, so nothing is logged and a person looks; "had to end it" after a meeting
    describes the meeting."""
    assert read(text).outcome is outcome


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("We do not want to end it", Outcome.UNCLEAR),
        ("let's not end it", Outcome.UNCLEAR),
        ("I never want to stop", Outcome.UNCLEAR),
        ("We met on Monday. We don't want to stop", Outcome.MEETING),
        ("Not yet, but we do not want to end it", Outcome.NOT_MET),
        ("Wir m\u00f6chten das Mentoring nicht beenden", Outcome.UNCLEAR),
        ("Keine E-Mails mehr bitte", Outcome.END),
        ("Ya no queremos participar", Outcome.END),
        ("We would like to end our mentorship", Outcome.END),
        ("no queremos terminar, solo una pausa", Outcome.PAUSE),
        ("no se acab\u00f3", Outcome.UNCLEAR),
        ("n\u00e3o queremos terminar", Outcome.UNCLEAR),
        ("No need to end the mentoring, we are just busy", Outcome.UNCLEAR),
        ("nobody wants to end it", Outcome.UNCLEAR),
        ("we have no intention to end the mentoring", Outcome.UNCLEAR),
        ("we refuse to end it", Outcome.UNCLEAR),
    ],
)
def test_a_negated_end_ends_nothing(text: str, outcome: Outcome) -> None:
    """ "We do not want to end it" is the opposite of an end: a negation before the end, or
    inside it, cancels it; ends made of negative words ("keine E-Mails mehr") still end."""
    assert read(text).outcome is outcome


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("We met Tuesday but had to end the mentoring session early", Outcome.MEETING),
        ("I had to cancel the program meeting", Outcome.NOT_MET),
        ("We had to finish the mentoring call after 20 minutes", Outcome.UNCLEAR),
        ("We would like to end the mentoring", Outcome.END),
        ("We want to close the program", Outcome.END),
    ],
)
def test_ending_a_mentoring_session_is_not_ending_the_mentoring(
    text: str, outcome: Outcome
) -> None:
    """ "End the mentoring session" tells of one meeting; only the mentoring, the program or
    the emails themselves are ended by a request to end them."""
    assert read(text).outcome is outcome


@pytest.mark.parametrize("text", ["Yes, good to be back!", "Yes!", "Ja, danke!"])
def test_a_yes_to_a_welcome_back_logs_no_meeting(text: str) -> None:
    """A welcome-back asks nothing, so a glad "yes" to it only acknowledges it."""
    assert read(text, replying_to="welcome_back").outcome is Outcome.ACKNOWLEDGED


@pytest.mark.parametrize(
    "text",
    [
        "yes, at 3pm",
        "Ja, um 15 Uhr",
        "oui, \u00e0 15h",
        "oui, vers 9h30",
        "s\u00ed, a las 3",
        "yes, at 15:30",
        "yes, on 3.3.",
        "yes, 3 March",
        "yes, 10 people came",
    ],
)
def test_times_of_day_and_dates_are_not_durations(text: str) -> None:
    """Clock times and dates never become a meeting's duration."""
    meaning = read(text)
    assert meaning.meeting is not None
    assert meaning.meeting.duration_minutes is None


def test_only_the_first_lines_count() -> None:
    """Words far below the answer (an unstripped quote, say) do not change it."""
    filler = "\n".join(f"Line {n} about the project." for n in range(20))
    assert read(f"Yes, we met yesterday.\n{filler}\nNot yet").outcome is Outcome.MEETING


def test_a_long_reply_is_read_quickly_and_safely() -> None:
    """A very long reply without line breaks is cut, not choked on."""
    assert read("x" * 200_000).outcome is Outcome.UNCLEAR
    assert read("we met yesterday " * 10_000) == met(date(2026, 3, 10))


@pytest.mark.parametrize(
    "sent",
    [
        datetime.min.replace(tzinfo=UTC),
        datetime.max.replace(tzinfo=UTC),
        datetime(2026, 3, 11),  # noqa: DTZ001 - a naive date on purpose
    ],
)
def test_extreme_or_naive_reply_dates_do_not_raise(sent: datetime) -> None:
    """Reply dates at the ends of the calendar, or without a zone, still give an answer."""
    for text in ("we met yesterday for 1h", "pause until next year", "pause for 12 months"):
        assert read(text, sent=sent, zone=ZoneInfo("Pacific/Auckland")).outcome in set(Outcome)


FRAGMENTS = (
    "yes",
    "no",
    "not yet",
    "we met",
    "we haven't met",
    "pause",
    "skip",
    "until",
    "for",
    "on the",
    "yesterday",
    "today",
    "last Tuesday",
    "mardi dernier",
    "el martes",
    "vorgestern",
    "3/4",
    "13/13",
    "29 Feb",
    "31st",
    "2024-02-29",
    "1.3.",
    "March",
    "next month",
    "two months",
    "45 min",
    "1h30",
    "0 min",
    "13 hours",
    "90'",
    "an hour and a half",
    "1:30",
    "at 3pm",
    "?",
    ",",
    ".",
    "\n",
)
replies = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=12).map(
    " ".join
)
zones = st.sampled_from(
    ["UTC", "Europe/Berlin", "America/New_York", "Pacific/Auckland", "Pacific/Kiritimati"]
).map(ZoneInfo)
sent_times = st.datetimes(
    min_value=datetime(1900, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
    max_value=datetime(2200, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
orders = st.sampled_from(["DMY", "MDY"])


def local_date(sent: datetime, zone: ZoneInfo) -> date:
    return sent.astimezone(zone).date()


@given(st.text(), sent_times, zones, orders, st.sampled_from(["checkin", "confirmation"]))
def test_never_raises_on_any_text(
    text: str,
    sent: datetime,
    zone: ZoneInfo,
    order: Literal["DMY", "MDY"],
    replying_to: str,
) -> None:
    """Any text at all gets one of the reply outcomes."""
    meaning = read(text, sent=sent, zone=zone, order=order, replying_to=replying_to)
    assert meaning.outcome in {
        Outcome.MEETING,
        Outcome.NOT_MET,
        Outcome.SKIP,
        Outcome.PAUSE,
        Outcome.END,
        Outcome.DISPUTE,
        Outcome.ACKNOWLEDGED,
        Outcome.UNCLEAR,
    }


@given(replies, sent_times, zones, orders)
def test_a_meeting_is_in_the_past_year_and_lasts_at_most_12_hours(
    text: str, sent: datetime, zone: ZoneInfo, order: Literal["DMY", "MDY"]
) -> None:
    """A meeting's date is never after the reply's local date nor over a year before it,
    and its duration is None or 1 to 720 minutes."""
    meaning = read(text, sent=sent, zone=zone, order=order)
    today = local_date(sent, zone)
    if meaning.meeting is not None:
        assert meaning.outcome in {Outcome.MEETING, Outcome.PAUSE, Outcome.END}
        assert timedelta(0) <= today - meaning.meeting.date <= timedelta(days=366)
        minutes = meaning.meeting.duration_minutes
        assert minutes is None or 1 <= minutes <= 720
    else:
        assert meaning.outcome is not Outcome.MEETING


_NO_END = re.compile(rf"(?:{lx.NOT_AN_END}|{lx.FAREWELL})\W*")


@given(replies, sent_times, zones, orders)
def test_a_pause_until_anything_has_a_later_end_or_is_unclear(
    text: str, sent: datetime, zone: ZoneInfo, order: Literal["DMY", "MDY"]
) -> None:
    """A pause asked for "until" something ends after the reply's local date or is
    UNCLEAR; it is never open-ended, unless what follows is no end at all: a farewell or
    "so far" ("until then", "bis bald", "jusqu'ici")."""
    assume(not _NO_END.fullmatch(text.strip().casefold()))
    meaning = read(f"pause until {text}", sent=sent, zone=zone, order=order)
    if meaning.outcome is Outcome.PAUSE:
        assert meaning.pause_until is not None
        assert meaning.pause_until > local_date(sent, zone)


@given(replies, sent_times, zones, orders)
def test_a_pause_ends_after_the_reply_date(
    text: str, sent: datetime, zone: ZoneInfo, order: Literal["DMY", "MDY"]
) -> None:
    """A pause's end is None or after the reply's local date; only PAUSE has one."""
    meaning = read(f"pause {text}", sent=sent, zone=zone, order=order)
    if meaning.pause_until is not None:
        assert meaning.outcome is Outcome.PAUSE
        assert meaning.pause_until > local_date(sent, zone)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)),
    st.integers(min_value=0, max_value=42),
)
def test_the_suggested_pause_is_never_read_as_more_than_three_months_away(
    emailed: date, days_late: int
) -> None:
    """The suggested "Pause until <month>" of an email answered up to six weeks later
    pauses for at most about three months, or is asked about."""
    replied = emailed + timedelta(days=days_late)
    sent = datetime(replied.year, replied.month, replied.day, 12, tzinfo=UTC)
    meaning = read(reply_examples(emailed)[2], sent=sent, zone=ZoneInfo("UTC"))
    if meaning.outcome is not Outcome.UNCLEAR:
        assert meaning.outcome is Outcome.PAUSE
        assert meaning.pause_until is not None
        assert timedelta(0) < meaning.pause_until - replied <= timedelta(days=92)
