"""The coordinator's report: rows per pair, the CSV, and the HTML page's totals, chart and table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder_service.core.model import (
    MeetingRecord,
    PairHistory,
    Person,
    Program,
    ReplyStatus,
    Status,
)
from reminder_service.report import (
    PairReport,
    hours_text,
    pair_reports,
    report_csv,
    report_html,
)
from tests.support.browser import Element, parse_html

from .strategies import make_pair, make_program

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
REPLIED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NO_DAYS = "\N{EN DASH}"


def _meeting(
    meeting_id: int,
    pair_id: str,
    met_on: date,
    minutes: int | None = 60,
    *,
    removed: bool = False,
) -> MeetingRecord:
    return MeetingRecord(
        id=meeting_id,
        pair_id=pair_id,
        met_on=met_on,
        duration_minutes=minutes,
        reported_by="ada@example.org",
        logged_at=datetime.combine(met_on, datetime.min.time(), tzinfo=UTC),
        removed_at=NOW if removed else None,
    )


def _program() -> Program:
    """Two pairs that met (one overdue since), a reply-set pause, and a pair ended in the YAML."""
    return replace(
        make_program(
            replace(
                make_pair("ana-ben", cadence="monthly", started=date(2024, 9, 10)),
                mentor=Person(name="Ana Lopez", email="ana@example.org"),
                mentee=Person(name="Ben <script>alert(1)</script>", email="ben@example.org"),
            ),
            make_pair("cy-dee", cadence="monthly", started=date(2026, 1, 5)),
            make_pair("eve-fox", cadence="monthly", started=date(2025, 6, 1)),
            make_pair("gil-hoa", cadence="monthly", started=date(2023, 2, 1), status=Status.ENDED),
        ),
        name="Bridges & Ladders",
        default_meeting_minutes=60,
    )


MEETINGS = {
    "ana-ben": [
        _meeting(1, "ana-ben", date(2026, 11, 3), 45),
        _meeting(2, "ana-ben", date(2026, 11, 17), None),
        _meeting(3, "ana-ben", date(2026, 3, 2), 90),
        _meeting(4, "ana-ben", date(2026, 10, 1), 60, removed=True),
        _meeting(5, "ana-ben", date(2025, 11, 30), 30),
    ],
    "cy-dee": [_meeting(6, "cy-dee", date(2026, 2, 10), 60)],
    "gil-hoa": [_meeting(7, "gil-hoa", date(2025, 12, 1), 120)],
}
HISTORY = {
    "ana-ben": PairHistory(last_meeting=date(2026, 11, 17)),
    "cy-dee": PairHistory(last_meeting=date(2026, 2, 10)),
    "eve-fox": PairHistory(
        reply_status=ReplyStatus(status=Status.PAUSED, until=date(2027, 1, 15), set_at=REPLIED_AT)
    ),
}


def _rows() -> list[PairReport]:
    return pair_reports(_program(), HISTORY, MEETINGS, now=NOW)


def _page(program: Program | None = None, *, now: datetime = NOW) -> Element:
    program = program or _program()
    return parse_html(report_html(program, HISTORY, MEETINGS, now=now))


def test_rows_count_meetings_hours_and_overdue_days() -> None:
    """A row counts the pair's kept meetings, minutes with the default, and the days overdue."""
    assert _rows() == [
        PairReport(
            pair_id="ana-ben",
            mentor="Ana Lopez",
            mentee="Ben <script>alert(1)</script>",
            started=date(2024, 9, 10),
            status="active",
            meetings=4,
            minutes=45 + 60 + 90 + 30,
            approximate=True,
            last_meeting=date(2026, 11, 17),
            days_overdue=0,
            state=Status.ACTIVE,
        ),
        PairReport(
            pair_id="cy-dee",
            mentor="Ada Mentor",
            mentee="Bo Mentee",
            started=date(2026, 1, 5),
            status="active",
            meetings=1,
            minutes=60,
            approximate=False,
            last_meeting=date(2026, 2, 10),
            days_overdue=(date(2026, 11, 25) - date(2026, 3, 10)).days,
            state=Status.ACTIVE,
        ),
        PairReport(
            pair_id="eve-fox",
            mentor="Ada Mentor",
            mentee="Bo Mentee",
            started=date(2025, 6, 1),
            status="paused until 15 Jan 2027 (by reply)",
            meetings=0,
            minutes=0,
            approximate=False,
            last_meeting=None,
            days_overdue=0,
            state=Status.PAUSED,
        ),
        PairReport(
            pair_id="gil-hoa",
            mentor="Ada Mentor",
            mentee="Bo Mentee",
            started=date(2023, 2, 1),
            status="ended",
            meetings=1,
            minutes=120,
            approximate=False,
            last_meeting=date(2025, 12, 1),
            days_overdue=0,
            state=Status.ENDED,
        ),
    ]


