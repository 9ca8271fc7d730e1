"""The coordinator's program YAML -> a validated, immutable `Program`, with friendly errors.

Coordinators write one YAML file that describes the program and its pairs:

```yaml
program:
  name: Northwind Engineering Mentoring
  coordinator: {name: Dana Okafor, email: dana@northwind.example}
  timezone: Europe/London        # IANA name; the zone for pairs whose people give none
  defaults:                      # optional; each pair may override each setting
    cadence: monthly             # see "Cadences" below (required here or on every pair)
    send_at: "09:30"             # local time in the pair's zone, HH:MM, 24h (default "09:00")
    weekdays_only: true          # move check-ins off Saturdays and Sundays (default false)
  date_order: DMY                # how replies read "3/4": DMY 3 April, MDY 4 March (default DMY)
  keep_notes: false              # keep the text of meeting replies too (default false)
pairs:
  - id: ana-ben                  # stable, unique: 2-32 of a-z, 0-9 and '-', not starting with '-'
    mentor: {name: Ana Lima, email: ana@northwind.example, timezone: America/Sao_Paulo}
    mentee: {name: Ben Ong, email: ben@northwind.example}   # timezone is optional
    started: 2024-03-01
    cadence: every 2 weeks       # optional, overrides program.defaults
    send_at: "08:00"             # optional
    weekdays_only: false         # optional
    status: active               # active | paused | ended (default active)
    paused_until: 2027-01-15     # only with status paused; without it, paused until changed
    ended_on: 2026-06-30         # optional; when it ended, or a planned end for an active pair
    date_order: MDY              # optional, overrides program.date_order
```

Rules worth knowing:

- A pair's mail is timed in the mentee's time zone, else the mentor's, else the program's.
- Cadences: `weekly`, `every 2 weeks`, `monthly`, `every 6 weeks`, `quarterly`,
  `every 10 days`, `RRULE:FREQ=...`, and phases such as
  `monthly for 12 months, then quarterly`.
- Dates are written year-month-day (`2024-03-01`), quoted or not.
- Quote times and any text YAML could read as something else: unquoted `no`, `yes`, `on`,
  `off`, `true` and `false` are read as true/false, `010` and `0x1F` as numbers, `10:30`
  as the number 630, and `2024-01-01` as a date. The loader reports each of these with the
  quotes to add rather than guessing.
- Each key may appear once per section; anchors and aliases (`&name`, `*name`) are not
  supported (use `program.defaults` to share settings).
- Two pairs that have not ended may not have the same mentor and mentee. Given the pairs
  `known` to have email history (the database's check-ins), a known pair that the file no
  longer has may not come back under a new id that has no history: the id links a pair to
  its history. A pair never emailed may be renamed freely.
- Names may not contain line breaks or other control characters, and are at most 200
  characters long: they end up in email headers.

Every problem is reported at once as `file:line: field: message`, where the field is a path
such as `pairs[3].mentee.email` (pairs are counted from 0, in file order).

This module holds the file's sections, the rules across fields, the conversion to the core
model and the problems; `yaml_source` reads the YAML and `program_fields` checks each value.
"""

from __future__ import annotations

import difflib
import gc
import re
from array import array
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError
from pydantic_core import ErrorDetails

from reminder_service.core.addresses import comparable_address, same_address
from reminder_service.core.cadence import add_months, first_checkin_by
from reminder_service.core.model import Cadence, DateOrder, Pair, Person, Program, Schedule, Status
from reminder_service.errors import ConfigError
from reminder_service.file_snapshot import NotUtf8Error, Snapshot
from reminder_service.program_fields import (
    CadenceField,
    ClockField,
    DateField,
    EmailField,
    IdField,
    NameField,
    StatusField,
    ZoneField,
    clock_meant,
)
from reminder_service.program_loop import (
    DigestEntry,
    DigestField,
    LadderEntry,
    SpanField,
    digest,
    ladder,
)
from reminder_service.validation_words import number_problem
from reminder_service.yaml_source import (
    FieldPath,
    Source,
    comma_split,
    describe,
    kind_trap,
    read_quickly,
    read_source,
)

__all__ = ["KnownPairs", "Problem", "ProgramError", "known_pairs", "load_program", "parse_program"]

_M = TypeVar("_M", bound=BaseModel)
_T = TypeVar("_T")

