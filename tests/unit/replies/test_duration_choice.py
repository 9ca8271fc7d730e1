"""Which length in a reply is the meeting's: never a time ago or the length of something
else, the first one reported, and the forms "1:15", "1hr15", "y cuarto", "3/4"."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.replies.durations import duration
from reminder_service.core.replies.head import Head
from reminder_service.core.replies.verdict import verdict_json
from tests.unit.replies.reply_mail import verdict_of


def _meeting(text: str) -> Any:
    """The meeting `understand` reads from a reply to a check-in, as JSON."""
    verdict = verdict_json(verdict_of(text))
    assert verdict["outcome"] == "meeting", verdict
    return verdict["meeting"]


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("We met 2 hours ago", None),
        ("Wir haben uns vor 2 Stunden getroffen", None),
        ("On s'est vus il y a deux heures", None),
        ("Nos vimos hace dos horas", None),
        ("We met an hour ago, for 45 minutes", 45),
        ("She was 10 minutes late but we met for an hour on Monday", 60),
        ("Bo has a 2 hour commute so we met online yesterday for 30 min", 30),
        ("We met yesterday. Bo lives 2 hours away", None),
        ("Met Monday, 1:15", None),
        ("Met Monday 1hr15", 75),
        ("Sí, el lunes, una hora y cuarto", 75),
        ("Ja, 3/4 Stunde am Montag", 45),
        ("Ja, am Montag 3/4 Stunde", 45),
        ("Yes, a 15-minute call yesterday", 15),
        ("Yes, 2 weeks ago, for an hour", 60),
        ("Ja, Montag anderthalb Stunden", 90),
        ("Oui, lundi, une heure et demie", 90),
        ("Sí, el lunes, una hora y media", 90),
        ("Met Monday for an hour and a half", 90),
        ("Met Monday, 1h30", 90),
        ("Met Monday, 90 mins", 90),
        ("Met 24.11, 1.5h", 90),
        ("We met for 1:15", 75),
        ("We met on Monday at 1:15", None),
        ("Wir haben uns am Montag um 14:30 getroffen", None),
        ("We met at 1:15 for 45 min", 45),
        ("Met Monday for 1 1/2 hours", 90),
    ],
)
def test_the_meeting_gets_its_own_length(text: str, minutes: int | None) -> None:
    """A reply's meeting gets the length tied to it, never a time ago or another length."""
    assert _meeting(text)["duration_minutes"] == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Met Monday, 40 mins. She was stuck in traffic for 20 minutes first", 40),
        ("We met yesterday, 30 min. I prepared for an hour beforehand.", 30),
        (
            "Yes, 45 minutes on Tuesday. We spent 10 minutes on her CV and the rest on interviews.",
            45,
        ),
        ("Yes, 45 min, and we also chatted for 10 minutes", 45),
        ("We met for an hour early on Tuesday", 60),
        ("We met for an hour late Tuesday evening", 60),
        ("Met for 1 hour early this week", 60),
    ],
)
def test_the_first_length_reported_wins_over_later_ones(text: str, minutes: int) -> None:
    """The first length the reply reports is the meeting's, and "early on Tuesday" is a time."""
    assert _meeting(text)["duration_minutes"] == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("we met about 2 hours ago", None),
        ("vor etwa 2 Stunden getroffen", None),
        ("we met an hour and a half ago", None),
        ("we met 45 minutes", 45),
        ("a 30-minute call yesterday", 30),
        ("wir haben uns eine Stunde lang getroffen", 60),
        ("on s'est vus pendant une heure", 60),
        ("nos vimos durante una hora", 60),
        ("met yesterday for 45 minutes, he lives 2 hours away", 45),
        ("met for 20 min, Bo was 5 minutes late", 20),
        ("met Monday, 2:30", None),
        ("the meeting lasted 2:30", 150),
        ("met Monday 1 h 15", 75),
        ("an hour and a quarter", 75),
        ("une heure et quart", 75),
        ("1 3/4 hours", 105),
        ("1/4 Stunde", 15),
        ("yes, met Monday, 1h. Bo has an exam of 3 hours", 60),
        ("yes. Bo has an exam of 3 hours, then 2 hours of work", None),
        ("1 hour", 60),
        ("from 1:15 to 2:30", 75),
        ("met at 1:15pm", None),
        ("met Monday 1:30-2:30pm", 60),
        ("met Monday 1:30 to 2:30", None),
        ("stuck in traffic for 20 minutes, then 40 minutes of prep", None),
        ("a 30-minute call, then 2 hours of homework", 30),
        ("she arrived 10 minutes early. we met for an hour", 60),
        ("bo was 5 minutes late but we talked for 30 min", 30),
        ("we met for an hour late in the evening", 60),
        ("met for 45 minutes early that morning", 45),
        ("met for 45 minutes early monday", 45),
        ("she was 10 minutes late on monday but we met for an hour", 60),
        ("bo was 15 minutes early this morning, we met for 45 min", 45),
    ],
)
def test_duration_chooses_among_lengths(text: str, minutes: int | None) -> None:
    """`duration` skips times ago, of something else and of day, and takes the first reported."""
    assert duration(Head.of(text)) == minutes


