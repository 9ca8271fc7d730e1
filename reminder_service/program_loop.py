"""The program file's settings for the relationship loop: follow-ups, the ladder, the digest.

```yaml
program:
  follow_up_after: 10 days          # after a "not yet" reply (default 7 days)
  default_meeting_minutes: 60       # what a meeting without a reported length counts for
  thank_you_cc_mentee: true         # the mentee is in copy of the mentor's thank-you
  anniversaries: true               # a thank-you to both on each anniversary of `started`
  escalation:                       # for pairs that have not met (this is the default)
    - {after: 1, send: reminder}                      # one whole period overdue
    - {after: 2, send: reminder, cc_coordinator: true}
    - {after: 3, send: pause_or_end}                  # asks whether to pause or end
  digest: {day: monday, at: "08:00"}   # the coordinator's weekly digest; `digest: off` stops it
```
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    field_validator,
)
from pydantic_core import PydanticCustomError

from reminder_service.core.model import DEFAULT_LADDER, DigestSchedule, LadderStep
from reminder_service.program_fields import ClockField

_SECTION = ConfigDict(extra="forbid", frozen=True)
_SPAN = re.compile(r"\s*(\d{1,3})\s*(day|week)s?\s*", re.IGNORECASE)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _span(value: object) -> timedelta:
    match = _SPAN.fullmatch(value) if isinstance(value, str) else None
    if match is None or int(match[1]) == 0:
        raise ValueError(
            f"{value!r} is not a length of time; write for example '10 days' or '2 weeks'"
        )
    days = int(match[1]) * (7 if match[2].lower() == "week" else 1)
    return timedelta(days=days)


SpanField = Annotated[timedelta, PlainValidator(_span)]


class LadderEntry(BaseModel):
    """One step of `escalation`."""

    model_config = _SECTION
    after: int = Field(ge=1, le=52, strict=True)
    send: Literal["reminder", "pause_or_end"]
    cc_coordinator: StrictBool = False


class DigestEntry(BaseModel):
    """The `digest` section."""

    model_config = _SECTION
    day: str = "monday"
    at: ClockField | None = None

    @field_validator("day")
    @classmethod
    def _a_weekday(cls, value: str) -> str:
        if value.lower() not in WEEKDAYS:
            raise ValueError(f"{value!r} is not a day of the week; write for example 'monday'")
        return value.lower()


def _digest_section(value: object) -> object:
    """The `digest` value as one section: `off` means None, an empty `digest:` the defaults.

    One shape with one message, so that a wrong value is not reported once per way the
    field could have been written.
    """
    if value is False or (isinstance(value, str) and value.strip().lower() == "off"):
        return None
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise PydanticCustomError(
        "section_or_off",
        "the weekly digest is on unless this says off; to choose its day and time write"
        ' {day: monday, at: "08:00"}',
    )


DigestField = Annotated[DigestEntry | None, BeforeValidator(_digest_section)]


def ladder(entries: list[LadderEntry] | None) -> tuple[LadderStep, ...] | str:
    """The ladder, or a problem: steps must climb (each `after` larger than the one before)."""
    if entries is None:
        return DEFAULT_LADDER
    afters = [entry.after for entry in entries]
    if afters != sorted(set(afters)):
        return "each step's 'after' must be larger than the one before"
    return tuple(
        LadderStep(after_periods=e.after, send=e.send, cc_coordinator=e.cc_coordinator)
        for e in entries
    )


def digest(entry: DigestEntry | None) -> DigestSchedule | None:
    """The digest schedule, or None when the file turned it off."""
    if entry is None:
        return None
    return DigestSchedule(
        weekday=WEEKDAYS.index(entry.day),
        at=entry.at if entry.at is not None else DigestSchedule().at,
    )