DEFAULT_SEND_AT = time(9, 0)
FIRST_CHECKIN_MONTHS = 24

KnownPairs = Mapping[str, tuple[str, str]]
"""Pairs with email history: id -> (mentor, mentee) address."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a program file, placed as precisely as the YAML allows."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        return (
            f"{place}: {self.field}: {self.message}" if self.field else f"{place}: {self.message}"
        )


class ProgramError(ConfigError):
    """The program file cannot be used; `problems` lists everything found, in file order."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def load_program(
    path: Path, *, known: KnownPairs | None = None, running: Program | None = None
) -> Program:
    """Read and validate the program file at `path`; raise ProgramError listing all problems.

    `known` are the pairs with email history: one the file no longer has may not come back
    under a new id. `running` is the program a reload would replace: each pair the file
    leaves as it was is that program's own object, not a copy (see `_Builder`).
    """
    file = str(path)
    try:
        snapshot = Snapshot.read(path)
    except OSError as exc:
        reason = exc.strerror or "unreadable"
        raise ProgramError((Problem(file, None, "", f"cannot read the file: {reason}"),)) from exc
    except NotUtf8Error as exc:
        message = "the file is not UTF-8 text; save it with the UTF-8 encoding"
        raise ProgramError((Problem(file, exc.line, "", message),)) from exc
    return parse_program(snapshot, file=file, known=known, running=running)


def parse_program(
    source: Source,
    *,
    file: str,
    known: KnownPairs | None = None,
    running: Program | None = None,
) -> Program:
    """Validate program YAML given as text or a file's snapshot; `file` names it in
    problems.

    The quick reader first, then, if it finds the least problem, the careful one.
    """
    program = _read_quickly(source, file=file, known=known or {}, running=running)
    if program is not None:
        return program
    return _read_carefully(source, file=file, known=known or {}, running=running)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a program is read.

    The careful reader allocates several objects per YAML node, all kept until the end,
    and the collector would scan them again and again: it took two thirds of the time of
    reading a 10,000-pair file. The quick reader keeps far fewer, yet the collector still
    added a fifth to its time at 100,000 pairs. The pause is process-wide (a reload reads
    in a worker thread), so it lasts only as long as reading; the collector then runs
    again, if it was running, and frees whatever cyclic garbage reading left.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_cyclic_gc_paused()
def _read_quickly(
    source: Source, *, file: str, known: KnownPairs, running: Program | None
) -> Program | None:
    """The program, when it is plainly valid and read without lines; else None.

    Almost every read is of a valid file, and lines serve only to place problems. So the
    quick reader reads the plain data alone, a fraction of the memory and half the time
    of a 100,000-pair file, and if it or any check finds the least problem, the careful
    reader starts over to report every problem on its line. It stops at the first pair
    with a problem: the rest would be read again anyway. `source` is the text or, from a
    file, its snapshot, which libyaml reads a chunk at a time (see `read_quickly`).
    """
    report = _Report(file)
    taking = _Taking(report, known=known, running=running)

    def take(index: int, raw: object, above: Mapping[str, Any]) -> None:
        taking.take(index, raw, above)
        if report.problems:
            raise _ProblemFoundError

    data = read_quickly(source, hand_over=("pairs", take))
    if not isinstance(data, dict):
        return None
    program = taking.program(data)
    return None if report.problems else program


@_cyclic_gc_paused()
def _read_carefully(
    source: Source, *, file: str, known: KnownPairs, running: Program | None
) -> Program:
    """The program, or ProgramError listing every problem on its line.

    Each pair's lines and nodes are dropped once it is checked (`_Report.forget_pair`),
    so a file with a mistake is read in about the memory of a valid one: holding every
    node of a 100,000-pair file took 1.2 GB.
    """
    report = _Report(file)
    taking = _Taking(report, known=known, running=running)
    data = read_source(source, findings=report, hand_over=("pairs", taking.take))
    if not isinstance(data, dict):
        report.add((), "the file must start with a 'program:' section and a 'pairs:' list")
        raise report.error()
    program = taking.program(data)
    if program is None or report.problems:
        raise report.error()
    return program


class _ProblemFoundError(ValueError):
    """The quick reader found a problem: a ValueError, so that it gives up there."""