@pytest.mark.parametrize(
    ("vulgar", "slashed", "minutes"),
    [
        ("we met for \u00be hour", "we met for 3/4 hour", 45),
        ("we met for \u00bc hour", "we met for 1/4 hour", 15),
        ("we met for \u00bd an hour", "we met for 1/2 an hour", 30),
        ("we met for \u00bdh", "we met for 1/2h", 30),
        ("we met for \u2153 hour", "we met for 1/3 hour", 20),
        ("we met for \u2154 h", "we met for 2/3 h", 40),
        ("we met for 1\u00bc hours", "we met for 1 1/4 hours", 75),
        ("we met for 1 \u00bc hours", "we met for 1 1/4 hours", 75),
        ("we met for 1\u2154 hours", "we met for 1 2/3 hours", 100),
        ("we met for 3\u20444 h", "we met for 3/4 h", 45),
        ("we met for 1 3\u20444 hours", "we met for 1 3/4 hours", 105),
        ("we met for \u00be of an hour", "we met for 3/4 of an hour", 45),
        ("wir haben uns \u00be Stunde getroffen", "wir haben uns 3/4 Stunde getroffen", 45),
        ("on s'est vus \u00bc d'heure", "on s'est vus 1/4 d'heure", 15),
    ],
)
def test_a_fraction_of_an_hour_is_read_alike_in_any_script(
    vulgar: str, slashed: str, minutes: int
) -> None:
    """ "\u00be", "3\u20444" (fraction slash) and "3/4" give one length, alone or after hours."""
    assert duration(Head.of(vulgar)) == duration(Head.of(slashed)) == minutes


_HOUR_FRACTIONS = {
    15: ("1/4", "\u00bc"),
    20: ("1/3", "\u2153"),
    30: ("1/2", "\u00bd"),
    40: ("2/3", "\u2154"),
    45: ("3/4", "\u00be"),
}
"""Minutes past the hour that people write as a fraction, typed and as one character."""


def _forms(minutes: int) -> list[str]:
    """Ways people write a meeting of `minutes` that the parser reads."""
    hours, rest = divmod(minutes, 60)
    forms = [f"{minutes} min", f"{minutes} minutes"]
    if rest in _HOUR_FRACTIONS:
        whole = str(hours) if hours else ""
        slashed, vulgar = _HOUR_FRACTIONS[rest]
        forms += [f"{whole} {slashed} hour".lstrip(), f"{whole}{vulgar} hour"]
    if hours and not rest:
        forms += [f"{hours} hours", f"{hours}h"]
    if hours and rest >= 10:
        forms += [f"{hours}h{rest}", f"{hours}hr{rest}"]
    if hours <= 2 and rest >= 10:
        forms.append(f"{hours}:{rest}")
    return forms


_TEMPLATES = (
    "we met for {length}",
    "Bo was {k} minutes late, but we met for {length}",
    "we met {k} hours ago, for {length}",
    "we met for {length}. Bo was {k} minutes late",
    "Bo was {k} minutes late. we met for {length}",
    "we met for {length}, {k} hours ago",
    "we met for {length}. Bo was stuck in traffic for {k} minutes",
    "we met for {length} early on Tuesday",
)