def _reply(status: Literal[Status.PAUSED, Status.ENDED], until: date | None = None) -> PairHistory:
    return PairHistory(reply_status=ReplyStatus(status=status, until=until, set_at=REPLIED_AT))


@pytest.mark.parametrize(
    ("yaml", "history", "words", "state"),
    [
        pytest.param({}, PairHistory(), "active", Status.ACTIVE, id="active"),
        pytest.param(
            {"status": Status.PAUSED}, PairHistory(), "paused", Status.PAUSED, id="yaml-pause"
        ),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2026, 12, 1)},
            PairHistory(),
            "paused until 1 Dec 2026",
            Status.PAUSED,
            id="yaml-pause-until",
        ),
        pytest.param(
            {"status": Status.PAUSED, "paused_until": date(2026, 10, 1)},
            PairHistory(),
            "active",
            Status.ACTIVE,
            id="yaml-pause-over",
        ),
        pytest.param(
            {},
            _reply(Status.PAUSED),
            "paused (by reply)",
            Status.PAUSED,
            id="reply-pause",
        ),
        pytest.param(
            {},
            _reply(Status.PAUSED, date(2026, 11, 20)),
            "active",
            Status.ACTIVE,
            id="reply-pause-over",
        ),
        pytest.param({}, _reply(Status.ENDED), "ended (by reply)", Status.ENDED, id="reply-end"),
        pytest.param(
            {"status": Status.ENDED},
            _reply(Status.PAUSED, date(2027, 1, 1)),
            "ended",
            Status.ENDED,
            id="yaml-end-wins",
        ),
        pytest.param(
            {"ended_on": date(2026, 11, 1)},
            _reply(Status.PAUSED, date(2027, 1, 1)),
            "ended",
            Status.ENDED,
            id="yaml-ended-on-wins",
        ),
    ],
)
def test_status_in_words(
    yaml: dict[str, Any], history: PairHistory, words: str, state: Status
) -> None:
    """The status is the effective one, naming a pause's end and saying when set by reply."""
    pair = make_pair("ada-bo", cadence="monthly", started=date(2026, 1, 5), **yaml)
    [row] = pair_reports(make_program(pair), {"ada-bo": history}, {}, now=NOW)
    assert (row.status, row.state) == (words, state)


def test_paused_and_ended_pairs_are_never_overdue() -> None:
    """A pair silent by YAML or by reply has 0 days overdue however long ago it last met."""
    pairs = [
        make_pair("paused", cadence="weekly", started=date(2025, 1, 1), status=Status.PAUSED),
        make_pair("ended", cadence="weekly", started=date(2025, 1, 1), status=Status.ENDED),
        make_pair("by-reply", cadence="weekly", started=date(2025, 1, 1)),
    ]
    history = {"by-reply": _reply(Status.ENDED)}
    rows = pair_reports(make_program(*pairs), history, {}, now=NOW)
    assert [row.days_overdue for row in rows] == [0, 0, 0]


def test_rows_refuse_a_naive_now() -> None:
    """A report needs to know which clock `now` was read from."""
    with pytest.raises(ValueError, match="aware"):
        pair_reports(_program(), HISTORY, MEETINGS, now=NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("minutes", "places", "text"),
    [(0, 2, "0.00"), (45, 2, "0.75"), (90, 1, "1.5"), (9, 1, "0.2"), (3, 1, "0.1"), (1, 2, "0.02")],
)
def test_hours_round_halves_up(minutes: int, places: int, text: str) -> None:
    """Hours are exact decimal fractions of minutes, with halves rounded up (9 min is 0.2 h)."""
    assert hours_text(minutes, places=places) == text


