"""Lists and numbers a template makes, refused before they are made.

`*` repeats text or a list, `**` and `*` make numbers, and `+`, `extend`, `append`, `insert`
and `update` grow a list or mapping, which in a loop doubles or grows it each time round. The
sandbox (`compose._Sandbox`) checks each of them here first: Jinja's own sandbox limits only
`range`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sized
from itertools import islice
from typing import Any

from jinja2.exceptions import SecurityError

REPEAT_LIMIT = 100_000
"""The most characters or items a template may make with `*` in one go, and the most items
a list or mapping it grows may hold, like Jinja's own limit on `range`: far more than an
email needs, far less than would exhaust memory."""
POWER_LIMIT_DIGITS = 1_000
"""The most digits a whole number a template makes with `**` may have."""
_ONE_MORE = frozenset({"append", "insert"})
_DOUBLED_HINT = "look for a list that is added to itself in a loop"
_GROWN_HINT = "look for a long loop that adds to it"


def checked_call_args(obj: object, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """`args` for calling `obj`, once a list's `extend`, `append` or `insert`, or a mapping's
    `update`, would keep it within REPEAT_LIMIT.

    What `extend` is given without a length (`l | reverse`) is read into a list first, at
    most one item past the limit, so it is counted without being made whole.
    """
    name = getattr(obj, "__name__", None)
    owner = getattr(obj, "__self__", None)
    if isinstance(owner, list) and name == "extend" and args:
        more = args[0]
        if isinstance(more, Iterable) and not isinstance(more, Sized):
            more = list(islice(more, REPEAT_LIMIT - len(owner) + 1))
        check_list_growth(owner, more)
        return (more, *args[1:])
    if isinstance(owner, list) and name in _ONE_MORE:
        _check_items(len(owner) + 1, "list", hint=_GROWN_HINT)
    elif isinstance(owner, dict) and name == "update" and args and isinstance(args[0], Mapping):
        _check_items(len(owner) + len(args[0]), "mapping", hint=_GROWN_HINT)
    return args


def check_list_growth(items: object, more: object) -> None:
    """SecurityError if adding `more` to the list `items` makes it longer than REPEAT_LIMIT."""
    if isinstance(items, list | tuple) and isinstance(more, Sized):
        _check_items(len(items) + len(more), "list", hint=_DOUBLED_HINT)


def _check_items(size: int, what: str, *, hint: str) -> None:
    if size > REPEAT_LIMIT:
        raise SecurityError(
            f"this would make a {what} of {size:,} items; a template may make at most"
            f" {REPEAT_LIMIT:,}; {hint}"
        )


def check_product(left: object, right: object) -> None:
    """SecurityError if `left * right` is a whole number past POWER_LIMIT_DIGITS: squaring a
    number in a loop makes one of millions of digits in a few rounds."""
    if not isinstance(left, int) or not isinstance(right, int):
        return
    if (left.bit_length() + right.bit_length()) * math.log10(2) > POWER_LIMIT_DIGITS + 1:
        raise SecurityError(
            f"this multiplication would make a number of more than {POWER_LIMIT_DIGITS:,}"
            " digits, more than a template may make with '*'"
        )


def check_repetition(sequence: object, times: object) -> None:
    """SecurityError if `sequence * times` repeats text or a list past REPEAT_LIMIT."""
    if not isinstance(sequence, str | list | tuple) or not isinstance(times, int):
        return
    size = len(sequence) * times
    if size > REPEAT_LIMIT:
        what = "characters of text" if isinstance(sequence, str) else "list items"
        raise SecurityError(
            f"this multiplication would make {size:,} {what}; a template may make at most"
            f" {REPEAT_LIMIT:,} with '*'"
        )


def check_power(base: object, exponent: object) -> None:
    """SecurityError if `base ** exponent` is a whole number past POWER_LIMIT_DIGITS.

    Working such a number out can take hours and gigabytes, so its size is worked out
    first, from logarithms.
    """
    if not isinstance(base, int) or not isinstance(exponent, int) or abs(base) <= 1:
        return
    if exponent > POWER_LIMIT_DIGITS / math.log10(abs(base)):
        raise SecurityError(
            f"this power would make a number of more than {POWER_LIMIT_DIGITS:,} digits, more"
            " than a template may make with '**'"
        )
