"""Joins, replacements and concatenations a template asks for, refused before the text is made.

These make text longer than what they are given: `s | join(s)` puts all of `s` between every
two of its characters, `s | replace('x', s)` puts it in place of every `x`, and
`ns.s ~ ns.s` in a loop doubles a text each time round. From the 100,000 characters that `*`
may make, one such call can ask for ten thousand million, which would exhaust memory long
before the limit on what a template renders (RENDERED_LIMIT, checked as the output is joined)
saw it. The sandbox (`compose._Sandbox`) sends each of them through a check here first: the
`join` and `replace` filters (replaced by name), the string methods `join`, `replace` and
`translate` (through `wrap_str_format`, before the width checks of `template_widths`), and
`~` and `+` (through the code templates are compiled into, and an intercepted operator).

A list written out is text made of many too: `[s] * 1000` is a thousand references to one
text, and `{{ [s] * 1000 }}` (or `string`, `pprint`, `tojson`) writes each out. Its size
is worked out first too (`text_size`), as the sandbox's `finalize` and in those filters.
So is `urlize`, which repeats its `target` and `rel` in every link it makes. Every other
filter that makes text of what it is given (`lower`, `e`, `trim`, `wordcount` ...) checks
the size of a list or mapping it is given first (`checking_filters`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import update_wrapper
from itertools import chain
from typing import Any

from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.environment import Environment
from jinja2.filters import (
    do_join,
    do_pprint,
    do_replace,
    do_tojson,
    do_urlize,
    make_attrgetter,
)
from jinja2.nodes import Concat, EvalContext
from jinja2.utils import pass_eval_context
from markupsafe import Markup, escape, soft_str

from reminder_service.template_widths import (
    METHOD_TYPES,
    check_size,
    text_size,
    wrapped_str_method,
)

_JOIN_HINT = "join fewer or shorter items, or put a shorter text between them"
_REPLACE_HINT = "replace fewer places, or with a shorter text"
_TRANSLATE_HINT = "translate characters into shorter texts"
_CONCAT_HINT = "look for a text that is joined to itself in a loop"
_LIST_HINT = "write out fewer or shorter items"
_LINK_HINT = "give `urlize` a shorter target or rel"
_LINK_MARKUP = 64
"""The most characters `urlize` adds to a link besides its text, target and rel:
`<a href="https://" rel=" noopener nofollow" target=""></a>`."""


def checked_str_method(environment: Environment, value: Any) -> Callable[..., str] | None:
    """The checked stand-in for a string method that makes text longer; None for others.

    Called by the sandbox for every attribute a template reads, so ordinary attributes are
    let through after two quick tests.
    """
    if isinstance(value, METHOD_TYPES) and isinstance(value.__self__, str):
        check = _STR_METHODS.get(value.__name__)
        if check is not None:
            return update_wrapper(check(value), value)
    return wrapped_str_method(environment, value)


def _str_join(method: Callable[..., str]) -> Callable[..., str]:
    separator: str = method.__self__  # type: ignore[attr-defined]

    def joined(iterable: Iterable[Any]) -> str:
        parts = list(iterable)
        escaped = isinstance(separator, Markup)
        if escaped or all(isinstance(part, str) for part in parts):
            _check_join(parts, separator, escaped=escaped)
        return method(parts)

    return joined


def _str_replace(method: Callable[..., str]) -> Callable[..., str]:
    text: str = method.__self__  # type: ignore[attr-defined]

    def replaced(old: Any, new: Any, count: Any = -1) -> str:
        if isinstance(old, str) and isinstance(new, str) and isinstance(count, int):
            _check_replace(text, old, new, count)
        return method(old, new, count)

    return replaced


def _str_translate(method: Callable[..., str]) -> Callable[..., str]:
    text: str = method.__self__  # type: ignore[attr-defined]

    def translated(table: Any) -> str:
        values = table.values() if isinstance(table, Mapping) else table
        if isinstance(values, Iterable) and not isinstance(values, str):
            longest = max((len(v) for v in values if isinstance(v, str)), default=1)
            check_size(len(text) * longest, "translation", hint=_TRANSLATE_HINT)
        return method(table)

    return translated


_STR_METHODS: Mapping[str, Callable[[Callable[..., str]], Callable[..., str]]] = {
    "join": _str_join,
    "replace": _str_replace,
    "translate": _str_translate,
}


@pass_eval_context
def _join(
    eval_ctx: EvalContext, value: Iterable[Any], d: str = "", attribute: str | int | None = None
) -> str:
    """Jinja's `join` filter, refusing a joined text past the limit before making it."""
    if attribute is not None:
        value = map(make_attrgetter(eval_ctx.environment, attribute), value)
    parts = list(value)
    _check_join(parts, d, escaped=eval_ctx.autoescape)
    return do_join(eval_ctx, parts, d)  # type: ignore[no-any-return]


