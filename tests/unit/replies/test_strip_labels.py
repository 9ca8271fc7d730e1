"""Outlook header blocks whose date label has several words ("Enviado el:", "Envoyé le :")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.strip import reply_text
from reminder_service.core.replies.understand import ReplyContext, understand
from reminder_service.core.replies.verdict import Outcome, SentRef, Verdict
from reminder_service.core.tokens import make_token, reply_address
from tests.unit.strategies import make_pair, make_program

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
KEY = b"a deployment secret of reasonable length"
MAILBOX = "mentoring@northwind.example"
OURS = "<ours-1@northwind.example>"
ORIGINAL = "Hi Ana and Ben,\n\nHave you met? If so, tell us when you last met.\n"
CHECKIN = "--- Please reply above this line ---\n\n" + ORIGINAL
THANKS = (
    "--- Please reply above this line ---\n\nHi Ana,\n\n"
    "Thank you for meeting Ben on Saturday 21 November (45 minutes).\nIt is in the log.\n"
)
CONFIRMATION = (
    "--- Please reply above this line ---\n\nHi Ben,\n\n"
    "Ana logged your meeting on Saturday 21 November (45 minutes).\n"
    "Reply NO if that's not right.\n"
)
PAUSE_OR_END = (
    "--- Please reply above this line ---\n\nHi Ana and Ben,\n\n"
    "Would you like to pause your mentoring for a while, or end it?\n"
)
ORIGINALS = {
    Kind.CHECKIN: CHECKIN,
    Kind.THANKS: THANKS,
    Kind.CONFIRMATION: CONFIRMATION,
    Kind.PAUSE_OR_END: PAUSE_OR_END,
}


def _block(from_label: str, date_label: str, to_label: str, subject_label: str) -> str:
    """An Outlook header block with these labels, dated Monday 23 November, before a quote."""
    return (
        f"{from_label} Mentoring Program <mentoring@example.org>\n"
        f"{date_label} lunes, 23 de noviembre de 2026 9:00\n"
        f"{to_label} Ana Lima; Ben Ong\n"
        f"{subject_label} RE: Check-in\n\n"
    )


LABELS = [
    pytest.param(("From:", "Sent on:", "To:", "Subject:"), id="english sent on"),
    pytest.param(("Von:", "Gesendet am:", "An:", "Betreff:"), id="german gesendet am"),
    pytest.param(("De\u00a0:", "Envoyé le\u00a0:", "À\u00a0:", "Objet\u00a0:"), id="french nbsp"),
    pytest.param(("De :", "Envoyé le :", "À :", "Objet :"), id="french envoyé le"),
    pytest.param(("De :", "Date d'envoi :", "À :", "Objet :"), id="french date d'envoi"),
    pytest.param(("De :", "Date d\u2019envoi :", "À :", "Objet :"), id="french curly apostrophe"),
    pytest.param(("De:", "Enviado el:", "Para:", "Asunto:"), id="spanish enviado el"),
    pytest.param(("De:", "Fecha de envío:", "Para:", "Asunto:"), id="spanish fecha de envío"),
    pytest.param(("**De:**", "**Enviado el:**", "**Para:**", "**Asunto:**"), id="spanish bold"),
    pytest.param(("Van:", "Verzonden op:", "Aan:", "Onderwerp:"), id="dutch verzonden op"),
    pytest.param(("Da:", "Inviato il:", "A:", "Oggetto:"), id="italian inviato il"),
    pytest.param(("De:", "Enviada em:", "Para:", "Assunto:"), id="portuguese enviada em"),
    pytest.param(("De:", "Enviado em:", "Para:", "Assunto:"), id="portuguese enviado em"),
    pytest.param(("De:", "Data de envio:", "Para:", "Assunto:"), id="portuguese data de envio"),
]


@pytest.mark.parametrize("labels", LABELS)
def test_a_header_block_with_a_multi_word_date_label_is_cut(
    labels: tuple[str, str, str, str],
) -> None:
    """The reply above a header block is kept; the block and the quote below it are gone."""
    body = "Sí, nos vimos ayer.\n\n" + _block(*labels) + ORIGINAL
    assert reply_text(body) == "Sí, nos vimos ayer."


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "Enviado el lunes, nos vimos 45 minutos.",
            "Enviado el lunes, nos vimos 45 minutos.",
            id="label words in a sentence",
        ),
        pytest.param(
            "Nos vimos.\nEnviado el: el informe\nPara: Ben, luego",
            "Nos vimos.\nEnviado el: el informe\nPara: Ben, luego",
            id="date and to lines without from",
        ),
        pytest.param(
            "Sent on Monday: my notes\n" + _block("De:", "Enviado el:", "Para:", "Asunto:"),
            "Sent on Monday: my notes",
            id="answer line right above the block",
        ),
        pytest.param(
            "Summary: we met\n" + _block("From:", "Sent:", "To:", "Subject:"),
            "Summary: we met",
            id="one-word answer label right above the block",
        ),
    ],
)
def test_answer_lines_that_look_like_multi_word_labels_are_kept(body: str, expected: str) -> None:
    """Answer lines using label words stay unless they are in a From/date/To header block."""
    assert reply_text(body) == expected


def _context(kind: Kind) -> ReplyContext:
    """The reply context of pair ada-bo (Berlin, day first), answering our email of `kind`."""
    sent = {OURS: SentRef(pair_id="ada-bo", kind=kind, key=f"{kind}:1")}
    return ReplyContext(
        program=make_program(make_pair("ada-bo", zone="Europe/Berlin")),
        key=KEY,
        mailbox=MAILBOX,
        our_addresses=frozenset({MAILBOX}),
        now=NOW,
        sent=sent.get,
    )


def _understood(answer: str, kind: Kind) -> Verdict:
    """The verdict on `answer` top-posted over a Spanish "Enviado el:" block and our email."""
    message = EmailMessage(policy=SMTP)
    message["From"] = "Bo Mentee <bo@example.org>"
    message["To"] = reply_address(MAILBOX, make_token("ada-bo", date(2026, 11, 1), key=KEY))
    message["Subject"] = "RE: Check-in: Ada and Bo"
    message["Message-ID"] = "<reply-1@example.org>"
    message["Date"] = format_datetime(NOW)
    message["In-Reply-To"] = OURS
    message["References"] = OURS
    block = _block("De:", "Enviado el:", "Para:", "Asunto:")
    message.set_content(f"{answer}\n\n{block}{ORIGINALS[kind]}")
    return understand(message.as_bytes(), context=_context(kind))


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        pytest.param("Sí, gracias", Kind.THANKS, id="thanks"),
        pytest.param("Sí", Kind.THANKS, id="yes to thanks"),
        pytest.param("Sí, correcto", Kind.CONFIRMATION, id="confirmation spanish"),
        pytest.param("Yes, correct", Kind.CONFIRMATION, id="confirmation english"),
        pytest.param("Sí", Kind.CONFIRMATION, id="yes to confirmation"),
    ],
)
def test_a_header_date_does_not_log_a_second_meeting(answer: str, kind: Kind) -> None:
    """Thanking or confirming over an "Enviado el:" block acknowledges, logging no meeting."""
    verdict = _understood(answer, kind)
    assert (verdict.outcome, verdict.meeting) == (Outcome.ACKNOWLEDGED, None)


def test_a_yes_over_a_header_block_is_dated_on_the_reply_day() -> None:
    """A bare "Sí" to a check-in is a meeting on the reply's day, not the header's date."""
    meeting = _understood("Sí", Kind.CHECKIN).meeting
    assert meeting is not None
    assert (meeting.date, meeting.date_stated) == (date(2026, 11, 26), False)


def test_a_stated_meeting_over_a_header_block_keeps_its_own_date() -> None:
    """A reply stating "el martes, 45 minutos" is a meeting on Tuesday, not the header's Monday."""
    meeting = _understood("Sí, nos vimos el martes, 45 minutos", Kind.PAUSE_OR_END).meeting
    assert meeting is not None
    assert (meeting.date, meeting.duration_minutes) == (date(2026, 11, 24), 45)


def test_an_original_without_our_marker_below_the_block_is_not_read() -> None:
    """Without the reply marker, the block alone keeps the quoted "Pause until March" out."""
    body = (
        "Sí\n\n"
        + _block("De:", "Enviado el:", "Para:", "Asunto:")
        + 'Have you met? Reply in a line: "Not yet", "Pause until March".\n'
    )
    assert reply_text(body) == "Sí"
