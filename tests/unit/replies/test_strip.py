"""Quote, attribution, forwarded-block and signature stripping on realistic reply bodies."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.replies.strip import reply_text
from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import met, understood, verdict_of

CHECKIN_QUOTED = """\
> --- Please reply above this line ---
>
> Hi Ana and Ben,
>
> It has been 2 months since you started. Have you had a chance to meet yet?
>
> --
> Northwind Engineering Mentoring
"""

CHECKIN_UNQUOTED = """\
--- Please reply above this line ---

Hi Ana and Ben,

It has been 2 months since you started. Have you had a chance to meet yet?

--
Northwind Engineering Mentoring
"""


def _case(body: str, expected: str, case_id: str) -> object:
    return pytest.param(body, expected, id=case_id)


TOP_POSTED = [
    _case(
        "Yes, we met on Tuesday for 45 min.\n\n"
        "On Tue, Mar 3, 2026 at 6:00 PM Northwind Mentoring <mentoring@northwind.example> "
        "wrote:\n\n" + CHECKIN_QUOTED,
        "Yes, we met on Tuesday for 45 min.",
        "gmail",
    ),
    _case(
        "We met yesterday, about an hour.\n\n"
        "On Tue, Mar 3, 2026 at 6:00 PM Northwind Mentoring <\n"
        "mentoring+ana-ben.g1a.cjf6g4gmlbako52o@northwind.example> wrote:\n\n" + CHECKIN_QUOTED,
        "We met yesterday, about an hour.",
        "gmail attribution wrapped over two lines",
    ),
    _case(
        "Met last Friday\n\nOn Tue, 3 Mar 2026 at 18:00, Northwind Engineering\n"
        "Mentoring <mentoring+ana-ben.g1a.cjf6g4gmlbako52o@northwind.example>\nwrote:\n"
        + CHECKIN_QUOTED,
        "Met last Friday",
        "attribution wrapped over three lines",
    ),
    _case(
        "Yes we met on 3/4 for 1h30.\n\nBen\n\n"
        "From: Northwind Mentoring <mentoring@northwind.example>\n"
        "Sent: Tuesday, March 3, 2026 6:00 PM\n"
        "To: Ana Lima <ana.lima@northwind.example>; Ben Ong <ben.ong@northwind.example>\n"
        "Subject: Check-in: Ana and Ben\n\n" + CHECKIN_UNQUOTED,
        "Yes we met on 3/4 for 1h30.\n\nBen",
        "outlook desktop header block",
    ),
    _case(
        "Not yet, next week.\n\n________________________________\n"
        "From: Northwind Mentoring <mentoring@northwind.example>\n"
        "Sent: Tuesday, March 3, 2026 18:00\nTo: Ana Lima\nSubject: Check-in\n\n"
        + CHECKIN_UNQUOTED,
        "Not yet, next week.",
        "outlook web rule and header block",
    ),
    _case(
        "Yes, 45 minutes\n\n*From:* Northwind Mentoring <mentoring@northwind.example>\n"
        "*Sent:* Tuesday, March 3, 2026 6:00:00 PM\n*To:* Ana Lima <ana@x.example>\n"
        "*Subject:* Check-in\n\nHi Ana and Ben,\n",
        "Yes, 45 minutes",
        "outlook header block in bold from html conversion",
    ),
    _case(
        "Yes we met.\n\n-----Original Message-----\nFrom: Northwind Mentoring\n"
        "Sent: Tuesday, March 3, 2026 6:00 PM\nTo: Ana\nSubject: Check-in\n\nHi Ana and Ben,\n",
        "Yes we met.",
        "original message separator",
    ),
    _case(
        "Skip this round please\n\nSent from my iPhone\n\n"
        "> On 3 Mar 2026, at 18:00, Northwind Mentoring <mentoring@northwind.example> wrote:\n"
        + CHECKIN_QUOTED,
        "Skip this round please",
        "ios mail with mobile signature",
    ),
    _case(
        "We met today for 30 min\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n"
        "________________________________\nFrom: Northwind Mentoring "
        "<mentoring@northwind.example>\nSent: Tuesday, March 3, 2026 6:00:00 PM\n"
        "To: Ana Lima <ana@x.example>\nSubject: Check-in\n\nHi\n",
        "We met today for 30 min",
        "outlook ios",
    ),
    _case(
        "Yes we met\n\n-------- Original message --------\nFrom: Northwind Mentoring "
        "<mentoring@northwind.example>\nDate: 03/03/2026 18:00 (GMT+00:00)\n"
        "To: Ana Lima <ana@x.example>\nSubject: Check-in\n\nHi\n",
        "Yes we met",
        "samsung email",
    ),
    _case(
        "FYI, we met on Monday.\n\n---------- Forwarded message ---------\n"
        "From: Northwind Mentoring <mentoring@northwind.example>\n"
        "Date: Tue, Mar 3, 2026 at 6:00 PM\nSubject: Check-in\nTo: <ana@x.example>\n\nHi\n",
        "FYI, we met on Monday.",
        "gmail forwarded",
    ),
    _case(
        "We met.\n\nBegin forwarded message:\n\nFrom: Northwind Mentoring <m@n.example>\n"
        "Subject: Check-in\nDate: 3 March 2026 at 18:00:00 GMT\nTo: Ana <a@x.example>\n\nHi\n",
        "We met.",
        "apple mail forwarded",
    ),
    _case(
        "We met on Thursday\n\n" + CHECKIN_UNQUOTED,
        "We met on Thursday",
        "our marker unquoted",
    ),
    _case(
        "Yes we met\n\nPlease reply above this line\nHi Ana and Ben,\nHave you met yet?\n",
        "Yes we met",
        "our marker from an html conversion",
    ),
    _case(
        "We met yesterday.\n\nThunderbird User wrote:\n> Have you met yet?\n",
        "We met yesterday.",
        "short attribution before quote",
    ),
]

LOCALIZED = [
    _case(
        "Ja, wir haben uns gestern getroffen.\n\n"
        "Am Di., 3. März 2026 um 18:00 Uhr schrieb Northwind Mentoring <\n"
        "mentoring@northwind.example>:\n\n" + CHECKIN_QUOTED,
        "Ja, wir haben uns gestern getroffen.",
        "german gmail",
    ),
    _case(
        "Ja, 45 Minuten.\n\nVon meinem iPhone gesendet\n\n"
        "> Am 03.03.2026 um 18:00 schrieb Northwind Mentoring <mentoring@northwind.example>:\n"
        + CHECKIN_QUOTED,
        "Ja, 45 Minuten.",
        "german iphone",
    ),
    _case(
        "Noch nicht.\n\nVon: Northwind Mentoring <mentoring@northwind.example>\n"
        "Gesendet: Dienstag, 3. März 2026 18:00\nAn: Ana Lima <ana@x.example>\n"
        "Betreff: Check-in\n\nHallo\n",
        "Noch nicht.",
        "german outlook header block",
    ),
    _case(
        "Ja\n\n-----Ursprüngliche Nachricht-----\nVon: Northwind\nGesendet: Dienstag\n"
        "An: Ana\nBetreff: Check-in\n",
        "Ja",
        "german original message separator",
    ),
    _case(
        "Oui, nous nous sommes vus mardi.\n\n"
        "Le mar. 3 mars 2026 à 18:00, Northwind Mentoring <mentoring@northwind.example> a"
        "\u00a0écrit\u202f:\n\n" + CHECKIN_QUOTED,
        "Oui, nous nous sommes vus mardi.",
        "french gmail with narrow no-break space",
    ),
    _case(
        "Pas encore.\n\nEnvoyé de mon iPhone\n\n"
        "> Le 3 mars 2026 à 18:00, Northwind Mentoring <m@n.example> a écrit :\n" + CHECKIN_QUOTED,
        "Pas encore.",
        "french iphone",
    ),
    _case(
        "Oui, une heure.\n\nDe\u00a0: Northwind Mentoring <m@n.example>\n"
        "Envoyé\u00a0: mardi 3 mars 2026 18:00\nÀ\u00a0: Ana Lima <a@x.example>\n"
        "Objet\u00a0: Check-in\n\nBonjour\n",
        "Oui, une heure.",
        "french outlook header block",
    ),
    _case(
        "Oui\n\n-------- Message d'origine --------\nDe : Northwind\nDate : 03/03/2026\n"
        "À : Ana\nObjet : Check-in\n",
        "Oui",
        "french original message separator",
    ),
    _case(
        "Sí, nos vimos ayer.\n\n"
        "El mar, 3 mar 2026 a las 18:00, Northwind Mentoring (<m@n.example>) escribió:\n\n"
        + CHECKIN_QUOTED,
        "Sí, nos vimos ayer.",
        "spanish gmail",
    ),
    _case(
        "Todavía no.\n\nEnviado desde mi iPhone\n\n"
        "> El 3 mar 2026, a las 18:00, Northwind <m@n.example> escribió:\n" + CHECKIN_QUOTED,
        "Todavía no.",
        "spanish iphone",
    ),
    _case(
        "Sí\n\nDe: Northwind Mentoring <m@n.example>\nEnviado: martes, 3 de marzo de 2026 18:00"
        "\nPara: Ana Lima <a@x.example>\nAsunto: Check-in\n\nHola\n",
        "Sí",
        "spanish outlook header block",
    ),
    _case(
        "Ja, gisteren.\n\nOp di 3 mrt. 2026 om 18:00 schreef Northwind Mentoring <m@n.example>:"
        "\n\n" + CHECKIN_QUOTED,
        "Ja, gisteren.",
        "dutch gmail",
    ),
    _case(
        "Sì, ieri.\n\nIl giorno mar 3 mar 2026 alle ore 18:00 Northwind <m@n.example> ha "
        "scritto:\n\n" + CHECKIN_QUOTED,
        "Sì, ieri.",
        "italian gmail",
    ),
    _case(
        "Sim, ontem.\n\nEm ter., 3 de mar. de 2026 às 18:00, Northwind <m@n.example> escreveu:"
        "\n\n" + CHECKIN_QUOTED,
        "Sim, ontem.",
        "portuguese gmail",
    ),
    _case(
        "はい、土曜日に会いました。\n\n2026年11月18日(水) 5:30 Northwind Mentoring "
        "<mentoring@northwind.example>:\n\n" + CHECKIN_QUOTED,
        "はい、土曜日に会いました。",
        "japanese gmail without a verb",
    ),
    _case(
        "是的\uff0c我们见面了。\n\n"
        "在 2026年11月18日 18:00\uff0cNorthwind <m@n.example> 写道\uff1a\n" + CHECKIN_QUOTED,
        "是的\uff0c我们见面了。",
        "chinese with full-width colon",
    ),
]

INLINE_AND_BOTTOM = [
    _case(
        "On Tue, Mar 3, 2026 at 6:00 PM Northwind Mentoring <mentoring@northwind.example> "
        "wrote:\n" + CHECKIN_QUOTED + "\nYes, we met last Tuesday for an hour.\n",
        "Yes, we met last Tuesday for an hour.",
        "bottom-posted",
    ),
    _case(
        "> Hi Ana and Ben,\n>\n> Have you had a chance to meet yet?\n\nYes! On Monday.\n\n"
        "> Just reply with one line, for example:\n\nAbout 45 min.\n\n> Either of you can "
        "answer.\n",
        "Yes! On Monday.\n\nAbout 45 min.",
        "inline answers between quotes",
    ),
    _case(
        "Northwind Mentoring wrote:\n>> Have you met yet?\n> not sure\nWe did meet, twice.\n",
        "We did meet, twice.",
        "nested quote depths",
    ),
    _case(
        "On 03/03/2026 18:00, Northwind Mentoring wrote:\n" + CHECKIN_QUOTED + "\nNot yet.\n\n"
        "-- \nBen Ong\nStaff Engineer\n",
        "Not yet.",
        "bottom-posted with signature",
    ),
    _case(
        "On Tue, 3 Mar 2026, Northwind <m@n.example> wrote:\n>\n\nWe met on Friday.",
        "We met on Friday.",
        "html conversion placeholder after attribution",
    ),
    _case(
        "  > indented quote\nWe met.\n",
        "We met.",
        "indented quote marker",
    ),
]

SIGNATURES = [
    _case(
        "We met on Monday.\n\n-- \nAna Lima\nPrincipal Engineer\n", "We met on Monday.", "dashdash"
    ),
    _case("We met.\n--\nAna", "We met.", "dashdash without trailing space"),
    _case("Not yet\n\nSent from my Galaxy\n", "Not yet", "galaxy"),
    _case("Skip\n\nSent from my Samsung Galaxy smartphone.\n", "Skip", "samsung galaxy smartphone"),
    _case("Yes\n\nGet Outlook for Android\n", "Yes", "outlook android"),
    _case("Oui\n\nEnvoyé de mon iPad\n", "Oui", "french ipad"),
    _case("Ja\n\nGesendet von meinem Huawei Handy\n", "Ja", "german handy"),
    _case("Yes\n\nSent from Mail for Windows\n", "Yes", "mail for windows"),
    _case("Yes, 40 min.\n\nSent with Proton Mail secure email.\n", "Yes, 40 min.", "proton"),
    _case(
        "We met for an hour.\n\nAna\n\n________________________________\n"
        "This email and any attachments are confidential and intended solely for the use of "
        "the individual to whom it is addressed. If you are not the intended recipient, "
        "please delete it.\n",
        "We met for an hour.\n\nAna",
        "disclaimer at the end",
    ),
    _case(
        "Yes, met Tuesday.\n\nCONFIDENTIALITY NOTICE: The contents of this email message are "
        "confidential and privileged.\n",
        "Yes, met Tuesday.",
        "confidentiality notice",
    ),
    _case(
        "Ja, gestern.\n\nDiese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der "
        "richtige Adressat sind, informieren Sie bitte den Absender.\n",
        "Ja, gestern.",
        "german disclaimer",
    ),
    _case(
        "CAUTION: This email originated from outside of the organization. Do not click links "
        "or open attachments unless you recognize the sender.\n\nWe met on Monday.\n",
        "We met on Monday.",
        "external sender banner",
    ),
]

LOOKALIKES = [
    _case("Date: 2026-03-04\n45 min", "Date: 2026-03-04\n45 min", "date line alone"),
    _case(
        "From my side it went well, we met Tuesday.",
        "From my side it went well, we met Tuesday.",
        "from my side",
    ),
    _case(
        "We covered:\n- reviewed resume\n- mock interview",
        "We covered:\n- reviewed resume\n- mock interview",
        "dash list",
    ),
    _case("Met on Monday\n---\nNext: pause", "Met on Monday\n---\nNext: pause", "triple dash"),
    _case("Thanks, that helped. 40 min", "Thanks, that helped. 40 min", "thanks line"),
    _case(
        "We met.\nSent: the slides\nTo: Ben, later",
        "We met.\nSent: the slides\nTo: Ben, later",
        "sent and to lines without from",
    ),
    _case(
        "We met and my manager wrote:\nkeep going",
        "We met and my manager wrote:\nkeep going",
        "wrote without attribution shape",
    ),
    _case(
        "Sent from my laptop at the office: yes we met",
        "Sent from my laptop at the office: yes we met",
        "sentence starting like a mobile signature",
    ),
    _case(
        "This email is to confirm we met on Monday.",
        "This email is to confirm we met on Monday.",
        "sentence starting like a disclaimer",
    ),
    _case("Yes\n\n\n\n\nAna  \n\n", "Yes\n\nAna", "blank runs collapsed and trimmed"),
    _case("", "", "empty"),
    _case(CHECKIN_QUOTED, "", "only a quote"),
]


ADDRESS = "mentoring@northwind.example"
ATTRIBUTIONS = {
    "gmail": f"On Thu, Nov 26, 2026 at 10:00 AM Northwind Engineering Mentoring <{ADDRESS}> wrote:",
    "gmail german": "Am Do., 26. Nov. 2026 um 10:00 Uhr schrieb Northwind Engineering Mentoring "
    f"<{ADDRESS}>:",
    "gmail wrapped": "On Thu, Nov 26, 2026 at 10:00 AM Northwind Engineering Mentoring <\n"
    f"{ADDRESS}> wrote:",
    "gmail german wrapped": "Am Do., 26. Nov. 2026 um 10:00 Uhr schrieb Northwind Engineering "
    f"Mentoring <\n{ADDRESS}>:",
}
"""Attributions of our message sent at reply_mail.NOW, on one line or wrapped over two."""
WRAPPED_ATTRIBUTIONS = {
    "gmail after the time": "On Thu, Nov 26, 2026 at 10:00\n"
    f"AM Northwind Engineering Mentoring <{ADDRESS}> wrote:",
    "gmail french": "Le jeu. 26 nov. 2026 à 10:00, Northwind Engineering Mentoring <\n"
    f"{ADDRESS}> a\u00a0écrit\u202f:",
    "gmail spanish": "El jue, 26 nov 2026 a las 10:00, Northwind Engineering Mentoring (<\n"
    f"{ADDRESS}>) escribió:",
    "gmail dutch": "Op do 26 nov. 2026 om 10:00 schreef Northwind Engineering Mentoring <\n"
    f"{ADDRESS}>:",
    "gmail polish": "czw., 26 lis 2026 o 10:00 Northwind Engineering Mentoring <\n"
    f"{ADDRESS}> napisał(a):",
    "gmail chinese": f"Northwind Engineering Mentoring <{ADDRESS}> 于2026年11月26日周四\n"
    "10:00写道\uff1a",
    "gmail over three lines": "On Thu, Nov 26, 2026 at 10:00 AM Northwind Engineering\n"
    f"Mentoring <{ADDRESS}>\nwrote:",
    "apple mail over three lines": "On 26 Nov 2026, at 10:00, Northwind Engineering\n"
    f"Mentoring <{ADDRESS}>\nwrote:",
    "thunderbird german over three lines": "Am 26.11.2026 um 10:00 schrieb Northwind\n"
    f"Engineering Mentoring\n<{ADDRESS}>:",
    "without a year or an address": "On Fri, Nov 20, at 11:00 AM Northwind Mentoring\nwrote:",
    "german without a year": "Am Freitag, 20. November um 11:00 schrieb Northwind\nKoordination:",
}
ANSWERS = {
    "met": "Yes, we met on Tuesday for 45 minutes",
    "not yet": "Not yet",
    "german": "Ja, wir haben uns am Dienstag getroffen, 45 Minuten",
    "two lines": "Yes, we met on Tuesday.\nIt was about 45 minutes.",
    "three lines": "Yes, we met on Monday for 45 minutes.\n"
    "Actually, sorry - that was the week before.\nNo meeting this month.",
    "opening like an attribution": "On Monday at 10:00 we met for an hour",
}
"""Answers typed directly above the attribution, with no blank line between."""


@pytest.mark.parametrize("answer", ANSWERS.values(), ids=ANSWERS.keys())
@pytest.mark.parametrize("attribution", ATTRIBUTIONS.values(), ids=ATTRIBUTIONS.keys())
def test_answer_lines_directly_above_an_attribution_are_kept(answer: str, attribution: str) -> None:
    """Lines typed right above "On ... wrote:" are the sender's words, not its first lines."""
    assert reply_text(f"{answer}\n{attribution}\n{CHECKIN_QUOTED}") == answer


