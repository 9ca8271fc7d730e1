"""The whole relationship loop: replies in, thank-yous, nudges and notices out (issue 4).

Each test drives the daemon as it runs: replies are written to the emails the SMTP test
server received, read by the real `understand()` and recorded in a real SQLite file; the
daemon then plans and sends, and the test checks what the server received. Only the clock
is fake, and it moves in big steps. The program is in Europe/London, so times are local.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from email.headerregistry import Address
from textwrap import indent
from zoneinfo import ZoneInfo

from reminder_service.core.due import planned_checkins
from reminder_service.core.model import Program, Status
from reminder_service.core.replies.verdict import Outcome
from reminder_service.daemon import Daemon
from reminder_service.program import parse_program
from tests.support.loop import Harness, Mail, every

LONDON = ZoneInfo("Europe/London")
ANA = Address("Ana Lima", addr_spec="ana@example.org")
BEN = Address("Ben Ong", addr_spec="ben@example.org")
DANA = "dana@example.org"
BOTH = {"ana@example.org", "ben@example.org"}
QUIET = "digest: off\nanniversaries: false"
"""Program settings that keep the coordinator's digest and anniversaries out of the way."""
ANA_BEN = """\
- id: ana-ben
  mentor: {name: Ana Lima, email: ana@example.org}
  mentee: {name: Ben Ong, email: ben@example.org}
  started: 2026-03-02
"""
"""A weekly pair that started on Monday 2 March 2026: check-ins on Mondays at 09:00."""
CY_DEE = """\
- id: cy-dee
  mentor: {name: Cy Diaz, email: cy@example.org}
  mentee: {name: Dee Evans, email: dee@example.org}
  started: 2026-03-02
"""
DEE = Address("Dee Evans", addr_spec="dee@example.org")
DIGEST_ON = 'digest: {day: monday, at: "08:00"}'
WEEK = timedelta(weeks=1)
HOUR = timedelta(hours=1)


def program(*, settings: str = QUIET, pairs: str = ANA_BEN) -> Program:
    """A small program in London with weekly check-ins at 09:00, unless a pair says otherwise."""
    text = (
        "program:\n"
        "  name: Test Mentoring\n"
        "  coordinator: {name: Dana Okafor, email: dana@example.org}\n"
        "  timezone: Europe/London\n"
        '  defaults: {cadence: weekly, send_at: "09:00"}\n'
        f"{indent(settings, '  ')}\n"
        "pairs:\n"
        f"{indent(pairs, '  ')}"
    )
    return parse_program(text, file="program.yaml")


def at(day: str, clock: str = "09:00") -> datetime:
    """The instant of a London wall-clock time."""
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=LONDON)


def daily(first: str, last: str, clock: str = "09:00") -> list[datetime]:
    """The same London wall-clock time on every day from `first` to `last`."""
    return every(timedelta(days=1), start=at(first, clock), until=at(last, clock))


def kinds(mails: list[Mail]) -> list[str]:
    return [mail.kind for mail in mails]


def words(text: str) -> str:
    """`text` with every run of white space made one space, so line wrapping does not matter."""
    return " ".join(text.split())


def line_with(text: str, label: str) -> str:
    """The value on the line of `text` that starts with `label` ("Meetings:   2" -> "2")."""
    found = re.search(rf"^\s*{re.escape(label)}\s*(.+)$", text, re.MULTILINE)
    assert found is not None, f"no {label!r} line in:\n{text}"
    return found[1].strip()


async def first_checkin(harness: Harness, loaded: Program) -> tuple[Daemon, Mail]:
    """Start the daemon when the pair's first weekly check-in is due, and send it."""
    harness.clock.current = at("2026-03-09")
    daemon = harness.daemon(loaded, max_per_minute=1000)
    [checkin] = await harness.tick(daemon)
    assert checkin.kind == "checkin"
    return daemon, checkin


