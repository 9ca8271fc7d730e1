"""The coordinator's report: how each relationship is going, as CSV or as one HTML page.

Rows are built from the core (effective status, totals, days overdue), so the report says
what the scheduler and the emails say. The HTML page is self-contained: inline CSS, the chart
as inline SVG drawn here rather than by a script, and a Content-Security-Policy that lets the
page load nothing at all, so it reads the same offline, attached to an email or on a stick.
Every value reaches the page through Jinja2's autoescaping.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from jinja2 import Environment, StrictUndefined

from reminder_service.core.due import overdue_pairs
from reminder_service.core.model import MeetingRecord, Pair, PairHistory, Program, Status, Totals
from reminder_service.core.status import effective_pair, state_in_yaml
from reminder_service.core.totals import relationship_totals
from reminder_service.core.wording import date_in_words, short_date_in_words

CSV_HEADER = (
    "Pair",
    "Mentor",
    "Mentee",
    "Started",
    "Meetings",
    "Hours",
    "Hours estimated",
    "Last meeting",
    "Status",
    "Days overdue",
)
CHART_MONTHS = 12
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class PairReport:
    """One pair's line in the report.

    `status` is the effective status in words ("paused until 3 Mar 2026 (by reply)");
    `state` is the same as a value, for counting pairs by status. `minutes` counts meetings
    without a reported length at the program's default, and `approximate` says so.
    """

    pair_id: str
    mentor: str
    mentee: str
    started: date
    status: str
    meetings: int
    minutes: int
    approximate: bool
    last_meeting: date | None
    days_overdue: int
    state: Status = Status.ACTIVE


def pair_reports(
    program: Program,
    history: Mapping[str, PairHistory],
    meetings: Mapping[str, Sequence[MeetingRecord]],
    *,
    now: datetime,
) -> list[PairReport]:
    """One row per pair of the program, in the program's order.

    `meetings` may include disputed (removed) meetings; they do not count. A pair missing
    from `history` or `meetings` has none. Raises ValueError when `now` is naive.
    """
    return [row for _, row, _ in _pairs_with_rows(program, history, meetings, now=now)]


def report_csv(rows: Sequence[PairReport]) -> str:
    """The rows as CSV with a header line: ISO dates, hours as a decimal with two places.

    Cells a spreadsheet would read as a formula (starting with =, +, - or @) are prefixed
    with an apostrophe, so a name can never run as one.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(_csv_cells(row) for row in rows)
    return buffer.getvalue()


def report_html(
    program: Program,
    history: Mapping[str, PairHistory],
    meetings: Mapping[str, Sequence[MeetingRecord]],
    *,
    now: datetime,
) -> str:
    """The report as one self-contained HTML page: totals, a chart of the last 12 months, table.

    Its rows are `pair_reports`'. Dates ("as of", "this year", the chart's months) are the
    program's local ones.
    """
    return "".join(report_html_parts(program, history, meetings, now=now))


def report_html_parts(
    program: Program,
    history: Mapping[str, PairHistory],
    meetings: Mapping[str, Sequence[MeetingRecord]],
    *,
    now: datetime,
) -> Iterator[str]:
    """`report_html`, in the parts the template makes, to be written as they come.

    At 100,000 pairs the page is about 390 MB, in millions of parts. `meetings` is read
    before this returns, each pair's once; what the page keeps of them is their count in
    each of the chart's months, and the chart's rows are made as they are written.
    """
    today = now.astimezone(program.timezone).date()
    months = _last_months(today)
    rows: list[PairReport] = []
    monthly: list[tuple[int, ...]] = []
    this_year: list[Totals] = []
    for pair, row, kept in _pairs_with_rows(program, history, meetings, now=now):
        rows.append(row)
        monthly.append(_month_counts(kept, months))
        this_year.append(
            relationship_totals(
                pair,
                [record for record in kept if record.met_on.year == today.year],
                today=today,
                default_minutes=program.default_meeting_minutes,
            )
        )
    return _TEMPLATE.generate(
        program=program.name,
        as_of=date_in_words(today),
        totals=_program_totals(rows, this_year, year=today.year),
        chart=_chart(rows, monthly, months=months),
        rows=(_table_row(row) for row in rows),
        default_minutes=program.default_meeting_minutes,
    )