class _Taking:
    """Takes each pair as reading hands it over: each is checked and built at once (once
    the program section is known: pairs written before it wait for it), so the plain data
    of all the pairs is never held at once."""

    def __init__(self, report: _Report, *, known: KnownPairs, running: Program | None) -> None:
        self._report = report
        self._builder = _Builder(report, known=known, running=running)
        self._ids = _PairIds(report)
        self._waiting: list[tuple[int, object]] = []

    def take(self, index: int, raw: object, above: Mapping[str, Any]) -> None:
        """Check and build the pair at `index`, or keep it until the program section."""
        builder = self._builder
        self._ids.take(index, raw)
        if not builder.has_program and "program" in above:
            builder.take_program(above["program"])
        if builder.has_program:
            builder.take_pair(index, raw)
            self._report.forget_pair(index)
        else:
            self._waiting.append((index, raw))

    def program(self, data: dict[str, Any]) -> Program | None:
        """Check the file's top level, the pairs that waited and any left in `data` (a list
        written with an anchor or a tag is read whole, not handed over); the program, or
        None when it cannot be made."""
        builder = self._builder
        _validated(_FileEntry, data, path=(), report=self._report)
        if not builder.has_program and "program" in data:
            builder.take_program(data["program"])
        for index, raw in self._waiting:
            builder.take_pair(index, raw)
        left = data.get("pairs")
        left = left if isinstance(left, list) else []
        for index, raw in enumerate(left):
            left[index] = None
            self.take(index, raw, data)
        return builder.program()


class _Report:
    """Problems found so far, each placed on the deepest line known for its field.

    It is the `Findings` that reading the YAML fills in with each field's line and node;
    validation then uses those to place its problems and to describe values as written.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[FieldPath, int] = {}
        self.nodes: dict[FieldPath, yaml.Node] = {}
        self.unreadable: set[FieldPath] = set()
        self.problems: list[Problem] = []
        self._forgotten = _PairLines()
        """The lines of the pairs dropped by `forget_pair`, and of their ids."""

    def add(self, path: FieldPath, message: str, *, line: int | None = None) -> None:
        """Record a problem for `path`, on `line` or else the line where `path` is written."""
        where = self.line_of(path) if line is None else line
        self.problems.append(Problem(self.file, where, _field_name(path), message))

    def fatal(self, message: str, *, line: int | None = None) -> ProgramError:
        """The problem that stops reading, alone (see `yaml_source.Findings.fatal`)."""
        self.problems = [Problem(self.file, line, "", message)]
        return self.error()

    def line_of(self, path: FieldPath) -> int | None:
        """The line of `path`, or of its nearest ancestor that appears in the file."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
            forgotten = self._forgotten.of(path[1]) if end == 2 and path[0] == "pairs" else None
            if forgotten is not None:
                pair, pair_id = forgotten
                return pair_id if path[2:3] == ("id",) and pair_id is not None else pair
        return None

    def forget_pair(self, index: int) -> None:
        """Drop the lines and nodes of the pair at `index` and its fields, once it has been
        checked, keeping only the lines of the pair and of its id for the checks across
        pairs.

        Reading records a pair's fields right after the pair itself, so they are the last
        entries of `lines` and `nodes` when it is taken.
        """
        prefix: FieldPath = ("pairs", index)
        pair = self.lines.get(prefix)
        if pair is None:
            return
        self._forgotten.keep(index, pair, self.lines.get((*prefix, "id")))
        _drop_last(self.lines, prefix)
        _drop_last(self.nodes, prefix)
        if self.unreadable:
            self.unreadable = {path for path in self.unreadable if path[:2] != prefix}

    def error(self) -> ProgramError:
        """All problems as one error, in file order."""
        ordered = sorted(self.problems, key=lambda problem: problem.line or 0)
        return ProgramError(tuple(ordered))


