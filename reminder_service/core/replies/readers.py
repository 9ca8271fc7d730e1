"""Readers: a compiled pattern paired with what its matches mean, and the small helpers
that build the patterns of dates, pause ends and durations (digit groups, alternations of
words, small numbers written as words).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from reminder_service.core.replies import lexicon as lx

_T = TypeVar("_T")


def whole_words(source: str) -> re.Pattern[str]:
    """A word table (a regex source) compiled once, matched as whole words on any line."""
    return re.compile(rf"\b(?:{source})\b", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Reader(Generic[_T]):
    """A pattern and what its matches mean; `needs` is a cheap test that must pass first,
    and `rank` says how specific a date pattern is."""

    pattern: re.Pattern[str]
    read: Callable[[re.Match[str]], _T]
    needs: re.Pattern[str] | None = None
    rank: int = 0


def read(readers: Iterable[Reader[_T]], text: str) -> list[tuple[Reader[_T], re.Match[str], _T]]:
    """Every reader's matches in `text` with their meanings, skipping the readers whose
    hint is absent (each hint is looked for once)."""
    hints: dict[re.Pattern[str], bool] = {}
    found: list[tuple[Reader[_T], re.Match[str], _T]] = []
    for reader in readers:
        needs = reader.needs
        if needs is not None:
            if needs not in hints:
                hints[needs] = needs.search(text) is not None
            if not hints[needs]:
                continue
        found.extend((reader, m, reader.read(m)) for m in reader.pattern.finditer(text))
    return found


def alternation(words: Iterable[str]) -> str:
    """A regex source matching any of `words` literally, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def digits(
    name: str,
    *,
    most: int = 2,
    not_after: str = r"\d",
    decimals: bool = False,
    first_digit_checks: str = "",
) -> str:
    """A group of 1..`most` digits (and perhaps decimals) not preceded by `not_after`; it
    starts with the digit so that the regex engine can skip ahead to digits.
    `first_digit_checks`, lookbehinds ending in that first digit, say what else may not
    come before it (`durations`: not a month's name)."""
    fraction = r"(?:[.,]\d{1,2})?" if decimals else ""
    return rf"(?P<{name}>\d(?<![{not_after}]\d){first_digit_checks}\d{{0,{most - 1}}}{fraction})"


def count_of(word: str) -> int:
    """The number a count is written as: "3", "three", "drei" (0 if unknown)."""
    return int(word) if word.isdigit() else lx.COUNTS.get(word, 0)


DIGIT = re.compile(r"\d")
COUNTS = alternation(lx.COUNTS)