async def test_a_meeting_is_thanked_confirmed_once_and_counts_for_the_next_checkin(
    harness: Harness,
) -> None:
    """A meeting report brings one thank-you and one confirmation; the cadence restarts from it."""
    daemon, checkin = await first_checkin(harness, program())
    harness.clock.current = at("2026-03-12", "10:00")
    verdict = harness.answer(daemon, checkin, "Yes, we met yesterday for 45 minutes.", sender=ANA)
    assert verdict.outcome is Outcome.MEETING

    confirmation, thanks = sorted(await harness.tick(daemon), key=lambda mail: mail.kind)
    assert (thanks.kind, thanks.to, thanks.cc) == ("thanks", {ANA.addr_spec}, {BEN.addr_spec})
    assert "Wednesday 11 March (45 minutes)" in thanks.text
    assert line_with(thanks.text, "Meetings:") == "1"
    assert line_with(thanks.text, "Time invested:") == "45 minutes"
    assert (confirmation.kind, confirmation.to, confirmation.cc) == (
        "confirmation",
        {BEN.addr_spec},
        set(),
    )
    assert "Ana logged your meeting on Wednesday 11 March (45 minutes)" in confirmation.text
    assert "Reply NO" in confirmation.text

    assert await harness.tick(daemon) == []
    assert await harness.run(daemon, daily("2026-03-13", "2026-03-17")) == []
    [nextone] = await harness.run(daemon, [at("2026-03-18")])
    assert nextone.kind == "checkin"
    assert "since you last met, on Wednesday 11 March 2026" in nextone.text
    [meeting] = harness.store.meeting_records(pair_id="ana-ben")
    assert (meeting.met_on, meeting.duration_minutes) == (date(2026, 3, 11), 45)


async def test_a_meeting_without_a_length_is_thanked_with_about_and_the_default(
    harness: Harness,
) -> None:
    """A meeting reported without a length counts at the program's default, as "about"."""
    loaded = program(settings=f"{QUIET}\ndefault_meeting_minutes: 30")
    daemon, checkin = await first_checkin(harness, loaded)
    harness.clock.current = at("2026-03-10", "18:00")
    harness.answer(daemon, checkin, "We met yesterday.", sender=BEN)

    confirmation, thanks = sorted(await harness.tick(daemon), key=lambda mail: mail.kind)
    assert (thanks.to, thanks.cc) == ({ANA.addr_spec}, {BEN.addr_spec})
    assert line_with(thanks.text, "Time invested:") == "about 30 minutes"
    assert confirmation.to == {ANA.addr_spec}
    assert "Ben logged your meeting on Monday 9 March." in confirmation.text


async def test_a_no_to_the_confirmation_removes_the_meeting_and_restores_the_schedule(
    harness: Harness,
) -> None:
    """A NO to the confirmation removes the meeting, tells the coordinator, restores the plan."""
    loaded = program()
    daemon, checkin = await first_checkin(harness, loaded)
    horizon = at("2026-04-30")
    before = planned_checkins(
        loaded, harness.store.pair_histories(), now=harness.clock.now(), until=horizon
    )
    harness.clock.current = at("2026-03-12", "10:00")
    harness.answer(daemon, checkin, "Yes, we met yesterday for 45 minutes.", sender=ANA)
    [confirmation] = [mail for mail in await harness.tick(daemon) if mail.kind == "confirmation"]

    harness.clock.current = at("2026-03-12", "19:30")
    verdict = harness.answer(daemon, confirmation, "No", sender=BEN)
    assert verdict.outcome is Outcome.DISPUTE
    [notice] = await harness.tick(daemon)
    assert (notice.kind, notice.to, notice.cc) == ("dispute_notice", {DANA}, set())
    assert "ana-ben" in notice.subject
    assert "Wednesday 11 March, 45 minutes" in notice.text
    assert harness.store.meeting_records() == []

    after = planned_checkins(
        loaded, harness.store.pair_histories(), now=harness.clock.now(), until=horizon
    )
    assert after == before
    assert after[0].period == date(2026, 3, 16)
    assert await harness.run(daemon, daily("2026-03-13", "2026-03-15")) == []
    [reminder] = await harness.run(daemon, [at("2026-03-16")])
    assert reminder.kind == "reminder"


async def test_not_yet_gets_one_gentle_follow_up_after_the_programs_delay(
    harness: Harness,
) -> None:
    """After a "not yet" at noon, one follow-up goes to both at the pair's 09:00 sending
    time follow_up_after later, and no second one."""
    monthly = ANA_BEN + "  cadence: monthly\n"
    loaded = program(settings=f"{QUIET}\nfollow_up_after: 10 days", pairs=monthly)
    harness.clock.current = at("2026-04-02")
    daemon = harness.daemon(loaded, max_per_minute=1000)
    [checkin] = await harness.tick(daemon)

    harness.clock.current = at("2026-04-03", "12:00")
    verdict = harness.answer(
        daemon, checkin, "Not yet, we are planning to meet next week.", sender=BEN
    )
    assert verdict.outcome is Outcome.NOT_MET
    assert await harness.tick(daemon) == []
    assert await harness.run(daemon, daily("2026-04-04", "2026-04-12", "12:00")) == []
    assert await harness.run(daemon, [at("2026-04-13", "08:59")]) == []

    [follow_up] = await harness.run(daemon, [at("2026-04-13", "09:00")])
    assert (follow_up.kind, follow_up.to, follow_up.cc) == ("follow_up", BOTH, set())
    assert "gentle follow-up" in follow_up.text
    later = await harness.run(daemon, daily("2026-04-14", "2026-05-02"))
    assert kinds(later) == ["reminder"]
    assert later[0].sent_at == at("2026-05-02")