class _PairLines:
    """The line of each pair and of its id, by the pair's index, in two arrays of machine
    integers (0 where there is none): a dictionary of tuples of them held about 17 MB more
    at 100,000 pairs, through the careful reading of a file with a mistake."""

    def __init__(self) -> None:
        self._pairs = array("l")
        self._ids = array("l")

    def keep(self, index: int, pair: int, pair_id: int | None) -> None:
        """Note the lines of the pair at `index` (lines count from 1)."""
        if index >= len(self._pairs):
            missing = index + 1 - len(self._pairs)
            self._pairs.extend([0] * missing)
            self._ids.extend([0] * missing)
        self._pairs[index] = pair
        self._ids[index] = pair_id or 0

    def of(self, index: object) -> tuple[int, int | None] | None:
        """The lines of the pair at `index` and of its id, if noted."""
        if not isinstance(index, int) or not 0 <= index < len(self._pairs):
            return None
        pair = self._pairs[index]
        return (pair, self._ids[index] or None) if pair else None


def _drop_last(table: dict[FieldPath, _T], prefix: FieldPath) -> None:
    """Remove the last entries of `table`, as long as their paths start with `prefix`."""
    while table:
        path, value = table.popitem()
        if path[: len(prefix)] != prefix:
            table[path] = value
            return


