"""Where a YAML syntax error was made, and what to do about it, in a coordinator's words.

PyYAML notices most typing slips later than where they were made, in words that do not name
them: a quote left open is noticed where a later quote closes it, a key without its colon
where the lines after it stop making sense. So each line from the error up (`SEARCH_LINES`)
is mended the ways such slips are mended, one mend at a time, and the lines around it are
parsed again: the first mend after which YAML reads them through, to a few lines past the
error, names the slip and its line. A mend is only tried, never kept. Reading it through is
the test, so a line that only looks like a slip (a dash in text written after `>`, a link,
a quoted value over two lines) is never blamed. An error that no mend explains is reported
where YAML found it, with advice for the common ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import yaml

__all__ = ["syntax_problem"]

SEARCH_LINES = 30
"""How far above the error a slip is looked for (a quote left open runs on to the next)."""
AFTER_LINES = 3
"""How many lines past the error a mended text must read through."""
WHOLE_TEXT_LINES = 400
"""Up to this many lines, the text is parsed again from its top when the lines around the
error alone do not show it (they may start inside a value written over several lines)."""

_IN_BRACES = (
    "a '{' is not closed with '}' on its line, or a value in braces contains ': ' or ' #':"
    " close each '{' with '}' on the same line, and put such a value in quotes, such as"
    ' {name: "Ben Ong: Jr"}'
)
_FIELD_NOT_LINED_UP = (
    "this line is not lined up with the fields of its group: give the fields of one group the"
    " same number of spaces before each"
)
_ITEM_NOT_LINED_UP = (
    "this list item is not lined up with the items of its list: give each '- ' of one list"
    " the same number of spaces before it"
)
_ADVICE = {
    "found character '\\t' that cannot start any token": (
        "this line has a tab: indent with spaces, not tabs"
    ),
    "mapping values are not allowed here": (
        "this line has a second ': ': if a value contains ': ', put it in quotes"
    ),
    "but found another document": (
        "a second document starts here: a program file holds one document; remove the extra '---'"
    ),
    "could not find expected ':'": (
        "a field's name is followed by a colon and a space, as in 'started: 2024-03-01'"
    ),
    "expected <block end>, but found '<block mapping start>'": _FIELD_NOT_LINED_UP,
    "expected <block end>, but found '?'": _FIELD_NOT_LINED_UP,
    "expected <block end>, but found '<block sequence start>'": _ITEM_NOT_LINED_UP,
    "expected <block end>, but found '-'": _ITEM_NOT_LINED_UP,
    "expected <block end>, but found '<scalar>'": (
        "this line has text where a new field or item should start: a quote inside a quoted"
        " value ends it early (quote such a value with the other kind of quotes), or a line"
        " is not lined up with the lines above it"
    ),
    "expected ',' or '}', but got ':'": _IN_BRACES,
    "expected ',' or '}', but got '<scalar>'": _IN_BRACES,
}
_LINE_SEPARATORS = {"\x85": "U+0085", "\u2028": "U+2028", "\u2029": "U+2029"}
_SEPARATOR = re.compile("[\x85\u2028\u2029]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_KEY_AT_START = r"^(?P<lead>[ ]*(?:-[ ]+)?)(?P<key>[A-Za-z_][\w-]*)"
_FULL_WIDTH_COLON = re.compile(_KEY_AT_START + r"\uff1a\s*(?P<after>.*)$")
_ODD_SPACE_AFTER_COLON = re.compile(
    _KEY_AT_START + r":(?P<space>[\t\u00a0\u2000-\u200b\u202f\u3000])[ \t\u00a0]*(?P<after>.*)$"
)
_COLON_WITHOUT_SPACE = re.compile(_KEY_AT_START + r":(?P<after>\S.*)$")
_COLON_MISSING = re.compile(
    _KEY_AT_START + r"""[ ]+(?P<after>"[^"]*"|'[^']*'|[^\s#:="'][^:#]*?)\s*(?:#.*)?$"""
)
_EQUALS_FOR_COLON = re.compile(_KEY_AT_START + r"\s*=\s*(?P<after>.*)$")
_BARE_NAME = re.compile(_KEY_AT_START + r"(?P<after>[ \t]*(?:#.*)?)$")
_WORD_PROCESSOR_DASH = re.compile(r"^(?P<lead>[ ]*)[\u2013\u2014\u2212](?P<after>\s.*)$")
_ITEM = re.compile(r"^(?P<lead>[ ]*)-[ ]+(?P<after>\S.*)$")
_DASH_WITHOUT_SPACE = re.compile(r"^(?P<lead>[ ]*)-(?P<after>[^\s-].*)$")
_ODD_INDENT = re.compile(r"^(?P<lead>[ \u00a0\u2000-\u200b\u202f\u3000]*)(?P<rest>\S.*)$")
_COMMENT = re.compile(r"\s+#")