@given(
    st.integers(1, 720).flatmap(lambda m: st.tuples(st.just(m), st.sampled_from(_forms(m)))),
    st.sampled_from(_TEMPLATES),
    st.integers(1, 11),
)
def test_a_late_start_or_a_time_ago_never_changes_the_length(
    length: tuple[int, str], template: str, k: int
) -> None:
    """For any length "we met for <m>" gives m, whatever lateness, time or later length is added."""
    minutes, written = length
    assert duration(Head.of(template.format(length=written, k=k))) == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("We spent 10 minutes rescheduling and then met Thursday for an hour.", 60),
        ("Waited 15 minutes, then we met for an hour.", 60),
        ("After a 3-hour workshop we met for 20 minutes.", 20),
        ("We met properly for 1h after 20 minutes of waiting.", 60),
        (
            "We chatted for 5 min in the corridor on Monday and then met properly for 1h on"
            " Tuesday.",
            None,
        ),
    ],
)
def test_a_length_right_after_met_beats_others(text: str, minutes: int | None) -> None:
    """A length right after "met" is the meeting's; two different ones there give none."""
    assert duration(Head.of(text)) == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("Met Monday, 1h-1h30.", 60), ("Met Monday 14h-15h30.", 90)],
)
def test_a_range_of_lengths_within_an_hour_gives_its_first(text: str, minutes: int) -> None:
    """ "1h-1h30" is a range of lengths (its first is taken), "14h-15h30" a span of times."""
    assert duration(Head.of(text)) == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("We met 2 hours after her interview on Monday.", None),
        ("We met 20 minutes before her exam on Tuesday, quick pep talk.", None),
        ("We met 45 minutes' walk from her office on Monday.", None),
        ("Met 2h before the deadline on Monday to review, 45 min.", 45),
        ("Wir haben uns 2 Stunden nach ihrem Vortrag getroffen.", None),
        ("On s'est vus une heure avant son examen.", None),
        ("Nos vimos una hora después de su examen.", None),
        ("We met for an hour after work on Monday.", 60),
        ("We met for about 2 hours before her exam.", 120),
        ("Wir haben uns am Montag 1 Stunde vor Ort getroffen.", 60),
        ("Wir haben uns am Montag für eine Stunde nach der Arbeit getroffen.", 60),
        ("We met Monday: 45 minutes from 5pm.", 45),
        ("We met Monday, 1 hour from start to finish.", 60),
    ],
)
def test_an_offset_from_another_event_is_no_length(text: str, minutes: int | None) -> None:
    """A length before "after", "before" or "walk from" says when or where, unless after "for"
    (or "für"); a length "from 5pm" is still the meeting's."""
    assert duration(Head.of(text)) == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Yes, we met yesterday. Her commute is now 30 minutes.", None),
        ("Yes we met. Her presentation is 10 minutes long", None),
        ("Yes, we met on Monday. She runs 5k in 25 minutes now!", None),
        ("Yes, met Monday. She is working 4 hours a day on her portfolio", None),
        ("We met Monday. We're meeting again on Friday for 2 hours.", None),
        ("We met on Monday and will meet again on Friday for 2 hours", None),
        ("We met on Monday. Ada suggested we meet for 45 minutes every two weeks.", None),
        ("Yes, we met on Monday. We're aiming for 1 hour sessions.", None),
        ("Yes, we met. About an hour.", 60),
        ("Yes, we met. I'd say about 45 minutes.", 45),
        ("We met Monday. It went well, about an hour.", 60),
        ("We met Tuesday. Her commute is 2 hours each way, so we did 30 min online", 30),
        ("Yes, met Monday. Went through his portfolio for an hour.", 60),
        ("Yes we met on Tuesday.\n45 minutes on interview prep.", 45),
        ("Yes, Monday. 1h discussing her interview.", 60),
        ("Oui, lundi. 1h sur son CV.", 60),
        ("Yes we had our next session on Monday for an hour.", 60),
        ("We met on Monday to plan the next steps for 1h.", 60),
        ("Yes, we met on Monday. Following up on what she suggested, 1 hour on networking.", 60),
    ],
)
def test_a_lone_length_of_someone_else_or_of_a_plan_is_not_the_meetings(
    text: str, minutes: int | None
) -> None:
    """The reply's only length is not the meeting's when its clause is about another person
    and reports no meeting, or follows a word of a plan in its clause: found by a reviewer
    as wrong lengths logged. Work on someone's things in the meeting is the meeting's."""
    assert _meeting(text)["duration_minutes"] == minutes