def _check_join(parts: list[Any], separator: str, *, escaped: bool) -> None:
    """SecurityError if `parts` joined by `separator` would pass the limit.

    With `escaped` every part is counted as HTML-escaped, as joining may escape them.
    """
    between = max(len(parts) - 1, 0) * _length(separator, escaped=escaped)
    check_size(between, "join", hint=_JOIN_HINT)
    made = between + sum(_length(part, escaped=escaped) for part in parts)
    check_size(made, "join", hint=_JOIN_HINT)


def _length(value: object, *, escaped: bool) -> int:
    """How long `value` is as text, escaped for HTML if `escaped`; a list is not made into text
    to find out, nor escaped (which makes each character at most six)."""
    if not isinstance(value, str):
        return text_size(value) * (6 if escaped else 1)
    return len(escape(value) if escaped else value)


@pass_eval_context
def _replace(eval_ctx: EvalContext, s: str, old: str, new: str, count: int | None = None) -> str:
    """Jinja's `replace` filter, refusing a result past the limit before making it."""
    if count is None or isinstance(count, int):
        text = _replaced_text(eval_ctx, s, old, new)
        _check_replace(text, soft_str(old), soft_str(new), -1 if count is None else count)
    return do_replace(eval_ctx, s, old, new, count)


def _replaced_text(eval_ctx: EvalContext, s: object, old: object, new: object) -> str:
    """The text Jinja's `replace` filter replaces in: escaped first when HTML is involved."""
    if not eval_ctx.autoescape:
        return str(s)
    if hasattr(old, "__html__") or hasattr(new, "__html__"):
        return escape(s)
    return soft_str(s)


def _check_replace(text: str, old: str, new: str, count: int) -> None:
    """SecurityError if `text.replace(old, new, count)` would pass the limit.

    Safe text (Markup) escapes what it is given to put in, so that is what is counted.
    """
    if isinstance(text, Markup):
        old, new = escape(old), escape(new)
    places = text.count(old)
    if count >= 0:
        places = min(places, count)
    check_size(len(text) + places * (len(new) - len(old)), "replacement", hint=_REPLACE_HINT)


def check_added(left: object, right: object) -> None:
    """SecurityError if text `left + right` would pass the limit."""
    if isinstance(left, str) and isinstance(right, str):
        check_size(len(left) + len(right), "joining of texts", hint=_CONCAT_HINT)


def checked_concat(parts: tuple[Any, ...]) -> tuple[Any, ...]:
    """`parts`, once the text `~` makes of them is within the limit."""
    made = sum(map(text_size, parts))
    check_size(made, "joining of texts", hint=_CONCAT_HINT)
    return parts


class CheckedConcatGenerator(CodeGenerator):
    """Jinja's code generator, with every `~` passing what it joins to `checked_concat` first.

    The compiled template calls the environment's `checked_concat`, as Jinja's own code
    calls its `getattr` and `call`.
    """

    @optimizeconst
    def visit_Concat(self, node: Concat, frame: Frame) -> None:  # noqa: N802 - Jinja's hook name
        """Jinja's `a ~ b`, written as `str_join(environment.checked_concat((a, b, )))`."""
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"{func_name}(environment.checked_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(")))")