async def test_the_ladder_climbs_one_email_per_period_and_restarts_repeat_none(
    harness: Harness,
) -> None:
    """Unanswered periods bring a check-in, reminders, then "pause or end?"; one each, once."""
    loaded = program()
    mondays = [at("2026-03-09") + timedelta(weeks=week) for week in range(5)]
    harness.clock.current = at("2026-03-08", "12:00")
    daemon = harness.daemon(loaded, max_per_minute=1000)
    arrived: list[Mail] = []
    for monday in mondays:
        ticks = [monday - timedelta(minutes=1), monday, monday + timedelta(hours=2)]
        arrived += await harness.run(daemon, ticks)
        daemon = harness.daemon(loaded, max_per_minute=1000)
        daemon.recover()
        rest_of_week = every(
            timedelta(hours=10), start=monday + timedelta(hours=3), until=monday + WEEK - HOUR
        )
        arrived += await harness.run(daemon, rest_of_week)

    assert kinds(arrived) == ["checkin", "reminder", "reminder", "pause_or_end", "pause_or_end"]
    assert [mail.sent_at for mail in arrived] == mondays
    assert all(mail.to == BOTH for mail in arrived)
    assert [mail.cc for mail in arrived] == [set(), set(), {DANA}, set(), set()]
    assert "Dana Okafor, who coordinates the program, is in copy" in words(arrived[2].text)
    assert [row.key for row in harness.store.outbox()] == [
        f"checkin:ana-ben:{monday:%Y-%m-%d}" for monday in mondays
    ]


async def test_a_pause_by_reply_is_quiet_until_its_date_then_welcomes_them_back(
    harness: Harness,
) -> None:
    """A reply pause stops period emails until its date; then a welcome-back, then the cadence."""
    daemon, checkin = await first_checkin(harness, program())
    harness.clock.current = at("2026-03-10", "10:00")
    verdict = harness.answer(
        daemon, checkin, "Please pause until 1 May, I am travelling.", sender=BEN
    )
    assert (verdict.outcome, verdict.pause_until) == (Outcome.PAUSE, date(2026, 5, 1))
    assert await harness.run(daemon, daily("2026-03-10", "2026-04-30", "10:00")) == []
    assert await harness.run(daemon, [at("2026-05-01", "08:59")]) == []

    [welcome] = await harness.run(daemon, [at("2026-05-01")])
    assert (welcome.kind, welcome.to, welcome.cc) == ("welcome_back", BOTH, set())
    assert "Welcome back" in welcome.subject
    assert await harness.run(daemon, daily("2026-05-02", "2026-05-07")) == []
    resumed = await harness.run(daemon, [at("2026-05-08"), at("2026-05-15")])
    assert kinds(resumed) == ["checkin", "reminder"]


async def test_a_pause_beside_a_meeting_thanks_for_the_meeting_then_is_quiet(
    harness: Harness,
) -> None:
    """ "We met yesterday for an hour and would like to pause until 1 May": the meeting is
    logged and thanked for, and the pause holds until its date."""
    daemon, checkin = await first_checkin(harness, program())
    harness.clock.current = at("2026-03-12", "10:00")
    verdict = harness.answer(
        daemon,
        checkin,
        "We met yesterday for an hour and would like to pause until 1 May.",
        sender=BEN,
    )
    assert (verdict.outcome, verdict.pause_until) == (Outcome.PAUSE, date(2026, 5, 1))
    [meeting] = harness.store.meeting_records()
    assert (meeting.met_on, meeting.duration_minutes) == (date(2026, 3, 11), 60)
    assert sorted(kinds(await harness.tick(daemon))) == ["confirmation", "thanks"]
    assert await harness.run(daemon, daily("2026-03-13", "2026-04-30", "10:00")) == []
    [welcome] = await harness.run(daemon, [at("2026-05-01")])
    assert welcome.kind == "welcome_back"