@pytest.mark.parametrize(
    "attribution", WRAPPED_ATTRIBUTIONS.values(), ids=WRAPPED_ATTRIBUTIONS.keys()
)
@pytest.mark.parametrize("answer", [ANSWERS["met"], ANSWERS["not yet"]], ids=["met", "not yet"])
def test_a_wrapped_attribution_directly_below_an_answer_is_dropped_whole(
    answer: str, attribution: str
) -> None:
    """An attribution wrapped over two or three lines goes as one, the answer above it stays."""
    assert reply_text(f"{answer}\n{attribution}\n{CHECKIN_QUOTED}") == answer


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (ANSWERS["met"], met(date(2026, 11, 24), 45)),
        (ANSWERS["german"], met(date(2026, 11, 24), 45)),
        (ANSWERS["two lines"], met(date(2026, 11, 24), 45)),
        ("Not yet", (Outcome.NOT_MET, None)),
        ("Noch nicht", (Outcome.NOT_MET, None)),
    ],
    ids=["met", "german", "two lines", "not yet", "german not yet"],
)
@pytest.mark.parametrize("attribution", ATTRIBUTIONS.values(), ids=ATTRIBUTIONS.keys())
def test_an_answer_directly_above_an_attribution_is_understood(
    answer: str, expected: object, attribution: str
) -> None:
    """The answer is read, instead of the reply being UNCLEAR for having no text."""
    assert understood(f"{answer}\n{attribution}\n{CHECKIN_QUOTED}") == expected


