"""Composing every kind of email: headers, both bodies, threading, escaping, template errors."""

from __future__ import annotations

import functools
import html as html_text
import re
import shutil
import tracemalloc
import weakref
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from reminder_service.compose import Composer, Identity, _Sandbox
from reminder_service.compose_views import RELATIONSHIP_KINDS, pair_samples
from reminder_service.core.model import (
    Cadence,
    Checkin,
    DigestFacts,
    Kind,
    LadderStep,
    LastAnswer,
    MeetingRecord,
    Outgoing,
    OverduePair,
    Pair,
    Person,
    Phase,
    Planned,
    Program,
    ReviewItem,
    Schedule,
    Status,
    StatusDifference,
    Step,
    Totals,
    UnknownSend,
)
from reminder_service.core.replies.meaning import meaning_of
from reminder_service.core.replies.verdict import Outcome, asks_back
from reminder_service.core.tokens import check_token, token_in_address
from reminder_service.errors import ConfigError

TEMPLATES = Path(__file__).parents[2] / "templates"
KEY = b"test key for reply tokens"
IDENTITY = Identity(
    from_header="Northwind Mentoring <mentoring@northwind.example>",
    reply_mailbox="mentoring@northwind.example",
    secret_key=KEY,
)
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)  # already 4 March in Tokyo
MONTHLY = Schedule(
    cadence=Cadence(phases=(Phase(every=Step(months=1)),), text="monthly"), send_at=time(9)
)


@functools.cache
def _composer(templates: Path) -> Composer:
    """One Composer per folder: building one compiles every template, which takes a while."""
    return Composer(templates, identity=IDENTITY)


def _pair(
    pair_id: str = "ana-ben", *, mentor: str = "Ana Silva", mentee: str = "Ben Okafor"
) -> Pair:
    return Pair(
        id=pair_id,
        mentor=Person(mentor, f"{pair_id}-mentor@example.org"),
        mentee=Person(mentee, f"{pair_id}-mentee@example.org"),
        started=date(2026, 1, 5),
        schedule=MONTHLY,
        timezone=TOKYO,
    )


def _program(*pairs: Pair) -> Program:
    return Program(
        name="Northwind Mentoring",
        coordinator=Person("Carla Diaz", "carla@northwind.example"),
        timezone=TOKYO,
        pairs=pairs or (_pair(),),
    )


def _checkin(pair: Pair, *, since_meeting: bool = True) -> Checkin:
    return Checkin(
        pair_id=pair.id,
        period=date(2026, 3, 4),
        due_at=NOW,
        since=date(2026, 1, 28) if since_meeting else pair.started,
        since_meeting=since_meeting,
        reason="monthly check-in",
    )


def _compose(
    pair: Pair | None = None,
    *,
    since_meeting: bool = True,
    previous: str | None = "<previous@northwind.example>",
    templates: Path = TEMPLATES,
) -> tuple[Outgoing, EmailMessage]:
    pair = pair or _pair()
    outgoing = _composer(templates).checkin(
        _program(pair),
        pair,
        _checkin(pair, since_meeting=since_meeting),
        now=NOW,
        previous_message_id=previous,
    )
    parsed = BytesParser(policy=policy.default).parsebytes(outgoing.message)
    assert isinstance(parsed, EmailMessage)
    return outgoing, parsed


def _bodies(message: EmailMessage) -> tuple[str, str]:
    text_part, html_part = message.iter_parts()
    assert isinstance(text_part, EmailMessage)
    assert isinstance(html_part, EmailMessage)
    assert text_part.get_content_type() == "text/plain"
    assert html_part.get_content_type() == "text/html"
    return _lf(text_part.get_content()), _lf(html_part.get_content())


def _lf(body: str) -> str:
    return body.replace("\r\n", "\n")


def _without_tags(html: str) -> str:
    return re.sub(r"<[^>]*>", "", html)


def _edited_templates(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of the default templates with one replacement made in `name`."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    path = folder / name
    source = path.read_text(encoding="utf-8")
    assert old in source
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    return folder


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def test_outgoing_envelope_and_key() -> None:
    """The outbox row has the idempotency key, the From address as sender and both members."""
    outgoing, message = _compose()
    assert outgoing.key == "checkin:ana-ben:2026-03-04"
    assert (outgoing.pair_id, outgoing.kind, outgoing.period) == (
        "ana-ben",
        "checkin",
        date(2026, 3, 4),
    )
    assert outgoing.sender == "mentoring@northwind.example"
    assert outgoing.recipients == ("ana-ben-mentor@example.org", "ana-ben-mentee@example.org")
    assert outgoing.message_id == message["Message-ID"]
    assert outgoing.message_id.startswith("<")
    assert outgoing.message_id.endswith("@northwind.example>")


def test_headers() -> None:
    """Every header a check-in needs is present with the expected value."""
    _, message = _compose()
    assert message["From"] == "Northwind Mentoring <mentoring@northwind.example>"
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("Ana Silva", "ana-ben-mentor@example.org"),
        ("Ben Okafor", "ana-ben-mentee@example.org"),
    ]
    assert message["Subject"] == "Check-in: Ana and Ben (Northwind Mentoring)"
    assert message["Date"].datetime == NOW
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["List-Id"] == "Northwind Mentoring <northwind-mentoring.northwind.example>"
    assert message["X-Reminder-Pair"] == "ana-ben"
    assert message["X-Reminder-Kind"] == "checkin"
    assert message.get_content_type() == "multipart/alternative"


def test_message_is_crlf_and_seven_bit() -> None:
    """The bytes use CRLF line ends only and stay 7-bit even with non-ASCII names."""
    outgoing, _ = _compose(_pair(mentor="Zoë Brontë", mentee="王芳"))
    assert outgoing.message.isascii()
    assert outgoing.message.count(b"\n") == outgoing.message.count(b"\r\n")


def test_an_international_from_domain_goes_out_in_idna_form() -> None:
    """With a From address at a non-ASCII domain every header stays ASCII: the From,
    Reply-To, Message-ID, List-Id and thread references use the IDNA form."""
    identity = Identity(
        from_header="Bücher Mentoring <mentoring@bücher.example>",
        reply_mailbox="mentoring@bücher.example",
        secret_key=KEY,
    )
    pair = _pair()
    outgoing = Composer(TEMPLATES, identity=identity).checkin(
        _program(pair), pair, _checkin(pair), now=NOW, previous_message_id=None
    )
    head = outgoing.message.split(b"\r\n\r\n")[0].decode("ascii")
    for name in ("From", "Reply-To", "Message-ID", "List-Id", "References"):
        (line,) = [line for line in head.split("\r\n") if line.startswith(f"{name}:")]
        assert "xn--bcher-kva.example" in line, line


def test_reply_to_token_names_the_pair() -> None:
    """Reply-To is the plus-address whose token verifies for this pair, issued on the local date."""
    _, message = _compose()
    (reply_to,) = message["Reply-To"].addresses
    token = token_in_address(reply_to.addr_spec, mailbox=IDENTITY.reply_mailbox)
    assert token is not None
    check = check_token(token, key=KEY, today=date(2026, 3, 4))
    assert (check.status, check.pair_id, check.issued) == ("ok", "ana-ben", date(2026, 3, 4))


def test_bodies_mention_names_and_time_since_meeting() -> None:
    """Both parts greet both members and say how long since they last met."""
    _, message = _compose()
    text, html = _bodies(message)
    for body in (text, _without_tags(html)):
        assert "Hi Ana and Ben," in body
        assert "5 weeks since you last met, on Wednesday 28 January 2026" in body
        assert "Pause until May" in body
        assert "Please reply above this line" in body
        assert "Carla Diaz" in body
        assert "carla@northwind.example" in body


def test_bodies_count_from_start_before_first_meeting() -> None:
    """A pair that has not met yet is told how long since they started."""
    _, message = _compose(since_meeting=False)
    text, html = _bodies(message)
    for body in (text, _without_tags(html)):
        assert "8 weeks since you started, on Monday 5 January 2026" in body


def test_first_check_in_of_a_pair_that_started_long_ago_is_neutral() -> None:
    """A pair that started years before the service first wrote to them is told no meeting
    is on record, not asked whether they have had a chance to meet yet."""
    _, message = _compose(replace(_pair(), started=date(2023, 7, 3)), since_meeting=False)
    for body in map(_flat, _bodies(message)):
        assert "2 years and 8 months since you started, on Monday 3 July 2023" in body
        assert "and we have no meeting on record for you yet. Have you met?" in body
        assert "If so, tell us when you last met." in body
        assert "chance to meet yet" not in body


def test_text_part_starts_with_reply_marker() -> None:
    """The plain-text part opens with the reply-above-this-line marker."""
    _, message = _compose()
    text, _ = _bodies(message)
    assert text.startswith("--- Please reply above this line ---\n")


def test_script_in_name_is_escaped_in_html() -> None:
    """Markup in a name shows as text in the HTML part and never as a tag."""
    _, message = _compose(_pair(mentor="<script>alert(1)</script> Ana"))
    text, html = _bodies(message)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Hi <script>alert(1)</script> and Ben," in text
    assert message["To"].addresses[0].display_name == "<script>alert(1)</script> Ana"


def test_non_ascii_names_round_trip() -> None:
    """Names such as Zoë and 王芳 are encoded in headers and come back intact everywhere."""
    _, message = _compose(_pair(mentor="Zoë Brontë", mentee="王芳"))
    assert [a.display_name for a in message["To"].addresses] == ["Zoë Brontë", "王芳"]
    assert message["Subject"] == "Check-in: Zoë and 王芳 (Northwind Mentoring)"
    for body in _bodies(message):
        assert "Hi Zoë and 王芳," in body


