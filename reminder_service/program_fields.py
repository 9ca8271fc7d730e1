"""The field types of the program file: each checks one value and explains a bad one.

They are pydantic types with a plain validator, so each check's `ValueError` message is what
the coordinator reads. A value that is not text where text belongs raises the
`text_expected` error instead: the program loader describes it from the YAML as written,
which knows more than the value does (an unquoted `10:30` is the number 630).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from datetime import date, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo, available_timezones

from pydantic import PlainValidator
from pydantic_core import PydanticCustomError

from reminder_service.addresses import checked_address
from reminder_service.core.cadence import parse_cadence
from reminder_service.core.model import Cadence, Status

__all__ = [
    "NAME_LIMIT",
    "CadenceField",
    "ClockField",
    "DateField",
    "EmailField",
    "IdField",
    "NameField",
    "StatusField",
    "ZoneField",
    "clock_meant",
]

NAME_LIMIT = 200
_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LONG_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_HEADER_UNSAFE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NAME_FORMAT_CHARACTERS = frozenset({"\u00ad", "\u200c", "\u200d"})
"""Invisible format characters that real names contain and that disguise nothing: the soft
hyphen, and the zero-width non-joiner and joiner (Persian and Indic names, emoji sequences).
Every other format character stays refused, above all the bidi overrides and isolates that
can make a header read differently from what it holds."""
_FIXED_OFFSET = re.compile(r"(?i)(?:etc/)?(?:utc|gmt|ut)?\s*[+\-\u2212]\s*\d{1,2}(?::?\d{2})?")
"""A zone written as an offset from UTC: `UTC+2`, `GMT-5`, `+02:00`, a misspelt `Etc/GMT+15`."""
_WRITE_A_PLACE = (
    "write the place whose clock the pair keeps, such as 'Europe/Berlin', 'America/Phoenix',"
    " 'Pacific/Honolulu' or 'Asia/Kolkata', so the time follows that place's own rules"
)
_LONDON_IN_WINTER = (
    "it never changes for summer time, so it is London's clock only in winter; write the"
    " place whose clock the pair keeps, such as 'Europe/London' or 'Africa/Accra', or 'UTC'"
    " for a clock that never changes"
)
_FIXED_ABBREVIATIONS = {
    "EST": _WRITE_A_PLACE,
    "MST": _WRITE_A_PLACE,
    "HST": "write 'Pacific/Honolulu' so the time follows that place's own rules",
    **dict.fromkeys(
        ["GMT", "GMT0", "GMT+0", "GMT-0", "Greenwich", "Etc/Greenwich"], _LONDON_IN_WINTER
    ),
}
"""IANA names that are fixed offsets but read like a region's zone, with what to write
instead: `EST` and `MST` are kept by places with summer time (New York, Denver) and without
(Panama, Phoenix), so no place is guessed for them; `HST` is Hawaii's alone; `GMT` is most
often written for the UK's clock, which keeps summer time. `UTC` and `Etc/GMT` say plainly
that the clock never changes, and are kept."""


def _text(value: object, *, wanted: str = "text") -> str:
    """`value` if it is text; other kinds are described later from the YAML node, with
    what is `wanted` ("clock" or "cadence" for a number written where those belong).

    Text with half of a character, which only an escape such as "\\ud800" in double
    quotes can write, is refused: no email can carry it, and messages that quote it
    could not be written either.
    """
    if not isinstance(value, str):
        raise PydanticCustomError("text_expected", "expected text", {"wanted": wanted})
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(
                f"contains half of a character (an escape such as \\u{ord(value[exc.start]):04x}),"
                " which no email can carry; write the whole character, or remove it"
            ) from None
    return value


def _to_name(value: object) -> str:
    """A person's or the program's name: one line of text that is safe in a header."""
    name = _text(value)
    if not name.strip():
        raise ValueError("must not be empty")
    if len(name) > NAME_LIMIT:
        raise ValueError(f"is {len(name)} characters long; the limit is {NAME_LIMIT}")
    unsafe = _first_unsafe(name)
    if unsafe is not None:
        raise ValueError(
            f"must be one line of plain text; it contains a line break or another"
            f" control character (U+{ord(unsafe):04X})"
        )
    return name


def _first_unsafe(name: str) -> str | None:
    """The first character of `name` that may not appear in a name in email headers, if any.

    Every unsafe character is one `isprintable` refuses (it refuses a few safe ones too), so
    a printable name, as most are, is not read a character at a time (2.4 million
    characters at 100,000 pairs)."""
    if name.isprintable():
        return None
    return next((c for c in name if _unsafe_in_name(c)), None)


def _unsafe_in_name(character: str) -> bool:
    """Whether `character` may not appear in a name that goes into email headers."""
    if character in _NAME_FORMAT_CHARACTERS:
        return False
    return unicodedata.category(character) in _HEADER_UNSAFE


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
    """A normalized email address (addr-spec only, no display name) sendable without SMTPUTF8."""
    return checked_address(_text(value))


@functools.cache
def _zone_names() -> frozenset[str]:
    """The IANA time zone names this machine knows (read from disk once)."""
    return frozenset(available_timezones())


@functools.cache
def _zones_by_folded_name() -> dict[str, str]:
    """The zones that may be written, by their name in any letter case."""
    return {name.casefold(): name for name in _zone_names() - _FIXED_ABBREVIATIONS.keys()}


@functools.cache
def _places_by_folded_name() -> dict[str, str]:
    """Zones named after a place (`Europe/Berlin`), by their name in any letter case.

    Only these are suggested for a misspelt zone: a near name such as `UTC` for `UTC+2`,
    or `EST` for `PST`, would move the pair's mail by hours.
    """
    return {
        folded: name
        for folded, name in _zones_by_folded_name().items()
        if "/" in name and not name.startswith("Etc/")
    }


def _to_zone(value: object) -> ZoneInfo:
    """An IANA time zone, refusing offsets and abbreviations, which follow no place's rules.

    `Etc/GMT+2` is kept: it is a real fixed zone that some programs want, and whoever
    writes the IANA name has chosen it. A misspelt name gets the nearest place name.
    """
    name = _text(value)
    if name in _zone_names() and name not in _FIXED_ABBREVIATIONS:
        return ZoneInfo(name)
    if name in _FIXED_ABBREVIATIONS or _FIXED_OFFSET.fullmatch(name.strip()):
        advice = _FIXED_ABBREVIATIONS.get(name, _WRITE_A_PLACE)
        raise ValueError(f"{name!r} is a fixed offset from UTC, not a place; {advice}")
    raise ValueError(f"{name!r} is not a time zone{_zone_hint(name)}")


def _zone_hint(name: str) -> str:
    """The place name probably meant by `name`, else how to write one."""
    folded = name.strip().casefold()
    same = _zones_by_folded_name().get(folded)
    places = _places_by_folded_name()
    near = [places[match] for match in difflib.get_close_matches(folded, sorted(places), n=1)]
    if same or near:
        return f"; did you mean {same or near[0]!r}?"
    return f"; {_WRITE_A_PLACE}"


def _to_cadence(value: object) -> Cadence:
    """A cadence expression; parse_cadence's own message explains what is wrong."""
    return _parsed_cadence(_text(value, wanted="cadence"))


