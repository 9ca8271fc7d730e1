"""`report`: per pair, started, meetings, hours, last meeting, status and days overdue."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path

from reminder_service.commands.output import EXIT_OK
from reminder_service.core.model import MeetingRecord
from reminder_service.errors import ConfigError
from reminder_service.program import load_program
from reminder_service.report import pair_reports, report_csv, report_html_parts
from reminder_service.settings import load_settings
from reminder_service.store import SqliteStore, read_only_if_present


def report(args: argparse.Namespace) -> int:
    """Write the report as CSV or one self-contained HTML page, to a file or standard output."""
    settings = load_settings()
    program = load_program(settings.config)
    now = args.now or datetime.now(UTC)
    with (
        read_only_if_present(settings.database) as store,
        store.one_view() if store else nullcontext(),
    ):
        histories = store.pair_histories(now=now) if store else {}
        meetings: Mapping[str, Sequence[MeetingRecord]] = _MeetingsByPair(store) if store else {}
        if args.format == "html":
            parts: Iterable[str] = report_html_parts(program, histories, meetings, now=now)
        else:
            parts = [report_csv(pair_reports(program, histories, meetings, now=now))]
    if args.out is None:
        sys.stdout.writelines(parts)
        return EXIT_OK
    try:
        with Path(args.out).open("w", encoding="utf-8") as out:
            out.writelines(parts)
    except OSError as exc:
        raise ConfigError(f"cannot write the report to {args.out}: {exc.strerror}") from exc
    print(f"Report on {len(program.pairs)} pairs written to {args.out}.")
    return EXIT_OK


class _MeetingsByPair(Mapping[str, Sequence[MeetingRecord]]):
    """Each pair's meetings, read from the store when asked for: the report needs one
    pair's at a time, so the log is never held whole (a million meetings at 100,000 pairs
    for a year)."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store

    def __getitem__(self, pair_id: str) -> Sequence[MeetingRecord]:
        records = self._store.meeting_records(pair_id=pair_id)
        if not records:
            raise KeyError(pair_id)
        return records

    def __iter__(self) -> Iterator[str]:
        return iter(self._store.meeting_pair_ids())

    def __len__(self) -> int:
        return len(self._store.meeting_pair_ids())