@pytest.mark.parametrize("attribution", ATTRIBUTIONS.values(), ids=ATTRIBUTIONS.keys())
def test_a_correction_directly_above_an_attribution_reaches_the_verdict(attribution: str) -> None:
    """A sender taking back the line above it is not cut down to that line."""
    verdict = verdict_of(f"{ANSWERS['three lines']}\n{attribution}\n{CHECKIN_QUOTED}")
    assert verdict.text == ANSWERS["three lines"]


@pytest.mark.parametrize(("body", "expected"), TOP_POSTED)
def test_top_posted_replies_keep_the_text_above_the_original(body: str, expected: str) -> None:
    """A top-posted reply keeps only the text above the quote, header block or separator."""
    assert reply_text(body) == expected


@pytest.mark.parametrize(("body", "expected"), LOCALIZED)
def test_localized_clients(body: str, expected: str) -> None:
    """Attributions, header blocks and separators in other languages are recognised."""
    assert reply_text(body) == expected


@pytest.mark.parametrize(("body", "expected"), INLINE_AND_BOTTOM)
def test_inline_and_bottom_posted_answers_are_kept(body: str, expected: str) -> None:
    """Unquoted lines between or after quoted blocks are the answer and are kept."""
    assert reply_text(body) == expected


@pytest.mark.parametrize(("body", "expected"), SIGNATURES)
def test_signatures_disclaimers_and_banners_are_removed(body: str, expected: str) -> None:
    """Signatures, mobile signatures, disclaimers and external-sender banners are dropped."""
    assert reply_text(body) == expected


