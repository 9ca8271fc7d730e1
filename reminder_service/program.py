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
- Names may not contain line breaks or other control characters, and are at most 200
  characters long: they end up in email headers.

Every problem is reported at once as `file:line: field: message`, where the field is a path
such as `pairs[3].mentee.email` (pairs are counted from 0, in file order).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, TypeAlias, TypeVar
from zoneinfo import ZoneInfo, available_timezones

import yaml
from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StrictBool, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from reminder_service.core.cadence import parse_cadence
from reminder_service.core.model import (
    Cadence,
    DateOrder,
    Pair,
    Person,
    Program,
    Schedule,
    Status,
)
from reminder_service.errors import ConfigError

__all__ = ["Problem", "ProgramError", "load_program", "parse_program"]

_Path: TypeAlias = tuple[str | int, ...]
_M = TypeVar("_M", bound=BaseModel)
_T = TypeVar("_T")

NAME_LIMIT = 200
DEFAULT_SEND_AT = time(9, 0)
_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_HEADER_UNSAFE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_YAML_HINTS = {
    "found character '\\t' that cannot start any token": "use spaces, not tabs, to indent",
    "mapping values are not allowed here": "if a value contains ': ', put it in quotes",
    "but found another document": "a program file holds one document; remove the extra '---'",
}


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


def load_program(path: Path) -> Program:
    """Read and validate the program file at `path`; raise ProgramError listing all problems."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or "unreadable"
        raise ProgramError((Problem(file, None, "", f"cannot read the file: {reason}"),)) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = "the file is not UTF-8 text; save it with the UTF-8 encoding"
        raise ProgramError((Problem(file, line, "", message),)) from exc
    return parse_program(text, file=file)


def parse_program(text: str, *, file: str) -> Program:
    """Validate program YAML given as text; `file` names it in problems (for tests and reload)."""
    report = _Report(file)
    data = _Source(report).read(_compose(text, file=file))
    if not isinstance(data, dict):
        report.add((), "the file must start with a 'program:' section and a 'pairs:' list")
        raise report.error()
    program = _build(data, report)
    if program is None or report.problems:
        raise report.error()
    return program


class _Report:
    """Problems found so far, each placed on the deepest line known for its field."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[_Path, int] = {}
        self.nodes: dict[_Path, yaml.Node] = {}
        self.unreadable: set[_Path] = set()
        self.problems: list[Problem] = []

    def add(self, path: _Path, message: str, *, line: int | None = None) -> None:
        """Record a problem for `path`, on `line` or else the line where `path` is written."""
        where = self.line_of(path) if line is None else line
        self.problems.append(Problem(self.file, where, _field_name(path), message))

    def line_of(self, path: _Path) -> int | None:
        """The line of `path`, or of its nearest ancestor that appears in the file."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def error(self) -> ProgramError:
        """All problems as one error, in file order."""
        ordered = sorted(self.problems, key=lambda problem: problem.line or 0)
        return ProgramError(tuple(ordered))


def _field_name(path: _Path) -> str:
    """`("pairs", 3, "mentee", "email")` -> `pairs[3].mentee.email`."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else part
    return name


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases.

    An alias makes one node appear under several fields, so a problem could not be placed
    on one line, and nested aliases can expand a small file into an enormous document.
    """

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        """Compose as usual, except that an alias is a syntax error."""
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors and aliases ('&name', '*name') are not supported;"
                " use program.defaults for settings that pairs share",
                self.current_event.start_mark,
            )
        return super().compose_node(parent, index)


def _compose(text: str, *, file: str) -> yaml.Node:
    """Parse the YAML text into a node tree; syntax errors and an empty file are fatal."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        raise ProgramError((Problem(file, line, "", _syntax_message(exc)),)) from exc
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        message = f"the file contains a character that is not allowed: U+{exc.character:04X}"
        raise ProgramError((Problem(file, line, "", message),)) from exc
    if node is None:
        message = "the file is empty; it needs a 'program:' section and a 'pairs:' list"
        raise ProgramError((Problem(file, None, "", message),))
    return node


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's description of a syntax error, with a hint for the common ones."""
    problem = exc.problem or exc.context or "unreadable"
    hint = _YAML_HINTS.get(problem)
    return f"this is not valid YAML: {problem}" + (f" ({hint})" if hint else "")


