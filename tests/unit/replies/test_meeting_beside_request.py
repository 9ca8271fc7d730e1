"""A pause or an end asked for beside a meeting's report: the request is taken and the
meeting is logged too, so the pair's totals keep it.

Before, "We met on Monday for an hour and agreed to pause until January" paused the pair
and the meeting was lost.
"""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.model import Kind
from reminder_service.core.replies.verdict import Outcome, ReportedMeeting
from tests.unit.replies.reply_mail import met, verdict_of

MONDAY = date(2026, 11, 23)
"""The Monday before the replies' Thursday, 26 November 2026."""


def logged(day: date | None, minutes: int | None = None) -> ReportedMeeting:
    """The meeting on `day` (None: undated, so on the reply's date) lasting `minutes`."""
    return met(day, minutes)[1]


@pytest.mark.parametrize(
    ("text", "until", "meeting"),
    [
        (
            "We met on Monday for an hour and agreed to pause until January.",
            date(2027, 1, 1),
            logged(MONDAY, 60),
        ),
        ("Pause until January please. We met Monday, 1h", date(2027, 1, 1), logged(MONDAY, 60)),
        (
            "We met on Monday (1h), and then we'll take a break until February.",
            date(2027, 2, 1),
            logged(MONDAY, 60),
        ),
        ("Until 3 March we'd like to pause; we met Monday", date(2027, 3, 3), logged(MONDAY)),
        (
            "We met on Monday for an hour, can we pause until March?",
            date(2027, 3, 1),
            logged(MONDAY, 60),
        ),
        (
            "Can we pause until March? We met on Monday for an hour.",
            date(2027, 3, 1),
            logged(MONDAY, 60),
        ),
        ("Yes we met. We'd like to pause until January though.", date(2027, 1, 1), logged(None)),
        ("Please pause, until 3 March. We met on Monday.", date(2027, 3, 3), logged(MONDAY)),
        (
            "We met on Monday for an hour; we'll pause until January, then meet every two weeks.",
            date(2027, 1, 1),
            logged(MONDAY, 60),
        ),
        ("Met yest. 1hr. Pause till Jan pls", date(2027, 1, 1), logged(date(2026, 11, 25), 60)),
        (
            "We did not meet on Tuesday and met on Wednesday for 45 min. Please pause until March.",
            date(2027, 3, 1),
            logged(date(2026, 11, 25), 45),
        ),
        (
            "We were going to meet Monday but moved it to Wednesday, 1h. Pause until March.",
            date(2027, 3, 1),
            logged(date(2026, 11, 25), 60),
        ),
        (
            "We met and ate lunch on Monday (1h). Please pause until March.",
            date(2027, 3, 1),
            logged(MONDAY, 60),
        ),
        ("Yes, we met on the 20th. Pause, please.", None, logged(date(2026, 11, 20))),
        (
            "Wir haben uns am Montag eine Stunde getroffen und möchten bis März pausieren.",
            date(2027, 3, 1),
            logged(MONDAY, 60),
        ),
        (
            "On s'est vus lundi pendant une heure. Nous voulons mettre en pause jusqu'en mars.",
            date(2027, 3, 1),
            logged(MONDAY, 60),
        ),
    ],
)
def test_a_pause_beside_a_meeting_logs_both(
    text: str, until: date | None, meeting: ReportedMeeting
) -> None:
    """The until-date is the pause's, never the meeting's ("until 3 March" is no meeting on
    3 March of this year)."""
    verdict = verdict_of(text)
    assert (verdict.outcome, verdict.pause_until, verdict.meeting) == (
        Outcome.PAUSE,
        until,
        meeting,
    )