def syntax_problem(text: str, exc: yaml.MarkedYAMLError) -> tuple[int | None, str]:
    """The line of the slip behind `exc`, a syntax error PyYAML raised reading `text`, and
    what is wrong there (None: the error has no place, as at the end of the text)."""
    separator = _line_separator(text)
    if separator is not None:
        return separator
    mark = exc.problem_mark or exc.context_mark
    line = None if mark is None else mark.line + 1
    if line is not None and (slip := _slip(text.splitlines(keepends=True), line)) is not None:
        return slip
    problem = exc.problem or exc.context or "unreadable"
    advice = _ADVICE.get(problem) or _advice_by_kind(problem)
    return line, f"this is not valid YAML: {advice or problem.removeprefix('but ')}"


def _advice_by_kind(problem: str) -> str | None:
    """Advice for a PyYAML problem of a kind whose words vary with the character found."""
    if found := _CANNOT_START.fullmatch(problem):
        return f"a value cannot start with {found[1]}: delete it, or put the whole value in quotes"
    if problem.startswith("expected <block end>, but found"):
        return (
            "this line does not fit where it stands: check its spaces before it against the"
            " lines above it, and any '- ', '{' or '}' on it"
        )
    return None


_CANNOT_START = re.compile(r"found character (.+) that cannot start any token")


def _line_separator(text: str) -> tuple[int, str] | None:
    """An invisible line separator, which YAML takes for the end of a line where editors do
    not (so every line number after it would be off): its line, as editors count them."""
    found = _SEPARATOR.search(text)
    if found is None:
        return None
    line = len(_LINE_BREAK.findall(text, 0, found.start())) + 1
    name = _LINE_SEPARATORS[found.group()]
    return line, (
        f"this is not valid YAML: this line holds an invisible line separator ({name}),"
        " which YAML reads as the end of the line; delete it (it comes with text pasted"
        " from some web pages and word processors)"
    )


def _slip(lines: Sequence[str], line: int) -> tuple[int, str] | None:
    """The line and advice of the first mend, from the error's line up, after which the
    lines around the error read through; None when none does. A line's indentation is
    mended last, and only on the error's line and the line above it: a line out of line
    is noticed there, and lining up any line with any other makes almost anything read."""
    last = min(line, len(lines))
    end = min(len(lines), line + AFTER_LINES)
    top = max(1, last - SEARCH_LINES)
    start = _fragment_start(lines, top, end)
    if _error_line(lines, start, end) != line:
        if start == 1 or end > WHOLE_TEXT_LINES or _error_line(lines, 1, end) != line:
            return None
        start = 1
    mends = [
        (number, mend)
        for number in range(last, max(start, top) - 1, -1)
        for mend in _mends(lines, number)
    ] + [
        (number, mend)
        for number in range(last, max(start, last - 1) - 1, -1)
        for mend in (*_item_mends(lines, number), *_indent_mends(lines, number, start))
    ]
    for number, (mended, advice) in mends:
        error = _error_line(lines, start, end, mend=(number, mended))
        if error is None or (end < len(lines) and error > end):
            return number, f"this is not valid YAML: {advice}"
    return None


def _fragment_start(lines: Sequence[str], top: int, end: int) -> int:
    """The nearest line at or above `top` that YAML can start reading at: one indented no
    deeper than any line after it, up to `end` (the first line when none is)."""
    deepest_allowed = min(
        (_indent(lines[n - 1]) for n in range(top, end + 1) if _content(lines[n - 1])),
        default=0,
    )
    for number in range(top, 0, -1):
        written = lines[number - 1]
        if not _content(written):
            continue
        if _indent(written) <= deepest_allowed:
            return number
        deepest_allowed = min(deepest_allowed, _indent(written))
    return 1