def test_csv_exact_output() -> None:
    """The CSV has a header, ISO dates, two-place hours, and quotes or defuses awkward names."""
    rows = [
        PairReport(
            pair_id="ana-ben",
            mentor="Lopez, Ana",
            mentee='Ben "Benny" Ruiz',
            started=date(2024, 9, 10),
            status="paused until 15 Jan 2027 (by reply)",
            meetings=4,
            minutes=225,
            approximate=True,
            last_meeting=date(2026, 11, 17),
            days_overdue=0,
        ),
        PairReport(
            pair_id="-cy",
            mentor="=HYPERLINK(1)",
            mentee="@dee",
            started=date(2026, 1, 5),
            status="active",
            meetings=0,
            minutes=0,
            approximate=False,
            last_meeting=None,
            days_overdue=12,
        ),
    ]
    assert report_csv(rows) == (
        "Pair,Mentor,Mentee,Started,Meetings,Hours,Hours estimated,Last meeting,Status,"
        "Days overdue\n"
        'ana-ben,"Lopez, Ana","Ben ""Benny"" Ruiz",2024-09-10,4,3.75,yes,2026-11-17,'
        "paused until 15 Jan 2027 (by reply),0\n"
        "'-cy,'=HYPERLINK(1),'@dee,2026-01-05,0,0.00,no,,active,12\n"
    )


def test_csv_of_no_pairs_is_the_header() -> None:
    """A program without pairs still gets the header line."""
    assert report_csv([]).count("\n") == 1


def test_html_escapes_names() -> None:
    """A name with markup is printed as text, never as a tag."""
    html = report_html(_program(), HISTORY, MEETINGS, now=NOW)
    assert "<script" not in html
    assert "Ben &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Bridges &amp; Ladders" in html
    row = parse_html(html).find("tr", data_pair="ana-ben")
    assert "Ana Lopez & Ben <script>alert(1)</script>" in row.text()


def test_html_loads_nothing() -> None:
    """The page names no web address and its security policy forbids loading anything."""
    html = report_html(_program(), HISTORY, MEETINGS, now=NOW)
    assert "http://" not in html
    assert "https://" not in html
    policy = parse_html(html).find("meta", http_equiv="Content-Security-Policy")
    assert policy.attrs["content"].startswith("default-src 'none';")


def test_html_totals() -> None:
    """The top of the page has pairs by status, meetings, hours, this year's figures and overdue."""
    page = _page()
    assert page.find("div", id="total-pairs").text() == "Pairs 4 2 active, 1 paused, 1 ended"
    assert page.find("div", id="total-meetings").text().startswith("Meetings 6 ")
    # 225 + 60 + 120 minutes, one meeting without a length.
    assert page.find("div", id="total-hours").text().startswith("Hours together about 6.8 ")
    # 2026: 3 Mar 90, 3 Nov 45, 17 Nov 60 (default) for ana-ben; 10 Feb 60 for cy-dee.
    assert page.find("div", id="total-year").text() == (
        "This year (2026) 4 meetings about 4.3 hours"
    )
    assert page.find("div", id="total-overdue").text().startswith("Overdue 1 ")


def test_html_table_highlights_overdue_pairs() -> None:
    """Each pair has a row with its figures; only the overdue one is marked overdue."""
    page = _page()
    cells = {
        row.attrs["data-pair"]: [cell.text() for cell in row.find_all("td")]
        for row in page.find_all("tr")
        if "data-pair" in row.attrs
    }
    assert cells == {
        "ana-ben": [
            "ana-ben Ana Lopez & Ben <script>alert(1)</script>",
            "10 Sep 2024",
            "4",
            "about 3.8",
            "17 Nov 2026",
            "active",
            NO_DAYS,
        ],
        "cy-dee": [
            "cy-dee Ada Mentor & Bo Mentee",
            "5 Jan 2026",
            "1",
            "1.0",
            "10 Feb 2026",
            "active",
            "260",
        ],
        "eve-fox": [
            "eve-fox Ada Mentor & Bo Mentee",
            "1 Jun 2025",
            "0",
            "0.0",
            "none yet",
            "paused until 15 Jan 2027 (by reply)",
            NO_DAYS,
        ],
        "gil-hoa": [
            "gil-hoa Ada Mentor & Bo Mentee",
            "1 Feb 2023",
            "1",
            "2.0",
            "1 Dec 2025",
            "ended",
            NO_DAYS,
        ],
    }
    overdue = [row.attrs["data-pair"] for row in page.find_all("tr", class_="overdue")]
    assert overdue == ["cy-dee"]


def _chart_counts(page: Element) -> dict[str, dict[str, int]]:
    """pair id -> {month: count} read from the chart's marks."""
    return {
        row.attrs["data-pair"]: {
            mark.attrs["data-month"]: int(mark.attrs["data-count"])
            for mark in row.find_all("g", class_="mark")
        }
        for row in page.find("svg").find_all("g", class_="pair-row")
    }