class _Source:
    """Turns the node tree into plain data, recording each field's line and node on the way.

    Keys are taken as written (an unquoted `on:` is the key 'on', not true); a repeated key
    is a problem, and the first value is kept.
    """

    def __init__(self, report: _Report) -> None:
        self._report = report
        self._loader = _Loader("")

    def read(self, node: yaml.Node, path: _Path = (), line: int | None = None) -> Any:
        """The plain value of `node`, found at `path` (on `line`, if not the node's own)."""
        self._report.lines[path] = node.start_mark.line + 1 if line is None else line
        self._report.nodes[path] = node
        if isinstance(node, yaml.CollectionNode) and node.tag not in _COLLECTION_TAGS:
            self._unsupported(node, path)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.read(item, (*path, index)) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: _Path) -> dict[str, Any]:
        """A mapping's entries, reporting repeated and unusable keys."""
        entries: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self._report.add(path, "a field name must be a single word", line=line)
            elif key_node.value in entries:
                first = self._report.lines[(*path, key_node.value)]
                message = f"duplicate key {key_node.value!r} (first at line {first})"
                self._report.add((*path, key_node.value), message, line=line)
            else:
                entries[key_node.value] = self.read(value_node, (*path, key_node.value), line)
        return entries

    def _scalar(self, node: yaml.Node, path: _Path) -> Any:
        """A scalar as PyYAML's safe loader reads it; if it cannot, the text as written."""
        try:
            return self._loader.construct_object(node)
        except yaml.constructor.ConstructorError:
            self._unsupported(node, path)
        except ValueError:
            pass  # e.g. an unquoted 2024-02-30: the field's own check describes it
        return node.value

    def _unsupported(self, node: yaml.Node, path: _Path) -> None:
        """Report a tag the safe loader refuses (such as a Python one); its field says no more."""
        self._report.add(path, f"the YAML tag {node.tag!r} is not supported here")
        self._report.unreadable.add(path)


def _text(value: object) -> str:
    """`value` if it is text; other kinds are described later from the YAML node."""
    if not isinstance(value, str):
        raise PydanticCustomError("text_expected", "expected text")
    return value


def _to_name(value: object) -> str:
    """A person's or the program's name: one line of text that is safe in a header."""
    name = _text(value)
    if not name.strip():
        raise ValueError("must not be empty")
    if len(name) > NAME_LIMIT:
        raise ValueError(f"is {len(name)} characters long; the limit is {NAME_LIMIT}")
    unsafe = next((c for c in name if unicodedata.category(c) in _HEADER_UNSAFE), None)
    if unsafe is not None:
        raise ValueError(
            f"must be one line of plain text; it contains a line break or another"
            f" control character (U+{ord(unsafe):04X})"
        )
    return name


def _to_id(value: object) -> str:
    """A pair id: a short slug that stays stable because stored history refers to it."""
    slug = _text(value)
    if not _ID.fullmatch(slug):
        raise ValueError(
            f"{slug!r} cannot be used as an id; use 2 to 32 lowercase letters (a-z),"
            " digits and '-', starting with a letter or digit"
        )
    return slug


def _to_email(value: object) -> str:
    """A normalized email address (addr-spec only, no display name)."""
    address = _text(value)
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"{address!r} is not an email address") from exc


@functools.cache
def _zone_names() -> frozenset[str]:
    """The IANA time zone names this machine knows (read from disk once)."""
    return frozenset(available_timezones())


def _to_zone(value: object) -> ZoneInfo:
    """An IANA time zone, suggesting the nearest name for a typo."""
    name = _text(value)
    if name not in _zone_names():
        near = difflib.get_close_matches(name, sorted(_zone_names()), n=1)
        hint = f"; did you mean {near[0]!r}?" if near else " (write it like 'Europe/London')"
        raise ValueError(f"{name!r} is not a time zone{hint}")
    return ZoneInfo(name)


def _to_cadence(value: object) -> Cadence:
    """A cadence expression; parse_cadence's own message explains what is wrong."""
    return parse_cadence(_text(value))


