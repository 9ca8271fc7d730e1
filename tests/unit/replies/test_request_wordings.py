"""Requests in wordings the reader missed: Spanish plural imperatives, "dejar la mentoría",
and a German ordinal day before its month in a polite question.

Before, "No nos hemos visto. Por favor, pausad hasta febrero" was "not met", so the pair was
nudged instead of paused, and "Könnten Sie uns bis zum 15. Januar pausieren?" went to a
person: the dot of "15." ended the sentence, and the question lost its "Könnten Sie".
"""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import verdict_of


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("No nos hemos visto. Por favor, pausad hasta febrero.", date(2027, 2, 1)),
        ("Pausad la mentoría hasta marzo, por favor.", date(2027, 3, 1)),
        ("Por favor, pausen la mentoría hasta marzo.", date(2027, 3, 1)),
        ("¿Podríais pausarnos hasta el 15 de enero?", date(2027, 1, 15)),
        ("Könnten Sie uns bis zum 15. Januar pausieren?", date(2027, 1, 15)),
        ("Wir haben uns nicht getroffen. Bitte bis 3. März pausieren.", date(2027, 3, 3)),
    ],
)
def test_a_pause_in_these_wordings_pauses(text: str, until: date) -> None:
    verdict = verdict_of(text)
    assert (verdict.outcome, verdict.pause_until) == (Outcome.PAUSE, until)


@pytest.mark.parametrize(
    "text",
    [
        "Por favor, terminad nuestra mentoría. ¡Gracias por todo!",
        "Terminad la mentoría, por favor.",
        "hola, queremos dejar la mentoria, gracias",
    ],
)
def test_an_end_in_these_wordings_ends(text: str) -> None:
    assert verdict_of(text).outcome is Outcome.END


def test_a_german_ordinal_day_still_dates_the_meeting_and_ends_no_sentence_early() -> None:
    verdict = verdict_of("Wir haben uns am 23. November getroffen. Bitte bis 3. März pausieren.")
    assert verdict.outcome is Outcome.PAUSE
    assert verdict.pause_until == date(2027, 3, 3)
    assert verdict.meeting is not None
    assert verdict.meeting.date == date(2026, 11, 23)