def _field_name(path: FieldPath) -> str:
    """`("pairs", 3, "mentee", "email")` -> `pairs[3].mentee.email`."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else part
    return name


_SECTION = ConfigDict(extra="forbid", frozen=True)
_OPENING_QUOTES = "\u201c\u2018\u201e\u00ab"
_CLOSING_QUOTES = "\u201d\u2019\u201c\u00bb"
_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
_GLUED_VALUE = re.compile(r"(?P<field>[a-z_]+):(?P<value>\S.*)")
"""A field and its value without the space after the colon, which YAML reads as one name
in braces ("{email:ana@example.org}")."""
_ODD_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u3000"


class _PersonEntry(BaseModel):
    model_config = _SECTION
    name: NameField
    email: EmailField
    timezone: ZoneField | None = None


class _DefaultsEntry(BaseModel):
    model_config = _SECTION
    cadence: CadenceField | None = None
    send_at: ClockField | None = None
    weekdays_only: StrictBool | None = None


class _ProgramEntry(BaseModel):
    model_config = _SECTION
    name: NameField
    coordinator: _PersonEntry
    timezone: ZoneField
    defaults: _DefaultsEntry = Field(default_factory=_DefaultsEntry)
    date_order: DateOrder = "DMY"
    keep_notes: StrictBool = False
    follow_up_after: SpanField = timedelta(days=7)
    default_meeting_minutes: int = Field(default=60, ge=1, le=720, strict=True)
    thank_you_cc_mentee: StrictBool = True
    anniversaries: StrictBool = True
    escalation: list[LadderEntry] | None = None
    digest: DigestField = Field(default_factory=DigestEntry)


class _PairEntry(BaseModel):
    model_config = _SECTION
    id: IdField
    mentor: _PersonEntry
    mentee: _PersonEntry
    started: DateField
    cadence: CadenceField | None = None
    send_at: ClockField | None = None
    weekdays_only: StrictBool | None = None
    status: StatusField = Status.ACTIVE
    paused_until: DateField | None = None
    ended_on: DateField | None = None
    date_order: DateOrder | None = None


class _FileEntry(BaseModel):
    """The top level only; the sections are validated one by one so all problems show."""

    model_config = _SECTION
    program: Any
    pairs: list[Any]


@dataclass(frozen=True, slots=True)
class _Pairing:
    """What the checks across pairs need of one valid pair entry, kept instead of the
    entry itself: its place in the file, its id, its people as they compare, and whether
    it has ended."""

    index: int
    id: str
    people: tuple[str, str]
    ended: bool


def known_pairs(history: KnownPairs, *, running: Program | None) -> dict[str, tuple[str, str]]:
    """The pairs with email history, each with its people as the `running` program has them
    (an address corrected since its last check-in), else as that check-in was addressed.

    A running pair's id and addresses are the running program's own strings, so that once
    `history` is let go, a reload holds little more for it than a dictionary (at 100,000
    pairs `history` is about 29 MB).
    """
    known: dict[str, tuple[str, str]] = {}
    for pair_id, people in history.items():
        pair = running.pair(pair_id) if running is not None else None
        if pair is None:
            known[pair_id] = people
        else:
            known[pair.id] = (pair.mentor.email, pair.mentee.email)
    return known


class _Builder:
    """Validates a program's sections and turns them into the core model, a pair at a time.

    Each pair's entry is dropped once it is in the core model, and the checks across
    pairs keep only a small `_Pairing`, so that at 100,000 pairs the plain data, the
    entries and the model are never all held at once (nor left scattered through the
    memory the process keeps). The program section must be taken before the pairs that
    need its defaults; `program()` then checks across pairs and gives the result.
    """

    def __init__(self, report: _Report, *, known: KnownPairs, running: Program | None) -> None:
        self._report = report
        self._known = known
        self._running = running
        self.has_program = False
        self._program: _ProgramEntry | None = None
        self._pairings: list[_Pairing] = []
        self._pairs: list[Pair] = []

    def take_program(self, raw: object) -> None:
        """Validate the program section."""
        self.has_program = True
        self._program = _validated(_ProgramEntry, raw, path=("program",), report=self._report)

    def take_pair(self, index: int, raw: object) -> None:
        """Validate the pair at `index` and, if the program is valid, build its core Pair."""
        report, path = self._report, ("pairs", index)
        entry = _validated(_PairEntry, raw, path=path, report=report)
        if entry is None:
            return
        _check_pair(entry, path=path, report=report)
        pair = None
        if self._program is not None:
            pair = _pair(entry, program=self._program, path=path, report=report)
            if pair is not None:
                pair = self._unchanged(pair)
                self._pairs.append(pair)
        self._pairings.append(_pairing(index, entry, pair))

    def _unchanged(self, pair: Pair) -> Pair:
        """The running program's own Pair when `pair` is equal to it, else `pair`.

        A reload reads the whole file while the running program is still held, and most
        edits change a pair or two: keeping the running objects lets the copies go at once
        (at 100,000 pairs the model is about 70 MB).
        """
        running = self._running.pair(pair.id) if self._running is not None else None
        return running if running == pair else pair

    def program(self) -> Program | None:
        """The checks across pairs, then the core Program, or None when it cannot be made."""
        _check_same_people(self._pairings, self._report)
        _check_not_renamed(self._pairings, known=self._known, report=self._report)
        program = self._program
        if program is None:
            return None
        steps = ladder(program.escalation)
        if isinstance(steps, str):
            self._report.add(("program", "escalation"), steps)
            return None
        return Program(
            name=program.name,
            coordinator=_person(program.coordinator),
            timezone=program.timezone,
            pairs=tuple(self._pairs),
            date_order=program.date_order,
            keep_notes=program.keep_notes,
            follow_up_after=program.follow_up_after,
            escalation=steps,
            thank_you_cc_mentee=program.thank_you_cc_mentee,
            default_meeting_minutes=program.default_meeting_minutes,
            digest=digest(program.digest),
            anniversaries=program.anniversaries,
        )


def _validated(model: type[_M], raw: object, *, path: FieldPath, report: _Report) -> _M | None:
    """`raw` validated as `model`, or None after reporting every error in it; a required
    field is not reported missing beside the unknown field that names it ("timezon", or
    "email:ana@example.org" in braces): that is one slip."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        meant = {
            (*error["loc"][:-1], field)
            for error in errors
            if error["type"] == "extra_forbidden"
            and (field := _field_meant(str(error["loc"][-1]), _fields_at(model, error["loc"][:-1])))
        }
        for error in errors:
            if error["type"] == "missing" and error["loc"] in meant:
                continue
            where = (*path, *error["loc"])
            if where not in report.unreadable:
                node, parent = report.nodes.get(where), report.nodes.get(where[:-1])
                message = _message(error, model=model, node=node, parent=parent)
                glued = _GLUED_VALUE.fullmatch(str(where[-1]))
                glued_at = (*error["loc"][:-1], glued["field"]) if glued else None
                named = (*path, *glued_at) if glued_at in meant else where
                report.add(named, message, line=report.line_of(where))
        return None


