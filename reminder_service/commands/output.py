"""How commands print: aligned tables, CSV, an email for people, and reading the database."""

from __future__ import annotations

import csv
import difflib
import itertools
import json
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import TypeVar

from reminder_service.report import spreadsheet_safe
from reminder_service.store import SqliteStore, read_only_if_present
from reminder_service.unsafe_characters import unsafe_to_show

_T = TypeVar("_T")

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
PAIRS_LISTED = 20
"""The most pair ids an error about an unknown id lists: a program may have 100,000."""
"""As argparse exits for a command line it cannot accept."""


def busy_database(database: Path, *, unchanged: str) -> str:
    """What a command that changes the database says when its lock stayed taken: the holder
    is usually the running service, busy for a moment (starting up, planning), rarely a
    second copy, which its instance lock keeps from starting."""
    return (
        f"The database {database} was busy, most likely with the running service (while it "
        f"starts up or plans emails). {unchanged} Try again in a moment."
    )


def unknown_pair_hint(pair_id: str, ids: Sequence[str], *, listed_up_to: int = 0) -> str:
    """What to try instead of a pair id that is not one of `ids`: the nearest of them, else
    the ids themselves when there are at most `listed_up_to`, else `check`, which lists
    them."""
    near = difflib.get_close_matches(pair_id, ids, n=1)
    if near:
        return f"did you mean {near[0]!r}?"
    if ids and len(ids) <= listed_up_to:
        return f"its pairs are {', '.join(ids)}."
    return '"reminder-service check" lists the pairs.'


def printable(text: str) -> str:
    """The text with every character a terminal would act on rather than show (control
    characters, bidi overrides, other invisible formatting) replaced by U+FFFD, and other
    spaces (the no-break spaces French puts before "?" and ":") shown as plain spaces.

    Every command prints text that came in a reply (senders, subjects, Message-IDs, the
    reply itself) through here, so a hostile message cannot drive the coordinator's terminal.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(_shown(ch) for ch in text)


def _shown(ch: str) -> str:
    if ch.isprintable():
        return ch
    return "\N{REPLACEMENT CHARACTER}" if unsafe_to_show(ch) else " "


def json_text(value: object) -> str:
    """`value` as indented JSON, non-ASCII text readable, and each character `printable`
    would replace written as a `\\u` escape: the terminal shows it, the data stays exact."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    if text.isascii() and text.replace("\n", "").isprintable():
        return text
    shown = printable(text)
    return "".join(
        ch if ch in (kept, "\n") else json.dumps(ch)[1:-1]
        for ch, kept in zip(text, shown, strict=True)
    )


def print_json_list(items: Iterable[object]) -> None:
    """The items as `json_text` prints a list of them, printed one at a time as they come,
    so that a long list is never held whole."""
    sys.stdout.write("[")
    before = "\n"
    for item in items:
        sys.stdout.write(before + textwrap.indent(json_text(item), "  "))
        before = ",\n"
    sys.stdout.write("]\n" if before == "\n" else "\n]\n")


def table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """Rows as left-aligned columns two spaces apart, under a header; cells `printable`."""
    return "\n".join(_table_lines(rows, header, _widths(rows, header)))


def print_table(
    rows: Iterable[tuple[str, ...]], header: tuple[str, ...], *, again: Iterable[tuple[str, ...]]
) -> None:
    """`table` of `rows`, printed a row at a time so that a long table is never held whole:
    `rows` gives the columns' widths, then `again`, the same rows read a second time, the
    lines."""
    for line in _table_lines(again, header, _widths(rows, header)):
        print(line)


def _widths(rows: Iterable[tuple[str, ...]], header: tuple[str, ...]) -> list[int]:
    widths = [len(cell) for cell in header]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    return widths


def _table_lines(
    rows: Iterable[tuple[str, ...]], header: tuple[str, ...], widths: Sequence[int]
) -> Iterator[str]:
    for row in itertools.chain([header], rows):
        yield "  ".join(
            printable(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()


def print_csv(records: Iterable[Mapping[str, object]], *, fields: Sequence[str]) -> None:
    """The records as CSV with a header, text cells `printable` and defused as `report`
    defuses them, and yes or no for true or false, as in `report`."""
    writer = csv.DictWriter(sys.stdout, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows({field: _csv_cell(value) for field, value in r.items()} for r in records)


def _csv_cell(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return spreadsheet_safe(printable(value)) if isinstance(value, str) else value


def size_text(size: int) -> str:
    """A size in bytes as people read it: kB below a megabyte, else MB."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} kB"
    return f"{size / 1_000_000:.1f} MB"


def readable(message: object) -> str:
    assert isinstance(message, EmailMessage)
    names = ("From", "To", "Cc", "Reply-To", "Subject")
    headers = [f"{name}: {message[name]}" for name in names if message[name] is not None]
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    return "\n".join(headers) + "\n\n" + str(text)


def stored(database: Path, read: Callable[[SqliteStore], list[_T]]) -> list[_T]:
    """What `read` returns from the database, or an empty list when there is none yet."""
    with read_only_if_present(database) as store:
        return read(store) if store else []