def hours_text(minutes: int, *, places: int) -> str:
    """Minutes as hours with `places` decimals, rounding halves up: 45, 1 -> "0.8"."""
    exact = Decimal(minutes) / Decimal(60)
    return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _pairs_with_rows(
    program: Program,
    history: Mapping[str, PairHistory],
    meetings: Mapping[str, Sequence[MeetingRecord]],
    *,
    now: datetime,
) -> Iterator[tuple[Pair, PairReport, list[MeetingRecord]]]:
    """Each pair, its row and its meetings that count, read from `meetings` once."""
    overdue = {item.pair_id: item.days for item in overdue_pairs(program, history, now)}
    for pair in program.pairs:
        kept = _kept(meetings.get(pair.id, ()))
        row = _pair_report(
            pair,
            program=program,
            history=history.get(pair.id, PairHistory()),
            meetings=kept,
            days_overdue=overdue.get(pair.id, 0),
            today=now.astimezone(pair.timezone).date(),
        )
        yield pair, row, kept


def _kept(records: Sequence[MeetingRecord]) -> list[MeetingRecord]:
    """The meetings that count: those not removed by a dispute."""
    return [record for record in records if record.removed_at is None]


def _pair_report(
    pair: Pair,
    *,
    program: Program,
    history: PairHistory,
    meetings: Sequence[MeetingRecord],
    days_overdue: int,
    today: date,
) -> PairReport:
    effective = effective_pair(pair, history, today=today)
    totals = relationship_totals(
        pair, meetings, today=today, default_minutes=program.default_meeting_minutes
    )
    state = state_in_yaml(effective, today)
    return PairReport(
        pair_id=pair.id,
        mentor=pair.mentor.name,
        mentee=pair.mentee.name,
        started=pair.started,
        status=_status_in_words(pair, effective, state),
        meetings=totals.meetings,
        minutes=totals.minutes,
        approximate=totals.approximate,
        last_meeting=max((record.met_on for record in meetings), default=None),
        days_overdue=days_overdue,
        state=state,
    )


def _status_in_words(pair: Pair, effective: Pair, state: Status) -> str:
    """The status as the report prints it, saying when a pause or end was set by reply.

    "active", "paused", "paused until 3 Mar 2026", "ended", "ended (by reply)".
    """
    if state is Status.ACTIVE:
        return "active"
    words = state.value
    if state is Status.PAUSED and effective.paused_until is not None:
        words = f"paused until {short_date_in_words(effective.paused_until)}"
    return f"{words} (by reply)" if effective.status is not pair.status else words


def _csv_cells(row: PairReport) -> list[str | int]:
    return [
        spreadsheet_safe(row.pair_id),
        spreadsheet_safe(row.mentor),
        spreadsheet_safe(row.mentee),
        row.started.isoformat(),
        row.meetings,
        hours_text(row.minutes, places=2),
        "yes" if row.approximate else "no",
        row.last_meeting.isoformat() if row.last_meeting else "",
        row.status,
        row.days_overdue,
    ]


def spreadsheet_safe(text: str) -> str:
    """The text, defused if a spreadsheet would take it for a formula (an apostrophe first).

    Every CSV the service writes passes its text cells through here: the report's names,
    and the meeting log's Message-IDs and addresses, which come from strangers' mail.
    """
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


@dataclass(frozen=True, slots=True)
class _ProgramTotals:
    """The figures at the top of the page; hours already in words ("about 12.5")."""

    pairs: int
    by_status: str
    meetings: int
    hours: str
    year: int
    year_meetings: int
    year_hours: str
    overdue: int


@dataclass(frozen=True, slots=True)
class _TableRow:
    """A PairReport as the table prints it."""

    pair_id: str
    names: str
    started: str
    meetings: int
    hours: str
    last_meeting: str
    status: str
    days_overdue: int


def _program_totals(
    rows: Sequence[PairReport], this_year: Sequence[Totals], *, year: int
) -> _ProgramTotals:
    states = Counter(row.state for row in rows)
    return _ProgramTotals(
        pairs=len(rows),
        by_status=", ".join(f"{states[state]} {state.value}" for state in Status),
        meetings=sum(row.meetings for row in rows),
        hours=_hours_in_words(
            sum(row.minutes for row in rows), approximate=any(row.approximate for row in rows)
        ),
        year=year,
        year_meetings=sum(totals.meetings for totals in this_year),
        year_hours=_hours_in_words(
            sum(totals.minutes for totals in this_year),
            approximate=any(totals.approximate for totals in this_year),
        ),
        overdue=sum(1 for row in rows if row.days_overdue > 0),
    )