def test_line_break_in_name_is_refused() -> None:
    """A name carrying CR/LF cannot inject headers; composing fails with a ConfigError."""
    with pytest.raises(ConfigError, match="ana-ben"):
        _compose(_pair(mentee="Ben\r\nBcc: victim@example.org"))


def test_references_thread_root_and_previous() -> None:
    """References hold the pair's thread root then the previous check-in, which is replied to."""
    _, message = _compose(previous="<previous@northwind.example>")
    root = "<checkin.ana-ben.northwind-mentoring@northwind.example>"
    assert message["References"].split() == [root, "<previous@northwind.example>"]
    assert message["In-Reply-To"] == "<previous@northwind.example>"


def test_first_checkin_replies_to_thread_root() -> None:
    """Without a previous check-in, References and In-Reply-To name the thread root alone."""
    _, message = _compose(previous=None)
    root = "<checkin.ana-ben.northwind-mentoring@northwind.example>"
    assert message["References"] == root
    assert message["In-Reply-To"] == root


def test_message_ids_are_unique() -> None:
    """Two compositions of the same check-in get different Message-IDs."""
    first, _ = _compose()
    second, _ = _compose()
    assert first.message_id != second.message_id


def test_default_templates_have_no_problems() -> None:
    """The shipped templates render for every pair of a small program."""
    program = _program(_pair("ana-ben"), _pair("zoe-wang", mentor="Zoë", mentee="王芳"))
    assert _composer(TEMPLATES).problems(program, now=NOW) == []


def test_undefined_variable_is_reported_with_file_line_and_pair(tmp_path: Path) -> None:
    """A misspelt variable is reported once with its file and line, naming the first pair it
    fails for and how many more."""
    folder = _edited_templates(
        tmp_path, "checkin.txt.j2", "{{ pair.mentor.first_name }}", "{{ pair.mentr }}"
    )
    line = _line_of(folder / "checkin.txt.j2", "pair.mentr")
    where = f"{folder}/checkin.txt.j2:{line}: 'pair.mentr' is undefined"
    for others, pairs in ((1, "for pair p1-x"), (2, "2 others")):
        program = _program(*(_pair(f"p{n}-x") for n in range(others + 1)))
        problems = Composer(folder, identity=IDENTITY).problems(program, now=NOW)
        assert problems == [f"{where} (rendering for pair p0-x and {pairs})"]


def test_error_in_one_branch_is_found(tmp_path: Path) -> None:
    """A mistake only in the not-met-yet branch is still reported."""
    folder = _edited_templates(tmp_path, "checkin.html.j2", "since you started", "{{ since_wrds }}")
    line = _line_of(folder / "checkin.html.j2", "since_wrds")
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert problems == [
        f"{folder}/checkin.html.j2:{line}: 'since_wrds' is undefined (rendering for pair ana-ben)"
    ]


def test_error_in_layout_names_the_layout(tmp_path: Path) -> None:
    """A mistake in the shared layout is reported at the layout's own line."""
    folder = _edited_templates(tmp_path, "layout.txt.j2", "{{ program.name }}", "{{ program.nam }}")
    line = _line_of(folder / "layout.txt.j2", "program.nam")
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert problems == [
        f"{folder}/layout.txt.j2:{line}: 'program.nam' is undefined (rendering for pair ana-ben)"
    ]


def test_sandbox_blocks_internals(tmp_path: Path) -> None:
    """Templates cannot reach Python internals; trying is reported as a problem."""
    folder = _edited_templates(tmp_path, "checkin.subject.j2", "Check-in:", "{{ pair.__class__ }}")
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert len(problems) == 1
    assert "unsafe" in problems[0]


@pytest.mark.parametrize(
    ("expression", "complaint"),
    [
        ("'ab' * 10**6", "would make 2,000,000 characters of text"),
        ("10**6 * 'x'", "would make 1,000,000 characters of text"),
        ("([0] * 10**6) | length", "would make 1,000,000 list items"),
        ("3 ** 1000000 % 5", "a number of more than 1,000 digits"),
    ],
)
def test_sandbox_refuses_huge_results(tmp_path: Path, expression: str, complaint: str) -> None:
    """Repeating text or a list, or raising to a power, past the limits names the template."""
    folder = _edited_templates(
        tmp_path, "checkin.subject.j2", "Check-in:", f"{{{{ {expression} }}}}"
    )
    line = _line_of(folder / "checkin.subject.j2", expression)
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert len(problems) == 1
    assert problems[0].startswith(f"{folder}/checkin.subject.j2:{line}: this ")
    assert complaint in problems[0]
    assert problems[0].endswith("(rendering for pair ana-ben)")


@pytest.mark.parametrize(
    "statement",
    [
        "{% for i in range(1001) %}{{ 'x' * 10000 }}{% endfor %}",
        "{% for i in range(101) %}{{ 'x' | center(100000) }}{% endfor %}",
    ],
)
def test_sandbox_refuses_a_template_that_renders_too_much(tmp_path: Path, statement: str) -> None:
    """A template whose output passes the size limit, by any means, is a problem naming it."""
    folder = _edited_templates(tmp_path, "checkin.subject.j2", "Check-in:", statement)
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert problems == [
        f"{folder}/checkin.subject.j2: this template makes more than 10,000,000 characters of"
        " text, more than an email can hold; look for a very large width or a long loop"
        " (rendering for pair ana-ben)"
    ]


WIDTH_COMPLAINT = (
    "characters of text, more than the 10,000,000 a template may make; look for a number"
    " typed with extra zeros (rendering for pair ana-ben)"
)


@pytest.mark.parametrize(
    ("expression", "complaint"),
    [
        ("'' | center(5 * 10**7)", "this width asks for 50,000,000 "),
        ("'%100000000s' | format('x')", "this width asks for 100,000,000 "),
        ("'%(a)100000000s' | format(a='x')", "this width asks for 100,000,000 "),
        ("'{:>100000000}'.format('x')", "this width asks for 100,000,000 "),
        ("'{:>{}}'.format('x', 10**8)", "this width asks for 100,000,000 "),
        ("'{a:.100000000f}'.format_map({'a': 1})", "this width asks for 100,000,000 "),
        ("('{:>100000000}' | safe).format('x')", "this width asks for 100,000,000 "),
        ("'x'.ljust(10**8)", "this width asks for 100,000,000 "),
        ("('x' | safe).ljust(10**8)", "this width asks for 100,000,000 "),
        ("'x'.rjust(10**8)", "this width asks for 100,000,000 "),
        ("'x'.zfill(10**8)", "this width asks for 100,000,000 "),
        ("'x'.center(10**8, '-')", "this width asks for 100,000,000 "),
        ("('\\t' * 100000).expandtabs(1000)", "this tab width asks for 100,100,000 "),
        ("'x' | indent(width=10**8)", "this indent asks for 200,000,001 "),
        ("('\\n' * 100000) | indent('-' * 1000)", "this indent asks for "),
        ("('a ' * 50000) | wordwrap(1, wrapstring='-' * 1000)", "this line wrapping asks for"),
        ("'%0100000000d' % 1", "this width asks for 100,000,000 "),
        ("'%.100000000f' % 1", "this width asks for 100,000,000 "),
        ("'%*d' % (-10**8, 1)", "this width asks for 100,000,000 "),
        ("'%9000000s%9000000s' % ('x', 'y')", "this width asks for 18,000,000 "),
    ],
)
def test_sandbox_refuses_a_width_past_the_limit_before_making_it(
    tmp_path: Path, expression: str, complaint: str
) -> None:
    """A width, padding, indent or line break text that would pass the size limit is refused
    before its text is made, as a problem naming the template's file and line."""
    folder = _edited_templates(
        tmp_path, "checkin.subject.j2", "Check-in:", f"{{{{ {expression} }}}}"
    )
    line = _line_of(folder / "checkin.subject.j2", expression)
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert len(problems) == 1
    assert problems[0].startswith(f"{folder}/checkin.subject.j2:{line}: {complaint}")
    assert problems[0].endswith(WIDTH_COMPLAINT)


LONG = "{% set s = 'x' * 5000 %}{% set ns = namespace(s='x') %}"
"""Text a template may make, for the cases below to multiply: 5,000 x's and a namespace."""


