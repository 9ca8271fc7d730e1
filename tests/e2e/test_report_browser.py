"""The HTML report opened in a real headless Chromium: what a coordinator sees, and no network.

The report is written to a file and loaded from file://, as a coordinator would open it.
Chromium resolves no host name here, and the helper reads its net log for any request the
page made, so "self-contained" is checked by the browser rather than by reading the HTML.
"""

from __future__ import annotations

import struct
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reminder_service.core.model import MeetingRecord, PairHistory, Person, Program, Status
from reminder_service.report import report_html
from tests.support.browser import Element, Rendered, chromium_or_skip, parse_html, render
from tests.unit.strategies import make_pair, make_program

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WINDOW = (1200, 1400)
LOGO = '<img alt="logo" src="http://report.invalid/logo.png">'


def _meeting(meeting_id: int, pair_id: str, met_on: date, minutes: int | None) -> MeetingRecord:
    logged_at = datetime.combine(met_on, datetime.min.time(), tzinfo=UTC)
    return MeetingRecord(meeting_id, pair_id, met_on, minutes, "ana@example.org", logged_at)


PROGRAM: Program = replace(
    make_program(
        replace(
            make_pair("ana-ben", cadence="monthly", started=date(2024, 9, 10)),
            mentor=Person(name="Ana Lopez", email="ana@example.org"),
            mentee=Person(name="Ben <b>Ruiz</b>", email="ben@example.org"),
        ),
        make_pair("cy-dee", cadence="monthly", started=date(2026, 1, 5)),
        make_pair(
            "eve-fox",
            cadence="monthly",
            started=date(2025, 6, 1),
            status=Status.PAUSED,
            paused_until=date(2027, 1, 15),
        ),
    ),
    name="Bridges Mentoring",
)
MEETINGS = {
    "ana-ben": [
        _meeting(1, "ana-ben", date(2026, 3, 2), 90),
        _meeting(2, "ana-ben", date(2026, 3, 20), 30),
        _meeting(3, "ana-ben", date(2026, 9, 2), 60),
        _meeting(4, "ana-ben", date(2026, 11, 3), 45),
        _meeting(5, "ana-ben", date(2026, 11, 17), None),
    ],
    "cy-dee": [_meeting(6, "cy-dee", date(2026, 2, 10), 60)],
}
HISTORY = {
    "ana-ben": PairHistory(last_meeting=date(2026, 11, 17)),
    "cy-dee": PairHistory(last_meeting=date(2026, 2, 10)),
}


@pytest.fixture(scope="module")
def chromium() -> str:
    """The Chromium to render with (skips without one, fails in CI)."""
    return chromium_or_skip()


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report written to disk, as `report --format html --out FILE` leaves it."""
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(report_html(PROGRAM, HISTORY, MEETINGS, now=NOW), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rendered(
    chromium: str, report_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Rendered:
    """The report as Chromium loaded it, with a screenshot of the window."""
    return render(
        report_file, chromium=chromium, workdir=tmp_path_factory.mktemp("chromium"), window=WINDOW
    )


@pytest.fixture(scope="module")
def page(rendered: Rendered) -> Element:
    """The DOM Chromium built, as a tree to query."""
    return parse_html(rendered.dom)


def test_page_shows_the_program_totals(page: Element) -> None:
    """The top of the page gives pairs by status, meetings, hours, this year and overdue pairs."""
    assert page.find("h1").text() == "Bridges Mentoring"
    assert page.find("div", id="total-pairs").text() == "Pairs 3 2 active, 1 paused, 0 ended"
    assert page.find("div", id="total-meetings").text().startswith("Meetings 6 ")
    assert page.find("div", id="total-hours").text().startswith("Hours together about 5.8 ")
    assert page.find("div", id="total-year").text() == (
        "This year (2026) 6 meetings about 5.8 hours"
    )
    assert page.find("div", id="total-overdue").text().startswith("Overdue 1 ")


def test_page_has_a_row_per_pair(page: Element) -> None:
    """Every pair has a table row with its figures, and the overdue pair's row is marked."""
    rows = {row.attrs["data-pair"]: row for row in page.find("tbody").find_all("tr")}
    assert [cell.text() for cell in rows["ana-ben"].find_all("td")] == [
        "ana-ben Ana Lopez & Ben <b>Ruiz</b>",
        "10 Sep 2024",
        "5",
        "about 4.8",
        "17 Nov 2026",
        "active",
        "\N{EN DASH}",
    ]
    assert [cell.text() for cell in rows["cy-dee"].find_all("td")][2:] == [
        "1",
        "1.0",
        "10 Feb 2026",
        "active",
        str((date(2026, 11, 25) - date(2026, 3, 10)).days),
    ]
    assert rows["eve-fox"].find_all("td")[5].text() == "paused until 15 Jan 2027"
    assert [name for name, row in rows.items() if "overdue" in row.attrs.get("class", "")] == [
        "cy-dee"
    ]
    assert page.find_all("b") == []


