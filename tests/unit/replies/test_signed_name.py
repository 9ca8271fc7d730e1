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