async def test_an_end_beside_a_meeting_counts_it_in_the_farewell(harness: Harness) -> None:
    """ "We met yesterday for an hour. Please end the mentoring.": the farewell's totals hold
    that last meeting."""
    daemon, checkin = await first_checkin(harness, program(settings="digest: off"))
    harness.clock.current = at("2026-03-12", "10:00")
    verdict = harness.answer(
        daemon, checkin, "We met yesterday for an hour. Please end the mentoring.", sender=BEN
    )
    assert verdict.outcome is Outcome.END
    notice, farewell = sorted(await harness.tick(daemon), key=lambda mail: mail.kind)
    assert (notice.kind, farewell.kind) == ("ended_notice", "farewell")
    assert "you had 1 meeting, 1 hour in all." in words(farewell.text)
    assert await harness.run(daemon, daily("2026-03-13", "2026-06-30")) == []


async def test_an_ended_status_in_the_yaml_wins_over_a_pause_by_reply(harness: Harness) -> None:
    """When the YAML ends a pair that paused by reply, nothing is sent, not even a welcome-back."""
    daemon, checkin = await first_checkin(harness, program())
    harness.clock.current = at("2026-03-10", "10:00")
    harness.answer(daemon, checkin, "Please pause until 1 May.", sender=BEN)
    daemon.program = program(pairs=ANA_BEN + "  status: ended\n")
    assert await harness.run(daemon, daily("2026-03-11", "2026-07-31")) == []


async def test_ending_by_reply_sends_a_farewell_and_a_notice_then_nothing_ever(
    harness: Harness,
) -> None:
    """An end by reply brings a farewell with totals and the coordinator's notice, then silence."""
    loaded = program(settings="digest: off\nanniversaries: true")
    daemon, checkin = await first_checkin(harness, loaded)
    harness.clock.current = at("2026-03-12", "10:00")
    harness.answer(daemon, checkin, "Yes, we met yesterday for 45 minutes.", sender=ANA)
    assert sorted(kinds(await harness.tick(daemon))) == ["confirmation", "thanks"]
    [second] = await harness.run(daemon, daily("2026-03-13", "2026-03-18"))

    harness.clock.current = at("2026-03-19", "10:00")
    verdict = harness.answer(daemon, second, "We'd like to end our mentorship.", sender=BEN)
    assert verdict.outcome is Outcome.END
    notice, farewell = sorted(await harness.tick(daemon), key=lambda mail: mail.kind)
    assert (farewell.kind, farewell.to, farewell.cc) == ("farewell", BOTH, set())
    assert "Over 2 weeks you had 1 meeting, 45 minutes in all." in words(farewell.text)
    assert (notice.kind, notice.to, notice.cc) == ("ended_notice", {DANA}, set())
    assert "status: ended" in notice.text
    history = harness.store.pair_histories()["ana-ben"]
    assert history.reply_status is not None
    assert history.reply_status.status is Status.ENDED

    assert await harness.run(daemon, daily("2026-03-20", "2027-03-31")) == []


async def test_skipping_a_round_makes_the_next_email_a_plain_checkin_a_cadence_later(
    harness: Harness,
) -> None:
    """After "skip this round", the next email is a check-in one period after the reply."""
    daemon, checkin = await first_checkin(harness, program())
    harness.clock.current = at("2026-03-10", "10:00")
    verdict = harness.answer(daemon, checkin, "Skip this round please, busy month.", sender=BEN)
    assert verdict.outcome is Outcome.SKIP
    after = await harness.run(daemon, daily("2026-03-11", "2026-03-24"))
    assert kinds(after) == ["checkin", "reminder"]
    assert [mail.sent_at for mail in after] == [at("2026-03-17"), at("2026-03-24")]


async def test_a_29_february_start_has_one_anniversary_a_year_on_28_february(
    harness: Harness,
) -> None:
    """A pair started on 29 February is thanked once a year, on 28 February (29th in leap years)."""
    leap = ANA_BEN.replace("2026-03-02", "2024-02-29") + "  cadence: quarterly\n"
    loaded = program(settings="digest: off", pairs=leap)
    days = ["2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"]
    moments = set(every(timedelta(days=6), start=at("2025-02-01"), until=at("2028-03-31")))
    for day in days:
        moments |= {at(day, "08:59"), at(day), at(day, "09:01"), at(day, "23:00")}
        moments |= set(every(timedelta(hours=11), start=at(day), until=at(day) + timedelta(days=9)))
    harness.clock.current = at("2025-02-01", "00:00")
    daemon = harness.daemon(loaded, max_per_minute=1000)

    arrived = await harness.run(daemon, sorted(moments))
    anniversaries = [mail for mail in arrived if mail.kind == "anniversary"]
    assert [mail.sent_at for mail in anniversaries] == [at(day) for day in days]
    assert all((mail.to, mail.cc) == (BOTH, set()) for mail in anniversaries)
    assert [mail.subject.split(" of mentoring")[0] for mail in anniversaries] == [
        "1 year",
        "2 years",
        "3 years",
        "4 years",
    ]