def _message(
    error: ErrorDetails, *, model: type[BaseModel], node: yaml.Node | None, parent: yaml.Node | None
) -> str:
    """Pydantic's error in words for coordinators, using the YAML as written where it helps.

    `node` is the YAML of the field in error and `parent` that of its section.
    """
    kind, loc = error["type"], error["loc"]
    if kind == "value_error":
        return str(error["ctx"]["error"]) + _curly_quotes(node)
    if kind == "missing":
        return f"required field {loc[-1]!r} is missing"
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        return _unknown_field(
            str(loc[-1]), allowed=allowed, quoted=comma_split(node, parent=parent)
        )
    if kind == "literal_error":
        return _not_a_choice(node, choices=get_args(_without_none(_annotation_at(model, loc))))
    if kind == "text_expected":
        wanted = error.get("ctx", {}).get("wanted")
        return (
            _number_for_words(node, wanted=wanted)
            or kind_trap(node)
            or f"expected text, found {describe(node)}"
        )
    if kind == "bool_type":
        return f"expected true or false, found {describe(node)}"
    if kind in {"model_type", "dict_type"}:
        return f"expected a group of 'field: value' lines, found {describe(node)}"
    if kind == "section_or_off":
        return f"{error['msg']}; found {describe(node)}"
    if kind == "list_type":
        return f"expected a list (one item per '- ' line), found {describe(node)}"
    if (words := number_problem(error)) is not None:
        if isinstance(node, yaml.ScalarNode) and node.style and node.value.strip().isdigit():
            return (
                f"{words}, found {node.value!r} in quotes, which makes it text; write it"
                f" without the quotes: {node.value.strip()}"
            )
        return f"{words}, found {describe(node)}"
    return error["msg"]


def _curly_quotes(node: yaml.Node | None) -> str:
    """Advice for a refused value wrapped in the curly quotes word processors type, which
    YAML keeps as part of the text: the value in straight quotes."""
    if not isinstance(node, yaml.ScalarNode) or node.style or len(node.value) < 2:
        return ""
    if node.value[0] not in _OPENING_QUOTES or node.value[-1] not in _CLOSING_QUOTES:
        return ""
    straight = node.value[1:-1]
    return f'; it is in curly quotes, which YAML keeps as text: use straight ones, "{straight}"'


def _number_for_words(node: yaml.Node | None, *, wanted: str | None) -> str | None:
    """For a time of day or a cadence that YAML read as a number, the way to write it:
    putting "9" in quotes would only be refused next as no time of day."""
    if not isinstance(node, yaml.ScalarNode) or node.style or node.tag not in _NUMBER_TAGS:
        return None
    if wanted == "clock" and ":" not in node.value:
        example = clock_meant(node.value) or "09:30"
        return (
            f"{node.value} was read as a number; write the time of day in quotes as HH:MM"
            f' (24-hour), such as "{example}"'
        )
    if wanted == "cadence":
        every = f"every {node.value} days" if node.value.isdigit() else "every 10 days"
        return (
            f"{node.value} was read as a number; write the cadence in words, such as"
            f" 'weekly', 'monthly' or '{every}'"
        )
    return None


def _unknown_field(name: str, *, allowed: list[str], quoted: str | None) -> str:
    """Name the field that was probably meant (a near spelling or a shortening of it, or the
    field with its value against its colon), else the `quoted` entry it was probably cut
    from at a comma, else list the allowed ones. A name after no-break spaces is a line
    indented with them, which YAML does not take for indentation."""
    if name[:1] in _ODD_SPACES:
        return (
            "this line is indented with no-break spaces, as word processors type them: indent"
            " it with ordinary spaces"
        )
    if (glued := _GLUED_VALUE.fullmatch(name)) and glued["field"] in allowed:
        return (
            f"{name!r} is a field and its value: put a space after the colon, as in"
            f" '{glued['field']}: {glued['value']}'"
        )
    if near := _field_meant(name, allowed):
        return f"unknown field {name!r}: did you mean {near!r}?"
    if quoted is not None:
        return (
            f"unknown field {name!r}: in braces a comma ends a value; if {name!r} belongs to"
            f" the value before it, put that value in quotes: {quoted}"
        )
    return f"unknown field {name!r}; the fields allowed here are: {', '.join(allowed)}"


def _field_meant(name: str, allowed: list[str]) -> str | None:
    """The allowed field that `name` was probably meant to be: a near spelling, a
    shortening, or the field with its value written against its colon."""
    if (glued := _GLUED_VALUE.fullmatch(name)) and glued["field"] in allowed:
        return glued["field"]
    near = difflib.get_close_matches(name, allowed, n=1) or [
        field for field in allowed if field.startswith(name)
    ]
    return near[0] if near else None