@pytest.mark.parametrize(
    ("expression", "complaint"),
    [
        ("(s | join(s)) | length", "this join asks for 24,995,000 characters of text"),
        ("(s.join(s)) | length", "this join asks for 24,995,000 characters of text"),
        ("([s] * 5000) | join | length", "this join asks for 25,000,000 characters of text"),
        ("(s | replace('x', s)) | length", "this replacement asks for 25,000,000 characters"),
        ("s.replace('', s) | length", "this replacement asks for 25,010,000 characters"),
        ("s.translate({120: s}) | length", "this translation asks for 25,000,000 characters"),
        ("(('{0}' * 5000).format(s)) | length", "this formatting asks for 10,005,000 characters"),
        ("(('%s' * 5000) % ((s,) * 5000)) | length", "this formatting asks for 25,000,000 "),
        ("('%(a)s' * 5000) | format(a=s) | length", "this formatting asks for 25,000,000 "),
        ("'{}'.format([s] * 5000) | length", "this formatting asks for 25,025,002 "),
        ("[s] * 5000", "this list written out asks for 25,025,002 "),
        ("([s] * 5000) | string | length", "this list written out asks for 25,025,002 "),
        ("([s] * 5000) | pprint | length", "this list written out asks for 25,025,002 "),
        ("([s] * 5000) | tojson | length", "this JSON asks for 25,025,002 "),
        ("(([s] * 5000) ~ '') | length", "this joining of texts asks for 25,025,002 "),
        ("(('www.a.co ' * 2000) | urlize(target=s)) | length", "this link making asks for"),
    ],
)
def test_sandbox_refuses_a_join_or_replacement_past_the_limit(
    tmp_path: Path, expression: str, complaint: str
) -> None:
    """A join, replacement, translation, formatting or list written out that would multiply
    text past the size limit is refused before its text is made, saying what to change."""
    folder = _edited_templates(
        tmp_path, "checkin.subject.j2", "Check-in:", f"{LONG}{{{{ {expression} }}}}"
    )
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert len(problems) == 1
    assert (
        f"checkin.subject.j2:{_line_of(folder / 'checkin.subject.j2', expression)}: "
        in (problems[0])
    )
    assert complaint in problems[0]
    assert ", more than the 10,000,000 a template may make; " in problems[0]


@pytest.mark.parametrize(
    ("template", "statement"),
    [
        ("checkin.subject.j2", "{% set ns.s = ns.s ~ ns.s %}"),
        ("checkin.subject.j2", "{% set ns.s = ns.s + ns.s %}"),
        ("checkin.html.j2", "{% set ns.s = ns.s ~ ns.s %}"),
    ],
)
def test_sandbox_refuses_a_text_doubled_in_a_loop(
    tmp_path: Path, template: str, statement: str
) -> None:
    """A text joined to itself with `~` or `+` round a loop is refused once it would pass the
    size limit, in text and HTML templates alike."""
    loop = f"{LONG}{{% for i in range(30) %}}{statement}{{% endfor %}}{{{{ ns.s | length }}}}"
    folder = _edited_templates(tmp_path, template, "{#", f"{loop}{{#")
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert problems == [
        f"{folder}/{template}:1: this joining of texts asks for 16,777,216 characters of text,"
        " more than the 10,000,000 a template may make; look for a text that is joined to"
        " itself in a loop (rendering for pair ana-ben)"
    ]


@pytest.mark.parametrize(
    ("loop", "complaint"),
    [
        (
            "{% set ns = namespace(l=[0]) %}{% for i in range(17) %}"
            "{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l | length }}",
            "this would make a list of 131,072 items; a template may make at most 100,000;"
            " look for a list that is added to itself in a loop",
        ),
        (
            "{% set l = [0] %}{% for i in range(17) %}{{ l.extend(l) }}{% endfor %}"
            "{{ l | length }}",
            "this would make a list of 131,072 items; a template may make at most 100,000;"
            " look for a list that is added to itself in a loop",
        ),
        (
            "{% set ns = namespace(n=10) %}{% for i in range(11) %}"
            "{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n | string | length }}",
            "this multiplication would make a number of more than 1,000 digits, more than a"
            " template may make with '*'",
        ),
    ],
)
def test_sandbox_refuses_a_list_or_number_grown_in_a_loop(
    tmp_path: Path, loop: str, complaint: str
) -> None:
    """A list added to itself, or a number multiplied by itself, round a loop is refused once
    it passes the limits that `*` and `**` keep, before it doubles again."""
    folder = _edited_templates(tmp_path, "checkin.subject.j2", "{#", f"{loop}{{#")
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert problems == [f"{folder}/checkin.subject.j2:1: {complaint} (rendering for pair ana-ben)"]


def test_sandbox_keeps_modest_joins_and_replacements(tmp_path: Path) -> None:
    """Joins, replacements, translations, formatting, concatenation and lists written out of
    modest size render exactly as Jinja makes them, escaping included."""
    expressions = (
        "{{ [1, 2] | join(', ') }}|{{ 'a-b' | replace('-', '+') }}|{{ 'x' ~ 1 ~ 'y' }}|"
        "{{ 1 + 2 }}|{{ 'ab'.replace('a', 'c') }}|{{ ','.join(['a', 'b']) }}|"
        "{{ 'ab'.translate({97: 'z'}) }}|{{ '%s=%d' % ('a', 1) }}|{{ '{}{}'.format(1, 'b') }}|"
        "{{ [{'n': 'a'}, {'n': 'b'}] | join('/', attribute='n') }}|"
        "{{ 'aaa'.replace('a', 'b', 2) }}|{{ ('<' | e).replace('&', '+') }}|"
        "{{ (('<' | e) ~ '>') | replace('<', '!') }}|"
        "{{ ('-' | safe).join(['<', '>']) }}|{{ [1, 'a'] }}|{{ {'a': 1} | tojson }}|"
        "{{ [1] | pprint }}|{{ 3 | string }}|{{ [1] + [2] }}|{{ (10**500 * 10**499) % 7 }}|"
        "{% set l = [1] %}{{ l.extend([2]) }}{{ l }}|{{ 'x www.a.co' | urlize(target='t') }}"
    )
    folder = _edited_templates(tmp_path, "checkin.subject.j2", "Check-in:", expressions)
    _, message = _compose(templates=folder)
    assert message["Subject"] == (
        "1, 2|a+b|x1y|3|cb|a,b|zb|a=1|1b|a/b|bba|+lt;|&lt;>|&lt;-&gt;|"
        "[1, 'a']|{\"a\": 1}|[1]|3|[1, 2]|"
        f"{(10**500 * 10**499) % 7}|None[1, 2]|"
        'x <a href="https://www.a.co" rel="noopener" target="t">www.a.co</a>'
        " Ana and Ben (Northwind Mentoring)"
    )


def test_sandbox_keeps_modest_widths(tmp_path: Path) -> None:
    """Modest widths, padding, indents and line breaks render exactly as Jinja makes them."""
    expressions = (
        "{{ '7'.zfill(3) }}{{ 'x'.center(5, '*') }}{{ '%05d' % 42 }}{{ '{:*>4}'.format(1) }}"
        "{{ '{:-^{}}'.format('a', 5) }}{{ 'a'.rjust(3, '.') }}{{ ('<' | e).ljust(3, '.') }}"
        "{{ ('{}' | safe).format('<') }}{{ '{a}'.format_map({'a': 2}) }}{{ 7 % 3 }}"
        "{{ 'b' | center(3) | replace(' ', '_') }}{{ '%s-%s' | format(1, 2) }}"
        "{{ 'ab\\tc'.expandtabs(4) }}{{ 'x y' | wordwrap(1, wrapstring='|') }}"
        "{{ 'c\\nd' | indent(2, true) }}"
    )
    folder = _edited_templates(tmp_path, "checkin.subject.j2", "Check-in:", expressions)
    _, message = _compose(templates=folder)
    assert message["Subject"] == (
        "007**x**00042***1--a--..a&lt;&lt;21_b_1-2ab cx|y c d Ana and Ben (Northwind Mentoring)"
    )


def test_sandbox_allows_modest_multiplication(tmp_path: Path) -> None:
    """A rule of dashes, a small power and plain arithmetic still render."""
    folder = _edited_templates(
        tmp_path, "checkin.subject.j2", "Check-in:", "{{ '-' * 3 }}{{ 2 ** 10 }}{{ 1 ** 10**9 }}"
    )
    _, message = _compose(templates=folder)
    assert message["Subject"] == "---10241 Ana and Ben (Northwind Mentoring)"


class _Member:
    """An object with attributes named like internals of other types, harmless here."""

    gi_frame = "just text"
    mro = "just text"

    def method(self) -> None:
        """A method, whose own internals the sandbox guards."""


def _function() -> None:
    """A function, whose internals the sandbox guards."""


def _generator() -> Iterator[int]:
    yield 1


def _objects() -> list[object]:
    """Objects of every kind the sandbox treats apart, and weak proxies that pass for them."""
    generator, member = _generator(), _Member()
    try:
        raise ValueError
    except ValueError as exc:
        traceback = exc.__traceback__
    return [
        _function,
        _Member.method,
        member.method,
        _Member,
        int,
        generator,
        traceback,
        _function.__code__,
        member,
        "text",
        weakref.proxy(member),
        weakref.proxy(generator),
    ]


_ATTRIBUTES = ["mro", "gi_frame", "gi_code", "tb_frame", "co_code", "__class__", "_x", "upper"]


@pytest.mark.parametrize("order", ["as listed", "reversed"])
def test_the_sandbox_remembers_exactly_jinjas_answers(order: str) -> None:
    """Remembering answers per class and name changes none of them, whatever was asked
    before: a generator's frame stays unsafe after the same name was allowed on another
    object, a weak proxy of a generator included."""
    objects = _objects() if order == "as listed" else _objects()[::-1]
    stock, remembering = SandboxedEnvironment(), _Sandbox()
    asked = [(obj, attr) for obj in objects for attr in _ATTRIBUTES] * 2

    differ = [
        (type(obj).__name__, attr)
        for obj, attr in asked
        if remembering.is_safe_attribute(obj, attr, None)
        != stock.is_safe_attribute(obj, attr, None)
    ]

    assert differ == []
    assert not remembering.is_safe_attribute(_objects()[-1], "gi_frame", None)