def _error_line(
    lines: Sequence[str], start: int, end: int, *, mend: tuple[int, str] | None = None
) -> int | None:
    """The line (of the whole text) where parsing lines `start` to `end` fails, with line
    `mend[0]` written as `mend[1]`; None when they read through."""
    fragment = list(lines[start - 1 : end])
    if mend is not None:
        number, mended = mend
        written = fragment[number - start]
        fragment[number - start] = mended + written[len(written.rstrip("\r\n")) :]
    try:
        for _ in yaml.parse("".join(fragment), Loader=yaml.SafeLoader):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return end + 1 if mark is None else mark.line + start
    except yaml.YAMLError:
        return 0
    return None


def _mends(lines: Sequence[str], number: int) -> Iterator[tuple[str, str]]:
    """Line `number` as each slip of its text would be mended, with the advice for it."""
    written = lines[number - 1].rstrip("\r\n")
    yield from _quote_mends(written)
    if (colon := _colon_mend(written)) is not None:
        yield colon
    if found := _DASH_WITHOUT_SPACE.match(written):
        yield (
            f"{found['lead']}- {found['after']}",
            "put a space after the '-' that starts a list item",
        )
    if found := _WORD_PROCESSOR_DASH.match(written):
        yield (
            f"{found['lead']}-{found['after']}",
            "the dash that starts this list item is a word processor's long dash: type '-'",
        )
    yield from _bracket_mends(written)
    found = _ODD_INDENT.match(written)
    if found is not None and found["lead"].strip(" "):
        yield (
            " " * len(found["lead"]) + found["rest"],
            "this line is indented with no-break spaces, as word processors type them: indent"
            " it with ordinary spaces",
        )


def _colon_mend(written: str) -> tuple[str, str] | None:
    """The line with the colon after its field's name mended: a full-width colon, a tab or
    a no-break space after it, no space after it, or no colon at all."""
    if found := _FULL_WIDTH_COLON.match(written):
        advice = (
            f"'{found['key']}' is followed by a full-width colon '\uff1a': type ':' and a space"
        )
    elif found := _ODD_SPACE_AFTER_COLON.match(written):
        advice = (
            f"the space after '{found['key']}:' is a tab: type a space"
            if found["space"] == "\t"
            else f"the space after '{found['key']}:' is not an ordinary space (word processors"
            " type a no-break space there): type an ordinary space"
        )
    elif found := _COLON_WITHOUT_SPACE.match(written):
        token = f"{found['key']}:{found['after']}".split()[0]
        advice = f"put a space after the colon in {token!r}"
    elif found := _EQUALS_FOR_COLON.match(written):
        advice = f"write ':' after '{found['key']}', not '='"
    elif found := _COLON_MISSING.match(written):
        example = f"{found['key']}: {found['after']}"
        advice = f"put a colon and a space after '{found['key']}', as in {_shortened(example)!r}"
    elif found := _BARE_NAME.match(written):
        return (
            f"{found['lead']}{found['key']}:{found['after']}",
            f"put a colon after '{found['key']}'",
        )
    else:
        return None
    return f"{found['lead']}{found['key']}: {found['after']}", advice


def _quote_mends(written: str) -> Iterator[tuple[str, str]]:
    """The line without each quote of a kind the line has an odd number of: first one
    inside a quoted value (an apostrophe), then the first, which opens a value; the last
    closes one."""
    for quote, escaped in (('"', '\\"'), ("'", "''")):
        places = [
            place
            for place in _places(written.replace(escaped, "\0\0"), quote)
            if not _in_comment(written, place)
        ]
        if len(places) % 2 == 0:
            continue
        for place in [*places[1:-1], places[0]]:
            advice = (
                "a quote opened on this line is not closed on it"
                if place == places[0]
                else _QUOTE_INSIDE[quote]
            )
            yield written[:place] + written[place + 1 :], advice


