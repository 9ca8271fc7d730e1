"""Quoted originals introduced in wordings the stripper has no list for: attribution lines
and header blocks in any language, recognised by their shape rather than their words."""

from __future__ import annotations

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.strip import reply_text
from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import verdict_of

ADDRESS = "Northwind Mentoring <mentoring@northwind.example>"
CHECKIN = "Hi Ada and Bo,\n\nHave you met? If so, tell us when you last met."
QUOTED = "> --- Please reply above this line ---\n>\n> " + CHECKIN.replace("\n", "\n> ")
UNQUOTED = "--- Please reply above this line ---\n\n" + CHECKIN
CONFIRMATION = (
    "--- Please reply above this line ---\n\nHi Bo,\n\n"
    "Ada logged your meeting on Tuesday 24 November (45 minutes).\n"
    "Reply NO if that's not right."
)

ATTRIBUTIONS = {
    "gmail-id": f"Pada tanggal Jum, 20 Nov 2026 pukul 10.00 {ADDRESS} menulis:",
    "gmail-id-wrapped": "Pada tanggal Jum, 20 Nov 2026 pukul 10.00 Northwind Mentoring <\n"
    "mentoring@northwind.example> menulis:",
    "gmail-cs": f"pá 20. 11. 2026 v 10:00 odesílatel {ADDRESS} napsal:",
    "gmail-ro": f"vin., 20 nov. 2026, 10:00 {ADDRESS} a scris:",
    "gmail-hu": f"{ADDRESS} ezt írta (időpont: 2026. nov. 20., P, 10:00):",
    "gmail-ca": f"El dv., 20 de nov. 2026, 10:00, {ADDRESS} va escriure:",
    "thunderbird-cs": "Dne 20. 11. 2026 v 10:00 Northwind Mentoring napsal(a):",
    "thunderbird-sk": "Dňa 20.11.2026 o 10:00 Northwind Mentoring napísal(a):",
    "thunderbird-ru": "20.11.2026 10:00, Northwind Mentoring пишет:",
    "apple-id": f"Pada 20 Nov 2026, pukul 10.00, {ADDRESS} menulis:",
}
HEADER_BLOCKS = {
    "outlook-id": f"Dari: {ADDRESS}\nDikirim: Jumat, 20 November 2026 10.00\n"
    "Kepada: Ada Mentor; Bo Mentee\nPerihal: Check-in: Ada and Bo",
    "outlook-et": f"Saatja: {ADDRESS}\nSaadetud: reede, 20. november 2026 10:00\n"
    "Adressaat: Ada Mentor; Bo Mentee\nTeema: Check-in: Ada and Bo",
    "outlook-hu": f"Feladó: {ADDRESS}\nElküldve: 2026. november 20., péntek 10:00\n"
    "Címzett: Ada Mentor; Bo Mentee\nTárgy: Check-in: Ada and Bo",
    "outlook-ca": f"De: {ADDRESS}\nEnviat el: divendres, 20 de novembre de 2026 10:00\n"
    "Per a: Ada Mentor; Bo Mentee\nTema: Check-in: Ada and Bo",
    "samsung-id": f"Dari: {ADDRESS}\nTanggal: 20/11/26 10.00 (GMT+07:00)\n"
    "Ke: Ada Mentor <ada@example.org>\nSubjek: Check-in: Ada and Bo",
}


@pytest.mark.parametrize("attribution", ATTRIBUTIONS.values(), ids=ATTRIBUTIONS.keys())
def test_an_attribution_in_any_language_above_a_quote_is_dropped(attribution: str) -> None:
    """Lines ending in a colon, naming a sender or a date and time, above a quote are cut."""
    body = f"Yes, for an hour\n\n{attribution}\n\n{QUOTED}\n"
    assert reply_text(body) == "Yes, for an hour"


@pytest.mark.parametrize("attribution", ATTRIBUTIONS.values(), ids=ATTRIBUTIONS.keys())
def test_an_answer_below_a_foreign_attribution_and_quote_is_kept(attribution: str) -> None:
    """A bottom-posted answer under such an attribution and its quote is the reply."""
    body = f"{attribution}\n{QUOTED}\n\nNot yet\n"
    assert reply_text(body) == "Not yet"


def test_an_answer_line_directly_above_a_foreign_attribution_is_kept() -> None:
    """An answer with no blank line before the attribution is not taken for its first line."""
    body = f"Yes, for an hour\n{ATTRIBUTIONS['thunderbird-cs']}\n{QUOTED}\n"
    assert reply_text(body) == "Yes, for an hour"


@pytest.mark.parametrize("block", HEADER_BLOCKS.values(), ids=HEADER_BLOCKS.keys())
@pytest.mark.parametrize("separator", ["________________________________\n", ""])
def test_a_header_block_in_any_language_above_our_message_is_cut(
    block: str, separator: str
) -> None:
    """Labelled lines with an address and a date, directly above our marker, end the reply."""
    body = f"Yes, for an hour\n\n{separator}{block}\n\n{UNQUOTED}\n"
    assert reply_text(body) == "Yes, for an hour"


@pytest.mark.parametrize(
    "body",
    [
        "Here is what we covered:\n- goals\n- the CV",
        "We met on 24.11.2026 at 10:00, notes:\n- goals",
        "Date: 2026-03-04 10:00\nWith: ada@example.org\nLength: 45 min",
        "Date: 2026-03-04 10:00\nWith: ada@example.org\nLength: 45 min\n\nThanks",
        "Yes, we met, my notes:\n\n> Have you met?\n\nTuesday",
    ],
    ids=["colon line", "dated colon line", "labelled answer", "labelled answer, text", "inline"],
)
def test_answer_lines_shaped_like_attributions_or_headers_are_kept(body: str) -> None:
    """Colon lines not above a quote, and labelled lines not above our message, stay."""
    expected = "\n".join(line for line in body.splitlines() if not line.startswith(">"))
    assert reply_text(body) == expected.replace("\n\n\n", "\n\n")


@pytest.mark.parametrize("attribution", ATTRIBUTIONS.values(), ids=ATTRIBUTIONS.keys())
def test_a_confirmed_meeting_is_not_logged_again_on_the_attribution_date(
    attribution: str,
) -> None:
    """'Yes' to a confirmation over a foreign attribution acknowledges it, with no new date."""
    quoted = "> " + CONFIRMATION.replace("\n", "\n> ")
    verdict = verdict_of(
        f"Yes, that's right\n\n{attribution}\n\n{quoted}\n", kind=Kind.CONFIRMATION
    )
    assert verdict.outcome is Outcome.ACKNOWLEDGED


@pytest.mark.parametrize("block", HEADER_BLOCKS.values(), ids=HEADER_BLOCKS.keys())
def test_a_yes_over_a_foreign_header_block_is_dated_on_the_reply_day(block: str) -> None:
    """The header block's sending date is not read as the meeting's date."""
    verdict = verdict_of(f"Yes, for an hour\n\n{block}\n\n{UNQUOTED}\n")
    assert verdict.outcome is Outcome.MEETING
    assert verdict.meeting is not None
    assert not verdict.meeting.date_stated
