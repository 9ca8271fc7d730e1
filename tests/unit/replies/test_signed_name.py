"""A signature that no "-- " marks, found where the sender's own name stands alone on a line.

Before, the lines under the name were read as the reply: "I usually reply within 2 hours"
logged a two-hour meeting, "On parental leave until 4 January" set the end of a pause, and
a job title and phone number under "Thanks Ada!" sent the thanks to a person.
"""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.strip import before_signed_name
from reminder_service.core.replies.understand import understand
from reminder_service.core.replies.verdict import Outcome
from tests.unit.replies.reply_mail import context, met, reply_bytes, understood, verdict_of


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        (
            "Yes we met on Tuesday.\n\nBo Mentee\nI usually reply within 2 hours.",
            Kind.CHECKIN,
            met(date(2026, 11, 24)),
        ),
        (
            "Yes\n\nBo Mentee\nOn leave from Monday 30 November until 4 January",
            Kind.CHECKIN,
            met(None),
        ),
        ("Thanks Ada!\n\nBo Mentee\nSenior Engineer | +44 20 7946 0018", Kind.THANKS, None),
        ("Thank you!\n\n- Bo\nSenior Engineer, Northwind", Kind.ANNIVERSARY, None),
        ("Thanks!\n\nbo mentee\nSent between meetings, please excuse typos", Kind.THANKS, None),
    ],
    ids=["response-time", "leave-dates", "title-and-phone", "first-name", "any-case"],
)
def test_lines_under_the_senders_name_are_not_read(text: str, kind: Kind, expected: object) -> None:
    """What stands under the sender's name is a signature: its lengths and dates are not
    the meeting's, and thanks with it are only thanks."""
    outcome = understood(text, kind)
    if expected is None:
        assert outcome == (Outcome.ACKNOWLEDGED, None)
    else:
        assert outcome == expected


def test_a_pause_keeps_no_date_from_a_signature() -> None:
    """ "On parental leave until 4 January" under the name does not end the pause."""
    verdict = verdict_of(
        "Pause please.\n\nBo Mentee\nOn parental leave until 4 January", kind=Kind.PAUSE_OR_END
    )

    assert (verdict.outcome, verdict.pause_until, verdict.text) == (
        Outcome.PAUSE,
        None,
        "Pause please.",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bo Mentee\nWe met on Tuesday.", "Bo Mentee\nWe met on Tuesday."),
        ("We met on Tuesday, Bo Mentee and I.\nBo", "We met on Tuesday, Bo Mentee and I."),
        ("We met on Tuesday.\nAda\nShe says hi.", "We met on Tuesday.\nAda\nShe says hi."),
        ("\n\nBo\nSenior Engineer", "\n\nBo\nSenior Engineer"),
        ("Not yet.\n\n\u2014 Bo Mentee \u2014\nTeam lead", "Not yet."),
    ],
    ids=["name-first", "name-inside-a-line", "other-persons-name", "no-words-above", "dashes"],
)
def test_only_the_senders_name_alone_after_words_starts_a_signature(
    text: str, expected: str
) -> None:
    """The name must stand alone, after some words, and be the sender's own."""
    assert before_signed_name(text, ["Bo Mentee", "Bo"]) == expected


def test_the_name_in_the_from_header_signs_too() -> None:
    """A member who signs with the name their mail program sends, not the program's, is
    still signing."""
    raw = reply_bytes("Yes we met on Tuesday.\n\nBobby\nI usually reply within 2 hours.")
    raw = raw.replace(b"From: Bo Mentee", b"From: Bobby Mentee-Smith")

    verdict = understand(raw, context=context())

    assert (verdict.outcome, verdict.meeting) == met(date(2026, 11, 24))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Thanks!\n\nBo\nTeam lead\n\nP.S. We met again on Friday for an hour.",
            "Thanks!\n\nP.S. We met again on Friday for an hour.",
        ),
        ("Thanks!\nBo\nPS: we met Friday", "Thanks!\n\nPS: we met Friday"),
        ("Thanks!\nBo\nPsychologist, Team lead", "Thanks!"),
    ],
    ids=["p.s.", "ps-colon", "not-a-postscript"],
)
def test_a_postscript_below_the_signature_is_kept(text: str, expected: str) -> None:
    """A postscript is the sender's words again, so it is read; a title is not one."""
    assert before_signed_name(text, ["Bo Mentee", "Bo"]) == expected


def test_a_meeting_told_in_a_postscript_is_logged() -> None:
    """ "Thanks!" over a signature and a postscript with a meeting reports that meeting."""
    text = "Thanks!\n\nBo Mentee\nTeam lead\n\nP.S. We met again on Monday for an hour."

    assert understood(text, Kind.THANKS) == met(date(2026, 11, 23), 60)


@pytest.mark.parametrize(
    "text",
    [
        "Quick update from both of us:\nAda Mentor\nBo Mentee\nWe met on Tuesday for 45 minutes.",
        "Yes we met on Tuesday.\nPresent:\nAda\nBo\nDuration: 45 minutes",
        "We met on Tuesday for 45 minutes. Attendees:\nBo\nAda\nPriya (guest)",
        "Yes we met on Tuesday.\nBo Mentee\nand Ada spent 45 minutes on my CV.",
    ],
    ids=["list-of-names", "present", "attendees", "sentence-goes-on"],
)
def test_a_name_in_a_list_or_a_sentence_is_no_signature(text: str) -> None:
    """The sender's name under another name, under a line ending in ':', or going on as a
    sentence on the next line is part of the reply."""
    assert before_signed_name(text, ["Bo Mentee", "Bo"]) == text


@pytest.mark.parametrize(
    "postscript",
    [
        "Nachtrag: wir haben uns gestern 45 Minuten getroffen.",
        "P.D. Nos reunimos ayer durante 45 minutos.",
        "P.-S. : on s'est vus hier pendant 45 minutes.",
        "PPS: we met yesterday for 45 minutes.",
        "N.B. We met yesterday for 45 minutes.",
    ],
)
def test_a_postscript_in_any_of_our_languages_is_read(postscript: str) -> None:
    """A postscript under the signature, however it is headed, is the sender's words."""
    text = f"Hallo,\n\nViele Grüße\nBo\nTeam lead\n\n{postscript}"

    assert understood(text) == met(date(2026, 11, 25), 45)


def test_a_first_name_with_an_initial_signs_too() -> None:
    """ "Bo M." is the sender's name as people sign it: the reply time under it is no length."""
    assert understood("Yes, we met on Tuesday.\n\nBo M.\nTypical reply time: 2 hours") == met(
        date(2026, 11, 24)
    )


@pytest.mark.parametrize(
    "sign_off", ["Viele Grüße", "Best regards", "Cordialement", "Thanks again"]
)
def test_a_name_under_a_sign_off_signs(sign_off: str) -> None:
    """A sign-off without punctuation, in any of our languages, puts the name under it: the
    signature is not kept as the reply's words."""
    text = f"Yes we met on Tuesday\n{sign_off}\nBo\nI usually reply within 2 hours"

    assert before_signed_name(text, ["Bo"]) == f"Yes we met on Tuesday\n{sign_off}"


def test_a_name_under_any_sign_off_ending_in_a_comma_signs() -> None:
    """A sign-off we have no word for still ends in a comma."""
    text = "Todavía no.\n\nSaludos cordiales desde Madrid,\nBo\nFuera de la oficina hasta marzo"

    assert before_signed_name(text, ["Bo"]) == "Todavía no.\n\nSaludos cordiales desde Madrid,"