@pytest.mark.parametrize(
    ("text", "meeting"),
    [
        ("Please end the mentoring. We met on Monday for 45 minutes.", logged(MONDAY, 45)),
        ("We met yesterday and we'd like to end the mentorship now", logged(date(2026, 11, 25))),
        (
            "We had a call yesterday (45 min) and decided to end the mentoring",
            logged(date(2026, 11, 25), 45),
        ),
        ("Please take us off the list, we met on Monday for 1h", logged(MONDAY, 60)),
        ("we met on Monday so please stop the emails.", logged(MONDAY)),
    ],
)
def test_an_end_beside_a_meeting_logs_both(text: str, meeting: ReportedMeeting) -> None:
    """The pair's last meeting counts in the totals of its farewell."""
    verdict = verdict_of(text)
    assert (verdict.outcome, verdict.meeting) == (Outcome.END, meeting)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Yes, please pause until March", Outcome.PAUSE),
        ("Yes. Please end the mentoring.", Outcome.END),
        ("We haven't met, please pause until January", Outcome.PAUSE),
        ("We didn't meet. Please end the mentoring.", Outcome.END),
        ("We met twice, pause until March please", Outcome.PAUSE),
        ("We met in October. Pause until March please.", Outcome.PAUSE),
        ("We met every two weeks until the summer. Please pause.", Outcome.PAUSE),
        ("We'll meet on Monday, then pause until March.", Outcome.PAUSE),
        ("Her manager and I met on Monday. Please pause until January.", Outcome.PAUSE),
        ("We talked by email on Monday. Please end the mentoring.", Outcome.END),
        ("Did we meet on Monday? Please pause until March.", Outcome.PAUSE),
        ("We ate lunch on Monday. Please pause.", Outcome.PAUSE),
        ("Yes. We met through the summer. Please pause.", Outcome.PAUSE),
        ("We met in November. Pause until January.", Outcome.PAUSE),
        ("We've met before, but now we'd like to end the mentoring.", Outcome.END),
        ("We met at the kick-off event and never again; please end the mentoring.", Outcome.END),
        ("We've only met once, at the start; please end the mentoring.", Outcome.END),
        ("We met each Monday in November. Pause until January.", Outcome.PAUSE),
        ("Nos reunimos todos los lunes, pero queremos pausar hasta marzo.", Outcome.PAUSE),
        ("We met mid-November for an hour; please pause until March.", Outcome.PAUSE),
        ("We've been meeting weekly, but let's pause until March.", Outcome.PAUSE),
        ("We met before the summer. Pause until January.", Outcome.PAUSE),
        ("Nos reunimos cada semana pero queremos pausar hasta marzo.", Outcome.PAUSE),
        ("We had calls every week in November. Please end the mentoring.", Outcome.END),
        ("Yes we met on Monday. No we didn't. Please pause until March.", Outcome.PAUSE),
        ("We met on Monday. Not yet. Please end the mentoring.", Outcome.END),
    ],
)
def test_a_request_alone_logs_no_meeting(text: str, outcome: Outcome) -> None:
    """A bare "yes" may answer the request; no meeting is stated, or none a meeting report
    alone would log (counted, by month only, a habit, a plan, someone else's, by email,
    asked, contradicted)."""
    verdict = verdict_of(text)
    assert (verdict.outcome, verdict.meeting) == (outcome, None)


def test_a_meeting_beside_a_pause_answering_a_thank_you_needs_its_day() -> None:
    """To an email that asked nothing, an undated meeting is the one it names, as alone."""
    verdict = verdict_of("We met again. Please pause until January.", kind=Kind.THANKS)
    assert (verdict.outcome, verdict.meeting) == (Outcome.PAUSE, None)
    dated = verdict_of("We met again on Monday. Please pause until January.", kind=Kind.THANKS)
    assert (dated.outcome, dated.meeting) == (Outcome.PAUSE, logged(MONDAY))


@pytest.mark.parametrize(
    "text",
    [
        "Yes we met. Pause please.",
        "We met, and we'd like to pause until January.",
        "Wir haben uns getroffen und möchten bis Januar pausieren.",
        "We met last week and would like to pause until January.",
    ],
)
def test_an_undated_meeting_beside_a_pause_is_on_the_replys_date(text: str) -> None:
    """As "Yes we met" alone is: it answers the check-in. One that sums up the mentoring
    ("we met in November", "we've been meeting weekly") is not logged (above)."""
    assert verdict_of(text).meeting == logged(None)