def test_chart_has_one_mark_per_month_with_meetings(page: Element) -> None:
    """The inline SVG marks exactly the months with meetings, each titled with its count."""
    svg = page.find("svg")
    marks = {
        (row.attrs["data-pair"], mark.attrs["data-month"]): mark.find("title").text()
        for row in svg.find_all("g", class_="pair-row")
        for mark in row.find_all("g", class_="mark")
    }
    assert marks == {
        ("ana-ben", "2026-03"): "ana-ben: Ana Lopez & Ben <b>Ruiz</b>, March 2026: 2 meetings",
        ("ana-ben", "2026-09"): "ana-ben: Ana Lopez & Ben <b>Ruiz</b>, September 2026: 1 meeting",
        ("ana-ben", "2026-11"): "ana-ben: Ana Lopez & Ben <b>Ruiz</b>, November 2026: 2 meetings",
        ("cy-dee", "2026-02"): "cy-dee: Ada Mentor & Bo Mentee, February 2026: 1 meeting",
    }
    assert len(svg.find_all("rect", class_="empty")) == 3 * 12 - len(marks)
    assert svg.attrs["role"] == "img"
    assert svg.find("title", id="chart-title").text().startswith("Meetings per month and pair")


def test_page_loads_nothing_from_the_network(report_file: Path, rendered: Rendered) -> None:
    """The file names no web address, the browser requested nothing and refused nothing."""
    html = report_file.read_text(encoding="utf-8")
    assert "http://" not in html
    assert "https://" not in html
    assert rendered.page_requests == ()
    assert rendered.console == ()


def test_screenshot_is_the_whole_window(rendered: Rendered) -> None:
    """Chromium painted the page into a PNG of the window's size."""
    assert rendered.screenshot is not None
    header = rendered.screenshot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == WINDOW


@pytest.fixture
def with_logo(report_file: Path, tmp_path: Path) -> Path:
    """The report with a remote image added, as a careless edit of the page might add one."""
    path = tmp_path / "with-logo.html"
    html = report_file.read_text(encoding="utf-8")
    path.write_text(html.replace("</main>", f"{LOGO}</main>"), encoding="utf-8")
    return path


def test_page_policy_refuses_remote_content(chromium: str, with_logo: Path, tmp_path: Path) -> None:
    """Even with a remote image in it, the report's policy stops the browser fetching it."""
    result = render(with_logo, chromium=chromium, workdir=tmp_path)
    assert result.page_requests == ()
    assert any("http://report.invalid/logo.png" in message for message in result.console)


def test_helper_sees_requests_a_page_makes(chromium: str, tmp_path: Path) -> None:
    """Without the policy the same image is requested, and the helper reports the request."""
    page = tmp_path / "plain.html"
    page.write_text(f"<!DOCTYPE html><title>plain</title>{LOGO}", encoding="utf-8")
    result = render(page, chromium=chromium, workdir=tmp_path)
    assert result.page_requests == ("http://report.invalid/logo.png",)