def checked_shown(value: object) -> object:
    """`value`, once the text `{{ value }}` makes of it is within the limit (the sandbox's
    `finalize`): a list shows every text in it."""
    if not isinstance(value, str):
        check_size(text_size(value), "list written out", hint=_LIST_HINT)
    return value


@pass_eval_context
def _tojson(eval_ctx: EvalContext, value: object, indent: int | None = None) -> Markup:
    """Jinja's `tojson` filter, refusing JSON past the limit before making it; `indent` may
    start every item's line."""
    per_line = indent if isinstance(indent, int) else 0
    check_size(text_size(value) * (1 + per_line), "JSON", hint=_LIST_HINT)
    return do_tojson(eval_ctx, value, indent)


@pass_eval_context
def _urlize(eval_ctx: EvalContext, value: str, *args: Any, **kwargs: Any) -> str:
    """Jinja's `urlize` filter, refusing links past the limit before making them: every word
    may become a link, written twice (address and text) and carrying `target` and `rel`
    (the third and fourth arguments after the text)."""
    target = kwargs.get("target", args[2] if len(args) > 2 else None)
    rel = kwargs.get("rel", args[3] if len(args) > 3 else None)
    text = soft_str(value)
    per_link = _LINK_MARKUP + len(soft_str(target or "")) + len(soft_str(rel or ""))
    made = 2 * len(escape(text)) + len(text.split()) * per_link
    check_size(made, "link making", hint=_LINK_HINT)
    return do_urlize(eval_ctx, value, *args, **kwargs)


def _shown_by(make: Callable[..., str]) -> Callable[..., str]:
    """Jinja's filter `make`, refusing a value whose text would pass the limit first."""

    def shown(value: object, *args: Any, **kwargs: Any) -> str:
        checked_shown(value)
        return make(value, *args, **kwargs)

    return update_wrapper(shown, make)


CHECKED_FILTERS: Mapping[str, Callable[..., str]] = {
    "join": _join,
    "replace": _replace,
    "string": _shown_by(soft_str),
    "pprint": _shown_by(do_pprint),
    "tojson": _tojson,
    "urlize": _urlize,
}
"""Jinja's filters that join, replace, write a list out or repeat their arguments in links,
checked before they make their text."""


_KEEPS_CONTAINERS = frozenset(
    {
        *("join", "pprint", "string", "tojson", "attr", "batch", "count", "d", "default"),
        *("dictsort", "first", "groupby", "items"),
        *("last", "length", "list", "map", "max", "min", "random", "reject", "rejectattr"),
        *("reverse", "select", "selectattr", "slice", "sort", "sum", "unique"),
    }
)
"""Jinja's filters that never make text of a list or mapping they are given (or count its
text themselves, as `text_size` does): they pick, count or reorder its items."""


def checking_filters(filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """`filters`, each but those in _KEEPS_CONTAINERS refusing a value or argument whose text
    would pass the limit before it runs: `l | lower` writes out the whole list `l` first,
    and `s | replace('x', l)` the list it puts in."""
    return {
        name: filter_ if name in _KEEPS_CONTAINERS else _checking(filter_)
        for name, filter_ in filters.items()
    }


def _checking(filter_: Callable[..., Any]) -> Callable[..., Any]:
    """`filter_`, checking the text of its value and arguments first; they follow the
    context, evaluation context or environment that Jinja passes first to some filters."""
    at = 1 if hasattr(filter_, "jinja_pass_arg") else 0

    def checked(*args: Any, **kwargs: Any) -> Any:
        for value in chain(args[at:], kwargs.values()):
            checked_shown(value)
        return filter_(*args, **kwargs)

    return update_wrapper(checked, filter_)