def _hours_in_words(minutes: int, *, approximate: bool) -> str:
    hours = hours_text(minutes, places=1)
    return f"about {hours}" if approximate else hours


def _table_row(row: PairReport) -> _TableRow:
    return _TableRow(
        pair_id=row.pair_id,
        names=f"{row.mentor} & {row.mentee}",
        started=short_date_in_words(row.started),
        meetings=row.meetings,
        hours=_hours_in_words(row.minutes, approximate=row.approximate),
        last_meeting=short_date_in_words(row.last_meeting) if row.last_meeting else "none yet",
        status=row.status,
        days_overdue=row.days_overdue,
    )


_LABEL_WIDTH = 200
_CELL = 40
_STEP = 44
_HEAD = 40
_LABEL_CHARS = 24
_SHADES = (
    ("#bfdbfe", "#0f172a"),
    ("#60a5fa", "#0f172a"),
    ("#2563eb", "#ffffff"),
    ("#1e3a8a", "#ffffff"),
)
"""Cell colour and number colour for 1, 2, 3 and 4 or more meetings in a month."""


@dataclass(frozen=True, slots=True)
class _MonthHead:
    """A column heading: the month's short name, and its year on the first column and January."""

    x: int
    month: str
    year: str


@dataclass(frozen=True, slots=True)
class _Cell:
    """One month of one pair; a cell with meetings is drawn as a mark with its count."""

    x: int
    month: str
    month_words: str
    count: int
    label: str
    fill: str
    ink: str


@dataclass(frozen=True, slots=True)
class _ChartRow:
    """One pair's row of the chart: its id (cut to fit, in full in the title) and 12 cells."""

    pair_id: str
    y: int
    label: str
    title: str
    cells: tuple[_Cell, ...]


@dataclass(frozen=True, slots=True)
class _Chart:
    """The heat-map grid: a row per pair, a column per month, the count in each marked cell.

    `rows` are made as the page is written: at 100,000 pairs they are 1.2 million cells."""

    width: int
    height: int
    cell: int
    title: str
    description: str
    months: tuple[_MonthHead, ...]
    rows: Iterator[_ChartRow]


def _chart(
    rows: Sequence[PairReport], monthly: Sequence[tuple[int, ...]], *, months: Sequence[date]
) -> _Chart:
    """The chart of `rows`, whose meetings in each of `months` are `monthly`'s counts."""
    return _Chart(
        width=_LABEL_WIDTH + len(months) * _STEP,
        height=_HEAD + len(rows) * _STEP,
        cell=_CELL,
        title=(
            f"Meetings per month and pair, {_month_in_words(months[0])} "
            f"to {_month_in_words(months[-1])}"
        ),
        description=" ".join(
            _row_description(row, counts, months=months)
            for row, counts in zip(rows, monthly, strict=True)
        ),
        months=tuple(
            _MonthHead(
                x=_column_x(index) + _CELL // 2,
                month=short_date_in_words(month).split()[1],
                year=str(month.year) if index == 0 or month.month == 1 else "",
            )
            for index, month in enumerate(months)
        ),
        rows=(
            _chart_row(row, counts, months=months, y=_HEAD + index * _STEP)
            for index, (row, counts) in enumerate(zip(rows, monthly, strict=True))
        ),
    )


def _month_counts(meetings: Sequence[MeetingRecord], months: Sequence[date]) -> tuple[int, ...]:
    """How many of `meetings` fell in each of `months` (given by their first days)."""
    counts = Counter(record.met_on.replace(day=1) for record in meetings)
    return tuple(counts[month] for month in months)