async def test_the_digest_lists_meetings_and_overdue_pairs_on_its_day_and_only_with_news(
    harness: Harness,
) -> None:
    """On Monday 08:00 the coordinator hears what happened, once; a quiet week sends nothing."""
    monthly = "  cadence: monthly\n"
    pairs = (ANA_BEN + monthly + CY_DEE + monthly).replace("2026-03-02", "2026-02-09")
    loaded = program(settings=f"{DIGEST_ON}\nanniversaries: false", pairs=pairs)
    harness.clock.current = at("2026-03-09")
    daemon = harness.daemon(loaded, max_per_minute=1000)
    ana_ben, cy_dee = sorted(await harness.tick(daemon), key=lambda mail: min(mail.to))
    # Wednesday: Monday's digest was decided (nothing to say); this news waits for next week.
    harness.clock.current = at("2026-03-11", "12:00")
    harness.answer(daemon, ana_ben, "We met yesterday for an hour.", sender=ANA)
    week = await harness.run(daemon, daily("2026-03-12", "2026-03-16", "07:59"))
    assert sorted(kinds(week)) == ["confirmation", "thanks"]

    [digest] = await harness.run(daemon, [at("2026-03-16", "08:00")])
    assert (digest.kind, digest.to, digest.cc) == ("digest", {DANA}, set())
    text = words(digest.text)
    assert "Meetings logged (1)" in text
    assert "ana-ben (Ana Lima and Ben Ong): Tuesday 10 March 2026, 1 hour" in text
    assert "Pairs that have not met on schedule (1)" in text
    assert "cy-dee (Cy Diaz and Dee Evans): 7 days overdue" in text
    restarted = harness.daemon(loaded, max_per_minute=1000)
    restarted.recover()
    assert await harness.run(restarted, [at("2026-03-16", "08:30")]) == []

    harness.clock.current = at("2026-03-17", "10:00")
    harness.answer(restarted, cy_dee, "We met on Monday for 30 minutes.", sender=DEE)
    week = await harness.run(restarted, daily("2026-03-18", "2026-03-23", "07:59"))
    assert sorted(kinds(week)) == ["confirmation", "thanks"]
    [digest] = await harness.run(restarted, [at("2026-03-23", "08:00")])
    text = words(digest.text)
    assert "cy-dee (Cy Diaz and Dee Evans): Monday 16 March 2026, 30 minutes" in text
    assert "ana-ben" not in text
    assert "not met on schedule" not in text
    assert await harness.run(restarted, daily("2026-03-23", "2026-04-06", "08:30")) == []


async def test_news_after_a_quiet_digest_moment_waits_for_next_weeks_digest(
    harness: Harness,
) -> None:
    """A digest with nothing to say at its moment is not sent later that week when news comes."""
    pairs = (ANA_BEN + "  cadence: monthly\n").replace("2026-03-02", "2026-02-09")
    loaded = program(settings=f"{DIGEST_ON}\nanniversaries: false", pairs=pairs)
    harness.clock.current = at("2026-03-09")
    daemon = harness.daemon(loaded, max_per_minute=1000)
    [checkin] = await harness.tick(daemon)
    harness.clock.current = at("2026-03-10", "10:00")
    harness.answer(daemon, checkin, "We met yesterday for an hour.", sender=ANA)

    assert sorted(kinds(await harness.tick(daemon))) == ["confirmation", "thanks"]
    assert await harness.run(daemon, daily("2026-03-11", "2026-03-16", "07:59")) == []
    [digest] = await harness.run(daemon, [at("2026-03-16", "08:00")])
    assert "Monday 9 March 2026, 1 hour" in words(digest.text)


async def test_an_unclear_reply_gets_the_question_back_in_its_thread(harness: Harness) -> None:
    """A reply nobody can read gets one short question back, to its sender, threaded under it."""
    daemon, checkin = await first_checkin(harness, program())
    harness.clock.current = at("2026-03-10", "10:00")
    verdict = harness.answer(daemon, checkin, "Hmm, can you call me?", sender=BEN)
    assert verdict.outcome is Outcome.UNCLEAR
    [question] = await harness.tick(daemon)
    assert (question.kind, question.to, question.cc) == ("question", {BEN.addr_spec}, set())
    assert question.message["In-Reply-To"] == verdict.message_id
