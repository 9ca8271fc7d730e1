"""HTML mail to text: line structure, dropped elements and clients' quoted containers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.replies.html_text import QUOTE_PLACEHOLDER, html_to_text

GMAIL_QUOTE = (
    '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Tue, Mar 3, 2026 at 6:00'
    ' PM Northwind Mentoring &lt;<a href="mailto:m@n.example">m@n.example</a>&gt; wrote:<br>'
    '</div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">'
    "<div>--- Please reply above this line ---</div><div>Hi Ana and Ben,</div>"
    "<blockquote>an older quote</blockquote><div>Have you met yet?</div></blockquote></div>"
)
OUTLOOK_HEAD = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    "<style><!-- p.MsoNormal {margin:0cm;} --></style>"
    '<!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit" spidmax="1026" /></xml><![endif]-->'
    "</head>"
)


def _case(html: str, expected: str, case_id: str) -> object:
    return pytest.param(html, expected, id=case_id)


CASES = [
    _case(
        '<div dir="ltr">Yes, we met on Tuesday for 45 min.<div><br></div><div>Ana</div></div>'
        "<br>" + GMAIL_QUOTE,
        "Yes, we met on Tuesday for 45 min.\n\nAna\n\n>",
        "gmail top-posted",
    ),
    _case(
        GMAIL_QUOTE + "<div>We met last Friday.</div>",
        ">\nWe met last Friday.",
        "gmail bottom-posted after nested quotes",
    ),
    _case(
        '<html><body dir="auto"><div>Not yet, next week.<br><br><div dir="ltr">Sent from my '
        'iPhone</div><div dir="ltr"><br><blockquote type="cite">On 3 Mar 2026, at 18:00, '
        "Northwind Mentoring &lt;m@n.example&gt; wrote:<br><br></blockquote></div>"
        '<blockquote type="cite"><div dir="ltr">Hi Ana and Ben</div></blockquote></div>'
        "</body></html>",
        "Not yet, next week.\n\nSent from my iPhone\n\n>\n>",
        "apple mail with attribution inside the quote",
    ),
    _case(
        '<html><body><div class="moz-cite-prefix">On 3/3/26 18:00, Northwind Mentoring '
        'wrote:<br></div><blockquote type="cite" cite="mid:x@n.example">Hi Ana and Ben'
        "</blockquote><p>We met on Monday, an hour.</p></body></html>",
        ">\n>\n\nWe met on Monday, an hour.",
        "thunderbird bottom-posted",
    ),
    _case(
        OUTLOOK_HEAD + '<body lang="EN-US"><div class="WordSection1"><p class="MsoNormal">'
        'Yes we met&nbsp;yesterday<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
        '<p class="MsoNormal">Ben<o:p></o:p></p><div><div style="border:none;border-top:solid '
        '#E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>From:</b> Northwind'
        "<br><b>Sent:</b> Tuesday</p></div></div><p>Hi Ana and Ben</p></div></body></html>",
        "Yes we met yesterday\n\nBen",
        "outlook desktop header div and siblings after it",
    ),
    _case(
        '<div dir="ltr">Skip this round.</div><div id="appendonsend"></div>'
        '<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" '
        'dir="ltr"><b>From:</b> Northwind<br></div><div>Hi Ana and Ben</div>',
        "Skip this round.",
        "outlook web",
    ),
    _case(
        "<div>Pause until January</div>"
        '<div id="x_divRplyFwdMsg"><b>From:</b> Northwind</div><div>old text</div>',
        "Pause until January",
        "outlook quoting outlook",
    ),
    _case(
        '<div dir="auto">We met today</div><div id="mail-editor-reference-message-container">'
        "<div>From: Northwind</div><div>Hi</div></div>",
        "We met today",
        "outlook mobile",
    ),
    _case(
        '<div>Yes, 90 min</div><div class="yahoo_quoted" id="yahoo_quoted_123"><div>On '
        "Tuesday, Northwind wrote:</div><div>Hi</div></div>",
        "Yes, 90 min\n>",
        "yahoo",
    ),
    _case(
        '<div>Oui</div><div class="protonmail_quote">------- Original Message -------<br>Hi</div>',
        "Oui\n>",
        "proton",
    ),
    _case(
        "<html><head><title>Check-in</title><style>div{color:red}</style>"
        "<script>alert('x')</script></head><body><div>We met</div>"
        "<script>var a = '<div>no</div>';</script></body></html>",
        "We met",
        "script style head and title dropped",
    ),
    _case(
        "<p>Caf&eacute; &amp; r&#233;sum&#x00E9; &mdash; we&#8217;re&nbsp;fine &lt;3</p>",
        "Café & résumé \u2014 we\u2019re fine <3",
        "entities decoded",
    ),
    _case(
        "<div>Yes   we\n   met</div><div>on <b>Tuesday</b>,<i>\n45</i> min</div>line<br>"
        "next<br><br>after blank",
        "Yes we met\non Tuesday, 45 min\nline\nnext\n\nafter blank",
        "lines and whitespace",
    ),
    _case(
        "<table><tr><td>Date</td><td>2026-03-04</td></tr><tr><td>Minutes</td><td>45</td></tr>"
        "</table><p>ok</p>",
        "Date 2026-03-04\nMinutes 45\n\nok",
        "table rows and cells",
    ),
    _case(
        "<ul><li>reviewed resume</li><li>mock interview</li></ul><h2>Next</h2><p>pause</p>",
        "reviewed resume\nmock interview\n\nNext\n\npause",
        "lists and headings",
    ),
    _case(
        "<pre>line one\n  line two</pre><div>after</div>",
        "line one\nline two\n\nafter",
        "pre keeps its line breaks",
    ),
    _case(
        "<p>1</p><![if !supportLists]><span>·</span><![endif]><!--[if mso]>hidden<![endif]-->"
        "<p>2</p><![bogus junk>",
        "1\n\n·\n\n2\n\n<![bogus junk>",
        "outlook conditional markup",
    ),
    _case(
        "<head><style>x{}</style><body><div>Body text</div>",
        "Body text",
        "head never closed",
    ),
    _case(
        "<div>We met <b>a<b & c > d</b></div><div>Yes <unknown>tag</unknown></div><p>unclosed",
        "We met a d\nYes tag\n\nunclosed",
        "malformed markup",
    ),
    _case("", "", "empty"),
    _case("<blockquote/>after", ">\nafter", "self-closing quote encloses nothing"),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_html_to_text(html: str, expected: str) -> None:
    """HTML converts to lines of visible text without the clients' quoted containers."""
    assert html_to_text(html) == expected