def test_empty_subject_is_a_problem(tmp_path: Path) -> None:
    """A subject template that renders to nothing is reported."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "checkin.subject.j2").write_text("{# nothing #}\n", encoding="utf-8")
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert problems == [
        f"{folder}/checkin.subject.j2: the subject is empty (rendering for pair ana-ben)"
    ]


def test_checkin_raises_config_error_when_a_template_fails(tmp_path: Path) -> None:
    """Composing with a broken template raises ConfigError naming file, line and pair."""
    folder = _edited_templates(tmp_path, "checkin.txt.j2", "{{ since_words }}", "{{ 1 / 0 }}")
    line = _line_of(folder / "checkin.txt.j2", "1 / 0")
    with pytest.raises(
        ConfigError, match=rf"checkin\.txt\.j2:{line}: .* \(rendering for pair ana-ben\)"
    ):
        _compose(templates=folder)


def test_syntax_error_raises_config_error_with_file_and_line(tmp_path: Path) -> None:
    """A template that does not parse is refused when the Composer is built, with file:line."""
    folder = _edited_templates(tmp_path, "checkin.txt.j2", "{% endif %}", "{% endfi %}")
    line = _line_of(folder / "checkin.txt.j2", "endfi")
    with pytest.raises(ConfigError, match=rf"^{folder}/checkin\.txt\.j2:{line}: "):
        Composer(folder, identity=IDENTITY)


def test_syntax_error_in_layout_is_found_up_front(tmp_path: Path) -> None:
    """Layouts are compiled when the Composer is built, not first used at send time."""
    folder = _edited_templates(
        tmp_path, "layout.html.j2", "{{ program.name }}", "{{ program.name }"
    )
    with pytest.raises(ConfigError, match=r"layout\.html\.j2:\d+: "):
        Composer(folder, identity=IDENTITY)


def test_missing_template_raises_config_error(tmp_path: Path) -> None:
    """A missing check-in template is named when the Composer is built."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "checkin.html.j2").unlink()
    with pytest.raises(
        ConfigError, match=rf"^{folder}/checkin\.html\.j2: this template is missing$"
    ):
        Composer(folder, identity=IDENTITY, fallback=None)


def test_a_folder_with_only_edited_templates_falls_back_to_the_built_in_ones(
    tmp_path: Path,
) -> None:
    """A coordinator's folder holding one edited template uses it and the built-in rest."""
    folder = tmp_path / "templates"
    folder.mkdir()
    edited = (TEMPLATES / "checkin.txt.j2").read_text().replace("Hi ", "Dear ", 1)
    (folder / "checkin.txt.j2").write_text(edited)
    _, message = _compose(templates=folder)
    text, html = _bodies(message)
    assert "Dear Ana and Ben," in text
    assert "Hi Ana and Ben," in _without_tags(html)


def test_missing_folder_raises_config_error(tmp_path: Path) -> None:
    """A templates folder that does not exist is reported as such."""
    with pytest.raises(ConfigError, match="does not exist"):
        Composer(tmp_path / "nowhere", identity=IDENTITY)


def test_bad_from_header_raises_config_error() -> None:
    """A From setting without an email address is refused up front."""
    identity = Identity(
        from_header="Northwind Mentoring", reply_mailbox="m@x.example", secret_key=KEY
    )
    with pytest.raises(ConfigError, match="From address"):
        Composer(TEMPLATES, identity=identity)


def test_identity_repr_hides_the_key() -> None:
    """The secret key never shows up in a logged Identity."""
    assert repr(KEY) not in repr(IDENTITY)


def test_naive_now_is_refused() -> None:
    """Composing with a naive datetime is a programming error."""
    pair = _pair()
    with pytest.raises(ValueError, match="aware"):
        _composer(TEMPLATES).checkin(
            _program(pair),
            pair,
            _checkin(pair),
            now=NOW.replace(tzinfo=None),
            previous_message_id=None,
        )


def test_person_prints_as_name(tmp_path: Path) -> None:
    """A person printed whole in a template shows their name."""
    folder = _edited_templates(tmp_path, "checkin.subject.j2", "Check-in:", "{{ pair.mentor }}:")
    _, message = _compose(templates=folder)
    assert message["Subject"] == "Ana Silva: Ana and Ben (Northwind Mentoring)"


def _question(
    pair: Pair,
    *,
    to: Person,
    in_reply_to: str = "<their-reply@example.org>",
    answered: Kind | None = None,
) -> tuple[Outgoing, EmailMessage]:
    outgoing = _composer(TEMPLATES).question(
        _program(pair), pair, to=to, in_reply_to=in_reply_to, now=NOW, answered=answered
    )
    parsed = BytesParser(policy=policy.default).parsebytes(outgoing.message)
    assert isinstance(parsed, EmailMessage)
    return outgoing, parsed


def test_question_goes_only_to_the_person_who_replied() -> None:
    """The question back is addressed to the sender alone, once a day, in their thread."""
    pair = _pair()
    outgoing, message = _question(pair, to=pair.mentee)
    assert outgoing.recipients == (pair.mentee.email,)
    assert outgoing.kind == "question"
    assert outgoing.key == f"question:ana-ben:{pair.mentee.email}:2026-03-04"
    assert message["In-Reply-To"] == "<their-reply@example.org>"
    assert message["X-Reminder-Kind"] == "question"
    assert message["Auto-Submitted"] == "auto-generated"
    token = token_in_address(
        message["Reply-To"].addresses[0].addr_spec, mailbox="mentoring@northwind.example"
    )
    assert token is not None


@pytest.mark.parametrize(
    ("answered", "subject"),
    [
        (Kind.PAUSE_OR_END, "Re: Pause or keep going? Ana and Ben (Northwind Mentoring)"),
        (Kind.REMINDER, "Re: Check-in: Ana and Ben (Northwind Mentoring)"),
        (None, "Re: Check-in: Ana and Ben (Northwind Mentoring)"),
    ],
)
def test_question_subject_follows_the_email_the_reply_answered(
    answered: Kind | None, subject: str
) -> None:
    """The question back answers in the conversation of the email the unclear reply
    answered, and in the check-in's when that is not known."""
    pair = _pair()
    _, message = _question(pair, to=pair.mentee, answered=answered)
    assert message["Subject"] == subject


def test_template_check_samples_questions_only_after_emails_that_get_one() -> None:
    """The template check renders the question back only as an answer to an email whose
    unclear replies are asked about, as no other question is ever sent."""
    pair = _pair()
    samples = pair_samples(_program(pair), pair, now=NOW, reply_to="r@example.org")
    answered = [context["answered"] for kind, context in samples if kind is Kind.QUESTION]
    assert answered
    assert all(asks_back(str(kind) or None) for kind in answered)


@pytest.mark.parametrize(
    "in_reply_to",
    ["<café@example.org>", "<a\x01b@example.org>", "<" + "a" * 3000 + "@example.org>"],
    ids=["utf-8", "control", "too long"],
)
def test_question_leaves_out_an_unusable_reply_id(in_reply_to: str) -> None:
    """A stored reply id that no header may hold is left out: the question threads under the
    pair's root alone."""
    pair = _pair()
    _, message = _question(pair, to=pair.mentee, in_reply_to=in_reply_to)
    root = "<checkin.ana-ben.northwind-mentoring@northwind.example>"
    assert (message["References"], message["In-Reply-To"]) == (root, root)


def test_question_answers_a_bare_reply_id_in_brackets() -> None:
    """A reply id written without angle brackets, as the reader keeps it, is answered with
    them rather than dropped."""
    pair = _pair()
    _, message = _question(pair, to=pair.mentee, in_reply_to="bare-1@example.org")
    assert message["In-Reply-To"] == "<bare-1@example.org>"
    assert message["References"].endswith(" <bare-1@example.org>")


def test_question_names_the_other_member() -> None:
    """The question greets the sender and names the other person of the pair."""
    pair = _pair()
    _, message = _question(pair, to=pair.mentor)
    text, html = _bodies(message)
    assert "Hi Ana," in text
    assert "you and Ben" in _lf(text).replace("\n", " ")
    assert "you and Ben" in _without_tags(html)


# Cadence periods: the escalation ladder picks check-in, reminder or pause-or-end.


def _period(
    level: int,
    *,
    program: Program | None = None,
    since_meeting: bool = True,
    last_answer: LastAnswer | None = None,
) -> tuple[Outgoing, EmailMessage]:
    pair = _pair()
    program = program or _program(pair)
    checkin = replace(
        _checkin(pair, since_meeting=since_meeting), level=level, last_answer=last_answer
    )
    outgoing = _composer(TEMPLATES).checkin(
        program, pair, checkin, now=NOW, previous_message_id="<previous@northwind.example>"
    )
    return outgoing, _parsed(outgoing)


def _parsed(outgoing: Outgoing) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(outgoing.message)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _flat(body: str) -> str:
    """The words of a body as read: tags removed, entities decoded, whitespace runs single."""
    return " ".join(html_text.unescape(_without_tags(body)).split())


def _cc(message: EmailMessage) -> list[str]:
    header = message["Cc"]
    return [] if header is None else [a.addr_spec for a in header.addresses]