@functools.lru_cache(maxsize=1024)
def _parsed_cadence(text: str) -> Cadence:
    """`parse_cadence`, once for each text: most pairs share a few cadences, and parsing
    each pair's again took about a twentieth of reading a large program."""
    return parse_cadence(text)


def _to_clock(value: object) -> time:
    """A local time of day written HH:MM (24h)."""
    text = _text(value, wanted="clock")
    match = _CLOCK.fullmatch(text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{text!r} is not a time of day; write HH:MM from 00:00 to 23:59")
    return time(int(match[1]), int(match[2]))


def clock_meant(number: str) -> str | None:
    """The time of day HH:MM that a number written for one most likely means ("9" or
    "9.30" or "930"), or None when it could mean several ("9.5") or none ("25")."""
    hours, dot, minutes = number.partition(".")
    if not dot and len(number) in (3, 4):
        hours, minutes = number[:-2], number[-2:]
    if not hours.isdigit() or (minutes and (not minutes.isdigit() or len(minutes) != 2)):
        return None
    if int(hours) > 23 or int(minutes or 0) > 59:
        return None
    return f"{int(hours):02d}:{minutes or '00'}"


def _to_date(value: object) -> date:
    """A calendar date, from a YAML date or an ISO year-month-day string."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = value if isinstance(value, str) else ""
    plain = text.translate(_LONG_DASHES)
    if plain != text and _ISO_DATE.fullmatch(plain):
        raise ValueError(
            f"{text!r} has long dashes, as word processors type them; write it with '-': {plain}"
        )
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


NameField = Annotated[str, PlainValidator(_to_name)]
IdField = Annotated[str, PlainValidator(_to_id)]
EmailField = Annotated[str, PlainValidator(_to_email)]
ZoneField = Annotated[ZoneInfo, PlainValidator(_to_zone)]
CadenceField = Annotated[Cadence, PlainValidator(_to_cadence)]
ClockField = Annotated[time, PlainValidator(_to_clock)]
DateField = Annotated[date, PlainValidator(_to_date)]
StatusField = Annotated[Status, PlainValidator(_to_status)]