def test_placeholder_is_a_quote_line() -> None:
    """The line standing for a removed quote is read as quoted by the stripper."""
    assert QUOTE_PLACEHOLDER.startswith(">")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<a" * 50_000, "<a" * 50_000),
        ("<!--" * 50_000, "<!--" * 50_000),
        ("</" * 50_000, "</" * 50_000),
        ("<![x>" * 20_000, "<![x>" * 20_000),
        ("<?x" * 50_000, "<?x" * 50_000),
        ("&#" * 50_000, "&#" * 50_000),
        ("<div>" * 20_000 + "deep", "deep"),
        ("<blockquote>" * 50_000 + "deep", ">"),
        ("<a " + "x=" * 50_000 + ">ok", "ok"),
        ("<script>" + "</scrip" * 20_000, ""),
    ],
    ids=["open", "comment", "end", "decl", "pi", "ref", "nest", "quote-nest", "attr", "cdata"],
)
def test_hostile_markup_is_converted_quickly(html: str, expected: str) -> None:
    """Unterminated constructs and deep nesting neither raise nor take quadratic time."""
    assert html_to_text(html) == expected


@given(st.text())
def test_never_raises_on_text(html: str) -> None:
    """Any text converts without raising."""
    assert isinstance(html_to_text(html), str)


@given(
    st.lists(
        st.sampled_from(
            [
                "<div>",
                "</div>",
                "<blockquote>",
                "</blockquote>",
                '<div class="gmail_quote">',
                "<br>",
                "<p>",
                "<pre>",
                "</pre>",
                "<![if x]>",
                "<!--",
                "-->",
                "<style>",
                "</style>",
                "<",
                ">",
                "&amp;",
                "text",
                '<div id="divRplyFwdMsg">',
            ]
        )
    )
)
def test_never_raises_on_tag_soup(pieces: list[str]) -> None:
    """Random sequences of tags and fragments convert without raising."""
    assert isinstance(html_to_text("".join(pieces)), str)
