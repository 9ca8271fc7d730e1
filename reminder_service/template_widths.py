"""Widths and padding a template asks for, refused before the text is made.

One call such as `''|center(10**8)`, `'%100000000s' % x` or `'{:>100000000}'.format(x)` makes
its whole result at once, so the limit on what a template renders (RENDERED_LIMIT, checked as
the output is joined) would see it only after the memory and time were spent. The sandbox
(`compose._Sandbox`) sends every such call through the checks here first: the string methods
that pad (through `wrap_str_format`, the hook Jinja's sandbox already uses for `format`), the
filters that pad, indent or wrap (replaced by name), and `%` (an intercepted operator).
"""

from __future__ import annotations

import re
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from functools import update_wrapper
from itertools import chain
from string import Formatter
from types import BuiltinMethodType, MethodType
from typing import Any

from jinja2.environment import Environment
from jinja2.exceptions import SecurityError
from jinja2.filters import do_center, do_format, do_indent, do_wordwrap
from jinja2.sandbox import SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import Namespace, pass_environment
from markupsafe import Markup, soft_str

RENDERED_LIMIT = 10_000_000
"""The most characters one template may render, however it makes them (`center`, `ljust`,
format widths, loops): more than most mail servers accept in one email. Rendering stops
once it is passed, so a loop cannot go on for gigabytes."""

_PRINTF = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d*))?"
    r"[hlL]?(?P<type>.)",
    re.DOTALL,
)
"""One conversion of printf-style formatting: `%(name)-08.3f`, `%*d`, `%%`."""
_SPEC = re.compile(
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?[a-zA-Z%]?",
    re.DOTALL,
)
"""Python's format mini-language for text and numbers: `*>10`, `08.3f`, `,.2%`."""
_PADDING_METHODS = frozenset({"ljust", "rjust", "center", "zfill"})
_WRAPPED_METHODS = _PADDING_METHODS | {"expandtabs", "format", "format_map"}
METHOD_TYPES = (MethodType, BuiltinMethodType)
"""What a method of a value read in a template is, bound (`"x".format`)."""
_SHOWN_COLLECTIONS = (Mapping, KeysView, ValuesView, ItemsView, list, tuple, set, frozenset)


_WIDTH_HINT = "look for a number typed with extra zeros"
_VALUES_HINT = "format fewer or shorter values"


def check_size(size: int, what: str, *, hint: str = _WIDTH_HINT) -> None:
    """SecurityError if `what` in a template asks for more than RENDERED_LIMIT characters.

    `hint` tells the coordinator what to change in the template.
    """
    if size > RENDERED_LIMIT:
        raise SecurityError(
            f"this {what} asks for {size:,} characters of text, more than the"
            f" {RENDERED_LIMIT:,} a template may make; {hint}"
        )


def text_size(value: object) -> int:
    """About as many characters as `str(value)` would make, or more, found without making them.

    A list of one long text repeated is small in memory but huge as text: `[s] * 100000`
    shows as ten thousand million characters. Inside a list or mapping a text counts as
    `repr` writes it, a character other than printable ASCII as up to twelve (`\\U000e0001`,
    or JSON's `\\udb40\\udc01`, for `tojson`); a list met again counts once, so a list of a
    list repeated is counted as fast as it is made. An object other than a text, number,
    list, set, mapping, view of a mapping (`d.items()`) or namespace counts as nothing.
    """
    if isinstance(value, str):
        return len(value)
    return _shown_size(value, {})


def _shown_size(value: object, known: dict[int, int]) -> int:
    """`value`'s size as `repr` writes it, with the sizes of the lists in it in `known`."""
    if isinstance(value, str | bytes):
        plain = value.isascii() and (isinstance(value, bytes) or value.isprintable())
        return (len(value) if plain else 12 * len(value)) + 3
    if isinstance(value, bool | int):
        return value.bit_length() // 3 + 2
    if isinstance(value, Namespace):
        value = value._Namespace__attrs
    if not isinstance(value, _SHOWN_COLLECTIONS):
        return 32 if isinstance(value, float | complex) else 0
    if id(value) not in known:
        known[id(value)] = 5
        parts = chain.from_iterable(value.items()) if isinstance(value, Mapping) else value
        known[id(value)] = sum(_shown_size(part, known) + 2 for part in parts) + 2
    return known[id(value)]


def check_printf(text: str, values: object) -> None:
    """SecurityError if `text % values` would pass RENDERED_LIMIT.

    The widths and precisions are checked first; then the text values put in, so that many
    `%s` cannot repeat a long text past the limit. A width given as `*` is the next of
    `values`, as Python takes it.
    """
    positional = iter(values if isinstance(values, tuple) else (values,))
    widths = made = 0
    for match in _PRINTF.finditer(text):
        if match["type"] != "%":
            width = _printf_number(match["width"], positional)
            width = max(width, _printf_number(match["precision"], positional))
            value = next(positional, None)
            if match["key"] is not None and isinstance(values, Mapping):
                value = values.get(match["key"])
            widths += width
            made += max(width, text_size(value))
    check_size(widths, "width")
    check_size(made, "formatting", hint=_VALUES_HINT)


def _printf_number(number: str | None, positional: Iterator[object]) -> int:
    if number == "*":
        value = next(positional, 0)
        return abs(value) if isinstance(value, int) else 0
    return int(number) if number else 0