def _not_a_choice(node: yaml.Node | None, *, choices: tuple[str, ...]) -> str:
    """A value outside a fixed set of words, with the word it is a shortening of (in any
    letter case), else the set.

    No near spelling is offered: for `YMD` the nearest of DMY and MDY would be a guess that
    reads every date wrongly.
    """
    written = node.value.casefold() if isinstance(node, yaml.ScalarNode) else ""
    near = [choice for choice in choices if written and choice.casefold().startswith(written)]
    found = f"expected one of {', '.join(choices)}, found {describe(node)}"
    return f"{found}: did you mean {near[0]!r}?" if near else found


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The field names of the section at `loc` inside `model` (an int indexes a list)."""
    return list(_without_none(_annotation_at(model, loc)).model_fields)


def _annotation_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> Any:
    """The type annotation of the field at `loc` inside `model` (an int indexes a list)."""
    annotation: Any = model
    for part in loc:
        section = _without_none(annotation)
        if isinstance(part, int):
            annotation = get_args(section)[0]
        else:
            annotation = section.model_fields[part].annotation
    return annotation


def _without_none(annotation: Any) -> Any:
    """`annotation` with an optional `| None` removed: `list[X] | None` -> `list[X]`."""
    if get_origin(annotation) in {UnionType, Union}:
        (annotation,) = (arg for arg in get_args(annotation) if arg is not NoneType)
    return annotation


class _PairIds:
    """Reports each pair id used before, with the line where it was first used."""

    def __init__(self, report: _Report) -> None:
        self._report = report
        self._first_seen: dict[str, int] = {}

    def take(self, index: int, raw: object) -> None:
        """Note the id of the pair at `index`, reporting it if an earlier pair has it."""
        pair_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(pair_id, str):
            return
        first_index = self._first_seen.setdefault(pair_id, index)
        if first_index != index:
            first = self._report.line_of(("pairs", first_index, "id"))
            message = f"duplicate pair id {pair_id!r} (first at line {first})"
            self._report.add(("pairs", index, "id"), message)


def _pairing(index: int, entry: _PairEntry, pair: Pair | None) -> _Pairing:
    """What the checks across pairs need of the valid entry at `index`.

    Its strings are those of the entry's `pair` when there is one, which the program keeps
    anyway: at 100,000 pairs copies of its id and addresses would hold about 20 MB more
    while the file is read.
    """
    source = entry if pair is None else pair
    return _Pairing(
        index=index,
        id=source.id,
        people=_people(source.mentor.email, source.mentee.email),
        ended=source.status is Status.ENDED,
    )


def _check_same_people(pairings: list[_Pairing], report: _Report) -> None:
    """Report a pair with the same mentor and mentee as an earlier one, unless either has
    ended: both would get every email, and their history would be split between two ids."""
    first_seen: dict[tuple[str, str], _Pairing] = {}
    for pairing in pairings:
        if pairing.ended:
            continue
        first = first_seen.setdefault(pairing.people, pairing)
        if first is not pairing and first.id != pairing.id:
            report.add(
                ("pairs", pairing.index, "id"),
                f"pair {pairing.id!r} has the same mentor and mentee as pair {first.id!r} "
                f"(line {report.line_of(('pairs', first.index, 'id'))}), so both would get "
                "every email: keep one of them, or set status: ended on the pairing that is over",
            )


def _check_not_renamed(pairings: list[_Pairing], *, known: KnownPairs, report: _Report) -> None:
    """Report a new id for the mentor and mentee of a known pair that the file no longer has.

    The id links a pair to its emails, replies and meetings: under a new id the pair would be
    sent a fresh check-in at once and its history would be split in two.
    """
    in_file = {pairing.id for pairing in pairings}
    gone = {
        _people(*people): pair_id for pair_id, people in known.items() if pair_id not in in_file
    }
    if not gone:
        return
    for pairing in pairings:
        if pairing.id in known:
            continue
        old = gone.get(pairing.people)
        if old is not None:
            report.add(
                ("pairs", pairing.index, "id"),
                f"pair {pairing.id!r} has the same mentor and mentee as pair {old!r}, which is "
                "no longer in the file; the id links a pair to its emails, replies and "
                f"meetings, so keep the id {old!r}. If they are starting a new pairing, keep (or "
                f"put back) {old!r} with status: ended and add the new pair under its new id",
            )


def _people(mentor: str, mentee: str) -> tuple[str, str]:
    """A pair's mentor and mentee addresses, in the form that compares them."""
    return comparable_address(mentor), comparable_address(mentee)