@pytest.mark.parametrize(
    ("level", "kind", "cc"),
    [
        (0, "checkin", []),
        (1, "reminder", []),
        (2, "reminder", ["carla@northwind.example"]),
        (3, "pause_or_end", []),
        (7, "pause_or_end", []),
    ],
)
def test_default_ladder_picks_kind_and_copy(level: int, kind: str, cc: list[str]) -> None:
    """With the default ladder, the level picks the kind; only the second step copies Carla."""
    outgoing, message = _period(level)
    assert (outgoing.kind, message["X-Reminder-Kind"]) == (kind, kind)
    assert outgoing.key == "checkin:ana-ben:2026-03-04"
    assert _cc(message) == cc
    assert outgoing.recipients == (
        "ana-ben-mentor@example.org",
        "ana-ben-mentee@example.org",
        *cc,
    )
    assert message["In-Reply-To"] == "<previous@northwind.example>"
    assert token_in_address(message["Reply-To"].addresses[0].addr_spec, mailbox=MAILBOX)


@pytest.mark.parametrize(
    ("level", "kind", "copied"),
    [(0, "checkin", False), (1, "checkin", False), (2, "pause_or_end", True)],
)
def test_program_ladder_is_followed(level: int, kind: str, copied: bool) -> None:
    """Levels below a program's first step stay check-ins; its step decides kind and copy."""
    ladder = (LadderStep(after_periods=2, send="pause_or_end", cc_coordinator=True),)
    program = replace(_program(), escalation=ladder)
    outgoing, message = _period(level, program=program)
    assert outgoing.kind == kind
    assert ("carla@northwind.example" in _cc(message)) is copied


def test_reminder_is_a_firmer_check_in_in_the_same_conversation() -> None:
    """A reminder keeps the check-in's subject after Re:, says how long, and shows the replies."""
    _, message = _period(1)
    assert message["Subject"] == "Re: Check-in: Ana and Ben (Northwind Mentoring)"
    for body in map(_flat, _bodies(message)):
        assert "Hi Ana and Ben," in body
        assert "quick nudge" in body
        assert "5 weeks since you last met, on Wednesday 28 January 2026" in body
        assert "Yes, we met on Tuesday for 45 minutes" in body
        assert "is in copy" not in body


@pytest.mark.parametrize("since_meeting", [True, False])
def test_reminder_after_not_yet_thanks_the_pair_for_answering(since_meeting: bool) -> None:
    """A reminder to a pair that replied "not yet" thanks them, never calls the check-in buried."""
    _, message = _period(1, since_meeting=since_meeting, last_answer="not_met")
    for body in map(_flat, _bodies(message)):
        assert "Thanks for letting us know you had not met yet when we last wrote." in body
        assert "buried" not in body
        assert "Here is where things stand: it has been" in body


@pytest.mark.parametrize("since_meeting", [True, False])
def test_reminder_after_an_unclear_reply_thanks_the_pair_for_it(since_meeting: bool) -> None:
    """A reminder to a pair whose reply we could not understand thanks them for it and says
    what we could not tell, never calls the check-in buried nor says what the reply answered
    (a follow-up, a question back or a pause-or-end as much as a check-in)."""
    _, message = _period(1, since_meeting=since_meeting, last_answer="unclear")
    for body in map(_flat, _bodies(message)):
        assert (
            "Thanks for your last reply; we could not quite tell from it whether you have met."
            " Here is where things stand: it has been"
        ) in body
        assert "buried" not in body
        assert "reply to our last check-in" not in body


def test_reminder_with_coordinator_in_copy_says_so() -> None:
    """When the ladder copies the coordinator, the reminder tells the pair who is in copy."""
    _, message = _period(2)
    for body in map(_flat, _bodies(message)):
        assert "Carla Diaz, who coordinates the program, is in copy" in body


def test_reminder_before_any_meeting_counts_from_the_start() -> None:
    """A pair with no meeting on record is reminded how long since they started, and told
    only that no meeting is on record (they may have met for years before the service)."""
    _, message = _period(1, since_meeting=False)
    for body in map(_flat, _bodies(message)):
        assert "8 weeks since you started, on Monday 5 January 2026" in body
        assert "and we have no meeting on record for you yet." in body
        assert "first meeting" not in body


def test_pause_or_end_says_the_question_comes_again_until_a_meeting() -> None:
    """The pause-or-end email does not say that keeping going needs no reply: the ladder
    asks again each period until a meeting is reported."""
    _, message = _period(3)
    for body in map(_flat, _bodies(message)):
        assert "there is no need to reply" not in body
        assert "To keep going as you are, reply with when you last met" in body
        assert "until we hear of a meeting, we will ask this again each time a check-in" in body


def test_pause_or_end_before_any_meeting_on_record_does_not_assume_none_happened() -> None:
    """A pair with no meeting on record is told so, not told that not meeting happens."""
    _, message = _period(3, since_meeting=False)
    for body in map(_flat, _bodies(message)):
        assert "since you started, on Monday 5 January 2026, and we have no meeting" in body
        assert "If meeting has been hard, that happens to the best of pairs" in body


def test_pause_or_end_shows_the_exact_replies() -> None:
    """The pause-or-end question shows a pause, an end and a meeting reply, word for word."""
    _, message = _period(3)
    assert message["Subject"] == "Pause or keep going? Ana and Ben (Northwind Mentoring)"
    text, html = _bodies(message)
    for reply in ("Pause until May", "End the mentoring", "Yes, we met on Tuesday for 45 minutes"):
        assert f"\n    {reply}\n" in text
        assert f"<strong>{reply}</strong>" in html
    assert "let Carla know" in _flat(text)


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [
        ("Pause until May", Outcome.PAUSE),
        ("End the mentoring", Outcome.END),
        ("Yes, we met on Tuesday for 45 minutes", Outcome.MEETING),
    ],
)
def test_pause_or_end_replies_mean_what_the_email_says(reply: str, outcome: Outcome) -> None:
    """Each reply the pause-or-end email suggests is read by the reply reader as promised."""
    _, message = _period(3)
    assert reply in _bodies(message)[0]
    meaning = meaning_of(reply, sent=NOW, zone=TOKYO, date_order="DMY")
    assert meaning.outcome is outcome


# Relationship emails: thank-yous, confirmations, follow-ups, notices.

MEETING = MeetingRecord(
    id=41,
    pair_id="ana-ben",
    met_on=date(2026, 3, 3),
    duration_minutes=45,
    reported_by="ana-ben-mentor@example.org",
    logged_at=NOW,
)
TOTALS = Totals(together="1 year and 2 months", meetings=14, minutes=930, approximate=False)
ROOT = "<checkin.ana-ben.northwind-mentoring@northwind.example>"
MAILBOX = "mentoring@northwind.example"


def _relationship(
    kind: Kind,
    *,
    pair: Pair | None = None,
    program: Program | None = None,
    meeting: MeetingRecord | None = MEETING,
    totals: Totals | None = TOTALS,
    due_at: datetime = NOW,
    templates: Path = TEMPLATES,
) -> tuple[Outgoing, EmailMessage]:
    pair = pair or _pair()
    planned = Planned(kind=kind, pair_id=pair.id, key=f"{kind}:x", due_at=due_at, reason="r")
    outgoing = _composer(templates).relationship(
        program or _program(pair),
        pair,
        planned,
        now=NOW,
        totals=totals,
        meeting=meeting,
        previous_message_id="<previous@northwind.example>",
    )
    return outgoing, _parsed(outgoing)


def _to(message: EmailMessage) -> list[str]:
    return [a.addr_spec for a in message["To"].addresses]


MENTOR, MENTEE = "ana-ben-mentor@example.org", "ana-ben-mentee@example.org"
COORDINATOR = "carla@northwind.example"


@pytest.mark.parametrize(
    ("kind", "to", "cc"),
    [
        (Kind.THANKS, [MENTOR], [MENTEE]),
        (Kind.CONFIRMATION, [MENTEE], []),
        (Kind.FOLLOW_UP, [MENTOR, MENTEE], []),
        (Kind.WELCOME_BACK, [MENTOR, MENTEE], []),
        (Kind.FAREWELL, [MENTOR, MENTEE], []),
        (Kind.ANNIVERSARY, [MENTOR, MENTEE], []),
    ],
)
def test_pair_emails_headers(kind: Kind, to: list[str], cc: list[str]) -> None:
    """Pair emails go to the right members, carry the pair's token and join its thread."""
    outgoing, message = _relationship(kind)
    assert (_to(message), _cc(message)) == (to, cc)
    assert outgoing.recipients == (*to, *cc)
    assert (outgoing.key, outgoing.kind, outgoing.pair_id) == (f"{kind}:x", kind.value, "ana-ben")
    assert message["X-Reminder-Kind"] == kind.value
    assert message["X-Reminder-Pair"] == "ana-ben"
    token = token_in_address(message["Reply-To"].addresses[0].addr_spec, mailbox=MAILBOX)
    assert token is not None
    assert check_token(token, key=KEY, today=date(2026, 3, 4)).pair_id == "ana-ben"
    assert message["References"].split() == [ROOT, "<previous@northwind.example>"]
    assert message["In-Reply-To"] == "<previous@northwind.example>"


@pytest.mark.parametrize("kind", [Kind.DISPUTE_NOTICE, Kind.ENDED_NOTICE])
def test_coordinator_notices_headers(kind: Kind) -> None:
    """Notices go to the coordinator alone, with no reply token and outside the pair's thread."""
    outgoing, message = _relationship(kind)
    assert _to(message) == [COORDINATOR]
    assert outgoing.recipients == (COORDINATOR,)
    assert (outgoing.kind, message["X-Reminder-Kind"]) == (kind.value, kind.value)
    assert message["X-Reminder-Pair"] == "ana-ben"
    for header in ("Reply-To", "Cc", "References", "In-Reply-To"):
        assert message[header] is None
    text, _ = _bodies(message)
    assert "Please reply above this line" not in text