def _spec_width(spec: str) -> int:
    """The most of the width and precision in a format spec (`>10`, `.3f`); 0 if none."""
    match = _SPEC.fullmatch(spec)
    if match is None:
        return 0
    return max(int(match["width"] or 0), int(match["precision"] or 0))


class _WidthCounting(Formatter):
    """A formatter that adds up the widths its fields ask for and the text they make, and
    refuses past the limit before the fields are joined."""

    _asked = 0
    _made = 0

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        """The field converted (`!s`, `!r`, `!a`), once the text it makes is within the limit."""
        if conversion is not None:
            check_size(self._made + text_size(value), "formatting", hint=_VALUES_HINT)
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> Any:
        """The field formatted, once the widths asked for so far are within the limit."""
        self._asked += _spec_width(format_spec)
        check_size(self._asked, "width")
        check_size(self._made + text_size(value), "formatting", hint=_VALUES_HINT)
        field = super().format_field(value, format_spec)
        self._made += len(field)
        check_size(self._made, "formatting", hint=_VALUES_HINT)
        return field


class _Formatter(_WidthCounting, SandboxedFormatter):
    """Jinja's sandboxed `str.format`, with widths counted."""


class _EscapeFormatter(_WidthCounting, SandboxedEscapeFormatter):
    """Jinja's sandboxed `Markup.format`, which escapes its fields, with widths counted."""


def wrapped_str_method(environment: Environment, value: Any) -> Callable[..., str] | None:
    """The checked stand-in for a string's `format`, padding or tab method; None for others.

    Called by the sandbox for every attribute a template reads, so the first test is the one
    Jinja's own `wrap_str_format` makes, and ordinary attributes cost nothing more.
    """
    if (
        not isinstance(value, METHOD_TYPES)
        or value.__name__ not in _WRAPPED_METHODS
        or not isinstance(value.__self__, str)
    ):
        return None
    text: str = value.__self__
    if value.__name__ in _PADDING_METHODS:
        return update_wrapper(_padding(value), value)
    if value.__name__ == "expandtabs":
        return update_wrapper(_expandtabs(text, value), value)
    return update_wrapper(_formatting(environment, text, value.__name__), value)


def _padding(method: Callable[..., str]) -> Callable[..., str]:
    def padded(width: object, *fill: str) -> str:
        if isinstance(width, int):
            check_size(width, "width")
        return method(width, *fill)

    return padded


def _expandtabs(text: str, method: Callable[..., str]) -> Callable[..., str]:
    def expanded(tabsize: object = 8) -> str:
        if isinstance(tabsize, int):
            check_size(len(text) + text.count("\t") * tabsize, "tab width")
        return method(tabsize)

    return expanded


def _formatting(environment: Environment, text: str, name: str) -> Callable[..., str]:
    """`text.format` or `text.format_map` as Jinja's sandbox does them, widths counted."""

    def formatted(*args: Any, **kwargs: Any) -> str:
        formatter: Formatter
        if isinstance(text, Markup):
            formatter = _EscapeFormatter(environment, escape=text.escape)
        else:
            formatter = _Formatter(environment)
        if name != "format_map":
            return type(text)(formatter.vformat(text, args, kwargs))
        if kwargs or len(args) != 1:
            raise TypeError("format_map() takes exactly one argument")
        return type(text)(formatter.vformat(text, (), args[0]))

    return formatted


def _center(value: str, width: int = 80) -> str:
    """Jinja's `center` filter, refusing a width past the limit."""
    if isinstance(width, int):
        check_size(width, "width")
    return do_center(value, width)


def _format(value: str, *args: Any, **kwargs: Any) -> str:
    """Jinja's `format` filter (printf-style), refusing widths past the limit."""
    check_printf(soft_str(value), kwargs or args)
    return do_format(value, *args, **kwargs)


def _indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Jinja's `indent` filter, refusing an indent that would make the text too long."""
    if isinstance(width, int | str):
        per_line = len(width) if isinstance(width, str) else width
        _check_lines(s, per_line, lines=lambda: len(s.splitlines()) + 1, what="indent")
    return do_indent(s, width, first, blank)


@pass_environment
def _wordwrap(environment: Environment, s: str, *args: Any, **kwargs: Any) -> str:
    """Jinja's `wordwrap` filter, refusing a line break text that would make it too long.

    A huge width makes nothing (the text is left as it is), but the text put between lines
    (`wrapstring`, the third argument) is repeated once a line, and every line holds at
    least one character.
    """
    wrapstring = kwargs.get("wrapstring", args[2] if len(args) > 2 else None)
    between = len(wrapstring if wrapstring is not None else environment.newline_sequence)
    _check_lines(s, between, lines=lambda: len(s) + 1, what="line wrapping")
    return do_wordwrap(environment, s, *args, **kwargs)


def _check_lines(text: str, per_line: int, *, lines: Callable[[], int], what: str) -> None:
    """SecurityError if adding `per_line` characters to each of `lines()` passes the limit.

    Counting lines takes a pass over the text, so it is done only when the quick bound of a
    line per character is past the limit.
    """
    if len(text) + max(per_line, 0) * (len(text) + 1) > RENDERED_LIMIT:
        check_size(len(text) + per_line * lines(), what)


CHECKED_FILTERS: Mapping[str, Callable[..., str]] = {
    "center": _center,
    "format": _format,
    "indent": _indent,
    "wordwrap": _wordwrap,
}
"""Jinja's filters that pad, indent or wrap, checked before they make their text."""