@pytest.mark.parametrize(("body", "expected"), LOOKALIKES)
def test_answer_lines_that_look_like_boundaries_are_kept(body: str, expected: str) -> None:
    """Answer lines resembling headers, signatures or delimiters stay in the text."""
    assert reply_text(body) == expected


def test_windows_line_endings() -> None:
    """CRLF bodies are stripped like LF bodies."""
    body = "Yes we met\r\n\r\nOn Tue, 3 Mar 2026 at 18:00, X <x@y.example> wrote:\r\n> Hi\r\n"
    assert reply_text(body) == "Yes we met"


def test_huge_body_is_stripped_quickly() -> None:
    """A 200,000-character body of hostile lines is handled in linear time."""
    body = ("-" * 5000 + "\n" + "From: " + "a" * 5000 + "\n" + "x:" * 2000 + "\n") * 16
    assert len(reply_text(body)) > 0


@given(st.text())
def test_reply_text_never_invents_text(body: str) -> None:
    """Every line of the result occurs in the input, and nothing raises."""
    for line in reply_text(body).splitlines():
        assert line.strip() in body


@given(
    st.lists(
        st.sampled_from(
            [
                "> quoted",
                "-- ",
                "On Tue, 3 Mar 2026 at 18:00, X <x@y.example> wrote:",
                "From: X",
                "Sent: Tuesday",
                "To: Y",
                "We met on Tuesday",
                "",
                "Sent from my iPhone",
                "--- Please reply above this line ---",
                "This email is confidential and intended for the recipient.",
            ]
        )
    )
)
def test_reply_text_on_shuffled_realistic_lines(lines: list[str]) -> None:
    """Mixtures of realistic lines never raise and never produce a quoted line."""
    result = reply_text("\n".join(lines))
    assert all(not line.lstrip().startswith(">") for line in result.splitlines())
    assert all(line.strip() in lines for line in result.splitlines())