@pytest.mark.parametrize(
    ("text", "meeting"),
    [
        ("End please. We met on Monday for 1h.", logged(MONDAY, 60)),
        ("End - we met on Monday, 1h", logged(MONDAY, 60)),
        ("We met on Monday, 1h. End.", logged(MONDAY, 60)),
        ("We haven't met. End.", None),
        ("Not yet. End please", None),
        ("End. We met twice.", None),
    ],
)
def test_the_end_offered_beside_a_meeting_logs_both(
    text: str, meeting: ReportedMeeting | None
) -> None:
    """To the pause-or-end email, "End" as a statement of its own takes its offer, and the
    meeting the rest reports is logged too; before, the meeting made it a plain meeting
    report and the end was lost, and an "End" after "We haven't met" was "not met", which
    nudged the pair again."""
    verdict = verdict_of(text, kind=Kind.PAUSE_OR_END)
    assert (verdict.outcome, verdict.meeting) == (Outcome.END, meeting)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("We met on Monday. Please end it.", Outcome.UNCLEAR),
        ("Please end it, we met on Monday for 1h", Outcome.UNCLEAR),
        ("We met on Monday, 1h. Stop please.", Outcome.UNCLEAR),
        ("Please end it.", Outcome.END),
        ("We met on Monday, we'll stop here", Outcome.MEETING),
        ("Wir haben uns am Montag getroffen. Bitte beenden.", Outcome.UNCLEAR),
        ("Nos vimos el lunes. Terminar, por favor.", Outcome.UNCLEAR),
        ("Bitte beenden.", Outcome.END),
        ("Arrêter svp.", Outcome.END),
    ],
)
def test_a_short_request_to_end_beside_a_meeting_is_for_a_person(
    text: str, outcome: Outcome
) -> None:
    """ "Please end it" or "stop please" beside a meeting's report may end the mentoring or
    only the emails; before, the meeting was logged and the request lost. A short sign-off
    ("we'll stop here") still only closes the letter."""
    assert verdict_of(text).outcome is outcome


@pytest.mark.parametrize(
    ("text", "outcome", "meeting", "until"),
    [
        (
            "yes, we met on Monday (about 1h). We both have a lot going on at the moment so "
            "could you pause us until the 3rd of March?",
            Outcome.PAUSE,
            logged(MONDAY, 60),
            date(2027, 3, 3),
        ),
        (
            "We met this week on Tuesday, 1h, and would like a break until 10 January.",
            Outcome.PAUSE,
            logged(date(2026, 11, 24), 60),
            date(2027, 1, 10),
        ),
        (
            "We spoke on Monday and agreed to end things here",
            Outcome.END,
            logged(MONDAY),
            None,
        ),
        ("The mentoring has run its course. Please close it.", Outcome.END, None, None),
        ("Please close it.", Outcome.END, None, None),
        ("We met on Monday. The mentoring has run its course.", Outcome.UNCLEAR, None, None),
        ("She is sick, so can we pause until March?", Outcome.PAUSE, None, date(2027, 3, 1)),
        (
            "We met on Monday. I'd like a break from these emails though, they're a bit frequent.",
            Outcome.MEETING,
            logged(MONDAY),
            None,
        ),
        ("We'd like a break.", Outcome.PAUSE, None, None),
        ("We met, so did you stop the reminders?", Outcome.UNCLEAR, None, None),
    ],
)
def test_requests_in_other_words_are_not_lost_beside_a_meeting(
    text: str, outcome: Outcome, meeting: ReportedMeeting | None, until: date | None
) -> None:
    """Each of these requests went unread, so beside a meeting the reply was a plain
    meeting report and the request was lost: a request asked after a reason ("..., so could
    you pause us"), "would like a break", "agreed to end things here", "the mentoring has
    run its course", "please close it". A question about what we did is still no request."""
    verdict = verdict_of(text)
    assert (verdict.outcome, verdict.meeting, verdict.pause_until) == (outcome, meeting, until)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("End? We met on Monday", Outcome.MEETING),
        ("We met on Monday. End of story.", Outcome.MEETING),
    ],
)
def test_an_end_asked_or_in_other_words_takes_no_offer(text: str, outcome: Outcome) -> None:
    """ "End?" asks, and "End of story" is no answer to the pause-or-end email."""
    assert verdict_of(text, kind=Kind.PAUSE_OR_END).outcome is outcome