def _last_months(today: date) -> tuple[date, ...]:
    """The first days of the CHART_MONTHS months that end with today's month."""
    current = today.year * 12 + today.month - 1
    return tuple(
        date(index // 12, index % 12 + 1, 1)
        for index in range(current - CHART_MONTHS + 1, current + 1)
    )


def _month_in_words(month: date) -> str:
    """The month as people write it, "March 2026", in the same words whatever the locale."""
    return date_in_words(month).split(maxsplit=2)[2]


def _column_x(index: int) -> int:
    return _LABEL_WIDTH + index * _STEP


def _chart_row(
    row: PairReport, counts: Sequence[int], *, months: Sequence[date], y: int
) -> _ChartRow:
    title = _row_title(row)
    return _ChartRow(
        pair_id=row.pair_id,
        y=y,
        label=_shortened(row.pair_id),
        title=title,
        cells=tuple(
            _cell(title, month, count=count, x=_column_x(index))
            for index, (month, count) in enumerate(zip(months, counts, strict=True))
        ),
    )


def _row_title(row: PairReport) -> str:
    return f"{row.pair_id}: {row.mentor} & {row.mentee}"


def _shortened(text: str) -> str:
    """The text, cut to fit beside the chart; its row's <title> has all of it."""
    return text if len(text) <= _LABEL_CHARS else f"{text[: _LABEL_CHARS - 1]}…"


def _cell(title: str, month: date, *, count: int, x: int) -> _Cell:
    fill, ink = _SHADES[min(count, len(_SHADES)) - 1] if count else ("#eef1f5", "#0f172a")
    meetings = "1 meeting" if count == 1 else f"{count} meetings"
    month_key, month_words = _month_texts(month)
    return _Cell(
        x=x,
        month=month_key,
        month_words=month_words,
        count=count,
        label=f"{title}, {month_words}: {meetings}",
        fill=fill,
        ink=ink,
    )


@lru_cache(maxsize=CHART_MONTHS)
def _month_texts(month: date) -> tuple[str, str]:
    """ "2026-03" and "March 2026": made once for a month, not once per pair's cell."""
    return f"{month:%Y-%m}", _month_in_words(month)


def _row_description(row: PairReport, counts: Sequence[int], *, months: Sequence[date]) -> str:
    """The row in words, latest month first: "p1: Ana & Ben: 2 in March 2026."."""
    marked = [
        f"{count} in {_month_texts(month)[1]}"
        for month, count in zip(reversed(months), reversed(counts), strict=True)
        if count
    ]
    if not marked:
        return f"{_row_title(row)}: no meetings."
    return f"{_row_title(row)}: {', '.join(marked)}."


_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ program }}: mentoring report, {{ as_of }}</title>
<style>
body { margin: 0; padding: 24px; background: #f6f7f9; color: #1f2933;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; }
h1 { margin: 0; font-size: 26px; }
h2 { margin: 32px 0 12px; font-size: 19px; }
.as-of { margin: 4px 0 0; color: #52606d; }
.totals { display: flex; flex-wrap: wrap; gap: 12px; margin: 20px 0 0; padding: 0; }
.totals div { flex: 1 1 160px; background: #fff; border: 1px solid #dde2e8;
  border-radius: 8px; padding: 12px 16px; }
.totals dt { color: #52606d; font-size: 13px; }
.totals dd { margin: 2px 0 0; }
.totals .figure { font-size: 28px; font-weight: 600; }
.totals .detail { color: #52606d; font-size: 13px; }
.card { background: #fff; border: 1px solid #dde2e8; border-radius: 8px; padding: 16px;
  overflow-x: auto; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg text { font-family: inherit; font-size: 13px; fill: #1f2933; }
svg .year { font-size: 11px; fill: #52606d; }
svg .count { font-weight: 600; }
.legend { margin: 8px 0 0; color: #52606d; font-size: 13px; }
table { width: 100%; border-collapse: collapse; background: #fff; }
th, td { padding: 8px 10px; border-bottom: 1px solid #e4e7eb; text-align: left;
  vertical-align: top; }
th { font-size: 13px; color: #52606d; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
td.number, td.date { white-space: nowrap; }
.names { display: block; color: #52606d; font-size: 13px; }
tr.overdue td { background: #fff4e5; }
tr.overdue td:first-child { box-shadow: inset 4px 0 #d97706; }
tr.overdue .days { color: #9a3412; font-weight: 600; }
footer { margin-top: 24px; color: #52606d; font-size: 13px; }
</style>
</head>
<body>
<main>
<header>
<h1>{{ program }}</h1>
<p class="as-of">Mentoring report as of {{ as_of }}</p>
</header>

<section aria-labelledby="totals-heading">
<h2 id="totals-heading">The program at a glance</h2>
<dl class="totals">
<div id="total-pairs"><dt>Pairs</dt><dd class="figure">{{ totals.pairs }}</dd>
<dd class="detail">{{ totals.by_status }}</dd></div>
<div id="total-meetings"><dt>Meetings</dt><dd class="figure">{{ totals.meetings }}</dd>
<dd class="detail">since each pair started</dd></div>
<div id="total-hours"><dt>Hours together</dt><dd class="figure">{{ totals.hours }}</dd>
<dd class="detail">since each pair started</dd></div>
<div id="total-year"><dt>This year ({{ totals.year }})</dt>
<dd class="figure">{{ totals.year_meetings }}
{{ "meeting" if totals.year_meetings == 1 else "meetings" }}</dd>
<dd class="detail">{{ totals.year_hours }} hours</dd></div>
<div id="total-overdue"><dt>Overdue</dt><dd class="figure">{{ totals.overdue }}</dd>
<dd class="detail">pairs past their check-in date</dd></div>
</dl>
</section>

<section aria-labelledby="chart-heading">
<h2 id="chart-heading">Meetings per month</h2>
<div class="card">
<svg class="chart" width="{{ chart.width }}" height="{{ chart.height }}" \
viewBox="0 0 {{ chart.width }} {{ chart.height }}" role="img" \
aria-labelledby="chart-title chart-desc">
<title id="chart-title">{{ chart.title }}</title>
<desc id="chart-desc">{{ chart.description }}</desc>
{% for head in chart.months %}
<text class="month" x="{{ head.x }}" y="16" text-anchor="middle">{{ head.month }}</text>
{% if head.year %}
<text class="year" x="{{ head.x }}" y="32" text-anchor="middle">{{ head.year }}</text>
{% endif %}
{% endfor %}
{% for row in chart.rows %}
<g class="pair-row" data-pair="{{ row.pair_id }}">
<text class="pair" x="0" y="{{ row.y + chart.cell // 2 + 5 }}"><title>{{ row.title }}</title>\
{{ row.label }}</text>
{% for cell in row.cells %}
{% if cell.count %}
<g class="mark" data-month="{{ cell.month }}" data-count="{{ cell.count }}">\
<title>{{ cell.label }}</title>\
<rect x="{{ cell.x }}" y="{{ row.y }}" width="{{ chart.cell }}" height="{{ chart.cell }}" \
rx="4" fill="{{ cell.fill }}"/>\
<text class="count" x="{{ cell.x + chart.cell // 2 }}" y="{{ row.y + chart.cell // 2 + 5 }}" \
text-anchor="middle" style="fill: {{ cell.ink }}">{{ cell.count }}</text></g>
{% else %}
<rect class="empty" x="{{ cell.x }}" y="{{ row.y }}" width="{{ chart.cell }}" \
height="{{ chart.cell }}" rx="4" fill="{{ cell.fill }}"/>
{% endif %}
{% endfor %}
</g>
{% endfor %}
</svg>
<p class="legend">Each square is one month; the number is how many meetings the pair logged \
that month. Darker squares mean more meetings; grey means none.</p>
</div>
</section>

<section aria-labelledby="pairs-heading">
<h2 id="pairs-heading">Pairs</h2>
<div class="card">
<table>
<thead>
<tr><th scope="col">Pair</th><th scope="col">Started</th>\
<th scope="col" class="number">Meetings</th><th scope="col" class="number">Hours</th>\
<th scope="col">Last meeting</th><th scope="col">Status</th>\
<th scope="col" class="number">Days overdue</th></tr>
</thead>
<tbody>
{% for row in rows %}
<tr data-pair="{{ row.pair_id }}"{% if row.days_overdue %} class="overdue"{% endif %}>\
<td><strong>{{ row.pair_id }}</strong><span class="names">{{ row.names }}</span></td>\
<td class="date">{{ row.started }}</td><td class="number">{{ row.meetings }}</td>\
<td class="number">{{ row.hours }}</td><td class="date">{{ row.last_meeting }}</td>\
<td>{{ row.status }}</td>\
<td class="number days">\
{% if row.days_overdue %}{{ row.days_overdue }}{% else %}&ndash;{% endif %}</td></tr>
{% endfor %}
</tbody>
</table>
</div>
</section>

<footer>Hours count each meeting for the length its pair reported; a meeting reported \
without one counts as {{ default_minutes }} minutes, and the hours then say "about". \
Days overdue count from the date a pair's check-in fell due without a meeting since.</footer>
</main>
</body>
</html>
"""
_TEMPLATE = Environment(
    autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
).from_string(_PAGE)