def test_chart_counts_kept_meetings_of_the_last_12_months() -> None:
    """The chart marks each month with meetings in the last 12, leaving out disputed ones."""
    assert _chart_counts(_page()) == {
        "ana-ben": {"2026-03": 1, "2026-11": 2},
        "cy-dee": {"2026-02": 1},
        "eve-fox": {},
        "gil-hoa": {"2025-12": 1},
    }


def test_chart_marks_say_their_numbers() -> None:
    """Each mark's title and printed number give the count; the chart's title names the months."""
    svg = _page().find("svg")
    assert svg.find("title", id="chart-title").text() == (
        "Meetings per month and pair, December 2025 to November 2026"
    )
    row = svg.find("g", data_pair="ana-ben")
    november = row.find("g", data_month="2026-11")
    assert november.find("title").text() == (
        "ana-ben: Ana Lopez & Ben <script>alert(1)</script>, November 2026: 2 meetings"
    )
    assert november.find("text").text() == "2"
    description = svg.find("desc").text()
    assert "ana-ben: Ana Lopez & Ben <script>alert(1)</script>: 2 in November 2026, " in (
        description
    )
    assert "eve-fox: Ada Mentor & Bo Mentee: no meetings." in description


def test_chart_months_follow_the_program_time_zone() -> None:
    """On 1 December in Auckland while it is still November in UTC, December is the last column."""
    program = replace(_program(), timezone=ZoneInfo("Pacific/Auckland"))
    evening_in_utc = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    page = _page(program, now=evening_in_utc)
    heads = [text.text() for text in page.find_all("text", class_="month")]
    assert heads[-1] == "Dec"
    assert len(heads) == 12


meeting_lists = st.lists(
    st.tuples(
        st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 25)),
        st.one_of(st.none(), st.integers(min_value=1, max_value=300)),
        st.booleans(),
    ),
    max_size=30,
)


@settings(max_examples=50)
@given(meeting_lists)
def test_chart_adds_up_to_the_meetings_of_the_window(
    drawn: Sequence[tuple[date, int | None, bool]],
) -> None:
    """Per month, the chart's counts equal the pair's kept meetings in the last 12 months."""
    program = make_program(make_pair("ada-bo", cadence="monthly", started=date(2024, 1, 1)))
    meetings = {
        "ada-bo": [
            _meeting(index, "ada-bo", met_on, minutes, removed=removed)
            for index, (met_on, minutes, removed) in enumerate(drawn)
        ]
    }
    page = parse_html(report_html(program, {}, meetings, now=NOW))
    expected = Counter(
        f"{met_on:%Y-%m}"
        for met_on, _, removed in drawn
        if not removed and met_on >= date(2025, 12, 1)
    )
    assert _chart_counts(page) == {"ada-bo": dict(expected)}


class _CountedReads(Mapping[str, Sequence[MeetingRecord]]):
    """Meetings that count how often each pair's are asked for, as the store would be read."""

    def __init__(self, meetings: Mapping[str, Sequence[MeetingRecord]]) -> None:
        self._meetings = meetings
        self.reads: Counter[str] = Counter()

    def __getitem__(self, pair_id: str) -> Sequence[MeetingRecord]:
        self.reads[pair_id] += 1
        return self._meetings[pair_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._meetings)

    def __len__(self) -> int:
        return len(self._meetings)


def test_html_reads_each_pairs_meetings_once() -> None:
    """The page's rows, totals and chart come from one read of each pair's meetings (the
    store's, at 100,000 pairs), and the page is the one the meetings held whole give."""
    program = _program()
    counted = _CountedReads(MEETINGS)

    page = report_html(program, HISTORY, counted, now=NOW)

    assert counted.reads == Counter(pair.id for pair in program.pairs)
    assert page == report_html(program, HISTORY, dict(MEETINGS), now=NOW)


def test_html_of_a_program_without_pairs() -> None:
    """A program with no pairs yet still gets a page, with zeros and an empty chart."""
    program = replace(_program(), pairs=())
    page = parse_html(report_html(program, {}, {}, now=NOW))
    assert page.find("div", id="total-pairs").text() == "Pairs 0 0 active, 0 paused, 0 ended"
    assert page.find("svg").find_all("g", class_="pair-row") == []
    assert page.find("tbody").find_all("tr") == []