_QUOTE_INSIDE = {
    '"': 'a quote inside a value in "..." ends it early: write it as \\" there',
    "'": (
        "an apostrophe inside a value in '...' ends it early: write it twice there, as in"
        " 'O''Connor', or put the value in double quotes"
    ),
}


def _bracket_mends(written: str) -> Iterator[tuple[str, str]]:
    """The line with each '{' or '[' it leaves open closed at its end, or before its
    comment; when the comment's text closes it, the ' #' is inside the braces, as part of
    a value, and cuts it short."""
    comment = _COMMENT.search(written)
    cut = len(written) if comment is None else comment.start()
    body, tail = written[:cut], written[cut:]
    for opening, closing in (("{", "}"), ("[", "]")):
        unclosed = body.count(opening) - body.count(closing)
        if unclosed < 0:
            extra = body.rindex(closing)
            yield (
                body[:extra] + body[extra + 1 :] + tail,
                f"this line has a '{closing}' too many: remove it",
            )
        if unclosed <= 0:
            continue
        advice = f"close the '{opening}' on this line with '{closing}' on the same line"
        if written.count(opening) == written.count(closing):
            advice = (
                f"a value in '{opening}...{closing}' holds ' #', which starts a comment"
                ' there: put that value in quotes, such as {name: "Ben Ong #2"}'
            )
        yield body.rstrip() + closing * unclosed + tail, advice


def _item_mends(lines: Sequence[str], number: int) -> Iterator[tuple[str, str]]:
    """The line without the '- ' that makes it a list item, in its place or lined up;
    none when other items of its group have one too (it is then one of a list)."""
    found = _ITEM.match(lines[number - 1].rstrip("\r\n"))
    if found is None or _other_items(lines, number):
        return
    advice = "remove the '- ' before this line: it starts a list item where none belongs"
    yield found["lead"] + "  " + found["after"], advice
    yield found["lead"] + found["after"], advice


def _other_items(lines: Sequence[str], number: int) -> bool:
    """Whether another line of the group around line `number` (the lines next to it that
    are indented as far or further) starts a list item at the same place."""
    lead = _indent(lines[number - 1])
    for direction in (-1, 1):
        other = number + direction
        while 1 <= other <= len(lines):
            written = lines[other - 1]
            if _content(written):
                if _indent(written) < lead:
                    break
                if _indent(written) == lead and _ITEM.match(written):
                    return True
            other += direction
    return False


def _indent_mends(lines: Sequence[str], number: int, start: int) -> Iterator[tuple[str, str]]:
    """The line lined up with the first line below it, each of the nearest lines above it,
    and the fields of a list item above it."""
    written = lines[number - 1].rstrip("\r\n")
    if not _content(written):
        return
    own = _indent(written)
    tried = {own}
    below = next((later for later in lines[number:] if _content(later)), None)
    for above in [None, *range(number - 1, start - 1, -1)]:
        line_above = below if above is None else lines[above - 1]
        if line_above is None or not _content(line_above):
            continue
        indents = [_indent(line_above)]
        if above is not None and (item := _DASH_ITEM.match(line_above)):
            indents.append(len(item.group()))
        for indent in indents:
            if indent in tried:
                continue
            tried.add(indent)
            what = "this list item has" if written.lstrip().startswith("- ") else "this line has"
            yield (
                " " * indent + written.lstrip(" \u00a0"),
                f"{what} {_spaces(own)} before it where the lines of its group have"
                f" {indent}: line them up, with the same number of spaces before each",
            )
        if len(tried) > 4:
            return


_DASH_ITEM = re.compile(r"^[ ]*-[ ]+(?=\S)")


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _places(written: str, quote: str) -> list[int]:
    return [place for place, character in enumerate(written) if character == quote]


def _in_comment(written: str, place: int) -> bool:
    comment = _COMMENT.search(written)
    starts_with_comment = written.lstrip().startswith("#")
    return starts_with_comment or (comment is not None and place > comment.start())


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _content(line: str) -> bool:
    """Whether `line` holds more than spaces or a comment."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _indent(line: str) -> int:
    """The spaces before `line`'s text as an editor shows them: no-break spaces count."""
    return len(line) - len(line.lstrip(" \u00a0"))