def test_relationship_period_is_the_local_due_date() -> None:
    """The outbox period of an event email is the date it was due where the pair lives."""
    outgoing, _ = _relationship(Kind.WELCOME_BACK, due_at=datetime(2026, 3, 9, 0, 30, tzinfo=UTC))
    assert outgoing.period == date(2026, 3, 9)


def test_thanks_names_the_meeting_and_the_totals() -> None:
    """The thank-you names the meeting, its length and the totals, and thanks the mentee in copy."""
    _, message = _relationship(Kind.THANKS)
    assert message["Subject"] == "Thank you, Ana: your meeting with Ben on Tuesday 3 March"
    for body in map(_flat, _bodies(message)):
        assert "Hi Ana," in body
        assert "Thank you for meeting Ben on Tuesday 3 March (45 minutes)" in body
        assert "1 year and 2 months" in body
        assert "14" in body
        assert "15 hours 30 minutes" in body
        assert "about" not in body
        assert "Ben, you are in copy" in body


def test_thanks_says_about_when_totals_are_approximate() -> None:
    """Totals that count meetings without a length say "about" and why."""
    approximate = replace(TOTALS, approximate=True)
    _, message = _relationship(Kind.THANKS, totals=approximate)
    for body in map(_flat, _bodies(message)):
        assert "about 16 hours" in body
        assert "not every meeting came with a length" in body


def test_thanks_without_copy_to_the_mentee() -> None:
    """A program that turns the copy off thanks the mentor alone."""
    program = replace(_program(), thank_you_cc_mentee=False)
    outgoing, message = _relationship(Kind.THANKS, program=program)
    assert (_to(message), _cc(message), outgoing.recipients) == ([MENTOR], [], (MENTOR,))
    assert "you are in copy" not in _flat(_bodies(message)[0])


def test_thanks_for_a_meeting_in_another_year_gives_the_year() -> None:
    """A meeting dated in an earlier year is named with its year."""
    meeting = replace(MEETING, met_on=date(2025, 12, 30))
    _, message = _relationship(Kind.THANKS, meeting=meeting)
    assert "on Tuesday 30 December 2025" in _flat(_bodies(message)[0])


@pytest.mark.parametrize(
    ("reported_by", "to", "reporter"),
    [(MENTOR, [MENTEE], "Ana"), (MENTEE.upper(), [MENTOR], "Ben"), ("mentee", [MENTOR], "Ben")],
)
def test_confirmation_goes_to_the_member_who_did_not_log_it(
    reported_by: str, to: list[str], reporter: str
) -> None:
    """The confirmation names who logged the meeting and asks the other member to reply NO."""
    meeting = replace(MEETING, reported_by=reported_by)
    outgoing, message = _relationship(Kind.CONFIRMATION, meeting=meeting)
    assert (_to(message), outgoing.recipients) == (to, tuple(to))
    for body in map(_flat, _bodies(message)):
        assert (
            f"{reporter} logged your meeting on Tuesday 3 March (45 minutes). "
            "Reply NO if that's not right." in body
        )


IDN_MENTEE = "ben@bücher.example"
IDN_MENTEE_ASCII = "ben@xn--bcher-kva.example"


def _idn_pair() -> Pair:
    """The usual pair, with a mentee at a domain that has a non-ASCII letter."""
    pair = _pair()
    return replace(pair, mentee=replace(pair.mentee, email=IDN_MENTEE))


def test_a_meeting_logged_from_the_ascii_spelling_names_the_member() -> None:
    """A meeting logged from the xn-- spelling of the mentee's domain is the mentee's: the
    confirmation goes to the mentor only and names the mentee."""
    meeting = replace(MEETING, reported_by=IDN_MENTEE_ASCII)
    outgoing, message = _relationship(Kind.CONFIRMATION, pair=_idn_pair(), meeting=meeting)
    assert outgoing.recipients == (MENTOR,)
    for body in map(_flat, _bodies(message)):
        assert "Ben logged your meeting on Tuesday 3 March" in body


def test_confirmation_of_a_meeting_logged_from_an_unknown_address_goes_to_both() -> None:
    """When the address that logged it is no longer a member's, both are asked, without a name."""
    meeting = replace(MEETING, reported_by="old-address@example.org", duration_minutes=None)
    _, message = _relationship(Kind.CONFIRMATION, meeting=meeting)
    assert _to(message) == [MENTOR, MENTEE]
    for body in map(_flat, _bodies(message)):
        assert "Hi Ana and Ben," in body
        assert "Your meeting was logged on Tuesday 3 March. Reply NO" in body


@pytest.mark.parametrize(
    ("kind", "subject", "words"),
    [
        (
            Kind.FOLLOW_UP,
            "Re: Check-in: Ana and Ben (Northwind Mentoring)",
            ["Hi Ana and Ben,", "gentle follow-up", "Yes, we met on Tuesday for 45 minutes"],
        ),
        (
            Kind.WELCOME_BACK,
            "Welcome back, Ana and Ben (Northwind Mentoring)",
            ["Hi Ana and Ben,", "Your pause is over", "Pause until May"],
        ),
        (
            Kind.FAREWELL,
            "Thank you, Ana and Ben (Northwind Mentoring)",
            [
                "your mentoring has ended",
                "Over 1 year and 2 months you had 14 meetings, 15 hours 30 minutes in all.",
                "write to Carla Diaz at carla@northwind.example",
            ],
        ),
    ],
)
def test_pair_email_words(kind: Kind, subject: str, words: list[str]) -> None:
    """Each email to the pair has its subject and essential words in both parts."""
    _, message = _relationship(kind)
    assert message["Subject"] == subject
    for body in map(_flat, _bodies(message)):
        for expected in words:
            assert expected in body


def test_anniversary_counts_the_years_and_the_totals() -> None:
    """The anniversary email says how many years since the start, and the totals."""
    pair = replace(_pair(), started=date(2024, 3, 4))
    totals = Totals(together="2 years", meetings=20, minutes=1500, approximate=True)
    _, message = _relationship(Kind.ANNIVERSARY, pair=pair, totals=totals)
    assert message["Subject"] == "2 years of mentoring: happy anniversary, Ana and Ben!"
    for body in map(_flat, _bodies(message)):
        assert "It is 2 years since you started mentoring together, on Monday 4 March 2024" in body
        assert "20 meetings, about 25 hours in all" in body


def test_farewell_without_meetings_leaves_the_totals_out() -> None:
    """A pair that never met is thanked without a sentence about zero meetings."""
    totals = Totals(together="3 months", meetings=0, minutes=0, approximate=False)
    _, message = _relationship(Kind.FAREWELL, totals=totals)
    for body in map(_flat, _bodies(message)):
        assert "Thank you both." in body
        assert "0 meetings" not in body


def test_dispute_notice_is_factual() -> None:
    """The dispute notice names the pair, the removed meeting, who logged it and who said NO."""
    disputed = replace(MEETING, disputed_by=MENTEE, disputed_answering=Kind.CONFIRMATION)
    _, message = _relationship(Kind.DISPUTE_NOTICE, meeting=disputed)
    assert message["Subject"] == "Meeting removed after a NO: ana-ben, Tuesday 3 March"
    for body in map(_flat, _bodies(message)):
        assert "Hello Carla," in body
        assert "pair ana-ben (Ana Silva and Ben Okafor) was removed" in body
        assert "because Ben Okafor answered the confirmation of it NO." in body
        assert "Tuesday 3 March, 45 minutes" in body
        assert "Ana Silva" in body
        assert "as if it had never been logged" in body
        assert "the meeting they meant" not in body


@pytest.mark.parametrize(
    ("answered", "disputed_by", "words"),
    [
        (Kind.CHECKIN, MENTEE, "because Ben Okafor replied to a check-in that something was wrong"),
        (Kind.THANKS, MENTOR, "because Ana Silva replied to a thank-you that something was wrong"),
        (None, None, "because a member of the pair replied to one of our emails that something"),
    ],
)
def test_dispute_notice_says_what_a_dispute_outside_a_confirmation_answered(
    answered: Kind | None, disputed_by: str | None, words: str
) -> None:
    """A "that's wrong" to another email is not called a NO to a confirmation: the notice
    says who replied to what, and that the pair's latest meeting was the one removed."""
    disputed = replace(MEETING, disputed_by=disputed_by, disputed_answering=answered)
    _, message = _relationship(Kind.DISPUTE_NOTICE, meeting=disputed)
    assert message["Subject"] == "Meeting removed as disputed: ana-ben, Tuesday 3 March"
    for body in map(_flat, _bodies(message)):
        assert words in body
        assert "confirmation of it" not in body
        assert "removes the pair's latest meeting logged in the last 30 days: this one." in body
        assert "whether this is the meeting they meant" in body


def test_ended_notice_shows_the_lines_for_the_program_file() -> None:
    """The ended notice says when the pair ended and what to write in the program file."""
    _, message = _relationship(Kind.ENDED_NOTICE, totals=None)
    assert message["Subject"] == "Pair ended by reply: ana-ben (Ana Silva and Ben Okafor)"
    text, html = _bodies(message)
    assert "\n    status: ended\n    ended_on: 2026-03-04\n" in text
    assert "status: ended\nended_on: 2026-03-04</pre>" in html
    for body in map(_flat, (text, html)):
        assert "asked by reply to end their mentoring, on Wednesday 4 March 2026" in body
        assert " they had " not in body