def _to_clock(value: object) -> time:
    """A local time of day written HH:MM (24h)."""
    text = _text(value)
    match = _CLOCK.fullmatch(text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{text!r} is not a time of day; write HH:MM from 00:00 to 23:59")
    return time(int(match[1]), int(match[2]))


def _to_date(value: object) -> date:
    """A calendar date, from a YAML date or an ISO year-month-day string."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = value if isinstance(value, str) else ""
    if not _ISO_DATE.fullmatch(text):
        raise ValueError("expected a date written year-month-day, like 2024-03-01")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date") from exc


def _to_status(value: object) -> Status:
    """A pair status, suggesting the nearest one for a typo."""
    text = _text(value)
    try:
        return Status(text)
    except ValueError as exc:
        allowed = [status.value for status in Status]
        near = difflib.get_close_matches(text, allowed, n=1)
        hint = f"did you mean {near[0]!r}?" if near else f"use one of: {', '.join(allowed)}"
        raise ValueError(f"{text!r} is not a status; {hint}") from exc


_Name = Annotated[str, PlainValidator(_to_name)]
_Id = Annotated[str, PlainValidator(_to_id)]
_Email = Annotated[str, PlainValidator(_to_email)]
_Zone = Annotated[ZoneInfo, PlainValidator(_to_zone)]
_Cadence = Annotated[Cadence, PlainValidator(_to_cadence)]
_Clock = Annotated[time, PlainValidator(_to_clock)]
_Date = Annotated[date, PlainValidator(_to_date)]
_Status = Annotated[Status, PlainValidator(_to_status)]
_SECTION = ConfigDict(extra="forbid", frozen=True)


class _PersonEntry(BaseModel):
    model_config = _SECTION
    name: _Name
    email: _Email
    timezone: _Zone | None = None


class _DefaultsEntry(BaseModel):
    model_config = _SECTION
    cadence: _Cadence | None = None
    send_at: _Clock | None = None
    weekdays_only: StrictBool | None = None


class _ProgramEntry(BaseModel):
    model_config = _SECTION
    name: _Name
    coordinator: _PersonEntry
    timezone: _Zone
    defaults: _DefaultsEntry = Field(default_factory=_DefaultsEntry)
    date_order: DateOrder = "DMY"
    keep_notes: StrictBool = False


class _PairEntry(BaseModel):
    model_config = _SECTION
    id: _Id
    mentor: _PersonEntry
    mentee: _PersonEntry
    started: _Date
    cadence: _Cadence | None = None
    send_at: _Clock | None = None
    weekdays_only: StrictBool | None = None
    status: _Status = Status.ACTIVE
    paused_until: _Date | None = None
    ended_on: _Date | None = None
    date_order: DateOrder | None = None


class _FileEntry(BaseModel):
    """The top level only; the sections are validated one by one so all problems show."""

    model_config = _SECTION
    program: Any
    pairs: list[Any]


def _build(data: dict[str, Any], report: _Report) -> Program | None:
    """Validate each section, then resolve defaults and time zones into the core model."""
    _validated(_FileEntry, data, path=(), report=report)
    program = None
    if "program" in data:
        program = _validated(_ProgramEntry, data["program"], path=("program",), report=report)
    raw_pairs = data.get("pairs")
    raw_pairs = raw_pairs if isinstance(raw_pairs, list) else []
    _check_unique_ids(raw_pairs, report)
    entries = [
        (index, _validated(_PairEntry, raw, path=("pairs", index), report=report))
        for index, raw in enumerate(raw_pairs)
    ]
    for index, entry in entries:
        if entry is not None:
            _check_pair(entry, path=("pairs", index), report=report)
    if program is None:
        return None
    pairs = [
        _pair(entry, program=program, path=("pairs", index), report=report)
        for index, entry in entries
        if entry is not None
    ]
    return Program(
        name=program.name,
        coordinator=_person(program.coordinator),
        timezone=program.timezone,
        pairs=tuple(pair for pair in pairs if pair is not None),
        date_order=program.date_order,
        keep_notes=program.keep_notes,
    )


def _validated(model: type[_M], raw: object, *, path: _Path, report: _Report) -> _M | None:
    """`raw` validated as `model`, or None after reporting every error in it."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            where = (*path, *error["loc"])
            if where not in report.unreadable:
                report.add(where, _message(error, model=model, node=report.nodes.get(where)))
        return None


def _message(error: ErrorDetails, *, model: type[BaseModel], node: yaml.Node | None) -> str:
    """Pydantic's error in words for coordinators, using the YAML as written where it helps."""
    kind, loc = error["type"], error["loc"]
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "missing":
        return f"required field {loc[-1]!r} is missing"
    if kind == "extra_forbidden":
        return _unknown_field(str(loc[-1]), allowed=_fields_at(model, loc[:-1]))
    if kind == "text_expected":
        return _kind_trap(node) or f"expected text, found {_describe(node)}"
    if kind == "bool_type":
        return f"expected true or false, found {_describe(node)}"
    if kind in {"model_type", "dict_type"}:
        return f"expected a group of 'field: value' lines, found {_describe(node)}"
    if kind == "list_type":
        return f"expected a list (one item per '- ' line), found {_describe(node)}"
    return error["msg"]


def _unknown_field(name: str, *, allowed: list[str]) -> str:
    """Name the field that was probably meant, else list the allowed ones."""
    near = difflib.get_close_matches(name, allowed, n=1)
    if near:
        return f"unknown field {name!r}: did you mean {near[0]!r}?"
    return f"unknown field {name!r}; the fields allowed here are: {', '.join(allowed)}"


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The field names of the section at `loc` inside `model`."""
    for part in loc:
        annotation = model.model_fields[str(part)].annotation
        assert isinstance(annotation, type)
        assert issubclass(annotation, BaseModel)
        model = annotation
    return list(model.model_fields)


_READ_AS = {
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
}


def _kind_trap(node: yaml.Node | None) -> str | None:
    """Advice for unquoted text that YAML 1.1 reads as true/false, a number or a date."""
    if not isinstance(node, yaml.ScalarNode) or node.style or node.tag not in _READ_AS:
        return None
    if ":" in node.value and _READ_AS[node.tag] == "a number":
        return f'{node.value} must be written in quotes: "{node.value}"'
    return f'{node.value!r} was read as {_READ_AS[node.tag]}; put it in quotes: "{node.value}"'


def _describe(node: yaml.Node | None) -> str:
    """What the coordinator wrote, in a few words."""
    if isinstance(node, yaml.MappingNode):
        return "a group of fields"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node is None or node.tag == "tag:yaml.org,2002:null":
        return "nothing"
    return repr(node.value)


def _check_unique_ids(raw_pairs: list[Any], report: _Report) -> None:
    """Report each pair id used before, with the line where it was first used."""
    first_seen: dict[str, _Path] = {}
    for index, raw in enumerate(raw_pairs):
        pair_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(pair_id, str):
            continue
        path = ("pairs", index, "id")
        if pair_id in first_seen:
            first = report.line_of(first_seen[pair_id])
            report.add(path, f"duplicate pair id {pair_id!r} (first at line {first})")
        else:
            first_seen[pair_id] = path


def _check_pair(entry: _PairEntry, *, path: _Path, report: _Report) -> None:
    """The rules that involve more than one field of a pair."""
    if entry.mentor.email.casefold() == entry.mentee.email.casefold():
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
    if entry.ended_on is not None and entry.ended_on < entry.started:
        report.add(
            (*path, "ended_on"),
            f"ended_on {entry.ended_on} is before started {entry.started}",
        )


def _pair(
    entry: _PairEntry, *, program: _ProgramEntry, path: _Path, report: _Report
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
    schedule = Schedule(
        cadence=cadence,
        send_at=_first_set(entry.send_at, defaults.send_at, default=DEFAULT_SEND_AT),
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


def _first_set(*choices: _T | None, default: _T) -> _T:
    """The pair's own setting, else the program default, else the built-in `default`."""
    return next((choice for choice in choices if choice is not None), default)


def _person(entry: _PersonEntry) -> Person:
    """The core Person for a validated entry."""
    return Person(name=entry.name, email=entry.email, timezone=entry.timezone)
