"""HTML mail to plain text, without the quoted original.

HTML-only replies quote the message they answer inside containers that each client marks
in its own way: Gmail's `gmail_quote`, Apple Mail's and Thunderbird's `<blockquote>`,
Thunderbird's `moz-cite-prefix` attribution, Yahoo's `yahoo_quoted`. Those containers are
dropped with everything inside them, and a lone `>` line stands in their place, so the
quote stripper still sees where a quote was (an attribution line followed by an answer is
then an answer below a quote, not the start of the original). Outlook does not nest the
original: it puts a header block (`divRplyFwdMsg`, or a `div` with a top border) and then
the original as siblings, so from such a marker on everything is dropped.

The parser is the standard library's streaming `HTMLParser`: no recursion, so deeply
nested markup costs time in proportion to its length, and never raises to the caller.
"""

from __future__ import annotations

import contextlib
import re
from html.parser import HTMLParser
from typing import Final

QUOTE_PLACEHOLDER: Final = ">"
"""The line that stands where a quoted container was removed."""

_LINE_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "section",
        "summary",
        "tbody",
        "tfoot",
        "thead",
        "tr",
    }
)
_PARAGRAPH_BLOCKS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "ol", "p", "pre", "table", "ul"})
_CELLS = frozenset({"td", "th"})
_DROPPED = frozenset({"head", "noscript", "script", "style", "template", "title", "xml"})
_QUOTE_CLASSES = frozenset(
    {"gmail_quote", "moz-cite-prefix", "protonmail_quote", "yahoo_quoted", "zmail_extra"}
)
_CUT_IDS = frozenset({"appendonsend", "divrplyfwdmsg", "mail-editor-reference-message-container"})
_CUT_CLASSES = frozenset({"outlookmessageheader"})
_OUTLOOK_HEADER_STYLE = "border:none;border-top:solid"
_SPACE = re.compile(r"\s+")

Attrs = list[tuple[str, str | None]]


def html_to_text(html: str) -> str:
    """The visible text of `html`, one line per block, with quoted containers removed.

    Never raises: markup the parser cannot follow ends the text where it stopped.
    """
    parser = _TextParser()
    with contextlib.suppress(Exception):  # _OriginalFollows, or hostile markup tripping HTMLParser
        parser.feed(_defused(html))
        parser.close()
    return parser.text()


def _defused(html: str) -> str:
    """`html` with every `<` that cannot start a complete tag or comment written as `&lt;`.

    HTMLParser rescans to the end of the input for each unterminated `<` or `<!--`, which
    is quadratic on hostile input; after this single linear pass every `<` it sees has its
    `>` (or `-->`) before the next `<`.
    """
    out: list[str] = []
    size = len(html)
    pos = 0
    next_gt = html.find(">")
    comments_end = True
    while (lt := html.find("<", pos)) >= 0:
        out.append(html[pos:lt])
        if comments_end and html.startswith("<!--", lt):
            end = html.find("-->", lt + 4)
            if end >= 0:
                out.append(html[lt : end + 3])
                pos = end + 3
                continue
            comments_end = False
        if 0 <= next_gt < lt:
            next_gt = html.find(">", lt)
        next_lt = html.find("<", lt + 1)
        closed = next_gt >= 0 and (next_lt < 0 or next_gt < next_lt)
        out.append("<" if closed else "&lt;")
        pos = lt + 1
    out.append(html[pos:size])
    return "".join(out)


class _OriginalFollows(Exception):  # noqa: N818 - a signal, not an error
    """Raised by the parser at Outlook's marker: nothing after it is the sender's text."""


class _TextParser(HTMLParser):
    """Collects lines of text while skipping dropped elements and quoted containers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._lines: list[str] = []
        self._parts: list[str] = []
        self._skip_tag: str | None = None
        self._skip_depth = 0
        self._pre_depth = 0

    def text(self) -> str:
        """The collected lines, blank runs collapsed to one, trimmed."""
        self._end_line()
        lines: list[str] = []
        for line in self._lines:
            if line or (lines and lines[-1]):
                lines.append(line)
        return "\n".join(lines).strip("\n")

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        """Open an element: maybe start skipping, cutting or a new line."""
        self._start(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        """A self-closing element: like an opening tag that never encloses anything."""
        self._start(tag, attrs, self_closing=True)

    def handle_endtag(self, tag: str) -> None:
        """Close an element: end a skip it started, or end a line."""
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth -= 1
                if self._skip_depth == 0:
                    self._skip_tag = None
            return
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        self._block_boundary(tag)

    def handle_data(self, data: str) -> None:
        """Text: kept unless inside something skipped."""
        if self._skip_tag is not None:
            return
        if self._pre_depth:
            first, *rest = data.split("\n")
            self._parts.append(first)
            for line in rest:
                self._end_line()
                self._parts.append(line)
        else:
            self._parts.append(data)

    def unknown_decl(self, data: str) -> None:
        """Outlook's `<![if ...]>` and similar: ignored."""

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """A `<![...` section; one the base class cannot name is left to be read as text."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return -1

    def _start(self, tag: str, attrs: Attrs, *, self_closing: bool) -> None:
        if tag == "body" and self._skip_tag == "head":
            self._skip_tag = None
        if self._skip_tag is not None:
            if tag == self._skip_tag and not self_closing:
                self._skip_depth += 1
            return
        if tag in _DROPPED and not self_closing:
            self._skip_tag = tag
            self._skip_depth = 1
            return
        if _starts_original(tag, attrs):
            raise _OriginalFollows
        if _is_quote(tag, attrs):
            self._end_line()
            self._lines.append(QUOTE_PLACEHOLDER)
            if not self_closing:
                self._skip_tag = tag
                self._skip_depth = 1
            return
        if tag == "br":
            self._end_line(force=True)
            return
        if tag == "pre" and not self_closing:
            self._pre_depth += 1
        self._block_boundary(tag)

    def _block_boundary(self, tag: str) -> None:
        if tag in _LINE_BLOCKS:
            self._end_line()
        elif tag in _PARAGRAPH_BLOCKS:
            self._end_line()
            if self._lines and self._lines[-1]:
                self._lines.append("")
        elif tag in _CELLS:
            self._parts.append(" ")

    def _end_line(self, *, force: bool = False) -> None:
        line = _SPACE.sub(" ", "".join(self._parts)).strip()
        self._parts.clear()
        if line or force:
            self._lines.append(line)


def _attr(attrs: Attrs, name: str) -> str:
    for key, value in attrs:
        if key == name and value:
            return value
    return ""


def _is_quote(tag: str, attrs: Attrs) -> bool:
    """A container holding quoted text (and often the attribution line above it)."""
    if tag == "blockquote":
        return True
    classes = set(_attr(attrs, "class").lower().split())
    return bool(classes & _QUOTE_CLASSES) or _attr(attrs, "id").lower().startswith("yahoo_quoted")


def _starts_original(tag: str, attrs: Attrs) -> bool:
    """Outlook's marker after which everything is the original message."""
    element_id = _attr(attrs, "id").lower()
    if element_id.endswith("divrplyfwdmsg") or element_id in _CUT_IDS:
        return True
    if set(_attr(attrs, "class").lower().split()) & _CUT_CLASSES:
        return True
    style = _SPACE.sub("", _attr(attrs, "style").lower())
    return tag == "div" and _OUTLOOK_HEADER_STYLE in style