def test_ended_notice_tells_to_replace_the_status_the_program_file_has() -> None:
    """For a pair whose file says it is paused (a pause that is over), the ended notice
    quotes what the file says and asks to replace those lines, not to add a second
    `status:` (a duplicate key the reload rejects)."""
    paused = replace(_pair(), status=Status.PAUSED, paused_until=date(2026, 2, 1))
    _, message = _relationship(Kind.ENDED_NOTICE, pair=paused, totals=None)
    for body in map(_flat, _bodies(message)):
        assert 'does not say so yet ("status: paused, paused_until: 2026-02-01")' in body
        assert "set (or replace) these lines in the pair's entry, in place of any" in body
        assert "status, paused_until or ended_on lines already there" in body
        assert "still says the pair is active" not in body
        assert "add these lines" not in body


def test_ended_notice_gives_totals_when_known() -> None:
    """With totals, the ended notice says what the pair achieved."""
    _, message = _relationship(Kind.ENDED_NOTICE)
    for body in map(_flat, _bodies(message)):
        assert "Over 1 year and 2 months they had 14 meetings, 15 hours 30 minutes in all." in body


def test_ended_notice_without_meetings_leaves_the_totals_out() -> None:
    """A pair that ended without a meeting logged gets no sentence about zero meetings."""
    totals = Totals(together="3 months", meetings=0, minutes=0, approximate=False)
    _, message = _relationship(Kind.ENDED_NOTICE, totals=totals)
    for body in map(_flat, _bodies(message)):
        assert "asked by reply to end their mentoring" in body
        assert " they had " not in body


@pytest.mark.parametrize("kind", sorted(RELATIONSHIP_KINDS))
def test_script_in_name_is_escaped_in_every_relationship_email(kind: Kind) -> None:
    """Markup in a member's name is text, never a tag, in every kind's HTML."""
    pair = _pair(mentor="<script>alert(1)</script> Ana", mentee="<script>x</script> Ben")
    meeting = replace(MEETING, reported_by=pair.mentee.email)
    _, message = _relationship(kind, pair=pair, meeting=meeting)
    _, html = _bodies(message)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("kind", "meeting", "totals", "pair_id"),
    [
        (Kind.THANKS, None, TOTALS, "ana-ben"),
        (Kind.THANKS, MEETING, None, "ana-ben"),
        (Kind.CONFIRMATION, replace(MEETING, pair_id="cy-di"), None, "ana-ben"),
        (Kind.FAREWELL, None, None, "ana-ben"),
        (Kind.FOLLOW_UP, None, None, "cy-di"),
        (Kind.REMINDER, None, None, "ana-ben"),
        (Kind.DIGEST, None, None, "ana-ben"),
    ],
)
def test_relationship_refuses_a_plan_it_cannot_write(
    kind: Kind, meeting: MeetingRecord | None, totals: Totals | None, pair_id: str
) -> None:
    """A missing meeting or totals, another pair's plan, or a non-event kind is a ValueError."""
    pair = _pair()
    planned = Planned(kind=kind, pair_id=pair_id, key="k", due_at=NOW, reason="r")
    with pytest.raises(ValueError, match=r"\w"):
        _composer(TEMPLATES).relationship(
            _program(pair),
            pair,
            planned,
            now=NOW,
            totals=totals,
            meeting=meeting,
            previous_message_id=None,
        )


# The coordinator's digest.

FULL_FACTS = DigestFacts(
    period_start=datetime(2026, 2, 24, 23, 30, tzinfo=UTC),
    meetings=(MEETING, replace(MEETING, id=42, pair_id="gone", duration_minutes=None)),
    disputed=(replace(MEETING, id=43, met_on=date(2026, 2, 27)),),
    overdue=(
        OverduePair(
            pair_id="ana-ben",
            periods=2,
            since=date(2026, 1, 5),
            days=40,
            missed_since=date(2026, 2, 5),
        ),
    ),
    failing_addresses=((MENTEE, datetime(2026, 3, 2, 5, 5, tzinfo=UTC)),),
    unknown_sends=(
        UnknownSend(
            key="checkin:ana-ben:2026-03-04",
            recipients=(MENTOR, "stranger@example.org"),
            at=datetime(2026, 3, 1, 0, 0, tzinfo=UTC),
            kind="checkin",
        ),
    ),
    review=(
        ReviewItem(inbound_id=12, outcome="unclear", reason=None, sender=MENTOR, pair_id="ana-ben"),
        ReviewItem(13, "rejected", "sender_not_in_pair", "x@example.org", None),
    ),
    reload_errors=("config/program.yaml:12: 'fortnightly' is not a cadence",),
    status_differences=(
        StatusDifference(
            pair_id="ana-ben",
            in_yaml="status: active",
            by_reply="status: paused, paused_until: 2026-05-01",
        ),
    ),
)

SECTIONS = {
    "meetings": "Meetings logged",
    "disputed": "Meetings removed as disputed",
    "overdue": "Pairs that have not met on schedule",
    "failing_addresses": "Addresses that are failing",
    "unknown_sends": "Emails that may not have arrived",
    "review": "Replies waiting for you",
    "reload_errors": "The program file has problems",
    "status_differences": "Pauses and ends asked for by reply",
}


def _digest(facts: DigestFacts, *, program: Program | None = None) -> tuple[Outgoing, EmailMessage]:
    outgoing = _composer(TEMPLATES).digest(program or _program(), facts, now=NOW)
    return outgoing, _parsed(outgoing)


def test_digest_headers() -> None:
    """The digest goes to the coordinator, keyed by the program's local date, with no token."""
    outgoing, message = _digest(FULL_FACTS)
    assert outgoing.key == "digest:2026-03-04"
    assert (outgoing.kind, outgoing.pair_id, outgoing.period) == ("digest", "", date(2026, 3, 4))
    assert outgoing.recipients == (COORDINATOR,)
    assert _to(message) == [COORDINATOR]
    assert message["Subject"] == "Northwind Mentoring: digest 25 Feb 2026 to 4 Mar 2026"
    assert message["X-Reminder-Kind"] == "digest"
    for header in ("Reply-To", "Cc", "X-Reminder-Pair", "References", "In-Reply-To"):
        assert message[header] is None


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_digest_has_only_the_sections_with_something_to_say(section: str) -> None:
    """A digest with one kind of news has that section's heading and no other."""
    facts = DigestFacts(
        period_start=FULL_FACTS.period_start, **{section: getattr(FULL_FACTS, section)}
    )
    _, message = _digest(facts)
    for body in map(_flat, _bodies(message)):
        for other, heading in SECTIONS.items():
            assert (heading in body) is (other == section)


def test_digest_says_who_and_how_long() -> None:
    """Every section names pairs and people so the coordinator can act without looking up ids."""
    _, message = _digest(FULL_FACTS)
    text, html = _bodies(message)
    for body in map(_flat, (text, html)):
        assert "Meetings logged (2)" in body
        assert (
            "ana-ben (Ana Silva and Ben Okafor): Tuesday 3 March 2026, 45 minutes; "
            "logged by Ana Silva" in body
        )
        assert "gone: Tuesday 3 March 2026, length not given" in body
        assert "Friday 27 February 2026" in body
        assert (
            "40 days overdue since Thursday 5 February 2026, the first check-in date after "
            "Monday 5 January 2026"
        ) in body
        assert f"{MENTEE} (Ben Okafor, mentee in ana-ben), last failed 2 Mar 2026, 14:05" in body
        assert "will not be sent again" in body
        assert "1 Mar 2026, 09:00: a check-in, to Ana Silva" in body
        assert "checkin:ana-ben" not in body
        assert "1 Mar 2026, 09:00" in body
        assert "Replies waiting for you (2 new)" in body
        assert "reminder-service review --done NUMBER" in body
        assert "#12 unclear, from ana-ben-mentor@example.org, pair ana-ben" in body
        assert (
            "#13 rejected: the sender is not the mentor or mentee of that pair; from x@example.org"
        ) in body
        assert "config/program.yaml:12: 'fortnightly' is not a cadence" in body
        assert 'the file says "status: active"' in body
    assert f"Ana Silva <{MENTOR}>, stranger@example.org" in text
    assert f"Ana Silva &lt;{MENTOR}&gt;, stranger@example.org" in html
    assert "\n        status: paused\n        paused_until: 2026-05-01\n" in text
    assert "status: paused\npaused_until: 2026-05-01</pre>" in html


def test_the_digest_says_who_disputed_each_removed_meeting_and_answering_what() -> None:
    """The digest's disputed meetings say who disputed each and which email they answered,
    not that every one was a NO to a confirmation."""
    facts = DigestFacts(
        period_start=FULL_FACTS.period_start,
        disputed=(
            replace(MEETING, disputed_by=MENTEE, disputed_answering=Kind.CONFIRMATION),
            replace(MEETING, id=44, disputed_by=MENTOR, disputed_answering=Kind.CHECKIN),
        ),
    )
    _, message = _digest(facts)
    for body in map(_flat, _bodies(message)):
        assert "Meetings removed as disputed (2)" in body
        assert "The member asked to confirm these answered NO" not in body
        assert "logged by Ana Silva; Ben Okafor answered the confirmation NO" in body
        assert "logged by Ana Silva; disputed by Ana Silva in reply to a check-in" in body