def _check_pair(entry: _PairEntry, *, path: FieldPath, report: _Report) -> None:
    """The rules that involve more than one field of a pair."""
    if same_address(entry.mentor.email, entry.mentee.email):
        report.add(
            (*path, "mentee", "email"),
            f"the mentee has the mentor's address ({entry.mentee.email!r});"
            " a pair needs two different people",
        )
    if entry.paused_until is not None and entry.status is not Status.PAUSED:
        report.add(
            (*path, "paused_until"),
            f"paused_until is only allowed when status is paused (status is {entry.status})",
        )
    if entry.paused_until is not None and entry.paused_until <= entry.started:
        report.add(
            (*path, "paused_until"),
            f"paused_until {entry.paused_until} is not after started {entry.started}, so the"
            " pair would be welcomed back before it begins; remove paused_until, or give the"
            " date the pause ends after the pair has started",
        )
    if entry.ended_on is not None and entry.ended_on < entry.started:
        report.add(
            (*path, "ended_on"),
            f"ended_on {entry.ended_on} is before started {entry.started}",
        )


def _pair(
    entry: _PairEntry, *, program: _ProgramEntry, path: FieldPath, report: _Report
) -> Pair | None:
    """The core Pair, with the program's defaults and the pair's time zone resolved."""
    defaults = program.defaults
    cadence = _first_set(entry.cadence, defaults.cadence, default=None)
    if cadence is None:
        report.add(
            (*path, "cadence"),
            "no cadence given; set one here or in program.defaults.cadence",
        )
        return None
    if entry.status is not Status.ENDED and not _first_checkin_soon(cadence, entry.started):
        own = entry.cadence is not None
        line = None if own else report.line_of(("program", "defaults", "cadence"))
        report.add((*path, "cadence"), _no_checkin(cadence, entry, own=own), line=line)
    schedule = _schedule(
        cadence,
        _first_set(entry.send_at, defaults.send_at, default=DEFAULT_SEND_AT),
        weekdays_only=_first_set(entry.weekdays_only, defaults.weekdays_only, default=False),
    )
    return Pair(
        id=entry.id,
        mentor=_person(entry.mentor),
        mentee=_person(entry.mentee),
        started=entry.started,
        schedule=schedule,
        timezone=entry.mentee.timezone or entry.mentor.timezone or program.timezone,
        status=entry.status,
        paused_until=entry.paused_until,
        ended_on=entry.ended_on,
        date_order=entry.date_order,
    )


@lru_cache(maxsize=4096)
def _schedule(cadence: Cadence, send_at: time, *, weekdays_only: bool) -> Schedule:
    """The Schedule of these settings, one object for all the pairs that share them (most
    pairs do): a schedule and cadence of its own took each pair about 290 bytes, three
    tenths of the program's objects."""
    return Schedule(cadence=cadence, send_at=send_at, weekdays_only=weekdays_only)


@lru_cache(maxsize=4096)
def _first_checkin_soon(cadence: Cadence, started: date) -> bool:
    """Whether a pair started on `started` gets its first check-in within two years.

    Cached because most pairs share a cadence and many share a start date.
    """
    try:
        horizon = add_months(started, FIRST_CHECKIN_MONTHS)
    except ValueError:
        horizon = date.max
    return first_checkin_by(cadence, started=started, by=horizon) is not None


def _no_checkin(cadence: Cadence, entry: _PairEntry, *, own: bool) -> str:
    """Why a pair would never be asked, naming the cadence it takes and where from."""
    whose = f"{cadence.text!r}" if own else f"the default cadence {cadence.text!r}"
    return (
        f"{whose} gives no check-in in the two years after this pair started on "
        f"{entry.started}; choose a cadence that does (for an RRULE, check FREQ, INTERVAL "
        "and its BY... parts; a yearly rule from a 29 February start skips the years "
        "without that day)"
    )


def _first_set(*choices: _T | None, default: _T) -> _T:
    """The pair's own setting, else the program default, else the built-in `default`."""
    return next((choice for choice in choices if choice is not None), default)


def _person(entry: _PersonEntry) -> Person:
    """The core Person for a validated entry."""
    return Person(name=entry.name, email=entry.email, timezone=entry.timezone)
