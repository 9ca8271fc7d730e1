"""The one line the log gives each reply read (`intake.describe`)."""

from __future__ import annotations

from datetime import date

import pytest

from reminder_service.core.replies.verdict import Outcome, ReportedMeeting, Verdict
from reminder_service.intake import describe

MONDAY = ReportedMeeting(date=date(2026, 11, 23), date_stated=True, duration_minutes=60)
UNDATED = ReportedMeeting(date=date(2026, 11, 26), date_stated=False, duration_minutes=None)


@pytest.mark.parametrize(
    ("verdict", "line"),
    [
        (
            Verdict(Outcome.MEETING, pair_id="ada-bo", meeting=MONDAY),
            "meeting on 2026-11-23, 60 min, pair ada-bo",
        ),
        (
            Verdict(Outcome.MEETING, pair_id="ada-bo", meeting=UNDATED),
            "meeting on 2026-11-26 (the reply's date), pair ada-bo",
        ),
        (
            Verdict(Outcome.PAUSE, pair_id="ada-bo", pause_until=date(2027, 1, 1)),
            "pause until 2027-01-01, pair ada-bo",
        ),
        (
            Verdict(Outcome.PAUSE, pair_id="ada-bo", meeting=MONDAY, pause_until=date(2027, 1, 1)),
            "pause until 2027-01-01, and a meeting on 2026-11-23, 60 min, pair ada-bo",
        ),
        (
            Verdict(Outcome.END, pair_id="ada-bo", meeting=UNDATED),
            "end, and a meeting on 2026-11-26 (the reply's date), pair ada-bo",
        ),
        (Verdict(Outcome.NOT_MET, pair_id="ada-bo"), "not met, pair ada-bo"),
    ],
)
def test_a_request_beside_a_meeting_names_both(verdict: Verdict, line: str) -> None:
    """A pause or an end that also logs a meeting says so, so the log tells the whole of it."""
    assert describe(verdict) == line