def test_the_digest_names_a_member_whichever_spelling_of_their_domain_it_saw() -> None:
    """Meetings, failing addresses and unsure sends from the xn-- spelling of a member's
    domain are named as that member in the digest."""
    facts = DigestFacts(
        period_start=FULL_FACTS.period_start,
        meetings=(replace(MEETING, reported_by=IDN_MENTEE_ASCII),),
        failing_addresses=((IDN_MENTEE_ASCII, datetime(2026, 3, 2, 5, 5, tzinfo=UTC)),),
        unknown_sends=(replace(FULL_FACTS.unknown_sends[0], recipients=(IDN_MENTEE_ASCII,)),),
    )
    _, message = _digest(facts, program=_program(_idn_pair()))
    text, _ = _bodies(message)
    for body in map(_flat, _bodies(message)):
        assert "logged by Ben Okafor" in body
        assert f"{IDN_MENTEE_ASCII} (Ben Okafor, mentee in ana-ben), last failed" in body
    assert f"Ben Okafor <{IDN_MENTEE_ASCII}>" in text


def test_a_long_digest_lists_fifty_and_counts_the_rest() -> None:
    """Past 50 meetings or overdue pairs, the digest lists 50 of each and says how many more
    there are and which command lists them all, in both bodies."""
    many = DigestFacts(
        period_start=FULL_FACTS.period_start,
        meetings=tuple(replace(MEETING, id=n) for n in range(1, 63)),
        overdue=FULL_FACTS.overdue * 51,
    )
    _, message = _digest(many)
    for body in map(_flat, _bodies(message)):
        assert "Meetings logged (62)" in body
        assert body.count("logged by") == 50
        assert "and 12 more: run reminder-service meetings to see them all" in body.replace('"', "")
        assert "Pairs that have not met on schedule (51)" in body
        assert body.count("40 days overdue") == 50
        assert "and 1 more: run reminder-service report to see every pair" in body.replace('"', "")


def test_the_digest_lists_fifty_new_replies_to_review_and_counts_older_ones() -> None:
    """Past 50 new replies to review, the digest lists 50 and counts the rest; replies from
    before the period still waiting are counted, not listed."""
    item = ReviewItem(inbound_id=7, outcome="unmatched", reason=None, sender=MENTOR, pair_id=None)
    many = DigestFacts(
        period_start=FULL_FACTS.period_start,
        review=tuple(replace(item, inbound_id=n) for n in range(1, 54)),
        review_older=4,
    )
    _, message = _digest(many)
    for body in map(_flat, _bodies(message)):
        assert "Replies waiting for you (53 new, 4 from before 25 Feb 2026)" in body
        assert body.count(" unmatched, from ") == 50
        assert "and 3 more new ones: run reminder-service review to see them all" in body.replace(
            '"', ""
        )


def test_script_in_name_is_escaped_in_the_digest() -> None:
    """Names and reload errors with markup are text in the digest's HTML."""
    pair = _pair(mentor="<script>alert(1)</script> Ana")
    facts = replace(FULL_FACTS, reload_errors=("<script>bad</script>",))
    _, message = _digest(facts, program=_program(pair))
    _, html = _bodies(message)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ana" in html


# Template checks for every kind.


def test_default_templates_have_no_problems_for_any_setting() -> None:
    """The shipped templates render without a copy to the mentee, and with no pairs at all."""
    composer = _composer(TEMPLATES)
    assert composer.problems(replace(_program(), thank_you_cc_mentee=False), now=NOW) == []
    assert composer.problems(replace(_program(), pairs=()), now=NOW) == []


@pytest.mark.parametrize(
    ("name", "old", "also_digest"),
    [
        ("thanks.txt.j2", "{{ totals.together }}", False),
        ("thanks.html.j2", '("about", because', False),
        ("confirmation.html.j2", "Your meeting was logged", False),
        ("reminder.txt.j2", "{{ program.coordinator.name }}", False),
        ("pause_or_end.subject.j2", "{{ program.name }}", False),
        ("ended_notice.txt.j2", "{{ totals.together }}", False),
        ("anniversary.html.j2", "{{ years_words }}", False),
        ("notice_layout.txt.j2", "{{ program.name }}", True),
    ],
)
def test_broken_template_of_any_kind_is_found(
    tmp_path: Path, name: str, old: str, also_digest: bool
) -> None:
    """A mistake in any kind's template, even in a branch, is reported with file, line and pair."""
    folder = _edited_templates(tmp_path, name, old, f"{{{{ no_such_thing }}}}{old}")
    line = _line_of(folder / name, "no_such_thing")
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    where = f"{folder}/{name}:{line}: 'no_such_thing' is undefined"
    assert problems == [
        f"{where} (rendering for pair ana-ben{' and the digest' if also_digest else ''})",
    ]


def test_broken_digest_template_is_found(tmp_path: Path) -> None:
    """A mistake in a digest section is reported with its file and line, once."""
    folder = _edited_templates(
        tmp_path, "digest.txt.j2", "{{ failing.address }}", "{{ failing.adress }}"
    )
    line = _line_of(folder / "digest.txt.j2", "failing.adress")
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert problems == [
        f"{folder}/digest.txt.j2:{line}: 'failing.adress' is undefined (rendering the digest)"
    ]


def test_digest_raises_config_error_when_a_template_fails(tmp_path: Path) -> None:
    """Composing the digest with a broken template raises ConfigError naming the file."""
    folder = _edited_templates(tmp_path, "digest.subject.j2", "{{ digest.since }}", "{{ 1 / 0 }}")
    with pytest.raises(ConfigError, match=r"digest\.subject\.j2:\d+: .*\(rendering the digest\)"):
        Composer(folder, identity=IDENTITY).digest(_program(), FULL_FACTS, now=NOW)


@pytest.mark.parametrize("kind", [k.value for k in Kind])
def test_every_kind_needs_its_templates(tmp_path: Path, kind: str) -> None:
    """A templates folder missing any kind's text part is refused when the Composer is built."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / f"{kind}.txt.j2").unlink()
    with pytest.raises(ConfigError, match=rf"{kind}\.txt\.j2: this template is missing$"):
        Composer(folder, identity=IDENTITY, fallback=None)


def test_every_template_documents_its_variables() -> None:
    """Each shipped template opens with a comment for coordinators that names its variables."""
    for path in sorted(TEMPLATES.glob("*.j2")):
        source = path.read_text(encoding="utf-8")
        assert source.startswith("{#"), path.name
        assert "Variables" in source.split("#}", 1)[0], path.name


WIDE_LIST = (
    "{% set s = 'x' * 100000 %}{% set l = [s] * 101 %}{% set d = {} %}"
    "{% for i in range(101) %}{% set _ = d.update({i: s}) %}{% endfor %}"
)
"""A list and a mapping of 101 texts of 100,000 characters: 10,100,000 written out."""


@pytest.mark.parametrize(
    "expression",
    [
        "l | lower",
        "l | e",
        "l | trim",
        "l | safe",
        "l | center(1)",
        "l | wordcount",
        "l | replace('a', 'b')",
        "'a' | replace('a', l)",
        "'a' | urlize(target=l)",
        "l | urlize",
        "d.values() | string",
        "d.items() ~ ''",
        "'{0!s}'.format(l)",
    ],
)
def test_sandbox_refuses_a_long_list_made_text_by_a_filter(expression: str) -> None:
    """A filter, `~` or format conversion that would write out a list or mapping past the size
    limit is refused before the text is made: far less memory is ever taken than it holds."""
    template = _Sandbox().from_string(f"{WIDE_LIST}{{{{ ({expression}) | length }}}}")
    tracemalloc.start()
    try:
        with pytest.raises(SecurityError, match="more than the 10,000,000 a template may make"):
            template.render()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


@pytest.mark.parametrize(
    "loop",
    [
        "{% set l = [0] %}{% for i in range(20) %}{{ l.extend(l | reverse) }}{% endfor %}",
        "{% set l = [0] * 100000 %}{{ l.append(0) }}",
        "{% set l = [0] * 100000 %}{{ l.insert(0, 0) }}",
        "{% set d = dict.fromkeys(range(100000)) %}{{ d.update({-1: 0}) }}",
    ],
)
def test_sandbox_refuses_a_list_or_mapping_grown_past_the_limit(loop: str) -> None:
    """A list or mapping grown round a loop, by `extend` with what has no length, `append`,
    `insert` or `update`, is refused once it would hold more than 100,000 items."""
    with pytest.raises(SecurityError, match="items; a template may make at most 100,000;"):
        _Sandbox().from_string(loop).render()


def test_sandbox_offers_no_lipsum() -> None:
    """`lipsum`, which makes pages of filler text unchecked, is not offered to templates."""
    with pytest.raises(UndefinedError, match="'lipsum' is undefined"):
        _Sandbox().from_string("{{ lipsum(1000, min=1000, max=1000) }}").render()


def test_sandbox_keeps_modest_lists_through_filters() -> None:
    """Lists and mappings of modest size go through filters, conversions and `extend` as
    Jinja makes them."""
    source = (
        "{{ ['A'] | lower }}|{{ {'a': 1}.values() | string }}|{{ ['a b'] | wordcount }}|"
        "{{ '{0!s}'.format([1]) }}|{{ {'a': 1}.items() ~ '' }}|"
        "{% set l = [1] %}{{ l.extend([2, 3] | reverse) }}{{ l.append(4) }}{{ l }}"
    )
    assert _Sandbox().from_string(source).render() == (
        "['a']|dict_values([1])|2|[1]|dict_items([('a', 1)])|NoneNone[1, 3, 2, 4]"
    )
